/* main.c: raumbuch-server, the REST backend (DESIGN.md). Parses the command line and the
 * configuration file, opens the one store of the process, and runs an RbServer until SIGTERM
 * or SIGINT. */
#include "config.h"

#include <glib-unix.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "rb-auth.h"
#include "rb-building-store.h"
#include "rb-credential.h"
#include "rb-directory.h"
#include "rb-listener.h"
#include "rb-login-guard.h"
#include "rb-pg-copy.h"
#include "rb-pg-db.h"
#include "rb-pg-listener.h"
#include "rb-server.h"

/* Descriptors kept for everything but connections: the database and its WAL, the log, the
 * store's and the hashing threads' needs, a TLS backend. */
#define FD_RESERVE 64

typedef struct
{
  GMainLoop *loop;
  RbStore *store;
  RbServer *server;
  /* with PostgreSQL: the other servers' changes, for our push clients */
  RbPgListener *listener;
  int status;
  gint64 clock_start;
  gint64 clock_monotonic_start;
} App;

static char *opt_listen = NULL;
static char *opt_db = NULL;
static char *opt_seed = NULL;
static char *opt_tls_cert = NULL;
static char *opt_tls_key = NULL;
static char *opt_now = NULL;
static char *opt_add_device = NULL;
static char *opt_panel = NULL;
static char *opt_import_building = NULL;
static char *opt_export_building = NULL;
static gboolean opt_dry_run = FALSE;
static gboolean opt_sync_directory = FALSE;
static char *opt_config = NULL;
static char *opt_copy_to = NULL;
/* The [directory] section of --config, or NULL (issue 14). */
static RbDirectory *directory = NULL;
/* The numbers start unset, so that the configuration file fills only what the command line
 * left alone; fill_defaults gives the rest their defaults. */
#define UNSET_INT G_MININT
#define UNSET_INT64 G_MININT64
static gint64 opt_feed_retention = UNSET_INT64;
static int opt_release_interval = UNSET_INT;
static char **opt_trusted_proxies = NULL;
static int opt_max_waiting_logins = UNSET_INT;
static int opt_max_connections = UNSET_INT;
static int opt_request_timeout = UNSET_INT;
static int opt_idle_timeout = UNSET_INT;

