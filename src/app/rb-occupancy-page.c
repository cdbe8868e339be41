/* rb-occupancy-page.c: see rb-occupancy-page.h. Two queries per week and filter: hourly
 * buckets per floor for the heat map and the utilisation, daily buckets for the booking and
 * no-show counts (a booking never spans two opening days, so daily counts add up to
 * bookings, while hourly ones would count a long booking once per hour). A newer request
 * supersedes an older one; the page's cancellable ends them all when it goes away. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "rb-block-dialog.h"
#include "rb-date-picker.h"
#include "rb-heat-map.h"
#include "rb-occupancy-page.h"

#include "rb-accessible.h"
#include "rb-space-row.h"

struct _RbOccupancyPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkMenuButton *week_button;
  GtkPopover *week_popover;
  RbDatePicker *calendar;
  GtkDropDown *day_dropdown;
  GtkToggleButton *kind_all_button;
  GtkToggleButton *kind_desk_button;
  GtkToggleButton *kind_room_button;
  GtkButton *block_button;
  GtkButton *export_button;
  GtkLabel *utilisation_label;
  GtkLabel *forecast_label;
  GtkLabel *withheld_label;
  GtkDropDown *measure_dropdown;
  GtkLabel *no_show_label;
  GtkLabel *no_show_detail_label;
  GtkLabel *bookings_label;
  GtkLabel *bookings_detail_label;
  GtkLabel *heat_map_title;
  RbHeatMap *heat_map;
  GtkBox *blocks_box;
  GtkListBox *blocks_list;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GDate monday;
  GPtrArray *hourly;  /* RbOccupancyRow of the week shown, per floor and hour */
  GPtrArray *daily;   /* the same week per day, for the counts */
  GDate shown_monday; /* the week and kind the figures are of */
  int shown_kind;
  GHashTable *space_names;  /* space id → display name, for the list of blocks */
  GtkFileChooserNative *chooser;
  guint generation;
  guint pending;
};

