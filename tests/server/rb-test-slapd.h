/* rb-test-slapd.h: a real OpenLDAP server (Debian's slapd) for the tests of the directory
 * (issue 14), run in a temporary folder with its own configuration on a loopback port chosen
 * at run time, never the system's slapd.
 *
 * The directory is dc=raumbuch,dc=test, filled with slapadd before slapd starts (loading a
 * thousand people takes milliseconds that way) from an LDIF that rb_test_slapd_ldif makes:
 *
 *   ou=people: person0001 … personN (uid), employeeNumber 100001 …, cn "Person 0001", team
 *   "Team 01" … "Team 20" in departmentNumber, password "secret-0001" …; person0999 (when
 *   there) has employeeType "disabled", the test's mark of a disabled account.
 *   ou=groups (groupOfNames, nested as Active Directory nests them):
 *     raumbuch-users   ∋ staff-all ∋ team-01 … team-20 ∋ the people of each team
 *     raumbuch-admins  ∋ it-ops ∋ person0001
 *     raumbuch-leads   ∋ leads ∋ leads-inner ∋ person0002, person0003
 *     raumbuch-facility ∋ person0004
 *
 * slapd offers StartTLS with a certificate of its own (rb_test_slapd_get_ca_file).
 * The service account is cn=raumbuch,ou=services with the password "service-secret"; the
 * root (for changes by the tests) is cn=admin,dc=raumbuch,dc=test with "root-secret".
 * The process dies with the test's main thread (PR_SET_PDEATHSIG), and rb_test_slapd_free
 * kills it, so a failing assertion leaves none behind. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RB_TEST_SLAPD_BASE_DN "dc=raumbuch,dc=test"
#define RB_TEST_SLAPD_SERVICE_DN "cn=raumbuch,ou=services,dc=raumbuch,dc=test"
#define RB_TEST_SLAPD_SERVICE_PASSWORD "service-secret"
#define RB_TEST_SLAPD_ROOT_DN "cn=admin,dc=raumbuch,dc=test"
#define RB_TEST_SLAPD_ROOT_PASSWORD "root-secret"

typedef struct _RbTestSlapd RbTestSlapd;

/* The LDIF of a directory with n_people people (see above). */
char *rb_test_slapd_ldif (guint n_people);

/* Writes the configuration and the database of a directory of n_people into dir/slapd and
 * starts slapd; returns once it answers. */
RbTestSlapd *rb_test_slapd_new (const char *dir, guint n_people);
/* "ldap://127.0.0.1:PORT" */
const char *rb_test_slapd_get_url (RbTestSlapd *self);
/* The PEM certificate slapd offers for StartTLS (self-signed for 127.0.0.1: its own CA). */
const char *rb_test_slapd_get_ca_file (RbTestSlapd *self);
/* Kills slapd (SIGKILL) and waits until it is gone: the directory is down. */
void rb_test_slapd_kill (RbTestSlapd *self);
/* Starts it again on the same port and data; returns once it answers. */
void rb_test_slapd_start (RbTestSlapd *self);
/* Runs ldapmodify as the root with this LDIF (changetype records); asserts success. */
void rb_test_slapd_modify (RbTestSlapd *self, const char *ldif);
/* ldapsearch as the service account: how many entries filter matches below the base. */
guint rb_test_slapd_count (RbTestSlapd *self, const char *filter);
void rb_test_slapd_free (RbTestSlapd *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbTestSlapd, rb_test_slapd_free)

G_END_DECLS
