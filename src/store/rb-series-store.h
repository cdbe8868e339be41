/* rb-series-store.h: recurring reservations in the store. A series is checked occurrence by
 * occurrence (policy with the team lead's horizon, capacity, blocks, overlaps) before
 * anything is written, all inside one BEGIN IMMEDIATE transaction; then, by its mode, all of
 * it or the occurrences without conflicts are written, each as an ordinary booking with the
 * series id and its own change-feed row. */
#pragma once

#include "rb-series.h"
#include "rb-store.h"

G_BEGIN_DECLS

/* Why one occurrence cannot be booked. */
typedef struct
{
  RbInterval occurrence;
  RbErrorCode code;
  char *message;     /* translated, for people */
  gboolean has_clash;
  RbInterval clash;  /* the booking or block in the way, when has_clash */
} RbSeriesConflict;

typedef struct
{
  char *series_id;
  /* TRUE when bookings were written by this call or by an earlier one with the same id. */
  gboolean created;
  gboolean replayed;
  guint n_occurrences;
  GPtrArray *bookings;   /* RbBooking, as stored, in order */
  GPtrArray *conflicts;  /* RbSeriesConflict, in order */
} RbSeriesResult;

typedef enum
{
  RB_SERIES_CANCEL_ONE,
  RB_SERIES_CANCEL_FOLLOWING,
  RB_SERIES_CANCEL_ALL,
} RbSeriesCancelScope;

void rb_series_conflict_free (RbSeriesConflict *conflict);
void rb_series_result_free (RbSeriesResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbSeriesResult, rb_series_result_free)

gboolean rb_series_may_create (RbRole role);

RbSeriesResult *rb_series_store_create_sync (RbStore *store, const RbSeriesRequest *request,
                                             GError **error);
RbSeriesResult *rb_series_store_check_sync (RbStore *store, const RbSeriesRequest *request,
                                            GError **error);
GPtrArray *rb_series_store_cancel_sync (RbStore *store, const char *series_id,
                                        const char *booking_id, RbSeriesCancelScope scope,
                                        const char *actor_id, GError **error);
GPtrArray *rb_series_store_list_bookings_sync (RbStore *store, const char *series_id,
                                               GError **error);

JsonNode *rb_series_result_to_json (RbSeriesResult *result, GTimeZone *tz,
                                    gboolean with_person);
JsonNode *rb_series_conflict_to_json (RbSeriesConflict *conflict, GTimeZone *tz);

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
