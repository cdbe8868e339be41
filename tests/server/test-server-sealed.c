/* test-server-sealed.c: POST /bookings from a kiosk that booked offline: its device token and
 * the person's staff number and PIN sealed to the server's public key (X-Sealed-Credential)
 * instead of a session. Against the real server process: a good credential books for that
 * person; a wrong PIN is 401 and counts towards the lockout; a credential that does not open
 * is 401 as well (without counting: nobody is named); a replay with the same booking id returns the same booking. */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "rb-credential.h"
#include "rb-test-server.h"

#define NOW "2026-11-30T06:00:00Z"
/* 2026-11-30 00:00 UTC */
#define DAY_START G_GINT64_CONSTANT (1795996800)
#define AT(hour, minute) (DAY_START + (hour) * 3600 + (minute) * 60)

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
  char *device;
  char *public_key;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-sealed-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  f->device = rb_test_server_add_device (f->server, "Kiosk Foyer", &f->public_key);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->device);
  g_free (f->public_key);
  g_free (f->dir);
}

static char *
seal (const char *public_key, const char *staff_number, const char *pin)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) sealed = rb_credential_seal (public_key, staff_number, pin, &error);
  gsize length;
  const guint8 *data;

  g_assert_no_error (error);
  data = g_bytes_get_data (sealed, &length);
  return g_base64_encode (data, length);
}

/* POST /bookings with the device token, Idempotency-Key and the sealed credential. */
static RbTestResponse *
post_sealed (Fixture *f, const char *id, const char *space_id, gint64 start, gint64 end,
             const char *sealed)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *body = rb_test_booking_json (id, space_id, start, end, NULL, 0);

  return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", f->device,
                          "Idempotency-Key", id, "X-Sealed-Credential", sealed, NULL);
}

static gint64
failures_of (Fixture *f, const char *staff_number)
{
  g_autofree char *sql = g_strdup_printf (
      "SELECT COALESCE ((SELECT failures FROM login_failures WHERE staff_number = '%s'), 0)",
      staff_number);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

static void
test_sealed_booking (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *good = seal (f->public_key, jonas->staff_number, jonas->pin);
  g_autofree char *wrong = seal (f->public_key, jonas->staff_number, "0000");
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *wrong_id = g_uuid_string_random ();
  g_autofree char *sql = NULL;
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) replay = NULL;
  g_autoptr (RbTestResponse) refused = NULL;

  /* Sealing is randomised: the same credential never looks the same twice. */
  {
    g_autofree char *again = seal (f->public_key, jonas->staff_number, jonas->pin);
    g_assert_cmpstr (good, !=, again);
  }

  /* A wrong PIN: 401, nothing booked, one more wrong PIN counted for the staff number. */
  refused = post_sealed (f, wrong_id, "a0-d001", AT (9, 0), AT (10, 0), wrong);
  rb_test_assert_problem (refused, 401, "unauthenticated");
  g_assert_cmpint (failures_of (f, jonas->staff_number), ==, 1);
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s'", wrong_id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 0);
  g_clear_pointer (&sql, g_free);

  /* The right PIN: booked for Jonas, and the count of wrong PINs starts again. */
  created = post_sealed (f, id, "a0-d001", AT (9, 0), AT (10, 0), good);
  rb_test_assert_status (created, 201);
  g_assert_cmpstr (rb_test_response_get_string (created, "id"), ==, id);
  g_assert_cmpstr (rb_test_response_get_string (created, "person_id"), ==, jonas->id);
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s' AND person_id = '%s'", id,
                         jonas->id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 1);
  g_assert_cmpint (failures_of (f, jonas->staff_number), ==, 0);

  /* The kiosk sends it again (it never heard the answer): the same booking, not a second. */
  replay = post_sealed (f, id, "a0-d001", AT (9, 0), AT (10, 0), good);
  rb_test_assert_status (replay, 200);
  g_assert_cmpstr (rb_test_response_get_string (replay, "id"), ==, id);
  g_assert_cmpint (rb_test_response_get_int (replay, "version"), ==,
                   rb_test_response_get_int (created, "version"));
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d001'"),
                   ==, 1);
}

static void
test_sealed_garbage (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  guint8 other_pk[crypto_box_PUBLICKEYBYTES], other_sk[crypto_box_SECRETKEYBYTES];
  g_autofree char *other_key = NULL;
  g_autofree char *foreign = NULL;
  g_autofree char *good = seal (f->public_key, jonas->staff_number, jonas->pin);
  g_autofree char *long_text = g_strnfill (4000, 'A');
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  const char *garbage[] = { "not base64!", "AAAA", long_text };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = rb_test_booking_json (id, "a0-d002", AT (9, 0), AT (10, 0), NULL, 0);
  g_autoptr (RbTestResponse) foreign_resp = NULL;
  g_autoptr (RbTestResponse) no_device = NULL;
  g_autoptr (RbTestResponse) with_session = NULL;
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (RbTestResponse) resp = post_sealed (f, id, "a0-d002", AT (9, 0), AT (10, 0),
                                                     garbage[i]);
      rb_test_assert_problem (resp, 401, "unauthenticated");
    }

  /* Sealed to another key (a kiosk registered with a server since replaced): does not open. */
  g_assert_cmpint (sodium_init (), >=, 0);
  crypto_box_keypair (other_pk, other_sk);
  other_key = g_base64_encode (other_pk, sizeof other_pk);
  foreign = seal (other_key, jonas->staff_number, jonas->pin);
  foreign_resp = post_sealed (f, id, "a0-d002", AT (9, 0), AT (10, 0), foreign);
  rb_test_assert_problem (foreign_resp, 401, "unauthenticated");

  /* Without a device token a credential alone is nobody; beside a session it is ambiguous. */
  no_device = rb_test_request (f->session, "POST", url, NULL, body, "X-Sealed-Credential", good,
                               NULL);
  rb_test_assert_problem (no_device, 401, "unauthenticated");
  with_session = rb_test_request (f->session, "POST", url, token, body, "X-Sealed-Credential",
                                  good, NULL);
  rb_test_assert_problem (with_session, 422, "invalid_field");

  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d002'"),
                   ==, 0);
  g_assert_cmpint (failures_of (f, jonas->staff_number), ==, 0);
}

/* Five wrong PINs through sealed credentials lock the staff number like five wrong logins. */
static void
test_sealed_lockout (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *wrong = seal (f->public_key, jonas->staff_number, "0000");
  g_autofree char *good = seal (f->public_key, jonas->staff_number, jonas->pin);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) locked = NULL;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *wrong_id = g_uuid_string_random ();
      g_autoptr (RbTestResponse) resp = post_sealed (f, wrong_id, "a0-d003", AT (9, 0),
                                                     AT (10, 0), wrong);
      rb_test_assert_problem (resp, 401, "unauthenticated");
    }
  locked = post_sealed (f, id, "a0-d003", AT (9, 0), AT (10, 0), good);
  rb_test_assert_problem (locked, 429, "locked");
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/sealed/booking", Fixture, NULL, fixture_set_up, test_sealed_booking,
              fixture_tear_down);
  g_test_add ("/server/sealed/garbage", Fixture, NULL, fixture_set_up, test_sealed_garbage,
              fixture_tear_down);
  g_test_add ("/server/sealed/lockout", Fixture, NULL, fixture_set_up, test_sealed_lockout,
              fixture_tear_down);
  return g_test_run ();
}
