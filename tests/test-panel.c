/* test-panel.c: the door panel (`raumbuch --panel SPACE_ID`) under Xvfb, driven through its
 * real widgets, standalone (/panel/local/…) and as a registered panel of a real
 * raumbuch-server (/panel/server/…; rb-ui-backend.h): free, busy and next in words; booking
 * now with staff number and PIN; an anonymous booking only where the site allows it;
 * checking in at the door, ending early, extending; dimmed outside the opening hours; and,
 * with the server gone, the last known schedule with the offline notice; leaving with the
 * admin PIN, the language button and the idle reset to the panel's own language; and a
 * badge reader's keys as real X key events (xdotool).
 *
 * Texts are looked up in the catalogue of the language the test runs in, so the same
 * assertions hold in English and German. Screenshots go to RB_SCREENSHOT_DIR as
 * panel-MODE-NAME-WxH-LANG.png. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-keypad.h"
#include "rb-panel-window.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

#define ROOM "a0-r02"
#define JONAS "14475"
#define ADMIN "95113"

/* Monday 30 November 2026, 09:20 in Berlin (opening hours 06:00–20:00). */
static gint64 frozen_now;
/* The same day at 05:30, before the building opens. */
static gint64 early_now;
/* The same day at 21:00, after it closes. */
static gint64 late_now;

typedef struct
{
  RbUiBackend *backend;
  RbClientService *panel;
  GSettings *settings;
  RbContext *context;
  RbPanelWindow *window;
} PanelFixture;

typedef struct
{
  RbUiBackendMode mode;
  /* 0: frozen_now, 1: early_now, 2: late_now */
  int time;
} PanelCase;

/* ---- helpers ------------------------------------------------------------------------------ */

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

static RbUiBackendMode
mode_of (PanelFixture *f)
{
  return rb_ui_backend_get_mode (f->backend);
}

static void
screenshot (PanelFixture *f, const char *name)
{
  g_autofree char *full = g_strdup_printf ("panel-%s-%s", rb_ui_backend_mode_name (mode_of (f)),
                                           name);

  rb_ui_settle (200);
  rb_ui_save_screenshot (GTK_WIDGET (f->window), full);
}

static gint64
at (int hour, int minute)
{
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  return rb_local_to_utc (berlin, 2026, 11, 30, hour, minute);
}

static char *
clock_text (PanelFixture *f, int hour, int minute)
{
  return rb_context_format_time (f->context, at (hour, minute));
}

static void
open_window (PanelFixture *f, int width, int height)
{
  f->window = rb_panel_window_new (NULL, f->context, ROOM);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
close_window (PanelFixture *f)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  f->window = NULL;
  rb_ui_settle (50);
}

static const char *
label_of (PanelFixture *f, const char *id)
{
  return gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (GTK_WIDGET (f->window), id)));
}

typedef struct
{
  PanelFixture *f;
  const char *id;
  const char *text;
  gboolean contains;
} LabelWait;

static gboolean
label_is (gpointer data)
{
  LabelWait *wait = data;
  const char *shown = label_of (wait->f, wait->id);

  return wait->contains ? strstr (shown, wait->text) != NULL : g_str_equal (shown, wait->text);
}

/* The template label `id` says text within the deadline. */
static void
wait_for_label (PanelFixture *f, const char *id, const char *text)
{
  LabelWait wait = { f, id, text, FALSE };

  if (!rb_ui_wait_for (label_is, &wait, 30))
    g_error ("%s says “%s”, not “%s”", id, label_of (f, id), text);
}

static void
wait_for_label_containing (PanelFixture *f, const char *id, const char *text)
{
  LabelWait wait = { f, id, text, TRUE };

  if (!rb_ui_wait_for (label_is, &wait, 30))
    g_error ("%s says “%s”, without “%s”", id, label_of (f, id), text);
}

static GtkWidget *
button (PanelFixture *f, const char *label)
{
  return rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_button_labelled, (gpointer) label);
}

typedef struct
{
  PanelFixture *f;
  const char *label;
} ButtonWait;

static gboolean
button_shown (gpointer data)
{
  ButtonWait *wait = data;

  return button (wait->f, wait->label) != NULL;
}

static void
click (PanelFixture *f, const char *label)
{
  ButtonWait wait = { f, label };

  if (!rb_ui_wait_for (button_shown, &wait, 30))
    g_error ("no button “%s” on the panel", label);
  rb_ui_click (button (f, label));
}

