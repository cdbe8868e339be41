/* rb-series-page.c: see rb-series-page.h. "Check Days" expands the rule here (pure
 * computation) and asks the client service for a dry run of the very checks that reserving
 * makes (the store's, or the server's), so every day shows its state before anything is
 * written; "Reserve" then sends the same request, with the same series id, so a second
 * press cannot book twice. All work is asynchronous with the page's cancellable. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-date-picker.h"
#include "rb-series-page.h"

#include "rb-accessible.h"
#include "rb-space-row.h"
#include "rb-widget-util.h"

struct _RbSeriesPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkDropDown *floor_dropdown;
  GtkDropDown *room_dropdown;
  GtkMenuButton *start_button;
  GtkPopover *start_popover;
  RbDatePicker *start_calendar;
  GtkMenuButton *end_button;
  GtkPopover *end_popover;
  RbDatePicker *end_calendar;
  GtkBox *weekday_box;
  AdwComboRow *repeat_row;
  GtkDropDown *from_dropdown;
  GtkDropDown *to_dropdown;
  AdwEntryRow *title_row;
  AdwActionRow *attendees_row;
  GtkSpinButton *attendees_spin;
  AdwComboRow *mode_row;
  GtkButton *check_button;
  GtkButton *reserve_button;
  GtkBox *result_box;
  GtkLabel *result_label;
  GtkListBox *occurrence_list;
  GtkListBox *series_list;
  GtkToggleButton *weekday_buttons[7];

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *floors;
  GPtrArray *rooms;
  GArray *slot_minutes;
  GDate start_day;
  GDate end_day;
  RbSeriesRequest *checked;  /* the request the shown check was for */
  GArray *occurrences;       /* its occurrences */
  guint busy;
  guint series_generation;   /* counts reloads of the series: only the latest is shown */
  gboolean offline_shown;    /* the error shown is that the server cannot be reached */
};

G_DEFINE_FINAL_TYPE (RbSeriesPage, rb_series_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload_series (RbSeriesPage *self);

/* ---- helpers ---------------------------------------------------------------------------- */

static void
show_error (RbSeriesPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
  self->offline_shown = FALSE;
}

static void
hide_error (RbSeriesPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  self->offline_shown = FALSE;
}

/* A failure in words; that the server cannot be reached goes away when it is back. */
static void
show_failure (RbSeriesPage *self, const GError *error)
{
  g_autofree char *text = rb_context_describe_error (self->context, error);

  show_error (self, text);
  self->offline_shown = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
}

static RbPerson *
team_lead (RbSeriesPage *self)
{
  RbPerson *person = rb_context_get_person (self->context);

  return person != NULL && rb_series_may_create (rb_person_get_role (person)) ? person : NULL;
}

static RbSpace *
selected_room (RbSeriesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->room_dropdown);

  if (self->rooms == NULL || selected >= self->rooms->len)
    return NULL;
  return g_ptr_array_index (self->rooms, selected);
}

static int
from_minute (RbSeriesPage *self)
{
  return g_array_index (self->slot_minutes, int, gtk_drop_down_get_selected (self->from_dropdown));
}

static int
to_minute (RbSeriesPage *self)
{
  return g_array_index (self->slot_minutes, int,
                        gtk_drop_down_get_selected (self->to_dropdown) + 1);
}

static RbWeekdays
chosen_weekdays (RbSeriesPage *self)
{
  RbWeekdays weekdays = 0;

  for (int i = 0; i < 7; i++)
    if (gtk_toggle_button_get_active (self->weekday_buttons[i]))
      weekdays |= 1 << i;
  return weekdays;
}

static gint64
local_instant (RbSeriesPage *self, const GDate *date, int minute)
{
  return rb_local_to_utc (rb_context_get_time_zone (self->context), g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date), minute / 60,
                          minute % 60);
}

static void
set_button_date (RbSeriesPage *self, GtkMenuButton *button, const GDate *date)
{
  g_autofree char *label = rb_time_format_local (rb_context_get_time_zone (self->context),
                                                 local_instant (self, date, 12 * 60),
                                                 /* TRANSLATORS: a date with weekday and
                                                  * year, as strftime format; German
                                                  * "%a, %-e. %b %Y". */
                                                 C_ ("date with year", "%a %-e %b %Y"));
  g_autoptr (GDateTime) day = g_date_time_new_local (
      g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), 12, 0, 0);
  g_autofree char *day_words = rb_date_picker_format_day (day);
  /* TRANSLATORS: what a screen reader says of the date buttons of a series or a block, e.g.
   * "First day: Monday, 7 December 2026". */
  g_autofree char *spoken = g_strdup_printf (
      button == self->start_button ? _("First day: %s") : _("Last day: %s"), day_words);

  gtk_menu_button_set_label (button, label);
  rb_date_picker_label_button (button, spoken);
}

