/* rb-pg-db.c: the PostgreSQL engine below rb-db.h, on libpq.
 *
 * Statements are prepared on the server once per connection, their parameters sent as text
 * (blobs as binary), their results read whole and stepped through row by row as SQLite's
 * are. Errors become SQLite's result codes, which the store's modules speak: a broken
 * invariant is SQLITE_CONSTRAINT with the message of SQLite's trigger ("overlap",
 * "desk_already_held"), so that the store names it as it does on SQLite.
 *
 * A connection that is lost (the server restarted, or a failover promoted a replica) is made
 * again before the next statement, to whichever host of the connection string now accepts
 * writes (target_session_attrs=read-write); the statement that met the loss fails, as a
 * SQLite write fails on a full disk, and its job with it. Statements are prepared again on
 * the new connection when they are next used.
 *
 * A statement deferred (rb_db_exec_deferred, rb_db_step_deferred: a job's SAVEPOINT and
 * RELEASE in a group, a booking's fingerprint) goes in one pipeline with the next prepared
 * statement, so that it costs no round trip of its own; before a COMMIT (or other SQL of
 * rb_db_exec) the deferred go in one pipeline of their own. */
#include "config.h"

#include <string.h>

#include "rb-db-engine.h"
#include "rb-pg-db.h"
#include "rb-pg-schema.h"
#include "rb-pg.h"

/* The types of PostgreSQL's catalogue that results carry (pg_type.oid). */
#define BOOLOID 16
#define BYTEAOID 17
#define INT8OID 20
#define INT2OID 21
#define INT4OID 23
#define OIDOID 26
#define FLOAT4OID 700
#define FLOAT8OID 701
#define NUMERICOID 1700

typedef struct
{
  RbDb parent;
  PGconn *conn;
  char *errmsg;
  int changes;
  guint n_prepared; /* for the statements' names */
  guint generation; /* how many connections this one has had */
  gint backend_pid; /* atomic */
  /* A write transaction began and has not ended with COMMIT or ROLLBACK. While it is open a
   * lost connection is never made again: the rest of the transaction must fail with it,
   * never run, committed statement by statement, on a new connection. */
  gboolean in_write;
  /* What is deferred to be sent with the next statement (Deferred), in order. */
  GPtrArray *deferred;
} PgDb;

/* A statement deferred: SQL of its own (sql), or a prepared statement's name with a copy of
 * its parameters. */
typedef struct
{
  char *sql;
  char *name;
  int n_params;
  char **values;
  int *lengths;
  int *formats;
} Deferred;

typedef struct
{
  RbStatement parent;
  char *name;
  char *sql;        /* translated */
  guint generation; /* of the connection it was prepared on */
  int n_params;
  char **values;
  int *lengths;
  int *formats;
  PGresult *result;
  int n_rows;
  int row;          /* the current row; -1 before the first step */
  gboolean stepped; /* executed since the last reset */
  gboolean done;
  guchar *blob;     /* the last bytea read, unescaped */
  int blob_column;
  size_t blob_size;
} PgStatement;

static const RbDbEngine pg_engine;

static void
deferred_free (Deferred *deferred)
{
  g_free (deferred->sql);
  g_free (deferred->name);
  for (int i = 0; i < deferred->n_params; i++)
    g_free (deferred->values[i]);
  g_free (deferred->values);
  g_free (deferred->lengths);
  g_free (deferred->formats);
  g_free (deferred);
}

#define PG_DB(db) ((PgDb *) (db))
#define PG_STMT(stmt) ((PgStatement *) (stmt))

static void
set_errmsg (PgDb *db, const char *message)
{
  g_free (db->errmsg);
  db->errmsg = g_strstrip (g_strdup (message != NULL ? message : ""));
}

/* The store knows a broken invariant by SQLite's trigger message (rb-schema.c). */
static const char *
constraint_message (const char *constraint, const char *message)
{
  if (g_strcmp0 (constraint, "bookings_no_overlap") == 0)
    return "overlap";
  if (g_strcmp0 (constraint, "bookings_one_desk_per_person") == 0)
    return "desk_already_held";
  return message;
}

