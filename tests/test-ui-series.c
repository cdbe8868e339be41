/* test-ui-series.c: the Team Reservations and Occupancy pages of the desktop window under
 * Xvfb, driven through their real widgets: a team lead checks a sprint that meets an existing
 * booking and reads the translated conflict before anything is written, then reserves the
 * free days; a regular slot every other week; cancelling the rest of a series; who sees
 * which page; a facility manager reads a hand-computed utilisation and forecast in the heat
 * map, exports the CSV, blocks a space and lifts the block.
 *
 * Every case runs twice with the same assertions (in English and in German, see
 * tests/meson.build): /local/… on the app's own store, /server/… against a real
 * raumbuch-server (rb-ui-backend.h), where checking days is the server's dry run and the
 * figures are the server's. What was written is read from the authority's database file.
 * /server/offline/… stops the server under a page that needs it. With RB_SCREENSHOT_DIR set
 * it writes PNGs of every page in both modes. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-block-dialog.h"
#include "rb-context.h"
#include "rb-date-picker.h"
#include "rb-heat-map.h"
#include "rb-local-service.h"
#include "rb-occupancy-page.h"
#include "rb-series-page.h"
#include "rb-test-util.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 07:00 in Berlin: the frozen "now" of every test here. */
static gint64 frozen_now;
static GTimeZone *berlin;

/* The demo people the tests act as (README.md). */
#define JONAS "14475"     /* staff */
#define ANNA "13663"      /* team lead */
#define UWE "86586"       /* facility manager */
#define CHRISTIAN "95113" /* admin */

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  RbWindow *window;
  char *authority_db;
} UiFixture;

static gboolean
is_german (void)
{
  return g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de");
}

static gint64
berlin_time (int month, int day, int hour, int minute)
{
  return rb_local_to_utc (berlin, 2026, month, day, hour, minute);
}

/* ---- the fixture --------------------------------------------------------------------------- */

/* The backend only: a test that prepares the authority's file does so before the window's
 * client exists (use_service). */
static void
fixture_set_up (UiFixture *f, gconstpointer data)
{
  f->mode = GPOINTER_TO_INT (data);
  f->backend = rb_ui_backend_new (f->mode, frozen_now);
  f->settings = g_settings_new (APP_ID);
  f->authority_db
      = f->mode == RB_UI_BACKEND_SERVER
            ? g_strdup (rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend)))
            : g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db", NULL);
}

static void
fixture_tear_down (UiFixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->backend, rb_ui_backend_free);
  g_free (f->authority_db);
}

/* The window's client, with this person signed in. */
static void
use_service (UiFixture *f, const char *staff_number)
{
  g_autoptr (RbPerson) person = NULL;

  f->service = rb_ui_backend_get_service (f->backend);
  f->context = rb_context_new (f->service, f->settings);
  person = rb_ui_backend_sign_in (f->backend, f->service, staff_number);
}

static void
open_window (UiFixture *f)
{
  f->window = rb_ui_open_window (f->context);
}

/* "series-page-check-local", "series-page-check-server". */
static void
screenshot (UiFixture *f, GtkWidget *widget, const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, rb_ui_backend_mode_name (f->mode));

  rb_ui_settle (300);
  rb_ui_save_screenshot (widget, full);
}

/* The single number that sql gives on the authority's database: what was really written. */
static gint64 authority_int (UiFixture *f, const char *sql_format, ...) G_GNUC_PRINTF (2, 3);

static gint64
authority_int (UiFixture *f, const char *sql_format, ...)
{
  va_list args;
  g_autofree char *sql = NULL;

  va_start (args, sql_format);
  sql = g_strdup_vprintf (sql_format, args);
  va_end (args);
  return rb_test_db_int (f->authority_db, sql);
}

/* Another desktop with this person signed in. */
static RbClientService *
other_desktop (UiFixture *f, const char *staff_number)
{
  RbClientService *service = rb_ui_backend_add_client (f->backend);
  g_autoptr (RbPerson) person G_GNUC_UNUSED = rb_ui_backend_sign_in (f->backend, service, staff_number);

  return service;
}

static void
book (RbClientService *service, const char *space_id, gint64 start, gint64 end)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request
      = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));
  g_autoptr (RbBooking) booking = NULL;

  rb_client_service_create_booking_async (service, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booking = rb_client_service_booking_finish (service, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (booking);
}

/* ---- finding widgets -------------------------------------------------------------------- */

static gboolean
dropdown_filled (gpointer dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  return model != NULL && g_list_model_get_n_items (model) > 0;
}

static gboolean
dropdown_lookup (GtkDropDown *dropdown, const char *prefix, gboolean suffix, guint *out_index)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);
      const char *text = gtk_string_object_get_string (item);

      if (suffix ? g_str_has_suffix (text, prefix) : g_str_has_prefix (text, prefix))
        {
          *out_index = i;
          return TRUE;
        }
    }
  return FALSE;
}

typedef struct
{
  GtkDropDown *dropdown;
  const char *text;
  gboolean suffix;
} ItemWait;

static gboolean
has_item (gpointer data)
{
  ItemWait *wait = data;
  guint index;

  return dropdown_lookup (wait->dropdown, wait->text, wait->suffix, &index);
}

