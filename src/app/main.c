/* main.c: the raumbuch executable. Everything else lives in the rb-app library. */
#include "config.h"

#include "rb-application.h"

int
main (int argc, char *argv[])
{
  g_autoptr (GSettings) settings = NULL;
  g_autoptr (RbApplication) app = NULL;
  g_autofree char *language = NULL;

  /* The language setting must take effect before GTK or any thread starts. */
  settings = g_settings_new (APP_ID);
  language = g_settings_get_string (settings, "language");
  rb_application_setup_i18n (language);

  app = rb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
