/* rb-client-service.c: the client service's public calls, its shared state, and what is
 * written once for both backends (see rb-client-service.h). */
#include "config.h"

#include "rb-client-service.h"
#include "rb-ical.h"
#include "rb-time.h"

typedef struct
{
  RbPerson *person;
  char *session_secret;
  char *location;
  gboolean online;
  guint pending;
  gboolean ready;
  gboolean offers_person_picker;
  gboolean offers_directory_sign_in;
} RbClientServicePrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (RbClientService, rb_client_service, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PERSON,
  PROP_SESSION_SECRET,
  PROP_LOCATION,
  PROP_ONLINE,
  PROP_PENDING,
  PROP_READY,
  PROP_OFFERS_PERSON_PICKER,
  PROP_OFFERS_DIRECTORY_SIGN_IN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  CHANGED,
  NOTICE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define CLASS(self) RB_CLIENT_SERVICE_GET_CLASS (self)

/* ---- what both backends share --------------------------------------------------------- */

static void
sync_nothing_async (RbClientService *self, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, sync_nothing_async);
  g_task_return_boolean (task, TRUE);
}

typedef struct
{
  char *calendar_name;
  gint64 now;
} ExportArgs;

static void
export_args_free (ExportArgs *args)
{
  g_free (args->calendar_name);
  g_free (args);
}

