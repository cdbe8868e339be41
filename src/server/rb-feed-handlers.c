/* rb-feed-handlers.c: GET /changes (the sync feed, with long-poll), GET /changes/stream (its
 * WebSocket), GET /health and GET /openapi.json.
 *
 * Both ways of waiting for changes only say that the feed moved, never what changed: the
 * client then pulls GET /changes, whose bookings are anonymised for kiosks here, in one place
 * (rb_request_booking_to_json). */
#include "config.h"

#include "rb-feed.h"
#include "rb-handlers.h"

/* The longest a long-poll may be held: below the I/O timeouts of clients and proxies. */
#define MAX_WAIT_SECONDS 30

typedef struct
{
  gint64 since;
  gint64 limit;
  gint64 wait;
  gboolean waited;
  gboolean nothing_new; /* nothing at or after `since` when the job ran */
} FeedArgs;

static gboolean
changes_job (RbRequest *req, RbStore *store, GError **error)
{
  FeedArgs *args = rb_request_get_data (req);
  g_autoptr (GPtrArray) entries = NULL;
  JsonObject *o;
  JsonArray *changes;
  JsonNode *root;
  gint64 next = 0;

  entries = rb_feed_list_sync (store, args->since, args->limit,
                               rb_server_get_feed_retention (rb_request_get_server (req)), &next,
                               error);
  if (entries == NULL)
    return FALSE;
  /* With limit 0, `next` is the head: nothing is new while it is not past `since`. */
  args->nothing_new = entries->len == 0 && next <= args->since;

  changes = json_array_sized_new (entries->len);
  for (guint i = 0; i < entries->len; i++)
    {
      RbFeedEntry *entry = g_ptr_array_index (entries, i);
      JsonObject *change = json_object_new ();

      json_object_set_int_member (change, "seq", entry->seq);
      if (entry->booking != NULL)
        json_object_set_member (change, "booking", rb_request_booking_to_json (req, entry->booking));
      else if (entry->deleted_id != NULL)
        json_object_set_string_member (change, "deleted", entry->deleted_id);
      else
        json_object_set_string_member (change, "topic", entry->topic);
      json_array_add_object_element (changes, change);
    }
  o = json_object_new ();
  json_object_set_array_member (o, "changes", changes);
  json_object_set_int_member (o, "next", next);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);
  rb_request_take_body (req, root);
  return TRUE;
}

static void changes_done (RbRequest *req);

static void
changes_waited_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;

  rb_change_hub_wait_finish (RB_CHANGE_HUB (source), result);
  /* Whether the feed moved or the time ran out, the answer is the feed as it is now. */
  rb_request_run (req, changes_job, changes_done);
}

/* A long-poll (wait > 0) with nothing new is held, still paused, until the store says that a
 * commit moved the feed past `since` or `wait` seconds pass; then the feed is read again and
 * answered as usual. It waits once: a client asks again with the `next` it got. */
static void
changes_done (RbRequest *req)
{
  FeedArgs *args = rb_request_get_data (req);

  if (args->wait == 0 || args->waited || !args->nothing_new)
    {
      rb_request_respond (req);
      return;
    }
  args->waited = TRUE;
  rb_change_hub_wait_async (rb_server_get_change_hub (rb_request_get_server (req)), args->since,
                            args->wait, changes_waited_cb, g_object_ref (req));
}

/* GET /changes?since=&limit=&wait=: limit 0 answers only `next`, which is then the feed's
 * head (for clients that only listen); wait=S (0–30) holds the request while nothing is at
 * or after `since`. */
void
rb_handle_changes (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  FeedArgs *args = g_new0 (FeedArgs, 1);

  args->limit = RB_FEED_DEFAULT_LIMIT;
  rb_request_set_data (req, args, g_free);
  if (!rb_request_get_int_query (req, "since", 0, G_MAXINT64 - 1, &args->since, &error)
      || !rb_request_get_int_query (req, "limit", 0, RB_FEED_MAX_LIMIT, &args->limit, &error)
      || !rb_request_get_int_query (req, "wait", 0, MAX_WAIT_SECONDS, &args->wait, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, changes_job, changes_done);
}

/* ---- GET /changes/stream ------------------------------------------------------------------ */

static gboolean
stream_job (RbRequest *req, RbStore *store, GError **error)
{
  gint64 *head = rb_request_get_data (req);

  *head = rb_feed_get_head_sync (store, error);
  return *head != 0;
}

static void
stream_authenticated (RbRequest *req)
{
  gint64 *head = rb_request_get_data (req);

  g_object_set_data_full (G_OBJECT (rb_request_get_message (req)), RB_STREAM_HEAD_KEY,
                          g_memdup2 (head, sizeof *head), g_free);
  rb_request_release (req);
}

/* The WebSocket of the feed. This handler runs while only the headers are in: it
 * authenticates the caller (401 before any upgrade) and reads the feed's head for the first
 * message; rb-server.c then checks the handshake, libsoup answers 101, and the RbChangeHub
 * takes the connection. */
void
rb_handle_changes_stream (RbRequest *req)
{
  rb_request_set_data (req, g_new0 (gint64, 1), g_free);
  rb_request_run (req, stream_job, stream_authenticated);
}

static gboolean
health_job (RbRequest *req, RbStore *store, GError **error)
{
  JsonObject *o = json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  gint64 version = 0;

  json_node_take_object (root, o);
  if (!rb_store_get_schema_version_sync (store, &version, error))
    {
      json_node_unref (root);
      return FALSE;
    }
  json_object_set_string_member (o, "status", "ok");
  json_object_set_int_member (o, "schema_version", version);
  json_object_set_string_member (o, "version", PACKAGE_VERSION);
  /* Whether desktops may sign in with the directory (issue 14): the sign-in dialog asks
   * before anyone has a session, and the health answer is the one every client reads first
   * and may read without one. The server's directory is set before it listens and never
   * changes, so reading it here, on the store's thread, is safe. */
  json_object_set_boolean_member (
      o, "directory", rb_server_get_directory (rb_request_get_server (req)) != NULL);
  rb_request_take_body (req, root);
  return TRUE;
}

void
rb_handle_health (RbRequest *req)
{
  rb_request_run (req, health_job, NULL);
}

static void
openapi_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      rb_request_fail_with (req, SOUP_STATUS_NOT_FOUND, RB_ERROR_NOT_FOUND, NULL);
      return;
    }
  /* Served byte for byte as written, but only if it is JSON at all. */
  root = json_from_string (contents, &error);
  if (root == NULL)
    {
      g_free (contents);
      rb_request_fail (req, error);
      return;
    }
  rb_request_take_raw_body (req, "application/json", contents, length);
  rb_request_respond (req);
}

/* The API description (data/openapi.json), read without blocking the main context. */
void
rb_handle_openapi (RbRequest *req)
{
  const char *path = rb_server_get_openapi_path (rb_request_get_server (req));
  g_autoptr (GFile) file = NULL;

  if (path == NULL)
    {
      rb_request_fail_with (req, SOUP_STATUS_NOT_FOUND, RB_ERROR_NOT_FOUND, NULL);
      return;
    }
  file = g_file_new_for_path (path);
  rb_request_pause (req);
  g_file_load_contents_async (file, NULL, openapi_loaded_cb, g_object_ref (req));
}