static void
select_calendar_day (RbDatePicker *calendar, const GDate *date)
{
  g_autoptr (GDateTime) day = g_date_time_new_local (g_date_get_year (date),
                                                     g_date_get_month (date),
                                                     g_date_get_day (date), 12, 0, 0);

  rb_date_picker_select_day (calendar, day);
}

/* The request the inputs describe, or NULL with the reason in words. */
static RbSeriesRequest *
build_request (RbSeriesPage *self, char **out_problem)
{
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  RbPerson *person = team_lead (self);
  RbSpace *room = selected_room (self);
  RbWeekdays weekdays = chosen_weekdays (self);
  GDate first = self->start_day;
  const char *title = gtk_editable_get_text (GTK_EDITABLE (self->title_row));

  if (person == NULL)
    {
      *out_problem = g_strdup (_("Only team leads and administrators can reserve for a team."));
      return NULL;
    }
  if (room == NULL)
    {
      *out_problem = g_strdup (_("Choose a room."));
      return NULL;
    }
  if (weekdays == 0)
    {
      *out_problem = g_strdup (_("Choose at least one weekday."));
      return NULL;
    }
  if (g_date_compare (&self->end_day, &self->start_day) < 0)
    {
      *out_problem = g_strdup (_("The last day is before the first day."));
      return NULL;
    }
  /* The rule starts on the first chosen weekday in the range. */
  while (!(weekdays & (1 << (g_date_get_weekday (&first) - G_DATE_MONDAY)))
         && g_date_compare (&first, &self->end_day) < 0)
    g_date_add_days (&first, 1);
  if (!(weekdays & (1 << (g_date_get_weekday (&first) - G_DATE_MONDAY))))
    {
      *out_problem = g_strdup (_("None of the chosen weekdays falls between the first and the last day."));
      return NULL;
    }

  request->id = g_uuid_string_random ();
  request->space_id = g_strdup (rb_space_get_id (room));
  request->person_id = g_strdup (rb_person_get_id (person));
  request->first = rb_interval_make (local_instant (self, &first, from_minute (self)),
                                     local_instant (self, &first, to_minute (self)));
  request->rrule = rb_series_build_rrule (weekdays, rb_context_get_time_zone (self->context),
                                          local_instant (self, &self->end_day, 12 * 60));
  if (adw_combo_row_get_selected (self->repeat_row) > 0
      && g_str_has_prefix (request->rrule, "FREQ=DAILY;"))
    {
      /* Every n weeks: the same weekdays, in every n-th week from the first one's. */
      g_autofree char *daily = g_steal_pointer (&request->rrule);

      request->rrule = g_strdup_printf ("FREQ=WEEKLY;INTERVAL=%u;WKST=MO;%s",
                                        adw_combo_row_get_selected (self->repeat_row) + 1,
                                        daily + strlen ("FREQ=DAILY;"));
    }
  request->title = *title != '\0' ? g_strdup (title) : NULL;
  request->attendees = gtk_spin_button_get_value_as_int (self->attendees_spin);
  request->mode = adw_combo_row_get_selected (self->mode_row) == 1
                      ? RB_SERIES_MODE_SKIP_CONFLICTS
                      : RB_SERIES_MODE_ALL_OR_NOTHING;
  return g_steal_pointer (&request);
}

/* Check Days and Reserve turn insensitive while they work, and the keyboard focus goes with
 * them: the window has none left. Once the answer is shown, the focus goes to the next step —
 * Reserve after a check, else Check Days — unless it was put elsewhere meanwhile. */
static gboolean
keep_focus_cb (gpointer data)
{
  RbSeriesPage *self = data;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (root == NULL || !gtk_widget_get_mapped (GTK_WIDGET (self))
      || gtk_root_get_focus (root) != NULL)
    return G_SOURCE_REMOVE;
  if (gtk_widget_is_sensitive (GTK_WIDGET (self->reserve_button)))
    gtk_widget_grab_focus (GTK_WIDGET (self->reserve_button));
  else
    gtk_widget_grab_focus (GTK_WIDGET (self->check_button));
  return G_SOURCE_REMOVE;
}

static void
set_busy (RbSeriesPage *self, gboolean busy)
{
  self->busy += busy ? 1 : -1;
  gtk_widget_set_sensitive (GTK_WIDGET (self->check_button), self->busy == 0);
  /* After the answer's handler has shown it. */
  if (self->busy == 0)
    g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, keep_focus_cb, g_object_ref (self), g_object_unref);
}

/* ---- the days of a check or a reservation ----------------------------------------------- */

/* Removes the rows only: a list's placeholder ("No series yet") is a child too, and
 * gtk_list_box_remove would drop it for good. */
static void
clear_list (GtkListBox *list)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (list, 0)) != NULL)
    gtk_list_box_remove (list, GTK_WIDGET (row));
}

