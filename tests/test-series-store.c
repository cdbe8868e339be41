/* test-series-store.c: series and blocks in the store, on real SQLite files: a series across
 * the DST change keeps its wall-clock times when stored; conflicts found per occurrence with
 * their code and clashing interval; all_or_nothing writes nothing on a conflict and
 * skip_conflicts the rest; the team lead's horizon, capacity and blocks; an all-or-nothing
 * series racing a second client (its own RbStore on the same file, on another thread) is
 * written all or nothing, never in part; cancelling one occurrence, the following ones, and
 * who may; the .ics of stored bookings; blocks that cancel bookings with a reason.
 * "Now" is frozen at Monday 30 November 2026, 07:00 in Bonn unless a test moves it. */
#include "config.h"

#include <libical/ical.h>

#include "rb-blocks.h"
#include "rb-feed.h"
#include "rb-ical.h"
#include "rb-series-store.h"
#include "rb-test-util.h"

#include <string.h>

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))

/* Demo people (data/PEOPLE.md). */
#define JONAS "p-14475"   /* staff */
#define LEONIE "p-14835"  /* staff */
#define ANNA "p-13663"    /* team lead */
#define STEFAN "p-29287"  /* team lead of another team */
#define MONIKA "p-87666"  /* facility manager */
#define ADMIN "p-95113"   /* admin */

#define ROOM "a1-r01"     /* Projektraum Mosel, 12 seats */

