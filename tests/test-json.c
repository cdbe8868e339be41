/* test-json.c: the API's JSON shapes: round trips of every model object and strict
 * validation of booking requests (untrusted input). */
#include "config.h"

#include "rb-core.h"
#include "rb-test-util.h"

#include <string.h>

#define UUID "3f0c7a4e-9a53-4c1e-8f6e-2b1d7c9e5a10"

/* Serialises to text and parses again, as a client and a server would. */
static JsonNode *
through_text (JsonNode *node)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = rb_json_to_string (node, FALSE);
  JsonNode *parsed = rb_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  return parsed;
}

static void
test_json_space_round_trip (void)
{
  /* Plans are drawn to the quarter metre. */
  RbRect rect = { 12.25, 3, 2, 1.5 };
  g_autoptr (RbSpace) space = rb_space_new ("a1-d001", "flr-a-1og", RB_SPACE_KIND_DESK, "1.01 Fenster", 1,
                                            RB_AMENITY_MONITOR | RB_AMENITY_DOCKING_STATION
                                                | RB_AMENITY_WHEELCHAIR_ACCESSIBLE,
                                            &rect);
  g_autoptr (JsonNode) node = rb_json_from_space (space);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSpace) back = rb_json_to_space (parsed, &error);
  JsonObject *o = json_node_get_object (parsed);
  JsonArray *amenities = json_object_get_array_member (o, "amenities");

  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (rb_space_get_id (back), ==, "a1-d001");
  g_assert_cmpstr (rb_space_get_floor_id (back), ==, "flr-a-1og");
  g_assert_cmpint (rb_space_get_kind (back), ==, RB_SPACE_KIND_DESK);
  g_assert_cmpstr (rb_space_get_name (back), ==, "1.01 Fenster");
  g_assert_cmpint (rb_space_get_capacity (back), ==, 1);
  g_assert_cmpint (rb_space_get_amenities (back), ==, rb_space_get_amenities (space));
  g_assert_cmpfloat (rb_space_get_rect (back)->x, ==, 12.25);
  g_assert_cmpfloat (rb_space_get_rect (back)->y, ==, 3);
  g_assert_cmpfloat (rb_space_get_rect (back)->w, ==, 2);
  g_assert_cmpfloat (rb_space_get_rect (back)->h, ==, 1.5);
  /* Whole metres stay integers on the wire. */
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (
                       json_object_get_object_member (o, "rect"), "y")), ==, G_TYPE_INT64);

  /* The wire names DESIGN.md promises. */
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "desk");
  g_assert_cmpuint (json_array_get_length (amenities), ==, 3);
  g_assert_cmpstr (json_array_get_string_element (amenities, 0), ==, "monitor");
  g_assert_cmpstr (json_array_get_string_element (amenities, 1), ==, "docking_station");
  g_assert_cmpstr (json_array_get_string_element (amenities, 2), ==, "wheelchair_accessible");
}

static void
test_json_room_round_trip (void)
{
  RbRect rect = { 0, 0, 10, 6 };
  g_autoptr (RbSpace) room = rb_space_new ("a0-r01", "flr-a-eg", RB_SPACE_KIND_ROOM, "Konferenzsaal „Bonn“", 20,
                                           RB_AMENITY_WHITEBOARD | RB_AMENITY_VIDEO, &rect);
  g_autoptr (JsonNode) node = rb_json_from_space (room);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSpace) back = rb_json_to_space (parsed, &error);

  g_assert_no_error (error);
  g_assert_cmpint (rb_space_get_kind (back), ==, RB_SPACE_KIND_ROOM);
  g_assert_cmpstr (rb_space_get_name (back), ==, "Konferenzsaal „Bonn“");
  g_assert_cmpint (rb_space_get_capacity (back), ==, 20);
  g_assert_true (rb_space_has_amenities (back, RB_AMENITY_WHITEBOARD | RB_AMENITY_VIDEO));
  g_assert_false (rb_space_has_amenities (back, RB_AMENITY_MONITOR));
}

