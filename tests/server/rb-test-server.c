/* rb-test-server.c: the real raumbuch-server as a child process, libsoup clients and JSON
 * helpers for the server tests (see rb-test-server.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "rb-test-server.h"
#include "rb-test-postgres.h"
#include "rb-test-util.h"

/* Bounds that only guard against hangs; no test asserts anything about time. */
#define START_TIMEOUT_US (30 * G_USEC_PER_SEC)
#define EXIT_TIMEOUT_MS (30 * 1000)

struct _RbTestServer
{
  char *dir;
  char *db_path;
  char *log_path;
  char *now;
  GPtrArray *extra_args;
  int starts;
  guint fd_limit;

  GSubprocess *process;
  GThread *reader;
  GMutex lock;
  GCond cond;
  gboolean got_line;   /* the reader saw the first line (or EOF) */
  char *first_line;
  guint16 port;
  char *base_url;
};

/* ---- demo people -------------------------------------------------------------------------- */

static RbTestPerson *demo_people;
static guint n_demo_people;

static const char *
dup_member (JsonObject *object, const char *member)
{
  g_assert_true (json_object_has_member (object, member));
  return g_intern_string (json_object_get_string_member (object, member));
}

static void
load_demo_people (void)
{
  static gsize loaded = 0;

  if (g_once_init_enter (&loaded))
    {
      g_autofree char *path = g_build_filename (SOURCE_DATADIR, "demo-building.json", NULL);
      g_autoptr (JsonParser) parser = json_parser_new ();
      g_autoptr (GError) error = NULL;
      JsonArray *people;

      json_parser_load_from_file (parser, path, &error);
      g_assert_no_error (error);
      people = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                             "people");
      n_demo_people = json_array_get_length (people);
      demo_people = g_new0 (RbTestPerson, n_demo_people);
      for (guint i = 0; i < n_demo_people; i++)
        {
          JsonObject *p = json_array_get_object_element (people, i);

          demo_people[i].id = dup_member (p, "id");
          demo_people[i].display_name = dup_member (p, "display_name");
          demo_people[i].staff_number = dup_member (p, "staff_number");
          demo_people[i].pin = dup_member (p, "pin");
          demo_people[i].role = dup_member (p, "role");
          demo_people[i].team = dup_member (p, "team");
        }
      g_once_init_leave (&loaded, 1);
    }
}

const RbTestPerson *
rb_test_demo_people (guint *n_people)
{
  load_demo_people ();
  if (n_people != NULL)
    *n_people = n_demo_people;
  return demo_people;
}

const RbTestPerson *
rb_test_demo_person (const char *staff_number)
{
  load_demo_people ();
  for (guint i = 0; i < n_demo_people; i++)
    if (g_strcmp0 (demo_people[i].staff_number, staff_number) == 0)
      return &demo_people[i];
  g_assert_not_reached ();
}

const RbTestPerson *
rb_test_demo_person_with_role (const char *role, guint i)
{
  load_demo_people ();
  for (guint k = 0; k < n_demo_people; k++)
    if (g_strcmp0 (demo_people[k].role, role) == 0 && i-- == 0)
      return &demo_people[k];
  g_assert_not_reached ();
}

/* ---- the server process ------------------------------------------------------------------- */

