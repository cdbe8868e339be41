/* rb-building-file.c: reads and writes the building file. The file comes from an administrator
 * or from anyone who can reach the import endpoint, so every member is checked, and the first
 * fault is reported with its place in the file as a JSON path (spaces[12].rect.w) so that it
 * can be found and fixed. Nothing is half read: the caller gets a whole valid document or an
 * error. data/building.schema.json states the same rules; tests/data/check-building-schema.py
 * holds the two together. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rb-building-file.h"
#include "rb-error.h"
#include "rb-json.h"
#include "rb-time.h"

/* The largest a floor or a coordinate may be, in metres. */
#define MAX_METRES 10000

static const char *const root_members[] = { "$schema", "site", "buildings", "floors", "spaces", NULL };
static const char *const root_required[] = { "site", "buildings", "floors", "spaces", NULL };
static const char *const site_members[] = { "id", "name", "timezone", "show_names", NULL };
static const char *const site_required[] = { "id", "name", "timezone", NULL };
static const char *const building_members[] = { "id", "site_id", "name", "address", NULL };
static const char *const building_required[] = { "id", "site_id", "name", NULL };
static const char *const floor_members[] = { "id", "building_id", "name", "level", "position",
                                             "width", "height", NULL };
static const char *const floor_required[] = { "id", "building_id", "name", "level", "width",
                                              "height", NULL };
static const char *const space_members[] = { "id", "floor_id", "kind", "name", "capacity",
                                             "amenities", "rect", "bookable", NULL };
static const char *const space_required[] = { "id", "floor_id", "kind", "name", "capacity",
                                              "rect", NULL };
static const char *const rect_members[] = { "x", "y", "w", "h", NULL };

RbBuildingDocument *
rb_building_document_new (RbSite *site)
{
  RbBuildingDocument *document = g_new0 (RbBuildingDocument, 1);

  document->site = site != NULL ? g_object_ref (site) : NULL;
  document->buildings = g_ptr_array_new_with_free_func (g_object_unref);
  document->floors = g_ptr_array_new_with_free_func (g_object_unref);
  document->spaces = g_ptr_array_new_with_free_func (g_object_unref);
  return document;
}

void
rb_building_document_free (RbBuildingDocument *document)
{
  if (document == NULL)
    return;
  g_clear_object (&document->site);
  g_ptr_array_unref (document->buildings);
  g_ptr_array_unref (document->floors);
  g_ptr_array_unref (document->spaces);
  g_free (document);
}

/* ---- errors with a place --------------------------------------------------------------- */

static gboolean
fault (GError **error, const char *path, const char *reason)
{
  /* TRANSLATORS: follows "The building file is not valid."; the first %s is the place in the
   * file as a JSON path (spaces[12].rect.w), the second what is wrong with it. */
  rb_set_error (error, RB_ERROR_INVALID_BUILDING, _("%s: %s"), path, reason);
  return FALSE;
}

static char *
member_path (const char *path, const char *name)
{
  return *path != '\0' ? g_strdup_printf ("%s.%s", path, name) : g_strdup (name);
}

static gboolean
member_fault (GError **error, const char *path, const char *name, const char *reason)
{
  g_autofree char *place = member_path (path, name);

  return fault (error, place, reason);
}

static gboolean
in_list (const char *const *list, const char *name)
{
  for (guint i = 0; list[i] != NULL; i++)
    if (g_str_equal (list[i], name))
      return TRUE;
  return FALSE;
}