typedef struct
{
  PanelFixture *f;
  const char *shown;
  const char *gone;
} ExtensionWait;

static gboolean
extensions_are (gpointer data)
{
  ExtensionWait *wait = data;

  return button (wait->f, wait->shown) != NULL && button (wait->f, wait->gone) == NULL;
}

static void
wait_for_extensions (PanelFixture *f, const char *shown, const char *gone)
{
  ExtensionWait wait = { f, shown, gone };

  if (!rb_ui_wait_for (extensions_are, &wait, 30))
    g_error ("the panel does not offer “%s” without “%s”", shown, gone);
}

static char *
book_label (PanelFixture *f, int minutes, int until_hour, int until_minute)
{
  g_autofree char *until = clock_text (f, until_hour, until_minute);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute\n(until %s)",
                                       "%d minutes\n(until %s)", minutes),
                          minutes, until);
}

/* Staff number and PIN on the panel's keypad, each with OK. */
static void
identify (PanelFixture *f, const char *staff_number)
{
  GtkWidget *keypad = rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_type,
                                          GSIZE_TO_POINTER (RB_TYPE_KEYPAD));
  const char *typed[] = { staff_number, rb_ui_backend_demo_pin (staff_number) };

  g_assert_nonnull (keypad);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  for (guint i = 0; i < G_N_ELEMENTS (typed); i++)
    {
      for (const char *c = typed[i]; *c; c++)
        {
          char label[2] = { *c, '\0' };
          g_signal_emit_by_name (rb_ui_find (keypad, rb_ui_is_button_labelled, label), "clicked");
        }
      g_signal_emit_by_name (rb_ui_find (keypad, rb_ui_is_button_labelled, (gpointer) tr ("OK")),
                             "clicked");
    }
}

/* A booking of the room by a person at their desktop; the panel brought up to date. */
static RbBooking *
book_at_desk (PanelFixture *f, const char *staff_number, gint64 start, gint64 end,
              const char *title)
{
  RbClientService *desktop = rb_ui_backend_get_service (f->backend);
  g_autoptr (RbPerson) person G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, desktop,
                                                                     staff_number);
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, ROOM, NULL, rb_interval_make (start, end));
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  RbBooking *booking;

  rb_booking_set_title (request, title);
  rb_client_service_create_booking_async (desktop, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booking = rb_client_service_booking_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  rb_ui_backend_sync (f->backend, f->panel);
  return booking;
}

/* The room's active bookings today, as the server (or the store) has them. */
static GPtrArray *
room_bookings (PanelFixture *f)
{
  RbClientService *desktop = rb_ui_backend_get_service (f->backend);
  g_autoptr (RbPerson) admin G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, desktop, ADMIN);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL;
  GPtrArray *active = g_ptr_array_new_with_free_func (g_object_unref);

  rb_ui_backend_sync (f->backend, desktop);
  rb_client_service_list_bookings_async (desktop, NULL, ROOM, rb_interval_make (at (0, 0), at (23, 0)),
                                         NULL, rb_ui_keep_result_cb, &result);
  all = rb_client_service_list_finish (desktop, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < all->len; i++)
    if (rb_booking_state_is_active (rb_booking_get_state (g_ptr_array_index (all, i))))
      g_ptr_array_add (active, g_object_ref (g_ptr_array_index (all, i)));
  return active;
}

/* A count from the file that holds the bookings: the server's, or the standalone store. */
static gint64
count_in_authority (PanelFixture *f, const char *sql)
{
  g_autofree char *local = g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db",
                                             NULL);

  return rb_test_db_int (mode_of (f) == RB_UI_BACKEND_SERVER
                             ? rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend))
                             : local,
                         sql);
}

static RbBooking *
the_only_booking (PanelFixture *f)
{
  g_autoptr (GPtrArray) bookings = room_bookings (f);

  g_assert_cmpuint (bookings->len, ==, 1);
  return g_object_ref (g_ptr_array_index (bookings, 0));
}

/* An administrator changes the site's rules; the panel hears of it: from the server's
 * change feed, or — standalone, where the panel is the app on its own store — because the
 * administrator used the panel's app. */
