/* test-server-rights.c: people's rights on the real server (issue 13). Jonas Becker (staff)
 * downloads what the server holds about him (GET /me/export), with his session only; then
 * the administrator erases him (POST /people/{id}/erasure): he is gone, his session with him,
 * his bookings are cancelled and anonymised and reach clients so through the change feed, the
 * audit log no longer names him, and the erasure's own entry does not either. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

/* Monday 5 January 2026, 08:00 in Berlin. */
#define MONDAY "2026-01-05T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define DAY G_GINT64_CONSTANT (1767571200)
#define AT(hour_utc) (DAY + (hour_utc)*3600)
#define JONAS "14475"

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
  char *admin;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-rights-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, MONDAY);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  f->admin
      = rb_test_login_person (f->session, f->server, rb_test_demo_person_with_role ("admin", 0));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_free (f->admin);
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->dir);
}

static RbTestResponse *
request (Fixture *f, const char *method, const char *path, const char *token, const char *body)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

static gint64
db_int (Fixture *f, const char *sql)
{
  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

static char *
body_text (RbTestResponse *resp)
{
  return g_strndup (g_bytes_get_data (resp->body, NULL), g_bytes_get_size (resp->body));
}

/* Jonas books a room today and a desk tomorrow, and the administrator changes his team (an
 * audit entry about him with his name and staff number in before and after). His session
 * token is returned. */
static char *
make_history (Fixture *f, char **out_room, char **out_desk)
{
  g_autofree char *token
      = rb_test_login_person (f->session, f->server, rb_test_demo_person (JONAS));
  g_autoptr (RbTestResponse) room = NULL;
  g_autoptr (RbTestResponse) desk = NULL;
  g_autoptr (RbTestResponse) team = NULL;

  *out_room = g_uuid_string_random ();
  *out_desk = g_uuid_string_random ();
  room = rb_test_create_booking (f->session, f->server, token, *out_room, "a0-r03", AT (8), AT (9),
                                 "Sprint review", 2);
  rb_test_assert_status (room, 201);
  desk = rb_test_create_booking (f->session, f->server, token, *out_desk, "a0-d001", AT (24 + 8),
                                 AT (24 + 15), NULL, 0);
  rb_test_assert_status (desk, 201);
  team = request (f, "PATCH", "/api/v1/people/p-" JONAS, f->admin, "{\"team\":\"Tiger team\"}");
  rb_test_assert_status (team, 200);
  return g_steal_pointer (&token);
}

static void
test_export (Fixture *f, gconstpointer data)
{
  g_autofree char *room = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *token = make_history (f, &room, &desk);
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk", NULL);
  g_autoptr (RbTestResponse) export = request (f, "GET", "/api/v1/me/export", token, NULL);
  g_autoptr (RbTestResponse) nobody = request (f, "GET", "/api/v1/me/export", NULL, NULL);
  g_autoptr (RbTestResponse) wrong = request (f, "GET", "/api/v1/me/export", "not-a-token", NULL);
  g_autoptr (RbTestResponse) device = request (f, "GET", "/api/v1/me/export", kiosk, NULL);
  g_autofree char *text = NULL;
  JsonObject *o, *profile;
  JsonArray *bookings, *audit;
  gboolean titled = FALSE, team_change = FALSE;

  rb_test_assert_status (export, 200);
  g_assert_cmpstr (export->content_type, ==, "application/json");
  g_assert_nonnull (
      strstr (soup_message_headers_get_one (export->headers, "Content-Disposition"), "attachment"));
  g_assert_cmpstr (soup_message_headers_get_one (export->headers, "Cache-Control"), ==, "no-store");
  text = body_text (export);
  g_assert_null (strstr (text, "pin_hash"));
  g_assert_null (strstr (text, "token_hash"));
  g_assert_null (strstr (text, "$argon2"));
  o = rb_test_response_get_object (export);
  g_assert_cmpstr (json_object_get_string_member (o, "format"), ==, "raumbuch-personal-data");
  g_assert_cmpint (json_object_get_int_member (o, "version"), ==, 1);
  profile = json_object_get_object_member (o, "profile");
  g_assert_cmpstr (json_object_get_string_member (profile, "staff_number"), ==, JONAS);
  g_assert_cmpstr (json_object_get_string_member (profile, "team"), ==, "Tiger team");
  bookings = json_object_get_array_member (o, "bookings");
  g_assert_cmpuint (json_array_get_length (bookings), ==, 2);
  for (guint i = 0; i < json_array_get_length (bookings); i++)
    {
      JsonObject *booking = json_array_get_object_element (bookings, i);

      g_assert_cmpstr (json_object_get_string_member (booking, "person_id"), ==, "p-" JONAS);
      if (g_str_equal (json_object_get_string_member (booking, "id"), room))
        titled = g_strcmp0 (json_object_get_string_member (booking, "title"), "Sprint review") == 0;
    }
  g_assert_true (titled);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "sessions")), >=, 1);
  /* The server counts wrong PINs in memory (rb-login-guard.c), not in the database. */
  g_assert_true (json_object_get_null_member (o, "login_failures"));
  audit = json_object_get_array_member (o, "audit");
  for (guint i = 0; i < json_array_get_length (audit); i++)
    {
      JsonObject *entry = json_array_get_object_element (audit, i);

      if (g_str_equal (json_object_get_string_member (entry, "action"), "person.update"))
        team_change = g_str_equal (json_object_get_string_member (entry, "subject"), "p-" JONAS);
    }
  g_assert_true (team_change);

  rb_test_assert_problem (nobody, 401, "unauthenticated");
  rb_test_assert_problem (wrong, 401, "unauthenticated");
  rb_test_assert_problem (device, 403, "forbidden");
}

