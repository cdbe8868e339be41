/* rb-floor-plan.c: lays out one button per space at its rectangle, under a view that zooms
 * and pans. A whole floor on a kiosk's screen makes desks smaller than a finger, so the plan
 * opens at the scale where the smallest side of every space is RB_FLOOR_PLAN_TOUCH_SIZE
 * pixels (or shows the whole floor, when it fits at that scale), on the biggest cluster of
 * spaces: the view that holds the most spaces whole. Not the free ones, which change with every
 * booking: the opening view stays put while a person looks, is the same for everyone, and the
 * idle reset (rb_floor_plan_reset_view) returns to it. From there
 * a person pinches, drags, double taps (in around the point, and at the closest back out to
 * the opening view) or uses the +, − and whole-floor buttons over the plan's corner; on a
 * desktop Ctrl+scroll zooms and scrolling pans; the keys + − 0 zoom while the plan has the
 * focus, and a space reached by Tab is panned into view. A drag pans and never activates the
 * space it started on: the drag claims the touch once it has moved PAN_THRESHOLD pixels,
 * which cancels the button's click; a shorter tap is the button's.
 *
 * Each space shows its state by icon, fill and pattern, and, as far as its size on screen
 * allows, its name and state in words: the name wraps at word boundaries, then shrinks to
 * NAME_SCALES' smallest, then loses words from its end ("Besprechung…"), never below its
 * first word; what does not fit is left out (zooming in shows it) and is always in the
 * space's accessible name. The state text keeps its size (14 pt on the kiosk).
 *
 * Under the buttons lies the floor's plan drawing, when it has one, stretched over the
 * floor's width and height in metres with the same scale and origin as the buttons, so walls
 * and rooms of the drawing meet the spaces, at every zoom. A PNG is decoded once and scaled;
 * an SVG is rendered (by gdk-pixbuf's SVG loader, librsvg) at the size in pixels it is drawn
 * at, up to RB_FLOOR_PLAN_DRAWING_LIMIT times the plan's size, on a worker thread, again
 * whenever that size changes by more than a fifth, so its lines stay sharp. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rb-floor-plan.h"

#include "rb-accessible.h"
#include "rb-space-row.h"

#define GAP 3
#define PAN_THRESHOLD 12
#define ZOOM_STEP 1.5
/* The closest view: this many times the opening view's scale. */
#define MAX_ZOOM 3.0
#define CONTROLS_MARGIN 12

static const double NAME_SCALES[] = { 1.0, 0.85, 0.72 };

/* What a space's button shows, fitted to its size on screen. */
typedef struct
{
  GtkWidget *icon;
  GtkWidget *name;
  GtkWidget *state;
  char **words;
  /* the size the labels were fitted to (-1 when they must be fitted again), and the size the
   * button has now */
  int width;
  int height;
  int allocated_width;
  int allocated_height;
} SpaceParts;

struct _RbFloorPlan
{
  GtkWidget parent_instance;

  RbFloor *floor;
  /* RbSpace id → its button; the button keeps the RbSpace as "rb-space" data. */
  GHashTable *buttons;
  /* the +, − and whole-floor buttons; always the last child, drawn over the spaces */
  GtkWidget *controls;
  /* the smallest side of any space, in units (0 without spaces) */
  double smallest_side;

  /* the view: pixels per unit and the floor's point (in units) at the plan's centre; until a
   * person moves it (view_moved), the opening view, again at every size */
  gboolean view_moved;
  double scale;
  double center_x;
  double center_y;
  /* the scales of the whole floor, of the opening view and of the closest view, at the size
   * last allocated */
  double fit_scale;
  double opening_scale;
  double max_scale;
  gboolean can_zoom_in;
  gboolean can_zoom_out;
  /* the tick that fits the spaces' labels to their new sizes (0: none due) */
  guint fit_tick;

  /* a drag: the centre when it began, and whether it pans (has claimed the touch) */
  double drag_center_x;
  double drag_center_y;
  gboolean panning;
  /* the last tap beside the spaces (0: none), for a double tap */
  guint32 last_tap_time;
  double last_tap_x;
  double last_tap_y;
  /* a pinch: the scale when it began and the floor's point under the fingers */
  gboolean pinching;
  double pinch_scale;
  double pinch_x;
  double pinch_y;
  /* the pointer, for Ctrl+scroll */
  double pointer_x;
  double pointer_y;

  /* the plan drawing: its bytes and type, and the texture drawn (an SVG's at texture_width x
   * texture_height pixels) */
  GBytes *drawing;
  char *drawing_type;
  GdkTexture *texture;
  int texture_width;
  int texture_height;
  GCancellable *render_cancellable;
  GCancellable *load_cancellable;
};

G_DEFINE_FINAL_TYPE (RbFloorPlan, rb_floor_plan, GTK_TYPE_WIDGET)

