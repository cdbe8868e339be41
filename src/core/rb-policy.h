/* rb-policy.h: a site's booking rules and the checks that need no database.
 * Overlaps and "one desk per person" need the bookings and are enforced by the store. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

#include "rb-interval.h"
#include "rb-space.h"
#include "rb-types.h"

G_BEGIN_DECLS

typedef struct
{
  int desk_horizon_days;
  int room_horizon_days;
  int team_lead_room_horizon_days;
  int opening_minute;
  int closing_minute;
  int max_desk_minutes;
  gboolean one_desk_per_day;
  int check_in_before_minutes;
  int check_in_after_minutes; /* also the minutes after the start before auto-release */
  gboolean show_names;        /* sites.show_names: kiosks and occupancy may name who booked */
  gboolean panel_anonymous_booking; /* a door panel books its room without identifying */
  int anonymise_after_days; /* days after its end that a booking keeps its person and title */
  int delete_after_days;    /* days after its end that a booking is deleted */
  int audit_retention_days; /* days an audit log entry is kept */
  int min_group_size;       /* the fewest distinct people a reported figure may rest on (1: any) */
} RbPolicy;

/* The longest booking horizon an administrator may set: "My bookings" look
 * RB_CLIENT_SERVICE_LOOKAHEAD_DAYS ahead, a little further. */
#define RB_POLICY_MAX_HORIZON_DAYS 180
#define RB_POLICY_MAX_CHECK_IN_MINUTES 120
#define RB_POLICY_MAX_RETENTION_DAYS 3650
/* The audit log answers for a year's changes at least. */
#define RB_POLICY_MIN_AUDIT_RETENTION_DAYS 365
#define RB_POLICY_MAX_MIN_GROUP_SIZE 100

extern const char *const rb_policy_json_members[];

void rb_policy_init_defaults (RbPolicy *policy);

gboolean rb_policy_check_booking (const RbPolicy *policy, GTimeZone *tz, RbRole role,
                                  RbSpace *space, RbInterval interval, int attendees,
                                  gint64 now, GError **error);
int rb_policy_horizon_days (const RbPolicy *policy, RbRole role, RbSpaceKind kind);
RbInterval rb_policy_opening_hours (const RbPolicy *policy, GTimeZone *tz, gint64 instant);
RbInterval rb_policy_check_in_window (const RbPolicy *policy, RbInterval booking,
                                      gint64 created_at);
gboolean rb_policy_check_check_in (const RbPolicy *policy, RbInterval booking, gint64 created_at,
                                   gint64 now, GError **error);
gint64 rb_policy_release_deadline (const RbPolicy *policy, RbInterval booking, gint64 created_at);
gboolean rb_policy_check_checked_in_booking (const RbPolicy *policy, RbInterval booking,
                                             gint64 now, GError **error);

gboolean rb_policy_validate (const RbPolicy *policy, const char **out_field, GError **error);
gboolean rb_policy_equal (const RbPolicy *a, const RbPolicy *b);
JsonNode *rb_policy_to_json (const RbPolicy *policy);
gboolean rb_policy_from_json (JsonNode *node, RbPolicy *out_policy, const char **out_field,
                              GError **error);

G_END_DECLS
