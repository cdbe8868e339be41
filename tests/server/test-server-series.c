/* test-server-series.c: the endpoints of issue 5 against the real raumbuch-server process:
 * series (POST/GET/DELETE /series), occupancy and the utilisation CSV, the caller's bookings
 * as iCalendar, and maintenance blocks that cancel bookings with a reason; and of issue 9:
 * the dry run of a series (POST /series?dry_run=true) and the list of blocks (GET /blocks).
 *
 * The server's clock starts on Monday 30 November 2026 at 06:00 UTC (07:00 in Bonn) and runs
 * on in real time. Demo people (data/PEOPLE.md): Anna Schmidt is a team lead, Monika Meier a
 * facility manager, Jonas Becker and his colleagues are staff. The site does not show names. */
#include "config.h"

#include <libical/ical.h>
#include <string.h>

#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* 2026-11-30 00:00 UTC */
#define DAY_START G_GINT64_CONSTANT (1795996800)
#define DAY(n) (DAY_START + (gint64) (n) * 24 * 3600)
#define AT(hour, minute) (DAY_START + (hour) * 3600 + (minute) * 60)

#define ANNA "13663"     /* team lead */
#define MONIKA "87666"   /* facility manager */
#define JONAS "14475"    /* staff */

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-series-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
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

/* ---- helpers ------------------------------------------------------------------------------- */

static char *
login (Fixture *f, const char *staff_number)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person (staff_number));
}

