/* test-store.c: the SQLite store on real files in a temporary directory: migrations, refusal
 * of newer and damaged files, the booking rules that need the database (invariants 1 and 2),
 * state changes, the database's own triggers, queries, the async API and the news of
 * committed change-feed rows that the server pushes to its clients.
 * "Now" is frozen at Monday 30 November 2026, 07:00 in Bonn; bookings go into the days after. */
#include "config.h"

#include <glib/gstdio.h>
#include <sys/stat.h>

#include "rb-auth.h"
#include "rb-badges.h"
#include "rb-blocks.h"
#include "rb-feed.h"
#include "rb-name-consent.h"
#include "rb-people-store.h"
#include "rb-policy-store.h"
#include "rb-retention.h"
#include "rb-rights.h"
#include "rb-schema.h"
#include "rb-series-store.h"
#include "rb-store-private.h"
#include "rb-store.h"
#include "rb-test-util.h"

#include <string.h>

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))
#define TUE(h, mi) B (2026, 12, 1, (h), (mi))
#define WED(h, mi) B (2026, 12, 2, (h), (mi))

/* Demo people (data/PEOPLE.md). */
#define JONAS "p-14475"   /* staff */
#define LEONIE "p-14835"  /* staff */
#define MEHMET "p-15350"  /* staff */
#define ANNA "p-13663"    /* team lead */
#define ADMIN "p-95113"   /* admin */
#define MONIKA "p-87666"  /* facility manager */

typedef struct
{
  char *dir;
  char *path;
  RbStore *store;
  gint64 now;
} StoreFixture;

/* ---- helpers ----------------------------------------------------------------------------- */

static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  return db;
}

static gint64
raw_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* Runs SQL on its own connection; returns the SQLite result code and the error message. */
static int
raw_exec (const char *path, const char *sql, char **out_message)
{
  sqlite3 *db = raw_open (path);
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (out_message != NULL)
    *out_message = g_strdup (message);
  sqlite3_free (message);
  sqlite3_close (db);
  return rc;
}

static gint64
raw_query_int (const char *path, const char *sql)
{
  sqlite3 *db = raw_open (path);
  gint64 value = raw_int (db, sql);

  sqlite3_close (db);
  return value;
}

static GBytes *
read_file (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static void
write_file (const char *path, const void *data, gsize length)
{
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, data, length, &error);
  g_assert_no_error (error);
}

static RbBooking *
make_request (const char *space_id, const char *person_id, gint64 start, gint64 end, int attendees)
{
  g_autofree char *id = rb_booking_new_id ();
  RbBooking *request = rb_booking_new (id, space_id, person_id, rb_interval_make (start, end));

  rb_booking_set_attendees (request, attendees);
  return request;
}

/* Books and returns the stored booking, or NULL with error set. */
static RbBooking *
book (StoreFixture *f, const char *space_id, const char *person_id, gint64 start, gint64 end,
      int attendees, GError **error)
{
  g_autoptr (RbBooking) request = make_request (space_id, person_id, start, end, attendees);

  return rb_store_create_booking_sync (f->store, request, error);
}

/* Books and asserts that it worked. */
static RbBooking *
book_ok (StoreFixture *f, const char *space_id, const char *person_id, gint64 start, gint64 end)
{
  g_autoptr (GError) error = NULL;
  RbBooking *booking = book (f, space_id, person_id, start, end, 1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (booking);
  g_assert_cmpstr (rb_booking_get_space_id (booking), ==, space_id);
  g_assert_cmpstr (rb_booking_get_person_id (booking), ==, person_id);
  g_assert_cmpint (rb_booking_get_start (booking), ==, start);
  g_assert_cmpint (rb_booking_get_end (booking), ==, end);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (rb_booking_get_version (booking), ==, 1);
  g_assert_cmpint (rb_booking_get_seq (booking), >, 0);
  return booking;
}

#define assert_book_refused(f, space, person, start, end, attendees, code, name)             \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr (GError) _e = NULL;                                                         \
    g_autoptr (RbBooking) _b = book ((f), (space), (person), (start), (end), (attendees), &_e); \
    g_assert_null (_b);                                                                   \
    rb_assert_rb_error (_e, (code), (name));                                              \
  }                                                                                       \
  G_STMT_END

static gint64
count_bookings (StoreFixture *f, const RbBookingQuery *query)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = rb_store_list_bookings_sync (f->store, query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items->len;
}

static RbStore *
open_store (StoreFixture *f)
{
  g_autoptr (GError) error = NULL;
  RbStore *store = rb_store_open_sync (f->path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  rb_store_set_clock (store, rb_test_frozen_clock, &f->now);
  return store;
}

static void
reopen_store (StoreFixture *f)
{
  g_assert_finalize_object (f->store);
  f->store = open_store (f);
}

/* ---- fixture ----------------------------------------------------------------------------- */

static void
empty_fixture_set_up (StoreFixture *f, gconstpointer data)
{
  f->dir = rb_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "raumbuch.db", NULL);
  f->now = B (2026, 11, 30, 7, 0);
}

static void
store_fixture_set_up (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  empty_fixture_set_up (f, data);
  f->store = open_store (f);
  rb_store_seed_demo_sync (f->store, &error);
  g_assert_no_error (error);
}

static void
store_fixture_tear_down (StoreFixture *f, gconstpointer data)
{
  if (f->store != NULL)
    g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* ---- opening, migrations, damaged files ---------------------------------------------- */

static void
test_store_migrate_empty (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gboolean empty = FALSE;

  g_assert_false (g_file_test (f->path, G_FILE_TEST_EXISTS));
  f->store = open_store (f);
  g_assert_cmpstr (rb_store_get_path (f->store), ==, f->path);
  g_assert_true (g_file_test (f->path, G_FILE_TEST_EXISTS));
  g_assert_true (rb_store_is_empty_sync (f->store, &empty, &error));
  g_assert_no_error (error);
  g_assert_true (empty);

  g_assert_cmpint (rb_schema_latest_version (), >=, 1);
  g_assert_cmpint (raw_query_int (f->path, "PRAGMA user_version"), ==, rb_schema_latest_version ());
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                           " AND name IN ('sites', 'spaces', 'people', 'bookings', 'changes', 'policy')"),
                   ==, 6);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"), >=, 2);
  /* WAL mode is a property of the file. */
  {
    sqlite3 *db = raw_open (f->path);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    sqlite3_close (db);
  }

  /* Without a site the store still answers, with the defaults. */
  g_assert_cmpstr (g_time_zone_get_identifier (rb_store_get_time_zone (f->store)), ==, "Europe/Berlin");
  g_assert_null (rb_store_get_site_sync (f->store, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
}

static void
test_store_reopen (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) again = NULL;
  g_autoptr (RbSite) site = NULL;
  gboolean empty = TRUE;

  reopen_store (f);
  reopen_store (f);
  g_assert_cmpint (raw_query_int (f->path, "PRAGMA user_version"), ==, rb_schema_latest_version ());
  g_assert_true (rb_store_is_empty_sync (f->store, &empty, &error));
  g_assert_false (empty);
  again = rb_store_get_booking_sync (f->store, rb_booking_get_id (booking), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_seq (again), ==, rb_booking_get_seq (booking));
  g_assert_cmpint (rb_booking_get_start (again), ==, TUE (9, 0));
  site = rb_store_get_site_sync (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_site_get_id (site), ==, "site-bonn");
  g_assert_cmpstr (rb_site_get_timezone (site), ==, "Europe/Berlin");
  g_assert_false (rb_site_get_show_names (site));
}

static void
test_store_newer_schema (StoreFixture *f, gconstpointer data)
{
  g_autofree char *sql = g_strdup_printf ("CREATE TABLE future (x INTEGER);"
                                          "INSERT INTO future VALUES (42);"
                                          "PRAGMA user_version = %d;",
                                          rb_schema_latest_version () + 1);
  sqlite3 *db = NULL;
  g_autoptr (GBytes) before = NULL;
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = NULL;

  g_assert_cmpint (sqlite3_open (f->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  before = read_file (f->path);

  store = rb_store_open_sync (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_NEWER_SCHEMA);

  after = read_file (f->path);
  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpint (raw_query_int (f->path, "PRAGMA user_version"), ==, rb_schema_latest_version () + 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT x FROM future"), ==, 42);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM sqlite_master WHERE name = 'bookings'"), ==, 0);
}

/* Issue 13: the audit log can be redacted (before, after and actor to NULL, subject to '')
 * and nothing else: any other UPDATE and every DELETE is refused by the database itself. */
static void
test_store_audit_only_redaction (StoreFixture *f, gconstpointer data)
{
  static const char *const refused[] = {
    "UPDATE audit_log SET action = 'person.nothing'",
    "UPDATE audit_log SET at = at + 1",
    "UPDATE audit_log SET before = '{}'",
    "UPDATE audit_log SET after = '{\"display_name\":\"Someone else\"}'",
    "UPDATE audit_log SET actor_id = 'p-17157'",
    "UPDATE audit_log SET subject = 'p-17157'",
    "UPDATE audit_log SET id = id + 100",
    "UPDATE audit_log SET before = NULL, action = 'x'",
    "DELETE FROM audit_log",
  };
  sqlite3 *db = NULL;
  char *message = NULL;

  f->store = open_store (f);
  g_clear_object (&f->store);
  db = raw_open (f->path);
  g_assert_cmpint (sqlite3_exec (db,
                                 "INSERT INTO audit_log (at, actor_id, action, subject, before,"
                                 " after) VALUES (1, 'p-95113', 'person.update', 'p-14475',"
                                 " '{\"staff_number\":\"14475\"}', '{\"team\":\"A\"}')",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("%s", refused[i]);
      g_assert_cmpint (sqlite3_exec (db, refused[i], NULL, NULL, &message), ==, SQLITE_CONSTRAINT);
      g_assert_cmpstr (message, ==, "the audit log is append-only");
      sqlite3_free (g_steal_pointer (&message));
    }
  g_assert_cmpint (sqlite3_exec (db,
                                 "UPDATE audit_log SET before = NULL, after = NULL, subject = '',"
                                 " actor_id = NULL",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (raw_int (db, "SELECT count (*) FROM audit_log WHERE before IS NULL AND after"
                                " IS NULL AND subject = '' AND actor_id IS NULL"
                                " AND action = 'person.update' AND at = 1"),
                   ==, 1);
  sqlite3_close (db);
}

/* Issue 13: the audit log keeps its entries for audit_retention_days (730 by default), then
 * retention deletes them; nothing else may delete one, however old. */
static void
test_store_audit_retention (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *insert = g_strdup_printf (
      "INSERT INTO audit_log (at, actor_id, action, subject) VALUES"
      " (%" G_GINT64_FORMAT ", NULL, 'old', ''), (%" G_GINT64_FORMAT ", NULL, 'older', ''),"
      " (%" G_GINT64_FORMAT ", NULL, 'recent', '')",
      f->now - 700 * 86400, f->now - 800 * 86400, f->now - 86400);
  RbRetentionCounts counts = { 0 };
  RbPolicy policy;
  sqlite3 *db = raw_open (f->path);
  char *message = NULL;

  g_assert_cmpint (sqlite3_exec (db, insert, NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DELETE FROM audit_log WHERE action = 'older'", NULL, NULL,
                                 &message),
                   ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (message, ==, "the audit log is append-only");
  sqlite3_free (message);
  sqlite3_close (db);

  g_assert_true (rb_retention_apply_sync (f->store, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.audit_deleted, ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count (*) FROM audit_log WHERE action = 'older'"),
                   ==, 0);

  /* A shorter period takes the next entry at the next round, not the recent one; the policy
   * change itself is an entry of today. */
  rb_store_get_policy (f->store, &policy);
  policy.audit_retention_days = 365;
  g_assert_true (rb_store_set_policy_sync (f->store, ADMIN, &policy, &error));
  g_assert_no_error (error);
  g_assert_true (rb_retention_apply_sync (f->store, &counts, &error));
  g_assert_cmpint (counts.audit_deleted, ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count (*) FROM audit_log"
                                           " WHERE action IN ('old', 'older')"),
                   ==, 0);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count (*) FROM audit_log"
                                           " WHERE action IN ('recent', 'policy.update')"),
                   ==, 2);
  /* What allowed the deletion is gone with its transaction. */
  g_assert_cmpint (raw_query_int (f->path, "SELECT count (*) FROM audit_log_expiry"), ==, 0);

  /* Shorter than a year is refused. */
  policy.audit_retention_days = 364;
  g_assert_false (rb_store_set_policy_sync (f->store, ADMIN, &policy, &error));
  g_assert_nonnull (error);
}

static gint64
audit_int (StoreFixture *f, const char *sql)
{
  return raw_query_int (f->path, sql);
}

/* Issue 13: an erasure takes the person out of entries that name them anywhere (their id, or
 * their staff number as a staff number) and out of the entries they made, and leaves a
 * number that merely contains theirs alone. */
static void
test_store_erasure_redacts_audit (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (JsonNode) refused = NULL;
  sqlite3 *db = raw_open (f->path);

  g_assert_cmpint (
      sqlite3_exec (db,
                    "INSERT INTO audit_log (at, actor_id, action, subject, before, after) VALUES"
                    " (1, '" ADMIN "', 'a', 'a0-r01', NULL, '{\"person_id\":\"" JONAS "\"}'),"
                    " (2, '" ADMIN "', 'b', 's', '{\"staff_number\":\"14475\"}', NULL),"
                    " (3, '" ADMIN "', 'c', 's2', NULL, '{\"staff_number\":\"144750\"}'),"
                    " (4, '" JONAS "', 'd', 'a0-r01', NULL, '{\"x\":1}')",
                    NULL, NULL, NULL),
      ==, SQLITE_OK);
  sqlite3_close (db);

  refused = rb_rights_erase_sync (f->store, ADMIN, ADMIN, &error);
  g_assert_null (refused);
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  g_clear_pointer (&refused, json_node_unref);
  refused = rb_rights_erase_sync (f->store, ADMIN, "p-00000", &error);
  g_assert_null (refused);
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);

  report = rb_rights_erase_sync (f->store, ADMIN, JONAS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report),
                                               "audit_entries_redacted"),
                   ==, 3);
  g_assert_cmpint (audit_int (f, "SELECT count (*) FROM audit_log WHERE action = 'a'"
                                 " AND subject = 'a0-r01' AND before IS NULL AND after IS NULL"),
                   ==, 1);
  g_assert_cmpint (audit_int (f, "SELECT count (*) FROM audit_log WHERE action = 'b'"
                                 " AND subject = 's' AND before IS NULL"),
                   ==, 1);
  g_assert_cmpint (audit_int (f, "SELECT count (*) FROM audit_log WHERE action = 'c'"
                                 " AND after = '{\"staff_number\":\"144750\"}'"),
                   ==, 1);
  g_assert_cmpint (audit_int (f, "SELECT count (*) FROM audit_log WHERE action = 'd'"
                                 " AND actor_id IS NULL AND after = '{\"x\":1}'"),
                   ==, 1);
  g_assert_cmpint (audit_int (f, "SELECT count (*) FROM people WHERE id = '" JONAS "'"), ==, 0);
}

