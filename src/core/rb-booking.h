/* rb-booking.h: one booking of a space by a person for a half-open UTC interval. */
#pragma once

#include <glib-object.h>

#include "rb-interval.h"
#include "rb-types.h"

G_BEGIN_DECLS

#define RB_TYPE_BOOKING (rb_booking_get_type ())
G_DECLARE_FINAL_TYPE (RbBooking, rb_booking, RB, BOOKING, GObject)

RbBooking *rb_booking_new (const char *id, const char *space_id, const char *person_id,
                           RbInterval interval);

const char *rb_booking_get_id (RbBooking *self);
const char *rb_booking_get_space_id (RbBooking *self);
const char *rb_booking_get_person_id (RbBooking *self);
void rb_booking_set_person_id (RbBooking *self, const char *person_id);
RbInterval rb_booking_get_interval (RbBooking *self);
gint64 rb_booking_get_start (RbBooking *self);
gint64 rb_booking_get_end (RbBooking *self);

const char *rb_booking_get_title (RbBooking *self);
void rb_booking_set_title (RbBooking *self, const char *title);
int rb_booking_get_attendees (RbBooking *self);
void rb_booking_set_attendees (RbBooking *self, int attendees);
const char *rb_booking_get_series_id (RbBooking *self);
void rb_booking_set_series_id (RbBooking *self, const char *series_id);
RbBookingState rb_booking_get_state (RbBooking *self);
void rb_booking_set_state (RbBooking *self, RbBookingState state);
gint64 rb_booking_get_version (RbBooking *self);
void rb_booking_set_version (RbBooking *self, gint64 version);
gint64 rb_booking_get_seq (RbBooking *self);
void rb_booking_set_seq (RbBooking *self, gint64 seq);
/* When the booking was made (UTC seconds; 0 when unknown): a booking made after its start
 * keeps its whole check-in window from then on (rb_policy_check_in_window). */
gint64 rb_booking_get_created_at (RbBooking *self);
void rb_booking_set_created_at (RbBooking *self, gint64 created_at);
/* Booked at the door: by nobody, at a door panel (policy panel_anonymous_booking). Only that
 * panel may end or extend it without anybody's PIN. */
gboolean rb_booking_get_at_door (RbBooking *self);
void rb_booking_set_at_door (RbBooking *self, gboolean at_door);
/* Retention (issue 13) took its person, title, reason and series: a mirror forgets them too. */
gboolean rb_booking_get_anonymised (RbBooking *self);
void rb_booking_set_anonymised (RbBooking *self, gboolean anonymised);
/* Whether the person who booked lets colleagues see their name where the site shows names
 * (people.show_name, issue 13): filled in by the store's queries, never sent. */
gboolean rb_booking_get_name_consented (RbBooking *self);
void rb_booking_set_name_consented (RbBooking *self, gboolean name_consented);
/* Why the booking was cancelled by someone else (a maintenance block's reason), or NULL. */
const char *rb_booking_get_cancel_reason (RbBooking *self);
void rb_booking_set_cancel_reason (RbBooking *self, const char *cancel_reason);

/* Display names filled in by queries that join them; NULL when unknown or not allowed. */
RbSpaceKind rb_booking_get_space_kind (RbBooking *self);
void rb_booking_set_space_kind (RbBooking *self, RbSpaceKind space_kind);
const char *rb_booking_get_space_name (RbBooking *self);
void rb_booking_set_space_name (RbBooking *self, const char *space_name);
const char *rb_booking_get_person_name (RbBooking *self);
void rb_booking_set_person_name (RbBooking *self, const char *person_name);

/* A client's view: whether the server has it yet (rb-types.h), and why it refused it. */
RbSyncState rb_booking_get_sync_state (RbBooking *self);
void rb_booking_set_sync_state (RbBooking *self, RbSyncState sync_state);
const char *rb_booking_get_sync_error (RbBooking *self);
void rb_booking_set_sync_error (RbBooking *self, const char *sync_error);

gboolean rb_booking_shows_person_to (RbBooking *self, const char *viewer_id, gboolean show_names);
void rb_booking_hide_person (RbBooking *self);

char *rb_booking_new_id (void);

G_END_DECLS
