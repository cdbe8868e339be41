/* test-sync.c: the sync engine against the real raumbuch-server process, with real SQLite
 * files on both sides. A client books a whole day while the server is down; when it returns
 * everything is pushed and each booking ends confirmed or rejected with its reason. A retry
 * after an answer lost on the way creates nothing twice. An expired feed cursor (410) leads
 * to a full resync. The backoff grows and is jittered. */
#include "config.h"

#include <gio/gio.h>
#include <signal.h>

#include "rb-mirror.h"
#include "rb-retention.h"
#include "rb-store-private.h"
#include "rb-sync-engine.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

/* The server's and the clients' frozen "now": Monday 30 November 2026, 07:00 in Berlin. */
#define NOW_RFC3339 "2026-11-30T06:00:00Z"
static gint64 frozen_now;

typedef struct
{
  char *dir;
  char *db_path;
  RbStore *store;
  RbApiClient *client;
  RbSyncEngine *engine;
} Client;

/* ---- helpers ------------------------------------------------------------------------------ */

static void
store_result_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Runs the main loop until the async call stored its result; fails after 60 s. */
static GAsyncResult *
wait_for_result (GAsyncResult **slot)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while (*slot == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *slot;
}

static void
spin (int ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static Client *
client_new (const char *base_url)
{
  g_autoptr (GError) error = NULL;
  Client *c = g_new0 (Client, 1);

  c->dir = rb_test_make_tmpdir ();
  c->db_path = g_build_filename (c->dir, "client.db", NULL);
  c->store = rb_store_open_sync (c->db_path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (c->store, rb_test_frozen_clock, &frozen_now);
  c->client = rb_api_client_new (base_url);
  c->engine = rb_sync_engine_new (c->store, c->client);
  /* Rounds only when the test asks, so that it controls the order of events. */
  rb_sync_engine_set_poll_interval (c->engine, 0);
  return c;
}

static void
client_free (Client *c)
{
  rb_sync_engine_stop (c->engine);
  spin (50);
  g_clear_object (&c->engine);
  g_clear_object (&c->client);
  g_assert_finalize_object (c->store);
  rb_test_remove_tree (c->dir);
  g_free (c->db_path);
  g_free (c->dir);
  g_free (c);
}

static gboolean
client_sync (Client *c, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_sync_engine_sync_async (c->engine, NULL, store_result_cb, &result);
  return rb_sync_engine_sync_finish (c->engine, wait_for_result (&result), error);
}

static void
client_login (Client *c, const char *staff_number, const char *pin)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = NULL;

  rb_sync_engine_login_async (c->engine, staff_number, pin, NULL, store_result_cb, &result);
  person = rb_sync_engine_login_finish (c->engine, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_person_get_staff_number (person), ==, staff_number);
}

static void
client_import (Client *c)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  rb_sync_engine_import_building_async (c->engine, NULL, store_result_cb, &result);
  g_assert_true (rb_sync_engine_import_building_finish (c->engine, wait_for_result (&result),
                                                        NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (rb_test_db_int (c->db_path, "SELECT count(*) FROM spaces"), ==, 186);
  /* The import starts a round of its own; let it finish before the test goes on. */
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
}

static RbBooking *
client_book (Client *c, const char *space_id, RbInterval interval, const char *title,
             RbSyncOutcome *out_outcome, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = NULL;
  RbPerson *person = rb_sync_engine_get_person (c->engine);

  g_assert_nonnull (person);
  request = rb_booking_new (id, space_id, rb_person_get_id (person), interval);
  if (title != NULL)
    {
      rb_booking_set_title (request, title);
      rb_booking_set_attendees (request, 2);
    }
  rb_sync_engine_book_async (c->engine, request, NULL, store_result_cb, &result);
  return rb_sync_engine_operation_finish (c->engine, wait_for_result (&result), out_outcome, error);
}

static gint64
count (const char *db_path, const char *sql_format, ...) G_GNUC_PRINTF (2, 3);

static gint64
count (const char *db_path, const char *sql_format, ...)
{
  g_autofree char *sql = NULL;
  va_list args;

  va_start (args, sql_format);
  sql = g_strdup_vprintf (sql_format, args);
  va_end (args);
  return rb_test_db_int (db_path, sql);
}

static RbTestServer *
server_new (const char *dir)
{
  RbTestServer *server = rb_test_server_new (dir);

  rb_test_server_set_now (server, NOW_RFC3339);
  rb_test_server_start (server);
  return server;
}

/* ---- a day offline ------------------------------------------------------------------------ */

typedef struct
{
  const char *space_id;
  int from_hour;
  int to_hour;
  const char *title;
} Slot;

/* Jonas's Tuesday: a desk all day and a string of meetings in two rooms. */
static const Slot day[] = {
  { "a0-d005", 8, 17, NULL },
  { "a0-r02", 8, 9, "Jour fixe" },
  { "a0-r02", 9, 10, "Haushalt" },
  { "a0-r02", 10, 11, "Recht" },
  { "a0-r03", 11, 12, "Fokus" },
  { "a0-r03", 12, 13, "Mittagsrunde" },
  { "a0-r02", 13, 14, "Abstimmung" },
  { "a0-r02", 14, 15, "Review" },
  { "a0-r03", 15, 16, "Telefonat" },
  { "a0-r02", 16, 17, "Planung" },
};

static void
test_offline_day (void)
{
  g_autofree char *server_dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = server_new (server_dir);
  g_autoptr (SoupSession) other = rb_test_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *other_token = NULL;
  Client *c = client_new (rb_test_server_get_base_url (server));
  const char *server_db = rb_test_server_get_db_path (server);
  const char *jonas_id;
  gint64 confirmed, rejected;
  guint queued = 0;

  client_login (c, "14475", "8466");
  client_import (c);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_true (rb_sync_engine_get_online (c->engine));
  jonas_id = rb_person_get_id (rb_sync_engine_get_person (c->engine));

  /* The server goes away for the day (as a crash would). */
  rb_test_server_kill (server);

  for (guint i = 0; i < G_N_ELEMENTS (day); i++)
    {
      RbInterval iv = rb_interval_make (rb_test_berlin_time (2026, 12, 1, day[i].from_hour, 0),
                                        rb_test_berlin_time (2026, 12, 1, day[i].to_hour, 0));
      RbSyncOutcome outcome = RB_SYNC_OUTCOME_CONFIRMED;
      g_autoptr (RbBooking) booking = client_book (c, day[i].space_id, iv, day[i].title, &outcome,
                                                   &error);

      g_assert_no_error (error);
      g_assert_nonnull (booking);
      g_assert_cmpint (outcome, ==, RB_SYNC_OUTCOME_PENDING);
      queued++;
    }
  g_assert_false (rb_sync_engine_get_online (c->engine));
  g_assert_cmpuint (rb_sync_engine_get_failures (c->engine), >=, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'pending'"),
                   ==, queued);
  /* Queued bookings hold their space locally: shown as taken, pending. */
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"),
                   ==, queued);

  /* The server is back on the same database; before Jonas's client reconnects, a colleague
   * takes a room slot and the desk he had queued. */
  rb_test_server_start (server);
  other_token = rb_test_login (other, server, "17157", "4492");
  {
    g_autofree char *id1 = rb_booking_new_id ();
    g_autofree char *id2 = rb_booking_new_id ();
    g_autoptr (RbTestResponse) r1 = rb_test_create_booking (
        other, server, other_token, id1, "a0-r02", rb_test_berlin_time (2026, 12, 1, 9, 30),
        rb_test_berlin_time (2026, 12, 1, 10, 30), "Personalrunde", 3);
    g_autoptr (RbTestResponse) r2 = rb_test_create_booking (
        other, server, other_token, id2, "a0-d005", rb_test_berlin_time (2026, 12, 1, 12, 0),
        rb_test_berlin_time (2026, 12, 1, 16, 0), NULL, 0);
    rb_test_assert_status (r1, 201);
    rb_test_assert_status (r2, 201);
  }

  /* Reconnect (the restarted server has a new port). The session survived the restart. */
  rb_api_client_set_base_url (c->client, rb_test_server_get_base_url (server));
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_true (rb_sync_engine_get_online (c->engine));

  confirmed = count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'done'");
  rejected = count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'rejected'");
  g_test_message ("queued %u, confirmed %" G_GINT64_FORMAT ", rejected %" G_GINT64_FORMAT,
                  queued, confirmed, rejected);
  /* Nothing silently dropped: every queued booking has an outcome. */
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'pending'"), ==, 0);
  g_assert_cmpint (confirmed + rejected, ==, queued);
  /* The two that clash (09:00–10:00 and 10:00–11:00 in a0-r02 against 09:30–10:30, and the
   * desk against 12:00–16:00) are rejected with the reason, the rest confirmed. */
  g_assert_cmpint (rejected, ==, 3);
  g_assert_cmpint (count (c->db_path,
                          "SELECT count(*) FROM outbox WHERE state = 'rejected'"
                          " AND last_error_code = 'overlap' AND last_error LIKE '%%booked%%'"),
                   ==, 3);
  /* The server has exactly the confirmed ones of Jonas, each once. */
  g_assert_cmpint (count (server_db, "SELECT count(*) FROM bookings WHERE person_id = '%s'"
                                     " AND state = 'booked'", jonas_id),
                   ==, confirmed);
  /* Locally: rejected ones no longer hold their space, the colleague's arrived by the feed,
   * and the local state equals the server's for every space that day. */
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings b JOIN outbox o ON"
                                      " o.booking_id = b.id WHERE o.state = 'rejected'"
                                      " AND b.state = 'cancelled'"),
                   ==, 3);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"),
                   ==, count (server_db, "SELECT count(*) FROM bookings WHERE state = 'booked'"));
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d005'"
                                      " AND state = 'booked' AND person_id IS NULL"),
                   ==, 1);

  client_free (c);
  rb_test_server_stop (server);
  rb_test_remove_tree (server_dir);
}

