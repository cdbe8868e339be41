/* rb-session-handlers.c: POST /sessions (log in with staff number and PIN, optionally on a
 * kiosk, or at a kiosk or door panel with a registered badge alone) and DELETE
 * /sessions/current (log out).
 *
 * A login takes three steps: on the store's thread, the person and their PIN hash; through
 * the login guard (rb-login-guard.h), which may refuse at once, the Argon2id check; on the
 * store's thread again, the session. A wrong PIN is 401 "unauthenticated"; the guard's
 * limits answer 429 "locked" or "too_many_attempts", or 503 "busy", with Retry-After. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-badges.h"
#include "rb-handlers.h"
#include "rb-people-store.h"

#define MAX_STAFF_NUMBER 32
#define MAX_PIN 64
#define MAX_USERNAME 256
#define MAX_PASSWORD 1024

typedef struct
{
  char *staff_number;
  char *pin;
  char *device_token;
  char *device_id;
  RbPerson *person;
  char *pin_hash;
  /* a badge instead of staff number and PIN: the hash of its UID, and what its look-up
   * found (an unknown badge is no error of the look-up, which must always reach its end) */
  char *uid_hash;
  GError *lookup_error;
  /* a directory user name and password instead (issue 14), and whom the directory names */
  char *username;
  char *password;
  RbDirectory *directory;
  RbDirectoryPerson *directory_person;
} Login;

static void
login_free (Login *login)
{
  g_free (login->staff_number);
  if (login->pin != NULL)
    sodium_memzero (login->pin, strlen (login->pin));
  g_free (login->pin);
  g_free (login->device_token);
  g_free (login->device_id);
  g_clear_object (&login->person);
  g_free (login->pin_hash);
  g_free (login->uid_hash);
  g_clear_error (&login->lookup_error);
  g_free (login->username);
  if (login->password != NULL)
    sodium_memzero (login->password, strlen (login->password));
  g_free (login->password);
  g_clear_object (&login->directory);
  g_clear_pointer (&login->directory_person, rb_directory_person_free);
  g_free (login);
}

static gboolean
is_printable_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if (!g_ascii_isgraph (*text))
      return FALSE;
  return TRUE;
}

static gboolean
finish_login_job (RbRequest *req, RbStore *store, GError **error)
{
  Login *login = rb_request_get_data (req);
  g_autofree char *token = NULL;
  JsonObject *o;
  JsonNode *root;
  g_autofree char *expires = NULL;
  gint64 expires_at = 0;

  if (login->uid_hash != NULL ? !rb_badges_check_may_identify_sync (store, login->person, error)
                              : !rb_people_store_check_may_sign_in_sync (
                                  store, rb_person_get_id (login->person), error))
    return FALSE;
  token = rb_auth_create_session_sync (store, login->person, login->device_id,
                                       login->device_id != NULL ? RB_AUTH_KIOSK_SESSION_SECONDS
                                                                : RB_AUTH_SESSION_SECONDS,
                                       &expires_at, error);
  if (token == NULL)
    return FALSE;
  rb_request_set_person (req, login->person);

  o = json_object_new ();
  expires = rb_time_to_rfc3339 (expires_at);
  json_object_set_string_member (o, "token", token);
  json_object_set_string_member (o, "expires_at", expires);
  json_object_set_member (o, "person", rb_json_from_person (login->person));
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);
  rb_request_take_body (req, root);
  rb_request_set_status (req, SOUP_STATUS_CREATED);
  return TRUE;
}

/* A refused or wrong PIN: the guard's answer, with when to try again. */
static void
fail_login (RbRequest *req, const GError *error, gint64 retry_after)
{
  if (retry_after > 0)
    rb_request_set_retry_after (req, retry_after);
  rb_request_fail (req, error);
}

static void
pin_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_check_pin_finish (RB_LOGIN_GUARD (source), result, &retry_after, &error))
    {
      fail_login (req, error, retry_after);
      return;
    }
  rb_request_run (req, finish_login_job, NULL);
}

static void
after_lookup (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  Login *login = rb_request_get_data (req);
  g_autofree char *client_key = rb_request_dup_client_key (req, login->device_id);
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;
  RbLoginAttempt *attempt = rb_login_guard_begin (guard, client_key, login->device_id != NULL,
                                                  login->staff_number, &retry_after, &error);

  if (attempt == NULL)
    {
      fail_login (req, error, retry_after);
      return;
    }
  rb_login_guard_check_pin_async (guard, attempt, login->pin_hash, login->pin, pin_checked_cb,
                                  g_object_ref (req));
}

