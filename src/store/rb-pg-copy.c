/* rb-pg-copy.c: a SQLite database's rows into PostgreSQL through COPY, table by table in the
 * order of their foreign keys. */
#include "config.h"

#include "rb-pg-copy.h"
#include "rb-pg-schema.h"

/* Every table of a server's database, parents before children. */
static const char *const copied_tables[] = {
  "sites",         "buildings",   "floors",           "people",
  "spaces",        "floor_plans", "policy",           "space_blocks",
  "series",        "bookings",    "booking_requests", "changes",
  "booking_tombstones", "sessions", "devices",        "badges",
  "login_failures", "server_keys", "audit_log",       "audit_log_expiry",
};

/* A client's mirror keeps these; a server's are always empty. */
static const char *const client_tables[] = { "outbox", "sync_state" };

/* The identity columns, whose sequences must go on after SQLite's numbers. */
static const struct
{
  const char *table;
  const char *column;
} identities[] = {
  { "space_blocks", "id" },
  { "changes", "seq" },
  { "audit_log", "id" },
};

/* Rows are sent to PostgreSQL in pieces of about this size. */
#define COPY_CHUNK_BYTES (256 * 1024)

static gboolean
in_list (const char *name, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (g_str_equal (name, list[i]))
      return TRUE;
  return FALSE;
}

/* A table that this build does not know how to copy is an error, never a silent loss. */
static gboolean
check_sqlite_tables (RbDb *db, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_db_prepare (
      db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      const char *name = rb_statement_column_text (stmt, 0);

      if (!in_list (name, copied_tables, G_N_ELEMENTS (copied_tables))
          && !in_list (name, client_tables, G_N_ELEMENTS (client_tables)))
        {
          g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                       "the table %s has no place in PostgreSQL's schema; nothing was copied",
                       name);
          return FALSE;
        }
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "tables");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_not_a_mirror (RbDb *db, GError **error)
{
  gint64 rows = 0;

  if (!rb_db_get_int (db, "SELECT (SELECT count(*) FROM outbox) + (SELECT count(*) FROM sync_state)",
                      &rows, error))
    return FALSE;
  if (rows > 0)
    {
      g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                           "this is a client's mirror of a server, not a server's database; "
                           "nothing was copied");
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_target_empty (PGconn *conn, GError **error)
{
  g_autoptr (GString) sql = g_string_new ("SELECT 0");
  gint64 rows = 0;

  for (gsize i = 0; i < G_N_ELEMENTS (copied_tables); i++)
    g_string_append_printf (sql, " + (SELECT count(*) FROM %s)", copied_tables[i]);
  if (!rb_pg_get_int (conn, sql->str, 0, NULL, &rows, error))
    return FALSE;
  if (rows > 0)
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   "the PostgreSQL database already holds Raumbuch data (%" G_GINT64_FORMAT
                   " rows); copy only into an empty one. Nothing was copied",
                   rows);
      return FALSE;
    }
  return TRUE;
}

/* The columns of table in SQLite, each in PostgreSQL's table too; is_blob tells which to send
 * as bytea. */
static GPtrArray *
list_columns (RbDb *db, PGconn *conn, const char *table, GArray *is_blob, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (%s)", table);
  g_autoptr (RbStatement) stmt = rb_db_prepare (db, sql, error);
  g_autoptr (GPtrArray) columns = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return NULL;
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      const char *name = rb_statement_column_text (stmt, 1);
      gboolean blob = g_ascii_strcasecmp (rb_statement_column_text (stmt, 2), "BLOB") == 0;
      const char *params[] = { table, name };
      gint64 found = 0;

      if (!rb_pg_get_int (conn,
                          "SELECT count(*) FROM information_schema.columns"
                          " WHERE table_schema = current_schema () AND table_name = $1"
                          "   AND column_name = $2",
                          2, params, &found, error))
        return NULL;
      if (!found)
        {
          g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                       "the column %s.%s has no place in PostgreSQL's schema; nothing was "
                       "copied",
                       table, name);
          return NULL;
        }
      g_ptr_array_add (columns, g_strdup (name));
      g_array_append_val (is_blob, blob);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, table);
      return NULL;
    }
  return g_steal_pointer (&columns);
}

/* COPY's text format: backslash, tab, newline and carriage return escaped. */
static void
append_text (GString *line, const char *text, int length)
{
  for (int i = 0; i < length; i++)
    switch (text[i])
      {
      case '\\':
        g_string_append (line, "\\\\");
        break;
      case '\t':
        g_string_append (line, "\\t");
        break;
      case '\n':
        g_string_append (line, "\\n");
        break;
      case '\r':
        g_string_append (line, "\\r");
        break;
      default:
        g_string_append_c (line, text[i]);
      }
}