enum
{
  SPACE_ACTIVATED,
  DRAWING_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void render_svg (RbFloorPlan *self, int width, int height);

static void
space_parts_free (gpointer data)
{
  SpaceParts *parts = data;

  g_strfreev (parts->words);
  g_free (parts);
}

/* ---- the view ------------------------------------------------------------------------------- */

static double
floor_width (RbFloorPlan *self)
{
  return MAX (1, rb_floor_get_width (self->floor));
}

static double
floor_height (RbFloorPlan *self)
{
  return MAX (1, rb_floor_get_height (self->floor));
}

/* The whole floor's, the opening view's and the closest view's scale at width x height. */
static void
update_limits (RbFloorPlan *self, int width, int height)
{
  self->fit_scale = MAX (0.01, MIN (width / floor_width (self), height / floor_height (self)));
  self->opening_scale = self->fit_scale;
  if (self->smallest_side > 0)
    self->opening_scale = MAX (self->fit_scale,
                               (RB_FLOOR_PLAN_TOUCH_SIZE + GAP + 0.5) / self->smallest_side);
  self->max_scale = self->opening_scale * MAX_ZOOM;
}

static gboolean
rect_inside (const RbRect *r, double left, double top, double right, double bottom)
{
  return r->x >= left && r->y >= top && r->x + r->w <= right && r->y + r->h <= bottom;
}

/* The opening view's centre, for a view of width x height units: where the most spaces lie
 * whole in it (of the views centred on a space; the one nearer the floor's centre of equals),
 * on the middle of those spaces. It depends on the spaces' places, not on their states, so it
 * stays put while bookings come and go. */
static void
opening_center (RbFloorPlan *self, double width, double height)
{
  double middle_x = floor_width (self) / 2, middle_y = floor_height (self) / 2;
  double best_distance = G_MAXDOUBLE;
  guint best_count = 0;

  self->center_x = middle_x;
  self->center_y = middle_y;
  for (GtkWidget *a = gtk_widget_get_first_child (GTK_WIDGET (self)); a != NULL;
       a = gtk_widget_get_next_sibling (a))
    {
      RbSpace *space = g_object_get_data (G_OBJECT (a), "rb-space");
      const RbRect *r;
      double x, y, distance;
      double left = G_MAXDOUBLE, top = G_MAXDOUBLE, right = -G_MAXDOUBLE, bottom = -G_MAXDOUBLE;
      guint count = 0;

      if (space == NULL)
        continue;
      r = rb_space_get_rect (space);
      x = r->x + r->w / 2;
      y = r->y + r->h / 2;
      for (GtkWidget *b = gtk_widget_get_first_child (GTK_WIDGET (self)); b != NULL;
           b = gtk_widget_get_next_sibling (b))
        {
          RbSpace *other = g_object_get_data (G_OBJECT (b), "rb-space");
          const RbRect *o;

          if (other == NULL)
            continue;
          o = rb_space_get_rect (other);
          if (!rect_inside (o, x - width / 2, y - height / 2, x + width / 2, y + height / 2))
            continue;
          count++;
          left = MIN (left, o->x);
          top = MIN (top, o->y);
          right = MAX (right, o->x + o->w);
          bottom = MAX (bottom, o->y + o->h);
        }
      distance = hypot (x - middle_x, y - middle_y);
      if (count > best_count || (count == best_count && count > 0 && distance < best_distance))
        {
          best_count = count;
          best_distance = distance;
          self->center_x = (left + right) / 2;
          self->center_y = (top + bottom) / 2;
        }
    }
}

/* Keeps the scale within its limits and the floor on screen: a floor narrower (or lower) than
 * the plan is centred, a wider one never leaves a margin at its sides. */
static void
clamp_view (RbFloorPlan *self, int width, int height)
{
  double half_width, half_height;

  if (self->floor == NULL || width <= 0 || height <= 0)
    return;
  if (!self->view_moved)
    {
      self->scale = self->opening_scale;
      opening_center (self, width / self->scale, height / self->scale);
    }
  self->scale = CLAMP (self->scale, self->fit_scale, self->max_scale);
  half_width = width / 2.0 / self->scale;
  half_height = height / 2.0 / self->scale;
  if (2 * half_width >= floor_width (self))
    self->center_x = floor_width (self) / 2;
  else
    self->center_x = CLAMP (self->center_x, half_width, floor_width (self) - half_width);
  if (2 * half_height >= floor_height (self))
    self->center_y = floor_height (self) / 2;
  else
    self->center_y = CLAMP (self->center_y, half_height, floor_height (self) - half_height);
}

static gboolean
zoom_in_possible (RbFloorPlan *self)
{
  return self->scale < self->max_scale * 0.999;
}

static gboolean
zoom_out_possible (RbFloorPlan *self)
{
  return self->scale > self->fit_scale * 1.001;
}

static void
update_actions (RbFloorPlan *self)
{
  gboolean can_zoom_in = zoom_in_possible (self);
  gboolean can_zoom_out = zoom_out_possible (self);

  if (can_zoom_in != self->can_zoom_in)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.zoom-in", can_zoom_in);
  if (can_zoom_out != self->can_zoom_out)
    {
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.zoom-out", can_zoom_out);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "plan.zoom-fit", can_zoom_out);
    }
  self->can_zoom_in = can_zoom_in;
  self->can_zoom_out = can_zoom_out;
}

/* Applies a view a person chose (clamped at once, so its limits show on the buttons). */
static void
move_view (RbFloorPlan *self, double scale, double center_x, double center_y)
{
  if (self->floor == NULL)
    return;
  self->view_moved = TRUE;
  self->scale = scale;
  self->center_x = center_x;
  self->center_y = center_y;
  clamp_view (self, gtk_widget_get_width (GTK_WIDGET (self)),
              gtk_widget_get_height (GTK_WIDGET (self)));
  update_actions (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* Zooms by factor, keeping the floor's point under (x, y) (in the plan's pixels) in place. */
static void
zoom_at (RbFloorPlan *self, double factor, double x, double y)
{
  double half_width = gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
  double half_height = gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
  double scale;
  double floor_x, floor_y;

  if (self->floor == NULL || self->scale <= 0)
    return;
  scale = CLAMP (self->scale * factor, self->fit_scale, self->max_scale);
  floor_x = self->center_x + (x - half_width) / self->scale;
  floor_y = self->center_y + (y - half_height) / self->scale;
  move_view (self, scale, floor_x - (x - half_width) / scale,
             floor_y - (y - half_height) / scale);
}

static void
zoom_in_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  zoom_at (RB_FLOOR_PLAN (widget), ZOOM_STEP, gtk_widget_get_width (widget) / 2.0,
           gtk_widget_get_height (widget) / 2.0);
}

static void
zoom_out_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  zoom_at (RB_FLOOR_PLAN (widget), 1 / ZOOM_STEP, gtk_widget_get_width (widget) / 2.0,
           gtk_widget_get_height (widget) / 2.0);
}

