/* rb-building.h: a building of a site. */
#pragma once

#include <glib-object.h>

#include "rb-types.h"

G_BEGIN_DECLS

#define RB_TYPE_BUILDING (rb_building_get_type ())
G_DECLARE_FINAL_TYPE (RbBuilding, rb_building, RB, BUILDING, GObject)

RbBuilding *rb_building_new (const char *id, const char *site_id, const char *name, const char *address);

const char *rb_building_get_id (RbBuilding *self);
const char *rb_building_get_site_id (RbBuilding *self);
const char *rb_building_get_name (RbBuilding *self);
const char *rb_building_get_address (RbBuilding *self);

G_END_DECLS
