/* rb-interval.h: half-open time intervals [start, end) in UTC seconds.
 * Half-open so that back-to-back bookings (09:00–10:00, 10:00–11:00) never clash. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RB_SLOT_SECONDS (15 * 60)

typedef struct
{
  gint64 start;
  gint64 end;
} RbInterval;

static inline RbInterval
rb_interval_make (gint64 start, gint64 end)
{
  RbInterval iv = { start, end };
  return iv;
}

gboolean rb_interval_is_valid (RbInterval iv);
gint64 rb_interval_duration (RbInterval iv);
gboolean rb_interval_overlaps (RbInterval a, RbInterval b);
gboolean rb_interval_contains (RbInterval iv, gint64 instant);
gboolean rb_interval_contains_interval (RbInterval outer, RbInterval inner);

gint64 rb_slot_floor (gint64 instant);
gint64 rb_slot_ceil (gint64 instant);
gboolean rb_slot_is_aligned (gint64 instant);

G_END_DECLS
