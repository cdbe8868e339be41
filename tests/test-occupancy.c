/* test-occupancy.c: occupancy figures against a small building computed by hand; the CSV
 * (RFC 4180: header, CRLF, quoting); no person data in any output; and EXPLAIN QUERY PLAN
 * showing that the bookings are read through the covering index, not a scan of the table,
 * and that the store's clash checks read only live bookings.
 *
 * The building: floor "Ebene 1, "Nord"" with desks D1, D2 and room R1; floor "Ebene 2" with
 * desk D3. On Tuesday 1 December 2026 (Bonn), opening hours 06:00–20:00 (14 h):
 *   D1 08:00–12:00 checked in      D1 14:00–15:00 booked (not yet due)
 *   D2 09:00–10:30 released        R1 10:00–11:00 checked in
 *   D3 13:00–17:00 checked in      D3 07:00–08:00 cancelled (never counts) */
#include "config.h"

#include "rb-occupancy.h"
#include "rb-policy-store.h"
#include "rb-test-util.h"

#include <string.h>

#define TUE(h, mi) rb_test_berlin_time (2026, 12, 1, (h), (mi))

static const char building_json[] =
  "{\"site\": {\"id\": \"site-t\", \"name\": \"Test\", \"timezone\": \"Europe/Berlin\","
  "  \"show_names\": false},"
  " \"buildings\": [{\"id\": \"bld-t\", \"site_id\": \"site-t\", \"name\": \"Haus T\","
  "  \"address\": \"\"}],"
  " \"floors\": ["
  "  {\"id\": \"f1\", \"building_id\": \"bld-t\", \"name\": \"Ebene 1, \\\"Nord\\\"\","
  "   \"level\": 1, \"width\": 10, \"height\": 10},"
  "  {\"id\": \"f2\", \"building_id\": \"bld-t\", \"name\": \"Ebene 2\", \"level\": 2,"
  "   \"width\": 10, \"height\": 10}],"
  " \"spaces\": ["
  "  {\"id\": \"d1\", \"floor_id\": \"f1\", \"kind\": \"desk\", \"name\": \"D1\", \"capacity\": 1,"
  "   \"amenities\": [], \"rect\": {\"x\": 0, \"y\": 0, \"w\": 1, \"h\": 1}},"
  "  {\"id\": \"d2\", \"floor_id\": \"f1\", \"kind\": \"desk\", \"name\": \"D2\", \"capacity\": 1,"
  "   \"amenities\": [], \"rect\": {\"x\": 2, \"y\": 0, \"w\": 1, \"h\": 1}},"
  "  {\"id\": \"r1\", \"floor_id\": \"f1\", \"kind\": \"room\", \"name\": \"R1\", \"capacity\": 6,"
  "   \"amenities\": [], \"rect\": {\"x\": 4, \"y\": 0, \"w\": 3, \"h\": 3}},"
  "  {\"id\": \"d3\", \"floor_id\": \"f2\", \"kind\": \"desk\", \"name\": \"D3\", \"capacity\": 1,"
  "   \"amenities\": [], \"rect\": {\"x\": 0, \"y\": 0, \"w\": 1, \"h\": 1}}],"
  " \"people\": ["
  "  {\"id\": \"p1\", \"display_name\": \"Erika Mustermann\", \"staff_number\": \"1\","
  "   \"team\": \"A\", \"role\": \"staff\"},"
  "  {\"id\": \"p2\", \"display_name\": \"Max Mustermann\", \"staff_number\": \"2\","
  "   \"team\": \"A\", \"role\": \"staff\"},"
  "  {\"id\": \"p3\", \"display_name\": \"Hans Meier\", \"staff_number\": \"3\","
  "   \"team\": \"A\", \"role\": \"team_lead\"},"
  "  {\"id\": \"p4\", \"display_name\": \"Grete Schulz\", \"staff_number\": \"4\","
  "   \"team\": \"A\", \"role\": \"staff\"}]}";

