/* test-server-sealed.c: POST /bookings from a kiosk that booked offline: its device token and
 * the person's staff number and PIN sealed to the server's public key, signed for the booking
 * (X-Sealed-Credential), instead of a session. Against the real server process: a good
 * credential books for that person and the device hears the answer without their name; a
 * wrong PIN is 401 and counts towards the lock; a credential that does not open is 401 as
 * well (without counting: nobody is named); a replay with the same booking returns the same
 * booking, while the credential serves no other booking and grows stale (issue 10). */
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
  /* A test may start the server at another instant than NOW. */
  rb_test_server_set_now (f->server, data != NULL ? data : NOW);
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

/* What a kiosk holds for someone it identified offline. */
typedef struct
{
  GBytes *sealed;
  GBytes *signing_key;
} Credential;

static void
credential_free (Credential *credential)
{
  g_bytes_unref (credential->sealed);
  g_bytes_unref (credential->signing_key);
  g_free (credential);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Credential, credential_free)

static gint64
server_now (void)
{
  gint64 now = 0;

  g_assert_true (rb_time_from_rfc3339 (NOW, &now, NULL));
  return now;
}

/* A booking's JSON that asks for a state ("checked_in"). */
static char *
booking_json_with_state (const char *id, const char *space_id, gint64 start, gint64 end,
                         const char *state)
{
  g_autofree char *body = rb_test_booking_json (id, space_id, start, end, NULL, 0);
  g_autoptr (JsonNode) node = json_from_string (body, NULL);

  json_object_set_string_member (json_node_get_object (node), "state", state);
  return json_to_string (node, FALSE);
}

static Credential *
seal_at (Fixture *f, const char *staff_number, const char *pin, gint64 sealed_at)
{
  g_autoptr (GError) error = NULL;
  Credential *credential = g_new0 (Credential, 1);

  credential->sealed = rb_credential_seal (f->public_key, staff_number, pin, sealed_at,
                                           &credential->signing_key, &error);
  g_assert_no_error (error);
  return credential;
}

static Credential *
seal (Fixture *f, const char *staff_number, const char *pin)
{
  return seal_at (f, staff_number, pin, server_now ());
}

/* The header value for the credential signed for this booking (as rb_test_booking_json
 * writes it: no title, one attendee). */
static char *
bind (Credential *credential, const char *id, const char *space_id, gint64 start, gint64 end,
      const char *title)
{
  g_autoptr (RbBooking) booking = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));
  g_autoptr (GBytes) bound = NULL;
  gsize length;
  const guint8 *data;

  rb_booking_set_title (booking, title);
  bound = rb_credential_bind (credential->sealed, credential->signing_key, booking);
  data = g_bytes_get_data (bound, &length);
  return g_base64_encode (data, length);
}

/* POST /bookings with the device token, Idempotency-Key and a credential header. */
static RbTestResponse *
post_with_header (Fixture *f, const char *id, const char *space_id, gint64 start, gint64 end,
                  const char *header)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *body = rb_test_booking_json (id, space_id, start, end, NULL, 0);

  return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", f->device,
                          "Idempotency-Key", id, "X-Sealed-Credential", header, NULL);
}

/* The same with the credential signed for exactly this booking. */
static RbTestResponse *
post_sealed (Fixture *f, Credential *credential, const char *id, const char *space_id,
             gint64 start, gint64 end)
{
  g_autofree char *header = bind (credential, id, space_id, start, end, NULL);

  return post_with_header (f, id, space_id, start, end, header);
}

static gint64
bookings_in (Fixture *f, const char *space_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE space_id = '%s'",
                                          space_id);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

