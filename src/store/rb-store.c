/* rb-store.c: bookings in SQLite. Every write that depends on a check runs the check and the
 * write in one BEGIN IMMEDIATE transaction, so no two active bookings of a space overlap and
 * no person holds two desks at once, whatever the concurrency (DESIGN.md invariants 1, 2). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <unistd.h>

#include "rb-schema.h"
#include "rb-floor-plans.h"
#include "rb-store-private.h"
#include "rb-store-resources.h"
#include "rb-store.h"

#define DEMO_BUILDING_RESOURCE "/de/raumbuch/Raumbuch/store/demo-building.json"
#define DEMO_PLANS_RESOURCE "/de/raumbuch/Raumbuch/store/plans/"

/* The longest a booking can last (the autumn DST day); see rb-schema.c. */
#define MAX_BOOKING_SECONDS 90000

struct _RbStore
{
  GObject parent_instance;

  char *path;  /* the SQLite file, or what connect connects to */
  RbStoreConnectFunc connect; /* NULL: SQLite */
  RbDb *db;
  GThreadPool *worker;
  GThread *worker_thread;
  GMutex queue_lock;
  GQueue queue; /* GTasks waiting for the worker */
  RbStatementCache *statements;

  /* Only on the worker: a group of jobs shares one transaction (run_group). */
  gboolean in_group;
  gboolean in_savepoint;
  gboolean group_lost; /* its transaction ended or a savepoint could not be undone */
  /* Only on the worker: the last change-feed row of the write in progress, and the last of
   * the group's writes released into its transaction so far (0: none). */
  gint64 write_last_seq;
  gint64 group_last_seq;

  /* Who hears of committed change-feed rows (rb_store_set_feed_func). The function and its
   * data belong to feed_context's thread; the worker reads only feed_context, under
   * queue_lock. */
  RbStoreFeedFunc feed_func;
  gpointer feed_data;
  GMainContext *feed_context;

  /* Read at open and after an import, and set by rb_store_cache_policy after a committed
   * change (rb-policy-store.c). Only the worker writes it; the worker reads it as it is,
   * other threads through rb_store_get_policy under policy_lock. */
  RbPolicy policy;
  GMutex policy_lock;
  GTimeZone *tz;
  char *site_id;

  gint64 (*now_func) (gpointer data);
  gpointer now_data;
};

G_DEFINE_FINAL_TYPE (RbStore, rb_store, G_TYPE_OBJECT)

typedef gpointer (*RbStoreJobFunc) (RbStore *self, gpointer data, GError **error);

typedef struct
{
  RbStoreJobFunc func;
  RbStoreFunc public_func;
  gpointer data;
  GDestroyNotify data_free;
  GDestroyNotify result_free;
} RbStoreJob;

/* Arguments of the queued calls; each call uses the fields it needs. */
typedef struct
{
  char *id;
  char *actor_id;
  char *space_id;
  char *floor_id;
  char *person_id;
  RbInterval range;
  gboolean active_only;
  gboolean seed_demo;
  RbBooking *booking;
} RbStoreArgs;

static void
rb_store_args_free (RbStoreArgs *args)
{
  g_free (args->id);
  g_free (args->actor_id);
  g_free (args->space_id);
  g_free (args->floor_id);
  g_free (args->person_id);
  g_clear_object (&args->booking);
  g_free (args);
}

static void
rb_store_job_free (RbStoreJob *job)
{
  if (job->data_free != NULL)
    job->data_free (job->data);
  g_free (job);
}

static gint64
real_time_now (gpointer data)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* ---- the worker thread ---------------------------------------------------------------- */

/* Jobs that queued up while the worker was busy run as one group of at most this many. */
#define MAX_GROUP 64

static gpointer
run_job (RbStore *self, GTask *task, GError **error)
{
  RbStoreJob *job = g_task_get_task_data (task);

  if (job->public_func != NULL)
    return job->public_func (self, job->data, g_task_get_cancellable (task), error);
  return job->func (self, job->data, error);
}

static void
return_result (GTask *task, gpointer result, GError *error)
{
  RbStoreJob *job = g_task_get_task_data (task);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, job->result_free);
}

/* News of committed change-feed rows, on its way to feed_context. */
typedef struct
{
  RbStore *store;
  gint64 next;
} FeedNews;

static void
feed_news_free (FeedNews *news)
{
  g_object_unref (news->store);
  g_free (news);
}

static gboolean
feed_news_dispatch_cb (gpointer data)
{
  FeedNews *news = data;
  RbStore *self = news->store;

  /* Looked up only now, on the function's own thread: it may have been unset meanwhile. */
  if (self->feed_func != NULL)
    self->feed_func (self, news->next, self->feed_data);
  return G_SOURCE_REMOVE;
}

/* Called after a COMMIT, never before: nobody may hear of a row that could still be rolled
 * back. last_seq is the highest sequence number the transaction appended (0: none). */
static void
announce_feed (RbStore *self, gint64 last_seq)
{
  g_autoptr (GMainContext) context = NULL;
  FeedNews *news;

  if (last_seq == 0)
    return;
  g_mutex_lock (&self->queue_lock);
  if (self->feed_context != NULL)
    context = g_main_context_ref (self->feed_context);
  g_mutex_unlock (&self->queue_lock);
  if (context == NULL)
    return;

  news = g_new0 (FeedNews, 1);
  news->store = g_object_ref (self);
  news->next = last_seq + 1;
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, feed_news_dispatch_cb, news,
                              (GDestroyNotify) feed_news_free);
}

static void
run_alone (RbStore *self, GTask *task)
{
  GError *error = NULL;
  gpointer result = run_job (self, task, &error);

  return_result (task, result, error);
}

/* Runs jobs that waited for each other in one transaction, each job's writes in a savepoint
 * of it (rb_store_begin_write), so that the group costs one commit and one fsync instead of
 * one each. Every job still sees the writes of the jobs before it, so the checks are exactly
 * those of jobs run one after another. No job returns before the commit: nobody hears of a
 * write that could still be lost; if the commit fails, every job of the group fails. */
static void
run_group (RbStore *self, GTask **tasks, guint n)
{
  gpointer results[MAX_GROUP];
  GError *errors[MAX_GROUP] = { NULL };
  g_autoptr (GError) group_error = NULL;
  guint ran = 0;

  if (!rb_db_begin_write (self->db, NULL))
    {
      for (guint i = 0; i < n; i++)
        run_alone (self, tasks[i]);
      return;
    }
  self->in_group = TRUE;
  self->group_last_seq = 0;
  while (ran < n)
    {
      results[ran] = run_job (self, tasks[ran], &errors[ran]);
      ran++;
      /* SQLite ends the whole transaction on a full disk or an I/O error; on PostgreSQL any
       * failed statement outside a job's savepoint (a read) ends what the group wrote. */
      if (self->group_lost || !rb_db_in_transaction (self->db)
          || rb_db_transaction_failed (self->db))
        {
          g_set_error (&group_error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                       "the transaction of a group ended early: %s",
                       errors[ran - 1] != NULL ? errors[ran - 1]->message
                                               : rb_db_errmsg (self->db));
          break;
        }
    }
  self->in_group = FALSE;
  self->in_savepoint = FALSE;
  self->group_lost = FALSE;
  /* A savepoint that could not be undone must not be committed with the rest. */
  if (group_error != NULL)
    rb_db_rollback (self->db);
  if (group_error == NULL && rb_db_commit (self->db, &group_error))
    announce_feed (self, self->group_last_seq);
  self->group_last_seq = 0;

  for (guint i = 0; i < ran; i++)
    {
      if (group_error != NULL)
        {
          RbStoreJob *job = g_task_get_task_data (tasks[i]);

          if (errors[i] == NULL && job->result_free != NULL && results[i] != NULL)
            job->result_free (results[i]);
          g_clear_error (&errors[i]);
          errors[i] = g_error_copy (group_error);
        }
      return_result (tasks[i], results[i], errors[i]);
    }
  for (guint i = ran; i < n; i++)
    run_alone (self, tasks[i]);
}

/* One call per queued task, but a call may find the queue empty: an earlier call took the
 * task into its group. */
static void
worker_run (gpointer item, gpointer pool_data)
{
  RbStore *self = pool_data;
  GTask *tasks[MAX_GROUP];
  guint n = 0, kept = 0, limit;

  self->worker_thread = g_thread_self ();
  /* The first job opens the connection (open_job), which a group's transaction needs. */
  limit = self->db != NULL ? MAX_GROUP : 1;
  g_mutex_lock (&self->queue_lock);
  while (n < limit && !g_queue_is_empty (&self->queue))
    tasks[n++] = g_queue_pop_head (&self->queue);
  g_mutex_unlock (&self->queue_lock);

  /* A cancelled job is answered at once and takes no part. */
  for (guint i = 0; i < n; i++)
    {
      if (g_task_return_error_if_cancelled (tasks[i]))
        g_object_unref (tasks[i]);
      else
        tasks[kept++] = tasks[i];
    }

  if (kept == 1)
    run_alone (self, tasks[0]);
  else if (kept > 1)
    run_group (self, tasks, kept);
  for (guint i = 0; i < kept; i++)
    g_object_unref (tasks[i]);
}

static void
queue_task (RbStore *self, GTask *task)
{
  g_mutex_lock (&self->queue_lock);
  g_queue_push_tail (&self->queue, task);
  g_mutex_unlock (&self->queue_lock);
  g_thread_pool_push (self->worker, task, NULL);
}

static void
run_async (RbStore *self, RbStoreJobFunc func, RbStoreArgs *args, GDestroyNotify result_free,
           gpointer source_tag, GCancellable *cancellable, GAsyncReadyCallback callback,
           gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RbStoreJob *job = g_new0 (RbStoreJob, 1);

  job->func = func;
  job->data = args;
  job->data_free = (GDestroyNotify) rb_store_args_free;
  job->result_free = result_free;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, job, (GDestroyNotify) rb_store_job_free);
  queue_task (self, task);
}

/* Starts a write transaction: BEGIN IMMEDIATE, so that the checks and the write that depends
 * on them cannot interleave with another writer; or, in a group of jobs (run_group), a
 * savepoint of the group's transaction, which already holds the write lock. The savepoint
 * and its RELEASE are deferred (rb_db_exec_deferred): on PostgreSQL they cost no round trip
 * of their own, and a failure of either still fails the group, whose jobs return only after
 * its COMMIT. */
