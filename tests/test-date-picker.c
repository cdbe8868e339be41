/* test-date-picker.c: RbDatePicker (issue 15, BITV 2.0) as a screen reader and a keyboard meet
 * it, in a GtkMenuButton's popover as the pages use it: every day button named in full in the
 * UI's language, "today" in its description, the chosen day checked and no other, days before
 * the minimum not offered, the month buttons named, the keys (arrows, Page Up/Down, Home, End,
 * Space) moving and choosing, the focus on the chosen day when the popover opens, and months
 * across the end of a year. Keys go through the widgets' own shortcut controllers, from the
 * focused widget up, as GTK hands a key press on in its bubble phase. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>

#include "rb-application.h"
#include "rb-date-picker.h"
#include "rb-ui-test-util.h"

typedef struct
{
  GtkWindow *window;
  GtkMenuButton *button;
  GtkPopover *popover;
  RbDatePicker *picker;
  guint n_selected;
} Fixture;

static gboolean
is_german (void)
{
  return g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de");
}

static GDateTime *
day (int year, int month, int day_of_month)
{
  return g_date_time_new_local (year, month, day_of_month, 12, 0, 0);
}

/* The day in words as the test expects it, spelt out here rather than asked of GLib. */
static char *
expected_label (const GDate *date)
{
  static const char *const en_days[]
      = { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday" };
  static const char *const de_days[]
      = { "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag", "Sonntag" };
  static const char *const en_months[]
      = { "January", "February", "March",     "April",   "May",      "June",
          "July",    "August",   "September", "October", "November", "December" };
  static const char *const de_months[]
      = { "Januar", "Februar", "März",      "April",   "Mai",      "Juni",
          "Juli",   "August",  "September", "Oktober", "November", "Dezember" };
  int weekday = g_date_get_weekday (date) - 1, month = g_date_get_month (date) - 1;

  if (is_german ())
    return g_strdup_printf ("%s, %u. %s %u", de_days[weekday], g_date_get_day (date),
                            de_months[month], g_date_get_year (date));
  return g_strdup_printf ("%s, %u %s %u", en_days[weekday], g_date_get_day (date), en_months[month],
                          g_date_get_year (date));
}

static void
on_day_selected_cb (RbDatePicker *picker, Fixture *f)
{
  f->n_selected++;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) today = day (2026, 11, 30);
  g_autoptr (GDateTime) chosen = day (2026, 12, 3);

  f->window = GTK_WINDOW (gtk_window_new ());
  f->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  f->popover = GTK_POPOVER (gtk_popover_new ());
  f->picker = RB_DATE_PICKER (rb_date_picker_new ());
  gtk_popover_set_child (f->popover, GTK_WIDGET (f->picker));
  gtk_menu_button_set_popover (f->button, GTK_WIDGET (f->popover));
  gtk_menu_button_set_label (f->button, "Day");
  gtk_window_set_child (f->window, GTK_WIDGET (f->button));
  rb_date_picker_set_today (f->picker, today);
  rb_date_picker_select_day (f->picker, chosen);
  g_signal_connect (f->picker, "day-selected", G_CALLBACK (on_day_selected_cb), f);
  gtk_window_present (f->window);
  rb_ui_wait_laid_out (GTK_WIDGET (f->button));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  rb_ui_settle (50);
}

static gboolean
popover_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

/* As a person opens it: a click on the menu button. */
static void
open_popover (Fixture *f)
{
  gtk_menu_button_popup (f->button);
  g_assert_true (rb_ui_wait_for (popover_mapped, f->picker, 10));
}

static GtkWidget *
focus_widget (Fixture *f)
{
  return gtk_root_get_focus (GTK_ROOT (f->window));
}

/* The button of date in the grid shown, or NULL. */
static GtkWidget *
button_of (Fixture *f, int year, int month, int day_of_month)
{
  g_autoptr (GDateTime) wanted = day (year, month, day_of_month);
  g_autofree char *name = rb_date_picker_format_day (wanted);

  for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++)
    {
      GtkWidget *button = rb_date_picker_get_day_button (f->picker, i);
      g_autofree char *wrong = gtk_test_accessible_check_property (
          GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name);

      if (wrong == NULL)
        return button;
    }
  return NULL;
}

