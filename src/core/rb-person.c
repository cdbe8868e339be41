/* rb-person.c: a member of staff who books spaces; the PIN never lives here. Immutable once made. */
#include "config.h"

#include "rb-person.h"

struct _RbPerson
{
  GObject parent_instance;

  char *id;
  char *display_name;
  char *staff_number;
  char *team;
  RbRole role;
};

G_DEFINE_FINAL_TYPE (RbPerson, rb_person, G_TYPE_OBJECT)

static void
rb_person_finalize (GObject *object)
{
  RbPerson *self = RB_PERSON (object);

  g_free (self->id);
  g_free (self->display_name);
  g_free (self->staff_number);
  g_free (self->team);

  G_OBJECT_CLASS (rb_person_parent_class)->finalize (object);
}

static void
rb_person_class_init (RbPersonClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_person_finalize;
}

static void
rb_person_init (RbPerson *self)
{
}

RbPerson *
rb_person_new (const char *id, const char *display_name, const char *staff_number, const char *team, RbRole role)
{
  RbPerson *self = g_object_new (RB_TYPE_PERSON, NULL);

  self->id = g_strdup (id);
  self->display_name = g_strdup (display_name);
  self->staff_number = g_strdup (staff_number);
  self->team = g_strdup (team);
  self->role = role;
  return self;
}

const char *
rb_person_get_id (RbPerson *self)
{
  g_return_val_if_fail (RB_IS_PERSON (self), NULL);
  return self->id;
}

const char *
rb_person_get_display_name (RbPerson *self)
{
  g_return_val_if_fail (RB_IS_PERSON (self), NULL);
  return self->display_name;
}

const char *
rb_person_get_staff_number (RbPerson *self)
{
  g_return_val_if_fail (RB_IS_PERSON (self), NULL);
  return self->staff_number;
}

const char *
rb_person_get_team (RbPerson *self)
{
  g_return_val_if_fail (RB_IS_PERSON (self), NULL);
  return self->team;
}

RbRole
rb_person_get_role (RbPerson *self)
{
  g_return_val_if_fail (RB_IS_PERSON (self), RB_ROLE_STAFF);
  return self->role;
}
