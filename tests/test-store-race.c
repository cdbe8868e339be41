/* test-store-race.c: invariant 1 under real concurrency. Two processes, each with its own
 * RbStore on the same database file, race 1,000 times for the same room and slot; exactly one
 * must win each round. The test program re-executes itself as the two children (the
 * "--race-child" arguments are handled before g_test_init) and acts as a barrier between
 * rounds through pipes, so both children start every round at the same moment.
 *
 * A room is contested rather than a desk: 1,000 distinct 15-minute slots inside the opening
 * hours need 18 days, beyond the 14-day desk horizon, while rooms may be booked 90 days
 * ahead. Each child books as a different person, so only the overlap rule can decide. */
#include "config.h"

#include <glib/gstdio.h>

#include "rb-store.h"
#include "rb-test-util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ROUNDS 1000
#define SLOTS_PER_DAY 56 /* 06:00–20:00 */
#define RACE_SPACE "a1-r01"
#define CHILD_ARG "--race-child"

static const char *const racers[] = { "p-14475", "p-14835" };

static gint64
round_start (int round)
{
  /* From Tuesday 1 December 2026 on, every slot of the opening hours in turn. */
  return rb_test_berlin_time (2026, 12, 1 + round / SLOTS_PER_DAY, 6, 0)
         + (gint64) (round % SLOTS_PER_DAY) * RB_SLOT_SECONDS;
}

