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
#include "rb-auth.h"
#include "rb-context.h"
#include "rb-floor-plan.h"
#include "rb-keypad.h"
#include "rb-kiosk-window.h"

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

static gboolean
wait_for (gboolean (*cond) (gpointer), gpointer data, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

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
  if (match (root, data) && gtk_widget_get_mapped (root))
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
is_button_labelled (GtkWidget *widget, gpointer label)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
         && g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (widget)), label);
}

static gboolean
is_type (GtkWidget *widget, gpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_label_with_text (GtkWidget *widget, gpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

static gboolean
is_row_titled (GtkWidget *widget, gpointer title)
{
  return ADW_IS_ACTION_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static void
click (KioskFixture *f, const char *label)
{
  GtkWidget *button = find_widget (GTK_WIDGET (f->window), is_button_labelled, (gpointer) label);

  if (button == NULL)
    g_error ("no visible button “%s” on screen %s", label, rb_kiosk_window_get_screen (f->window));
  g_assert_true (gtk_widget_get_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  KioskFixture *f;
  const char *screen;
} ScreenWait;

static gboolean
on_screen (gpointer data)
{
  ScreenWait *wait = data;
  return g_strcmp0 (rb_kiosk_window_get_screen (wait->f->window), wait->screen) == 0;
}

static void
assert_screen (KioskFixture *f, const char *screen)
{
  ScreenWait wait = { f, screen };

  if (!wait_for (on_screen, &wait, 20))
    g_error ("expected screen %s, still on %s", screen, rb_kiosk_window_get_screen (f->window));
  settle (20);
}

/* Types on the on-screen keypad, then OK. */
static void
type_on_keypad (KioskFixture *f, const char *digits)
{
  GtkWidget *keypad = find_widget (GTK_WIDGET (f->window), is_type,
                                   GSIZE_TO_POINTER (RB_TYPE_KEYPAD));

  g_assert_nonnull (keypad);
  for (const char *c = digits; *c; c++)
    {
      char label[2] = { *c, '\0' };
      GtkWidget *key = find_widget (keypad, is_button_labelled, label);
      g_assert_nonnull (key);
      g_signal_emit_by_name (key, "clicked");
    }
  g_signal_emit_by_name (find_widget (keypad, is_button_labelled, "OK"), "clicked");
}

static void
save_screenshot (KioskFixture *f, const char *name)
{
  const char *dir = g_getenv ("RB_SCREENSHOT_DIR");
  GtkWidget *widget = GTK_WIDGET (f->window);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;

  if (dir == NULL || width <= 0)
    return;
  settle (150);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/kiosk-%s-%dx%d-%s.png", dir, name, width, height,
                          is_german () ? "de" : "en");
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static void
copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (to, data, length, NULL));
}

static void
open_window (KioskFixture *f, int width, int height)
{
  f->window = rb_kiosk_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  assert_screen (f, "start");
}

static void
fixture_set_up (KioskFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-kiosk-XXXXXX", &error);
  g_assert_no_error (error);
  f->path = g_build_filename (f->dir, "kiosk.db", NULL);
  copy_file (template_db, f->path);
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
  settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_object (&f->store);
  settle (50);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (f->path, suffixes[i], NULL);
        g_remove (file);
      }
  }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static GtkWidget *
space_row (KioskFixture *f, const char *title)
{
  return find_widget (GTK_WIDGET (f->window), is_row_titled, (gpointer) title);
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
      g_assert_true (wait_for (desk_listed, f, 20));
      settle (300);
      save_screenshot (f, "1-start");

      row = GTK_LIST_BOX_ROW (space_row (f, is_german () ? "Arbeitsplatz 0.01" : "Desk 0.01"));
      g_signal_emit_by_name (row, "activate");
      assert_screen (f, "space");
      save_screenshot (f, "2-space");
      click (f, is_german () ? "Diesen Platz buchen" : "Book This Space");
      assert_screen (f, "identify");
      type_on_keypad (f, "14475");
      save_screenshot (f, "3-keypad");
      type_on_keypad (f, "8466");
      assert_screen (f, "duration");
      g_assert_true (RB_IS_PERSON (rb_kiosk_window_get_person (f->window)));
      save_screenshot (f, "4-duration");
      click (f, is_german () ? "1 Stunde" : "1 hour");
      assert_screen (f, "confirm");
      save_screenshot (f, "5-confirm");
      click (f, is_german () ? "Buchen" : "Book");
      assert_screen (f, "receipt");
      save_screenshot (f, "6-receipt");

      /* The receipt forgets the person at once; the booking is in the store. */
      g_assert_null (rb_kiosk_window_get_person (f->window));
      bookings = rb_store_list_bookings_sync (f->store, &mine, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (bookings->len, ==, 1);
      g_assert_cmpstr (rb_booking_get_space_id (g_ptr_array_index (bookings, 0)), ==, "a0-d001");
      g_assert_cmpint (rb_booking_get_end (g_ptr_array_index (bookings, 0))
                           - rb_booking_get_start (g_ptr_array_index (bookings, 0)),
                       ==, 3600);

      click (f, is_german () ? "Fertig" : "Done");
      assert_screen (f, "start");
      /* Free the desk again for the next size. */
      g_clear_pointer (&bookings, g_ptr_array_unref);
      {
        g_autoptr (GPtrArray) again = rb_store_list_bookings_sync (f->store, &mine, &error);
        g_autoptr (RbBooking) cancelled = rb_store_cancel_booking_sync (
            f->store, rb_booking_get_id (g_ptr_array_index (again, 0)), "p-14475", &error);
        g_assert_no_error (error);
      }
      gtk_window_destroy (GTK_WINDOW (f->window));
      f->window = NULL;
      settle (50);
    }
}

static void
test_wrong_pin_then_lockout (KioskFixture *f, gconstpointer data)
{
  const char *wrong = is_german () ? "Personalnummer oder PIN" : "The staff number or the PIN is not right";
  const char *locked = is_german () ? "gesperrt" : "locked";

  open_window (f, 1280, 800);
  click (f, is_german () ? "Einchecken" : "Check In");
  assert_screen (f, "identify");
  type_on_keypad (f, "14475");
  for (int attempt = 1; attempt <= 5; attempt++)
    {
      type_on_keypad (f, "0000");
      {
        gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;
        const char *expected = attempt < 5 ? wrong : locked;
        while (find_widget (GTK_WIDGET (f->window), is_label_with_text, (gpointer) expected) == NULL)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            g_main_context_iteration (NULL, FALSE);
            g_usleep (1000);
          }
      }
      g_assert_cmpstr (rb_kiosk_window_get_screen (f->window), ==, "identify");
      g_assert_null (rb_kiosk_window_get_person (f->window));
    }
  save_screenshot (f, "7-locked");

  /* Locked means locked: even the right PIN is refused now. */
  type_on_keypad (f, "8466");
  settle (500);
  g_assert_nonnull (find_widget (GTK_WIDGET (f->window), is_label_with_text, (gpointer) locked));
  g_assert_null (rb_kiosk_window_get_person (f->window));
}

