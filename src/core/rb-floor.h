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

G_END_DECLS
