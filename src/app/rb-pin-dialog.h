/* rb-pin-dialog.h: "Change PIN…" for whoever is signed in: the current PIN and the new one
 * twice; a weak PIN is refused with the reason. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_PIN_DIALOG (rb_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbPinDialog, rb_pin_dialog, RB, PIN_DIALOG, AdwWindow)

GtkWidget *rb_pin_dialog_new (RbContext *context, GtkWindow *parent);

G_END_DECLS
