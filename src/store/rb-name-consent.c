/* rb-name-consent.c: a person's consent to show their name on their bookings (people.show_name,
 * schema 12). A change of mind reaches every client: each of the person's bookings that still
 * names them gets a new version and a change-feed row, so that a client which was sent the name
 * is sent the booking again without it (and the other way round). */
#include "config.h"

#include "rb-name-consent.h"
#include "rb-db.h"
#include "rb-error.h"
#include "rb-store-private.h"

static JsonNode *
consent_to_json (RbStore *store, gboolean show_name)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  RbPolicy policy;

  rb_store_get_policy (store, &policy);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "show_name");
  json_builder_add_boolean_value (builder, show_name);
  json_builder_set_member_name (builder, "site_shows_names");
  json_builder_add_boolean_value (builder, policy.show_names);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* The person's choice; RB_ERROR_NOT_FOUND for no such person. */
static gboolean
read_consent (RbStore *store, const char *person_id, gboolean *out_show_name, GError **error)
{
  g_autoptr (RbStatement) stmt =
      rb_store_prepare (store, "SELECT show_name FROM people WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, person_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_show_name = rb_statement_column_int (stmt, 0) != 0;
      return TRUE;
    }
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
  else
    rb_db_set_error (error, rb_store_get_db (store), rc, "query");
  return FALSE;
}

JsonNode *
rb_name_consent_get_sync (RbStore *store, const char *person_id, GError **error)
{
  gboolean show_name;

  if (!read_consent (store, person_id, &show_name, error))
    return NULL;
  return consent_to_json (store, show_name);
}

/* Every booking that still carries the person gets a new version and change-feed row. */
static gboolean
announce_bookings (RbStore *store, const char *person_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) list = rb_store_prepare (
      store, "SELECT id FROM bookings WHERE person_id = ? AND anonymised = 0", error);
  g_autoptr (RbStatement) update = NULL;
  g_autoptr (GPtrArray) ids = NULL;

  if (list == NULL)
    return FALSE;
  rb_statement_bind_text (list, 1, person_id);
  if (!(ids = rb_store_collect_texts (store, list, error)))
    return FALSE;
  update = rb_store_prepare (store,
                             "UPDATE bookings SET version = version + 1, seq = ?2, updated_at = ?3"
                             " WHERE id = ?1",
                             error);
  if (update == NULL)
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gint64 seq = rb_store_append_change (store, id, error);

      if (seq == 0)
        return FALSE;
      rb_statement_reset (update);
      rb_statement_bind_text (update, 1, id);
      rb_statement_bind_int64 (update, 2, seq);
      rb_statement_bind_int64 (update, 3, rb_store_now (store));
      if (!rb_db_step_done (db, update, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_consent (RbStore *store, const char *person_id, gboolean show_name, GError **error)
{
  g_autoptr (RbStatement) update = NULL;
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;
  gboolean current;

  if (!read_consent (store, person_id, &current, error))
    return FALSE;
  if (!current == !show_name)
    return TRUE;
  update = rb_store_prepare (store, "UPDATE people SET show_name = ? WHERE id = ?", error);
  if (update == NULL)
    return FALSE;
  rb_statement_bind_int (update, 1, show_name ? 1 : 0);
  rb_statement_bind_text (update, 2, person_id);
  before = consent_to_json (store, current);
  after = consent_to_json (store, show_name);
  return rb_db_step_done (rb_store_get_db (store), update, error)
         && announce_bookings (store, person_id, error)
         && rb_store_append_audit (store, person_id, "person.show_name", person_id, before, after,
                                   error);
}

/* The person's own choice (only they make it: person_id is the one signed in), with an audit
 * entry when it changed; RB_ERROR_NOT_FOUND for no such person. */
JsonNode *
rb_name_consent_set_sync (RbStore *store, const char *person_id, gboolean show_name,
                          GError **error)
{
  if (!rb_store_begin_write (store, error))
    return NULL;
  if (!write_consent (store, person_id, show_name, error))
    {
      rb_store_rollback_write (store);
      return NULL;
    }
  if (!rb_store_commit_write (store, error))
    return NULL;
  return consent_to_json (store, show_name);
}
