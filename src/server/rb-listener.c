/* rb-listener.c: raumbuch-server accepts its connections itself and watches each one.
 *
 * libsoup 3.2.3 (Debian 12) falls short where the open network finds it (issue 10):
 *  - its listener stops accepting for good after one failed accept (out of descriptors),
 *    while the process runs on and so is never restarted;
 *  - a keep-alive connection that the client closes while it is idle is never released:
 *    libsoup reads the EOF, drops its half of the connection and keeps the rest, descriptor
 *    included, in CLOSE-WAIT for ever (fixed upstream in 3.3.0);
 *  - it has no header, body or idle timeout.
 * So RbListener polls the listening socket itself, hands every connection to libsoup with
 * soup_server_accept_iostream(), and follows each connection's phase through the
 * SoupServer's signals:
 *  - at most max_connections at once: beyond that the listening socket is not polled and new
 *    clients wait in the kernel's backlog until a connection ends;
 *  - a failed accept pauses accepting for ACCEPT_RETRY_MS and logs it, never ends it;
 *  - a request (headers and body) must arrive within request_timeout of its first byte, or of
 *    the connection; an answer that a client does not read must make progress within the
 *    same time; an idle keep-alive connection is closed after idle_timeout;
 *  - libsoup reads every connection through an RbWatchedInput, which keeps the client's EOF
 *    of an idle connection from libsoup (libsoup sees "would block") and has the connection
 *    closed here instead.
 * An idle connection is closed by taking it back from libsoup
 * (soup_server_message_steal_connection on its last message, which releases libsoup's
 * objects for it). Any other is shut down: libsoup, reading or writing it, meets the error
 * and ends the request as it ends any broken one. Keep-alive stays as it was. */
#include "config.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>

#include "rb-listener.h"

#define ACCEPT_RETRY_MS 100
/* At most this many accepts in one turn of the main loop, so that the connections already
 * open are served between bursts. */
#define ACCEPT_BATCH 16

typedef enum
{
  PHASE_REQUEST,  /* libsoup reads a request; deadline set */
  PHASE_HANDLING, /* the server's handler has the request; no deadline */
  PHASE_ANSWER,   /* libsoup writes the answer; deadline renewed on progress */
  PHASE_IDLE,     /* between requests; deadline set, the socket watched for EOF */
  PHASE_UPGRADED, /* a WebSocket now: RbChangeHub's */
  PHASE_CLOSED,   /* libsoup has disconnected it; waits for the objects to go */
} Phase;

typedef struct
{
  RbListener *listener;
  GSocketConnection *connection; /* weak: libsoup owns it */
  GSocket *socket;               /* the connection's */
  GSocketAddress *remote;        /* carries the Conn as qdata, see conn_for_message */
  SoupServerMessage *msg;        /* the current request, or the last one while idle */
  Phase phase;
  gint64 deadline;               /* monotonic µs, 0: none */
  gboolean shut;                 /* a timeout already shut the socket down */
  GInputStream *input;           /* weak: the RbWatchedInput libsoup reads */
  guint close_source;            /* the client closed it while idle: close it */
} Conn;

struct _RbListener
{
  GObject parent_instance;

  SoupServer *soup;
  GSocket *socket;
  GTlsCertificate *certificate;
  /* Gives libsoup a listener of its own; see rb_listener_new. */
  GSocket *inert;

  GHashTable *conns; /* Conn* */
  guint max_connections;
  gint64 request_timeout; /* µs */
  gint64 idle_timeout;    /* µs */

  GSource *accept_source;
  guint accept_retry;
  guint sweep_timer;
  gboolean closed;
};

G_DEFINE_FINAL_TYPE (RbListener, rb_listener, G_TYPE_OBJECT)

static GQuark conn_quark;

static void update_accepting (RbListener *self);

static gssize conn_filter_read (Conn *conn, gssize n, GError **error);

/* ---- the streams libsoup reads and writes ------------------------------------------------ */

/* The input of a connection as libsoup sees it: the socket's (or TLS's), every read passed
 * through conn_filter_read. */
#define RB_TYPE_WATCHED_INPUT (rb_watched_input_get_type ())
G_DECLARE_FINAL_TYPE (RbWatchedInput, rb_watched_input, RB, WATCHED_INPUT, GFilterInputStream)

struct _RbWatchedInput
{
  GFilterInputStream parent_instance;

  Conn *conn; /* NULL once the connection is no longer watched */
};

