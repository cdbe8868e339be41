/* test-ui-keys.c: the desktop app by keyboard alone (issue 15, "Keyboard").
 *
 * /keys/shortcuts-window: the shortcuts window (Ctrl+?, ui/help-overlay.ui, built from the
 * GResource as the application builds it) lists every accelerator the application sets and
 * nothing that is not set: each entry with an action has accelerators, each action with
 * accelerators has an entry, and the fixed keys it lists are GTK's own or the class bindings
 * of the floor plan, the plan editor and the dialogs (all of which it lists).
 *
 * The walks run on the real application's desktop window under an X server of their own,
 * with real X key events (xdotool through XTEST) and nothing else: Alt+3 to Team
 * Reservations, Tab through its form in the order it reads, Space on a weekday, typing the
 * title and Enter (the focus stays there), Up on the attendees, Enter on Check Days and on
 * Reserve, and the series is in the authority's file; Alt+4 to Occupancy, Alt+Left/Right and
 * Tab, Space on its buttons; Ctrl+F and Alt+Left/Right on Find a Space, Enter on a room's
 * Book button, the title typed and Enter books; Escape closes the dialogs; Ctrl+? shows the
 * pages the person can see. The focus is visible after keyboard use. Each walk runs
 * standalone and against a real raumbuch-server (rb-ui-backend.h). */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-find-page.h"
#include "rb-floor-plan.h"
#include "rb-login-dialog.h"
#include "rb-occupancy-page.h"
#include "rb-pin-dialog.h"
#include "rb-plan-editor.h"
#include "rb-series-page.h"
#include "rb-space-row.h"
#include "rb-test-util.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 07:00 in Berlin: the frozen "now" of every test here. */
static gint64 frozen_now;
static GTimeZone *berlin;

/* The demo people the tests act as (README.md). */
#define JONAS "14475" /* staff */
#define ANNA "13663"  /* team lead */
#define UWE "86586"   /* facility manager */

/* The keys GTK itself gives the window that the shortcuts window lists: F10 opens the primary
 * menu, Tab and Shift+Tab move the focus, Escape closes a dialog (the libadwaita dialogs' own,
 * and the class bindings checked below). */
static const char *const gtk_own_keys[] = { "F10", "Tab", "<Shift>Tab", "Escape", NULL };

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  RbApplication *app;
  RbWindow *window;
  char *authority_db;
} KeysFixture;

/* ---- the shortcuts window ----------------------------------------------------------------- */

/* The accelerator as GTK names it, so that "<Ctrl>f" and "<Control>f" compare equal. */
static char *
canonical (const char *accelerator)
{
  guint keyval;
  GdkModifierType mods;

  if (!gtk_accelerator_parse (accelerator, &keyval, &mods))
    g_error ("“%s” is no accelerator", accelerator);
  return gtk_accelerator_name (keyval, mods);
}

/* The keypad's keys count as the main keys they repeat (the shortcuts window shows one). */
static char *
without_keypad (guint keyval, GdkModifierType mods)
{
  switch (keyval)
    {
    case GDK_KEY_KP_Add:
      keyval = GDK_KEY_plus;
      break;
    case GDK_KEY_KP_Subtract:
      keyval = GDK_KEY_minus;
      break;
    case GDK_KEY_KP_0:
      keyval = GDK_KEY_0;
      break;
    default:
      break;
    }
  return gtk_accelerator_name (keyval, mods);
}

