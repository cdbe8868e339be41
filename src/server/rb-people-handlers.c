/* rb-people-handlers.c: people and PINs (issue 11).
 *
 * Administrators only: GET /people (?include_inactive=true for the deactivated too), POST
 * /people, PATCH /people/{id} (fields, and "active": false to deactivate, true to reactivate),
 * POST /people/import (a CSV body; ?dry_run=true answers what it would do and writes nothing,
 * ?deactivate_missing=true deactivates the active people the file leaves out) and POST
 * /people/{id}/one-time-pin. Everyone else gets 403 "forbidden", kiosks' device tokens too.
 *
 * PINs: PUT /me/pin changes the caller's own PIN ({"pin", "new_pin"}); POST /pin-changes
 * ({"staff_number", "pin", "new_pin"}, no session) is the step after a sign-in with a one-time
 * PIN, which answers 403 "pin_change_required" and opens no session. Both check the old PIN
 * through the login guard, so guessing here counts as at POST /sessions, refuse weak new PINs
 * with 422 "weak_pin" and the reason, and answer 204; the client then signs in with the new
 * PIN. PIN hashes are made on a thread of their own, never on the store's. */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-badges.h"
#include "rb-handlers.h"
#include "rb-people-store.h"

#define MAX_PIN 64

typedef struct
{
  RbPersonFields fields;
  char *staff_number;
  gboolean has_active;
  gboolean active;
  gboolean include_inactive;
  gboolean dry_run;
  gboolean deactivate_missing;
  GPtrArray *rows;
  GPtrArray *errors;
  /* PINs */
  char *person_id;
  char *pin;
  char *new_pin;
  char *pin_hash;
  char *new_hash;
  char *device_token;
  char *device_id;
  RbPerson *person;
  /* PUT /people/{id}/badge: the hash of the badge's UID */
  char *uid_hash;
} PeopleArgs;

static void
wipe (char *secret)
{
  if (secret != NULL)
    sodium_memzero (secret, strlen (secret));
  g_free (secret);
}

static void
people_args_free (PeopleArgs *args)
{
  g_free (args->staff_number);
  g_clear_pointer (&args->rows, g_ptr_array_unref);
  g_clear_pointer (&args->errors, g_ptr_array_unref);
  g_free (args->person_id);
  wipe (args->pin);
  wipe (args->new_pin);
  g_free (args->pin_hash);
  g_free (args->new_hash);
  g_free (args->device_token);
  g_free (args->device_id);
  g_clear_object (&args->person);
  g_free (args->uid_hash);
  g_free (args);
}

static PeopleArgs *
people_args_new (RbRequest *req)
{
  PeopleArgs *args = g_new0 (PeopleArgs, 1);

  rb_request_set_data (req, args, (GDestroyNotify) people_args_free);
  return args;
}

