/* rb-api-client.c: one SoupSession per client, used from the main context it was made on.
 * libsoup 3 waits 60 s by default and allows two connections per host, both too little for
 * a booking client, so both are set here explicitly. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "rb-api-client.h"

/* Answers larger than this are not what the API sends; refuse to parse them. */
#define MAX_ANSWER_BYTES (16 * 1024 * 1024)

struct _RbApiClient
{
  GObject parent_instance;

  SoupSession *session;
  char *base_url;
  char *token;
  char *device_token;
  GTimeZone *tz;
  guint page_size;
};

G_DEFINE_FINAL_TYPE (RbApiClient, rb_api_client, G_TYPE_OBJECT)

G_DEFINE_QUARK (rb-api-client-error-quark, rb_api_client_error)

typedef struct
{
  SoupMessage *message;
  guint status;
  JsonNode *problem;
  /* of a request for bytes (rb_api_client_request_bytes_async): the answer's type and ETag */
  char *content_type;
  char *etag;
} RequestData;

static void
request_data_free (RequestData *data)
{
  g_clear_object (&data->message);
  g_clear_pointer (&data->problem, json_node_unref);
  g_free (data->content_type);
  g_free (data->etag);
  g_free (data);
}

/* ---- answers ------------------------------------------------------------------------------ */

/* The server's "conflict" interval, if the problem names one. */
static gboolean
conflict_interval (JsonObject *problem, RbInterval *out_clash)
{
  JsonNode *node = json_object_get_member (problem, "conflict");

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node)
         && rb_json_get_time (json_node_get_object (node), "start", &out_clash->start, NULL)
         && rb_json_get_time (json_node_get_object (node), "end", &out_clash->end, NULL);
}

/* "spaces[12].rect.w: must be greater than 0" of an invalid_building detail: from its
 * "path" on. */
static const char *
building_fault (JsonObject *problem, const char *detail)
{
  const char *path = rb_json_get_string (problem, "path", FALSE, NULL);

  return path != NULL && detail != NULL ? strstr (detail, path) : NULL;
}

/* When a lock ends: "retry_at" and "retry_after" of a 429 problem. */
static gboolean
lock_end (JsonObject *problem, gint64 *out_retry_at, gint64 *out_retry_after)
{
  JsonNode *seconds = json_object_get_member (problem, "retry_after");

  if (seconds == NULL || json_node_get_value_type (seconds) != G_TYPE_INT64
      || !rb_json_get_time (problem, "retry_at", out_retry_at, NULL))
    return FALSE;
  *out_retry_after = json_node_get_int (seconds);
  return *out_retry_after > 0;
}

/* A problem+json answer as an error. A code this client knows gets the message in its own
 * language (the server's "detail" may be in another); anything else keeps the server's text. */
static void
set_problem_error (RbApiClient *self, guint status, JsonNode *root, GError **error)
{
  JsonObject *problem = NULL;
  const char *code_name = NULL, *detail = NULL;
  RbErrorCode code;

  if (status == SOUP_STATUS_GONE)
    {
      g_set_error (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_GONE,
                   "The change feed no longer reaches back this far (HTTP 410)");
      return;
    }
  if (root != NULL && JSON_NODE_HOLDS_OBJECT (root))
    {
      problem = json_node_get_object (root);
      code_name = rb_json_get_string (problem, "code", FALSE, NULL);
      detail = rb_json_get_string (problem, "detail", FALSE, NULL);
      if (detail == NULL)
        detail = rb_json_get_string (problem, "title", FALSE, NULL);
    }

  if (code_name != NULL && rb_error_code_from_string (code_name, &code))
    {
      RbInterval clash;
      gint64 retry_at, retry_after;

      /* The same detail the store gives locally, in this client's language. */
      if ((code == RB_ERROR_OVERLAP || code == RB_ERROR_DESK_ALREADY_HELD) && self->tz != NULL
          && conflict_interval (problem, &clash))
        rb_set_clash_error (error, code, self->tz, clash);
      else if (code == RB_ERROR_INVALID_BUILDING && building_fault (problem, detail) != NULL)
        /* The place of the fault, and what is wrong there in the server's words. */
        rb_set_error (error, code, "%s", building_fault (problem, detail));
      /* How long a lock holds, by the server's clock, in this client's words. */
      else if ((code == RB_ERROR_LOCKED || code == RB_ERROR_TOO_MANY_ATTEMPTS) && self->tz != NULL
               && lock_end (problem, &retry_at, &retry_after))
        rb_set_lock_error (error, code, self->tz, retry_at, retry_after);
      /* Why a PIN is weak: the server knows the staff number it checked against. */
      else if (code == RB_ERROR_WEAK_PIN && detail != NULL)
        g_set_error_literal (error, RB_ERROR, code, detail);
      else
        rb_set_error (error, code, NULL);
    }
  else if (status >= 500 || status == 429)
    g_set_error (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_SERVER,
                 _("The booking server has a problem (HTTP %u)."), status);
  else
    g_set_error (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_HTTP, "HTTP %u: %s", status,
                 detail != NULL ? detail : soup_status_get_phrase (status));
}

