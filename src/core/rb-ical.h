/* rb-ical.h: bookings as an iCalendar file (RFC 5545) for Evolution, Thunderbird and Outlook. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RB_ICAL_UID_SUFFIX "@raumbuch"

char *rb_ical_export_bookings (GPtrArray *bookings, GTimeZone *tz, gint64 now,
                               const char *calendar_name, GError **error);

G_END_DECLS
