/* test-server-directory.c: sign-in with the directory and the directory sync (issue 14),
 * against a real slapd (rb-test-slapd.h) of 1,000 people in nested groups.
 *
 * Sign-in: a right password opens a session with the role that nested groups give; a wrong
 * password, an unknown user name and an empty password are the same 401 "wrong_password",
 * and the lockout of wrong PINs applies; a disabled account is 403 "account_disabled"; a
 * directory that is down is 503 "directory_unavailable" and counts as nobody's wrong guess;
 * a kiosk cannot use a password. Sync: a dry run changes nothing, a sync adds everyone, and
 * between two syncs a person removed from the directory is deactivated and a group changed
 * changes a role; every sync is in the audit log. A server without a directory says so. */
#include "config.h"

#include <string.h>
#include <sys/wait.h>

#include "rb-test-server.h"
#include "rb-test-slapd.h"

#define N_PEOPLE 1000

typedef struct
{
  char *dir;
  RbTestSlapd *slapd;
  char *config;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static char *
write_config (const char *dir, const char *url, const char *extra)
{
  g_autofree char *password_file = g_build_filename (dir, "service-password", NULL);
  g_autofree char *contents = NULL;
  char *path = g_build_filename (dir, "raumbuch-server.conf", NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (password_file, RB_TEST_SLAPD_SERVICE_PASSWORD "\n", -1, &error);
  g_assert_no_error (error);
  contents = g_strdup_printf (
      "[server]\n"
      "release-interval=3600\n"
      "[directory]\n"
      "url=%s\n"
      "starttls=false\n"
      "timeout=3\n"
      "base-dn=" RB_TEST_SLAPD_BASE_DN "\n"
      "bind-dn=" RB_TEST_SLAPD_SERVICE_DN "\n"
      "bind-password-file=%s\n"
      "user-filter=(objectClass=inetOrgPerson)\n"
      "username-attribute=uid\n"
      "staff-number-attribute=employeeNumber\n"
      "display-name-attribute=cn\n"
      "team-attribute=departmentNumber\n"
      "disabled-filter=(employeeType=disabled)\n"
      "group-base-dn=ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
      "users-group=cn=raumbuch-users,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
      "admin-group=cn=raumbuch-admins,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
      "team-lead-group=cn=raumbuch-leads,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
      "facility-manager-group=cn=raumbuch-facility,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
      "%s",
      url, password_file, extra != NULL ? extra : "sync-interval=0\n");
  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  f->dir = g_dir_make_tmp ("raumbuch-directory-XXXXXX", &error);
  g_assert_no_error (error);
  f->slapd = rb_test_slapd_new (f->dir, N_PEOPLE);
  g_test_message ("slapd with %u people ready in %.0f ms", N_PEOPLE,
                  (g_get_monotonic_time () - start) / 1000.0);
  f->config = write_config (f->dir, rb_test_slapd_get_url (f->slapd), data);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_add_args (f->server, "--config", f->config, NULL);
  f->session = rb_test_client_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_clear_pointer (&f->slapd, rb_test_slapd_free);
  g_free (f->config);
  g_free (f->dir);
}

static RbTestResponse *
sign_in (Fixture *f, const char *username, const char *password, const char *device_token)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *body = NULL;
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, username);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  body = json_to_string (root, FALSE);
  if (device_token != NULL)
    return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", device_token,
                            NULL);
  return rb_test_request (f->session, "POST", url, NULL, body, NULL);
}

static const char *
person_member (RbTestResponse *resp, const char *member)
{
  JsonObject *person = json_object_get_object_member (rb_test_response_get_object (resp), "person");

  return json_object_get_string_member (person, member);
}

static char *
sign_in_token (Fixture *f, const char *username, const char *password)
{
  g_autoptr (RbTestResponse) resp = sign_in (f, username, password, NULL);

  rb_test_assert_status (resp, 201);
  return g_strdup (rb_test_response_get_string (resp, "token"));
}

/* The harness: slapd holds the 1,000 people and answers paged searches. */
static void
test_slapd (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (rb_test_slapd_count (f->slapd, "(objectClass=inetOrgPerson)"), ==, N_PEOPLE);
  g_assert_cmpuint (rb_test_slapd_count (f->slapd, "(objectClass=groupOfNames)"), >=, 25);
}