/* Chooses the item that begins (or ends) with text, once the list has it. */
static void
choose_item (GtkWidget *dropdown, const char *text, gboolean suffix)
{
  ItemWait wait = { GTK_DROP_DOWN (dropdown), text, suffix };
  guint index = 0;

  if (!rb_ui_wait_for (has_item, &wait, 20))
    g_error ("no item “%s”", text);
  dropdown_lookup (GTK_DROP_DOWN (dropdown), text, suffix, &index);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), index);
}

static gboolean
series_page_idle (gpointer page)
{
  return !rb_series_page_is_busy (page);
}

static gboolean
occupancy_page_idle (gpointer page)
{
  return !rb_occupancy_page_is_loading (page);
}

static gboolean
error_revealed (gpointer page)
{
  return gtk_revealer_get_reveal_child (GTK_REVEALER (rb_ui_child_by_id (page, "error_revealer")));
}

static const char *
error_text (GtkWidget *page)
{
  return gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (page, "error_label")));
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
list_has_rows (gpointer list)
{
  return gtk_list_box_get_row_at_index (list, 0) != NULL;
}

static gboolean
list_is_empty (gpointer list)
{
  return gtk_list_box_get_row_at_index (list, 0) == NULL;
}

/* The list's placeholder is on screen: a child that is not a row. */
static gboolean
placeholder_shown (gpointer list)
{
  for (GtkWidget *child = gtk_widget_get_first_child (list); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (!GTK_IS_LIST_BOX_ROW (child) && gtk_widget_get_mapped (child))
      return TRUE;
  return FALSE;
}

static AdwMessageDialog *
message_dialog (void)
{
  return ADW_MESSAGE_DIALOG (rb_ui_find_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

static gboolean
dialog_shown (gpointer data)
{
  return message_dialog () != NULL;
}

/* ---- team reservations ------------------------------------------------------------------ */

/* The series page of the window, on Projektraum Rhein (1. OG). */
static GtkWidget *
open_series_page (UiFixture *f)
{
  GtkWidget *page;

  g_assert_true (rb_ui_page_offered (f->window, "series"));
  page = rb_ui_show_page (f->window, "series");
  g_assert_true (RB_IS_SERIES_PAGE (page));
  g_assert_true (rb_ui_wait_for (dropdown_filled, rb_ui_child_by_id (page, "floor_dropdown"), 20));
  choose_item (rb_ui_child_by_id (page, "floor_dropdown"), "1. OG", FALSE);
  choose_item (rb_ui_child_by_id (page, "room_dropdown"), "Projektraum Rhein", FALSE);
  return page;
}

static void
check_days (GtkWidget *page)
{
  rb_ui_click (rb_ui_child_by_id (page, "check_button"));
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
  rb_ui_settle (50);
}

/* Someone has the room on one day of a sprint. Check Days lists every day with its state —
 * the conflict in the UI's language, with the time — and writes nothing; with a server the
 * days are checked by the server's dry run (the booking was made on another desktop). Reserve
 * then books the free days as one series. */
static void
test_series_conflict_then_reserve (UiFixture *f, gconstpointer data)
{
  GtkWidget *page, *conflict_label, *reserve;
  GtkListBox *days;
  const char *reason
      = g_dgettext (GETTEXT_PACKAGE, "The space is already booked for part of this time.");
  g_autofree char *conflict_prefix
      = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Conflict: %s"), reason);
  RbClientService *jonas;

  use_service (f, ANNA);
  /* Jonas has Projektraum Rhein on Wednesday 9 December, 10:00–11:00: inside the default
   * sprint (Monday 7 to Friday 18 December, Monday to Friday, 09:00–17:00). */
  jonas = other_desktop (f, JONAS);
  book (jonas, "a1-r02", berlin_time (12, 9, 10, 0), berlin_time (12, 9, 11, 0));
  open_window (f);
  g_assert_false (rb_ui_page_offered (f->window, "occupancy"));
  page = open_series_page (f);
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (page, "title_row")), "Sprint 42");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "attendees_spin")), 6);
  adw_combo_row_set_selected (ADW_COMBO_ROW (rb_ui_child_by_id (page, "mode_row")), 1);

  /* No series yet, and the list says so. */
  g_assert_true (rb_ui_wait_for (placeholder_shown, rb_ui_child_by_id (page, "series_list"), 20));
  if (!is_german ())
    g_assert_nonnull (rb_ui_find_visible (rb_ui_child_by_id (page, "series_list"),
                                          rb_ui_is_label_containing, "No series yet."));

  check_days (page);
  g_assert_false (error_revealed (page));
  conflict_label = rb_ui_find (page, rb_ui_is_label_containing, conflict_prefix);
  g_assert_nonnull (conflict_label);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (conflict_label)), "10:00"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (conflict_label)), "11:00"));
  /* Ten working days, one row each. */
  days = GTK_LIST_BOX (rb_ui_child_by_id (page, "occurrence_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (days, 9));
  g_assert_null (gtk_list_box_get_row_at_index (days, 10));
  /* Checking wrote nothing. */
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM bookings WHERE person_id = 'p-13663'"),
                   ==, 0);
  screenshot (f, GTK_WIDGET (f->window), "series-page-check");

  /* Reserving the free days writes nine bookings of one series. */
  reserve = rb_ui_child_by_id (page, "reserve_button");
  rb_ui_click (reserve);
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
  g_assert_false (error_revealed (page));
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM bookings WHERE person_id = 'p-13663'"
                                     " AND state = 'booked' AND space_id = 'a1-r02'"
                                     " AND title = 'Sprint 42' AND attendees = 6"),
                   ==, 9);
  g_assert_cmpint (authority_int (f, "SELECT count(DISTINCT series_id) FROM bookings"
                                     " WHERE person_id = 'p-13663' AND series_id IS NOT NULL"),
                   ==, 1);
  g_assert_false (gtk_widget_get_sensitive (reserve));
  /* And the series is listed below, in place of the placeholder. */
  g_assert_true (rb_ui_wait_for (list_has_rows, rb_ui_child_by_id (page, "series_list"), 20));
  g_assert_false (placeholder_shown (rb_ui_child_by_id (page, "series_list")));
  screenshot (f, GTK_WIDGET (f->window), "series-page-reserved");
}

