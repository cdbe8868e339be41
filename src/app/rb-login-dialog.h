/* rb-login-dialog.h: asks for staff number and PIN and opens a session on the booking server;
 * on the first start it also brings the building from the server into the local store. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_LOGIN_DIALOG (rb_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbLoginDialog, rb_login_dialog, RB, LOGIN_DIALOG, AdwWindow)

GtkWidget *rb_login_dialog_new (RbContext *context, GtkWindow *parent);

G_END_DECLS
