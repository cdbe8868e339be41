/* rb-test-util.h: small helpers shared by the test programs: fixed times in the demo site's
 * zone, a frozen clock, temporary directories and an assertion for RB_ERROR codes. */
#pragma once

#include <glib.h>

#include "rb-core.h"

G_BEGIN_DECLS

/* Asserts that err is RB_ERROR/code and that its machine name is the expected wire name. */
#define rb_assert_rb_error(err, code, name)                                                 \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_assert_error ((err), RB_ERROR, (code));                                             \
    g_assert_cmpstr (rb_error_get_code_name (err), ==, (name));                           \
  }                                                                                       \
  G_STMT_END

GTimeZone *rb_test_berlin (void);
gint64 rb_test_berlin_time (int year, int month, int day, int hour, int minute);
gint64 rb_test_utc_time (int year, int month, int day, int hour, int minute, int second);

gint64 rb_test_frozen_clock (gpointer data);

char *rb_test_make_tmpdir (void);
void rb_test_remove_tree (const char *path);

/* A loopback port the kernel calls free now, for a server that a test starts a moment later
 * (slapd, PostgreSQL); the caller tries another should someone take it in between. */
guint16 rb_test_free_loopback_port (void);
/* Whether the child *pid (spawned with G_SPAWN_DO_NOT_REAP_CHILD) has exited; reaps it and
 * sets *pid to 0 if so. */
gboolean rb_test_child_exited (GPid *pid);

/* How often what occurs in text (a query plan's index, say). */
guint rb_test_count_in (const char *text, const char *what);

G_END_DECLS
