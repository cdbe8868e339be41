/* rb-blocks.h: facility managers close a space for maintenance. The bookings in the way are
 * cancelled with the block's reason, which their owners see (RbSpaceBlock is the core's,
 * rb_store_list_blocks_sync is in rb-store.h). */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

GPtrArray *rb_blocks_list_affected_sync (RbStore *store, const char *space_id,
                                         RbInterval interval, GError **error);
gint64 rb_blocks_create_sync (RbStore *store, const char *space_id, RbInterval interval,
                              const char *reason, const char *actor_id,
                              GPtrArray **out_cancelled, GError **error);
gboolean rb_blocks_remove_sync (RbStore *store, gint64 block_id, const char *actor_id,
                                GError **error);
GHashTable *rb_blocks_cancel_reasons_sync (RbStore *store, GPtrArray *bookings,
                                           GError **error);

void rb_blocks_create_async (RbStore *store, const char *space_id, RbInterval interval,
                             const char *reason, const char *actor_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
RbBlockResult *rb_blocks_create_finish (RbStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
