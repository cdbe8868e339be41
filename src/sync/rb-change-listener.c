/* rb-change-listener.c: the client side of the change feed's push channel (see
 * rb-change-listener.h).
 *
 * The listener has a SoupSession of its own: a WebSocket and a long-poll each hold a
 * connection for minutes, which must not be one of the few that RbApiClient keeps for the
 * sync engine's requests, and a long-poll needs an I/O timeout above its wait (libsoup resets
 * the timeout of a connection that became a WebSocket). Every attempt takes the RbApiClient's
 * credentials anew (rb_api_client_new_message), so a new token counts from the next one.
 *
 * One attempt at a time: the WebSocket handshake; on 101 the WebSocket until it closes; on a
 * refused upgrade the long-poll loop until a request fails. Whatever ends an attempt,
 * except stop, schedules the next with backoff; the first retry after a working channel
 * comes within a second.
 *
 * The async calls hold no reference to the listener, so that dropping it stops it: dispose
 * stops, which cancels the call in flight, and every callback checks for the cancellation
 * before it looks at the listener. Signal handlers may stop the listener too, so it checks
 * after each emission whether it is still running. */
#include "config.h"

#include "rb-change-listener.h"
#include "rb-sync-engine.h"

#define STREAM_PATH "/api/v1/changes/stream"
/* libsoup 3.2 has no name for it. */
#define STATUS_TOO_MANY_REQUESTS 429
/* The long-poll's I/O timeout: its wait plus time for the server to answer. */
#define POLL_TIMEOUT_SECONDS (RB_CHANGE_LISTENER_WAIT_SECONDS + 15)

struct _RbChangeListener
{
  GObject parent_instance;

  RbApiClient *client;
  SoupSession *session;
  GRand *rand;

  /* Cancels the attempt in progress; NULL while stopped. */
  GCancellable *cancellable;
  SoupWebsocketConnection *connection;
  gint64 last_heard; /* monotonic time of the WebSocket's last message or pong */
  guint watchdog_id;
  gboolean long_polling;
  gint64 head; /* the feed's head last heard of while long-polling (0: not yet) */
  guint failures;
  guint retry_id;
  gboolean connected;
};

G_DEFINE_FINAL_TYPE (RbChangeListener, rb_change_listener, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_CLIENT,
  PROP_CONNECTED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_CHANGED,
  SIGNAL_BLOCKS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_stream (RbChangeListener *self);
static void poll_feed (RbChangeListener *self);

/* ---- helpers ------------------------------------------------------------------------------- */

static void
set_connected (RbChangeListener *self, gboolean connected)
{
  if (self->connected == connected)
    return;
  self->connected = connected;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONNECTED]);
}

/* Lets go of the WebSocket without hearing of its close: the listener closes it itself. */
static void
drop_connection (RbChangeListener *self)
{
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  if (soup_websocket_connection_get_state (self->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (self->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&self->connection);
}

static gboolean
on_retry_cb (gpointer user_data)
{
  RbChangeListener *self = user_data;

  self->retry_id = 0;
  connect_stream (self);
  return G_SOURCE_REMOVE;
}

/* The channel failed or closed: not connected until the next attempt, which comes after the
 * backoff and starts with the WebSocket again (the server or the proxy may have changed). */
static void
retry_later (RbChangeListener *self)
{
  /* A handler of notify::connected may drop the last reference. */
  g_autoptr (RbChangeListener) alive G_GNUC_UNUSED = g_object_ref (self);
  guint delay;

  drop_connection (self);
  self->long_polling = FALSE;
  set_connected (self, FALSE);
  if (self->cancellable == NULL)
    return;
  self->failures++;
  delay = rb_sync_backoff_delay_ms (self->failures, g_rand_double (self->rand));
  g_debug ("change listener: trying again in %u ms (failure %u)", delay, self->failures);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  self->retry_id = g_timeout_add (delay, on_retry_cb, self);
}

/* A channel works: the next failure starts the backoff from its beginning. */
static void
channel_works (RbChangeListener *self)
{
  self->failures = 0;
  set_connected (self, TRUE);
}

/* {"next": N} (N > 0) of the server's messages and of GET /changes; 0 when it is not there. */
static gint64
parse_next (JsonObject *o)
{
  JsonNode *node = json_object_get_member (o, "next");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64)
    return 0;
  return MAX (json_node_get_int (node), 0);
}

static JsonObject *
parse_object (GBytes *bytes, JsonNode **out_root)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (bytes, &size);

  *out_root = size > 0 ? rb_json_parse (data, size, NULL) : NULL;
  return *out_root != NULL ? json_node_get_object (*out_root) : NULL;
}

/* ---- the WebSocket ------------------------------------------------------------------------- */

