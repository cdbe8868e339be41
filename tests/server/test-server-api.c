/* test-server-api.c: a walk through every endpoint of raumbuch-server that issue 3 asks for,
 * against the real server process on a loopback port the kernel chose, with a libsoup client.
 * The server's clock starts on Monday 30 November 2026 at 06:00 UTC (07:00 in Bonn) and runs
 * on in real time. Every answer is checked for its status and, for errors, for its
 * problem+json code. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"
#include "rb-time.h"

#define NOW "2026-11-30T06:00:00Z"
/* 2026-11-30 00:00 UTC */
#define DAY_START G_GINT64_CONSTANT (1795996800)
#define AT(hour, minute) (DAY_START + (hour) * 3600 + (minute) * 60)

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  const char *retention = data;
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-api-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  if (retention != NULL)
    rb_test_server_add_args (f->server, "--feed-retention", retention, NULL);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  /* SIGTERM must end the server cleanly, with exit status 0. */
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

static JsonArray *
items (RbTestResponse *resp)
{
  JsonObject *o = rb_test_response_get_object (resp);

  g_assert_nonnull (o);
  g_assert_true (json_object_has_member (o, "items"));
  return json_object_get_array_member (o, "items");
}

/* No display name of anyone but `self` appears in the body (DESIGN.md invariant 5). */
static void
assert_no_other_names (RbTestResponse *resp, const RbTestPerson *self)
{
  guint n = 0;
  const RbTestPerson *people = rb_test_demo_people (&n);
  gsize size = 0;
  const char *body = resp->body != NULL ? g_bytes_get_data (resp->body, &size) : NULL;
  g_autofree char *text = g_strndup (body != NULL ? body : "", size);

  for (guint i = 0; i < n; i++)
    {
      if (self != NULL && g_str_equal (people[i].id, self->id))
        continue;
      if (strstr (text, people[i].display_name) != NULL || strstr (text, people[i].id) != NULL)
        g_error ("%s %s shows %s: %s", resp->method, resp->url, people[i].display_name, text);
    }
}

static RbTestResponse *
create (Fixture *f, const char *token, const char *id, const char *space_id, gint64 start,
        gint64 end)
{
  return rb_test_create_booking (f->session, f->server, token, id, space_id, start, end, NULL, 0);
}

static JsonObject *
object_member (RbTestResponse *resp, const char *name)
{
  JsonObject *o = rb_test_response_get_object (resp);

  g_assert_nonnull (o);
  g_assert_true (json_object_has_member (o, name));
  return json_object_get_object_member (o, name);
}

/* ---- health, building, spaces --------------------------------------------------------------- */

