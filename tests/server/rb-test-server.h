/* rb-test-server.h: helpers for tests that talk to the real raumbuch-server process.
 *
 * The server is the built executable named by the RAUMBUCH_SERVER environment variable
 * (tests/server/meson.build sets it). It listens on a loopback port that the kernel chooses
 * (--listen 127.0.0.1:0); the helper reads the port from its first stdout line. Everything the
 * server prints afterwards goes to a log file beside its database (and to stderr as well when
 * RB_TEST_SERVER_VERBOSE is set), so a failing test leaves the log behind in its temporary
 * directory.
 *
 * Clients are libsoup 3 sessions with an explicit timeout and enough connections per host;
 * a session belongs to the thread that created it, so a test with worker threads makes one
 * per thread. Requests are synchronous and return an RbTestResponse that holds everything a
 * test asserts on: the status (0 for a transport error, with the error), the headers, the
 * body and the body parsed as JSON.
 *
 * Start servers from the test's main thread: the child is killed (PR_SET_PDEATHSIG) when the
 * thread that spawned it ends, so an assertion that aborts the test leaves no server behind. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* ---- the demo people (data/demo-building.json, data/PEOPLE.md) ---------------------------- */

typedef struct
{
  const char *id;
  const char *display_name;
  const char *staff_number;
  const char *pin;
  const char *role;
  const char *team;
} RbTestPerson;

const RbTestPerson *rb_test_demo_people (guint *n_people);
const RbTestPerson *rb_test_demo_person (const char *staff_number);
/* The i-th demo person of the given role ("staff", "team_lead", …), in file order. */
const RbTestPerson *rb_test_demo_person_with_role (const char *role, guint i);

/* ---- the server process ------------------------------------------------------------------ */

typedef struct _RbTestServer RbTestServer;

/* A server whose database is dir/raumbuch.db, started with --seed demo. Nothing runs yet.
 * With RB_TEST_DB_ENGINE=postgresql, its database is a new one in a PostgreSQL cluster of
 * the test program's own instead (its get_db_path is then a postgresql:// URL, which the
 * readers below take as well). */
RbTestServer *rb_test_server_new (const char *dir);
gboolean rb_test_server_uses_postgres (void);
/* A server on this database (a SQLite file or a postgresql:// URL), e.g. a second server on
 * the first one's PostgreSQL database. */
RbTestServer *rb_test_server_new_on (const char *dir, const char *db_path);
/* --now RFC3339 for the next start (NULL: the real clock). */
void rb_test_server_set_now (RbTestServer *self, const char *now);
/* Further arguments for every later start, NULL-terminated. */
void rb_test_server_add_args (RbTestServer *self, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;
/* Starts the process and waits for its "listening on" line; asserts that it came. A server can
 * be started again after stop or kill, on the same database; it gets a new port. */
void rb_test_server_start (RbTestServer *self);
/* SIGTERM; asserts a clean exit (status 0) within a generous bound. */
void rb_test_server_stop (RbTestServer *self);
/* The same without the signal, for a server that was sent SIGTERM already (its second
 * SIGTERM would meet the default action and kill it). */
void rb_test_server_wait_exit (RbTestServer *self);
/* SIGKILL, then waits for the process to be gone. */
void rb_test_server_kill (RbTestServer *self);
/* Any signal, e.g. SIGSTOP to make the server hang. */
void rb_test_server_send_signal (RbTestServer *self, int signum);
gboolean rb_test_server_is_running (RbTestServer *self);
int rb_test_server_get_pid (RbTestServer *self);
/* RLIMIT_NOFILE (soft and hard) of the next start; 0 leaves the test's own. */
void rb_test_server_set_fd_limit (RbTestServer *self, guint limit);
/* How many descriptors the running server has open (/proc/PID/fd). */
guint rb_test_server_count_fds (RbTestServer *self);
/* Kills the process if it still runs. */
void rb_test_server_free (RbTestServer *self);

const char *rb_test_server_get_db_path (RbTestServer *self);
const char *rb_test_server_get_log_path (RbTestServer *self);
guint16 rb_test_server_get_port (RbTestServer *self);
/* Registers a kiosk (--add-device) on the server's file: its device token, and the server's
 * public key as base64 in out_public_key (may be NULL). */
char *rb_test_server_add_device (RbTestServer *self, const char *name, char **out_public_key);
/* The same for a door panel (--add-device NAME --panel SPACE_ID): its token acts for that
 * room only. */
char *rb_test_server_add_panel (RbTestServer *self, const char *name, const char *space_id,
                                char **out_public_key);
/* "http://127.0.0.1:PORT" without a trailing slash. */
const char *rb_test_server_get_base_url (RbTestServer *self);
/* base URL + the formatted path, e.g. rb_test_server_url (s, "/api/v1/bookings/%s", id). */
char *rb_test_server_url (RbTestServer *self, const char *path_format, ...) G_GNUC_PRINTF (2, 3);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbTestServer, rb_test_server_free)

/* ---- HTTP clients ------------------------------------------------------------------------ */

