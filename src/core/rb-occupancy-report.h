/* rb-occupancy-report.h: how the building is used, per hour or day, per floor and space kind,
 * as facility managers read it (GET /occupancy, /reports/utilisation.csv, the heat map):
 * the rows, their JSON and their CSV. Aggregates only: nothing here knows who booked, and a
 * row whose figures rest on fewer distinct people than the site's minimum group (policy
 * min_group_size) carries none of them, only that they were withheld (issue 13). The store
 * computes the rows (rb-occupancy.c, where the figures are defined). */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-interval.h"
#include "rb-types.h"

G_BEGIN_DECLS

typedef enum
{
  RB_OCCUPANCY_BUCKET_HOUR,
  RB_OCCUPANCY_BUCKET_DAY,
} RbOccupancyBucket;

/* At most this many buckets per query: a whole year of days, or nine weeks of hours. */
#define RB_OCCUPANCY_MAX_BUCKETS 1512

typedef struct
{
  const char *floor_id;    /* NULL: every floor */
  gboolean filter_kind;    /* FALSE: desks and rooms together */
  RbSpaceKind kind;
  RbInterval range;        /* [from, to) */
  RbOccupancyBucket bucket;
  gboolean by_floor;       /* one row per floor and bucket instead of one per bucket */
  gboolean by_kind;        /* one row per space kind and bucket */
} RbOccupancyQuery;

typedef struct
{
  RbInterval bucket;
  char *floor_id;          /* with by_floor, else NULL */
  char *floor_name;
  gboolean has_kind;       /* with by_kind or filter_kind */
  RbSpaceKind kind;
  int spaces;
  int booked;
  int checked_in;
  int released;
  gint64 used_seconds;     /* checked in: what people really used */
  gint64 booked_seconds;   /* booked or checked in: the forecast for days to come */
  gint64 open_seconds;     /* spaces × opening seconds in the bucket */
  double utilisation;      /* used ÷ open */
  double forecast;         /* booked ÷ open */
  int withheld_below;      /* not 0: booked by fewer people than this; the figures are 0 */
} RbOccupancyRow;

void rb_occupancy_row_free (RbOccupancyRow *row);

gboolean rb_occupancy_bucket_from_string (const char *str, RbOccupancyBucket *out_bucket);
const char *rb_occupancy_bucket_to_string (RbOccupancyBucket bucket);
gboolean rb_occupancy_may_read_reports (RbRole role);

JsonNode *rb_occupancy_to_json (GPtrArray *rows);
GPtrArray *rb_occupancy_from_json (JsonNode *node, GError **error);
char *rb_occupancy_to_csv (GPtrArray *rows, GTimeZone *tz);
void rb_occupancy_row_withhold (RbOccupancyRow *row, int min_group_size);
void rb_csv_append_field (GString *line, const char *field);

G_END_DECLS