static void
change_policy (PanelFixture *f, gboolean show_names, gboolean anonymous)
{
  RbClientService *admin = mode_of (f) == RB_UI_BACKEND_SERVER ? rb_ui_backend_add_client (f->backend)
                                                               : f->panel;
  g_autoptr (RbPerson) person G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, admin, ADMIN);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GAsyncResult) signed_out = NULL;
  g_autoptr (GError) error = NULL;
  RbPolicy policy;

  rb_client_service_get_policy (admin, &policy);
  policy.show_names = show_names;
  policy.panel_anonymous_booking = anonymous;
  rb_client_service_set_policy_async (admin, &policy, NULL, rb_ui_keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (admin, rb_ui_wait_result (&result), &error));
  g_assert_no_error (error);
  rb_client_service_sign_out_async (admin, NULL, rb_ui_keep_result_cb, &signed_out);
  g_assert_true (rb_client_service_boolean_finish (admin, rb_ui_wait_result (&signed_out), &error));
  g_assert_no_error (error);
  rb_ui_backend_sync (f->backend, f->panel);
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
fixture_set_up (PanelFixture *f, gconstpointer data)
{
  const PanelCase *c = data;

  f->backend = rb_ui_backend_new (c->mode, c->time == 1   ? early_now
                                           : c->time == 2 ? late_now
                                                          : frozen_now);
  f->panel = rb_ui_backend_add_panel (f->backend, ROOM);
  rb_ui_backend_wait_ready (f->panel);
  f->settings = g_settings_new (APP_ID);
  f->context = rb_context_new (f->panel, f->settings);
}

static void
fixture_tear_down (PanelFixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  rb_ui_settle (100);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  rb_ui_backend_free (f->backend);
}

/* ---- the tests ---------------------------------------------------------------------------- */

/* Free now, the next booking in words, its title only where the site allows it (the server
 * sends titles to the panel of the room then, and to no other device); at both sizes of a
 * door tablet. */
static void
test_free_and_next (PanelFixture *f, gconstpointer data)
{
  g_object_unref (book_at_desk (f, JONAS, at (11, 0), at (12, 0), "Jour fixe"));
  g_autoptr (RbBooking) review = NULL;
  g_autofree char *eleven = clock_text (f, 11, 0);
  g_autofree char *free_until = g_strdup_printf (tr ("Free until %s"), eleven);
  g_autofree char *from = clock_text (f, 11, 0);
  g_autofree char *to = clock_text (f, 12, 0);
  g_autofree char *when = g_strdup_printf (tr ("%s–%s"), from, to);
  g_autofree char *next = g_strdup_printf (tr ("Next: %s"), when);
  g_autofree char *ten = clock_text (f, 10, 0);
  g_autofree char *half_past = clock_text (f, 10, 30);
  g_autofree char *review_when = g_strdup_printf (tr ("%s–%s"), ten, half_past);
  g_autofree char *next_titled = g_strdup_printf (tr ("Next: %s — %s"), review_when,
                                                  "Sprint review");
  g_autofree char *accessible = NULL;
  g_autofree char *hour = book_label (f, 60, 10, 30);
  GtkWidget *icon;

  open_window (f, 1280, 800);
  wait_for_label (f, "now_label", free_until);
  wait_for_label (f, "next_label", next);
  g_assert_cmpstr (label_of (f, "state_word"), ==, tr ("Free"));
  g_assert_cmpstr (label_of (f, "room_label"), ==, "Besprechung Siebengebirge");
  /* Not colour alone: a word and an icon, and a screen reader hears all of it. */
  icon = rb_ui_child_by_id (GTK_WIDGET (f->window), "state_icon");
  g_assert_cmpstr (gtk_image_get_icon_name (GTK_IMAGE (icon)), ==, "emblem-ok-symbolic");
  accessible = g_strdup_printf ("%s: %s. %s. %s", "Besprechung Siebengebirge", tr ("Free"),
                                free_until, next);
  gtk_test_accessible_assert_property (rb_ui_child_by_id (GTK_WIDGET (f->window), "state_box"),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, accessible);
  /* Book now offers what ends before 11:00. */
  g_assert_nonnull (button (f, hour));
  g_assert_false (rb_panel_window_get_dimmed (f->window));
  screenshot (f, "1-free");
  close_window (f);

  /* The site lets panels show titles: the next booking says what it is. */
  change_policy (f, TRUE, 0);
  review = book_at_desk (f, JONAS, at (10, 0), at (10, 30), "Sprint review");
  open_window (f, 800, 1280);
  wait_for_label (f, "next_label", next_titled);
  screenshot (f, "1-free");
}

