/* rb-pg-schema.h: the PostgreSQL engine's schema, versioned like rb-schema.h's. */
#pragma once

#include "rb-pg.h"

G_BEGIN_DECLS

int rb_pg_schema_latest_version (void);
/* The version the database holds (0: none yet). */
gboolean rb_pg_schema_get_version (PGconn *conn, gint64 *out_version, GError **error);
/* Brings the database to the latest schema; refuses one written by a newer version
 * (RB_STORE_ERROR_NEWER_SCHEMA) and leaves it unchanged. Safe when several servers start at
 * once: they take turns. */
gboolean rb_pg_schema_migrate (PGconn *conn, GError **error);

G_END_DECLS
