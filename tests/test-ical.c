/* test-ical.c: the iCalendar export (rb-ical.c) read back with libical's own parser: the
 * calendar's frame, one VEVENT per booking with its UID, local DTSTART/DTEND with
 * TZID=Europe/Berlin, a VTIMEZONE that libical can use to turn those back into exactly the
 * stored UTC instants (on both sides of the October DST change), status and escaping. */
#include "config.h"

#include <libical/ical.h>

#include "rb-booking.h"
#include "rb-ical.h"
#include "rb-test-util.h"

#include <string.h>

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))

static RbBooking *
make_booking (const char *id, gint64 start, gint64 end, const char *title, const char *space_name,
              RbSpaceKind kind, RbBookingState state)
{
  RbBooking *booking = rb_booking_new (id, "a1-r01", "p-13663", rb_interval_make (start, end));

  rb_booking_set_title (booking, title);
  rb_booking_set_space_name (booking, space_name);
  rb_booking_set_space_kind (booking, kind);
  rb_booking_set_state (booking, state);
  return booking;
}

static GPtrArray *
sample_bookings (void)
{
  GPtrArray *bookings = g_ptr_array_new_with_free_func (g_object_unref);

  /* Summer time, winter time (after 25 October 2026), a cancelled one, a desk without title. */
  g_ptr_array_add (bookings, make_booking ("0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a51",
                                           B (2026, 10, 22, 9, 0), B (2026, 10, 22, 11, 0),
                                           "Sprint review, team \"Digital\"; room 1",
                                           "Projektraum Mosel", RB_SPACE_KIND_ROOM,
                                           RB_BOOKING_STATE_BOOKED));
  g_ptr_array_add (bookings, make_booking ("0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a52",
                                           B (2026, 10, 29, 9, 0), B (2026, 10, 29, 11, 0),
                                           "Sprint review", "Projektraum Mosel",
                                           RB_SPACE_KIND_ROOM, RB_BOOKING_STATE_CHECKED_IN));
  g_ptr_array_add (bookings, make_booking ("0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a53",
                                           B (2026, 11, 5, 9, 0), B (2026, 11, 5, 11, 0),
                                           "Sprint review", "Projektraum Mosel",
                                           RB_SPACE_KIND_ROOM, RB_BOOKING_STATE_CANCELLED));
  g_ptr_array_add (bookings, make_booking ("0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a54",
                                           B (2026, 12, 1, 8, 15), B (2026, 12, 1, 16, 45), NULL,
                                           "A1-D07", RB_SPACE_KIND_DESK,
                                           RB_BOOKING_STATE_BOOKED));
  return bookings;
}

static char *
export_ok (GPtrArray *bookings, gint64 now)
{
  g_autoptr (GError) error = NULL;
  char *text = rb_ical_export_bookings (bookings, rb_test_berlin (), now, "Raumbuch", &error);

  g_assert_no_error (error);
  g_assert_nonnull (text);
  return text;
}