/* ---- the server's booking wins over a pending one from the feed ---------------------------- */

static void
test_feed_rejects_pending (void)
{
  g_autoptr (GError) error = NULL;
  Client *c = client_new ("http://127.0.0.1:9");
  g_autoptr (RbPerson) jonas = rb_person_new ("p-14475", "Jonas Becker", "14475", "", RB_ROLE_STAFF);
  g_autoptr (RbBooking) request = NULL;
  g_autoptr (RbBooking) local = NULL;
  g_autoptr (RbBooking) remote = NULL;
  g_autoptr (GPtrArray) feed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *local_id = rb_booking_new_id ();
  g_autofree char *remote_id = rb_booking_new_id ();
  RbInterval mine = rb_interval_make (rb_test_berlin_time (2026, 12, 1, 9, 0),
                                      rb_test_berlin_time (2026, 12, 1, 11, 0));
  RbInterval theirs = rb_interval_make (rb_test_berlin_time (2026, 12, 1, 10, 0),
                                        rb_test_berlin_time (2026, 12, 1, 12, 0));
  gint64 entry_id = 0;
  int changed;

  /* Only the sync API of the store here: no engine work runs on this store. */
  g_assert_true (rb_store_seed_demo_sync (c->store, &error));
  g_assert_true (rb_mirror_upsert_person_sync (c->store, jonas, &error));
  g_assert_no_error (error);
  request = rb_booking_new (local_id, "a0-r05", "p-14475", mine);
  local = rb_mirror_enqueue_create_sync (c->store, request, &entry_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (entry_id, >, 0);

  /* The feed brings someone else's booking that the server accepted first. */
  remote = rb_booking_new (remote_id, "a0-r05", NULL, theirs);
  rb_booking_set_seq (remote, 7);
  g_ptr_array_add (feed, g_object_ref (remote));
  changed = rb_mirror_apply_remote_sync (c->store, feed, NULL, 8, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (changed, ==, 2);

  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM outbox WHERE id = %" G_GINT64_FORMAT
                                      " AND state = 'rejected' AND last_error_code = 'overlap'",
                          entry_id),
                   ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE id = '%s'"
                                      " AND state = 'cancelled'", local_id), ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE id = '%s'"
                                      " AND state = 'booked'", remote_id), ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT value FROM sync_state WHERE key = 'changes_cursor'"),
                   ==, 8);

  /* Applying the same page again changes nothing (a replay after a crash). */
  changed = rb_mirror_apply_remote_sync (c->store, feed, NULL, 8, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"), ==, 1);
  client_free (c);
}

