/* rb-context.c: the shared state of one running app: the client service, the settings, and
 * how times are shown in the site's time zone. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-context.h"

struct _RbContext
{
  GObject parent_instance;

  RbClientService *service;
  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (RbContext, rb_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_SERVICE,
  PROP_SETTINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rb_context_dispose (GObject *object)
{
  RbContext *self = RB_CONTEXT (object);

  g_clear_object (&self->service);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (rb_context_parent_class)->dispose (object);
}

static void
rb_context_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbContext *self = RB_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SERVICE:
      g_value_set_object (value, self->service);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
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
    case PROP_SERVICE:
      self->service = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
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

  /* The one way to the data, whichever backend holds it (rb-client-service.h). */
  properties[PROP_SERVICE] =
      g_param_spec_object ("service", NULL, NULL, RB_TYPE_CLIENT_SERVICE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
      g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_context_init (RbContext *self)
{
}

RbContext *
rb_context_new (RbClientService *service, GSettings *settings)
{
  return g_object_new (RB_TYPE_CONTEXT, "service", service, "settings", settings, NULL);
}

RbClientService *
rb_context_get_service (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return self->service;
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
  return rb_client_service_get_time_zone (self->service);
}

/* The service's clock, so that what the UI calls "now" is what the rules check against. */
gint64
rb_context_now (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), 0);
  return rb_client_service_now (self->service);
}

/* Who is signed in, or NULL. */
RbPerson *
rb_context_get_person (RbContext *self)
{
  g_return_val_if_fail (RB_IS_CONTEXT (self), NULL);
  return rb_client_service_get_person (self->service);
}

RbPolicy
rb_context_get_policy (RbContext *self)
{
  RbPolicy policy;

  rb_client_service_get_policy (self->service, &policy);
  return policy;
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

/* An error as a sentence in the UI's current language. Rule messages made on another thread
 * (the store's, the server's) may be in the process language, so a known code is translated
 * here again; the server being away gets one plain sentence. */
char *
rb_context_describe_error (RbContext *self, const GError *error)
{
  if (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
    return g_strdup (_("The staff number or the PIN is not right. Please try again."));
  if (error->domain == RB_ERROR)
    {
      /* A clash names the booking in the way, a weak PIN why it is weak, a CSV file its
       * row: details worth keeping. */
      if (error->code == RB_ERROR_OVERLAP || error->code == RB_ERROR_DESK_ALREADY_HELD
          || error->code == RB_ERROR_WEAK_PIN || error->code == RB_ERROR_INVALID_FIELD)
        return g_strdup (error->message);
      /* A bad building file names the place of its fault, and JSON where it stopped. */
      if (error->code == RB_ERROR_INVALID_BUILDING || error->code == RB_ERROR_INVALID_JSON)
        return g_strdup (error->message);
      /* A lock says how long it holds, when the service knows. */
      if ((error->code == RB_ERROR_LOCKED || error->code == RB_ERROR_TOO_MANY_ATTEMPTS)
          && error->message != NULL && *error->message != '\0')
        return g_strdup (error->message);
      return g_strdup (rb_error_code_message (error->code));
    }
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED)
      || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
    return g_strdup (error->message);
  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR
      || error->domain == G_TLS_ERROR)
    return g_strdup (_("The booking server cannot be reached right now. Please try again "
                       "later."));
  return g_strdup (error->message);
}