/* Book now for 30 minutes with staff number and PIN: busy until then, booked for Jonas. */
static void
test_book_now_with_pin (PanelFixture *f, gconstpointer data)
{
  g_autofree char *label = book_label (f, 30, 10, 0);
  g_autofree char *ten = clock_text (f, 10, 0);
  g_autofree char *booked = g_strdup_printf (tr ("Booked until %s"), ten);
  g_autofree char *busy = g_strdup_printf (tr ("Busy until %s"), ten);
  g_autoptr (RbBooking) booking = NULL;

  open_window (f, 1280, 800);
  click (f, label);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  screenshot (f, "2-identify");
  identify (f, JONAS);
  wait_for_label (f, "message_label", booked);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  wait_for_label (f, "now_label", busy);
  g_assert_cmpstr (label_of (f, "state_word"), ==, tr ("Busy"));
  screenshot (f, "3-busy");
  /* Nobody stays signed in on the panel. */
  g_assert_null (rb_client_service_get_person (f->panel));

  booking = the_only_booking (f);
  g_assert_cmpint (rb_booking_get_start (booking), ==, at (9, 15));
  g_assert_cmpint (rb_booking_get_end (booking), ==, at (10, 0));
  g_assert_cmpint (count_in_authority (f, "SELECT count(*) FROM bookings b JOIN people p"
                                          " ON p.id = b.person_id WHERE p.staff_number = '14475'"
                                          " AND b.space_id = 'a0-r02'"), ==, 1);
}

/* For screen readers and switches (issue 15): no empty message, cells of the buttons that
 * take no focus, buttons named by what they do, the focus on the keypad's first key and back
 * on the first button, and no staff number left on the keypad's screen after Cancel. */
static void
test_accessible (PanelFixture *f, gconstpointer data)
{
  g_autofree char *label = book_label (f, 30, 10, 0);
  g_autofree char *ten = clock_text (f, 10, 0);
  g_autofree char *spoken
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Book now for %d minute, until %s",
                                      "Book now for %d minutes, until %s", 30),
                         30, ten);
  GtkWidget *message_label;
  GtkWidget *book;
  GtkWidget *focus;

  open_window (f, 1280, 800);
  click (f, label);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  rb_ui_settle (100);
  message_label = rb_ui_child_by_id (GTK_WIDGET (f->window), "message_label");
  /* No alert without words. */
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message_label)), ==, "");
  g_assert_false (gtk_widget_get_visible (message_label));
  /* The screen not shown is not there for a screen reader either. */
  g_assert_false (gtk_widget_get_visible (
      gtk_widget_get_parent (rb_ui_child_by_id (GTK_WIDGET (f->window), "book_title"))));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (focus)), ==, "1");

  /* Keys clicked as a switch clicks them, without input events. */
  g_signal_emit_by_name (focus, "clicked");
  g_signal_emit_by_name (focus, "clicked");
  g_assert_cmpstr (label_of (f, "identify_value"), ==, "11");
  click (f, tr ("Cancel"));
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  /* Nobody's staff number stays behind on the keypad's screen. */
  g_assert_cmpstr (label_of (f, "identify_value"), ==, "");
  g_assert_false (gtk_widget_get_visible (message_label));

  book = button (f, label);
  g_assert_nonnull (book);
  gtk_test_accessible_assert_property (book, GTK_ACCESSIBLE_PROPERTY_LABEL, spoken);
  /* The flow box's cell is no stop of its own for the focus, and is named. */
  g_assert_false (gtk_widget_get_focusable (gtk_widget_get_parent (book)));
  gtk_test_accessible_assert_property (gtk_widget_get_parent (book), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       spoken);
  /* Back home, the focus is on the first thing to do. */
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_parent (focus) != NULL
                 && GTK_IS_FLOW_BOX_CHILD (gtk_widget_get_parent (focus)));
  gtk_test_accessible_assert_property (
      rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (RB_TYPE_KEYPAD)),
      GTK_ACCESSIBLE_PROPERTY_LABEL, tr ("Keypad"));
}

/* Without the site's leave, Book now asks who books, and the service books for nobody
 * not at all; with it, one tap books, owned by nobody, shown as booked at the door. */
