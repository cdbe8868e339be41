/* rb-fuzz.c: logging for the harnesses. A GLib warning or critical (a failed
 * g_return_if_fail included) is a finding: it aborts, and libFuzzer reports the abort as a
 * crash with the input that caused it. Debug, info and plain messages are dropped, so that
 * millions of runs do not flood the terminal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-fuzz.h"

static void
log_handler (const char *log_domain, GLogLevelFlags log_level, const char *message,
             gpointer user_data)
{
  if ((log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) == 0)
    return;
  fprintf (stderr, "%s-%s: %s\n", log_domain != NULL ? log_domain : "**",
           (log_level & G_LOG_LEVEL_WARNING) != 0 ? "WARNING" : "CRITICAL", message);
  /* GLib would stop a fatal message with G_BREAKPOINT, a SIGTRAP that libFuzzer does not
   * catch, so it would save no input; an abort it reports as a crash, with the input. */
  abort ();
}

void
rb_fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_default_handler (log_handler, NULL);
  /* The site's time zone of the tests, whatever the machine's. */
  g_setenv ("TZ", "UTC", TRUE);
}

/* The input as a NUL-terminated string; a NUL inside it ends the text early, as it would in
 * any C string the code under test receives. */
char *
rb_fuzz_dup_text (const uint8_t *data, size_t size)
{
  char *text = g_malloc (size + 1);

  memcpy (text, data, size);
  text[size] = '\0';
  return text;
}
