/* test-server-building.c: the building as a file through the real server: GET
 * /building/export and POST /building/import called by every role, a dry run and an import,
 * a bad file's place in the problem, a retired space whose owner sees why the booking was
 * cancelled, floors' position and spaces' bookable in the lists, and the command line
 * (--import-building, --export-building, --dry-run). The server's clock stands at Monday
 * 30 November 2026, 07:00 in Bonn. */
#include "config.h"

#include <string.h>

#include "rb-json.h"
#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* Tuesday 1 December 2026, 00:00 in Bonn. */
#define TUESDAY G_GINT64_CONSTANT (1796079600)
#define AT(hour, minute) (TUESDAY + (hour) * 3600 + (minute) * 60)

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

  f->dir = g_dir_make_tmp ("raumbuch-building-XXXXXX", &error);
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

static const RbTestPerson *
admin (void)
{
  return rb_test_demo_person_with_role ("admin", 0);
}

static RbTestResponse *
export (Fixture *f, const char *token)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/building/export");

  return rb_test_request (f->session, "GET", url, token, NULL, NULL);
}

static RbTestResponse *
import (Fixture *f, const char *token, const char *dry_run, const char *body)
{
  g_autofree char *url = dry_run != NULL
                             ? rb_test_server_url (f->server, "/api/v1/building/import?dry_run=%s", dry_run)
                             : rb_test_server_url (f->server, "/api/v1/building/import");

  return rb_test_request (f->session, "POST", url, token, body, NULL);
}

static char *
body_text (RbTestResponse *resp)
{
  gsize size;
  const char *data = g_bytes_get_data (resp->body, &size);

  return g_strndup (data, size);
}

/* The exported document, ready to change. */
static JsonNode *
exported (Fixture *f)
{
  g_autofree char *token = rb_test_login_person (f->session, f->server, admin ());
  g_autoptr (RbTestResponse) resp = export (f, token);
  g_autofree char *text = NULL;
  g_autoptr (GError) error = NULL;
  JsonNode *root;

  rb_test_assert_status (resp, 200);
  text = body_text (resp);
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  return root;
}

static JsonArray *
spaces_of (JsonNode *root)
{
  return json_object_get_array_member (json_node_get_object (root), "spaces");
}

static void
remove_space (JsonNode *root, const char *id)
{
  JsonArray *spaces = spaces_of (root);

  for (guint i = 0; i < json_array_get_length (spaces); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (spaces, i), "id"), id))
      {
        json_array_remove_element (spaces, i);
        return;
      }
  g_assert_not_reached ();
}

static gint64
report_count (RbTestResponse *resp, const char *list)
{
  return json_array_get_length (json_object_get_array_member (rb_test_response_get_object (resp), list));
}

/* Every role, no one and a kiosk: only administrators get the building; the others 403, and
 * those without a person's session 401. Nobody but the administrator changes anything. */