typedef struct
{
  char *dir;
  char *path;
  RbStore *store;
  gint64 now;
} Fixture;

static RbBooking *
book (Fixture *f, const char *space_id, const char *person_id, gint64 start, gint64 end)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, person_id,
                                                  rb_interval_make (start, end));
  RbBooking *booking = rb_store_create_booking_sync (f->store, request, &error);

  g_assert_no_error (error);
  return booking;
}

static void
check_in (Fixture *f, RbBooking *booking, gint64 at)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) done = NULL;

  f->now = at;
  done = rb_store_check_in_sync (f->store, rb_booking_get_id (booking),
                                 rb_booking_get_person_id (booking), &error);
  g_assert_no_error (error);
}

static void
set_min_group_size (Fixture *f, int size)
{
  g_autoptr (GError) error = NULL;
  RbPolicy policy;

  rb_store_get_policy (f->store, &policy);
  policy.min_group_size = size;
  g_assert_true (rb_store_replace_policy_sync (f->store, &policy, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) building = rb_json_parse (building_json, -1, &error);
  g_autoptr (RbBooking) d1a = NULL, d1b = NULL, d2 = NULL, r1 = NULL, d3a = NULL, d3b = NULL;
  g_autoptr (RbBooking) gone = NULL;

  g_assert_no_error (error);
  f->dir = rb_test_make_tmpdir ();
  f->path = g_build_filename (f->dir, "raumbuch.db", NULL);
  f->now = TUE (6, 30);
  f->store = rb_store_open_sync (f->path, &error);
  g_assert_no_error (error);
  rb_store_set_clock (f->store, rb_test_frozen_clock, &f->now);
  g_assert_true (rb_store_import_building_sync (f->store, building, &error));
  g_assert_no_error (error);
  /* The figures computed by hand rest on one to four people: every one shown (the minimum
   * group has a test of its own). */
  set_min_group_size (f, 1);

  d1a = book (f, "d1", "p1", TUE (8, 0), TUE (12, 0));
  d1b = book (f, "d1", "p1", TUE (14, 0), TUE (15, 0));
  d2 = book (f, "d2", "p2", TUE (9, 0), TUE (10, 30));
  r1 = book (f, "r1", "p3", TUE (10, 0), TUE (11, 0));
  d3a = book (f, "d3", "p4", TUE (13, 0), TUE (17, 0));
  d3b = book (f, "d3", "p4", TUE (7, 0), TUE (8, 0));
  gone = rb_store_cancel_booking_sync (f->store, rb_booking_get_id (d3b), "p4", &error);
  g_assert_no_error (error);

  check_in (f, d1a, TUE (8, 0));
  f->now = TUE (9, 45);
  g_assert_cmpint (rb_store_release_no_shows_sync (f->store, &error), ==, 1);
  g_assert_no_error (error);
  check_in (f, r1, TUE (10, 5));
  check_in (f, d3a, TUE (12, 50));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static GPtrArray *
query_ok (Fixture *f, const RbOccupancyQuery *query)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *rows = rb_occupancy_query_sync (f->store, query, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rows);
  return rows;
}

static RbOccupancyRow *
row_at (GPtrArray *rows, guint i)
{
  g_assert_cmpuint (i, <, rows->len);
  return g_ptr_array_index (rows, i);
}

#define assert_row(row, n_spaces, n_booked, n_checked_in, n_released, used)                 \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_assert_cmpint ((row)->spaces, ==, (n_spaces));                                      \
    g_assert_cmpint ((row)->booked, ==, (n_booked));                                      \
    g_assert_cmpint ((row)->checked_in, ==, (n_checked_in));                              \
    g_assert_cmpint ((row)->released, ==, (n_released));                                  \
    g_assert_cmpint ((row)->used_seconds, ==, (used));                                    \
  }                                                                                       \
  G_STMT_END

