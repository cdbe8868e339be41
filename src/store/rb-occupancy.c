/* rb-occupancy.c: occupancy and utilisation per bucket, floor and space kind.
 *
 * Definitions. A query covers the spaces in scope S (one floor or all, desks, rooms or both)
 * over [from, to), cut into buckets: local clock hours, or local calendar days (23 or 25
 * hours on DST days), each clipped to [from, to). For each bucket B (and each floor and/or
 * kind group when asked for):
 *
 *   spaces      = |S|, the spaces that exist (blocked ones included: they are capacity the
 *                 building has but cannot use, which is what a facility manager looks for);
 *   booked      = the bookings of S that overlap B and are not cancelled, whatever became of
 *                 them (booked, checked in or released);
 *   checked_in  = those of them that were checked in;
 *   released    = those of them released as no-shows;
 *   open(B)     = the seconds of B inside the opening hours of B's local day (policy);
 *   used        = Σ over the checked-in bookings b of |b ∩ B ∩ opening hours| in seconds;
 *   utilisation = used / (spaces × open(B)), and 0 when that is 0 (a night hour, no spaces);
 *   booked_s    = the same sum over the bookings not released (booked or checked in);
 *   forecast    = booked_s / (spaces × open(B)): what is planned, so that next week's bookings
 *                 read as more than 0 % before anyone has checked in.
 *
 * The minimum group (issue 13). A row whose bookings were made by fewer distinct people than
 * the policy's min_group_size (and by at least one) is withheld: its figures are 0 and it
 * says so (RbOccupancyRow.withheld_below), so that nobody's presence can be read off a small
 * floor or a single hour. A booking without a person (anonymised by retention, or made at a
 * door panel) counts as one person of its own: nobody can be found from it. A row without
 * bookings tells about nobody and is shown.
 *
 * So utilisation is the share of the open space-time that people actually sat in: booked
 * but never checked in does not count (that is the no-show problem, shown as `released`),
 * and since a space has no overlapping active bookings it never exceeds 1. A booking that
 * spans several hour buckets counts as booked in each of them.
 *
 * Speed. The bookings come from one range scan of the covering index bookings_occupancy
 * (start, end, space_id, state, person_id; schema 3, person_id since issue 13): start in
 * (from − 25 h, to) reads only the week asked for, never the table itself, however many
 * bookings the file holds. Which spaces
 * count is decided in C against a hash of the (at most a few thousand) spaces in scope, and
 * the buckets are filled in C, because buckets follow the local clock across DST. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-occupancy.h"
#include "rb-store-private.h"

#include <string.h>

#define BOOKINGS_SQL                                                                        \
  "SELECT space_id, start, \"end\", state, person_id FROM bookings"                             \
  " WHERE start < ?2 AND start > CAST (?1 AS BIGINT) - ?3 AND \"end\" > ?1 AND state != 'cancelled'"

typedef struct
{
  char *floor_id;
  char *floor_name;
  gboolean has_kind;
  RbSpaceKind kind;
  int spaces;
} Group;

typedef struct
{
  RbInterval interval;
  RbInterval open;   /* the part of the bucket inside opening hours; empty if none */
} Bucket;

/* Who booked in a row, counted up to the minimum group and no further. */
typedef struct
{
  GPtrArray *people; /* distinct person ids */
  int anonymous;     /* bookings without a person */
} Bookers;

static void
bookers_clear (Bookers *bookers)
{
  g_clear_pointer (&bookers->people, g_ptr_array_unref);
}

static int
bookers_count (Bookers *bookers)
{
  return (bookers->people != NULL ? bookers->people->len : 0) + bookers->anonymous;
}

static void
bookers_add (Bookers *bookers, const char *person_id, int enough)
{
  if (bookers_count (bookers) >= enough)
    return;
  if (person_id == NULL)
    {
      bookers->anonymous++;
      return;
    }
  if (bookers->people == NULL)
    bookers->people = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < bookers->people->len; i++)
    if (g_str_equal (g_ptr_array_index (bookers->people, i), person_id))
      return;
  g_ptr_array_add (bookers->people, g_strdup (person_id));
}

static void
group_free (Group *group)
{
  g_free (group->floor_id);
  g_free (group->floor_name);
  g_free (group);
}

const char *
rb_occupancy_bookings_sql (void)
{
  return BOOKINGS_SQL;
}

