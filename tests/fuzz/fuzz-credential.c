/* fuzz-credential.c: rb_credential_open, how the server reads a kiosk's X-Sealed-Credential.
 *
 * The server's keypair and an identity's signing keypair are fixed (made from constant seeds),
 * as are the booking and the server's clock, so that an input means the same thing in every
 * run. An input starts with its kind:
 *   'P' then a plaintext: the harness seals it to the server's key and signs the booking with
 *       the fixed signing key, as a kiosk would, so what comes after the decryption — the JSON,
 *       its members, the age and the signature checks — sees every mutation. (A mutated
 *       ciphertext never opens: it fails its MAC.)
 *   anything else, then a bound credential as it arrives over the network: signature and
 *       sealed box, for the length checks, a failing box and a signature that is not of this
 *       booking.
 *
 * RB_FUZZ_WRITE_SEEDS=DIR makes the harness write its seed corpus into DIR and exit: valid
 * bound credentials made with rb_credential_seal and rb_credential_bind, and plaintexts. */
#include "config.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-credential.h"
#include "rb-fuzz.h"

#define NOW G_GINT64_CONSTANT (1780000000) /* 2026-05-28T20:26:40Z */

static guint8 server_public[crypto_box_PUBLICKEYBYTES];
static guint8 server_secret[crypto_box_SECRETKEYBYTES];
static guint8 signing_public[crypto_sign_PUBLICKEYBYTES];
static GBytes *signing_secret;
static RbBooking *booking;

static void write_seeds (const char *dir);

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  guint8 seed[32];
  guint8 *secret = g_malloc (crypto_sign_SECRETKEYBYTES);
  const char *seeds_dir = g_getenv ("RB_FUZZ_WRITE_SEEDS");

  rb_fuzz_init ();
  g_assert_cmpint (sodium_init (), >=, 0);
  G_STATIC_ASSERT (crypto_box_PUBLICKEYBYTES == RB_CREDENTIAL_KEY_BYTES);

  memset (seed, 's', sizeof seed);
  crypto_box_seed_keypair (server_public, server_secret, seed);
  memset (seed, 'k', sizeof seed);
  crypto_sign_seed_keypair (signing_public, secret, seed);
  signing_secret = g_bytes_new_take (secret, crypto_sign_SECRETKEYBYTES);

  booking = rb_booking_new ("6f1f3c9e-5b7a-4d2e-9a41-0c8e2b7d5f13", "s-room-101", NULL,
                            rb_interval_make (NOW + 3600, NOW + 2 * 3600));
  rb_booking_set_title (booking, "Sprint review");
  rb_booking_set_attendees (booking, 6);

  if (seeds_dir != NULL)
    {
      write_seeds (seeds_dir);
      exit (0);
    }
  return 0;
}

static void
open_bound (const guint8 *bound, gsize length)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *staff_number = NULL;
  g_autofree char *pin = NULL;

  if (rb_credential_open (server_public, server_secret, bound, length, booking, NOW,
                          &staff_number, &pin, &error))
    {
      g_assert_no_error (error);
      g_assert_nonnull (staff_number);
      g_assert_nonnull (pin);
      return;
    }
  g_assert_true (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED));
  g_assert_null (staff_number);
  g_assert_null (pin);
}

/* A plaintext sealed and bound as rb_credential_seal and rb_credential_bind do it. */
static GBytes *
seal_and_bind (const guint8 *plain, gsize length)
{
  guint8 *sealed = g_malloc (length + crypto_box_SEALBYTES);
  g_autoptr (GBytes) sealed_bytes = NULL;

  crypto_box_seal (sealed, plain, length, server_public);
  sealed_bytes = g_bytes_new_take (sealed, length + crypto_box_SEALBYTES);
  return rb_credential_bind (sealed_bytes, signing_secret, booking);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GBytes) bound = NULL;

  if (size == 0)
    return 0;
  if (data[0] != 'P')
    {
      open_bound (data + 1, size - 1);
      return 0;
    }
  /* Plaintexts that cannot fit are refused before anything is opened; sealing them would only
   * slow the run down. */
  if (size - 1 > RB_CREDENTIAL_MAX_BYTES)
    return 0;
  bound = seal_and_bind (data + 1, size - 1);
  open_bound (g_bytes_get_data (bound, NULL), g_bytes_get_size (bound));
  return 0;
}

