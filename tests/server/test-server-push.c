/* test-server-push.c: the push channel of the change feed (issue 9) against the real
 * raumbuch-server process: the WebSocket of GET /changes/stream (authentication before the
 * upgrade, a message with the feed's new head after every commit that changed bookings, the
 * blocks hint, a kiosk's device token, a clean close on shutdown) and the long-poll of
 * GET /changes?wait= (answers as soon as the feed moves, or empty when the time is up).
 *
 * The server's clock starts on Monday 30 November 2026 at 06:00 UTC (07:00 in Bonn) and runs
 * on in real time. Nothing here measures time: every wait runs the main loop until what is
 * expected has come, under a generous bound that fails the test instead of hanging it. */
#include "config.h"

#include <signal.h>

#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* NOW, which is also the start of the 15-minute slot that is running then */
#define NOW_SLOT_START G_GINT64_CONSTANT (1796018400)
/* 2026-12-01 00:00 UTC */
#define TUESDAY G_GINT64_CONSTANT (1796083200)
#define AT(hour) (TUESDAY + (hour) * 3600)

#define JONAS "14475"  /* staff */
#define LEONIE "14835" /* staff */
#define MONIKA "87666" /* facility manager */

/* Only guards against a hang; no assertion is about how long anything took. */
#define WAIT_BOUND_SECONDS 20

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-push-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->dir);
}

/* ---- waiting on the main loop ------------------------------------------------------------ */