static void
test_roles (Fixture *f, gconstpointer data)
{
  static const char *const roles[] = { "staff", "team_lead", "facility_manager" };
  g_autoptr (JsonNode) document = exported (f);
  g_autofree char *body = NULL;
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk", NULL);
  const char *db = rb_test_server_get_db_path (f->server);
  gint64 audit = rb_test_db_int (db, "SELECT count(*) FROM audit_log");

  remove_space (document, "a0-d001");
  body = rb_json_to_string (document, FALSE);
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autofree char *token = rb_test_login_person (f->session, f->server,
                                                     rb_test_demo_person_with_role (roles[i], 0));
      g_autoptr (RbTestResponse) got = export (f, token);
      g_autoptr (RbTestResponse) dry = import (f, token, "true", body);
      g_autoptr (RbTestResponse) posted = import (f, token, "false", body);

      g_test_message ("role %s", roles[i]);
      rb_test_assert_problem (got, 403, "forbidden");
      rb_test_assert_problem (dry, 403, "forbidden");
      rb_test_assert_problem (posted, 403, "forbidden");
    }
  {
    g_autoptr (RbTestResponse) got = export (f, NULL);
    g_autoptr (RbTestResponse) posted = import (f, NULL, "false", body);
    g_autoptr (RbTestResponse) kiosk_got = export (f, device);
    g_autoptr (RbTestResponse) kiosk_posted = import (f, device, "false", body);

    rb_test_assert_problem (got, 401, "unauthenticated");
    rb_test_assert_problem (posted, 401, "unauthenticated");
    rb_test_assert_problem (kiosk_got, 401, "unauthenticated");
    rb_test_assert_problem (kiosk_posted, 401, "unauthenticated");
  }
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM spaces WHERE retired_at IS NOT NULL"), ==, 0);
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM audit_log"), ==, audit);

  {
    g_autofree char *token = rb_test_login_person (f->session, f->server, admin ());
    g_autoptr (RbTestResponse) got = export (f, token);
    g_autoptr (RbTestResponse) posted = import (f, token, "false", body);

    rb_test_assert_status (got, 200);
    rb_test_assert_status (posted, 200);
    g_assert_cmpint (report_count (posted, "retired"), ==, 1);
  }
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM audit_log WHERE action = 'building.import'"
                                       " AND actor_id = 'p-95113'"),
                   ==, audit + 1);
}

/* A booked desk taken out of the file: the dry run says so and changes nothing; the import
 * cancels the booking, and its owner reads why in their list. The desk is gone from the
 * lists and cannot be booked; floors carry their position and spaces bookable. */
static void
test_retire_booked_space (Fixture *f, gconstpointer data)
{
  const RbTestPerson *owner = rb_test_demo_person_with_role ("staff", 0);
  g_autofree char *owner_token = rb_test_login_person (f->session, f->server, owner);
  g_autofree char *admin_token = rb_test_login_person (f->session, f->server, admin ());
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *again_id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) booked = rb_test_create_booking (f->session, f->server, owner_token,
                                                              id, "a0-d001", AT (9, 0),
                                                              AT (12, 0), NULL, 0);
  g_autoptr (JsonNode) document = exported (f);
  g_autofree char *body = NULL;
  g_autofree char *mine_url = rb_test_server_url (f->server, "/api/v1/bookings?mine=true");
  g_autofree char *floors_url = rb_test_server_url (f->server, "/api/v1/floors");
  g_autofree char *spaces_url = rb_test_server_url (f->server, "/api/v1/spaces?floor=flr-a-eg");
  const char *db = rb_test_server_get_db_path (f->server);
  g_autofree char *before = NULL;
  gboolean seen = FALSE;

  rb_test_assert_status (booked, 201);
  remove_space (document, "a0-d001");
  body = rb_json_to_string (document, FALSE);
  before = rb_test_db_dump (db, "SELECT id, state, retired_at FROM spaces LEFT JOIN bookings USING (id)");

  {
    g_autoptr (RbTestResponse) dry = import (f, admin_token, "true", body);
    g_autofree char *after = NULL;

    rb_test_assert_status (dry, 200);
    g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (dry), "dry_run"));
    g_assert_cmpint (rb_test_response_get_int (dry, "cancelled_bookings"), ==, 1);
    g_assert_cmpint (report_count (dry, "retired"), ==, 1);
    after = rb_test_db_dump (db, "SELECT id, state, retired_at FROM spaces LEFT JOIN bookings USING (id)");
    g_assert_cmpstr (before, ==, after);
  }
  {
    g_autoptr (RbTestResponse) done = import (f, admin_token, NULL, body);

    rb_test_assert_status (done, 200);
    g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (done), "dry_run"));
    g_assert_cmpint (rb_test_response_get_int (done, "cancelled_bookings"), ==, 1);
  }
  {
    g_autoptr (RbTestResponse) mine = rb_test_request (f->session, "GET", mine_url, owner_token, NULL, NULL);
    JsonArray *items;

    rb_test_assert_status (mine, 200);
    items = json_object_get_array_member (rb_test_response_get_object (mine), "items");
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *booking = json_array_get_object_element (items, i);

        if (!g_str_equal (json_object_get_string_member (booking, "id"), id))
          continue;
        seen = TRUE;
        g_assert_cmpstr (json_object_get_string_member (booking, "state"), ==, "cancelled");
        g_assert_cmpstr (json_object_get_string_member (booking, "cancel_reason"), ==,
                         "The space was taken out of service.");
      }
    g_assert_true (seen);
  }
  {
    g_autoptr (RbTestResponse) again = rb_test_create_booking (f->session, f->server, owner_token,
                                                               again_id, "a0-d001", AT (13, 0),
                                                               AT (14, 0), NULL, 0);
    g_autoptr (RbTestResponse) floors = rb_test_request (f->session, "GET", floors_url, owner_token, NULL, NULL);
    g_autoptr (RbTestResponse) spaces = rb_test_request (f->session, "GET", spaces_url, owner_token, NULL, NULL);
    JsonArray *items;

    rb_test_assert_problem (again, 409, "space_not_bookable");
    rb_test_assert_status (floors, 200);
    items = json_object_get_array_member (rb_test_response_get_object (floors), "items");
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (items, 1), "position"), ==, 1);
    rb_test_assert_status (spaces, 200);
    items = json_object_get_array_member (rb_test_response_get_object (spaces), "items");
    g_assert_cmpuint (json_array_get_length (items), >, 0);
    for (guint i = 0; i < json_array_get_length (items); i++)
      {
        JsonObject *space = json_array_get_object_element (items, i);

        g_assert_cmpstr (json_object_get_string_member (space, "id"), !=, "a0-d001");
        g_assert_true (json_object_get_boolean_member (space, "bookable"));
      }
  }
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM changes WHERE topic = 'building'"), ==, 1);
}

