/* rb-json.c: JSON mapping through json-glib. Input is untrusted: types, ranges and lengths
 * are checked field by field, and the error names the field that was wrong. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-time.h"

const char *const rb_json_booking_request_members[] = {
  "id", "space_id", "start", "end", "title", "attendees", "state", NULL,
};

const char *const rb_json_session_request_members[] = { "staff_number", "pin", "badge",
                                                         "username", "password", NULL };

char *
rb_json_to_string (JsonNode *node, gboolean pretty)
{
  g_autoptr (JsonGenerator) generator = json_generator_new ();
  char *text;
  GString *escaped;

  json_generator_set_pretty (generator, pretty);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  /* json-glib 1.6 escapes every control character in a string but U+001F, which it writes as
   * it is: that is not JSON (RFC 8259, section 7), and a client's rb_json_parse refuses the
   * whole answer. Outside strings the generator writes no such byte, and in UTF-8 it is part of
   * no other character, so every one is replaced. */
  if (strchr (text, 0x1f) == NULL)
    return text;
  escaped = g_string_new (text);
  g_free (text);
  g_string_replace (escaped, "\x1f", "\\u001f", 0);
  return g_string_free (escaped, FALSE);
}

static JsonObject *
require_object (JsonNode *node, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, _("A JSON object was expected."));
      return NULL;
    }
  return json_node_get_object (node);
}

static void
field_error (GError **error, const char *name)
{
  rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."), name);
}

/* A string member, at most RB_JSON_MAX_TEXT characters of valid UTF-8. NULL with no error
 * when it is optional and absent or null. */
const char *
rb_json_get_string (JsonObject *object, const char *name, gboolean required, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  const char *value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        field_error (error, name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      field_error (error, name);
      return NULL;
    }
  value = json_node_get_string (node);
  if (!g_utf8_validate (value, -1, NULL) || g_utf8_strlen (value, -1) > RB_JSON_MAX_TEXT
      || (required && *value == '\0'))
    {
      field_error (error, name);
      return NULL;
    }
  return value;
}

gboolean
rb_json_get_int (JsonObject *object, const char *name, gboolean required, gint64 min, gint64 max,
                 gint64 *out_value, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  gint64 value;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        {
          field_error (error, name);
          return FALSE;
        }
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      field_error (error, name);
      return FALSE;
    }
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      field_error (error, name);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

/* A JSON true or false; leaves out_value alone when the member is absent and not required. */
gboolean
rb_json_get_boolean (JsonObject *object, const char *name, gboolean required,
                     gboolean *out_value, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL && !required)
    return TRUE;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      field_error (error, name);
      return FALSE;
    }
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* A length in metres: a JSON number (integer or not), finite, within [min, max]. */
gboolean
rb_json_get_metres (JsonObject *object, const char *name, double min, double max,
                    double *out_value, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  double value;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    {
      field_error (error, name);
      return FALSE;
    }
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    {
      field_error (error, name);
      return FALSE;
    }
  if (!isfinite (value) || value < min || value > max)
    {
      field_error (error, name);
      return FALSE;
    }
  *out_value = value;
  return TRUE;
}

/* Writes whole metres as integers, so that files stay as people write them. */
void
rb_json_set_metres (JsonObject *object, const char *name, double value)
{
  if (value == floor (value) && fabs (value) < 1e9)
    json_object_set_int_member (object, name, (gint64) value);
  else
    json_object_set_double_member (object, name, value);
}

/* A required RFC 3339 time (rb_time_parse_rfc3339); the error says why it was refused. */
gboolean
rb_json_get_time (JsonObject *object, const char *name, gint64 *out_instant, GError **error)
{
  const char *text = rb_json_get_string (object, name, TRUE, error);
  const char *problem;

  if (text == NULL)
    return FALSE;
  if ((problem = rb_time_parse_rfc3339 (text, out_instant)) != NULL)
    {
      /* TRANSLATORS: the second %s says why, e.g. "times are whole seconds, without a
       * fraction." */
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is invalid: %s"), name, problem);
      return FALSE;
    }
  return TRUE;
}

