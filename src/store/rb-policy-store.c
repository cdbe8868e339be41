/* rb-policy-store.c: writing the site's policy, as rows of `policy (site_id, key, value)` and
 * sites.show_names, which load_site_settings (rb-store.c) reads at open. */
#include "config.h"

#include "rb-policy-store.h"
#include "rb-store-private.h"

static gboolean
check_admin (RbStore *store, const char *actor_id, GError **error)
{
  g_autoptr (RbPerson) actor = NULL;

  /* No actor: the server's own command line, which its operator runs. */
  if (actor_id == NULL)
    return TRUE;
  if (!(actor = rb_store_get_person_sync (store, actor_id, NULL)))
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  if (rb_person_get_role (actor) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Writes the rows, inside the caller's write transaction. */
static gboolean
write_policy (RbStore *store, const RbPolicy *policy, GError **error)
{
  const struct
  {
    const char *key;
    int value;
  } rows[] = {
    { "desk_horizon_days", policy->desk_horizon_days },
    { "room_horizon_days", policy->room_horizon_days },
    { "team_lead_room_horizon_days", policy->team_lead_room_horizon_days },
    { "opening_minute", policy->opening_minute },
    { "closing_minute", policy->closing_minute },
    { "max_desk_minutes", policy->max_desk_minutes },
    { "one_desk_per_day", policy->one_desk_per_day ? 1 : 0 },
    { "check_in_before_minutes", policy->check_in_before_minutes },
    { "check_in_after_minutes", policy->check_in_after_minutes },
    { "panel_anonymous_booking", policy->panel_anonymous_booking ? 1 : 0 },
    { "anonymise_after_days", policy->anonymise_after_days },
    { "audit_retention_days", policy->audit_retention_days },
    { "delete_after_days", policy->delete_after_days },
    { "min_group_size", policy->min_group_size },
  };
  RbDb *db = rb_store_get_db (store);
  const char *site_id = rb_store_get_site_id (store);
  g_autoptr (RbStatement) upsert = NULL;
  g_autoptr (RbStatement) names = NULL;

  if (site_id == NULL)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      return FALSE;
    }
  upsert = rb_store_prepare (store,
                             "INSERT INTO policy (site_id, key, value) VALUES (?, ?, ?)"
                             " ON CONFLICT (site_id, key) DO UPDATE SET value = excluded.value",
                             error);
  if (upsert == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      rb_statement_reset (upsert);
      rb_statement_bind_text (upsert, 1, site_id);
      rb_statement_bind_text (upsert, 2, rows[i].key);
      rb_statement_bind_int (upsert, 3, rows[i].value);
      if (!rb_db_step_done (db, upsert, error))
        return FALSE;
    }
  names = rb_store_prepare (store, "UPDATE sites SET show_names = ? WHERE id = ?", error);
  if (names == NULL)
    return FALSE;
  rb_statement_bind_int (names, 1, policy->show_names ? 1 : 0);
  rb_statement_bind_text (names, 2, site_id);
  return rb_db_step_done (db, names, error);
}

/* An administrator's (actor_id; NULL for the command line) new policy, validated
 * (rb_policy_validate), written with its audit entry ("policy.update", before and after) and
 * a "policy" row of the change feed, and in force for the store's checks from the commit on. */
gboolean
rb_store_set_policy_sync (RbStore *store, const char *actor_id, const RbPolicy *policy,
                          GError **error)
{
  RbPolicy before;
  g_autoptr (JsonNode) before_json = NULL;
  g_autoptr (JsonNode) after_json = NULL;

  if (!check_admin (store, actor_id, error) || !rb_policy_validate (policy, NULL, error))
    return FALSE;
  rb_store_get_policy (store, &before);
  before_json = rb_policy_to_json (&before);
  after_json = rb_policy_to_json (policy);

  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!write_policy (store, policy, error)
      || !rb_store_append_audit (store, actor_id, "policy.update", rb_store_get_site_id (store),
                                 before_json, after_json, error)
      || rb_store_append_topic_change (store, "policy", error) == 0)
    {
      rb_store_rollback_write (store);
      return FALSE;
    }
  if (!rb_store_commit_write (store, error))
    return FALSE;
  rb_store_cache_policy (store, policy);
  return TRUE;
}

/* A client's mirror takes the server's policy as it is: the server validated and audited it,
 * and the mirror's change feed is the server's. */
gboolean
rb_store_replace_policy_sync (RbStore *store, const RbPolicy *policy, GError **error)
{
  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!write_policy (store, policy, error))
    {
      rb_store_rollback_write (store);
      return FALSE;
    }
  if (!rb_store_commit_write (store, error))
    return FALSE;
  rb_store_cache_policy (store, policy);
  return TRUE;
}

/* ---- async twin -------------------------------------------------------------------------- */

typedef struct
{
  char *actor_id;
  RbPolicy policy;
} PolicyArgs;

static void
policy_args_free (PolicyArgs *args)
{
  g_free (args->actor_id);
  g_free (args);
}

static gpointer
set_policy_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PolicyArgs *args = data;

  return rb_store_set_policy_sync (store, args->actor_id, &args->policy, error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

void
rb_store_set_policy_async (RbStore *store, const char *actor_id, const RbPolicy *policy,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  PolicyArgs *args = g_new0 (PolicyArgs, 1);

  args->actor_id = g_strdup (actor_id);
  args->policy = *policy;
  rb_store_run_async (store, set_policy_job, args, (GDestroyNotify) policy_args_free, NULL,
                      cancellable, callback, user_data);
}

gboolean
rb_store_set_policy_finish (RbStore *store, GAsyncResult *result, GError **error)
{
  return rb_store_run_finish (store, result, error) != NULL;
}
