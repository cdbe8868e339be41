/* test-kiosk-server.c: the kiosk against a real raumbuch-server, under Xvfb, driven through
 * its real widgets (issue 4). The kiosk is registered like a real one (--add-device gives
 * the device token and the server's public key) and starts from an empty local file: the
 * building comes from the server.
 *
 *   1. Online: a desk booked by touch with the keypad is on the server for the person who
 *      identified, and the kiosk's file holds no one's person id.
 *   2. The server hangs (SIGSTOP): identification falls back to offline after two seconds, a
 *      booking is shown as pending, and the outbox holds the credential sealed to the
 *      server's key (it opens with the server's secret key, not with another one) and never
 *      the PIN. A second person books with a wrong PIN.
 *   3. The server comes back (SIGCONT): the first booking is confirmed for the right person,
 *      the one with the wrong PIN comes back rejected with the reason "unauthenticated", and
 *      the start screen says which desk was not booked and why (never who).
 *
 * Every wait has a deadline; nothing asserts how long something took. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-credential.h"
#include "rb-test-server.h"
#include "rb-ui-test-util.h"

/* Monday 30 November 2026, 09:00 in Berlin; the server's clock starts there too. */
#define NOW_RFC3339 "2026-11-30T08:00:00Z"
static gint64 frozen_now;

typedef struct
{
  char *dir;
  char *kiosk_db;
  RbTestServer *server;
  char *public_key;
  RbStore *store;
  RbApiClient *client;
  RbSyncEngine *engine;
  GSettings *settings;
  RbContext *context;
  RbKioskWindow *window;
} Fixture;

static gint64
frozen_clock (gpointer data)
{
  return frozen_now;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *device_token = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-kiosk-server-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW_RFC3339);
  rb_test_server_start (f->server);
  device_token = rb_test_server_add_device (f->server, "Kiosk Erdgeschoss", &f->public_key);

  /* As rb-application.c sets up a kiosk of a server, from the kiosk's settings. */
  f->settings = g_settings_new (APP_ID);
  g_settings_set_string (f->settings, "device-token", device_token);
  g_settings_set_string (f->settings, "server-public-key", f->public_key);
  g_settings_set_uint (f->settings, "idle-timeout", 600);
  f->kiosk_db = g_build_filename (f->dir, "kiosk.db", NULL);
  f->store = rb_store_open_sync (f->kiosk_db, &error);
  g_assert_no_error (error);
  rb_store_set_clock (f->store, frozen_clock, NULL);
  f->client = rb_api_client_new (rb_test_server_get_base_url (f->server));
  rb_api_client_set_device_token (f->client, device_token);
  f->engine = rb_sync_engine_new (f->store, f->client);
  rb_sync_engine_set_poll_interval (f->engine, 0);
  f->context = rb_context_new_with_sync_engine (f->store, f->settings, f->engine);
  f->window = rb_kiosk_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  rb_sync_engine_stop (f->engine);
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->engine);
  g_clear_object (&f->client);
  g_clear_object (&f->settings);
  g_assert_finalize_object (f->store);
  if (rb_test_server_is_running (f->server))
    {
      rb_test_server_send_signal (f->server, SIGCONT);
      rb_test_server_stop (f->server);
    }
  g_clear_pointer (&f->server, rb_test_server_free);
  rb_ui_remove_db (f->kiosk_db);
  g_free (f->kiosk_db);
  g_free (f->public_key);
  g_free (f->dir);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static gboolean
desk_listed (gpointer data)
{
  Fixture *f = data;
  return rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled, "Desk 0.01") != NULL;
}

static GtkLabel *
visible_label_containing (Fixture *f, const char *text)
{
  return GTK_LABEL (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing,
                                        (gpointer) text));
}

/* Start screen → desk → identify → one hour → confirm → Book; leaves the kiosk on the screen
 * that follows (receipt, or confirm with an error). */
static void
book_by_touch (Fixture *f, const char *desk, const char *staff_number, const char *pin,
               const char *screenshot)
{
  GtkListBoxRow *row;

  rb_ui_kiosk_assert_screen (f->window, "start");
  row = GTK_LIST_BOX_ROW (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled,
                                              (gpointer) desk));
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, "Book This Space");
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, staff_number);
  rb_ui_kiosk_type (f->window, pin);
  rb_ui_kiosk_assert_screen (f->window, "duration");
  rb_ui_kiosk_click (f->window, "1 hour");
  rb_ui_kiosk_assert_screen (f->window, "confirm");
  if (screenshot != NULL)
    rb_ui_save_screenshot (GTK_WIDGET (f->window), screenshot);
  rb_ui_kiosk_click (f->window, "Book");
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

