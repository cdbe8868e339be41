/* test-kiosk.c: the kiosk under Xvfb, driven through its real widgets, twice with the same
 * assertions: standalone on the app's own store (/kiosk/local/…) and as a registered kiosk of
 * a real raumbuch-server (/kiosk/server/…; rb-ui-backend.h). Book a desk by touch at three
 * screen sizes, a wrong PIN until the lockout, the idle reset in the middle of a flow, the
 * language toggle, checking in, and a space closed by a block.
 *
 * Every text the test expects is looked up in the catalogue of the language it runs in, or
 * made by the same function the window uses, so one set of assertions holds in English and
 * German. Screenshots of every screen go to RB_SCREENSHOT_DIR as kiosk-MODE-…-WxH-LANG.png. */
#include "config.h"

#include <adwaita.h>
#include <dlfcn.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-floor-plan.h"
#include "rb-space-row.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

/* Monday 30 November 2026, 09:00 in Berlin. */
static gint64 frozen_now;

typedef struct
{
  RbUiBackend *backend;
  /* the kiosk's service: standalone on the store, or a registered device (owned by backend) */
  RbClientService *kiosk;
  GSettings *settings;
  RbContext *context;
  RbKioskWindow *window;
} KioskFixture;

/* ---- helpers ------------------------------------------------------------------------------ */

/* A text as the window shows it in the language of this run. */
static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static gboolean
is_german (void)
{
  return g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de");
}

static void
screenshot (KioskFixture *f, GtkWidget *widget, const char *name)
{
  g_autofree char *full = g_strdup_printf (
      "kiosk-%s-%s", rb_ui_backend_mode_name (rb_ui_backend_get_mode (f->backend)), name);

  rb_ui_save_screenshot (widget, full);
}

static char *
desk_name (const char *number)
{
  return rb_space_format_name (RB_SPACE_KIND_DESK, number);
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
close_window (KioskFixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  rb_ui_settle (50);
}

/* The row of a desk on screen: in the list beside the plan, or among today's bookings. */
static GtkWidget *
desk_row (GtkWidget *window, const char *number)
{
  g_autofree char *name = desk_name (number);

  return rb_ui_find_visible (window, rb_ui_is_row_titled, name);
}

typedef struct
{
  GtkWidget *window;
  const char *number;
  const char *subtitle;
} RowWait;

static gboolean
row_shown (gpointer data)
{
  RowWait *wait = data;
  GtkWidget *row = desk_row (wait->window, wait->number);

  return row != NULL
         && (wait->subtitle == NULL
             || g_strcmp0 (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), wait->subtitle) == 0);
}

/* The desk's row comes within the deadline, saying subtitle unless that is NULL. */
static GtkWidget *
wait_for_desk (GtkWidget *window, const char *number, const char *subtitle)
{
  RowWait wait = { window, number, subtitle };

  if (!rb_ui_wait_for (row_shown, &wait, 30))
    g_error ("no row of desk %s saying “%s”", number, subtitle ? subtitle : "anything");
  return desk_row (window, number);
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

  return rb_ui_find_visible (wait->root, rb_ui_is_label_containing, (gpointer) wait->text) != NULL;
}

/* A visible label with text comes within the deadline. */
static void
wait_for_label (KioskFixture *f, const char *text)
{
  LabelWait wait = { GTK_WIDGET (f->window), text };

  if (!rb_ui_wait_for (label_shown, &wait, 30))
    g_error ("no label “%s” on screen %s", text, rb_kiosk_window_get_screen (f->window));
}

/* A visible chip (a duration) whose label begins with text, or NULL. */
static GtkWidget *
chip (KioskFixture *f, const char *text)
{
  GtkWidget *button = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled,
                                          (gpointer) text);

  return button != NULL && gtk_widget_has_css_class (button, "rb-chip") ? button : NULL;
}

static const char *
button_label (KioskFixture *f, const char *prefix)
{
  GtkWidget *button = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled,
                                          (gpointer) prefix);

  g_assert_nonnull (button);
  return gtk_button_get_label (GTK_BUTTON (button));
}

/* The message line of the screen shown, as the window says it (a label with this id). */
static GtkWidget *
message (KioskFixture *f, const char *id)
{
  return rb_ui_child_by_id (GTK_WIDGET (f->window), id);
}

/* Today in the site's time zone, from..to o'clock. */
static RbInterval
today (int from_hour, int to_hour)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  return rb_interval_make (rb_local_to_utc (berlin, 2026, 11, 30, from_hour, 0),
                           rb_local_to_utc (berlin, 2026, 11, 30, to_hour, 0));
}

/* A desktop of the same bookings where the person signs in: standalone the same store, with
 * a server another client, brought up to date. */
static RbClientService *
desktop_of (KioskFixture *f, const char *staff_number)
{
  RbClientService *desktop = rb_ui_backend_get_service (f->backend);
  g_autoptr (RbPerson) person G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, desktop, staff_number);

  rb_ui_backend_sync (f->backend, desktop);
  return desktop;
}

/* The person's active bookings today, as they see them in My Bookings. */
static GPtrArray *
active_bookings_of (KioskFixture *f, const char *staff_number)
{
  RbClientService *desktop = desktop_of (f, staff_number);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  GPtrArray *active = g_ptr_array_new_with_free_func (g_object_unref);

  rb_client_service_list_my_bookings_async (desktop, NULL,
                                            rb_local_day (rb_client_service_get_time_zone (desktop),
                                                          frozen_now),
                                            NULL,
                                            rb_ui_keep_result_cb, &result);
  all = rb_client_service_list_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (rb_booking_state_is_active (rb_booking_get_state (g_ptr_array_index (all, i))))
      g_ptr_array_add (active, g_object_ref (g_ptr_array_index (all, i)));
  return active;
}

/* ---- fixture ------------------------------------------------------------------------------ */

/* A test's data: the backend, and the minute of the day its clock stands at (0: 09:00). */
#define TEST_DATA(mode, minute) GINT_TO_POINTER ((mode) | ((minute) << 4))
#define TEST_MODE(data) (GPOINTER_TO_INT (data) & 0xf)
#define TEST_MINUTE(data) (GPOINTER_TO_INT (data) >> 4)

static void
fixture_set_up (KioskFixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  int minute = TEST_MINUTE (data);
  gint64 start = minute != 0 ? rb_local_to_utc (berlin, 2026, 11, 30, minute / 60, minute % 60)
                             : frozen_now;

  f->backend = rb_ui_backend_new (TEST_MODE (data), start);
  f->kiosk = rb_ui_backend_add_kiosk (f->backend);
  rb_ui_backend_wait_ready (f->kiosk);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_uint (f->settings, "idle-timeout", 60);
  f->context = rb_context_new (f->kiosk, f->settings);
}

static void
fixture_tear_down (KioskFixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  rb_ui_backend_free (f->backend);
}

/* ---- the tests ---------------------------------------------------------------------------- */

/* Three people book three desks at three screen sizes: landscape full HD, a small landscape
 * panel, and a portrait column (where the list goes under the plan). */
