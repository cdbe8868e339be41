/* rb-series.c: parsing and expansion of the RRULE subset of rb-series.h through libical.
 *
 * libical expands the rule on *floating* local times (no zone): the first occurrence's wall
 * clock in the site's zone is handed to the iterator, and each instance it returns is turned
 * back into UTC with GTimeZone. So a weekly 09:00–11:00 slot stays 09:00–11:00 local after
 * the October DST change, and its UTC instants move by an hour, as people expect.
 *
 * UNTIL is applied here rather than by libical: compared with a floating DTSTART, libical
 * would read a UTC UNTIL as local time. A date-only UNTIL includes that local day; a
 * date-time UNTIL (which RFC 5545 requires to be UTC with a zoned DTSTART) includes every
 * occurrence starting at or before it. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libical/ical.h>

#include "rb-availability.h"
#include "rb-error.h"
#include "rb-json.h"
#include "rb-series.h"
#include "rb-time.h"

#include <string.h>

static void
rrule_error (GError **error, const char *detail)
{
  /* TRANSLATORS: the rrule error detail; %s explains what is wrong with the rule. */
  rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is invalid: %s"), "rrule", detail);
}

static gboolean
is_printable_ascii (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isprint (*p))
      return FALSE;
  return TRUE;
}

static gboolean
by_list_is_empty (const short *list)
{
  return list[0] == ICAL_RECURRENCE_ARRAY_MAX;
}

/* Whether UNTIL names a day that exists and, unless it is a date, a time of that day. libical
 * takes any digits (UNTIL=20260400T120000), and GDateTime refuses what does not exist. */
static gboolean
until_is_valid (struct icaltimetype until)
{
  if (until.year < 1 || until.year > 9999 || until.month < 1 || until.month > 12
      || until.day < 1 || until.day > 31
      || !g_date_valid_dmy (until.day, until.month, until.year))
    return FALSE;
  return until.is_date
         || (until.hour >= 0 && until.hour < 24 && until.minute >= 0 && until.minute < 60
             && until.second >= 0 && until.second < 60);
}