static RbTestResponse *
request (Fixture *f, const char *method, const char *token, const char *body, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

static char *
series_json (const char *id, const char *space_id, gint64 start, gint64 end, const char *rrule,
             int attendees, const char *mode)
{
  g_autofree char *from = rb_test_rfc3339 (start);
  g_autofree char *to = rb_test_rfc3339 (end);

  return g_strdup_printf ("{\"id\": \"%s\", \"space_id\": \"%s\", \"start\": \"%s\", "
                          "\"end\": \"%s\", \"rrule\": \"%s\", \"title\": \"Sprint-Review\", "
                          "\"attendees\": %d, \"mode\": \"%s\"}",
                          id, space_id, from, to, rrule, attendees, mode);
}

static RbTestResponse *
post_series (Fixture *f, const char *token, const char *body)
{
  return request (f, "POST", token, body, "/api/v1/series");
}

static JsonArray *
array_member (RbTestResponse *resp, const char *name)
{
  JsonObject *o = rb_test_response_get_object (resp);

  g_assert_nonnull (o);
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_array_member (o, name);
}

static const char *
element_string (JsonArray *array, guint i, const char *member)
{
  JsonObject *o = json_array_get_object_element (array, i);

  if (!json_object_has_member (o, member) || json_object_get_null_member (o, member))
    return NULL;
  return json_object_get_string_member (o, member);
}

static char *
body_text (RbTestResponse *resp)
{
  gsize size = 0;
  const char *data = resp->body != NULL ? g_bytes_get_data (resp->body, &size) : NULL;

  return g_strndup (data != NULL ? data : "", size);
}

/* No demo person's display name or id appears in the body (DESIGN.md invariant 5). */
static void
assert_no_names (RbTestResponse *resp)
{
  guint n = 0;
  const RbTestPerson *people = rb_test_demo_people (&n);
  g_autofree char *text = body_text (resp);

  for (guint i = 0; i < n; i++)
    if (strstr (text, people[i].display_name) != NULL || strstr (text, people[i].id) != NULL)
      g_error ("%s %s shows %s: %s", resp->method, resp->url, people[i].display_name, text);
}

static gint64
count (Fixture *f, const char *sql)
{
  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

/* The booking of the change feed (as `token` sees it) with this id, or NULL. */
static JsonObject *
find_in_feed (RbTestResponse *feed, const char *booking_id)
{
  JsonArray *changes = array_member (feed, "changes");
  JsonObject *found = NULL;

  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *booking = json_object_get_object_member (
          json_array_get_object_element (changes, i), "booking");

      if (g_str_equal (json_object_get_string_member (booking, "id"), booking_id))
        found = booking; /* the latest change wins */
    }
  return found;
}

/* ---- series --------------------------------------------------------------------------------- */

/* A team lead books a room every Tuesday and Thursday for two weeks; the bookings are in the
 * feed; a retry returns the same bookings; staff may not make series. */
static void
test_series_create (Fixture *f, gconstpointer data)
{
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = series_json (id, "a0-r01", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                                       "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", 6, "all_or_nothing");
  g_autofree char *path = g_strdup_printf ("/api/v1/series/%s", id);
  g_autoptr (RbTestResponse) created = post_series (f, anna, body);
  g_autoptr (RbTestResponse) retry = NULL;
  g_autoptr (RbTestResponse) feed = NULL;
  g_autoptr (RbTestResponse) listed = NULL;
  g_autoptr (RbTestResponse) staff = NULL;
  g_autofree char *staff_id = g_uuid_string_random ();
  g_autofree char *staff_body = NULL;
  static const char *const starts[] = { "2026-12-01T08:00:00Z", "2026-12-03T08:00:00Z",
                                        "2026-12-08T08:00:00Z", "2026-12-10T08:00:00Z" };
  JsonArray *bookings;

  rb_test_assert_status (created, 201);
  g_assert_cmpstr (soup_message_headers_get_one (created->headers, "Location"), ==, path);
  g_assert_cmpstr (rb_test_response_get_string (created, "series_id"), ==, id);
  g_assert_cmpuint (json_array_get_length (array_member (created, "conflicts")), ==, 0);
  bookings = array_member (created, "bookings");
  g_assert_cmpuint (json_array_get_length (bookings), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_assert_cmpstr (element_string (bookings, i, "start"), ==, starts[i]);
      g_assert_cmpstr (element_string (bookings, i, "series_id"), ==, id);
      g_assert_cmpstr (element_string (bookings, i, "person_id"), ==, "p-" ANNA);
      g_assert_cmpstr (element_string (bookings, i, "state"), ==, "booked");
    }

  /* Every occurrence is in the change feed. */
  feed = request (f, "GET", anna, NULL, "/api/v1/changes?since=0");
  rb_test_assert_status (feed, 200);
  for (guint i = 0; i < 4; i++)
    g_assert_nonnull (find_in_feed (feed, element_string (bookings, i, "id")));

  /* A retry with the same id: the same bookings, nothing new. */
  retry = post_series (f, anna, body);
  rb_test_assert_status (retry, 200);
  g_assert_cmpuint (json_array_get_length (array_member (retry, "bookings")), ==, 4);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpstr (element_string (array_member (retry, "bookings"), i, "id"), ==,
                     element_string (bookings, i, "id"));
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings"), ==, 4);

  listed = request (f, "GET", anna, NULL, path);
  rb_test_assert_status (listed, 200);
  g_assert_cmpuint (json_array_get_length (array_member (listed, "bookings")), ==, 4);

  /* Staff: 403, and nothing written. */
  staff_body = series_json (staff_id, "a0-r02", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                            "FREQ=DAILY;COUNT=2", 2, "all_or_nothing");
  staff = post_series (f, jonas, staff_body);
  rb_test_assert_problem (staff, 403, "forbidden");
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings"), ==, 4);
  g_assert_cmpint (count (f, "SELECT count(*) FROM series"), ==, 1);
}

/* One occurrence clashes with Jonas's booking: all_or_nothing writes nothing and names the
 * clash per occurrence; skip_conflicts books the other three and lists the skipped one. */
static void
test_series_conflicts (Fixture *f, gconstpointer data)
{
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *blocker = g_uuid_string_random ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *skip_id = g_uuid_string_random ();
  g_autofree char *body = series_json (id, "a0-r02", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                                       "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", 4, "all_or_nothing");
  g_autofree char *skip_body = series_json (skip_id, "a0-r02", DAY (1) + 8 * 3600,
                                            DAY (1) + 10 * 3600,
                                            "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", 4,
                                            "skip_conflicts");
  g_autoptr (RbTestResponse) booked = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) skipped = NULL;
  g_autoptr (RbTestResponse) retry = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  JsonArray *conflicts;
  JsonObject *conflict;

  /* Jonas has the room on Thursday 3 December, 08:30–09:30 UTC. */
  booked = rb_test_create_booking (f->session, f->server, jonas, blocker, "a0-r02",
                                   DAY (3) + 8 * 3600 + 1800, DAY (3) + 9 * 3600 + 1800,
                                   "Abstimmung", 2);
  rb_test_assert_status (booked, 201);
  before = rb_test_db_dump (rb_test_server_get_db_path (f->server),
                            "SELECT id, state, version, seq FROM bookings ORDER BY id");

  refused = post_series (f, anna, body);
  rb_test_assert_problem (refused, 409, "overlap");
  conflicts = array_member (refused, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  conflict = json_array_get_object_element (conflicts, 0);
  g_assert_cmpstr (json_object_get_string_member (conflict, "date"), ==, "2026-12-03");
  g_assert_cmpstr (json_object_get_string_member (conflict, "time"), ==, "09:00–11:00");
  g_assert_cmpstr (json_object_get_string_member (conflict, "start"), ==, "2026-12-03T08:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (conflict, "end"), ==, "2026-12-03T10:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (conflict, "code"), ==, "overlap");
  g_assert_cmpstr (json_object_get_string_member (conflict, "clash_start"), ==,
                   "2026-12-03T08:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (conflict, "clash_end"), ==,
                   "2026-12-03T09:30:00Z");
  /* The clash is an interval, not a person. */
  assert_no_names (refused);
  /* Nothing written: the bookings are as they were, and there is no series. */
  after = rb_test_db_dump (rb_test_server_get_db_path (f->server),
                           "SELECT id, state, version, seq FROM bookings ORDER BY id");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (count (f, "SELECT count(*) FROM series"), ==, 0);

  skipped = post_series (f, anna, skip_body);
  rb_test_assert_status (skipped, 201);
  g_assert_cmpuint (json_array_get_length (array_member (skipped, "bookings")), ==, 3);
  conflicts = array_member (skipped, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (element_string (conflicts, 0, "date"), ==, "2026-12-03");
  g_assert_cmpstr (element_string (conflicts, 0, "code"), ==, "overlap");
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings WHERE series_id IS NOT NULL"), ==, 3);

  /* A retry answers the same: the three bookings and the skipped occurrence. */
  retry = post_series (f, anna, skip_body);
  rb_test_assert_status (retry, 200);
  g_assert_cmpuint (json_array_get_length (array_member (retry, "bookings")), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (element_string (array_member (retry, "bookings"), i, "id"), ==,
                     element_string (array_member (skipped, "bookings"), i, "id"));
  conflicts = array_member (retry, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (element_string (conflicts, 0, "date"), ==, "2026-12-03");
  g_assert_cmpstr (element_string (conflicts, 0, "code"), ==, "overlap");
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings WHERE series_id IS NOT NULL"), ==, 3);
}

static char *
node_text (JsonArray *array)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);

  json_node_set_array (node, array);
  return json_to_string (node, FALSE);
}

static char *
dump_writes (Fixture *f)
{
  return rb_test_db_dump (rb_test_server_get_db_path (f->server),
                          "SELECT 'booking', id, state, version, seq FROM bookings"
                          " UNION ALL SELECT 'series', id, rrule, NULL, NULL FROM series"
                          " UNION ALL SELECT 'change', CAST (seq AS TEXT), booking_id, NULL, NULL FROM changes"
                          " ORDER BY 1, 2");
}

/* A dry run checks every occurrence as a real create does and writes nothing: with a clash
 * it answers 200 with the conflicts (all_or_nothing books nothing then; skip_conflicts would
 * book the rest), the same conflicts that the real create meets afterwards. Invalid requests
 * fail as for a real create. */
static void
test_series_dry_run (Fixture *f, gconstpointer data)
{
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *blocker = g_uuid_string_random ();
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *skip_id = g_uuid_string_random ();
  g_autofree char *free_id = g_uuid_string_random ();
  g_autofree char *body = series_json (id, "a0-r02", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                                       "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", 4, "all_or_nothing");
  g_autofree char *skip_body
      = series_json (skip_id, "a0-r02", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                     "FREQ=WEEKLY;BYDAY=TU,TH;COUNT=4", 4, "skip_conflicts");
  g_autofree char *free_body
      = series_json (free_id, "a0-r05", DAY (1) + 8 * 3600, DAY (1) + 9 * 3600,
                     "FREQ=DAILY;COUNT=2", 4, "all_or_nothing");
  g_autofree char *bad_rrule
      = series_json (free_id, "a0-r05", DAY (1) + 8 * 3600, DAY (1) + 9 * 3600,
                     "FREQ=HOURLY;COUNT=2", 4, "all_or_nothing");
  g_autoptr (RbTestResponse) booked = NULL;
  g_autoptr (RbTestResponse) dry = NULL;
  g_autoptr (RbTestResponse) dry_skip = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) skipped = NULL;
  g_autoptr (RbTestResponse) dry_replay = NULL;
  g_autoptr (RbTestResponse) not_dry = NULL;
  g_autoptr (RbTestResponse) wrong_value = NULL;
  g_autoptr (RbTestResponse) staff = NULL;
  g_autoptr (RbTestResponse) bad_json = NULL;
  g_autoptr (RbTestResponse) bad_rule = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *dry_conflicts = NULL;
  g_autofree char *skip_conflicts = NULL;
  g_autofree char *real_conflicts = NULL;
  const char *dry_path = "/api/v1/series?dry_run=true";
  JsonArray *planned;
  JsonArray *conflicts;

  /* Jonas has the room on Thursday 3 December, 08:30–09:30 UTC. */
  booked = rb_test_create_booking (f->session, f->server, jonas, blocker, "a0-r02",
                                   DAY (3) + 8 * 3600 + 1800, DAY (3) + 9 * 3600 + 1800,
                                   "Abstimmung", 2);
  rb_test_assert_status (booked, 201);
  before = dump_writes (f);

  dry = request (f, "POST", anna, body, dry_path);
  rb_test_assert_status (dry, 200);
  g_assert_null (soup_message_headers_get_one (dry->headers, "Location"));
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (dry), "dry_run"));
  g_assert_cmpstr (rb_test_response_get_string (dry, "series_id"), ==, id);
  /* all_or_nothing with a conflict would book nothing. */
  g_assert_cmpuint (json_array_get_length (array_member (dry, "bookings")), ==, 0);
  conflicts = array_member (dry, "conflicts");
  g_assert_cmpuint (json_array_get_length (conflicts), ==, 1);
  g_assert_cmpstr (element_string (conflicts, 0, "date"), ==, "2026-12-03");
  g_assert_cmpstr (element_string (conflicts, 0, "time"), ==, "09:00–11:00");
  g_assert_cmpstr (element_string (conflicts, 0, "code"), ==, "overlap");
  g_assert_cmpstr (element_string (conflicts, 0, "clash_start"), ==, "2026-12-03T08:30:00Z");
  assert_no_names (dry);
  dry_conflicts = node_text (conflicts);

  dry_skip = request (f, "POST", anna, skip_body, dry_path);
  rb_test_assert_status (dry_skip, 200);
  planned = array_member (dry_skip, "bookings");
  g_assert_cmpuint (json_array_get_length (planned), ==, 3);
  g_assert_cmpstr (element_string (planned, 0, "start"), ==, "2026-12-01T08:00:00Z");
  g_assert_cmpstr (element_string (planned, 1, "start"), ==, "2026-12-08T08:00:00Z");
  g_assert_cmpstr (element_string (planned, 2, "start"), ==, "2026-12-10T08:00:00Z");
  for (guint i = 0; i < 3; i++)
    {
      JsonObject *booking = json_array_get_object_element (planned, i);

      g_assert_cmpstr (element_string (planned, i, "series_id"), ==, skip_id);
      g_assert_cmpstr (element_string (planned, i, "person_id"), ==, "p-" ANNA);
      g_assert_cmpstr (element_string (planned, i, "state"), ==, "booked");
      g_assert_cmpint (json_object_get_int_member (booking, "version"), ==, 0);
      g_assert_cmpint (json_object_get_int_member (booking, "seq"), ==, 0);
    }
  skip_conflicts = node_text (array_member (dry_skip, "conflicts"));
  g_assert_cmpstr (skip_conflicts, ==, dry_conflicts);

  /* Nothing was written: no booking, no series, no change in the feed. */
  after = dump_writes (f);
  g_assert_cmpstr (after, ==, before);

  /* The real create meets exactly what the dry run reported. */
  refused = post_series (f, anna, body);
  rb_test_assert_problem (refused, 409, "overlap");
  real_conflicts = node_text (array_member (refused, "conflicts"));
  g_assert_cmpstr (real_conflicts, ==, dry_conflicts);
  skipped = post_series (f, anna, skip_body);
  rb_test_assert_status (skipped, 201);
  g_assert_cmpuint (json_array_get_length (array_member (skipped, "bookings")), ==, 3);
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpstr (element_string (array_member (skipped, "bookings"), i, "start"), ==,
                       element_string (planned, i, "start"));
      g_assert_cmpstr (element_string (array_member (skipped, "bookings"), i, "end"), ==,
                       element_string (planned, i, "end"));
    }
  g_free (real_conflicts);
  real_conflicts = node_text (array_member (skipped, "conflicts"));
  g_assert_cmpstr (real_conflicts, ==, dry_conflicts);

  /* A dry run of a series that is booked answers as its retry would, and writes nothing. */
  g_free (before);
  before = dump_writes (f);
  dry_replay = request (f, "POST", anna, skip_body, dry_path);
  rb_test_assert_status (dry_replay, 200);
  g_assert_true (
      json_object_get_boolean_member (rb_test_response_get_object (dry_replay), "dry_run"));
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (element_string (array_member (dry_replay, "bookings"), i, "id"), ==,
                     element_string (array_member (skipped, "bookings"), i, "id"));
  g_free (after);
  after = dump_writes (f);
  g_assert_cmpstr (after, ==, before);

  /* dry_run=false is a real create; any other value is refused. */
  not_dry = request (f, "POST", anna, free_body, "/api/v1/series?dry_run=false");
  rb_test_assert_status (not_dry, 201);
  g_assert_false (json_object_has_member (rb_test_response_get_object (not_dry), "dry_run"));
  wrong_value = request (f, "POST", anna, skip_body, "/api/v1/series?dry_run=yes");
  rb_test_assert_problem (wrong_value, 422, "invalid_field");

  /* Invalid requests fail as for a real create. */
  staff = request (f, "POST", jonas, skip_body, dry_path);
  rb_test_assert_problem (staff, 403, "forbidden");
  bad_json = request (f, "POST", anna, "{\"id\": ", dry_path);
  rb_test_assert_problem (bad_json, 400, "invalid_json");
  bad_rule = request (f, "POST", anna, bad_rrule, dry_path);
  rb_test_assert_problem (bad_rule, 422, "invalid_field");
}

