/* test-server-postgres.c: the PostgreSQL engine (issue 16), against a real PostgreSQL cluster
 * that the test starts in its temporary folder (rb-test-postgres.h).
 *
 * - The schema: migrated once however often asked, a newer one refused untouched, and the
 *   invariants as PostgreSQL states them: no two live bookings of a space and no two live
 *   desks of a person share a second (exclusion constraints), back-to-back is allowed, the
 *   audit log is append-only except for redaction and expiry.
 * - Several servers: the feed's numbers become visible in their order (the writer lock), and
 *   a commit that appended changes notifies every listening server once.
 * - raumbuch-server --copy-to: a server's database with a history made over HTTP (bookings
 *   made, changed, cancelled, checked in, a series, a block, a device, a person changed,
 *   sessions) arrives table by table and value by value; the change feed's sequence goes on
 *   after the highest number SQLite ever gave; a second copy, a client's mirror, and a copy
 *   that fails halfway leave PostgreSQL as it was. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rb-pg-db.h"
#include "rb-pg-schema.h"
#include "rb-store.h"
#include "rb-test-postgres.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

/* Monday 5 January 2026, 08:00 in Berlin. */
#define MONDAY "2026-01-05T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define DAY G_GINT64_CONSTANT (1767571200)
#define AT(hour_utc) (DAY + (hour_utc)*3600)

/* One cluster for the whole program: initdb costs more than all the cases together. Each
 * case has a database of its own. */
static RbTestPostgres *cluster;
static char *cluster_dir;

typedef struct
{
  char *dir;
  char *url;
  PGconn *conn;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  static guint n_databases;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = g_strdup_printf ("case%u", ++n_databases);

  f->dir = g_dir_make_tmp ("raumbuch-pg-XXXXXX", &error);
  g_assert_no_error (error);
  f->url = rb_test_postgres_create_database (cluster, name);
  f->conn = rb_pg_connect (f->url, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_pointer (&f->conn, PQfinish);
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->url);
}

static gint64
pg_int (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;
  gint64 value = 0;

  rb_pg_get_int (f->conn, sql, 0, NULL, &value, &error);
  g_assert_no_error (error);
  return value;
}

/* Waits up to 30 s for the count of sql to be more than 0, as a job of the servers' makes
 * it, and then 3 s more: the servers' further turns at the job, which must change nothing. */
static void
wait_for_job (Fixture *f, const char *sql)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (pg_int (f, sql) == 0 && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_usleep (3 * G_USEC_PER_SEC);
}

static void
pg_exec (Fixture *f, const char *sql)
{
  g_autoptr (GError) error = NULL;

  rb_pg_exec (f->conn, sql, &error);
  g_assert_no_error (error);
}

/* Runs sql, which must fail with this SQLSTATE; returns the error's text for more checks. */
static char *
pg_exec_fails (Fixture *f, const char *sql, const char *sqlstate)
{
  g_autoptr (PGresult) result = PQexec (f->conn, sql);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (PQresultStatus (result), ==, PGRES_FATAL_ERROR);
  g_assert_cmpstr (PQresultErrorField (result, PG_DIAG_SQLSTATE), ==, sqlstate);
  rb_pg_set_error (&error, f->conn, result, "test");
  return g_strdup (error->message);
}

static RbTestResponse *
request (SoupSession *session, RbTestServer *server, const char *method, const char *path,
         const char *token, const char *body)
{
  g_autofree char *url = rb_test_server_url (server, "%s", path);

  return rb_test_request (session, method, url, token, body, NULL);
}

static void
migrate (Fixture *f)
{
  g_autoptr (GError) error = NULL;

  rb_pg_schema_migrate (f->conn, &error);
  g_assert_no_error (error);
}

/* ---- the schema ------------------------------------------------------------------------------ */

static void
test_migrate (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *newer = g_strdup_printf ("UPDATE schema_version SET version = %d",
                                            rb_pg_schema_latest_version () + 1);
  gint64 version = -1;

  rb_pg_schema_get_version (f->conn, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpint (version, ==, 0);
  migrate (f);
  migrate (f);
  g_assert_cmpint (pg_int (f, "SELECT version FROM schema_version"), ==,
                   rb_pg_schema_latest_version ());
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM schema_version"), ==, 1);
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'"),
                   ==, 1);

  pg_exec (f, newer);
  g_assert_false (rb_pg_schema_migrate (f->conn, &error));
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_NEWER_SCHEMA);
  g_assert_cmpint (pg_int (f, "SELECT version FROM schema_version"), ==,
                   rb_pg_schema_latest_version () + 1);
  /* the refused migration's transaction is over: the connection works */
  g_assert_cmpint (pg_int (f, "SELECT 1"), ==, 1);
}

/* A site with two desks and a room, and two people. */
static void
add_building (Fixture *f)
{
  migrate (f);
  pg_exec (f, "INSERT INTO sites VALUES ('s', 'Site', 'Europe/Berlin', 0);"
              "INSERT INTO buildings VALUES ('b', 's', 'Building', '');"
              "INSERT INTO floors (id, building_id, name, level, width, height)"
              "  VALUES ('f', 'b', 'EG', 0, 100, 100);"
              "INSERT INTO spaces (id, floor_id, kind, name, capacity, x, y, w, h) VALUES"
              "  ('d1', 'f', 'desk', 'Desk 1', 1, 0, 0, 1, 1),"
              "  ('d2', 'f', 'desk', 'Desk 2', 1, 0, 0, 1, 1),"
              "  ('r1', 'f', 'room', 'Room 1', 8, 0, 0, 1, 1);"
              "INSERT INTO people (id, display_name, staff_number, role) VALUES"
              "  ('anna', 'Anna', '1', 'staff'), ('ben', 'Ben', '2', 'staff');");
}

static char *
insert_booking (const char *id, const char *space, const char *person, gboolean is_desk,
                int from_hour, int to_hour, const char *state)
{
  return g_strdup_printf (
      "INSERT INTO bookings (id, space_id, person_id, is_desk, start, \"end\", state, created_at,"
      " updated_at) VALUES ('%s', '%s', %s%s%s, %d, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT
      ", '%s', 0, 0)",
      id, space, person ? "'" : "", person ? person : "NULL", person ? "'" : "", is_desk,
      AT (from_hour), AT (to_hour), state);
}

static void
test_overlap (Fixture *f, gconstpointer data)
{
  g_autofree char *first = insert_booking ("a", "r1", "anna", FALSE, 8, 10, "booked");
  g_autofree char *overlapping = insert_booking ("b", "r1", "ben", FALSE, 9, 11, "booked");
  g_autofree char *inside = insert_booking ("c", "r1", "ben", FALSE, 8, 9, "checked_in");
  g_autofree char *after = insert_booking ("d", "r1", "ben", FALSE, 10, 11, "booked");
  g_autofree char *cancelled = insert_booking ("e", "r1", "ben", FALSE, 9, 10, "cancelled");
  g_autofree char *elsewhere = insert_booking ("f", "d1", "ben", TRUE, 9, 10, "booked");
  g_autofree char *message = NULL;
  g_autofree char *again = NULL;

  add_building (f);
  pg_exec (f, first);
  message = pg_exec_fails (f, overlapping, "23P01");
  g_assert_nonnull (strstr (message, "bookings_no_overlap"));
  g_free (pg_exec_fails (f, inside, "23P01"));
  /* half-open: back to back is no clash; a cancelled booking holds nothing */
  pg_exec (f, after);
  pg_exec (f, cancelled);
  pg_exec (f, elsewhere);
  /* nor may an update bring a cancelled booking back into a taken slot */
  again = pg_exec_fails (f, "UPDATE bookings SET state = 'booked' WHERE id = 'e'", "23P01");
  g_assert_nonnull (strstr (again, "bookings_no_overlap"));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings"), ==, 4);
}

