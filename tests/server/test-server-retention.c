/* test-server-retention.c: retention on the real server with its clock moved forward (issue
 * 13). A booking made on Monday 5 January 2026 names its person and title (released as a
 * no-show by Wednesday); the server started again 100 days later has anonymised it (the change feed carries it without them, and the
 * occupancy of that day is unchanged); started again 400 days later it has deleted it, and
 * the feed says so. The policy's retention settings are read and refused as they should be. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define MONDAY "2026-01-05T07:00:00Z"
#define WEDNESDAY "2026-01-07T07:00:00Z"
#define MONDAY_PLUS_100_DAYS "2026-04-15T07:00:00Z"
#define MONDAY_PLUS_400_DAYS "2027-02-09T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define DAY G_GINT64_CONSTANT (1767571200)
#define AT(hour_utc) (DAY + (hour_utc) * 3600)

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

  f->dir = g_dir_make_tmp ("raumbuch-retention-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, MONDAY);
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

static RbTestResponse *
get (Fixture *f, const char *token, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, "GET", url, token, NULL, NULL);
}

static void
restart_at (Fixture *f, const char *now)
{
  rb_test_server_stop (f->server);
  rb_test_server_set_now (f->server, now);
  rb_test_server_start (f->server);
}

/* The feed's entries from `since` on, once there is at least one (the server applies
 * retention in its first round of housekeeping, right after it starts). */
static JsonArray *
wait_for_changes (Fixture *f, const char *token, gint64 since, RbTestResponse **out_resp)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, since);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  for (;;)
    {
      g_autoptr (RbTestResponse) resp = get (f, token, path);
      JsonArray *changes;

      rb_test_assert_status (resp, 200);
      changes = json_object_get_array_member (rb_test_response_get_object (resp), "changes");
      if (json_array_get_length (changes) > 0)
        {
          *out_resp = g_steal_pointer (&resp);
          return changes;
        }
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (50 * 1000);
    }
}

static JsonObject *
find_change (JsonArray *changes, const char *member, const char *booking_id)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      const char *id = NULL;

      if (g_str_equal (member, "booking") && json_object_has_member (change, "booking"))
        id = json_object_get_string_member (json_object_get_object_member (change, "booking"),
                                            "id");
      else if (g_str_equal (member, "deleted") && json_object_has_member (change, "deleted"))
        id = json_object_get_string_member (change, "deleted");
      if (g_strcmp0 (id, booking_id) == 0)
        return change;
    }
  return NULL;
}

static char *
occupancy_of_monday (Fixture *f)
{
  g_autofree char *token = rb_test_login_person (
      f->session, f->server, rb_test_demo_person_with_role ("facility_manager", 0));
  g_autofree char *from = rb_test_rfc3339 (DAY);
  g_autofree char *to = rb_test_rfc3339 (DAY + 86400);
  g_autofree char *path = g_strdup_printf ("/api/v1/occupancy?from=%s&to=%s&bucket=day", from,
                                           to);
  g_autoptr (RbTestResponse) resp = get (f, token, path);

  rb_test_assert_status (resp, 200);
  return g_strndup (g_bytes_get_data (resp->body, NULL), g_bytes_get_size (resp->body));
}

