/* test-server-connections.c: the real raumbuch-server's connections on the open network
 * (issue 10, items 1–3), with plain sockets where a client library would hide what the
 * server does:
 *  - keep-alive connections that their clients close are released at once, descriptors
 *    included (libsoup 3.2.3 alone keeps them in CLOSE-WAIT for ever), and keep-alive and
 *    pipelining still work;
 *  - a request that stalls halfway and a keep-alive connection left idle are closed after
 *    the request and idle timeouts, and not before;
 *  - at the descriptor limit the server keeps accepting once connections end: it never
 *    stops answering while it runs;
 *  - Range headers are ignored, so that no request can multiply an answer;
 *  - a request whose length is declared ambiguously is refused and its connection closed, so
 *    that nothing can be smuggled behind it; a 204 keeps the connection for the next;
 *  - what a client sends cannot forge lines or terminal escapes in the server's log. */
#include "config.h"

#include <string.h>
#include <sys/socket.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define HEALTH "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

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
  f->session = rb_test_client_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->server, rb_test_server_free);
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
assert_healthy (Fixture *f)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/health");
  g_autoptr (RbTestResponse) resp = rb_test_request (f->session, "GET", url, NULL, NULL, NULL);

  rb_test_assert_status (resp, 200);
}

/* A plain TCP connection to the server; reads give up after timeout seconds. */
static GSocket *
connect_raw (Fixture *f, guint timeout)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address
      = g_inet_socket_address_new (loopback, rb_test_server_get_port (f->server));
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, timeout);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return socket;
}

static void
send_text (GSocket *socket, const char *text)
{
  g_autoptr (GError) error = NULL;
  gsize length = strlen (text);
  gsize sent = 0;

  while (sent < length)
    {
      gssize n = g_socket_send (socket, text + sent, length - sent, NULL, &error);

      g_assert_no_error (error);
      sent += n;
    }
}

/* Reads answers until count of them are complete; returns their statuses, space-separated,
 * with "closed" or "timeout" where the connection ended or stayed silent instead. */
static char *
read_answers (GSocket *socket, int count)
{
  g_autoptr (GString) data = g_string_new (NULL);
  g_autoptr (GString) statuses = g_string_new (NULL);
  gsize offset = 0;

  while (count > 0)
    {
      const char *head = data->str + offset;
      const char *end = strstr (head, "\r\n\r\n");
      char buffer[4096];
      gssize n;

      if (end != NULL)
        {
          const char *length = strstr (head, "Content-Length: ");
          gsize body = length != NULL && length < end ? strtoul (length + 16, NULL, 10) : 0;
          gsize total = (end + 4 - head) + body;

          if (data->len - offset >= total)
            {
              g_string_append_printf (statuses, "%s%.3s", statuses->len > 0 ? " " : "",
                                      head + strlen ("HTTP/1.1 "));
              offset += total;
              count--;
              continue;
            }
        }
      n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        {
          g_string_append_printf (statuses, "%s%s", statuses->len > 0 ? " " : "",
                                  n == 0 ? "closed" : "timeout");
          break;
        }
      g_string_append_len (data, buffer, n);
    }
  return g_strdup (statuses->str);
}

/* TRUE when the server closes the connection (EOF or reset; an answer before that, such as
 * a 400, is read and dropped) before the socket's read timeout. */
static gboolean
closed_by_server (GSocket *socket)
{
  g_autoptr (GError) error = NULL;
  char buffer[256];
  gssize n;

  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, &error)) > 0)
    ;
  return n == 0 || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
}

