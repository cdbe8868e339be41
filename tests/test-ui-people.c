/* test-ui-people.c: PINs (issue 11) through the real widgets under Xvfb, each case twice with
 * the same assertions: standalone on the app's own store (/local/…) and against a real
 * raumbuch-server (/server/…; rb-ui-backend.h). An administrator issues a one-time PIN; at
 * the kiosk the person types it, is asked for a PIN of their own twice on the keypad, sees
 * why a weak one is refused, and then books; on the desktop the sign-in dialog does the same
 * with its PIN fields. Anyone changes their PIN from the account menu. An administrator
 * imports a Windows-1252 CSV file on the People page, sees what it would do, confirms, and
 * deactivates a person. An administrator registers a badge for a person with the desktop's
 * badge reader (issue 12), sees it in the list, is told when a badge is someone else's, and
 * removes it. A person downloads their data, and an administrator erases a deactivated
 * person (issue 13). Every text expected is looked up in the catalogue of the language the
 * test runs in (English and German, tests/meson.build). */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-login-dialog.h"
#include "rb-people-page.h"
#include "rb-pin-dialog.h"
#include "rb-space-row.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 09:00 in Berlin. */
static gint64 frozen_now;
static GTimeZone *berlin;

#define JONAS "14475"     /* staff */
#define JONAS_ID "p-14475"
#define CHRISTIAN "95113" /* admin */
#define OWN_PIN "4729"

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  GSettings *settings;
  RbContext *context;
  GtkWidget *window;
} Fixture;

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->mode = GPOINTER_TO_INT (data);
  f->backend = rb_ui_backend_new (f->mode, frozen_now);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "acting-person");
  g_settings_set_uint (f->settings, "idle-timeout", 60);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->backend, rb_ui_backend_free);
}

static void
screenshot (Fixture *f, GtkWidget *widget, const char *name)
{
  g_autofree char *full = g_strdup_printf ("people-%s-%s", rb_ui_backend_mode_name (f->mode),
                                           name);

  rb_ui_settle (200);
  rb_ui_save_screenshot (widget, full);
}

/* An administrator on another desktop issues a one-time PIN for the person. */
static char *
issue_one_time_pin (Fixture *f, const char *person_id)
{
  RbClientService *admin = rb_ui_backend_add_client (f->backend);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  char *pin;

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, admin, CHRISTIAN) });
  rb_client_service_issue_one_time_pin_async (admin, person_id, NULL, rb_ui_keep_result_cb,
                                              &result);
  pin = rb_client_service_pin_finish (admin, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (pin), ==, 6);
  return pin;
}

/* What the window says when a PIN is refused as weak, made as the window makes it. */
static char *
weak_pin_text (const char *pin, const char *staff_number)
{
  g_autoptr (GError) error = NULL;

  g_assert_false (rb_pin_rules_validate (pin, staff_number, &error));
  return g_strdup (error->message);
}

/* Signs in on a fresh client of the same bookings with staff number and PIN. */
static GError *
try_sign_in (Fixture *f, const char *staff_number, const char *pin)
{
  RbClientService *client = rb_ui_backend_add_client (f->backend);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (RbPerson) person = NULL;
  GError *error = NULL;

  rb_client_service_sign_in_async (client, staff_number, pin, NULL, rb_ui_keep_result_cb,
                                   &result);
  person = rb_client_service_person_finish (client, rb_ui_wait_result (&result), &error);
  return error;
}

typedef struct
{
  GtkWidget *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return rb_ui_find_visible (wait->root, rb_ui_is_label_containing, (gpointer) wait->text)
         != NULL;
}

static void
wait_for_label (GtkWidget *root, const char *text)
{
  LabelWait wait = { root, text };

  if (!rb_ui_wait_for (label_shown, &wait, 30))
    g_error ("no label “%s”", text);
}

/* ---- the kiosk ---------------------------------------------------------------------------- */

static gboolean
desk_row_shown (gpointer data)
{
  g_autofree char *name = rb_space_format_name (RB_SPACE_KIND_DESK, "0.01");

  return rb_ui_find_visible (data, rb_ui_is_row_titled, name) != NULL;
}

