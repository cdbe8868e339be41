/* test-server-policy.c: GET and PUT /api/v1/policy and GET /api/v1/audit on the real server:
 * who may read and change the policy (every role, no one, a kiosk), that a new policy decides
 * the next booking, the audit entries of the policy and of blocks, and the audit log's pages.
 * The server's clock starts on Monday 30 November 2026 at 06:00 UTC (07:00 in Bonn). */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* Tuesday 1 December 2026, 00:00 UTC */
#define TUESDAY G_GINT64_CONSTANT (1796083200)
#define TUE(hour_utc) (TUESDAY + (hour_utc) * 3600)

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

  f->dir = g_dir_make_tmp ("raumbuch-policy-XXXXXX", &error);
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

static RbTestResponse *
request (Fixture *f, const char *method, const char *token, const char *body, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

static char *
login_role (Fixture *f, const char *role)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person_with_role (role, 0));
}

/* The default policy with one member changed, as a PUT body. */
static char *
policy_body (const char *member, JsonNode *value)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  g_autoptr (GError) error = NULL;

  json_parser_load_from_data (parser,
                              "{\"opening_time\": \"06:00\", \"closing_time\": \"20:00\","
                              " \"desk_horizon_days\": 14, \"room_horizon_days\": 90,"
                              " \"team_lead_room_horizon_days\": 180, \"max_desk_minutes\": 600,"
                              " \"one_desk_per_day\": true, \"check_in_before_minutes\": 15,"
                              " \"check_in_after_minutes\": 15, \"show_names\": false}",
                              -1, &error);
  g_assert_no_error (error);
  if (member != NULL)
    json_object_set_member (json_node_get_object (json_parser_get_root (parser)), member, value);
  json_generator_set_root (generator, json_parser_get_root (parser));
  return json_generator_to_data (generator, NULL);
}

static JsonNode *
int_node (gint64 value)
{
  return json_node_init_int (json_node_alloc (), value);
}

static JsonNode *
string_node (const char *value)
{
  return json_node_init_string (json_node_alloc (), value);
}

static JsonArray *
audit_items (RbTestResponse *resp)
{
  return json_object_get_array_member (rb_test_response_get_object (resp), "items");
}

/* PUT /policy by every role, by nobody and by a kiosk: only an administrator changes it. */
static void
test_roles (Fixture *f, gconstpointer data)
{
  static const char *const others[] = { "staff", "team_lead", "facility_manager" };
  g_autofree char *admin = login_role (f, "admin");
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk EG", NULL);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/policy");
  g_autofree char *body = policy_body ("desk_horizon_days", int_node (7));
  g_autofree char *bad = policy_body ("closing_time", string_node ("05:00"));
  g_autoptr (RbTestResponse) anonymous = NULL;
  g_autoptr (RbTestResponse) kiosk_put = NULL;
  g_autoptr (RbTestResponse) kiosk_get = NULL;
  g_autoptr (RbTestResponse) anonymous_get = NULL;
  g_autoptr (RbTestResponse) invalid = NULL;
  g_autoptr (RbTestResponse) changed = NULL;
  g_autoptr (RbTestResponse) read_back = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *token = login_role (f, others[i]);
      g_autoptr (RbTestResponse) put = request (f, "PUT", token, body, "/api/v1/policy");
      g_autoptr (RbTestResponse) put_bad = request (f, "PUT", token, bad, "/api/v1/policy");
      g_autoptr (RbTestResponse) get = request (f, "GET", token, NULL, "/api/v1/policy");
      g_autoptr (RbTestResponse) audit = request (f, "GET", token, NULL, "/api/v1/audit");

      g_test_message ("role %s", others[i]);
      rb_test_assert_problem (put, 403, "forbidden");
      /* A refused value is an administrator's business: others learn only "forbidden". */
      rb_test_assert_problem (put_bad, 403, "forbidden");
      rb_test_assert_status (get, 200);
      g_assert_cmpint (rb_test_response_get_int (get, "desk_horizon_days"), ==, 14);
      rb_test_assert_problem (audit, 403, "forbidden");
    }

  anonymous = request (f, "PUT", NULL, body, "/api/v1/policy");
  rb_test_assert_problem (anonymous, 401, "unauthenticated");
  anonymous_get = request (f, "GET", NULL, NULL, "/api/v1/policy");
  rb_test_assert_problem (anonymous_get, 401, "unauthenticated");
  kiosk_put = rb_test_request (f->session, "PUT", url, NULL, body, "X-Device-Token", device,
                               NULL);
  rb_test_assert_problem (kiosk_put, 401, "unauthenticated");
  kiosk_get = rb_test_request (f->session, "GET", url, NULL, NULL, "X-Device-Token", device,
                               NULL);
  rb_test_assert_status (kiosk_get, 200);
  g_assert_cmpstr (rb_test_response_get_string (kiosk_get, "opening_time"), ==, "06:00");

  invalid = request (f, "PUT", admin, bad, "/api/v1/policy");
  rb_test_assert_problem (invalid, 422, "invalid_field");
  g_assert_cmpstr (rb_test_response_get_string (invalid, "field"), ==, "closing_time");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log"), ==, 0);

  changed = request (f, "PUT", admin, body, "/api/v1/policy");
  rb_test_assert_status (changed, 200);
  g_assert_cmpint (rb_test_response_get_int (changed, "desk_horizon_days"), ==, 7);
  read_back = rb_test_request (f->session, "GET", url, NULL, NULL, "X-Device-Token", device,
                               NULL);
  g_assert_cmpint (rb_test_response_get_int (read_back, "desk_horizon_days"), ==, 7);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE action = 'policy.update'"),
                   ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM changes WHERE topic = 'policy'"),
                   ==, 1);
}

