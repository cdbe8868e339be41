/* test-server-logins.c: the sign-in limits of issue 10 (rb-login-guard.h) against the real
 * server process. Each test talks from several loopback addresses (127.0.0.x), which the
 * server counts as different clients:
 *   - a stranger's wrong PINs for every staff number lock nobody out at other clients;
 *   - guessing across made-up staff numbers is throttled at once and does not hold up a real
 *     sign-in from elsewhere;
 *   - parallel guesses for one staff number stop at exactly five;
 *   - a staff number locked everywhere, and an administrator's unlock;
 *   - X-Forwarded-For only from a trusted proxy. */
#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* rb-login-guard.h */
#define CLIENT_BUDGET 10
#define MAX_BURST 16
#define MAX_FAILURES_AT_CLIENT 5
#define MAX_FAILURES_ANYWHERE 20

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

/* A server on the test clock; option and value (if not NULL) are one more argument. */
static void
set_up_with (Fixture *f, const char *option, const char *value)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-logins-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  if (option != NULL)
    rb_test_server_add_args (f->server, option, value, NULL);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new_from ("127.0.0.1");
}

/* data: the address of a trusted proxy, or NULL. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  set_up_with (f, data != NULL ? "--trusted-proxy" : NULL, data);
}

/* A server whose hashing queue has only four places, so that a few threads fill it. */
static void
fixture_set_up_short_queue (Fixture *f, gconstpointer data)
{
  set_up_with (f, "--max-waiting-logins", "4");
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

/* POST /sessions without asserting anything; further headers as name, value pairs. */
static RbTestResponse *
try_login (SoupSession *session, RbTestServer *server, const char *staff_number, const char *pin,
           const char *header, const char *value)
{
  g_autofree char *url = rb_test_server_url (server, "/api/v1/sessions");
  g_autofree char *body = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"%s\"}",
                                           staff_number, pin);

  return rb_test_request (session, "POST", url, NULL, body, header, value, NULL);
}

static gboolean
is_refused_unchecked (RbTestResponse *resp)
{
  return rb_test_response_is_problem (resp, 429, "too_many_attempts")
         && soup_message_headers_get_one (resp->headers, "Retry-After") != NULL;
}

/* 24 people × 5 wrong PINs from one address used to lock everyone, the administrator too,
 * again and again. Now that address runs out of its budget after ten, and every person still
 * signs in from their own desk. */
static void
test_stranger_locks_nobody_out (Fixture *f, gconstpointer data)
{
  g_autoptr (SoupSession) stranger = rb_test_client_new_from ("127.0.0.2");
  guint n_people, checked = 0, refused = 0;
  const RbTestPerson *people = rb_test_demo_people (&n_people);

  for (guint i = 0; i < n_people; i++)
    for (int attempt = 0; attempt < 5; attempt++)
      {
        g_autoptr (RbTestResponse) resp = try_login (stranger, f->server,
                                                     people[i].staff_number, "0000", NULL, NULL);

        if (rb_test_response_is_problem (resp, 401, "unauthenticated")
            || rb_test_response_is_problem (resp, 429, "locked"))
          checked++;
        else if (is_refused_unchecked (resp))
          refused++;
        else
          g_error ("unexpected answer: %s", rb_test_response_describe (resp));
      }
  g_assert_cmpuint (checked, ==, CLIENT_BUDGET);
  g_assert_cmpuint (refused, ==, n_people * 5 - CLIENT_BUDGET);

  for (guint i = 0; i < n_people; i++)
    {
      g_autofree char *token = rb_test_login_person (f->session, f->server, &people[i]);
      g_assert_nonnull (token);
    }
}

typedef struct
{
  RbTestServer *server;
  guint index;
  RbTestResponse *resp;
} Guess;

static gpointer
guess_thread (gpointer data)
{
  Guess *guess = data;
  g_autoptr (SoupSession) session = rb_test_client_new_from ("127.0.0.2");
  g_autofree char *staff_number = g_strdup_printf ("9%05u", guess->index);

  guess->resp = try_login (session, guess->server, staff_number, "1234", NULL, NULL);
  return NULL;
}

/* 100 logins with made-up staff numbers at once from one address: at most a burst is
 * checked, the rest is refused without a PIN check, and a real person signing in from
 * elsewhere meanwhile gets in. */
