/* rb-local-service.c: the client service of a standalone app (rb-client-service.h), on the
 * app's own store. Every call is a job on the store's thread; the rules are the store's, as
 * on the server.
 *
 * Who books: whoever signed in with staff number and PIN, checked against the PIN hashes in
 * this database with the same lockout as the server; the session they get is an ordinary
 * session of the store, whose token is this service's session-secret. Only on the demo
 * building may anyone be chosen from a list without a PIN — a demo has no secrets — and the
 * service says so (offers-person-picker). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-audit.h"
#include "rb-badges.h"
#include "rb-blocks.h"
#include "rb-building-store.h"
#include "rb-floor-plans.h"
#include "rb-local-service.h"
#include "rb-name-consent.h"
#include "rb-occupancy.h"
#include "rb-policy-store.h"
#include "rb-read-trace.h"
#include "rb-people-store.h"
#include "rb-retention.h"
#include "rb-rights.h"
#include "rb-series-store.h"

struct _RbLocalService
{
  RbClientService parent_instance;

  RbStore *store;
  GCancellable *cancellable;
  guint release_source;
  /* the demo people's PINs, waiting to be hashed (a Prepare) */
  gpointer demo_pins;
  guint demo_pins_source;
  /* the signed-in person's session in the store; also the session-secret */
  char *session_token;
};

G_DEFINE_FINAL_TYPE (RbLocalService, rb_local_service, RB_TYPE_CLIENT_SERVICE)

/* The arguments of one call; each job uses the fields it needs. */
typedef struct
{
  char *id;
  char *other_id;
  char *text;
  char *actor_id;
  char *pin;
  RbInterval range;
  gint64 number;
  int scope;
  RbBooking *booking;
  RbPerson *person;
  RbSeriesRequest *series;
  RbOccupancyQuery query;
  RbPolicy policy;
  JsonNode *document;
  GBytes *bytes;
} Call;

static void
call_free (Call *call)
{
  g_free (call->id);
  g_free (call->other_id);
  g_free (call->text);
  g_free (call->actor_id);
  if (call->pin != NULL)
    memset (call->pin, 0, strlen (call->pin));
  g_free (call->pin);
  g_clear_object (&call->booking);
  g_clear_object (&call->person);
  g_clear_pointer (&call->series, rb_series_request_free);
  g_clear_pointer (&call->document, json_node_unref);
  g_clear_pointer (&call->bytes, g_bytes_unref);
  g_free (call);
}

static Call *
call_new (RbLocalService *self)
{
  Call *call = g_new0 (Call, 1);
  RbPerson *person = rb_client_service_get_person (RB_CLIENT_SERVICE (self));

  /* Whoever is signed in when the call is made acts, even if that changes meanwhile. */
  call->actor_id = person != NULL ? g_strdup (rb_person_get_id (person)) : NULL;
  return call;
}

/* ---- running jobs ------------------------------------------------------------------------- */

typedef enum
{
  RESULT_POINTER,
  RESULT_BOOLEAN,
} ResultKind;

typedef struct
{
  GDestroyNotify result_free;
  ResultKind kind;
  gboolean changes;
} JobInfo;

static void
on_job_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbLocalService *self = g_task_get_source_object (task);
  JobInfo *info = g_task_get_task_data (task);
  GError *error = NULL;
  gpointer value = rb_store_run_finish (RB_STORE (source), result, &error);

  if (value == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (info->kind == RESULT_BOOLEAN)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_pointer (task, value, info->result_free);
  /* Every view of this app reloads after a write, as a server's clients do after a push. */
  if (info->changes)
    rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
}

/* Runs func on the store's thread; its result completes a task of the service. A job whose
 * result is a boolean returns any non-NULL pointer for TRUE (and nothing to free). */
static void
run_job (RbLocalService *self, RbStoreFunc func, Call *call, GDestroyNotify result_free,
         ResultKind kind, gboolean changes, gpointer source_tag, GCancellable *cancellable,
         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  JobInfo *info = g_new0 (JobInfo, 1);

  info->result_free = result_free;
  info->kind = kind;
  info->changes = changes;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, info, g_free);
  rb_store_run_async (self->store, func, call, (GDestroyNotify) call_free,
                      kind == RESULT_BOOLEAN ? NULL : result_free, cancellable, on_job_done_cb,
                      task);
}

#define LIST_FREE ((GDestroyNotify) g_ptr_array_unref)

/* The person acting, or RB_ERROR_UNAUTHENTICATED. */
static RbPerson *
actor (RbStore *store, Call *call, GError **error)
{
  if (call->actor_id == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  return rb_store_get_person_sync (store, call->actor_id, error);
}

static gboolean
actor_may (RbStore *store, Call *call, gboolean (*may) (RbRole), GError **error)
{
  g_autoptr (RbPerson) person = actor (store, call, error);

  if (person == NULL)
    return FALSE;
  if (!may (rb_person_get_role (person)))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Other people's bookings come without who and what, as from a server (DESIGN.md, 5); those
 * the viewer is shown with their person leave a trace in the audit log (issue 13), named by
 * `via`. */
static gboolean
hide_others (RbStore *store, GPtrArray *bookings, const char *viewer_id, const char *via,
             GError **error)
{
  g_autoptr (RbSite) site = rb_store_get_site_sync (store, error);
  g_autoptr (RbReadTrace) reads = rb_read_trace_new (viewer_id, via);

  if (site == NULL)
    return FALSE;
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      g_autofree char *title = g_strdup (rb_booking_get_title (booking));

      if (rb_booking_shows_person_to (booking, viewer_id, rb_site_get_show_names (site)))
        {
          rb_read_trace_add (reads, booking);
          continue;
        }
      rb_booking_hide_person (booking);
      /* Nobody signed in (a door panel standing alone) reads the titles where the site
       * shows names, as the server sends them to the room's panel. */
      if (viewer_id == NULL && rb_site_get_show_names (site))
        rb_booking_set_title (booking, title);
    }
  return rb_read_trace_write_sync (reads, store, error);
}

/* ---- the building --------------------------------------------------------------------------- */

static gpointer
list_floors_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_list_floors_sync (store, error);
}

static gpointer
list_spaces_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_list_spaces_sync (store, ((Call *) data)->id, error);
}

static gpointer
list_blocks_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  return rb_store_list_blocks_sync (store, call->id, NULL, call->range, error);
}

static void
list_floors_async (RbClientService *service, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_job (self, list_floors_job, call_new (self), LIST_FREE, RESULT_POINTER, FALSE,
           list_floors_async, cancellable, callback, user_data);
}

static void
list_spaces_async (RbClientService *service, const char *floor_id, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (floor_id);
  run_job (self, list_spaces_job, call, LIST_FREE, RESULT_POINTER, FALSE, list_spaces_async,
           cancellable, callback, user_data);
}

static void
list_blocks_async (RbClientService *service, const char *floor_id, RbInterval range,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (floor_id);
  call->range = range;
  run_job (self, list_blocks_job, call, LIST_FREE, RESULT_POINTER, FALSE, list_blocks_async,
           cancellable, callback, user_data);
}

/* ---- bookings ------------------------------------------------------------------------------- */