static void
assert_refused_as_corrupt (StoreFixture *f)
{
  g_autoptr (GBytes) before = read_file (f->path);
  g_autoptr (GBytes) after = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = rb_store_open_sync (f->path, &error);

  g_assert_null (store);
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_CORRUPT);
  g_assert_nonnull (strstr (error->message, f->path));
  after = read_file (f->path);
  g_assert_true (g_bytes_equal (before, after));
}

static void
test_store_corrupt_random (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261130);
  g_autofree guint32 *noise = g_new (guint32, 16384);

  for (guint i = 0; i < 16384; i++)
    noise[i] = g_rand_int (rand);
  write_file (f->path, noise, 16384 * sizeof (guint32));
  assert_refused_as_corrupt (f);
}

static void
test_store_corrupt_truncated (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GBytes) whole = NULL;
  gsize size;
  const guint8 *bytes;

  /* A real database with bookings, closed cleanly (the WAL is checkpointed into the file). */
  f->store = open_store (f);
  {
    g_autoptr (GError) error = NULL;
    rb_store_seed_demo_sync (f->store, &error);
    g_assert_no_error (error);
  }
  for (int day = 1; day <= 5; day++)
    {
      g_autoptr (RbBooking) booking G_GNUC_UNUSED = book_ok (f, "a1-r01", ANNA, B (2026, 12, day, 9, 0), B (2026, 12, day, 10, 0));
    }
  g_assert_finalize_object (f->store);
  f->store = NULL;
  /* Closing checkpointed the WAL into the main file and removed it. */
  {
    g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }

  whole = read_file (f->path);
  bytes = g_bytes_get_data (whole, &size);
  g_assert_cmpuint (size, >, 8192);
  write_file (f->path, bytes, size / 2);
  assert_refused_as_corrupt (f);
}

static void
test_store_import_all_or_nothing (StoreFixture *f, gconstpointer data)
{
  const char *fixture =
      "{\"site\": {\"id\": \"site-t\", \"name\": \"Test\", \"timezone\": \"Europe/Berlin\"},"
      " \"buildings\": [{\"id\": \"b\", \"site_id\": \"site-t\", \"name\": \"B\"}],"
      " \"floors\": [{\"id\": \"f0\", \"building_id\": \"b\", \"name\": \"EG\", \"level\": 0, \"width\": 10, \"height\": 10}],"
      " \"spaces\": [{\"id\": \"d1\", \"floor_id\": \"f0\", \"kind\": \"desk\", \"name\": \"D1\", \"capacity\": 1,"
      "               \"rect\": {\"x\": 0, \"y\": 0, \"w\": 1, \"h\": 1}},"
      "              {\"id\": \"d2\", \"floor_id\": \"f0\", \"kind\": \"desk\", \"name\": \"D2\", \"capacity\": 1,"
      "               \"amenities\": [\"hot_tub\"], \"rect\": {\"x\": 1, \"y\": 0, \"w\": 1, \"h\": 1}}],"
      " \"people\": []}";
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (fixture, -1, &error);
  g_autoptr (JsonNode) fixed = NULL;
  g_autofree char *good = NULL;
  g_autoptr (GPtrArray) spaces = NULL;
  gboolean empty = FALSE;

  g_assert_no_error (error);
  f->store = open_store (f);
  g_assert_false (rb_store_import_building_sync (f->store, node, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_clear_error (&error);
  g_assert_true (rb_store_is_empty_sync (f->store, &empty, &error));
  g_assert_true (empty);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM spaces"), ==, 0);

  /* The same building without the bad amenity goes in whole. */
  good = g_strdup (fixture);
  memcpy (strstr (good, "\"hot_tub\""), "\"monitor\"", strlen ("\"monitor\""));
  fixed = rb_json_parse (good, -1, &error);
  g_assert_no_error (error);
  g_assert_true (rb_store_import_building_sync (f->store, fixed, &error));
  g_assert_no_error (error);
  spaces = rb_store_list_spaces_sync (f->store, "f0", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (spaces->len, ==, 2);
}

static void
test_store_seed_demo (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) floors = rb_store_list_floors_sync (f->store, &error);
  g_autoptr (GPtrArray) spaces = rb_store_list_spaces_sync (f->store, NULL, &error);
  g_autoptr (GPtrArray) people = rb_store_list_people_sync (f->store, &error);
  g_autoptr (GPtrArray) first_floor = rb_store_list_spaces_sync (f->store, "flr-a-1og", &error);
  g_autoptr (RbPerson) admin = rb_store_find_person_by_staff_number_sync (f->store, "95113", &error);
  g_autoptr (RbSpace) desk = rb_store_get_space_sync (f->store, "a1-d001", &error);
  guint desks = 0, rooms = 0;
  RbPolicy policy;

  g_assert_no_error (error);
  for (guint i = 0; i < spaces->len; i++)
    {
      if (rb_space_get_kind (g_ptr_array_index (spaces, i)) == RB_SPACE_KIND_DESK)
        desks++;
      else
        rooms++;
    }
  g_assert_cmpuint (desks, >=, 150);
  g_assert_cmpuint (rooms, >=, 12);
  g_assert_cmpuint (floors->len, >=, 3);
  g_assert_cmpuint (people->len, >=, 20);
  g_assert_cmpuint (first_floor->len, >, 0);
  g_assert_cmpuint (first_floor->len, <, spaces->len);
  for (guint i = 0; i < first_floor->len; i++)
    g_assert_cmpstr (rb_space_get_floor_id (g_ptr_array_index (first_floor, i)), ==, "flr-a-1og");

  g_assert_cmpstr (rb_person_get_id (admin), ==, ADMIN);
  g_assert_cmpint (rb_person_get_role (admin), ==, RB_ROLE_ADMIN);
  g_assert_cmpint (rb_space_get_kind (desk), ==, RB_SPACE_KIND_DESK);
  g_assert_cmpint (rb_space_get_capacity (desk), ==, 1);

  /* No PIN (hash or clear) is imported from the demo file. */
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM people WHERE pin_hash IS NOT NULL"), ==, 0);

  rb_store_get_policy (f->store, &policy);
  g_assert_cmpint (policy.desk_horizon_days, ==, 14);
  g_assert_true (policy.one_desk_per_day);
}

/* ---- invariant 1: no overlap ---------------------------------------------------------- */

static void
test_store_overlap (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) first G_GNUC_UNUSED = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) clash = book (f, "a1-d001", LEONIE, TUE (9, 30), TUE (10, 30), 1, &error);

  g_assert_null (clash);
  rb_assert_rb_error (error, RB_ERROR_OVERLAP, "overlap");
  /* The message names the clashing interval in the site's local time. */
  g_assert_nonnull (strstr (error->message, "09:00"));
  g_assert_nonnull (strstr (error->message, "10:00"));

  assert_book_refused (f, "a1-d001", LEONIE, TUE (9, 0), TUE (10, 0), 1, RB_ERROR_OVERLAP, "overlap");
  assert_book_refused (f, "a1-d001", LEONIE, TUE (9, 15), TUE (9, 45), 1, RB_ERROR_OVERLAP, "overlap");
  assert_book_refused (f, "a1-d001", LEONIE, TUE (8, 0), TUE (12, 0), 1, RB_ERROR_OVERLAP, "overlap");
  assert_book_refused (f, "a1-d001", LEONIE, TUE (8, 45), TUE (9, 15), 1, RB_ERROR_OVERLAP, "overlap");

  /* Rooms too. */
  {
    g_autoptr (RbBooking) meeting G_GNUC_UNUSED = book_ok (f, "a1-r01", ANNA, TUE (13, 0), TUE (15, 0));
    assert_book_refused (f, "a1-r01", MEHMET, TUE (14, 45), TUE (16, 0), 1, RB_ERROR_OVERLAP, "overlap");
  }
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 2);
}