static void
test_building (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) health = get (f, NULL, "/api/v1/health");
  g_autoptr (RbTestResponse) anonymous = get (f, NULL, "/api/v1/spaces");
  g_autoptr (RbTestResponse) sites = get (f, token, "/api/v1/sites");
  g_autoptr (RbTestResponse) buildings = get (f, token, "/api/v1/buildings");
  g_autoptr (RbTestResponse) floors = get (f, token, "/api/v1/floors");
  g_autoptr (RbTestResponse) rooms = get (f, token, "/api/v1/spaces?floor=flr-a-eg&kind=room");
  g_autoptr (RbTestResponse) video = get (f, token, "/api/v1/spaces?kind=room&amenity=video,whiteboard");
  g_autoptr (RbTestResponse) bad_kind = get (f, token, "/api/v1/spaces?kind=sofa");
  g_autoptr (RbTestResponse) bad_floor = get (f, token, "/api/v1/spaces?floor=flr-x");
  g_autoptr (RbTestResponse) half_filter = get (f, token, "/api/v1/spaces?free_from=" NOW);
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) desks_now = NULL;
  g_autoptr (RbTestResponse) free_later = NULL;
  g_autoptr (RbTestResponse) free_now = NULL;
  g_autoptr (RbTestResponse) openapi = get (f, NULL, "/api/v1/openapi.json");
  g_autoptr (RbTestResponse) unknown = get (f, token, "/api/v1/nothing");
  JsonArray *array;
  gboolean seen = FALSE;

  rb_test_assert_status (health, 200);
  g_assert_cmpstr (rb_test_response_get_string (health, "status"), ==, "ok");
  g_assert_cmpint (rb_test_response_get_int (health, "schema_version"), >=, 2);
  g_assert_cmpstr (rb_test_response_get_string (health, "version"), ==, PACKAGE_VERSION);
  rb_test_assert_problem (anonymous, 401, "unauthenticated");

  rb_test_assert_status (sites, 200);
  g_assert_cmpuint (json_array_get_length (items (sites)), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items (sites), 0),
                                                  "timezone"), ==, "Europe/Berlin");
  rb_test_assert_status (buildings, 200);
  g_assert_cmpuint (json_array_get_length (items (buildings)), ==, 1);
  rb_test_assert_status (floors, 200);
  g_assert_cmpuint (json_array_get_length (items (floors)), ==, 4);

  rb_test_assert_status (rooms, 200);
  array = items (rooms);
  g_assert_cmpuint (json_array_get_length (array), >, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *space = json_array_get_object_element (array, i);

      g_assert_cmpstr (json_object_get_string_member (space, "kind"), ==, "room");
      g_assert_cmpstr (json_object_get_string_member (space, "floor_id"), ==, "flr-a-eg");
      g_assert_cmpstr (json_object_get_string_member (space, "state"), ==, "free");
      g_assert_true (json_object_has_member (space, "busy_until"));
      g_assert_true (json_object_has_member (space, "free_until"));
    }
  rb_test_assert_status (video, 200);
  array = items (video);
  g_assert_cmpuint (json_array_get_length (array), >, 0);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonArray *amenities = json_object_get_array_member (json_array_get_object_element (array, i),
                                                           "amenities");
      guint found = 0;

      for (guint j = 0; j < json_array_get_length (amenities); j++)
        found += g_str_equal (json_array_get_string_element (amenities, j), "video")
                 || g_str_equal (json_array_get_string_element (amenities, j), "whiteboard");
      g_assert_cmpuint (found, ==, 2);
    }
  rb_test_assert_problem (bad_kind, 422, "invalid_field");
  rb_test_assert_problem (bad_floor, 404, "not_found");
  rb_test_assert_problem (half_filter, 422, "invalid_field");

  /* Book desk a0-d001 from 06:00 to 08:00 UTC: busy now until 08:00, and not free 07–09. */
  created = create (f, token, id, "a0-d001", AT (6, 0), AT (8, 0));
  rb_test_assert_status (created, 201);
  desks_now = get (f, token, "/api/v1/spaces?floor=flr-a-eg&kind=desk");
  rb_test_assert_status (desks_now, 200);
  array = items (desks_now);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *space = json_array_get_object_element (array, i);

      if (!g_str_equal (json_object_get_string_member (space, "id"), "a0-d001"))
        continue;
      seen = TRUE;
      g_assert_cmpstr (json_object_get_string_member (space, "state"), ==, "busy");
      g_assert_cmpstr (json_object_get_string_member (space, "busy_until"), ==,
                       "2026-11-30T08:00:00Z");
      g_assert_true (json_object_get_null_member (space, "free_until"));
    }
  g_assert_true (seen);

  free_now = get (f, token, "/api/v1/spaces?floor=flr-a-eg&free_from=2026-11-30T07:00:00Z"
                            "&free_to=2026-11-30T09:00:00Z");
  free_later = get (f, token, "/api/v1/spaces?floor=flr-a-eg&free_from=2026-11-30T08:00:00Z"
                              "&free_to=2026-11-30T09:00:00Z");
  rb_test_assert_status (free_now, 200);
  rb_test_assert_status (free_later, 200);
  g_assert_cmpuint (json_array_get_length (items (free_later)), ==,
                    json_array_get_length (items (free_now)) + 1);

  /* The API description is served when it exists (another part of issue 3 writes it). */
  if (openapi->status == 200)
    g_assert_nonnull (rb_test_response_get_object (openapi));
  else
    rb_test_assert_problem (openapi, 404, "not_found");
  rb_test_assert_problem (unknown, 404, "not_found");
}

/* ---- sessions ------------------------------------------------------------------------------ */

static RbTestResponse *
login (Fixture *f, const char *staff_number, const char *pin, const char *device_token)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");
  g_autofree char *body = g_strdup_printf ("{\"staff_number\": \"%s\", \"pin\": \"%s\"}",
                                           staff_number, pin);

  if (device_token != NULL)
    return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", device_token,
                            NULL);
  return rb_test_request (f->session, "POST", url, NULL, body, NULL);
}

/* A lock says how long it holds (seconds, in the header and the problem) and until when by
 * the server's clock: five minutes after the wrong PIN that set it, a few seconds of the
 * test's own time aside. */