/* Waits up to seconds for the server's descriptors to come down to at most limit. */
static guint
wait_for_fds (Fixture *f, guint limit, guint seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;
  guint n;

  while ((n = rb_test_server_count_fds (f->server)) > limit
         && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  return n;
}

/* ---- keep-alive connections closed by their clients ---------------------------------------- */

static void
test_closed_by_client (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  guint before;

  rb_test_server_start (f->server);
  assert_healthy (f);
  before = rb_test_server_count_fds (f->server);
  url = rb_test_server_url (f->server, "/api/v1/health");

  /* 200 clients each make a request on a keep-alive connection, then go away (a libsoup
   * session closes its idle connections when it is freed, as requests or curl do). */
  for (int i = 0; i < 200; i++)
    {
      g_autoptr (SoupSession) session = rb_test_client_new ();
      g_autoptr (RbTestResponse) resp = rb_test_request (session, "GET", url, NULL, NULL, NULL);

      rb_test_assert_status (resp, 200);
    }
  /* The session of the fixture keeps one connection; a little room for SQLite's files. */
  g_assert_cmpuint (wait_for_fds (f, before + 2, 5), <=, before + 2);
  assert_healthy (f);
  rb_test_server_stop (f->server);
}

/* Keep-alive and pipelining still work: three requests on one connection one after the
 * other, then three in one go, with the client's side closed right after them. */
static void
test_keep_alive (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocket) pipelined = NULL;
  g_autofree char *answers = NULL;
  g_autoptr (GError) error = NULL;

  rb_test_server_start (f->server);
  socket = connect_raw (f, 10);
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *answer = NULL;

      send_text (socket, HEALTH);
      answer = read_answers (socket, 1);
      g_assert_cmpstr (answer, ==, "200");
    }

  pipelined = connect_raw (f, 10);
  send_text (pipelined, HEALTH HEALTH HEALTH);
  g_socket_shutdown (pipelined, FALSE, TRUE, &error);
  g_assert_no_error (error);
  answers = read_answers (pipelined, 4);
  g_assert_cmpstr (answers, ==, "200 200 200 closed");
  rb_test_server_stop (f->server);
}

/* ---- request and idle timeouts ------------------------------------------------------------ */

static void
test_timeouts (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) stalled = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GSocket) idle = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  guint before;
  gint64 started;

  rb_test_server_add_args (f->server, "--request-timeout", "1", "--idle-timeout", "3", NULL);
  rb_test_server_start (f->server);
  assert_healthy (f);
  before = rb_test_server_count_fds (f->server);

  /* Requests that stop halfway: in the request line, in the headers, in the body, and a
   * connection that never sends anything. */
  for (int i = 0; i < 40; i++)
    {
      static const char *const halves[] = {
        "GET /api/v1/hea",
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n",
        "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{",
        "",
      };
      GSocket *socket = connect_raw (f, 8);

      send_text (socket, halves[i % G_N_ELEMENTS (halves)]);
      g_ptr_array_add (stalled, socket);
    }
  started = g_get_monotonic_time ();
  for (guint i = 0; i < stalled->len; i++)
    g_assert_true (closed_by_server (g_ptr_array_index (stalled, i)));
  /* The request timeout is 1 s; the server looks once a second. */
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);

  /* An idle keep-alive connection stays open for the idle timeout, then it is closed. */
  idle = connect_raw (f, 10);
  send_text (idle, HEALTH);
  first = read_answers (idle, 1);
  g_assert_cmpstr (first, ==, "200");
  g_usleep (G_USEC_PER_SEC);
  send_text (idle, HEALTH);
  second = read_answers (idle, 1);
  g_assert_cmpstr (second, ==, "200");
  started = g_get_monotonic_time ();
  g_assert_true (closed_by_server (idle));
  g_assert_cmpint (g_get_monotonic_time () - started, >=, 2 * G_USEC_PER_SEC);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 6 * G_USEC_PER_SEC);

  g_ptr_array_set_size (stalled, 0);
  g_clear_object (&idle);
  g_assert_cmpuint (wait_for_fds (f, before + 2, 5), <=, before + 2);
  assert_healthy (f);
  rb_test_server_stop (f->server);
}

/* ---- the descriptor limit ----------------------------------------------------------------- */

/* 64 descriptors and more clients than that which connect and send nothing: the server takes
 * what it can (half the limit), lets the rest wait in the backlog, frees the slots of the
 * silent ones after the request timeout, and answers everybody who asks meanwhile and
 * afterwards. libsoup's own listener stopped accepting for good at the first accept that
 * failed. */
static void
test_descriptor_limit (Fixture *f, gconstpointer data)
{
  g_autoptr (GPtrArray) silent = g_ptr_array_new_with_free_func (g_object_unref);

  rb_test_server_set_fd_limit (f->server, 64);
  rb_test_server_add_args (f->server, "--request-timeout", "2", NULL);
  rb_test_server_start (f->server);
  assert_healthy (f);

  for (int i = 0; i < 60; i++)
    g_ptr_array_add (silent, connect_raw (f, 10));
  assert_healthy (f);

  /* Clients that connect and go away at once, more than the limit again. */
  g_ptr_array_set_size (silent, 0);
  for (int i = 0; i < 100; i++)
    g_ptr_array_add (silent, connect_raw (f, 10));
  g_ptr_array_set_size (silent, 0);
  assert_healthy (f);
  g_assert_true (rb_test_server_is_running (f->server));
  rb_test_server_stop (f->server);
}

