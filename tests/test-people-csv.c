/* test-people-csv.c: the people import's CSV reader on what German Excel writes (semicolons,
 * Windows-1252, a UTF-8 byte order mark, quoted fields with separators, quotes and line breaks,
 * CRLF) and on plain UTF-8 with commas; row-precise errors; and the PIN rules, each reason. */
#include "config.h"

#include <string.h>

#include "rb-core.h"

static GPtrArray *
read_ok (const char *data, gsize length, GPtrArray **out_errors)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *people = rb_people_csv_read (data, length, out_errors, &error);

  g_assert_no_error (error);
  g_assert_nonnull (people);
  return people;
}

#define ROW(people, i) ((RbPeopleCsvRow *) g_ptr_array_index ((people), (i)))

/* What "Speichern unter → CSV (Trennzeichen-getrennt)" writes on a German Windows: Windows-1252
 * (ä = 0xE4, ß = 0xDF, € = 0x80), semicolons, CRLF, quotes around fields that need them. */
static void
test_excel_windows_1252 (void)
{
  static const char data[] = "Personalnummer;Name;Team;Rolle\r\n"
                             "10001;M\xfcller, J\xfcrgen;Referat Z 1;Mitarbeiter\r\n"
                             "10002;\"Stra\xdf" "e; Anna \"\"Anni\"\"\";\"Referat\r\nZ 2\";Teamleitung\r\n"
                             "10003;Bernd \x80uro;;\r\n"
                             ";;;\r\n";
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = read_ok (data, sizeof data - 1, &errors);

  g_assert_cmpuint (errors->len, ==, 0);
  g_assert_cmpuint (people->len, ==, 3);
  g_assert_cmpstr (ROW (people, 0)->staff_number, ==, "10001");
  g_assert_cmpstr (ROW (people, 0)->display_name, ==, "Müller, Jürgen");
  g_assert_cmpstr (ROW (people, 0)->team, ==, "Referat Z 1");
  g_assert_true (ROW (people, 0)->has_role);
  g_assert_cmpint (ROW (people, 0)->role, ==, RB_ROLE_STAFF);
  g_assert_cmpstr (ROW (people, 1)->display_name, ==, "Straße; Anna \"Anni\"");
  g_assert_cmpstr (ROW (people, 1)->team, ==, "Referat\r\nZ 2");
  g_assert_cmpint (ROW (people, 1)->role, ==, RB_ROLE_TEAM_LEAD);
  g_assert_cmpuint (ROW (people, 1)->row, ==, 3);
  g_assert_cmpstr (ROW (people, 2)->display_name, ==, "Bernd €uro");
  g_assert_null (ROW (people, 2)->team);
  g_assert_false (ROW (people, 2)->has_role);
  g_assert_cmpuint (ROW (people, 2)->row, ==, 4);
}

/* "CSV UTF-8 (durch Trennzeichen getrennt)": the same with a byte order mark. */
static void
test_excel_utf8_bom (void)
{
  static const char data[] = "\xef\xbb\xbfPersonalnummer;Name;Rolle\r\n"
                             "20001;\"Özdemir, Ayşe\";Administrator\r\n";
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = read_ok (data, sizeof data - 1, &errors);

  g_assert_cmpuint (errors->len, ==, 0);
  g_assert_cmpuint (people->len, ==, 1);
  g_assert_cmpstr (ROW (people, 0)->staff_number, ==, "20001");
  g_assert_cmpstr (ROW (people, 0)->display_name, ==, "Özdemir, Ayşe");
  g_assert_cmpint (ROW (people, 0)->role, ==, RB_ROLE_ADMIN);
}

static void
test_plain_commas (void)
{
  static const char data[] = "staff_number,display_name,team,role\n"
                             "30001,\"Smith, Jo\",Ops;Night,facility_manager\n"
                             "30002,Lee,Ops,team_lead";
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = read_ok (data, sizeof data - 1, &errors);

  g_assert_cmpuint (errors->len, ==, 0);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpstr (ROW (people, 0)->display_name, ==, "Smith, Jo");
  g_assert_cmpstr (ROW (people, 0)->team, ==, "Ops;Night");
  g_assert_cmpint (ROW (people, 0)->role, ==, RB_ROLE_FACILITY_MANAGER);
  g_assert_cmpint (ROW (people, 1)->role, ==, RB_ROLE_TEAM_LEAD);
}

/* Each bad row is named with its number and column; the good rows are still read. */
static void
test_row_errors (void)
{
  static const char data[] = "Personalnummer;Name;Team;Rolle\r\n"
                             "10001;Anna;Z1;Chef\r\n"
                             "10002;;Z1;staff\r\n"
                             "10001;Bert;Z1;staff\r\n"
                             "10 4;Carl;Z1;staff\r\n"
                             "10005;Dora;Z1;staff;extra\r\n"
                             "10006;\"Emil\"x;Z1;staff\r\n"
                             "10007;Frida;Z1;admin\r\n";
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = read_ok (data, sizeof data - 1, &errors);

  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpstr (ROW (people, 0)->staff_number, ==, "10001");
  g_assert_cmpstr (ROW (people, 1)->staff_number, ==, "10007");
  g_assert_cmpuint (errors->len, ==, 5);
  /* Row 2 is refused: the role; so 10001 is free again in row 4... */
  g_assert_true (g_str_has_prefix (g_ptr_array_index (errors, 0), "row 2, column Rolle: unknown role \"Chef\""));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (errors, 1), "row 3, column Name:"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (errors, 2), "row 5, column Personalnummer:"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (errors, 3), "row 6:"));
  g_assert_true (g_str_has_prefix (g_ptr_array_index (errors, 4), "row 7:"));
}