static void
set_time (JsonObject *object, const char *name, gint64 instant)
{
  g_autofree char *text = rb_time_to_rfc3339 (instant);

  json_object_set_string_member (object, name, text);
}

static JsonNode *
object_node (JsonObject *object)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_node_take_object (node, object);
  return node;
}

JsonNode *
rb_json_from_site (RbSite *site)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", rb_site_get_id (site));
  json_object_set_string_member (o, "name", rb_site_get_name (site));
  json_object_set_string_member (o, "timezone", rb_site_get_timezone (site));
  json_object_set_boolean_member (o, "show_names", rb_site_get_show_names (site));
  return object_node (o);
}

RbSite *
rb_json_to_site (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  const char *id, *name, *time_zone;
  g_autoptr (GTimeZone) tz = NULL;
  gboolean show_names = FALSE;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(name = rb_json_get_string (o, "name", TRUE, error))
      || !(time_zone = rb_json_get_string (o, "timezone", TRUE, error))
      || !(tz = rb_time_zone_new (time_zone, error)))
    return NULL;
  if (json_object_has_member (o, "show_names"))
    {
      JsonNode *show = json_object_get_member (o, "show_names");

      if (!JSON_NODE_HOLDS_VALUE (show) || json_node_get_value_type (show) != G_TYPE_BOOLEAN)
        {
          field_error (error, "show_names");
          return NULL;
        }
      show_names = json_node_get_boolean (show);
    }
  return rb_site_new (id, name, time_zone, show_names);
}

JsonNode *
rb_json_from_building (RbBuilding *building)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", rb_building_get_id (building));
  json_object_set_string_member (o, "site_id", rb_building_get_site_id (building));
  json_object_set_string_member (o, "name", rb_building_get_name (building));
  json_object_set_string_member (o, "address", rb_building_get_address (building));
  return object_node (o);
}

RbBuilding *
rb_json_to_building (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  const char *id, *site_id, *name, *address;
  GError *local_error = NULL;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(site_id = rb_json_get_string (o, "site_id", TRUE, error))
      || !(name = rb_json_get_string (o, "name", TRUE, error)))
    return NULL;
  address = rb_json_get_string (o, "address", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  return rb_building_new (id, site_id, name, address ? address : "");
}

JsonNode *
rb_json_from_floor (RbFloor *floor)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", rb_floor_get_id (floor));
  json_object_set_string_member (o, "building_id", rb_floor_get_building_id (floor));
  json_object_set_string_member (o, "name", rb_floor_get_name (floor));
  json_object_set_int_member (o, "level", rb_floor_get_level (floor));
  json_object_set_int_member (o, "width", rb_floor_get_width (floor));
  json_object_set_int_member (o, "height", rb_floor_get_height (floor));
  json_object_set_int_member (o, "position", rb_floor_get_position (floor));
  if (rb_floor_get_plan_content_type (floor) != NULL)
    {
      JsonObject *plan = json_object_new ();
      g_autofree char *updated_at = rb_time_to_rfc3339 (rb_floor_get_plan_updated_at (floor));

      json_object_set_string_member (plan, "content_type", rb_floor_get_plan_content_type (floor));
      json_object_set_string_member (plan, "updated_at", updated_at);
      json_object_set_object_member (o, "plan", plan);
    }
  else
    json_object_set_null_member (o, "plan");
  return object_node (o);
}

RbFloor *
rb_json_to_floor (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  const char *id, *building_id, *name;
  gint64 level = 0, width = 0, height = 0, position = G_MININT64;
  RbFloor *floor;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(building_id = rb_json_get_string (o, "building_id", TRUE, error))
      || !(name = rb_json_get_string (o, "name", TRUE, error))
      || !rb_json_get_int (o, "level", TRUE, -10, 200, &level, error)
      || !rb_json_get_int (o, "width", TRUE, 1, 10000, &width, error)
      || !rb_json_get_int (o, "height", TRUE, 1, 10000, &height, error)
      || !rb_json_get_int (o, "position", FALSE, -10000, 10000, &position, error))
    return NULL;
  floor = rb_floor_new (id, building_id, name, level, width, height);
  if (position != G_MININT64)
    rb_floor_set_position (floor, position);
  return floor;
}