static void
test_store_back_to_back (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) nine = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) ten = book_ok (f, "a1-d001", LEONIE, TUE (10, 0), TUE (11, 0));
  g_autoptr (RbBooking) eight = book_ok (f, "a1-d001", MEHMET, TUE (8, 0), TUE (9, 0));
  /* The same person back to back in one room. */
  g_autoptr (RbBooking) room_a G_GNUC_UNUSED = book_ok (f, "a1-r02", ANNA, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) room_b G_GNUC_UNUSED = book_ok (f, "a1-r02", ANNA, TUE (10, 0), TUE (11, 0));
  RbBookingQuery query = { .space_id = "a1-d001", .active_only = TRUE };

  g_assert_cmpint (count_bookings (f, &query), ==, 3);
  g_assert_cmpint (rb_booking_get_seq (ten), >, rb_booking_get_seq (nine));
  g_assert_cmpint (rb_booking_get_seq (eight), >, rb_booking_get_seq (ten));
}

static void
test_store_cancel_frees_slot (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) cancelled = NULL;
  g_autoptr (RbBooking) again = NULL;
  g_autoptr (RbBooking) rebooked = NULL;
  g_autoptr (GError) error = NULL;

  assert_book_refused (f, "a1-d001", LEONIE, TUE (9, 0), TUE (10, 0), 1, RB_ERROR_OVERLAP, "overlap");
  cancelled = rb_store_cancel_booking_sync (f->store, rb_booking_get_id (booking), JONAS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (cancelled), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpint (rb_booking_get_version (cancelled), ==, 2);
  g_assert_cmpint (rb_booking_get_seq (cancelled), >, rb_booking_get_seq (booking));

  rebooked = book_ok (f, "a1-d001", LEONIE, TUE (9, 0), TUE (10, 0));

  /* A cancelled booking cannot be cancelled again. */
  again = rb_store_cancel_booking_sync (f->store, rb_booking_get_id (booking), JONAS, &error);
  g_assert_null (again);
  rb_assert_rb_error (error, RB_ERROR_INVALID_STATE, "invalid_state");
}

/* A POST /bookings with its body's fingerprint: kept with the booking in the create's own
 * transaction, so a refused create keeps none; a retry with the same fingerprint is answered
 * with the booking as there before, one with another fingerprint is another request. */
static void
test_store_request_fingerprint (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) request = make_request ("a1-d001", JONAS, TUE (9, 0), TUE (10, 0), 1);
  g_autoptr (RbBooking) clashing = make_request ("a1-d001", ANNA, TUE (9, 30), TUE (11, 0), 1);
  g_autoptr (RbBooking) first = NULL;
  g_autoptr (RbBooking) retry = NULL;
  g_autoptr (RbBooking) other_body = NULL;
  g_autoptr (RbBooking) refused = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *kept_sql = NULL;
  gboolean existed = TRUE;

  first = rb_store_create_requested_booking_sync (f->store, request, NULL, NULL, "hash-1", &existed,
                                                  &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
  g_assert_false (existed);
  kept_sql = g_strdup_printf ("SELECT count(*) FROM booking_requests WHERE booking_id = '%s'"
                              " AND body_hash = 'hash-1'", rb_booking_get_id (request));
  g_assert_cmpint (raw_query_int (f->path, kept_sql), ==, 1);

  retry = rb_store_create_requested_booking_sync (f->store, request, NULL, NULL, "hash-1", &existed,
                                                  &error);
  g_assert_no_error (error);
  g_assert_true (existed);
  g_assert_cmpint (rb_booking_get_seq (retry), ==, rb_booking_get_seq (first));

  other_body = rb_store_create_requested_booking_sync (f->store, request, NULL, NULL, "hash-2",
                                                       &existed, &error);
  g_assert_null (other_body);
  rb_assert_rb_error (error, RB_ERROR_IDEMPOTENCY_KEY_REUSED, "idempotency_key_reused");
  g_clear_error (&error);

  refused = rb_store_create_requested_booking_sync (f->store, clashing, NULL, NULL, "hash-3",
                                                    &existed, &error);
  g_assert_null (refused);
  rb_assert_rb_error (error, RB_ERROR_OVERLAP, "overlap");
  g_assert_false (existed);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM booking_requests"), ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 1);
}

static void
assert_same_booking (RbBooking *a, RbBooking *b)
{
  g_assert_cmpstr (rb_booking_get_id (a), ==, rb_booking_get_id (b));
  g_assert_cmpstr (rb_booking_get_space_id (a), ==, rb_booking_get_space_id (b));
  g_assert_cmpstr (rb_booking_get_person_id (a), ==, rb_booking_get_person_id (b));
  g_assert_cmpint (rb_booking_get_start (a), ==, rb_booking_get_start (b));
  g_assert_cmpint (rb_booking_get_end (a), ==, rb_booking_get_end (b));
  g_assert_cmpstr (rb_booking_get_title (a), ==, rb_booking_get_title (b));
  g_assert_cmpint (rb_booking_get_attendees (a), ==, rb_booking_get_attendees (b));
  g_assert_cmpstr (rb_booking_get_series_id (a), ==, rb_booking_get_series_id (b));
  g_assert_cmpint (rb_booking_get_state (a), ==, rb_booking_get_state (b));
  g_assert_cmpint (rb_booking_get_version (a), ==, rb_booking_get_version (b));
  g_assert_cmpint (rb_booking_get_seq (a), ==, rb_booking_get_seq (b));
  g_assert_cmpint (rb_booking_get_created_at (a), ==, rb_booking_get_created_at (b));
  g_assert_cmpint (rb_booking_get_at_door (a), ==, rb_booking_get_at_door (b));
  g_assert_cmpint (rb_booking_get_anonymised (a), ==, rb_booking_get_anonymised (b));
  g_assert_cmpint (rb_booking_get_name_consented (a), ==, rb_booking_get_name_consented (b));
  g_assert_cmpstr (rb_booking_get_cancel_reason (a), ==, rb_booking_get_cancel_reason (b));
  g_assert_cmpint (rb_booking_get_space_kind (a), ==, rb_booking_get_space_kind (b));
  g_assert_cmpstr (rb_booking_get_space_name (a), ==, rb_booking_get_space_name (b));
  g_assert_cmpstr (rb_booking_get_person_name (a), ==, rb_booking_get_person_name (b));
}

/* A create answers with the booking as its INSERT returned it, not read again: every field
 * as a later read has it, with the names of the space and the person, the person's consent
 * to show theirs, and the number of its change row. A person the caller passes stands in
 * for the lookup only when it is the request's. */
static void
test_store_create_answer (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) request = make_request ("a1-r01", ANNA, TUE (9, 0), TUE (10, 0), 4);
  g_autoptr (RbPerson) someone_else = NULL;
  g_autoptr (RbBooking) made = NULL;
  g_autoptr (RbBooking) stored = NULL;
  g_autoptr (JsonNode) consent = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *change_sql = NULL;
  gboolean existed = TRUE;

  consent = rb_name_consent_set_sync (f->store, ANNA, TRUE, &error);
  g_assert_no_error (error);
  someone_else = rb_store_get_person_sync (f->store, JONAS, &error);
  g_assert_no_error (error);
  rb_booking_set_title (request, "Sprint planning");

  made = rb_store_create_requested_booking_sync (f->store, request, someone_else, NULL, NULL,
                                                 &existed, &error);
  g_assert_no_error (error);
  g_assert_false (existed);
  stored = rb_store_get_booking_sync (f->store, rb_booking_get_id (request), &error);
  g_assert_no_error (error);
  assert_same_booking (made, stored);
  g_assert_cmpstr (rb_booking_get_person_id (made), ==, ANNA);
  g_assert_nonnull (rb_booking_get_person_name (made));
  g_assert_nonnull (rb_booking_get_space_name (made));
  g_assert_true (rb_booking_get_name_consented (made));
  g_assert_cmpstr (rb_booking_get_title (made), ==, "Sprint planning");
  g_assert_cmpint (rb_booking_get_attendees (made), ==, 4);
  g_assert_cmpint (rb_booking_get_version (made), ==, 1);
  /* its number is that of the change row appended for it, the newest */
  change_sql = g_strdup_printf ("SELECT seq FROM changes WHERE booking_id = '%s'",
                                rb_booking_get_id (request));
  g_assert_cmpint (raw_query_int (f->path, change_sql), ==, rb_booking_get_seq (made));
  g_assert_cmpint (raw_query_int (f->path, "SELECT max (seq) FROM changes"), ==,
                   rb_booking_get_seq (made));
}

static void
test_store_idempotent_retry (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) request = make_request ("a1-d001", JONAS, TUE (9, 0), TUE (10, 0), 1);
  g_autoptr (RbBooking) first = NULL;
  g_autoptr (RbBooking) retry = NULL;
  g_autoptr (RbBooking) retry_later = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *count_sql = NULL;
  gint64 changes;

  first = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_no_error (error);
  changes = raw_query_int (f->path, "SELECT count(*) FROM changes");

  retry = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_no_error (error);
  g_assert_nonnull (retry);
  g_assert_cmpstr (rb_booking_get_id (retry), ==, rb_booking_get_id (first));
  g_assert_cmpint (rb_booking_get_seq (retry), ==, rb_booking_get_seq (first));
  g_assert_cmpint (rb_booking_get_version (retry), ==, 1);

  /* Also after a restart, and a while later. */
  reopen_store (f);
  f->now += 3600;
  retry_later = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_seq (retry_later), ==, rb_booking_get_seq (first));

  count_sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s'", rb_booking_get_id (request));
  g_assert_cmpint (raw_query_int (f->path, count_sql), ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM changes"), ==, changes);
}

static void
test_store_id_reuse_refused (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) first = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  const char *id = rb_booking_get_id (first);
  g_autoptr (RbBooking) other_time = rb_booking_new (id, "a1-d001", JONAS, rb_interval_make (TUE (11, 0), TUE (12, 0)));
  g_autoptr (RbBooking) other_space = rb_booking_new (id, "a1-d002", JONAS, rb_interval_make (TUE (9, 0), TUE (10, 0)));
  g_autoptr (RbBooking) other_person = rb_booking_new (id, "a1-d001", LEONIE, rb_interval_make (TUE (9, 0), TUE (10, 0)));
  RbBooking *variants[] = { other_time, other_space, other_person };
  g_autoptr (RbBooking) bad_id = rb_booking_new ("not-a-uuid", "a1-d001", JONAS, rb_interval_make (WED (9, 0), WED (10, 0)));
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_autoptr (RbBooking) result = rb_store_create_booking_sync (f->store, variants[i], &error);

      g_assert_null (result);
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
      g_clear_error (&error);
    }
  g_assert_null (rb_store_create_booking_sync (f->store, bad_id, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 1);
}

/* ---- invariant 2 and the person rules ------------------------------------------------- */

static void
test_store_one_desk_per_day (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) morning G_GNUC_UNUSED = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) tomorrow = NULL;
  g_autoptr (RbBooking) room = NULL;

  assert_book_refused (f, "a1-d002", JONAS, TUE (14, 0), TUE (15, 0), 1,
                       RB_ERROR_ONE_DESK_PER_DAY, "one_desk_per_day");
  assert_book_refused (f, "a2-d001", JONAS, TUE (6, 0), TUE (7, 0), 1,
                       RB_ERROR_ONE_DESK_PER_DAY, "one_desk_per_day");
  /* Overlapping another desk of his own is the stronger rule. */
  assert_book_refused (f, "a1-d002", JONAS, TUE (9, 30), TUE (10, 30), 1,
                       RB_ERROR_DESK_ALREADY_HELD, "desk_already_held");
  /* The same desk again in the afternoon is still one desk that day. */
  {
    g_autoptr (RbBooking) afternoon G_GNUC_UNUSED = book_ok (f, "a1-d001", JONAS, TUE (14, 0), TUE (16, 0));
  }
  /* The next day, a room the same day, and someone else are all fine. */
  tomorrow = book_ok (f, "a1-d002", JONAS, WED (9, 0), WED (10, 0));
  room = book_ok (f, "a1-r03", JONAS, TUE (14, 0), TUE (15, 0));
  {
    g_autoptr (RbBooking) other G_GNUC_UNUSED = book_ok (f, "a1-d002", LEONIE, TUE (14, 0), TUE (15, 0));
  }
}