G_DEFINE_FINAL_TYPE (RbOccupancyPage, rb_occupancy_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (RbOccupancyPage *self);

/* ---- helpers ---------------------------------------------------------------------------- */

static void
show_error (RbOccupancyPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static gboolean
allowed (RbOccupancyPage *self)
{
  RbPerson *person = rb_context_get_person (self->context);

  return person != NULL && rb_occupancy_may_read_reports (rb_person_get_role (person));
}

static RbInterval
week_range (RbOccupancyPage *self)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  GDate sunday = self->monday;

  g_date_add_days (&sunday, 6);
  return rb_interval_make (
      rb_local_day_of_date (tz, g_date_get_year (&self->monday), g_date_get_month (&self->monday),
                            g_date_get_day (&self->monday)).start,
      rb_local_day_of_date (tz, g_date_get_year (&sunday), g_date_get_month (&sunday),
                            g_date_get_day (&sunday)).end);
}

/* 0 for the whole week, else 1 (Monday) … 7 (Sunday). */
static guint
chosen_weekday (RbOccupancyPage *self)
{
  return gtk_drop_down_get_selected (self->day_dropdown);
}

static gboolean
bucket_counts (RbOccupancyPage *self, RbInterval bucket)
{
  g_autoptr (GDateTime) local = NULL;

  if (chosen_weekday (self) == 0)
    return TRUE;
  local = rb_utc_to_local (rb_context_get_time_zone (self->context), bucket.start);
  return (guint) g_date_time_get_day_of_week (local) == chosen_weekday (self);
}

/* The week's figures with one decimal: a building-wide 0.3 % is not 0 %. */
static char *
format_percent (double fraction)
{
  /* TRANSLATORS: a percentage with one decimal in the occupancy figures; German "%.1f %%". */
  return g_strdup_printf (C_ ("occupancy figure", "%.1f%%"), fraction * 100.0);
}

static void
update_week_label (RbOccupancyPage *self)
{
  RbInterval week = week_range (self);
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  /* TRANSLATORS: the first day of a week range as strftime format, e.g. "30 Nov";
   * German "%-e. %b". */
  g_autofree char *from = rb_time_format_local (tz, week.start, C_ ("week start", "%-e %b"));
  /* TRANSLATORS: the last day of a week range as strftime format, e.g. "6 Dec 2026";
   * German "%-e. %b %Y". */
  g_autofree char *to = rb_time_format_local (tz, week.end - 1, C_ ("week end", "%-e %b %Y"));
  /* TRANSLATORS: a week, from its Monday to its Sunday, e.g. "30 Nov – 6 Dec 2026". */
  g_autofree char *label = g_strdup_printf (_("%s – %s"), from, to);
  g_autoptr (GDateTime) monday = rb_utc_to_local (tz, week.start);
  g_autoptr (GDateTime) sunday = rb_utc_to_local (tz, week.end - 1);
  g_autofree char *monday_words = rb_date_picker_format_day (monday);
  g_autofree char *sunday_words = rb_date_picker_format_day (sunday);
  /* TRANSLATORS: what a screen reader says of the week button, e.g. "Week: Monday,
   * 30 November 2026 to Sunday, 6 December 2026". */
  g_autofree char *spoken = g_strdup_printf (_("Week: %s to %s"), monday_words, sunday_words);

  gtk_menu_button_set_label (self->week_button, label);
  rb_date_picker_label_button (self->week_button, spoken);
}

/* ---- showing ---------------------------------------------------------------------------- */

/* Says that figures resting on fewer than withheld_below people are left out (0: none were). */
static void
show_withheld_note (RbOccupancyPage *self, int withheld_below)
{
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->withheld_label), withheld_below > 0);
  if (withheld_below == 0)
    return;
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Hours and days booked by fewer than %d person are "
                                       "withheld, so that nobody’s presence can be read off "
                                       "them: their cells show “<%d”, and the figures above "
                                       "leave them out.",
                                       "Hours and days booked by fewer than %d people are "
                                       "withheld, so that nobody’s presence can be read off "
                                       "them: their cells show “<%d”, and the figures above "
                                       "leave them out.",
                                       withheld_below),
                          withheld_below, withheld_below);
  gtk_label_set_label (self->withheld_label, text);
}