/* A failed result as SQLite's result code, its message kept for rb_db_errmsg. */
static int
fail (PgDb *db, const PGresult *result)
{
  const char *state = result != NULL ? PQresultErrorField (result, PG_DIAG_SQLSTATE) : NULL;
  const char *message = result != NULL ? PQresultErrorField (result, PG_DIAG_MESSAGE_PRIMARY)
                                       : NULL;

  if (message == NULL)
    message = PQerrorMessage (db->conn);
  if (state == NULL || PQstatus (db->conn) != CONNECTION_OK)
    {
      set_errmsg (db, message);
      return SQLITE_IOERR;
    }
  if (g_str_has_prefix (state, "23"))
    {
      set_errmsg (db, constraint_message (PQresultErrorField (result, PG_DIAG_CONSTRAINT_NAME),
                                          message));
      return SQLITE_CONSTRAINT;
    }
  set_errmsg (db, message);
  /* serialization failure, deadlock, lock not available, connection exceptions */
  if (g_str_equal (state, "40001") || g_str_equal (state, "40P01")
      || g_str_equal (state, "55P03"))
    return SQLITE_BUSY;
  if (g_str_has_prefix (state, "08") || g_str_has_prefix (state, "57P"))
    return SQLITE_IOERR;
  if (g_str_has_prefix (state, "53"))
    return SQLITE_FULL;
  return SQLITE_ERROR;
}

char *
rb_pg_db_translate (const char *sql, int *n_params)
{
  GString *out = g_string_sized_new (strlen (sql) + 16);
  int highest = 0;

  for (const char *p = sql; *p != '\0'; p++)
    {
      if (*p == '\'' || *p == '"')
        {
          /* a literal or a quoted name, whose doubled quotes read as two of them */
          const char *end = strchr (p + 1, *p);

          if (end == NULL)
            end = p + strlen (p) - 1;
          g_string_append_len (out, p, end - p + 1);
          p = end;
        }
      else if (*p == '?')
        {
          int number;

          if (g_ascii_isdigit (p[1]))
            {
              char *digits_end = NULL;

              number = (int) g_ascii_strtoll (p + 1, &digits_end, 10);
              p = digits_end - 1;
            }
          else
            number = highest + 1;
          highest = MAX (highest, number);
          g_string_append_printf (out, "$%d", number);
        }
      else
        g_string_append_c (out, *p);
    }
  *n_params = highest;
  return g_string_free (out, FALSE);
}

/* Makes the connection again if it was lost, outside a write transaction; FALSE (with the
 * reason as the error message) if it is lost inside one or cannot be made. */
static gboolean
ensure_connected (PgDb *db)
{
  if (PQstatus (db->conn) == CONNECTION_OK)
    return TRUE;
  if (db->in_write)
    {
      set_errmsg (db, "the connection to PostgreSQL was lost in a transaction, which was not "
                      "committed");
      return FALSE;
    }
  /* what was deferred belonged to the session that is gone */
  g_ptr_array_set_size (db->deferred, 0);
  PQreset (db->conn);
  if (PQstatus (db->conn) != CONNECTION_OK)
    {
      set_errmsg (db, PQerrorMessage (db->conn));
      return FALSE;
    }
  db->generation++;
  g_atomic_int_set (&db->backend_pid, PQbackendPID (db->conn));
  g_message ("connected to PostgreSQL again");
  if (!rb_pg_set_up_session (db->conn, NULL))
    {
      set_errmsg (db, PQerrorMessage (db->conn));
      return FALSE;
    }
  return TRUE;
}

static gboolean
prepare_on_server (PgDb *db, PgStatement *stmt)
{
  g_autoptr (PGresult) result = PQprepare (db->conn, stmt->name, stmt->sql, stmt->n_params, NULL);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    {
      fail (db, result);
      return FALSE;
    }
  stmt->generation = db->generation;
  return TRUE;
}

