/* rb-server-service.h: the client service of an app that raumbuch-server serves: a local
 * mirror kept in step by the sync engine, the API client for what only the server can do. */
#pragma once

#include "rb-sync-engine.h"

G_BEGIN_DECLS

#define RB_TYPE_SERVER_SERVICE (rb_server_service_get_type ())
G_DECLARE_FINAL_TYPE (RbServerService, rb_server_service, RB, SERVER_SERVICE, RbClientService)

RbServerService *rb_server_service_new (RbSyncEngine *engine, const char *server_public_key);
RbSyncEngine *rb_server_service_get_engine (RbServerService *self);

G_END_DECLS
