/* rb-policy-handlers.c: the site's policy and the audit log. GET /policy for every caller,
 * kiosks too (they check bookings by it while offline); PUT /policy and GET /audit for
 * administrators only. A new policy is in force from its commit on, and its "policy" row in
 * the change feed tells the clients to read it again. */
#include "config.h"

#include "rb-audit.h"
#include "rb-handlers.h"
#include "rb-policy-store.h"

typedef struct
{
  RbPolicy policy;
  GError *invalid; /* why the body was refused, told only to an administrator */
  const char *field;
  RbAuditQuery audit;
} PolicyArgs;

static void
policy_args_free (PolicyArgs *args)
{
  g_clear_error (&args->invalid);
  g_free (args);
}

static PolicyArgs *
policy_args_new (RbRequest *req)
{
  PolicyArgs *args = g_new0 (PolicyArgs, 1);

  rb_request_set_data (req, args, (GDestroyNotify) policy_args_free);
  return args;
}

/* ---- GET /policy ------------------------------------------------------------------------- */

static gboolean
get_policy_job (RbRequest *req, RbStore *store, GError **error)
{
  RbPolicy policy;

  rb_store_get_policy (store, &policy);
  rb_request_take_body (req, rb_policy_to_json (&policy));
  return TRUE;
}

void
rb_handle_get_policy (RbRequest *req)
{
  rb_request_run (req, get_policy_job, NULL);
}

/* ---- PUT /policy ------------------------------------------------------------------------- */

static gboolean
set_policy_job (RbRequest *req, RbStore *store, GError **error)
{
  PolicyArgs *args = rb_request_get_data (req);

  /* The route table admits administrators only (rb-server.c). */
  if (args->invalid != NULL)
    {
      if (args->field != NULL)
        rb_request_take_problem_member (req, "field", json_node_init_string (
                                                          json_node_alloc (), args->field));
      g_propagate_error (error, g_steal_pointer (&args->invalid));
      return FALSE;
    }
  if (!rb_store_set_policy_sync (store, rb_person_get_id (rb_request_get_person (req)),
                                 &args->policy, error))
    return FALSE;
  rb_request_take_body (req, rb_policy_to_json (&args->policy));
  return TRUE;
}

/* The whole policy, every member of GET /policy's answer. A refused body is told after the
 * caller was found to be an administrator: anyone else learns only that they may not. */
void
rb_handle_set_policy (RbRequest *req)
{
  PolicyArgs *args = policy_args_new (req);
  JsonObject *body = rb_request_parse_body (req, rb_policy_json_members, &args->invalid);

  if (body != NULL)
    {
      g_autoptr (JsonNode) node = json_node_init_object (json_node_alloc (), body);

      rb_policy_from_json (node, &args->policy, &args->field, &args->invalid);
    }
  rb_request_run (req, set_policy_job, NULL);
}

/* ---- GET /audit?limit=&before=&action=&subject= ------------------------------------------ */

static gboolean
list_audit_job (RbRequest *req, RbStore *store, GError **error)
{
  PolicyArgs *args = rb_request_get_data (req);
  JsonNode *page;

  if (!(page = rb_audit_list_sync (store, &args->audit, error)))
    return FALSE;
  rb_request_take_body (req, page);
  return TRUE;
}

void
rb_handle_list_audit (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  PolicyArgs *args = policy_args_new (req);
  gint64 limit = RB_AUDIT_DEFAULT_LIMIT;

  if (!rb_request_get_int_query (req, "limit", 1, RB_AUDIT_MAX_LIMIT, &limit, &error)
      || !rb_request_get_int_query (req, "before", 1, G_MAXINT64, &args->audit.before, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  args->audit.limit = limit;
  args->audit.action_prefix = rb_request_get_query (req, "action");
  args->audit.subject = rb_request_get_query (req, "subject");
  rb_request_run (req, list_audit_job, NULL);
}