static void
assert_lock_end (RbTestResponse *resp, gint64 lock_seconds)
{
  const char *header = soup_message_headers_get_one (resp->headers, "Retry-After");
  gint64 retry_after = rb_test_response_get_int (resp, "retry_after");
  gint64 retry_at = 0, start = 0;

  g_assert_nonnull (header);
  g_assert_cmpint (g_ascii_strtoll (header, NULL, 10), ==, retry_after);
  g_assert_cmpint (retry_after, <=, lock_seconds);
  g_assert_cmpint (retry_after, >=, lock_seconds - 10);
  g_assert_true (rb_time_from_rfc3339 (rb_test_response_get_string (resp, "retry_at"), &retry_at,
                                       NULL));
  g_assert_true (rb_time_from_rfc3339 (NOW, &start, NULL));
  g_assert_cmpint (retry_at, >=, start + lock_seconds);
  g_assert_cmpint (retry_at, <=, start + lock_seconds + 60);
}

static void
test_sessions (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  g_autoptr (RbTestResponse) ok = login (f, jonas->staff_number, jonas->pin, NULL);
  g_autoptr (RbTestResponse) wrong = login (f, jonas->staff_number, "0000", NULL);
  g_autoptr (RbTestResponse) nobody = login (f, "99999", "1234", NULL);
  g_autoptr (RbTestResponse) spaces = NULL;
  g_autoptr (RbTestResponse) bye = NULL;
  g_autoptr (RbTestResponse) after = NULL;
  g_autoptr (RbTestResponse) locked = NULL;
  g_autoptr (RbTestResponse) locked_right_pin = NULL;
  g_autoptr (RbTestResponse) other = NULL;
  g_autofree char *current = rb_test_server_url (f->server, "/api/v1/sessions/current");
  JsonObject *person;
  const char *token;

  rb_test_assert_status (ok, 201);
  token = rb_test_response_get_string (ok, "token");
  g_assert_nonnull (token);
  g_assert_cmpuint (strlen (token), ==, 64);
  /* 12 hours after the server's clock (give or take the seconds the test took). */
  g_assert_true (g_str_has_prefix (rb_test_response_get_string (ok, "expires_at"),
                                   "2026-11-30T18:0"));
  person = object_member (ok, "person");
  g_assert_cmpstr (json_object_get_string_member (person, "id"), ==, jonas->id);
  g_assert_cmpstr (json_object_get_string_member (person, "display_name"), ==, jonas->display_name);
  g_assert_cmpstr (json_object_get_string_member (person, "role"), ==, "staff");

  rb_test_assert_problem (wrong, 401, "unauthenticated");
  rb_test_assert_problem (nobody, 401, "unauthenticated");

  spaces = get (f, token, "/api/v1/spaces?kind=room");
  rb_test_assert_status (spaces, 200);
  bye = rb_test_request (f->session, "DELETE", current, token, NULL, NULL);
  rb_test_assert_status (bye, 204);
  after = get (f, token, "/api/v1/spaces?kind=room");
  rb_test_assert_problem (after, 401, "unauthenticated");

  /* One wrong PIN so far; three more make four in a row, and the fifth locks the staff
   * number and says so. */
  for (int i = 0; i < 3; i++)
    {
      g_autoptr (RbTestResponse) again = login (f, jonas->staff_number, "1111", NULL);
      rb_test_assert_problem (again, 401, "unauthenticated");
    }
  locked = login (f, jonas->staff_number, "1111", NULL);
  rb_test_assert_problem (locked, 429, "locked");
  /* Five minutes at this client (the server's RB_LOGIN_CLIENT_LOCK_SECONDS). */
  assert_lock_end (locked, 5 * 60);
  locked_right_pin = login (f, jonas->staff_number, jonas->pin, NULL);
  rb_test_assert_problem (locked_right_pin, 429, "locked");
  assert_lock_end (locked_right_pin, 5 * 60);
  /* Only that staff number. */
  other = login (f, leonie->staff_number, leonie->pin, NULL);
  rb_test_assert_status (other, 201);
}

/* ---- bookings --------------------------------------------------------------------------- */

static RbTestResponse *
patch (Fixture *f, const char *token, const char *id, const char *if_match, const char *body)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings/%s", id);

  if (if_match != NULL)
    return rb_test_request (f->session, "PATCH", url, token, body, "If-Match", if_match, NULL);
  return rb_test_request (f->session, "PATCH", url, token, body, NULL);
}

static RbTestResponse *
post_empty (Fixture *f, const char *token, const char *method, const char *path_format,
            const char *id)
{
  g_autofree char *url = rb_test_server_url (f->server, path_format, id);

  return rb_test_request (f->session, method, url, token, NULL, NULL);
}

