/* bench-kiosk-flows.c: the kiosk's memory over thousands of booking flows, next to a bare
 * AdwApplicationWindow, with the renderer the kiosk's display gives it (issue 12).
 *
 *   xvfb-run -a -s "-screen 0 1920x1080x24" _build/tests/bench/bench-kiosk-flows [FLOWS] [--server]
 *       [--every=N]
 *
 * First a child process (this program with --bare) shows an AdwApplicationWindow with one
 * label, fullscreen at the monitor's size like the kiosk, and reports its memory once its
 * first frames are drawn. Then the kiosk window, made by rb_application_present_window as
 * the app makes it, takes FLOWS booking flows (default 2,000) through its real widgets, on
 * the standalone store or (--server) as a registered kiosk of a real raumbuch-server; a
 * colleague cancels each booking so the next flow books again. RSS and the rest are printed
 * after every hundredth flow (or every N); then a person walks away mid-flow, the idle reset
 * takes the kiosk back to start, and what is left is printed too. A last line compares the
 * figures with the two targets of issue 12: no growth after the first 200 flows (at most
 * 2 MB), and at most 1.5× the bare window's RSS. It prints figures and asserts nothing.
 *
 * The renderer is the one the app gives a kiosk (rb_memory_choose_kiosk_renderer: cairo unless
 * GSK_RENDERER is set), for the bare window as well; GSK_RENDERER=gl (or ngl, the same in GTK
 * 4.8) measures GL. The line "renderer:" says what GTK made, and for GL which Mesa driver. */
#include "config.h"

#include <adwaita.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-memory.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

#define STAFF_NUMBER "14475"
#define DESK "Desk 0.01"
#define TARGET_GROWTH_KIB 2048
#define TARGET_RATIO 1.5
/* the least the settings allow, for the walk-aways; the most, for flows on a slow machine */
#define IDLE_TIMEOUT_SECONDS 10
#define FLOW_IDLE_TIMEOUT_SECONDS 600
#define QUIET_SECONDS 8

/* ---- what the process holds ------------------------------------------------------------ */

typedef struct
{
  long rss;           /* KiB, /proc/self/statm */
  long pss;           /* KiB, smaps_rollup */
  long private_dirty; /* KiB */
  long anonymous;     /* KiB */
  long heap_used;     /* KiB in use in malloc's arenas (mallinfo2) */
  long heap_free;     /* KiB free but kept by malloc's arenas */
  int threads;
} Memory;

static long
smaps_field (const char *text, const char *name)
{
  const char *line = text != NULL ? strstr (text, name) : NULL;

  return line != NULL ? strtol (line + strlen (name), NULL, 10) : 0;
}

static Memory
memory_now (void)
{
  g_autofree char *statm = NULL;
  g_autofree char *rollup = NULL;
  g_autofree char *status = NULL;
  struct mallinfo2 heap = mallinfo2 ();
  long pages = 0, resident = 0;
  Memory m = { 0 };

  if (g_file_get_contents ("/proc/self/statm", &statm, NULL, NULL))
    sscanf (statm, "%ld %ld", &pages, &resident);
  m.rss = resident * (sysconf (_SC_PAGESIZE) / 1024);
  g_file_get_contents ("/proc/self/smaps_rollup", &rollup, NULL, NULL);
  m.pss = smaps_field (rollup, "\nPss:");
  m.private_dirty = smaps_field (rollup, "\nPrivate_Dirty:");
  m.anonymous = smaps_field (rollup, "\nAnonymous:");
  m.heap_used = (long) (heap.uordblks / 1024);
  m.heap_free = (long) (heap.fordblks / 1024);
  g_file_get_contents ("/proc/self/status", &status, NULL, NULL);
  m.threads = (int) smaps_field (status, "\nThreads:");
  return m;
}

static void
print_memory (const char *what, Memory m)
{
  g_print ("%-22s RSS %7.1f MB  Pss %7.1f MB  private dirty %7.1f MB  anon %7.1f MB  "
           "malloc in use %6.1f MB, kept free %6.1f MB  threads %d\n",
           what, m.rss / 1024.0, m.pss / 1024.0, m.private_dirty / 1024.0, m.anonymous / 1024.0,
           m.heap_used / 1024.0, m.heap_free / 1024.0, m.threads);
}

/* GTK's renderer for the window, and for GL the Mesa driver and the API loaded: GTK 4.8 as
 * Debian builds it cannot say (GSK_DEBUG=renderer needs a debug build). */
