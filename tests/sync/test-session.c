/* test-session.c: the session kept in the keyring (rb-session-keeper.h), against a real
 * Secret Service: run-with-keyring.sh starts gnome-keyring on a D-Bus session bus of the
 * test's own, in a temporary HOME. Each case runs standalone (/session/local/…, the session
 * token of the app's own store) and against a real raumbuch-server (/session/server/…, the
 * server's session token), through the client service as rb-application.c wires it:
 *
 *   - signing in keeps one item for the service's location, with the person and the
 *     service's session-secret; switching person keeps the new one only;
 *   - the app quits and starts again (a new service on the same data, a new keeper): the
 *     kept session is taken up and My Bookings shows the person's bookings — with a server,
 *     while the server is stopped, from the mirror;
 *   - signing out removes the item;
 *   - a kept session that is no good any more (ended elsewhere; with a server also a server
 *     started again on a fresh database) ends: nobody is signed in and the item is gone;
 *   - and the application itself, started with a server that is stopped, comes up signed in.
 *
 * Every wait has a deadline; nothing asserts how long something took. */
#include "config.h"

#include <adwaita.h>
#include <libsecret/secret.h>
#include <locale.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-session-keeper.h"
#include "rb-space-row.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* The keeper's items as the user's keyring holds them from one version of the app to the
 * next: a new version must still find them, so the test states the schema on its own. */
