/* rb-availability.c: "busy until 14:30" / "free until 11:00" from a space's bookings.
 * The bookings are RbBooking objects of one space; inactive ones are ignored, order is not
 * assumed. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-availability.h"
#include "rb-booking.h"
#include "rb-time.h"

static gboolean
is_active (RbBooking *booking)
{
  return rb_booking_state_is_active (rb_booking_get_state (booking));
}

RbAvailability
rb_availability_at (GPtrArray *bookings, gint64 instant, gint64 horizon)
{
  RbAvailability result = { FALSE, 0 };
  gint64 busy_until = instant;
  gboolean extended = TRUE;

  /* Follow back-to-back bookings: busy 09:00–10:00 and 10:00–11:00 is busy until 11:00. */
  while (extended)
    {
      extended = FALSE;
      for (guint i = 0; i < bookings->len; i++)
        {
          RbBooking *b = g_ptr_array_index (bookings, i);
          if (is_active (b) && rb_booking_get_start (b) <= busy_until
              && busy_until < rb_booking_get_end (b))
            {
              busy_until = rb_booking_get_end (b);
              extended = TRUE;
            }
        }
    }

  if (busy_until > instant)
    {
      result.busy = TRUE;
      result.until = busy_until < horizon ? busy_until : 0;
      return result;
    }

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (bookings, i);
      gint64 start = rb_booking_get_start (b);
      if (is_active (b) && start > instant && start < horizon
          && (result.until == 0 || start < result.until))
        result.until = start;
    }
  return result;
}

gboolean
rb_availability_find_clash (GPtrArray *bookings, RbInterval interval, RbInterval *out_clash)
{
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (bookings, i);
      if (is_active (b) && rb_interval_overlaps (rb_booking_get_interval (b), interval))
        {
          if (out_clash != NULL)
            *out_clash = rb_booking_get_interval (b);
          return TRUE;
        }
    }
  return FALSE;
}

/* A rule error (an overlap, a desk already held) followed by when the booking in the way
 * runs, in the site's local time and the caller's language. */
void
rb_set_clash_error (GError **error, RbErrorCode code, GTimeZone *tz, RbInterval clash)
{
  /* TRANSLATORS: a time of day in clash messages, as strftime format. */
  const char *format = C_ ("time of day", "%H:%M");
  g_autofree char *from = rb_time_format_local (tz, clash.start, format);
  g_autofree char *to = rb_time_format_local (tz, clash.end, format);

  /* TRANSLATORS: follows the overlap message; "It" is the space (or the person's desk). */
  rb_set_error (error, code, _("It is booked from %s to %s."), from, to);
}
