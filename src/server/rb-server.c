/* rb-server.c: RbServer owns the SoupServer and the one RbStore of the process. It routes
 * /api/v1/... to the handlers, refuses bodies over RB_SERVER_MAX_BODY before they are read
 * into memory, logs one line per request, releases no-shows every minute and shuts down
 * cleanly: on request, new requests get 503 while the ones in flight finish.
 *
 * The change feed's push channel (issue 9) lives here too: the store tells the server after
 * every commit that appended change rows, and the RbChangeHub passes that on to the
 * WebSockets of GET /changes/stream and the long-polls of GET /changes?wait=. The WebSocket
 * route is authenticated as soon as its headers are in (stream_early_cb), so a wrong token
 * gets 401 before libsoup answers the upgrade.
 *
 * Upstream advises against exposing SoupServer directly to untrusted networks; the server
 * listens on loopback by default and production puts nginx in front (README). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <sys/socket.h>

#include "rb-auth.h"
#include "rb-change-hub.h"
#include "rb-handlers.h"
#include "rb-login-guard.h"
#include "rb-listener.h"
#include "rb-log.h"
#include "rb-problem.h"
#include "rb-request.h"
#include "rb-retention.h"
#include "rb-server.h"

#define API_PREFIX "/api/v1/"
#define STREAM_PATH API_PREFIX "changes/stream"
/* libsoup 3.2 has no name for it. */
#define STATUS_UPGRADE_REQUIRED 426
#define RELEASE_INTERVAL_SECONDS 60
#define SHUTDOWN_GRACE_SECONDS 10

struct _RbServer
{
  GObject parent_instance;

  SoupServer *soup;
  /* Accepts the connections and watches them (libsoup 3.2's listener is not enough). */
  RbListener *listener;
  GTlsCertificate *tls_certificate;
  guint max_connections;
  guint request_timeout;
  guint idle_timeout;
  RbStore *store;
  RbLoginGuard *login_guard;
  RbChangeHub *hub;
  /* The ministry's directory (issue 14), or NULL; a sync of it at a time, periodic or asked
   * for by an administrator. */
  RbDirectory *directory;
  guint directory_timer;
  gboolean directory_syncing;
  /* The WebSocket extensions libsoup offers (permessage-deflate), to check a handshake
   * before libsoup does: a refusal is then problem+json like every other error. */
  GPtrArray *websocket_extensions;

  gint64 feed_retention;
  char *openapi_path;

  /* Peers whose X-Forwarded-For names the client (rb_request_get_client_key). */
  GPtrArray *trusted_proxies;

  /* Routed requests whose answer is not written yet (rb-in-flight on the message). */
  guint in_flight;
  guint release_interval;
  guint release_timer;
  gboolean release_running;
  gboolean shutting_down;
  GTask *shutdown_task;
  guint shutdown_timeout;
  guint shutdown_check;
};

G_DEFINE_FINAL_TYPE (RbServer, rb_server, G_TYPE_OBJECT)

typedef struct
{
  const char *method;
  const char *pattern; /* below /api/v1/; "*" matches one path segment (an id) */
  RbAuthLevel auth;
  void (*handler) (RbRequest *req);
  /* the roles the route is for, checked with the token (NULL: every caller of auth) */
  RbRoleCheck roles;
} RbRoute;