static void
on_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbApiClient *self = g_task_get_source_object (task);
  RequestData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  guint status;
  JsonNode *root = NULL;

  if (body == NULL)
    {
      /* Whatever went wrong on the way (refused, reset, timed out, TLS) is a network failure
       * to the layers above; cancellation stays cancellation. */
      if (error->domain != G_IO_ERROR)
        {
          GError *io_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, error->message);
          g_clear_error (&error);
          error = io_error;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  status = data->status = soup_message_get_status (data->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      if (g_bytes_get_size (body) > 0 && g_bytes_get_size (body) <= MAX_ANSWER_BYTES)
        data->problem = rb_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                       NULL);
      set_problem_error (self, status, data->problem, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_bytes_get_size (body) > 0)
    {
      if (g_bytes_get_size (body) > MAX_ANSWER_BYTES
          || !(root = rb_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                     &error)))
        {
          g_set_error (&error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                       "The server's answer is not the expected JSON");
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  g_task_return_pointer (task, root, (GDestroyNotify) json_node_unref);
}

/* The answer to a request for bytes: the body as it came, whatever its type (and an empty
 * one for 304); a problem+json answer as an error, as for JSON requests. */
static void
on_bytes_sent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbApiClient *self = g_task_get_source_object (task);
  RequestData *data = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
                                                               &error);
  SoupMessageHeaders *headers;

  if (body == NULL)
    {
      if (error->domain != G_IO_ERROR)
        {
          GError *io_error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, error->message);
          g_clear_error (&error);
          error = io_error;
        }
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  data->status = soup_message_get_status (data->message);
  if (!SOUP_STATUS_IS_SUCCESSFUL (data->status) && data->status != SOUP_STATUS_NOT_MODIFIED)
    {
      if (g_bytes_get_size (body) > 0 && g_bytes_get_size (body) <= MAX_ANSWER_BYTES)
        data->problem = rb_json_parse (g_bytes_get_data (body, NULL), g_bytes_get_size (body),
                                       NULL);
      set_problem_error (self, data->status, data->problem, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  headers = soup_message_get_response_headers (data->message);
  data->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  data->etag = g_strdup (soup_message_headers_get_one (headers, "ETag"));
  g_task_return_pointer (task, g_steal_pointer (&body), (GDestroyNotify) g_bytes_unref);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_api_client_finalize (GObject *object)
{
  RbApiClient *self = RB_API_CLIENT (object);

  g_clear_object (&self->session);
  g_free (self->base_url);
  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  g_free (self->device_token);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (rb_api_client_parent_class)->finalize (object);
}

static void
rb_api_client_class_init (RbApiClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_api_client_finalize;
}

static void
rb_api_client_init (RbApiClient *self)
{
  self->page_size = RB_API_CLIENT_BOOKINGS_PAGE;
  self->session = soup_session_new_with_options (
      "timeout", RB_API_CLIENT_TIMEOUT_SECONDS,
      "idle-timeout", 60,
      "max-conns-per-host", RB_API_CLIENT_MAX_CONNS_PER_HOST,
      "user-agent", "raumbuch/" PACKAGE_VERSION,
      NULL);
}

/* ---- public API --------------------------------------------------------------------------- */

RbApiClient *
rb_api_client_new (const char *base_url)
{
  RbApiClient *self = g_object_new (RB_TYPE_API_CLIENT, NULL);

  rb_api_client_set_base_url (self, base_url);
  return self;
}

const char *
rb_api_client_get_base_url (RbApiClient *self)
{
  g_return_val_if_fail (RB_IS_API_CLIENT (self), NULL);
  return self->base_url;
}

/* Requests already on their way finish against the old URL. */
void
rb_api_client_set_base_url (RbApiClient *self, const char *base_url)
{
  g_return_if_fail (RB_IS_API_CLIENT (self));

  g_free (self->base_url);
  self->base_url = g_strdup (base_url != NULL ? base_url : "");
  while (g_str_has_suffix (self->base_url, "/"))
    self->base_url[strlen (self->base_url) - 1] = '\0';
}

const char *
rb_api_client_get_token (RbApiClient *self)
{
  g_return_val_if_fail (RB_IS_API_CLIENT (self), NULL);
  return self->token;
}

/* The session token lives in memory only, never on disk. */
void
rb_api_client_set_token (RbApiClient *self, const char *token)
{
  g_return_if_fail (RB_IS_API_CLIENT (self));

  if (self->token != NULL)
    memset (self->token, 0, strlen (self->token));
  g_free (self->token);
  self->token = g_strdup (token);
}

/* The site's zone, for the times in clash messages. */
void
rb_api_client_set_time_zone (RbApiClient *self, GTimeZone *tz)
{
  g_return_if_fail (RB_IS_API_CLIENT (self));

  g_clear_pointer (&self->tz, g_time_zone_unref);
  self->tz = tz ? g_time_zone_ref (tz) : NULL;
}

const char *
rb_api_client_get_device_token (RbApiClient *self)
{
  g_return_val_if_fail (RB_IS_API_CLIENT (self), NULL);
  return self->device_token;
}

/* A kiosk's device token (from its registration, raumbuch-server --add-device): sent as
 * X-Device-Token with every request, so a kiosk with nobody identified still reads the
 * building and the anonymous feed, and its logins are kiosk sessions. */
void
rb_api_client_set_device_token (RbApiClient *self, const char *device_token)
{
  g_return_if_fail (RB_IS_API_CLIENT (self));

  g_free (self->device_token);
  self->device_token = device_token != NULL && *device_token != '\0' ? g_strdup (device_token)
                                                                     : NULL;
}

static void send_request (RbApiClient *self, const char *method, const char *path,
                          const char *json_body, const char *idempotency_key,
                          const char *session_token, GBytes *sealed_credential,
                          const char *if_match, const char *raw_type, GBytes *raw_body,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);

/* Sends one request; path starts with "/api/v1/". json_body and idempotency_key may be NULL.
 * Finishes with the parsed JSON answer (NULL for an empty one) or an error. */
void
rb_api_client_request_async (RbApiClient *self, const char *method, const char *path,
                             const char *json_body, const char *idempotency_key,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data)
{
  rb_api_client_request_as_async (self, method, path, json_body, idempotency_key, self->token,
                                  NULL, cancellable, callback, user_data);
}

/* Authorization (the session token, when there is one) and the kiosk's device token. */
static void
add_credentials (RbApiClient *self, SoupMessageHeaders *headers, const char *session_token)
{
  if (session_token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", session_token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (self->device_token != NULL)
    soup_message_headers_replace (headers, "X-Device-Token", self->device_token);
}

/* A message for path (below the base URL, starting with "/api/v1/") that carries this
 * client's credentials as they are now, for callers that send it on a session of their own:
 * RbChangeListener's WebSocket and long-polls, which must not hold one of this client's few
 * connections for minutes. NULL with an error when the base URL is not a valid address. */
SoupMessage *
rb_api_client_new_message (RbApiClient *self, const char *method, const char *path, GError **error)
{
  g_autofree char *url = NULL;
  SoupMessage *message;

  g_return_val_if_fail (RB_IS_API_CLIENT (self), NULL);

  url = g_strconcat (self->base_url, path, NULL);
  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid server address."), self->base_url);
      return NULL;
    }
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept",
                                "application/json, application/problem+json");
  add_credentials (self, soup_message_get_request_headers (message), self->token);
  return message;
}

/* The same, but authenticated as the caller says instead of with the client's own session:
 * session_token (or no session at all when NULL), the device token if one is set, and a
 * sealed credential (X-Sealed-Credential) when given. A kiosk sends each booking with the
 * session or the credential of the person who made it, never with whoever comes next. */
void
rb_api_client_request_as_async (RbApiClient *self, const char *method, const char *path,
                                const char *json_body, const char *idempotency_key,
                                const char *session_token, GBytes *sealed_credential,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data)
{
  send_request (self, method, path, json_body, idempotency_key, session_token, sealed_credential,
                NULL, NULL, NULL, cancellable, callback, user_data);
}

/* A change that must not overwrite someone else's: with the client's session and If-Match
 * (the version the caller read, "412 stale_version" otherwise). */
void
rb_api_client_request_if_match_async (RbApiClient *self, const char *method, const char *path,
                                      const char *json_body, gint64 version,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data)
{
  g_autofree char *etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);

  send_request (self, method, path, json_body, NULL, self->token, NULL, etag, NULL, NULL,
                cancellable, callback, user_data);
}

