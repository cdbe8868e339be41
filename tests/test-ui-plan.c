/* test-ui-plan.c: floor plans people recognise, through the real widgets under Xvfb: the
 * floor's plan drawing under the spaces (RbFloorPlan has a texture), on the kiosk and in the
 * plan view of Find a Space, where a space on the plan books as its row does; a drawing an
 * administrator sets reaches a kiosk; and the Building page's plan editor: a desk added,
 * dragged through the editor's GtkGestureDrag (snapped to a quarter metre) and the drag
 * undone, and the same by keyboard through the editor's key bindings.
 *
 * Every case runs on both backends (rb-ui-backend.h): /local/… on the app's own store and
 * /server/… against a real raumbuch-server; in English (suite ui) and German (suite i18n).
 * With RB_SCREENSHOT_DIR set it writes PNGs of the kiosk, the Find plan view and the editor
 * over the demo building's drawings. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-building-page.h"
#include "rb-context.h"
#include "rb-find-page.h"
#include "rb-floor-plan.h"
#include "rb-kiosk-window.h"
#include "rb-plan-editor.h"
#include "rb-test-util.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

static gint64 frozen_now;

#define JONAS "14475"     /* staff */
#define CHRISTIAN "95113" /* admin */

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  char *authority_db;
} UiFixture;

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

static void
use_service (UiFixture *f, RbClientService *service, const char *staff_number)
{
  f->service = service;
  f->context = rb_context_new (service, f->settings);
  if (staff_number != NULL)
    g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, staff_number) });
}

static void
screenshot (UiFixture *f, GtkWidget *widget, const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, rb_ui_backend_mode_name (f->mode));

  rb_ui_settle (300);
  rb_ui_save_screenshot (widget, full);
}

static gboolean
has_texture (gpointer plan)
{
  return rb_floor_plan_get_texture (RB_FLOOR_PLAN (plan)) != NULL;
}

static gboolean
is_space_button_of_kind (GtkWidget *widget, gpointer kind)
{
  RbSpace *space = g_object_get_data (G_OBJECT (widget), "rb-space");

  return GTK_IS_BUTTON (widget) && space != NULL
         && rb_space_get_kind (space) == (RbSpaceKind) GPOINTER_TO_INT (kind);
}

/* ---- the drawing on the plans -------------------------------------------------------------- */