static char *
describe_renderer (GtkWidget *window)
{
  GskRenderer *renderer = gtk_native_get_renderer (GTK_NATIVE (window));
  g_autofree char *maps = NULL;
  g_autoptr (GString) gl = g_string_new (NULL);
  g_auto (GStrv) lines = NULL;

  /* GDK loads the GL drivers for any renderer; they only matter to GL's. */
  if (GSK_IS_CAIRO_RENDERER (renderer))
    return g_strdup (G_OBJECT_TYPE_NAME (renderer));
  if (g_file_get_contents ("/proc/self/maps", &maps, NULL, NULL))
    lines = g_strsplit (maps, "\n", -1);
  for (guint i = 0; lines != NULL && lines[i] != NULL; i++)
    {
      const char *path = strchr (lines[i], '/');
      g_autofree char *name = path != NULL ? g_path_get_basename (path) : NULL;

      if (name == NULL || strstr (gl->str, name) != NULL)
        continue;
      if (g_str_has_suffix (name, "_dri.so") || g_str_has_prefix (name, "libEGL_")
          || g_str_has_prefix (name, "libGLX_"))
        g_string_append_printf (gl, " %s", name);
    }
  return g_strdup_printf ("%s%s%s%s", G_OBJECT_TYPE_NAME (renderer), gl->len ? " (" : "",
                          gl->len ? gl->str + 1 : "", gl->len ? ")" : "");
}

/* ---- waiting for frames ---------------------------------------------------------------- */

static void
on_after_paint_cb (GdkFrameClock *clock, int *painted)
{
  (*painted)++;
}

static gboolean
painted_enough (gpointer painted)
{
  return *(int *) painted >= 3;
}

/* Until the window has drawn a few frames, then a second more: what it holds when it shows
 * its first screen, not halfway through making it. */
static void
wait_for_frames (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  int painted = 0;
  gulong handler = g_signal_connect (clock, "after-paint", G_CALLBACK (on_after_paint_cb),
                                     &painted);

  for (int i = 0; i < 3; i++)
    {
      gtk_widget_queue_draw (window);
      rb_ui_settle (50);
    }
  if (!rb_ui_wait_for (painted_enough, &painted, 30))
    g_printerr ("the window drew only %d frames\n", painted);
  g_signal_handler_disconnect (clock, handler);
  rb_ui_settle (1000);
}

static void
cover_monitor (GtkWindow *window)
{
  GListModel *monitors = gdk_display_get_monitors (gdk_display_get_default ());
  g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, 0);
  GdkRectangle geometry;

  gdk_monitor_get_geometry (monitor, &geometry);
  gtk_window_set_default_size (window, geometry.width, geometry.height);
  gtk_window_fullscreen (window);
}

/* ---- the bare window (the child process) ------------------------------------------------ */

static int
run_bare (void)
{
  GtkWidget *window;
  g_autofree char *renderer = NULL;
  Memory m;

  gtk_init ();
  adw_init ();
  window = adw_application_window_new (NULL);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window),
                                      gtk_label_new ("Raumbuch"));
  cover_monitor (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (window));
  wait_for_frames (window);
  m = memory_now ();
  renderer = describe_renderer (window);
  g_print ("%ld %ld %ld %ld %ld %ld %d %dx%d %s\n", m.rss, m.pss, m.private_dirty, m.anonymous,
           m.heap_used, m.heap_free, m.threads, gtk_widget_get_width (window),
           gtk_widget_get_height (window), renderer);
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* Runs this program again with --bare, in the same environment (display, GSK_RENDERER). */
static gboolean
measure_bare (Memory *out, char **out_description)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  char *argv[] = { self, "--bare", NULL };
  g_autofree char *output = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0, used = 0;

  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &output, NULL, &status,
                     &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("bare window: %s\n", error->message);
      return FALSE;
    }
  if (sscanf (output, "%ld %ld %ld %ld %ld %ld %d %n", &out->rss, &out->pss, &out->private_dirty,
              &out->anonymous, &out->heap_used, &out->heap_free, &out->threads, &used)
      < 7)
    {
      g_printerr ("bare window said: %s\n", output);
      return FALSE;
    }
  *out_description = g_strchomp (g_strdup (output + used));
  return TRUE;
}

/* ---- the kiosk ---------------------------------------------------------------------------- */

typedef struct
{
  GSettings *settings;
  RbUiBackend *backend;
  RbClientService *kiosk;
  /* a colleague's desktop: the desk's person cancels there, so the next flow can book */
  RbClientService *desktop;
  RbKioskWindow *window;
  RbInterval today;
} Bench;

static gboolean
desk_free (gpointer data)
{
  Bench *b = data;
  GtkWidget *row = rb_ui_find_visible (GTK_WIDGET (b->window), rb_ui_is_row_titled, DESK);

  return row != NULL && g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "Free") == 0;
}

/* One whole booking flow through the kiosk's widgets, from the start screen back to it: the
 * desk on the start screen, its "1 hour", Book, staff number and PIN, Book on the space's
 * screen again, the receipt, done. */
