/* test-server-consent.c: names only by consent, and reading them leaves a trace (issue 13),
 * on the real server. Where the site shows names, a colleague sees who booked a room only
 * once that person agreed (GET/PUT /me/privacy); the change reaches the change feed both
 * ways; every answer that shows someone else's booking with their name writes a
 * "personal_data.read" audit entry naming the viewer, the person and the bookings, and one's
 * own bookings write none. The site's own setting still comes first, and bad requests are
 * refused without changing anything. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define MONDAY "2026-01-05T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define DAY G_GINT64_CONSTANT (1767571200)
#define AT(hour_utc) (DAY + (hour_utc) * 3600)
#define ROOM "a0-r03"

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
  const RbTestPerson *jonas;
  const RbTestPerson *colleague;
  char *jonas_token;
  char *colleague_token;
  char *booking_id;
} Fixture;

static RbTestResponse *
request (Fixture *f, const char *method, const char *token, const char *body, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbTestResponse) made = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-consent-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, MONDAY);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  f->jonas = rb_test_demo_person ("14475");
  f->colleague = rb_test_demo_person ("17157");
  f->jonas_token = rb_test_login_person (f->session, f->server, f->jonas);
  f->colleague_token = rb_test_login_person (f->session, f->server, f->colleague);
  f->booking_id = g_uuid_string_random ();
  made = rb_test_create_booking (f->session, f->server, f->jonas_token, f->booking_id, ROOM,
                                 AT (8), AT (9), "Sprint review", 2);
  rb_test_assert_status (made, 201);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->booking_id);
  g_free (f->colleague_token);
  g_free (f->jonas_token);
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->dir);
}

static void
set_site_shows_names (Fixture *f, gboolean show_names)
{
  rb_test_set_policy_member (f->session, f->server, "show_names",
                             json_node_init_boolean (json_node_alloc (), show_names));
}

/* The room's bookings on Monday as `token` is shown them: the one booking of the fixture. */
static JsonObject *
room_booking (Fixture *f, const char *token, RbTestResponse **out_resp)
{
  g_autofree char *from = rb_test_rfc3339 (DAY);
  g_autofree char *to = rb_test_rfc3339 (DAY + 86400);
  g_autofree char *path =
      g_strdup_printf ("/api/v1/bookings?space=%s&from=%s&to=%s", ROOM, from, to);
  RbTestResponse *resp = request (f, "GET", token, NULL, path);
  JsonArray *items;

  rb_test_assert_status (resp, 200);
  items = json_object_get_array_member (rb_test_response_get_object (resp), "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 1);
  *out_resp = resp;
  return json_array_get_object_element (items, 0);
}

static gboolean
names_jonas (Fixture *f, JsonObject *booking)
{
  return json_object_has_member (booking, "person_id")
         && !json_object_get_null_member (booking, "person_id")
         && g_strcmp0 (json_object_get_string_member (booking, "person_id"), f->jonas->id) == 0;
}

static gint64
count_reads (Fixture *f, const char *viewer_id)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT count (*) FROM audit_log WHERE action = 'personal_data.read' AND actor_id = '%s'",
      viewer_id);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

static RbTestResponse *
set_consent (Fixture *f, const char *body)
{
  return request (f, "PUT", f->jonas_token, body, "/api/v1/me/privacy");
}

/* The feed from `since` holds the fixture's booking. */
static gboolean
feed_has_booking (Fixture *f, gint64 since)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT, since);
  g_autoptr (RbTestResponse) resp = request (f, "GET", f->jonas_token, NULL, path);
  JsonArray *changes;

  rb_test_assert_status (resp, 200);
  changes = json_object_get_array_member (rb_test_response_get_object (resp), "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (json_object_has_member (change, "booking")
          && g_strcmp0 (json_object_get_string_member (
                            json_object_get_object_member (change, "booking"), "id"),
                        f->booking_id)
                 == 0)
        return TRUE;
    }
  return FALSE;
}

static gint64
feed_head (Fixture *f)
{
  g_autoptr (RbTestResponse) head =
      request (f, "GET", f->jonas_token, NULL, "/api/v1/changes?since=0&limit=0");

  rb_test_assert_status (head, 200);
  return rb_test_response_get_int (head, "next");
}

