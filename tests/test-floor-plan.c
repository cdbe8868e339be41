/* test-floor-plan.c: the kiosk's floor plan read by a person, through the real window under
 * Xvfb: at 1280 x 800 and 800 x 1280 it opens with every space on screen at least 48 px on
 * its smallest side; + and − change the scale, − at its end (and "Show whole floor") shows
 * the whole floor, the keys + − 0 do the same; a room's name is never cut shorter than its
 * first word at any zoom, and whole at the closest; state text is at least 14 pt. Real
 * pointer events (XTest, by xdotool) drag the plan, which pans and books nothing, tap a desk,
 * which books, and double tap beside the spaces, which zooms in. On a desktop window (Find a
 * Space) the keys + − 0, Ctrl+scroll and the wheel zoom and pan.
 *
 * Every case runs on both backends (rb-ui-backend.h): /local/… on the app's own store and
 * /server/… against a real raumbuch-server; in English (suite ui) and German (suite i18n).
 * With RB_SCREENSHOT_DIR set it writes the opening view, the whole floor and the closest view
 * in landscape and portrait. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-floor-plan.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 09:00 in Berlin. */
static gint64 frozen_now;

typedef struct
{
  RbUiBackend *backend;
  RbClientService *kiosk;
  GSettings *settings;
  RbContext *context;
  RbKioskWindow *window;
  /* the window under test (the kiosk, or a desktop window on desktop_context) */
  GtkWindow *toplevel;
  RbContext *desktop_context;
  RbFloorPlan *plan;
  /* the spaces the plan said were activated, in order */
  GPtrArray *activated;
} PlanFixture;

static void
fixture_set_up (PlanFixture *f, gconstpointer data)
{
  f->backend = rb_ui_backend_new (GPOINTER_TO_INT (data), frozen_now);
  f->kiosk = rb_ui_backend_add_kiosk (f->backend);
  rb_ui_backend_wait_ready (f->kiosk);
  f->settings = g_settings_new (APP_ID);
  f->context = rb_context_new (f->kiosk, f->settings);
  f->activated = g_ptr_array_new_with_free_func (g_object_unref);
}

static void
fixture_tear_down (PlanFixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  g_clear_object (&f->desktop_context);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->activated, g_ptr_array_unref);
  rb_ui_backend_free (f->backend);
}

static void
screenshot (PlanFixture *f, const char *name)
{
  g_autofree char *full = g_strdup_printf (
      "floor-plan-%s-%s", rb_ui_backend_mode_name (rb_ui_backend_get_mode (f->backend)), name);

  rb_ui_settle (300);
  rb_ui_save_screenshot (GTK_WIDGET (f->toplevel), full);
}

/* ---- the plan's spaces ---------------------------------------------------------------------- */

static gboolean
is_space_button (GtkWidget *widget, gpointer data)
{
  return GTK_IS_BUTTON (widget) && g_object_get_data (G_OBJECT (widget), "rb-space") != NULL;
}

static RbSpace *
space_of (GtkWidget *button)
{
  return g_object_get_data (G_OBJECT (button), "rb-space");
}

static GtkWidget *
space_button (PlanFixture *f, const char *id)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_space_button (child, NULL) && g_str_equal (rb_space_get_id (space_of (child)), id))
      return child;
  g_error ("no space %s on the plan", id);
}

/* The button's rectangle in the plan's coordinates. */
static graphene_rect_t
bounds_in_plan (PlanFixture *f, GtkWidget *button)
{
  graphene_rect_t bounds;

  g_assert_true (gtk_widget_compute_bounds (button, GTK_WIDGET (f->plan), &bounds));
  return bounds;
}

static gboolean
on_screen (PlanFixture *f, const graphene_rect_t *r)
{
  return r->origin.x + r->size.width > 0 && r->origin.y + r->size.height > 0
         && r->origin.x < gtk_widget_get_width (GTK_WIDGET (f->plan))
         && r->origin.y < gtk_widget_get_height (GTK_WIDGET (f->plan));
}