static const char *
server_executable (void)
{
  const char *exe = g_getenv ("RAUMBUCH_SERVER");

  if (exe == NULL || !g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("RAUMBUCH_SERVER must name the built raumbuch-server (it is '%s'); "
             "run the test through meson test", exe != NULL ? exe : "(unset)");
  return exe;
}

/* With RB_TEST_DB_ENGINE=postgresql (the suite postgres), every server of the test program
 * keeps its data in a database of its own in one PostgreSQL cluster, which the program
 * starts the first time it needs it and stops when it exits. */
static RbTestPostgres *postgres;
static char *postgres_dir;

static void
stop_postgres (void)
{
  g_clear_pointer (&postgres, rb_test_postgres_free);
  rb_test_remove_tree (postgres_dir);
  g_clear_pointer (&postgres_dir, g_free);
}

gboolean
rb_test_server_uses_postgres (void)
{
  return g_strcmp0 (g_getenv ("RB_TEST_DB_ENGINE"), "postgresql") == 0;
}

static char *
new_postgres_database (void)
{
  static guint n_databases;
  g_autofree char *name = NULL;

  if (postgres == NULL)
    {
      g_autoptr (GError) error = NULL;

      postgres_dir = g_dir_make_tmp ("raumbuch-postgres-XXXXXX", &error);
      g_assert_no_error (error);
      postgres = rb_test_postgres_new (postgres_dir);
      atexit (stop_postgres);
    }
  name = g_strdup_printf ("server%u", ++n_databases);
  return rb_test_postgres_create_database (postgres, name);
}

static RbTestServer *
server_new (const char *dir, char *db_path)
{
  RbTestServer *self = g_new0 (RbTestServer, 1);

  self->dir = g_strdup (dir);
  self->db_path = db_path;
  self->extra_args = g_ptr_array_new_with_free_func (g_free);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  return self;
}

RbTestServer *
rb_test_server_new (const char *dir)
{
  return server_new (dir, rb_test_server_uses_postgres ()
                              ? new_postgres_database ()
                              : g_build_filename (dir, "raumbuch.db", NULL));
}

RbTestServer *
rb_test_server_new_on (const char *dir, const char *db_path)
{
  return server_new (dir, g_strdup (db_path));
}

void
rb_test_server_set_now (RbTestServer *self, const char *now)
{
  g_free (self->now);
  self->now = g_strdup (now);
}

void
rb_test_server_add_args (RbTestServer *self, const char *first_arg, ...)
{
  va_list args;

  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (self->extra_args, g_strdup (arg));
  va_end (args);
}

/* Runs in the child between fork and exec: it dies with the thread that spawned it, and
 * gets the descriptor limit the test asked for. */
static void
child_setup (gpointer data)
{
  struct rlimit limit = { GPOINTER_TO_UINT (data), GPOINTER_TO_UINT (data) };

  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (limit.rlim_cur > 0)
    setrlimit (RLIMIT_NOFILE, &limit);
}

/* Reads the server's stdout (stderr merged) until EOF: the first line to the waiting starter,
 * everything to the log file, so the pipe never fills and blocks the server. Lines are taken
 * as bytes, not as UTF-8: a log line that is not UTF-8 must reach the file for a test to see
 * it, and must not stop the reading. */
static gpointer
reader_thread (gpointer data)
{
  RbTestServer *self = data;
  GInputStream *out = g_subprocess_get_stdout_pipe (self->process);
  g_autoptr (GDataInputStream) lines = g_data_input_stream_new (out);
  g_autoptr (GFile) log_file = g_file_new_for_path (self->log_path);
  g_autoptr (GFileOutputStream) log = NULL;
  gboolean verbose = g_getenv ("RB_TEST_SERVER_VERBOSE") != NULL;
  gboolean first = TRUE;
  char *line;

  log = g_file_append_to (log_file, G_FILE_CREATE_NONE, NULL, NULL);
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL)) != NULL)
    {
      if (log != NULL)
        {
          g_output_stream_write_all (G_OUTPUT_STREAM (log), line, strlen (line), NULL, NULL, NULL);
          g_output_stream_write_all (G_OUTPUT_STREAM (log), "\n", 1, NULL, NULL, NULL);
        }
      if (verbose)
        g_printerr ("server: %s\n", line);
      if (first)
        {
          g_mutex_lock (&self->lock);
          self->first_line = g_strdup (line);
          self->got_line = TRUE;
          g_cond_broadcast (&self->cond);
          g_mutex_unlock (&self->lock);
          first = FALSE;
        }
      g_free (line);
    }
  g_mutex_lock (&self->lock);
  self->got_line = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);
  if (log != NULL)
    g_output_stream_close (G_OUTPUT_STREAM (log), NULL, NULL);
  return NULL;
}

static char *
read_log (RbTestServer *self)
{
  char *contents = NULL;

  if (!g_file_get_contents (self->log_path, &contents, NULL, NULL))
    return g_strdup ("(no log)");
  return contents;
}

