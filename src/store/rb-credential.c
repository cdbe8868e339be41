/* rb-credential.c: sealing a kiosk's credential to the server, and the server's keypair
 * (see rb-credential.h).
 *
 * The keypair is made once, on first use, and kept in the server_keys table of the server's
 * own database. The secret key sits next to the PIN hashes and session hashes it protects
 * nothing more than: whoever can read that file can already test PINs offline, so a separate
 * key file would add an operational burden (backups, permissions) without adding safety. A
 * restored or replaced database gets a new keypair; kiosks then need registering again, and
 * credentials sealed to the old key are refused (the bookings come back rejected). */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-credential.h"
#include "rb-store-private.h"

gboolean
rb_credential_decode_key (const char *base64, guint8 key[RB_CREDENTIAL_KEY_BYTES],
                          GError **error)
{
  g_autofree guint8 *decoded = NULL;
  gsize length = 0;

  if (base64 != NULL && *base64 != '\0' && strlen (base64) < 64)
    decoded = g_base64_decode (base64, &length);
  if (decoded == NULL || length != RB_CREDENTIAL_KEY_BYTES)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(server public key)");
      return FALSE;
    }
  memcpy (key, decoded, RB_CREDENTIAL_KEY_BYTES);
  return TRUE;
}

char *
rb_credential_encode_key (const guint8 key[RB_CREDENTIAL_KEY_BYTES])
{
  return g_base64_encode (key, RB_CREDENTIAL_KEY_BYTES);
}

static void
free_secret (gpointer data)
{
  sodium_memzero (data, crypto_sign_SECRETKEYBYTES);
  g_free (data);
}

/* {"staff_number", "pin", "key", "sealed_at"} (or {"badge", "key", "sealed_at"}) sealed to
 * the server's key: anonymous (crypto_box_seal uses a fresh ephemeral keypair each time), so
 * two seals of the same PIN never look alike. "key" is the public half of a signing keypair
 * made for this identity alone; its secret half (out_signing_key, wiped when freed) signs the
 * booking that the credential goes with (rb_credential_bind), so the credential serves no
 * other booking. */
static GBytes *
seal (const char *public_key_base64, JsonObject *o, gint64 now, GBytes **out_signing_key,
      GError **error)
{
  guint8 public_key[RB_CREDENTIAL_KEY_BYTES];
  guint8 signing_public[crypto_sign_PUBLICKEYBYTES];
  guint8 *signing_secret;
  g_autofree char *signing_public_text = NULL;
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *plain = NULL;
  gsize plain_length;
  guint8 *sealed;

  json_node_take_object (node, o);
  if (!rb_auth_init (error) || !rb_credential_decode_key (public_key_base64, public_key, error))
    return NULL;
  signing_secret = g_malloc (crypto_sign_SECRETKEYBYTES);
  crypto_sign_keypair (signing_public, signing_secret);
  signing_public_text = g_base64_encode (signing_public, sizeof signing_public);
  json_object_set_string_member (o, "key", signing_public_text);
  json_object_set_int_member (o, "sealed_at", now);
  plain = rb_json_to_string (node, FALSE);
  plain_length = strlen (plain);
  sealed = g_malloc (plain_length + crypto_box_SEALBYTES);
  crypto_box_seal (sealed, (const guint8 *) plain, plain_length, public_key);
  /* The PIN in clear lived only in this buffer and the JSON node, both gone at return. */
  sodium_memzero (plain, plain_length);
  *out_signing_key = g_bytes_new_with_free_func (signing_secret, crypto_sign_SECRETKEYBYTES,
                                                 free_secret, signing_secret);
  return g_bytes_new_take (sealed, plain_length + crypto_box_SEALBYTES);
}

GBytes *
rb_credential_seal (const char *public_key_base64, const char *staff_number, const char *pin,
                    gint64 now, GBytes **out_signing_key, GError **error)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "staff_number", staff_number);
  json_object_set_string_member (o, "pin", pin);
  return seal (public_key_base64, o, now, out_signing_key, error);
}

/* The same for a badge that the server identified (issue 12): its UID as the reader typed
 * it, so that a booking queued after the kiosk lost the server can still say whose it is. */
GBytes *
rb_credential_seal_badge (const char *public_key_base64, const char *uid, gint64 now,
                          GBytes **out_signing_key, GError **error)
{
  JsonObject *o = json_object_new ();

  json_object_set_string_member (o, "badge", uid);
  return seal (public_key_base64, o, now, out_signing_key, error);
}

