/* rb-building.c: a building of a site. Immutable once made. */
#include "config.h"

#include "rb-building.h"

struct _RbBuilding
{
  GObject parent_instance;

  char *id;
  char *site_id;
  char *name;
  char *address;
};

G_DEFINE_FINAL_TYPE (RbBuilding, rb_building, G_TYPE_OBJECT)

static void
rb_building_finalize (GObject *object)
{
  RbBuilding *self = RB_BUILDING (object);

  g_free (self->id);
  g_free (self->site_id);
  g_free (self->name);
  g_free (self->address);

  G_OBJECT_CLASS (rb_building_parent_class)->finalize (object);
}

static void
rb_building_class_init (RbBuildingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_building_finalize;
}

static void
rb_building_init (RbBuilding *self)
{
}

RbBuilding *
rb_building_new (const char *id, const char *site_id, const char *name, const char *address)
{
  RbBuilding *self = g_object_new (RB_TYPE_BUILDING, NULL);

  self->id = g_strdup (id);
  self->site_id = g_strdup (site_id);
  self->name = g_strdup (name);
  self->address = g_strdup (address);
  return self;
}

const char *
rb_building_get_id (RbBuilding *self)
{
  g_return_val_if_fail (RB_IS_BUILDING (self), NULL);
  return self->id;
}

const char *
rb_building_get_site_id (RbBuilding *self)
{
  g_return_val_if_fail (RB_IS_BUILDING (self), NULL);
  return self->site_id;
}

const char *
rb_building_get_name (RbBuilding *self)
{
  g_return_val_if_fail (RB_IS_BUILDING (self), NULL);
  return self->name;
}

const char *
rb_building_get_address (RbBuilding *self)
{
  g_return_val_if_fail (RB_IS_BUILDING (self), NULL);
  return self->address;
}
