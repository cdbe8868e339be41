/* rb-db.c: GError-reporting helpers around sqlite3 prepared statements and transactions. */
#include "config.h"

#include "rb-db.h"

G_DEFINE_QUARK (rb-store-error-quark, rb_store_error)

void
rb_db_set_error (GError **error, sqlite3 *db, int rc, const char *what)
{
  int primary = rc & 0xff;
  RbStoreErrorCode code = RB_STORE_ERROR_FAILED;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    code = RB_STORE_ERROR_CORRUPT;
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    code = RB_STORE_ERROR_BUSY;
  g_set_error (error, RB_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
}

gboolean
rb_db_exec (sqlite3 *db, const char *sql, GError **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (db, sql, NULL, NULL, &message);

  if (rc != SQLITE_OK)
    {
      int primary = rc & 0xff;
      g_set_error (error, RB_STORE_ERROR,
                   primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB ? RB_STORE_ERROR_CORRUPT
                   : primary == SQLITE_BUSY ? RB_STORE_ERROR_BUSY
                                            : RB_STORE_ERROR_FAILED,
                   "%s", message ? message : sqlite3_errstr (rc));
      sqlite3_free (message);
      return FALSE;
    }
  return TRUE;
}

sqlite3_stmt *
rb_db_prepare (sqlite3 *db, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      rb_db_set_error (error, db, rc, "prepare");
      return NULL;
    }
  return stmt;
}

/* ---- the statement cache -------------------------------------------------------------- */

/* Parsing and planning a statement costs more than running one of the store's small
 * queries, so each SQL text is prepared once per connection. Only for a fixed set of SQL
 * texts: every distinct text stays prepared until the connection closes. */
struct _RbStatementCache
{
  sqlite3 *db;
  GHashTable *statements; /* SQL text (owned) → sqlite3_stmt (finalized on removal) */
};

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

RbStatementCache *
rb_statement_cache_new (sqlite3 *db)
{
  RbStatementCache *cache = g_new0 (RbStatementCache, 1);

  cache->db = db;
  cache->statements = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, finalize_statement);
  return cache;
}

/* Before the connection is closed: a connection with statements left does not close. */
void
rb_statement_cache_free (RbStatementCache *cache)
{
  if (cache == NULL)
    return;
  g_hash_table_destroy (cache->statements);
  g_free (cache);
}

RbStatement *
rb_statement_cache_prepare (RbStatementCache *cache, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = g_hash_table_lookup (cache->statements, sql);
  int rc;

  if (stmt != NULL)
    {
      /* Lending a statement that is still stepping would silently restart its reader. */
      if (sqlite3_stmt_busy (stmt))
        {
          g_critical ("statement still in use: %s", sql);
          g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "statement still in use: %s",
                       sql);
          return NULL;
        }
      return stmt;
    }
  rc = sqlite3_prepare_v3 (cache->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      rb_db_set_error (error, cache->db, rc, "prepare");
      return NULL;
    }
  g_hash_table_insert (cache->statements, g_strdup (sql), stmt);
  return stmt;
}

void
rb_statement_release (RbStatement *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

/* Runs a statement that returns no rows. */
gboolean
rb_db_step_done (sqlite3 *db, sqlite3_stmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "step");
      return FALSE;
    }
  return TRUE;
}

/* IMMEDIATE takes the write lock up front, so the checks that follow and the write that
 * depends on them cannot interleave with another writer (DESIGN.md, invariant 1). */
gboolean
rb_db_begin_immediate (sqlite3 *db, GError **error)
{
  return rb_db_exec (db, "BEGIN IMMEDIATE", error);
}

gboolean
rb_db_commit (sqlite3 *db, GError **error)
{
  if (!rb_db_exec (db, "COMMIT", error))
    {
      rb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
rb_db_rollback (sqlite3 *db)
{
  if (!sqlite3_get_autocommit (db))
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
rb_db_get_int (sqlite3 *db, const char *sql, gint64 *out_value, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = rb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  *out_value = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

const char *
rb_db_column_text (sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

void
rb_db_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}
