/* rb-person.h: a member of staff who books spaces; the PIN never lives here. */
#pragma once

#include <glib-object.h>

#include "rb-types.h"

G_BEGIN_DECLS

#define RB_TYPE_PERSON (rb_person_get_type ())
G_DECLARE_FINAL_TYPE (RbPerson, rb_person, RB, PERSON, GObject)

RbPerson *rb_person_new (const char *id, const char *display_name, const char *staff_number, const char *team, RbRole role);

const char *rb_person_get_id (RbPerson *self);
const char *rb_person_get_display_name (RbPerson *self);
const char *rb_person_get_staff_number (RbPerson *self);
const char *rb_person_get_team (RbPerson *self);
RbRole rb_person_get_role (RbPerson *self);

G_END_DECLS