JsonNode *
rb_json_from_space (RbSpace *space)
{
  JsonObject *o = json_object_new ();
  JsonObject *rect = json_object_new ();
  JsonArray *amenities = json_array_new ();
  const RbRect *r = rb_space_get_rect (space);

  json_object_set_string_member (o, "id", rb_space_get_id (space));
  json_object_set_string_member (o, "floor_id", rb_space_get_floor_id (space));
  json_object_set_string_member (o, "kind", rb_space_kind_to_string (rb_space_get_kind (space)));
  json_object_set_string_member (o, "name", rb_space_get_name (space));
  json_object_set_int_member (o, "capacity", rb_space_get_capacity (space));
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    if (rb_space_has_amenities (space, rb_amenity_nth (i)))
      json_array_add_string_element (amenities, rb_amenity_to_string (rb_amenity_nth (i)));
  json_object_set_array_member (o, "amenities", amenities);
  rb_json_set_metres (rect, "x", r->x);
  rb_json_set_metres (rect, "y", r->y);
  rb_json_set_metres (rect, "w", r->w);
  rb_json_set_metres (rect, "h", r->h);
  json_object_set_object_member (o, "rect", rect);
  json_object_set_boolean_member (o, "bookable", rb_space_get_bookable (space));
  return object_node (o);
}

RbSpace *
rb_json_to_space (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  const char *id, *floor_id, *kind_str, *name;
  gint64 capacity = 0;
  RbSpaceKind kind;
  RbAmenities amenities = 0;
  JsonNode *amenities_node, *rect_node, *bookable_node;
  JsonObject *rect_object;
  RbRect rect = { 0 };
  RbSpace *space;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(floor_id = rb_json_get_string (o, "floor_id", TRUE, error))
      || !(kind_str = rb_json_get_string (o, "kind", TRUE, error))
      || !(name = rb_json_get_string (o, "name", TRUE, error))
      || !rb_json_get_int (o, "capacity", TRUE, 1, 1000, &capacity, error))
    return NULL;
  if (!rb_space_kind_from_string (kind_str, &kind))
    {
      field_error (error, "kind");
      return NULL;
    }

  amenities_node = json_object_get_member (o, "amenities");
  if (amenities_node != NULL)
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (amenities_node))
        {
          field_error (error, "amenities");
          return NULL;
        }
      array = json_node_get_array (amenities_node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          RbAmenities amenity;

          if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING
              || !rb_amenity_from_string (json_node_get_string (element), &amenity))
            {
              field_error (error, "amenities");
              return NULL;
            }
          amenities |= amenity;
        }
    }

  rect_node = json_object_get_member (o, "rect");
  if (rect_node == NULL || !JSON_NODE_HOLDS_OBJECT (rect_node))
    {
      field_error (error, "rect");
      return NULL;
    }
  rect_object = json_node_get_object (rect_node);
  if (!rb_json_get_metres (rect_object, "x", 0, 10000, &rect.x, error)
      || !rb_json_get_metres (rect_object, "y", 0, 10000, &rect.y, error)
      || !rb_json_get_metres (rect_object, "w", 0.25, 10000, &rect.w, error)
      || !rb_json_get_metres (rect_object, "h", 0.25, 10000, &rect.h, error))
    return NULL;
  /* Optional, for the answers of servers that did not know it yet: bookable unless said. */
  bookable_node = json_object_get_member (o, "bookable");
  if (bookable_node != NULL
      && (!JSON_NODE_HOLDS_VALUE (bookable_node)
          || json_node_get_value_type (bookable_node) != G_TYPE_BOOLEAN))
    {
      field_error (error, "bookable");
      return NULL;
    }
  space = rb_space_new (id, floor_id, kind, name, capacity, amenities, &rect);
  if (bookable_node != NULL)
    rb_space_set_bookable (space, json_node_get_boolean (bookable_node));
  return space;
}

