/* rb-context.c: the shared state of one running app: store, settings, the person the
 * desktop books as, and how times are shown in the site's time zone. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-context.h"
#include "rb-credential.h"

struct _RbContext
{
  GObject parent_instance;

  RbStore *store;
  GSettings *settings;
  RbPerson *person;
  RbSyncEngine *sync_engine;
};

G_DEFINE_FINAL_TYPE (RbContext, rb_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_PERSON,
  PROP_SYNC_ENGINE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  BOOKINGS_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
rb_context_dispose (GObject *object)
{
  RbContext *self = RB_CONTEXT (object);

  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->person);
  g_clear_object (&self->sync_engine);

  G_OBJECT_CLASS (rb_context_parent_class)->dispose (object);
}

static void
rb_context_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbContext *self = RB_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_PERSON:
      g_value_set_object (value, self->person);
      break;
    case PROP_SYNC_ENGINE:
      g_value_set_object (value, self->sync_engine);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_context_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RbContext *self = RB_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_PERSON:
      rb_context_set_person (self, g_value_get_object (value));
      break;
    case PROP_SYNC_ENGINE:
      /* Whatever the engine brings from the server or settles reloads the views. */
      if ((self->sync_engine = g_value_dup_object (value)) != NULL)
        g_signal_connect_object (self->sync_engine, "changed",
                                 G_CALLBACK (rb_context_bookings_changed), self,
                                 G_CONNECT_SWAPPED);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_context_class_init (RbContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rb_context_dispose;
  object_class->get_property = rb_context_get_property;
  object_class->set_property = rb_context_set_property;

  properties[PROP_STORE] =
      g_param_spec_object ("store", NULL, NULL, RB_TYPE_STORE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PERSON] =
      g_param_spec_object ("person", NULL, NULL, RB_TYPE_PERSON,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Set in server mode (a server URL is configured), NULL when standalone. */
  properties[PROP_SYNC_ENGINE] =
      g_param_spec_object ("sync-engine", NULL, NULL, RB_TYPE_SYNC_ENGINE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Emitted after any booking was made, cancelled or checked in from this app, so every
   * view that shows bookings reloads. */
  signals[BOOKINGS_CHANGED] = g_signal_new ("bookings-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
}

static void
rb_context_init (RbContext *self)
{
}

RbContext *
rb_context_new (RbStore *store, GSettings *settings)
{
  return g_object_new (RB_TYPE_CONTEXT, "store", store, "settings", settings, NULL);
}

RbContext *
rb_context_new_with_sync_engine (RbStore *store, GSettings *settings, RbSyncEngine *engine)
{
  return g_object_new (RB_TYPE_CONTEXT, "store", store, "settings", settings, "sync-engine",
                       engine, NULL);
}

/* The engine that books through the server, or NULL in standalone mode. */
RbSyncEngine *
rb_context_get_sync_engine (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return self->sync_engine;
}

RbStore *
rb_context_get_store (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return self->store;
}

GSettings *
rb_context_get_settings (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return self->settings;
}

GTimeZone *
rb_context_get_time_zone (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return rb_store_get_time_zone (self->store);
}

/* The store's clock, so that what the UI calls "now" is what the rules check against. */
gint64
rb_context_now (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), 0);
  return rb_store_now (self->store);
}

RbPerson *
rb_context_get_person (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return self->person;
}

void
rb_context_set_person (RbContext *self, RbPerson *person)
{
  g_return_if_fail (RB_IS_CONTEXT (self));

  if (g_set_object (&self->person, person))
    {
      if (person != NULL)
        g_settings_set_string (self->settings, "acting-person",
                               rb_person_get_staff_number (person));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
    }
}

void
rb_context_bookings_changed (RbContext *self)
{
  g_signal_emit (self, signals[BOOKINGS_CHANGED], 0);
}

char *
rb_context_format_time (RbContext *self, gint64 instant)
{
  /* TRANSLATORS: a time of day, as strftime format; 24-hour clock in both languages. */
  return rb_time_format_local (rb_context_get_time_zone (self), instant, C_ ("time of day", "%H:%M"));
}

/* "Today", "Tomorrow", or a short weekday and date in the language's own convention. */
char *
rb_context_format_date (RbContext *self, gint64 instant)
{
  GTimeZone *tz = rb_context_get_time_zone (self);
  gint64 day = rb_local_date_key (tz, instant);
  gint64 today = rb_local_date_key (tz, rb_context_now (self));
  RbInterval today_range = rb_local_day (tz, rb_context_now (self));

  if (day == today)
    return g_strdup (_("Today"));
  if (day == rb_local_date_key (tz, today_range.end))
    return g_strdup (_("Tomorrow"));
  /* TRANSLATORS: a short date with weekday as strftime format, e.g. "Mon 30 Nov";
   * German uses "%a, %-e. %b" for "Mo, 30. Nov". */
  return rb_time_format_local (tz, instant, C_ ("short date", "%a %-e %b"));
}

char *
rb_context_format_interval (RbContext *self, RbInterval interval)
{
  g_autofree char *date = rb_context_format_date (self, interval.start);
  g_autofree char *from = rb_context_format_time (self, interval.start);
  g_autofree char *to = rb_context_format_time (self, interval.end);

  /* TRANSLATORS: date, start time and end time of a booking, e.g. "Today, 09:00–17:00". */
  return g_strdup_printf (_("%s, %s–%s"), date, from, to);
}

/* ---- identifying at the kiosk ------------------------------------------------------------ */

typedef struct
{
  char *staff_number;
  char *pin;
  char *pin_hash;
  RbPerson *person;
  gboolean matched;
  gboolean locked;
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
  g_free (identify);
}

static gpointer
identify_lookup_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  Identify *identify = data;
  GError *local_error = NULL;
  int failures = 0;

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
  g_autofree char *token = NULL;
  gint64 expires_at = 0;

  if (!identify->matched)
    return rb_auth_record_failure_sync (store, identify->staff_number, &identify->locked, error)
               ? identify
               : NULL;
  /* A kiosk session resets the count of wrong PINs; the token itself is not kept, the
   * kiosk forgets the person when the flow ends. */
  token = rb_auth_create_session_sync (store, identify->person, NULL,
                                       RB_AUTH_KIOSK_SESSION_SECONDS, &expires_at, error);
  return token != NULL ? identify : NULL;
}