static void
test_guessing_is_throttled (Fixture *f, gconstpointer data)
{
  enum { N_GUESSES = 100 };
  Guess guesses[N_GUESSES] = { 0 };
  GThread *threads[N_GUESSES];
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (SoupSession) guesser = rb_test_client_new_from ("127.0.0.2");
  g_autofree char *token = NULL;
  g_autoptr (RbTestResponse) later = NULL;
  guint checked = 0;

  for (guint i = 0; i < N_GUESSES; i++)
    {
      guesses[i].server = f->server;
      guesses[i].index = i;
      threads[i] = g_thread_new ("guess", guess_thread, &guesses[i]);
    }
  token = rb_test_login_person (f->session, f->server, jonas);
  g_assert_nonnull (token);
  for (guint i = 0; i < N_GUESSES; i++)
    {
      g_thread_join (threads[i]);
      if (rb_test_response_is_problem (guesses[i].resp, 401, "unauthenticated"))
        checked++;
      else
        g_assert_true (is_refused_unchecked (guesses[i].resp));
      rb_test_response_free (guesses[i].resp);
    }
  g_assert_cmpuint (checked, >=, 1);
  g_assert_cmpuint (checked, <=, MAX_BURST);

  /* The address now waits out its backoff: a minute at least. */
  later = try_login (guesser, f->server, "900000", "1234", NULL, NULL);
  g_assert_true (is_refused_unchecked (later));
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (later->headers, "Retry-After"),
                                    NULL, 10),
                   >=, 50);
}

/* The staff number's entry in GET /login-locks for this client (NULL: everywhere), or NULL. */
static JsonObject *
find_lock (RbTestResponse *locks, const char *staff_number, const char *client)
{
  JsonArray *items = json_object_get_array_member (rb_test_response_get_object (locks), "items");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (item, "staff_number", NULL),
                     staff_number)
              == 0
          && g_strcmp0 (json_object_get_string_member_with_default (item, "client", NULL),
                        client)
                 == 0)
        return item;
    }
  return NULL;
}

static RbTestResponse *
get_locks (Fixture *f, const char *token)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/login-locks");

  return rb_test_request (f->session, "GET", url, token, NULL, NULL);
}

typedef struct
{
  RbTestServer *server;
  const char *staff_number;
  const char *address;
  RbTestResponse *resp;
} ParallelGuess;

static gpointer
parallel_guess_thread (gpointer data)
{
  ParallelGuess *guess = data;
  g_autoptr (SoupSession) session = rb_test_client_new_from (guess->address);

  guess->resp = try_login (session, guess->server, guess->staff_number, "0000", NULL, NULL);
  return NULL;
}

/* Twenty parallel wrong PINs for one staff number: exactly five are checked (the count of
 * checks still running stays until their failure is counted), as the administrator's view
 * of the locks shows. It used to let six or seven through. */
static void
test_parallel_guesses_stop_at_five (Fixture *f, gconstpointer data)
{
  enum { N_GUESSES = 20 };
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  const RbTestPerson *admin = rb_test_demo_person_with_role ("admin", 0);
  ParallelGuess guesses[N_GUESSES] = { 0 };
  GThread *threads[N_GUESSES];
  g_autofree char *token = rb_test_login_person (f->session, f->server, admin);
  g_autoptr (RbTestResponse) locks = NULL;
  JsonObject *lock;

  for (guint i = 0; i < N_GUESSES; i++)
    {
      guesses[i] = (ParallelGuess){ f->server, leonie->staff_number, "127.0.0.3", NULL };
      threads[i] = g_thread_new ("guess", parallel_guess_thread, &guesses[i]);
    }
  for (guint i = 0; i < N_GUESSES; i++)
    {
      g_thread_join (threads[i]);
      g_assert_true (rb_test_response_is_problem (guesses[i].resp, 401, "unauthenticated")
                     || rb_test_response_is_problem (guesses[i].resp, 429, "locked"));
      rb_test_response_free (guesses[i].resp);
    }

  locks = get_locks (f, token);
  rb_test_assert_status (locks, 200);
  lock = find_lock (locks, leonie->staff_number, "address:127.0.0.3");
  g_assert_nonnull (lock);
  g_assert_cmpint (json_object_get_int_member (lock, "failures"), ==, MAX_FAILURES_AT_CLIENT);
  /* Locked at that address only. */
  g_assert_null (find_lock (locks, leonie->staff_number, NULL));
  g_free (rb_test_login_person (f->session, f->server, leonie));
}

typedef struct
{
  RbTestServer *server;
  guint index;
  int *n_busy;
  int *stop;
  gboolean unexpected; /* an answer other than 401 or 503 busy */
} FloodGuess;

/* Guesses until told to stop, each time from another address with another made-up staff
 * number, so that no lock or budget ends the flood: the queue stays full for as long as the
 * test needs, however slowly the test itself runs (under valgrind). */
