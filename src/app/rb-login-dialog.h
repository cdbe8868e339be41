/* rb-login-dialog.h: signs a person in to the client service: staff number and PIN, or, on
 * the demo building only, a choice from its people. It can always be opened again from the
 * window's header; closing it leaves the window usable for what needs nobody signed in. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_LOGIN_DIALOG (rb_login_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbLoginDialog, rb_login_dialog, RB, LOGIN_DIALOG, AdwWindow)

GtkWidget *rb_login_dialog_new (RbContext *context, GtkWindow *parent);
void rb_login_dialog_show_message (RbLoginDialog *self, const char *message);

G_END_DECLS
