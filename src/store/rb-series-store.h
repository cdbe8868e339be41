/* rb-series-store.h: recurring reservations in the store. A series is checked occurrence by
 * occurrence (policy with the team lead's horizon, capacity, blocks, overlaps) before
 * anything is written, all inside one BEGIN IMMEDIATE transaction; then, by its mode, all of
 * it or the occurrences without conflicts are written, each as an ordinary booking with the
 * series id and its own change-feed row. */
#pragma once

#include "rb-series.h"
#include "rb-store.h"

G_BEGIN_DECLS

RbSeriesResult *rb_series_store_create_sync (RbStore *store, const RbSeriesRequest *request,
                                             GError **error);
RbSeriesResult *rb_series_store_check_sync (RbStore *store, const RbSeriesRequest *request,
                                            GError **error);
GPtrArray *rb_series_store_cancel_sync (RbStore *store, const char *series_id,
                                        const char *booking_id, RbSeriesCancelScope scope,
                                        const char *actor_id, GError **error);
GPtrArray *rb_series_store_list_bookings_sync (RbStore *store, const char *series_id,
                                               GError **error);

void rb_series_store_create_async (RbStore *store, const RbSeriesRequest *request,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
RbSeriesResult *rb_series_store_create_finish (RbStore *store, GAsyncResult *result,
                                               GError **error);
void rb_series_store_check_async (RbStore *store, const RbSeriesRequest *request,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
RbSeriesResult *rb_series_store_check_finish (RbStore *store, GAsyncResult *result,
                                              GError **error);
void rb_series_store_cancel_async (RbStore *store, const char *series_id,
                                   const char *booking_id, RbSeriesCancelScope scope,
                                   const char *actor_id, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rb_series_store_cancel_finish (RbStore *store, GAsyncResult *result,
                                          GError **error);
void rb_series_store_list_bookings_async (RbStore *store, const char *series_id,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rb_series_store_list_bookings_finish (RbStore *store, GAsyncResult *result,
                                                 GError **error);

G_END_DECLS
