/* test-plan-edit.c: the plan editor's edits going into the building document (rb-plan-edit.h):
 * a space moved, renamed and made unbookable is changed in place with what else the document
 * says of it kept; a new space is added; a retired one is left out (so the import retires
 * it); another floor's spaces are untouched; floors renamed, added and put in order; the
 * snapping to a quarter metre; the plan drawing's content check. */
#include "config.h"

#include <string.h>

#include "rb-core.h"

static const char document_text[]
    = "{\"site\": {\"id\": \"s\"}, \"buildings\": [{\"id\": \"b\"}],"
      " \"floors\": ["
      "  {\"id\": \"f0\", \"building_id\": \"b\", \"name\": \"EG\", \"level\": 0, \"width\": 60,"
      "   \"height\": 24, \"position\": 0},"
      "  {\"id\": \"f1\", \"building_id\": \"b\", \"name\": \"1. OG\", \"level\": 1, \"width\": 60,"
      "   \"height\": 24, \"position\": 1}],"
      " \"spaces\": ["
      "  {\"id\": \"d1\", \"floor_id\": \"f0\", \"kind\": \"desk\", \"name\": \"0.01\","
      "   \"capacity\": 1, \"amenities\": [\"monitor\"], \"rect\": {\"x\": 1, \"y\": 1, \"w\": 2,"
      "   \"h\": 1}, \"bookable\": false, \"note\": \"am Fenster\"},"
      "  {\"id\": \"d2\", \"floor_id\": \"f0\", \"kind\": \"desk\", \"name\": \"0.02\","
      "   \"capacity\": 1, \"amenities\": [], \"rect\": {\"x\": 3, \"y\": 1, \"w\": 2, \"h\": 1}},"
      "  {\"id\": \"r1\", \"floor_id\": \"f1\", \"kind\": \"room\", \"name\": \"Rhein\","
      "   \"capacity\": 8, \"amenities\": [], \"rect\": {\"x\": 0, \"y\": 0, \"w\": 6, \"h\": 6}}]}";

static JsonObject *
space_in (JsonNode *document, const char *id)
{
  JsonArray *spaces = json_object_get_array_member (json_node_get_object (document), "spaces");

  for (guint i = 0; i < json_array_get_length (spaces); i++)
    {
      JsonObject *o = json_array_get_object_element (spaces, i);
      if (g_str_equal (json_object_get_string_member (o, "id"), id))
        return o;
    }
  return NULL;
}

static void
test_set_floor_spaces (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) document = rb_json_parse (document_text, strlen (document_text), &error);
  g_autoptr (GPtrArray) spaces = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_plan_space_free);
  RbRect r1 = { 1.25, 2.5, 2, 1.25 }, r2 = { 3, 1, 2, 1 }, r3 = { 10, 12, 4, 3 };
  RbPlanSpace *moved = rb_plan_space_new ("d1", RB_SPACE_KIND_DESK, "0.01 Fenster", 1, &r1);
  RbPlanSpace *retired = rb_plan_space_new ("d2", RB_SPACE_KIND_DESK, "0.02", 1, &r2);
  RbPlanSpace *added = rb_plan_space_new ("f0-new", RB_SPACE_KIND_ROOM, "Neu", 6, &r3);
  JsonObject *o, *rect;

  g_assert_no_error (error);
  moved->amenities = RB_AMENITY_MONITOR | RB_AMENITY_DOCKING_STATION;
  retired->retired = TRUE;
  added->bookable = FALSE;
  added->bookable_set = TRUE;
  g_ptr_array_add (spaces, moved);
  g_ptr_array_add (spaces, retired);
  g_ptr_array_add (spaces, added);
  g_assert_true (rb_building_document_set_floor_spaces (document, "f0", spaces, &error));
  g_assert_no_error (error);

  o = space_in (document, "d1");
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "0.01 Fenster");
  rect = json_object_get_object_member (o, "rect");
  g_assert_cmpfloat (json_object_get_double_member (rect, "x"), ==, 1.25);
  g_assert_cmpfloat (json_object_get_double_member (rect, "h"), ==, 1.25);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "amenities")), ==, 2);
  /* Not set in the editor: the document's "bookable": false and its other members stay. */
  g_assert_false (json_object_get_boolean_member (o, "bookable"));
  g_assert_cmpstr (json_object_get_string_member (o, "note"), ==, "am Fenster");

  g_assert_null (space_in (document, "d2"));
  o = space_in (document, "f0-new");
  g_assert_nonnull (o);
  g_assert_cmpstr (json_object_get_string_member (o, "floor_id"), ==, "f0");
  g_assert_cmpstr (json_object_get_string_member (o, "kind"), ==, "room");
  g_assert_false (json_object_get_boolean_member (o, "bookable"));
  /* Another floor's room is untouched. */
  g_assert_nonnull (space_in (document, "r1"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (
                        json_node_get_object (document), "spaces")),
                    ==, 3);
}