static void
zoom_fit_action (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);

  if (self->floor != NULL)
    move_view (self, self->fit_scale, floor_width (self) / 2, floor_height (self) / 2);
}

/* Back to the opening view (for the kiosk's idle reset, and a new floor). */
void
rb_floor_plan_reset_view (RbFloorPlan *self)
{
  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  self->view_moved = FALSE;
  clamp_view (self, gtk_widget_get_width (GTK_WIDGET (self)),
              gtk_widget_get_height (GTK_WIDGET (self)));
  update_actions (self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* ---- gestures ------------------------------------------------------------------------------- */

static void
on_drag_begin_cb (GtkGestureDrag *gesture, double x, double y, RbFloorPlan *self)
{
  self->drag_center_x = self->center_x;
  self->drag_center_y = self->center_y;
  self->panning = FALSE;
}

static void
on_drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, RbFloorPlan *self)
{
  if (self->pinching || self->scale <= 0)
    return;
  if (!self->panning)
    {
      if (hypot (dx, dy) < PAN_THRESHOLD)
        return;
      /* From here it is a drag: the space it started on must not take it as a tap. */
      self->panning = TRUE;
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
    }
  move_view (self, self->scale, self->drag_center_x - dx / self->scale,
             self->drag_center_y - dy / self->scale);
}

/* Beside the spaces and the buttons, on the floor itself. */
static gboolean
is_ground (RbFloorPlan *self, double x, double y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);

  for (; picked != NULL && picked != GTK_WIDGET (self); picked = gtk_widget_get_parent (picked))
    if (picked == self->controls || g_object_get_data (G_OBJECT (picked), "rb-space") != NULL)
      return FALSE;
  return picked != NULL;
}

/* A drag that did not pan is a tap. Two taps beside the spaces, close in time and place, zoom
 * in around their point; at the closest view they go back to the opening view. (A tap on a
 * space books it at once, so it has no double tap.) The drag sees every touch, also the first
 * after a drag it claimed, so it counts the taps rather than a GtkGestureClick. */
static void
on_drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, RbFloorPlan *self)
{
  guint32 time = gtk_event_controller_get_current_event_time (GTK_EVENT_CONTROLLER (gesture));
  gboolean tap = !self->panning && !self->pinching;
  int double_click_time = 400;
  double x, y;

  self->panning = FALSE;
  if (!tap || !gtk_gesture_drag_get_start_point (gesture, &x, &y) || !is_ground (self, x, y))
    {
      self->last_tap_time = 0;
      return;
    }
  g_object_get (gtk_widget_get_settings (GTK_WIDGET (self)), "gtk-double-click-time",
                &double_click_time, NULL);
  if (self->last_tap_time != 0 && time - self->last_tap_time <= (guint32) double_click_time
      && hypot (x - self->last_tap_x, y - self->last_tap_y) <= PAN_THRESHOLD * 2)
    {
      self->last_tap_time = 0;
      if (self->can_zoom_in)
        zoom_at (self, 2, x, y);
      else
        rb_floor_plan_reset_view (self);
      return;
    }
  self->last_tap_time = time;
  self->last_tap_x = x;
  self->last_tap_y = y;
}

static void
on_pinch_begin_cb (GtkGesture *gesture, GdkEventSequence *sequence, RbFloorPlan *self)
{
  double x, y;

  if (self->scale <= 0 || !gtk_gesture_get_bounding_box_center (gesture, &x, &y))
    return;
  self->pinching = TRUE;
  self->pinch_scale = self->scale;
  self->pinch_x = self->center_x + (x - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0) / self->scale;
  self->pinch_y
      = self->center_y + (y - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0) / self->scale;
  /* Two fingers are never a tap. */
  gtk_gesture_set_state (gesture, GTK_EVENT_SEQUENCE_CLAIMED);
}