static void
assert_booking (RbTestResponse *resp, const char *id, const char *state, gint64 version)
{
  g_assert_cmpstr (rb_test_response_get_string (resp, "id"), ==, id);
  g_assert_cmpstr (rb_test_response_get_string (resp, "state"), ==, state);
  g_assert_cmpint (rb_test_response_get_int (resp, "version"), ==, version);
}

static void
test_bookings (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *other_token = rb_test_login_person (f->session, f->server, leonie);
  g_autofree char *room = g_uuid_string_random ();
  g_autofree char *desk = g_uuid_string_random ();
  g_autofree char *later = g_uuid_string_random ();
  g_autofree char *clash_id = g_uuid_string_random ();
  g_autofree char *bookings_url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *big = NULL;
  g_autofree char *expected_location = g_strdup_printf ("/api/v1/bookings/%s", room);
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) retried = NULL;
  g_autoptr (RbTestResponse) clash = NULL;
  g_autoptr (RbTestResponse) patched = NULL;
  g_autoptr (RbTestResponse) stale = NULL;
  g_autoptr (RbTestResponse) no_if_match = NULL;
  g_autoptr (RbTestResponse) not_mine = NULL;
  g_autoptr (RbTestResponse) cancelled = NULL;
  g_autoptr (RbTestResponse) unknown = NULL;
  g_autoptr (RbTestResponse) desk_created = NULL;
  g_autoptr (RbTestResponse) checked_in = NULL;
  g_autoptr (RbTestResponse) later_created = NULL;
  g_autoptr (RbTestResponse) too_early = NULL;
  g_autoptr (RbTestResponse) too_large = NULL;
  g_autoptr (RbTestResponse) malformed = NULL;
  g_autoptr (RbTestResponse) wrong_key = NULL;
  g_autoptr (RbTestResponse) mine = NULL;
  g_autoptr (RbTestResponse) theirs = NULL;
  g_autoptr (RbTestResponse) feed = NULL;
  g_autoptr (RbTestResponse) feed_page = NULL;
  g_autoptr (RbTestResponse) feed_rest = NULL;
  g_autoptr (RbTestResponse) expired = NULL;
  g_autoptr (RbTestResponse) others_feed = NULL;
  g_autofree char *booking_body = NULL;
  JsonObject *conflict;
  JsonArray *changes;
  gint64 seq, last_seq = 0;

  /* Create: 201, ETag and Location. */
  created = rb_test_create_booking (f->session, f->server, token, room, "a0-r03", AT (9, 0),
                                    AT (10, 0), "Review", 2);
  rb_test_assert_status (created, 201);
  assert_booking (created, room, "booked", 1);
  g_assert_cmpstr (soup_message_headers_get_one (created->headers, "ETag"), ==, "\"1\"");
  g_assert_cmpstr (soup_message_headers_get_one (created->headers, "Location"), ==,
                   expected_location);
  g_assert_cmpstr (rb_test_response_get_string (created, "person_id"), ==, jonas->id);
  seq = rb_test_response_get_int (created, "seq");
  g_assert_cmpint (seq, >, 0);

  /* The same request again: the same booking with 200, never a second one. */
  retried = rb_test_create_booking (f->session, f->server, token, room, "a0-r03", AT (9, 0),
                                    AT (10, 0), "Review", 2);
  rb_test_assert_status (retried, 200);
  assert_booking (retried, room, "booked", 1);
  g_assert_cmpint (rb_test_response_get_int (retried, "seq"), ==, seq);

  /* Idempotency-Key must name the booking. */
  booking_body = rb_test_booking_json (clash_id, "a0-r03", AT (12, 0), AT (13, 0), NULL, 0);
  wrong_key = rb_test_request (f->session, "POST", bookings_url, token, booking_body,
                               "Idempotency-Key", room, NULL);
  rb_test_assert_problem (wrong_key, 422, "invalid_field");

  /* Overlap: 409 naming the clashing interval. */
  clash = rb_test_create_booking (f->session, f->server, other_token, clash_id, "a0-r03",
                                  AT (9, 30), AT (10, 30), NULL, 0);
  rb_test_assert_problem (clash, 409, "overlap");
  conflict = object_member (clash, "conflict");
  g_assert_cmpstr (json_object_get_string_member (conflict, "start"), ==, "2026-11-30T09:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (conflict, "end"), ==, "2026-11-30T10:00:00Z");

  /* PATCH with the current version; then with the old one. */
  patched = patch (f, token, room, "\"1\"",
                   "{\"start\": \"2026-11-30T10:00:00Z\", \"end\": \"2026-11-30T11:30:00Z\","
                   " \"title\": \"Longer review\"}");
  rb_test_assert_status (patched, 200);
  assert_booking (patched, room, "booked", 2);
  g_assert_cmpstr (rb_test_response_get_string (patched, "start"), ==, "2026-11-30T10:00:00Z");
  g_assert_cmpstr (rb_test_response_get_string (patched, "end"), ==, "2026-11-30T11:30:00Z");
  g_assert_cmpstr (rb_test_response_get_string (patched, "title"), ==, "Longer review");
  g_assert_cmpstr (soup_message_headers_get_one (patched->headers, "ETag"), ==, "\"2\"");
  g_assert_cmpint (rb_test_response_get_int (patched, "seq"), >, seq);
  stale = patch (f, token, room, "\"1\"", "{\"title\": \"Again\"}");
  rb_test_assert_problem (stale, 412, "stale_version");
  no_if_match = patch (f, token, room, NULL, "{\"title\": \"Again\"}");
  rb_test_assert_problem (no_if_match, 428, "invalid_field");

  /* Someone else's booking cannot be cancelled by a member of staff. */
  not_mine = post_empty (f, other_token, "DELETE", "/api/v1/bookings/%s", room);
  rb_test_assert_problem (not_mine, 403, "forbidden");
  cancelled = post_empty (f, token, "DELETE", "/api/v1/bookings/%s", room);
  rb_test_assert_status (cancelled, 200);
  assert_booking (cancelled, room, "cancelled", 3);
  unknown = post_empty (f, token, "DELETE", "/api/v1/bookings/%s",
                        "00000000-0000-4000-8000-000000000000");
  rb_test_assert_problem (unknown, 404, "not_found");

  /* Check-in from 15 minutes before the start until 15 minutes after: a desk from 06:15
   * (now is 06:00) can be checked in, one at 16:00 not yet. */
  desk_created = create (f, token, desk, "a0-d002", AT (6, 15), AT (9, 0));
  rb_test_assert_status (desk_created, 201);
  checked_in = post_empty (f, token, "POST", "/api/v1/bookings/%s/check-in", desk);
  rb_test_assert_status (checked_in, 200);
  assert_booking (checked_in, desk, "checked_in", 2);
  later_created = create (f, token, later, "a0-d002", AT (16, 0), AT (17, 0));
  rb_test_assert_status (later_created, 201);
  too_early = post_empty (f, token, "POST", "/api/v1/bookings/%s/check-in", later);
  rb_test_assert_problem (too_early, 422, "check_in_window");

  /* A body of 100 KB is refused before it is parsed; a malformed one is 400. */
  big = g_strdup_printf ("{\"id\": \"%s\", \"title\": \"%0*d\"}", clash_id, 100 * 1024, 0);
  too_large = rb_test_request (f->session, "POST", bookings_url, token, big, NULL);
  rb_test_assert_problem (too_large, 413, "payload_too_large");
  malformed = rb_test_request (f->session, "POST", bookings_url, token, "{\"id\": ", NULL);
  rb_test_assert_problem (malformed, 400, "invalid_json");

  /* Lists: mine in full, the other person sees them without who booked. */
  mine = get (f, token, "/api/v1/bookings?mine=true&from=2026-11-30T00:00:00Z"
                        "&to=2026-12-01T00:00:00Z");
  rb_test_assert_status (mine, 200);
  g_assert_cmpuint (json_array_get_length (items (mine)), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items (mine), i),
                                                    "person_id"), ==, jonas->id);
  theirs = get (f, other_token, "/api/v1/bookings?space=a0-d002");
  rb_test_assert_status (theirs, 200);
  g_assert_cmpuint (json_array_get_length (items (theirs)), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_true (json_object_get_null_member (json_array_get_object_element (items (theirs), i),
                                                "person_id"));
  assert_no_other_names (theirs, leonie);

  /* The change feed: every booking once, in its latest state, in sequence order. */
  feed = get (f, token, "/api/v1/changes?since=0");
  rb_test_assert_status (feed, 200);
  changes = json_object_get_array_member (rb_test_response_get_object (feed), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 3);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);
      JsonObject *booking = json_object_get_object_member (change, "booking");
      const char *expected[] = { room, desk, later };
      gint64 change_seq = json_object_get_int_member (change, "seq");

      g_assert_cmpint (change_seq, >, last_seq);
      g_assert_cmpint (change_seq, ==, json_object_get_int_member (booking, "seq"));
      last_seq = change_seq;
      g_assert_cmpstr (json_object_get_string_member (booking, "id"), ==, expected[i]);
    }
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (json_array_get_object_element (changes, 0),
                                                      "booking"),
                       "id"),
                   ==, room);
  g_assert_cmpstr (json_object_get_string_member (
                       json_object_get_object_member (json_array_get_object_element (changes, 0),
                                                      "booking"),
                       "state"),
                   ==, "cancelled");
  g_assert_cmpint (rb_test_response_get_int (feed, "next"), ==, last_seq + 1);

  /* Paging: one at a time, continuing at "next". */
  feed_page = get (f, token, "/api/v1/changes?since=0&limit=1");
  rb_test_assert_status (feed_page, 200);
  {
    g_autofree char *rest_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT,
                                                  rb_test_response_get_int (feed_page, "next"));
    feed_rest = get (f, token, rest_path);
  }
  rb_test_assert_status (feed_rest, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        rb_test_response_get_object (feed_rest), "changes")), ==, 2);

  /* The server keeps cursors for the last 3 changes only (--feed-retention 3). */
  expired = get (f, token, "/api/v1/changes?since=1");
  rb_test_assert_problem (expired, 410, "cursor_expired");

  /* Leonie's feed shows Jonas's bookings, but not that they are his. */
  others_feed = get (f, other_token, "/api/v1/changes?since=0");
  rb_test_assert_status (others_feed, 200);
  assert_no_other_names (others_feed, leonie);
}