/* Any change to the inputs makes an earlier check stale: it must be made again. */
static void
forget_check (RbSeriesPage *self)
{
  g_clear_pointer (&self->checked, rb_series_request_free);
  g_clear_pointer (&self->occurrences, g_array_unref);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reserve_button), FALSE);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->reserve_button), _("Check the days first"));
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), FALSE);
  clear_list (self->occurrence_list);
}

static RbSeriesConflict *
conflict_of (GPtrArray *conflicts, RbInterval occurrence)
{
  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    {
      RbSeriesConflict *conflict = g_ptr_array_index (conflicts, i);

      if (conflict->occurrence.start == occurrence.start)
        return conflict;
    }
  return NULL;
}

static gboolean
was_booked (GPtrArray *bookings, RbInterval occurrence)
{
  for (guint i = 0; bookings != NULL && i < bookings->len; i++)
    if (rb_booking_get_start (g_ptr_array_index (bookings, i)) == occurrence.start)
      return TRUE;
  return FALSE;
}

/* One row per day: date and time as the title, the state in words as the subtitle, and an
 * icon that says the same. `result` is a check (written FALSE) or a reservation. */
static void
show_days (RbSeriesPage *self, RbSeriesResult *result, gboolean written)
{
  clear_list (self->occurrence_list);
  for (guint i = 0; i < self->occurrences->len; i++)
    {
      RbInterval occurrence = g_array_index (self->occurrences, RbInterval, i);
      RbSeriesConflict *conflict = conflict_of (result->conflicts, occurrence);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *date = rb_time_format_local (rb_context_get_time_zone (self->context),
                                                    occurrence.start,
                                                    C_ ("date with year", "%a %-e %b %Y"));
      g_autofree char *from = rb_context_format_time (self->context, occurrence.start);
      g_autofree char *to = rb_context_format_time (self->context, occurrence.end);
      /* TRANSLATORS: a day of a team reservation: date, start and end time. */
      g_autofree char *title = g_strdup_printf (_("%s, %s–%s"), date, from, to);
      g_autofree char *state = NULL;
      const char *icon;

      if (conflict != NULL)
        {
          icon = "dialog-warning-symbolic";
          if (written && result->created)
            /* TRANSLATORS: a day left out of a reservation, with the reason. */
            state = g_strdup_printf (_("Skipped: %s"), conflict->message);
          else
            /* TRANSLATORS: a day that cannot be reserved, with the reason. */
            state = g_strdup_printf (_("Conflict: %s"), conflict->message);
          gtk_widget_add_css_class (row, "rb-conflict");
        }
      else if (written && was_booked (result->bookings, occurrence))
        {
          icon = "emblem-ok-symbolic";
          state = g_strdup (_("Reserved"));
        }
      else if (written)
        {
          icon = "window-close-symbolic";
          state = g_strdup (_("Free, but not reserved"));
        }
      else
        {
          icon = "emblem-ok-symbolic";
          state = g_strdup (_("Free"));
        }

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), state);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));
      gtk_list_box_append (self->occurrence_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->result_box), TRUE);
}

static void
on_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSeriesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSeriesResult) check = rb_client_service_series_finish (RB_CLIENT_SERVICE (source),
                                                                      result, &error);
  guint n_free;
  g_autofree char *summary = NULL;

  set_busy (self, FALSE);
  if (check == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_failure (self, error);
          forget_check (self);
        }
      return;
    }
  if (self->checked == NULL)
    return;  /* the inputs changed meanwhile */

  n_free = self->occurrences->len - check->conflicts->len;
  if (check->conflicts->len == 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "The room is free on the %u day. Nothing is reserved yet.",
                                            "The room is free on all %u days. Nothing is reserved yet.",
                                            self->occurrences->len),
                               self->occurrences->len);
  else
    /* TRANSLATORS: after checking a team reservation: free days of all days, and conflicts. */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Free on %u of %u days; %u day has a conflict. Nothing is reserved yet.",
                                            "Free on %u of %u days; %u days have a conflict. Nothing is reserved yet.",
                                            check->conflicts->len),
                               n_free, self->occurrences->len, check->conflicts->len);
  gtk_label_set_label (self->result_label, summary);
  show_days (self, check, FALSE);

  /* All or nothing with a conflict would write nothing; skipping needs one free day. */
  if (n_free > 0 && (check->conflicts->len == 0
                     || self->checked->mode == RB_SERIES_MODE_SKIP_CONFLICTS))
    {
      gtk_widget_set_sensitive (GTK_WIDGET (self->reserve_button), TRUE);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->reserve_button), NULL);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->reserve_button),
                                 n_free == 0
                                     ? _("No day is free")
                                     : _("Some days are taken: choose to skip taken days"));
}