/* Mondays and Thursdays every other week, 7 December to 31 January: 7 and 10 December, 21 and
 * 24 December, 4 and 7 January, 18 and 21 January. */
static void
test_every_other_week (UiFixture *f, gconstpointer data)
{
  GtkWidget *page, *button;
  GtkListBox *days;
  GtkListBoxRow *row;
  g_autofree char *last = NULL;

  use_service (f, ANNA);
  open_window (f);
  page = open_series_page (f);
  button = gtk_widget_get_first_child (rb_ui_child_by_id (page, "weekday_box"));
  for (guint i = 0; i < 7; i++, button = gtk_widget_get_next_sibling (button))
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), i == 0 || i == 3);
  {
    g_autoptr (GDateTime) end = g_date_time_new_local (2027, 1, 31, 12, 0, 0);

    rb_date_picker_select_day (RB_DATE_PICKER (rb_ui_child_by_id (page, "end_calendar")), end);
  }
  adw_combo_row_set_selected (ADW_COMBO_ROW (rb_ui_child_by_id (page, "repeat_row")), 1);
  check_days (page);

  g_assert_false (error_revealed (page));
  days = GTK_LIST_BOX (rb_ui_child_by_id (page, "occurrence_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (days, 7));
  g_assert_null (gtk_list_box_get_row_at_index (days, 8));
  row = gtk_list_box_get_row_at_index (days, 7);
  last = rb_time_format_local (berlin, rb_local_to_utc (berlin, 2027, 1, 21, 9, 0),
                               g_dpgettext2 (GETTEXT_PACKAGE, "date with year", "%a %-e %b %Y"));
  g_assert_true (
      g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), last));
}

static gboolean
is_cancel_following_button (GtkWidget *widget, gpointer booking_id)
{
  GVariant *target;
  const char *series_id, *id;

  if (!GTK_IS_BUTTON (widget)
      || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
                    "series.cancel-following")
             != 0)
    return FALSE;
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
  g_variant_get (target, "(&s&s)", &series_id, &id);
  return g_str_equal (id, booking_id);
}

/* The team lead's series below the form: Cancel This and Following on the third day cancels
 * it and the days after it, after a confirmation; the first two stay. */
static void
test_cancel_this_and_following (UiFixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GAsyncResult) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *active = NULL;
  GtkWidget *page, *list;
  RbBooking *third;

  use_service (f, ANNA);
  /* Monday 7 to Friday 11 December, 09:00–12:00: five days. */
  request->id = g_uuid_string_random ();
  request->space_id = g_strdup ("a1-r02");
  request->person_id = g_strdup ("p-13663");
  request->first = rb_interval_make (berlin_time (12, 7, 9, 0), berlin_time (12, 7, 12, 0));
  request->rrule = g_strdup ("FREQ=DAILY;COUNT=5");
  request->title = g_strdup ("Review week");
  request->attendees = 4;
  rb_client_service_create_series_async (f->service, request, NULL, rb_ui_keep_result_cb, &answer);
  result = rb_client_service_series_finish (f->service, rb_ui_wait_result (&answer), &error);
  g_assert_no_error (error);
  g_assert_true (result->created);
  g_assert_cmpuint (result->bookings->len, ==, 5);
  third = g_ptr_array_index (result->bookings, 2);
  rb_ui_backend_sync (f->backend, f->service);

  open_window (f);
  page = rb_ui_show_page (f->window, "series");
  list = rb_ui_child_by_id (page, "series_list");
  g_assert_true (rb_ui_wait_for (list_has_rows, list, 20));
  adw_expander_row_set_expanded (
      ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0)), TRUE);
  screenshot (f, GTK_WIDGET (f->window), "series-page-list");

  rb_ui_click (rb_ui_find (page, is_cancel_following_button, (gpointer)rb_booking_get_id (third)));
  g_assert_true (rb_ui_wait_for (dialog_shown, NULL, 10));
  adw_message_dialog_response (message_dialog (), "cancel-days");
  active = g_strdup_printf ("SELECT count(*) FROM bookings WHERE series_id = '%s'"
                            " AND state = 'booked'",
                            result->series_id);
  rb_ui_wait_for_db_int (f->authority_db, 2, active);
  g_assert_cmpint (authority_int (f,
                                  "SELECT count(*) FROM bookings WHERE series_id = '%s'"
                                  " AND state = 'booked' AND start < %" G_GINT64_FORMAT,
                                  result->series_id, rb_booking_get_start (third)),
                   ==, 2);
}

static gboolean
nothing_pending (gpointer service)
{
  return rb_client_service_get_pending (service) == 0;
}

/* Signing out while the team lead's series load: the answer that comes after is theirs, and
 * the list stays empty for whoever is at the screen now. */
