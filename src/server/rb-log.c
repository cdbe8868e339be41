/* rb-log.c: the server logs one line per request, key=value separated by spaces, and
 * several of those values come from the client: the method, the path (percent-decoded by
 * libsoup, so %0A is a real line feed), ids in the path. Written raw, a line feed starts a
 * forged log line, ESC sequences reach the terminal of whoever reads the log, and a space
 * forges further keys. Every such value passes rb_log_escape first (issue 10, item 12). */
#include "config.h"

#include <string.h>

#include "rb-log.h"

/* text with every control character (below 0x20, and 0x7f), space, backslash and every
 * byte that is not part of valid UTF-8 written as \xNN; NULL becomes "-". Backslash is
 * escaped too, so that the escapes cannot be forged either. */
char *
rb_log_escape (const char *text)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return g_strdup ("-");
  out = g_string_sized_new (strlen (text));
  for (p = text; *p != '\0';)
    {
      guchar c = (guchar) *p;
      gunichar u;

      if (c < 0x80)
        {
          if (c <= 0x20 || c == 0x7f || c == '\\')
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_c (out, c);
          p++;
          continue;
        }
      u = g_utf8_get_char_validated (p, -1);
      if (u == (gunichar) -1 || u == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", c);
          p++;
          continue;
        }
      /* C1 controls (U+0080–U+009F) act on terminals as well. */
      if (u < 0xa0)
        {
          for (const char *end = g_utf8_next_char (p); p < end; p++)
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          continue;
        }
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}