/* The kiosk's plan shows the floor's drawing, rendered for the size it is drawn at. */
static void
test_kiosk_shows_drawing (UiFixture *f, gconstpointer data)
{
  RbClientService *kiosk = rb_ui_backend_add_kiosk (f->backend);
  RbKioskWindow *window;
  GtkWidget *plan;
  GdkTexture *texture;

  rb_ui_backend_wait_ready (kiosk);
  use_service (f, kiosk, NULL);
  window = rb_kiosk_window_new (NULL, f->context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  gtk_window_present (GTK_WINDOW (window));
  plan = rb_ui_find (GTK_WIDGET (window), rb_ui_is_type, GSIZE_TO_POINTER (RB_TYPE_FLOOR_PLAN));
  g_assert_nonnull (plan);
  g_assert_true (rb_ui_wait_for (has_texture, plan, 20));
  texture = rb_floor_plan_get_texture (RB_FLOOR_PLAN (plan));
  /* Rendered at the floor's size on screen (the plan opens zoomed in: up to
   * RB_FLOOR_PLAN_DRAWING_LIMIT times the plan's width), in the floor's proportions
   * (60 x 24 m), not at the SVG's own 1200 x 480 pixels. */
  g_assert_cmpint (ABS (gdk_texture_get_width (texture) * 24 - gdk_texture_get_height (texture) * 60),
                   <=, 60);
  g_assert_cmpint (gdk_texture_get_width (texture), <=,
                   RB_FLOOR_PLAN_DRAWING_LIMIT * gtk_widget_get_width (plan)
                       * gtk_widget_get_scale_factor (plan));
  g_assert_cmpint (gdk_texture_get_width (texture), !=, 1200);
  g_assert_true (gtk_widget_has_css_class (plan, "rb-has-drawing"));
  screenshot (f, GTK_WIDGET (window), "plan-kiosk");
}

/* The plan view of Find a Space: the same plan with the drawing; a desk on it books. */
static void
test_find_plan_view_books (UiFixture *f, gconstpointer data)
{
  RbWindow *window;
  GtkWidget *page, *plan, *desk;
  RbSpace *space;
  g_autofree char *sql = NULL;

  use_service (f, rb_ui_backend_get_service (f->backend), JONAS);
  window = rb_ui_open_window (f->context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 900);
  page = rb_ui_show_page (window, "find");
  plan = rb_ui_child_by_id (page, "floor_plan");
  g_assert_false (gtk_widget_get_mapped (plan));
  rb_ui_click (rb_ui_child_by_id (page, "plan_view_button"));
  g_assert_true (gtk_toggle_button_get_active (
      GTK_TOGGLE_BUTTON (rb_ui_child_by_id (page, "plan_view_button"))));
  g_assert_true (rb_ui_wait_for (has_texture, plan, 20));
  g_assert_true (gtk_widget_get_mapped (plan));
  screenshot (f, GTK_WIDGET (window), "plan-find");

  desk = rb_ui_find (plan, is_space_button_of_kind, GINT_TO_POINTER (RB_SPACE_KIND_DESK));
  g_assert_nonnull (desk);
  space = g_object_get_data (G_OBJECT (desk), "rb-space");
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE space_id = '%s'"
                         " AND state = 'booked'",
                         rb_space_get_id (space));
  g_assert_cmpint (rb_test_db_int (f->authority_db, sql), ==, 0);
  rb_ui_click (desk);
  for (int i = 0; i < 100 && rb_test_db_int (f->authority_db, sql) == 0; i++)
    rb_ui_settle (100);
  g_assert_cmpint (rb_test_db_int (f->authority_db, sql), ==, 1);
}

static void
keep_result_cb (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  for (int i = 0; i < 300 && *slot == NULL; i++)
    rb_ui_settle (50);
  g_assert_nonnull (*slot);
  return *slot;
}

/* What an administrator sets is what every client gets; nobody else may set it. */
static void
test_set_drawing_reaches_kiosk (UiFixture *f, gconstpointer data)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0 };
  g_autoptr (GBytes) drawing = g_bytes_new_static (png, sizeof png);
  RbClientService *staff = rb_ui_backend_add_client (f->backend);
  RbClientService *admin = rb_ui_backend_get_service (f->backend);
  RbClientService *kiosk = rb_ui_backend_add_kiosk (f->backend);
  g_autoptr (GAsyncResult) refused = NULL;
  g_autoptr (GAsyncResult) set = NULL;
  g_autoptr (GAsyncResult) got = NULL;
  g_autoptr (GAsyncResult) removed = NULL;
  g_autoptr (GAsyncResult) gone = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *content_type = NULL;

  rb_ui_backend_wait_ready (kiosk);
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, staff, JONAS) });
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, admin, CHRISTIAN) });

  rb_client_service_set_floor_plan_async (staff, "flr-a-2og", "image/png", drawing, NULL,
                                          keep_result_cb, &refused);
  g_assert_false (rb_client_service_boolean_finish (staff, wait_result (&refused), &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_FORBIDDEN);
  g_clear_error (&error);

  rb_client_service_set_floor_plan_async (admin, "flr-a-2og", "image/png", drawing, NULL,
                                          keep_result_cb, &set);
  g_assert_true (rb_client_service_boolean_finish (admin, wait_result (&set), &error));
  g_assert_no_error (error);
  rb_client_service_get_floor_plan_async (kiosk, "flr-a-2og", NULL, keep_result_cb, &got);
  bytes = rb_client_service_get_floor_plan_finish (kiosk, wait_result (&got), &content_type,
                                                   &error);
  g_assert_no_error (error);
  g_assert_cmpstr (content_type, ==, "image/png");
  g_assert_true (g_bytes_equal (bytes, drawing));
  g_clear_pointer (&bytes, g_bytes_unref);
  g_clear_pointer (&content_type, g_free);

  rb_client_service_set_floor_plan_async (admin, "flr-a-2og", NULL, NULL, NULL, keep_result_cb,
                                          &removed);
  g_assert_true (rb_client_service_boolean_finish (admin, wait_result (&removed), &error));
  rb_client_service_get_floor_plan_async (kiosk, "flr-a-2og", NULL, keep_result_cb, &gone);
  bytes = rb_client_service_get_floor_plan_finish (kiosk, wait_result (&gone), &content_type,
                                                   &error);
  g_assert_no_error (error);
  g_assert_null (bytes);
  g_assert_null (content_type);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT count(*) FROM audit_log"
                                                    " WHERE action = 'floor.plan'"),
                   ==, 2);
}

