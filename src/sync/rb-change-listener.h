/* rb-change-listener.h: hears when raumbuch-server's change feed moves, so that a client pulls
 * GET /api/v1/changes at once instead of every 30 s. It listens on the WebSocket of
 * GET /api/v1/changes/stream; where the upgrade is refused (a proxy that drops it, an older
 * server) it long-polls GET /api/v1/changes?limit=0&wait= instead. It never carries bookings:
 * the client pulls them itself.
 *
 * Signals, on the main context the listener was made on:
 *   changed (gint64 next)  the feed's head is `next`: pull with the cursor you have. Once on
 *                          every (re)connect (something may have changed meanwhile) and
 *                          after every change the server tells of.
 *   blocks-changed ()      read GET /api/v1/blocks again: on every (re)connect and when the
 *                          server says that a block was made or lifted; while long-polling,
 *                          which has no such hint, with every answer (at least every
 *                          RB_CHANGE_LISTENER_WAIT_SECONDS).
 * The "connected" property is TRUE while it has a channel that works. A lost one is tried
 * again with the sync engine's backoff and jitter (rb_sync_backoff_delay_ms), WebSocket
 * first, with the RbApiClient's base URL, session token and device token as they are then. */
#pragma once

#include "rb-api-client.h"

G_BEGIN_DECLS

/* How long a long-poll waits at the server: below the 30 s it allows and below the idle
 * timeouts of proxies. */
#define RB_CHANGE_LISTENER_WAIT_SECONDS 25
/* How often the WebSocket pings; a server that answers nothing for three times as long is
 * given up (a cut network closes no connection). */
#define RB_CHANGE_LISTENER_PING_SECONDS 20

#define RB_TYPE_CHANGE_LISTENER (rb_change_listener_get_type ())
G_DECLARE_FINAL_TYPE (RbChangeListener, rb_change_listener, RB, CHANGE_LISTENER, GObject)

RbChangeListener *rb_change_listener_new (RbApiClient *client);

RbApiClient *rb_change_listener_get_client (RbChangeListener *self);
gboolean rb_change_listener_get_connected (RbChangeListener *self);
gboolean rb_change_listener_get_long_polling (RbChangeListener *self);

void rb_change_listener_start (RbChangeListener *self);
void rb_change_listener_stop (RbChangeListener *self);

G_END_DECLS
