/* rb-directory-handlers.c: POST /directory/sync (issue 14), an administrator's sync of the
 * people from the directory, or with {"dry_run": true} the list of what it would change.
 * The directory is read on a thread and the people written on the store's thread, so the
 * main context never waits; one sync runs at a time (503 "busy" for a second one). */
#include "config.h"

#include "rb-handlers.h"

static const char *const sync_members[] = { "dry_run", NULL };

static void
synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  JsonNode *report = NULL;

  if (!rb_server_end_directory_sync (rb_request_get_server (req), result, &report, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_take_body (req, report);
  rb_request_respond (req);
}

/* The caller is known once the request's session is looked up: this job only waits for it. */
static gboolean
authenticated_job (RbRequest *req, RbStore *store, GError **error)
{
  return TRUE;
}

static void
start_sync (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  gboolean *dry_run = rb_request_get_data (req);

  if (!rb_server_begin_directory_sync (rb_request_get_server (req),
                                       rb_person_get_id (rb_request_get_person (req)), *dry_run,
                                       synced_cb, g_object_ref (req), &error))
    {
      g_object_unref (req);
      if (g_error_matches (error, RB_ERROR, RB_ERROR_BUSY))
        rb_request_set_retry_after (req, 5);
      rb_request_fail (req, error);
    }
}

void
rb_handle_sync_directory (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = NULL;
  gboolean *dry_run = g_new0 (gboolean, 1);
  SoupMessageBody *request_body
      = soup_server_message_get_request_body (rb_request_get_message (req));

  rb_request_set_data (req, dry_run, g_free);
  /* The body is optional: no body is a real sync. */
  if (request_body->length > 0)
    {
      if (!(body = rb_request_parse_body (req, sync_members, &error)))
        {
          rb_request_fail (req, error);
          return;
        }
      if (json_object_has_member (body, "dry_run"))
        {
          JsonNode *node = json_object_get_member (body, "dry_run");

          if (json_node_get_value_type (node) != G_TYPE_BOOLEAN)
            {
              rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(dry_run)");
              rb_request_fail (req, error);
              return;
            }
          *dry_run = json_node_get_boolean (node);
        }
    }
  rb_request_run (req, authenticated_job, start_sync);
}
