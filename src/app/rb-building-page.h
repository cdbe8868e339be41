/* rb-building-page.h: "Building" for administrators: the floors (add, rename, put in order,
 * set or remove the plan drawing) and the plan editor of the floor chosen. Saving goes through
 * the building file: export, the edit put in (rb-plan-edit.h), import. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"
#include "rb-plan-editor.h"

G_BEGIN_DECLS

#define RB_TYPE_BUILDING_PAGE (rb_building_page_get_type ())
G_DECLARE_FINAL_TYPE (RbBuildingPage, rb_building_page, RB, BUILDING_PAGE, AdwBin)

GtkWidget *rb_building_page_new (RbContext *context);
RbPlanEditor *rb_building_page_get_editor (RbBuildingPage *self);
JsonNode *rb_building_page_apply_edits (RbBuildingPage *self, JsonNode *document,
                                        GError **error);

G_END_DECLS
