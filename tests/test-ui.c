/* test-ui.c: the real desktop window under Xvfb, driven through its real widgets: book a
 * desk, see it in My Bookings, provoke a conflict and read the translated error, change the
 * preferences. Run once
 * in English and once in German (see tests/meson.build). With RB_SCREENSHOT_DIR set it
 * writes PNGs of what it saw, for people to look at. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "rb-application.h"
#include "rb-bookings-page.h"
#include "rb-context.h"
#include "rb-find-page.h"
#include "rb-preferences-window.h"
#include "rb-space-row.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 07:00 in Berlin: the frozen "now" of every test here. */
static gint64 frozen_now;

typedef struct
{
  char *dir;
  RbStore *store;
  RbContext *context;
  RbWindow *window;
} UiFixture;

static gint64
frozen_clock (gpointer data)
{
  return frozen_now;
}

static gboolean
is_german (void)
{
  return g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de");
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

static gboolean
is_cancel_button (GtkWidget *widget, gpointer data)
{
  return GTK_IS_BUTTON (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "bookings.cancel") == 0;
}

static gboolean
is_revealed_error (GtkWidget *widget, gpointer data)
{
  return GTK_IS_REVEALER (widget) && gtk_revealer_get_reveal_child (GTK_REVEALER (widget))
         && gtk_widget_has_css_class (gtk_revealer_get_child (GTK_REVEALER (widget)), "rb-error-bar");
}

static GtkWidget *
row_for_desk (UiFixture *fixture, const char *name)
{
  return rb_ui_find (GTK_WIDGET (fixture->window), is_desk_row_named, (gpointer) name);
}

typedef struct
{
  UiFixture *fixture;
  const char *name;
} RowQuery;

static gboolean
desk_row_ready (gpointer data)
{
  RowQuery *query = data;
  GtkWidget *row = row_for_desk (query->fixture, query->name);
  GtkWidget *button = row ? rb_ui_find (row, is_book_button, NULL) : NULL;

  return button != NULL && gtk_widget_get_sensitive (button);
}

static GtkListBox *
bookings_list (UiFixture *fixture)
{
  GtkWidget *page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                                 GSIZE_TO_POINTER (RB_TYPE_BOOKINGS_PAGE));
  GtkWidget *list = page ? rb_ui_find (page, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX)) : NULL;

  return list ? GTK_LIST_BOX (list) : NULL;
}

static gboolean
bookings_listed (gpointer data)
{
  GtkListBox *list = bookings_list (data);

  return list != NULL && gtk_list_box_get_row_at_index (list, 0) != NULL;
}

static gboolean
error_shown (gpointer data)
{
  UiFixture *fixture = data;
  return rb_ui_find (GTK_WIDGET (fixture->window), is_revealed_error, NULL) != NULL;
}

static gboolean
person_chosen (gpointer data)
{
  UiFixture *fixture = data;
  return rb_context_get_person (fixture->context) != NULL;
}