/* A request whose body is not JSON (a CSV file for POST /people/import), with the client's
 * session; the answer is read as for any other request. */
void
rb_api_client_request_raw_async (RbApiClient *self, const char *method, const char *path,
                                 const char *content_type, GBytes *body,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data)
{
  send_request (self, method, path, NULL, NULL, self->token, NULL, NULL, content_type, body,
                cancellable, callback, user_data);
}

static void
send_request (RbApiClient *self, const char *method, const char *path, const char *json_body,
              const char *idempotency_key, const char *session_token, GBytes *sealed_credential,
              const char *if_match, const char *raw_type, GBytes *raw_body,
              GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  RequestData *data;
  SoupMessageHeaders *headers;
  SoupMessage *message;

  g_task_set_source_tag (task, rb_api_client_request_async);
  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid server address."), self->base_url);
      return;
    }
  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json, application/problem+json");
  add_credentials (self, headers, session_token);
  if (sealed_credential != NULL)
    {
      gsize length;
      const guint8 *bytes = g_bytes_get_data (sealed_credential, &length);
      g_autofree char *encoded = g_base64_encode (bytes, length);

      soup_message_headers_replace (headers, "X-Sealed-Credential", encoded);
    }
  if (if_match != NULL)
    soup_message_headers_replace (headers, "If-Match", if_match);
  if (idempotency_key != NULL)
    {
      soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);
      /* Safe to repeat, so libsoup may send it on a kept-alive connection instead of
       * opening a new one for every POST. */
      soup_message_add_flags (message, SOUP_MESSAGE_IDEMPOTENT);
    }
  if (json_body != NULL)
    {
      g_autoptr (GBytes) bytes = g_bytes_new (json_body, strlen (json_body));
      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  else if (raw_body != NULL)
    soup_message_set_request_body_from_bytes (message, raw_type, raw_body);

  data = g_new0 (RequestData, 1);
  data->message = message;
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_sent_cb, g_object_ref (task));
}