static void
test_book_desk_by_touch (KioskFixture *f, gconstpointer data)
{
  static const struct
  {
    int width, height;
    const char *staff_number, *desk, *space_id;
  } flows[] = {
    { 1920, 1080, "14475", "0.01", "a0-d001" },
    { 1280, 800, "17157", "0.02", "a0-d002" },
    { 1080, 1920, "14835", "0.03", "a0-d003" },
  };
  g_autofree char *ten = NULL;
  g_autofree char *busy = NULL;

  ten = rb_context_format_time (f->context, today (9, 10).end);
  busy = g_strdup_printf (tr ("Checked in until %s"), ten);
  for (guint i = 0; i < G_N_ELEMENTS (flows); i++)
    {
      g_autofree char *name = desk_name (flows[i].desk);
      g_autofree char *booked = g_strdup_printf (tr ("%s is booked"), name);
      g_autofree char *when = rb_context_format_interval (f->context, today (9, 10));
      g_autofree char *checked_in = g_strdup_printf (tr ("%s\nYou are checked in."), when);
      g_autoptr (GPtrArray) bookings = NULL;
      RbBooking *booking;

      GtkWidget *row;

      open_window (f, flows[i].width, flows[i].height);
      row = wait_for_desk (GTK_WIDGET (f->window), flows[i].desk, NULL);
      rb_ui_settle (300);
      screenshot (f, GTK_WIDGET (f->window), "1-start");

      /* Taps are emitted, not input events: tell the idle timer somebody is there. */
      rb_kiosk_window_note_activity (f->window);
      g_signal_emit_by_name (row, "activate");
      rb_ui_kiosk_assert_screen (f->window, "space");
      /* The space first: the time is chosen before anybody identifies, and kept after. */
      rb_ui_kiosk_click (f->window, tr ("1 hour"));
      screenshot (f, GTK_WIDGET (f->window), "2-space");
      rb_ui_kiosk_click (f->window, tr ("Book"));
      rb_ui_kiosk_assert_screen (f->window, "identify");
      rb_ui_kiosk_type (f->window, flows[i].staff_number);
      screenshot (f, GTK_WIDGET (f->window), "3-keypad");
      rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin (flows[i].staff_number));
      rb_ui_kiosk_assert_screen (f->window, "space");
      g_assert_cmpstr (rb_person_get_staff_number (rb_kiosk_window_get_person (f->window)), ==,
                       flows[i].staff_number);
      g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (chip (f, tr ("1 hour")))));
      screenshot (f, GTK_WIDGET (f->window), "4-space-identified");
      rb_ui_kiosk_click (f->window, tr ("Book"));
      rb_ui_kiosk_assert_screen (f->window, "receipt");
      /* Booked, not pending: the server answered at once. */
      wait_for_label (f, booked);
      screenshot (f, GTK_WIDGET (f->window), "6-receipt");
      /* The receipt forgets the person at once. */
      g_assert_null (rb_kiosk_window_get_person (f->window));

      bookings = active_bookings_of (f, flows[i].staff_number);
      g_assert_cmpuint (bookings->len, ==, 1);
      booking = g_ptr_array_index (bookings, 0);
      g_assert_cmpstr (rb_booking_get_space_id (booking), ==, flows[i].space_id);
      g_assert_cmpint (rb_booking_get_start (booking), ==, today (9, 10).start);
      g_assert_cmpint (rb_booking_get_end (booking), ==, today (9, 10).end);
      /* Booked at the kiosk for now: the person is here, checked in. */
      g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);
      wait_for_label (f, checked_in);

      rb_ui_kiosk_click (f->window, tr ("Done"));
      rb_ui_kiosk_assert_screen (f->window, "start");
      /* The start screen knows at once. */
      wait_for_desk (GTK_WIDGET (f->window), flows[i].desk, busy);
      close_window (f);
    }
}

/* The lock's message as it is on the identify screen: how many minutes (a five-minute lock)
 * and until when, or "" when it says something else. */
static char *
lock_end_shown (KioskFixture *f)
{
  const char *text = gtk_label_get_label (GTK_LABEL (message (f, "identify_error")));

  for (int late = 0; late < 5; late++)
    {
      g_autoptr (GError) error = NULL;

      /* Standalone the clock stands still; the server's runs on from the same instant, so
       * its lock may end a minute or more later when the attempts took that long. */
      rb_set_lock_error (&error, RB_ERROR_LOCKED, rb_context_get_time_zone (f->context),
                         frozen_now + 5 * 60 + late * 60, 5 * 60);
      if (g_str_equal (text, error->message))
        return g_strdup_printf ("%d", late);
    }
  return g_strdup ("");
}

static gboolean
lock_end_is_shown (gpointer data)
{
  g_autofree char *late = lock_end_shown (data);

  return *late != '\0';
}

/* The identify screen says that the staff number is locked for five minutes, and until when:
 * exactly five minutes from now standalone, where the clock stands still. */
static void
wait_for_lock_end (KioskFixture *f, gconstpointer data)
{
  g_autofree char *late = NULL;

  if (!rb_ui_wait_for (lock_end_is_shown, f, 30))
    g_error ("the lock says “%s”, not how long it holds",
             gtk_label_get_label (GTK_LABEL (message (f, "identify_error"))));
  late = lock_end_shown (f);
  if (TEST_MODE (data) == RB_UI_BACKEND_LOCAL)
    g_assert_cmpstr (late, ==, "0");
}

static void
test_wrong_pin_then_lockout (KioskFixture *f, gconstpointer data)
{
  const char *wrong = tr ("Wrong staff number or PIN. Check your staff number (⌫ corrects "
                          "it), tap OK, then enter your PIN again.");

  open_window (f, 1280, 800);
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  for (int attempt = 1; attempt <= 5; attempt++)
    {
      /* Each OK replaces the last answer with "Checking…" at once: the answer waited for
       * is this attempt's. The fifth wrong PIN locks the staff number and says so, on
       * both backends. */
      rb_ui_kiosk_type (f->window, "0000");
      if (attempt < 5)
        wait_for_label (f, wrong);
      else
        wait_for_lock_end (f, data);
      g_assert_cmpstr (rb_kiosk_window_get_screen (f->window), ==, "identify");
      g_assert_null (rb_kiosk_window_get_person (f->window));
      /* Back at the staff number, which is kept: OK takes it as it is. */
      g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "identify_value"))), ==,
                       "14475");
      g_assert_true (gtk_widget_has_css_class (message (f, "identify_error"), "rb-error-text"));
      rb_ui_kiosk_type (f->window, "");
    }

  /* Locked means locked: even the right PIN is refused now. */
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  wait_for_lock_end (f, data);
  screenshot (f, GTK_WIDGET (f->window), "7-locked");
  g_assert_cmpstr (rb_kiosk_window_get_screen (f->window), ==, "identify");
  g_assert_null (rb_kiosk_window_get_person (f->window));
}

static gboolean
countdown_shown (gpointer data)
{
  KioskFixture *f = data;
  GtkWidget *revealer = rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type,
                                    GSIZE_TO_POINTER (GTK_TYPE_REVEALER));

  return revealer != NULL && gtk_revealer_get_reveal_child (GTK_REVEALER (revealer));
}

static void
test_idle_resets_and_forgets (KioskFixture *f, gconstpointer data)
{
  g_settings_set_uint (f->settings, "idle-timeout", 10);
  open_window (f, 1280, 800);
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "check-in");
  g_assert_nonnull (rb_kiosk_window_get_person (f->window));

  /* The countdown shows before the reset, and the reset forgets the person. */
  g_assert_true (rb_ui_wait_for (countdown_shown, f, 15));
  screenshot (f, GTK_WIDGET (f->window), "8-idle-countdown");
  rb_ui_kiosk_assert_screen (f->window, "start");
  g_assert_null (rb_kiosk_window_get_person (f->window));
  g_assert_false (countdown_shown (f));
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
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_button_labelled,
                                        (gpointer) before));

  toggle = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_button_labelled,
                               is_german () ? "English" : "Deutsch");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  rb_ui_settle (300);

  /* One kiosk window, built anew in the other language, on the same service. */
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (RB_IS_KIOSK_WINDOW (windows->data));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled,
                                        (gpointer) after));
  wait_for_desk (windows->data, "0.01", NULL);

  /* And back, so the next test starts in the language it expects. */
  toggle = rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled,
                               is_german () ? "Deutsch" : "English");
  g_assert_nonnull (toggle);
  g_signal_emit_by_name (toggle, "clicked");
  rb_ui_settle (300);
  windows = gtk_application_get_windows (GTK_APPLICATION (app));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (windows->data), rb_ui_is_button_labelled,
                                        (gpointer) before));
  gtk_window_destroy (windows->data);
  rb_ui_settle (100);
}

