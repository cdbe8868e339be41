/* rb-series-store.c: creating and cancelling series (see rb-series-store.h).
 *
 * Why one transaction: a series that is checked occurrence by occurrence and then written in
 * separate transactions can lose a slot to another client between check and write, and an
 * all-or-nothing series would then be written in part. BEGIN IMMEDIATE takes SQLite's write
 * lock before the first check, so the checks and the writes see one unchanging database, and
 * a racing single booking either comes before (and shows up as a conflict) or after (and
 * gets an overlap). The database triggers of rb-schema.c remain the last line of defence.
 *
 * Who: a team lead (the longer room horizon) or an admin creates a series, and owns its
 * bookings; only that owner or an admin may cancel occurrences of it. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-series-store.h"
#include "rb-store-private.h"

#include <string.h>

/* ---- helpers ---------------------------------------------------------------------------- */

static gboolean
step_rows (RbDb *db, RbStatement *stmt, GPtrArray *ids, GError **error)
{
  int rc;

  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (ids, g_strdup (rb_statement_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  return TRUE;
}

static GPtrArray *
bookings_of_ids (RbStore *store, GPtrArray *ids, GError **error)
{
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < ids->len; i++)
    {
      RbBooking *booking = rb_store_get_booking_sync (store, g_ptr_array_index (ids, i), error);

      if (booking == NULL)
        return NULL;
      g_ptr_array_add (bookings, booking);
    }
  return g_steal_pointer (&bookings);
}

/* What is in the way of `interval` for a conflict report: the first active booking of the
 * space, or a block, that overlaps it. */
static gboolean
find_clash_interval (RbStore *store, RbErrorCode code, const char *space_id, const char *person_id,
                     RbInterval interval, RbInterval *out_clash)
{
  const char *sql;
  g_autoptr (RbStatement) stmt = NULL;

  switch (code)
    {
    case RB_ERROR_OVERLAP:
      sql = "SELECT start, \"end\" FROM bookings WHERE space_id = ?1"
            " AND state IN ('booked', 'checked_in')"
            " AND start < ?3 AND start > CAST (?2 AS BIGINT) - ?4 AND \"end\" > ?2 ORDER BY start LIMIT 1";
      break;
    case RB_ERROR_DESK_ALREADY_HELD:
      sql = "SELECT start, \"end\" FROM bookings WHERE person_id = ?1 AND is_desk <> 0"
            " AND state IN ('booked', 'checked_in')"
            " AND start < ?3 AND start > CAST (?2 AS BIGINT) - ?4 AND \"end\" > ?2 ORDER BY start LIMIT 1";
      break;
    case RB_ERROR_SPACE_BLOCKED:
      sql = "SELECT start, \"end\" FROM space_blocks WHERE space_id = ?1"
            " AND start < ?3 AND \"end\" > ?2 AND CAST (?4 AS BIGINT) IS NOT NULL ORDER BY start LIMIT 1";
      break;
    default:
      return FALSE;
    }
  if (!(stmt = rb_store_prepare (store, sql, NULL)))
    return FALSE;
  rb_statement_bind_text (stmt, 1, code == RB_ERROR_DESK_ALREADY_HELD ? person_id : space_id);
  rb_statement_bind_int64 (stmt, 2, interval.start);
  rb_statement_bind_int64 (stmt, 3, interval.end);
  rb_statement_bind_int64 (stmt, 4, RB_STORE_MAX_BOOKING_SECONDS);
  if (rb_statement_step (stmt) != SQLITE_ROW)
    return FALSE;
  *out_clash = rb_interval_make (rb_statement_column_int64 (stmt, 0), rb_statement_column_int64 (stmt, 1));
  return TRUE;
}

static RbSeriesConflict *
conflict_new (RbInterval occurrence, const GError *error)
{
  RbSeriesConflict *conflict = g_new0 (RbSeriesConflict, 1);

  conflict->occurrence = occurrence;
  conflict->code = error->code;
  conflict->message = g_strdup (error->message);
  return conflict;
}

/* Checks one occurrence as a booking of its own; a rule violation becomes a conflict, a
 * storage failure an error. */
static gboolean
check_occurrence (RbStore *store, RbSpace *space, RbPerson *owner,
                  const RbSeriesRequest *request, RbInterval occurrence, gint64 now,
                  RbSeriesConflict **out_conflict, GError **error)
{
  g_autoptr (GError) rule_error = NULL;
  g_autoptr (RbBooking) candidate = rb_booking_new (request->id, rb_space_get_id (space),
                                                    rb_person_get_id (owner), occurrence);
  RbPolicy policy;

  rb_store_get_policy (store, &policy);
  *out_conflict = NULL;
  if (rb_policy_check_booking (&policy, rb_store_get_time_zone (store),
                               rb_person_get_role (owner), space, occurrence,
                               request->attendees, now, &rule_error)
      && rb_store_check_clashes (store, space, candidate, &rule_error))
    return TRUE;
  if (rule_error->domain != RB_ERROR)
    {
      g_propagate_error (error, g_steal_pointer (&rule_error));
      return FALSE;
    }
  *out_conflict = conflict_new (occurrence, rule_error);
  (*out_conflict)->has_clash
      = find_clash_interval (store, rule_error->code, rb_space_get_id (space),
                             rb_person_get_id (owner), occurrence, &(*out_conflict)->clash);
  return TRUE;
}

static gboolean
insert_booking (RbStore *store, RbSpace *space, RbPerson *owner, const RbSeriesRequest *request,
                RbInterval occurrence, gint64 now, char **out_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) insert = NULL;
  g_autofree char *id = g_uuid_string_random ();
  gint64 seq;
  int rc;

  if (!(seq = rb_store_append_change (store, id, error)))
    return FALSE;
  insert = rb_store_prepare (
      store,
      "INSERT INTO bookings (id, space_id, person_id, is_desk, start, \"end\", title, attendees,"
      " series_id, state, version, seq, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'booked', 1, ?, ?, ?)",
      error);
  if (insert == NULL)
    return FALSE;
  rb_statement_bind_text (insert, 1, id);
  rb_statement_bind_text (insert, 2, rb_space_get_id (space));
  rb_statement_bind_text (insert, 3, rb_person_get_id (owner));
  rb_statement_bind_int (insert, 4, rb_space_get_kind (space) == RB_SPACE_KIND_DESK);
  rb_statement_bind_int64 (insert, 5, occurrence.start);
  rb_statement_bind_int64 (insert, 6, occurrence.end);
  rb_statement_bind_text (insert, 7, request->title);
  rb_statement_bind_int (insert, 8, request->attendees);
  rb_statement_bind_text (insert, 9, request->id);
  rb_statement_bind_int64 (insert, 10, seq);
  rb_statement_bind_int64 (insert, 11, now);
  rb_statement_bind_int64 (insert, 12, now);
  rc = rb_statement_step (insert);
  if (rc != SQLITE_DONE)
    {
      /* Only reachable if a check above were missing: the triggers refuse an overlap. */
      RbErrorCode code;

      if ((rc & 0xff) == SQLITE_CONSTRAINT && rb_error_code_from_string (rb_db_errmsg (db), &code))
        rb_set_error (error, code, NULL);
      else
        rb_db_set_error (error, db, rc, "insert booking");
      return FALSE;
    }
  *out_id = g_steal_pointer (&id);
  return TRUE;
}

