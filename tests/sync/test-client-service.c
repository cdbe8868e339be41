/* test-client-service.c: the client service of rb-client-service.h, the same assertions
 * against both implementations — the local one on a real SQLite file, and the server one on
 * a mirror kept by the sync engine against the real raumbuch-server process — and then what
 * only a server deployment has: queued bookings the server refuses later, sessions it ends,
 * a session taken up offline, blocks and cancel reasons arriving through the feed. */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-local-service.h"
#include "rb-mirror.h"
#include "rb-server-service.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

/* The frozen "now": Monday 30 November 2026, 07:00 in Berlin. */
#define NOW_RFC3339 "2026-11-30T06:00:00Z"
static gint64 frozen_now;

#define STAFF "14475"        /* Jonas Becker, staff */
#define OTHER_STAFF "17157"  /* Katharina Hoffmann, staff */
#define TEAM_LEAD "13663"    /* Anna Schmidt, team lead */
#define FACILITY "87666"     /* Monika Meier, facility manager */
#define ADMIN "95113"        /* Christian Lehmann, admin */
#define DESK "a0-d001"
#define ROOM "a0-r01"

typedef enum
{
  MODE_LOCAL,
  MODE_SERVER,
} Mode;

typedef struct
{
  Mode mode;
  char *dir;
  /* standalone: one store that every client shares */
  RbStore *store;
  /* with a server */
  RbTestServer *server;
  guint n_mirrors;
  GPtrArray *services;
} Fixture;

/* ---- waiting ------------------------------------------------------------------------------ */

static void
keep_result_cb (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static gboolean
wait_until (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, TRUE);
    }
  return TRUE;
}

static gboolean
has_result (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  g_assert_true (wait_until (has_result, slot));
  return *slot;
}

static void
settle (int ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

/* ---- the two backends ---------------------------------------------------------------------- */

static gint64
frozen_clock (gpointer data)
{
  return frozen_now;
}

/* The demo building with the PINs of the people these tests sign in, made once per run:
 * Argon2id is slow on purpose, and slower still under valgrind. */
static char *template_dir;
static char *template_path;

static void
remove_template (void)
{
  rb_test_remove_tree (template_dir);
  g_free (template_dir);
  g_free (template_path);
}

static const char *
local_template (void)
{
  static const char *const people[] = { STAFF, OTHER_STAFF, TEAM_LEAD, "29287", FACILITY, ADMIN };
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = NULL;

  if (template_path != NULL)
    return template_path;
  template_dir = rb_test_make_tmpdir ();
  template_path = g_build_filename (template_dir, "template.db", NULL);
  store = rb_store_open_sync (template_path, &error);
  g_assert_no_error (error);
  g_assert_true (rb_store_seed_demo_sync (store, &error));
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autoptr (RbPerson) person = rb_store_find_person_by_staff_number_sync (store, people[i],
                                                                             &error);
      g_autofree char *hash = rb_auth_hash_pin (rb_test_demo_person (people[i])->pin, &error);

      g_assert_no_error (error);
      g_assert_true (rb_auth_set_pin_hash_sync (store, rb_person_get_id (person), hash, &error));
    }
  /* Fold the WAL into the main file so that a plain copy has everything. */
  g_assert_cmpint (sqlite3_exec (rb_store_get_connection (store),
                                 "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  atexit (remove_template);
  return template_path;
}

static RbClientService *
add_client (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  RbClientService *service;

  if (f->mode == MODE_LOCAL)
    {
      g_autoptr (GAsyncResult) result = NULL;
      RbLocalService *local = rb_local_service_new (f->store);

      rb_local_service_prepare_async (local, FALSE, NULL, keep_result_cb, &result);
      g_assert_true (rb_local_service_prepare_finish (local, wait_result (&result), &error));
      service = RB_CLIENT_SERVICE (local);
    }
  else
    {
      g_autofree char *name = g_strdup_printf ("mirror-%u.db", ++f->n_mirrors);
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_autoptr (RbStore) store = rb_store_open_sync (path, &error);
      g_autoptr (RbApiClient) client = NULL;
      g_autoptr (RbSyncEngine) engine = NULL;

      g_assert_no_error (error);
      rb_store_set_clock (store, frozen_clock, NULL);
      client = rb_api_client_new (rb_test_server_get_base_url (f->server));
      engine = rb_sync_engine_new (store, client);
      rb_sync_engine_set_poll_interval (engine, 0);
      service = RB_CLIENT_SERVICE (rb_server_service_new (engine, NULL));
    }
  g_ptr_array_add (f->services, service);
  return service;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->mode = GPOINTER_TO_INT (data);
  f->services = g_ptr_array_new ();
  f->dir = rb_test_make_tmpdir ();
  if (f->mode == MODE_LOCAL)
    {
      g_autofree char *path = g_build_filename (f->dir, "raumbuch.db", NULL);
      g_autofree char *contents = NULL;
      gsize length;

      g_assert_true (g_file_get_contents (local_template (), &contents, &length, NULL));
      g_assert_true (g_file_set_contents (path, contents, length, NULL));
      f->store = rb_store_open_sync (path, &error);
      g_assert_no_error (error);
      rb_store_set_clock (f->store, frozen_clock, NULL);
    }
  else
    {
      f->server = rb_test_server_new (f->dir);
      rb_test_server_set_now (f->server, NOW_RFC3339);
      rb_test_server_start (f->server);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  for (guint i = 0; i < f->services->len; i++)
    rb_client_service_shutdown (g_ptr_array_index (f->services, i));
  settle (50);
  while (f->services->len > 0)
    g_assert_finalize_object (g_ptr_array_steal_index (f->services, f->services->len - 1));
  g_ptr_array_unref (f->services);
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  if (f->server != NULL)
    {
      if (rb_test_server_is_running (f->server))
        {
          rb_test_server_send_signal (f->server, SIGCONT);
          rb_test_server_stop (f->server);
        }
      rb_test_server_free (f->server);
    }
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* ---- calls, run to their end ------------------------------------------------------------ */

static RbPerson *
sign_in (RbClientService *service, const char *staff_number, const char *pin, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_sign_in_async (service, staff_number, pin, NULL, keep_result_cb, &result);
  return rb_client_service_person_finish (service, wait_result (&result), error);
}

static void
sign_in_demo (RbClientService *service, const char *staff_number)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = sign_in (service, staff_number,
                                         rb_test_demo_person (staff_number)->pin, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rb_person_get_staff_number (person), ==, staff_number);
}

static void
sync_now (RbClientService *service)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  rb_client_service_sync_async (service, NULL, keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (service, wait_result (&result), &error));
  g_assert_no_error (error);
}

static RbBooking *
book (RbClientService *service, const char *space_id, gint64 start, gint64 end, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));

  rb_client_service_create_booking_async (service, NULL, request, NULL, keep_result_cb, &result);
  return rb_client_service_booking_finish (service, wait_result (&result), error);
}

