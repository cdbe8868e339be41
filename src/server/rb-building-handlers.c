/* rb-building-handlers.c: GET /sites, /buildings, /floors and /spaces. Spaces come with their
 * live state at the server's "now" (free/busy and until when, from rb-availability.c, with
 * maintenance blocks counted as busy), and with free_from/free_to only those free for that
 * whole interval. None of this names who booked. */
#include "config.h"

#include "rb-handlers.h"

/* A free/busy filter wider than this is refused: it would scan too much for one answer. */
#define MAX_FILTER_SECONDS (31 * 24 * 60 * 60)

typedef struct
{
  char *building_id;
  char *floor_id;
  gboolean has_kind;
  RbSpaceKind kind;
  RbAmenities amenities;
  gboolean has_free;
  RbInterval free;
} SpaceFilter;

static void
space_filter_free (SpaceFilter *filter)
{
  g_free (filter->building_id);
  g_free (filter->floor_id);
  g_free (filter);
}

static gboolean
list_sites_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (RbSite) site = rb_store_get_site_sync (store, error);
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (site == NULL)
    return FALSE;
  g_ptr_array_add (nodes, rb_json_from_site (site));
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

void
rb_handle_list_sites (RbRequest *req)
{
  rb_request_run (req, list_sites_job, NULL);
}

static gboolean
list_buildings_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (GPtrArray) buildings = rb_store_list_buildings_sync (store, error);
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (buildings == NULL)
    return FALSE;
  for (guint i = 0; i < buildings->len; i++)
    g_ptr_array_add (nodes, rb_json_from_building (g_ptr_array_index (buildings, i)));
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

void
rb_handle_list_buildings (RbRequest *req)
{
  rb_request_run (req, list_buildings_job, NULL);
}

