/* rb-change-hub.c: who is told when the change feed advances (see rb-change-hub.h).
 *
 * Everything here runs on the server's main context. The head only grows: the store tells it
 * after each COMMIT, and commits are numbered in order, so a WebSocket is sent a head only
 * when it is higher than the last one it got. The messages are small JSON texts:
 *   {"next": N}       the feed's head: pass N as `since` to see everything up to now
 *   {"blocks": true}  blocks were made or lifted: read GET /api/v1/blocks again
 * A long-poll waits at most its own `wait` seconds; closing the hub (server shutdown) ends
 * every wait at once and closes every WebSocket with 1001 "going away". */
#include "config.h"

#include "rb-change-hub.h"

struct _RbChangeHub
{
  GObject parent_instance;

  gint64 head;
  GHashTable *streams; /* SoupWebsocketConnection → Stream */
  GQueue waiters;      /* GTask, each with a Waiter */
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (RbChangeHub, rb_change_hub, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_N_STREAMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  RbChangeHub *hub; /* borrowed: the hub owns its streams */
  SoupWebsocketConnection *connection;
  gint64 sent; /* the last head this stream was sent */
} Stream;

typedef struct
{
  gint64 since;
  guint timeout_id;
} Waiter;

/* ---- helpers ------------------------------------------------------------------------------- */

static void
stream_free (Stream *stream)
{
  g_signal_handlers_disconnect_by_data (stream->connection, stream);
  g_free (stream);
}

/* The open connections with a reference each: sending or closing may end a connection, and
 * its "closed" handler takes it out of the table, so loops run over this snapshot. */
static GPtrArray *
snapshot_connections (RbChangeHub *self)
{
  GPtrArray *connections = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer connection;

  g_hash_table_iter_init (&iter, self->streams);
  while (g_hash_table_iter_next (&iter, &connection, NULL))
    g_ptr_array_add (connections, g_object_ref (connection));
  return connections;
}

static void
send_text (Stream *stream, const char *text)
{
  if (soup_websocket_connection_get_state (stream->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_send_text (stream->connection, text);
}

static void
send_head (Stream *stream, gint64 head)
{
  g_autofree char *text = NULL;

  if (head <= stream->sent)
    return;
  stream->sent = head;
  text = g_strdup_printf ("{\"next\": %" G_GINT64_FORMAT "}", head);
  send_text (stream, text);
}

/* Ends one wait: TRUE when the feed advanced past its `since`, FALSE when the time ran out or
 * the hub closed. */
static void
finish_wait (RbChangeHub *self, GTask *task, gboolean advanced)
{
  Waiter *waiter = g_task_get_task_data (task);

  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  g_queue_remove (&self->waiters, task);
  g_task_return_boolean (task, advanced);
  g_object_unref (task);
}

/* ---- signal callbacks ------------------------------------------------------------------- */

static void
on_stream_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  Stream *stream = user_data;
  RbChangeHub *self = stream->hub;

  g_hash_table_remove (self->streams, connection);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STREAMS]);
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  GTask *task = user_data;
  Waiter *waiter = g_task_get_task_data (task);

  waiter->timeout_id = 0;
  finish_wait (g_task_get_source_object (task), task, FALSE);
  return G_SOURCE_REMOVE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_change_hub_dispose (GObject *object)
{
  RbChangeHub *self = RB_CHANGE_HUB (object);

  /* Waiting tasks hold the hub, so none is left by now; the streams are only let go. */
  g_clear_pointer (&self->streams, g_hash_table_unref);

  G_OBJECT_CLASS (rb_change_hub_parent_class)->dispose (object);
}

static void
rb_change_hub_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbChangeHub *self = RB_CHANGE_HUB (object);