static void
test_one_desk (Fixture *f, gconstpointer data)
{
  g_autofree char *desk = insert_booking ("a", "d1", "anna", TRUE, 8, 16, "booked");
  g_autofree char *second_desk = insert_booking ("b", "d2", "anna", TRUE, 15, 17, "booked");
  g_autofree char *room = insert_booking ("c", "r1", "anna", FALSE, 9, 10, "booked");
  g_autofree char *tomorrow = insert_booking ("d", "d2", "anna", TRUE, 24 + 8, 24 + 16, "booked");
  g_autofree char *anonymous = insert_booking ("e", "d2", NULL, TRUE, 8, 16, "booked");
  g_autofree char *anonymous_too = insert_booking ("g", "d2", NULL, TRUE, 16, 17, "booked");
  g_autofree char *released = insert_booking ("h", "d2", "anna", TRUE, 17, 18, "released");
  g_autofree char *message = NULL;

  add_building (f);
  pg_exec (f, desk);
  message = pg_exec_fails (f, second_desk, "23P01");
  g_assert_nonnull (strstr (message, "bookings_one_desk_per_person"));
  pg_exec (f, room);
  pg_exec (f, tomorrow);
  /* bookings that retention made anonymous belong to nobody */
  pg_exec (f, anonymous);
  pg_exec (f, anonymous_too);
  pg_exec (f, released);
  g_free (pg_exec_fails (f, "UPDATE bookings SET \"end\" = start + 90001 WHERE id = 'a'", "23514"));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings"), ==, 6);
}

static void
test_audit_append_only (Fixture *f, gconstpointer data)
{
  migrate (f);
  pg_exec (f, "INSERT INTO audit_log (at, actor_id, action, subject, before, after) VALUES"
              "  (100, 'admin', 'person.update', 'p-1', '{\"team\":\"A\"}', '{\"team\":\"B\"}'),"
              "  (200, 'admin', 'policy.update', '', NULL, '{}')");
  g_free (pg_exec_fails (f, "UPDATE audit_log SET action = 'x' WHERE id = 1", "23001"));
  g_free (pg_exec_fails (f, "UPDATE audit_log SET after = '{}' WHERE id = 1", "23001"));
  g_free (pg_exec_fails (f, "DELETE FROM audit_log WHERE id = 1", "23001"));
  /* the redaction of an erased person's entries */
  pg_exec (f, "UPDATE audit_log SET actor_id = NULL, subject = '', before = NULL, after = NULL"
              " WHERE id = 1");
  /* and retention's deletion of what is older than its row in audit_log_expiry */
  pg_exec (f, "BEGIN; INSERT INTO audit_log_expiry VALUES (150);"
              "DELETE FROM audit_log WHERE at < 150; DELETE FROM audit_log_expiry; COMMIT");
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM audit_log"), ==, 1);
  g_free (pg_exec_fails (f, "DELETE FROM audit_log", "23001"));
}

/* The plan PostgreSQL makes once for every execution of a prepared statement (as a store's
 * connection gets after five), as EXPLAIN's lines in one text. */
static char *
generic_plan (Fixture *f, const char *sql, const char *arguments)
{
  int n_params;
  g_autofree char *translated = rb_pg_db_translate (sql, &n_params);
  g_autofree char *prepare = g_strdup_printf ("PREPARE clash AS %s", translated);
  g_autofree char *explain = g_strdup_printf ("EXPLAIN EXECUTE clash (%s)", arguments);
  g_autoptr (PGresult) result = NULL;
  GString *plan = g_string_new (NULL);

  pg_exec (f, "SET plan_cache_mode = force_generic_plan");
  pg_exec (f, prepare);
  result = PQexec (f->conn, explain);
  g_assert_cmpint (PQresultStatus (result), ==, PGRES_TUPLES_OK);
  for (int row = 0; row < PQntuples (result); row++)
    g_string_append_printf (plan, "%s\n", PQgetvalue (result, row, 0));
  pg_exec (f, "DEALLOCATE clash; RESET plan_cache_mode");
  return g_string_free (plan, FALSE);
}

/* The clash checks on a database with statistics, as autovacuum keeps them: each reads the
 * live bookings of one space, or one person's desks, in the hours in question. Before schema
 * 18 the space's check took the occupancy figures' index, with every space's bookings of
 * those hours. (Checked on the plan PostgreSQL makes for all executions, since that is what
 * a server's statements get.) */
static void
test_clash_plans (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestServer) seeder = rb_test_server_new_on (f->dir, f->url);
  const char *const *queries = rb_store_clash_queries ();
  /* the parameters of each query of rb_store_clash_queries, in its order */
  const char *const arguments[] = {
    "'a1-r01', 1797926400, 1797930000, 90000",
    "'p-14475', 1797926400, 1797930000, 90000",
    "'a1-r01', 1797926400, 1797930000, 90000, 'p-14475', 1797890400, 1797976800",
  };

  rb_test_server_start (seeder);
  rb_test_server_stop (seeder);
  /* ten days of rooms booked every quarter of an hour, as bench-server books them: with
   * (space_id, start) alone, this is where PostgreSQL chose the occupancy index */
  pg_exec (f, "INSERT INTO bookings (id, space_id, person_id, is_desk, start, \"end\", state,"
              " created_at, updated_at)"
              " SELECT gen_random_uuid ()::text, s.id, 'p-14475', 0,"
              "   1797897600 + d * 86400 + k * 900, 1797897600 + d * 86400 + k * 900 + 900,"
              "   'booked', 0, 0"
              " FROM (SELECT id FROM spaces WHERE kind <> 'desk') s, generate_series (0, 9) d,"
              "   generate_series (0, 55) k");
  pg_exec (f, "ANALYZE");

  g_assert_cmpuint (g_strv_length ((char **) queries), ==, G_N_ELEMENTS (arguments));
  for (guint i = 0; i < G_N_ELEMENTS (arguments); i++)
    {
      g_autofree char *plan = generic_plan (f, queries[i], arguments[i]);

      g_test_message ("plan: %s", plan);
      /* (space_blocks is empty, and its Seq Scan reads nothing) */
      g_assert_null (strstr (plan, "Seq Scan on bookings"));
      g_assert_null (strstr (plan, "bookings_occupancy"));
      g_assert_null (strstr (plan, "bookings_no_overlap"));
      g_assert_cmpuint (rb_test_count_in (plan, "bookings_live_by_space"), ==, i == 1 ? 0 : 1);
      g_assert_cmpuint (rb_test_count_in (plan, "bookings_live_desks_by_person"), ==,
                        i == 0 ? 0 : (i == 1 ? 1 : 2));
    }
}

/* A failed statement ends a PostgreSQL transaction, which then answers COMMIT with ROLLBACK:
 * the engine must report that commit as failed, never as written. */
static void
test_commit_after_failure (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  RbDb *db = rb_pg_db_open (f->url, &error);
  g_autoptr (RbStatement) divide = NULL;

  g_assert_no_error (error);
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  rb_db_exec (db, "INSERT INTO changes (booking_id, changed_at) VALUES ('x', 0)", &error);
  g_assert_no_error (error);
  divide = rb_db_prepare (db, "SELECT 1 / (CAST (?1 AS BIGINT) - 1)", &error);
  g_assert_no_error (error);
  rb_statement_bind_int64 (divide, 1, 1);
  g_assert_cmpint (rb_statement_step (divide), ==, SQLITE_ERROR);
  g_assert_true (rb_db_transaction_failed (db));
  g_assert_false (rb_db_commit (db, &error));
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  g_assert_false (rb_db_in_transaction (db));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM changes"), ==, 0);
  g_clear_pointer (&divide, rb_statement_release);
  rb_db_close (db);
}

static gint64
changes_of (Fixture *f, const char *booking_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM changes WHERE booking_id = '%s'",
                                          booking_id);

  return pg_int (f, sql);
}

/* Defers a change row of booking_id (rb_db_exec_deferred). */
static void
defer_change (RbDb *db, const char *booking_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *sql = g_strdup_printf ("INSERT INTO changes (booking_id, changed_at)"
                                          " VALUES ('%s', 0)", booking_id);

  rb_db_exec_deferred (db, sql, &error);
  g_assert_no_error (error);
}

/* What rb_db_exec_deferred and rb_db_step_deferred leave runs, in order, before the next
 * statement's answer and before a COMMIT; a ROLLBACK drops it; a deferred statement that
 * fails fails the next statement (or the COMMIT) with its own message, and the transaction
 * with it. */
