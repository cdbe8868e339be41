/* rb-block-handlers.c: maintenance blocks. Facility managers and admins (rb_blocks_may_manage)
 * make and lift them: POST /spaces/{id}/blocks, GET /spaces/{id}/blocks (the bookings a block
 * of from–to would cancel, before it is made) and DELETE /blocks/{id}. Every caller, kiosks
 * too, lists them: GET /blocks. Making or lifting one tells the WebSockets of the change feed
 * ({"blocks": true}), after the commit, so that clients read the blocks again.
 *
 * Making a block cancels the active bookings in its way, in the same transaction
 * (rb-blocks.c), with the block's reason: each cancellation is in the change feed, and the
 * booking's owner sees the reason as "cancel_reason". The facility manager's lists of those
 * bookings go through rb_request_booking_to_json like every booking answer, so they carry no
 * person id, name or title unless the site shows names. */
#include "config.h"

#include "rb-blocks.h"
#include "rb-feed.h"
#include "rb-handlers.h"
#include "rb-log.h"

typedef struct
{
  RbInterval interval;
  char *reason;
  gint64 block_id;
  char *floor_id;
  char *space_id;
  gboolean has_from;
} BlockArgs;

static void
block_args_free (BlockArgs *args)
{
  g_free (args->reason);
  g_free (args->floor_id);
  g_free (args->space_id);
  g_free (args);
}

static BlockArgs *
block_args_new (RbRequest *req)
{
  BlockArgs *args = g_new0 (BlockArgs, 1);

  rb_request_set_data (req, args, (GDestroyNotify) block_args_free);
  return args;
}

static gboolean
check_role (RbRequest *req, GError **error)
{
  if (!rb_blocks_may_manage (rb_person_get_role (rb_request_get_person (req))))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
bookings_to_json (RbRequest *req, GPtrArray *bookings)
{
  JsonArray *array = json_array_sized_new (bookings->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < bookings->len; i++)
    json_array_add_element (array,
                            rb_request_booking_to_json (req, g_ptr_array_index (bookings, i)));
  json_node_take_array (node, array);
  return node;
}

/* After a job that made or lifted a block: its result is only handed back after the
 * commit, so the hint can never come before the block is there (or gone). */
static void
blocks_changed (RbRequest *req)
{
  rb_change_hub_blocks_changed (rb_server_get_change_hub (rb_request_get_server (req)));
  rb_request_respond (req);
}

/* ---- GET /blocks?floor=&space=&from=&to= --------------------------------------------------- */

static gboolean
list_blocks_job (RbRequest *req, RbStore *store, GError **error)
{
  BlockArgs *args = rb_request_get_data (req);
  g_autoptr (GPtrArray) blocks = NULL;
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  /* "From now on" by the server's clock, which the store keeps. */
  if (!args->has_from)
    args->interval.start = rb_store_now (store);
  if (!(blocks = rb_store_list_blocks_sync (store, args->floor_id, args->space_id,
                                            args->interval, error)))
    return FALSE;
  for (guint i = 0; i < blocks->len; i++)
    g_ptr_array_add (nodes, rb_space_block_to_json (g_ptr_array_index (blocks, i)));
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

/* The blocks that overlap [from, to), ordered by start; from defaults to now, to to the end
 * of time. Unknown floors and spaces just have no blocks, as in GET /bookings. */
void
rb_handle_list_blocks (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  BlockArgs *args = block_args_new (req);
  gboolean has_to = FALSE;

  args->floor_id = g_strdup (rb_request_get_query (req, "floor"));
  args->space_id = g_strdup (rb_request_get_query (req, "space"));
  args->interval.end = G_MAXINT64;
  if (rb_request_get_time_query (req, "from", &args->interval.start, &args->has_from, &error)
      && rb_request_get_time_query (req, "to", &args->interval.end, &has_to, &error)
      && args->has_from && has_to && !rb_interval_is_valid (args->interval))
    rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, list_blocks_job, NULL);
}

/* ---- POST /spaces/{id}/blocks ------------------------------------------------------------- */

static gboolean
create_block_job (RbRequest *req, RbStore *store, GError **error)
{
  BlockArgs *args = rb_request_get_data (req);
  const char *space_id = rb_request_get_path_id (req);
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autofree char *location = NULL;
  g_autofree char *logged_space = NULL;
  JsonObject *o;
  JsonNode *root;

  if (!check_role (req, error))
    return FALSE;
  args->block_id = rb_blocks_create_sync (store, space_id, args->interval, args->reason,
                                          rb_person_get_id (rb_request_get_person (req)),
                                          &cancelled, error);
  if (args->block_id == 0)
    return FALSE;

  o = json_object_new ();
  {
    RbSpaceBlock made = { args->block_id, (char *) space_id, args->interval, args->reason };

    json_object_set_member (o, "block", rb_space_block_to_json (&made));
  }
  json_object_set_member (o, "cancelled", bookings_to_json (req, cancelled));
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);

  location = g_strdup_printf ("/api/v1/blocks/%" G_GINT64_FORMAT, args->block_id);
  rb_request_set_status (req, SOUP_STATUS_CREATED);
  rb_request_set_location (req, location);
  rb_request_take_body (req, root);
  /* Next to the request's log line: what the block did, without the reason's free text. */
  logged_space = rb_log_escape (space_id);
  g_printerr ("block=%" G_GINT64_FORMAT " space=%s cancelled=%u\n", args->block_id,
              logged_space, cancelled->len);
  return TRUE;
}