/* Checking in at the kiosk: identify, today's bookings, check in. */
static void
test_check_in (KioskFixture *f, gconstpointer data)
{
  RbClientService *desktop = desktop_of (f, "14475");
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, "a0-d005", NULL, today (9, 12));
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  GtkWidget *label;

  /* Jonas booked desk 0.05 at his desk this morning. */
  rb_client_service_create_booking_async (desktop, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booked = rb_client_service_booking_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_sync_state (booked), !=, RB_SYNC_STATE_PENDING);
  rb_ui_backend_sync (f->backend, f->kiosk);

  open_window (f, 1920, 1080);
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "check-in");
  wait_for_desk (GTK_WIDGET (f->window), "0.05", NULL);
  screenshot (f, GTK_WIDGET (f->window), "9-check-in");
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  wait_for_label (f, tr ("You are checked in. Have a good day!"));
  /* Good news is not shown in the colour of an error. */
  label = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing,
                              (gpointer) tr ("You are checked in. Have a good day!"));
  g_assert_false (gtk_widget_has_css_class (label, "rb-error-text"));
  screenshot (f, GTK_WIDGET (f->window), "10-checked-in");

  bookings = active_bookings_of (f, "14475");
  g_assert_cmpuint (bookings->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (bookings, 0)), ==, id);
  g_assert_cmpint (rb_booking_get_state (g_ptr_array_index (bookings, 0)), ==,
                   RB_BOOKING_STATE_CHECKED_IN);
  rb_ui_kiosk_click (f->window, tr ("Done"));
  rb_ui_kiosk_assert_screen (f->window, "start");
}

static gboolean
is_space_button (GtkWidget *widget, gpointer space_id)
{
  RbSpace *space = g_object_get_data (G_OBJECT (widget), "rb-space");

  return GTK_IS_BUTTON (widget) && space != NULL && g_str_equal (rb_space_get_id (space), space_id);
}

/* A facility manager closes desk 0.04 for the day: the plan and the list say so in words
 * with the lock icon, its screen offers no booking, and the service refuses one. */
static void
test_blocked_space_is_closed (KioskFixture *f, gconstpointer data)
{
  RbClientService *manager = rb_ui_backend_add_client (f->backend);
  g_autoptr (RbPerson) monika G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, manager, "87666");
  RbSpaceBlock block = { 0, "a0-d004", today (7, 19), "Painting" };
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) identified = NULL;
  g_autoptr (GAsyncResult) refused = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbIdentity) jonas = NULL;
  g_autoptr (RbBooking) request = NULL;
  g_autoptr (RbBooking) none = NULL;
  g_autofree char *closed = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autofree char *accessible = NULL;
  RbBlockResult *made;
  GtkWidget *plan, *row, *button, *image;

  rb_client_service_create_block_async (manager, block.space_id, block.interval, block.reason,
                                        NULL, rb_ui_keep_result_cb, &result);
  made = rb_client_service_block_finish (manager, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (made);
  rb_block_result_free (made);
  rb_ui_backend_sync (f->backend, f->kiosk);

  open_window (f, 1920, 1080);
  closed = rb_space_describe_block (f->context, &block);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.04", closed);
  /* the state's icon, which is the row's own image (a picture only, for screen readers) */
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (
                       rb_ui_find (row, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_IMAGE)))),
                   ==, "system-lock-screen-symbolic");
  /* On the plan a desk is too small for words: the lock says it, and its accessible name. */
  plan = rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (RB_TYPE_FLOOR_PLAN));
  button = rb_ui_find (plan, is_space_button, (gpointer) block.space_id);
  g_assert_nonnull (button);
  image = rb_ui_find (button, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_IMAGE));
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (image)), ==, "system-lock-screen-symbolic");
  accessible = g_strdup_printf (tr ("%s: %s"), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                closed);
  gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, accessible);
  rb_ui_settle (200);
  screenshot (f, GTK_WIDGET (f->window), "11-blocked");

  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  wait_for_label (f, closed);
  /* Closed until 19:00: why, and the next free time instead of a greyed-out button. */
  {
    g_autofree char *seven = rb_context_format_time (f->context, today (19, 20).start);
    g_autofree char *from = g_strdup_printf (tr ("Book from %s"), seven);
    g_autofree char *why = g_strdup_printf (tr ("%s. It is free again from %s."), closed, seven);

    g_assert_cmpstr (button_label (f, from), ==, from);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "space_message"))), ==, why);
  }
  screenshot (f, GTK_WIDGET (f->window), "12-blocked-space");

  /* Past the screen, the service itself refuses a booking of the closed desk. */
  rb_client_service_identify_async (f->kiosk, "14475", rb_ui_backend_demo_pin ("14475"), NULL,
                                    rb_ui_keep_result_cb, &identified);
  jonas = rb_client_service_identify_finish (f->kiosk, rb_ui_wait_result (&identified), &error);
  g_assert_no_error (error);
  request = rb_booking_new (id, block.space_id, NULL, today (10, 11));
  rb_client_service_create_booking_async (f->kiosk, jonas, request, NULL, rb_ui_keep_result_cb,
                                          &refused);
  none = rb_client_service_booking_finish (f->kiosk, rb_ui_wait_result (&refused), &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_SPACE_BLOCKED);
  g_assert_null (none);
}

/* Desk 0.06 is closed from 11:00: at 09:00 it is free until then, and the kiosk offers no
 * time that runs into the block. */
static void
test_block_later_today_limits_booking (KioskFixture *f, gconstpointer data)
{
  RbClientService *manager = rb_ui_backend_add_client (f->backend);
  g_autoptr (RbPerson) monika G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, manager, "87666");
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *eleven = NULL;
  g_autofree char *free_until = NULL;
  g_autofree char *name = desk_name ("0.06");
  g_autofree char *booked = g_strdup_printf (tr ("%s is booked"), name);
  /* Two hours end at the block, as the time "while it is free" would: one chip for both. */
  const char *not_offered[] = { "Until 12:00", "Until 17:00", "Rest of the day",
                                "While it is free" };
  RbBlockResult *made;
  GtkWidget *row;

  rb_client_service_create_block_async (manager, "a0-d006", today (11, 18), "Painting", NULL,
                                        rb_ui_keep_result_cb, &result);
  made = rb_client_service_block_finish (manager, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  rb_block_result_free (made);
  rb_ui_backend_sync (f->backend, f->kiosk);

  open_window (f, 1280, 800);
  eleven = rb_context_format_time (f->context, today (11, 18).start);
  free_until = g_strdup_printf (tr ("Free until %s"), eleven);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.06", free_until);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "space");
  screenshot (f, GTK_WIDGET (f->window), "13-duration-before-block");
  for (guint i = 0; i < G_N_ELEMENTS (not_offered); i++)
    g_assert_null (chip (f, tr (not_offered[i])));
  rb_ui_kiosk_click (f->window, tr ("2 hours"));
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "receipt");
  wait_for_label (f, booked);
}