JsonNode *
rb_api_client_request_finish (RbApiClient *self, GAsyncResult *result, guint *out_status,
                              GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  if (out_status != NULL)
    {
      RequestData *data = g_task_get_task_data (G_TASK (result));
      *out_status = data != NULL ? data->status : 0;
    }
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The problem document of a request that failed with one (a series' "conflicts", say), or
 * NULL; it lives as long as result. */
/* A request whose body (when not NULL) and answer are not JSON: a floor's plan drawing. With
 * the client's session and device token; if_none_match (may be NULL) makes a 304 possible. */
void
rb_api_client_request_bytes_async (RbApiClient *self, const char *method, const char *path,
                                   const char *content_type, GBytes *body,
                                   const char *if_none_match, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  RequestData *data;
  SoupMessageHeaders *headers;
  SoupMessage *message;

  g_task_set_source_tag (task, rb_api_client_request_bytes_async);
  message = soup_message_new (method, url);
  if (message == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("“%s” is not a valid server address."), self->base_url);
      return;
    }
  headers = soup_message_get_request_headers (message);
  add_credentials (self, headers, self->token);
  if (if_none_match != NULL)
    soup_message_headers_replace (headers, "If-None-Match", if_none_match);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (message, content_type, body);

  data = g_new0 (RequestData, 1);
  data->message = message;
  g_task_set_task_data (task, data, (GDestroyNotify) request_data_free);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT, cancellable,
                                    on_bytes_sent_cb, g_object_ref (task));
}

