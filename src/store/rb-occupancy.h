/* rb-occupancy.h: how the building is used, per hour or day, per floor and space kind, for
 * facility managers (GET /occupancy, /reports/utilisation.csv, the heat map). Aggregates
 * only: nothing here knows who booked. See rb-occupancy.c for the exact definitions. */
#pragma once

#include "rb-occupancy-report.h"
#include "rb-store.h"

G_BEGIN_DECLS

GPtrArray *rb_occupancy_query_sync (RbStore *store, const RbOccupancyQuery *query,
                                    GError **error);
void rb_occupancy_query_async (RbStore *store, const RbOccupancyQuery *query,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
GPtrArray *rb_occupancy_query_finish (RbStore *store, GAsyncResult *result, GError **error);

/* The statement the query runs, for EXPLAIN QUERY PLAN in tests. */
const char *rb_occupancy_bookings_sql (void);

G_END_DECLS
