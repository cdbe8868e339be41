/* rb-consent-handlers.c: GET and PUT /me/privacy (issue 13), the signed-in person's consent
 * to show their name on their bookings where the site shows names (rb-name-consent.c). Only
 * the person themselves, with their session, reads or changes it. */
#include "config.h"

#include "rb-handlers.h"
#include "rb-name-consent.h"

static gboolean
get_consent_job (RbRequest *req, RbStore *store, GError **error)
{
  JsonNode *consent =
      rb_name_consent_get_sync (store, rb_person_get_id (rb_request_get_person (req)), error);

  if (consent == NULL)
    return FALSE;
  rb_request_take_body (req, consent);
  return TRUE;
}

void
rb_handle_get_privacy (RbRequest *req)
{
  rb_request_run (req, get_consent_job, NULL);
}

static gboolean
set_consent_job (RbRequest *req, RbStore *store, GError **error)
{
  gboolean show_name = GPOINTER_TO_INT (rb_request_get_data (req));
  JsonNode *consent = rb_name_consent_set_sync (
      store, rb_person_get_id (rb_request_get_person (req)), show_name, error);

  if (consent == NULL)
    return FALSE;
  rb_request_take_body (req, consent);
  return TRUE;
}

void
rb_handle_set_privacy (RbRequest *req)
{
  static const char *const members[] = { "show_name", NULL };
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, members, &error);
  gboolean show_name = FALSE;

  if (body == NULL || !rb_json_get_boolean (body, "show_name", TRUE, &show_name, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_set_data (req, GINT_TO_POINTER (show_name), NULL);
  rb_request_run (req, set_consent_job, NULL);
}