/* The node must be an object holding every required member and no other than allowed. */
static JsonObject *
object_at (JsonNode *node, const char *path, const char *const *allowed,
           const char *const *required, GError **error)
{
  JsonObject *object;
  g_autoptr (GList) names = NULL;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fault (error, *path != '\0' ? path : "$", _("must be an object"));
      return NULL;
    }
  object = json_node_get_object (node);
  for (guint i = 0; required[i] != NULL; i++)
    if (!json_object_has_member (object, required[i]))
      {
        member_fault (error, path, required[i], _("is required"));
        return NULL;
      }
  names = json_object_get_members (object);
  for (GList *l = names; l != NULL; l = l->next)
    if (!in_list (allowed, l->data))
      {
        g_autofree char *name = g_utf8_make_valid (l->data, MIN (strlen (l->data), 40));

        member_fault (error, path, name, _("is not a member of this format"));
        return NULL;
      }
  return object;
}

static JsonNode *
value_member (JsonObject *object, const char *name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != type)
    return NULL;
  return node;
}

/* An id: 1 to RB_BUILDING_FILE_MAX_ID letters, digits, '.', '_' or '-' (ids go into URLs). */
static const char *
get_id (JsonObject *object, const char *path, const char *name, GError **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);
  const char *value;
  size_t length;

  if (node == NULL)
    {
      member_fault (error, path, name, _("must be a string"));
      return NULL;
    }
  value = json_node_get_string (node);
  length = strlen (value);
  if (length == 0 || length > RB_BUILDING_FILE_MAX_ID
      || strspn (value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
             != length)
    {
      g_autofree char *reason = g_strdup_printf (
          _("must be 1 to %d letters, digits, dots, underscores or hyphens"),
          RB_BUILDING_FILE_MAX_ID);

      member_fault (error, path, name, reason);
      return NULL;
    }
  return value;
}

/* A name or address: at most RB_JSON_MAX_TEXT characters; a name must not be blank. */
static const char *
get_text (JsonObject *object, const char *path, const char *name, gboolean blank_allowed,
          GError **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_STRING);
  const char *value;

  if (node == NULL)
    {
      member_fault (error, path, name, _("must be a string"));
      return NULL;
    }
  value = json_node_get_string (node);
  if (!blank_allowed)
    {
      g_autofree char *stripped = g_strstrip (g_strdup (value));

      if (*stripped == '\0')
        {
          member_fault (error, path, name, _("must not be empty"));
          return NULL;
        }
    }
  if (g_utf8_strlen (value, -1) > RB_JSON_MAX_TEXT)
    {
      g_autofree char *reason
          = g_strdup_printf (_("must be at most %d characters long"), RB_JSON_MAX_TEXT);

      member_fault (error, path, name, reason);
      return NULL;
    }
  return value;
}

static gboolean
get_integer (JsonObject *object, const char *path, const char *name, gint64 min, gint64 max,
             gint64 *out_value, GError **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_INT64);
  gint64 value;

  if (node == NULL)
    return member_fault (error, path, name, _("must be a whole number"));
  value = json_node_get_int (node);
  if (value < min || value > max)
    {
      /* The bounds of every member fit an int. */
      g_autofree char *reason = g_strdup_printf (_("must be from %d to %d"), (int) min, (int) max);

      return member_fault (error, path, name, reason);
    }
  *out_value = value;
  return TRUE;
}

static gboolean
get_boolean (JsonObject *object, const char *path, const char *name, gboolean *out_value,
             GError **error)
{
  JsonNode *node = value_member (object, name, G_TYPE_BOOLEAN);

  if (node == NULL)
    return member_fault (error, path, name, _("must be true or false"));
  *out_value = json_node_get_boolean (node);
  return TRUE;
}

/* A length in metres, with fractions (0.25 m steps in the plan editor, any in a file). */
static gboolean
get_metres (JsonObject *object, const char *path, const char *name, gboolean is_size,
            double *out_value, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  double value;

  if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_INT64)
    value = json_node_get_int (node);
  else if (node != NULL && JSON_NODE_HOLDS_VALUE (node)
           && json_node_get_value_type (node) == G_TYPE_DOUBLE)
    value = json_node_get_double (node);
  else
    return member_fault (error, path, name, _("must be a number of metres"));

  if (!isfinite (value) || value > MAX_METRES)
    {
      g_autofree char *reason = g_strdup_printf (_("must be at most %d"), MAX_METRES);

      return member_fault (error, path, name, reason);
    }
  if (is_size && value <= 0)
    return member_fault (error, path, name, _("must be greater than 0"));
  /* The plans draw to the quarter metre; a smaller space could not be seen or touched. */
  if (is_size && value < 0.25)
    return member_fault (error, path, name, _("must be at least 0.25"));
  if (!is_size && value < 0)
    return member_fault (error, path, name, _("must not be negative"));
  *out_value = value;
  return TRUE;
}

