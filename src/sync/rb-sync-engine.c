/* rb-sync-engine.c: the outbox/change-feed sync engine (see rb-sync-engine.h).
 *
 * One sync round at a time: list the pending outbox entries, push them in order (a network
 * failure stops the round, so a later operation never overtakes an earlier one), then pull
 * the change feed page by page. A 410 from the feed means the cursor is older than the
 * server keeps (or newer than it knows), and the round reads the whole feed from 0 and drops
 * what the server no longer has (a full resync). Callers that want a round while one runs are served by the next one. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-building-store.h"
#include "rb-change-listener.h"
#include "rb-sync-engine.h"

struct _RbSyncEngine
{
  GObject parent_instance;

  /* owned */
  RbStore *store;
  RbApiClient *client;
  RbPerson *person;
  GCancellable *cancellable;
  GRand *rand;
  GList *waiters;
  /* the server's push: a round as soon as the feed moves */
  RbChangeListener *listener;

  gboolean online;
  gboolean stopped;
  guint failures;
  guint retry_delay_ms;
  guint resyncs;
  guint poll_seconds;
  guint timer_id;

  /* the running round */
  gboolean running;
  gboolean rerun;
  gboolean changed;
  gboolean resynced;
  GPtrArray *round_tasks;
  GPtrArray *next_tasks;
  GPtrArray *entries;
  guint entry_index;
  gboolean step_sealed;
  GError *step_error;
  RbBooking *step_booking;
  gint64 cursor;
  GPtrArray *resync_bookings;
  RbInterval blocks_range;
  /* topics the feed named (or that were never read since the start), announced with
   * topic-changed after the next round that reached the server */
  GHashTable *stale_topics;
};

G_DEFINE_FINAL_TYPE (RbSyncEngine, rb_sync_engine, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_ONLINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  NOTICE,
  SESSION_ENDED,
  TOPIC_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Arguments of the jobs on the store's thread; each job uses the fields it needs. */
typedef struct
{
  RbOutboxOperation operation;
  gint64 entry_id;
  char *booking_id;
  char *actor_id;
  RbBooking *booking;
  GPtrArray *bookings;
  GPtrArray *deleted_ids;
  GError *error;
  JsonNode *json;
  RbPerson *person;
  RbInterval range;
  gint64 cursor;
  gint64 next_at;
  gboolean flag;
  GBytes *sealed;
  GPtrArray *notices;
} MirrorArgs;

typedef struct
{
  RbBooking *booking;
  gint64 entry_id;
} Enqueued;

/* A caller of book/cancel/check-in waiting up to RB_SYNC_ONLINE_WAIT_MS for the server. */
typedef struct
{
  RbSyncEngine *engine;
  GTask *task;
  gint64 entry_id;
  RbOutboxOperation operation;
  RbBooking *local;
  guint timeout_id;
  /* A kiosk's create: the session of the person at the screen, for as long as they wait. */
  char *session_token;
} Waiter;

typedef struct
{
  RbBooking *booking;
  RbSyncOutcome outcome;
} OperationResult;

static void start_round (RbSyncEngine *self);
static void push_next (RbSyncEngine *self);
static void fetch_changes (RbSyncEngine *self);

/* ---- helpers ------------------------------------------------------------------------------ */

static void
mirror_args_free (MirrorArgs *args)
{
  g_free (args->booking_id);
  g_free (args->actor_id);
  g_clear_object (&args->booking);
  g_clear_pointer (&args->bookings, g_ptr_array_unref);
  g_clear_pointer (&args->deleted_ids, g_ptr_array_unref);
  g_clear_error (&args->error);
  g_clear_pointer (&args->json, json_node_unref);
  g_clear_object (&args->person);
  g_clear_pointer (&args->sealed, g_bytes_unref);
  g_clear_pointer (&args->notices, g_ptr_array_unref);
  g_free (args);
}

static void
enqueued_free (Enqueued *enqueued)
{
  g_clear_object (&enqueued->booking);
  g_free (enqueued);
}

static void
operation_result_free (OperationResult *result)
{
  g_clear_object (&result->booking);
  g_free (result);
}

static void
run_mirror (RbSyncEngine *self, RbStoreFunc func, MirrorArgs *args, GDestroyNotify result_free,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  rb_store_run_async (self->store, func, args, (GDestroyNotify) mirror_args_free, result_free,
                      cancellable, callback, user_data);
}

/* Equal jitter: half of the exponential delay fixed, the other half random. */
guint
rb_sync_backoff_delay_ms (guint failures, double unit_random)
{
  guint64 delay = RB_SYNC_BACKOFF_BASE_MS;

  for (guint i = 1; i < failures && delay < RB_SYNC_BACKOFF_CAP_MS; i++)
    delay *= 2;
  delay = MIN (delay, RB_SYNC_BACKOFF_CAP_MS);
  unit_random = CLAMP (unit_random, 0.0, 1.0);
  return (guint) (delay / 2 + (guint64) ((delay - delay / 2) * unit_random));
}

static void
set_online (RbSyncEngine *self, gboolean online)
{
  if (self->online != online)
    {
      self->online = online;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
    }
}

/* Whether the server would listen: a person's session, or a kiosk's device token (which
 * pushes sealed creates and pulls the anonymous feed). */
static gboolean
can_reach_server (RbSyncEngine *self)
{
  return rb_api_client_get_token (self->client) != NULL
         || rb_api_client_get_device_token (self->client) != NULL;
}

/* ---- jobs on the store's thread ------------------------------------------------------------ */

static gpointer
enqueue_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;
  Enqueued *enqueued = g_new0 (Enqueued, 1);

  if (args->operation == RB_OUTBOX_CREATE && args->sealed != NULL)
    enqueued->booking = rb_mirror_enqueue_sealed_create_sync (store, args->booking, args->sealed,
                                                              &enqueued->entry_id, error);
  else if (args->operation == RB_OUTBOX_CREATE)
    enqueued->booking = rb_mirror_enqueue_create_sync (store, args->booking, &enqueued->entry_id,
                                                       error);
  else
    enqueued->booking = rb_mirror_enqueue_transition_sync (store, args->operation,
                                                           args->booking_id, args->actor_id,
                                                           &enqueued->entry_id, error);
  if (enqueued->booking == NULL)
    {
      enqueued_free (enqueued);
      return NULL;
    }
  return enqueued;
}

static gpointer
list_outbox_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_mirror_list_outbox_sync (store, ((MirrorArgs *) data)->flag, error);
}