static void
test_sealed_booking (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (Credential) good = seal (f, jonas->staff_number, jonas->pin);
  g_autoptr (Credential) wrong = seal (f, jonas->staff_number, "0000");
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *wrong_id = g_uuid_string_random ();
  g_autofree char *sql = NULL;
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) replay = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  JsonObject *o;

  /* Sealing is randomised: the same credential never looks the same twice. */
  {
    g_autoptr (Credential) again = seal (f, jonas->staff_number, jonas->pin);
    g_assert_false (g_bytes_equal (good->sealed, again->sealed));
  }

  /* A wrong PIN: 401, nothing booked. */
  refused = post_sealed (f, wrong, wrong_id, "a0-d001", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (refused, 401, "unauthenticated");
  g_assert_cmpint (bookings_in (f, "a0-d001"), ==, 0);

  /* The right PIN: booked for Jonas, but the kiosk is told neither his id nor his name. */
  created = post_sealed (f, good, id, "a0-d001", AT (9, 0), AT (10, 0));
  rb_test_assert_status (created, 201);
  o = rb_test_response_get_object (created);
  g_assert_cmpstr (rb_test_response_get_string (created, "id"), ==, id);
  g_assert_true (json_object_get_null_member (o, "person_id"));
  g_assert_false (json_object_has_member (o, "person_name"));
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s' AND person_id = '%s'", id,
                         jonas->id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 1);

  /* The kiosk sends it again (it never heard the answer): the same booking, not a second. */
  replay = post_sealed (f, good, id, "a0-d001", AT (9, 0), AT (10, 0));
  rb_test_assert_status (replay, 200);
  g_assert_cmpstr (rb_test_response_get_string (replay, "id"), ==, id);
  g_assert_cmpint (rb_test_response_get_int (replay, "version"), ==,
                   rb_test_response_get_int (created, "version"));
  g_assert_cmpint (bookings_in (f, "a0-d001"), ==, 1);
}

/* Whoever copies a queued credential cannot book anything else with it (issue 10, item 7):
 * not another space, time or title, not with another booking id, and not once it is older
 * than a week or dated ahead of the server's clock. */
/* Booked at a kiosk, starting now: checked in at once, by the person's session or, queued
 * offline, by their sealed credential — even when the queue delivers it late, before its
 * end. A checked-in state for a booking that starts tomorrow is refused (422
 * check_in_window), and no state but booked and checked_in can be asked for. The server's
 * clock stands at 09:40 UTC. */
