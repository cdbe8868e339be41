/* rb-credential.h: who booked, offline (DESIGN.md "Sync (client side)"). A kiosk that cannot
 * reach the server seals the staff number and PIN to the server's public key
 * (libsodium crypto_box_seal) and queues the sealed credential with the booking; only the
 * server, which keeps its keypair in its database, can open it and check the PIN. A kiosk
 * never stores a PIN or a PIN hash.
 *
 * A credential serves one booking and only for a while (issue 10): sealed with it is the
 * public half of a signing key made for that identity alone and the time of sealing; the
 * kiosk signs the booking with the secret half before it queues it, and then forgets the
 * key with the identity. Whoever copies a queued credential can replay it only for the very
 * same booking, which the booking's id makes idempotent. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

#define RB_CREDENTIAL_KEY_BYTES 32
/* A signature and a sealed {"staff_number","pin","key","sealed_at"} (or a badge's
 * {"badge","key","sealed_at"}, issue 12) are far smaller;
 * anything longer is refused unopened. */
#define RB_CREDENTIAL_MAX_BYTES 640
/* A kiosk offline for longer than a week has its bookings refused when it comes back; its
 * clock may be ahead of the server's by ten minutes. */
#define RB_CREDENTIAL_MAX_AGE (7 * 24 * 60 * 60)
#define RB_CREDENTIAL_CLOCK_ERROR (10 * 60)

gboolean rb_credential_decode_key (const char *base64, guint8 key[RB_CREDENTIAL_KEY_BYTES],
                                   GError **error);
char *rb_credential_encode_key (const guint8 key[RB_CREDENTIAL_KEY_BYTES]);

GBytes *rb_credential_seal (const char *public_key_base64, const char *staff_number,
                            const char *pin, gint64 now, GBytes **out_signing_key,
                            GError **error);
GBytes *rb_credential_seal_badge (const char *public_key_base64, const char *uid, gint64 now,
                                  GBytes **out_signing_key, GError **error);
GBytes *rb_credential_bind (GBytes *sealed, GBytes *signing_key, RbBooking *booking);
gboolean rb_credential_open (const guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                             const guint8 secret_key[RB_CREDENTIAL_KEY_BYTES],
                             const guint8 *bound, gsize bound_length, RbBooking *booking,
                             gint64 now, char **out_staff_number, char **out_pin,
                             GError **error);

gboolean rb_credential_open_any (const guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                                 const guint8 secret_key[RB_CREDENTIAL_KEY_BYTES],
                                 const guint8 *bound, gsize bound_length, RbBooking *booking,
                                 gint64 now, char **out_staff_number, char **out_pin,
                                 char **out_badge, GError **error);

gboolean rb_credential_get_server_keys_sync (RbStore *store,
                                             guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                                             guint8 secret_key[RB_CREDENTIAL_KEY_BYTES],
                                             GError **error);

G_END_DECLS
