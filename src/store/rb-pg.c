/* rb-pg.c: GError-reporting helpers around libpq. */
#include "config.h"

#include "rb-pg.h"

gboolean
rb_pg_is_conninfo (const char *text)
{
  return g_str_has_prefix (text, "postgresql://") || g_str_has_prefix (text, "postgres://");
}

void
rb_pg_set_error (GError **error, PGconn *conn, const PGresult *result, const char *what)
{
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                                       : NULL;
  const char *constraint = result != NULL
                               ? PQresultErrorField (result, PG_DIAG_CONSTRAINT_NAME)
                               : NULL;
  g_autofree char *text = NULL;

  if (message == NULL)
    message = PQerrorMessage (conn);
  text = g_strstrip (g_strdup (message));
  if (constraint != NULL)
    g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s: %s (%s)", what, text,
                 constraint);
  else
    g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s: %s", what, text);
}

PGconn *
rb_pg_connect (const char *conninfo, GError **error)
{
  g_autoptr (PGconn) conn = PQconnectdb (conninfo);

  if (conn == NULL)
    {
      g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                           "cannot connect to PostgreSQL: out of memory");
      return NULL;
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (conn)));

      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   "cannot connect to PostgreSQL: %s", message);
      return NULL;
    }
  if (!rb_pg_set_up_session (conn, error))
    return NULL;
  return g_steal_pointer (&conn);
}

gboolean
rb_pg_set_up_session (PGconn *conn, GError **error)
{
  /* Times are whole seconds since 1970 in both engines, so nothing depends on the session's
   * zone; UTC keeps any timestamp text alike on every server. Notices ("already exists,
   * skipping") are no news for an administrator. */
  return rb_pg_exec (conn,
                     "SET TIME ZONE 'UTC'; SET client_encoding = 'UTF8';"
                     " SET client_min_messages = 'warning'",
                     error);
}

gboolean
rb_pg_exec (PGconn *conn, const char *sql, GError **error)
{
  g_autoptr (PGresult) result = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (result);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      rb_pg_set_error (error, conn, result, "PostgreSQL");
      return FALSE;
    }
  return TRUE;
}

/* Arbitrary but fixed, and distinct from rb-pg-schema.c's migration lock. */
#define WRITER_LOCK "5378140466355041129"

gboolean
rb_pg_begin_write (PGconn *conn, GError **error)
{
  /* A server that hangs while it holds the lock must not stall every other server for good:
   * after 10 s a writer gives up (55P03, busy) and its client retries. */
  if (!rb_pg_exec (conn,
                   "BEGIN; SET LOCAL lock_timeout = '10s';"
                   " SELECT pg_advisory_xact_lock (" WRITER_LOCK ")",
                   error))
    {
      rb_pg_exec (conn, "ROLLBACK", NULL);
      return FALSE;
    }
  return TRUE;
}

gboolean
rb_pg_get_int (PGconn *conn, const char *sql, int n_params, const char *const *params,
               gint64 *out_value, GError **error)
{
  g_autoptr (PGresult) result = PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);

  if (PQresultStatus (result) != PGRES_TUPLES_OK)
    {
      rb_pg_set_error (error, conn, result, "PostgreSQL");
      return FALSE;
    }
  if (PQntuples (result) != 1 || PQnfields (result) != 1 || PQgetisnull (result, 0, 0))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   "PostgreSQL: expected one value from “%s”", sql);
      return FALSE;
    }
  *out_value = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;
}