/* The floor's point under the fingers when they met stays under them as they move. */
static void
on_pinch_scale_changed_cb (GtkGestureZoom *gesture, double delta, RbFloorPlan *self)
{
  double x, y, scale;

  if (!self->pinching || !gtk_gesture_get_bounding_box_center (GTK_GESTURE (gesture), &x, &y))
    return;
  scale = CLAMP (self->pinch_scale * delta, self->fit_scale, self->max_scale);
  move_view (self, scale,
             self->pinch_x - (x - gtk_widget_get_width (GTK_WIDGET (self)) / 2.0) / scale,
             self->pinch_y - (y - gtk_widget_get_height (GTK_WIDGET (self)) / 2.0) / scale);
}

static void
on_pinch_end_cb (GtkGesture *gesture, GdkEventSequence *sequence, RbFloorPlan *self)
{
  self->pinching = FALSE;
}

static void
on_motion_cb (GtkEventControllerMotion *motion, double x, double y, RbFloorPlan *self)
{
  self->pointer_x = x;
  self->pointer_y = y;
}

/* Ctrl+scroll zooms around the pointer; scrolling pans a floor larger than the plan. */
static gboolean
on_scroll_cb (GtkEventControllerScroll *scroll, double dx, double dy, RbFloorPlan *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  gboolean wheel = gtk_event_controller_scroll_get_unit (scroll) == GDK_SCROLL_UNIT_WHEEL;

  if (self->floor == NULL || self->scale <= 0)
    return FALSE;
  if (state & GDK_CONTROL_MASK)
    {
      zoom_at (self, pow (1.25, -(wheel ? dy : dy / 20)), self->pointer_x, self->pointer_y);
      return TRUE;
    }
  if (!self->can_zoom_out)
    return FALSE;
  move_view (self, self->scale, self->center_x + dx * (wheel ? 48 : 1) / self->scale,
             self->center_y + dy * (wheel ? 48 : 1) / self->scale);
  return TRUE;
}

/* ---- layout --------------------------------------------------------------------------------- */

/* It pans what does not fit: it asks for room for its buttons, and for its floor at 32 px per
 * unit (1 m) where there is room. */
static void
rb_floor_plan_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                       int *natural, int *minimum_baseline, int *natural_baseline)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);
  int controls;

  if (self->floor == NULL)
    {
      *minimum = *natural = 0;
      return;
    }
  gtk_widget_measure (self->controls, orientation, -1, &controls, NULL, NULL, NULL);
  *minimum = controls + 2 * CONTROLS_MARGIN;
  *natural = MAX (*minimum, 32 * (orientation == GTK_ORIENTATION_HORIZONTAL
                                      ? rb_floor_get_width (self->floor)
                                      : rb_floor_get_height (self->floor)));
}

static void
set_label_scale (GtkWidget *label, double scale)
{
  g_autoptr (PangoAttrList) attributes = NULL;

  if (scale < 1)
    {
      attributes = pango_attr_list_new ();
      pango_attr_list_insert (attributes, pango_attr_scale_new (scale));
    }
  gtk_label_set_attributes (GTK_LABEL (label), attributes);
}

