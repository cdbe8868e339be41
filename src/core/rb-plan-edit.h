/* rb-plan-edit.h: what the plan editor edits — a copy of a floor's spaces (RbPlanSpace) — and
 * how an edit goes into the building document of the import/export (data/demo-building.json's
 * shape: {"site", "buildings", "floors", "spaces"}): the floor's spaces replaced, the floors
 * renamed, added and put in order. Pure functions on JSON, so the saving can be tested
 * without a window or a store. */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-floor.h"
#include "rb-space.h"

G_BEGIN_DECLS

/* Snapping of the plan editor: a quarter metre. */
#define RB_PLAN_SNAP 0.25

typedef struct
{
  char *id;
  RbSpaceKind kind;
  char *name;
  int capacity;
  RbAmenities amenities;
  RbRect rect;
  gboolean bookable;
  /* whether the editor set bookable; otherwise the document's value is kept */
  gboolean bookable_set;
  /* retired in the editor: left out of the document, so the import retires it */
  gboolean retired;
} RbPlanSpace;

RbPlanSpace *rb_plan_space_new (const char *id, RbSpaceKind kind, const char *name,
                                int capacity, const RbRect *rect);
RbPlanSpace *rb_plan_space_new_from_space (RbSpace *space);
RbPlanSpace *rb_plan_space_copy (const RbPlanSpace *space);
void rb_plan_space_free (RbPlanSpace *space);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbPlanSpace, rb_plan_space_free)

double rb_plan_snap (double metres);

/* One floor as the editor's floor list has it: the id of an existing floor, or a new one. */
typedef struct
{
  char *id;
  char *building_id;
  char *name;
  int level;
  int width;
  int height;
} RbPlanFloor;

RbPlanFloor *rb_plan_floor_new (const char *id, const char *building_id, const char *name,
                                int level, int width, int height);
RbPlanFloor *rb_plan_floor_new_from_floor (RbFloor *floor);
void rb_plan_floor_free (RbPlanFloor *floor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbPlanFloor, rb_plan_floor_free)

gboolean rb_building_document_set_floor_spaces (JsonNode *document, const char *floor_id,
                                                GPtrArray *spaces, GError **error);
gboolean rb_building_document_set_floors (JsonNode *document, GPtrArray *floors,
                                          GError **error);

G_END_DECLS