static void
test_anonymous_only_where_allowed (PanelFixture *f, gconstpointer data)
{
  g_autofree char *label = book_label (f, 30, 10, 0);
  g_autofree char *ten = clock_text (f, 10, 0);
  g_autofree char *booked = g_strdup_printf (tr ("Booked until %s"), ten);
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, ROOM, NULL,
                                                  rb_interval_make (at (9, 15), at (9, 45)));
  g_autoptr (RbBooking) refused = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  open_window (f, 1280, 800);
  click (f, label);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  rb_ui_click (button (f, tr ("Cancel")));
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");

  rb_client_service_create_booking_async (f->panel, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  refused = rb_client_service_booking_finish (f->panel, rb_ui_wait_result (&result), &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED);
  g_assert_null (refused);

  change_policy (f, FALSE, TRUE);
  wait_for_label (f, "book_title", tr ("Book now"));
  click (f, label);
  wait_for_label (f, "message_label", booked);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  wait_for_label_containing (f, "now_label", tr ("Booked at the door"));
  screenshot (f, "4-anonymous");

  booking = the_only_booking (f);
  g_assert_cmpint (rb_booking_get_end (booking), ==, at (10, 0));
  g_assert_cmpint (count_in_authority (f, "SELECT count(*) FROM bookings WHERE person_id IS NULL"
                                          " AND space_id = 'a0-r02'"), ==, 1);
}

/* Booked for nobody at this door, the booking is extended and ended early at the same
 * panel without anybody's PIN: the keypad never comes up. */
static void
test_anonymous_end_and_extend (PanelFixture *f, gconstpointer data)
{
  g_autofree char *label = book_label (f, 30, 10, 0);
  g_autofree char *ten = clock_text (f, 10, 0);
  g_autofree char *booked = g_strdup_printf (tr ("Booked until %s"), ten);
  g_autofree char *extend15 = g_strdup_printf (tr ("Extend by %d minutes"), 15);
  g_autofree char *quarter_past = clock_text (f, 10, 15);
  g_autofree char *extended = g_strdup_printf (tr ("Extended until %s"), quarter_past);
  g_autofree char *busy = g_strdup_printf (tr ("Busy until %s"), quarter_past);
  g_autofree char *half_past = clock_text (f, 9, 30);
  g_autofree char *ends = g_strdup_printf (tr ("The booking now ends at %s."), half_past);
  g_autoptr (RbBooking) after = NULL;

  change_policy (f, FALSE, TRUE);
  open_window (f, 1280, 800);
  wait_for_label (f, "book_title", tr ("Book now"));
  click (f, label);
  /* The answer first: the panel does one thing at a time. */
  wait_for_label (f, "message_label", booked);
  wait_for_label_containing (f, "now_label", tr ("Booked at the door"));

  click (f, extend15);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  wait_for_label (f, "message_label", extended);
  /* The panel knows the booking as it is now before it changes it again. */
  wait_for_label_containing (f, "now_label", busy);
  click (f, tr ("End early"));
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  wait_for_label (f, "message_label", ends);

  after = the_only_booking (f);
  g_assert_true (rb_booking_get_at_door (after));
  g_assert_cmpint (rb_booking_get_start (after), ==, at (9, 15));
  g_assert_cmpint (rb_booking_get_end (after), ==, at (9, 30));
  g_assert_null (rb_client_service_get_person (f->panel));
}

/* Jonas booked the room from 09:15; at the door he checks in. */
static void
test_check_in_at_the_door (PanelFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) mine = book_at_desk (f, JONAS, at (9, 15), at (10, 30), NULL);
  g_autoptr (RbBooking) after = NULL;

  open_window (f, 800, 1280);
  wait_for_label (f, "state_word", tr ("Busy"));
  screenshot (f, "5-check-in");
  click (f, tr ("Check in"));
  identify (f, JONAS);
  wait_for_label (f, "message_label", tr ("You are checked in."));
  /* Checked in, there is nothing more to check in to; ending early still is there. */
  wait_for_extensions (f, tr ("End early"), tr ("Check in"));

  after = the_only_booking (f);
  g_assert_cmpstr (rb_booking_get_id (after), ==, rb_booking_get_id (mine));
  g_assert_cmpint (rb_booking_get_state (after), ==, RB_BOOKING_STATE_CHECKED_IN);
}