static void
on_export_bookings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbClientService *self = RB_CLIENT_SERVICE (source);
  ExportArgs *args = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (GPtrArray) bookings = rb_client_service_list_finish (self, result, &error);
  char *text;

  if (bookings == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  text = rb_ical_export_bookings (bookings, rb_client_service_get_time_zone (self), args->now,
                                  args->calendar_name, &error);
  if (text == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, text, g_free);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_client_service_finalize (GObject *object)
{
  RbClientServicePrivate *priv = rb_client_service_get_instance_private (RB_CLIENT_SERVICE (object));

  g_clear_object (&priv->person);
  g_free (priv->session_secret);
  g_free (priv->location);

  G_OBJECT_CLASS (rb_client_service_parent_class)->finalize (object);
}

static void
rb_client_service_get_property (GObject *object, guint prop_id, GValue *value,
                                GParamSpec *pspec)
{
  RbClientServicePrivate *priv = rb_client_service_get_instance_private (RB_CLIENT_SERVICE (object));

  switch (prop_id)
    {
    case PROP_PERSON:
      g_value_set_object (value, priv->person);
      break;
    case PROP_SESSION_SECRET:
      g_value_set_string (value, priv->session_secret);
      break;
    case PROP_LOCATION:
      g_value_set_string (value, priv->location);
      break;
    case PROP_ONLINE:
      g_value_set_boolean (value, priv->online);
      break;
    case PROP_PENDING:
      g_value_set_uint (value, priv->pending);
      break;
    case PROP_READY:
      g_value_set_boolean (value, priv->ready);
      break;
    case PROP_OFFERS_PERSON_PICKER:
      g_value_set_boolean (value, priv->offers_person_picker);
      break;
    case PROP_OFFERS_DIRECTORY_SIGN_IN:
      g_value_set_boolean (value, priv->offers_directory_sign_in);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_client_service_set_property (GObject *object, guint prop_id, const GValue *value,
                                GParamSpec *pspec)
{
  RbClientServicePrivate *priv = rb_client_service_get_instance_private (RB_CLIENT_SERVICE (object));

  switch (prop_id)
    {
    case PROP_LOCATION:
      priv->location = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_client_service_class_init (RbClientServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_client_service_finalize;
  object_class->get_property = rb_client_service_get_property;
  object_class->set_property = rb_client_service_set_property;
  klass->sync_async = sync_nothing_async;

  /* Who is signed in (NULL: nobody yet, or signed out). */
  properties[PROP_PERSON] =
      g_param_spec_object ("person", NULL, NULL, RB_TYPE_PERSON,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* What to keep (in the keyring) to resume this session at the next start, or NULL. */
  properties[PROP_SESSION_SECRET] =
      g_param_spec_string ("session-secret", NULL, NULL, NULL,
                           G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where the bookings live, for people: the server's address or the database file. */
  properties[PROP_LOCATION] =
      g_param_spec_string ("location", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /* Whether what needs the connection can be done now; always TRUE standalone. */
  properties[PROP_ONLINE] =
      g_param_spec_boolean ("online", NULL, NULL, TRUE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* How many changes made here wait to be sent to the server. */
  properties[PROP_PENDING] =
      g_param_spec_uint ("pending", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether there is a building to show (FALSE while the demo building is being made, or
   * before a new client has fetched its building from the server). */
  properties[PROP_READY] =
      g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether anyone may be chosen from a list without a PIN: the demo building only. */
  properties[PROP_OFFERS_PERSON_PICKER] =
      g_param_spec_boolean ("offers-person-picker", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Whether desktops may sign in with the directory: the server says so (GET /health). */
  properties[PROP_OFFERS_DIRECTORY_SIGN_IN] =
      g_param_spec_boolean ("offers-directory-sign-in", NULL, NULL, FALSE,
                            G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Bookings, blocks or the building may have changed, here or elsewhere: views reload. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);
  /* Something happened to one of this client's bookings that the person did not do and
   * should hear of: a queued booking the server refused (sync state REJECTED, with the
   * reason), or a booking someone else cancelled (state CANCELLED, with the cancel reason). */
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 1, RB_TYPE_BOOKING);
}

static void
rb_client_service_init (RbClientService *self)
{
  RbClientServicePrivate *priv = rb_client_service_get_instance_private (self);

  priv->online = TRUE;
}

/* ---- state -------------------------------------------------------------------------------- */

GTimeZone *
rb_client_service_get_time_zone (RbClientService *self)
{
  g_return_val_if_fail (RB_IS_CLIENT_SERVICE (self), NULL);
  return CLASS (self)->get_time_zone (self);
}

void
rb_client_service_get_policy (RbClientService *self, RbPolicy *out_policy)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->get_policy (self, out_policy);
}

/* The clock the rules are checked against. */
gint64
rb_client_service_now (RbClientService *self)
{
  g_return_val_if_fail (RB_IS_CLIENT_SERVICE (self), 0);
  return CLASS (self)->now (self);
}

#define PRIV_GETTER(type, name, zero)                                                    \
  type rb_client_service_get_##name (RbClientService *self)                              \
  {                                                                                      \
    g_return_val_if_fail (RB_IS_CLIENT_SERVICE (self), zero);                            \
    return ((RbClientServicePrivate *) rb_client_service_get_instance_private (self))->name; \
  }

PRIV_GETTER (RbPerson *, person, NULL)
PRIV_GETTER (const char *, session_secret, NULL)
PRIV_GETTER (const char *, location, NULL)
PRIV_GETTER (gboolean, online, FALSE)
PRIV_GETTER (guint, pending, 0)
PRIV_GETTER (gboolean, ready, FALSE)
PRIV_GETTER (gboolean, offers_person_picker, FALSE)
PRIV_GETTER (gboolean, offers_directory_sign_in, FALSE)

/* The person and the secret that resumes their session change together. */
void
rb_client_service_set_person (RbClientService *self, RbPerson *person,
                              const char *session_secret)
{
  RbClientServicePrivate *priv = rb_client_service_get_instance_private (self);

  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (priv->session_secret, session_secret) != 0)
    {
      g_free (priv->session_secret);
      priv->session_secret = g_strdup (session_secret);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_SECRET]);
    }
  if (g_set_object (&priv->person, person))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PERSON]);
  g_object_thaw_notify (G_OBJECT (self));
}

#define PRIV_SETTER(type, name, prop)                                                    \
  void rb_client_service_set_##name (RbClientService *self, type name)                   \
  {                                                                                      \
    RbClientServicePrivate *priv = rb_client_service_get_instance_private (self);        \
                                                                                         \
    g_return_if_fail (RB_IS_CLIENT_SERVICE (self));                                      \
    if (priv->name != name)                                                              \
      {                                                                                  \
        priv->name = name;                                                               \
        g_object_notify_by_pspec (G_OBJECT (self), properties[prop]);                    \
      }                                                                                  \
  }

PRIV_SETTER (gboolean, online, PROP_ONLINE)
PRIV_SETTER (guint, pending, PROP_PENDING)
PRIV_SETTER (gboolean, ready, PROP_READY)
PRIV_SETTER (gboolean, offers_person_picker, PROP_OFFERS_PERSON_PICKER)
PRIV_SETTER (gboolean, offers_directory_sign_in, PROP_OFFERS_DIRECTORY_SIGN_IN)

void
rb_client_service_emit_changed (RbClientService *self)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
rb_client_service_emit_notice (RbClientService *self, RbBooking *booking)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_signal_emit (self, signals[NOTICE], 0, booking);
}

/* ---- calls -------------------------------------------------------------------------------- */

void
rb_client_service_list_floors_async (RbClientService *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_floors_async (self, cancellable, callback, user_data);
}

void
rb_client_service_list_spaces_async (RbClientService *self, const char *floor_id,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_spaces_async (self, floor_id, cancellable, callback, user_data);
}

/* The blocks of a floor (or of every floor: NULL) that overlap range. */
void
rb_client_service_list_blocks_async (RbClientService *self, const char *floor_id,
                                     RbInterval range, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_blocks_async (self, floor_id, range, cancellable, callback, user_data);
}

/* The active bookings of a floor or of one space that overlap range, with names only where
 * the site shows them. */
void
rb_client_service_list_bookings_async (RbClientService *self, const char *floor_id,
                                       const char *space_id, RbInterval range,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_bookings_async (self, floor_id, space_id, range, cancellable, callback,
                                     user_data);
}

/* Every booking of who (NULL: the signed-in person) that overlaps range, in any state, with
 * the space's name and where it stands with the server. */
void
rb_client_service_list_my_bookings_async (RbClientService *self, RbIdentity *who,
                                          RbInterval range, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_my_bookings_async (self, who, range, cancellable, callback, user_data);
}

/* The people of the demo building's person picker; RB_ERROR_FORBIDDEN anywhere else. */
void
rb_client_service_list_people_async (RbClientService *self, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_people_async (self, cancellable, callback, user_data);
}

void
rb_client_service_occupancy_async (RbClientService *self, const RbOccupancyQuery *query,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->occupancy_async (self, query, cancellable, callback, user_data);
}

/* The active bookings a block of space_id over interval would cancel. */
void
rb_client_service_preview_block_async (RbClientService *self, const char *space_id,
                                       RbInterval interval, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->preview_block_async (self, space_id, interval, cancellable, callback,
                                     user_data);
}

/* Cancels booking_id of the series (ONE), it and the later ones (FOLLOWING), or every
 * booking of the series (ALL, booking_id may be NULL); finishes with the cancelled bookings. */
void
rb_client_service_cancel_series_async (RbClientService *self, const char *series_id,
                                       const char *booking_id, RbSeriesCancelScope scope,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->cancel_series_async (self, series_id, booking_id, scope, cancellable, callback,
                                     user_data);
}

GPtrArray *
rb_client_service_list_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Books for who (NULL: the signed-in person). With a server, the booking may finish as
 * pending (rb_booking_get_sync_state): queued, and sent when the server can be reached. */
void
rb_client_service_create_booking_async (RbClientService *self, RbIdentity *who,
                                        RbBooking *request, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (RB_IS_BOOKING (request));
  CLASS (self)->create_booking_async (self, who, request, cancellable, callback, user_data);
}

/* Moves booking to interval and gives it title (NULL keeps it), if nobody changed it since
 * it was read (its version); RB_ERROR_STALE_VERSION otherwise. */
void
rb_client_service_update_booking_async (RbClientService *self, RbBooking *booking,
                                        RbInterval interval, const char *title,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (RB_IS_BOOKING (booking));
  CLASS (self)->update_booking_async (self, booking, interval, title, cancellable, callback,
                                      user_data);
}

void
rb_client_service_cancel_booking_async (RbClientService *self, const char *booking_id,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->cancel_booking_async (self, booking_id, cancellable, callback, user_data);
}

void
rb_client_service_check_in_async (RbClientService *self, RbIdentity *who,
                                  const char *booking_id, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->check_in_async (self, who, booking_id, cancellable, callback, user_data);
}

RbBooking *
rb_client_service_booking_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Checks a staff number and PIN for one flow at a kiosk, with the lockout after repeated
 * wrong PINs (RB_ERROR_UNAUTHENTICATED, RB_ERROR_LOCKED). Nobody is signed in by it. */
void
rb_client_service_identify_async (RbClientService *self, const char *staff_number,
                                  const char *pin, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->identify_async (self, staff_number, pin, cancellable, callback, user_data);
}

/* Identifies at a kiosk with a badge alone (issue 12); rb_client_service_identify_finish. */
void
rb_client_service_identify_badge_async (RbClientService *self, const char *uid,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (uid != NULL);
  CLASS (self)->identify_badge_async (self, uid, cancellable, callback, user_data);
}

/* An administrator registers a badge; the person as JSON (rb_client_service_json_finish). */
void
rb_client_service_register_badge_async (RbClientService *self, const char *person_id,
                                        const char *uid, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (person_id != NULL && uid != NULL);
  CLASS (self)->register_badge_async (self, person_id, uid, cancellable, callback, user_data);
}

/* The signed-in person's consent to show their name, as JSON (rb_client_service_json_finish). */
void
rb_client_service_get_name_consent_async (RbClientService *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->get_name_consent_async (self, cancellable, callback, user_data);
}

/* The signed-in person gives or withdraws that consent; the same JSON after the change. */
void
rb_client_service_set_name_consent_async (RbClientService *self, gboolean show_name,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->set_name_consent_async (self, show_name, cancellable, callback, user_data);
}

/* An administrator removes all of a person's badges; the person as JSON. */
void
rb_client_service_remove_badges_async (RbClientService *self, const char *person_id,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (person_id != NULL);
  CLASS (self)->remove_badges_async (self, person_id, cancellable, callback, user_data);
}

/* Everything held about the signed-in person (DSGVO Art. 15), as one JSON document
 * (rb_client_service_json_finish). */
void
rb_client_service_export_my_data_async (RbClientService *self, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->export_my_data_async (self, cancellable, callback, user_data);
}

/* An administrator erases a person (DSGVO Art. 17); the report as JSON
 * (rb_client_service_json_finish). */
void
rb_client_service_erase_person_async (RbClientService *self, const char *person_id,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (person_id != NULL);
  CLASS (self)->erase_person_async (self, person_id, cancellable, callback, user_data);
}

RbIdentity *
rb_client_service_identify_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Signs in for this client's session. pin may be NULL only where the person picker is
 * offered (the demo building). */
void
rb_client_service_sign_in_async (RbClientService *self, const char *staff_number,
                                 const char *pin, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->sign_in_async (self, staff_number, pin, cancellable, callback, user_data);
}

/* Takes up a session kept from an earlier start (the person's id and the session-secret
 * then), without the network: the session is checked when the server is next reached. */
void
rb_client_service_resume_async (RbClientService *self, const char *person_id,
                                const char *secret, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->resume_async (self, person_id, secret, cancellable, callback, user_data);
}

RbPerson *
rb_client_service_person_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Checks every occurrence of a series and writes nothing. */
void
rb_client_service_check_series_async (RbClientService *self, const RbSeriesRequest *request,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->check_series_async (self, request, cancellable, callback, user_data);
}

void
rb_client_service_create_series_async (RbClientService *self, const RbSeriesRequest *request,
                                       GCancellable *cancellable, GAsyncReadyCallback callback,
                                       gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->create_series_async (self, request, cancellable, callback, user_data);
}

RbSeriesResult *
rb_client_service_series_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
rb_client_service_create_block_async (RbClientService *self, const char *space_id,
                                      RbInterval interval, const char *reason,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->create_block_async (self, space_id, interval, reason, cancellable, callback,
                                    user_data);
}

RbBlockResult *
rb_client_service_block_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Ends the session: nobody is signed in, and there is no secret left to keep. */
void
rb_client_service_sign_out_async (RbClientService *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->sign_out_async (self, cancellable, callback, user_data);
}

void
rb_client_service_lift_block_async (RbClientService *self, gint64 block_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->lift_block_async (self, block_id, cancellable, callback, user_data);
}

void
rb_client_service_sync_async (RbClientService *self, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->sync_async (self, cancellable, callback, user_data);
}

void
rb_client_service_export_building_async (RbClientService *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->export_building_async (self, cancellable, callback, user_data);
}

void
rb_client_service_import_building_async (RbClientService *self, JsonNode *document,
                                         gboolean dry_run, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (document != NULL);
  CLASS (self)->import_building_async (self, document, dry_run, cancellable, callback,
                                       user_data);
}

void
rb_client_service_get_floor_plan_async (RbClientService *self, const char *floor_id,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (floor_id != NULL);
  CLASS (self)->get_floor_plan_async (self, floor_id, cancellable, callback, user_data);
}

/* The drawing's bytes and content type; NULL without an error when the floor has none. */
GBytes *
rb_client_service_get_floor_plan_finish (RbClientService *self, GAsyncResult *result,
                                         char **out_content_type, GError **error)
{
  g_autoptr (RbPlanDrawing) drawing = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_content_type != NULL)
    *out_content_type = NULL;
  drawing = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (drawing == NULL)
    {
      if (!g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_content_type != NULL)
    *out_content_type = g_strdup (drawing->content_type);
  return g_bytes_ref (drawing->data);
}

/* Sets (data given) or removes (data NULL) a floor's plan drawing; administrators only. */
void
rb_client_service_set_floor_plan_async (RbClientService *self, const char *floor_id,
                                        const char *content_type, GBytes *data,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (floor_id != NULL);
  g_return_if_fail (data == NULL || content_type != NULL);
  CLASS (self)->set_floor_plan_async (self, floor_id, content_type, data, cancellable, callback,
                                      user_data);
}

void
rb_client_service_list_people_admin_async (RbClientService *self, gboolean include_inactive,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_people_admin_async (self, include_inactive, cancellable, callback,
                                         user_data);
}

void
rb_client_service_save_person_async (RbClientService *self, const char *person_id,
                                     JsonNode *fields, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (fields != NULL && JSON_NODE_HOLDS_OBJECT (fields));
  CLASS (self)->save_person_async (self, person_id, fields, cancellable, callback, user_data);
}

void
rb_client_service_set_person_active_async (RbClientService *self, const char *person_id,
                                           gboolean active, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (person_id != NULL);
  CLASS (self)->set_person_active_async (self, person_id, active, cancellable, callback,
                                         user_data);
}

void
rb_client_service_sign_in_directory_async (RbClientService *self, const char *username,
                                           const char *password, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (username != NULL && password != NULL);
  CLASS (self)->sign_in_directory_async (self, username, password, cancellable, callback,
                                         user_data);
}

void
rb_client_service_sync_directory_async (RbClientService *self, gboolean dry_run,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->sync_directory_async (self, dry_run, cancellable, callback, user_data);
}

void
rb_client_service_import_people_async (RbClientService *self, GBytes *csv, gboolean dry_run,
                                       gboolean deactivate_missing, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (csv != NULL);
  CLASS (self)->import_people_async (self, csv, dry_run, deactivate_missing, cancellable,
                                     callback, user_data);
}

void
rb_client_service_issue_one_time_pin_async (RbClientService *self, const char *person_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (person_id != NULL);
  CLASS (self)->issue_one_time_pin_async (self, person_id, cancellable, callback, user_data);
}

/* The one-time PIN, to be shown once and forgotten. */
char *
rb_client_service_pin_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
rb_client_service_change_pin_async (RbClientService *self, const char *staff_number,
                                    const char *pin, const char *new_pin,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (pin != NULL && new_pin != NULL);
  CLASS (self)->change_pin_async (self, staff_number, pin, new_pin, cancellable, callback,
                                  user_data);
}

JsonNode *
rb_client_service_json_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Finishes with rb_client_service_boolean_finish; the policy is validated first, so a wrong
 * value fails (RB_ERROR_INVALID_FIELD) before anything is sent or written. */
void
rb_client_service_set_policy_async (RbClientService *self, const RbPolicy *policy,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  GError *error = NULL;

  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  g_return_if_fail (policy != NULL);
  if (!rb_policy_validate (policy, NULL, &error))
    {
      g_task_report_error (self, callback, user_data, rb_client_service_set_policy_async,
                           error);
      return;
    }
  CLASS (self)->set_policy_async (self, policy, cancellable, callback, user_data);
}

/* A page of the audit log, newest first: limit entries (0: the server's default) older than
 * `before` (the "next_before" of the previous page; NULL: from the newest). Finishes with
 * rb_client_service_json_finish. */
void
rb_client_service_list_audit_async (RbClientService *self, guint limit, const char *before,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  CLASS (self)->list_audit_async (self, limit, before, cancellable, callback, user_data);
}

gboolean
rb_client_service_boolean_finish (RbClientService *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The signed-in person's bookings from today on, as an iCalendar file: the same bookings
 * that My Bookings shows, so it works offline too. */
void
rb_client_service_export_ical_async (RbClientService *self, const char *calendar_name,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  ExportArgs *args = g_new0 (ExportArgs, 1);
  gint64 now = rb_client_service_now (self);
  gint64 from = rb_local_day (rb_client_service_get_time_zone (self), now).start;

  g_task_set_source_tag (task, rb_client_service_export_ical_async);
  args->calendar_name = g_strdup (calendar_name);
  args->now = now;
  g_task_set_task_data (task, args, (GDestroyNotify) export_args_free);
  rb_client_service_list_my_bookings_async (
      self, NULL,
      rb_interval_make (from, from + RB_CLIENT_SERVICE_LOOKAHEAD_DAYS * (gint64) 86400),
      cancellable, on_export_bookings_cb, task);
}

char *
rb_client_service_export_ical_finish (RbClientService *self, GAsyncResult *result,
                                      GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
rb_client_service_shutdown (RbClientService *self)
{
  g_return_if_fail (RB_IS_CLIENT_SERVICE (self));
  if (CLASS (self)->shutdown != NULL)
    CLASS (self)->shutdown (self);
}
