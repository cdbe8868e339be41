/* test-kiosk-server.c: what only a kiosk of a server meets — the server away — under Xvfb,
 * driven through the kiosk's real widgets. The kiosk is a registered device of a real
 * raumbuch-server (rb-ui-backend.h: its device token and the server's public key, as the
 * app sets them up from its settings) and got its building from the server.
 *
 *   1. The server is stopped: a person books anyway. Nobody can check the PIN, so the
 *      receipt says pending, and the outbox holds the staff number and PIN sealed to the
 *      server's key (they open with the server's secret key, with no other, and the PIN is
 *      nowhere on the kiosk's disk). Checking in, which cannot wait, says it needs the
 *      server. The server starts again on its address: without anyone asking, the kiosk
 *      sends the booking, and it is the person's.
 *   2. The same with a wrong PIN: when the server is back it refuses the booking, and the
 *      start screen names the desk, the time and the reason — never who.
 *   3. The server hangs (SIGSTOP) instead: identifying gives up after RB_SYNC_ONLINE_WAIT_MS,
 *      the booking is pending, and confirmed when the server wakes up.
 *
 * Expected texts come from the catalogue of the run's language. Every wait has a deadline;
 * nothing asserts how long something took. */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-credential.h"
#include "rb-space-row.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

typedef struct
{
  RbUiBackend *backend;
  RbTestServer *server;
  RbClientService *kiosk;
  const char *kiosk_db;
  GSettings *settings;
  RbContext *context;
  RbKioskWindow *window;
} Fixture;

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* Monday 30 November 2026 in Berlin, from..to o'clock. */
static RbInterval
today (int from_hour, int to_hour)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  return rb_interval_make (rb_local_to_utc (berlin, 2026, 11, 30, from_hour, 0),
                           rb_local_to_utc (berlin, 2026, 11, 30, to_hour, 0));
}

static GtkWidget *
desk_row (Fixture *f, const char *number)
{
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, number);

  return rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled, name);
}

static gboolean
desk_listed (gpointer data)
{
  return desk_row (data, "0.01") != NULL;
}

typedef struct
{
  Fixture *f;
  const char *text;
} LabelWait;

static GtkWidget *
label_containing (Fixture *f, const char *text)
{
  return rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing, (gpointer) text);
}

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return label_containing (wait->f, wait->text) != NULL;
}

static void
wait_for_label (Fixture *f, const char *text)
{
  LabelWait wait = { f, text };

  if (!rb_ui_wait_for (label_shown, &wait, 30))
    g_error ("no label “%s” on screen %s", text, rb_kiosk_window_get_screen (f->window));
}

/* Start screen → desk → one hour → Book → identify → Book; leaves the kiosk on the screen
 * that follows (receipt, or the space's screen with an error). */
static void
book_by_touch (Fixture *f, const char *desk, const char *staff_number, const char *pin,
               const char *screenshot)
{
  GtkWidget *row;

  rb_ui_kiosk_assert_screen (f->window, "start");
  row = desk_row (f, desk);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("1 hour"));
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, staff_number);
  rb_ui_kiosk_type (f->window, pin);
  rb_ui_kiosk_assert_screen (f->window, "space");
  if (screenshot != NULL)
    rb_ui_save_screenshot (GTK_WIDGET (f->window), screenshot);
  rb_ui_kiosk_click (f->window, tr ("Book"));
}

/* The receipt of a booking that waits for the server, for desk number. */
static void
assert_pending_receipt (Fixture *f, const char *number)
{
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, number);
  g_autofree char *title = g_strdup_printf (tr ("%s is reserved — pending"), name);

  rb_ui_kiosk_assert_screen (f->window, "receipt");
  wait_for_label (f, title);
  /* The person is forgotten at once, whatever the server will say. */
  g_assert_null (rb_kiosk_window_get_person (f->window));
}

