/* rb-types.c: wire names and translated labels of the domain enumerations. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-types.h"

typedef struct
{
  int value;
  const char *wire;
  const char *label;
} RbNamedValue;

static const RbNamedValue space_kinds[] = {
  { RB_SPACE_KIND_DESK, "desk", N_("Desk") },
  { RB_SPACE_KIND_ROOM, "room", N_("Room") },
};

static const RbNamedValue roles[] = {
  { RB_ROLE_STAFF, "staff", N_("Staff member") },
  { RB_ROLE_TEAM_LEAD, "team_lead", N_("Team lead") },
  { RB_ROLE_FACILITY_MANAGER, "facility_manager", N_("Facility manager") },
  { RB_ROLE_ADMIN, "admin", N_("Administrator") },
};

static const RbNamedValue booking_states[] = {
  { RB_BOOKING_STATE_BOOKED, "booked", N_("Booked") },
  { RB_BOOKING_STATE_CHECKED_IN, "checked_in", N_("Checked in") },
  { RB_BOOKING_STATE_RELEASED, "released", N_("Released (no-show)") },
  { RB_BOOKING_STATE_CANCELLED, "cancelled", N_("Cancelled") },
};

static const RbNamedValue amenities[RB_N_AMENITIES] = {
  { RB_AMENITY_MONITOR, "monitor", N_("Monitor") },
  { RB_AMENITY_DOCKING_STATION, "docking_station", N_("Docking station") },
  { RB_AMENITY_HEIGHT_ADJUSTABLE, "height_adjustable", N_("Height-adjustable") },
  { RB_AMENITY_WHITEBOARD, "whiteboard", N_("Whiteboard") },
  { RB_AMENITY_VIDEO, "video", N_("Video conferencing") },
  { RB_AMENITY_WHEELCHAIR_ACCESSIBLE, "wheelchair_accessible", N_("Wheelchair accessible") },
};

static const RbNamedValue *
find_value (const RbNamedValue *table, gsize n, int value)
{
  for (gsize i = 0; i < n; i++)
    if (table[i].value == value)
      return &table[i];
  return NULL;
}

static gboolean
find_wire (const RbNamedValue *table, gsize n, const char *wire, int *out_value)
{
  if (wire == NULL)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (table[i].wire, wire))
      {
        *out_value = table[i].value;
        return TRUE;
      }
  return FALSE;
}

static const char *
wire_of (const RbNamedValue *table, gsize n, int value)
{
  const RbNamedValue *found = find_value (table, n, value);
  return found ? found->wire : NULL;
}

static const char *
label_of (const RbNamedValue *table, gsize n, int value)
{
  const RbNamedValue *found = find_value (table, n, value);
  return found ? _(found->label) : NULL;
}

#define WIRE_OF(table, v) wire_of (table, G_N_ELEMENTS (table), (v))
#define LABEL_OF(table, v) label_of (table, G_N_ELEMENTS (table), (v))

const char *
rb_space_kind_to_string (RbSpaceKind kind)
{
  return WIRE_OF (space_kinds, kind);
}

gboolean
rb_space_kind_from_string (const char *str, RbSpaceKind *out_kind)
{
  int v;
  if (!find_wire (space_kinds, G_N_ELEMENTS (space_kinds), str, &v))
    return FALSE;
  *out_kind = v;
  return TRUE;
}

const char *
rb_space_kind_label (RbSpaceKind kind)
{
  return LABEL_OF (space_kinds, kind);
}

const char *
rb_role_to_string (RbRole role)
{
  return WIRE_OF (roles, role);
}

gboolean
rb_role_from_string (const char *str, RbRole *out_role)
{
  int v;
  if (!find_wire (roles, G_N_ELEMENTS (roles), str, &v))
    return FALSE;
  *out_role = v;
  return TRUE;
}

const char *
rb_role_label (RbRole role)
{
  return LABEL_OF (roles, role);
}

const char *
rb_booking_state_to_string (RbBookingState state)
{
  return WIRE_OF (booking_states, state);
}

gboolean
rb_booking_state_from_string (const char *str, RbBookingState *out_state)
{
  int v;
  if (!find_wire (booking_states, G_N_ELEMENTS (booking_states), str, &v))
    return FALSE;
  *out_state = v;
  return TRUE;
}

const char *
rb_booking_state_label (RbBookingState state)
{
  return LABEL_OF (booking_states, state);
}

gboolean
rb_booking_state_is_active (RbBookingState state)
{
  return state == RB_BOOKING_STATE_BOOKED || state == RB_BOOKING_STATE_CHECKED_IN;
}

RbAmenities
rb_amenity_nth (guint n)
{
  g_return_val_if_fail (n < RB_N_AMENITIES, 0);
  return amenities[n].value;
}

const char *
rb_amenity_to_string (RbAmenities amenity)
{
  return WIRE_OF (amenities, amenity);
}

gboolean
rb_amenity_from_string (const char *str, RbAmenities *out_amenity)
{
  int v;
  if (!find_wire (amenities, G_N_ELEMENTS (amenities), str, &v))
    return FALSE;
  *out_amenity = v;
  return TRUE;
}

const char *
rb_amenity_label (RbAmenities amenity)
{
  return LABEL_OF (amenities, amenity);
}

/* Administrators keep the building, the people and the rules (issue 11). */
gboolean
rb_role_is_admin (RbRole role)
{
  return role == RB_ROLE_ADMIN;
}