RbDb *
rb_pg_db_open (const char *conninfo, GError **error)
{
  g_autoptr (PGconn) conn = rb_pg_connect (conninfo, error);
  PgDb *db;

  if (conn == NULL || !rb_pg_schema_migrate (conn, error))
    return NULL;
  db = g_new0 (PgDb, 1);
  db->parent.engine = &pg_engine;
  db->conn = g_steal_pointer (&conn);
  db->backend_pid = PQbackendPID (db->conn);
  db->deferred = g_ptr_array_new_with_free_func ((GDestroyNotify) deferred_free);
  return &db->parent;
}

int
rb_pg_db_get_backend_pid (RbDb *db)
{
  return g_atomic_int_get (&PG_DB (db)->backend_pid);
}

static void
pg_close (RbDb *db)
{
  PQfinish (PG_DB (db)->conn);
  g_ptr_array_unref (PG_DB (db)->deferred);
  g_free (PG_DB (db)->errmsg);
  g_free (db);
}

static const char *
pg_errmsg (RbDb *db)
{
  return PG_DB (db)->errmsg != NULL ? PG_DB (db)->errmsg : PQerrorMessage (PG_DB (db)->conn);
}

/* The results of one query of a pipeline, up to the NULL that ends them: its own, or the
 * first failure met so far, which *failed keeps. */
static PGresult *
read_pipelined (PGconn *conn, PGresult **failed)
{
  PGresult *answer = NULL;
  PGresult *result;

  while ((result = PQgetResult (conn)) != NULL)
    {
      if (PQresultStatus (result) == PGRES_FATAL_ERROR && *failed == NULL)
        *failed = result;
      else if (answer == NULL && PQresultStatus (result) != PGRES_PIPELINE_ABORTED)
        answer = result;
      else
        PQclear (result);
    }
  return answer;
}

static gboolean
send_deferred (PgDb *db, const Deferred *deferred)
{
  if (deferred->sql != NULL)
    return PQsendQueryParams (db->conn, deferred->sql, 0, NULL, NULL, NULL, NULL, 0);
  return PQsendQueryPrepared (db->conn, deferred->name, deferred->n_params,
                              (const char *const *) deferred->values, deferred->lengths,
                              deferred->formats, 0);
}

/* The statements deferred and then stmt (if not NULL), in one round trip: the last one's
 * result, or the first failure, which aborted whatever came after it. */
static PGresult *
run_pipeline (PgDb *db, PgStatement *stmt)
{
  guint n_queries = db->deferred->len + (stmt != NULL ? 1 : 0);
  PGresult *failed = NULL;
  PGresult *answer = NULL;
  gboolean sent = PQenterPipelineMode (db->conn);

  /* libpq copies what it sends: the deferred statements are done with once sent */
  for (guint i = 0; sent && i < db->deferred->len; i++)
    sent = send_deferred (db, g_ptr_array_index (db->deferred, i));
  g_ptr_array_set_size (db->deferred, 0);
  if (sent && stmt != NULL)
    sent = PQsendQueryPrepared (db->conn, stmt->name, stmt->n_params,
                                (const char *const *) stmt->values, stmt->lengths,
                                stmt->formats, 0);
  if (sent && PQpipelineSync (db->conn))
    {
      PGresult *sync;

      for (guint i = 0; i < n_queries; i++)
        {
          PQclear (answer);
          answer = read_pipelined (db->conn, &failed);
        }
      sync = PQgetResult (db->conn);
      if (PQresultStatus (sync) == PGRES_FATAL_ERROR && failed == NULL)
        failed = g_steal_pointer (&sync);
      PQclear (sync);
    }
  PQexitPipelineMode (db->conn);
  if (failed != NULL || answer == NULL)
    {
      PQclear (answer);
      return failed;
    }
  return answer;
}