/* A bad file: 422 with the place in detail and path; nothing changed. Not JSON: 400. */
static void
test_bad_file (Fixture *f, gconstpointer data)
{
  g_autofree char *token = rb_test_login_person (f->session, f->server, admin ());
  g_autoptr (JsonNode) document = exported (f);
  JsonArray *spaces = spaces_of (document);
  guint last = json_array_get_length (spaces) - 1;
  g_autofree char *path = g_strdup_printf ("spaces[%u].rect.w", last);
  g_autofree char *body = NULL;
  const char *db = rb_test_server_get_db_path (f->server);
  g_autofree char *before = rb_test_db_dump (db, "SELECT * FROM spaces");

  json_object_set_string_member (json_array_get_object_element (spaces, 0), "name", "Renamed");
  json_object_set_int_member (json_object_get_object_member (json_array_get_object_element (spaces, last), "rect"), "w", 0);
  body = rb_json_to_string (document, FALSE);
  {
    g_autoptr (RbTestResponse) resp = import (f, token, "false", body);
    g_autofree char *after = rb_test_db_dump (db, "SELECT * FROM spaces");

    rb_test_assert_problem (resp, 422, "invalid_building");
    g_assert_cmpstr (rb_test_response_get_string (resp, "path"), ==, path);
    g_assert_nonnull (strstr (rb_test_response_get_string (resp, "detail"), "must be greater than 0"));
    g_assert_cmpstr (before, ==, after);
  }
  {
    g_autoptr (RbTestResponse) resp = import (f, token, "false", "{\"site\": ");

    rb_test_assert_problem (resp, 400, "invalid_json");
  }
  {
    g_autoptr (RbTestResponse) resp = import (f, token, "maybe", body);

    rb_test_assert_problem (resp, 422, "invalid_field");
  }
}

