/* rb-change-dialog.h: moves one of the person's bookings to other times on its day (and, for
 * a room, gives it another title), through the client service. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_CHANGE_DIALOG (rb_change_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbChangeDialog, rb_change_dialog, RB, CHANGE_DIALOG, AdwWindow)

GtkWidget *rb_change_dialog_new (RbContext *context, RbBooking *booking, GtkWindow *parent);
void rb_change_dialog_select (RbChangeDialog *self, int from_minute, int to_minute);

G_END_DECLS