static gboolean
check_admin (RbRequest *req, GError **error)
{
  RbPerson *person = rb_request_get_person (req);

  if (person == NULL || rb_person_get_role (person) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static const char *
actor_id (RbRequest *req)
{
  return rb_person_get_id (rb_request_get_person (req));
}

static gboolean
get_bool_query (RbRequest *req, const char *name, gboolean *out_value, GError **error)
{
  const char *value = rb_request_get_query (req, name);

  *out_value = FALSE;
  if (value == NULL || g_str_equal (value, "false"))
    return TRUE;
  if (g_str_equal (value, "true"))
    {
      *out_value = TRUE;
      return TRUE;
    }
  rb_set_error (error, RB_ERROR_INVALID_FIELD, "(%s)", name);
  return FALSE;
}

/* ---- GET /people -------------------------------------------------------------------------- */

static gboolean
list_people_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  JsonNode *list;

  if (!check_admin (req, error)
      || !(list = rb_people_store_list_sync (store, args->include_inactive, error)))
    return FALSE;
  rb_request_take_body (req, list);
  return TRUE;
}

void
rb_handle_list_people (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  PeopleArgs *args = people_args_new (req);

  if (!get_bool_query (req, "include_inactive", &args->include_inactive, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, list_people_job, NULL);
}

/* ---- POST /people, PATCH /people/{id} ----------------------------------------------------- */

static const char *const person_members[]
    = { "display_name", "staff_number", "team", "role", "active", NULL };

static gboolean
create_person_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  JsonNode *person;
  g_autofree char *location = NULL;

  if (!check_admin (req, error)
      || !(person = rb_people_store_create_sync (store, actor_id (req), &args->fields, error)))
    return FALSE;
  location = g_strdup_printf ("/api/v1/people/%s",
                              json_object_get_string_member (json_node_get_object (person), "id"));
  rb_request_set_location (req, location);
  rb_request_set_status (req, SOUP_STATUS_CREATED);
  rb_request_take_body (req, person);
  return TRUE;
}


void
rb_handle_create_person (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, person_members, &error);
  PeopleArgs *args = people_args_new (req);

  if (body == NULL
      || !rb_person_fields_from_json (body, TRUE, &args->fields, &args->has_active,
                                      &args->active, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, create_person_job, NULL);
}

static gboolean
update_person_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  const char *id = rb_request_get_path_id (req);
  g_autoptr (JsonNode) updated = NULL;
  JsonNode *person;

  if (!check_admin (req, error)
      || !(updated = rb_people_store_update_sync (store, actor_id (req), id, &args->fields, error)))
    return FALSE;
  if (args->has_active)
    {
      if (!(person = rb_people_store_set_active_sync (store, actor_id (req), id, args->active,
                                                      error)))
        return FALSE;
    }
  else
    person = g_steal_pointer (&updated);
  rb_request_take_body (req, person);
  return TRUE;
}

void
rb_handle_update_person (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, person_members, &error);
  PeopleArgs *args = people_args_new (req);

  if (body == NULL
      || !rb_person_fields_from_json (body, FALSE, &args->fields, &args->has_active,
                                      &args->active, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, update_person_job, NULL);
}

/* ---- POST /people/import ------------------------------------------------------------------ */

static gboolean
import_people_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  JsonNode *report;

  if (!check_admin (req, error)
      || !(report = rb_people_store_import_sync (store, actor_id (req), args->rows, args->errors,
                                                 args->deactivate_missing, args->dry_run,
                                                 error)))
    return FALSE;
  rb_request_take_body (req, report);
  return TRUE;
}

static gboolean
is_csv_body (RbRequest *req)
{
  SoupMessageHeaders *headers
      = soup_server_message_get_request_headers (rb_request_get_message (req));
  const char *type = soup_message_headers_get_content_type (headers, NULL);

  return type != NULL && g_ascii_strcasecmp (type, "text/csv") == 0;
}

void
rb_handle_import_people (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  PeopleArgs *args = people_args_new (req);
  SoupMessageBody *body = soup_server_message_get_request_body (rb_request_get_message (req));
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const char *data;

  /* The charset parameter is not trusted: Excel's files never say, the reader finds it. */
  if (!is_csv_body (req))
    rb_set_error (&error, RB_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL);
  else if (get_bool_query (req, "dry_run", &args->dry_run, &error)
           && get_bool_query (req, "deactivate_missing", &args->deactivate_missing, &error))
    {
      bytes = soup_message_body_flatten (body);
      data = g_bytes_get_data (bytes, &size);
      args->rows = rb_people_csv_read (data != NULL ? data : "", size, &args->errors, &error);
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, import_people_job, NULL);
}

/* ---- POST /people/{id}/one-time-pin ------------------------------------------------------- */

static gboolean
store_one_time_pin_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  JsonNode *person;
  JsonObject *o;
  JsonNode *root;

  if (!rb_people_store_set_pin_sync (store, actor_id (req), args->person_id, args->new_hash,
                                     TRUE, error)
      || !(person = rb_people_store_person_to_json_sync (store, args->person_id, error)))
    return FALSE;
  o = json_object_new ();
  json_object_set_string_member (o, "pin", args->new_pin);
  json_object_set_member (o, "person", person);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);
  rb_request_set_status (req, SOUP_STATUS_CREATED);
  rb_request_take_body (req, root);
  return TRUE;
}