static gboolean
insert_series_row (RbStore *store, const RbSeriesRequest *request, RbPerson *owner, gint64 now,
                   GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "INSERT INTO series (id, space_id, person_id, rrule, first_start, first_end, title,"
      " attendees, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, request->id);
  rb_statement_bind_text (stmt, 2, request->space_id);
  rb_statement_bind_text (stmt, 3, rb_person_get_id (owner));
  rb_statement_bind_text (stmt, 4, request->rrule);
  rb_statement_bind_int64 (stmt, 5, request->first.start);
  rb_statement_bind_int64 (stmt, 6, request->first.end);
  rb_statement_bind_text (stmt, 7, request->title);
  rb_statement_bind_int (stmt, 8, request->attendees);
  rb_statement_bind_int64 (stmt, 9, now);
  return rb_db_step_done (db, stmt, error);
}

/* A retry of a series already written: the same id with the same content gets the stored
 * series back; the same id with other content is refused. Returns NULL without error when
 * there is no such series. */
static RbSeriesResult *
replay_series (RbStore *store, const RbSeriesRequest *request, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT space_id, person_id, rrule, first_start, first_end FROM series WHERE id = ?",
      error);
  g_autoptr (RbSeriesResult) result = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, request->id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  if (g_strcmp0 (rb_statement_column_text (stmt, 0), request->space_id) != 0
      || g_strcmp0 (rb_statement_column_text (stmt, 1), request->person_id) != 0
      || g_strcmp0 (rb_statement_column_text (stmt, 2), request->rrule) != 0
      || rb_statement_column_int64 (stmt, 3) != request->first.start
      || rb_statement_column_int64 (stmt, 4) != request->first.end)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("This series ID is already in use."));
      return NULL;
    }
  result = rb_series_result_new (request->id);
  g_clear_pointer (&result->bookings, g_ptr_array_unref);
  if (!(result->bookings = rb_series_store_list_bookings_sync (store, request->id, error)))
    return NULL;
  result->created = TRUE;
  result->replayed = TRUE;
  result->n_occurrences = result->bookings->len;
  return g_steal_pointer (&result);
}