static gboolean
on_bound_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until *done, or fails after WAIT_BOUND_SECONDS. */
static void
wait_for (gboolean *done, const char *what)
{
  gboolean timed_out = FALSE;
  guint bound = g_timeout_add_seconds (WAIT_BOUND_SECONDS, on_bound_cb, &timed_out);

  while (!*done && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (bound);
  if (!*done)
    g_error ("gave up waiting for %s", what);
}

/* ---- a WebSocket client of GET /changes/stream -------------------------------------------- */

typedef struct
{
  SoupMessage *msg;
  SoupWebsocketConnection *connection;
  GError *error;
  gboolean connected; /* the handshake finished, one way or the other */
  GQueue messages;    /* JsonNode, the server's messages not yet taken */
  gboolean closed;
} Stream;

static void
stream_free (Stream *stream)
{
  if (stream->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (stream->connection, stream);
      if (soup_websocket_connection_get_state (stream->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (stream->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    }
  g_clear_object (&stream->connection);
  g_clear_object (&stream->msg);
  g_clear_error (&stream->error);
  g_queue_clear_full (&stream->messages, (GDestroyNotify) json_node_unref);
  g_free (stream);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Stream, stream_free)

static void
on_stream_message_cb (SoupWebsocketConnection *connection, int type, GBytes *message,
                      gpointer user_data)
{
  Stream *stream = user_data;
  g_autoptr (GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (message, &size);
  g_autofree char *text = g_strndup (data, size);
  JsonNode *node;

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  node = json_from_string (text, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  g_queue_push_tail (&stream->messages, node);
}

static void
on_stream_closed_cb (SoupWebsocketConnection *connection, gpointer user_data)
{
  Stream *stream = user_data;

  stream->closed = TRUE;
}

static void
on_stream_connected_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Stream *stream = user_data;

  stream->connection
      = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &stream->error);
  if (stream->connection != NULL)
    {
      g_signal_connect (stream->connection, "message", G_CALLBACK (on_stream_message_cb), stream);
      g_signal_connect (stream->connection, "closed", G_CALLBACK (on_stream_closed_cb), stream);
    }
  stream->connected = TRUE;
}

/* Opens the WebSocket as a person (token) or a kiosk (device) and waits for the handshake's
 * end: check stream->connection, or stream->error and the status of stream->msg. */
static Stream *
stream_open (Fixture *f, const char *token, const char *device)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/changes/stream");
  Stream *stream = g_new0 (Stream, 1);

  stream->msg = rb_test_message_new ("GET", url, token);
  if (device != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (stream->msg), "X-Device-Token",
                                  device);
  soup_session_websocket_connect_async (f->session, stream->msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_stream_connected_cb, stream);
  wait_for (&stream->connected, "the WebSocket handshake");
  return stream;
}

static Stream *
stream_open_ok (Fixture *f, const char *token, const char *device)
{
  Stream *stream = stream_open (f, token, device);

  g_assert_no_error (stream->error);
  g_assert_nonnull (stream->connection);
  return stream;
}

static gboolean
stream_has_message (Stream *stream)
{
  return !g_queue_is_empty (&stream->messages);
}

/* The next message from the server, as a JSON object (owned by the caller). */
static JsonNode *
stream_take (Stream *stream)
{
  gboolean timed_out = FALSE;
  guint bound = g_timeout_add_seconds (WAIT_BOUND_SECONDS, on_bound_cb, &timed_out);

  while (!stream_has_message (stream) && !stream->closed && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (bound);
  if (!stream_has_message (stream))
    g_error ("no message on the stream (%s)", stream->closed ? "closed" : "timed out");
  return g_queue_pop_head (&stream->messages);
}

/* Takes the next message and asserts that it is {"next": expected}. */
static void
stream_assert_next (Stream *stream, gint64 expected)
{
  g_autoptr (JsonNode) node = stream_take (stream);
  JsonObject *o = json_node_get_object (node);
  g_autofree char *text = json_to_string (node, FALSE);

  if (!json_object_has_member (o, "next") || json_object_get_size (o) != 1)
    g_error ("expected {\"next\": %" G_GINT64_FORMAT "}, got %s", expected, text);
  g_assert_cmpint (json_object_get_int_member (o, "next"), ==, expected);
}

/* Takes the next message and asserts that it is the blocks hint. */
static void
stream_assert_blocks (Stream *stream)
{
  g_autoptr (JsonNode) node = stream_take (stream);
  g_autofree char *text = json_to_string (node, FALSE);

  g_assert_cmpstr (text, ==, "{\"blocks\":true}");
}

/* Everything the server sent so far has been taken. A blocks hint or a head that came
 * before a later message is therefore not pending: the order on one stream is kept. */
static void
stream_assert_drained (Stream *stream)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (g_queue_get_length (&stream->messages), ==, 0);
}

/* ---- helpers ------------------------------------------------------------------------------- */

static char *
login (Fixture *f, const char *staff_number)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person (staff_number));
}

static RbTestResponse *
request (Fixture *f, const char *method, const char *token, const char *body, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

/* Books and returns the booking's sequence number; the id goes to out_id. */
static gint64
book (Fixture *f, const char *token, const char *space_id, gint64 start, gint64 end, char **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) resp
      = rb_test_create_booking (f->session, f->server, token, id, space_id, start, end, NULL, 0);

  rb_test_assert_status (resp, 201);
  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
  return rb_test_response_get_int (resp, "seq");
}

/* The feed's head as GET /changes?since=0&limit=0 answers it. */
static gint64
feed_head (Fixture *f, const char *token)
{
  g_autoptr (RbTestResponse) resp
      = request (f, "GET", token, NULL, "/api/v1/changes?since=0&limit=0");

  rb_test_assert_status (resp, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        rb_test_response_get_object (resp), "changes")),
                    ==, 0);
  return rb_test_response_get_int (resp, "next");
}

/* The booking with this id in GET /changes?since=since as token sees it, or NULL. */
static JsonObject *
find_change (RbTestResponse *feed, const char *booking_id)
{
  JsonArray *changes = json_object_get_array_member (rb_test_response_get_object (feed), "changes");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *booking
          = json_object_get_object_member (json_array_get_object_element (changes, i), "booking");

      if (g_str_equal (json_object_get_string_member (booking, "id"), booking_id))
        found = booking;
    }
  return found;
}

/* ---- the WebSocket ------------------------------------------------------------------------ */

/* Authenticated like every route, before the upgrade: 401 without or with a wrong token, and
 * never a WebSocket; 426 as problem+json for a request that is no handshake. */