static gpointer
list_bookings_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  RbBookingQuery query = { call->other_id, call->id, NULL, call->range, TRUE };
  g_autoptr (GPtrArray) bookings = rb_store_list_bookings_sync (store, &query, error);

  if (bookings == NULL || !hide_others (store, bookings, call->actor_id, "app: bookings", error))
    return NULL;
  return g_steal_pointer (&bookings);
}

static gpointer
list_my_bookings_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  RbBookingQuery query = { NULL, NULL, call->actor_id, call->range, FALSE };

  if (call->actor_id == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  return rb_store_list_bookings_sync (store, &query, error);
}

static gpointer
create_booking_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  /* Nobody signed in: a door panel's anonymous booking, which the store makes only where
   * the site allows it. Standalone, this installation is the panel. */
  rb_booking_set_person_id (call->booking, call->actor_id);
  if (call->actor_id == NULL)
    return rb_store_create_door_booking_sync (store, call->booking, RB_STORE_STANDALONE_DOOR,
                                              error);
  return rb_store_create_booking_sync (store, call->booking, error);
}

static gpointer
update_booking_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  /* Nobody signed in: the door panel ends or extends what it booked for nobody. */
  if (call->actor_id == NULL)
    return rb_store_update_door_booking_sync (store, call->id, RB_STORE_STANDALONE_DOOR,
                                              call->number, call->range, error);
  return rb_store_update_booking_sync (store, call->id, call->actor_id, call->number, call->range,
                                       call->text, call->text != NULL, error);
}

static gpointer
cancel_booking_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  if (call->actor_id == NULL)
    return rb_store_cancel_door_booking_sync (store, call->id, RB_STORE_STANDALONE_DOOR, error);
  return rb_store_cancel_booking_sync (store, call->id, call->actor_id, error);
}

static gpointer
check_in_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  return rb_store_check_in_sync (store, call->id, call->actor_id, error);
}

/* A kiosk's calls act for the person identified there, a desktop's for whoever signed in. */
static Call *
call_for (RbLocalService *self, RbIdentity *who)
{
  Call *call = call_new (self);

  if (who != NULL)
    {
      g_free (call->actor_id);
      call->actor_id = g_strdup (rb_person_get_id (rb_identity_get_person (who)));
    }
  return call;
}

static void
list_bookings_async (RbClientService *service, const char *floor_id, const char *space_id,
                     RbInterval range, GCancellable *cancellable, GAsyncReadyCallback callback,
                     gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (floor_id);
  call->other_id = g_strdup (space_id);
  call->range = range;
  run_job (self, list_bookings_job, call, LIST_FREE, RESULT_POINTER, FALSE, list_bookings_async,
           cancellable, callback, user_data);
}

static void
list_my_bookings_async (RbClientService *service, RbIdentity *who, RbInterval range,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_for (self, who);

  call->range = range;
  run_job (self, list_my_bookings_job, call, LIST_FREE, RESULT_POINTER, FALSE,
           list_my_bookings_async, cancellable, callback, user_data);
}

static void
create_booking_async (RbClientService *service, RbIdentity *who, RbBooking *request,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_for (self, who);
  RbBooking *copy = rb_booking_new (rb_booking_get_id (request), rb_booking_get_space_id (request),
                                    NULL, rb_booking_get_interval (request));

  /* A copy: the request stays the caller's, and the store's thread gets its own object. */
  rb_booking_set_title (copy, rb_booking_get_title (request));
  rb_booking_set_attendees (copy, rb_booking_get_attendees (request));
  /* Checked in at once: booked at a kiosk, by the person there, starting now. */
  rb_booking_set_state (copy, rb_booking_get_state (request));
  call->booking = copy;
  run_job (self, create_booking_job, call, g_object_unref, RESULT_POINTER, TRUE,
           create_booking_async, cancellable, callback, user_data);
}

static void
update_booking_async (RbClientService *service, RbBooking *booking, RbInterval interval,
                      const char *title, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (rb_booking_get_id (booking));
  call->number = rb_booking_get_version (booking);
  call->range = interval;
  call->text = g_strdup (title);
  run_job (self, update_booking_job, call, g_object_unref, RESULT_POINTER, TRUE,
           update_booking_async, cancellable, callback, user_data);
}

static void
cancel_booking_async (RbClientService *service, const char *booking_id,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (booking_id);
  run_job (self, cancel_booking_job, call, g_object_unref, RESULT_POINTER, TRUE,
           cancel_booking_async, cancellable, callback, user_data);
}

static void
check_in_async (RbClientService *service, RbIdentity *who, const char *booking_id,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_for (self, who);

  call->id = g_strdup (booking_id);
  run_job (self, check_in_job, call, g_object_unref, RESULT_POINTER, TRUE, check_in_async,
           cancellable, callback, user_data);
}

/* ---- identifying: staff number and PIN -------------------------------------------------- */

/* Checks a PIN in three steps, so that neither the main context nor the store's thread waits
 * for Argon2id (about 100 ms on purpose): the lock and the hash are looked up on the store's
 * thread, the PIN is verified on a thread of its own, and the outcome (a wrong PIN counted,
 * or a session opened) is written on the store's thread again. */
typedef struct
{
  char *staff_number;
  char *pin;
  char *pin_hash;
  RbPerson *person;
  gboolean matched;
  /* when the lock that this wrong PIN set ends (0: none), and the store's time then */
  gint64 locked_until;
  gint64 failed_at;
  /* a desktop sign-in keeps a session; a kiosk's flow does not */
  gboolean keep_session;
  gboolean picked;
  char *token;
} Identify;

static void
identify_free (Identify *identify)
{
  g_free (identify->staff_number);
  if (identify->pin != NULL)
    memset (identify->pin, 0, strlen (identify->pin));
  g_free (identify->pin);
  g_free (identify->pin_hash);
  g_clear_object (&identify->person);
  if (identify->token != NULL)
    memset (identify->token, 0, strlen (identify->token));
  g_free (identify->token);
  g_free (identify);
}

static gpointer
identify_lookup_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Identify *identify = data;
  GError *local_error = NULL;
  int failures = 0;

  if (identify->picked)
    {
      identify->person = rb_store_find_person_by_staff_number_sync (store, identify->staff_number,
                                                                    error);
      return identify->person != NULL ? identify : NULL;
    }
  if (!rb_auth_check_lock_sync (store, identify->staff_number, &failures, error))
    return NULL;
  identify->pin_hash = rb_auth_get_pin_hash_sync (store, identify->staff_number,
                                                  &identify->person, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return identify;
}

