/* rb-pin-rules.h: which PINs a person may choose. A PIN is 4 to 8 digits (the demo building's
 * are 4) and must not be one that a stranger tries first. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RB_PIN_MIN_DIGITS 4
#define RB_PIN_MAX_DIGITS 8

typedef enum
{
  RB_PIN_OK,
  RB_PIN_BAD_LENGTH,
  RB_PIN_NOT_DIGITS,
  RB_PIN_ALL_SAME,
  RB_PIN_RUN,
  RB_PIN_STAFF_NUMBER,
  RB_PIN_COMMON,
} RbPinVerdict;

RbPinVerdict rb_pin_rules_check (const char *pin, const char *staff_number);
const char *rb_pin_rules_reason (RbPinVerdict verdict);
gboolean rb_pin_rules_validate (const char *pin, const char *staff_number, GError **error);
char *rb_pin_rules_make_one_time (const char *staff_number, guint32 (*random_func) (gpointer),
                                  gpointer data);

G_END_DECLS