/* memmem, without relying on _GNU_SOURCE. */
static const char *
find_bytes (const void *haystack, gsize length, const char *needle)
{
  gsize n = strlen (needle);
  const char *h = haystack;

  for (gsize i = 0; n > 0 && i + n <= length; i++)
    if (memcmp (h + i, needle, n) == 0)
      return h + i;
  return NULL;
}

static gint64
db_int (const char *path, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gint64
db_int (const char *path, const char *format, ...)
{
  va_list args;
  g_autofree char *sql = NULL;

  va_start (args, format);
  sql = g_strdup_vprintf (format, args);
  va_end (args);
  return rb_test_db_int (path, sql);
}

/* One blob from a read-only connection to a database file. */
static GBytes *
db_blob (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GBytes *bytes = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_type (stmt, 0) == SQLITE_BLOB)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0), sqlite3_column_bytes (stmt, 0));
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return bytes;
}

static char *
db_text (const char *path, const char *sql)
{
  g_autofree char *dump = rb_test_db_dump (path, sql);

  return g_strdup (g_strstrip (dump));
}

/* The sealed credential of the kiosk's outbox entry for a space opens with the server's
 * keypair (read from the server's own file) to exactly this staff number and PIN, for
 * exactly that booking, and with no other keypair. */
static void
assert_sealed (Fixture *f, const char *space_id, const char *staff_number, const char *pin)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT o.sealed_credential FROM outbox o JOIN bookings b ON b.id = o.booking_id"
      " WHERE b.space_id = '%s'",
      space_id);
  g_autofree char *id_sql = g_strdup_printf ("SELECT id FROM bookings WHERE space_id = '%s'",
                                             space_id);
  g_autofree char *id = db_text (f->kiosk_db, id_sql);
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbBooking) other_booking = NULL;
  g_autoptr (GBytes) sealed = db_blob (f->kiosk_db, sql);
  g_autoptr (GBytes) pk = db_blob (rb_test_server_get_db_path (f->server),
                                   "SELECT public_key FROM server_keys");
  g_autoptr (GBytes) sk = db_blob (rb_test_server_get_db_path (f->server),
                                   "SELECT secret_key FROM server_keys");
  guint8 other_pk[RB_CREDENTIAL_KEY_BYTES], other_sk[RB_CREDENTIAL_KEY_BYTES];
  g_autofree char *opened_staff = NULL;
  g_autofree char *opened_pin = NULL;
  g_autofree char *wrong_staff = NULL;
  g_autofree char *wrong_pin = NULL;
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize length;
  const guint8 *data;

  g_assert_nonnull (sealed);
  g_assert_nonnull (pk);
  g_assert_nonnull (sk);
  g_assert_cmpuint (g_bytes_get_size (pk), ==, RB_CREDENTIAL_KEY_BYTES);
  booking = rb_booking_new (id, space_id, NULL,
                            rb_interval_make (db_int (f->kiosk_db, "SELECT start FROM bookings"
                                                      " WHERE id = '%s'", id),
                                              db_int (f->kiosk_db, "SELECT end FROM bookings"
                                                      " WHERE id = '%s'", id)));

  data = g_bytes_get_data (sealed, &length);
  g_assert_null (find_bytes (data, length, pin));
  g_assert_true (rb_credential_open (g_bytes_get_data (pk, NULL), g_bytes_get_data (sk, NULL),
                                     data, length, booking, now, &opened_staff, &opened_pin,
                                     &error));
  g_assert_no_error (error);
  g_assert_cmpstr (opened_staff, ==, staff_number);
  g_assert_cmpstr (opened_pin, ==, pin);

  /* Not for another booking. */
  other_booking = rb_booking_new (id, "a0-d099", NULL, rb_booking_get_interval (booking));
  g_assert_false (rb_credential_open (g_bytes_get_data (pk, NULL), g_bytes_get_data (sk, NULL),
                                      data, length, other_booking, now, &wrong_staff, &wrong_pin,
                                      &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_null (wrong_pin);
  g_clear_error (&error);

  /* Any other keypair opens nothing. */
  memcpy (other_pk, g_bytes_get_data (pk, NULL), RB_CREDENTIAL_KEY_BYTES);
  other_pk[0] ^= 0xff;
  memset (other_sk, 0x5a, sizeof other_sk);
  g_assert_false (rb_credential_open (other_pk, other_sk, data, length, booking, now,
                                      &wrong_staff, &wrong_pin, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_null (wrong_pin);
}

/* No PIN next to its staff number in any byte of the kiosk's files (WAL included). */
static void
assert_no_pin_on_disk (Fixture *f, const char *staff_number, const char *pin)
{
  const char *suffixes[] = { "", "-wal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->kiosk_db, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &bytes, &length, NULL))
        continue;
      g_assert_null (find_bytes (bytes, length, "\"pin\""));
      for (const char *p = bytes; (p = find_bytes (p, length - (p - bytes), staff_number)) != NULL;
           p++)
        g_assert_null (find_bytes (p, MIN (length - (p - bytes), 64), pin));
    }
}

typedef struct
{
  const char *path;
  char *sql;
  gint64 want;
} DbWait;

static gboolean
db_reaches (gpointer data)
{
  DbWait *wait = data;

  return rb_test_db_int (wait->path, wait->sql) == wait->want;
}

/* The integer that sql returns from the file at path becomes want within the deadline. */
static void
wait_for_db (const char *path, gint64 want, const char *format, ...) G_GNUC_PRINTF (3, 4);

static void
wait_for_db (const char *path, gint64 want, const char *format, ...)
{
  va_list args;
  DbWait wait = { path, NULL, want };

  va_start (args, format);
  wait.sql = g_strdup_vprintf (format, args);
  va_end (args);
  if (!rb_ui_wait_for (db_reaches, &wait, 60))
    g_error ("%s gives %" G_GINT64_FORMAT ", not %" G_GINT64_FORMAT, wait.sql,
             rb_test_db_int (path, wait.sql), want);
  g_free (wait.sql);
}

static gboolean
kiosk_caught_up (gpointer data)
{
  Fixture *f = data;

  return rb_client_service_get_online (f->kiosk) && rb_client_service_get_pending (f->kiosk) == 0;
}

static gboolean
kiosk_waits (gpointer data)
{
  Fixture *f = data;

  return !rb_client_service_get_online (f->kiosk) && rb_client_service_get_pending (f->kiosk) == 1;
}

/* The booking of a desk reached the server for the person, the kiosk's outbox entry is done
 * and its booking confirmed, still under the kiosk's stand-in and never the person's id or
 * name; and nobody had to ask for it. Booked at the kiosk for now, it is checked in. */
static void
assert_confirmed_for (Fixture *f, const char *space_id, const RbTestPerson *person)
{
  wait_for_db (rb_test_server_get_db_path (f->server), 1,
               "SELECT count(*) FROM bookings WHERE space_id = '%s' AND person_id = '%s'"
               " AND state = 'checked_in'",
               space_id, person->id);
  wait_for_db (f->kiosk_db, 1,
               "SELECT count(*) FROM outbox o JOIN bookings b ON b.id = o.booking_id"
               " WHERE b.space_id = '%s' AND o.state = 'done'",
               space_id);
  g_assert_true (rb_ui_wait_for (kiosk_caught_up, f, 30));
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE space_id = '%s'"
                                        " AND state = 'checked_in'",
                           space_id),
                   ==, 1);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE person_id = '%s'",
                           person->id),
                   ==, 0);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM people WHERE id = '%s'"
                                        " OR display_name = '%s'",
                           person->id, person->display_name),
                   ==, 0);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->backend = rb_ui_backend_new (RB_UI_BACKEND_SERVER, today (9, 10).start);
  f->server = rb_ui_backend_get_server (f->backend);
  f->kiosk = rb_ui_backend_add_kiosk (f->backend);
  f->kiosk_db = rb_ui_backend_get_mirror_path (f->kiosk);
  rb_ui_backend_wait_ready (f->kiosk);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_uint (f->settings, "idle-timeout", 600);
  f->context = rb_context_new (f->kiosk, f->settings);
  f->window = rb_kiosk_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  g_assert_true (rb_ui_wait_for (desk_listed, f, 30));
  rb_ui_settle (200);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  if (rb_test_server_is_running (f->server))
    rb_test_server_send_signal (f->server, SIGCONT);
  rb_ui_backend_free (f->backend);
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_server_stopped_booking_confirmed_later (Fixture *f, gconstpointer data)
{
  const RbTestPerson *katharina = rb_test_demo_person ("17157");

  rb_test_server_stop (f->server);
  book_by_touch (f, "0.02", katharina->staff_number, katharina->pin,
                 "kiosk-server-offline-confirm");
  assert_pending_receipt (f, "0.02");
  wait_for_label (f, tr ("Pending — confirmed when the connection returns"));
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-pending");
  rb_ui_kiosk_click (f->window, tr ("Done"));
  rb_ui_kiosk_assert_screen (f->window, "start");

  /* Checking in cannot wait for the server: the kiosk says so, and keeps nobody. */
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, katharina->staff_number);
  rb_ui_kiosk_type (f->window, katharina->pin);
  wait_for_label (f, tr ("Checking in needs the connection to the booking server, which cannot "
                         "be reached right now. Please try again later."));
  g_assert_cmpstr (rb_kiosk_window_get_screen (f->window), ==, "identify");
  g_assert_null (rb_kiosk_window_get_person (f->window));
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-offline-check-in");
  rb_ui_kiosk_click (f->window, tr ("Cancel"));
  rb_ui_kiosk_assert_screen (f->window, "start");

  /* Queued with the sealed credential, and never the PIN. */
  g_assert_true (rb_ui_wait_for (kiosk_waits, f, 30));
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM outbox WHERE state = 'pending'"
                                        " AND sealed_credential IS NOT NULL"),
                   ==, 1);
  assert_sealed (f, "a0-d002", katharina->staff_number, katharina->pin);
  assert_no_pin_on_disk (f, katharina->staff_number, katharina->pin);

  /* The server starts again where it was; the kiosk finds it by itself. */
  rb_test_server_start (f->server);
  assert_confirmed_for (f, "a0-d002", katharina);
}