/* ---- a retry after the answer was lost ---------------------------------------------------- */

/* A loopback relay between the client and the server that passes one request on, reads the
 * server's whole answer (so the server has committed), and then closes the client's
 * connection without passing the answer back: the client cannot know it succeeded. */
typedef struct
{
  GSocketListener *listener;
  guint16 port;
  guint16 upstream_port;
  GThread *thread;
  gboolean answered_upstream;
} Relay;

static GBytes *
read_http_message (GInputStream *in)
{
  g_autoptr (GByteArray) buf = g_byte_array_new ();
  gssize header_end = -1;
  gsize content_length = 0;
  guint8 chunk[4096];

  while (header_end < 0)
    {
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);
      if (n <= 0)
        return NULL;
      g_byte_array_append (buf, chunk, n);
      for (guint i = 3; i < buf->len; i++)
        if (memcmp (buf->data + i - 3, "\r\n\r\n", 4) == 0)
          {
            header_end = i + 1;
            break;
          }
    }
  {
    g_autofree char *headers = g_ascii_strdown ((const char *) buf->data, header_end);
    const char *cl = strstr (headers, "content-length:");
    if (cl != NULL)
      content_length = g_ascii_strtoull (cl + strlen ("content-length:"), NULL, 10);
  }
  while (buf->len < header_end + content_length)
    {
      gssize n = g_input_stream_read (in, chunk, sizeof chunk, NULL, NULL);
      if (n <= 0)
        return NULL;
      g_byte_array_append (buf, chunk, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

static gpointer
relay_thread (gpointer data)
{
  Relay *relay = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketConnection) downstream = g_socket_listener_accept (relay->listener, NULL, NULL,
                                                                       &error);
  g_autoptr (GSocketClient) connector = g_socket_client_new ();
  g_autoptr (GSocketConnection) upstream = NULL;
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) answer = NULL;

  g_assert_no_error (error);
  upstream = g_socket_client_connect_to_host (connector, "127.0.0.1", relay->upstream_port, NULL,
                                              &error);
  g_assert_no_error (error);
  request = read_http_message (g_io_stream_get_input_stream (G_IO_STREAM (downstream)));
  g_assert_nonnull (request);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (upstream)),
                                            g_bytes_get_data (request, NULL),
                                            g_bytes_get_size (request), NULL, NULL, &error));
  answer = read_http_message (g_io_stream_get_input_stream (G_IO_STREAM (upstream)));
  g_assert_nonnull (answer);
  g_atomic_int_set (&relay->answered_upstream, TRUE);
  /* The answer is dropped: the connection just ends. */
  g_io_stream_close (G_IO_STREAM (downstream), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (upstream), NULL, NULL);
  return NULL;
}

