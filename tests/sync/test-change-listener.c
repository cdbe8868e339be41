/* test-change-listener.c: RbChangeListener against the real raumbuch-server process and
 * against a small server of its own that has no WebSocket. A listener hears of another
 * client's booking and of blocks; a kiosk's device token is enough; a token set on the
 * RbApiClient counts from the next attempt; after kill -9 and a restart on the same port it
 * reconnects by itself; where the upgrade is refused it long-polls.
 *
 * Nothing here measures time: every wait runs the main loop until what is expected has
 * happened, under a generous bound that fails the test instead of hanging it. */
#include "config.h"

#include <string.h>

#include "rb-change-listener.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW_RFC3339 "2026-11-30T06:00:00Z"
/* 2026-12-01 00:00 UTC */
#define TUESDAY G_GINT64_CONSTANT (1796083200)
#define AT(hour) (TUESDAY + (hour) * 3600)

#define JONAS "14475"  /* staff */
#define LEONIE "14835" /* staff */
#define MONIKA "87666" /* facility manager */

/* Only guards against a hang. */
#define WAIT_BOUND_SECONDS 30

/* ---- waiting on the main loop ------------------------------------------------------------ */

static gboolean
on_bound_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main context until condition holds, or fails after WAIT_BOUND_SECONDS. */
static void
wait_until (gboolean (*condition) (gpointer data), gpointer data, const char *what)
{
  gboolean timed_out = FALSE;
  guint bound = g_timeout_add_seconds (WAIT_BOUND_SECONDS, on_bound_cb, &timed_out);

  while (!condition (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (bound);
  if (!condition (data))
    g_error ("gave up waiting for %s", what);
}

/* ---- what a listener told -------------------------------------------------------------- */

typedef struct
{
  RbChangeListener *listener;
  GArray *heads; /* gint64, the `next` of every "changed" */
  guint blocks;  /* "blocks-changed" so far */
} Heard;

static void
on_changed_cb (RbChangeListener *listener, gint64 next, gpointer user_data)
{
  Heard *heard = user_data;

  g_array_append_val (heard->heads, next);
}

static void
on_blocks_changed_cb (RbChangeListener *listener, gpointer user_data)
{
  Heard *heard = user_data;

  heard->blocks++;
}

static Heard *
heard_new (RbApiClient *client)
{
  Heard *heard = g_new0 (Heard, 1);

  heard->listener = rb_change_listener_new (client);
  heard->heads = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_signal_connect (heard->listener, "changed", G_CALLBACK (on_changed_cb), heard);
  g_signal_connect (heard->listener, "blocks-changed", G_CALLBACK (on_blocks_changed_cb), heard);
  return heard;
}

static void
heard_free (Heard *heard)
{
  rb_change_listener_stop (heard->listener);
  g_assert_finalize_object (heard->listener);
  g_array_unref (heard->heads);
  g_free (heard);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Heard, heard_free)

static gint64
last_head (Heard *heard)
{
  return heard->heads->len > 0 ? g_array_index (heard->heads, gint64, heard->heads->len - 1) : 0;
}

static gboolean
is_connected (gpointer data)
{
  return rb_change_listener_get_connected (((Heard *) data)->listener);
}

static gboolean
is_disconnected (gpointer data)
{
  return !is_connected (data);
}

typedef struct
{
  Heard *heard;
  gint64 head;
} HeadWanted;

static gboolean
has_head (gpointer data)
{
  HeadWanted *wanted = data;

  return last_head (wanted->heard) >= wanted->head;
}

/* Waits for "changed" with `head` and asserts that no higher head came instead. */
static void
wait_for_head (Heard *heard, gint64 head)
{
  HeadWanted wanted = { heard, head };

  wait_until (has_head, &wanted, "the listener's \"changed\"");
  g_assert_cmpint (last_head (heard), ==, head);
}

typedef struct
{
  Heard *heard;
  guint len;
} HeardMore;

static gboolean
has_heard_more (gpointer data)
{
  HeardMore *more = data;

  return more->heard->heads->len > more->len;
}

typedef struct
{
  Heard *heard;
  guint blocks;
} BlocksWanted;

static gboolean
has_blocks (gpointer data)
{
  BlocksWanted *wanted = data;

  return wanted->heard->blocks >= wanted->blocks;
}

typedef struct
{
  const char *path;
  const char *line;
} LogWanted;

static gboolean
log_has_line (gpointer data)
{
  LogWanted *wanted = data;
  g_autofree char *contents = NULL;

  return g_file_get_contents (wanted->path, &contents, NULL, NULL)
         && strstr (contents, wanted->line) != NULL;
}

/* ---- the real server --------------------------------------------------------------------- */

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = rb_test_make_tmpdir ();
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW_RFC3339);
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
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
login (Fixture *f, const char *staff_number)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person (staff_number));
}

