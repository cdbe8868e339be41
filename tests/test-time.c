/* test-time.c: Europe/Berlin wall clock ↔ UTC, DST days, RFC 3339. The expected instants are
 * written out as UTC so the test does not share the code's assumptions. Registered twice in
 * meson, with TZ=UTC and TZ=America/New_York: the result must not depend on the process zone. */
#include "config.h"

#include "rb-core.h"
#include "rb-test-util.h"

#include <string.h>

static void
test_time_zone_new (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTimeZone) tz = rb_time_zone_new ("Europe/Berlin", &error);
  g_autoptr (GTimeZone) fallback = rb_time_zone_new (NULL, &error);
  g_autoptr (GTimeZone) bad = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (tz);
  g_assert_cmpstr (g_time_zone_get_identifier (tz), ==, "Europe/Berlin");
  g_assert_cmpstr (g_time_zone_get_identifier (fallback), ==, RB_DEFAULT_TIMEZONE);

  bad = rb_time_zone_new ("Mars/Olympus_Mons", &error);
  g_assert_null (bad);
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_assert_nonnull (strstr (error->message, "Mars/Olympus_Mons"));
}

static void
test_time_local_to_utc (void)
{
  GTimeZone *tz = rb_test_berlin ();

  /* Winter: UTC+1, so 01:00 local is midnight UTC. */
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 1, 15, 1, 0), ==, rb_test_utc_time (2026, 1, 15, 0, 0, 0));
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 1, 15, 1, 0), ==, 1768435200);
  /* Summer: UTC+2. */
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 7, 1, 9, 30), ==, rb_test_utc_time (2026, 7, 1, 7, 30, 0));
  /* The demo "now": Monday 30 November 2026, 07:00 in Bonn. */
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 11, 30, 7, 0), ==, rb_test_utc_time (2026, 11, 30, 6, 0, 0));
  /* Local midnight of a winter day is 23:00 UTC the day before. */
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 11, 30, 0, 0), ==, rb_test_utc_time (2026, 11, 29, 23, 0, 0));
}

static void
test_time_utc_to_local (void)
{
  GTimeZone *tz = rb_test_berlin ();
  g_autoptr (GDateTime) winter = rb_utc_to_local (tz, rb_test_utc_time (2026, 1, 15, 0, 0, 0));
  g_autoptr (GDateTime) summer = rb_utc_to_local (tz, rb_test_utc_time (2026, 7, 1, 22, 30, 0));

  g_assert_cmpint (g_date_time_get_hour (winter), ==, 1);
  g_assert_cmpint (g_date_time_get_day_of_month (winter), ==, 15);
  g_assert_cmpint (g_date_time_get_utc_offset (winter), ==, 3600 * G_TIME_SPAN_SECOND);
  /* 22:30Z in summer is already the next local day. */
  g_assert_cmpint (g_date_time_get_hour (summer), ==, 0);
  g_assert_cmpint (g_date_time_get_minute (summer), ==, 30);
  g_assert_cmpint (g_date_time_get_day_of_month (summer), ==, 2);
  g_assert_cmpint (g_date_time_get_utc_offset (summer), ==, 7200 * G_TIME_SPAN_SECOND);
}

static void
test_time_day_lengths (void)
{
  GTimeZone *tz = rb_test_berlin ();
  RbInterval spring = rb_local_day_of_date (tz, 2026, 3, 29);
  RbInterval autumn = rb_local_day_of_date (tz, 2026, 10, 25);
  RbInterval normal = rb_local_day_of_date (tz, 2026, 11, 30);
  RbInterval before_spring = rb_local_day_of_date (tz, 2026, 3, 28);

  g_assert_cmpint (rb_interval_duration (spring), ==, 82800);
  g_assert_cmpint (spring.start, ==, rb_test_utc_time (2026, 3, 28, 23, 0, 0));
  g_assert_cmpint (spring.end, ==, rb_test_utc_time (2026, 3, 29, 22, 0, 0));

  g_assert_cmpint (rb_interval_duration (autumn), ==, 90000);
  g_assert_cmpint (autumn.start, ==, rb_test_utc_time (2026, 10, 24, 22, 0, 0));
  g_assert_cmpint (autumn.end, ==, rb_test_utc_time (2026, 10, 25, 23, 0, 0));

  g_assert_cmpint (rb_interval_duration (normal), ==, 86400);
  g_assert_cmpint (normal.start, ==, 1795993200);
  g_assert_cmpint (rb_interval_duration (before_spring), ==, 86400);
  /* Consecutive days tile the time line. */
  g_assert_cmpint (before_spring.end, ==, spring.start);
}