static void
show_heat_map (RbOccupancyPage *self)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  RbPolicy policy;
  int first_hour, last_hour, n_columns;
  g_autoptr (GPtrArray) floor_ids = g_ptr_array_new ();
  g_autoptr (GStrvBuilder) row_builder = g_strv_builder_new ();
  g_autoptr (GStrvBuilder) column_builder = g_strv_builder_new ();
  g_auto (GStrv) row_labels = NULL;
  g_auto (GStrv) column_labels = NULL;
  g_autofree gint64 *used = NULL;
  g_autofree gint64 *open = NULL;
  g_autofree gboolean *withheld = NULL;
  g_autofree double *values = NULL;
  int withheld_below = 0;
  gint64 total_used = 0, total_booked = 0, total_open = 0;
  /* The heat map shows checked-in time (what was used) or booked time (the forecast). */
  gboolean booked = gtk_drop_down_get_selected (self->measure_dropdown) == 1;

  policy = rb_context_get_policy (self->context);
  first_hour = policy.opening_minute / 60;
  last_hour = (policy.closing_minute + 59) / 60;
  n_columns = MAX (last_hour - first_hour, 1);
  for (int h = first_hour; h < first_hour + n_columns; h++)
    {
      /* TRANSLATORS: an hour column of the heat map; the hour from h:00 to h+1:00. */
      g_autofree char *label = g_strdup_printf (C_ ("heat map hour", "%02d"), h);
      g_strv_builder_add (column_builder, label);
    }

  /* Floors in the order the store gives them (by level). */
  for (guint i = 0; i < self->hourly->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (self->hourly, i);
      gboolean known = FALSE;

      for (guint f = 0; f < floor_ids->len && !known; f++)
        known = g_strcmp0 (g_ptr_array_index (floor_ids, f), row->floor_id) == 0;
      if (!known)
        {
          g_ptr_array_add (floor_ids, row->floor_id);
          g_strv_builder_add (row_builder, row->floor_name ? row->floor_name : "");
        }
    }

  used = g_new0 (gint64, floor_ids->len * n_columns);
  open = g_new0 (gint64, floor_ids->len * n_columns);
  withheld = g_new0 (gboolean, floor_ids->len * n_columns);
  values = g_new0 (double, floor_ids->len * n_columns);
  for (guint i = 0; i < self->hourly->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (self->hourly, i);
      g_autoptr (GDateTime) local = rb_utc_to_local (tz, row->bucket.start);
      int column = g_date_time_get_hour (local) - first_hour;
      guint f = 0;

      if (!bucket_counts (self, row->bucket))
        continue;
      /* A withheld hour counts nowhere, not even in the open time of the totals: what is
       * shown is the use of the hours that may be shown. */
      if (row->withheld_below > 0)
        withheld_below = row->withheld_below;
      else
        {
          total_used += row->used_seconds;
          total_booked += row->booked_seconds;
          total_open += row->open_seconds;
        }
      if (column < 0 || column >= n_columns)
        continue;
      while (g_strcmp0 (g_ptr_array_index (floor_ids, f), row->floor_id) != 0)
        f++;
      if (row->withheld_below > 0)
        {
          withheld[f * n_columns + column] = TRUE;
          continue;
        }
      used[f * n_columns + column] += booked ? row->booked_seconds : row->used_seconds;
      open[f * n_columns + column] += row->open_seconds;
    }
  for (guint i = 0; i < floor_ids->len * n_columns; i++)
    values[i] = open[i] > 0   ? (double) used[i] / open[i]
                : withheld[i] ? RB_HEAT_MAP_WITHHELD
                              : RB_HEAT_MAP_NO_VALUE;
  show_withheld_note (self, withheld_below);

  row_labels = g_strv_builder_end (row_builder);
  column_labels = g_strv_builder_end (column_builder);
  rb_heat_map_set_data (self->heat_map, (const char *const *) row_labels,
                        (const char *const *) column_labels, values, withheld_below);

  if (total_open > 0)
    {
      g_autofree char *text = format_percent ((double) total_used / total_open);
      g_autofree char *forecast = format_percent ((double) total_booked / total_open);

      gtk_label_set_label (self->utilisation_label, text);
      gtk_label_set_label (self->forecast_label, forecast);
    }
  else
    {
      gtk_label_set_label (self->utilisation_label, "–");
      gtk_label_set_label (self->forecast_label, "–");
    }
}

static void
show_counts (RbOccupancyPage *self, GPtrArray *daily)
{
  int booked = 0, released = 0, checked_in = 0;
  g_autofree char *bookings = NULL;
  g_autofree char *bookings_detail = NULL;
  g_autofree char *no_show_detail = NULL;

  for (guint i = 0; i < daily->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (daily, i);

      if (!bucket_counts (self, row->bucket))
        continue;
      booked += row->booked;
      released += row->released;
      checked_in += row->checked_in;
    }

  bookings = g_strdup_printf ("%d", booked);
  gtk_label_set_label (self->bookings_label, bookings);
  bookings_detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d checked in",
                                                  "%d checked in", checked_in),
                                     checked_in);
  gtk_label_set_label (self->bookings_detail_label, bookings_detail);
  if (booked > 0)
    {
      g_autofree char *rate = format_percent ((double) released / booked);
      gtk_label_set_label (self->no_show_label, rate);
    }
  else
    gtk_label_set_label (self->no_show_label, "–");
  /* TRANSLATORS: under the no-show rate: how many bookings were released unused. */
  no_show_detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%d of %d booking released, nobody came",
                                                 "%d of %d bookings released, nobody came",
                                                 booked),
                                    released, booked);
  gtk_label_set_label (self->no_show_detail_label, no_show_detail);
}

