/* rb-pin-rules.c: the rules a chosen PIN must pass, each refusal with its reason.
 *
 * A PIN guards a kiosk booking; the lockout after five wrong PINs (rb-auth.h) is what makes a
 * short PIN safe, and it is only safe if the PIN is not among the few that everyone tries
 * first: repeated digits, runs, the person's own staff number, and the most common PINs of the
 * published PIN-frequency studies. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-error.h"
#include "rb-pin-rules.h"

/* The most chosen four-digit PINs (Berry, "PIN analysis", DataGenetics 2012, and the German
 * list of the same kind), besides those the other rules already refuse. */
static const char *const common_pins[] = {
  "1111", "1212", "1004", "2000", "6969", "1122", "1313", "4321", "2001", "1010", "0000",
  "2580", "5683", "7777", "1984", "1225", "1231", "2468", "1357", "0852", "2222", "4444",
  "1000", "1200", "0007", "0911", "1001", "2002", "2020", "2021", "2112", "3333", "5555",
  "6666", "8888", "9999", "1998", "1999", "1990", "1980", "0101", "0815", "4711", "123123",
  "121212", "112233", "159753", "147258", "654321", "123321", "696969", "11223344",
  "12121212", "88888888",
};

RbPinVerdict
rb_pin_rules_check (const char *pin, const char *staff_number)
{
  gsize length = pin != NULL ? strlen (pin) : 0;
  gboolean same = TRUE, up = TRUE, down = TRUE;

  if (length < RB_PIN_MIN_DIGITS || length > RB_PIN_MAX_DIGITS)
    return RB_PIN_BAD_LENGTH;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isdigit (pin[i]))
      return RB_PIN_NOT_DIGITS;

  for (gsize i = 1; i < length; i++)
    {
      int step = pin[i] - pin[i - 1];

      same = same && step == 0;
      /* 7890 and 3210 wrap around as people type them on a keypad. */
      up = up && (step == 1 || step == -9);
      down = down && (step == -1 || step == 9);
    }
  if (same)
    return RB_PIN_ALL_SAME;
  if (up || down)
    return RB_PIN_RUN;

  /* The staff number is printed on the badge; its last digits, or all of it, are no secret. */
  if (staff_number != NULL)
    {
      gsize staff_length = strlen (staff_number);

      if (staff_length >= length && g_str_has_suffix (staff_number, pin))
        return RB_PIN_STAFF_NUMBER;
      if (staff_length >= RB_PIN_MIN_DIGITS && strstr (pin, staff_number) != NULL)
        return RB_PIN_STAFF_NUMBER;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (common_pins); i++)
    if (g_str_equal (pin, common_pins[i]))
      return RB_PIN_COMMON;
  return RB_PIN_OK;
}

const char *
rb_pin_rules_reason (RbPinVerdict verdict)
{
  switch (verdict)
    {
    case RB_PIN_OK:
      return NULL;
    case RB_PIN_BAD_LENGTH:
      return _("A PIN has 4 to 8 digits.");
    case RB_PIN_NOT_DIGITS:
      return _("A PIN has only digits.");
    case RB_PIN_ALL_SAME:
      return _("All digits are the same.");
    case RB_PIN_RUN:
      return _("The digits go up or down in a row.");
    case RB_PIN_STAFF_NUMBER:
      return _("It is part of your staff number.");
    case RB_PIN_COMMON:
    default:
      return _("It is one of the most common PINs.");
    }
}

/* RB_ERROR_WEAK_PIN with the reason when the PIN may not be chosen. */
gboolean
rb_pin_rules_validate (const char *pin, const char *staff_number, GError **error)
{
  RbPinVerdict verdict = rb_pin_rules_check (pin, staff_number);

  if (verdict == RB_PIN_OK)
    return TRUE;
  rb_set_error (error, RB_ERROR_WEAK_PIN, "%s", rb_pin_rules_reason (verdict));
  return FALSE;
}

/* A one-time PIN of six digits that passes the rules for this staff number. random_func must be a cryptographic source of uniform 32-bit
 * numbers; the rejection below keeps the digits uniform. */
char *
rb_pin_rules_make_one_time (const char *staff_number, guint32 (*random_func) (gpointer),
                            gpointer data)
{
  char pin[7];

  do
    {
      for (guint i = 0; i < 6; i++)
        {
          guint32 value;

          /* 4294967290 is the largest multiple of 10 below 2^32. */
          while ((value = random_func (data)) >= 4294967290u)
            ;
          pin[i] = '0' + value % 10;
        }
      pin[6] = '\0';
    }
  while (rb_pin_rules_check (pin, staff_number) != RB_PIN_OK);
  return g_strdup (pin);
}