static void
test_kiosk_one_time_pin (Fixture *f, gconstpointer data)
{
  g_autofree char *pin = issue_one_time_pin (f, JONAS_ID);
  g_autofree char *run = weak_pin_text ("1234", JONAS);
  g_autofree char *staff = weak_pin_text ("4475", JONAS);
  g_autofree char *desk = rb_space_format_name (RB_SPACE_KIND_DESK, "0.01");
  g_autofree char *booked = g_strdup_printf (tr ("%s is booked"), desk);
  RbClientService *kiosk = rb_ui_backend_add_kiosk (f->backend);
  RbKioskWindow *window;
  GError *error;

  rb_ui_backend_wait_ready (kiosk);
  f->context = rb_context_new (kiosk, f->settings);
  window = rb_kiosk_window_new (NULL, f->context);
  f->window = GTK_WIDGET (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  rb_ui_kiosk_assert_screen (window, "start");
  g_assert_true (rb_ui_wait_for (desk_row_shown, window, 30));

  rb_kiosk_window_note_activity (window);
  g_signal_emit_by_name (rb_ui_find_visible (f->window, rb_ui_is_row_titled, desk), "activate");
  rb_ui_kiosk_assert_screen (window, "space");
  rb_ui_kiosk_click (window, tr ("1 hour"));
  rb_ui_kiosk_click (window, tr ("Book"));
  rb_ui_kiosk_assert_screen (window, "identify");
  rb_ui_kiosk_type (window, JONAS);
  rb_ui_kiosk_type (window, pin);

  /* The one-time PIN is right, but the person must choose their own first. */
  wait_for_label (f->window, rb_error_code_message (RB_ERROR_PIN_CHANGE_REQUIRED));
  wait_for_label (f->window, tr ("Choose your own PIN"));
  g_assert_null (rb_kiosk_window_get_person (window));
  screenshot (f, f->window, "kiosk-choose-pin");

  /* Weak PINs are refused with the reason, before anything is sent. */
  rb_ui_kiosk_type (window, "1234");
  wait_for_label (f->window, run);
  rb_ui_kiosk_type (window, "4475");
  wait_for_label (f->window, staff);
  screenshot (f, f->window, "kiosk-weak-pin");
  g_assert_cmpstr (rb_kiosk_window_get_screen (window), ==, "identify");

  /* Typed twice, differently: asked again. */
  rb_ui_kiosk_type (window, OWN_PIN);
  wait_for_label (f->window, tr ("Repeat your new PIN"));
  rb_ui_kiosk_type (window, "4730");
  wait_for_label (f->window, tr ("The two new PINs are not the same. Please choose again."));

  rb_ui_kiosk_type (window, OWN_PIN);
  rb_ui_kiosk_type (window, OWN_PIN);
  /* The booking goes on with the new PIN. */
  rb_ui_kiosk_assert_screen (window, "space");
  g_assert_cmpstr (rb_person_get_staff_number (rb_kiosk_window_get_person (window)), ==, JONAS);
  rb_ui_kiosk_click (window, tr ("Book"));
  rb_ui_kiosk_assert_screen (window, "receipt");
  wait_for_label (f->window, booked);

  /* The one-time PIN is spent; the new one works everywhere. */
  error = try_sign_in (f, JONAS, pin);
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);
  error = try_sign_in (f, JONAS, OWN_PIN);
  g_assert_no_error (error);
}

/* ---- the desktop -------------------------------------------------------------------------- */

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
is_visible (gpointer widget)
{
  return gtk_widget_get_visible (widget);
}

static gboolean
signed_in_as (gpointer data)
{
  Fixture *f = ((gpointer *) data)[0];
  RbPerson *person = rb_context_get_person (f->context);

  return person != NULL
         && g_str_equal (rb_person_get_staff_number (person), ((gpointer *) data)[1]);
}