gboolean
rb_store_begin_write (RbStore *self, GError **error)
{
  self->write_last_seq = 0;
  if (!self->in_group)
    return rb_db_begin_write (self->db, error);
  /* Outside the group's transaction a savepoint would start a transaction of its own. */
  if (!rb_db_in_transaction (self->db))
    {
      self->group_lost = TRUE;
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   "the transaction of a group ended early");
      return FALSE;
    }
  if (!rb_db_exec_deferred (self->db, "SAVEPOINT rb_write", error))
    return FALSE;
  self->in_savepoint = TRUE;
  return TRUE;
}

gboolean
rb_store_commit_write (RbStore *self, GError **error)
{
  gint64 last_seq = self->write_last_seq;

  self->write_last_seq = 0;
  if (!self->in_group)
    {
      if (!rb_db_commit (self->db, error))
        return FALSE;
      announce_feed (self, last_seq);
      return TRUE;
    }
  if (!rb_db_exec_deferred (self->db, "RELEASE rb_write", error))
    {
      rb_store_rollback_write (self);
      return FALSE;
    }
  self->in_savepoint = FALSE;
  /* Announced with the group, after its COMMIT (run_group). */
  self->group_last_seq = MAX (self->group_last_seq, last_seq);
  return TRUE;
}

void
rb_store_rollback_write (RbStore *self)
{
  self->write_last_seq = 0;
  if (!self->in_group)
    rb_db_rollback (self->db);
  else if (self->in_savepoint
           && !rb_db_exec (self->db, "ROLLBACK TO rb_write; RELEASE rb_write", NULL))
    self->group_lost = TRUE;
  self->in_savepoint = FALSE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_store_finalize (GObject *object)
{
  RbStore *self = RB_STORE (object);

  /* Every queued task holds a reference to the store, so the worker is idle by now; but the
   * last reference may be dropped on the worker itself, which must not wait for itself. */
  g_thread_pool_free (self->worker, TRUE, g_thread_self () != self->worker_thread);
  g_mutex_clear (&self->queue_lock);
  g_mutex_clear (&self->policy_lock);
  rb_statement_cache_free (self->statements);
  g_clear_pointer (&self->feed_context, g_main_context_unref);
  rb_db_close (self->db);
  g_clear_pointer (&self->tz, g_time_zone_unref);
  g_free (self->site_id);
  g_free (self->path);

  G_OBJECT_CLASS (rb_store_parent_class)->finalize (object);
}

static void
rb_store_class_init (RbStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_store_finalize;
}

static void
rb_store_init (RbStore *self)
{
  /* Exclusive with one thread: that one thread owns the SQLite connection. */
  self->worker = g_thread_pool_new (worker_run, self, 1, TRUE, NULL);
  g_mutex_init (&self->queue_lock);
  g_mutex_init (&self->policy_lock);
  g_queue_init (&self->queue);
  self->now_func = real_time_now;
  rb_policy_init_defaults (&self->policy);
  self->tz = g_time_zone_new_identifier (RB_DEFAULT_TIMEZONE);
}

/* ---- opening ----------------------------------------------------------------------------- */

static gboolean
load_site_settings (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) site = NULL;
  g_autoptr (RbStatement) rows = NULL;
  RbPolicy policy;
  int rc;

  site = rb_store_prepare (self, "SELECT id, timezone, show_names FROM sites ORDER BY id LIMIT 1",
                           error);
  if (site == NULL)
    return FALSE;
  rc = rb_statement_step (site);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, self->db, rc, "site");
      return FALSE;
    }

  g_free (self->site_id);
  self->site_id = g_strdup (rb_statement_column_text (site, 0));
  g_clear_pointer (&self->tz, g_time_zone_unref);
  if (!(self->tz = rb_time_zone_new (rb_statement_column_text (site, 1), error)))
    return FALSE;

  rb_policy_init_defaults (&policy);
  policy.show_names = rb_statement_column_int (site, 2) != 0;
  rows = rb_store_prepare (self, "SELECT key, value FROM policy WHERE site_id = ?", error);
  if (rows == NULL)
    return FALSE;
  rb_statement_bind_text (rows, 1, self->site_id);
  while ((rc = rb_statement_step (rows)) == SQLITE_ROW)
    {
      const char *key = rb_statement_column_text (rows, 0);
      int value = rb_statement_column_int (rows, 1);

      if (g_str_equal (key, "desk_horizon_days"))
        policy.desk_horizon_days = value;
      else if (g_str_equal (key, "room_horizon_days"))
        policy.room_horizon_days = value;
      else if (g_str_equal (key, "team_lead_room_horizon_days"))
        policy.team_lead_room_horizon_days = value;
      else if (g_str_equal (key, "opening_minute"))
        policy.opening_minute = value;
      else if (g_str_equal (key, "closing_minute"))
        policy.closing_minute = value;
      else if (g_str_equal (key, "max_desk_minutes"))
        policy.max_desk_minutes = value;
      else if (g_str_equal (key, "one_desk_per_day"))
        policy.one_desk_per_day = value != 0;
      else if (g_str_equal (key, "check_in_before_minutes"))
        policy.check_in_before_minutes = value;
      else if (g_str_equal (key, "check_in_after_minutes"))
        policy.check_in_after_minutes = value;
      else if (g_str_equal (key, "panel_anonymous_booking"))
        policy.panel_anonymous_booking = value != 0;
      else if (g_str_equal (key, "anonymise_after_days"))
        policy.anonymise_after_days = value;
      else if (g_str_equal (key, "audit_retention_days"))
        policy.audit_retention_days = value;
      else if (g_str_equal (key, "delete_after_days"))
        policy.delete_after_days = value;
      else if (g_str_equal (key, "min_group_size"))
        policy.min_group_size = value;
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, self->db, rc, "policy");
      return FALSE;
    }
  rb_store_cache_policy (self, &policy);
  return TRUE;
}

/* A damaged file must be reported, never silently recreated or half-read. quick_check reads
 * every page once, a few milliseconds on a realistic file. */
static gboolean
check_integrity (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (self, "PRAGMA quick_check", NULL);

  if (stmt == NULL || rb_statement_step (stmt) != SQLITE_ROW
      || g_strcmp0 (rb_statement_column_text (stmt, 0), "ok") != 0)
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_CORRUPT,
                   _("The booking database “%s” is damaged or is not a Raumbuch database (%s). "
                     "It was left unchanged."),
                   self->path, rb_db_errmsg (self->db));
      return FALSE;
    }
  return TRUE;
}

/* A new database file is readable by its owner only, whatever the umask of whoever starts
 * us (outside systemd it is often 022): it holds PIN hashes, session hashes and the
 * server's secret key. SQLite gives its -wal and -shm files the same mode. */
static gboolean
create_private_file (RbStore *self, GError **error)
{
  int fd = g_open (self->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);

  if (fd < 0 && errno != EEXIST)
    {
      int saved_errno = errno;

      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                   _("Cannot create the booking database “%s”: %s"), self->path,
                   g_strerror (saved_errno));
      return FALSE;
    }
  if (fd >= 0)
    close (fd);
  return TRUE;
}

static gboolean
open_connection (RbStore *self, GError **error)
{
  g_autoptr (GError) open_error = NULL;

  if (self->connect != NULL)
    {
      if (!(self->db = self->connect (self->path, error)))
        return FALSE;
      self->statements = rb_statement_cache_new (self->db);
      return load_site_settings (self, error);
    }
  if (!create_private_file (self, error))
    return FALSE;
  if (!(self->db = rb_db_open_sqlite (self->path, &open_error)))
    {
      g_set_error (error, RB_STORE_ERROR, open_error->code, "%s: %s",
                   _("Cannot open the booking database"), open_error->message);
      return FALSE;
    }
  self->statements = rb_statement_cache_new (self->db);
  sqlite3_busy_timeout (rb_db_get_sqlite (self->db), 10000);

  /* WAL lets readers go on while one writer commits; synchronous=FULL makes a booking that
   * was acknowledged to anyone survive a power cut (DESIGN.md, invariant 3). The journal
   * mode is written into the file, so it is set only after the schema check: a file from a
   * newer version must be left byte for byte unchanged. */
  return check_integrity (self, error)
         && rb_db_exec (self->db,
                        "PRAGMA synchronous = FULL;"
                        "PRAGMA foreign_keys = ON;",
                        error)
         && rb_schema_migrate (self->db, error)
         && rb_db_exec (self->db, "PRAGMA journal_mode = WAL;", error)
         && load_site_settings (self, error);
}