static gboolean
whole_on_screen (PlanFixture *f, const graphene_rect_t *r)
{
  return r->origin.x >= 0 && r->origin.y >= 0
         && r->origin.x + r->size.width <= gtk_widget_get_width (GTK_WIDGET (f->plan))
         && r->origin.y + r->size.height <= gtk_widget_get_height (GTK_WIDGET (f->plan));
}

static gboolean
plan_ready (gpointer data)
{
  PlanFixture *f = data;
  GtkWidget *desk;

  if (f->plan == NULL || rb_floor_plan_get_scale (f->plan) <= 0)
    return FALSE;
  desk = space_button (f, "a0-d001");
  /* laid out, and its state told */
  return gtk_widget_get_width (desk) > 0 && gtk_widget_has_css_class (desk, "rb-free");
}

/* The plan laid out at its scale now: the frame after a change lays the spaces out, the next
 * fits their labels (in its update phase, where tick callbacks run) and lays them out again;
 * one more for good measure. */
static gboolean
count_frame (GtkWidget *widget, GdkFrameClock *clock, gpointer frames)
{
  (*(int *) frames)++;
  return G_SOURCE_CONTINUE;
}

static gboolean
three_frames (gpointer frames)
{
  return *(int *) frames >= 3;
}

static void
wait_laid_out (PlanFixture *f)
{
  int frames = 0;
  guint tick = gtk_widget_add_tick_callback (GTK_WIDGET (f->plan), count_frame, &frames, NULL);

  g_assert_true (rb_ui_wait_for (three_frames, &frames, 10));
  gtk_widget_remove_tick_callback (GTK_WIDGET (f->plan), tick);
}

static void
on_space_activated_cb (RbFloorPlan *plan, RbSpace *space, PlanFixture *f)
{
  g_ptr_array_add (f->activated, g_object_ref (space));
}

static void
open_kiosk (PlanFixture *f, int width, int height)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  f->plan = NULL;
  f->window = rb_kiosk_window_new (NULL, f->context);
  f->toplevel = GTK_WINDOW (f->window);
  gtk_window_set_default_size (GTK_WINDOW (f->window), width, height);
  gtk_window_present (GTK_WINDOW (f->window));
  rb_ui_kiosk_assert_screen (f->window, "start");
  f->plan = RB_FLOOR_PLAN (
      rb_ui_find_visible (GTK_WIDGET (f->window), rb_ui_is_type, GSIZE_TO_POINTER (RB_TYPE_FLOOR_PLAN)));
  g_assert_nonnull (f->plan);
  g_signal_connect (f->plan, "space-activated", G_CALLBACK (on_space_activated_cb), f);
  g_assert_true (rb_ui_wait_for (plan_ready, f, 20));
  wait_laid_out (f);
}

/* The smallest side of the spaces on screen (G_MAXINT without any), and how many there are. */
static int
smallest_on_screen (PlanFixture *f, guint *n_on_screen)
{
  int smallest = G_MAXINT;

  *n_on_screen = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t r;

      if (!is_space_button (child, NULL))
        continue;
      r = bounds_in_plan (f, child);
      if (!on_screen (f, &r))
        continue;
      (*n_on_screen)++;
      smallest = MIN (smallest, (int) MIN (r.size.width, r.size.height));
    }
  return smallest;
}

static void
assert_whole_floor (PlanFixture *f)
{
  guint n = 0;

  g_assert_cmpfloat_with_epsilon (rb_floor_plan_get_scale (f->plan),
                                  rb_floor_plan_get_min_scale (f->plan), 1e-6);
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_space_button (child, NULL))
      {
        graphene_rect_t r = bounds_in_plan (f, child);

        if (!whole_on_screen (f, &r))
          g_error ("%s at %.0f, %.0f (%.0f x %.0f) on a plan of %d x %d",
                   rb_space_get_id (space_of (child)), r.origin.x, r.origin.y, r.size.width,
                   r.size.height, gtk_widget_get_width (GTK_WIDGET (f->plan)),
                   gtk_widget_get_height (GTK_WIDGET (f->plan)));
        n++;
      }
  g_assert_cmpuint (n, >, 20);
}

