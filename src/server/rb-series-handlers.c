/* rb-series-handlers.c: POST /series (and its dry run), GET /series/{id} and
 * DELETE /series/{id}.
 *
 * The store checks every occurrence of a series before it writes anything, in one
 * BEGIN IMMEDIATE transaction (rb-series-store.c); this file maps its result onto HTTP:
 *   - bookings written: 201 with the series response of DESIGN.md; a retry with the same id
 *     and content answers 200 with the bookings of the first try and the occurrences it
 *     skipped (like POST /bookings);
 *   - nothing written: a problem document carrying "conflicts", one per occurrence. When
 *     every conflict is a rule that refuses the request by itself (capacity, horizon,
 *     opening hours …) the answer is 422 with that rule's code; otherwise 409 with the code
 *     of the first clash with other bookings or blocks.
 * POST /series?dry_run=true runs the same checks in the same kind of transaction
 * (rb_series_store_check_sync) and writes nothing: 200 with the series response, what a real
 * create would book now and every conflict, and "dry_run": true; conflicts are reported, not
 * refused. Invalid requests fail exactly as a real create does.
 * Cancelling one occurrence goes through DELETE /bookings/{id}: a series' bookings belong to
 * its owner, so the owner (or an admin) may cancel them there, exactly as
 * rb_series_store_cancel_sync allows for the series as a whole. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-handlers.h"
#include "rb-problem.h"
#include "rb-series-store.h"

typedef struct
{
  RbSeriesRequest *request;
  gboolean dry_run;
  RbSeriesCancelScope scope;
  char *from_id;
} SeriesArgs;

static void
series_args_free (SeriesArgs *args)
{
  g_clear_pointer (&args->request, rb_series_request_free);
  g_free (args->from_id);
  g_free (args);
}

static SeriesArgs *
series_args_new (RbRequest *req)
{
  SeriesArgs *args = g_new0 (SeriesArgs, 1);

  rb_request_set_data (req, args, (GDestroyNotify) series_args_free);
  return args;
}

/* A conflict as JSON, with the local wall-clock time of the occurrence ("09:00–11:00") next
 * to the date, so that a person reads it without converting UTC. */
static JsonNode *
conflict_to_json (RbSeriesConflict *conflict, GTimeZone *tz)
{
  JsonNode *node = rb_series_conflict_to_json (conflict, tz);
  g_autofree char *from = rb_time_format_local (tz, conflict->occurrence.start, "%H:%M");
  g_autofree char *to = rb_time_format_local (tz, conflict->occurrence.end, "%H:%M");
  g_autofree char *time = g_strdup_printf ("%s–%s", from, to);

  json_object_set_string_member (json_node_get_object (node), "time", time);
  return node;
}

static JsonNode *
conflicts_to_json (GPtrArray *conflicts, GTimeZone *tz)
{
  JsonArray *array = json_array_sized_new (conflicts->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < conflicts->len; i++)
    json_array_add_element (array, conflict_to_json (g_ptr_array_index (conflicts, i), tz));
  json_node_take_array (node, array);
  return node;
}

static JsonNode *
bookings_to_json (RbRequest *req, GPtrArray *bookings)
{
  JsonArray *array = json_array_sized_new (bookings->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < bookings->len; i++)
    json_array_add_element (array,
                            rb_request_booking_to_json (req, g_ptr_array_index (bookings, i)));
  json_node_take_array (node, array);
  return node;
}

/* {"series_id", "bookings": […], "conflicts": […]} and, for a cancellation, "cancelled". */
static JsonNode *
series_body (RbRequest *req, const char *series_id, const char *member, GPtrArray *bookings,
             GPtrArray *conflicts, GTimeZone *tz)
{
  JsonObject *o = json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "series_id", series_id);
  json_object_set_member (o, member, bookings_to_json (req, bookings));
  if (conflicts != NULL)
    json_object_set_member (o, "conflicts", conflicts_to_json (conflicts, tz));
  json_node_take_object (root, o);
  return root;
}

/* A rule that refuses the occurrence by itself, whatever else is booked (422), as opposed
 * to a clash with other bookings or a block (409). */
static gboolean
is_request_rule (RbErrorCode code)
{
  GError probe = { RB_ERROR, code, NULL };

  return rb_problem_status_for_error (&probe) == SOUP_STATUS_UNPROCESSABLE_ENTITY;
}

