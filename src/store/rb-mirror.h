/* rb-mirror.h: the SQL of a client that mirrors a server: the outbox of operations not yet
 * confirmed by the server, the change-feed cursor, and applying the server's bookings to
 * the local tables. Every function here runs on the store's thread (inside an RbStoreFunc
 * given to rb_store_run_async) or in a caller that uses only the *_sync API. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

typedef enum
{
  RB_OUTBOX_CREATE,
  RB_OUTBOX_CANCEL,
  RB_OUTBOX_CHECK_IN,
} RbOutboxOperation;

typedef enum
{
  RB_OUTBOX_PENDING,
  RB_OUTBOX_REJECTED,
  RB_OUTBOX_DONE,
} RbOutboxState;

/* One queued operation. The booking id is the idempotency key of its request. */
typedef struct
{
  gint64 id;
  char *booking_id;
  RbOutboxOperation operation;
  char *payload;
  RbOutboxState state;
  int attempts;
  char *last_error_code;
  char *last_error;
  gint64 created_at;
  gint64 next_attempt_at;
  /* A kiosk's create made for someone it could not verify: their staff number and PIN
   * sealed to the server's key (rb-credential.h), or NULL. */
  GBytes *sealed_credential;
} RbOutboxEntry;

void rb_outbox_entry_free (RbOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbOutboxEntry, rb_outbox_entry_free)

const char *rb_outbox_operation_to_string (RbOutboxOperation operation);

RbBooking *rb_mirror_enqueue_create_sync (RbStore *store, RbBooking *request, gint64 *out_entry_id,
                                          GError **error);
RbBooking *rb_mirror_enqueue_sealed_create_sync (RbStore *store, RbBooking *request,
                                                 GBytes *sealed_credential,
                                                 gint64 *out_entry_id, GError **error);
RbBooking *rb_mirror_enqueue_transition_sync (RbStore *store, RbOutboxOperation operation,
                                              const char *booking_id, const char *actor_id,
                                              gint64 *out_entry_id, GError **error);
gboolean rb_mirror_forget_create_sync (RbStore *store, gint64 entry_id, const char *booking_id,
                                       GError **error);

GPtrArray *rb_mirror_list_outbox_sync (RbStore *store, gboolean pending_only, GError **error);
gboolean rb_mirror_outbox_attempt_failed_sync (RbStore *store, gint64 entry_id,
                                               const GError *failure, gint64 next_attempt_at,
                                               GError **error);
gboolean rb_mirror_outbox_confirm_sync (RbStore *store, gint64 entry_id, RbBooking *confirmed,
                                        GError **error);
gboolean rb_mirror_outbox_reject_sync (RbStore *store, gint64 entry_id, const GError *reason,
                                       GError **error);

int rb_mirror_apply_remote_sync (RbStore *store, GPtrArray *bookings, GPtrArray *deleted_ids,
                                 gint64 cursor, GPtrArray *notices, GError **error);
int rb_mirror_replace_range_sync (RbStore *store, GPtrArray *bookings, RbInterval range,
                                  gint64 cursor, GPtrArray *notices, GError **error);

gboolean rb_mirror_get_cursor_sync (RbStore *store, gint64 *out_cursor, GError **error);
gboolean rb_mirror_set_cursor_sync (RbStore *store, gint64 cursor, GError **error);

int rb_mirror_replace_blocks_sync (RbStore *store, GPtrArray *blocks, RbInterval range,
                                   GError **error);
int rb_mirror_discard_outbox_sync (RbStore *store, GError **error);

gboolean rb_mirror_upsert_person_sync (RbStore *store, RbPerson *person, GError **error);

G_END_DECLS
