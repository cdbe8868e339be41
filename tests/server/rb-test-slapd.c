/* rb-test-slapd.c: a real slapd for the directory tests (rb-test-slapd.h). */
#include "config.h"

#include <arpa/inet.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <string.h>
#include <unistd.h>

#include "rb-test-slapd.h"
#include "rb-test-util.h"

#define N_TEAMS 20
/* slapd answers within milliseconds; a sanitizer build or a busy machine may take seconds. */
#define START_TIMEOUT_SECONDS 30

struct _RbTestSlapd
{
  char *dir;
  char *conf;
  char *ca_file;
  char *url;
  guint16 port;
  GPid pid;
};

static void
add_group (GString *ldif, const char *cn, GPtrArray *member_dns)
{
  g_string_append_printf (ldif,
                          "dn: cn=%s,ou=groups," RB_TEST_SLAPD_BASE_DN "\n"
                          "objectClass: groupOfNames\ncn: %s\n",
                          cn, cn);
  for (guint i = 0; i < member_dns->len; i++)
    g_string_append_printf (ldif, "member: %s\n", (char *)g_ptr_array_index (member_dns, i));
  g_string_append (ldif, "\n");
}

static char *
person_dn (guint i)
{
  return g_strdup_printf ("uid=person%04u,ou=people," RB_TEST_SLAPD_BASE_DN, i);
}

static char *
group_dn (const char *cn)
{
  return g_strdup_printf ("cn=%s,ou=groups," RB_TEST_SLAPD_BASE_DN, cn);
}

static void
add_nested (GString *ldif, const char *cn, const char *member_cn)
{
  g_autoptr (GPtrArray) members = g_ptr_array_new_with_free_func (g_free);

  g_ptr_array_add (members, group_dn (member_cn));
  add_group (ldif, cn, members);
}

char *
rb_test_slapd_ldif (guint n_people)
{
  GString *ldif = g_string_new (NULL);
  g_autoptr (GPtrArray) teams = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) members = NULL;

  g_string_append (ldif,
                   "dn: " RB_TEST_SLAPD_BASE_DN "\nobjectClass: dcObject\n"
                   "objectClass: organization\no: Raumbuch test\ndc: raumbuch\n\n"
                   "dn: ou=people," RB_TEST_SLAPD_BASE_DN "\nobjectClass: organizationalUnit\n"
                   "ou: people\n\n"
                   "dn: ou=groups," RB_TEST_SLAPD_BASE_DN "\nobjectClass: organizationalUnit\n"
                   "ou: groups\n\n"
                   "dn: ou=services," RB_TEST_SLAPD_BASE_DN "\n"
                   "objectClass: organizationalUnit\nou: services\n\n"
                   "dn: " RB_TEST_SLAPD_SERVICE_DN "\nobjectClass: organizationalRole\n"
                   "objectClass: simpleSecurityObject\ncn: raumbuch\n"
                   "userPassword: " RB_TEST_SLAPD_SERVICE_PASSWORD "\n\n");
  for (guint i = 1; i <= n_people; i++)
    {
      g_string_append_printf (ldif,
                              "dn: uid=person%04u,ou=people," RB_TEST_SLAPD_BASE_DN "\n"
                              "objectClass: inetOrgPerson\nuid: person%04u\n"
                              "cn: Person %04u\nsn: %04u\nemployeeNumber: %u\n"
                              "departmentNumber: Team %02u\nuserPassword: secret-%04u\n",
                              i, i, i, i, 100000 + i, 1 + (i - 1) % N_TEAMS, i);
      if (i == 999)
        g_string_append (ldif, "employeeType: disabled\n");
      g_string_append (ldif, "\n");
    }

  for (guint t = 1; t <= N_TEAMS; t++)
    {
      g_autofree char *cn = g_strdup_printf ("team-%02u", t);

      members = g_ptr_array_new_with_free_func (g_free);
      for (guint i = t; i <= n_people; i += N_TEAMS)
        g_ptr_array_add (members, person_dn (i));
      /* groupOfNames needs a member: an empty team holds the service account. */
      if (members->len == 0)
        g_ptr_array_add (members, g_strdup (RB_TEST_SLAPD_SERVICE_DN));
      add_group (ldif, cn, members);
      g_clear_pointer (&members, g_ptr_array_unref);
      g_ptr_array_add (teams, group_dn (cn));
    }
  add_group (ldif, "staff-all", teams);
  add_nested (ldif, "raumbuch-users", "staff-all");

  members = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (members, person_dn (1));
  add_group (ldif, "it-ops", members);
  g_clear_pointer (&members, g_ptr_array_unref);
  add_nested (ldif, "raumbuch-admins", "it-ops");

  members = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (members, person_dn (2));
  g_ptr_array_add (members, person_dn (3));
  add_group (ldif, "leads-inner", members);
  g_clear_pointer (&members, g_ptr_array_unref);
  add_nested (ldif, "leads", "leads-inner");
  add_nested (ldif, "raumbuch-leads", "leads");

  members = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (members, person_dn (4));
  add_group (ldif, "raumbuch-facility", members);
  g_clear_pointer (&members, g_ptr_array_unref);

  return g_string_free (ldif, FALSE);
}