static void
test_json_booking_round_trip (void)
{
  gint64 start = rb_test_utc_time (2026, 12, 1, 8, 0, 0), end = rb_test_utc_time (2026, 12, 1, 9, 30, 0);
  g_autoptr (RbBooking) booking = rb_booking_new (UUID, "a1-r01", "p-14475", rb_interval_make (start, end));
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (RbBooking) back = NULL;
  g_autoptr (GError) error = NULL;
  JsonObject *o;

  rb_booking_set_title (booking, "Sprint-Planung “Q1”");
  rb_booking_set_attendees (booking, 4);
  rb_booking_set_series_id (booking, "7d1b8e52-3c44-4b8a-9e0f-6a2c5d1e4f37");
  rb_booking_set_state (booking, RB_BOOKING_STATE_CHECKED_IN);
  rb_booking_set_version (booking, 3);
  rb_booking_set_seq (booking, 42);

  node = rb_json_from_booking (booking, TRUE);
  parsed = through_text (node);
  o = json_node_get_object (parsed);
  g_assert_cmpstr (json_object_get_string_member (o, "start"), ==, "2026-12-01T08:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (o, "end"), ==, "2026-12-01T09:30:00Z");
  g_assert_cmpstr (json_object_get_string_member (o, "state"), ==, "checked_in");
  g_assert_cmpint (json_object_get_int_member (o, "seq"), ==, 42);

  back = rb_json_to_booking (parsed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
  g_assert_cmpstr (rb_booking_get_id (back), ==, UUID);
  g_assert_cmpstr (rb_booking_get_space_id (back), ==, "a1-r01");
  g_assert_cmpstr (rb_booking_get_person_id (back), ==, "p-14475");
  g_assert_cmpint (rb_booking_get_start (back), ==, start);
  g_assert_cmpint (rb_booking_get_end (back), ==, end);
  g_assert_cmpstr (rb_booking_get_title (back), ==, "Sprint-Planung “Q1”");
  g_assert_cmpint (rb_booking_get_attendees (back), ==, 4);
  g_assert_cmpstr (rb_booking_get_series_id (back), ==, "7d1b8e52-3c44-4b8a-9e0f-6a2c5d1e4f37");
  g_assert_cmpint (rb_booking_get_state (back), ==, RB_BOOKING_STATE_CHECKED_IN);
  g_assert_cmpint (rb_booking_get_version (back), ==, 3);
  g_assert_cmpint (rb_booking_get_seq (back), ==, 42);
}

/* Where names are hidden (DSGVO) the person id is null on the wire and stays unknown. */
static void
test_json_booking_anonymous (void)
{
  g_autoptr (RbBooking) booking = rb_booking_new (UUID, "a1-d001", "p-14475",
                                                  rb_interval_make (1796025600, 1796029200));
  g_autoptr (JsonNode) node = rb_json_from_booking (booking, FALSE);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) back = NULL;
  g_autofree char *text = rb_json_to_string (node, FALSE);

  g_assert_true (json_object_get_null_member (json_node_get_object (parsed), "person_id"));
  g_assert_null (strstr (text, "p-14475"));
  back = rb_json_to_booking (parsed, &error);
  g_assert_no_error (error);
  g_assert_null (rb_booking_get_person_id (back));
  g_assert_null (rb_booking_get_title (back));
  g_assert_null (rb_booking_get_series_id (back));
  g_assert_cmpint (rb_booking_get_state (back), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (rb_booking_get_version (back), ==, 1);
}

/* Every control character of a title goes out escaped, so the answer is JSON that clients read
 * back; json-glib 1.6 alone writes U+001F as it is (found by fuzz-json). */
static void
test_json_booking_control_characters (void)
{
  g_autoptr (RbBooking) booking = rb_booking_new (UUID, "a1-r01", "p-14475",
                                                  rb_interval_make (1796025600, 1796029200));
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) parsed = NULL;
  g_autoptr (RbBooking) back = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *pretty = NULL;

  rb_booking_set_title (booking, "a\x01" "b\tc\x1e\x1f\x1f\x7f\u00e4");
  node = rb_json_from_booking (booking, TRUE);
  text = rb_json_to_string (node, FALSE);
  pretty = rb_json_to_string (node, TRUE);
  g_assert_null (strchr (text, 0x1f));
  g_assert_null (strchr (pretty, 0x1f));
  g_assert_nonnull (strstr (text, "\\u001f\\u001f"));
  parsed = through_text (node);
  back = rb_json_to_booking (parsed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rb_booking_get_title (back), ==, "a\x01" "b\tc\x1e\x1f\x1f\x7f\u00e4");
}

static void
test_json_person_round_trip (void)
{
  g_autoptr (RbPerson) person = rb_person_new ("p-15350", "Mehmet Yılmaz", "15350", "Digitalisierung",
                                               RB_ROLE_TEAM_LEAD);
  g_autoptr (JsonNode) node = rb_json_from_person (person);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) back = rb_json_to_person (parsed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rb_person_get_id (back), ==, "p-15350");
  g_assert_cmpstr (rb_person_get_display_name (back), ==, "Mehmet Yılmaz");
  g_assert_cmpstr (rb_person_get_staff_number (back), ==, "15350");
  g_assert_cmpstr (rb_person_get_team (back), ==, "Digitalisierung");
  g_assert_cmpint (rb_person_get_role (back), ==, RB_ROLE_TEAM_LEAD);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (parsed), "role"), ==, "team_lead");
  /* The PIN never travels with a person. */
  g_assert_false (json_object_has_member (json_node_get_object (parsed), "pin"));
  g_assert_false (json_object_has_member (json_node_get_object (parsed), "pin_hash"));
}

