/* rb-site.h: a site: the organisation's location, its time zone and privacy setting. */
#pragma once

#include <glib-object.h>

#include "rb-types.h"

G_BEGIN_DECLS

#define RB_TYPE_SITE (rb_site_get_type ())
G_DECLARE_FINAL_TYPE (RbSite, rb_site, RB, SITE, GObject)

RbSite *rb_site_new (const char *id, const char *name, const char *time_zone,
                     gboolean show_names);

const char *rb_site_get_id (RbSite *self);
const char *rb_site_get_name (RbSite *self);
const char *rb_site_get_timezone (RbSite *self);
gboolean rb_site_get_show_names (RbSite *self);

G_END_DECLS