/* ---- kiosk devices ------------------------------------------------------------------------- */

static char *
add_device (Fixture *f, const char *name)
{
  const char *argv[] = { g_getenv ("RAUMBUCH_SERVER"), "--db", rb_test_server_get_db_path (f->server),
                         "--add-device", name, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_assert_nonnull (argv[0]);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_spawn_check_wait_status (status, &error);
  g_assert_no_error (error);
  /* Two lines: token=<64 hex digits> and public_key=<base64 of 32 bytes>. */
  {
    g_auto (GStrv) lines = g_strsplit (g_strchomp (out), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, 2);
    g_assert_true (g_str_has_prefix (lines[0], "token="));
    g_assert_cmpuint (strlen (lines[0] + strlen ("token=")), ==, 64);
    g_assert_true (g_str_has_prefix (lines[1], "public_key="));
    g_assert_cmpuint (strlen (lines[1] + strlen ("public_key=")), ==, 44);
    return g_strdup (lines[0] + strlen ("token="));
  }
}

static RbTestResponse *
device_get (Fixture *f, const char *device_token, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, "GET", url, NULL, NULL, "X-Device-Token", device_token,
                          NULL);
}

static void
test_device (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *device = add_device (f, "Kiosk Erdgeschoss");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  g_autofree char *bookings_url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *body = rb_test_booking_json (other_id, "a0-r05", AT (12, 0), AT (13, 0),
                                                NULL, 0);
  g_autofree char *forged = g_strnfill (64, 'a');
  g_autoptr (RbTestResponse) created = create (f, token, id, "a0-r03", AT (9, 0), AT (10, 0));
  g_autoptr (RbTestResponse) spaces = device_get (f, device, "/api/v1/spaces?floor=flr-a-eg");
  g_autoptr (RbTestResponse) bookings = device_get (f, device, "/api/v1/bookings?space=a0-r03");
  g_autoptr (RbTestResponse) feed = device_get (f, device, "/api/v1/changes?since=0");
  g_autoptr (RbTestResponse) mine = device_get (f, device, "/api/v1/bookings?mine=true");
  g_autoptr (RbTestResponse) forged_spaces = device_get (f, forged, "/api/v1/spaces");
  g_autoptr (RbTestResponse) post = rb_test_request (f->session, "POST", bookings_url, NULL, body,
                                                     "X-Device-Token", device, NULL);
  g_autoptr (RbTestResponse) post_as_bearer = rb_test_request (f->session, "POST", bookings_url,
                                                               device, body, NULL);
  g_autoptr (RbTestResponse) kiosk_login = login (f, jonas->staff_number, jonas->pin, device);
  g_autoptr (RbTestResponse) forged_login = login (f, jonas->staff_number, jonas->pin, forged);
  JsonArray *changes;

  rb_test_assert_status (created, 201);
  rb_test_assert_status (spaces, 200);
  g_assert_cmpuint (json_array_get_length (items (spaces)), >, 0);

  rb_test_assert_status (bookings, 200);
  g_assert_cmpuint (json_array_get_length (items (bookings)), ==, 1);
  g_assert_true (json_object_get_null_member (json_array_get_object_element (items (bookings), 0),
                                              "person_id"));
  assert_no_other_names (bookings, NULL);
  rb_test_assert_status (feed, 200);
  changes = json_object_get_array_member (rb_test_response_get_object (feed), "changes");
  g_assert_cmpuint (json_array_get_length (changes), ==, 1);
  g_assert_true (json_object_get_null_member (
      json_object_get_object_member (json_array_get_object_element (changes, 0), "booking"),
      "person_id"));
  assert_no_other_names (feed, NULL);
  rb_test_assert_problem (mine, 401, "unauthenticated");
  rb_test_assert_problem (forged_spaces, 401, "unauthenticated");

  /* A kiosk alone may not book: someone must identify. */
  rb_test_assert_problem (post, 401, "unauthenticated");
  rb_test_assert_problem (post_as_bearer, 401, "unauthenticated");

  /* A session opened at the kiosk lasts only as long as a visit at the touch screen. */
  rb_test_assert_status (kiosk_login, 201);
  g_assert_true (g_str_has_prefix (rb_test_response_get_string (kiosk_login, "expires_at"),
                                   "2026-11-30T06:1"));
  rb_test_assert_problem (forged_login, 401, "unauthenticated");
}