static void
on_check_clicked_cb (RbSeriesPage *self)
{
  g_autofree char *problem = NULL;
  g_autoptr (GError) error = NULL;
  RbSeriesRequest *request;

  hide_error (self);
  forget_check (self);
  if (!(request = build_request (self, &problem)))
    {
      show_error (self, problem);
      return;
    }
  self->occurrences = rb_series_expand (request->rrule, rb_context_get_time_zone (self->context),
                                        request->first, RB_SERIES_MAX_OCCURRENCES, &error);
  if (self->occurrences == NULL)
    {
      show_error (self, error->message);
      rb_series_request_free (request);
      return;
    }
  self->checked = request;
  set_busy (self, TRUE);
  rb_client_service_check_series_async (rb_context_get_service (self->context), request,
                                        self->cancellable, on_checked_cb, g_object_ref (self));
}

static void
on_reserved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSeriesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSeriesResult) reserved = rb_client_service_series_finish (
      RB_CLIENT_SERVICE (source), result, &error);
  g_autofree char *summary = NULL;

  set_busy (self, FALSE);
  if (reserved == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_failure (self, error);
        }
      return;
    }
  if (!reserved->created)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Nothing was reserved: %u day has a conflict.",
                                            "Nothing was reserved: %u days have a conflict.",
                                            reserved->conflicts->len),
                               reserved->conflicts->len);
  else if (reserved->conflicts->len == 0)
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Reserved %u day.",
                                            "Reserved all %u days.", reserved->bookings->len),
                               reserved->bookings->len);
  else
    /* TRANSLATORS: after reserving with "free days only": reserved and skipped days. */
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "Reserved %u days; skipped %u day with a conflict.",
                                            "Reserved %u days; skipped %u days with a conflict.",
                                            reserved->conflicts->len),
                               reserved->bookings->len, reserved->conflicts->len);
  /* The days are shown unless the inputs changed meanwhile; the outcome is told anyway. */
  if (self->occurrences != NULL)
    {
      gtk_label_set_label (self->result_label, summary);
      show_days (self, reserved, TRUE);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->reserve_button), FALSE);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", summary);
}

static void
on_reserve_clicked_cb (RbSeriesPage *self)
{
  if (self->checked == NULL)
    return;
  hide_error (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->reserve_button), FALSE);
  set_busy (self, TRUE);
  rb_client_service_create_series_async (rb_context_get_service (self->context), self->checked,
                                         self->cancellable, on_reserved_cb, g_object_ref (self));
}

/* ---- one's series ----------------------------------------------------------------------- */

static GtkWidget *
cancel_button (const char *label, const char *action, const char *series_id,
               const char *booking_id, const char *accessible_label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(ss)", series_id,
                                    booking_id ? booking_id : "");
  rb_accessible_set_label (button, accessible_label);
  return button;
}

static GtkWidget *
series_row (RbSeriesPage *self, GPtrArray *bookings)
{
  RbBooking *first = g_ptr_array_index (bookings, 0);
  const char *series_id = rb_booking_get_series_id (first);
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *room = rb_space_format_name (rb_booking_get_space_kind (first),
                                                rb_booking_get_space_name (first));
  g_autofree char *title = rb_booking_get_title (first) != NULL
                               /* TRANSLATORS: a series in the list: its title and room. */
                               ? g_strdup_printf (_("%s · %s"), rb_booking_get_title (first), room)
                               : g_strdup (room);
  g_autofree char *next = rb_context_format_interval (self->context,
                                                      rb_booking_get_interval (first));
  g_autofree char *subtitle = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "%u day ahead, the next %s", "%u days ahead, the next %s",
                   bookings->len),
      bookings->len, next);
  g_autofree char *all_label = g_strdup_printf (_("Cancel every day of %s"), title);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row),
                               cancel_button (_("Cancel _All"), "series.cancel-all", series_id,
                                              NULL, all_label));
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      GtkWidget *day = adw_action_row_new ();
      g_autofree char *when = rb_context_format_interval (self->context,
                                                          rb_booking_get_interval (booking));
      g_autofree char *label = g_strdup_printf (_("Cancel %s and the days after it"), when);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (day), when);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (day),
                                   rb_booking_state_label (rb_booking_get_state (booking)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (day),
                                 cancel_button (_("Cancel This and _Following"),
                                                "series.cancel-following", series_id,
                                                rb_booking_get_id (booking), label));
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), day);
    }
  return row;
}

typedef struct
{
  RbSeriesPage *page;
  guint generation;
} SeriesLoad;

static void
series_load_free (SeriesLoad *load)
{
  g_object_unref (load->page);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SeriesLoad, series_load_free)

/* An earlier answer may be another person's (signed out, or switched, meanwhile): only the
 * latest reload's is shown. */