/* The feed's change of a booking, or NULL. */
static JsonObject *
find_change (JsonArray *changes, const char *booking_id)
{
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *change = json_array_get_object_element (changes, i);

      if (json_object_has_member (change, "booking")
          && g_strcmp0 (json_object_get_string_member (
                            json_object_get_object_member (change, "booking"), "id"),
                        booking_id)
                 == 0)
        return json_object_get_object_member (change, "booking");
    }
  return NULL;
}

static void
assert_anonymised_in_feed (JsonArray *changes, const char *booking_id)
{
  JsonObject *booking = find_change (changes, booking_id);

  g_assert_nonnull (booking);
  g_assert_true (json_object_get_boolean_member (booking, "anonymised"));
  g_assert_cmpstr (json_object_get_string_member (booking, "state"), ==, "cancelled");
  g_assert_true (!json_object_has_member (booking, "person_id")
                 || json_object_get_null_member (booking, "person_id"));
  g_assert_true (!json_object_has_member (booking, "title")
                 || json_object_get_null_member (booking, "title"));
}

static void
test_erasure (Fixture *f, gconstpointer data)
{
  g_autofree char *room = NULL;
  g_autofree char *desk = NULL;
  g_autofree char *token = make_history (f, &room, &desk);
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk", NULL);
  g_autofree char *audit_text = NULL;
  g_autofree char *changes_path = NULL;
  g_autoptr (RbTestResponse) head
      = request (f, "GET", "/api/v1/changes?since=0&limit=0", f->admin, NULL);
  g_autoptr (RbTestResponse) by_staff = NULL;
  g_autoptr (RbTestResponse) by_device = NULL;
  g_autoptr (RbTestResponse) by_self = NULL;
  g_autoptr (RbTestResponse) unknown = NULL;
  g_autoptr (RbTestResponse) erased = NULL;
  g_autoptr (RbTestResponse) again = NULL;
  g_autoptr (RbTestResponse) session_gone = NULL;
  g_autoptr (RbTestResponse) patch_gone = NULL;
  g_autoptr (RbTestResponse) changes = NULL;
  g_autoptr (RbTestResponse) audit = NULL;
  g_autoptr (RbTestResponse) rebook = NULL;
  g_autoptr (RbTestResponse) other = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *rebooked = g_uuid_string_random ();
  g_autofree char *self_path = NULL;
  const char *erasure_id;
  JsonObject *report, *entry;

  rb_test_assert_status (head, 200);
  other_token = rb_test_login_person (f->session, f->server, rb_test_demo_person ("17157"));
  by_staff = request (f, "POST", "/api/v1/people/p-" JONAS "/erasure", other_token, NULL);
  rb_test_assert_problem (by_staff, 403, "forbidden");
  by_device = request (f, "POST", "/api/v1/people/p-" JONAS "/erasure", kiosk, NULL);
  rb_test_assert_problem (by_device, 403, "forbidden");
  self_path = g_strdup_printf ("/api/v1/people/%s/erasure",
                               rb_test_demo_person_with_role ("admin", 0)->id);
  by_self = request (f, "POST", self_path, f->admin, NULL);
  rb_test_assert_problem (by_self, 403, "forbidden");
  unknown = request (f, "POST", "/api/v1/people/p-00000/erasure", f->admin, NULL);
  rb_test_assert_problem (unknown, 404, "not_found");
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM people WHERE id = 'p-" JONAS "'"), ==, 1);

  erased = request (f, "POST", "/api/v1/people/p-" JONAS "/erasure", f->admin, NULL);
  rb_test_assert_status (erased, 200);
  report = rb_test_response_get_object (erased);
  g_assert_cmpint (json_object_get_int_member (report, "bookings_cancelled"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (report, "bookings_anonymised"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (report, "audit_entries_redacted"), >=, 1);
  erasure_id = json_object_get_string_member (report, "erasure_id");
  g_assert_nonnull (erasure_id);
  g_assert_null (strstr (erasure_id, JONAS));

  /* He is gone, and so is his session. */
  again = request (f, "POST", "/api/v1/people/p-" JONAS "/erasure", f->admin, NULL);
  rb_test_assert_problem (again, 404, "not_found");
  patch_gone = request (f, "PATCH", "/api/v1/people/p-" JONAS, f->admin, "{\"team\":\"x\"}");
  rb_test_assert_problem (patch_gone, 404, "not_found");
  session_gone = request (f, "GET", "/api/v1/me/export", token, NULL);
  rb_test_assert_problem (session_gone, 401, "unauthenticated");
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM people WHERE id = 'p-" JONAS "'"
                              " OR staff_number = '" JONAS "'"),
                   ==, 0);
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM sessions WHERE person_id = 'p-" JONAS "'"), ==,
                   0);
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM bookings WHERE person_id IS NOT NULL"
                              " OR title IS NOT NULL"),
                   ==, 0);

  /* Mirrors learn it through the change feed. */
  changes_path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT,
                                  rb_test_response_get_int (head, "next"));
  changes = request (f, "GET", changes_path, f->admin, NULL);
  rb_test_assert_status (changes, 200);
  assert_anonymised_in_feed (
      json_object_get_array_member (rb_test_response_get_object (changes), "changes"), room);
  assert_anonymised_in_feed (
      json_object_get_array_member (rb_test_response_get_object (changes), "changes"), desk);

  /* The desk is free for someone else. */
  rebook = rb_test_create_booking (f->session, f->server, other_token, rebooked, "a0-d001",
                                   AT (24 + 8), AT (24 + 15), NULL, 0);
  rb_test_assert_status (rebook, 201);

  /* The audit log names him nowhere: not the team change, not the erasure. */
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM audit_log WHERE instr (coalesce (before, '')"
                              " || coalesce (after, '') || subject || coalesce (actor_id, ''),"
                              " '" JONAS "') > 0"
                              " OR instr (coalesce (before, '') || coalesce (after, ''),"
                              " 'Becker') > 0"),
                   ==, 0);
  g_assert_cmpint (db_int (f, "SELECT count (*) FROM audit_log WHERE action = 'person.update'"
                              " AND subject = '' AND before IS NULL AND after IS NULL"),
                   ==, 1);
  audit = request (f, "GET", "/api/v1/audit?limit=1", f->admin, NULL);
  rb_test_assert_status (audit, 200);
  audit_text = body_text (audit);
  g_assert_null (strstr (audit_text, JONAS));
  g_assert_null (strstr (audit_text, "Jonas"));
  entry = json_array_get_object_element (
      json_object_get_array_member (rb_test_response_get_object (audit), "items"), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "person.erase");
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, erasure_id);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "after"),
                                               "bookings_anonymised"),
                   ==, 2);

  /* Nobody else lost anything. */
  other = request (f, "GET", "/api/v1/me/export", other_token, NULL);
  rb_test_assert_status (other, 200);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/rights/export", Fixture, NULL, fixture_set_up, test_export, fixture_tear_down);
  g_test_add ("/rights/erasure", Fixture, NULL, fixture_set_up, test_erasure, fixture_tear_down);
  return g_test_run ();
}