/* ---- paging of GET /bookings ------------------------------------------------------------- */

/* Follows "next" from url (which has a query already) with limit=page; every booking id in
 * the order of the pages, and how many pages it took. */
static GPtrArray *
collect_pages (Fixture *f, const char *token, const char *url, int page, guint *out_pages)
{
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *next = NULL;
  gint64 last_start = G_MININT64;

  *out_pages = 0;
  do
    {
      g_autofree char *page_url = NULL;
      g_autoptr (RbTestResponse) resp = NULL;
      JsonArray *items_array;
      JsonObject *o;

      page_url = next != NULL ? g_strdup_printf ("%s&limit=%d&after=%s", url, page, next)
                              : g_strdup_printf ("%s&limit=%d", url, page);
      resp = rb_test_request (f->session, "GET", page_url, token, NULL, NULL);
      rb_test_assert_status (resp, 200);
      items_array = items (resp);
      g_assert_cmpuint (json_array_get_length (items_array), <=, page);
      for (guint i = 0; i < json_array_get_length (items_array); i++)
        {
          JsonObject *booking = json_array_get_object_element (items_array, i);
          gint64 start = 0;

          g_assert_true (rb_time_from_rfc3339 (json_object_get_string_member (booking, "start"),
                                               &start, NULL));
          g_assert_cmpint (start, >=, last_start);
          last_start = start;
          g_ptr_array_add (ids, g_strdup (json_object_get_string_member (booking, "id")));
        }
      o = rb_test_response_get_object (resp);
      g_clear_pointer (&next, g_free);
      if (json_object_has_member (o, "next"))
        {
          /* Only a full page says that more may follow. */
          g_assert_cmpuint (json_array_get_length (items_array), ==, page);
          next = g_strdup (json_object_get_string_member (o, "next"));
        }
      (*out_pages)++;
      g_assert_cmpuint (*out_pages, <, 100);
    }
  while (next != NULL);
  return ids;
}

