/* rb-floor-plans.h: the plan drawing a floor may carry (table floor_plans). Administrators set
 * and remove it, each change with its audit entry and a "building" topic row, so that clients
 * fetch it again; a server's mirror keeps a copy for when the server cannot be reached. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

RbPlanDrawing *rb_floor_plans_get_sync (RbStore *store, const char *floor_id, GError **error);
gboolean rb_floor_plans_set_sync (RbStore *store, const char *actor_id, const char *floor_id,
                                  const char *content_type, GBytes *data,
                                  gint64 *out_updated_at, GError **error);
gboolean rb_floor_plans_remove_sync (RbStore *store, const char *actor_id, const char *floor_id,
                                     GError **error);
gboolean rb_floor_plans_cache_sync (RbStore *store, const char *floor_id,
                                    RbPlanDrawing *drawing, GError **error);

G_END_DECLS
