/* rb-identity.c: a person identified for one kiosk flow (see rb-identity.h). */
#include "config.h"

#include <string.h>

#include "rb-identity.h"

struct _RbIdentity
{
  GObject parent_instance;

  RbPerson *person;
  gboolean verified;
  char *session_token;
  GBytes *sealed_credential;
  GBytes *signing_key;
};

G_DEFINE_FINAL_TYPE (RbIdentity, rb_identity, G_TYPE_OBJECT)

static void
wipe_token (RbIdentity *self)
{
  if (self->session_token != NULL)
    memset (self->session_token, 0, strlen (self->session_token));
  g_clear_pointer (&self->session_token, g_free);
}

static void
rb_identity_finalize (GObject *object)
{
  RbIdentity *self = RB_IDENTITY (object);

  g_clear_object (&self->person);
  wipe_token (self);
  g_clear_pointer (&self->sealed_credential, g_bytes_unref);
  g_clear_pointer (&self->signing_key, g_bytes_unref);

  G_OBJECT_CLASS (rb_identity_parent_class)->finalize (object);
}

static void
rb_identity_class_init (RbIdentityClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_identity_finalize;
}

static void
rb_identity_init (RbIdentity *self)
{
}

/* verified: whether the PIN was checked. A kiosk that cannot reach its server takes the
 * staff number on trust; the server checks the sealed PIN when the booking arrives. */
RbIdentity *
rb_identity_new (RbPerson *person, gboolean verified)
{
  RbIdentity *self = g_object_new (RB_TYPE_IDENTITY, NULL);

  g_return_val_if_fail (RB_IS_PERSON (person), NULL);
  self->person = g_object_ref (person);
  self->verified = verified;
  return self;
}

RbPerson *
rb_identity_get_person (RbIdentity *self)
{
  g_return_val_if_fail (RB_IS_IDENTITY (self), NULL);
  return self->person;
}

gboolean
rb_identity_get_verified (RbIdentity *self)
{
  g_return_val_if_fail (RB_IS_IDENTITY (self), FALSE);
  return self->verified;
}

const char *
rb_identity_get_session_token (RbIdentity *self)
{
  g_return_val_if_fail (RB_IS_IDENTITY (self), NULL);
  return self->session_token;
}

void
rb_identity_set_session_token (RbIdentity *self, const char *session_token)
{
  g_return_if_fail (RB_IS_IDENTITY (self));
  wipe_token (self);
  self->session_token = g_strdup (session_token);
}

GBytes *
rb_identity_get_sealed_credential (RbIdentity *self)
{
  g_return_val_if_fail (RB_IS_IDENTITY (self), NULL);
  return self->sealed_credential;
}

/* The key that signs each booking made with the sealed credential (rb-credential.h); the
 * bytes wipe themselves when the identity lets them go. */
GBytes *
rb_identity_get_signing_key (RbIdentity *self)
{
  g_return_val_if_fail (RB_IS_IDENTITY (self), NULL);
  return self->signing_key;
}

void
rb_identity_set_sealed_credential (RbIdentity *self, GBytes *sealed_credential,
                                   GBytes *signing_key)
{
  g_return_if_fail (RB_IS_IDENTITY (self));
  g_return_if_fail ((sealed_credential == NULL) == (signing_key == NULL));
  g_clear_pointer (&self->sealed_credential, g_bytes_unref);
  g_clear_pointer (&self->signing_key, g_bytes_unref);
  self->sealed_credential = sealed_credential != NULL ? g_bytes_ref (sealed_credential) : NULL;
  self->signing_key = signing_key != NULL ? g_bytes_ref (signing_key) : NULL;
}