/* COMMIT or ROLLBACK, which end a transaction (ROLLBACK TO a savepoint does not). */
static gboolean
ends_transaction (const char *sql)
{
  return g_str_has_prefix (sql, "COMMIT")
         || (g_str_has_prefix (sql, "ROLLBACK") && !g_str_has_prefix (sql, "ROLLBACK TO"));
}

static gboolean
pg_exec (RbDb *db, const char *sql, GError **error)
{
  PgDb *self = PG_DB (db);
  g_autoptr (PGresult) result = NULL;
  gboolean connected = ensure_connected (self);
  ExecStatusType status;

  if (ends_transaction (sql))
    self->in_write = FALSE;
  /* a ROLLBACK undoes whatever was deferred; anything else runs after it */
  if (g_str_has_prefix (sql, "ROLLBACK") && !g_str_has_prefix (sql, "ROLLBACK TO"))
    g_ptr_array_set_size (self->deferred, 0);
  if (!connected)
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", self->errmsg);
      return FALSE;
    }
  /* A failed statement aborted the transaction, and PostgreSQL answers its COMMIT with a
   * ROLLBACK as if that were success: nothing of it may be reported as written. */
  if (g_str_has_prefix (sql, "COMMIT") && PQtransactionStatus (self->conn) == PQTRANS_INERROR)
    {
      PQclear (PQexec (self->conn, "ROLLBACK"));
      set_errmsg (self, "a statement of the transaction failed; nothing of it was committed");
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", self->errmsg);
      return FALSE;
    }
  /* what was deferred goes first, in a round trip of its own: a pipeline takes no string
   * of several statements, which sql may be */
  if (self->deferred->len > 0)
    {
      result = run_pipeline (self, NULL);
      status = PQresultStatus (result);
    }
  else
    status = PGRES_COMMAND_OK;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    {
      g_clear_pointer (&result, PQclear);
      result = PQexec (self->conn, sql);
      status = PQresultStatus (result);
    }
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    {
      int rc = fail (self, result);

      g_set_error (error, RB_STORE_ERROR,
                   rc == SQLITE_BUSY ? RB_STORE_ERROR_BUSY : RB_STORE_ERROR_FAILED, "%s",
                   self->errmsg);
      return FALSE;
    }
  if (g_str_has_prefix (sql, "COMMIT") && g_str_equal (PQcmdStatus (result), "ROLLBACK"))
    {
      set_errmsg (self, "the transaction was rolled back instead of committed");
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", self->errmsg);
      return FALSE;
    }
  return TRUE;
}

static gboolean
pg_exec_deferred (RbDb *db, const char *sql, GError **error)
{
  PgDb *self = PG_DB (db);
  Deferred *deferred;

  if (!ensure_connected (self))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", self->errmsg);
      return FALSE;
    }
  deferred = g_new0 (Deferred, 1);
  deferred->sql = g_strdup (sql);
  g_ptr_array_add (self->deferred, deferred);
  return TRUE;
}

static gboolean
pg_schema_version (RbDb *db, gint64 *out_version, GError **error)
{
  if (!ensure_connected (PG_DB (db)))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", PG_DB (db)->errmsg);
      return FALSE;
    }
  return rb_pg_schema_get_version (PG_DB (db)->conn, out_version, error);
}

static RbStatement *
pg_prepare (RbDb *db, const char *sql, GError **error)
{
  PgDb *self = PG_DB (db);
  PgStatement *stmt = g_new0 (PgStatement, 1);

  stmt->parent.db = db;
  stmt->name = g_strdup_printf ("rb%u", ++self->n_prepared);
  stmt->sql = rb_pg_db_translate (sql, &stmt->n_params);
  if (!ensure_connected (self) || !prepare_on_server (self, stmt))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "prepare: %s (%s)",
                   self->errmsg, sql);
      g_free (stmt->sql);
      g_free (stmt->name);
      g_free (stmt);
      return NULL;
    }
  stmt->values = g_new0 (char *, MAX (stmt->n_params, 1));
  stmt->lengths = g_new0 (int, MAX (stmt->n_params, 1));
  stmt->formats = g_new0 (int, MAX (stmt->n_params, 1));
  stmt->row = -1;
  stmt->blob_column = -1;
  return &stmt->parent;
}