/* What the signature of a bound credential covers: everything a booking request says. */
static char *
booking_message (RbBooking *booking)
{
  const char *title = rb_booking_get_title (booking);

  return g_strdup_printf ("raumbuch-booking-v1\n%s\n%s\n%" G_GINT64_FORMAT "\n%" G_GINT64_FORMAT
                          "\n%d\n%s",
                          rb_booking_get_id (booking), rb_booking_get_space_id (booking),
                          rb_booking_get_start (booking), rb_booking_get_end (booking),
                          rb_booking_get_attendees (booking), title != NULL ? title : "");
}

/* The credential as it goes with one booking (X-Sealed-Credential): the signature of the
 * booking with the identity's signing key, then the sealed credential. */
GBytes *
rb_credential_bind (GBytes *sealed, GBytes *signing_key, RbBooking *booking)
{
  g_autofree char *message = booking_message (booking);
  gsize sealed_length;
  const guint8 *sealed_data = g_bytes_get_data (sealed, &sealed_length);
  guint8 *bound;

  g_return_val_if_fail (g_bytes_get_size (signing_key) == crypto_sign_SECRETKEYBYTES, NULL);

  bound = g_malloc (crypto_sign_BYTES + sealed_length);
  crypto_sign_detached (bound, NULL, (const guint8 *) message, strlen (message),
                        g_bytes_get_data (signing_key, NULL));
  memcpy (bound + crypto_sign_BYTES, sealed_data, sealed_length);
  return g_bytes_new_take (bound, crypto_sign_BYTES + sealed_length);
}

/* Opens a bound credential (rb_credential_bind) with the server's keypair, for the booking
 * it came with, at the server's time now. Anything that does not open, does not hold the
 * members, was sealed more than RB_CREDENTIAL_MAX_AGE ago (or in the future beyond a
 * clock's error), or whose signature is not of this very booking, is
 * RB_ERROR_UNAUTHENTICATED: the credential is how the request authenticates, and it does
 * not (HTTP 401). Opened, the booking's created_at becomes the time it was sealed: when the
 * person booked at the kiosk, which a queue may have delivered much later
 * (rb_store_create_booking_sync). */
gboolean
rb_credential_open (const guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                    const guint8 secret_key[RB_CREDENTIAL_KEY_BYTES], const guint8 *bound,
                    gsize bound_length, RbBooking *booking, gint64 now,
                    char **out_staff_number, char **out_pin, GError **error)
{
  return rb_credential_open_any (public_key, secret_key, bound, bound_length, booking, now,
                                 out_staff_number, out_pin, NULL, error);
}

/* rb_credential_open for a staff number and PIN, or with out_badge for a badge's credential
 * too (rb_credential_seal_badge): then *out_badge is its UID and the other two are NULL. */