static RbBooking *
cancel (RbClientService *service, const char *booking_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_cancel_booking_async (service, booking_id, NULL, keep_result_cb, &result);
  return rb_client_service_booking_finish (service, wait_result (&result), error);
}

static GPtrArray *
my_bookings (RbClientService *service)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *bookings;

  rb_client_service_list_my_bookings_async (service, NULL,
                                            rb_interval_make (frozen_now - 86400,
                                                              frozen_now + 30 * 86400),
                                            NULL, keep_result_cb, &result);
  bookings = rb_client_service_list_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  return bookings;
}

static GPtrArray *
space_bookings (RbClientService *service, const char *space_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GPtrArray *bookings;

  rb_client_service_list_bookings_async (service, NULL, space_id,
                                         rb_interval_make (frozen_now, frozen_now + 30 * 86400),
                                         NULL, keep_result_cb, &result);
  bookings = rb_client_service_list_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  return bookings;
}

static RbBooking *
find_booking (GPtrArray *bookings, const char *id)
{
  for (guint i = 0; i < bookings->len; i++)
    if (g_str_equal (rb_booking_get_id (g_ptr_array_index (bookings, i)), id))
      return g_ptr_array_index (bookings, i);
  return NULL;
}

/* Tuesday 1 December 2026 at hour:00 in Berlin. */
static gint64
tuesday (int hour)
{
  return rb_test_berlin_time (2026, 12, 1, hour, 0);
}

/* ---- both backends --------------------------------------------------------------------- */

static void
test_sign_in (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) nobody = sign_in (service, STAFF, "0000", &error);
  g_autoptr (GAsyncResult) result = NULL;

  g_assert_null (nobody);
  rb_assert_rb_error (error, RB_ERROR_UNAUTHENTICATED, "unauthenticated");
  g_assert_null (rb_client_service_get_person (service));
  g_assert_null (rb_client_service_get_session_secret (service));

  sign_in_demo (service, STAFF);
  g_assert_cmpstr (rb_person_get_staff_number (rb_client_service_get_person (service)), ==, STAFF);
  g_assert_nonnull (rb_client_service_get_session_secret (service));
  g_assert_true (rb_client_service_get_ready (service));
  /* Choosing a person without a PIN is for the demo building of a standalone app only. */
  g_assert_cmpint (rb_client_service_get_offers_person_picker (service), ==, f->mode == MODE_LOCAL);

  rb_client_service_sign_out_async (service, NULL, keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (service, wait_result (&result), NULL));
  g_assert_null (rb_client_service_get_person (service));
  g_assert_null (rb_client_service_get_session_secret (service));
}

static void
test_book_and_see (Fixture *f, gconstpointer data)
{
  RbClientService *mine = add_client (f);
  RbClientService *other = add_client (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (RbBooking) clash = NULL;
  g_autoptr (RbBooking) cancelled = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GPtrArray) seen = NULL;

  sign_in_demo (mine, STAFF);
  sign_in_demo (other, OTHER_STAFF);
  booked = book (mine, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (booked), ==, RB_SYNC_STATE_SYNCED);
  listed = my_bookings (mine);
  g_assert_nonnull (find_booking (listed, rb_booking_get_id (booked)));
  g_assert_cmpstr (rb_booking_get_space_name (find_booking (listed, rb_booking_get_id (booked))),
                   ==, "0.01");

  /* The other client sees it, anonymous, and cannot take the desk. */
  sync_now (other);
  seen = space_bookings (other, DESK);
  g_assert_nonnull (find_booking (seen, rb_booking_get_id (booked)));
  clash = book (other, DESK, tuesday (10), tuesday (12), &error);
  g_assert_null (clash);
  rb_assert_rb_error (error, RB_ERROR_OVERLAP, "overlap");
  g_clear_error (&error);

  cancelled = cancel (mine, rb_booking_get_id (booked), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (cancelled), ==, RB_BOOKING_STATE_CANCELLED);
}