static gpointer
flood_guess_thread (gpointer data)
{
  FloodGuess *guess = data;

  for (guint i = 0; i < 250 && !g_atomic_int_get (guess->stop); i++)
    {
      g_autofree char *address = g_strdup_printf ("127.1.%u.%u", guess->index, i + 1);
      g_autofree char *staff_number = g_strdup_printf ("9%02u%03u", guess->index, i);
      g_autoptr (SoupSession) session = rb_test_client_new_from (address);
      g_autoptr (RbTestResponse) resp =
          try_login (session, guess->server, staff_number, "0000", NULL, NULL);

      if (rb_test_response_is_problem (resp, 503, "busy"))
        g_atomic_int_inc (guess->n_busy);
      else if (!rb_test_response_is_problem (resp, 401, "unauthenticated"))
        guess->unexpected = TRUE;
    }
  return NULL;
}

/* Made-up sign-ins from twenty threads fill the hashing queue (four places here): a stranger
 * is then refused at once with 503 busy, but a colleague whose PC signed someone in before
 * still gets in (it has places of its own and goes first). It used to get 503 like
 * everyone. */
static void
test_known_client_through_flood (Fixture *f, gconstpointer data)
{
  enum { N_FLOOD = 20 };
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (RbTestResponse) refused = NULL;
  FloodGuess guesses[N_FLOOD] = { 0 };
  GThread *threads[N_FLOOD];
  int n_busy = 0, stop = 0;

  g_free (rb_test_login_person (f->session, f->server, jonas));

  for (guint i = 0; i < N_FLOOD; i++)
    {
      guesses[i] = (FloodGuess){ f->server, i + 1, &n_busy, &stop, FALSE };
      threads[i] = g_thread_new ("flood", flood_guess_thread, &guesses[i]);
    }
  /* The queue is full once the first of them is refused as busy. */
  while (g_atomic_int_get (&n_busy) == 0)
    g_usleep (2000);

  /* A stranger (each time another, at another address, so that no lock gets in the way)
   * asks while the flood goes on; a slow test client (valgrind runs its threads one at a
   * time) may find a free place now and then, but not every time. */
  for (guint i = 1; i <= 50; i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.2.%u", i);
      g_autofree char *staff_number = g_strdup_printf ("8%05u", i);
      g_autoptr (SoupSession) stranger = rb_test_client_new_from (address);

      g_clear_pointer (&refused, rb_test_response_free);
      refused = try_login (stranger, f->server, staff_number, "0000", NULL, NULL);
      if (rb_test_response_is_problem (refused, 503, "busy"))
        break;
      g_assert_true (rb_test_response_is_problem (refused, 401, "unauthenticated"));
    }
  g_assert_true (rb_test_response_is_problem (refused, 503, "busy"));
  g_assert_cmpstr (json_object_get_string_member (rb_test_response_get_object (refused), "detail"),
                   ==, rb_error_code_message (RB_ERROR_BUSY));
  g_assert_nonnull (soup_message_headers_get_one (refused->headers, "Retry-After"));
  g_free (rb_test_login_person (f->session, f->server, jonas));

  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < N_FLOOD; i++)
    {
      g_thread_join (threads[i]);
      g_assert_false (guesses[i].unexpected);
    }
}

/* Twenty wrong PINs from four addresses lock a staff number everywhere; the person's right
 * PIN is refused with a Retry-After of a quarter of an hour, until an administrator unlocks. */
static void
test_locked_everywhere_and_unlocked (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  const RbTestPerson *admin = rb_test_demo_person_with_role ("admin", 0);
  const RbTestPerson *staff = rb_test_demo_person_with_role ("staff", 1);
  const char *addresses[] = { "127.0.0.4", "127.0.0.5", "127.0.0.6", "127.0.0.7" };
  g_autofree char *admin_token = rb_test_login_person (f->session, f->server, admin);
  g_autofree char *staff_token = rb_test_login_person (f->session, f->server, staff);
  g_autofree char *unlock_url = rb_test_server_url (f->server, "/api/v1/login-locks/%s",
                                                    jonas->staff_number);
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) locks = NULL;
  g_autoptr (RbTestResponse) forbidden = NULL;
  g_autoptr (RbTestResponse) forbidden_unlock = NULL;
  g_autoptr (RbTestResponse) unlocked = NULL;
  g_autoptr (RbTestResponse) again = NULL;
  JsonObject *lock;

  g_assert_cmpuint (G_N_ELEMENTS (addresses) * MAX_FAILURES_AT_CLIENT, ==, MAX_FAILURES_ANYWHERE);
  for (guint a = 0; a < G_N_ELEMENTS (addresses); a++)
    {
      g_autoptr (SoupSession) guesser = rb_test_client_new_from (addresses[a]);

      for (int i = 0; i < MAX_FAILURES_AT_CLIENT; i++)
        {
          g_autoptr (RbTestResponse) resp = try_login (guesser, f->server, jonas->staff_number,
                                                       "0000", NULL, NULL);
          g_assert_true (rb_test_response_is_problem (resp, 401, "unauthenticated")
                         || rb_test_response_is_problem (resp, 429, "locked"));
        }
    }

  refused = try_login (f->session, f->server, jonas->staff_number, jonas->pin, NULL, NULL);
  rb_test_assert_problem (refused, 429, "locked");
  g_assert_cmpint (g_ascii_strtoll (soup_message_headers_get_one (refused->headers, "Retry-After"),
                                    NULL, 10),
                   >, 10 * 60);

  forbidden = get_locks (f, staff_token);
  rb_test_assert_problem (forbidden, 403, "forbidden");
  forbidden_unlock = rb_test_request (f->session, "DELETE", unlock_url, staff_token, NULL, NULL);
  rb_test_assert_problem (forbidden_unlock, 403, "forbidden");

  locks = get_locks (f, admin_token);
  rb_test_assert_status (locks, 200);
  lock = find_lock (locks, jonas->staff_number, NULL);
  g_assert_nonnull (lock);
  g_assert_cmpint (json_object_get_int_member (lock, "failures"), ==, MAX_FAILURES_ANYWHERE);

  unlocked = rb_test_request (f->session, "DELETE", unlock_url, admin_token, NULL, NULL);
  rb_test_assert_status (unlocked, 204);
  g_free (rb_test_login_person (f->session, f->server, jonas));
  again = rb_test_request (f->session, "DELETE", unlock_url, admin_token, NULL, NULL);
  rb_test_assert_problem (again, 404, "not_found");
}