static gboolean
list_floors_job (RbRequest *req, RbStore *store, GError **error)
{
  SpaceFilter *filter = rb_request_get_data (req);
  g_autoptr (GPtrArray) floors = rb_store_list_floors_sync (store, error);
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (floors == NULL)
    return FALSE;
  for (guint i = 0; i < floors->len; i++)
    {
      RbFloor *floor = g_ptr_array_index (floors, i);

      if (filter->building_id == NULL
          || g_strcmp0 (rb_floor_get_building_id (floor), filter->building_id) == 0)
        g_ptr_array_add (nodes, rb_json_from_floor (floor));
    }
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

void
rb_handle_list_floors (RbRequest *req)
{
  SpaceFilter *filter = g_new0 (SpaceFilter, 1);

  filter->building_id = g_strdup (rb_request_get_query (req, "building"));
  rb_request_set_data (req, filter, (GDestroyNotify) space_filter_free);
  rb_request_run (req, list_floors_job, NULL);
}

static void
set_time_or_null (JsonObject *o, const char *name, gint64 instant)
{
  if (instant != 0)
    {
      g_autofree char *text = rb_time_to_rfc3339 (instant);
      json_object_set_string_member (o, name, text);
    }
  else
    json_object_set_null_member (o, name);
}

static gboolean
floor_exists (RbStore *store, const char *floor_id, GError **error)
{
  g_autoptr (GPtrArray) floors = rb_store_list_floors_sync (store, error);

  if (floors == NULL)
    return FALSE;
  for (guint i = 0; i < floors->len; i++)
    if (g_strcmp0 (rb_floor_get_id (g_ptr_array_index (floors, i)), floor_id) == 0)
      return TRUE;
  rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
  return FALSE;
}

static gboolean
list_spaces_job (RbRequest *req, RbStore *store, GError **error)
{
  SpaceFilter *filter = rb_request_get_data (req);
  gint64 now = rb_store_now (store);
  RbInterval today = rb_local_day (rb_store_get_time_zone (store), now);
  RbInterval range = rb_interval_make (now, today.end);
  g_autoptr (GPtrArray) spaces = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (GPtrArray) blocks = NULL;
  g_autoptr (GPtrArray) block_bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) by_space = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                           (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  RbBookingQuery query = { 0 };

  if (filter->floor_id != NULL && !floor_exists (store, filter->floor_id, error))
    return FALSE;
  if (filter->has_free)
    range = rb_interval_make (MIN (range.start, filter->free.start),
                              MAX (range.end, filter->free.end));

  query.floor_id = filter->floor_id;
  query.range = range;
  query.active_only = TRUE;
  if (!(spaces = rb_store_list_spaces_sync (store, filter->floor_id, error))
      || !(bookings = rb_store_list_bookings_sync (store, &query, error))
      || !(blocks = rb_store_list_blocks_sync (store, filter->floor_id, NULL, range, error)))
    return FALSE;

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      GPtrArray *list = g_hash_table_lookup (by_space, rb_booking_get_space_id (booking));

      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_space, (gpointer) rb_booking_get_space_id (booking), list);
        }
      g_ptr_array_add (list, booking);
    }
  /* A maintenance block makes a space busy just like a booking does. */
  for (guint i = 0; i < blocks->len; i++)
    {
      RbSpaceBlock *block = g_ptr_array_index (blocks, i);
      RbBooking *stand_in = rb_booking_new ("block", block->space_id, NULL, block->interval);
      GPtrArray *list;

      g_ptr_array_add (block_bookings, stand_in);
      list = g_hash_table_lookup (by_space, rb_booking_get_space_id (stand_in));
      if (list == NULL)
        {
          list = g_ptr_array_new ();
          g_hash_table_insert (by_space, (gpointer) rb_booking_get_space_id (stand_in), list);
        }
      g_ptr_array_add (list, stand_in);
    }

  for (guint i = 0; i < spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (spaces, i);
      g_autoptr (GPtrArray) none = g_ptr_array_new ();
      GPtrArray *list = g_hash_table_lookup (by_space, rb_space_get_id (space));
      RbAvailability availability;
      JsonNode *node;
      JsonObject *o;

      if (list == NULL)
        list = none;
      if ((filter->has_kind && rb_space_get_kind (space) != filter->kind)
          || !rb_space_has_amenities (space, filter->amenities)
          || (filter->has_free && rb_availability_find_clash (list, filter->free, NULL)))
        continue;

      availability = rb_availability_at (list, now, today.end);
      node = rb_json_from_space (space);
      o = json_node_get_object (node);
      json_object_set_string_member (o, "state", availability.busy ? "busy" : "free");
      set_time_or_null (o, "busy_until", availability.busy ? availability.until : 0);
      set_time_or_null (o, "free_until", availability.busy ? 0 : availability.until);
      g_ptr_array_add (nodes, node);
    }
  rb_request_take_body (req, rb_request_items (nodes));
  return TRUE;
}

void
rb_handle_list_spaces (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  SpaceFilter *filter = g_new0 (SpaceFilter, 1);
  const char *kind = rb_request_get_query (req, "kind");
  const char *amenity = rb_request_get_query (req, "amenity");
  gboolean has_from = FALSE, has_to = FALSE;

  rb_request_set_data (req, filter, (GDestroyNotify) space_filter_free);
  filter->floor_id = g_strdup (rb_request_get_query (req, "floor"));
  if (kind != NULL)
    {
      filter->has_kind = TRUE;
      if (!rb_space_kind_from_string (kind, &filter->kind))
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(kind)");
    }
  /* Several amenities, comma-separated, must all be there. */
  if (error == NULL && amenity != NULL)
    {
      g_auto (GStrv) names = g_strsplit (amenity, ",", 16);

      for (guint i = 0; names[i] != NULL && error == NULL; i++)
        {
          RbAmenities one;

          if (!rb_amenity_from_string (g_strstrip (names[i]), &one))
            rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(amenity)");
          else
            filter->amenities |= one;
        }
    }
  if (error == NULL
      && rb_request_get_time_query (req, "free_from", &filter->free.start, &has_from, &error)
      && rb_request_get_time_query (req, "free_to", &filter->free.end, &has_to, &error))
    {
      if (has_from != has_to)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(%s)", has_from ? "free_to" : "free_from");
      else if (has_from && !rb_interval_is_valid (filter->free))
        rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
      else if (has_from && rb_interval_duration (filter->free) > MAX_FILTER_SECONDS)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(free_to)");
      filter->has_free = has_from;
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, list_spaces_job, NULL);
}
