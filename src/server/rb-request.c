/* rb-request.c: the life of one API request. The router makes an RbRequest; the handler
 * validates what it can on the main context and hands its database work to
 * rb_request_run, which pauses the message, authenticates the caller and runs the job on
 * the store's single thread (so no query ever blocks the main context), then writes the
 * answer and unpauses the message back on the main context. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-problem.h"
#include "rb-read-trace.h"
#include "rb-request.h"

struct _RbRequest
{
  GObject parent_instance;

  RbServer *server;
  SoupServerMessage *msg;
  RbAuthLevel auth;
  char *path_id;
  GHashTable *query;

  /* Who asks; filled in on the store's thread before the first job. */
  gboolean auth_checked;
  RbPerson *person;
  char *device_id;
  /* a door panel's room: its device acts for no other space */
  char *device_space_id;
  gboolean show_names;
  /* other people's bookings this answer shows with their names (issue 13) */
  RbReadTrace *reads;

  /* The roles a route is for (NULL: any caller its auth level admits). */
  RbRoleCheck role_check;

  RbRequestJob job;
  RbRequestNext next;
  gpointer data;
  GDestroyNotify data_free;

  /* The answer. */
  guint status;
  JsonNode *body;
  char *raw_type;
  GBytes *raw_body;
  char *etag;
  char *location;
  JsonObject *problem_extra;
  /* A refusal held until the caller is known (hold_until_authenticated); held_status is 0
   * for one answered by rb_request_fail. */
  GError *held_error;
  guint held_status;

  gboolean paused;
  gboolean done;
};

G_DEFINE_FINAL_TYPE (RbRequest, rb_request, G_TYPE_OBJECT)

static void
rb_request_finalize (GObject *object)
{
  RbRequest *self = RB_REQUEST (object);

  if (self->data_free != NULL)
    self->data_free (self->data);
  g_clear_object (&self->person);
  g_clear_error (&self->held_error);
  g_clear_pointer (&self->reads, rb_read_trace_free);
  g_free (self->device_id);
  g_free (self->device_space_id);
  g_free (self->path_id);
  g_clear_pointer (&self->query, g_hash_table_unref);
  g_clear_pointer (&self->body, json_node_unref);
  g_clear_pointer (&self->problem_extra, json_object_unref);
  g_free (self->raw_type);
  g_clear_pointer (&self->raw_body, g_bytes_unref);
  g_free (self->etag);
  g_free (self->location);
  g_clear_object (&self->msg);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (rb_request_parent_class)->finalize (object);
}

static void
rb_request_class_init (RbRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_request_finalize;
}

static void
rb_request_init (RbRequest *self)
{
  self->status = SOUP_STATUS_OK;
}

RbRequest *
rb_request_new (RbServer *server, SoupServerMessage *msg, RbAuthLevel auth, const char *path_id)
{
  RbRequest *self = g_object_new (RB_TYPE_REQUEST, NULL);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  self->server = g_object_ref (server);
  self->msg = g_object_ref (msg);
  self->auth = auth;
  self->path_id = g_strdup (path_id);
  self->query = query != NULL ? soup_form_decode (query)
                              : g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return self;
}

RbServer *
rb_request_get_server (RbRequest *self)
{
  return self->server;
}

SoupServerMessage *
rb_request_get_message (RbRequest *self)
{
  return self->msg;
}

const char *
rb_request_get_path_id (RbRequest *self)
{
  return self->path_id;
}

/* A query parameter; an empty value counts as absent. */
const char *
rb_request_get_query (RbRequest *self, const char *name)
{
  const char *value = g_hash_table_lookup (self->query, name);

  return value != NULL && *value != '\0' ? value : NULL;
}

static void
query_error (GError **error, const char *name)
{
  rb_set_error (error, RB_ERROR_INVALID_FIELD, "(%s)", name);
}

/* An optional RFC 3339 query parameter (rb_time_parse_rfc3339); out_present tells whether it
 * was given. */
gboolean
rb_request_get_time_query (RbRequest *self, const char *name, gint64 *out_instant,
                           gboolean *out_present, GError **error)
{
  const char *value = rb_request_get_query (self, name);
  const char *problem;

  *out_present = value != NULL;
  if (value == NULL)
    return TRUE;
  if ((problem = rb_time_parse_rfc3339 (value, out_instant)) != NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is invalid: %s"), name, problem);
      return FALSE;
    }
  return TRUE;
}