static void
test_deferred (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  RbDb *db = rb_pg_db_open (f->url, &error);
  g_autoptr (RbStatement) count = NULL;
  g_autoptr (RbStatement) insert = NULL;
  g_autoptr (RbStatement) divide = NULL;

  g_assert_no_error (error);
  count = rb_db_prepare (db, "SELECT count(*) FROM changes WHERE booking_id = ?1", &error);
  g_assert_no_error (error);

  /* before a statement, in one round trip with it */
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  rb_db_exec_deferred (db, "SAVEPOINT rb_write", &error);
  g_assert_no_error (error);
  defer_change (db, "d1");
  rb_statement_bind_text (count, 1, "d1");
  g_assert_cmpint (rb_statement_step (count), ==, SQLITE_ROW);
  g_assert_cmpint (rb_statement_column_int64 (count, 0), ==, 1);
  rb_statement_reset (count);
  /* before a COMMIT */
  rb_db_exec_deferred (db, "RELEASE rb_write", &error);
  g_assert_no_error (error);
  defer_change (db, "d2");
  g_assert_true (rb_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (changes_of (f, "d1"), ==, 1);
  g_assert_cmpint (changes_of (f, "d2"), ==, 1);

  /* dropped by a ROLLBACK, and nothing of it left for the next transaction */
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  defer_change (db, "d3");
  rb_db_rollback (db);
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  g_assert_true (rb_db_commit (db, &error));
  g_assert_cmpint (changes_of (f, "d3"), ==, 0);

  /* a failure is the next statement's, and the transaction's */
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  defer_change (db, "d4");
  rb_db_exec_deferred (db, "RELEASE rb_write", &error);
  g_assert_no_error (error);
  rb_statement_bind_text (count, 1, "d4");
  g_assert_cmpint (rb_statement_step (count), ==, SQLITE_ERROR);
  g_assert_nonnull (strstr (rb_db_errmsg (db), "rb_write"));
  g_assert_true (rb_db_transaction_failed (db));
  rb_statement_reset (count);
  g_assert_false (rb_db_commit (db, &error));
  g_clear_error (&error);
  g_assert_false (rb_db_in_transaction (db));
  g_assert_cmpint (changes_of (f, "d4"), ==, 0);

  /* and a COMMIT's */
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  defer_change (db, "d5");
  rb_db_exec_deferred (db, "RELEASE rb_write", &error);
  g_assert_no_error (error);
  g_assert_false (rb_db_commit (db, &error));
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "rb_write"));
  g_assert_false (rb_db_in_transaction (db));
  g_assert_cmpint (changes_of (f, "d5"), ==, 0);
  g_clear_error (&error);

  /* a prepared one keeps its parameters as they were when it was deferred */
  insert = rb_db_prepare (db, "INSERT INTO changes (booking_id, changed_at) VALUES (?1, ?2)",
                          &error);
  g_assert_no_error (error);
  divide = rb_db_prepare (db, "SELECT 1 / (CAST (?1 AS BIGINT) - 1)", &error);
  g_assert_no_error (error);
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  for (int i = 6; i <= 7; i++)
    {
      g_autofree char *id = g_strdup_printf ("d%d", i);

      rb_statement_bind_text (insert, 1, id);
      rb_statement_bind_int64 (insert, 2, i);
      rb_db_step_deferred (db, insert, &error);
      g_assert_no_error (error);
      rb_statement_reset (insert);
      rb_statement_clear_bindings (insert);
    }
  g_assert_true (rb_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (changes_of (f, "d6"), ==, 1);
  g_assert_cmpint (pg_int (f, "SELECT changed_at FROM changes WHERE booking_id = 'd7'"), ==, 7);

  /* and its failure is the COMMIT's */
  rb_db_begin_write (db, &error);
  g_assert_no_error (error);
  rb_statement_bind_text (insert, 1, "d8");
  rb_statement_bind_int64 (insert, 2, 8);
  rb_db_step_deferred (db, insert, &error);
  g_assert_no_error (error);
  rb_statement_bind_int64 (divide, 1, 1);
  rb_db_step_deferred (db, divide, &error);
  g_assert_no_error (error);
  g_assert_false (rb_db_commit (db, &error));
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "division by zero"));
  g_assert_false (rb_db_in_transaction (db));
  g_assert_cmpint (changes_of (f, "d8"), ==, 0);

  g_clear_pointer (&count, rb_statement_release);
  g_clear_pointer (&insert, rb_statement_release);
  g_clear_pointer (&divide, rb_statement_release);
  rb_db_close (db);
}

/* ---- several servers: the feed's order and its notification ------------------------------- */

typedef struct
{
  const char *url;
  gint64 seq;
  gint appended; /* atomic: set once the second writer has its row */
} SecondWriter;

static gpointer
second_writer (gpointer data)
{
  SecondWriter *writer = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (PGconn) conn = rb_pg_connect (writer->url, &error);

  g_assert_no_error (error);
  rb_pg_begin_write (conn, &error);
  g_assert_no_error (error);
  rb_pg_get_int (conn, "INSERT INTO changes (booking_id, changed_at) VALUES ('b', 0) RETURNING seq",
                 0, NULL, &writer->seq, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&writer->appended, 1);
  rb_pg_exec (conn, "COMMIT", &error);
  g_assert_no_error (error);
  return NULL;
}

/* Two servers append to the feed at once; the one that draws the smaller number commits
 * last. Without the writer lock, a reader in between would see the larger number, move its
 * cursor past it and never see the smaller one. With it, the second writer waits for the
 * first one's commit, and numbers become visible in their order. */
static void
test_feed_commit_order (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  SecondWriter writer = { f->url, 0, 0 };
  GThread *thread;
  gint64 first = 0;

  migrate (f);
  rb_pg_begin_write (f->conn, &error);
  g_assert_no_error (error);
  rb_pg_get_int (f->conn,
                 "INSERT INTO changes (booking_id, changed_at) VALUES ('a', 0) RETURNING seq", 0,
                 NULL, &first, &error);
  g_assert_no_error (error);
  thread = g_thread_new ("second-writer", second_writer, &writer);
  /* long enough for the second writer to get far, had nothing held it */
  g_usleep (300 * 1000);
  g_assert_cmpint (g_atomic_int_get (&writer.appended), ==, 0);
  rb_pg_exec (f->conn, "COMMIT", &error);
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_cmpint (writer.seq, ==, first + 1);
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM changes"), ==, 2);
}

/* Waits up to timeout_ms for a notification on conn; "channel payload", or NULL. */
static char *
wait_notification (PGconn *conn, int timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * (gint64) 1000;

  do
    {
      PGnotify *notify;

      g_assert_cmpint (PQconsumeInput (conn), ==, 1);
      if ((notify = PQnotifies (conn)) != NULL)
        {
          char *said = g_strdup_printf ("%s %s", notify->relname, notify->extra);

          PQfreemem (notify);
          return said;
        }
      g_usleep (10 * 1000);
    }
  while (g_get_monotonic_time () < deadline);
  return NULL;
}

/* A server that LISTENs hears of another's changes at their commit, once per statement that
 * appended change rows, with the highest number it appended (schema 17), and of a topic's
 * row on a channel of its own; a transaction rolled back says nothing. */