static void
test_stream_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *wrong = g_strnfill (64, 'a');
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autoptr (Stream) anonymous = stream_open (f, NULL, NULL);
  g_autoptr (Stream) wrong_token = stream_open (f, wrong, NULL);
  g_autoptr (Stream) wrong_device = stream_open (f, NULL, wrong);
  g_autoptr (Stream) kiosk = NULL;
  g_autoptr (RbTestResponse) plain = NULL;
  g_autoptr (RbTestResponse) post = NULL;
  g_autoptr (RbTestResponse) below = NULL;
  g_autoptr (JsonNode) first = NULL;

  g_assert_null (anonymous->connection);
  g_assert_error (anonymous->error, SOUP_WEBSOCKET_ERROR, SOUP_WEBSOCKET_ERROR_NOT_WEBSOCKET);
  g_assert_cmpuint (soup_message_get_status (anonymous->msg), ==, 401);
  g_assert_null (wrong_token->connection);
  g_assert_cmpuint (soup_message_get_status (wrong_token->msg), ==, 401);
  g_assert_null (wrong_device->connection);
  g_assert_cmpuint (soup_message_get_status (wrong_device->msg), ==, 401);

  /* A kiosk's device token is enough. */
  kiosk = stream_open_ok (f, NULL, device);
  first = stream_take (kiosk);
  g_assert_true (json_object_has_member (json_node_get_object (first), "next"));

  plain = request (f, "GET", jonas, NULL, "/api/v1/changes/stream");
  rb_test_assert_problem (plain, 426, "upgrade_required");
  g_assert_cmpstr (soup_message_headers_get_one (plain->headers, "Upgrade"), ==, "websocket");
  post = request (f, "POST", jonas, "{}", "/api/v1/changes/stream");
  rb_test_assert_problem (post, 405, "method_not_allowed");
  g_assert_cmpstr (soup_message_headers_get_one (post->headers, "Allow"), ==, "GET, HEAD");
  below = request (f, "GET", jonas, NULL, "/api/v1/changes/streams");
  rb_test_assert_problem (below, 404, "not_found");
}

/* Client B hears of every change that client A makes, with the feed's new head: a booking,
 * a cancellation, a check-in, a block that cancels a booking (with the blocks hint), a block
 * on an empty room and its lifting (the hint only). The kiosk hears the same, and B's pull
 * with the head it had finds exactly the change. */