/* ---- real input: a badge reader's keys and a finger's taps through the X server ---------- */

/* XTest makes input the X server cannot tell from a device's; it is looked up at run time, so
 * that the tests need no more than the X libraries GTK runs on. */
typedef struct
{
  Display *display;
  Window window;
  int (*fake_key) (Display *, unsigned int, int, unsigned long);
  int (*fake_button) (Display *, unsigned int, int, unsigned long);
  int (*fake_motion) (Display *, int, int, int, unsigned long);
  KeyCode (*keysym_to_keycode) (Display *, KeySym);
  int (*translate) (Display *, Window, Window, int, int, int *, int *, Window *);
  Window (*root) (Display *);
  int (*flush) (Display *);
} Input;

static gboolean
input_open (Input *input, GtkWidget *window)
{
  GdkDisplay *display = gtk_widget_get_display (window);
  void *xtst = dlopen ("libXtst.so.6", RTLD_NOW);
  void *x11 = dlopen ("libX11.so.6", RTLD_NOW);

  if (!GDK_IS_X11_DISPLAY (display) || xtst == NULL || x11 == NULL)
    return FALSE;
  input->display = gdk_x11_display_get_xdisplay (GDK_X11_DISPLAY (display));
  input->window = gdk_x11_surface_get_xid (gtk_native_get_surface (GTK_NATIVE (window)));
  input->fake_key = dlsym (xtst, "XTestFakeKeyEvent");
  input->fake_button = dlsym (xtst, "XTestFakeButtonEvent");
  input->fake_motion = dlsym (xtst, "XTestFakeMotionEvent");
  input->keysym_to_keycode = dlsym (x11, "XKeysymToKeycode");
  input->translate = dlsym (x11, "XTranslateCoordinates");
  input->root = dlsym (x11, "XDefaultRootWindow");
  input->flush = dlsym (x11, "XFlush");
  return input->fake_key != NULL && input->fake_button != NULL && input->fake_motion != NULL
         && input->keysym_to_keycode != NULL && input->translate != NULL && input->root != NULL
         && input->flush != NULL;
}

/* Where the middle of widget is on the screen. */
static void
input_position (Input *input, GtkWidget *widget, int *x, int *y)
{
  GtkNative *native = gtk_widget_get_native (widget);
  graphene_point_t middle = GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.f,
                                                 gtk_widget_get_height (widget) / 2.f);
  graphene_point_t in_window;
  double dx, dy;
  Window child;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native), &middle, &in_window));
  gtk_native_get_surface_transform (native, &dx, &dy);
  input->translate (input->display, input->window, input->root (input->display),
                    (int) (in_window.x + dx), (int) (in_window.y + dy), x, y, &child);
}

/* A tap at x, y: sent, not yet seen by the window. */
static void
input_tap (Input *input, int x, int y)
{
  input->fake_motion (input->display, -1, x, y, 0);
  input->fake_button (input->display, 1, TRUE, 0);
  input->fake_button (input->display, 1, FALSE, 0);
  input->flush (input->display);
}

/* What a badge reader sends: digits (and for a card's ID in hexadecimal, the letters a to f)
 * and Enter, as fast as a keyboard can. */
static void
input_badge (Input *input, const char *digits)
{
  for (const char *c = digits; *c; c++)
    {
      KeyCode code = input->keysym_to_keycode (
          input->display, g_ascii_isdigit (*c) ? XK_0 + (*c - '0') : XK_a + (*c - 'a'));

      input->fake_key (input->display, code, TRUE, 0);
      input->fake_key (input->display, code, FALSE, 0);
    }
  input->fake_key (input->display, input->keysym_to_keycode (input->display, XK_Return), TRUE, 0);
  input->fake_key (input->display, input->keysym_to_keycode (input->display, XK_Return), FALSE, 0);
  input->flush (input->display);
}

/* ---- the number of taps, and the app's own time --------------------------------------- */

typedef struct
{
  KioskFixture *f;
  guint taps;
  /* monotonic µs spent from each tap until the app showed what it led to */
  gint64 app_time;
  gint64 tap_start;
} Count;

static void
count_tap (Count *count, guint taps)
{
  count->taps += taps;
  count->tap_start = g_get_monotonic_time ();
}

static gboolean
shows (gpointer data)
{
  void **wait = data;
  LabelWait label = { wait[0], wait[2] };

  return g_strcmp0 (rb_kiosk_window_get_screen (wait[0]), wait[1]) == 0
         && (wait[2] == NULL || label_shown (&label));
}

/* Waits for the screen (and a label with this text on it, unless NULL), and books the time
 * it took as the app's: the tap's result was on its way all along. */
static void
count_until (Count *count, const char *screen, const char *text)
{
  void *wait[] = { count->f->window, (void *) screen, (void *) text };

  if (!rb_ui_wait_for (shows, wait, 30))
    g_error ("expected screen %s, still on %s", screen,
             rb_kiosk_window_get_screen (count->f->window));
  count->app_time += g_get_monotonic_time () - count->tap_start;
}

static void
count_click (Count *count, const char *label, const char *screen, const char *text)
{
  count_tap (count, 1);
  rb_ui_kiosk_click (count->f->window, label);
  count_until (count, screen, text);
}

/* The digits and OK on the keypad: one tap each. */
static void
count_type (Count *count, const char *digits, const char *screen, const char *text)
{
  count_tap (count, strlen (digits) + 1);
  rb_ui_kiosk_type (count->f->window, digits);
  count_until (count, screen, text);
}

static void
count_row (Count *count, const char *number)
{
  GtkWidget *row = wait_for_desk (GTK_WIDGET (count->f->window), number, NULL);

  count_tap (count, 1);
  g_signal_emit_by_name (row, "activate");
  count_until (count, "space", NULL);
}

/* An administrator registers a badge for a person (issue 12), on another client. */
static void
register_badge (KioskFixture *f, const char *person_id, const char *uid)
{
  RbClientService *admin = rb_ui_backend_add_client (f->backend);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) person = NULL;

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, admin, "95113") });
  rb_client_service_register_badge_async (admin, person_id, uid, NULL, rb_ui_keep_result_cb,
                                          &result);
  person = rb_client_service_json_finish (admin, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (person), "has_badge"));
}

/* A member of staff books a desk for the rest of the day, three ways, through the real
 * widgets with real key events: with a registered badge (the reader types the card's secret
 * ID and Enter: one touch, and nothing else to identify); with a badge that carries only the
 * staff number (the same touch, then the PIN, as before issue 12); and typing both on the
 * keypad, starting at the space. The taps are counted exactly and printed with the app's
 * own time. */
