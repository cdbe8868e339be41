/* rb-pg-copy.h: moving a server's SQLite database to PostgreSQL (raumbuch-server --copy-to). */
#pragma once

#include "rb-pg.h"
#include "rb-store.h"

G_BEGIN_DECLS

/* Copies everything a server's database holds (the building, people, policy, every booking
 * with its history, the change feed, sessions, devices, badges, the server's keys and the
 * audit log) from store into the PostgreSQL database at conninfo, which is first brought to
 * the latest schema and must hold no Raumbuch data yet. One transaction on each side: either
 * everything arrives, checked row count by row count, or nothing does. The identity
 * sequences continue after the highest number SQLite ever gave, so a client's feed cursor
 * stays valid. Refuses a client's mirror (it has a sync queue and a cursor of its own).
 * Returns what was copied, as lines of text for the administrator. Run it on the store's
 * thread, or on a store that serves nothing else (the command line). */
char *rb_pg_copy_store_sync (RbStore *store, const char *conninfo, GError **error);

G_END_DECLS
