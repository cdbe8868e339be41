/* fuzz-building.c: the building file as an administrator (or anyone who reaches the import
 * endpoint) sends it. Every input goes to rb_building_file_parse; a refusal is an RB_ERROR of
 * the parser (invalid_json, invalid_field) or of the reader (invalid_building, naming a
 * place). A file it takes is valid all through: its ids unique, its references resolved, each
 * space inside its floor; written out and read back it is the same document, and the report
 * of an import renders in words. */
#include "config.h"

#include <string.h>

#include "rb-building-file.h"
#include "rb-error.h"
#include "rb-fuzz.h"
#include "rb-json.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  rb_fuzz_init ();
  return 0;
}

static void
check_document (RbBuildingDocument *document)
{
  g_autoptr (GHashTable) floors = g_hash_table_new (g_str_hash, g_str_equal);

  g_assert_nonnull (document->site);
  g_assert_cmpuint (document->buildings->len, >, 0);
  for (guint i = 0; i < document->floors->len; i++)
    {
      RbFloor *floor = document->floors->pdata[i];

      g_assert_true (g_hash_table_insert (floors, (gpointer) rb_floor_get_id (floor), floor));
      g_assert_cmpint (rb_floor_get_width (floor), >, 0);
      g_assert_cmpint (rb_floor_get_height (floor), >, 0);
    }
  for (guint i = 0; i < document->spaces->len; i++)
    {
      RbSpace *space = document->spaces->pdata[i];
      RbFloor *floor = g_hash_table_lookup (floors, rb_space_get_floor_id (space));
      const RbRect *r = rb_space_get_rect (space);

      g_assert_nonnull (floor);
      g_assert_cmpint (rb_space_get_capacity (space), >=, 1);
      g_assert_cmpfloat (r->w, >, 0);
      g_assert_cmpfloat (r->h, >, 0);
      g_assert_cmpfloat (r->x, >=, 0);
      g_assert_cmpfloat (r->y, >=, 0);
      g_assert_cmpfloat (r->x + r->w, <=, rb_floor_get_width (floor));
      g_assert_cmpfloat (r->y + r->h, <=, rb_floor_get_height (floor));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBuildingDocument) document = rb_building_file_parse ((const char *) data, size,
                                                                    &error);
  g_autoptr (JsonNode) written = NULL;
  g_autoptr (RbBuildingDocument) again = NULL;
  g_autoptr (JsonNode) rewritten = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text_again = NULL;

  if (document == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (error->domain == RB_ERROR);
      g_assert_true (error->code == RB_ERROR_INVALID_JSON || error->code == RB_ERROR_INVALID_FIELD
                     || error->code == RB_ERROR_INVALID_BUILDING);
      if (error->code == RB_ERROR_INVALID_BUILDING)
        g_assert_nonnull (strstr (error->message, ": "));
      return 0;
    }
  g_assert_null (error);
  check_document (document);

  written = rb_building_file_write (document);
  text = rb_json_to_string (written, FALSE);
  again = rb_building_file_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpuint (again->spaces->len, ==, document->spaces->len);
  rewritten = rb_building_file_write (again);
  text_again = rb_json_to_string (rewritten, FALSE);
  g_assert_cmpstr (text, ==, text_again);
  return 0;
}