static const RbRoute routes[] = {
  { "GET", "health", RB_AUTH_NONE, rb_handle_health },
  { "GET", "openapi.json", RB_AUTH_NONE, rb_handle_openapi },
  { "POST", "sessions", RB_AUTH_NONE, rb_handle_create_session },
  { "DELETE", "sessions/current", RB_AUTH_SESSION, rb_handle_delete_session },
  /* Issue 10: an administrator's view and unlock of the sign-in limits. */
  { "GET", "login-locks", RB_AUTH_SESSION, rb_handle_list_login_locks, rb_role_is_admin },
  { "DELETE", "login-locks/*", RB_AUTH_SESSION, rb_handle_unlock_login, rb_role_is_admin },
  { "GET", "sites", RB_AUTH_ANY, rb_handle_list_sites },
  { "GET", "buildings", RB_AUTH_ANY, rb_handle_list_buildings },
  { "GET", "floors", RB_AUTH_ANY, rb_handle_list_floors },
  { "GET", "spaces", RB_AUTH_ANY, rb_handle_list_spaces },
  /* Issue 11: a floor's plan drawing; administrators only may change it (rb-plan-handlers.c). */
  { "GET", "floors/*/plan", RB_AUTH_ANY, rb_handle_get_floor_plan },
  { "PUT", "floors/*/plan", RB_AUTH_SESSION, rb_handle_set_floor_plan, rb_role_is_admin },
  { "DELETE", "floors/*/plan", RB_AUTH_SESSION, rb_handle_remove_floor_plan, rb_role_is_admin },
  { "GET", "bookings", RB_AUTH_ANY, rb_handle_list_bookings },
  /* A kiosk's device token only with a sealed credential (rb-booking-handlers.c). */
  { "POST", "bookings", RB_AUTH_ANY, rb_handle_create_booking },
  /* A door panel's device too, for what it booked for nobody. */
  { "PATCH", "bookings/*", RB_AUTH_ANY, rb_handle_update_booking },
  { "DELETE", "bookings/*", RB_AUTH_ANY, rb_handle_cancel_booking },
  { "POST", "bookings/*/check-in", RB_AUTH_SESSION, rb_handle_check_in },
  { "GET", "changes", RB_AUTH_ANY, rb_handle_changes },
  /* A WebSocket (issue 9): routed from stream_early_cb while only its headers are in. */
  { "GET", "changes/stream", RB_AUTH_ANY, rb_handle_changes_stream },
  /* Kiosks too: they show a blocked space as closed. */
  { "GET", "blocks", RB_AUTH_ANY, rb_handle_list_blocks },
  /* Issue 5: series, iCalendar, occupancy reports and blocks; roles are checked in the
   * handlers (rb-series-handlers.c, rb-occupancy-handlers.c, rb-block-handlers.c). */
  { "POST", "series", RB_AUTH_SESSION, rb_handle_create_series },
  { "GET", "series/*", RB_AUTH_SESSION, rb_handle_get_series },
  { "DELETE", "series/*", RB_AUTH_SESSION, rb_handle_cancel_series },
  { "GET", "me/bookings.ics", RB_AUTH_SESSION, rb_handle_my_calendar },
  { "GET", "occupancy", RB_AUTH_SESSION, rb_handle_occupancy, rb_occupancy_may_read_reports },
  { "GET", "reports/utilisation.csv", RB_AUTH_SESSION, rb_handle_utilisation_csv,
    rb_occupancy_may_read_reports },
  { "POST", "spaces/*/blocks", RB_AUTH_SESSION, rb_handle_create_block, rb_blocks_may_manage },
  { "GET", "spaces/*/blocks", RB_AUTH_SESSION, rb_handle_preview_block, rb_blocks_may_manage },
  { "DELETE", "blocks/*", RB_AUTH_SESSION, rb_handle_remove_block, rb_blocks_may_manage },
  /* Issue 11: the building as a file, for administrators (rb-admin-building-handlers.c). */
  { "GET", "building/export", RB_AUTH_SESSION, rb_handle_export_building, rb_role_is_admin },
  { "POST", "building/import", RB_AUTH_SESSION, rb_handle_import_building, rb_role_is_admin },
  /* Issue 11: the site's policy and the audit log (rb-policy-handlers.c). */
  { "GET", "policy", RB_AUTH_ANY, rb_handle_get_policy },
  { "PUT", "policy", RB_AUTH_SESSION, rb_handle_set_policy, rb_role_is_admin },
  { "GET", "audit", RB_AUTH_SESSION, rb_handle_list_audit, rb_role_is_admin },
  /* Issue 11: people and PINs (rb-people-handlers.c). Administrators only, a kiosk's device
   * token too getting 403; everyone changes their own PIN. */
  { "GET", "people", RB_AUTH_ANY, rb_handle_list_people, rb_role_is_admin },
  { "POST", "people", RB_AUTH_ANY, rb_handle_create_person, rb_role_is_admin },
  { "POST", "people/import", RB_AUTH_ANY, rb_handle_import_people, rb_role_is_admin },
  { "PATCH", "people/*", RB_AUTH_ANY, rb_handle_update_person, rb_role_is_admin },
  { "POST", "people/*/one-time-pin", RB_AUTH_ANY, rb_handle_issue_one_time_pin,
    rb_role_is_admin },
  /* Issue 12: badges that identify a person alone at a kiosk (rb-people-handlers.c). */
  { "PUT", "people/*/badge", RB_AUTH_ANY, rb_handle_register_badge, rb_role_is_admin },
  { "DELETE", "people/*/badge", RB_AUTH_ANY, rb_handle_remove_badge, rb_role_is_admin },
  /* Issue 13: people's rights (rb-rights-handlers.c). The export is everyone's own, and a
   * kiosk's device token, being nobody's, gets 403 there as at the erasure. */
  { "GET", "me/export", RB_AUTH_ANY, rb_handle_export_my_data },
  { "POST", "people/*/erasure", RB_AUTH_ANY, rb_handle_erase_person, rb_role_is_admin },
  { "PUT", "me/pin", RB_AUTH_SESSION, rb_handle_change_my_pin },
  /* Issue 13: each person's consent to show their name (rb-consent-handlers.c). */
  { "GET", "me/privacy", RB_AUTH_SESSION, rb_handle_get_privacy },
  { "PUT", "me/privacy", RB_AUTH_SESSION, rb_handle_set_privacy },
  { "POST", "pin-changes", RB_AUTH_NONE, rb_handle_change_pin },
  /* Issue 14: an administrator's sync (or dry run) of the people from the directory. */
  { "POST", "directory/sync", RB_AUTH_SESSION, rb_handle_sync_directory, rb_role_is_admin },
};

static void maybe_finish_shutdown (RbServer *self);