static const GOptionEntry options[] = {
  { "config", 0, 0, G_OPTION_ARG_FILENAME, &opt_config,
    "Read the settings below from this file (section [server]; the command line wins)",
    "FILE" },
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen,
    "Address to listen on (default 127.0.0.1:8080; port 0: any free port)", "HOST:PORT" },
  { "db", 0, 0, G_OPTION_ARG_FILENAME, &opt_db,
    "The SQLite database file, or a PostgreSQL database (postgresql://…)", "PATH|URL" },
  { "copy-to", 0, 0, G_OPTION_ARG_STRING, &opt_copy_to,
    "Copy the database of --db with all its history into an empty PostgreSQL database, "
    "print what was copied, and exit", "postgresql://…" },
  { "seed", 0, 0, G_OPTION_ARG_STRING, &opt_seed,
    "Fill an empty database with the demo building and its demo PINs", "demo" },
  { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_cert, "TLS certificate (PEM)", "FILE" },
  { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &opt_tls_key, "TLS private key (PEM)", "FILE" },
  { "now", 0, 0, G_OPTION_ARG_STRING, &opt_now,
    "Start the server's clock at this instant (for tests and demos)", "RFC3339" },
  { "add-device", 0, 0, G_OPTION_ARG_STRING, &opt_add_device,
    "Register a kiosk, print its device token and the server's public key, and exit", "NAME" },
  { "panel", 0, 0, G_OPTION_ARG_STRING, &opt_panel,
    "With --add-device: register a door panel, which acts for this room only", "SPACE_ID" },
  { "import-building", 0, 0, G_OPTION_ARG_FILENAME, &opt_import_building,
    "Make the building what the file describes (data/building.schema.json), print what "
    "changed, and exit", "FILE" },
  { "dry-run", 0, 0, G_OPTION_ARG_NONE, &opt_dry_run,
    "With --import-building or --sync-directory: only print what would change", NULL },
  { "sync-directory", 0, 0, G_OPTION_ARG_NONE, &opt_sync_directory,
    "Make the people what the directory of --config says, print what changed, and exit",
    NULL },
  { "export-building", 0, 0, G_OPTION_ARG_FILENAME, &opt_export_building,
    "Write the building to a file (data/building.schema.json) and exit", "FILE" },
  { "feed-retention", 0, 0, G_OPTION_ARG_INT64, &opt_feed_retention,
    "Change-feed cursors older than this many changes get 410 (default 0: no limit)", "N" },
  { "release-interval", 0, 0, G_OPTION_ARG_INT, &opt_release_interval,
    "Release no-shows every this many seconds (default 60)", "SECONDS" },
  { "trusted-proxy", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_trusted_proxies,
    "Believe X-Forwarded-For from this reverse proxy (repeatable)", "ADDRESS" },
  { "max-waiting-logins", 0, 0, G_OPTION_ARG_INT, &opt_max_waiting_logins,
    "Let at most this many PIN checks wait for a thread; more get 503 at once (default 64)",
    "N" },
  { "max-connections", 0, 0, G_OPTION_ARG_INT, &opt_max_connections,
    "Keep at most this many connections open (default 1000; fewer if the descriptor limit "
    "requires)", "N" },
  { "request-timeout", 0, 0, G_OPTION_ARG_INT, &opt_request_timeout,
    "Close a connection whose request (or answer) makes no progress for this long "
    "(default 20)", "SECONDS" },
  { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &opt_idle_timeout,
    "Close a keep-alive connection idle this long (default 75)", "SECONDS" },
  { NULL }
};

/* ---- the configuration file ---------------------------------------------------------------- */

typedef enum
{
  SETTING_STRING,
  SETTING_STRING_LIST,
  SETTING_INT,
  SETTING_INT64,
  /* a one-off action, not a setting: only on the command line */
  SETTING_COMMAND,
} SettingKind;

typedef struct
{
  const char *key; /* the long option's name */
  SettingKind kind;
  gpointer value;  /* the option's variable */
} Setting;

static const Setting settings[] = {
  { "listen", SETTING_STRING, &opt_listen },
  { "db", SETTING_STRING, &opt_db },
  { "seed", SETTING_STRING, &opt_seed },
  { "tls-cert", SETTING_STRING, &opt_tls_cert },
  { "tls-key", SETTING_STRING, &opt_tls_key },
  { "now", SETTING_STRING, &opt_now },
  { "feed-retention", SETTING_INT64, &opt_feed_retention },
  { "release-interval", SETTING_INT, &opt_release_interval },
  { "trusted-proxy", SETTING_STRING_LIST, &opt_trusted_proxies },
  { "max-waiting-logins", SETTING_INT, &opt_max_waiting_logins },
  { "max-connections", SETTING_INT, &opt_max_connections },
  { "request-timeout", SETTING_INT, &opt_request_timeout },
  { "idle-timeout", SETTING_INT, &opt_idle_timeout },
  { "config", SETTING_COMMAND, NULL },
  { "add-device", SETTING_COMMAND, NULL },
  { "panel", SETTING_COMMAND, NULL },
  { "import-building", SETTING_COMMAND, NULL },
  { "dry-run", SETTING_COMMAND, NULL },
  { "sync-directory", SETTING_COMMAND, NULL },
  { "export-building", SETTING_COMMAND, NULL },
  { "copy-to", SETTING_COMMAND, NULL },
};

#define CONFIG_GROUP "server"

static const Setting *
find_setting (const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_str_equal (settings[i].key, key))
      return &settings[i];
  return NULL;
}

