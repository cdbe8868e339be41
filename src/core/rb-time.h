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

/* The instants Raumbuch reads and keeps: from 1970-01-01T00:00:00Z up to, not including,
 * 3000-01-01T00:00:00Z. GDateTime ends with the year 9999, and the rules add days and a zone's
 * offset to an instant; the range keeps every such sum far inside GDateTime's, and a booking
 * system has no use for times outside it. */
#define RB_TIME_MIN G_GINT64_CONSTANT (0)
#define RB_TIME_MAX G_GINT64_CONSTANT (32503680000)

gboolean rb_time_is_supported (gint64 instant);

char *rb_time_to_rfc3339 (gint64 instant);
const char *rb_time_parse_rfc3339 (const char *text, gint64 *out_instant);
gboolean rb_time_from_rfc3339 (const char *text, gint64 *out_instant, GError **error);

char *rb_time_format_local (GTimeZone *tz, gint64 instant, const char *format);

G_END_DECLS
