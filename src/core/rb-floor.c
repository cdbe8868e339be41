/* rb-floor.c: a floor of a building, with the size of its plan in plan units. Immutable once made. */
#include "config.h"

#include "rb-floor.h"

struct _RbFloor
{
  GObject parent_instance;

  char *id;
  char *building_id;
  char *name;
  int level;
  int width;
  int height;
  int position;
};

G_DEFINE_FINAL_TYPE (RbFloor, rb_floor, G_TYPE_OBJECT)

static void
rb_floor_finalize (GObject *object)
{
  RbFloor *self = RB_FLOOR (object);

  g_free (self->id);
  g_free (self->building_id);
  g_free (self->name);

  G_OBJECT_CLASS (rb_floor_parent_class)->finalize (object);
}

static void
rb_floor_class_init (RbFloorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_floor_finalize;
}

static void
rb_floor_init (RbFloor *self)
{
}

RbFloor *
rb_floor_new (const char *id, const char *building_id, const char *name, int level, int width, int height)
{
  RbFloor *self = g_object_new (RB_TYPE_FLOOR, NULL);

  self->id = g_strdup (id);
  self->building_id = g_strdup (building_id);
  self->name = g_strdup (name);
  self->level = level;
  self->width = width;
  self->height = height;
  self->position = level;
  return self;
}

const char *
rb_floor_get_id (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->id;
}

const char *
rb_floor_get_building_id (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->building_id;
}

const char *
rb_floor_get_name (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->name;
}

int
rb_floor_get_level (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->level;
}

int
rb_floor_get_width (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->width;
}

int
rb_floor_get_height (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->height;
}

/* Where the floor comes in the building's list of floors (lowest first); its level unless
 * set otherwise before the floor is shared. */
void
rb_floor_set_position (RbFloor *self, int position)
{
  g_return_if_fail (RB_IS_FLOOR (self));
  self->position = position;
}

int
rb_floor_get_position (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->position;
}