/* The answer's body (empty for 304), its status, Content-Type and ETag (each may be NULL). */
GBytes *
rb_api_client_request_bytes_finish (RbApiClient *self, GAsyncResult *result, guint *out_status,
                                    char **out_content_type, char **out_etag, GError **error)
{
  RequestData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  data = g_task_get_task_data (G_TASK (result));
  if (out_status != NULL)
    *out_status = data != NULL ? data->status : 0;
  if (out_content_type != NULL)
    *out_content_type = data != NULL ? g_strdup (data->content_type) : NULL;
  if (out_etag != NULL)
    *out_etag = data != NULL ? g_strdup (data->etag) : NULL;
  return g_task_propagate_pointer (G_TASK (result), error);
}

JsonNode *
rb_api_client_request_get_problem (RbApiClient *self, GAsyncResult *result)
{
  RequestData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  data = g_task_get_task_data (G_TASK (result));
  return data != NULL ? data->problem : NULL;
}

typedef struct
{
  char *staff_number;
  char *token;
  gboolean keep;
} Login;

static void
login_free (Login *login)
{
  g_free (login->staff_number);
  if (login->token != NULL)
    memset (login->token, 0, strlen (login->token));
  g_free (login->token);
  g_free (login);
}

static void
on_login_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbApiClient *self = RB_API_CLIENT (source);
  Login *login = g_task_get_task_data (task);
  const char *staff_number = login->staff_number;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (self, result, NULL, &error);
  JsonObject *o, *p;
  JsonNode *person_node;
  const char *token, *id, *name, *role_name, *team = NULL;
  RbRole role;

  if (root == NULL)
    {
      if (error == NULL)
        g_set_error (&error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                     "The server's answer is not the expected JSON");
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  o = json_node_get_object (root);
  person_node = json_object_get_member (o, "person");
  if (!(token = rb_json_get_string (o, "token", TRUE, &error)) || person_node == NULL
      || !JSON_NODE_HOLDS_OBJECT (person_node)
      || !(id = rb_json_get_string ((p = json_node_get_object (person_node)), "id", TRUE, &error))
      || !(name = rb_json_get_string (p, "display_name", TRUE, &error))
      || !(role_name = rb_json_get_string (p, "role", TRUE, &error))
      || !rb_role_from_string (role_name, &role))
    {
      g_clear_error (&error);
      g_task_return_new_error (task, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                               "The server's session answer is incomplete");
      return;
    }
  team = rb_json_get_string (p, "team", FALSE, NULL);
  /* A badge's answer tells whose it is. */
  if (staff_number == NULL)
    staff_number = rb_json_get_string (p, "staff_number", FALSE, NULL);
  if (login->keep)
    rb_api_client_set_token (self, token);
  else
    login->token = g_strdup (token);
  g_task_return_pointer (
      task, rb_person_new (id, name, staff_number ? staff_number : "", team ? team : "", role),
      g_object_unref);
}

/* With a username, the pin is the directory password (issue 14), and the answer tells the
 * staff number. */