void
rb_test_server_start (RbTestServer *self)
{
  g_autoptr (GSubprocessLauncher) launcher = NULL;
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  static const char prefix[] = "raumbuch-server listening on http://127.0.0.1:";
  gint64 deadline;
  guint64 port = 0;
  char *end = NULL;

  g_assert_null (self->process);
  self->starts++;
  g_free (self->log_path);
  self->log_path = g_strdup_printf ("%s/server-%d.log", self->dir, self->starts);

  g_ptr_array_add (argv, (char *) server_executable ());
  g_ptr_array_add (argv, "--listen");
  g_ptr_array_add (argv, "127.0.0.1:0");
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, self->db_path);
  g_ptr_array_add (argv, "--seed");
  g_ptr_array_add (argv, "demo");
  if (self->now != NULL)
    {
      g_ptr_array_add (argv, "--now");
      g_ptr_array_add (argv, self->now);
    }
  for (guint i = 0; i < self->extra_args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (self->extra_args, i));
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_MERGE);
  g_subprocess_launcher_set_child_setup (launcher, child_setup,
                                         GUINT_TO_POINTER (self->fd_limit), NULL);
  self->process = g_subprocess_launcher_spawnv (launcher, (const char *const *) argv->pdata,
                                                &error);
  g_assert_no_error (error);

  g_mutex_lock (&self->lock);
  self->got_line = FALSE;
  g_clear_pointer (&self->first_line, g_free);
  g_mutex_unlock (&self->lock);
  self->reader = g_thread_new ("server-stdout", reader_thread, self);

  deadline = g_get_monotonic_time () + START_TIMEOUT_US;
  g_mutex_lock (&self->lock);
  while (!self->got_line)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      break;
  g_mutex_unlock (&self->lock);

  if (self->first_line != NULL && g_str_has_prefix (self->first_line, prefix))
    port = g_ascii_strtoull (self->first_line + strlen (prefix), &end, 10);
  if (port == 0 || port > 65535 || end == NULL || g_strcmp0 (end, "/") != 0)
    {
      g_autofree char *log = NULL;

      rb_test_server_kill (self);
      log = read_log (self);
      g_error ("raumbuch-server did not announce its port (first line '%s'); its output:\n%s",
               self->first_line != NULL ? self->first_line : "(none)", log);
    }
  self->port = port;
  g_free (self->base_url);
  self->base_url = g_strdup_printf ("http://127.0.0.1:%u", (guint) port);
  g_test_message ("raumbuch-server pid %s on port %u, log %s",
                  g_subprocess_get_identifier (self->process), (guint) port, self->log_path);
}