static const SecretSchema session_schema = {
  APP_ID ".Session",
  SECRET_SCHEMA_NONE,
  {
      { "location", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "person", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
  },
};

typedef struct
{
  RbUiBackend *backend;
  RbClientService *service;
  RbSessionKeeper *keeper;
  GSettings *settings;
  RbContext *context;
  RbWindow *window;
} Fixture;

/* ---- the keyring -------------------------------------------------------------------------- */

/* The items kept for the location, with their secrets. */
static GList *
kept_items (const char *location)
{
  g_autoptr (GError) error = NULL;
  GList *items = secret_password_search_sync (&session_schema,
                                              SECRET_SEARCH_ALL | SECRET_SEARCH_LOAD_SECRETS,
                                              NULL, &error, "location", location, NULL);

  g_assert_no_error (error);
  return items;
}

typedef struct
{
  const char *location;
  guint count;
} ItemsWait;

static gboolean
items_are (gpointer data)
{
  ItemsWait *wait = data;
  g_autolist (SecretRetrievable) items = kept_items (wait->location);

  return g_list_length (items) == wait->count;
}

/* The keeper writes and clears the keyring in the background: wait for count items. */
static void
wait_for_items (Fixture *f, guint count)
{
  ItemsWait wait = { rb_client_service_get_location (f->service), count };

  if (!rb_ui_wait_for (items_are, &wait, 30))
    g_error ("the keyring does not hold %u session(s) for %s", count, wait.location);
}

typedef struct
{
  const char *location;
  const char *person_id;
} KeptWait;

static gboolean
kept_for (gpointer data)
{
  KeptWait *wait = data;
  g_autolist (SecretRetrievable) items = kept_items (wait->location);
  g_autoptr (GHashTable) attributes = NULL;

  if (g_list_length (items) != 1)
    return FALSE;
  attributes = secret_retrievable_get_attributes (items->data);
  return g_strcmp0 (g_hash_table_lookup (attributes, "person"), wait->person_id) == 0;
}

/* One item comes to be kept, and only one: for this person, with the service's
 * session-secret. */
static void
assert_kept_for (Fixture *f, const char *person_id)
{
  KeptWait wait = { rb_client_service_get_location (f->service), person_id };
  g_autolist (SecretRetrievable) items = NULL;
  g_autoptr (SecretValue) value = NULL;
  g_autoptr (GError) error = NULL;

  if (!rb_ui_wait_for (kept_for, &wait, 30))
    g_error ("the keyring does not hold the one session of %s for %s", person_id,
             wait.location);
  items = kept_items (wait.location);
  value = secret_retrievable_retrieve_secret_sync (items->data, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (value);
  g_assert_nonnull (rb_client_service_get_session_secret (f->service));
  g_assert_cmpstr (secret_value_get_text (value), ==,
                   rb_client_service_get_session_secret (f->service));
}

/* ---- the app ------------------------------------------------------------------------------ */

static gboolean
is_server (Fixture *f)
{
  return rb_ui_backend_get_mode (f->backend) == RB_UI_BACKEND_SERVER;
}

static void
keep_sessions (Fixture *f)
{
  f->keeper = rb_session_keeper_new (f->service);
}

/* The app quits and starts again on the same data: a new service, a new keeper. */
static void
restart_app (Fixture *f)
{
  g_clear_object (&f->keeper);
  f->service = rb_ui_backend_restart_client (f->backend, f->service);
  keep_sessions (f);
}

/* rb_session_keeper_restore_async: the person, or NULL with error set (or not). */
static RbPerson *
restore (Fixture *f, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_session_keeper_restore_async (f->keeper, NULL, rb_ui_keep_result_cb, &result);
  return rb_session_keeper_restore_finish (f->keeper, rb_ui_wait_result (&result), error);
}

static gboolean
nobody_signed_in (gpointer data)
{
  Fixture *f = data;

  return rb_client_service_get_person (f->service) == NULL;
}

static void
book (Fixture *f, const char *space_id, int from_hour, int to_hour)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (
      id, space_id, NULL,
      rb_interval_make (rb_local_to_utc (berlin, 2026, 11, 30, from_hour, 0),
                        rb_local_to_utc (berlin, 2026, 11, 30, to_hour, 0)));
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  rb_client_service_create_booking_async (f->service, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booked = rb_client_service_booking_finish (f->service, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (booked), !=, RB_SYNC_STATE_PENDING);
}

typedef struct
{
  GtkWidget *window;
  const char *title;
} RowWait;

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;

  return rb_ui_find_visible (wait->window, rb_ui_is_row_titled, (gpointer) wait->title) != NULL;
}

/* The desktop window on the service, showing My Bookings. */
static void
open_my_bookings (Fixture *f)
{
  GtkWidget *stack;

  f->context = rb_context_new (f->service, f->settings);
  f->window = rb_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  stack = rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK));
  adw_view_stack_set_visible_child_name (ADW_VIEW_STACK (stack), "bookings");
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  /* Monday 30 November 2026, 09:00 in Berlin. */
  f->backend = rb_ui_backend_new (GPOINTER_TO_INT (data),
                                  rb_local_to_utc (berlin, 2026, 11, 30, 9, 0));
  f->service = rb_ui_backend_get_service (f->backend);
  f->settings = g_settings_new (APP_ID);
  keep_sessions (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_object (&f->keeper);
  /* The next case starts with an empty keyring. */
  secret_password_clear_sync (&session_schema, NULL, &error, "location",
                              rb_client_service_get_location (f->service), NULL);
  g_assert_no_error (error);
  if (is_server (f) && !rb_test_server_is_running (rb_ui_backend_get_server (f->backend)))
    rb_test_server_start (rb_ui_backend_get_server (f->backend));
  rb_ui_backend_free (f->backend);
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_sign_in_keeps_session (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");
  g_autoptr (RbPerson) katharina = NULL;

  assert_kept_for (f, "p-14475");

  /* Switching person keeps the new session, and only that one. */
  katharina = rb_ui_backend_sign_in (f->backend, f->service, "17157");
  assert_kept_for (f, "p-17157");
}

static void
test_resumes_kept_session (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");
  g_autoptr (RbPerson) resumed = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *desk = rb_space_format_name (RB_SPACE_KIND_DESK, "0.05");
  RowWait wait;

  book (f, "a0-d005", 9, 12);
  rb_ui_backend_sync (f->backend, f->service);
  wait_for_items (f, 1);

  /* The app starts again — with a server, while the server is stopped. */
  if (is_server (f))
    rb_test_server_stop (rb_ui_backend_get_server (f->backend));
  restart_app (f);
  g_assert_null (rb_client_service_get_person (f->service));
  resumed = restore (f, &error);
  g_assert_no_error (error);
  g_assert_nonnull (resumed);
  g_assert_cmpstr (rb_person_get_id (resumed), ==, "p-14475");
  g_assert_cmpstr (rb_person_get_id (rb_client_service_get_person (f->service)), ==, "p-14475");

  /* Signed in, with the bookings this client had. */
  open_my_bookings (f);
  wait = (RowWait){ GTK_WIDGET (f->window), desk };
  g_assert_true (rb_ui_wait_for (row_shown, &wait, 30));
  rb_ui_settle (200);
  rb_ui_save_screenshot (GTK_WIDGET (f->window), is_server (f) ? "session-server-resumed-offline"
                                                                : "session-local-resumed");
  /* Taking it up does not store it again, nor lose it. */
  assert_kept_for (f, "p-14475");
}

static void
on_signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
test_sign_out_forgets_session (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");
  gboolean signed_out = FALSE;

  wait_for_items (f, 1);
  rb_client_service_sign_out_async (f->service, NULL, on_signed_out_cb, &signed_out);
  g_assert_true (rb_ui_wait_for (is_true, &signed_out, 30));
  g_assert_null (rb_client_service_get_person (f->service));
  wait_for_items (f, 0);
}

/* The kept session ends elsewhere while the app is closed: with a server it is deleted there
 * (as signing out on another device does); standalone another window of the app takes it up
 * and signs out. */
static void
end_session_elsewhere (Fixture *f, const char *person_id, const char *secret)
{
  if (is_server (f))
    {
      g_autoptr (SoupSession) session = rb_test_client_new ();
      RbTestServer *server = rb_ui_backend_get_server (f->backend);
      g_autofree char *url = rb_test_server_url (server, "/api/v1/sessions/current");
      g_autoptr (RbTestResponse) resp = rb_test_request (session, "DELETE", url, secret, NULL,
                                                         NULL);

      rb_test_assert_status (resp, 204);
    }
  else
    {
      RbClientService *other = rb_ui_backend_add_client (f->backend);
      g_autoptr (GAsyncResult) result = NULL;
      g_autoptr (GError) error = NULL;
      g_autoptr (RbPerson) person = NULL;
      gboolean signed_out = FALSE;

      rb_client_service_resume_async (other, person_id, secret, NULL, rb_ui_keep_result_cb,
                                      &result);
      person = rb_client_service_person_finish (other, rb_ui_wait_result (&result), &error);
      g_assert_no_error (error);
      rb_client_service_sign_out_async (other, NULL, on_signed_out_cb, &signed_out);
      g_assert_true (rb_ui_wait_for (is_true, &signed_out, 30));
    }
}

/* Taking up a session the backend refuses leaves nobody signed in and the keyring empty: a
 * standalone store says so at once, a server at the first request (which is why a server's
 * kept session is taken up at all before it answers: offline it is all there is). */
static void
assert_refused_and_forgotten (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = restore (f, &error);

  if (person == NULL)
    g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_true (rb_ui_wait_for (nobody_signed_in, f, 30));
  wait_for_items (f, 0);
}

static void
test_session_ended_elsewhere (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");
  g_autofree char *secret = NULL;

  wait_for_items (f, 1);
  secret = g_strdup (rb_client_service_get_session_secret (f->service));
  restart_app (f);
  end_session_elsewhere (f, "p-14475", secret);
  assert_refused_and_forgotten (f);
}

/* Only a server: it starts again on a fresh database, which knows no session. */
static void
test_server_with_fresh_database (Fixture *f, gconstpointer data)
{
  RbTestServer *server = rb_ui_backend_get_server (f->backend);
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");

  wait_for_items (f, 1);
  rb_test_server_stop (server);
  rb_ui_remove_db (rb_test_server_get_db_path (server));
  rb_test_server_start (server);
  restart_app (f);
  assert_refused_and_forgotten (f);
}

typedef struct
{
  RbApplication *app;
  gint64 deadline;
  gboolean signed_in;
} AppWatch;

static gboolean
is_label_of_jonas (GtkWidget *widget, gpointer data)
{
  return rb_ui_is_label_containing (widget, "Jonas Becker");
}

/* Until the app's window says who is signed in, or the deadline: then the app quits. */
static gboolean
on_app_watch_cb (gpointer data)
{
  AppWatch *watch = data;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (watch->app)); l != NULL;
       l = l->next)
    if (RB_IS_WINDOW (l->data) && rb_ui_find_visible (l->data, is_label_of_jonas, NULL) != NULL)
      watch->signed_in = TRUE;
  if (!watch->signed_in && g_get_monotonic_time () < watch->deadline)
    return G_SOURCE_CONTINUE;
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (watch->app)); l != NULL;
       l = l->next)
    if (RB_IS_WINDOW (l->data))
      rb_ui_save_screenshot (l->data, "session-app-started-offline");
  g_application_quit (G_APPLICATION (watch->app));
  return G_SOURCE_REMOVE;
}

