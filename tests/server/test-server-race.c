/* test-server-race.c: invariant 1 over HTTP. The real raumbuch-server on a loopback port, 16
 * client threads, each with its own libsoup session and its own logged-in person, race 1,000
 * times for the same room and slot: every round has exactly one 201 and fifteen 409 overlap
 * answers that name the clashing interval, and afterwards the API and the database file hold
 * exactly 1,000 active bookings, none overlapping another. Then 8 threads send the same create
 * with the same Idempotency-Key at once: one booking, and every answer carries its id and seq.
 *
 * The server's clock starts at Monday 30 November 2026, 07:00 in Bonn (--now); the rounds
 * book the 15-minute slots of the opening hours (06:00–20:00) from the next day on, 56 a day,
 * so 1,000 rounds end on 18 December, well inside the 90-day room horizon of staff.
 *
 * In the suite postgres (issue 16) a second server on the same PostgreSQL database takes
 * half of the racers, and the feed read from either server must be the same. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW "2026-11-30T07:00:00+01:00"
#define RACE_ROOM "a0-r01"
#define IDEMPOTENCY_ROOM "a0-r02"
#define N_RACERS 16
#define N_ROUNDS 1000
#define N_RETRIERS 8
#define N_RETRY_ROUNDS 25
#define SLOTS_PER_DAY 56

typedef struct
{
  char *dir;
  RbTestServer *server;
  /* On PostgreSQL (suite postgres): a second server on the same database, which half of
   * the racers use (issue 16); NULL on SQLite. */
  RbTestServer *second;
} Fixture;

/* A reusable barrier: every round starts when all threads are at the line. */
typedef struct
{
  GMutex lock;
  GCond cond;
  guint n_threads;
  guint waiting;
  guint generation;
} Barrier;

static void
barrier_init (Barrier *barrier, guint n_threads)
{
  g_mutex_init (&barrier->lock);
  g_cond_init (&barrier->cond);
  barrier->n_threads = n_threads;
  barrier->waiting = 0;
  barrier->generation = 0;
}

static void
barrier_clear (Barrier *barrier)
{
  g_mutex_clear (&barrier->lock);
  g_cond_clear (&barrier->cond);
}

static void
barrier_wait (Barrier *barrier)
{
  guint generation;

  g_mutex_lock (&barrier->lock);
  generation = barrier->generation;
  if (++barrier->waiting == barrier->n_threads)
    {
      barrier->waiting = 0;
      barrier->generation++;
      g_cond_broadcast (&barrier->cond);
    }
  else
    {
      while (generation == barrier->generation)
        g_cond_wait (&barrier->cond, &barrier->lock);
    }
  g_mutex_unlock (&barrier->lock);
}

/* The r-th 15-minute slot of the opening hours, from Tuesday 1 December 2026 on. */
static RbInterval
slot_of_round (int r)
{
  int day = 1 + r / SLOTS_PER_DAY;
  int minute = 6 * 60 + (r % SLOTS_PER_DAY) * 15;
  gint64 start = rb_test_berlin_time (2026, 12, day, minute / 60, minute % 60);

  return rb_interval_make (start, start + 15 * 60);
}

static gint64
parse_instant (const char *text)
{
  g_autoptr (GDateTime) dt = text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;

  return dt != NULL ? g_date_time_to_unix (dt) : G_MININT64;
}

static int
compare_interval_start (gconstpointer a, gconstpointer b)
{
  gint64 x = ((const RbInterval *) a)->start, y = ((const RbInterval *) b)->start;
  return x < y ? -1 : x > y;
}

/* ---- fixture ------------------------------------------------------------------------------ */

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = rb_test_make_tmpdir ();
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  if (rb_test_server_uses_postgres ())
    {
      g_autofree char *second_dir = g_build_filename (f->dir, "second", NULL);

      g_assert_cmpint (g_mkdir (second_dir, 0700), ==, 0);
      f->second = rb_test_server_new_on (second_dir, rb_test_server_get_db_path (f->server));
      rb_test_server_set_now (f->second, NOW);
      rb_test_server_start (f->second);
    }
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->second, rb_test_server_free);
  g_clear_pointer (&f->server, rb_test_server_free);
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* ---- 16 racers, 1,000 rounds ---------------------------------------------------------------- */

typedef struct
{
  guint status;
  const char *code;        /* interned */
  gboolean conflict_ok;    /* a 409 that names this round's slot */
  gint64 latency_us;       /* for the message only; nothing is asserted about time */
  char *failure;           /* a transport error or an unexpected body, for the message */
} Answer;

typedef struct
{
  Fixture *f;
  Barrier barrier;
  const RbTestPerson *people[N_RACERS];
  char *ids[N_ROUNDS][N_RACERS];
  Answer answers[N_ROUNDS][N_RACERS];
} Race;