static void
test_time_local_day_of_instant (void)
{
  GTimeZone *tz = rb_test_berlin ();
  /* 23:30Z on 28 March is 00:30 local on the short day. */
  RbInterval day = rb_local_day (tz, rb_test_utc_time (2026, 3, 28, 23, 30, 0));
  RbInterval last_second = rb_local_day (tz, rb_test_utc_time (2026, 3, 29, 21, 59, 59));
  RbInterval next = rb_local_day (tz, rb_test_utc_time (2026, 3, 29, 22, 0, 0));

  g_assert_cmpint (day.start, ==, rb_test_utc_time (2026, 3, 28, 23, 0, 0));
  g_assert_cmpint (rb_interval_duration (day), ==, 82800);
  g_assert_cmpint (last_second.start, ==, day.start);
  g_assert_cmpint (next.start, ==, day.end);
  g_assert_cmpint (rb_interval_duration (next), ==, 86400);

  g_assert_cmpint (rb_local_date_key (tz, rb_test_utc_time (2026, 3, 28, 23, 30, 0)), ==, 20260329);
  g_assert_cmpint (rb_local_date_key (tz, rb_test_utc_time (2026, 3, 28, 22, 59, 59)), ==, 20260328);
  g_assert_cmpint (rb_local_date_key (tz, rb_test_utc_time (2026, 12, 31, 23, 0, 0)), ==, 20270101);
}

static void
test_time_nonexistent_and_ambiguous (void)
{
  GTimeZone *tz = rb_test_berlin ();
  gint64 gap = rb_local_to_utc (tz, 2026, 3, 29, 2, 30);
  gint64 repeated = rb_local_to_utc (tz, 2026, 10, 25, 2, 30);

  /* 02:00–03:00 does not exist on 29 March; a time in it is moved forward out of the gap,
   * to 03:00 CEST (GTimeZone moves to the start of the next interval). */
  g_assert_cmpint (gap, >, rb_local_to_utc (tz, 2026, 3, 29, 1, 59));
  g_assert_cmpint (gap, ==, rb_test_utc_time (2026, 3, 29, 1, 0, 0));
  g_assert_cmpint (gap, ==, rb_local_to_utc (tz, 2026, 3, 29, 3, 0));
  g_assert_cmpint (rb_local_minutes_of_day (tz, gap), ==, 3 * 60);

  /* 02:30 happens twice on 25 October; GTimeZone picks the second, standard-time one. */
  g_assert_cmpint (repeated, ==, rb_test_utc_time (2026, 10, 25, 1, 30, 0));
  g_assert_cmpint (rb_local_minutes_of_day (tz, repeated), ==, 2 * 60 + 30);
  /* Both hours around the repeat are unambiguous. */
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 10, 25, 1, 30), ==, rb_test_utc_time (2026, 10, 24, 23, 30, 0));
  g_assert_cmpint (rb_local_to_utc (tz, 2026, 10, 25, 3, 30), ==, rb_test_utc_time (2026, 10, 25, 2, 30, 0));
}