static void
test_feed_notify (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (PGconn) listener = rb_pg_connect (f->url, &error);
  g_autofree char *early = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *topic_row = NULL;
  g_autofree char *settings = NULL;
  g_autofree char *none = NULL;
  gint64 before;
  g_autofree char *expected_first = NULL;
  g_autofree char *expected_second = NULL;
  g_autofree char *expected_topic_row = NULL;

  g_assert_no_error (error);
  migrate (f);
  rb_pg_exec (listener, "LISTEN " RB_PG_CHANGES_CHANNEL "; LISTEN " RB_PG_SETTINGS_CHANNEL,
              &error);
  g_assert_no_error (error);
  before = pg_int (f, "SELECT coalesce (max (seq), 0) FROM changes");
  expected_first = g_strdup_printf (RB_PG_CHANGES_CHANNEL " %" G_GINT64_FORMAT, before + 2);
  expected_second = g_strdup_printf (RB_PG_CHANGES_CHANNEL " %" G_GINT64_FORMAT, before + 3);
  expected_topic_row = g_strdup_printf (RB_PG_CHANGES_CHANNEL " %" G_GINT64_FORMAT, before + 4);

  rb_pg_begin_write (f->conn, &error);
  g_assert_no_error (error);
  pg_exec (f, "INSERT INTO changes (booking_id, changed_at) VALUES ('a', 0), ('b', 0)");
  pg_exec (f, "INSERT INTO changes (booking_id, changed_at) VALUES ('c', 0)");
  early = wait_notification (listener, 200);
  g_assert_null (early);
  pg_exec (f, "COMMIT");
  first = wait_notification (listener, 10000);
  second = wait_notification (listener, 10000);
  g_assert_cmpstr (first, ==, expected_first);
  g_assert_cmpstr (second, ==, expected_second);
  g_assert_null (wait_notification (listener, 200));

  pg_exec (f, "INSERT INTO changes (booking_id, changed_at, topic) VALUES ('', 0, 'policy')");
  topic_row = wait_notification (listener, 10000);
  settings = wait_notification (listener, 10000);
  g_assert_cmpstr (topic_row, ==, expected_topic_row);
  g_assert_cmpstr (settings, ==, RB_PG_SETTINGS_CHANNEL " ");

  pg_exec (f, "BEGIN; INSERT INTO changes (booking_id, changed_at) VALUES ('d', 0); ROLLBACK");
  none = wait_notification (listener, 300);
  g_assert_null (none);
}

/* ---- two servers on one database ------------------------------------------------------------ */

typedef struct
{
  RbTestServer *servers[2];
  char *second_dir;
} TwoServers;

/* Two servers on the fixture's database, the first one seeding it, their clocks started at
 * now; extra_args for both. */
static void
two_servers_start (Fixture *f, TwoServers *two, const char *now, const char *const *extra_args)
{
  two->second_dir = g_build_filename (f->dir, "second", NULL);
  g_assert_cmpint (g_mkdir_with_parents (two->second_dir, 0700), ==, 0);
  two->servers[0] = rb_test_server_new_on (f->dir, f->url);
  two->servers[1] = rb_test_server_new_on (two->second_dir, f->url);
  for (guint i = 0; i < 2; i++)
    {
      rb_test_server_set_now (two->servers[i], now);
      for (guint k = 0; extra_args != NULL && extra_args[k] != NULL; k += 2)
        rb_test_server_add_args (two->servers[i], extra_args[k], extra_args[k + 1], NULL);
      rb_test_server_start (two->servers[i]);
    }
}

static void
two_servers_stop (TwoServers *two)
{
  for (guint i = 0; i < 2; i++)
    {
      rb_test_server_stop (two->servers[i]);
      g_clear_pointer (&two->servers[i], rb_test_server_free);
    }
  g_free (two->second_dir);
}

typedef struct
{
  RbTestServer *server;
  const char *token;
  guint first_slot;
  guint n;
  guint won;
} Racer;

#define RACE_SLOTS 40

/* Tries n slots of the race from its first one on, through its server. */
static gpointer
racer_run (gpointer data)
{
  Racer *racer = data;
  g_autoptr (SoupSession) session = rb_test_client_new ();

  for (guint i = 0; i < racer->n; i++)
    {
      guint slot = (racer->first_slot + i) % RACE_SLOTS;
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr (RbTestResponse) resp = rb_test_create_booking (
          session, racer->server, racer->token, id, "a0-r01", AT (24 + 6) + slot * 900,
          AT (24 + 6) + (slot + 1) * 900, NULL, 0);

      if (resp->status == 201)
        racer->won++;
      else
        g_assert_true (rb_test_response_is_problem (resp, 409, "overlap"));
    }
  return NULL;
}

typedef struct
{
  RbTestServer *server;
  const char *token;
  const char *id;
} LateBooking;

/* Books a desk through its server a moment after the long-poll began. */
static gpointer
late_booking_run (gpointer data)
{
  LateBooking *late = data;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autoptr (RbTestResponse) resp = NULL;

  g_usleep (300 * 1000);
  resp = rb_test_create_booking (session, late->server, late->token, late->id, "a0-d010",
                                 AT (24 + 7), AT (24 + 15), NULL, 0);
  g_assert_cmpuint (resp->status, ==, 201);
  return NULL;
}

/* Two servers, one database: a client of the second server hears at once of a booking made
 * through the first (its long-poll answers with it); 8 clients race through both for the same
 * 40 slots of a room, and every slot is booked once; a rule changed through one server holds
 * at the other; the feed read from either server is the same, in order. */
static void
test_two_servers (Fixture *f, gconstpointer data)
{
  TwoServers two = { 0 };
  g_autoptr (SoupSession) session = rb_test_client_new ();
  const RbTestPerson *lead = rb_test_demo_person_with_role ("team_lead", 0);
  char *tokens[2] = { NULL, NULL };
  g_autofree char *watcher = NULL;
  g_autofree char *booker = NULL;
  g_autofree char *feed_first = NULL;
  g_autofree char *feed_second = NULL;
  g_autofree char *wait_path = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) head = NULL;
  g_autoptr (RbTestResponse) waited = NULL;
  LateBooking late = { NULL, NULL, id };
  JsonNode *one_day = json_node_new (JSON_NODE_VALUE); /* rb_test_set_policy_member takes it */
  g_autoptr (RbTestResponse) far = NULL;
  gint64 deadline;
  Racer racers[8];
  GThread *threads[8];
  GThread *late_thread;
  guint won = 0;
  gint64 started, waited_ms;

  two_servers_start (f, &two, MONDAY, NULL);
  for (guint i = 0; i < 2; i++)
    tokens[i] = rb_test_login_person (session, two.servers[i], lead);
  watcher = rb_test_login_person (session, two.servers[1],
                                  rb_test_demo_person_with_role ("staff", 0));
  booker = rb_test_login_person (session, two.servers[0],
                                 rb_test_demo_person_with_role ("staff", 1));

  /* the push: a long-poll at the second server, a booking at the first */
  head = request (session, two.servers[1], "GET", "/api/v1/changes?since=0&limit=0", watcher,
                  NULL);
  rb_test_assert_status (head, 200);
  wait_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&wait=20",
                               rb_test_response_get_int (head, "next"));
  late.server = two.servers[0];
  late.token = booker;
  late_thread = g_thread_new ("late-booking", late_booking_run, &late);
  started = g_get_monotonic_time ();
  waited = request (session, two.servers[1], "GET", wait_path, watcher, NULL);
  waited_ms = (g_get_monotonic_time () - started) / 1000;
  g_thread_join (late_thread);
  rb_test_assert_status (waited, 200);
  g_test_message ("the second server's long-poll answered after %" G_GINT64_FORMAT " ms",
                  waited_ms);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        rb_test_response_get_object (waited), "changes")),
                    ==, 1);
  /* well before the poll's 20 s; the 30 s safety net of clients is not what answered */
  g_assert_cmpint (waited_ms, <, 15000);

  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      racers[i] = (Racer){ two.servers[i % 2], tokens[i % 2], i * 5, RACE_SLOTS, 0 };
      threads[i] = g_thread_new ("racer", racer_run, &racers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (racers); i++)
    {
      g_thread_join (threads[i]);
      won += racers[i].won;
    }
  g_assert_cmpuint (won, ==, RACE_SLOTS);
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings WHERE space_id = 'a0-r01'"), ==,
                   RACE_SLOTS);

  /* a rule changed through the first server holds at the second at once */
  json_node_set_int (one_day, 1);
  rb_test_set_policy_member (session, two.servers[0], "desk_horizon_days", one_day);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  do
    {
      g_autofree char *far_id = g_uuid_string_random ();

      g_clear_pointer (&far, rb_test_response_free);
      far = rb_test_create_booking (session, two.servers[1], watcher, far_id, "a0-d011",
                                    AT (24 * 3 + 7), AT (24 * 3 + 15), NULL, 0);
    }
  while (far->status != 422 && g_get_monotonic_time () < deadline);
  rb_test_assert_problem (far, 422, "horizon_exceeded");

  feed_first = rb_test_feed_dump (session, two.servers[0], tokens[0]);
  feed_second = rb_test_feed_dump (session, two.servers[1], tokens[1]);
  g_assert_cmpstr (feed_first, ==, feed_second);
  g_assert_nonnull (strstr (feed_first, id));
  g_free (tokens[0]);
  g_free (tokens[1]);
  two_servers_stop (&two);
}