static void
test_names_only_by_consent (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) privacy = NULL;
  g_autoptr (RbTestResponse) agreed = NULL;
  g_autoptr (RbTestResponse) withdrawn = NULL;
  g_autoptr (RbTestResponse) seen_before = NULL;
  g_autoptr (RbTestResponse) seen_agreed = NULL;
  g_autoptr (RbTestResponse) seen_own = NULL;
  g_autoptr (RbTestResponse) seen_withdrawn = NULL;
  g_autofree char *trace_sql = NULL;
  JsonObject *booking;
  gint64 cursor;

  set_site_shows_names (f, TRUE);

  /* Nobody's name until they agree. */
  privacy = request (f, "GET", f->jonas_token, NULL, "/api/v1/me/privacy");
  rb_test_assert_status (privacy, 200);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (privacy),
                                                  "show_name"));
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (privacy),
                                                 "site_shows_names"));
  booking = room_booking (f, f->colleague_token, &seen_before);
  g_assert_false (names_jonas (f, booking));
  g_assert_false (json_object_has_member (booking, "person_name"));
  g_assert_false (json_object_has_member (booking, "title"));
  g_assert_cmpint (count_reads (f, f->colleague->id), ==, 0);

  /* Jonas agrees: the feed sends his booking again, and the colleague sees who and what. */
  cursor = feed_head (f);
  agreed = set_consent (f, "{\"show_name\": true}");
  rb_test_assert_status (agreed, 200);
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (agreed),
                                                 "show_name"));
  g_assert_true (feed_has_booking (f, cursor));
  booking = room_booking (f, f->colleague_token, &seen_agreed);
  g_assert_true (names_jonas (f, booking));
  g_assert_cmpstr (json_object_get_string_member (booking, "person_name"), ==,
                   f->jonas->display_name);
  g_assert_cmpstr (json_object_get_string_member (booking, "title"), ==, "Sprint review");

  /* That look is in the audit log: who looked, at whom, at which booking, through what. */
  g_assert_cmpint (count_reads (f, f->colleague->id), ==, 1);
  trace_sql = g_strdup_printf ("SELECT count (*) FROM audit_log WHERE action = "
                               "'personal_data.read' AND subject = '%s' AND after LIKE '%%%s%%'"
                               " AND after LIKE '%%GET /api/v1/bookings%%'",
                               f->jonas->id, f->booking_id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), trace_sql), ==, 1);

  /* One's own bookings leave no trace. */
  booking = room_booking (f, f->jonas_token, &seen_own);
  g_assert_true (names_jonas (f, booking));
  g_assert_cmpint (count_reads (f, f->jonas->id), ==, 0);

  /* Withdrawn: the feed sends it again, and the name is gone; so is the trace. */
  cursor = feed_head (f);
  withdrawn = set_consent (f, "{\"show_name\": false}");
  rb_test_assert_status (withdrawn, 200);
  g_assert_true (feed_has_booking (f, cursor));
  booking = room_booking (f, f->colleague_token, &seen_withdrawn);
  g_assert_false (names_jonas (f, booking));
  g_assert_false (json_object_has_member (booking, "person_name"));
  g_assert_cmpint (count_reads (f, f->colleague->id), ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM audit_log"
                                   " WHERE action = 'person.show_name'"),
                   ==, 2);
}

/* Consent counts only where the site shows names at all. */
static void
test_site_comes_first (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) agreed = set_consent (f, "{\"show_name\": true}");
  g_autoptr (RbTestResponse) seen = NULL;
  JsonObject *booking;

  rb_test_assert_status (agreed, 200);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (agreed),
                                                  "site_shows_names"));
  booking = room_booking (f, f->colleague_token, &seen);
  g_assert_false (names_jonas (f, booking));
  g_assert_false (json_object_has_member (booking, "title"));
  g_assert_cmpint (count_reads (f, f->colleague->id), ==, 0);
}

static void
test_bad_requests (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *body;
    guint status;
    const char *code;
  } cases[] = {
    { "{\"show_name\": \"yes\"}", 422, "invalid_field" },
    { "{\"show_name\": 1}", 422, "invalid_field" },
    { "{\"show_name\": null}", 422, "invalid_field" },
    { "{}", 422, "invalid_field" },
    { "[true]", 400, "invalid_json" },
    { "{\"show_name\": tru", 400, "invalid_json" },
  };
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk Foyer", NULL);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/me/privacy");
  g_autoptr (RbTestResponse) anonymous = NULL;
  g_autoptr (RbTestResponse) wrong = NULL;
  g_autoptr (RbTestResponse) kiosk = NULL;
  g_autoptr (RbTestResponse) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (RbTestResponse) refused = set_consent (f, cases[i].body);

      rb_test_assert_problem (refused, cases[i].status, cases[i].code);
    }
  anonymous = rb_test_request (f->session, "PUT", url, NULL, "{\"show_name\": true}", NULL);
  rb_test_assert_problem (anonymous, 401, "unauthenticated");
  wrong = rb_test_request (f->session, "GET", url, "not-a-token", NULL, NULL);
  rb_test_assert_problem (wrong, 401, "unauthenticated");
  kiosk = rb_test_request (f->session, "PUT", url, NULL, "{\"show_name\": true}",
                           "X-Device-Token", device, NULL);
  rb_test_assert_problem (kiosk, 401, "unauthenticated");

  /* Nothing changed. */
  after = request (f, "GET", f->jonas_token, NULL, "/api/v1/me/privacy");
  rb_test_assert_status (after, 200);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (after),
                                                  "show_name"));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count (*) FROM people WHERE show_name != 0"),
                   ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/consent/names-only-by-consent", Fixture, NULL, fixture_set_up,
              test_names_only_by_consent, fixture_tear_down);
  g_test_add ("/consent/site-comes-first", Fixture, NULL, fixture_set_up, test_site_comes_first,
              fixture_tear_down);
  g_test_add ("/consent/bad-requests", Fixture, NULL, fixture_set_up, test_bad_requests,
              fixture_tear_down);
  return g_test_run ();
}