/* Attendees above the room's seats: 422 capacity_exceeded for the series, with the
 * occurrences listed; the team lead's rooms reach 180 days ahead, not further. */
static void
test_series_rules (Fixture *f, gconstpointer data)
{
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  /* a0-r03 "Fokusraum Ahr" has 2 seats. */
  g_autofree char *crowded = series_json (id, "a0-r03", DAY (1) + 8 * 3600, DAY (1) + 9 * 3600,
                                          "FREQ=DAILY;COUNT=3", 3, "all_or_nothing");
  g_autofree char *near_id = g_uuid_string_random ();
  g_autofree char *far_id = g_uuid_string_random ();
  g_autofree char *staff_id = g_uuid_string_random ();
  /* 100 days ahead: beyond the 90 days of rooms, inside the team lead's 180. */
  g_autofree char *near = series_json (near_id, "a0-r02", DAY (100) + 8 * 3600,
                                       DAY (100) + 10 * 3600, "FREQ=DAILY;COUNT=1", 4,
                                       "all_or_nothing");
  /* 182 to 189 days ahead: beyond. */
  g_autofree char *far = series_json (far_id, "a0-r02", DAY (182) + 7 * 3600,
                                      DAY (182) + 9 * 3600, "FREQ=WEEKLY;COUNT=2", 4,
                                      "all_or_nothing");
  g_autoptr (RbTestResponse) capacity = post_series (f, anna, crowded);
  g_autoptr (RbTestResponse) near_created = post_series (f, anna, near);
  g_autoptr (RbTestResponse) far_refused = post_series (f, anna, far);
  g_autoptr (RbTestResponse) staff_near = rb_test_create_booking (
      f->session, f->server, jonas, staff_id, "a0-r02", DAY (100) + 11 * 3600,
      DAY (100) + 12 * 3600, NULL, 2);
  g_autoptr (RbTestResponse) bad_rrule = NULL;
  g_autoptr (RbTestResponse) bad_json = post_series (f, anna, "{\"id\": ");
  g_autofree char *bad_id = g_uuid_string_random ();
  g_autofree char *bad_body = series_json (bad_id, "a0-r02", DAY (1) + 8 * 3600,
                                           DAY (1) + 10 * 3600, "FREQ=HOURLY;COUNT=3", 2,
                                           "all_or_nothing");

  rb_test_assert_problem (capacity, 422, "capacity_exceeded");
  g_assert_cmpuint (json_array_get_length (array_member (capacity, "conflicts")), ==, 3);
  g_assert_cmpstr (element_string (array_member (capacity, "conflicts"), 0, "code"), ==,
                   "capacity_exceeded");

  rb_test_assert_status (near_created, 201);
  g_assert_cmpuint (json_array_get_length (array_member (near_created, "bookings")), ==, 1);
  rb_test_assert_problem (staff_near, 422, "horizon_exceeded");
  rb_test_assert_problem (far_refused, 422, "horizon_exceeded");
  g_assert_cmpuint (json_array_get_length (array_member (far_refused, "conflicts")), ==, 2);

  bad_rrule = post_series (f, anna, bad_body);
  rb_test_assert_problem (bad_rrule, 422, "invalid_field");
  rb_test_assert_problem (bad_json, 400, "invalid_json");

  /* The body limit of every endpoint: a title of 70 KiB is refused before it is parsed. */
  {
    g_autofree char *filler = g_strnfill (70 * 1024, 'x');
    g_autofree char *huge = g_strdup_printf ("{\"id\": \"%s\", \"title\": \"%s\"}", bad_id,
                                             filler);
    g_autoptr (RbTestResponse) too_large = post_series (f, anna, huge);

    rb_test_assert_problem (too_large, 413, "payload_too_large");
  }
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings"), ==, 1);
}