/* A desk for nine hours is fine until an administrator makes the longest booking eight; then
 * the same request is refused, and so is an early one after the opening time moved. */
static void
test_in_force (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = login_role (f, "admin");
  g_autofree char *staff = login_role (f, "staff");
  g_autofree char *shorter = policy_body ("max_desk_minutes", int_node (480));
  g_autofree char *later = NULL;
  g_autofree char *first = g_uuid_string_random ();
  g_autofree char *second = g_uuid_string_random ();
  g_autofree char *third = g_uuid_string_random ();
  g_autoptr (RbTestResponse) before = NULL;
  g_autoptr (RbTestResponse) changed = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) moved = NULL;
  g_autoptr (RbTestResponse) early = NULL;

  before = rb_test_create_booking (f->session, f->server, staff, first, "a0-d001", TUE (7),
                                   TUE (16), NULL, 0);
  rb_test_assert_status (before, 201);

  changed = request (f, "PUT", admin, shorter, "/api/v1/policy");
  rb_test_assert_status (changed, 200);
  refused = rb_test_create_booking (f->session, f->server, staff, second, "a0-d002",
                                    TUE (24 + 7), TUE (24 + 16), NULL, 0);
  rb_test_assert_problem (refused, 422, "too_long");

  later = policy_body ("opening_time", string_node ("09:00"));
  moved = request (f, "PUT", admin, later, "/api/v1/policy");
  rb_test_assert_status (moved, 200);
  /* 07:00 UTC is 08:00 in Bonn, before the new opening time. */
  early = rb_test_create_booking (f->session, f->server, staff, third, "a0-d002",
                                  TUE (24 + 7), TUE (24 + 8), NULL, 0);
  rb_test_assert_problem (early, 422, "outside_opening_hours");
}

/* Blocks and policy changes in the log, newest first, in pages, filtered. */
static void
test_audit (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = login_role (f, "admin");
  g_autofree char *manager = login_role (f, "facility_manager");
  const char *block_body = "{\"start\": \"2026-12-02T00:00:00Z\", \"end\": \"2026-12-03T00:00:00Z\","
                           " \"reason\": \"Wasserschaden\"}";
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) lifted = NULL;
  g_autoptr (RbTestResponse) first = NULL;
  g_autoptr (RbTestResponse) second = NULL;
  g_autoptr (RbTestResponse) blocks_only = NULL;
  g_autoptr (RbTestResponse) anonymous = NULL;
  g_autoptr (RbTestResponse) bad_limit = NULL;
  g_autoptr (RbTestResponse) edit = NULL;
  g_autofree char *lift_path = NULL;
  g_autofree char *next_path = NULL;
  JsonObject *entry;

  for (int days = 1; days <= 2; days++)
    {
      g_autofree char *body = policy_body ("desk_horizon_days", int_node (days));
      g_autoptr (RbTestResponse) put = request (f, "PUT", admin, body, "/api/v1/policy");

      rb_test_assert_status (put, 200);
    }
  created = request (f, "POST", manager, block_body, "/api/v1/spaces/a0-r03/blocks");
  rb_test_assert_status (created, 201);
  lift_path = g_strdup_printf ("/api/v1/blocks/%s",
                               json_object_get_string_member (
                                   json_object_get_object_member (
                                       rb_test_response_get_object (created), "block"), "id"));
  lifted = request (f, "DELETE", manager, NULL, lift_path);
  rb_test_assert_status (lifted, 204);

  first = request (f, "GET", admin, NULL, "/api/v1/audit?limit=3");
  rb_test_assert_status (first, 200);
  g_assert_cmpuint (json_array_get_length (audit_items (first)), ==, 3);
  entry = json_array_get_object_element (audit_items (first), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "block.lift");
  g_assert_cmpstr (json_object_get_string_member (entry, "subject"), ==, "a0-r03");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "actor"),
                                                  "display_name"),
                   ==, rb_test_demo_person_with_role ("facility_manager", 0)->display_name);
  g_assert_nonnull (rb_test_response_get_string (first, "next_before"));

  next_path = g_strdup_printf ("/api/v1/audit?limit=3&before=%s",
                               rb_test_response_get_string (first, "next_before"));
  second = request (f, "GET", admin, NULL, next_path);
  rb_test_assert_status (second, 200);
  g_assert_cmpuint (json_array_get_length (audit_items (second)), ==, 1);
  entry = json_array_get_object_element (audit_items (second), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "policy.update");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (entry, "after"),
                                               "desk_horizon_days"), ==, 1);
  g_assert_true (json_object_get_null_member (rb_test_response_get_object (second),
                                              "next_before"));

  blocks_only = request (f, "GET", admin, NULL, "/api/v1/audit?action=block.&subject=a0-r03");
  g_assert_cmpuint (json_array_get_length (audit_items (blocks_only)), ==, 2);

  anonymous = request (f, "GET", NULL, NULL, "/api/v1/audit");
  rb_test_assert_problem (anonymous, 401, "unauthenticated");
  bad_limit = request (f, "GET", admin, NULL, "/api/v1/audit?limit=0");
  rb_test_assert_problem (bad_limit, 422, "invalid_field");
  /* No route changes the log. */
  edit = request (f, "DELETE", admin, NULL, "/api/v1/audit");
  g_assert_cmpuint (edit->status, ==, 405);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log"), ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/server/policy/roles", Fixture, NULL, fixture_set_up, test_roles,
              fixture_tear_down);
  g_test_add ("/server/policy/in-force", Fixture, NULL, fixture_set_up, test_in_force,
              fixture_tear_down);
  g_test_add ("/server/policy/audit", Fixture, NULL, fixture_set_up, test_audit,
              fixture_tear_down);
  return g_test_run ();
}
