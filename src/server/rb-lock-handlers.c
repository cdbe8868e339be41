/* rb-lock-handlers.c: GET /login-locks and DELETE /login-locks/{staff_number}, an
 * administrator's view of the sign-in limits (rb-login-guard.h) and their unlock, for a
 * colleague locked out by someone else's guessing. The counts live in the server's memory,
 * so these run on the main context once the store's thread has authenticated the caller. */
#include "config.h"

#include "rb-handlers.h"
#include "rb-log.h"

static gboolean
administrator_job (RbRequest *req, RbStore *store, GError **error)
{
  if (rb_person_get_role (rb_request_get_person (req)) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static void
list_locks (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));

  rb_request_take_body (req, rb_login_guard_list_locks (guard));
  rb_request_respond (req);
}

void
rb_handle_list_login_locks (RbRequest *req)
{
  rb_request_run (req, administrator_job, list_locks);
}

static void
unlock (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  const char *staff_number = rb_request_get_path_id (req);
  g_autofree char *logged_person = NULL;

  if (!rb_login_guard_unlock (guard, staff_number))
    {
      rb_request_fail_with (req, SOUP_STATUS_NOT_FOUND, RB_ERROR_NOT_FOUND, NULL);
      return;
    }
  logged_person = rb_log_escape (rb_person_get_id (rb_request_get_person (req)));
  g_printerr ("login: staff number unlocked by %s\n", logged_person);
  rb_request_set_status (req, SOUP_STATUS_NO_CONTENT);
  rb_request_respond (req);
}

void
rb_handle_unlock_login (RbRequest *req)
{
  rb_request_run (req, administrator_job, unlock);
}