static void
child_setup (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Runs a program to its end; asserts exit status 0. */
static char *
run (const char *const *argv, const char *input)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  process = g_subprocess_newv (argv,
                               G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE
                                   | (input != NULL ? G_SUBPROCESS_FLAGS_STDIN_PIPE : 0),
                               &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (!g_subprocess_get_successful (process))
    {
      g_printerr ("%s\n", err);
      g_error ("%s failed", argv[0]);
    }
  return g_steal_pointer (&out);
}

static gboolean
answers (RbTestSlapd *self)
{
  const char *argv[] = { "ldapwhoami", "-x", "-H", self->url, "-o", "nettimeout=2", NULL };
  int status = -1;

  if (!g_spawn_sync (NULL, (char **)argv, NULL,
                     G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return FALSE;
  return g_spawn_check_wait_status (status, NULL);
}

static gboolean
try_start (RbTestSlapd *self)
{
  g_autofree char *listen = g_strdup_printf ("ldap://127.0.0.1:%u/", self->port);
  /* -d 0: stay in the foreground (a child of ours), without debug output. */
  const char *argv[] = { "/usr/sbin/slapd", "-d", "0", "-f", self->conf, "-h", listen, NULL };
  g_autoptr (GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + START_TIMEOUT_SECONDS * G_USEC_PER_SEC;

  g_free (self->url);
  self->url = g_strdup_printf ("ldap://127.0.0.1:%u", self->port);
  g_spawn_async (NULL, (char **)argv, NULL,
                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL
                     | G_SPAWN_STDERR_TO_DEV_NULL,
                 child_setup, NULL, &self->pid, &error);
  g_assert_no_error (error);
  while (g_get_monotonic_time () < deadline)
    {
      if (rb_test_child_exited (&self->pid))
        return FALSE; /* the port was taken, most likely */
      if (answers (self))
        return TRUE;
      g_usleep (20 * 1000);
    }
  g_error ("slapd did not answer within %d s", START_TIMEOUT_SECONDS);
}

void
rb_test_slapd_start (RbTestSlapd *self)
{
  g_assert_true (self->pid == 0);
  for (guint attempt = 0; attempt < 5; attempt++)
    {
      if (try_start (self))
        return;
      self->port = rb_test_free_loopback_port ();
    }
  g_error ("slapd did not start (see %s)", self->conf);
}

RbTestSlapd *
rb_test_slapd_new (const char *dir, guint n_people)
{
  RbTestSlapd *self = g_new0 (RbTestSlapd, 1);
  g_autofree char *db = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *ldif = rb_test_slapd_ldif (n_people);
  g_autofree char *ldif_path = NULL;
  g_autofree char *key = NULL;
  g_autoptr (GError) error = NULL;

  self->dir = g_build_filename (dir, "slapd", NULL);
  db = g_build_filename (self->dir, "db", NULL);
  g_assert_cmpint (g_mkdir_with_parents (db, 0700), ==, 0);
  self->conf = g_build_filename (self->dir, "slapd.conf", NULL);
  self->ca_file = g_build_filename (self->dir, "cert.pem", NULL);
  key = g_build_filename (self->dir, "key.pem", NULL);
  /* A certificate of its own for StartTLS, which is the server's default: self-signed for
   * the address the tests connect to, so that it is its own CA (ca-file). */
  {
    const char *argv[] = { "openssl",
                           "req",
                           "-x509",
                           "-newkey",
                           "ec",
                           "-pkeyopt",
                           "ec_paramgen_curve:prime256v1",
                           "-nodes",
                           "-keyout",
                           key,
                           "-out",
                           self->ca_file,
                           "-days",
                           "2",
                           "-subj",
                           "/CN=127.0.0.1",
                           "-addext",
                           "subjectAltName=IP:127.0.0.1",
                           NULL };
    g_free (run (argv, NULL));
  }
  ldif_path = g_build_filename (self->dir, "directory.ldif", NULL);
  /* The default size limit (500) stays for each answer: a directory larger than one answer
   * is what the server's paged searches are for. The service account may read any number
   * of pages, as README "Connecting a directory" tells OpenLDAP's administrators to allow
   * (slapd's default limits paged searches to the same 500 in all). */
  conf = g_strdup_printf ("include /etc/ldap/schema/core.schema\n"
                          "include /etc/ldap/schema/cosine.schema\n"
                          "include /etc/ldap/schema/inetorgperson.schema\n"
                          "modulepath /usr/lib/ldap\n"
                          "moduleload back_mdb\n"
                          "pidfile %s/slapd.pid\n"
                          "TLSCertificateFile %s\n"
                          "TLSCertificateKeyFile %s\n"
                          "database mdb\n"
                          "suffix \"" RB_TEST_SLAPD_BASE_DN "\"\n"
                          "rootdn \"" RB_TEST_SLAPD_ROOT_DN "\"\n"
                          "rootpw " RB_TEST_SLAPD_ROOT_PASSWORD "\n"
                          "directory %s\n"
                          "maxsize 268435456\n"
                          "index objectClass eq\n"
                          "index uid eq\n"
                          "index member eq\n"
                          "limits dn.exact=\"" RB_TEST_SLAPD_SERVICE_DN "\" size.soft=500"
                          " size.hard=500 size.prtotal=unlimited\n"
                          "access to attrs=userPassword by anonymous auth by * none\n"
                          "access to * by users read by * none\n",
                          self->dir, self->ca_file, key, db);
  g_file_set_contents (self->conf, conf, -1, &error);
  g_assert_no_error (error);
  g_file_set_contents (ldif_path, ldif, -1, &error);
  g_assert_no_error (error);
  {
    const char *argv[] = { "/usr/sbin/slapadd", "-q", "-f", self->conf, "-l", ldif_path, NULL };
    g_free (run (argv, NULL));
  }
  self->port = rb_test_free_loopback_port ();
  rb_test_slapd_start (self);
  return self;
}

const char *
rb_test_slapd_get_ca_file (RbTestSlapd *self)
{
  return self->ca_file;
}

const char *
rb_test_slapd_get_url (RbTestSlapd *self)
{
  return self->url;
}

void
rb_test_slapd_kill (RbTestSlapd *self)
{
  if (self->pid == 0)
    return;
  kill (self->pid, SIGKILL);
  waitpid (self->pid, NULL, 0);
  g_spawn_close_pid (self->pid);
  self->pid = 0;
}

void
rb_test_slapd_modify (RbTestSlapd *self, const char *ldif)
{
  const char *argv[] = { "ldapmodify", "-x",
                         "-H",         self->url,
                         "-D",         RB_TEST_SLAPD_ROOT_DN,
                         "-w",         RB_TEST_SLAPD_ROOT_PASSWORD,
                         NULL };
  g_free (run (argv, ldif));
}

guint
rb_test_slapd_count (RbTestSlapd *self, const char *filter)
{
  const char *argv[] = { "ldapsearch",
                         "-x",
                         "-LLL",
                         "-H",
                         self->url,
                         "-D",
                         RB_TEST_SLAPD_SERVICE_DN,
                         "-w",
                         RB_TEST_SLAPD_SERVICE_PASSWORD,
                         "-E",
                         "pr=200/noprompt",
                         "-b",
                         RB_TEST_SLAPD_BASE_DN,
                         filter,
                         "1.1",
                         NULL };
  g_autofree char *out = run (argv, NULL);
  guint count = 0;

  for (const char *p = out; (p = strstr (p, "dn: ")) != NULL; p += 4)
    if (p == out || p[-1] == '\n')
      count++;
  return count;
}

void
rb_test_slapd_free (RbTestSlapd *self)
{
  rb_test_slapd_kill (self);
  g_free (self->dir);
  g_free (self->conf);
  g_free (self->ca_file);
  g_free (self->url);
  g_free (self);
}
