/* rb-test-util.c: helpers shared by the test programs (see rb-test-util.h). */
#include "config.h"

#include <arpa/inet.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rb-test-util.h"

/* The demo site's zone, made once; tests never depend on the process's TZ. */
GTimeZone *
rb_test_berlin (void)
{
  static GTimeZone *berlin = NULL;

  if (g_once_init_enter (&berlin))
    {
      GTimeZone *tz = g_time_zone_new_identifier ("Europe/Berlin");

      g_assert_nonnull (tz);
      g_once_init_leave (&berlin, tz);
    }
  return berlin;
}

/* A wall-clock time in Berlin as UTC seconds, built independently of rb-time.c. */
gint64
rb_test_berlin_time (int year, int month, int day, int hour, int minute)
{
  g_autoptr (GDateTime) dt = g_date_time_new (rb_test_berlin (), year, month, day, hour, minute, 0);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

gint64
rb_test_utc_time (int year, int month, int day, int hour, int minute, int second)
{
  g_autoptr (GDateTime) dt = g_date_time_new_utc (year, month, day, hour, minute, second);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt);
}

/* A clock for rb_store_set_clock: data points to a gint64 the test moves by hand. */
gint64
rb_test_frozen_clock (gpointer data)
{
  return *(gint64 *) data;
}

char *
rb_test_make_tmpdir (void)
{
  g_autoptr (GError) error = NULL;
  char *path = g_dir_make_tmp ("raumbuch-test-XXXXXX", &error);

  g_assert_no_error (error);
  g_assert_nonnull (path);
  return path;
}

/* Removes a temporary directory with the files in it (the tests create no subdirectories
 * but the helper does not rely on that). */
void
rb_test_remove_tree (const char *path)
{
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_DIR))
    return;
  dir = g_dir_open (path, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        rb_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

guint16
rb_test_free_loopback_port (void)
{
  struct sockaddr_in addr = { 0 };
  socklen_t length = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);

  g_assert_cmpint (fd, >=, 0);
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &length), ==, 0);
  close (fd);
  return ntohs (addr.sin_port);
}

gboolean
rb_test_child_exited (GPid *pid)
{
  int status;

  if (waitpid (*pid, &status, WNOHANG) == *pid)
    {
      g_spawn_close_pid (*pid);
      *pid = 0;
      return TRUE;
    }
  return FALSE;
}

guint
rb_test_count_in (const char *text, const char *what)
{
  guint n = 0;

  for (const char *at = strstr (text, what); at != NULL; at = strstr (at + 1, what))
    n++;
  return n;
}