/* Sets one option from the file unless the command line set it already. */
static gboolean
apply_setting (GKeyFile *file, const Setting *setting, GError **error)
{
  const char *key = setting->key;

  switch (setting->kind)
    {
    case SETTING_STRING:
      if (*(char **) setting->value == NULL)
        *(char **) setting->value = g_key_file_get_string (file, CONFIG_GROUP, key, error);
      return *(char **) setting->value != NULL;
    case SETTING_STRING_LIST:
      if (*(char ***) setting->value == NULL)
        *(char ***) setting->value =
            g_key_file_get_string_list (file, CONFIG_GROUP, key, NULL, error);
      return *(char ***) setting->value != NULL;
    case SETTING_INT:
      if (*(int *) setting->value == UNSET_INT)
        {
          g_autoptr (GError) local_error = NULL;
          int value = g_key_file_get_integer (file, CONFIG_GROUP, key, &local_error);

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          *(int *) setting->value = value;
        }
      return TRUE;
    case SETTING_INT64:
      if (*(gint64 *) setting->value == UNSET_INT64)
        {
          g_autoptr (GError) local_error = NULL;
          gint64 value = g_key_file_get_int64 (file, CONFIG_GROUP, key, &local_error);

          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          *(gint64 *) setting->value = value;
        }
      return TRUE;
    case SETTING_COMMAND:
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "a command, not a setting: give it on the command line");
      return FALSE;
    }
  g_return_val_if_reached (FALSE);
}

/* Reads the file of --config: section [server], a key per long option. An unknown section
 * or key is an error, so that a misspelt setting does not go unnoticed. */
static gboolean
load_config (const char *path, GError **error)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_auto (GStrv) groups = NULL;
  g_auto (GStrv) keys = NULL;

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;
  groups = g_key_file_get_groups (file, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!g_str_equal (groups[i], CONFIG_GROUP) && !g_str_equal (groups[i], RB_DIRECTORY_GROUP))
      {
        g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                     "unknown section [%s] (the settings go in [" CONFIG_GROUP "], the "
                     "directory's in [" RB_DIRECTORY_GROUP "])",
                     groups[i]);
        return FALSE;
      }
  if (g_key_file_has_group (file, RB_DIRECTORY_GROUP))
    {
      if (!(directory = rb_directory_new_from_key_file (file, error)))
        {
          g_prefix_error (error, "[" RB_DIRECTORY_GROUP "] ");
          return FALSE;
        }
    }
  if (!g_key_file_has_group (file, CONFIG_GROUP))
    return TRUE;
  keys = g_key_file_get_keys (file, CONFIG_GROUP, NULL, error);
  if (keys == NULL)
    return FALSE;
  for (guint i = 0; keys[i] != NULL; i++)
    {
      const Setting *setting = find_setting (keys[i]);

      if (setting == NULL)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                       "unknown setting “%s” in [" CONFIG_GROUP "]", keys[i]);
          return FALSE;
        }
      if (!apply_setting (file, setting, error))
        {
          g_prefix_error (error, "%s: ", keys[i]);
          return FALSE;
        }
    }
  return TRUE;
}

static void
fill_defaults (void)
{
  if (opt_feed_retention == UNSET_INT64)
    opt_feed_retention = 0;
  if (opt_release_interval == UNSET_INT)
    opt_release_interval = 60;
  if (opt_max_waiting_logins == UNSET_INT)
    opt_max_waiting_logins = RB_LOGIN_MAX_WAITING;
  if (opt_max_connections == UNSET_INT)
    opt_max_connections = RB_LISTENER_MAX_CONNECTIONS;
  if (opt_request_timeout == UNSET_INT)
    opt_request_timeout = RB_LISTENER_REQUEST_TIMEOUT;
  if (opt_idle_timeout == UNSET_INT)
    opt_idle_timeout = RB_LISTENER_IDLE_TIMEOUT;
}