static GtkWidget *
label_of_class (GtkWidget *root, const char *css_class)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, css_class))
        return child;
      if ((found = label_of_class (child, css_class)) != NULL)
        return found;
    }
  return NULL;
}

/* What a label shows is all of its text: nothing ellipsized, no line wider than the label. */
static void
assert_label_whole (GtkWidget *label)
{
  PangoLayout *layout = gtk_label_get_layout (GTK_LABEL (label));
  PangoRectangle logical;

  g_assert_false (pango_layout_is_ellipsized (layout));
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  g_assert_cmpint (logical.width, <=, gtk_widget_get_width (label) + 1);
}

/* Every room shows at least its name's first word, whole, or nothing (then its accessible name
 * and a closer view say it); with whole_names every room shows its whole name. */
static void
assert_names_legible (PlanFixture *f, gboolean whole_names)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RbSpace *space;
      const char *shown;
      g_auto (GStrv) words = NULL;

      if (!is_space_button (child, NULL))
        continue;
      space = space_of (child);
      shown = rb_floor_plan_get_shown_name (f->plan, rb_space_get_id (space));
      if (rb_space_get_kind (space) != RB_SPACE_KIND_ROOM)
        continue;
      if (whole_names)
        g_assert_cmpstr (shown, ==, rb_space_get_name (space));
      if (shown == NULL)
        continue;
      words = g_strsplit (rb_space_get_name (space), " ", 2);
      g_assert_true (g_str_has_prefix (shown, words[0]));
      g_assert_cmpuint (strlen (shown), >=, strlen (words[0]));
      assert_label_whole (label_of_class (child, "rb-plan-name"));
    }
}

/* State text is 14 pt or more (19 px at 96 dpi) wherever the plan shows it on the kiosk. */
static void
assert_state_font (PlanFixture *f)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *state;
      const PangoFontDescription *font;
      double size;

      if (!is_space_button (child, NULL))
        continue;
      state = label_of_class (child, "rb-plan-state");
      font = pango_context_get_font_description (gtk_widget_get_pango_context (state));
      size = (double) pango_font_description_get_size (font) / PANGO_SCALE;
      if (pango_font_description_get_size_is_absolute (font))
        size = size * 72 / 96;
      g_assert_cmpfloat (size, >=, 14 - 0.05);
      if (gtk_widget_get_mapped (state))
        {
          g_autofree char *described = pango_font_description_to_string (font);

          if (n == 0)
            g_test_message ("state text %.1f pt (%s)", size, described);
          assert_label_whole (state);
          n++;
        }
    }
  g_assert_cmpuint (n, >, 0);
}

typedef struct
{
  PlanFixture *f;
  GtkWidget *button;
} WholeWait;

static gboolean
is_whole_on_screen (gpointer data)
{
  WholeWait *wait = data;
  graphene_rect_t r = bounds_in_plan (wait->f, wait->button);

  return whole_on_screen (wait->f, &r);
}

static void
click_control (PlanFixture *f, const char *action)
{
  GtkWidget *button = rb_ui_find_action (GTK_WIDGET (f->plan), action, NULL);

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
  wait_laid_out (f);
}

/* ---- real input, through the X server ------------------------------------------------------- */

static void
xdotool (PlanFixture *f, const char *commands)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->toplevel));
  g_autofree char *line = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  g_autoptr (GError) error = NULL;

  g_assert_true (GDK_IS_X11_SURFACE (surface));
  line = g_strdup_printf ("xdotool %s", commands);
  g_test_message ("%s", line);
  g_assert_true (g_spawn_command_line_sync (line, NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s: %s", line, err);
}

/* "mousemove --window XID X Y" for the point (x, y) of widget. */
static char *
move_to (PlanFixture *f, GtkWidget *widget, double x, double y)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->toplevel));
  double surface_x, surface_y;
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (f->toplevel),
                                           &GRAPHENE_POINT_INIT (x, y), &point));
  gtk_native_get_surface_transform (GTK_NATIVE (f->toplevel), &surface_x, &surface_y);
  return g_strdup_printf ("mousemove --window %lu %d %d", (gulong) gdk_x11_surface_get_xid (surface),
                          (int) (point.x + surface_x), (int) (point.y + surface_y));
}