static void
test_sign_in (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) lead = NULL;
  g_autoptr (RbTestResponse) again = NULL;
  g_autoptr (RbTestResponse) health = NULL;
  g_autoptr (RbTestResponse) mine = NULL;
  g_autofree char *url = NULL;
  gint64 start;

  rb_test_server_start (f->server);
  url = rb_test_server_url (f->server, "/api/v1/health");
  health = rb_test_request (f->session, "GET", url, NULL, NULL, NULL);
  rb_test_assert_status (health, 200);
  g_assert_true (
      json_object_get_boolean_member (rb_test_response_get_object (health), "directory"));

  /* person0002 is a team lead through leads-inner ∈ leads ∈ raumbuch-leads. */
  start = g_get_monotonic_time ();
  lead = sign_in (f, "person0002", "secret-0002", NULL);
  g_test_message ("first directory sign-in (person added): %.1f ms",
                  (g_get_monotonic_time () - start) / 1000.0);
  rb_test_assert_status (lead, 201);
  g_assert_cmpstr (person_member (lead, "display_name"), ==, "Person 0002");
  g_assert_cmpstr (person_member (lead, "role"), ==, "team_lead");
  g_assert_nonnull (rb_test_response_get_string (lead, "token"));

  /* Again, with the user name in other case: the same person, not a second one. */
  start = g_get_monotonic_time ();
  again = sign_in (f, "PERSON0002", "secret-0002", NULL);
  g_test_message ("second directory sign-in: %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  rb_test_assert_status (again, 201);
  g_assert_cmpstr (person_member (again, "id"), ==, person_member (lead, "id"));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '100002'"),
                   ==, 1);

  /* The session works, and the password is nowhere in the database. */
  g_free (url);
  url = rb_test_server_url (f->server, "/api/v1/bookings?mine=true");
  mine = rb_test_request (f->session, "GET", url, rb_test_response_get_string (lead, "token"), NULL,
                          NULL);
  rb_test_assert_status (mine, 200);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE pin_hash IS NOT NULL"
                                   " AND staff_number = '100002'"),
                   ==, 0);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE instr (coalesce (after,"
                                   " '') || coalesce (before, ''), 'secret-0002') > 0"),
                   ==, 0);
}

static void
test_wrong_password (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) locked = NULL;
  g_autoptr (RbTestResponse) right_but_locked = NULL;
  const char *wrong[][2] = {
    { "person0010", "secret-0011" }, /* someone else's password */
    { "nobody", "secret-0010" },     /* no such user */
    { "person0010)(uid=*", "x" },    /* no filter injection */
  };

  rb_test_server_start (f->server);
  /* An empty password would be an unauthenticated bind, which directories accept: refused
   * before any directory sees it. */
  {
    g_autoptr (RbTestResponse) empty = sign_in (f, "person0010", "", NULL);

    rb_test_assert_problem (empty, 422, "invalid_field");
  }
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr (RbTestResponse) resp = sign_in (f, wrong[i][0], wrong[i][1], NULL);

      rb_test_assert_problem (resp, 401, "wrong_password");
    }
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE directory_user IS NOT NULL"),
                   ==, 0);

  /* Five wrong passwords in a row for one user name from one client lock it there, as five
   * wrong PINs lock a staff number (one was counted above). */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (RbTestResponse) resp = sign_in (f, "person0010", "wrong", NULL);

      rb_test_assert_problem (resp, 401, "wrong_password");
    }
  locked = sign_in (f, "person0010", "wrong", NULL);
  rb_test_assert_problem (locked, 429, "locked");
  g_assert_nonnull (strstr (rb_test_response_get_string (locked, "detail"), "wrong passwords"));
  g_assert_nonnull (soup_message_headers_get_one (locked->headers, "Retry-After"));
  right_but_locked = sign_in (f, "person0010", "secret-0010", NULL);
  rb_test_assert_problem (right_but_locked, 429, "locked");
}

static void
test_disabled (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) disabled = NULL;
  g_autoptr (RbTestResponse) not_user = NULL;

  rb_test_server_start (f->server);
  disabled = sign_in (f, "person0999", "secret-0999", NULL);
  rb_test_assert_problem (disabled, 403, "account_disabled");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM people WHERE staff_number = '100999'"),
                   ==, 0);

  /* In the directory with the right password, but no member of raumbuch-users. */
  rb_test_slapd_modify (f->slapd, "dn: cn=team-20,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                                  "changetype: modify\n"
                                  "delete: member\n"
                                  "member: uid=person0020,ou=people," RB_TEST_SLAPD_BASE_DN "\n");
  not_user = sign_in (f, "person0020", "secret-0020", NULL);
  rb_test_assert_problem (not_user, 403, "forbidden");
}

