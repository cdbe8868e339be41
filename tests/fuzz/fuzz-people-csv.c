/* fuzz-people-csv.c: rb_people_csv_read, the reader of the people import (POST
 * /people/import), on raw bytes as they arrive: any encoding, separator, quoting and line
 * ends. Either the whole file is refused with an RB_ERROR, or it yields people and row errors
 * where every person has a valid staff number, a name in UTF-8 and a row after the header,
 * rows in order and staff numbers unique. */
#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-fuzz.h"
#include "rb-people-csv.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  rb_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = rb_people_csv_read ((const char *) data, size, &errors, &error);
  g_autoptr (GHashTable) seen = NULL;
  guint last_row = 1;

  if (people == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == RB_ERROR);
      g_assert_null (errors);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_nonnull (errors);
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < people->len; i++)
    {
      RbPeopleCsvRow *row = g_ptr_array_index (people, i);

      g_assert_cmpuint (row->row, >, last_row);
      last_row = row->row;
      g_assert_true (*row->staff_number != '\0');
      g_assert_cmpuint (strlen (row->staff_number), <=, RB_PEOPLE_CSV_MAX_STAFF_NUMBER);
      g_assert_true (*row->display_name != '\0');
      g_assert_true (g_utf8_validate (row->display_name, -1, NULL));
      g_assert_true (row->team == NULL || g_utf8_validate (row->team, -1, NULL));
      g_assert_true (g_hash_table_add (seen, row->staff_number));
    }
  for (guint i = 0; i < errors->len; i++)
    g_assert_true (g_utf8_validate (g_ptr_array_index (errors, i), -1, NULL));
  return 0;
}
