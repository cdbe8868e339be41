/* test-ui-series.c: the team reservations and occupancy pages of the desktop window under
 * Xvfb, driven through their real widgets: a team lead checks a sprint that meets an existing
 * booking and reads the translated conflict before anything is written, then reserves the
 * free days; a facility manager reads a hand-computed utilisation in the heat map and exports
 * the CSV. With RB_SCREENSHOT_DIR set it writes PNGs of both pages. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>

#include "rb-application.h"
#include "rb-block-dialog.h"
#include "rb-context.h"
#include "rb-heat-map.h"
#include "rb-occupancy-page.h"
#include "rb-series-page.h"
#include "rb-series-store.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 07:00 in Berlin, unless a test moves it. */
static gint64 frozen_now;
static gint64 start_of_tests;
static GTimeZone *berlin;

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
person_chosen (gpointer data)
{
  UiFixture *fixture = data;
  return rb_context_get_person (fixture->context) != NULL;
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
open_store (UiFixture *fixture)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  frozen_now = start_of_tests;
  fixture->dir = g_dir_make_tmp ("raumbuch-ui-series-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "raumbuch.db", NULL);
  fixture->store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (fixture->store, frozen_clock, NULL);
  g_assert_true (rb_store_seed_demo_sync (fixture->store, &error));
  g_assert_no_error (error);
}

static void
open_window (UiFixture *fixture, const char *staff_number)
{
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);

  g_settings_set_string (settings, "acting-person", staff_number);
  fixture->context = rb_context_new (fixture->store, settings);
  fixture->window = rb_window_new (NULL, fixture->context);
  gtk_window_set_default_size (GTK_WINDOW (fixture->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (fixture->window));
  g_assert_true (rb_ui_wait_for (person_chosen, fixture, 20));
}

/* Work queued on the store's thread holds the store until its answer arrives. */
static gboolean
store_released (gpointer store)
{
  return G_OBJECT (store)->ref_count == 1;
}

static void
fixture_tear_down (UiFixture *fixture, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->window));
  rb_ui_settle (50);
  g_clear_object (&fixture->context);
  g_assert_true (rb_ui_wait_for (store_released, fixture->store, 10));
  g_assert_finalize_object (fixture->store);
  remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* ---- finding widgets -------------------------------------------------------------------- */

static gboolean
has_builder_id (GtkWidget *widget, gpointer id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

static GtkWidget *
child_by_id (GtkWidget *root, const char *id)
{
  GtkWidget *widget = rb_ui_find (root, has_builder_id, (gpointer) id);

  if (widget == NULL)
    g_error ("no widget “%s”", id);
  return widget;
}

static AdwViewStack *
view_stack (UiFixture *fixture)
{
  return ADW_VIEW_STACK (rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                                     GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));
}

static gboolean
page_shown (UiFixture *fixture, const char *name)
{
  GtkWidget *child = adw_view_stack_get_child_by_name (view_stack (fixture), name);

  return child != NULL
         && adw_view_stack_page_get_visible (adw_view_stack_get_page (view_stack (fixture), child));
}

static gboolean
model_has_items (gpointer dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);
  return model != NULL && g_list_model_get_n_items (model) > 0;
}

static guint
item_index (GtkDropDown *dropdown, const char *prefix)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_prefix (gtk_string_object_get_string (item), prefix))
        return i;
    }
  g_error ("no item “%s”", prefix);
  return 0;
}

typedef struct
{
  GtkDropDown *dropdown;
  const char *prefix;
} ItemWait;

static gboolean
has_item (gpointer data)
{
  ItemWait *wait = data;
  GListModel *model = gtk_drop_down_get_model (wait->dropdown);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_prefix (gtk_string_object_get_string (item), wait->prefix))
        return TRUE;
    }
  return FALSE;
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
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_get_sensitive (widget);
}

static GPtrArray *
bookings_of (UiFixture *fixture, const char *person_id)
{
  RbBookingQuery query = { 0 };
  g_autoptr (GError) error = NULL;
  GPtrArray *bookings;

  query.person_id = person_id;
  query.active_only = TRUE;
  bookings = rb_ui_store_list_bookings (fixture->store, &query, &error);
  g_assert_no_error (error);
  return bookings;
}

