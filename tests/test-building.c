/* test-building.c: the building file. The reader on the demo building and on one broken file
 * per rule, each fault named by its JSON path; the import against real SQLite files: round
 * trips, what a change reports and writes, a file that fails half-way, retiring a booked
 * space, spaces that cannot be booked, the dry run and the mirror's import.
 * "Now" is frozen at Monday 30 November 2026, 07:00 in Bonn. */
#include "config.h"

#include <string.h>

#include "rb-building-store.h"
#include "rb-store-private.h"
#include "rb-store.h"
#include "rb-test-util.h"

#define ADMIN "p-95113"
#define JONAS "p-14475"

typedef struct
{
  char *dir;
  RbStore *store;
  gint64 now;
} Fixture;

/* ---- helpers ----------------------------------------------------------------------------- */

/* The demo building without its people: a building file. */
static JsonNode *
demo_document_json (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) demo = rb_store_load_demo_building (&error);
  g_autofree char *text = NULL;
  JsonNode *copy;

  g_assert_no_error (error);
  /* rb_json_parse seals what it makes; json-glib's own parser gives a node to change. */
  text = rb_json_to_string (demo, FALSE);
  copy = json_from_string (text, &error);
  g_assert_no_error (error);
  json_object_remove_member (json_node_get_object (copy), "people");
  return copy;
}

static RbBuildingDocument *
read_ok (JsonNode *root)
{
  g_autoptr (GError) error = NULL;
  RbBuildingDocument *document = rb_building_file_read (root, &error);

  g_assert_no_error (error);
  g_assert_nonnull (document);
  return document;
}

static RbStore *
open_store (Fixture *f, const char *name)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  RbStore *store = rb_store_open_sync (path, &error);

  g_assert_no_error (error);
  rb_store_set_clock (store, rb_test_frozen_clock, &f->now);
  return store;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = rb_test_make_tmpdir ();
  f->now = rb_test_berlin_time (2026, 11, 30, 7, 0);
  f->store = open_store (f, "raumbuch.db");
  g_assert_true (rb_store_seed_demo_sync (f->store, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->store);
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
export_text (RbStore *store)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBuildingDocument) document = rb_building_store_export_sync (store, &error);
  g_autoptr (JsonNode) json = NULL;

  g_assert_no_error (error);
  json = rb_building_file_write (document);
  return rb_json_to_string (json, TRUE);
}

static JsonNode *
import (RbStore *store, JsonNode *root, RbBuildingImportFlags flags, GError **error)
{
  g_autoptr (RbBuildingDocument) document = rb_building_file_read (root, error);

  if (document == NULL)
    return NULL;
  return rb_building_store_import_sync (store, document, ADMIN, flags, error);
}

static JsonNode *
import_ok (RbStore *store, JsonNode *root, RbBuildingImportFlags flags)
{
  g_autoptr (GError) error = NULL;
  JsonNode *report = import (store, root, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static gint64
count (RbStore *store, const char *sql)
{
  g_autoptr (GError) error = NULL;
  gint64 value = -1;

  g_assert_true (rb_db_get_int (rb_store_get_db (store), sql, &value, &error));
  g_assert_no_error (error);
  return value;
}

static JsonArray *
report_list (JsonNode *report, const char *name)
{
  return json_object_get_array_member (json_node_get_object (report), name);
}

/* Whether a report's list holds the item of that type and id (and, for changes, the field). */
static gboolean
report_has (JsonNode *report, const char *list, const char *type, const char *id,
            const char *field)
{
  JsonArray *items = report_list (report, list);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (!g_str_equal (json_object_get_string_member (item, "type"), type)
          || !g_str_equal (json_object_get_string_member (item, "id"), id))
        continue;
      if (field == NULL)
        return TRUE;
      {
        JsonArray *fields = json_object_get_array_member (item, "fields");

        for (guint j = 0; j < json_array_get_length (fields); j++)
          if (g_str_equal (json_array_get_string_element (fields, j), field))
            return TRUE;
      }
    }
  return FALSE;
}

static JsonObject *
space_at (JsonNode *root, guint index)
{
  return json_array_get_object_element (
      json_object_get_array_member (json_node_get_object (root), "spaces"), index);
}

static JsonObject *
find_space (JsonNode *root, const char *id, guint *out_index)
{
  JsonArray *spaces = json_object_get_array_member (json_node_get_object (root), "spaces");

  for (guint i = 0; i < json_array_get_length (spaces); i++)
    {
      JsonObject *space = json_array_get_object_element (spaces, i);

      if (g_str_equal (json_object_get_string_member (space, "id"), id))
        {
          if (out_index != NULL)
            *out_index = i;
          return space;
        }
    }
  g_assert_not_reached ();
}

static RbBooking *
book (RbStore *store, const char *space_id, gint64 start, gint64 end, GError **error)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, JONAS,
                                                  rb_interval_make (start, end));

  return rb_store_create_booking_sync (store, request, error);
}