static void
set_conflicts_error (RbSeriesResult *result, GError **error)
{
  RbErrorCode code = RB_ERROR_OVERLAP;
  gboolean all_rules = TRUE;
  guint n = result->conflicts->len;

  for (guint i = 0; i < n; i++)
    all_rules = all_rules
                && is_request_rule (((RbSeriesConflict *) g_ptr_array_index (result->conflicts,
                                                                              i))->code);
  for (guint i = 0; i < n; i++)
    {
      RbSeriesConflict *conflict = g_ptr_array_index (result->conflicts, i);

      if (all_rules || !is_request_rule (conflict->code))
        {
          code = conflict->code;
          break;
        }
    }
  g_set_error (error, RB_ERROR, code,
               /* TRANSLATORS: the answer to a series that could not be booked; the first %u
                * is how many occurrences have a conflict, the second how many there are. */
               ngettext ("%u of %u occurrence of the series cannot be booked, so nothing "
                         "was booked.",
                         "%u of %u occurrences of the series cannot be booked, so nothing "
                         "was booked.",
                         result->n_occurrences),
               n, result->n_occurrences);
}

/* ---- POST /series ------------------------------------------------------------------------- */

/* A retry of a series that was written: the store gives back its bookings but not the
 * occurrences that were skipped. They are found again with a dry run of the same rule under
 * a fresh id (the original id would just replay), keeping the conflicts of occurrences that
 * have no booking of the series, so that the retry answers what the first try answered as
 * far as the database still says so. */
static void
add_replayed_conflicts (RbStore *store, RbSeriesRequest *request, RbSeriesResult *result)
{
  g_autoptr (RbSeriesResult) check = NULL;
  g_autofree char *id = request->id;

  request->id = g_uuid_string_random ();
  check = rb_series_store_check_sync (store, request, NULL);
  g_free (request->id);
  request->id = g_steal_pointer (&id);
  if (check == NULL)
    return;
  for (guint i = 0; i < check->conflicts->len; i++)
    {
      RbSeriesConflict *conflict = g_ptr_array_index (check->conflicts, i);
      gboolean booked = FALSE;

      for (guint j = 0; j < result->bookings->len && !booked; j++)
        booked = rb_booking_get_start (g_ptr_array_index (result->bookings, j))
                 == conflict->occurrence.start;
      if (!booked)
        g_ptr_array_add (result->conflicts, g_ptr_array_steal_index (check->conflicts, i--));
    }
}

/* The bookings a real create would write for a checked series that has none yet: every
 * occurrence without a conflict, or none when all_or_nothing meets a conflict. They are not
 * stored, so they have a fresh id that nothing keeps, version 0 and seq 0. */
static GPtrArray *
planned_bookings (RbStore *store, const RbSeriesRequest *request, RbSeriesResult *result,
                  GError **error)
{
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GArray) occurrences = NULL;

  if (request->mode == RB_SERIES_MODE_ALL_OR_NOTHING && result->conflicts->len > 0)
    return g_steal_pointer (&bookings);
  occurrences = rb_series_expand (request->rrule, rb_store_get_time_zone (store), request->first,
                                  RB_SERIES_MAX_OCCURRENCES, error);
  if (occurrences == NULL)
    return NULL;
  for (guint i = 0; i < occurrences->len; i++)
    {
      RbInterval occurrence = g_array_index (occurrences, RbInterval, i);
      g_autofree char *id = NULL;
      gboolean in_conflict = FALSE;
      RbBooking *booking;

      for (guint j = 0; j < result->conflicts->len && !in_conflict; j++)
        in_conflict
            = ((RbSeriesConflict *) g_ptr_array_index (result->conflicts, j))->occurrence.start
              == occurrence.start;
      if (in_conflict)
        continue;
      id = g_uuid_string_random ();
      booking = rb_booking_new (id, request->space_id, request->person_id, occurrence);
      rb_booking_set_title (booking, request->title);
      rb_booking_set_attendees (booking, request->attendees);
      rb_booking_set_series_id (booking, request->id);
      rb_booking_set_version (booking, 0);
      g_ptr_array_add (bookings, booking);
    }
  return g_steal_pointer (&bookings);
}

/* POST /series?dry_run=true: the checks of a real create, nothing written. A series id that
 * was already written answers as its retry would, with the bookings as stored. */
static gboolean
dry_run_job (RbRequest *req, RbStore *store, RbSeriesRequest *request, GError **error)
{
  g_autoptr (RbSeriesResult) result = rb_series_store_check_sync (store, request, error);
  g_autoptr (GPtrArray) bookings = NULL;
  JsonNode *body;

  if (result == NULL)
    return FALSE;
  if (result->replayed)
    {
      add_replayed_conflicts (store, request, result);
      bookings = g_ptr_array_ref (result->bookings);
    }
  else if (!(bookings = planned_bookings (store, request, result, error)))
    return FALSE;
  body = series_body (req, result->series_id, "bookings", bookings, result->conflicts,
                      rb_store_get_time_zone (store));
  json_object_set_boolean_member (json_node_get_object (body), "dry_run", TRUE);
  rb_request_take_body (req, body);
  return TRUE;
}

