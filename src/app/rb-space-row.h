/* rb-space-row.h: one space in the find list: name, what it offers, whether it is free now
 * and for the chosen time, its day timeline and a Book button. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_SPACE_ROW (rb_space_row_get_type ())
G_DECLARE_FINAL_TYPE (RbSpaceRow, rb_space_row, RB, SPACE_ROW, AdwActionRow)

GtkWidget *rb_space_row_new (RbContext *context, RbSpace *space);
RbSpace *rb_space_row_get_space (RbSpaceRow *self);
gboolean rb_space_row_is_free (RbSpaceRow *self);
void rb_space_row_update (RbSpaceRow *self, GPtrArray *bookings, GPtrArray *blocks,
                          RbInterval hours, RbInterval chosen);

char *rb_space_format_name (RbSpaceKind kind, const char *name);
char *rb_space_dup_display_name (RbSpace *space);
char *rb_space_describe_block (RbContext *context, const RbSpaceBlock *block);

G_END_DECLS
