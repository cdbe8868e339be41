/* rb-plan-edit.c: the plan editor's copy of a floor and its way into the building document.
 * A space or floor the document has is changed in place, so whatever else the document says
 * of it stays; a new one is added; a space retired in the editor is left out, which is how
 * the import retires it. Spaces of the floor that the editor never saw are kept. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-plan-edit.h"

RbPlanSpace *
rb_plan_space_new (const char *id, RbSpaceKind kind, const char *name, int capacity,
                   const RbRect *rect)
{
  RbPlanSpace *space = g_new0 (RbPlanSpace, 1);

  space->id = g_strdup (id);
  space->kind = kind;
  space->name = g_strdup (name);
  space->capacity = capacity;
  space->rect = *rect;
  space->bookable = TRUE;
  return space;
}

RbPlanSpace *
rb_plan_space_new_from_space (RbSpace *space)
{
  RbPlanSpace *copy = rb_plan_space_new (rb_space_get_id (space), rb_space_get_kind (space),
                                         rb_space_get_name (space), rb_space_get_capacity (space),
                                         rb_space_get_rect (space));

  copy->amenities = rb_space_get_amenities (space);
  copy->bookable = rb_space_get_bookable (space);
  return copy;
}

RbPlanSpace *
rb_plan_space_copy (const RbPlanSpace *space)
{
  RbPlanSpace *copy = g_memdup2 (space, sizeof *space);

  copy->id = g_strdup (space->id);
  copy->name = g_strdup (space->name);
  return copy;
}

void
rb_plan_space_free (RbPlanSpace *space)
{
  if (space == NULL)
    return;
  g_free (space->id);
  g_free (space->name);
  g_free (space);
}

/* The nearest multiple of a quarter metre. */
double
rb_plan_snap (double metres)
{
  double quarters = metres / RB_PLAN_SNAP;
  gint64 n = (gint64) (quarters >= 0 ? quarters + 0.5 : quarters - 0.5);

  return n * RB_PLAN_SNAP;
}

RbPlanFloor *
rb_plan_floor_new (const char *id, const char *building_id, const char *name, int level,
                   int width, int height)
{
  RbPlanFloor *floor = g_new0 (RbPlanFloor, 1);

  floor->id = g_strdup (id);
  floor->building_id = g_strdup (building_id);
  floor->name = g_strdup (name);
  floor->level = level;
  floor->width = width;
  floor->height = height;
  return floor;
}

RbPlanFloor *
rb_plan_floor_new_from_floor (RbFloor *floor)
{
  return rb_plan_floor_new (rb_floor_get_id (floor), rb_floor_get_building_id (floor),
                            rb_floor_get_name (floor), rb_floor_get_level (floor),
                            rb_floor_get_width (floor), rb_floor_get_height (floor));
}

void
rb_plan_floor_free (RbPlanFloor *floor)
{
  if (floor == NULL)
    return;
  g_free (floor->id);
  g_free (floor->building_id);
  g_free (floor->name);
  g_free (floor);
}

static JsonArray *
document_array (JsonNode *document, const char *member, GError **error)
{
  JsonObject *root = document != NULL && JSON_NODE_HOLDS_OBJECT (document)
                         ? json_node_get_object (document)
                         : NULL;
  JsonNode *node = root != NULL ? json_object_get_member (root, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                    member);
      return NULL;
    }
  return json_node_get_array (node);
}

static void
write_space (JsonObject *o, const char *floor_id, const RbPlanSpace *space)
{
  JsonObject *rect = json_object_new ();
  JsonArray *amenities = json_array_new ();

  json_object_set_string_member (o, "id", space->id);
  json_object_set_string_member (o, "floor_id", floor_id);
  json_object_set_string_member (o, "kind", rb_space_kind_to_string (space->kind));
  json_object_set_string_member (o, "name", space->name);
  json_object_set_int_member (o, "capacity", space->capacity);
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    if (space->amenities & rb_amenity_nth (i))
      json_array_add_string_element (amenities, rb_amenity_to_string (rb_amenity_nth (i)));
  json_object_set_array_member (o, "amenities", amenities);
  rb_json_set_metres (rect, "x", space->rect.x);
  rb_json_set_metres (rect, "y", space->rect.y);
  rb_json_set_metres (rect, "w", space->rect.w);
  rb_json_set_metres (rect, "h", space->rect.h);
  json_object_set_object_member (o, "rect", rect);
  if (space->bookable_set || !json_object_has_member (o, "bookable"))
    json_object_set_boolean_member (o, "bookable", space->bookable);
}