static void
fixture_set_up (UiFixture *fixture, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("raumbuch-ui-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "raumbuch.db", NULL);
  fixture->store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (fixture->store, frozen_clock, NULL);
  g_assert_true (rb_store_seed_demo_sync (fixture->store, &error));
  g_assert_no_error (error);

  /* Book as the first staff member of the demo building. */
  g_settings_set_string (settings, "acting-person", "14475");
  fixture->context = rb_context_new (fixture->store, settings);
  fixture->window = rb_window_new (NULL, fixture->context);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (rb_ui_wait_for (person_chosen, fixture, 20));
}

static void
remove_tree (const char *dir)
{
  g_autoptr (GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

static void
fixture_tear_down (UiFixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  rb_ui_settle (50);
  g_clear_object (&fixture->context);
  g_assert_finalize_object (fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static RbPerson *
acting_person (UiFixture *fixture)
{
  return rb_context_get_person (fixture->context);
}

static void
test_book_desk_appears_in_my_bookings (UiFixture *fixture, gconstpointer data)
{
  RowQuery query = { fixture, "0.01" };
  RbBookingQuery mine = { 0 };
  g_autoptr (GPtrArray) stored = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *expected_title = NULL;
  GtkWidget *button;
  GtkListBoxRow *row;

  g_assert_true (rb_ui_wait_for (desk_row_ready, &query, 20));
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "find-page");

  button = rb_ui_find (row_for_desk (fixture, "0.01"), is_book_button, NULL);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (rb_ui_wait_for (bookings_listed, fixture, 20));

  /* The booking is in the database, for the acting person, at the chosen time. */
  mine.person_id = rb_person_get_id (acting_person (fixture));
  stored = rb_ui_store_list_bookings (fixture->store, &mine, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (stored->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_space_id (g_ptr_array_index (stored, 0)), ==, "a0-d001");

  /* And My Bookings shows it by its translated name, with a way to cancel it. */
  adw_view_stack_set_visible_child_name (
      ADW_VIEW_STACK (rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                                   GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK))),
      "bookings");
  row = gtk_list_box_get_row_at_index (bookings_list (fixture), 0);
  expected_title = g_strdup_printf (is_german () ? "Arbeitsplatz %s" : "Desk %s", "0.01");
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, expected_title);
  g_assert_nonnull (rb_ui_find (GTK_WIDGET (row), is_cancel_button, NULL));
  rb_ui_settle (300);
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "my-bookings");
}

static void
test_conflict_shows_translated_error (UiFixture *fixture, gconstpointer data)
{
  RowQuery query = { fixture, "0.02" };
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) theirs = NULL;
  g_autoptr (RbBooking) request = NULL;
  g_autofree char *id = rb_booking_new_id ();
  const char *expected = is_german () ? "Der Platz ist für einen Teil dieser Zeit bereits gebucht."
                                      : "The space is already booked for part of this time.";
  GtkWidget *find_page, *bar, *button;
  RbInterval chosen;

  g_assert_true (rb_ui_wait_for (desk_row_ready, &query, 20));
  find_page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                           GSIZE_TO_POINTER (RB_TYPE_FIND_PAGE));
  chosen = rb_find_page_get_chosen (RB_FIND_PAGE (find_page));

  /* Someone else books the desk after the list was loaded: the list is stale now. */
  request = rb_booking_new (id, "a0-d002", "p-17157", chosen);
  theirs = rb_ui_store_create_booking (fixture->store, request, &error);
  g_assert_no_error (error);

  button = rb_ui_find (row_for_desk (fixture, "0.02"), is_book_button, NULL);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (rb_ui_wait_for (error_shown, fixture, 20));

  bar = rb_ui_find (GTK_WIDGET (fixture->window), is_revealed_error, NULL);
  g_assert_nonnull (bar);
  {
    GtkWidget *label = rb_ui_find (bar, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_LABEL));
    const char *text = gtk_label_get_label (GTK_LABEL (label));
    g_test_message ("error shown: %s", text);
    g_assert_true (g_str_has_prefix (text, expected));
  }
  rb_ui_settle (400);
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "conflict");
}

static void
test_german_strings (UiFixture *fixture, gconstpointer data)
{
  const char *title = is_german () ? "Platz finden" : "Find a Space";
  RowQuery query = { fixture, "0.01" };

  g_assert_true (rb_ui_wait_for (desk_row_ready, &query, 20));
  /* The view switcher's label is the page title in the UI's language. */
  g_assert_nonnull (rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_label_containing, (gpointer) title));
}

/* ---- preferences ---------------------------------------------------------------------------- */

static GtkWidget *
preferences_row (GtkWidget *window, const char *english, const char *german)
{
  GtkWidget *row
      = rb_ui_find (window, rb_ui_is_row_titled, (gpointer)(is_german () ? german : english));

  g_assert_nonnull (row);
  return row;
}