/* ---- the seed corpus --------------------------------------------------------------------- */

static void
write_seed (const char *dir, const char *name, char kind, const void *data, gsize length)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr (GByteArray) content = g_byte_array_new ();
  g_autoptr (GError) error = NULL;

  g_byte_array_append (content, (const guint8 *) &kind, 1);
  g_byte_array_append (content, data, length);
  if (!g_file_set_contents (path, (const char *) content->data, content->len, &error))
    g_error ("%s", error->message);
}

static void
write_bound_seed (const char *dir, const char *name, const char *staff_number, const char *pin,
                  gint64 sealed_at)
{
  g_autofree char *public_text = rb_credential_encode_key (server_public);
  g_autoptr (GBytes) key = NULL;
  g_autoptr (GBytes) sealed = NULL;
  g_autoptr (GBytes) bound = NULL;
  g_autoptr (GError) error = NULL;

  sealed = rb_credential_seal (public_text, staff_number, pin, sealed_at, &key, &error);
  g_assert_no_error (error);
  bound = rb_credential_bind (sealed, key, booking);
  write_seed (dir, name, 'B', g_bytes_get_data (bound, NULL), g_bytes_get_size (bound));
}

static void
write_plain_seed (const char *dir, const char *name, const char *format, ...)
{
  g_autofree char *key = g_base64_encode (signing_public, sizeof signing_public);
  g_autofree char *plain = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  va_list args;

  va_start (args, format);
  plain = g_strdup_vprintf (format, args);
  va_end (args);
  /* "%KEY%" stands for the fixed signing key. */
  g_string_append (text, plain);
  g_string_replace (text, "%KEY%", key, 0);
  write_seed (dir, name, 'P', text->str, text->len);
}

static void
write_seeds (const char *dir)
{
  write_bound_seed (dir, "bound-valid", "10001", "1234", NOW - 60);
  write_bound_seed (dir, "bound-valid-long-pin", "p-14475", "98765432109876543210", NOW - 86400);
  write_bound_seed (dir, "bound-too-old", "10001", "1234", NOW - RB_CREDENTIAL_MAX_AGE - 1);
  write_bound_seed (dir, "bound-future", "10001", "1234", NOW + RB_CREDENTIAL_CLOCK_ERROR + 1);

  write_plain_seed (dir, "plain-valid",
                    "{\"staff_number\":\"10001\",\"pin\":\"1234\",\"key\":\"%%KEY%%\","
                    "\"sealed_at\":%" G_GINT64_FORMAT "}",
                    NOW - 60);
  write_plain_seed (dir, "plain-edge-age",
                    "{\"sealed_at\":%" G_GINT64_FORMAT ",\"key\":\"%%KEY%%\",\"pin\":\"0\","
                    "\"staff_number\":\"x\"}",
                    NOW - RB_CREDENTIAL_MAX_AGE);
  write_plain_seed (dir, "plain-other-key",
                    "{\"staff_number\":\"10001\",\"pin\":\"1234\","
                    "\"key\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\","
                    "\"sealed_at\":%" G_GINT64_FORMAT "}",
                    NOW);
  write_plain_seed (dir, "plain-no-pin",
                    "{\"staff_number\":\"10001\",\"key\":\"%%KEY%%\",\"sealed_at\":%"
                    G_GINT64_FORMAT "}",
                    NOW);
  write_plain_seed (dir, "plain-sealed-at-string",
                    "{\"staff_number\":\"10001\",\"pin\":\"1234\",\"key\":\"%%KEY%%\","
                    "\"sealed_at\":\"%" G_GINT64_FORMAT "\"}",
                    NOW);
}
