/* fuzz-rfc3339.c: rb_time_parse_rfc3339, which reads every time of a request body and query,
 * and rb_time_from_rfc3339, which quotes a refused one in its error. A time it takes lies in
 * the supported range and is written back as a text that reads as the same instant. */
#include "config.h"

#include "rb-error.h"
#include "rb-fuzz.h"
#include "rb-time.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  rb_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = rb_fuzz_dup_text (data, size);
  g_autoptr (GError) error = NULL;
  g_autofree char *written = NULL;
  gint64 instant = -1, again = -1, checked = -1;
  const char *problem = rb_time_parse_rfc3339 (text, &instant);

  if (!rb_time_from_rfc3339 (text, &checked, &error))
    {
      g_assert_nonnull (problem);
      g_assert_true (g_error_matches (error, RB_ERROR, RB_ERROR_INVALID_FIELD));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_null (problem);
  g_assert_no_error (error);
  g_assert_cmpint (checked, ==, instant);
  g_assert_true (rb_time_is_supported (instant));

  written = rb_time_to_rfc3339 (instant);
  g_assert_null (rb_time_parse_rfc3339 (written, &again));
  g_assert_cmpint (again, ==, instant);
  return 0;
}
