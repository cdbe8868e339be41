/* test-ui-server.c: two desktop windows — two clients, each with its own mirror — on one real
 * raumbuch-server, under Xvfb (rb-ui-backend.h). Jonas works at one, Katharina at the other.
 *
 *   1. A desk Jonas books is taken on Katharina's screen after her client syncs.
 *   2. The server is killed (kill -9) and started again on the same database and address:
 *      both clients notice by themselves that it is gone and that it is back, Jonas's header
 *      says "Offline · 1 booking waiting" meanwhile, and the booking he made then goes through.
 *   3. A booking Jonas queued while the server was out of his reach is refused when it
 *      arrives, because Katharina took the desk first: his window tells him in a toast.
 *   4. Jonas's session ends while a booking of his is queued: when Katharina signs in at his
 *      desktop, it is dropped, never sent as hers; when he signs in again, it goes.
 *   5. Katharina signs in at Jonas's desktop, which had pulled her booking without her name:
 *      it is in her My Bookings.
 *
 * Every wait has a deadline; nothing asserts how long something took. */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-find-page.h"
#include "rb-server-service.h"
#include "rb-space-row.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

typedef struct
{
  RbClientService *service;
  RbContext *context;
  RbWindow *window;
} Desktop;

typedef struct
{
  RbUiBackend *backend;
  RbTestServer *server;
  GSettings *settings;
  Desktop jonas;
  Desktop katharina;
} Fixture;

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static RbSyncEngine *
engine_of (Desktop *desktop)
{
  return rb_server_service_get_engine (RB_SERVER_SERVICE (desktop->service));
}

static void
open_desktop (Fixture *f, Desktop *desktop, RbClientService *service, const char *staff_number)
{
  g_autoptr (RbPerson) person G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, service, staff_number);

  desktop->service = service;
  /* Let the round the sign-in started finish, so that the order below is the test's. */
  rb_ui_backend_sync (f->backend, service);
  desktop->context = rb_context_new (service, f->settings);
  desktop->window = rb_window_new (NULL, desktop->context);
  gtk_window_set_default_size (GTK_WINDOW (desktop->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (desktop->window));
}

static void
close_desktop (Desktop *desktop)
{
  gtk_window_destroy (GTK_WINDOW (desktop->window));
  rb_ui_settle (100);
  g_clear_object (&desktop->context);
}

static gboolean
is_desk_row_named (GtkWidget *widget, gpointer name)
{
  return RB_IS_SPACE_ROW (widget)
         && g_str_equal (rb_space_get_name (rb_space_row_get_space (RB_SPACE_ROW (widget))), name);
}

static gboolean
is_book_button (GtkWidget *widget, gpointer data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "find.book") == 0;
}

static GtkWidget *
desk_row (Desktop *desktop, const char *number)
{
  return rb_ui_find (GTK_WIDGET (desktop->window), is_desk_row_named, (gpointer) number);
}

static GtkWidget *
book_button (Desktop *desktop, const char *number)
{
  GtkWidget *row = desk_row (desktop, number);

  return row != NULL ? rb_ui_find (row, is_book_button, NULL) : NULL;
}

typedef struct
{
  Desktop *desktop;
  const char *number;
  gboolean free;
} DeskWait;

static gboolean
desk_is (gpointer data)
{
  DeskWait *wait = data;
  GtkWidget *row = desk_row (wait->desktop, wait->number);
  GtkWidget *button = book_button (wait->desktop, wait->number);

  return row != NULL && button != NULL
         && rb_space_row_is_free (RB_SPACE_ROW (row)) == wait->free
         && gtk_widget_get_sensitive (button) == wait->free;
}

/* The desk shows free (and bookable) or taken on the desktop's Find page. */
static void
wait_for_desk (Desktop *desktop, const char *number, gboolean free)
{
  DeskWait wait = { desktop, number, free };

  if (!rb_ui_wait_for (desk_is, &wait, 30))
    g_error ("desk %s does not show %s", number, free ? "free" : "taken");
}

