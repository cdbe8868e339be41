/* rb-policy.c: the booking rules of DESIGN.md, each failing with its own RB_ERROR code. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-error.h"
#include "rb-policy.h"
#include "rb-time.h"

void
rb_policy_init_defaults (RbPolicy *policy)
{
  policy->desk_horizon_days = 14;
  policy->room_horizon_days = 90;
  policy->team_lead_room_horizon_days = 180;
  policy->opening_minute = 6 * 60;
  policy->closing_minute = 20 * 60;
  policy->max_desk_minutes = 10 * 60;
  policy->one_desk_per_day = TRUE;
  policy->check_in_before_minutes = 15;
  policy->check_in_after_minutes = 15;
}

int
rb_policy_horizon_days (const RbPolicy *policy, RbRole role, RbSpaceKind kind)
{
  if (kind == RB_SPACE_KIND_DESK)
    return policy->desk_horizon_days;
  if (role == RB_ROLE_TEAM_LEAD || role == RB_ROLE_ADMIN)
    return policy->team_lead_room_horizon_days;
  return policy->room_horizon_days;
}

/* Opening and closing are wall-clock times, so on DST days they are computed per date. */
RbInterval
rb_policy_opening_hours (const RbPolicy *policy, GTimeZone *tz, gint64 instant)
{
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, instant);
  int y, m, d;

  g_date_time_get_ymd (local, &y, &m, &d);
  return rb_interval_make (
      rb_local_to_utc (tz, y, m, d, policy->opening_minute / 60, policy->opening_minute % 60),
      rb_local_to_utc (tz, y, m, d, policy->closing_minute / 60, policy->closing_minute % 60));
}

/* The last instant that may still start a booking: the end of the local day that lies
 * `days` calendar days after today. */
static gint64
horizon_end (GTimeZone *tz, gint64 now, int days)
{
  g_autoptr (GDateTime) local_now = rb_utc_to_local (tz, now);
  g_autoptr (GDateTime) last_day = g_date_time_add_days (local_now, days);
  int y, m, d;

  g_date_time_get_ymd (last_day, &y, &m, &d);
  return rb_local_day_of_date (tz, y, m, d).end;
}

gboolean
rb_policy_check_booking (const RbPolicy *policy, GTimeZone *tz, RbRole role, RbSpace *space,
                         RbInterval interval, int attendees, gint64 now, GError **error)
{
  RbSpaceKind kind = rb_space_get_kind (space);
  RbInterval open;
  int days;

  if (!rb_interval_is_valid (interval))
    {
      rb_set_error (error, RB_ERROR_INVALID_INTERVAL, NULL);
      return FALSE;
    }

  if (!rb_slot_is_aligned (interval.start) || !rb_slot_is_aligned (interval.end))
    {
      rb_set_error (error, RB_ERROR_NOT_SLOT_ALIGNED, NULL);
      return FALSE;
    }

  /* The slot that is running now may still be booked; anything earlier may not. */
  if (interval.start < rb_slot_floor (now))
    {
      rb_set_error (error, RB_ERROR_IN_PAST, NULL);
      return FALSE;
    }

  open = rb_policy_opening_hours (policy, tz, interval.start);
  if (!rb_interval_contains_interval (open, interval))
    {
      rb_set_error (error, RB_ERROR_OUTSIDE_OPENING_HOURS,
                    _("Opening hours are %02d:%02d to %02d:%02d."),
                    policy->opening_minute / 60, policy->opening_minute % 60,
                    policy->closing_minute / 60, policy->closing_minute % 60);
      return FALSE;
    }

  days = rb_policy_horizon_days (policy, role, kind);
  if (interval.start >= horizon_end (tz, now, days))
    {
      /* TRANSLATORS: follows "This is too far ahead to book."; "It" is the space. */
      rb_set_error (error, RB_ERROR_HORIZON_EXCEEDED,
                    g_dngettext (GETTEXT_PACKAGE, "It can be booked up to %d day ahead.",
                                 "It can be booked up to %d days ahead.", days),
                    days);
      return FALSE;
    }

  if (attendees < 1)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("At least one person must attend."));
      return FALSE;
    }

  if (attendees > rb_space_get_capacity (space))
    {
      int capacity = rb_space_get_capacity (space);
      /* TRANSLATORS: follows "There are more attendees than the space has seats."; "It" is
       * the space. */
      rb_set_error (error, RB_ERROR_CAPACITY_EXCEEDED,
                    g_dngettext (GETTEXT_PACKAGE, "It has %d seat.", "It has %d seats.", capacity),
                    capacity);
      return FALSE;
    }

  if (kind == RB_SPACE_KIND_DESK && rb_interval_duration (interval) > policy->max_desk_minutes * 60)
    {
      int hours = policy->max_desk_minutes / 60;
      rb_set_error (error, RB_ERROR_TOO_LONG,
                    g_dngettext (GETTEXT_PACKAGE, "A desk can be booked for at most %d hour.",
                                 "A desk can be booked for at most %d hours.", hours),
                    hours);
      return FALSE;
    }

  return TRUE;
}

RbInterval
rb_policy_check_in_window (const RbPolicy *policy, RbInterval booking)
{
  return rb_interval_make (booking.start - policy->check_in_before_minutes * 60,
                           booking.start + policy->check_in_after_minutes * 60);
}

gboolean
rb_policy_check_check_in (const RbPolicy *policy, RbInterval booking, gint64 now, GError **error)
{
  if (!rb_interval_contains (rb_policy_check_in_window (policy, booking), now))
    {
      /* TRANSLATORS: follows "Check-in is only possible shortly before and after the
       * start."; the numbers are minutes. */
      rb_set_error (error, RB_ERROR_CHECK_IN_WINDOW,
                    _("It is open from %d minutes before the start until %d minutes after."),
                    policy->check_in_before_minutes, policy->check_in_after_minutes);
      return FALSE;
    }
  return TRUE;
}

/* A booking not checked in by this instant is released as a no-show. */
gint64
rb_policy_release_deadline (const RbPolicy *policy, RbInterval booking)
{
  return booking.start + policy->check_in_after_minutes * 60;
}