/* ---- running -------------------------------------------------------------------------------- */

static void
fail (App *app, const char *what, const GError *error)
{
  g_printerr ("raumbuch-server: %s: %s\n", what, error->message);
  app->status = 1;
  g_main_loop_quit (app->loop);
}

/* The clock of --now: starts at the given instant and runs on in real time. Read on the
 * store's thread; the fields it reads never change after start. */
static gint64
shifted_now (gpointer data)
{
  App *app = data;

  return app->clock_start
         + (g_get_monotonic_time () - app->clock_monotonic_start) / G_USEC_PER_SEC;
}

static char *
find_openapi (void)
{
  const char *env = g_getenv ("RAUMBUCH_OPENAPI");
  g_autofree char *installed = g_build_filename (PKGDATADIR, "openapi.json", NULL);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  if (g_file_test (installed, G_FILE_TEST_EXISTS))
    return g_steal_pointer (&installed);
  return g_build_filename (SOURCE_DATADIR, "openapi.json", NULL);
}

/* Every connection takes a descriptor. The soft limit is raised to the hard one (allowed
 * without privileges; systemd's LimitNOFILE sets both), and the connection cap is kept
 * below it, so that the server never runs out of descriptors by connections alone. */
static guint
connection_cap (guint wanted)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    return wanted;
  if (limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        getrlimit (RLIMIT_NOFILE, &limit);
    }
  if (limit.rlim_cur == RLIM_INFINITY)
    return wanted;
  if (limit.rlim_cur > 2 * FD_RESERVE)
    return MIN (wanted, limit.rlim_cur - FD_RESERVE);
  return MIN (wanted, MAX (limit.rlim_cur / 2, 1));
}

static void
shutdown_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  App *app = user_data;

  rb_server_shutdown_finish (RB_SERVER (source), result, NULL);
  g_main_loop_quit (app->loop);
}

static gboolean
on_signal_cb (gpointer user_data)
{
  App *app = user_data;

  g_printerr ("shutting down\n");
  rb_server_shutdown_async (app->server, shutdown_done_cb, app);
  return G_SOURCE_REMOVE;
}

/* Another server on the same PostgreSQL database committed (or we did: the hub ignores a
 * head it has). */
static void
on_database_changed_cb (gint64 head, RbPgListenerNews news, gpointer user_data)
{
  App *app = user_data;
  RbChangeHub *hub = rb_server_get_change_hub (app->server);

  if (news & RB_PG_LISTENER_SETTINGS)
    rb_store_reload_settings (app->store);
  rb_change_hub_feed_advanced (hub, head);
  if (news & RB_PG_LISTENER_BLOCKS)
    rb_change_hub_blocks_changed (hub);
}