static void
test_series_sign_out_while_loading (UiFixture *f, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GAsyncResult) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) floors = NULL;
  GtkWidget *page, *list;

  use_service (f, ANNA);
  request->id = g_uuid_string_random ();
  request->space_id = g_strdup ("a1-r02");
  request->person_id = g_strdup ("p-13663");
  request->first = rb_interval_make (berlin_time (12, 7, 9, 0), berlin_time (12, 7, 12, 0));
  request->rrule = g_strdup ("FREQ=DAILY;COUNT=2");
  rb_client_service_create_series_async (f->service, request, NULL, rb_ui_keep_result_cb,
                                         &answer);
  result = rb_client_service_series_finish (f->service, rb_ui_wait_result (&answer), &error);
  g_assert_no_error (error);
  rb_ui_backend_sync (f->backend, f->service);
  open_window (f);
  page = rb_ui_show_page (f->window, "series");
  list = rb_ui_child_by_id (page, "series_list");
  g_assert_true (rb_ui_wait_for (list_has_rows, list, 20));
  g_assert_true (rb_ui_wait_for (nothing_pending, f->service, 20));

  rb_client_service_emit_changed (f->service);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sign-out", NULL);
  g_assert_null (rb_context_get_person (f->context));
  /* The service answers in order: once a later call is answered, so is the series'. */
  g_clear_object (&answer);
  rb_client_service_list_floors_async (f->service, NULL, rb_ui_keep_result_cb, &answer);
  floors = rb_client_service_list_finish (f->service, rb_ui_wait_result (&answer), &error);
  g_assert_no_error (error);
  rb_ui_settle (50);
  g_assert_true (list_is_empty (list));
}

/* Team reservations are for team leads and admins, occupancy for facility managers and
 * admins: the pages follow whoever signs in, and the window leaves a page that goes. */
static void
test_pages_follow_the_person (UiFixture *f, gconstpointer data)
{
  g_autoptr (RbPerson) person = NULL;

  use_service (f, JONAS);
  open_window (f);
  g_assert_false (rb_ui_page_offered (f->window, "series"));
  g_assert_false (rb_ui_page_offered (f->window, "occupancy"));

  person = rb_ui_backend_sign_in (f->backend, f->service, ANNA);
  g_clear_object (&person);
  g_assert_true (rb_ui_page_offered (f->window, "series"));
  g_assert_false (rb_ui_page_offered (f->window, "occupancy"));
  rb_ui_show_page (f->window, "series");

  person = rb_ui_backend_sign_in (f->backend, f->service, UWE);
  g_clear_object (&person);
  g_assert_false (rb_ui_page_offered (f->window, "series"));
  g_assert_true (rb_ui_page_offered (f->window, "occupancy"));
  g_assert_cmpstr (
      adw_view_stack_get_visible_child_name (ADW_VIEW_STACK (rb_ui_find (
          GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)))),
      ==, "find");

  person = rb_ui_backend_sign_in (f->backend, f->service, CHRISTIAN);
  g_assert_true (rb_ui_page_offered (f->window, "series"));
  g_assert_true (rb_ui_page_offered (f->window, "occupancy"));
}

/* ---- occupancy -------------------------------------------------------------------------- */

static gint64 store_now;

static gint64
store_clock (gpointer data)
{
  return store_now;
}

/* Work queued on the store's thread holds the store until its answer arrives. */
static gboolean
store_released (gpointer store)
{
  return G_OBJECT (store)->ref_count == 1;
}

/* Monday 30 November, ground floor, 09:00–10:00: eight desks booked, six people check in, two
 * never come and are released. Two more desks are booked 14:00–16:00 and not yet due. Written
 * into the authority's own file as the day went, with its clock: standalone the store of the
 * window's client, with a server its file while the server is stopped. */
static void
write_occupancy_day (RbStore *store)
{
  static const char *const people[] = { "p-14475", "p-14835", "p-15350", "p-17157", "p-21343",
                                        "p-29753", "p-31196", "p-31464", "p-44289", "p-45132" };
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GError) error = NULL;

  store_now = frozen_now;
  rb_store_set_clock (store, store_clock, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *desk = g_strdup_printf ("a0-d%03u", i + 1);
      g_autofree char *id = rb_booking_new_id ();
      gint64 start = berlin_time (11, 30, i < 8 ? 9 : 14, 0);
      g_autoptr (RbBooking) request = rb_booking_new (
          id, desk, people[i], rb_interval_make (start, start + (i < 8 ? 3600 : 7200)));
      RbBooking *booking = rb_ui_store_create_booking (store, request, &error);

      g_assert_no_error (error);
      g_ptr_array_add (bookings, booking);
    }
  store_now = berlin_time (11, 30, 9, 5);
  for (guint i = 0; i < 6; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      g_autoptr (RbBooking) checked_in G_GNUC_UNUSED = rb_ui_store_check_in (
          store, rb_booking_get_id (booking), rb_booking_get_person_id (booking), &error);

      g_assert_no_error (error);
    }
  store_now = berlin_time (11, 30, 10, 30);
  g_assert_cmpint (rb_ui_store_release_no_shows (store, &error), ==, 2);
  g_assert_no_error (error);
  store_now = frozen_now;
}

