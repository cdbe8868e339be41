/* rb-space.h: a bookable desk or room with its place on the floor plan. */
#pragma once

#include <glib-object.h>

#include "rb-types.h"

G_BEGIN_DECLS

/* A space's place on its floor, in metres from the floor's top left corner. */
typedef struct
{
  double x;
  double y;
  double w;
  double h;
} RbRect;

#define RB_TYPE_SPACE (rb_space_get_type ())
G_DECLARE_FINAL_TYPE (RbSpace, rb_space, RB, SPACE, GObject)

RbSpace *rb_space_new (const char *id, const char *floor_id, RbSpaceKind kind, const char *name,
                       int capacity, RbAmenities amenities, const RbRect *rect);

const char *rb_space_get_id (RbSpace *self);
const char *rb_space_get_floor_id (RbSpace *self);
RbSpaceKind rb_space_get_kind (RbSpace *self);
const char *rb_space_get_name (RbSpace *self);
int rb_space_get_capacity (RbSpace *self);
RbAmenities rb_space_get_amenities (RbSpace *self);
gboolean rb_space_has_amenities (RbSpace *self, RbAmenities wanted);
const RbRect *rb_space_get_rect (RbSpace *self);
char *rb_space_dup_amenities_label (RbSpace *self);
void rb_space_set_bookable (RbSpace *self, gboolean bookable);
gboolean rb_space_get_bookable (RbSpace *self);

G_END_DECLS
