/* rb-ical.c: bookings as iCalendar through libical.
 *
 * One VEVENT per booking, its times as wall-clock times with TZID set to the site's zone
 * (Europe/Berlin), and a VTIMEZONE of that zone in the file: that is the form Evolution,
 * Thunderbird and Outlook all import as "09:00 Berlin" rather than as a UTC time that jumps
 * when someone travels. The VTIMEZONE comes from libical's reading of the system's zoneinfo,
 * cut down to the rules that matter for the exported bookings' years (the full history of
 * Europe/Berlin has some thirty rules back to 1893, which Outlook handles badly), and its
 * TZID is the plain Olson name, not libical's "/freeassociation.sourceforge.net/" prefix.
 * Each booking keeps its UID (booking id + "@raumbuch") across exports, and SEQUENCE follows
 * its version, so a second import updates the events instead of duplicating them. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libical/ical.h>

#include "rb-booking.h"
#include "rb-error.h"
#include "rb-ical.h"
#include "rb-time.h"

#define PRODID "-//Raumbuch//Raumbuch " PACKAGE_VERSION "//EN"

/* The first and last year a zone sub-component (STANDARD or DAYLIGHT) is in force. */
static void
observance_years (icalcomponent *observance, int *out_first, int *out_last)
{
  struct icaltimetype dtstart = icalcomponent_get_dtstart (observance);
  icalproperty *prop;
  int last = dtstart.year;

  prop = icalcomponent_get_first_property (observance, ICAL_RRULE_PROPERTY);
  if (prop != NULL)
    {
      struct icalrecurrencetype rule = icalproperty_get_rrule (prop);

      last = icaltime_is_null_time (rule.until) ? G_MAXINT : MAX (last, rule.until.year);
    }
  for (prop = icalcomponent_get_first_property (observance, ICAL_RDATE_PROPERTY); prop != NULL;
       prop = icalcomponent_get_next_property (observance, ICAL_RDATE_PROPERTY))
    {
      struct icaldatetimeperiodtype rdate = icalproperty_get_rdate (prop);

      if (!icaltime_is_null_time (rdate.time))
        last = MAX (last, rdate.time.year);
    }
  *out_first = dtstart.year;
  *out_last = last;
}

/* The site zone as a VTIMEZONE with the rules for [first_year, last_year], or NULL if
 * libical does not know the zone. */
static icalcomponent *
make_vtimezone (const char *tzid, int first_year, int last_year)
{
  icaltimezone *zone = icaltimezone_get_builtin_timezone (tzid);
  icalcomponent *source;
  icalcomponent *vtimezone;
  icalcomponent *sub;
  icalcomponent *latest_before = NULL;
  int latest_before_year = G_MININT;
  g_autoptr (GPtrArray) keep = g_ptr_array_new ();

  if (zone == NULL || (source = icaltimezone_get_component (zone)) == NULL)
    return NULL;

  /* Which observances apply: those in force in the range, and the last one before it (a
   * zone that stopped changing keeps that one's offset forever). */
  for (sub = icalcomponent_get_first_component (source, ICAL_ANY_COMPONENT); sub != NULL;
       sub = icalcomponent_get_next_component (source, ICAL_ANY_COMPONENT))
    {
      icalcomponent_kind kind = icalcomponent_isa (sub);
      int first, last;

      if (kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT)
        continue;
      observance_years (sub, &first, &last);
      if (first <= last_year && last >= first_year)
        g_ptr_array_add (keep, sub);
      else if (last < first_year && last >= latest_before_year)
        {
          latest_before = sub;
          latest_before_year = last;
        }
    }
  if (latest_before != NULL)
    g_ptr_array_add (keep, latest_before);

  vtimezone = icalcomponent_new (ICAL_VTIMEZONE_COMPONENT);
  icalcomponent_add_property (vtimezone, icalproperty_new_tzid (tzid));
  {
    icalproperty *location = icalproperty_new_x (tzid);

    icalproperty_set_x_name (location, "X-LIC-LOCATION");
    icalcomponent_add_property (vtimezone, location);
  }
  for (guint i = 0; i < keep->len; i++)
    icalcomponent_add_component (vtimezone,
                                 icalcomponent_new_clone (g_ptr_array_index (keep, i)));
  return vtimezone;
}

static struct icaltimetype
local_time (GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);
  struct icaltimetype t = icaltime_null_time ();

  t.year = g_date_time_get_year (local);
  t.month = g_date_time_get_month (local);
  t.day = g_date_time_get_day_of_month (local);
  t.hour = g_date_time_get_hour (local);
  t.minute = g_date_time_get_minute (local);
  t.second = g_date_time_get_second (local);
  return t;
}

static struct icaltimetype
utc_time (gint64 instant)
{
  return icaltime_from_timet_with_zone ((time_t) instant, 0, icaltimezone_get_utc_timezone ());
}

/* A DTSTART or DTEND: local time with TZID, or UTC when the zone is not known to libical. */
static icalproperty *
time_property (icalproperty_kind kind, GTimeZone *tz, const char *tzid, gint64 instant)
{
  icalproperty *prop;
  struct icaltimetype t = tzid != NULL ? local_time (tz, instant) : utc_time (instant);

  prop = kind == ICAL_DTSTART_PROPERTY ? icalproperty_new_dtstart (t) : icalproperty_new_dtend (t);
  if (tzid != NULL)
    icalproperty_add_parameter (prop, icalparameter_new_tzid (tzid));
  return prop;
}

