/* rb-building-store.c: the building file against the database.
 *
 * An import compares the file with what the database holds and makes the database say what
 * the file says: new buildings, floors and spaces are added, changed ones updated, and floors
 * and spaces missing from the file are retired (retired_at), never deleted, because bookings
 * and the occupancy figures still point at them. A retired space's live bookings that have not
 * ended are cancelled with a reason their owners see. A space of the file that had been
 * retired is in service again. Buildings are never retired: one missing from the file keeps
 * its row, but has no floors left in service.
 *
 * The whole comparison and every write run in one BEGIN IMMEDIATE transaction; a dry run
 * makes the same comparison and rolls back, so what it reports is exactly what an import
 * would do at that moment. The report (DESIGN.md: building import) is
 *   {"new": [item…], "changed": [item + "fields": […]], "retired": [item…],
 *    "cancelled_bookings": N, "dry_run": bool}   with   item = {"type", "id", "name"}. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-building-store.h"
#include "rb-store-private.h"

typedef struct
{
  RbStore *store;
  RbDb *db;
  RbBuildingImportFlags flags;
  gint64 now;
  JsonArray *added;
  JsonArray *changed;
  JsonArray *retired;
  gint64 cancelled;
} Import;

/* ---- export ---------------------------------------------------------------------------- */

static gboolean
collect (RbStore *store, const char *sql, GPtrArray *into, gpointer (*make) (RbStatement *),
         GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (into, make (stmt));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return FALSE;
    }
  return TRUE;
}

static gpointer
building_from_row (RbStatement *stmt)
{
  return rb_building_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                          rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3));
}

#define FLOOR_COLUMNS "f.id, f.building_id, f.name, f.level, f.width, f.height, f.position"

static gpointer
floor_from_row (RbStatement *stmt)
{
  RbFloor *floor = rb_floor_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                                 rb_statement_column_text (stmt, 2), rb_statement_column_int (stmt, 3),
                                 rb_statement_column_int (stmt, 4), rb_statement_column_int (stmt, 5));

  rb_floor_set_position (floor, rb_statement_column_int (stmt, 6));
  return floor;
}

#define SPACE_COLUMNS                                                                       \
  "s.id, s.floor_id, s.kind, s.name, s.capacity, s.amenities, s.x, s.y, s.w, s.h, s.bookable"

static gpointer
space_from_row (RbStatement *stmt)
{
  RbSpaceKind kind = RB_SPACE_KIND_DESK;
  RbRect rect = { rb_statement_column_double (stmt, 6), rb_statement_column_double (stmt, 7),
                  rb_statement_column_double (stmt, 8), rb_statement_column_double (stmt, 9) };
  RbSpace *space;

  rb_space_kind_from_string (rb_statement_column_text (stmt, 2), &kind);
  space = rb_space_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1), kind,
                        rb_statement_column_text (stmt, 3), rb_statement_column_int (stmt, 4),
                        rb_statement_column_int (stmt, 5), &rect);
  rb_space_set_bookable (space, rb_statement_column_int (stmt, 10));
  return space;
}

/* The building in service as a document: buildings by id, floors in their buildings' order,
 * spaces floor by floor. An export imported again changes nothing. */
RbBuildingDocument *
rb_building_store_export_sync (RbStore *store, GError **error)
{
  g_autoptr (RbSite) site = rb_store_get_site_sync (store, error);
  g_autoptr (RbBuildingDocument) document = NULL;

  if (site == NULL)
    return NULL;
  document = rb_building_document_new (site);
  if (!collect (store, "SELECT id, site_id, name, address FROM buildings ORDER BY id",
                document->buildings, building_from_row, error)
      || !collect (store,
                   "SELECT " FLOOR_COLUMNS " FROM floors f WHERE f.retired_at IS NULL"
                   " ORDER BY f.building_id, f.position, f.level, f.id",
                   document->floors, floor_from_row, error)
      || !collect (store,
                   "SELECT " SPACE_COLUMNS " FROM spaces s JOIN floors f ON f.id = s.floor_id"
                   " WHERE s.retired_at IS NULL AND f.retired_at IS NULL"
                   " ORDER BY f.building_id, f.position, f.level, f.id, s.id",
                   document->spaces, space_from_row, error))
    return NULL;
  return g_steal_pointer (&document);
}