/* ---- the reader -------------------------------------------------------------------------- */

static void
test_reader_demo (void)
{
  g_autoptr (JsonNode) root = demo_document_json ();
  g_autoptr (RbBuildingDocument) document = read_ok (root);
  g_autoptr (JsonNode) written = rb_building_file_write (document);
  g_autoptr (RbBuildingDocument) again = read_ok (written);

  g_assert_cmpstr (rb_site_get_id (document->site), ==, "site-bonn");
  g_assert_cmpuint (document->buildings->len, ==, 1);
  g_assert_cmpuint (document->floors->len, ==, 4);
  g_assert_cmpuint (document->spaces->len, ==, 186);
  /* Without a position a floor comes at its level; every space is bookable unless it says. */
  g_assert_cmpint (rb_floor_get_position (document->floors->pdata[2]), ==, 2);
  g_assert_true (rb_space_get_bookable (document->spaces->pdata[0]));
  g_assert_cmpuint (again->spaces->len, ==, 186);
}

/* One broken file per rule: how it is broken, and the message's place and reason. */
typedef struct
{
  const char *json_change; /* member path to set: "spaces.12.rect.w" */
  const char *value;       /* JSON text of the new value; NULL removes the member */
  const char *expected;
} Fault;

static const Fault faults[] = {
  { "spaces.12.rect.w", "0", "spaces[12].rect.w: must be greater than 0" },
  { "spaces.12.rect.w", "0.1", "spaces[12].rect.w: must be at least 0.25" },
  { "spaces.3.rect.h", "-2", "spaces[3].rect.h: must be greater than 0" },
  { "spaces.3.rect.x", "-1", "spaces[3].rect.x: must not be negative" },
  { "spaces.3.rect.x", "59.5", "spaces[3].rect.w: reaches beyond the floor’s width of 60 m" },
  { "spaces.3.rect.y", "23.5", "spaces[3].rect.h: reaches beyond the floor’s height of 24 m" },
  { "spaces.3.rect.x", "\"1\"", "spaces[3].rect.x: must be a number of metres" },
  { "spaces.3.rect.z", "1", "spaces[3].rect.z: is not a member of this format" },
  { "spaces.3.rect", "[]", "spaces[3].rect: must be an object" },
  { "spaces.4.rect", NULL, "spaces[4].rect: is required" },
  { "spaces.5.kind", "\"sofa\"", "spaces[5].kind: must be “desk” or “room”" },
  { "spaces.5.capacity", "0", "spaces[5].capacity: must be from 1 to 1000" },
  { "spaces.5.capacity", "2.5", "spaces[5].capacity: must be a whole number" },
  { "spaces.6.name", "\"  \"", "spaces[6].name: must not be empty" },
  { "spaces.6.name", "7", "spaces[6].name: must be a string" },
  { "spaces.7.floor_id", "\"flr-x\"", "spaces[7].floor_id: names no floor of the file" },
  { "spaces.8.id", "\"a0-d001\"", "spaces[8].id: is already used by spaces[0]" },
  { "spaces.8.id", "\"a b\"", "spaces[8].id: must be 1 to 64 letters, digits, dots, underscores or hyphens" },
  { "spaces.9.amenities", "[\"monitor\", \"jacuzzi\"]", "spaces[9].amenities[1]: is not a known amenity" },
  { "spaces.9.amenities", "[\"monitor\", \"monitor\"]", "spaces[9].amenities[1]: is listed twice" },
  { "spaces.9.amenities", "\"monitor\"", "spaces[9].amenities: must be an array" },
  { "spaces.10.bookable", "1", "spaces[10].bookable: must be true or false" },
  { "spaces.10.colour", "\"red\"", "spaces[10].colour: is not a member of this format" },
  { "floors.1.building_id", "\"bld-x\"", "floors[1].building_id: names no building of the file" },
  { "floors.1.id", "\"flr-a-eg\"", "floors[1].id: is already used by floors[0]" },
  { "floors.1.width", "0", "floors[1].width: must be from 1 to 10000" },
  { "floors.1.level", "\"1\"", "floors[1].level: must be a whole number" },
  { "floors.1.position", "true", "floors[1].position: must be a whole number" },
  { "floors.1.name", NULL, "floors[1].name: is required" },
  { "buildings.0.site_id", "\"site-x\"", "buildings[0].site_id: must be the id of the file’s site" },
  { "buildings.0.name", "\"\"", "buildings[0].name: must not be empty" },
  { "buildings", "[]", "buildings: must name at least one building" },
  { "site.timezone", "\"Mars/Olympus\"", "site.timezone: is not a known time zone" },
  { "site.show_names", "\"no\"", "site.show_names: must be true or false" },
  { "site.id", NULL, "site.id: is required" },
  { "spaces", "{}", "spaces: must be an array" },
  { "floors", NULL, "floors: is required" },
  { "people", "[]", "people: is not a member of this format" },
};