static void
on_wait_done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  gboolean *done = data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
on_wait_timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Waits for the process to end; FALSE when it did not within the bound. */
static gboolean
wait_for_exit (RbTestServer *self)
{
  g_autoptr (GMainContext) context = g_main_context_new ();
  g_autoptr (GSource) timeout = g_timeout_source_new (EXIT_TIMEOUT_MS);
  gboolean done = FALSE, timed_out = FALSE;

  g_main_context_push_thread_default (context);
  g_subprocess_wait_async (self->process, NULL, on_wait_done_cb, &done);
  g_source_set_callback (timeout, on_wait_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!done && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  if (!done)
    {
      g_subprocess_force_exit (self->process);
      while (!done)
        g_main_context_iteration (context, TRUE);
    }
  g_main_context_pop_thread_default (context);
  return !timed_out;
}

static void
reap (RbTestServer *self)
{
  g_thread_join (g_steal_pointer (&self->reader));
  g_clear_object (&self->process);
  self->port = 0;
}

void
rb_test_server_stop (RbTestServer *self)
{
  g_assert_nonnull (self->process);
  g_subprocess_send_signal (self->process, SIGTERM);
  rb_test_server_wait_exit (self);
}

void
rb_test_server_wait_exit (RbTestServer *self)
{
  gboolean in_time;

  g_assert_nonnull (self->process);
  in_time = wait_for_exit (self);
  if (!in_time)
    {
      g_autofree char *log = read_log (self);
      g_error ("raumbuch-server did not exit after SIGTERM; its output:\n%s", log);
    }
  if (!g_subprocess_get_if_exited (self->process) || g_subprocess_get_exit_status (self->process) != 0)
    {
      g_autofree char *log = read_log (self);
      g_error ("raumbuch-server did not exit with status 0 after SIGTERM "
               "(exited %d, status %d, signalled %d); its output:\n%s",
               g_subprocess_get_if_exited (self->process),
               g_subprocess_get_if_exited (self->process)
                   ? g_subprocess_get_exit_status (self->process) : -1,
               g_subprocess_get_if_signaled (self->process)
                   ? g_subprocess_get_term_sig (self->process) : 0,
               log);
    }
  reap (self);
}

void
rb_test_server_kill (RbTestServer *self)
{
  if (self->process == NULL)
    return;
  g_subprocess_send_signal (self->process, SIGKILL);
  wait_for_exit (self);
  reap (self);
}

/* kill() here and now: g_subprocess_send_signal() only queues the signal for GLib's worker
 * thread, so a request sent right after it may still be served. A stopped server is waited
 * for until the kernel shows it stopped. */
void
rb_test_server_send_signal (RbTestServer *self, int signum)
{
  const char *pid_text;
  pid_t pid;

  g_assert_nonnull (self->process);
  pid_text = g_subprocess_get_identifier (self->process);
  g_assert_nonnull (pid_text);
  pid = (pid_t) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (kill (pid, signum), ==, 0);
  if (signum == SIGSTOP)
    {
      g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
      gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

      for (;;)
        {
          g_autofree char *stat = NULL;
          const char *state;

          /* The field after the ")" that closes the command name is the state. */
          if (g_file_get_contents (stat_path, &stat, NULL, NULL)
              && (state = strrchr (stat, ')')) != NULL && (state[2] == 'T' || state[2] == 't'))
            break;
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (1000);
        }
    }
}

/* The running server's process id. */
int
rb_test_server_get_pid (RbTestServer *self)
{
  g_assert_nonnull (self->process);
  return (int) g_ascii_strtoll (g_subprocess_get_identifier (self->process), NULL, 10);
}

void
rb_test_server_set_fd_limit (RbTestServer *self, guint limit)
{
  self->fd_limit = limit;
}

guint
rb_test_server_count_fds (RbTestServer *self)
{
  g_autofree char *path = NULL;
  g_autoptr (GDir) dir = NULL;
  guint n = 0;

  g_assert_nonnull (self->process);
  path = g_strdup_printf ("/proc/%s/fd", g_subprocess_get_identifier (self->process));
  dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

gboolean
rb_test_server_is_running (RbTestServer *self)
{
  return self->process != NULL;
}

void
rb_test_server_free (RbTestServer *self)
{
  if (self == NULL)
    return;
  rb_test_server_kill (self);
  g_ptr_array_unref (self->extra_args);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self->first_line);
  g_free (self->base_url);
  g_free (self->now);
  g_free (self->log_path);
  g_free (self->db_path);
  g_free (self->dir);
  g_free (self);
}

const char *
rb_test_server_get_db_path (RbTestServer *self)
{
  return self->db_path;
}

const char *
rb_test_server_get_log_path (RbTestServer *self)
{
  return self->log_path;
}

guint16
rb_test_server_get_port (RbTestServer *self)
{
  return self->port;
}

const char *
rb_test_server_get_base_url (RbTestServer *self)
{
  g_assert_nonnull (self->base_url);
  return self->base_url;
}

char *
rb_test_server_url (RbTestServer *self, const char *path_format, ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);
  return g_strconcat (rb_test_server_get_base_url (self), path, NULL);
}

/* ---- HTTP clients ------------------------------------------------------------------------- */

SoupSession *
rb_test_client_new (void)
{
  return rb_test_client_new_from (NULL);
}