/* Books as token; the booking's sequence number. */
static gint64
book (Fixture *f, const char *token, const char *space_id, gint64 start, gint64 end)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) resp
      = rb_test_create_booking (f->session, f->server, token, id, space_id, start, end, NULL, 0);

  rb_test_assert_status (resp, 201);
  return rb_test_response_get_int (resp, "seq");
}

static gint64
feed_head (Fixture *f, const char *token)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/changes?since=0&limit=0");
  g_autoptr (RbTestResponse) resp = rb_test_request (f->session, "GET", url, token, NULL, NULL);

  rb_test_assert_status (resp, 200);
  return rb_test_response_get_int (resp, "next");
}

static RbApiClient *
api_client (Fixture *f, const char *token)
{
  RbApiClient *client = rb_api_client_new (rb_test_server_get_base_url (f->server));

  rb_api_client_set_token (client, token);
  return client;
}

/* B's listener hears of A's booking with the head after it, and of a block. */
static void
test_listener_changed (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *leonie = login (f, LEONIE);
  g_autofree char *monika = login (f, MONIKA);
  g_autoptr (RbApiClient) client = api_client (f, leonie);
  g_autoptr (Heard) b = heard_new (client);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/spaces/a0-r06/blocks");
  g_autoptr (RbTestResponse) blocked = NULL;
  BlocksWanted blocks_wanted;
  gint64 seq;

  rb_change_listener_start (b->listener);
  wait_until (is_connected, b, "the listener to connect");
  g_assert_false (rb_change_listener_get_long_polling (b->listener));
  /* On connect: the head as it is, and the blocks to be read. */
  wait_for_head (b, feed_head (f, leonie));
  g_assert_cmpuint (b->blocks, ==, 1);

  seq = book (f, jonas, "a0-r02", AT (10), AT (11));
  wait_for_head (b, seq + 1);

  blocked
      = rb_test_request (f->session, "POST", url, monika,
                         "{\"start\": \"2026-12-01T00:00:00Z\", \"end\": \"2026-12-02T00:00:00Z\","
                         " \"reason\": \"Reinigung\"}",
                         NULL);
  rb_test_assert_status (blocked, 201);
  blocks_wanted = (BlocksWanted){ b, 2 };
  wait_until (has_blocks, &blocks_wanted, "the listener's \"blocks-changed\"");

  /* Stopped, it hears no more. */
  rb_change_listener_stop (b->listener);
  g_assert_false (rb_change_listener_get_connected (b->listener));
}

/* A kiosk listens with its device token alone. A listener whose token the server refuses
 * keeps trying; once the right token is set on the RbApiClient, the next attempt uses it. */