static void
update_heat_map_title (RbOccupancyPage *self)
{
  const char *kind = gtk_toggle_button_get_active (self->kind_desk_button)   ? _("desks")
                     : gtk_toggle_button_get_active (self->kind_room_button) ? _("rooms")
                                                                            : _("desks and rooms");
  g_autofree char *title
      = gtk_drop_down_get_selected (self->measure_dropdown) == 1
            /* TRANSLATORS: the heading of the heat map of booked hours; %s is "desks",
             * "rooms" or "desks and rooms". */
            ? g_strdup_printf (_("Booked per floor and hour, %s"), kind)
            /* TRANSLATORS: the heading of the heat map; %s is "desks", "rooms" or "desks and
             * rooms". */
            : g_strdup_printf (_("Utilisation per floor and hour, %s"), kind);

  gtk_label_set_label (self->heat_map_title, title);
}

/* ---- loading ---------------------------------------------------------------------------- */

/* -1 for desks and rooms, else the kind of space chosen. */
static int
chosen_kind (RbOccupancyPage *self)
{
  if (gtk_toggle_button_get_active (self->kind_desk_button))
    return RB_SPACE_KIND_DESK;
  if (gtk_toggle_button_get_active (self->kind_room_button))
    return RB_SPACE_KIND_ROOM;
  return -1;
}

/* The figures of one week and kind are not shown under another's heading while those load
 * (or cannot be loaded, offline): the page shows dashes instead. */
static void
forget_figures (RbOccupancyPage *self)
{
  const char *const none[] = { NULL };

  g_clear_pointer (&self->hourly, g_ptr_array_unref);
  g_clear_pointer (&self->daily, g_ptr_array_unref);
  rb_heat_map_set_data (self->heat_map, none, none, NULL, 0);
  show_withheld_note (self, 0);
  gtk_label_set_label (self->utilisation_label, "–");
  gtk_label_set_label (self->forecast_label, "–");
  gtk_label_set_label (self->no_show_label, "–");
  gtk_label_set_label (self->no_show_detail_label, "");
  gtk_label_set_label (self->bookings_label, "–");
  gtk_label_set_label (self->bookings_detail_label, "");
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), FALSE);
}

typedef struct
{
  RbOccupancyPage *page;
  guint generation;
} Request;

static Request *
request_new (RbOccupancyPage *self)
{
  Request *request = g_new0 (Request, 1);

  request->page = g_object_ref (self);
  request->generation = self->generation;
  self->pending++;
  return request;
}

/* Whether the answer to a request is still wanted; shows a failure that is. */
static gboolean
request_done (Request *request, GPtrArray *rows, GError *error)
{
  RbOccupancyPage *self = request->page;
  gboolean current = request->generation == self->generation;

  self->pending--;
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && current)
        {
          g_autofree char *text = rb_context_describe_error (self->context, error);
          show_error (self, text);
        }
      return FALSE;
    }
  return current;
}

static void
on_daily_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr (RbOccupancyPage) self = request->page;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result,
                                                              &error);

  if (!request_done (request, rows, error))
    return;
  g_clear_pointer (&self->daily, g_ptr_array_unref);
  self->daily = g_steal_pointer (&rows);
  show_counts (self, self->daily);
}

static void
on_hourly_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Request *request = user_data;
  g_autoptr (RbOccupancyPage) self = request->page;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) rows = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result,
                                                              &error);

  if (!request_done (request, rows, error))
    return;
  g_clear_pointer (&self->hourly, g_ptr_array_unref);
  self->hourly = g_steal_pointer (&rows);
  self->shown_monday = self->monday;
  self->shown_kind = chosen_kind (self);
  gtk_widget_set_sensitive (GTK_WIDGET (self->export_button), TRUE);
  show_heat_map (self);
}