static void
book (UiFixture *fixture, const char *space_id, const char *person_id, int day, int hour,
      int minutes)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = rb_booking_new_id ();
  gint64 start = rb_local_to_utc (berlin, 2026, 12, day, hour, 0);
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, person_id,
                                                  rb_interval_make (start, start + minutes * 60));
  g_autoptr (RbBooking) booking = rb_ui_store_create_booking (fixture->store, request, &error);

  g_assert_no_error (error);
  g_assert_nonnull (booking);
}

/* ---- team reservations ------------------------------------------------------------------ */

static void
test_series_conflict_then_reserve (UiFixture *fixture, gconstpointer data)
{
  GtkWidget *page, *floor, *room, *check, *reserve, *conflict_label;
  GtkListBox *days;
  ItemWait room_wait;
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) after = NULL;
  g_autofree char *ics_path = NULL;
  g_autofree char *ics = NULL;
  g_autoptr (GFile) ics_file = NULL;
  g_autoptr (GError) error = NULL;
  const char *reason = g_dgettext (GETTEXT_PACKAGE,
                                   "The space is already booked for part of this time.");
  g_autofree char *conflict_prefix = NULL;

  open_store (fixture);
  /* Someone already has Projektraum Rhein on Wednesday 9 December, 10:00–11:00: inside the
   * default sprint (Monday 7 to Friday 18 December, Monday to Friday, 09:00–17:00). */
  book (fixture, "a1-r02", "p-14475", 9, 10, 60);
  open_window (fixture, "13663");  /* Anna Schmidt, team lead */

  g_assert_true (page_shown (fixture, "series"));
  g_assert_false (page_shown (fixture, "occupancy"));
  adw_view_stack_set_visible_child_name (view_stack (fixture), "series");
  page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                     GSIZE_TO_POINTER (RB_TYPE_SERIES_PAGE));
  g_assert_nonnull (page);

  floor = child_by_id (page, "floor_dropdown");
  room = child_by_id (page, "room_dropdown");
  g_assert_true (rb_ui_wait_for (model_has_items, floor, 20));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (floor), item_index (GTK_DROP_DOWN (floor), "1. OG"));
  room_wait = (ItemWait) { GTK_DROP_DOWN (room), "Projektraum Rhein" };
  g_assert_true (rb_ui_wait_for (has_item, &room_wait, 20));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (room),
                              item_index (GTK_DROP_DOWN (room), "Projektraum Rhein"));
  gtk_editable_set_text (GTK_EDITABLE (child_by_id (page, "title_row")), "Sprint 42");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (child_by_id (page, "attendees_spin")), 6);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child_by_id (page, "mode_row")), 1);

  check = child_by_id (page, "check_button");
  g_signal_emit_by_name (check, "clicked");
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
  rb_ui_settle (100);

  /* Wednesday's row says, in the UI's language, why and when. */
  conflict_prefix = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "Conflict: %s"), reason);
  conflict_label = rb_ui_find (page, rb_ui_is_label_containing, conflict_prefix);
  g_assert_nonnull (conflict_label);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (conflict_label)), "10:00"));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (conflict_label)), "11:00"));
  /* Ten working days, one row each. */
  days = GTK_LIST_BOX (child_by_id (page, "occurrence_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (days, 9));
  g_assert_null (gtk_list_box_get_row_at_index (days, 10));

  /* Checking wrote nothing. */
  before = bookings_of (fixture, "p-13663");
  g_assert_cmpuint (before->len, ==, 0);
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "series-page-check");

  /* Reserving the free days writes nine bookings of one series. */
  reserve = child_by_id (page, "reserve_button");
  g_assert_true (rb_ui_wait_for (is_sensitive, reserve, 5));
  g_signal_emit_by_name (reserve, "clicked");
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
  after = bookings_of (fixture, "p-13663");
  g_assert_cmpuint (after->len, ==, 9);
  for (guint i = 0; i < after->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (after, i);

      g_assert_cmpstr (rb_booking_get_space_id (booking), ==, "a1-r02");
      g_assert_cmpstr (rb_booking_get_title (booking), ==, "Sprint 42");
      g_assert_cmpint (rb_booking_get_attendees (booking), ==, 6);
      g_assert_nonnull (rb_booking_get_series_id (booking));
      g_assert_cmpstr (rb_booking_get_series_id (booking), ==,
                       rb_booking_get_series_id (g_ptr_array_index (after, 0)));
    }
  rb_ui_settle (300);
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "series-page-reserved");

  /* The export writes the team lead's bookings as iCalendar. */
  ics_path = g_build_filename (fixture->dir, "bookings.ics", NULL);
  ics_file = g_file_new_for_path (ics_path);
  rb_series_page_export_ics (RB_SERIES_PAGE (page), ics_file);
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
  g_assert_true (rb_ui_wait_for (file_exists, ics_path, 5));
  g_assert_true (g_file_get_contents (ics_path, &ics, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (ics, "BEGIN:VCALENDAR\r\n"));
  g_assert_nonnull (strstr (ics, "Sprint 42"));
}