static void
on_identify_outcome_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  Identify *identify = g_task_get_task_data (task);
  GError *error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    g_task_return_error (task, error);
  else if (identify->matched)
    g_task_return_pointer (task, g_object_ref (identify->person), g_object_unref);
  else
    {
      rb_set_error (&error, identify->locked ? RB_ERROR_LOCKED : RB_ERROR_UNAUTHENTICATED, NULL);
      g_task_return_error (task, error);
    }
}

/* Argon2id takes about 100 ms on purpose: it runs on a thread of its own. */
static void
identify_verify_thread (GTask *verify, gpointer source, gpointer data, GCancellable *cancellable)
{
  Identify *identify = data;

  identify->matched = identify->pin_hash != NULL && identify->person != NULL
                      && rb_auth_verify_pin (identify->pin_hash, identify->pin);
  g_task_return_boolean (verify, TRUE);
}

static void
on_identify_verified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  RbContext *self = g_task_get_source_object (task);

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

/* ---- identifying at a kiosk of a server ------------------------------------------------- */

/* A kiosk of a server keeps no PINs or PIN hashes. Online, POST /sessions checks the PIN (with
 * the kiosk's device token, so it is a short kiosk session); the token is handed to the kiosk
 * for this one person's flow. The staff number and PIN are sealed to the server's key at
 * once, before the PIN is wiped: if the server does not answer within
 * RB_SYNC_ONLINE_WAIT_MS, or cannot be reached, the person is taken as unverified and the
 * sealed credential goes with their booking for the server to check later. */
typedef struct
{
  GCancellable *request_cancellable;
  gulong cancelled_id;
  guint timeout_id;
  gboolean timed_out;
  char *staff_number;
  char *session_token;
  GBytes *sealed;
  gboolean verified;
} ServerIdentify;

static void
server_identify_free (ServerIdentify *identify)
{
  g_clear_handle_id (&identify->timeout_id, g_source_remove);
  g_clear_object (&identify->request_cancellable);
  g_free (identify->staff_number);
  if (identify->session_token != NULL)
    memset (identify->session_token, 0, strlen (identify->session_token));
  g_free (identify->session_token);
  g_clear_pointer (&identify->sealed, g_bytes_unref);
  g_free (identify);
}

static void identify_on_server (RbContext *self, const char *staff_number, const char *pin,
                                GTask *task);

