/* rb-date-picker.c: see rb-date-picker.h. The grid keeps 42 day buttons and relabels them
 * when the month changes. Only one of them, the "cursor" day, can take the focus: Tab reaches
 * the days once and the arrow keys move within them, as in the grid pattern of WAI-ARIA. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-date-picker.h"

#include "rb-accessible.h"

struct _RbDatePicker
{
  GtkWidget parent_instance;

  /* template widgets */
  GtkLabel *heading_label;
  GtkGrid *day_grid;

  /* owned */
  GtkWidget *day_buttons[RB_DATE_PICKER_N_DAYS];
  GDate selected;
  GDate cursor; /* the day that has the focus, or takes it when the picker opens */
  GDate shown;  /* the first of the month shown */
  GDate first;  /* the day of day_buttons[0], a Monday */
  GDate min;    /* cleared (invalid) while there is no minimum */
  GDate today;
};

G_DEFINE_FINAL_TYPE (RbDatePicker, rb_date_picker, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_DATE,
  PROP_MIN_DATE,
  PROP_TODAY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  DAY_SELECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- helpers ---------------------------------------------------------------------------- */

static void
date_from_date_time (GDate *date, GDateTime *date_time)
{
  g_date_clear (date, 1);
  g_date_set_dmy (date, g_date_time_get_day_of_month (date_time), g_date_time_get_month (date_time),
                  g_date_time_get_year (date_time));
}

/* Noon, so that no change of the clocks moves it to another day. */
static GDateTime *
date_time_from_date (const GDate *date)
{
  return g_date_time_new_local (g_date_get_year (date), g_date_get_month (date),
                                g_date_get_day (date), 12, 0, 0);
}

static gboolean
before_min (RbDatePicker *self, const GDate *date)
{
  return g_date_valid (&self->min) && g_date_compare (date, &self->min) < 0;
}

static gboolean
same_month (const GDate *a, const GDate *b)
{
  return g_date_get_year (a) == g_date_get_year (b) && g_date_get_month (a) == g_date_get_month (b);
}

static void
set_shown_month (RbDatePicker *self, const GDate *date)
{
  g_date_set_dmy (&self->shown, 1, g_date_get_month (date), g_date_get_year (date));
}

static char *
format_date (const GDate *date, const char *format)
{
  /* UTC: only the date is formatted, and no zone's clock change can shift it. */
  g_autoptr (GDateTime) date_time = g_date_time_new_utc (
      g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), 12, 0, 0);

  return g_date_time_format (date_time, format);
}

static char *
describe_day (const GDate *date)
{
  /* TRANSLATORS: a day in words as a screen reader says it, as GDateTime format, e.g.
   * "Thursday, 3 December 2026"; German "%A, %-d. %B %Y". */
  return format_date (date, C_ ("day in words", "%A, %-d %B %Y"));
}

static GtkWidget *
cursor_button (RbDatePicker *self)
{
  int index = (int) g_date_get_julian (&self->cursor) - (int) g_date_get_julian (&self->first);

  g_return_val_if_fail (index >= 0 && index < RB_DATE_PICKER_N_DAYS, NULL);
  return self->day_buttons[index];
}

/* Shows the month of self->shown: the heading, and every day button's number, name, state
 * and whether it can be chosen. */