/* An optional integer query parameter in [min, max]; out_value is left alone when absent. */
gboolean
rb_request_get_int_query (RbRequest *self, const char *name, gint64 min, gint64 max,
                          gint64 *out_value, GError **error)
{
  const char *value = rb_request_get_query (self, name);
  gint64 parsed;

  if (value == NULL)
    return TRUE;
  if (!g_ascii_string_to_signed (value, 10, min, max, &parsed, NULL))
    {
      query_error (error, name);
      return FALSE;
    }
  *out_value = parsed;
  return TRUE;
}

const char *
rb_request_get_header (RbRequest *self, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (self->msg),
                                       name);
}

/* Whether the body is declared as JSON: application/json, in UTF-8 if a charset is named
 * (RFC 8259 allows no other). */
static gboolean
has_json_body (RbRequest *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (self->msg);
  GHashTable *params = NULL;
  const char *type = soup_message_headers_get_content_type (headers, &params);
  const char *charset = params != NULL ? g_hash_table_lookup (params, "charset") : NULL;
  gboolean json = type != NULL && g_ascii_strcasecmp (type, "application/json") == 0
                  && (charset == NULL || g_ascii_strcasecmp (charset, "utf-8") == 0);

  g_clear_pointer (&params, g_hash_table_destroy);
  return json;
}

/* The request body as a JSON object (rb_json_parse: strict RFC 8259) with no members but
 * those named in members (NULL-terminated). A body declared as anything else, or not declared
 * at all, is refused with 415 before it is read: a form post or text/plain is not a request of
 * this API even when its bytes happen to parse, and a client that sends one has a bug it
 * should hear of. */
JsonObject *
rb_request_parse_body (RbRequest *self, const char *const *members, GError **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (self->msg);
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr (JsonNode) root = NULL;
  JsonObject *object;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!has_json_body (self))
    {
      rb_set_error (error, RB_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL);
      return NULL;
    }
  if (!(root = rb_json_parse (data, size, error)))
    return NULL;
  object = json_node_get_object (root);
  if (!rb_json_check_members (object, members, error))
    return NULL;
  /* The object lives as long as the request. */
  g_object_set_data_full (G_OBJECT (self), "rb-request-body", json_node_ref (root),
                          (GDestroyNotify) json_node_unref);
  return object;
}

/* The request body parsed strictly (rb_json_parse), for a body that a reader of its own
 * checks member by member (the building file); 415 unless it is declared as JSON. */
JsonNode *
rb_request_parse_json (RbRequest *self, GError **error)
{
  SoupMessageBody *body = soup_server_message_get_request_body (self->msg);
  g_autoptr (GBytes) bytes = NULL;
  gsize size;
  const char *data;

  if (!has_json_body (self))
    {
      rb_set_error (error, RB_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL);
      return NULL;
    }
  bytes = soup_message_body_flatten (body);
  data = g_bytes_get_data (bytes, &size);
  return rb_json_parse (data, size, error);
}

/* The token of "Authorization: Bearer <token>", or NULL. */
const char *
rb_request_get_bearer (RbRequest *self)
{
  const char *value = rb_request_get_header (self, "Authorization");

  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value != '\0' ? value : NULL;
}

RbPerson *
rb_request_get_person (RbRequest *self)
{
  return self->person;
}

/* For a request that identifies its person itself (a login). */
void
rb_request_set_person (RbRequest *self, RbPerson *person)
{
  g_set_object (&self->person, person);
}

const char *
rb_request_get_device_id (RbRequest *self)
{
  return self->device_id;
}

/* The room a door panel's device is bound to (`--add-device NAME --panel SPACE_ID`), also
 * for a session opened through it; NULL for a kiosk or a desktop. */
const char *
rb_request_get_device_space_id (RbRequest *self)
{
  return self->device_space_id;
}

/* The address a request came from: the peer's, or behind a trusted proxy the last hop of
 * X-Forwarded-For (the one the proxy itself added). */
static GInetAddress *
dup_client_address (RbRequest *self)
{
  GSocketAddress *peer = soup_server_message_get_remote_address (self->msg);
  GInetAddress *address = G_IS_INET_SOCKET_ADDRESS (peer)
                              ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (peer))
                              : NULL;
  const char *forwarded = rb_request_get_header (self, "X-Forwarded-For");

  if (forwarded != NULL && rb_server_is_trusted_proxy (self->server, address))
    {
      const char *last = strrchr (forwarded, ',');
      g_autofree char *hop = g_strstrip (g_strdup (last != NULL ? last + 1 : forwarded));
      GInetAddress *forwarded_address = g_inet_address_new_from_string (hop);

      if (forwarded_address != NULL)
        return forwarded_address;
    }
  return address != NULL ? g_object_ref (address) : NULL;
}