static void
test_occupancy_day (Fixture *f, gconstpointer data)
{
  RbOccupancyQuery query = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_DAY, FALSE, FALSE };
  g_autoptr (GPtrArray) rows = query_ok (f, &query);
  RbOccupancyRow *row;

  g_assert_cmpuint (rows->len, ==, 1);
  row = row_at (rows, 0);
  g_assert_cmpint (row->bucket.start, ==, TUE (0, 0));
  g_assert_null (row->floor_id);
  g_assert_false (row->has_kind);
  /* 5 not cancelled; D1, R1, D3 checked in for 4 + 1 + 4 hours; D2 released. */
  assert_row (row, 4, 5, 3, 1, 9 * 3600);
  g_assert_cmpint (row->open_seconds, ==, 4 * 14 * 3600);
  g_assert_cmpfloat_with_epsilon (row->utilisation, 9.0 / (4 * 14), 1e-9);
  /* The forecast counts what is booked, checked in or not yet (D1's 14:00 hour), but not
   * the released no-show. */
  g_assert_cmpint (row->booked_seconds, ==, 10 * 3600);
  g_assert_cmpfloat_with_epsilon (row->forecast, 10.0 / (4 * 14), 1e-9);
}

static void
test_occupancy_hours (Fixture *f, gconstpointer data)
{
  RbOccupancyQuery query = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_HOUR, FALSE, FALSE };
  g_autoptr (GPtrArray) rows = query_ok (f, &query);

  g_assert_cmpuint (rows->len, ==, 24);
  for (guint h = 0; h < 24; h++)
    g_assert_cmpint (row_at (rows, h)->bucket.start, ==, TUE (h, 0));

  /* 05:00: closed, nothing, utilisation 0 rather than a division by zero. */
  assert_row (row_at (rows, 5), 4, 0, 0, 0, 0);
  g_assert_cmpint (row_at (rows, 5)->open_seconds, ==, 0);
  g_assert_cmpfloat (row_at (rows, 5)->utilisation, ==, 0.0);
  /* 07:00: the cancelled D3 booking does not count. */
  assert_row (row_at (rows, 7), 4, 0, 0, 0, 0);
  /* 09:00: D1 (in), D2 (released). */
  assert_row (row_at (rows, 9), 4, 2, 1, 1, 3600);
  g_assert_cmpfloat_with_epsilon (row_at (rows, 9)->utilisation, 0.25, 1e-9);
  /* 10:00: D1 (in), D2 (released, until 10:30), R1 (in). */
  assert_row (row_at (rows, 10), 4, 3, 2, 1, 7200);
  g_assert_cmpfloat_with_epsilon (row_at (rows, 10)->utilisation, 0.5, 1e-9);
  /* 14:00: D1 booked (not checked in), D3 in. */
  assert_row (row_at (rows, 14), 4, 2, 1, 0, 3600);
  /* 16:00: D3 only. */
  assert_row (row_at (rows, 16), 4, 1, 1, 0, 3600);
  assert_row (row_at (rows, 17), 4, 0, 0, 0, 0);
}