/* Taps Book on the desk for the time the Find page shows; returns that time. */
static RbInterval
book_desk (Desktop *desktop, const char *number)
{
  GtkWidget *page = rb_ui_find (GTK_WIDGET (desktop->window), rb_ui_is_type,
                                GSIZE_TO_POINTER (RB_TYPE_FIND_PAGE));

  wait_for_desk (desktop, number, TRUE);
  g_signal_emit_by_name (book_button (desktop, number), "clicked");
  return rb_find_page_get_chosen (RB_FIND_PAGE (page));
}

typedef struct
{
  Desktop *desktop;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return rb_ui_find_visible (GTK_WIDGET (wait->desktop->window), rb_ui_is_label_containing,
                             (gpointer) wait->text)
         != NULL;
}

static void
wait_for_label (Desktop *desktop, const char *text)
{
  LabelWait wait = { desktop, text };

  if (!rb_ui_wait_for (label_shown, &wait, 30))
    g_error ("no label “%s” in the window", text);
}

typedef struct
{
  RbClientService *service;
  gboolean online;
  guint pending;
} StateWait;

static gboolean
state_is (gpointer data)
{
  StateWait *wait = data;

  return rb_client_service_get_online (wait->service) == wait->online
         && rb_client_service_get_pending (wait->service) == wait->pending;
}

/* The client's own idea of the connection becomes online, with pending bookings waiting. */
static void
wait_for_state (Desktop *desktop, gboolean online, guint pending)
{
  StateWait wait = { desktop->service, online, pending };

  if (!rb_ui_wait_for (state_is, &wait, 60))
    g_error ("the client stays %s with %u waiting, not %s with %u",
             rb_client_service_get_online (desktop->service) ? "online" : "offline",
             rb_client_service_get_pending (desktop->service), online ? "online" : "offline",
             pending);
}

static char *
offline_waiting (guint pending)
{
  g_autofree char *waiting = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u booking waiting", "%u bookings waiting", pending),
      pending);

  return g_strdup_printf (tr ("Offline · %s"), waiting);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  /* Monday 30 November 2026, 09:00 in Berlin. */
  f->backend = rb_ui_backend_new (RB_UI_BACKEND_SERVER,
                                  rb_local_to_utc (berlin, 2026, 11, 30, 9, 0));
  f->server = rb_ui_backend_get_server (f->backend);
  f->settings = g_settings_new (APP_ID);
  open_desktop (f, &f->jonas, rb_ui_backend_get_service (f->backend), "14475");
  open_desktop (f, &f->katharina, rb_ui_backend_add_client (f->backend), "17157");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  close_desktop (&f->jonas);
  close_desktop (&f->katharina);
  g_clear_object (&f->settings);
  rb_ui_backend_free (f->backend);
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_booking_seen_by_other_client (Fixture *f, gconstpointer data)
{
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, "0.05");
  g_autofree char *when = NULL;
  g_autofree char *booked = NULL;
  RbInterval chosen;

  wait_for_desk (&f->katharina, "0.05", TRUE);
  chosen = book_desk (&f->jonas, "0.05");
  /* Confirmed by the server, not pending. */
  when = rb_context_format_interval (f->jonas.context, chosen);
  booked = g_strdup_printf (tr ("Booked %s, %s"), name, when);
  wait_for_label (&f->jonas, booked);
  wait_for_desk (&f->jonas, "0.05", FALSE);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d005'"
                                   " AND person_id = 'p-14475' AND state = 'booked'"),
                   ==, 1);

  /* Katharina's client learns of it with its next sync. Once the sync engine listens for
   * pushed changes, it comes without asking, and this sync is no longer needed. */
  rb_ui_backend_sync (f->backend, f->katharina.service);
  wait_for_desk (&f->katharina, "0.05", FALSE);
  rb_ui_save_screenshot (GTK_WIDGET (f->katharina.window), "ui-server-taken");
}

