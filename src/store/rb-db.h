/* rb-db.h: the store's one interface to its database, with two engines below it: SQLite
 * (rb-db.c, the embedded default) and PostgreSQL (rb-pg-db.c, in the server's rb-store-pg
 * library). Every failure becomes a GError in RB_STORE_ERROR, and statements are always
 * prepared.
 *
 * The store's modules write their SQL once for both engines, in the dialect both understand
 * (HACKING.md lists its few rules: "end" quoted, integer flags compared with 0, ?N
 * parameters). They speak SQLite's result codes (SQLITE_ROW, SQLITE_DONE, SQLITE_CONSTRAINT,
 * SQLITE_BUSY, …) and column types (SQLITE_NULL, …), to which the PostgreSQL engine
 * translates its own. */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define RB_STORE_ERROR (rb_store_error_quark ())

typedef enum
{
  RB_STORE_ERROR_FAILED,
  RB_STORE_ERROR_NEWER_SCHEMA,
  RB_STORE_ERROR_CORRUPT,
  RB_STORE_ERROR_BUSY,
} RbStoreErrorCode;

GQuark rb_store_error_quark (void);

/* One connection to a database, of either engine. Used by one thread at a time. */
typedef struct _RbDb RbDb;
/* A prepared statement of a connection. */
typedef struct _RbStatement RbStatement;
/* What an engine does; see rb-db-engine.h. */
typedef struct _RbDbEngine RbDbEngine;

/* The SQLite engine: opens (or creates) the file at path, read-write. */
RbDb *rb_db_open_sqlite (const char *path, GError **error);
void rb_db_close (RbDb *db);
/* The SQLite connection, or NULL on another engine: for what only SQLite has (PRAGMAs,
 * its migrations) and for tests that look into a file. */
sqlite3 *rb_db_get_sqlite (RbDb *db);
gboolean rb_db_is_sqlite (RbDb *db);

void rb_db_set_error (GError **error, RbDb *db, int rc, const char *what);
/* The engine's message of the last failure. */
const char *rb_db_errmsg (RbDb *db);
gboolean rb_db_exec (RbDb *db, const char *sql, GError **error);
/* Runs sql, one statement that answers no rows and whose success nobody waits for (a
 * SAVEPOINT, a RELEASE), no later than the connection's next statement: on PostgreSQL it is
 * sent with that one (in its round trip if it is prepared, just before it if it is
 * rb_db_exec's), and a failure of it is that statement's; on SQLite at once. A ROLLBACK of
 * the whole transaction drops it. */
gboolean rb_db_exec_deferred (RbDb *db, const char *sql, GError **error);
/* A statement of its own (not from the cache), freed by g_autoptr (RbStatement). */
RbStatement *rb_db_prepare (RbDb *db, const char *sql, GError **error);
gboolean rb_db_step_done (RbDb *db, RbStatement *stmt, GError **error);
/* rb_db_step_done for a statement whose success nobody waits for, deferred as
 * rb_db_exec_deferred: its parameters are copied, and it may be released at once. */
gboolean rb_db_step_deferred (RbDb *db, RbStatement *stmt, GError **error);
/* Begins a write transaction that no other writer interleaves with: BEGIN IMMEDIATE on
 * SQLite, the database's writer lock on PostgreSQL (rb_pg_begin_write says why). */
gboolean rb_db_begin_write (RbDb *db, GError **error);
gboolean rb_db_commit (RbDb *db, GError **error);
void rb_db_rollback (RbDb *db);
gboolean rb_db_in_transaction (RbDb *db);
/* Whether a failed statement ended what the transaction did so far, as on PostgreSQL, where
 * it can only be rolled back; never on SQLite, where a failed statement undoes only itself. */
gboolean rb_db_transaction_failed (RbDb *db);
gboolean rb_db_get_int (RbDb *db, const char *sql, gint64 *out_value, GError **error);
/* The version of the schema the database holds; both engines number their migrations
 * alike. */
gboolean rb_db_get_schema_version (RbDb *db, gint64 *out_version, GError **error);
/* Rows written by the last INSERT, UPDATE or DELETE. */
int rb_db_changes (RbDb *db);
/* The id (or seq) that the last INSERT into a table with an automatic one gave. */
gint64 rb_db_last_insert_id (RbDb *db);

/* Statements, as SQLite's API has them (1-based parameters, 0-based columns). */
int rb_statement_step (RbStatement *stmt);
void rb_statement_reset (RbStatement *stmt);
void rb_statement_clear_bindings (RbStatement *stmt);
void rb_statement_bind_int64 (RbStatement *stmt, int index, gint64 value);
void rb_statement_bind_int (RbStatement *stmt, int index, int value);
void rb_statement_bind_double (RbStatement *stmt, int index, double value);
/* NULL binds NULL. The text is copied. */
void rb_statement_bind_text (RbStatement *stmt, int index, const char *text);
void rb_statement_bind_null (RbStatement *stmt, int index);
/* The bytes are copied. */
void rb_statement_bind_blob (RbStatement *stmt, int index, gconstpointer data, gsize size);
/* SQLITE_NULL, SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT or SQLITE_BLOB */
int rb_statement_column_type (RbStatement *stmt, int column);
gint64 rb_statement_column_int64 (RbStatement *stmt, int column);
int rb_statement_column_int (RbStatement *stmt, int column);
double rb_statement_column_double (RbStatement *stmt, int column);
/* NULL for NULL; valid until the next step or reset. */
const char *rb_statement_column_text (RbStatement *stmt, int column);
gconstpointer rb_statement_column_blob (RbStatement *stmt, int column);
int rb_statement_column_bytes (RbStatement *stmt, int column);
const char *rb_statement_column_name (RbStatement *stmt, int column);

/* A statement lent by an RbStatementCache stays prepared in the cache, and releasing it
 * (g_autoptr) only resets it and clears its bindings, which also ends its read; one of
 * rb_db_prepare is freed. */
typedef struct _RbStatementCache RbStatementCache;

RbStatementCache *rb_statement_cache_new (RbDb *db);
void rb_statement_cache_free (RbStatementCache *cache);
RbStatement *rb_statement_cache_prepare (RbStatementCache *cache, const char *sql, GError **error);
void rb_statement_release (RbStatement *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbStatement, rb_statement_release)
/* For SQLite-only code that prepares on rb_db_get_sqlite's connection (tests, tools). */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

G_END_DECLS
