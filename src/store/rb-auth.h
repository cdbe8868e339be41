/* rb-auth.h: who may use the store through the server: PIN hashes, sessions, kiosk devices and
 * the lockout after wrong PINs. PINs and tokens are never stored, only their hashes. The slow
 * PIN functions (rb_auth_hash_pin, rb_auth_verify_pin) are thread-safe and belong on a thread
 * of their own, never on a main context or the store's thread; the *_sync functions run on
 * the store's thread like the rest of the store. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

/* Five wrong PINs in a row lock a staff number for five minutes (issue 3). */
#define RB_AUTH_MAX_FAILURES 5
#define RB_AUTH_LOCK_SECONDS (5 * 60)
#define RB_AUTH_SESSION_SECONDS (12 * 60 * 60)
/* A kiosk session only has to outlive one booking at the touch screen. */
#define RB_AUTH_KIOSK_SESSION_SECONDS (15 * 60)

gboolean rb_auth_init (GError **error);
char *rb_auth_hash_pin (const char *pin, GError **error);
gboolean rb_auth_verify_pin (const char *pin_hash, const char *pin);
char *rb_auth_new_token (void);
char *rb_auth_hash_token (const char *token);
char *rb_auth_new_one_time_pin (const char *staff_number);

gboolean rb_auth_set_pin_hash_sync (RbStore *store, const char *person_id, const char *pin_hash,
                                    GError **error);
int rb_auth_set_missing_pins_sync (RbStore *store, JsonNode *building, GError **error);
gboolean rb_auth_list_missing_pins_sync (RbStore *store, JsonNode *building, GPtrArray **out_ids,
                                         GPtrArray **out_pins, GError **error);
GPtrArray *rb_auth_hash_pins (GPtrArray *pins, guint max_threads, GError **error);
gboolean rb_auth_set_pin_hashes_sync (RbStore *store, GPtrArray *ids, GPtrArray *hashes,
                                      GError **error);

gboolean rb_auth_check_lock_sync (RbStore *store, const char *staff_number, int *out_failures,
                                  GError **error);
char *rb_auth_get_pin_hash_sync (RbStore *store, const char *staff_number,
                                 RbPerson **out_person, GError **error);
gboolean rb_auth_record_failure_sync (RbStore *store, const char *staff_number,
                                      gint64 *out_locked_until, GError **error);
gboolean rb_auth_reset_failures_sync (RbStore *store, const char *staff_number, GError **error);
char *rb_auth_create_session_sync (RbStore *store, RbPerson *person, const char *device_id,
                                   gint64 lifetime, gint64 *out_expires_at, GError **error);
RbPerson *rb_auth_lookup_session_sync (RbStore *store, const char *token, char **out_device_id,
                                       GError **error);
gboolean rb_auth_delete_session_sync (RbStore *store, const char *token, GError **error);
int rb_auth_purge_sessions_sync (RbStore *store, GError **error);

char *rb_auth_add_device_sync (RbStore *store, const char *name, char **out_device_id,
                               GError **error);
char *rb_auth_lookup_device_sync (RbStore *store, const char *token, GError **error);
gboolean rb_auth_set_device_space_sync (RbStore *store, const char *device_id,
                                        const char *space_id, GError **error);
char *rb_auth_get_device_space_sync (RbStore *store, const char *device_id, GError **error);

G_END_DECLS