/* Adds the class shortcuts of a widget (gtk_widget_class_add_binding_*) to keys. */
static void
add_class_shortcuts (GtkWidget *widget, GHashTable *keys)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (widget);

  g_object_ref_sink (widget);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (!GTK_IS_SHORTCUT_CONTROLLER (controller))
        continue;
      for (guint j = 0; j < g_list_model_get_n_items (G_LIST_MODEL (controller)); j++)
        {
          g_autoptr (GtkShortcut) shortcut = g_list_model_get_item (G_LIST_MODEL (controller), j);
          GtkShortcutTrigger *trigger = gtk_shortcut_get_trigger (shortcut);

          if (GTK_IS_KEYVAL_TRIGGER (trigger))
            g_hash_table_add (
                keys,
                without_keypad (gtk_keyval_trigger_get_keyval (GTK_KEYVAL_TRIGGER (trigger)),
                                gtk_keyval_trigger_get_modifiers (GTK_KEYVAL_TRIGGER (trigger))));
        }
    }
  g_object_unref (widget);
}

/* Whether the application or the desktop window has this action (app.quit, win.find). */
static gboolean
action_exists (GApplication *app, const char *detailed)
{
  g_autofree char *name = NULL;
  g_autoptr (GVariant) target = NULL;
  GtkWidgetClass *klass;
  const char *action_name;
  GType owner;
  const GVariantType *parameter_type;
  const char *property;

  g_assert_true (g_action_parse_detailed_name (detailed, &name, &target, NULL));
  if (g_str_has_prefix (name, "app."))
    return g_action_group_has_action (G_ACTION_GROUP (app), name + strlen ("app."));
  /* GtkApplicationWindow's own */
  if (g_str_equal (name, "win.show-help-overlay"))
    return TRUE;
  /* The type is made by the time the shortcuts window's actions are compared. */
  klass = g_type_class_peek (RB_TYPE_WINDOW);
  if (klass == NULL)
    klass = g_type_class_ref (RB_TYPE_WINDOW);
  for (guint i = 0;
       gtk_widget_class_query_action (klass, i, &owner, &action_name, &parameter_type, &property);
       i++)
    if (g_str_equal (action_name, name))
      return TRUE;
  return FALSE;
}

static void
test_shortcuts_window (void)
{
  g_autoptr (RbApplication) app = rb_application_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GtkBuilder) builder = NULL;
  g_autoptr (GSList) objects = NULL;
  g_autoptr (GHashTable) listed_actions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) widget_keys
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) listed_keys
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) actions = NULL;
  GtkShortcutsWindow *overlay;
  GHashTableIter iter;
  gpointer key;
  guint with_accels = 0;

  /* Registering runs startup, which sets the application's accelerators. */
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  builder = gtk_builder_new_from_resource ("/de/raumbuch/Raumbuch/gtk/help-overlay.ui");
  overlay = GTK_SHORTCUTS_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  g_assert_nonnull (overlay);

  objects = gtk_builder_get_objects (builder);
  for (GSList *l = objects; l != NULL; l = l->next)
    {
      g_autofree char *action = NULL;
      g_autofree char *accelerator = NULL;
      g_autofree char *title = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (l->data))
        continue;
      g_object_get (l->data, "action-name", &action, "accelerator", &accelerator, "title", &title,
                    NULL);
      g_assert_nonnull (title);
      g_assert_cmpstr (title, !=, "");
      g_test_message ("listed: %s (%s%s)", title, action ? action : "",
                      accelerator ? accelerator : "");
      if (action != NULL)
        {
          g_auto (GStrv) accels
              = gtk_application_get_accels_for_action (GTK_APPLICATION (app), action);

          /* Listed, but no key does it. */
          if (accels[0] == NULL)
            g_error ("the shortcuts window lists %s (“%s”), which has no accelerator", action,
                     title);
          g_assert_null (accelerator);
          g_hash_table_add (listed_actions, (gpointer)g_intern_string (action));
        }
      else
        {
          g_auto (GStrv) each = NULL;

          g_assert_nonnull (accelerator);
          each = g_strsplit (accelerator, " ", -1);
          for (guint i = 0; each[i] != NULL; i++)
            if (*each[i] != '\0')
              g_hash_table_add (listed_keys, canonical (each[i]));
        }
    }

  /* Every action with an accelerator is listed (win.show-help-overlay's Ctrl+? too). */
  actions = gtk_application_list_action_descriptions (GTK_APPLICATION (app));
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) accels
          = gtk_application_get_accels_for_action (GTK_APPLICATION (app), actions[i]);

      if (accels[0] == NULL)
        continue;
      with_accels++;
      g_test_message ("set: %s %s", actions[i], accels[0]);
      /* An accelerator of nothing. */
      if (!action_exists (G_APPLICATION (app), actions[i]))
        g_error ("%s has the accelerator %s, but no such action", actions[i], accels[0]);
      if (!g_hash_table_contains (listed_actions, g_intern_string (actions[i])))
        g_error ("%s has the accelerator %s, but the shortcuts window does not list it", actions[i],
                 accels[0]);
    }
  g_assert_cmpuint (with_accels, ==, g_hash_table_size (listed_actions));
  g_assert_cmpuint (with_accels, >=, 11);

  /* The fixed keys: GTK's own, or what the floor plan and the plan editor bind — all of it. */
  add_class_shortcuts (rb_floor_plan_new (), widget_keys);
  add_class_shortcuts (rb_plan_editor_new (), widget_keys);
  g_hash_table_iter_init (&iter, widget_keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (listed_keys, key))
      g_error ("the floor plan or the plan editor binds %s, unlisted", (char *)key);
  g_hash_table_iter_init (&iter, listed_keys);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (widget_keys, key) && !g_strv_contains (gtk_own_keys, key))
      g_error ("the shortcuts window lists %s, which nothing binds", (char *)key);

  gtk_window_destroy (GTK_WINDOW (overlay));
}