static gboolean
button_fits (GtkWidget *button, int width, int height)
{
  int min_width, min_height;

  gtk_widget_measure (button, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
  if (min_width > width)
    return FALSE;
  gtk_widget_measure (button, GTK_ORIENTATION_VERTICAL, width, &min_height, NULL, NULL, NULL);
  return min_height <= height;
}

/* Tries the name's first n_words (all of them whole; fewer end in "…") with and without the
 * state, at each of NAME_SCALES, with the icon (when icon_fits) and without, until the button
 * fits width x height. */
static gboolean
fit_name (GtkWidget *button, SpaceParts *parts, guint n_words, gboolean icon_fits, int width,
          int height)
{
  guint all = g_strv_length (parts->words);
  g_autoptr (GString) text = g_string_new (NULL);
  gboolean has_state = *gtk_label_get_label (GTK_LABEL (parts->state)) != '\0';

  for (guint i = 0; i < n_words; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? " " : "", parts->words[i]);
  if (n_words < all)
    {
      /* TRANSLATORS: a space's name cut short after a word on the floor plan, e.g.
       * "Meeting…" */
      g_autofree char *shortened = g_strdup_printf (_("%s…"), text->str);

      gtk_label_set_label (GTK_LABEL (parts->name), shortened);
    }
  else
    gtk_label_set_label (GTK_LABEL (parts->name), text->str);
  gtk_widget_set_visible (parts->name, TRUE);
  for (int with_state = has_state; with_state >= 0; with_state--)
    {
      gtk_widget_set_visible (parts->state, with_state);
      for (guint i = 0; i < G_N_ELEMENTS (NAME_SCALES); i++)
        {
          set_label_scale (parts->name, NAME_SCALES[i]);
          /* The state in words makes the icon beside the name a repetition, which gives way
           * before the name shrinks further. */
          for (int with_icon = icon_fits; with_icon >= (with_state ? 0 : icon_fits); with_icon--)
            {
              gtk_widget_set_visible (parts->icon, with_icon);
              if (button_fits (button, width, height))
                return TRUE;
            }
        }
    }
  gtk_widget_set_visible (parts->icon, icon_fits);
  return FALSE;
}

/* Fits what the button shows to width x height: an icon as large as the button allows, then
 * as much of its name, in words, and its state as fit (see the top of this file). */
static void
fit_space (GtkWidget *button, SpaceParts *parts, int width, int height)
{
  int icon_size = MIN (24, MIN (width, height) - 8);
  guint n_words = g_strv_length (parts->words);

  if (parts->width == width && parts->height == height)
    return;
  parts->width = width;
  parts->height = height;
  gtk_widget_set_visible (parts->icon, icon_size >= 8);
  gtk_image_set_pixel_size (GTK_IMAGE (parts->icon), MAX (icon_size, 8));
  for (guint n = n_words; n >= 1; n--)
    if (fit_name (button, parts, n, icon_size >= 8, width, height))
      return;
  set_label_scale (parts->name, 1);
  gtk_widget_set_visible (parts->name, FALSE);
  gtk_widget_set_visible (parts->state, *gtk_label_get_label (GTK_LABEL (parts->state)) != '\0');
  if (!button_fits (button, width, height))
    gtk_widget_set_visible (parts->state, FALSE);
}

/* Fits the labels of the spaces whose size changed, and sets the zoom buttons' sensitivity.
 * Not in the allocation: what a label shows changes its size, which must not be asked for
 * while the window is being laid out; here, in the frame's update phase, the layout that
 * follows takes it in (the frame before showed the labels as they were, at the new size). */
static gboolean
fit_spaces_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);

  self->fit_tick = 0;
  update_actions (self);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      SpaceParts *parts = g_object_get_data (G_OBJECT (child), "rb-parts");

      if (parts != NULL && parts->allocated_width > 0)
        fit_space (child, parts, parts->allocated_width, parts->allocated_height);
    }
  gtk_widget_queue_allocate (widget);
  return G_SOURCE_REMOVE;
}

static void
rb_floor_plan_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);
  int scale_factor = gtk_widget_get_scale_factor (widget);
  GtkRequisition controls;
  double x0, y0;

  if (self->floor == NULL)
    return;
  update_limits (self, width, height);
  clamp_view (self, width, height);
  /* The buttons' sensitivity follows in the next frame (see fit_spaces_cb). */
  if ((zoom_in_possible (self) != self->can_zoom_in || zoom_out_possible (self) != self->can_zoom_out)
      && self->fit_tick == 0)
    self->fit_tick = gtk_widget_add_tick_callback (widget, fit_spaces_cb, NULL, NULL);
  x0 = width / 2.0 - self->center_x * self->scale;
  y0 = height / 2.0 - self->center_y * self->scale;

  if (self->drawing != NULL && g_str_equal (self->drawing_type, "image/svg+xml"))
    {
      /* at its size on screen, but no larger than the limit (and then scaled up) */
      double drawn_width = self->scale * floor_width (self) * scale_factor;
      double drawn_height = self->scale * floor_height (self) * scale_factor;
      double shrink = MIN (1.0, MIN (RB_FLOOR_PLAN_DRAWING_LIMIT * width * scale_factor / drawn_width,
                                     RB_FLOOR_PLAN_DRAWING_LIMIT * height * scale_factor
                                         / drawn_height));

      if (fabs (drawn_width * shrink - self->texture_width) > drawn_width * shrink / 5)
        render_svg (self, (int) (drawn_width * shrink), (int) (drawn_height * shrink));
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RbSpace *space = g_object_get_data (G_OBJECT (child), "rb-space");
      const RbRect *r;
      GtkAllocation allocation;
      SpaceParts *parts;
      int min_width, min_height;

      if (space == NULL)
        continue;
      r = rb_space_get_rect (space);
      allocation.x = (int) (x0 + r->x * self->scale) + GAP / 2;
      allocation.y = (int) (y0 + r->y * self->scale) + GAP / 2;
      allocation.width = MAX (1, (int) (r->w * self->scale) - GAP);
      allocation.height = MAX (1, (int) (r->h * self->scale) - GAP);
      parts = g_object_get_data (G_OBJECT (child), "rb-parts");
      parts->allocated_width = allocation.width;
      parts->allocated_height = allocation.height;
      if ((parts->width != allocation.width || parts->height != allocation.height)
          && self->fit_tick == 0)
        self->fit_tick = gtk_widget_add_tick_callback (widget, fit_spaces_cb, NULL, NULL);
      /* Children must be measured before they are allocated. */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, allocation.width, &min_height, NULL,
                          NULL, NULL);
      gtk_widget_size_allocate (child, &allocation, -1);
    }

  gtk_widget_get_preferred_size (self->controls, &controls, NULL);
  gtk_widget_size_allocate (self->controls,
                            &(GtkAllocation){ width - controls.width - CONTROLS_MARGIN,
                                              height - controls.height - CONTROLS_MARGIN,
                                              controls.width, controls.height },
                            -1);
}

