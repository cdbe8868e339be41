/* rb-people-csv.h: reads a list of people from CSV as German Excel writes it (semicolons,
 * Windows-1252 or UTF-8 with a byte order mark, quoted fields, CRLF) or as other programs do
 * (commas, plain UTF-8). Only the reading: what to do with the people is the store's. */
#pragma once

#include <glib.h>

#include "rb-types.h"

G_BEGIN_DECLS

/* Longer files are refused whole: a ministry's staff list fits many times over. */
#define RB_PEOPLE_CSV_MAX_ROWS 20000
#define RB_PEOPLE_CSV_MAX_STAFF_NUMBER 32

typedef struct
{
  guint row;          /* the row as a spreadsheet numbers it: the header is row 1 */
  char *staff_number;
  char *display_name;
  char *team;         /* NULL: the file has no team for this person */
  gboolean has_role;  /* FALSE: the file has no role for this person */
  RbRole role;
} RbPeopleCsvRow;

void rb_people_csv_row_free (RbPeopleCsvRow *row);

GPtrArray *rb_people_csv_read (const char *data, gsize length, GPtrArray **out_errors,
                               GError **error);

G_END_DECLS