/* ---- the fixture --------------------------------------------------------------------------- */

static void
fixture_set_up (KeysFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->mode = GPOINTER_TO_INT (data);
  f->backend = rb_ui_backend_new (f->mode, frozen_now);
  f->service = rb_ui_backend_get_service (f->backend);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "acting-person");
  f->context = rb_context_new (f->service, f->settings);
  f->app = rb_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  f->authority_db
      = f->mode == RB_UI_BACKEND_SERVER
            ? g_strdup (rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend)))
            : g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db", NULL);
}

static void
fixture_tear_down (KeysFixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  rb_ui_settle (100);
  g_clear_object (&f->app);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->backend, rb_ui_backend_free);
  g_free (f->authority_db);
}

static gboolean
is_laid_out (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

/* The application's desktop window, with this person signed in. */
static void
open_window (KeysFixture *f, const char *staff_number)
{
  RbPerson *person = rb_ui_backend_sign_in (f->backend, f->service, staff_number);

  g_assert_nonnull (person);
  g_object_unref (person);
  f->window = RB_WINDOW (rb_application_present_window (f->app, f->context, FALSE));
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 900);
  g_assert_true (rb_ui_wait_for (is_laid_out, f->window, 20));
  rb_ui_settle (200);
}

/* ---- keys --------------------------------------------------------------------------------- */

/* Key presses that reached a window of the test, modifiers not counted. */
static guint presses;

static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                   GdkModifierType state, gpointer user_data)
{
  switch (keyval)
    {
    case GDK_KEY_Shift_L:
    case GDK_KEY_Shift_R:
    case GDK_KEY_Control_L:
    case GDK_KEY_Control_R:
    case GDK_KEY_Alt_L:
    case GDK_KEY_Alt_R:
    case GDK_KEY_Meta_L:
    case GDK_KEY_Meta_R:
    case GDK_KEY_Super_L:
    case GDK_KEY_Super_R:
    case GDK_KEY_ISO_Level3_Shift:
      break;
    default:
      presses++;
    }
  return GDK_EVENT_PROPAGATE;
}

static void
count_keys (GtkWindow *window)
{
  GtkEventController *keys;

  if (g_object_get_data (G_OBJECT (window), "rb-test-keys") != NULL)
    return;
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (window), keys);
  g_object_set_data (G_OBJECT (window), "rb-test-keys", GINT_TO_POINTER (1));
}

