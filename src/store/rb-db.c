/* rb-db.c: the engine-neutral calls of rb-db.h, the statement cache, and the SQLite engine. */
#include "config.h"

#include "rb-db-engine.h"

G_DEFINE_QUARK (rb-store-error-quark, rb_store_error)

/* ---- engine-neutral ------------------------------------------------------------------------ */

void
rb_db_set_error (GError **error, RbDb *db, int rc, const char *what)
{
  int primary = rc & 0xff;
  RbStoreErrorCode code = RB_STORE_ERROR_FAILED;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    code = RB_STORE_ERROR_CORRUPT;
  else if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED)
    code = RB_STORE_ERROR_BUSY;
  g_set_error (error, RB_STORE_ERROR, code, "%s: %s", what,
               db != NULL ? rb_db_errmsg (db) : sqlite3_errstr (rc));
}

const char *
rb_db_errmsg (RbDb *db)
{
  return db->engine->errmsg (db);
}

void
rb_db_close (RbDb *db)
{
  if (db != NULL)
    db->engine->close (db);
}

gboolean
rb_db_exec (RbDb *db, const char *sql, GError **error)
{
  return db->engine->exec (db, sql, error);
}

gboolean
rb_db_exec_deferred (RbDb *db, const char *sql, GError **error)
{
  if (db->engine->exec_deferred == NULL)
    return rb_db_exec (db, sql, error);
  return db->engine->exec_deferred (db, sql, error);
}

RbStatement *
rb_db_prepare (RbDb *db, const char *sql, GError **error)
{
  RbStatement *stmt = db->engine->prepare (db, sql, error);

  if (stmt != NULL)
    stmt->cached = FALSE;
  return stmt;
}

/* Runs a statement that returns no rows. */
gboolean
rb_db_step_done (RbDb *db, RbStatement *stmt, GError **error)
{
  int rc = rb_statement_step (stmt);

  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "step");
      return FALSE;
    }
  return TRUE;
}

gboolean
rb_db_step_deferred (RbDb *db, RbStatement *stmt, GError **error)
{
  if (db->engine->step_deferred == NULL)
    return rb_db_step_done (db, stmt, error);
  return db->engine->step_deferred (stmt, error);
}

gboolean
rb_db_begin_write (RbDb *db, GError **error)
{
  return db->engine->begin_write (db, error);
}

