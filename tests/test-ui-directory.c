/* test-ui-directory.c: sign-in with the ministry's directory (issue 14) through the real
 * widgets under Xvfb. Against a real raumbuch-server whose [directory] is a real slapd of
 * 1,000 people (tests/server/rb-test-slapd.h): the sign-in dialog asks for user name and
 * password instead of staff number and PIN, says so plainly when the password is wrong, and
 * signs the person in with the role their nested groups give; an administrator then syncs
 * the people from the People page, sees what the sync would change and confirms it.
 * Standalone there is no directory: the dialog asks for staff number and PIN only, the
 * People page has no sync button, and the client service says "not available". */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-login-dialog.h"
#include "rb-server-service.h"
#include "rb-test-slapd.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

typedef struct
{
  char *dir;
  RbTestSlapd *slapd;
  RbTestServer *server;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  GtkWidget *window;
} Fixture;

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static char *
write_config (Fixture *f)
{
  g_autofree char *password_file = g_build_filename (f->dir, "service-password", NULL);
  g_autofree char *contents = NULL;
  char *path = g_build_filename (f->dir, "raumbuch-server.conf", NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (password_file, RB_TEST_SLAPD_SERVICE_PASSWORD, -1, &error);
  g_assert_no_error (error);
  contents
      = g_strdup_printf ("[directory]\n"
                         "url=%s\n"
                         "starttls=false\n"
                         "base-dn=" RB_TEST_SLAPD_BASE_DN "\n"
                         "bind-dn=" RB_TEST_SLAPD_SERVICE_DN "\n"
                         "bind-password-file=%s\n"
                         "user-filter=(objectClass=inetOrgPerson)\n"
                         "display-name-attribute=cn\n"
                         "disabled-filter=(employeeType=disabled)\n"
                         "users-group=cn=raumbuch-users,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                         "admin-group=cn=raumbuch-admins,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                         "team-lead-group=cn=raumbuch-leads,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                         "sync-interval=0\n",
                         rb_test_slapd_get_url (f->slapd), password_file);
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A desktop client of the server, made as rb-application.c makes one. */
static RbClientService *
new_client (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "mirror.db", NULL);
  g_autoptr (RbStore) store = rb_store_open_sync (path, &error);
  g_autoptr (RbApiClient) client = NULL;
  g_autoptr (RbSyncEngine) engine = NULL;

  g_assert_no_error (error);
  client = rb_api_client_new (rb_test_server_get_base_url (f->server));
  engine = rb_sync_engine_new (store, client);
  rb_sync_engine_set_poll_interval (engine, 0);
  return RB_CLIENT_SERVICE (rb_server_service_new (engine, NULL));
}

static gboolean
offers_directory (gpointer service)
{
  return rb_client_service_get_offers_directory_sign_in (service);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *config = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-ui-directory-XXXXXX", &error);
  g_assert_no_error (error);
  f->slapd = rb_test_slapd_new (f->dir, 1000);
  config = write_config (f);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_add_args (f->server, "--config", config, NULL);
  rb_test_server_start (f->server);
  f->service = new_client (f);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "acting-person");
  f->context = rb_context_new (f->service, f->settings);
  /* The server says in GET /health that it has a directory. */
  g_assert_true (rb_ui_wait_for (offers_directory, f->service, 20));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->service);
  g_clear_object (&f->settings);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_clear_pointer (&f->slapd, rb_test_slapd_free);
  g_free (f->dir);
}

static gboolean
login_dialog_shown (gpointer data)
{
  return rb_ui_find_toplevel (RB_TYPE_LOGIN_DIALOG) != NULL;
}

static gboolean
login_dialog_gone (gpointer data)
{
  return rb_ui_find_toplevel (RB_TYPE_LOGIN_DIALOG) == NULL;
}

static gboolean
widget_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