static gpointer
confirm_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;

  return rb_mirror_outbox_confirm_sync (store, args->entry_id, args->booking, error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

static gpointer
reject_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;
  gboolean ok;

  if (args->flag)
    ok = rb_mirror_forget_create_sync (store, args->entry_id, args->booking_id, error);
  else
    ok = rb_mirror_outbox_reject_sync (store, args->entry_id, args->error, error);
  return ok ? GINT_TO_POINTER (1) : NULL;
}

static gpointer
attempt_failed_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;

  return rb_mirror_outbox_attempt_failed_sync (store, args->entry_id, args->error, args->next_at,
                                               error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

static gpointer
get_cursor_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  gint64 cursor = 0;
  gboolean empty = FALSE;

  /* Before the building is imported, bookings of its spaces could not be stored: no pull. */
  if (!rb_store_is_empty_sync (store, &empty, error)
      || (!empty && !rb_mirror_get_cursor_sync (store, &cursor, error)))
    return NULL;
  if (empty)
    cursor = -1;
  return g_memdup2 (&cursor, sizeof cursor);
}

/* What applying a page of the feed did: how many rows changed, what people should hear. */
typedef struct
{
  int changed;
  GPtrArray *notices;
} FeedApplied;

static void
feed_applied_free (FeedApplied *applied)
{
  g_clear_pointer (&applied->notices, g_ptr_array_unref);
  g_free (applied);
}

static gpointer
apply_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;
  g_autoptr (GPtrArray) notices = g_ptr_array_new_with_free_func (g_object_unref);
  FeedApplied *applied;
  int changed;

  if (args->flag)
    changed = rb_mirror_replace_range_sync (store, args->bookings, args->range, args->cursor,
                                            notices, error);
  else
    changed = rb_mirror_apply_remote_sync (store, args->bookings, args->deleted_ids, args->cursor,
                                           notices, error);
  if (changed < 0)
    return NULL;
  applied = g_new0 (FeedApplied, 1);
  applied->changed = changed;
  applied->notices = g_steal_pointer (&notices);
  return applied;
}

static gpointer
replace_blocks_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;
  int changed = rb_mirror_replace_blocks_sync (store, args->bookings, args->range, error);

  return changed < 0 ? NULL : GINT_TO_POINTER (changed + 1);
}

/* The booking an outbox entry made, as this client has it, for a notice. */
static gpointer
notice_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MirrorArgs *args = data;
  RbBooking *booking = rb_store_get_booking_sync (store, args->booking_id, error);

  if (booking == NULL)
    return NULL;
  rb_booking_set_sync_state (booking, RB_SYNC_STATE_REJECTED);
  rb_booking_set_sync_error (booking, args->error->message);
  return booking;
}

static gpointer
discard_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_mirror_discard_outbox_sync (store, error) < 0 ? NULL : GINT_TO_POINTER (1);
}

static gpointer
upsert_person_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_mirror_upsert_person_sync (store, ((MirrorArgs *) data)->person, error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

/* The server's lists (GET /sites, /buildings, /floors, /spaces) as a building document. */
static RbBuildingDocument *
document_from_lists (JsonObject *lists, GError **error)
{
  g_autoptr (RbSite) site = rb_json_to_site (json_object_get_member (lists, "site"), error);
  g_autoptr (RbBuildingDocument) document = NULL;
  static const char *const parts[] = { "buildings", "floors", "spaces" };

  if (site == NULL)
    return NULL;
  document = rb_building_document_new (site);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      JsonArray *items = json_object_get_array_member (lists, parts[i]);
      GPtrArray *into = i == 0 ? document->buildings : i == 1 ? document->floors : document->spaces;

      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonNode *node = json_array_get_element (items, j);
          gpointer item = i == 0   ? (gpointer) rb_json_to_building (node, error)
                          : i == 1 ? (gpointer) rb_json_to_floor (node, error)
                                   : (gpointer) rb_json_to_space (node, error);

          if (item == NULL)
            return NULL;
          g_ptr_array_add (into, item);
        }
    }
  return g_steal_pointer (&document);
}

/* Makes the mirror hold the server's building as it is: on first start into the empty store,
 * later whenever the feed says the building changed. Floors and spaces the server no longer
 * lists are retired here too; their bookings come through the feed. */
static gpointer
import_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr (RbBuildingDocument) document
      = document_from_lists (json_node_get_object (((MirrorArgs *) data)->json), error);
  g_autoptr (JsonNode) report = NULL;

  if (document == NULL
      || !(report = rb_building_store_import_sync (store, document, NULL,
                                                   RB_BUILDING_IMPORT_MIRROR, error)))
    return NULL;
  /* 2: the mirror held this building already (most often at start: every topic is read once). */
  return GINT_TO_POINTER (rb_building_report_is_empty (report) ? 2 : 1);
}

/* ---- waiting callers ------------------------------------------------------------------------ */

static void
waiter_finish (Waiter *waiter, RbSyncOutcome outcome, RbBooking *booking, const GError *error)
{
  RbSyncEngine *self = waiter->engine;

  self->waiters = g_list_remove (self->waiters, waiter);
  g_clear_handle_id (&waiter->timeout_id, g_source_remove);
  if (error != NULL)
    g_task_return_error (waiter->task, g_error_copy (error));
  else
    {
      OperationResult *result = g_new0 (OperationResult, 1);

      result->booking = g_object_ref (booking != NULL ? booking : waiter->local);
      result->outcome = outcome;
      g_task_return_pointer (waiter->task, result, (GDestroyNotify) operation_result_free);
    }
  g_object_unref (waiter->task);
  g_clear_object (&waiter->local);
  if (waiter->session_token != NULL)
    memset (waiter->session_token, 0, strlen (waiter->session_token));
  g_free (waiter->session_token);
  g_free (waiter);
}

static Waiter *
find_waiter (RbSyncEngine *self, gint64 entry_id)
{
  for (GList *l = self->waiters; l != NULL; l = l->next)
    if (((Waiter *) l->data)->entry_id == entry_id)
      return l->data;
  return NULL;
}

static Waiter *
find_waiter_for_booking (RbSyncEngine *self, const char *booking_id)
{
  for (GList *l = self->waiters; l != NULL; l = l->next)
    if (g_strcmp0 (rb_booking_get_id (((Waiter *) l->data)->local), booking_id) == 0)
      return l->data;
  return NULL;
}

static void
release_waiters (RbSyncEngine *self)
{
  while (self->waiters != NULL)
    waiter_finish (self->waiters->data, RB_SYNC_OUTCOME_PENDING, NULL, NULL);
}

static gboolean
on_waiter_timeout_cb (gpointer user_data)
{
  Waiter *waiter = user_data;

  /* The push goes on; its result reaches the UI through "changed". */
  waiter->timeout_id = 0;
  waiter_finish (waiter, RB_SYNC_OUTCOME_PENDING, NULL, NULL);
  return G_SOURCE_REMOVE;
}