static void
test_json_floor_round_trip (void)
{
  g_autoptr (RbFloor) floor = rb_floor_new ("flr-a-ug", "bld-a", "Untergeschoss", -1, 60, 24);
  g_autoptr (JsonNode) node = rb_json_from_floor (floor);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbFloor) back = rb_json_to_floor (parsed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rb_floor_get_id (back), ==, "flr-a-ug");
  g_assert_cmpstr (rb_floor_get_building_id (back), ==, "bld-a");
  g_assert_cmpstr (rb_floor_get_name (back), ==, "Untergeschoss");
  g_assert_cmpint (rb_floor_get_level (back), ==, -1);
  g_assert_cmpint (rb_floor_get_width (back), ==, 60);
  g_assert_cmpint (rb_floor_get_height (back), ==, 24);
}

static void
test_json_site_round_trip (void)
{
  g_autoptr (RbSite) site = rb_site_new ("site-bonn", "Dienstsitz Bonn", "Europe/Berlin", TRUE);
  g_autoptr (JsonNode) node = rb_json_from_site (site);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSite) back = rb_json_to_site (parsed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rb_site_get_id (back), ==, "site-bonn");
  g_assert_cmpstr (rb_site_get_name (back), ==, "Dienstsitz Bonn");
  g_assert_cmpstr (rb_site_get_timezone (back), ==, "Europe/Berlin");
  g_assert_true (rb_site_get_show_names (back));
}

static void
test_json_building_round_trip (void)
{
  g_autoptr (RbBuilding) building = rb_building_new ("bld-a", "site-bonn", "Haus A", "Am Rheinufer 12, 53111 Bonn");
  g_autoptr (JsonNode) node = rb_json_from_building (building);
  g_autoptr (JsonNode) parsed = through_text (node);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBuilding) back = rb_json_to_building (parsed, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (rb_building_get_id (back), ==, "bld-a");
  g_assert_cmpstr (rb_building_get_site_id (back), ==, "site-bonn");
  g_assert_cmpstr (rb_building_get_name (back), ==, "Haus A");
  g_assert_cmpstr (rb_building_get_address (back), ==, "Am Rheinufer 12, 53111 Bonn");
}

/* ---- booking requests ----------------------------------------------------------------- */

static RbBooking *
parse_request (const char *text, GError **error)
{
  g_autoptr (JsonNode) node = rb_json_parse (text, -1, error);

  if (node == NULL)
    return NULL;
  return rb_json_to_booking_request (node, error);
}

/* A valid request with one member replaced (or removed, when value is NULL). */
static char *
request_with (const char *member, const char *value)
{
  static const char *const names[] = { "id", "space_id", "start", "end", "title", "attendees" };
  static const char *const values[] = { "\"" UUID "\"", "\"a1-r01\"", "\"2026-12-01T08:00:00Z\"",
                                        "\"2026-12-01T09:00:00Z\"", "\"Sprint\"", "4" };
  GString *s = g_string_new ("{");
  gboolean first = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *v = g_strcmp0 (names[i], member) == 0 ? value : values[i];

      if (v == NULL)
        continue;
      g_string_append_printf (s, "%s\"%s\": %s", first ? "" : ", ", names[i], v);
      first = FALSE;
    }
  g_string_append (s, "}");
  return g_string_free (s, FALSE);
}

static void
test_json_request_valid (void)
{
  g_autofree char *text = request_with (NULL, NULL);
  g_autofree char *no_optional = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) request = parse_request (text, &error);
  g_autoptr (RbBooking) minimal = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_cmpstr (rb_booking_get_id (request), ==, UUID);
  g_assert_cmpstr (rb_booking_get_space_id (request), ==, "a1-r01");
  g_assert_null (rb_booking_get_person_id (request));
  g_assert_cmpint (rb_booking_get_start (request), ==, rb_test_utc_time (2026, 12, 1, 8, 0, 0));
  g_assert_cmpint (rb_booking_get_end (request), ==, rb_test_utc_time (2026, 12, 1, 9, 0, 0));
  g_assert_cmpstr (rb_booking_get_title (request), ==, "Sprint");
  g_assert_cmpint (rb_booking_get_attendees (request), ==, 4);
  g_assert_cmpint (rb_booking_get_state (request), ==, RB_BOOKING_STATE_BOOKED);

  /* Title and attendees are optional; any offset is accepted. */
  no_optional = g_strdup ("{\"id\": \"" UUID "\", \"space_id\": \"a1-d001\","
                          " \"start\": \"2026-12-01T09:00:00+01:00\", \"end\": \"2026-12-01T10:00:00+01:00\"}");
  minimal = parse_request (no_optional, &error);
  g_assert_no_error (error);
  g_assert_null (rb_booking_get_title (minimal));
  g_assert_cmpint (rb_booking_get_attendees (minimal), ==, 1);
  g_assert_cmpint (rb_booking_get_start (minimal), ==, rb_test_utc_time (2026, 12, 1, 8, 0, 0));
}