static void
fill_query (RbOccupancyPage *self, RbOccupancyQuery *query)
{
  query->range = week_range (self);
  query->filter_kind = !gtk_toggle_button_get_active (self->kind_all_button);
  query->kind = gtk_toggle_button_get_active (self->kind_room_button) ? RB_SPACE_KIND_ROOM
                                                                      : RB_SPACE_KIND_DESK;
}

/* ---- blocks ------------------------------------------------------------------------------- */

static void load_blocks (RbOccupancyPage *self);

static void
on_lifted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbOccupancyPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = rb_context_describe_error (self->context, error);
          show_error (self, text);
        }
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Block lifted"));
  load_blocks (self);
}

static void
lift_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (widget);

  rb_client_service_lift_block_async (rb_context_get_service (self->context),
                                      g_variant_get_int64 (parameter), self->cancellable,
                                      on_lifted_cb, g_object_ref (self));
}

/* Where a block begins and ends, for its row: a block of whole days (as Block Space… makes
 * them) by its first and last day, "Today" to "Wed 2 Dec"; any other by day and time. */
static void
describe_block_ends (RbOccupancyPage *self, RbInterval interval, char **out_from, char **out_to)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  g_autofree char *from_time = NULL;
  g_autofree char *to_time = NULL;
  g_autofree char *from_day = NULL;
  g_autofree char *to_day = NULL;

  if (rb_local_day (tz, interval.start).start == interval.start
      && rb_local_day (tz, interval.end).start == interval.end)
    {
      *out_from = rb_context_format_date (self->context, interval.start);
      *out_to = rb_context_format_date (self->context, interval.end - 1);
      return;
    }
  from_day = rb_context_format_date (self->context, interval.start);
  from_time = rb_context_format_time (self->context, interval.start);
  to_day = rb_context_format_date (self->context, interval.end);
  to_time = rb_context_format_time (self->context, interval.end);
  /* TRANSLATORS: a day and a time of day, e.g. "Tue 1 Dec, 12:00" or "Today, 12:00". */
  *out_from = g_strdup_printf (C_ ("day and time", "%s, %s"), from_day, from_time);
  *out_to = g_strdup_printf (C_ ("day and time", "%s, %s"), to_day, to_time);
}

static void
on_blocks_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbOccupancyPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) blocks = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                result, &error);
  GtkWidget *child;

  if (blocks == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->blocks_list))) != NULL)
    gtk_list_box_remove (self->blocks_list, child);
  for (guint i = 0; i < blocks->len; i++)
    {
      RbSpaceBlock *block = g_ptr_array_index (blocks, i);
      const char *name = self->space_names != NULL
                             ? g_hash_table_lookup (self->space_names, block->space_id)
                             : NULL;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *lift = gtk_button_new_with_mnemonic (_("_Lift Block"));
      g_autofree char *from = NULL;
      g_autofree char *to = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *accessible = NULL;

      name = name != NULL ? name : block->space_id;
      describe_block_ends (self, block->interval, &from, &to);
      /* TRANSLATORS: a block in the occupancy page: from, until, and the reason. */
      subtitle = g_strdup_printf (_("From %s until %s · %s"), from, to, block->reason);
      accessible = g_strdup_printf (_("Lift the block of %s"), name);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_valign (lift, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (lift), "occupancy.lift");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (lift), "x", block->id);
      rb_accessible_set_label (lift, accessible);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), lift);
      gtk_list_box_append (self->blocks_list, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->blocks_box), blocks->len > 0);
}

static void
load_blocks (RbOccupancyPage *self)
{
  RbPerson *person = rb_context_get_person (self->context);

  if (person == NULL || !rb_blocks_may_manage (rb_person_get_role (person)))
    {
      gtk_widget_set_visible (GTK_WIDGET (self->blocks_box), FALSE);
      return;
    }
  rb_client_service_list_blocks_async (rb_context_get_service (self->context), NULL,
                                       week_range (self), self->cancellable, on_blocks_loaded_cb,
                                       g_object_ref (self));
}

