/* rb-time.c: wall clock ↔ UTC in a site's time zone, DST days included.
 * Everything is stored as UTC seconds; local time exists only at the edges. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-error.h"
#include "rb-time.h"

#include <string.h>

GTimeZone *
rb_time_zone_new (const char *identifier, GError **error)
{
  GTimeZone *tz = g_time_zone_new_identifier (identifier ? identifier : RB_DEFAULT_TIMEZONE);

  if (tz == NULL)
    rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Unknown time zone “%s”."), identifier);
  return tz;
}

/* A wall-clock time that does not exist (the skipped hour of a spring-forward day) is moved
 * forward by GTimeZone to the end of the gap (02:30 becomes 03:00); an ambiguous one (the
 * repeated hour in autumn) resolves to its second, standard-time occurrence. */
gint64
rb_local_to_utc (GTimeZone *tz, int year, int month, int day, int hour, int minute)
{
  g_autoptr (GDateTime) dt = g_date_time_new (tz, year, month, day, hour, minute, 0);

  g_return_val_if_fail (dt != NULL, 0);
  return g_date_time_to_unix (dt);
}

GDateTime *
rb_utc_to_local (GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (instant);

  return g_date_time_to_timezone (utc, tz);
}

/* The local calendar day of a date as a UTC interval: 23 hours in spring, 25 in autumn. */
RbInterval
rb_local_day_of_date (GTimeZone *tz, int year, int month, int day)
{
  g_autoptr (GDateTime) midnight = g_date_time_new (tz, year, month, day, 0, 0, 0);
  g_autoptr (GDateTime) next = g_date_time_add_days (midnight, 1);

  return rb_interval_make (g_date_time_to_unix (midnight), g_date_time_to_unix (next));
}

RbInterval
rb_local_day (GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);
  int year, month, day;

  g_date_time_get_ymd (local, &year, &month, &day);
  return rb_local_day_of_date (tz, year, month, day);
}

/* Minutes since local midnight as shown on the wall clock (so 14:30 is 870 on any day). */
int
rb_local_minutes_of_day (GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);

  return g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
}

/* A number that orders and identifies local dates: yyyymmdd. */
gint64
rb_local_date_key (GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);
  int year, month, day;

  g_date_time_get_ymd (local, &year, &month, &day);
  return (gint64) year * 10000 + month * 100 + day;
}

char *
rb_time_to_rfc3339 (gint64 instant)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (instant);

  return g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
rb_time_is_supported (gint64 instant)
{
  return instant >= RB_TIME_MIN && instant < RB_TIME_MAX;
}

/* Whether text has the shape of an RFC 3339 date-time, "YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)",
 * and whether a fraction it has is zero (out_fraction: TRUE when it is not).
 * GLib's ISO 8601 parser alone is too lenient: it also takes week dates ("2026-W49-1T…"),
 * offsets without a colon or without minutes, and a comma before the fraction. */
static gboolean
has_rfc3339_shape (const char *text, gboolean *out_fraction)
{
  static const char pattern[] = "dddd-dd-ddTdd:dd:dd";
  const char *p = text;

  *out_fraction = FALSE;
  for (guint i = 0; i < sizeof pattern - 1; i++, p++)
    if (pattern[i] == 'd' ? !g_ascii_isdigit (*p)
        : pattern[i] == 'T' ? (*p != 'T' && *p != 't')
                            : *p != pattern[i])
      return FALSE;
  if (*p == '.')
    {
      if (!g_ascii_isdigit (*++p))
        return FALSE;
      for (; g_ascii_isdigit (*p); p++)
        *out_fraction = *out_fraction || *p != '0';
    }
  if (*p == 'Z' || *p == 'z')
    return p[1] == '\0';
  return (*p == '+' || *p == '-') && g_ascii_isdigit (p[1]) && g_ascii_isdigit (p[2])
         && p[3] == ':' && g_ascii_isdigit (p[4]) && g_ascii_isdigit (p[5]) && p[6] == '\0';
}

/* Reads an RFC 3339 time with any offset; NULL when it is one Raumbuch takes, otherwise why not,
 * as a translated clause that completes "Field “%s” is invalid: %s". A time without a zone is
 * refused rather than guessed. A fraction of a second must be zero (JavaScript's toISOString
 * writes ".000"): instants are whole seconds, and 08:00:00.5 silently read as 08:00:00 would be
 * another time than the one sent. */
const char *
rb_time_parse_rfc3339 (const char *text, gint64 *out_instant)
{
  g_autoptr (GDateTime) dt = NULL;
  char upper[41];
  gboolean fraction;
  gint64 instant;
  gsize len;

  if (text == NULL || (len = strlen (text)) < 20 || len > 40
      || !has_rfc3339_shape (text, &fraction))
    return _("it is not an RFC 3339 time such as “2026-11-30T08:00:00Z”.");
  if (fraction)
    return _("times are whole seconds, without a fraction.");

  /* RFC 3339 allows a lower-case "t" and "z"; GLib accepts only upper case. */
  for (gsize i = 0; i <= len; i++)
    upper[i] = g_ascii_toupper (text[i]);
  /* Without a default zone GDateTime refuses zone-less input, which is what we want. */
  dt = g_date_time_new_from_iso8601 (upper, NULL);
  if (dt == NULL)
    return _("it is not an RFC 3339 time such as “2026-11-30T08:00:00Z”.");
  instant = g_date_time_to_unix (dt);
  if (!rb_time_is_supported (instant))
    return _("only times from 1970 to 2999 are supported.");
  *out_instant = instant;
  return NULL;
}

gboolean
rb_time_from_rfc3339 (const char *text, gint64 *out_instant, GError **error)
{
  const char *problem = rb_time_parse_rfc3339 (text, out_instant);
  g_autofree char *quoted = NULL;

  if (problem == NULL)
    return TRUE;
  /* A short prefix of the text, made valid UTF-8 for the message. */
  quoted = text != NULL ? g_utf8_make_valid (text, MIN (strlen (text), 40)) : g_strdup ("");
  rb_set_error (error, RB_ERROR_INVALID_FIELD, _("“%s” cannot be used as a time: %s"), quoted,
                problem);
  return FALSE;
}

char *
rb_time_format_local (GTimeZone *tz, gint64 instant, const char *format)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);

  return g_date_time_format (local, format);
}
