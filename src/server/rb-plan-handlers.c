/* rb-plan-handlers.c: GET, PUT and DELETE /floors/{id}/plan, the drawing laid under a floor's
 * spaces. Anyone signed in and every kiosk reads it (with an ETag, so a client that has it
 * gets 304); only administrators set or remove it (the route table checks the role). The body
 * of a PUT is the image itself, SVG or PNG, checked by its content (rb_plan_drawing_check) as
 * well as by its Content-Type; its size limit is the drawing's, which rb-server.c lets
 * through for this route alone. The "building" topic row of the change tells clients to fetch
 * the drawing again. */
#include "config.h"

#include <string.h>

#include "rb-floor-plans.h"
#include "rb-handlers.h"

typedef struct
{
  char *content_type;
  GBytes *data;
} PlanArgs;

static void
plan_args_free (PlanArgs *args)
{
  g_free (args->content_type);
  g_clear_pointer (&args->data, g_bytes_unref);
  g_free (args);
}

static gboolean
get_plan_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (RbPlanDrawing) drawing
      = rb_floor_plans_get_sync (store, rb_request_get_path_id (req), error);
  g_autofree char *etag = NULL;
  const char *if_none_match;
  gsize length;
  const char *data;

  if (drawing == NULL)
    return FALSE;
  rb_request_set_etag (req, drawing->updated_at);
  etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", drawing->updated_at);
  if_none_match = rb_request_get_header (req, "If-None-Match");
  if (if_none_match != NULL && strstr (if_none_match, etag) != NULL)
    {
      rb_request_set_status (req, SOUP_STATUS_NOT_MODIFIED);
      return TRUE;
    }
  data = g_bytes_get_data (drawing->data, &length);
  rb_request_take_raw_body (req, drawing->content_type, g_memdup2 (data, length), length);
  return TRUE;
}

void
rb_handle_get_floor_plan (RbRequest *req)
{
  rb_request_run (req, get_plan_job, NULL);
}

static gboolean
set_plan_job (RbRequest *req, RbStore *store, GError **error)
{
  PlanArgs *args = rb_request_get_data (req);
  gint64 updated_at = 0;
  JsonObject *o;
  JsonNode *root;
  g_autofree char *stamp = NULL;

  if (!rb_floor_plans_set_sync (store, rb_person_get_id (rb_request_get_person (req)),
                                   rb_request_get_path_id (req), args->content_type, args->data,
                                   &updated_at, error))
    return FALSE;
  stamp = rb_time_to_rfc3339 (updated_at);
  o = json_object_new ();
  json_object_set_string_member (o, "content_type", args->content_type);
  json_object_set_string_member (o, "updated_at", stamp);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);
  rb_request_set_etag (req, updated_at);
  rb_request_take_body (req, root);
  return TRUE;
}

void
rb_handle_set_floor_plan (RbRequest *req)
{
  SoupServerMessage *msg = rb_request_get_message (req);
  PlanArgs *args = g_new0 (PlanArgs, 1);
  const char *content_type
      = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg),
                                               NULL);

  rb_request_set_data (req, args, (GDestroyNotify) plan_args_free);
  if (g_strcmp0 (content_type, "image/png") != 0 && g_strcmp0 (content_type, "image/svg+xml") != 0)
    {
      rb_request_fail_with (req, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE,
                            RB_ERROR_UNSUPPORTED_MEDIA_TYPE,
                            "A plan drawing is sent as image/png or image/svg+xml.");
      return;
    }
  args->content_type = g_strdup (content_type);
  args->data = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  rb_request_run (req, set_plan_job, NULL);
}

static gboolean
remove_plan_job (RbRequest *req, RbStore *store, GError **error)
{
  if (!rb_floor_plans_remove_sync (store, rb_person_get_id (rb_request_get_person (req)),
                                      rb_request_get_path_id (req), error))
    return FALSE;
  rb_request_set_status (req, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

void
rb_handle_remove_floor_plan (RbRequest *req)
{
  rb_request_run (req, remove_plan_job, NULL);
}