static gboolean
trigger_matches (GtkShortcutTrigger *trigger, guint keyval)
{
  if (GTK_IS_KEYVAL_TRIGGER (trigger))
    return gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)) == keyval
           && gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger)) == 0;
  if (GTK_IS_ALTERNATIVE_TRIGGER (trigger))
    return trigger_matches (gtk_alternative_trigger_get_first (GTK_ALTERNATIVE_TRIGGER (trigger)),
                            keyval)
           || trigger_matches (
               gtk_alternative_trigger_get_second (GTK_ALTERNATIVE_TRIGGER (trigger)), keyval);
  return FALSE;
}

/* A key pressed on the focused widget: the first shortcut for it from there up runs, as in
 * GTK's bubble phase. */
static void
press_key (Fixture *f, guint keyval)
{
  for (GtkWidget *widget = focus_widget (f); widget != NULL;
       widget = gtk_widget_get_parent (widget))
    {
      g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

      for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
        {
          g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

          if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
            continue;
          for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
            {
              g_autoptr (GtkShortcut) shortcut
                  = g_list_model_get_item (G_LIST_MODEL (controller), j);

              if (trigger_matches (gtk_shortcut_get_trigger (shortcut), keyval)
                  && gtk_shortcut_action_activate (gtk_shortcut_get_action (shortcut),
                                                   GTK_SHORTCUT_ACTION_EXCLUSIVE, widget,
                                                   gtk_shortcut_get_arguments (shortcut)))
                return;
            }
        }
    }
  g_error ("nothing took the key %s", gdk_keyval_name (keyval));
}

static gboolean
selected_once (gpointer data)
{
  return ((Fixture *) data)->n_selected == 1;
}

static gboolean
selected_twice (gpointer data)
{
  return ((Fixture *) data)->n_selected == 2;
}

static void
assert_focus_on (Fixture *f, int year, int month, int day_of_month)
{
  GtkWidget *expected = button_of (f, year, month, day_of_month);

  g_assert_nonnull (expected);
  g_assert_true (focus_widget (f) == expected);
  g_assert_true (rb_date_picker_get_focus_day (f->picker) == expected);
  g_assert_cmpint (rb_date_picker_get_shown_month (f->picker), ==, month);
  g_assert_cmpint (rb_date_picker_get_shown_year (f->picker), ==, year);
}

/* ---- tests ------------------------------------------------------------------------------ */

/* Every day of the six weeks shown says its whole date; today says so; the heading, the
 * weekday names and the month buttons are in the UI's language. */