static void
test_listener_credentials (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *leonie = login (f, LEONIE);
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autofree char *wrong = g_strnfill (64, 'f');
  g_autoptr (RbApiClient) kiosk_client
      = rb_api_client_new (rb_test_server_get_base_url (f->server));
  g_autoptr (RbApiClient) client = api_client (f, wrong);
  g_autoptr (Heard) kiosk = NULL;
  g_autoptr (Heard) b = NULL;
  LogWanted refused
      = { rb_test_server_get_log_path (f->server), "path=/api/v1/changes/stream status=401" };
  gint64 seq;

  rb_api_client_set_device_token (kiosk_client, device);
  kiosk = heard_new (kiosk_client);
  rb_change_listener_start (kiosk->listener);
  wait_until (is_connected, kiosk, "the kiosk's listener to connect");
  seq = book (f, jonas, "a0-r02", AT (10), AT (11));
  wait_for_head (kiosk, seq + 1);

  b = heard_new (client);
  rb_change_listener_start (b->listener);
  wait_until (log_has_line, &refused, "the server to refuse the wrong token");
  g_assert_false (rb_change_listener_get_connected (b->listener));
  g_assert_cmpuint (b->heads->len, ==, 0);
  rb_api_client_set_token (client, leonie);
  wait_until (is_connected, b, "the listener to connect with the new token");
  seq = book (f, jonas, "a0-r03", AT (10), AT (11));
  wait_for_head (b, seq + 1);
  wait_for_head (kiosk, seq + 1);
}

/* kill -9 and a restart on the same port: the listener sees the connection go, comes back by
 * itself with backoff, and hears of the next booking. */
static void
test_listener_reconnect (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *leonie = login (f, LEONIE);
  g_autoptr (RbApiClient) client = api_client (f, leonie);
  g_autoptr (Heard) b = heard_new (client);
  g_autofree char *listen = NULL;
  HeardMore heard_more;
  guint heads_before;
  gint64 seq;

  rb_change_listener_start (b->listener);
  wait_until (is_connected, b, "the listener to connect");
  wait_for_head (b, feed_head (f, leonie));

  listen = g_strdup_printf ("127.0.0.1:%u", rb_test_server_get_port (f->server));
  rb_test_server_kill (f->server);
  wait_until (is_disconnected, b, "the listener to notice the server is gone");

  /* The same database and port; the sessions are in the database. */
  rb_test_server_add_args (f->server, "--listen", listen, NULL);
  heads_before = b->heads->len;
  rb_test_server_start (f->server);
  wait_until (is_connected, b, "the listener to reconnect");
  /* A reconnect is news: something may have changed meanwhile. */
  heard_more = (HeardMore){ b, heads_before };
  wait_until (has_heard_more, &heard_more, "\"changed\" after the reconnect");
  g_assert_cmpint (last_head (b), ==, feed_head (f, leonie));

  seq = book (f, jonas, "a0-r02", AT (10), AT (11));
  wait_for_head (b, seq + 1);
}

/* ---- a server without the WebSocket ---------------------------------------------------- */

/* What an older server or a proxy that drops upgrades looks like: GET /changes/stream is 404,
 * and GET /changes?since=&limit=0&wait= long-polls on a head that the test moves. */
typedef struct
{
  SoupServer *soup;
  char *base_url;
  gint64 head;
  GPtrArray *held; /* SoupServerMessage, paused until the head moves */
  guint stream_requests;
  char *authorization;
} OldServer;

static void
answer_head (OldServer *old, SoupServerMessage *msg)
{
  g_autofree char *body
      = g_strdup_printf ("{\"changes\": [], \"next\": %" G_GINT64_FORMAT "}", old->head);

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
}

static void
old_server_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
               gpointer user_data)
{
  OldServer *old = user_data;
  const char *since = query != NULL ? g_hash_table_lookup (query, "since") : NULL;
  const char *wait = query != NULL ? g_hash_table_lookup (query, "wait") : NULL;

  g_free (old->authorization);
  old->authorization = g_strdup (soup_message_headers_get_one (
      soup_server_message_get_request_headers (msg), "Authorization"));
  if (g_str_equal (path, "/api/v1/changes/stream"))
    {
      old->stream_requests++;
      soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
      return;
    }
  if (!g_str_equal (path, "/api/v1/changes") || since == NULL)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_BAD_REQUEST, NULL);
      return;
    }
  if (g_ascii_strtoll (since, NULL, 10) < old->head || wait == NULL)
    {
      answer_head (old, msg);
      return;
    }
  /* Held until the test moves the head; the listener's wait is far longer than any test. */
  soup_server_message_pause (msg);
  g_ptr_array_add (old->held, g_object_ref (msg));
}

