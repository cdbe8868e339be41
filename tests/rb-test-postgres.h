/* rb-test-postgres.h: a real PostgreSQL cluster (Debian's postgresql-15) for the tests of the
 * PostgreSQL engine (issue 16): initdb into a temporary folder, the postmaster on a loopback
 * port chosen at run time, no Unix socket, never the system's cluster.
 *
 * PostgreSQL refuses to run as root, and CI runs as root: then the cluster's files belong to
 * nobody and its programs run as nobody. The superuser is "raumbuch", trusted on loopback.
 * The postmaster dies with the test's main thread (PR_SET_PDEATHSIG); rb_test_postgres_free
 * stops it, so a failing assertion leaves none behind. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _RbTestPostgres RbTestPostgres;

/* initdb into dir/postgres (a few hundred milliseconds) and start; returns once it answers. */
RbTestPostgres *rb_test_postgres_new (const char *dir);
/* Creates an empty database; returns its URL, postgresql://raumbuch@127.0.0.1:PORT/name. */
char *rb_test_postgres_create_database (RbTestPostgres *self, const char *name);
/* The postmaster's process id (0 when it is not running): its children are the cluster's
 * other processes, e.g. for a benchmark that reads their CPU time. */
GPid rb_test_postgres_get_pid (RbTestPostgres *self);
/* A streaming replica of primary (pg_basebackup), started on a port of its own; returns once
 * it answers. dir/standby holds it. */
RbTestPostgres *rb_test_postgres_new_standby (const char *dir, RbTestPostgres *primary);
guint16 rb_test_postgres_get_port (RbTestPostgres *self);
/* Kills the postmaster (SIGKILL, as a crash) and waits until it is gone. */
void rb_test_postgres_kill (RbTestPostgres *self);
void rb_test_postgres_free (RbTestPostgres *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbTestPostgres, rb_test_postgres_free)

G_END_DECLS