static void
test_store_desk_already_held (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) first = NULL;
  g_autoptr (RbBooking) after = NULL;
  RbPolicy policy;

  /* A site that allows several desks a day still forbids two at once. */
  g_assert_cmpint (raw_exec (f->path, "INSERT INTO policy (site_id, key, value)"
                                      " VALUES ('site-bonn', 'one_desk_per_day', 0)", NULL),
                   ==, SQLITE_OK);
  reopen_store (f);
  rb_store_get_policy (f->store, &policy);
  g_assert_false (policy.one_desk_per_day);

  first = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  assert_book_refused (f, "a1-d002", JONAS, TUE (9, 30), TUE (10, 30), 1,
                       RB_ERROR_DESK_ALREADY_HELD, "desk_already_held");
  assert_book_refused (f, "a3-d005", JONAS, TUE (8, 0), TUE (12, 0), 1,
                       RB_ERROR_DESK_ALREADY_HELD, "desk_already_held");
  after = book_ok (f, "a1-d002", JONAS, TUE (10, 0), TUE (11, 0));
  {
    /* A room at the same time is no second desk. */
    g_autoptr (RbBooking) room G_GNUC_UNUSED = book_ok (f, "a1-r03", JONAS, TUE (9, 0), TUE (10, 0));
  }
}

static void
test_store_room_capacity (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSpace) room = rb_store_get_space_sync (f->store, "a1-r04", &error);
  int capacity;
  g_autoptr (RbBooking) full = NULL;

  g_assert_no_error (error);
  capacity = rb_space_get_capacity (room);
  g_assert_cmpint (capacity, ==, 2);
  assert_book_refused (f, "a1-r04", ANNA, TUE (9, 0), TUE (10, 0), capacity + 1,
                       RB_ERROR_CAPACITY_EXCEEDED, "capacity_exceeded");
  assert_book_refused (f, "a1-r04", ANNA, TUE (9, 0), TUE (10, 0), 0,
                       RB_ERROR_INVALID_FIELD, "invalid_field");
  full = book (f, "a1-r04", ANNA, TUE (9, 0), TUE (10, 0), capacity, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_attendees (full), ==, capacity);
}

static void
test_store_policy_uses_clock (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) last_day = NULL;
  g_autoptr (RbBooking) now_slot = NULL;

  assert_book_refused (f, "a1-d001", JONAS, B (2026, 11, 30, 6, 45), B (2026, 11, 30, 8, 0), 1,
                       RB_ERROR_IN_PAST, "in_past");
  now_slot = book_ok (f, "a1-d001", JONAS, B (2026, 11, 30, 7, 0), B (2026, 11, 30, 8, 0));
  last_day = book_ok (f, "a1-d001", JONAS, B (2026, 12, 14, 9, 0), B (2026, 12, 14, 10, 0));
  assert_book_refused (f, "a1-d001", JONAS, B (2026, 12, 15, 9, 0), B (2026, 12, 15, 10, 0), 1,
                       RB_ERROR_HORIZON_EXCEEDED, "horizon_exceeded");
  assert_book_refused (f, "a1-d001", LEONIE, TUE (5, 0), TUE (7, 0), 1,
                       RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  assert_book_refused (f, "a1-d001", LEONIE, TUE (7, 0), TUE (17, 15), 1, RB_ERROR_TOO_LONG, "too_long");
  /* A day later on the clock, the 15th is in reach. */
  f->now += 24 * 3600;
  {
    g_autoptr (RbBooking) next G_GNUC_UNUSED = book_ok (f, "a1-d001", JONAS, B (2026, 12, 15, 9, 0), B (2026, 12, 15, 10, 0));
  }
}

static void
test_store_space_blocked (StoreFixture *f, gconstpointer data)
{
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO space_blocks (space_id, start, end, reason) VALUES ('a1-d003', %" G_GINT64_FORMAT
      ", %" G_GINT64_FORMAT ", 'Maintenance')", TUE (6, 0), TUE (12, 0));
  g_autoptr (RbBooking) afternoon = NULL;

  g_assert_cmpint (raw_exec (f->path, sql, NULL), ==, SQLITE_OK);
  assert_book_refused (f, "a1-d003", JONAS, TUE (11, 45), TUE (13, 0), 1,
                       RB_ERROR_SPACE_BLOCKED, "space_blocked");
  afternoon = book_ok (f, "a1-d003", JONAS, TUE (12, 0), TUE (13, 0));
}

/* ---- state changes ---------------------------------------------------------------------- */

static void
test_store_cancel_permissions (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) by_admin = NULL;
  g_autoptr (RbBooking) past = NULL;
  g_autoptr (GError) error = NULL;
  const char *id = rb_booking_get_id (booking);
  g_autoptr (RbBooking) unchanged = NULL;

  g_assert_null (rb_store_cancel_booking_sync (f->store, id, LEONIE, &error));
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  g_assert_null (rb_store_cancel_booking_sync (f->store, id, ANNA, &error));
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  unchanged = rb_store_get_booking_sync (f->store, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (unchanged), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (rb_booking_get_version (unchanged), ==, 1);

  by_admin = rb_store_cancel_booking_sync (f->store, id, ADMIN, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (by_admin), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpstr (rb_booking_get_person_id (by_admin), ==, JONAS);

  /* A booking that is over cannot be cancelled any more. */
  past = book_ok (f, "a1-d005", MEHMET, TUE (9, 0), TUE (10, 0));
  f->now = TUE (10, 0);
  g_assert_null (rb_store_cancel_booking_sync (f->store, rb_booking_get_id (past), MEHMET, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_STATE, "invalid_state");
}

static void
test_store_check_in (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) late = book_ok (f, "a1-d002", LEONIE, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) checked = NULL;
  g_autoptr (GError) error = NULL;
  const char *id = rb_booking_get_id (booking);

  f->now = TUE (8, 44);
  g_assert_null (rb_store_check_in_sync (f->store, id, JONAS, &error));
  rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
  g_clear_error (&error);

  f->now = TUE (8, 45);
  /* Only the person who booked checks in, not even an admin for them. */
  g_assert_null (rb_store_check_in_sync (f->store, id, LEONIE, &error));
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);
  g_assert_null (rb_store_check_in_sync (f->store, id, ADMIN, &error));
  rb_assert_rb_error (error, RB_ERROR_FORBIDDEN, "forbidden");
  g_clear_error (&error);

  checked = rb_store_check_in_sync (f->store, id, JONAS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (checked), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (rb_booking_get_version (checked), ==, 2);
  g_assert_null (rb_store_check_in_sync (f->store, id, JONAS, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_STATE, "invalid_state");
  g_clear_error (&error);

  {
    g_autoptr (RbBooking) just_in_time = NULL;

    f->now = TUE (9, 15);
    g_assert_null (rb_store_check_in_sync (f->store, rb_booking_get_id (late), LEONIE, &error));
    rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
    g_clear_error (&error);
    f->now = TUE (9, 15) - 1;
    just_in_time = rb_store_check_in_sync (f->store, rb_booking_get_id (late), LEONIE, &error);
    g_assert_no_error (error);
    g_assert_cmpint (rb_booking_get_state (just_in_time), ==, RB_BOOKING_STATE_CHECKED_IN);
  }
}

static void
test_store_release_no_shows (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) present = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (12, 0));
  g_autoptr (RbBooking) absent = book_ok (f, "a1-d002", LEONIE, TUE (9, 0), TUE (12, 0));
  g_autoptr (RbBooking) later = book_ok (f, "a1-d003", MEHMET, TUE (11, 0), TUE (12, 0));
  g_autoptr (RbBooking) checked = NULL;
  g_autoptr (RbBooking) released = NULL;
  g_autoptr (RbBooking) still_present = NULL;
  g_autoptr (RbBooking) still_later = NULL;
  g_autoptr (RbBooking) taken_over = NULL;
  g_autoptr (GError) error = NULL;

  f->now = TUE (8, 50);
  checked = rb_store_check_in_sync (f->store, rb_booking_get_id (present), JONAS, &error);
  g_assert_no_error (error);

  /* One second before the deadline nothing is released. */
  f->now = TUE (9, 15) - 1;
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 0);
  g_assert_no_error (error);
  assert_book_refused (f, "a1-d002", MEHMET, TUE (9, 15), TUE (10, 0), 1, RB_ERROR_OVERLAP, "overlap");

  f->now = TUE (9, 15);
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 1);
  g_assert_no_error (error);
  /* Running it again finds nothing more. */
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 0);

  released = rb_store_get_booking_sync (f->store, rb_booking_get_id (absent), &error);
  still_present = rb_store_get_booking_sync (f->store, rb_booking_get_id (present), &error);
  still_later = rb_store_get_booking_sync (f->store, rb_booking_get_id (later), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (released), ==, RB_BOOKING_STATE_RELEASED);
  g_assert_cmpint (rb_booking_get_version (released), ==, 2);
  g_assert_cmpint (rb_booking_get_seq (released), >, rb_booking_get_seq (checked));
  g_assert_cmpint (rb_booking_get_state (still_present), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (rb_booking_get_state (still_later), ==, RB_BOOKING_STATE_BOOKED);

  /* The released desk is free again from the running slot on. */
  taken_over = book_ok (f, "a1-d002", ANNA, TUE (9, 15), TUE (12, 0));
  /* A released booking can no longer be checked in. */
  g_assert_null (rb_store_check_in_sync (f->store, rb_booking_get_id (absent), LEONIE, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_STATE, "invalid_state");
}

/* Booked at a kiosk, starting now: stored checked in, and never released as a no-show. */
static void
test_store_checked_in_at_creation (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) request = make_request ("a1-d001", JONAS, TUE (16, 0), TUE (18, 0), 1);
  g_autoptr (RbBooking) tomorrow = make_request ("a1-d002", JONAS, B (2026, 12, 2, 9, 0),
                                                 B (2026, 12, 2, 10, 0), 1);
  g_autoptr (RbBooking) released = make_request ("a1-d003", LEONIE, TUE (16, 0), TUE (17, 0), 1);
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbBooking) later = NULL;
  g_autoptr (GError) error = NULL;

  f->now = TUE (16, 14) + 22;
  rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
  booking = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (rb_booking_get_version (booking), ==, 1);
  g_assert_cmpint (rb_booking_get_created_at (booking), ==, f->now);

  /* Auto-release passes it by, however late it runs. */
  for (gint64 t = TUE (16, 15); t < TUE (18, 0); t += 15 * 60)
    {
      f->now = t;
      g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 0);
      g_assert_no_error (error);
    }
  g_clear_object (&booking);
  booking = rb_store_get_booking_sync (f->store, rb_booking_get_id (request), &error);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);

  /* Tomorrow's booking cannot be checked in now: refused, nothing stored. */
  f->now = TUE (16, 14);
  rb_booking_set_state (tomorrow, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_null (rb_store_create_booking_sync (f->store, tomorrow, &error));
  rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
  g_clear_error (&error);
  g_assert_null (rb_store_get_booking_sync (f->store, rb_booking_get_id (tomorrow), NULL));
  /* Booked (the default), it gets its whole window tomorrow. */
  rb_booking_set_state (tomorrow, RB_BOOKING_STATE_BOOKED);
  later = rb_store_create_booking_sync (f->store, tomorrow, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (later), ==, RB_BOOKING_STATE_BOOKED);

  /* No other state can be asked for. */
  rb_booking_set_state (released, RB_BOOKING_STATE_RELEASED);
  g_assert_null (rb_store_create_booking_sync (f->store, released, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
}

/* Booked "now" at 16:14 for the 16:00 slot without checking in: the grace runs from 16:14,
 * so auto-release and check-in both wait until 16:29. */
static void
test_store_booked_late_keeps_window (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) late = NULL;
  g_autoptr (RbBooking) early = book_ok (f, "a1-d002", LEONIE, TUE (16, 0), TUE (18, 0));
  g_autoptr (RbBooking) state = NULL;
  g_autoptr (RbBooking) checked = NULL;
  g_autoptr (GError) error = NULL;
  gint64 made = TUE (16, 14) + 22;

  f->now = made;
  late = book_ok (f, "a1-d001", JONAS, TUE (16, 0), TUE (18, 0));
  g_assert_cmpint (rb_booking_get_created_at (late), ==, made);

  /* At 16:15 only the booking made in the morning is released. */
  f->now = TUE (16, 15);
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 1);
  g_assert_no_error (error);
  state = rb_store_get_booking_sync (f->store, rb_booking_get_id (early), &error);
  g_assert_cmpint (rb_booking_get_state (state), ==, RB_BOOKING_STATE_RELEASED);
  g_clear_object (&state);

  f->now = made + 15 * 60 - 1;
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 0);
  state = rb_store_get_booking_sync (f->store, rb_booking_get_id (late), &error);
  g_assert_cmpint (rb_booking_get_state (state), ==, RB_BOOKING_STATE_BOOKED);
  /* Check-in is still open a second before the end of the grace. */
  checked = rb_store_check_in_sync (f->store, rb_booking_get_id (late), JONAS, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (checked), ==, RB_BOOKING_STATE_CHECKED_IN);
}

