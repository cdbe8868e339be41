/* rb-rights-handlers.c: the rights of the people Raumbuch knows (issue 13, rb-rights.c).
 *
 * GET /me/export: everything the server holds about the caller, as one JSON document that the
 * browser or client saves as a file (Content-Disposition: attachment). Only a person's session
 * opens it; a kiosk's device token is nobody's and gets 403.
 *
 * POST /people/{id}/erasure: administrators erase a person. It is a POST of an erasure, not a
 * DELETE of the person, because it is not the undoing of a POST /people: it cancels and
 * anonymises bookings and redacts the audit log, and it answers a report (the erasure's
 * reference in the audit log and what it changed) that the administrator keeps with the
 * request of the person. A DELETE with a body to answer would also invite clients and proxies
 * to retry it as idempotent, and the second try would be a 404. */
#include "config.h"

#include "rb-handlers.h"
#include "rb-login-guard.h"
#include "rb-rights.h"

static gboolean
export_job (RbRequest *req, RbStore *store, GError **error)
{
  RbPerson *person = rb_request_get_person (req);
  JsonNode *document;

  if (person == NULL)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  if (!(document = rb_rights_export_sync (store, rb_person_get_id (person), error)))
    return FALSE;
  rb_request_take_body (req, document);
  return TRUE;
}

static void
export_next (RbRequest *req)
{
  SoupMessageHeaders *headers
      = soup_server_message_get_response_headers (rb_request_get_message (req));

  soup_message_headers_replace (headers, "Content-Disposition",
                                "attachment; filename=\"raumbuch-my-data.json\"");
  /* A person's data has no business in a proxy's or browser's cache. */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  rb_request_respond (req);
}

void
rb_handle_export_my_data (RbRequest *req)
{
  rb_request_run (req, export_job, export_next);
}

/* The erased person's staff number is kept (as the request's data) until the answer, for
 * erase_next. */
static gboolean
erase_job (RbRequest *req, RbStore *store, GError **error)
{
  RbPerson *person = rb_request_get_person (req);
  g_autoptr (RbPerson) erased = NULL;
  JsonNode *report;

  if (person == NULL || rb_person_get_role (person) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  if (g_strcmp0 (rb_person_get_id (person), rb_request_get_path_id (req)) != 0
      && !(erased = rb_store_get_person_sync (store, rb_request_get_path_id (req), error)))
    return FALSE;
  if (!(report = rb_rights_erase_sync (store, rb_person_get_id (person),
                                       rb_request_get_path_id (req), error)))
    return FALSE;
  rb_request_set_data (req, g_strdup (rb_person_get_staff_number (erased)), g_free);
  rb_request_take_body (req, report);
  return TRUE;
}

/* The server counts wrong PINs in memory, by staff number (rb-login-guard.c): the erased
 * person's counts go too, as the table of a standalone store's goes in rb-rights.c. What is
 * left of the record holds no count and is forgotten within a day, like an unknown number's. */
static void
erase_next (RbRequest *req)
{
  rb_login_guard_unlock (rb_server_get_login_guard (rb_request_get_server (req)),
                         rb_request_get_data (req));
  rb_request_respond (req);
}

void
rb_handle_erase_person (RbRequest *req)
{
  rb_request_run (req, erase_job, erase_next);
}