static void
test_retry_is_idempotent (void)
{
  g_autofree char *server_dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = server_new (server_dir);
  g_autoptr (GError) error = NULL;
  g_autofree char *relay_url = NULL;
  Client *c = client_new (rb_test_server_get_base_url (server));
  RbSyncOutcome outcome = RB_SYNC_OUTCOME_CONFIRMED;
  g_autoptr (RbBooking) booking = NULL;
  Relay relay = { 0 };
  const char *server_db = rb_test_server_get_db_path (server);
  g_autofree char *booking_id = NULL;

  client_login (c, "14475", "8466");
  client_import (c);

  relay.listener = g_socket_listener_new ();
  relay.port = g_socket_listener_add_any_inet_port (relay.listener, NULL, &error);
  g_assert_no_error (error);
  relay.upstream_port = rb_test_server_get_port (server);
  relay.thread = g_thread_new ("relay", relay_thread, &relay);
  relay_url = g_strdup_printf ("http://127.0.0.1:%u", relay.port);
  rb_api_client_set_base_url (c->client, relay_url);

  booking = client_book (c, "a0-r05",
                         rb_interval_make (rb_test_berlin_time (2026, 12, 2, 9, 0),
                                           rb_test_berlin_time (2026, 12, 2, 10, 0)),
                         "Abstimmung", &outcome, &error);
  g_assert_no_error (error);
  g_assert_cmpint (outcome, ==, RB_SYNC_OUTCOME_PENDING);
  g_thread_join (relay.thread);
  g_assert_true (g_atomic_int_get (&relay.answered_upstream));
  booking_id = g_strdup (rb_booking_get_id (booking));

  /* The server committed the booking, then died before anyone heard of it. */
  rb_test_server_kill (server);
  g_assert_cmpint (count (server_db, "SELECT count(*) FROM bookings WHERE id = '%s'", booking_id),
                   ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'pending'"
                                      " AND attempts = 1"), ==, 1);

  /* After the restart the retry carries the same Idempotency-Key and gets the same booking. */
  rb_test_server_start (server);
  rb_api_client_set_base_url (c->client, rb_test_server_get_base_url (server));
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (server_db, "SELECT count(*) FROM bookings WHERE space_id = 'a0-r05'"),
                   ==, 1);
  g_assert_cmpint (count (server_db, "SELECT count(*) FROM bookings WHERE id = '%s'", booking_id),
                   ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM outbox WHERE state = 'done'"), ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"), ==, 1);

  g_object_unref (relay.listener);
  client_free (c);
  rb_test_server_stop (server);
  rb_test_remove_tree (server_dir);
}

