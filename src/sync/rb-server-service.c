/* rb-server-service.c: the client service (rb-client-service.h) of an app that a
 * raumbuch-server serves.
 *
 * What the app reads comes from the local mirror, through a local service on the mirror's
 * store (the same reads as standalone, so the same answers, online or not). What it changes
 * goes one of two ways:
 *   - bookings, cancellations and check-ins go through the sync engine's outbox: checked by
 *     the local rules, queued, sent at once; confirmed when the server answers within
 *     RB_SYNC_ONLINE_WAIT_MS, otherwise shown as pending until it does;
 *   - what only the server can decide — changing a booking, series, reports, blocks — is
 *     asked of the server directly and needs the connection (RB_ERROR-free G_IO_ERROR
 *     otherwise); the change then reaches the mirror through the feed like any other.
 *
 * A kiosk's person is identified per flow (RbIdentity): online with a short session the
 * server opens, offline with their staff number and PIN sealed to the server's key, so that
 * only the server can check them when the booking arrives. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-credential.h"
#include "rb-floor-plans.h"
#include "rb-local-service.h"
#include "rb-policy-store.h"
#include "rb-server-service.h"

struct _RbServerService
{
  RbClientService parent_instance;

  RbSyncEngine *engine;
  RbApiClient *client;
  RbStore *store;
  /* reads of the mirror: the same jobs as a standalone app's */
  RbClientService *mirror;
  GCancellable *cancellable;
  char *public_key;
  gboolean importing;
};

G_DEFINE_FINAL_TYPE (RbServerService, rb_server_service, RB_TYPE_CLIENT_SERVICE)

static void import_building (RbServerService *self);
static void refresh_policy (RbServerService *self);

/* ---- helpers ------------------------------------------------------------------------------ */

static void
return_not_connected (GTask *task)
{
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                           _("This needs the connection to the booking server. Please try "
                             "again when it is back."));
}

/* What only the server can do failed: when it could not be reached, say so in words. */
static void
return_failure (GTask *task, GError *error)
{
  if (rb_api_client_error_is_transient (error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_error_free (error);
      return_not_connected (task);
      return;
    }
  g_task_return_error (task, error);
}

static void
on_list_forwarded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *list = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

static GTask *
new_task (RbServerService *self, gpointer source_tag, GCancellable *cancellable,
          GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  return task;
}

/* After a change the server made, the mirror catches up at once. */
static void
sync_soon (RbServerService *self)
{
  rb_sync_engine_sync_async (self->engine, NULL, NULL, NULL);
}

/* ---- the site and the building: the mirror's ---------------------------------------------- */

static GTimeZone *
get_time_zone (RbClientService *service)
{
  return rb_client_service_get_time_zone (RB_SERVER_SERVICE (service)->mirror);
}

static void
get_policy (RbClientService *service, RbPolicy *out_policy)
{
  rb_client_service_get_policy (RB_SERVER_SERVICE (service)->mirror, out_policy);
}

static gint64
now (RbClientService *service)
{
  return rb_client_service_now (RB_SERVER_SERVICE (service)->mirror);
}

static void
list_floors_async (RbClientService *service, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_client_service_list_floors_async (
      self->mirror, cancellable, on_list_forwarded_cb,
      new_task (self, list_floors_async, cancellable, callback, user_data));
}

/* ---- plan drawings: the server's, with a copy in the mirror -------------------------------- */

/* A floor's drawing is asked of the server each time (with the ETag of the mirror's copy, so
 * an unchanged one costs a 304), and kept in the mirror, so a kiosk shows it offline. */
typedef struct
{
  char *floor_id;
  RbPlanDrawing *cached;
  RbPlanDrawing *fresh;
  gboolean forget;
} PlanFetch;

static void
plan_fetch_free (PlanFetch *fetch)
{
  g_free (fetch->floor_id);
  g_clear_pointer (&fetch->cached, rb_plan_drawing_free);
  g_clear_pointer (&fetch->fresh, rb_plan_drawing_free);
  g_free (fetch);
}

static char *
plan_path (const char *floor_id)
{
  g_autofree char *escaped = g_uri_escape_string (floor_id, NULL, FALSE);

  return g_strdup_printf ("/api/v1/floors/%s/plan", escaped);
}

static gpointer
read_cached_plan_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PlanFetch *fetch = data;
  g_autoptr (GError) local_error = NULL;

  fetch->cached = rb_floor_plans_get_sync (store, fetch->floor_id, &local_error);
  if (fetch->cached == NULL && !g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return GINT_TO_POINTER (1);
}

static gpointer
cache_plan_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PlanFetch *fetch = data;

  return rb_floor_plans_cache_sync (store, fetch->floor_id, fetch->forget ? NULL : fetch->fresh,
                                    error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

static void
return_drawing (GTask *task, RbPlanDrawing *drawing)
{
  if (drawing != NULL)
    g_task_return_pointer (task,
                           rb_plan_drawing_new (drawing->content_type, drawing->data,
                                                drawing->updated_at),
                           (GDestroyNotify) rb_plan_drawing_free);
  else
    g_task_return_new_error (task, RB_ERROR, RB_ERROR_NOT_FOUND, "%s",
                             rb_error_code_message (RB_ERROR_NOT_FOUND));
}

static void
on_plan_cached_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PlanFetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;

  /* The drawing is shown even if the copy could not be kept. */
  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Keeping a floor's plan drawing failed: %s", error->message);
  return_drawing (task, fetch->forget ? NULL : fetch->fresh);
}

static void
on_plan_fetched_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  PlanFetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autofree char *etag = NULL;
  guint status = 0;
  g_autoptr (GBytes) body = rb_api_client_request_bytes_finish (
      RB_API_CLIENT (source), result, &status, &content_type, &etag, &error);
  gint64 updated_at = 0;

  if (body == NULL)
    {
      if (g_error_matches (error, RB_ERROR, RB_ERROR_NOT_FOUND))
        fetch->forget = TRUE;
      else
        {
          /* Offline or refused: the mirror's copy, if there is one. */
          if (fetch->cached == NULL || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_task_return_error (task, g_steal_pointer (&error));
          else
            return_drawing (task, fetch->cached);
          return;
        }
    }
  else if (status == SOUP_STATUS_NOT_MODIFIED && fetch->cached != NULL)
    {
      return_drawing (task, fetch->cached);
      return;
    }
  else
    {
      if (etag != NULL)
        {
          g_autofree char *number = g_strndup (etag + 1, MAX (strlen (etag), 2) - 2);
          g_ascii_string_to_signed (number, 10, 0, G_MAXINT64, &updated_at, NULL);
        }
      if (!rb_plan_drawing_check (content_type, body, &error))
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
      fetch->fresh = rb_plan_drawing_new (content_type, body, updated_at);
    }
  if (fetch->forget && fetch->cached == NULL)
    {
      return_drawing (task, NULL);
      return;
    }
  rb_store_run_async (self->store, cache_plan_job, fetch, NULL, NULL, NULL, on_plan_cached_cb,
                      g_steal_pointer (&task));
}

static void
on_cached_plan_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  PlanFetch *fetch = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *etag = NULL;
  GCancellable *cancellable;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  path = plan_path (fetch->floor_id);
  if (fetch->cached != NULL)
    etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", fetch->cached->updated_at);
  cancellable = g_task_get_cancellable (task);
  rb_api_client_request_bytes_async (self->client, "GET", path, NULL, NULL, etag, cancellable,
                                     on_plan_fetched_cb, g_steal_pointer (&task));
}

static void
get_floor_plan_async (RbClientService *service, const char *floor_id,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, get_floor_plan_async, cancellable, callback, user_data);
  PlanFetch *fetch = g_new0 (PlanFetch, 1);

  fetch->floor_id = g_strdup (floor_id);
  g_task_set_task_data (task, fetch, (GDestroyNotify) plan_fetch_free);
  rb_store_run_async (self->store, read_cached_plan_job, fetch, NULL, NULL, cancellable,
                      on_cached_plan_read_cb, task);
}

static void
on_plan_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = rb_api_client_request_bytes_finish (RB_API_CLIENT (source), result,
                                                                NULL, NULL, NULL, &error);

  if (body == NULL)
    {
      return_failure (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
  /* The next read fetches the new drawing; the feed's building topic tells the others. */
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
  sync_soon (self);
}

static void
set_floor_plan_async (RbClientService *service, const char *floor_id, const char *content_type,
                      GBytes *data, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, set_floor_plan_async, cancellable, callback, user_data);
  g_autofree char *path = plan_path (floor_id);

  rb_api_client_request_bytes_async (self->client, data != NULL ? "PUT" : "DELETE", path,
                                     content_type, data, NULL, cancellable, on_plan_set_cb, task);
}

