/* rb-floor-plans.c: a floor's plan drawing in table floor_plans, one row per floor. Setting
 * and removing it happen in one write transaction with the audit entry ("floor.plan") and the
 * "building" topic row that tells clients to read it again. The audit entry records what the
 * drawing was (type, size, time), never its bytes. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-db.h"
#include "rb-floor-plans.h"
#include "rb-store-private.h"

static gboolean
floor_exists (RbStore *store, const char *floor_id, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "SELECT 1 FROM floors WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, floor_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
  else
    rb_db_set_error (error, rb_store_get_db (store), rc, "floor");
  return FALSE;
}

/* The audit's picture of a drawing: its type, size and time, or JSON null for none. */
static JsonNode *
describe (RbPlanDrawing *drawing)
{
  JsonObject *o;
  JsonNode *node;
  g_autofree char *updated_at = NULL;

  if (drawing == NULL)
    return json_node_new (JSON_NODE_NULL);
  o = json_object_new ();
  updated_at = rb_time_to_rfc3339 (drawing->updated_at);
  json_object_set_string_member (o, "content_type", drawing->content_type);
  json_object_set_int_member (o, "bytes", g_bytes_get_size (drawing->data));
  json_object_set_string_member (o, "updated_at", updated_at);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* The drawing of a floor; NULL with RB_ERROR_NOT_FOUND when the floor has none (or is not
 * there). */
RbPlanDrawing *
rb_floor_plans_get_sync (RbStore *store, const char *floor_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT content_type, data, updated_at FROM floor_plans WHERE floor_id = ?", error);
  g_autoptr (GBytes) data = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, floor_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "floor plan");
      return NULL;
    }
  data = g_bytes_new (rb_statement_column_blob (stmt, 1), rb_statement_column_bytes (stmt, 1));
  return rb_plan_drawing_new (rb_statement_column_text (stmt, 0), data, rb_statement_column_int64 (stmt, 2));
}

/* Writes (drawing) or deletes (NULL) the row, inside the caller's transaction. */
static gboolean
write_row (RbStore *store, const char *floor_id, RbPlanDrawing *drawing, GError **error)
{
  g_autoptr (RbStatement) stmt = NULL;

  if (drawing == NULL)
    {
      stmt = rb_store_prepare (store, "DELETE FROM floor_plans WHERE floor_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      rb_statement_bind_text (stmt, 1, floor_id);
      return rb_db_step_done (rb_store_get_db (store), stmt, error);
    }
  stmt = rb_store_prepare (store,
                           "INSERT INTO floor_plans (floor_id, content_type, data, updated_at)"
                           " VALUES (?, ?, ?, ?) ON CONFLICT (floor_id) DO UPDATE SET"
                           " content_type = excluded.content_type, data = excluded.data,"
                           " updated_at = excluded.updated_at",
                           error);
  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, floor_id);
  rb_statement_bind_text (stmt, 2, drawing->content_type);
  rb_statement_bind_blob (stmt, 3, g_bytes_get_data (drawing->data, NULL),
                       g_bytes_get_size (drawing->data));
  rb_statement_bind_int64 (stmt, 4, drawing->updated_at);
  return rb_db_step_done (rb_store_get_db (store), stmt, error);
}

/* Sets or (drawing NULL) removes a floor's drawing as an administrator's change. */
static gboolean
change (RbStore *store, const char *actor_id, const char *floor_id, RbPlanDrawing *drawing,
        GError **error)
{
  g_autoptr (RbPlanDrawing) before = NULL;
  g_autoptr (JsonNode) before_node = NULL;
  g_autoptr (JsonNode) after_node = describe (drawing);
  g_autoptr (GError) local_error = NULL;

  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!floor_exists (store, floor_id, error))
    goto fail;
  before = rb_floor_plans_get_sync (store, floor_id, &local_error);
  if (before == NULL && !g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      goto fail;
    }
  if (drawing == NULL && before == NULL)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      goto fail;
    }
  before_node = describe (before);
  if (!write_row (store, floor_id, drawing, error)
      || !rb_store_append_audit (store, actor_id, "floor.plan", floor_id, before_node,
                                 after_node, error)
      || rb_store_append_topic_change (store, "building", error) == 0)
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

gboolean
rb_floor_plans_set_sync (RbStore *store, const char *actor_id, const char *floor_id,
                         const char *content_type, GBytes *data, gint64 *out_updated_at,
                         GError **error)
{
  g_autoptr (RbPlanDrawing) drawing = NULL;

  if (!rb_plan_drawing_check (content_type, data, error))
    return FALSE;
  drawing = rb_plan_drawing_new (content_type, data, rb_store_now (store));
  if (!change (store, actor_id, floor_id, drawing, error))
    return FALSE;
  if (out_updated_at != NULL)
    *out_updated_at = drawing->updated_at;
  return TRUE;
}

/* NOT_FOUND when the floor has no drawing to remove. */
gboolean
rb_floor_plans_remove_sync (RbStore *store, const char *actor_id, const char *floor_id,
                            GError **error)
{
  return change (store, actor_id, floor_id, NULL, error);
}

/* A mirror's copy of the server's drawing (or, NULL, that the server has none): no audit, no
 * feed row, since the change was the server's. */
gboolean
rb_floor_plans_cache_sync (RbStore *store, const char *floor_id, RbPlanDrawing *drawing,
                           GError **error)
{
  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!write_row (store, floor_id, drawing, error))
    {
      rb_store_rollback_write (store);
      return FALSE;
    }
  return rb_store_commit_write (store, error);
}
