/* test-series.c: the RRULE subset and its expansion (rb-series.c), without a database:
 * wall-clock times kept across the DST change, a Monday-to-Friday sprint with COUNT, UNTIL
 * as a date and as a UTC time, INTERVAL=2, refused rules and the occurrence cap. */
#include "config.h"

#include "rb-series.h"
#include "rb-test-util.h"

#include <string.h>

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))

static GArray *
expand_ok (const char *rrule, RbInterval first)
{
  g_autoptr (GError) error = NULL;
  GArray *occurrences = rb_series_expand (rrule, rb_test_berlin (), first, 0, &error);

  g_assert_no_error (error);
  g_assert_nonnull (occurrences);
  return occurrences;
}

static RbInterval
nth (GArray *occurrences, guint i)
{
  g_assert_cmpuint (i, <, occurrences->len);
  return g_array_index (occurrences, RbInterval, i);
}

/* Local wall clock of an instant as "YYYY-MM-DD HH:MM". */
static char *
local_text (gint64 instant)
{
  return rb_time_format_local (rb_test_berlin (), instant, "%Y-%m-%d %H:%M");
}

#define assert_local(instant, text)                                                         \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autofree char *_t = local_text (instant);                                           \
    g_assert_cmpstr (_t, ==, (text));                                                     \
  }                                                                                       \
  G_STMT_END

static void
test_series_weekly_across_dst (void)
{
  /* Thursdays 09:00–11:00 from 15 October 2026; clocks go back on Sunday 25 October. */
  RbInterval first = rb_interval_make (B (2026, 10, 15, 9, 0), B (2026, 10, 15, 11, 0));
  g_autoptr (GArray) occ = expand_ok ("FREQ=WEEKLY;BYDAY=TH;COUNT=4", first);

  g_assert_cmpuint (occ->len, ==, 4);
  assert_local (nth (occ, 0).start, "2026-10-15 09:00");
  assert_local (nth (occ, 0).end, "2026-10-15 11:00");
  assert_local (nth (occ, 1).start, "2026-10-22 09:00");
  assert_local (nth (occ, 2).start, "2026-10-29 09:00");
  assert_local (nth (occ, 2).end, "2026-10-29 11:00");
  assert_local (nth (occ, 3).start, "2026-11-05 09:00");

  /* In UTC: 07:00 in summer time, 08:00 after the change. */
  g_assert_cmpint (nth (occ, 1).start, ==, rb_test_utc_time (2026, 10, 22, 7, 0, 0));
  g_assert_cmpint (nth (occ, 2).start, ==, rb_test_utc_time (2026, 10, 29, 8, 0, 0));
  g_assert_cmpint (nth (occ, 2).end, ==, rb_test_utc_time (2026, 10, 29, 10, 0, 0));
  /* A week apart on the wall clock is a week and an hour in UTC across the change. */
  g_assert_cmpint (nth (occ, 2).start - nth (occ, 1).start, ==, 7 * 24 * 3600 + 3600);
  for (guint i = 0; i < occ->len; i++)
    g_assert_cmpint (rb_interval_duration (nth (occ, i)), ==, 2 * 3600);
}

static void
test_series_daily_across_dst_day (void)
{
  /* Every day, the 25 October itself included: 23:00 UTC is never involved, 09:00 stays. */
  RbInterval first = rb_interval_make (B (2026, 10, 24, 9, 0), B (2026, 10, 24, 17, 30));
  g_autoptr (GArray) occ = expand_ok ("FREQ=DAILY;COUNT=3", first);

  g_assert_cmpuint (occ->len, ==, 3);
  assert_local (nth (occ, 1).start, "2026-10-25 09:00");
  assert_local (nth (occ, 1).end, "2026-10-25 17:30");
  assert_local (nth (occ, 2).start, "2026-10-26 09:00");
  g_assert_cmpint (nth (occ, 1).start - nth (occ, 0).start, ==, 25 * 3600);
}

static void
test_series_sprint_count (void)
{
  /* A two-week sprint: Monday 7 December 2026, Mon–Fri, ten days. */
  RbInterval first = rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 16, 0));
  g_autoptr (GArray) occ = expand_ok ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", first);
  static const char *const days[] = { "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10",
                                      "2026-12-11", "2026-12-14", "2026-12-15", "2026-12-16",
                                      "2026-12-17", "2026-12-18" };

  g_assert_cmpuint (occ->len, ==, 10);
  for (guint i = 0; i < occ->len; i++)
    {
      g_autofree char *start = g_strdup_printf ("%s 09:00", days[i]);
      g_autofree char *end = g_strdup_printf ("%s 16:00", days[i]);

      assert_local (nth (occ, i).start, start);
      assert_local (nth (occ, i).end, end);
    }

  /* The same sprint as DAILY with BYDAY gives the same days. */
  {
    g_autoptr (GArray) daily = expand_ok ("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=10", first);

    g_assert_cmpuint (daily->len, ==, 10);
    for (guint i = 0; i < occ->len; i++)
      g_assert_cmpint (nth (daily, i).start, ==, nth (occ, i).start);
  }
}

