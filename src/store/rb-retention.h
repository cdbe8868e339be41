/* rb-retention.h: how long bookings say who booked them, how long they are kept at all, and
 * how long the audit log keeps its entries (the site's policy anonymise_after_days,
 * delete_after_days and audit_retention_days, issue 13). */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

typedef struct
{
  int anonymised;
  int deleted;
  int audit_deleted;
} RbRetentionCounts;

gboolean rb_retention_apply_sync (RbStore *store, RbRetentionCounts *out_counts, GError **error);
gboolean rb_retention_anonymise_booking (RbStore *store, const char *booking_id, GError **error);

G_END_DECLS