static gboolean
write_byte (int fd, char c)
{
  ssize_t n;

  do
    n = write (fd, &c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1;
}

static int
read_byte (int fd)
{
  unsigned char c;
  ssize_t n;

  do
    n = read (fd, &c, 1);
  while (n < 0 && errno == EINTR);
  return n == 1 ? c : -1;
}

/* ---- the child -------------------------------------------------------------------------- */

/* Protocol on stdout: 'R' once the store is open, then per round 'W' (won), 'L' (lost to an
 * overlap) or 'E' (any other failure, details on stderr), finally "won N\n". Each round
 * starts when the parent writes a byte to stdin. */
static int
run_child (const char *path, const char *person_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = rb_store_open_sync (path, &error);
  gint64 now = rb_test_berlin_time (2026, 11, 30, 7, 0);
  int won = 0;
  char summary[32];

  if (store == NULL)
    {
      g_printerr ("child %s: %s\n", person_id, error->message);
      return 1;
    }
  rb_store_set_clock (store, rb_test_frozen_clock, &now);
  if (!write_byte (STDOUT_FILENO, 'R'))
    return 1;

  for (int round = 0; round < ROUNDS; round++)
    {
      g_autofree char *id = rb_booking_new_id ();
      g_autoptr (RbBooking) request = NULL;
      g_autoptr (RbBooking) booking = NULL;
      g_autoptr (GError) round_error = NULL;
      gint64 start = round_start (round);
      char result;

      if (read_byte (STDIN_FILENO) < 0)
        return 1;
      request = rb_booking_new (id, RACE_SPACE, person_id,
                                rb_interval_make (start, start + RB_SLOT_SECONDS));
      booking = rb_store_create_booking_sync (store, request, &round_error);
      if (booking != NULL)
        {
          result = 'W';
          won++;
        }
      else if (g_error_matches (round_error, RB_ERROR, RB_ERROR_OVERLAP))
        result = 'L';
      else
        {
          result = 'E';
          g_printerr ("child %s, round %d: %s (%s)\n", person_id, round, round_error->message,
                      g_quark_to_string (round_error->domain));
        }
      if (!write_byte (STDOUT_FILENO, result))
        return 1;
    }

  g_snprintf (summary, sizeof summary, "won %d\n", won);
  if (write (STDOUT_FILENO, summary, strlen (summary)) != (ssize_t) strlen (summary))
    return 1;
  return 0;
}

/* ---- the parent ------------------------------------------------------------------------ */

typedef struct
{
  GPid pid;
  int to_child;
  int from_child;
} Racer;

static const char *self_exe;

static void
spawn_racer (Racer *racer, const char *path, const char *person_id)
{
  g_autoptr (GError) error = NULL;
  const char *argv[] = { self_exe, CHILD_ARG, path, person_id, NULL };

  g_spawn_async_with_pipes (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                            &racer->pid, &racer->to_child, &racer->from_child, NULL, &error);
  g_assert_no_error (error);
}

static int
read_summary (int fd)
{
  GString *text = g_string_new (NULL);
  int c, won = -1;

  while ((c = read_byte (fd)) >= 0)
    g_string_append_c (text, c);
  if (sscanf (text->str, "won %d", &won) != 1)
    won = -1;
  g_string_free (text, TRUE);
  return won;
}

static gint64
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
test_race_two_processes (void)
{
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "race.db", NULL);
  Racer racers_state[2];
  int wins[2] = { 0, 0 };
  gint64 started;
  double seconds;
  sqlite3 *db = NULL;

  /* The building is set up once; the children only open the file. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (RbStore) store = rb_store_open_sync (path, &error);

    g_assert_no_error (error);
    rb_store_seed_demo_sync (store, &error);
    g_assert_no_error (error);
    g_assert_finalize_object (g_steal_pointer (&store));
  }
  g_assert_cmpint (round_start (ROUNDS - 1) + RB_SLOT_SECONDS, ==, rb_test_berlin_time (2026, 12, 18, 18, 0));

  for (int i = 0; i < 2; i++)
    spawn_racer (&racers_state[i], path, racers[i]);
  for (int i = 0; i < 2; i++)
    g_assert_cmpint (read_byte (racers_state[i].from_child), ==, 'R');

  started = g_get_monotonic_time ();
  for (int round = 0; round < ROUNDS; round++)
    {
      int results[2];

      /* Who hears the start signal first alternates, so neither child is favoured. */
      for (int k = 0; k < 2; k++)
        g_assert_true (write_byte (racers_state[(round + k) % 2].to_child, 'g'));
      for (int i = 0; i < 2; i++)
        {
          results[i] = read_byte (racers_state[i].from_child);
          if (results[i] != 'W' && results[i] != 'L')
            g_error ("round %d: child %d answered %d (see its stderr)", round, i, results[i]);
          wins[i] += results[i] == 'W';
        }
      if ((results[0] == 'W') == (results[1] == 'W'))
        g_error ("round %d: %s and %s", round, results[0] == 'W' ? "both won" : "nobody won",
                 "exactly one must win");
    }
  seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  for (int i = 0; i < 2; i++)
    {
      g_autoptr (GError) error = NULL;
      int status = 0;

      g_assert_cmpint (read_summary (racers_state[i].from_child), ==, wins[i]);
      close (racers_state[i].to_child);
      close (racers_state[i].from_child);
      g_assert_cmpint (waitpid (racers_state[i].pid, &status, 0), ==, racers_state[i].pid);
      g_spawn_check_wait_status (status, &error);
      g_assert_no_error (error);
      g_spawn_close_pid (racers_state[i].pid);
    }

  g_test_message ("%d rounds in %.1f s; %s won %d, %s won %d", ROUNDS, seconds, racers[0], wins[0],
                  racers[1], wins[1]);
  g_assert_cmpint (wins[0] + wins[1], ==, ROUNDS);

  /* The file agrees: 1,000 active bookings, no two overlapping, one per slot. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM bookings WHERE space_id = '" RACE_SPACE "'"
                                  " AND state IN ('booked', 'checked_in')"),
                   ==, ROUNDS);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT start) FROM bookings"), ==, ROUNDS);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM bookings a JOIN bookings b"
                                  " ON a.space_id = b.space_id AND a.id < b.id"
                                  " AND a.start < b.end AND b.start < a.end"
                                  " WHERE a.state IN ('booked', 'checked_in')"
                                  "   AND b.state IN ('booked', 'checked_in')"),
                   ==, 0);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM bookings WHERE person_id = 'p-14475'"), ==, wins[0]);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM bookings WHERE person_id = 'p-14835'"), ==, wins[1]);
  /* Every win has exactly one change-log entry, and losers left none. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM changes"), ==, ROUNDS);
  sqlite3_close (db);

  rb_test_remove_tree (dir);
}

int
main (int argc, char *argv[])
{
  if (argc == 4 && g_str_equal (argv[1], CHILD_ARG))
    return run_child (argv[2], argv[3]);

  /* argv[0] as started; fall back to /proc when it was found through PATH. */
  self_exe = strchr (argv[0], '/') != NULL ? argv[0] : "/proc/self/exe";

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/store/race/two-processes", test_race_two_processes);

  return g_test_run ();
}