static void
test_desktop_one_time_pin (Fixture *f, gconstpointer data)
{
  g_autofree char *pin = issue_one_time_pin (f, JONAS_ID);
  g_autofree char *common = weak_pin_text ("2580", JONAS);
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  gpointer who[] = { f, (gpointer) JONAS };
  GtkWidget *dialog, *error_label, *new_pin_box, *new_pin, *repeat_pin;
  GError *error;

  /* The demo building lets people pick themselves without a PIN; a real building, which this
   * one stands for, asks everyone for staff number and PIN. */
  rb_client_service_set_offers_person_picker (service, FALSE);
  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));

  gtk_widget_activate_action (f->window, "win.sign-in", NULL);
  g_assert_true (rb_ui_wait_for (login_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (RB_TYPE_LOGIN_DIALOG));
  error_label = rb_ui_child_by_id (dialog, "error_label");
  new_pin_box = rb_ui_child_by_id (dialog, "new_pin_box");
  new_pin = rb_ui_child_by_id (dialog, "new_pin_entry");
  repeat_pin = rb_ui_child_by_id (dialog, "repeat_pin_entry");
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (dialog, "pin_box")));
  g_assert_false (gtk_widget_get_visible (new_pin_box));

  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "staff_entry")), JONAS);
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "pin_entry")), pin);
  rb_ui_click (rb_ui_child_by_id (dialog, "login_button"));

  /* Right, but for one use: the dialog asks for the person's own PIN. */
  g_assert_true (rb_ui_wait_for (is_visible, new_pin_box, 30));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (dialog, "pin_box")));
  g_assert_null (rb_context_get_person (f->context));
  screenshot (f, dialog, "desktop-choose-pin");

  /* A common PIN is refused with the reason. */
  gtk_editable_set_text (GTK_EDITABLE (new_pin), "2580");
  gtk_editable_set_text (GTK_EDITABLE (repeat_pin), "2580");
  rb_ui_click (rb_ui_child_by_id (dialog, "login_button"));
  g_assert_true (rb_ui_wait_for (is_visible, error_label, 10));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==, common);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (new_pin)), ==, "");
  screenshot (f, dialog, "desktop-weak-pin");

  /* Two different ones are refused too. */
  gtk_editable_set_text (GTK_EDITABLE (new_pin), OWN_PIN);
  gtk_editable_set_text (GTK_EDITABLE (repeat_pin), "4730");
  rb_ui_click (rb_ui_child_by_id (dialog, "login_button"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==,
                   tr ("The two new PINs are not the same."));

  gtk_editable_set_text (GTK_EDITABLE (new_pin), OWN_PIN);
  gtk_editable_set_text (GTK_EDITABLE (repeat_pin), OWN_PIN);
  rb_ui_click (rb_ui_child_by_id (dialog, "login_button"));
  g_assert_true (rb_ui_wait_for (signed_in_as, who, 30));
  g_assert_true (rb_ui_wait_for (login_dialog_gone, NULL, 10));

  error = try_sign_in (f, JONAS, pin);
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);
  error = try_sign_in (f, JONAS, OWN_PIN);
  g_assert_no_error (error);
}

/* ---- Change PIN… ------------------------------------------------------------------------- */

static gboolean
pin_dialog_shown (gpointer data)
{
  return rb_ui_find_toplevel (RB_TYPE_PIN_DIALOG) != NULL;
}

static void
test_change_own_pin (Fixture *f, gconstpointer data)
{
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, JONAS) });
  g_autofree char *run = weak_pin_text ("9876", JONAS);
  GtkWidget *dialog, *error_label, *done_label;
  GError *error;

  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  gtk_widget_activate_action (f->window, "win.change-pin", NULL);
  g_assert_true (rb_ui_wait_for (pin_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (RB_TYPE_PIN_DIALOG));
  error_label = rb_ui_child_by_id (dialog, "error_label");
  done_label = rb_ui_child_by_id (dialog, "done_label");

  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "current_pin_entry")),
                         rb_ui_backend_demo_pin (JONAS));
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "new_pin_entry")), "9876");
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "repeat_pin_entry")), "9876");
  rb_ui_click (rb_ui_child_by_id (dialog, "change_button"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (error_label)), ==, run);

  /* A wrong current PIN is refused by the service. */
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "current_pin_entry")),
                         "000000");
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "new_pin_entry")), OWN_PIN);
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "repeat_pin_entry")), OWN_PIN);
  rb_ui_click (rb_ui_child_by_id (dialog, "change_button"));
  wait_for_label (dialog, tr ("The current PIN is not correct."));

  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "current_pin_entry")),
                         rb_ui_backend_demo_pin (JONAS));
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "new_pin_entry")), OWN_PIN);
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (dialog, "repeat_pin_entry")), OWN_PIN);
  rb_ui_click (rb_ui_child_by_id (dialog, "change_button"));
  g_assert_true (rb_ui_wait_for (is_visible, done_label, 30));
  screenshot (f, dialog, "change-pin");

  error = try_sign_in (f, JONAS, OWN_PIN);
  g_assert_no_error (error);
  error = try_sign_in (f, JONAS, rb_ui_backend_demo_pin (JONAS));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_clear_error (&error);
}