static gpointer
identify_outcome_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Identify *identify = data;
  GError *local_error = NULL;
  gint64 expires_at = 0;

  if (!identify->matched)
    {
      identify->failed_at = rb_store_now (store);
      return rb_auth_record_failure_sync (store, identify->staff_number, &identify->locked_until,
                                          error)
                 ? identify
                 : NULL;
    }
  /* A right PIN of a deactivated person, or a one-time PIN, opens no session: the person
   * learns why (the PIN was right, so nothing is given away). */
  if (!rb_auth_reset_failures_sync (store, identify->staff_number, error))
    return NULL;
  if (!rb_people_store_check_may_sign_in_sync (store, rb_person_get_id (identify->person),
                                               &local_error))
    {
      /* Whoever the demo's chooser picks used no PIN, so has none to change. */
      if (!identify->picked
          || !g_error_matches (local_error, RB_ERROR, RB_ERROR_PIN_CHANGE_REQUIRED))
        {
          g_propagate_error (error, local_error);
          return NULL;
        }
      g_clear_error (&local_error);
    }
  /* A session resets the count of wrong PINs. A kiosk's is not kept: the kiosk forgets the
   * person when the flow ends. */
  identify->token = rb_auth_create_session_sync (
      store, identify->person, NULL,
      identify->keep_session ? RB_AUTH_SESSION_SECONDS : RB_AUTH_KIOSK_SESSION_SECONDS,
      &expires_at, error);
  return identify->token != NULL ? identify : NULL;
}

static void
on_identify_outcome_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbLocalService *self = g_task_get_source_object (task);
  Identify *identify = g_task_get_task_data (task);
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!identify->matched)
    {
      if (identify->locked_until != 0)
        rb_set_lock_error (&error, RB_ERROR_LOCKED, rb_store_get_time_zone (RB_STORE (source)),
                           identify->locked_until, identify->locked_until - identify->failed_at);
      else
        rb_set_error (&error, RB_ERROR_UNAUTHENTICATED, NULL);
      g_task_return_error (task, error);
      return;
    }
  if (!identify->keep_session)
    {
      g_task_return_pointer (task, rb_identity_new (identify->person, TRUE), g_object_unref);
      return;
    }
  g_free (self->session_token);
  self->session_token = g_strdup (identify->token);
  rb_client_service_set_person (RB_CLIENT_SERVICE (self), identify->person, self->session_token);
  g_task_return_pointer (task, g_object_ref (identify->person), g_object_unref);
}

static void
identify_verify_thread (GTask *verify, gpointer source, gpointer data, GCancellable *cancellable)
{
  Identify *identify = data;

  identify->matched = identify->picked
                      || (identify->pin_hash != NULL && identify->person != NULL
                          && rb_auth_verify_pin (identify->pin_hash, identify->pin));
  g_task_return_boolean (verify, TRUE);
}

static void
on_identify_verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbLocalService *self = g_task_get_source_object (task);

  /* The task's reference passes on to the next step. */
  rb_store_run_async (self->store, identify_outcome_job, g_task_get_task_data (task), NULL, NULL,
                      g_task_get_cancellable (task), on_identify_outcome_cb, task);
}

static void
on_identify_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GTask) verify = NULL;
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* An unknown staff number is verified (and fails) like a wrong PIN, so the time taken
   * does not tell which staff numbers exist. */
  verify = g_task_new (NULL, g_task_get_cancellable (task), on_identify_verified_cb,
                       g_object_ref (task));
  g_task_set_task_data (verify, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (verify, identify_verify_thread);
}

static void
start_identify (RbLocalService *self, const char *staff_number, const char *pin,
                gboolean keep_session, gpointer source_tag, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Identify *identify = g_new0 (Identify, 1);

  g_task_set_source_tag (task, source_tag);
  identify->staff_number = g_strdup (staff_number);
  identify->pin = g_strdup (pin);
  identify->keep_session = keep_session;
  identify->picked = pin == NULL;
  g_task_set_task_data (task, identify, (GDestroyNotify) identify_free);
  if (identify->picked
      && !rb_client_service_get_offers_person_picker (RB_CLIENT_SERVICE (self)))
    {
      g_task_return_new_error (task, RB_ERROR, RB_ERROR_UNAUTHENTICATED, "%s",
                               rb_error_code_message (RB_ERROR_UNAUTHENTICATED));
      g_object_unref (task);
      return;
    }
  rb_store_run_async (self->store, identify_lookup_job, identify, NULL, NULL, cancellable,
                      on_identify_looked_up_cb, task);
}

static void
identify_async (RbClientService *service, const char *staff_number, const char *pin,
                GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (pin != NULL);
  start_identify (RB_LOCAL_SERVICE (service), staff_number, pin, FALSE, identify_async,
                  cancellable, callback, user_data);
}

static void
sign_in_async (RbClientService *service, const char *staff_number, const char *pin,
               GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  start_identify (RB_LOCAL_SERVICE (service), staff_number, pin, TRUE, sign_in_async,
                  cancellable, callback, user_data);
}

/* ---- identifying: a badge alone (issue 12) ----------------------------------------------- */

/* A standalone kiosk is the one device there is. Its unknown badges are counted like wrong
 * PINs (rb_auth_record_failure_sync) under a key no staff number can have: five in a row
 * stop badges for five minutes (RB_ERROR_TOO_MANY_ATTEMPTS; the kiosk then asks for the staff
 * number and PIN), and a known badge ends the run. A badge whose staff number is locked after
 * wrong PINs answers RB_ERROR_LOCKED, as the PIN would. */
#define BADGE_FAILURE_KEY "badge\n"

static gpointer
identify_badge_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *hash = rb_badge_hash_uid (call->pin, error);
  g_autoptr (RbPerson) person = NULL;
  gint64 locked_until = 0;
  int failures = 0;

  if (hash == NULL)
    return NULL;
  if (!rb_auth_check_lock_sync (store, BADGE_FAILURE_KEY, &failures, &local_error))
    {
      if (g_error_matches (local_error, RB_ERROR, RB_ERROR_LOCKED))
        rb_set_error (error, RB_ERROR_TOO_MANY_ATTEMPTS, NULL);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  person = rb_badges_find_person_sync (store, hash, &local_error);
  if (person == NULL)
    {
      if (!g_error_matches (local_error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (!rb_auth_record_failure_sync (store, BADGE_FAILURE_KEY, &locked_until, error))
        return NULL;
      rb_set_error (error, locked_until != 0 ? RB_ERROR_TOO_MANY_ATTEMPTS : RB_ERROR_BADGE_UNKNOWN,
                    NULL);
      return NULL;
    }
  if (!rb_auth_reset_failures_sync (store, BADGE_FAILURE_KEY, error)
      || !rb_badges_check_may_identify_sync (store, person, error)
      || !rb_auth_check_lock_sync (store, rb_person_get_staff_number (person), &failures, error))
    return NULL;
  return rb_identity_new (person, TRUE);
}

static void
identify_badge_async (RbClientService *service, const char *uid, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->pin = g_strdup (uid);
  run_job (self, identify_badge_job, call, g_object_unref, RESULT_POINTER, FALSE,
           identify_badge_async, cancellable, callback, user_data);
}

/* ---- sessions ------------------------------------------------------------------------------- */

static gpointer
resume_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  g_autoptr (RbPerson) person = rb_auth_lookup_session_sync (store, call->text, NULL, error);

  if (person == NULL)
    return NULL;
  if (g_strcmp0 (rb_person_get_id (person), call->id) != 0)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  return g_steal_pointer (&person);
}

static void
on_resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbLocalService *self = g_task_get_source_object (task);
  GError *error = NULL;
  RbPerson *person = rb_store_run_finish (RB_STORE (source), result, &error);

  if (person == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_free (self->session_token);
  self->session_token = g_strdup (g_task_get_task_data (task));
  rb_client_service_set_person (RB_CLIENT_SERVICE (self), person, self->session_token);
  g_task_return_pointer (task, person, g_object_unref);
}

static void
resume_async (RbClientService *service, const char *person_id, const char *secret,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Call *call = call_new (self);

  g_task_set_source_tag (task, resume_async);
  g_task_set_task_data (task, g_strdup (secret), g_free);
  call->id = g_strdup (person_id);
  call->text = g_strdup (secret);
  rb_store_run_async (self->store, resume_job, call, (GDestroyNotify) call_free, g_object_unref,
                      cancellable, on_resumed_cb, task);
}

static gpointer
sign_out_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  return call->text == NULL || rb_auth_delete_session_sync (store, call->text, error)
             ? GINT_TO_POINTER (1)
             : NULL;
}

