/* rb-availability.h: free/busy of one space, derived from its active bookings. Shared by the
 * app's views and the server's free/busy answers so both say the same thing. */
#pragma once

#include <glib.h>

#include "rb-error.h"
#include "rb-interval.h"

G_BEGIN_DECLS

typedef struct
{
  gboolean busy;
  /* When the state changes: the end of the busy run or the start of the next booking;
   * 0 when nothing changes before the horizon. */
  gint64 until;
} RbAvailability;

RbAvailability rb_availability_at (GPtrArray *bookings, gint64 instant, gint64 horizon);
gboolean rb_availability_find_clash (GPtrArray *bookings, RbInterval interval,
                                     RbInterval *out_clash);
void rb_set_clash_error (GError **error, RbErrorCode code, GTimeZone *tz, RbInterval clash);

G_END_DECLS
