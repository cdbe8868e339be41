/* rb-audit.c: the audit log as GET /api/v1/audit answers it (data/openapi.json):
 * {"items": [entry…], "next_before": "<id>"|null}, an entry being
 * {"id", "at", "actor": {"id", "display_name"}|null, "action", "subject", "before", "after"}.
 * "before" and "after" are the JSON the change recorded, or null. */
#include "config.h"

#include "rb-audit.h"
#include "rb-store-private.h"

static JsonNode *
parse_or_null (const char *text)
{
  JsonNode *node;

  if (text == NULL || !(node = rb_json_parse (text, -1, NULL)))
    return json_node_new (JSON_NODE_NULL);
  return node;
}

static JsonNode *
entry_from_row (RbStatement *stmt)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) rb_statement_column_int64 (stmt, 0));
  g_autofree char *at = rb_time_to_rfc3339 (rb_statement_column_int64 (stmt, 1));
  const char *actor_id = rb_statement_column_text (stmt, 2);

  json_object_set_string_member (o, "id", id);
  json_object_set_string_member (o, "at", at);
  if (actor_id != NULL)
    {
      JsonObject *actor = json_object_new ();
      const char *name = rb_statement_column_text (stmt, 7);

      json_object_set_string_member (actor, "id", actor_id);
      json_object_set_string_member (actor, "display_name", name ? name : actor_id);
      json_object_set_object_member (o, "actor", actor);
    }
  else
    json_object_set_null_member (o, "actor");
  json_object_set_string_member (o, "action", rb_statement_column_text (stmt, 3));
  json_object_set_string_member (o, "subject", rb_statement_column_text (stmt, 4));
  json_object_set_member (o, "before", parse_or_null (rb_statement_column_text (stmt, 5)));
  json_object_set_member (o, "after", parse_or_null (rb_statement_column_text (stmt, 6)));
  json_node_take_object (node, o);
  return node;
}

/* One page of entries, newest first. One more row than asked for is read to know whether
 * there is a next page. */
JsonNode *
rb_audit_list_sync (RbStore *store, const RbAuditQuery *query, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  guint limit = CLAMP (query->limit, 1, RB_AUDIT_MAX_LIMIT);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT a.id, a.at, a.actor_id, a.action, a.subject, a.before, a.after, p.display_name"
      " FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id"
      " WHERE (CAST (?1 AS BIGINT) = 0 OR a.id < ?1)"
      " AND (CAST (?2 AS TEXT) IS NULL OR substr (a.action, 1, length (CAST (?2 AS TEXT))) = ?2)"
      " AND (CAST (?3 AS TEXT) IS NULL OR a.subject = ?3)"
      " ORDER BY a.id DESC LIMIT ?4",
      error);
  JsonArray *items;
  JsonObject *page;
  JsonNode *root;
  gint64 last_id = 0;
  gboolean more = FALSE;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_int64 (stmt, 1, MAX (query->before, 0));
  rb_statement_bind_text (stmt, 2, query->action_prefix);
  rb_statement_bind_text (stmt, 3, query->subject);
  rb_statement_bind_int64 (stmt, 4, limit + 1);

  items = json_array_new ();
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      if (json_array_get_length (items) == limit)
        {
          more = TRUE;
          continue;
        }
      last_id = rb_statement_column_int64 (stmt, 0);
      json_array_add_element (items, entry_from_row (stmt));
    }
  if (rc != SQLITE_DONE)
    {
      json_array_unref (items);
      rb_db_set_error (error, db, rc, "audit");
      return NULL;
    }

  page = json_object_new ();
  json_object_set_array_member (page, "items", items);
  if (more)
    {
      g_autofree char *next = g_strdup_printf ("%" G_GINT64_FORMAT, last_id);
      json_object_set_string_member (page, "next_before", next);
    }
  else
    json_object_set_null_member (page, "next_before");
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, page);
  return root;
}

/* Every entry about a person (its subject) or made by them (its actor), oldest first, as a
 * JSON array: what the person's own data export (rb-rights.c) shows of the audit log. */
JsonNode *
rb_audit_list_about_person_sync (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT a.id, a.at, a.actor_id, a.action, a.subject, a.before, a.after, p.display_name"
      " FROM audit_log a LEFT JOIN people p ON p.id = a.actor_id"
      " WHERE a.subject = ?1 OR a.actor_id = ?1 ORDER BY a.id",
      error);
  JsonArray *items;
  JsonNode *root;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, person_id);
  items = json_array_new ();
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    json_array_add_element (items, entry_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      json_array_unref (items);
      rb_db_set_error (error, rb_store_get_db (store), rc, "audit");
      return NULL;
    }
  root = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (root, items);
  return root;
}

/* ---- async twin -------------------------------------------------------------------------- */

typedef struct
{
  RbAuditQuery query;
  char *action_prefix;
  char *subject;
} AuditArgs;

static void
audit_args_free (AuditArgs *args)
{
  g_free (args->action_prefix);
  g_free (args->subject);
  g_free (args);
}

static gpointer
list_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_audit_list_sync (store, &((AuditArgs *) data)->query, error);
}

void
rb_audit_list_async (RbStore *store, const RbAuditQuery *query, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  AuditArgs *args = g_new0 (AuditArgs, 1);

  args->query = *query;
  args->action_prefix = g_strdup (query->action_prefix);
  args->subject = g_strdup (query->subject);
  args->query.action_prefix = args->action_prefix;
  args->query.subject = args->subject;
  rb_store_run_async (store, list_job, args, (GDestroyNotify) audit_args_free,
                      (GDestroyNotify) json_node_unref, cancellable, callback, user_data);
}

JsonNode *
rb_audit_list_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error);
}