static void
set_member (JsonNode *root, const char *path, const char *value)
{
  g_auto (GStrv) steps = g_strsplit (path, ".", -1);
  guint n = g_strv_length (steps);
  JsonNode *node = root;

  for (guint i = 0; i + 1 < n; i++)
    {
      if (JSON_NODE_HOLDS_ARRAY (node))
        node = json_array_get_element (json_node_get_array (node), atoi (steps[i]));
      else
        node = json_object_get_member (json_node_get_object (node), steps[i]);
      g_assert_nonnull (node);
    }
  if (value == NULL)
    json_object_remove_member (json_node_get_object (node), steps[n - 1]);
  else
    {
      g_autoptr (GError) error = NULL;
      JsonNode *parsed = json_from_string (value, &error);

      g_assert_no_error (error);
      json_object_set_member (json_node_get_object (node), steps[n - 1], parsed);
    }
}

static void
test_reader_faults (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (faults); i++)
    {
      g_autoptr (JsonNode) root = demo_document_json ();
      g_autoptr (GError) error = NULL;
      g_autoptr (RbBuildingDocument) document = NULL;

      set_member (root, faults[i].json_change, faults[i].value);
      document = rb_building_file_read (root, &error);
      g_test_message ("%s → %s", faults[i].json_change, error ? error->message : "(read)");
      g_assert_null (document);
      rb_assert_rb_error (error, RB_ERROR_INVALID_BUILDING, "invalid_building");
      g_assert_nonnull (strstr (error->message, faults[i].expected));
    }
}

static void
test_reader_syntax (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBuildingDocument) document = rb_building_file_parse ("{\"site\": ", -1, &error);

  g_assert_null (document);
  rb_assert_rb_error (error, RB_ERROR_INVALID_JSON, "invalid_json");
  g_clear_error (&error);
  {
    g_autoptr (JsonNode) array = json_from_string ("[]", NULL);

    document = rb_building_file_read (array, &error);
  }
  g_assert_null (document);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_BUILDING);
  g_assert_nonnull (strstr (error->message, "$: must be an object"));
}

/* ---- the import -------------------------------------------------------------------------- */

/* Export, import the export: nothing changes, nothing is recorded. Into a new database: the
 * same building, exported byte for byte the same. */
