/* bench-kiosk.c: does a kiosk that runs for weeks grow? Drives N complete booking flows
 * (space → keypad identification → duration → confirm → receipt → start) through the real
 * kiosk window and prints the resident memory every so often. Needs a display:
 *   xvfb-run -a _build/tests/bench/bench-kiosk [N]      (default 2000 flows)
 * It prints figures only; it asserts nothing about them. */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <stdlib.h>
#include <unistd.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

static long
resident_kib (void)
{
  g_autofree char *statm = NULL;
  long pages = 0, resident = 0;

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%ld %ld", &pages, &resident);
  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static gboolean
row_listed (gpointer window)
{
  return rb_ui_find_visible (window, rb_ui_is_row_titled, "Desk 0.01") != NULL;
}

/* The start screen has reloaded the bookings and shows the desk free again. */
static gboolean
desk_free (gpointer window)
{
  GtkWidget *row = rb_ui_find_visible (window, rb_ui_is_row_titled, "Desk 0.01");

  return row != NULL && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Free") == 0;
}

/* Jonas cancels his booking of the desk, as he would at his desk. */
static void
cancel_todays_booking (RbClientService *service, RbInterval today)
{
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (GAsyncResult) cancelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (RbBooking) booking = NULL;
  const char *id = NULL;

  rb_client_service_list_my_bookings_async (service, NULL, today, NULL, rb_ui_keep_result_cb,
                                            &listed);
  bookings = rb_client_service_list_finish (service, rb_ui_wait_result (&listed), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bookings->len; i++)
    if (rb_booking_state_is_active (rb_booking_get_state (g_ptr_array_index (bookings, i))))
      id = rb_booking_get_id (g_ptr_array_index (bookings, i));
  g_assert_nonnull (id);
  rb_client_service_cancel_booking_async (service, id, NULL, rb_ui_keep_result_cb, &cancelled);
  booking = rb_client_service_booking_finish (service, rb_ui_wait_result (&cancelled), &error);
  g_assert_no_error (error);
}

int
main (int argc, char *argv[])
{
  int flows = argc > 1 ? atoi (argv[1]) : 2000;
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  gint64 now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);
  g_autoptr (RbUiBackend) backend = NULL;
  g_autoptr (RbPerson) jonas = NULL;
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (RbContext) context = NULL;
  RbClientService *service;
  RbKioskWindow *window;
  long first = 0;
  gint64 started;

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("LC_ALL", "en_US.UTF-8", TRUE);
  rb_application_setup_i18n (NULL);
  gtk_init ();
  adw_init ();
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();

  /* A standalone kiosk. Jonas is signed in to the same service as well: his cancellations
   * reach the kiosk's start screen at once, as a server's would through the feed. */
  backend = rb_ui_backend_new (RB_UI_BACKEND_LOCAL, now);
  service = rb_ui_backend_get_service (backend);
  jonas = rb_ui_backend_sign_in (backend, service, "14475");
  settings = g_settings_new (APP_ID);
  context = rb_context_new (service, settings);
  window = rb_kiosk_window_new (NULL, context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (rb_ui_wait_for (row_listed, window, 20));

  g_print ("kiosk booking flows: %d (each with an Argon2id PIN check)\n", flows);
  started = g_get_monotonic_time ();
  for (int i = 1; i <= flows; i++)
    {
      GtkWidget *row = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_row_titled, "Desk 0.01");

      /* Emitted taps are no input events; tell the idle timer someone is there. */
      rb_kiosk_window_note_activity (window);
      g_signal_emit_by_name (row, "activate");
      rb_ui_kiosk_assert_screen (window, "space");
      rb_ui_kiosk_click (window, "1 hour");
      rb_ui_kiosk_click (window, "Book");
      rb_ui_kiosk_assert_screen (window, "identify");
      rb_ui_kiosk_type (window, "14475");
      rb_ui_kiosk_type (window, "8466");
      rb_ui_kiosk_assert_screen (window, "space");
      rb_ui_kiosk_click (window, "Book");
      rb_ui_kiosk_assert_screen (window, "receipt");
      rb_ui_kiosk_click (window, "Done");
      rb_ui_kiosk_assert_screen (window, "start");

      cancel_todays_booking (service, rb_local_day (berlin, now));
      g_assert_true (rb_ui_wait_for (desk_free, window, 20));

      if (i == 100)
        first = resident_kib ();
      if (i % 250 == 0 || i == 100)
        g_print ("after %5d flows: RSS %ld KiB (%+ld KiB since flow 100), %.1f flows/s\n", i,
                 resident_kib (), first ? resident_kib () - first : 0,
                 i / ((g_get_monotonic_time () - started) / 1e6));
    }

  gtk_window_destroy (GTK_WINDOW (window));
  rb_ui_settle (100);
  g_clear_object (&context);
  return 0;
}
