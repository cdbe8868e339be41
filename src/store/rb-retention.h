/* rb-retention.h: how long bookings say who booked them, and how long they are kept at all
 * (the site's policy anonymise_after_days and delete_after_days, issue 13). */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

typedef struct
{
  int anonymised;
  int deleted;
} RbRetentionCounts;

gboolean rb_retention_apply_sync (RbStore *store, RbRetentionCounts *out_counts, GError **error);
gboolean rb_retention_anonymise_booking (RbStore *store, const char *booking_id, GError **error);

G_END_DECLS
