/* rb-plan-editor.h: an administrator's editor of one floor's spaces: add, move and resize by
 * dragging (snapped to a quarter metre) or by keyboard, retire, rename and set what a space
 * offers, with undo. It edits a copy (RbPlanSpace) and never saves; the Building page does. */
#pragma once

#include <gtk/gtk.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_PLAN_EDITOR (rb_plan_editor_get_type ())
G_DECLARE_FINAL_TYPE (RbPlanEditor, rb_plan_editor, RB, PLAN_EDITOR, GtkWidget)

GtkWidget *rb_plan_editor_new (void);
void rb_plan_editor_set_floor (RbPlanEditor *self, RbFloor *floor, GPtrArray *spaces);
void rb_plan_editor_set_drawing (RbPlanEditor *self, GdkTexture *texture);
GPtrArray *rb_plan_editor_get_spaces (RbPlanEditor *self);
RbPlanSpace *rb_plan_editor_get_selected (RbPlanEditor *self);
gboolean rb_plan_editor_select (RbPlanEditor *self, const char *space_id);
GtkWidget *rb_plan_editor_get_space_widget (RbPlanEditor *self, const char *space_id);
gboolean rb_plan_editor_get_modified (RbPlanEditor *self);
guint rb_plan_editor_get_undo_depth (RbPlanEditor *self);

RbPlanSpace *rb_plan_editor_add_space (RbPlanEditor *self, RbSpaceKind kind);
void rb_plan_editor_move_selected (RbPlanEditor *self, double dx, double dy);
void rb_plan_editor_resize_selected (RbPlanEditor *self, double dw, double dh);
void rb_plan_editor_retire_selected (RbPlanEditor *self);
void rb_plan_editor_set_selected_name (RbPlanEditor *self, const char *name);
void rb_plan_editor_set_selected_capacity (RbPlanEditor *self, int capacity);
void rb_plan_editor_set_selected_amenities (RbPlanEditor *self, RbAmenities amenities);
void rb_plan_editor_set_selected_bookable (RbPlanEditor *self, gboolean bookable);
gboolean rb_plan_editor_undo (RbPlanEditor *self);

G_END_DECLS