/* ---- 410: full resync --------------------------------------------------------------------- */

static void
book_on_server (SoupSession *session, RbTestServer *server, const char *token, const char *space,
                int day_of_month)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbTestResponse) r = rb_test_create_booking (
      session, server, token, id, space, rb_test_berlin_time (2026, 12, day_of_month, 9, 0),
      rb_test_berlin_time (2026, 12, day_of_month, 12, 0), NULL, 0);

  rb_test_assert_status (r, 201);
}

static void
test_full_resync (void)
{
  g_autofree char *dir1 = rb_test_make_tmpdir ();
  g_autofree char *dir2 = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) first = server_new (dir1);
  g_autoptr (RbTestServer) second = NULL;
  g_autoptr (SoupSession) other = rb_test_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token1 = NULL;
  g_autofree char *token2 = NULL;
  Client *c = client_new (rb_test_server_get_base_url (first));

  client_login (c, "14475", "8466");
  client_import (c);
  token1 = rb_test_login (other, first, "17157", "4492");
  book_on_server (other, first, token1, "a0-d010", 1);
  book_on_server (other, first, token1, "a0-d010", 2);
  book_on_server (other, first, token1, "a0-d010", 3);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"), ==, 3);
  g_assert_cmpuint (rb_sync_engine_get_resyncs (c->engine), ==, 0);

  /* The server is replaced by one restored from an older backup: it never issued the
   * client's cursor, and answers 410. */
  second = server_new (dir2);
  token2 = rb_test_login (other, second, "17157", "4492");
  book_on_server (other, second, token2, "a0-d011", 4);
  rb_api_client_set_base_url (c->client, rb_test_server_get_base_url (second));
  client_login (c, "14475", "8466");
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (rb_sync_engine_get_resyncs (c->engine), ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE state = 'booked'"), ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d011'"),
                   ==, 1);
  g_assert_cmpint (count (c->db_path, "SELECT value FROM sync_state WHERE key = 'changes_cursor'"),
                   ==, count (rb_test_server_get_db_path (second), "SELECT max(seq) + 1 FROM changes"));

  /* And the next round just follows the feed again. */
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rb_sync_engine_get_resyncs (c->engine), ==, 1);

  client_free (c);
  rb_test_server_stop (first);
  rb_test_server_stop (second);
  rb_test_remove_tree (dir1);
  rb_test_remove_tree (dir2);
}