static gboolean
lookup_job (RbRequest *req, RbStore *store, GError **error)
{
  Login *login = rb_request_get_data (req);
  g_autoptr (GError) local_error = NULL;

  if (login->device_token != NULL
      && !(login->device_id = rb_auth_lookup_device_sync (store, login->device_token, error)))
    return FALSE;
  login->pin_hash = rb_auth_get_pin_hash_sync (store, login->staff_number, &login->person,
                                               &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* -- with a badge: at a kiosk or door panel only, counted per device by the login guard -- */

static void
after_badge_lookup (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  Login *login = rb_request_get_data (req);
  g_autofree char *client_key = rb_request_dup_client_key (req, login->device_id);
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;
  gboolean unknown = g_error_matches (login->lookup_error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN);

  if (!rb_login_guard_end_badge (guard, client_key, unknown, &retry_after, &error))
    {
      fail_login (req, error, retry_after);
      return;
    }
  if (login->lookup_error != NULL)
    {
      rb_request_fail (req, login->lookup_error);
      return;
    }
  if (!rb_login_guard_check_lock (guard, client_key, rb_person_get_staff_number (login->person),
                                  &retry_after, &error))
    {
      fail_login (req, error, retry_after);
      return;
    }
  rb_request_run (req, finish_login_job, NULL);
}

static gboolean
badge_lookup_job (RbRequest *req, RbStore *store, GError **error)
{
  Login *login = rb_request_get_data (req);

  login->person = rb_badges_find_person_sync (store, login->uid_hash, &login->lookup_error);
  return TRUE;
}

static void
after_badge_device (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  Login *login = rb_request_get_data (req);
  g_autofree char *client_key = rb_request_dup_client_key (req, login->device_id);
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_begin_badge (guard, client_key, &retry_after, &error))
    {
      fail_login (req, error, retry_after);
      return;
    }
  rb_request_run (req, badge_lookup_job, after_badge_lookup);
}

static gboolean
badge_device_job (RbRequest *req, RbStore *store, GError **error)
{
  Login *login = rb_request_get_data (req);

  return (login->device_id = rb_auth_lookup_device_sync (store, login->device_token, error))
         != NULL;
}

/* A badge identifies alone, so only a device the server registered may ask: anyone else
 * could try UIDs from a PC. The UID is hashed at once and never kept. */
static void
create_badge_session (RbRequest *req, JsonObject *body, const char *device_token)
{
  g_autoptr (GError) error = NULL;
  const char *badge = rb_json_get_string (body, "badge", TRUE, &error);
  Login *login;

  if (badge != NULL
      && (json_object_has_member (body, "staff_number") || json_object_has_member (body, "pin")))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(badge)");
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  if (device_token == NULL)
    {
      rb_request_fail_with (req, SOUP_STATUS_FORBIDDEN, RB_ERROR_FORBIDDEN,
                            "A badge identifies only at a kiosk or door panel.");
      return;
    }
  login = g_new0 (Login, 1);
  login->device_token = g_strdup (device_token);
  rb_request_set_data (req, login, (GDestroyNotify) login_free);
  if (!(login->uid_hash = rb_badge_hash_uid (badge, &error)))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, badge_device_job, after_badge_device);
}

/* -- with the directory: a desktop signs in with a user name and password (issue 14) -- */

/* On the store's thread: the person as the directory describes them now (added or updated,
 * so that nobody waits for the next sync to use Raumbuch), then the session. */
static gboolean
directory_session_job (RbRequest *req, RbStore *store, GError **error)
{
  Login *login = rb_request_get_data (req);
  g_autoptr (GPtrArray) people = g_ptr_array_new ();
  g_autoptr (JsonNode) report = NULL;

  g_ptr_array_add (people, login->directory_person);
  if (!(report = rb_people_store_sync_directory_sync (store, NULL, people, FALSE, FALSE, error))
      || !(login->person = rb_people_store_find_directory_person_sync (
               store, login->directory_person->username, error)))
    {
      /* A person the sync could not take (errors in the report) is not found. */
      if (g_error_matches (*error, RB_ERROR, RB_ERROR_NOT_FOUND))
        {
          g_clear_error (error);
          rb_set_error (error, RB_ERROR_FORBIDDEN, "%s",
                        _("Your directory account does not match a person of Raumbuch. "
                          "Please ask an administrator."));
        }
      return FALSE;
    }
  return finish_login_job (req, store, error);
}

/* The guard's lock speaks of PINs; a directory's user is locked for passwords. */
static void
fail_directory_login (RbRequest *req, GError *error, gint64 retry_after)
{
  g_autoptr (GError) reworded = NULL;

  if (g_error_matches (error, RB_ERROR, RB_ERROR_LOCKED))
    rb_set_error (&reworded, RB_ERROR_LOCKED, "%s",
                  _("Too many wrong passwords. This user name is locked for a few minutes."));
  fail_login (req, reworded != NULL ? reworded : error, retry_after);
}

/* On a directory thread of the login guard: the bind as the person. */
static gboolean
check_password (gpointer data, GError **error)
{
  Login *login = data;

  login->directory_person
      = rb_directory_authenticate (login->directory, login->username, login->password, error);
  sodium_memzero (login->password, strlen (login->password));
  return login->directory_person != NULL;
}

