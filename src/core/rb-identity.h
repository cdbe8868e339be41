/* rb-identity.h: a person identified for one flow at a kiosk (staff number and PIN), as the
 * client service that checked them hands it back. With a server it also carries what that
 * service needs to act for the person: the short session the server opened, or — when the
 * server could not be asked — their credential sealed to the server's key. Nothing here is
 * ever written to disk; the session token is wiped when the identity goes. */
#pragma once

#include <glib-object.h>

#include "rb-person.h"

G_BEGIN_DECLS

#define RB_TYPE_IDENTITY (rb_identity_get_type ())
G_DECLARE_FINAL_TYPE (RbIdentity, rb_identity, RB, IDENTITY, GObject)

RbIdentity *rb_identity_new (RbPerson *person, gboolean verified);

RbPerson *rb_identity_get_person (RbIdentity *self);
gboolean rb_identity_get_verified (RbIdentity *self);

const char *rb_identity_get_session_token (RbIdentity *self);
void rb_identity_set_session_token (RbIdentity *self, const char *session_token);
GBytes *rb_identity_get_sealed_credential (RbIdentity *self);
GBytes *rb_identity_get_signing_key (RbIdentity *self);
void rb_identity_set_sealed_credential (RbIdentity *self, GBytes *sealed_credential,
                                        GBytes *signing_key);

G_END_DECLS