/* Parses and checks the subset; on success fills *out_rule. */
static gboolean
parse_rrule (const char *rrule, struct icalrecurrencetype *out_rule, GError **error)
{
  struct icalrecurrencetype rule;
  guint weekdays = 0;

  if (rrule == NULL || *rrule == '\0' || strlen (rrule) > RB_SERIES_MAX_RRULE
      || !is_printable_ascii (rrule))
    {
      rrule_error (error, _("the rule is empty or too long."));
      return FALSE;
    }

  icalerror_clear_errno ();
  rule = icalrecurrencetype_from_string (rrule);
  if (rule.freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR)
    {
      icalerror_clear_errno ();
      g_free (rule.rscale);
      rrule_error (error, _("it is not a valid recurrence rule."));
      return FALSE;
    }
  /* Nothing else may ride along: a rule that seemed to work but meant something else
   * would book the wrong days. */
  if (rule.rscale != NULL || !by_list_is_empty (rule.by_second)
      || !by_list_is_empty (rule.by_minute) || !by_list_is_empty (rule.by_hour)
      || !by_list_is_empty (rule.by_month_day) || !by_list_is_empty (rule.by_year_day)
      || !by_list_is_empty (rule.by_week_no) || !by_list_is_empty (rule.by_month)
      || !by_list_is_empty (rule.by_set_pos))
    {
      g_free (rule.rscale);
      rrule_error (error, _("only FREQ, INTERVAL, BYDAY, WKST, COUNT and UNTIL are supported."));
      return FALSE;
    }
  if (rule.freq != ICAL_DAILY_RECURRENCE && rule.freq != ICAL_WEEKLY_RECURRENCE)
    {
      rrule_error (error, _("only daily and weekly rules are supported."));
      return FALSE;
    }
  for (int i = 0; i < ICAL_BY_DAY_SIZE && rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
    {
      int weekday = icalrecurrencetype_day_day_of_week (rule.by_day[i]);

      if (icalrecurrencetype_day_position (rule.by_day[i]) != 0)
        {
          rrule_error (error, _("BYDAY takes plain weekdays such as MO or TU."));
          return FALSE;
        }
      /* libical returns a day that BYDAY names twice twice (BYDAY=TH,TH), and counts both
       * towards COUNT: the series would clash with itself. */
      if ((weekdays & (1u << weekday)) != 0)
        {
          rrule_error (error, _("it is not a valid recurrence rule."));
          return FALSE;
        }
      weekdays |= 1u << weekday;
    }
  if (rule.interval < 1 || rule.interval > 52)
    {
      rrule_error (error, _("INTERVAL must lie between 1 and 52."));
      return FALSE;
    }
  if (rule.count == 0 && icaltime_is_null_time (rule.until))
    {
      rrule_error (error, _("the rule needs COUNT or UNTIL."));
      return FALSE;
    }
  if (rule.count < 0 || rule.count > RB_SERIES_MAX_OCCURRENCES)
    {
      rrule_error (error, _("COUNT is too large."));
      return FALSE;
    }
  if (!icaltime_is_null_time (rule.until) && !until_is_valid (rule.until))
    {
      rrule_error (error, _("UNTIL is not a valid time."));
      return FALSE;
    }
  *out_rule = rule;
  return TRUE;
}

const char *
rb_series_mode_to_string (RbSeriesMode mode)
{
  return mode == RB_SERIES_MODE_SKIP_CONFLICTS ? "skip_conflicts" : "all_or_nothing";
}

gboolean
rb_series_mode_from_string (const char *str, RbSeriesMode *out_mode)
{
  if (g_strcmp0 (str, "all_or_nothing") == 0)
    *out_mode = RB_SERIES_MODE_ALL_OR_NOTHING;
  else if (g_strcmp0 (str, "skip_conflicts") == 0)
    *out_mode = RB_SERIES_MODE_SKIP_CONFLICTS;
  else
    return FALSE;
  return TRUE;
}

/* Whether the rule lies inside the supported subset; RB_ERROR_INVALID_FIELD naming "rrule"
 * otherwise. */
gboolean
rb_series_validate_rrule (const char *rrule, GError **error)
{
  struct icalrecurrencetype rule;

  return parse_rrule (rrule, &rule, error);
}

static struct icaltimetype
floating_local (GDateTime *local)
{
  struct icaltimetype t = icaltime_null_time ();

  t.year = g_date_time_get_year (local);
  t.month = g_date_time_get_month (local);
  t.day = g_date_time_get_day_of_month (local);
  t.hour = g_date_time_get_hour (local);
  t.minute = g_date_time_get_minute (local);
  t.second = 0;
  t.is_date = 0;
  return t;
}

static int
local_julian (GDateTime *local)
{
  g_autoptr (GDate) date = g_date_new_dmy (g_date_time_get_day_of_month (local),
                                           g_date_time_get_month (local),
                                           g_date_time_get_year (local));

  return (int) g_date_get_julian (date);
}

/* The UTC instant of a wall-clock time `days` days after the given local date. */
static gint64
local_instant (GTimeZone *tz, int year, int month, int day, int days, int hour, int minute)
{
  g_autoptr (GDateTime) date = g_date_time_new (tz, year, month, day, 12, 0, 0);
  g_autoptr (GDateTime) shifted = g_date_time_add_days (date, days);

  return rb_local_to_utc (tz, g_date_time_get_year (shifted), g_date_time_get_month (shifted),
                          g_date_time_get_day_of_month (shifted), hour, minute);
}

/* The occurrences of `rrule` starting with `first` (an array of RbInterval, in order), each
 * with first's local wall-clock start and end. The first occurrence is first itself when its
 * date matches the rule; a start date that BYDAY excludes is not an occurrence (libical's
 * reading), the rule then begins on the next matching day. More than max_occurrences
 * occurrences (at most RB_SERIES_MAX_OCCURRENCES) is an error, never a silent cut. */
GArray *
rb_series_expand (const char *rrule, GTimeZone *tz, RbInterval first, int max_occurrences,
                  GError **error)
{
  g_autoptr (GArray) occurrences = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  g_autoptr (GDateTime) local_start = NULL;
  g_autoptr (GDateTime) local_end = NULL;
  struct icalrecurrencetype rule;
  struct icaltimetype until;
  icalrecur_iterator *iter;
  gint64 until_instant = G_MAXINT64;
  gint64 until_date = G_MAXINT64;
  int end_days, end_hour, end_minute;

  g_return_val_if_fail (tz != NULL, NULL);

  if (max_occurrences <= 0 || max_occurrences > RB_SERIES_MAX_OCCURRENCES)
    max_occurrences = RB_SERIES_MAX_OCCURRENCES;
  if (!rb_interval_is_valid (first))
    {
      rb_set_error (error, RB_ERROR_INVALID_INTERVAL, NULL);
      return NULL;
    }
  if (!parse_rrule (rrule, &rule, error))
    return NULL;

  until = rule.until;
  rule.until = icaltime_null_time ();
  if (!icaltime_is_null_time (until))
    {
      if (until.is_date)
        until_date = (gint64) until.year * 10000 + until.month * 100 + until.day;
      else if (icaltime_is_utc (until))
        {
          g_autoptr (GDateTime) utc = g_date_time_new_utc (until.year, until.month, until.day,
                                                           until.hour, until.minute,
                                                           until.second);
          if (utc == NULL)
            {
              rrule_error (error, _("UNTIL is not a valid time."));
              return NULL;
            }
          until_instant = g_date_time_to_unix (utc);
        }
      else
        {
          /* A floating UNTIL: read it in the site's zone. */
          until_instant = rb_local_to_utc (tz, until.year, until.month, until.day, until.hour,
                                           until.minute)
                          + until.second;
        }
    }

  local_start = rb_utc_to_local (tz, first.start);
  local_end = rb_utc_to_local (tz, first.end);
  end_days = local_julian (local_end) - local_julian (local_start);
  end_hour = g_date_time_get_hour (local_end);
  end_minute = g_date_time_get_minute (local_end);

  iter = icalrecur_iterator_new (rule, floating_local (local_start));
  g_free (rule.rscale);
  if (iter == NULL)
    {
      icalerror_clear_errno ();
      rrule_error (error, _("it is not a valid recurrence rule."));
      return NULL;
    }

  for (;;)
    {
      struct icaltimetype next = icalrecur_iterator_next (iter);
      RbInterval occurrence;

      if (icaltime_is_null_time (next))
        break;
      if ((gint64) next.year * 10000 + next.month * 100 + next.day > until_date)
        break;
      occurrence.start = rb_local_to_utc (tz, next.year, next.month, next.day, next.hour,
                                          next.minute);
      if (occurrence.start > until_instant)
        break;
      occurrence.end = local_instant (tz, next.year, next.month, next.day, end_days, end_hour,
                                      end_minute);
      if ((int) occurrences->len >= max_occurrences)
        {
          icalrecur_iterator_free (iter);
          rb_set_error (error, RB_ERROR_INVALID_FIELD,
                        g_dngettext (GETTEXT_PACKAGE,
                                     "A series can have at most %d occurrence.",
                                     "A series can have at most %d occurrences.",
                                     max_occurrences),
                        max_occurrences);
          return NULL;
        }
      /* Only a DST gap can make an end fall on or before its start (a slot ending in the
       * skipped hour); such an occurrence cannot be booked and is reported by the policy. */
      g_array_append_val (occurrences, occurrence);
    }
  icalrecur_iterator_free (iter);
  icalerror_clear_errno ();

  if (occurrences->len == 0)
    {
      rrule_error (error, _("it has no occurrences."));
      return NULL;
    }
  return g_steal_pointer (&occurrences);
}

/* A rule for a sprint: every chosen weekday up to and including the local day of last_day. */
char *
rb_series_build_rrule (RbWeekdays weekdays, GTimeZone *tz, gint64 last_day)
{
  static const char *const names[] = { "MO", "TU", "WE", "TH", "FR", "SA", "SU" };
  g_autoptr (GString) rule = g_string_new ("FREQ=DAILY");
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, last_day);
  gboolean any = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (weekdays & (1 << i))
      {
        g_string_append (rule, any ? "," : ";BYDAY=");
        g_string_append (rule, names[i]);
        any = TRUE;
      }
  g_string_append_printf (rule, ";UNTIL=%04d%02d%02d", g_date_time_get_year (local),
                          g_date_time_get_month (local), g_date_time_get_day_of_month (local));
  return g_string_free (g_steal_pointer (&rule), FALSE);
}