static void
test_sealed_checked_in (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  const RbTestPerson *leonie = rb_test_demo_person ("14835");
  g_autoptr (Credential) offline = seal_at (f, leonie->staff_number, leonie->pin, AT (9, 14));
  g_autoptr (Credential) too_late = seal_at (f, leonie->staff_number, leonie->pin, AT (8, 50));
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);
  g_autofree char *now_id = g_uuid_string_random ();
  g_autofree char *tomorrow_id = g_uuid_string_random ();
  g_autofree char *odd_id = g_uuid_string_random ();
  g_autofree char *queued_id = g_uuid_string_random ();
  g_autofree char *ended_id = g_uuid_string_random ();
  g_autofree char *body = NULL;
  g_autofree char *header = NULL;
  g_autofree char *sql = NULL;
  const char *db = rb_test_server_get_db_path (f->server);
  gint64 created_at = 0;

  /* Jonas at the kiosk with his session: the desk from the running slot, checked in. */
  {
    g_autoptr (RbTestResponse) created = NULL;

    body = booking_json_with_state (now_id, "a0-d001", AT (9, 30), AT (11, 0), "checked_in");
    created = rb_test_request (f->session, "POST", url, token, body, "Idempotency-Key", now_id,
                               NULL);
    rb_test_assert_status (created, 201);
    g_assert_cmpstr (rb_test_response_get_string (created, "state"), ==, "checked_in");
    g_assert_true (rb_time_from_rfc3339 (rb_test_response_get_string (created, "created_at"),
                                         &created_at, NULL));
    g_assert_cmpint (created_at, >=, AT (9, 40));
    sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s' AND state = 'checked_in'",
                           now_id);
    g_assert_cmpint (rb_test_db_int (db, sql), ==, 1);
    g_clear_pointer (&body, g_free);
    g_clear_pointer (&sql, g_free);
  }

  /* Tomorrow cannot be checked in today; nothing is stored. */
  {
    g_autoptr (RbTestResponse) refused = NULL;

    body = booking_json_with_state (tomorrow_id, "a0-d002", AT (24 + 9, 0), AT (24 + 10, 0),
                                    "checked_in");
    refused = rb_test_request (f->session, "POST", url, token, body, NULL);
    rb_test_assert_problem (refused, 422, "check_in_window");
    g_assert_cmpint (bookings_in (f, "a0-d002"), ==, 0);
    g_clear_pointer (&body, g_free);
  }

  /* Nobody books a booking as released or cancelled. */
  {
    g_autoptr (RbTestResponse) refused = NULL;

    body = booking_json_with_state (odd_id, "a0-d002", AT (24 + 9, 0), AT (24 + 10, 0),
                                    "released");
    refused = rb_test_request (f->session, "POST", url, token, body, NULL);
    rb_test_assert_problem (refused, 422, "invalid_field");
    g_clear_pointer (&body, g_free);
  }

  /* Leonie booked offline at 09:14 for the 09:00 slot; the queue delivers it at 09:40. */
  {
    g_autoptr (RbTestResponse) created = NULL;

    header = bind (offline, queued_id, "a0-d003", AT (9, 0), AT (11, 0), NULL);
    body = booking_json_with_state (queued_id, "a0-d003", AT (9, 0), AT (11, 0), "checked_in");
    created = rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", f->device,
                               "Idempotency-Key", queued_id, "X-Sealed-Credential", header, NULL);
    rb_test_assert_status (created, 201);
    g_assert_cmpstr (rb_test_response_get_string (created, "state"), ==, "checked_in");
    sql = g_strdup_printf ("SELECT created_at FROM bookings WHERE id = '%s' AND person_id = '%s'"
                           " AND state = 'checked_in'",
                           queued_id, leonie->id);
    g_assert_cmpint (rb_test_db_int (db, sql), ==, AT (9, 14));
    g_clear_pointer (&body, g_free);
    g_clear_pointer (&header, g_free);
  }

  /* Sealed at 08:50 for 08:00–09:00: it ended before it arrived. */
  {
    g_autoptr (RbTestResponse) refused = NULL;

    header = bind (too_late, ended_id, "a0-d004", AT (8, 0), AT (9, 0), NULL);
    body = booking_json_with_state (ended_id, "a0-d004", AT (8, 0), AT (9, 0), "checked_in");
    refused = rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", f->device,
                               "Idempotency-Key", ended_id, "X-Sealed-Credential", header, NULL);
    rb_test_assert_problem (refused, 422, "in_past");
    g_assert_cmpint (bookings_in (f, "a0-d004"), ==, 0);
  }
}