static void
test_occupancy_by_floor_and_kind (Fixture *f, gconstpointer data)
{
  RbOccupancyQuery query = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_DAY, TRUE, FALSE };
  g_autoptr (GPtrArray) by_floor = query_ok (f, &query);

  g_assert_cmpuint (by_floor->len, ==, 2);
  g_assert_cmpstr (row_at (by_floor, 0)->floor_id, ==, "f1");
  g_assert_cmpstr (row_at (by_floor, 0)->floor_name, ==, "Ebene 1, \"Nord\"");
  assert_row (row_at (by_floor, 0), 3, 4, 2, 1, 5 * 3600);
  g_assert_cmpfloat_with_epsilon (row_at (by_floor, 0)->utilisation, 5.0 / (3 * 14), 1e-9);
  g_assert_cmpstr (row_at (by_floor, 1)->floor_id, ==, "f2");
  assert_row (row_at (by_floor, 1), 1, 1, 1, 0, 4 * 3600);
  g_assert_cmpfloat_with_epsilon (row_at (by_floor, 1)->utilisation, 4.0 / 14, 1e-9);

  /* One floor, rooms only. */
  {
    RbOccupancyQuery rooms = query;
    g_autoptr (GPtrArray) rows = NULL;

    rooms.floor_id = "f1";
    rooms.filter_kind = TRUE;
    rooms.kind = RB_SPACE_KIND_ROOM;
    rooms.by_floor = FALSE;
    rows = query_ok (f, &rooms);
    g_assert_cmpuint (rows->len, ==, 1);
    g_assert_true (row_at (rows, 0)->has_kind);
    g_assert_cmpint (row_at (rows, 0)->kind, ==, RB_SPACE_KIND_ROOM);
    assert_row (row_at (rows, 0), 1, 1, 1, 0, 3600);
  }
  /* Split by kind over the building: desks first, then rooms. */
  {
    RbOccupancyQuery kinds = query;
    g_autoptr (GPtrArray) rows = NULL;

    kinds.by_floor = FALSE;
    kinds.by_kind = TRUE;
    rows = query_ok (f, &kinds);
    g_assert_cmpuint (rows->len, ==, 2);
    g_assert_cmpint (row_at (rows, 0)->kind, ==, RB_SPACE_KIND_DESK);
    assert_row (row_at (rows, 0), 3, 4, 2, 1, 8 * 3600);
    g_assert_cmpint (row_at (rows, 1)->kind, ==, RB_SPACE_KIND_ROOM);
    assert_row (row_at (rows, 1), 1, 1, 1, 0, 3600);
  }
  /* An unknown floor. */
  {
    RbOccupancyQuery unknown = query;
    g_autoptr (GError) error = NULL;

    unknown.floor_id = "f9";
    g_assert_null (rb_occupancy_query_sync (f->store, &unknown, &error));
    rb_assert_rb_error (error, RB_ERROR_NOT_FOUND, "not_found");
  }
}