/* ---- occupancy -------------------------------------------------------------------------- */

/* Monday 30 November, ground floor, 09:00–10:00: eight desks booked, six people check in,
 * two never come and are released. Desks only, Monday only, the 09 column:
 * 6 × 3600 s used of 24 desks × 3600 s open = 25 %. */
static void
make_occupancy_fixture (UiFixture *fixture)
{
  static const char *const people[] = { "p-14475", "p-14835", "p-15350", "p-17157",
                                        "p-21343", "p-29753", "p-31196", "p-31464" };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  RbBookingQuery query = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_autofree char *desk = g_strdup_printf ("a0-d%03u", i + 1);
      g_autofree char *id = rb_booking_new_id ();
      gint64 start = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);
      g_autoptr (RbBooking) request = rb_booking_new (id, desk, people[i],
                                                      rb_interval_make (start, start + 3600));
      g_autoptr (RbBooking) booking = rb_ui_store_create_booking (fixture->store, request, &error);
      g_assert_no_error (error);
    }
  query.floor_id = "flr-a-eg";
  bookings = rb_ui_store_list_bookings (fixture->store, &query, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bookings->len, ==, 8);

  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 5);
  for (guint i = 0; i < 6; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      g_autoptr (RbBooking) checked_in = rb_ui_store_check_in (
          fixture->store, rb_booking_get_id (booking), rb_booking_get_person_id (booking), &error);
      g_assert_no_error (error);
    }
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 10, 30);
  g_assert_cmpint (rb_ui_store_release_no_shows (fixture->store, &error), ==, 2);
  g_assert_no_error (error);
}