/* Behind a trusted proxy each forwarded address is its own client; from anyone else the
 * header is ignored, or a guesser could be a new client with every request. */
static void
test_trusted_proxy (Fixture *f, gconstpointer data)
{
  g_autoptr (SoupSession) untrusted = rb_test_client_new_from ("127.0.0.2");
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (RbTestResponse) other_client = NULL;
  g_autoptr (RbTestResponse) spoofed = NULL;

  /* Through the proxy, 10.1.1.1 uses up its budget. */
  for (int i = 0; i < CLIENT_BUDGET; i++)
    {
      g_autofree char *staff_number = g_strdup_printf ("8%05d", i);
      g_autoptr (RbTestResponse) resp = try_login (f->session, f->server, staff_number, "0000",
                                                   "X-Forwarded-For", "10.1.1.1");
      g_assert_true (rb_test_response_is_problem (resp, 401, "unauthenticated")
                     || rb_test_response_is_problem (resp, 429, "too_many_attempts"));
    }
  {
    g_autoptr (RbTestResponse) throttled = try_login (f->session, f->server, "800099", "0000",
                                                      "X-Forwarded-For", "10.1.1.1");
    g_assert_true (is_refused_unchecked (throttled));
  }
  /* 10.1.1.2 behind the same proxy is someone else; the last hop is the one that counts. */
  other_client = try_login (f->session, f->server, jonas->staff_number, jonas->pin,
                            "X-Forwarded-For", "10.1.1.1, 10.1.1.2");
  rb_test_assert_status (other_client, 201);

  /* An untrusted peer uses up its own budget, whatever it claims to forward for. */
  for (int i = 0; i < CLIENT_BUDGET; i++)
    {
      g_autofree char *staff_number = g_strdup_printf ("7%05d", i);
      g_autofree char *forwarded = g_strdup_printf ("10.2.2.%d", i);
      g_autoptr (RbTestResponse) resp = try_login (untrusted, f->server, staff_number, "0000",
                                                   "X-Forwarded-For", forwarded);
      g_assert_true (rb_test_response_is_problem (resp, 401, "unauthenticated")
                     || rb_test_response_is_problem (resp, 429, "too_many_attempts"));
    }
  spoofed = try_login (untrusted, f->server, "700099", "0000", "X-Forwarded-For", "10.2.2.99");
  g_assert_true (is_refused_unchecked (spoofed));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/logins/stranger-locks-nobody-out", Fixture, NULL, fixture_set_up,
              test_stranger_locks_nobody_out, fixture_tear_down);
  g_test_add ("/server/logins/guessing-is-throttled", Fixture, NULL, fixture_set_up,
              test_guessing_is_throttled, fixture_tear_down);
  g_test_add ("/server/logins/parallel-guesses-stop-at-five", Fixture, NULL, fixture_set_up,
              test_parallel_guesses_stop_at_five, fixture_tear_down);
  g_test_add ("/server/logins/known-client-through-flood", Fixture, NULL,
              fixture_set_up_short_queue,
              test_known_client_through_flood, fixture_tear_down);
  g_test_add ("/server/logins/locked-everywhere-and-unlocked", Fixture, NULL, fixture_set_up,
              test_locked_everywhere_and_unlocked, fixture_tear_down);
  g_test_add ("/server/logins/trusted-proxy", Fixture, "127.0.0.1", fixture_set_up,
              test_trusted_proxy, fixture_tear_down);
  return g_test_run ();
}