static void
test_labels (Fixture *f, gconstpointer data)
{
  GDate date;
  GtkWidget *previous, *next, *heading;

  /* December 2026 starts on a Tuesday: the grid starts on Monday 30 November. */
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, G_DATE_NOVEMBER, 2026);
  for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++, g_date_add_days (&date, 1))
    {
      GtkWidget *button = rb_date_picker_get_day_button (f->picker, i);
      g_autofree char *expected = expected_label (&date);
      g_autofree char *number = g_strdup_printf ("%u", g_date_get_day (&date));

      gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
      g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, number);
      /* Days of the months around are shown dim, but are days like any other. */
      g_assert_cmpint (gtk_widget_has_css_class (button, "dim-label"), ==,
                       g_date_get_month (&date) != G_DATE_DECEMBER);
      if (i == 0)
        gtk_test_accessible_assert_property (button, GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                             is_german () ? "Heute" : "Today");
      else
        g_assert_false (gtk_test_accessible_has_property (GTK_ACCESSIBLE (button),
                                                          GTK_ACCESSIBLE_PROPERTY_DESCRIPTION));
    }
  /* Spelt out once more, as the issue asked for them. */
  gtk_test_accessible_assert_property (
      rb_date_picker_get_day_button (f->picker, 3), GTK_ACCESSIBLE_PROPERTY_LABEL,
      is_german () ? "Donnerstag, 3. Dezember 2026" : "Thursday, 3 December 2026");
  {
    g_autoptr (GDateTime) thursday = day (2026, 12, 3);
    g_autofree char *words = rb_date_picker_format_day (thursday);

    g_assert_cmpstr (words, ==,
                     is_german () ? "Donnerstag, 3. Dezember 2026" : "Thursday, 3 December 2026");
  }

  heading = rb_ui_find (GTK_WIDGET (f->picker), rb_ui_is_label_containing,
                        is_german () ? "Dezember 2026" : "December 2026");
  g_assert_nonnull (heading);
  g_assert_nonnull (
      rb_ui_find (GTK_WIDGET (f->picker), rb_ui_is_label_containing, is_german () ? "Mo" : "Mon"));
  previous = rb_ui_find_action (GTK_WIDGET (f->picker), "date-picker.previous-month", NULL);
  next = rb_ui_find_action (GTK_WIDGET (f->picker), "date-picker.next-month", NULL);
  gtk_test_accessible_assert_property (previous, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       is_german () ? "Vorheriger Monat" : "Previous Month");
  gtk_test_accessible_assert_property (next, GTK_ACCESSIBLE_PROPERTY_LABEL,
                                       is_german () ? "Nächster Monat" : "Next Month");
  gtk_test_accessible_assert_role (rb_date_picker_get_day_button (f->picker, 0),
                                   GTK_ACCESSIBLE_ROLE_BUTTON);
}

/* The chosen day is checked (and pressed), no other day is; choosing another moves both. */
static void
test_checked (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) friday = day (2026, 12, 4);

  for (int round = 0; round < 2; round++)
    {
      guint chosen = round == 0 ? 3 : 4;

      for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++)
        {
          GtkWidget *button = rb_date_picker_get_day_button (f->picker, i);

          gtk_test_accessible_assert_state (button, GTK_ACCESSIBLE_STATE_CHECKED,
                                            i == chosen ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                        : GTK_ACCESSIBLE_TRISTATE_FALSE);
          /* GtkToggleButton sets "pressed" only once it has been active. */
          if (i == chosen)
            gtk_test_accessible_assert_state (button, GTK_ACCESSIBLE_STATE_PRESSED,
                                              GTK_ACCESSIBLE_TRISTATE_TRUE);
          g_assert_cmpint (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)), ==,
                           i == chosen);
        }
      rb_date_picker_select_day (f->picker, friday);
    }
  g_assert_cmpuint (f->n_selected, ==, 1);
  /* The same day again is no news. */
  rb_date_picker_select_day (f->picker, friday);
  g_assert_cmpuint (f->n_selected, ==, 1);
}

/* Days before the minimum can be neither chosen nor focused, nor the months before it shown;
 * the keys stop at it. */
static void
test_min_date (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) min = day (2026, 12, 2);
  g_autoptr (GDateTime) got = NULL;
  GDate date;

  rb_date_picker_set_min_date (f->picker, min);
  got = rb_date_picker_get_min_date (f->picker);
  g_assert_cmpint (g_date_time_get_day_of_month (got), ==, 2);

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, 30, G_DATE_NOVEMBER, 2026);
  for (guint i = 0; i < RB_DATE_PICKER_N_DAYS; i++, g_date_add_days (&date, 1))
    {
      GtkWidget *button = rb_date_picker_get_day_button (f->picker, i);
      gboolean before = i < 2;

      g_assert_cmpint (gtk_widget_get_sensitive (button), ==, !before);
      if (before)
        g_assert_false (gtk_widget_get_focusable (button));
    }
  g_assert_false (gtk_widget_get_sensitive (
      rb_ui_find_action (GTK_WIDGET (f->picker), "date-picker.previous-month", NULL)));

  open_popover (f);
  assert_focus_on (f, 2026, 12, 3);
  press_key (f, GDK_KEY_Left);
  assert_focus_on (f, 2026, 12, 2);
  press_key (f, GDK_KEY_Left);
  assert_focus_on (f, 2026, 12, 2);
  press_key (f, GDK_KEY_Page_Up);
  assert_focus_on (f, 2026, 12, 2);
  press_key (f, GDK_KEY_Home);
  assert_focus_on (f, 2026, 12, 2);
  /* A click on a day before the minimum does nothing. */
  g_signal_emit_by_name (rb_date_picker_get_day_button (f->picker, 0), "clicked");
  g_assert_cmpuint (f->n_selected, ==, 0);
  gtk_popover_popdown (f->popover);

  /* Chosen (by the program) before the minimum: the popover opens on the minimum. */
  {
    g_autoptr (GDateTime) early = day (2026, 11, 20);

    rb_date_picker_select_day (f->picker, early);
  }
  open_popover (f);
  assert_focus_on (f, 2026, 12, 2);
  gtk_popover_popdown (f->popover);

  rb_date_picker_set_min_date (f->picker, NULL);
  g_assert_null (rb_date_picker_get_min_date (f->picker));
  g_assert_true (gtk_widget_get_sensitive (rb_date_picker_get_day_button (f->picker, 0)));
}