static void
start_serving (App *app)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *openapi = find_openapi ();
  g_autofree char *uri = NULL;
  guint max_connections = connection_cap (opt_max_connections);

  app->server = rb_server_new (app->store);
  rb_server_set_connection_limits (app->server, max_connections, opt_request_timeout,
                                   opt_idle_timeout);
  rb_server_set_feed_retention (app->server, opt_feed_retention);
  rb_server_set_release_interval (app->server, opt_release_interval);
  rb_server_set_openapi_path (app->server, openapi);
  rb_login_guard_set_max_waiting (rb_server_get_login_guard (app->server),
                                  (guint) MAX (opt_max_waiting_logins, 1));
  rb_server_set_directory (app->server, directory);
  for (guint i = 0; opt_trusted_proxies != NULL && opt_trusted_proxies[i] != NULL; i++)
    if (!rb_server_add_trusted_proxy (app->server, opt_trusted_proxies[i], &error))
      {
        fail (app, "--trusted-proxy", error);
        return;
      }
  if (opt_tls_cert != NULL
      && !rb_server_set_tls_files (app->server, opt_tls_cert, opt_tls_key, &error))
    {
      fail (app, "cannot load the TLS certificate", error);
      return;
    }
  if (!rb_server_listen (app->server, opt_listen != NULL ? opt_listen : "127.0.0.1:8080",
                         &error))
    {
      fail (app, "cannot listen", error);
      return;
    }

  if (rb_pg_is_conninfo (rb_store_get_path (app->store)))
    app->listener = rb_pg_listener_new (rb_store_get_path (app->store),
                                        rb_store_get_db (app->store), on_database_changed_cb, app);

  /* Before the line below: whoever read it may stop us at once, and must get a clean exit. */
  g_unix_signal_add (SIGTERM, on_signal_cb, app);
  g_unix_signal_add (SIGINT, on_signal_cb, app);

  uri = rb_server_dup_uri (app->server);
  /* The first line of stdout is the contract with scripts and tests that start us. */
  printf ("raumbuch-server listening on %s\n", uri);
  fflush (stdout);
  g_printerr ("connections: at most %u at once, request timeout %d s, idle timeout %d s\n",
              max_connections, opt_request_timeout, opt_idle_timeout);
  if (directory != NULL)
    g_printerr ("directory: desktop sign-in with directory passwords; sync every %u s\n",
                rb_directory_get_sync_interval (directory));
}

static gpointer
seed_pins_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  int set = rb_auth_set_missing_pins_sync (store, data, error);

  return set < 0 ? NULL : GINT_TO_POINTER (set + 1);
}

static void
seed_pins_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  App *app = user_data;
  g_autoptr (GError) error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      fail (app, "cannot set the demo PINs", error);
      return;
    }
  start_serving (app);
}

static void
store_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  App *app = user_data;
  g_autoptr (GError) error = NULL;

  if (!(app->store = rb_store_open_finish (result, &error)))
    {
      fail (app, "cannot open the database", error);
      return;
    }
  if (app->clock_start != 0)
    rb_store_set_clock (app->store, shifted_now, app);

  if (opt_seed != NULL)
    {
      JsonNode *building = rb_store_load_demo_building (&error);

      if (building == NULL)
        {
          fail (app, "cannot read the demo building", error);
          return;
        }
      rb_store_run_async (app->store, seed_pins_job, building, (GDestroyNotify) json_node_unref,
                          NULL, NULL, seed_pins_done_cb, app);
      return;
    }
  start_serving (app);
}

/* The database of --db: a SQLite file, or PostgreSQL for a postgresql:// URL (rb-pg-db.h). */
static RbStore *
open_store_sync (const char *db_path, GError **error)
{
  if (rb_pg_is_conninfo (db_path))
    return rb_store_open_with_sync (rb_pg_db_open, db_path, error);
  return rb_store_open_sync (db_path, error);
}

static int
add_device (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = open_store_sync (db_path, &error);
  g_autofree char *token = NULL;
  g_autofree char *public_key = NULL;
  g_autofree char *device_id = NULL;
  guint8 pk[RB_CREDENTIAL_KEY_BYTES], sk[RB_CREDENTIAL_KEY_BYTES];

  if (store == NULL
      || !(token = rb_auth_add_device_sync (store, opt_add_device, &device_id, &error))
      || (opt_panel != NULL
          && !rb_auth_set_device_space_sync (store, device_id, opt_panel, &error))
      || !rb_credential_get_server_keys_sync (store, pk, sk, &error))
    {
      g_printerr ("raumbuch-server: cannot register the device: %s\n", error->message);
      return 1;
    }
  /* The kiosk needs both: the token to identify itself, the server's public key to seal
   * credentials while offline (the GSettings keys device-token and server-public-key). */
  public_key = rb_credential_encode_key (pk);
  memset (sk, 0, sizeof sk);
  printf ("token=%s\npublic_key=%s\n", token, public_key);
  return fflush (stdout) == 0 ? 0 : 1;
}