typedef struct
{
  char *dir;
  char *path;
  RbStore *store;
  gint64 now;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = rb_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "raumbuch.db", NULL);
  f->now = B (2026, 11, 30, 7, 0);
  f->store = rb_store_open_sync (f->path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (f->store, rb_test_frozen_clock, &f->now);
  rb_store_seed_demo_sync (f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* ---- helpers ----------------------------------------------------------------------------- */

static RbSeriesRequest *
make_series (const char *person_id, const char *space_id, RbInterval first, const char *rrule,
             RbSeriesMode mode)
{
  RbSeriesRequest *request = rb_series_request_new ();

  request->id = g_uuid_string_random ();
  request->person_id = g_strdup (person_id);
  request->space_id = g_strdup (space_id);
  request->first = first;
  request->rrule = g_strdup (rrule);
  request->title = g_strdup ("Sprint");
  request->attendees = 6;
  request->mode = mode;
  return request;
}

static RbSeriesResult *
create_ok (Fixture *f, const RbSeriesRequest *request)
{
  g_autoptr (GError) error = NULL;
  RbSeriesResult *result = rb_series_store_create_sync (f->store, request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);
  return result;
}

static RbBooking *
book (Fixture *f, const char *space_id, const char *person_id, gint64 start, gint64 end)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, person_id,
                                                  rb_interval_make (start, end));
  RbBooking *booking = rb_store_create_booking_sync (f->store, request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (booking);
  return booking;
}

static gint64
query_int (Fixture *f, const char *sql, const char *text)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (rb_store_get_connection (f->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

static gint64
count_series_bookings (Fixture *f, const char *series_id)
{
  return query_int (f, "SELECT count(*) FROM bookings WHERE series_id = ?", series_id);
}

static gint64
count_changes (Fixture *f)
{
  return query_int (f, "SELECT count(*) FROM changes", NULL);
}

static char *
local_text (gint64 instant)
{
  return rb_time_format_local (rb_test_berlin (), instant, "%Y-%m-%d %H:%M");
}

#define assert_local(instant, text)                                                         \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autofree char *_t = local_text (instant);                                           \
    g_assert_cmpstr (_t, ==, (text));                                                     \
  }                                                                                       \
  G_STMT_END

/* ---- creating --------------------------------------------------------------------------- */

static void
test_series_store_across_dst (Fixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = NULL;
  g_autoptr (RbSeriesResult) result = NULL;
  gint64 changes_before;

  f->now = B (2026, 10, 1, 7, 0);
  changes_before = count_changes (f);
  request = make_series (ANNA, ROOM, rb_interval_make (B (2026, 10, 15, 9, 0),
                                                       B (2026, 10, 15, 11, 0)),
                         "FREQ=WEEKLY;BYDAY=TH;COUNT=4", RB_SERIES_MODE_ALL_OR_NOTHING);
  result = create_ok (f, request);

  g_assert_true (result->created);
  g_assert_cmpuint (result->conflicts->len, ==, 0);
  g_assert_cmpuint (result->bookings->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      RbBooking *booking = g_ptr_array_index (result->bookings, i);
      g_autoptr (GDateTime) start = rb_utc_to_local (rb_test_berlin (), rb_booking_get_start (booking));
      g_autoptr (GDateTime) end = rb_utc_to_local (rb_test_berlin (), rb_booking_get_end (booking));

      g_assert_cmpint (g_date_time_get_hour (start), ==, 9);
      g_assert_cmpint (g_date_time_get_minute (start), ==, 0);
      g_assert_cmpint (g_date_time_get_hour (end), ==, 11);
      g_assert_cmpstr (rb_booking_get_series_id (booking), ==, request->id);
      g_assert_cmpstr (rb_booking_get_person_id (booking), ==, ANNA);
      g_assert_cmpstr (rb_booking_get_title (booking), ==, "Sprint");
      g_assert_cmpint (rb_booking_get_attendees (booking), ==, 6);
      g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_BOOKED);
      g_assert_cmpint (rb_booking_get_seq (booking), >, 0);
      if (i > 0)
        g_assert_cmpint (rb_booking_get_seq (booking), >,
                         rb_booking_get_seq (g_ptr_array_index (result->bookings, i - 1)));
    }
  /* Before the change 09:00 is 07:00 UTC, after it 08:00 UTC. */
  g_assert_cmpint (rb_booking_get_start (g_ptr_array_index (result->bookings, 1)), ==,
                   rb_test_utc_time (2026, 10, 22, 7, 0, 0));
  g_assert_cmpint (rb_booking_get_start (g_ptr_array_index (result->bookings, 2)), ==,
                   rb_test_utc_time (2026, 10, 29, 8, 0, 0));
  /* One change-feed row per booking, as for single bookings. */
  g_assert_cmpint (count_changes (f), ==, changes_before + 4);
  g_assert_cmpint (count_series_bookings (f, request->id), ==, 4);
}

static void
test_series_store_sprint (Fixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 16, 0)),
      "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", RB_SERIES_MODE_ALL_OR_NOTHING);
  g_autoptr (RbSeriesResult) result = create_ok (f, request);
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (result->created);
  g_assert_cmpuint (result->n_occurrences, ==, 10);
  g_assert_cmpuint (result->bookings->len, ==, 10);
  assert_local (rb_booking_get_start (g_ptr_array_index (result->bookings, 5)), "2026-12-14 09:00");
  assert_local (rb_booking_get_end (g_ptr_array_index (result->bookings, 9)), "2026-12-18 16:00");

  listed = rb_series_store_list_bookings_sync (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (listed->len, ==, 10);

  /* A retry with the same id gets the same series back and writes nothing more. */
  {
    g_autoptr (RbSeriesResult) again = create_ok (f, request);

    g_assert_true (again->replayed);
    g_assert_cmpuint (again->bookings->len, ==, 10);
    g_assert_cmpint (count_series_bookings (f, request->id), ==, 10);
  }
  /* The same id for another series is refused. */
  {
    g_autoptr (RbSeriesRequest) other = make_series (
        ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 17, 0), B (2026, 12, 7, 18, 0)),
        "FREQ=DAILY;COUNT=2", RB_SERIES_MODE_ALL_OR_NOTHING);
    g_autoptr (RbSeriesResult) refused = NULL;

    g_free (other->id);
    other->id = g_strdup (request->id);
    refused = rb_series_store_create_sync (f->store, other, &error);
    g_assert_null (refused);
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
  /* Unknown series. */
  g_clear_error (&error);
  g_assert_null (rb_series_store_list_bookings_sync (f->store, "no-such-series", &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
}

static void
test_series_store_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) jonas = book (f, ROOM, JONAS, B (2026, 12, 9, 10, 0), B (2026, 12, 9, 11, 0));
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 12, 0)),
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5", RB_SERIES_MODE_ALL_OR_NOTHING);
  gint64 changes_before = count_changes (f);
  g_autoptr (RbSeriesResult) result = create_ok (f, request);
  RbSeriesConflict *conflict;

  g_assert_false (result->created);
  g_assert_cmpuint (result->n_occurrences, ==, 5);
  g_assert_cmpuint (result->bookings->len, ==, 0);
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  conflict = g_ptr_array_index (result->conflicts, 0);
  g_assert_cmpint (conflict->code, ==, RB_ERROR_OVERLAP);
  assert_local (conflict->occurrence.start, "2026-12-09 09:00");
  assert_local (conflict->occurrence.end, "2026-12-09 12:00");
  g_assert_true (conflict->has_clash);
  g_assert_cmpint (conflict->clash.start, ==, rb_booking_get_start (jonas));
  g_assert_cmpint (conflict->clash.end, ==, rb_booking_get_end (jonas));
  g_assert_nonnull (strstr (conflict->message, "10:00"));

  /* Nothing at all was written: no bookings, no feed rows, no series. */
  g_assert_cmpint (count_series_bookings (f, request->id), ==, 0);
  g_assert_cmpint (count_changes (f), ==, changes_before);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM series WHERE id = ?", request->id), ==, 0);

  /* The conflict as the API shows it: date, time, code, the clashing interval. */
  {
    g_autoptr (JsonNode) node = rb_series_result_to_json (result, rb_test_berlin (), FALSE);
    g_autofree char *json = rb_json_to_string (node, FALSE);

    g_assert_nonnull (strstr (json, "\"conflicts\":[{\"start\":\"2026-12-09T08:00:00Z\","
                                    "\"end\":\"2026-12-09T11:00:00Z\",\"date\":\"2026-12-09\","
                                    "\"code\":\"overlap\""));
    g_assert_nonnull (strstr (json, "\"clash_start\":\"2026-12-09T09:00:00Z\","
                                    "\"clash_end\":\"2026-12-09T10:00:00Z\""));
    g_assert_nonnull (strstr (json, "\"bookings\":[]"));
  }
}