/* Booked at the kiosk, starting now, while the server is away: the kiosk's request asks for
 * checked in (as the kiosk window sets it), the mirror keeps it checked in, and the server
 * stores it checked in for the person when the queue delivers it with the sealed
 * credential (issue 12). */
static void
test_server_stopped_checked_in_later (Fixture *f, gconstpointer data)
{
  const RbTestPerson *katharina = rb_test_demo_person ("17157");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (RbIdentity) identity = NULL;
  g_autoptr (RbBooking) request = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = rb_booking_new_id ();

  rb_test_server_stop (f->server);
  rb_client_service_identify_async (f->kiosk, katharina->staff_number, katharina->pin, NULL,
                                    rb_ui_keep_result_cb, &result);
  identity = rb_client_service_identify_finish (f->kiosk, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (rb_identity_get_sealed_credential (identity));
  g_clear_object (&result);

  request = rb_booking_new (id, "a0-d002", NULL, today (9, 10));
  rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
  rb_client_service_create_booking_async (f->kiosk, identity, request, NULL,
                                          rb_ui_keep_result_cb, &result);
  booking = rb_client_service_booking_finish (f->kiosk, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (booking), ==, RB_SYNC_STATE_PENDING);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE id = '%s'"
                                        " AND state = 'checked_in'",
                           id),
                   ==, 1);

  rb_test_server_start (f->server);
  wait_for_db (rb_test_server_get_db_path (f->server), 1,
               "SELECT count(*) FROM bookings WHERE id = '%s' AND person_id = '%s'"
               " AND state = 'checked_in'",
               id, katharina->id);
  g_assert_true (rb_ui_wait_for (kiosk_caught_up, f, 30));
}