/* ---- helpers ------------------------------------------------------------------------------- */

static void
set_log_code (SoupServerMessage *msg, const char *code)
{
  g_object_set_data_full (G_OBJECT (msg), "rb-log-code", g_strdup (code), g_free);
}

static void
respond_problem (SoupServerMessage *msg, guint status, RbErrorCode code, const char *detail)
{
  rb_problem_respond (msg, status, rb_error_code_to_string (code),
                      detail != NULL ? detail : rb_error_code_message (code), NULL);
  set_log_code (msg, rb_error_code_to_string (code));
}

/* Matches a route pattern against the path segments below the prefix; the segment at the
 * pattern's "*" (an id) is returned in out_id. */
static gboolean
match_route (const char *pattern, char **segments, char **out_id)
{
  g_auto (GStrv) parts = g_strsplit (pattern, "/", -1);
  guint i;

  *out_id = NULL;
  for (i = 0; parts[i] != NULL; i++)
    {
      if (segments[i] == NULL)
        goto no;
      if (g_str_equal (parts[i], "*"))
        {
          if (*segments[i] == '\0')
            goto no;
          g_free (*out_id);
          *out_id = g_uri_unescape_string (segments[i], NULL);
          if (*out_id == NULL)
            goto no;
        }
      else if (!g_str_equal (parts[i], segments[i]))
        goto no;
    }
  if (segments[i] == NULL)
    return TRUE;

no:
  g_clear_pointer (out_id, g_free);
  return FALSE;
}

/* ---- body limit, routing and logging ------------------------------------------------------ */

/* Answers before the body is read, and closes the connection after the answer: whatever
 * arrives from now on is read and dropped, never kept, and never read as a request. */
static void
refuse_and_close (SoupServerMessage *msg, guint status, RbErrorCode code)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  respond_problem (msg, status, code, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
}

static void
refuse_too_large (SoupServerMessage *msg)
{
  refuse_and_close (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, RB_ERROR_PAYLOAD_TOO_LARGE);
}

/* Every body is small but a building file (data/openapi.json says so) and a floor's plan
 * drawing (PUT /floors/{id}/plan), which may be an image of a few megabytes. */
static gsize
body_limit (SoupServerMessage *msg)
{
  const char *path = g_uri_get_path (soup_server_message_get_uri (msg));
  g_auto (GStrv) segments = NULL;

  if (g_strcmp0 (path, API_PREFIX "building/import") == 0)
    return RB_SERVER_MAX_BUILDING_BODY;
  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_PUT)
      || !g_str_has_prefix (path, API_PREFIX))
    return RB_SERVER_MAX_BODY;
  segments = g_strsplit (path + strlen (API_PREFIX), "/", -1);
  if (g_strv_length (segments) == 3 && g_str_equal (segments[0], "floors")
      && *segments[1] != '\0' && g_str_equal (segments[2], "plan"))
    return RB_PLAN_DRAWING_MAX_BYTES;
  return RB_SERVER_MAX_BODY;
}

static void
on_got_chunk_cb (SoupServerMessage *msg, GBytes *chunk, gpointer user_data)
{
  gsize *received = g_object_get_data (G_OBJECT (msg), "rb-body-received");

  if (received == NULL)
    return;
  *received += g_bytes_get_size (chunk);
  if (*received > body_limit (msg) && soup_server_message_get_status (msg) == 0)
    refuse_too_large (msg);
}

/* TRUE when value is a list of Content-Length values (one header, or several joined with
 * commas) that are all the same number; its number in out_length. */
static gboolean
parse_content_lengths (const char *value, guint64 *out_length, gboolean *has_length)
{
  g_auto (GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      guint64 length;

      if (*part == '\0' || strspn (part, "0123456789") != strlen (part)
          || !g_ascii_string_to_unsigned (part, 10, 0, G_MAXUINT64, &length, NULL)
          || (*has_length && length != *out_length))
        return FALSE;
      *out_length = length;
      *has_length = TRUE;
    }
  return TRUE;
}

/* RFC 9112, 6.3: a request that declares its length in more than one way (Transfer-Encoding
 * and Content-Length) or with Content-Length values that differ is how requests are
 * smuggled past a proxy that reads the length otherwise. libsoup 3.2.3 lets
 * Transfer-Encoding win and takes the last of several Content-Length headers, and would read
 * what follows as the next request. Several Content-Length headers with one value are fine,
 * and so is one Transfer-Encoding of exactly "chunked" (libsoup refuses the others). */
static gboolean
framing_is_ambiguous (SoupMessageHeaders *headers)
{
  SoupMessageHeadersIter iter;
  const char *name, *value;
  gboolean has_length = FALSE;
  guint n_transfer_encodings = 0;
  guint64 length = 0;

  soup_message_headers_iter_init (&iter, headers);
  while (soup_message_headers_iter_next (&iter, &name, &value))
    {
      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          if (!parse_content_lengths (value, &length, &has_length))
            return TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        {
          g_autofree char *coding = g_strstrip (g_strdup (value));

          if (++n_transfer_encodings > 1 || g_ascii_strcasecmp (coding, "chunked") != 0)
            return TRUE;
        }
    }
  return has_length && n_transfer_encodings > 0;
}