static void
test_occupancy_week_and_dst (Fixture *f, gconstpointer data)
{
  /* Monday to Monday: seven day buckets; only Tuesday has bookings. */
  RbOccupancyQuery week = { NULL, FALSE, RB_SPACE_KIND_DESK,
                            rb_interval_make (rb_test_berlin_time (2026, 11, 30, 0, 0),
                                              rb_test_berlin_time (2026, 12, 7, 0, 0)),
                            RB_OCCUPANCY_BUCKET_DAY, FALSE, FALSE };
  g_autoptr (GPtrArray) rows = query_ok (f, &week);
  RbOccupancyQuery dst = week;
  g_autoptr (GPtrArray) dst_rows = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_cmpuint (rows->len, ==, 7);
  assert_row (row_at (rows, 0), 4, 0, 0, 0, 0);
  assert_row (row_at (rows, 1), 4, 5, 3, 1, 9 * 3600);

  /* The autumn DST day is a 25-hour bucket, and 25 hour buckets. */
  dst.range = rb_interval_make (rb_test_berlin_time (2026, 10, 25, 0, 0),
                                rb_test_berlin_time (2026, 10, 26, 0, 0));
  dst_rows = query_ok (f, &dst);
  g_assert_cmpuint (dst_rows->len, ==, 1);
  g_assert_cmpint (rb_interval_duration (row_at (dst_rows, 0)->bucket), ==, 25 * 3600);
  g_clear_pointer (&dst_rows, g_ptr_array_unref);
  dst.bucket = RB_OCCUPANCY_BUCKET_HOUR;
  dst_rows = query_ok (f, &dst);
  g_assert_cmpuint (dst_rows->len, ==, 25);

  /* Invalid ranges and too many buckets. */
  dst.range = rb_interval_make (10, 10);
  g_assert_null (rb_occupancy_query_sync (f->store, &dst, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_INTERVAL, "invalid_interval");
  g_clear_error (&error);
  dst.range = rb_interval_make (rb_test_berlin_time (2026, 1, 1, 0, 0),
                                rb_test_berlin_time (2027, 1, 1, 0, 0));
  g_assert_null (rb_occupancy_query_sync (f->store, &dst, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
}

/* Splits RFC 4180 text into records of fields; asserts CRLF after every record. */
static GPtrArray *
parse_csv (const char *text)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_ptr_array_unref);
  GPtrArray *record = g_ptr_array_new_with_free_func (g_free);
  GString *field = g_string_new (NULL);
  const char *p = text;

  while (*p != '\0')
    {
      if (*p == '"')
        {
          for (p++;; p++)
            {
              g_assert_true (*p != '\0');
              if (*p == '"' && p[1] == '"')
                g_string_append_c (field, *p++);
              else if (*p == '"')
                break;
              else
                g_string_append_c (field, *p);
            }
          p++;
        }
      else
        while (*p != ',' && *p != '\r' && *p != '\n' && *p != '\0')
          {
            g_assert_true (*p != '"');
            g_string_append_c (field, *p++);
          }
      g_ptr_array_add (record, g_string_free (field, FALSE));
      field = g_string_new (NULL);
      if (*p == ',')
        p++;
      else
        {
          g_assert_true (p[0] == '\r' && p[1] == '\n');
          p += 2;
          g_ptr_array_add (records, record);
          record = g_ptr_array_new_with_free_func (g_free);
        }
    }
  g_assert_cmpuint (record->len, ==, 0);
  g_ptr_array_unref (record);
  g_string_free (field, TRUE);
  return records;
}

static void
test_occupancy_csv (Fixture *f, gconstpointer data)
{
  RbOccupancyQuery query = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_DAY, TRUE, TRUE };
  g_autoptr (GPtrArray) rows = query_ok (f, &query);
  g_autofree char *csv = rb_occupancy_to_csv (rows, rb_test_berlin ());
  g_autoptr (GPtrArray) records = parse_csv (csv);
  GPtrArray *header, *first;

  /* Header, then floor 1 desks, floor 1 rooms, floor 2 desks. */
  g_assert_true (g_str_has_prefix (csv, "start,end,floor_id,floor,kind,spaces,booked,checked_in,"
                                        "released,used_seconds,open_seconds,utilisation,booked_seconds,"
                                        "forecast,withheld\r\n"));
  g_assert_null (strstr (csv, "\n\n"));
  g_assert_cmpuint (records->len, ==, 4);
  header = g_ptr_array_index (records, 0);
  for (guint i = 0; i < records->len; i++)
    g_assert_cmpuint (((GPtrArray *) g_ptr_array_index (records, i))->len, ==, header->len);
  first = g_ptr_array_index (records, 1);
  g_assert_cmpstr (g_ptr_array_index (first, 0), ==, "2026-12-01T00:00:00+01:00");
  g_assert_cmpstr (g_ptr_array_index (first, 1), ==, "2026-12-02T00:00:00+01:00");
  g_assert_cmpstr (g_ptr_array_index (first, 2), ==, "f1");
  g_assert_cmpstr (g_ptr_array_index (first, 3), ==, "Ebene 1, \"Nord\"");
  g_assert_cmpstr (g_ptr_array_index (first, 4), ==, "desk");
  g_assert_cmpstr (g_ptr_array_index (first, 5), ==, "2");
  g_assert_cmpstr (g_ptr_array_index (first, 6), ==, "3");
  g_assert_cmpstr (g_ptr_array_index (first, 7), ==, "1");
  g_assert_cmpstr (g_ptr_array_index (first, 8), ==, "1");
  g_assert_cmpstr (g_ptr_array_index (first, 11), ==, "0.1429");  /* 4 h / (2 × 14 h) */
  /* On the wire the floor name is quoted with its quotes doubled. */
  g_assert_nonnull (strstr (csv, ",f1,\"Ebene 1, \"\"Nord\"\"\",desk,"));

  /* Field rules on their own. */
  {
    g_autoptr (GString) line = g_string_new (NULL);

    rb_csv_append_field (line, "plain");
    g_string_append_c (line, ',');
    rb_csv_append_field (line, "a \"b\"");
    g_string_append_c (line, ',');
    rb_csv_append_field (line, "two\r\nlines");
    g_string_append_c (line, ',');
    rb_csv_append_field (line, "=SUM(A1)");
    g_assert_cmpstr (line->str, ==, "plain,\"a \"\"b\"\"\",\"two\r\nlines\",'=SUM(A1)");
  }
}