#define BURST_CLIENTS 4

/* Bookings made through the first server in bursts, by clients at once (so that one commit
 * appends several change rows, each statement notifying), are heard at the second one by
 * long-polls that each wake at once: followed from its head on, the second server's feed
 * brings all of them, in order, and no poll waits for its timeout. */
static void
test_two_servers_burst (Fixture *f, gconstpointer data)
{
  TwoServers two = { 0 };
  g_autoptr (SoupSession) session = rb_test_client_new ();
  const RbTestPerson *lead = rb_test_demo_person_with_role ("team_lead", 0);
  g_autofree char *booker = NULL;
  g_autofree char *watcher = NULL;
  g_autoptr (RbTestResponse) head = NULL;
  Racer bursters[BURST_CLIENTS];
  GThread *threads[BURST_CLIENTS];
  gint64 since, last_seq = 0;
  guint heard = 0, polls = 0;

  two_servers_start (f, &two, MONDAY, NULL);
  booker = rb_test_login_person (session, two.servers[0], lead);
  watcher = rb_test_login_person (session, two.servers[1], lead);
  head = request (session, two.servers[1], "GET", "/api/v1/changes?since=0&limit=0", watcher,
                  NULL);
  rb_test_assert_status (head, 200);
  since = rb_test_response_get_int (head, "next");

  for (guint i = 0; i < BURST_CLIENTS; i++)
    {
      /* the race's slots, each client a part of its own: nobody loses */
      bursters[i] = (Racer){ two.servers[0], booker, i * RACE_SLOTS / BURST_CLIENTS,
                             RACE_SLOTS / BURST_CLIENTS, 0 };
      threads[i] = g_thread_new ("burster", racer_run, &bursters[i]);
    }
  while (heard < RACE_SLOTS)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT
                                               "&wait=20", since);
      g_autoptr (RbTestResponse) poll = NULL;
      JsonArray *changes;
      gint64 started = g_get_monotonic_time ();

      poll = request (session, two.servers[1], "GET", path, watcher, NULL);
      rb_test_assert_status (poll, 200);
      /* a poll that waited for its 20 s was woken by nothing */
      g_assert_cmpint (g_get_monotonic_time () - started, <, 15 * G_USEC_PER_SEC);
      changes = json_object_get_array_member (rb_test_response_get_object (poll), "changes");
      for (guint k = 0; k < json_array_get_length (changes); k++)
        {
          gint64 seq = json_object_get_int_member (json_array_get_object_element (changes, k),
                                                   "seq");

          g_assert_cmpint (seq, >, last_seq);
          last_seq = seq;
          heard++;
        }
      since = rb_test_response_get_int (poll, "next");
      polls++;
    }
  for (guint i = 0; i < BURST_CLIENTS; i++)
    {
      g_thread_join (threads[i]);
      g_assert_cmpuint (bursters[i].won, ==, RACE_SLOTS / BURST_CLIENTS);
    }
  g_test_message ("%u bookings heard at the second server in %u long-polls", heard, polls);
  g_assert_cmpuint (heard, ==, RACE_SLOTS);
  two_servers_stop (&two);
}

/* Both servers release no-shows every second: a booking of the running slot that nobody checks in is released
 * once, not once per server (one change row, version 2). */
static void
test_two_servers_release_once (Fixture *f, gconstpointer data)
{
  static const char *const every_second[] = { "--release-interval", "1", NULL };
  TwoServers two = { 0 };
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autoptr (RbTestServer) seeder = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *released = g_strdup_printf (
      "SELECT count(*) FROM bookings WHERE id = '%s' AND state = 'released'", id);
  g_autofree char *version = g_strdup_printf ("SELECT version FROM bookings WHERE id = '%s'", id);
  g_autofree char *rows = g_strdup_printf ("SELECT count(*) FROM changes WHERE booking_id = '%s'",
                                           id);
  g_autoptr (RbTestResponse) booked = NULL;

  /* checked in by the start, or released (below the API's minimum of 5 minutes, so that the
   * test need not wait): the database seeded by a first start, then changed */
  seeder = rb_test_server_new_on (f->dir, f->url);
  rb_test_server_start (seeder);
  rb_test_server_stop (seeder);
  rb_test_db_exec (f->url, "INSERT INTO policy (site_id, key, value)"
                           " VALUES ('site-bonn', 'check_in_after_minutes', 0)"
                           " ON CONFLICT (site_id, key) DO UPDATE SET value = excluded.value");
  two_servers_start (f, &two, MONDAY, every_second);
  token = rb_test_login_person (session, two.servers[1],
                                rb_test_demo_person_with_role ("staff", 0));
  /* the second server books the slot that began at MONDAY (07:00 UTC) */
  booked = rb_test_create_booking (session, two.servers[1], token, id, "a0-d020", AT (7),
                                   AT (8), NULL, 0);
  rb_test_assert_status (booked, 201);

  wait_for_job (f, released);
  g_assert_cmpint (pg_int (f, released), ==, 1);
  g_assert_cmpint (pg_int (f, version), ==, 2);
  g_assert_cmpint (pg_int (f, rows), ==, 2);
  two_servers_stop (&two);
}

/* Both servers apply the retention every second: a booking is anonymised once (one change
 * row and one version more, not two) and deleted once (its change rows folded into one, the
 * tombstone's). The booking is cancelled first, so that no release comes between. */
static void
test_two_servers_retention_once (Fixture *f, gconstpointer data)
{
  static const char *const every_second[] = { "--release-interval", "1", NULL };
  TwoServers two = { 0 };
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autoptr (RbTestServer) first = NULL;
  g_autofree char *token = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *cancel_path = g_strdup_printf ("/api/v1/bookings/%s", id);
  /* 0 also once it is deleted */
  g_autofree char *anonymised = g_strdup_printf (
      "SELECT count(*) FROM bookings WHERE id = '%s' AND anonymised = 1", id);
  g_autofree char *version = g_strdup_printf ("SELECT version FROM bookings WHERE id = '%s'", id);
  g_autofree char *rows = g_strdup_printf ("SELECT count(*) FROM changes WHERE booking_id = '%s'",
                                           id);
  g_autofree char *tombstones = g_strdup_printf (
      "SELECT count(*) FROM booking_tombstones t JOIN changes c ON c.seq = t.seq"
      " WHERE t.id = '%s' AND c.booking_id = t.id", id);
  g_autoptr (RbTestResponse) booked = NULL;
  g_autoptr (RbTestResponse) cancelled = NULL;

  first = rb_test_server_new_on (f->dir, f->url);
  rb_test_server_set_now (first, MONDAY);
  rb_test_server_start (first);
  token = rb_test_login_person (session, first, rb_test_demo_person_with_role ("staff", 0));
  booked = rb_test_create_booking (session, first, token, id, "a0-d020", AT (24 + 7),
                                   AT (24 + 15), "Kick-off", 0);
  rb_test_assert_status (booked, 201);
  cancelled = request (session, first, "DELETE", cancel_path, token, NULL);
  rb_test_assert_status (cancelled, 200);
  rb_test_server_stop (first);
  g_assert_cmpint (pg_int (f, version), ==, 2);

  two_servers_start (f, &two, "2026-04-16T07:00:00Z", every_second); /* 100 days on */
  wait_for_job (f, anonymised);
  g_assert_cmpint (pg_int (f, anonymised), ==, 1);
  g_assert_cmpint (pg_int (f, version), ==, 3);
  g_assert_cmpint (pg_int (f, rows), ==, 3);
  two_servers_stop (&two);

  two_servers_start (f, &two, "2027-02-10T07:00:00Z", every_second); /* 400 days on */
  wait_for_job (f, tombstones);
  g_assert_cmpint (pg_int (f, tombstones), ==, 1);
  g_assert_cmpint (pg_int (f, rows), ==, 1);
  g_assert_cmpint (pg_int (f, anonymised), ==, 0);
  two_servers_stop (&two);
}