/* One occurrence through DELETE /bookings/{id} (the owner; not someone else), then the rest
 * with scope=following, then scope=all. */
static void
test_series_cancel (Fixture *f, gconstpointer data)
{
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = series_json (id, "a0-r01", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600,
                                       "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR;COUNT=5", 6,
                                       "all_or_nothing");
  g_autoptr (RbTestResponse) created = post_series (f, anna, body);
  g_autoptr (RbTestResponse) foreign = NULL;
  g_autoptr (RbTestResponse) one = NULL;
  g_autoptr (RbTestResponse) foreign_series = NULL;
  g_autoptr (RbTestResponse) following = NULL;
  g_autoptr (RbTestResponse) bad_scope = NULL;
  g_autoptr (RbTestResponse) all = NULL;
  g_autoptr (RbTestResponse) listed = NULL;
  g_autofree char *path = NULL;
  JsonArray *bookings;

  rb_test_assert_status (created, 201);
  bookings = array_member (created, "bookings");
  g_assert_cmpuint (json_array_get_length (bookings), ==, 5);

  path = g_strdup_printf ("/api/v1/bookings/%s", element_string (bookings, 1, "id"));
  foreign = request (f, "DELETE", jonas, NULL, path);
  rb_test_assert_problem (foreign, 403, "forbidden");
  one = request (f, "DELETE", anna, NULL, path);
  rb_test_assert_status (one, 200);
  g_assert_cmpstr (rb_test_response_get_string (one, "state"), ==, "cancelled");

  g_free (path);
  path = g_strdup_printf ("/api/v1/series/%s?scope=following&from=%s", id,
                          element_string (bookings, 3, "id"));
  foreign_series = request (f, "DELETE", jonas, NULL, path);
  rb_test_assert_problem (foreign_series, 403, "forbidden");
  following = request (f, "DELETE", anna, NULL, path);
  rb_test_assert_status (following, 200);
  g_assert_cmpuint (json_array_get_length (array_member (following, "cancelled")), ==, 2);

  g_free (path);
  path = g_strdup_printf ("/api/v1/series/%s?scope=sometimes", id);
  bad_scope = request (f, "DELETE", anna, NULL, path);
  rb_test_assert_problem (bad_scope, 422, "invalid_field");

  g_free (path);
  path = g_strdup_printf ("/api/v1/series/%s?scope=all", id);
  all = request (f, "DELETE", anna, NULL, path);
  rb_test_assert_status (all, 200);
  /* Only the first and the third were still active. */
  g_assert_cmpuint (json_array_get_length (array_member (all, "cancelled")), ==, 2);

  g_free (path);
  path = g_strdup_printf ("/api/v1/series/%s", id);
  listed = request (f, "GET", anna, NULL, path);
  rb_test_assert_status (listed, 200);
  for (guint i = 0; i < 5; i++)
    g_assert_cmpstr (element_string (array_member (listed, "bookings"), i, "state"), ==,
                     "cancelled");
}

/* ---- occupancy and the utilisation CSV ------------------------------------------------------ */

static void
book (Fixture *f, const char *token, const char *space_id, gint64 start, gint64 end,
      char **out_id)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) resp = rb_test_create_booking (f->session, f->server, token, id,
                                                            space_id, start, end, NULL, 0);

  rb_test_assert_status (resp, 201);
  if (out_id != NULL)
    *out_id = g_steal_pointer (&id);
}

static void
check_in (Fixture *f, const char *token, const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/check-in", id);
  g_autoptr (RbTestResponse) resp = request (f, "POST", token, NULL, path);

  rb_test_assert_status (resp, 200);
}

typedef struct
{
  int booked, checked_in, released;
  gint64 used_seconds;
} Expected;

/* The fixture, by hand, for the desks of the ground floor from 06:00 to 09:00 UTC (07:00 to
 * 10:00 in Bonn, all inside opening hours), in hour buckets:
 *   A  Jonas      a0-d001 06–08  checked in
 *   B  Katharina  a0-d002 06–07  checked in
 *   C  Leonie     a0-d003 06–09  not checked in → released (no-show) once 06:15 is past
 *   D  Mehmet     a0-d004 07–08  booked (its check-in window is still open at 07:00)
 *   E  Thomas     a0-d005 06–07  cancelled: counts nowhere
 *             booked  checked_in  released  used seconds
 *   06–07     A B C   A B         C         2 × 3600
 *   07–08     A C D   A           C         1 × 3600
 *   08–09     C       –           C         0 */