typedef struct
{
  PlanFixture *f;
  GtkWidget *button;
  double x;
} MovedWait;

static gboolean
has_moved (gpointer data)
{
  MovedWait *wait = data;
  graphene_rect_t r = bounds_in_plan (wait->f, wait->button);

  return ABS (r.origin.x - wait->x) > 50;
}

static gboolean
was_activated (gpointer data)
{
  return ((PlanFixture *) data)->activated->len > 0;
}

typedef struct
{
  RbFloorPlan *plan;
  double scale;
} ScaleWait;

static gboolean
has_zoomed_in (gpointer data)
{
  ScaleWait *wait = data;

  return rb_floor_plan_get_scale (wait->plan) > wait->scale * 1.01;
}

static gboolean
has_zoomed_out (gpointer data)
{
  ScaleWait *wait = data;

  return rb_floor_plan_get_scale (wait->plan) < wait->scale / 1.01;
}

/* ---- the tests ------------------------------------------------------------------------------ */

/* Landscape and portrait: the plan opens with every space on screen a finger wide, on a
 * cluster of desks; names and states are legible at every zoom. */
static void
test_opening_view (PlanFixture *f, gconstpointer data)
{
  static const int sizes[][2] = { { 1280, 800 }, { 800, 1280 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autofree char *name = g_strdup_printf ("%dx%d", sizes[i][0], sizes[i][1]);
      guint n_on_screen, n_desks_whole = 0;
      double opening;
      GtkWidget *room;
      graphene_rect_t r;

      open_kiosk (f, sizes[i][0], sizes[i][1]);
      screenshot (f, "opening");
      g_test_message ("%s: plan %d x %d, scale %.1f px/m (whole floor %.1f)", name,
                      gtk_widget_get_width (GTK_WIDGET (f->plan)),
                      gtk_widget_get_height (GTK_WIDGET (f->plan)),
                      rb_floor_plan_get_scale (f->plan), rb_floor_plan_get_min_scale (f->plan));
      /* The demo's ground floor (60 x 24 m) does not fit whole at 48 px per desk (1 m). */
      g_assert_cmpfloat (rb_floor_plan_get_scale (f->plan), >, rb_floor_plan_get_min_scale (f->plan));
      g_assert_cmpint (smallest_on_screen (f, &n_on_screen), >=, RB_FLOOR_PLAN_TOUCH_SIZE);
      for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (f->plan)); child != NULL;
           child = gtk_widget_get_next_sibling (child))
        if (is_space_button (child, NULL)
            && rb_space_get_kind (space_of (child)) == RB_SPACE_KIND_DESK)
          {
            r = bounds_in_plan (f, child);
            n_desks_whole += whole_on_screen (f, &r);
          }
      /* on a cluster of desks, not on an empty corridor */
      g_assert_cmpuint (n_desks_whole, >=, 8);
      assert_names_legible (f, FALSE);
      opening = rb_floor_plan_get_scale (f->plan);

      /* the whole floor: small spaces show less, but nothing is cut */
      click_control (f, "plan.zoom-fit");
      assert_whole_floor (f);
      assert_names_legible (f, FALSE);
      screenshot (f, "whole");
      /* and every step in to the closest, where every room says its whole name */
      while (gtk_widget_is_sensitive (rb_ui_find_action (GTK_WIDGET (f->plan), "plan.zoom-in", NULL)))
        {
          click_control (f, "plan.zoom-in");
          assert_names_legible (f, FALSE);
        }
      g_assert_cmpfloat_with_epsilon (rb_floor_plan_get_scale (f->plan),
                                      rb_floor_plan_get_max_scale (f->plan), 1e-6);
      assert_names_legible (f, TRUE);
      assert_state_font (f);
      /* a room reached by Tab is panned into view */
      room = space_button (f, "a0-r03");
      r = bounds_in_plan (f, room);
      g_assert_false (whole_on_screen (f, &r));
      g_assert_true (gtk_widget_grab_focus (room));
      g_assert_true (rb_ui_wait_for (is_whole_on_screen, &(WholeWait){ f, room }, 10));
      screenshot (f, "closest");

      /* the idle reset's way back */
      rb_floor_plan_reset_view (f->plan);
      wait_laid_out (f);
      g_assert_cmpfloat_with_epsilon (rb_floor_plan_get_scale (f->plan), opening, 1e-6);
      g_assert_cmpint (smallest_on_screen (f, &n_on_screen), >=, RB_FLOOR_PLAN_TOUCH_SIZE);
    }
}