static void
login (RbApiClient *self, const char *staff_number, const char *pin, const char *username,
       gboolean keep, GCancellable *cancellable, GAsyncReadyCallback callback,
       gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *body = NULL;
  Login *data = g_new0 (Login, 1);

  g_task_set_source_tag (task, rb_api_client_login_async);
  data->staff_number = g_strdup (staff_number);
  data->keep = keep;
  g_task_set_task_data (task, data, (GDestroyNotify) login_free);
  if (username != NULL)
    {
      json_object_set_string_member (o, "username", username);
      json_object_set_string_member (o, "password", pin);
    }
  else
    {
      json_object_set_string_member (o, "staff_number", staff_number);
      json_object_set_string_member (o, "pin", pin);
    }
  json_node_take_object (node, o);
  body = rb_json_to_string (node, FALSE);
  rb_api_client_request_async (self, "POST", "/api/v1/sessions", body, NULL, cancellable,
                               on_login_done_cb, task);
  memset (body, 0, strlen (body));
}

/* Opens a session; on success the client uses its token from now on. */
void
rb_api_client_login_async (RbApiClient *self, const char *staff_number, const char *pin,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data)
{
  login (self, staff_number, pin, NULL, TRUE, cancellable, callback, user_data);
}

RbPerson *
rb_api_client_login_finish (RbApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Opens a kiosk's session with a badge alone (issue 12; the server accepts it only with the
 * device token this client sends) and hands its token to the caller like
 * rb_api_client_open_session_async; finishes with rb_api_client_open_session_finish. */
void
rb_api_client_open_badge_session_async (RbApiClient *self, const char *uid,
                                        GCancellable *cancellable, GAsyncReadyCallback callback,
                                        gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *body = NULL;

  g_task_set_source_tag (task, rb_api_client_login_async);
  g_task_set_task_data (task, g_new0 (Login, 1), (GDestroyNotify) login_free);
  json_object_set_string_member (o, "badge", uid);
  json_node_take_object (node, o);
  body = rb_json_to_string (node, FALSE);
  rb_api_client_request_async (self, "POST", "/api/v1/sessions", body, NULL, cancellable,
                               on_login_done_cb, task);
  memset (body, 0, strlen (body));
}

/* Opens a session (a kiosk session when a device token is set) and hands its token to the
 * caller instead of keeping it: a kiosk holds one only for the flow of one person. */
void
rb_api_client_open_session_async (RbApiClient *self, const char *staff_number, const char *pin,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data)
{
  login (self, staff_number, pin, NULL, FALSE, cancellable, callback, user_data);
}

/* The same with the directory user name and password (issue 14): keep, like
 * rb_api_client_login_async (finish with rb_api_client_login_finish), or not, like
 * rb_api_client_open_session_async (rb_api_client_open_session_finish). */
void
rb_api_client_login_directory_async (RbApiClient *self, const char *username,
                                     const char *password, gboolean keep,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data)
{
  login (self, NULL, password, username, keep, cancellable, callback, user_data);
}

RbPerson *
rb_api_client_open_session_finish (RbApiClient *self, GAsyncResult *result, char **out_token,
                                   GError **error)
{
  RbPerson *person;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  person = g_task_propagate_pointer (G_TASK (result), error);
  if (person != NULL && out_token != NULL)
    *out_token = g_strdup (((Login *) g_task_get_task_data (G_TASK (result)))->token);
  return person;
}

/* The bookings of a list answer: root[member] is an array of booking objects. */
GPtrArray *
rb_api_client_parse_bookings (JsonNode *root, const char *member, GError **error)
{
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
  JsonNode *items = root && JSON_NODE_HOLDS_OBJECT (root)
                        ? json_object_get_member (json_node_get_object (root), member)
                        : NULL;
  JsonArray *array;

  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    {
      g_set_error (error, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                   "The server's answer has no “%s” list", member);
      return NULL;
    }
  array = json_node_get_array (items);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      RbBooking *booking = rb_json_to_booking (json_array_get_element (array, i), error);
      if (booking == NULL)
        return NULL;
      g_ptr_array_add (bookings, booking);
    }
  return g_steal_pointer (&bookings);
}

/* ---- GET /bookings, page after page ------------------------------------------------------ */

typedef struct
{
  char *path;
  char *session_token;
  GPtrArray *bookings;
  char *after;
  guint pages;
} BookingPages;

static void
booking_pages_free (BookingPages *pages)
{
  g_free (pages->path);
  g_free (pages->session_token);
  g_clear_pointer (&pages->bookings, g_ptr_array_unref);
  g_free (pages->after);
  g_free (pages);
}