SoupSession *
rb_test_client_new_from (const char *local_address)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) address = NULL;

  if (local_address != NULL)
    {
      inet = g_inet_address_new_from_string (local_address);
      g_assert_nonnull (inet);
      address = g_inet_socket_address_new (inet, 0);
    }
  /* No proxy resolver: the default one would ask GSettings for proxy settings, and the tests
   * talk to loopback only. */
  return soup_session_new_with_options ("proxy-resolver", NULL,
                                        "local-address", address,
                                        "timeout", 60,
                                        "idle-timeout", 10,
                                        "max-conns", 128,
                                        "max-conns-per-host", 64,
                                        NULL);
}

void
rb_test_response_free (RbTestResponse *self)
{
  if (self == NULL)
    return;
  g_free (self->method);
  g_free (self->url);
  g_clear_error (&self->error);
  g_clear_pointer (&self->headers, soup_message_headers_unref);
  g_free (self->content_type);
  g_clear_pointer (&self->body, g_bytes_unref);
  g_clear_pointer (&self->json, json_node_unref);
  g_free (self);
}

JsonObject *
rb_test_response_get_object (RbTestResponse *self)
{
  if (self->json == NULL || !JSON_NODE_HOLDS_OBJECT (self->json))
    return NULL;
  return json_node_get_object (self->json);
}

const char *
rb_test_response_get_string (RbTestResponse *self, const char *member)
{
  JsonObject *object = rb_test_response_get_object (self);
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
rb_test_response_get_int (RbTestResponse *self, const char *member)
{
  JsonObject *object = rb_test_response_get_object (self);
  JsonNode *node;

  if (object == NULL || (node = json_object_get_member (object, member)) == NULL)
    return -1;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

const char *
rb_test_response_get_code (RbTestResponse *self)
{
  return rb_test_response_get_string (self, "code");
}

char *
rb_test_response_describe (RbTestResponse *self)
{
  g_autofree char *body = NULL;

  if (self->status == 0)
    return g_strdup_printf ("%s %s: transport error: %s", self->method, self->url,
                            self->error != NULL ? self->error->message : "?");
  if (self->body != NULL)
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (self->body, &size);

      body = g_utf8_make_valid (data != NULL ? data : "", MIN (size, 2000));
    }
  return g_strdup_printf ("%s %s: %u (%s) %s", self->method,
                          strlen (self->url) > 200 ? "(long URL)" : self->url, self->status,
                          self->content_type != NULL ? self->content_type : "no content type",
                          body != NULL ? body : "");
}

SoupMessage *
rb_test_message_new (const char *method, const char *url, const char *token)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GUri) uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  SoupMessage *msg;

  g_assert_no_error (error);
  msg = soup_message_new_from_uri (method, uri);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization",
                                    value);
    }
  return msg;
}

RbTestResponse *
rb_test_send (SoupSession *session, SoupMessage *msg)
{
  RbTestResponse *self = g_new0 (RbTestResponse, 1);
  g_autoptr (GBytes) body = NULL;

  self->method = g_strdup (soup_message_get_method (msg));
  self->url = g_uri_to_string (soup_message_get_uri (msg));
  body = soup_session_send_and_read (session, msg, NULL, &self->error);
  if (body == NULL)
    {
      g_assert_nonnull (self->error);
      return self;
    }
  self->status = soup_message_get_status (msg);
  self->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  self->content_type = g_strdup (soup_message_headers_get_content_type (self->headers, NULL));
  self->body = g_steal_pointer (&body);
  if (g_bytes_get_size (self->body) > 0)
    {
      g_autoptr (JsonParser) parser = json_parser_new ();
      gsize size = 0;
      const char *data = g_bytes_get_data (self->body, &size);

      if (json_parser_load_from_data (parser, data, size, NULL))
        self->json = json_node_copy (json_parser_get_root (parser));
    }
  return self;
}