static void
test_directory_down (Fixture *f, gconstpointer data)
{
  g_autofree char *device = NULL;
  g_autoptr (RbTestResponse) kiosk = NULL;
  g_autoptr (RbTestResponse) back = NULL;
  gint64 start;

  device = rb_test_server_add_device (f->server, "Kiosk Foyer", NULL);
  rb_test_server_start (f->server);
  kiosk = sign_in (f, "person0030", "secret-0030", device);
  rb_test_assert_problem (kiosk, 403, "forbidden");

  rb_test_slapd_kill (f->slapd);
  /* More tries than the lockout allows: an outage is nobody's wrong guess. */
  for (guint i = 0; i < 6; i++)
    {
      g_autoptr (RbTestResponse) down = NULL;

      start = g_get_monotonic_time ();
      down = sign_in (f, "person0030", "secret-0030", NULL);
      rb_test_assert_problem (down, 503, "directory_unavailable");
      g_assert_cmpfloat ((g_get_monotonic_time () - start) / 1e6, <, 10);
    }

  rb_test_slapd_start (f->slapd);
  back = sign_in (f, "person0030", "secret-0030", NULL);
  rb_test_assert_status (back, 201);
}

/* StartTLS, the default for ldap://: with the directory's CA the sign-in works; with a CA
 * that did not sign its certificate (the system's), nothing is sent and the directory is
 * unavailable. */
static void
test_starttls (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;
  g_autoptr (GString) tls = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbTestResponse) signed_in = NULL;
  g_autoptr (RbTestResponse) untrusted = NULL;
  g_autofree char *with_ca = NULL;

  g_file_get_contents (f->config, &contents, NULL, &error);
  g_assert_no_error (error);
  tls = g_string_new (contents);
  with_ca = g_strdup_printf ("starttls=true\nca-file=%s\n", rb_test_slapd_get_ca_file (f->slapd));
  g_assert_cmpuint (g_string_replace (tls, "starttls=false\n", with_ca, 1), ==, 1);
  g_file_set_contents (f->config, tls->str, -1, &error);
  g_assert_no_error (error);
  rb_test_server_start (f->server);
  signed_in = sign_in (f, "person0040", "secret-0040", NULL);
  rb_test_assert_status (signed_in, 201);
  rb_test_server_stop (f->server);

  g_string_replace (tls, with_ca, "starttls=true\n", 1);
  g_file_set_contents (f->config, tls->str, -1, &error);
  g_assert_no_error (error);
  rb_test_server_start (f->server);
  untrusted = sign_in (f, "person0040", "secret-0040", NULL);
  rb_test_assert_problem (untrusted, 503, "directory_unavailable");
}

/* Runs raumbuch-server --config … --sync-directory [--dry-run]; returns its stdout. */
static char *
run_sync (Fixture *f, gboolean dry_run)
{
  const char *argv[] = { g_getenv ("RAUMBUCH_SERVER"),
                         "--config",
                         f->config,
                         "--db",
                         rb_test_server_get_db_path (f->server),
                         "--sync-directory",
                         dry_run ? "--dry-run" : NULL,
                         NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status;
  gint64 start = g_get_monotonic_time ();

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("--sync-directory%s: %.0f ms", dry_run ? " --dry-run" : "",
                  (g_get_monotonic_time () - start) / 1000.0);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("--sync-directory failed: %s", err);
  return out;
}

static const char *
role_of (Fixture *f, const char *staff_number, char **out)
{
  g_autofree char *sql = g_strdup_printf ("SELECT role || ' ' || active FROM people"
                                          " WHERE staff_number = '%s'",
                                          staff_number);

  g_free (*out);
  *out = rb_test_db_dump (rb_test_server_get_db_path (f->server), sql);
  return *out;
}

static gboolean
report_lists (JsonObject *report, const char *list, const char *staff_number)
{
  JsonArray *items = json_object_get_array_member (report, list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (items, i),
                                                  "staff_number"),
                   staff_number)
        == 0)
      return TRUE;
  return FALSE;
}