static void
drive_one_flow (Bench *b)
{
  RbKioskWindow *window = b->window;
  GtkWidget *row = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_row_titled, DESK);

  /* Emitted taps are no input events; tell the idle timer someone is there. */
  rb_kiosk_window_note_activity (window);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (window, "space");
  rb_ui_kiosk_click (window, "1 hour");
  rb_ui_kiosk_click (window, "Book");
  rb_ui_kiosk_assert_screen (window, "identify");
  rb_ui_kiosk_type (window, STAFF_NUMBER);
  rb_ui_kiosk_type (window, rb_ui_backend_demo_pin (STAFF_NUMBER));
  rb_ui_kiosk_assert_screen (window, "space");
  rb_ui_kiosk_click (window, "Book");
  rb_ui_kiosk_assert_screen (window, "receipt");
  rb_ui_kiosk_click (window, "Done");
  rb_ui_kiosk_assert_screen (window, "start");
}

/* The person walks away once identified; the idle reset takes the kiosk back to start. */
static void
walk_away (Bench *b)
{
  RbKioskWindow *window = b->window;
  GtkWidget *row = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_row_titled, DESK);
  gint64 deadline;

  g_settings_set_uint (b->settings, "idle-timeout", IDLE_TIMEOUT_SECONDS);
  rb_kiosk_window_note_activity (window);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (window, "space");
  rb_ui_kiosk_click (window, "Book");
  rb_ui_kiosk_assert_screen (window, "identify");
  rb_ui_kiosk_type (window, STAFF_NUMBER);
  rb_ui_kiosk_type (window, rb_ui_backend_demo_pin (STAFF_NUMBER));
  rb_ui_kiosk_assert_screen (window, "space");
  deadline = g_get_monotonic_time () + (IDLE_TIMEOUT_SECONDS + 10) * G_USEC_PER_SEC;
  while (g_strcmp0 (rb_kiosk_window_get_screen (window), "start") != 0
         && g_get_monotonic_time () < deadline)
    rb_ui_settle (100);
  if (g_strcmp0 (rb_kiosk_window_get_screen (window), "start") != 0)
    g_error ("no idle reset after %d s", IDLE_TIMEOUT_SECONDS + 10);
  /* The kiosk stands quiet for a while, as it does between people. */
  rb_ui_settle (QUIET_SECONDS * 1000);
  g_settings_set_uint (b->settings, "idle-timeout", FLOW_IDLE_TIMEOUT_SECONDS);
}

/* The person cancels the booking at their desk; the kiosk's start screen shows the desk free
 * again once it knows. */
static void
free_the_desk (Bench *b)
{
  g_autoptr (GAsyncResult) listed = NULL;
  g_autoptr (GAsyncResult) cancelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (RbBooking) booking = NULL;
  const char *id = NULL;

  rb_client_service_list_my_bookings_async (b->desktop, NULL, b->today, NULL,
                                            rb_ui_keep_result_cb, &listed);
  bookings = rb_client_service_list_finish (b->desktop, rb_ui_wait_result (&listed), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < bookings->len; i++)
    if (rb_booking_state_is_active (rb_booking_get_state (g_ptr_array_index (bookings, i))))
      id = rb_booking_get_id (g_ptr_array_index (bookings, i));
  g_assert_nonnull (id);
  rb_client_service_cancel_booking_async (b->desktop, id, NULL, rb_ui_keep_result_cb, &cancelled);
  booking = rb_client_service_booking_finish (b->desktop, rb_ui_wait_result (&cancelled), &error);
  g_assert_no_error (error);
  /* Standalone the kiosk is another service on the same store: tell it, as a feed would. */
  if (rb_ui_backend_get_mode (b->backend) == RB_UI_BACKEND_LOCAL)
    rb_client_service_emit_changed (b->kiosk);
  else
    rb_ui_backend_sync (b->backend, b->kiosk);
  if (!rb_ui_wait_for (desk_free, b, 30))
    g_error ("%s is not shown free after its booking was cancelled", DESK);
}

static const char *
verdict (gboolean met)
{
  return met ? "met" : "NOT met";
}

int
main (int argc, char *argv[])
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  gint64 now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);
  RbUiBackendMode mode = RB_UI_BACKEND_LOCAL;
  g_autoptr (RbApplication) app = NULL;
  g_autoptr (RbContext) context = NULL;
  g_autoptr (RbPerson) colleague = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bare_renderer = NULL;
  g_autofree char *renderer = NULL;
  g_autofree char *asked = g_strdup (g_getenv ("GSK_RENDERER"));
  Memory bare, start, at_200 = { 0 }, last = { 0 }, m;
  long peak = 0;
  int flows = 2000;
  int every = 100;
  gint64 started, lap;
  Bench b = { 0 };

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--bare"))
        return run_bare ();
      if (g_str_equal (argv[i], "--server"))
        mode = RB_UI_BACKEND_SERVER;
      else if (g_str_has_prefix (argv[i], "--every="))
        every = MAX (1, atoi (argv[i] + strlen ("--every=")));
      else
        flows = atoi (argv[i]);
    }

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", BUILD_SCHEMA_DIR, FALSE);
#ifdef RAUMBUCH_SERVER_PATH
  g_setenv ("RAUMBUCH_SERVER", RAUMBUCH_SERVER_PATH, FALSE);