static JsonArray *
array_member (JsonObject *object, const char *path, const char *name, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      member_fault (error, path, name, _("must be an array"));
      return NULL;
    }
  if (json_array_get_length (json_node_get_array (node)) > RB_BUILDING_FILE_MAX_ITEMS)
    {
      g_autofree char *reason
          = g_strdup_printf (_("must have at most %d items"), RB_BUILDING_FILE_MAX_ITEMS);

      member_fault (error, path, name, reason);
      return NULL;
    }
  return json_node_get_array (node);
}

/* Remembers where each id was first used, for "already used by spaces[3]". */
static gboolean
claim_id (GHashTable *seen, const char *path, const char *id, GError **error)
{
  const char *first = g_hash_table_lookup (seen, id);
  g_autofree char *place = NULL;

  if (first == NULL)
    {
      g_hash_table_insert (seen, (gpointer) id, g_strdup (path));
      return TRUE;
    }
  place = member_path (path, "id");
  {
    /* TRANSLATORS: %s is the place of the first item with that id, e.g. spaces[3]. */
    g_autofree char *reason = g_strdup_printf (_("is already used by %s"), first);

    return fault (error, place, reason);
  }
}

/* ---- the parts --------------------------------------------------------------------------- */

static RbSite *
read_site (JsonNode *node, GError **error)
{
  JsonObject *o = object_at (node, "site", site_members, site_required, error);
  const char *id, *name, *zone;
  gboolean show_names = FALSE;
  g_autoptr (GTimeZone) tz = NULL;

  if (o == NULL || !(id = get_id (o, "site", "id", error))
      || !(name = get_text (o, "site", "name", FALSE, error))
      || !(zone = get_text (o, "site", "timezone", FALSE, error)))
    return NULL;
  if (!(tz = rb_time_zone_new (zone, NULL)))
    {
      fault (error, "site.timezone", _("is not a known time zone"));
      return NULL;
    }
  if (json_object_has_member (o, "show_names")
      && !get_boolean (o, "site", "show_names", &show_names, error))
    return NULL;
  return rb_site_new (id, name, zone, show_names);
}

static RbBuilding *
read_building (JsonNode *node, const char *path, RbSite *site, GError **error)
{
  JsonObject *o = object_at (node, path, building_members, building_required, error);
  const char *id, *site_id, *name, *address = "";

  if (o == NULL || !(id = get_id (o, path, "id", error))
      || !(site_id = get_id (o, path, "site_id", error))
      || !(name = get_text (o, path, "name", FALSE, error)))
    return NULL;
  if (!g_str_equal (site_id, rb_site_get_id (site)))
    {
      member_fault (error, path, "site_id", _("must be the id of the file’s site"));
      return NULL;
    }
  if (json_object_has_member (o, "address")
      && !(address = get_text (o, path, "address", TRUE, error)))
    return NULL;
  return rb_building_new (id, site_id, name, address);
}