/* ---- the round -------------------------------------------------------------------------- */

static gboolean
on_timer_cb (gpointer user_data)
{
  RbSyncEngine *self = user_data;

  self->timer_id = 0;
  if (!self->running)
    start_round (self);
  return G_SOURCE_REMOVE;
}

static void
request_round (RbSyncEngine *self, GTask *task)
{
  if (self->stopped)
    {
      if (task != NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                   "The sync engine was stopped");
          g_object_unref (task);
        }
      return;
    }
  if (task != NULL)
    g_ptr_array_add (self->next_tasks, task);
  if (self->running)
    self->rerun = TRUE;
  else
    start_round (self);
}

static void
finish_round (RbSyncEngine *self, GError *error)
{
  g_autoptr (GPtrArray) tasks = g_steal_pointer (&self->round_tasks);
  gboolean cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  gboolean transient = rb_api_client_error_is_transient (error);
  gboolean session_ended;

  self->running = FALSE;
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_error (&self->step_error);
  g_clear_object (&self->step_booking);
  g_clear_pointer (&self->resync_bookings, g_ptr_array_unref);
  g_clear_handle_id (&self->timer_id, g_source_remove);

  if (error != NULL)
    g_debug ("Sync round ended: %s", error->message);
  /* The server no longer knows the session (it expired, or was ended elsewhere). */
  session_ended = g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED)
                  && rb_api_client_get_token (self->client) != NULL;
  if (!cancelled)
    set_online (self, error == NULL || !transient);
  if (transient)
    {
      self->failures++;
      self->retry_delay_ms = rb_sync_backoff_delay_ms (self->failures, g_rand_double (self->rand));
      if (!self->stopped)
        self->timer_id = g_timeout_add (self->retry_delay_ms, on_timer_cb, self);
    }
  else if (!cancelled)
    {
      self->failures = 0;
      self->retry_delay_ms = 0;
      /* With the push working, polling is only the safety net. */
      if (!self->stopped && self->poll_seconds > 0)
        self->timer_id = g_timeout_add_seconds (
            rb_change_listener_get_connected (self->listener)
                ? MAX (self->poll_seconds, RB_SYNC_SAFETY_POLL_SECONDS)
                : self->poll_seconds,
            on_timer_cb, self);
      if (!self->stopped && error == NULL && can_reach_server (self))
        rb_change_listener_start (self->listener);
    }

  /* Whoever still waits for the server will not hear from it in this round. */
  if (error != NULL)
    release_waiters (self);
  if (error == NULL && g_hash_table_size (self->stale_topics) > 0)
    {
      /* A handler may mark a topic stale again: into a new set, heard after the next round. */
      GHashTable *announced = g_steal_pointer (&self->stale_topics);
      g_autofree const char **topics
          = (const char **) g_hash_table_get_keys_as_array (announced, NULL);

      self->stale_topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      for (guint i = 0; topics[i] != NULL; i++)
        g_signal_emit (self, signals[TOPIC_CHANGED], 0, topics[i]);
      g_hash_table_unref (announced);
    }
  for (guint i = 0; i < tasks->len; i++)
    {
      GTask *task = g_ptr_array_index (tasks, i);
      if (error != NULL)
        g_task_return_error (task, g_error_copy (error));
      else
        g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }
  if (self->changed)
    {
      self->changed = FALSE;
      g_signal_emit (self, signals[CHANGED], 0);
    }
  if (session_ended)
    {
      /* The token is worth nothing now: no more rounds or listening with it. */
      rb_api_client_set_token (self->client, NULL);
      g_clear_object (&self->person);
      if (!can_reach_server (self))
        rb_change_listener_stop (self->listener);
      g_signal_emit (self, signals[SESSION_ENDED], 0);
    }
  g_clear_error (&error);

  if (!self->stopped && (self->rerun || self->next_tasks->len > 0))
    start_round (self);
  g_object_unref (self);
}

/* -- pull: the change feed -- */

static void
on_blocks_replaced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  int changed = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, &error)) - 1;

  if (changed > 0)
    self->changed = TRUE;
  finish_round (self, error);
}

static void
on_blocks_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_space_block_free);
  JsonNode *items = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                        ? json_object_get_member (json_node_get_object (root), "items")
                        : NULL;
  MirrorArgs *args;

  /* A server from before blocks could be listed: the mirror keeps what it has. */
  if (g_error_matches (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_HTTP)
      || g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      finish_round (self, NULL);
      return;
    }
  if (error != NULL)
    {
      finish_round (self, error);
      return;
    }
  for (guint i = 0; items != NULL && JSON_NODE_HOLDS_ARRAY (items)
                    && i < json_array_get_length (json_node_get_array (items));
       i++)
    {
      RbSpaceBlock *block
          = rb_space_block_from_json (json_array_get_element (json_node_get_array (items), i),
                                      NULL);

      if (block == NULL)
        break;
      g_ptr_array_add (blocks, block);
    }
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items)
      || blocks->len != json_array_get_length (json_node_get_array (items)))
    {
      finish_round (self, g_error_new (RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                                       "The server's list of blocks is malformed"));
      return;
    }
  args = g_new0 (MirrorArgs, 1);
  args->bookings = g_steal_pointer (&blocks);
  args->range = self->blocks_range;
  run_mirror (self, replace_blocks_job, args, NULL, self->cancellable, on_blocks_replaced_cb, self);
}

/* After the feed, the blocks from yesterday on: few, and the feed does not carry them. */
static void
fetch_blocks (RbSyncEngine *self)
{
  g_autofree char *from = NULL;
  g_autofree char *path = NULL;
  gint64 now = rb_store_now (self->store);

  self->blocks_range = rb_interval_make (now - 86400, G_MAXINT64 / 2);
  from = rb_time_to_rfc3339 (self->blocks_range.start);
  path = g_strdup_printf ("/api/v1/blocks?from=%s", from);
  rb_api_client_request_async (self->client, "GET", path, NULL, NULL, self->cancellable,
                               on_blocks_cb, self);
}