void
rb_handle_create_block (RbRequest *req)
{
  /* start, end and reason, all three; anything else is refused, not ignored. */
  static const char *const members[] = { "start", "end", "reason", NULL };
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, members, &error);
  BlockArgs *args = block_args_new (req);

  if (body == NULL
      || !rb_json_get_time (body, "start", &args->interval.start, &error)
      || !rb_json_get_time (body, "end", &args->interval.end, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  args->reason = g_strdup (rb_json_get_string (body, "reason", TRUE, &error));
  if (error == NULL
      && (args->reason == NULL || *g_strstrip (args->reason) == '\0'
          || g_utf8_strlen (args->reason, -1) > RB_BLOCK_MAX_REASON))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(reason)");
  else if (error == NULL && !rb_interval_is_valid (args->interval))
    rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, create_block_job, blocks_changed);
}

/* ---- GET /spaces/{id}/blocks?from=&to= ---------------------------------------------------- */

static gboolean
preview_block_job (RbRequest *req, RbStore *store, GError **error)
{
  BlockArgs *args = rb_request_get_data (req);
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (GPtrArray) affected = NULL;
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (!check_role (req, error)
      || !(space = rb_store_get_space_sync (store, rb_request_get_path_id (req), error))
      || !(affected = rb_blocks_list_affected_sync (store, rb_request_get_path_id (req),
                                                    args->interval, error)))
    return FALSE;
  for (guint i = 0; i < affected->len; i++)
    g_ptr_array_add (nodes, rb_request_booking_to_json (req, g_ptr_array_index (affected, i)));
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

void
rb_handle_preview_block (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  BlockArgs *args = block_args_new (req);
  gboolean has_from = FALSE, has_to = FALSE;

  if (rb_request_get_time_query (req, "from", &args->interval.start, &has_from, &error)
      && rb_request_get_time_query (req, "to", &args->interval.end, &has_to, &error))
    {
      if (!has_from)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(from)");
      else if (!has_to)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(to)");
      else if (!rb_interval_is_valid (args->interval))
        rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, preview_block_job, NULL);
}

/* ---- DELETE /blocks/{id} ------------------------------------------------------------------ */

static gboolean
remove_block_job (RbRequest *req, RbStore *store, GError **error)
{
  BlockArgs *args = rb_request_get_data (req);

  if (!check_role (req, error)
      || !rb_blocks_remove_sync (store, args->block_id,
                                 rb_person_get_id (rb_request_get_person (req)), error))
    return FALSE;
  rb_request_set_status (req, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

void
rb_handle_remove_block (RbRequest *req)
{
  BlockArgs *args = block_args_new (req);

  /* Block ids are positive integers; anything else cannot name a block. */
  if (!g_ascii_string_to_signed (rb_request_get_path_id (req), 10, 1, G_MAXINT64,
                                 &args->block_id, NULL))
    {
      rb_request_fail_with (req, SOUP_STATUS_NOT_FOUND, RB_ERROR_NOT_FOUND, NULL);
      return;
    }
  rb_request_run (req, remove_block_job, blocks_changed);
}
