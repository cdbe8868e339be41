/* test-ui-server.c: two desktop app instances (two contexts and windows in one process, each
 * with its own local database) against one real raumbuch-server, under Xvfb. Both log in
 * through the login dialog; one books a desk while the server hangs (pending), the server
 * comes back (confirmed), and the other instance shows the desk as taken after a sync. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <signal.h>

#include "rb-application.h"
#include "rb-bookings-page.h"
#include "rb-context.h"
#include "rb-find-page.h"
#include "rb-login-dialog.h"
#include "rb-space-row.h"
#include "rb-test-server.h"
#include "rb-test-util.h"
#include "rb-window.h"

#define NOW_RFC3339 "2026-11-30T06:00:00Z"
static gint64 frozen_now;

typedef struct
{
  char *dir;
  RbStore *store;
  RbApiClient *client;
  RbSyncEngine *engine;
  RbContext *context;
  RbWindow *window;
} App;

/* ---- helpers ------------------------------------------------------------------------------ */

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

static void
settle (int ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static GtkWidget *
find_widget (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_type (GtkWidget *widget, gpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
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

static App *
app_new (const char *base_url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = NULL;
  App *app = g_new0 (App, 1);

  app->dir = rb_test_make_tmpdir ();
  path = g_build_filename (app->dir, "mirror.db", NULL);
  /* An empty file: the building comes from the server at the first login. */
  app->store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (app->store, rb_test_frozen_clock, &frozen_now);
  app->client = rb_api_client_new (base_url);
  app->engine = rb_sync_engine_new (app->store, app->client);
  rb_sync_engine_set_poll_interval (app->engine, 0);
  app->context = rb_context_new_with_sync_engine (app->store, settings, app->engine);
  app->window = rb_window_new (NULL, app->context);
  gtk_window_set_default_size (GTK_WINDOW (app->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (app->window));
  return app;
}

static void
app_free (App *app)
{
  gtk_window_destroy (GTK_WINDOW (app->window));
  rb_sync_engine_stop (app->engine);
  settle (100);
  g_clear_object (&app->context);
  g_clear_object (&app->engine);
  g_clear_object (&app->client);
  g_assert_finalize_object (app->store);
  rb_test_remove_tree (app->dir);
  g_free (app->dir);
  g_free (app);
}

static gboolean
login_dialog_shown (gpointer data)
{
  App *app = data;
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (RB_IS_LOGIN_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (app->window)
        && gtk_widget_get_mapped (l->data))
      return TRUE;
  return FALSE;
}

static RbLoginDialog *
login_dialog (App *app)
{
  g_autoptr (GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (RB_IS_LOGIN_DIALOG (l->data)
        && gtk_window_get_transient_for (l->data) == GTK_WINDOW (app->window))
      return l->data;
  return NULL;
}

static gboolean
logged_in (gpointer data)
{
  App *app = data;
  return rb_context_get_person (app->context) != NULL && login_dialog (app) == NULL;
}

/* Types the staff number and PIN into the dialog, as a person would, and submits. */
static void
log_in (App *app, const char *staff_number, const char *pin)
{
  RbLoginDialog *dialog;
  GtkWidget *staff, *pin_entry;

  g_assert_true (wait_for (login_dialog_shown, app));
  dialog = login_dialog (app);
  staff = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_ENTRY));
  pin_entry = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (GTK_TYPE_PASSWORD_ENTRY));
  g_assert_nonnull (staff);
  g_assert_nonnull (pin_entry);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (pin_entry), GTK_ACCESSIBLE_ROLE_TEXT_BOX);
  gtk_editable_set_text (GTK_EDITABLE (staff), staff_number);
  gtk_editable_set_text (GTK_EDITABLE (pin_entry), pin);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "login.submit", NULL);
  g_assert_true (wait_for (logged_in, app));
  g_assert_cmpstr (rb_person_get_staff_number (rb_context_get_person (app->context)), ==,
                   staff_number);
}

typedef struct
{
  App *app;
  const char *name;
  gboolean want_free;
} DeskQuery;

static GtkWidget *
desk_row (App *app, const char *name)
{
  return find_widget (GTK_WIDGET (app->window), is_desk_row_named, (gpointer) name);
}

static gboolean
desk_row_ready (gpointer data)
{
  DeskQuery *query = data;
  GtkWidget *row = desk_row (query->app, query->name);
  GtkWidget *button = row ? find_widget (row, is_book_button, NULL) : NULL;

  return button != NULL && gtk_widget_get_sensitive (button);
}

static gboolean
desk_state_is (gpointer data)
{
  DeskQuery *query = data;
  GtkWidget *row = desk_row (query->app, query->name);

  return row != NULL && rb_space_row_is_free (RB_SPACE_ROW (row)) == query->want_free;
}

static GtkListBox *
bookings_list (App *app)
{
  GtkWidget *page = find_widget (GTK_WIDGET (app->window), is_type,
                                 GSIZE_TO_POINTER (RB_TYPE_BOOKINGS_PAGE));
  GtkWidget *list = page ? find_widget (page, is_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX)) : NULL;

  return list ? GTK_LIST_BOX (list) : NULL;
}