static void
update_days (RbDatePicker *self)
{
  g_autofree char *heading = NULL;
  GDate day, last_before;

  /* TRANSLATORS: the month a date picker shows, as GDateTime format, e.g. "December 2026". */
  heading = format_date (&self->shown, C_ ("month heading", "%B %Y"));
  gtk_label_set_label (self->heading_label, heading);

  self->first = self->shown;
  g_date_subtract_days (&self->first, g_date_get_weekday (&self->first) - G_DATE_MONDAY);
  day = self->first;
  for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++, g_date_add_days (&day, 1))
    {
      GtkWidget *button = self->day_buttons[i];
      g_autofree char *number = g_strdup_printf ("%u", g_date_get_day (&day));
      g_autofree char *name = describe_day (&day);
      gboolean selected = g_date_compare (&day, &self->selected) == 0;
      gboolean is_today = g_date_compare (&day, &self->today) == 0;
      gboolean choosable = !before_min (self, &day);

      gtk_button_set_label (GTK_BUTTON (button), number);
      rb_accessible_set_label (GTK_WIDGET (button), name);
      if (is_today)
        gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("Today"), -1);
      else
        gtk_accessible_reset_property (GTK_ACCESSIBLE (button),
                                       GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
      /* GTK 4.8 says "pressed" of an active toggle button (a push button to AT-SPI); "checked"
       * is what a screen reader says of a chosen day. */
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), selected);
      gtk_accessible_update_state (
          GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_STATE_CHECKED,
          selected ? GTK_ACCESSIBLE_TRISTATE_TRUE : GTK_ACCESSIBLE_TRISTATE_FALSE, -1);
      gtk_widget_set_sensitive (button, choosable);
      gtk_widget_set_focusable (button, choosable && g_date_compare (&day, &self->cursor) == 0);
      if (is_today)
        gtk_widget_add_css_class (button, "rb-today");
      else
        gtk_widget_remove_css_class (button, "rb-today");
      if (same_month (&day, &self->shown))
        gtk_widget_remove_css_class (button, "dim-label");
      else
        gtk_widget_add_css_class (button, "dim-label");
    }

  /* The month before is offered while one of its days can be chosen. */
  last_before = self->shown;
  g_date_subtract_days (&last_before, 1);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "date-picker.previous-month",
                                 !before_min (self, &last_before));
}

/* Puts the cursor on date (or the minimum, if it is earlier), shows its month and, if
 * focus, gives its button the focus. */
static void
move_cursor (RbDatePicker *self, const GDate *date, gboolean focus)
{
  self->cursor = *date;
  if (before_min (self, &self->cursor))
    self->cursor = self->min;
  set_shown_month (self, &self->cursor);
  update_days (self);
  if (focus)
    gtk_widget_grab_focus (cursor_button (self));
}

/* Selects date; TRUE if it was not selected before. */
static gboolean
set_selected (RbDatePicker *self, const GDate *date)
{
  gboolean changed = g_date_compare (date, &self->selected) != 0;

  self->selected = *date;
  self->cursor = *date;
  set_shown_month (self, date);
  update_days (self);
  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATE]);
  return changed;
}

/* ---- signal callbacks ------------------------------------------------------------------- */

/* A person chose a day (click, Enter or Space): even the one chosen before is an answer. */
static void
on_day_clicked_cb (RbDatePicker *self, GtkWidget *button)
{
  for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++)
    if (self->day_buttons[i] == button)
      {
        GDate day = self->first;

        g_date_add_days (&day, i);
        if (before_min (self, &day))
          return;
        set_selected (self, &day);
        if (gtk_widget_get_focus_child (GTK_WIDGET (self->day_grid)) != NULL)
          gtk_widget_grab_focus (cursor_button (self));
        g_signal_emit (self, signals[DAY_SELECTED], 0);
        return;
      }
}

/* ---- actions ---------------------------------------------------------------------------- */

static void
move_days_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbDatePicker *self = RB_DATE_PICKER (widget);
  int days = g_variant_get_int32 (parameter);
  GDate day = self->cursor;

  if (days > 0)
    g_date_add_days (&day, days);
  else
    g_date_subtract_days (&day, -days);
  move_cursor (self, &day, TRUE);
}

static void
move_months_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbDatePicker *self = RB_DATE_PICKER (widget);
  int months = g_variant_get_int32 (parameter);
  GDate day = self->cursor;

  /* GDate keeps the day within the month: 31 January and a month on is 28 February. */
  if (months > 0)
    g_date_add_months (&day, months);
  else
    g_date_subtract_months (&day, -months);
  move_cursor (self, &day, TRUE);
}

static void
week_start_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbDatePicker *self = RB_DATE_PICKER (widget);
  GDate day = self->cursor;

  g_date_subtract_days (&day, g_date_get_weekday (&day) - G_DATE_MONDAY);
  move_cursor (self, &day, TRUE);
}