static void
test_taps_to_book_a_desk (KioskFixture *f, gconstpointer data)
{
  const char *pin = rb_ui_backend_demo_pin ("29753");
  Count registered = { f, 0, 0, 0 };
  Count badge = { f, 0, 0, 0 };
  Count typed = { f, 0, 0, 0 };
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (GPtrArray) by_number = NULL;
  Input input;
  int x, y;

  register_badge (f, "p-14475", "04a23b9c1180");
  open_window (f, 1280, 800);
  wait_for_desk (GTK_WIDGET (f->window), "0.10", NULL);
  if (!input_open (&input, GTK_WIDGET (f->window)))
    {
      g_test_skip ("no XTest on this display");
      return;
    }
  rb_ui_settle (200);
  input_position (&input, GTK_WIDGET (f->window), &x, &y);
  input.fake_motion (input.display, -1, x, y, 0);

  /* The registered badge on the start screen: greeted at once, no PIN. */
  count_tap (&registered, 1);
  input_badge (&input, "04a23b9c1180");
  count_until (&registered, "start", tr ("Sign Out"));
  count_row (&registered, "0.10");
  /* A desk for the rest of the day is the choice already made. */
  g_assert_true (gtk_toggle_button_get_active (
      GTK_TOGGLE_BUTTON (chip (f, tr ("Rest of the day")))));
  count_click (&registered, tr ("Book"), "receipt", NULL);
  g_test_message ("registered badge path (badge, space, Book): %u taps, %.2f s of the app's "
                  "time",
                  registered.taps, registered.app_time / (double) G_USEC_PER_SEC);
  printf ("# registered badge path: %u taps, app time %.2f s\n", registered.taps,
          registered.app_time / (double) G_USEC_PER_SEC);
  /* the badge, the space, Book: nothing more */
  g_assert_cmpuint (registered.taps, <=, 6);
  g_assert_cmpuint (registered.taps, ==, 3);
  rb_ui_kiosk_click (f->window, tr ("Done"));
  rb_ui_kiosk_assert_screen (f->window, "start");

  /* A badge that types the staff number is no registered badge: the PIN is asked for. */
  count_tap (&badge, 1);
  input_badge (&input, "29753");
  count_until (&badge, "identify", tr ("Your PIN"));
  count_type (&badge, pin, "start", tr ("Sign Out"));
  count_row (&badge, "0.12");
  count_click (&badge, tr ("Book"), "receipt", NULL);
  g_test_message ("staff number badge path (badge, PIN, OK, space, Book): %u taps, %.2f s of "
                  "the app's time",
                  badge.taps, badge.app_time / (double) G_USEC_PER_SEC);
  printf ("# staff number badge path: %u taps, app time %.2f s\n", badge.taps,
          badge.app_time / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (badge.taps, ==, 1 + strlen (pin) + 1 + 2);
  rb_ui_kiosk_click (f->window, tr ("Done"));
  rb_ui_kiosk_assert_screen (f->window, "start");

  /* Typed, space first: the space, Book, staff number and OK, PIN and OK, Book. */
  count_row (&typed, "0.11");
  count_click (&typed, tr ("Book"), "identify", NULL);
  count_type (&typed, "17157", "identify", tr ("Your PIN"));
  count_type (&typed, rb_ui_backend_demo_pin ("17157"), "space", NULL);
  count_click (&typed, tr ("Book"), "receipt", NULL);
  g_test_message ("typed path (space, Book, staff number, PIN, Book): %u taps, %.2f s of the "
                  "app's time",
                  typed.taps, typed.app_time / (double) G_USEC_PER_SEC);
  printf ("# typed path: %u taps, app time %.2f s\n", typed.taps,
          typed.app_time / (double) G_USEC_PER_SEC);
  g_assert_cmpuint (typed.taps, ==, 2 + 6 + strlen (rb_ui_backend_demo_pin ("17157")) + 1 + 1);

  bookings = active_bookings_of (f, "14475");
  g_assert_cmpuint (bookings->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_space_id (g_ptr_array_index (bookings, 0)), ==, "a0-d010");
  g_assert_cmpint (rb_booking_get_end (g_ptr_array_index (bookings, 0)), ==, today (9, 19).end);
  by_number = active_bookings_of (f, "29753");
  g_assert_cmpuint (by_number->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_space_id (g_ptr_array_index (by_number, 0)), ==, "a0-d012");
}

/* A double tap on Book: the second tap falls on the keypad that has just appeared, and must
 * not type a digit. A tap after the guard's 300 ms does. */
static void
test_double_tap_is_one_tap (KioskFixture *f, gconstpointer data)
{
  GtkWidget *row, *key, *book, *value;
  int book_x, book_y, key_x, key_y;
  Input input;

  open_window (f, 1280, 800);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.12", NULL);
  if (!input_open (&input, GTK_WIDGET (f->window)))
    {
      g_test_skip ("no XTest on this display");
      return;
    }
  /* Where the keypad's 5 is: the identify screen once, and back. */
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_settle (100);
  key = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled, "5");
  input_position (&input, key, &key_x, &key_y);
  rb_ui_kiosk_click (f->window, tr ("Cancel"));
  rb_ui_kiosk_assert_screen (f->window, "start");

  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  /* past the guard of this screen change */
  rb_ui_settle (400);
  book = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled,
                             (gpointer) tr ("Book"));
  input_position (&input, book, &book_x, &book_y);
  /* Both taps are on their way before the window sees the first. */
  input_tap (&input, book_x, book_y);
  input_tap (&input, key_x, key_y);
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_settle (100);
  value = message (f, "identify_value");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (value)), ==, "–");

  rb_ui_settle (400);
  input_tap (&input, key_x, key_y);
  rb_ui_settle (200);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (value)), ==, "5");
}

/* Booked at 15:36: "1 hour" is 60 minutes, to the end of its slot (16:45), from the slot
 * that has begun (15:30); the person is checked in at once. */
static void
test_one_hour_is_an_hour (KioskFixture *f, gconstpointer data)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  RbInterval expected = rb_interval_make (rb_local_to_utc (berlin, 2026, 11, 30, 15, 30),
                                          rb_local_to_utc (berlin, 2026, 11, 30, 16, 45));
  g_autofree char *until = rb_context_format_time (f->context, expected.end);
  g_autofree char *label = g_strdup_printf (tr ("%s\n(until %s)"), tr ("1 hour"), until);
  g_autoptr (GPtrArray) bookings = NULL;
  RbBooking *booking;
  GtkWidget *row;

  open_window (f, 1280, 800);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.08", NULL);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (chip (f, tr ("1 hour")))), ==, label);
  rb_ui_kiosk_click (f->window, tr ("1 hour"));
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "receipt");

  bookings = active_bookings_of (f, "14475");
  g_assert_cmpuint (bookings->len, ==, 1);
  booking = g_ptr_array_index (bookings, 0);
  g_assert_cmpint (rb_booking_get_start (booking), ==, expected.start);
  g_assert_cmpint (rb_booking_get_end (booking), ==, expected.end);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);
}

/* At 16:00 "1 hour" and "Until 17:00" end alike: one chip, the one that says both. */
static void
test_no_two_chips_end_alike (KioskFixture *f, gconstpointer data)
{
  GtkWidget *row;
  GtkWidget *child;
  GHashTable *ends = g_hash_table_new (g_direct_hash, g_direct_equal);
  guint chips = 0;

  open_window (f, 1280, 800);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.09", NULL);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  g_assert_null (chip (f, tr ("Until 17:00")));
  g_assert_nonnull (chip (f, tr ("1 hour")));
  for (child = gtk_widget_get_first_child (message (f, "duration_box")); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      gpointer end = g_object_get_data (G_OBJECT (button), "rb-end");

      g_assert_false (g_hash_table_contains (ends, end));
      g_hash_table_add (ends, end);
      chips++;
    }
  /* 1 hour, 2 hours, the rest of the day */
  g_assert_cmpuint (chips, ==, 3);
  g_hash_table_unref (ends);
}

/* A room booked until 11:00 says so and offers its next free hour; booked for later, it is
 * not checked in, and the receipt says until when to check in. */