JsonNode *
rb_json_from_person (RbPerson *person)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", rb_person_get_id (person));
  json_object_set_string_member (o, "display_name", rb_person_get_display_name (person));
  json_object_set_string_member (o, "staff_number", rb_person_get_staff_number (person));
  json_object_set_string_member (o, "team", rb_person_get_team (person));
  json_object_set_string_member (o, "role", rb_role_to_string (rb_person_get_role (person)));
  return object_node (o);
}

RbPerson *
rb_json_to_person (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  const char *id, *display_name, *staff_number, *team, *role_str;
  RbRole role;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(display_name = rb_json_get_string (o, "display_name", TRUE, error))
      || !(staff_number = rb_json_get_string (o, "staff_number", TRUE, error))
      || !(team = rb_json_get_string (o, "team", TRUE, error))
      || !(role_str = rb_json_get_string (o, "role", TRUE, error)))
    return NULL;
  if (!rb_role_from_string (role_str, &role))
    {
      field_error (error, "role");
      return NULL;
    }
  return rb_person_new (id, display_name, staff_number, team, role);
}

/* with_person is FALSE where the site hides who booked (DSGVO): the person id is null. */
JsonNode *
rb_json_from_booking (RbBooking *booking, gboolean with_person)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "id", rb_booking_get_id (booking));
  json_object_set_string_member (o, "space_id", rb_booking_get_space_id (booking));
  if (with_person && rb_booking_get_person_id (booking) != NULL)
    json_object_set_string_member (o, "person_id", rb_booking_get_person_id (booking));
  else
    json_object_set_null_member (o, "person_id");
  set_time (o, "start", rb_booking_get_start (booking));
  set_time (o, "end", rb_booking_get_end (booking));
  if (rb_booking_get_title (booking) != NULL)
    json_object_set_string_member (o, "title", rb_booking_get_title (booking));
  json_object_set_int_member (o, "attendees", rb_booking_get_attendees (booking));
  if (rb_booking_get_series_id (booking) != NULL)
    json_object_set_string_member (o, "series_id", rb_booking_get_series_id (booking));
  else
    json_object_set_null_member (o, "series_id");
  json_object_set_string_member (o, "state", rb_booking_state_to_string (rb_booking_get_state (booking)));
  json_object_set_int_member (o, "version", rb_booking_get_version (booking));
  json_object_set_int_member (o, "seq", rb_booking_get_seq (booking));
  /* Optional: when it was made, for the check-in window of a booking made after its start. */
  if (rb_booking_get_created_at (booking) > 0)
    set_time (o, "created_at", rb_booking_get_created_at (booking));
  json_object_set_boolean_member (o, "at_door", rb_booking_get_at_door (booking));
  /* Optional: only a booking that a block cancelled has a reason, for its owner to see. */
  if (rb_booking_get_cancel_reason (booking) != NULL)
    json_object_set_string_member (o, "cancel_reason", rb_booking_get_cancel_reason (booking));
  /* Optional: retention took who and what (rb-retention.c). */
  if (rb_booking_get_anonymised (booking))
    json_object_set_boolean_member (o, "anonymised", TRUE);
  return object_node (o);
}

static gboolean
is_uuid (const char *text)
{
  return text != NULL && g_uuid_string_is_valid (text);
}

/* The fields that a booking and a request to create one share. */
static RbBooking *
booking_fields (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, error);
  GError *local_error = NULL;
  const char *id, *space_id, *title;
  gint64 start = 0, end = 0, attendees = 1;
  RbBooking *booking;

  if (o == NULL
      || !(id = rb_json_get_string (o, "id", TRUE, error))
      || !(space_id = rb_json_get_string (o, "space_id", TRUE, error))
      || !rb_json_get_time (o, "start", &start, error)
      || !rb_json_get_time (o, "end", &end, error)
      || !rb_json_get_int (o, "attendees", FALSE, 1, 1000, &attendees, error))
    return NULL;
  if (!is_uuid (id))
    {
      field_error (error, "id");
      return NULL;
    }
  title = rb_json_get_string (o, "title", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  booking = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));
  rb_booking_set_title (booking, title);
  rb_booking_set_attendees (booking, attendees);
  return booking;
}