/* Who a PIN check counts against (rb-login-guard.h): a kiosk by its device id, anyone else by
 * address, an IPv6 address by its /64 network (one host can have a whole /64). */
char *
rb_request_dup_client_key (RbRequest *self, const char *device_id)
{
  g_autoptr (GInetAddress) address = NULL;
  g_autofree char *text = NULL;

  if (device_id != NULL)
    return g_strconcat ("device:", device_id, NULL);
  address = dup_client_address (self);
  if (address == NULL)
    return g_strdup ("address:unknown");
  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    {
      guint8 network[16];
      g_autoptr (GInetAddress) masked = NULL;

      memcpy (network, g_inet_address_to_bytes (address), 8);
      memset (network + 8, 0, 8);
      masked = g_inet_address_new_from_bytes (network, G_SOCKET_FAMILY_IPV6);
      text = g_inet_address_to_string (masked);
      return g_strconcat ("address:", text, "/64", NULL);
    }
  text = g_inet_address_to_string (address);
  return g_strconcat ("address:", text, NULL);
}

gboolean
rb_request_get_show_names (RbRequest *self)
{
  return self->show_names;
}

/* A booking as this caller may see it (DESIGN.md invariant 5): their own bookings in full;
 * other people's without person id, name or title unless the site shows names and the person
 * agreed; and for a kiosk's device token always anonymous (a door panel's: with the titles of
 * its room's bookings where the site shows names). Called in a job only: what it shows of
 * other people is written to the audit log when the job ends (run_job), before the answer. */
JsonNode *
rb_request_booking_to_json (RbRequest *self, RbBooking *booking)
{
  gboolean with_person = rb_booking_shows_person_to (
      booking, self->person != NULL ? rb_person_get_id (self->person) : NULL, self->show_names);
  JsonNode *node = rb_json_from_booking (booking, with_person);
  JsonObject *o = json_node_get_object (node);

  if (with_person)
    {
      if (self->reads == NULL)
        {
          g_autofree char *via = g_strdup_printf (
              "%s %s", soup_server_message_get_method (self->msg),
              g_uri_get_path (soup_server_message_get_uri (self->msg)));

          self->reads = rb_read_trace_new (rb_person_get_id (self->person), via);
        }
      rb_read_trace_add (self->reads, booking);
    }

  /* A door panel shows the titles of its room's bookings where the site shows names, but
   * not who booked them. */
  if (with_person && rb_booking_get_person_name (booking) != NULL)
    json_object_set_string_member (o, "person_name", rb_booking_get_person_name (booking));
  else if (!with_person
           && !(self->show_names && self->device_space_id != NULL
                && g_strcmp0 (self->device_space_id, rb_booking_get_space_id (booking)) == 0))
    json_object_remove_member (o, "title");
  return node;
}

void
rb_request_set_data (RbRequest *self, gpointer data, GDestroyNotify data_free)
{
  if (self->data_free != NULL)
    self->data_free (self->data);
  self->data = data;
  self->data_free = data_free;
}

gpointer
rb_request_get_data (RbRequest *self)
{
  return self->data;
}

void
rb_request_set_status (RbRequest *self, guint status)
{
  self->status = status;
}

void
rb_request_take_body (RbRequest *self, JsonNode *body)
{
  g_clear_pointer (&self->body, json_node_unref);
  self->body = body;
}

/* A body that is already serialised, e.g. a file served as it is. */
void
rb_request_take_raw_body (RbRequest *self, const char *content_type, char *data, gsize length)
{
  g_free (self->raw_type);
  self->raw_type = g_strdup (content_type);
  g_clear_pointer (&self->raw_body, g_bytes_unref);
  self->raw_body = g_bytes_new_take (data, length);
}

void
rb_request_set_etag (RbRequest *self, gint64 version)
{
  g_free (self->etag);
  self->etag = g_strdup_printf ("\"%" G_GINT64_FORMAT "\"", version);
}

void
rb_request_set_location (RbRequest *self, const char *location)
{
  g_free (self->location);
  self->location = g_strdup (location);
}

/* When to ask again, for a 429 or 503 (RFC 9110 10.2.3), in the header and in the problem
 * document: "retry_after" in seconds and "retry_at" as an instant of the server's clock, so
 * that a kiosk can say how long a lock holds and until when without trusting its own clock. */
void
rb_request_set_retry_after (RbRequest *self, gint64 seconds)
{
  gint64 wait = MAX (seconds, 1);
  gint64 now = rb_store_now (rb_server_get_store (self->server));
  g_autofree char *value = g_strdup_printf ("%" G_GINT64_FORMAT, wait);
  g_autofree char *at = rb_time_to_rfc3339 (now + wait);

  soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                "Retry-After", value);
  rb_request_take_problem_member (self, "retry_after",
                                  json_node_init_int (json_node_alloc (), wait));
  rb_request_take_problem_member (self, "retry_at",
                                  json_node_init_string (json_node_alloc (), at));
}

