/* rb-site.c: a site: the organisation's location, its time zone and privacy setting. Immutable once made. */
#include "config.h"

#include "rb-site.h"

struct _RbSite
{
  GObject parent_instance;

  char *id;
  char *name;
  char *timezone;
  gboolean show_names;
};

G_DEFINE_FINAL_TYPE (RbSite, rb_site, G_TYPE_OBJECT)

static void
rb_site_finalize (GObject *object)
{
  RbSite *self = RB_SITE (object);

  g_free (self->id);
  g_free (self->name);
  g_free (self->timezone);

  G_OBJECT_CLASS (rb_site_parent_class)->finalize (object);
}

static void
rb_site_class_init (RbSiteClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_site_finalize;
}

static void
rb_site_init (RbSite *self)
{
}

RbSite *
rb_site_new (const char *id, const char *name, const char *time_zone, gboolean show_names)
{
  RbSite *self = g_object_new (RB_TYPE_SITE, NULL);

  self->id = g_strdup (id);
  self->name = g_strdup (name);
  self->timezone = g_strdup (time_zone);
  self->show_names = show_names;
  return self;
}

const char *
rb_site_get_id (RbSite *self)
{
  g_return_val_if_fail (RB_IS_SITE (self), NULL);
  return self->id;
}

const char *
rb_site_get_name (RbSite *self)
{
  g_return_val_if_fail (RB_IS_SITE (self), NULL);
  return self->name;
}

const char *
rb_site_get_timezone (RbSite *self)
{
  g_return_val_if_fail (RB_IS_SITE (self), NULL);
  return self->timezone;
}

gboolean
rb_site_get_show_names (RbSite *self)
{
  g_return_val_if_fail (RB_IS_SITE (self), FALSE);
  return self->show_names;
}