static void
sign_out_async (RbClientService *service, GCancellable *cancellable,
                GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  /* Signed out at once, whatever becomes of the session row. */
  call->text = g_steal_pointer (&self->session_token);
  rb_client_service_set_person (service, NULL, NULL);
  run_job (self, sign_out_job, call, NULL, RESULT_BOOLEAN, FALSE, sign_out_async, cancellable,
           callback, user_data);
}

static gpointer
list_people_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_store_list_people_sync (store, error);
}

static void
list_people_async (RbClientService *service, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  if (!rb_client_service_get_offers_person_picker (service))
    {
      g_task_report_new_error (self, callback, user_data, list_people_async, RB_ERROR,
                               RB_ERROR_FORBIDDEN, "%s",
                               rb_error_code_message (RB_ERROR_FORBIDDEN));
      return;
    }
  run_job (self, list_people_job, call_new (self), LIST_FREE, RESULT_POINTER, FALSE,
           list_people_async, cancellable, callback, user_data);
}

/* ---- administering people and PINs (issue 11) --------------------------------------------- */

typedef struct
{
  Call *call;
  JsonNode *fields;
  GBytes *csv;
  gboolean flag;
  gboolean deactivate_missing;
} PeopleCall;

static void
people_call_free (PeopleCall *pc)
{
  call_free (pc->call);
  g_clear_pointer (&pc->fields, json_node_unref);
  g_clear_pointer (&pc->csv, g_bytes_unref);
  g_free (pc);
}

static PeopleCall *
people_call_new (RbLocalService *self)
{
  PeopleCall *pc = g_new0 (PeopleCall, 1);

  pc->call = call_new (self);
  return pc;
}

static void
run_people_job (RbLocalService *self, RbStoreFunc func, PeopleCall *pc, gboolean changes,
                gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  JobInfo *info = g_new0 (JobInfo, 1);

  info->result_free = (GDestroyNotify) json_node_unref;
  info->kind = RESULT_POINTER;
  info->changes = changes;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, info, g_free);
  rb_store_run_async (self->store, func, pc, (GDestroyNotify) people_call_free,
                      info->result_free, cancellable, on_job_done_cb, task);
}

static gpointer
list_people_admin_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (!actor_may (store, pc->call, rb_role_is_admin, error))
    return NULL;
  return rb_people_store_list_sync (store, pc->flag, error);
}

static void
list_people_admin_async (RbClientService *service, gboolean include_inactive,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->flag = include_inactive;
  run_people_job (self, list_people_admin_job, pc, FALSE, list_people_admin_async, cancellable,
                  callback, user_data);
}

static gpointer
save_person_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;
  RbPersonFields fields;
  gboolean has_active, active;
  gboolean create = pc->call->id == NULL;

  if (!actor_may (store, pc->call, rb_role_is_admin, error)
      || !rb_person_fields_from_json (json_node_get_object (pc->fields), create, &fields,
                                      &has_active, &active, error))
    return NULL;
  if (has_active)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(active)");
      return NULL;
    }
  return create ? rb_people_store_create_sync (store, pc->call->actor_id, &fields, error)
                : rb_people_store_update_sync (store, pc->call->actor_id, pc->call->id, &fields,
                                               error);
}

static void
save_person_async (RbClientService *service, const char *person_id, JsonNode *fields,
                   GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->call->id = g_strdup (person_id);
  pc->fields = json_node_copy (fields);
  run_people_job (self, save_person_job, pc, TRUE, save_person_async, cancellable, callback,
                  user_data);
}

static gpointer
set_person_active_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (!actor_may (store, pc->call, rb_role_is_admin, error))
    return NULL;
  return rb_people_store_set_active_sync (store, pc->call->actor_id, pc->call->id, pc->flag,
                                          error);
}

static void
set_person_active_async (RbClientService *service, const char *person_id, gboolean active,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->call->id = g_strdup (person_id);
  pc->flag = active;
  run_people_job (self, set_person_active_job, pc, TRUE, set_person_active_async, cancellable,
                  callback, user_data);
}

static gpointer
register_badge_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;
  g_autofree char *hash = NULL;

  if (!actor_may (store, pc->call, rb_role_is_admin, error)
      || !(hash = rb_badge_hash_uid (pc->call->pin, error)))
    return NULL;
  return rb_badges_register_sync (store, pc->call->actor_id, pc->call->id, hash, error);
}

static void
register_badge_async (RbClientService *service, const char *person_id, const char *uid,
                      GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->call->id = g_strdup (person_id);
  pc->call->pin = g_strdup (uid);
  run_people_job (self, register_badge_job, pc, TRUE, register_badge_async, cancellable,
                  callback, user_data);
}

static gpointer
remove_badges_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (!actor_may (store, pc->call, rb_role_is_admin, error))
    return NULL;
  return rb_badges_remove_sync (store, pc->call->actor_id, pc->call->id, error);
}

static void
remove_badges_async (RbClientService *service, const char *person_id,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->call->id = g_strdup (person_id);
  run_people_job (self, remove_badges_job, pc, TRUE, remove_badges_async, cancellable, callback,
                  user_data);
}

/* Names only by consent (issue 13): the signed-in person's own choice. */
static gpointer
get_name_consent_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (pc->call->actor_id == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  return rb_name_consent_get_sync (store, pc->call->actor_id, error);
}

static void
get_name_consent_async (RbClientService *service, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_people_job (self, get_name_consent_job, people_call_new (self), FALSE,
                  get_name_consent_async, cancellable, callback, user_data);
}

static gpointer
set_name_consent_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (pc->call->actor_id == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  return rb_name_consent_set_sync (store, pc->call->actor_id, pc->flag, error);
}

static void
set_name_consent_async (RbClientService *service, gboolean show_name, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->flag = show_name;
  run_people_job (self, set_name_consent_job, pc, TRUE, set_name_consent_async, cancellable,
                  callback, user_data);
}

/* ---- people's rights (issue 13) ----------------------------------------------------------- */

static gpointer
export_my_data_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;
  g_autoptr (RbPerson) person = actor (store, pc->call, error);

  return person != NULL ? rb_rights_export_sync (store, rb_person_get_id (person), error) : NULL;
}

static void
export_my_data_async (RbClientService *service, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_people_job (self, export_my_data_job, people_call_new (self), FALSE, export_my_data_async,
                  cancellable, callback, user_data);
}