/* An extra member of the problem document if the request fails, e.g. "conflict". */
void
rb_request_take_problem_member (RbRequest *self, const char *name, JsonNode *value)
{
  if (self->problem_extra == NULL)
    self->problem_extra = json_object_new ();
  json_object_set_member (self->problem_extra, name, value);
}

/* {"items": [...]} from an array of JsonNodes (taken). */
JsonNode *
rb_request_items (GPtrArray *nodes)
{
  JsonObject *o = json_object_new ();
  JsonArray *items = json_array_sized_new (nodes->len);
  JsonNode *root = json_node_new (JSON_NODE_OBJECT);

  for (guint i = 0; i < nodes->len; i++)
    json_array_add_element (items, g_ptr_array_index (nodes, i));
  g_ptr_array_set_free_func (nodes, NULL);
  g_ptr_array_set_size (nodes, 0);
  json_object_set_array_member (o, "items", items);
  json_node_take_object (root, o);
  return root;
}

/* ---- running on the store's thread ------------------------------------------------------ */

static gboolean
is_token (const char *token)
{
  gsize length = token != NULL ? strlen (token) : 0;

  if (length != 64)
    return FALSE;
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isxdigit (token[i]))
      return FALSE;
  return TRUE;
}

/* Who asks: a person's session ("Authorization: Bearer"), or a kiosk's device token (in
 * "X-Device-Token" or as the bearer token), or nobody. */