static void
test_anonymise_then_delete (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *room = g_uuid_string_random ();
  g_autofree char *desk = g_uuid_string_random ();
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *occupancy_before = NULL;
  g_autofree char *occupancy_after = NULL;
  g_autoptr (RbTestResponse) made_room = NULL;
  g_autoptr (RbTestResponse) made_desk = NULL;
  g_autoptr (RbTestResponse) head = NULL;
  g_autoptr (RbTestResponse) anonymised_resp = NULL;
  g_autoptr (RbTestResponse) deleted_resp = NULL;
  g_autoptr (RbTestResponse) gone = NULL;
  JsonArray *changes;
  JsonObject *change, *booking;
  gint64 cursor;

  made_room = rb_test_create_booking (f->session, f->server, token, room, "a0-r03", AT (8),
                                      AT (9), "Sprint review", 2);
  rb_test_assert_status (made_room, 201);
  made_desk = rb_test_create_booking (f->session, f->server, token, desk, "a0-d001", AT (8),
                                      AT (15), NULL, 0);
  rb_test_assert_status (made_desk, 201);
  /* Two days on, both are no-shows, released: the figures to keep. */
  restart_at (f, WEDNESDAY);
  g_free (token);
  token = rb_test_login_person (f->session, f->server, jonas);
  while (rb_test_db_int (rb_test_server_get_db_path (f->server),
                         "SELECT count (*) FROM bookings WHERE state = 'released'")
         < 2)
    g_usleep (50 * 1000);
  head = get (f, token, "/api/v1/changes?since=0&limit=0");
  rb_test_assert_status (head, 200);
  cursor = rb_test_response_get_int (head, "next");
  occupancy_before = occupancy_of_monday (f);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM bookings WHERE person_id IS NOT NULL"),
                   ==, 2);

  /* 100 days on: the bookings no longer say who or what, but still where, when, how many. */
  restart_at (f, MONDAY_PLUS_100_DAYS);
  g_free (token);
  token = rb_test_login_person (f->session, f->server, jonas);
  changes = wait_for_changes (f, token, cursor, &anonymised_resp);
  change = find_change (changes, "booking", room);
  g_assert_nonnull (change);
  booking = json_object_get_object_member (change, "booking");
  g_assert_false (json_object_has_member (booking, "person_id")
                  && !json_object_get_null_member (booking, "person_id"));
  g_assert_false (json_object_has_member (booking, "title")
                  && !json_object_get_null_member (booking, "title"));
  g_assert_cmpstr (json_object_get_string_member (booking, "space_id"), ==, "a0-r03");
  g_assert_cmpint (json_object_get_int_member (booking, "attendees"), ==, 2);
  g_assert_true (json_object_get_boolean_member (booking, "anonymised"));
  g_assert_nonnull (find_change (changes, "booking", desk));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM bookings WHERE person_id IS NOT NULL"
                                   " OR title IS NOT NULL"),
                   ==, 0);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM booking_requests"),
                   ==, 0);
  occupancy_after = occupancy_of_monday (f);
  g_assert_cmpstr (occupancy_after, ==, occupancy_before);
  cursor = rb_test_response_get_int (anonymised_resp, "next");

  /* 400 days on: deleted, and the feed tells clients to delete them too. */
  restart_at (f, MONDAY_PLUS_400_DAYS);
  g_free (token);
  token = rb_test_login_person (f->session, f->server, jonas);
  changes = wait_for_changes (f, token, cursor, &deleted_resp);
  g_assert_nonnull (find_change (changes, "deleted", room));
  g_assert_nonnull (find_change (changes, "deleted", desk));
  g_assert_null (find_change (changes, "booking", room));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM bookings"),
                   ==, 0);
  path = g_strdup_printf ("/api/v1/bookings/%s", room);
  g_free (url);
  url = rb_test_server_url (f->server, "%s", path);
  gone = rb_test_request (f->session, "DELETE", url, token, NULL, NULL);
  rb_test_assert_problem (gone, 404, "not_found");
}

/* Shorter settings take effect at the next round; deleting before anonymising is refused. */
static void
test_policy_settings (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person_with_role ("admin", 0));
  g_autoptr (RbTestResponse) policy = get (f, admin, "/api/v1/policy");
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/policy");
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) saved = NULL;
  g_autofree char *body = NULL;
  JsonObject *o;

  rb_test_assert_status (policy, 200);
  o = rb_test_response_get_object (policy);
  g_assert_cmpint (json_object_get_int_member (o, "anonymise_after_days"), ==, 90);
  g_assert_cmpint (json_object_get_int_member (o, "delete_after_days"), ==, 365);
  g_assert_cmpint (json_object_get_int_member (o, "min_group_size"), ==, 5);
  g_assert_cmpint (json_object_get_int_member (o, "audit_retention_days"), ==, 730);

  json_object_set_int_member (o, "delete_after_days", 30);
  root = json_node_init_object (json_node_alloc (), o);
  json_generator_set_root (generator, root);
  body = json_generator_to_data (generator, NULL);
  refused = rb_test_request (f->session, "PUT", url, admin, body, NULL);
  rb_test_assert_problem (refused, 422, "invalid_field");
  g_assert_nonnull (strstr (rb_test_response_get_string (refused, "detail"), "deleted"));

  json_object_set_int_member (o, "audit_retention_days", 364);
  g_free (body);
  body = json_generator_to_data (generator, NULL);
  g_clear_pointer (&refused, rb_test_response_free);
  refused = rb_test_request (f->session, "PUT", url, admin, body, NULL);
  rb_test_assert_problem (refused, 422, "invalid_field");
  g_assert_cmpstr (rb_test_response_get_string (refused, "field"), ==, "audit_retention_days");
  json_object_set_int_member (o, "audit_retention_days", 365);

  json_object_set_int_member (o, "anonymise_after_days", 7);
  g_free (body);
  body = json_generator_to_data (generator, NULL);
  saved = rb_test_request (f->session, "PUT", url, admin, body, NULL);
  rb_test_assert_status (saved, 200);
  g_assert_cmpint (rb_test_response_get_int (saved, "anonymise_after_days"), ==, 7);
  g_assert_cmpint (rb_test_response_get_int (saved, "delete_after_days"), ==, 30);
  g_assert_cmpint (rb_test_response_get_int (saved, "audit_retention_days"), ==, 365);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/retention/anonymise-then-delete", Fixture, NULL, fixture_set_up,
              test_anonymise_then_delete, fixture_tear_down);
  g_test_add ("/retention/policy-settings", Fixture, NULL, fixture_set_up,
              test_policy_settings, fixture_tear_down);
  return g_test_run ();
}