static void
test_sync (Fixture *f, gconstpointer data)
{
  const char *db;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *dry = NULL;
  g_autofree char *real = NULL;
  g_autofree char *role = NULL;
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autoptr (RbTestResponse) preview = NULL;
  g_autoptr (RbTestResponse) synced = NULL;
  g_autoptr (RbTestResponse) staff = NULL;
  JsonObject *report;
  gint64 start;

  /* A first start makes the database (demo building and people). */
  rb_test_server_start (f->server);
  rb_test_server_stop (f->server);
  db = rb_test_server_get_db_path (f->server);

  before = rb_test_db_dump (db, "SELECT * FROM people ORDER BY id");
  dry = run_sync (f, TRUE);
  g_assert_nonnull (strstr (dry, "dry run: 1000 people in the directory\n"));
  g_assert_nonnull (strstr (dry, "added: 999\n"));
  after = rb_test_db_dump (db, "SELECT * FROM people ORDER BY id");
  g_assert_cmpstr (before, ==, after);

  real = run_sync (f, FALSE);
  g_assert_nonnull (strstr (real, "added: 999\n"));
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM people WHERE directory_user IS NOT"
                                       " NULL AND active = 1"),
                   ==, 999);
  g_assert_cmpstr (role_of (f, "100001", &role), ==, "admin 1\n");
  g_assert_cmpstr (role_of (f, "100002", &role), ==, "team_lead 1\n");
  g_assert_cmpstr (role_of (f, "100003", &role), ==, "team_lead 1\n");
  g_assert_cmpstr (role_of (f, "100004", &role), ==, "facility_manager 1\n");
  g_assert_cmpstr (role_of (f, "100005", &role), ==, "staff 1\n");
  g_assert_cmpstr (role_of (f, "100999", &role), ==, "");
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM audit_log"
                                       " WHERE action = 'directory.sync'"),
                   ==, 1);

  /* Between two syncs: person0005 leaves, person0003 leaves the team leads' inner group. */
  rb_test_slapd_modify (f->slapd, "dn: uid=person0005,ou=people," RB_TEST_SLAPD_BASE_DN "\n"
                                  "changetype: delete\n\n"
                                  "dn: cn=leads-inner,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                                  "changetype: modify\n"
                                  "delete: member\n"
                                  "member: uid=person0003,ou=people," RB_TEST_SLAPD_BASE_DN "\n");

  /* The second sync through the API, by an administrator (person0001 by it-ops). */
  rb_test_server_start (f->server);
  staff = sign_in (f, "person0006", "secret-0006", NULL);
  rb_test_assert_status (staff, 201);
  token = sign_in_token (f, "person0001", "secret-0001");
  url = rb_test_server_url (f->server, "/api/v1/directory/sync");
  {
    g_autoptr (RbTestResponse) refused = rb_test_request (
        f->session, "POST", url, rb_test_response_get_string (staff, "token"), NULL, NULL);

    rb_test_assert_problem (refused, 403, "forbidden");
  }
  preview = rb_test_request (f->session, "POST", url, token, "{\"dry_run\": true}", NULL);
  rb_test_assert_status (preview, 200);
  report = rb_test_response_get_object (preview);
  g_assert_true (json_object_get_boolean_member (report, "dry_run"));
  g_assert_true (report_lists (report, "deactivated", "100005"));
  g_assert_cmpstr (role_of (f, "100005", &role), ==, "staff 1\n");

  start = g_get_monotonic_time ();
  synced = rb_test_request (f->session, "POST", url, token, NULL, NULL);
  g_test_message ("sync of %u people through the API: %.0f ms", N_PEOPLE - 1,
                  (g_get_monotonic_time () - start) / 1000.0);
  rb_test_assert_status (synced, 200);
  report = rb_test_response_get_object (synced);
  g_assert_false (json_object_get_boolean_member (report, "dry_run"));
  g_assert_cmpint (json_object_get_int_member (report, "people"), ==, 999);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "added")), ==, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "deactivated")),
                    ==, 1);
  g_assert_true (report_lists (report, "deactivated", "100005"));
  g_assert_true (report_lists (report, "changed", "100003"));
  g_assert_cmpstr (role_of (f, "100005", &role), ==, "staff 0\n");
  g_assert_cmpstr (role_of (f, "100003", &role), ==, "staff 1\n");
  g_assert_cmpstr (role_of (f, "100002", &role), ==, "team_lead 1\n");
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM audit_log WHERE action ="
                                       " 'directory.sync'"),
                   ==, 2);
  /* The people an administrator added by hand are no business of the directory. */
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM people WHERE directory_user IS"
                                       " NULL AND active = 0"),
                   ==, 0);

  /* Gone from the directory: no sign-in any more. */
  {
    g_autoptr (RbTestResponse) gone = sign_in (f, "person0005", "secret-0005", NULL);

    rb_test_assert_problem (gone, 401, "wrong_password");
  }
}

/* A directory that seems empty (a filter that matches nobody) or a base DN that does not
 * exist deactivates nobody: the sync fails and says so. */
