/* rb-policy.c: the booking rules of DESIGN.md, each failing with its own RB_ERROR code. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-error.h"
#include "rb-json.h"
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
  policy->show_names = FALSE;
  policy->panel_anonymous_booking = FALSE;
  policy->anonymise_after_days = 90;
  policy->delete_after_days = 365;
  policy->audit_retention_days = 730;
  policy->min_group_size = 5;
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

/* From check_in_before_minutes before the start until check_in_after_minutes after the
 * start, or after created_at for a booking made once it had begun (booked at 16:14 for the
 * 16:00 slot: until 16:14 + the grace, never a window that closes a minute later). */
RbInterval
rb_policy_check_in_window (const RbPolicy *policy, RbInterval booking, gint64 created_at)
{
  return rb_interval_make (booking.start - policy->check_in_before_minutes * 60,
                           MAX (booking.start, created_at) + policy->check_in_after_minutes * 60);
}

gboolean
rb_policy_check_check_in (const RbPolicy *policy, RbInterval booking, gint64 created_at,
                          gint64 now, GError **error)
{
  if (!rb_interval_contains (rb_policy_check_in_window (policy, booking, created_at), now))
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

/* A booking not checked in by this instant is released as a no-show: the end of its
 * check-in window. */
gint64
rb_policy_release_deadline (const RbPolicy *policy, RbInterval booking, gint64 created_at)
{
  return rb_policy_check_in_window (policy, booking, created_at).end;
}

/* Whether a booking may be made checked in at once (at a kiosk, by the person standing
 * there): only while it could be checked in anyway, from check_in_before_minutes before its
 * start until its end. A queued kiosk booking that reaches the server late, but before its
 * end, still counts. */
gboolean
rb_policy_check_checked_in_booking (const RbPolicy *policy, RbInterval booking, gint64 now,
                                    GError **error)
{
  if (!rb_interval_contains (rb_interval_make (booking.start - policy->check_in_before_minutes * 60,
                                               booking.end),
                             now))
    {
      rb_set_error (error, RB_ERROR_CHECK_IN_WINDOW,
                    _("Only a booking that begins now can be checked in as it is made."));
      return FALSE;
    }
  return TRUE;
}

/* ---- editing the policy -------------------------------------------------------------- */

/* The message alone, without the code's general words: it is shown in place, beside the
 * setting it names, and as the problem's detail. */
static gboolean
refuse (const char *field, const char **out_field, GError **error, const char *message)
{
  if (out_field != NULL)
    *out_field = field;
  g_set_error_literal (error, RB_ERROR, RB_ERROR_INVALID_FIELD, message);
  return FALSE;
}

static gboolean
check_range (int value, int min, int max, const char *field, const char *label,
             const char **out_field, GError **error)
{
  g_autofree char *message = NULL;

  if (value >= min && value <= max)
    return TRUE;
  /* TRANSLATORS: the first %s is the name of a setting on the Rules page, such as "Desks
   * bookable ahead (days)". */
  message = g_strdup_printf (_("“%s” must be between %d and %d."), label, min, max);
  return refuse (field, out_field, error, message);
}

static gboolean
check_time (int minute, const char *field, const char *label, const char **out_field,
            GError **error)
{
  g_autofree char *message = NULL;

  if (minute >= 0 && minute < 24 * 60 && minute % 15 == 0)
    return TRUE;
  /* TRANSLATORS: %s is "Opening time" or "Closing time". */
  message = g_strdup_printf (_("“%s” must be a time of day on a quarter hour, 00:00 to 23:45."),
                             label);
  return refuse (field, out_field, error, message);
}

/* Whether an administrator may set this policy. On failure, *out_field (if not NULL) names
 * the JSON member of rb_policy_to_json that is wrong, and the error (RB_ERROR_INVALID_FIELD)
 * says why in words that name the setting as the Rules page does. */
gboolean
rb_policy_validate (const RbPolicy *policy, const char **out_field, GError **error)
{
  if (!check_time (policy->opening_minute, "opening_time", _("Opening time"), out_field, error)
      || !check_time (policy->closing_minute, "closing_time", _("Closing time"), out_field,
                      error))
    return FALSE;
  if (policy->closing_minute <= policy->opening_minute)
    return refuse ("closing_time", out_field, error,
                   _("The closing time must be later than the opening time."));
  if (!check_range (policy->desk_horizon_days, 0, RB_POLICY_MAX_HORIZON_DAYS,
                    "desk_horizon_days", _("Desks bookable ahead (days)"), out_field, error)
      || !check_range (policy->room_horizon_days, 0, RB_POLICY_MAX_HORIZON_DAYS,
                       "room_horizon_days", _("Rooms bookable ahead (days)"), out_field, error)
      || !check_range (policy->team_lead_room_horizon_days, 0, RB_POLICY_MAX_HORIZON_DAYS,
                       "team_lead_room_horizon_days",
                       _("Rooms bookable ahead by team leads (days)"), out_field, error))
    return FALSE;
  if (policy->team_lead_room_horizon_days < policy->room_horizon_days)
    return refuse ("team_lead_room_horizon_days", out_field, error,
                   _("Team leads must be able to book rooms at least as far ahead as "
                     "everyone else."));
  if (policy->max_desk_minutes % 60 != 0)
    return refuse ("max_desk_minutes", out_field, error,
                   _("The longest desk booking must be a whole number of hours."));
  if (!check_range (policy->max_desk_minutes / 60, 1, 24, "max_desk_minutes",
                    _("Longest desk booking (hours)"), out_field, error))
    return FALSE;
  if (!check_range (policy->check_in_before_minutes, 0, RB_POLICY_MAX_CHECK_IN_MINUTES,
                    "check_in_before_minutes", _("Check-in opens before the start (minutes)"),
                    out_field, error)
      || !check_range (policy->check_in_after_minutes, 5, RB_POLICY_MAX_CHECK_IN_MINUTES,
                       "check_in_after_minutes",
                       _("Released when not checked in after (minutes)"), out_field, error))
    return FALSE;
  if (!check_range (policy->anonymise_after_days, 1, RB_POLICY_MAX_RETENTION_DAYS,
                    "anonymise_after_days", _("Bookings name their person for (days)"),
                    out_field, error)
      || !check_range (policy->delete_after_days, 1, RB_POLICY_MAX_RETENTION_DAYS,
                       "delete_after_days", _("Bookings are deleted after (days)"), out_field,
                       error)
      || !check_range (policy->audit_retention_days, RB_POLICY_MIN_AUDIT_RETENTION_DAYS,
                       RB_POLICY_MAX_RETENTION_DAYS, "audit_retention_days",
                       _("Audit log entries are kept for (days)"), out_field, error)
      || !check_range (policy->min_group_size, 1, RB_POLICY_MAX_MIN_GROUP_SIZE,
                       "min_group_size", _("Figures need at least (people)"), out_field, error))
    return FALSE;
  if (policy->delete_after_days < policy->anonymise_after_days)
    return refuse ("delete_after_days", out_field, error,
                   _("Bookings cannot be deleted before they stop naming their person."));
  return TRUE;
}

gboolean
rb_policy_equal (const RbPolicy *a, const RbPolicy *b)
{
  return a->desk_horizon_days == b->desk_horizon_days
         && a->room_horizon_days == b->room_horizon_days
         && a->team_lead_room_horizon_days == b->team_lead_room_horizon_days
         && a->opening_minute == b->opening_minute && a->closing_minute == b->closing_minute
         && a->max_desk_minutes == b->max_desk_minutes
         && !a->one_desk_per_day == !b->one_desk_per_day
         && a->check_in_before_minutes == b->check_in_before_minutes
         && a->check_in_after_minutes == b->check_in_after_minutes
         && !a->show_names == !b->show_names
         && !a->panel_anonymous_booking == !b->panel_anonymous_booking
         && a->anonymise_after_days == b->anonymise_after_days
         && a->delete_after_days == b->delete_after_days
         && a->audit_retention_days == b->audit_retention_days
         && a->min_group_size == b->min_group_size;
}

static char *
format_time (int minute)
{
  return g_strdup_printf ("%02d:%02d", minute / 60, minute % 60);
}

/* The policy as GET /api/v1/policy answers it and PUT takes it (data/openapi.json). */
JsonNode *
rb_policy_to_json (const RbPolicy *policy)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *opening = format_time (policy->opening_minute);
  g_autofree char *closing = format_time (policy->closing_minute);

  json_object_set_string_member (o, "opening_time", opening);
  json_object_set_string_member (o, "closing_time", closing);
  json_object_set_int_member (o, "desk_horizon_days", policy->desk_horizon_days);
  json_object_set_int_member (o, "room_horizon_days", policy->room_horizon_days);
  json_object_set_int_member (o, "team_lead_room_horizon_days",
                              policy->team_lead_room_horizon_days);
  json_object_set_int_member (o, "max_desk_minutes", policy->max_desk_minutes);
  json_object_set_boolean_member (o, "one_desk_per_day", policy->one_desk_per_day);
  json_object_set_int_member (o, "check_in_before_minutes", policy->check_in_before_minutes);
  json_object_set_int_member (o, "check_in_after_minutes", policy->check_in_after_minutes);
  json_object_set_boolean_member (o, "show_names", policy->show_names);
  json_object_set_boolean_member (o, "panel_anonymous_booking", policy->panel_anonymous_booking);
  json_object_set_int_member (o, "anonymise_after_days", policy->anonymise_after_days);
  json_object_set_int_member (o, "delete_after_days", policy->delete_after_days);
  json_object_set_int_member (o, "audit_retention_days", policy->audit_retention_days);
  json_object_set_int_member (o, "min_group_size", policy->min_group_size);
  json_node_take_object (node, o);
  return node;
}

