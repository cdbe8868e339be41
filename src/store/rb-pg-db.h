/* rb-pg-db.h: the PostgreSQL engine of rb-db.h. */
#pragma once

#include "rb-db.h"

G_BEGIN_DECLS

/* Connects with a libpq connection string and brings the database to the latest schema
 * (rb-pg-schema.c): the connection of a store that serves from PostgreSQL
 * (rb_store_open_with_async). */
RbDb *rb_pg_db_open (const char *conninfo, GError **error);

/* The process id of the PostgreSQL backend that serves db (0 if it is not connected), as
 * notifications name their sender; any thread may ask. */
int rb_pg_db_get_backend_pid (RbDb *db);

/* Translates SQL written for both engines (?N and ? parameters) into PostgreSQL's ($N),
 * leaving literals and quoted names alone; n_params gets the highest parameter number. */
char *rb_pg_db_translate (const char *sql, int *n_params);

G_END_DECLS