static gboolean
pg_begin_write (RbDb *db, GError **error)
{
  if (!ensure_connected (PG_DB (db)))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", PG_DB (db)->errmsg);
      return FALSE;
    }
  if (!rb_pg_begin_write (PG_DB (db)->conn, error))
    return FALSE;
  PG_DB (db)->in_write = TRUE;
  return TRUE;
}

static gboolean
pg_transaction_failed (RbDb *db)
{
  return PQtransactionStatus (PG_DB (db)->conn) == PQTRANS_INERROR;
}

static gboolean
pg_in_transaction (RbDb *db)
{
  PGTransactionStatusType status = PQtransactionStatus (PG_DB (db)->conn);

  /* a write transaction whose connection was lost is still to be ended (ROLLBACK), though
   * the server holds nothing of it any more */
  return PG_DB (db)->in_write || (status != PQTRANS_IDLE && status != PQTRANS_UNKNOWN);
}

static int
pg_changes (RbDb *db)
{
  return PG_DB (db)->changes;
}

/* The last value any sequence gave on this connection: the identity of the last insert. */
static gint64
pg_last_insert_id (RbDb *db)
{
  gint64 id = 0;

  if (!rb_pg_get_int (PG_DB (db)->conn, "SELECT lastval ()", 0, NULL, &id, NULL))
    return 0;
  return id;
}

static void
forget_blob (PgStatement *stmt)
{
  g_clear_pointer (&stmt->blob, PQfreemem);
  stmt->blob_column = -1;
  stmt->blob_size = 0;
}

static void
pg_reset (RbStatement *stmt)
{
  PgStatement *self = PG_STMT (stmt);

  g_clear_pointer (&self->result, PQclear);
  forget_blob (self);
  self->row = -1;
  self->n_rows = 0;
  self->stepped = FALSE;
  self->done = FALSE;
}

static void
pg_clear_bindings (RbStatement *stmt)
{
  PgStatement *self = PG_STMT (stmt);

  for (int i = 0; i < self->n_params; i++)
    {
      g_clear_pointer (&self->values[i], g_free);
      self->lengths[i] = 0;
      self->formats[i] = 0;
    }
}

static void
pg_finalize (RbStatement *stmt)
{
  PgStatement *self = PG_STMT (stmt);
  g_autofree char *deallocate = g_strdup_printf ("DEALLOCATE %s", self->name);

  pg_reset (stmt);
  pg_clear_bindings (stmt);
  /* A connection that is gone, or a new one, has nothing left to forget. */
  if (PQstatus (PG_DB (stmt->db)->conn) == CONNECTION_OK
      && self->generation == PG_DB (stmt->db)->generation)
    PQclear (PQexec (PG_DB (stmt->db)->conn, deallocate));
  g_free (self->sql);
  g_free (self->values);
  g_free (self->lengths);
  g_free (self->formats);
  g_free (self->name);
  g_free (self);
}

static gboolean
pg_busy (RbStatement *stmt)
{
  return PG_STMT (stmt)->stepped && !PG_STMT (stmt)->done;
}

static PGresult *
exec_prepared (PgDb *db, PgStatement *stmt)
{
  if (db->deferred->len > 0)
    return run_pipeline (db, stmt);
  return PQexecPrepared (db->conn, stmt->name, stmt->n_params,
                         (const char *const *) stmt->values, stmt->lengths, stmt->formats, 0);
}

