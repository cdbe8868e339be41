/* rb-context.c: the shared state of one running app: store, settings, the person the
 * desktop books as, and how times are shown in the site's time zone. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-context.h"

struct _RbContext
{
  GObject parent_instance;

  RbStore *store;
  GSettings *settings;
  RbPerson *person;
};

G_DEFINE_FINAL_TYPE (RbContext, rb_context, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_PERSON,
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
