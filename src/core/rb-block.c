/* rb-block.c: maintenance blocks as JSON ({"id", "space_id", "start", "end", "reason"}; the
 * id is a string on the wire, like every id of the API). */
#include "config.h"

#include "rb-block.h"
#include "rb-error.h"
#include "rb-json.h"
#include "rb-time.h"

void
rb_space_block_free (RbSpaceBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->space_id);
  g_free (block->reason);
  g_free (block);
}

void
rb_block_result_free (RbBlockResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->cancelled, g_ptr_array_unref);
  g_free (result);
}

/* Blocks are for facility managers and admins. */
gboolean
rb_blocks_may_manage (RbRole role)
{
  return role == RB_ROLE_FACILITY_MANAGER || role == RB_ROLE_ADMIN;
}

JsonNode *
rb_space_block_to_json (RbSpaceBlock *block)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, block->id);
  g_autofree char *start = rb_time_to_rfc3339 (block->interval.start);
  g_autofree char *end = rb_time_to_rfc3339 (block->interval.end);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "space_id");
  json_builder_add_string_value (builder, block->space_id);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, start);
  json_builder_set_member_name (builder, "end");
  json_builder_add_string_value (builder, end);
  json_builder_set_member_name (builder, "reason");
  json_builder_add_string_value (builder, block->reason != NULL ? block->reason : "");
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RbSpaceBlock *
rb_space_block_from_json (JsonNode *node, GError **error)
{
  g_autoptr (RbSpaceBlock) block = g_new0 (RbSpaceBlock, 1);
  JsonObject *o = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node)
                                                                 : NULL;
  const char *id, *space_id, *reason;
  char *end = NULL;

  if (o == NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, NULL);
      return NULL;
    }
  if ((id = rb_json_get_string (o, "id", TRUE, error)) == NULL
      || (space_id = rb_json_get_string (o, "space_id", TRUE, error)) == NULL
      || !rb_json_get_time (o, "start", &block->interval.start, error)
      || !rb_json_get_time (o, "end", &block->interval.end, error))
    return NULL;
  block->id = g_ascii_strtoll (id, &end, 10);
  if (end == id || *end != '\0' || block->id <= 0)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(id)");
      return NULL;
    }
  reason = rb_json_get_string (o, "reason", FALSE, NULL);
  block->space_id = g_strdup (space_id);
  block->reason = g_strdup (reason != NULL ? reason : "");
  return g_steal_pointer (&block);
}

/* The block of space_id that covers instant, or NULL. */
const RbSpaceBlock *
rb_space_block_find (GPtrArray *blocks, const char *space_id, gint64 instant)
{
  for (guint i = 0; blocks != NULL && i < blocks->len; i++)
    {
      const RbSpaceBlock *block = g_ptr_array_index (blocks, i);

      if (g_str_equal (block->space_id, space_id) && rb_interval_contains (block->interval, instant))
        return block;
    }
  return NULL;
}

/* When the first of the space's blocks that begin after AFTER begins; 0 when none does. */
gint64
rb_space_block_next_start (GPtrArray *blocks, const char *space_id, gint64 after)
{
  gint64 first = 0;

  for (guint i = 0; blocks != NULL && i < blocks->len; i++)
    {
      const RbSpaceBlock *block = g_ptr_array_index (blocks, i);
      gint64 start = block->interval.start;

      if (g_str_equal (block->space_id, space_id) && start > after && (first == 0 || start < first))
        first = start;
    }
  return first;
}