static void
on_series_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (SeriesLoad) load = user_data;
  RbSeriesPage *self = load->page;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);
  g_autoptr (GPtrArray) order = g_ptr_array_new ();
  g_autoptr (GHashTable) by_series = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                            (GDestroyNotify) g_ptr_array_unref);

  if (load->generation != self->series_generation)
    return;
  if (bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      const char *series_id = rb_booking_get_series_id (booking);
      GPtrArray *days;

      if (series_id == NULL || !rb_booking_state_is_active (rb_booking_get_state (booking)))
        continue;
      if (!(days = g_hash_table_lookup (by_series, series_id)))
        {
          days = g_ptr_array_new ();
          g_hash_table_insert (by_series, (gpointer) series_id, days);
          g_ptr_array_add (order, (gpointer) series_id);
        }
      g_ptr_array_add (days, booking);
    }
  clear_list (self->series_list);
  for (guint i = 0; i < order->len; i++)
    gtk_list_box_append (self->series_list,
                         series_row (self, g_hash_table_lookup (by_series,
                                                                g_ptr_array_index (order, i))));
}

static void
reload_series (RbSeriesPage *self)
{
  gint64 now = rb_context_now (self->context);
  SeriesLoad *load;

  self->series_generation++;
  if (team_lead (self) == NULL)
    {
      clear_list (self->series_list);
      return;
    }
  load = g_new0 (SeriesLoad, 1);
  load->page = g_object_ref (self);
  load->generation = self->series_generation;
  rb_client_service_list_my_bookings_async (
      rb_context_get_service (self->context), NULL,
      rb_interval_make (now, now + RB_CLIENT_SERVICE_LOOKAHEAD_DAYS * (gint64) 86400),
      self->cancellable, on_series_loaded_cb, load);
}

static void
on_cancelled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSeriesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cancelled = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                   result, &error);
  g_autofree char *message = NULL;

  if (cancelled == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_failure (self, error);
        }
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled %u day.",
                                          "Cancelled %u days.", cancelled->len),
                             cancelled->len);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

typedef struct
{
  RbSeriesPage *page;
  char *series_id;
  char *booking_id;
  RbSeriesCancelScope scope;
} CancelRequest;

static void
cancel_request_free (gpointer data, GClosure *closure)
{
  CancelRequest *cancel = data;

  g_object_unref (cancel->page);
  g_free (cancel->series_id);
  g_free (cancel->booking_id);
  g_free (cancel);
}

static void
on_cancel_response_cb (AdwMessageDialog *dialog, const char *response, CancelRequest *cancel)
{
  RbSeriesPage *self = cancel->page;

  if (!g_str_equal (response, "cancel-days") || team_lead (self) == NULL)
    return;
  rb_client_service_cancel_series_async (rb_context_get_service (self->context),
                                         cancel->series_id, cancel->booking_id, cancel->scope,
                                         self->cancellable, on_cancelled_cb, g_object_ref (self));
}

/* Cancelling cannot be undone, so it is confirmed first. */
static void
confirm_cancel (RbSeriesPage *self, const char *series_id, const char *booking_id,
                RbSeriesCancelScope scope)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (root),
      scope == RB_SERIES_CANCEL_ALL ? _("Cancel the Whole Series?")
                                    : _("Cancel This Day and the Following?"),
      scope == RB_SERIES_CANCEL_ALL
          ? _("Every day of the series that has not ended is cancelled, and the room is free again.")
          : _("This day and every later day of the series are cancelled, and the room is free again.")));
  CancelRequest *cancel = g_new0 (CancelRequest, 1);

  adw_message_dialog_add_responses (dialog, "keep", _("_Keep"), "cancel-days",
                                    _("Cancel _Days"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "cancel-days", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  cancel->page = g_object_ref (self);
  cancel->series_id = g_strdup (series_id);
  cancel->booking_id = booking_id && *booking_id ? g_strdup (booking_id) : NULL;
  cancel->scope = scope;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_cancel_response_cb), cancel,
                         cancel_request_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_all_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *series_id, *booking_id;

  g_variant_get (parameter, "(&s&s)", &series_id, &booking_id);
  confirm_cancel (RB_SERIES_PAGE (widget), series_id, NULL, RB_SERIES_CANCEL_ALL);
}

static void
cancel_following_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  const char *series_id, *booking_id;

  g_variant_get (parameter, "(&s&s)", &series_id, &booking_id);
  confirm_cancel (RB_SERIES_PAGE (widget), series_id, booking_id, RB_SERIES_CANCEL_FOLLOWING);
}

/* ---- choosing room, days and time ------------------------------------------------------- */

static void
on_room_selected_cb (RbSeriesPage *self)
{
  RbSpace *room = selected_room (self);
  int capacity = room ? MAX (rb_space_get_capacity (room), 1) : 1;
  g_autofree char *subtitle = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE, "At most %d person, the room’s capacity",
                   "At most %d people, the room’s capacity", capacity),
      capacity);

  gtk_spin_button_set_range (self->attendees_spin, 1, capacity);
  adw_action_row_set_subtitle (self->attendees_row, subtitle);
  forget_check (self);
}