/* The fields a client sends to create a booking; the person comes from the session. An
 * optional "state" of "checked_in" asks for the booking to be checked in as it is made (a
 * kiosk's booking that begins now); "booked" is the default. */
RbBooking *
rb_json_to_booking_request (JsonNode *node, GError **error)
{
  g_autoptr (RbBooking) booking = booking_fields (node, error);
  GError *local_error = NULL;
  const char *state_str;
  RbBookingState state = RB_BOOKING_STATE_BOOKED;

  if (booking == NULL)
    return NULL;
  state_str = rb_json_get_string (json_node_get_object (node), "state", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (state_str != NULL
      && (!rb_booking_state_from_string (state_str, &state)
          || (state != RB_BOOKING_STATE_BOOKED && state != RB_BOOKING_STATE_CHECKED_IN)))
    {
      field_error (error, "state");
      return NULL;
    }
  rb_booking_set_state (booking, state);
  return g_steal_pointer (&booking);
}

RbBooking *
rb_json_to_booking (JsonNode *node, GError **error)
{
  g_autoptr (RbBooking) booking = booking_fields (node, error);
  JsonObject *o;
  GError *local_error = NULL;
  const char *person_id, *series_id, *cancel_reason = NULL, *state_str;
  gint64 version = 1, seq = 0, created_at = 0;
  RbBookingState state;
  JsonNode *at_door;
  JsonNode *anonymised;

  if (booking == NULL)
    return NULL;
  o = json_node_get_object (node);
  person_id = rb_json_get_string (o, "person_id", FALSE, &local_error);
  if (local_error == NULL)
    series_id = rb_json_get_string (o, "series_id", FALSE, &local_error);
  if (local_error == NULL)
    cancel_reason = rb_json_get_string (o, "cancel_reason", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return NULL;
    }
  if (!(state_str = rb_json_get_string (o, "state", TRUE, error))
      || !rb_json_get_int (o, "version", TRUE, 1, G_MAXINT64, &version, error)
      || !rb_json_get_int (o, "seq", FALSE, 0, G_MAXINT64, &seq, error)
      || (json_object_has_member (o, "created_at")
          && !rb_json_get_time (o, "created_at", &created_at, error)))
    return NULL;
  if (!rb_booking_state_from_string (state_str, &state))
    {
      field_error (error, "state");
      return NULL;
    }
  anonymised = json_object_get_member (o, "anonymised");
  if (anonymised != NULL
      && (!JSON_NODE_HOLDS_VALUE (anonymised)
          || json_node_get_value_type (anonymised) != G_TYPE_BOOLEAN))
    {
      field_error (error, "anonymised");
      return NULL;
    }

  rb_booking_set_anonymised (booking, anonymised != NULL && json_node_get_boolean (anonymised));
  rb_booking_set_person_id (booking, person_id);
  rb_booking_set_series_id (booking, series_id);
  rb_booking_set_cancel_reason (booking, cancel_reason);
  rb_booking_set_state (booking, state);
  rb_booking_set_version (booking, version);
  rb_booking_set_seq (booking, seq);
  rb_booking_set_created_at (booking, created_at);
  /* Optional: a server before issue 12 does not say. */
  at_door = json_object_get_member (o, "at_door");
  rb_booking_set_at_door (booking, at_door != NULL && JSON_NODE_HOLDS_VALUE (at_door)
                                       && json_node_get_value_type (at_door) == G_TYPE_BOOLEAN
                                       && json_node_get_boolean (at_door));
  return g_steal_pointer (&booking);
}