/* Runs when the headers are in, before the body is read: a request whose length is declared
 * ambiguously is refused, a declared length over the limit is refused at once, and a chunked
 * body is counted as it arrives. */
static void
early_handler_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                  gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (framing_is_ambiguous (headers))
    {
      /* libsoup reads (and drops) the body as it understood it first. */
      refuse_and_close (msg, SOUP_STATUS_BAD_REQUEST, RB_ERROR_INVALID_FRAMING);
      return;
    }

  /* libsoup answers a GET with a Range header itself, with every range asked for, however
   * many and however they overlap: 200 ranges of the whole OpenAPI document in a 605-byte
   * header made a 7.7 MB answer. Nothing of the API needs partial answers, and a server may
   * ignore Range (RFC 9110, 14.2): every answer is whole. */
  soup_message_headers_remove (headers, "Range");
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH)
    {
      if (soup_message_headers_get_content_length (headers) > (goffset) body_limit (msg))
        refuse_too_large (msg);
    }
  else
    {
      g_object_set_data_full (G_OBJECT (msg), "rb-body-received", g_new0 (gsize, 1), g_free);
      g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb), NULL);
    }
}

/* New requests get 503 once a shutdown has begun. */
static gboolean
refuse_while_shutting_down (RbServer *self, SoupServerMessage *msg)
{
  if (!self->shutting_down)
    return FALSE;
  rb_problem_respond (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "internal",
                      "The server is shutting down.", NULL);
  set_log_code (msg, "internal");
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                "close");
  return TRUE;
}

/* Runs the handler of the route that path and method match; 404 or 405 when none does. */
static void
dispatch (RbServer *self, SoupServerMessage *msg, const char *path)
{
  const char *method = soup_server_message_get_method (msg);
  g_auto (GStrv) segments = NULL;
  /* The methods of the routes that match the path, for Allow (RFC 9110, 15.5.6). */
  g_autoptr (GString) allow = g_string_new (NULL);

  if (g_str_has_prefix (path, API_PREFIX))
    segments = g_strsplit (path + strlen (API_PREFIX), "/", -1);
  if (g_str_equal (method, SOUP_METHOD_HEAD))
    method = SOUP_METHOD_GET;

  for (guint i = 0; segments != NULL && i < G_N_ELEMENTS (routes); i++)
    {
      g_autofree char *id = NULL;
      g_autoptr (RbRequest) req = NULL;

      if (!match_route (routes[i].pattern, segments, &id))
        continue;
      if (!g_str_equal (routes[i].method, method))
        {
          g_string_append_printf (allow, "%s%s", allow->len > 0 ? ", " : "", routes[i].method);
          /* HEAD is served wherever GET is (libsoup leaves the body out). */
          if (g_str_equal (routes[i].method, SOUP_METHOD_GET))
            g_string_append (allow, ", HEAD");
          continue;
        }

      self->in_flight++;
      g_object_set_data (G_OBJECT (msg), "rb-in-flight", GINT_TO_POINTER (TRUE));
      req = rb_request_new (self, msg, routes[i].auth, id);
      rb_request_set_role_check (req, routes[i].roles);
      routes[i].handler (req);
      return;
    }

  if (allow->len > 0)
    {
      respond_problem (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, RB_ERROR_METHOD_NOT_ALLOWED, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    allow->str);
      return;
    }
  respond_problem (msg, SOUP_STATUS_NOT_FOUND, RB_ERROR_NOT_FOUND, NULL);
}

static void
server_handler_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                   gpointer user_data)
{
  RbServer *self = user_data;

  if (!refuse_while_shutting_down (self, msg))
    dispatch (self, msg, path);
}

static void
on_request_started_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  gint64 *started = g_new (gint64, 1);

  *started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "rb-log-started", started, g_free);
}

/* One line per request on stderr, in key=value form for log tools. The query string is left
 * out: it is not needed to follow a request and must not leak into logs. Method and path
 * come from the client (the path percent-decoded), the person id from the database: each is
 * escaped (rb-log.c), so that no request forges a line, a key or a terminal escape. */
static void
log_request (SoupServerMessage *msg, gboolean aborted)
{
  gint64 *started = g_object_get_data (G_OBJECT (msg), "rb-log-started");
  const char *code = g_object_get_data (G_OBJECT (msg), "rb-log-code");
  GUri *uri = soup_server_message_get_uri (msg);
  double ms = started != NULL ? (g_get_monotonic_time () - *started) / 1000.0 : 0.0;
  g_autofree char *method = rb_log_escape (soup_server_message_get_method (msg));
  g_autofree char *path = rb_log_escape (uri != NULL ? g_uri_get_path (uri) : NULL);
  g_autofree char *person = rb_log_escape (g_object_get_data (G_OBJECT (msg), "rb-log-person"));

  g_printerr ("method=%s path=%s status=%u ms=%.1f person=%s code=%s%s\n", method, path,
              soup_server_message_get_status (msg), ms, person, code != NULL ? code : "-",
              aborted ? " aborted=1" : "");
}

