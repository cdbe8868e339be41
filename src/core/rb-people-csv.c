/* rb-people-csv.c: the CSV reader of the people import (rb-people-csv.h).
 *
 * The encoding is found first: a UTF-8 byte order mark means UTF-8 (Excel's "CSV UTF-8"), text
 * that is valid UTF-8 is UTF-8, anything else is taken as Windows-1252 (Excel's plain "CSV" on
 * a German Windows). The separator is the one of semicolon, comma and tab that the header line
 * has most of outside quotes. Fields follow RFC 4180 as Excel writes it: a quoted field may
 * hold separators, line breaks and doubled quotes; lines end in CRLF, LF or CR.
 *
 * A row that cannot be used does not stop the reading: every such row is named in the errors
 * ("row 7, column Rolle: …"), so that one pass shows everything to fix. Only a file that cannot
 * be read at all (no header, wrong encoding) fails with a GError. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-error.h"
#include "rb-people-csv.h"

#define MAX_FIELD_CHARS 200

typedef enum
{
  COLUMN_STAFF_NUMBER,
  COLUMN_DISPLAY_NAME,
  COLUMN_TEAM,
  COLUMN_ROLE,
  N_COLUMNS
} Column;

/* Header names, compared after lower-casing and dropping spaces, '_', '-' and '.'. */
static const struct
{
  const char *name;
  Column column;
} header_names[] = {
  { "personalnummer", COLUMN_STAFF_NUMBER },
  { "persnr", COLUMN_STAFF_NUMBER },
  { "staffnumber", COLUMN_STAFF_NUMBER },
  { "name", COLUMN_DISPLAY_NAME },
  { "anzeigename", COLUMN_DISPLAY_NAME },
  { "displayname", COLUMN_DISPLAY_NAME },
  { "team", COLUMN_TEAM },
  { "referat", COLUMN_TEAM },
  { "rolle", COLUMN_ROLE },
  { "role", COLUMN_ROLE },
};

/* Role names as people write them in a spreadsheet, compared like the header names. */
static const struct
{
  const char *name;
  RbRole role;
} role_names[] = {
  { "staff", RB_ROLE_STAFF },
  { "mitarbeiter", RB_ROLE_STAFF },
  { "mitarbeiterin", RB_ROLE_STAFF },
  { "mitarbeitende", RB_ROLE_STAFF },
  { "teamlead", RB_ROLE_TEAM_LEAD },
  { "teamleitung", RB_ROLE_TEAM_LEAD },
  { "teamleiter", RB_ROLE_TEAM_LEAD },
  { "teamleiterin", RB_ROLE_TEAM_LEAD },
  { "facilitymanager", RB_ROLE_FACILITY_MANAGER },
  { "facilitymanagement", RB_ROLE_FACILITY_MANAGER },
  { "admin", RB_ROLE_ADMIN },
  { "administrator", RB_ROLE_ADMIN },
  { "administratorin", RB_ROLE_ADMIN },
};

void
rb_people_csv_row_free (RbPeopleCsvRow *row)
{
  g_free (row->staff_number);
  g_free (row->display_name);
  g_free (row->team);
  g_free (row);
}

static char *
normalise_name (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text, -1);
  GString *out = g_string_new (NULL);

  for (const char *p = folded; *p != '\0'; p++)
    if (!g_ascii_isspace (*p) && *p != '_' && *p != '-' && *p != '.')
      g_string_append_c (out, *p);
  return g_string_free (out, FALSE);
}

/* The file as UTF-8 without a byte order mark, or NULL with an error. */
static char *
to_utf8 (const char *data, gsize length, gsize *out_length, GError **error)
{
  g_autoptr (GError) convert_error = NULL;
  char *text;

  if (memchr (data, '\0', length) != NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "%s", _("The file is not a text file."));
      return NULL;
    }
  if (length >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      if (!g_utf8_validate_len (data + 3, length - 3, NULL))
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, "%s",
                        _("The file says it is UTF-8 but is not."));
          return NULL;
        }
      *out_length = length - 3;
      return g_strndup (data + 3, length - 3);
    }
  if (g_utf8_validate_len (data, length, NULL))
    {
      *out_length = length;
      return g_strndup (data, length);
    }
  text = g_convert (data, length, "UTF-8", "WINDOWS-1252", NULL, out_length, &convert_error);
  if (text == NULL)
    rb_set_error (error, RB_ERROR_INVALID_FIELD, "%s",
                  _("The file is neither UTF-8 nor Windows-1252 text."));
  return text;
}

/* The separator that the first line has most of outside quotes; a semicolon on a tie, as
 * German Excel writes. */
static char
detect_separator (const char *text, gsize length)
{
  guint semicolons = 0, commas = 0, tabs = 0;
  gboolean quoted = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = text[i];

      if (c == '"')
        quoted = !quoted;
      else if (!quoted && (c == '\n' || c == '\r'))
        break;
      else if (!quoted && c == ';')
        semicolons++;
      else if (!quoted && c == ',')
        commas++;
      else if (!quoted && c == '\t')
        tabs++;
    }
  if (commas > semicolons && commas >= tabs)
    return ',';
  if (tabs > semicolons && tabs > commas)
    return '\t';
  return ';';
}