static void
on_forgotten_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSyncEngine) self = user_data;
  g_autoptr (GError) error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    g_warning ("Could not forget a refused booking: %s", error->message);
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
on_applied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  FeedApplied *applied = rb_store_run_finish (RB_STORE (source), result, &error);
  gboolean more = self->entry_index > 0;

  if (applied == NULL)
    {
      finish_round (self, error);
      return;
    }
  if (applied->changed > 0)
    self->changed = TRUE;
  for (guint i = 0; i < applied->notices->len; i++)
    {
      RbBooking *notice = g_ptr_array_index (applied->notices, i);
      Waiter *waiter = find_waiter_for_booking (self, rb_booking_get_id (notice));

      /* Someone still waits on screen for this booking, which the server's feed just
       * refused (another client took the slot first): they hear it now, as the answer. */
      if (waiter != NULL && rb_booking_get_sync_state (notice) == RB_SYNC_STATE_REJECTED)
        {
          g_autoptr (GError) refusal = g_error_new_literal (RB_ERROR, RB_ERROR_OVERLAP,
                                                            rb_booking_get_sync_error (notice));
          MirrorArgs *args = g_new0 (MirrorArgs, 1);

          /* As for a refusal in time: nothing stays behind of it. */
          args->entry_id = waiter->entry_id;
          args->booking_id = g_strdup (rb_booking_get_id (notice));
          args->flag = TRUE;
          run_mirror (self, reject_job, args, NULL, NULL, on_forgotten_cb, g_object_ref (self));
          waiter_finish (waiter, RB_SYNC_OUTCOME_CONFIRMED, NULL, refusal);
          continue;
        }
      g_signal_emit (self, signals[NOTICE], 0, notice);
    }
  feed_applied_free (applied);
  /* entry_index counts the changes of the page here: a full page means there may be more. */
  self->entry_index = 0;
  if (more)
    fetch_changes (self);
  else
    fetch_blocks (self);
}

/* A topic change may have gone by unseen (a feed that started over, a client that stopped
 * before it read the topic again): every topic is read again after the next round. */
static void
add_known_topics (RbSyncEngine *self)
{
  static const char *const known[] = { "building", "policy" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    g_hash_table_add (self->stale_topics, g_strdup (known[i]));
}

/* The cursor is older than the server keeps (or newer than it knows: a restored server).
 * Start over from 0, which the server always serves: the whole feed, page by page, then
 * whatever this client mirrors but the server no longer has goes. */
static void
full_resync (RbSyncEngine *self)
{
  g_debug ("Change feed cursor %" G_GINT64_FORMAT " expired: full resync", self->cursor);
  self->resynced = TRUE;
  self->resyncs++;
  self->cursor = 0;
  self->resync_bookings = g_ptr_array_new_with_free_func (g_object_unref);
  add_known_topics (self);
  fetch_changes (self);
}

static void
on_changes_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) deleted_ids = g_ptr_array_new_with_free_func (g_free);
  JsonObject *o;
  JsonNode *changes;
  JsonArray *array;
  gint64 next = self->cursor;
  gboolean more;
  MirrorArgs *args;
  gint64 last_seq = 0;

  if (g_error_matches (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_GONE) && !self->resynced)
    {
      g_clear_error (&error);
      full_resync (self);
      return;
    }
  if (error != NULL)
    {
      finish_round (self, error);
      return;
    }
  o = root ? json_node_get_object (root) : NULL;
  changes = o ? json_object_get_member (o, "changes") : NULL;
  if (changes == NULL || !JSON_NODE_HOLDS_ARRAY (changes)
      || !rb_json_get_int (o, "next", FALSE, 0, G_MAXINT64, &next, NULL))
    {
      finish_round (self, g_error_new (RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                                       "The change feed's answer is malformed"));
      return;
    }
  array = json_node_get_array (changes);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *change = json_array_get_element (array, i);
      JsonObject *change_object = JSON_NODE_HOLDS_OBJECT (change) ? json_node_get_object (change)
                                                                  : NULL;
      JsonNode *booking_node = change_object ? json_object_get_member (change_object, "booking")
                                             : NULL;
      const char *topic = change_object && booking_node == NULL
                              ? rb_json_get_string (change_object, "topic", TRUE, NULL)
                              : NULL;
      const char *deleted_id = change_object && booking_node == NULL
                                   ? rb_json_get_string (change_object, "deleted", TRUE, NULL)
                                   : NULL;
      RbBooking *booking = booking_node ? rb_json_to_booking (booking_node, &error) : NULL;

      if (change_object != NULL)
        rb_json_get_int (change_object, "seq", FALSE, 0, G_MAXINT64, &last_seq, NULL);
      if (topic != NULL)
        {
          g_hash_table_add (self->stale_topics, g_strdup (topic));
          continue;
        }
      /* In a full resync the listing is the whole truth and what it lacks goes anyway. */
      if (deleted_id != NULL)
        {
          g_ptr_array_add (deleted_ids, g_strdup (deleted_id));
          continue;
        }
      if (booking == NULL)
        {
          g_clear_error (&error);
          finish_round (self, g_error_new (RB_API_CLIENT_ERROR,
                                           RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                                           "A change in the feed is malformed"));
          return;
        }
      g_ptr_array_add (bookings, booking);
    }
  if (!json_object_has_member (o, "next") && last_seq > 0)
    next = last_seq + 1;

  /* A full page and a cursor that moved: ask again. */
  more = json_array_get_length (array) >= RB_SYNC_FEED_PAGE && next > self->cursor;
  self->cursor = next;
  if (self->resync_bookings != NULL)
    {
      g_ptr_array_extend_and_steal (self->resync_bookings, g_steal_pointer (&bookings));
      if (more)
        {
          fetch_changes (self);
          return;
        }
    }
  self->entry_index = more;
  args = g_new0 (MirrorArgs, 1);
  args->cursor = next;
  if (self->resync_bookings != NULL)
    {
      args->flag = TRUE;
      args->bookings = g_steal_pointer (&self->resync_bookings);
      args->range = rb_interval_make (G_MININT64 / 2, G_MAXINT64 / 2);
    }
  else
    {
      args->bookings = g_steal_pointer (&bookings);
      args->deleted_ids = g_steal_pointer (&deleted_ids);
    }
  run_mirror (self, apply_job, args, (GDestroyNotify) feed_applied_free, self->cancellable,
              on_applied_cb, self);
}

static void
fetch_changes (RbSyncEngine *self)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=%d",
                                           self->cursor, RB_SYNC_FEED_PAGE);

  rb_api_client_request_async (self->client, "GET", path, NULL, NULL, self->cancellable,
                               on_changes_cb, self);
}

static void
on_cursor_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  g_autofree gint64 *cursor = rb_store_run_finish (RB_STORE (source), result, &error);

  if (cursor == NULL)
    {
      finish_round (self, error);
      return;
    }
  if (*cursor < 0)
    {
      finish_round (self, NULL);
      return;
    }
  self->cursor = *cursor;
  self->entry_index = 0;
  fetch_changes (self);
}