static void
list_spaces_async (RbClientService *service, const char *floor_id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_client_service_list_spaces_async (
      self->mirror, floor_id, cancellable, on_list_forwarded_cb,
      new_task (self, list_spaces_async, cancellable, callback, user_data));
}

static void
list_blocks_async (RbClientService *service, const char *floor_id, RbInterval range,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_client_service_list_blocks_async (
      self->mirror, floor_id, range, cancellable, on_list_forwarded_cb,
      new_task (self, list_blocks_async, cancellable, callback, user_data));
}

static void
list_bookings_async (RbClientService *service, const char *floor_id, const char *space_id,
                     RbInterval range, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_client_service_list_bookings_async (
      self->mirror, floor_id, space_id, range, cancellable, on_list_forwarded_cb,
      new_task (self, list_bookings_async, cancellable, callback, user_data));
}

/* ---- my bookings ------------------------------------------------------------------------ */

typedef struct
{
  char *person_id;
  RbInterval range;
  GPtrArray *bookings;
} MyBookings;

static void
my_bookings_free (MyBookings *mine)
{
  g_free (mine->person_id);
  g_clear_pointer (&mine->bookings, g_ptr_array_unref);
  g_free (mine);
}

/* The person's bookings in the mirror, each with where it stands with the server: a create
 * still in the outbox is pending, or rejected with the server's reason. */
static gpointer
my_bookings_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MyBookings *mine = data;
  RbBookingQuery query = { NULL, NULL, mine->person_id, mine->range, FALSE };
  g_autoptr (GPtrArray) bookings = rb_store_list_bookings_sync (store, &query, error);
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GHashTable) by_id = NULL;

  if (bookings == NULL || !(entries = rb_mirror_list_outbox_sync (store, FALSE, error)))
    return NULL;
  by_id = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < bookings->len; i++)
    g_hash_table_insert (by_id, (gpointer) rb_booking_get_id (g_ptr_array_index (bookings, i)),
                         g_ptr_array_index (bookings, i));
  for (guint i = 0; i < entries->len; i++)
    {
      RbOutboxEntry *entry = g_ptr_array_index (entries, i);
      RbBooking *booking = g_hash_table_lookup (by_id, entry->booking_id);

      /* A queued cancel or check-in shows in the booking's own state already. */
      if (booking == NULL || entry->operation != RB_OUTBOX_CREATE)
        continue;
      rb_booking_set_sync_state (booking, entry->state == RB_OUTBOX_REJECTED
                                              ? RB_SYNC_STATE_REJECTED
                                              : RB_SYNC_STATE_PENDING);
      rb_booking_set_sync_error (booking, entry->last_error);
    }
  return g_steal_pointer (&bookings);
}

static void
on_store_list_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  GPtrArray *list = rb_store_run_finish (RB_STORE (source), result, &error);

  if (list == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, list, (GDestroyNotify) g_ptr_array_unref);
}

/* The server's bookings carry space ids only; the mirror knows the names. */
static gpointer
name_spaces_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  MyBookings *mine = data;

  for (guint i = 0; i < mine->bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (mine->bookings, i);
      g_autoptr (RbSpace) space = rb_store_get_space_sync (store, rb_booking_get_space_id (booking),
                                                           NULL);

      rb_booking_set_space_kind (booking, space ? rb_space_get_kind (space) : RB_SPACE_KIND_DESK);
      rb_booking_set_space_name (booking, space ? rb_space_get_name (space)
                                                : rb_booking_get_space_id (booking));
    }
  return g_steal_pointer (&mine->bookings);
}

static void
on_my_bookings_from_server_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  MyBookings *mine = g_new0 (MyBookings, 1);

  mine->bookings = rb_api_client_list_bookings_finish (RB_API_CLIENT (source), result, &error);
  if (error != NULL)
    {
      my_bookings_free (mine);
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  rb_store_run_async (self->store, name_spaces_job, mine, (GDestroyNotify) my_bookings_free,
                      (GDestroyNotify) g_ptr_array_unref, g_task_get_cancellable (task),
                      on_store_list_cb, task);
}

static void
list_my_bookings_async (RbClientService *service, RbIdentity *who, RbInterval range,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, list_my_bookings_async, cancellable, callback, user_data);
  RbPerson *person = rb_client_service_get_person (service);
  MyBookings *mine;

  /* A kiosk holds nobody's bookings: they come from the server, in that person's session. */
  if (who != NULL)
    {
      g_autofree char *from = rb_time_to_rfc3339 (range.start);
      g_autofree char *to = rb_time_to_rfc3339 (range.end);
      g_autofree char *path = NULL;

      if (rb_identity_get_session_token (who) == NULL)
        {
          return_not_connected (task);
          g_object_unref (task);
          return;
        }
      /* Every page of them: a person may hold more than one page's worth. */
      path = g_strdup_printf ("/api/v1/bookings?mine=true&from=%s&to=%s", from, to);
      rb_api_client_list_bookings_async (self->client, path, rb_identity_get_session_token (who),
                                         cancellable, on_my_bookings_from_server_cb, task);
      return;
    }
  if (person == NULL)
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_UNAUTHENTICATED, "%s",
                               rb_error_code_message (RB_ERROR_UNAUTHENTICATED));
      g_object_unref (task);
      return;
    }
  mine = g_new0 (MyBookings, 1);
  mine->person_id = g_strdup (rb_person_get_id (person));
  mine->range = range;
  rb_store_run_async (self->store, my_bookings_job, mine, (GDestroyNotify) my_bookings_free,
                      (GDestroyNotify) g_ptr_array_unref, cancellable, on_store_list_cb, task);
}

/* ---- booking through the outbox --------------------------------------------------------- */

static gpointer count_pending_job (RbStore *store, gpointer data, GCancellable *cancellable,
                                   GError **error);

static void
on_operation_counted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  RbBooking *booking = g_task_get_task_data (task);
  guint count = GPOINTER_TO_UINT (rb_store_run_finish (RB_STORE (source), result, NULL));

  if (count > 0)
    rb_client_service_set_pending (RB_CLIENT_SERVICE (self), count - 1);
  g_task_return_pointer (task, g_object_ref (booking), g_object_unref);
}

/* The caller learns the outcome with the count of what waits already right: a booking the
 * server confirmed is not "waiting" any more when its toast appears. */
static void
on_operation_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  RbSyncOutcome outcome = RB_SYNC_OUTCOME_CONFIRMED;
  RbBooking *booking = rb_sync_engine_operation_finish (RB_SYNC_ENGINE (source), result, &outcome,
                                                        &error);

  if (booking == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (outcome == RB_SYNC_OUTCOME_PENDING)
    rb_booking_set_sync_state (booking, RB_SYNC_STATE_PENDING);
  g_task_set_task_data (task, booking, g_object_unref);
  rb_store_run_async (self->store, count_pending_job, NULL, NULL, NULL, NULL,
                      on_operation_counted_cb, task);
}

static gboolean
allows_anonymous (RbServerService *self)
{
  RbPolicy policy;

  rb_client_service_get_policy (RB_CLIENT_SERVICE (self), &policy);
  return policy.panel_anonymous_booking;
}

static void
create_booking_async (RbClientService *service, RbIdentity *who, RbBooking *request,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, create_booking_async, cancellable, callback, user_data);
  RbPerson *person = rb_client_service_get_person (service);
  g_autoptr (RbBooking) copy = NULL;
  g_autoptr (GBytes) bound = NULL;

  if (who != NULL)
    {
      /* The local booking gets a stand-in person; the server books for whoever the session
       * or the sealed credential says. */
      if (rb_identity_get_sealed_credential (who) == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED, "%s",
                                   _("This kiosk is not registered to book with the booking "
                                     "server. Please ask the service desk."));
          g_object_unref (task);
          return;
        }
      copy = rb_booking_new (rb_booking_get_id (request), rb_booking_get_space_id (request), NULL,
                             rb_booking_get_interval (request));
      rb_booking_set_state (copy, rb_booking_get_state (request));
      bound = rb_credential_bind (rb_identity_get_sealed_credential (who),
                                  rb_identity_get_signing_key (who), copy);
      rb_sync_engine_book_sealed_async (self->engine, copy, bound,
                                        rb_identity_get_session_token (who), cancellable,
                                        on_operation_done_cb, task);
      return;
    }
  /* Nobody: a door panel books its room anonymously, where the site allows it; the server
   * checks that the device is that room's panel. */
  if (person == NULL && !allows_anonymous (self))
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_UNAUTHENTICATED, "%s",
                               rb_error_code_message (RB_ERROR_UNAUTHENTICATED));
      g_object_unref (task);
      return;
    }
  copy = rb_booking_new (rb_booking_get_id (request), rb_booking_get_space_id (request),
                         person != NULL ? rb_person_get_id (person) : NULL,
                         rb_booking_get_interval (request));
  rb_booking_set_title (copy, rb_booking_get_title (request));
  rb_booking_set_attendees (copy, rb_booking_get_attendees (request));
  rb_booking_set_state (copy, rb_booking_get_state (request));
  rb_sync_engine_book_async (self->engine, copy, cancellable, on_operation_done_cb, task);
}