/* The sealed credential of the kiosk's outbox entry for a space opens with the server's
 * keypair (read from the server's own file) to exactly this staff number and PIN, and with
 * no other keypair. */
static void
assert_sealed (Fixture *f, const char *space_id, const char *staff_number, const char *pin)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT o.sealed_credential FROM outbox o JOIN bookings b ON b.id = o.booking_id"
      " WHERE b.space_id = '%s'",
      space_id);
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
  g_autofree char *server_key = NULL;
  g_autoptr (GError) error = NULL;
  gsize length;
  const guint8 *data;

  g_assert_nonnull (sealed);
  g_assert_nonnull (pk);
  g_assert_nonnull (sk);
  g_assert_cmpuint (g_bytes_get_size (pk), ==, RB_CREDENTIAL_KEY_BYTES);
  /* The key the kiosk was given is the server's. */
  server_key = g_base64_encode (g_bytes_get_data (pk, NULL), RB_CREDENTIAL_KEY_BYTES);
  g_assert_cmpstr (server_key, ==, f->public_key);

  data = g_bytes_get_data (sealed, &length);
  g_assert_null (find_bytes (data, length, pin));
  g_assert_true (rb_credential_open (g_bytes_get_data (pk, NULL), g_bytes_get_data (sk, NULL),
                                     data, length, &opened_staff, &opened_pin, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (opened_staff, ==, staff_number);
  g_assert_cmpstr (opened_pin, ==, pin);

  /* Any other keypair opens nothing. */
  memcpy (other_pk, g_bytes_get_data (pk, NULL), RB_CREDENTIAL_KEY_BYTES);
  other_pk[0] ^= 0xff;
  memset (other_sk, 0x5a, sizeof other_sk);
  g_assert_false (rb_credential_open (other_pk, other_sk, data, length, &wrong_staff, &wrong_pin,
                                      &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_null (wrong_pin);
}

/* No PIN next to its staff number in any byte of the kiosk's files (WAL included). */
static void
assert_no_pin_on_disk (Fixture *f, const char *staff_number, const char *pin)
{
  const char *suffixes[] = { "", "-wal" };
  g_autofree char *quoted = g_strdup_printf ("\"pin\"");

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->kiosk_db, suffixes[i], NULL);
      g_autofree char *bytes = NULL;
      gsize length = 0;

      if (!g_file_get_contents (path, &bytes, &length, NULL))
        continue;
      g_assert_null (find_bytes (bytes, length, quoted));
      for (const char *p = bytes; (p = find_bytes (p, length - (p - bytes), staff_number)) != NULL;
           p++)
        g_assert_null (find_bytes (p, MIN (length - (p - bytes), 64), pin));
    }
}

typedef struct
{
  Fixture *f;
  const char *sql;
  gint64 want;
} DbWait;

static gboolean
db_reaches (gpointer data)
{
  DbWait *wait = data;
  return rb_test_db_int (wait->f->kiosk_db, wait->sql) == wait->want;
}

static gboolean
server_db_reaches (gpointer data)
{
  DbWait *wait = data;
  return rb_test_db_int (rb_test_server_get_db_path (wait->f->server), wait->sql) == wait->want;
}

static gboolean
notice_shown (gpointer data)
{
  Fixture *f = data;
  GtkWidget *label = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing,
                                         "Not booked after the connection returned");

  return label != NULL && strstr (gtk_label_get_label (GTK_LABEL (label)), "Desk 0.03") != NULL
         && strstr (gtk_label_get_label (GTK_LABEL (label)), "PIN was not right") != NULL;
}

static void
on_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  rb_sync_engine_sync_finish (RB_SYNC_ENGINE (source), result, &error);
}

/* ---- the test ----------------------------------------------------------------------------- */