static void
pull (RbSyncEngine *self)
{
  run_mirror (self, get_cursor_job, g_new0 (MirrorArgs, 1), g_free, self->cancellable,
              on_cursor_cb, self);
}

/* -- push: the outbox -- */

static RbOutboxEntry *
current_entry (RbSyncEngine *self)
{
  return g_ptr_array_index (self->entries, self->entry_index);
}

static void
on_notice_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSyncEngine) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_store_run_finish (RB_STORE (source), result, &error);

  if (booking != NULL)
    g_signal_emit (self, signals[NOTICE], 0, booking);
}

static void
on_entry_settled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;
  RbOutboxEntry *entry = current_entry (self);
  Waiter *waiter = find_waiter (self, entry->id);

  rb_store_run_finish (RB_STORE (source), result, &error);
  if (error != NULL)
    {
      finish_round (self, error);
      return;
    }
  self->changed = TRUE;
  /* A booking refused after its maker stopped waiting: whoever made it must hear why. */
  if (self->step_error != NULL && waiter == NULL && entry->operation == RB_OUTBOX_CREATE)
    {
      MirrorArgs *args = g_new0 (MirrorArgs, 1);

      args->booking_id = g_strdup (entry->booking_id);
      args->error = g_error_copy (self->step_error);
      run_mirror (self, notice_job, args, g_object_unref, self->cancellable, on_notice_cb,
                  g_object_ref (self));
    }
  if (waiter != NULL)
    waiter_finish (waiter, RB_SYNC_OUTCOME_CONFIRMED, self->step_booking, self->step_error);
  g_clear_error (&self->step_error);
  g_clear_object (&self->step_booking);
  self->entry_index++;
  push_next (self);
}

static void
on_attempt_recorded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  g_autoptr (GError) error = NULL;

  rb_store_run_finish (RB_STORE (source), result, &error);
  if (error != NULL)
    g_warning ("Could not record a failed sync attempt: %s", error->message);
  finish_round (self, g_steal_pointer (&self->step_error));
}


/* No answer about the booking itself: the server could not be asked, or asks to come back
 * later (its PIN checks are busy, or the sign-in limits hold the kiosk or the staff number
 * for now, rb-login-guard.h). The entry stays queued; a sealed PIN is judged once it can be. */
static gboolean
is_no_decision (const GError *error)
{
  return rb_api_client_error_is_transient (error)
         || g_error_matches (error, RB_ERROR, RB_ERROR_BUSY)
         || g_error_matches (error, RB_ERROR, RB_ERROR_TOO_MANY_ATTEMPTS)
         || g_error_matches (error, RB_ERROR, RB_ERROR_LOCKED);
}

static void
on_pushed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  RbOutboxEntry *entry = current_entry (self);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  MirrorArgs *args = g_new0 (MirrorArgs, 1);

  args->entry_id = entry->id;
  args->booking_id = g_strdup (entry->booking_id);
  /* Once the server has decided, a waiting caller waits for the local write too. */
  if (!is_no_decision (error) && find_waiter (self, entry->id) != NULL)
    g_clear_handle_id (&find_waiter (self, entry->id)->timeout_id, g_source_remove);
  if (error == NULL && root != NULL && !(self->step_booking = rb_json_to_booking (root, NULL)))
    error = g_error_new (RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                         "The server's booking is malformed");

  if (error == NULL)
    {
      args->booking = self->step_booking ? g_object_ref (self->step_booking) : NULL;
      run_mirror (self, confirm_job, args, NULL, self->cancellable, on_entry_settled_cb, self);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      mirror_args_free (args);
      finish_round (self, error);
    }
  /* A 401 to a session may only mean that it expired: the entry waits for the next one. To
   * a sealed credential it is the server's answer (the PIN was wrong): a decision. */
  else if (is_no_decision (error)
           || (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED) && !self->step_sealed))
    {
      /* No decision: it stays queued, in order, until the next round. */
      guint delay = rb_sync_backoff_delay_ms (self->failures + 1, 1.0);

      self->step_error = error;
      args->error = g_error_copy (error);
      args->next_at = rb_store_now (self->store) + (delay + 999) / 1000;
      run_mirror (self, attempt_failed_job, args, NULL, NULL, on_attempt_recorded_cb, self);
    }
  else
    {
      /* A decision: the server refused. Someone waiting on screen sees the reason at once and
       * nothing stays behind; otherwise the booking shows as rejected with the reason. */
      Waiter *waiter = find_waiter (self, entry->id);

      self->step_error = error;
      args->error = g_error_copy (error);
      args->flag = waiter != NULL && entry->operation == RB_OUTBOX_CREATE;
      run_mirror (self, reject_job, args, NULL, NULL, on_entry_settled_cb, self);
    }
}

static void
push_next (RbSyncEngine *self)
{
  RbOutboxEntry *entry;
  g_autofree char *path = NULL;

  if (self->entry_index >= self->entries->len)
    {
      pull (self);
      return;
    }
  entry = current_entry (self);
  self->step_sealed = FALSE;
  switch (entry->operation)
    {
    case RB_OUTBOX_CREATE:
      if (entry->sealed_credential != NULL)
        {
          Waiter *waiter = find_waiter (self, entry->id);

          /* The person still waits at the kiosk with a session: book with it. Otherwise only
           * the device token and their own sealed credential, never anyone's session. */
          self->step_sealed = waiter == NULL || waiter->session_token == NULL;
          rb_api_client_request_as_async (self->client, "POST", "/api/v1/bookings",
                                          entry->payload, entry->booking_id,
                                          self->step_sealed ? NULL : waiter->session_token,
                                          self->step_sealed ? entry->sealed_credential : NULL,
                                          self->cancellable, on_pushed_cb, self);
          break;
        }
      rb_api_client_request_async (self->client, "POST", "/api/v1/bookings", entry->payload,
                                   entry->booking_id, self->cancellable, on_pushed_cb, self);
      break;
    case RB_OUTBOX_CANCEL:
      path = g_strdup_printf ("/api/v1/bookings/%s", entry->booking_id);
      rb_api_client_request_async (self->client, "DELETE", path, NULL, NULL, self->cancellable,
                                   on_pushed_cb, self);
      break;
    case RB_OUTBOX_CHECK_IN:
      path = g_strdup_printf ("/api/v1/bookings/%s/check-in", entry->booking_id);
      rb_api_client_request_async (self->client, "POST", path, NULL, NULL, self->cancellable,
                                   on_pushed_cb, self);
      break;
    default:
      g_assert_not_reached ();
    }
}