/* ---- public API -------------------------------------------------------------------------- */

/* Creates a series for request->person_id. Returns a result, also when nothing was written
 * because of conflicts (created is FALSE then, and conflicts lists every occurrence that
 * cannot be booked, with the code and, where there is one, the clashing interval); NULL with
 * an error only for a request that cannot be checked at all: an invalid id or rrule
 * (invalid_field), an unknown space (not_found) or person (unauthenticated), a person who may
 * not create series (forbidden), or a storage failure.
 *
 * all_or_nothing writes every occurrence or, with any conflict, none; skip_conflicts writes
 * the occurrences without conflicts (and nothing when every one has a conflict). */
static RbSeriesResult *
series_check_or_create (RbStore *store, const RbSeriesRequest *request, gboolean write,
                        GError **error);

RbSeriesResult *
rb_series_store_create_sync (RbStore *store, const RbSeriesRequest *request, GError **error)
{
  return series_check_or_create (store, request, TRUE, error);
}

/* The same checks as rb_series_store_create_sync, in the same transaction, but nothing is
 * written: the result lists every occurrence's conflicts (created is FALSE, bookings empty),
 * so a person sees what a series would meet before they confirm it. */
RbSeriesResult *
rb_series_store_check_sync (RbStore *store, const RbSeriesRequest *request, GError **error)
{
  return series_check_or_create (store, request, FALSE, error);
}

static RbSeriesResult *
series_check_or_create (RbStore *store, const RbSeriesRequest *request, gboolean write,
                        GError **error)
{
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (RbPerson) owner = NULL;
  g_autoptr (GArray) occurrences = NULL;
  g_autoptr (GArray) accepted = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GError) lookup_error = NULL;
  g_autoptr (GError) replay_error = NULL;
  gint64 now;

  g_return_val_if_fail (request != NULL, NULL);

  if (request->id == NULL || !g_uuid_string_is_valid (request->id))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."), "id");
      return NULL;
    }
  if (request->title != NULL
      && (!g_utf8_validate (request->title, -1, NULL)
          || g_utf8_strlen (request->title, -1) > RB_JSON_MAX_TEXT))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                    "title");
      return NULL;
    }
  if (!(owner = rb_store_get_person_sync (store, request->person_id, &lookup_error)))
    {
      if (g_error_matches (lookup_error, RB_ERROR, RB_ERROR_NOT_FOUND))
        rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      else
        g_propagate_error (error, g_steal_pointer (&lookup_error));
      return NULL;
    }
  if (!rb_series_may_create (rb_person_get_role (owner)))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return NULL;
    }
  if (!(space = rb_store_get_space_sync (store, request->space_id, error)))
    return NULL;
  if (!rb_space_get_bookable (space))
    {
      rb_set_error (error, RB_ERROR_SPACE_NOT_BOOKABLE, NULL);
      return NULL;
    }
  occurrences = rb_series_expand (request->rrule, rb_store_get_time_zone (store), request->first,
                                  RB_SERIES_MAX_OCCURRENCES, error);
  if (occurrences == NULL)
    return NULL;

  if (!rb_store_begin_write (store, error))
    return NULL;

  result = replay_series (store, request, &replay_error);
  if (result != NULL || replay_error != NULL)
    {
      rb_store_rollback_write (store);
      if (replay_error != NULL)
        g_propagate_error (error, g_steal_pointer (&replay_error));
      return g_steal_pointer (&result);
    }

  /* Every occurrence is checked before anything is written. */
  now = rb_store_now (store);
  result = rb_series_result_new (request->id);
  result->n_occurrences = occurrences->len;
  for (guint i = 0; i < occurrences->len; i++)
    {
      RbInterval occurrence = g_array_index (occurrences, RbInterval, i);
      RbSeriesConflict *conflict = NULL;

      if (!check_occurrence (store, space, owner, request, occurrence, now, &conflict, error))
        goto fail;
      /* Occurrences of one rule on separate days never overlap each other, but a rule is
       * input: check it like any other booking would be. */
      if (conflict == NULL && accepted->len > 0
          && rb_interval_overlaps (g_array_index (accepted, RbInterval, accepted->len - 1),
                                   occurrence))
        {
          g_autoptr (GError) overlap = NULL;

          rb_set_error (&overlap, RB_ERROR_OVERLAP, NULL);
          conflict = conflict_new (occurrence, overlap);
          conflict->has_clash = TRUE;
          conflict->clash = g_array_index (accepted, RbInterval, accepted->len - 1);
        }
      if (conflict != NULL)
        g_ptr_array_add (result->conflicts, conflict);
      else
        g_array_append_val (accepted, occurrence);
    }

  if (!write || accepted->len == 0
      || (request->mode == RB_SERIES_MODE_ALL_OR_NOTHING && result->conflicts->len > 0))
    {
      rb_store_rollback_write (store);
      return g_steal_pointer (&result);
    }

  if (!insert_series_row (store, request, owner, now, error))
    goto fail;
  for (guint i = 0; i < accepted->len; i++)
    {
      char *id = NULL;

      if (!insert_booking (store, space, owner, request, g_array_index (accepted, RbInterval, i),
                           now, &id, error))
        goto fail;
      g_ptr_array_add (ids, id);
    }
  if (!rb_store_commit_write (store, error))
    return NULL;

  g_clear_pointer (&result->bookings, g_ptr_array_unref);
  if (!(result->bookings = bookings_of_ids (store, ids, error)))
    return NULL;
  result->created = TRUE;
  return g_steal_pointer (&result);