static void
test_series_until (void)
{
  RbInterval first = rb_interval_make (B (2026, 12, 7, 10, 0), B (2026, 12, 7, 11, 0));

  /* A date: that local day is included. */
  {
    g_autoptr (GArray) occ = expand_ok ("FREQ=DAILY;UNTIL=20261210", first);

    g_assert_cmpuint (occ->len, ==, 4);
    assert_local (nth (occ, 3).start, "2026-12-10 10:00");
  }
  /* A UTC time: occurrences starting at or before it. 10:00 Berlin is 09:00 UTC. */
  {
    g_autoptr (GArray) occ = expand_ok ("FREQ=DAILY;UNTIL=20261210T090000Z", first);

    g_assert_cmpuint (occ->len, ==, 4);
  }
  {
    g_autoptr (GArray) occ = expand_ok ("FREQ=DAILY;UNTIL=20261210T085959Z", first);

    g_assert_cmpuint (occ->len, ==, 3);
  }
  /* A sprint rule as the app builds it. */
  {
    g_autofree char *rule = rb_series_build_rrule (RB_WEEKDAYS_WORKING_DAYS, rb_test_berlin (),
                                                   B (2026, 12, 18, 23, 30));
    g_autoptr (GArray) occ = NULL;

    g_assert_cmpstr (rule, ==, "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;UNTIL=20261218");
    occ = expand_ok (rule, first);
    g_assert_cmpuint (occ->len, ==, 10);
    assert_local (nth (occ, 9).start, "2026-12-18 10:00");
  }
}

static void
test_series_interval (void)
{
  RbInterval first = rb_interval_make (B (2026, 12, 1, 14, 0), B (2026, 12, 1, 15, 30));
  g_autoptr (GArray) weekly = expand_ok ("FREQ=WEEKLY;INTERVAL=2;COUNT=3", first);
  g_autoptr (GArray) daily = expand_ok ("FREQ=DAILY;INTERVAL=2;COUNT=3", first);

  g_assert_cmpuint (weekly->len, ==, 3);
  assert_local (nth (weekly, 1).start, "2026-12-15 14:00");
  assert_local (nth (weekly, 2).start, "2026-12-29 14:00");
  assert_local (nth (weekly, 2).end, "2026-12-29 15:30");
  assert_local (nth (daily, 1).start, "2026-12-03 14:00");
  assert_local (nth (daily, 2).start, "2026-12-05 14:00");
}

static void
test_series_start_not_matching_byday (void)
{
  /* A start on a Saturday with BYDAY=MO: the rule begins on the next Monday. */
  RbInterval first = rb_interval_make (B (2026, 12, 5, 9, 0), B (2026, 12, 5, 10, 0));
  g_autoptr (GArray) occ = expand_ok ("FREQ=WEEKLY;BYDAY=MO;COUNT=2", first);

  g_assert_cmpuint (occ->len, ==, 2);
  assert_local (nth (occ, 0).start, "2026-12-07 09:00");
  assert_local (nth (occ, 1).start, "2026-12-14 09:00");
}

