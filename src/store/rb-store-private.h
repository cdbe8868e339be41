/* rb-store-private.h: helpers that rb-store.c lends to the store's other modules (series,
 * blocks, auth, mirror) so that they write exactly as a single booking is written: in the
 * store's write transactions, with its cached statements, the same clash checks and
 * change-feed rows. Only for use on the store's own connection; never for the layers
 * above. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

/* Bookings last at most one local day, 25 hours on the autumn DST day (see rb-schema.c). */
#define RB_STORE_MAX_BOOKING_SECONDS 90000

gboolean rb_store_begin_write (RbStore *self, GError **error);
gboolean rb_store_commit_write (RbStore *self, GError **error);
void rb_store_rollback_write (RbStore *self);
RbStatement *rb_store_prepare (RbStore *self, const char *sql, GError **error);
gboolean rb_store_check_clashes (RbStore *self, RbSpace *space, RbBooking *request,
                                 GError **error);
GPtrArray *rb_store_collect_texts (RbStore *self, RbStatement *stmt, GError **error);
gint64 rb_store_append_change (RbStore *self, const char *booking_id, GError **error);
gint64 rb_store_append_topic_change (RbStore *self, const char *topic, GError **error);
gboolean rb_store_append_audit (RbStore *self, const char *actor_id, const char *action,
                                const char *subject, JsonNode *before, JsonNode *after,
                                GError **error);
void rb_store_cache_policy (RbStore *self, const RbPolicy *policy);
const char *rb_store_get_site_id (RbStore *self);
gboolean rb_store_reload_site_settings (RbStore *self, GError **error);
gboolean rb_store_set_booking_state (RbStore *self, RbBooking *booking, RbBookingState state,
                                     GError **error);

G_END_DECLS