gboolean
rb_credential_open_any (const guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                        const guint8 secret_key[RB_CREDENTIAL_KEY_BYTES], const guint8 *bound,
                        gsize bound_length, RbBooking *booking, gint64 now,
                        char **out_staff_number, char **out_pin, char **out_badge,
                        GError **error)
{
  g_autofree char *plain = NULL;
  g_autofree char *message = NULL;
  g_autofree guint8 *signing_public = NULL;
  g_autoptr (JsonNode) root = NULL;
  const guint8 *sealed = bound + crypto_sign_BYTES;
  gsize sealed_length, plain_length, signing_public_length = 0;
  const char *staff_number = NULL, *pin = NULL, *badge = NULL, *signing_public_text;
  gint64 sealed_at = 0;
  JsonObject *o;
  gboolean valid;

  if (!rb_auth_init (error))
    return FALSE;
  if (bound_length <= crypto_sign_BYTES + crypto_box_SEALBYTES
      || bound_length > RB_CREDENTIAL_MAX_BYTES)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, "(X-Sealed-Credential)");
      return FALSE;
    }
  sealed_length = bound_length - crypto_sign_BYTES;
  plain_length = sealed_length - crypto_box_SEALBYTES;
  plain = g_malloc0 (plain_length + 1);
  message = booking_message (booking);
  valid = crypto_box_seal_open ((guint8 *) plain, sealed, sealed_length, public_key, secret_key)
              == 0
          && g_utf8_validate (plain, plain_length, NULL)
          && (root = rb_json_parse (plain, plain_length, NULL)) != NULL
          && JSON_NODE_HOLDS_OBJECT (root)
          && ((out_badge != NULL
               && (badge = rb_json_get_string ((o = json_node_get_object (root)), "badge",
                                               FALSE, NULL))
                      != NULL)
              || ((staff_number = rb_json_get_string ((o = json_node_get_object (root)),
                                                      "staff_number", TRUE, NULL))
                      != NULL
                  && (pin = rb_json_get_string (o, "pin", TRUE, NULL)) != NULL))
          && (signing_public_text = rb_json_get_string (o, "key", TRUE, NULL)) != NULL
          && rb_json_get_int (o, "sealed_at", TRUE, 0, G_MAXINT64, &sealed_at, NULL)
          && sealed_at >= now - RB_CREDENTIAL_MAX_AGE
          && sealed_at <= now + RB_CREDENTIAL_CLOCK_ERROR
          && strlen (signing_public_text) < 64
          && (signing_public = g_base64_decode (signing_public_text, &signing_public_length))
          && signing_public_length == crypto_sign_PUBLICKEYBYTES
          && crypto_sign_verify_detached (bound, (const guint8 *) message, strlen (message),
                                          signing_public)
                 == 0;
  if (!valid)
    {
      sodium_memzero (plain, plain_length);
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, "(X-Sealed-Credential)");
      return FALSE;
    }
  *out_staff_number = g_strdup (staff_number);
  *out_pin = g_strdup (pin);
  if (out_badge != NULL)
    *out_badge = g_strdup (badge);
  rb_booking_set_created_at (booking, MIN (sealed_at, now));
  sodium_memzero (plain, plain_length);
  return TRUE;
}

static gboolean
read_keys (RbStore *store, guint8 *public_key, guint8 *secret_key, gboolean *out_found,
           GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT public_key, secret_key FROM server_keys WHERE id = 1", error);
  int rc;

  *out_found = FALSE;
  if (stmt == NULL)
    return FALSE;
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    {
      if (rb_statement_column_bytes (stmt, 0) != RB_CREDENTIAL_KEY_BYTES
          || rb_statement_column_bytes (stmt, 1) != RB_CREDENTIAL_KEY_BYTES)
        {
          g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                               "The server's keypair in the database is damaged");
          return FALSE;
        }
      memcpy (public_key, rb_statement_column_blob (stmt, 0), RB_CREDENTIAL_KEY_BYTES);
      memcpy (secret_key, rb_statement_column_blob (stmt, 1), RB_CREDENTIAL_KEY_BYTES);
      *out_found = TRUE;
      return TRUE;
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "server keys");
      return FALSE;
    }
  return TRUE;
}

/* The server's keypair, made on first use. Runs on the store's thread. */
gboolean
rb_credential_get_server_keys_sync (RbStore *store, guint8 public_key[RB_CREDENTIAL_KEY_BYTES],
                                    guint8 secret_key[RB_CREDENTIAL_KEY_BYTES], GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) insert = NULL;
  gboolean found = FALSE;

  if (!rb_auth_init (error) || !read_keys (store, public_key, secret_key, &found, error))
    return FALSE;
  if (found)
    return TRUE;

  /* Read again inside the write transaction: two processes on one new file (the server and
   * an --add-device run) must agree on one keypair. */
  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!read_keys (store, public_key, secret_key, &found, error))
    goto fail;
  if (found)
    {
      rb_store_rollback_write (store);
      return TRUE;
    }
  crypto_box_keypair (public_key, secret_key);
  insert = rb_store_prepare (store,
                             "INSERT INTO server_keys (id, public_key, secret_key, created_at)"
                             " VALUES (1, ?, ?, ?)",
                             error);
  if (insert == NULL)
    goto fail;
  rb_statement_bind_blob (insert, 1, public_key, RB_CREDENTIAL_KEY_BYTES);
  rb_statement_bind_blob (insert, 2, secret_key, RB_CREDENTIAL_KEY_BYTES);
  rb_statement_bind_int64 (insert, 3, rb_store_now (store));
  if (!rb_db_step_done (db, insert, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  sodium_memzero (secret_key, RB_CREDENTIAL_KEY_BYTES);
  return FALSE;
}