static void
test_occupancy_heat_map_and_csv (UiFixture *fixture, gconstpointer data)
{
  GtkWidget *page, *desks;
  RbHeatMap *heat_map;
  g_autofree char *cell = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *csv = NULL;
  g_autoptr (GFile) csv_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *zero = NULL;

  open_store (fixture);
  make_occupancy_fixture (fixture);
  open_window (fixture, "86586");  /* Uwe Schmitz, facility manager */

  g_assert_true (page_shown (fixture, "occupancy"));
  g_assert_false (page_shown (fixture, "series"));
  adw_view_stack_set_visible_child_name (view_stack (fixture), "occupancy");
  page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                     GSIZE_TO_POINTER (RB_TYPE_OCCUPANCY_PAGE));
  g_assert_nonnull (page);
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 20));

  desks = child_by_id (page, "kind_desk_button");
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (desks), TRUE);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (child_by_id (page, "day_dropdown")), 1);
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 20));
  rb_ui_settle (100);

  heat_map = RB_HEAT_MAP (child_by_id (page, "heat_map"));
  g_assert_cmpuint (rb_heat_map_get_n_rows (heat_map), ==, 4);
  g_assert_cmpuint (rb_heat_map_get_n_columns (heat_map), ==, 14);  /* 06 … 19 */
  /* The ground floor is the first row (lowest level first); the others had nobody at 09. */
  zero = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%d%%"), 0);
  for (guint r = 1; r < rb_heat_map_get_n_rows (heat_map); r++)
    {
      g_autofree char *text = rb_heat_map_dup_cell_text (heat_map, r, 9 - 6);
      g_assert_cmpstr (text, ==, zero);
    }
  expected = g_strdup_printf (g_dgettext (GETTEXT_PACKAGE, "%d%%"), 25);
  cell = rb_heat_map_dup_cell_text (heat_map, 0, 9 - 6);
  g_assert_cmpstr (cell, ==, expected);

  /* The figures, for the whole building's desks on Monday: 2 of 8 bookings released, and
   * 6 desk-hours used of 160 desks × 14 open hours = 0.27 %. */
  {
    const char *format = g_dpgettext2 (GETTEXT_PACKAGE, "occupancy figure", "%.1f%%");
    g_autofree char *no_show = g_strdup_printf (format, 25.0);
    g_autofree char *utilisation = g_strdup_printf (format, 100.0 * 6 / (160 * 14));

    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child_by_id (page, "no_show_label"))), ==,
                     no_show);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child_by_id (page, "utilisation_label"))),
                     ==, utilisation);
    g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (child_by_id (page, "bookings_label"))), ==,
                     "8");
  }
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "occupancy-page");

  /* The export writes the CSV of the week shown, through the page's own writing code. */
  csv_path = g_build_filename (fixture->dir, "occupancy.csv", NULL);
  csv_file = g_file_new_for_path (csv_path);
  rb_occupancy_page_save_csv (RB_OCCUPANCY_PAGE (page), csv_file);
  g_assert_true (rb_ui_wait_for (file_exists, csv_path, 10));
  rb_ui_settle (100);
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (csv, "start,end,floor_id,floor,kind,spaces,booked,checked_in,"
                                        "released,used_seconds,open_seconds,utilisation,booked_seconds,"
                                        "forecast\r\n"));
  g_assert_nonnull (strstr (csv, "2026-11-30T09:00:00+01:00,2026-11-30T10:00:00+01:00,flr-a-eg,"
                                 "Erdgeschoss,desk,24,8,6,2,21600,86400,0.2500,"));
}

/* ---- who sees which page ---------------------------------------------------------------- */

static void
act_as (UiFixture *fixture, const char *name)
{
  GtkDropDown *people = GTK_DROP_DOWN (child_by_id (GTK_WIDGET (fixture->window),
                                                    "person_dropdown"));

  gtk_drop_down_set_selected (people, item_index (people, name));
  g_assert_cmpstr (rb_person_get_display_name (rb_context_get_person (fixture->context)), ==,
                   name);
}

static void
test_pages_follow_the_person (UiFixture *fixture, gconstpointer data)
{
  open_store (fixture);
  open_window (fixture, "14475");  /* Jonas Becker, staff */
  g_assert_false (page_shown (fixture, "series"));
  g_assert_false (page_shown (fixture, "occupancy"));

  act_as (fixture, "Anna Schmidt");  /* team lead */
  g_assert_true (page_shown (fixture, "series"));
  g_assert_false (page_shown (fixture, "occupancy"));
  adw_view_stack_set_visible_child_name (view_stack (fixture), "series");

  /* A facility manager has no team reservations: the window leaves the hidden page. */
  act_as (fixture, "Uwe Schmitz");
  g_assert_false (page_shown (fixture, "series"));
  g_assert_true (page_shown (fixture, "occupancy"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (view_stack (fixture)), ==, "find");

  act_as (fixture, "Christian Lehmann");  /* admin */
  g_assert_true (page_shown (fixture, "series"));
  g_assert_true (page_shown (fixture, "occupancy"));
}

/* ---- cancelling a series ---------------------------------------------------------------- */

static gboolean
is_cancel_following_button (GtkWidget *widget, gpointer data)
{
  GVariant *target;
  const char *series_id, *booking_id;

  if (!GTK_IS_BUTTON (widget)
      || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)),
                    "series.cancel-following") != 0)
    return FALSE;
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
  g_variant_get (target, "(&s&s)", &series_id, &booking_id);
  return g_str_equal (booking_id, data);
}

