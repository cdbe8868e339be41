/* rb-block-dialog.h: "Block Space…" for facility managers: choose a space and whole days and
 * give a reason; the bookings in the way are listed (when and where, never who) before the
 * block is confirmed. The dialog only chooses; its owner creates the block on "block". */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_BLOCK_DIALOG (rb_block_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbBlockDialog, rb_block_dialog, RB, BLOCK_DIALOG, AdwMessageDialog)

RbBlockDialog *rb_block_dialog_new (RbContext *context, GtkWindow *parent);
const char *rb_block_dialog_get_space_id (RbBlockDialog *self);
RbInterval rb_block_dialog_get_interval (RbBlockDialog *self);
const char *rb_block_dialog_get_reason (RbBlockDialog *self);
guint rb_block_dialog_get_n_affected (RbBlockDialog *self);
gboolean rb_block_dialog_is_loading (RbBlockDialog *self);

G_END_DECLS
