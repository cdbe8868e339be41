/* test-kiosk.c: the kiosk under Xvfb, driven through its real widgets: book a desk by
 * touch, identify with a wrong PIN until the lockout, idle reset in the middle of a flow,
 * the language toggle. Writes screenshots of every screen at kiosk sizes to
 * RB_SCREENSHOT_DIR. */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-ui-test-util.h"

/* Monday 30 November 2026, 09:00 in Berlin. */
static gint64 frozen_now;
static char *template_db;

typedef struct
{
  char *dir;
  char *path;
  RbStore *store;
  RbContext *context;
  GSettings *settings;
  RbKioskWindow *window;
} KioskFixture;

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

static void
open_window (KioskFixture *f, int width, int height)
{
  f->window = rb_kiosk_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  rb_ui_kiosk_assert_screen (f->window, "start");
}

static void
fixture_set_up (KioskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-kiosk-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kiosk.db", NULL);
  rb_ui_copy_file (template_db, f->path);
  f->store = rb_store_open_sync (f->path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (f->store, frozen_clock, NULL);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_uint (f->settings, "idle-timeout", 60);
  f->context = rb_context_new (f->store, f->settings);
}

static void
fixture_tear_down (KioskFixture *f, gconstpointer data)
{
  if (f->window != NULL)
    {
      g_object_add_weak_pointer (G_OBJECT (f->window), (gpointer *) &f->window);
      gtk_window_destroy (GTK_WINDOW (f->window));
    }
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_object (&f->store);
  rb_ui_settle (50);
  rb_ui_remove_db (f->path);
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static GtkWidget *
space_row (KioskFixture *f, const char *title)
{
  return rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled, (gpointer) title);
}

static gboolean
desk_listed (gpointer data)
{
  KioskFixture *f = data;
  return space_row (f, is_german () ? "Arbeitsplatz 0.01" : "Desk 0.01") != NULL;
}

static void
test_book_desk_by_touch (KioskFixture *f, gconstpointer data)
{
  const int sizes[][2] = { { 1920, 1080 }, { 1280, 800 }, { 1080, 1920 } };

  for (guint s = 0; s < G_N_ELEMENTS (sizes); s++)
    {
      RbBookingQuery mine = { .person_id = "p-14475", .active_only = TRUE };
      g_autoptr (GPtrArray) bookings = NULL;
      g_autoptr (GError) error = NULL;
      GtkListBoxRow *row;

      open_window (f, sizes[s][0], sizes[s][1]);
      g_assert_true (rb_ui_wait_for (desk_listed, f, 20));
      rb_ui_settle (300);
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-1-start");

      row = GTK_LIST_BOX_ROW (space_row (f, is_german () ? "Arbeitsplatz 0.01" : "Desk 0.01"));
      g_signal_emit_by_name (row, "activate");
      rb_ui_kiosk_assert_screen (f->window, "space");
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-2-space");
      rb_ui_kiosk_click (f->window, is_german () ? "Diesen Platz buchen" : "Book This Space");
      rb_ui_kiosk_assert_screen (f->window, "identify");
      rb_ui_kiosk_type (f->window, "14475");
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-3-keypad");
      rb_ui_kiosk_type (f->window, "8466");
      rb_ui_kiosk_assert_screen (f->window, "duration");
      g_assert_true (RB_IS_PERSON (rb_kiosk_window_get_person (f->window)));
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-4-duration");
      rb_ui_kiosk_click (f->window, is_german () ? "1 Stunde" : "1 hour");
      rb_ui_kiosk_assert_screen (f->window, "confirm");
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-5-confirm");
      rb_ui_kiosk_click (f->window, is_german () ? "Buchen" : "Book");
      rb_ui_kiosk_assert_screen (f->window, "receipt");
      rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-6-receipt");

      /* The receipt forgets the person at once; the booking is in the store. */
      g_assert_null (rb_kiosk_window_get_person (f->window));
      bookings = rb_ui_store_list_bookings (f->store, &mine, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (bookings->len, ==, 1);
      g_assert_cmpstr (rb_booking_get_space_id (g_ptr_array_index (bookings, 0)), ==, "a0-d001");
      g_assert_cmpint (rb_booking_get_end (g_ptr_array_index (bookings, 0))
                           - rb_booking_get_start (g_ptr_array_index (bookings, 0)),
                       ==, 3600);

      rb_ui_kiosk_click (f->window, is_german () ? "Fertig" : "Done");
      rb_ui_kiosk_assert_screen (f->window, "start");
      /* Free the desk again for the next size. */
      g_clear_pointer (&bookings, g_ptr_array_unref);
      {
        g_autoptr (GPtrArray) again = rb_ui_store_list_bookings (f->store, &mine, &error);
        g_autoptr (RbBooking) cancelled = rb_ui_store_cancel_booking (
            f->store, rb_booking_get_id (g_ptr_array_index (again, 0)), "p-14475", &error);
        g_assert_no_error (error);
      }
      gtk_window_destroy (GTK_WINDOW (f->window));
      f->window = NULL;
      rb_ui_settle (50);
    }
}

static void
test_wrong_pin_then_lockout (KioskFixture *f, gconstpointer data)
{
  const char *wrong = is_german () ? "Personalnummer oder PIN" : "The staff number or the PIN is not right";
  const char *locked = is_german () ? "gesperrt" : "locked";

  open_window (f, 1280, 800);
  rb_ui_kiosk_click (f->window, is_german () ? "Einchecken" : "Check In");
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  for (int attempt = 1; attempt <= 5; attempt++)
    {
      rb_ui_kiosk_type (f->window, "0000");
      {
        gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
        const char *expected = attempt < 5 ? wrong : locked;
        while (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing, (gpointer) expected) == NULL)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            g_main_context_iteration (NULL, FALSE);
            g_usleep (1000);
          }
      }
      g_assert_cmpstr (rb_kiosk_window_get_screen (f->window), ==, "identify");
      g_assert_null (rb_kiosk_window_get_person (f->window));
    }
  rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-7-locked");

  /* Locked means locked: even the right PIN is refused now. */
  rb_ui_kiosk_type (f->window, "8466");
  rb_ui_settle (500);
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing, (gpointer) locked));
  g_assert_null (rb_kiosk_window_get_person (f->window));
}

