/* rb-occupancy-report.c: occupancy rows as JSON and CSV, and back from the server's JSON.
 * The definitions of the figures are in src/store/rb-occupancy.c, which computes them. */
#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-occupancy-report.h"
#include "rb-time.h"

void
rb_occupancy_row_free (RbOccupancyRow *row)
{
  if (row == NULL)
    return;
  g_free (row->floor_id);
  g_free (row->floor_name);
  g_free (row);
}

/* Takes the figures of a row that rests on fewer than min_group_size people. */
void
rb_occupancy_row_withhold (RbOccupancyRow *row, int min_group_size)
{
  row->booked = row->checked_in = row->released = 0;
  row->used_seconds = row->booked_seconds = 0;
  row->utilisation = row->forecast = 0.0;
  row->withheld_below = min_group_size;
}

gboolean
rb_occupancy_bucket_from_string (const char *str, RbOccupancyBucket *out_bucket)
{
  if (g_strcmp0 (str, "hour") == 0)
    *out_bucket = RB_OCCUPANCY_BUCKET_HOUR;
  else if (g_strcmp0 (str, "day") == 0)
    *out_bucket = RB_OCCUPANCY_BUCKET_DAY;
  else
    return FALSE;
  return TRUE;
}

const char *
rb_occupancy_bucket_to_string (RbOccupancyBucket bucket)
{
  return bucket == RB_OCCUPANCY_BUCKET_DAY ? "day" : "hour";
}

/* Reports (occupancy, utilisation CSV) are for facility managers and admins. */
gboolean
rb_occupancy_may_read_reports (RbRole role)
{
  return role == RB_ROLE_FACILITY_MANAGER || role == RB_ROLE_ADMIN;
}

/* ---- output ------------------------------------------------------------------------------ */

static double
rounded (double value)
{
  return (double) (gint64) (value * 10000.0 + 0.5) / 10000.0;
}

/* The occupancy shape of DESIGN.md: {"buckets": [{"start", "end", "spaces", "booked",
 * "checked_in", "released", "used_seconds", "booked_seconds",
 * "open_seconds", "utilisation", "forecast"}]}, with "floor_id"/"floor" and "kind" on rows
 * that are split that way. Counts only: there is nothing about people to leave out. */
JsonNode *
rb_occupancy_to_json (GPtrArray *rows)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "buckets");
  json_builder_begin_array (builder);
  for (guint i = 0; i < rows->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (rows, i);
      g_autofree char *start = rb_time_to_rfc3339 (row->bucket.start);
      g_autofree char *end = rb_time_to_rfc3339 (row->bucket.end);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, start);
      json_builder_set_member_name (builder, "end");
      json_builder_add_string_value (builder, end);
      if (row->floor_id != NULL)
        {
          json_builder_set_member_name (builder, "floor_id");
          json_builder_add_string_value (builder, row->floor_id);
          json_builder_set_member_name (builder, "floor");
          json_builder_add_string_value (builder, row->floor_name);
        }
      if (row->has_kind)
        {
          json_builder_set_member_name (builder, "kind");
          json_builder_add_string_value (builder, rb_space_kind_to_string (row->kind));
        }
      json_builder_set_member_name (builder, "spaces");
      json_builder_add_int_value (builder, row->spaces);
      json_builder_set_member_name (builder, "open_seconds");
      json_builder_add_int_value (builder, row->open_seconds);
      if (row->withheld_below > 0)
        {
          json_builder_set_member_name (builder, "withheld_below");
          json_builder_add_int_value (builder, row->withheld_below);
          json_builder_end_object (builder);
          continue;
        }
      json_builder_set_member_name (builder, "booked");
      json_builder_add_int_value (builder, row->booked);
      json_builder_set_member_name (builder, "checked_in");
      json_builder_add_int_value (builder, row->checked_in);
      json_builder_set_member_name (builder, "released");
      json_builder_add_int_value (builder, row->released);
      json_builder_set_member_name (builder, "used_seconds");
      json_builder_add_int_value (builder, row->used_seconds);
      json_builder_set_member_name (builder, "booked_seconds");
      json_builder_add_int_value (builder, row->booked_seconds);
      json_builder_set_member_name (builder, "utilisation");
      json_builder_add_double_value (builder, rounded (row->utilisation));
      json_builder_set_member_name (builder, "forecast");
      json_builder_add_double_value (builder, rounded (row->forecast));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Appends one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a
 * quote, CR or LF. A field that a spreadsheet would run as a formula (=, +, -, @ first) is
 * prefixed with an apostrophe, so a floor called "=HYPERLINK(…)" stays text. */