RbStore *
rb_store_open_sync (const char *path, GError **error)
{
  g_autoptr (RbStore) self = g_object_new (RB_TYPE_STORE, NULL);

  g_return_val_if_fail (path != NULL, NULL);
  self->path = g_strdup (path);
  if (!open_connection (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

RbStore *
rb_store_open_with_sync (RbStoreConnectFunc connect, const char *location, GError **error)
{
  g_autoptr (RbStore) self = g_object_new (RB_TYPE_STORE, NULL);

  g_return_val_if_fail (connect != NULL && location != NULL, NULL);
  self->path = g_strdup (location);
  self->connect = connect;
  if (!open_connection (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

static gpointer
open_job (RbStore *self, gpointer data, GError **error)
{
  RbStoreArgs *args = data;
  gboolean empty = FALSE;

  if (!open_connection (self, error))
    return NULL;
  if (args->seed_demo
      && (!rb_store_is_empty_sync (self, &empty, error)
          || (empty && !rb_store_seed_demo_sync (self, error))))
    return NULL;
  return g_object_ref (self);
}

/* Opens (creating and migrating as needed) on the store's own thread; with seed_demo an
 * empty database gets the demo building. */
void
rb_store_open_async (const char *path, gboolean seed_demo, GCancellable *cancellable,
                     GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (RbStore) self = g_object_new (RB_TYPE_STORE, NULL);
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  self->path = g_strdup (path);
  args->seed_demo = seed_demo;
  run_async (self, open_job, args, g_object_unref, rb_store_open_async, cancellable, callback,
             user_data);
}

void
rb_store_open_with_async (RbStoreConnectFunc connect, const char *location, gboolean seed_demo,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data)
{
  g_autoptr (RbStore) self = g_object_new (RB_TYPE_STORE, NULL);
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  g_return_if_fail (connect != NULL && location != NULL);
  self->path = g_strdup (location);
  self->connect = connect;
  args->seed_demo = seed_demo;
  run_async (self, open_job, args, g_object_unref, rb_store_open_async, cancellable, callback,
             user_data);
}

RbStore *
rb_store_open_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == rb_store_open_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
rb_store_get_path (RbStore *self)
{
  return self->path;
}

/* Tests pin the clock; everything that asks "now" (policy, check-in, release) uses it. */
void
rb_store_set_clock (RbStore *self, gint64 (*now_func) (gpointer), gpointer data)
{
  self->now_func = now_func ? now_func : real_time_now;
  self->now_data = data;
}

gint64
rb_store_now (RbStore *self)
{
  return self->now_func (self->now_data);
}

void
rb_store_get_policy (RbStore *self, RbPolicy *out_policy)
{
  g_mutex_lock (&self->policy_lock);
  *out_policy = self->policy;
  g_mutex_unlock (&self->policy_lock);
}

/* Makes `policy` the one the store's checks use, at once; on the store's thread, after the
 * commit that wrote it (or at open). */
void
rb_store_cache_policy (RbStore *self, const RbPolicy *policy)
{
  g_mutex_lock (&self->policy_lock);
  self->policy = *policy;
  g_mutex_unlock (&self->policy_lock);
}

/* The site's id, or NULL while the store has no building. */
const char *
rb_store_get_site_id (RbStore *self)
{
  return self->site_id;
}

GTimeZone *
rb_store_get_time_zone (RbStore *self)
{
  return self->tz;
}

/* ---- the building ------------------------------------------------------------------------ */

gboolean
rb_store_is_empty_sync (RbStore *self, gboolean *out_empty, GError **error)
{
  gint64 count = 0;

  if (!rb_db_get_int (self->db, "SELECT count(*) FROM sites", &count, error))
    return FALSE;
  *out_empty = count == 0;
  return TRUE;
}

static gboolean
insert_building_part (RbStore *self, JsonArray *items, const char *what, GError **error)
{
  static const struct
  {
    const char *what;
    const char *sql;
  } statements[] = {
    { "buildings", "INSERT INTO buildings (id, site_id, name, address) VALUES (?, ?, ?, ?)" },
    { "floors", "INSERT INTO floors (id, building_id, name, level, width, height, position) VALUES (?, ?, ?, ?, ?, ?, ?)" },
    { "spaces", "INSERT INTO spaces (id, floor_id, kind, name, capacity, amenities, x, y, w, h, bookable) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)" },
    { "people", "INSERT INTO people (id, display_name, staff_number, team, role) VALUES (?, ?, ?, ?, ?)" },
  };
  g_autoptr (RbStatement) stmt = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (statements); i++)
    if (g_str_equal (statements[i].what, what))
      stmt = rb_store_prepare (self, statements[i].sql, error);
  if (stmt == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *node = json_array_get_element (items, i);

      rb_statement_reset (stmt);
      rb_statement_clear_bindings (stmt);
      if (g_str_equal (what, "buildings"))
        {
          g_autoptr (RbBuilding) b = rb_json_to_building (node, error);
          if (b == NULL)
            return FALSE;
          rb_statement_bind_text (stmt, 1, rb_building_get_id (b));
          rb_statement_bind_text (stmt, 2, rb_building_get_site_id (b));
          rb_statement_bind_text (stmt, 3, rb_building_get_name (b));
          rb_statement_bind_text (stmt, 4, rb_building_get_address (b));
        }
      else if (g_str_equal (what, "floors"))
        {
          g_autoptr (RbFloor) f = rb_json_to_floor (node, error);
          if (f == NULL)
            return FALSE;
          rb_statement_bind_text (stmt, 1, rb_floor_get_id (f));
          rb_statement_bind_text (stmt, 2, rb_floor_get_building_id (f));
          rb_statement_bind_text (stmt, 3, rb_floor_get_name (f));
          rb_statement_bind_int (stmt, 4, rb_floor_get_level (f));
          rb_statement_bind_int (stmt, 5, rb_floor_get_width (f));
          rb_statement_bind_int (stmt, 6, rb_floor_get_height (f));
          rb_statement_bind_int (stmt, 7, rb_floor_get_position (f));
        }
      else if (g_str_equal (what, "spaces"))
        {
          g_autoptr (RbSpace) s = rb_json_to_space (node, error);
          const RbRect *r;
          if (s == NULL)
            return FALSE;
          r = rb_space_get_rect (s);
          rb_statement_bind_text (stmt, 1, rb_space_get_id (s));
          rb_statement_bind_text (stmt, 2, rb_space_get_floor_id (s));
          rb_statement_bind_text (stmt, 3, rb_space_kind_to_string (rb_space_get_kind (s)));
          rb_statement_bind_text (stmt, 4, rb_space_get_name (s));
          rb_statement_bind_int (stmt, 5, rb_space_get_capacity (s));
          rb_statement_bind_int (stmt, 6, rb_space_get_amenities (s));
          rb_statement_bind_double (stmt, 7, r->x);
          rb_statement_bind_double (stmt, 8, r->y);
          rb_statement_bind_double (stmt, 9, r->w);
          rb_statement_bind_double (stmt, 10, r->h);
          rb_statement_bind_int (stmt, 11, rb_space_get_bookable (s));
        }
      else
        {
          g_autoptr (RbPerson) p = rb_json_to_person (node, error);
          if (p == NULL)
            return FALSE;
          rb_statement_bind_text (stmt, 1, rb_person_get_id (p));
          rb_statement_bind_text (stmt, 2, rb_person_get_display_name (p));
          rb_statement_bind_text (stmt, 3, rb_person_get_staff_number (p));
          rb_statement_bind_text (stmt, 4, rb_person_get_team (p));
          rb_statement_bind_text (stmt, 5, rb_role_to_string (rb_person_get_role (p)));
        }
      if (!rb_db_step_done (self->db, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/* Imports a building description (the shape of data/demo-building.json) in one transaction:
 * all of it or, on any invalid part, nothing. */
gboolean
rb_store_import_building_sync (RbStore *self, JsonNode *building, GError **error)
{
  static const char *const parts[] = { "buildings", "floors", "spaces", "people" };
  g_autoptr (RbSite) site = NULL;
  g_autoptr (RbStatement) insert_site = NULL;
  JsonObject *root;

  if (!JSON_NODE_HOLDS_OBJECT (building))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, NULL);
      return FALSE;
    }
  root = json_node_get_object (building);
  if (!(site = rb_json_to_site (json_object_get_member (root, "site"), error)))
    return FALSE;

  if (!rb_store_begin_write (self, error))
    return FALSE;
  insert_site = rb_store_prepare (
      self, "INSERT INTO sites (id, name, timezone, show_names) VALUES (?, ?, ?, ?)", error);
  if (insert_site == NULL)
    goto fail;
  rb_statement_bind_text (insert_site, 1, rb_site_get_id (site));
  rb_statement_bind_text (insert_site, 2, rb_site_get_name (site));
  rb_statement_bind_text (insert_site, 3, rb_site_get_timezone (site));
  rb_statement_bind_int (insert_site, 4, rb_site_get_show_names (site));
  if (!rb_db_step_done (self->db, insert_site, error))
    goto fail;

  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      JsonNode *items = json_object_get_member (root, parts[i]);

      if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                        parts[i]);
          goto fail;
        }
      if (!insert_building_part (self, json_node_get_array (items), parts[i], error))
        goto fail;
    }

  if (!rb_store_commit_write (self, error))
    return FALSE;
  return load_site_settings (self, error);

fail:
  rb_store_rollback_write (self);
  return FALSE;
}

/* The demo building as bundled in the store library (data/demo-building.json), for the
 * seed and for tools that need more of it than the import keeps (the server's demo PINs). */
JsonNode *
rb_store_load_demo_building (GError **error)
{
  static gsize registered = 0;
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const char *data;

  if (g_once_init_enter (&registered))
    {
      rb_store_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  bytes = g_resources_lookup_data (DEMO_BUILDING_RESOURCE, 0, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &size);
  return rb_json_parse (data, size, error);
}

/* The demo floors' plan drawings (data/plans/, bundled beside the building), so that the
 * demo shows floors one recognises. A floor without one in the bundle stays without. */
gboolean
rb_store_seed_demo_plans_sync (RbStore *self, GError **error)
{
  g_autoptr (GPtrArray) floors = rb_store_list_floors_sync (self, error);

  if (floors == NULL)
    return FALSE;
  for (guint i = 0; i < floors->len; i++)
    {
      const char *floor_id = rb_floor_get_id (g_ptr_array_index (floors, i));
      g_autofree char *path = g_strdup_printf (DEMO_PLANS_RESOURCE "%s.svg", floor_id);
      g_autoptr (GBytes) svg = g_resources_lookup_data (path, 0, NULL);
      g_autoptr (RbPlanDrawing) drawing = NULL;

      if (svg == NULL)
        continue;
      drawing = rb_plan_drawing_new ("image/svg+xml", svg, rb_store_now (self));
      if (!rb_floor_plans_cache_sync (self, floor_id, drawing, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
rb_store_seed_demo_sync (RbStore *self, GError **error)
{
  g_autoptr (JsonNode) root = rb_store_load_demo_building (error);

  return root != NULL && rb_store_import_building_sync (self, root, error)
         && rb_store_seed_demo_plans_sync (self, error);
}

RbSite *
rb_store_get_site_sync (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "SELECT id, name, timezone, show_names FROM sites ORDER BY id LIMIT 1", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, self->db, rc, "site");
      return NULL;
    }
  return rb_site_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                      rb_statement_column_text (stmt, 2), rb_statement_column_int (stmt, 3));
}

/* Runs a query and makes one object per row; NULL with an error on failure. */
static GPtrArray *
collect_rows (RbStore *self, RbStatement *stmt, gpointer (*make) (RbStatement *),
              GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  int rc;

  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, make (stmt));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, self->db, rc, "query");
      return NULL;
    }
  return g_steal_pointer (&items);
}

/* The first column of every row of a query (an id, mostly), as strings; NULL with an error
 * on failure. */
GPtrArray *
rb_store_collect_texts (RbStore *self, RbStatement *stmt, GError **error)
{
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  int rc;

  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (texts, g_strdup (rb_statement_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, self->db, rc, "query");
      return NULL;
    }
  return g_steal_pointer (&texts);
}

static gpointer
floor_from_row (RbStatement *stmt)
{
  RbFloor *floor = rb_floor_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                                 rb_statement_column_text (stmt, 2), rb_statement_column_int (stmt, 3),
                                 rb_statement_column_int (stmt, 4), rb_statement_column_int (stmt, 5));

  rb_floor_set_position (floor, rb_statement_column_int (stmt, 6));
  rb_floor_set_plan (floor, rb_statement_column_text (stmt, 7), rb_statement_column_int64 (stmt, 8));
  return floor;
}

/* The floors in service, in their buildings' order (schema 7: position). */
GPtrArray *
rb_store_list_floors_sync (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self,
      "SELECT f.id, f.building_id, f.name, f.level, f.width, f.height, f.position,"
      " p.content_type, p.updated_at FROM floors f LEFT JOIN floor_plans p ON p.floor_id = f.id"
      " WHERE f.retired_at IS NULL ORDER BY f.building_id, f.position, f.level, f.id",
      error);

  return stmt ? collect_rows (self, stmt, floor_from_row, error) : NULL;
}

static gpointer
building_from_row (RbStatement *stmt)
{
  return rb_building_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                          rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3));
}