static void
test_set_floors (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) document = rb_json_parse (document_text, strlen (document_text), &error);
  g_autoptr (GPtrArray) floors = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_plan_floor_free);
  JsonArray *array;
  JsonObject *o;

  g_ptr_array_add (floors, rb_plan_floor_new ("f1", "b", "Erstes OG", 1, 60, 24));
  g_ptr_array_add (floors, rb_plan_floor_new ("f0", "b", "EG", 0, 60, 24));
  g_ptr_array_add (floors, rb_plan_floor_new ("f2", "b", "Dach", 2, 30, 12));
  g_assert_true (rb_building_document_set_floors (document, floors, &error));
  g_assert_no_error (error);
  array = json_object_get_array_member (json_node_get_object (document), "floors");
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  o = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "f1");
  g_assert_cmpstr (json_object_get_string_member (o, "name"), ==, "Erstes OG");
  g_assert_cmpint (json_object_get_int_member (o, "position"), ==, 0);
  o = json_array_get_object_element (array, 1);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "f0");
  g_assert_cmpint (json_object_get_int_member (o, "position"), ==, 1);
  o = json_array_get_object_element (array, 2);
  g_assert_cmpstr (json_object_get_string_member (o, "id"), ==, "f2");
  g_assert_cmpint (json_object_get_int_member (o, "width"), ==, 30);
  g_assert_false (json_object_has_member (o, "position"));

  /* A document without floors is refused, and says where. */
  {
    g_autoptr (JsonNode) empty = rb_json_parse ("{}", 2, NULL);

    g_assert_false (rb_building_document_set_floors (empty, floors, &error));
    g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  }
}

static void
test_snap (void)
{
  g_assert_cmpfloat (rb_plan_snap (3.3), ==, 3.25);
  g_assert_cmpfloat (rb_plan_snap (3.38), ==, 3.5);
  g_assert_cmpfloat (rb_plan_snap (-0.1), ==, 0.0);
  g_assert_cmpfloat (rb_plan_snap (1.1), ==, 1.0);
}

static void
test_drawing_check (void)
{
  static const char svg[] = "<?xml version=\"1.0\"?><!-- plan --><svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"/>";
  static const char html[] = "<html><svg/></html>";
  static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
  g_autoptr (GBytes) svg_bytes = g_bytes_new_static (svg, strlen (svg));
  g_autoptr (GBytes) html_bytes = g_bytes_new_static (html, strlen (html));
  g_autoptr (GBytes) png_bytes = g_bytes_new_static (png, sizeof png - 1);
  g_autoptr (GError) error = NULL;

  g_assert_true (rb_plan_drawing_check ("image/svg+xml", svg_bytes, &error));
  g_assert_no_error (error);
  g_assert_true (rb_plan_drawing_check ("image/png", png_bytes, &error));
  g_assert_false (rb_plan_drawing_check ("image/svg+xml", html_bytes, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNSUPPORTED_MEDIA_TYPE);
  g_clear_error (&error);
  g_assert_false (rb_plan_drawing_check ("image/png", svg_bytes, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNSUPPORTED_MEDIA_TYPE);
  g_clear_error (&error);
  g_assert_false (rb_plan_drawing_check ("image/gif", png_bytes, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_UNSUPPORTED_MEDIA_TYPE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plan-edit/set-floor-spaces", test_set_floor_spaces);
  g_test_add_func ("/plan-edit/set-floors", test_set_floors);
  g_test_add_func ("/plan-edit/snap", test_snap);
  g_test_add_func ("/plan-edit/drawing-check", test_drawing_check);
  return g_test_run ();
}