static void
test_book_online_then_offline (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  const RbTestPerson *katharina = rb_test_demo_person ("17157");
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  const char *server_db = rb_test_server_get_db_path (f->server);
  g_autofree char *katharina_sql = NULL;
  GtkLabel *title;

  /* The building comes from the server. */
  g_assert_true (rb_ui_wait_for (desk_listed, f, 30));
  rb_ui_settle (200);

  /* 1. Online: booked and confirmed for Jonas on the server. */
  book_by_touch (f, "Desk 0.01", jonas->staff_number, jonas->pin, "kiosk-server-confirm");
  rb_ui_kiosk_assert_screen (f->window, "receipt");
  title = visible_label_containing (f, "is booked");
  g_assert_nonnull (title);
  g_assert_null (strstr (gtk_label_get_label (title), "pending"));
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-receipt");
  g_assert_null (rb_kiosk_window_get_person (f->window));
  g_assert_cmpint (db_int (server_db,
                           "SELECT count(*) FROM bookings WHERE space_id = 'a0-d001'"
                           " AND person_id = '%s' AND state = 'booked'",
                           jonas->id),
                   ==, 1);
  /* The kiosk keeps bookings, not people: neither Jonas's id nor his name is in its file. */
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM people WHERE id = '%s'", jonas->id),
                   ==, 0);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE person_id = '%s'",
                           jonas->id),
                   ==, 0);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d001'"
                                        " AND state = 'booked'"),
                   ==, 1);
  rb_ui_kiosk_click (f->window, "Done");

  /* 2. The server hangs. Katharina books: identification waits two seconds, then the kiosk
   * takes her staff number and PIN to be checked later, and the receipt says pending. */
  rb_test_server_send_signal (f->server, SIGSTOP);
  book_by_touch (f, "Desk 0.02", katharina->staff_number, katharina->pin,
                 "kiosk-server-offline-confirm");
  rb_ui_kiosk_assert_screen (f->window, "receipt");
  title = visible_label_containing (f, "pending");
  g_assert_nonnull (title);
  g_assert_nonnull (visible_label_containing (f, "confirmed when the connection returns"));
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-pending");
  rb_ui_kiosk_click (f->window, "Done");

  /* Leonie types a wrong PIN; offline, nobody can tell yet. */
  book_by_touch (f, "Desk 0.03", leonie->staff_number, "0000", NULL);
  rb_ui_kiosk_assert_screen (f->window, "receipt");
  g_assert_nonnull (visible_label_containing (f, "pending"));
  rb_ui_kiosk_click (f->window, "Done");

  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM outbox WHERE state = 'pending'"
                                        " AND sealed_credential IS NOT NULL"),
                   ==, 2);
  assert_sealed (f, "a0-d002", katharina->staff_number, katharina->pin);
  assert_sealed (f, "a0-d003", leonie->staff_number, "0000");
  assert_no_pin_on_disk (f, katharina->staff_number, katharina->pin);
  g_assert_cmpint (db_int (server_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d002'"),
                   ==, 0);

  /* 3. The server is back: Katharina's booking is confirmed for her, Leonie's rejected. */
  rb_test_server_send_signal (f->server, SIGCONT);
  rb_sync_engine_sync_async (f->engine, NULL, on_synced_cb, NULL);
  katharina_sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE space_id = 'a0-d002'"
                                   " AND person_id = '%s' AND state = 'booked'",
                                   katharina->id);
  {
    DbWait on_server = { f, katharina_sql, 1 };
    DbWait done = { f, "SELECT count(*) FROM outbox o JOIN bookings b ON b.id = o.booking_id"
                       " WHERE b.space_id = 'a0-d002' AND o.state = 'done'", 1 };
    DbWait rejected = { f, "SELECT count(*) FROM outbox o JOIN bookings b ON b.id = o.booking_id"
                           " WHERE b.space_id = 'a0-d003' AND o.state = 'rejected'"
                           " AND o.last_error_code = 'unauthenticated'", 1 };

    g_assert_true (rb_ui_wait_for (server_db_reaches, &on_server, 60));
    g_assert_true (rb_ui_wait_for (db_reaches, &done, 60));
    g_assert_true (rb_ui_wait_for (db_reaches, &rejected, 60));
  }
  g_assert_cmpint (db_int (server_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d003'"),
                   ==, 0);
  /* The wrong PIN counted towards Leonie's lockout, as at a login (twice, when the login the
   * kiosk gave up on after two seconds still reached the server as it woke up). */
  g_assert_cmpint (db_int (server_db, "SELECT failures FROM login_failures WHERE staff_number = '%s'",
                           leonie->staff_number),
                   >=, 1);
  /* Locally, the rejected booking no longer holds its desk; Katharina's does. */
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d003'"
                                        " AND state IN ('booked', 'checked_in')"),
                   ==, 0);
  g_assert_cmpint (db_int (f->kiosk_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d002'"
                                        " AND state = 'booked'"),
                   ==, 1);

  /* Leonie has long gone: the start screen tells whoever looks which desk was not booked. */
  rb_ui_kiosk_assert_screen (f->window, "start");
  g_assert_true (rb_ui_wait_for (notice_shown, f, 30));
  g_assert_null (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing,
                                     (gpointer) leonie->display_name));
  rb_ui_settle (100);
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-server-rejected-notice");
}

int
main (int argc, char *argv[])
{
  rb_application_setup_i18n (NULL);

  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();
  g_assert_true (rb_time_from_rfc3339 (NOW_RFC3339, &frozen_now, NULL));

  g_test_add ("/kiosk-server/book-online-then-offline", Fixture, NULL, fixture_set_up,
              test_book_online_then_offline, fixture_tear_down);
  return g_test_run ();
}
