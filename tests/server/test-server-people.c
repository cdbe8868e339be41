/* test-server-people.c: people and PINs (issue 11) against the real raumbuch-server: every
 * administrator's endpoint called by every role, a kiosk and nobody; adding and editing a
 * person; a one-time PIN that must be changed before it opens a session; weak PINs refused;
 * deactivation ending sessions and cancelling bookings; the CSV import of a file as German
 * Excel writes it, and of a broken one that changes nothing. Badges (issue 12): registering
 * and removing, identifying with one at a kiosk or door panel only, unknown badges throttled
 * per device.
 *
 * The server's clock starts on Monday 30 November 2026 at 06:00 UTC (07:00 in Bonn). */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
#define DAY_START G_GINT64_CONSTANT (1795996800)
#define AT(hour, minute) (DAY_START + (hour) * 3600 + (minute) * 60)

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

  f->dir = g_dir_make_tmp ("raumbuch-people-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  f->admin = rb_test_login_person (f->session, f->server,
                                   rb_test_demo_person_with_role ("admin", 0));
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
post_csv (Fixture *f, const char *token, const char *query, const char *csv, gsize length)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/people/import%s", query);
  g_autoptr (SoupMessage) msg = rb_test_message_new ("POST", url, token);
  g_autoptr (GBytes) body = g_bytes_new (csv, length);

  soup_message_set_request_body_from_bytes (msg, "text/csv", body);
  return rb_test_send (f->session, msg);
}

static RbTestResponse *
request (Fixture *f, const char *method, const char *path, const char *token, const char *json)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, json, NULL);
}

static RbTestResponse *
login_response (Fixture *f, const char *staff_number, const char *pin)
{
  g_autofree char *body
      = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"%s\"}", staff_number, pin);

  return request (f, "POST", "/api/v1/sessions", NULL, body);
}