static gpointer
erase_person_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;

  if (!actor_may (store, pc->call, rb_role_is_admin, error))
    return NULL;
  return rb_rights_erase_sync (store, pc->call->actor_id, pc->call->id, error);
}

static void
erase_person_async (RbClientService *service, const char *person_id,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->call->id = g_strdup (person_id);
  run_people_job (self, erase_person_job, pc, TRUE, erase_person_async, cancellable, callback,
                  user_data);
}

static gpointer
import_people_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PeopleCall *pc = data;
  g_autoptr (GPtrArray) rows = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  gsize size;
  const char *csv = g_bytes_get_data (pc->csv, &size);

  if (!actor_may (store, pc->call, rb_role_is_admin, error)
      || !(rows = rb_people_csv_read (csv != NULL ? csv : "", size, &errors, error)))
    return NULL;
  return rb_people_store_import_sync (store, pc->call->actor_id, rows, errors,
                                      pc->deactivate_missing, pc->flag, error);
}

/* A standalone app has no directory (issue 14): a server connects to it. */
static void
sign_in_directory_async (RbClientService *service, const char *username, const char *password,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  g_task_report_new_error (service, callback, user_data, sign_in_directory_async, RB_ERROR,
                           RB_ERROR_NO_DIRECTORY, "%s",
                           rb_error_code_message (RB_ERROR_NO_DIRECTORY));
}

static void
sync_directory_async (RbClientService *service, gboolean dry_run, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data)
{
  g_task_report_new_error (service, callback, user_data, sync_directory_async, RB_ERROR,
                           RB_ERROR_NO_DIRECTORY, "%s",
                           rb_error_code_message (RB_ERROR_NO_DIRECTORY));
}

static void
import_people_async (RbClientService *service, GBytes *csv, gboolean dry_run,
                     gboolean deactivate_missing, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  PeopleCall *pc = people_call_new (self);

  pc->csv = g_bytes_ref (csv);
  pc->flag = dry_run;
  pc->deactivate_missing = deactivate_missing;
  run_people_job (self, import_people_job, pc, !dry_run, import_people_async, cancellable,
                  callback, user_data);
}

/* PINs take three steps like identifying: what is needed is read on the store's thread, PINs
 * are checked and hashed on a thread of their own, and the outcome is written on the store's
 * thread again. */
typedef struct
{
  char *actor_id;
  char *person_id;
  char *staff_number;
  char *pin;
  char *new_pin;
  char *pin_hash;
  char *new_hash;
  RbPerson *person;
  gboolean one_time;
  gboolean matched;
  /* as in Identify */
  gint64 locked_until;
  gint64 failed_at;
} PinCall;

static void
wipe_free (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
pin_call_free (PinCall *pin)
{
  g_free (pin->actor_id);
  g_free (pin->person_id);
  g_free (pin->staff_number);
  wipe_free (pin->pin);
  wipe_free (pin->new_pin);
  g_free (pin->pin_hash);
  g_free (pin->new_hash);
  g_clear_object (&pin->person);
  g_free (pin);
}

static gpointer
issue_lookup_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PinCall *pin = data;
  Call call = { .actor_id = pin->actor_id };
  g_autoptr (JsonNode) person = NULL;
  JsonObject *o;

  if (!actor_may (store, &call, rb_role_is_admin, error)
      || !(person = rb_people_store_person_to_json_sync (store, pin->person_id, error)))
    return NULL;
  o = json_node_get_object (person);
  if (!json_object_get_boolean_member (o, "active"))
    {
      rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
      return NULL;
    }
  pin->staff_number = g_strdup (json_object_get_string_member (o, "staff_number"));
  return pin;
}

static gpointer
change_lookup_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PinCall *pin = data;
  GError *local_error = NULL;
  int failures = 0;

  if (pin->staff_number == NULL)
    {
      Call call = { .actor_id = pin->actor_id };
      g_autoptr (RbPerson) me = actor (store, &call, error);

      if (me == NULL)
        return NULL;
      pin->staff_number = g_strdup (rb_person_get_staff_number (me));
    }
  if (!rb_pin_rules_validate (pin->new_pin, pin->staff_number, error)
      || !rb_auth_check_lock_sync (store, pin->staff_number, &failures, error))
    return NULL;
  pin->pin_hash = rb_auth_get_pin_hash_sync (store, pin->staff_number, &pin->person,
                                             &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return pin;
}

static gpointer
pin_outcome_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  PinCall *pin = data;
  g_autoptr (JsonNode) person = NULL;

  if (pin->one_time)
    return rb_people_store_set_pin_sync (store, pin->actor_id, pin->person_id, pin->new_hash,
                                         TRUE, error)
               ? pin
               : NULL;
  if (!pin->matched)
    {
      pin->failed_at = rb_store_now (store);
      return rb_auth_record_failure_sync (store, pin->staff_number, &pin->locked_until, error)
                 ? pin
                 : NULL;
    }
  if (!rb_auth_reset_failures_sync (store, pin->staff_number, error)
      || !(person = rb_people_store_person_to_json_sync (store, rb_person_get_id (pin->person),
                                                         error)))
    return NULL;
  if (!json_object_get_boolean_member (json_node_get_object (person), "active"))
    {
      rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
      return NULL;
    }
  return rb_people_store_set_pin_sync (store, rb_person_get_id (pin->person),
                                       rb_person_get_id (pin->person), pin->new_hash, FALSE,
                                       error)
             ? pin
             : NULL;
}

static void
on_pin_outcome_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  PinCall *pin = g_task_get_task_data (task);
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    g_task_return_error (task, error);
  else if (pin->one_time)
    g_task_return_pointer (task, g_strdup (pin->new_pin), g_free);
  else if (!pin->matched && pin->locked_until != 0)
    {
      rb_set_lock_error (&error, RB_ERROR_LOCKED, rb_store_get_time_zone (RB_STORE (source)),
                         pin->locked_until, pin->locked_until - pin->failed_at);
      g_task_return_error (task, error);
    }
  else if (!pin->matched)
    g_task_return_new_error (task, RB_ERROR, RB_ERROR_UNAUTHENTICATED, "%s",
                             rb_error_code_message (RB_ERROR_UNAUTHENTICATED));
  else
    g_task_return_boolean (task, TRUE);
}

static void
pin_hash_thread (GTask *hash, gpointer source, gpointer data, GCancellable *cancellable)
{
  PinCall *pin = data;
  GError *error = NULL;

  if (pin->one_time)
    pin->new_pin = rb_auth_new_one_time_pin (pin->staff_number);
  else
    pin->matched = pin->pin_hash != NULL && pin->person != NULL
                   && rb_auth_verify_pin (pin->pin_hash, pin->pin);
  if ((pin->one_time || pin->matched) && !(pin->new_hash = rb_auth_hash_pin (pin->new_pin, &error)))
    g_task_return_error (hash, error);
  else
    g_task_return_boolean (hash, TRUE);
}

static void
on_pin_hashed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbLocalService *self = g_task_get_source_object (task);
  GCancellable *cancellable;
  PinCall *pin;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }
  /* Read before the task's reference passes on (the order of arguments is unspecified). */
  cancellable = g_task_get_cancellable (task);
  pin = g_task_get_task_data (task);
  rb_store_run_async (self->store, pin_outcome_job, pin, NULL, NULL, cancellable,
                      on_pin_outcome_cb, g_steal_pointer (&task));
}

