/* test-server-config.c: raumbuch-server --config FILE (issue 14, items 1 and 2). The settings of the
 * file take effect (a feed retention of one change answers 410 to an old cursor), the command
 * line wins over the file, the commented example in data/ starts a server, and a file with a
 * misspelt or wrong setting is refused at start, naming it, before anything is opened; the
 * same holds for the keys of the [directory] section. */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "rb-test-server.h"

#define MONDAY "2026-01-05T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define AT(hour_utc) (G_GINT64_CONSTANT (1767571200) + (hour_utc) * 3600)

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

  f->dir = g_dir_make_tmp ("raumbuch-config-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
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

static char *
write_config (Fixture *f, const char *contents)
{
  char *path = g_build_filename (f->dir, "raumbuch-server.conf", NULL);
  g_autoptr (GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_settings_from_file (Fixture *f, gconstpointer data)
{
  g_autofree char *ignored_db = g_build_filename (f->dir, "from-the-file.db", NULL);
  g_autofree char *contents = g_strdup_printf ("# a comment\n"
                                               "[server]\n"
                                               "feed-retention=1\n"
                                               "release-interval=3600\n"
                                               "trusted-proxy=127.0.0.1;::1\n"
                                               "db=%s\n",
                                               ignored_db);
  g_autofree char *path = write_config (f, contents);
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  g_autoptr (RbTestResponse) expired = NULL;
  g_autoptr (RbTestResponse) fresh = NULL;

  rb_test_server_add_args (f->server, "--config", path, NULL);
  rb_test_server_set_now (f->server, MONDAY);
  rb_test_server_start (f->server);
  token = rb_test_login_person (f->session, f->server, rb_test_demo_person ("14475"));
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr (RbTestResponse) made = rb_test_create_booking (
          f->session, f->server, token, id, "a0-d001", AT (8 + i),
          AT (8 + i) + 1800, NULL, 0);

      rb_test_assert_status (made, 201);
    }

  /* The file's feed retention: a cursor more than one change old is expired. */
  url = rb_test_server_url (f->server, "/api/v1/changes?since=1");
  expired = rb_test_request (f->session, "GET", url, token, NULL, NULL);
  rb_test_assert_problem (expired, 410, "cursor_expired");
  g_free (url);
  url = rb_test_server_url (f->server, "/api/v1/changes?since=0&limit=0");
  fresh = rb_test_request (f->session, "GET", url, token, NULL, NULL);
  rb_test_assert_status (fresh, 200);

  /* The command line's --db won over the file's. */
  g_assert_false (g_file_test (ignored_db, G_FILE_TEST_EXISTS));
  if (!rb_test_server_uses_postgres ())
    g_assert_true (g_file_test (rb_test_server_get_db_path (f->server), G_FILE_TEST_EXISTS));
}

/* The commented example of data/ (beside the API document) is a valid file. */
static void
test_example (Fixture *f, gconstpointer data)
{
  g_autofree char *data_dir = g_path_get_dirname (g_getenv ("RAUMBUCH_OPENAPI"));
  g_autofree char *example = g_build_filename (data_dir, "raumbuch-server.conf", NULL);
  g_autofree char *url = NULL;
  g_autoptr (RbTestResponse) health = NULL;

  g_assert_true (g_file_test (example, G_FILE_TEST_EXISTS));
  rb_test_server_add_args (f->server, "--config", example, NULL);
  rb_test_server_start (f->server);
  url = rb_test_server_url (f->server, "/api/v1/health");
  health = rb_test_request (f->session, "GET", url, NULL, NULL, NULL);
  rb_test_assert_status (health, 200);
}

static void
test_refused (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *contents; /* NULL: no file at all */
    const char *message;
  } cases[] = {
    { NULL, "raumbuch-server.conf" },
    { "[server]\nlisen=127.0.0.1:8080\n", "unknown setting “lisen”" },
    { "[servre]\nlisten=127.0.0.1:8080\n", "unknown section [servre]" },
    { "[server]\nrelease-interval=soon\n", "release-interval: " },
    { "[server]\nmax-connections=\n", "max-connections: " },
    { "[server]\nadd-device=Kiosk Foyer\n", "add-device: a command, not a setting" },
    { "[server]\nconfig=/etc/other.conf\n", "config: a command, not a setting" },
    { "listen=127.0.0.1:8080\n", "raumbuch-server.conf: " },
    { "[server]\nrelease-interval=0\n", "release-interval must be at least 1" },
    { "[server]\nseed=production\n", "--seed knows only" },
    { "[server]\ntls-cert=/etc/cert.pem\n", "--tls-cert and --tls-key go together" },
    /* issue 14: the directory's section is known, and checked as strictly */
    { "[directory]\nurl=ldap://127.0.0.1:1\nbase-dn=dc=x\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=@PASSWORD@\nusername-atribute=uid\n",
      "unknown setting “username-atribute” in [directory]" },
    { "[directory]\nurl=http://127.0.0.1:1\nbase-dn=dc=x\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=@PASSWORD@\n",
      "url: must start with ldap:// or ldaps://" },
    { "[directory]\nurl=ldap://127.0.0.1:1\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=@PASSWORD@\n",
      "base-dn: missing" },
    { "[directory]\nurl=ldap://127.0.0.1:1\nbase-dn=dc=x\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=/nonexistent/password\n",
      "/nonexistent/password" },
    { "[directory]\nurl=ldap://127.0.0.1:1\nbase-dn=dc=x\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=@PASSWORD@\nadmin-group=not a dn\n",
      "admin-group: not a distinguished name" },
    { "[directory]\nurl=ldaps://127.0.0.1:1\nbase-dn=dc=x\nbind-dn=cn=y,dc=x\n"
      "bind-password-file=@PASSWORD@\nstarttls=true\n",
      "starttls: ldaps:// is TLS already" },
    { "[server]\nsync-directory=true\n", "sync-directory: a command, not a setting" },
  };
  g_autofree char *password = g_build_filename (f->dir, "password", NULL);
  g_autofree char *db = g_build_filename (f->dir, "never.db", NULL);
  g_autofree char *path = g_build_filename (f->dir, "raumbuch-server.conf", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *argv[] = { g_getenv ("RAUMBUCH_SERVER"), "--config", path, "--db", db, NULL };
      g_autoptr (GError) error = NULL;
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      int status;

      g_remove (path);
      g_file_set_contents (password, "secret\n", -1, &error);
      g_assert_no_error (error);
      if (cases[i].contents != NULL)
        {
          g_autoptr (GString) contents = g_string_new (cases[i].contents);

          g_string_replace (contents, "@PASSWORD@", password, 0);
          g_free (write_config (f, contents->str));
        }
      g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                    &status, &error);
      g_assert_no_error (error);
      g_test_message ("%s → %s", cases[i].contents ? cases[i].contents : "(no file)", err);
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
      g_assert_nonnull (strstr (err, cases[i].message));
      g_assert_false (g_file_test (db, G_FILE_TEST_EXISTS));
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/config/settings-from-file", Fixture, NULL, fixture_set_up,
              test_settings_from_file, fixture_tear_down);
  g_test_add ("/config/example", Fixture, NULL, fixture_set_up, test_example, fixture_tear_down);
  g_test_add ("/config/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  return g_test_run ();
}