static gint64
audit_count (Fixture *f, const char *action)
{
  g_autofree char *sql
      = g_strdup_printf ("SELECT count(*) FROM audit_log WHERE action = '%s'", action);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

/* ---- every role ----------------------------------------------------------------------------- */

static void
test_roles (Fixture *f, gconstpointer data)
{
  static const char csv[] = "Personalnummer;Name\r\n95113;Christian Lehmann\r\n";
  const RbTestPerson *target = rb_test_demo_person_with_role ("staff", 1);
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk", NULL);
  g_autofree char *patch_path = g_strdup_printf ("/api/v1/people/%s", target->id);
  g_autofree char *pin_path = g_strdup_printf ("/api/v1/people/%s/one-time-pin", target->id);
  struct
  {
    const char *name;
    char *token;
  } callers[] = {
    { "staff", rb_test_login_person (f->session, f->server,
                                     rb_test_demo_person_with_role ("staff", 0)) },
    { "team_lead", rb_test_login_person (f->session, f->server,
                                         rb_test_demo_person_with_role ("team_lead", 0)) },
    { "facility_manager",
      rb_test_login_person (f->session, f->server,
                            rb_test_demo_person_with_role ("facility_manager", 0)) },
    { "kiosk", g_strdup (kiosk) },
    { "nobody", NULL },
    { "admin", g_strdup (f->admin) },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (callers); i++)
    {
      gboolean admin = g_str_equal (callers[i].name, "admin");
      gboolean nobody = callers[i].token == NULL;
      g_autofree char *create = g_strdup_printf (
          "{\"display_name\":\"Neu %s\",\"staff_number\":\"7700%zu\",\"role\":\"staff\"}",
          callers[i].name, i);
      RbTestResponse *answers[5];

      g_test_message ("caller %s", callers[i].name);
      answers[0] = request (f, "GET", "/api/v1/people?include_inactive=true", callers[i].token,
                            NULL);
      answers[1] = request (f, "POST", "/api/v1/people", callers[i].token, create);
      answers[2] = request (f, "PATCH", patch_path, callers[i].token, "{\"team\":\"Z 9\"}");
      answers[3] = post_csv (f, callers[i].token, "?dry_run=true", csv, sizeof csv - 1);
      answers[4] = request (f, "POST", pin_path, callers[i].token, NULL);
      for (gsize a = 0; a < G_N_ELEMENTS (answers); a++)
        {
          if (nobody)
            rb_test_assert_problem (answers[a], 401, "unauthenticated");
          else if (!admin)
            rb_test_assert_problem (answers[a], 403, "forbidden");
          else
            rb_test_assert_status (answers[a], a == 1 || a == 4 ? 201 : 200);
          rb_test_response_free (answers[a]);
        }
      g_free (callers[i].token);
    }
  /* Only the administrator's calls did anything. */
  g_assert_cmpint (audit_count (f, "person.create"), ==, 1);
  g_assert_cmpint (audit_count (f, "person.update"), ==, 1);
  g_assert_cmpint (audit_count (f, "pin.issue"), ==, 1);
}

/* ---- add, edit, one-time PIN, forced change ----------------------------------------------- */

static void
test_one_time_pin (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) created = request (
      f, "POST", "/api/v1/people", f->admin,
      "{\"display_name\":\"Eva Neu\",\"staff_number\":\"55501\",\"team\":\"Z 1\"}");
  g_autoptr (RbTestResponse) taken = request (
      f, "POST", "/api/v1/people", f->admin,
      "{\"display_name\":\"Eva Zwei\",\"staff_number\":\"55501\"}");
  g_autoptr (RbTestResponse) edited = NULL;
  g_autoptr (RbTestResponse) issued = NULL;
  g_autoptr (RbTestResponse) first_use = NULL;
  g_autoptr (RbTestResponse) weak = NULL;
  g_autoptr (RbTestResponse) wrong = NULL;
  g_autoptr (RbTestResponse) changed = NULL;
  g_autoptr (RbTestResponse) session = NULL;
  g_autoptr (RbTestResponse) mine = NULL;
  g_autoptr (RbTestResponse) again = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pin_path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *token = NULL;
  g_autofree char *dump = NULL;
  const char *id, *pin;

  rb_test_assert_status (created, 201);
  rb_test_assert_problem (taken, 422, "invalid_field");
  id = rb_test_response_get_string (created, "id");
  g_assert_cmpstr (rb_test_response_get_string (created, "role"), ==, "staff");
  path = g_strdup_printf ("/api/v1/people/%s", id);
  edited = request (f, "PATCH", path, f->admin, "{\"role\":\"team_lead\",\"team\":\"Z 2\"}");
  rb_test_assert_status (edited, 200);
  g_assert_cmpstr (rb_test_response_get_string (edited, "role"), ==, "team_lead");
  g_assert_cmpstr (rb_test_response_get_string (edited, "team"), ==, "Z 2");

  pin_path = g_strdup_printf ("/api/v1/people/%s/one-time-pin", id);
  issued = request (f, "POST", pin_path, f->admin, NULL);
  rb_test_assert_status (issued, 201);
  pin = rb_test_response_get_string (issued, "pin");
  g_assert_cmpuint (strlen (pin), ==, 6);

  /* The one-time PIN is right, but opens no session. */
  first_use = login_response (f, "55501", pin);
  rb_test_assert_problem (first_use, 403, "pin_change_required");

  body = g_strdup_printf ("{\"staff_number\":\"55501\",\"pin\":\"%s\",\"new_pin\":\"1234\"}", pin);
  weak = request (f, "POST", "/api/v1/pin-changes", NULL, body);
  rb_test_assert_problem (weak, 422, "weak_pin");
  g_assert_nonnull (strstr (rb_test_response_get_string (weak, "detail"), "up or down"));
  wrong = request (f, "POST", "/api/v1/pin-changes", NULL,
                   "{\"staff_number\":\"55501\",\"pin\":\"000001\",\"new_pin\":\"4729\"}");
  rb_test_assert_problem (wrong, 401, "unauthenticated");

  g_free (body);
  body = g_strdup_printf ("{\"staff_number\":\"55501\",\"pin\":\"%s\",\"new_pin\":\"4729\"}", pin);
  changed = request (f, "POST", "/api/v1/pin-changes", NULL, body);
  rb_test_assert_status (changed, 204);
  session = login_response (f, "55501", "4729");
  rb_test_assert_status (session, 201);
  token = g_strdup (rb_test_response_get_string (session, "token"));

  /* Anyone changes their own PIN with the old one. */
  mine = request (f, "PUT", "/api/v1/me/pin", token, "{\"pin\":\"4729\",\"new_pin\":\"55501\"}");
  rb_test_assert_problem (mine, 422, "weak_pin");
  g_clear_pointer (&mine, rb_test_response_free);
  mine = request (f, "PUT", "/api/v1/me/pin", token, "{\"pin\":\"4729\",\"new_pin\":\"830261\"}");
  rb_test_assert_status (mine, 204);
  again = login_response (f, "55501", "830261");
  rb_test_assert_status (again, 201);

  g_assert_cmpint (audit_count (f, "person.create"), ==, 1);
  g_assert_cmpint (audit_count (f, "person.update"), ==, 1);
  g_assert_cmpint (audit_count (f, "pin.issue"), ==, 1);
  g_assert_cmpint (audit_count (f, "pin.change"), ==, 2);
  /* No PIN and no hash in the audit log. */
  dump = rb_test_db_dump (rb_test_server_get_db_path (f->server),
                          "SELECT before, after FROM audit_log");
  g_assert_null (strstr (dump, "argon2"));
  g_assert_null (strstr (dump, pin));
  g_assert_null (strstr (dump, "830261"));
}