/* What a badge reader types reaches the panel's key controller as keys (issue 12). */
static void
type_keys (PanelFixture *f, const char *text)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (f->window));
  GtkEventController *keys = NULL;
  gboolean handled = FALSE;

  for (guint i = 0; keys == NULL && i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_KEY (controller))
        keys = controller;
    }
  g_assert_nonnull (keys);
  for (const char *c = text; *c != '\0'; c++)
    g_signal_emit_by_name (keys, "key-pressed", gdk_unicode_to_keyval (*c), 0, 0, &handled);
  g_signal_emit_by_name (keys, "key-pressed", GDK_KEY_Return, 0, 0, &handled);
}

/* Jonas's registered badge checks him in at the door without a PIN. */
static void
test_check_in_with_badge (PanelFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) mine = book_at_desk (f, JONAS, at (9, 15), at (10, 30), NULL);
  RbClientService *admin = rb_ui_backend_add_client (f->backend);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) person = NULL;
  g_autoptr (RbBooking) after = NULL;

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, admin, ADMIN) });
  rb_client_service_register_badge_async (admin, "p-14475", "04a23b9c1180", NULL,
                                          rb_ui_keep_result_cb, &result);
  person = rb_client_service_json_finish (admin, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);

  open_window (f, 800, 1280);
  wait_for_label (f, "state_word", tr ("Busy"));
  click (f, tr ("Check in"));
  type_keys (f, "04a23b9c1180");
  wait_for_label (f, "message_label", tr ("You are checked in."));
  after = the_only_booking (f);
  g_assert_cmpstr (rb_booking_get_id (after), ==, rb_booking_get_id (mine));
  g_assert_cmpint (rb_booking_get_state (after), ==, RB_BOOKING_STATE_CHECKED_IN);
}

/* The meeting ends early: the rest is given back, from the end of the running slot. */
static void
test_end_early (PanelFixture *f, gconstpointer data)
{
  g_object_unref (book_at_desk (f, JONAS, at (9, 15), at (10, 30), NULL));
  g_autofree char *half_past = clock_text (f, 9, 30);
  g_autofree char *ends = g_strdup_printf (tr ("The booking now ends at %s."), half_past);
  g_autoptr (RbBooking) after = NULL;

  open_window (f, 1280, 800);
  wait_for_label (f, "state_word", tr ("Busy"));
  click (f, tr ("End early"));
  identify (f, JONAS);
  wait_for_label (f, "message_label", ends);

  after = the_only_booking (f);
  g_assert_cmpint (rb_booking_get_end (after), ==, at (9, 30));
}

/* Extend by 30 minutes when the room is free after; someone else may not. */
static void
test_extend (PanelFixture *f, gconstpointer data)
{
  g_object_unref (book_at_desk (f, JONAS, at (9, 15), at (10, 0), NULL));
  g_object_unref (book_at_desk (f, "17157", at (10, 45), at (11, 30), NULL));
  g_autofree char *extend30 = g_strdup_printf (tr ("Extend by %d minutes"), 30);
  g_autofree char *half_past = clock_text (f, 10, 30);
  g_autofree char *extended = g_strdup_printf (tr ("Extended until %s"), half_past);
  g_autofree char *extend15 = g_strdup_printf (tr ("Extend by %d minutes"), 15);
  g_autoptr (GPtrArray) bookings = NULL;

  open_window (f, 1280, 800);
  wait_for_label (f, "state_word", tr ("Busy"));
  click (f, extend30);
  identify (f, JONAS);
  wait_for_label (f, "message_label", extended);
  /* Up to 10:30; the next booking at 10:45 leaves room for 15 minutes more, not 30. */
  wait_for_extensions (f, extend15, extend30);
  screenshot (f, "6-extended");

  bookings = room_bookings (f);
  g_assert_cmpuint (bookings->len, ==, 2);
  g_assert_cmpint (rb_booking_get_end (g_ptr_array_index (bookings, 0)), ==, at (10, 30));
}

/* Before the building opens the panel dims and says when it opens; nothing can be booked. */
static void
test_closed_dims (PanelFixture *f, gconstpointer data)
{
  g_autofree char *six = clock_text (f, 6, 0);
  g_autofree char *closed = g_strdup_printf (tr ("Closed until today, %s"), six);

  open_window (f, 1280, 800);
  wait_for_label (f, "now_label", closed);
  g_assert_cmpstr (label_of (f, "state_word"), ==, tr ("Closed"));
  g_assert_true (rb_panel_window_get_dimmed (f->window));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (f->window), "rb-panel-dimmed"));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (GTK_WIDGET (f->window), "book_title")));
  screenshot (f, "7-closed");
}