static void
test_json_request_malformed (void)
{
  const char *const bad[] = {
    "", "{", "{\"id\": }", "{\"id\" \"x\"}", "nonsense", "{\"id\": \"x\",}", "{\"a\": \"\xff\xfe\"}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RbBooking) request = NULL;
      /* Escaped: invalid UTF-8 in the TAP output would be an unreadable line to meson. */
      g_autofree char *shown = g_strescape (bad[i], NULL);

      g_test_message ("malformed: %s", shown);
      request = parse_request (bad[i], &error);
      g_assert_null (request);
      rb_assert_rb_error (error, RB_ERROR_INVALID_JSON, "invalid_json");
    }
}

static void
test_json_request_not_object (void)
{
  const char *const bad[] = { "[1, 2]", "42", "\"text\"", "null", "true", "[{\"id\": \"" UUID "\"}]" };
  g_autoptr (JsonNode) array = json_from_string ("[1, 2]", NULL);
  g_autoptr (GError) direct_error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (RbBooking) request = NULL;

      g_test_message ("not an object: %s", bad[i]);
      request = parse_request (bad[i], &error);
      g_assert_null (request);
      rb_assert_rb_error (error, RB_ERROR_INVALID_JSON, "invalid_json");
    }

  /* Also when a caller hands a non-object node straight to the mapper. */
  g_assert_null (rb_json_to_booking_request (array, &direct_error));
  rb_assert_rb_error (direct_error, RB_ERROR_INVALID_JSON, "invalid_json");
}

typedef struct
{
  const char *member;
  const char *value; /* NULL: member missing */
} FieldCase;

static void
assert_field_refused (const FieldCase *cases, gsize n)
{
  for (gsize i = 0; i < n; i++)
    {
      g_autofree char *text = request_with (cases[i].member, cases[i].value);
      g_autoptr (GError) error = NULL;
      g_autoptr (RbBooking) request = NULL;

      g_test_message ("refusing %s", text);
      request = parse_request (text, &error);
      g_assert_null (request);
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
      /* The message names the field that was wrong. */
      g_assert_nonnull (strstr (error->message, cases[i].member));
    }
}

static void
test_json_request_wrong_types (void)
{
  const FieldCase cases[] = {
    { "attendees", "\"4\"" },       /* string where int */
    { "attendees", "4.5" },
    { "attendees", "true" },
    { "attendees", "[4]" },
    { "space_id", "42" },           /* int where string */
    { "space_id", "{\"id\": \"a1-r01\"}" },
    { "space_id", "[\"a1-r01\"]" },
    { "id", "12345" },
    { "title", "5" },
    { "title", "false" },
    { "start", "1796025600" },
    { "end", "null" },
  };

  assert_field_refused (cases, G_N_ELEMENTS (cases));
}

static void
test_json_request_missing_fields (void)
{
  const FieldCase cases[] = {
    { "id", NULL },
    { "space_id", NULL },
    { "start", NULL },
    { "end", NULL },
    { "id", "null" },
    { "space_id", "\"\"" },
  };

  assert_field_refused (cases, G_N_ELEMENTS (cases));
}

static void
test_json_request_bad_uuid (void)
{
  const FieldCase cases[] = {
    { "id", "\"not-a-uuid\"" },
    { "id", "\"3f0c7a4e-9a53-4c1e-8f6e-2b1d7c9e5a1\"" },   /* one digit short */
    { "id", "\"3f0c7a4e-9a53-4c1e-8f6e-2b1d7c9e5a100\"" }, /* one digit long */
    { "id", "\"3f0c7a4e9a534c1e8f6e2b1d7c9e5a10\"" },      /* no dashes */
    { "id", "\"zf0c7a4e-9a53-4c1e-8f6e-2b1d7c9e5a10\"" },
    { "id", "\"'; DROP TABLE bookings; --\"" },
  };

  assert_field_refused (cases, G_N_ELEMENTS (cases));
}