static void on_booking_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data);

static void
cancel_booking_async (RbClientService *service, const char *booking_id,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  /* Nobody signed in: a door panel cancels what it booked for nobody, online and with its
   * device token alone (the server checks that it made it); no queue holds it. */
  if (rb_client_service_get_person (service) == NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s", booking_id);

      rb_api_client_request_async (self->client, "DELETE", path, NULL, NULL, cancellable,
                                   on_booking_answer_cb,
                                   new_task (self, cancel_booking_async, cancellable, callback,
                                             user_data));
      return;
    }
  rb_sync_engine_cancel_async (self->engine, booking_id, cancellable, on_operation_done_cb,
                               new_task (self, cancel_booking_async, cancellable, callback,
                                         user_data));
}

/* The server's answer to a change it made: the booking, written to the mirror at once (the
 * feed brings it again, harmlessly), then the feed. */
static gpointer
apply_booking_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  RbBooking *booking = data;
  g_autoptr (GPtrArray) one = g_ptr_array_new ();

  g_ptr_array_add (one, booking);
  if (rb_mirror_apply_remote_sync (store, one, NULL, -1, NULL, error) < 0)
    return NULL;
  return rb_store_get_booking_sync (store, rb_booking_get_id (booking), error);
}

static void
on_booking_applied_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  RbBooking *booking = rb_store_run_finish (RB_STORE (source), result, &error);

  if (booking == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, booking, g_object_unref);
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
  sync_soon (self);
}

static void
on_booking_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  RbBooking *booking = root != NULL ? rb_json_to_booking (root, &error) : NULL;

  if (booking == NULL)
    {
      if (error == NULL)
        g_set_error (&error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                     "The server's booking is missing");
      return_failure (task, error);
      g_object_unref (task);
      return;
    }
  rb_store_run_async (self->store, apply_booking_job, booking, g_object_unref, g_object_unref,
                      g_task_get_cancellable (task), on_booking_applied_cb, task);
}

static void
update_booking_async (RbClientService *service, RbBooking *booking, RbInterval interval,
                      const char *title, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, update_booking_async, cancellable, callback, user_data);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *start = rb_time_to_rfc3339 (interval.start);
  g_autofree char *end = rb_time_to_rfc3339 (interval.end);
  g_autofree char *text = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s", rb_booking_get_id (booking));

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  if (title != NULL)
    {
      json_builder_set_member_name (builder, "title");
      json_builder_add_string_value (builder, title);
    }
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = rb_json_to_string (body, FALSE);
  rb_api_client_request_if_match_async (self->client, "PATCH", path, text,
                                        rb_booking_get_version (booking), cancellable,
                                        on_booking_answer_cb, task);
}

static void
check_in_async (RbClientService *service, RbIdentity *who, const char *booking_id,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, check_in_async, cancellable, callback, user_data);
  g_autofree char *path = NULL;

  if (who == NULL)
    {
      rb_sync_engine_check_in_async (self->engine, booking_id, cancellable, on_operation_done_cb,
                                     task);
      return;
    }
  /* At a kiosk, online only and in this person's session: the kiosk holds nobody's bookings. */
  if (rb_identity_get_session_token (who) == NULL)
    {
      return_not_connected (task);
      g_object_unref (task);
      return;
    }
  path = g_strdup_printf ("/api/v1/bookings/%s/check-in", booking_id);
  rb_api_client_request_as_async (self->client, "POST", path, NULL, NULL,
                                  rb_identity_get_session_token (who), NULL, cancellable,
                                  on_booking_answer_cb, task);
}

/* ---- identifying at a kiosk ------------------------------------------------------------- */

/* A kiosk of a server keeps no PINs or PIN hashes. Online, POST /sessions checks the PIN
 * (with the kiosk's device token, so it is a short kiosk session). The staff number and PIN
 * are sealed to the server's key at once, before the PIN is wiped: if the server does not
 * answer within RB_SYNC_ONLINE_WAIT_MS, or cannot be reached, the person is taken as
 * unverified and the sealed credential goes with their booking for the server to check,
 * signed for that booking alone with a key made for this identity (rb-credential.h). */
typedef struct
{
  GCancellable *request_cancellable;
  guint timeout_id;
  gboolean timed_out;
  char *staff_number;
  GBytes *sealed;
  GBytes *signing_key;
} Identify;

static void
identify_free (Identify *identify)
{
  g_clear_handle_id (&identify->timeout_id, g_source_remove);
  g_clear_object (&identify->request_cancellable);
  g_free (identify->staff_number);
  g_clear_pointer (&identify->sealed, g_bytes_unref);
  g_clear_pointer (&identify->signing_key, g_bytes_unref);
  g_free (identify);
}

static gboolean
on_identify_timeout_cb (gpointer user_data)
{
  Identify *identify = user_data;

  identify->timeout_id = 0;
  identify->timed_out = TRUE;
  g_cancellable_cancel (identify->request_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_session_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Identify *identify = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr (RbPerson) person = rb_api_client_open_session_finish (RB_API_CLIENT (source), result,
                                                                   &token, &error);
  g_autoptr (RbPerson) stand_in = NULL;
  RbIdentity *identity;

  g_clear_handle_id (&identify->timeout_id, g_source_remove);
  if (person != NULL)
    {
      identity = rb_identity_new (person, TRUE);
      rb_identity_set_session_token (identity, token);
      rb_identity_set_sealed_credential (identity, identify->sealed, identify->signing_key);
      if (token != NULL)
        memset (token, 0, strlen (token));
      g_task_return_pointer (task, identity, g_object_unref);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  /* The server answered: a wrong PIN, a lockout, or a kiosk it does not know. */
  if (!identify->timed_out && !rb_api_client_error_is_transient (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (identify->sealed == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                               _("The booking server cannot be reached, and this kiosk is not "
                                 "registered to book without it. Please ask the service desk."));
      return;
    }
  /* Offline: nobody here can tell whether the PIN is right; the server will. */
  g_debug ("Identifying offline: %s", identify->timed_out ? "the server is slow" : error->message);
  stand_in = rb_person_new ("", identify->staff_number, identify->staff_number, "", RB_ROLE_STAFF);
  identity = rb_identity_new (stand_in, FALSE);
  rb_identity_set_sealed_credential (identity, identify->sealed, identify->signing_key);
  g_task_return_pointer (task, identity, g_object_unref);
}

static void
on_identify_cancelled_cb (GCancellable *cancellable, GCancellable *request_cancellable)
{
  g_cancellable_cancel (request_cancellable);
}

static void
identify_async (RbClientService *service, const char *staff_number, const char *pin,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, identify_async, cancellable, callback, user_data);
  Identify *identify = g_new0 (Identify, 1);
  g_autoptr (GError) error = NULL;

  identify->staff_number = g_strdup (staff_number);
  identify->request_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, identify, (GDestroyNotify) identify_free);
  if (self->public_key != NULL && *self->public_key != '\0'
      && !(identify->sealed = rb_credential_seal (self->public_key, staff_number, pin,
                                                  rb_client_service_now (service),
                                                  &identify->signing_key, &error)))
    g_warning ("The server public key in the settings is not valid: %s", error->message);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_identify_cancelled_cb),
                             identify->request_cancellable, 0);
  identify->timeout_id = g_timeout_add (RB_SYNC_ONLINE_WAIT_MS, on_identify_timeout_cb, identify);
  rb_api_client_open_session_async (self->client, staff_number, pin,
                                    identify->request_cancellable, on_session_opened_cb, task);
}

/* A badge (issue 12) can only be checked by the server, which alone knows whose it is: the
 * kiosk cannot tell an unknown badge from a known one, and would book for nobody. So a badge
 * identifies online only; when the server does not answer in time the kiosk hears
 * G_IO_ERROR_NOT_CONNECTED and asks for staff number and PIN, which work offline. Once
 * identified, the badge is sealed to the server's key like a PIN, so that the booking can
 * wait in the queue if the server is lost meanwhile (README "Badges"). */
