/* rb-local-service.h: the client service of a standalone app, on its own SQLite store. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

#define RB_TYPE_LOCAL_SERVICE (rb_local_service_get_type ())
G_DECLARE_FINAL_TYPE (RbLocalService, rb_local_service, RB, LOCAL_SERVICE, RbClientService)

/* How often bookings that were not checked in are released (DESIGN.md: no-shows). */
#define RB_LOCAL_SERVICE_RELEASE_SECONDS 60

RbLocalService *rb_local_service_new (RbStore *store);
RbStore *rb_local_service_get_store (RbLocalService *self);

void rb_local_service_prepare_async (RbLocalService *self, gboolean seed_demo,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
gboolean rb_local_service_prepare_finish (RbLocalService *self, GAsyncResult *result,
                                          GError **error);

G_END_DECLS