static void rb_watched_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbWatchedInput, rb_watched_input, G_TYPE_FILTER_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      rb_watched_input_pollable_init))

static GPollableInputStream *
watched_base (gpointer stream)
{
  return G_POLLABLE_INPUT_STREAM (
      g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream)));
}

static gssize
rb_watched_input_read (GInputStream *stream, void *buffer, gsize count,
                       GCancellable *cancellable, GError **error)
{
  gssize n = g_input_stream_read (G_INPUT_STREAM (watched_base (stream)), buffer, count,
                                  cancellable, error);

  return conn_filter_read (RB_WATCHED_INPUT (stream)->conn, n, error);
}

static gboolean
rb_watched_input_can_poll (GPollableInputStream *stream)
{
  return g_pollable_input_stream_can_poll (watched_base (stream));
}

static gboolean
rb_watched_input_is_readable (GPollableInputStream *stream)
{
  return g_pollable_input_stream_is_readable (watched_base (stream));
}

static GSource *
rb_watched_input_create_source (GPollableInputStream *stream, GCancellable *cancellable)
{
  g_autoptr (GSource) base = g_pollable_input_stream_create_source (watched_base (stream),
                                                                     cancellable);

  return g_pollable_source_new_full (stream, base, cancellable);
}

static gssize
rb_watched_input_read_nonblocking (GPollableInputStream *stream, void *buffer, gsize count,
                                   GError **error)
{
  gssize n = g_pollable_input_stream_read_nonblocking (watched_base (stream), buffer, count,
                                                       NULL, error);

  return conn_filter_read (RB_WATCHED_INPUT (stream)->conn, n, error);
}

static void
rb_watched_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = rb_watched_input_can_poll;
  iface->is_readable = rb_watched_input_is_readable;
  iface->create_source = rb_watched_input_create_source;
  iface->read_nonblocking = rb_watched_input_read_nonblocking;
}

static void
rb_watched_input_class_init (RbWatchedInputClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = rb_watched_input_read;
}

static void
rb_watched_input_init (RbWatchedInput *self)
{
}

/* The connection as libsoup gets it: the RbWatchedInput, and the base stream's output. */
#define RB_TYPE_WATCHED_STREAM (rb_watched_stream_get_type ())
G_DECLARE_FINAL_TYPE (RbWatchedStream, rb_watched_stream, RB, WATCHED_STREAM, GIOStream)

struct _RbWatchedStream
{
  GIOStream parent_instance;

  GIOStream *base;
  GInputStream *input;
};

G_DEFINE_FINAL_TYPE (RbWatchedStream, rb_watched_stream, G_TYPE_IO_STREAM)

static GInputStream *
rb_watched_stream_get_input_stream (GIOStream *stream)
{
  return RB_WATCHED_STREAM (stream)->input;
}

static GOutputStream *
rb_watched_stream_get_output_stream (GIOStream *stream)
{
  return g_io_stream_get_output_stream (RB_WATCHED_STREAM (stream)->base);
}

static gboolean
rb_watched_stream_close (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  return g_io_stream_close (RB_WATCHED_STREAM (stream)->base, cancellable, error);
}

static void
on_base_closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* GIOStream's own close_async would run close_fn on a worker thread, racing the main
 * context over the socket (a WebSocket closes this way); the base stream closes without a
 * thread. */
static void
rb_watched_stream_close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_watched_stream_close_async);
  g_io_stream_close_async (RB_WATCHED_STREAM (stream)->base, io_priority, cancellable,
                           on_base_closed_cb, task);
}

static gboolean
rb_watched_stream_close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
rb_watched_stream_finalize (GObject *object)
{
  RbWatchedStream *self = RB_WATCHED_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (rb_watched_stream_parent_class)->finalize (object);
}

static void
rb_watched_stream_class_init (RbWatchedStreamClass *klass)
{
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = rb_watched_stream_finalize;
  stream_class->get_input_stream = rb_watched_stream_get_input_stream;
  stream_class->get_output_stream = rb_watched_stream_get_output_stream;
  stream_class->close_fn = rb_watched_stream_close;
  stream_class->close_async = rb_watched_stream_close_async;
  stream_class->close_finish = rb_watched_stream_close_finish;
}

static void
rb_watched_stream_init (RbWatchedStream *self)
{
}