static void
on_badge_session_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Identify *identify = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = NULL;
  g_autoptr (RbPerson) person = rb_api_client_open_session_finish (RB_API_CLIENT (source), result,
                                                                   &token, &error);
  RbIdentity *identity;

  g_clear_handle_id (&identify->timeout_id, g_source_remove);
  if (person != NULL)
    {
      identity = rb_identity_new (person, TRUE);
      rb_identity_set_session_token (identity, token);
      rb_identity_set_sealed_credential (identity, identify->sealed, identify->signing_key);
      if (token != NULL)
        memset (token, 0, strlen (token));
      g_task_return_pointer (task, identity, g_object_unref);
      return;
    }
  if (g_task_return_error_if_cancelled (task))
    return;
  if (!identify->timed_out && !rb_api_client_error_is_transient (error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_debug ("A badge cannot be checked: %s",
           identify->timed_out ? "the server is slow" : error->message);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED, "%s",
                           _("The booking server cannot be reached to check the badge. Please "
                             "enter your staff number and PIN."));
}

static void
identify_badge_async (RbClientService *service, const char *uid, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, identify_badge_async, cancellable, callback, user_data);
  Identify *identify = g_new0 (Identify, 1);
  g_autoptr (GError) error = NULL;

  identify->request_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, identify, (GDestroyNotify) identify_free);
  /* Sealed like a PIN, so that a booking the server cannot take at once is queued with it. */
  if (self->public_key != NULL && *self->public_key != '\0'
      && !(identify->sealed = rb_credential_seal_badge (self->public_key, uid,
                                                        rb_client_service_now (service),
                                                        &identify->signing_key, &error)))
    g_warning ("The server public key in the settings is not valid: %s", error->message);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_identify_cancelled_cb),
                             identify->request_cancellable, 0);
  identify->timeout_id = g_timeout_add (RB_SYNC_ONLINE_WAIT_MS, on_identify_timeout_cb, identify);
  rb_api_client_open_badge_session_async (self->client, uid, identify->request_cancellable,
                                          on_badge_session_opened_cb, task);
}

/* ---- signing in and out --------------------------------------------------------------------- */

static void
signed_in (RbServerService *self, RbPerson *person)
{
  rb_client_service_set_person (RB_CLIENT_SERVICE (self), person,
                                rb_api_client_get_token (self->client));
}

/* A desktop's sign-in. Operations in the outbox belong to whoever made them: when someone
 * else signs in here while they still wait (the session that made them ended before they
 * were sent), the new session must never send them as its own. They are dropped, as
 * signing out drops them — but only once the new person has shown a right PIN, so that a
 * mistyped staff number does not cost the one who left them. */
typedef struct
{
  char *staff_number;
  char *pin;
  /* a sign-in with the directory (issue 14): its user name, and pin holds the password;
   * staff_number is NULL, so every queued operation counts as someone else's */
  char *username;
  RbPerson *person;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->staff_number);
  g_free (sign_in->username);
  if (sign_in->pin != NULL)
    memset (sign_in->pin, 0, strlen (sign_in->pin));
  g_free (sign_in->pin);
  g_clear_object (&sign_in->person);
  g_free (sign_in);
}

static void
on_building_for_sign_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  self->importing = FALSE;
  if (!rb_sync_engine_import_building_finish (RB_SYNC_ENGINE (source), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  rb_client_service_set_ready (RB_CLIENT_SERVICE (self), TRUE);
  signed_in (self, sign_in->person);
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
  refresh_policy (self);
  g_task_return_pointer (task, g_object_ref (sign_in->person), g_object_unref);
}

static void
on_logged_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;

  sign_in->person = rb_sync_engine_login_finish (RB_SYNC_ENGINE (source), result, &error);
  if (sign_in->person == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* On the first start the mirror is empty: the building comes from the server. */
  self->importing = TRUE;
  rb_sync_engine_import_building_async (self->engine, g_task_get_cancellable (task),
                                        on_building_for_sign_in_cb, g_object_ref (task));
}

static void
log_in (GTask *task)
{
  RbServerService *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);

  if (sign_in->username != NULL)
    rb_sync_engine_login_directory_async (self->engine, sign_in->username, sign_in->pin,
                                          g_task_get_cancellable (task), on_logged_in_cb, task);
  else
    rb_sync_engine_login_async (self->engine, sign_in->staff_number, sign_in->pin,
                                g_task_get_cancellable (task), on_logged_in_cb, task);
}

static void
on_queue_dropped_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  GError *error = NULL;

  if (!rb_sync_engine_sign_out_finish (RB_SYNC_ENGINE (source), result, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  log_in (task);
}

static void
on_trial_session_ended_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root G_GNUC_UNUSED = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);

  /* Unused, it runs out on the server anyway. */
  if (error != NULL)
    g_debug ("Ending the session that checked a PIN failed: %s", error->message);
}

/* The PIN is right: the session that showed it is not needed, and the queue goes. */
static void
on_pin_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autofree char *token = NULL;
  g_autoptr (RbPerson) person = rb_api_client_open_session_finish (RB_API_CLIENT (source), result,
                                                                   &token, &error);

  if (person == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  rb_api_client_request_as_async (self->client, "DELETE", "/api/v1/sessions/current", NULL, NULL,
                                  token, NULL, NULL, on_trial_session_ended_cb, NULL);
  memset (token, 0, strlen (token));
  rb_sync_engine_sign_out_async (self->engine, g_task_get_cancellable (task), on_queue_dropped_cb,
                                 task);
}

/* Before a sign-in, on the store's thread: whether the outbox holds operations of anyone but
 * the person signing in (2) or not (1). And when someone else has signed in here before,
 * the change feed is read again from the start: their sessions pulled this person's
 * bookings without a name (the server tells nobody whose they are), and with the cursor past
 * them My Bookings would never show them. */
static gpointer
prepare_sign_in_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  SignIn *sign_in = data;
  g_autoptr (GPtrArray) entries = rb_mirror_list_outbox_sync (store, TRUE, error);
  g_autoptr (GPtrArray) people = NULL;
  g_autoptr (RbPerson) person = NULL;
  gboolean others = FALSE;

  if (entries == NULL || !(people = rb_store_list_people_sync (store, error)))
    return NULL;
  for (guint i = 0; i < people->len; i++)
    if (g_strcmp0 (rb_person_get_staff_number (g_ptr_array_index (people, i)),
                   sign_in->staff_number)
        != 0)
      {
        if (!rb_mirror_set_cursor_sync (store, 0, error))
          return NULL;
        break;
      }
  if (entries->len > 0)
    person = rb_store_find_person_by_staff_number_sync (store, sign_in->staff_number, NULL);
  for (guint i = 0; i < entries->len && !others; i++)
    {
      RbOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr (RbBooking) booking = rb_store_get_booking_sync (store, entry->booking_id, NULL);

      others = booking != NULL
               && (person == NULL
                   || g_strcmp0 (rb_booking_get_person_id (booking), rb_person_get_id (person)) != 0);
    }
  return GINT_TO_POINTER (others ? 2 : 1);
}

static void
on_queue_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  int answer = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, &error));

  if (answer == 0)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (answer == 1)
    {
      log_in (task);
      return;
    }
  if (sign_in->username != NULL)
    rb_api_client_login_directory_async (self->client, sign_in->username, sign_in->pin, FALSE,
                                         g_task_get_cancellable (task), on_pin_checked_cb, task);
  else
    rb_api_client_open_session_async (self->client, sign_in->staff_number, sign_in->pin,
                                      g_task_get_cancellable (task), on_pin_checked_cb, task);
}

static void
sign_in_async (RbClientService *service, const char *staff_number, const char *pin,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, sign_in_async, cancellable, callback, user_data);
  SignIn *sign_in;

  /* Nobody is chosen from a list on a server: a PIN always. */
  if (pin == NULL)
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_UNAUTHENTICATED, "%s",
                               rb_error_code_message (RB_ERROR_UNAUTHENTICATED));
      g_object_unref (task);
      return;
    }
  sign_in = g_new0 (SignIn, 1);
  sign_in->staff_number = g_strdup (staff_number);
  sign_in->pin = g_strdup (pin);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  rb_store_run_async (self->store, prepare_sign_in_job, sign_in, NULL, NULL, cancellable,
                      on_queue_checked_cb, task);
}

/* A desktop's sign-in with the directory (issue 14): as with a PIN, except that who signs in
 * is known only from the server's answer. */
static void
sign_in_directory_async (RbClientService *service, const char *username, const char *password,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, sign_in_directory_async, cancellable, callback, user_data);
  SignIn *sign_in = g_new0 (SignIn, 1);

  sign_in->username = g_strdup (username);
  sign_in->pin = g_strdup (password);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  rb_store_run_async (self->store, prepare_sign_in_job, sign_in, NULL, NULL, cancellable,
                      on_queue_checked_cb, task);
}