static void
test_json_request_lengths (void)
{
  g_autofree char *at_limit = g_strnfill (RB_JSON_MAX_TEXT, 'x');
  g_autofree char *over_limit = g_strnfill (RB_JSON_MAX_TEXT + 1, 'x');
  GString *umlauts_at_limit = g_string_new (NULL);
  g_autofree char *umlauts_over_limit = NULL;
  g_autofree char *json_at = NULL, *json_over = NULL, *json_umlauts = NULL, *json_umlauts_over = NULL;
  g_autofree char *json_space_over = NULL, *text = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) at = NULL, umlauts = NULL;

  g_assert_cmpint (RB_JSON_MAX_TEXT, ==, 200);
  for (int i = 0; i < RB_JSON_MAX_TEXT; i++)
    g_string_append (umlauts_at_limit, "ä");
  umlauts_over_limit = g_strconcat (umlauts_at_limit->str, "ß", NULL);

  /* 200 characters are fine, also when they take 400 bytes. */
  json_at = g_strdup_printf ("\"%s\"", at_limit);
  text = request_with ("title", json_at);
  at = parse_request (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (rb_booking_get_title (at)), ==, 200);
  g_clear_pointer (&text, g_free);

  json_umlauts = g_strdup_printf ("\"%s\"", umlauts_at_limit->str);
  text = request_with ("title", json_umlauts);
  umlauts = parse_request (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_utf8_strlen (rb_booking_get_title (umlauts), -1), ==, 200);

  {
    FieldCase cases[3];

    json_over = g_strdup_printf ("\"%s\"", over_limit);
    json_umlauts_over = g_strdup_printf ("\"%s\"", umlauts_over_limit);
    json_space_over = g_strdup_printf ("\"%s\"", over_limit);
    cases[0] = (FieldCase) { "title", json_over };
    cases[1] = (FieldCase) { "title", json_umlauts_over };
    cases[2] = (FieldCase) { "space_id", json_space_over };
    assert_field_refused (cases, G_N_ELEMENTS (cases));
  }

  g_string_free (umlauts_at_limit, TRUE);
}

static void
test_json_request_ranges (void)
{
  const FieldCase cases[] = {
    { "attendees", "0" },
    { "attendees", "-1" },
    { "attendees", "1001" },
    { "attendees", "99999999999999999999" },
    /* Beyond 64 bits: json-glib wrapped this around to 2. */
    { "attendees", "-18446744073709551614" },
    { "attendees", "18446744073709551618" },
    { "attendees", "1e400" },
    { "attendees", "2.0" },
    { "attendees", "2e0" },
    /* U+0000 cannot be held by a C string: refused, never cut short. */
    { "title", "\"Sprint\\u0000 planning\"" },
    { "space_id", "\"a1-r01\\u0000\"" },
    { "id", "\"" UUID "\\u0000x\"" },
  };

  assert_field_refused (cases, G_N_ELEMENTS (cases));
}

static void
test_json_request_bad_times (void)
{
  const FieldCase cases[] = {
    { "start", "\"2026-12-01 08:00\"" },
    { "start", "\"2026-12-01T08:00:00\"" }, /* no zone */
    { "start", "\"tomorrow\"" },
    { "start", "\"\"" },
    { "end", "\"2026-12-01\"" },
    { "end", "\"2026-12-32T09:00:00Z\"" },
    { "end", "\"Tue, 01 Dec 2026 09:00:00 GMT\"" }, /* RFC 2822, not 3339 */
  };

  assert_field_refused (cases, G_N_ELEMENTS (cases));
}

/* ---- the parser itself ----------------------------------------------------------------- */

static void
assert_parse_refused (const char *text, gssize length, int code, const char *name,
                      const char *needle)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (text, length, &error);
  /* Escaped: TAP output must stay UTF-8. */
  g_autofree char *shown = g_strescape (text != NULL ? text : "(null)", NULL);

  g_test_message ("refusing %.200s", shown);
  g_assert_null (node);
  rb_assert_rb_error (error, code, name);
  if (needle != NULL)
    g_assert_nonnull (strstr (error->message, needle));
}