static void
on_stream_message_cb (SoupWebsocketConnection *connection, int type, GBytes *message,
                      gpointer user_data)
{
  g_autoptr (RbChangeListener) self = g_object_ref (user_data);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *o = parse_object (message, &root);
  gint64 next;

  self->last_heard = g_get_monotonic_time ();
  /* Anything else is not from this API; the next message will do. */
  if (type != SOUP_WEBSOCKET_DATA_TEXT || o == NULL)
    return;
  if ((next = parse_next (o)) > 0)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, next);
  if (json_object_has_member (o, "blocks") && self->connection == connection)
    g_signal_emit (self, signals[SIGNAL_BLOCKS_CHANGED], 0);
}

static void
on_stream_pong_cb (SoupWebsocketConnection *connection, GBytes *message, gpointer user_data)
{
  RbChangeListener *self = user_data;

  self->last_heard = g_get_monotonic_time ();
}

static void
on_stream_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  RbChangeListener *self = user_data;

  g_debug ("change listener: the WebSocket closed (%u)",
           soup_websocket_connection_get_close_code (connection));
  retry_later (self);
}

/* Pings go out every RB_CHANGE_LISTENER_PING_SECONDS; a server that neither answers nor
 * sends anything for three of them is gone without having closed the connection. */
static gboolean
on_watchdog_cb (gpointer user_data)
{
  RbChangeListener *self = user_data;
  gint64 silent = g_get_monotonic_time () - self->last_heard;

  if (silent < 3 * RB_CHANGE_LISTENER_PING_SECONDS * G_USEC_PER_SEC)
    return G_SOURCE_CONTINUE;
  g_debug ("change listener: the server has been silent for %" G_GINT64_FORMAT " s",
           silent / G_USEC_PER_SEC);
  self->watchdog_id = 0;
  retry_later (self);
  return G_SOURCE_REMOVE;
}

/* What a refused upgrade means: a proxy or an older server that does not have the WebSocket
 * (404, 400, 426, …) is a reason to long-poll; no answer at all, a failing or overloaded
 * server, or credentials it does not take (which the long-poll would not take either) are
 * reasons to try again later. */
static gboolean
should_long_poll (guint status)
{
  return status >= 300 && status < 500 && status != SOUP_STATUS_UNAUTHORIZED
         && status != SOUP_STATUS_FORBIDDEN && status != STATUS_TOO_MANY_REQUESTS;
}

static void
on_stream_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbChangeListener) self = NULL;
  g_autoptr (GError) error = NULL;
  SoupMessage *handshake = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  guint status = soup_message_get_status (handshake);
  SoupWebsocketConnection *connection
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);

  /* Stopped (perhaps finalized): this attempt is over, whatever its outcome. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_ref (user_data);
  if (connection == NULL)
    {
      g_debug ("change listener: no WebSocket (HTTP %u): %s", status, error->message);
      if (should_long_poll (status))
        {
          self->long_polling = TRUE;
          self->head = 0;
          poll_feed (self);
        }
      else
        retry_later (self);
      return;
    }

  self->connection = connection;
  self->last_heard = g_get_monotonic_time ();
  g_signal_connect (connection, "message", G_CALLBACK (on_stream_message_cb), self);
  g_signal_connect (connection, "pong", G_CALLBACK (on_stream_pong_cb), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_stream_closed_cb), self);
  soup_websocket_connection_set_keepalive_interval (connection, RB_CHANGE_LISTENER_PING_SECONDS);
  self->watchdog_id = g_timeout_add_seconds (RB_CHANGE_LISTENER_PING_SECONDS, on_watchdog_cb, self);
  channel_works (self);
  /* Blocks may have changed while the listener was away; the server's first message is the
   * head, which brings "changed". */
  if (self->connection == connection)
    g_signal_emit (self, signals[SIGNAL_BLOCKS_CHANGED], 0);
}

static void
connect_stream (RbChangeListener *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) handshake
      = rb_api_client_new_message (self->client, "GET", STREAM_PATH, &error);

  if (handshake == NULL)
    {
      /* A base URL that is no address now may be corrected before the next attempt. */
      g_debug ("change listener: %s", error->message);
      retry_later (self);
      return;
    }
  soup_session_websocket_connect_async (self->session, handshake, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->cancellable, on_stream_connected_cb, self);
}

/* ---- the long-poll ------------------------------------------------------------------------- */

static void
on_polled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbChangeListener) self = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  gint64 previous;
  JsonObject *o;
  gint64 next;

  /* Stopped (perhaps finalized). */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = g_object_ref (user_data);
  previous = self->head;
  /* The head is gone (a server with a new database): start from its head as it is now. */
  if (body != NULL && soup_message_get_status (msg) == SOUP_STATUS_GONE)
    {
      self->head = 0;
      poll_feed (self);
      return;
    }
  if (body == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK
      || (o = parse_object (body, &root)) == NULL || (next = parse_next (o)) == 0)
    {
      g_debug ("change listener: the long-poll failed (HTTP %u)", soup_message_get_status (msg));
      retry_later (self);
      return;
    }

  self->head = next;
  channel_works (self);
  /* The first answer of a run is news like a WebSocket's first message: something may have
   * changed while the listener was away. The long-poll has no blocks hint, so every answer
   * stands for one. A handler may stop the listener at any point. */
  if (self->cancellable != NULL && (previous == 0 || next > previous))
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0, next);
  if (self->cancellable != NULL)
    g_signal_emit (self, signals[SIGNAL_BLOCKS_CHANGED], 0);
  if (self->cancellable != NULL)
    poll_feed (self);
}