static void
test_stream_changes (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *leonie = login (f, LEONIE);
  g_autofree char *monika = login (f, MONIKA);
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autoptr (Stream) b = NULL;
  g_autoptr (Stream) kiosk = NULL;
  g_autofree char *meeting = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *cancel_path = NULL;
  g_autofree char *check_in_path = NULL;
  g_autofree char *since_path = NULL;
  g_autofree char *lift_path = NULL;
  g_autoptr (RbTestResponse) pulled = NULL;
  g_autoptr (RbTestResponse) cancelled = NULL;
  g_autoptr (RbTestResponse) checked_in = NULL;
  g_autoptr (RbTestResponse) blocked = NULL;
  g_autoptr (RbTestResponse) empty_block = NULL;
  g_autoptr (RbTestResponse) lifted = NULL;
  gint64 head, seq;
  JsonObject *change;
  gboolean next_seen = FALSE, blocks_seen = FALSE;

  book (f, jonas, "a0-r01", AT (8), AT (9), NULL);
  head = feed_head (f, leonie);

  /* On connect: the head as it is. */
  b = stream_open_ok (f, leonie, NULL);
  stream_assert_next (b, head);
  kiosk = stream_open_ok (f, NULL, device);
  stream_assert_next (kiosk, head);

  /* A books: B is told the head after A's booking, and finds it with the head it had. */
  seq = book (f, jonas, "a0-r02", AT (10), AT (11), &meeting);
  g_assert_cmpint (seq, ==, head);
  stream_assert_next (b, seq + 1);
  stream_assert_next (kiosk, seq + 1);
  since_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, head);
  pulled = request (f, "GET", leonie, NULL, since_path);
  rb_test_assert_status (pulled, 200);
  g_assert_cmpint (rb_test_response_get_int (pulled, "next"), ==, seq + 1);
  change = find_change (pulled, meeting);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "state"), ==, "booked");

  /* A cancels. */
  cancel_path = g_strdup_printf ("/api/v1/bookings/%s", meeting);
  cancelled = request (f, "DELETE", jonas, NULL, cancel_path);
  rb_test_assert_status (cancelled, 200);
  seq = rb_test_response_get_int (cancelled, "seq");
  stream_assert_next (b, seq + 1);
  stream_assert_next (kiosk, seq + 1);

  /* A checks in (the desk's window opens at 06:45 UTC, the server's clock is past 06:00). */
  book (f, jonas, "a0-d001", NOW_SLOT_START, NOW_SLOT_START + 3600, &desk);
  stream_assert_next (b, feed_head (f, leonie));
  stream_assert_next (kiosk, feed_head (f, leonie));
  check_in_path = g_strdup_printf ("/api/v1/bookings/%s/check-in", desk);
  checked_in = request (f, "POST", jonas, NULL, check_in_path);
  rb_test_assert_status (checked_in, 200);
  stream_assert_next (b, rb_test_response_get_int (checked_in, "seq") + 1);
  stream_assert_next (kiosk, rb_test_response_get_int (checked_in, "seq") + 1);

  /* A block that cancels A's first booking: its cancellation moves the feed, and the block
   * itself is the hint; the two may come in either order. */
  blocked = request (f, "POST", monika,
                     "{\"start\": \"2026-12-01T00:00:00Z\", \"end\": \"2026-12-02T00:00:00Z\","
                     " \"reason\": \"Wasserschaden\"}",
                     "/api/v1/spaces/a0-r01/blocks");
  rb_test_assert_status (blocked, 201);
  head = feed_head (f, leonie);
  for (int i = 0; i < 2; i++)
    {
      g_autoptr (JsonNode) node = stream_take (b);
      JsonObject *o = json_node_get_object (node);

      if (json_object_has_member (o, "next"))
        {
          g_assert_cmpint (json_object_get_int_member (o, "next"), ==, head);
          next_seen = TRUE;
        }
      else
        {
          g_assert_true (json_object_get_boolean_member (o, "blocks"));
          blocks_seen = TRUE;
        }
    }
  g_assert_true (next_seen && blocks_seen);

  /* A block of an empty room cancels nothing: the hint alone. So is lifting it. */
  empty_block = request (f, "POST", monika,
                         "{\"start\": \"2026-12-01T00:00:00Z\", \"end\": \"2026-12-02T00:00:00Z\","
                         " \"reason\": \"Reinigung\"}",
                         "/api/v1/spaces/a0-r06/blocks");
  rb_test_assert_status (empty_block, 201);
  stream_assert_blocks (b);
  lift_path = g_strdup_printf (
      "/api/v1/blocks/%s",
      json_object_get_string_member (
          json_object_get_object_member (rb_test_response_get_object (empty_block), "block"),
          "id"));
  lifted = request (f, "DELETE", monika, NULL, lift_path);
  rb_test_assert_status (lifted, 204);
  stream_assert_blocks (b);
  g_assert_cmpint (feed_head (f, leonie), ==, head);
  stream_assert_drained (b);
}

/* A no-show released by the server's timer is a change like any other. The site's check-in
 * deadline is set to the start (0 minutes after), so a booking of the running slot is due at
 * once, and the server releases every second (--release-interval 1). */
static void
test_stream_auto_release (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = NULL;
  g_autofree char *leonie = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *since_path = NULL;
  g_autoptr (Stream) b = NULL;
  g_autoptr (RbTestResponse) pulled = NULL;
  gint64 head, seq;
  JsonObject *change;

  rb_test_server_stop (f->server);
  rb_test_db_exec (rb_test_server_get_db_path (f->server),
                   "INSERT INTO policy (site_id, key, value)"
                   " VALUES ('site-bonn', 'check_in_after_minutes', 0)"
                   " ON CONFLICT (site_id, key) DO UPDATE SET value = excluded.value");
  rb_test_server_add_args (f->server, "--release-interval", "1", NULL);
  rb_test_server_start (f->server);

  jonas = login (f, JONAS);
  leonie = login (f, LEONIE);
  head = feed_head (f, leonie);
  b = stream_open_ok (f, leonie, NULL);
  stream_assert_next (b, head);

  /* The running slot began at 06:00 UTC: Jonas books it and never checks in. */
  seq = book (f, jonas, "a0-d002", NOW_SLOT_START, NOW_SLOT_START + 3600, &desk);
  stream_assert_next (b, seq + 1);
  stream_assert_next (b, seq + 2);

  since_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, seq + 1);
  pulled = request (f, "GET", jonas, NULL, since_path);
  rb_test_assert_status (pulled, 200);
  change = find_change (pulled, desk);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "state"), ==, "released");
}