/* What RFC 8259 does not allow (json-glib 1.6 took several of these). */
static void
test_json_parse_syntax (void)
{
  const char *const bad[] = {
    "{'id': 'x'}", "{id: 1}", "{\"a\": 01}", "{\"a\": -}", "{\"a\": 1.}", "{\"a\": .5}",
    "{\"a\": +1}", "{\"a\": 1e}", "{\"a\": 0x10}", "{\"a\": NaN}", "{\"a\": Infinity}",
    "{\"a\": tru}", "{\"a\": nul}", "{\"a\": \"\\x41\"}", "{\"a\": \"\\u12\"}",
    "{\"a\": \"tab\there\"}", "{\"a\": [1, 2,]}", "{\"a\": [,]}", "{\"a\" : 1,}",
    "{\"a\": 1} {}", "{\"a\": 1}x", "{\"a\": /* no */ 1}", "{\"a\": \"\\ud800\"}",
    "{\"a\": \"\\udc00\"}", "{\"a\": \"\\ud800\\u0041\"}", "{\"a\": \"\\ud800x\"}",
    "{\"a\\u0000b\": 1}", "\xef\xbb\xbf{}", "{\"a\": 1}\v",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    assert_parse_refused (bad[i], -1, RB_ERROR_INVALID_JSON, "invalid_json", NULL);
  /* An empty body, and the NULL data of an empty GBytes. */
  assert_parse_refused ("", -1, RB_ERROR_INVALID_JSON, "invalid_json", NULL);
  assert_parse_refused (NULL, 0, RB_ERROR_INVALID_JSON, "invalid_json", NULL);
  /* A NUL byte and invalid UTF-8 in the text itself. */
  assert_parse_refused ("{\"a\": \"x\0y\"}", 12, RB_ERROR_INVALID_JSON, "invalid_json", NULL);
  assert_parse_refused ("{\"a\": \"\xc3\x28\"}", -1, RB_ERROR_INVALID_JSON, "invalid_json",
                        "UTF-8");
  /* Where the error is. */
  assert_parse_refused ("{\"a\": 1,,}", -1, RB_ERROR_INVALID_JSON, "invalid_json", "byte 8");
}

/* Two members of one name: which would count is not defined, so neither does. */
static void
test_json_parse_duplicates (void)
{
  g_autofree char *long_name = g_strnfill (1000, 'n');
  g_autofree char *long_duplicate = g_strdup_printf ("{\"%s\": 1, \"%s\": 2}", long_name,
                                                     long_name);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) nested = NULL;

  assert_parse_refused ("{\"attendees\": 2, \"attendees\": 3}", -1, RB_ERROR_INVALID_JSON,
                        "invalid_json", "“attendees”");
  assert_parse_refused ("{\"id\": \"a\", \"title\": \"x\", \"id\": \"b\"}", -1,
                        RB_ERROR_INVALID_JSON, "invalid_json", "“id”");
  /* The same name written with an escape is the same name. */
  assert_parse_refused ("{\"id\": 1, \"\\u0069d\": 2}", -1, RB_ERROR_INVALID_JSON,
                        "invalid_json", "“id”");
  assert_parse_refused ("{\"rect\": {\"x\": 1, \"x\": 2}}", -1, RB_ERROR_INVALID_JSON,
                        "invalid_json", "“x”");
  /* A long name is quoted short. */
  assert_parse_refused (long_duplicate, -1, RB_ERROR_INVALID_JSON, "invalid_json", NULL);

  /* The same name in different objects is fine. */
  nested = rb_json_parse ("{\"x\": {\"x\": {\"x\": 1}}, \"y\": [{\"x\": 1}, {\"x\": 2}]}", -1,
                          &error);
  g_assert_no_error (error);
  g_assert_nonnull (nested);
}

static void
test_json_parse_values (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (
      " {\"s\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e4\\ud83d\\ude00€\", \"max\": 9223372036854775807,"
      " \"min\": -9223372036854775808, \"big\": -18446744073709551614, \"zero\": -0,"
      " \"real\": 2.5e-3, \"t\": true, \"f\": false, \"n\": null, \"a\": [], \"o\": {}}\r\n",
      -1, &error);
  JsonObject *o;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  o = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (o, "s"), ==,
                   "\"\\/\b\f\n\r\t\xc3\xa4\xf0\x9f\x98\x80\xe2\x82\xac");
  g_assert_cmpint (json_object_get_int_member (o, "max"), ==, G_MAXINT64);
  g_assert_cmpint (json_object_get_int_member (o, "min"), ==, G_MININT64);
  /* Beyond 64 bits: a double, which no integer field takes. */
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "big")) == G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_object_get_double_member (o, "big"), ==, -18446744073709551614.0);
  g_assert_true (json_node_get_value_type (json_object_get_member (o, "zero")) == G_TYPE_INT64);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (o, "real"), 0.0025, 1e-12);
  g_assert_true (json_object_get_boolean_member (o, "t"));
  g_assert_false (json_object_get_boolean_member (o, "f"));
  g_assert_true (json_object_get_null_member (o, "n"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "a")), ==, 0);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (o, "o")), ==, 0);
  /* Sealed, as json-glib's immutable parser leaves it. */
  g_assert_true (json_node_is_immutable (node));
}

/* A value that is valid JSON but cannot be held names its member. */
static void
test_json_parse_unusable_values (void)
{
  assert_parse_refused ("{\"title\": \"a\\u0000b\"}", -1, RB_ERROR_INVALID_FIELD,
                        "invalid_field", "“title”");
  assert_parse_refused ("{\"tags\": [\"ok\", \"\\u0000\"]}", -1, RB_ERROR_INVALID_FIELD,
                        "invalid_field", "“tags”");
  assert_parse_refused ("{\"attendees\": 1e400}", -1, RB_ERROR_INVALID_FIELD, "invalid_field",
                        "“attendees”");
  assert_parse_refused ("{\"attendees\": -1e400}", -1, RB_ERROR_INVALID_FIELD, "invalid_field",
                        "“attendees”");
}