typedef struct
{
  Race *race;
  int index;
} Racer;

static gpointer
racer_thread (gpointer data)
{
  Racer *racer = data;
  Race *race = racer->race;
  int t = racer->index;
  RbTestServer *server = race->f->second != NULL && t % 2 == 1 ? race->f->second
                                                                : race->f->server;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *token = rb_test_login_person (session, server, race->people[t]);

  for (int r = 0; r < N_ROUNDS; r++)
    {
      RbInterval slot = slot_of_round (r);
      g_autoptr (RbTestResponse) resp = NULL;
      Answer *answer = &race->answers[r][t];

      gint64 sent;

      barrier_wait (&race->barrier);
      sent = g_get_monotonic_time ();
      resp = rb_test_create_booking (session, server, token, race->ids[r][t],
                                     RACE_ROOM, slot.start, slot.end, "Race", 4);
      answer->latency_us = g_get_monotonic_time () - sent;
      answer->status = resp->status;
      answer->code = g_intern_string (rb_test_response_get_code (resp));
      if (resp->status == 409)
        {
          JsonObject *problem = rb_test_response_get_object (resp);
          JsonObject *conflict = problem != NULL && json_object_has_member (problem, "conflict")
                                     ? json_object_get_object_member (problem, "conflict")
                                     : NULL;

          answer->conflict_ok =
              conflict != NULL
              && parse_instant (json_object_get_string_member_with_default (conflict, "start", NULL))
                     == slot.start
              && parse_instant (json_object_get_string_member_with_default (conflict, "end", NULL))
                     == slot.end
              && rb_test_response_is_problem (resp, 409, "overlap");
        }
      else if (resp->status == 201)
        {
          if (g_strcmp0 (rb_test_response_get_string (resp, "id"), race->ids[r][t]) != 0)
            answer->failure = rb_test_response_describe (resp);
        }
      if (resp->status != 201 && !answer->conflict_ok)
        answer->failure = rb_test_response_describe (resp);
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* How long the answers took, for the log: a slow server shows here before a timeout hits. */
static void
report_latencies (Race *race)
{
  g_autoptr (GArray) all = g_array_sized_new (FALSE, FALSE, sizeof (gint64), N_ROUNDS * N_RACERS);

  for (int r = 0; r < N_ROUNDS; r++)
    for (int t = 0; t < N_RACERS; t++)
      g_array_append_val (all, race->answers[r][t].latency_us);
  g_array_sort (all, compare_gint64);
  g_test_message ("answer latency: p50 %.1f ms, p99 %.1f ms, max %.1f ms",
                  g_array_index (all, gint64, all->len / 2) / 1000.0,
                  g_array_index (all, gint64, all->len * 99 / 100) / 1000.0,
                  g_array_index (all, gint64, all->len - 1) / 1000.0);
}

static void
test_race_same_slot (Fixture *f, gconstpointer data)
{
  g_autofree Race *race = g_new0 (Race, 1);
  Racer racers[N_RACERS];
  GThread *threads[N_RACERS];
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *token = NULL;
  g_autoptr (RbTestResponse) list = NULL;
  g_autoptr (GHashTable) winners = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from = rb_test_rfc3339 (slot_of_round (0).start - 24 * 3600);
  g_autofree char *to = rb_test_rfc3339 (slot_of_round (N_ROUNDS - 1).end + 24 * 3600);
  g_autofree char *url = NULL;
  g_autofree char *count_sql = NULL;
  g_autoptr (GArray) intervals = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  JsonArray *items;
  guint active = 0;

  race->f = f;
  barrier_init (&race->barrier, N_RACERS);
  for (int t = 0; t < N_RACERS; t++)
    race->people[t] = rb_test_demo_person_with_role ("staff", t);
  for (int r = 0; r < N_ROUNDS; r++)
    for (int t = 0; t < N_RACERS; t++)
      race->ids[r][t] = g_uuid_string_random ();

  for (int t = 0; t < N_RACERS; t++)
    {
      racers[t].race = race;
      racers[t].index = t;
      threads[t] = g_thread_new ("racer", racer_thread, &racers[t]);
    }
  for (int t = 0; t < N_RACERS; t++)
    g_thread_join (threads[t]);

  /* Every round: exactly one winner, fifteen clean overlap refusals. */
  for (int r = 0; r < N_ROUNDS; r++)
    {
      int created = 0, refused = 0;

      for (int t = 0; t < N_RACERS; t++)
        {
          Answer *answer = &race->answers[r][t];

          if (answer->failure != NULL)
            g_test_message ("round %d, racer %d: unexpected answer: %s", r, t, answer->failure);
          g_assert_null (answer->failure);
          if (answer->status == 201)
            {
              created++;
              g_hash_table_add (winners, race->ids[r][t]);
            }
          else
            {
              g_assert_cmpuint (answer->status, ==, 409);
              g_assert_cmpstr (answer->code, ==, "overlap");
              g_assert_true (answer->conflict_ok);
              refused++;
            }
        }
      g_assert_cmpint (created, ==, 1);
      g_assert_cmpint (refused, ==, N_RACERS - 1);
    }
  report_latencies (race);
  g_assert_cmpuint (g_hash_table_size (winners), ==, N_ROUNDS);

  /* The API lists exactly the winners, and no two overlap: all of them in one page of the
   * largest size (GET /bookings pages, 500 by default). */
  token = rb_test_login_person (session, f->server, rb_test_demo_person_with_role ("staff", 0));
  url = rb_test_server_url (f->server, "/api/v1/bookings?space=%s&from=%s&to=%s&limit=%d",
                            RACE_ROOM, from, to, N_ROUNDS);
  list = rb_test_request (session, "GET", url, token, NULL, NULL);
  rb_test_assert_status (list, 200);
  g_assert_nonnull (rb_test_response_get_object (list));
  items = json_object_get_array_member (rb_test_response_get_object (list), "items");
  g_assert_nonnull (items);
  g_assert_cmpuint (json_array_get_length (items), ==, N_ROUNDS);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *booking = json_array_get_object_element (items, i);
      const char *state = json_object_get_string_member_with_default (booking, "state", "");
      gint64 start = parse_instant (json_object_get_string_member_with_default (booking, "start", NULL));
      gint64 end = parse_instant (json_object_get_string_member_with_default (booking, "end", NULL));

      g_assert_true (g_hash_table_contains (
          winners, json_object_get_string_member_with_default (booking, "id", "")));
      g_assert_cmpstr (json_object_get_string_member_with_default (booking, "space_id", ""), ==,
                       RACE_ROOM);
      g_assert_cmpstr (state, ==, "booked");
      active++;
      g_array_append_val (intervals, ((RbInterval) { start, end }));
    }
  g_array_sort (intervals, compare_interval_start);
  for (guint i = 1; i < intervals->len; i++)
    g_assert_cmpint (g_array_index (intervals, RbInterval, i).start, >=,
                     g_array_index (intervals, RbInterval, i - 1).end);
  g_assert_cmpuint (active, ==, N_ROUNDS);

  /* Two servers: the feed read from either is the same, every winner in it, in order. */
  if (f->second != NULL)
    {
      g_autofree char *second_token = rb_test_login_person (
          session, f->second, rb_test_demo_person_with_role ("staff", 0));
      g_autofree char *feed = rb_test_feed_dump (session, f->server, token);
      g_autofree char *second_feed = rb_test_feed_dump (session, f->second, second_token);
      GHashTableIter iter;
      gpointer winner;

      g_assert_cmpstr (second_feed, ==, feed);
      g_hash_table_iter_init (&iter, winners);
      while (g_hash_table_iter_next (&iter, &winner, NULL))
        g_assert_nonnull (strstr (feed, winner));
    }

  /* The database file agrees: 1,000 active bookings, no overlapping pair, no stray rows. */
  count_sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE space_id = '%s'"
                               " AND state IN ('booked', 'checked_in')", RACE_ROOM);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), count_sql), ==,
                   N_ROUNDS);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings"), ==, N_ROUNDS);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings a JOIN bookings b"
                                   " ON a.space_id = b.space_id AND a.id < b.id"
                                   " WHERE a.state IN ('booked', 'checked_in')"
                                   " AND b.state IN ('booked', 'checked_in')"
                                   " AND a.start < b.end AND b.start < a.end"), ==, 0);

  rb_test_server_stop (f->server);
  if (f->second != NULL)
    rb_test_server_stop (f->second);

  for (int r = 0; r < N_ROUNDS; r++)
    for (int t = 0; t < N_RACERS; t++)
      {
        g_free (race->ids[r][t]);
        g_free (race->answers[r][t].failure);
      }
  barrier_clear (&race->barrier);
}