/* The site's minimum group (PUT /policy as the administrator Christian). */
static void
set_min_group_size (Fixture *f, int size)
{
  rb_test_set_policy_member (f->session, f->server, "min_group_size",
                             json_node_init_int (json_node_alloc (), size));
}

static const Expected expected_hours[] = {
  { 3, 2, 1, 7200 },
  { 3, 1, 1, 3600 },
  { 1, 0, 1, 0 },
};

static void
test_occupancy (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *katharina = login (f, "17157");
  g_autofree char *leonie = login (f, "14835");
  g_autofree char *mehmet = login (f, "15350");
  g_autofree char *thomas = login (f, "21343");
  g_autofree char *monika = NULL;
  g_autofree char *staff = NULL;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *e = NULL;
  g_autofree char *cancel_path = NULL;
  g_autoptr (RbTestResponse) cancelled = NULL;
  g_autoptr (RbTestResponse) desks = NULL;
  g_autoptr (RbTestResponse) occupancy = NULL;
  g_autoptr (RbTestResponse) csv = NULL;
  g_autoptr (RbTestResponse) staff_occupancy = NULL;
  g_autoptr (RbTestResponse) staff_csv = NULL;
  g_autoptr (RbTestResponse) bad_bucket = NULL;
  g_autoptr (RbTestResponse) bad_floor = NULL;
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  const char *query = "?floor=flr-a-eg&kind=desk&from=2026-11-30T06:00:00Z"
                      "&to=2026-11-30T09:00:00Z&bucket=hour";
  g_autofree char *occupancy_path = g_strconcat ("/api/v1/occupancy", query, NULL);
  g_autofree char *csv_path = g_strconcat ("/api/v1/reports/utilisation.csv", query, NULL);
  const char *disposition;
  JsonArray *buckets;
  guint n_desks;
  gboolean released = FALSE;

  book (f, jonas, "a0-d001", AT (6, 0), AT (8, 0), &a);
  book (f, katharina, "a0-d002", AT (6, 0), AT (7, 0), &b);
  book (f, leonie, "a0-d003", AT (6, 0), AT (9, 0), &c);
  book (f, mehmet, "a0-d004", AT (7, 0), AT (8, 0), NULL);
  book (f, thomas, "a0-d005", AT (6, 0), AT (7, 0), &e);
  check_in (f, jonas, a);
  check_in (f, katharina, b);
  cancel_path = g_strdup_printf ("/api/v1/bookings/%s", e);
  cancelled = request (f, "DELETE", thomas, NULL, cancel_path);
  rb_test_assert_status (cancelled, 200);

  /* An hour later Leonie's booking is a no-show: the server releases it when it starts. */
  rb_test_server_stop (f->server);
  rb_test_server_set_now (f->server, "2026-11-30T07:00:00Z");
  rb_test_server_start (f->server);
  for (int i = 0; i < 100 && !released; i++)
    {
      if (i > 0)
        g_usleep (100 * 1000);
      released = rb_test_db_int (rb_test_server_get_db_path (f->server),
                                 "SELECT count(*) FROM bookings WHERE state = 'released'")
                 == 1;
    }
  g_assert_true (released);

  /* The figures by hand rest on one to three people: shown only with no minimum group. */
  set_min_group_size (f, 1);
  monika = login (f, MONIKA);
  staff = login (f, JONAS);
  desks = request (f, "GET", monika, NULL, "/api/v1/spaces?floor=flr-a-eg&kind=desk");
  rb_test_assert_status (desks, 200);
  n_desks = json_array_get_length (array_member (desks, "items"));
  g_assert_cmpuint (n_desks, >, 5);

  occupancy = request (f, "GET", monika, NULL, occupancy_path);
  rb_test_assert_status (occupancy, 200);
  assert_no_names (occupancy);
  buckets = array_member (occupancy, "buckets");
  g_assert_cmpuint (json_array_get_length (buckets), ==, G_N_ELEMENTS (expected_hours));
  for (guint i = 0; i < G_N_ELEMENTS (expected_hours); i++)
    {
      JsonObject *bucket = json_array_get_object_element (buckets, i);
      g_autofree char *start = rb_test_rfc3339 (AT (6 + i, 0));
      double utilisation = (double) expected_hours[i].used_seconds / (n_desks * 3600.0);

      g_assert_cmpstr (json_object_get_string_member (bucket, "start"), ==, start);
      g_assert_cmpint (json_object_get_int_member (bucket, "spaces"), ==, n_desks);
      g_assert_cmpint (json_object_get_int_member (bucket, "booked"), ==, expected_hours[i].booked);
      g_assert_cmpint (json_object_get_int_member (bucket, "checked_in"), ==,
                       expected_hours[i].checked_in);
      g_assert_cmpint (json_object_get_int_member (bucket, "released"), ==,
                       expected_hours[i].released);
      g_assert_cmpfloat_with_epsilon (json_object_get_double_member (bucket, "utilisation"),
                                      utilisation, 0.0001);
    }

  /* The same as CSV: RFC 4180 with a header, CRLF line ends, an attachment. */
  csv = request (f, "GET", monika, NULL, csv_path);
  rb_test_assert_status (csv, 200);
  assert_no_names (csv);
  g_assert_cmpstr (csv->content_type, ==, "text/csv");
  g_assert_nonnull (strstr (soup_message_headers_get_one (csv->headers, "Content-Type"),
                            "charset=utf-8"));
  disposition = soup_message_headers_get_one (csv->headers, "Content-Disposition");
  g_assert_nonnull (disposition);
  g_assert_true (g_str_has_prefix (disposition, "attachment; filename=\""));
  text = body_text (csv);
  g_assert_true (g_str_has_suffix (text, "\r\n"));
  lines = g_strsplit (text, "\r\n", -1);
  /* header, three buckets, and the empty rest after the last CRLF */
  g_assert_cmpuint (g_strv_length (lines), ==, 5);
  g_assert_cmpstr (lines[0], ==,
                   "start,end,floor_id,floor,kind,spaces,booked,checked_in,released,"
                   "used_seconds,open_seconds,utilisation,booked_seconds,forecast,withheld");
  for (const char *p = strchr (text, '\n'); p != NULL; p = strchr (p + 1, '\n'))
    g_assert_true (p > text && p[-1] == '\r');
  for (guint i = 0; i < G_N_ELEMENTS (expected_hours); i++)
    {
      g_auto (GStrv) fields = g_strsplit (lines[i + 1], ",", -1);
      g_autofree char *spaces = g_strdup_printf ("%u", n_desks);
      g_autofree char *open = g_strdup_printf ("%u", n_desks * 3600);

      g_assert_cmpuint (g_strv_length (fields), ==, 15);
      g_assert_cmpstr (fields[14], ==, "");
      g_assert_cmpstr (fields[4], ==, "desk");
      g_assert_cmpstr (fields[5], ==, spaces);
      g_assert_cmpint (g_ascii_strtoll (fields[6], NULL, 10), ==, expected_hours[i].booked);
      g_assert_cmpint (g_ascii_strtoll (fields[7], NULL, 10), ==, expected_hours[i].checked_in);
      g_assert_cmpint (g_ascii_strtoll (fields[8], NULL, 10), ==, expected_hours[i].released);
      g_assert_cmpint (g_ascii_strtoll (fields[9], NULL, 10), ==,
                       expected_hours[i].used_seconds);
      g_assert_cmpstr (fields[10], ==, open);
    }
  /* Local times with their offset; no floor columns without grouping by floor. */
  g_assert_true (g_str_has_prefix (lines[1], "2026-11-30T07:00:00+01:00,2026-11-30T08:00:00+01:00,,,desk,"));

  /* With the default minimum group of 5 every bucket is withheld: no figure, only why. */
  set_min_group_size (f, 5);
  g_clear_pointer (&occupancy, rb_test_response_free);
  occupancy = request (f, "GET", monika, NULL, occupancy_path);
  rb_test_assert_status (occupancy, 200);
  buckets = array_member (occupancy, "buckets");
  for (guint i = 0; i < json_array_get_length (buckets); i++)
    {
      JsonObject *bucket = json_array_get_object_element (buckets, i);

      g_assert_cmpint (json_object_get_int_member (bucket, "withheld_below"), ==, 5);
      g_assert_false (json_object_has_member (bucket, "booked"));
      g_assert_false (json_object_has_member (bucket, "utilisation"));
    }
  g_clear_pointer (&csv, rb_test_response_free);
  csv = request (f, "GET", monika, NULL, csv_path);
  g_free (text);
  text = body_text (csv);
  g_assert_nonnull (strstr (text, ",,,,fewer than 5 people\r\n"));
  g_assert_null (strstr (text, "0.0000"));

  /* Staff: 403 on both; bad parameters: 422 and 404. */
  staff_occupancy = request (f, "GET", staff, NULL, occupancy_path);
  rb_test_assert_problem (staff_occupancy, 403, "forbidden");
  staff_csv = request (f, "GET", staff, NULL, csv_path);
  rb_test_assert_problem (staff_csv, 403, "forbidden");
  bad_bucket = request (f, "GET", monika, NULL, "/api/v1/occupancy?bucket=minute");
  rb_test_assert_problem (bad_bucket, 422, "invalid_field");
  bad_floor = request (f, "GET", monika, NULL, "/api/v1/occupancy?floor=flr-nowhere");
  rb_test_assert_problem (bad_floor, 404, "not_found");
}