static void
test_wrong_pin_offline_rejected_later (Fixture *f, gconstpointer data)
{
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, "0.03");
  g_autofree char *when = rb_context_format_interval (f->context, today (9, 10));
  g_autofree char *line = g_strdup_printf (tr ("%s, %s: %s"), name, when,
                                           tr ("The staff number or the PIN is not correct."));
  GtkWidget *notice;

  /* Leonie types a wrong PIN; offline, nobody can tell yet. */
  rb_test_server_stop (f->server);
  book_by_touch (f, "0.03", leonie->staff_number, "0000", NULL);
  assert_pending_receipt (f, "0.03");
  rb_ui_kiosk_click (f->window, tr ("Done"));
  rb_ui_kiosk_assert_screen (f->window, "start");
  assert_sealed (f, "a0-d003", leonie->staff_number, "0000");

  rb_test_server_start (f->server);
  wait_for_db (f->kiosk_db, 1,
               "SELECT count(*) FROM outbox o JOIN bookings b ON b.id = o.booking_id"
               " WHERE b.space_id = 'a0-d003' AND o.state = 'rejected'"
               " AND o.last_error_code = 'unauthenticated'");
  g_assert_cmpint (db_int (rb_test_server_get_db_path (f->server),
                           "SELECT count(*) FROM bookings WHERE space_id = 'a0-d003'"),
                   ==, 0);
  /* Locally, the rejected booking no longer holds the desk. */
  wait_for_db (f->kiosk_db, 0,
               "SELECT count(*) FROM bookings WHERE space_id = 'a0-d003'"
               " AND state IN ('booked', 'checked_in')");

  /* Leonie has long gone: the start screen tells whoever looks which desk and time were not
   * booked, and why — never who. */
  wait_for_label (f, tr ("Not booked after the connection returned:"));
  notice = label_containing (f, tr ("Not booked after the connection returned:"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (notice)), line));
  g_assert_null (label_containing (f, leonie->display_name));
  g_assert_null (label_containing (f, leonie->staff_number));
  rb_ui_settle (100);
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-rejected-notice");
}

