/* rb-json.h: the API's JSON shapes (DESIGN.md) ↔ model objects, with strict validation:
 * every failure is RB_ERROR_INVALID_JSON or RB_ERROR_INVALID_FIELD naming the field. */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-booking.h"
#include "rb-building.h"
#include "rb-floor.h"
#include "rb-person.h"
#include "rb-site.h"
#include "rb-space.h"

G_BEGIN_DECLS

#define RB_JSON_MAX_TEXT 200
/* Deepest nesting of objects and arrays that rb_json_parse accepts. */
#define RB_JSON_MAX_DEPTH 32

/* The members of a request body of the REST API (DESIGN.md); rb_json_check_members refuses any
 * other. */
extern const char *const rb_json_booking_request_members[];
extern const char *const rb_json_session_request_members[];

/* rb-json-parser.c */
JsonNode *rb_json_parse (const char *data, gssize length, GError **error);
gboolean rb_json_check_members (JsonObject *object, const char *const *allowed, GError **error);

/* rb-json.c */
char *rb_json_to_string (JsonNode *node, gboolean pretty);

JsonNode *rb_json_from_site (RbSite *site);
RbSite *rb_json_to_site (JsonNode *node, GError **error);
JsonNode *rb_json_from_building (RbBuilding *building);
RbBuilding *rb_json_to_building (JsonNode *node, GError **error);
JsonNode *rb_json_from_floor (RbFloor *floor);
RbFloor *rb_json_to_floor (JsonNode *node, GError **error);
JsonNode *rb_json_from_space (RbSpace *space);
RbSpace *rb_json_to_space (JsonNode *node, GError **error);
JsonNode *rb_json_from_person (RbPerson *person);
RbPerson *rb_json_to_person (JsonNode *node, GError **error);
JsonNode *rb_json_from_booking (RbBooking *booking, gboolean with_person);
RbBooking *rb_json_to_booking (JsonNode *node, GError **error);
RbBooking *rb_json_to_booking_request (JsonNode *node, GError **error);

const char *rb_json_get_string (JsonObject *object, const char *name, gboolean required,
                                GError **error);
gboolean rb_json_get_metres (JsonObject *object, const char *name, double min, double max,
                             double *out_value, GError **error);
void rb_json_set_metres (JsonObject *object, const char *name, double value);
gboolean rb_json_get_int (JsonObject *object, const char *name, gboolean required, gint64 min,
                          gint64 max, gint64 *out_value, GError **error);
gboolean rb_json_get_boolean (JsonObject *object, const char *name, gboolean required,
                              gboolean *out_value, GError **error);
gboolean rb_json_get_time (JsonObject *object, const char *name, gint64 *out_instant,
                           GError **error);

G_END_DECLS