typedef struct
{
  char *person_id;
  char *token;
} Resume;

static void
resume_free (Resume *resume)
{
  g_free (resume->person_id);
  if (resume->token != NULL)
    memset (resume->token, 0, strlen (resume->token));
  g_free (resume->token);
  g_free (resume);
}

static gpointer
resume_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Resume *resume = data;
  g_autoptr (GError) local_error = NULL;
  RbPerson *person = rb_store_get_person_sync (store, resume->person_id, &local_error);

  /* The mirror forgot them (a new file): the kept session is of no use here. */
  if (person == NULL)
    rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
  return person;
}

static void
on_resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  Resume *resume = g_task_get_task_data (task);
  GError *error = NULL;
  RbPerson *person = rb_store_run_finish (RB_STORE (source), result, &error);

  if (person == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  rb_sync_engine_resume (self->engine, person, resume->token);
  signed_in (self, person);
  g_task_return_pointer (task, person, g_object_unref);
}

static void
resume_async (RbClientService *service, const char *person_id, const char *secret,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, resume_async, cancellable, callback, user_data);
  Resume *resume = g_new0 (Resume, 1);

  resume->person_id = g_strdup (person_id);
  resume->token = g_strdup (secret);
  g_task_set_task_data (task, resume, (GDestroyNotify) resume_free);
  rb_store_run_async (self->store, resume_job, resume, NULL, g_object_unref, cancellable,
                      on_resumed_cb, task);
}

static void
on_signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!rb_sync_engine_sign_out_finish (RB_SYNC_ENGINE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sign_out_async (RbClientService *service, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_client_service_set_person (service, NULL, NULL);
  rb_sync_engine_sign_out_async (self->engine, cancellable, on_signed_out_cb,
                                 new_task (self, sign_out_async, cancellable, callback,
                                           user_data));
}

static void
list_people_async (RbClientService *service, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_task_report_new_error (service, callback, user_data, list_people_async, RB_ERROR,
                           RB_ERROR_FORBIDDEN, "%s", rb_error_code_message (RB_ERROR_FORBIDDEN));
}

/* ---- what only the server decides -------------------------------------------------------- */

/* Sends a request that needs the connection; the answer goes to parse on the main context. */
typedef gpointer (*ParseFunc) (RbServerService *self, JsonNode *root, GAsyncResult *result,
                               GError **error);

typedef struct
{
  ParseFunc parse;
  GDestroyNotify result_free;
  gboolean changes;
} Ask;

static void
on_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  Ask *ask = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  gpointer value = ask->parse (self, root, result, &error);

  if (value == NULL)
    {
      if (error == NULL)
        g_set_error (&error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                     "The server's answer is not what the API promises");
      return_failure (task, error);
      return;
    }
  if (ask->result_free == NULL)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, value, ask->result_free);
  if (ask->changes)
    sync_soon (self);
}

/* A task whose answer, from any request of the API client that completes with on_answer_cb,
 * is parsed with parse. */
static GTask *
new_ask_task (RbServerService *self, ParseFunc parse, GDestroyNotify result_free,
              gboolean changes, gpointer source_tag, GCancellable *cancellable,
              GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = new_task (self, source_tag, cancellable, callback, user_data);
  Ask *ask = g_new0 (Ask, 1);

  ask->parse = parse;
  ask->result_free = result_free;
  ask->changes = changes;
  g_task_set_task_data (task, ask, g_free);
  return task;
}

static void
ask_server (RbServerService *self, const char *method, const char *path, JsonNode *body,
            const char *idempotency_key, ParseFunc parse, GDestroyNotify result_free,
            gboolean changes, gpointer source_tag, GCancellable *cancellable,
            GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = new_ask_task (self, parse, result_free, changes, source_tag, cancellable,
                              callback, user_data);
  g_autofree char *text = body != NULL ? rb_json_to_string (body, FALSE) : NULL;

  rb_api_client_request_async (self->client, method, path, text, idempotency_key, cancellable,
                               on_answer_cb, task);
}

/* A series answer; a refused all-or-nothing series is a result with its conflicts and
 * nothing created, as a local store gives it, not an error. */
static gpointer
parse_series (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  JsonNode *problem = rb_api_client_request_get_problem (self->client, result);
  JsonNode *conflicts;
  RbSeriesResult *series;
  GTimeZone *tz = get_time_zone (RB_CLIENT_SERVICE (self));

  if (root != NULL)
    return rb_series_result_from_json (root, tz, error);
  conflicts = problem != NULL && JSON_NODE_HOLDS_OBJECT (problem)
                  ? json_object_get_member (json_node_get_object (problem), "conflicts")
                  : NULL;
  if (conflicts == NULL || *error == NULL || (*error)->domain != RB_ERROR)
    return NULL;
  g_clear_error (error);
  series = rb_series_result_new (NULL);
  g_ptr_array_unref (series->conflicts);
  if ((series->conflicts = rb_series_conflicts_from_json (conflicts, tz, error)) == NULL)
    {
      series->conflicts = g_ptr_array_new ();
      rb_series_result_free (series);
      return NULL;
    }
  series->n_occurrences = series->conflicts->len;
  return series;
}

static void
series_async (RbServerService *self, const RbSeriesRequest *request, gboolean write,
              gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
              gpointer user_data)
{
  g_autoptr (JsonNode) body = rb_series_request_to_json (request);

  ask_server (self, "POST", write ? "/api/v1/series" : "/api/v1/series?dry_run=true", body,
              write ? request->id : NULL, parse_series, (GDestroyNotify) rb_series_result_free,
              write, source_tag, cancellable, callback, user_data);
}

static void
check_series_async (RbClientService *service, const RbSeriesRequest *request,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  series_async (RB_SERVER_SERVICE (service), request, FALSE, check_series_async, cancellable,
                callback, user_data);
}

static void
create_series_async (RbClientService *service, const RbSeriesRequest *request,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  series_async (RB_SERVER_SERVICE (service), request, TRUE, create_series_async, cancellable,
                callback, user_data);
}

/* {"items": [booking…]}: a block's preview. */
static gpointer
parse_items (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  return root != NULL ? rb_api_client_parse_bookings (root, "items", error) : NULL;
}

/* What cancelling series occurrences answers: {"cancelled": [booking…]} for a series, the
 * booking itself for one occurrence. */
static gpointer
parse_cancelled (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  GPtrArray *one;
  RbBooking *booking;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  if (json_object_has_member (json_node_get_object (root), "cancelled"))
    return rb_api_client_parse_bookings (root, "cancelled", error);
  if ((booking = rb_json_to_booking (root, error)) == NULL)
    return NULL;
  one = g_ptr_array_new_with_free_func (g_object_unref);
  g_ptr_array_add (one, booking);
  return one;
}

static void
cancel_series_async (RbClientService *service, const char *series_id, const char *booking_id,
                     RbSeriesCancelScope scope, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autofree char *path = NULL;

  if (scope == RB_SERIES_CANCEL_ONE)
    path = g_strdup_printf ("/api/v1/bookings/%s", booking_id);
  else if (scope == RB_SERIES_CANCEL_FOLLOWING)
    path = g_strdup_printf ("/api/v1/series/%s?scope=following&from=%s", series_id, booking_id);
  else
    path = g_strdup_printf ("/api/v1/series/%s?scope=all", series_id);
  ask_server (self, "DELETE", path, NULL, NULL, parse_cancelled,
              (GDestroyNotify) g_ptr_array_unref, TRUE, cancel_series_async, cancellable,
              callback, user_data);
}

static gpointer
parse_occupancy (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  return root != NULL ? rb_occupancy_from_json (root, error) : NULL;
}

static void
occupancy_async (RbClientService *service, const RbOccupancyQuery *query,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autofree char *from = rb_time_to_rfc3339 (query->range.start);
  g_autofree char *to = rb_time_to_rfc3339 (query->range.end);
  g_autoptr (GString) path = g_string_new ("/api/v1/occupancy?");

  g_string_append_printf (path, "from=%s&to=%s&bucket=%s", from, to,
                          rb_occupancy_bucket_to_string (query->bucket));
  if (query->floor_id != NULL)
    g_string_append_printf (path, "&floor=%s", query->floor_id);
  if (query->filter_kind)
    g_string_append_printf (path, "&kind=%s", rb_space_kind_to_string (query->kind));
  if (query->by_floor || query->by_kind)
    g_string_append_printf (path, "&group=%s",
                            query->by_floor && query->by_kind ? "floor,kind"
                            : query->by_floor                 ? "floor"
                                                              : "kind");
  ask_server (self, "GET", path->str, NULL, NULL, parse_occupancy,
              (GDestroyNotify) g_ptr_array_unref, FALSE, occupancy_async, cancellable, callback,
              user_data);
}