typedef struct
{
  guint until;
} PressWait;

static gboolean
pressed_until (gpointer data)
{
  return presses >= ((PressWait *)data)->until;
}

/* Runs xdotool on window (focused by the X server's own means first): its keys are XTEST
 * events, what a keyboard sends. Waits until the window has seen `expected` key presses. */
static void
xdotool (GtkWindow *window, guint expected, const char *command, const char *const *args)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong)gdk_x11_surface_get_xid (surface));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;
  PressWait wait = { presses + expected };

  count_keys (window);
  g_strv_builder_add_many (builder, "xdotool", "windowfocus", "--sync", xid, command,
                           "--clearmodifiers", "--delay", "30", NULL);
  g_strv_builder_addv (builder, (const char **)args);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  if (!rb_ui_wait_for (pressed_until, &wait, 30))
    g_error ("the keys never reached the window (%u of %u)", presses, wait.until);
  rb_ui_settle (150);
}

/* One key (or chord, as xdotool names it: "alt+3", "shift+Tab") to window. */
static void
press (GtkWindow *window, const char *key)
{
  const char *keys[] = { key, NULL };

  xdotool (window, 1, "key", keys);
}

static void
type (GtkWindow *window, const char *text)
{
  const char *args[] = { text, NULL };

  xdotool (window, g_utf8_strlen (text, -1), "type", args);
}

static GtkWidget *
focus_of (GtkWindow *window)
{
  return gtk_root_get_focus (GTK_ROOT (window));
}

static gboolean
focus_within (GtkWindow *window, GtkWidget *widget)
{
  GtkWidget *focus = focus_of (window);

  return focus != NULL && (focus == widget || gtk_widget_is_ancestor (focus, widget));
}

typedef struct
{
  GtkWindow *window;
  GtkWidget *widget;
} FocusWait;

static gboolean
focus_arrived (gpointer data)
{
  FocusWait *wait = data;

  return focus_within (wait->window, wait->widget);
}

/* Waits for the focus to be within widget (it moves after an answer comes). */
static void
wait_focus (GtkWindow *window, GtkWidget *widget)
{
  FocusWait wait = { window, widget };

  if (!rb_ui_wait_for (focus_arrived, &wait, 20))
    g_error ("the focus is on %s, not on %s",
             focus_of (window) != NULL ? G_OBJECT_TYPE_NAME (focus_of (window)) : "nothing",
             G_OBJECT_TYPE_NAME (widget));
}

typedef struct
{
  GtkWidget *button;
  gboolean active;
} ToggleWait;

static gboolean
toggled_to (gpointer data)
{
  ToggleWait *wait = data;

  return gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (wait->button)) == wait->active;
}

/* A button activated by a key is clicked a moment later (GTK shows it pressed first). */
static void
wait_toggled (GtkWidget *button, gboolean active)
{
  ToggleWait wait = { button, active };

  g_assert_true (rb_ui_wait_for (toggled_to, &wait, 20));
}

/* Presses Tab until the focus is within target, at most `limit` times; FALSE if it never is. */
static gboolean
tab_to (GtkWindow *window, GtkWidget *target, guint limit)
{
  for (guint i = 0; i < limit && !focus_within (window, target); i++)
    press (window, "Tab");
  return focus_within (window, target);
}

/* The focus is shown, as it is after keyboard use: the window draws focus rings and the
 * focused widget has the state that the theme's ring is drawn for. */
static void
assert_focus_visible (GtkWindow *window)
{
  GtkWidget *focus = focus_of (window);

  g_assert_true (gtk_window_get_focus_visible (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_get_state_flags (focus) & GTK_STATE_FLAG_FOCUS_VISIBLE);
}

static const char *
visible_page (KeysFixture *f)
{
  AdwViewStack *stack = ADW_VIEW_STACK (
      rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));

  return adw_view_stack_get_visible_child_name (stack);
}

static GtkWidget *
page_widget (KeysFixture *f, GType type)
{
  return rb_ui_find (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (type));
}

