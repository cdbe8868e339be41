/* rb-error.h: the one error domain for rule violations and request failures.
 * Every code has a stable machine name (used on the wire) and a translated message. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define RB_ERROR (rb_error_quark ())

typedef enum
{
  RB_ERROR_OVERLAP,
  RB_ERROR_OUTSIDE_OPENING_HOURS,
  RB_ERROR_HORIZON_EXCEEDED,
  RB_ERROR_CAPACITY_EXCEEDED,
  RB_ERROR_ONE_DESK_PER_DAY,
  RB_ERROR_DESK_ALREADY_HELD,
  RB_ERROR_TOO_LONG,
  RB_ERROR_IN_PAST,
  RB_ERROR_INVALID_INTERVAL,
  RB_ERROR_NOT_SLOT_ALIGNED,
  RB_ERROR_SPACE_BLOCKED,
  RB_ERROR_CHECK_IN_WINDOW,
  RB_ERROR_INVALID_STATE,
  RB_ERROR_NOT_FOUND,
  RB_ERROR_FORBIDDEN,
  RB_ERROR_UNAUTHENTICATED,
  RB_ERROR_STALE_VERSION,
  RB_ERROR_INVALID_JSON,
  RB_ERROR_INVALID_FIELD,
  RB_ERROR_PAYLOAD_TOO_LARGE,
  RB_ERROR_STORAGE,
  RB_ERROR_CURSOR_EXPIRED,
  RB_ERROR_LOCKED,
  RB_ERROR_TOO_MANY_ATTEMPTS,
  RB_ERROR_BUSY,
  RB_ERROR_UNSUPPORTED_MEDIA_TYPE,
  RB_ERROR_INVALID_FRAMING,
  RB_ERROR_METHOD_NOT_ALLOWED,
  RB_ERROR_IDEMPOTENCY_KEY_REUSED,
  RB_ERROR_INVALID_BUILDING,
  RB_ERROR_SPACE_NOT_BOOKABLE,
  RB_ERROR_PIN_CHANGE_REQUIRED,
  RB_ERROR_WEAK_PIN,
  RB_ERROR_PERSON_INACTIVE,
  RB_ERROR_BADGE_UNKNOWN,
  RB_ERROR_BADGE_TAKEN,
  /* issue 14: sign-in with the directory */
  RB_ERROR_WRONG_PASSWORD,
  RB_ERROR_ACCOUNT_DISABLED,
  RB_ERROR_ACCOUNT_LOCKED,
  RB_ERROR_DIRECTORY_UNAVAILABLE,
  RB_ERROR_NO_DIRECTORY,
} RbErrorCode;

#define RB_N_ERROR_CODES (RB_ERROR_NO_DIRECTORY + 1)

GQuark rb_error_quark (void);

const char *rb_error_code_to_string (RbErrorCode code);
gboolean rb_error_code_from_string (const char *str, RbErrorCode *out_code);
const char *rb_error_code_message (RbErrorCode code);
const char *rb_error_get_code_name (const GError *error);

void rb_set_error (GError **error, RbErrorCode code, const char *detail_format, ...) G_GNUC_PRINTF (3, 4);
void rb_set_lock_error (GError **error, RbErrorCode code, GTimeZone *tz, gint64 retry_at,
                        gint64 retry_after);

G_END_DECLS