/* ---- deactivation --------------------------------------------------------------------------- */

static void
test_deactivate (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s", jonas->id);
  g_autoptr (RbTestResponse) booked = rb_test_create_booking (
      f->session, f->server, token, "0d7c1f0e-0a51-4c1e-9d59-3c1f25c0a001", "a0-r02",
      AT (9, 0), AT (10, 0), "Jour fixe", 2);
  g_autoptr (RbTestResponse) deactivated = NULL;
  g_autoptr (RbTestResponse) after = NULL;
  g_autoptr (RbTestResponse) login = NULL;
  g_autoptr (RbTestResponse) listed = NULL;
  g_autoptr (RbTestResponse) all = NULL;
  g_autoptr (RbTestResponse) self = NULL;
  g_autoptr (RbTestResponse) back = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *listed_text = NULL;
  g_autofree char *all_text = NULL;

  rb_test_assert_status (booked, 201);
  deactivated = request (f, "PATCH", path, f->admin, "{\"active\":false}");
  rb_test_assert_status (deactivated, 200);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (deactivated),
                                                  "active"));

  /* The session is over, the booking cancelled with the reason, the person cannot sign in. */
  after = request (f, "GET", "/api/v1/bookings?mine=true", token, NULL);
  rb_test_assert_problem (after, 401, "unauthenticated");
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE person_id = '%s' AND state ="
                         " 'cancelled' AND cancel_reason LIKE '%%deactivated%%'",
                         jonas->id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM changes c JOIN bookings b ON"
                                   " b.id = c.booking_id WHERE b.state = 'cancelled'"),
                   >=, 1);
  login = login_response (f, jonas->staff_number, jonas->pin);
  rb_test_assert_problem (login, 403, "person_inactive");
  g_assert_cmpint (audit_count (f, "person.deactivate"), ==, 1);

  listed = request (f, "GET", "/api/v1/people", f->admin, NULL);
  all = request (f, "GET", "/api/v1/people?include_inactive=true", f->admin, NULL);
  listed_text = rb_test_response_describe (listed);
  all_text = rb_test_response_describe (all);
  g_assert_null (strstr (listed_text, jonas->id));
  g_assert_nonnull (strstr (all_text, jonas->id));

  /* An administrator cannot lock themselves out. */
  self = request (f, "PATCH", "/api/v1/people/p-95113", f->admin, "{\"active\":false}");
  rb_test_assert_problem (self, 403, "forbidden");

  back = request (f, "PATCH", path, f->admin, "{\"active\":true}");
  rb_test_assert_status (back, 200);
  g_clear_pointer (&login, rb_test_response_free);
  login = login_response (f, jonas->staff_number, jonas->pin);
  rb_test_assert_status (login, 201);
  g_assert_cmpint (audit_count (f, "person.reactivate"), ==, 1);
}

/* ---- CSV import ----------------------------------------------------------------------------- */

static JsonArray *
member_array (RbTestResponse *resp, const char *name)
{
  return json_object_get_array_member (rb_test_response_get_object (resp), name);
}