static gboolean
make_buckets (RbStore *store, const RbOccupancyQuery *query, GArray *buckets, GError **error)
{
  GTimeZone *tz = rb_store_get_time_zone (store);
  RbInterval range = query->range;
  RbPolicy policy;
  gint64 start;

  rb_store_get_policy (store, &policy);
  if (query->bucket == RB_OCCUPANCY_BUCKET_DAY)
    start = rb_local_day (tz, range.start).start;
  else
    {
      g_autoptr (GDateTime) local = rb_utc_to_local (tz, range.start);

      start = range.start - g_date_time_get_minute (local) * 60 - g_date_time_get_second (local);
    }

  while (start < range.end)
    {
      gint64 end = query->bucket == RB_OCCUPANCY_BUCKET_DAY ? rb_local_day (tz, start).end
                                                            : start + 3600;
      Bucket bucket;
      RbInterval opening;

      if (buckets->len >= RB_OCCUPANCY_MAX_BUCKETS)
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                        "to");
          return FALSE;
        }
      bucket.interval = rb_interval_make (MAX (start, range.start), MIN (end, range.end));
      opening = rb_policy_opening_hours (&policy, tz, bucket.interval.start);
      bucket.open = rb_interval_make (MAX (bucket.interval.start, opening.start),
                                      MIN (bucket.interval.end, opening.end));
      if (bucket.open.end < bucket.open.start)
        bucket.open.end = bucket.open.start;
      g_array_append_val (buckets, bucket);
      start = end;
    }
  return TRUE;
}

/* The spaces in scope, each mapped to its group (index + 1). */
static gboolean
load_spaces (RbStore *store, const RbOccupancyQuery *query, GHashTable *space_groups,
             GPtrArray *groups, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GHashTable) group_index = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                              NULL);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT s.id, s.floor_id, s.kind, f.name FROM spaces s JOIN floors f ON f.id = s.floor_id"
      " WHERE (CAST (?1 AS TEXT) IS NULL OR s.floor_id = ?1) AND (CAST (?2 AS TEXT) IS NULL OR s.kind = ?2)"
      " ORDER BY f.level, f.id, s.kind",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (query->floor_id != NULL)
    {
      g_autoptr (RbStatement) floor
          = rb_store_prepare (store, "SELECT 1 FROM floors WHERE id = ?", error);

      if (floor == NULL)
        return FALSE;
      rb_statement_bind_text (floor, 1, query->floor_id);
      if (rb_statement_step (floor) != SQLITE_ROW)
        {
          rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
          return FALSE;
        }
    }

  rb_statement_bind_text (stmt, 1, query->floor_id);
  rb_statement_bind_text (stmt, 2, query->filter_kind ? rb_space_kind_to_string (query->kind) : NULL);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      const char *floor_id = rb_statement_column_text (stmt, 1);
      RbSpaceKind kind = RB_SPACE_KIND_DESK;
      g_autofree char *key = NULL;
      gpointer index;
      Group *group;

      rb_space_kind_from_string (rb_statement_column_text (stmt, 2), &kind);
      key = g_strdup_printf ("%s\x1f%d", query->by_floor ? floor_id : "",
                             query->by_kind ? (int) kind : -1);
      if (!g_hash_table_lookup_extended (group_index, key, NULL, &index))
        {
          group = g_new0 (Group, 1);
          if (query->by_floor)
            {
              group->floor_id = g_strdup (floor_id);
              group->floor_name = g_strdup (rb_statement_column_text (stmt, 3));
            }
          group->has_kind = query->by_kind || query->filter_kind;
          group->kind = query->by_kind ? kind : query->kind;
          g_ptr_array_add (groups, group);
          index = GUINT_TO_POINTER (groups->len);
          g_hash_table_insert (group_index, g_steal_pointer (&key), index);
        }
      group = g_ptr_array_index (groups, GPOINTER_TO_UINT (index) - 1);
      group->spaces++;
      g_hash_table_insert (space_groups, g_strdup (rb_statement_column_text (stmt, 0)), index);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  /* A floor, or a kind, without spaces still has buckets to show: all zero. */
  if (groups->len == 0)
    {
      Group *group = g_new0 (Group, 1);

      if (query->by_floor && query->floor_id != NULL)
        group->floor_id = g_strdup (query->floor_id);
      group->has_kind = query->filter_kind;
      group->kind = query->kind;
      g_ptr_array_add (groups, group);
    }
  return TRUE;
}