static gboolean
member_error (const char *field, const char **out_field, GError **error)
{
  g_autofree char *message = g_strdup_printf (_("Field “%s” is missing or invalid."), field);

  return refuse (field, out_field, error, message);
}

static gboolean
get_int_member (JsonObject *o, const char *field, int *out_value, const char **out_field,
                GError **error)
{
  JsonNode *node = json_object_get_member (o, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_INT64
      || json_node_get_int (node) < G_MININT || json_node_get_int (node) > G_MAXINT)
    return member_error (field, out_field, error);
  *out_value = json_node_get_int (node);
  return TRUE;
}

static gboolean
get_bool_member (JsonObject *o, const char *field, gboolean *out_value,
                 const char **out_field, GError **error)
{
  JsonNode *node = json_object_get_member (o, field);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return member_error (field, out_field, error);
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* "HH:MM", 00:00 to 23:59; rb_policy_validate then asks for a quarter hour. */
static gboolean
get_time_member (JsonObject *o, const char *field, int *out_minute, const char **out_field,
                 GError **error)
{
  JsonNode *node = json_object_get_member (o, field);
  const char *text;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return member_error (field, out_field, error);
  text = json_node_get_string (node);
  if (strlen (text) != 5 || !g_ascii_isdigit (text[0]) || !g_ascii_isdigit (text[1])
      || text[2] != ':' || !g_ascii_isdigit (text[3]) || !g_ascii_isdigit (text[4])
      || (text[0] - '0') * 10 + (text[1] - '0') > 23 || text[3] > '5')
    return member_error (field, out_field, error);
  *out_minute = ((text[0] - '0') * 10 + (text[1] - '0')) * 60 + (text[3] - '0') * 10
                + (text[4] - '0');
  return TRUE;
}

/* A member that clients before the door panel do not send: absent is FALSE. */
static gboolean
get_optional_bool_member (JsonObject *o, const char *field, gboolean *out_value,
                          const char **out_field, GError **error)
{
  if (!json_object_has_member (o, field))
    {
      *out_value = FALSE;
      return TRUE;
    }
  return get_bool_member (o, field, out_value, out_field, error);
}

/* A member that clients before the privacy settings do not send: absent is the default. */
static gboolean
get_optional_int_member (JsonObject *o, const char *field, int fallback, int *out_value,
                         const char **out_field, GError **error)
{
  if (!json_object_has_member (o, field))
    {
      *out_value = fallback;
      return TRUE;
    }
  return get_int_member (o, field, out_value, out_field, error);
}

/* Every member of rb_policy_to_json, for readers that refuse any other. */
const char *const rb_policy_json_members[] = {
  "opening_time", "closing_time", "desk_horizon_days", "room_horizon_days",
  "team_lead_room_horizon_days", "max_desk_minutes", "one_desk_per_day",
  "check_in_before_minutes", "check_in_after_minutes", "show_names",
  "panel_anonymous_booking", "anonymise_after_days", "delete_after_days", "audit_retention_days",
  "min_group_size", NULL,
};

/* Reads a whole policy (every member of rb_policy_to_json, no other) and validates it. */
gboolean
rb_policy_from_json (JsonNode *node, RbPolicy *out_policy, const char **out_field,
                     GError **error)
{
  RbPolicy defaults;
  RbPolicy policy;
  JsonObject *o;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, _("A JSON object was expected."));
      return FALSE;
    }
  o = json_node_get_object (node);
  rb_policy_init_defaults (&defaults);
  if (!rb_json_check_members (o, rb_policy_json_members, error))
    return FALSE;
  if (!get_time_member (o, "opening_time", &policy.opening_minute, out_field, error)
      || !get_time_member (o, "closing_time", &policy.closing_minute, out_field, error)
      || !get_int_member (o, "desk_horizon_days", &policy.desk_horizon_days, out_field, error)
      || !get_int_member (o, "room_horizon_days", &policy.room_horizon_days, out_field, error)
      || !get_int_member (o, "team_lead_room_horizon_days", &policy.team_lead_room_horizon_days,
                          out_field, error)
      || !get_int_member (o, "max_desk_minutes", &policy.max_desk_minutes, out_field, error)
      || !get_bool_member (o, "one_desk_per_day", &policy.one_desk_per_day, out_field, error)
      || !get_int_member (o, "check_in_before_minutes", &policy.check_in_before_minutes,
                          out_field, error)
      || !get_int_member (o, "check_in_after_minutes", &policy.check_in_after_minutes,
                          out_field, error)
      || !get_bool_member (o, "show_names", &policy.show_names, out_field, error)
      || !get_optional_bool_member (o, "panel_anonymous_booking",
                                    &policy.panel_anonymous_booking, out_field, error)
      || !get_optional_int_member (o, "anonymise_after_days", defaults.anonymise_after_days,
                                   &policy.anonymise_after_days, out_field, error)
      || !get_optional_int_member (o, "delete_after_days", defaults.delete_after_days,
                                   &policy.delete_after_days, out_field, error)
      || !get_optional_int_member (o, "audit_retention_days", defaults.audit_retention_days,
                                   &policy.audit_retention_days, out_field, error)
      || !get_optional_int_member (o, "min_group_size", defaults.min_group_size,
                                   &policy.min_group_size, out_field, error)
      || !rb_policy_validate (&policy, out_field, error))
    return FALSE;
  *out_policy = policy;
  return TRUE;
}