typedef struct
{
  App *app;
  const char *text;
  gboolean want;
} SubtitleQuery;

static gboolean
first_booking_subtitle_is (gpointer data)
{
  SubtitleQuery *query = data;
  GtkListBox *list = bookings_list (query->app);
  GtkListBoxRow *row = list ? gtk_list_box_get_row_at_index (list, 0) : NULL;
  const char *subtitle = row && ADW_IS_ACTION_ROW (row) ? adw_action_row_get_subtitle (ADW_ACTION_ROW (row))
                                                        : NULL;

  return subtitle != NULL && (strstr (subtitle, query->text) != NULL) == query->want;
}

static gboolean
is_pending_label (GtkWidget *widget, gpointer data)
{
  return GTK_IS_LABEL (widget)
         && strstr (gtk_label_get_label (GTK_LABEL (widget)),
                    "pending — confirmed when the connection returns") != NULL;
}

static gboolean
pending_toast_shown (gpointer data)
{
  App *app = data;
  return find_widget (GTK_WIDGET (app->window), is_pending_label, NULL) != NULL;
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  rb_sync_engine_sync_finish (RB_SYNC_ENGINE (source), result, &error);
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
sync_now (App *app)
{
  gboolean done = FALSE;

  rb_sync_engine_sync_async (app->engine, NULL, sync_done_cb, &done);
  g_assert_true (wait_for (is_true, &done));
}

/* ---- the test ----------------------------------------------------------------------------- */

static void
test_book_on_one_see_on_other (void)
{
  g_autofree char *server_dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = rb_test_server_new (server_dir);
  App *a, *b;
  DeskQuery a_desk, b_desk;
  const char *pending = "Pending — confirmed when the connection returns";
  SubtitleQuery is_pending, not_pending;
  GtkWidget *button;
  gint64 started;

  rb_test_server_set_now (server, NOW_RFC3339);
  rb_test_server_start (server);
  a = app_new (rb_test_server_get_base_url (server));
  b = app_new (rb_test_server_get_base_url (server));

  /* Both log in; the first login of each imports the building into its empty file. */
  log_in (a, "14475", "8466");
  log_in (b, "17157", "4492");
  /* Let the rounds that the logins started finish, so that the order below is the test's. */
  sync_now (a);
  sync_now (b);
  a_desk = (DeskQuery) { a, "0.05", TRUE };
  b_desk = (DeskQuery) { b, "0.05", TRUE };
  g_assert_true (wait_for (desk_row_ready, &a_desk));
  g_assert_true (wait_for (desk_row_ready, &b_desk));
  g_assert_true (desk_state_is (&b_desk));

  /* The server hangs: the booking waits 2 s for it, then is queued and shown as pending. */
  rb_test_server_send_signal (server, SIGSTOP);
  started = g_get_monotonic_time ();
  button = find_widget (desk_row (a, "0.05"), is_book_button, NULL);
  g_signal_emit_by_name (button, "clicked");
  adw_view_stack_set_visible_child_name (
      ADW_VIEW_STACK (find_widget (GTK_WIDGET (a->window), is_type,
                                   GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK))),
      "bookings");
  /* My Bookings shows it as pending at once (it is queued before it is sent) ... */
  is_pending = (SubtitleQuery) { a, pending, TRUE };
  g_assert_true (wait_for (first_booking_subtitle_is, &is_pending));
  /* ... and the answer to the person comes when the 2 s are over. */
  g_assert_true (wait_for (pending_toast_shown, a));
  g_test_message ("pending toast after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - started) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - started, >=, (RB_SYNC_ONLINE_WAIT_MS - 100) * 1000);
  settle (300);

  /* The server comes back: the queued booking is confirmed and no longer pending. */
  rb_test_server_send_signal (server, SIGCONT);
  sync_now (a);
  not_pending = (SubtitleQuery) { a, pending, FALSE };
  g_assert_true (wait_for (first_booking_subtitle_is, &not_pending));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d005'"
                                   " AND state = 'booked'"),
                   ==, 1);

  /* The other instance sees the desk taken after its next sync. */
  g_assert_true (desk_state_is (&b_desk));
  sync_now (b);
  b_desk.want_free = FALSE;
  g_assert_true (wait_for (desk_state_is, &b_desk));
  g_assert_false (gtk_widget_get_sensitive (find_widget (desk_row (b, "0.05"), is_book_button, NULL)));
  settle (200);

  app_free (a);
  app_free (b);
  rb_test_server_stop (server);
  rb_test_remove_tree (server_dir);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("RAUMBUCH_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* Two windows and their dialogs share one Xvfb without a window manager: a blinking
   * cursor in a window that lost X focus makes GTK warn. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  g_object_unref (rb_application_new ());
  frozen_now = rb_test_utc_time (2026, 11, 30, 6, 0, 0);

  g_test_add_func ("/ui-server/book-on-one-see-on-other", test_book_on_one_see_on_other);
  return g_test_run ();
}