static void
on_rooms_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSeriesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  if (spaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  self->rooms = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (spaces, i);

      if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
        {
          /* TRANSLATORS: a room in the chooser with its number of seats. */
          g_autofree char *label = g_strdup_printf (
              g_dngettext (GETTEXT_PACKAGE, "%s (%d seat)", "%s (%d seats)",
                           rb_space_get_capacity (space)),
              rb_space_get_name (space), rb_space_get_capacity (space));
          g_ptr_array_add (self->rooms, g_object_ref (space));
          gtk_string_list_append (names, label);
        }
    }
  gtk_drop_down_set_model (self->room_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->room_dropdown, 0);
  on_room_selected_cb (self);
}

static const char *
selected_floor_id (RbSeriesPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->floor_dropdown);

  if (self->floors == NULL || selected >= self->floors->len)
    return NULL;
  return rb_floor_get_id (g_ptr_array_index (self->floors, selected));
}

static void
on_floor_selected_cb (RbSeriesPage *self)
{
  const char *floor_id = selected_floor_id (self);

  if (floor_id != NULL)
    rb_client_service_list_spaces_async (rb_context_get_service (self->context), floor_id,
                                         self->cancellable, on_rooms_loaded_cb,
                                         g_object_ref (self));
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSeriesPage) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  if (floors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  self->floors = floors;
  for (guint i = 0; i < floors->len; i++)
    gtk_string_list_append (names, rb_floor_get_name (g_ptr_array_index (floors, i)));
  gtk_drop_down_set_model (self->floor_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->floor_dropdown, 0);
  on_floor_selected_cb (self);
}

static void
day_chosen (RbSeriesPage *self, RbDatePicker *calendar, GtkPopover *popover, GDate *day,
            GtkMenuButton *button)
{
  g_autoptr (GDateTime) date = rb_date_picker_get_date (calendar);

  gtk_popover_popdown (popover);
  g_date_set_dmy (day, g_date_time_get_day_of_month (date), g_date_time_get_month (date),
                  g_date_time_get_year (date));
  set_button_date (self, button, day);
  forget_check (self);
}

static void
on_start_day_selected_cb (RbSeriesPage *self)
{
  g_autoptr (GDateTime) first = NULL;

  day_chosen (self, self->start_calendar, self->start_popover, &self->start_day,
              self->start_button);
  /* Keep the range the right way round: the last day is not offered before the first, and a
   * later start moves the end with it. */
  first = rb_date_picker_get_date (self->start_calendar);
  rb_date_picker_set_min_date (self->end_calendar, first);
  if (g_date_compare (&self->end_day, &self->start_day) < 0)
    {
      self->end_day = self->start_day;
      select_calendar_day (self->end_calendar, &self->end_day);
    }
}

static void
on_end_day_selected_cb (RbSeriesPage *self)
{
  day_chosen (self, self->end_calendar, self->end_popover, &self->end_day, self->end_button);
}

static guint
slot_index (RbSeriesPage *self, int minute)
{
  for (guint i = 0; i < self->slot_minutes->len; i++)
    if (g_array_index (self->slot_minutes, int, i) >= minute)
      return i;
  return self->slot_minutes->len - 1;
}

static void
on_from_changed_cb (RbSeriesPage *self)
{
  if (to_minute (self) <= from_minute (self))
    gtk_drop_down_set_selected (self->to_dropdown,
                                MAX (slot_index (self, from_minute (self) + 60), 1) - 1);
  forget_check (self);
}

static void
on_to_changed_cb (RbSeriesPage *self)
{
  if (to_minute (self) <= from_minute (self))
    gtk_drop_down_set_selected (self->from_dropdown,
                                gtk_drop_down_get_selected (self->to_dropdown));
  forget_check (self);
}

static void
on_dismiss_error_clicked_cb (RbSeriesPage *self)
{
  hide_error (self);
}

static GtkStringList *
slot_labels (RbSeriesPage *self, guint first, guint last)
{
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = first; i <= last; i++)
    {
      int minute = g_array_index (self->slot_minutes, int, i);
      g_autoptr (GDateTime) time = g_date_time_new_utc (2000, 1, 1, minute / 60, minute % 60, 0);
      g_autofree char *label = g_date_time_format (time, C_ ("time of day", "%H:%M"));

      gtk_string_list_append (labels, label);
    }
  return labels;
}

/* The slots of the opening hours as from and to lists. */
static void
build_time_choices (RbSeriesPage *self)
{
  RbPolicy policy = rb_context_get_policy (self->context);
  g_autoptr (GtkStringList) from_labels = NULL;
  g_autoptr (GtkStringList) to_labels = NULL;

  g_array_set_size (self->slot_minutes, 0);
  for (int minute = policy.opening_minute; minute <= policy.closing_minute; minute += 15)
    g_array_append_val (self->slot_minutes, minute);
  from_labels = slot_labels (self, 0, self->slot_minutes->len - 2);
  to_labels = slot_labels (self, 1, self->slot_minutes->len - 1);
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (from_labels));
  gtk_drop_down_set_model (self->to_dropdown, G_LIST_MODEL (to_labels));
}

