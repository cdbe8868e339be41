/* rb-blocks.c: maintenance blocks and the bookings they cancel.
 *
 * Creating a block and cancelling the bookings it overlaps is one BEGIN IMMEDIATE
 * transaction: no booking can slip in between (check_clashes refuses a blocked space from
 * the moment the block is committed), and no booking is cancelled for a block that was not
 * made. Each cancellation is an ordinary state change with its own change-feed row, so the
 * owners' clients learn of it through sync; the reason is kept in bookings.cancel_reason
 * (schema 3) and read with rb_blocks_cancel_reasons_sync. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-blocks.h"
#include "rb-store-private.h"

static gboolean
check_actor (RbStore *store, const char *actor_id, GError **error)
{
  g_autoptr (RbPerson) actor = rb_store_get_person_sync (store, actor_id, NULL);

  if (actor == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  if (!rb_blocks_may_manage (rb_person_get_role (actor)))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

/* The audit entry of a block made (its "after") or lifted (its "before"): the block, and for
 * a new one the bookings it cancelled. */
static gboolean
append_audit (RbStore *store, const char *actor_id, const char *action, gint64 block_id,
              const char *space_id, RbInterval interval, const char *reason,
              GPtrArray *cancelled, gboolean lifted, GError **error)
{
  RbSpaceBlock block = { block_id, (char *) space_id, interval, (char *) reason };
  g_autoptr (JsonNode) node = rb_space_block_to_json (&block);

  if (cancelled != NULL)
    {
      JsonArray *ids = json_array_new ();

      for (guint i = 0; i < cancelled->len; i++)
        json_array_add_string_element (ids, rb_booking_get_id (g_ptr_array_index (cancelled, i)));
      json_object_set_array_member (json_node_get_object (node), "cancelled_bookings", ids);
    }
  return rb_store_append_audit (store, actor_id, action, space_id, lifted ? node : NULL,
                                lifted ? NULL : node, error);
}

/* The active bookings of the space that a block of `interval` would cancel, in order: what
 * a facility manager sees before confirming. Bookings that are over are left alone. */
GPtrArray *
rb_blocks_list_affected_sync (RbStore *store, const char *space_id, RbInterval interval,
                              GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (RbStatement) stmt = NULL;
  int rc;

  if (!rb_interval_is_valid (interval))
    {
      rb_set_error (error, RB_ERROR_INVALID_INTERVAL, NULL);
      return NULL;
    }
  stmt = rb_store_prepare (store,
                           "SELECT id FROM bookings WHERE space_id = ?1"
                           " AND state IN ('booked', 'checked_in')"
                           " AND start < ?3 AND start > CAST (?2 AS BIGINT) - ?4 AND \"end\" > ?2 AND \"end\" > ?5"
                           " ORDER BY start",
                           error);
  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, space_id);
  rb_statement_bind_int64 (stmt, 2, interval.start);
  rb_statement_bind_int64 (stmt, 3, interval.end);
  rb_statement_bind_int64 (stmt, 4, RB_STORE_MAX_BOOKING_SECONDS);
  rb_statement_bind_int64 (stmt, 5, rb_store_now (store));
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbBooking *booking = rb_store_get_booking_sync (store, rb_statement_column_text (stmt, 0), error);

      if (booking == NULL)
        return NULL;
      g_ptr_array_add (bookings, booking);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  return g_steal_pointer (&bookings);
}

/* Blocks the space for `interval` and cancels the active bookings in the way, giving them
 * `reason` (required, at most RB_BLOCK_MAX_REASON characters). Returns the new block's id,
 * or 0 with an error; *out_cancelled (if not NULL) gets the cancelled bookings as stored. */
gint64
rb_blocks_create_sync (RbStore *store, const char *space_id, RbInterval interval,
                       const char *reason, const char *actor_id, GPtrArray **out_cancelled,
                       GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (GPtrArray) affected = NULL;
  g_autoptr (GPtrArray) cancelled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (RbStatement) insert = NULL;
  g_autoptr (RbStatement) set_reason = NULL;
  gint64 block_id;

  if (!check_actor (store, actor_id, error))
    return 0;
  if (reason == NULL || *reason == '\0' || !g_utf8_validate (reason, -1, NULL)
      || g_utf8_strlen (reason, -1) > RB_BLOCK_MAX_REASON)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                    "reason");
      return 0;
    }
  if (!rb_interval_is_valid (interval))
    {
      rb_set_error (error, RB_ERROR_INVALID_INTERVAL, NULL);
      return 0;
    }
  if (!(space = rb_store_get_space_sync (store, space_id, error)))
    return 0;

  if (!rb_store_begin_write (store, error))
    return 0;
  insert = rb_store_prepare (store,
                             "INSERT INTO space_blocks (space_id, start, \"end\", reason, created_by,"
                             " created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             error);
  if (insert == NULL)
    goto fail;
  rb_statement_bind_text (insert, 1, space_id);
  rb_statement_bind_int64 (insert, 2, interval.start);
  rb_statement_bind_int64 (insert, 3, interval.end);
  rb_statement_bind_text (insert, 4, reason);
  rb_statement_bind_text (insert, 5, actor_id);
  rb_statement_bind_int64 (insert, 6, rb_store_now (store));
  if (!rb_db_step_done (db, insert, error))
    goto fail;
  block_id = rb_db_last_insert_id (db);

  if (!(affected = rb_blocks_list_affected_sync (store, space_id, interval, error)))
    goto fail;
  set_reason
      = rb_store_prepare (store, "UPDATE bookings SET cancel_reason = ? WHERE id = ?", error);
  if (set_reason == NULL)
    goto fail;
  for (guint i = 0; i < affected->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (affected, i);

      if (!rb_store_set_booking_state (store, booking, RB_BOOKING_STATE_CANCELLED, error))
        goto fail;
      rb_statement_reset (set_reason);
      rb_statement_bind_text (set_reason, 1, reason);
      rb_statement_bind_text (set_reason, 2, rb_booking_get_id (booking));
      if (!rb_db_step_done (db, set_reason, error))
        goto fail;
    }
  if (!append_audit (store, actor_id, "block.create", block_id, space_id, interval, reason,
                     affected, FALSE, error))
    goto fail;
  if (!rb_store_commit_write (store, error))
    return 0;

  for (guint i = 0; i < affected->len; i++)
    {
      RbBooking *booking = rb_store_get_booking_sync (
          store, rb_booking_get_id (g_ptr_array_index (affected, i)), error);

      if (booking == NULL)
        return 0;
      g_ptr_array_add (cancelled, booking);
    }
  if (out_cancelled != NULL)
    *out_cancelled = g_steal_pointer (&cancelled);
  return block_id;

fail:
  rb_store_rollback_write (store);
  return 0;
}