/* The same booking, not checked in, is released at 16:14 + the grace and not before. */
static void
test_store_booked_late_released_after_grace (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) late = NULL;
  g_autoptr (RbBooking) state = NULL;
  g_autoptr (GError) error = NULL;
  gint64 made = TUE (16, 14) + 22;

  f->now = made;
  late = book_ok (f, "a1-d001", JONAS, TUE (16, 0), TUE (18, 0));
  f->now = made + 15 * 60 - 1;
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 0);
  g_assert_no_error (error);
  f->now = made + 15 * 60;
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 1);
  state = rb_store_get_booking_sync (f->store, rb_booking_get_id (late), &error);
  g_assert_cmpint (rb_booking_get_state (state), ==, RB_BOOKING_STATE_RELEASED);
}

/* A kiosk's queued booking is judged as of when it was made (its created_at, from the sealed
 * credential on a server): arriving late but before its end it is still booked, checked in;
 * after its end it is in the past. */
static void
test_store_queued_arrives_late (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) request = make_request ("a1-d001", JONAS, TUE (16, 0), TUE (17, 0), 1);
  g_autoptr (RbBooking) ended = make_request ("a1-d002", LEONIE, TUE (15, 0), TUE (16, 0), 1);
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GError) error = NULL;

  rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
  rb_booking_set_created_at (request, TUE (16, 14));
  f->now = TUE (16, 40);
  booking = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (booking), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (rb_booking_get_created_at (booking), ==, TUE (16, 14));

  rb_booking_set_created_at (ended, TUE (15, 50));
  g_assert_null (rb_store_create_booking_sync (f->store, ended, &error));
  rb_assert_rb_error (error, RB_ERROR_IN_PAST, "in_past");
}

/* ---- the database's own guard ----------------------------------------------------------- */

static int
raw_insert_booking (const char *path, const char *space_id, const char *person_id, gboolean is_desk,
                    gint64 start, gint64 end, char **out_message)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autofree char *sql = g_strdup_printf (
      "INSERT INTO bookings (id, space_id, person_id, is_desk, start, end, state, created_at, updated_at)"
      " VALUES ('%s', '%s', '%s', %d, %" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 'booked', 0, 0)",
      id, space_id, person_id, is_desk, start, end);

  return raw_exec (path, sql, out_message);
}

static void
test_store_triggers_refuse_raw_overlap (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) cancelled = NULL;
  g_autoptr (RbBooking) replacement = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  g_autofree char *update = NULL;
  int rc;

  /* Overlapping the same space. */
  rc = raw_insert_booking (f->path, "a1-d001", LEONIE, TRUE, TUE (9, 30), TUE (10, 30), &message);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (message, ==, "overlap");
  g_clear_pointer (&message, g_free);

  /* The same person on a second desk at the same time. */
  rc = raw_insert_booking (f->path, "a1-d002", JONAS, TRUE, TUE (9, 45), TUE (11, 0), &message);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (message, ==, "desk_already_held");
  g_clear_pointer (&message, g_free);

  /* The triggers only refuse real clashes: back to back is fine even in raw SQL. */
  rc = raw_insert_booking (f->path, "a1-d001", LEONIE, TRUE, TUE (10, 0), TUE (11, 0), &message);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings WHERE space_id = 'a1-d001'"), ==, 2);

  /* Bringing a cancelled booking back over a newer one is refused too. */
  cancelled = rb_store_cancel_booking_sync (f->store, rb_booking_get_id (booking), JONAS, &error);
  g_assert_no_error (error);
  replacement = book_ok (f, "a1-d001", MEHMET, TUE (9, 0), TUE (10, 0));
  update = g_strdup_printf ("UPDATE bookings SET state = 'booked' WHERE id = '%s'", rb_booking_get_id (booking));
  rc = raw_exec (f->path, update, &message);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_CONSTRAINT);
  g_assert_cmpstr (message, ==, "overlap");

  /* Whatever happened, no two active bookings of a space overlap. */
  g_assert_cmpint (raw_query_int (f->path,
                                  "SELECT count(*) FROM bookings a JOIN bookings b ON a.space_id = b.space_id"
                                  " AND a.id < b.id AND a.start < b.end AND b.start < a.end"
                                  " WHERE a.state IN ('booked', 'checked_in') AND b.state IN ('booked', 'checked_in')"),
                   ==, 0);
}

/* ---- queries --------------------------------------------------------------------------- */

static void
assert_ids (GPtrArray *bookings, RbBooking *first, ...)
{
  va_list args;
  guint n = 0;

  va_start (args, first);
  for (RbBooking *expected = first; expected != NULL; expected = va_arg (args, RbBooking *), n++)
    {
      g_assert_cmpuint (n, <, bookings->len);
      g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (bookings, n)), ==, rb_booking_get_id (expected));
    }
  va_end (args);
  g_assert_cmpuint (bookings->len, ==, n);
}

static GPtrArray *
list (StoreFixture *f, RbBookingQuery query)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = rb_store_list_bookings_sync (f->store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static void
test_store_list_filters (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) b1 = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) b2 = book_ok (f, "a1-d002", LEONIE, TUE (9, 30), TUE (12, 0));
  g_autoptr (RbBooking) b3 = book_ok (f, "a2-d001", JONAS, WED (9, 0), WED (10, 0));
  g_autoptr (RbBooking) b4 = book_ok (f, "a1-r01", ANNA, TUE (13, 0), TUE (14, 0));
  g_autoptr (RbBooking) b4_cancelled = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = NULL, by_space = NULL, by_floor = NULL, by_floor_active = NULL;
  g_autoptr (GPtrArray) by_person = NULL, by_range = NULL, by_day = NULL, active = NULL, combined = NULL;
  g_autoptr (GPtrArray) touching = NULL, nothing = NULL;

  b4_cancelled = rb_store_cancel_booking_sync (f->store, rb_booking_get_id (b4), ANNA, &error);
  g_assert_no_error (error);

  all = list (f, (RbBookingQuery) { 0 });
  assert_ids (all, b1, b2, b4, b3, NULL);
  g_assert_cmpstr (rb_booking_get_space_name (g_ptr_array_index (all, 0)), ==, "1.01");
  g_assert_nonnull (rb_booking_get_person_name (g_ptr_array_index (all, 0)));

  by_space = list (f, (RbBookingQuery) { .space_id = "a1-d001" });
  assert_ids (by_space, b1, NULL);

  by_floor = list (f, (RbBookingQuery) { .floor_id = "flr-a-1og" });
  assert_ids (by_floor, b1, b2, b4, NULL);
  by_floor_active = list (f, (RbBookingQuery) { .floor_id = "flr-a-1og", .active_only = TRUE });
  assert_ids (by_floor_active, b1, b2, NULL);

  by_person = list (f, (RbBookingQuery) { .person_id = JONAS });
  assert_ids (by_person, b1, b3, NULL);

  /* Ranges are half-open too: b1 ends at 10:00 and is not in [10:00, 11:00). */
  by_range = list (f, (RbBookingQuery) { .range = rb_interval_make (TUE (10, 0), TUE (11, 0)) });
  assert_ids (by_range, b2, NULL);
  touching = list (f, (RbBookingQuery) { .range = rb_interval_make (TUE (8, 0), TUE (9, 0)) });
  assert_ids (touching, NULL);
  by_day = list (f, (RbBookingQuery) { .range = rb_local_day_of_date (rb_test_berlin (), 2026, 12, 2) });
  assert_ids (by_day, b3, NULL);

  active = list (f, (RbBookingQuery) { .active_only = TRUE });
  assert_ids (active, b1, b2, b3, NULL);

  combined = list (f, (RbBookingQuery) { .person_id = JONAS, .floor_id = "flr-a-2og", .active_only = TRUE });
  assert_ids (combined, b3, NULL);

  nothing = list (f, (RbBookingQuery) { .space_id = "no-such-space" });
  assert_ids (nothing, NULL);
}

/* ---- unknown ids ------------------------------------------------------------------------ */