static void
on_outbox_listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbSyncEngine *self = user_data;
  GError *error = NULL;

  self->entries = rb_store_run_finish (RB_STORE (source), result, &error);
  if (self->entries == NULL)
    {
      finish_round (self, error);
      return;
    }
  self->entry_index = 0;
  push_next (self);
}

static void
start_round (RbSyncEngine *self)
{
  MirrorArgs *args;

  g_clear_handle_id (&self->timer_id, g_source_remove);
  g_object_ref (self);
  self->running = TRUE;
  self->rerun = FALSE;
  self->resynced = FALSE;
  self->round_tasks = g_steal_pointer (&self->next_tasks);
  self->next_tasks = g_ptr_array_new ();

  if (!can_reach_server (self))
    {
      GError *error = NULL;
      rb_set_error (&error, RB_ERROR_UNAUTHENTICATED, NULL);
      finish_round (self, error);
      return;
    }
  args = g_new0 (MirrorArgs, 1);
  args->flag = TRUE;
  run_mirror (self, list_outbox_job, args, (GDestroyNotify) g_ptr_array_unref, self->cancellable,
              on_outbox_listed_cb, self);
}

/* The server told of a change of its feed past what this client has: pull it now. */
static void
on_feed_moved_cb (RbChangeListener *listener, gint64 next, RbSyncEngine *self)
{
  if (next > self->cursor || self->running)
    request_round (self, NULL);
}

static void
on_blocks_changed_cb (RbSyncEngine *self)
{
  request_round (self, NULL);
}

/* The push channel broke (the server went, or the network): find out at once, so that the
 * app says it is offline, and back off from there. */
static void
on_listener_connected_cb (RbSyncEngine *self)
{
  if (!rb_change_listener_get_connected (self->listener) && !self->stopped)
    request_round (self, NULL);
}

static void
on_network_changed_cb (RbSyncEngine *self, gboolean available, GNetworkMonitor *monitor)
{
  /* Back on a network: whatever waits in the outbox goes now, not after the backoff. */
  if (available && !self->running && self->failures > 0)
    {
      g_debug ("Network changed: syncing now");
      start_round (self);
    }
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_sync_engine_constructed (GObject *object)
{
  RbSyncEngine *self = RB_SYNC_ENGINE (object);

  G_OBJECT_CLASS (rb_sync_engine_parent_class)->constructed (object);

  g_signal_connect_object (g_network_monitor_get_default (), "network-changed",
                           G_CALLBACK (on_network_changed_cb), self, G_CONNECT_SWAPPED);
  self->listener = rb_change_listener_new (self->client);
  g_signal_connect_object (self->listener, "changed", G_CALLBACK (on_feed_moved_cb), self, 0);
  g_signal_connect_object (self->listener, "blocks-changed", G_CALLBACK (on_blocks_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->listener, "notify::connected",
                           G_CALLBACK (on_listener_connected_cb), self, G_CONNECT_SWAPPED);
  rb_api_client_set_time_zone (self->client, rb_store_get_time_zone (self->store));
}

static void
rb_sync_engine_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbSyncEngine *self = RB_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_sync_engine_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  RbSyncEngine *self = RB_SYNC_ENGINE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_sync_engine_dispose (GObject *object)
{
  RbSyncEngine *self = RB_SYNC_ENGINE (object);

  rb_sync_engine_stop (self);
  g_clear_object (&self->person);
  g_clear_object (&self->listener);

  G_OBJECT_CLASS (rb_sync_engine_parent_class)->dispose (object);
}

static void
rb_sync_engine_finalize (GObject *object)
{
  RbSyncEngine *self = RB_SYNC_ENGINE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->next_tasks, g_ptr_array_unref);
  g_clear_pointer (&self->stale_topics, g_hash_table_unref);
  g_rand_free (self->rand);

  G_OBJECT_CLASS (rb_sync_engine_parent_class)->finalize (object);
}

static void
rb_sync_engine_class_init (RbSyncEngineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = rb_sync_engine_constructed;
  object_class->dispose = rb_sync_engine_dispose;
  object_class->finalize = rb_sync_engine_finalize;
  object_class->get_property = rb_sync_engine_get_property;
  object_class->set_property = rb_sync_engine_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, RB_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CLIENT] =
      g_param_spec_object ("client", NULL, NULL, RB_TYPE_API_CLIENT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
      g_param_spec_boolean ("online", NULL, NULL, TRUE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted on the engine's main context when local bookings or outbox entries changed:
   * a booking was queued, confirmed or rejected, or the feed brought changes. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* A booking of this client that someone should hear of (RbClientService::notice): one
   * queued here and refused later by the server, or one the server cancelled with a reason. */
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, RB_TYPE_BOOKING);
  /* The server refused the session token: it expired or was ended. */
  signals[SESSION_ENDED] = g_signal_new ("session-ended", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* What the topic names ("building", "policy") changed on the server, or may have while
   * this client was away: read it again. Emitted after a round that reached the server; a
   * reader that fails calls rb_sync_engine_mark_topic_stale to hear of it again. */
  signals[TOPIC_CHANGED] = g_signal_new ("topic-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 1,
                                         G_TYPE_STRING);
}

static void
rb_sync_engine_init (RbSyncEngine *self)
{
  self->cancellable = g_cancellable_new ();
  self->rand = g_rand_new ();
  self->stale_topics = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  add_known_topics (self);
  self->next_tasks = g_ptr_array_new ();
  self->poll_seconds = RB_SYNC_POLL_SECONDS;
  /* Nothing has failed yet: a client is not "offline" before it has tried. */
  self->online = TRUE;
}

/* ---- public API --------------------------------------------------------------------------- */

RbSyncEngine *
rb_sync_engine_new (RbStore *store, RbApiClient *client)
{
  return g_object_new (RB_TYPE_SYNC_ENGINE, "store", store, "client", client, NULL);
}

RbStore *
rb_sync_engine_get_store (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), NULL);
  return self->store;
}

RbApiClient *
rb_sync_engine_get_client (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), NULL);
  return self->client;
}

/* Who logged in, or NULL. */
RbPerson *
rb_sync_engine_get_person (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), NULL);
  return self->person;
}

/* Whether the last round reached the server. */
gboolean
rb_sync_engine_get_online (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), FALSE);
  return self->online;
}

/* Rounds in a row that could not reach the server. */
guint
rb_sync_engine_get_failures (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), 0);
  return self->failures;
}

/* The delay before the next retry that the last failed round chose; 0 after a success. */
guint
rb_sync_engine_get_retry_delay_ms (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), 0);
  return self->retry_delay_ms;
}