static void
test_server_killed_clients_reconnect (Fixture *f, gconstpointer data)
{
  g_autofree char *header = offline_waiting (1);

  /* Both clients ask the server every second, as the app does every RB_SYNC_POLL_SECONDS;
   * Katharina's has nothing to send and notices the server only this way. */
  rb_sync_engine_set_poll_interval (engine_of (&f->jonas), 1);
  rb_sync_engine_set_poll_interval (engine_of (&f->katharina), 1);
  rb_ui_backend_sync (f->backend, f->jonas.service);
  rb_ui_backend_sync (f->backend, f->katharina.service);
  wait_for_state (&f->jonas, TRUE, 0);

  rb_test_server_kill (f->server);
  book_desk (&f->jonas, "0.06");
  wait_for_state (&f->jonas, FALSE, 1);
  wait_for_state (&f->katharina, FALSE, 0);
  wait_for_label (&f->jonas, header);
  rb_ui_save_screenshot (GTK_WIDGET (f->jonas.window), "ui-server-offline");

  /* The server comes back on the same file and address; nobody restarts anything. */
  rb_test_server_start (f->server);
  wait_for_state (&f->jonas, TRUE, 0);
  wait_for_state (&f->katharina, TRUE, 0);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d006'"
                                   " AND person_id = 'p-14475' AND state = 'booked'"),
                   ==, 1);
  g_assert_null (rb_ui_find_visible (GTK_WIDGET (f->jonas.window), rb_ui_is_label_containing,
                                     (gpointer) tr ("Offline")));
  wait_for_desk (&f->katharina, "0.06", FALSE);
}

static void
test_refused_later_raises_notice (Fixture *f, gconstpointer data)
{
  RbApiClient *client = rb_sync_engine_get_client (engine_of (&f->jonas));
  g_autofree char *address = g_strdup (rb_api_client_get_base_url (client));
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, "0.07");
  g_autofree char *when = NULL;
  g_autofree char *toast = NULL;
  RbInterval chosen;

  /* The server must be out of Jonas's reach only, so that Katharina can take the desk
   * first: his client is pointed at an address where nothing listens. */
  rb_api_client_set_base_url (client, "http://127.0.0.1:1");
  wait_for_desk (&f->katharina, "0.07", TRUE);
  chosen = book_desk (&f->jonas, "0.07");
  wait_for_state (&f->jonas, FALSE, 1);
  book_desk (&f->katharina, "0.07");
  wait_for_desk (&f->katharina, "0.07", FALSE);

  rb_api_client_set_base_url (client, address);
  rb_ui_backend_sync (f->backend, f->jonas.service);
  wait_for_state (&f->jonas, TRUE, 0);
  when = rb_context_format_interval (f->jonas.context, chosen);
  toast = g_strdup_printf (tr ("%s, %s was not booked: %s"), name, when, "");
  wait_for_label (&f->jonas, toast);
  rb_ui_save_screenshot (GTK_WIDGET (f->jonas.window), "ui-server-refused");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d007'"
                                   " AND state = 'booked' AND person_id = 'p-17157'"),
                   ==, 1);
}

/* Jonas's session ends while a booking of his waits in the queue: out of his client's reach
 * he books desk 0.08, and the server deletes his session (as signing out on another device
 * does). When his client is back, it is signed out. */