static void
prepare_occupancy_day (UiFixture *f)
{
  RbTestServer *server = rb_ui_backend_get_server (f->backend);
  g_autoptr (GError) error = NULL;
  RbStore *store;

  if (f->mode == RB_UI_BACKEND_LOCAL)
    {
      write_occupancy_day (
          rb_local_service_get_store (RB_LOCAL_SERVICE (rb_ui_backend_get_service (f->backend))));
      return;
    }
  rb_test_server_stop (server);
  store = rb_store_open_sync (f->authority_db, &error);
  g_assert_no_error (error);
  write_occupancy_day (store);
  g_assert_true (rb_ui_wait_for (store_released, store, 10));
  g_assert_finalize_object (store);
  rb_test_server_start (server);
}

static GtkWidget *
open_occupancy_page (UiFixture *f)
{
  GtkWidget *page;

  g_assert_true (rb_ui_page_offered (f->window, "occupancy"));
  page = rb_ui_show_page (f->window, "occupancy");
  g_assert_true (RB_IS_OCCUPANCY_PAGE (page));
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 20));
  return page;
}

/* Runs what a widget's class binds to keyval (gtk_widget_class_add_binding), as the key would;
 * FALSE if nothing is bound or the binding declined. */
static gboolean
activate_class_binding (GtkWidget *widget, guint keyval, GdkModifierType modifiers)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger)
              && gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
              && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == modifiers)
            return gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut), 0, widget,
                                                 gtk_shortcut_get_arguments (shortcut));
        }
    }
  return FALSE;
}

/* The heat map for screen readers and the keyboard: a grid named by its heading, one cell
 * child per drawn cell labelled with floor, hour and value (the withheld one in words), one
 * Tab stop, and the arrows, Home and End move the focus from cell to cell. The data are
 * those of test_occupancy_heat_map_and_csv(); quarter is its 09 value on the ground floor. */
static void
check_heat_map_cells (RbHeatMap *heat_map, const char *quarter)
{
  GtkWidget *map = GTK_WIDGET (heat_map);
  GtkRoot *root = gtk_widget_get_root (map);
  const char *format = g_dpgettext2 (GETTEXT_PACKAGE, "heat map cell", "%s, %s: %s");
  g_autofree char *withheld_words
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "withheld, fewer than %d person",
                                      "withheld, fewer than %d people", 5),
                         5);
  g_autofree char *at_nine = g_strdup_printf (format, "Erdgeschoss", "09", quarter);
  g_autofree char *at_two = g_strdup_printf (format, "Erdgeschoss", "14", withheld_words);
  g_autoptr (GPtrArray) cells = g_ptr_array_new ();
  guint n_focusable = 0;

  gtk_test_accessible_assert_role (heat_map, GTK_ACCESSIBLE_ROLE_GRID);
  gtk_test_accessible_assert_relation (heat_map, GTK_ACCESSIBLE_RELATION_ROW_COUNT, 4);
  gtk_test_accessible_assert_relation (heat_map, GTK_ACCESSIBLE_RELATION_COL_COUNT, 14);
  for (GtkWidget *child = gtk_widget_get_first_child (map); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_test_accessible_assert_role (child, GTK_ACCESSIBLE_ROLE_GRID_CELL);
      g_ptr_array_add (cells, child);
      if (gtk_widget_get_focusable (child))
        n_focusable++;
    }
  g_assert_cmpuint (cells->len, ==, 4 * 14);
  g_assert_cmpuint (n_focusable, ==, 1); /* one Tab stop */
  gtk_test_accessible_assert_property (g_ptr_array_index (cells, 9 - 6),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, at_nine);
  gtk_test_accessible_assert_property (g_ptr_array_index (cells, 14 - 6),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL, at_two);
  /* Each cell lies over the drawn one: the cells of a row side by side, in the map. */
  {
    graphene_rect_t first, second;

    rb_ui_settle (100); /* the new cells are allocated on the next frame */
    g_assert_true (gtk_widget_compute_bounds (g_ptr_array_index (cells, 0), map, &first));
    g_assert_true (gtk_widget_compute_bounds (g_ptr_array_index (cells, 1), map, &second));
    g_assert_cmpfloat (first.size.width, >, 0);
    g_assert_cmpfloat_with_epsilon (first.origin.x + first.size.width, second.origin.x, 1.0);
    g_assert_cmpfloat (first.origin.y, ==, second.origin.y);
    g_assert_cmpfloat (first.origin.y + first.size.height, <=, gtk_widget_get_height (map));
  }

  /* Entering the map focuses its current cell, the first; then the keys move. */
  g_assert_true (gtk_widget_child_focus (map, GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 0));
  g_assert_true (gtk_widget_child_focus (map, GTK_DIR_RIGHT));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 1));
  g_assert_true (gtk_widget_child_focus (map, GTK_DIR_DOWN));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 14 + 1));
  g_assert_true (gtk_widget_get_focusable (g_ptr_array_index (cells, 14 + 1)));
  g_assert_false (gtk_widget_get_focusable (g_ptr_array_index (cells, 1)));
  g_assert_true (activate_class_binding (map, GDK_KEY_End, 0));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 14 + 13));
  g_assert_true (activate_class_binding (map, GDK_KEY_Home, 0));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 14));
  g_assert_true (activate_class_binding (map, GDK_KEY_Left, 0)); /* the edge: it stays */
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 14));
  g_assert_true (activate_class_binding (map, GDK_KEY_Up, 0));
  g_assert_true (gtk_root_get_focus (root) == g_ptr_array_index (cells, 0));
  /* Tab leaves the grid at once. */
  g_assert_false (gtk_widget_child_focus (map, GTK_DIR_TAB_FORWARD));
}

