/* rb-ui-backend.c: standalone or with a real server, for the same UI tests (see
 * rb-ui-backend.h). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "rb-local-service.h"
#include "rb-server-service.h"
#include "rb-test-util.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

struct _RbUiBackend
{
  RbUiBackendMode mode;
  char *dir;
  /* standalone: the one store every client shares */
  RbStore *store;
  /* with a server */
  RbTestServer *server;
  guint n_mirrors;
  GPtrArray *services;
};

/* Hashing the demo PINs takes a while (two seconds): one template per test program, copied
 * for each backend — the store of a standalone one, the server's file before its first
 * start — and removed when the program ends. */
static char *template_db;

static void
remove_template (void)
{
  g_autofree char *dir = g_path_get_dirname (template_db);

  rb_ui_remove_db (template_db);
  g_rmdir (dir);
  g_clear_pointer (&template_db, g_free);
}

/* The stores' frozen "now", one for the process rather than in the backend: a client's store
 * may still finish a job on its own thread (a feed page being applied) after the backend that
 * made it is freed, and must not read freed memory then (AddressSanitizer saw it). */
static gint64 frozen_now;

static gint64
frozen_clock (gpointer data)
{
  return frozen_now;
}

const char *
rb_ui_backend_mode_name (RbUiBackendMode mode)
{
  return mode == RB_UI_BACKEND_SERVER ? "server" : "local";
}

static gboolean
is_ready (gpointer service)
{
  return rb_client_service_get_ready (service);
}

void
rb_ui_backend_wait_ready (RbClientService *service)
{
  g_assert_true (rb_ui_wait_for (is_ready, service, 30));
}

/* A client of the server on the mirror file at path, with its own API client and sync
 * engine, as rb-application.c makes them. The poll interval is 0: tests sync when they mean
 * to. */
static RbClientService *
new_server_client_at (RbUiBackend *self, const char *path, const char *device_token,
                      const char *public_key)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = rb_store_open_sync (path, &error);
  g_autoptr (RbApiClient) client = NULL;
  g_autoptr (RbSyncEngine) engine = NULL;
  RbClientService *service;

  g_assert_no_error (error);
  rb_store_set_clock (store, frozen_clock, NULL);
  client = rb_api_client_new (rb_test_server_get_base_url (self->server));
  rb_api_client_set_device_token (client, device_token);
  engine = rb_sync_engine_new (store, client);
  rb_sync_engine_set_poll_interval (engine, 0);
  service = RB_CLIENT_SERVICE (rb_server_service_new (engine, public_key));
  g_object_set_data_full (G_OBJECT (service), "rb-ui-backend-mirror", g_strdup (path), g_free);
  return service;
}

/* A new client: a new mirror file. */
static RbClientService *
new_server_client (RbUiBackend *self, const char *device_token, const char *public_key)
{
  g_autofree char *name = g_strdup_printf ("mirror-%u.db", ++self->n_mirrors);
  g_autofree char *path = g_build_filename (self->dir, name, NULL);

  return new_server_client_at (self, path, device_token, public_key);
}

static RbClientService *
new_local_client (RbUiBackend *self)
{
  RbLocalService *service = rb_local_service_new (self->store);
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  rb_local_service_prepare_async (service, FALSE, NULL, rb_ui_keep_result_cb, &result);
  g_assert_true (rb_local_service_prepare_finish (service, rb_ui_wait_result (&result), &error));
  g_assert_no_error (error);
  return RB_CLIENT_SERVICE (service);
}

RbUiBackend *
rb_ui_backend_new (RbUiBackendMode mode, gint64 now)
{
  RbUiBackend *self = g_new0 (RbUiBackend, 1);
  g_autoptr (GError) error = NULL;

  self->mode = mode;
  frozen_now = now;
  self->services = g_ptr_array_new ();
  self->dir = g_dir_make_tmp ("raumbuch-ui-XXXXXX", &error);
  g_assert_no_error (error);
  if (template_db == NULL)
    {
      template_db = rb_ui_make_demo_db_with_pins ();
      atexit (remove_template);
    }
  if (mode == RB_UI_BACKEND_LOCAL)
    {
      g_autofree char *path = g_build_filename (self->dir, "raumbuch.db", NULL);

      rb_ui_copy_file (template_db, path);
      self->store = rb_store_open_sync (path, &error);
      g_assert_no_error (error);
      rb_store_set_clock (self->store, frozen_clock, NULL);
    }
  else
    {
      g_autofree char *start = rb_test_rfc3339 (now);
      g_autofree char *address = NULL;

      self->server = rb_test_server_new (self->dir);
      rb_test_server_set_now (self->server, start);
      /* --seed demo finds the building and every PIN there already. */
      rb_ui_copy_file (template_db, rb_test_server_get_db_path (self->server));
      rb_test_server_start (self->server);
      /* A server started again (after stop or kill) listens where its clients know it, as a
       * real one does behind its name: the clients must find it by themselves. The last
       * --listen of the command line wins. */
      address = g_strdup_printf ("127.0.0.1:%u", rb_test_server_get_port (self->server));
      rb_test_server_add_args (self->server, "--listen", address, NULL);
    }
  return self;
}

RbUiBackendMode
rb_ui_backend_get_mode (RbUiBackend *self)
{
  return self->mode;
}

const char *
rb_ui_backend_get_dir (RbUiBackend *self)
{
  return self->dir;
}

RbTestServer *
rb_ui_backend_get_server (RbUiBackend *self)
{
  return self->server;
}

/* A client before anyone signs in: standalone it is ready at once; with a server it gets its
 * building with the first sign-in. */
static RbClientService *
add_client (RbUiBackend *self)
{
  RbClientService *service = self->mode == RB_UI_BACKEND_LOCAL
                                 ? new_local_client (self)
                                 : new_server_client (self, NULL, NULL);

  g_ptr_array_add (self->services, service);
  return service;
}

