/* rb-ui-backend.h: the two backends a UI test runs against, with the same assertions: the
 * app's own store (standalone), and a real raumbuch-server process on a loopback port with a
 * mirror for each client (the server deployment). Either way the test gets client services
 * (rb-client-service.h) on the demo building with its people's demo PINs, and a clock frozen
 * at the instant it asks for (the server starts at it with --now and runs from there). */
#pragma once

#include "rb-core.h"
#include "rb-test-server.h"

G_BEGIN_DECLS

typedef enum
{
  RB_UI_BACKEND_LOCAL,
  RB_UI_BACKEND_SERVER,
} RbUiBackendMode;

typedef struct _RbUiBackend RbUiBackend;

RbUiBackend *rb_ui_backend_new (RbUiBackendMode mode, gint64 now);
void rb_ui_backend_free (RbUiBackend *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbUiBackend, rb_ui_backend_free)

RbUiBackendMode rb_ui_backend_get_mode (RbUiBackend *self);
const char *rb_ui_backend_get_dir (RbUiBackend *self);
/* The server process (NULL standalone). Started again after rb_test_server_stop or _kill,
 * it listens on the same port as before, so its clients find it without being told. */
RbTestServer *rb_ui_backend_get_server (RbUiBackend *self);
/* "local" or "server", for test paths and screenshot names. */
const char *rb_ui_backend_mode_name (RbUiBackendMode mode);

/* The service of the app under test: made with the backend, ready (its building there). */
RbClientService *rb_ui_backend_get_service (RbUiBackend *self);
/* Another client of the same bookings (another desktop), ready. Owned by the backend. */
RbClientService *rb_ui_backend_add_client (RbUiBackend *self);
/* A kiosk: standalone on the same store; with a server a registered device with its own
 * mirror, the device token and the server's key set as the app would from its settings.
 * Owned by the backend; not ready until it has fetched the building (wait for "ready"). */
RbClientService *rb_ui_backend_add_kiosk (RbUiBackend *self);
/* A door panel of space_id: standalone on the same store; with a server a device registered
 * with --panel space_id. Like a kiosk, not ready until it has the building. */
RbClientService *rb_ui_backend_add_panel (RbUiBackend *self, const char *space_id);

/* The mirror file of a client of the server (NULL standalone), to look into with
 * rb_test_db_int. */
const char *rb_ui_backend_get_mirror_path (RbClientService *service);

/* Signs a demo person in on service with their demo PIN; asserts success. */
RbPerson *rb_ui_backend_sign_in (RbUiBackend *self, RbClientService *service,
                                 const char *staff_number);
/* Brings service up to date with the server now (nothing to do standalone). */
void rb_ui_backend_sync (RbUiBackend *self, RbClientService *service);
/* The same, for a test that expects it may fail (the server is away). */
gboolean rb_ui_backend_try_sync (RbUiBackend *self, RbClientService *service, GError **error);
/* The app quits and starts again: service (a desktop client of the backend) shuts down and
 * is released, and a new service takes its place on the same data — with a server the same
 * mirror file, closed first. Nobody is signed in to the new one, whose location is the same
 * (a server started again keeps its address). Returns the new service, owned by the
 * backend; with a server it is ready when the mirror has the building. */
RbClientService *rb_ui_backend_restart_client (RbUiBackend *self, RbClientService *service);
/* Waits until service is ready. */
void rb_ui_backend_wait_ready (RbClientService *service);

/* The demo PIN of a staff number. */
const char *rb_ui_backend_demo_pin (const char *staff_number);

/* Waits until sql, a count, gives expected on the database file at db_path: the authority's
 * (a server's answer may come after the window has shown a change as pending). Fails the
 * test with the count it had after 20 s. */
void rb_ui_wait_for_db_int (const char *db_path, gint64 expected, const char *sql);

G_END_DECLS