static GIOStream *
watched_stream_new (GIOStream *base, Conn *conn)
{
  RbWatchedStream *self = g_object_new (RB_TYPE_WATCHED_STREAM, NULL);
  RbWatchedInput *input = g_object_new (RB_TYPE_WATCHED_INPUT, "base-stream",
                                        g_io_stream_get_input_stream (base), NULL);

  input->conn = conn;
  conn->input = G_INPUT_STREAM (input);
  g_object_add_weak_pointer (G_OBJECT (input), (gpointer *) &conn->input);
  self->base = g_object_ref (base);
  self->input = G_INPUT_STREAM (input);
  return G_IO_STREAM (self);
}

/* ---- one connection --------------------------------------------------------------------- */

static void on_message_disconnected_cb (SoupServerMessage *msg, gpointer user_data);
static void on_wrote_headers_cb (SoupServerMessage *msg, gpointer user_data);
static void on_wrote_body_data_cb (SoupServerMessage *msg, guint chunk_size, gpointer user_data);
static void on_wrote_informational_cb (SoupServerMessage *msg, gpointer user_data);

static void
conn_set_message (Conn *conn, SoupServerMessage *msg)
{
  if (conn->msg == msg)
    return;
  if (conn->msg != NULL)
    {
      g_signal_handlers_disconnect_by_data (conn->msg, conn);
      g_clear_object (&conn->msg);
    }
  if (msg == NULL)
    return;
  conn->msg = g_object_ref (msg);
  g_signal_connect (msg, "disconnected", G_CALLBACK (on_message_disconnected_cb), conn);
  g_signal_connect (msg, "wrote-informational", G_CALLBACK (on_wrote_informational_cb), conn);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_wrote_headers_cb), conn);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_body_data_cb), conn);
}

static void
conn_set_phase (Conn *conn, Phase phase, gint64 timeout)
{
  conn->phase = phase;
  conn->deadline = timeout > 0 ? g_get_monotonic_time () + timeout : 0;
  conn->shut = FALSE;
}

/* libsoup is done with the connection; our message reference is all that keeps its objects,
 * and so the descriptor, alive. */
static void
conn_release (Conn *conn)
{
  conn_set_phase (conn, PHASE_CLOSED, 0);
  conn_set_message (conn, NULL);
}

/* Takes an idle connection back from libsoup and closes it. libsoup is waiting for the next
 * request then (the EOF, if it came, was kept from it), and stealing the connection
 * releases libsoup's objects for it. */
static void
conn_steal_and_close (Conn *conn)
{
  g_autoptr (GIOStream) stream = NULL;
  g_autoptr (SoupServerMessage) msg = conn->msg != NULL ? g_object_ref (conn->msg) : NULL;
  g_autoptr (GSocketConnection) connection = g_object_ref (conn->connection);

  conn_release (conn);
  if (msg != NULL && !g_io_stream_is_closed (G_IO_STREAM (connection)))
    stream = soup_server_message_steal_connection (msg);
  if (stream != NULL)
    g_io_stream_close (stream, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
}

/* Ends a connection: an idle one as above; any other by shutting its socket down, which
 * libsoup, reading or writing it, meets as an error that ends the request as any broken one
 * ends. */
static void
conn_end (Conn *conn)
{
  if (conn->phase == PHASE_IDLE)
    conn_steal_and_close (conn);
  else
    g_socket_shutdown (conn->socket, TRUE, TRUE, NULL);
}

static gboolean
on_closed_by_client_cb (gpointer user_data)
{
  Conn *conn = user_data;

  conn->close_source = 0;
  if (conn->phase == PHASE_IDLE)
    conn_steal_and_close (conn);
  return G_SOURCE_REMOVE;
}

/* What libsoup read from the connection: n bytes, 0 at EOF, -1 with error. Returns that, or
 * -1 with "would block" for an EOF or error that is kept from libsoup. */
static gssize
conn_filter_read (Conn *conn, gssize n, GError **error)
{
  if (conn == NULL || conn->phase != PHASE_IDLE)
    return n;
  if (n > 0)
    {
      /* The next request begins (libsoup starts it at once): its headers are due within the
       * request timeout. */
      conn->deadline = g_get_monotonic_time () + conn->listener->request_timeout;
      return n;
    }
  if (n < 0
      && (error == NULL || g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK)))
    return n;
  /* The client closed the idle connection (EOF), or reset it (an error). libsoup 3.2.3 would
   * keep it half-dismantled for ever, and a steal then would crash; it is told to wait, and
   * the connection is closed before libsoup polls again. */
  if (conn->close_source == 0)
    conn->close_source = g_idle_add_full (G_PRIORITY_HIGH, on_closed_by_client_cb, conn, NULL);
  g_clear_error (error);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "closed by the client");
  return -1;
}

