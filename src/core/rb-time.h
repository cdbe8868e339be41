/* rb-time.h: conversions between UTC instants, the site's local wall clock and RFC 3339. */
#pragma once

#include <glib.h>

#include "rb-interval.h"

G_BEGIN_DECLS

#define RB_DEFAULT_TIMEZONE "Europe/Berlin"

GTimeZone *rb_time_zone_new (const char *identifier, GError **error);

gint64 rb_local_to_utc (GTimeZone *tz, int year, int month, int day, int hour, int minute);
GDateTime *rb_utc_to_local (GTimeZone *tz, gint64 instant);
RbInterval rb_local_day (GTimeZone *tz, gint64 instant);
RbInterval rb_local_day_of_date (GTimeZone *tz, int year, int month, int day);
int rb_local_minutes_of_day (GTimeZone *tz, gint64 instant);
gint64 rb_local_date_key (GTimeZone *tz, gint64 instant);

char *rb_time_to_rfc3339 (gint64 instant);
gboolean rb_time_from_rfc3339 (const char *text, gint64 *out_instant, GError **error);

char *rb_time_format_local (GTimeZone *tz, gint64 instant, const char *format);

G_END_DECLS