RbClientService *
rb_ui_backend_get_service (RbUiBackend *self)
{
  if (self->services->len == 0)
    add_client (self);
  return g_ptr_array_index (self->services, 0);
}

RbClientService *
rb_ui_backend_add_client (RbUiBackend *self)
{
  rb_ui_backend_get_service (self);
  return add_client (self);
}

RbClientService *
rb_ui_backend_add_kiosk (RbUiBackend *self)
{
  RbClientService *service;

  rb_ui_backend_get_service (self);
  if (self->mode == RB_UI_BACKEND_LOCAL)
    service = new_local_client (self);
  else
    {
      g_autofree char *public_key = NULL;
      g_autofree char *token = rb_test_server_add_device (self->server, "Kiosk", &public_key);

      service = new_server_client (self, token, public_key);
    }
  g_ptr_array_add (self->services, service);
  return service;
}

RbClientService *
rb_ui_backend_add_panel (RbUiBackend *self, const char *space_id)
{
  RbClientService *service;

  rb_ui_backend_get_service (self);
  if (self->mode == RB_UI_BACKEND_LOCAL)
    service = new_local_client (self);
  else
    {
      g_autofree char *public_key = NULL;
      g_autofree char *token = rb_test_server_add_panel (self->server, "Panel", space_id,
                                                         &public_key);

      service = new_server_client (self, token, public_key);
    }
  g_ptr_array_add (self->services, service);
  return service;
}

const char *
rb_ui_backend_demo_pin (const char *staff_number)
{
  const RbTestPerson *person = rb_test_demo_person (staff_number);

  g_assert_nonnull (person);
  return person->pin;
}

RbPerson *
rb_ui_backend_sign_in (RbUiBackend *self, RbClientService *service, const char *staff_number)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  RbPerson *person;

  rb_client_service_sign_in_async (service, staff_number, rb_ui_backend_demo_pin (staff_number),
                                   NULL, rb_ui_keep_result_cb, &result);
  person = rb_client_service_person_finish (service, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (person);
  rb_ui_backend_wait_ready (service);
  return person;
}

void
rb_ui_backend_sync (RbUiBackend *self, RbClientService *service)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;

  rb_client_service_sync_async (service, NULL, rb_ui_keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (service, rb_ui_wait_result (&result), &error));
  g_assert_no_error (error);
}

const char *
rb_ui_backend_get_mirror_path (RbClientService *service)
{
  return g_object_get_data (G_OBJECT (service), "rb-ui-backend-mirror");
}

gboolean
rb_ui_backend_try_sync (RbUiBackend *self, RbClientService *service, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_sync_async (service, NULL, rb_ui_keep_result_cb, &result);
  return rb_client_service_boolean_finish (service, rb_ui_wait_result (&result), error);
}

static gboolean
is_null (gpointer pointer_slot)
{
  return *(gpointer *) pointer_slot == NULL;
}

RbClientService *
rb_ui_backend_restart_client (RbUiBackend *self, RbClientService *service)
{
  RbClientService *again;
  gpointer store = NULL;
  guint index;

  g_assert_true (g_ptr_array_find (self->services, service, &index));
  if (self->mode == RB_UI_BACKEND_SERVER)
    {
      g_autofree char *path = g_strdup (g_object_get_data (G_OBJECT (service),
                                                           "rb-ui-backend-mirror"));
      RbSyncEngine *engine = rb_server_service_get_engine (RB_SERVER_SERVICE (service));

      /* Only desktop clients: a kiosk's device token and key are not kept here. */
      g_assert_null (rb_api_client_get_device_token (rb_sync_engine_get_client (engine)));
      store = rb_sync_engine_get_store (engine);
      g_object_add_weak_pointer (store, &store);
      rb_client_service_shutdown (service);
      rb_ui_settle (50);
      g_object_unref (service);
      /* The program ended: its store has closed the file before the next one opens it. */
      g_assert_true (rb_ui_wait_for (is_null, &store, 30));
      again = new_server_client_at (self, path, NULL, NULL);
    }
  else
    {
      rb_client_service_shutdown (service);
      rb_ui_settle (50);
      g_object_unref (service);
      again = new_local_client (self);
    }
  g_ptr_array_index (self->services, index) = again;
  return again;
}

void
rb_ui_backend_free (RbUiBackend *self)
{
  for (guint i = 0; i < self->services->len; i++)
    rb_client_service_shutdown (g_ptr_array_index (self->services, i));
  rb_ui_settle (50);
  while (self->services->len > 0)
    g_object_unref (g_ptr_array_steal_index (self->services, self->services->len - 1));
  g_ptr_array_unref (self->services);
  if (self->store != NULL)
    g_assert_finalize_object (self->store);
  if (self->server != NULL)
    {
      if (rb_test_server_is_running (self->server))
        rb_test_server_stop (self->server);
      rb_test_server_free (self->server);
    }
  rb_test_remove_tree (self->dir);
  g_free (self->dir);
  g_free (self);
}

typedef struct
{
  const char *db_path;
  const char *sql;
  gint64 expected;
} DbWait;

static gboolean
db_says (gpointer data)
{
  DbWait *wait = data;

  return rb_test_db_int (wait->db_path, wait->sql) == wait->expected;
}

void
rb_ui_wait_for_db_int (const char *db_path, gint64 expected, const char *sql)
{
  DbWait wait = { db_path, sql, expected };

  if (!rb_ui_wait_for (db_says, &wait, 20))
    g_error ("%s: %" G_GINT64_FORMAT " instead of %" G_GINT64_FORMAT, sql,
             rb_test_db_int (db_path, sql), expected);
}