static void
test_round_trip (Fixture *f, gconstpointer data)
{
  g_autofree char *first = export_text (f->store);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) parsed = rb_json_parse (first, -1, &error);
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (JsonNode) fresh_report = NULL;
  g_autoptr (RbStore) fresh = NULL;
  g_autofree char *second = NULL;
  g_autofree char *text = NULL;

  g_assert_no_error (error);
  report = import_ok (f->store, parsed, RB_BUILDING_IMPORT_DEFAULT);
  g_assert_true (rb_building_report_is_empty (report));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "cancelled_bookings"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes WHERE topic = 'building'"), ==, 0);
  text = rb_building_report_to_text (report);
  g_assert_nonnull (strstr (text, "nothing to change"));

  fresh = open_store (f, "fresh.db");
  fresh_report = import_ok (fresh, parsed, RB_BUILDING_IMPORT_DEFAULT);
  g_assert_cmpuint (json_array_get_length (report_list (fresh_report, "new")), ==, 1 + 1 + 4 + 186);
  second = export_text (fresh);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpint (count (fresh, "SELECT count(*) FROM audit_log WHERE action = 'building.import'"
                                 " AND actor_id = '" ADMIN "'"),
                   ==, 1);
}

/* A file whose last space is bad changes nothing, though all before it is good. */
static void
test_fails_half_way (Fixture *f, gconstpointer data)
{
  g_autofree char *before = export_text (f->store);
  g_autoptr (JsonNode) root = demo_document_json ();
  JsonArray *spaces = json_object_get_array_member (json_node_get_object (root), "spaces");
  guint last = json_array_get_length (spaces) - 1;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autofree char *after = NULL;
  g_autofree char *expected = g_strdup_printf ("spaces[%u].capacity: must be from 1", last - 1);
  gint64 changes = count (f->store, "SELECT count(*) FROM changes");

  json_object_set_string_member (space_at (root, 0), "name", "Renamed");
  json_array_remove_element (json_object_get_array_member (json_node_get_object (root), "spaces"), 1);
  json_object_set_int_member (space_at (root, last - 1), "capacity", 0);

  report = import (f->store, root, RB_BUILDING_IMPORT_DEFAULT, &error);
  g_assert_null (report);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_BUILDING);
  g_assert_nonnull (strstr (error->message, expected));
  after = export_text (f->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes"), ==, changes);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM audit_log"), ==, 0);
}

