/* rb-interval.c: half-open interval arithmetic and 15-minute slots. */
#include "config.h"

#include "rb-interval.h"

gboolean
rb_interval_is_valid (RbInterval iv)
{
  return iv.end > iv.start;
}

gint64
rb_interval_duration (RbInterval iv)
{
  return iv.end - iv.start;
}

/* Two half-open intervals overlap when each starts before the other ends. */
gboolean
rb_interval_overlaps (RbInterval a, RbInterval b)
{
  return a.start < b.end && b.start < a.end;
}

gboolean
rb_interval_contains (RbInterval iv, gint64 instant)
{
  return iv.start <= instant && instant < iv.end;
}

gboolean
rb_interval_contains_interval (RbInterval outer, RbInterval inner)
{
  return outer.start <= inner.start && inner.end <= outer.end;
}

/* Slots are aligned in UTC. Every offset Europe/Berlin has ever used since 1980 is a whole
 * hour, so a UTC quarter hour is a local quarter hour too. */
gint64
rb_slot_floor (gint64 instant)
{
  gint64 rem = instant % RB_SLOT_SECONDS;
  if (rem < 0)
    rem += RB_SLOT_SECONDS;
  return instant - rem;
}

gint64
rb_slot_ceil (gint64 instant)
{
  gint64 floor = rb_slot_floor (instant);
  return floor == instant ? instant : floor + RB_SLOT_SECONDS;
}

gboolean
rb_slot_is_aligned (gint64 instant)
{
  return rb_slot_floor (instant) == instant;
}