/* How many full resyncs a 410 from the feed caused. */
guint
rb_sync_engine_get_resyncs (RbSyncEngine *self)
{
  g_return_val_if_fail (RB_IS_SYNC_ENGINE (self), 0);
  return self->resyncs;
}

/* How often an idle engine pulls the feed; 0 only on request. Applies from the next round. */
void
rb_sync_engine_set_poll_interval (RbSyncEngine *self, guint seconds)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  self->poll_seconds = seconds;
}

/* Cancels what runs and starts nothing new; waiting callers are told "pending" (their
 * operations stay in the outbox for the next start). */
void
rb_sync_engine_stop (RbSyncEngine *self)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));

  self->stopped = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->timer_id, g_source_remove);
  if (self->listener != NULL)
    rb_change_listener_stop (self->listener);
  release_waiters (self);
  while (self->next_tasks != NULL && self->next_tasks->len > 0)
    {
      GTask *task = g_ptr_array_steal_index (self->next_tasks, 0);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               "The sync engine was stopped");
      g_object_unref (task);
    }
}

/* -- login -- */

static void
on_person_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  RbPerson *person = g_task_get_task_data (task);
  GError *error = NULL;

  rb_store_run_finish (RB_STORE (source), result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_set_object (&self->person, person);
  g_task_return_pointer (task, g_object_ref (person), g_object_unref);
  /* Whatever was queued before can go now. */
  request_round (self, NULL);
}

static void
on_logged_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  GError *error = NULL;
  RbPerson *person = rb_api_client_login_finish (RB_API_CLIENT (source), result, &error);
  MirrorArgs *args;

  if (person == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_set_task_data (task, person, g_object_unref);
  args = g_new0 (MirrorArgs, 1);
  args->person = g_object_ref (person);
  run_mirror (self, upsert_person_job, args, NULL, g_task_get_cancellable (task),
              on_person_stored_cb, g_object_ref (task));
}

/* Opens a session on the server; the person is stored locally (not the PIN, not the token)
 * so that their bookings can be listed offline. */
void
rb_sync_engine_login_async (RbSyncEngine *self, const char *staff_number, const char *pin,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_sync_engine_login_async);
  rb_api_client_login_async (self->client, staff_number, pin, cancellable, on_logged_in_cb, task);
}

/* The same with the directory user name and password (issue 14); finish with
 * rb_sync_engine_login_finish. */
void
rb_sync_engine_login_directory_async (RbSyncEngine *self, const char *username,
                                      const char *password, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_sync_engine_login_async);
  rb_api_client_login_directory_async (self->client, username, password, TRUE, cancellable,
                                       on_logged_in_cb, task);
}

RbPerson *
rb_sync_engine_login_finish (RbSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Takes up a session kept from an earlier start: nothing is asked of the server here; the
 * next round shows whether the server still knows the token ("session-ended" if not). */
void
rb_sync_engine_resume (RbSyncEngine *self, RbPerson *person, const char *token)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  g_return_if_fail (RB_IS_PERSON (person) && token != NULL);

  rb_api_client_set_token (self->client, token);
  g_set_object (&self->person, person);
  request_round (self, NULL);
}

static void
on_session_deleted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root G_GNUC_UNUSED = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);

  /* Offline, the session simply runs out on the server. */
  if (error != NULL)
    g_debug ("Ending the session on the server failed: %s", error->message);
}

static void
on_discarded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);
  g_task_return_boolean (task, TRUE);
}

/* Ends the session at once: this client forgets the token and the person, and drops what
 * they queued that the server has not confirmed (no other person's session may send it).
 * The server is told, if it can be reached, without waiting for it. */
void
rb_sync_engine_sign_out_async (RbSyncEngine *self, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *token = g_strdup (rb_api_client_get_token (self->client));

  g_task_set_source_tag (task, rb_sync_engine_sign_out_async);
  rb_api_client_set_token (self->client, NULL);
  g_clear_object (&self->person);
  /* Nobody to listen for, unless a kiosk's device token remains. */
  if (!can_reach_server (self))
    rb_change_listener_stop (self->listener);
  if (token != NULL)
    rb_api_client_request_as_async (self->client, "DELETE", "/api/v1/sessions/current", NULL,
                                    NULL, token, NULL, NULL, on_session_deleted_cb, NULL);
  run_mirror (self, discard_job, g_new0 (MirrorArgs, 1), NULL, cancellable, on_discarded_cb,
              task);
}

gboolean
rb_sync_engine_sign_out_finish (RbSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* -- importing the building -- */

static const char *const building_parts[] = { "sites", "buildings", "floors", "spaces" };

static void fetch_building_part (GTask *task);

static void
on_building_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  GError *error = NULL;
  int outcome = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, &error));

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  rb_api_client_set_time_zone (self->client, rb_store_get_time_zone (self->store));
  g_task_return_int (task, outcome);
  /* Now the feed has somewhere to go. */
  if (outcome == 1)
    request_round (self, NULL);
}

static void
on_building_part_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  JsonObject *building = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  guint done = json_object_get_size (building);
  const char *part = building_parts[done];
  JsonNode *items = root ? json_object_get_member (json_node_get_object (root), "items") : NULL;

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items)
      || (done == 0 && json_array_get_length (json_node_get_array (items)) == 0))
    {
      g_task_return_new_error (task, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                               "The server's %s list is malformed", part);
      return;
    }
  if (done == 0)
    json_object_set_member (building, "site",
                            json_node_copy (json_array_get_element (json_node_get_array (items), 0)));
  else
    json_object_set_member (building, part, json_node_copy (items));

  if (done + 1 < G_N_ELEMENTS (building_parts))
    {
      fetch_building_part (g_steal_pointer (&task));
      return;
    }
  {
    MirrorArgs *args = g_new0 (MirrorArgs, 1);

    args->json = json_node_new (JSON_NODE_OBJECT);
    json_node_set_object (args->json, building);
    GCancellable *cancellable = g_task_get_cancellable (task);

    run_mirror (self, import_job, args, NULL, cancellable, on_building_imported_cb,
                g_steal_pointer (&task));
  }
}

static void
fetch_building_part (GTask *task)
{
  RbSyncEngine *self = g_task_get_source_object (task);
  JsonObject *building = g_task_get_task_data (task);
  g_autofree char *path = g_strdup_printf ("/api/v1/%s",
                                           building_parts[json_object_get_size (building)]);

  rb_api_client_request_async (self->client, "GET", path, NULL, NULL,
                               g_task_get_cancellable (task), on_building_part_cb, task);
}

/* Fetches the site, buildings, floors and spaces and makes the mirror hold them as the server
 * has them: on first start into the empty local store, and again whenever the building
 * changed on the server (the feed's topic "building"). */
