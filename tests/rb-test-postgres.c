/* rb-test-postgres.c: see rb-test-postgres.h. */
#include "rb-test-postgres.h"
#include "rb-test-util.h"

#include <arpa/inet.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define PG_BIN "/usr/lib/postgresql/15/bin"
#define START_TIMEOUT_SECONDS 60
/* Debian's nobody and nogroup */
#define UNPRIVILEGED_ID 65534

struct _RbTestPostgres
{
  char *data;
  guint16 port;
  GPid pid;
};

static gboolean
running_as_root (void)
{
  return geteuid () == 0;
}

/* In the child: as nobody when we are root, and gone when the test is. The death signal is
 * set after the change of user, which clears it. */
static void
child_setup (gpointer data)
{
  if (running_as_root ()
      && (setgroups (0, NULL) != 0 || setgid (UNPRIVILEGED_ID) != 0
          || setuid (UNPRIVILEGED_ID) != 0))
    _exit (127);
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static char *
conninfo (RbTestPostgres *self, const char *database)
{
  return g_strdup_printf ("postgresql://raumbuch@127.0.0.1:%u/%s?connect_timeout=5", self->port,
                          database);
}

static gboolean
try_start (RbTestPostgres *self)
{
  g_autofree char *port = g_strdup_printf ("%u", self->port);
  g_autofree char *info = conninfo (self, "postgres");
  /* fsync stays on: the tests of issue 16 kill servers and count what survived. */
  const char *argv[] = { PG_BIN "/postgres", "-D", self->data, "-p", port,
                         "-c", "listen_addresses=127.0.0.1",
                         "-c", "unix_socket_directories=",
                         "-c", "max_connections=100",
                         "-c", "shared_buffers=16MB",
                         NULL };
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  g_spawn_async (NULL, (char **)argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL,
                 child_setup, NULL, &self->pid, &error);
  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline)
    {
      if (rb_test_child_exited (&self->pid))
        return FALSE; /* the port was taken, most likely */
      if (PQping (info) == PQPING_OK)
        return TRUE;
      g_usleep (20 * 1000);
    }
  g_error ("PostgreSQL did not answer within %d s", START_TIMEOUT_SECONDS);
}

static void
start (RbTestPostgres *self)
{
  g_assert_true (self->pid == 0);
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      if (try_start (self))
        return;
      self->port = rb_test_free_loopback_port ();
    }
  g_error ("PostgreSQL did not start (see %s)", self->data);
}

/* dir/name, where nobody may write when we are root. */
static char *
make_parent (const char *dir, const char *name)
{
  char *parent = g_build_filename (dir, name, NULL);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  if (running_as_root ())
    {
      /* nobody must reach its folder through the test's temporary ones */
      g_assert_cmpint (chmod (dir, 0711), ==, 0);
      g_assert_cmpint (chown (parent, UNPRIVILEGED_ID, UNPRIVILEGED_ID), ==, 0);
    }
  return parent;
}

/* Runs a program of PostgreSQL's (as nobody when we are root); asserts success. */
static void
run_program (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, child_setup, NULL, &out, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s", argv[0], err);
}

RbTestPostgres *
rb_test_postgres_new_standby (const char *dir, RbTestPostgres *primary)
{
  RbTestPostgres *self = g_new0 (RbTestPostgres, 1);
  g_autofree char *parent = make_parent (dir, "standby");
  g_autofree char *port = g_strdup_printf ("%u", primary->port);
  /* -R: standby.signal and primary_conninfo; -X stream: the WAL of the copy itself */
  const char *argv[] = { PG_BIN "/pg_basebackup", "-h", "127.0.0.1", "-p", port, "-U", "raumbuch",
                         "-D", NULL, "-R", "-X", "stream", "-c", "fast", NULL };

  self->data = g_build_filename (parent, "data", NULL);
  argv[8] = self->data;
  run_program (argv);
  self->port = rb_test_free_loopback_port ();
  start (self);
  return self;
}

guint16
rb_test_postgres_get_port (RbTestPostgres *self)
{
  return self->port;
}

void
rb_test_postgres_kill (RbTestPostgres *self)
{
  int status;

  g_assert_true (self->pid != 0);
  kill (self->pid, SIGKILL);
  waitpid (self->pid, &status, 0);
  g_spawn_close_pid (self->pid);
  self->pid = 0;
}

RbTestPostgres *
rb_test_postgres_new (const char *dir)
{
  RbTestPostgres *self = g_new0 (RbTestPostgres, 1);
  g_autofree char *parent = make_parent (dir, "postgres");
  /* -N: no fsync while initdb writes the template; the cluster itself runs with fsync. */
  const char *argv[] = { PG_BIN "/initdb", "-D", NULL, "-U", "raumbuch", "-A", "trust",
                         "-E", "UTF8", "--locale=C", "-N", NULL };

  self->data = g_build_filename (parent, "data", NULL);
  argv[2] = self->data;
  run_program (argv);
  self->port = rb_test_free_loopback_port ();
  start (self);
  return self;
}

char *
rb_test_postgres_create_database (RbTestPostgres *self, const char *name)
{
  g_autofree char *admin = conninfo (self, "postgres");
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE \"%s\"", name);
  PGconn *conn = PQconnectdb (admin);
  PGresult *result;

  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
  PQfinish (conn);
  return conninfo (self, name);
}

GPid
rb_test_postgres_get_pid (RbTestPostgres *self)
{
  return self->pid;
}

void
rb_test_postgres_free (RbTestPostgres *self)
{
  if (self->pid != 0)
    {
      int status;

      /* a fast shutdown: its children go with it */
      kill (self->pid, SIGINT);
      waitpid (self->pid, &status, 0);
      g_spawn_close_pid (self->pid);
    }
  g_free (self->data);
  g_free (self);
}
