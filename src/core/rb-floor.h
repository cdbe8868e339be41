/* rb-floor.h: a floor of a building, with the size of its plan in plan units. */
#pragma once

#include <glib-object.h>

#include "rb-types.h"

G_BEGIN_DECLS

#define RB_TYPE_FLOOR (rb_floor_get_type ())
G_DECLARE_FINAL_TYPE (RbFloor, rb_floor, RB, FLOOR, GObject)

RbFloor *rb_floor_new (const char *id, const char *building_id, const char *name, int level, int width, int height);

const char *rb_floor_get_id (RbFloor *self);
const char *rb_floor_get_building_id (RbFloor *self);
const char *rb_floor_get_name (RbFloor *self);
int rb_floor_get_level (RbFloor *self);
int rb_floor_get_width (RbFloor *self);
int rb_floor_get_height (RbFloor *self);
void rb_floor_set_position (RbFloor *self, int position);
int rb_floor_get_position (RbFloor *self);

/* Whether the floor has a plan drawing (its content type, or NULL) and when it was last set:
 * told with the floor, the drawing itself is fetched on its own. */
void rb_floor_set_plan (RbFloor *self, const char *content_type, gint64 updated_at);
const char *rb_floor_get_plan_content_type (RbFloor *self);
gint64 rb_floor_get_plan_updated_at (RbFloor *self);

/* A floor's plan drawing: SVG or PNG, at most this large. */
#define RB_PLAN_DRAWING_MAX_BYTES (5 * 1024 * 1024)

typedef struct
{
  char *content_type; /* "image/svg+xml" or "image/png" */
  GBytes *data;
  gint64 updated_at;
} RbPlanDrawing;

RbPlanDrawing *rb_plan_drawing_new (const char *content_type, GBytes *data, gint64 updated_at);
void rb_plan_drawing_free (RbPlanDrawing *drawing);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbPlanDrawing, rb_plan_drawing_free)

gboolean rb_plan_drawing_check (const char *content_type, GBytes *data, GError **error);

G_END_DECLS