/* Desks only, Monday only. The 09 column of the ground floor: 6 × 3600 s used of 24 desks ×
 * 3600 s open = 25 %; booked (the forecast measure) the 14 column: 2 of 24 = 8 %. The figures
 * for the building's desks: 2 of 10 bookings released; 6 desk-hours used and 10 booked of
 * 160 desks × 14 open hours. The CSV holds the hourly rows as the store defines them. */
static void
test_occupancy_heat_map_and_csv (UiFixture *f, gconstpointer data)
{
  GtkWidget *page;
  RbHeatMap *heat_map;
  const char *cell_format = g_dgettext (GETTEXT_PACKAGE, "%d%%");
  const char *figure_format = g_dpgettext2 (GETTEXT_PACKAGE, "occupancy figure", "%.1f%%");
  g_autofree char *zero = g_strdup_printf (cell_format, 0);
  g_autofree char *quarter = g_strdup_printf (cell_format, 25);
  g_autofree char *no_show = g_strdup_printf (figure_format, 100.0 * 2 / 10);
  /* 14:00 on the ground floor's desks, booked by two people, is withheld (fewer than the
   * minimum group of 5): its 24 desk-hours and 2 booked hours count nowhere. */
  g_autofree char *utilisation = g_strdup_printf (figure_format, 100.0 * 6 / (160 * 14 - 24));
  g_autofree char *forecast = g_strdup_printf (figure_format, 100.0 * 6 / (160 * 14 - 24));
  g_autofree char *withheld = g_strdup_printf (g_dpgettext2 (GETTEXT_PACKAGE, "heat map cell",
                                                             "<%d"),
                                               5);
  GtkWidget *note;
  g_autofree char *csv_path
      = g_build_filename (rb_ui_backend_get_dir (f->backend), "occupancy.csv", NULL);
  g_autoptr (GFile) csv_file = g_file_new_for_path (csv_path);
  g_autofree char *csv = NULL;
  g_autoptr (GError) error = NULL;

  prepare_occupancy_day (f);
  use_service (f, UWE);
  open_window (f);
  g_assert_false (rb_ui_page_offered (f->window, "series"));
  page = open_occupancy_page (f);

  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (rb_ui_child_by_id (page, "kind_desk_button")),
                                TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (rb_ui_child_by_id (page, "day_dropdown")), 1);
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 20));
  g_assert_false (error_revealed (page));

  /* The week's arrows are icons: their names are for screen readers. */
  gtk_test_accessible_assert_property (GTK_ACCESSIBLE (rb_ui_child_by_id (page,
                                                                          "next_week_button")),
                                       GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       g_dgettext (GETTEXT_PACKAGE, "Next Week"));
  heat_map = RB_HEAT_MAP (rb_ui_child_by_id (page, "heat_map"));
  g_assert_cmpuint (rb_heat_map_get_n_rows (heat_map), ==, 4);
  g_assert_cmpuint (rb_heat_map_get_n_columns (heat_map), ==, 14); /* 06 … 19 */
  /* The ground floor is the first row (lowest level first); the others had nobody at 09. */
  for (guint r = 1; r < rb_heat_map_get_n_rows (heat_map); r++)
    {
      g_autofree char *text = rb_heat_map_dup_cell_text (heat_map, r, 9 - 6);

      g_assert_cmpstr (text, ==, zero);
    }
  {
    g_autofree char *at_nine = rb_heat_map_dup_cell_text (heat_map, 0, 9 - 6);
    g_autofree char *at_two = rb_heat_map_dup_cell_text (heat_map, 0, 14 - 6);

    g_assert_cmpstr (at_nine, ==, quarter);
    g_assert_cmpstr (at_two, ==, withheld);
  }
  check_heat_map_cells (heat_map, quarter);
  note = rb_ui_child_by_id (page, "withheld_label");
  g_assert_true (gtk_widget_get_visible (note));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (note)), withheld));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (page, "no_show_label"))), ==,
                   no_show);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (page, "utilisation_label"))),
                   ==, utilisation);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (page, "forecast_label"))), ==,
                   forecast);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (page, "bookings_label"))), ==,
                   "10");
  screenshot (f, GTK_WIDGET (f->window), "occupancy-page");

  /* Booked instead of checked in: the afternoon's bookings count, the no-shows do not. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (rb_ui_child_by_id (page, "measure_dropdown")), 1);
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 20));
  {
    g_autofree char *at_nine = rb_heat_map_dup_cell_text (heat_map, 0, 9 - 6);
    g_autofree char *at_two = rb_heat_map_dup_cell_text (heat_map, 0, 14 - 6);

    g_assert_cmpstr (at_nine, ==, quarter);
    g_assert_cmpstr (at_two, ==, withheld);
  }
  screenshot (f, GTK_WIDGET (f->window), "occupancy-page-booked");

  /* The export writes the CSV of the week shown, through the page's own writing code. */
  rb_occupancy_page_save_csv (RB_OCCUPANCY_PAGE (page), csv_file);
  g_assert_true (rb_ui_wait_for (file_exists, csv_path, 10));
  rb_ui_settle (100);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "start,end,floor_id,floor,kind,spaces,booked,checked_in,"
                                        "released,used_seconds,open_seconds,utilisation,"
                                        "booked_seconds,forecast,withheld\r\n"));
  g_assert_nonnull (strstr (csv, "2026-11-30T09:00:00+01:00,2026-11-30T10:00:00+01:00,flr-a-eg,"
                                 "Erdgeschoss,desk,24,8,6,2,21600,86400,0.2500,21600,0.2500,\r\n"));
  g_assert_nonnull (strstr (csv, "2026-11-30T14:00:00+01:00,2026-11-30T15:00:00+01:00,flr-a-eg,"
                                 "Erdgeschoss,desk,24,,,,,86400,,,,fewer than 5 people\r\n"));
}