fail:
  rb_store_rollback_write (store);
  return NULL;
}

/* The bookings of a series in every state, in order of time; NOT_FOUND for an unknown one. */
GPtrArray *
rb_series_store_list_bookings_sync (RbStore *store, const char *series_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id FROM bookings WHERE series_id = ? ORDER BY start", error);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  gint64 known = 0;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, series_id);
  if (!step_rows (db, stmt, ids, error))
    return NULL;
  if (ids->len == 0)
    {
      g_autoptr (RbStatement) exists
          = rb_store_prepare (store, "SELECT count(*) FROM series WHERE id = ?", error);

      if (exists == NULL)
        return NULL;
      rb_statement_bind_text (exists, 1, series_id);
      if (rb_statement_step (exists) == SQLITE_ROW)
        known = rb_statement_column_int64 (exists, 0);
      if (known == 0)
        {
          rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
          return NULL;
        }
    }
  return bookings_of_ids (store, ids, error);
}

/* Cancels occurrences of a series: ONE cancels booking_id (it must be active and not over);
 * FOLLOWING cancels booking_id and every later occurrence; ALL every occurrence. FOLLOWING
 * and ALL pass over occurrences that are over or no longer active. Only the series' owner
 * or an admin may; anyone else gets RB_ERROR_FORBIDDEN. Returns the cancelled bookings,
 * each with its own change-feed row, all in one transaction. */