static void
append_bytea (GString *line, const guint8 *data, int length)
{
  /* bytea's hex input, \x…, with its backslash escaped for COPY */
  g_string_append (line, "\\\\x");
  for (int i = 0; i < length; i++)
    g_string_append_printf (line, "%02x", data[i]);
}

static gboolean
append_value (GString *line, RbStatement *stmt, int column, gboolean blob, GError **error)
{
  switch (rb_statement_column_type (stmt, column))
    {
    case SQLITE_NULL:
      g_string_append (line, "\\N");
      return TRUE;
    case SQLITE_INTEGER:
      if (blob)
        break;
      g_string_append_printf (line, "%" G_GINT64_FORMAT, (gint64) rb_statement_column_int64 (stmt, column));
      return TRUE;
    case SQLITE_FLOAT:
      {
        char buffer[G_ASCII_DTOSTR_BUF_SIZE];

        if (blob)
          break;
        g_string_append (line, g_ascii_dtostr (buffer, sizeof buffer,
                                               rb_statement_column_double (stmt, column)));
        return TRUE;
      }
    case SQLITE_TEXT:
      if (blob)
        break;
      append_text (line, rb_statement_column_text (stmt, column),
                   rb_statement_column_bytes (stmt, column));
      return TRUE;
    case SQLITE_BLOB:
      if (!blob)
        break;
      append_bytea (line, rb_statement_column_blob (stmt, column), rb_statement_column_bytes (stmt, column));
      return TRUE;
    default:
      break;
    }
  g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
               "%s: a value of an unexpected type; nothing was copied",
               rb_statement_column_name (stmt, column));
  return FALSE;
}

static gboolean
send (PGconn *conn, GString *buffer, GError **error)
{
  if (buffer->len > 0 && PQputCopyData (conn, buffer->str, (int) buffer->len) != 1)
    {
      rb_pg_set_error (error, conn, NULL, "COPY");
      return FALSE;
    }
  g_string_truncate (buffer, 0);
  return TRUE;
}

/* Ends a COPY: sends its end (or, with failed, aborts it) and reads its result. */
static gboolean
end_copy (PGconn *conn, gboolean failed, const char *table, GError **error)
{
  g_autoptr (PGresult) result = NULL;
  gboolean ok;

  if (PQputCopyEnd (conn, failed ? "aborted" : NULL) != 1)
    {
      if (!failed)
        rb_pg_set_error (error, conn, NULL, table);
      return FALSE;
    }
  result = PQgetResult (conn);
  ok = PQresultStatus (result) == PGRES_COMMAND_OK;
  if (!ok && !failed)
    rb_pg_set_error (error, conn, result, table);
  /* the COPY's last result is followed by NULL */
  g_clear_pointer (&result, PQclear);
  while ((result = PQgetResult (conn)) != NULL)
    g_clear_pointer (&result, PQclear);
  return ok && !failed;
}

static gboolean
copy_table (RbDb *db, PGconn *conn, const char *table, gint64 *out_rows, GError **error)
{
  g_autoptr (GArray) is_blob = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autoptr (GPtrArray) columns = list_columns (db, conn, table, is_blob, error);
  g_autoptr (RbStatement) stmt = NULL;
  g_autoptr (GString) buffer = g_string_sized_new (COPY_CHUNK_BYTES + 4096);
  g_autofree char *names = NULL;
  g_autofree char *select = NULL;
  g_autofree char *copy = NULL;
  g_autoptr (PGresult) started = NULL;
  gint64 rows = 0;
  int rc;

  if (columns == NULL)
    return FALSE;
  g_ptr_array_add (columns, NULL);
  names = g_strjoinv ("\", \"", (char **) columns->pdata);
  select = g_strdup_printf ("SELECT \"%s\" FROM %s", names, table);
  copy = g_strdup_printf ("COPY %s (\"%s\") FROM STDIN", table, names);
  if (!(stmt = rb_db_prepare (db, select, error)))
    return FALSE;
  started = PQexec (conn, copy);
  if (PQresultStatus (started) != PGRES_COPY_IN)
    {
      rb_pg_set_error (error, conn, started, table);
      return FALSE;
    }
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      for (guint i = 0; i < is_blob->len; i++)
        {
          if (i > 0)
            g_string_append_c (buffer, '\t');
          if (!append_value (buffer, stmt, (int) i, g_array_index (is_blob, gboolean, i), error))
            return end_copy (conn, TRUE, table, NULL);
        }
      g_string_append_c (buffer, '\n');
      rows++;
      if (buffer->len >= COPY_CHUNK_BYTES && !send (conn, buffer, error))
        return end_copy (conn, TRUE, table, NULL);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, table);
      return end_copy (conn, TRUE, table, NULL);
    }
  if (!send (conn, buffer, error))
    return end_copy (conn, TRUE, table, NULL);
  if (!end_copy (conn, FALSE, table, error))
    return FALSE;
  *out_rows = rows;
  return TRUE;
}