static void
test_json_parse_depth (void)
{
  GString *ok = g_string_new (NULL);
  GString *deep = g_string_new (NULL);
  g_autofree char *ok_text = NULL;
  g_autofree char *deep_text = NULL;
  g_autofree char *huge = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;

  /* RB_JSON_MAX_DEPTH levels: the object and 31 arrays in it. */
  g_string_append (ok, "{\"a\": ");
  for (int i = 1; i < RB_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, '[');
  for (int i = 1; i < RB_JSON_MAX_DEPTH; i++)
    g_string_append_c (ok, ']');
  g_string_append_c (ok, '}');
  ok_text = g_string_free (ok, FALSE);
  node = rb_json_parse (ok_text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  for (int i = 0; i <= RB_JSON_MAX_DEPTH; i++)
    g_string_append (deep, "{\"a\": ");
  g_string_append (deep, "1");
  for (int i = 0; i <= RB_JSON_MAX_DEPTH; i++)
    g_string_append_c (deep, '}');
  deep_text = g_string_free (deep, FALSE);
  assert_parse_refused (deep_text, -1, RB_ERROR_INVALID_JSON, "invalid_json", "levels");

  /* A million brackets end at the limit, not at the end of the stack. */
  huge = g_strnfill (1000000, '[');
  huge[0] = '{';
  assert_parse_refused (huge, -1, RB_ERROR_INVALID_JSON, "invalid_json", NULL);
}

static void
test_json_check_members (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *valid = request_with (NULL, NULL);
  g_autoptr (JsonNode) node = rb_json_parse (valid, -1, &error);
  g_autoptr (JsonNode) extra = NULL;

  g_assert_no_error (error);
  g_assert_true (rb_json_check_members (json_node_get_object (node),
                                        rb_json_booking_request_members, &error));
  g_assert_no_error (error);

  extra = rb_json_parse ("{\"id\": \"x\", \"person_id\": \"p-1\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_false (rb_json_check_members (json_node_get_object (extra),
                                         rb_json_booking_request_members, &error));
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_assert_nonnull (strstr (error->message, "“person_id”"));
}

/* ---- other shapes --------------------------------------------------------------------- */

static void
assert_space_refused (const char *text, const char *field)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (text, -1, &error);
  g_autoptr (RbSpace) space = NULL;

  g_assert_no_error (error);
  g_test_message ("refusing space %s", text);
  space = rb_json_to_space (node, &error);
  g_assert_null (space);
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_assert_nonnull (strstr (error->message, field));
}

#define SPACE_TAIL "\"rect\": {\"x\": 0, \"y\": 0, \"w\": 2, \"h\": 1}}"

static void
test_json_space_invalid (void)
{
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"desk\", \"name\": \"n\", \"capacity\": 1,"
                        " \"amenities\": [\"monitor\", \"jacuzzi\"], " SPACE_TAIL, "amenities");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"desk\", \"name\": \"n\", \"capacity\": 1,"
                        " \"amenities\": [1], " SPACE_TAIL, "amenities");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"desk\", \"name\": \"n\", \"capacity\": 1,"
                        " \"amenities\": \"monitor\", " SPACE_TAIL, "amenities");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"closet\", \"name\": \"n\", \"capacity\": 1,"
                        " " SPACE_TAIL, "kind");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"Desk\", \"name\": \"n\", \"capacity\": 1,"
                        " " SPACE_TAIL, "kind");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"room\", \"name\": \"n\", \"capacity\": 0,"
                        " " SPACE_TAIL, "capacity");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"room\", \"name\": \"n\", \"capacity\": 4}",
                        "rect");
  assert_space_refused ("{\"id\": \"a\", \"floor_id\": \"f\", \"kind\": \"room\", \"name\": \"n\", \"capacity\": 4,"
                        " \"rect\": {\"x\": 0, \"y\": 0, \"w\": 0, \"h\": 1}}", "w");
}

static void
assert_booking_refused (const char *state_json, const char *field)
{
  g_autofree char *text = g_strdup_printf (
      "{\"id\": \"" UUID "\", \"space_id\": \"a1-d001\","
      " \"start\": \"2026-12-01T08:00:00Z\", \"end\": \"2026-12-01T09:00:00Z\", %s}", state_json);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = rb_json_parse (text, -1, &error);
  g_autoptr (RbBooking) booking = NULL;

  g_assert_no_error (error);
  g_test_message ("refusing booking %s", text);
  booking = rb_json_to_booking (node, &error);
  g_assert_null (booking);
  rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
  g_assert_nonnull (strstr (error->message, field));
}

static void
test_json_booking_invalid (void)
{
  assert_booking_refused ("\"state\": \"maybe\", \"version\": 1", "state");
  assert_booking_refused ("\"state\": \"BOOKED\", \"version\": 1", "state");
  assert_booking_refused ("\"state\": 1, \"version\": 1", "state");
  assert_booking_refused ("\"version\": 1", "state");
  assert_booking_refused ("\"state\": \"booked\", \"version\": 0", "version");
  assert_booking_refused ("\"state\": \"booked\", \"version\": \"1\"", "version");
  assert_booking_refused ("\"state\": \"booked\", \"version\": 1, \"seq\": -1", "seq");
  assert_booking_refused ("\"state\": \"booked\", \"version\": 1, \"person_id\": 7", "person_id");
}

