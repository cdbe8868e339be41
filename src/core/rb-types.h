/* rb-types.h: the small enumerations of the domain and their stable wire names. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  RB_SPACE_KIND_DESK,
  RB_SPACE_KIND_ROOM,
} RbSpaceKind;

typedef enum
{
  RB_ROLE_STAFF,
  RB_ROLE_TEAM_LEAD,
  RB_ROLE_FACILITY_MANAGER,
  RB_ROLE_ADMIN,
} RbRole;

typedef enum
{
  RB_BOOKING_STATE_BOOKED,
  RB_BOOKING_STATE_CHECKED_IN,
  RB_BOOKING_STATE_RELEASED,
  RB_BOOKING_STATE_CANCELLED,
} RbBookingState;

/* Where a client's booking stands with the server: in step with it (or standalone, where
 * there is no server), made here and waiting to be sent, or refused by the server. */
typedef enum
{
  RB_SYNC_STATE_SYNCED,
  RB_SYNC_STATE_PENDING,
  RB_SYNC_STATE_REJECTED,
} RbSyncState;

/* The amenities a space can offer; the wire names are fixed by the API. */
typedef enum
{
  RB_AMENITY_MONITOR = 1 << 0,
  RB_AMENITY_DOCKING_STATION = 1 << 1,
  RB_AMENITY_HEIGHT_ADJUSTABLE = 1 << 2,
  RB_AMENITY_WHITEBOARD = 1 << 3,
  RB_AMENITY_VIDEO = 1 << 4,
  RB_AMENITY_WHEELCHAIR_ACCESSIBLE = 1 << 5,
} RbAmenities;

#define RB_N_AMENITIES 6

const char *rb_space_kind_to_string (RbSpaceKind kind);
gboolean rb_space_kind_from_string (const char *str, RbSpaceKind *out_kind);
const char *rb_space_kind_label (RbSpaceKind kind);

const char *rb_role_to_string (RbRole role);
gboolean rb_role_from_string (const char *str, RbRole *out_role);
const char *rb_role_label (RbRole role);
gboolean rb_role_is_admin (RbRole role);

const char *rb_booking_state_to_string (RbBookingState state);
gboolean rb_booking_state_from_string (const char *str, RbBookingState *out_state);
const char *rb_booking_state_label (RbBookingState state);
gboolean rb_booking_state_is_active (RbBookingState state);

RbAmenities rb_amenity_nth (guint n);
const char *rb_amenity_to_string (RbAmenities amenity);
gboolean rb_amenity_from_string (const char *str, RbAmenities *out_amenity);
const char *rb_amenity_label (RbAmenities amenity);

G_END_DECLS