/* The opening hours may have changed (an administrator's Rules): the time choices follow,
 * keeping the chosen times where they still fit, with the handlers blocked that would read
 * the old choices against the new slots. */
static void
update_time_choices (RbSeriesPage *self)
{
  RbPolicy policy = rb_context_get_policy (self->context);
  guint n = self->slot_minutes->len;
  int from, to;

  if (n > 0 && g_array_index (self->slot_minutes, int, 0) == policy.opening_minute
      && g_array_index (self->slot_minutes, int, n - 1) == policy.closing_minute)
    return;
  from = from_minute (self);
  to = to_minute (self);
  g_signal_handlers_block_by_func (self->from_dropdown, on_from_changed_cb, self);
  g_signal_handlers_block_by_func (self->to_dropdown, on_to_changed_cb, self);
  build_time_choices (self);
  from = CLAMP (from, policy.opening_minute, policy.closing_minute - 15);
  to = CLAMP (to, from + 15, policy.closing_minute);
  gtk_drop_down_set_selected (self->from_dropdown, slot_index (self, from));
  gtk_drop_down_set_selected (self->to_dropdown, slot_index (self, to) - 1);
  g_signal_handlers_unblock_by_func (self->from_dropdown, on_from_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->to_dropdown, on_to_changed_cb, self);
  forget_check (self);
}

static void
build_choices (RbSeriesPage *self)
{
  g_autoptr (GDateTime) today = rb_utc_to_local (rb_context_get_time_zone (self->context),
                                                 rb_context_now (self->context));
  GDate monday;

  build_time_choices (self);
  rb_drop_down_open_at_selection (self->from_dropdown);
  rb_drop_down_open_at_selection (self->to_dropdown);
  gtk_drop_down_set_selected (self->from_dropdown, slot_index (self, 9 * 60));
  gtk_drop_down_set_selected (self->to_dropdown, slot_index (self, 17 * 60) - 1);

  /* Weekday buttons, Monday first, named in the UI's language; Monday to Friday on. */
  g_date_clear (&monday, 1);
  g_date_set_dmy (&monday, 7, G_DATE_JANUARY, 2030);
  for (int i = 0; i < 7; i++)
    {
      char short_name[32], long_name[64];
      GtkWidget *button;

      g_date_strftime (short_name, sizeof short_name, "%a", &monday);
      g_date_strftime (long_name, sizeof long_name, "%A", &monday);
      button = gtk_toggle_button_new_with_label (short_name);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), i < 5);
      gtk_widget_set_tooltip_text (button, long_name);
      rb_accessible_set_label (button, long_name);
      g_signal_connect_swapped (button, "toggled", G_CALLBACK (forget_check), self);
      gtk_box_append (self->weekday_box, button);
      self->weekday_buttons[i] = GTK_TOGGLE_BUTTON (button);
      g_date_add_days (&monday, 1);
    }

  /* A two-week sprint from next Monday to the Friday after. */
  g_date_set_dmy (&self->start_day, g_date_time_get_day_of_month (today),
                  g_date_time_get_month (today), g_date_time_get_year (today));
  g_date_add_days (&self->start_day, 8 - g_date_get_weekday (&self->start_day));
  self->end_day = self->start_day;
  g_date_add_days (&self->end_day, 11);
  /* A series starts today at the earliest, and ends on its first day at the earliest. */
  rb_date_picker_set_today (self->start_calendar, today);
  rb_date_picker_set_today (self->end_calendar, today);
  rb_date_picker_set_min_date (self->start_calendar, today);
  select_calendar_day (self->start_calendar, &self->start_day);
  select_calendar_day (self->end_calendar, &self->end_day);
  {
    g_autoptr (GDateTime) first = rb_date_picker_get_date (self->start_calendar);

    rb_date_picker_set_min_date (self->end_calendar, first);
  }
  set_button_date (self, self->start_button, &self->start_day);
  set_button_date (self, self->end_button, &self->end_day);
}

/* Checking days and reserving ask the server: while it cannot be reached the page says so
 * at once, not only when the person tries, and stops saying so when it is back. */
static void
on_online_changed_cb (RbSeriesPage *self)
{
  if (!rb_client_service_get_online (rb_context_get_service (self->context)))
    {
      show_error (self, _("This needs the connection to the booking server. Please try again "
                          "when it is back."));
      self->offline_shown = TRUE;
    }
  else if (self->offline_shown)
    hide_error (self);
}

static void
on_person_changed_cb (RbSeriesPage *self)
{
  hide_error (self);
  forget_check (self);
  reload_series (self);
  on_online_changed_cb (self);
}