static void
test_store_unknown_ids (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) booking = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (GError) error = NULL;
  g_autofree char *random_id = rb_booking_new_id ();

  assert_book_refused (f, "no-such-space", JONAS, TUE (11, 0), TUE (12, 0), 1, RB_ERROR_NOT_FOUND, "not_found");
  assert_book_refused (f, "a1-d002", "p-00000", TUE (11, 0), TUE (12, 0), 1, RB_ERROR_UNAUTHENTICATED, "unauthenticated");
  assert_book_refused (f, "a1-d002", NULL, TUE (11, 0), TUE (12, 0), 1, RB_ERROR_UNAUTHENTICATED, "unauthenticated");

  g_assert_null (rb_store_get_booking_sync (f->store, random_id, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_null (rb_store_cancel_booking_sync (f->store, random_id, JONAS, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_null (rb_store_check_in_sync (f->store, random_id, JONAS, &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_null (rb_store_cancel_booking_sync (f->store, rb_booking_get_id (booking), "p-00000", &error));
  rb_assert_rb_error (error, RB_ERROR_UNAUTHENTICATED, "unauthenticated");
  g_clear_error (&error);
  g_assert_null (rb_store_get_space_sync (f->store, "no-such-space", &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_null (rb_store_get_person_sync (f->store, "p-00000", &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  g_clear_error (&error);
  g_assert_null (rb_store_find_person_by_staff_number_sync (f->store, "00000", &error));
  rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
}

/* ---- async ------------------------------------------------------------------------------ */

typedef struct
{
  StoreFixture *f;
  GMainLoop *loop;
  GThread *main_thread;
  RbStore *store;
  RbBooking *created;
  GPtrArray *listed;
  GError *cancelled_error;
  gboolean timed_out;
  guint callbacks;
} AsyncState;

static gboolean
on_timeout_cb (gpointer user_data)
{
  AsyncState *state = user_data;

  state->timed_out = TRUE;
  g_main_loop_quit (state->loop);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  g_autoptr (GPtrArray) items = NULL;

  g_assert_true (g_thread_self () == state->main_thread);
  state->callbacks++;
  items = rb_store_list_finish (RB_STORE (source), result, &state->cancelled_error);
  g_assert_null (items);
  g_main_loop_quit (state->loop);
}

static void
on_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GCancellable) cancelled = g_cancellable_new ();
  RbBookingQuery query = { .person_id = JONAS };

  g_assert_true (g_thread_self () == state->main_thread);
  state->callbacks++;
  state->listed = rb_store_list_finish (RB_STORE (source), result, &error);
  g_assert_no_error (error);

  /* A call cancelled before it runs reports G_IO_ERROR_CANCELLED. */
  g_cancellable_cancel (cancelled);
  rb_store_list_bookings_async (state->store, &query, cancelled, on_cancelled_list_cb, state);
}

static void
on_created_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  g_autoptr (GError) error = NULL;
  RbBookingQuery query = { .space_id = "a1-d001", .active_only = TRUE };

  g_assert_true (g_thread_self () == state->main_thread);
  state->callbacks++;
  state->created = rb_store_booking_finish (RB_STORE (source), result, &error);
  g_assert_no_error (error);
  rb_store_list_bookings_async (state->store, &query, NULL, on_listed_cb, state);
}

static void
on_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  AsyncState *state = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) request = make_request ("a1-d001", JONAS, TUE (9, 0), TUE (10, 0), 1);

  g_assert_true (g_thread_self () == state->main_thread);
  state->callbacks++;
  state->store = rb_store_open_finish (result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (state->store);
  rb_store_set_clock (state->store, rb_test_frozen_clock, &state->f->now);
  rb_store_create_booking_async (state->store, request, NULL, on_created_cb, state);
}

static void
test_store_async (StoreFixture *f, gconstpointer data)
{
  AsyncState state = { .f = f };
  guint timeout;

  state.loop = g_main_loop_new (NULL, FALSE);
  state.main_thread = g_thread_self ();
  timeout = g_timeout_add_seconds (20, on_timeout_cb, &state);

  /* Opening with seed_demo creates, migrates and seeds on the store's own thread. */
  rb_store_open_async (f->path, TRUE, NULL, on_opened_cb, &state);
  g_main_loop_run (state.loop);

  g_assert_false (state.timed_out);
  g_source_remove (timeout);
  g_assert_cmpuint (state.callbacks, ==, 4);
  g_assert_nonnull (state.created);
  g_assert_cmpint (rb_booking_get_state (state.created), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_nonnull (state.listed);
  g_assert_cmpuint (state.listed->len, ==, 1);
  g_assert_cmpstr (rb_booking_get_id (g_ptr_array_index (state.listed, 0)), ==, rb_booking_get_id (state.created));
  g_assert_error (state.cancelled_error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_clear_error (&state.cancelled_error);
  g_clear_pointer (&state.listed, g_ptr_array_unref);
  g_clear_object (&state.created);

  /* The worker drops its reference to the last task just after the task completed, so the
   * store may be finalized on the worker thread a moment later; wait for that. */
  {
    GWeakRef weak;
    gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
    RbStore *alive;

    g_weak_ref_init (&weak, state.store);
    g_clear_object (&state.store);
    while ((alive = g_weak_ref_get (&weak)) != NULL && g_get_monotonic_time () < deadline)
      {
        g_object_unref (alive);
        g_usleep (1000);
      }
    g_assert_null (alive);
    g_weak_ref_clear (&weak);
  }
  g_main_loop_unref (state.loop);

  /* What the worker wrote is on disk for anyone. */
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM spaces"), >=, 162);
}

/* ---- the statement cache ------------------------------------------------------------------ */

static gint64
count_with_cached_statement (StoreFixture *f, RbStatement **out_stmt)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (f->store, "SELECT count(*) FROM bookings", &error);

  g_assert_no_error (error);
  g_assert_cmpint (rb_statement_step (stmt), ==, SQLITE_ROW);
  *out_stmt = stmt;
  return rb_statement_column_int64 (stmt, 0);
}

static void
test_store_statement_cache (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;
  RbStatement *first = NULL, *second = NULL;
  RbStatement *stepping;

  /* Released, a statement is lent again as it is, and no longer holds its read of the
   * file: it sees what another connection wrote since. */
  g_assert_cmpint (count_with_cached_statement (f, &first), ==, 0);
  g_assert_cmpint (
      raw_insert_booking (f->path, "a1-d001", JONAS, TRUE, TUE (9, 0), TUE (10, 0), &message), ==,
      SQLITE_OK);
  g_assert_cmpint (count_with_cached_statement (f, &second), ==, 1);
  g_assert_true (first == second);

  /* Lending a statement that is still stepping would restart its reader: refused. */
  stepping = rb_store_prepare (f->store, "SELECT id FROM spaces", &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_statement_step (stepping), ==, SQLITE_ROW);
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "statement still in use*");
  g_assert_null (rb_store_prepare (f->store, "SELECT id FROM spaces", &error));
  g_test_assert_expected_messages ();
  g_assert_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  rb_statement_release (stepping);
}

/* ---- jobs that queue up run as one group ------------------------------------------------ */

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean entered;
  gboolean open;
  guint pending;
  GMainLoop *loop;
} Gate;

/* Holds the worker until the test has queued everything, so that the rest runs as groups. */
static gpointer
wait_at_gate_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Gate *gate = data;

  g_mutex_lock (&gate->lock);
  gate->entered = TRUE;
  g_cond_broadcast (&gate->cond);
  while (!gate->open)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
  return GINT_TO_POINTER (1);
}

typedef struct
{
  Gate *gate;
  gpointer result;
  GError *error;
} Outcome;

static void
on_job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Outcome *outcome = user_data;

  outcome->result = rb_store_run_finish (RB_STORE (source), result, &outcome->error);
  if (--outcome->gate->pending == 0)
    g_main_loop_quit (outcome->gate->loop);
}

static gpointer
create_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_create_booking_sync (store, data, error);
}

/* Writes a change-feed row and then fails, rolling its write back. */
static gpointer
write_then_fail_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  if (!rb_store_begin_write (store, error) || !rb_store_append_change (store, "rolled-back", error))
    return NULL;
  rb_store_rollback_write (store);
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "failed on purpose");
  return NULL;
}

/* What a job sees: the bookings so far, and whether it runs inside a transaction it did
 * not start (that is, in a group). */
static gpointer
look_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  gint64 count = 0;

  if (!rb_db_get_int (rb_store_get_db (store), "SELECT count(*) FROM bookings", &count,
                      error))
    return NULL;
  return GINT_TO_POINTER ((int)count * 2
                          + !sqlite3_get_autocommit (rb_store_get_connection (store)));
}

/* As SQLite does on a full disk or an I/O error: the transaction ends under the job, which
 * then tries to write once more. */
static gpointer
end_transaction_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr (GError) write_error = NULL;
  g_autoptr (RbBooking) written = NULL;

  sqlite3_exec (rb_store_get_connection (store), "ROLLBACK", NULL, NULL, NULL);
  written = rb_store_create_booking_sync (store, data, &write_error);
  g_assert_null (written);
  g_assert_error (write_error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  return GINT_TO_POINTER (1);
}

static void
queue_job (StoreFixture *f, Gate *gate, Outcome *outcome, RbStoreFunc func, gpointer data,
           GDestroyNotify data_free, GDestroyNotify result_free)
{
  outcome->gate = gate;
  gate->pending++;
  rb_store_run_async (f->store, func, data, data_free, result_free, NULL, on_job_done_cb, outcome);
}

/* Queues the gate and waits until the worker holds at it: all that is queued next waits
 * together, and is taken as one group. */
static void
gate_close (StoreFixture *f, Gate *gate, Outcome *waited)
{
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->cond);
  queue_job (f, gate, waited, wait_at_gate_job, gate, NULL, NULL);
  g_mutex_lock (&gate->lock);
  while (!gate->entered)
    g_cond_wait (&gate->cond, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

/* The worker drops its references to the tasks just after their callbacks were queued;
 * the fixture's teardown wants the store's last reference. */
static void
wait_for_last_reference (RbStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (store)->ref_count) > 1 && g_get_monotonic_time () < deadline)
    g_usleep (1000);
}

static void
gate_run (Gate *gate, RbStore *store)
{
  g_mutex_lock (&gate->lock);
  gate->open = TRUE;
  g_cond_broadcast (&gate->cond);
  g_mutex_unlock (&gate->lock);
  g_main_loop_run (gate->loop);
  wait_for_last_reference (store);
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->cond);
  g_main_loop_unref (gate->loop);
}

static void
test_store_group_commit (StoreFixture *f, gconstpointer data)
{
  Gate gate = { .loop = g_main_loop_new (NULL, FALSE) };
  Outcome waited = { 0 }, racing[8] = { { 0 } }, failing = { 0 }, rooms[8] = { { 0 } };
  Outcome look = { 0 };
  const char *people[] = { JONAS, LEONIE, MEHMET, ANNA };
  const char *room_ids[]
      = { "a0-r01", "a0-r02", "a0-r03", "a1-r01", "a1-r02", "a2-r01", "a2-r02", "a3-r01" };
  int won = 0;

  gate_close (f, &gate, &waited);
  /* Eight requests for the same desk and hour: exactly one may win, in a group as alone. */
  for (guint i = 0; i < G_N_ELEMENTS (racing); i++)
    queue_job (
        f, &gate, &racing[i], create_job,
        make_request ("a1-d001", people[i % G_N_ELEMENTS (people)], TUE (9, 0), TUE (10, 0), 1),
        g_object_unref, g_object_unref);
  queue_job (f, &gate, &failing, write_then_fail_job, NULL, NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (rooms); i++)
    queue_job (f, &gate, &rooms[i], create_job,
               make_request (room_ids[i], ANNA, WED (10, 0), WED (11, 0), 2), g_object_unref,
               g_object_unref);
  queue_job (f, &gate, &look, look_job, NULL, NULL, NULL);
  gate_run (&gate, f->store);

  g_assert_no_error (waited.error);
  for (guint i = 0; i < G_N_ELEMENTS (racing); i++)
    {
      if (racing[i].error == NULL)
        won++;
      else
        rb_assert_rb_error (racing[i].error, RB_ERROR_OVERLAP, "overlap");
      g_clear_error (&racing[i].error);
      g_clear_object (&racing[i].result);
    }
  g_assert_cmpint (won, ==, 1);
  g_assert_error (failing.error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&failing.error);
  for (guint i = 0; i < G_N_ELEMENTS (rooms); i++)
    {
      g_assert_no_error (rooms[i].error);
      g_assert_cmpstr (rb_booking_get_space_id (rooms[i].result), ==, room_ids[i]);
      g_clear_object (&rooms[i].result);
    }
  /* The last job saw every booking before it, and ran inside the group's transaction. */
  g_assert_no_error (look.error);
  g_assert_cmpint (GPOINTER_TO_INT (look.result), ==, (1 + 8) * 2 + 1);

  /* Committed for anyone: the winner and the eight rooms; nothing of the failed job. */
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 9);
  g_assert_cmpint (
      raw_query_int (f->path, "SELECT count(*) FROM changes WHERE booking_id = 'rolled-back'"), ==,
      0);
}

/* When the transaction ends under a group, no job of the group may report success: what
 * they wrote is gone. The jobs after it run on their own. */