/* The export imported again changes nothing; a building bigger than the 64 KiB of other
 * requests is taken. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *token = rb_test_login_person (f->session, f->server, admin ());
  g_autoptr (RbTestResponse) first = export (f, token);
  g_autofree char *text = body_text (first);
  g_autoptr (RbTestResponse) report = import (f, token, "false", text);
  g_autoptr (RbTestResponse) second = export (f, token);
  g_autofree char *second_text = body_text (second);
  g_autoptr (JsonNode) big = exported (f);
  g_autofree char *big_body = NULL;

  rb_test_assert_status (report, 200);
  g_assert_cmpint (report_count (report, "new") + report_count (report, "changed")
                       + report_count (report, "retired"),
                   ==, 0);
  g_assert_cmpstr (text, ==, second_text);
  json_object_set_string_member (json_node_get_object (big), "$schema",
                                 "https://raumbuch.example/building.schema.json");
  {
    g_autofree char *pretty = rb_json_to_string (big, TRUE);

    /* Whitespace is JSON too. */
    big_body = g_strdup_printf ("%s%*s", pretty, 70 * 1024, "");
  }
  {
    g_autoptr (RbTestResponse) resp = import (f, token, "true", big_body);

    rb_test_assert_status (resp, 200);
  }
}

/* raumbuch-server --export-building, --import-building [--dry-run], with the server stopped. */
static void
test_command_line (Fixture *f, gconstpointer data)
{
  const char *server = g_getenv ("RAUMBUCH_SERVER");
  const char *db = rb_test_server_get_db_path (f->server);
  g_autofree char *file = g_build_filename (f->dir, "building.json", NULL);
  g_autofree char *file2 = g_build_filename (f->dir, "building2.json", NULL);
  g_autofree char *fresh_db = g_build_filename (f->dir, "fresh.db", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  int status = -1;

  rb_test_server_stop (f->server);
  {
    const char *argv[] = { server, "--db", db, "--export-building", file, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_no_error (error);
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }
  g_assert_true (g_file_get_contents (file, &first, NULL, &error));

  /* Into a new database: everything new, and the same file out again. */
  {
    const char *argv[] = { server, "--db", fresh_db, "--import-building", file, NULL };
    const char *export_argv[] = { server, "--db", fresh_db, "--export-building", file2, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "Added:"));
    g_assert_nonnull (strstr (out, "a3-r07"));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) export_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_file_get_contents (file2, &second, NULL, &error));
    g_assert_cmpstr (first, ==, second);
  }

  /* A space less, dry run: said and not done; then done. */
  root = json_from_string (first, &error);
  g_assert_no_error (error);
  remove_space (root, "a0-d002");
  {
    g_autofree char *text = rb_json_to_string (root, TRUE);
    const char *dry_argv[] = { server, "--db", db, "--import-building", file, "--dry-run", NULL };
    const char *argv[] = { server, "--db", db, "--import-building", file, NULL };

    g_assert_true (g_file_set_contents (file, text, -1, &error));
    g_assert_true (g_spawn_sync (NULL, (char **) dry_argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                                 &out, &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "Would be taken out of service:"));
    g_assert_nonnull (strstr (out, "a0-d002"));
    g_assert_nonnull (strstr (out, "dry run"));
    g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM spaces WHERE retired_at IS NOT NULL"), ==, 0);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_true (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (out, "Taken out of service:"));
    g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM spaces WHERE retired_at IS NOT NULL"), ==, 1);
    g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM audit_log WHERE actor_id IS NULL"), ==, 1);
    g_clear_pointer (&out, g_free);
    g_clear_pointer (&err, g_free);
  }

  /* A bad file: the place on stderr, exit status 1, nothing changed. */
  {
    const char *argv[] = { server, "--db", db, "--import-building", file, NULL };

    g_assert_true (g_file_set_contents (file, "{\"site\": {}}", -1, &error));
    g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                 &err, &status, &error));
    g_assert_false (g_spawn_check_wait_status (status, NULL));
    g_assert_nonnull (strstr (err, "buildings: is required"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/building/roles", Fixture, NULL, fixture_set_up, test_roles, fixture_tear_down);
  g_test_add ("/server/building/retire-booked-space", Fixture, NULL, fixture_set_up,
              test_retire_booked_space, fixture_tear_down);
  g_test_add ("/server/building/bad-file", Fixture, NULL, fixture_set_up, test_bad_file,
              fixture_tear_down);
  g_test_add ("/server/building/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/server/building/command-line", Fixture, NULL, fixture_set_up,
              test_command_line, fixture_tear_down);
  return g_test_run ();
}