typedef struct
{
  const char *text;
  gsize length;
  gsize pos;
  char separator;
} Reader;

/* The next record's fields, or NULL at the end of the text. A quote that is not followed by
 * a separator or line end sets *out_bad_quote; the record is read on to its end all the
 * same, so the next one starts where it should. */
static GPtrArray *
read_record (Reader *r, gboolean *out_bad_quote)
{
  GPtrArray *fields;
  GString *field = g_string_new (NULL);
  gboolean quoted = FALSE, was_quoted = FALSE;

  *out_bad_quote = FALSE;
  if (r->pos >= r->length)
    {
      g_string_free (field, TRUE);
      return NULL;
    }
  fields = g_ptr_array_new_with_free_func (g_free);
  while (r->pos < r->length)
    {
      char c = r->text[r->pos++];

      if (quoted)
        {
          if (c != '"')
            g_string_append_c (field, c);
          else if (r->pos < r->length && r->text[r->pos] == '"')
            {
              g_string_append_c (field, '"');
              r->pos++;
            }
          else
            quoted = FALSE;
          continue;
        }
      if (c == '"' && field->len == 0 && !was_quoted)
        {
          quoted = was_quoted = TRUE;
          continue;
        }
      if (c == r->separator)
        {
          g_ptr_array_add (fields, g_string_free (g_steal_pointer (&field), FALSE));
          field = g_string_new (NULL);
          was_quoted = FALSE;
          continue;
        }
      if (c == '\r' || c == '\n')
        {
          if (c == '\r' && r->pos < r->length && r->text[r->pos] == '\n')
            r->pos++;
          break;
        }
      if (was_quoted || c == '"')
        *out_bad_quote = TRUE;
      g_string_append_c (field, c);
    }
  if (quoted)
    *out_bad_quote = TRUE;
  g_ptr_array_add (fields, g_string_free (field, FALSE));
  return fields;
}

static gboolean
record_is_empty (GPtrArray *fields)
{
  for (guint i = 0; i < fields->len; i++)
    {
      g_autofree char *copy = g_strdup (g_ptr_array_index (fields, i));

      if (*g_strstrip (copy) != '\0')
        return FALSE;
    }
  return TRUE;
}

static void
add_error (GPtrArray *errors, guint row, const char *column, const char *format, ...)
    G_GNUC_PRINTF (4, 5);

static void
add_error (GPtrArray *errors, guint row, const char *column, const char *format, ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  if (column != NULL)
    /* Translators: a mistake in an imported CSV file, e.g. "row 7, column Rolle: unknown
     * role 'boss'" */
    g_ptr_array_add (errors, g_strdup_printf (_("row %u, column %s: %s"), row, column, what));
  else
    /* Translators: a mistake in an imported CSV file, e.g. "row 7: 3 fields, the header has 4" */
    g_ptr_array_add (errors, g_strdup_printf (_("row %u: %s"), row, what));
}

static char *
take_cell (GPtrArray *fields, int index)
{
  if (index < 0 || (guint) index >= fields->len)
    return g_strdup ("");
  return g_strstrip (g_strdup (g_ptr_array_index (fields, index)));
}

static gboolean
is_staff_number (const char *text)
{
  if (*text == '\0' || strlen (text) > RB_PEOPLE_CSV_MAX_STAFF_NUMBER)
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isgraph (*text))
      return FALSE;
  return TRUE;
}

static gboolean
parse_role (const char *text, RbRole *out_role)
{
  g_autofree char *name = normalise_name (text);

  for (gsize i = 0; i < G_N_ELEMENTS (role_names); i++)
    if (g_str_equal (name, role_names[i].name))
      {
        *out_role = role_names[i].role;
        return TRUE;
      }
  return FALSE;
}

static gboolean
check_text (GPtrArray *errors, guint row, const char *column, const char *text)
{
  if (g_utf8_strlen (text, -1) <= MAX_FIELD_CHARS)
    return TRUE;
  add_error (errors, row, column, _("longer than %d characters"), MAX_FIELD_CHARS);
  return FALSE;
}