static void
test_busy_room_offers_next_slot (KioskFixture *f, gconstpointer data)
{
  RbClientService *desktop = desktop_of (f, "14475");
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, "a0-r03", NULL, today (9, 11));
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  g_autofree char *room = rb_space_format_name (RB_SPACE_KIND_ROOM, "Fokusraum Ahr");
  g_autofree char *eleven = rb_context_format_time (f->context, today (11, 12).start);
  g_autofree char *from = g_strdup_printf (tr ("Book from %s"), eleven);
  g_autofree char *why = g_strdup_printf (tr ("Someone has booked it until %s. You can book it "
                                              "from then."),
                                          eleven);
  GtkWidget *row;
  RbBooking *booking;

  rb_client_service_create_booking_async (desktop, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booked = rb_client_service_booking_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  rb_ui_backend_sync (f->backend, f->kiosk);

  open_window (f, 1280, 800);
  wait_for_desk (GTK_WIDGET (f->window), "0.01", NULL);
  rb_ui_settle (200);
  row = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled, room);
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "space_message"))), ==, why);
  g_assert_cmpstr (button_label (f, from), ==, from);
  /* A room: an hour is the choice made. */
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (chip (f, tr ("1 hour")))));
  screenshot (f, GTK_WIDGET (f->window), "14-busy-room");
  rb_ui_kiosk_click (f->window, from);
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "17157");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("17157"));
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, from);
  rb_ui_kiosk_assert_screen (f->window, "receipt");

  bookings = active_bookings_of (f, "17157");
  g_assert_cmpuint (bookings->len, ==, 1);
  booking = g_ptr_array_index (bookings, 0);
  g_assert_cmpint (rb_booking_get_start (booking), ==, today (11, 12).start);
  g_assert_cmpint (rb_booking_get_end (booking), ==, today (11, 12).end);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_null (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_label_containing,
                                     (gpointer) tr ("You are checked in.")));
}

/* Who already holds a desk today hears it right after identifying, not after all the taps;
 * another desk cannot be booked, a room can. */
static void
test_held_desk_said_at_once (KioskFixture *f, gconstpointer data)
{
  RbClientService *desktop = desktop_of (f, "14475");
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, "a0-d005", NULL, today (9, 12));
  g_autoptr (RbBooking) booked = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *desk = desk_name ("0.05");
  g_autofree char *when = rb_context_format_interval (f->context, today (9, 12));
  g_autofree char *held = g_strdup_printf (tr ("You already have %s (%s). One desk a day: you "
                                               "can still book a room."),
                                           desk, when);
  g_autofree char *room = rb_space_format_name (RB_SPACE_KIND_ROOM, "Fokusraum Sieg");
  GtkWidget *row, *book;

  rb_client_service_create_booking_async (desktop, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booked = rb_client_service_booking_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  rb_ui_backend_sync (f->backend, f->kiosk);

  open_window (f, 1280, 800);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.07", NULL);
  rb_ui_kiosk_click (f->window, tr ("Sign In to Book"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "start");
  wait_for_label (f, held);
  screenshot (f, GTK_WIDGET (f->window), "15-held-desk");

  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "space_message"))), ==, held);
  g_assert_true (gtk_widget_has_css_class (message (f, "space_message"), "rb-error-text"));
  book = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled,
                             (gpointer) tr ("Book"));
  g_assert_false (gtk_widget_get_sensitive (book));

  rb_ui_kiosk_click (f->window, tr ("Back"));
  rb_ui_kiosk_assert_screen (f->window, "start");
  g_assert_nonnull (rb_kiosk_window_get_person (f->window));
  g_signal_emit_by_name (rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_row_titled, room),
                         "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "receipt");
}

/* A mistyped staff number can be put right after a wrong PIN; the keys keep their size
 * whatever the message says; "Checking…" is progress, not an error. */
static void
test_mistyped_staff_number (KioskFixture *f, gconstpointer data)
{
  GtkWidget *key, *value, *line, *delete;
  graphene_point_t origin = GRAPHENE_POINT_INIT (0, 0), before, after;
  int width;

  open_window (f, 1280, 800);
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  rb_ui_settle (100);
  key = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled, "5");
  rb_ui_wait_laid_out (key);
  width = gtk_widget_get_width (key);
  g_assert_true (gtk_widget_compute_point (key, GTK_WIDGET (f->window), &origin, &before));

  /* another person's number, one digit off: a wrong PIN for them */
  rb_ui_kiosk_type (f->window, "14835");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  line = message (f, "identify_error");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (line)), ==, tr ("Checking…"));
  g_assert_true (gtk_widget_has_css_class (line, "rb-progress-text"));
  g_assert_false (gtk_widget_has_css_class (line, "rb-error-text"));
  wait_for_label (f, tr ("Wrong staff number or PIN. Check your staff number (⌫ corrects it), "
                         "tap OK, then enter your PIN again."));
  g_assert_true (gtk_widget_has_css_class (line, "rb-error-text"));
  rb_ui_settle (100);
  screenshot (f, GTK_WIDGET (f->window), "16-wrong-pin");
  g_assert_cmpint (gtk_widget_get_width (key), ==, width);
  g_assert_true (gtk_widget_compute_point (key, GTK_WIDGET (f->window), &origin, &after));
  g_assert_cmpfloat (after.x, ==, before.x);
  g_assert_cmpfloat (after.y, ==, before.y);

  /* The number is kept, and can be corrected. */
  value = message (f, "identify_value");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (value)), ==, "14835");
  delete = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled, "⌫");
  g_signal_emit_by_name (delete, "clicked");
  g_signal_emit_by_name (delete, "clicked");
  g_signal_emit_by_name (delete, "clicked");
  rb_ui_kiosk_type (f->window, "475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "check-in");
  g_assert_cmpstr (rb_person_get_staff_number (rb_kiosk_window_get_person (f->window)), ==,
                   "14475");
}

/* Rooms, then desks, under their headings, each in order of their names. */
static void
test_rooms_and_desks_in_sections (KioskFixture *f, gconstpointer data)
{
  GtkWidget *list;
  GtkWidget *child;
  g_autofree char *previous_key = NULL;
  RbSpaceKind previous_kind = RB_SPACE_KIND_ROOM;
  guint rooms = 0, desks = 0;

  open_window (f, 1280, 800);
  wait_for_desk (GTK_WIDGET (f->window), "0.24", NULL);
  list = message (f, "space_list");
  for (child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RbSpace *space;
      g_autofree char *key = NULL;
      GtkWidget *header;

      if (!GTK_IS_LIST_BOX_ROW (child))
        continue;
      space = g_object_get_data (G_OBJECT (child), "rb-space");
      key = g_utf8_collate_key_for_filename (rb_space_get_name (space), -1);
      header = gtk_list_box_row_get_header (GTK_LIST_BOX_ROW (child));
      if (rooms + desks == 0 || rb_space_get_kind (space) != previous_kind)
        {
          g_assert_nonnull (header);
          g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (header)), ==,
                           rb_space_get_kind (space) == RB_SPACE_KIND_ROOM ? tr ("Rooms")
                                                                            : tr ("Desks"));
        }
      else
        {
          g_assert_null (header);
          g_assert_cmpstr (previous_key, <, key);
        }
      /* no room after a desk */
      g_assert_false (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM
                      && previous_kind == RB_SPACE_KIND_DESK);
      if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
        rooms++;
      else
        desks++;
      previous_kind = rb_space_get_kind (space);
      g_free (previous_key);
      previous_key = g_steal_pointer (&key);
    }
  g_assert_cmpuint (rooms, ==, 6);
  g_assert_cmpuint (desks, ==, 24);
  /* as people count: 0.2 before 0.10 */
  {
    g_autofree char *two = g_utf8_collate_key_for_filename ("0.2", -1);
    g_autofree char *ten = g_utf8_collate_key_for_filename ("0.10", -1);
    g_assert_cmpstr (two, <, ten);
  }
  screenshot (f, GTK_WIDGET (f->window), "17-sections");
}

