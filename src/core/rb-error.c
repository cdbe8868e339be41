/* rb-error.c: machine codes and translated messages of RB_ERROR. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-error.h"
#include "rb-time.h"

G_DEFINE_QUARK (rb-error-quark, rb_error)

typedef struct
{
  const char *name;
  const char *message;
} RbErrorInfo;

/* Indexed by RbErrorCode; the names are part of the REST API and never change. */
static const RbErrorInfo error_info[RB_N_ERROR_CODES] = {
  [RB_ERROR_OVERLAP] = { "overlap", N_("The space is already booked for part of this time.") },
  [RB_ERROR_OUTSIDE_OPENING_HOURS] = { "outside_opening_hours", N_("The building is closed at this time.") },
  [RB_ERROR_HORIZON_EXCEEDED] = { "horizon_exceeded", N_("This is too far ahead to book.") },
  [RB_ERROR_CAPACITY_EXCEEDED] = { "capacity_exceeded", N_("There are more attendees than the space has seats.") },
  [RB_ERROR_ONE_DESK_PER_DAY] = { "one_desk_per_day", N_("You already have a desk booked on this day.") },
  [RB_ERROR_DESK_ALREADY_HELD] = { "desk_already_held", N_("You already hold a desk at this time.") },
  [RB_ERROR_TOO_LONG] = { "too_long", N_("The booking is longer than allowed for this space.") },
  [RB_ERROR_IN_PAST] = { "in_past", N_("This time has already passed.") },
  [RB_ERROR_INVALID_INTERVAL] = { "invalid_interval", N_("The end must be after the start.") },
  [RB_ERROR_NOT_SLOT_ALIGNED] = { "not_slot_aligned", N_("Bookings start and end on a quarter hour.") },
  [RB_ERROR_SPACE_BLOCKED] = { "space_blocked", N_("The space is closed for maintenance at this time.") },
  [RB_ERROR_CHECK_IN_WINDOW] = { "check_in_window", N_("Check-in is only possible shortly before and after the start.") },
  [RB_ERROR_INVALID_STATE] = { "invalid_state", N_("The booking can no longer be changed.") },
  [RB_ERROR_NOT_FOUND] = { "not_found", N_("It does not exist or was removed.") },
  [RB_ERROR_FORBIDDEN] = { "forbidden", N_("You are not allowed to do this.") },
  [RB_ERROR_UNAUTHENTICATED] = { "unauthenticated", N_("Please identify yourself first.") },
  [RB_ERROR_STALE_VERSION] = { "stale_version", N_("Someone else changed this booking in the meantime.") },
  [RB_ERROR_INVALID_JSON] = { "invalid_json", N_("The request is not valid JSON.") },
  [RB_ERROR_INVALID_FIELD] = { "invalid_field", N_("A field of the request is missing or invalid.") },
  [RB_ERROR_PAYLOAD_TOO_LARGE] = { "payload_too_large", N_("The request is too large.") },
  [RB_ERROR_STORAGE] = { "storage", N_("The booking database could not be used.") },
  [RB_ERROR_CURSOR_EXPIRED] = { "cursor_expired", N_("The list of changes is too old; all bookings must be loaded again.") },
  [RB_ERROR_LOCKED] = { "locked", N_("Too many wrong PINs. This staff number is locked for a few minutes.") },
  [RB_ERROR_TOO_MANY_ATTEMPTS] = { "too_many_attempts", N_("Too many wrong PINs were entered here. Please wait a few minutes and try again.") },
  [RB_ERROR_BUSY] = { "busy", N_("The booking server is busy. Please try again in a moment.") },
  [RB_ERROR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", N_("The request body must be JSON (Content-Type: application/json).") },
  [RB_ERROR_INVALID_FRAMING] = { "invalid_framing", N_("The length of the request is declared more than once or in more than one way.") },
  [RB_ERROR_METHOD_NOT_ALLOWED] = { "method_not_allowed", N_("This method is not allowed here.") },
  [RB_ERROR_IDEMPOTENCY_KEY_REUSED] = { "idempotency_key_reused", N_("This Idempotency-Key was already used for a different request.") },
  [RB_ERROR_INVALID_BUILDING] = { "invalid_building", N_("The building file is not valid.") },
  [RB_ERROR_SPACE_NOT_BOOKABLE] = { "space_not_bookable", N_("This space cannot be booked.") },
  [RB_ERROR_PIN_CHANGE_REQUIRED] = { "pin_change_required", N_("This PIN was given out for one use. Please choose your own PIN now.") },
  [RB_ERROR_WEAK_PIN] = { "weak_pin", N_("This PIN is too easy to guess.") },
  [RB_ERROR_PERSON_INACTIVE] = { "person_inactive", N_("This person has been deactivated. Please ask an administrator.") },
  [RB_ERROR_BADGE_UNKNOWN] = { "badge_unknown", N_("This badge is not registered. Please enter your staff number and PIN, or ask an administrator to register the badge.") },
  [RB_ERROR_BADGE_TAKEN] = { "badge_taken", N_("This badge is already registered for someone else.") },
  [RB_ERROR_WRONG_PASSWORD] = { "wrong_password", N_("The user name or the password is wrong.") },
  [RB_ERROR_ACCOUNT_DISABLED] = { "account_disabled", N_("Your directory account is disabled or has expired. Please contact the IT service desk.") },
  [RB_ERROR_ACCOUNT_LOCKED] = { "account_locked", N_("Your directory account is locked after too many wrong passwords. Please wait, or contact the IT service desk.") },
  [RB_ERROR_DIRECTORY_UNAVAILABLE] = { "directory_unavailable", N_("The directory cannot be reached at the moment, so nobody can sign in with a password. Please try again later.") },
  [RB_ERROR_NO_DIRECTORY] = { "no_directory", N_("Signing in with the directory is not available here.") },
};

const char *
rb_error_code_to_string (RbErrorCode code)
{
  g_return_val_if_fail ((guint) code < RB_N_ERROR_CODES, NULL);
  return error_info[code].name;
}

gboolean
rb_error_code_from_string (const char *str, RbErrorCode *out_code)
{
  for (guint i = 0; str != NULL && i < RB_N_ERROR_CODES; i++)
    if (g_str_equal (error_info[i].name, str))
      {
        *out_code = i;
        return TRUE;
      }
  return FALSE;
}

const char *
rb_error_code_message (RbErrorCode code)
{
  g_return_val_if_fail ((guint) code < RB_N_ERROR_CODES, NULL);
  return _(error_info[code].message);
}

/* The machine name of any error: RB_ERROR codes by name, everything else "internal". */
const char *
rb_error_get_code_name (const GError *error)
{
  if (error != NULL && error->domain == RB_ERROR && (guint) error->code < RB_N_ERROR_CODES)
    return error_info[error->code].name;
  return "internal";
}

/* Sets an RB_ERROR whose message is the translated rule message, followed by an optional
 * detail (for example the clashing interval) in the same language. */
void
rb_set_error (GError **error, RbErrorCode code, const char *detail_format, ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  if (error == NULL)
    return;

  if (detail_format != NULL)
    {
      va_start (args, detail_format);
      detail = g_strdup_vprintf (detail_format, args);
      va_end (args);
    }

  if (detail != NULL && *detail != '\0')
    g_set_error (error, RB_ERROR, code, "%s %s", rb_error_code_message (code), detail);
  else
    g_set_error_literal (error, RB_ERROR, code, rb_error_code_message (code));
}

/* A lock (RB_ERROR_LOCKED, RB_ERROR_TOO_MANY_ATTEMPTS) with how long it still holds: the
 * minutes rounded up, so that nobody who waits as told comes back too early, and the time of
 * day it ends at (retry_at, UTC seconds) in the site's time zone. */
void
rb_set_lock_error (GError **error, RbErrorCode code, GTimeZone *tz, gint64 retry_at,
                   gint64 retry_after)
{
  int minutes = (int) MAX (1, (retry_after + 59) / 60);
  /* TRANSLATORS: a time of day in lock messages, as strftime format. */
  g_autofree char *at = rb_time_format_local (tz, retry_at, C_ ("time of day", "%H:%M"));
  const char *what = code == RB_ERROR_LOCKED
                         ? _("Too many wrong PINs. This staff number is locked.")
                         : _("Too many wrong PINs were entered here.");
  g_autofree char *when = NULL;

  if (error == NULL)
    return;
  /* TRANSLATORS: follows "Too many wrong PINs…"; %s is a time of day. */
  when = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Try again in %d minute (at %s).",
                                       "Try again in %d minutes (at %s).", minutes),
                          minutes, at);
  g_set_error (error, RB_ERROR, code, "%s %s", what, when);
}