/* GET /changes?since=HEAD&limit=0&wait=S: the server answers when the feed moves past the
 * head or the wait is over, with the head in `next` and never a booking. The first request
 * of a run asks for the head without waiting. */
static void
poll_feed (RbChangeListener *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autofree char *path = NULL;

  if (self->head == 0)
    path = g_strdup ("/api/v1/changes?since=0&limit=0");
  else
    path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=0&wait=%d",
                            self->head, RB_CHANGE_LISTENER_WAIT_SECONDS);
  msg = rb_api_client_new_message (self->client, "GET", path, &error);
  if (msg == NULL)
    {
      g_debug ("change listener: %s", error->message);
      retry_later (self);
      return;
    }
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, self->cancellable,
                                    on_polled_cb, self);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_change_listener_dispose (GObject *object)
{
  RbChangeListener *self = RB_CHANGE_LISTENER (object);

  rb_change_listener_stop (self);
  g_clear_object (&self->session);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (rb_change_listener_parent_class)->dispose (object);
}

static void
rb_change_listener_finalize (GObject *object)
{
  RbChangeListener *self = RB_CHANGE_LISTENER (object);

  g_rand_free (self->rand);

  G_OBJECT_CLASS (rb_change_listener_parent_class)->finalize (object);
}

static void
rb_change_listener_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbChangeListener *self = RB_CHANGE_LISTENER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_CONNECTED:
      g_value_set_boolean (value, self->connected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_change_listener_set_property (GObject *object, guint prop_id, const GValue *value,
                                 GParamSpec *pspec)
{
  RbChangeListener *self = RB_CHANGE_LISTENER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_change_listener_class_init (RbChangeListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rb_change_listener_dispose;
  object_class->finalize = rb_change_listener_finalize;
  object_class->get_property = rb_change_listener_get_property;
  object_class->set_property = rb_change_listener_set_property;

  properties[PROP_CLIENT]
      = g_param_spec_object ("client", NULL, NULL, RB_TYPE_API_CLIENT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CONNECTED]
      = g_param_spec_boolean ("connected", NULL, NULL, FALSE,
                              G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT64);
  signals[SIGNAL_BLOCKS_CHANGED]
      = g_signal_new ("blocks-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                      NULL, G_TYPE_NONE, 0);
}

static void
rb_change_listener_init (RbChangeListener *self)
{
  self->session = soup_session_new_with_options ("timeout", POLL_TIMEOUT_SECONDS, "idle-timeout",
                                                 60, "max-conns-per-host", 2, "user-agent",
                                                 "raumbuch/" PACKAGE_VERSION, NULL);
  self->rand = g_rand_new ();
}

/* ---- public API ---------------------------------------------------------------------------- */

RbChangeListener *
rb_change_listener_new (RbApiClient *client)
{
  g_return_val_if_fail (RB_IS_API_CLIENT (client), NULL);
  return g_object_new (RB_TYPE_CHANGE_LISTENER, "client", client, NULL);
}

RbApiClient *
rb_change_listener_get_client (RbChangeListener *self)
{
  g_return_val_if_fail (RB_IS_CHANGE_LISTENER (self), NULL);
  return self->client;
}

gboolean
rb_change_listener_get_connected (RbChangeListener *self)
{
  g_return_val_if_fail (RB_IS_CHANGE_LISTENER (self), FALSE);
  return self->connected;
}

/* TRUE while the changes come by long-poll because the WebSocket was refused. */
gboolean
rb_change_listener_get_long_polling (RbChangeListener *self)
{
  g_return_val_if_fail (RB_IS_CHANGE_LISTENER (self), FALSE);
  return self->long_polling;
}

/* Starts listening; nothing happens when it already does. */
void
rb_change_listener_start (RbChangeListener *self)
{
  g_return_if_fail (RB_IS_CHANGE_LISTENER (self));

  if (self->cancellable != NULL)
    return;
  self->cancellable = g_cancellable_new ();
  self->failures = 0;
  connect_stream (self);
}

/* Stops listening: the attempt in progress is cancelled, the WebSocket closed, and no retry
 * comes any more. start begins anew. */
void
rb_change_listener_stop (RbChangeListener *self)
{
  g_return_if_fail (RB_IS_CHANGE_LISTENER (self));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_connection (self);
  self->long_polling = FALSE;
  self->head = 0;
  set_connected (self, FALSE);
}