static gboolean
dropdown_filled (gpointer dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);

  return model != NULL && g_list_model_get_n_items (model) > 0;
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
no_toplevel_of (gpointer type)
{
  return rb_ui_find_toplevel ((GType)GPOINTER_TO_SIZE (type)) == NULL;
}

static gboolean
toplevel_of (gpointer type)
{
  return rb_ui_find_toplevel ((GType)GPOINTER_TO_SIZE (type)) != NULL;
}

static GtkWindow *
wait_toplevel (GType type)
{
  g_assert_true (rb_ui_wait_for (toplevel_of, GSIZE_TO_POINTER (type), 20));
  rb_ui_settle (200);
  return rb_ui_find_toplevel (type);
}

/* ---- Team Reservations -------------------------------------------------------------------- */

/* The series page's controls, in the order the form reads (and Tab must go). */
static const char *const series_order[] = {
  "floor_dropdown", "room_dropdown",  "start_button",  "end_button",
  "weekday_box",    "repeat_row",     "from_dropdown", "to_dropdown",
  "title_row",      "attendees_spin", "mode_row",      "check_button",
};

static void
test_series_by_keyboard (KeysFixture *f, gconstpointer data)
{
  GtkWindow *window;
  GtkWidget *page, *title, *friday, *reserve;
  guint reached[G_N_ELEMENTS (series_order)];
  guint step = 0, next = 0;

  open_window (f, ANNA);
  window = GTK_WINDOW (f->window);
  page = page_widget (f, RB_TYPE_SERIES_PAGE);
  g_assert_true (rb_ui_wait_for (dropdown_filled, rb_ui_child_by_id (page, "room_dropdown"), 20));

  /* Alt+3: Team Reservations. */
  press (window, "alt+3");
  g_assert_cmpstr (visible_page (f), ==, "series");

  /* Tab from the top of the window reaches every control of the form, in its order. */
  gtk_window_set_focus (window, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (reached); i++)
    reached[i] = G_MAXUINT;
  while (next < G_N_ELEMENTS (series_order) && step < 120)
    {
      press (window, "Tab");
      step++;
      for (guint i = 0; i < G_N_ELEMENTS (series_order); i++)
        if (reached[i] == G_MAXUINT
            && focus_within (window, rb_ui_child_by_id (page, series_order[i])))
          {
            g_test_message ("Tab %u: %s", step, series_order[i]);
            reached[i] = step;
            if (i != next)
              g_error ("Tab reached %s before %s", series_order[i], series_order[next]);
            next++;
          }
    }
  if (next < G_N_ELEMENTS (series_order))
    g_error ("Tab never reached %s", series_order[next]);
  assert_focus_visible (window);

  /* Friday off, by Space on its toggle: Shift+Tab back to the weekdays, then along them. */
  friday = gtk_widget_get_first_child (rb_ui_child_by_id (page, "weekday_box"));
  for (guint i = 0; i < 4; i++)
    friday = gtk_widget_get_next_sibling (friday);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (friday)));
  for (guint i = 0; i < 40 && !focus_within (window, friday); i++)
    press (window, "shift+Tab");
  g_assert_true (focus_within (window, friday));
  press (window, "space");
  wait_toggled (friday, FALSE);

  /* The title, typed; Enter keeps the focus in it. */
  title = rb_ui_child_by_id (page, "title_row");
  g_assert_true (tab_to (window, title, 20));
  type (window, "Sprint 7");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (title)), ==, "Sprint 7");
  g_assert_true (focus_within (window, title));
  press (window, "Return");
  g_assert_true (focus_within (window, title));
  assert_focus_visible (window);

  /* Two attendees: Up on the spin button. */
  g_assert_true (tab_to (window, rb_ui_child_by_id (page, "attendees_spin"), 5));
  press (window, "Up");
  g_assert_cmpint (gtk_spin_button_get_value_as_int (
                       GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "attendees_spin"))),
                   ==, 2);

  /* Enter on Check Days lists the days, and the focus goes on to Reserve (not lost with
   * Check Days turned insensitive meanwhile). A button activated by a key is clicked a
   * moment later: the test waits for what follows, not for the page to be idle. */
  g_assert_true (tab_to (window, rb_ui_child_by_id (page, "check_button"), 5));
  press (window, "Return");
  reserve = rb_ui_child_by_id (page, "reserve_button");
  wait_focus (window, reserve);
  g_assert_true (gtk_widget_get_sensitive (reserve));
  g_assert_true (gtk_widget_get_visible (rb_ui_child_by_id (page, "result_box")));
  assert_focus_visible (window);

  /* Enter on Reserve reserves the days; the focus is back on Check Days. */
  press (window, "Return");
  /* The default sprint, Monday 7 to Friday 18 December, without Fridays: eight days. */
  rb_ui_wait_for_db_int (f->authority_db, 8,
                         "SELECT count(*) FROM bookings WHERE person_id = 'p-13663'"
                         " AND state = 'booked' AND title = 'Sprint 7' AND attendees = 2"
                         " AND series_id IS NOT NULL");
  wait_focus (window, rb_ui_child_by_id (page, "check_button"));
  g_assert_true (rb_ui_wait_for (series_page_idle, page, 20));
}