/* ---- the plan editor ------------------------------------------------------------------------ */

typedef struct
{
  RbPlanEditor *editor;
} EditorWait;

static gboolean
editor_has_spaces (gpointer editor)
{
  GPtrArray *spaces = rb_plan_editor_get_spaces (RB_PLAN_EDITOR (editor));

  return spaces->len > 0 && gtk_widget_get_width (GTK_WIDGET (editor)) > 0;
}

static RbPlanEditor *
open_building_page (UiFixture *f, RbWindow **out_window)
{
  RbWindow *window;
  GtkWidget *page;
  RbPlanEditor *editor;

  use_service (f, rb_ui_backend_get_service (f->backend), CHRISTIAN);
  window = rb_ui_open_window (f->context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1700, 1000);
  g_assert_true (rb_ui_page_offered (window, "building"));
  page = rb_ui_show_page (window, "building");
  editor = rb_building_page_get_editor (RB_BUILDING_PAGE (page));
  g_assert_true (rb_ui_wait_for (editor_has_spaces, editor, 20));
  rb_ui_settle (200);
  if (out_window != NULL)
    *out_window = window;
  return editor;
}

static GtkGesture *
editor_drag_gesture (RbPlanEditor *editor)
{
  g_autoptr (GListModel) controllers
      = gtk_widget_observe_controllers (GTK_WIDGET (editor));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr (GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_DRAG (controller))
        return GTK_GESTURE (controller);
    }
  g_assert_not_reached ();
}

/* The editor's pixels per metre: the demo floors are 60 x 24 m, scaled to fit. */
static double
pixels_per_metre (RbPlanEditor *editor)
{
  return MIN (gtk_widget_get_width (GTK_WIDGET (editor)) / 60.0,
              gtk_widget_get_height (GTK_WIDGET (editor)) / 24.0);
}

/* Presses a key on the editor the way GTK does: through the editor's own key binding. */
static void
press (RbPlanEditor *editor, guint keyval, GdkModifierType modifiers)
{
  g_autoptr (GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (editor));

  /* The class's key bindings live in a shortcut controller of the widget (a list of them). */
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
            {
              g_assert_true (gtk_shortcut_action_activate (
                  gtk_shortcut_get_action (shortcut), 0, GTK_WIDGET (editor),
                  gtk_shortcut_get_arguments (shortcut)));
              return;
            }
        }
    }
  g_error ("no key binding for %s", gdk_keyval_name (keyval));
}

typedef struct
{
  RbPlanEditor *editor;
  const char *id;
} SpaceWidgetWait;

static gboolean
has_space_widget (gpointer data)
{
  SpaceWidgetWait *wait = data;

  return rb_plan_editor_get_space_widget (wait->editor, wait->id) != NULL;
}

/* The editor makes a new space's button on its next rebuild, which takes a while under the
 * sanitizers. */
static GtkWidget *
wait_space_widget (RbPlanEditor *editor, const char *id)
{
  SpaceWidgetWait wait = { editor, id };
  GtkWidget *button;

  g_assert_true (rb_ui_wait_for (has_space_widget, &wait, 20));
  button = rb_plan_editor_get_space_widget (editor, id);
  rb_ui_wait_laid_out (button);
  return button;
}

/* Add Desk, drag it by 3.3 m and 1.1 m (it lands on 3.25 m and 1 m), undo the drag, undo the
 * desk. */