static void
test_store_group_lost (StoreFixture *f, gconstpointer data)
{
  Gate gate = { .loop = g_main_loop_new (NULL, FALSE) };
  Outcome waited = { 0 }, before = { 0 }, ender = { 0 }, after = { 0 };

  gate_close (f, &gate, &waited);
  queue_job (f, &gate, &before, create_job,
             make_request ("a1-d001", JONAS, TUE (9, 0), TUE (10, 0), 1), g_object_unref,
             g_object_unref);
  queue_job (f, &gate, &ender, end_transaction_job,
             make_request ("a1-d003", MEHMET, TUE (9, 0), TUE (10, 0), 1), g_object_unref, NULL);
  queue_job (f, &gate, &after, create_job,
             make_request ("a1-d002", LEONIE, TUE (9, 0), TUE (10, 0), 1), g_object_unref,
             g_object_unref);
  gate_run (&gate, f->store);

  g_assert_error (before.error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  g_assert_null (before.result);
  g_assert_error (ender.error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED);
  g_assert_no_error (after.error);
  g_assert_cmpstr (rb_booking_get_space_id (after.result), ==, "a1-d002");
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM bookings"), ==, 1);
  g_assert_cmpint (
      raw_query_int (f->path, "SELECT count(*) FROM bookings WHERE space_id = 'a1-d002'"), ==, 1);

  g_clear_error (&before.error);
  g_clear_error (&ender.error);
  g_clear_object (&after.result);
}

/* ---- news of the change feed (rb_store_set_feed_func) ---------------------------------- */

typedef struct
{
  const char *path;
  GArray *heads; /* gint64, one per call */
} FeedNews;

static void
on_feed_news_cb (RbStore *store, gint64 next, gpointer user_data)
{
  FeedNews *news = user_data;
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM changes WHERE seq = %" G_GINT64_FORMAT, next - 1);

  /* Told after the COMMIT: another connection sees the row already. */
  g_assert_cmpint (raw_query_int (news->path, sql), ==, 1);
  g_array_append_val (news->heads, next);
}

static gpointer
check_in_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_check_in_sync (store, data, JONAS, error);
}

static gpointer
cancel_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_cancel_booking_sync (store, data, ANNA, error);
}

static gpointer
release_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return GINT_TO_POINTER (rb_store_release_no_shows_sync (store, error) + 1);
}

static gpointer
series_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_series_store_create_sync (store, data, error);
}

static gpointer
block_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return GINT_TO_POINTER (rb_blocks_create_sync (store, data,
                                                 rb_interval_make (WED (0, 0), WED (23, 0)),
                                                 "Wasserschaden", MONIKA, NULL, error));
}

/* Runs one job alone on the store's thread and waits for it, then for whatever the main
 * context has pending; returns how many heads were told meanwhile. */
static guint
run_alone_and_count (StoreFixture *f, FeedNews *news, RbStoreFunc func, gpointer data,
                     GDestroyNotify data_free, GDestroyNotify result_free, gboolean expect_ok)
{
  Gate gate = { .loop = g_main_loop_new (NULL, FALSE) };
  Outcome outcome = { 0 };
  guint before = news->heads->len;

  queue_job (f, &gate, &outcome, func, data, data_free, result_free);
  g_main_loop_run (gate.loop);
  g_main_loop_unref (gate.loop);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  wait_for_last_reference (f->store);
  if (expect_ok)
    g_assert_no_error (outcome.error);
  else
    g_assert_nonnull (outcome.error);
  g_clear_error (&outcome.error);
  if (result_free != NULL && outcome.result != NULL)
    result_free (outcome.result);
  return news->heads->len - before;
}

static gint64
last_head (FeedNews *news)
{
  g_assert_cmpuint (news->heads->len, >, 0);
  return g_array_index (news->heads, gint64, news->heads->len - 1);
}

/* The news reaches the main context once per commit that appended change rows, after it,
 * with the feed's new head: for bookings made, checked in, cancelled and released, for a
 * series and for a block's cancellations; not for writes without change rows, rolled back
 * writes, or reads; and once for a whole group of jobs. */
static void
test_store_feed_news (StoreFixture *f, gconstpointer data)
{
  FeedNews news = { f->path, g_array_new (FALSE, FALSE, sizeof (gint64)) };
  g_autoptr (RbBooking) present = make_request ("a1-d001", JONAS, TUE (9, 0), TUE (12, 0), 1);
  g_autoptr (RbBooking) absent = make_request ("a1-d002", LEONIE, TUE (9, 0), TUE (12, 0), 1);
  g_autoptr (RbBooking) meeting = make_request ("a0-r01", ANNA, WED (10, 0), WED (11, 0), 2);
  g_autoptr (RbSeriesRequest) series = rb_series_request_new ();
  Gate gate = { .loop = g_main_loop_new (NULL, FALSE) };
  Outcome waited = { 0 }, grouped[3] = { { 0 } };
  const char *head_sql = "SELECT max (seq) + 1 FROM changes";

  rb_store_set_feed_func (f->store, on_feed_news_cb, &news);

  g_assert_cmpuint (run_alone_and_count (f, &news, create_job, g_object_ref (present),
                                         g_object_unref, g_object_unref, TRUE),
                    ==, 1);
  g_assert_cmpint (last_head (&news), ==, raw_query_int (f->path, head_sql));
  g_assert_cmpuint (run_alone_and_count (f, &news, create_job, g_object_ref (absent),
                                         g_object_unref, g_object_unref, TRUE),
                    ==, 1);
  g_assert_cmpuint (run_alone_and_count (f, &news, create_job, g_object_ref (meeting),
                                         g_object_unref, g_object_unref, TRUE),
                    ==, 1);
  f->now = TUE (8, 50);
  g_assert_cmpuint (run_alone_and_count (f, &news, check_in_job,
                                         g_strdup (rb_booking_get_id (present)), g_free,
                                         g_object_unref, TRUE),
                    ==, 1);
  g_assert_cmpuint (run_alone_and_count (f, &news, cancel_job,
                                         g_strdup (rb_booking_get_id (meeting)), g_free,
                                         g_object_unref, TRUE),
                    ==, 1);
  f->now = TUE (9, 15);
  g_assert_cmpuint (run_alone_and_count (f, &news, release_job, NULL, NULL, NULL, TRUE), ==, 1);
  g_assert_cmpint (last_head (&news), ==, raw_query_int (f->path, head_sql));

  /* A series of two is one commit, told once with the head after both. */
  series->id = g_uuid_string_random ();
  series->person_id = g_strdup (ANNA);
  series->space_id = g_strdup ("a0-r02");
  series->first = rb_interval_make (WED (8, 0), WED (9, 0));
  series->rrule = g_strdup ("FREQ=DAILY;COUNT=2");
  series->attendees = 2;
  g_assert_cmpuint (run_alone_and_count (f, &news, series_job, series, NULL,
                                         (GDestroyNotify) rb_series_result_free, TRUE),
                    ==, 1);
  g_assert_cmpint (last_head (&news), ==, raw_query_int (f->path, head_sql));
  /* A block that cancels the series' first day writes a change row; one on an empty room
   * writes none and is not told (the server tells its clients of blocks itself). */
  g_assert_cmpuint (run_alone_and_count (f, &news, block_job, "a0-r02", NULL, NULL, TRUE), ==, 1);
  g_assert_cmpint (last_head (&news), ==, raw_query_int (f->path, head_sql));
  g_assert_cmpuint (run_alone_and_count (f, &news, block_job, "a0-r03", NULL, NULL, TRUE), ==, 0);

  /* A write that is rolled back, and a read, are not news. */
  g_assert_cmpuint (run_alone_and_count (f, &news, write_then_fail_job, NULL, NULL, NULL, FALSE),
                    ==, 0);
  g_assert_cmpuint (run_alone_and_count (f, &news, look_job, NULL, NULL, NULL, TRUE), ==, 0);

  /* Jobs that ran as one group are told once, after the group's COMMIT. */
  gate_close (f, &gate, &waited);
  queue_job (f, &gate, &grouped[0], create_job,
             make_request ("a1-d003", MEHMET, TUE (10, 0), TUE (11, 0), 1), g_object_unref,
             g_object_unref);
  queue_job (f, &gate, &grouped[1], write_then_fail_job, NULL, NULL, NULL);
  queue_job (f, &gate, &grouped[2], create_job,
             make_request ("a2-r01", ANNA, WED (14, 0), WED (15, 0), 2), g_object_unref,
             g_object_unref);
  {
    guint before = news.heads->len;

    gate_run (&gate, f->store);
    while (g_main_context_pending (NULL))
      g_main_context_iteration (NULL, FALSE);
    g_assert_cmpuint (news.heads->len - before, ==, 1);
  }
  g_assert_no_error (grouped[0].error);
  g_assert_no_error (grouped[2].error);
  g_clear_error (&grouped[1].error);
  g_clear_object (&grouped[0].result);
  g_clear_object (&grouped[2].result);
  g_assert_cmpint (last_head (&news), ==, raw_query_int (f->path, head_sql));

  /* Unset, nothing more is told. */
  rb_store_set_feed_func (f->store, NULL, NULL);
  g_assert_cmpuint (
      run_alone_and_count (f, &news, create_job,
                           make_request ("a1-d004", JONAS, WED (9, 0), WED (10, 0), 1),
                           g_object_unref, g_object_unref, TRUE),
      ==, 0);
  g_array_unref (news.heads);
}

static void
append_topic (StoreFixture *f, const char *topic)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (rb_store_begin_write (f->store, &error));
  g_assert_cmpint (rb_store_append_topic_change (f->store, topic, &error), >, 0);
  g_assert_true (rb_store_commit_write (f->store, &error));
  g_assert_no_error (error);
}

static GPtrArray *
list_feed (StoreFixture *f, gint64 since, int limit, gint64 *out_next)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *entries = rb_feed_list_sync (f->store, since, limit, 0, out_next, &error);

  g_assert_no_error (error);
  g_assert_nonnull (entries);
  return entries;
}

#define FEED_ENTRY(entries, i) ((RbFeedEntry *) g_ptr_array_index ((entries), (i)))

/* Topics (issue 11) travel in the feed between bookings, in the order of their sequence
 * numbers, each once at its latest change, and count towards a page like bookings. */
static void
test_store_feed_topics (StoreFixture *f, gconstpointer data)
{
  g_autoptr (RbBooking) first = book_ok (f, "a1-d001", JONAS, TUE (9, 0), TUE (10, 0));
  g_autoptr (RbBooking) second = NULL;
  g_autoptr (GPtrArray) all = NULL;
  g_autoptr (GPtrArray) page = NULL;
  g_autoptr (GPtrArray) rest = NULL;
  gint64 since = rb_booking_get_seq (first);
  gint64 next = 0, head = 0;

  append_topic (f, "building");
  second = book_ok (f, "a1-d002", LEONIE, TUE (9, 0), TUE (10, 0));
  append_topic (f, "policy");
  append_topic (f, "building");

  all = list_feed (f, since, 100, &head);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_true (FEED_ENTRY (all, 0)->booking != NULL);
  g_assert_cmpstr (rb_booking_get_id (FEED_ENTRY (all, 0)->booking), ==, rb_booking_get_id (first));
  g_assert_cmpstr (rb_booking_get_id (FEED_ENTRY (all, 1)->booking), ==, rb_booking_get_id (second));
  g_assert_cmpstr (FEED_ENTRY (all, 2)->topic, ==, "policy");
  g_assert_null (FEED_ENTRY (all, 2)->booking);
  /* The building changed twice: named once, at its latest change, the feed's last row. */
  g_assert_cmpstr (FEED_ENTRY (all, 3)->topic, ==, "building");
  g_assert_cmpint (FEED_ENTRY (all, 3)->seq + 1, ==, head);
  for (guint i = 1; i < all->len; i++)
    g_assert_cmpint (FEED_ENTRY (all, i - 1)->seq, <, FEED_ENTRY (all, i)->seq);

  /* Pages of three and then the rest give the same entries. */
  page = list_feed (f, since, 3, &next);
  g_assert_cmpuint (page->len, ==, 3);
  g_assert_cmpstr (FEED_ENTRY (page, 2)->topic, ==, "policy");
  g_assert_cmpint (next, ==, FEED_ENTRY (page, 2)->seq + 1);
  rest = list_feed (f, next, 3, &next);
  g_assert_cmpuint (rest->len, ==, 1);
  g_assert_cmpstr (FEED_ENTRY (rest, 0)->topic, ==, "building");
  g_assert_cmpint (next, ==, head);

  /* From the head on, nothing. */
  g_clear_pointer (&rest, g_ptr_array_unref);
  rest = list_feed (f, head, 3, &next);
  g_assert_cmpuint (rest->len, ==, 0);
  g_assert_cmpint (next, ==, head);
}