GPtrArray *
rb_store_list_buildings_sync (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "SELECT id, site_id, name, address FROM buildings ORDER BY name", error);

  return stmt ? collect_rows (self, stmt, building_from_row, error) : NULL;
}

/* A retired space (schema 7) reads as not bookable wherever it still shows, in old bookings. */
#define SPACE_COLUMNS                                                                       \
  "id, floor_id, kind, name, capacity, amenities, x, y, w, h,"                              \
  " (bookable <> 0 AND retired_at IS NULL)"

static gpointer
space_from_row (RbStatement *stmt)
{
  RbSpaceKind kind = RB_SPACE_KIND_DESK;
  /* The columns have INTEGER affinity, which keeps a fraction of a metre as REAL. */
  RbRect rect = { rb_statement_column_double (stmt, 6), rb_statement_column_double (stmt, 7),
                  rb_statement_column_double (stmt, 8), rb_statement_column_double (stmt, 9) };

  RbSpace *space;

  rb_space_kind_from_string (rb_statement_column_text (stmt, 2), &kind);
  space = rb_space_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1), kind,
                        rb_statement_column_text (stmt, 3), rb_statement_column_int (stmt, 4),
                        rb_statement_column_int (stmt, 5), &rect);
  rb_space_set_bookable (space, rb_statement_column_int (stmt, 10));
  return space;
}

GPtrArray *
rb_store_list_spaces_sync (RbStore *self, const char *floor_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self,
      "SELECT " SPACE_COLUMNS " FROM spaces WHERE (CAST (?1 AS TEXT) IS NULL OR floor_id = ?1)"
      " AND retired_at IS NULL ORDER BY kind, name",
      error);

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, floor_id);
  return collect_rows (self, stmt, space_from_row, error);
}

/* Fetches one object by id; NOT_FOUND when there is none. */
static gpointer
get_one (RbStore *self, const char *sql, const char *key, gpointer (*make) (RbStatement *),
         GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, key);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return make (stmt);
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
  else
    rb_db_set_error (error, self->db, rc, "query");
  return NULL;
}

RbSpace *
rb_store_get_space_sync (RbStore *self, const char *space_id, GError **error)
{
  return get_one (self, "SELECT " SPACE_COLUMNS " FROM spaces WHERE id = ?", space_id,
                  space_from_row, error);
}

#define PERSON_COLUMNS "id, display_name, staff_number, team, role"

static gpointer
person_from_row (RbStatement *stmt)
{
  RbRole role = RB_ROLE_STAFF;

  rb_role_from_string (rb_statement_column_text (stmt, 4), &role);
  return rb_person_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                        rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3), role);
}

GPtrArray *
rb_store_list_people_sync (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "SELECT " PERSON_COLUMNS " FROM people WHERE active = 1 ORDER BY display_name", error);

  return stmt ? collect_rows (self, stmt, person_from_row, error) : NULL;
}

RbPerson *
rb_store_get_person_sync (RbStore *self, const char *person_id, GError **error)
{
  return get_one (self, "SELECT " PERSON_COLUMNS " FROM people WHERE id = ?", person_id,
                  person_from_row, error);
}

RbPerson *
rb_store_find_person_by_staff_number_sync (RbStore *self, const char *staff_number,
                                           GError **error)
{
  return get_one (self, "SELECT " PERSON_COLUMNS " FROM people WHERE staff_number = ?",
                  staff_number, person_from_row, error);
}

/* ---- bookings ---------------------------------------------------------------------------- */

#define BOOKING_COLUMNS                                                                     \
  "b.id, b.space_id, b.person_id, b.start, b.\"end\", b.title, b.attendees, b.series_id, "      \
  "b.state, b.version, b.seq, s.name, p.display_name, s.kind, b.cancel_reason, b.created_at, " \
  "b.door_device_id IS NOT NULL, b.anonymised, COALESCE (p.show_name, 0)"
#define BOOKING_FROM                                                                        \
  " FROM bookings b JOIN spaces s ON s.id = b.space_id LEFT JOIN people p ON p.id = b.person_id"

/* The same columns of a booking just written, from the statement's RETURNING. */
#define BOOKING_RETURNING                                                                   \
  "bookings.id, bookings.space_id, bookings.person_id, bookings.start, bookings.\"end\", "     \
  "bookings.title, bookings.attendees, bookings.series_id, bookings.state, bookings.version, " \
  "bookings.seq, (SELECT name FROM spaces s WHERE s.id = bookings.space_id), "              \
  "(SELECT display_name FROM people p WHERE p.id = bookings.person_id), "                   \
  "(SELECT kind FROM spaces s WHERE s.id = bookings.space_id), bookings.cancel_reason, "    \
  "bookings.created_at, bookings.door_device_id IS NOT NULL, bookings.anonymised, "         \
  "COALESCE ((SELECT show_name FROM people p WHERE p.id = bookings.person_id), 0)"

static gpointer
booking_from_row (RbStatement *stmt)
{
  RbBookingState state = RB_BOOKING_STATE_BOOKED;
  RbSpaceKind kind = RB_SPACE_KIND_DESK;
  RbBooking *booking = rb_booking_new (
      rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1), rb_statement_column_text (stmt, 2),
      rb_interval_make (rb_statement_column_int64 (stmt, 3), rb_statement_column_int64 (stmt, 4)));

  rb_booking_set_title (booking, rb_statement_column_text (stmt, 5));
  rb_booking_set_attendees (booking, rb_statement_column_int (stmt, 6));
  rb_booking_set_series_id (booking, rb_statement_column_text (stmt, 7));
  rb_booking_state_from_string (rb_statement_column_text (stmt, 8), &state);
  rb_booking_set_state (booking, state);
  rb_booking_set_version (booking, rb_statement_column_int64 (stmt, 9));
  rb_booking_set_seq (booking, rb_statement_column_int64 (stmt, 10));
  rb_booking_set_space_name (booking, rb_statement_column_text (stmt, 11));
  rb_booking_set_person_name (booking, rb_statement_column_text (stmt, 12));
  rb_space_kind_from_string (rb_statement_column_text (stmt, 13), &kind);
  rb_booking_set_space_kind (booking, kind);
  rb_booking_set_cancel_reason (booking, rb_statement_column_text (stmt, 14));
  rb_booking_set_created_at (booking, rb_statement_column_int64 (stmt, 15));
  rb_booking_set_at_door (booking, rb_statement_column_int (stmt, 16) != 0);
  rb_booking_set_anonymised (booking, rb_statement_column_int (stmt, 17));
  rb_booking_set_name_consented (booking, rb_statement_column_int (stmt, 18) != 0);
  return booking;
}

RbBooking *
rb_store_get_booking_sync (RbStore *self, const char *booking_id, GError **error)
{
  return get_one (self, "SELECT " BOOKING_COLUMNS BOOKING_FROM " WHERE b.id = ?", booking_id,
                  booking_from_row, error);
}

/* The fingerprint of the POST /bookings that created booking_id (schema 5), or NULL without
 * an error when none was kept: bookings made otherwise, or before schema 5. */
static char *
get_booking_request_hash (RbStore *self, const char *booking_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "SELECT body_hash FROM booking_requests WHERE booking_id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, booking_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (rb_statement_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    rb_db_set_error (error, self->db, rc, "query");
  return NULL;
}

static gboolean
set_booking_request_hash (RbStore *self, const char *booking_id, const char *body_hash,
                          GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "INSERT INTO booking_requests (booking_id, body_hash) VALUES (?, ?)"
                                 " ON CONFLICT (booking_id) DO UPDATE SET body_hash = excluded.body_hash",
      error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, booking_id);
  rb_statement_bind_text (stmt, 2, body_hash);
  /* nothing waits for it: a failure still fails the create's transaction before its commit */
  return rb_db_step_deferred (self->db, stmt, error);
}

GPtrArray *
rb_store_list_bookings_sync (RbStore *self, const RbBookingQuery *query, GError **error)
{
#define BOOKING_LIST_WHERE                                                                  \
  " WHERE (CAST (?1 AS TEXT) IS NULL OR b.space_id = ?1)"                                                  \
  "   AND (CAST (?2 AS TEXT) IS NULL OR s.floor_id = ?2)"                                                  \
  "   AND (CAST (?3 AS TEXT) IS NULL OR b.person_id = ?3)"                                                 \
  "   AND (CAST (?4 AS BIGINT) IS NULL OR (b.start < ?5 AND b.start > CAST (?4 AS BIGINT) - ?7 AND b.\"end\" > ?4))"              \
  "   AND (?6 = 0 OR b.state IN ('booked', 'checked_in'))"
  gboolean has_range = rb_interval_is_valid (query->range);
  /* A page is ordered by what identifies a booking's place for good (start, id), so that
   * the next page goes on exactly after the last booking of this one. */
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self,
      query->limit > 0
          ? "SELECT " BOOKING_COLUMNS BOOKING_FROM BOOKING_LIST_WHERE
            "   AND (CAST (?8 AS TEXT) IS NULL OR b.start > ?9 OR (b.start = ?9 AND b.id > ?8))"
            " ORDER BY b.start, b.id LIMIT ?10"
          : "SELECT " BOOKING_COLUMNS BOOKING_FROM BOOKING_LIST_WHERE
            " ORDER BY b.start, s.name",
      error);