void
rb_sync_engine_import_building_async (RbSyncEngine *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_sync_engine_import_building_async);
  g_task_set_task_data (task, json_object_new (), (GDestroyNotify) json_object_unref);
  fetch_building_part (task);
}

gboolean
rb_sync_engine_import_building_finish (RbSyncEngine *self, GAsyncResult *result,
                                       gboolean *out_changed, GError **error)
{
  gssize outcome;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  outcome = g_task_propagate_int (G_TASK (result), error);
  if (out_changed != NULL)
    *out_changed = outcome == 1;
  return outcome > 0;
}

/* -- operations -- */

static void
on_enqueued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbSyncEngine *self = g_task_get_source_object (task);
  GError *error = NULL;
  Enqueued *enqueued = rb_store_run_finish (RB_STORE (source), result, &error);
  Waiter *waiter;

  if (enqueued == NULL)
    {
      /* The same rules as standalone refused it: nothing was queued. */
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  g_signal_emit (self, signals[CHANGED], 0);

  waiter = g_new0 (Waiter, 1);
  waiter->engine = self;
  waiter->task = task;
  waiter->entry_id = enqueued->entry_id;
  waiter->local = g_steal_pointer (&enqueued->booking);
  enqueued_free (enqueued);
  self->waiters = g_list_prepend (self->waiters, waiter);
  waiter->session_token = g_strdup (g_task_get_task_data (task));
  if (self->stopped || !can_reach_server (self))
    {
      waiter_finish (waiter, RB_SYNC_OUTCOME_PENDING, NULL, NULL);
      return;
    }
  waiter->timeout_id = g_timeout_add (RB_SYNC_ONLINE_WAIT_MS, on_waiter_timeout_cb, waiter);
  request_round (self, NULL);
}

static void
enqueue (RbSyncEngine *self, MirrorArgs *args, gpointer source_tag, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  run_mirror (self, enqueue_job, args, (GDestroyNotify) enqueued_free, self->cancellable,
              on_enqueued_cb, task);
}

/* Books through the outbox: checked by the local rules, queued, and pushed at once. The
 * outcome is CONFIRMED when the server took it within RB_SYNC_ONLINE_WAIT_MS, PENDING when
 * it did not answer in time or cannot be reached; a refusal in time is the error. */
void
rb_sync_engine_book_async (RbSyncEngine *self, RbBooking *request, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  MirrorArgs *args = g_new0 (MirrorArgs, 1);

  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  args->operation = RB_OUTBOX_CREATE;
  args->booking = g_object_ref (request);
  enqueue (self, args, rb_sync_engine_book_async, cancellable, callback, user_data);
}

/* A kiosk's booking (rb_mirror_enqueue_sealed_create_sync): queued with the person's sealed
 * credential and booked locally under a stand-in. While the caller waits (up to
 * RB_SYNC_ONLINE_WAIT_MS) it is sent with session_token if there is one, the session the
 * person opened at the kiosk; any later try goes with the device token and the credential
 * only. Finishes like rb_sync_engine_book_async; a wrong PIN found later rejects the entry
 * with RB_ERROR_UNAUTHENTICATED as its reason. */
void
rb_sync_engine_book_sealed_async (RbSyncEngine *self, RbBooking *request,
                                  GBytes *sealed_credential, const char *session_token,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  MirrorArgs *args = g_new0 (MirrorArgs, 1);
  GTask *task;

  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  g_return_if_fail (sealed_credential != NULL);
  args->operation = RB_OUTBOX_CREATE;
  args->booking = g_object_ref (request);
  args->sealed = g_bytes_ref (sealed_credential);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_sync_engine_book_async);
  g_task_set_task_data (task, g_strdup (session_token), g_free);
  run_mirror (self, enqueue_job, args, (GDestroyNotify) enqueued_free, self->cancellable,
              on_enqueued_cb, task);
}

static void
transition (RbSyncEngine *self, RbOutboxOperation operation, const char *booking_id,
            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  MirrorArgs *args = g_new0 (MirrorArgs, 1);

  args->operation = operation;
  args->booking_id = g_strdup (booking_id);
  args->actor_id = g_strdup (self->person ? rb_person_get_id (self->person) : NULL);
  enqueue (self, args, rb_sync_engine_book_async, cancellable, callback, user_data);
}

void
rb_sync_engine_cancel_async (RbSyncEngine *self, const char *booking_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  transition (self, RB_OUTBOX_CANCEL, booking_id, cancellable, callback, user_data);
}

void
rb_sync_engine_check_in_async (RbSyncEngine *self, const char *booking_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  transition (self, RB_OUTBOX_CHECK_IN, booking_id, cancellable, callback, user_data);
}

/* Finishes book, cancel and check-in: the booking as the server (CONFIRMED) or this client
 * (PENDING) has it now. */
RbBooking *
rb_sync_engine_operation_finish (RbSyncEngine *self, GAsyncResult *result,
                                 RbSyncOutcome *out_outcome, GError **error)
{
  OperationResult *op;
  RbBooking *booking;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  op = g_task_propagate_pointer (G_TASK (result), error);
  if (op == NULL)
    return NULL;
  if (out_outcome != NULL)
    *out_outcome = op->outcome;
  booking = g_steal_pointer (&op->booking);
  operation_result_free (op);
  return booking;
}

/* -- sync on request -- */

/* A reader of a topic could not read it (the server went away mid-way): announce it again
 * after the next round that reaches the server. */
void
rb_sync_engine_mark_topic_stale (RbSyncEngine *self, const char *topic)
{
  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  g_hash_table_add (self->stale_topics, g_strdup (topic));
}

/* Runs a round (push, then pull) now, or right after the one that is running. */
void
rb_sync_engine_sync_async (RbSyncEngine *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_return_if_fail (RB_IS_SYNC_ENGINE (self));
  g_task_set_source_tag (task, rb_sync_engine_sync_async);
  request_round (self, task);
}

gboolean
rb_sync_engine_sync_finish (RbSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_outbox_for_caller_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *entries = rb_store_run_finish (RB_STORE (source), result, &error);

  if (entries == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, entries, (GDestroyNotify) g_ptr_array_unref);
}

/* The outbox entries not yet done: pending ones and rejected ones with their reason. */
void
rb_sync_engine_list_outbox_async (RbSyncEngine *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_sync_engine_list_outbox_async);
  run_mirror (self, list_outbox_job, g_new0 (MirrorArgs, 1), (GDestroyNotify) g_ptr_array_unref,
              cancellable, on_outbox_for_caller_cb, task);
}

GPtrArray *
rb_sync_engine_list_outbox_finish (RbSyncEngine *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