static gboolean
series_listed (gpointer page)
{
  GtkWidget *list = child_by_id (page, "series_list");
  return gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0) != NULL;
}

static AdwMessageDialog *
message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GObject) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return message_dialog () != NULL;
}

typedef struct
{
  UiFixture *fixture;
  guint count;
} CountWait;

static gboolean
active_bookings_are (gpointer data)
{
  CountWait *wait = data;
  g_autoptr (GPtrArray) bookings = bookings_of (wait->fixture, "p-13663");

  return bookings->len == wait->count;
}

static void
test_cancel_this_and_following (UiFixture *fixture, gconstpointer data)
{
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *page, *button;
  RbBooking *third;
  CountWait wait = { fixture, 2 };

  open_store (fixture);
  /* Monday 7 to Friday 11 December, 09:00–12:00: five days. */
  request->id = g_uuid_string_random ();
  request->space_id = g_strdup ("a1-r02");
  request->person_id = g_strdup ("p-13663");
  request->first = rb_interval_make (rb_local_to_utc (berlin, 2026, 12, 7, 9, 0),
                                     rb_local_to_utc (berlin, 2026, 12, 7, 12, 0));
  request->rrule = g_strdup ("FREQ=DAILY;COUNT=5");
  request->title = g_strdup ("Review week");
  request->attendees = 4;
  result = rb_series_store_create_sync (fixture->store, request, &error);
  g_assert_no_error (error);
  g_assert_true (result->created);
  g_assert_cmpuint (result->bookings->len, ==, 5);
  third = g_ptr_array_index (result->bookings, 2);

  open_window (fixture, "13663");
  adw_view_stack_set_visible_child_name (view_stack (fixture), "series");
  page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                     GSIZE_TO_POINTER (RB_TYPE_SERIES_PAGE));
  g_assert_true (rb_ui_wait_for (series_listed, page, 20));
  adw_expander_row_set_expanded (
      ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (
          GTK_LIST_BOX (child_by_id (page, "series_list")), 0)),
      TRUE);
  rb_ui_settle (300);
  rb_ui_save_screenshot (GTK_WIDGET (fixture->window), "series-page-list");

  /* Wednesday and what follows go; Monday and Tuesday stay, after a confirmation. */
  button = rb_ui_find (page, is_cancel_following_button, (gpointer) rb_booking_get_id (third));
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (rb_ui_wait_for (dialog_shown, NULL, 10));
  adw_message_dialog_response (message_dialog (), "cancel-days");
  g_assert_true (rb_ui_wait_for (active_bookings_are, &wait, 20));
}

/* ---- blocking a space ------------------------------------------------------------------- */

static guint
item_index_ending (GtkDropDown *dropdown, const char *suffix)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  for (guint i = 0; model != NULL && i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (GtkStringObject) item = g_list_model_get_item (model, i);

      if (g_str_has_suffix (gtk_string_object_get_string (item), suffix))
        return i;
    }
  g_error ("no item ending in “%s”", suffix);
  return 0;
}

static gboolean
block_dialog_idle (gpointer dialog)
{
  return !rb_block_dialog_is_loading (dialog);
}

typedef struct
{
  UiFixture *fixture;
  const char *person_id;
  guint count;
} PersonCountWait;

static gboolean
person_has_bookings (gpointer data)
{
  PersonCountWait *wait = data;
  g_autoptr (GPtrArray) bookings = bookings_of (wait->fixture, wait->person_id);

  return bookings->len == wait->count;
}