static OldServer *
old_server_new (gint64 head)
{
  g_autoptr (GError) error = NULL;
  OldServer *old = g_new0 (OldServer, 1);
  GSList *uris;
  g_autofree char *uri = NULL;

  old->head = head;
  old->held = g_ptr_array_new_with_free_func (g_object_unref);
  old->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (old->soup, NULL, old_server_cb, old, NULL);
  soup_server_listen_local (old->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (old->soup);
  uri = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  old->base_url = g_strndup (uri, strlen (uri) - 1); /* without the trailing "/" */
  return old;
}

/* Moves the head and answers every long-poll that waits for it. */
static void
old_server_advance (OldServer *old)
{
  old->head++;
  for (guint i = 0; i < old->held->len; i++)
    {
      SoupServerMessage *msg = g_ptr_array_index (old->held, i);

      answer_head (old, msg);
      soup_server_message_unpause (msg);
    }
  g_ptr_array_set_size (old->held, 0);
}

static gboolean
has_held (gpointer data)
{
  return ((OldServer *) data)->held->len > 0;
}

static void
old_server_free (OldServer *old)
{
  /* Whatever still waits is answered before the connections go. */
  old_server_advance (old);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  soup_server_disconnect (old->soup);
  g_assert_finalize_object (old->soup);
  g_ptr_array_unref (old->held);
  g_free (old->authorization);
  g_free (old->base_url);
  g_free (old);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (OldServer, old_server_free)

static gboolean
is_long_polling (gpointer data)
{
  Heard *heard = data;

  return rb_change_listener_get_connected (heard->listener)
         && rb_change_listener_get_long_polling (heard->listener);
}

/* The WebSocket is refused with 404: the listener long-polls, with the client's token, and
 * hears of every move of the head; every answer also stands for a blocks hint. */
static void
test_listener_long_poll_fallback (void)
{
  g_autoptr (OldServer) old = old_server_new (5);
  g_autoptr (RbApiClient) client = rb_api_client_new (old->base_url);
  g_autoptr (Heard) b = NULL;
  BlocksWanted blocks_wanted;

  rb_api_client_set_token (client, "old-server-token");
  b = heard_new (client);
  rb_change_listener_start (b->listener);
  wait_until (is_long_polling, b, "the listener to fall back to long-polling");
  g_assert_cmpuint (old->stream_requests, ==, 1);
  wait_for_head (b, 5);

  /* The listener waits at the head; the head moves twice. */
  wait_until (has_held, old, "the long-poll to wait");
  g_assert_cmpstr (old->authorization, ==, "Bearer old-server-token");
  old_server_advance (old);
  wait_for_head (b, 6);
  wait_until (has_held, old, "the next long-poll to wait");
  old_server_advance (old);
  wait_for_head (b, 7);
  blocks_wanted = (BlocksWanted){ b, 3 };
  wait_until (has_blocks, &blocks_wanted, "\"blocks-changed\" with every answer");
  g_assert_cmpuint (old->stream_requests, ==, 1);

  rb_change_listener_stop (b->listener);
  g_assert_false (rb_change_listener_get_connected (b->listener));
  g_assert_false (rb_change_listener_get_long_polling (b->listener));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/sync/listener/changed", Fixture, NULL, fixture_set_up, test_listener_changed,
              fixture_tear_down);
  g_test_add ("/sync/listener/credentials", Fixture, NULL, fixture_set_up,
              test_listener_credentials, fixture_tear_down);
  g_test_add ("/sync/listener/reconnect", Fixture, NULL, fixture_set_up, test_listener_reconnect,
              fixture_tear_down);
  g_test_add_func ("/sync/listener/long-poll-fallback", test_listener_long_poll_fallback);
  return g_test_run ();
}