static void
test_series_invalid_rules (void)
{
  static const char *const invalid[] = {
    "",
    "garbage",
    "FREQ=MONTHLY;COUNT=3",
    "FREQ=YEARLY;COUNT=3",
    "FREQ=HOURLY;COUNT=3",
    "FREQ=DAILY",                            /* no end */
    "FREQ=DAILY;FOO=1;COUNT=2",
    "FREQ=DAILY;COUNT=2;UNTIL=20261231",     /* both */
    "FREQ=WEEKLY;BYDAY=1MO;COUNT=3",         /* positions are for monthly rules */
    "FREQ=DAILY;BYHOUR=9;COUNT=3",
    "FREQ=DAILY;BYMONTH=12;COUNT=3",
    "FREQ=DAILY;BYMONTHDAY=1;COUNT=3",
    "FREQ=WEEKLY;BYSETPOS=1;BYDAY=MO;COUNT=3",
    "FREQ=DAILY;INTERVAL=0;COUNT=3",
    "FREQ=DAILY;COUNT=-1",
    "FREQ=DAILY;COUNT=0",
    "FREQ=DAILY;COUNT=371",
    "FREQ=DAILY;COUNT=2\nX",
    "FREQ=DAILY;UNTIL=20260400T120000",      /* no such day (found by fuzz-rrule) */
    "FREQ=DAILY;UNTIL=20260229",
    "FREQ=DAILY;UNTIL=20261310T090000Z",
    "FREQ=DAILY;UNTIL=20261210T240000",
    "FREQ=WEEKLY;BYDAY=TH,TH;COUNT=4",       /* libical yields each Thursday twice */
    "FREQ=DAILY;BYDAY=MO,TU,MO;COUNT=3",
  };
  RbInterval first = rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0));
  g_autofree char *long_rule = g_strnfill (RB_SERIES_MAX_RRULE + 1, 'A');

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GArray) occ = rb_series_expand (invalid[i], rb_test_berlin (), first, 0, &error);

      g_test_message ("rule “%s”", invalid[i]);
      g_assert_null (occ);
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
      g_assert_nonnull (strstr (error->message, "rrule"));
      g_clear_error (&error);
      g_assert_false (rb_series_validate_rrule (invalid[i], &error));
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (rb_series_validate_rrule (long_rule, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (rb_series_validate_rrule (NULL, &error));
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
  /* Lower case is what RFC 5545 allows too. */
  g_assert_true (rb_series_validate_rrule ("freq=weekly;byday=mo;count=2", NULL));
}

static void
test_series_cap (void)
{
  RbInterval first = rb_interval_make (B (2026, 12, 7, 9, 0), B (2026, 12, 7, 10, 0));

  /* COUNT at the cap works; more occurrences through UNTIL are refused, never cut. */
  {
    g_autoptr (GArray) occ = expand_ok ("FREQ=DAILY;COUNT=370", first);

    g_assert_cmpuint (occ->len, ==, RB_SERIES_MAX_OCCURRENCES);
  }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GArray) occ = rb_series_expand ("FREQ=DAILY;UNTIL=20281231", rb_test_berlin (),
                                               first, 0, &error);

    g_assert_null (occ);
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
  /* A caller may ask for a lower cap. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GArray) occ = rb_series_expand ("FREQ=DAILY;COUNT=11", rb_test_berlin (), first,
                                               10, &error);

    g_assert_null (occ);
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
  /* A rule that ends before it starts has nothing to book. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GArray) occ = rb_series_expand ("FREQ=DAILY;UNTIL=20261201", rb_test_berlin (),
                                               first, 0, &error);

    g_assert_null (occ);
    rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  }
}

static void
test_series_request_json (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (
      "{\"id\": \"6f1f7c1e-8a43-4a39-9d57-1b6c8f0e2a11\", \"space_id\": \"a1-r01\","
      " \"start\": \"2026-12-07T08:00:00Z\", \"end\": \"2026-12-07T10:00:00Z\","
      " \"rrule\": \"FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4\", \"title\": \"Sprint\", \"attendees\": 6,"
      " \"mode\": \"skip_conflicts\"}",
      -1, &error);
  g_autoptr (RbSeriesRequest) request = NULL;

  g_assert_no_error (error);
  request = rb_series_request_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->space_id, ==, "a1-r01");
  g_assert_cmpint (request->first.start, ==, rb_test_utc_time (2026, 12, 7, 8, 0, 0));
  g_assert_cmpint (request->attendees, ==, 6);
  g_assert_cmpint (request->mode, ==, RB_SERIES_MODE_SKIP_CONFLICTS);
  g_assert_cmpstr (request->title, ==, "Sprint");
  g_assert_null (request->person_id);

  {
    g_autoptr (JsonNode) bad = rb_json_parse (
        "{\"id\": \"6f1f7c1e-8a43-4a39-9d57-1b6c8f0e2a11\", \"space_id\": \"a1-r01\","
        " \"start\": \"2026-12-07T08:00:00Z\", \"end\": \"2026-12-07T10:00:00Z\","
        " \"rrule\": \"FREQ=MONTHLY;COUNT=4\"}",
        -1, NULL);
    g_autoptr (GError) bad_error = NULL;
    g_autoptr (RbSeriesRequest) refused = rb_series_request_from_json (bad, &bad_error);

    g_assert_null (refused);
    rb_assert_rb_error (bad_error, RB_ERROR_INVALID_FIELD, "invalid_field");
    g_assert_nonnull (strstr (bad_error->message, "rrule"));
  }
  {
    g_autoptr (JsonNode) bad = rb_json_parse (
        "{\"id\": \"6f1f7c1e-8a43-4a39-9d57-1b6c8f0e2a11\", \"space_id\": \"a1-r01\","
        " \"start\": \"2026-12-07T08:00:00Z\", \"end\": \"2026-12-07T10:00:00Z\","
        " \"rrule\": \"FREQ=DAILY;COUNT=4\", \"mode\": \"some\"}",
        -1, NULL);
    g_autoptr (GError) bad_error = NULL;
    g_autoptr (RbSeriesRequest) refused = rb_series_request_from_json (bad, &bad_error);

    g_assert_null (refused);
    rb_assert_rb_error (bad_error, RB_ERROR_INVALID_FIELD, "invalid_field");
    g_assert_nonnull (strstr (bad_error->message, "mode"));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/series/weekly-across-dst", test_series_weekly_across_dst);
  g_test_add_func ("/series/daily-across-dst-day", test_series_daily_across_dst_day);
  g_test_add_func ("/series/sprint-count", test_series_sprint_count);
  g_test_add_func ("/series/until", test_series_until);
  g_test_add_func ("/series/interval", test_series_interval);
  g_test_add_func ("/series/start-not-matching-byday", test_series_start_not_matching_byday);
  g_test_add_func ("/series/invalid-rules", test_series_invalid_rules);
  g_test_add_func ("/series/cap", test_series_cap);
  g_test_add_func ("/series/request-json", test_series_request_json);

  return g_test_run ();
}