static void
test_series_store_skip_conflicts (Fixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) jonas G_GNUC_UNUSED = book (f, ROOM, JONAS, B (2026, 12, 9, 10, 0), B (2026, 12, 9, 11, 0));
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 12, 0)),
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5", RB_SERIES_MODE_SKIP_CONFLICTS);
  gint64 changes_before = count_changes (f);
  g_autoptr (RbSeriesResult) result = create_ok (f, request);

  g_assert_true (result->created);
  g_assert_cmpuint (result->bookings->len, ==, 4);
  g_assert_cmpuint (result->conflicts->len, ==, 1);
  assert_local (((RbSeriesConflict *) g_ptr_array_index (result->conflicts, 0))->occurrence.start,
                "2026-12-09 09:00");
  assert_local (rb_booking_get_start (g_ptr_array_index (result->bookings, 2)), "2026-12-10 09:00");
  g_assert_cmpint (count_series_bookings (f, request->id), ==, 4);
  g_assert_cmpint (count_changes (f), ==, changes_before + 4);
}

/* A dry run (the Team Reservations page's "Check Days") finds what creating would find,
 * and writes nothing, even in skip_conflicts mode; creating afterwards still works. */
static void
test_series_store_check (Fixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) jonas = book (f, ROOM, JONAS, B (2026, 12, 9, 10, 0), B (2026, 12, 9, 11, 0));
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 12, 0)),
      "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=5", RB_SERIES_MODE_SKIP_CONFLICTS);
  gint64 changes_before = count_changes (f);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSeriesResult) check = rb_series_store_check_sync (f->store, request, &error);
  g_autoptr (RbSeriesResult) created = NULL;
  RbSeriesConflict *conflict;

  g_assert_no_error (error);
  g_assert_false (check->created);
  g_assert_cmpuint (check->n_occurrences, ==, 5);
  g_assert_cmpuint (check->bookings->len, ==, 0);
  g_assert_cmpuint (check->conflicts->len, ==, 1);
  conflict = g_ptr_array_index (check->conflicts, 0);
  g_assert_cmpint (conflict->code, ==, RB_ERROR_OVERLAP);
  assert_local (conflict->occurrence.start, "2026-12-09 09:00");
  g_assert_true (conflict->has_clash);
  g_assert_cmpint (conflict->clash.start, ==, rb_booking_get_start (jonas));
  g_assert_cmpint (count_series_bookings (f, request->id), ==, 0);
  g_assert_cmpint (count_changes (f), ==, changes_before);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM series WHERE id = ?", request->id), ==, 0);

  created = create_ok (f, request);
  g_assert_true (created->created);
  g_assert_cmpuint (created->bookings->len, ==, 4);
}

