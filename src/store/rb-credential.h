/* rb-credential.h: who booked, offline (DESIGN.md "Sync (client side)"). A kiosk that cannot
 * reach the server seals the staff number and PIN to the server's public key
 * (libsodium crypto_box_seal) and queues the sealed credential with the booking; only the
 * server, which keeps its keypair in its database, can open it and check the PIN. A kiosk
 * never stores a PIN or a PIN hash. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

#define RB_CREDENTIAL_KEY_BYTES 32
/* A sealed {"staff_number","pin"} is far smaller; anything longer is refused unopened. */
#define RB_CREDENTIAL_MAX_SEALED_BYTES 512

gboolean rb_credential_decode_key (const char *base64, guint8 key[RB_CREDENTIAL_KEY_BYTES],
                                   GError **error);
char *rb_credential_encode_key (const guint8 key[RB_CREDENTIAL_KEY_BYTES]);

GBytes *rb_credential_seal (const char *public_key_base64, const char *staff_number,
                            const char *pin, GError **error);
gboolean rb_credential_open (const guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                             const guint8 secret_key[RB_CREDENTIAL_KEY_BYTES],
                             const guint8 *sealed, gsize sealed_length, char **out_staff_number,
                             char **out_pin, GError **error);

gboolean rb_credential_get_server_keys_sync (RbStore *store,
                                             guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                                             guint8 secret_key[RB_CREDENTIAL_KEY_BYTES],
                                             GError **error);

G_END_DECLS