static gboolean
create_series_job (RbRequest *req, RbStore *store, GError **error)
{
  SeriesArgs *args = rb_request_get_data (req);
  RbPerson *person = rb_request_get_person (req);
  GTimeZone *tz = rb_store_get_time_zone (store);
  g_autoptr (RbSeriesResult) result = NULL;
  g_autofree char *location = NULL;

  if (!rb_series_may_create (rb_person_get_role (person)))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  g_free (args->request->person_id);
  args->request->person_id = g_strdup (rb_person_get_id (person));
  if (args->dry_run)
    return dry_run_job (req, store, args->request, error);
  if (!(result = rb_series_store_create_sync (store, args->request, error)))
    return FALSE;

  if (!result->created)
    {
      rb_request_take_problem_member (req, "conflicts",
                                      conflicts_to_json (result->conflicts, tz));
      set_conflicts_error (result, error);
      return FALSE;
    }
  if (result->replayed)
    add_replayed_conflicts (store, args->request, result);
  location = g_strdup_printf ("/api/v1/series/%s", result->series_id);
  rb_request_set_status (req, result->replayed ? SOUP_STATUS_OK : SOUP_STATUS_CREATED);
  rb_request_set_location (req, location);
  rb_request_take_body (req, series_body (req, result->series_id, "bookings", result->bookings,
                                          result->conflicts, tz));
  return TRUE;
}

void
rb_handle_create_series (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, rb_series_request_members, &error);
  const char *key = rb_request_get_header (req, "Idempotency-Key");
  const char *dry_run = rb_request_get_query (req, "dry_run");
  SeriesArgs *args;
  JsonNode *node;

  if (body == NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  if (dry_run != NULL && !g_str_equal (dry_run, "true") && !g_str_equal (dry_run, "false"))
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(dry_run)");
      rb_request_fail (req, error);
      return;
    }
  /* The core takes a null "attendees" as absent; here it is a wrong type like any other. */
  if (json_object_has_member (body, "attendees")
      && JSON_NODE_HOLDS_NULL (json_object_get_member (body, "attendees")))
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(attendees)");
      rb_request_fail (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  args = series_args_new (req);
  args->dry_run = g_strcmp0 (dry_run, "true") == 0;
  args->request = rb_series_request_from_json (node, &error);
  json_node_unref (node);
  if (args->request == NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  if (key != NULL && g_ascii_strcasecmp (key, args->request->id) != 0)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(Idempotency-Key)");
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, create_series_job, NULL);
}

/* ---- GET /series/{id} --------------------------------------------------------------------- */

static gboolean
get_series_job (RbRequest *req, RbStore *store, GError **error)
{
  const char *series_id = rb_request_get_path_id (req);
  g_autoptr (GPtrArray) bookings = rb_series_store_list_bookings_sync (store, series_id, error);

  if (bookings == NULL)
    return FALSE;
  /* Other people's series come like other people's bookings: without who and what. */
  rb_request_take_body (req, series_body (req, series_id, "bookings", bookings, NULL,
                                          rb_store_get_time_zone (store)));
  return TRUE;
}

void
rb_handle_get_series (RbRequest *req)
{
  rb_request_run (req, get_series_job, NULL);
}

/* ---- DELETE /series/{id}?scope=all|following&from=<booking id> ---------------------------- */

static gboolean
cancel_series_job (RbRequest *req, RbStore *store, GError **error)
{
  SeriesArgs *args = rb_request_get_data (req);
  const char *series_id = rb_request_get_path_id (req);
  g_autoptr (GPtrArray) cancelled = rb_series_store_cancel_sync (
      store, series_id, args->from_id, args->scope,
      rb_person_get_id (rb_request_get_person (req)), error);

  if (cancelled == NULL)
    return FALSE;
  rb_request_take_body (req, series_body (req, series_id, "cancelled", cancelled, NULL,
                                          rb_store_get_time_zone (store)));
  return TRUE;
}

void
rb_handle_cancel_series (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  SeriesArgs *args = series_args_new (req);
  const char *scope = rb_request_get_query (req, "scope");
  const char *from = rb_request_get_query (req, "from");

  if (scope == NULL || g_str_equal (scope, "all"))
    args->scope = RB_SERIES_CANCEL_ALL;
  else if (g_str_equal (scope, "following"))
    args->scope = RB_SERIES_CANCEL_FOLLOWING;
  else
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(scope)");

  if (error == NULL && args->scope == RB_SERIES_CANCEL_FOLLOWING
      && (from == NULL || !g_uuid_string_is_valid (from)))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(from)");
  else if (error == NULL && args->scope == RB_SERIES_CANCEL_ALL && from != NULL)
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(from)");
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  args->from_id = g_strdup (from);
  rb_request_run (req, cancel_series_job, NULL);
}
