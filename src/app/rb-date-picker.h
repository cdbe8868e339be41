/* rb-date-picker.h: a month of days to choose one from, for the popovers of the date buttons
 * (issue 15, BITV 2.0). Unlike GtkCalendar in GTK 4.8, every day is a button of its own that a
 * screen reader names in full ("Thursday, 3 December 2026"), the chosen day says it is chosen
 * and today says it is today; days before an optional minimum cannot be chosen; arrow keys,
 * Page Up/Down, Home and End move between the days, and opening the popover puts the focus on
 * the chosen day. Monday starts the week, as in Germany. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RB_TYPE_DATE_PICKER (rb_date_picker_get_type ())
G_DECLARE_FINAL_TYPE (RbDatePicker, rb_date_picker, RB, DATE_PICKER, GtkWidget)

/* Six weeks of seven days: every month fits, with days of the months around it. */
#define RB_DATE_PICKER_N_DAYS 42

GtkWidget *rb_date_picker_new (void);

/* Only the date of these GDateTimes counts, in whatever zone they are. As with GtkCalendar,
 * selecting a different day emits "day-selected"; a person choosing a day always does. */
void rb_date_picker_select_day (RbDatePicker *self, GDateTime *date);
GDateTime *rb_date_picker_get_date (RbDatePicker *self);
void rb_date_picker_set_min_date (RbDatePicker *self, GDateTime *date);
GDateTime *rb_date_picker_get_min_date (RbDatePicker *self);
void rb_date_picker_set_today (RbDatePicker *self, GDateTime *date);
GDateTime *rb_date_picker_get_today (RbDatePicker *self);

/* A day in words as the day buttons say it, e.g. "Thursday, 3 December 2026". */
char *rb_date_picker_format_day (GDateTime *date);
/* Gives a GtkMenuButton that opens a picker an accessible label (e.g. "Day: Thursday,
 * 3 December 2026"): on the menu button and on the toggle button inside it, which is the one
 * that takes the focus. */
void rb_date_picker_label_button (GtkMenuButton *button, const char *label);

/* For tests: the day buttons in order (the first is a Monday), the month shown (1–12) and
 * its year, and the button of the day that takes the focus. */
GtkWidget *rb_date_picker_get_day_button (RbDatePicker *self, guint index);
int rb_date_picker_get_shown_month (RbDatePicker *self);
int rb_date_picker_get_shown_year (RbDatePicker *self);
GtkWidget *rb_date_picker_get_focus_day (RbDatePicker *self);

G_END_DECLS