static void
on_message_disconnected_cb (SoupServerMessage *msg, gpointer user_data)
{
  conn_release (user_data);
}

static void
on_wrote_informational_cb (SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = user_data;

  /* 101: libsoup hands the connection to a WebSocket, whose pings keep it in check. */
  if (soup_server_message_get_status (msg) == SOUP_STATUS_SWITCHING_PROTOCOLS)
    {
      conn_set_phase (conn, PHASE_UPGRADED, 0);
      conn_set_message (conn, NULL);
    }
}

static void
on_wrote_headers_cb (SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = user_data;

  conn_set_phase (conn, PHASE_ANSWER, conn->listener->request_timeout);
}

static void
on_wrote_body_data_cb (SoupServerMessage *msg, guint chunk_size, gpointer user_data)
{
  Conn *conn = user_data;

  conn->deadline = g_get_monotonic_time () + conn->listener->request_timeout;
}

static void
conn_expire (Conn *conn)
{
  switch (conn->phase)
    {
    case PHASE_IDLE:
      conn_end (conn);
      break;
    case PHASE_REQUEST:
    case PHASE_ANSWER:
      if (conn->shut)
        {
          /* libsoup did not notice the shutdown: at least the descriptor goes. */
          g_io_stream_close (G_IO_STREAM (conn->connection), NULL, NULL);
          conn->deadline = 0;
          break;
        }
      g_printerr ("connection timed out while %s\n",
                  conn->phase == PHASE_REQUEST ? "reading the request" : "writing the answer");
      conn_end (conn);
      conn->shut = TRUE;
      conn->deadline = g_get_monotonic_time () + conn->listener->request_timeout;
      break;
    case PHASE_HANDLING:
    case PHASE_UPGRADED:
    case PHASE_CLOSED:
      conn->deadline = 0;
      break;
    }
}

static void
conn_free (Conn *conn)
{
  g_clear_handle_id (&conn->close_source, g_source_remove);
  conn_set_message (conn, NULL);
  if (conn->input != NULL)
    {
      RB_WATCHED_INPUT (conn->input)->conn = NULL;
      g_object_remove_weak_pointer (G_OBJECT (conn->input), (gpointer *) &conn->input);
    }
  g_object_set_qdata (G_OBJECT (conn->remote), conn_quark, NULL);
  g_object_unref (conn->remote);
  g_free (conn);
}

/* The connection object is gone, and with it the descriptor. */
static void
on_connection_finalized_cb (gpointer data, GObject *where_the_object_was)
{
  Conn *conn = data;
  RbListener *self = conn->listener;

  g_hash_table_remove (self->conns, conn);
  update_accepting (self);
}

/* The connection a message came on: libsoup hands soup_server_accept_iostream's remote
 * address to every message of that connection unchanged. */
static Conn *
conn_for_message (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  return remote != NULL ? g_object_get_qdata (G_OBJECT (remote), conn_quark) : NULL;
}

/* ---- the SoupServer's signals ------------------------------------------------------------ */

/* At a new connection, and when the first bytes of a further request arrive. */
static void
on_request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  RbListener *self = user_data;
  Conn *conn = conn_for_message (msg);

  if (conn == NULL)
    return;
  conn_set_message (conn, msg);
  conn_set_phase (conn, PHASE_REQUEST, self->request_timeout);
}

static void
on_request_read_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  Conn *conn = conn_for_message (msg);

  if (conn != NULL && conn->msg == msg)
    conn_set_phase (conn, PHASE_HANDLING, 0);
}

/* If libsoup keeps the connection, it is idle now; if not, its "disconnected" follows. */
static void
on_request_done_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  RbListener *self = user_data;
  Conn *conn = conn_for_message (msg);

  if (conn == NULL || conn->msg != msg)
    return;
  conn_set_phase (conn, PHASE_IDLE, self->idle_timeout);
}

/* ---- accepting ---------------------------------------------------------------------------- */