static void
hash_new_pin_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  PeopleArgs *args = data;
  GError *error = NULL;

  args->new_hash = rb_auth_hash_pin (args->new_pin, &error);
  if (args->new_hash == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Hashes args->new_pin on a thread of its own, then runs job on the store's thread. */
static void
on_new_pin_hashed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  RbRequestJob job = g_object_get_data (G_OBJECT (req), "rb-pin-job");

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    rb_request_fail (req, error);
  else
    rb_request_run (req, job, NULL);
}

static void
hash_new_pin_then (RbRequest *req, RbRequestJob job)
{
  g_autoptr (GTask) task = g_task_new (NULL, NULL, on_new_pin_hashed_cb, g_object_ref (req));

  g_object_set_data (G_OBJECT (req), "rb-pin-job", job);
  g_task_set_task_data (task, rb_request_get_data (req), NULL);
  g_task_run_in_thread (task, hash_new_pin_thread);
}

static void
after_one_time_lookup (RbRequest *req)
{
  PeopleArgs *args = rb_request_get_data (req);

  args->new_pin = rb_auth_new_one_time_pin (args->staff_number);
  hash_new_pin_then (req, store_one_time_pin_job);
}

static gboolean
one_time_lookup_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  g_autoptr (JsonNode) person = NULL;
  JsonObject *o;

  if (!check_admin (req, error)
      || !(person = rb_people_store_person_to_json_sync (store, rb_request_get_path_id (req),
                                                         error)))
    return FALSE;
  o = json_node_get_object (person);
  if (!json_object_get_boolean_member (o, "active"))
    {
      rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
      return FALSE;
    }
  args->person_id = g_strdup (json_object_get_string_member (o, "id"));
  args->staff_number = g_strdup (json_object_get_string_member (o, "staff_number"));
  return TRUE;
}

void
rb_handle_issue_one_time_pin (RbRequest *req)
{
  people_args_new (req);
  rb_request_run (req, one_time_lookup_job, after_one_time_lookup);
}

/* ---- PUT /me/pin and POST /pin-changes ---------------------------------------------------- */

static gboolean
store_new_pin_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  const char *id = rb_person_get_id (args->person);
  g_autoptr (JsonNode) person = rb_people_store_person_to_json_sync (store, id, error);

  if (person == NULL)
    return FALSE;
  if (!json_object_get_boolean_member (json_node_get_object (person), "active"))
    {
      rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
      return FALSE;
    }
  if (!rb_people_store_set_pin_sync (store, id, id, args->new_hash, FALSE, error))
    return FALSE;
  rb_request_set_status (req, SOUP_STATUS_NO_CONTENT);
  return TRUE;
}

static void
on_old_pin_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_check_pin_finish (RB_LOGIN_GUARD (source), result, &retry_after, &error))
    {
      if (retry_after > 0)
        rb_request_set_retry_after (req, retry_after);
      rb_request_fail (req, error);
      return;
    }
  hash_new_pin_then (req, store_new_pin_job);
}

static void
after_pin_lookup (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  PeopleArgs *args = rb_request_get_data (req);
  const char *device_id = args->device_id != NULL ? args->device_id
                                                  : rb_request_get_device_id (req);
  g_autofree char *client_key = rb_request_dup_client_key (req, device_id);
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;
  RbLoginAttempt *attempt = rb_login_guard_begin (guard, client_key, device_id != NULL,
                                                  args->staff_number, &retry_after, &error);

  if (attempt == NULL)
    {
      if (retry_after > 0)
        rb_request_set_retry_after (req, retry_after);
      rb_request_fail (req, error);
      return;
    }
  rb_login_guard_check_pin_async (guard, attempt, args->pin_hash, args->pin,
                                  on_old_pin_checked_cb, g_object_ref (req));
}