/* ---- iCalendar -------------------------------------------------------------------------------- */

static void
test_calendar (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *katharina = login (f, "17157");
  g_autofree char *mine = NULL;
  g_autofree char *theirs = NULL;
  g_autofree char *uid = NULL;
  g_autofree char *other_uid = NULL;
  g_autofree char *text = NULL;
  g_autofree char *token_url = NULL;
  g_autoptr (RbTestResponse) ics = NULL;
  g_autoptr (RbTestResponse) by_query = NULL;
  icalcomponent *calendar;
  icalcomponent *event;
  gboolean found = FALSE;

  /* Tuesday 1 December, 08:00–10:00 UTC: 09:00–11:00 in Bonn. */
  book (f, jonas, "a0-d001", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600, &mine);
  book (f, katharina, "a0-d002", DAY (1) + 8 * 3600, DAY (1) + 10 * 3600, &theirs);
  uid = g_strconcat (mine, "@raumbuch", NULL);
  other_uid = g_strconcat (theirs, "@raumbuch", NULL);

  ics = request (f, "GET", jonas, NULL, "/api/v1/me/bookings.ics");
  rb_test_assert_status (ics, 200);
  g_assert_cmpstr (ics->content_type, ==, "text/calendar");
  g_assert_true (g_str_has_prefix (
      soup_message_headers_get_one (ics->headers, "Content-Disposition"), "attachment"));
  text = body_text (ics);
  g_assert_null (strstr (text, other_uid));

  calendar = icalparser_parse_string (text);
  g_assert_nonnull (calendar);
  g_assert_cmpint (icalcomponent_isa (calendar), ==, ICAL_VCALENDAR_COMPONENT);
  g_assert_nonnull (icalcomponent_get_first_component (calendar, ICAL_VTIMEZONE_COMPONENT));
  for (event = icalcomponent_get_first_component (calendar, ICAL_VEVENT_COMPONENT);
       event != NULL; event = icalcomponent_get_next_component (calendar, ICAL_VEVENT_COMPONENT))
    {
      icalproperty *dtstart;
      icalparameter *tzid;
      struct icaltimetype start, end;

      if (g_strcmp0 (icalcomponent_get_uid (event), uid) != 0)
        continue;
      found = TRUE;
      dtstart = icalcomponent_get_first_property (event, ICAL_DTSTART_PROPERTY);
      tzid = icalproperty_get_first_parameter (dtstart, ICAL_TZID_PARAMETER);
      g_assert_nonnull (tzid);
      g_assert_cmpstr (icalparameter_get_tzid (tzid), ==, "Europe/Berlin");
      start = icalproperty_get_dtstart (dtstart);
      end = icalcomponent_get_dtend (event);
      g_assert_cmpint (start.year, ==, 2026);
      g_assert_cmpint (start.month, ==, 12);
      g_assert_cmpint (start.day, ==, 1);
      g_assert_cmpint (start.hour, ==, 9);
      g_assert_cmpint (start.minute, ==, 0);
      g_assert_cmpint (end.hour, ==, 11);
      g_assert_cmpint (icalcomponent_get_status (event), ==, ICAL_STATUS_CONFIRMED);
    }
  icalcomponent_free (calendar);
  g_assert_true (found);

  /* The token only as a bearer header: in the URL it opens nothing. */
  token_url = g_strdup_printf ("/api/v1/me/bookings.ics?token=%s", jonas);
  by_query = request (f, "GET", NULL, NULL, token_url);
  rb_test_assert_problem (by_query, 401, "unauthenticated");
}

/* ---- blocks ------------------------------------------------------------------------------------ */

