/* rb-db.h: a thin typed layer over sqlite3: every failure becomes a GError in
 * RB_STORE_ERROR, and statements are always prepared. */
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

void rb_db_set_error (GError **error, sqlite3 *db, int rc, const char *what);
gboolean rb_db_exec (sqlite3 *db, const char *sql, GError **error);
sqlite3_stmt *rb_db_prepare (sqlite3 *db, const char *sql, GError **error);
gboolean rb_db_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error);
gboolean rb_db_begin_immediate (sqlite3 *db, GError **error);
gboolean rb_db_commit (sqlite3 *db, GError **error);
void rb_db_rollback (sqlite3 *db);
gboolean rb_db_get_int (sqlite3 *db, const char *sql, gint64 *out_value, GError **error);

const char *rb_db_column_text (sqlite3_stmt *stmt, int column);
void rb_db_bind_text (sqlite3_stmt *stmt, int index, const char *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

/* A statement lent by an RbStatementCache: it stays prepared in the cache, and releasing it
 * (g_autoptr) only resets it and clears its bindings, which also ends its read of the file. */
typedef sqlite3_stmt RbStatement;
typedef struct _RbStatementCache RbStatementCache;

RbStatementCache *rb_statement_cache_new (sqlite3 *db);
void rb_statement_cache_free (RbStatementCache *cache);
RbStatement *rb_statement_cache_prepare (RbStatementCache *cache, const char *sql, GError **error);
void rb_statement_release (RbStatement *stmt);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbStatement, rb_statement_release)

G_END_DECLS