static gboolean
block_dialog_idle (gpointer dialog)
{
  return !rb_block_dialog_is_loading (dialog);
}

/* Block Space…: the bookings in the way are listed (when and where, never who) before the
 * block is made with a reason; they are cancelled with it. The block is listed with Lift
 * Block, which lifts it. */
static void
test_block_space_and_lift (UiFixture *f, gconstpointer data)
{
  GtkWidget *page, *blocks, *lift;
  AdwMessageDialog *dialog;
  g_autofree char *affected = NULL;
  RbClientService *jonas;

  use_service (f, UWE);
  jonas = other_desktop (f, JONAS);
  book (jonas, "a0-d002", berlin_time (12, 1, 9, 0), berlin_time (12, 1, 10, 0));
  rb_ui_backend_sync (f->backend, f->service);
  open_window (f);
  page = open_occupancy_page (f);
  blocks = rb_ui_child_by_id (page, "blocks_list");
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (page, "blocks_box")));

  rb_ui_click (rb_ui_child_by_id (page, "block_button"));
  g_assert_true (rb_ui_wait_for (dialog_shown, NULL, 10));
  dialog = message_dialog ();
  g_assert_true (RB_IS_BLOCK_DIALOG (dialog));
  g_assert_true (rb_ui_wait_for (block_dialog_idle, dialog, 20));

  /* Desk 0.02 from today to Wednesday: its Tuesday booking is in the way. */
  choose_item (rb_ui_child_by_id (GTK_WIDGET (dialog), "space_dropdown"), " 0.02", TRUE);
  {
    g_autoptr (GDateTime) wednesday = g_date_time_new_local (2026, 12, 2, 12, 0, 0);

    rb_date_picker_select_day (
        RB_DATE_PICKER (rb_ui_child_by_id (GTK_WIDGET (dialog), "end_calendar")), wednesday);
  }
  g_assert_true (rb_ui_wait_for (block_dialog_idle, dialog, 20));
  g_assert_cmpuint (rb_block_dialog_get_n_affected (RB_BLOCK_DIALOG (dialog)), ==, 1);
  affected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u booking will be cancelled:",
                                           "%u bookings will be cancelled:", 1),
                              1);
  g_assert_nonnull (rb_ui_find (GTK_WIDGET (dialog), rb_ui_is_label_containing, affected));
  g_assert_null (rb_ui_find (GTK_WIDGET (dialog), rb_ui_is_label_containing, "Jonas"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "block"));
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (GTK_WIDGET (dialog), "reason_entry")),
                         "New carpet");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "block"));
  screenshot (f, GTK_WIDGET (dialog), "block-dialog");

  adw_message_dialog_response (dialog, "block");
  rb_ui_wait_for_db_int (f->authority_db, 1,
                         "SELECT count(*) FROM bookings WHERE space_id = 'a0-d002'"
                         " AND state = 'cancelled' AND person_id = 'p-14475'");
  g_assert_cmpint (authority_int (f, "SELECT count(*) FROM space_blocks WHERE space_id = 'a0-d002'"
                                     " AND reason = 'New carpet'"),
                   ==, 1);

  /* The block is listed, by its space, with Lift Block. */
  g_assert_true (rb_ui_wait_for (list_has_rows, blocks, 20));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (page, "blocks_box")));
  lift = rb_ui_find_action (blocks, "occupancy.lift", NULL);
  g_assert_nonnull (lift);
  {
    GtkWidget *row = gtk_widget_get_ancestor (lift, ADW_TYPE_ACTION_ROW);
    const char *subtitle = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));

    /* Whole days, by their first and last day. */
    g_test_message ("block: %s", subtitle);
    if (is_german ())
      g_assert_true (g_str_has_suffix (subtitle, " · New carpet"));
    else
      {
        g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                         "Desk 0.02");
        g_assert_cmpstr (subtitle, ==, "From Today until Wed 2 Dec · New carpet");
      }
  }
  screenshot (f, GTK_WIDGET (f->window), "occupancy-blocks");

  rb_ui_click (lift);
  rb_ui_wait_for_db_int (f->authority_db, 0, "SELECT count(*) FROM space_blocks");
  g_assert_true (rb_ui_wait_for (list_is_empty, blocks, 20));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (page, "blocks_box")));
}

/* ---- offline ---------------------------------------------------------------------------- */

static void
assert_needs_connection (GtkWidget *page)
{
  g_assert_true (error_revealed (page));
  g_test_message ("offline: %s", error_text (page));
  if (!is_german ())
    g_assert_cmpstr (error_text (page), ==,
                     "This needs the connection to the booking server. Please try again when "
                     "it is back.");
}

/* The server goes away under an admin's window: Check Days and the occupancy figures say in
 * place that they need the connection (and nothing is written); the server back, both work
 * again. */