static gboolean
on_shutdown_check_cb (gpointer user_data)
{
  RbServer *self = user_data;

  self->shutdown_check = 0;
  maybe_finish_shutdown (self);
  return G_SOURCE_REMOVE;
}

/* A shutdown may be able to finish now. It is checked from the main loop, not here: this
 * runs inside libsoup's signals, whose connection a shutdown would close under them. */
static void
schedule_shutdown_check (RbServer *self)
{
  if (self->shutdown_task != NULL && self->shutdown_check == 0)
    self->shutdown_check = g_idle_add (on_shutdown_check_cb, self);
}

/* A routed request is over when its answer has been written (or could not be), not when a
 * handler set it: a shutdown that closed the connections earlier would cut answers off. */
static void
message_done (RbServer *self, SoupServerMessage *msg)
{
  if (g_object_get_data (G_OBJECT (msg), "rb-in-flight") == NULL)
    return;
  g_object_set_data (G_OBJECT (msg), "rb-in-flight", NULL);
  g_return_if_fail (self->in_flight > 0);
  self->in_flight--;
  schedule_shutdown_check (self);
}

/* libsoup 3.2.3 drops the Content-Length of a 204 when it writes the headers (a 204 has no
 * body and declares no length, RFC 9110 8.6), and then takes the answer for one delimited by
 * the end of the connection: it closed the connection after every 204 and dropped a request
 * pipelined behind it. The answer ended with its headers; libsoup is told so here, on
 * request-finished, which it emits just before it decides whether to keep the connection. */
static void
keep_alive_after_no_content (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  guint status = soup_server_message_get_status (msg);

  if ((status == SOUP_STATUS_NO_CONTENT || status == SOUP_STATUS_NOT_MODIFIED)
      && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_EOF)
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_NONE);
}

static void
on_request_finished_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  keep_alive_after_no_content (msg);
  log_request (msg, FALSE);
  message_done (user_data, msg);
}

static void
on_request_aborted_cb (SoupServer *soup, SoupServerMessage *msg, gpointer user_data)
{
  log_request (msg, TRUE);
  message_done (user_data, msg);
}

/* ---- the WebSocket of GET /changes/stream ------------------------------------------------ */

/* Below STREAM_PATH libsoup calls these three instead of the handlers above, in this order:
 * at the headers, after the body, and after the 101 answer went out. libsoup matches by
 * prefix, so "changes/streams" lands here too; dispatch() answers such paths with 404. */

/* Routes while only the headers are in: the handler pauses the message and authenticates
 * on the store's thread; a wrong token is answered (401) before libsoup sees the upgrade. */
static void
stream_early_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  RbServer *self = user_data;

  early_handler_cb (soup, msg, path, query, user_data);
  if (soup_server_message_get_status (msg) == 0 && !refuse_while_shutting_down (self, msg))
    dispatch (self, msg, path);
}

/* Reached only by an authenticated request. What is not a valid WebSocket handshake (a plain
 * GET, a proxy that dropped the Upgrade header) gets 426 as problem+json; a valid one is left
 * to libsoup, which answers 101. */
static void
stream_handler_cb (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                   gpointer user_data)
{
  RbServer *self = user_data;
  g_autoptr (GError) error = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  if (soup_websocket_server_check_handshake (msg, NULL, NULL, self->websocket_extensions, &error))
    return;
  rb_problem_respond (msg, STATUS_UPGRADE_REQUIRED, "upgrade_required", error->message, NULL);
  set_log_code (msg, "upgrade_required");
  soup_message_headers_replace (headers, "Upgrade", "websocket");
  soup_message_headers_replace (headers, "Sec-WebSocket-Version", "13");
}

static void
stream_connected_cb (SoupServer *soup, SoupServerMessage *msg, const char *path,
                     SoupWebsocketConnection *connection, gpointer user_data)
{
  RbServer *self = user_data;
  gint64 *head = g_object_get_data (G_OBJECT (msg), RB_STREAM_HEAD_KEY);

  /* libsoup took the connection over and emits no request-finished for it. */
  log_request (msg, FALSE);
  message_done (self, msg);
  rb_change_hub_add_stream (self->hub, connection, head != NULL ? *head : 0);
}

/* The store's feed function: on the main context, after a commit that appended change rows
 * (a booking made, changed, cancelled or checked in, a series, a block's cancellations, a
 * no-show released by the timer below). */
static void
on_feed_advanced_cb (RbStore *store, gint64 next, gpointer user_data)
{
  RbServer *self = user_data;

  rb_change_hub_feed_advanced (self->hub, next);
}

/* A shutdown waits for the WebSockets it closed to finish their closing handshakes. */
static void
on_n_streams_changed_cb (GObject *hub, GParamSpec *pspec, gpointer user_data)
{
  schedule_shutdown_check (user_data);
}

/* ---- auto-release ---------------------------------------------------------------------- */