RbSeriesRequest *
rb_series_request_new (void)
{
  RbSeriesRequest *request = g_new0 (RbSeriesRequest, 1);

  request->attendees = 1;
  request->mode = RB_SERIES_MODE_ALL_OR_NOTHING;
  return request;
}

void
rb_series_request_free (RbSeriesRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->id);
  g_free (request->space_id);
  g_free (request->person_id);
  g_free (request->rrule);
  g_free (request->title);
  g_free (request);
}

static void
field_error (GError **error, const char *name)
{
  rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."), name);
}

const char *const rb_series_request_members[] = {
  "id", "space_id", "start", "end", "rrule", "title", "attendees", "mode", NULL,
};

/* The series request of DESIGN.md; person_id stays NULL (it is the caller, not the body). */
RbSeriesRequest *
rb_series_request_from_json (JsonNode *node, GError **error)
{
  g_autoptr (RbSeriesRequest) request = rb_series_request_new ();
  GError *local_error = NULL;
  JsonObject *o;
  const char *id, *space_id, *rrule, *title, *mode;
  gint64 start = 0, end = 0, attendees = 1;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, NULL);
      return NULL;
    }
  o = json_node_get_object (node);
  if (!(id = rb_json_get_string (o, "id", TRUE, error))
      || !(space_id = rb_json_get_string (o, "space_id", TRUE, error))
      || !rb_json_get_time (o, "start", &start, error)
      || !rb_json_get_time (o, "end", &end, error)
      || !(rrule = rb_json_get_string (o, "rrule", TRUE, error))
      || !rb_json_get_int (o, "attendees", FALSE, 1, 1000, &attendees, error))
    return NULL;
  if (!g_uuid_string_is_valid (id))
    {
      field_error (error, "id");
      return NULL;
    }
  title = rb_json_get_string (o, "title", FALSE, &local_error);
  if (local_error == NULL)
    mode = rb_json_get_string (o, "mode", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (mode != NULL && !rb_series_mode_from_string (mode, &request->mode))
    {
      field_error (error, "mode");
      return NULL;
    }
  if (!rb_series_validate_rrule (rrule, error))
    return NULL;

  request->id = g_strdup (id);
  request->space_id = g_strdup (space_id);
  request->first = rb_interval_make (start, end);
  request->rrule = g_strdup (rrule);
  request->title = g_strdup (title);
  request->attendees = attendees;
  return g_steal_pointer (&request);
}