/* Block rows name their space; the names come once, for the whole building. */
static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbOccupancyPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result,
                                                                &error);

  if (spaces == NULL || spaces->len == 0)
    return;
  g_clear_pointer (&self->space_names, g_hash_table_unref);
  self->space_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (spaces, i);

      g_hash_table_insert (self->space_names, g_strdup (rb_space_get_id (space)),
                           rb_space_dup_display_name (space));
    }
  load_blocks (self);
}

static void
reload (RbOccupancyPage *self)
{
  RbClientService *service = rb_context_get_service (self->context);
  RbOccupancyQuery hourly = { 0 };
  RbOccupancyQuery daily = { 0 };
  RbPerson *person = rb_context_get_person (self->context);

  self->generation++;
  update_week_label (self);
  update_heat_map_title (self);
  gtk_widget_set_visible (GTK_WIDGET (self->block_button),
                          person != NULL && rb_blocks_may_manage (rb_person_get_role (person)));
  if (!allowed (self))
    return;
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  /* The same figures again (something changed, the server is back) stay until the new ones
   * come; another week's or kind's go at once. */
  if (self->hourly != NULL
      && (g_date_compare (&self->shown_monday, &self->monday) != 0
          || self->shown_kind != chosen_kind (self)))
    forget_figures (self);

  fill_query (self, &hourly);
  hourly.bucket = RB_OCCUPANCY_BUCKET_HOUR;
  hourly.by_floor = TRUE;
  rb_client_service_occupancy_async (service, &hourly, self->cancellable, on_hourly_loaded_cb,
                                     request_new (self));
  fill_query (self, &daily);
  daily.bucket = RB_OCCUPANCY_BUCKET_DAY;
  rb_client_service_occupancy_async (service, &daily, self->cancellable, on_daily_loaded_cb,
                                     request_new (self));
  if (self->space_names == NULL)
    rb_client_service_list_spaces_async (service, NULL, self->cancellable, on_spaces_loaded_cb,
                                         g_object_ref (self));
  else
    load_blocks (self);
}

/* ---- exporting -------------------------------------------------------------------------- */

static void
on_csv_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbOccupancyPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  {
    g_autofree char *name = g_file_get_basename (G_FILE (source));
    /* TRANSLATORS: after the occupancy export, with the file's name. */
    g_autofree char *message = g_strdup_printf (_("Saved %s"), name);
    gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
  }
}

/* Writes the hourly figures of the week shown, as rb_occupancy_to_csv makes them, to file
 * (replacing it), in the background. */
void
rb_occupancy_page_save_csv (RbOccupancyPage *self, GFile *file)
{
  char *csv;
  g_autoptr (GBytes) bytes = NULL;

  g_return_if_fail (RB_IS_OCCUPANCY_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->hourly == NULL)
    return;
  csv = rb_occupancy_to_csv (self->hourly, rb_context_get_time_zone (self->context));
  bytes = g_bytes_new_take (csv, strlen (csv));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_csv_written_cb, g_object_ref (self));
}