static RbFloor *
read_floor (JsonNode *node, const char *path, GHashTable *buildings, GError **error)
{
  JsonObject *o = object_at (node, path, floor_members, floor_required, error);
  const char *id, *building_id, *name;
  gint64 level, width, height, position;
  RbFloor *floor;

  if (o == NULL || !(id = get_id (o, path, "id", error))
      || !(building_id = get_id (o, path, "building_id", error)))
    return NULL;
  if (!g_hash_table_contains (buildings, building_id))
    {
      member_fault (error, path, "building_id", _("names no building of the file"));
      return NULL;
    }
  if (!(name = get_text (o, path, "name", FALSE, error))
      || !get_integer (o, path, "level", -10, 200, &level, error)
      || !get_integer (o, path, "width", 1, MAX_METRES, &width, error)
      || !get_integer (o, path, "height", 1, MAX_METRES, &height, error))
    return NULL;
  position = level;
  if (json_object_has_member (o, "position")
      && !get_integer (o, path, "position", -10000, 10000, &position, error))
    return NULL;
  floor = rb_floor_new (id, building_id, name, level, width, height);
  rb_floor_set_position (floor, position);
  return floor;
}

static gboolean
read_amenities (JsonObject *o, const char *path, RbAmenities *out_amenities, GError **error)
{
  g_autofree char *list_path = member_path (path, "amenities");
  JsonArray *array = array_member (o, path, "amenities", error);
  RbAmenities all = 0;

  if (array == NULL)
    return FALSE;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *place = g_strdup_printf ("%s[%u]", list_path, i);
      RbAmenities amenity;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING)
        return fault (error, place, _("must be a string"));
      if (!rb_amenity_from_string (json_node_get_string (element), &amenity))
        return fault (error, place, _("is not a known amenity"));
      if (all & amenity)
        return fault (error, place, _("is listed twice"));
      all |= amenity;
    }
  *out_amenities = all;
  return TRUE;
}

static RbSpace *
read_space (JsonNode *node, const char *path, GHashTable *floors, GError **error)
{
  JsonObject *o = object_at (node, path, space_members, space_required, error);
  g_autofree char *rect_path = member_path (path, "rect");
  const char *id, *floor_id, *kind_name, *name;
  gint64 capacity;
  RbSpaceKind kind;
  RbAmenities amenities = 0;
  gboolean bookable = TRUE;
  JsonObject *rect_object;
  RbRect rect;
  RbFloor *floor;
  RbSpace *space;

  if (o == NULL || !(id = get_id (o, path, "id", error))
      || !(floor_id = get_id (o, path, "floor_id", error)))
    return NULL;
  if (!(floor = g_hash_table_lookup (floors, floor_id)))
    {
      member_fault (error, path, "floor_id", _("names no floor of the file"));
      return NULL;
    }
  if (!(kind_name = get_text (o, path, "kind", FALSE, error)))
    return NULL;
  if (!rb_space_kind_from_string (kind_name, &kind))
    {
      member_fault (error, path, "kind", _("must be “desk” or “room”"));
      return NULL;
    }
  if (!(name = get_text (o, path, "name", FALSE, error))
      || !get_integer (o, path, "capacity", 1, 1000, &capacity, error)
      || (json_object_has_member (o, "amenities")
          && !read_amenities (o, path, &amenities, error))
      || (json_object_has_member (o, "bookable")
          && !get_boolean (o, path, "bookable", &bookable, error)))
    return NULL;

  if (!(rect_object = object_at (json_object_get_member (o, "rect"), rect_path, rect_members,
                                 rect_members, error))
      || !get_metres (rect_object, rect_path, "x", FALSE, &rect.x, error)
      || !get_metres (rect_object, rect_path, "y", FALSE, &rect.y, error)
      || !get_metres (rect_object, rect_path, "w", TRUE, &rect.w, error)
      || !get_metres (rect_object, rect_path, "h", TRUE, &rect.h, error))
    return NULL;
  if (rect.x + rect.w > rb_floor_get_width (floor))
    {
      g_autofree char *reason = g_strdup_printf (
          _("reaches beyond the floor’s width of %d m"), rb_floor_get_width (floor));

      member_fault (error, rect_path, "w", reason);
      return NULL;
    }
  if (rect.y + rect.h > rb_floor_get_height (floor))
    {
      g_autofree char *reason = g_strdup_printf (
          _("reaches beyond the floor’s height of %d m"), rb_floor_get_height (floor));

      member_fault (error, rect_path, "h", reason);
      return NULL;
    }
  space = rb_space_new (id, floor_id, kind, name, capacity, amenities, &rect);
  rb_space_set_bookable (space, bookable);
  return space;
}

