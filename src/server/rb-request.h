/* rb-request.h: one API request on its way through the server: what was asked, who asks, and
 * the answer. Handlers parse and validate on the main context, then run their database work
 * on the store's thread with rb_request_run; the answer is written back on the main context. */
#pragma once

#include <libsoup/soup.h>

#include "rb-server.h"

G_BEGIN_DECLS

/* Whether a role may use a route (e.g. rb_role_is_admin). */
typedef gboolean (*RbRoleCheck) (RbRole role);

typedef enum
{
  RB_AUTH_NONE,    /* anyone */
  RB_AUTH_ANY,     /* a person's session or a kiosk's device token */
  RB_AUTH_SESSION, /* a person's session */
} RbAuthLevel;

#define RB_TYPE_REQUEST (rb_request_get_type ())
G_DECLARE_FINAL_TYPE (RbRequest, rb_request, RB, REQUEST, GObject)

/* Runs on the store's thread; sets the answer with rb_request_set_* or fails. */
typedef gboolean (*RbRequestJob) (RbRequest *self, RbStore *store, GError **error);
/* Runs on the main context after a job succeeded; must end in another rb_request_run,
 * rb_request_respond or rb_request_fail. */
typedef void (*RbRequestNext) (RbRequest *self);

RbRequest *rb_request_new (RbServer *server, SoupServerMessage *msg, RbAuthLevel auth,
                           const char *path_id);

void rb_request_set_role_check (RbRequest *self, RbRoleCheck check);

RbServer *rb_request_get_server (RbRequest *self);
SoupServerMessage *rb_request_get_message (RbRequest *self);
const char *rb_request_get_path_id (RbRequest *self);
const char *rb_request_get_query (RbRequest *self, const char *name);
const char *rb_request_get_header (RbRequest *self, const char *name);
gboolean rb_request_get_time_query (RbRequest *self, const char *name, gint64 *out_instant,
                                    gboolean *out_present, GError **error);
gboolean rb_request_get_int_query (RbRequest *self, const char *name, gint64 min, gint64 max,
                                   gint64 *out_value, GError **error);
JsonObject *rb_request_parse_body (RbRequest *self, const char *const *members, GError **error);
JsonNode *rb_request_parse_json (RbRequest *self, GError **error);
const char *rb_request_get_bearer (RbRequest *self);

RbPerson *rb_request_get_person (RbRequest *self);
void rb_request_set_person (RbRequest *self, RbPerson *person);
const char *rb_request_get_device_id (RbRequest *self);
const char *rb_request_get_device_space_id (RbRequest *self);
char *rb_request_dup_client_key (RbRequest *self, const char *device_id);
gboolean rb_request_get_show_names (RbRequest *self);
JsonNode *rb_request_booking_to_json (RbRequest *self, RbBooking *booking);

void rb_request_set_data (RbRequest *self, gpointer data, GDestroyNotify data_free);
gpointer rb_request_get_data (RbRequest *self);

void rb_request_set_status (RbRequest *self, guint status);
void rb_request_take_body (RbRequest *self, JsonNode *body);
void rb_request_set_etag (RbRequest *self, gint64 version);
void rb_request_set_location (RbRequest *self, const char *location);
void rb_request_set_retry_after (RbRequest *self, gint64 seconds);
void rb_request_take_problem_member (RbRequest *self, const char *name, JsonNode *value);

void rb_request_take_raw_body (RbRequest *self, const char *content_type, char *data,
                               gsize length);

void rb_request_pause (RbRequest *self);
void rb_request_run (RbRequest *self, RbRequestJob job, RbRequestNext next);
void rb_request_respond (RbRequest *self);
void rb_request_release (RbRequest *self);
void rb_request_fail (RbRequest *self, const GError *error);
void rb_request_fail_with (RbRequest *self, guint status, RbErrorCode code, const char *detail);

JsonNode *rb_request_items (GPtrArray *nodes);

G_END_DECLS
