/* rb-pg.h: the PostgreSQL engine's connection (libpq): every failure becomes a GError in
 * RB_STORE_ERROR, as rb-db.h does for SQLite. Engine-specific SQL lives in rb-pg-*.c, the
 * SQLite engine's in rb-schema.c and the store's modules (see HACKING.md). */
#pragma once

#include <gio/gio.h>
#include <libpq-fe.h>

#include "rb-db.h"

G_BEGIN_DECLS

/* Whether text names a PostgreSQL database (a postgresql:// or postgres:// URI) rather than
 * a SQLite file. */
gboolean rb_pg_is_conninfo (const char *text);

/* Connects with a libpq connection string; NULL and RB_STORE_ERROR_FAILED with libpq's own
 * words (without any password of the string) if the database cannot be reached. */
PGconn *rb_pg_connect (const char *conninfo, GError **error);

/* The channel that a commit which appended change rows notifies, at its commit: once for
 * each statement that appended some, the payload the highest sequence number it appended
 * (schema 17). */
#define RB_PG_CHANGES_CHANNEL "raumbuch_changes"
/* The channel that a commit which appended a topic's change row (the policy, the building:
 * rb_store_append_topic_change) notifies, once, with an empty payload. */
#define RB_PG_SETTINGS_CHANNEL "raumbuch_settings"
/* The channel that a commit which made or lifted a block notifies, likewise. */
#define RB_PG_BLOCKS_CHANNEL "raumbuch_blocks"

/* Begins a write transaction: BEGIN and the database's one writer lock, which every server
 * takes. Writers take turns as SQLite's BEGIN IMMEDIATE makes them, and so the change feed's
 * sequence numbers become visible in their order: a number is drawn under the lock and the
 * lock is let go only after the commit is visible, so no reader can see a number before a
 * smaller one that commits later. */
gboolean rb_pg_begin_write (PGconn *conn, GError **error);

/* Sets what every session of ours expects (UTC, UTF-8, no notices); rb_pg_connect does it,
 * and a connection made again (PQreset) needs it again. */
gboolean rb_pg_set_up_session (PGconn *conn, GError **error);

/* Runs sql (one or several statements, no parameters); FALSE with the server's message. */
gboolean rb_pg_exec (PGconn *conn, const char *sql, GError **error);
/* Runs a one-value query (a count, a version) with up to n_params text parameters. */
gboolean rb_pg_get_int (PGconn *conn, const char *sql, int n_params, const char *const *params,
                        gint64 *out_value, GError **error);
/* Sets error from a failed result: the server's primary message, its SQLSTATE and the
 * constraint it names, as "what: message (constraint)". */
void rb_pg_set_error (GError **error, PGconn *conn, const PGresult *result, const char *what);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGconn, PQfinish)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

G_END_DECLS