/* German Excel's "CSV (Trennzeichen-getrennt)": Windows-1252, semicolons, CRLF, quotes. */
static void
test_import_excel (Fixture *f, gconstpointer data)
{
  static const char csv[] = "Personalnummer;Name;Team;Rolle\r\n"
                            "66601;\"M\xfcller, J\xfcrgen\";Referat Z 1;Mitarbeiter\r\n"
                            "66602;\"Stra\xdf" "e; Anna \"\"Anni\"\"\";Z 2;Teamleitung\r\n"
                            "14475;Jonas Becker;Referat \xc4nderung;\r\n";
  static const char bom[] = "\xef\xbb\xbfPersonalnummer;Name;Rolle\r\n"
                            "66603;\xc3\x96zdemir;Administrator\r\n";
  gint64 people_before = rb_test_db_int (rb_test_server_get_db_path (f->server),
                                         "SELECT count(*) FROM people");
  g_autoptr (RbTestResponse) preview = post_csv (f, f->admin, "?dry_run=true", csv,
                                                 sizeof csv - 1);
  g_autoptr (RbTestResponse) saved = NULL;
  g_autoptr (RbTestResponse) saved_bom = NULL;
  g_autoptr (RbTestResponse) with_missing = NULL;
  JsonArray *changed;

  rb_test_assert_status (preview, 200);
  g_assert_cmpuint (json_array_get_length (member_array (preview, "added")), ==, 2);
  g_assert_cmpuint (json_array_get_length (member_array (preview, "changed")), ==, 1);
  g_assert_cmpuint (json_array_get_length (member_array (preview, "errors")), ==, 0);
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (preview),
                                                 "dry_run"));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people"), ==, people_before);

  saved = post_csv (f, f->admin, "", csv, sizeof csv - 1);
  rb_test_assert_status (saved, 200);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (saved),
                                                  "dry_run"));
  changed = member_array (saved, "changed");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (changed, 0),
                                                  "staff_number"), ==, "14475");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '66601'"
                                   " AND display_name = 'Müller, Jürgen' AND role = 'staff'"),
                   ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '66602'"
                                   " AND display_name = 'Straße; Anna \"Anni\"'"
                                   " AND role = 'team_lead'"),
                   ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '14475'"
                                   " AND team = 'Referat Änderung' AND role = 'staff'"),
                   ==, 1);
  g_assert_cmpint (audit_count (f, "person.create"), ==, 2);

  saved_bom = post_csv (f, f->admin, "", bom, sizeof bom - 1);
  rb_test_assert_status (saved_bom, 200);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '66603'"
                                   " AND display_name = 'Özdemir' AND role = 'admin'"),
                   ==, 1);

  /* Deactivating those the file leaves out is asked for, and spares the importer. */
  with_missing = post_csv (f, f->admin, "?dry_run=true&deactivate_missing=true", bom,
                           sizeof bom - 1);
  rb_test_assert_status (with_missing, 200);
  g_assert_cmpuint (json_array_get_length (member_array (with_missing, "deactivated")), ==,
                    people_before + 3 - 2);
}

static void
test_import_broken (Fixture *f, gconstpointer data)
{
  static const char csv[] = "Personalnummer;Name;Team;Rolle\r\n"
                            "66601;Neu Eins;Z 1;staff\r\n"
                            "14475;Jonas Becker;Anders;staff\r\n"
                            "66602;Neu Zwei;Z 1;Chef\r\n";
  g_autofree char *before = rb_test_db_dump (rb_test_server_get_db_path (f->server),
                                             "SELECT * FROM people ORDER BY id");
  g_autofree char *after = NULL;
  g_autoptr (RbTestResponse) resp = post_csv (f, f->admin, "?deactivate_missing=true", csv,
                                              sizeof csv - 1);
  g_autoptr (RbTestResponse) no_header
      = post_csv (f, f->admin, "", "Name;Team\r\nA;B\r\n", 17);
  JsonArray *errors;

  rb_test_assert_status (resp, 200);
  errors = member_array (resp, "errors");
  g_assert_cmpuint (json_array_get_length (errors), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (errors, 0), ==,
                   "row 4, column Rolle: unknown role \"Chef\" (staff, team_lead, "
                   "facility_manager or admin)");
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (resp), "dry_run"));
  g_assert_cmpuint (json_array_get_length (member_array (resp, "deactivated")), ==, 0);
  rb_test_assert_problem (no_header, 422, "invalid_field");
  after = rb_test_db_dump (rb_test_server_get_db_path (f->server),
                           "SELECT * FROM people ORDER BY id");
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (audit_count (f, "person.create"), ==, 0);
}

/* ---- badges (issue 12) ------------------------------------------------------------------------ */