/* ---- framing --------------------------------------------------------------------------- */

/* Everything the server sends until it closes the connection (or stays silent for the
 * socket's timeout). */
static char *
read_until_closed (GSocket *socket)
{
  g_autoptr (GString) data = g_string_new (NULL);
  char buffer[4096];
  gssize n;

  while ((n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL)) > 0)
    g_string_append_len (data, buffer, n);
  if (n < 0)
    g_string_append (data, "<timeout>");
  return g_string_free (g_steal_pointer (&data), FALSE);
}

static guint
count_answers (const char *text)
{
  guint n = 0;

  for (const char *p = text; (p = strstr (p, "HTTP/1.1 ")) != NULL; p++)
    n++;
  return n;
}

/* A request that declares its length ambiguously, followed on the same connection by a
 * request smuggled behind it: the server answers the first with 400 invalid_framing and
 * Connection: close, closes, and never answers the second. libsoup alone let
 * Transfer-Encoding win (or took the last Content-Length) and answered both. */
static void
test_ambiguous_framing (Fixture *f, gconstpointer data)
{
  static const char *const requests[] = {
    /* Content-Length and Transfer-Encoding */
    "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    /* the same the other way round, with a body that ends where Content-Length says */
    "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n",
    /* two Content-Length headers that differ */
    "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Content-Length: 2\r\nContent-Length: 7\r\n\r\n{}",
    /* and as one list (libsoup refuses this one itself, with a bare 400) */
    "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Content-Length: 2, 7\r\n\r\n{}",
    /* Transfer-Encoding twice */
    "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
  };
  g_autoptr (GSocket) same = NULL;
  g_autofree char *answers = NULL;

  rb_test_server_start (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr (GSocket) socket = connect_raw (f, 5);
      g_autofree char *request = g_strconcat (requests[i], HEALTH, HEALTH, NULL);
      g_autofree char *text = NULL;

      send_text (socket, request);
      text = read_until_closed (socket);
      g_test_message ("request %u answered: %s", i, text);
      g_assert_true (g_str_has_prefix (text, "HTTP/1.1 400 "));
      if (i != 3)
        {
          g_assert_nonnull (strstr (text, "\"code\":\"invalid_framing\""));
          g_assert_nonnull (strstr (text, "Connection: close\r\n"));
        }
      g_assert_cmpuint (count_answers (text), ==, 1);
      g_assert_null (strstr (text, "<timeout>"));
    }

  /* Several Content-Length headers with one value are no ambiguity. */
  same = connect_raw (f, 5);
  send_text (same, "POST /api/v1/sessions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nContent-Length: 2\r\n"
                   "Content-Length: 2\r\n\r\n{}" HEALTH);
  answers = read_answers (same, 2);
  g_assert_cmpstr (answers, ==, "422 200");
  assert_healthy (f);
  rb_test_server_stop (f->server);
}

/* A 204 keeps the connection: the request pipelined behind a DELETE /sessions/current is
 * answered. libsoup 3.2.3 took the 204 without Content-Length as delimited by the end of the
 * connection, closed it and dropped the next request. */
