/* test-policy-store.c: an administrator's change of the policy in the store (one transaction
 * with its audit entry and feed row, in force at once, kept across a reopen), the audit log's
 * reading (newest first, pages, filters), the entries of maintenance blocks, and that the
 * audit log cannot be changed or deleted through SQL.
 * "Now" is frozen at Monday 30 November 2026, 07:00 in Bonn. */
#include "config.h"

#include "rb-audit.h"
#include "rb-blocks.h"
#include "rb-policy-store.h"
#include "rb-store-private.h"
#include "rb-store.h"
#include "rb-test-util.h"

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))
#define TUE(h, mi) B (2026, 12, 1, (h), (mi))

/* Demo people (data/PEOPLE.md). */
#define JONAS "p-14475"  /* staff */
#define ADMIN "p-95113"  /* admin */
#define MONIKA "p-87666" /* facility manager */

typedef struct
{
  char *dir;
  char *path;
  RbStore *store;
  gint64 now;
} Fixture;

static RbStore *
open_store (Fixture *f)
{
  g_autoptr (GError) error = NULL;
  RbStore *store = rb_store_open_sync (f->path, &error);

  g_assert_no_error (error);
  rb_store_set_clock (store, rb_test_frozen_clock, &f->now);
  return store;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = rb_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "raumbuch.db", NULL);
  f->now = B (2026, 11, 30, 7, 0);
  f->store = open_store (f);
  rb_store_seed_demo_sync (f->store, &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

/* Runs SQL on a connection of its own; the SQLite result code. */
static int
raw_exec (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  int rc;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  rc = sqlite3_exec (db, sql, NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

static gint64
raw_int (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static GError *
book_desk (Fixture *f, gint64 start, gint64 end)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, "a0-d001", JONAS,
                                                  rb_interval_make (start, end));
  g_autoptr (RbBooking) booking = NULL;
  GError *error = NULL;

  rb_booking_set_attendees (request, 1);
  booking = rb_store_create_booking_sync (f->store, request, &error);
  g_assert_true ((booking == NULL) == (error != NULL));
  return error;
}

static JsonNode *
list_audit (Fixture *f, guint limit, gint64 before, const char *prefix, const char *subject)
{
  g_autoptr (GError) error = NULL;
  RbAuditQuery query = { limit, before, prefix, subject };
  JsonNode *page = rb_audit_list_sync (f->store, &query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  return page;
}

static JsonArray *
page_items (JsonNode *page)
{
  return json_object_get_array_member (json_node_get_object (page), "items");
}

static void
test_set_policy (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) refused = NULL;
  g_autoptr (JsonNode) page = NULL;
  RbPolicy policy, now_in_force;
  JsonObject *entry;

  /* Nine hours at a desk are allowed by the defaults (ten) ... */
  g_assert_no_error (book_desk (f, TUE (8, 0), TUE (17, 0)));

  rb_store_get_policy (f->store, &policy);
  policy.max_desk_minutes = 8 * 60;
  policy.opening_minute = 7 * 60;
  policy.show_names = TRUE;

  /* ... only administrators change the rules, and only to valid ones. */
  g_assert_false (rb_store_set_policy_sync (f->store, JONAS, &policy, &refused));
  g_assert_error (refused, RB_ERROR, RB_ERROR_FORBIDDEN);
  g_clear_error (&refused);
  g_assert_false (rb_store_set_policy_sync (f->store, MONIKA, &policy, &refused));
  g_assert_error (refused, RB_ERROR, RB_ERROR_FORBIDDEN);
  g_clear_error (&refused);
  {
    RbPolicy broken = policy;

    broken.closing_minute = broken.opening_minute;
    g_assert_false (rb_store_set_policy_sync (f->store, ADMIN, &broken, &refused));
    g_assert_error (refused, RB_ERROR, RB_ERROR_INVALID_FIELD);
    g_clear_error (&refused);
  }
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM changes WHERE topic = 'policy'"),
                   ==, 0);

  g_assert_true (rb_store_set_policy_sync (f->store, ADMIN, &policy, &error));
  g_assert_no_error (error);

  /* In force at once: nine hours are now too long. */
  rb_store_get_policy (f->store, &now_in_force);
  g_assert_true (rb_policy_equal (&now_in_force, &policy));
  refused = book_desk (f, B (2026, 12, 2, 8, 0), B (2026, 12, 2, 17, 0));
  g_assert_error (refused, RB_ERROR, RB_ERROR_TOO_LONG);
  g_assert_cmpint (raw_int (f->path, "SELECT show_names FROM sites"), ==, 1);

  /* One entry with before and after, and one feed row that tells clients to read it again. */
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM changes WHERE topic = 'policy'"),
                   ==, 1);
  page = list_audit (f, 10, 0, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (page_items (page)), ==, 1);
  entry = json_array_get_object_element (page_items (page), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "policy.update");
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (entry, "actor"), "id"), ==, ADMIN);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "before"),
                                               "max_desk_minutes"), ==, 600);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "after"),
                                               "max_desk_minutes"), ==, 480);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "after"),
                                                  "opening_time"), ==, "07:00");

  /* Kept in the file. */
  g_assert_finalize_object (f->store);
  f->store = open_store (f);
  rb_store_get_policy (f->store, &now_in_force);
  g_assert_true (rb_policy_equal (&now_in_force, &policy));
}