static RbKioskWindow *
the_kiosk (RbApplication *app)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (app));

  g_assert_cmpuint (g_list_length (windows), ==, 1);
  g_assert_true (RB_IS_KIOSK_WINDOW (windows->data));
  return windows->data;
}

typedef struct
{
  RbApplication *app;
  RbKioskWindow *old;
} ReplacedWait;

static gboolean
replaced (gpointer data)
{
  ReplacedWait *wait = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (wait->app));

  return windows != NULL && windows->next == NULL && windows->data != wait->old;
}

/* Switching the language mid-flow keeps the person, the space and the time chosen; the idle
 * reset brings back the kiosk's own language, the first floor and normal contrast. */
static void
test_language_keeps_flow_reset_restores (KioskFixture *f, gconstpointer data)
{
  g_autoptr (RbApplication) app = rb_application_new ();
  g_autoptr (GError) error = NULL;
  const char *other = is_german () ? "English" : "Deutsch";
  const char *back = is_german () ? "Deutsch" : "English";
  const char *one_hour_other = is_german () ? "1 hour" : "1 Stunde";
  g_autofree char *language = NULL;
  RbKioskWindow *kiosk;
  GtkWidget *row, *floors, *second;
  ReplacedWait wait;

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  f->window = RB_KIOSK_WINDOW (rb_application_present_window (app, f->context, TRUE));
  gtk_window_unfullscreen (GTK_WINDOW (f->window));
  row = wait_for_desk (GTK_WIDGET (f->window), "0.14", NULL);
  g_signal_emit_by_name (row, "activate");
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("1 hour"));
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "space");

  wait.app = app;
  wait.old = f->window;
  rb_ui_kiosk_click (f->window, other);
  g_assert_true (rb_ui_wait_for (replaced, &wait, 10));
  f->window = kiosk = the_kiosk (app);
  g_assert_cmpstr (rb_kiosk_window_get_screen (kiosk), ==, "space");
  g_assert_nonnull (rb_kiosk_window_get_person (kiosk));
  g_assert_cmpstr (rb_person_get_staff_number (rb_kiosk_window_get_person (kiosk)), ==, "14475");
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (chip (f, one_hour_other))));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (kiosk), rb_ui_is_button_labelled,
                                        (gpointer) back));
  screenshot (f, GTK_WIDGET (kiosk), "18-language-mid-flow");

  /* Left like that, with high contrast on the second floor: the idle reset. */
  g_settings_set_uint (f->settings, "idle-timeout", 10);
  rb_ui_kiosk_click (kiosk, is_german () ? "Back" : "Zurück");
  rb_ui_kiosk_assert_screen (kiosk, "start");
  wait_for_desk (GTK_WIDGET (kiosk), "0.14", NULL);
  floors = message (f, "floor_box");
  second = gtk_widget_get_next_sibling (gtk_widget_get_first_child (floors));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (second), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (message (f, "contrast_button")), TRUE);
  rb_kiosk_window_note_activity (kiosk);
  wait.old = kiosk;
  g_assert_true (rb_ui_wait_for (replaced, &wait, 20));
  f->window = kiosk = the_kiosk (app);
  rb_ui_kiosk_assert_screen (kiosk, "start");
  g_assert_null (rb_kiosk_window_get_person (kiosk));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (kiosk), rb_ui_is_button_labelled,
                                        (gpointer) other));
  g_assert_nonnull (rb_ui_find_visible (GTK_WIDGET (kiosk), rb_ui_is_button_labelled,
                                        (gpointer) tr ("Check In")));
  g_assert_false (
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (message (f, "contrast_button"))));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (kiosk), "rb-high-contrast"));
  wait_for_desk (GTK_WIDGET (kiosk), "0.14", NULL);
  g_assert_true (gtk_toggle_button_get_active (
      GTK_TOGGLE_BUTTON (gtk_widget_get_first_child (message (f, "floor_box")))));
  /* The person's choice was not saved for the next one. */
  language = g_settings_get_string (f->settings, "language");
  g_assert_cmpstr (language, ==, "");
}

typedef struct
{
  GtkWidget *window;
  const char *screen;
} WidthWait;

/* The window is laid out on the screen asked for: the stack shows it and has a size. */
static gboolean
screen_laid_out (gpointer data)
{
  WidthWait *wait = data;

  return g_str_equal (rb_kiosk_window_get_screen (RB_KIOSK_WINDOW (wait->window)), wait->screen)
         && gtk_widget_get_width (wait->window) > 0;
}

/* A portrait kiosk (800 × 1280) fits its screen on every screen of a booking: no screen
 * asks for more width than the display has. */
static void
assert_fits (KioskFixture *f, const char *screen, int width)
{
  WidthWait wait = { GTK_WIDGET (f->window), screen };
  int min = 0;

  g_assert_true (rb_ui_wait_for (screen_laid_out, &wait, 30));
  rb_ui_wait_laid_out (GTK_WIDGET (f->window));
  /* What it is, and what it would insist on. */
  gtk_widget_measure (GTK_WIDGET (f->window), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL,
                      NULL);
  if (gtk_widget_get_width (GTK_WIDGET (f->window)) > width || min > width)
    g_error ("the %s screen is %d px wide (at least %d) on a %d px kiosk", screen,
             gtk_widget_get_width (GTK_WIDGET (f->window)), min, width);
}

static void
test_portrait_fits (KioskFixture *f, gconstpointer data)
{
  GtkWidget *row;

  open_window (f, 800, 1280);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.01", NULL);
  assert_fits (f, "start", 800);
  screenshot (f, GTK_WIDGET (f->window), "19-portrait-start");
  rb_kiosk_window_note_activity (f->window);
  g_signal_emit_by_name (row, "activate");
  assert_fits (f, "space", 800);
  screenshot (f, GTK_WIDGET (f->window), "20-portrait-space");
  rb_ui_kiosk_click (f->window, tr ("Book"));
  assert_fits (f, "identify", 800);
  rb_ui_kiosk_type (f->window, "14475");
  screenshot (f, GTK_WIDGET (f->window), "21-portrait-keypad");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  assert_fits (f, "space", 800);
  rb_ui_kiosk_click (f->window, tr ("Book"));
  assert_fits (f, "receipt", 800);
  screenshot (f, GTK_WIDGET (f->window), "22-portrait-receipt");
  rb_kiosk_window_reset (f->window);
  assert_fits (f, "start", 800);
  rb_ui_kiosk_click (f->window, tr ("Check In"));
  assert_fits (f, "identify", 800);
}

/* ---- accessibility (issue 15) ------------------------------------------------------------ */

/* A message line is there only while it says something: an empty alert is heard as "label". */
static void
assert_no_empty_alerts (KioskFixture *f)
{
  const char *ids[]
      = { "idle_label", "person_message", "space_message", "identify_error", "check_in_error" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      GtkWidget *label = message (f, ids[i]);

      if (*gtk_label_get_label (GTK_LABEL (label)) == '\0')
        g_assert_false (gtk_widget_get_visible (label));
    }
}

/* The accessible property as a string, whatever it is (the test API only compares). */
static char *
accessible_property (GtkWidget *widget, GtkAccessibleProperty property)
{
  char *value = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), property, "\x01");

  g_assert_nonnull (value);
  return value;
}

static GtkWidget *
focused (KioskFixture *f)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (f->window));

  g_assert_nonnull (focus);
  return focus;
}