static void
test_no_content_keeps_connection (Fixture *f, gconstpointer data)
{
  g_autoptr (GSocket) socket = NULL;
  g_autofree char *token = NULL;
  g_autofree char *request = NULL;
  g_autofree char *answers = NULL;
  g_autofree char *again = NULL;

  rb_test_server_start (f->server);
  token = rb_test_login_person (f->session, f->server, rb_test_demo_person_with_role ("staff", 0));
  socket = connect_raw (f, 10);
  request = g_strdup_printf ("DELETE /api/v1/sessions/current HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                             "Authorization: Bearer %s\r\n\r\n" HEALTH, token);
  send_text (socket, request);
  answers = read_answers (socket, 2);
  g_assert_cmpstr (answers, ==, "204 200");
  /* And the connection is still there for one more. */
  send_text (socket, HEALTH);
  again = read_answers (socket, 1);
  g_assert_cmpstr (again, ==, "200");
  rb_test_server_stop (f->server);
}

/* ---- the log ---------------------------------------------------------------------------- */

/* Method and path come from the client, and libsoup decodes the path's %0A into a line feed:
 * the server's one line per request must neither break nor carry terminal escapes. A request
 * that tries to forge a whole log line, one with raw ESC, DEL and bytes that are not UTF-8
 * in its path, and one with ESC in its method: the log stays one valid UTF-8 line per
 * request, with each such byte written as \xNN. Before, they reached the log raw. */
static void
test_log_escaped (Fixture *f, gconstpointer data)
{
  static const char *const requests[] = {
    "GET /api/v1/x%0Amethod=GET%20path=/forged%20status=200%0D%1B[2J%7F%FF HTTP/1.1\r\n"
    "Host: 127.0.0.1\r\n\r\n",
    "GET /api/v1/raw\x1b[31m\x7f\xff\xc2\x85 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "G\x1b" "ET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
  };
  g_autofree char *log = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;

  rb_test_server_start (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr (GSocket) socket = connect_raw (f, 10);
      g_autofree char *answer = NULL;

      send_text (socket, requests[i]);
      answer = read_answers (socket, 1);
      g_assert_true (g_ascii_isdigit (answer[0]));
    }
  /* The server logs a request once its answer is written; stopping it waits for that. */
  rb_test_server_stop (f->server);
  g_file_get_contents (rb_test_server_get_log_path (f->server), &log, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s", log);

  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_false (g_str_has_prefix (lines[i], "method=GET path=/forged"));
  g_assert_true (g_utf8_validate (log, -1, NULL));
  g_assert_null (strchr (log, '\x1b'));
  g_assert_null (strchr (log, '\x7f'));
  g_assert_null (strchr (log, '\r'));
  g_assert_null (strstr (log, "\xc2\x85"));
  g_assert_nonnull (strstr (log, "method=GET path=/api/v1/x\\x0amethod=GET\\x20path=/forged"
                                 "\\x20status=200\\x0d\\x1b[2J\\x7f\\xff status="));
  g_assert_nonnull (strstr (log, "path=/api/v1/raw\\x1b[31m\\x7f\\xff\\xc2\\x85 status="));
  g_assert_nonnull (strstr (log, "method=G\\x1bET path=/api/v1/health status="));
}

/* ---- Range ------------------------------------------------------------------------------ */

/* 200 overlapping ranges of the OpenAPI document, without a token: libsoup alone answered
 * 206 with every one of them, 200 times the document. */
static void
test_ranges_ignored (Fixture *f, gconstpointer data)
{
  g_autofree char *url = NULL;
  g_autoptr (GString) ranges = g_string_new ("bytes=0-");
  g_autoptr (RbTestResponse) many = NULL;
  g_autoptr (RbTestResponse) one = NULL;
  g_autofree char *document = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (g_getenv ("RAUMBUCH_OPENAPI"), &document, &length, NULL));
  for (int i = 1; i < 200; i++)
    g_string_append (ranges, ",0-");
  rb_test_server_start (f->server);
  url = rb_test_server_url (f->server, "/api/v1/openapi.json");

  many = rb_test_request (f->session, "GET", url, NULL, NULL, "Range", ranges->str, NULL);
  rb_test_assert_status (many, 200);
  g_assert_cmpuint (g_bytes_get_size (many->body), ==, length);
  g_assert_null (soup_message_headers_get_one (many->headers, "Content-Range"));

  one = rb_test_request (f->session, "GET", url, NULL, NULL, "Range", "bytes=0-9", NULL);
  rb_test_assert_status (one, 200);
  g_assert_cmpuint (g_bytes_get_size (one->body), ==, length);
  rb_test_server_stop (f->server);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/connections/closed-by-client", Fixture, NULL, fixture_set_up,
              test_closed_by_client, fixture_tear_down);
  g_test_add ("/server/connections/keep-alive", Fixture, NULL, fixture_set_up,
              test_keep_alive, fixture_tear_down);
  g_test_add ("/server/connections/timeouts", Fixture, NULL, fixture_set_up, test_timeouts,
              fixture_tear_down);
  g_test_add ("/server/connections/descriptor-limit", Fixture, NULL, fixture_set_up,
              test_descriptor_limit, fixture_tear_down);
  g_test_add ("/server/connections/ambiguous-framing", Fixture, NULL, fixture_set_up,
              test_ambiguous_framing, fixture_tear_down);
  g_test_add ("/server/connections/no-content-keeps-connection", Fixture, NULL, fixture_set_up,
              test_no_content_keeps_connection, fixture_tear_down);
  g_test_add ("/server/connections/log-escaped", Fixture, NULL, fixture_set_up,
              test_log_escaped, fixture_tear_down);
  g_test_add ("/server/connections/ranges-ignored", Fixture, NULL, fixture_set_up,
              test_ranges_ignored, fixture_tear_down);
  return g_test_run ();
}