static void
test_series_store_rules (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  /* The team lead's 180-day horizon, not the 90 days of staff: weekly from 7 December, the
   * occurrences up to 180 days ahead (28 May 2027) are fine, the later ones are not. */
  {
    g_autoptr (RbSeriesRequest) request = make_series (
        ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0)),
        "FREQ=WEEKLY;COUNT=30", RB_SERIES_MODE_SKIP_CONFLICTS);
    g_autoptr (RbSeriesResult) result = create_ok (f, request);
    gint64 horizon = B (2026, 11, 30, 0, 0) + (gint64) 181 * 24 * 3600;

    g_assert_cmpuint (result->bookings->len, ==, 25);
    g_assert_cmpuint (result->conflicts->len, ==, 5);
    for (guint i = 0; i < result->conflicts->len; i++)
      {
        RbSeriesConflict *conflict = g_ptr_array_index (result->conflicts, i);

        g_assert_cmpint (conflict->code, ==, RB_ERROR_HORIZON_EXCEEDED);
        g_assert_false (conflict->has_clash);
        g_assert_cmpint (conflict->occurrence.start, >=, horizon - 3 * 3600);
      }
    /* Beyond the 90 days of staff. */
    g_assert_cmpint (rb_booking_get_start (g_ptr_array_index (result->bookings, 24)), >,
                     f->now + (gint64) 150 * 24 * 3600);
  }
  /* Capacity: every occurrence has the conflict, so nothing is written even when skipping. */
  {
    g_autoptr (RbSeriesRequest) request = make_series (
        ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 13, 0), B (2026, 12, 7, 14, 0)),
        "FREQ=DAILY;COUNT=3", RB_SERIES_MODE_SKIP_CONFLICTS);
    g_autoptr (RbSeriesResult) result = NULL;

    request->attendees = 13;
    result = create_ok (f, request);
    g_assert_false (result->created);
    g_assert_cmpuint (result->conflicts->len, ==, 3);
    g_assert_cmpint (((RbSeriesConflict *) g_ptr_array_index (result->conflicts, 0))->code, ==,
                     RB_ERROR_CAPACITY_EXCEEDED);
    g_assert_cmpint (count_series_bookings (f, request->id), ==, 0);
  }
  /* Outside the opening hours. */
  {
    g_autoptr (RbSeriesRequest) request = make_series (
        ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 19, 0), B (2026, 12, 7, 21, 0)),
        "FREQ=DAILY;COUNT=2", RB_SERIES_MODE_ALL_OR_NOTHING);
    g_autoptr (RbSeriesResult) result = create_ok (f, request);

    g_assert_cmpint (((RbSeriesConflict *) g_ptr_array_index (result->conflicts, 0))->code, ==,
                     RB_ERROR_OUTSIDE_OPENING_HOURS);
  }
  /* A maintenance block: the conflict names the blocked interval. */
  {
    g_autoptr (RbSeriesRequest) request = make_series (
        ANNA, "a2-r05", rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0)),
        "FREQ=DAILY;COUNT=3", RB_SERIES_MODE_ALL_OR_NOTHING);
    g_autoptr (RbSeriesResult) result = NULL;
    RbSeriesConflict *conflict;
    gint64 block = rb_blocks_create_sync (f->store, "a2-r05",
                                          rb_interval_make (B (2026, 12, 8, 0, 0), B (2026, 12, 9, 0, 0)),
                                          "Malerarbeiten", MONIKA, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpint (block, >, 0);
    result = create_ok (f, request);
    g_assert_cmpuint (result->conflicts->len, ==, 1);
    conflict = g_ptr_array_index (result->conflicts, 0);
    g_assert_cmpint (conflict->code, ==, RB_ERROR_SPACE_BLOCKED);
    g_assert_true (conflict->has_clash);
    g_assert_cmpint (conflict->clash.start, ==, B (2026, 12, 8, 0, 0));
  }
  /* Invalid rules, unknown spaces, people who may not. */
  {
    g_autoptr (RbSeriesRequest) request = make_series (
        ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0)),
        "FREQ=MONTHLY;COUNT=3", RB_SERIES_MODE_ALL_OR_NOTHING);

    g_assert_null (rb_series_store_create_sync (f->store, request, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
    g_assert_nonnull (strstr (error->message, "rrule"));
    g_clear_error (&error);

    g_free (request->rrule);
    request->rrule = g_strdup ("FREQ=DAILY;COUNT=2");
    g_free (request->person_id);
    request->person_id = g_strdup (JONAS);
    g_assert_null (rb_series_store_create_sync (f->store, request, &error));
    rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
    g_clear_error (&error);

    g_free (request->person_id);
    request->person_id = g_strdup ("p-nobody");
    g_assert_null (rb_series_store_create_sync (f->store, request, &error));
    rb_assert_rb_error (error, RB_ERROR_UNAUTHENTICATED, "unauthenticated");
    g_clear_error (&error);

    g_free (request->person_id);
    request->person_id = g_strdup (ANNA);
    g_free (request->space_id);
    request->space_id = g_strdup ("no-such-room");
    g_assert_null (rb_series_store_create_sync (f->store, request, &error));
    rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
    g_clear_error (&error);

    g_free (request->id);
    request->id = g_strdup ("not-a-uuid");
    g_assert_null (rb_series_store_create_sync (f->store, request, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
}

/* ---- cancelling ---------------------------------------------------------------------------- */

static void
test_series_store_cancel (Fixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0)),
      "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=6", RB_SERIES_MODE_ALL_OR_NOTHING);
  g_autoptr (RbSeriesResult) result = create_ok (f, request);
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GError) error = NULL;
  RbBooking *second, *fourth;
  gint64 changes_before;

  g_assert_cmpuint (result->bookings->len, ==, 6);
  second = g_ptr_array_index (result->bookings, 1);
  fourth = g_ptr_array_index (result->bookings, 3);

  /* Staff, even from the same team, and another team lead may not; nor may facility
   * managers; unknown people are not even asked. */
  for (guint i = 0; i < 3; i++)
    {
      static const char *const others[] = { JONAS, STEFAN, MONIKA };

      g_assert_null (rb_series_store_cancel_sync (f->store, request->id, NULL,
                                                  RB_SERIES_CANCEL_ALL, others[i], &error));
      rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
      g_clear_error (&error);
    }
  g_assert_null (rb_series_store_cancel_sync (f->store, request->id, NULL, RB_SERIES_CANCEL_ALL,
                                              "p-nobody", &error));
  rb_assert_rb_error (error, RB_ERROR_UNAUTHENTICATED, "unauthenticated");
  g_clear_error (&error);
  g_assert_null (rb_series_store_cancel_sync (f->store, "no-such-series", NULL,
                                              RB_SERIES_CANCEL_ALL, ANNA, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bookings WHERE series_id = ?"
                                 " AND state = 'booked'", request->id), ==, 6);

  /* One occurrence, by the owner. */
  changes_before = count_changes (f);
  cancelled = rb_series_store_cancel_sync (f->store, request->id, rb_booking_get_id (second),
                                           RB_SERIES_CANCEL_ONE, ANNA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (cancelled, 0)), ==,
                   rb_booking_get_id (second));
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (cancelled, 0)), ==,
                   RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpint (count_changes (f), ==, changes_before + 1);
  g_clear_pointer (&cancelled, g_ptr_array_unref);

  /* Again: it is no longer active. */
  g_assert_null (rb_series_store_cancel_sync (f->store, request->id, rb_booking_get_id (second),
                                              RB_SERIES_CANCEL_ONE, ANNA, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_STATE, "invalid_state");
  g_clear_error (&error);

  /* A booking of another series (or none) is not part of this one. */
  {
    g_autoptr (RbBooking) single = book (f, ROOM, JONAS, B (2026, 12, 7, 12, 0), B (2026, 12, 7, 13, 0));

    g_assert_null (rb_series_store_cancel_sync (f->store, request->id, rb_booking_get_id (single),
                                                RB_SERIES_CANCEL_ONE, ANNA, &error));
    rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
    g_clear_error (&error);
  }

  /* This and all following, by an admin: the 4th, 5th and 6th. */
  changes_before = count_changes (f);
  cancelled = rb_series_store_cancel_sync (f->store, request->id, rb_booking_get_id (fourth),
                                           RB_SERIES_CANCEL_FOLLOWING, ADMIN, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 3);
  g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (cancelled, 0)), ==,
                   rb_booking_get_id (fourth));
  g_assert_cmpint (count_changes (f), ==, changes_before + 3);

  listed = rb_series_store_list_bookings_sync (f->store, request->id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (listed, 0)), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (listed, 1)), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (listed, 2)), ==, RB_BOOKING_STATE_BOOKED);
  for (guint i = 3; i < 6; i++)
    g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (listed, i)), ==,
                     RB_BOOKING_STATE_CANCELLED);
  g_clear_pointer (&cancelled, g_ptr_array_unref);

  /* The whole series; past occurrences would be left alone: move "now" past the first. */
  f->now = B (2026, 12, 7, 11, 0);
  cancelled = rb_series_store_cancel_sync (f->store, request->id, NULL, RB_SERIES_CANCEL_ALL,
                                           ANNA, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 1);
  assert_local (rb_booking_get_start (g_ptr_array_index (cancelled, 0)), "2026-12-14 09:00");
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bookings WHERE series_id = ?"
                                 " AND state = 'booked'", request->id), ==, 1);
}

