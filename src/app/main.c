/* main.c: the raumbuch executable. Everything else lives in the rb-app library. */
#include "config.h"

#include <string.h>

#include "rb-application.h"
#include "rb-memory.h"

static gboolean
wants_kiosk (GSettings *settings, int argc, char *argv[])
{
  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--kiosk") == 0 || g_str_has_prefix (argv[i], "--panel"))
      return TRUE;
  return g_settings_get_boolean (settings, "kiosk-mode");
}

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
  /* So must the kiosk's renderer. */
  if (wants_kiosk (settings, argc, argv))
    rb_memory_choose_kiosk_renderer ();

  app = rb_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
