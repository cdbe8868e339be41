/* test-language-setting.c: the language chosen in Raumbuch's settings holds from the start,
 * over the session's locale (run under en_US.UTF-8 with "de" chosen). GTK's own start-up
 * sets the session's locale again unless told not to, which made the setting count only
 * when changed while running. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "rb-application.h"

static void
test_chosen_language_survives_gtk_init (void)
{
  /* As main.c does it: the setting first, then GTK (GtkApplication's start-up). */
  rb_application_setup_i18n ("de");
  gtk_init ();

  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), ==, "de_DE.UTF-8");
  g_assert_cmpstr (_("Sign In"), ==, "Anmelden");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/language/chosen-language-survives-gtk-init",
                   test_chosen_language_survives_gtk_init);
  return g_test_run ();
}