static void
preview_block_async (RbClientService *service, const char *space_id, RbInterval interval,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autofree char *from = rb_time_to_rfc3339 (interval.start);
  g_autofree char *to = rb_time_to_rfc3339 (interval.end);
  g_autofree char *path = g_strdup_printf ("/api/v1/spaces/%s/blocks?from=%s&to=%s", space_id,
                                           from, to);

  ask_server (self, "GET", path, NULL, NULL, parse_items, (GDestroyNotify) g_ptr_array_unref,
              FALSE, preview_block_async, cancellable, callback, user_data);
}

static gpointer
parse_block (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  JsonObject *o = root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root)
                                                                 : NULL;
  g_autoptr (RbSpaceBlock) block = NULL;
  RbBlockResult *made;
  GPtrArray *cancelled;

  if (o == NULL
      || !(block = rb_space_block_from_json (json_object_get_member (o, "block"), error))
      || !(cancelled = rb_api_client_parse_bookings (root, "cancelled", error)))
    return NULL;
  made = g_new0 (RbBlockResult, 1);
  made->block_id = block->id;
  made->cancelled = cancelled;
  return made;
}

static void
create_block_async (RbClientService *service, const char *space_id, RbInterval interval,
                    const char *reason, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autofree char *path = g_strdup_printf ("/api/v1/spaces/%s/blocks", space_id);
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) body = NULL;
  g_autofree char *start = rb_time_to_rfc3339 (interval.start);
  g_autofree char *end = rb_time_to_rfc3339 (interval.end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, reason);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  ask_server (self, "POST", path, body, NULL, parse_block, (GDestroyNotify) rb_block_result_free,
              TRUE, create_block_async, cancellable, callback, user_data);
}

/* 204 No Content: there is nothing to parse, and that is success. */
static gpointer
parse_nothing (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  return *error == NULL ? GINT_TO_POINTER (1) : NULL;
}

static void
lift_block_async (RbClientService *service, gint64 block_id, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autofree char *path = g_strdup_printf ("/api/v1/blocks/%" G_GINT64_FORMAT, block_id);

  ask_server (self, "DELETE", path, NULL, NULL, parse_nothing, NULL, TRUE, lift_block_async,
              cancellable, callback, user_data);
}

/* ---- the building as a file -------------------------------------------------------------- */

static gpointer
parse_json (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  return root != NULL && JSON_NODE_HOLDS_OBJECT (root) ? json_node_ref (root) : NULL;
}

/* ask_server for an answer that is JSON as it is (rb_client_service_json_finish). */
static void
ask_server_json (RbServerService *self, const char *method, const char *path, JsonNode *body,
                 gboolean changes, gpointer source_tag, GCancellable *cancellable,
                 GAsyncReadyCallback callback, gpointer user_data)
{
  ask_server (self, method, path, body, NULL, parse_json, (GDestroyNotify) json_node_unref,
              changes, source_tag, cancellable, callback, user_data);
}

static void
export_building_async (RbClientService *service, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  ask_server_json (RB_SERVER_SERVICE (service), "GET", "/api/v1/building/export", NULL, FALSE,
                   export_building_async, cancellable, callback, user_data);
}

/* The mirror follows through the feed: the import's topic row makes the engine announce
 * "building", and on_topic_changed_cb reads the building again. */
static void
import_building_async (RbClientService *service, JsonNode *document, gboolean dry_run,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  ask_server_json (RB_SERVER_SERVICE (service), "POST",
                   dry_run ? "/api/v1/building/import?dry_run=true"
                           : "/api/v1/building/import?dry_run=false",
                   document, !dry_run, import_building_async, cancellable, callback, user_data);
}

/* ---- the policy and the audit log ------------------------------------------------------- */

/* The mirror's copy of the server's policy is what rb_client_service_get_policy answers and
 * what the local checks of a queued booking use. It is read again when the change feed names
 * the topic "policy" (and once after every start), and taken at once from the answer to this
 * client's own change. */

static gpointer
replace_policy_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_replace_policy_sync (store, data, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
on_policy_kept_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
  /* Every page reads the policy again. */
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
}

/* The server's answer to GET or PUT /policy: the policy in force, which the mirror takes. */
static void
on_policy_answer_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbServerService *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  GCancellable *cancellable;
  RbPolicy policy, current;

  if (root == NULL && error == NULL)
    g_set_error (&error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                 "The server's policy is missing");
  if (error != NULL || !rb_policy_from_json (root, &policy, NULL, &error))
    {
      return_failure (task, error);
      return;
    }
  rb_client_service_get_policy (self->mirror, &current);
  if (rb_policy_equal (&policy, &current))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  cancellable = g_task_get_cancellable (task);
  rb_store_run_async (self->store, replace_policy_job, g_memdup2 (&policy, sizeof policy), g_free,
                      NULL, cancellable, on_policy_kept_cb, g_steal_pointer (&task));
}

static void
on_policy_refreshed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (source);
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_debug ("Reading the server's policy failed: %s", error->message);
      rb_sync_engine_mark_topic_stale (self->engine, "policy");
    }
}

/* Reads the server's policy into the mirror; when it differs, the pages hear "changed". */
static void
refresh_policy (RbServerService *self)
{
  GTask *task;

  /* The policy belongs to the mirror's site: it comes after the building. */
  if (!rb_client_service_get_ready (RB_CLIENT_SERVICE (self)))
    {
      rb_sync_engine_mark_topic_stale (self->engine, "policy");
      return;
    }
  task = new_task (self, refresh_policy, self->cancellable, on_policy_refreshed_cb, NULL);
  rb_api_client_request_async (self->client, "GET", "/api/v1/policy", NULL, NULL,
                               self->cancellable, on_policy_answer_cb, task);
}

static void
set_policy_async (RbClientService *service, const RbPolicy *policy, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_task (self, set_policy_async, cancellable, callback, user_data);
  g_autoptr (JsonNode) body = rb_policy_to_json (policy);
  g_autofree char *text = rb_json_to_string (body, FALSE);

  rb_api_client_request_async (self->client, "PUT", "/api/v1/policy", text, NULL, cancellable,
                               on_policy_answer_cb, task);
}

static gpointer
parse_audit (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  if (*error != NULL || root == NULL || !JSON_NODE_HOLDS_OBJECT (root)
      || json_object_get_array_member (json_node_get_object (root), "items") == NULL)
    return NULL;
  return json_node_ref (root);
}

static void
list_audit_async (RbClientService *service, guint limit, const char *before,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  g_autoptr (GString) path = g_string_new ("/api/v1/audit?");
  g_autofree char *escaped = before != NULL ? g_uri_escape_string (before, NULL, FALSE) : NULL;

  if (limit > 0)
    g_string_append_printf (path, "limit=%u&", limit);
  if (escaped != NULL)
    g_string_append_printf (path, "before=%s&", escaped);
  g_string_truncate (path, path->len - 1);
  ask_server (self, "GET", path->str, NULL, NULL, parse_audit,
              (GDestroyNotify) json_node_unref, FALSE, list_audit_async, cancellable, callback,
              user_data);
}

/* ---- administering people and PINs (issue 11): online only ------------------------------ */

static void
list_people_admin_async (RbClientService *service, gboolean include_inactive,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  ask_server_json (RB_SERVER_SERVICE (service), "GET",
                   include_inactive ? "/api/v1/people?include_inactive=true" : "/api/v1/people",
                   NULL, FALSE, list_people_admin_async, cancellable, callback, user_data);
}

static void
save_person_async (RbClientService *service, const char *person_id, JsonNode *fields,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = person_id != NULL ? g_uri_escape_string (person_id, NULL, TRUE)
                                               : NULL;
  g_autofree char *path = person_id != NULL ? g_strdup_printf ("/api/v1/people/%s", escaped)
                                            : g_strdup ("/api/v1/people");

  ask_server_json (RB_SERVER_SERVICE (service), person_id != NULL ? "PATCH" : "POST", path, fields,
                   TRUE, save_person_async, cancellable, callback, user_data);
}