static void
test_time_minutes_of_day_dst (void)
{
  GTimeZone *tz = rb_test_berlin ();

  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 11, 30, 13, 30, 0)), ==, 14 * 60 + 30);
  /* Spring: 00:59Z is 01:59 CET, 01:00Z is already 03:00 CEST. */
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 3, 29, 0, 59, 0)), ==, 60 + 59);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 3, 29, 1, 0, 0)), ==, 3 * 60);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 3, 29, 4, 0, 0)), ==, 6 * 60);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 3, 29, 18, 0, 0)), ==, 20 * 60);
  /* Autumn: 00:30Z and 01:30Z are both 02:30 on the wall. */
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 10, 25, 0, 30, 0)), ==, 150);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 10, 25, 1, 30, 0)), ==, 150);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 10, 25, 5, 0, 0)), ==, 6 * 60);
  g_assert_cmpint (rb_local_minutes_of_day (tz, rb_test_utc_time (2026, 10, 25, 19, 0, 0)), ==, 20 * 60);
}

static void
test_time_rfc3339_parse (void)
{
  g_autoptr (GError) error = NULL;
  gint64 t = 0;

  g_assert_true (rb_time_from_rfc3339 ("2026-11-30T08:00:00Z", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));

  g_assert_true (rb_time_from_rfc3339 ("2026-11-30T10:00:00+02:00", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));

  g_assert_true (rb_time_from_rfc3339 ("2026-11-30T03:00:00-05:00", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));

  /* A fraction of zero (JavaScript's toISOString writes one) is the whole second. */
  g_assert_true (rb_time_from_rfc3339 ("2026-11-30T08:00:00.000Z", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));
  g_assert_true (rb_time_from_rfc3339 ("2026-11-30T09:00:00.0+01:00", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));

  /* RFC 3339 allows lower-case separators. */
  g_assert_true (rb_time_from_rfc3339 ("2026-11-30t08:00:00z", &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t, ==, rb_test_utc_time (2026, 11, 30, 8, 0, 0));
}

static void
test_time_rfc3339_reject (void)
{
  const char *const bad[] = {
    "2026-11-30T08:00:00",          /* no zone: refused, never guessed */
    "2026-11-30 08:00:00Z",         /* no T */
    "2026-11-30",                   /* date only */
    "garbage",
    "",
    "tomorrow at nine o'clock, Z",
    "2026-13-01T08:00:00Z",         /* month 13 */
    "2026-11-31T08:00:00Z",         /* 31 November */
    "2026-11-30T25:00:00Z",
    "2026-W49-1T08:00:00Z",         /* an ISO 8601 week date, not RFC 3339 */
    "2026-11-30T08:00:00+0200",     /* offset without colon */
    "2026-11-30T08:00:00+02",       /* offset without minutes */
    " 2026-11-30T08:00:00Z",
    "2026-11-30T08:00:00Z ",
    "2026-11-30T08:00:00.1234567890123456789012Z", /* too long */
    /* Instants are whole seconds: 08:00:00.5 is not 08:00:00. */
    "2026-11-30T08:00:00.5Z",
    "2026-11-30T08:00:00.750Z",
    "2026-11-30T08:00:00.000000001+01:00",
    /* Outside 1970–2999: GDateTime ends with 9999, and the rules add days and offsets. */
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-23:59",
    "1969-12-31T23:59:59Z",
    "1970-01-01T00:30:00+01:00",
    "3000-01-01T00:00:00Z",
    "2999-12-31T23:30:00-01:00",
    "0000-01-01T00:00:00Z",
  };
  g_autofree char *huge = g_strnfill (100000, '9');

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      gint64 t = 42;

      g_test_message ("rejecting “%s”", bad[i]);
      g_assert_false (rb_time_from_rfc3339 (bad[i], &t, &error));
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
      g_assert_cmpint (t, ==, 42);
    }

  {
    g_autoptr (GError) error = NULL;
    gint64 t = 42;

    g_assert_false (rb_time_from_rfc3339 (huge, &t, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
    /* The message quotes at most a short prefix of the input. */
    g_assert_cmpuint (strlen (error->message), <, 400);
  }

  {
    g_autoptr (GError) error = NULL;
    gint64 t = 42;

    g_assert_false (rb_time_from_rfc3339 (NULL, &t, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
}

/* The bounds of the supported range, and why a time was refused. */
static void
test_time_rfc3339_range (void)
{
  gint64 t = 42;

  g_assert_null (rb_time_parse_rfc3339 ("1970-01-01T00:00:00Z", &t));
  g_assert_cmpint (t, ==, RB_TIME_MIN);
  g_assert_null (rb_time_parse_rfc3339 ("2999-12-31T23:59:59Z", &t));
  g_assert_cmpint (t, ==, RB_TIME_MAX - 1);
  g_assert_null (rb_time_parse_rfc3339 ("3000-01-01T00:59:59+01:00", &t));
  g_assert_cmpint (t, ==, RB_TIME_MAX - 1);
  g_assert_true (rb_time_is_supported (RB_TIME_MIN));
  g_assert_false (rb_time_is_supported (RB_TIME_MIN - 1));
  g_assert_false (rb_time_is_supported (RB_TIME_MAX));

  t = 42;
  g_assert_nonnull (strstr (rb_time_parse_rfc3339 ("0001-01-01T00:00:00Z", &t), "1970"));
  g_assert_nonnull (strstr (rb_time_parse_rfc3339 ("2026-11-30T08:00:00.5Z", &t), "fraction"));
  g_assert_nonnull (strstr (rb_time_parse_rfc3339 ("30.11.2026", &t), "RFC 3339"));
  g_assert_cmpint (t, ==, 42);
}

static void
test_time_rfc3339_round_trip (void)
{
  const gint64 instants[] = {
    0,
    rb_test_utc_time (2026, 11, 30, 8, 0, 0),
    rb_test_utc_time (2026, 3, 29, 1, 0, 0),
    rb_test_utc_time (2026, 10, 25, 0, 30, 0),
    rb_test_utc_time (2026, 10, 25, 1, 30, 0),
    rb_test_utc_time (2099, 12, 31, 23, 59, 59),
  };
  g_autofree char *text = rb_time_to_rfc3339 (rb_test_utc_time (2026, 11, 30, 8, 0, 0));

  g_assert_cmpstr (text, ==, "2026-11-30T08:00:00Z");

  for (guint i = 0; i < G_N_ELEMENTS (instants); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *formatted = rb_time_to_rfc3339 (instants[i]);
      gint64 parsed = -1;

      g_assert_true (g_str_has_suffix (formatted, "Z"));
      g_assert_true (rb_time_from_rfc3339 (formatted, &parsed, &error));
      g_assert_no_error (error);
      g_assert_cmpint (parsed, ==, instants[i]);
    }
}

static void
test_time_format_local (void)
{
  GTimeZone *tz = rb_test_berlin ();
  g_autofree char *winter = rb_time_format_local (tz, rb_test_utc_time (2026, 11, 30, 8, 0, 0), "%Y-%m-%d %H:%M");
  g_autofree char *summer = rb_time_format_local (tz, rb_test_utc_time (2026, 7, 1, 8, 0, 0), "%H:%M %Z");

  g_assert_cmpstr (winter, ==, "2026-11-30 09:00");
  g_assert_cmpstr (summer, ==, "10:00 CEST");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/time/zone-new", test_time_zone_new);
  g_test_add_func ("/time/local-to-utc", test_time_local_to_utc);
  g_test_add_func ("/time/utc-to-local", test_time_utc_to_local);
  g_test_add_func ("/time/day-lengths", test_time_day_lengths);
  g_test_add_func ("/time/local-day-of-instant", test_time_local_day_of_instant);
  g_test_add_func ("/time/nonexistent-and-ambiguous", test_time_nonexistent_and_ambiguous);
  g_test_add_func ("/time/minutes-of-day-dst", test_time_minutes_of_day_dst);
  g_test_add_func ("/time/rfc3339/parse", test_time_rfc3339_parse);
  g_test_add_func ("/time/rfc3339/reject", test_time_rfc3339_reject);
  g_test_add_func ("/time/rfc3339/range", test_time_rfc3339_range);
  g_test_add_func ("/time/rfc3339/round-trip", test_time_rfc3339_round_trip);
  g_test_add_func ("/time/format-local", test_time_format_local);

  return g_test_run ();
}