/* ---- the long-poll -------------------------------------------------------------------------- */

typedef struct
{
  SoupMessage *msg;
  gboolean sent; /* its headers went out */
  gboolean done;
  guint status;
  JsonNode *json;
} Poll;

static void
poll_free (Poll *poll)
{
  g_clear_object (&poll->msg);
  g_clear_pointer (&poll->json, json_node_unref);
  g_free (poll);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Poll, poll_free)

static void
on_poll_wrote_headers_cb (SoupMessage *msg, gpointer user_data)
{
  Poll *poll = user_data;

  poll->sent = TRUE;
}

static void
on_poll_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Poll *poll = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body
      = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_no_error (error);
  poll->status = soup_message_get_status (poll->msg);
  poll->json = json_from_string (g_bytes_get_data (body, NULL), &error);
  g_assert_no_error (error);
  poll->done = TRUE;
}

/* Sends GET path on the main context and waits until the request went out; a synchronous
 * request of the same session then shows that the server has read it too (it accepts and
 * reads connections in order). The answer comes to poll_wait. */
static Poll *
poll_start (Fixture *f, const char *token, const char *device, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);
  g_autofree char *health_url = rb_test_server_url (f->server, "/api/v1/health");
  g_autoptr (RbTestResponse) health = NULL;
  Poll *poll = g_new0 (Poll, 1);

  poll->msg = rb_test_message_new ("GET", url, token);
  if (device != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (poll->msg), "X-Device-Token",
                                  device);
  g_signal_connect (poll->msg, "wrote-headers", G_CALLBACK (on_poll_wrote_headers_cb), poll);
  soup_session_send_and_read_async (f->session, poll->msg, G_PRIORITY_DEFAULT, NULL,
                                    on_poll_done_cb, poll);
  wait_for (&poll->sent, "the long-poll to go out");
  health = rb_test_request (f->session, "GET", health_url, NULL, NULL, NULL);
  rb_test_assert_status (health, 200);
  return poll;
}

static JsonObject *
poll_wait (Poll *poll)
{
  wait_for (&poll->done, "the long-poll's answer");
  g_assert_cmpuint (poll->status, ==, 200);
  return json_node_get_object (poll->json);
}

/* A long-poll answers as soon as a booking moves the feed past `since`, with the booking;
 * with limit=0 only with the new head; for a kiosk anonymously. With nothing happening it
 * answers after `wait` seconds as usual: no changes, the same `next`. */
static void
test_long_poll (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *leonie = login (f, LEONIE);
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autofree char *path = NULL;
  g_autofree char *head_path = NULL;
  g_autofree char *kiosk_path = NULL;
  g_autofree char *meeting = NULL;
  g_autofree char *other = NULL;
  g_autofree char *third = NULL;
  g_autoptr (Poll) woken = NULL;
  g_autoptr (Poll) head_only = NULL;
  g_autoptr (Poll) kiosk = NULL;
  g_autoptr (RbTestResponse) quiet = NULL;
  g_autoptr (RbTestResponse) quiet_head = NULL;
  JsonObject *answer;
  JsonArray *changes;
  JsonObject *booking;
  gint64 head = feed_head (f, leonie);
  gint64 seq;

  /* Nothing happens: after the wait, an empty list and the same `next`. */
  path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=1", head);
  quiet = request (f, "GET", leonie, NULL, path);
  rb_test_assert_status (quiet, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        rb_test_response_get_object (quiet), "changes")),
                    ==, 0);
  g_assert_cmpint (rb_test_response_get_int (quiet, "next"), ==, head);
  g_free (path);
  path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=0&wait=1", head);
  quiet_head = request (f, "GET", leonie, NULL, path);
  rb_test_assert_status (quiet_head, 200);
  g_assert_cmpint (rb_test_response_get_int (quiet_head, "next"), ==, head);

  /* A booking wakes it; the bound of wait_for is below the 30 s it would wait otherwise. */
  g_free (path);
  path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=30", head);
  woken = poll_start (f, leonie, NULL, path);
  seq = book (f, jonas, "a0-r02", AT (10), AT (11), &meeting);
  answer = poll_wait (woken);
  changes = json_object_get_array_member (answer, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  booking = json_object_get_object_member (json_array_get_object_element (changes, 0), "booking");
  g_assert_cmpstr (json_object_get_string_member (booking, "id"), ==, meeting);
  g_assert_cmpint (json_object_get_int_member (answer, "next"), ==, seq + 1);

  /* limit=0: only the new head. */
  head_path
      = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=0&wait=30", seq + 1);
  head_only = poll_start (f, leonie, NULL, head_path);
  seq = book (f, jonas, "a0-r03", AT (10), AT (11), &other);
  answer = poll_wait (head_only);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "changes")), ==,
                    0);
  g_assert_cmpint (json_object_get_int_member (answer, "next"), ==, seq + 1);

  /* A kiosk waits with its device token and sees the booking without its person. */
  kiosk_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=30", seq + 1);
  kiosk = poll_start (f, NULL, device, kiosk_path);
  book (f, jonas, "a0-r04", AT (10), AT (11), &third);
  answer = poll_wait (kiosk);
  changes = json_object_get_array_member (answer, "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  booking = json_object_get_object_member (json_array_get_object_element (changes, 0), "booking");
  g_assert_cmpstr (json_object_get_string_member (booking, "id"), ==, third);
  g_assert_true (json_object_get_null_member (booking, "person_id"));
}

