/* rb-login-guard.h: who may try a PIN at the server, and when (issue 10). Every PIN the
 * server checks (POST /sessions and a kiosk's sealed credential) passes here: the guard
 * counts wrong PINs per client, per staff number at a client and per staff number anywhere,
 * refuses at once what those counts forbid, and runs the Argon2id checks on its own small,
 * bounded pool of threads. README "Sign-in limits" states the rules for administrators.
 *
 * A client is a kiosk (its device id) or else the address the request came from (an IPv6
 * address by its /64 network); rb_request_get_client_key makes the key.
 *
 * All counting happens on the main context, and a check counts from the moment it is let
 * in until its outcome is recorded, so parallel guesses can never outrun a limit. The counts
 * live in memory: a restart forgets them, which an attacker cannot cause. */
#pragma once

#include "rb-auth.h"

G_BEGIN_DECLS

/* Five wrong PINs in a row for one staff number from one client lock that staff number at
 * that client for five minutes (the lock of issue 3, now per client). */
#define RB_LOGIN_MAX_FAILURES_AT_CLIENT RB_AUTH_MAX_FAILURES
#define RB_LOGIN_CLIENT_LOCK_SECONDS RB_AUTH_LOCK_SECONDS
/* Twenty in a row from anywhere lock the staff number everywhere: a first lock for 15
 * minutes, each further one twice as long, at most a day, until a right PIN or an
 * administrator's unlock. It takes at least four clients to get there. */
#define RB_LOGIN_MAX_FAILURES_ANYWHERE 20
#define RB_LOGIN_LOCK_SECONDS (15 * 60)
#define RB_LOGIN_MAX_LOCK_SECONDS (24 * 60 * 60)
/* A client may have ten wrong PINs (a kiosk, used by many, thirty) in fifteen minutes,
 * whatever the staff numbers; then it waits a minute, doubled for each further time, at
 * most an hour, forgotten after an hour without a wrong PIN. */
#define RB_LOGIN_CLIENT_BUDGET 10
#define RB_LOGIN_DEVICE_BUDGET 30
#define RB_LOGIN_BUDGET_SECONDS (15 * 60)
#define RB_LOGIN_FIRST_BACKOFF_SECONDS 60
#define RB_LOGIN_MAX_BACKOFF_SECONDS (60 * 60)
/* A client without wrong PINs may have sixteen checks at once (people signing in together
 * behind one address); one with wrong PINs only as many as its budget has left. */
#define RB_LOGIN_MAX_BURST 16
/* The threads take waiting checks fairly, a client's first before anyone's second, so a
 * flood from one client does not delay the others; at most 64 wait in all (the server's
 * --max-waiting-logins). A known client (a kiosk, or an address with a right PIN in the last
 * 12 hours) has a quarter as many places again and goes first among the first checks, so a
 * flood from many addresses cannot shut out the building's own PCs and kiosks. */
#define RB_LOGIN_MAX_WAITING 64
#define RB_LOGIN_KNOWN_CLIENT_SECONDS (12 * 60 * 60)
#define RB_LOGIN_KDF_THREADS 2
/* Directory binds (issue 14) wait on the network, not on the CPU, and a directory that does
 * not answer holds a thread until its timeout: they have threads of their own, so that they
 * never hold up the PIN checks of kiosks. */
#define RB_LOGIN_DIRECTORY_THREADS 4
/* Beyond this many remembered clients or staff numbers, new ones are refused as busy. */
#define RB_LOGIN_MAX_RECORDS 100000

/* Badges (issue 12) have their own budget per device, apart from wrong PINs, so that a site
 * whose badges type staff numbers (unknown as badges, every time) does not use up its
 * kiosks' budget for PINs: thirty unknown badges in fifteen minutes, then the same backoff. */
#define RB_LOGIN_BADGE_BUDGET RB_LOGIN_DEVICE_BUDGET

#define RB_TYPE_LOGIN_GUARD (rb_login_guard_get_type ())
G_DECLARE_FINAL_TYPE (RbLoginGuard, rb_login_guard, RB, LOGIN_GUARD, GObject)

typedef struct _RbLoginAttempt RbLoginAttempt;

RbLoginGuard *rb_login_guard_new (RbStore *store);
void rb_login_guard_set_max_waiting (RbLoginGuard *self, guint max_waiting);

RbLoginAttempt *rb_login_guard_begin (RbLoginGuard *self, const char *client_key,
                                      gboolean is_device, const char *staff_number,
                                      gint64 *out_retry_after, GError **error);
void rb_login_guard_check_pin_async (RbLoginGuard *self, RbLoginAttempt *attempt,
                                     const char *pin_hash, const char *pin,
                                     GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_login_guard_check_pin_finish (RbLoginGuard *self, GAsyncResult *result,
                                          gint64 *out_retry_after, GError **error);

/* A password check against the directory: runs on the guard's directory threads, returns
 * TRUE for a right password, else sets an error (RB_ERROR_WRONG_PASSWORD counts like a wrong
 * PIN; any other error, such as an unreachable directory, counts nothing). */
typedef gboolean (*RbLoginCheckFunc) (gpointer data, GError **error);

void rb_login_guard_check_directory_async (RbLoginGuard *self, RbLoginAttempt *attempt,
                                           RbLoginCheckFunc check, gpointer check_data,
                                           GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_login_guard_check_directory_finish (RbLoginGuard *self, GAsyncResult *result,
                                                gint64 *out_retry_after, GError **error);

gboolean rb_login_guard_begin_badge (RbLoginGuard *self, const char *client_key,
                                     gint64 *out_retry_after, GError **error);
gboolean rb_login_guard_end_badge (RbLoginGuard *self, const char *client_key, gboolean unknown,
                                   gint64 *out_retry_after, GError **error);
gboolean rb_login_guard_check_lock (RbLoginGuard *self, const char *client_key,
                                    const char *staff_number, gint64 *out_retry_after,
                                    GError **error);

JsonNode *rb_login_guard_list_locks (RbLoginGuard *self);
gboolean rb_login_guard_unlock (RbLoginGuard *self, const char *staff_number);
void rb_login_guard_forget_stale (RbLoginGuard *self);

G_END_DECLS