/* A screen reader's and a switch's way through a booking: rows that say their state and
 * offer an action, the chosen time heard as checked, the day told in words, the focus on
 * each screen's first thing to do, activations through actions alone keeping the kiosk
 * from its idle reset, a Done button whose name stays, and a reset that leaves nobody's
 * name behind. */
static void
test_accessible (KioskFixture *f, gconstpointer data)
{
  g_autofree char *name = desk_name ("0.01");
  g_autofree char *spoken = NULL;
  g_autofree char *timeline = NULL;
  g_autofree char *free_until = g_strdup_printf (tr ("Free until %s"), "");
  g_autofree char *chosen = NULL;
  g_autofree char *from = NULL;
  GtkWidget *row;
  GtkWidget *chosen_chip;
  GtkWidget *done;

  g_settings_set_uint (f->settings, "idle-timeout", 10);
  open_window (f, 1280, 800);
  row = wait_for_desk (GTK_WIDGET (f->window), "0.01", NULL);
  rb_ui_settle (200);
  assert_no_empty_alerts (f);
  /* Nobody there: the focus where a person starts. */
  g_assert_true (focused (f) == rb_ui_child_by_id (GTK_WIDGET (f->window), "sign_in_button"));
  /* The row's name says its state, as its subtitle does. */
  spoken
      = g_strdup_printf (tr ("%s, %s"), name, adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  gtk_test_accessible_assert_property (row, GTK_ACCESSIBLE_PROPERTY_LABEL, spoken);
  g_assert_false (
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY));
  gtk_test_accessible_assert_state (rb_ui_child_by_id (GTK_WIDGET (f->window), "contrast_button"),
                                    GTK_ACCESSIBLE_STATE_CHECKED, GTK_ACCESSIBLE_TRISTATE_FALSE);

  /* The row's action, as an assistive technology does it: no input event at all. */
  g_assert_true (gtk_widget_activate_action (row, "row.activate", NULL));
  rb_ui_kiosk_assert_screen (f->window, "space");
  /* The focus on the time chosen, heard as checked, in a cell that takes no focus. */
  chosen_chip = focused (f);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (chosen_chip));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (chosen_chip)));
  gtk_test_accessible_assert_role (chosen_chip, GTK_ACCESSIBLE_ROLE_RADIO);
  gtk_test_accessible_assert_state (chosen_chip, GTK_ACCESSIBLE_STATE_CHECKED,
                                    GTK_ACCESSIBLE_TRISTATE_TRUE);
  g_assert_false (gtk_widget_get_focusable (gtk_widget_get_parent (chosen_chip)));
  rb_ui_kiosk_click (f->window, tr ("1 hour"));
  gtk_test_accessible_assert_state (chosen_chip, GTK_ACCESSIBLE_STATE_CHECKED,
                                    GTK_ACCESSIBLE_TRISTATE_FALSE);
  gtk_test_accessible_assert_state (chip (f, tr ("1 hour")), GTK_ACCESSIBLE_STATE_CHECKED,
                                    GTK_ACCESSIBLE_TRISTATE_TRUE);
  /* The day in words, and the time chosen. */
  timeline = accessible_property (message (f, "space_timeline"), GTK_ACCESSIBLE_PROPERTY_LABEL);
  g_assert_true (g_str_has_prefix (timeline, free_until));
  from = rb_context_format_time (f->context, today (9, 10).start);
  g_free (timeline);
  timeline = rb_context_format_time (f->context, today (9, 10).end);
  chosen = g_strdup_printf (tr ("Chosen: %s–%s"), from, timeline);
  gtk_test_accessible_assert_property (message (f, "space_timeline"),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, chosen);
  assert_no_empty_alerts (f);

  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "identify");
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focused (f))), ==, "1");
  assert_no_empty_alerts (f);
  /* Clicks alone, six seconds apart, with a ten-second idle timeout: no reset between. */
  rb_ui_settle (6000);
  rb_ui_kiosk_type (f->window, "14475");
  rb_ui_settle (6000);
  rb_ui_kiosk_assert_screen (f->window, "identify");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "identify_number"))), !=, " ");
  rb_ui_kiosk_type (f->window, rb_ui_backend_demo_pin ("14475"));
  rb_ui_kiosk_assert_screen (f->window, "space");
  rb_ui_kiosk_click (f->window, tr ("Book"));
  rb_ui_kiosk_assert_screen (f->window, "receipt");

  /* The receipt's button keeps its name while the seconds count down beside it. */
  done = message (f, "receipt_done_button");
  g_assert_true (focused (f) == done);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (done)), ==, tr ("Done"));
  rb_ui_settle (1100);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (done)), ==, tr ("Done"));

  /* The reset leaves nobody's name or number on the screens not shown, nor the screens. */
  rb_kiosk_window_reset (f->window);
  rb_ui_kiosk_assert_screen (f->window, "start");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "identify_number"))), ==, "");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "check_in_title"))), ==, "");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "person_label"))), ==, "");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message (f, "receipt_title"))), ==, "");
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (message (f, "identify_title"))));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_parent (message (f, "receipt_title"))));
  g_assert_true (focused (f) == rb_ui_child_by_id (GTK_WIDGET (f->window), "sign_in_button"));
  assert_no_empty_alerts (f);
}

/* ---- main --------------------------------------------------------------------------------- */

typedef void (*KioskTest) (KioskFixture *f, gconstpointer data);

/* The test on both backends, its clock at hour:minute today (hour 0: 09:00). */
static void
add_test_at (const char *name, KioskTest test, int hour, int minute)
{
  const RbUiBackendMode modes[] = { RB_UI_BACKEND_LOCAL, RB_UI_BACKEND_SERVER };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kiosk/%s/%s", rb_ui_backend_mode_name (modes[i]),
                                               name);

      g_test_add (path, KioskFixture, TEST_DATA (modes[i], hour * 60 + minute), fixture_set_up,
                  test, fixture_tear_down);
    }
}

static void
add_test (const char *name, KioskTest test)
{
  add_test_at (name, test, 0, 0);
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
  /* No crossfades in screenshots, and the app's own CSS as AdwApplication would load it. */
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();
  frozen_now = today (9, 10).start;

  add_test ("book-desk-by-touch", test_book_desk_by_touch);
  add_test ("wrong-pin-then-lockout", test_wrong_pin_then_lockout);
  add_test ("idle-resets-and-forgets", test_idle_resets_and_forgets);
  add_test ("language-toggle", test_language_toggle);
  add_test ("check-in", test_check_in);
  add_test ("blocked-space-is-closed", test_blocked_space_is_closed);
  add_test ("block-later-today-limits-booking", test_block_later_today_limits_booking);
  add_test ("taps-to-book-a-desk", test_taps_to_book_a_desk);
  add_test ("double-tap-is-one-tap", test_double_tap_is_one_tap);
  add_test_at ("one-hour-is-an-hour", test_one_hour_is_an_hour, 15, 36);
  add_test_at ("no-two-chips-end-alike", test_no_two_chips_end_alike, 16, 0);
  add_test ("busy-room-offers-next-slot", test_busy_room_offers_next_slot);
  add_test ("held-desk-said-at-once", test_held_desk_said_at_once);
  add_test ("mistyped-staff-number", test_mistyped_staff_number);
  add_test ("rooms-and-desks-in-sections", test_rooms_and_desks_in_sections);
  add_test ("language-keeps-flow-reset-restores", test_language_keeps_flow_reset_restores);
  add_test ("portrait-fits", test_portrait_fits);
  add_test ("accessible", test_accessible);
  return g_test_run ();
}