static gboolean
on_server_identify_timeout_cb (gpointer user_data)
{
  ServerIdentify *identify = user_data;

  identify->timeout_id = 0;
  identify->timed_out = TRUE;
  g_cancellable_cancel (identify->request_cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_session_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  ServerIdentify *identify = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  RbPerson *person = rb_api_client_open_session_finish (RB_API_CLIENT (source), result,
                                                        &identify->session_token, &error);

  g_clear_handle_id (&identify->timeout_id, g_source_remove);
  if (person != NULL)
    {
      identify->verified = TRUE;
      g_task_return_pointer (task, person, g_object_unref);
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
  g_task_return_pointer (task,
                         rb_person_new ("", identify->staff_number, identify->staff_number, "",
                                        RB_ROLE_STAFF),
                         g_object_unref);
}

static void
on_identify_cancelled_cb (GCancellable *cancellable, GCancellable *request_cancellable)
{
  g_cancellable_cancel (request_cancellable);
}

static void
identify_on_server (RbContext *self, const char *staff_number, const char *pin, GTask *task)
{
  RbApiClient *client = rb_sync_engine_get_client (self->sync_engine);
  ServerIdentify *identify = g_new0 (ServerIdentify, 1);
  g_autofree char *public_key = g_settings_get_string (self->settings, "server-public-key");
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr (GError) error = NULL;

  identify->staff_number = g_strdup (staff_number);
  identify->request_cancellable = g_cancellable_new ();
  g_task_set_task_data (task, identify, (GDestroyNotify) server_identify_free);
  if (*public_key != '\0'
      && !(identify->sealed = rb_credential_seal (public_key, staff_number, pin, &error)))
    g_warning ("The server public key in the settings is not valid: %s", error->message);
  if (cancellable != NULL)
    g_signal_connect_object (cancellable, "cancelled", G_CALLBACK (on_identify_cancelled_cb),
                             identify->request_cancellable, 0);
  identify->timeout_id = g_timeout_add (RB_SYNC_ONLINE_WAIT_MS, on_server_identify_timeout_cb,
                                        identify);
  rb_api_client_open_session_async (client, staff_number, pin, identify->request_cancellable,
                                    on_session_opened_cb, task);
}

/* Checks a staff number and PIN against the local store (standalone kiosks), with the
 * lockout after RB_AUTH_MAX_FAILURES wrong PINs. Fails with RB_ERROR_UNAUTHENTICATED or
 * RB_ERROR_LOCKED. With a server (a sync engine), the server checks them instead; see
 * rb_context_identify_finish_full. */
void
rb_context_identify_async (RbContext *self, const char *staff_number, const char *pin,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Identify *identify;

  if (self->sync_engine != NULL)
    {
      g_task_set_source_tag (task, identify_on_server);
      identify_on_server (self, staff_number, pin, task);
      return;
    }
  identify = g_new0 (Identify, 1);

  identify->staff_number = g_strdup (staff_number);
  identify->pin = g_strdup (pin);
  g_task_set_source_tag (task, rb_context_identify_async);
  g_task_set_task_data (task, identify, (GDestroyNotify) identify_free);
  rb_store_run_async (self->store, identify_lookup_job, identify, NULL, NULL, cancellable,
                      on_identify_looked_up_cb, task);
}

RbPerson *
rb_context_identify_finish (RbContext *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* With a server: whether the server checked the PIN (FALSE when it could not be reached and
 * the person is only a staff number), the session token of this person's flow (verified
 * only), and their credential sealed to the server's key (NULL when the kiosk has no key).
 * Standalone: verified, no token, no credential. */
RbPerson *
rb_context_identify_finish_full (RbContext *self, GAsyncResult *result, gboolean *out_verified,
                                 char **out_session_token, GBytes **out_sealed_credential,
                                 GError **error)
{
  RbPerson *person;
  ServerIdentify *identify = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  if (g_task_get_source_tag (G_TASK (result)) == identify_on_server)
    identify = g_task_get_task_data (G_TASK (result));
  person = g_task_propagate_pointer (G_TASK (result), error);
  if (person == NULL)
    return NULL;
  if (out_verified != NULL)
    *out_verified = identify == NULL || identify->verified;
  if (out_session_token != NULL)
    *out_session_token = identify != NULL ? g_strdup (identify->session_token) : NULL;
  if (out_sealed_credential != NULL)
    *out_sealed_credential = identify != NULL && identify->sealed != NULL
                                 ? g_bytes_ref (identify->sealed)
                                 : NULL;
  return person;
}