GPtrArray *
rb_series_store_cancel_sync (RbStore *store, const char *series_id, const char *booking_id,
                             RbSeriesCancelScope scope, const char *actor_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbPerson) actor = NULL;
  g_autoptr (RbBooking) from = NULL;
  g_autoptr (RbStatement) owner_stmt = NULL;
  g_autoptr (RbStatement) select = NULL;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) cancelled = NULL;
  gint64 now = rb_store_now (store);
  gint64 from_start = G_MININT64;
  int rc;

  if (!(actor = rb_store_get_person_sync (store, actor_id, NULL)))
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  if (scope != RB_SERIES_CANCEL_ALL && booking_id == NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                    "booking_id");
      return NULL;
    }
  if (!rb_store_begin_write (store, error))
    return NULL;

  owner_stmt = rb_store_prepare (store, "SELECT person_id FROM series WHERE id = ?", error);
  if (owner_stmt == NULL)
    goto fail;
  rb_statement_bind_text (owner_stmt, 1, series_id);
  rc = rb_statement_step (owner_stmt);
  if (rc == SQLITE_DONE)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      goto fail;
    }
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      goto fail;
    }
  if (g_strcmp0 (rb_statement_column_text (owner_stmt, 0), actor_id) != 0
      && rb_person_get_role (actor) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      goto fail;
    }

  if (scope != RB_SERIES_CANCEL_ALL)
    {
      if (!(from = rb_store_get_booking_sync (store, booking_id, error)))
        goto fail;
      if (g_strcmp0 (rb_booking_get_series_id (from), series_id) != 0)
        {
          rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
          goto fail;
        }
      if (scope == RB_SERIES_CANCEL_ONE
          && (!rb_booking_state_is_active (rb_booking_get_state (from))
              || rb_booking_get_end (from) <= now))
        {
          rb_set_error (error, RB_ERROR_INVALID_STATE, NULL);
          goto fail;
        }
      from_start = rb_booking_get_start (from);
    }

  select = rb_store_prepare (store,
                             "SELECT id FROM bookings WHERE series_id = ?1"
                             " AND state IN ('booked', 'checked_in') AND \"end\" > ?2 AND start >= ?3"
                             " AND (CAST (?4 AS TEXT) IS NULL OR id = ?4) ORDER BY start",
                             error);
  if (select == NULL)
    goto fail;
  rb_statement_bind_text (select, 1, series_id);
  rb_statement_bind_int64 (select, 2, now);
  rb_statement_bind_int64 (select, 3, from_start);
  rb_statement_bind_text (select, 4, scope == RB_SERIES_CANCEL_ONE ? booking_id : NULL);
  if (!step_rows (db, select, ids, error))
    goto fail;
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (RbBooking) stand_in = rb_booking_new (g_ptr_array_index (ids, i), NULL, NULL,
                                                       rb_interval_make (0, 0));

      if (!rb_store_set_booking_state (store, stand_in, RB_BOOKING_STATE_CANCELLED, error))
        goto fail;
    }
  if (!rb_store_commit_write (store, error))
    return NULL;
  cancelled = bookings_of_ids (store, ids, error);
  return g_steal_pointer (&cancelled);

fail:
  rb_store_rollback_write (store);
  return NULL;
}

/* ---- async twins -------------------------------------------------------------------------- */

typedef struct
{
  RbSeriesRequest *request;
  char *series_id;
  char *booking_id;
  char *actor_id;
  RbSeriesCancelScope scope;
} SeriesArgs;

static void
series_args_free (SeriesArgs *args)
{
  rb_series_request_free (args->request);
  g_free (args->series_id);
  g_free (args->booking_id);
  g_free (args->actor_id);
  g_free (args);
}

static gpointer
create_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_series_store_create_sync (store, ((SeriesArgs *) data)->request, error);
}

void
rb_series_store_create_async (RbStore *store, const RbSeriesRequest *request,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  SeriesArgs *args = g_new0 (SeriesArgs, 1);

  args->request = rb_series_request_copy (request);
  rb_store_run_async (store, create_job, args, (GDestroyNotify) series_args_free,
                      (GDestroyNotify) rb_series_result_free, cancellable, callback, user_data);
}

RbSeriesResult *
rb_series_store_create_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}

static gpointer
check_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_series_store_check_sync (store, ((SeriesArgs *) data)->request, error);
}

void
rb_series_store_check_async (RbStore *store, const RbSeriesRequest *request,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  SeriesArgs *args = g_new0 (SeriesArgs, 1);

  args->request = rb_series_request_copy (request);
  rb_store_run_async (store, check_job, args, (GDestroyNotify) series_args_free,
                      (GDestroyNotify) rb_series_result_free, cancellable, callback, user_data);
}

RbSeriesResult *
rb_series_store_check_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}

static gpointer
cancel_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  SeriesArgs *args = data;

  return rb_series_store_cancel_sync (store, args->series_id, args->booking_id, args->scope,
                                      args->actor_id, error);
}

void
rb_series_store_cancel_async (RbStore *store, const char *series_id, const char *booking_id,
                              RbSeriesCancelScope scope, const char *actor_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  SeriesArgs *args = g_new0 (SeriesArgs, 1);

  args->series_id = g_strdup (series_id);
  args->booking_id = g_strdup (booking_id);
  args->actor_id = g_strdup (actor_id);
  args->scope = scope;
  rb_store_run_async (store, cancel_job, args, (GDestroyNotify) series_args_free,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
rb_series_store_cancel_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}

static gpointer
list_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_series_store_list_bookings_sync (store, ((SeriesArgs *) data)->series_id, error);
}

void
rb_series_store_list_bookings_async (RbStore *store, const char *series_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  SeriesArgs *args = g_new0 (SeriesArgs, 1);

  args->series_id = g_strdup (series_id);
  rb_store_run_async (store, list_job, args, (GDestroyNotify) series_args_free,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, callback, user_data);
}

GPtrArray *
rb_series_store_list_bookings_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}