static void
set_person_active_async (RbClientService *service, const char *person_id, gboolean active,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_autofree char *escaped = g_uri_escape_string (person_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s", escaped);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_boolean_member (o, "active", active);
  json_node_take_object (body, o);
  ask_server_json (RB_SERVER_SERVICE (service), "PATCH", path, body, TRUE, set_person_active_async,
                   cancellable, callback, user_data);
}

static void
sync_directory_async (RbClientService *service, gboolean dry_run, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_boolean_member (o, "dry_run", dry_run);
  json_node_take_object (body, o);
  ask_server_json (RB_SERVER_SERVICE (service), "POST", "/api/v1/directory/sync", body, !dry_run,
                   sync_directory_async, cancellable, callback, user_data);
}

static void
import_people_async (RbClientService *service, GBytes *csv, gboolean dry_run,
                     gboolean deactivate_missing, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_ask_task (self, parse_json, (GDestroyNotify) json_node_unref, !dry_run,
                              import_people_async, cancellable, callback, user_data);
  g_autofree char *path
      = g_strdup_printf ("/api/v1/people/import?dry_run=%s&deactivate_missing=%s",
                         dry_run ? "true" : "false", deactivate_missing ? "true" : "false");

  rb_api_client_request_raw_async (self->client, "POST", path, "text/csv", csv, cancellable,
                                   on_answer_cb, task);
}

static gpointer
parse_pin (RbServerService *self, JsonNode *root, GAsyncResult *result, GError **error)
{
  const char *pin = root != NULL && JSON_NODE_HOLDS_OBJECT (root)
                        ? rb_json_get_string (json_node_get_object (root), "pin", TRUE, NULL)
                        : NULL;

  return g_strdup (pin);
}

static void
issue_one_time_pin_async (RbClientService *service, const char *person_id,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autofree char *escaped = g_uri_escape_string (person_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/one-time-pin", escaped);

  ask_server (RB_SERVER_SERVICE (service), "POST", path, NULL, NULL, parse_pin, g_free, FALSE,
              issue_one_time_pin_async, cancellable, callback, user_data);
}

/* PUT and DELETE /people/{id}/badge (issue 12) */
static void
register_badge_async (RbClientService *service, const char *person_id, const char *uid,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  g_autofree char *escaped = g_uri_escape_string (person_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/badge", escaped);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "uid", uid);
  json_node_take_object (body, o);
  ask_server_json (RB_SERVER_SERVICE (service), "PUT", path, body, TRUE, register_badge_async,
                   cancellable, callback, user_data);
}

static void
remove_badges_async (RbClientService *service, const char *person_id,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = g_uri_escape_string (person_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/badge", escaped);

  ask_server_json (RB_SERVER_SERVICE (service), "DELETE", path, NULL, TRUE, remove_badges_async,
                   cancellable, callback, user_data);
}

/* GET and PUT /me/privacy (issue 13) */
static void
get_name_consent_async (RbClientService *service, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  ask_server_json (RB_SERVER_SERVICE (service), "GET", "/api/v1/me/privacy", NULL, FALSE,
                   get_name_consent_async, cancellable, callback, user_data);
}

static void
set_name_consent_async (RbClientService *service, gboolean show_name, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();

  json_object_set_boolean_member (o, "show_name", show_name);
  json_node_take_object (body, o);
  ask_server_json (RB_SERVER_SERVICE (service), "PUT", "/api/v1/me/privacy", body, TRUE,
                   set_name_consent_async, cancellable, callback, user_data);
}

/* GET /me/export and POST /people/{id}/erasure (issue 13): only the server knows. */
static void
export_my_data_async (RbClientService *service, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  ask_server_json (RB_SERVER_SERVICE (service), "GET", "/api/v1/me/export", NULL, FALSE,
                   export_my_data_async, cancellable, callback, user_data);
}

static void
erase_person_async (RbClientService *service, const char *person_id,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autofree char *escaped = g_uri_escape_string (person_id, NULL, TRUE);
  g_autofree char *path = g_strdup_printf ("/api/v1/people/%s/erasure", escaped);

  ask_server_json (RB_SERVER_SERVICE (service), "POST", path, NULL, TRUE, erase_person_async,
                   cancellable, callback, user_data);
}

/* PUT /me/pin for the signed-in person; POST /pin-changes, without a session, after a sign-in
 * or identify answered pin_change_required (a kiosk's device token goes with it). */
static void
change_pin_async (RbClientService *service, const char *staff_number, const char *pin,
                  const char *new_pin, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);
  GTask *task = new_ask_task (self, parse_nothing, NULL, FALSE, change_pin_async, cancellable,
                              callback, user_data);
  g_autoptr (JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *text = NULL;

  if (staff_number != NULL)
    json_object_set_string_member (o, "staff_number", staff_number);
  json_object_set_string_member (o, "pin", pin);
  json_object_set_string_member (o, "new_pin", new_pin);
  json_node_take_object (body, o);
  text = rb_json_to_string (body, FALSE);
  if (staff_number != NULL)
    rb_api_client_request_as_async (self->client, "POST", "/api/v1/pin-changes", text, NULL, NULL,
                                    NULL, cancellable, on_answer_cb, task);
  else
    rb_api_client_request_async (self->client, "PUT", "/api/v1/me/pin", text, NULL, cancellable,
                                 on_answer_cb, task);
  memset (text, 0, strlen (text));
}

/* ---- keeping up ----------------------------------------------------------------------------- */

static void
on_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;

  if (!rb_sync_engine_sync_finish (RB_SYNC_ENGINE (source), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
sync_async (RbClientService *service, GCancellable *cancellable, GAsyncReadyCallback callback,
            gpointer user_data)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  rb_sync_engine_sync_async (self->engine, cancellable, on_synced_cb,
                             new_task (self, sync_async, cancellable, callback, user_data));
}

static void
stop_syncing (RbClientService *service)
{
  RbServerService *self = RB_SERVER_SERVICE (service);

  g_cancellable_cancel (self->cancellable);
  rb_sync_engine_stop (self->engine);
}

static gpointer
count_pending_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr (GPtrArray) pending = rb_mirror_list_outbox_sync (store, TRUE, error);

  return pending != NULL ? GUINT_TO_POINTER (pending->len + 1) : NULL;
}

static void
on_pending_counted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServerService) self = user_data;
  g_autoptr (GError) error = NULL;
  guint count = GPOINTER_TO_UINT (rb_store_run_finish (RB_STORE (source), result, &error));

  if (count > 0)
    rb_client_service_set_pending (RB_CLIENT_SERVICE (self), count - 1);
}

static void
on_engine_changed_cb (RbServerService *self)
{
  rb_store_run_async (self->store, count_pending_job, NULL, NULL, NULL, self->cancellable,
                      on_pending_counted_cb, g_object_ref (self));
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
}

static void
on_health_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServerService) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  JsonNode *directory;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;
  directory = json_object_get_member (json_node_get_object (root), "directory");
  rb_client_service_set_offers_directory_sign_in (
      RB_CLIENT_SERVICE (self), directory != NULL && JSON_NODE_HOLDS_VALUE (directory)
                                    && json_node_get_value_type (directory) == G_TYPE_BOOLEAN
                                    && json_node_get_boolean (directory));
}

/* Whether the server signs desktops in with its directory (issue 14): GET /health says so,
 * without a session, so the sign-in dialog knows before anyone signed in. Asked at start and
 * whenever the server comes back. */
static void
refresh_health (RbServerService *self)
{
  rb_api_client_request_async (self->client, "GET", "/api/v1/health", NULL, NULL,
                               self->cancellable, on_health_cb, g_object_ref (self));
}

static void
on_engine_online_cb (RbServerService *self)
{
  gboolean online = rb_sync_engine_get_online (self->engine);

  rb_client_service_set_online (RB_CLIENT_SERVICE (self), online);
  if (online)
    refresh_health (self);
  /* A client first started while the server was away gets its building as soon as it is
   * back. */
  if (online && !rb_client_service_get_ready (RB_CLIENT_SERVICE (self)))
    import_building (self);
}

/* A queued booking the server refused carries the rule's words. Refused as
 * "unauthenticated", it was a kiosk's booking whose PIN, typed while the server was away,
 * was wrong: the rule's words ("Please identify yourself first.") would leave whoever reads
 * the notice later looking for a sign-in, so the reason says what was wrong. The outbox
 * keeps the code. */
static gpointer
name_refusal_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  RbBooking *booking = data;
  g_autoptr (GPtrArray) entries = rb_mirror_list_outbox_sync (store, FALSE, error);

  if (entries == NULL)
    return NULL;
  for (guint i = 0; i < entries->len; i++)
    {
      RbOutboxEntry *entry = g_ptr_array_index (entries, i);

      if (entry->state == RB_OUTBOX_REJECTED
          && g_strcmp0 (entry->booking_id, rb_booking_get_id (booking)) == 0
          && g_strcmp0 (entry->last_error_code,
                        rb_error_code_to_string (RB_ERROR_UNAUTHENTICATED)) == 0)
        rb_booking_set_sync_error (booking, _("The staff number or the PIN is not correct."));
    }
  return g_object_ref (booking);
}

