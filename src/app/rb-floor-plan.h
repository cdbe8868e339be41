/* rb-floor-plan.h: a floor drawn from its spaces' rectangles over its plan drawing; every
 * space is a button that says its state in words and by icon. The plan zooms and pans (pinch,
 * drag, double tap, Ctrl+scroll, its own +/− buttons and the keys + − 0). */
#pragma once

#include <gtk/gtk.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_FLOOR_PLAN (rb_floor_plan_get_type ())
G_DECLARE_FINAL_TYPE (RbFloorPlan, rb_floor_plan, RB, FLOOR_PLAN, GtkWidget)

/* The opening view makes the smallest side of every space at least this many pixels. */
#define RB_FLOOR_PLAN_TOUCH_SIZE 48
/* An SVG drawing is rendered at most this many times the plan's own size (in each direction). */
#define RB_FLOOR_PLAN_DRAWING_LIMIT 2

GtkWidget *rb_floor_plan_new (void);
void rb_floor_plan_set_spaces (RbFloorPlan *self, RbFloor *floor, GPtrArray *spaces);
void rb_floor_plan_set_state (RbFloorPlan *self, RbSpace *space, const char *state_text,
                              const char *icon_name, const char *css_class);
void rb_floor_plan_set_drawing (RbFloorPlan *self, GBytes *data, const char *content_type);
void rb_floor_plan_load_drawing (RbFloorPlan *self, RbClientService *service);
void rb_floor_plan_reset_view (RbFloorPlan *self);

/* For tests: the drawing's texture, the scale in pixels per unit and the bounds it moves in,
 * and the name a space shows (NULL when it shows none). */
GdkTexture *rb_floor_plan_get_texture (RbFloorPlan *self);
double rb_floor_plan_get_scale (RbFloorPlan *self);
double rb_floor_plan_get_min_scale (RbFloorPlan *self);
double rb_floor_plan_get_max_scale (RbFloorPlan *self);
const char *rb_floor_plan_get_shown_name (RbFloorPlan *self, const char *space_id);

G_END_DECLS