/* After closing the panel says that it opens tomorrow, not only at what time. */
static void
test_closed_until_tomorrow (PanelFixture *f, gconstpointer data)
{
  g_autofree char *six = clock_text (f, 6, 0);
  g_autofree char *closed = g_strdup_printf (tr ("Closed until tomorrow, %s"), six);

  open_window (f, 1280, 800);
  wait_for_label (f, "now_label", closed);
  g_assert_cmpstr (label_of (f, "state_word"), ==, tr ("Closed"));
  g_assert_true (rb_panel_window_get_dimmed (f->window));
  screenshot (f, "9-closed-until-tomorrow");
}

static gboolean
pointer_is_null (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static gboolean
nobody_signed_in (gpointer data)
{
  return rb_client_service_get_person (data) == NULL;
}

/* The lock button: anybody else's PIN leaves the panel where it is; an administrator's
 * closes it. */
static void
test_admin_leaves (PanelFixture *f, gconstpointer data)
{
  GtkWidget *lock;
  gpointer window;

  open_window (f, 1280, 800);
  wait_for_label (f, "state_word", tr ("Free"));
  lock = rb_ui_child_by_id (GTK_WIDGET (f->window), "admin_button");
  rb_ui_click (lock);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  identify (f, JONAS);
  wait_for_label (f, "message_label", tr ("Only an administrator can leave the panel."));
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "home");
  /* The window-manager's close is refused, as before. */
  gtk_window_close (GTK_WINDOW (f->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));

  window = f->window;
  g_object_add_weak_pointer (G_OBJECT (window), &window);
  rb_ui_click (lock);
  identify (f, ADMIN);
  if (!rb_ui_wait_for (pointer_is_null, &window, 30))
    g_error ("an administrator's PIN did not close the panel");
  f->window = NULL;
  /* Nobody stays signed in. */
  g_assert_true (rb_ui_wait_for (nobody_signed_in, f->panel, 30));
}

typedef struct
{
  RbApplication *app;
  RbPanelWindow *old;
} ReplacedWait;

/* Another panel window took the old one's place. */
static gboolean
replaced (gpointer data)
{
  ReplacedWait *wait = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (wait->app));

  return windows != NULL && windows->next == NULL && windows->data != wait->old
         && RB_IS_PANEL_WINDOW (windows->data);
}

static gboolean
is_german (void)
{
  return g_str_equal (tr ("Free"), "Frei");
}

/* The language button builds the panel anew in the other language; the idle reset brings
 * back the panel's own. */
static void
test_language_reset_restores (PanelFixture *f, gconstpointer data)
{
  g_autoptr (RbApplication) app = rb_application_new ();
  g_autoptr (GError) error = NULL;
  /* Fixed before the switch: the catalogue follows the language shown. */
  gboolean german = is_german ();
  const char *other = german ? "English" : "Deutsch";
  const char *back = german ? "Deutsch" : "English";
  const char *free_own = german ? "Frei" : "Free";
  const char *free_other = german ? "Free" : "Frei";
  ReplacedWait wait = { app, NULL };

  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  f->window = rb_panel_window_new (app, f->context, ROOM);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  wait_for_label (f, "state_word", free_own);

  wait.old = f->window;
  click (f, other);
  g_assert_true (rb_ui_wait_for (replaced, &wait, 10));
  f->window = gtk_application_get_windows (GTK_APPLICATION (app))->data;
  wait_for_label (f, "state_word", free_other);
  g_assert_nonnull (button (f, back));
  screenshot (f, "10-other-language");

  wait.old = f->window;
  rb_panel_window_reset (f->window);
  g_assert_true (rb_ui_wait_for (replaced, &wait, 10));
  f->window = gtk_application_get_windows (GTK_APPLICATION (app))->data;
  wait_for_label (f, "state_word", free_own);
  g_assert_nonnull (button (f, other));
}

/* Real key events into the panel's X window, as a keyboard-wedge badge reader types. */
static void
xdotool_keys (PanelFixture *f, const char *const *keys)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_strv_builder_add_many (builder, "xdotool", "windowfocus", "--sync", xid, "key",
                           "--clearmodifiers", NULL);
  g_strv_builder_addv (builder, (const char **) keys);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

/* A badge reader is a keyboard: it types the staff number and Enter. The panel takes the
 * digits and then asks for that person's PIN. */