/* More bookings than a page holds, several starting at the same time: the pages together
 * hold each booking exactly once, in the order of start, whatever the page size; a bad limit
 * or cursor is 422 invalid_field. Before, GET /bookings had no limit and no "next". */
static void
test_bookings_pages (Fixture *f, gconstpointer data)
{
  static const char *const rooms[] = { "a0-r01", "a0-r03", "a0-r05" };
  static const char *const bad[] = {
    "limit=0", "limit=1001", "limit=x", "limit=-1", "after=%21%21", "after=Zm9v",
    "after=LzE", "after=eC9i",
  };
  g_autofree char *token = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person ("14475"));
  g_autofree char *url = rb_test_server_url (
      f->server, "/api/v1/bookings?from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z");
  g_autofree char *mine_url = rb_test_server_url (
      f->server, "/api/v1/bookings?mine=true&from=2026-12-01T00:00:00Z&to=2026-12-02T00:00:00Z");
  g_autoptr (GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (RbTestResponse) whole = NULL;
  g_autoptr (GPtrArray) single = NULL;

  /* 3 rooms × 4 half hours on Tuesday, three bookings at each start. */
  for (int slot = 0; slot < 4; slot++)
    for (guint r = 0; r < G_N_ELEMENTS (rooms); r++)
      {
        g_autofree char *id = g_uuid_string_random ();
        gint64 start = AT (24 + 8, 30 * slot);
        g_autoptr (RbTestResponse) resp = create (f, token, id, rooms[r], start, start + 1800);

        rb_test_assert_status (resp, 201);
        g_hash_table_add (created, g_steal_pointer (&id));
      }

  /* Without limit: the default page (500) holds all twelve, and says nothing follows. */
  whole = rb_test_request (f->session, "GET", url, token, NULL, NULL);
  rb_test_assert_status (whole, 200);
  g_assert_cmpuint (json_array_get_length (items (whole)), ==, 12);
  g_assert_false (json_object_has_member (rb_test_response_get_object (whole), "next"));

  for (int page = 1; page <= 13; page++)
    {
      guint pages = 0;
      g_autoptr (GPtrArray) ids = collect_pages (f, token, url, page, &pages);
      g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      g_assert_cmpuint (ids->len, ==, 12);
      /* No empty page at the end: a page says "next" only when more follow. */
      g_assert_cmpuint (pages, ==, (12 + page - 1) / page);
      for (guint i = 0; i < ids->len; i++)
        {
          g_assert_true (g_hash_table_contains (created, g_ptr_array_index (ids, i)));
          g_assert_true (g_hash_table_add (seen, g_ptr_array_index (ids, i)));
        }
    }

  /* The same with mine=true. */
  {
    guint pages = 0;

    single = collect_pages (f, token, mine_url, 5, &pages);
    g_assert_cmpuint (single->len, ==, 12);
    g_assert_cmpuint (pages, ==, 3);
  }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bad_url = g_strdup_printf ("%s&%s", url, bad[i]);
      g_autoptr (RbTestResponse) resp = rb_test_request (f->session, "GET", bad_url, token, NULL,
                                                         NULL);

      rb_test_assert_problem (resp, 422, "invalid_field");
    }
}