/* ---- the race ------------------------------------------------------------------------------ */

#define RACE_ROUNDS 50
#define RACE_OCCURRENCES 5

typedef struct
{
  const char *path;
  int round;
  volatile int ready;
  gboolean series_won;
  gboolean single_won;
  char *series_id;
  char *failure;
} Race;

static gint64
race_start (int round)
{
  /* From Tuesday 1 December, a new hour for each round and a new block of days every 12. */
  return B (2026, 12, 1 + RACE_OCCURRENCES * (round / 12), 7 + round % 12, 0);
}

static void
race_barrier (Race *race)
{
  g_atomic_int_inc (&race->ready);
  while (g_atomic_int_get (&race->ready) < 2)
    g_thread_yield ();
}

static RbStore *
race_open (Race *race, gint64 *now)
{
  g_autoptr (GError) error = NULL;
  RbStore *store = rb_store_open_sync (race->path, &error);

  g_assert_no_error (error);
  rb_store_set_clock (store, rb_test_frozen_clock, now);
  return store;
}

static gpointer
race_series_thread (gpointer data)
{
  Race *race = data;
  gint64 now = B (2026, 11, 30, 7, 0);
  g_autoptr (RbStore) store = race_open (race, &now);
  gint64 start = race_start (race->round);
  g_autoptr (RbSeriesRequest) request = make_series (ANNA, ROOM, rb_interval_make (start, start + 3600),
                                                     "FREQ=DAILY;COUNT=5",
                                                     RB_SERIES_MODE_ALL_OR_NOTHING);
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GError) error = NULL;

  race->series_id = g_strdup (request->id);
  race_barrier (race);
  result = rb_series_store_create_sync (store, request, &error);
  if (result == NULL)
    race->failure = g_strdup_printf ("series: %s", error->message);
  else
    race->series_won = result->created;
  return NULL;
}