static icalcomponent *
find_event (icalcomponent *calendar, const char *uid)
{
  for (icalcomponent *event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    if (g_strcmp0 (icalcomponent_get_uid (event), uid) == 0)
      return event;
  return NULL;
}

/* The UTC instant of a DTSTART or DTEND, read with the VTIMEZONE from the file itself. */
static gint64
instant_of (icalcomponent *calendar, icalproperty *prop)
{
  const char *tzid = icalproperty_get_parameter_as_string (prop, "TZID");
  icaltimezone *zone;
  struct icaltimetype t;

  g_assert_cmpstr (tzid, ==, "Europe/Berlin");
  zone = icalcomponent_get_timezone (calendar, tzid);
  g_assert_nonnull (zone);
  t = icalproperty_isa (prop) == ICAL_DTSTART_PROPERTY ? icalproperty_get_dtstart (prop)
                                                        : icalproperty_get_dtend (prop);
  g_assert_false (icaltime_is_utc (t));
  return (gint64) icaltime_as_timet_with_zone (t, zone);
}

static void
test_ical_parses_back (void)
{
  g_autoptr (GPtrArray) bookings = sample_bookings ();
  gint64 now = rb_test_utc_time (2026, 10, 1, 6, 30, 0);
  g_autofree char *text = export_ok (bookings, now);
  icalcomponent *calendar = icalparser_parse_string (text);
  icalcomponent *vtimezone;
  int events = 0;

  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  g_assert_nonnull (strstr (icalcomponent_get_first_property (calendar, ICAL_PRODID_PROPERTY)
                                ? icalproperty_get_prodid (icalcomponent_get_first_property (
                                      calendar, ICAL_PRODID_PROPERTY))
                                : "",
                            "Raumbuch"));
  g_assert_cmpstr (icalproperty_get_version (
                       icalcomponent_get_first_property (calendar, ICAL_VERSION_PROPERTY)),
                   ==, "2.0");

  /* One VTIMEZONE, named by the plain Olson name, with a STANDARD and a DAYLIGHT rule. */
  vtimezone = icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT);
  g_assert_nonnull (vtimezone);
  g_assert_null (icalcomponent_get_next_component (calendar, ICAL_VTIMEZONE_COMPONENT));
  g_assert_cmpstr (icalproperty_get_tzid (
                       icalcomponent_get_first_property (vtimezone, ICAL_TZID_PROPERTY)),
                   ==, "Europe/Berlin");
  g_assert_nonnull (icalcomponent_get_first_component (vtimezone, ICAL_XSTANDARD_COMPONENT));
  g_assert_nonnull (icalcomponent_get_first_component (vtimezone, ICAL_XDAYLIGHT_COMPONENT));

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      g_autofree char *uid = g_strconcat (rb_booking_get_id (booking), "@raumbuch", NULL);
      icalcomponent *event = find_event (calendar, uid);
      icalproperty *dtstart, *dtend;

      g_assert_nonnull (event);
      events++;
      dtstart = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);
      dtend = icalcomponent_get_first_property (event, ICAL_DTEND_PROPERTY);
      g_assert_nonnull (dtstart);
      g_assert_nonnull (dtend);
      g_assert_cmpint (instant_of (calendar, dtstart), ==, rb_booking_get_start (booking));
      g_assert_cmpint (instant_of (calendar, dtend), ==, rb_booking_get_end (booking));
      g_assert_nonnull (icalcomponent_get_first_property (event, ICAL_DTSTAMP_PROPERTY));
      g_assert_cmpint (icaltime_as_timet (icalcomponent_get_dtstamp (event)), ==, now);
      g_assert_cmpstr (icalcomponent_get_location (event), ==, rb_booking_get_space_name (booking));
      g_assert_cmpint (icalcomponent_get_status (event), ==,
                       rb_booking_state_is_active (rb_booking_get_state (booking))
                           ? ICAL_STATUS_CONFIRMED
                           : ICAL_STATUS_CANCELLED);
    }
  g_assert_cmpint (events, ==, bookings->len);
  g_assert_cmpint (icalcomponent_count_components (calendar, ICAL_VEVENT_COMPONENT), ==,
                   (int) bookings->len);

  /* The wall clock is the same on both sides of the DST change; the UTC time is not. */
  {
    icalcomponent *before = find_event (calendar, "0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a51@raumbuch");
    icalcomponent *after = find_event (calendar, "0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a52@raumbuch");
    struct icaltimetype t1 = icalcomponent_get_dtstart (before);
    struct icaltimetype t2 = icalcomponent_get_dtstart (after);

    g_assert_cmpint (t1.hour, ==, 9);
    g_assert_cmpint (t2.hour, ==, 9);
    g_assert_cmpint (t1.minute, ==, 0);
  }

  /* Commas, quotes and semicolons in a title survive (escaped on the wire, not in the value). */
  g_assert_cmpstr (icalcomponent_get_summary (
                       find_event (calendar, "0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a51@raumbuch")),
                   ==, "Sprint review, team \"Digital\"; room 1");
  g_assert_nonnull (strstr (text, "SUMMARY:Sprint review\\, team \"Digital\"\\; room 1"));
  /* A booking without a title is named after its space. */
  g_assert_nonnull (strstr (icalcomponent_get_summary (find_event (
                                calendar, "0b8f3f4e-1d2c-4e5f-8a9b-0c1d2e3f4a54@raumbuch")),
                            "A1-D07"));

  icalcomponent_free (calendar);
}

static void
test_ical_text_form (void)
{
  g_autoptr (GPtrArray) bookings = sample_bookings ();
  g_autofree char *text = export_ok (bookings, rb_test_utc_time (2026, 10, 1, 6, 30, 0));
  g_auto (GStrv) lines = NULL;

  /* RFC 5545: CRLF line ends, lines of at most 75 octets, the calendar framed. */
  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\n"));
  g_assert_true (g_str_has_suffix (text, "END:VCALENDAR\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_assert_null (strchr (lines[i], '\n'));
      g_assert_cmpuint (strlen (lines[i]), <=, 75);
    }
  g_assert_nonnull (strstr (text, "\r\nDTSTART;TZID=Europe/Berlin:20261022T090000\r\n"));
  g_assert_nonnull (strstr (text, "\r\nDTEND;TZID=Europe/Berlin:20261029T110000\r\n"));
  g_assert_nonnull (strstr (text, "\r\nMETHOD:PUBLISH\r\n"));
  g_assert_nonnull (strstr (text, "\r\nX-WR-CALNAME:Raumbuch\r\n"));
  /* Only the rules in force around the bookings, not the zone's history back to 1893. */
  g_assert_null (strstr (text, "1893"));
  g_assert_null (strstr (text, "freeassociation"));
}

static void
test_ical_empty (void)
{
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autofree char *text = export_ok (none, rb_test_utc_time (2026, 10, 1, 6, 30, 0));
  icalcomponent *calendar = icalparser_parse_string (text);

  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_count_components (calendar, ICAL_VEVENT_COMPONENT), ==, 0);
  icalcomponent_free (calendar);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ical/parses-back", test_ical_parses_back);
  g_test_add_func ("/ical/text-form", test_ical_text_form);
  g_test_add_func ("/ical/empty", test_ical_empty);

  return g_test_run ();
}