  switch (prop_id)
    {
    case PROP_N_STREAMS:
      g_value_set_uint (value, rb_change_hub_get_n_streams (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_change_hub_class_init (RbChangeHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rb_change_hub_dispose;
  object_class->get_property = rb_change_hub_get_property;

  /* How many WebSockets are open (or still closing): a shutdown waits for them to close. */
  properties[PROP_N_STREAMS]
      = g_param_spec_uint ("n-streams", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_change_hub_init (RbChangeHub *self)
{
  self->streams = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref,
                                         (GDestroyNotify) stream_free);
  g_queue_init (&self->waiters);
}

/* ---- public API ---------------------------------------------------------------------------- */

RbChangeHub *
rb_change_hub_new (void)
{
  return g_object_new (RB_TYPE_CHANGE_HUB, NULL);
}

/* The highest head the store has told of so far (0: none since the server started). */
gint64
rb_change_hub_get_head (RbChangeHub *self)
{
  g_return_val_if_fail (RB_IS_CHANGE_HUB (self), 0);
  return self->head;
}

guint
rb_change_hub_get_n_streams (RbChangeHub *self)
{
  g_return_val_if_fail (RB_IS_CHANGE_HUB (self), 0);
  return self->streams != NULL ? g_hash_table_size (self->streams) : 0;
}

/* The feed's head moved to `head` (its highest sequence number + 1), after a commit. */
void
rb_change_hub_feed_advanced (RbChangeHub *self, gint64 head)
{
  g_autoptr (GPtrArray) connections = NULL;
  GList *link;

  g_return_if_fail (RB_IS_CHANGE_HUB (self));

  if (head <= self->head)
    return;
  self->head = head;
  connections = snapshot_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      Stream *stream = g_hash_table_lookup (self->streams, g_ptr_array_index (connections, i));

      if (stream != NULL)
        send_head (stream, head);
    }

  link = self->waiters.head;
  while (link != NULL)
    {
      GTask *task = link->data;
      Waiter *waiter = g_task_get_task_data (task);

      link = link->next;
      if (waiter->since < head)
        finish_wait (self, task, TRUE);
    }
}

/* A block was made or lifted. Only the WebSockets hear of it; long-polls wait for the feed. */
void
rb_change_hub_blocks_changed (RbChangeHub *self)
{
  g_autoptr (GPtrArray) connections = NULL;

  g_return_if_fail (RB_IS_CHANGE_HUB (self));

  connections = snapshot_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      Stream *stream = g_hash_table_lookup (self->streams, g_ptr_array_index (connections, i));

      if (stream != NULL)
        send_text (stream, "{\"blocks\": true}");
    }
}

/* Takes a WebSocket that libsoup has just upgraded: it gets the head at once (the higher of
 * `head`, read when it was authenticated, and the hub's), then every newer one. */
void
rb_change_hub_add_stream (RbChangeHub *self, SoupWebsocketConnection *connection, gint64 head)
{
  Stream *stream;

  g_return_if_fail (RB_IS_CHANGE_HUB (self));
  g_return_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (connection));

  stream = g_new0 (Stream, 1);
  stream->hub = self;
  stream->connection = connection;
  g_signal_connect (connection, "closed", G_CALLBACK (on_stream_closed_cb), stream);
  soup_websocket_connection_set_keepalive_interval (connection, RB_CHANGE_HUB_KEEPALIVE_SECONDS);
  g_hash_table_insert (self->streams, g_object_ref (connection), stream);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_STREAMS]);

  send_head (stream, MAX (head, self->head));
  /* One that came in as the server began to shut down is sent away at once. */
  if (self->closed)
    soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                     "The server is shutting down.");
}

/* Waits until the feed advances past `since` (its head gets higher than since), at most
 * `seconds`. Finishes at once when it already has. */
void
rb_change_hub_wait_async (RbChangeHub *self, gint64 since, guint seconds,
                          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;
  Waiter *waiter;

  g_return_if_fail (RB_IS_CHANGE_HUB (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, rb_change_hub_wait_async);
  if (self->closed || self->head > since || seconds == 0)
    {
      g_task_return_boolean (task, !self->closed && self->head > since);
      g_object_unref (task);
      return;
    }
  waiter = g_new0 (Waiter, 1);
  waiter->since = since;
  waiter->timeout_id = g_timeout_add (seconds * 1000, on_wait_timeout_cb, task);
  g_task_set_task_data (task, waiter, g_free);
  /* The queue holds the task's reference until finish_wait. */
  g_queue_push_tail (&self->waiters, task);
}

/* TRUE when the feed advanced, FALSE when the time ran out or the server is shutting down. */
gboolean
rb_change_hub_wait_finish (RbChangeHub *self, GAsyncResult *result)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), NULL);
}

/* For the server's shutdown: every wait ends now, and every WebSocket is closed with 1001
 * "going away", so that clients reconnect (with backoff) instead of seeing a broken
 * connection. n-streams drops to 0 as the closing handshakes finish. */
void
rb_change_hub_close (RbChangeHub *self)
{
  g_autoptr (GPtrArray) connections = NULL;

  g_return_if_fail (RB_IS_CHANGE_HUB (self));

  self->closed = TRUE;
  while (!g_queue_is_empty (&self->waiters))
    finish_wait (self, g_queue_peek_head (&self->waiters), FALSE);
  connections = snapshot_connections (self);
  for (guint i = 0; i < connections->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (connections, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY,
                                         "The server is shutting down.");
    }
}