static gpointer
race_single_thread (gpointer data)
{
  Race *race = data;
  gint64 now = B (2026, 11, 30, 7, 0);
  g_autoptr (RbStore) store = race_open (race, &now);
  /* One of the series' days, a different one each round. */
  gint64 start = race_start (race->round) + (gint64) (race->round % RACE_OCCURRENCES) * 24 * 3600;
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbBooking) request = rb_booking_new (id, ROOM, JONAS, rb_interval_make (start, start + 1800));
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GError) error = NULL;

  race_barrier (race);
  booking = rb_store_create_booking_sync (store, request, &error);
  if (booking != NULL)
    race->single_won = TRUE;
  else if (!g_error_matches (error, RB_ERROR, RB_ERROR_OVERLAP))
    race->failure = g_strdup_printf ("single: %s", error->message);
  return NULL;
}

static void
test_series_store_race (Fixture *f, gconstpointer data)
{
  int series_wins = 0, single_wins = 0;

  for (int round = 0; round < RACE_ROUNDS; round++)
    {
      Race race = { f->path, round, 0, FALSE, FALSE, NULL, NULL };
      GThread *a = g_thread_new ("series", race_series_thread, &race);
      GThread *b = g_thread_new ("single", race_single_thread, &race);
      gint64 written;

      g_thread_join (a);
      g_thread_join (b);
      if (race.failure != NULL)
        g_error ("round %d: %s", round, race.failure);
      written = count_series_bookings (f, race.series_id);
      /* All or nothing, never part; and exactly one of the two gets the contested slot. */
      g_assert_true (written == 0 || written == RACE_OCCURRENCES);
      g_assert_cmpint (written == RACE_OCCURRENCES, ==, race.series_won);
      g_assert_true (race.series_won != race.single_won);
      series_wins += race.series_won;
      single_wins += race.single_won;
      g_free (race.series_id);
    }
  g_test_message ("series won %d rounds, the single booking %d", series_wins, single_wins);
  g_assert_cmpint (query_int (f, "SELECT count(*) FROM bookings a JOIN bookings b"
                                 " ON a.space_id = b.space_id AND a.id < b.id"
                                 " AND a.start < b.end AND b.start < a.end"
                                 " WHERE a.state IN ('booked', 'checked_in')"
                                 " AND b.state IN ('booked', 'checked_in')", NULL),
                   ==, 0);
}