static void
test_change_booking (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (RbBooking) changed = NULL;
  g_autoptr (RbBooking) stale = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) again = NULL;

  sign_in_demo (service, STAFF);
  booked = book (service, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  rb_client_service_update_booking_async (service, booked, rb_interval_make (tuesday (10), tuesday (15)),
                                          NULL, NULL, keep_result_cb, &result);
  changed = rb_client_service_booking_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_start (changed), ==, tuesday (10));
  g_assert_cmpint (rb_booking_get_end (changed), ==, tuesday (15));
  g_assert_cmpint (rb_booking_get_version (changed), >, rb_booking_get_version (booked));

  /* The version read before the change is stale now: nothing is overwritten. */
  rb_client_service_update_booking_async (service, booked, rb_interval_make (tuesday (8), tuesday (9)),
                                          NULL, NULL, keep_result_cb, &again);
  stale = rb_client_service_booking_finish (service, wait_result (&again), &error);
  g_assert_null (stale);
  rb_assert_rb_error (error, RB_ERROR_STALE_VERSION, "stale_version");
}

static void
test_series_check_writes_nothing (Fixture *f, gconstpointer data)
{
  RbClientService *lead = add_client (f);
  RbClientService *other = add_client (f);
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  g_autoptr (RbSeriesResult) check = NULL;
  g_autoptr (RbSeriesResult) reserved = NULL;
  g_autoptr (RbBooking) blocker = NULL;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GAsyncResult) checked = NULL;
  g_autoptr (GAsyncResult) made = NULL;
  g_autoptr (GAsyncResult) gone = NULL;
  g_autoptr (GError) error = NULL;
  RbSeriesConflict *conflict;

  sign_in_demo (lead, TEAM_LEAD);
  sign_in_demo (other, "29287");  /* another team lead takes Thursday's slot first */
  blocker = book (other, ROOM, rb_test_berlin_time (2026, 12, 3, 9, 0),
                  rb_test_berlin_time (2026, 12, 3, 10, 0), &error);
  g_assert_no_error (error);

  request->id = g_uuid_string_random ();
  request->space_id = g_strdup (ROOM);
  request->first = rb_interval_make (tuesday (9), tuesday (11));
  request->rrule = g_strdup ("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4");
  request->title = g_strdup ("Sprint");
  request->attendees = 4;
  request->mode = RB_SERIES_MODE_SKIP_CONFLICTS;
  sync_now (lead);
  before = space_bookings (lead, ROOM);

  rb_client_service_check_series_async (lead, request, NULL, keep_result_cb, &checked);
  check = rb_client_service_series_finish (lead, wait_result (&checked), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (check->conflicts->len, ==, 1);
  conflict = g_ptr_array_index (check->conflicts, 0);
  g_assert_cmpint (conflict->code, ==, RB_ERROR_OVERLAP);
  g_assert_cmpint (conflict->occurrence.start, ==, rb_test_berlin_time (2026, 12, 3, 9, 0));
  g_assert_true (conflict->has_clash);
  g_assert_nonnull (conflict->message);
  g_assert_false (check->created);
  sync_now (lead);
  after = space_bookings (lead, ROOM);
  g_assert_cmpuint (after->len, ==, before->len);

  rb_client_service_create_series_async (lead, request, NULL, keep_result_cb, &made);
  reserved = rb_client_service_series_finish (lead, wait_result (&made), &error);
  g_assert_no_error (error);
  g_assert_true (reserved->created);
  g_assert_cmpuint (reserved->bookings->len, ==, 3);
  g_assert_cmpuint (reserved->conflicts->len, ==, 1);

  rb_client_service_cancel_series_async (lead, reserved->series_id,
                                         rb_booking_get_id (g_ptr_array_index (reserved->bookings, 1)),
                                         RB_SERIES_CANCEL_FOLLOWING, NULL, keep_result_cb, &gone);
  cancelled = rb_client_service_list_finish (lead, wait_result (&gone), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 2);
}

static void
test_occupancy (Fixture *f, gconstpointer data)
{
  RbClientService *staff = add_client (f);
  RbClientService *manager = add_client (f);
  RbOccupancyQuery query = { 0 };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) refused = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GError) error = NULL;
  RbOccupancyRow *row;

  sign_in_demo (staff, STAFF);
  sign_in_demo (manager, FACILITY);
  booked = book (staff, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);

  query.floor_id = "flr-a-eg";
  query.filter_kind = TRUE;
  query.kind = RB_SPACE_KIND_DESK;
  query.range = rb_local_day_of_date (rb_test_berlin (), 2026, 12, 1);
  query.bucket = RB_OCCUPANCY_BUCKET_DAY;
  query.by_floor = TRUE;
  rb_client_service_occupancy_async (manager, &query, NULL, keep_result_cb, &result);
  rows = rb_client_service_list_finish (manager, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  row = g_ptr_array_index (rows, 0);
  g_assert_cmpstr (row->floor_id, ==, "flr-a-eg");
  /* One person booked that day: withheld by the default minimum group of 5, by both. */
  g_assert_cmpint (row->withheld_below, ==, 5);
  g_assert_cmpint (row->booked, ==, 0);
  g_assert_cmpint (row->booked_seconds, ==, 0);
  g_assert_cmpfloat (row->forecast, ==, 0.0);
  g_assert_cmpint (row->spaces, >, 0);

  /* Staff read no reports, from either backend. */
  rb_client_service_occupancy_async (staff, &query, NULL, keep_result_cb, &refused);
  none = rb_client_service_list_finish (staff, wait_result (&refused), &error);
  g_assert_null (none);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
}