/* ---- Occupancy ---------------------------------------------------------------------------- */

static const char *
week_label (GtkWidget *page)
{
  return gtk_menu_button_get_label (GTK_MENU_BUTTON (rb_ui_child_by_id (page, "week_button")));
}

typedef struct
{
  GtkWidget *page;
  const char *label;
} WeekWait;

static gboolean
week_shown (gpointer data)
{
  WeekWait *wait = data;

  return g_strcmp0 (week_label (wait->page), wait->label) == 0;
}

static void
wait_week (GtkWidget *page, const char *label)
{
  WeekWait wait = { page, label };

  if (!rb_ui_wait_for (week_shown, &wait, 20))
    g_error ("the week is %s, not %s", week_label (page), label);
}

static void
test_occupancy_by_keyboard (KeysFixture *f, gconstpointer data)
{
  static const char *const order[]
      = { "previous_week_button", "week_button",     "next_week_button",
          "day_dropdown",         "kind_all_button", "kind_desk_button" };
  GtkWindow *window;
  GtkWidget *page;
  g_autofree char *this_week = NULL;
  g_autofree char *next_week = NULL;
  guint next = 0;

  open_window (f, UWE);
  window = GTK_WINDOW (f->window);
  page = page_widget (f, RB_TYPE_OCCUPANCY_PAGE);

  press (window, "alt+4");
  g_assert_cmpstr (visible_page (f), ==, "occupancy");
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 30));
  this_week = g_strdup (week_label (page));

  /* Alt+Right and Alt+Left step the week. */
  press (window, "alt+Right");
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 30));
  next_week = g_strdup (week_label (page));
  g_assert_cmpstr (next_week, !=, this_week);
  press (window, "alt+Left");
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 30));
  g_assert_cmpstr (week_label (page), ==, this_week);

  /* Tab goes along the week's controls in order; Space on Next Week steps the week. */
  gtk_window_set_focus (window, NULL);
  for (guint step = 0; step < 60 && next < G_N_ELEMENTS (order); step++)
    {
      press (window, "Tab");
      for (guint i = next; i < G_N_ELEMENTS (order); i++)
        if (focus_within (window, rb_ui_child_by_id (page, order[i])))
          {
            if (i != next)
              g_error ("Tab reached %s before %s", order[i], order[next]);
            g_test_message ("Tab %u: %s", step, order[i]);
            if (g_str_equal (order[i], "next_week_button"))
              {
                press (window, "space");
                wait_week (page, next_week);
                g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 30));
              }
            next++;
          }
    }
  if (next < G_N_ELEMENTS (order))
    g_error ("Tab never reached %s", order[next]);
  assert_focus_visible (window);

  /* Desks only, by Space on the focused toggle. */
  g_assert_true (focus_within (window, rb_ui_child_by_id (page, "kind_desk_button")));
  press (window, "space");
  wait_toggled (rb_ui_child_by_id (page, "kind_desk_button"), TRUE);
  g_assert_true (rb_ui_wait_for (occupancy_page_idle, page, 30));
}