/* ---- topics in the feed ------------------------------------------------------------------ */

static void
on_topic_changed_cb (RbSyncEngine *engine, const char *topic, GPtrArray *heard)
{
  g_ptr_array_add (heard, g_strdup (topic));
}

static gboolean
heard_topic (GPtrArray *heard, const char *topic)
{
  return g_ptr_array_find_with_equal_func (heard, topic, g_str_equal, NULL);
}

/* What the server's administrators change that is not a booking (issue 11) reaches clients
 * as a topic in the feed: after the round that read it, the engine says which topic to read
 * again, once, whatever else the page held. After the start, every topic is read once. A
 * reader that failed hears of it again after the next round. */
static void
test_feed_topics (void)
{
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = server_new (dir);
  g_autoptr (SoupSession) other = rb_test_client_new ();
  g_autoptr (GPtrArray) heard = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  Client *c = client_new (rb_test_server_get_base_url (server));

  g_signal_connect (c->engine, "topic-changed", G_CALLBACK (on_topic_changed_cb), heard);
  client_login (c, "14475", "8466");
  client_import (c);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (heard->len, ==, 2);
  g_assert_true (heard_topic (heard, "building"));
  g_assert_true (heard_topic (heard, "policy"));

  /* Nothing changed: nothing to read again. */
  g_ptr_array_set_size (heard, 0);
  g_assert_true (client_sync (c, &error));
  g_assert_cmpuint (heard->len, ==, 0);

  /* The building changes twice on the server, between two bookings. */
  token = rb_test_login (other, server, "17157", "4492");
  book_on_server (other, server, token, "a0-d010", 1);
  {
    g_autoptr (RbStore) server_store = rb_store_open_sync (rb_test_server_get_db_path (server),
                                                           &error);

    g_assert_no_error (error);
    for (int i = 0; i < 2; i++)
      {
        g_assert_true (rb_store_begin_write (server_store, &error));
        g_assert_cmpint (rb_store_append_topic_change (server_store, "building", &error), >, 0);
        g_assert_true (rb_store_commit_write (server_store, &error));
        g_assert_no_error (error);
      }
  }
  book_on_server (other, server, token, "a0-d010", 2);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (heard->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (heard, 0), ==, "building");
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d010'"),
                   ==, 2);
  g_assert_cmpint (count (c->db_path, "SELECT value FROM sync_state WHERE key = 'changes_cursor'"),
                   ==, count (rb_test_server_get_db_path (server), "SELECT max(seq) + 1 FROM changes"));

  /* Its reader could not read it: told again after the next round, then not again. */
  g_ptr_array_set_size (heard, 0);
  rb_sync_engine_mark_topic_stale (c->engine, "building");
  g_assert_true (client_sync (c, &error));
  g_assert_cmpuint (heard->len, ==, 1);
  g_assert_true (client_sync (c, &error));
  g_assert_cmpuint (heard->len, ==, 1);
  g_assert_no_error (error);

  client_free (c);
  rb_test_server_stop (server);
  rb_test_remove_tree (dir);
}

/* ---- retention reaches mirrors ----------------------------------------------------------- */

/* The server's store applies retention as of a later day (its own clock moved forward): the
 * client's next round anonymises, then deletes, its copies too. */