static gboolean
has_notice (gpointer data)
{
  return *(RbBooking **) data != NULL;
}

static void
on_notice_cb (RbClientService *service, RbBooking *booking, RbBooking **slot)
{
  g_set_object (slot, booking);
}

static void
test_blocks (Fixture *f, gconstpointer data)
{
  RbClientService *staff = add_client (f);
  RbClientService *manager = add_client (f);
  g_autoptr (GAsyncResult) previewed = NULL;
  g_autoptr (GAsyncResult) made = NULL;
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (GAsyncResult) lifted = NULL;
  g_autoptr (GAsyncResult) listed_again = NULL;
  g_autoptr (GPtrArray) affected = NULL;
  g_autoptr (GPtrArray) blocks = NULL;
  g_autoptr (GPtrArray) no_blocks = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (RbBooking) told = NULL;
  g_autoptr (GError) error = NULL;
  RbBlockResult *block;
  RbSpaceBlock *listed_block;
  RbBooking *after;
  RbInterval closed = rb_local_day_of_date (rb_test_berlin (), 2026, 12, 1);

  sign_in_demo (staff, STAFF);
  sign_in_demo (manager, FACILITY);
  g_signal_connect (staff, "notice", G_CALLBACK (on_notice_cb), &told);
  booked = book (staff, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  sync_now (manager);

  rb_client_service_preview_block_async (manager, DESK, closed, NULL, keep_result_cb, &previewed);
  affected = rb_client_service_list_finish (manager, wait_result (&previewed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (affected->len, ==, 1);
  /* Facility managers see when, never who. */
  g_assert_null (rb_booking_get_person_id (g_ptr_array_index (affected, 0)));

  rb_client_service_create_block_async (manager, DESK, closed, "Wasserschaden", NULL,
                                        keep_result_cb, &made);
  block = rb_client_service_block_finish (manager, wait_result (&made), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (block->cancelled->len, ==, 1);

  /* The owner's client learns it on its next sync: the reason is kept, and they are told. */
  sync_now (staff);
  mine = my_bookings (staff);
  after = find_booking (mine, rb_booking_get_id (booked));
  g_assert_nonnull (after);
  g_assert_cmpint (rb_booking_get_state (after), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpstr (rb_booking_get_cancel_reason (after), ==, "Wasserschaden");
  if (f->mode == MODE_SERVER)
    {
      g_assert_true (wait_until (has_notice, &told));
      g_assert_cmpstr (rb_booking_get_id (told), ==, rb_booking_get_id (booked));
      g_assert_cmpstr (rb_booking_get_cancel_reason (told), ==, "Wasserschaden");
    }

  /* Every client lists the block, with its reason, and can tell the space is closed. */
  rb_client_service_list_blocks_async (staff, "flr-a-eg", closed, NULL, keep_result_cb, &listed);
  blocks = rb_client_service_list_finish (staff, wait_result (&listed), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (blocks->len, ==, 1);
  listed_block = g_ptr_array_index (blocks, 0);
  g_assert_cmpint (listed_block->id, ==, block->block_id);
  g_assert_cmpstr (listed_block->reason, ==, "Wasserschaden");
  g_assert_nonnull (rb_space_block_find (blocks, DESK, tuesday (12)));

  rb_client_service_lift_block_async (manager, block->block_id, NULL, keep_result_cb, &lifted);
  g_assert_true (rb_client_service_boolean_finish (manager, wait_result (&lifted), &error));
  g_assert_no_error (error);
  sync_now (staff);
  rb_client_service_list_blocks_async (staff, "flr-a-eg", closed, NULL, keep_result_cb,
                                       &listed_again);
  no_blocks = rb_client_service_list_finish (staff, wait_result (&listed_again), &error);
  g_assert_cmpuint (no_blocks->len, ==, 0);
  rb_block_result_free (block);
  g_signal_handlers_disconnect_by_data (staff, &told);
}

static JsonNode *
export_building (RbClientService *service, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_export_building_async (service, NULL, keep_result_cb, &result);
  return rb_client_service_json_finish (service, wait_result (&result), error);
}

static JsonNode *
import_building (RbClientService *service, JsonNode *document, gboolean dry_run, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_import_building_async (service, document, dry_run, NULL, keep_result_cb,
                                           &result);
  return rb_client_service_json_finish (service, wait_result (&result), error);
}

static gboolean
has_space (RbClientService *service, const char *floor_id, const char *space_id)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = NULL;

  rb_client_service_list_spaces_async (service, floor_id, NULL, keep_result_cb, &result);
  spaces = rb_client_service_list_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < spaces->len; i++)
    if (g_str_equal (rb_space_get_id (g_ptr_array_index (spaces, i)), space_id))
      return TRUE;
  return FALSE;
}

static gboolean
desk_gone (gpointer service)
{
  return !has_space (service, "flr-a-eg", DESK);
}

/* The building as a file: only an administrator exports and imports; a dry run changes
 * nothing; the import retires the booked desk, its owner sees why their booking was
 * cancelled, and every client's lists (a server client's mirror, through the feed) leave
 * the desk out. */
static void
test_building (Fixture *f, gconstpointer data)
{
  RbClientService *admin = add_client (f);
  RbClientService *staff = add_client (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) refused = NULL;
  g_autoptr (JsonNode) exported = NULL;
  g_autoptr (JsonNode) document = NULL;
  g_autoptr (JsonNode) dry = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autofree char *text = NULL;
  JsonArray *spaces;
  RbBooking *after;

  sign_in_demo (admin, ADMIN);
  sign_in_demo (staff, STAFF);
  booked = book (staff, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  g_assert_true (has_space (staff, "flr-a-eg", DESK));

  refused = export_building (staff, &error);
  g_assert_null (refused);
  g_assert_error (error, RB_ERROR, RB_ERROR_FORBIDDEN);
  g_clear_error (&error);

  exported = export_building (admin, &error);
  g_assert_no_error (error);
  /* The document, less the booked desk (the first space of the ground floor). */
  text = rb_json_to_string (exported, FALSE);
  document = json_from_string (text, &error);
  g_assert_no_error (error);
  spaces = json_object_get_array_member (json_node_get_object (document), "spaces");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (spaces, 0), "id"), ==, DESK);
  json_array_remove_element (spaces, 0);

  refused = import_building (staff, document, FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, RB_ERROR, RB_ERROR_FORBIDDEN);
  g_clear_error (&error);

  dry = import_building (admin, document, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (dry), "dry_run"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (dry), "cancelled_bookings"), ==, 1);
  sync_now (staff);
  g_assert_true (has_space (staff, "flr-a-eg", DESK));

  /* A bad file: the error names the place, nothing changes. */
  {
    g_autofree char *bad_text = rb_json_to_string (document, FALSE);

    bad = json_from_string (bad_text, &error);
    json_object_set_int_member (json_array_get_object_element (
                                    json_object_get_array_member (json_node_get_object (bad), "spaces"), 12),
                                "capacity", 0);
    refused = import_building (admin, bad, FALSE, &error);
    g_assert_null (refused);
    g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_BUILDING);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "spaces[12].capacity"));
    g_clear_error (&error);
  }

  report = import_building (admin, document, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "cancelled_bookings"), ==, 1);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (json_node_get_object (report), "retired")), ==, 1);

  /* The owner's client: the booking cancelled with the reason, the desk gone from the plan. */
  sync_now (staff);
  g_assert_true (wait_until (desk_gone, staff));
  mine = my_bookings (staff);
  after = find_booking (mine, rb_booking_get_id (booked));
  g_assert_nonnull (after);
  g_assert_cmpint (rb_booking_get_state (after), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpstr (rb_booking_get_cancel_reason (after), ==, "The space was taken out of service.");
  sync_now (admin);
  g_assert_true (wait_until (desk_gone, admin));
}