static void
test_occupancy_no_people (Fixture *f, gconstpointer data)
{
  static const char *const people[] = { "p1", "p2", "p3", "p4", "Erika", "Max", "Hans", "Grete",
                                         "Mustermann", "person", "display_name", "staff" };
  RbOccupancyQuery query = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_HOUR, TRUE, TRUE };
  g_autoptr (GPtrArray) rows = query_ok (f, &query);
  g_autoptr (JsonNode) node = rb_occupancy_to_json (rows);
  g_autofree char *json = rb_json_to_string (node, FALSE);
  g_autofree char *csv = rb_occupancy_to_csv (rows, rb_test_berlin ());
  JsonObject *first;

  g_assert_true (g_str_has_prefix (json, "{\"buckets\":[{\"start\":"));
  for (guint i = 0; i < G_N_ELEMENTS (people); i++)
    {
      g_assert_null (strstr (json, people[i]));
      g_assert_null (strstr (csv, people[i]));
    }
  /* Exactly the members of DESIGN.md's shape, the seconds behind the fractions and the
   * forecast, plus the split columns. */
  first = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (node), "buckets"), 0);
  g_assert_cmpuint (json_object_get_size (first), ==, 14);
  g_assert_true (json_object_has_member (first, "utilisation"));
  g_assert_true (json_object_has_member (first, "floor_id"));
  g_assert_true (json_object_has_member (first, "kind"));
  g_assert_false (json_object_has_member (first, "person_id"));

  g_assert_true (rb_occupancy_may_read_reports (RB_ROLE_FACILITY_MANAGER));
  g_assert_true (rb_occupancy_may_read_reports (RB_ROLE_ADMIN));
  g_assert_false (rb_occupancy_may_read_reports (RB_ROLE_STAFF));
  g_assert_false (rb_occupancy_may_read_reports (RB_ROLE_TEAM_LEAD));

  /* What a client reads back from the server's JSON is the same rows, and the same CSV. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) back = rb_occupancy_from_json (node, &error);
    g_autofree char *csv_back = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (back->len, ==, rows->len);
    csv_back = rb_occupancy_to_csv (back, rb_test_berlin ());
    g_assert_cmpstr (csv_back, ==, csv);
  }
}

/* With a minimum group of 3, an hour booked by two people (09:00: p1 and p2) is withheld in
 * the rows, their JSON and their CSV, and read back as withheld; the day (four people) and
 * an hour without bookings are shown. A booking without a person counts as one. */