static void
on_refusal_named_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServerService) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_store_run_finish (RB_STORE (source), result, &error);

  if (booking == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Reading why a booking was refused failed: %s", error->message);
      return;
    }
  rb_client_service_emit_notice (RB_CLIENT_SERVICE (self), booking);
}

static void
on_engine_notice_cb (RbServerService *self, RbBooking *booking)
{
  if (rb_booking_get_sync_state (booking) != RB_SYNC_STATE_REJECTED)
    {
      rb_client_service_emit_notice (RB_CLIENT_SERVICE (self), booking);
      return;
    }
  rb_store_run_async (self->store, name_refusal_job, g_object_ref (booking), g_object_unref,
                      g_object_unref, self->cancellable, on_refusal_named_cb,
                      g_object_ref (self));
}

static void
on_session_ended_cb (RbServerService *self)
{
  /* Signed out: the window asks for the PIN again, and the kept session is forgotten. */
  rb_client_service_set_person (RB_CLIENT_SERVICE (self), NULL, NULL);
}

/* ---- the building -------------------------------------------------------------------------- */

static void
on_building_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServerService) self = user_data;
  g_autoptr (GError) error = NULL;

  self->importing = FALSE;
  if (!rb_sync_engine_import_building_finish (RB_SYNC_ENGINE (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_message ("Fetching the building from the server failed: %s", error->message);
          /* Heard of again after the engine's next round that reaches the server. */
          rb_sync_engine_mark_topic_stale (self->engine, "building");
        }
      return;
    }
  rb_client_service_set_ready (RB_CLIENT_SERVICE (self), TRUE);
  /* Even with the same spaces: a floor's drawing, which the views fetch, may be new. */
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
  refresh_policy (self);
}

/* A kiosk reads the building with its device token; a desktop once somebody signed in. */
static void
import_building (RbServerService *self)
{
  if (self->importing)
    return;
  if (rb_api_client_get_device_token (self->client) == NULL
      && rb_api_client_get_token (self->client) == NULL)
    return;
  self->importing = TRUE;
  rb_sync_engine_import_building_async (self->engine, self->cancellable, on_building_imported_cb,
                                        g_object_ref (self));
}

/* The building or the policy changed on the server (or may have, e.g. at start): read it
 * again. An import already under way may have fetched the old building, so the topic is kept
 * for the next round. */
static void
on_topic_changed_cb (RbServerService *self, const char *topic)
{
  if (g_str_equal (topic, "policy"))
    {
      refresh_policy (self);
      return;
    }
  if (!g_str_equal (topic, "building"))
    return;
  if (self->importing)
    rb_sync_engine_mark_topic_stale (self->engine, topic);
  else
    import_building (self);
}

static gpointer
has_building_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  gboolean empty = TRUE;

  if (!rb_store_is_empty_sync (store, &empty, error))
    return NULL;
  return GINT_TO_POINTER (empty ? 1 : 2);
}

static void
on_has_building_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServerService) self = user_data;
  g_autoptr (GError) error = NULL;
  int answer = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, &error));

  if (answer == 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Reading the mirror failed: %s", error->message);
      return;
    }
  if (answer == 2)
    {
      rb_client_service_set_ready (RB_CLIENT_SERVICE (self), TRUE);
      rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
    }
  else
    import_building (self);
  /* A kiosk syncs from the start, with its device token; a desktop once signed in. */
  if (rb_api_client_get_device_token (self->client) != NULL)
    sync_soon (self);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_server_service_dispose (GObject *object)
{
  RbServerService *self = RB_SERVER_SERVICE (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (rb_server_service_parent_class)->dispose (object);
}

static void
rb_server_service_finalize (GObject *object)
{
  RbServerService *self = RB_SERVER_SERVICE (object);

  g_clear_object (&self->mirror);
  g_clear_object (&self->engine);
  g_clear_object (&self->client);
  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_free (self->public_key);

  G_OBJECT_CLASS (rb_server_service_parent_class)->finalize (object);
}

static void
rb_server_service_class_init (RbServerServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  RbClientServiceClass *service_class = RB_CLIENT_SERVICE_CLASS (klass);

  object_class->dispose = rb_server_service_dispose;
  object_class->finalize = rb_server_service_finalize;

  service_class->get_time_zone = get_time_zone;
  service_class->get_policy = get_policy;
  service_class->now = now;
  service_class->list_floors_async = list_floors_async;
  service_class->list_spaces_async = list_spaces_async;
  service_class->list_blocks_async = list_blocks_async;
  service_class->get_floor_plan_async = get_floor_plan_async;
  service_class->set_floor_plan_async = set_floor_plan_async;
  service_class->list_bookings_async = list_bookings_async;
  service_class->list_my_bookings_async = list_my_bookings_async;
  service_class->create_booking_async = create_booking_async;
  service_class->update_booking_async = update_booking_async;
  service_class->cancel_booking_async = cancel_booking_async;
  service_class->check_in_async = check_in_async;
  service_class->identify_async = identify_async;
  service_class->identify_badge_async = identify_badge_async;
  service_class->register_badge_async = register_badge_async;
  service_class->remove_badges_async = remove_badges_async;
  service_class->get_name_consent_async = get_name_consent_async;
  service_class->set_name_consent_async = set_name_consent_async;
  service_class->export_my_data_async = export_my_data_async;
  service_class->erase_person_async = erase_person_async;
  service_class->sign_in_async = sign_in_async;
  service_class->resume_async = resume_async;
  service_class->sign_out_async = sign_out_async;
  service_class->list_people_async = list_people_async;
  service_class->list_people_admin_async = list_people_admin_async;
  service_class->save_person_async = save_person_async;
  service_class->set_person_active_async = set_person_active_async;
  service_class->import_people_async = import_people_async;
  service_class->sign_in_directory_async = sign_in_directory_async;
  service_class->sync_directory_async = sync_directory_async;
  service_class->issue_one_time_pin_async = issue_one_time_pin_async;
  service_class->change_pin_async = change_pin_async;
  service_class->check_series_async = check_series_async;
  service_class->create_series_async = create_series_async;
  service_class->cancel_series_async = cancel_series_async;
  service_class->occupancy_async = occupancy_async;
  service_class->preview_block_async = preview_block_async;
  service_class->create_block_async = create_block_async;
  service_class->lift_block_async = lift_block_async;
  service_class->export_building_async = export_building_async;
  service_class->import_building_async = import_building_async;
  service_class->set_policy_async = set_policy_async;
  service_class->list_audit_async = list_audit_async;
  service_class->sync_async = sync_async;
  service_class->shutdown = stop_syncing;
}

static void
rb_server_service_init (RbServerService *self)
{
  self->cancellable = g_cancellable_new ();
}

/* server_public_key: the key a kiosk seals credentials to (base64), or NULL. */
RbServerService *
rb_server_service_new (RbSyncEngine *engine, const char *server_public_key)
{
  RbServerService *self;
  RbApiClient *client;

  g_return_val_if_fail (RB_IS_SYNC_ENGINE (engine), NULL);
  client = rb_sync_engine_get_client (engine);
  self = g_object_new (RB_TYPE_SERVER_SERVICE, "location", rb_api_client_get_base_url (client),
                       NULL);
  self->engine = g_object_ref (engine);
  self->client = g_object_ref (client);
  self->store = g_object_ref (rb_sync_engine_get_store (engine));
  self->mirror = RB_CLIENT_SERVICE (rb_local_service_new (self->store));
  self->public_key = g_strdup (server_public_key);

  rb_client_service_set_online (RB_CLIENT_SERVICE (self), rb_sync_engine_get_online (engine));
  g_signal_connect_object (engine, "changed", G_CALLBACK (on_engine_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notify::online", G_CALLBACK (on_engine_online_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "notice", G_CALLBACK (on_engine_notice_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "session-ended", G_CALLBACK (on_session_ended_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (engine, "topic-changed", G_CALLBACK (on_topic_changed_cb), self,
                           G_CONNECT_SWAPPED);
  rb_store_run_async (self->store, has_building_job, NULL, NULL, NULL, self->cancellable,
                      on_has_building_cb, g_object_ref (self));
  refresh_health (self);
  return self;
}

/* For tests and benchmarks that drive the engine directly. */
RbSyncEngine *
rb_server_service_get_engine (RbServerService *self)
{
  g_return_val_if_fail (RB_IS_SERVER_SERVICE (self), NULL);
  return self->engine;
}