static void
on_pin_looked_up_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  g_autoptr (GTask) hash = NULL;
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  hash = g_task_new (NULL, g_task_get_cancellable (task), on_pin_hashed_cb, g_object_ref (task));
  g_task_set_task_data (hash, g_task_get_task_data (task), NULL);
  g_task_run_in_thread (hash, pin_hash_thread);
}

static void
start_pin (RbLocalService *self, PinCall *pin, RbStoreFunc lookup, gpointer source_tag,
           GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RbPerson *person = rb_client_service_get_person (RB_CLIENT_SERVICE (self));

  pin->actor_id = person != NULL ? g_strdup (rb_person_get_id (person)) : NULL;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, pin, (GDestroyNotify) pin_call_free);
  rb_store_run_async (self->store, lookup, pin, NULL, NULL, cancellable, on_pin_looked_up_cb,
                      task);
}

static void
issue_one_time_pin_async (RbClientService *service, const char *person_id,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  PinCall *pin = g_new0 (PinCall, 1);

  pin->person_id = g_strdup (person_id);
  pin->one_time = TRUE;
  start_pin (RB_LOCAL_SERVICE (service), pin, issue_lookup_job, issue_one_time_pin_async,
             cancellable, callback, user_data);
}

static void
change_pin_async (RbClientService *service, const char *staff_number, const char *old_pin,
                  const char *new_pin, GCancellable *cancellable, GAsyncReadyCallback callback,
                  gpointer user_data)
{
  PinCall *pin = g_new0 (PinCall, 1);

  pin->staff_number = g_strdup (staff_number);
  pin->pin = g_strdup (old_pin);
  pin->new_pin = g_strdup (new_pin);
  start_pin (RB_LOCAL_SERVICE (service), pin, change_lookup_job, change_pin_async, cancellable,
             callback, user_data);
}

/* ---- series ----------------------------------------------------------------------------- */

static gpointer
series_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  if (!actor_may (store, call, rb_series_may_create, error))
    return NULL;
  g_free (call->series->person_id);
  call->series->person_id = g_strdup (call->actor_id);
  return call->number ? rb_series_store_create_sync (store, call->series, error)
                      : rb_series_store_check_sync (store, call->series, error);
}

static Call *
series_call (RbLocalService *self, const RbSeriesRequest *request, gboolean write)
{
  Call *call = call_new (self);

  call->series = rb_series_request_copy (request);
  call->number = write;
  return call;
}

static void
check_series_async (RbClientService *service, const RbSeriesRequest *request,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_job (self, series_job, series_call (self, request, FALSE),
           (GDestroyNotify) rb_series_result_free, RESULT_POINTER, FALSE, check_series_async,
           cancellable, callback, user_data);
}

static void
create_series_async (RbClientService *service, const RbSeriesRequest *request,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_job (self, series_job, series_call (self, request, TRUE),
           (GDestroyNotify) rb_series_result_free, RESULT_POINTER, TRUE, create_series_async,
           cancellable, callback, user_data);
}

static gpointer
cancel_series_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  return rb_series_store_cancel_sync (store, call->id, call->other_id, call->scope,
                                      call->actor_id, error);
}

static void
cancel_series_async (RbClientService *service, const char *series_id, const char *booking_id,
                     RbSeriesCancelScope scope, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (series_id);
  call->other_id = g_strdup (booking_id);
  call->scope = scope;
  run_job (self, cancel_series_job, call, LIST_FREE, RESULT_POINTER, TRUE, cancel_series_async,
           cancellable, callback, user_data);
}

/* ---- reports and blocks ----------------------------------------------------------------- */

static gpointer
occupancy_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  if (!actor_may (store, call, rb_occupancy_may_read_reports, error))
    return NULL;
  call->query.floor_id = call->id;
  return rb_occupancy_query_sync (store, &call->query, error);
}

static void
occupancy_async (RbClientService *service, const RbOccupancyQuery *query,
                 GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->query = *query;
  call->id = g_strdup (query->floor_id);
  run_job (self, occupancy_job, call, LIST_FREE, RESULT_POINTER, FALSE, occupancy_async,
           cancellable, callback, user_data);
}

static gpointer
preview_block_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  g_autoptr (GPtrArray) affected = NULL;

  if (!actor_may (store, call, rb_blocks_may_manage, error)
      || !(affected = rb_blocks_list_affected_sync (store, call->id, call->range, error))
      || !hide_others (store, affected, call->actor_id, "app: block preview", error))
    return NULL;
  return g_steal_pointer (&affected);
}

static gpointer
create_block_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  RbBlockResult *block = g_new0 (RbBlockResult, 1);

  block->block_id = rb_blocks_create_sync (store, call->id, call->range, call->text,
                                           call->actor_id, &block->cancelled, error);
  if (block->block_id == 0)
    {
      rb_block_result_free (block);
      return NULL;
    }
  return block;
}

static gpointer
lift_block_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  return rb_blocks_remove_sync (store, call->number, call->actor_id, error) ? GINT_TO_POINTER (1)
                                                                            : NULL;
}

static void
preview_block_async (RbClientService *service, const char *space_id, RbInterval interval,
                     GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (space_id);
  call->range = interval;
  run_job (self, preview_block_job, call, LIST_FREE, RESULT_POINTER, FALSE, preview_block_async,
           cancellable, callback, user_data);
}

static void
create_block_async (RbClientService *service, const char *space_id, RbInterval interval,
                    const char *reason, GCancellable *cancellable, GAsyncReadyCallback callback,
                    gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (space_id);
  call->range = interval;
  call->text = g_strdup (reason);
  run_job (self, create_block_job, call, (GDestroyNotify) rb_block_result_free, RESULT_POINTER,
           TRUE, create_block_async, cancellable, callback, user_data);
}

static void
lift_block_async (RbClientService *service, gint64 block_id, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->number = block_id;
  run_job (self, lift_block_job, call, NULL, RESULT_BOOLEAN, TRUE, lift_block_async, cancellable,
           callback, user_data);
}

/* ---- the building as a file ------------------------------------------------------------- */

/* ---- plan drawings ---------------------------------------------------------------------------- */

static gpointer
get_floor_plan_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  return rb_floor_plans_get_sync (store, ((Call *) data)->id, error);
}

static void
get_floor_plan_async (RbClientService *service, const char *floor_id,
                      GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (floor_id);
  run_job (self, get_floor_plan_job, call, (GDestroyNotify) rb_plan_drawing_free,
           RESULT_POINTER, FALSE, get_floor_plan_async, cancellable, callback, user_data);
}

static gpointer
set_floor_plan_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  gboolean done;

  if (!actor_may (store, call, rb_role_is_admin, error))
    return NULL;
  if (call->bytes != NULL)
    done = rb_floor_plans_set_sync (store, call->actor_id, call->id, call->text, call->bytes,
                                    NULL, error);
  else
    done = rb_floor_plans_remove_sync (store, call->actor_id, call->id, error);
  return done ? GINT_TO_POINTER (1) : NULL;
}

