/* rb-read-trace.c: the bookings of other people that one answer showed with their names,
 * gathered while the answer is made and written to the audit log before it is sent. */
#include "config.h"

#include "rb-read-trace.h"
#include "rb-store-private.h"

struct _RbReadTrace
{
  char *viewer_id;
  char *via;           /* what was read, e.g. "GET /api/v1/bookings" */
  GHashTable *people;  /* person id → GPtrArray of booking ids, in the order seen */
  GPtrArray *order;    /* person ids, in the order first seen (borrowed from people) */
};

RbReadTrace *
rb_read_trace_new (const char *viewer_id, const char *via)
{
  RbReadTrace *self = g_new0 (RbReadTrace, 1);

  self->viewer_id = g_strdup (viewer_id);
  self->via = g_strdup (via);
  self->people =
      g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  self->order = g_ptr_array_new ();
  return self;
}

void
rb_read_trace_free (RbReadTrace *self)
{
  if (self == NULL)
    return;
  g_ptr_array_unref (self->order);
  g_hash_table_unref (self->people);
  g_free (self->via);
  g_free (self->viewer_id);
  g_free (self);
}

/* Notes a booking that the viewer is shown with its person; their own are no trace. */
void
rb_read_trace_add (RbReadTrace *self, RbBooking *booking)
{
  const char *person_id = rb_booking_get_person_id (booking);
  GPtrArray *bookings;

  if (person_id == NULL || g_strcmp0 (person_id, self->viewer_id) == 0)
    return;
  bookings = g_hash_table_lookup (self->people, person_id);
  if (bookings == NULL)
    {
      char *key = g_strdup (person_id);

      bookings = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (self->people, key, bookings);
      g_ptr_array_add (self->order, key);
    }
  g_ptr_array_add (bookings, g_strdup (rb_booking_get_id (booking)));
}

static JsonNode *
entry_after (RbReadTrace *self, GPtrArray *bookings)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "via");
  json_builder_add_string_value (builder, self->via);
  json_builder_set_member_name (builder, "bookings");
  json_builder_begin_array (builder);
  for (guint i = 0; i < bookings->len; i++)
    json_builder_add_string_value (builder, g_ptr_array_index (bookings, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static gboolean
write_entries (RbReadTrace *self, RbStore *store, GError **error)
{
  for (guint i = 0; i < self->order->len; i++)
    {
      const char *person_id = g_ptr_array_index (self->order, i);
      g_autoptr (JsonNode) after =
          entry_after (self, g_hash_table_lookup (self->people, person_id));

      if (!rb_store_append_audit (store, self->viewer_id, "personal_data.read", person_id, NULL,
                                  after, error))
        return FALSE;
    }
  return TRUE;
}

/* Writes what was gathered in one transaction and starts again empty. */
gboolean
rb_read_trace_write_sync (RbReadTrace *self, RbStore *store, GError **error)
{
  if (self->order->len == 0)
    return TRUE;
  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!write_entries (self, store, error))
    {
      rb_store_rollback_write (store);
      return FALSE;
    }
  if (!rb_store_commit_write (store, error))
    return FALSE;
  g_ptr_array_set_size (self->order, 0);
  g_hash_table_remove_all (self->people);
  return TRUE;
}