/* ---- only with a server -------------------------------------------------------------------- */

/* The server cannot be reached: the client's address leads nowhere until set back. */
static void
cut_off (RbClientService *service, gboolean cut)
{
  RbApiClient *client = rb_sync_engine_get_client (
      rb_server_service_get_engine (RB_SERVER_SERVICE (service)));
  static char *saved;

  if (cut)
    {
      saved = g_strdup (rb_api_client_get_base_url (client));
      rb_api_client_set_base_url (client, "http://127.0.0.1:9");
    }
  else
    {
      rb_api_client_set_base_url (client, saved);
      g_clear_pointer (&saved, g_free);
    }
}

static gboolean
nothing_pending (gpointer service)
{
  return rb_client_service_get_pending (service) == 0;
}

static gboolean
one_pending (gpointer service)
{
  return rb_client_service_get_pending (service) == 1;
}

static void
test_refused_later (Fixture *f, gconstpointer data)
{
  RbClientService *offline = add_client (f);
  RbClientService *online = add_client (f);
  g_autoptr (RbBooking) queued = NULL;
  g_autoptr (RbBooking) taken = NULL;
  g_autoptr (RbBooking) told = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  RbBooking *listed;

  sign_in_demo (offline, STAFF);
  sign_in_demo (online, OTHER_STAFF);
  g_signal_connect (offline, "notice", G_CALLBACK (on_notice_cb), &told);
  cut_off (offline, TRUE);
  queued = book (offline, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (queued), ==, RB_SYNC_STATE_PENDING);
  g_assert_true (wait_until (one_pending, offline));

  taken = book (online, DESK, tuesday (8), tuesday (12), &error);
  g_assert_no_error (error);

  cut_off (offline, FALSE);
  rb_client_service_sync_async (offline, NULL, keep_result_cb, &result);
  rb_client_service_boolean_finish (offline, wait_result (&result), NULL);
  g_assert_true (wait_until (has_notice, &told));
  g_assert_cmpstr (rb_booking_get_id (told), ==, rb_booking_get_id (queued));
  g_assert_cmpint (rb_booking_get_sync_state (told), ==, RB_SYNC_STATE_REJECTED);
  g_assert_nonnull (rb_booking_get_sync_error (told));
  g_assert_cmpstr (rb_booking_get_space_name (told), ==, "0.01");

  mine = my_bookings (offline);
  listed = find_booking (mine, rb_booking_get_id (queued));
  g_assert_nonnull (listed);
  g_assert_cmpint (rb_booking_get_sync_state (listed), ==, RB_SYNC_STATE_REJECTED);
  g_signal_handlers_disconnect_by_data (offline, &told);
}

static RbBooking *
book_checked_in (RbClientService *service, const char *space_id, gint64 start, gint64 end,
                 GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));

  rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
  rb_client_service_create_booking_async (service, NULL, request, NULL, keep_result_cb, &result);
  return rb_client_service_booking_finish (service, wait_result (&result), error);
}