/* --import-building: the report in words on stdout; a bad file changes nothing. */
static int
import_building (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autoptr (RbBuildingDocument) document = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *text = NULL;
  gsize length = 0;

  if (!g_file_get_contents (opt_import_building, &contents, &length, &error)
      || !(document = rb_building_file_parse (contents, length, &error)))
    {
      g_printerr ("raumbuch-server: %s: %s\n", opt_import_building, error->message);
      return 1;
    }
  if (!(store = open_store_sync (db_path, &error))
      || !(report = rb_building_store_import_sync (
               store, document, NULL,
               opt_dry_run ? RB_BUILDING_IMPORT_DRY_RUN : RB_BUILDING_IMPORT_DEFAULT, &error)))
    {
      g_printerr ("raumbuch-server: cannot import the building: %s\n", error->message);
      return 1;
    }
  text = rb_building_report_to_text (report);
  fputs (text, stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}

static int
export_building (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = open_store_sync (db_path, &error);
  g_autoptr (RbBuildingDocument) document = NULL;
  g_autoptr (JsonNode) json = NULL;
  g_autofree char *text = NULL;
  g_autofree char *contents = NULL;

  if (store == NULL || !(document = rb_building_store_export_sync (store, &error)))
    {
      g_printerr ("raumbuch-server: cannot export the building: %s\n", error->message);
      return 1;
    }
  json = rb_building_file_write (document);
  text = rb_json_to_string (json, TRUE);
  contents = g_strconcat (text, "\n", NULL);
  if (!g_file_set_contents (opt_export_building, contents, -1, &error))
    {
      g_printerr ("raumbuch-server: %s\n", error->message);
      return 1;
    }
  return 0;
}

/* --copy-to: a server's SQLite database into PostgreSQL (rb-pg-copy.h), for a site that
 * moves to it. The file must exist: a new one would copy an empty building. */
static int
copy_to_postgresql (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autofree char *report = NULL;

  if (!g_file_test (db_path, G_FILE_TEST_IS_REGULAR))
    {
      g_printerr ("raumbuch-server: --copy-to: there is no database at %s\n", db_path);
      return 1;
    }
  if (!(store = open_store_sync (db_path, &error))
      || !(report = rb_pg_copy_store_sync (store, opt_copy_to, &error)))
    {
      g_printerr ("raumbuch-server: cannot copy %s: %s\n", db_path, error->message);
      return 1;
    }
  fputs (report, stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}

/* --sync-directory: the report in words on stdout. Run once from cron or by hand; the
 * server's own periodic sync does the same while it runs. */
static int
sync_directory (const char *db_path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autoptr (GPtrArray) people = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autofree char *text = NULL;

  if (!(people = rb_directory_list_people (directory, &error)))
    {
      g_printerr ("raumbuch-server: cannot read the directory: %s\n", error->message);
      return 1;
    }
  if (!(store = open_store_sync (db_path, &error))
      || !(report = rb_people_store_sync_directory_sync (store, NULL, people, TRUE, opt_dry_run,
                                                         &error)))
    {
      g_printerr ("raumbuch-server: cannot sync the people: %s\n", error->message);
      return 1;
    }
  text = rb_directory_report_to_text (report);
  fputs (text, stdout);
  return fflush (stdout) == 0 ? 0 : 1;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GOptionContext) context = g_option_context_new ("— Raumbuch booking server");
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = NULL;
  App app = { 0 };

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, options, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("raumbuch-server: %s\n", error->message);
      return 2;
    }
  if (opt_config != NULL && !load_config (opt_config, &error))
    {
      g_printerr ("raumbuch-server: %s: %s\n", opt_config, error->message);
      return 2;
    }
  fill_defaults ();
  if (opt_seed != NULL && !g_str_equal (opt_seed, "demo"))
    {
      g_printerr ("raumbuch-server: --seed knows only “demo”\n");
      return 2;
    }
  if ((opt_tls_cert == NULL) != (opt_tls_key == NULL))
    {
      g_printerr ("raumbuch-server: --tls-cert and --tls-key go together\n");
      return 2;
    }
  if (opt_dry_run && opt_import_building == NULL && !opt_sync_directory)
    {
      g_printerr ("raumbuch-server: --dry-run goes with --import-building or --sync-directory\n");
      return 2;
    }
  if (opt_sync_directory && directory == NULL)
    {
      g_printerr ("raumbuch-server: --sync-directory needs a [directory] section in --config\n");
      return 2;
    }
  if (opt_sync_directory && (opt_import_building != NULL || opt_export_building != NULL))
    {
      g_printerr ("raumbuch-server: --sync-directory is a separate run\n");
      return 2;
    }
  if (opt_copy_to != NULL
      && (opt_add_device != NULL || opt_import_building != NULL || opt_export_building != NULL
          || opt_sync_directory))
    {
      g_printerr ("raumbuch-server: --copy-to is a separate run\n");
      return 2;
    }
  if (opt_copy_to != NULL && !rb_pg_is_conninfo (opt_copy_to))
    {
      g_printerr ("raumbuch-server: --copy-to takes a postgresql:// URL\n");
      return 2;
    }
  if (opt_copy_to != NULL && opt_db != NULL && rb_pg_is_conninfo (opt_db))
    {
      g_printerr ("raumbuch-server: --copy-to copies from a SQLite file (--db FILE)\n");
      return 2;
    }
  if (opt_import_building != NULL && opt_export_building != NULL)
    {
      g_printerr ("raumbuch-server: --import-building and --export-building are separate runs\n");
      return 2;
    }
  if (opt_feed_retention < 0)
    {
      g_printerr ("raumbuch-server: --feed-retention must not be negative\n");
      return 2;
    }
  if (opt_release_interval < 1)
    {
      g_printerr ("raumbuch-server: --release-interval must be at least 1\n");
      return 2;
    }
  if (opt_max_connections < 1 || opt_request_timeout < 1 || opt_idle_timeout < 1)
    {
      g_printerr ("raumbuch-server: --max-connections, --request-timeout and --idle-timeout "
                  "must be at least 1\n");
      return 2;
    }
  if (opt_now != NULL && !rb_time_from_rfc3339 (opt_now, &app.clock_start, &error))
    {
      g_printerr ("raumbuch-server: --now: %s\n", error->message);
      return 2;
    }
  app.clock_monotonic_start = g_get_monotonic_time ();
  if (!rb_auth_init (&error))
    {
      g_printerr ("raumbuch-server: %s\n", error->message);
      return 1;
    }

  if (opt_db != NULL)
    db_path = g_strdup (opt_db);
  else
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "raumbuch", NULL);

      g_mkdir_with_parents (dir, 0700);
      db_path = g_build_filename (dir, "raumbuch-server.db", NULL);
    }

  if (opt_add_device != NULL)
    return add_device (db_path);
  if (opt_import_building != NULL)
    return import_building (db_path);
  if (opt_export_building != NULL)
    return export_building (db_path);
  if (opt_sync_directory)
    return sync_directory (db_path);
  if (opt_copy_to != NULL)
    return copy_to_postgresql (db_path);

  app.loop = g_main_loop_new (NULL, FALSE);
  if (rb_pg_is_conninfo (db_path))
    rb_store_open_with_async (rb_pg_db_open, db_path, opt_seed != NULL, NULL, store_opened_cb,
                              &app);
  else
    rb_store_open_async (db_path, opt_seed != NULL, NULL, store_opened_cb, &app);
  g_main_loop_run (app.loop);

  g_clear_pointer (&app.listener, rb_pg_listener_free);
  g_clear_object (&app.server);
  g_clear_object (&app.store);
  g_clear_object (&directory);
  g_main_loop_unref (app.loop);
  return app.status;
}