/* The series request of DESIGN.md, as a client sends it. */
JsonNode *
rb_series_request_to_json (const RbSeriesRequest *request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *start = rb_time_to_rfc3339 (request->first.start);
  g_autofree char *end = rb_time_to_rfc3339 (request->first.end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, request->id);
  json_builder_set_member_name (builder, "space_id");
  json_builder_add_string_value (builder, request->space_id);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "rrule");
  json_builder_add_string_value (builder, request->rrule);
  if (request->title != NULL)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, request->title);
    }
  json_builder_set_member_name (builder, "attendees");
  json_builder_add_int_value (builder, request->attendees);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, rb_series_mode_to_string (request->mode));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RbSeriesRequest *
rb_series_request_copy (const RbSeriesRequest *request)
{
  RbSeriesRequest *copy = rb_series_request_new ();

  copy->id = g_strdup (request->id);
  copy->space_id = g_strdup (request->space_id);
  copy->person_id = g_strdup (request->person_id);
  copy->first = request->first;
  copy->rrule = g_strdup (request->rrule);
  copy->title = g_strdup (request->title);
  copy->attendees = request->attendees;
  copy->mode = request->mode;
  return copy;
}

/* ---- results ------------------------------------------------------------------------------ */

void
rb_series_conflict_free (RbSeriesConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->message);
  g_free (conflict);
}

void
rb_series_result_free (RbSeriesResult *result)
{
  if (result == NULL)
    return;
  g_free (result->series_id);
  g_clear_pointer (&result->bookings, g_ptr_array_unref);
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_free (result);
}

RbSeriesResult *
rb_series_result_new (const char *series_id)
{
  RbSeriesResult *result = g_new0 (RbSeriesResult, 1);

  result->series_id = g_strdup (series_id);
  result->bookings = g_ptr_array_new_with_free_func (g_object_unref);
  result->conflicts = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_series_conflict_free);
  return result;
}

/* Series are for team leads (their team's sprints and recurring slots) and admins. */
gboolean
rb_series_may_create (RbRole role)
{
  return role == RB_ROLE_TEAM_LEAD || role == RB_ROLE_ADMIN;
}

/* ---- JSON -------------------------------------------------------------------------------- */

/* {"start", "end", "code", "date", "message", and "clash_start"/"clash_end" when known}:
 * the conflict of DESIGN.md's series response, with the local date for people. */