/* What a round of housekeeping did. */
typedef struct
{
  int released;
  RbRetentionCounts retention;
} Housekeeping;

/* Releases no-shows, forgets expired sessions and applies the retention of issue 13. */
static gpointer
housekeeping_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autofree Housekeeping *done = g_new0 (Housekeeping, 1);

  done->released = rb_store_release_no_shows_sync (store, error);
  if (done->released < 0 || rb_auth_purge_sessions_sync (store, error) < 0
      || !rb_retention_apply_sync (store, &done->retention, error))
    return NULL;
  return g_steal_pointer (&done);
}

static void
housekeeping_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree Housekeeping *done = rb_store_run_finish (RB_STORE (source), result, &error);

  self->release_running = FALSE;
  rb_login_guard_forget_stale (self->login_guard);
  if (done == NULL)
    g_printerr ("error: housekeeping failed: %s\n", error->message);
  else
    {
      if (done->released > 0)
        g_printerr ("released=%d\n", done->released);
      if (done->retention.anonymised > 0 || done->retention.deleted > 0
          || done->retention.audit_deleted > 0)
        g_printerr ("retention: anonymised=%d deleted=%d audit_deleted=%d\n",
                    done->retention.anonymised, done->retention.deleted,
                    done->retention.audit_deleted);
    }
  maybe_finish_shutdown (self);
}

/* A booking not checked in 15 minutes after its start becomes "released"; each release
 * gets a change-feed entry in the store. */
static gboolean
on_release_timer_cb (gpointer user_data)
{
  RbServer *self = user_data;

  if (!self->release_running && !self->shutting_down)
    {
      self->release_running = TRUE;
      rb_store_run_async (self->store, housekeeping_job, NULL, NULL, g_free, NULL,
                          housekeeping_done_cb, g_object_ref (self));
    }
  return G_SOURCE_CONTINUE;
}

static void
periodic_sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbServer) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = NULL;

  if (!rb_server_end_directory_sync (self, result, &report, &error))
    {
      g_printerr ("directory: the periodic sync failed: %s\n", error->message);
      return;
    }
  g_printerr ("directory: synced %" G_GINT64_FORMAT " people\n",
              json_object_get_int_member (json_node_get_object (report), "people"));
}

static gboolean
on_directory_timer_cb (gpointer user_data)
{
  RbServer *self = user_data;
  g_autoptr (GError) error = NULL;

  if (!self->shutting_down
      && !rb_server_begin_directory_sync (self, NULL, FALSE, periodic_sync_done_cb,
                                          g_object_ref (self), &error))
    {
      g_printerr ("directory: periodic sync skipped: %s\n", error->message);
      g_object_unref (self);
    }
  return G_SOURCE_CONTINUE;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_server_dispose (GObject *object)
{
  RbServer *self = RB_SERVER (object);

  g_clear_handle_id (&self->release_timer, g_source_remove);
  g_clear_handle_id (&self->directory_timer, g_source_remove);
  g_clear_handle_id (&self->shutdown_timeout, g_source_remove);
  g_clear_handle_id (&self->shutdown_check, g_source_remove);
  if (self->store != NULL)
    rb_store_set_feed_func (self->store, NULL, NULL);
  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (self->hub, self);
  g_clear_object (&self->hub);
  g_clear_object (&self->listener);
  if (self->soup != NULL)
    soup_server_disconnect (self->soup);
  g_clear_object (&self->soup);
  g_clear_object (&self->tls_certificate);

  G_OBJECT_CLASS (rb_server_parent_class)->dispose (object);
}

static void
rb_server_finalize (GObject *object)
{
  RbServer *self = RB_SERVER (object);

  g_clear_object (&self->login_guard);
  g_clear_object (&self->directory);
  g_clear_object (&self->store);
  g_clear_pointer (&self->trusted_proxies, g_ptr_array_unref);
  g_clear_pointer (&self->websocket_extensions, g_ptr_array_unref);
  g_free (self->openapi_path);

  G_OBJECT_CLASS (rb_server_parent_class)->finalize (object);
}

static void
rb_server_class_init (RbServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rb_server_dispose;
  object_class->finalize = rb_server_finalize;
}

static void
rb_server_init (RbServer *self)
{
  self->soup = soup_server_new ("server-header", "raumbuch-server/" PACKAGE_VERSION " ", NULL);
  self->trusted_proxies = g_ptr_array_new_with_free_func (g_object_unref);
  self->release_interval = RELEASE_INTERVAL_SECONDS;
  self->max_connections = RB_LISTENER_MAX_CONNECTIONS;
  self->request_timeout = RB_LISTENER_REQUEST_TIMEOUT;
  self->idle_timeout = RB_LISTENER_IDLE_TIMEOUT;
  self->hub = rb_change_hub_new ();
  g_signal_connect (self->hub, "notify::n-streams", G_CALLBACK (on_n_streams_changed_cb), self);
  self->websocket_extensions = g_ptr_array_new_with_free_func (g_type_class_unref);
  g_ptr_array_add (self->websocket_extensions,
                   g_type_class_ref (SOUP_TYPE_WEBSOCKET_EXTENSION_DEFLATE));

  soup_server_add_early_handler (self->soup, NULL, early_handler_cb, self, NULL);
  soup_server_add_handler (self->soup, NULL, server_handler_cb, self, NULL);
  soup_server_add_early_handler (self->soup, STREAM_PATH, stream_early_cb, self, NULL);
  soup_server_add_handler (self->soup, STREAM_PATH, stream_handler_cb, self, NULL);
  soup_server_add_websocket_handler (self->soup, STREAM_PATH, NULL, NULL, stream_connected_cb, self,
                                     NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), self);
  g_signal_connect (self->soup, "request-finished", G_CALLBACK (on_request_finished_cb), self);
  g_signal_connect (self->soup, "request-aborted", G_CALLBACK (on_request_aborted_cb), self);
}