static void
test_block_entries (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cancelled = NULL;
  g_autoptr (JsonNode) page = NULL;
  gint64 block_id;
  JsonObject *lift, *create;

  g_assert_no_error (book_desk (f, TUE (9, 0), TUE (10, 0)));
  block_id = rb_blocks_create_sync (f->store, "a0-d001", rb_interval_make (TUE (8, 0), TUE (12, 0)),
                                    "Neuer Monitor", MONIKA, &cancelled, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cancelled->len, ==, 1);
  g_assert_true (rb_blocks_remove_sync (f->store, block_id, MONIKA, &error));
  g_assert_no_error (error);
  /* A refused lift writes nothing. */
  g_assert_false (rb_blocks_remove_sync (f->store, block_id, MONIKA, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);

  page = list_audit (f, 10, 0, "block.", "a0-d001");
  g_assert_cmpuint (json_array_get_length (page_items (page)), ==, 2);
  lift = json_array_get_object_element (page_items (page), 0);
  create = json_array_get_object_element (page_items (page), 1);
  g_assert_cmpstr (json_object_get_string_member (lift, "action"), ==, "block.lift");
  g_assert_cmpstr (json_object_get_string_member (create, "action"), ==, "block.create");
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (create, "actor"), "display_name"),
                   !=, MONIKA);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (create, "before")));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (create, "after"),
                                                  "reason"), ==, "Neuer Monitor");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_object_get_object_member (create, "after"), "cancelled_bookings")),
                    ==, 1);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (lift, "after")));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (lift, "before"),
                                                  "space_id"), ==, "a0-d001");
}

static void
test_audit_pages (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) first = NULL;
  g_autoptr (JsonNode) second = NULL;
  g_autoptr (JsonNode) policy_only = NULL;
  RbPolicy policy;
  const char *next;
  gint64 before;

  rb_store_get_policy (f->store, &policy);
  for (int i = 1; i <= 3; i++)
    {
      policy.desk_horizon_days = i;
      g_assert_true (rb_store_set_policy_sync (f->store, ADMIN, &policy, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpint (rb_blocks_create_sync (f->store, "a0-d002",
                                          rb_interval_make (TUE (8, 0), TUE (9, 0)), "Reinigung",
                                          MONIKA, NULL, &error), >, 0);
  g_assert_no_error (error);

  /* Newest first, two at a time. */
  first = list_audit (f, 2, 0, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (page_items (first)), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (
                       json_array_get_object_element (page_items (first), 0), "action"),
                   ==, "block.create");
  next = json_object_get_string_member (json_node_get_object (first), "next_before");
  g_assert_nonnull (next);
  g_assert_true (g_ascii_string_to_signed (next, 10, 1, G_MAXINT64, &before, NULL));
  second = list_audit (f, 2, before, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (page_items (second)), ==, 2);
  g_assert_true (json_object_get_null_member (json_node_get_object (second), "next_before"));
  g_assert_cmpint (json_object_get_int_member (
                       json_object_get_object_member (
                           json_array_get_object_element (page_items (second), 1), "after"),
                       "desk_horizon_days"), ==, 1);

  policy_only = list_audit (f, 50, 0, "policy.", NULL);
  g_assert_cmpuint (json_array_get_length (page_items (policy_only)), ==, 3);
}

/* The log is append-only: the schema's triggers refuse UPDATE and DELETE, whoever asks. The
 * one UPDATE allowed, the redaction of an erasure (issue 13), is tested in test-store.c. */
static void
test_audit_cannot_change (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  RbPolicy policy;

  rb_store_get_policy (f->store, &policy);
  policy.one_desk_per_day = FALSE;
  g_assert_true (rb_store_set_policy_sync (f->store, ADMIN, &policy, &error));
  g_assert_no_error (error);

  g_assert_cmpint (raw_exec (f->path, "UPDATE audit_log SET actor_id = 'p-14475'"), ==,
                   SQLITE_CONSTRAINT);
  g_assert_cmpint (raw_exec (f->path, "UPDATE audit_log SET after = '{}'"), ==,
                   SQLITE_CONSTRAINT);
  g_assert_cmpint (raw_exec (f->path, "DELETE FROM audit_log"), ==, SQLITE_CONSTRAINT);
  g_assert_cmpint (raw_int (f->path, "SELECT count(*) FROM audit_log"
                                     " WHERE actor_id = '" ADMIN "' AND after LIKE '%one_desk%'"),
                   ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/policy-store/set", Fixture, NULL, fixture_set_up, test_set_policy,
              fixture_tear_down);
  g_test_add ("/policy-store/block-entries", Fixture, NULL, fixture_set_up, test_block_entries,
              fixture_tear_down);
  g_test_add ("/policy-store/audit-pages", Fixture, NULL, fixture_set_up, test_audit_pages,
              fixture_tear_down);
  g_test_add ("/policy-store/audit-cannot-change", Fixture, NULL, fixture_set_up,
              test_audit_cannot_change, fixture_tear_down);
  return g_test_run ();
}