JsonNode *
rb_series_conflict_to_json (RbSeriesConflict *conflict, GTimeZone *tz)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *start = rb_time_to_rfc3339 (conflict->occurrence.start);
  g_autofree char *end = rb_time_to_rfc3339 (conflict->occurrence.end);
  g_autofree char *date = rb_time_format_local (tz, conflict->occurrence.start, "%Y-%m-%d");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "date");
  json_builder_add_string_value (builder, date);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, rb_error_code_to_string (conflict->code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, conflict->message);
  if (conflict->has_clash)
    {
      g_autofree char *clash_start = rb_time_to_rfc3339 (conflict->clash.start);
      g_autofree char *clash_end = rb_time_to_rfc3339 (conflict->clash.end);

      json_builder_set_member_name (builder, "clash_start");
      json_builder_add_string_value (builder, clash_start);
      json_builder_set_member_name (builder, "clash_end");
      json_builder_add_string_value (builder, clash_end);
    }
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The series response of DESIGN.md: {"series_id", "bookings": […], "conflicts": […]}. */
JsonNode *
rb_series_result_to_json (RbSeriesResult *result, GTimeZone *tz, gboolean with_person)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "series_id");
  json_builder_add_string_value (builder, result->series_id);
  json_builder_set_member_name (builder, "bookings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->bookings->len; i++)
    json_builder_add_value (builder,
                            rb_json_from_booking (g_ptr_array_index (result->bookings, i),
                                                  with_person));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < result->conflicts->len; i++)
    json_builder_add_value (builder,
                            rb_series_conflict_to_json (g_ptr_array_index (result->conflicts, i),
                                                        tz));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}


/* A conflict list of a series answer (or of its 409/422 problem): each conflict's message is
 * made anew from its code and clash, in this process's language, as a local check would
 * word it. */
GPtrArray *
rb_series_conflicts_from_json (JsonNode *node, GTimeZone *tz, GError **error)
{
  g_autoptr (GPtrArray) conflicts
      = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_series_conflict_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(conflicts)");
      return NULL;
    }
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      g_autoptr (GError) reason = NULL;
      RbSeriesConflict *conflict;
      const char *code_name;
      RbErrorCode code;

      if (o == NULL || (code_name = rb_json_get_string (o, "code", TRUE, error)) == NULL)
        {
          if (o == NULL)
            rb_set_error (error, RB_ERROR_INVALID_FIELD, "(conflicts)");
          return NULL;
        }
      conflict = g_new0 (RbSeriesConflict, 1);
      g_ptr_array_add (conflicts, conflict);
      if (!rb_json_get_time (o, "start", &conflict->occurrence.start, error)
          || !rb_json_get_time (o, "end", &conflict->occurrence.end, error))
        return NULL;
      /* A code this client does not know yet is still a conflict; it reads as invalid. */
      conflict->code = rb_error_code_from_string (code_name, &code) ? code
                                                                    : RB_ERROR_INVALID_FIELD;
      conflict->has_clash = json_object_has_member (o, "clash_start")
                            && rb_json_get_time (o, "clash_start", &conflict->clash.start, NULL)
                            && rb_json_get_time (o, "clash_end", &conflict->clash.end, NULL);
      if (conflict->has_clash)
        rb_set_clash_error (&reason, conflict->code, tz, conflict->clash);
      else
        rb_set_error (&reason, conflict->code, NULL);
      conflict->message = g_strdup (reason->message);
    }
  return g_steal_pointer (&conflicts);
}

/* The series response of DESIGN.md, from the server: a reservation's (201/200) or a dry
 * run's. */
RbSeriesResult *
rb_series_result_from_json (JsonNode *node, GTimeZone *tz, GError **error)
{
  g_autoptr (RbSeriesResult) result = NULL;
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                 : NULL;
  const char *series_id;
  JsonNode *bookings;
  GPtrArray *conflicts;
  gboolean dry_run;

  if (o == NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, NULL);
      return NULL;
    }
  if ((series_id = rb_json_get_string (o, "series_id", TRUE, error)) == NULL)
    return NULL;
  result = rb_series_result_new (series_id);
  bookings = json_object_get_member (o, "bookings");
  if (bookings == NULL || !JSON_NODE_HOLDS_ARRAY (bookings))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(bookings)");
      return NULL;
    }
  dry_run = json_object_get_boolean_member_with_default (o, "dry_run", FALSE);
  /* A dry run's bookings were never stored (version 0); like a local check, the result is
   * its conflicts, and the free days are the rest of the rule's days. */
  for (guint i = 0; !dry_run && i < json_array_get_length (json_node_get_array (bookings)); i++)
    {
      RbBooking *booking
          = rb_json_to_booking (json_array_get_element (json_node_get_array (bookings), i), error);

      if (booking == NULL)
        return NULL;
      g_ptr_array_add (result->bookings, booking);
    }
  if ((conflicts = rb_series_conflicts_from_json (json_object_get_member (o, "conflicts"), tz,
                                                  error))
      == NULL)
    return NULL;
  g_ptr_array_extend_and_steal (result->conflicts, conflicts);
  result->n_occurrences = (dry_run ? json_array_get_length (json_node_get_array (bookings))
                                   : result->bookings->len)
                          + result->conflicts->len;
  result->created = result->bookings->len > 0;
  return g_steal_pointer (&result);
}
