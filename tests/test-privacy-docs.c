/* test-privacy-docs.c: the review documents in docs/datenschutz/ (issue 13) say what the
 * code does: their retention periods, minimum group, session lifetimes and lock are the
 * defaults of rb_policy_init_defaults and rb-auth.h, in the documents' own German words. A
 * changed default fails here until the documents say it too. */
#include "config.h"

#include <string.h>

#include "rb-auth.h"
#include "rb-policy.h"

static char *
read_document (const char *name)
{
  g_autofree char *path = g_build_filename (RAUMBUCH_SOURCE_DIR, "docs",
                                            "datenschutz", name, NULL);
  g_autoptr (GError) error = NULL;
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, &error));
  g_assert_no_error (error);
  return text;
}

static void
assert_says (const char *text, const char *document, const char *phrase)
{
  if (strstr (text, phrase) == NULL)
    g_error ("%s does not say “%s”", document, phrase);
}

static void
test_record_of_processing (void)
{
  const char *name = "verzeichnis-verarbeitungstaetigkeiten.md";
  g_autofree char *text = read_document (name);
  g_autofree char *anonymise = NULL, *delete = NULL, *group = NULL, *sessions = NULL;
  g_autofree char *lock = NULL, *audit = NULL;
  RbPolicy policy;

  rb_policy_init_defaults (&policy);
  anonymise = g_strdup_printf ("| %d Tage nach Ende der Buchung |", policy.anonymise_after_days);
  delete = g_strdup_printf ("| %d Tage nach Ende der Buchung |", policy.delete_after_days);
  group = g_strdup_printf ("von weniger als %d verschiedenen Personen", policy.min_group_size);
  sessions = g_strdup_printf ("%d Stunden am Desktop, %d Minuten am Kiosk",
                              RB_AUTH_SESSION_SECONDS / 3600, RB_AUTH_KIOSK_SESSION_SECONDS / 60);
  lock = g_strdup_printf ("%d Minuten nach %d Fehlversuchen", RB_AUTH_LOCK_SECONDS / 60,
                          RB_AUTH_MAX_FAILURES);
  assert_says (text, name, anonymise);
  assert_says (text, name, delete);
  assert_says (text, name, group);
  assert_says (text, name, sessions);
  audit = g_strdup_printf ("| Prüfprotokoll | %d Tage |", policy.audit_retention_days);
  assert_says (text, name, lock);
  assert_says (text, name, audit);
  assert_says (text, name, "`audit_retention_days`");
  assert_says (text, name, "`anonymise_after_days`");
  assert_says (text, name, "`delete_after_days`");
  assert_says (text, name, "`min_group_size`");
}

static void
test_staff_council_checklist (void)
{
  const char *name = "checkliste-dienstvereinbarung.md";
  g_autofree char *text = read_document (name);
  g_autofree char *anonymise = NULL, *delete = NULL, *group = NULL, *audit = NULL;
  RbPolicy policy;

  rb_policy_init_defaults (&policy);
  audit = g_strdup_printf ("Prüfprotokolls werden %d Tage", policy.audit_retention_days);
  anonymise = g_strdup_printf ("endet %d Tage nach ihrem Ende", policy.anonymise_after_days);
  delete = g_strdup_printf ("%d Tage nach ihrem Ende gelöscht", policy.delete_after_days);
  group = g_strdup_printf ("auf weniger als %d verschiedenen Personen", policy.min_group_size);
  assert_says (text, name, anonymise);
  assert_says (text, name, delete);
  assert_says (text, name, group);
  assert_says (text, name, audit);
  assert_says (text, name, "`show_names`");
  g_assert_false (policy.show_names);
  assert_says (text, name, "(Voreinstellung: aus)");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/privacy-docs/record-of-processing", test_record_of_processing);
  g_test_add_func ("/privacy-docs/staff-council-checklist", test_staff_council_checklist);
  return g_test_run ();
}