/* ---- the People page ---------------------------------------------------------------------- */

static gboolean
message_dialog_shown (gpointer data)
{
  return rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) != NULL;
}

static gboolean
message_dialog_gone (gpointer data)
{
  return rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG) == NULL;
}

static gboolean
row_shown (gpointer data)
{
  gpointer *args = data;

  return rb_ui_find_visible (args[0], rb_ui_is_row_titled, args[1]) != NULL;
}

static gboolean
row_gone (gpointer data)
{
  return !row_shown (data);
}

static gint64
authority_int (Fixture *f, const char *sql)
{
  g_autofree char *path
      = f->mode == RB_UI_BACKEND_SERVER
            ? g_strdup (rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend)))
            : g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db", NULL);

  return rb_test_db_int (path, sql);
}

typedef struct
{
  Fixture *fixture;
  const char *sql;
} DbWait;

static gboolean
db_says_one (gpointer data)
{
  DbWait *wait = data;

  return authority_int (wait->fixture, wait->sql) == 1;
}

static gboolean
is_button_with_tooltip (GtkWidget *widget, gpointer tooltip)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static void
test_people_page (Fixture *f, gconstpointer data)
{
  /* What German Excel saves: Windows-1252, semicolons, CRLF, a quoted name with a comma. */
  static const char csv[] = "Personalnummer;Name;Team;Rolle\r\n"
                            "66601;\"M\xfcller, J\xfcrgen\";Referat Z 1;Mitarbeiter\r\n"
                            "66602;Stra\xdf" "er;Referat Z 2;Teamleitung\r\n";
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, CHRISTIAN) });
  g_autofree char *dir = g_build_filename (rb_ui_backend_get_dir (f->backend), "import", NULL);
  g_autofree char *path = g_build_filename (dir, "Mitarbeiter.csv", NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *summary = g_strdup_printf (tr ("%u to add, %u to change, %u to deactivate."),
                                              2, 0, 0);
  gpointer jonas_row[2], new_row[2];
  DbWait deactivated = { f, "SELECT count(*) FROM people WHERE id = 'p-14475' AND active = 0" };
  GtkWidget *page, *dialog, *row;

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (path, csv, sizeof csv - 1, NULL));
  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  page = rb_ui_show_page (RB_WINDOW (f->window), "people");
  jonas_row[0] = page;
  jonas_row[1] = (gpointer) "Jonas Becker";
  g_assert_true (rb_ui_wait_for (row_shown, jonas_row, 30));
  screenshot (f, f->window, "page");

  /* The import shows what it would do; nothing is written before it is confirmed. */
  rb_people_page_import_file (RB_PEOPLE_PAGE (page), file);
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 30));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, summary);
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM people WHERE staff_number = '66601'"),
                   ==, 0);
  screenshot (f, dialog, "import-report");
  /* As a click on the button does: the response, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "import");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (rb_ui_wait_for (message_dialog_gone, NULL, 10));
  new_row[0] = page;
  new_row[1] = (gpointer) "Müller, Jürgen";
  g_assert_true (rb_ui_wait_for (row_shown, new_row, 30));
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM people WHERE staff_number = '66602'"
                                     " AND display_name = 'Straßer' AND role = 'team_lead'"),
                   ==, 1);

  /* Deactivating asks first, then takes the person out of the list. */
  row = rb_ui_find_visible (page, rb_ui_is_row_titled, (gpointer) "Jonas Becker");
  rb_ui_click (rb_ui_find_visible (row, is_button_with_tooltip, (gpointer) tr ("Deactivate…")));
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "deactivate");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (rb_ui_wait_for (db_says_one, &deactivated, 30));
  g_assert_true (rb_ui_wait_for (row_gone, jonas_row, 30));
  {
    g_autoptr (GError) error = try_sign_in (f, JONAS, rb_ui_backend_demo_pin (JONAS));

    g_assert_error (error, RB_ERROR, RB_ERROR_PERSON_INACTIVE);
  }
}