static void
add_connection (RbListener *self, GSocket *socket)
{
  g_autoptr (GSocketConnection) connection = NULL;
  g_autoptr (GIOStream) stream = NULL;
  g_autoptr (GIOStream) watched = NULL;
  g_autoptr (GSocketAddress) local = g_socket_get_local_address (socket, NULL);
  g_autoptr (GError) error = NULL;
  Conn *conn;

  if (local == NULL)
    return;
  /* Answers are written in one go; Nagle's algorithm would only delay them (libsoup's own
   * listener sets this too). */
  g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  connection = g_socket_connection_factory_create_connection (socket);
  if (self->certificate != NULL)
    {
      stream = g_tls_server_connection_new (G_IO_STREAM (connection), self->certificate, &error);
      if (stream == NULL)
        {
          g_printerr ("error: TLS: %s\n", error->message);
          return;
        }
      /* As libsoup's own listener: clients rarely send close_notify. */
      g_tls_connection_set_require_close_notify (G_TLS_CONNECTION (stream), FALSE);
    }
  else
    stream = g_object_ref (G_IO_STREAM (connection));

  conn = g_new0 (Conn, 1);
  conn->listener = self;
  conn->connection = connection;
  conn->socket = g_socket_connection_get_socket (connection);
  conn->remote = g_socket_get_remote_address (socket, NULL);
  if (conn->remote == NULL)
    {
      g_free (conn);
      return;
    }
  g_object_set_qdata (G_OBJECT (conn->remote), conn_quark, conn);
  g_object_weak_ref (G_OBJECT (connection), on_connection_finalized_cb, conn);
  g_hash_table_add (self->conns, conn);
  watched = watched_stream_new (stream, conn);

  /* Emits request-started for the first request at once (on_request_started_cb). */
  soup_server_accept_iostream (self->soup, watched, local, conn->remote, NULL);
}

static void start_accepting (RbListener *self);

static gboolean
on_accept_retry_cb (gpointer user_data)
{
  RbListener *self = user_data;

  self->accept_retry = 0;
  update_accepting (self);
  return G_SOURCE_REMOVE;
}

static void
stop_accepting (RbListener *self)
{
  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
}

static gboolean
on_incoming_cb (GSocket *socket, GIOCondition condition, gpointer user_data)
{
  RbListener *self = user_data;

  for (int i = 0; i < ACCEPT_BATCH && g_hash_table_size (self->conns) < self->max_connections;
       i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GSocket) client = g_socket_accept (self->socket, NULL, &error);

      if (client != NULL)
        {
          add_connection (self, client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      /* Out of descriptors (or memory): the connections that are open will end and give
       * theirs back, so try again shortly instead of spinning on a socket that stays
       * readable, or giving up as libsoup's listener does. */
      g_printerr ("error: accepting a connection failed: %s; trying again in %d ms\n",
                  error->message, ACCEPT_RETRY_MS);
      stop_accepting (self);
      self->accept_retry = g_timeout_add (ACCEPT_RETRY_MS, on_accept_retry_cb, self);
      return G_SOURCE_REMOVE;
    }
  update_accepting (self);
  return G_SOURCE_CONTINUE;
}

static void
start_accepting (RbListener *self)
{
  if (self->accept_source != NULL)
    return;
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming_cb), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

/* Polls the listening socket exactly while a connection may be added. */
static void
update_accepting (RbListener *self)
{
  if (!self->closed && self->accept_retry == 0
      && g_hash_table_size (self->conns) < self->max_connections)
    start_accepting (self);
  else
    stop_accepting (self);
}

/* Once a second: every connection whose deadline has passed. */
static gboolean
on_sweep_cb (gpointer user_data)
{
  RbListener *self = user_data;
  g_autoptr (GPtrArray) expired = g_ptr_array_new ();
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  Conn *conn;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL))
    if (conn->deadline != 0 && conn->deadline <= now)
      g_ptr_array_add (expired, conn);
  /* Closing may finalize a connection, which removes it from the table. */
  for (guint i = 0; i < expired->len; i++)
    conn_expire (g_ptr_array_index (expired, i));
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_listener_dispose (GObject *object)
{
  RbListener *self = RB_LISTENER (object);

  rb_listener_close (self);
  g_clear_handle_id (&self->sweep_timer, g_source_remove);
  if (self->soup != NULL)
    g_signal_handlers_disconnect_by_data (self->soup, self);
  g_clear_object (&self->soup);

  G_OBJECT_CLASS (rb_listener_parent_class)->dispose (object);
}