/* The +, − and whole-floor buttons: finger-sized, named, and each a step of the scale; − at
 * its end shows the whole floor. The keys + − 0 do the same while a space has the focus. */
static void
test_zoom_buttons_and_keys (PlanFixture *f, gconstpointer data)
{
  static const char *const actions[] = { "plan.zoom-in", "plan.zoom-out", "plan.zoom-fit" };
  double opening, scale;
  ScaleWait wait;
  GtkWidget *desk;

  open_kiosk (f, 1280, 800);
  opening = rb_floor_plan_get_scale (f->plan);
  for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
    {
      GtkWidget *button = rb_ui_find_action (GTK_WIDGET (f->plan), actions[i], NULL);
      graphene_rect_t r;

      g_assert_nonnull (button);
      g_assert_true (gtk_widget_get_mapped (button));
      r = bounds_in_plan (f, button);
      g_assert_cmpfloat (r.size.width, >=, 56);
      g_assert_cmpfloat (r.size.height, >=, 56);
      g_assert_true (whole_on_screen (f, &r));
    }

  click_control (f, "plan.zoom-in");
  g_assert_cmpfloat (rb_floor_plan_get_scale (f->plan), >, opening * 1.2);
  click_control (f, "plan.zoom-out");
  g_assert_cmpfloat_with_epsilon (rb_floor_plan_get_scale (f->plan), opening, 1e-6);
  for (int i = 0; i < 20
                  && gtk_widget_is_sensitive (rb_ui_find_action (GTK_WIDGET (f->plan), "plan.zoom-out", NULL));
       i++)
    {
      scale = rb_floor_plan_get_scale (f->plan);
      click_control (f, "plan.zoom-out");
      g_assert_cmpfloat (rb_floor_plan_get_scale (f->plan), <, scale);
    }
  g_assert_false (gtk_widget_is_sensitive (rb_ui_find_action (GTK_WIDGET (f->plan), "plan.zoom-out", NULL)));
  g_assert_false (gtk_widget_is_sensitive (rb_ui_find_action (GTK_WIDGET (f->plan), "plan.zoom-fit", NULL)));
  assert_whole_floor (f);
  click_control (f, "plan.zoom-in");
  click_control (f, "plan.zoom-fit");
  assert_whole_floor (f);

  /* the keys, while a space (reached by Tab) has the focus */
  rb_floor_plan_reset_view (f->plan);
  wait_laid_out (f);
  desk = space_button (f, "a0-d008");
  g_assert_true (gtk_widget_get_focusable (desk));
  g_assert_true (gtk_widget_grab_focus (desk));
  xdotool (f, "key plus");
  wait = (ScaleWait){ f->plan, opening };
  g_assert_true (rb_ui_wait_for (has_zoomed_in, &wait, 10));
  xdotool (f, "key minus");
  wait.scale = rb_floor_plan_get_scale (f->plan);
  g_assert_true (rb_ui_wait_for (has_zoomed_out, &wait, 10));
  /* (0 belongs to the kiosk's badge reader: digits start identifying there) */
  g_assert_cmpuint (f->activated->len, ==, 0);
}