static void
test_editor_add_drag_undo (UiFixture *f, gconstpointer data)
{
  RbWindow *window;
  RbPlanEditor *editor = open_building_page (f, &window);
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (editor), RB_TYPE_BUILDING_PAGE);
  guint before = rb_plan_editor_get_spaces (editor)->len;
  GtkGesture *drag = editor_drag_gesture (editor);
  RbPlanSpace *desk;
  g_autofree char *id = NULL;
  RbRect start;
  GtkWidget *button;
  double u, x, y;

  rb_ui_click (rb_ui_child_by_id (page, "add_desk_button"));
  g_assert_cmpuint (rb_plan_editor_get_spaces (editor)->len, ==, before + 1);
  desk = rb_plan_editor_get_selected (editor);
  g_assert_nonnull (desk);
  g_assert_cmpint (desk->kind, ==, RB_SPACE_KIND_DESK);
  id = g_strdup (desk->id);
  start = desk->rect;
  g_assert_cmpfloat (start.w, ==, 2.0);
  button = wait_space_widget (editor, id);
  u = pixels_per_metre (editor);
  /* The middle of the desk's button, in the editor's coordinates. */
  g_assert_true (gtk_widget_translate_coordinates (button, GTK_WIDGET (editor),
                                                   gtk_widget_get_width (button) / 2.0,
                                                   gtk_widget_get_height (button) / 2.0, &x, &y));
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", 1.4 * u, 0.6 * u);
  g_signal_emit_by_name (drag, "drag-update", 3.3 * u, 1.1 * u);
  g_signal_emit_by_name (drag, "drag-end", 3.3 * u, 1.1 * u);
  desk = rb_plan_editor_get_selected (editor);
  g_assert_cmpstr (desk->id, ==, id);
  g_assert_cmpfloat_with_epsilon (desk->rect.x, start.x + 3.25, 1e-9);
  g_assert_cmpfloat_with_epsilon (desk->rect.y, start.y + 1.0, 1e-9);
  g_assert_cmpfloat (desk->rect.w, ==, 2.0);
  /* Adding and one drag: two commands, however many steps the drag took. */
  g_assert_cmpuint (rb_plan_editor_get_undo_depth (editor), ==, 2);
  g_assert_true (gtk_widget_is_visible (rb_ui_child_by_id (page, "status_label")));
  screenshot (f, GTK_WIDGET (window), "plan-editor");

  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  desk = rb_plan_editor_get_selected (editor);
  g_assert_nonnull (desk);
  g_assert_cmpfloat (desk->rect.x, ==, start.x);
  g_assert_cmpfloat (desk->rect.y, ==, start.y);
  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_cmpuint (rb_plan_editor_get_spaces (editor)->len, ==, before);
  g_assert_null (rb_plan_editor_get_space_widget (editor, id));
  g_assert_false (rb_plan_editor_get_modified (editor));
}

static gboolean
space_listed (RbClientService *service, const char *floor_id, const char *space_id,
              RbRect *out_rect)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) spaces = NULL;
  g_autoptr (GError) error = NULL;

  rb_client_service_list_spaces_async (service, floor_id, NULL, keep_result_cb, &result);
  spaces = rb_client_service_list_finish (service, wait_result (&result), &error);
  g_assert_no_error (error);
  for (guint i = 0; i < spaces->len; i++)
    if (g_str_equal (rb_space_get_id (g_ptr_array_index (spaces, i)), space_id))
      {
        *out_rect = *rb_space_get_rect (g_ptr_array_index (spaces, i));
        return TRUE;
      }
  return FALSE;
}

/* Save: a desk added and dragged on the plan is in the building (with its audit entry), and a
 * kiosk of the same building shows it where it was put, without a restart. */