static void
test_occupancy_minimum_group (Fixture *f, gconstpointer data)
{
  RbOccupancyQuery hours = { NULL, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_HOUR, FALSE, FALSE };
  RbOccupancyQuery day = hours;
  g_autoptr (GPtrArray) hourly = NULL;
  g_autoptr (GPtrArray) daily = NULL;
  g_autoptr (GPtrArray) back = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (RbBooking) anonymous = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *csv = NULL;
  g_autofree char *csv_back = NULL;
  g_autofree char *sql = NULL;
  JsonObject *nine;
  GPtrArray *record;

  set_min_group_size (f, 3);
  hourly = query_ok (f, &hours);
  day.bucket = RB_OCCUPANCY_BUCKET_DAY;
  daily = query_ok (f, &day);

  assert_row (row_at (daily, 0), 4, 5, 3, 1, 9 * 3600);
  g_assert_cmpint (row_at (daily, 0)->withheld_below, ==, 0);
  g_assert_cmpint (row_at (hourly, 5)->withheld_below, ==, 0);
  assert_row (row_at (hourly, 9), 4, 0, 0, 0, 0);
  g_assert_cmpint (row_at (hourly, 9)->withheld_below, ==, 3);
  g_assert_cmpint (row_at (hourly, 9)->booked_seconds, ==, 0);
  g_assert_cmpfloat (row_at (hourly, 9)->utilisation, ==, 0.0);
  g_assert_cmpint (row_at (hourly, 9)->open_seconds, ==, 4 * 3600);
  /* 10:00: p1, p2 and p3: three people, shown. */
  assert_row (row_at (hourly, 10), 4, 3, 2, 1, 2 * 3600);

  node = rb_occupancy_to_json (hourly);
  nine = json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (node), "buckets"), 9);
  g_assert_cmpint (json_object_get_int_member (nine, "withheld_below"), ==, 3);
  g_assert_false (json_object_has_member (nine, "booked"));
  g_assert_false (json_object_has_member (nine, "utilisation"));
  g_assert_false (json_object_has_member (nine, "used_seconds"));

  csv = rb_occupancy_to_csv (hourly, rb_test_berlin ());
  records = parse_csv (csv);
  record = g_ptr_array_index (records, 1 + 9);
  g_assert_cmpuint (record->len, ==, 15);
  g_assert_cmpstr (g_ptr_array_index (record, 5), ==, "4");
  g_assert_cmpstr (g_ptr_array_index (record, 6), ==, "");
  g_assert_cmpstr (g_ptr_array_index (record, 11), ==, "");
  g_assert_cmpstr (g_ptr_array_index (record, 14), ==, "fewer than 3 people");
  g_assert_cmpstr (g_ptr_array_index ((GPtrArray *) g_ptr_array_index (records, 1 + 10), 14),
                   ==, "");

  back = rb_occupancy_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpint (row_at (back, 9)->withheld_below, ==, 3);
  csv_back = rb_occupancy_to_csv (back, rb_test_berlin ());
  g_assert_cmpstr (csv_back, ==, csv);

  /* A third booking at 09:00 without a person (a door panel's, or anonymised): three, though
   * it was p1's. */
  f->now = TUE (6, 30);
  anonymous = book (f, "r1", "p1", TUE (9, 0), TUE (10, 0));
  sql = g_strdup_printf ("UPDATE bookings SET person_id = NULL WHERE id = '%s'",
                         rb_booking_get_id (anonymous));
  g_assert_cmpint (sqlite3_exec (rb_store_get_connection (f->store), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  g_clear_pointer (&hourly, g_ptr_array_unref);
  hourly = query_ok (f, &hours);
  g_assert_cmpint (row_at (hourly, 9)->withheld_below, ==, 0);
  g_assert_cmpint (row_at (hourly, 9)->booked, ==, 3);
}

/* The plan of the query, one "detail" line each. */
static char *
query_plan (sqlite3 *db, const char *sql)
{
  g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", sql, NULL);
  g_autoptr (GString) plan = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, explain, -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (plan, "%s\n", (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&plan), FALSE);
}

static void
test_occupancy_query_plan (Fixture *f, gconstpointer data)
{
  sqlite3 *db = rb_store_get_connection (f->store);
  g_autofree char *plan = query_plan (db, rb_occupancy_bookings_sql ());

  g_test_message ("plan: %s", plan);
  g_assert_nonnull (strstr (plan, "COVERING INDEX bookings_occupancy"));
  g_assert_nonnull (strstr (plan, "start>? AND start<?"));
  g_assert_null (strstr (plan, "SCAN"));

  /* Still after ANALYZE has seen the table (the planner then knows its real shape). */
  g_assert_cmpint (sqlite3_exec (db, "ANALYZE", NULL, NULL, NULL), ==, SQLITE_OK);
  g_free (plan);
  plan = query_plan (db, rb_occupancy_bookings_sql ());
  g_assert_nonnull (strstr (plan, "COVERING INDEX bookings_occupancy"));
  g_assert_null (strstr (plan, "SCAN"));
}

/* Whether a plan reads a whole table: a line "SCAN table" (the one row of a SELECT without
 * FROM is "SCAN CONSTANT ROW", which reads nothing). */
static gboolean
plan_scans_a_table (const char *plan)
{
  g_auto (GStrv) lines = g_strsplit (plan, "\n", -1);

  for (char **line = lines; *line != NULL; line++)
    if (g_str_has_prefix (*line, "SCAN ") && !g_str_equal (*line, "SCAN CONSTANT ROW"))
      return TRUE;
  return FALSE;
}

/* Every clash check of a new booking reads live bookings only (the partial indexes of schema
 * 6): with the whole table in the index, cancelled bookings piling up in a slot made each
 * later booking of that slot slower. The last query asks every check at once: three of
 * live bookings and one of the space's blocks. */
static void
test_clash_query_plans (Fixture *f, gconstpointer data)
{
  sqlite3 *db = rb_store_get_connection (f->store);
  const char *const *queries = rb_store_clash_queries ();
  guint n = g_strv_length ((char **) queries);

  g_assert_cmpuint (n, ==, 3);
  /* The store never runs ANALYZE, so this is the plan it gets. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *plan = query_plan (db, queries[i]);

      g_test_message ("plan: %s", plan);
      g_assert_cmpuint (rb_test_count_in (plan, "INDEX bookings_live_"), ==, i < n - 1 ? 1 : 3);
      g_assert_cmpuint (rb_test_count_in (plan, "start>? AND start<?"), ==, i < n - 1 ? 1 : 3);
      g_assert_false (plan_scans_a_table (plan));
    }
  g_assert_nonnull (strstr (queries[n - 1], "space_blocks"));
}

static void
on_query_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* The worker drops its reference to a task just after the task completed; wait until the
 * fixture holds the only reference again, so teardown can check that the store goes. */
static void
wait_for_worker (RbStore *store)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (g_atomic_int_get (&G_OBJECT (store)->ref_count) > 1)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
test_occupancy_async (Fixture *f, gconstpointer data)
{
  char *floor_id = g_strdup ("f2");
  RbOccupancyQuery query = { floor_id, FALSE, RB_SPACE_KIND_DESK,
                             rb_interval_make (TUE (0, 0), rb_test_berlin_time (2026, 12, 2, 0, 0)),
                             RB_OCCUPANCY_BUCKET_DAY, FALSE, FALSE };
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GError) error = NULL;

  rb_occupancy_query_async (f->store, &query, cancellable, on_query_done_cb, &result);
  /* The query is copied: the caller's strings may go at once. */
  g_free (floor_id);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  rows = rb_occupancy_query_finish (f->store, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 1);
  assert_row (row_at (rows, 0), 1, 1, 1, 0, 4 * 3600);

  g_clear_object (&result);
  wait_for_worker (f->store);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/occupancy/day", test_occupancy_day);
  ADD ("/occupancy/hours", test_occupancy_hours);
  ADD ("/occupancy/by-floor-and-kind", test_occupancy_by_floor_and_kind);
  ADD ("/occupancy/week-and-dst", test_occupancy_week_and_dst);
  ADD ("/occupancy/csv", test_occupancy_csv);
  ADD ("/occupancy/no-people", test_occupancy_no_people);
  ADD ("/occupancy/minimum-group", test_occupancy_minimum_group);
  ADD ("/occupancy/query-plan", test_occupancy_query_plan);
  ADD ("/occupancy/clash-query-plans", test_clash_query_plans);
  ADD ("/occupancy/async", test_occupancy_async);
#undef ADD

  return g_test_run ();
}