/* ---- public API ------------------------------------------------------------------------ */

/* Reads a parsed building file into a document; the first fault is RB_ERROR_INVALID_BUILDING
 * with its place. */
RbBuildingDocument *
rb_building_file_read (JsonNode *root, GError **error)
{
  g_autoptr (RbBuildingDocument) document = NULL;
  g_autoptr (GHashTable) building_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GHashTable) floor_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GHashTable) space_ids = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr (GHashTable) floors = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (RbSite) site = NULL;
  JsonObject *o = object_at (root, "", root_members, root_required, error);
  JsonArray *array;

  if (o == NULL)
    return NULL;
  if (json_object_has_member (o, "$schema") && !value_member (o, "$schema", G_TYPE_STRING))
    {
      fault (error, "$schema", _("must be a string"));
      return NULL;
    }
  if (!(site = read_site (json_object_get_member (o, "site"), error)))
    return NULL;
  document = rb_building_document_new (site);

  if (!(array = array_member (o, "", "buildings", error)))
    return NULL;
  if (json_array_get_length (array) == 0)
    {
      fault (error, "buildings", _("must name at least one building"));
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("buildings[%u]", i);
      RbBuilding *building = read_building (json_array_get_element (array, i), path, site, error);

      if (building == NULL)
        return NULL;
      g_ptr_array_add (document->buildings, building);
      if (!claim_id (building_ids, path, rb_building_get_id (building), error))
        return NULL;
    }

  if (!(array = array_member (o, "", "floors", error)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("floors[%u]", i);
      RbFloor *floor = read_floor (json_array_get_element (array, i), path, building_ids, error);

      if (floor == NULL)
        return NULL;
      g_ptr_array_add (document->floors, floor);
      if (!claim_id (floor_ids, path, rb_floor_get_id (floor), error))
        return NULL;
      g_hash_table_insert (floors, (gpointer) rb_floor_get_id (floor), floor);
    }

  if (!(array = array_member (o, "", "spaces", error)))
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_autofree char *path = g_strdup_printf ("spaces[%u]", i);
      RbSpace *space = read_space (json_array_get_element (array, i), path, floors, error);

      if (space == NULL)
        return NULL;
      g_ptr_array_add (document->spaces, space);
      if (!claim_id (space_ids, path, rb_space_get_id (space), error))
        return NULL;
    }
  return g_steal_pointer (&document);
}

/* Parses the text of a building file (strictly, rb_json_parse) and reads it. */
RbBuildingDocument *
rb_building_file_parse (const char *data, gssize length, GError **error)
{
  g_autoptr (JsonNode) root = rb_json_parse (data, length, error);

  return root != NULL ? rb_building_file_read (root, error) : NULL;
}

/* The document as a building file, in its order. */
JsonNode *
rb_building_file_write (RbBuildingDocument *document)
{
  JsonObject *o = json_object_new ();
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);
  struct
  {
    const char *name;
    GPtrArray *items;
    JsonNode *(*to_json) (gpointer item);
  } parts[] = {
    { "buildings", document->buildings, (JsonNode * (*) (gpointer)) rb_json_from_building },
    { "floors", document->floors, (JsonNode * (*) (gpointer)) rb_json_from_floor },
    { "spaces", document->spaces, (JsonNode * (*) (gpointer)) rb_json_from_space },
  };

  json_object_set_member (o, "site", rb_json_from_site (document->site));
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      JsonArray *array = json_array_sized_new (parts[i].items->len);

      for (guint j = 0; j < parts[i].items->len; j++)
        json_array_add_element (array, parts[i].to_json (g_ptr_array_index (parts[i].items, j)));
      json_object_set_array_member (o, parts[i].name, array);
    }
  json_node_take_object (root, o);
  return root;
}