static void
test_block_space_lists_affected (UiFixture *fixture, gconstpointer data)
{
  GtkWidget *page;
  AdwMessageDialog *dialog;
  GtkDropDown *spaces;
  g_autofree char *affected = NULL;
  PersonCountWait wait = { fixture, "p-14475", 0 };

  open_store (fixture);
  book (fixture, "a0-d002", "p-14475", 1, 9, 60);  /* Tuesday 1 December, 09:00–10:00 */
  open_window (fixture, "86586");
  adw_view_stack_set_visible_child_name (view_stack (fixture), "occupancy");
  page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                     GSIZE_TO_POINTER (RB_TYPE_OCCUPANCY_PAGE));
  g_assert_true (gtk_widget_get_visible (child_by_id (page, "block_button")));
  g_signal_emit_by_name (child_by_id (page, "block_button"), "clicked");
  g_assert_true (rb_ui_wait_for (dialog_shown, NULL, 10));
  dialog = message_dialog ();
  g_assert_true (RB_IS_BLOCK_DIALOG (dialog));
  g_assert_true (rb_ui_wait_for (block_dialog_idle, dialog, 20));

  /* Desk 0.02 from today to Wednesday: its Tuesday booking is in the way. */
  spaces = GTK_DROP_DOWN (child_by_id (GTK_WIDGET (dialog), "space_dropdown"));
  gtk_drop_down_set_selected (spaces, item_index_ending (spaces, " 0.02"));
  {
    g_autoptr (GDateTime) wednesday = g_date_time_new_local (2026, 12, 2, 12, 0, 0);
    gtk_calendar_select_day (GTK_CALENDAR (child_by_id (GTK_WIDGET (dialog), "end_calendar")),
                             wednesday);
  }
  g_assert_true (rb_ui_wait_for (block_dialog_idle, dialog, 20));
  g_assert_cmpuint (rb_block_dialog_get_n_affected (RB_BLOCK_DIALOG (dialog)), ==, 1);
  affected = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u booking will be cancelled:",
                                           "%u bookings will be cancelled:", 1),
                              1);
  g_assert_nonnull (rb_ui_find (GTK_WIDGET (dialog), rb_ui_is_label_containing, affected));
  /* Where and when, never who. */
  g_assert_null (rb_ui_find (GTK_WIDGET (dialog), rb_ui_is_label_containing, "Jonas"));
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "block"));
  gtk_editable_set_text (GTK_EDITABLE (child_by_id (GTK_WIDGET (dialog), "reason_entry")),
                         "New carpet");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "block"));
  rb_ui_settle (200);
  rb_ui_save_screenshot (GTK_WIDGET (dialog), "block-dialog");

  adw_message_dialog_response (dialog, "block");
  g_assert_true (rb_ui_wait_for (person_has_bookings, &wait, 20));
}

/* ---- a regular slot --------------------------------------------------------------------- */

static void
test_every_other_week (UiFixture *fixture, gconstpointer data)
{
  GtkWidget *page, *floor, *room;
  GtkListBox *days;
  g_autofree char *last = NULL;
  GtkListBoxRow *row;

  open_store (fixture);
  open_window (fixture, "13663");
  adw_view_stack_set_visible_child_name (view_stack (fixture), "series");
  page = rb_ui_find (GTK_WIDGET (fixture->window), rb_ui_is_type,
                     GSIZE_TO_POINTER (RB_TYPE_SERIES_PAGE));
  floor = child_by_id (page, "floor_dropdown");
  room = child_by_id (page, "room_dropdown");
  g_assert_true (rb_ui_wait_for (model_has_items, floor, 20));
  g_assert_true (rb_ui_wait_for (model_has_items, room, 20));

  /* Mondays and Thursdays every other week, 7 December to 31 January: 7 and 10 December,
   * 21 and 24 December, 4 and 7 January, 18 and 21 January. */
  for (guint i = 0; i < 7; i++)
    {
      GtkWidget *button = gtk_widget_get_first_child (child_by_id (page, "weekday_box"));

      for (guint j = 0; j < i; j++)
        button = gtk_widget_get_next_sibling (button);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), i == 0 || i == 3);
    }
  {
    g_autoptr (GDateTime) end = g_date_time_new_local (2027, 1, 31, 12, 0, 0);
    gtk_calendar_select_day (GTK_CALENDAR (child_by_id (page, "end_calendar")), end);
  }
  adw_combo_row_set_selected (ADW_COMBO_ROW (child_by_id (page, "repeat_row")), 1);
  g_signal_emit_by_name (child_by_id (page, "check_button"), "clicked");
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));

  days = GTK_LIST_BOX (child_by_id (page, "occurrence_list"));
  g_assert_nonnull (gtk_list_box_get_row_at_index (days, 7));
  g_assert_null (gtk_list_box_get_row_at_index (days, 8));
  row = gtk_list_box_get_row_at_index (days, 7);
  last = rb_time_format_local (berlin, rb_local_to_utc (berlin, 2027, 1, 21, 9, 0),
                               g_dpgettext2 (GETTEXT_PACKAGE, "date with year", "%a %-e %b %Y"));
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                   last));
}