/* ---- Find a Space, the room dialog and the dialogs' Escape ------------------------------- */

static const char *
day_label (GtkWidget *page)
{
  return gtk_menu_button_get_label (GTK_MENU_BUTTON (rb_ui_child_by_id (page, "day_button")));
}

static gboolean
is_free_room_row (GtkWidget *widget, gpointer data)
{
  return RB_IS_SPACE_ROW (widget) && rb_space_row_is_free (RB_SPACE_ROW (widget))
         && rb_space_get_kind (rb_space_row_get_space (RB_SPACE_ROW (widget)))
                == RB_SPACE_KIND_ROOM;
}

static gboolean
has_free_room_row (gpointer page)
{
  return rb_ui_find (page, is_free_room_row, NULL) != NULL;
}

static void
test_find_and_book_room_by_keyboard (KeysFixture *f, gconstpointer data)
{
  GtkWindow *window, *dialog;
  GtkWidget *page, *row, *book;
  g_autofree char *today = NULL;
  g_autofree char *tomorrow = NULL;
  g_autofree char *sql = NULL;

  open_window (f, ANNA);
  window = GTK_WINDOW (f->window);
  page = page_widget (f, RB_TYPE_FIND_PAGE);
  g_assert_true (rb_ui_wait_for (dropdown_filled, rb_ui_child_by_id (page, "floor_dropdown"), 20));

  /* Ctrl+F from another page: Find a Space, its first choice focused. */
  press (window, "alt+2");
  g_assert_cmpstr (visible_page (f), ==, "bookings");
  press (window, "ctrl+f");
  g_assert_cmpstr (visible_page (f), ==, "find");
  g_assert_true (focus_within (window, rb_ui_child_by_id (page, "floor_dropdown")));
  assert_focus_visible (window);

  /* Alt+Right: the next day; Alt+Left: back; once more: today is the first day offered. */
  today = g_strdup (day_label (page));
  press (window, "alt+Right");
  tomorrow = g_strdup (day_label (page));
  g_assert_cmpstr (tomorrow, !=, today);
  press (window, "alt+Left");
  g_assert_cmpstr (day_label (page), ==, today);
  press (window, "alt+Left");
  g_assert_cmpstr (day_label (page), ==, today);
  g_assert_true (
      gtk_revealer_get_reveal_child (GTK_REVEALER (rb_ui_child_by_id (page, "error_revealer"))));

  /* Enter on a room's Book button asks for the title; Enter in the title books. */
  g_assert_true (rb_ui_wait_for (has_free_room_row, page, 20));
  row = rb_ui_find (page, is_free_room_row, NULL);
  book = rb_ui_find_action (row, "find.book", NULL);
  g_assert_nonnull (book);
  gtk_widget_grab_focus (book);
  press (window, "Return");
  dialog = wait_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_true (GTK_IS_ENTRY (focus_of (dialog)) || GTK_IS_TEXT (focus_of (dialog)));
  type (dialog, "Planning");
  press (dialog, "Return");
  g_assert_true (rb_ui_wait_for (no_toplevel_of, GSIZE_TO_POINTER (ADW_TYPE_MESSAGE_DIALOG), 20));
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE person_id = 'p-13663'"
                         " AND state = 'booked' AND space_id = '%s' AND title = 'Planning'",
                         rb_space_get_id (rb_space_row_get_space (RB_SPACE_ROW (row))));
  rb_ui_wait_for_db_int (f->authority_db, 1, sql);

  /* Escape closes the dialogs: Switch Person… and Change PIN…. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.sign-in", NULL);
  dialog = wait_toplevel (RB_TYPE_LOGIN_DIALOG);
  press (dialog, "Escape");
  g_assert_true (rb_ui_wait_for (no_toplevel_of, GSIZE_TO_POINTER (RB_TYPE_LOGIN_DIALOG), 20));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.change-pin", NULL);
  dialog = wait_toplevel (RB_TYPE_PIN_DIALOG);
  press (dialog, "Escape");
  g_assert_true (rb_ui_wait_for (no_toplevel_of, GSIZE_TO_POINTER (RB_TYPE_PIN_DIALOG), 20));
}

/* ---- the shortcuts window of a person ----------------------------------------------------- */