/* ---- 8 threads, one Idempotency-Key ----------------------------------------------------------- */

typedef struct
{
  Fixture *f;
  Barrier barrier;
  const char *token;
  char *ids[N_RETRY_ROUNDS];
  RbTestResponse *answers[N_RETRY_ROUNDS][N_RETRIERS];
} Retry;

typedef struct
{
  Retry *retry;
  int index;
} Retrier;

static RbInterval
retry_slot (int r)
{
  /* One-hour slots on the afternoons of the first week, away from other tests' rooms. */
  gint64 start = rb_test_berlin_time (2026, 12, 1 + r / 5, 14 + r % 5, 0);
  return rb_interval_make (start, start + 3600);
}

static gpointer
retrier_thread (gpointer data)
{
  Retrier *retrier = data;
  Retry *retry = retrier->retry;
  g_autoptr (SoupSession) session = rb_test_client_new ();

  for (int r = 0; r < N_RETRY_ROUNDS; r++)
    {
      RbInterval slot = retry_slot (r);

      barrier_wait (&retry->barrier);
      retry->answers[r][retrier->index] =
          rb_test_create_booking (session, retry->f->server, retry->token, retry->ids[r],
                                  IDEMPOTENCY_ROOM, slot.start, slot.end, "Retried", 2);
    }
  return NULL;
}