static void
test_blocks (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *monika = login (f, MONIKA);
  g_autofree char *affected = NULL;
  g_autofree char *late = g_uuid_string_random ();
  g_autofree char *block_path = NULL;
  g_autofree char *block_id = NULL;
  const char *block_body = "{\"start\": \"2026-12-02T00:00:00Z\", \"end\": \"2026-12-03T00:00:00Z\","
                           " \"reason\": \"Wasserschaden\"}";
  const char *preview_path = "/api/v1/spaces/a0-r03/blocks?from=2026-12-02T00:00:00Z"
                             "&to=2026-12-03T00:00:00Z";
  g_autoptr (RbTestResponse) preview = NULL;
  g_autoptr (RbTestResponse) staff_preview = NULL;
  g_autoptr (RbTestResponse) staff_block = NULL;
  g_autoptr (RbTestResponse) unknown_member = NULL;
  g_autoptr (RbTestResponse) no_reason = NULL;
  g_autoptr (RbTestResponse) no_space = NULL;
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) mine = NULL;
  g_autoptr (RbTestResponse) feed = NULL;
  g_autoptr (RbTestResponse) blocked = NULL;
  g_autoptr (RbTestResponse) staff_remove = NULL;
  g_autoptr (RbTestResponse) removed = NULL;
  g_autoptr (RbTestResponse) removed_again = NULL;
  JsonArray *cancelled;
  JsonArray *items;
  JsonObject *change;
  JsonObject *block;
  gboolean seen = FALSE;

  book (f, jonas, "a0-r03", DAY (2) + 8 * 3600, DAY (2) + 9 * 3600, &affected);

  /* The facility manager sees which bookings a block would cancel, but not whose. */
  preview = request (f, "GET", monika, NULL, preview_path);
  rb_test_assert_status (preview, 200);
  items = array_member (preview, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  g_assert_cmpstr (element_string (items, 0, "id"), ==, affected);
  g_assert_null (element_string (items, 0, "person_id"));
  assert_no_names (preview);
  staff_preview = request (f, "GET", jonas, NULL, preview_path);
  rb_test_assert_problem (staff_preview, 403, "forbidden");

  staff_block = request (f, "POST", jonas, block_body, "/api/v1/spaces/a0-r03/blocks");
  rb_test_assert_problem (staff_block, 403, "forbidden");
  unknown_member = request (f, "POST", monika,
                            "{\"start\": \"2026-12-02T00:00:00Z\", \"end\": \"2026-12-03T00:00:00Z\","
                            " \"reason\": \"x\", \"silent\": true}",
                            "/api/v1/spaces/a0-r03/blocks");
  rb_test_assert_problem (unknown_member, 422, "invalid_field");
  no_reason = request (f, "POST", monika,
                       "{\"start\": \"2026-12-02T00:00:00Z\", \"end\": \"2026-12-03T00:00:00Z\","
                       " \"reason\": \"  \"}",
                       "/api/v1/spaces/a0-r03/blocks");
  rb_test_assert_problem (no_reason, 422, "invalid_field");
  no_space = request (f, "POST", monika, block_body, "/api/v1/spaces/nowhere/blocks");
  rb_test_assert_problem (no_space, 404, "not_found");
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings WHERE state = 'cancelled'"), ==, 0);

  created = request (f, "POST", monika, block_body, "/api/v1/spaces/a0-r03/blocks");
  rb_test_assert_status (created, 201);
  assert_no_names (created);
  block = json_object_get_object_member (rb_test_response_get_object (created), "block");
  block_id = g_strdup (json_object_get_string_member (block, "id"));
  g_assert_cmpstr (json_object_get_string_member (block, "reason"), ==, "Wasserschaden");
  block_path = g_strdup_printf ("/api/v1/blocks/%s", block_id);
  g_assert_cmpstr (soup_message_headers_get_one (created->headers, "Location"), ==, block_path);
  cancelled = array_member (created, "cancelled");
  g_assert_cmpuint (json_array_get_length (cancelled), ==, 1);
  g_assert_cmpstr (element_string (cancelled, 0, "id"), ==, affected);
  g_assert_cmpstr (element_string (cancelled, 0, "state"), ==, "cancelled");
  g_assert_cmpstr (element_string (cancelled, 0, "cancel_reason"), ==, "Wasserschaden");

  /* The owner sees the cancellation and its reason in "my bookings" and in the feed. */
  mine = request (f, "GET", jonas, NULL, "/api/v1/bookings?mine=true");
  rb_test_assert_status (mine, 200);
  items = array_member (mine, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_str_equal (element_string (items, i, "id"), affected))
      {
        seen = TRUE;
        g_assert_cmpstr (element_string (items, i, "state"), ==, "cancelled");
        g_assert_cmpstr (element_string (items, i, "cancel_reason"), ==, "Wasserschaden");
      }
  g_assert_true (seen);
  feed = request (f, "GET", jonas, NULL, "/api/v1/changes?since=0");
  rb_test_assert_status (feed, 200);
  change = find_in_feed (feed, affected);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "state"), ==, "cancelled");
  g_assert_cmpstr (json_object_get_string_member (change, "cancel_reason"), ==, "Wasserschaden");

  /* The space cannot be booked in the block. */
  blocked = rb_test_create_booking (f->session, f->server, jonas, late, "a0-r03",
                                    DAY (2) + 10 * 3600, DAY (2) + 11 * 3600, NULL, 1);
  rb_test_assert_problem (blocked, 409, "space_blocked");

  staff_remove = request (f, "DELETE", jonas, NULL, block_path);
  rb_test_assert_problem (staff_remove, 403, "forbidden");
  removed = request (f, "DELETE", monika, NULL, block_path);
  rb_test_assert_status (removed, 204);
  removed_again = request (f, "DELETE", monika, NULL, block_path);
  rb_test_assert_problem (removed_again, 404, "not_found");
  /* The booking it cancelled stays cancelled. */
  g_assert_cmpint (count (f, "SELECT count(*) FROM bookings WHERE state = 'cancelled'"), ==, 1);
}

/* GET /blocks as `token` (or, with device, the kiosk's device token) at path. */
static RbTestResponse *
list_blocks (Fixture *f, const char *token, const char *device, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  if (device == NULL)
    return rb_test_request (f->session, "GET", url, token, NULL, NULL);
  return rb_test_request (f->session, "GET", url, token, NULL, "X-Device-Token", device, NULL);
}

/* The ids of a block list, joined with spaces. */
static char *
block_ids (RbTestResponse *resp)
{
  JsonArray *items = array_member (resp, "items");
  g_autoptr (GString) ids = g_string_new (NULL);

  rb_test_assert_status (resp, 200);
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_string_append_printf (ids, "%s%s", i > 0 ? " " : "", element_string (items, i, "id"));
  return g_strdup (ids->str);
}

static char *
make_block (Fixture *f, const char *token, const char *space_id, const char *start, const char *end,
            const char *reason)
{
  g_autofree char *body = g_strdup_printf (
      "{\"start\": \"%s\", \"end\": \"%s\", \"reason\": \"%s\"}", start, end, reason);
  g_autofree char *path = g_strdup_printf ("/api/v1/spaces/%s/blocks", space_id);
  g_autoptr (RbTestResponse) created = request (f, "POST", token, body, path);
  JsonObject *block;

  rb_test_assert_status (created, 201);
  block = json_object_get_object_member (rb_test_response_get_object (created), "block");
  return g_strdup (json_object_get_string_member (block, "id"));
}