/* ---- public API ---------------------------------------------------------------------------- */

RbServer *
rb_server_new (RbStore *store)
{
  RbServer *self = g_object_new (RB_TYPE_SERVER, NULL);

  self->store = g_object_ref (store);
  self->login_guard = rb_login_guard_new (store);
  rb_store_set_feed_func (store, on_feed_advanced_cb, self);
  return self;
}

RbLoginGuard *
rb_server_get_login_guard (RbServer *self)
{
  return self->login_guard;
}

/* A reverse proxy (nginx, README) whose X-Forwarded-For is believed: behind it every request
 * comes from the proxy's address, and the sign-in limits count per client. */
gboolean
rb_server_add_trusted_proxy (RbServer *self, const char *address, GError **error)
{
  GInetAddress *inet = g_inet_address_new_from_string (address);

  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", address);
      return FALSE;
    }
  g_ptr_array_add (self->trusted_proxies, inet);
  return TRUE;
}

gboolean
rb_server_is_trusted_proxy (RbServer *self, GInetAddress *address)
{
  for (guint i = 0; address != NULL && i < self->trusted_proxies->len; i++)
    if (g_inet_address_equal (g_ptr_array_index (self->trusted_proxies, i), address))
      return TRUE;
  return FALSE;
}

RbStore *
rb_server_get_store (RbServer *self)
{
  return self->store;
}

RbChangeHub *
rb_server_get_change_hub (RbServer *self)
{
  return self->hub;
}

/* How often no-shows are released (default every minute); for tests and demos that cannot
 * wait that long. Takes effect at rb_server_listen. */
void
rb_server_set_release_interval (RbServer *self, guint seconds)
{
  self->release_interval = MAX (seconds, 1);
}

/* How many of the latest change sequence numbers a feed cursor may lag behind before it
 * gets 410 (0: any cursor is served). */
void
rb_server_set_feed_retention (RbServer *self, gint64 retention)
{
  self->feed_retention = MAX (retention, 0);
}

gint64
rb_server_get_feed_retention (RbServer *self)
{
  return self->feed_retention;
}

void
rb_server_set_openapi_path (RbServer *self, const char *path)
{
  g_free (self->openapi_path);
  self->openapi_path = g_strdup (path);
}

const char *
rb_server_get_openapi_path (RbServer *self)
{
  return self->openapi_path;
}

gboolean
rb_server_set_tls_files (RbServer *self, const char *cert_file, const char *key_file,
                         GError **error)
{
  g_autoptr (GTlsCertificate) certificate = g_tls_certificate_new_from_files (cert_file,
                                                                                key_file, error);

  if (certificate == NULL)
    return FALSE;
  g_set_object (&self->tls_certificate, certificate);
  return TRUE;
}

/* How many connections the server keeps at once, and how long a request (headers and
 * body, or an answer that is not read) and an idle keep-alive connection may take, in
 * seconds (rb-listener.c). Takes effect at rb_server_listen. */
void
rb_server_set_connection_limits (RbServer *self, guint max_connections, guint request_timeout,
                                 guint idle_timeout)
{
  self->max_connections = max_connections;
  self->request_timeout = request_timeout;
  self->idle_timeout = idle_timeout;
}

/* Listens on HOST:PORT (an IP address or "localhost"; port 0 lets the kernel choose), then
 * starts the auto-release timer with a first run right away. */