/* Keeps stmt, with a copy of its parameters, to be sent with the next statement. */
static gboolean
pg_step_deferred (RbStatement *stmt, GError **error)
{
  PgStatement *self = PG_STMT (stmt);
  PgDb *db = PG_DB (stmt->db);
  Deferred *deferred;

  if (!ensure_connected (db)
      || (self->generation != db->generation && !prepare_on_server (db, self)))
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED, "%s", db->errmsg);
      return FALSE;
    }
  deferred = g_new0 (Deferred, 1);
  deferred->name = g_strdup (self->name);
  deferred->n_params = self->n_params;
  deferred->values = g_new0 (char *, MAX (self->n_params, 1));
  deferred->lengths = g_memdup2 (self->lengths, sizeof (int) * MAX (self->n_params, 1));
  deferred->formats = g_memdup2 (self->formats, sizeof (int) * MAX (self->n_params, 1));
  for (int i = 0; i < self->n_params; i++)
    {
      /* binary values have their length, and an empty one must stay empty, not NULL */
      if (self->values[i] != NULL && self->formats[i] == 1)
        deferred->values[i] = self->lengths[i] > 0
                                  ? g_memdup2 (self->values[i], self->lengths[i])
                                  : g_strdup ("");
      else
        deferred->values[i] = g_strdup (self->values[i]);
    }
  g_ptr_array_add (db->deferred, deferred);
  return TRUE;
}

static int
pg_step (RbStatement *stmt)
{
  PgStatement *self = PG_STMT (stmt);
  PgDb *db = PG_DB (stmt->db);

  if (!self->stepped)
    {
      ExecStatusType status;

      self->stepped = TRUE;
      if (!ensure_connected (db)
          || (self->generation != db->generation && !prepare_on_server (db, self)))
        {
          self->done = TRUE;
          return PQstatus (db->conn) == CONNECTION_OK ? SQLITE_ERROR : SQLITE_IOERR;
        }
      self->result = exec_prepared (db, self);
      status = PQresultStatus (self->result);
      if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        {
          self->done = TRUE;
          return fail (db, self->result);
        }
      db->changes = (int) g_ascii_strtoll (PQcmdTuples (self->result), NULL, 10);
      self->n_rows = status == PGRES_TUPLES_OK ? PQntuples (self->result) : 0;
    }
  forget_blob (self);
  if (self->row + 1 < self->n_rows)
    {
      self->row++;
      return SQLITE_ROW;
    }
  self->done = TRUE;
  return SQLITE_DONE;
}

/* A parameter that the statement does not have is ignored, as SQLite ignores it: the clash
 * checks bind the same four to every query, and some use three. */
static void
set_value (PgStatement *self, int index, char *value, int length, int format)
{
  if (index < 1 || index > self->n_params)
    {
      g_free (value);
      return;
    }
  g_free (self->values[index - 1]);
  self->values[index - 1] = value;
  self->lengths[index - 1] = length;
  self->formats[index - 1] = format;
}

static void
pg_bind_int64 (RbStatement *stmt, int index, gint64 value)
{
  set_value (PG_STMT (stmt), index, g_strdup_printf ("%" G_GINT64_FORMAT, value), 0, 0);
}

static void
pg_bind_double (RbStatement *stmt, int index, double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  set_value (PG_STMT (stmt), index, g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value)), 0,
             0);
}

static void
pg_bind_text (RbStatement *stmt, int index, const char *text)
{
  set_value (PG_STMT (stmt), index, g_strdup (text), 0, 0);
}

static void
pg_bind_null (RbStatement *stmt, int index)
{
  set_value (PG_STMT (stmt), index, NULL, 0, 0);
}

static void
pg_bind_blob (RbStatement *stmt, int index, gconstpointer data, gsize size)
{
  /* binary: a bytea parameter as it is; an empty one is empty, not NULL */
  set_value (PG_STMT (stmt), index, size > 0 ? g_memdup2 (data, size) : g_strdup (""),
             (int) size, 1);
}

static gboolean
is_null (PgStatement *self, int column)
{
  return self->result == NULL || self->row < 0 || self->row >= self->n_rows
         || column >= PQnfields (self->result) || PQgetisnull (self->result, self->row, column);
}