#define ROOM "a0-r02"

static RbTestResponse *
badge_login (Fixture *f, const char *device_token, const char *uid)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");
  g_autofree char *body = g_strdup_printf ("{\"badge\":\"%s\"}", uid);

  if (device_token == NULL)
    return rb_test_request (f->session, "POST", url, NULL, body, NULL);
  return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", device_token,
                          NULL);
}

static gboolean
person_has_badge (RbTestResponse *resp)
{
  JsonObject *o = rb_test_response_get_object (resp);

  g_assert_true (json_object_has_member (o, "has_badge"));
  g_assert_false (json_object_has_member (o, "uid"));
  return json_object_get_boolean_member (o, "has_badge");
}

static void
test_badges (Fixture *f, gconstpointer data)
{
  const RbTestPerson *owner = rb_test_demo_person_with_role ("staff", 0);
  const RbTestPerson *other = rb_test_demo_person_with_role ("staff", 1);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/badge", owner->id);
  g_autofree char *other_path = g_strdup_printf ("/api/v1/people/%s/badge", other->id);
  g_autofree char *staff = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person_with_role ("staff", 2));
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk", NULL);
  g_autofree char *log = NULL;
  g_autoptr (RbTestResponse) registered
      = request (f, "PUT", path, f->admin, "{\"uid\":\"04:A2:3B:9C:11:80\"}");
  g_autoptr (RbTestResponse) again
      = request (f, "PUT", path, f->admin, "{\"uid\":\"04a23b9c1180\"}");
  g_autoptr (RbTestResponse) taken
      = request (f, "PUT", other_path, f->admin, "{\"uid\":\"04A23B9C1180\"}");
  g_autoptr (RbTestResponse) by_staff
      = request (f, "PUT", other_path, staff, "{\"uid\":\"0499887766\"}");
  g_autoptr (RbTestResponse) by_kiosk
      = request (f, "PUT", other_path, kiosk, "{\"uid\":\"0499887766\"}");
  g_autoptr (RbTestResponse) by_nobody
      = request (f, "PUT", other_path, NULL, "{\"uid\":\"0499887766\"}");
  g_autoptr (RbTestResponse) not_uid
      = request (f, "PUT", other_path, f->admin, "{\"uid\":\"badge!\"}");
  g_autoptr (RbTestResponse) nobody_there
      = request (f, "PUT", "/api/v1/people/p-nobody/badge", f->admin, "{\"uid\":\"11223344\"}");
  g_autoptr (RbTestResponse) list = NULL;
  g_autoptr (RbTestResponse) remove_by_staff = NULL;
  g_autoptr (RbTestResponse) removed = NULL;
  g_autoptr (RbTestResponse) now_free = NULL;
  JsonArray *items;
  gboolean seen = FALSE;

  rb_test_assert_status (registered, 200);
  g_assert_true (person_has_badge (registered));
  rb_test_assert_status (again, 200);
  rb_test_assert_problem (taken, 409, "badge_taken");
  rb_test_assert_problem (by_staff, 403, "forbidden");
  rb_test_assert_problem (by_kiosk, 403, "forbidden");
  rb_test_assert_problem (by_nobody, 401, "unauthenticated");
  rb_test_assert_problem (not_uid, 422, "invalid_field");
  rb_test_assert_problem (nobody_there, 404, "not_found");

  list = request (f, "GET", "/api/v1/people", f->admin, NULL);
  rb_test_assert_status (list, 200);
  items = json_object_get_array_member (rb_test_response_get_object (list), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *person = json_array_get_object_element (items, i);

      g_assert_true (json_object_has_member (person, "has_badge"));
      if (g_str_equal (json_object_get_string_member (person, "id"), owner->id))
        {
          g_assert_true (json_object_get_boolean_member (person, "has_badge"));
          seen = TRUE;
        }
      else
        g_assert_false (json_object_get_boolean_member (person, "has_badge"));
    }
  g_assert_true (seen);

  remove_by_staff = request (f, "DELETE", path, staff, NULL);
  rb_test_assert_problem (remove_by_staff, 403, "forbidden");
  removed = request (f, "DELETE", path, f->admin, NULL);
  rb_test_assert_status (removed, 200);
  g_assert_false (person_has_badge (removed));
  now_free = request (f, "PUT", other_path, f->admin, "{\"uid\":\"04A23B9C1180\"}");
  rb_test_assert_status (now_free, 200);
  g_assert_true (person_has_badge (now_free));

  g_assert_cmpint (audit_count (f, "person.badge.register"), ==, 2);
  g_assert_cmpint (audit_count (f, "person.badge.remove"), ==, 1);
  /* The UID is nowhere: not in the database, not in the server's log. */
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE instr (upper (coalesce"
                                   " (before, '') || coalesce (after, '')), '04A23B9C') > 0"),
                   ==, 0);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM badges WHERE instr (upper (uid_hash),"
                                   " '04A23B9C') > 0"),
                   ==, 0);
  g_assert_true (g_file_get_contents (rb_test_server_get_log_path (f->server), &log, NULL, NULL));
  g_assert_null (strstr (log, "04A23B9C"));
  g_assert_null (strstr (log, "04a23b9c"));
}

