/* rb-booking.c: one booking; identity and interval are fixed, state and version move on. */
#include "config.h"

#include "rb-booking.h"

struct _RbBooking
{
  GObject parent_instance;

  char *id;
  char *space_id;
  char *person_id;
  RbInterval interval;
  char *title;
  int attendees;
  char *series_id;
  RbBookingState state;
  gint64 version;
  gint64 seq;
  gint64 created_at;
  gboolean at_door;
  gboolean anonymised;
  gboolean name_consented;
  char *cancel_reason;
  RbSpaceKind space_kind;
  char *space_name;
  char *person_name;
  RbSyncState sync_state;
  char *sync_error;
};

G_DEFINE_FINAL_TYPE (RbBooking, rb_booking, G_TYPE_OBJECT)

static void
rb_booking_finalize (GObject *object)
{
  RbBooking *self = RB_BOOKING (object);

  g_free (self->id);
  g_free (self->space_id);
  g_free (self->person_id);
  g_free (self->title);
  g_free (self->series_id);
  g_free (self->cancel_reason);
  g_free (self->space_name);
  g_free (self->person_name);
  g_free (self->sync_error);

  G_OBJECT_CLASS (rb_booking_parent_class)->finalize (object);
}

static void
rb_booking_class_init (RbBookingClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_booking_finalize;
}

static void
rb_booking_init (RbBooking *self)
{
  self->attendees = 1;
  self->state = RB_BOOKING_STATE_BOOKED;
  self->version = 1;
}

RbBooking *
rb_booking_new (const char *id, const char *space_id, const char *person_id, RbInterval interval)
{
  RbBooking *self = g_object_new (RB_TYPE_BOOKING, NULL);

  self->id = g_strdup (id);
  self->space_id = g_strdup (space_id);
  self->person_id = g_strdup (person_id);
  self->interval = interval;
  return self;
}

/* Who booked, and the title, are shown to the person who booked; to other signed-in people
 * only where the site shows names and the person agreed to it (issue 13); never to nobody
 * (a kiosk's device). DESIGN.md, 5. */
gboolean
rb_booking_shows_person_to (RbBooking *self, const char *viewer_id, gboolean show_names)
{
  g_return_val_if_fail (RB_IS_BOOKING (self), FALSE);

  if (viewer_id == NULL)
    return FALSE;
  if (g_strcmp0 (self->person_id, viewer_id) == 0)
    return TRUE;
  return show_names && self->name_consented;
}

/* Leaves when and where: the person, their name and the title go. */
void
rb_booking_hide_person (RbBooking *self)
{
  g_return_if_fail (RB_IS_BOOKING (self));

  g_clear_pointer (&self->person_id, g_free);
  g_clear_pointer (&self->person_name, g_free);
  g_clear_pointer (&self->title, g_free);
}

/* Booking ids are UUIDs made by the client that creates the booking, so a retried request
 * carries the same id and can never book twice. */
char *
rb_booking_new_id (void)
{
  return g_uuid_string_random ();
}

#define GETTER(type, field, zero)                                                        \
  type rb_booking_get_##field (RbBooking *self)                                           \
  {                                                                                       \
    g_return_val_if_fail (RB_IS_BOOKING (self), zero);                                    \
    return self->field;                                                                   \
  }

#define STRING_SETTER(field)                                                             \
  void rb_booking_set_##field (RbBooking *self, const char *field)                        \
  {                                                                                       \
    g_return_if_fail (RB_IS_BOOKING (self));                                              \
    g_free (self->field);                                                                 \
    self->field = g_strdup (field);                                                       \
  }

#define VALUE_SETTER(type, field)                                                        \
  void rb_booking_set_##field (RbBooking *self, type field)                               \
  {                                                                                       \
    g_return_if_fail (RB_IS_BOOKING (self));                                              \
    self->field = field;                                                                  \
  }

GETTER (const char *, id, NULL)
GETTER (const char *, space_id, NULL)
GETTER (const char *, person_id, NULL)
GETTER (RbInterval, interval, rb_interval_make (0, 0))
GETTER (const char *, title, NULL)
GETTER (int, attendees, 0)
GETTER (const char *, series_id, NULL)
GETTER (RbBookingState, state, RB_BOOKING_STATE_CANCELLED)
GETTER (gint64, version, 0)
GETTER (gint64, seq, 0)
GETTER (gint64, created_at, 0)
GETTER (gboolean, at_door, FALSE)
GETTER (gboolean, anonymised, FALSE)
GETTER (gboolean, name_consented, FALSE)
GETTER (const char *, cancel_reason, NULL)
GETTER (RbSpaceKind, space_kind, RB_SPACE_KIND_DESK)
GETTER (const char *, space_name, NULL)
GETTER (const char *, person_name, NULL)
GETTER (RbSyncState, sync_state, RB_SYNC_STATE_SYNCED)
GETTER (const char *, sync_error, NULL)

STRING_SETTER (person_id)
STRING_SETTER (title)
STRING_SETTER (series_id)
STRING_SETTER (cancel_reason)
STRING_SETTER (space_name)
STRING_SETTER (person_name)
STRING_SETTER (sync_error)
VALUE_SETTER (RbSpaceKind, space_kind)
VALUE_SETTER (int, attendees)
VALUE_SETTER (RbBookingState, state)
VALUE_SETTER (gint64, version)
VALUE_SETTER (gint64, seq)
VALUE_SETTER (gint64, created_at)
VALUE_SETTER (gboolean, at_door)
VALUE_SETTER (gboolean, anonymised)
VALUE_SETTER (gboolean, name_consented)
VALUE_SETTER (RbSyncState, sync_state)

gint64
rb_booking_get_start (RbBooking *self)
{
  g_return_val_if_fail (RB_IS_BOOKING (self), 0);
  return self->interval.start;
}

gint64
rb_booking_get_end (RbBooking *self)
{
  g_return_val_if_fail (RB_IS_BOOKING (self), 0);
  return self->interval.end;
}