#undef BOOKING_LIST_WHERE

  if (stmt == NULL)
    return NULL;
  if (query->limit > 0)
    {
      rb_statement_bind_text (stmt, 8, query->after_id);
      rb_statement_bind_int64 (stmt, 9, query->after_start);
      rb_statement_bind_int64 (stmt, 10, query->limit);
    }
  rb_statement_bind_text (stmt, 1, query->space_id);
  rb_statement_bind_text (stmt, 2, query->floor_id);
  rb_statement_bind_text (stmt, 3, query->person_id);
  if (has_range)
    {
      rb_statement_bind_int64 (stmt, 4, query->range.start);
      rb_statement_bind_int64 (stmt, 5, query->range.end);
    }
  rb_statement_bind_int (stmt, 6, query->active_only);
  rb_statement_bind_int64 (stmt, 7, MAX_BOOKING_SECONDS);
  return collect_rows (self, stmt, booking_from_row, error);
}

/* Finds an active booking that clashes with `interval`, for the error message. */
static gboolean
find_clash (RbStore *self, const char *sql, const char *key, const char *other_key,
            RbInterval interval, RbInterval *out_clash, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, key);
  rb_statement_bind_int64 (stmt, 2, interval.start);
  rb_statement_bind_int64 (stmt, 3, interval.end);
  rb_statement_bind_int64 (stmt, 4, MAX_BOOKING_SECONDS);
  if (other_key != NULL)
    rb_statement_bind_text (stmt, 5, other_key);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *out_clash = rb_interval_make (rb_statement_column_int64 (stmt, 0),
                                     rb_statement_column_int64 (stmt, 1));
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    rb_db_set_error (error, self->db, rc, "query");
  *out_clash = rb_interval_make (0, 0);
  return FALSE;
}

/* Runs an INSERT … RETURNING seq into changes; the new row's number, or 0 with an error. */
static gint64
step_returning_seq (RbStore *self, RbStatement *stmt, GError **error)
{
  int rc = rb_statement_step (stmt);

  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, self->db, rc, "change");
      return 0;
    }
  self->write_last_seq = rb_statement_column_int64 (stmt, 0);
  return self->write_last_seq;
}

static gint64
append_change (RbStore *self, const char *booking_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "INSERT INTO changes (booking_id, changed_at) VALUES (?, ?) RETURNING seq", error);

  if (stmt == NULL)
    return 0;
  rb_statement_bind_text (stmt, 1, booking_id);
  rb_statement_bind_int64 (stmt, 2, rb_store_now (self));
  return step_returning_seq (self, stmt, error);
}

/* Live bookings (state) of the interval from START to END, through the partial indexes of
 * schema 6, so that cancelled and released ones cost nothing however many pile up in a
 * slot; ?4 is MAX_BOOKING_SECONDS, which bounds how far back a clash can start. */
#define LIVE_DURING(START, END)                                                               \
  " AND state IN ('booked', 'checked_in') AND start < " END " AND start > CAST (" START      \
  " AS BIGINT) - ?4 AND \"end\" > " START

/* What a new booking can clash with: a booking in the space, a desk of the person's at that
 * time, another desk of the person's that day (one desk per day means one *desk*: the same
 * desk again later that day is fine). */
enum
{
  CLASH_SPACE,
  CLASH_DESK,
  CLASH_DESK_THAT_DAY,
  N_CLASHES,
};

static const char space_clash_query[] = "SELECT start, \"end\" FROM bookings WHERE space_id = ?1"
                                        LIVE_DURING ("?2", "?3") " ORDER BY start LIMIT 1";
static const char desk_clash_query[] = "SELECT start, \"end\" FROM bookings WHERE person_id = ?1"
                                       " AND is_desk <> 0" LIVE_DURING ("?2", "?3")
                                       " ORDER BY start LIMIT 1";
/* Asks for all of them and for a block of the space in one round trip, which is all that a
 * booking that clashes with nothing costs; only a clash then runs its own query above, for
 * the interval its message names. ?1 the space, ?2 and ?3 the interval, ?5 the person, ?6
 * and ?7 that day. It asks the desk checks of a room too, and find_clashes ignores them:
 * with nothing in it that depends on a parameter's value, PostgreSQL plans it once, where a
 * condition on a flag had it planned again for every booking. */
static const char clash_check_query[] =
    "SELECT EXISTS (SELECT 1 FROM space_blocks WHERE space_id = ?1 AND start < ?3"
    " AND \"end\" > ?2),"
    " EXISTS (SELECT 1 FROM bookings WHERE space_id = ?1" LIVE_DURING ("?2", "?3") "),"
    " EXISTS (SELECT 1 FROM bookings WHERE person_id = ?5 AND is_desk <> 0"
    LIVE_DURING ("?2", "?3") "),"
    " EXISTS (SELECT 1 FROM bookings WHERE person_id = ?5 AND is_desk <> 0"
    " AND space_id != ?1" LIVE_DURING ("?6", "?7") ")";

static const char *const clash_queries[] = { space_clash_query, desk_clash_query,
                                             clash_check_query, NULL };

#undef LIVE_DURING

/* For tests of their query plans. */
const char *const *
rb_store_clash_queries (void)
{
  return clash_queries;
}

/* Which clashes a booking of space by request's person in interval would have, and whether
 * the space is blocked then. */
static gboolean
find_clashes (RbStore *self, RbSpace *space, RbBooking *request, RbInterval interval,
              gboolean *out_blocked, gboolean clashes[N_CLASHES], GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (self, clash_check_query, error);
  gboolean desk = rb_space_get_kind (space) == RB_SPACE_KIND_DESK;
  RbInterval day = rb_local_day (self->tz, interval.start);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, rb_space_get_id (space));
  rb_statement_bind_int64 (stmt, 2, interval.start);
  rb_statement_bind_int64 (stmt, 3, interval.end);
  rb_statement_bind_int64 (stmt, 4, MAX_BOOKING_SECONDS);
  rb_statement_bind_text (stmt, 5, rb_booking_get_person_id (request));
  rb_statement_bind_int64 (stmt, 6, day.start);
  rb_statement_bind_int64 (stmt, 7, day.end);
  rc = rb_statement_step (stmt);
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, self->db, rc, "query");
      return FALSE;
    }
  *out_blocked = rb_statement_column_int (stmt, 0) != 0;
  clashes[CLASH_SPACE] = rb_statement_column_int (stmt, 1) != 0;
  clashes[CLASH_DESK] = desk && rb_statement_column_int (stmt, 2) != 0;
  clashes[CLASH_DESK_THAT_DAY] = desk && self->policy.one_desk_per_day
                                 && rb_statement_column_int (stmt, 3) != 0;
  return TRUE;
}

/* The checks that need other bookings; runs inside the write transaction. */
static gboolean
check_clashes (RbStore *self, RbSpace *space, RbBooking *request, GError **error)
{
  RbInterval interval = rb_booking_get_interval (request);
  RbInterval clash;
  gboolean blocked;
  gboolean clashes[N_CLASHES];
  GError *local_error = NULL;

  if (!find_clashes (self, space, request, interval, &blocked, clashes, error))
    return FALSE;
  if (blocked)
    {
      rb_set_error (error, RB_ERROR_SPACE_BLOCKED, NULL);
      return FALSE;
    }
  if (clashes[CLASH_SPACE]
      && find_clash (self, space_clash_query, rb_space_get_id (space), NULL, interval,
                     &clash, &local_error))
    {
      rb_set_clash_error (error, RB_ERROR_OVERLAP, self->tz, clash);
      return FALSE;
    }
  if (local_error == NULL && clashes[CLASH_DESK]
      && find_clash (self, desk_clash_query, rb_booking_get_person_id (request), NULL,
                     interval, &clash, &local_error))
    {
      rb_set_clash_error (error, RB_ERROR_DESK_ALREADY_HELD, self->tz, clash);
      return FALSE;
    }
  if (local_error == NULL && clashes[CLASH_DESK_THAT_DAY])
    {
      rb_set_error (error, RB_ERROR_ONE_DESK_PER_DAY, NULL);
      return FALSE;
    }
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  return TRUE;
}

static gboolean
same_request (RbBooking *existing, RbBooking *request)
{
  RbInterval a = rb_booking_get_interval (existing), b = rb_booking_get_interval (request);

  return g_strcmp0 (rb_booking_get_space_id (existing), rb_booking_get_space_id (request)) == 0
         && g_strcmp0 (rb_booking_get_person_id (existing), rb_booking_get_person_id (request)) == 0
         && a.start == b.start && a.end == b.end;
}

/* Creates a booking for request's person. The request's id makes a retry safe: the same id
 * with the same content returns the booking made the first time. A request whose state is
 * RB_BOOKING_STATE_CHECKED_IN (made at a kiosk, by the person standing there, for a booking
 * that begins now) is stored checked in, if it could be checked in now
 * (rb_policy_check_checked_in_booking); any other state than booked or checked in is
 * refused. A request whose created_at is set and earlier than now (a kiosk's queued booking,
 * its created_at the time its credential was sealed: rb_credential_open) is judged as of
 * then, so a booking made offline for the slot that was running still counts when it
 * arrives late, as long as it has not ended; it is stored as made then.
 * body_hash, when not NULL, is the fingerprint of the request that asks (POST /bookings with
 * its Idempotency-Key): kept with the booking, in its transaction; a retry with the same id
 * and another fingerprint is another request (the IETF draft on Idempotency-Key, 2.7), and
 * is refused with RB_ERROR_IDEMPOTENCY_KEY_REUSED. *out_existed says whether the booking was
 * there before (a retry) rather than made now. */