static void
test_idempotent_retries (Fixture *f, gconstpointer data)
{
  g_autofree Retry *retry = g_new0 (Retry, 1);
  Retrier retriers[N_RETRIERS];
  GThread *threads[N_RETRIERS];
  g_autoptr (SoupSession) session = rb_test_client_new ();
  const RbTestPerson *person = rb_test_demo_person_with_role ("staff", 3);
  g_autofree char *token = rb_test_login_person (session, f->server, person);
  const char *db = rb_test_server_get_db_path (f->server);

  retry->f = f;
  retry->token = token;
  barrier_init (&retry->barrier, N_RETRIERS);
  for (int r = 0; r < N_RETRY_ROUNDS; r++)
    retry->ids[r] = g_uuid_string_random ();
  for (int t = 0; t < N_RETRIERS; t++)
    {
      retriers[t].retry = retry;
      retriers[t].index = t;
      threads[t] = g_thread_new ("retrier", retrier_thread, &retriers[t]);
    }
  for (int t = 0; t < N_RETRIERS; t++)
    g_thread_join (threads[t]);

  for (int r = 0; r < N_RETRY_ROUNDS; r++)
    {
      const char *id = retry->ids[r];
      RbInterval slot = retry_slot (r);
      g_autofree char *sql = NULL;
      g_autoptr (RbTestResponse) again = NULL;
      const char *etag = NULL;
      gint64 seq = -1;
      int created = 0;

      for (int t = 0; t < N_RETRIERS; t++)
        {
          RbTestResponse *resp = retry->answers[r][t];

          if (resp->status != 200 && resp->status != 201)
            {
              g_autofree char *what = rb_test_response_describe (resp);
              g_test_message ("round %d, thread %d: %s", r, t, what);
            }
          g_assert_true (resp->status == 200 || resp->status == 201);
          created += resp->status == 201;
          g_assert_cmpstr (rb_test_response_get_string (resp, "id"), ==, id);
          g_assert_cmpstr (rb_test_response_get_string (resp, "person_id"), ==, person->id);
          g_assert_cmpint (parse_instant (rb_test_response_get_string (resp, "start")), ==,
                           slot.start);
          g_assert_cmpint (rb_test_response_get_int (resp, "seq"), >, 0);
          if (seq < 0)
            seq = rb_test_response_get_int (resp, "seq");
          g_assert_cmpint (rb_test_response_get_int (resp, "seq"), ==, seq);
          g_assert_cmpint (rb_test_response_get_int (resp, "version"), ==, 1);
          if (etag == NULL)
            etag = soup_message_headers_get_one (resp->headers, "ETag");
          g_assert_nonnull (etag);
          g_assert_cmpstr (soup_message_headers_get_one (resp->headers, "ETag"), ==, etag);
        }
      g_assert_cmpint (created, ==, 1);
      g_assert_cmpstr (etag, ==, "\"1\"");

      /* A late retry, after everything settled, still answers with the same booking. */
      again = rb_test_create_booking (session, f->server, token, id, IDEMPOTENCY_ROOM,
                                      slot.start, slot.end, "Retried", 2);
      rb_test_assert_status (again, 200);
      g_assert_cmpstr (rb_test_response_get_string (again, "id"), ==, id);
      g_assert_cmpint (rb_test_response_get_int (again, "seq"), ==, seq);

      sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s'", id);
      g_assert_cmpint (rb_test_db_int (db, sql), ==, 1);
      g_free (sql);
      sql = g_strdup_printf ("SELECT count(*) FROM changes WHERE booking_id = '%s'", id);
      g_assert_cmpint (rb_test_db_int (db, sql), ==, 1);
    }
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM bookings"), ==, N_RETRY_ROUNDS);

  rb_test_server_stop (f->server);

  for (int r = 0; r < N_RETRY_ROUNDS; r++)
    {
      g_free (retry->ids[r]);
      for (int t = 0; t < N_RETRIERS; t++)
        rb_test_response_free (retry->answers[r][t]);
    }
  barrier_clear (&retry->barrier);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/race/same-slot", Fixture, NULL, fixture_set_up, test_race_same_slot,
              fixture_tear_down);
  g_test_add ("/server/race/idempotent-retries", Fixture, NULL, fixture_set_up,
              test_idempotent_retries, fixture_tear_down);
  return g_test_run ();
}