static void fetch_booking_page (GTask *task);

static void
on_booking_page_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  BookingPages *pages = g_task_get_task_data (task);
  GError *error = NULL;
  g_autoptr (JsonNode) root = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL,
                                                            &error);
  g_autoptr (GPtrArray) page = NULL;
  const char *next = NULL;

  if (error == NULL)
    page = rb_api_client_parse_bookings (root, "items", &error);
  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  for (guint i = 0; i < page->len; i++)
    g_ptr_array_add (pages->bookings, g_object_ref (g_ptr_array_index (page, i)));
  next = json_object_get_string_member_with_default (json_node_get_object (root), "next", NULL);
  if (next == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&pages->bookings),
                             (GDestroyNotify) g_ptr_array_unref);
      return;
    }
  /* A server that hands out the same cursor again, or pages without end, is not followed. */
  if (page->len == 0 || g_strcmp0 (next, pages->after) == 0 || pages->pages >= 10000)
    {
      g_task_return_new_error (task, RB_API_CLIENT_ERROR, RB_API_CLIENT_ERROR_INVALID_RESPONSE,
                               "The server's pages of bookings do not end");
      return;
    }
  g_free (pages->after);
  pages->after = g_strdup (next);
  fetch_booking_page (g_steal_pointer (&task));
}

static void
fetch_booking_page (GTask *task)
{
  RbApiClient *self = g_task_get_source_object (task);
  BookingPages *pages = g_task_get_task_data (task);
  g_autofree char *after = pages->after != NULL
                               ? g_uri_escape_string (pages->after, NULL, FALSE)
                               : NULL;
  g_autofree char *path = g_strdup_printf ("%s%slimit=%u%s%s", pages->path,
                                           strchr (pages->path, '?') != NULL ? "&" : "?",
                                           self->page_size, after != NULL ? "&after=" : "",
                                           after != NULL ? after : "");

  pages->pages++;
  rb_api_client_request_as_async (self, "GET", path, NULL, NULL, pages->session_token, NULL,
                                  g_task_get_cancellable (task), on_booking_page_cb, task);
}

/* How many bookings a page of rb_api_client_list_bookings_async asks for
 * (RB_API_CLIENT_BOOKINGS_PAGE unless set; the server allows 1 to 1000). */
void
rb_api_client_set_page_size (RbApiClient *self, guint page_size)
{
  g_return_if_fail (RB_IS_API_CLIENT (self));
  self->page_size = CLAMP (page_size, 1, 1000);
}

/* GET path (GET /api/v1/bookings with its filters) page after page, following each answer's
 * "next" until the last page: every booking of the list, in the server's order, as
 * RbBookings. Authenticated as rb_api_client_request_as_async with session_token. */
void
rb_api_client_list_bookings_async (RbApiClient *self, const char *path, const char *session_token,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  BookingPages *pages = g_new0 (BookingPages, 1);

  g_task_set_source_tag (task, rb_api_client_list_bookings_async);
  pages->path = g_strdup (path);
  pages->session_token = g_strdup (session_token);
  pages->bookings = g_ptr_array_new_with_free_func (g_object_unref);
  g_task_set_task_data (task, pages, (GDestroyNotify) booking_pages_free);
  fetch_booking_page (task);
}

GPtrArray *
rb_api_client_list_bookings_finish (RbApiClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Whether trying again later may succeed: the network, an overloaded or failing server. A
 * rule violation, a refused login or a cancellation will not change by waiting. */
gboolean
rb_api_client_error_is_transient (const GError *error)
{
  if (error == NULL)
    return FALSE;
  if (error->domain == G_IO_ERROR)
    return error->code != G_IO_ERROR_CANCELLED;
  if (error->domain == RB_API_CLIENT_ERROR)
    return error->code == RB_API_CLIENT_ERROR_SERVER
           || error->code == RB_API_CLIENT_ERROR_INVALID_RESPONSE;
  return error->domain == RB_ERROR && error->code == RB_ERROR_STORAGE;
}