static RbBooking *
create_booking (RbStore *self, RbBooking *request, RbPerson *known_person,
                const char *door_device_id, const char *body_hash, gboolean *out_existed,
                GError **error)
{
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (RbPerson) person = NULL;
  g_autoptr (RbBooking) existing = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbStatement) insert = NULL;
  g_autoptr (GError) lookup_error = NULL;
  RbInterval interval = rb_booking_get_interval (request);
  const char *id = rb_booking_get_id (request);
  gboolean checked_in = rb_booking_get_state (request) == RB_BOOKING_STATE_CHECKED_IN;
  gint64 now = rb_store_now (self);
  gint64 made = rb_booking_get_created_at (request) > 0
                    ? MIN (rb_booking_get_created_at (request), now)
                    : now;
  gint64 seq;
  int rc;

  if (out_existed != NULL)
    *out_existed = FALSE;
  if (id == NULL || !g_uuid_string_is_valid (id))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."), "id");
      return NULL;
    }
  if (!checked_in && rb_booking_get_state (request) != RB_BOOKING_STATE_BOOKED)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."),
                    "state");
      return NULL;
    }
  if (!(space = rb_store_get_space_sync (self, rb_booking_get_space_id (request), error)))
    return NULL;
  if (!rb_space_get_bookable (space))
    {
      rb_set_error (error, RB_ERROR_SPACE_NOT_BOOKABLE, NULL);
      return NULL;
    }
  /* Nobody: a door panel's booking of its room, where the site allows it (issue 12). */
  if (rb_booking_get_person_id (request) == NULL)
    {
      if (door_device_id == NULL || !self->policy.panel_anonymous_booking
          || rb_space_get_kind (space) == RB_SPACE_KIND_DESK)
        {
          rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
          return NULL;
        }
    }
  else if (known_person != NULL
           && g_strcmp0 (rb_person_get_id (known_person), rb_booking_get_person_id (request))
                  == 0)
    person = g_object_ref (known_person);
  else if (!(person = rb_store_get_person_sync (self, rb_booking_get_person_id (request),
                                                &lookup_error)))
    {
      if (g_error_matches (lookup_error, RB_ERROR, RB_ERROR_NOT_FOUND))
        rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      else
        g_propagate_error (error, g_steal_pointer (&lookup_error));
      return NULL;
    }

  if (!rb_store_begin_write (self, error))
    return NULL;

  existing = rb_store_get_booking_sync (self, id, &lookup_error);
  if (existing != NULL)
    {
      g_autoptr (GError) hash_error = NULL;
      g_autofree char *kept = body_hash != NULL ? get_booking_request_hash (self, id, &hash_error)
                                                : NULL;

      rb_store_rollback_write (self);
      if (hash_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&hash_error));
          return NULL;
        }
      /* Bookings whose request was not kept (made otherwise, or before schema 5) are
       * answered as before. */
      if (kept != NULL && !g_str_equal (kept, body_hash))
        {
          rb_set_error (error, RB_ERROR_IDEMPOTENCY_KEY_REUSED, NULL);
          return NULL;
        }
      if (same_request (existing, request))
        {
          if (out_existed != NULL)
            *out_existed = TRUE;
          return g_steal_pointer (&existing);
        }
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("This booking ID is already in use."));
      return NULL;
    }
  if (!g_error_matches (lookup_error, RB_ERROR, RB_ERROR_NOT_FOUND))
    goto fail_with_lookup_error;

  /* Checked inside the transaction only because "now" must not move between check and
   * write; the rules themselves need no database. */
  if (made < now && interval.end <= now)
    {
      rb_set_error (error, RB_ERROR_IN_PAST, NULL);
      goto fail;
    }
  if (!rb_policy_check_booking (&self->policy, self->tz,
                                person != NULL ? rb_person_get_role (person) : RB_ROLE_STAFF,
                                space, interval, rb_booking_get_attendees (request), made, error)
      || (checked_in
          && !rb_policy_check_checked_in_booking (&self->policy, interval, now, error))
      || !check_clashes (self, space, request, error))
    goto fail;

  if (!(seq = append_change (self, id, error)))
    goto fail;

  insert = rb_store_prepare (
      self,
      "INSERT INTO bookings (id, space_id, person_id, is_desk, start, \"end\", title, attendees,"
      " series_id, state, version, seq, created_at, updated_at, door_device_id)"
      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?) RETURNING " BOOKING_RETURNING,
      error);
  if (insert == NULL)
    goto fail;
  rb_statement_bind_text (insert, 1, id);
  rb_statement_bind_text (insert, 2, rb_space_get_id (space));
  rb_statement_bind_text (insert, 3, person != NULL ? rb_person_get_id (person) : NULL);
  rb_statement_bind_int (insert, 4, rb_space_get_kind (space) == RB_SPACE_KIND_DESK);
  rb_statement_bind_int64 (insert, 5, interval.start);
  rb_statement_bind_int64 (insert, 6, interval.end);
  rb_statement_bind_text (insert, 7, rb_booking_get_title (request));
  rb_statement_bind_int (insert, 8, rb_booking_get_attendees (request));
  rb_statement_bind_text (insert, 9, rb_booking_get_series_id (request));
  rb_statement_bind_text (insert, 10, rb_booking_state_to_string (rb_booking_get_state (request)));
  rb_statement_bind_int64 (insert, 11, seq);
  rb_statement_bind_int64 (insert, 12, made);
  rb_statement_bind_int64 (insert, 13, now);
  rb_statement_bind_text (insert, 14, person == NULL ? door_device_id : NULL);
  rc = rb_statement_step (insert);
  if (rc != SQLITE_ROW)
    {
      /* Only reachable if a check above were missing: the triggers of rb-schema.c refuse. */
      RbErrorCode code;
      if ((rc & 0xff) == SQLITE_CONSTRAINT
          && rb_error_code_from_string (rb_db_errmsg (self->db), &code))
        rb_set_error (error, code, NULL);
      else
        rb_db_set_error (error, self->db, rc, "insert booking");
      goto fail;
    }
  /* the answer as written, without reading it again; the statement ends before the
   * commit, which SQLite refuses while it runs */
  booking = booking_from_row (insert);
  g_clear_pointer (&insert, rb_statement_release);
  if (body_hash != NULL && !set_booking_request_hash (self, id, body_hash, error))
    goto fail;

  if (!rb_store_commit_write (self, error))
    return NULL;
  return g_steal_pointer (&booking);

fail_with_lookup_error:
  g_propagate_error (error, g_steal_pointer (&lookup_error));
fail:
  rb_store_rollback_write (self);
  return NULL;
}

RbBooking *
rb_store_create_booking_sync (RbStore *self, RbBooking *request, GError **error)
{
  return create_booking (self, request, NULL, NULL, NULL, NULL, error);
}

/* A POST /bookings: for request's person, or for nobody at door_device_id's door (as
 * rb_store_create_door_booking_sync), with the request's fingerprint (create_booking).
 * person, when not NULL, is the request's person as the caller read it for this request
 * (its session's), which spares reading it again. */
RbBooking *
rb_store_create_requested_booking_sync (RbStore *self, RbBooking *request, RbPerson *person,
                                        const char *door_device_id, const char *body_hash,
                                        gboolean *out_existed, GError **error)
{
  return create_booking (self, request, person, door_device_id, body_hash, out_existed, error);
}

/* A door panel's booking for nobody (request's person NULL), where the site allows it:
 * door_device_id is the panel's device (RB_STORE_STANDALONE_DOOR standalone), the one that
 * may end or extend it again without anybody's PIN. */
RbBooking *
rb_store_create_door_booking_sync (RbStore *self, RbBooking *request, const char *door_device_id,
                                   GError **error)
{
  g_return_val_if_fail (door_device_id != NULL, NULL);
  return create_booking (self, request, NULL, door_device_id, NULL, NULL, error);
}

/* Whether the booking was made for nobody at the door of this device (inside the caller's
 * transaction); FORBIDDEN otherwise. */
static gboolean
check_door (RbStore *self, const char *booking_id, const char *door_device_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "SELECT 1 FROM bookings WHERE id = ? AND person_id IS NULL AND door_device_id = ?",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, booking_id);
  rb_statement_bind_text (stmt, 2, door_device_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return TRUE;
  if (rc != SQLITE_DONE)
    rb_db_set_error (error, self->db, rc, "query");
  else
    rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
  return FALSE;
}

static gboolean
set_state (RbStore *self, RbBooking *booking, RbBookingState state, GError **error)
{
  g_autoptr (RbStatement) update = NULL;
  gint64 seq = append_change (self, rb_booking_get_id (booking), error);

  if (seq == 0)
    return FALSE;
  update = rb_store_prepare (
      self,
      "UPDATE bookings SET state = ?, version = version + 1, seq = ?, updated_at = ? WHERE id = ?",
      error);
  if (update == NULL)
    return FALSE;
  rb_statement_bind_text (update, 1, rb_booking_state_to_string (state));
  rb_statement_bind_int64 (update, 2, seq);
  rb_statement_bind_int64 (update, 3, rb_store_now (self));
  rb_statement_bind_text (update, 4, rb_booking_get_id (booking));
  return rb_db_step_done (self->db, update, error);
}

typedef enum
{
  TRANSITION_CANCEL,
  TRANSITION_CHECK_IN,
} Transition;

/* By a person (actor_id), or by the door panel that booked for nobody (door_device_id). */
static RbBooking *
transition (RbStore *self, const char *booking_id, const char *actor_id,
            const char *door_device_id, Transition what, GError **error)
{
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbPerson) actor = NULL;
  gint64 now = rb_store_now (self);
  gboolean own;

  if (door_device_id == NULL && !(actor = rb_store_get_person_sync (self, actor_id, NULL)))
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  if (!rb_store_begin_write (self, error))
    return NULL;
  if (!(booking = rb_store_get_booking_sync (self, booking_id, error)))
    goto fail;

  if (door_device_id != NULL)
    {
      if (!check_door (self, booking_id, door_device_id, error))
        goto fail;
    }
  else
    {
      own = g_strcmp0 (rb_booking_get_person_id (booking), actor_id) == 0;
      if (!own && (what == TRANSITION_CHECK_IN || rb_person_get_role (actor) != RB_ROLE_ADMIN))
        {
          rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
          goto fail;
        }
    }

  if (what == TRANSITION_CANCEL)
    {
      if (!rb_booking_state_is_active (rb_booking_get_state (booking))
          || rb_booking_get_end (booking) <= now)
        {
          rb_set_error (error, RB_ERROR_INVALID_STATE, NULL);
          goto fail;
        }
      if (!set_state (self, booking, RB_BOOKING_STATE_CANCELLED, error))
        goto fail;
    }
  else
    {
      if (rb_booking_get_state (booking) != RB_BOOKING_STATE_BOOKED)
        {
          rb_set_error (error, RB_ERROR_INVALID_STATE, NULL);
          goto fail;
        }
      if (!rb_policy_check_check_in (&self->policy, rb_booking_get_interval (booking),
                                     rb_booking_get_created_at (booking), now, error)
          || !set_state (self, booking, RB_BOOKING_STATE_CHECKED_IN, error))
        goto fail;
    }

  if (!rb_store_commit_write (self, error))
    return NULL;
  return rb_store_get_booking_sync (self, booking_id, error);

