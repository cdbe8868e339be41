/* rb-pg-listener.h: hears, for a server on PostgreSQL, of every change that any server on the
 * same database commits (LISTEN raumbuch_changes and raumbuch_blocks), so that each server's
 * push clients learn of the others' bookings at once. */
#pragma once

#include <glib.h>

#include "rb-db.h"

G_BEGIN_DECLS

typedef enum
{
  RB_PG_LISTENER_BLOCKS = 1 << 0,   /* a block was made or lifted */
  RB_PG_LISTENER_SETTINGS = 1 << 1, /* the policy or the building changed (a topic row) */
} RbPgListenerNews;

/* head: the feed's head (highest sequence number + 1) after the commit; news: what else
 * changed. Called on the main context that was the thread default when the listener was
 * made. */
typedef void (*RbPgListenerFunc) (gint64 head, RbPgListenerNews news, gpointer user_data);

typedef struct _RbPgListener RbPgListener;

/* Listens on a connection of its own, on a thread of its own, which connects again (every
 * second) whenever the connection is lost, as after a failover; after a reconnection it
 * reports the head once, since notifications sent meanwhile are lost. Blocks made or lifted
 * through own_db, the server's own connection (rb-pg-db.h), are not reported: the server
 * told its clients of them already. */
RbPgListener *rb_pg_listener_new (const char *conninfo, RbDb *own_db, RbPgListenerFunc func,
                                  gpointer user_data);
/* Stops the thread (within a quarter of a second) and frees the listener; func is not
 * called afterwards. */
void rb_pg_listener_free (RbPgListener *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbPgListener, rb_pg_listener_free)

G_END_DECLS