static RbTestResponse *
request_valist (SoupSession *session, const char *method, const char *url, const char *token,
                const char *json_body, va_list headers)
{
  g_autoptr (SoupMessage) msg = rb_test_message_new (method, url, token);
  const char *name;

  while ((name = va_arg (headers, const char *)) != NULL)
    {
      const char *value = va_arg (headers, const char *);
      soup_message_headers_replace (soup_message_get_request_headers (msg), name, value);
    }
  if (json_body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  return rb_test_send (session, msg);
}

RbTestResponse *
rb_test_request (SoupSession *session, const char *method, const char *url, const char *token,
                 const char *json_body, ...)
{
  RbTestResponse *response;
  va_list headers;

  va_start (headers, json_body);
  response = request_valist (session, method, url, token, json_body, headers);
  va_end (headers);
  return response;
}

void
rb_test_assert_status_impl (const char *file, int line, const char *func, RbTestResponse *resp,
                            guint expected)
{
  if (resp->status != expected)
    {
      g_autofree char *what = rb_test_response_describe (resp);
      g_autofree char *message = g_strdup_printf ("expected status %u: %s", expected, what);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
    }
}

/* NULL when resp is the expected problem, else why not. */
static char *
problem_mismatch (RbTestResponse *resp, guint status, const char *code)
{
  static const char *const members[] = { "type", "title", "detail", "code" };
  JsonObject *object;

  if (resp->status != status)
    return g_strdup_printf ("status is not %u", status);
  if (g_strcmp0 (resp->content_type, "application/problem+json") != 0)
    return g_strdup ("Content-Type is not application/problem+json");
  object = rb_test_response_get_object (resp);
  if (object == NULL)
    return g_strdup ("the body is not a JSON object");
  for (guint i = 0; i < G_N_ELEMENTS (members); i++)
    if (rb_test_response_get_string (resp, members[i]) == NULL)
      return g_strdup_printf ("member \"%s\" is missing or not a string", members[i]);
  if (rb_test_response_get_int (resp, "status") != (gint64) status)
    return g_strdup_printf ("member \"status\" is not %u", status);
  if (g_strcmp0 (rb_test_response_get_code (resp), code) != 0)
    return g_strdup_printf ("code is not \"%s\"", code);
  return NULL;
}

gboolean
rb_test_response_is_problem (RbTestResponse *resp, guint status, const char *code)
{
  g_autofree char *why = problem_mismatch (resp, status, code);
  return why == NULL;
}

void
rb_test_assert_problem_impl (const char *file, int line, const char *func, RbTestResponse *resp,
                             guint expected_status, const char *expected_code)
{
  g_autofree char *why = problem_mismatch (resp, expected_status, expected_code);

  if (why != NULL)
    {
      g_autofree char *what = rb_test_response_describe (resp);
      g_autofree char *message = g_strdup_printf ("expected problem %u %s, but %s: %s",
                                                  expected_status, expected_code, why, what);
      g_assertion_message (G_LOG_DOMAIN, file, line, func, message);
    }
}

/* ---- API sugar ---------------------------------------------------------------------------- */

char *
rb_test_login (SoupSession *session, RbTestServer *server, const char *staff_number,
               const char *pin)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = rb_test_server_url (server, "/api/v1/sessions");
  g_autoptr (RbTestResponse) resp = NULL;
  const char *token;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "staff_number");
  json_builder_add_string_value (builder, staff_number);
  json_builder_set_member_name (builder, "pin");
  json_builder_add_string_value (builder, pin);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);

  resp = rb_test_request (session, "POST", url, NULL, body, NULL);
  if (resp->status != 200 && resp->status != 201)
    {
      g_autofree char *what = rb_test_response_describe (resp);
      g_error ("login of %s failed: %s", staff_number, what);
    }
  token = rb_test_response_get_string (resp, "token");
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), >=, 16);
  return g_strdup (token);
}

char *
rb_test_login_person (SoupSession *session, RbTestServer *server, const RbTestPerson *person)
{
  return rb_test_login (session, server, person->staff_number, person->pin);
}

char *
rb_test_rfc3339 (gint64 instant)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (instant);

  g_assert_nonnull (dt);
  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