/* A new client gets its building after a moment: until then there is no floor to offer. */
static void
on_service_changed_cb (RbSeriesPage *self)
{
  update_time_choices (self);
  if (self->floors == NULL || self->floors->len == 0)
    rb_client_service_list_floors_async (rb_context_get_service (self->context),
                                         self->cancellable, on_floors_loaded_cb,
                                         g_object_ref (self));
  reload_series (self);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_series_page_constructed (GObject *object)
{
  RbSeriesPage *self = RB_SERIES_PAGE (object);

  G_OBJECT_CLASS (rb_series_page_parent_class)->constructed (object);

  build_choices (self);
  {
    GtkWidget *none = gtk_label_new (_("No series yet. Reserved series appear here."));

    gtk_widget_add_css_class (none, "dim-label");
    gtk_widget_set_margin_top (none, 12);
    gtk_widget_set_margin_bottom (none, 12);
    gtk_list_box_set_placeholder (self->series_list, none);
  }

  g_signal_connect_swapped (self->floor_dropdown, "notify::selected",
                            G_CALLBACK (on_floor_selected_cb), self);
  g_signal_connect_swapped (self->room_dropdown, "notify::selected",
                            G_CALLBACK (on_room_selected_cb), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected",
                            G_CALLBACK (on_from_changed_cb), self);
  g_signal_connect_swapped (self->to_dropdown, "notify::selected",
                            G_CALLBACK (on_to_changed_cb), self);
  g_signal_connect_swapped (self->mode_row, "notify::selected", G_CALLBACK (forget_check), self);
  g_signal_connect_swapped (self->repeat_row, "notify::selected", G_CALLBACK (forget_check),
                            self);
  g_signal_connect_swapped (self->title_row, "changed", G_CALLBACK (forget_check), self);
  g_signal_connect_swapped (self->attendees_spin, "value-changed", G_CALLBACK (forget_check),
                            self);
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (on_service_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::person",
                           G_CALLBACK (on_person_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::online",
                           G_CALLBACK (on_online_changed_cb), self, G_CONNECT_SWAPPED);

  rb_client_service_list_floors_async (rb_context_get_service (self->context), self->cancellable,
                                       on_floors_loaded_cb, g_object_ref (self));
  reload_series (self);
  on_online_changed_cb (self);
}

static void
rb_series_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbSeriesPage *self = RB_SERIES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_series_page_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  RbSeriesPage *self = RB_SERIES_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_series_page_dispose (GObject *object)
{
  RbSeriesPage *self = RB_SERIES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_SERIES_PAGE);
  g_clear_object (&self->context);
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  g_clear_pointer (&self->rooms, g_ptr_array_unref);
  g_clear_pointer (&self->checked, rb_series_request_free);
  g_clear_pointer (&self->occurrences, g_array_unref);

  G_OBJECT_CLASS (rb_series_page_parent_class)->dispose (object);
}

static void
rb_series_page_finalize (GObject *object)
{
  RbSeriesPage *self = RB_SERIES_PAGE (object);

  g_clear_object (&self->cancellable);
  g_array_unref (self->slot_minutes);

  G_OBJECT_CLASS (rb_series_page_parent_class)->finalize (object);
}

static void
rb_series_page_class_init (RbSeriesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_series_page_constructed;
  object_class->dispose = rb_series_page_dispose;
  object_class->finalize = rb_series_page_finalize;
  object_class->get_property = rb_series_page_get_property;
  object_class->set_property = rb_series_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_DATE_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-series-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, floor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, room_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, start_button);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, start_popover);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, start_calendar);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, end_button);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, end_popover);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, end_calendar);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, weekday_box);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, repeat_row);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, to_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, title_row);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, attendees_row);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, attendees_spin);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, mode_row);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, check_button);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, reserve_button);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, result_box);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, result_label);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, occurrence_list);
  gtk_widget_class_bind_template_child (widget_class, RbSeriesPage, series_list);
  gtk_widget_class_bind_template_callback (widget_class, on_start_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_end_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_check_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reserve_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_error_clicked_cb);

  gtk_widget_class_install_action (widget_class, "series.cancel-all", "(ss)",
                                   cancel_all_action_cb);
  gtk_widget_class_install_action (widget_class, "series.cancel-following", "(ss)",
                                   cancel_following_action_cb);
}

static void
rb_series_page_init (RbSeriesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->slot_minutes = g_array_new (FALSE, FALSE, sizeof (int));
  g_date_clear (&self->start_day, 1);
  g_date_clear (&self->end_day, 1);
}

GtkWidget *
rb_series_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_SERIES_PAGE, "context", context, NULL);
}

/* TRUE while a check or a reservation is under way. */
gboolean
rb_series_page_is_busy (RbSeriesPage *self)
{
  g_return_val_if_fail (RB_IS_SERIES_PAGE (self), FALSE);
  return self->busy > 0;
}