/* ---- the report ------------------------------------------------------------------------ */

static JsonObject *
report_item (JsonArray *into, const char *type, const char *id, const char *name)
{
  JsonObject *item = json_object_new ();

  json_object_set_string_member (item, "type", type);
  json_object_set_string_member (item, "id", id);
  json_object_set_string_member (item, "name", name);
  json_array_add_object_element (into, item);
  return item;
}

static void
report_changed (Import *import, const char *type, const char *id, const char *name,
                GPtrArray *fields)
{
  JsonObject *item;
  JsonArray *names;

  if (fields->len == 0)
    return;
  item = report_item (import->changed, type, id, name);
  names = json_array_new ();
  for (guint i = 0; i < fields->len; i++)
    json_array_add_string_element (names, g_ptr_array_index (fields, i));
  json_object_set_array_member (item, "fields", names);
}

static gboolean
applying (Import *import)
{
  return !(import->flags & RB_BUILDING_IMPORT_DRY_RUN);
}

static gboolean
step (Import *import, RbStatement *stmt, GError **error)
{
  return rb_db_step_done (import->db, stmt, error);
}

/* ---- site and buildings ---------------------------------------------------------------- */

static gboolean
import_site (Import *import, RbSite *site, GError **error)
{
  g_autoptr (GPtrArray) fields = g_ptr_array_new ();
  g_autoptr (RbSite) current = NULL;
  g_autoptr (GError) lookup_error = NULL;
  g_autoptr (RbStatement) write = NULL;

  current = rb_store_get_site_sync (import->store, &lookup_error);
  if (current == NULL && !g_error_matches (lookup_error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&lookup_error));
      return FALSE;
    }
  if (current != NULL && !g_str_equal (rb_site_get_id (current), rb_site_get_id (site)))
    {
      g_autofree char *reason = g_strdup_printf (
          /* TRANSLATORS: %s is the id of the site that the database holds. */
          _("must be the id of this database’s site, “%s”"), rb_site_get_id (current));

      rb_set_error (error, RB_ERROR_INVALID_BUILDING, _("%s: %s"), "site.id", reason);
      return FALSE;
    }
  if (current == NULL)
    report_item (import->added, "site", rb_site_get_id (site), rb_site_get_name (site));
  else
    {
      if (!g_str_equal (rb_site_get_name (current), rb_site_get_name (site)))
        g_ptr_array_add (fields, "name");
      if (!g_str_equal (rb_site_get_timezone (current), rb_site_get_timezone (site)))
        g_ptr_array_add (fields, "timezone");
      if (rb_site_get_show_names (current) != rb_site_get_show_names (site))
        g_ptr_array_add (fields, "show_names");
      report_changed (import, "site", rb_site_get_id (site), rb_site_get_name (site), fields);
      if (fields->len == 0)
        return TRUE;
    }
  if (!applying (import))
    return TRUE;
  write = rb_store_prepare (import->store,
                            "INSERT INTO sites (id, name, timezone, show_names) VALUES (?, ?, ?, ?)"
                            " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
                            " timezone = excluded.timezone, show_names = excluded.show_names",
                            error);
  if (write == NULL)
    return FALSE;
  rb_statement_bind_text (write, 1, rb_site_get_id (site));
  rb_statement_bind_text (write, 2, rb_site_get_name (site));
  rb_statement_bind_text (write, 3, rb_site_get_timezone (site));
  rb_statement_bind_int (write, 4, rb_site_get_show_names (site));
  return step (import, write, error);
}