static gboolean
shortcut_shown (GtkWidget *overlay, const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (overlay); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *name = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          int shown = shortcut_shown (child, action);
          if (shown)
            return TRUE;
          continue;
        }
      g_object_get (child, "action-name", &name, NULL);
      if (g_strcmp0 (name, action) == 0)
        return gtk_widget_get_visible (child);
    }
  return FALSE;
}

/* Ctrl+? shows the shortcuts of the pages a staff member sees, not the others'; Alt+3 does
 * nothing for them; Escape closes it. */
static void
test_shortcuts_of_a_person (KeysFixture *f, gconstpointer data)
{
  GtkWindow *window, *overlay;

  open_window (f, JONAS);
  window = GTK_WINDOW (f->window);
  press (window, "alt+3");
  g_assert_cmpstr (visible_page (f), ==, "find");
  press (window, "alt+2");
  g_assert_cmpstr (visible_page (f), ==, "bookings");

  press (window, "ctrl+question");
  overlay = wait_toplevel (GTK_TYPE_SHORTCUTS_WINDOW);
  g_assert_true (shortcut_shown (GTK_WIDGET (overlay), "win.show-find"));
  g_assert_true (shortcut_shown (GTK_WIDGET (overlay), "win.show-bookings"));
  g_assert_false (shortcut_shown (GTK_WIDGET (overlay), "win.show-series"));
  g_assert_false (shortcut_shown (GTK_WIDGET (overlay), "win.show-occupancy"));
  g_assert_false (shortcut_shown (GTK_WIDGET (overlay), "win.show-admin"));
  rb_ui_settle (300);
  rb_ui_save_screenshot (GTK_WIDGET (overlay), "shortcuts-window-staff");
  press (overlay, "Escape");
  g_assert_true (rb_ui_wait_for (no_toplevel_of, GSIZE_TO_POINTER (GTK_TYPE_SHORTCUTS_WINDOW), 20));
}

int
main (int argc, char *argv[])
{
  const RbUiBackendMode modes[] = { RB_UI_BACKEND_LOCAL, RB_UI_BACKEND_SERVER };
  const struct
  {
    const char *name;
    void (*func) (KeysFixture *, gconstpointer);
  } walks[] = {
    { "series", test_series_by_keyboard },
    { "occupancy", test_occupancy_by_keyboard },
    { "find-and-book-room", test_find_and_book_room_by_keyboard },
    { "shortcuts-of-a-person", test_shortcuts_of_a_person },
  };

  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  /* rb_application_new registers the app's resources (templates, CSS). */
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();
  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 7, 0);

  g_test_add_func ("/keys/shortcuts-window", test_shortcuts_window);
  for (guint m = 0; m < G_N_ELEMENTS (modes); m++)
    for (guint i = 0; i < G_N_ELEMENTS (walks); i++)
      {
        g_autofree char *path
            = g_strdup_printf ("/keys/%s/%s", rb_ui_backend_mode_name (modes[m]), walks[i].name);

        g_test_add (path, KeysFixture, GINT_TO_POINTER (modes[m]), fixture_set_up, walks[i].func,
                    fixture_tear_down);
      }
  return g_test_run ();
}