static void
password_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_check_directory_finish (RB_LOGIN_GUARD (source), result, &retry_after,
                                              &error))
    {
      fail_directory_login (req, error, retry_after);
      return;
    }
  rb_request_run (req, directory_session_job, NULL);
}

/* The wrong passwords count per user name as wrong PINs count per staff number (README
 * "Sign-in limits"), and the same guard refuses at once what its counts forbid. */
static void
create_directory_session (RbRequest *req, JsonObject *body, const char *device_token)
{
  RbServer *server = rb_request_get_server (req);
  RbLoginGuard *guard = rb_server_get_login_guard (server);
  g_autoptr (GError) error = NULL;
  const char *username = NULL, *password = NULL;
  g_autofree char *client_key = NULL;
  g_autofree char *key = NULL;
  RbLoginAttempt *attempt;
  gint64 retry_after = 0;
  Login *login;

  if (!(username = rb_json_get_string (body, "username", TRUE, &error))
      || !(password = rb_json_get_string (body, "password", TRUE, &error)))
    {
      rb_request_fail (req, error);
      return;
    }
  if (json_object_has_member (body, "staff_number") || json_object_has_member (body, "pin")
      || *username == '\0' || strlen (username) > MAX_USERNAME)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(username)");
      rb_request_fail (req, error);
      return;
    }
  if (strlen (password) > MAX_PASSWORD)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(password)");
      rb_request_fail (req, error);
      return;
    }
  /* Nobody types a password on a corridor screen: kiosks keep staff number and PIN. */
  if (device_token != NULL)
    {
      rb_request_fail_with (req, SOUP_STATUS_FORBIDDEN, RB_ERROR_FORBIDDEN,
                            "A kiosk identifies with staff number and PIN, or a badge.");
      return;
    }
  if (rb_server_get_directory (server) == NULL)
    {
      rb_set_error (&error, RB_ERROR_NO_DIRECTORY, NULL);
      rb_request_fail (req, error);
      return;
    }

  client_key = rb_request_dup_client_key (req, NULL);
  /* User names compare without case in every directory this is for. */
  key = g_utf8_casefold (username, -1);
  attempt = rb_login_guard_begin (guard, client_key, FALSE, key, &retry_after, &error);
  if (attempt == NULL)
    {
      fail_directory_login (req, error, retry_after);
      return;
    }
  login = g_new0 (Login, 1);
  login->username = g_strdup (username);
  login->password = g_strdup (password);
  login->directory = g_object_ref (rb_server_get_directory (server));
  rb_request_set_data (req, login, (GDestroyNotify) login_free);
  rb_request_pause (req);
  rb_login_guard_check_directory_async (guard, attempt, check_password, login,
                                        password_checked_cb, g_object_ref (req));
}

void
rb_handle_create_session (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, rb_json_session_request_members, &error);
  const char *staff_number = NULL, *pin = NULL;
  const char *device_token = rb_request_get_header (req, "X-Device-Token");
  Login *login;

  if (device_token != NULL && (strlen (device_token) != 64 || !is_printable_ascii (device_token)))
    {
      rb_request_fail_with (req, SOUP_STATUS_UNAUTHORIZED, RB_ERROR_UNAUTHENTICATED, NULL);
      return;
    }
  if (body != NULL && json_object_has_member (body, "badge"))
    {
      create_badge_session (req, body, device_token);
      return;
    }
  if (body != NULL && json_object_has_member (body, "username"))
    {
      create_directory_session (req, body, device_token);
      return;
    }
  if (body == NULL
      || !(staff_number = rb_json_get_string (body, "staff_number", TRUE, &error))
      || !(pin = rb_json_get_string (body, "pin", TRUE, &error)))
    {
      rb_request_fail (req, error);
      return;
    }
  if (strlen (staff_number) > MAX_STAFF_NUMBER || !is_printable_ascii (staff_number))
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(staff_number)");
      rb_request_fail (req, error);
      return;
    }
  if (strlen (pin) > MAX_PIN)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(pin)");
      rb_request_fail (req, error);
      return;
    }

  login = g_new0 (Login, 1);
  login->staff_number = g_strdup (staff_number);
  login->pin = g_strdup (pin);
  login->device_token = g_strdup (device_token);
  rb_request_set_data (req, login, (GDestroyNotify) login_free);
  rb_request_run (req, lookup_job, after_lookup);
}

static gboolean
logout_job (RbRequest *req, RbStore *store, GError **error)
{
  if (!rb_auth_delete_session_sync (store, rb_request_get_bearer (req), error))
    return FALSE;
  rb_request_set_status (req, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

void
rb_handle_delete_session (RbRequest *req)
{
  rb_request_run (req, logout_job, NULL);
}