/* A change of each kind: what the dry run says is what the import then does. */
static void
test_changes (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) root = demo_document_json ();
  g_autoptr (JsonNode) dry = NULL;
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) kept = NULL;
  g_autoptr (RbBooking) past = NULL;
  g_autoptr (RbBooking) future = NULL;
  g_autoptr (RbBooking) reloaded = NULL;
  g_autoptr (GPtrArray) spaces = NULL;
  g_autoptr (GPtrArray) floors = NULL;
  g_autoptr (RbSpace) space = NULL;
  g_autofree char *before = export_text (f->store);
  g_autofree char *after_dry = NULL;
  g_autofree char *text = NULL;
  JsonObject *renamed, *new_space;
  JsonArray *spaces_json = json_object_get_array_member (json_node_get_object (root), "spaces");
  guint retired_index;
  gint64 tue = rb_test_berlin_time (2026, 12, 1, 9, 0);
  gint64 changes;

  /* a0-d002 will be retired: one booking tomorrow, one that ended yesterday (made then). */
  f->now = rb_test_berlin_time (2026, 11, 27, 7, 0);
  past = book (f->store, "a0-d002", rb_test_berlin_time (2026, 11, 27, 9, 0),
               rb_test_berlin_time (2026, 11, 27, 12, 0), &error);
  g_assert_no_error (error);
  f->now = rb_test_berlin_time (2026, 11, 30, 7, 0);
  future = book (f->store, "a0-d002", tue, tue + 3 * 3600, &error);
  g_assert_no_error (error);
  kept = book (f->store, "a0-d003", tue + 24 * 3600, tue + 24 * 3600 + 3600, &error);
  g_assert_no_error (error);
  changes = count (f->store, "SELECT count(*) FROM changes");

  renamed = find_space (root, "a0-d001", NULL);
  json_object_set_string_member (renamed, "name", "0.01 (window)");
  json_object_set_double_member (json_object_get_object_member (renamed, "rect"), "x", 34.5);
  json_object_set_boolean_member (find_space (root, "a0-d004", NULL), "bookable", FALSE);
  find_space (root, "a0-d002", &retired_index);
  json_array_remove_element (spaces_json, retired_index);
  new_space = json_object_new ();
  json_object_set_string_member (new_space, "id", "a0-d999");
  json_object_set_string_member (new_space, "floor_id", "flr-a-eg");
  json_object_set_string_member (new_space, "kind", "desk");
  json_object_set_string_member (new_space, "name", "0.99");
  json_object_set_int_member (new_space, "capacity", 1);
  {
    JsonObject *rect = json_object_new ();

    json_object_set_double_member (rect, "x", 0.25);
    json_object_set_double_member (rect, "y", 0.5);
    json_object_set_double_member (rect, "w", 1.75);
    json_object_set_int_member (rect, "h", 1);
    json_object_set_object_member (new_space, "rect", rect);
  }
  json_array_add_object_element (spaces_json, new_space);
  /* The ground floor goes to the end of the list. */
  json_object_set_int_member (
      json_array_get_object_element (json_object_get_array_member (json_node_get_object (root), "floors"), 0),
      "position", 9);

  dry = import_ok (f->store, root, RB_BUILDING_IMPORT_DRY_RUN);
  after_dry = export_text (f->store);
  g_assert_cmpstr (before, ==, after_dry);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes"), ==, changes);
  g_assert_true (json_object_get_boolean_member (json_node_get_object (dry), "dry_run"));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (dry), "cancelled_bookings"), ==, 1);
  text = rb_building_report_to_text (dry);
  g_assert_nonnull (strstr (text, "dry run"));
  g_assert_nonnull (strstr (text, "a0-d002"));

  report = import_ok (f->store, root, RB_BUILDING_IMPORT_DEFAULT);
  g_assert_false (json_object_get_boolean_member (json_node_get_object (report), "dry_run"));
  for (guint i = 0; i < 2; i++)
    {
      JsonNode *r = i == 0 ? dry : report;

      g_assert_true (report_has (r, "new", "space", "a0-d999", NULL));
      g_assert_true (report_has (r, "changed", "space", "a0-d001", "name"));
      g_assert_true (report_has (r, "changed", "space", "a0-d001", "rect"));
      g_assert_false (report_has (r, "changed", "space", "a0-d001", "capacity"));
      g_assert_true (report_has (r, "changed", "space", "a0-d004", "bookable"));
      g_assert_true (report_has (r, "changed", "floor", "flr-a-eg", "position"));
      g_assert_true (report_has (r, "retired", "space", "a0-d002", NULL));
      g_assert_cmpuint (json_array_get_length (report_list (r, "new")), ==, 1);
      g_assert_cmpuint (json_array_get_length (report_list (r, "changed")), ==, 3);
      g_assert_cmpuint (json_array_get_length (report_list (r, "retired")), ==, 1);
      g_assert_cmpint (json_object_get_int_member (json_node_get_object (r), "cancelled_bookings"), ==, 1);
    }

  /* The future booking is cancelled with the reason its owner sees; the past one and the
   * other desk's are left alone. Each change has its feed row, and the import one audit
   * entry and one topic row. */
  reloaded = rb_store_get_booking_sync (f->store, rb_booking_get_id (future), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_booking_get_state (reloaded), ==, RB_BOOKING_STATE_CANCELLED);
  g_assert_cmpstr (rb_booking_get_cancel_reason (reloaded), ==, "The space was taken out of service.");
  g_clear_object (&reloaded);
  reloaded = rb_store_get_booking_sync (f->store, rb_booking_get_id (past), &error);
  g_assert_cmpint (rb_booking_get_state (reloaded), ==, RB_BOOKING_STATE_BOOKED);
  g_clear_object (&reloaded);
  reloaded = rb_store_get_booking_sync (f->store, rb_booking_get_id (kept), &error);
  g_assert_cmpint (rb_booking_get_state (reloaded), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes"), ==, changes + 2);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes WHERE topic = 'building'"), ==, 1);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM audit_log WHERE action = 'building.import'"
                                    " AND actor_id = '" ADMIN "' AND subject = 'site-bonn'"
                                    " AND after LIKE '%a0-d999%' AND before LIKE '%186%'"),
                   ==, 1);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM spaces WHERE id = 'a0-d002'"
                                    " AND retired_at IS NOT NULL"),
                   ==, 1);

  /* Lists leave the retired space out; floors come in their new order. */
  spaces = rb_store_list_spaces_sync (f->store, "flr-a-eg", &error);
  g_assert_no_error (error);
  for (guint i = 0; i < spaces->len; i++)
    g_assert_cmpstr (rb_space_get_id (spaces->pdata[i]), !=, "a0-d002");
  floors = rb_store_list_floors_sync (f->store, &error);
  g_assert_cmpuint (floors->len, ==, 4);
  g_assert_cmpstr (rb_floor_get_id (floors->pdata[3]), ==, "flr-a-eg");
  g_assert_cmpint (rb_floor_get_position (floors->pdata[3]), ==, 9);
  space = rb_store_get_space_sync (f->store, "a0-d001", &error);
  g_assert_cmpstr (rb_space_get_name (space), ==, "0.01 (window)");
  g_assert_cmpfloat (rb_space_get_rect (space)->x, ==, 34.5);

  /* Neither the retired nor the unbookable space can be booked; the new one can. */
  {
    g_autoptr (RbBooking) refused = book (f->store, "a0-d002", tue, tue + 3600, &error);

    g_assert_null (refused);
    rb_assert_rb_error (error, RB_ERROR_SPACE_NOT_BOOKABLE, "space_not_bookable");
    g_clear_error (&error);
  }
  {
    g_autoptr (RbBooking) refused = book (f->store, "a0-d004", tue + 4 * 3600, tue + 5 * 3600, &error);

    g_assert_null (refused);
    rb_assert_rb_error (error, RB_ERROR_SPACE_NOT_BOOKABLE, "space_not_bookable");
    g_clear_error (&error);
  }
  {
    g_autoptr (RbBooking) booked = book (f->store, "a0-d999", tue + 4 * 3600, tue + 5 * 3600, &error);

    g_assert_no_error (error);
    g_assert_nonnull (booked);
  }

  /* The file's own export again: nothing to do. The retired space back in the file: in
   * service again. */
  {
    g_autoptr (JsonNode) same = import_ok (f->store, root, RB_BUILDING_IMPORT_DEFAULT);
    g_autoptr (JsonNode) original = demo_document_json ();
    g_autoptr (JsonNode) back = NULL;

    g_assert_true (rb_building_report_is_empty (same));
    back = import_ok (f->store, original, RB_BUILDING_IMPORT_DEFAULT);
    g_assert_true (report_has (back, "changed", "space", "a0-d002", "in_service"));
    g_assert_true (report_has (back, "retired", "space", "a0-d999", NULL));
    g_assert_cmpint (json_object_get_int_member (json_node_get_object (back), "cancelled_bookings"), ==, 1);
    g_assert_cmpint (count (f->store, "SELECT count(*) FROM spaces WHERE id = 'a0-d002'"
                                      " AND retired_at IS NULL AND bookable"),
                     ==, 1);
  }
}