static void
test_editor_save_reaches_kiosk (UiFixture *f, gconstpointer data)
{
  RbClientService *kiosk = rb_ui_backend_add_kiosk (f->backend);
  RbPlanEditor *editor;
  GtkWidget *page;
  GtkGesture *drag;
  RbPlanSpace *desk;
  g_autofree char *id = NULL;
  g_autofree char *floor_id = NULL;
  g_autofree char *sql = NULL;
  GtkWidget *button;
  RbRect placed, seen = { 0 };
  double u, x, y;

  rb_ui_backend_wait_ready (kiosk);
  editor = open_building_page (f, NULL);
  page = gtk_widget_get_ancestor (GTK_WIDGET (editor), RB_TYPE_BUILDING_PAGE);
  drag = editor_drag_gesture (editor);
  {
    RbPlanSpace *shown = g_ptr_array_index (rb_plan_editor_get_spaces (editor), 0);
    g_autofree char *floor_sql
        = g_strdup_printf ("SELECT floor_id FROM spaces WHERE id = '%s'", shown->id);

    floor_id = g_strstrip (rb_test_db_dump (f->authority_db, floor_sql));
  }
  rb_ui_click (rb_ui_child_by_id (page, "add_desk_button"));
  desk = rb_plan_editor_get_selected (editor);
  id = g_strdup (desk->id);
  button = wait_space_widget (editor, id);
  u = pixels_per_metre (editor);
  g_assert_true (gtk_widget_translate_coordinates (button, GTK_WIDGET (editor),
                                                   gtk_widget_get_width (button) / 2.0,
                                                   gtk_widget_get_height (button) / 2.0, &x, &y));
  g_signal_emit_by_name (drag, "drag-begin", x, y);
  g_signal_emit_by_name (drag, "drag-update", 1.3 * u, 0.6 * u);
  g_signal_emit_by_name (drag, "drag-end", 1.3 * u, 0.6 * u);
  placed = rb_plan_editor_get_selected (editor)->rect;
  g_assert_false (space_listed (kiosk, floor_id, id, &seen));

  g_assert_true (gtk_widget_activate_action (page, "building.save", NULL));
  sql = g_strdup_printf ("SELECT count(*) FROM spaces WHERE id = '%s' AND retired_at IS NULL",
                         id);
  for (int i = 0; i < 200 && rb_test_db_int (f->authority_db, sql) == 0; i++)
    rb_ui_settle (50);
  g_assert_cmpint (rb_test_db_int (f->authority_db, sql), ==, 1);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT count(*) FROM audit_log"
                                                    " WHERE action = 'building.import'"),
                   ==, 1);
  for (int i = 0; i < 200 && !space_listed (kiosk, floor_id, id, &seen); i++)
    rb_ui_settle (50);
  g_assert_true (space_listed (kiosk, floor_id, id, &seen));
  g_assert_cmpfloat (seen.x, ==, placed.x);
  g_assert_cmpfloat (seen.y, ==, placed.y);
  g_assert_cmpfloat (seen.w, ==, placed.w);
  g_assert_false (rb_plan_editor_get_modified (editor));
}

static void
count_cb (int *count)
{
  (*count)++;
}

/* Tab to a space; arrows move it, Shift+arrows resize it, Delete retires it, Insert adds a
 * desk, F2 asks for the name, Ctrl+Z undoes each. */