static gboolean
pin_lookup_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  g_autoptr (GError) local_error = NULL;
  RbPerson *caller = rb_request_get_person (req);

  if (args->device_token != NULL
      && !(args->device_id = rb_auth_lookup_device_sync (store, args->device_token, error)))
    return FALSE;
  if (caller != NULL)
    args->staff_number = g_strdup (rb_person_get_staff_number (caller));
  if (!rb_pin_rules_validate (args->new_pin, args->staff_number, error))
    return FALSE;
  args->pin_hash = rb_auth_get_pin_hash_sync (store, args->staff_number, &args->person,
                                              &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_pins (RbRequest *req, JsonObject *body, PeopleArgs *args, GError **error)
{
  const char *pin = rb_json_get_string (body, "pin", TRUE, error);
  const char *new_pin = pin != NULL ? rb_json_get_string (body, "new_pin", TRUE, error) : NULL;

  if (new_pin == NULL)
    return FALSE;
  if (strlen (pin) > MAX_PIN)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(pin)");
      return FALSE;
    }
  args->pin = g_strdup (pin);
  args->new_pin = g_strdup (new_pin);
  return TRUE;
}

void
rb_handle_change_my_pin (RbRequest *req)
{
  static const char *const members[] = { "pin", "new_pin", NULL };
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, members, &error);
  PeopleArgs *args = people_args_new (req);

  if (body == NULL || !read_pins (req, body, args, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, pin_lookup_job, after_pin_lookup);
}

void
rb_handle_change_pin (RbRequest *req)
{
  static const char *const members[] = { "staff_number", "pin", "new_pin", NULL };
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, members, &error);
  PeopleArgs *args = people_args_new (req);
  const char *staff_number = NULL;
  const char *device_token = rb_request_get_header (req, "X-Device-Token");

  if (body == NULL || !(staff_number = rb_json_get_string (body, "staff_number", TRUE, &error))
      || !read_pins (req, body, args, &error))
    {
      rb_request_fail (req, error);
      return;
    }
  if (strlen (staff_number) > RB_PEOPLE_CSV_MAX_STAFF_NUMBER)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(staff_number)");
      rb_request_fail (req, error);
      return;
    }
  if (device_token != NULL && strlen (device_token) != 64)
    {
      rb_request_fail_with (req, SOUP_STATUS_UNAUTHORIZED, RB_ERROR_UNAUTHENTICATED, NULL);
      return;
    }
  args->staff_number = g_strdup (staff_number);
  args->device_token = g_strdup (device_token);
  rb_request_run (req, pin_lookup_job, after_pin_lookup);
}

/* ---- PUT and DELETE /people/{id}/badge ------------------------------------------------------ */

static gboolean
register_badge_job (RbRequest *req, RbStore *store, GError **error)
{
  PeopleArgs *args = rb_request_get_data (req);
  JsonNode *person;

  if (!check_admin (req, error)
      || !(person = rb_badges_register_sync (store, actor_id (req), rb_request_get_path_id (req),
                                             args->uid_hash, error)))
    return FALSE;
  rb_request_take_body (req, person);
  return TRUE;
}

/* The UID is hashed here, before the request goes anywhere, and never kept or logged. */
void
rb_handle_register_badge (RbRequest *req)
{
  static const char *const members[] = { "uid", NULL };
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, members, &error);
  PeopleArgs *args = people_args_new (req);
  const char *uid = NULL;

  if (body == NULL || !(uid = rb_json_get_string (body, "uid", TRUE, &error))
      || !(args->uid_hash = rb_badge_hash_uid (uid, &error)))
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, register_badge_job, NULL);
}

static gboolean
remove_badge_job (RbRequest *req, RbStore *store, GError **error)
{
  JsonNode *person;

  if (!check_admin (req, error)
      || !(person = rb_badges_remove_sync (store, actor_id (req), rb_request_get_path_id (req),
                                           error)))
    return FALSE;
  rb_request_take_body (req, person);
  return TRUE;
}

void
rb_handle_remove_badge (RbRequest *req)
{
  people_args_new (req);
  rb_request_run (req, remove_badge_job, NULL);
}