/* The state of a booking as the authority keeps it: the store, or the server's file. */
static RbBookingState
authority_state (Fixture *f, const char *booking_id)
{
  g_autoptr (RbBooking) booking = NULL;
  g_autofree char *sql = NULL;
  RbBookingState state = RB_BOOKING_STATE_CANCELLED;

  if (f->mode == MODE_LOCAL)
    {
      booking = rb_store_get_booking_sync (f->store, booking_id, NULL);
      g_assert_nonnull (booking);
      return rb_booking_get_state (booking);
    }
  sql = g_strdup_printf ("SELECT (state = 'checked_in') * 2 + (state = 'booked') FROM bookings"
                         " WHERE id = '%s'",
                         booking_id);
  switch (rb_test_db_int (rb_test_server_get_db_path (f->server), sql))
    {
    case 2:
      state = RB_BOOKING_STATE_CHECKED_IN;
      break;
    case 1:
      state = RB_BOOKING_STATE_BOOKED;
      break;
    }
  return state;
}

/* A booking made at a kiosk that starts now is checked in as it is made (issue 12); one for
 * tomorrow cannot be. */
static void
test_checked_in_at_creation (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (RbBooking) now = NULL;
  g_autoptr (RbBooking) tomorrow = NULL;
  g_autoptr (GError) error = NULL;

  sign_in_demo (service, STAFF);
  now = book_checked_in (service, DESK, frozen_now, frozen_now + 3600, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (now), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (authority_state (f, rb_booking_get_id (now)), ==, RB_BOOKING_STATE_CHECKED_IN);

  tomorrow = book_checked_in (service, ROOM, tuesday (9), tuesday (10), &error);
  g_assert_null (tomorrow);
  rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
}

static gboolean
none_pending (gpointer service)
{
  return rb_client_service_get_pending (service) == 0;
}

/* Queued offline, checked in on the client at once and on the server when it arrives. */
static void
test_checked_in_queued (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (RbBooking) queued = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = NULL;

  sign_in_demo (service, STAFF);
  cut_off (service, TRUE);
  queued = book_checked_in (service, DESK, frozen_now, frozen_now + 3600, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (queued), ==, RB_SYNC_STATE_PENDING);
  g_assert_cmpint (rb_booking_get_state (queued), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_true (wait_until (one_pending, service));
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s'", rb_booking_get_id (queued));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 0);

  cut_off (service, FALSE);
  rb_client_service_sync_async (service, NULL, keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (service, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (none_pending, service));
  g_assert_cmpint (authority_state (f, rb_booking_get_id (queued)), ==,
                   RB_BOOKING_STATE_CHECKED_IN);
}

static gboolean
signed_out (gpointer service)
{
  return rb_client_service_get_person (service) == NULL;
}

static void
test_session_ended (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (SoupSession) http = rb_test_client_new ();
  g_autoptr (RbTestResponse) ended = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *url = NULL;

  sign_in_demo (service, STAFF);
  url = rb_test_server_url (f->server, "/api/v1/sessions/current");
  ended = rb_test_request (http, "DELETE", url, rb_client_service_get_session_secret (service),
                           NULL, NULL);
  rb_test_assert_status (ended, 204);

  rb_client_service_sync_async (service, NULL, keep_result_cb, &result);
  rb_client_service_boolean_finish (service, wait_result (&result), NULL);
  g_assert_true (wait_until (signed_out, service));
  g_assert_null (rb_client_service_get_session_secret (service));
}

static void
test_resume_offline (Fixture *f, gconstpointer data)
{
  RbClientService *first = add_client (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autoptr (RbApiClient) client = NULL;
  g_autoptr (RbSyncEngine) engine = NULL;
  g_autoptr (RbClientService) again = NULL;
  g_autoptr (RbPerson) person = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *secret = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *path = g_build_filename (f->dir, "mirror-1.db", NULL);

  sign_in_demo (first, STAFF);
  booked = book (first, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  secret = g_strdup (rb_client_service_get_session_secret (first));
  person_id = g_strdup (rb_person_get_id (rb_client_service_get_person (first)));
  rb_client_service_shutdown (first);
  settle (50);
  g_ptr_array_remove (f->services, first);
  g_assert_finalize_object (first);

  /* The next start, with the server away: the kept session and the mirror are enough. */
  rb_test_server_stop (f->server);
  store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (store, frozen_clock, NULL);
  client = rb_api_client_new ("http://127.0.0.1:9");
  engine = rb_sync_engine_new (store, client);
  rb_sync_engine_set_poll_interval (engine, 0);
  again = RB_CLIENT_SERVICE (rb_server_service_new (engine, NULL));
  rb_client_service_resume_async (again, person_id, secret, NULL, keep_result_cb, &result);
  person = rb_client_service_person_finish (again, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_person_get_staff_number (person), ==, STAFF);
  g_assert_cmpstr (rb_client_service_get_session_secret (again), ==, secret);
  mine = my_bookings (again);
  g_assert_nonnull (find_booking (mine, rb_booking_get_id (booked)));
  rb_client_service_shutdown (again);
  settle (50);
}

static void
test_sign_out_discards_queue (Fixture *f, gconstpointer data)
{
  RbClientService *service = add_client (f);
  g_autoptr (RbBooking) queued = NULL;
  g_autoptr (GPtrArray) mine = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  sign_in_demo (service, STAFF);
  cut_off (service, TRUE);
  queued = book (service, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (queued), ==, RB_SYNC_STATE_PENDING);
  rb_client_service_sign_out_async (service, NULL, keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (service, wait_result (&result), &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (nothing_pending, service));
  cut_off (service, FALSE);

  /* The next person never sends the last one's booking. */
  sign_in_demo (service, OTHER_STAFF);
  sync_now (service);
  mine = my_bookings (service);
  g_assert_null (find_booking (mine, rb_booking_get_id (queued)));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE state = 'booked'"),
                   ==, 0);
}

typedef struct
{
  RbClientService *service;
  const char *booking_id;
} Seen;

/* ---- names only by consent (issue 13) ----------------------------------------------------- */

static JsonNode *
name_consent (RbClientService *service, int set_to)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *consent;

  if (set_to < 0)
    rb_client_service_get_name_consent_async (service, NULL, keep_result_cb, &result);
  else
    rb_client_service_set_name_consent_async (service, set_to, NULL, keep_result_cb, &result);
  consent = rb_client_service_json_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  return consent;
}

static gboolean
consent_member (JsonNode *consent, const char *member)
{
  return json_object_get_boolean_member (json_node_get_object (consent), member);
}

/* How many of the newest audit entries have this action, actor and subject. */
static guint
count_audit (RbClientService *admin, const char *action, const char *actor_id,
             const char *subject)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) page = NULL;
  JsonArray *items;
  guint n = 0;

  rb_client_service_list_audit_async (admin, 50, NULL, NULL, keep_result_cb, &result);
  page = rb_client_service_json_finish (admin, wait_result (&result), &error);
  g_assert_no_error (error);
  items = json_object_get_array_member (json_node_get_object (page), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *entry = json_array_get_object_element (items, i);
      JsonNode *actor = json_object_get_member (entry, "actor");

      if (g_str_equal (json_object_get_string_member (entry, "action"), action)
          && g_str_equal (json_object_get_string_member (entry, "subject"), subject)
          && JSON_NODE_HOLDS_OBJECT (actor)
          && g_str_equal (json_object_get_string_member (json_node_get_object (actor), "id"),
                          actor_id))
        n++;
    }
  return n;
}

/* The signed-in person reads and changes their consent through the service; once they agree
 * where the site shows names, a colleague's look at their booking leaves a trace. */
static void
test_name_consent (Fixture *f, gconstpointer data)
{
  RbClientService *jonas = add_client (f);
  RbClientService *admin = add_client (f);
  RbClientService *other = add_client (f);
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) agreed = NULL;
  g_autoptr (GAsyncResult) saved = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GPtrArray) seen = NULL;
  const char *jonas_id = rb_test_demo_person (STAFF)->id;
  const char *other_id = rb_test_demo_person (OTHER_STAFF)->id;
  RbPolicy policy;

  sign_in_demo (jonas, STAFF);
  sign_in_demo (admin, ADMIN);
  sign_in_demo (other, OTHER_STAFF);
  before = name_consent (jonas, -1);
  g_assert_false (consent_member (before, "show_name"));
  g_assert_false (consent_member (before, "site_shows_names"));

  rb_client_service_get_policy (admin, &policy);
  policy.show_names = TRUE;
  rb_client_service_set_policy_async (admin, &policy, NULL, keep_result_cb, &saved);
  g_assert_true (rb_client_service_boolean_finish (admin, wait_result (&saved), &error));
  g_assert_no_error (error);

  booking = book (jonas, ROOM, tuesday (9), tuesday (10), &error);
  g_assert_no_error (error);
  sync_now (jonas);
  sync_now (other);
  seen = space_bookings (other, ROOM);
  g_assert_null (rb_booking_get_person_id (find_booking (seen, rb_booking_get_id (booking))));
  g_clear_pointer (&seen, g_ptr_array_unref);
  g_assert_cmpuint (count_audit (admin, "personal_data.read", other_id, jonas_id), ==, 0);

  agreed = name_consent (jonas, TRUE);
  g_assert_true (consent_member (agreed, "show_name"));
  g_assert_true (consent_member (agreed, "site_shows_names"));
  g_assert_cmpuint (count_audit (admin, "person.show_name", jonas_id, jonas_id), ==, 1);

  /* The colleague's client is shown the booking with Jonas's name (standalone, the booking
   * says so; a server's mirror keeps no one else's name, but the server sent it): a trace. */
  sync_now (other);
  seen = space_bookings (other, ROOM);
  g_assert_nonnull (find_booking (seen, rb_booking_get_id (booking)));
  if (f->mode == MODE_LOCAL)
    g_assert_cmpstr (rb_booking_get_person_id (find_booking (seen, rb_booking_get_id (booking))),
                     ==, jonas_id);
  g_assert_cmpuint (count_audit (admin, "personal_data.read", other_id, jonas_id), >=, 1);
}