static void
test_duplicate_staff_number (void)
{
  static const char data[] = "staff_number,display_name\n1,A\n2,B\n1,C\n";
  g_autoptr (GPtrArray) errors = NULL;
  g_autoptr (GPtrArray) people = read_ok (data, sizeof data - 1, &errors);

  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpuint (errors->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (errors, 0), ==,
                   "row 4, column staff_number: staff number 1 is already in row 2");
}

static void
test_unreadable (void)
{
  static const char *const files[] = {
    "",
    "Name;Team\r\nAnna;Z1\r\n",
    "Personalnummer;Name;Personalnummer\r\n",
    "\xef\xbb\xbfPersonalnummer;Name\r\n1;M\xfcller\r\n",
    "\"Personalnummer;Name\r\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) errors = NULL;
      g_autoptr (GPtrArray) people = rb_people_csv_read (files[i], strlen (files[i]), &errors,
                                                         &error);

      g_assert_null (people);
      g_assert_null (errors);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) errors = NULL;
    g_autoptr (GPtrArray) people = rb_people_csv_read ("a\0b", 3, &errors, &error);

    g_assert_null (people);
    g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  }
}

/* ---- PIN rules ---------------------------------------------------------------------------- */

static void
test_pin_rules (void)
{
  static const struct
  {
    const char *pin;
    const char *staff_number;
    RbPinVerdict verdict;
  } cases[] = {
    { "4729", "10001", RB_PIN_OK },
    { "40817263", "10001", RB_PIN_OK },
    { "472", "10001", RB_PIN_BAD_LENGTH },
    { "472938101", "10001", RB_PIN_BAD_LENGTH },
    { "47a9", "10001", RB_PIN_NOT_DIGITS },
    { "7777", "10001", RB_PIN_ALL_SAME },
    { "000000", "10001", RB_PIN_ALL_SAME },
    { "1234", "10001", RB_PIN_RUN },
    { "0123", "10001", RB_PIN_RUN },
    { "9876", "10001", RB_PIN_RUN },
    { "7890", "10001", RB_PIN_RUN },
    { "543210", "10001", RB_PIN_RUN },
    { "3663", "13663", RB_PIN_STAFF_NUMBER },
    { "13663", "13663", RB_PIN_STAFF_NUMBER },
    { "913663", "13663", RB_PIN_STAFF_NUMBER },
    { "1212", "10001", RB_PIN_COMMON },
    { "1004", "10001", RB_PIN_COMMON },
    { "2580", "10001", RB_PIN_COMMON },
    { "5683", "10001", RB_PIN_COMMON },
    { "4321", "10001", RB_PIN_RUN },
    { "6969", "10001", RB_PIN_COMMON },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = rb_pin_rules_validate (cases[i].pin, cases[i].staff_number, &error);

      g_test_message ("PIN %s", cases[i].pin);
      g_assert_cmpint (rb_pin_rules_check (cases[i].pin, cases[i].staff_number), ==,
                       cases[i].verdict);
      g_assert_cmpint (ok, ==, cases[i].verdict == RB_PIN_OK);
      if (!ok)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_WEAK_PIN);
          g_assert_nonnull (strstr (error->message, rb_pin_rules_reason (cases[i].verdict)));
        }
    }
}

static guint32
counting_random (gpointer data)
{
  guint32 *state = data;

  /* Starts with a run of equal draws so that the first candidates are refused. */
  return (*state)++ < 12 ? 7 : *state * 2654435761u;
}

static void
test_one_time_pin (void)
{
  guint32 state = 0;
  g_autofree char *pin = rb_pin_rules_make_one_time ("10001", counting_random, &state);

  g_assert_cmpuint (strlen (pin), ==, 6);
  g_assert_cmpint (rb_pin_rules_check (pin, "10001"), ==, RB_PIN_OK);
  g_assert_cmpuint (state, >, 12);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/people-csv/excel-windows-1252", test_excel_windows_1252);
  g_test_add_func ("/people-csv/excel-utf8-bom", test_excel_utf8_bom);
  g_test_add_func ("/people-csv/plain-commas", test_plain_commas);
  g_test_add_func ("/people-csv/row-errors", test_row_errors);
  g_test_add_func ("/people-csv/duplicate-staff-number", test_duplicate_staff_number);
  g_test_add_func ("/people-csv/unreadable", test_unreadable);
  g_test_add_func ("/pin-rules/each-reason", test_pin_rules);
  g_test_add_func ("/pin-rules/one-time", test_one_time_pin);
  return g_test_run ();
}