/* Ends a block early; the bookings it cancelled stay cancelled. */
gboolean
rb_blocks_remove_sync (RbStore *store, gint64 block_id, const char *actor_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) find = NULL;
  g_autoptr (RbStatement) remove = NULL;
  g_autofree char *space_id = NULL;
  g_autofree char *reason = NULL;
  RbInterval interval;
  int rc;

  if (!check_actor (store, actor_id, error) || !rb_store_begin_write (store, error))
    return FALSE;
  find = rb_store_prepare (store, "SELECT space_id, start, \"end\", reason FROM space_blocks"
                                  " WHERE id = ?", error);
  if (find == NULL)
    goto fail;
  rb_statement_bind_int64 (find, 1, block_id);
  rc = rb_statement_step (find);
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
  space_id = g_strdup (rb_statement_column_text (find, 0));
  interval = rb_interval_make (rb_statement_column_int64 (find, 1), rb_statement_column_int64 (find, 2));
  reason = g_strdup (rb_statement_column_text (find, 3));

  remove = rb_store_prepare (store, "DELETE FROM space_blocks WHERE id = ?", error);
  if (remove == NULL)
    goto fail;
  rb_statement_bind_int64 (remove, 1, block_id);
  if (!rb_db_step_done (db, remove, error)
      || !append_audit (store, actor_id, "block.lift", block_id, space_id, interval, reason,
                        NULL, TRUE, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

/* Why bookings were cancelled: booking id → reason, for those of `bookings` that have one
 * (a block's reason). For "My bookings" and the API's booking answers. */
GHashTable *
rb_blocks_cancel_reasons_sync (RbStore *store, GPtrArray *bookings, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GHashTable) reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                          g_free);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT cancel_reason FROM bookings WHERE id = ? AND cancel_reason IS NOT NULL",
      error);

  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < bookings->len; i++)
    {
      const char *id = rb_booking_get_id (g_ptr_array_index (bookings, i));
      int rc;

      rb_statement_reset (stmt);
      rb_statement_bind_text (stmt, 1, id);
      rc = rb_statement_step (stmt);
      if (rc == SQLITE_ROW)
        g_hash_table_insert (reasons, g_strdup (id), g_strdup (rb_statement_column_text (stmt, 0)));
      else if (rc != SQLITE_DONE)
        {
          rb_db_set_error (error, db, rc, "query");
          return NULL;
        }
    }
  return g_steal_pointer (&reasons);
}

/* ---- async twin -------------------------------------------------------------------------- */

typedef struct
{
  char *space_id;
  RbInterval interval;
  char *reason;
  char *actor_id;
} BlockArgs;

static void
block_args_free (BlockArgs *args)
{
  g_free (args->space_id);
  g_free (args->reason);
  g_free (args->actor_id);
  g_free (args);
}

static gpointer
create_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  BlockArgs *args = data;
  RbBlockResult *result = g_new0 (RbBlockResult, 1);

  result->block_id = rb_blocks_create_sync (store, args->space_id, args->interval, args->reason,
                                            args->actor_id, &result->cancelled, error);
  if (result->block_id == 0)
    {
      rb_block_result_free (result);
      return NULL;
    }
  return result;
}

void
rb_blocks_create_async (RbStore *store, const char *space_id, RbInterval interval,
                        const char *reason, const char *actor_id, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  BlockArgs *args = g_new0 (BlockArgs, 1);

  args->space_id = g_strdup (space_id);
  args->interval = interval;
  args->reason = g_strdup (reason);
  args->actor_id = g_strdup (actor_id);
  rb_store_run_async (store, create_job, args, (GDestroyNotify) block_args_free,
                      (GDestroyNotify) rb_block_result_free, cancellable, callback, user_data);
}

RbBlockResult *
rb_blocks_create_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}