/* Both sides hold the same number of rows: COPY reported what it took, this asks again. */
static gboolean
check_count (PGconn *conn, const char *table, gint64 rows, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  gint64 found = 0;

  if (!rb_pg_get_int (conn, sql, 0, NULL, &found, error))
    return FALSE;
  if (found != rows)
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   "%s: %" G_GINT64_FORMAT " rows in SQLite, %" G_GINT64_FORMAT
                   " arrived; nothing was copied",
                   table, rows, found);
      return FALSE;
    }
  return TRUE;
}

/* The next number a sequence gives: after the highest in the table and after the highest
 * SQLite ever gave (AUTOINCREMENT remembers numbers of deleted rows, which a client's cursor
 * may already have passed). Returns it through out_next. */
static gboolean
continue_sequence (RbDb *db, PGconn *conn, const char *table, const char *column,
                   gint64 *out_next, GError **error)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT max (coalesce ((SELECT max (%s) FROM %s), 0),"
      "            coalesce ((SELECT seq FROM sqlite_sequence WHERE name = '%s'), 0))",
      column, table, table);
  g_autofree char *next_text = NULL;
  const char *params[3];
  gint64 set = 0;
  gint64 highest = 0;

  if (!rb_db_get_int (db, sql, &highest, error))
    return FALSE;
  next_text = g_strdup_printf ("%" G_GINT64_FORMAT, highest + 1);
  params[0] = table;
  params[1] = column;
  params[2] = next_text;
  if (!rb_pg_get_int (conn, "SELECT setval (pg_get_serial_sequence ($1, $2), $3::bigint, false)",
                      3, params, &set, error))
    return FALSE;
  *out_next = highest + 1;
  return TRUE;
}

static char *
copy_in_transactions (RbDb *db, PGconn *conn, GError **error)
{
  g_autoptr (GString) report = g_string_new (NULL);
  gint64 feed_next = 0;

  if (!check_sqlite_tables (db, error) || !check_not_a_mirror (db, error)
      || !check_target_empty (conn, error))
    return NULL;
  g_string_append_printf (report, "Copied to PostgreSQL (schema %d):\n",
                          rb_pg_schema_latest_version ());
  for (gsize i = 0; i < G_N_ELEMENTS (copied_tables); i++)
    {
      gint64 rows = 0;

      if (!copy_table (db, conn, copied_tables[i], &rows, error)
          || !check_count (conn, copied_tables[i], rows, error))
        return NULL;
      g_string_append_printf (report, "  %-20s %" G_GINT64_FORMAT "\n", copied_tables[i], rows);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (identities); i++)
    {
      gint64 next = 0;

      if (!continue_sequence (db, conn, identities[i].table, identities[i].column, &next, error))
        return NULL;
      if (g_str_equal (identities[i].table, "changes"))
        feed_next = next;
    }
  g_string_append_printf (report, "The change feed goes on at %" G_GINT64_FORMAT ".\n", feed_next);
  return g_string_free (g_steal_pointer (&report), FALSE);
}

char *
rb_pg_copy_store_sync (RbStore *store, const char *conninfo, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (PGconn) conn = rb_pg_connect (conninfo, error);
  g_autofree char *report = NULL;

  if (conn == NULL || !rb_pg_schema_migrate (conn, error))
    return NULL;
  /* SQLite: one read transaction, a snapshot even while a server writes. PostgreSQL: one
   * write transaction, so a failure anywhere leaves the database as it was, and no server
   * writes in between. */
  if (!rb_db_exec (db, "BEGIN", error))
    return NULL;
  if (!rb_pg_begin_write (conn, error))
    {
      rb_db_rollback (db);
      return NULL;
    }
  report = copy_in_transactions (db, conn, error);
  rb_db_rollback (db);
  if (report == NULL)
    {
      rb_pg_exec (conn, "ROLLBACK", NULL);
      return NULL;
    }
  /* The servers that start on it plan their statements on its statistics at once, before
   * autovacuum would first come by. */
  if (!rb_pg_exec (conn, "COMMIT", error) || !rb_pg_exec (conn, "ANALYZE", error))
    return NULL;
  return g_steal_pointer (&report);
}