static void
test_idle_resets_and_forgets (KioskFixture *f, gconstpointer data)
{
  g_settings_set_uint (f->settings, "idle-timeout", 10);
  open_window (f, 1280, 800);
  click (f, is_german () ? "Einchecken" : "Check In");
  assert_screen (f, "identify");
  type_on_keypad (f, "14475");
  type_on_keypad (f, "8466");
  assert_screen (f, "check-in");
  g_assert_nonnull (rb_kiosk_window_get_person (f->window));

  /* The countdown shows before the reset, and the reset forgets the person. */
  {
    GtkWidget *revealer;
    gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
    do
      {
        settle (100);
        revealer = find_widget (GTK_WIDGET (f->window), is_type, GSIZE_TO_POINTER (GTK_TYPE_REVEALER));
      }
    while ((revealer == NULL || !gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)))
           && g_get_monotonic_time () < deadline);
    g_assert_nonnull (revealer);
    g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (revealer)));
    save_screenshot (f, "8-idle-countdown");
  }
  assert_screen (f, "start");
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
  settle (300);
  g_assert_nonnull (find_widget (GTK_WIDGET (window), is_button_labelled, (gpointer) before));

  toggle = find_widget (GTK_WIDGET (window), is_button_labelled,
                        is_german () ? "English" : "Deutsch");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  settle (300);

  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (RB_IS_KIOSK_WINDOW (windows->data));
  g_assert_nonnull (find_widget (GTK_WIDGET (windows->data), is_button_labelled, (gpointer) after));

  /* And back, so the next test starts in the language it expects. */
  toggle = find_widget (GTK_WIDGET (windows->data), is_button_labelled,
                        is_german () ? "Deutsch" : "English");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  settle (300);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (find_widget (GTK_WIDGET (windows->data), is_button_labelled, (gpointer) before));
  gtk_window_destroy (windows->data);
  settle (100);
}

static void
make_template (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-kiosk-template-XXXXXX", &error);
  g_autoptr (RbStore) store = NULL;
  g_autoptr (JsonNode) building = NULL;

  g_assert_no_error (error);
  template_db = g_build_filename (dir, "template.db", NULL);
  store = rb_store_open_sync (template_db, &error);
  g_assert_no_error (error);
  g_assert_true (rb_store_seed_demo_sync (store, &error));
  building = rb_store_load_demo_building (&error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_auth_set_missing_pins_sync (store, building, &error), >, 0);
  g_assert_no_error (error);
  /* Fold the WAL into the main file so a plain copy has everything. */
  g_assert_cmpint (sqlite3_exec (rb_store_get_connection (store),
                                 "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
}

int
main (int argc, char *argv[])
{
  int result;

  /* The kiosk switches language with uselocale(), which LANGUAGE would override. */
  g_unsetenv ("LANGUAGE");
  rb_application_setup_i18n (NULL, TRUE);

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init pins en_US; these tests run in the language of their environment. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  /* No crossfades in screenshots, and the app's own CSS as AdwApplication would load it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  {
    g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();
    gtk_css_provider_load_from_resource (css, "/de/raumbuch/Raumbuch/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                                GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }

  {
    g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
    frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);
  }
  make_template ();

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
    g_autofree char *wal = g_strconcat (template_db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (template_db, "-shm", NULL);
    g_remove (template_db);
    g_remove (wal);
    g_remove (shm);
    g_rmdir (dir);
  }
  return result;
}