/* ---- badges (issue 12) ------------------------------------------------------------------------ */

static gboolean
is_named (GtkWidget *widget, gpointer name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static gboolean
row_subtitle_has (gpointer data)
{
  gpointer *args = data;
  GtkWidget *row = rb_ui_find_visible (args[0], rb_ui_is_row_titled, args[1]);

  return row != NULL && ADW_IS_ACTION_ROW (row)
         && strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), args[2]) != NULL;
}

static gboolean
row_subtitle_lacks (gpointer data)
{
  gpointer *args = data;
  GtkWidget *row = rb_ui_find_visible (args[0], rb_ui_is_row_titled, args[1]);

  return row != NULL && !row_subtitle_has (data);
}

/* Clicks a row's button, waits for the dialog, and gives it what a badge reader types: the
 * card's ID and Enter, which registers. */
static void
register_with_reader (GtkWidget *page, const char *name, const char *uid)
{
  GtkWidget *row = rb_ui_find_visible (page, rb_ui_is_row_titled, (gpointer) name);
  GtkWidget *dialog, *entry;

  g_assert_nonnull (row);
  rb_ui_click (rb_ui_find_visible (row, is_button_with_tooltip,
                                   (gpointer) tr ("Register Badge…")));
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  entry = rb_ui_find_visible (dialog, is_named, (gpointer) "badge_uid_entry");
  g_assert_nonnull (entry);
  g_assert_false (gtk_entry_get_visibility (GTK_ENTRY (entry)));
  gtk_editable_set_text (GTK_EDITABLE (entry), uid);
  /* Enter in the entry, as GtkText's key binding emits it: the dialog's default response. */
  g_signal_emit_by_name (rb_ui_find (entry, rb_ui_is_type, (gpointer) GTK_TYPE_TEXT), "activate");
  g_assert_true (rb_ui_wait_for (message_dialog_gone, NULL, 10));
}

static void
test_people_badges (Fixture *f, gconstpointer data)
{
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, CHRISTIAN) });
  g_autofree char *taken = NULL;
  const char *has_badge = tr ("has a badge");
  gpointer jonas_badge[3], leonie_badge[3];
  DbWait registered = { f, "SELECT count(*) FROM badges WHERE person_id = 'p-14475'" };
  DbWait removed = { f, "SELECT count(*) = 0 FROM badges" };
  GtkWidget *page, *dialog, *row;

  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  page = rb_ui_show_page (RB_WINDOW (f->window), "people");
  jonas_badge[0] = leonie_badge[0] = page;
  jonas_badge[1] = (gpointer) "Jonas Becker";
  leonie_badge[1] = (gpointer) "Leonie Wagner";
  jonas_badge[2] = leonie_badge[2] = (gpointer) has_badge;
  g_assert_true (rb_ui_wait_for (row_subtitle_lacks, jonas_badge, 30));

  register_with_reader (page, "Jonas Becker", "04:A2:3B:9C:11:80");
  g_assert_true (rb_ui_wait_for (db_says_one, &registered, 30));
  g_assert_true (rb_ui_wait_for (row_subtitle_has, jonas_badge, 30));
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM badges WHERE instr (upper (uid_hash),"
                                     " '04A23B9C') > 0"),
                   ==, 0);
  screenshot (f, f->window, "badge");

  /* The same card for someone else is refused, and the page says why. */
  register_with_reader (page, "Leonie Wagner", "04a23b9c1180");
  taken = g_strdup (tr ("This badge is already registered for someone else."));
  wait_for_label (page, taken);
  g_assert_true (rb_ui_wait_for (row_subtitle_lacks, leonie_badge, 30));

  /* Removing asks first. */
  row = rb_ui_find_visible (page, rb_ui_is_row_titled, (gpointer) "Jonas Becker");
  rb_ui_click (rb_ui_find_visible (row, is_button_with_tooltip,
                                   (gpointer) tr ("Remove Badges…")));
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (rb_ui_wait_for (db_says_one, &removed, 30));
  g_assert_true (rb_ui_wait_for (row_subtitle_lacks, jonas_badge, 30));
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM audit_log WHERE action LIKE"
                                     " 'person.badge.%'"),
                   ==, 2);
}