static void
test_badge_identify (Fixture *f, gconstpointer data)
{
  const RbTestPerson *owner = rb_test_demo_person_with_role ("staff", 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/badge", owner->id);
  g_autofree char *person_path = g_strdup_printf ("/api/v1/people/%s", owner->id);
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk", NULL);
  g_autofree char *panel = rb_test_server_add_panel (f->server, "Panel", ROOM, NULL);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");
  g_autoptr (RbTestResponse) registered
      = request (f, "PUT", path, f->admin, "{\"uid\":\"0488FF1E2A7B80\"}");
  g_autoptr (RbTestResponse) at_kiosk = badge_login (f, kiosk, "0488ff1e2a7b80");
  g_autoptr (RbTestResponse) at_panel = badge_login (f, panel, "04:88:FF:1E:2A:7B:80");
  g_autoptr (RbTestResponse) at_pc = badge_login (f, NULL, "0488FF1E2A7B80");
  g_autoptr (RbTestResponse) as_admin = NULL;
  g_autoptr (RbTestResponse) forged = badge_login (
      f, "0000000000000000000000000000000000000000000000000000000000000000", "0488FF1E2A7B80");
  g_autoptr (RbTestResponse) unknown = badge_login (f, kiosk, "0411223344");
  g_autoptr (RbTestResponse) mixed = NULL;
  g_autoptr (RbTestResponse) deactivated = NULL;
  g_autoptr (RbTestResponse) inactive = NULL;
  JsonObject *person;
  g_autofree char *mixed_body = g_strdup_printf (
      "{\"badge\":\"0488FF1E2A7B80\",\"staff_number\":\"%s\"}", owner->staff_number);

  rb_test_assert_status (registered, 200);
  rb_test_assert_status (at_kiosk, 201);
  person = json_object_get_object_member (rb_test_response_get_object (at_kiosk), "person");
  g_assert_cmpstr (json_object_get_string_member (person, "id"), ==, owner->id);
  g_assert_nonnull (rb_test_response_get_string (at_kiosk, "token"));
  rb_test_assert_status (at_panel, 201);
  rb_test_assert_problem (at_pc, 403, "forbidden");
  /* An administrator's session is no device. */
  as_admin = request (f, "POST", "/api/v1/sessions", f->admin, "{\"badge\":\"0488FF1E2A7B80\"}");
  rb_test_assert_problem (as_admin, 403, "forbidden");
  rb_test_assert_problem (forged, 401, "unauthenticated");
  rb_test_assert_problem (unknown, 401, "badge_unknown");
  g_assert_nonnull (strstr (rb_test_response_get_string (unknown, "detail"), "not registered"));
  mixed = rb_test_request (f->session, "POST", url, NULL, mixed_body, "X-Device-Token", kiosk,
                           NULL);
  rb_test_assert_problem (mixed, 422, "invalid_field");

  deactivated = request (f, "PATCH", person_path, f->admin, "{\"active\":false}");
  rb_test_assert_status (deactivated, 200);
  inactive = badge_login (f, kiosk, "0488FF1E2A7B80");
  rb_test_assert_problem (inactive, 403, "person_inactive");
}

/* Unknown badges have a budget per device of their own: they neither eat the budget for
 * PINs nor can they be tried without end; another device is not affected. A person locked
 * after wrong PINs is locked with their badge too. */
static void
test_badge_throttle (Fixture *f, gconstpointer data)
{
  const RbTestPerson *owner = rb_test_demo_person_with_role ("staff", 0);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/badge", owner->id);
  g_autofree char *kiosk = rb_test_server_add_device (f->server, "Kiosk 1", NULL);
  g_autofree char *other_kiosk = rb_test_server_add_device (f->server, "Kiosk 2", NULL);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");
  g_autofree char *pin_body = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"%s\"}",
                                               owner->staff_number, owner->pin);
  g_autofree char *wrong_body
      = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"0000\"}", owner->staff_number);
  g_autoptr (RbTestResponse) registered
      = request (f, "PUT", path, f->admin, "{\"uid\":\"0488FF1E2A7B80\"}");
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) known_refused = NULL;
  g_autoptr (RbTestResponse) elsewhere = NULL;
  g_autoptr (RbTestResponse) pin_here = NULL;
  g_autoptr (RbTestResponse) locked = NULL;
  g_autoptr (RbTestResponse) locks = NULL;
  JsonArray *items;
  int unknown = 0, waiting = 0;

  rb_test_assert_status (registered, 200);
  for (;;)
    {
      g_autofree char *uid = g_strdup_printf ("04%08X", unknown + 1);
      g_autoptr (RbTestResponse) resp = badge_login (f, kiosk, uid);

      unknown++;
      if (resp->status == 429)
        {
          rb_test_assert_problem (resp, 429, "too_many_attempts");
          g_assert_nonnull (soup_message_headers_get_one (resp->headers, "Retry-After"));
          break;
        }
      rb_test_assert_problem (resp, 401, "badge_unknown");
      g_assert_cmpint (unknown, <, 100);
    }
  g_test_message ("unknown badges until the kiosk waits: %d", unknown);
  g_assert_cmpint (unknown, ==, 30);
  refused = badge_login (f, kiosk, "04FFFFFFFF");
  rb_test_assert_problem (refused, 429, "too_many_attempts");
  known_refused = badge_login (f, kiosk, "0488FF1E2A7B80");
  rb_test_assert_problem (known_refused, 429, "too_many_attempts");
  elsewhere = badge_login (f, other_kiosk, "0488FF1E2A7B80");
  rb_test_assert_status (elsewhere, 201);
  pin_here = rb_test_request (f->session, "POST", url, NULL, pin_body, "X-Device-Token", kiosk,
                              NULL);
  rb_test_assert_status (pin_here, 201);

  /* Five wrong PINs at the other kiosk lock the staff number there, for the badge too. */
  for (int i = 0; i < 5; i++)
    {
      g_autoptr (RbTestResponse) wrong = rb_test_request (
          f->session, "POST", url, NULL, wrong_body, "X-Device-Token", other_kiosk, NULL);

      g_assert_cmpint (wrong->status, >=, 401);
    }
  locked = badge_login (f, other_kiosk, "0488FF1E2A7B80");
  rb_test_assert_problem (locked, 429, "locked");

  /* The administrator sees the kiosk waiting (a client without a staff number). */
  locks = request (f, "GET", "/api/v1/login-locks", f->admin, NULL);
  rb_test_assert_status (locks, 200);
  items = json_object_get_array_member (rb_test_response_get_object (locks), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    if (!json_object_has_member (json_array_get_object_element (items, i), "staff_number"))
      waiting++;
  g_assert_cmpint (waiting, ==, 1);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/people/roles", Fixture, NULL, fixture_set_up, test_roles,
              fixture_tear_down);
  g_test_add ("/server/people/one-time-pin", Fixture, NULL, fixture_set_up, test_one_time_pin,
              fixture_tear_down);
  g_test_add ("/server/people/deactivate", Fixture, NULL, fixture_set_up, test_deactivate,
              fixture_tear_down);
  g_test_add ("/server/people/import-excel", Fixture, NULL, fixture_set_up, test_import_excel,
              fixture_tear_down);
  g_test_add ("/server/people/import-broken", Fixture, NULL, fixture_set_up,
              test_import_broken, fixture_tear_down);
  g_test_add ("/server/people/badges", Fixture, NULL, fixture_set_up, test_badges,
              fixture_tear_down);
  g_test_add ("/server/people/badge-identify", Fixture, NULL, fixture_set_up,
              test_badge_identify, fixture_tear_down);
  g_test_add ("/server/people/badge-throttle", Fixture, NULL, fixture_set_up,
              test_badge_throttle, fixture_tear_down);
  return g_test_run ();
}