static void
queue_then_end_session (Fixture *f)
{
  RbApiClient *client = rb_sync_engine_get_client (engine_of (&f->jonas));
  g_autofree char *address = g_strdup (rb_api_client_get_base_url (client));
  g_autofree char *token = g_strdup (rb_client_service_get_session_secret (f->jonas.service));
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions/current");
  g_autoptr (RbTestResponse) resp = NULL;
  g_autoptr (GError) error = NULL;

  rb_api_client_set_base_url (client, "http://127.0.0.1:1");
  book_desk (&f->jonas, "0.08");
  wait_for_state (&f->jonas, FALSE, 1);
  resp = rb_test_request (session, "DELETE", url, token, NULL, NULL);
  rb_test_assert_status (resp, 204);
  rb_api_client_set_base_url (client, address);
  g_assert_false (rb_ui_backend_try_sync (f->backend, f->jonas.service, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_null (rb_client_service_get_person (f->jonas.service));
  g_assert_cmpuint (rb_client_service_get_pending (f->jonas.service), ==, 1);
}

static gint64
server_bookings_of_desk (Fixture *f, const char *space_id, const char *person_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE space_id = '%s'"
                                          " AND person_id = '%s' AND state = 'booked'",
                                          space_id, person_id);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

/* Katharina signs in at Jonas's desktop then: the server must never get his booking as hers.
 * It is dropped, as signing out would drop it. */
static void
test_ended_session_queue_not_sent_as_next_person (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) katharina = NULL;

  queue_then_end_session (f);
  katharina = rb_ui_backend_sign_in (f->backend, f->jonas.service, "17157");
  rb_ui_backend_sync (f->backend, f->jonas.service);
  wait_for_state (&f->jonas, TRUE, 0);
  g_assert_cmpint (server_bookings_of_desk (f, "a0-d008", "p-17157"), ==, 0);
  g_assert_cmpint (server_bookings_of_desk (f, "a0-d008", "p-14475"), ==, 0);
  wait_for_desk (&f->jonas, "0.08", TRUE);
}

/* Jonas himself signs in again: his booking goes with his new session. */
static void
test_ended_session_queue_sent_as_same_person (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) jonas = NULL;

  queue_then_end_session (f);
  jonas = rb_ui_backend_sign_in (f->backend, f->jonas.service, "14475");
  rb_ui_backend_sync (f->backend, f->jonas.service);
  wait_for_state (&f->jonas, TRUE, 0);
  g_assert_cmpint (server_bookings_of_desk (f, "a0-d008", "p-14475"), ==, 1);
}

static guint
my_active_bookings (Desktop *desktop)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  guint active = 0;

  rb_client_service_list_my_bookings_async (
      desktop->service, NULL,
      rb_local_day (berlin, rb_client_service_now (desktop->service)), NULL,
      rb_ui_keep_result_cb, &result);
  bookings = rb_client_service_list_finish (desktop->service, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bookings->len; i++)
    active += rb_booking_state_is_active (rb_booking_get_state (g_ptr_array_index (bookings, i)));
  return active;
}

/* Katharina books at her own client while Jonas's pulls the feed, where her booking comes
 * without her name. When she then signs in at Jonas's desktop, it is in her My Bookings. */
static void
test_switch_person_sees_own_bookings (Fixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) katharina = NULL;

  book_desk (&f->katharina, "0.09");
  wait_for_state (&f->katharina, TRUE, 0);
  rb_ui_backend_sync (f->backend, f->jonas.service);
  wait_for_desk (&f->jonas, "0.09", FALSE);

  katharina = rb_ui_backend_sign_in (f->backend, f->jonas.service, "17157");
  rb_ui_backend_sync (f->backend, f->jonas.service);
  g_assert_cmpuint (my_active_bookings (&f->jonas), ==, 1);
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
  /* Two windows share one Xvfb without a window manager: a blinking cursor in a window that
   * lost X focus makes GTK warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  rb_ui_load_app_css ();

  g_test_add ("/ui-server/booking-seen-by-other-client", Fixture, NULL, fixture_set_up,
              test_booking_seen_by_other_client, fixture_tear_down);
  g_test_add ("/ui-server/server-killed-clients-reconnect", Fixture, NULL, fixture_set_up,
              test_server_killed_clients_reconnect, fixture_tear_down);
  g_test_add ("/ui-server/refused-later-raises-notice", Fixture, NULL, fixture_set_up,
              test_refused_later_raises_notice, fixture_tear_down);
  g_test_add ("/ui-server/ended-session/queue-not-sent-as-next-person", Fixture, NULL,
              fixture_set_up, test_ended_session_queue_not_sent_as_next_person,
              fixture_tear_down);
  g_test_add ("/ui-server/ended-session/queue-sent-as-same-person", Fixture, NULL,
              fixture_set_up, test_ended_session_queue_sent_as_same_person, fixture_tear_down);
  g_test_add ("/ui-server/switch-person-sees-own-bookings", Fixture, NULL, fixture_set_up,
              test_switch_person_sees_own_bookings, fixture_tear_down);
  return g_test_run ();
}