gboolean
rb_server_listen (RbServer *self, const char *host_port, GError **error)
{
  g_autoptr (GSocketConnectable) connectable = NULL;
  g_autoptr (GInetAddress) address = NULL;
  g_autoptr (GSocketAddress) socket_address = NULL;
  g_autoptr (GSocket) listener = NULL;
  const char *host;
  guint16 port;

  if (!(connectable = g_network_address_parse (host_port, 8080, error)))
    return FALSE;
  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  if (g_ascii_strcasecmp (host, "localhost") == 0)
    address = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  else
    address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "“%s” is not an IP address to listen on", host);
      return FALSE;
    }
  socket_address = g_inet_socket_address_new (address, port);
  /* Our own listening socket: soup_server_listen() keeps GLib's backlog of 10, and when many
   * kiosks and desktops connect at once the kernel drops the rest, which retry after a
   * second (measured: 35 of 64 simultaneous clients waited 0.5–2 s). */
  listener = g_socket_new (g_socket_address_get_family (socket_address), G_SOCKET_TYPE_STREAM,
                           G_SOCKET_PROTOCOL_TCP, error);
  if (listener == NULL)
    return FALSE;
  g_socket_set_listen_backlog (listener, SOMAXCONN);
  if (!g_socket_bind (listener, socket_address, TRUE, error)
      || !g_socket_listen (listener, error)
      || !(self->listener = rb_listener_new (self->soup, listener, self->tls_certificate, error)))
    return FALSE;
  rb_listener_set_limits (self->listener, self->max_connections, self->request_timeout,
                          self->idle_timeout);

  on_release_timer_cb (self);
  self->release_timer = g_timeout_add_seconds (self->release_interval, on_release_timer_cb, self);
  if (self->directory != NULL && rb_directory_get_sync_interval (self->directory) > 0)
    self->directory_timer = g_timeout_add_seconds (
        rb_directory_get_sync_interval (self->directory), on_directory_timer_cb, self);
  return TRUE;
}

/* "http://127.0.0.1:PORT/" of the listening socket. */
char *
rb_server_dup_uri (RbServer *self)
{
  return self->listener != NULL ? rb_listener_dup_uri (self->listener) : NULL;
}

static void
finish_shutdown (RbServer *self)
{
  g_autoptr (GTask) task = g_steal_pointer (&self->shutdown_task);

  g_clear_handle_id (&self->shutdown_timeout, g_source_remove);
  if (self->listener != NULL)
    rb_listener_close (self->listener);
  soup_server_disconnect (self->soup);
  g_task_return_boolean (task, TRUE);
}

static void
maybe_finish_shutdown (RbServer *self)
{
  if (self->shutdown_task != NULL && self->in_flight == 0 && !self->release_running
      && rb_change_hub_get_n_streams (self->hub) == 0)
    finish_shutdown (self);
}

static gboolean
on_shutdown_timeout_cb (gpointer user_data)
{
  RbServer *self = user_data;

  self->shutdown_timeout = 0;
  g_printerr ("shutdown: %u requests did not finish in time\n", self->in_flight);
  if (self->shutdown_task != NULL)
    finish_shutdown (self);
  return G_SOURCE_REMOVE;
}

/* Stops taking new requests (they get 503), lets the ones in flight finish (long-polls
 * answer at once, WebSockets are closed with 1001 "going away"), then closes every
 * connection. */
void
rb_server_shutdown_async (RbServer *self, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);

  g_task_set_source_tag (task, rb_server_shutdown_async);
  if (self->shutdown_task != NULL)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }
  self->shutting_down = TRUE;
  self->shutdown_task = task;
  g_clear_handle_id (&self->release_timer, g_source_remove);
  g_clear_handle_id (&self->directory_timer, g_source_remove);
  rb_change_hub_close (self->hub);
  self->shutdown_timeout = g_timeout_add_seconds (SHUTDOWN_GRACE_SECONDS,
                                                  on_shutdown_timeout_cb, self);
  maybe_finish_shutdown (self);
}

gboolean
rb_server_shutdown_finish (RbServer *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* The directory that desktop sign-in and the people's sync use (issue 14); before listening. */
void
rb_server_set_directory (RbServer *self, RbDirectory *directory)
{
  g_return_if_fail (RB_IS_SERVER (self));
  g_set_object (&self->directory, directory);
}

RbDirectory *
rb_server_get_directory (RbServer *self)
{
  g_return_val_if_fail (RB_IS_SERVER (self), NULL);
  return self->directory;
}

/* Starts a sync of the people from the directory, unless one runs already (RB_ERROR_BUSY)
 * or there is no directory (RB_ERROR_NO_DIRECTORY). End it with
 * rb_server_end_directory_sync in the callback. */
gboolean
rb_server_begin_directory_sync (RbServer *self, const char *actor_id, gboolean dry_run,
                                GAsyncReadyCallback callback, gpointer user_data,
                                GError **error)
{
  g_return_val_if_fail (RB_IS_SERVER (self), FALSE);

  if (self->directory == NULL)
    {
      rb_set_error (error, RB_ERROR_NO_DIRECTORY, NULL);
      return FALSE;
    }
  if (self->directory_syncing)
    {
      rb_set_error (error, RB_ERROR_BUSY, "%s", _("A directory sync is running already."));
      return FALSE;
    }
  self->directory_syncing = TRUE;
  rb_directory_sync_async (self->directory, self->store, actor_id, dry_run, NULL, callback,
                           user_data);
  return TRUE;
}

gboolean
rb_server_end_directory_sync (RbServer *self, GAsyncResult *result, JsonNode **out_report,
                              GError **error)
{
  g_return_val_if_fail (RB_IS_SERVER (self), FALSE);

  self->directory_syncing = FALSE;
  *out_report = rb_directory_sync_finish (self->directory, result, error);
  return *out_report != NULL;
}
