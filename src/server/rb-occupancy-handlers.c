/* rb-occupancy-handlers.c: GET /occupancy and GET /reports/utilisation.csv, for facility
 * managers and admins (rb_occupancy_may_read_reports); everybody else gets 403.
 *
 * Both answer the same query (rb-occupancy.c defines every figure): per hour or local day,
 * for one floor or all, desks, rooms or both. They are aggregates only: no booking, person
 * id or name is in them, whatever the site's show_names says (DESIGN.md invariant 5). */
#include "config.h"

#include <string.h>

#include "rb-handlers.h"
#include "rb-occupancy.h"

/* Without from/to a report covers the seven local days from today. */
#define DEFAULT_DAYS 7
#define MAX_DAYS 400

typedef struct
{
  RbOccupancyQuery query;
  char *floor_id;
  gboolean has_from, has_to;
  char *filename;
} OccupancyArgs;

static void
occupancy_args_free (OccupancyArgs *args)
{
  g_free (args->floor_id);
  g_free (args->filename);
  g_free (args);
}

/* group=floor, group=kind or group=floor,kind: one row per floor and/or space kind and
 * bucket (the heat map is floor × hour). */
static gboolean
parse_group (const char *group, RbOccupancyQuery *query)
{
  g_auto (GStrv) parts = NULL;

  if (group == NULL)
    return TRUE;
  parts = g_strsplit (group, ",", 3);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (g_str_equal (parts[i], "floor") && !query->by_floor)
        query->by_floor = TRUE;
      else if (g_str_equal (parts[i], "kind") && !query->by_kind)
        query->by_kind = TRUE;
      else
        return FALSE;
    }
  return parts[0] != NULL;
}

/* Parses floor, kind, group, from, to and bucket on the main context; FALSE when it
 * answered. */
static gboolean
parse_query (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  OccupancyArgs *args = g_new0 (OccupancyArgs, 1);
  const char *floor_id = rb_request_get_query (req, "floor");
  const char *kind = rb_request_get_query (req, "kind");
  const char *bucket = rb_request_get_query (req, "bucket");
  const char *group = rb_request_get_query (req, "group");
  RbInterval range = { 0, 0 };

  rb_request_set_data (req, args, (GDestroyNotify) occupancy_args_free);
  args->query.bucket = RB_OCCUPANCY_BUCKET_HOUR;

  if (floor_id != NULL && (!g_utf8_validate (floor_id, -1, NULL) || strlen (floor_id) > 64))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(floor)");
  else if (kind != NULL && !rb_space_kind_from_string (kind, &args->query.kind))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(kind)");
  else if (bucket != NULL && !rb_occupancy_bucket_from_string (bucket, &args->query.bucket))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(bucket)");
  else if (!parse_group (group, &args->query))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(group)");
  else if (rb_request_get_time_query (req, "from", &range.start, &args->has_from, &error)
           && rb_request_get_time_query (req, "to", &range.end, &args->has_to, &error))
    {
      if (args->has_from && !args->has_to)
        range.end = range.start + DEFAULT_DAYS * 24 * 3600;
      else if (args->has_to && !args->has_from)
        range.start = range.end - DEFAULT_DAYS * 24 * 3600;
      if ((args->has_from || args->has_to) && !rb_interval_is_valid (range))
        rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
      else if (rb_interval_duration (range) > MAX_DAYS * 24 * 3600)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(to)");
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return FALSE;
    }
  args->floor_id = g_strdup (floor_id);
  args->query.floor_id = args->floor_id;
  args->query.filter_kind = kind != NULL;
  args->query.range = range;
  return TRUE;
}

/* Runs the query for a caller who may read reports; NULL with an error otherwise. */
static GPtrArray *
run_query (RbRequest *req, RbStore *store, GError **error)
{
  OccupancyArgs *args = rb_request_get_data (req);

  if (!rb_occupancy_may_read_reports (rb_person_get_role (rb_request_get_person (req))))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return NULL;
    }
  if (!args->has_from && !args->has_to)
    {
      gint64 today = rb_local_day (rb_store_get_time_zone (store), rb_store_now (store)).start;

      args->query.range = rb_interval_make (today, today + DEFAULT_DAYS * 24 * 3600);
    }
  return rb_occupancy_query_sync (store, &args->query, error);
}

/* ---- GET /occupancy ----------------------------------------------------------------------- */

static gboolean
occupancy_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (GPtrArray) rows = run_query (req, store, error);

  if (rows == NULL)
    return FALSE;
  rb_request_take_body (req, rb_occupancy_to_json (rows));
  return TRUE;
}

void
rb_handle_occupancy (RbRequest *req)
{
  if (parse_query (req))
    rb_request_run (req, occupancy_job, NULL);
}

/* ---- GET /reports/utilisation.csv --------------------------------------------------------- */

static gboolean
utilisation_csv_job (RbRequest *req, RbStore *store, GError **error)
{
  OccupancyArgs *args = rb_request_get_data (req);
  GTimeZone *tz = rb_store_get_time_zone (store);
  g_autoptr (GPtrArray) rows = run_query (req, store, error);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  char *csv;

  if (rows == NULL)
    return FALSE;
  csv = rb_occupancy_to_csv (rows, tz);
  rb_request_take_raw_body (req, "text/csv; charset=utf-8", csv, strlen (csv));
  /* The last day the report covers, not the exclusive end. */
  from = rb_time_format_local (tz, args->query.range.start, "%Y-%m-%d");
  to = rb_time_format_local (tz, args->query.range.end - 1, "%Y-%m-%d");
  args->filename = g_strdup_printf ("utilisation-%s-%s.csv", from, to);
  return TRUE;
}

/* On the main context: the headers of the message are not the store thread's to touch. */
static void
utilisation_csv_next (RbRequest *req)
{
  OccupancyArgs *args = rb_request_get_data (req);
  g_autofree char *disposition = g_strdup_printf ("attachment; filename=\"%s\"",
                                                  args->filename);

  soup_message_headers_replace (
      soup_server_message_get_response_headers (rb_request_get_message (req)),
      "Content-Disposition", disposition);
  rb_request_respond (req);
}

void
rb_handle_utilisation_csv (RbRequest *req)
{
  if (parse_query (req))
    rb_request_run (req, utilisation_csv_job, utilisation_csv_next);
}