static void
test_sync_refuses_empty (Fixture *f, gconstpointer data)
{
  g_autofree char *contents = NULL;
  g_autofree char *first = NULL;
  g_autoptr (GError) error = NULL;
  const char *db;
  const struct
  {
    const char *from, *to, *message;
  } cases[] = {
    { "user-filter=(objectClass=inetOrgPerson)", "user-filter=(uid=nobody-at-all)",
      "lists nobody" },
    { "base-dn=" RB_TEST_SLAPD_BASE_DN, "base-dn=ou=gone," RB_TEST_SLAPD_BASE_DN,
      "cannot read the directory" },
  };

  rb_test_server_start (f->server);
  rb_test_server_stop (f->server);
  db = rb_test_server_get_db_path (f->server);
  first = run_sync (f, FALSE);
  g_file_get_contents (f->config, &contents, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GString) changed = g_string_new (contents);
      const char *argv[] = { g_getenv ("RAUMBUCH_SERVER"), "--config", f->config, "--db", db,
                             "--sync-directory",           NULL };
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_assert_cmpuint (g_string_replace (changed, cases[i].from, cases[i].to, 1), ==, 1);
      g_file_set_contents (f->config, changed->str, -1, &error);
      g_assert_no_error (error);
      g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                    &error);
      g_assert_no_error (error);
      g_test_message ("%s → %s", cases[i].to, err);
      g_assert_false (g_spawn_check_wait_status (status, NULL));
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM people WHERE directory_user IS"
                                           " NOT NULL AND active = 1"),
                       ==, 999);
    }
}

/* sync-interval: the server syncs by itself, and says so in the audit log. */
static void
test_periodic (Fixture *f, gconstpointer data)
{
  const char *db;
  gint64 deadline;

  rb_test_server_start (f->server);
  db = rb_test_server_get_db_path (f->server);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (rb_test_db_int (db, "SELECT count(*) FROM audit_log WHERE action = 'directory.sync'") < 1
         && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  g_assert_cmpint (rb_test_db_int (db, "SELECT count(*) FROM people WHERE directory_user IS NOT"
                                       " NULL"),
                   ==, 999);
}

static void
test_no_directory (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-directory-XXXXXX", &error);
  g_autoptr (RbTestServer) server = rb_test_server_new (dir);
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *health_url = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autoptr (RbTestResponse) health = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) no_sync = NULL;
  const RbTestPerson *admin = rb_test_demo_person_with_role ("admin", 0);

  g_assert_no_error (error);
  rb_test_server_start (server);
  health_url = rb_test_server_url (server, "/api/v1/health");
  health = rb_test_request (session, "GET", health_url, NULL, NULL, NULL);
  g_assert_false (
      json_object_get_boolean_member (rb_test_response_get_object (health), "directory"));
  url = rb_test_server_url (server, "/api/v1/sessions");
  refused = rb_test_request (session, "POST", url, NULL,
                             "{\"username\": \"someone\", \"password\": \"x\"}", NULL);
  rb_test_assert_problem (refused, 404, "no_directory");
  token = rb_test_login_person (session, server, admin);
  g_free (url);
  url = rb_test_server_url (server, "/api/v1/directory/sync");
  no_sync = rb_test_request (session, "POST", url, token, NULL, NULL);
  rb_test_assert_problem (no_sync, 404, "no_directory");
  rb_test_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/directory/slapd", Fixture, NULL, fixture_set_up, test_slapd, fixture_tear_down);
  g_test_add ("/directory/sign-in", Fixture, NULL, fixture_set_up, test_sign_in, fixture_tear_down);
  g_test_add ("/directory/wrong-password", Fixture, NULL, fixture_set_up, test_wrong_password,
              fixture_tear_down);
  g_test_add ("/directory/disabled", Fixture, NULL, fixture_set_up, test_disabled,
              fixture_tear_down);
  g_test_add ("/directory/down", Fixture, NULL, fixture_set_up, test_directory_down,
              fixture_tear_down);
  g_test_add ("/directory/starttls", Fixture, NULL, fixture_set_up, test_starttls,
              fixture_tear_down);
  g_test_add ("/directory/sync", Fixture, NULL, fixture_set_up, test_sync, fixture_tear_down);
  g_test_add ("/directory/sync-refuses-empty", Fixture, NULL, fixture_set_up,
              test_sync_refuses_empty, fixture_tear_down);
  g_test_add ("/directory/periodic", Fixture, "sync-interval=1\n", fixture_set_up, test_periodic,
              fixture_tear_down);
  g_test_add_func ("/directory/none", test_no_directory);
  return g_test_run ();
}