static void
set_floor_plan_async (RbClientService *service, const char *floor_id, const char *content_type,
                      GBytes *data, GCancellable *cancellable, GAsyncReadyCallback callback,
                      gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->id = g_strdup (floor_id);
  call->text = g_strdup (content_type);
  call->bytes = data != NULL ? g_bytes_ref (data) : NULL;
  run_job (self, set_floor_plan_job, call, NULL, RESULT_BOOLEAN, TRUE, set_floor_plan_async,
           cancellable, callback, user_data);
}


static gpointer
export_building_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr (RbBuildingDocument) document = NULL;

  if (!actor_may (store, data, rb_role_is_admin, error)
      || !(document = rb_building_store_export_sync (store, error)))
    return NULL;
  return rb_building_file_write (document);
}

static gpointer
import_building_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  g_autoptr (RbBuildingDocument) document = NULL;

  if (!actor_may (store, call, rb_role_is_admin, error)
      || !(document = rb_building_file_read (call->document, error)))
    return NULL;
  return rb_building_store_import_sync (store, document, call->actor_id,
                                        call->number ? RB_BUILDING_IMPORT_DRY_RUN
                                                     : RB_BUILDING_IMPORT_DEFAULT,
                                        error);
}

static void
export_building_async (RbClientService *service, GCancellable *cancellable,
                       GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  run_job (self, export_building_job, call_new (self), (GDestroyNotify) json_node_unref,
           RESULT_POINTER, FALSE, export_building_async, cancellable, callback, user_data);
}

static void
import_building_async (RbClientService *service, JsonNode *document, gboolean dry_run,
                       GCancellable *cancellable, GAsyncReadyCallback callback,
                       gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  /* Only read, on the store's thread; the caller does not change it meanwhile. */
  call->document = json_node_ref (document);
  call->number = dry_run;
  run_job (self, import_building_job, call, (GDestroyNotify) json_node_unref, RESULT_POINTER,
           !dry_run, import_building_async, cancellable, callback, user_data);
}

/* ---- the policy and the audit log ------------------------------------------------------- */

static gpointer
set_policy_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;

  /* An actor is required here: the store takes none as the server's command line. */
  if (!actor_may (store, call, rb_role_is_admin, error)
      || !rb_store_set_policy_sync (store, call->actor_id, &call->policy, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

static void
set_policy_async (RbClientService *service, const RbPolicy *policy, GCancellable *cancellable,
                  GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call = call_new (self);

  call->policy = *policy;
  run_job (self, set_policy_job, call, NULL, RESULT_BOOLEAN, TRUE, set_policy_async, cancellable,
           callback, user_data);
}

static gpointer
list_audit_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Call *call = data;
  RbAuditQuery query = { call->number, call->range.start, NULL, NULL };

  if (!actor_may (store, call, rb_role_is_admin, error))
    return NULL;
  return rb_audit_list_sync (store, &query, error);
}

static void
list_audit_async (RbClientService *service, guint limit, const char *before,
                  GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);
  Call *call;

  if (before != NULL && !g_ascii_string_to_signed (before, 10, 1, G_MAXINT64, NULL, NULL))
    {
      g_task_report_new_error (self, callback, user_data, list_audit_async, RB_ERROR,
                               RB_ERROR_INVALID_FIELD, "%s",
                               rb_error_code_message (RB_ERROR_INVALID_FIELD));
      return;
    }
  call = call_new (self);
  call->number = limit > 0 ? limit : RB_AUDIT_DEFAULT_LIMIT;
  call->range.start = before != NULL ? g_ascii_strtoll (before, NULL, 10) : 0;
  run_job (self, list_audit_job, call, (GDestroyNotify) json_node_unref, RESULT_POINTER, FALSE,
           list_audit_async, cancellable, callback, user_data);
}

/* ---- the site ------------------------------------------------------------------------------- */

static GTimeZone *
get_time_zone (RbClientService *service)
{
  return rb_store_get_time_zone (RB_LOCAL_SERVICE (service)->store);
}

static void
get_policy (RbClientService *service, RbPolicy *out_policy)
{
  rb_store_get_policy (RB_LOCAL_SERVICE (service)->store, out_policy);
}

static gint64
now (RbClientService *service)
{
  return rb_store_now (RB_LOCAL_SERVICE (service)->store);
}

/* ---- no-shows and retention ---------------------------------------------------------- */

/* Releases no-shows and applies the site's retention (rb-retention.c), as the server does;
 * the result is how many bookings changed + 1. */
static gpointer
housekeeping_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  RbRetentionCounts retention = { 0 };
  int released = rb_store_release_no_shows_sync (store, error);

  if (released < 0 || !rb_retention_apply_sync (store, &retention, error))
    return NULL;
  return GINT_TO_POINTER (released + retention.anonymised + retention.deleted + 1);
}

static void
on_housekeeping_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLocalService) self = user_data;
  g_autoptr (GError) error = NULL;
  int changed = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, &error)) - 1;

  if (changed < 0)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Releasing no-shows or applying retention failed: %s", error->message);
      return;
    }
  if (changed > 0)
    rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
}

static gboolean
on_release_tick_cb (gpointer user_data)
{
  RbLocalService *self = user_data;

  rb_store_run_async (self->store, housekeeping_job, NULL, NULL, NULL, self->cancellable,
                      on_housekeeping_done_cb, g_object_ref (self));
  return G_SOURCE_CONTINUE;
}

static void
stop_timers (RbClientService *service)
{
  RbLocalService *self = RB_LOCAL_SERVICE (service);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->release_source, g_source_remove);
  g_clear_handle_id (&self->demo_pins_source, g_source_remove);
}

/* ---- preparing the building ------------------------------------------------------------- */

/* On the first start of a standalone app the demo building is made and its people get the
 * hashes of their demo PINs. The building is there (and the service ready) after a few
 * milliseconds. The hashes take seconds of processor time (Argon2id on purpose): they are
 * computed off the store's thread, on one thread, and only once the first window has had
 * its start, so that the app is usable at once; only a kiosk's identification in those
 * first seconds waits for them. */
#define DEMO_PINS_DELAY_SECONDS 3
typedef struct
{
  /* the hashing stage runs without the service, which may go meanwhile */
  RbStore *store;
  GCancellable *cancellable;
  gboolean seed_demo;
  gboolean has_building;
  gboolean is_demo;
  JsonNode *demo;
  GPtrArray *ids;
  GPtrArray *pins;
  GPtrArray *hashes;
} Prepare;

static void
prepare_free (Prepare *prepare)
{
  g_clear_object (&prepare->store);
  g_clear_object (&prepare->cancellable);
  g_clear_pointer (&prepare->demo, json_node_unref);
  g_clear_pointer (&prepare->ids, g_ptr_array_unref);
  g_clear_pointer (&prepare->pins, g_ptr_array_unref);
  g_clear_pointer (&prepare->hashes, g_ptr_array_unref);
  g_free (prepare);
}