/* ---- server mode ------------------------------------------------------------------------ */

/* With a server the pages would book past it (series) or count only the local mirror
 * (occupancy): until the sync engine speaks /series and /occupancy they are not there. */
static void
test_server_mode_has_no_pages (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSettings) settings = g_settings_new (APP_ID);
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-ui-series-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "mirror.db", NULL);
  RbStore *store;
  RbApiClient *client;
  RbSyncEngine *engine;
  RbContext *context;
  RbWindow *window;
  AdwViewStack *stack;

  g_assert_no_error (error);
  store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  /* Nothing listens there, and nothing here needs an answer. */
  client = rb_api_client_new ("http://127.0.0.1:9/");
  engine = rb_sync_engine_new (store, client);
  rb_sync_engine_set_poll_interval (engine, 0);
  context = rb_context_new_with_sync_engine (store, settings, engine);
  window = rb_window_new (NULL, context);

  stack = ADW_VIEW_STACK (rb_ui_find (GTK_WIDGET (window), rb_ui_is_type,
                                      GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));
  g_assert_nonnull (adw_view_stack_get_child_by_name (stack, "find"));
  g_assert_null (adw_view_stack_get_child_by_name (stack, "series"));
  g_assert_null (adw_view_stack_get_child_by_name (stack, "occupancy"));

  /* The window asks for a login once it runs: close that dialog with it. */
  rb_ui_settle (100);
  {
    GListModel *toplevels = gtk_window_get_toplevels ();
    GtkWindow *toplevel;

    while ((toplevel = g_list_model_get_item (toplevels, 0)) != NULL)
      {
        gtk_window_destroy (toplevel);
        g_object_unref (toplevel);
      }
  }
  rb_sync_engine_stop (engine);
  rb_ui_settle (100);
  g_object_unref (context);
  g_object_unref (engine);
  g_object_unref (client);
  g_assert_true (rb_ui_wait_for (store_released, store, 10));
  g_assert_finalize_object (store);
  remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("RAUMBUCH_LOCALEDIR"));
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init sets an English locale; take the test's back, so dates and numbers
   * follow the UI language in the screenshots as they do in the app. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  /* The app's own style sheet, so the screenshots look like the app. */
  rb_ui_load_app_css ();

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  start_of_tests = rb_local_to_utc (berlin, 2026, 11, 30, 7, 0);

  g_test_add ("/ui-series/conflict-shown-then-reserve", UiFixture, NULL, NULL,
              test_series_conflict_then_reserve, fixture_tear_down);
  g_test_add ("/ui-series/occupancy-heat-map-and-csv", UiFixture, NULL, NULL,
              test_occupancy_heat_map_and_csv, fixture_tear_down);
  g_test_add ("/ui-series/pages-follow-the-person", UiFixture, NULL, NULL,
              test_pages_follow_the_person, fixture_tear_down);
  g_test_add ("/ui-series/cancel-this-and-following", UiFixture, NULL, NULL,
              test_cancel_this_and_following, fixture_tear_down);
  g_test_add ("/ui-series/block-space-lists-affected", UiFixture, NULL, NULL,
              test_block_space_lists_affected, fixture_tear_down);
  g_test_add ("/ui-series/every-other-week", UiFixture, NULL, NULL, test_every_other_week,
              fixture_tear_down);
  g_test_add_func ("/ui-series/server-mode-has-no-pages", test_server_mode_has_no_pages);
  return g_test_run ();
}