static gboolean
other_client_has (gpointer data)
{
  Seen *seen = data;
  g_autoptr (GPtrArray) bookings = space_bookings (seen->service, DESK);

  return find_booking (bookings, seen->booking_id) != NULL;
}

/* Live sync: the other client hears of the booking from the server, without asking (its
 * poll is off), and has it in its mirror. */
static void
test_push (Fixture *f, gconstpointer data)
{
  RbClientService *mine = add_client (f);
  RbClientService *other = add_client (f);
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GError) error = NULL;
  Seen seen = { other, NULL };

  sign_in_demo (mine, STAFF);
  sign_in_demo (other, OTHER_STAFF);
  /* Whatever the first rounds after signing in brought is there; now only the push. */
  settle (200);
  booked = book (mine, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);
  seen.booking_id = rb_booking_get_id (booked);
  g_assert_true (wait_until (other_client_has, &seen));
}

static JsonNode *
export_my_data (RbClientService *service, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_export_my_data_async (service, NULL, keep_result_cb, &result);
  return rb_client_service_json_finish (service, wait_result (&result), error);
}

static JsonNode *
erase_person (RbClientService *service, const char *person_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_erase_person_async (service, person_id, NULL, keep_result_cb, &result);
  return rb_client_service_json_finish (service, wait_result (&result), error);
}