/* wait must be 0–30 seconds; a cursor beyond the head is 410 with or without it. */
static void
test_long_poll_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *leonie = login (f, LEONIE);
  static const char *const wrong[] = { "31", "-1", "ten", "1.5", "99999999999999999999" };

  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=0&wait=%s", wrong[i]);
      g_autoptr (RbTestResponse) resp = request (f, "GET", leonie, NULL, path);

      rb_test_assert_problem (resp, 422, "invalid_field");
    }
  {
    g_autoptr (RbTestResponse) beyond
        = request (f, "GET", leonie, NULL, "/api/v1/changes?since=99&wait=5");

    rb_test_assert_problem (beyond, 410, "cursor_expired");
  }
}

/* ---- shutdown ------------------------------------------------------------------------------- */

/* SIGTERM with a WebSocket open and a long-poll held: the long-poll is answered at once (no
 * changes), the WebSocket is closed with 1001 "going away", and the server exits with 0. */
static void
test_shutdown (Fixture *f, gconstpointer data)
{
  g_autofree char *leonie = login (f, LEONIE);
  g_autoptr (Stream) b = stream_open_ok (f, leonie, NULL);
  g_autoptr (JsonNode) first = stream_take (b);
  gint64 head = json_object_get_int_member (json_node_get_object (first), "next");
  g_autofree char *path
      = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=30", head);
  g_autoptr (Poll) held = poll_start (f, leonie, NULL, path);
  JsonObject *answer;

  rb_test_server_send_signal (f->server, SIGTERM);
  answer = poll_wait (held);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (answer, "changes")), ==,
                    0);
  g_assert_cmpint (json_object_get_int_member (answer, "next"), ==, head);
  wait_for (&b->closed, "the WebSocket to close");
  g_assert_cmpuint (soup_websocket_connection_get_close_code (b->connection), ==,
                    SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  rb_test_server_wait_exit (f->server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/push/stream-refused", Fixture, NULL, fixture_set_up, test_stream_refused,
              fixture_tear_down);
  g_test_add ("/server/push/stream-changes", Fixture, NULL, fixture_set_up, test_stream_changes,
              fixture_tear_down);
  g_test_add ("/server/push/stream-auto-release", Fixture, NULL, fixture_set_up,
              test_stream_auto_release, fixture_tear_down);
  g_test_add ("/server/push/long-poll", Fixture, NULL, fixture_set_up, test_long_poll,
              fixture_tear_down);
  g_test_add ("/server/push/long-poll-refused", Fixture, NULL, fixture_set_up,
              test_long_poll_refused, fixture_tear_down);
  g_test_add ("/server/push/shutdown", Fixture, NULL, fixture_set_up, test_shutdown,
              fixture_tear_down);
  return g_test_run ();
}
