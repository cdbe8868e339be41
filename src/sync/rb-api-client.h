/* rb-api-client.h: the REST API v1 of raumbuch-server (DESIGN.md) over libsoup 3. Answers
 * in application/problem+json become RB_ERROR errors with the code the server named and
 * the message in this client's language; failures to reach the server are G_IO_ERROR. */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "rb-core.h"

G_BEGIN_DECLS

#define RB_API_CLIENT_ERROR (rb_api_client_error_quark ())

/* What is not a rule violation: the feed cursor is too old, the server failed, or the answer
 * was not what the API promises. */
typedef enum
{
  RB_API_CLIENT_ERROR_GONE,
  RB_API_CLIENT_ERROR_SERVER,
  RB_API_CLIENT_ERROR_HTTP,
  RB_API_CLIENT_ERROR_INVALID_RESPONSE,
} RbApiClientError;

GQuark rb_api_client_error_quark (void);

#define RB_TYPE_API_CLIENT (rb_api_client_get_type ())
G_DECLARE_FINAL_TYPE (RbApiClient, rb_api_client, RB, API_CLIENT, GObject)

/* The I/O timeout of one request and how many connections to the server at most. */
#define RB_API_CLIENT_TIMEOUT_SECONDS 10
#define RB_API_CLIENT_MAX_CONNS_PER_HOST 4

RbApiClient *rb_api_client_new (const char *base_url);

const char *rb_api_client_get_base_url (RbApiClient *self);
void rb_api_client_set_base_url (RbApiClient *self, const char *base_url);
const char *rb_api_client_get_token (RbApiClient *self);
void rb_api_client_set_token (RbApiClient *self, const char *token);
void rb_api_client_set_time_zone (RbApiClient *self, GTimeZone *tz);
const char *rb_api_client_get_device_token (RbApiClient *self);
void rb_api_client_set_device_token (RbApiClient *self, const char *device_token);

void rb_api_client_request_async (RbApiClient *self, const char *method, const char *path,
                                  const char *json_body, const char *idempotency_key,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
void rb_api_client_request_as_async (RbApiClient *self, const char *method, const char *path,
                                     const char *json_body, const char *idempotency_key,
                                     const char *session_token, GBytes *sealed_credential,
                                     GCancellable *cancellable, GAsyncReadyCallback callback,
                                     gpointer user_data);
void rb_api_client_request_if_match_async (RbApiClient *self, const char *method,
                                           const char *path, const char *json_body,
                                           gint64 version, GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void rb_api_client_request_raw_async (RbApiClient *self, const char *method, const char *path,
                                      const char *content_type, GBytes *body,
                                      GCancellable *cancellable, GAsyncReadyCallback callback,
                                      gpointer user_data);
JsonNode *rb_api_client_request_finish (RbApiClient *self, GAsyncResult *result,
                                        guint *out_status, GError **error);
void rb_api_client_request_bytes_async (RbApiClient *self, const char *method, const char *path,
                                        const char *content_type, GBytes *body,
                                        const char *if_none_match, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GBytes *rb_api_client_request_bytes_finish (RbApiClient *self, GAsyncResult *result,
                                            guint *out_status, char **out_content_type,
                                            char **out_etag, GError **error);

JsonNode *rb_api_client_request_get_problem (RbApiClient *self, GAsyncResult *result);
SoupMessage *rb_api_client_new_message (RbApiClient *self, const char *method, const char *path,
                                        GError **error);

void rb_api_client_login_async (RbApiClient *self, const char *staff_number, const char *pin,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
RbPerson *rb_api_client_login_finish (RbApiClient *self, GAsyncResult *result, GError **error);

void rb_api_client_login_directory_async (RbApiClient *self, const char *username,
                                          const char *password, gboolean keep,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_api_client_open_session_async (RbApiClient *self, const char *staff_number,
                                       const char *pin, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
void rb_api_client_open_badge_session_async (RbApiClient *self, const char *uid,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
RbPerson *rb_api_client_open_session_finish (RbApiClient *self, GAsyncResult *result,
                                             char **out_token, GError **error);

GPtrArray *rb_api_client_parse_bookings (JsonNode *root, const char *member, GError **error);

/* How many bookings one page of GET /bookings asks for. */
#define RB_API_CLIENT_BOOKINGS_PAGE 500

void rb_api_client_set_page_size (RbApiClient *self, guint page_size);
void rb_api_client_list_bookings_async (RbApiClient *self, const char *path,
                                        const char *session_token, GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rb_api_client_list_bookings_finish (RbApiClient *self, GAsyncResult *result,
                                               GError **error);

gboolean rb_api_client_error_is_transient (const GError *error);

G_END_DECLS