static void
test_offline_pages_say_so (UiFixture *f, gconstpointer data)
{
  RbTestServer *server = rb_ui_backend_get_server (f->backend);
  g_autoptr (GError) error = NULL;
  GtkWidget *series, *occupancy, *heat_map;

  use_service (f, CHRISTIAN);
  open_window (f);
  series = open_series_page (f);
  occupancy = open_occupancy_page (f);
  heat_map = rb_ui_child_by_id (occupancy, "heat_map");
  g_assert_cmpuint (rb_heat_map_get_n_rows (RB_HEAT_MAP (heat_map)), ==, 4);

  /* The server goes away and the client notices: the header says so, and Team Reservations
   * says so by itself, before anyone tries. */
  rb_test_server_stop (server);
  g_assert_false (rb_ui_backend_try_sync (f->backend, f->service, &error));
  g_clear_error (&error);
  g_assert_false (rb_client_service_get_online (f->service));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (GTK_WIDGET (f->window), "sync_box")));
  rb_ui_show_page (f->window, "series");
  assert_needs_connection (series);
  /* Trying anyway: the same words, and nothing to reserve. */
  check_days (series);
  assert_needs_connection (series);
  g_assert_false (gtk_widget_get_sensitive (rb_ui_child_by_id (series, "reserve_button")));
  g_assert_false (gtk_widget_get_visible (rb_ui_child_by_id (series, "result_box")));
  screenshot (f, GTK_WIDGET (f->window), "series-page-offline");

  /* The occupancy page, which loads again, says what it cannot show. */
  occupancy = rb_ui_show_page (f->window, "occupancy");
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, occupancy, 20));
  assert_needs_connection (occupancy);
  /* This week's figures were loaded: they stay, and another weekday's sums need nothing
   * new. */
  g_assert_cmpuint (rb_heat_map_get_n_rows (RB_HEAT_MAP (heat_map)), ==, 4);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (rb_ui_child_by_id (occupancy, "day_dropdown")), 1);
  g_assert_false (rb_occupancy_page_is_loading (RB_OCCUPANCY_PAGE (occupancy)));
  g_assert_cmpuint (rb_heat_map_get_n_rows (RB_HEAT_MAP (heat_map)), ==, 4);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (occupancy,
                                                                      "bookings_label"))),
                   ==, "0");
  /* Next week's cannot come: no figures under its heading, only dashes. */
  rb_ui_click (rb_ui_child_by_id (occupancy, "next_week_button"));
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, occupancy, 20));
  assert_needs_connection (occupancy);
  g_assert_cmpuint (rb_heat_map_get_n_rows (RB_HEAT_MAP (heat_map)), ==, 0);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (rb_ui_child_by_id (occupancy,
                                                                      "utilisation_label"))),
                   ==, "–");
  g_assert_false (gtk_widget_get_sensitive (rb_ui_child_by_id (occupancy, "export_button")));
  screenshot (f, GTK_WIDGET (f->window), "occupancy-page-offline");

  rb_test_server_start (server);
  g_assert_true (rb_ui_backend_try_sync (f->backend, f->service, &error));
  g_assert_no_error (error);
  g_assert_true (rb_client_service_get_online (f->service));
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, occupancy, 20));
  g_assert_false (error_revealed (occupancy));
  g_assert_cmpuint (rb_heat_map_get_n_rows (RB_HEAT_MAP (heat_map)), ==, 4);
  g_assert_true (gtk_widget_get_sensitive (rb_ui_child_by_id (occupancy, "export_button")));

  rb_ui_show_page (f->window, "series");
  g_assert_false (error_revealed (series));
  check_days (series);
  g_assert_false (error_revealed (series));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (series, "result_box")));
  g_assert_true (gtk_widget_get_sensitive (rb_ui_child_by_id (series, "reserve_button")));
}

/* Registers a test under /local/… and /server/…: the same assertions on both backends. */
static void
add_dual (const char *name, void (*test) (UiFixture *, gconstpointer))
{
  for (RbUiBackendMode mode = RB_UI_BACKEND_LOCAL; mode <= RB_UI_BACKEND_SERVER; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s", rb_ui_backend_mode_name (mode), name);

      g_test_add_vtable (path, sizeof (UiFixture), GINT_TO_POINTER (mode),
                         (GTestFixtureFunc)fixture_set_up, (GTestFixtureFunc)test,
                         (GTestFixtureFunc)fixture_tear_down);
    }
}

int
main (int argc, char *argv[])
{
  /* Catalogues come from the build tree; the language from the environment of the test, as
   * the application takes it. */
  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init sets an English locale; take the test's back, so dates and numbers follow
   * the UI language in the screenshots as they do in the app. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  /* The app's own style sheet, so the screenshots look like the app. */
  rb_ui_load_app_css ();

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = berlin_time (11, 30, 7, 0);

  add_dual ("series/conflict-shown-then-reserve", test_series_conflict_then_reserve);
  add_dual ("series/every-other-week", test_every_other_week);
  add_dual ("series/cancel-this-and-following", test_cancel_this_and_following);
  add_dual ("series/pages-follow-the-person", test_pages_follow_the_person);
  add_dual ("series/sign-out-while-loading", test_series_sign_out_while_loading);
  add_dual ("occupancy/heat-map-and-csv", test_occupancy_heat_map_and_csv);
  add_dual ("occupancy/block-space-and-lift", test_block_space_and_lift);
  /* Standalone there is no connection to lose. */
  g_test_add ("/server/offline/pages-say-so", UiFixture, GINT_TO_POINTER (RB_UI_BACKEND_SERVER),
              fixture_set_up, test_offline_pages_say_so, fixture_tear_down);
  return g_test_run ();
}
