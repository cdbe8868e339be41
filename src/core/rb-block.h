/* rb-block.h: a maintenance block — a period in which a space cannot be booked, with the
 * facility manager's reason — and what making one did. */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-interval.h"
#include "rb-types.h"

G_BEGIN_DECLS

#define RB_BLOCK_MAX_REASON 200

typedef struct
{
  gint64 id;
  char *space_id;
  RbInterval interval;
  char *reason;
} RbSpaceBlock;

/* A block just made, and the bookings it cancelled (RbBooking). */
typedef struct
{
  gint64 block_id;
  GPtrArray *cancelled;
} RbBlockResult;

void rb_space_block_free (RbSpaceBlock *block);
void rb_block_result_free (RbBlockResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbSpaceBlock, rb_space_block_free)

gboolean rb_blocks_may_manage (RbRole role);

JsonNode *rb_space_block_to_json (RbSpaceBlock *block);
RbSpaceBlock *rb_space_block_from_json (JsonNode *node, GError **error);
const RbSpaceBlock *rb_space_block_find (GPtrArray *blocks, const char *space_id,
                                         gint64 instant);
gint64 rb_space_block_next_start (GPtrArray *blocks, const char *space_id, gint64 after);

G_END_DECLS