static void
on_chooser_response_cb (RbOccupancyPage *self, int response, GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        rb_occupancy_page_save_csv (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
on_export_clicked_cb (RbOccupancyPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *name = NULL;

  if (self->hourly == NULL || self->chooser != NULL)
    return;
  /* TRANSLATORS: the suggested file name of the occupancy export; %04d-%02d-%02d is the
   * week's Monday. Keep it a plain file name. */
  name = g_strdup_printf (_("occupancy-%04d-%02d-%02d.csv"), g_date_get_year (&self->monday),
                          g_date_get_month (&self->monday), g_date_get_day (&self->monday));
  self->chooser = gtk_file_chooser_native_new (_("Export Occupancy"), GTK_WINDOW (root),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  {
    g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

    gtk_file_filter_set_name (filter, _("CSV Files"));
    gtk_file_filter_add_mime_type (filter, "text/csv");
    gtk_file_filter_add_suffix (filter, "csv");
    gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- blocking --------------------------------------------------------------------------- */

static void
on_blocked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbOccupancyPage) self = user_data;
  g_autoptr (GError) error = NULL;
  RbBlockResult *block = rb_client_service_block_finish (RB_CLIENT_SERVICE (source), result,
                                                         &error);
  g_autofree char *message = NULL;

  if (block == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = rb_context_describe_error (self->context, error);
          show_error (self, text);
        }
      return;
    }
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Space blocked; %u booking was cancelled.",
                                          "Space blocked; %u bookings were cancelled.",
                                          block->cancelled->len),
                             block->cancelled->len);
  rb_block_result_free (block);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
on_block_response_cb (RbOccupancyPage *self, const char *response, RbBlockDialog *dialog)
{
  if (!g_str_equal (response, "block") || rb_block_dialog_get_space_id (dialog) == NULL)
    return;
  rb_client_service_create_block_async (rb_context_get_service (self->context),
                                        rb_block_dialog_get_space_id (dialog),
                                        rb_block_dialog_get_interval (dialog),
                                        rb_block_dialog_get_reason (dialog), self->cancellable,
                                        on_blocked_cb, g_object_ref (self));
}

static void
on_block_clicked_cb (RbOccupancyPage *self)
{
  RbBlockDialog *dialog = rb_block_dialog_new (
      self->context, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));

  g_signal_connect_object (dialog, "response", G_CALLBACK (on_block_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- choosing --------------------------------------------------------------------------- */

static void
set_monday_of (RbOccupancyPage *self, int year, int month, int day)
{
  g_date_set_dmy (&self->monday, day, month, year);
  g_date_subtract_days (&self->monday, g_date_get_weekday (&self->monday) - G_DATE_MONDAY);
}

void
rb_occupancy_page_set_week (RbOccupancyPage *self, int year, int month, int day)
{
  g_return_if_fail (RB_IS_OCCUPANCY_PAGE (self));

  set_monday_of (self, year, month, day);
  reload (self);
}

/* TRUE while the figures for the current choice are still on their way. */
gboolean
rb_occupancy_page_is_loading (RbOccupancyPage *self)
{
  g_return_val_if_fail (RB_IS_OCCUPANCY_PAGE (self), FALSE);
  return self->pending > 0;
}

static void
on_calendar_day_selected_cb (RbOccupancyPage *self)
{
  g_autoptr (GDateTime) date = rb_date_picker_get_date (self->calendar);

  gtk_popover_popdown (self->week_popover);
  rb_occupancy_page_set_week (self, g_date_time_get_year (date), g_date_time_get_month (date),
                              g_date_time_get_day_of_month (date));
}

static void
move_week (RbOccupancyPage *self, int days)
{
  if (days > 0)
    g_date_add_days (&self->monday, days);
  else
    g_date_subtract_days (&self->monday, -days);
  reload (self);
}

static void
on_previous_week_clicked_cb (RbOccupancyPage *self)
{
  move_week (self, -7);
}

static void
on_next_week_clicked_cb (RbOccupancyPage *self)
{
  move_week (self, 7);
}

/* occupancy.previous-week and occupancy.next-week: the window's Alt+Left and Alt+Right. */
static void
move_week_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  move_week (RB_OCCUPANCY_PAGE (widget), g_str_equal (action_name, "occupancy.next-week") ? 7 : -7);
}

static void
on_kind_toggled_cb (RbOccupancyPage *self, GtkToggleButton *button)
{
  /* Each button of the group toggles; react once, to the one turned on. */
  if (gtk_toggle_button_get_active (button))
    reload (self);
}

/* The figures of the week are here already: only the sums (or the measure) change, and that
 * needs no connection. */
static void
on_day_changed_cb (RbOccupancyPage *self)
{
  update_heat_map_title (self);
  if (self->hourly != NULL)
    show_heat_map (self);
  if (self->daily != NULL)
    show_counts (self, self->daily);
}

static void
on_dismiss_error_clicked_cb (RbOccupancyPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static void
build_day_choices (RbOccupancyPage *self)
{
  g_autoptr (GtkStringList) days = gtk_string_list_new (NULL);
  GDate date;

  gtk_string_list_append (days, _("Whole Week"));
  /* 7 January 2030 is a Monday. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 7, G_DATE_JANUARY, 2030);
  for (int i = 0; i < 7; i++)
    {
      char name[64];

      g_date_strftime (name, sizeof name, "%A", &date);
      gtk_string_list_append (days, name);
      g_date_add_days (&date, 1);
    }
  gtk_drop_down_set_model (self->day_dropdown, G_LIST_MODEL (days));
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_occupancy_page_constructed (GObject *object)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (object);
  g_autoptr (GDateTime) today = NULL;

  G_OBJECT_CLASS (rb_occupancy_page_parent_class)->constructed (object);

  build_day_choices (self);
  today = rb_utc_to_local (rb_context_get_time_zone (self->context),
                           rb_context_now (self->context));
  set_monday_of (self, g_date_time_get_year (today), g_date_time_get_month (today),
                 g_date_time_get_day_of_month (today));
  /* The weeks before are open to look at: no minimum. */
  rb_date_picker_set_today (self->calendar, today);
  rb_date_picker_select_day (self->calendar, today);

  g_signal_connect_swapped (self->day_dropdown, "notify::selected",
                            G_CALLBACK (on_day_changed_cb), self);
  g_signal_connect_swapped (self->measure_dropdown, "notify::selected",
                            G_CALLBACK (on_day_changed_cb), self);
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::person",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  /* Back online: the figures that needed the server come now. */
  g_signal_connect_object (rb_context_get_service (self->context), "notify::online",
                           G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  reload (self);
}

static void
rb_occupancy_page_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (object);

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
rb_occupancy_page_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (object);

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
rb_occupancy_page_dispose (GObject *object)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_OCCUPANCY_PAGE);
  g_clear_object (&self->context);
  g_clear_pointer (&self->hourly, g_ptr_array_unref);
  g_clear_pointer (&self->daily, g_ptr_array_unref);
  g_clear_pointer (&self->space_names, g_hash_table_unref);

  G_OBJECT_CLASS (rb_occupancy_page_parent_class)->dispose (object);
}

static void
rb_occupancy_page_finalize (GObject *object)
{
  RbOccupancyPage *self = RB_OCCUPANCY_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_occupancy_page_parent_class)->finalize (object);
}

static void
rb_occupancy_page_class_init (RbOccupancyPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_occupancy_page_constructed;
  object_class->dispose = rb_occupancy_page_dispose;
  object_class->finalize = rb_occupancy_page_finalize;
  object_class->get_property = rb_occupancy_page_get_property;
  object_class->set_property = rb_occupancy_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_DATE_PICKER);
  g_type_ensure (RB_TYPE_HEAT_MAP);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-occupancy-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, week_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, week_popover);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, day_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, kind_all_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, kind_desk_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, kind_room_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, block_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, export_button);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, utilisation_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, no_show_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, no_show_detail_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, bookings_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, bookings_detail_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, heat_map_title);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, heat_map);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, forecast_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, withheld_label);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, measure_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, blocks_box);
  gtk_widget_class_bind_template_child (widget_class, RbOccupancyPage, blocks_list);
  gtk_widget_class_install_action (widget_class, "occupancy.lift", "x", lift_action_cb);
  gtk_widget_class_install_action (widget_class, "occupancy.previous-week", NULL,
                                   move_week_action_cb);
  gtk_widget_class_install_action (widget_class, "occupancy.next-week", NULL, move_week_action_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_previous_week_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_next_week_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_kind_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_export_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_block_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_error_clicked_cb);
}

static void
rb_occupancy_page_init (RbOccupancyPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_date_clear (&self->monday, 1);
  g_date_clear (&self->shown_monday, 1);
}

GtkWidget *
rb_occupancy_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_OCCUPANCY_PAGE, "context", context, NULL);
}