/* A floor missing from the file is retired with its spaces. */
static void
test_retire_floor (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) root = demo_document_json ();
  JsonArray *floors = json_object_get_array_member (json_node_get_object (root), "floors");
  JsonArray *spaces = json_object_get_array_member (json_node_get_object (root), "spaces");
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (GError) error = NULL;
  gint64 on_floor = count (f->store, "SELECT count(*) FROM spaces WHERE floor_id = 'flr-a-3og'");

  json_array_remove_element (floors, 3);
  for (guint i = json_array_get_length (spaces); i-- > 0;)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (spaces, i), "floor_id"),
                     "flr-a-3og"))
      json_array_remove_element (spaces, i);

  report = import_ok (f->store, root, RB_BUILDING_IMPORT_DEFAULT);
  g_assert_true (report_has (report, "retired", "floor", "flr-a-3og", NULL));
  g_assert_cmpuint (json_array_get_length (report_list (report, "retired")), ==, 1 + on_floor);
  listed = rb_store_list_floors_sync (f->store, &error);
  g_assert_cmpuint (listed->len, ==, 3);
  g_clear_pointer (&listed, g_ptr_array_unref);
  listed = rb_store_list_spaces_sync (f->store, "flr-a-3og", &error);
  g_assert_cmpuint (listed->len, ==, 0);
}