/* Types text into an entry row and presses its apply button. */
static void
apply_row (GtkWidget *row, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

static gboolean
string_is_set (gpointer slot)
{
  return *(char **)slot != NULL;
}

static void
on_language_action_cb (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_free (*(char **)user_data);
  *(char **)user_data = g_variant_dup_string (parameter, NULL);
}

static void
test_preferences (UiFixture *fixture, gconstpointer data)
{
  GSettings *settings = rb_context_get_settings (fixture->context);
  g_autoptr (GSimpleActionGroup) app_actions = g_simple_action_group_new ();
  g_autoptr (GSimpleAction) language_action
      = g_simple_action_new ("language", G_VARIANT_TYPE_STRING);
  g_autofree char *language_chosen = NULL;
  g_autofree char *value = NULL;
  RbPreferencesWindow *preferences;
  GtkWidget *window, *url_row, *token_row, *key_row, *language_row;

  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "device-token");
  g_settings_reset (settings, "server-public-key");
  g_settings_set_string (settings, "language", "");

  preferences = rb_preferences_window_new (fixture->context, GTK_WINDOW (fixture->window));
  window = GTK_WIDGET (preferences);
  /* Stands in for the application's language action, which rebuilds every window. */
  g_signal_connect (language_action, "activate", G_CALLBACK (on_language_action_cb),
                    &language_chosen);
  g_action_map_add_action (G_ACTION_MAP (app_actions), G_ACTION (language_action));
  gtk_widget_insert_action_group (window, "app", G_ACTION_GROUP (app_actions));
  gtk_window_set_default_size (GTK_WINDOW (preferences), 640, 820);
  gtk_window_present (GTK_WINDOW (preferences));
  rb_ui_settle (200);

  url_row = preferences_row (window, "Server URL", "Server-Adresse");
  token_row = preferences_row (window, "Kiosk Device Token", "Geräte-Token des Kiosks");
  key_row = preferences_row (window, "Server Public Key", "Öffentlicher Schlüssel des Servers");
  language_row = preferences_row (window, "Language of Raumbuch", "Sprache von Raumbuch");

  /* A URL that cannot work is refused with its reason, and the setting keeps its value. */
  apply_row (url_row, "ftp://raumbuch.example.org");
  g_assert_true (gtk_widget_has_css_class (url_row, "error"));
  g_assert_nonnull (
      rb_ui_find_visible (window, rb_ui_is_label_containing,
                          (gpointer)(is_german () ? "Keine Server-Adresse" : "Not a server URL")));
  value = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);
  rb_ui_settle (300);
  rb_ui_save_screenshot (window, "preferences-refused");

  apply_row (url_row, "  https://raumbuch.example.org  ");
  g_assert_false (gtk_widget_has_css_class (url_row, "error"));
  g_assert_nonnull (rb_ui_find_visible (window, rb_ui_is_label_containing,
                                        (gpointer)(is_german () ? "Gespeichert" : "Saved")));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url_row)), ==,
                   "https://raumbuch.example.org");
  value = g_settings_get_string (settings, "server-url");
  g_assert_cmpstr (value, ==, "https://raumbuch.example.org");
  g_clear_pointer (&value, g_free);

  /* A kiosk's registration: the token and the key as raumbuch-server --add-device prints. */
  apply_row (token_row, "not-a-token");
  g_assert_true (gtk_widget_has_css_class (token_row, "error"));
  apply_row (token_row, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_assert_false (gtk_widget_has_css_class (token_row, "error"));
  value = g_settings_get_string (settings, "device-token");
  g_assert_cmpstr (value, ==, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
  g_clear_pointer (&value, g_free);
  apply_row (key_row, "c2hvcnQ=");
  g_assert_true (gtk_widget_has_css_class (key_row, "error"));
  value = g_settings_get_string (settings, "server-public-key");
  g_assert_cmpstr (value, ==, "");
  g_clear_pointer (&value, g_free);
  apply_row (key_row, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  value = g_settings_get_string (settings, "server-public-key");
  g_assert_cmpstr (value, ==, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
  g_clear_pointer (&value, g_free);

  /* The kiosk settings are bound: a change is saved as it is made. */
  gtk_switch_set_active (
      GTK_SWITCH (rb_ui_find (window, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_SWITCH))), TRUE);
  g_assert_true (g_settings_get_boolean (settings, "kiosk-mode"));
  gtk_spin_button_set_value (
      GTK_SPIN_BUTTON (rb_ui_find (window, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_SPIN_BUTTON))),
      120);
  g_assert_cmpuint (g_settings_get_uint (settings, "idle-timeout"), ==, 120);

  /* The language goes to the application, which switches at once. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (language_row), 2);
  g_assert_true (rb_ui_wait_for (string_is_set, &language_chosen, 20));
  g_assert_cmpstr (language_chosen, ==, "en");

  rb_ui_settle (300);
  rb_ui_save_screenshot (window, "preferences");
  gtk_window_destroy (GTK_WINDOW (preferences));
  g_settings_reset (settings, "kiosk-mode");
  g_settings_reset (settings, "idle-timeout");
  g_settings_reset (settings, "server-url");
  g_settings_reset (settings, "device-token");
  g_settings_reset (settings, "server-public-key");
}

typedef struct
{
  GtkApplication *app;
  GtkWindow *replaced;
  const char *title;
  GtkWindow *main;
  GtkWidget *preferences;
} Rebuilt;

/* TRUE once the application shows a main window other than `replaced` and Preferences
 * titled `title`, and nothing else. */
static gboolean
windows_rebuilt (gpointer data)
{
  Rebuilt *r = data;
  GList *windows = gtk_application_get_windows (r->app);

  r->main = NULL;
  r->preferences = NULL;
  for (GList *l = windows; l != NULL; l = l->next)
    {
      if (RB_IS_PREFERENCES_WINDOW (l->data))
        r->preferences = l->data;
      else if (RB_IS_WINDOW (l->data) && l->data != (gpointer)r->replaced)
        r->main = l->data;
      else
        return FALSE;
    }
  return g_list_length (windows) == 2 && r->main != NULL && r->preferences != NULL
         && g_strcmp0 (gtk_window_get_title (GTK_WINDOW (r->preferences)), r->title) == 0;
}

static void
choose_language (GtkWidget *preferences, guint row)
{
  adw_combo_row_set_selected (ADW_COMBO_ROW (rb_ui_find (preferences, rb_ui_is_type,
                                                         GSIZE_TO_POINTER (ADW_TYPE_COMBO_ROW))),
                              row);
}

/* Choosing the language in Preferences switches the running application: its windows are
 * built anew in the chosen language, Preferences among them. */
static void
test_preferences_switch_language (UiFixture *fixture, gconstpointer data)
{
  g_autoptr (RbApplication) app = rb_application_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *language = NULL;
  Rebuilt rebuilt = { GTK_APPLICATION (app), NULL, is_german () ? "Einstellungen" : "Preferences" };
  GList *windows;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  rb_application_present_window (app, fixture->context, FALSE);
  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  g_assert_true (rb_ui_wait_for (windows_rebuilt, &rebuilt, 20));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (rebuilt.preferences)) == rebuilt.main);

  /* Deutsch (row 1) in the English run, English (row 2) in the German one. */
  choose_language (rebuilt.preferences, is_german () ? 2 : 1);
  rebuilt.replaced = rebuilt.main;
  rebuilt.title = is_german () ? "Preferences" : "Einstellungen";
  g_assert_true (rb_ui_wait_for (windows_rebuilt, &rebuilt, 20));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (rebuilt.preferences)) == rebuilt.main);

  /* And back to the session's language, this test's environment, in which the next test
   * expects to start. */
  choose_language (rebuilt.preferences, 0);
  rebuilt.replaced = rebuilt.main;
  rebuilt.title = is_german () ? "Einstellungen" : "Preferences";
  g_assert_true (rb_ui_wait_for (windows_rebuilt, &rebuilt, 20));
  language = g_settings_get_string (rb_context_get_settings (fixture->context), "language");
  g_assert_cmpstr (language, ==, "");

  while ((windows = gtk_application_get_windows (GTK_APPLICATION (app))) != NULL)
    gtk_window_destroy (windows->data);
  rb_ui_settle (100);
}

int
main (int argc, char *argv[])
{
  /* Catalogues come from the build tree; the language from the environment of the test, as
   * the application takes it. */
  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init pins en_US. */
  setlocale (LC_ALL, "");
  adw_init ();
  /* rb_application_new registers the app's resources (templates, CSS); no D-Bus needed. */
  g_object_unref (rb_application_new ());

  {
    g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
    frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 7, 0);
  }

  g_test_add ("/ui/book-desk-appears-in-my-bookings", UiFixture, NULL, fixture_set_up,
              test_book_desk_appears_in_my_bookings, fixture_tear_down);
  g_test_add ("/ui/conflict-shows-translated-error", UiFixture, NULL, fixture_set_up,
              test_conflict_shows_translated_error, fixture_tear_down);
  g_test_add ("/ui/strings-in-the-ui-language", UiFixture, NULL, fixture_set_up,
              test_german_strings, fixture_tear_down);
  g_test_add ("/ui/preferences", UiFixture, NULL, fixture_set_up, test_preferences,
              fixture_tear_down);
  g_test_add ("/ui/preferences-switch-language", UiFixture, NULL, fixture_set_up,
              test_preferences_switch_language, fixture_tear_down);
  return g_test_run ();
}
