/* rb-change-hub.h: the push side of the change feed. The hub knows the feed's head (the store
 * tells it after every commit that appended change rows), sends it to every open WebSocket of
 * GET /api/v1/changes/stream, wakes the long-polls of GET /api/v1/changes?wait= that wait for
 * it, and tells the WebSockets when blocks were made or lifted. It never carries bookings:
 * clients pull those from the feed, which anonymises them for kiosks in one place. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Pings keep an idle WebSocket open through proxies (nginx drops a silent one after 60 s). */
#define RB_CHANGE_HUB_KEEPALIVE_SECONDS 25

#define RB_TYPE_CHANGE_HUB (rb_change_hub_get_type ())
G_DECLARE_FINAL_TYPE (RbChangeHub, rb_change_hub, RB, CHANGE_HUB, GObject)

RbChangeHub *rb_change_hub_new (void);

gint64 rb_change_hub_get_head (RbChangeHub *self);
guint rb_change_hub_get_n_streams (RbChangeHub *self);

void rb_change_hub_feed_advanced (RbChangeHub *self, gint64 head);
void rb_change_hub_blocks_changed (RbChangeHub *self);

void rb_change_hub_add_stream (RbChangeHub *self, SoupWebsocketConnection *connection, gint64 head);

void rb_change_hub_wait_async (RbChangeHub *self, gint64 since, guint seconds,
                               GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_change_hub_wait_finish (RbChangeHub *self, GAsyncResult *result);

void rb_change_hub_close (RbChangeHub *self);

G_END_DECLS