/* On a desktop (Find a Space's plan view): the keys + − 0, Ctrl+scroll zooms around the
 * pointer, scrolling pans. */
static void
test_desktop_keys_and_scroll (PlanFixture *f, gconstpointer data)
{
  RbClientService *service = rb_ui_backend_get_service (f->backend);
  RbWindow *window;
  GtkWidget *page, *desk;
  graphene_rect_t r;
  g_autofree char *over_plan = NULL;
  g_autofree char *commands = NULL;
  ScaleWait wait;
  MovedWait moved;

  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, service, "14475") });
  f->desktop_context = rb_context_new (service, f->settings);
  window = rb_ui_open_window (f->desktop_context);
  gtk_window_set_default_size (GTK_WINDOW (window), 1500, 900);
  f->toplevel = GTK_WINDOW (window);
  page = rb_ui_show_page (window, "find");
  rb_ui_click (rb_ui_child_by_id (page, "plan_view_button"));
  f->plan = RB_FLOOR_PLAN (rb_ui_child_by_id (page, "floor_plan"));
  g_assert_true (rb_ui_wait_for (plan_ready, f, 20));
  wait_laid_out (f);
  screenshot (f, "desktop");

  desk = space_button (f, "a0-d008");
  g_assert_true (gtk_widget_grab_focus (desk));
  wait = (ScaleWait){ f->plan, rb_floor_plan_get_scale (f->plan) };
  xdotool (f, "key plus");
  g_assert_true (rb_ui_wait_for (has_zoomed_in, &wait, 10));
  wait.scale = rb_floor_plan_get_scale (f->plan);
  xdotool (f, "key minus");
  g_assert_true (rb_ui_wait_for (has_zoomed_out, &wait, 10));
  wait.scale = rb_floor_plan_get_scale (f->plan);
  xdotool (f, "key 0");
  g_assert_true (rb_ui_wait_for (has_zoomed_out, &wait, 10));
  wait_laid_out (f);
  assert_whole_floor (f);

  /* Ctrl+wheel up over the plan: in */
  wait.scale = rb_floor_plan_get_scale (f->plan);
  over_plan = move_to (f, GTK_WIDGET (f->plan), gtk_widget_get_width (GTK_WIDGET (f->plan)) / 2.0,
                       gtk_widget_get_height (GTK_WIDGET (f->plan)) / 2.0);
  commands = g_strdup_printf ("%s keydown ctrl click 4 keyup ctrl", over_plan);
  xdotool (f, commands);
  g_assert_true (rb_ui_wait_for (has_zoomed_in, &wait, 10));
  xdotool (f, commands);
  xdotool (f, commands);
  wait_laid_out (f);

  /* the wheel alone: pans (to the right, with the wheel's sideways buttons) */
  r = bounds_in_plan (f, desk);
  moved = (MovedWait){ f, desk, r.origin.x };
  g_clear_pointer (&commands, g_free);
  commands = g_strdup_printf ("%s click --repeat 3 7", over_plan);
  xdotool (f, commands);
  g_assert_true (rb_ui_wait_for (has_moved, &moved, 10));
  g_assert_cmpuint (f->activated->len, ==, 0);
}

/* A drag over a desk pans the plan and books nothing; a tap on a desk activates it; a double
 * tap beside the spaces and Ctrl+scroll zoom in — real pointer events through the X server. */