/* ---- methods a path does not have ----------------------------------------------------- */

/* A known path asked with a method it does not have: 405 method_not_allowed with Allow
 * naming the methods it has (RFC 9110, 15.5.6); an unknown path stays 404. Before, the 405
 * came with the code not_found and without Allow. */
static void
test_method_not_allowed (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *method;
    const char *path;
    const char *allow;
  } cases[] = {
    { "PUT", "/api/v1/bookings", "GET, HEAD, POST" },
    { "POST", "/api/v1/health", "GET, HEAD" },
    { "GET", "/api/v1/bookings/b-1", "PATCH, DELETE" },
    { "DELETE", "/api/v1/spaces/a0-r03/blocks", "POST, GET, HEAD" },
    { "PATCH", "/api/v1/sessions/current", "DELETE" },
  };
  g_autofree char *token = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person_with_role ("staff", 0));

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *url = rb_test_server_url (f->server, "%s", cases[i].path);
      /* Anonymous and signed in alike: the method is wrong before anything else is. */
      g_autoptr (RbTestResponse) anonymous = rb_test_request (f->session, cases[i].method, url,
                                                               NULL, NULL, NULL);
      g_autoptr (RbTestResponse) signed_in = rb_test_request (f->session, cases[i].method, url,
                                                               token, NULL, NULL);

      rb_test_assert_problem (anonymous, 405, "method_not_allowed");
      g_assert_cmpstr (soup_message_headers_get_one (anonymous->headers, "Allow"), ==,
                       cases[i].allow);
      rb_test_assert_problem (signed_in, 405, "method_not_allowed");
      g_assert_cmpstr (soup_message_headers_get_one (signed_in->headers, "Allow"), ==,
                       cases[i].allow);
    }

  {
    g_autofree char *url = rb_test_server_url (f->server, "/api/v1/nothing");
    g_autoptr (RbTestResponse) unknown = rb_test_request (f->session, "DELETE", url, token, NULL,
                                                          NULL);

    rb_test_assert_problem (unknown, 404, "not_found");
    g_assert_null (soup_message_headers_get_one (unknown->headers, "Allow"));
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/api/building", Fixture, NULL, fixture_set_up, test_building,
              fixture_tear_down);
  g_test_add ("/server/api/sessions", Fixture, NULL, fixture_set_up, test_sessions,
              fixture_tear_down);
  g_test_add ("/server/api/bookings", Fixture, "3", fixture_set_up, test_bookings,
              fixture_tear_down);
  g_test_add ("/server/api/device", Fixture, NULL, fixture_set_up, test_device,
              fixture_tear_down);
  g_test_add ("/server/api/bookings-pages", Fixture, NULL, fixture_set_up, test_bookings_pages,
              fixture_tear_down);
  g_test_add ("/server/api/method-not-allowed", Fixture, NULL, fixture_set_up,
              test_method_not_allowed, fixture_tear_down);
  return g_test_run ();
}