static void
week_end_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbDatePicker *self = RB_DATE_PICKER (widget);
  GDate day = self->cursor;

  g_date_add_days (&day, G_DATE_SUNDAY - g_date_get_weekday (&day));
  move_cursor (self, &day, TRUE);
}

/* The buttons of the heading turn the page: the cursor goes along to the same day of the
 * other month, but the focus stays on the button, so that it can be pressed again. */
static void
turn_month (RbDatePicker *self, int months)
{
  GDate day = self->cursor;

  if (months > 0)
    g_date_add_months (&day, months);
  else
    g_date_subtract_months (&day, -months);
  move_cursor (self, &day, FALSE);
}

static void
previous_month_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  turn_month (RB_DATE_PICKER (widget), -1);
}

static void
next_month_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  turn_month (RB_DATE_PICKER (widget), 1);
}

/* The keys live on the grid, not on the whole picker: an arrow key on the month buttons
 * keeps moving the focus between widgets as everywhere else. */
static void
add_key (GtkShortcutController *controller, guint keyval, GdkModifierType modifiers,
         const char *action_name, GVariant *argument)
{
  g_autoptr (GtkShortcut) shortcut = gtk_shortcut_new (gtk_keyval_trigger_new (keyval, modifiers),
                                                       gtk_named_action_new (action_name));

  if (argument != NULL)
    gtk_shortcut_set_arguments (shortcut, argument);
  gtk_shortcut_controller_add_shortcut (controller, g_steal_pointer (&shortcut));
}