/* Issue 13: a person downloads their data; an administrator erases them, which frees their
 * desk; the erasure's audit entry, in the administrator's own export, does not name them. */
static void
test_rights (Fixture *f, gconstpointer data)
{
  RbClientService *mine = add_client (f);
  RbClientService *admin = add_client (f);
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (JsonNode) export = NULL;
  g_autoptr (JsonNode) refused = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (JsonNode) admin_export = NULL;
  g_autoptr (JsonNode) gone = NULL;
  g_autoptr (GPtrArray) desk = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *person_id = NULL;
  g_autofree char *admin_text = NULL;
  JsonObject *o;
  JsonArray *audit;
  gboolean erase_seen = FALSE;

  sign_in_demo (mine, STAFF);
  sign_in_demo (admin, ADMIN);
  booked = book (mine, DESK, tuesday (9), tuesday (17), &error);
  g_assert_no_error (error);

  export = export_my_data (mine, &error);
  g_assert_no_error (error);
  o = json_node_get_object (export);
  g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "raumbuch-personal-data");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "profile"),
                                                  "staff_number"),
                   ==, STAFF);
  g_assert_false (json_object_has_member (json_object_get_object_member (o, "profile"),
                                          "pin_hash"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "bookings")), ==, 1);
  person_id = g_strdup (json_object_get_string_member (
      json_object_get_object_member (o, "profile"), "id"));

  /* Only administrators erase, and not themselves. */
  refused = erase_person (mine, person_id, &error);
  g_assert_null (refused);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  refused = erase_person (admin, rb_person_get_id (rb_client_service_get_person (admin)),
                          &error);
  g_assert_null (refused);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);

  report = erase_person (admin, person_id, &error);
  g_assert_no_error (error);
  o = json_node_get_object (report);
  g_assert_cmpint (json_object_get_int_member (o, "bookings_cancelled"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (o, "bookings_anonymised"), ==, 1);
  g_assert_nonnull (json_object_get_string_member (o, "erasure_id"));

  /* The desk is free again, for every client. */
  if (f->mode == MODE_SERVER)
    sync_now (admin);
  desk = space_bookings (admin, DESK);
  g_assert_null (find_booking (desk, rb_booking_get_id (booked)));

  /* Nobody is left to export. */
  gone = export_my_data (mine, &error);
  g_assert_null (gone);
  g_assert_nonnull (error);
  g_clear_error (&error);

  admin_export = export_my_data (admin, &error);
  g_assert_no_error (error);
  admin_text = json_to_string (admin_export, FALSE);
  g_assert_null (strstr (admin_text, STAFF));
  g_assert_null (strstr (admin_text, "Jonas"));
  audit = json_object_get_array_member (json_node_get_object (admin_export), "audit");
  for (guint i = 0; i < json_array_get_length (audit); i++)
    {
      JsonObject *entry = json_array_get_object_element (audit, i);

      if (g_str_equal (json_object_get_string_member (entry, "action"), "person.erase"))
        {
          erase_seen = TRUE;
          g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==,
                           json_object_get_string_member (o, "erasure_id"));
        }
    }
  g_assert_true (erase_seen);
}

int
main (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    void (*func) (Fixture *, gconstpointer);
    gboolean server_only;
  } cases[] = {
    { "sign-in", test_sign_in, FALSE },
    { "book-and-see", test_book_and_see, FALSE },
    { "change-booking", test_change_booking, FALSE },
    { "series-check-writes-nothing", test_series_check_writes_nothing, FALSE },
    { "occupancy", test_occupancy, FALSE },
    { "blocks", test_blocks, FALSE },
    { "building", test_building, FALSE },
    { "checked-in-at-creation", test_checked_in_at_creation, FALSE },
    { "name-consent", test_name_consent, FALSE },
    { "rights", test_rights, FALSE },
    { "checked-in-queued", test_checked_in_queued, TRUE },
    { "push", test_push, TRUE },
    { "refused-later", test_refused_later, TRUE },
    { "session-ended", test_session_ended, TRUE },
    { "resume-offline", test_resume_offline, TRUE },
    { "sign-out-discards-queue", test_sign_out_discards_queue, TRUE },
  };

  g_test_init (&argc, &argv, NULL);
  frozen_now = rb_test_utc_time (2026, 11, 30, 6, 0, 0);
  for (int mode = MODE_LOCAL; mode <= MODE_SERVER; mode++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autofree char *path = NULL;

        if (cases[i].server_only && mode == MODE_LOCAL)
          continue;
        path = g_strdup_printf ("/service/%s/%s", mode == MODE_LOCAL ? "local" : "server",
                                cases[i].name);
        g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, cases[i].func,
                    fixture_tear_down);
      }
  return g_test_run ();
}