char *
rb_test_booking_json (const char *id, const char *space_id, gint64 start, gint64 end,
                      const char *title, int attendees)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *start_text = rb_test_rfc3339 (start);
  g_autofree char *end_text = rb_test_rfc3339 (end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "space_id");
  json_builder_add_string_value (builder, space_id);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start_text);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end_text);
  if (title != NULL)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
    }
  if (attendees > 0)
    {
      json_builder_set_member_name (builder, "attendees");
      json_builder_add_int_value (builder, attendees);
    }
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  return json_to_string (root, FALSE);
}

RbTestResponse *
rb_test_create_booking (SoupSession *session, RbTestServer *server, const char *token,
                        const char *id, const char *space_id, gint64 start, gint64 end,
                        const char *title, int attendees)
{
  g_autofree char *url = rb_test_server_url (server, "/api/v1/bookings");
  g_autofree char *body = rb_test_booking_json (id, space_id, start, end, title, attendees);
  gsize length = strlen (body);
  g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);
  g_autoptr (SoupMessage) msg = rb_test_message_new ("POST", url, token);

  soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", id);
  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  /* With its Idempotency-Key the create is safe to repeat. Without this flag libsoup opens a
   * new connection for every POST (and keeps the old one idle), which would make the tests
   * measure connection set-up instead of the server. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  return rb_test_send (session, msg);
}

char *
rb_test_feed_dump (SoupSession *session, RbTestServer *server, const char *token)
{
  g_autoptr (GString) lines = g_string_new (NULL);
  gint64 since = 0;

  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, since);
      g_autofree char *url = rb_test_server_url (server, "%s", path);
      g_autoptr (RbTestResponse) page = rb_test_request (session, "GET", url, token, NULL, NULL);
      JsonArray *changes;

      rb_test_assert_status (page, 200);
      changes = json_object_get_array_member (rb_test_response_get_object (page), "changes");
      if (json_array_get_length (changes) == 0)
        return g_string_free (g_steal_pointer (&lines), FALSE);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          gint64 seq = json_object_get_int_member (change, "seq");

          g_assert_cmpint (seq, >=, since);
          g_string_append_printf (lines, "%" G_GINT64_FORMAT ":%s\n", seq,
                                  json_object_has_member (change, "booking")
                                      ? json_object_get_string_member (
                                            json_object_get_object_member (change, "booking"),
                                            "id")
                                      : "topic");
        }
      since = rb_test_response_get_int (page, "next");
    }
}

/* ---- the database file -------------------------------------------------------------------- */

static sqlite3 *
db_open_read_only (const char *db_path)
{
  g_autofree char *uri = g_strconcat ("file:", db_path, "?mode=ro", NULL);
  sqlite3 *db = NULL;
  int rc = sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL);

  if (rc != SQLITE_OK)
    g_error ("cannot open %s read-only: %s", db_path, sqlite3_errstr (rc));
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static PGresult *
pg_query (const char *url, const char *sql)
{
  PGconn *conn = PQconnectdb (url);
  PGresult *result;

  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("cannot connect to %s: %s", url, PQerrorMessage (conn));
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQfinish (conn);
  return result;
}

/* A truth value as SQLite gives it. */
static const char *
pg_text (PGresult *result, int row, int column)
{
  const char *text = PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);

  if (text != NULL && PQftype (result, column) == 16 /* bool */)
    return text[0] == 't' ? "1" : "0";
  return text;
}

const char *
rb_test_db_schema_query (const char *db_path, gboolean tables_only)
{
  if (!g_str_has_prefix (db_path, "postgresql://"))
    return tables_only ? "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
                       : "SELECT type, name, sql FROM sqlite_master ORDER BY type, name";
  return tables_only
             ? "SELECT tablename FROM pg_tables WHERE schemaname = current_schema ()"
               " ORDER BY tablename"
             : "SELECT 'table', tablename, '' FROM pg_tables WHERE schemaname = current_schema ()"
               " UNION ALL SELECT 'index', indexname, indexdef FROM pg_indexes"
               " WHERE schemaname = current_schema ()"
               " UNION ALL SELECT 'function', proname, prosrc FROM pg_proc"
               " WHERE pronamespace = current_schema ()::regnamespace"
               " ORDER BY 1, 2";
}