static void
apply_server_retention_at (RbTestServer *server, gint64 now, int expect_anonymised,
                           int expect_deleted)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) server_store = rb_store_open_sync (rb_test_server_get_db_path (server),
                                                         &error);
  RbRetentionCounts counts = { 0 };

  g_assert_no_error (error);
  rb_store_set_clock (server_store, rb_test_frozen_clock, &now);
  g_assert_true (rb_retention_apply_sync (server_store, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.anonymised, ==, expect_anonymised);
  g_assert_cmpint (counts.deleted, ==, expect_deleted);
}

static void
test_retention_reaches_mirror (void)
{
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = server_new (dir);
  g_autoptr (SoupSession) other = rb_test_client_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  Client *c = client_new (rb_test_server_get_base_url (server));
  gint64 december_1 = rb_test_berlin_time (2026, 12, 1, 12, 0);

  client_login (c, "14475", "8466");
  client_import (c);
  /* the client's own booking, which the feed shows it with its person */
  token = rb_test_login (other, server, "14475", "8466");
  book_on_server (other, server, token, "a0-d010", 1);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d010'"
                                      " AND person_id IS NOT NULL"),
                   ==, 1);

  apply_server_retention_at (server, december_1 + 91 * 86400, 1, 0);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d010'"
                                      " AND person_id IS NULL"),
                   ==, 1);

  apply_server_retention_at (server, december_1 + 366 * 86400, 0, 1);
  g_assert_true (client_sync (c, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count (c->db_path, "SELECT count(*) FROM bookings WHERE space_id = 'a0-d010'"),
                   ==, 0);
  g_assert_cmpint (count (c->db_path, "SELECT value FROM sync_state WHERE key = 'changes_cursor'"),
                   ==, count (rb_test_server_get_db_path (server), "SELECT max(seq) + 1 FROM changes"));

  client_free (c);
  rb_test_server_stop (server);
  rb_test_remove_tree (dir);
}

/* ---- GET /bookings, every page ----------------------------------------------------------- */

/* A person with more bookings than a page holds: one request gets the first page and "next";
 * the API client (which a kiosk uses for the bookings of whoever identified) follows the
 * pages and returns every booking once. */