/* ---- failover ----------------------------------------------------------------------------- */

typedef struct
{
  RbTestServer *server;
  char *token;
  const char *desk;
  guint n_acknowledged;
  char *acknowledged[40];
  guint after_failover; /* acknowledged once the replica was promoted */
  gint *promoted;       /* atomic, the test's */
} Writer;

/* Books 40 quarter hours of its desk one after another, each until the server acknowledges
 * it (an answer lost on the way is asked again with the same id, as kiosks do). */
static gpointer
writer_run (gpointer data)
{
  Writer *writer = data;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  gint64 deadline = g_get_monotonic_time () + 90 * G_USEC_PER_SEC;

  for (guint slot = 0; slot < G_N_ELEMENTS (writer->acknowledged); slot++)
    {
      g_autofree char *id = g_uuid_string_random ();

      while (g_get_monotonic_time () < deadline)
        {
          g_autoptr (RbTestResponse) resp = rb_test_create_booking (
              session, writer->server, writer->token, id, writer->desk,
              AT (24 + 6) + slot * 900, AT (24 + 6) + (slot + 1) * 900, NULL, 0);

          if (resp->status == 201 || resp->status == 200)
            {
              writer->acknowledged[writer->n_acknowledged++] = g_strdup (id);
              if (g_atomic_int_get (writer->promoted))
                writer->after_failover++;
              /* a booking every 50 ms or so: the failover comes in the middle */
              g_usleep (50 * 1000);
              break;
            }
          /* the database is away: 500 or 503 meanwhile, never a refusal of the booking */
          g_assert_cmpuint (resp->status, >=, 500);
          g_usleep (100 * 1000);
        }
    }
  return NULL;
}

static void
wait_for_sync_standby (const char *primary_admin)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (rb_test_db_int (primary_admin, "SELECT count(*) FROM pg_stat_replication"
                                        " WHERE sync_state = 'sync'")
         == 0)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

/* A primary with a synchronous streaming replica, as the README recommends; 8 clients write
 * through the server; the primary is killed and the replica promoted. The server connects to
 * the new primary by itself, the clients' bookings go on, and every booking the server
 * acknowledged is in the promoted database. */