/* ---- the import report ------------------------------------------------------------------- */

static JsonArray *
report_list (JsonObject *report, const char *name)
{
  JsonNode *node = json_object_get_member (report, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Whether an import report (rb-building-store.c) has nothing new, changed or retired. */
gboolean
rb_building_report_is_empty (JsonNode *report)
{
  JsonObject *o;
  static const char *const lists[] = { "new", "changed", "retired" };

  g_return_val_if_fail (report != NULL && JSON_NODE_HOLDS_OBJECT (report), TRUE);
  o = json_node_get_object (report);
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      JsonArray *list = report_list (o, lists[i]);

      if (list != NULL && json_array_get_length (list) > 0)
        return FALSE;
    }
  return TRUE;
}

static const char *
item_type_label (const char *type)
{
  if (g_strcmp0 (type, "site") == 0)
    return _("Site");
  if (g_strcmp0 (type, "building") == 0)
    return _("Building");
  if (g_strcmp0 (type, "floor") == 0)
    return _("Floor");
  return _("Space");
}

static void
append_items (GString *text, JsonObject *report, const char *name, const char *heading)
{
  JsonArray *list = report_list (report, name);

  if (list == NULL || json_array_get_length (list) == 0)
    return;
  g_string_append_printf (text, "%s\n", heading);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonObject *item = json_array_get_object_element (list, i);
      JsonArray *fields = report_list (item, "fields");

      /* TRANSLATORS: one line of an import report: "Space a0-d001 “0.01”". */
      g_string_append_printf (text, _("  %s %s “%s”"),
                              item_type_label (json_object_get_string_member_with_default (item, "type", "")),
                              json_object_get_string_member_with_default (item, "id", ""),
                              json_object_get_string_member_with_default (item, "name", ""));
      if (fields != NULL)
        {
          g_string_append (text, ":");
          for (guint j = 0; j < json_array_get_length (fields); j++)
            g_string_append_printf (text, "%s %s", j > 0 ? "," : "",
                                    json_array_get_string_element (fields, j));
        }
      g_string_append_c (text, '\n');
    }
}

/* An import report in words, one item a line, for the command line and the app. */
char *
rb_building_report_to_text (JsonNode *report)
{
  GString *text = g_string_new (NULL);
  JsonObject *o;
  gboolean dry_run;
  gint64 cancelled;

  g_return_val_if_fail (report != NULL && JSON_NODE_HOLDS_OBJECT (report), NULL);
  o = json_node_get_object (report);
  dry_run = json_object_get_boolean_member_with_default (o, "dry_run", FALSE);
  cancelled = json_object_get_int_member_with_default (o, "cancelled_bookings", 0);

  if (rb_building_report_is_empty (report))
    {
      g_string_append_printf (text, "%s\n", _("The file describes the building as it is: nothing to change."));
      return g_string_free (text, FALSE);
    }
  append_items (text, o, "new", dry_run ? _("Would be added:") : _("Added:"));
  append_items (text, o, "changed", dry_run ? _("Would be changed:") : _("Changed:"));
  append_items (text, o, "retired",
                dry_run ? _("Would be taken out of service:") : _("Taken out of service:"));
  if (cancelled > 0)
    g_string_append_printf (text,
                            dry_run ? g_dngettext (GETTEXT_PACKAGE, "%d booking would be cancelled.\n",
                                                   "%d bookings would be cancelled.\n", cancelled)
                                    : g_dngettext (GETTEXT_PACKAGE, "%d booking was cancelled.\n",
                                                   "%d bookings were cancelled.\n", cancelled),
                            (int) cancelled);
  if (dry_run)
    g_string_append_printf (text, "%s\n", _("This was a dry run: nothing was changed."));
  return g_string_free (text, FALSE);
}