static void
test_bookings_pages (void)
{
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autoptr (RbTestServer) server = server_new (dir);
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autoptr (RbApiClient) client = rb_api_client_new (rb_test_server_get_base_url (server));
  g_autofree char *token = rb_test_login (session, server, "14475", "8466");
  g_autoptr (GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbTestResponse) first = NULL;
  g_autofree char *first_url = NULL;
  const char *path = "/api/v1/bookings?mine=true&from=2026-12-01T00:00:00Z"
                     "&to=2026-12-02T00:00:00Z";

  for (int i = 0; i < 7; i++)
    {
      g_autofree char *id = rb_booking_new_id ();
      gint64 start = rb_test_berlin_time (2026, 12, 1, 9 + i / 2, 0) + (i % 2) * 1800;
      g_autoptr (RbTestResponse) r = rb_test_create_booking (session, server, token, id,
                                                             i % 2 == 0 ? "a0-r01" : "a0-r02",
                                                             start, start + 1800, NULL, 0);

      rb_test_assert_status (r, 201);
      g_hash_table_add (created, g_steal_pointer (&id));
    }

  first_url = rb_test_server_url (server, "%s&limit=3", path);
  first = rb_test_request (session, "GET", first_url, token, NULL, NULL);
  rb_test_assert_status (first, 200);
  g_assert_nonnull (rb_test_response_get_string (first, "next"));

  rb_api_client_set_page_size (client, 3);
  rb_api_client_list_bookings_async (client, path, token, NULL, store_result_cb, &result);
  bookings = rb_api_client_list_bookings_finish (client, wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (bookings->len, ==, 7);
  for (guint i = 0; i < bookings->len; i++)
    {
      const char *id = rb_booking_get_id (g_ptr_array_index (bookings, i));

      g_assert_true (g_hash_table_contains (created, id));
      g_assert_true (g_hash_table_add (seen, (gpointer) id));
      if (i > 0)
        g_assert_cmpint (rb_booking_get_start (g_ptr_array_index (bookings, i - 1)), <=,
                         rb_booking_get_start (g_ptr_array_index (bookings, i)));
    }
  rb_test_server_stop (server);
  rb_test_remove_tree (dir);
}

/* ---- backoff ------------------------------------------------------------------------------ */

static guint
expected_ceiling (guint failures)
{
  guint64 ceiling = RB_SYNC_BACKOFF_BASE_MS;

  for (guint i = 1; i < failures; i++)
    ceiling = MIN (ceiling * 2, RB_SYNC_BACKOFF_CAP_MS);
  return ceiling;
}

static void
test_backoff (void)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (42);
  g_autoptr (GSocketListener) listener = g_socket_listener_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *dead_url = NULL;
  Client *c;
  guint port;

  /* The computed delays: inside [ceiling/2, ceiling], the ceiling doubling up to the cap,
   * and different from one draw to the next. */
  for (guint failures = 1; failures <= 16; failures++)
    {
      guint ceiling = expected_ceiling (failures);
      guint lowest = G_MAXUINT, highest = 0;

      for (int i = 0; i < 200; i++)
        {
          guint d = rb_sync_backoff_delay_ms (failures, g_rand_double (rand));
          g_assert_cmpuint (d, >=, ceiling / 2);
          g_assert_cmpuint (d, <=, ceiling);
          lowest = MIN (lowest, d);
          highest = MAX (highest, d);
        }
      g_assert_cmpuint (highest - lowest, >, ceiling / 4);
      if (failures > 1)
        g_assert_cmpuint (ceiling, >=, expected_ceiling (failures - 1));
    }
  g_assert_cmpuint (expected_ceiling (16), ==, RB_SYNC_BACKOFF_CAP_MS);
  g_assert_cmpuint (rb_sync_backoff_delay_ms (1, 0.0), ==, RB_SYNC_BACKOFF_BASE_MS / 2);
  g_assert_cmpuint (rb_sync_backoff_delay_ms (3, 1.0), ==, 4 * RB_SYNC_BACKOFF_BASE_MS);

  /* The engine uses them: a port where nobody listens (bound, never accepted, then closed). */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  dead_url = g_strdup_printf ("http://127.0.0.1:%u", port);
  c = client_new (dead_url);
  /* A store with a building, so that the round gets as far as the feed. */
  g_assert_true (rb_store_seed_demo_sync (c->store, &error));
  g_assert_no_error (error);
  rb_api_client_set_token (c->client, "not-a-real-token");
  for (guint round = 1; round <= 6; round++)
    {
      g_autoptr (GError) sync_error = NULL;
      guint delay;

      g_assert_false (client_sync (c, &sync_error));
      g_assert_error (sync_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
      delay = rb_sync_engine_get_retry_delay_ms (c->engine);
      g_test_message ("round %u: retry in %u ms", round, delay);
      g_assert_cmpuint (rb_sync_engine_get_failures (c->engine), ==, round);
      g_assert_cmpuint (delay, >=, expected_ceiling (round) / 2);
      g_assert_cmpuint (delay, <=, expected_ceiling (round));
    }
  g_assert_false (rb_sync_engine_get_online (c->engine));
  client_free (c);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  frozen_now = rb_test_utc_time (2026, 11, 30, 6, 0, 0);

  g_test_add_func ("/sync/backoff", test_backoff);
  g_test_add_func ("/sync/feed-rejects-pending", test_feed_rejects_pending);
  g_test_add_func ("/sync/offline-day", test_offline_day);
  g_test_add_func ("/sync/retry-is-idempotent", test_retry_is_idempotent);
  g_test_add_func ("/sync/full-resync", test_full_resync);
  g_test_add_func ("/sync/feed-topics", test_feed_topics);
  g_test_add_func ("/sync/bookings-pages", test_bookings_pages);
  g_test_add_func ("/sync/retention-reaches-mirror", test_retention_reaches_mirror);
  return g_test_run ();
}