/* The drawing under the buttons, over the floor's rectangle at the buttons' scale. */
static void
rb_floor_plan_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);

  if (self->texture != NULL && self->floor != NULL && self->scale > 0)
    {
      double x0 = gtk_widget_get_width (widget) / 2.0 - self->center_x * self->scale;
      double y0 = gtk_widget_get_height (widget) / 2.0 - self->center_y * self->scale;

      gtk_snapshot_append_texture (snapshot, self->texture,
                                   &GRAPHENE_RECT_INIT ((int) x0, (int) y0,
                                                        (int) (self->scale * floor_width (self)),
                                                        (int) (self->scale * floor_height (self))));
    }
  GTK_WIDGET_CLASS (rb_floor_plan_parent_class)->snapshot (widget, snapshot);
}

/* A space reached by Tab is panned into view. (Taps do not focus spaces.) */
static void
rb_floor_plan_set_focus_child (GtkWidget *widget, GtkWidget *child)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);
  RbSpace *space = child != NULL ? g_object_get_data (G_OBJECT (child), "rb-space") : NULL;

  GTK_WIDGET_CLASS (rb_floor_plan_parent_class)->set_focus_child (widget, child);
  if (space != NULL && self->scale > 0)
    {
      const RbRect *r = rb_space_get_rect (space);
      double half_width = gtk_widget_get_width (widget) / 2.0 / self->scale;
      double half_height = gtk_widget_get_height (widget) / 2.0 / self->scale;

      if (r->x < self->center_x - half_width || r->x + r->w > self->center_x + half_width
          || r->y < self->center_y - half_height || r->y + r->h > self->center_y + half_height)
        move_view (self, self->scale, r->x + r->w / 2.0, r->y + r->h / 2.0);
    }
}

/* ---- the drawing ---------------------------------------------------------------------------- */

static void
on_svg_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);
  RbFloorPlan *self;

  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The floor's plan drawing cannot be shown: %s", error->message);
      return;
    }
  self = RB_FLOOR_PLAN (user_data);
  g_clear_object (&self->texture);
  self->texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Renders the SVG at width x height pixels, unless it is (being) rendered at that size. */
static void
render_svg (RbFloorPlan *self, int width, int height)
{
  g_autoptr (GInputStream) stream = NULL;

  if (width <= 0 || height <= 0 || (width == self->texture_width && height == self->texture_height))
    return;
  self->texture_width = width;
  self->texture_height = height;
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  stream = g_memory_input_stream_new_from_bytes (self->drawing);
  /* The callback's widget is alive: dispose cancels, and a cancelled result never touches it. */
  gdk_pixbuf_new_from_stream_at_scale_async (stream, width, height, FALSE,
                                             self->render_cancellable, on_svg_rendered_cb, self);
}

/* ---- the spaces ----------------------------------------------------------------------------- */

static void
on_space_clicked_cb (GtkButton *button, RbFloorPlan *self)
{
  g_signal_emit (self, signals[SPACE_ACTIVATED], 0,
                 g_object_get_data (G_OBJECT (button), "rb-space"));
}

static GtkWidget *
make_wrapping_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (label, css_class);
  return label;
}

/* The name's words, without empty ones. */
static char **
split_words (const char *name)
{
  g_auto (GStrv) parts = g_strsplit (name, " ", -1);
  g_autoptr (GStrvBuilder) words = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (words, parts[i]);
  return g_strv_builder_end (words);
}

static GtkWidget *
make_space_button (RbFloorPlan *self, RbSpace *space)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  SpaceParts *parts = g_new0 (SpaceParts, 1);
  g_autofree char *name = rb_space_dup_display_name (space);

  /* the icon adds nothing to the button's name, which says the space and its state */
  parts->icon
      = g_object_new (GTK_TYPE_IMAGE, "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
  parts->name = make_wrapping_label ("rb-plan-name");
  parts->state = make_wrapping_label ("rb-plan-state");
  parts->words = split_words (rb_space_get_name (space));
  parts->width = parts->height = -1;
  gtk_widget_set_visible (parts->state, FALSE);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (top, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (top), parts->icon);
  gtk_box_append (GTK_BOX (top), parts->name);
  gtk_box_append (GTK_BOX (box), top);
  gtk_box_append (GTK_BOX (box), parts->state);
  gtk_button_set_child (GTK_BUTTON (button), box);
  /* A tap books; only Tab focuses a space, and pans it into view. */
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_add_css_class (button, "rb-plan-space");
  gtk_widget_add_css_class (button, rb_space_get_kind (space) == RB_SPACE_KIND_DESK ? "rb-plan-desk"
                                                                                   : "rb-plan-room");
  rb_accessible_set_label (GTK_WIDGET (button), name);
  g_object_set_data_full (G_OBJECT (button), "rb-space", g_object_ref (space), g_object_unref);
  g_object_set_data_full (G_OBJECT (button), "rb-parts", parts, space_parts_free);
  g_signal_connect (button, "clicked", G_CALLBACK (on_space_clicked_cb), self);
  return button;
}