/* A new database and its WAL are readable by their owner only, even under umask 022 (issue
 * 10): they hold PIN and session hashes. An existing file keeps the mode it has. */
static void
test_store_private_file (StoreFixture *f, gconstpointer data)
{
  g_autofree char *wal = g_strconcat (f->path, "-wal", NULL);
  g_autofree char *existing = g_build_filename (f->dir, "existing.db", NULL);
  g_autoptr (RbStore) other = NULL;
  g_autoptr (GError) error = NULL;
  GStatBuf st;
  mode_t old_umask = umask (022);

  f->store = open_store (f);
  rb_store_seed_demo_sync (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (f->path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_set_contents (existing, "", 0, &error));
  g_assert_cmpint (g_chmod (existing, 0640), ==, 0);
  other = rb_store_open_sync (existing, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (existing, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  umask (old_umask);
}

/* A standalone kiosk counts wrong PINs for unknown staff numbers too (so that answers do
 * not tell which exist), but forgets them after an hour without one (issue 10). */
static void
test_store_unknown_numbers_forgotten (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 locked_until = -1;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *staff_number = g_strdup_printf ("9%05d", i);

      g_assert_true (rb_auth_record_failure_sync (f->store, staff_number, &locked_until,
                                                  &error));
      g_assert_no_error (error);
      g_assert_cmpint (locked_until, ==, 0);
    }
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM login_failures"), ==, 100);
  f->now += 2 * 3600;
  g_assert_true (rb_auth_record_failure_sync (f->store, "900000", &locked_until, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM login_failures"), ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT failures FROM login_failures"), ==, 1);
}

/* ---- badges (issue 12) ------------------------------------------------------------------ */

/* What readers type for the same card is one badge: case and separators do not matter;
 * what is not a UID is refused. */
static void
test_store_badge_hash (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *plain = rb_badge_hash_uid ("04A23B9C", &error);
  g_autofree char *lower = rb_badge_hash_uid ("04a23b9c", &error);
  g_autofree char *separated = rb_badge_hash_uid ("04:a2-3B 9c", &error);
  g_autofree char *other = rb_badge_hash_uid ("04A23B9D", &error);
  g_autofree char *too_short = NULL;
  g_autofree char *not_hex = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (strlen (plain), ==, 64);
  g_assert_null (strstr (plain, "04A23B9C"));
  g_assert_cmpstr (plain, ==, lower);
  g_assert_cmpstr (plain, ==, separated);
  g_assert_cmpstr (plain, !=, other);
  too_short = rb_badge_hash_uid ("123", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  g_assert_null (too_short);
  g_clear_error (&error);
  not_hex = rb_badge_hash_uid ("04A2;3B9C", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  g_assert_null (not_hex);
}

static gboolean
has_badge (StoreFixture *f, const char *person_id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) person = rb_people_store_person_to_json_sync (f->store, person_id, &error);

  g_assert_no_error (error);
  return json_object_get_boolean_member (json_node_get_object (person), "has_badge");
}

static void
register_badge (StoreFixture *f, const char *person_id, const char *uid, int expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *hash = rb_badge_hash_uid (uid, &error);
  g_autoptr (JsonNode) person = NULL;

  g_assert_no_error (error);
  person = rb_badges_register_sync (f->store, ADMIN, person_id, hash, &error);
  if (expected < 0)
    {
      g_assert_no_error (error);
      g_assert_true (json_object_get_boolean_member (json_node_get_object (person), "has_badge"));
    }
  else
    {
      g_assert_error (error, RB_ERROR, expected);
      g_assert_null (person);
    }
}

static RbPerson *
find_by_badge (StoreFixture *f, const char *uid, GError **error)
{
  g_autofree char *hash = rb_badge_hash_uid (uid, NULL);

  return rb_badges_find_person_sync (f->store, hash, error);
}

/* A person may have several badges, a badge belongs to one person; the UID is never stored
 * or audited in clear; registering and removing are audited. */
static void
test_store_badges (StoreFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) found = NULL;
  g_autoptr (RbPerson) none = NULL;
  g_autoptr (JsonNode) removed = NULL;
  g_autoptr (JsonNode) missing = NULL;

  g_assert_false (has_badge (f, JONAS));
  register_badge (f, JONAS, "04A23B9C", -1);
  register_badge (f, JONAS, "04:a2:3b:9c", -1);
  register_badge (f, JONAS, "0488FF1E2A7B80", -1);
  g_assert_cmpint (rb_badges_count_sync (f->store, JONAS, &error), ==, 2);
  register_badge (f, LEONIE, "04A23B9C", RB_ERROR_BADGE_TAKEN);
  register_badge (f, "p-nobody", "11223344", RB_ERROR_NOT_FOUND);
  g_assert_cmpint (rb_badges_count_sync (f->store, LEONIE, &error), ==, 0);
  g_assert_no_error (error);
  g_assert_true (has_badge (f, JONAS));
  g_assert_false (has_badge (f, LEONIE));

  found = find_by_badge (f, "04a23b9c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_person_get_id (found), ==, JONAS);
  none = find_by_badge (f, "DEADBEEF", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN);
  g_assert_null (none);
  g_clear_error (&error);

  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM badges WHERE uid_hash LIKE"
                                           " '%04A23B9C%' OR uid_hash LIKE '%04a23b9c%'"),
                   ==, 0);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM audit_log WHERE action ="
                                           " 'person.badge.register' AND subject = 'p-14475'"),
                   ==, 2);

  /* A deactivated person keeps the badge but cannot identify with it. */
  g_clear_pointer (&removed, json_node_unref);
  removed = rb_people_store_set_active_sync (f->store, ADMIN, JONAS, FALSE, &error);
  g_assert_no_error (error);
  g_assert_false (rb_badges_check_may_identify_sync (f->store, found, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_PERSON_INACTIVE);
  g_clear_error (&error);
  g_clear_pointer (&removed, json_node_unref);
  removed = rb_people_store_set_active_sync (f->store, ADMIN, JONAS, TRUE, &error);
  g_assert_no_error (error);
  g_assert_true (rb_badges_check_may_identify_sync (f->store, found, &error));

  g_clear_pointer (&removed, json_node_unref);
  removed = rb_badges_remove_sync (f->store, ADMIN, JONAS, &error);
  g_assert_no_error (error);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (removed), "has_badge"));
  g_assert_cmpint (rb_badges_count_sync (f->store, JONAS, &error), ==, 0);
  g_clear_object (&none);
  none = find_by_badge (f, "04A23B9C", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN);
  g_clear_error (&error);
  missing = rb_badges_remove_sync (f->store, ADMIN, "p-nobody", &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_null (missing);
  g_clear_error (&error);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM audit_log WHERE action ="
                                           " 'person.badge.remove' AND subject = 'p-14475'"),
                   ==, 1);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM audit_log WHERE"
                                           " instr (upper (coalesce (before, '') ||"
                                           " coalesce (after, '')), '04A23B9C') > 0"),
                   ==, 0);

  /* The badge is free again for someone else; erasing that person takes it along. */
  register_badge (f, LEONIE, "04A23B9C", -1);
  g_assert_cmpint (raw_exec (f->path,
                             "PRAGMA foreign_keys = ON;"
                             "DELETE FROM bookings WHERE person_id = 'p-14835';"
                             "DELETE FROM series WHERE person_id = 'p-14835';"
                             "DELETE FROM sessions WHERE person_id = 'p-14835';"
                             "DELETE FROM people WHERE id = 'p-14835';",
                             NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (raw_query_int (f->path, "SELECT count(*) FROM badges"), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD_EMPTY(path, func) \
  g_test_add (path, StoreFixture, NULL, empty_fixture_set_up, func, store_fixture_tear_down)
#define ADD(path, func) \
  g_test_add (path, StoreFixture, NULL, store_fixture_set_up, func, store_fixture_tear_down)

  ADD_EMPTY ("/store/open/migrate-empty", test_store_migrate_empty);
  ADD ("/store/open/reopen", test_store_reopen);
  ADD_EMPTY ("/store/open/private-file", test_store_private_file);
  ADD ("/store/auth/unknown-numbers-forgotten", test_store_unknown_numbers_forgotten);
  ADD_EMPTY ("/store/open/newer-schema", test_store_newer_schema);
  ADD_EMPTY ("/store/audit/only-redaction", test_store_audit_only_redaction);
  ADD ("/store/audit/erasure-redacts", test_store_erasure_redacts_audit);
  ADD ("/store/audit/retention", test_store_audit_retention);
  ADD_EMPTY ("/store/open/corrupt-random", test_store_corrupt_random);
  ADD_EMPTY ("/store/open/corrupt-truncated", test_store_corrupt_truncated);
  ADD_EMPTY ("/store/import/all-or-nothing", test_store_import_all_or_nothing);
  ADD ("/store/import/seed-demo", test_store_seed_demo);
  ADD ("/store/booking/overlap", test_store_overlap);
  ADD ("/store/booking/back-to-back", test_store_back_to_back);
  ADD ("/store/booking/cancel-frees-slot", test_store_cancel_frees_slot);
  ADD ("/store/booking/idempotent-retry", test_store_idempotent_retry);
  ADD ("/store/booking/request-fingerprint", test_store_request_fingerprint);
  ADD ("/store/booking/create-answer", test_store_create_answer);
  ADD ("/store/booking/id-reuse-refused", test_store_id_reuse_refused);
  ADD ("/store/booking/one-desk-per-day", test_store_one_desk_per_day);
  ADD ("/store/booking/desk-already-held", test_store_desk_already_held);
  ADD ("/store/booking/room-capacity", test_store_room_capacity);
  ADD ("/store/booking/policy-uses-clock", test_store_policy_uses_clock);
  ADD ("/store/booking/space-blocked", test_store_space_blocked);
  ADD ("/store/state/cancel-permissions", test_store_cancel_permissions);
  ADD ("/store/state/check-in", test_store_check_in);
  ADD ("/store/state/release-no-shows", test_store_release_no_shows);
  ADD ("/store/state/checked-in-at-creation", test_store_checked_in_at_creation);
  ADD ("/store/state/booked-late-keeps-window", test_store_booked_late_keeps_window);
  ADD ("/store/state/booked-late-released-after-grace",
       test_store_booked_late_released_after_grace);
  ADD ("/store/state/queued-arrives-late", test_store_queued_arrives_late);
  ADD ("/store/triggers/refuse-raw-overlap", test_store_triggers_refuse_raw_overlap);
  ADD ("/store/query/list-filters", test_store_list_filters);
  ADD ("/store/statements/cache", test_store_statement_cache);
  ADD ("/store/group/commit", test_store_group_commit);
  ADD ("/store/group/lost", test_store_group_lost);
  ADD ("/store/feed/news", test_store_feed_news);
  ADD ("/store/feed/topics", test_store_feed_topics);
  ADD ("/store/query/unknown-ids", test_store_unknown_ids);
  ADD_EMPTY ("/store/async/create-and-list", test_store_async);
  g_test_add_func ("/store/badges/hash", test_store_badge_hash);
  ADD ("/store/badges/register-find-remove", test_store_badges);

#undef ADD
#undef ADD_EMPTY

  return g_test_run ();
}