static void
test_server_hangs_booking_confirmed_later (Fixture *f, gconstpointer data)
{
  const RbTestPerson *mehmet = rb_test_demo_person ("15350");

  rb_test_server_send_signal (f->server, SIGSTOP);
  book_by_touch (f, "0.04", mehmet->staff_number, mehmet->pin, NULL);
  assert_pending_receipt (f, "0.04");
  rb_ui_kiosk_click (f->window, tr ("Done"));
  assert_sealed (f, "a0-d004", mehmet->staff_number, mehmet->pin);

  rb_test_server_send_signal (f->server, SIGCONT);
  assert_confirmed_for (f, "a0-d004", mehmet);
}

int
main (int argc, char *argv[])
{
  rb_application_setup_i18n (NULL);

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init pins en_US; these tests run in the language of their environment. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();

  g_test_add ("/kiosk-server/server-stopped/booking-confirmed-later", Fixture, NULL,
              fixture_set_up, test_server_stopped_booking_confirmed_later, fixture_tear_down);
  g_test_add ("/kiosk-server/server-stopped/checked-in-later", Fixture, NULL, fixture_set_up,
              test_server_stopped_checked_in_later, fixture_tear_down);
  g_test_add ("/kiosk-server/server-stopped/wrong-pin-rejected-later", Fixture, NULL,
              fixture_set_up, test_wrong_pin_offline_rejected_later, fixture_tear_down);
  g_test_add ("/kiosk-server/server-hangs/booking-confirmed-later", Fixture, NULL, fixture_set_up,
              test_server_hangs_booking_confirmed_later, fixture_tear_down);
  return g_test_run ();
}