/* ---- main --------------------------------------------------------------------------------- */

/* ---- people's rights (issue 13) ------------------------------------------------------------ */

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/* Jonas downloads his data from the account menu's action; the administrator deactivates
 * him, shows the deactivated, erases him after a confirmation that says it cannot be undone,
 * and he is gone from the list and the database. */
static void
test_people_erase (Fixture *f, gconstpointer data)
{
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  g_autofree char *path = g_build_filename (rb_ui_backend_get_dir (f->backend), "my-data.json",
                                            NULL);
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *contents = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (JsonNode) deactivated = NULL;
  gpointer jonas_row[2];
  DbWait erased = { f, "SELECT count(*) = 0 FROM people WHERE id = '" JONAS_ID "'" };
  GtkWidget *page, *dialog, *row;

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, JONAS) });
  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  rb_window_export_my_data (RB_WINDOW (f->window), file);
  g_assert_true (rb_ui_wait_for (file_exists, path, 30));
  rb_ui_settle (200);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\"staff_number\" : \"" JONAS "\""));
  g_assert_null (strstr (contents, "pin_hash"));
  rb_ui_destroy_toplevels ();
  g_clear_object (&f->context);

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, CHRISTIAN) });
  rb_client_service_set_person_active_async (service, JONAS_ID, FALSE, NULL,
                                             rb_ui_keep_result_cb, &result);
  deactivated = rb_client_service_json_finish (service, rb_ui_wait_result (&result), NULL);
  g_assert_nonnull (deactivated);
  f->context = rb_context_new (service, f->settings);
  f->window = GTK_WIDGET (rb_ui_open_window (f->context));
  page = rb_ui_show_page (RB_WINDOW (f->window), "people");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (rb_ui_child_by_id (page, "inactive_check")),
                               TRUE);
  jonas_row[0] = page;
  jonas_row[1] = (gpointer) "Jonas Becker";
  g_assert_true (rb_ui_wait_for (row_shown, jonas_row, 30));

  row = rb_ui_find_visible (page, rb_ui_is_row_titled, (gpointer) "Jonas Becker");
  rb_ui_click (rb_ui_find_visible (row, is_button_with_tooltip, (gpointer) tr ("Erase…")));
  g_assert_true (rb_ui_wait_for (message_dialog_shown, NULL, 10));
  dialog = GTK_WIDGET (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            tr ("This cannot be undone.")));
  screenshot (f, dialog, "erase");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "erase");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (rb_ui_wait_for (db_says_one, &erased, 30));
  g_assert_true (rb_ui_wait_for (row_gone, jonas_row, 30));
}

static void
add_dual (const char *name, void (*test) (Fixture *, gconstpointer))
{
  for (RbUiBackendMode mode = RB_UI_BACKEND_LOCAL; mode <= RB_UI_BACKEND_SERVER; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s", rb_ui_backend_mode_name (mode), name);

      g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, test,
                  fixture_tear_down);
    }
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

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);

  add_dual ("people/kiosk-one-time-pin", test_kiosk_one_time_pin);
  add_dual ("people/desktop-one-time-pin", test_desktop_one_time_pin);
  add_dual ("people/change-own-pin", test_change_own_pin);
  add_dual ("people/page-import-and-deactivate", test_people_page);
  add_dual ("people/page-badges", test_people_badges);
  add_dual ("people/download-and-erase", test_people_erase);
  return g_test_run ();
}