static void
test_editor_keyboard (UiFixture *f, gconstpointer data)
{
  RbPlanEditor *editor = open_building_page (f, NULL);
  GtkWidget *page = gtk_widget_get_ancestor (GTK_WIDGET (editor), RB_TYPE_BUILDING_PAGE);
  RbPlanSpace *first = g_ptr_array_index (rb_plan_editor_get_spaces (editor), 0);
  g_autofree char *id = g_strdup (first->id);
  RbRect start = first->rect;
  RbPlanSpace *space;
  GtkWidget *button;
  g_autofree char *label = NULL;
  guint n = rb_plan_editor_get_spaces (editor)->len;
  int renames = 0;

  /* Focusing a space's button (as Tab does) selects it. */
  button = rb_plan_editor_get_space_widget (editor, id);
  gtk_widget_grab_focus (button);
  /* The focus moves on the next frames; a sanitizer build needs more of them. */
  for (int i = 0; i < 100 && rb_plan_editor_get_selected (editor) == NULL; i++)
    rb_ui_settle (50);
  space = rb_plan_editor_get_selected (editor);
  g_assert_nonnull (space);
  g_assert_cmpstr (space->id, ==, id);
  gtk_test_accessible_assert_role (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_ROLE_BUTTON);

  press (editor, GDK_KEY_Right, 0);
  press (editor, GDK_KEY_Right, 0);
  press (editor, GDK_KEY_Down, 0);
  space = rb_plan_editor_get_selected (editor);
  g_assert_cmpfloat (space->rect.x, ==, start.x + 0.5);
  g_assert_cmpfloat (space->rect.y, ==, start.y + 0.25);
  press (editor, GDK_KEY_Right, GDK_SHIFT_MASK);
  g_assert_cmpfloat (rb_plan_editor_get_selected (editor)->rect.w, ==, start.w + 0.25);
  g_assert_cmpfloat (rb_plan_editor_get_selected (editor)->rect.h, ==, start.h);
  g_assert_cmpuint (rb_plan_editor_get_undo_depth (editor), ==, 4);

  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_cmpfloat (rb_plan_editor_get_selected (editor)->rect.w, ==, start.w);

  press (editor, GDK_KEY_Delete, 0);
  g_assert_null (rb_plan_editor_get_selected (editor));
  g_assert_null (rb_plan_editor_get_space_widget (editor, id));
  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_nonnull (rb_plan_editor_get_space_widget (editor, id));
  g_assert_cmpstr (rb_plan_editor_get_selected (editor)->id, ==, id);

  press (editor, GDK_KEY_Insert, 0);
  g_assert_cmpuint (rb_plan_editor_get_spaces (editor)->len, ==, n + 1);
  g_assert_cmpint (rb_plan_editor_get_selected (editor)->kind, ==, RB_SPACE_KIND_DESK);
  g_signal_connect_swapped (editor, "rename-requested", G_CALLBACK (count_cb), &renames);
  press (editor, GDK_KEY_F2, 0);
  g_assert_cmpint (renames, ==, 1);
  gtk_editable_set_text (GTK_EDITABLE (rb_ui_child_by_id (page, "name_row")), "Fenster 1");
  g_signal_emit_by_name (rb_ui_child_by_id (page, "name_row"), "apply");
  g_assert_cmpstr (rb_plan_editor_get_selected (editor)->name, ==, "Fenster 1");
  label = g_strdup (gtk_label_get_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (
      rb_plan_editor_get_space_widget (editor, rb_plan_editor_get_selected (editor)->id))))));
  g_assert_cmpstr (label, ==, "Fenster 1");
  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  g_assert_cmpuint (rb_plan_editor_get_spaces (editor)->len, ==, n);
  /* Back where it started, by the keyboard's undo alone. */
  while (rb_plan_editor_get_undo_depth (editor) > 0)
    press (editor, GDK_KEY_z, GDK_CONTROL_MASK);
  space = NULL;
  for (guint i = 0; i < rb_plan_editor_get_spaces (editor)->len; i++)
    if (g_str_equal (((RbPlanSpace *) g_ptr_array_index (rb_plan_editor_get_spaces (editor), i))->id, id))
      space = g_ptr_array_index (rb_plan_editor_get_spaces (editor), i);
  g_assert_nonnull (space);
  g_assert_cmpfloat (space->rect.x, ==, start.x);
  g_assert_cmpfloat (space->rect.y, ==, start.y);
}

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
  g_autoptr (GTimeZone) berlin = NULL;

  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  rb_ui_load_app_css ();

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);

  add_dual ("plan/kiosk-shows-drawing", test_kiosk_shows_drawing);
  add_dual ("plan/find-plan-view-books", test_find_plan_view_books);
  add_dual ("plan/set-drawing-reaches-kiosk", test_set_drawing_reaches_kiosk);
  add_dual ("editor/add-drag-undo", test_editor_add_drag_undo);
  add_dual ("editor/keyboard", test_editor_keyboard);
  add_dual ("editor/save-reaches-kiosk", test_editor_save_reaches_kiosk);
  return g_test_run ();
}