static void
test_sealed_replay (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (Credential) good = seal (f, jonas->staff_number, jonas->pin);
  g_autoptr (Credential) stale = seal_at (f, jonas->staff_number, jonas->pin,
                                          server_now () - RB_CREDENTIAL_MAX_AGE - 3600);
  g_autoptr (Credential) ahead = seal_at (f, jonas->staff_number, jonas->pin,
                                          server_now () + 3600);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *other_id = g_uuid_string_random ();
  g_autofree char *signed_header = bind (good, id, "a0-d004", AT (9, 0), AT (10, 0), NULL);
  g_autofree char *titled_header = bind (good, id, "a0-d004", AT (9, 0), AT (10, 0), "Review");
  struct
  {
    const char *id;
    const char *space_id;
    gint64 start, end;
    const char *header;
  } replays[] = {
    { id, "a0-d005", AT (9, 0), AT (10, 0), signed_header },
    { id, "a0-d004", AT (11, 0), AT (12, 0), signed_header },
    { other_id, "a0-d004", AT (9, 0), AT (10, 0), signed_header },
    { id, "a0-d004", AT (9, 0), AT (10, 0), titled_header },
  };
  g_autoptr (RbTestResponse) stale_resp = NULL;
  g_autoptr (RbTestResponse) ahead_resp = NULL;
  g_autoptr (RbTestResponse) created = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (replays); i++)
    {
      g_autoptr (RbTestResponse) resp = post_with_header (f, replays[i].id, replays[i].space_id,
                                                          replays[i].start, replays[i].end,
                                                          replays[i].header);
      rb_test_assert_problem (resp, 401, "unauthenticated");
    }
  stale_resp = post_sealed (f, stale, id, "a0-d004", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (stale_resp, 401, "unauthenticated");
  ahead_resp = post_sealed (f, ahead, id, "a0-d004", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (ahead_resp, 401, "unauthenticated");
  g_assert_cmpint (bookings_in (f, "a0-d004") + bookings_in (f, "a0-d005"), ==, 0);

  /* None of that counted as a wrong PIN, and the booking it was signed for still works. */
  created = post_with_header (f, id, "a0-d004", AT (9, 0), AT (10, 0), signed_header);
  rb_test_assert_status (created, 201);
}

static void
test_sealed_garbage (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  guint8 other_pk[crypto_box_PUBLICKEYBYTES], other_sk[crypto_box_SECRETKEYBYTES];
  g_autofree char *other_key = NULL;
  g_autoptr (Credential) foreign = NULL;
  g_autoptr (Credential) good = seal (f, jonas->staff_number, jonas->pin);
  g_autofree char *long_text = g_strnfill (4000, 'A');
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  const char *garbage[] = { "not base64!", "AAAA", long_text };
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = rb_test_booking_json (id, "a0-d002", AT (9, 0), AT (10, 0), NULL, 0);
  g_autofree char *good_header = bind (good, id, "a0-d002", AT (9, 0), AT (10, 0), NULL);
  g_autoptr (RbTestResponse) foreign_resp = NULL;
  g_autoptr (RbTestResponse) no_device = NULL;
  g_autoptr (RbTestResponse) with_session = NULL;
  g_autoptr (RbTestResponse) created = NULL;
  g_autofree char *token = rb_test_login_person (f->session, f->server, jonas);

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      g_autoptr (RbTestResponse) resp = post_with_header (f, id, "a0-d002", AT (9, 0),
                                                          AT (10, 0), garbage[i]);
      rb_test_assert_problem (resp, 401, "unauthenticated");
    }

  /* Sealed to another key (a kiosk registered with a server since replaced): does not open. */
  g_assert_cmpint (sodium_init (), >=, 0);
  crypto_box_keypair (other_pk, other_sk);
  other_key = g_base64_encode (other_pk, sizeof other_pk);
  {
    g_autofree char *saved = f->public_key;

    f->public_key = other_key;
    foreign = seal (f, jonas->staff_number, jonas->pin);
    f->public_key = g_steal_pointer (&saved);
  }
  foreign_resp = post_sealed (f, foreign, id, "a0-d002", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (foreign_resp, 401, "unauthenticated");

  /* Without a device token a credential alone is nobody; beside a session it is ambiguous. */
  no_device = rb_test_request (f->session, "POST", url, NULL, body, "X-Sealed-Credential",
                               good_header, NULL);
  rb_test_assert_problem (no_device, 401, "unauthenticated");
  with_session = rb_test_request (f->session, "POST", url, token, body, "X-Sealed-Credential",
                                  good_header, NULL);
  rb_test_assert_problem (with_session, 422, "invalid_field");
  g_assert_cmpint (bookings_in (f, "a0-d002"), ==, 0);

  /* None of it counted against Jonas: his own credential still books. */
  created = post_with_header (f, id, "a0-d002", AT (9, 0), AT (10, 0), good_header);
  rb_test_assert_status (created, 201);
}

/* Five wrong PINs through sealed credentials lock the staff number at this kiosk like five
 * wrong logins. */
static void
test_sealed_lockout (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autoptr (Credential) wrong = seal (f, jonas->staff_number, "0000");
  g_autoptr (Credential) good = seal (f, jonas->staff_number, jonas->pin);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) locked = NULL;

  for (int i = 0; i < 5; i++)
    {
      g_autofree char *wrong_id = g_uuid_string_random ();
      g_autoptr (RbTestResponse) resp = post_sealed (f, wrong, wrong_id, "a0-d003", AT (9, 0),
                                                     AT (10, 0));
      rb_test_assert_problem (resp, i < 4 ? 401 : 429, i < 4 ? "unauthenticated" : "locked");
    }
  locked = post_sealed (f, good, id, "a0-d003", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (locked, 429, "locked");
  g_assert_nonnull (soup_message_headers_get_one (locked->headers, "Retry-After"));
}

/* A badge's credential (issue 12): a kiosk that identified someone by their registered badge
 * queues it like a PIN's. It books for the badge's owner; an unknown badge (removed
 * meanwhile) and a deactivated owner book nothing. */
static void
test_sealed_badge (Fixture *f, gconstpointer data)
{
  const RbTestPerson *jonas = rb_test_demo_person ("14475");
  g_autofree char *admin = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person_with_role ("admin", 0));
  g_autofree char *badge_url = rb_test_server_url (f->server, "/api/v1/people/%s/badge",
                                                   jonas->id);
  g_autofree char *person_url = rb_test_server_url (f->server, "/api/v1/people/%s", jonas->id);
  g_autoptr (RbTestResponse) registered = rb_test_request (
      f->session, "PUT", badge_url, admin, "{\"uid\":\"04A23B9C1180\"}", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (Credential) badge = g_new0 (Credential, 1);
  g_autoptr (Credential) unknown = g_new0 (Credential, 1);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *unknown_id = g_uuid_string_random ();
  g_autofree char *late_id = g_uuid_string_random ();
  g_autofree char *sql = NULL;
  g_autoptr (RbTestResponse) created = NULL;
  g_autoptr (RbTestResponse) refused = NULL;
  g_autoptr (RbTestResponse) deactivated = NULL;
  g_autoptr (RbTestResponse) inactive = NULL;

  rb_test_assert_status (registered, 200);
  badge->sealed = rb_credential_seal_badge (f->public_key, "04a23b9c1180", server_now (),
                                            &badge->signing_key, &error);
  g_assert_no_error (error);
  unknown->sealed = rb_credential_seal_badge (f->public_key, "0411223344", server_now (),
                                              &unknown->signing_key, &error);
  g_assert_no_error (error);

  refused = post_sealed (f, unknown, unknown_id, "a0-d005", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (refused, 401, "badge_unknown");
  g_assert_cmpint (bookings_in (f, "a0-d005"), ==, 0);

  created = post_sealed (f, badge, id, "a0-d005", AT (9, 0), AT (10, 0));
  rb_test_assert_status (created, 201);
  g_assert_true (json_object_get_null_member (rb_test_response_get_object (created),
                                              "person_id"));
  sql = g_strdup_printf ("SELECT count(*) FROM bookings WHERE id = '%s' AND person_id = '%s'", id,
                         jonas->id);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==, 1);

  deactivated = rb_test_request (f->session, "PATCH", person_url, admin, "{\"active\":false}",
                                 NULL);
  rb_test_assert_status (deactivated, 200);
  inactive = post_sealed (f, badge, late_id, "a0-d006", AT (9, 0), AT (10, 0));
  rb_test_assert_problem (inactive, 403, "person_inactive");
  g_assert_cmpint (bookings_in (f, "a0-d006"), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/sealed/badge", Fixture, NULL, fixture_set_up, test_sealed_badge,
              fixture_tear_down);
  g_test_add ("/server/sealed/booking", Fixture, NULL, fixture_set_up, test_sealed_booking,
              fixture_tear_down);
  g_test_add ("/server/sealed/checked-in", Fixture, "2026-11-30T09:40:00Z", fixture_set_up,
              test_sealed_checked_in, fixture_tear_down);
  g_test_add ("/server/sealed/replay", Fixture, NULL, fixture_set_up, test_sealed_replay,
              fixture_tear_down);
  g_test_add ("/server/sealed/garbage", Fixture, NULL, fixture_set_up, test_sealed_garbage,
              fixture_tear_down);
  g_test_add ("/server/sealed/lockout", Fixture, NULL, fixture_set_up, test_sealed_lockout,
              fixture_tear_down);
  return g_test_run ();
}