/* The mirror takes the server's building as it is: no cancellations, no audit, no feed. */
static void
test_mirror (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) root = demo_document_json ();
  g_autoptr (JsonNode) report = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbBooking) reloaded = NULL;
  g_autoptr (GError) error = NULL;
  gint64 tue = rb_test_berlin_time (2026, 12, 1, 9, 0);
  gint64 changes;
  guint index;

  booking = book (f->store, "a0-d002", tue, tue + 3600, &error);
  g_assert_no_error (error);
  changes = count (f->store, "SELECT count(*) FROM changes");
  find_space (root, "a0-d002", &index);
  json_array_remove_element (json_object_get_array_member (json_node_get_object (root), "spaces"), index);

  report = import_ok (f->store, root, RB_BUILDING_IMPORT_MIRROR);
  g_assert_true (report_has (report, "retired", "space", "a0-d002", NULL));
  g_assert_cmpint (json_object_get_int_member (json_node_get_object (report), "cancelled_bookings"), ==, 0);
  reloaded = rb_store_get_booking_sync (f->store, rb_booking_get_id (booking), &error);
  g_assert_cmpint (rb_booking_get_state (reloaded), ==, RB_BOOKING_STATE_BOOKED);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM changes"), ==, changes);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM audit_log"), ==, 0);
  g_assert_cmpint (count (f->store, "SELECT count(*) FROM spaces WHERE retired_at IS NOT NULL"), ==, 1);
}

/* A file for another site is refused: the site's id is what everything else hangs on. */
static void
test_other_site (Fixture *f, gconstpointer data)
{
  g_autoptr (JsonNode) root = demo_document_json ();
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = NULL;
  JsonObject *o = json_node_get_object (root);

  json_object_set_string_member (json_object_get_object_member (o, "site"), "id", "site-berlin");
  json_object_set_string_member (json_array_get_object_element (json_object_get_array_member (o, "buildings"), 0),
                                 "site_id", "site-berlin");
  report = import (f->store, root, RB_BUILDING_IMPORT_DEFAULT, &error);
  g_assert_null (report);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_BUILDING);
  g_assert_nonnull (strstr (error->message, "site.id: must be the id of this database’s site, “site-bonn”"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/building/reader/demo", test_reader_demo);
  g_test_add_func ("/building/reader/faults", test_reader_faults);
  g_test_add_func ("/building/reader/syntax", test_reader_syntax);
  g_test_add ("/building/import/round-trip", Fixture, NULL, fixture_set_up, test_round_trip,
              fixture_tear_down);
  g_test_add ("/building/import/fails-half-way", Fixture, NULL, fixture_set_up,
              test_fails_half_way, fixture_tear_down);
  g_test_add ("/building/import/changes", Fixture, NULL, fixture_set_up, test_changes,
              fixture_tear_down);
  g_test_add ("/building/import/retire-floor", Fixture, NULL, fixture_set_up,
              test_retire_floor, fixture_tear_down);
  g_test_add ("/building/import/mirror", Fixture, NULL, fixture_set_up, test_mirror,
              fixture_tear_down);
  g_test_add ("/building/import/other-site", Fixture, NULL, fixture_set_up, test_other_site,
              fixture_tear_down);
  return g_test_run ();
}