static void
add_day_keys (RbDatePicker *self)
{
  GtkShortcutController *controller = GTK_SHORTCUT_CONTROLLER (gtk_shortcut_controller_new ());
  static const struct
  {
    guint keyval;
    guint keypad_keyval;
    const char *action_name;
    int argument; /* 0: the action takes none */
  } keys[] = {
    { GDK_KEY_Left, GDK_KEY_KP_Left, "date-picker.move-days", -1 },
    { GDK_KEY_Right, GDK_KEY_KP_Right, "date-picker.move-days", 1 },
    { GDK_KEY_Up, GDK_KEY_KP_Up, "date-picker.move-days", -7 },
    { GDK_KEY_Down, GDK_KEY_KP_Down, "date-picker.move-days", 7 },
    { GDK_KEY_Page_Up, GDK_KEY_KP_Page_Up, "date-picker.move-months", -1 },
    { GDK_KEY_Page_Down, GDK_KEY_KP_Page_Down, "date-picker.move-months", 1 },
    { GDK_KEY_Home, GDK_KEY_KP_Home, "date-picker.week-start", 0 },
    { GDK_KEY_End, GDK_KEY_KP_End, "date-picker.week-end", 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      add_key (controller, keys[i].keyval, 0, keys[i].action_name,
               keys[i].argument != 0 ? g_variant_new_int32 (keys[i].argument) : NULL);
      add_key (controller, keys[i].keypad_keyval, 0, keys[i].action_name,
               keys[i].argument != 0 ? g_variant_new_int32 (keys[i].argument) : NULL);
    }
  gtk_widget_add_controller (GTK_WIDGET (self->day_grid), GTK_EVENT_CONTROLLER (controller));
}

static void
build_grid (RbDatePicker *self)
{
  GDate monday;

  /* 7 January 2030 is a Monday: the names of the week from Monday on. */
  g_date_clear (&monday, 1);
  g_date_set_dmy (&monday, 7, G_DATE_JANUARY, 2030);
  for (int column = 0; column < 7; column++, g_date_add_days (&monday, 1))
    {
      /* TRANSLATORS: a weekday's short name over a date picker's column, as GDateTime
       * format; German too "%a". */
      g_autofree char *short_name = format_date (&monday, C_ ("weekday heading", "%a"));
      g_autofree char *long_name = format_date (&monday, "%A");
      GtkWidget *label = gtk_label_new (short_name);

      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption-heading");
      rb_accessible_set_label (GTK_WIDGET (label), long_name);
      gtk_grid_attach (self->day_grid, label, column, 0, 1, 1);
    }

  for (int i = 0; i < RB_DATE_PICKER_N_DAYS; i++)
    {
      GtkWidget *button = gtk_toggle_button_new ();

      gtk_widget_add_css_class (button, "flat");
      gtk_widget_add_css_class (button, "rb-day");
      g_signal_connect_swapped (button, "clicked", G_CALLBACK (on_day_clicked_cb), self);
      gtk_grid_attach (self->day_grid, button, i % 7, 1 + i / 7, 1, 1);
      self->day_buttons[i] = button;
    }
  add_day_keys (self);
}

/* ---- GtkWidget -------------------------------------------------------------------------- */

/* In a popover, being mapped means that the popover opened: the month of the chosen day shows
 * and that day has the focus (or the first day that may be chosen, if it is earlier). */
static void
rb_date_picker_map (GtkWidget *widget)
{
  RbDatePicker *self = RB_DATE_PICKER (widget);

  GTK_WIDGET_CLASS (rb_date_picker_parent_class)->map (widget);

  move_cursor (self, &self->selected, gtk_widget_get_ancestor (widget, GTK_TYPE_POPOVER) != NULL);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_date_picker_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbDatePicker *self = RB_DATE_PICKER (object);

  switch (prop_id)
    {
    case PROP_DATE:
      g_value_take_boxed (value, rb_date_picker_get_date (self));
      break;
    case PROP_MIN_DATE:
      g_value_take_boxed (value, rb_date_picker_get_min_date (self));
      break;
    case PROP_TODAY:
      g_value_take_boxed (value, rb_date_picker_get_today (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_date_picker_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RbDatePicker *self = RB_DATE_PICKER (object);

  switch (prop_id)
    {
    case PROP_DATE:
      rb_date_picker_select_day (self, g_value_get_boxed (value));
      break;
    case PROP_MIN_DATE:
      rb_date_picker_set_min_date (self, g_value_get_boxed (value));
      break;
    case PROP_TODAY:
      rb_date_picker_set_today (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_date_picker_dispose (GObject *object)
{
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (object), RB_TYPE_DATE_PICKER);
  /* The template's box is no bound child: a GtkWidget subclass unparents its children. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (rb_date_picker_parent_class)->dispose (object);
}

static void
rb_date_picker_class_init (RbDatePickerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_date_picker_dispose;
  object_class->get_property = rb_date_picker_get_property;
  object_class->set_property = rb_date_picker_set_property;
  widget_class->map = rb_date_picker_map;

  /* The day chosen; setting it (to another day) emits "day-selected", as GtkCalendar does. */
  properties[PROP_DATE]
      = g_param_spec_boxed ("date", NULL, NULL, G_TYPE_DATE_TIME,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The first day that may be chosen, or NULL for any. */
  properties[PROP_MIN_DATE]
      = g_param_spec_boxed ("min-date", NULL, NULL, G_TYPE_DATE_TIME,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* The day that is said to be today: the service's, not necessarily the process's. */
  properties[PROP_TODAY]
      = g_param_spec_boxed ("today", NULL, NULL, G_TYPE_DATE_TIME,
                            G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[DAY_SELECTED] = g_signal_new ("day-selected", G_TYPE_FROM_CLASS (klass),
                                        G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "date-picker.move-days", "i", move_days_action);
  gtk_widget_class_install_action (widget_class, "date-picker.move-months", "i",
                                   move_months_action);
  gtk_widget_class_install_action (widget_class, "date-picker.week-start", NULL, week_start_action);
  gtk_widget_class_install_action (widget_class, "date-picker.week-end", NULL, week_end_action);
  gtk_widget_class_install_action (widget_class, "date-picker.previous-month", NULL,
                                   previous_month_action);
  gtk_widget_class_install_action (widget_class, "date-picker.next-month", NULL, next_month_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-date-picker.ui");
  gtk_widget_class_bind_template_child (widget_class, RbDatePicker, heading_label);
  gtk_widget_class_bind_template_child (widget_class, RbDatePicker, day_grid);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rbdatepicker");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rb_date_picker_init (RbDatePicker *self)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_date_clear (&self->min, 1);
  date_from_date_time (&self->today, now);
  self->selected = self->today;
  self->cursor = self->today;
  set_shown_month (self, &self->today);
  build_grid (self);
  update_days (self);
}

/* ---- public API ------------------------------------------------------------------------- */

GtkWidget *
rb_date_picker_new (void)
{
  return g_object_new (RB_TYPE_DATE_PICKER, NULL);
}

/* Shows date's month and selects its day; "day-selected" if that is another day than before.
 * A day before the minimum may be selected this way, so that the caller decides about it. */
void
rb_date_picker_select_day (RbDatePicker *self, GDateTime *date)
{
  GDate day;

  g_return_if_fail (RB_IS_DATE_PICKER (self));
  g_return_if_fail (date != NULL);

  date_from_date_time (&day, date);
  if (set_selected (self, &day))
    g_signal_emit (self, signals[DAY_SELECTED], 0);
}

/* The chosen day at local noon (transfer full), as gtk_calendar_get_date() gives it. */
GDateTime *
rb_date_picker_get_date (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), NULL);
  return date_time_from_date (&self->selected);
}

void
rb_date_picker_set_min_date (RbDatePicker *self, GDateTime *date)
{
  GDate min;

  g_return_if_fail (RB_IS_DATE_PICKER (self));

  g_date_clear (&min, 1);
  if (date != NULL)
    date_from_date_time (&min, date);
  if (g_date_valid (&min) == g_date_valid (&self->min)
      && (!g_date_valid (&min) || g_date_compare (&min, &self->min) == 0))
    return;
  self->min = min;
  move_cursor (self, &self->cursor, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MIN_DATE]);
}

/* The minimum at local noon (transfer full), or NULL. */
GDateTime *
rb_date_picker_get_min_date (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), NULL);
  return g_date_valid (&self->min) ? date_time_from_date (&self->min) : NULL;
}

void
rb_date_picker_set_today (RbDatePicker *self, GDateTime *date)
{
  GDate today;

  g_return_if_fail (RB_IS_DATE_PICKER (self));
  g_return_if_fail (date != NULL);

  date_from_date_time (&today, date);
  if (g_date_compare (&today, &self->today) == 0)
    return;
  self->today = today;
  update_days (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TODAY]);
}

/* Today at local noon (transfer full). */
GDateTime *
rb_date_picker_get_today (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), NULL);
  return date_time_from_date (&self->today);
}

char *
rb_date_picker_format_day (GDateTime *date)
{
  GDate day;

  g_return_val_if_fail (date != NULL, NULL);
  date_from_date_time (&day, date);
  return describe_day (&day);
}

/* GTK 4.8's GtkMenuButton keeps the focus on a GtkToggleButton inside it, and that is what a
 * screen reader names on Tab: it needs the label as well. */
void
rb_date_picker_label_button (GtkMenuButton *button, const char *label)
{
  GtkWidget *inner;

  g_return_if_fail (GTK_IS_MENU_BUTTON (button));
  g_return_if_fail (label != NULL);

  rb_accessible_set_label (GTK_WIDGET (button), label);
  inner = gtk_widget_get_first_child (GTK_WIDGET (button));
  if (GTK_IS_TOGGLE_BUTTON (inner))
    rb_accessible_set_label (GTK_WIDGET (inner), label);
}

GtkWidget *
rb_date_picker_get_day_button (RbDatePicker *self, guint index)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), NULL);
  g_return_val_if_fail (index < RB_DATE_PICKER_N_DAYS, NULL);
  return self->day_buttons[index];
}

int
rb_date_picker_get_shown_month (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), 0);
  return g_date_get_month (&self->shown);
}

int
rb_date_picker_get_shown_year (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), 0);
  return g_date_get_year (&self->shown);
}

/* The one day button that can take the focus. */
GtkWidget *
rb_date_picker_get_focus_day (RbDatePicker *self)
{
  g_return_val_if_fail (RB_IS_DATE_PICKER (self), NULL);
  return cursor_button (self);
}