static void
test_json_other_invalid (void)
{
  struct
  {
    const char *json;
    const char *field;
    int kind; /* 0 person, 1 floor, 2 site, 3 building */
  } cases[] = {
    { "{\"id\": \"p\", \"display_name\": \"X\", \"staff_number\": \"1\", \"team\": \"T\", \"role\": \"king\"}", "role", 0 },
    { "{\"id\": \"p\", \"display_name\": \"X\", \"staff_number\": 1, \"team\": \"T\", \"role\": \"staff\"}", "staff_number", 0 },
    { "{\"id\": \"f\", \"building_id\": \"b\", \"name\": \"F\", \"level\": 0, \"width\": 0, \"height\": 1}", "width", 1 },
    { "{\"id\": \"f\", \"building_id\": \"b\", \"name\": \"F\", \"level\": \"0\", \"width\": 1, \"height\": 1}", "level", 1 },
    { "{\"id\": \"s\", \"name\": \"S\", \"timezone\": \"Mars/Base\"}", "Mars/Base", 2 },
    { "{\"id\": \"s\", \"name\": \"S\", \"timezone\": \"Europe/Berlin\", \"show_names\": \"yes\"}", "show_names", 2 },
    { "{\"id\": \"s\", \"name\": \"S\", \"timezone\": \"Europe/Berlin\", \"show_names\": {}}", "show_names", 2 },
    { "{\"id\": \"s\", \"name\": \"S\", \"timezone\": \"Europe/Berlin\", \"show_names\": [true]}", "show_names", 2 },
    { "{\"id\": \"b\", \"site_id\": \"s\", \"name\": \"B\", \"address\": 12}", "address", 3 },
    { "{\"id\": \"b\", \"name\": \"B\"}", "site_id", 3 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (JsonNode) node = rb_json_parse (cases[i].json, -1, &error);
      GObject *object = NULL;

      g_assert_no_error (error);
      g_test_message ("refusing %s", cases[i].json);
      switch (cases[i].kind)
        {
        case 0: object = (GObject *) rb_json_to_person (node, &error); break;
        case 1: object = (GObject *) rb_json_to_floor (node, &error); break;
        case 2: object = (GObject *) rb_json_to_site (node, &error); break;
        default: object = (GObject *) rb_json_to_building (node, &error); break;
        }
      g_assert_null (object);
      rb_assert_rb_error (error, RB_ERROR_INVALID_FIELD, "invalid_field");
      g_assert_nonnull (strstr (error->message, cases[i].field));
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/json/round-trip/space", test_json_space_round_trip);
  g_test_add_func ("/json/round-trip/room", test_json_room_round_trip);
  g_test_add_func ("/json/round-trip/booking", test_json_booking_round_trip);
  g_test_add_func ("/json/round-trip/booking-anonymous", test_json_booking_anonymous);
  g_test_add_func ("/json/round-trip/booking-control-characters",
                   test_json_booking_control_characters);
  g_test_add_func ("/json/round-trip/person", test_json_person_round_trip);
  g_test_add_func ("/json/round-trip/floor", test_json_floor_round_trip);
  g_test_add_func ("/json/round-trip/site", test_json_site_round_trip);
  g_test_add_func ("/json/round-trip/building", test_json_building_round_trip);
  g_test_add_func ("/json/request/valid", test_json_request_valid);
  g_test_add_func ("/json/request/malformed", test_json_request_malformed);
  g_test_add_func ("/json/request/not-object", test_json_request_not_object);
  g_test_add_func ("/json/request/wrong-types", test_json_request_wrong_types);
  g_test_add_func ("/json/request/missing-fields", test_json_request_missing_fields);
  g_test_add_func ("/json/request/bad-uuid", test_json_request_bad_uuid);
  g_test_add_func ("/json/request/lengths", test_json_request_lengths);
  g_test_add_func ("/json/request/ranges", test_json_request_ranges);
  g_test_add_func ("/json/request/bad-times", test_json_request_bad_times);
  g_test_add_func ("/json/parse/syntax", test_json_parse_syntax);
  g_test_add_func ("/json/parse/duplicates", test_json_parse_duplicates);
  g_test_add_func ("/json/parse/values", test_json_parse_values);
  g_test_add_func ("/json/parse/unusable-values", test_json_parse_unusable_values);
  g_test_add_func ("/json/parse/depth", test_json_parse_depth);
  g_test_add_func ("/json/check-members", test_json_check_members);
  g_test_add_func ("/json/space/invalid", test_json_space_invalid);
  g_test_add_func ("/json/booking/invalid", test_json_booking_invalid);
  g_test_add_func ("/json/other/invalid", test_json_other_invalid);

  return g_test_run ();
}