/* ---- iCalendar from the store --------------------------------------------------------------- */

static void
test_series_store_ics (Fixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = NULL;
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  icalcomponent *calendar;
  icaltimezone *zone;

  f->now = B (2026, 10, 1, 7, 0);
  request = make_series (ANNA, ROOM, rb_interval_make (B (2026, 10, 19, 9, 0), B (2026, 10, 19, 11, 0)),
                         "FREQ=WEEKLY;BYDAY=MO,TH;COUNT=4", RB_SERIES_MODE_ALL_OR_NOTHING);
  result = create_ok (f, request);
  stored = rb_series_store_list_bookings_sync (f->store, request->id, &error);
  g_assert_no_error (error);
  text = rb_ical_export_bookings (stored, rb_store_get_time_zone (f->store), f->now, NULL, &error);
  g_assert_no_error (error);

  calendar = icalparser_parse_string (text);
  g_assert_nonnull (calendar);
  zone = icalcomponent_get_timezone (calendar, "Europe/Berlin");
  g_assert_nonnull (zone);
  g_assert_cmpint (icalcomponent_count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 4);
  for (guint i = 0; i < stored->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (stored, i);
      g_autofree char *uid = g_strconcat (rb_booking_get_id (booking), "@raumbuch", NULL);
      icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);

      while (event != NULL && g_strcmp0 (icalcomponent_get_uid (event), uid) != 0)
        event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT);
      g_assert_nonnull (event);
      g_assert_cmpint (icaltime_as_timet_with_zone (icalcomponent_get_dtstart (event), zone), ==,
                       rb_booking_get_start (booking));
      g_assert_cmpint (icaltime_as_timet_with_zone (icalcomponent_get_dtend (event), zone), ==,
                       rb_booking_get_end (booking));
      g_assert_cmpint (icalcomponent_get_dtstart (event).hour, ==, 9);
      g_assert_cmpstr (icalcomponent_get_location (event), ==, "Projektraum Mosel");
    }
  icalcomponent_free (calendar);
}

/* ---- blocks --------------------------------------------------------------------------------- */

