/* rb-server.h: raumbuch-server's HTTP side: one SoupServer, one RbStore, the routes of the
 * REST API v1 (DESIGN.md), body limits, request logs, the auto-release timer, the change
 * feed's push channel (RbChangeHub) and a clean shutdown. */
#pragma once

#include <libsoup/soup.h>

#include "rb-change-hub.h"
#include "rb-directory.h"
#include "rb-login-guard.h"
#include "rb-store.h"

G_BEGIN_DECLS

/* Request bodies above this size are refused with 413 before they are parsed. */
#define RB_SERVER_MAX_BODY (64 * 1024)
/* POST /api/v1/building/import takes a whole building: 20000 spaces fit. */
#define RB_SERVER_MAX_BUILDING_BODY (8 * 1024 * 1024)

#define RB_TYPE_SERVER (rb_server_get_type ())
G_DECLARE_FINAL_TYPE (RbServer, rb_server, RB, SERVER, GObject)

RbServer *rb_server_new (RbStore *store);

RbStore *rb_server_get_store (RbServer *self);
RbChangeHub *rb_server_get_change_hub (RbServer *self);
void rb_server_set_release_interval (RbServer *self, guint seconds);
void rb_server_set_feed_retention (RbServer *self, gint64 retention);
gint64 rb_server_get_feed_retention (RbServer *self);
void rb_server_set_openapi_path (RbServer *self, const char *path);
const char *rb_server_get_openapi_path (RbServer *self);
gboolean rb_server_add_trusted_proxy (RbServer *self, const char *address, GError **error);
void rb_server_set_connection_limits (RbServer *self, guint max_connections,
                                      guint request_timeout, guint idle_timeout);
gboolean rb_server_set_tls_files (RbServer *self, const char *cert_file, const char *key_file,
                                  GError **error);

gboolean rb_server_listen (RbServer *self, const char *host_port, GError **error);
char *rb_server_dup_uri (RbServer *self);

void rb_server_shutdown_async (RbServer *self, GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_server_shutdown_finish (RbServer *self, GAsyncResult *result, GError **error);

/* For the request handlers. */
RbLoginGuard *rb_server_get_login_guard (RbServer *self);
void rb_server_set_directory (RbServer *self, RbDirectory *directory);
RbDirectory *rb_server_get_directory (RbServer *self);
gboolean rb_server_begin_directory_sync (RbServer *self, const char *actor_id, gboolean dry_run,
                                         GAsyncReadyCallback callback, gpointer user_data,
                                         GError **error);
gboolean rb_server_end_directory_sync (RbServer *self, GAsyncResult *result,
                                       JsonNode **out_report, GError **error);
gboolean rb_server_is_trusted_proxy (RbServer *self, GInetAddress *address);

G_END_DECLS