/* Arrows by a day and a week, Page Up/Down by a month, Home/End to the week's ends, Space and
 * Enter choose; the popover opens with the focus on the chosen day. */
static void
test_keys (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) chosen = NULL;

  open_popover (f);
  assert_focus_on (f, 2026, 12, 3);
  rb_ui_wait_laid_out (GTK_WIDGET (f->picker));
  rb_ui_save_screenshot (GTK_WIDGET (f->picker), "date-picker");
  press_key (f, GDK_KEY_Right);
  assert_focus_on (f, 2026, 12, 4);
  press_key (f, GDK_KEY_Down);
  assert_focus_on (f, 2026, 12, 11);
  press_key (f, GDK_KEY_Up);
  assert_focus_on (f, 2026, 12, 4);
  press_key (f, GDK_KEY_Left);
  assert_focus_on (f, 2026, 12, 3);
  /* Monday of that week is in November: the page turns. */
  press_key (f, GDK_KEY_Home);
  assert_focus_on (f, 2026, 11, 30);
  press_key (f, GDK_KEY_End);
  assert_focus_on (f, 2026, 12, 6);
  press_key (f, GDK_KEY_Page_Down);
  assert_focus_on (f, 2027, 1, 6);
  press_key (f, GDK_KEY_Page_Up);
  assert_focus_on (f, 2026, 12, 6);
  press_key (f, GDK_KEY_KP_Down);
  assert_focus_on (f, 2026, 12, 13);
  g_assert_cmpuint (f->n_selected, ==, 0);

  /* A button shows itself pressed for a moment before it reports the click. */
  press_key (f, GDK_KEY_space);
  g_assert_true (rb_ui_wait_for (selected_once, f, 5));
  chosen = rb_date_picker_get_date (f->picker);
  g_assert_cmpint (g_date_time_get_day_of_month (chosen), ==, 13);
  gtk_test_accessible_assert_state (button_of (f, 2026, 12, 13), GTK_ACCESSIBLE_STATE_CHECKED,
                                    GTK_ACCESSIBLE_TRISTATE_TRUE);
  gtk_test_accessible_assert_state (button_of (f, 2026, 12, 3), GTK_ACCESSIBLE_STATE_CHECKED,
                                    GTK_ACCESSIBLE_TRISTATE_FALSE);
  /* Enter on the chosen day again is an answer as well (the pages close their popover). */
  press_key (f, GDK_KEY_Return);
  g_assert_true (rb_ui_wait_for (selected_twice, f, 5));

  /* Wandered off and closed without choosing: it opens on the chosen day again. */
  press_key (f, GDK_KEY_Page_Down);
  assert_focus_on (f, 2027, 1, 13);
  gtk_popover_popdown (f->popover);
  open_popover (f);
  assert_focus_on (f, 2026, 12, 13);
  gtk_popover_popdown (f->popover);
}