fail:
  rb_store_rollback_write (self);
  return NULL;
}

RbBooking *
rb_store_cancel_booking_sync (RbStore *self, const char *booking_id, const char *actor_id,
                              GError **error)
{
  return transition (self, booking_id, actor_id, NULL, TRANSITION_CANCEL, error);
}

RbBooking *
rb_store_cancel_door_booking_sync (RbStore *self, const char *booking_id,
                                   const char *door_device_id, GError **error)
{
  g_return_val_if_fail (door_device_id != NULL, NULL);
  return transition (self, booking_id, NULL, door_device_id, TRANSITION_CANCEL, error);
}

RbBooking *
rb_store_check_in_sync (RbStore *self, const char *booking_id, const char *actor_id,
                        GError **error)
{
  return transition (self, booking_id, actor_id, NULL, TRANSITION_CHECK_IN, error);
}

/* Changes the times and the title of a booking (PATCH on the server). expected_version must
 * be the stored version, so a change made meanwhile by someone else is never overwritten. The
 * rules of a new booking run again, in the same BEGIN IMMEDIATE transaction as the write.
 * While the clash checks run the booking steps aside (it is marked cancelled inside the
 * transaction) so that it does not clash with itself; any failure rolls that back. */
static RbBooking *
update_booking (RbStore *self, const char *booking_id, const char *actor_id,
                const char *door_device_id, gint64 expected_version, RbInterval interval,
                const char *title, gboolean change_title, GError **error)
{
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbBooking) candidate = NULL;
  g_autoptr (RbPerson) actor = NULL;
  g_autoptr (RbPerson) owner = NULL;
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (RbStatement) step_aside = NULL;
  g_autoptr (RbStatement) update = NULL;
  gint64 now = rb_store_now (self);
  gint64 policy_now;
  gint64 seq;

  if (door_device_id == NULL && !(actor = rb_store_get_person_sync (self, actor_id, NULL)))
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  if (!rb_store_begin_write (self, error))
    return NULL;
  if (!(booking = rb_store_get_booking_sync (self, booking_id, error)))
    goto fail;
  if (door_device_id != NULL ? !check_door (self, booking_id, door_device_id, error)
                             : g_strcmp0 (rb_booking_get_person_id (booking), actor_id) != 0
                                   && rb_person_get_role (actor) != RB_ROLE_ADMIN)
    {
      if (door_device_id == NULL)
        rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      goto fail;
    }
  if (rb_booking_get_version (booking) != expected_version)
    {
      rb_set_error (error, RB_ERROR_STALE_VERSION, NULL);
      goto fail;
    }
  /* Checked in, it may still end early or be extended (at the door panel). */
  if ((rb_booking_get_state (booking) != RB_BOOKING_STATE_BOOKED
       && rb_booking_get_state (booking) != RB_BOOKING_STATE_CHECKED_IN)
      || rb_booking_get_end (booking) <= now)
    {
      rb_set_error (error, RB_ERROR_INVALID_STATE, NULL);
      goto fail;
    }
  if (!(space = rb_store_get_space_sync (self, rb_booking_get_space_id (booking), error)))
    goto fail;
  owner = rb_store_get_person_sync (self, rb_booking_get_person_id (booking), NULL);

  /* A booking that has begun may still get a new end or title: its unchanged start is not
   * "in the past" for this check. */
  policy_now = interval.start == rb_booking_get_start (booking) ? MIN (now, interval.start) : now;
  if (!rb_policy_check_booking (&self->policy, self->tz,
                                owner != NULL   ? rb_person_get_role (owner)
                                : actor != NULL ? rb_person_get_role (actor)
                                                : RB_ROLE_STAFF,
                                space,
                                interval, rb_booking_get_attendees (booking), policy_now, error))
    goto fail;

  step_aside
      = rb_store_prepare (self, "UPDATE bookings SET state = 'cancelled' WHERE id = ?", error);
  if (step_aside == NULL)
    goto fail;
  rb_statement_bind_text (step_aside, 1, booking_id);
  if (!rb_db_step_done (self->db, step_aside, error))
    goto fail;

  candidate = rb_booking_new (booking_id, rb_space_get_id (space),
                              rb_booking_get_person_id (booking), interval);
  if (!check_clashes (self, space, candidate, error)
      || !(seq = append_change (self, booking_id, error)))
    goto fail;

  /* A booking checked in stays checked in when it is extended or ended early at the door. */
  update = rb_store_prepare (self,
                             "UPDATE bookings SET start = ?, \"end\" = ?, title = ?, state = ?,"
                             " version = version + 1, seq = ?, updated_at = ? WHERE id = ?",
                             error);
  if (update == NULL)
    goto fail;
  rb_statement_bind_int64 (update, 1, interval.start);
  rb_statement_bind_int64 (update, 2, interval.end);
  rb_statement_bind_text (update, 3, change_title ? title : rb_booking_get_title (booking));
  rb_statement_bind_text (update, 4, rb_booking_state_to_string (rb_booking_get_state (booking)));
  rb_statement_bind_int64 (update, 5, seq);
  rb_statement_bind_int64 (update, 6, now);
  rb_statement_bind_text (update, 7, booking_id);
  if (!rb_db_step_done (self->db, update, error))
    goto fail;

  if (!rb_store_commit_write (self, error))
    return NULL;
  return rb_store_get_booking_sync (self, booking_id, error);

fail:
  rb_store_rollback_write (self);
  return NULL;
}

RbBooking *
rb_store_update_booking_sync (RbStore *self, const char *booking_id, const char *actor_id,
                              gint64 expected_version, RbInterval interval, const char *title,
                              gboolean change_title, GError **error)
{
  return update_booking (self, booking_id, actor_id, NULL, expected_version, interval, title,
                         change_title, error);
}

/* The door panel that booked for nobody ends or extends that booking (rules as for anyone's,
 * as a staff member's); FORBIDDEN for any other booking or device. */
RbBooking *
rb_store_update_door_booking_sync (RbStore *self, const char *booking_id,
                                   const char *door_device_id, gint64 expected_version,
                                   RbInterval interval, GError **error)
{
  g_return_val_if_fail (door_device_id != NULL, NULL);
  return update_booking (self, booking_id, NULL, door_device_id, expected_version, interval,
                         NULL, FALSE, error);
}

/* The maintenance blocks that overlap the half-open range, ordered by start, of one floor's
 * or one space's spaces only (NULL: any). The reason is the facility manager's note about
 * the space ("Wasserschaden"), not about a person, so every caller may read it. */
GPtrArray *
rb_store_list_blocks_sync (RbStore *self, const char *floor_id, const char *space_id,
                           RbInterval range, GError **error)
{
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_space_block_free);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self,
      "SELECT b.id, b.space_id, b.start, b.\"end\", b.reason"
      " FROM space_blocks b JOIN spaces s ON s.id = b.space_id"
      " WHERE (CAST (?1 AS TEXT) IS NULL OR s.floor_id = ?1) AND (CAST (?2 AS TEXT) IS NULL OR b.space_id = ?2)"
      "   AND b.start < ?4 AND b.\"end\" > ?3"
      " ORDER BY b.start, b.id",
      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, floor_id);
  rb_statement_bind_text (stmt, 2, space_id);
  rb_statement_bind_int64 (stmt, 3, range.start);
  rb_statement_bind_int64 (stmt, 4, range.end);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbSpaceBlock *block = g_new0 (RbSpaceBlock, 1);

      block->id = rb_statement_column_int64 (stmt, 0);
      block->space_id = g_strdup (rb_statement_column_text (stmt, 1));
      block->interval = rb_interval_make (rb_statement_column_int64 (stmt, 2),
                                          rb_statement_column_int64 (stmt, 3));
      block->reason = g_strdup (rb_statement_column_text (stmt, 4));
      g_ptr_array_add (blocks, block);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, self->db, rc, "query");
      return NULL;
    }
  return g_steal_pointer (&blocks);
}

/* Releases every booking not checked in by its deadline (a no-show), so the space is free
 * again; each release gets its own change-feed entry. Returns how many, or -1 on error. The
 * deadline is rb_policy_release_deadline: the grace runs from the start, or from when the
 * booking was made if that was later. */
int
rb_store_release_no_shows_sync (RbStore *self, GError **error)
{
  g_autoptr (RbStatement) select = NULL;
  g_autoptr (GPtrArray) due = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 deadline_start = rb_store_now (self) - self->policy.check_in_after_minutes * 60;
  int rc;

  if (!rb_store_begin_write (self, error))
    return -1;
  select = rb_store_prepare (
      self,
      "SELECT id FROM bookings WHERE state = 'booked' AND start <= ?1"
      " AND CASE WHEN start > created_at THEN start ELSE created_at END <= ?1",
      error);
  if (select == NULL)
    goto fail;
  rb_statement_bind_int64 (select, 1, deadline_start);
  while ((rc = rb_statement_step (select)) == SQLITE_ROW)
    g_ptr_array_add (due, rb_booking_new (rb_statement_column_text (select, 0), NULL, NULL,
                                          rb_interval_make (0, 0)));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, self->db, rc, "query");
      goto fail;
    }
  for (guint i = 0; i < due->len; i++)
    if (!set_state (self, g_ptr_array_index (due, i), RB_BOOKING_STATE_RELEASED, error))
      goto fail;
  if (!rb_store_commit_write (self, error))
    return -1;
  return due->len;

fail:
  rb_store_rollback_write (self);
  return -1;
}

/* ---- async twins ---------------------------------------------------------------------- */

static gpointer
list_floors_job (RbStore *self, gpointer data, GError **error)
{
  return rb_store_list_floors_sync (self, error);
}

static gpointer
list_spaces_job (RbStore *self, gpointer data, GError **error)
{
  return rb_store_list_spaces_sync (self, ((RbStoreArgs *) data)->floor_id, error);
}