void
rb_csv_append_field (GString *line, const char *field)
{
  gboolean quote;

  if (field == NULL)
    return;
  quote = strpbrk (field, ",\"\r\n") != NULL;
  if (quote)
    g_string_append_c (line, '"');
  if (field[0] != '\0' && strchr ("=+-@", field[0]) != NULL)
    g_string_append_c (line, '\'');
  for (const char *p = field; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  if (quote)
    g_string_append_c (line, '"');
}

/* The rows as CSV (RFC 4180, UTF-8, CRLF line ends) with a header line; times are local
 * ISO 8601 with their offset, utilisation a fraction with a decimal point. */
char *
rb_occupancy_to_csv (GPtrArray *rows, GTimeZone *tz)
{
  static const char *const header[] = { "start", "end", "floor_id", "floor", "kind", "spaces",
                                         "booked", "checked_in", "released", "used_seconds",
                                         "open_seconds", "utilisation", "booked_seconds",
                                         "forecast", "withheld" };
  GString *csv = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    {
      if (i > 0)
        g_string_append_c (csv, ',');
      rb_csv_append_field (csv, header[i]);
    }
  g_string_append (csv, "\r\n");

  for (guint i = 0; i < rows->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (rows, i);
      g_autofree char *start = rb_time_format_local (tz, row->bucket.start, "%Y-%m-%dT%H:%M:%S%:z");
      g_autofree char *end = rb_time_format_local (tz, row->bucket.end, "%Y-%m-%dT%H:%M:%S%:z");
      char number[G_ASCII_DTOSTR_BUF_SIZE];

      rb_csv_append_field (csv, start);
      g_string_append_c (csv, ',');
      rb_csv_append_field (csv, end);
      g_string_append_c (csv, ',');
      rb_csv_append_field (csv, row->floor_id);
      g_string_append_c (csv, ',');
      rb_csv_append_field (csv, row->floor_name);
      g_string_append_c (csv, ',');
      if (row->has_kind)
        rb_csv_append_field (csv, rb_space_kind_to_string (row->kind));
      /* Withheld: the figures that would tell about fewer people are empty, and the last
       * field says why. */
      if (row->withheld_below > 0)
        {
          g_string_append_printf (csv,
                                  ",%d,,,,,%" G_GINT64_FORMAT ",,,,fewer than %d people\r\n",
                                  row->spaces, row->open_seconds, row->withheld_below);
          continue;
        }
      g_string_append_printf (csv, ",%d,%d,%d,%d,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",",
                              row->spaces, row->booked, row->checked_in, row->released,
                              row->used_seconds, row->open_seconds);
      g_string_append (csv, g_ascii_formatd (number, sizeof number, "%.4f", row->utilisation));
      g_string_append_printf (csv, ",%" G_GINT64_FORMAT ",", row->booked_seconds);
      g_string_append (csv, g_ascii_formatd (number, sizeof number, "%.4f", row->forecast));
      g_string_append (csv, ",\r\n");
    }
  return g_string_free (csv, FALSE);
}

/* The server's occupancy answer as rows. The fractions are computed again from the seconds,
 * not taken from the rounded JSON, so that rows from the server and from a local store are
 * the same figures, and their CSV the same text. */
GPtrArray *
rb_occupancy_from_json (JsonNode *node, GError **error)
{
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_occupancy_row_free);
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                 : NULL;
  JsonNode *buckets = o != NULL ? json_object_get_member (o, "buckets") : NULL;
  JsonArray *array;

  if (buckets == NULL || !JSON_NODE_HOLDS_ARRAY (buckets))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(buckets)");
      return NULL;
    }
  array = json_node_get_array (buckets);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *b = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      RbOccupancyRow *row = g_new0 (RbOccupancyRow, 1);
      const char *kind;
      gint64 spaces = 0, booked = 0, checked_in = 0, released = 0, withheld_below = 0;

      g_ptr_array_add (rows, row);
      if (b == NULL)
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, "(buckets)");
          return NULL;
        }
      if (!rb_json_get_time (b, "start", &row->bucket.start, error)
          || !rb_json_get_time (b, "end", &row->bucket.end, error)
          || !rb_json_get_int (b, "spaces", TRUE, 0, G_MAXINT, &spaces, error)
          || !rb_json_get_int (b, "open_seconds", TRUE, 0, G_MAXINT64, &row->open_seconds,
                               error)
          || !rb_json_get_int (b, "withheld_below", FALSE, 0, G_MAXINT, &withheld_below,
                               error))
        return NULL;
      if (withheld_below == 0
          && (!rb_json_get_int (b, "booked", TRUE, 0, G_MAXINT, &booked, error)
              || !rb_json_get_int (b, "checked_in", TRUE, 0, G_MAXINT, &checked_in, error)
              || !rb_json_get_int (b, "released", TRUE, 0, G_MAXINT, &released, error)
              || !rb_json_get_int (b, "used_seconds", TRUE, 0, G_MAXINT64, &row->used_seconds,
                                   error)
              || !rb_json_get_int (b, "booked_seconds", TRUE, 0, G_MAXINT64,
                                   &row->booked_seconds, error)))
        return NULL;
      row->withheld_below = withheld_below;
      row->spaces = spaces;
      row->booked = booked;
      row->checked_in = checked_in;
      row->released = released;
      row->floor_id = g_strdup (rb_json_get_string (b, "floor_id", FALSE, NULL));
      row->floor_name = g_strdup (rb_json_get_string (b, "floor", FALSE, NULL));
      kind = rb_json_get_string (b, "kind", FALSE, NULL);
      row->has_kind = kind != NULL && rb_space_kind_from_string (kind, &row->kind);
      row->utilisation = row->open_seconds > 0 ? (double) row->used_seconds / row->open_seconds
                                               : 0.0;
      row->forecast = row->open_seconds > 0 ? (double) row->booked_seconds / row->open_seconds
                                            : 0.0;
    }
  return g_steal_pointer (&rows);
}