static void
test_series_store_blocks (Fixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) jonas = book (f, ROOM, JONAS, B (2026, 12, 9, 10, 0), B (2026, 12, 9, 11, 0));
  g_autoptr (RbBooking) leonie = book (f, ROOM, LEONIE, B (2026, 12, 10, 10, 0), B (2026, 12, 10, 11, 0));
  g_autoptr (RbBooking) other_room = book (f, "a1-r02", LEONIE, B (2026, 12, 9, 10, 0), B (2026, 12, 9, 11, 0));
  RbInterval closed = rb_interval_make (B (2026, 12, 9, 0, 0), B (2026, 12, 10, 0, 0));
  g_autoptr (GPtrArray) affected = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GHashTable) reasons = NULL;
  g_autoptr (GError) error = NULL;
  gint64 changes_before, block;

  /* Staff and team leads may not block. */
  g_assert_cmpint (rb_blocks_create_sync (f->store, ROOM, closed, "Wasserschaden", JONAS, NULL,
                                          &error), ==, 0);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  g_assert_cmpint (rb_blocks_create_sync (f->store, ROOM, closed, "Wasserschaden", ANNA, NULL,
                                          &error), ==, 0);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  /* A reason is required: it is what the people affected are told. */
  g_assert_cmpint (rb_blocks_create_sync (f->store, ROOM, closed, "", MONIKA, NULL, &error), ==, 0);
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_clear_error (&error);

  /* What the facility manager sees before confirming. */
  affected = rb_blocks_list_affected_sync (f->store, ROOM, closed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (affected->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (affected, 0)), ==, rb_booking_get_id (jonas));

  changes_before = count_changes (f);
  block = rb_blocks_create_sync (f->store, ROOM, closed, "Wasserschaden", MONIKA, &cancelled, &error);
  g_assert_no_error (error);
  g_assert_cmpint (block, >, 0);
  g_assert_cmpuint (cancelled->len, ==, 1);
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (cancelled, 0)), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpint (count_changes (f), ==, changes_before + 1);

  /* The owner sees the cancellation (through the feed) and its reason. */
  {
    g_autoptr (GPtrArray) feed = NULL;
    gint64 next = 0;
    gboolean seen = FALSE;

    feed = rb_feed_list_sync (f->store, changes_before + 1, 100, 0, &next, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < feed->len; i++)
      {
        RbBooking *booking = ((RbFeedEntry *) g_ptr_array_index (feed, i))->booking;

        if (booking != NULL && g_str_equal (rb_booking_get_id (booking), rb_booking_get_id (jonas)))
          {
            g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CANCELLED);
            seen = TRUE;
          }
      }
    g_assert_true (seen);
  }
  {
    g_autoptr (GPtrArray) mine = g_ptr_array_new ();

    g_ptr_array_add (mine, jonas);
    g_ptr_array_add (mine, leonie);
    g_ptr_array_add (mine, other_room);
    reasons = rb_blocks_cancel_reasons_sync (f->store, mine, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_hash_table_size (reasons), ==, 1);
    g_assert_cmpstr (g_hash_table_lookup (reasons, rb_booking_get_id (jonas)), ==, "Wasserschaden");
  }

  /* The block is in the list, and the space cannot be booked in it. */
  {
    g_autoptr (GPtrArray) blocks = rb_store_list_blocks_sync (f->store, NULL, NULL, closed, &error);
    g_autofree char *id = g_uuid_string_random ();
    g_autoptr (RbBooking) request = rb_booking_new (id, ROOM, LEONIE,
                                                    rb_interval_make (B (2026, 12, 9, 14, 0),
                                                                      B (2026, 12, 9, 15, 0)));
    g_autoptr (RbBooking) refused = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (blocks->len, ==, 1);
    refused = rb_store_create_booking_sync (f->store, request, &error);
    g_assert_null (refused);
    rb_assert_rb_error (error, RB_ERROR_SPACE_BLOCKED, "space_blocked");
    g_clear_error (&error);
  }

  /* Removing the block opens the space again; the cancelled booking stays cancelled. */
  g_assert_false (rb_blocks_remove_sync (f->store, block, JONAS, &error));
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  g_assert_true (rb_blocks_remove_sync (f->store, block, ADMIN, &error));
  g_assert_no_error (error);
  g_assert_false (rb_blocks_remove_sync (f->store, block, ADMIN, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  {
    g_autoptr (RbBooking) again = rb_store_get_booking_sync (f->store, rb_booking_get_id (jonas), &error);

    g_assert_no_error (error);
    g_assert_cmpint (rb_booking_get_state (again), ==, RB_BOOKING_STATE_CANCELLED);
  }
}

/* ---- async twins ------------------------------------------------------------------------------ */

static void
on_async_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* The worker drops its reference to a task just after the task completed; wait until the
 * fixture holds the only reference again, so teardown can check that the store goes. */
static void
wait_for_worker (RbStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (store)->ref_count) > 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_series_store_async (Fixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = make_series (
      ANNA, ROOM, rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0)),
      "FREQ=DAILY;COUNT=3", RB_SERIES_MODE_ALL_OR_NOTHING);
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) created_result = NULL;
  g_autoptr (GAsyncResult) cancelled_result = NULL;
  g_autoptr (RbSeriesResult) created = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (GError) error = NULL;

  rb_series_store_create_async (f->store, request, cancellable, on_async_done_cb, &created_result);
  created = rb_series_store_create_finish (f->store, wait_for (&created_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (created->bookings->len, ==, 3);

  rb_series_store_cancel_async (f->store, request->id, NULL, RB_SERIES_CANCEL_ALL, ANNA,
                                cancellable, on_async_done_cb, &cancelled_result);
  cancelled = rb_series_store_cancel_finish (f->store, wait_for (&cancelled_result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 3);

  g_clear_object (&created_result);
  g_clear_object (&cancelled_result);
  wait_for_worker (f->store);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/series-store/across-dst", test_series_store_across_dst);
  ADD ("/series-store/sprint", test_series_store_sprint);
  ADD ("/series-store/all-or-nothing", test_series_store_all_or_nothing);
  ADD ("/series-store/skip-conflicts", test_series_store_skip_conflicts);
  ADD ("/series-store/check", test_series_store_check);
  ADD ("/series-store/rules", test_series_store_rules);
  ADD ("/series-store/cancel", test_series_store_cancel);
  ADD ("/series-store/race", test_series_store_race);
  ADD ("/series-store/ics", test_series_store_ics);
  ADD ("/series-store/blocks", test_series_store_blocks);
  ADD ("/series-store/async", test_series_store_async);
#undef ADD

  return g_test_run ();
}