/* The first bucket that ends after `instant` (buckets are in order and contiguous). */
static guint
first_bucket_after (GArray *buckets, gint64 instant)
{
  guint lo = 0, hi = buckets->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if (g_array_index (buckets, Bucket, mid).interval.end <= instant)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static gint64
overlap_seconds (RbInterval a, RbInterval b)
{
  gint64 start = MAX (a.start, b.start), end = MIN (a.end, b.end);

  return end > start ? end - start : 0;
}

/* Occupancy rows (RbOccupancyRow), ordered by bucket, then floor level, then kind. */
GPtrArray *
rb_occupancy_query_sync (RbStore *store, const RbOccupancyQuery *query, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GArray) buckets = g_array_new (FALSE, FALSE, sizeof (Bucket));
  g_autoptr (GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
  g_autoptr (GHashTable) space_groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                               NULL);
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func (
      (GDestroyNotify) rb_occupancy_row_free);
  g_autoptr (GArray) bookers = NULL;
  g_autoptr (RbStatement) stmt = NULL;
  RbPolicy policy;
  int rc;

  rb_store_get_policy (store, &policy);
  if (!rb_interval_is_valid (query->range))
    {
      rb_set_error (error, RB_ERROR_INVALID_INTERVAL, NULL);
      return NULL;
    }
  if (!make_buckets (store, query, buckets, error)
      || !load_spaces (store, query, space_groups, groups, error))
    return NULL;

  /* rows[bucket * groups + group] */
  for (guint b = 0; b < buckets->len; b++)
    for (guint g = 0; g < groups->len; g++)
      {
        RbOccupancyRow *row = g_new0 (RbOccupancyRow, 1);
        Group *group = g_ptr_array_index (groups, g);

        row->bucket = g_array_index (buckets, Bucket, b).interval;
        row->floor_id = g_strdup (group->floor_id);
        row->floor_name = g_strdup (group->floor_name);
        row->has_kind = group->has_kind;
        row->kind = group->kind;
        row->spaces = group->spaces;
        row->open_seconds = (gint64) group->spaces
                            * rb_interval_duration (g_array_index (buckets, Bucket, b).open);
        g_ptr_array_add (rows, row);
      }
  bookers = g_array_sized_new (FALSE, TRUE, sizeof (Bookers), rows->len);
  g_array_set_clear_func (bookers, (GDestroyNotify) bookers_clear);
  g_array_set_size (bookers, rows->len);

  if (!(stmt = rb_store_prepare (store, BOOKINGS_SQL, error)))
    return NULL;
  rb_statement_bind_int64 (stmt, 1, query->range.start);
  rb_statement_bind_int64 (stmt, 2, query->range.end);
  rb_statement_bind_int64 (stmt, 3, RB_STORE_MAX_BOOKING_SECONDS);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      gpointer index = g_hash_table_lookup (space_groups, rb_statement_column_text (stmt, 0));
      RbInterval booking = rb_interval_make (rb_statement_column_int64 (stmt, 1),
                                             rb_statement_column_int64 (stmt, 2));
      const char *state = rb_statement_column_text (stmt, 3);
      gboolean checked_in = g_str_equal (state, "checked_in");
      gboolean released = g_str_equal (state, "released");
      const char *person_id = rb_statement_column_text (stmt, 4);
      guint g;

      if (index == NULL)
        continue;
      g = GPOINTER_TO_UINT (index) - 1;
      for (guint b = first_bucket_after (buckets, booking.start);
           b < buckets->len && g_array_index (buckets, Bucket, b).interval.start < booking.end;
           b++)
        {
          RbOccupancyRow *row = g_ptr_array_index (rows, b * groups->len + g);

          bookers_add (&g_array_index (bookers, Bookers, b * groups->len + g), person_id,
                       policy.min_group_size);
          row->booked++;
          if (!released)
            row->booked_seconds += overlap_seconds (booking,
                                                    g_array_index (buckets, Bucket, b).open);
          if (checked_in)
            {
              row->checked_in++;
              row->used_seconds += overlap_seconds (booking,
                                                    g_array_index (buckets, Bucket, b).open);
            }
          else if (released)
            row->released++;
        }
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      RbOccupancyRow *row = g_ptr_array_index (rows, i);

      row->utilisation = row->open_seconds > 0 ? (double) row->used_seconds / row->open_seconds
                                               : 0.0;
      row->forecast = row->open_seconds > 0 ? (double) row->booked_seconds / row->open_seconds
                                            : 0.0;
      if (row->booked > 0
          && bookers_count (&g_array_index (bookers, Bookers, i)) < policy.min_group_size)
        rb_occupancy_row_withhold (row, policy.min_group_size);
    }
  return g_steal_pointer (&rows);
}

/* ---- async twin -------------------------------------------------------------------------- */

typedef struct
{
  RbOccupancyQuery query;
  char *floor_id;
} QueryArgs;

static void
query_args_free (QueryArgs *args)
{
  g_free (args->floor_id);
  g_free (args);
}

static gpointer
query_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_occupancy_query_sync (store, &((QueryArgs *) data)->query, error);
}

void
rb_occupancy_query_async (RbStore *store, const RbOccupancyQuery *query,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  QueryArgs *args = g_new0 (QueryArgs, 1);

  args->query = *query;
  args->floor_id = g_strdup (query->floor_id);
  args->query.floor_id = args->floor_id;
  rb_store_run_async (store, query_job, args, (GDestroyNotify) query_args_free,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
rb_occupancy_query_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}