static gpointer
prepare_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Prepare *prepare = data;
  g_autoptr (RbSite) site = NULL;
  gboolean empty = FALSE;
  JsonNode *demo_site;

  if ((prepare->demo = rb_store_load_demo_building (error)) == NULL
      || !rb_store_is_empty_sync (store, &empty, error))
    return NULL;
  if (empty && prepare->seed_demo
      && !(rb_store_import_building_sync (store, prepare->demo, error)
           && rb_store_seed_demo_plans_sync (store, error)))
    return NULL;
  prepare->has_building = !empty || prepare->seed_demo;
  if (!prepare->has_building)
    return prepare;
  if ((site = rb_store_get_site_sync (store, error)) == NULL)
    return NULL;
  /* The demo building is known by its site; nothing else offers the person picker. */
  demo_site = json_object_get_member (json_node_get_object (prepare->demo), "site");
  prepare->is_demo = demo_site != NULL && JSON_NODE_HOLDS_OBJECT (demo_site)
                     && g_strcmp0 (rb_site_get_id (site),
                                   rb_json_get_string (json_node_get_object (demo_site), "id",
                                                       FALSE, NULL))
                            == 0;
  /* Only where the app itself made (or would make) the demo: a client given a database
   * with some PINs set, as tests are, has the PINs it needs. */
  if (prepare->is_demo && prepare->seed_demo
      && !rb_auth_list_missing_pins_sync (store, prepare->demo, &prepare->ids, &prepare->pins,
                                          error))
    return NULL;
  return prepare;
}

static gpointer
store_hashes_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Prepare *prepare = data;

  return rb_auth_set_pin_hashes_sync (store, prepare->ids, prepare->hashes, error) ? prepare
                                                                                    : NULL;
}

static void
on_hashes_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Storing the demo PINs failed: %s", error->message);
}

static void
hash_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Prepare *prepare = data;
  GError *error = NULL;

  prepare->hashes = rb_auth_hash_pins (prepare->pins, 1, &error);
  if (prepare->hashes == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_hashed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Prepare *prepare = user_data;
  g_autoptr (GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Hashing the demo PINs failed: %s", error->message);
      prepare_free (prepare);
      return;
    }
  rb_store_run_async (prepare->store, store_hashes_job, prepare, (GDestroyNotify) prepare_free,
                      NULL, prepare->cancellable, on_hashes_stored_cb, NULL);
}

static gboolean
on_hash_demo_pins_cb (gpointer user_data)
{
  RbLocalService *self = user_data;
  Prepare *hashed = g_steal_pointer (&self->demo_pins);
  GTask *hashing = g_task_new (NULL, self->cancellable, on_hashed_cb, hashed);

  hashed->store = g_object_ref (self->store);
  hashed->cancellable = g_object_ref (self->cancellable);
  g_task_set_task_data (hashing, hashed, NULL);
  g_task_run_in_thread (hashing, hash_thread);
  g_object_unref (hashing);
  self->demo_pins_source = 0;
  return G_SOURCE_REMOVE;
}

static void
on_prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbLocalService *self = g_task_get_source_object (task);
  GError *error = NULL;
  Prepare *prepare = rb_store_run_finish (RB_STORE (source), result, &error);

  if (prepare == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  rb_client_service_set_offers_person_picker (RB_CLIENT_SERVICE (self), prepare->is_demo);
  rb_client_service_set_ready (RB_CLIENT_SERVICE (self), prepare->has_building);
  if (prepare->ids != NULL && prepare->ids->len > 0)
    {
      /* The PINs wait for the hashing; the rest of what was prepared is not needed. */
      g_clear_pointer (&prepare->demo, json_node_unref);
      self->demo_pins = g_steal_pointer (&prepare);
      self->demo_pins_source = g_timeout_add_seconds (DEMO_PINS_DELAY_SECONDS,
                                                      on_hash_demo_pins_cb, self);
    }
  g_clear_pointer (&prepare, prepare_free);
  rb_client_service_emit_changed (RB_CLIENT_SERVICE (self));
  g_task_return_boolean (task, TRUE);
}

/* Makes the service ready: with seed_demo an empty database gets the demo building first.
 * Starts releasing no-shows. */
void
rb_local_service_prepare_async (RbLocalService *self, gboolean seed_demo,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Prepare *prepare = g_new0 (Prepare, 1);

  g_return_if_fail (RB_IS_LOCAL_SERVICE (self));
  g_task_set_source_tag (task, rb_local_service_prepare_async);
  prepare->seed_demo = seed_demo;
  rb_store_run_async (self->store, prepare_job, prepare, NULL, (GDestroyNotify) prepare_free,
                      cancellable, on_prepared_cb, task);
  if (self->release_source == 0)
    {
      on_release_tick_cb (self);
      self->release_source = g_timeout_add_seconds (RB_LOCAL_SERVICE_RELEASE_SECONDS,
                                                    on_release_tick_cb, self);
    }
}

gboolean
rb_local_service_prepare_finish (RbLocalService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_local_service_dispose (GObject *object)
{
  RbLocalService *self = RB_LOCAL_SERVICE (object);

  stop_timers (RB_CLIENT_SERVICE (self));

  G_OBJECT_CLASS (rb_local_service_parent_class)->dispose (object);
}

static void
rb_local_service_finalize (GObject *object)
{
  RbLocalService *self = RB_LOCAL_SERVICE (object);

  g_clear_object (&self->store);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->demo_pins, prepare_free);
  if (self->session_token != NULL)
    memset (self->session_token, 0, strlen (self->session_token));
  g_free (self->session_token);

  G_OBJECT_CLASS (rb_local_service_parent_class)->finalize (object);
}

static void
rb_local_service_class_init (RbLocalServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  RbClientServiceClass *service_class = RB_CLIENT_SERVICE_CLASS (klass);

  object_class->dispose = rb_local_service_dispose;
  object_class->finalize = rb_local_service_finalize;

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
  service_class->sign_in_async = sign_in_async;
  service_class->resume_async = resume_async;
  service_class->sign_out_async = sign_out_async;
  service_class->list_people_async = list_people_async;
  service_class->list_people_admin_async = list_people_admin_async;
  service_class->save_person_async = save_person_async;
  service_class->set_person_active_async = set_person_active_async;
  service_class->identify_badge_async = identify_badge_async;
  service_class->register_badge_async = register_badge_async;
  service_class->remove_badges_async = remove_badges_async;
  service_class->get_name_consent_async = get_name_consent_async;
  service_class->set_name_consent_async = set_name_consent_async;
  service_class->export_my_data_async = export_my_data_async;
  service_class->erase_person_async = erase_person_async;
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
  service_class->set_policy_async = set_policy_async;
  service_class->list_audit_async = list_audit_async;
  service_class->export_building_async = export_building_async;
  service_class->import_building_async = import_building_async;
  service_class->shutdown = stop_timers;
}

static void
rb_local_service_init (RbLocalService *self)
{
  self->cancellable = g_cancellable_new ();
}

RbLocalService *
rb_local_service_new (RbStore *store)
{
  RbLocalService *self;

  g_return_val_if_fail (RB_IS_STORE (store), NULL);
  self = g_object_new (RB_TYPE_LOCAL_SERVICE, "location", rb_store_get_path (store), NULL);
  self->store = g_object_ref (store);
  return self;
}

/* For tests and tools that also reach the database directly. */
RbStore *
rb_local_service_get_store (RbLocalService *self)
{
  g_return_val_if_fail (RB_IS_LOCAL_SERVICE (self), NULL);
  return self->store;
}