static gboolean
import_buildings (Import *import, GPtrArray *buildings, GError **error)
{
  g_autoptr (GPtrArray) current = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);

  if (!collect (import->store, "SELECT id, site_id, name, address FROM buildings", current,
                building_from_row, error))
    return FALSE;
  for (guint i = 0; i < current->len; i++)
    g_hash_table_insert (by_id, (gpointer) rb_building_get_id (current->pdata[i]),
                         current->pdata[i]);

  for (guint i = 0; i < buildings->len; i++)
    {
      RbBuilding *building = buildings->pdata[i];
      RbBuilding *old = g_hash_table_lookup (by_id, rb_building_get_id (building));
      g_autoptr (GPtrArray) fields = g_ptr_array_new ();
      g_autoptr (RbStatement) write = NULL;

      if (old == NULL)
        report_item (import->added, "building", rb_building_get_id (building),
                     rb_building_get_name (building));
      else
        {
          if (!g_str_equal (rb_building_get_name (old), rb_building_get_name (building)))
            g_ptr_array_add (fields, "name");
          if (!g_str_equal (rb_building_get_address (old), rb_building_get_address (building)))
            g_ptr_array_add (fields, "address");
          report_changed (import, "building", rb_building_get_id (building),
                          rb_building_get_name (building), fields);
          if (fields->len == 0)
            continue;
        }
      if (!applying (import))
        continue;
      write = rb_store_prepare (import->store,
                                "INSERT INTO buildings (id, site_id, name, address)"
                                " VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
                                " name = excluded.name, address = excluded.address",
                                error);
      if (write == NULL)
        return FALSE;
      rb_statement_bind_text (write, 1, rb_building_get_id (building));
      rb_statement_bind_text (write, 2, rb_building_get_site_id (building));
      rb_statement_bind_text (write, 3, rb_building_get_name (building));
      rb_statement_bind_text (write, 4, rb_building_get_address (building));
      if (!step (import, write, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- floors ------------------------------------------------------------------------------ */

/* Rows of floors or spaces with whether each is retired, by id. */
typedef struct
{
  GPtrArray *items;
  GHashTable *by_id;     /* id → item */
  GHashTable *retired;   /* ids of retired rows */
  GHashTable *in_file;   /* ids the file names */
} Current;

static void
current_clear (Current *current)
{
  g_clear_pointer (&current->by_id, g_hash_table_unref);
  g_clear_pointer (&current->retired, g_hash_table_unref);
  g_clear_pointer (&current->in_file, g_hash_table_unref);
  g_clear_pointer (&current->items, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Current, current_clear)

static gboolean
load_current (Import *import, const char *sql, gpointer (*make) (RbStatement *), int retired_column,
              const char *(*get_id) (gpointer), Current *current, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (import->store, sql, error);
  int rc;

  current->items = g_ptr_array_new_with_free_func (g_object_unref);
  current->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  current->retired = g_hash_table_new (g_str_hash, g_str_equal);
  current->in_file = g_hash_table_new (g_str_hash, g_str_equal);
  if (stmt == NULL)
    return FALSE;
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      gpointer item = make (stmt);
      const char *id = get_id (item);

      g_ptr_array_add (current->items, item);
      g_hash_table_insert (current->by_id, (gpointer) id, item);
      if (rb_statement_column_int (stmt, retired_column))
        g_hash_table_add (current->retired, (gpointer) id);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, import->db, rc, "query");
      return FALSE;
    }
  return TRUE;
}

static gboolean
retire (Import *import, const char *table, const char *id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("UPDATE %s SET retired_at = ? WHERE id = ?", table);
  g_autoptr (RbStatement) write = NULL;

  if (!applying (import))
    return TRUE;
  if (!(write = rb_store_prepare (import->store, sql, error)))
    return FALSE;
  rb_statement_bind_int64 (write, 1, import->now);
  rb_statement_bind_text (write, 2, id);
  return step (import, write, error);
}

static gboolean
import_floors (Import *import, GPtrArray *floors, GError **error)
{
  g_auto (Current) current = { 0 };

  if (!load_current (import,
                     "SELECT " FLOOR_COLUMNS ", f.retired_at IS NOT NULL FROM floors f",
                     floor_from_row, 7, (const char *(*) (gpointer)) rb_floor_get_id, &current,
                     error))
    return FALSE;

  for (guint i = 0; i < floors->len; i++)
    {
      RbFloor *floor = floors->pdata[i];
      const char *id = rb_floor_get_id (floor);
      RbFloor *old = g_hash_table_lookup (current.by_id, id);
      g_autoptr (GPtrArray) fields = g_ptr_array_new ();
      g_autoptr (RbStatement) write = NULL;

      g_hash_table_add (current.in_file, (gpointer) id);
      if (old == NULL)
        report_item (import->added, "floor", id, rb_floor_get_name (floor));
      else
        {
          if (g_hash_table_contains (current.retired, id))
            g_ptr_array_add (fields, "in_service");
          if (!g_str_equal (rb_floor_get_building_id (old), rb_floor_get_building_id (floor)))
            g_ptr_array_add (fields, "building_id");
          if (!g_str_equal (rb_floor_get_name (old), rb_floor_get_name (floor)))
            g_ptr_array_add (fields, "name");
          if (rb_floor_get_level (old) != rb_floor_get_level (floor))
            g_ptr_array_add (fields, "level");
          if (rb_floor_get_position (old) != rb_floor_get_position (floor))
            g_ptr_array_add (fields, "position");
          if (rb_floor_get_width (old) != rb_floor_get_width (floor))
            g_ptr_array_add (fields, "width");
          if (rb_floor_get_height (old) != rb_floor_get_height (floor))
            g_ptr_array_add (fields, "height");
          report_changed (import, "floor", id, rb_floor_get_name (floor), fields);
          if (fields->len == 0)
            continue;
        }
      if (!applying (import))
        continue;
      write = rb_store_prepare (
          import->store,
          "INSERT INTO floors (id, building_id, name, level, width, height, position)"
          " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
          " building_id = excluded.building_id, name = excluded.name, level = excluded.level,"
          " width = excluded.width, height = excluded.height, position = excluded.position,"
          " retired_at = NULL",
          error);
      if (write == NULL)
        return FALSE;
      rb_statement_bind_text (write, 1, id);
      rb_statement_bind_text (write, 2, rb_floor_get_building_id (floor));
      rb_statement_bind_text (write, 3, rb_floor_get_name (floor));
      rb_statement_bind_int (write, 4, rb_floor_get_level (floor));
      rb_statement_bind_int (write, 5, rb_floor_get_width (floor));
      rb_statement_bind_int (write, 6, rb_floor_get_height (floor));
      rb_statement_bind_int (write, 7, rb_floor_get_position (floor));
      if (!step (import, write, error))
        return FALSE;
    }

  for (guint i = 0; i < current.items->len; i++)
    {
      RbFloor *old = current.items->pdata[i];
      const char *id = rb_floor_get_id (old);

      if (g_hash_table_contains (current.in_file, id) || g_hash_table_contains (current.retired, id))
        continue;
      report_item (import->retired, "floor", id, rb_floor_get_name (old));
      if (!retire (import, "floors", id, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- spaces ------------------------------------------------------------------------------ */

static gboolean
rects_equal (const RbRect *a, const RbRect *b)
{
  return a->x == b->x && a->y == b->y && a->w == b->w && a->h == b->h;
}

static void
space_fields (RbSpace *old, RbSpace *space, gboolean was_retired, GPtrArray *fields)
{
  if (was_retired)
    g_ptr_array_add (fields, "in_service");
  if (!g_str_equal (rb_space_get_floor_id (old), rb_space_get_floor_id (space)))
    g_ptr_array_add (fields, "floor_id");
  if (rb_space_get_kind (old) != rb_space_get_kind (space))
    g_ptr_array_add (fields, "kind");
  if (!g_str_equal (rb_space_get_name (old), rb_space_get_name (space)))
    g_ptr_array_add (fields, "name");
  if (rb_space_get_capacity (old) != rb_space_get_capacity (space))
    g_ptr_array_add (fields, "capacity");
  if (rb_space_get_amenities (old) != rb_space_get_amenities (space))
    g_ptr_array_add (fields, "amenities");
  if (!rects_equal (rb_space_get_rect (old), rb_space_get_rect (space)))
    g_ptr_array_add (fields, "rect");
  if (rb_space_get_bookable (old) != rb_space_get_bookable (space))
    g_ptr_array_add (fields, "bookable");
}

static gboolean
write_space (Import *import, RbSpace *space, GError **error)
{
  g_autoptr (RbStatement) write = rb_store_prepare (
      import->store,
      "INSERT INTO spaces (id, floor_id, kind, name, capacity, amenities, x, y, w, h, bookable)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET"
      " floor_id = excluded.floor_id, kind = excluded.kind, name = excluded.name,"
      " capacity = excluded.capacity, amenities = excluded.amenities, x = excluded.x,"
      " y = excluded.y, w = excluded.w, h = excluded.h, bookable = excluded.bookable,"
      " retired_at = NULL",
      error);
  const RbRect *r = rb_space_get_rect (space);

  if (write == NULL)
    return FALSE;
  rb_statement_bind_text (write, 1, rb_space_get_id (space));
  rb_statement_bind_text (write, 2, rb_space_get_floor_id (space));
  rb_statement_bind_text (write, 3, rb_space_kind_to_string (rb_space_get_kind (space)));
  rb_statement_bind_text (write, 4, rb_space_get_name (space));
  rb_statement_bind_int (write, 5, rb_space_get_capacity (space));
  rb_statement_bind_int (write, 6, rb_space_get_amenities (space));
  rb_statement_bind_double (write, 7, r->x);
  rb_statement_bind_double (write, 8, r->y);
  rb_statement_bind_double (write, 9, r->w);
  rb_statement_bind_double (write, 10, r->h);
  rb_statement_bind_int (write, 11, rb_space_get_bookable (space));
  return step (import, write, error);
}

/* Cancels (or, in a dry run, counts) the live bookings of a retired space that have not
 * ended yet, each with its own change-feed row and the reason its owner sees. */
static gboolean
cancel_bookings (Import *import, const char *space_id, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  const char *reason = _("The space was taken out of service.");

  {
    g_autoptr (RbStatement) list = rb_store_prepare (
        import->store,
        "SELECT id FROM bookings WHERE space_id = ? AND state IN ('booked', 'checked_in')"
        " AND \"end\" > ? ORDER BY start, id",
        error);
    int rc;

    if (list == NULL)
      return FALSE;
    rb_statement_bind_text (list, 1, space_id);
    rb_statement_bind_int64 (list, 2, import->now);
    while ((rc = rb_statement_step (list)) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup (rb_statement_column_text (list, 0)));
    if (rc != SQLITE_DONE)
      {
        rb_db_set_error (error, import->db, rc, "query");
        return FALSE;
      }
  }
  import->cancelled += ids->len;
  if (!applying (import))
    return TRUE;

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr (RbBooking) booking = rb_store_get_booking_sync (import->store, ids->pdata[i],
                                                                 error);
      g_autoptr (RbStatement) set_reason = NULL;

      if (booking == NULL
          || !rb_store_set_booking_state (import->store, booking, RB_BOOKING_STATE_CANCELLED,
                                          error))
        return FALSE;
      set_reason = rb_store_prepare (import->store,
                                     "UPDATE bookings SET cancel_reason = ? WHERE id = ?", error);
      if (set_reason == NULL)
        return FALSE;
      rb_statement_bind_text (set_reason, 1, reason);
      rb_statement_bind_text (set_reason, 2, ids->pdata[i]);
      if (!step (import, set_reason, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
import_spaces (Import *import, GPtrArray *spaces, GError **error)
{
  g_auto (Current) current = { 0 };

  if (!load_current (import,
                     "SELECT " SPACE_COLUMNS ", s.retired_at IS NOT NULL FROM spaces s",
                     space_from_row, 11, (const char *(*) (gpointer)) rb_space_get_id, &current,
                     error))
    return FALSE;

  for (guint i = 0; i < spaces->len; i++)
    {
      RbSpace *space = spaces->pdata[i];
      const char *id = rb_space_get_id (space);
      RbSpace *old = g_hash_table_lookup (current.by_id, id);
      g_autoptr (GPtrArray) fields = g_ptr_array_new ();

      g_hash_table_add (current.in_file, (gpointer) id);
      if (old == NULL)
        report_item (import->added, "space", id, rb_space_get_name (space));
      else
        {
          space_fields (old, space, g_hash_table_contains (current.retired, id), fields);
          report_changed (import, "space", id, rb_space_get_name (space), fields);
          if (fields->len == 0)
            continue;
        }
      if (applying (import) && !write_space (import, space, error))
        return FALSE;
    }

  for (guint i = 0; i < current.items->len; i++)
    {
      RbSpace *old = current.items->pdata[i];
      const char *id = rb_space_get_id (old);

      if (g_hash_table_contains (current.in_file, id) || g_hash_table_contains (current.retired, id))
        continue;
      report_item (import->retired, "space", id, rb_space_get_name (old));
      if (!(import->flags & RB_BUILDING_IMPORT_MIRROR) && !cancel_bookings (import, id, error))
        return FALSE;
      if (!retire (import, "spaces", id, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- the import ------------------------------------------------------------------------ */

static JsonNode *
make_report (Import *import)
{
  JsonObject *report = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_array_member (report, "new", json_array_ref (import->added));
  json_object_set_array_member (report, "changed", json_array_ref (import->changed));
  json_object_set_array_member (report, "retired", json_array_ref (import->retired));
  json_object_set_int_member (report, "cancelled_bookings", import->cancelled);
  json_object_set_boolean_member (report, "dry_run",
                                  (import->flags & RB_BUILDING_IMPORT_DRY_RUN) != 0);
  json_node_take_object (node, report);
  return node;
}

static JsonNode *
count_live (RbStore *store, GError **error)
{
  gint64 floors = 0, spaces = 0;
  RbDb *db = rb_store_get_db (store);
  JsonObject *o;
  JsonNode *node;

  if (!rb_db_get_int (db, "SELECT count(*) FROM floors WHERE retired_at IS NULL", &floors, error)
      || !rb_db_get_int (db, "SELECT count(*) FROM spaces WHERE retired_at IS NULL", &spaces,
                         error))
    return NULL;
  o = json_object_new ();
  json_object_set_int_member (o, "floors", floors);
  json_object_set_int_member (o, "spaces", spaces);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* Records the import in the audit log (who, and the building's size before and after with
 * what changed) and tells clients through the change feed to read the building again. */
static gboolean
record (Import *import, RbBuildingDocument *document, const char *actor_id, JsonNode *before,
        GError **error)
{
  g_autoptr (JsonNode) after = count_live (import->store, error);
  JsonObject *summary;

  if (after == NULL)
    return FALSE;
  summary = json_node_get_object (after);
  json_object_set_array_member (summary, "new", json_array_ref (import->added));
  json_object_set_array_member (summary, "changed", json_array_ref (import->changed));
  json_object_set_array_member (summary, "retired", json_array_ref (import->retired));
  json_object_set_int_member (summary, "cancelled_bookings", import->cancelled);
  return rb_store_append_audit (import->store, actor_id, "building.import",
                                rb_site_get_id (document->site), before, after, error)
         && rb_store_append_topic_change (import->store, "building", error) != 0;
}

/* Makes the database hold the document's building (see the top of this file), or with
 * RB_BUILDING_IMPORT_DRY_RUN only says what that would change. actor_id is who imports, for
 * the audit log (NULL: the server's command line). The report, or NULL with an error; on
 * any error nothing has changed. */
JsonNode *
rb_building_store_import_sync (RbStore *store, RbBuildingDocument *document,
                               const char *actor_id, RbBuildingImportFlags flags,
                               GError **error)
{
  g_autoptr (JsonArray) added = json_array_new ();
  g_autoptr (JsonArray) changed = json_array_new ();
  g_autoptr (JsonArray) retired = json_array_new ();
  g_autoptr (JsonNode) before = NULL;
  Import import = {
    .store = store,
    .db = rb_store_get_db (store),
    .flags = flags,
    .now = rb_store_now (store),
    .added = added,
    .changed = changed,
    .retired = retired,
  };
  gboolean any;

  g_return_val_if_fail (document != NULL && document->site != NULL, NULL);

  if (!rb_store_begin_write (store, error))
    return NULL;
  if (!(before = count_live (store, error)) || !import_site (&import, document->site, error)
      || !import_buildings (&import, document->buildings, error)
      || !import_floors (&import, document->floors, error)
      || !import_spaces (&import, document->spaces, error))
    goto fail;

  any = json_array_get_length (added) + json_array_get_length (changed)
            + json_array_get_length (retired)
        > 0;
  if (!applying (&import) || !any)
    {
      rb_store_rollback_write (store);
      return make_report (&import);
    }
  if (!(flags & RB_BUILDING_IMPORT_MIRROR)
      && !record (&import, document, actor_id, before, error))
    goto fail;
  if (!rb_store_commit_write (store, error) || !rb_store_reload_site_settings (store, error))
    return NULL;
  return make_report (&import);

fail:
  rb_store_rollback_write (store);
  return NULL;
}