gboolean
rb_db_commit (RbDb *db, GError **error)
{
  if (!rb_db_exec (db, "COMMIT", error))
    {
      rb_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

void
rb_db_rollback (RbDb *db)
{
  if (rb_db_in_transaction (db))
    rb_db_exec (db, "ROLLBACK", NULL);
}

gboolean
rb_db_in_transaction (RbDb *db)
{
  return db->engine->in_transaction (db);
}

gboolean
rb_db_get_schema_version (RbDb *db, gint64 *out_version, GError **error)
{
  return db->engine->schema_version (db, out_version, error);
}

gboolean
rb_db_transaction_failed (RbDb *db)
{
  return db->engine->transaction_failed (db);
}

gboolean
rb_db_get_int (RbDb *db, const char *sql, gint64 *out_value, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_db_prepare (db, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rc = rb_statement_step (stmt);
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  *out_value = rb_statement_column_int64 (stmt, 0);
  return TRUE;
}

int
rb_db_changes (RbDb *db)
{
  return db->engine->changes (db);
}

gint64
rb_db_last_insert_id (RbDb *db)
{
  return db->engine->last_insert_id (db);
}

int
rb_statement_step (RbStatement *stmt)
{
  return stmt->db->engine->step (stmt);
}

void
rb_statement_reset (RbStatement *stmt)
{
  stmt->db->engine->reset (stmt);
}

void
rb_statement_clear_bindings (RbStatement *stmt)
{
  stmt->db->engine->clear_bindings (stmt);
}

void
rb_statement_bind_int64 (RbStatement *stmt, int index, gint64 value)
{
  stmt->db->engine->bind_int64 (stmt, index, value);
}

void
rb_statement_bind_int (RbStatement *stmt, int index, int value)
{
  stmt->db->engine->bind_int64 (stmt, index, value);
}

void
rb_statement_bind_double (RbStatement *stmt, int index, double value)
{
  stmt->db->engine->bind_double (stmt, index, value);
}

void
rb_statement_bind_text (RbStatement *stmt, int index, const char *text)
{
  if (text == NULL)
    stmt->db->engine->bind_null (stmt, index);
  else
    stmt->db->engine->bind_text (stmt, index, text);
}

void
rb_statement_bind_null (RbStatement *stmt, int index)
{
  stmt->db->engine->bind_null (stmt, index);
}

void
rb_statement_bind_blob (RbStatement *stmt, int index, gconstpointer data, gsize size)
{
  stmt->db->engine->bind_blob (stmt, index, data, size);
}

int
rb_statement_column_type (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_type (stmt, column);
}

gint64
rb_statement_column_int64 (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_int64 (stmt, column);
}

int
rb_statement_column_int (RbStatement *stmt, int column)
{
  return (int) stmt->db->engine->column_int64 (stmt, column);
}

double
rb_statement_column_double (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_double (stmt, column);
}

const char *
rb_statement_column_text (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_text (stmt, column);
}

gconstpointer
rb_statement_column_blob (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_blob (stmt, column);
}

int
rb_statement_column_bytes (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_bytes (stmt, column);
}

const char *
rb_statement_column_name (RbStatement *stmt, int column)
{
  return stmt->db->engine->column_name (stmt, column);
}

/* ---- the statement cache -------------------------------------------------------------- */

/* Parsing and planning a statement costs more than running one of the store's small
 * queries, so each SQL text is prepared once per connection. Only for a fixed set of SQL
 * texts: every distinct text stays prepared until the connection closes. */
struct _RbStatementCache
{
  RbDb *db;
  GHashTable *statements; /* SQL text (owned) → RbStatement (finalized on removal) */
};

static void
finalize_statement (gpointer data)
{
  RbStatement *stmt = data;

  stmt->db->engine->finalize (stmt);
}

RbStatementCache *
rb_statement_cache_new (RbDb *db)
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
  RbStatement *stmt = g_hash_table_lookup (cache->statements, sql);

  if (stmt != NULL)
    {
      /* Lending a statement that is still stepping would silently restart its reader. */
      if (cache->db->engine->busy (stmt))
        {
          g_critical ("statement still in use: %s", sql);
          g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "statement still in use: %s",
                       sql);
          return NULL;
        }
      return stmt;
    }
  if (!(stmt = cache->db->engine->prepare (cache->db, sql, error)))
    return NULL;
  stmt->cached = TRUE;
  g_hash_table_insert (cache->statements, g_strdup (sql), stmt);
  return stmt;
}

void
rb_statement_release (RbStatement *stmt)
{
  if (!stmt->cached)
    {
      stmt->db->engine->finalize (stmt);
      return;
    }
  rb_statement_reset (stmt);
  rb_statement_clear_bindings (stmt);
}

/* ---- the SQLite engine ------------------------------------------------------------------ */

typedef struct
{
  RbDb parent;
  sqlite3 *handle;
} SqliteDb;

typedef struct
{
  RbStatement parent;
  sqlite3_stmt *handle;
} SqliteStatement;

static const RbDbEngine sqlite_engine;

#define SQLITE_DB(db) (((SqliteDb *) (db))->handle)
#define SQLITE_STMT(stmt) (((SqliteStatement *) (stmt))->handle)

sqlite3 *
rb_db_get_sqlite (RbDb *db)
{
  return rb_db_is_sqlite (db) ? SQLITE_DB (db) : NULL;
}

gboolean
rb_db_is_sqlite (RbDb *db)
{
  return db->engine == &sqlite_engine;
}

RbDb *
rb_db_open_sqlite (const char *path, GError **error)
{
  SqliteDb *db = g_new0 (SqliteDb, 1);
  int rc;

  db->parent.engine = &sqlite_engine;
  rc = sqlite3_open_v2 (path, &db->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      rb_db_set_error (error, db->handle != NULL ? &db->parent : NULL, rc, "open");
      sqlite3_close (db->handle);
      g_free (db);
      return NULL;
    }
  sqlite3_extended_result_codes (db->handle, TRUE);
  return &db->parent;
}

static void
sqlite_close (RbDb *db)
{
  sqlite3_close (SQLITE_DB (db));
  g_free (db);
}

static const char *
sqlite_errmsg (RbDb *db)
{
  return sqlite3_errmsg (SQLITE_DB (db));
}

static gboolean
sqlite_exec (RbDb *db, const char *sql, GError **error)
{
  char *message = NULL;
  int rc = sqlite3_exec (SQLITE_DB (db), sql, NULL, NULL, &message);

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

static gboolean
sqlite_schema_version (RbDb *db, gint64 *out_version, GError **error)
{
  return rb_db_get_int (db, "PRAGMA user_version", out_version, error);
}

static RbStatement *
sqlite_prepare (RbDb *db, const char *sql, GError **error)
{
  sqlite3_stmt *handle = NULL;
  SqliteStatement *stmt;
  int rc = sqlite3_prepare_v3 (SQLITE_DB (db), sql, -1, SQLITE_PREPARE_PERSISTENT, &handle, NULL);

  if (rc != SQLITE_OK)
    {
      rb_db_set_error (error, db, rc, "prepare");
      return NULL;
    }
  stmt = g_new0 (SqliteStatement, 1);
  stmt->parent.db = db;
  stmt->handle = handle;
  return &stmt->parent;
}

/* IMMEDIATE takes the write lock up front, so the checks that follow and the write that
 * depends on them cannot interleave with another writer (DESIGN.md, invariant 1). */
static gboolean
sqlite_begin_write (RbDb *db, GError **error)
{
  return sqlite_exec (db, "BEGIN IMMEDIATE", error);
}

static gboolean
sqlite_in_transaction (RbDb *db)
{
  return !sqlite3_get_autocommit (SQLITE_DB (db));
}

static gboolean
sqlite_transaction_failed (RbDb *db)
{
  return FALSE;
}

static int
sqlite_changes (RbDb *db)
{
  return sqlite3_changes (SQLITE_DB (db));
}

static gint64
sqlite_last_insert_id (RbDb *db)
{
  return sqlite3_last_insert_rowid (SQLITE_DB (db));
}

static void
sqlite_finalize (RbStatement *stmt)
{
  sqlite3_finalize (SQLITE_STMT (stmt));
  g_free (stmt);
}

static gboolean
sqlite_busy (RbStatement *stmt)
{
  return sqlite3_stmt_busy (SQLITE_STMT (stmt));
}

static int
sqlite_step (RbStatement *stmt)
{
  return sqlite3_step (SQLITE_STMT (stmt));
}

static void
sqlite_reset (RbStatement *stmt)
{
  sqlite3_reset (SQLITE_STMT (stmt));
}

static void
sqlite_clear_bindings (RbStatement *stmt)
{
  sqlite3_clear_bindings (SQLITE_STMT (stmt));
}

static void
sqlite_bind_int64 (RbStatement *stmt, int index, gint64 value)
{
  sqlite3_bind_int64 (SQLITE_STMT (stmt), index, value);
}

static void
sqlite_bind_double (RbStatement *stmt, int index, double value)
{
  sqlite3_bind_double (SQLITE_STMT (stmt), index, value);
}

static void
sqlite_bind_text (RbStatement *stmt, int index, const char *text)
{
  sqlite3_bind_text (SQLITE_STMT (stmt), index, text, -1, SQLITE_TRANSIENT);
}

static void
sqlite_bind_null (RbStatement *stmt, int index)
{
  sqlite3_bind_null (SQLITE_STMT (stmt), index);
}

static void
sqlite_bind_blob (RbStatement *stmt, int index, gconstpointer data, gsize size)
{
  sqlite3_bind_blob64 (SQLITE_STMT (stmt), index, data, size, SQLITE_TRANSIENT);
}

static int
sqlite_column_type (RbStatement *stmt, int column)
{
  return sqlite3_column_type (SQLITE_STMT (stmt), column);
}

static gint64
sqlite_column_int64 (RbStatement *stmt, int column)
{
  return sqlite3_column_int64 (SQLITE_STMT (stmt), column);
}

static double
sqlite_column_double (RbStatement *stmt, int column)
{
  return sqlite3_column_double (SQLITE_STMT (stmt), column);
}

static const char *
sqlite_column_text (RbStatement *stmt, int column)
{
  return (const char *) sqlite3_column_text (SQLITE_STMT (stmt), column);
}

static gconstpointer
sqlite_column_blob (RbStatement *stmt, int column)
{
  return sqlite3_column_blob (SQLITE_STMT (stmt), column);
}

static int
sqlite_column_bytes (RbStatement *stmt, int column)
{
  return sqlite3_column_bytes (SQLITE_STMT (stmt), column);
}

static const char *
sqlite_column_name (RbStatement *stmt, int column)
{
  return sqlite3_column_name (SQLITE_STMT (stmt), column);
}

static const RbDbEngine sqlite_engine = {
  .name = "SQLite",
  .close = sqlite_close,
  .errmsg = sqlite_errmsg,
  .exec = sqlite_exec,
  .schema_version = sqlite_schema_version,
  .prepare = sqlite_prepare,
  .begin_write = sqlite_begin_write,
  .in_transaction = sqlite_in_transaction,
  .transaction_failed = sqlite_transaction_failed,
  .changes = sqlite_changes,
  .last_insert_id = sqlite_last_insert_id,
  .finalize = sqlite_finalize,
  .busy = sqlite_busy,
  .step = sqlite_step,
  .reset = sqlite_reset,
  .clear_bindings = sqlite_clear_bindings,
  .bind_int64 = sqlite_bind_int64,
  .bind_double = sqlite_bind_double,
  .bind_text = sqlite_bind_text,
  .bind_null = sqlite_bind_null,
  .bind_blob = sqlite_bind_blob,
  .column_type = sqlite_column_type,
  .column_int64 = sqlite_column_int64,
  .column_double = sqlite_column_double,
  .column_text = sqlite_column_text,
  .column_blob = sqlite_column_blob,
  .column_bytes = sqlite_column_bytes,
  .column_name = sqlite_column_name,
};