void
rb_test_db_exec (const char *db_path, const char *sql)
{
  if (g_str_has_prefix (db_path, "postgresql://"))
    {
      PGconn *conn = PQconnectdb (db_path);
      PGresult *result = PQexec (conn, sql);

      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("%s: %s", sql, PQerrorMessage (conn));
      PQclear (result);
      PQfinish (conn);
    }
  else
    {
      sqlite3 *db = NULL;
      char *message = NULL;

      g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
      if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
        g_error ("%s: %s", sql, message);
      sqlite3_close (db);
    }
}

gint64
rb_test_db_int (const char *db_path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  if (g_str_has_prefix (db_path, "postgresql://"))
    {
      PGresult *result = pg_query (db_path, sql);
      const char *text;

      g_assert_cmpint (PQntuples (result), >=, 1);
      text = pg_text (result, 0, 0);
      value = text != NULL ? g_ascii_strtoll (text, NULL, 10) : 0;
      PQclear (result);
      return value;
    }
  db = db_open_read_only (db_path);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

char *
rb_test_db_dump (const char *db_path, const char *sql)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  GString *out = g_string_new (NULL);
  int rc;

  if (g_str_has_prefix (db_path, "postgresql://"))
    {
      PGresult *result = pg_query (db_path, sql);

      for (int row = 0; row < PQntuples (result); row++)
        {
          for (int i = 0; i < PQnfields (result); i++)
            {
              const char *text = pg_text (result, row, i);
              g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", text != NULL ? text : "NULL");
            }
          g_string_append_c (out, '\n');
        }
      PQclear (result);
      return g_string_free (out, FALSE);
    }
  db = db_open_read_only (db_path);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    g_error ("%s: %s", sql, sqlite3_errmsg (db));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      for (int i = 0; i < sqlite3_column_count (stmt); i++)
        {
          const char *text = (const char *) sqlite3_column_text (stmt, i);
          g_string_append_printf (out, "%s%s", i > 0 ? "|" : "", text != NULL ? text : "NULL");
        }
      g_string_append_c (out, '\n');
    }
  g_assert_cmpint (rc, ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

/* raumbuch-server --db <the server's file> --add-device name: the device token, and the
 * server's public key (base64) in out_public_key. Asserts the two-line output. */
char *
rb_test_server_add_device (RbTestServer *self, const char *name, char **out_public_key)
{
  return rb_test_server_add_panel (self, name, NULL, out_public_key);
}

char *
rb_test_server_add_panel (RbTestServer *self, const char *name, const char *space_id,
                          char **out_public_key)
{
  const char *argv[] = { g_getenv ("RAUMBUCH_SERVER"), "--db", rb_test_server_get_db_path (self),
                         "--add-device", name, space_id != NULL ? "--panel" : NULL, space_id,
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto (GStrv) lines = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  lines = g_strsplit (g_strchomp (out), "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_true (g_str_has_prefix (lines[0], "token="));
  g_assert_true (g_str_has_prefix (lines[1], "public_key="));
  if (out_public_key != NULL)
    *out_public_key = g_strdup (lines[1] + strlen ("public_key="));
  return g_strdup (lines[0] + strlen ("token="));
}

/* Signs in the demo administrator (Christian) and sets one member of the site's policy with
 * PUT /api/v1/policy, asserting success; takes value. */
void
rb_test_set_policy_member (SoupSession *session, RbTestServer *server, const char *member,
                           JsonNode *value)
{
  g_autofree char *admin = rb_test_login (session, server, "95113", "8343");
  g_autofree char *url = rb_test_server_url (server, "/api/v1/policy");
  g_autoptr (RbTestResponse) policy = rb_test_request (session, "GET", url, admin, NULL, NULL);
  g_autoptr (RbTestResponse) saved = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;

  rb_test_assert_status (policy, 200);
  json_object_set_member (rb_test_response_get_object (policy), member, value);
  root = json_node_init_object (json_node_alloc (), rb_test_response_get_object (policy));
  body = json_to_string (root, FALSE);
  saved = rb_test_request (session, "PUT", url, admin, body, NULL);
  rb_test_assert_status (saved, 200);
}