static void
test_failover (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-failover-XXXXXX", &error);
  g_autofree char *primary_dir = g_build_filename (dir, "primary", NULL);
  g_autofree char *standby_dir = g_build_filename (dir, "standby", NULL);
  g_autofree char *server_dir = g_build_filename (dir, "server", NULL);
  g_autoptr (RbTestPostgres) primary = NULL;
  g_autoptr (RbTestPostgres) standby = NULL;
  g_autoptr (RbTestServer) server = NULL;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *primary_url = NULL;
  g_autofree char *primary_admin = NULL;
  g_autofree char *standby_admin = NULL;
  g_autofree char *standby_url = NULL;
  g_autofree char *both = NULL;
  const char *desks[] = { "a0-d001", "a0-d002", "a0-d003", "a0-d004",
                          "a0-d005", "a0-d006", "a0-d007", "a0-d008" };
  Writer writers[8];
  GThread *threads[8];
  gint promoted = 0;
  guint acknowledged = 0, after_failover = 0;

  g_assert_no_error (error);
  /* the clusters' folders are two levels down; nobody (rb-test-postgres.h) must pass */
  g_assert_cmpint (g_chmod (dir, 0711), ==, 0);
  g_assert_cmpint (g_mkdir (primary_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (standby_dir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (server_dir, 0700), ==, 0);
  primary = rb_test_postgres_new (primary_dir);
  primary_url = rb_test_postgres_create_database (primary, "site");
  standby = rb_test_postgres_new_standby (standby_dir, primary);
  primary_admin = g_strdup_printf ("postgresql://raumbuch@127.0.0.1:%u/postgres",
                                   rb_test_postgres_get_port (primary));
  standby_admin = g_strdup_printf ("postgresql://raumbuch@127.0.0.1:%u/postgres",
                                   rb_test_postgres_get_port (standby));
  standby_url = g_strdup_printf ("postgresql://raumbuch@127.0.0.1:%u/site",
                                 rb_test_postgres_get_port (standby));
  rb_test_db_exec (primary_admin, "ALTER SYSTEM SET synchronous_standby_names = '*'");
  g_assert_cmpint (rb_test_db_int (primary_admin, "SELECT pg_reload_conf ()::int"), ==, 1);
  wait_for_sync_standby (primary_admin);

  /* the server knows both hosts, and writes to whichever accepts writes */
  both = g_strdup_printf ("postgresql://raumbuch@127.0.0.1:%u,127.0.0.1:%u/site"
                          "?target_session_attrs=read-write&connect_timeout=2",
                          rb_test_postgres_get_port (primary), rb_test_postgres_get_port (standby));
  server = rb_test_server_new_on (server_dir, both);
  rb_test_server_set_now (server, MONDAY);
  rb_test_server_start (server);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      writers[i] = (Writer){ server, NULL, desks[i], 0, { NULL }, 0, &promoted };
      writers[i].token = rb_test_login_person (session, server,
                                               rb_test_demo_person_with_role ("staff", i));
    }
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    threads[i] = g_thread_new ("writer", writer_run, &writers[i]);

  g_usleep (500 * 1000);
  rb_test_postgres_kill (primary);
  g_usleep (500 * 1000);
  g_assert_cmpint (rb_test_db_int (standby_admin, "SELECT pg_promote ()::int"), ==, 1);
  g_atomic_int_set (&promoted, 1);

  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    g_thread_join (threads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    {
      g_assert_cmpuint (writers[i].n_acknowledged, ==, G_N_ELEMENTS (writers[i].acknowledged));
      acknowledged += writers[i].n_acknowledged;
      after_failover += writers[i].after_failover;
      for (guint k = 0; k < writers[i].n_acknowledged; k++)
        {
          g_autofree char *sql = g_strdup_printf (
              "SELECT count(*) FROM bookings WHERE id = '%s' AND state = 'booked'",
              writers[i].acknowledged[k]);

          g_assert_cmpint (rb_test_db_int (standby_url, sql), ==, 1);
          g_free (writers[i].acknowledged[k]);
        }
      g_free (writers[i].token);
    }
  g_test_message ("%u bookings acknowledged, %u of them after the promotion; all in the "
                  "promoted database",
                  acknowledged, after_failover);
  g_assert_cmpuint (after_failover, >, 0);
  g_assert_cmpint (rb_test_db_int (standby_url, "SELECT count(*) FROM bookings"), ==,
                   acknowledged);
  rb_test_server_stop (server);
  g_clear_pointer (&server, rb_test_server_free);
  g_clear_pointer (&standby, rb_test_postgres_free);
  g_clear_pointer (&primary, rb_test_postgres_free);
  rb_test_remove_tree (dir);
}

/* ---- --copy-to ------------------------------------------------------------------------------- */

/* raumbuch-server with these arguments; its exit status, and its output in out_text. */
static int
run_server (char **out_text, const char *first_arg, ...) G_GNUC_NULL_TERMINATED;

static int
run_server (char **out_text, const char *first_arg, ...)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("RAUMBUCH_SERVER"));
  va_start (args, first_arg);
  for (const char *arg = first_arg; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (out_text != NULL)
    *out_text = g_strconcat (out, err, NULL);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

static void
assert_status (RbTestResponse *resp, guint status)
{
  rb_test_assert_status (resp, status);
  rb_test_response_free (resp);
}

/* A server's database with a bit of everything, made the way a site makes it. */
static char *
make_history (const char *dir)
{
  g_autoptr (RbTestServer) server = rb_test_server_new (dir);
  g_autoptr (SoupSession) session = rb_test_client_new ();
  const RbTestPerson *lead = rb_test_demo_person_with_role ("team_lead", 0);
  g_autofree char *staff = NULL;
  g_autofree char *team_lead = NULL;
  g_autofree char *facility = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *kiosk = NULL;
  g_autofree char *series = NULL;
  g_autofree char *from = rb_test_rfc3339 (AT (24 + 12));
  g_autofree char *to = rb_test_rfc3339 (AT (24 + 13));
  g_autofree char *block_from = rb_test_rfc3339 (AT (24 * 3));
  g_autofree char *block_to = rb_test_rfc3339 (AT (24 * 4));
  g_autofree char *block = NULL;
  g_autofree char *desk = g_uuid_string_random ();
  g_autofree char *room = g_uuid_string_random ();
  g_autofree char *gone = g_uuid_string_random ();
  g_autofree char *moved = g_uuid_string_random ();
  g_autofree char *series_id = g_uuid_string_random ();
  g_autofree char *path = NULL;

  rb_test_server_set_now (server, MONDAY);
  rb_test_server_start (server);
  staff = rb_test_login_person (session, server, rb_test_demo_person_with_role ("staff", 0));
  team_lead = rb_test_login_person (session, server, lead);
  facility = rb_test_login_person (session, server,
                                   rb_test_demo_person_with_role ("facility_manager", 0));
  admin = rb_test_login_person (session, server, rb_test_demo_person_with_role ("admin", 0));

  /* a desk checked in, a room with a title (tab and newline and a backslash in it, which
   * COPY must escape), one cancelled, one changed */
  assert_status (rb_test_create_booking (session, server, staff, desk, "a0-d001", AT (7),
                                         AT (15), NULL, 0),
                 201);
  path = g_strdup_printf ("/api/v1/bookings/%s/check-in", desk);
  assert_status (request (session, server, "POST", path, staff, NULL), 200);
  assert_status (rb_test_create_booking (session, server, staff, room, "a0-r03", AT (9),
                                         AT (10), "Review\t „Q1“ \\ Plan\r\nNext", 2),
                 201);
  assert_status (rb_test_create_booking (session, server, staff, gone, "a0-r04", AT (9),
                                         AT (10), NULL, 0),
                 201);
  g_free (path);
  path = g_strdup_printf ("/api/v1/bookings/%s", gone);
  assert_status (request (session, server, "DELETE", path, staff, NULL), 200);
  assert_status (rb_test_create_booking (session, server, staff, moved, "a0-r05", AT (11),
                                         AT (12), NULL, 0),
                 201);
  g_free (path);
  path = rb_test_server_url (server, "/api/v1/bookings/%s", moved);
  assert_status (rb_test_request (session, "PATCH", path, staff,
                                  "{\"start\": \"2026-01-05T12:00:00Z\","
                                  " \"end\": \"2026-01-05T13:00:00Z\"}",
                                  "If-Match", "\"1\"", NULL),
                 200);
  series = g_strdup_printf ("{\"id\": \"%s\", \"space_id\": \"a0-r01\", \"start\": \"%s\", "
                            "\"end\": \"%s\", \"rrule\": \"FREQ=DAILY;COUNT=3\", "
                            "\"title\": \"Daily\", \"attendees\": 5, \"mode\": \"all_or_nothing\"}",
                            series_id, from, to);
  assert_status (request (session, server, "POST", "/api/v1/series", team_lead, series), 201);
  block = g_strdup_printf ("{\"start\": \"%s\", \"end\": \"%s\", \"reason\": \"Wasserschaden\"}",
                           block_from, block_to);
  assert_status (request (session, server, "POST", "/api/v1/spaces/a0-r01/blocks", facility, block),
                 201);
  assert_status (request (session, server, "PATCH", "/api/v1/people/p-14475", admin,
                          "{\"team\": \"Tiger team\"}"),
                 200);
  rb_test_server_stop (server);
  kiosk = rb_test_server_add_device (server, "Kiosk Foyer", NULL);
  return g_strdup (rb_test_server_get_db_path (server));
}

/* Every row of table as text, in one order, from both engines: the columns are SQLite's, so a
 * column missing in PostgreSQL fails the query. Blobs as hex in both. */
static char *
dump_sqlite (const char *db_path, const char *table, char **out_columns)
{
  g_autofree char *info = g_strdup_printf ("SELECT group_concat (CASE WHEN type = 'BLOB'"
                                           " THEN 'hex (\"' || name || '\")'"
                                           " ELSE 'quote (\"' || name || '\")' END, ' || ''|'' || ')"
                                           " FROM pragma_table_info ('%s')",
                                           table);
  g_autofree char *names = g_strdup_printf ("SELECT group_concat ('\"' || name || '\"', ', ')"
                                            " FROM pragma_table_info ('%s')", table);
  g_autofree char *expression = rb_test_db_dump (db_path, info);
  g_autofree char *sql = NULL;

  *out_columns = g_strchomp (rb_test_db_dump (db_path, names));
  sql = g_strdup_printf ("SELECT %s FROM %s ORDER BY %s", g_strchomp (expression), table,
                         *out_columns);
  return rb_test_db_dump (db_path, sql);
}

/* PostgreSQL's rows in the same form as SQLite's quote() (which only doubles quotes) and
 * hex(). */
static char *
dump_postgres (Fixture *f, const char *table, const char *columns)
{
  g_autoptr (GString) sql = g_string_new ("SELECT ");
  g_autoptr (GString) out = g_string_new (NULL);
  g_auto (GStrv) names = g_strsplit (columns, ", ", -1);
  g_autoptr (PGresult) result = NULL;

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *type_sql = g_strdup_printf (
          "SELECT CASE data_type WHEN 'bytea' THEN 2 WHEN 'text' THEN 1 ELSE 0 END"
          " FROM information_schema.columns WHERE table_name = '%s' AND column_name = '%.*s'",
          table, (int) strlen (names[i]) - 2, names[i] + 1);
      gint64 type = pg_int (f, type_sql);

      if (i > 0)
        g_string_append (sql, " || '|' || ");
      if (type == 2)
        g_string_append_printf (sql, "upper (encode (%s, 'hex'))", names[i]);
      else if (type == 1)
        g_string_append_printf (sql, "coalesce ('''' || replace (%s, '''', '''''') || '''',"
                                " 'NULL')",
                                names[i]);
      else
        g_string_append_printf (sql, "coalesce (%s::text, 'NULL')", names[i]);
    }
  g_string_append_printf (sql, " FROM %s ORDER BY ", table);
  for (guint i = 0; names[i] != NULL; i++)
    g_string_append_printf (sql, "%s%s NULLS FIRST", i > 0 ? ", " : "", names[i]);
  result = PQexec (f->conn, sql->str);
  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql->str, PQerrorMessage (f->conn));
  for (int row = 0; row < PQntuples (result); row++)
    g_string_append_printf (out, "%s\n", PQgetvalue (result, row, 0));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static const char *const copied_tables[] = {
  "sites",  "buildings", "floors",   "people", "spaces",    "floor_plans", "policy",
  "space_blocks", "series", "bookings", "booking_requests", "changes", "booking_tombstones",
  "sessions", "devices", "badges", "login_failures", "server_keys", "audit_log",
  "audit_log_expiry",
};

static void
test_copy (Fixture *f, gconstpointer data)
{
  g_autofree char *db_path = make_history (f->dir);
  g_autofree char *report = NULL;
  g_autofree char *again = NULL;
  gint64 last_seq = rb_test_db_int (db_path, "SELECT max (seq) FROM changes");
  gint64 bookings = rb_test_db_int (db_path, "SELECT count(*) FROM bookings");

  g_assert_cmpint (bookings, ==, 7);
  g_assert_cmpint (rb_test_db_int (db_path, "SELECT count(*) FROM audit_log"), >, 0);
  g_assert_cmpint (rb_test_db_int (db_path, "SELECT count(*) FROM server_keys"), ==, 1);
  g_assert_cmpint (rb_test_db_int (db_path, "SELECT count(*) FROM space_blocks"), ==, 1);
  g_assert_cmpint (run_server (&report, "--db", db_path, "--copy-to", f->url, NULL), ==, 0);
  g_assert_nonnull (strstr (report, "bookings"));

  for (gsize i = 0; i < G_N_ELEMENTS (copied_tables); i++)
    {
      g_autofree char *columns = NULL;
      g_autofree char *in_sqlite = dump_sqlite (db_path, copied_tables[i], &columns);
      g_autofree char *in_postgres = dump_postgres (f, copied_tables[i], columns);

      g_test_message ("%s: %u bytes", copied_tables[i], (guint) strlen (in_sqlite));
      g_assert_cmpstr (in_postgres, ==, in_sqlite);
    }
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings"), ==, bookings);
  /* analysed, so that servers plan on its statistics from the start */
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM pg_stat_user_tables"
                              " WHERE relname = 'bookings' AND last_analyze IS NOT NULL"),
                   ==, 1);
  g_assert_cmpint (
      pg_int (f, "SELECT count(*) FROM bookings WHERE title = E'Review\\t „Q1“ \\\\ Plan\\r\\nNext'"),
      ==, 1);
  /* the feed goes on after SQLite's last number */
  g_assert_cmpint (pg_int (f, "INSERT INTO changes (booking_id, changed_at) VALUES ('x', 0)"
                              " RETURNING seq"),
                   ==, last_seq + 1);

  /* again: refused, and nothing changes */
  g_assert_cmpint (run_server (&again, "--db", db_path, "--copy-to", f->url, NULL), ==, 1);
  g_assert_nonnull (strstr (again, "already holds Raumbuch data"));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings"), ==, bookings);
}

