/* rb-policy-store.h: administrators change the site's policy (rb-policy.h). The change, its
 * audit entry and the change-feed row that tells clients to read the policy again are one
 * write transaction, and the store's own checks use the new policy from its commit on. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

gboolean rb_store_set_policy_sync (RbStore *store, const char *actor_id, const RbPolicy *policy,
                                   GError **error);
void rb_store_set_policy_async (RbStore *store, const char *actor_id, const RbPolicy *policy,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
gboolean rb_store_set_policy_finish (RbStore *store, GAsyncResult *result, GError **error);

gboolean rb_store_replace_policy_sync (RbStore *store, const RbPolicy *policy, GError **error);

G_END_DECLS