/* Puts the editor's spaces of floor_id into the document: changed in place, added, or (when
 * retired) taken out. */
gboolean
rb_building_document_set_floor_spaces (JsonNode *document, const char *floor_id,
                                       GPtrArray *spaces, GError **error)
{
  JsonArray *array = document_array (document, "spaces", error);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (JsonArray) kept = NULL;

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < spaces->len; i++)
    {
      RbPlanSpace *space = g_ptr_array_index (spaces, i);
      g_hash_table_insert (by_id, space->id, space);
    }

  kept = json_array_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = o != NULL && json_object_has_member (o, "id")
                           ? json_object_get_string_member_with_default (o, "id", NULL)
                           : NULL;
      RbPlanSpace *space = id != NULL ? g_hash_table_lookup (by_id, id) : NULL;

      if (space != NULL)
        {
          g_hash_table_remove (by_id, id);
          if (space->retired)
            continue;
          write_space (o, floor_id, space);
        }
      json_array_add_element (kept, json_node_copy (node));
    }
  /* New spaces, in the editor's order. */
  for (guint i = 0; i < spaces->len; i++)
    {
      RbPlanSpace *space = g_ptr_array_index (spaces, i);
      JsonObject *o;

      if (space->retired || !g_hash_table_contains (by_id, space->id))
        continue;
      o = json_object_new ();
      write_space (o, floor_id, space);
      json_array_add_object_element (kept, o);
    }
  json_object_set_array_member (json_node_get_object (document), "spaces",
                                g_steal_pointer (&kept));
  return TRUE;
}

/* Puts the floor list into the document: the floors in this order (their levels and, where
 * the document has it, "position" following it), renamed, and new ones added. A floor of the
 * document that is not in the list stays, after the others. */
gboolean
rb_building_document_set_floors (JsonNode *document, GPtrArray *floors, GError **error)
{
  JsonArray *array = document_array (document, "floors", error);
  g_autoptr (JsonArray) ordered = NULL;
  g_autoptr (GHashTable) placed = g_hash_table_new (g_str_hash, g_str_equal);

  if (array == NULL)
    return FALSE;
  ordered = json_array_new ();
  for (guint i = 0; i < floors->len; i++)
    {
      RbPlanFloor *floor = g_ptr_array_index (floors, i);
      JsonObject *o = NULL;

      for (guint j = 0; o == NULL && j < json_array_get_length (array); j++)
        {
          JsonNode *node = json_array_get_element (array, j);
          JsonObject *candidate = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                : NULL;

          if (candidate != NULL
              && g_strcmp0 (json_object_get_string_member_with_default (candidate, "id", NULL),
                            floor->id) == 0)
            o = json_object_ref (candidate);
        }
      if (o == NULL)
        {
          o = json_object_new ();
          json_object_set_string_member (o, "id", floor->id);
          json_object_set_string_member (o, "building_id", floor->building_id);
          json_object_set_int_member (o, "width", floor->width);
          json_object_set_int_member (o, "height", floor->height);
        }
      json_object_set_string_member (o, "name", floor->name);
      json_object_set_int_member (o, "level", floor->level);
      if (json_object_has_member (o, "position"))
        json_object_set_int_member (o, "position", i);
      g_hash_table_add (placed, floor->id);
      json_array_add_object_element (ordered, o);
    }
  for (guint j = 0; j < json_array_get_length (array); j++)
    {
      JsonNode *node = json_array_get_element (array, j);
      JsonObject *o = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *id = o != NULL ? json_object_get_string_member_with_default (o, "id", NULL)
                                 : NULL;

      if (id == NULL || !g_hash_table_contains (placed, id))
        json_array_add_element (ordered, json_node_copy (node));
    }
  json_object_set_array_member (json_node_get_object (document), "floors",
                                g_steal_pointer (&ordered));
  return TRUE;
}