/* The application itself, started on the mirror while the server is stopped, is signed in
 * from the keyring: rb-application.c wires service, keeper and window as a user gets them. */
static void
test_app_starts_signed_in_offline (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, f->service, "14475");
  g_autoptr (RbApplication) app = NULL;
  g_autofree char *url = g_strdup (rb_client_service_get_location (f->service));
  const char *argv[] = { "raumbuch", "--server", url, "--db",
                         rb_ui_backend_get_mirror_path (f->service), NULL };
  AppWatch watch = { 0 };

  wait_for_items (f, 1);
  rb_test_server_stop (rb_ui_backend_get_server (f->backend));
  rb_client_service_shutdown (f->service);

  app = rb_application_new ();
  watch.app = app;
  watch.deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  g_timeout_add (100, on_app_watch_cb, &watch);
  g_assert_cmpint (g_application_run (G_APPLICATION (app), G_N_ELEMENTS (argv) - 1,
                                      (char **) argv),
                   ==, 0);
  g_assert_true (watch.signed_in);
}

typedef void (*SessionTest) (Fixture *f, gconstpointer data);

static void
add_test (RbUiBackendMode mode, const char *name, SessionTest test)
{
  g_autofree char *path = g_strdup_printf ("/session/%s/%s", rb_ui_backend_mode_name (mode), name);

  g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, test, fixture_tear_down);
}

int
main (int argc, char *argv[])
{
  const RbUiBackendMode modes[] = { RB_UI_BACKEND_LOCAL, RB_UI_BACKEND_SERVER };

  rb_application_setup_i18n (NULL);

  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      add_test (modes[i], "sign-in-keeps-session", test_sign_in_keeps_session);
      add_test (modes[i], "resumes-kept-session", test_resumes_kept_session);
      add_test (modes[i], "sign-out-forgets-session", test_sign_out_forgets_session);
      add_test (modes[i], "session-ended-elsewhere", test_session_ended_elsewhere);
    }
  add_test (RB_UI_BACKEND_SERVER, "fresh-database-ends-session", test_server_with_fresh_database);
  add_test (RB_UI_BACKEND_SERVER, "app-starts-signed-in-offline", test_app_starts_signed_in_offline);
  return g_test_run ();
}