static void
test_badge_keys (PanelFixture *f, gconstpointer data)
{
  static const char *const digits[] = { "1", "4", "4", "7", "5", NULL };
  static const char *const enter[] = { "Return", NULL };
  g_autofree char *label = book_label (f, 30, 10, 0);

  open_window (f, 1280, 800);
  click (f, label);
  g_assert_cmpstr (rb_panel_window_get_screen (f->window), ==, "identify");
  rb_ui_wait_laid_out (GTK_WIDGET (f->window));
  xdotool_keys (f, digits);
  wait_for_label (f, "identify_value", JONAS);
  xdotool_keys (f, enter);
  wait_for_label (f, "identify_title", tr ("Type your PIN, then OK"));
  g_assert_cmpstr (label_of (f, "identify_value"), ==, "");
  screenshot (f, "11-badge-pin");
}

/* The server goes away: the panel keeps the schedule it knew and says since when. */
static void
test_offline_shows_last_schedule (PanelFixture *f, gconstpointer data)
{
  g_object_unref (book_at_desk (f, JONAS, at (9, 15), at (10, 30), NULL));
  g_autofree char *half_past = clock_text (f, 10, 30);
  g_autofree char *busy = g_strdup_printf (tr ("Busy until %s"), half_past);
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) parts = NULL;

  if (mode_of (f) == RB_UI_BACKEND_LOCAL)
    {
      g_test_skip ("a standalone panel has its own store and is never offline");
      return;
    }
  open_window (f, 1280, 800);
  wait_for_label (f, "now_label", busy);
  rb_test_server_stop (rb_ui_backend_get_server (f->backend));
  g_assert_false (rb_ui_backend_try_sync (f->backend, f->panel, &error));
  g_assert_false (rb_client_service_get_online (f->panel));
  parts = g_strsplit (tr ("Offline since %s — showing the last known schedule"), "%s", 2);
  wait_for_label_containing (f, "offline_label", parts[1]);
  g_assert_true (g_str_has_prefix (label_of (f, "offline_label"), parts[0]));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (GTK_WIDGET (f->window), "offline_label")));
  /* The last known schedule stays. */
  g_assert_cmpstr (label_of (f, "now_label"), ==, busy);
  screenshot (f, "8-offline");
}

/* ---- main --------------------------------------------------------------------------------- */

typedef void (*PanelTest) (PanelFixture *f, gconstpointer data);

static void
add_test (const char *name, PanelTest test, int time)
{
  static const PanelCase cases[] = {
    { RB_UI_BACKEND_LOCAL, 0 },  { RB_UI_BACKEND_SERVER, 0 }, { RB_UI_BACKEND_LOCAL, 1 },
    { RB_UI_BACKEND_SERVER, 1 }, { RB_UI_BACKEND_LOCAL, 2 },  { RB_UI_BACKEND_SERVER, 2 },
  };

  for (guint i = time * 2; i < time * 2 + 2u; i++)
    {
      g_autofree char *path = g_strdup_printf ("/panel/%s/%s",
                                               rb_ui_backend_mode_name (cases[i].mode), name);

      g_test_add (path, PanelFixture, &cases[i], fixture_set_up, test, fixture_tear_down);
    }
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
  rb_ui_load_app_css ();
  frozen_now = at (9, 20);
  early_now = at (5, 30);
  late_now = at (21, 0);

  add_test ("free-and-next", test_free_and_next, 0);
  add_test ("book-now-with-pin", test_book_now_with_pin, 0);
  add_test ("accessible", test_accessible, 0);
  add_test ("anonymous-only-where-allowed", test_anonymous_only_where_allowed, 0);
  add_test ("anonymous-end-and-extend", test_anonymous_end_and_extend, 0);
  add_test ("check-in-at-the-door", test_check_in_at_the_door, 0);
  add_test ("check-in-with-badge", test_check_in_with_badge, 0);
  add_test ("end-early", test_end_early, 0);
  add_test ("extend", test_extend, 0);
  add_test ("closed-dims", test_closed_dims, 1);
  add_test ("closed-until-tomorrow", test_closed_until_tomorrow, 2);
  add_test ("offline-shows-last-schedule", test_offline_shows_last_schedule, 0);
  add_test ("admin-leaves", test_admin_leaves, 0);
  add_test ("language-reset-restores", test_language_reset_restores, 0);
  add_test ("badge-keys", test_badge_keys, 0);
  return g_test_run ();
}
