/* rb-sync-engine.h: keeps a client's local store in step with raumbuch-server. Operations
 * go into the outbox first and are pushed in order with their booking id as idempotency key;
 * then the change feed is pulled from the cursor kept in sync_state. Failures to reach the
 * server are retried with exponential backoff and jitter, and at once when the network comes
 * back. All store work runs on the store's thread; everything else on the main context the
 * engine was made on. */
#pragma once

#include "rb-api-client.h"
#include "rb-mirror.h"
#include "rb-store.h"

G_BEGIN_DECLS

/* Backoff: base · 2^(failures−1), at most the cap, then "equal jitter": a uniformly random
 * point in the upper half, so delays keep growing but clients that failed together do not
 * retry together. */
#define RB_SYNC_BACKOFF_BASE_MS 1000
#define RB_SYNC_BACKOFF_CAP_MS (5 * 60 * 1000)
/* How long a booking waits for the server before it is queued and shown as pending. */
#define RB_SYNC_ONLINE_WAIT_MS 2000
/* Change-feed page size, and how often an idle engine asks for changes. */
#define RB_SYNC_FEED_PAGE 200
#define RB_SYNC_POLL_SECONDS 30
/* How often a client with a working push channel still asks, in case a push was lost. */
#define RB_SYNC_SAFETY_POLL_SECONDS 300

typedef enum
{
  RB_SYNC_OUTCOME_CONFIRMED,
  RB_SYNC_OUTCOME_PENDING,
} RbSyncOutcome;

#define RB_TYPE_SYNC_ENGINE (rb_sync_engine_get_type ())
G_DECLARE_FINAL_TYPE (RbSyncEngine, rb_sync_engine, RB, SYNC_ENGINE, GObject)

guint rb_sync_backoff_delay_ms (guint failures, double unit_random);

RbSyncEngine *rb_sync_engine_new (RbStore *store, RbApiClient *client);

RbStore *rb_sync_engine_get_store (RbSyncEngine *self);
RbApiClient *rb_sync_engine_get_client (RbSyncEngine *self);
RbPerson *rb_sync_engine_get_person (RbSyncEngine *self);
gboolean rb_sync_engine_get_online (RbSyncEngine *self);
guint rb_sync_engine_get_failures (RbSyncEngine *self);
guint rb_sync_engine_get_retry_delay_ms (RbSyncEngine *self);
guint rb_sync_engine_get_resyncs (RbSyncEngine *self);
void rb_sync_engine_set_poll_interval (RbSyncEngine *self, guint seconds);
void rb_sync_engine_stop (RbSyncEngine *self);
void rb_sync_engine_mark_topic_stale (RbSyncEngine *self, const char *topic);

void rb_sync_engine_login_async (RbSyncEngine *self, const char *staff_number, const char *pin,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
void rb_sync_engine_login_directory_async (RbSyncEngine *self, const char *username,
                                           const char *password, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
RbPerson *rb_sync_engine_login_finish (RbSyncEngine *self, GAsyncResult *result, GError **error);

void rb_sync_engine_resume (RbSyncEngine *self, RbPerson *person, const char *token);
void rb_sync_engine_sign_out_async (RbSyncEngine *self, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_sync_engine_sign_out_finish (RbSyncEngine *self, GAsyncResult *result,
                                         GError **error);

void rb_sync_engine_import_building_async (RbSyncEngine *self, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
/* out_changed: whether the mirror's building changed (it held another one, or none). */
gboolean rb_sync_engine_import_building_finish (RbSyncEngine *self, GAsyncResult *result,
                                                gboolean *out_changed, GError **error);

void rb_sync_engine_book_async (RbSyncEngine *self, RbBooking *request, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
void rb_sync_engine_book_sealed_async (RbSyncEngine *self, RbBooking *request,
                                       GBytes *sealed_credential, const char *session_token,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data);
void rb_sync_engine_cancel_async (RbSyncEngine *self, const char *booking_id,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
void rb_sync_engine_check_in_async (RbSyncEngine *self, const char *booking_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
RbBooking *rb_sync_engine_operation_finish (RbSyncEngine *self, GAsyncResult *result,
                                            RbSyncOutcome *out_outcome, GError **error);

void rb_sync_engine_sync_async (RbSyncEngine *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_sync_engine_sync_finish (RbSyncEngine *self, GAsyncResult *result, GError **error);

void rb_sync_engine_list_outbox_async (RbSyncEngine *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rb_sync_engine_list_outbox_finish (RbSyncEngine *self, GAsyncResult *result,
                                              GError **error);

G_END_DECLS