static gboolean
person_is_admin (gpointer context)
{
  RbPerson *person = rb_context_get_person (context);

  return person != NULL && g_str_equal (rb_person_get_staff_number (person), "100001")
         && rb_person_get_role (person) == RB_ROLE_ADMIN;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
label_says (gpointer data)
{
  gpointer *args = data;
  const char *text = gtk_label_get_label (args[0]);

  return strstr (text, args[1]) != NULL;
}

static gboolean
all_synced (gpointer data)
{
  return rb_test_db_int (data, "SELECT count(*) FROM people WHERE directory_user IS NOT NULL")
         == 999;
}

static void
test_sign_in_and_sync (Fixture *f, gconstpointer data)
{
  RbLoginDialog *dialog;
  GtkWidget *root, *error_label, *page, *sync_button, *status, *message;
  g_autofree char *synced_prefix = NULL;
  gpointer wait[2];

  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  gtk_widget_activate_action (f->window, "win.sign-in", NULL);
  g_assert_true (rb_ui_wait_for (login_dialog_shown, NULL, 10));
  dialog = RB_LOGIN_DIALOG (rb_ui_find_toplevel (RB_TYPE_LOGIN_DIALOG));
  root = GTK_WIDGET (dialog);
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (root, "directory_box")));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (root, "pin_box")));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (root, "switch_button")));

  /* A wrong password: said plainly, and the password field is empty again. */
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "username_entry")), "person0001");
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "password_entry")), "wrong");
  rb_ui_click (rb_ui_child_by_id (root, "login_button"));
  error_label = rb_ui_child_by_id (root, "error_label");
  g_assert_true (rb_ui_wait_for (widget_visible, error_label, 20));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==,
                   tr ("The user name or the password is wrong."));
  g_assert_cmpstr (
      gtk_editable_get_text (GTK_EDITABLE (rb_ui_child_by_id (root, "password_entry"))), ==, "");
  rb_ui_settle (200);
  rb_ui_save_screenshot (root, "directory-sign-in-wrong-password");

  /* Five wrong passwords lock a user name here, and the dialog says passwords, not PINs. */
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "username_entry")), "person0002");
  for (int i = 0; i < 5; i++)
    {
      gtk_widget_set_visible (error_label, FALSE);
      gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "password_entry")), "wrong");
      rb_ui_click (rb_ui_child_by_id (root, "login_button"));
      g_assert_true (rb_ui_wait_for (widget_visible, error_label, 20));
    }
  g_assert_true (
      g_str_has_prefix (gtk_label_get_label (GTK_LABEL (error_label)),
                        tr ("Too many wrong passwords. This user name is locked here.")));
  rb_ui_settle (200);
  rb_ui_save_screenshot (root, "directory-sign-in-locked");
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "username_entry")), "person0001");

  /* The right one: person0001 is an administrator through it-ops ∈ raumbuch-admins. */
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (root, "password_entry")), "secret-0001");
  rb_ui_click (rb_ui_child_by_id (root, "login_button"));
  g_assert_true (rb_ui_wait_for (person_is_admin, f->context, 30));
  g_assert_true (rb_ui_wait_for (login_dialog_gone, NULL, 10));

  /* The People page offers the sync; it shows what would change, then does it. */
  page = rb_ui_show_page (RB_WINDOW (f->window), "people");
  sync_button = rb_ui_child_by_id (page, "sync_button");
  g_assert_true (gtk_widget_get_visible (sync_button));
  rb_ui_click (sync_button);
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 30));
  message = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  {
    g_autofree char *expected
        = g_strdup_printf (tr ("%u to add, %u to change, %u to deactivate."), 998u, 0u, 0u);

    g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (message)), ==, expected);
  }
  rb_ui_settle (200);
  rb_ui_save_screenshot (message, "directory-sync-preview");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (message), "sync");
  gtk_window_close (GTK_WINDOW (message));
  g_assert_true (rb_ui_wait_for (all_synced, (gpointer)rb_test_server_get_db_path (f->server), 30));
  status = rb_ui_child_by_id (page, "status_label");
  synced_prefix = g_strdup_printf (tr ("Synced with the directory. %s"), "");
  wait[0] = status;
  wait[1] = synced_prefix;
  g_assert_true (rb_ui_wait_for (label_says, wait, 30));
}

/* Standalone: no directory anywhere in the UI, and the service says why. */
static void
test_standalone (void)
{
  g_autoptr (RbUiBackend) backend
      = rb_ui_backend_new (RB_UI_BACKEND_LOCAL, g_get_real_time () / G_USEC_PER_SEC);
  RbClientService *service = rb_ui_backend_get_service (backend);
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autoptr (RbContext) context = rb_context_new (service, settings);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) nobody = NULL;
  GtkWidget *window, *root, *page;

  g_assert_false (rb_client_service_get_offers_directory_sign_in (service));
  rb_client_service_sign_in_directory_async (service, "person0001", "secret-0001", NULL,
                                             rb_ui_keep_result_cb, &result);
  nobody = rb_client_service_person_finish (service, rb_ui_wait_result (&result), &error);
  g_assert_null (nobody);
  g_assert_error (error, RB_ERROR, RB_ERROR_NO_DIRECTORY);

  window = GTK_WIDGET (rb_ui_open_window (context));
  g_settings_set_string (settings, "acting-person", "95113");
  gtk_widget_activate_action (window, "win.sign-in", NULL);
  g_assert_true (rb_ui_wait_for (login_dialog_shown, NULL, 10));
  root = GTK_WIDGET (rb_ui_find_toplevel (RB_TYPE_LOGIN_DIALOG));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (root, "directory_box")));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (root, "switch_button")));
  gtk_window_destroy (GTK_WINDOW (root));
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (backend, service, "95113") });
  page = rb_ui_show_page (RB_WINDOW (window), "people");
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (page, "sync_button")));
  rb_ui_destroy_toplevels ();
  rb_ui_settle (100);
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

  g_test_add ("/server/directory/sign-in-and-sync", Fixture, NULL, fixture_set_up,
              test_sign_in_and_sync, fixture_tear_down);
  g_test_add_func ("/local/directory/none", test_standalone);
  return g_test_run ();
}