static void
test_idle_resets_and_forgets (KioskFixture *f, gconstpointer data)
{
  g_settings_set_uint (f->settings, "idle-timeout", 10);
  open_window (f, 1280, 800);
  rb_ui_kiosk_click (f->window, is_german () ? "Einchecken" : "Check In");
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, "8466");
  rb_ui_kiosk_assert_screen (f->window, "check-in");
  g_assert_nonnull (rb_kiosk_window_get_person (f->window));

  /* The countdown shows before the reset, and the reset forgets the person. */
  {
    GtkWidget *revealer;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    do
      {
        rb_ui_settle (100);
        revealer = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_REVEALER));
      }
    while ((revealer == NULL || !gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)))
           && g_get_monotonic_time () < deadline);
    g_assert_nonnull (revealer);
    g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
    rb_ui_save_screenshot (GTK_WIDGET (f->window), "kiosk-8-idle-countdown");
  }
  rb_ui_kiosk_assert_screen (f->window, "start");
  g_assert_null (rb_kiosk_window_get_person (f->window));
}

static void
test_language_toggle (KioskFixture *f, gconstpointer data)
{
  g_autoptr (RbApplication) app = rb_application_new ();
  g_autoptr (GError) error = NULL;
  GtkWindow *window;
  GList *windows;
  GtkWidget *toggle;
  const char *before = is_german () ? "Einchecken" : "Check In";
  const char *after = is_german () ? "Check In" : "Einchecken";

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = rb_application_present_window (app, f->context, TRUE);
  gtk_window_unfullscreen (window);
  rb_ui_settle (300);
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_button_labelled, (gpointer) before));

  toggle = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_button_labelled,
                        is_german () ? "English" : "Deutsch");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  rb_ui_settle (300);

  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (RB_IS_KIOSK_WINDOW (windows->data));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled, (gpointer) after));

  /* And back, so the next test starts in the language it expects. */
  toggle = rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled,
                        is_german () ? "Deutsch" : "English");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  rb_ui_settle (300);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled, (gpointer) before));
  gtk_window_destroy (windows->data);
  rb_ui_settle (100);
}

int
main (int argc, char *argv[])
{
  int result;

  rb_application_setup_i18n (NULL);

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init pins en_US; these tests run in the language of their environment. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  /* No crossfades in screenshots, and the app's own CSS as AdwApplication would load it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();

  {
    g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
    frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);
  }
  template_db = rb_ui_make_demo_db_with_pins ();

  g_test_add ("/kiosk/book-desk-by-touch", KioskFixture, NULL, fixture_set_up,
              test_book_desk_by_touch, fixture_tear_down);
  g_test_add ("/kiosk/wrong-pin-then-lockout", KioskFixture, NULL, fixture_set_up,
              test_wrong_pin_then_lockout, fixture_tear_down);
  g_test_add ("/kiosk/idle-resets-and-forgets", KioskFixture, NULL, fixture_set_up,
              test_idle_resets_and_forgets, fixture_tear_down);
  g_test_add ("/kiosk/language-toggle", KioskFixture, NULL, fixture_set_up,
              test_language_toggle, fixture_tear_down);
  result = g_test_run ();

  {
    g_autofree char *dir = g_path_get_dirname (template_db);
    rb_ui_remove_db (template_db);
    g_rmdir (dir);
  }
  return result;
}