/* One person from a record, or NULL with the row's mistakes added to errors. */
static RbPeopleCsvRow *
read_person (GPtrArray *fields, guint row, const int *columns, char *const *header,
             GHashTable *seen, GPtrArray *errors)
{
  g_autofree char *staff_number = take_cell (fields, columns[COLUMN_STAFF_NUMBER]);
  g_autofree char *display_name = take_cell (fields, columns[COLUMN_DISPLAY_NAME]);
  g_autofree char *team = take_cell (fields, columns[COLUMN_TEAM]);
  g_autofree char *role_text = take_cell (fields, columns[COLUMN_ROLE]);
  guint n_errors = errors->len;
  RbPeopleCsvRow *person;
  RbRole role = RB_ROLE_STAFF;

  if (!is_staff_number (staff_number))
    add_error (errors, row, header[columns[COLUMN_STAFF_NUMBER]],
               _("a staff number has 1 to %d letters or digits without spaces"),
               RB_PEOPLE_CSV_MAX_STAFF_NUMBER);
  else if (g_hash_table_contains (seen, staff_number))
    add_error (errors, row, header[columns[COLUMN_STAFF_NUMBER]],
               _("staff number %s is already in row %u"), staff_number,
               GPOINTER_TO_UINT (g_hash_table_lookup (seen, staff_number)));
  if (*display_name == '\0')
    add_error (errors, row, header[columns[COLUMN_DISPLAY_NAME]], _("the name is empty"));
  else
    check_text (errors, row, header[columns[COLUMN_DISPLAY_NAME]], display_name);
  if (columns[COLUMN_TEAM] >= 0)
    check_text (errors, row, header[columns[COLUMN_TEAM]], team);
  if (*role_text != '\0' && !parse_role (role_text, &role))
    add_error (errors, row, header[columns[COLUMN_ROLE]],
               _("unknown role \"%s\" (staff, team_lead, facility_manager or admin)"), role_text);
  if (errors->len > n_errors)
    return NULL;

  g_hash_table_insert (seen, g_strdup (staff_number), GUINT_TO_POINTER (row));
  person = g_new0 (RbPeopleCsvRow, 1);
  person->row = row;
  person->staff_number = g_steal_pointer (&staff_number);
  person->display_name = g_steal_pointer (&display_name);
  person->team = columns[COLUMN_TEAM] >= 0 && *team != '\0' ? g_steal_pointer (&team) : NULL;
  person->has_role = *role_text != '\0';
  person->role = role;
  return person;
}

/* The header's columns, or FALSE with an error naming what is missing or doubled. */
static gboolean
read_header (GPtrArray *fields, int *columns, GError **error)
{
  for (int c = 0; c < N_COLUMNS; c++)
    columns[c] = -1;
  for (guint i = 0; i < fields->len; i++)
    {
      g_autofree char *name = normalise_name (g_ptr_array_index (fields, i));

      for (gsize n = 0; n < G_N_ELEMENTS (header_names); n++)
        {
          if (!g_str_equal (name, header_names[n].name))
            continue;
          if (columns[header_names[n].column] >= 0)
            {
              rb_set_error (error, RB_ERROR_INVALID_FIELD,
                            _("row 1: the column %s is there twice."),
                            (const char *) g_ptr_array_index (fields, i));
              return FALSE;
            }
          columns[header_names[n].column] = i;
        }
    }
  if (columns[COLUMN_STAFF_NUMBER] < 0 || columns[COLUMN_DISPLAY_NAME] < 0)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "%s",
                    _("row 1: the header must name the columns Personalnummer (or "
                      "staff_number) and Name (or display_name)."));
      return FALSE;
    }
  return TRUE;
}

/* The people of a CSV file, row by row; the mistakes of rows that could not be read go into
 * *out_errors (translated, "row N, column C: …") and those rows are left out. Fails only when
 * the file as a whole cannot be read. */
GPtrArray *
rb_people_csv_read (const char *data, gsize length, GPtrArray **out_errors, GError **error)
{
  g_autoptr (GPtrArray) people
      = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_people_csv_row_free);
  g_autoptr (GPtrArray) errors = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) header = NULL;
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *text = NULL;
  gsize text_length = 0;
  gboolean bad_quote = FALSE;
  int columns[N_COLUMNS];
  Reader reader = { 0 };
  guint row = 1;

  if ((text = to_utf8 (data, length, &text_length, error)) == NULL)
    return NULL;
  reader.text = text;
  reader.length = text_length;
  reader.separator = detect_separator (text, text_length);

  header = read_record (&reader, &bad_quote);
  if (header == NULL || bad_quote)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "%s",
                    _("row 1: the file has no header line."));
      return NULL;
    }
  for (guint i = 0; i < header->len; i++)
    g_strstrip (g_ptr_array_index (header, i));
  if (!read_header (header, columns, error))
    return NULL;

  while (TRUE)
    {
      g_autoptr (GPtrArray) fields = read_record (&reader, &bad_quote);
      RbPeopleCsvRow *person;

      if (fields == NULL)
        break;
      row++;
      if (row > RB_PEOPLE_CSV_MAX_ROWS + 1)
        {
          rb_set_error (error, RB_ERROR_PAYLOAD_TOO_LARGE, _("More than %d people."),
                        RB_PEOPLE_CSV_MAX_ROWS);
          return NULL;
        }
      if (bad_quote)
        {
          add_error (errors, row, NULL, "%s", _("a quote is not closed or stands inside a field"));
          continue;
        }
      if (record_is_empty (fields))
        continue;
      if (fields->len > header->len)
        {
          add_error (errors, row, NULL, _("%u fields, but the header has %u"), fields->len,
                     header->len);
          continue;
        }
      if ((person = read_person (fields, row, columns, (char *const *) header->pdata, seen,
                                 errors)))
        g_ptr_array_add (people, person);
    }
  *out_errors = g_steal_pointer (&errors);
  return g_steal_pointer (&people);
}