static int
pg_column_type (RbStatement *stmt, int column)
{
  PgStatement *self = PG_STMT (stmt);

  if (is_null (self, column))
    return SQLITE_NULL;
  switch (PQftype (self->result, column))
    {
    case BOOLOID:
    case INT2OID:
    case INT4OID:
    case INT8OID:
    case OIDOID:
      return SQLITE_INTEGER;
    case FLOAT4OID:
    case FLOAT8OID:
    case NUMERICOID:
      return SQLITE_FLOAT;
    case BYTEAOID:
      return SQLITE_BLOB;
    default:
      return SQLITE_TEXT;
    }
}

static const char *
pg_column_text (RbStatement *stmt, int column)
{
  PgStatement *self = PG_STMT (stmt);
  const char *value;

  if (is_null (self, column))
    return NULL;
  value = PQgetvalue (self->result, self->row, column);
  /* a truth value reads as SQLite's 1 and 0 */
  if (PQftype (self->result, column) == BOOLOID)
    return value[0] == 't' ? "1" : "0";
  return value;
}

static double
pg_column_double (RbStatement *stmt, int column)
{
  const char *value = pg_column_text (stmt, column);

  return value != NULL ? g_ascii_strtod (value, NULL) : 0.0;
}

static gint64
pg_column_int64 (RbStatement *stmt, int column)
{
  const char *value = pg_column_text (stmt, column);

  if (value == NULL)
    return 0;
  if (pg_column_type (stmt, column) == SQLITE_FLOAT)
    return (gint64) g_ascii_strtod (value, NULL);
  return g_ascii_strtoll (value, NULL, 10);
}

static gconstpointer
pg_column_blob (RbStatement *stmt, int column)
{
  PgStatement *self = PG_STMT (stmt);

  if (is_null (self, column))
    return NULL;
  if (self->blob_column != column)
    {
      forget_blob (self);
      self->blob = PQunescapeBytea (
          (const unsigned char *) PQgetvalue (self->result, self->row, column), &self->blob_size);
      self->blob_column = column;
    }
  return self->blob;
}

static int
pg_column_bytes (RbStatement *stmt, int column)
{
  PgStatement *self = PG_STMT (stmt);

  if (is_null (self, column))
    return 0;
  if (PQftype (self->result, column) == BYTEAOID)
    {
      pg_column_blob (stmt, column);
      return (int) self->blob_size;
    }
  return (int) strlen (pg_column_text (stmt, column));
}

static const char *
pg_column_name (RbStatement *stmt, int column)
{
  return PG_STMT (stmt)->result != NULL ? PQfname (PG_STMT (stmt)->result, column) : NULL;
}

static const RbDbEngine pg_engine = {
  .name = "PostgreSQL",
  .close = pg_close,
  .errmsg = pg_errmsg,
  .exec = pg_exec,
  .exec_deferred = pg_exec_deferred,
  .step_deferred = pg_step_deferred,
  .schema_version = pg_schema_version,
  .prepare = pg_prepare,
  .begin_write = pg_begin_write,
  .in_transaction = pg_in_transaction,
  .transaction_failed = pg_transaction_failed,
  .changes = pg_changes,
  .last_insert_id = pg_last_insert_id,
  .finalize = pg_finalize,
  .busy = pg_busy,
  .step = pg_step,
  .reset = pg_reset,
  .clear_bindings = pg_clear_bindings,
  .bind_int64 = pg_bind_int64,
  .bind_double = pg_bind_double,
  .bind_text = pg_bind_text,
  .bind_null = pg_bind_null,
  .bind_blob = pg_bind_blob,
  .column_type = pg_column_type,
  .column_int64 = pg_column_int64,
  .column_double = pg_column_double,
  .column_text = pg_column_text,
  .column_blob = pg_column_blob,
  .column_bytes = pg_column_bytes,
  .column_name = pg_column_name,
};