static void
rb_listener_finalize (GObject *object)
{
  RbListener *self = RB_LISTENER (object);
  GHashTableIter iter;
  Conn *conn;

  /* Connections that outlive the listener are libsoup's alone now. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL))
    {
      g_object_weak_unref (G_OBJECT (conn->connection), on_connection_finalized_cb, conn);
      g_hash_table_iter_remove (&iter);
    }
  g_hash_table_unref (self->conns);
  g_clear_object (&self->socket);
  g_clear_object (&self->inert);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (rb_listener_parent_class)->finalize (object);
}

static void
rb_listener_class_init (RbListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rb_listener_dispose;
  object_class->finalize = rb_listener_finalize;
  conn_quark = g_quark_from_static_string ("rb-listener-conn");
}

static void
rb_listener_init (RbListener *self)
{
  self->conns = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) conn_free, NULL);
  self->max_connections = RB_LISTENER_MAX_CONNECTIONS;
  self->request_timeout = RB_LISTENER_REQUEST_TIMEOUT * G_USEC_PER_SEC;
  self->idle_timeout = RB_LISTENER_IDLE_TIMEOUT * G_USEC_PER_SEC;
}

/* ---- public API ------------------------------------------------------------------------------ */

/* Accepts on socket (bound and listening) for soup, over TLS with certificate if not NULL. */
RbListener *
rb_listener_new (SoupServer *soup, GSocket *socket, GTlsCertificate *certificate,
                 GError **error)
{
  g_autoptr (RbListener) self = g_object_new (RB_TYPE_LISTENER, NULL);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);

  self->soup = g_object_ref (soup);
  self->socket = g_object_ref (socket);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  g_socket_set_blocking (socket, FALSE);

  /* libsoup 3.2 keeps a connection alive after an answer only while the SoupServer has a
   * listener of its own (request_finished in soup-server.c). It gets one that can never
   * accept: a loopback socket that is shut down as soon as libsoup has it. */
  self->inert = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                              error);
  if (self->inert == NULL || !g_socket_bind (self->inert, any_port, FALSE, error)
      || !g_socket_listen (self->inert, error)
      || !soup_server_listen_socket (soup, self->inert, 0, error)
      || !g_socket_shutdown (self->inert, TRUE, TRUE, error))
    return NULL;

  g_signal_connect (soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (soup, "request-read", G_CALLBACK (on_request_read_cb), self);
  g_signal_connect (soup, "request-finished", G_CALLBACK (on_request_done_cb), self);
  g_signal_connect (soup, "request-aborted", G_CALLBACK (on_request_done_cb), self);
  self->sweep_timer = g_timeout_add_seconds (1, on_sweep_cb, self);
  update_accepting (self);
  return g_steal_pointer (&self);
}

/* At most max_connections at once; timeouts in seconds (at least 1). */
void
rb_listener_set_limits (RbListener *self, guint max_connections, guint request_timeout,
                        guint idle_timeout)
{
  self->max_connections = MAX (max_connections, 1);
  self->request_timeout = MAX (request_timeout, 1) * G_USEC_PER_SEC;
  self->idle_timeout = MAX (idle_timeout, 1) * G_USEC_PER_SEC;
  update_accepting (self);
}

/* "http://127.0.0.1:PORT/" (https with a certificate). */
char *
rb_listener_dup_uri (RbListener *self)
{
  g_autoptr (GSocketAddress) address = g_socket_get_local_address (self->socket, NULL);
  g_autofree char *host = NULL;
  GInetSocketAddress *inet;

  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return NULL;
  inet = G_INET_SOCKET_ADDRESS (address);
  host = g_inet_address_to_string (g_inet_socket_address_get_address (inet));
  return g_strdup_printf ("%s://%s%s%s:%u/", self->certificate != NULL ? "https" : "http",
                          strchr (host, ':') != NULL ? "[" : "", host,
                          strchr (host, ':') != NULL ? "]" : "",
                          (guint) g_inet_socket_address_get_port (inet));
}

/* Stops accepting and closes the idle connections; those in the middle of a request are
 * left to finish (a shutdown closes them with soup_server_disconnect). */
void
rb_listener_close (RbListener *self)
{
  g_autoptr (GPtrArray) idle = g_ptr_array_new ();
  GHashTableIter iter;
  Conn *conn;

  self->closed = TRUE;
  stop_accepting (self);
  g_clear_handle_id (&self->accept_retry, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, (gpointer *) &conn, NULL))
    if (conn->phase == PHASE_IDLE)
      g_ptr_array_add (idle, conn);
  for (guint i = 0; i < idle->len; i++)
    conn_end (g_ptr_array_index (idle, i));
}
