/* rb-session-keeper.h: keeps the signed-in person's session in the user's keyring (the GNOME
 * way, through libsecret), so that the app starts signed in — offline too — and forgets it
 * when they sign out. */
#pragma once

#include <gio/gio.h>

#include "rb-core.h"

G_BEGIN_DECLS

#define RB_TYPE_SESSION_KEEPER (rb_session_keeper_get_type ())
G_DECLARE_FINAL_TYPE (RbSessionKeeper, rb_session_keeper, RB, SESSION_KEEPER, GObject)

RbSessionKeeper *rb_session_keeper_new (RbClientService *service);

void rb_session_keeper_restore_async (RbSessionKeeper *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
RbPerson *rb_session_keeper_restore_finish (RbSessionKeeper *self, GAsyncResult *result,
                                            GError **error);

G_END_DECLS