#define ASSERT_BLOCKS(f, token, device, path, expected)                                            \
  G_STMT_START                                                                                     \
  {                                                                                                \
    g_autoptr (RbTestResponse) _resp = list_blocks ((f), (token), (device), (path));               \
    g_autofree char *_ids = block_ids (_resp);                                                     \
    g_assert_cmpstr (_ids, ==, (expected));                                                        \
  }                                                                                                \
  G_STMT_END

/* Every caller, kiosks too, lists the blocks from now on, ordered by start, by floor, by
 * space and in a half-open range; a lifted block is gone from the list. */
static void
test_blocks_list (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *monika = login (f, MONIKA);
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autofree char *past
      = make_block (f, monika, "a0-r02", "2026-11-29T08:00:00Z", "2026-11-29T10:00:00Z", "Umzug");
  g_autofree char *water = make_block (f, monika, "a0-r03", "2026-12-02T00:00:00Z",
                                       "2026-12-03T00:00:00Z", "Wasserschaden");
  g_autofree char *monitor = make_block (f, monika, "a1-d001", "2026-12-01T08:00:00Z",
                                         "2026-12-01T12:00:00Z", "Monitor defekt");
  g_autofree char *cleaning = make_block (f, monika, "a0-r01", "2026-12-04T06:00:00Z",
                                          "2026-12-04T10:00:00Z", "Reinigung");
  g_autofree char *all_ahead = g_strdup_printf ("%s %s %s", monitor, water, cleaning);
  g_autofree char *ground_floor = g_strdup_printf ("%s %s", water, cleaning);
  g_autofree char *with_past = g_strdup_printf ("%s %s %s %s", past, monitor, water, cleaning);
  g_autofree char *lift_path = g_strdup_printf ("/api/v1/blocks/%s", water);
  g_autofree char *after_lift = g_strdup_printf ("%s %s", monitor, cleaning);
  g_autoptr (RbTestResponse) listed = NULL;
  g_autoptr (RbTestResponse) reversed = NULL;
  g_autoptr (RbTestResponse) bad_from = NULL;
  g_autoptr (RbTestResponse) nobody = NULL;
  g_autoptr (RbTestResponse) staff_lift = NULL;
  g_autoptr (RbTestResponse) lifted = NULL;
  g_autoptr (RbTestResponse) unknown = NULL;
  g_autoptr (RbTestResponse) not_an_id = NULL;
  JsonArray *items;

  /* From now on (the server's clock), ordered by start, with every member. */
  listed = list_blocks (f, jonas, NULL, "/api/v1/blocks");
  rb_test_assert_status (listed, 200);
  items = array_member (listed, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 3);
  g_assert_cmpstr (element_string (items, 1, "id"), ==, water);
  g_assert_cmpstr (element_string (items, 1, "space_id"), ==, "a0-r03");
  g_assert_cmpstr (element_string (items, 1, "start"), ==, "2026-12-02T00:00:00Z");
  g_assert_cmpstr (element_string (items, 1, "end"), ==, "2026-12-03T00:00:00Z");
  g_assert_cmpstr (element_string (items, 1, "reason"), ==, "Wasserschaden");
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks", all_ahead);

  /* Each filter, and a kiosk with its device token. */
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?floor=flr-a-eg", ground_floor);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?floor=flr-a-1og", monitor);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?floor=flr-a-3og", "");
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?space=a0-r03", water);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?space=nowhere", "");
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?floor=flr-a-eg&space=a1-d001", "");
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?from=2026-11-29T00:00:00Z", with_past);
  /* Half-open: a block that starts at `to` or ends at `from` does not overlap. */
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?from=2026-12-02T00:00:00Z&to=2026-12-04T06:00:00Z",
                 water);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?from=2026-12-03T00:00:00Z&to=2026-12-04T07:00:00Z",
                 cleaning);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks?to=2026-12-02T00:00:00Z", monitor);
  ASSERT_BLOCKS (f, NULL, device, "/api/v1/blocks", all_ahead);
  ASSERT_BLOCKS (f, NULL, device, "/api/v1/blocks?space=a1-d001", monitor);

  reversed = list_blocks (f, jonas, NULL,
                          "/api/v1/blocks?from=2026-12-04T00:00:00Z&to=2026-12-02T00:00:00Z");
  rb_test_assert_problem (reversed, 422, "invalid_interval");
  bad_from = list_blocks (f, jonas, NULL, "/api/v1/blocks?from=tomorrow");
  rb_test_assert_problem (bad_from, 422, "invalid_field");
  nobody = list_blocks (f, NULL, NULL, "/api/v1/blocks");
  rb_test_assert_problem (nobody, 401, "unauthenticated");

  /* Lifting: staff may not; a facility manager may, once; ids that name no block are 404. */
  staff_lift = request (f, "DELETE", jonas, NULL, lift_path);
  rb_test_assert_problem (staff_lift, 403, "forbidden");
  lifted = request (f, "DELETE", monika, NULL, lift_path);
  rb_test_assert_status (lifted, 204);
  ASSERT_BLOCKS (f, jonas, NULL, "/api/v1/blocks", after_lift);
  ASSERT_BLOCKS (f, NULL, device, "/api/v1/blocks?space=a0-r03", "");
  unknown = request (f, "DELETE", monika, NULL, lift_path);
  rb_test_assert_problem (unknown, 404, "not_found");
  not_an_id = request (f, "DELETE", monika, NULL, "/api/v1/blocks/water");
  rb_test_assert_problem (not_an_id, 404, "not_found");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/series/create", Fixture, NULL, fixture_set_up, test_series_create,
              fixture_tear_down);
  g_test_add ("/server/series/conflicts", Fixture, NULL, fixture_set_up, test_series_conflicts,
              fixture_tear_down);
  g_test_add ("/server/series/rules", Fixture, NULL, fixture_set_up, test_series_rules,
              fixture_tear_down);
  g_test_add ("/server/series/dry-run", Fixture, NULL, fixture_set_up, test_series_dry_run,
              fixture_tear_down);
  g_test_add ("/server/series/cancel", Fixture, NULL, fixture_set_up, test_series_cancel,
              fixture_tear_down);
  g_test_add ("/server/occupancy/fixture", Fixture, NULL, fixture_set_up, test_occupancy,
              fixture_tear_down);
  g_test_add ("/server/calendar/ics", Fixture, NULL, fixture_set_up, test_calendar,
              fixture_tear_down);
  g_test_add ("/server/blocks/cancel", Fixture, NULL, fixture_set_up, test_blocks,
              fixture_tear_down);
  g_test_add ("/server/blocks/list", Fixture, NULL, fixture_set_up, test_blocks_list,
              fixture_tear_down);
  return g_test_run ();
}