static gboolean
authenticate (RbRequest *self, RbStore *store, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  const char *bearer = rb_request_get_bearer (self);
  const char *device_token = rb_request_get_header (self, "X-Device-Token");
  RbPolicy policy;

  /* The store's copy of the site's settings, kept current by every write of them (and by
   * other servers' writes on PostgreSQL): one query less for every request. */
  rb_store_get_policy (store, &policy);
  self->show_names = policy.show_names;

  if (self->auth == RB_AUTH_NONE)
    return TRUE;

  if (bearer != NULL && is_token (bearer))
    {
      self->person = rb_auth_lookup_session_sync (store, bearer, &self->device_id, &local_error);
      if (self->person == NULL && g_error_matches (local_error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
        {
          g_clear_error (&local_error);
          self->device_id = rb_auth_lookup_device_sync (store, bearer, &local_error);
        }
    }
  else if (bearer == NULL && device_token != NULL && is_token (device_token))
    self->device_id = rb_auth_lookup_device_sync (store, device_token, &local_error);
  else
    rb_set_error (&local_error, RB_ERROR_UNAUTHENTICATED, NULL);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (self->auth == RB_AUTH_SESSION && self->person == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  if (self->device_id != NULL)
    {
      self->device_space_id = rb_auth_get_device_space_sync (store, self->device_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  /* Like the token, the role is checked before anything of the request is answered: whoever
   * may not use a route learns nothing from how it would validate the request. */
  if (self->role_check != NULL
      && (self->person == NULL || !self->role_check (rb_person_get_role (self->person))))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static gpointer
run_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  RbRequest *self = data;

  if (!self->auth_checked)
    {
      self->auth_checked = TRUE;
      if (!authenticate (self, store, error))
        return NULL;
    }
  if (!self->job (self, store, error))
    return NULL;
  /* The trace of what the answer shows is written before the answer can be sent. */
  if (self->reads != NULL && !rb_read_trace_write_sync (self->reads, store, error))
    return NULL;
  return GINT_TO_POINTER (1);
}

static void
run_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) self = user_data;
  g_autoptr (GError) error = NULL;

  if (rb_store_run_finish (RB_STORE (source), result, &error) == NULL)
    rb_request_fail (self, error);
  else if (self->next != NULL)
    self->next (self);
  else
    rb_request_respond (self);
}

static gboolean
authenticated_job (RbRequest *self, RbStore *store, GError **error)
{
  /* run_job has authenticated the caller before it came here: nothing else to do. */
  return TRUE;
}

/* A route that needs a session or a device token answers nothing before the caller is
 * known: an anonymous caller (or one with a token that is not valid) gets 401 and learns
 * nothing from the validation of a request it may not make. An answer given before the
 * request's first store job (most often a refusal of its query or body) is held here until
 * the store's thread has looked at the token, and then given by then. A valid request is
 * authenticated in its first job, so it costs no extra trip to the store's thread (that
 * trip for every request cost a third of the creates per second). */
static gboolean
hold_until_authenticated (RbRequest *self, RbRequestNext then)
{
  if (self->auth == RB_AUTH_NONE || self->auth_checked)
    return FALSE;
  rb_request_run (self, authenticated_job, then);
  return TRUE;
}

static void
answer_held_refusal (RbRequest *self)
{
  g_autoptr (GError) error = g_steal_pointer (&self->held_error);

  if (self->held_status != 0)
    rb_request_fail_with (self, self->held_status, error->code, error->message);
  else
    rb_request_fail (self, error);
}

/* The request keeps itself alive through the callback's reference, which is dropped on the
 * main context; the job borrows it, so the message is never released on the store's thread. */
/* Restricts the request's route to some roles; set before the first rb_request_run. */
void
rb_request_set_role_check (RbRequest *self, RbRoleCheck check)
{
  self->role_check = check;
}

/* Keeps the message waiting for an answer that comes later from the main context. */
void
rb_request_pause (RbRequest *self)
{
  if (!self->paused)
    {
      soup_server_message_pause (self->msg);
      self->paused = TRUE;
    }
}

void
rb_request_run (RbRequest *self, RbRequestJob job, RbRequestNext next)
{
  rb_request_pause (self);
  self->job = job;
  self->next = next;
  rb_store_run_async (rb_server_get_store (self->server), run_job, self, NULL, NULL, NULL,
                      run_done_cb, g_object_ref (self));
}

/* ---- answering -------------------------------------------------------------------------- */

static void
finish (RbRequest *self, const char *code)
{
  g_object_set_data_full (G_OBJECT (self->msg), "rb-log-code", g_strdup (code), g_free);
  if (self->person != NULL)
    g_object_set_data_full (G_OBJECT (self->msg), "rb-log-person",
                            g_strdup (rb_person_get_id (self->person)), g_free);
  soup_message_headers_replace (soup_server_message_get_response_headers (self->msg),
                                "Cache-Control", "no-store");
  if (self->paused)
    soup_server_message_unpause (self->msg);
  self->paused = FALSE;
  /* The server counts the request as in flight until libsoup has written the answer. */
  self->done = TRUE;
}

void
rb_request_respond (RbRequest *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (self->msg);

  g_return_if_fail (!self->done);

  if (hold_until_authenticated (self, rb_request_respond))
    return;
  soup_server_message_set_status (self->msg, self->status, NULL);
  if (self->body != NULL)
    {
      char *text = rb_json_to_string (self->body, FALSE);

      soup_server_message_set_response (self->msg, "application/json", SOUP_MEMORY_TAKE, text,
                                        strlen (text));
    }
  else if (self->raw_body != NULL)
    {
      gsize length;
      const char *data = g_bytes_get_data (self->raw_body, &length);

      soup_server_message_set_response (self->msg, self->raw_type, SOUP_MEMORY_COPY, data,
                                        length);
    }
  if (self->etag != NULL)
    soup_message_headers_replace (headers, "ETag", self->etag);
  if (self->location != NULL)
    soup_message_headers_replace (headers, "Location", self->location);
  finish (self, NULL);
}

/* Ends the request without an answer of its own and lets libsoup go on with the message:
 * for GET /changes/stream, which authenticates while the headers are in and whose answer is
 * the WebSocket upgrade (or a refusal of it) that comes after the handlers. */
void
rb_request_release (RbRequest *self)
{
  g_return_if_fail (!self->done);

  if (hold_until_authenticated (self, rb_request_release))
    return;
  finish (self, NULL);
}

void
rb_request_fail (RbRequest *self, const GError *error)
{
  g_return_if_fail (!self->done);

  if (hold_until_authenticated (self, answer_held_refusal))
    {
      self->held_error = g_error_copy (error);
      self->held_status = 0;
      return;
    }
  rb_problem_respond_error (self->msg, error, self->problem_extra);
  finish (self, rb_problem_code_for_error (error));
}

void
rb_request_fail_with (RbRequest *self, guint status, RbErrorCode code, const char *detail)
{
  g_return_if_fail (!self->done);

  if (hold_until_authenticated (self, answer_held_refusal))
    {
      self->held_error = g_error_new_literal (
          RB_ERROR, code, detail != NULL ? detail : rb_error_code_message (code));
      self->held_status = status;
      return;
    }

  rb_problem_respond (self->msg, status, rb_error_code_to_string (code),
                      detail != NULL ? detail : rb_error_code_message (code), NULL);
  finish (self, rb_error_code_to_string (code));
}
