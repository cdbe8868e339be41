/* fuzz-rrule.c: the RRULE of a series request (libical underneath). An input is a rule,
 * optionally followed by a line with the first occurrence's start (RFC 3339) and a line with
 * its length in minutes; without them the first occurrence is a Monday morning a week before
 * the spring DST change in Berlin. A rule that validates is expanded as the server expands
 * it: at most RB_SERIES_MAX_OCCURRENCES occurrences, in order, each a valid interval unless a
 * DST gap swallowed its end. */
#include "config.h"

#include <stdlib.h>

#include "rb-error.h"
#include "rb-fuzz.h"
#include "rb-series.h"
#include "rb-time.h"

static GTimeZone *site_tz;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  rb_fuzz_init ();
  site_tz = rb_time_zone_new (RB_DEFAULT_TIMEZONE, NULL);
  g_assert_nonnull (site_tz);
  return 0;
}

/* The first occurrence from the lines after the rule, within what a request could say. */
static RbInterval
read_first (char **lines)
{
  /* Monday 23 March 2026, 09:00–11:00 in Berlin. */
  RbInterval first = rb_interval_make (1774252800, 1774252800 + 2 * 3600);
  gint64 minutes;

  if (lines[0] == NULL || lines[1] == NULL)
    return first;
  if (rb_time_parse_rfc3339 (lines[1], &first.start) != NULL)
    return first;
  first.end = first.start + 2 * 3600;
  if (lines[2] != NULL
      && g_ascii_string_to_signed (lines[2], 10, -1440, 7 * 1440, &minutes, NULL))
    first.end = first.start + minutes * 60;
  return first;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = rb_fuzz_dup_text (data, size);
  g_auto (GStrv) lines = g_strsplit (text, "\n", 4);
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) occurrences = NULL;
  const char *rrule = lines[0] != NULL ? lines[0] : "";
  RbInterval first = read_first (lines);

  if (!rb_series_validate_rrule (rrule, &error))
    {
      g_assert_true (g_error_matches (error, RB_ERROR, RB_ERROR_INVALID_FIELD));
      return 0;
    }
  g_assert_no_error (error);

  occurrences = rb_series_expand (rrule, site_tz, first, RB_SERIES_MAX_OCCURRENCES, &error);
  if (occurrences == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == RB_ERROR);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (occurrences->len, >=, 1);
  g_assert_cmpuint (occurrences->len, <=, RB_SERIES_MAX_OCCURRENCES);
  for (guint i = 1; i < occurrences->len; i++)
    g_assert_cmpint (g_array_index (occurrences, RbInterval, i - 1).start, <,
                     g_array_index (occurrences, RbInterval, i).start);
  return 0;
}