static gpointer
list_people_job (RbStore *self, gpointer data, GError **error)
{
  return rb_store_list_people_sync (self, error);
}

static gpointer
list_bookings_job (RbStore *self, gpointer data, GError **error)
{
  RbStoreArgs *args = data;
  RbBookingQuery query = { args->space_id, args->floor_id, args->person_id, args->range,
                           args->active_only };

  return rb_store_list_bookings_sync (self, &query, error);
}

static gpointer
create_booking_job (RbStore *self, gpointer data, GError **error)
{
  return rb_store_create_booking_sync (self, ((RbStoreArgs *) data)->booking, error);
}

static gpointer
cancel_booking_job (RbStore *self, gpointer data, GError **error)
{
  RbStoreArgs *args = data;

  return rb_store_cancel_booking_sync (self, args->id, args->actor_id, error);
}

static gpointer
check_in_job (RbStore *self, gpointer data, GError **error)
{
  RbStoreArgs *args = data;

  return rb_store_check_in_sync (self, args->id, args->actor_id, error);
}

void
rb_store_list_floors_async (RbStore *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  run_async (self, list_floors_job, g_new0 (RbStoreArgs, 1), (GDestroyNotify) g_ptr_array_unref,
             rb_store_list_floors_async, cancellable, callback, user_data);
}

void
rb_store_list_spaces_async (RbStore *self, const char *floor_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  args->floor_id = g_strdup (floor_id);
  run_async (self, list_spaces_job, args, (GDestroyNotify) g_ptr_array_unref,
             rb_store_list_spaces_async, cancellable, callback, user_data);
}

void
rb_store_list_people_async (RbStore *self, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data)
{
  run_async (self, list_people_job, g_new0 (RbStoreArgs, 1), (GDestroyNotify) g_ptr_array_unref,
             rb_store_list_people_async, cancellable, callback, user_data);
}

void
rb_store_list_bookings_async (RbStore *self, const RbBookingQuery *query,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data)
{
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  args->space_id = g_strdup (query->space_id);
  args->floor_id = g_strdup (query->floor_id);
  args->person_id = g_strdup (query->person_id);
  args->range = query->range;
  args->active_only = query->active_only;
  run_async (self, list_bookings_job, args, (GDestroyNotify) g_ptr_array_unref,
             rb_store_list_bookings_async, cancellable, callback, user_data);
}

/* Finishes any of the list calls: a GPtrArray of model objects. */
GPtrArray *
rb_store_list_finish (RbStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
rb_store_create_booking_async (RbStore *self, RbBooking *request, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data)
{
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  args->booking = g_object_ref (request);
  run_async (self, create_booking_job, args, g_object_unref, rb_store_create_booking_async,
             cancellable, callback, user_data);
}

void
rb_store_cancel_booking_async (RbStore *self, const char *booking_id, const char *actor_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data)
{
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  args->id = g_strdup (booking_id);
  args->actor_id = g_strdup (actor_id);
  run_async (self, cancel_booking_job, args, g_object_unref, rb_store_cancel_booking_async,
             cancellable, callback, user_data);
}

void
rb_store_check_in_async (RbStore *self, const char *booking_id, const char *actor_id,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  RbStoreArgs *args = g_new0 (RbStoreArgs, 1);

  args->id = g_strdup (booking_id);
  args->actor_id = g_strdup (actor_id);
  run_async (self, check_in_job, args, g_object_unref, rb_store_check_in_async, cancellable,
             callback, user_data);
}

static gpointer
release_no_shows_job (RbStore *self, gpointer data, GError **error)
{
  int released = rb_store_release_no_shows_sync (self, error);

  return released < 0 ? NULL : GINT_TO_POINTER (released + 1);
}

void
rb_store_release_no_shows_async (RbStore *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  run_async (self, release_no_shows_job, g_new0 (RbStoreArgs, 1), NULL,
             rb_store_release_no_shows_async, cancellable, callback, user_data);
}

/* How many bookings were released, or -1 with an error. */
int
rb_store_release_no_shows_finish (RbStore *self, GAsyncResult *result, GError **error)
{
  gpointer counted;

  g_return_val_if_fail (g_task_is_valid (result, self), -1);
  counted = g_task_propagate_pointer (G_TASK (result), error);
  return counted == NULL ? -1 : GPOINTER_TO_INT (counted) - 1;
}

/* Runs func on the store's thread; for layers above (the server, the sync engine) that
 * need several store calls as one unit of work off their main context. */
void
rb_store_run_async (RbStore *self, RbStoreFunc func, gpointer data, GDestroyNotify data_free,
                    GDestroyNotify result_free, GCancellable *cancellable,
                    GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  RbStoreJob *job = g_new0 (RbStoreJob, 1);

  job->public_func = func;
  job->data = data;
  job->data_free = data_free;
  job->result_free = result_free;
  g_task_set_source_tag (task, rb_store_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) rb_store_job_free);
  queue_task (self, task);
}

gpointer
rb_store_run_finish (RbStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Sets who hears of change-feed rows: after every commit that appended some (a booking
 * made, changed, cancelled, checked in or released, a series, a block's cancellations),
 * func runs with the feed's new head, its highest sequence number + 1, on the main context
 * that is the thread default now. Never before the commit; rows of a group of jobs
 * (run_group) are told once, after the group's COMMIT. NULL unsets it; news already on its
 * way is then dropped. For the server, which wakes its push clients with it. */
void
rb_store_set_feed_func (RbStore *self, RbStoreFeedFunc func, gpointer user_data)
{
  g_return_if_fail (RB_IS_STORE (self));

  self->feed_func = func;
  self->feed_data = user_data;
  g_mutex_lock (&self->queue_lock);
  g_clear_pointer (&self->feed_context, g_main_context_unref);
  if (func != NULL)
    self->feed_context = g_main_context_ref_thread_default ();
  g_mutex_unlock (&self->queue_lock);
}

/* The connection, for the store's modules. Only for use on the store's thread (inside an
 * RbStoreFunc) or by a caller that uses only the *_sync API. */
RbDb *
rb_store_get_db (RbStore *self)
{
  return self->db;
}

/* The SQLite connection (NULL on another engine), for tests and benchmarks that look into
 * the file; the same rules. */
sqlite3 *
rb_store_get_connection (RbStore *self)
{
  return rb_db_get_sqlite (self->db);
}

/* The version of the schema the database holds (the health answer says it). */
gboolean
rb_store_get_schema_version_sync (RbStore *self, gint64 *out_version, GError **error)
{
  return rb_db_get_schema_version (self->db, out_version, error);
}

/* The connection's prepared statement for sql, to be released (g_autoptr (RbStatement))
 * before the same sql is prepared again; for the store's own modules. */
RbStatement *
rb_store_prepare (RbStore *self, const char *sql, GError **error)
{
  return rb_statement_cache_prepare (self->statements, sql, error);
}

/* Finishes create, cancel and check-in: the booking as stored afterwards. */
RbBooking *
rb_store_booking_finish (RbStore *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- for the store's own modules (rb-store-private.h) --------------------------------- */

/* The clash checks of a new booking (blocks, overlaps, a person's desks); inside the
 * caller's BEGIN IMMEDIATE transaction. */
gboolean
rb_store_check_clashes (RbStore *self, RbSpace *space, RbBooking *request, GError **error)
{
  return check_clashes (self, space, request, error);
}

/* Appends a change-feed row for a booking about to be written; its sequence number, or 0. */
gint64
rb_store_append_change (RbStore *self, const char *booking_id, GError **error)
{
  return append_change (self, booking_id, error);
}

/* Moves a booking to another state with a new version and its own change-feed row. */
gboolean
rb_store_set_booking_state (RbStore *self, RbBooking *booking, RbBookingState state,
                            GError **error)
{
  return set_state (self, booking, state, error);
}

/* Appends a change-feed row that tells clients to read a topic again ('building', 'policy'):
 * its sequence number, or 0. Inside a write transaction, like the change it announces. */
gint64
rb_store_append_topic_change (RbStore *self, const char *topic, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self, "INSERT INTO changes (booking_id, changed_at, topic) VALUES ('', ?, ?) RETURNING seq",
      error);

  g_return_val_if_fail (topic != NULL && !g_str_equal (topic, "booking"), 0);

  if (stmt == NULL)
    return 0;
  rb_statement_bind_int64 (stmt, 1, rb_store_now (self));
  rb_statement_bind_text (stmt, 2, topic);
  return step_returning_seq (self, stmt, error);
}

/* Appends an entry to the audit log, inside the write transaction of the change it records,
 * so that no change is made without its entry. actor_id is NULL for the server's own tools
 * (--import-building on the command line); before and after may be NULL. */
gboolean
rb_store_append_audit (RbStore *self, const char *actor_id, const char *action,
                       const char *subject, JsonNode *before, JsonNode *after, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      self,
      "INSERT INTO audit_log (at, actor_id, action, subject, before, after)"
      " VALUES (?, ?, ?, ?, ?, ?)",
      error);
  g_autofree char *before_text = before ? rb_json_to_string (before, FALSE) : NULL;
  g_autofree char *after_text = after ? rb_json_to_string (after, FALSE) : NULL;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_int64 (stmt, 1, rb_store_now (self));
  rb_statement_bind_text (stmt, 2, actor_id);
  rb_statement_bind_text (stmt, 3, action);
  rb_statement_bind_text (stmt, 4, subject ? subject : "");
  rb_statement_bind_text (stmt, 5, before_text);
  rb_statement_bind_text (stmt, 6, after_text);
  return rb_db_step_done (self->db, stmt, error);
}

/* Reads the site's time zone and policy again, after an import changed them. */
gboolean
rb_store_reload_site_settings (RbStore *self, GError **error)
{
  return load_site_settings (self, error);
}

static gpointer
reload_settings_job (RbStore *self, gpointer data, GError **error)
{
  return load_site_settings (self, error) ? GINT_TO_POINTER (1) : NULL;
}

static void
settings_reloaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (g_task_propagate_pointer (G_TASK (result), &error) == NULL)
    g_warning ("cannot read the site's settings again: %s", error->message);
}

void
rb_store_reload_settings (RbStore *self)
{
  run_async (self, reload_settings_job, g_new0 (RbStoreArgs, 1), NULL, rb_store_reload_settings,
             NULL, settings_reloaded_cb, NULL);
}