/* timeout 60 s (a slow machine under a sanitizer is not a failure; a hang is caught by the
 * test's own timeout), idle-timeout 10 s, max-conns(-per-host) 64. */
SoupSession *rb_test_client_new (void);
/* The same, connecting from this loopback address (e.g. "127.0.0.2"): another client to the
 * server's sign-in limits. */
SoupSession *rb_test_client_new_from (const char *local_address);

typedef struct
{
  char *method;
  char *url;
  guint status;               /* 0: transport error, see error */
  GError *error;
  SoupMessageHeaders *headers;
  char *content_type;         /* without parameters */
  GBytes *body;
  JsonNode *json;             /* the body parsed as JSON, or NULL */
} RbTestResponse;

void rb_test_response_free (RbTestResponse *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbTestResponse, rb_test_response_free)

/* The body's top-level object, or NULL. */
JsonObject *rb_test_response_get_object (RbTestResponse *self);
/* A top-level string member, or NULL when missing or not a string. */
const char *rb_test_response_get_string (RbTestResponse *self, const char *member);
/* A top-level integer member, or -1. */
gint64 rb_test_response_get_int (RbTestResponse *self, const char *member);
/* The problem "code", or NULL. */
const char *rb_test_response_get_code (RbTestResponse *self);
/* The body as text (for messages). */
char *rb_test_response_describe (RbTestResponse *self);

/* A message with Authorization: Bearer token (when token is not NULL). */
SoupMessage *rb_test_message_new (const char *method, const char *url, const char *token);
/* Sends msg (synchronously, in the calling thread) and collects the answer. */
RbTestResponse *rb_test_send (SoupSession *session, SoupMessage *msg);
/* method url with an optional JSON body (Content-Type: application/json) and further headers as
 * NULL-terminated name, value pairs. */
RbTestResponse *rb_test_request (SoupSession *session, const char *method, const char *url,
                                 const char *token, const char *json_body,
                                 ...) G_GNUC_NULL_TERMINATED;

/* Asserts that the request got an answer with this status (not a transport error). */
#define rb_test_assert_status(resp, expected)                                             \
  rb_test_assert_status_impl (__FILE__, __LINE__, G_STRFUNC, (resp), (expected))
/* Asserts status, Content-Type application/problem+json, the members type, title, status
 * (equal to the HTTP status), detail, and the code. */
#define rb_test_assert_problem(resp, expected_status, expected_code)                      \
  rb_test_assert_problem_impl (__FILE__, __LINE__, G_STRFUNC, (resp), (expected_status),  \
                               (expected_code))

void rb_test_assert_status_impl (const char *file, int line, const char *func,
                                 RbTestResponse *resp, guint expected);
void rb_test_assert_problem_impl (const char *file, int line, const char *func,
                                  RbTestResponse *resp, guint expected_status,
                                  const char *expected_code);
/* TRUE when resp is a well-formed problem+json with this status and code (for tests that
 * collect answers in threads and assert later). */
gboolean rb_test_response_is_problem (RbTestResponse *resp, guint status, const char *code);

/* ---- API sugar --------------------------------------------------------------------------- */

/* Logs in; asserts success and returns the bearer token. */
char *rb_test_login (SoupSession *session, RbTestServer *server, const char *staff_number,
                     const char *pin);
/* The same for a demo person. */
char *rb_test_login_person (SoupSession *session, RbTestServer *server,
                            const RbTestPerson *person);

void rb_test_set_policy_member (SoupSession *session, RbTestServer *server, const char *member,
                                JsonNode *value);

/* The whole change feed (GET /changes?since=0 and on) as token reads it from server, as
 * "seq:booking id" lines ("seq:topic" for a topic row) in the feed's order; asserts that the
 * numbers never go back. */
char *rb_test_feed_dump (SoupSession *session, RbTestServer *server, const char *token);
/* UTC seconds as "2026-12-01T07:00:00Z". */
char *rb_test_rfc3339 (gint64 instant);
/* A booking request body; title NULL leaves it out, attendees <= 0 too. */
char *rb_test_booking_json (const char *id, const char *space_id, gint64 start, gint64 end,
                            const char *title, int attendees);
/* POST /api/v1/bookings with Idempotency-Key: id. */
RbTestResponse *rb_test_create_booking (SoupSession *session, RbTestServer *server,
                                        const char *token, const char *id, const char *space_id,
                                        gint64 start, gint64 end, const char *title,
                                        int attendees);

/* ---- the database file, read-only ---------------------------------------------------------- */

/* The query that lists the database's tables (tables_only) or all of its schema, for either
 * engine. */
const char *rb_test_db_schema_query (const char *db_path, gboolean tables_only);
/* Runs sql, written for both engines, on a stopped server's database; asserts success. */
void rb_test_db_exec (const char *db_path, const char *sql);

/* The single integer that sql returns, from a read-only connection to the file. */
gint64 rb_test_db_int (const char *db_path, const char *sql);
/* Every row of every column of sql's result as text, one line per row: for comparing a table
 * before and after. */
char *rb_test_db_dump (const char *db_path, const char *sql);

G_END_DECLS
