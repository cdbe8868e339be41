/* rb-floor-plan.h: a floor drawn from its spaces' rectangles over its plan drawing; every
 * space is a button that says its state in words and by icon. */
#pragma once

#include <gtk/gtk.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_FLOOR_PLAN (rb_floor_plan_get_type ())
G_DECLARE_FINAL_TYPE (RbFloorPlan, rb_floor_plan, RB, FLOOR_PLAN, GtkWidget)

/* The plan is scaled to fit; below this many pixels per unit (1 m) it stops shrinking. */
#define RB_FLOOR_PLAN_MIN_UNIT 10

GtkWidget *rb_floor_plan_new (void);
void rb_floor_plan_set_spaces (RbFloorPlan *self, RbFloor *floor, GPtrArray *spaces);
void rb_floor_plan_set_state (RbFloorPlan *self, RbSpace *space, const char *state_text,
                              const char *icon_name, const char *css_class);
void rb_floor_plan_set_drawing (RbFloorPlan *self, GBytes *data, const char *content_type);
void rb_floor_plan_load_drawing (RbFloorPlan *self, RbClientService *service);
GdkTexture *rb_floor_plan_get_texture (RbFloorPlan *self);

G_END_DECLS