/* From December to January and back, by the month buttons and by the keys. */
static void
test_year_end (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) new_year_eve = day (2026, 12, 31);
  GtkWidget *next, *previous;

  rb_date_picker_select_day (f->picker, new_year_eve);
  next = rb_ui_find_action (GTK_WIDGET (f->picker), "date-picker.next-month", NULL);
  previous = rb_ui_find_action (GTK_WIDGET (f->picker), "date-picker.previous-month", NULL);

  rb_ui_click (next);
  g_assert_cmpint (rb_date_picker_get_shown_month (f->picker), ==, 1);
  g_assert_cmpint (rb_date_picker_get_shown_year (f->picker), ==, 2027);
  g_assert_nonnull (rb_ui_find (GTK_WIDGET (f->picker), rb_ui_is_label_containing,
                                is_german () ? "Januar 2027" : "January 2027"));
  g_assert_nonnull (button_of (f, 2027, 1, 31));
  g_assert_nonnull (button_of (f, 2027, 2, 7));
  /* The grid of January 2027 starts on Monday 28 December 2026. */
  {
    GDate monday;
    g_autofree char *expected = NULL;

    g_date_clear (&monday, 1);
    g_date_set_dmy (&monday, 28, G_DATE_DECEMBER, 2026);
    expected = expected_label (&monday);
    gtk_test_accessible_assert_property (rb_date_picker_get_day_button (f->picker, 0),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL, expected);
  }
  rb_ui_click (previous);
  g_assert_cmpint (rb_date_picker_get_shown_month (f->picker), ==, 12);
  g_assert_cmpint (rb_date_picker_get_shown_year (f->picker), ==, 2026);
  /* Turning the page chooses nothing: the one "day-selected" was for 31 December. */
  g_assert_cmpuint (f->n_selected, ==, 1);

  open_popover (f);
  assert_focus_on (f, 2026, 12, 31);
  press_key (f, GDK_KEY_Right);
  assert_focus_on (f, 2027, 1, 1);
  press_key (f, GDK_KEY_Up);
  assert_focus_on (f, 2026, 12, 25);
  press_key (f, GDK_KEY_Page_Down);
  press_key (f, GDK_KEY_Page_Down);
  /* 25 February 2027: Page Down keeps the day of the month where it exists. */
  assert_focus_on (f, 2027, 2, 25);
  gtk_popover_popdown (f->popover);
}

/* The menu button that opens a picker says the day chosen, on the toggle button inside it
 * too: that one has the focus. */
static void
test_menu_button_label (Fixture *f, gconstpointer data)
{
  const char *label
      = is_german () ? "Tag: Donnerstag, 3. Dezember 2026" : "Day: Thursday, 3 December 2026";
  GtkWidget *inner = gtk_widget_get_first_child (GTK_WIDGET (f->button));

  rb_date_picker_label_button (f->button, label);
  gtk_test_accessible_assert_property (f->button, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_assert_true (GTK_IS_TOGGLE_BUTTON (inner));
  gtk_test_accessible_assert_property (inner, GTK_ACCESSIBLE_PROPERTY_LABEL, label);
  g_assert_true (gtk_widget_get_focusable (inner));
}

int
main (int argc, char *argv[])
{
  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  /* Registers the resources (the templates) and the translations. */
  g_object_unref (rb_application_new ());
  rb_ui_load_app_css ();

  g_test_add ("/date-picker/labels", Fixture, NULL, fixture_set_up, test_labels, fixture_tear_down);
  g_test_add ("/date-picker/checked", Fixture, NULL, fixture_set_up, test_checked,
              fixture_tear_down);
  g_test_add ("/date-picker/min-date", Fixture, NULL, fixture_set_up, test_min_date,
              fixture_tear_down);
  g_test_add ("/date-picker/keys", Fixture, NULL, fixture_set_up, test_keys, fixture_tear_down);
  g_test_add ("/date-picker/year-end", Fixture, NULL, fixture_set_up, test_year_end,
              fixture_tear_down);
  g_test_add ("/date-picker/menu-button-label", Fixture, NULL, fixture_set_up,
              test_menu_button_label, fixture_tear_down);
  return g_test_run ();
}
