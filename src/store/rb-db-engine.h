/* rb-db-engine.h: what a database engine implements below rb-db.h. Only for the engines
 * (rb-db.c's SQLite, rb-pg-db.c's PostgreSQL). */
#pragma once

#include "rb-db.h"

G_BEGIN_DECLS

struct _RbDbEngine
{
  const char *name;
  void (*close) (RbDb *db);
  const char *(*errmsg) (RbDb *db);
  gboolean (*exec) (RbDb *db, const char *sql, GError **error);
  /* NULL: rb_db_exec_deferred runs at once */
  gboolean (*exec_deferred) (RbDb *db, const char *sql, GError **error);
  gboolean (*schema_version) (RbDb *db, gint64 *out_version, GError **error);
  RbStatement *(*prepare) (RbDb *db, const char *sql, GError **error);
  gboolean (*begin_write) (RbDb *db, GError **error);
  gboolean (*in_transaction) (RbDb *db);
  /* the transaction is open but lost: a statement of it failed and took it with it */
  gboolean (*transaction_failed) (RbDb *db);
  int (*changes) (RbDb *db);
  gint64 (*last_insert_id) (RbDb *db);

  void (*finalize) (RbStatement *stmt);
  /* NULL: rb_db_step_deferred runs at once */
  gboolean (*step_deferred) (RbStatement *stmt, GError **error);
  gboolean (*busy) (RbStatement *stmt);
  int (*step) (RbStatement *stmt);
  void (*reset) (RbStatement *stmt);
  void (*clear_bindings) (RbStatement *stmt);
  void (*bind_int64) (RbStatement *stmt, int index, gint64 value);
  void (*bind_double) (RbStatement *stmt, int index, double value);
  void (*bind_text) (RbStatement *stmt, int index, const char *text);
  void (*bind_null) (RbStatement *stmt, int index);
  void (*bind_blob) (RbStatement *stmt, int index, gconstpointer data, gsize size);
  int (*column_type) (RbStatement *stmt, int column);
  gint64 (*column_int64) (RbStatement *stmt, int column);
  double (*column_double) (RbStatement *stmt, int column);
  const char *(*column_text) (RbStatement *stmt, int column);
  gconstpointer (*column_blob) (RbStatement *stmt, int column);
  int (*column_bytes) (RbStatement *stmt, int column);
  const char *(*column_name) (RbStatement *stmt, int column);
};

/* The first member of every engine's connection. */
struct _RbDb
{
  const RbDbEngine *engine;
};

/* The first member of every engine's statement. */
struct _RbStatement
{
  RbDb *db;
  /* Lent by a cache (released by reset) rather than owned (released by finalize). */
  gboolean cached;
};

G_END_DECLS