static void
test_drag_pans_tap_activates (PlanFixture *f, gconstpointer data)
{
  GtkWidget *desk, *other;
  graphene_rect_t r;
  g_autofree char *press = NULL;
  g_autofree char *drag = NULL;
  g_autofree char *tap = NULL;
  g_autofree char *ground = NULL;
  MovedWait moved;
  ScaleWait wait;

  open_kiosk (f, 1280, 800);
  desk = space_button (f, "a0-d008");
  r = bounds_in_plan (f, desk);
  g_assert_true (whole_on_screen (f, &r));

  /* a drag from the desk 200 px to the left, in steps as a finger moves */
  press = move_to (f, desk, r.size.width / 2, r.size.height / 2);
  {
    g_autofree char *step1 = move_to (f, desk, r.size.width / 2 - 20, r.size.height / 2);
    g_autofree char *step2 = move_to (f, desk, r.size.width / 2 - 100, r.size.height / 2);
    g_autofree char *commands = NULL;

    drag = move_to (f, desk, r.size.width / 2 - 200, r.size.height / 2);
    commands = g_strdup_printf ("%s mousedown 1 %s %s %s mouseup 1", press, step1, step2, drag);
    xdotool (f, commands);
  }
  moved = (MovedWait){ f, desk, r.origin.x };
  g_assert_true (rb_ui_wait_for (has_moved, &moved, 10));
  rb_ui_settle (300);
  g_assert_cmpuint (f->activated->len, ==, 0);
  rb_ui_kiosk_assert_screen (f->window, "start");
  r = bounds_in_plan (f, desk);
  g_assert_cmpfloat (ABS (r.origin.x - (moved.x - 200)), <=, 8);

  /* double tap beside the spaces: in around that point */
  wait = (ScaleWait){ f->plan, rb_floor_plan_get_scale (f->plan) };
  other = space_button (f, "a0-d001");
  {
    /* the aisle between the two clusters of desks, 0.02 (38 m) and 0.07 (42 m) */
    graphene_rect_t left = bounds_in_plan (f, space_button (f, "a0-d002"));
    graphene_rect_t right = bounds_in_plan (f, space_button (f, "a0-d007"));
    double x = (left.origin.x + left.size.width + right.origin.x) / 2;

    g_assert_cmpfloat (x, >, 0);
    g_assert_cmpfloat (x, <, gtk_widget_get_width (GTK_WIDGET (f->plan)));
    ground = move_to (f, GTK_WIDGET (f->plan), x, left.origin.y + left.size.height / 2);
  }
  {
    g_autofree char *commands = g_strdup_printf ("%s click --repeat 2 --delay 120 1", ground);

    xdotool (f, commands);
  }
  g_assert_true (rb_ui_wait_for (has_zoomed_in, &wait, 10));
  g_assert_cmpuint (f->activated->len, ==, 0);

  /* a tap on a desk activates that desk */
  rb_floor_plan_reset_view (f->plan);
  wait_laid_out (f);
  r = bounds_in_plan (f, other);
  g_assert_true (whole_on_screen (f, &r));
  tap = move_to (f, other, r.size.width / 2, r.size.height / 2);
  {
    g_autofree char *commands = g_strdup_printf ("%s click 1", tap);

    xdotool (f, commands);
  }
  g_assert_true (rb_ui_wait_for (was_activated, f, 10));
  g_assert_cmpuint (f->activated->len, ==, 1);
  g_assert_cmpstr (rb_space_get_id (g_ptr_array_index (f->activated, 0)), ==, "a0-d001");
}

static void
add_dual (const char *name, void (*test) (PlanFixture *, gconstpointer))
{
  for (RbUiBackendMode mode = RB_UI_BACKEND_LOCAL; mode <= RB_UI_BACKEND_SERVER; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s", rb_ui_backend_mode_name (mode), name);

      g_test_add (path, PlanFixture, GINT_TO_POINTER (mode), fixture_set_up, test,
                  fixture_tear_down);
    }
}

int
main (int argc, char *argv[])
{
  g_autoptr (GTimeZone) berlin = NULL;

  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  /* gtk_test_init pins en_US; these tests run in the language of their environment. */
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  rb_ui_load_app_css ();

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);

  add_dual ("floor-plan/opening-view", test_opening_view);
  add_dual ("floor-plan/zoom-buttons-and-keys", test_zoom_buttons_and_keys);
  add_dual ("floor-plan/drag-pans-tap-activates", test_drag_pans_tap_activates);
  add_dual ("floor-plan/desktop-keys-and-scroll", test_desktop_keys_and_scroll);
  return g_test_run ();
}