/* AUTOINCREMENT never gives a number twice, even of a deleted row: PostgreSQL must not either,
 * or a client whose cursor passed it would miss the next change. */
static void
test_copy_sequence_after_deleted (Fixture *f, gconstpointer data)
{
  g_autofree char *db_path = make_history (f->dir);
  g_autofree char *delete = g_strdup_printf ("sqlite3 '%s' 'DELETE FROM changes WHERE seq ="
                                             " (SELECT max (seq) FROM changes)'",
                                             db_path);
  gint64 last_seq = rb_test_db_int (db_path, "SELECT max (seq) FROM changes");
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (delete, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (rb_test_db_int (db_path, "SELECT max (seq) FROM changes"), <, last_seq);
  g_assert_cmpint (run_server (NULL, "--db", db_path, "--copy-to", f->url, NULL), ==, 0);
  g_assert_cmpint (pg_int (f, "INSERT INTO changes (booking_id, changed_at) VALUES ('x', 0)"
                              " RETURNING seq"),
                   ==, last_seq + 1);
}

/* A value PostgreSQL cannot take (text that is not UTF-8) in the last table but one: the
 * tables before it were copied already, and go back with the rest. */
static void
test_copy_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autofree char *db_path = make_history (f->dir);
  g_autofree char *poison = g_strdup_printf (
      "sqlite3 '%s' \"INSERT INTO audit_log (at, action) VALUES (1, CAST (x'ff' AS TEXT))\"",
      db_path);
  g_autofree char *out = NULL;
  int status = -1;

  g_assert_true (g_spawn_command_line_sync (poison, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpint (run_server (&out, "--db", db_path, "--copy-to", f->url, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "audit_log"));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM sites"), ==, 0);
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM bookings"), ==, 0);
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM changes"), ==, 0);
}

static void
test_copy_refusals (Fixture *f, gconstpointer data)
{
  g_autofree char *missing = g_build_filename (f->dir, "missing.db", NULL);
  g_autofree char *mirror = g_build_filename (f->dir, "mirror.db", NULL);
  g_autofree char *make_mirror = NULL;
  g_autofree char *out = NULL;
  g_autofree char *as_db = NULL;
  g_autofree char *not_url = NULL;
  g_autofree char *unreachable = NULL;
  g_autofree char *db_path = make_history (f->dir);
  int status = -1;

  g_assert_cmpint (run_server (&out, "--db", missing, "--copy-to", f->url, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "no database"));
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  /* a client's mirror: the server's file with a feed cursor of its own */
  make_mirror = g_strdup_printf ("sh -c \"cp '%s' '%s' && sqlite3 '%s' "
                                 "\\\"INSERT INTO sync_state VALUES ('cursor', '12')\\\"\"",
                                 db_path, mirror, mirror);
  g_assert_true (g_spawn_command_line_sync (make_mirror, NULL, NULL, &status, NULL));
  g_assert_cmpint (status, ==, 0);
  g_clear_pointer (&out, g_free);
  g_assert_cmpint (run_server (&out, "--db", mirror, "--copy-to", f->url, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "mirror"));
  g_assert_cmpint (pg_int (f, "SELECT count(*) FROM sites"), ==, 0);

  /* the copy goes from a SQLite file */
  g_assert_cmpint (run_server (&as_db, "--db", f->url, "--copy-to", f->url, NULL), ==, 2);
  g_assert_nonnull (strstr (as_db, "SQLite file"));
  g_assert_cmpint (run_server (&not_url, "--db", db_path, "--copy-to", "/tmp/x.db", NULL), ==, 2);
  g_assert_cmpint (run_server (&unreachable, "--db", db_path, "--copy-to",
                               "postgresql://raumbuch@127.0.0.1:1/x?connect_timeout=2", NULL),
                   ==, 1);
  g_assert_nonnull (strstr (unreachable, "cannot connect to PostgreSQL"));
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  cluster_dir = g_dir_make_tmp ("raumbuch-pg-cluster-XXXXXX", &error);
  g_assert_no_error (error);
  cluster = rb_test_postgres_new (cluster_dir);

  g_test_add ("/postgres/schema/migrate", Fixture, NULL, fixture_set_up, test_migrate,
              fixture_tear_down);
  g_test_add ("/postgres/schema/no-overlap", Fixture, NULL, fixture_set_up, test_overlap,
              fixture_tear_down);
  g_test_add ("/postgres/schema/one-desk-per-person", Fixture, NULL, fixture_set_up,
              test_one_desk, fixture_tear_down);
  g_test_add ("/postgres/schema/audit-append-only", Fixture, NULL, fixture_set_up,
              test_audit_append_only, fixture_tear_down);
  g_test_add ("/postgres/schema/clash-plans", Fixture, NULL, fixture_set_up, test_clash_plans,
              fixture_tear_down);
  g_test_add ("/postgres/engine/commit-after-failure", Fixture, NULL, fixture_set_up,
              test_commit_after_failure, fixture_tear_down);
  g_test_add ("/postgres/engine/deferred", Fixture, NULL, fixture_set_up, test_deferred,
              fixture_tear_down);
  g_test_add ("/postgres/feed/commit-order", Fixture, NULL, fixture_set_up,
              test_feed_commit_order, fixture_tear_down);
  g_test_add ("/postgres/feed/notify", Fixture, NULL, fixture_set_up, test_feed_notify,
              fixture_tear_down);
  g_test_add ("/postgres/servers/two", Fixture, NULL, fixture_set_up, test_two_servers,
              fixture_tear_down);
  g_test_add ("/postgres/servers/burst", Fixture, NULL, fixture_set_up, test_two_servers_burst,
              fixture_tear_down);
  g_test_add ("/postgres/servers/release-once", Fixture, NULL, fixture_set_up,
              test_two_servers_release_once, fixture_tear_down);
  g_test_add ("/postgres/servers/retention-once", Fixture, NULL, fixture_set_up,
              test_two_servers_retention_once, fixture_tear_down);
  g_test_add_func ("/postgres/failover", test_failover);
  g_test_add ("/postgres/copy-to/everything", Fixture, NULL, fixture_set_up, test_copy,
              fixture_tear_down);
  g_test_add ("/postgres/copy-to/sequence-after-deleted", Fixture, NULL, fixture_set_up,
              test_copy_sequence_after_deleted, fixture_tear_down);
  g_test_add ("/postgres/copy-to/all-or-nothing", Fixture, NULL, fixture_set_up,
              test_copy_all_or_nothing, fixture_tear_down);
  g_test_add ("/postgres/copy-to/refusals", Fixture, NULL, fixture_set_up, test_copy_refusals,
              fixture_tear_down);
  status = g_test_run ();
  g_clear_pointer (&cluster, rb_test_postgres_free);
  rb_test_remove_tree (cluster_dir);
  g_free (cluster_dir);
  return status;
}