static char *
summary_of (RbBooking *booking)
{
  const char *title = rb_booking_get_title (booking);
  const char *space = rb_booking_get_space_name (booking);

  if (title != NULL && *title != '\0')
    return g_strdup (title);
  if (space == NULL)
    space = rb_booking_get_space_id (booking);
  if (rb_booking_get_space_kind (booking) == RB_SPACE_KIND_ROOM)
    /* TRANSLATORS: calendar entry title of a room booking without a title; %s is the room. */
    return g_strdup_printf (_("Room %s"), space);
  /* TRANSLATORS: calendar entry title of a desk booking; %s is the desk's name. */
  return g_strdup_printf (_("Desk %s"), space);
}

static icalcomponent *
make_vevent (RbBooking *booking, GTimeZone *tz, const char *tzid, struct icaltimetype stamp)
{
  icalcomponent *event = icalcomponent_new (ICAL_VEVENT_COMPONENT);
  g_autofree char *uid = g_strconcat (rb_booking_get_id (booking), RB_ICAL_UID_SUFFIX, NULL);
  g_autofree char *summary = summary_of (booking);
  const char *location = rb_booking_get_space_name (booking);
  gboolean active = rb_booking_state_is_active (rb_booking_get_state (booking));

  icalcomponent_add_property (event, icalproperty_new_uid (uid));
  icalcomponent_add_property (event, icalproperty_new_dtstamp (stamp));
  icalcomponent_add_property (event, time_property (ICAL_DTSTART_PROPERTY, tz, tzid,
                                                    rb_booking_get_start (booking)));
  icalcomponent_add_property (event, time_property (ICAL_DTEND_PROPERTY, tz, tzid,
                                                    rb_booking_get_end (booking)));
  icalcomponent_add_property (event, icalproperty_new_summary (summary));
  if (location != NULL)
    icalcomponent_add_property (event, icalproperty_new_location (location));
  icalcomponent_add_property (event, icalproperty_new_status (active ? ICAL_STATUS_CONFIRMED
                                                                     : ICAL_STATUS_CANCELLED));
  icalcomponent_add_property (event, icalproperty_new_sequence (
                                         (int) MAX (0, rb_booking_get_version (booking) - 1)));
  icalcomponent_add_property (event, icalproperty_new_transp (ICAL_TRANSP_OPAQUE));
  return event;
}

/* The bookings (RbBooking, with space names as the store's queries fill them in) as one
 * VCALENDAR text with CRLF line ends. Bookings that are cancelled or released are exported
 * with STATUS:CANCELLED, so an earlier import learns that they are off. `now` stamps the file
 * (DTSTAMP); calendar_name, if not NULL, becomes X-WR-CALNAME. */
char *
rb_ical_export_bookings (GPtrArray *bookings, GTimeZone *tz, gint64 now,
                         const char *calendar_name, GError **error)
{
  icalcomponent *calendar;
  icalcomponent *vtimezone = NULL;
  const char *tzid = g_time_zone_get_identifier (tz);
  struct icaltimetype stamp = utc_time (now);
  int first_year = G_MAXINT, last_year = G_MININT;
  char *text;
  char *result;

  g_return_val_if_fail (bookings != NULL && tz != NULL, NULL);

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      g_autoptr (GDateTime) start = rb_utc_to_local (tz, rb_booking_get_start (booking));
      g_autoptr (GDateTime) end = rb_utc_to_local (tz, rb_booking_get_end (booking));

      first_year = MIN (first_year, g_date_time_get_year (start));
      last_year = MAX (last_year, g_date_time_get_year (end));
    }
  if (bookings->len == 0)
    {
      g_autoptr (GDateTime) today = rb_utc_to_local (tz, now);
      first_year = last_year = g_date_time_get_year (today);
    }

  calendar = icalcomponent_new_vcalendar ();
  icalcomponent_add_property (calendar, icalproperty_new_prodid (PRODID));
  icalcomponent_add_property (calendar, icalproperty_new_version ("2.0"));
  icalcomponent_add_property (calendar, icalproperty_new_calscale ("GREGORIAN"));
  icalcomponent_add_property (calendar, icalproperty_new_method (ICAL_METHOD_PUBLISH));
  if (calendar_name != NULL)
    {
      icalproperty *name = icalproperty_new_x (calendar_name);

      icalproperty_set_x_name (name, "X-WR-CALNAME");
      icalcomponent_add_property (calendar, name);
    }

  if (tzid != NULL && g_strcmp0 (tzid, "UTC") != 0)
    vtimezone = make_vtimezone (tzid, first_year - 1, last_year + 1);
  if (vtimezone != NULL)
    icalcomponent_add_component (calendar, vtimezone);
  else
    tzid = NULL;

  for (guint i = 0; i < bookings->len; i++)
    icalcomponent_add_component (calendar,
                                 make_vevent (g_ptr_array_index (bookings, i), tz, tzid, stamp));

  text = icalcomponent_as_ical_string_r (calendar);
  icalcomponent_free (calendar);
  if (text == NULL)
    {
      icalerror_clear_errno ();
      rb_set_error (error, RB_ERROR_STORAGE, NULL);
      return NULL;
    }
  /* libical's memory is its own; hand out GLib memory. */
  result = g_strdup (text);
  icalmemory_free_buffer (text);
  return result;
}