#endif
  g_setenv ("LC_ALL", "en_US.UTF-8", TRUE);

  /* The bare window first, alone on the machine's memory, with the same display and renderer. */
  rb_memory_choose_kiosk_renderer ();
  if (!measure_bare (&bare, &bare_renderer))
    return 1;

  rb_application_setup_i18n (NULL);
  gtk_init ();
  adw_init ();

  /* The kiosk as the app makes it: the application registered (its style sheet loaded), the
   * window from rb_application_present_window, fullscreen on the monitor. */
  b.backend = rb_ui_backend_new (mode, now);
  b.today = rb_local_day (berlin, now);
  b.desktop = rb_ui_backend_get_service (b.backend);
  colleague = rb_ui_backend_sign_in (b.backend, b.desktop, STAFF_NUMBER);
  b.kiosk = rb_ui_backend_add_kiosk (b.backend);
  rb_ui_backend_wait_ready (b.kiosk);
  b.settings = g_settings_new (APP_ID);
  g_settings_set_uint (b.settings, "idle-timeout", FLOW_IDLE_TIMEOUT_SECONDS);
  context = rb_context_new (b.kiosk, b.settings);
  app = rb_application_new ();
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    g_error ("%s", error->message);
  b.window = RB_KIOSK_WINDOW (rb_application_present_window (app, context, TRUE));
  if (!rb_ui_wait_for (desk_free, &b, 30))
    g_error ("the start screen shows no free %s", DESK);
  wait_for_frames (GTK_WIDGET (b.window));
  start = memory_now ();
  renderer = describe_renderer (GTK_WIDGET (b.window));

  g_print ("kiosk flows: %d (%s), window %dx%d, GSK_RENDERER=%s%s\n", flows,
           rb_ui_backend_mode_name (mode), gtk_widget_get_width (GTK_WIDGET (b.window)),
           gtk_widget_get_height (GTK_WIDGET (b.window)), g_getenv ("GSK_RENDERER"),
           asked != NULL ? " (from the environment)" : " (the kiosk's default)");
  g_print ("renderer: kiosk %s; bare window %s\n", renderer, bare_renderer);
  print_memory ("bare window", bare);
  print_memory ("kiosk at start", start);

  started = lap = g_get_monotonic_time ();
  for (int i = 1; i <= flows; i++)
    {
      drive_one_flow (&b);
      free_the_desk (&b);
      /* at a report, the last frames drawn (the crossfade back to start) */
      if (i % every == 0 || i == flows)
        rb_ui_settle (1000);
      m = memory_now ();
      peak = MAX (peak, m.rss);
      if (i == 200)
        at_200 = m;
      if (i % every == 0 || i == flows)
        {
          g_autofree char *what = g_strdup_printf ("after %d flows", i);
          int lapped = i % every ? i % every : every;
          gint64 t = g_get_monotonic_time ();

          print_memory (what, m);
          g_print ("%-22s %.2f s a flow (these %d), %.0f s in all\n", "", (t - lap) / 1e6 / lapped,
                   lapped, (t - started) / 1e6);
          last = m;
          /* Now and then somebody walks away mid-flow: the idle reset, and what is left. */
          walk_away (&b);
          print_memory ("  after an idle reset", memory_now ());
          lap = g_get_monotonic_time ();
        }
    }

  g_print ("peak RSS after a flow: %.1f MB\n", peak / 1024.0);
  if (at_200.rss != 0 && flows > 200)
    g_print ("verdict: growth after flow 200: %+.1f MB over %d flows (target ≤ %.1f MB: %s); ",
             (last.rss - at_200.rss) / 1024.0, flows - 200, TARGET_GROWTH_KIB / 1024.0,
             verdict (last.rss - at_200.rss <= TARGET_GROWTH_KIB));
  else
    g_print ("verdict: growth after flow 200: not measured (%d flows); ", flows);
  g_print ("RSS %.1f MB = %.2f× the bare window's %.1f MB (target ≤ %.1f×: %s)\n",
           last.rss / 1024.0, (double) last.rss / bare.rss, bare.rss / 1024.0, TARGET_RATIO,
           verdict (last.rss <= TARGET_RATIO * bare.rss));

  gtk_window_destroy (GTK_WINDOW (b.window));
  rb_ui_settle (100);
  g_clear_object (&context);
  rb_ui_backend_free (b.backend);
  g_clear_object (&b.settings);
  return 0;
}
