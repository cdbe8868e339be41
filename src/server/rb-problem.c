/* rb-problem.c: every error answer of the API is a problem document (RFC 9457):
 * {"type": "about:blank", "title", "status", "detail", "code"} plus optional members such as
 * "conflict". "code" is the stable machine name of rb-error.c; "detail" its message. */
#include "config.h"

#include <string.h>

#include "rb-core.h"
#include "rb-db.h"
#include "rb-log.h"
#include "rb-problem.h"

guint
rb_problem_status_for_error (const GError *error)
{
  if (error == NULL || error->domain != RB_ERROR)
    return SOUP_STATUS_INTERNAL_SERVER_ERROR;

  switch ((RbErrorCode) error->code)
    {
    case RB_ERROR_INVALID_JSON:
    case RB_ERROR_INVALID_FRAMING:
      return SOUP_STATUS_BAD_REQUEST;
    case RB_ERROR_INVALID_FIELD:
    case RB_ERROR_INVALID_INTERVAL:
    case RB_ERROR_NOT_SLOT_ALIGNED:
    case RB_ERROR_IN_PAST:
    case RB_ERROR_OUTSIDE_OPENING_HOURS:
    case RB_ERROR_HORIZON_EXCEEDED:
    case RB_ERROR_CAPACITY_EXCEEDED:
    case RB_ERROR_TOO_LONG:
    case RB_ERROR_CHECK_IN_WINDOW:
    case RB_ERROR_IDEMPOTENCY_KEY_REUSED:
    case RB_ERROR_INVALID_BUILDING:
    case RB_ERROR_WEAK_PIN:
      return SOUP_STATUS_UNPROCESSABLE_ENTITY;
    case RB_ERROR_OVERLAP:
    case RB_ERROR_ONE_DESK_PER_DAY:
    case RB_ERROR_DESK_ALREADY_HELD:
    case RB_ERROR_SPACE_BLOCKED:
    case RB_ERROR_INVALID_STATE:
    case RB_ERROR_SPACE_NOT_BOOKABLE:
    case RB_ERROR_BADGE_TAKEN:
      return SOUP_STATUS_CONFLICT;
    case RB_ERROR_NOT_FOUND:
      return SOUP_STATUS_NOT_FOUND;
    case RB_ERROR_METHOD_NOT_ALLOWED:
      return SOUP_STATUS_METHOD_NOT_ALLOWED;
    case RB_ERROR_UNAUTHENTICATED:
    case RB_ERROR_BADGE_UNKNOWN:
    case RB_ERROR_WRONG_PASSWORD:
      return SOUP_STATUS_UNAUTHORIZED;
    case RB_ERROR_FORBIDDEN:
    case RB_ERROR_PIN_CHANGE_REQUIRED:
    case RB_ERROR_PERSON_INACTIVE:
    case RB_ERROR_ACCOUNT_DISABLED:
    case RB_ERROR_ACCOUNT_LOCKED:
      return SOUP_STATUS_FORBIDDEN;
    case RB_ERROR_STALE_VERSION:
      return SOUP_STATUS_PRECONDITION_FAILED;
    case RB_ERROR_PAYLOAD_TOO_LARGE:
      return SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE;
    case RB_ERROR_CURSOR_EXPIRED:
      return SOUP_STATUS_GONE;
    case RB_ERROR_LOCKED:
    case RB_ERROR_TOO_MANY_ATTEMPTS:
      return 429;
    case RB_ERROR_BUSY:
    case RB_ERROR_DIRECTORY_UNAVAILABLE:
      return SOUP_STATUS_SERVICE_UNAVAILABLE;
    case RB_ERROR_NO_DIRECTORY:
      return SOUP_STATUS_NOT_FOUND;
    case RB_ERROR_UNSUPPORTED_MEDIA_TYPE:
      return SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE;
    case RB_ERROR_STORAGE:
    default:
      return SOUP_STATUS_INTERNAL_SERVER_ERROR;
    }
}

/* The wire code: RB_ERROR codes by name, database failures "storage", anything else
 * "internal". */
const char *
rb_problem_code_for_error (const GError *error)
{
  if (error != NULL && error->domain == RB_STORE_ERROR)
    return rb_error_code_to_string (RB_ERROR_STORAGE);
  return rb_error_get_code_name (error);
}

static const char *
title_for_status (guint status)
{
  /* libsoup 3.2 has no phrase for 426, 428 and 429. */
  if (status == 426)
    return "Upgrade Required";
  if (status == 428)
    return "Precondition Required";
  if (status == 429)
    return "Too Many Requests";
  return soup_status_get_phrase (status);
}

void
rb_problem_respond (SoupServerMessage *msg, guint status, const char *code, const char *detail,
                    JsonObject *extra)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *text = NULL;
  gsize length;

  json_node_take_object (root, o);
  json_object_set_string_member (o, "type", "about:blank");
  json_object_set_string_member (o, "title", title_for_status (status));
  json_object_set_int_member (o, "status", status);
  json_object_set_string_member (o, "detail", detail != NULL ? detail : title_for_status (status));
  json_object_set_string_member (o, "code", code);
  if (extra != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, extra);
      while (json_object_iter_next (&iter, &name, &value))
        if (!json_object_has_member (o, name))
          json_object_set_member (o, name, json_node_copy (value));
    }

  text = rb_json_to_string (root, FALSE);
  length = strlen (text);
  soup_server_message_set_status (msg, status, title_for_status (status));
  soup_server_message_set_response (msg, RB_PROBLEM_CONTENT_TYPE, SOUP_MEMORY_TAKE,
                                    g_steal_pointer (&text), length);
}

/* Internal failures are logged with their real message and answered with the generic one, so
 * that no SQL or path reaches a client. A busy server says so: that is a refusal, not a
 * failure. */
void
rb_problem_respond_error (SoupServerMessage *msg, const GError *error, JsonObject *extra)
{
  guint status = rb_problem_status_for_error (error);
  const char *code = rb_problem_code_for_error (error);
  const char *detail = error != NULL ? error->message : NULL;

  if (status >= 500 && !g_error_matches (error, RB_ERROR, RB_ERROR_BUSY))
    {
      g_autofree char *logged = rb_log_escape (error != NULL ? error->message : "unknown");

      /* The message may quote what the client sent. */
      g_printerr ("error: %s\n", logged);
      detail = rb_error_code_message (RB_ERROR_STORAGE);
    }
  rb_problem_respond (msg, status, code, detail, extra);
}
