/* rb-feed.h: the change feed that sync clients pull (GET /api/v1/changes), its head for
 * clients that only listen, and the blocks that clients read beside it (GET /api/v1/blocks). */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

#define RB_FEED_DEFAULT_LIMIT 100
#define RB_FEED_MAX_LIMIT 1000

/* One entry of the feed, at the sequence number of its latest change: a booking in its latest
 * state, a booking deleted (its id only: rb-retention.c), or a topic that clients read again
 * ("building", "policy"). */
typedef struct
{
  gint64 seq;
  RbBooking *booking;
  char *deleted_id;
  char *topic;
} RbFeedEntry;

void rb_feed_entry_free (RbFeedEntry *entry);

GPtrArray *rb_feed_list_sync (RbStore *store, gint64 since, int limit, gint64 retention,
                              gint64 *out_next, GError **error);
gint64 rb_feed_get_head_sync (RbStore *store, GError **error);

G_END_DECLS