static void
remove_spaces (RbFloorPlan *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL
         && child != self->controls)
    gtk_widget_unparent (child);
  g_hash_table_remove_all (self->buttons);
}

void
rb_floor_plan_set_spaces (RbFloorPlan *self, RbFloor *floor, GPtrArray *spaces)
{
  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  remove_spaces (self);
  /* Another floor's drawing must not lie under this one's spaces while its own loads, and
   * another floor opens at its own opening view. */
  if (self->floor == NULL || floor == NULL
      || g_strcmp0 (rb_floor_get_id (self->floor), rb_floor_get_id (floor)) != 0)
    {
      rb_floor_plan_set_drawing (self, NULL, NULL);
      self->view_moved = FALSE;
    }
  g_set_object (&self->floor, floor);
  gtk_widget_set_visible (self->controls, floor != NULL);

  self->smallest_side = 0;
  for (guint i = 0; spaces != NULL && i < spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (spaces, i);
      const RbRect *r = rb_space_get_rect (space);
      GtkWidget *button = make_space_button (self, space);

      if (MIN (r->w, r->h) > 0)
        self->smallest_side = self->smallest_side > 0 ? MIN (self->smallest_side, MIN (r->w, r->h))
                                                      : MIN (r->w, r->h);
      gtk_widget_insert_before (button, GTK_WIDGET (self), self->controls);
      g_hash_table_insert (self->buttons, g_strdup (rb_space_get_id (space)), button);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Updates one space in place, so live updates never rebuild (and never flicker). */
void
rb_floor_plan_set_state (RbFloorPlan *self, RbSpace *space, const char *state_text,
                         const char *icon_name, const char *css_class)
{
  static const char *const state_classes[] = { "rb-free", "rb-busy", "rb-checked-in" };
  GtkWidget *button;
  SpaceParts *parts;
  g_autofree char *name = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  button = g_hash_table_lookup (self->buttons, rb_space_get_id (space));
  if (button == NULL)
    return;
  parts = g_object_get_data (G_OBJECT (button), "rb-parts");
  if (g_strcmp0 (gtk_label_get_label (GTK_LABEL (parts->state)), state_text) != 0)
    {
      gtk_label_set_label (GTK_LABEL (parts->state), state_text);
      /* fitted again at the next allocation */
      parts->width = parts->height = -1;
      gtk_widget_queue_allocate (GTK_WIDGET (self));
    }
  gtk_image_set_from_icon_name (GTK_IMAGE (parts->icon), icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (button, state_classes[i]);
  gtk_widget_add_css_class (button, css_class);

  name = rb_space_dup_display_name (space);
  /* TRANSLATORS: accessible name of a space on the floor plan: name and state. */
  accessible = g_strdup_printf (_("%s: %s"), name, state_text);
  rb_accessible_set_label (GTK_WIDGET (button), accessible);
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
rb_floor_plan_dispose (GObject *object)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (object);

  if (self->fit_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->fit_tick);
  self->fit_tick = 0;
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->drawing, g_bytes_unref);
  g_clear_pointer (&self->drawing_type, g_free);

  if (self->buttons != NULL)
    remove_spaces (self);
  g_clear_pointer (&self->controls, gtk_widget_unparent);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  g_clear_object (&self->floor);

  G_OBJECT_CLASS (rb_floor_plan_parent_class)->dispose (object);
}

static void
rb_floor_plan_class_init (RbFloorPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const guint zoom_in_keys[] = { GDK_KEY_plus, GDK_KEY_KP_Add, GDK_KEY_equal };
  static const guint zoom_out_keys[] = { GDK_KEY_minus, GDK_KEY_KP_Subtract };
  static const guint zoom_fit_keys[] = { GDK_KEY_0, GDK_KEY_KP_0 };

  object_class->dispose = rb_floor_plan_dispose;
  widget_class->measure = rb_floor_plan_measure;
  widget_class->size_allocate = rb_floor_plan_size_allocate;
  widget_class->snapshot = rb_floor_plan_snapshot;
  widget_class->set_focus_child = rb_floor_plan_set_focus_child;
  gtk_widget_class_set_css_name (widget_class, "rbfloorplan");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  gtk_widget_class_install_action (widget_class, "plan.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "plan.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "plan.zoom-fit", NULL, zoom_fit_action);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_in_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_in_keys[i], 0, "plan.zoom-in", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_out_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_out_keys[i], 0, "plan.zoom-out", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (zoom_fit_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_fit_keys[i], 0, "plan.zoom-fit", NULL);

  signals[SPACE_ACTIVATED] = g_signal_new ("space-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, RB_TYPE_SPACE);
  signals[DRAWING_LOADED] = g_signal_new ("drawing-loaded", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static GtkWidget *
make_control (const char *icon_name, const char *action_name, const char *label)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon_name);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_widget_set_focus_on_click (button, FALSE);
  gtk_widget_add_css_class (button, "osd");
  rb_accessible_set_label (GTK_WIDGET (button), label);
  return button;
}

static void
rb_floor_plan_init (RbFloorPlan *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *pinch = gtk_gesture_zoom_new ();
  GtkEventController *scroll
      = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->can_zoom_in = self->can_zoom_out = TRUE;
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  self->controls = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_widget_add_css_class (self->controls, "rb-plan-zoom");
  gtk_box_append (GTK_BOX (self->controls),
                  make_control ("list-add-symbolic", "plan.zoom-in", _("Zoom in")));
  gtk_box_append (GTK_BOX (self->controls),
                  make_control ("list-remove-symbolic", "plan.zoom-out", _("Zoom out")));
  gtk_box_append (GTK_BOX (self->controls),
                  make_control ("zoom-fit-best-symbolic", "plan.zoom-fit", _("Show whole floor")));
  gtk_widget_set_visible (self->controls, FALSE);
  gtk_widget_set_parent (self->controls, GTK_WIDGET (self));

  /* Before the buttons see the touch, so a drag that starts on a space can claim it. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (pinch), GTK_PHASE_CAPTURE);
  g_signal_connect (pinch, "begin", G_CALLBACK (on_pinch_begin_cb), self);
  g_signal_connect (pinch, "scale-changed", G_CALLBACK (on_pinch_scale_changed_cb), self);
  g_signal_connect (pinch, "end", G_CALLBACK (on_pinch_end_cb), self);
  g_signal_connect (pinch, "cancel", G_CALLBACK (on_pinch_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (pinch));

  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion_cb), self);
  g_signal_connect (motion, "enter", G_CALLBACK (on_motion_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
}

GtkWidget *
rb_floor_plan_new (void)
{
  return g_object_new (RB_TYPE_FLOOR_PLAN, NULL);
}

/* Lays data (image/png or image/svg+xml) under the spaces; NULL takes the drawing away. */
void
rb_floor_plan_set_drawing (RbFloorPlan *self, GBytes *data, const char *content_type)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  if (data != NULL && self->drawing != NULL && g_bytes_equal (data, self->drawing)
      && g_strcmp0 (content_type, self->drawing_type) == 0)
    return;
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->drawing, g_bytes_unref);
  g_clear_pointer (&self->drawing_type, g_free);
  self->texture_width = self->texture_height = 0;

  if (data != NULL && g_strcmp0 (content_type, "image/png") == 0)
    {
      self->texture = gdk_texture_new_from_bytes (data, &error);
      if (self->texture == NULL)
        g_warning ("The floor's plan drawing cannot be shown: %s", error->message);
    }
  if (data != NULL && (self->texture != NULL || g_strcmp0 (content_type, "image/svg+xml") == 0))
    {
      self->drawing = g_bytes_ref (data);
      self->drawing_type = g_strdup (content_type);
    }
  if (self->drawing != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "rb-has-drawing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rb-has-drawing");
  /* An SVG is rendered at its size in the next allocation. */
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drawing_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr (GBytes) data = rb_client_service_get_floor_plan_finish (
      RB_CLIENT_SERVICE (source), result, &content_type, &error);
  RbFloorPlan *self;

  if (error != NULL)
    {
      /* Without the drawing the plan is still a plan: its spaces stay usable. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No plan drawing: %s", error->message);
      return;
    }
  self = RB_FLOOR_PLAN (user_data);
  rb_floor_plan_set_drawing (self, data, content_type);
  g_signal_emit (self, signals[DRAWING_LOADED], 0);
}

/* Fetches the drawing of the floor set last (rb_floor_plan_set_spaces) through service and lays
 * it under the spaces; emits "drawing-loaded" when it is there (or the floor has none). */
void
rb_floor_plan_load_drawing (RbFloorPlan *self, RbClientService *service)
{
  g_return_if_fail (RB_IS_FLOOR_PLAN (self));
  g_return_if_fail (RB_IS_CLIENT_SERVICE (service));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->floor == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  rb_client_service_get_floor_plan_async (service, rb_floor_get_id (self->floor),
                                          self->load_cancellable, on_drawing_loaded_cb, self);
}

/* ---- for tests ------------------------------------------------------------------------------ */

/* The texture drawn under the spaces, or NULL. */
GdkTexture *
rb_floor_plan_get_texture (RbFloorPlan *self)
{
  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), NULL);
  return self->texture;
}

/* Pixels per unit (1 m) now; 0 before the plan has a floor and a size. */
double
rb_floor_plan_get_scale (RbFloorPlan *self)
{
  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), 0);
  return self->scale;
}

/* The scale that shows the whole floor, at the plan's size. */
double
rb_floor_plan_get_min_scale (RbFloorPlan *self)
{
  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), 0);
  return self->fit_scale;
}

double
rb_floor_plan_get_max_scale (RbFloorPlan *self)
{
  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), 0);
  return self->max_scale;
}

/* The name (or the part of it) that the space with this id shows, or NULL when it shows none. */
const char *
rb_floor_plan_get_shown_name (RbFloorPlan *self, const char *space_id)
{
  GtkWidget *button;
  SpaceParts *parts;

  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), NULL);

  button = g_hash_table_lookup (self->buttons, space_id);
  if (button == NULL)
    return NULL;
  parts = g_object_get_data (G_OBJECT (button), "rb-parts");
  return gtk_widget_get_visible (parts->name) ? gtk_label_get_label (GTK_LABEL (parts->name))
                                              : NULL;
}
