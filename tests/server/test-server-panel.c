/* test-server-panel.c: a door panel's device token (`--add-device NAME --panel SPACE_ID`,
 * issue 12) against the real server: it and every session opened through it act for its
 * room only — a stolen panel token books, cancels or checks in nothing elsewhere — and it
 * books its room with nobody only where the site's policy panel_anonymous_booking allows
 * it, which a kiosk's token never does. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"
#include "rb-time.h"

#define NOW "2026-11-30T08:00:00Z"
/* 2026-11-30 00:00 UTC */
#define DAY_START G_GINT64_CONSTANT (1795996800)
#define AT(hour, minute) (DAY_START + (hour) * 3600 + (minute) * 60)
#define ROOM "a0-r02"
#define OTHER_ROOM "a0-r03"

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
  char *panel;
  char *kiosk;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-panel-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  f->panel = rb_test_server_add_panel (f->server, "Panel Siebengebirge", ROOM, NULL);
  f->kiosk = rb_test_server_add_device (f->server, "Kiosk Foyer", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->panel);
  g_free (f->kiosk);
  g_free (f->dir);
}

/* A session opened at a device, as a kiosk or panel opens one. */
static char *
login_at (Fixture *f, const char *staff_number, const char *device)
{
  const RbTestPerson *person = rb_test_demo_person (staff_number);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/sessions");
  g_autofree char *body = g_strdup_printf ("{\"staff_number\": \"%s\", \"pin\": \"%s\"}",
                                           staff_number, person->pin);
  g_autoptr (RbTestResponse) resp = rb_test_request (f->session, "POST", url, NULL, body,
                                                     "X-Device-Token", device, NULL);

  rb_test_assert_status (resp, 201);
  return g_strdup (rb_test_response_get_string (resp, "token"));
}

/* POST /bookings with only a device token: a booking for nobody. */
static RbTestResponse *
book_with_device (Fixture *f, const char *device, const char *space_id, gint64 start, gint64 end)
{
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *body = rb_test_booking_json (id, space_id, start, end, NULL, 0);

  return rb_test_request (f->session, "POST", url, NULL, body, "X-Device-Token", device,
                          "Idempotency-Key", id, NULL);
}

static void
allow_anonymous (Fixture *f, gboolean allowed)
{
  g_autofree char *admin = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person ("95113"));
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/policy");
  g_autoptr (RbTestResponse) got = rb_test_request (f->session, "GET", url, admin, NULL, NULL);
  g_autoptr (RbTestResponse) put = NULL;
  g_autofree char *body = NULL;
  JsonObject *policy;

  rb_test_assert_status (got, 200);
  policy = rb_test_response_get_object (got);
  /* The answer names the rule, off until an administrator turns it on. */
  g_assert_true (json_object_has_member (policy, "panel_anonymous_booking"));
  json_object_set_boolean_member (policy, "panel_anonymous_booking", allowed);
  body = json_to_string (got->json, FALSE);
  put = rb_test_request (f->session, "PUT", url, admin, body, NULL);
  rb_test_assert_status (put, 200);
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (put),
                                                 "panel_anonymous_booking") == allowed);
}

/* Jonas at the panel of room 0.02 books there, and nowhere else; his booking of another room
 * cannot be cancelled or checked in through the panel either. */
static void
test_bound_to_its_room (Fixture *f, gconstpointer data)
{
  g_autofree char *at_panel = login_at (f, "14475", f->panel);
  g_autofree char *at_desk = rb_test_login_person (f->session, f->server,
                                                   rb_test_demo_person ("14475"));
  g_autofree char *here = g_uuid_string_random ();
  g_autofree char *there = g_uuid_string_random ();
  g_autofree char *elsewhere = g_uuid_string_random ();
  g_autoptr (RbTestResponse) booked_here = NULL;
  g_autoptr (RbTestResponse) refused_there = NULL;
  g_autoptr (RbTestResponse) booked_elsewhere = NULL;
  g_autoptr (RbTestResponse) cancel = NULL;
  g_autoptr (RbTestResponse) check_in = NULL;
  g_autofree char *cancel_url = NULL;
  g_autofree char *check_in_url = NULL;

  booked_here = rb_test_create_booking (f->session, f->server, at_panel, here, ROOM, AT (8, 0),
                                        AT (8, 30), NULL, 0);
  rb_test_assert_status (booked_here, 201);
  refused_there = rb_test_create_booking (f->session, f->server, at_panel, there, OTHER_ROOM,
                                          AT (8, 0), AT (8, 30), NULL, 0);
  rb_test_assert_problem (refused_there, 403, "forbidden");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-r03'"),
                   ==, 0);

  booked_elsewhere = rb_test_create_booking (f->session, f->server, at_desk, elsewhere,
                                             OTHER_ROOM, AT (8, 0), AT (9, 0), NULL, 0);
  rb_test_assert_status (booked_elsewhere, 201);
  cancel_url = rb_test_server_url (f->server, "/api/v1/bookings/%s", elsewhere);
  cancel = rb_test_request (f->session, "DELETE", cancel_url, at_panel, NULL, NULL);
  rb_test_assert_problem (cancel, 403, "forbidden");
  check_in_url = rb_test_server_url (f->server, "/api/v1/bookings/%s/check-in", elsewhere);
  check_in = rb_test_request (f->session, "POST", check_in_url, at_panel, NULL, NULL);
  rb_test_assert_problem (check_in, 403, "forbidden");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-r03'"
                                   " AND state = 'booked'"),
                   ==, 1);
}

/* Booking for nobody: refused until the site allows it, then only the room's own panel
 * books only its room. */
static void
test_anonymous_only_where_allowed (Fixture *f, gconstpointer data)
{
  g_autoptr (RbTestResponse) before = NULL;
  g_autoptr (RbTestResponse) booked = NULL;
  g_autoptr (RbTestResponse) other_room = NULL;
  g_autoptr (RbTestResponse) by_kiosk = NULL;

  before = book_with_device (f, f->panel, ROOM, AT (8, 0), AT (8, 30));
  rb_test_assert_problem (before, 401, "unauthenticated");

  allow_anonymous (f, TRUE);
  booked = book_with_device (f, f->panel, ROOM, AT (8, 0), AT (8, 30));
  rb_test_assert_status (booked, 201);
  other_room = book_with_device (f, f->panel, OTHER_ROOM, AT (8, 0), AT (8, 30));
  rb_test_assert_problem (other_room, 403, "forbidden");
  by_kiosk = book_with_device (f, f->kiosk, OTHER_ROOM, AT (9, 0), AT (9, 30));
  rb_test_assert_problem (by_kiosk, 401, "unauthenticated");
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM bookings WHERE person_id IS NULL"),
                   ==, 1);
}

/* PATCH (a new end, at version 1 unless said) or DELETE with only a device token. */
static RbTestResponse *
change_with_device (Fixture *f, const char *device, const char *method, const char *id,
                    gint64 end)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings/%s", id);
  g_autofree char *until = rb_time_to_rfc3339 (end);
  g_autofree char *body = g_strdup_printf ("{\"end\": \"%s\"}", until);

  if (g_str_equal (method, "DELETE"))
    return rb_test_request (f->session, "DELETE", url, NULL, NULL, "X-Device-Token", device,
                            NULL);
  return rb_test_request (f->session, "PATCH", url, NULL, body, "X-Device-Token", device,
                          "If-Match", "\"1\"", NULL);
}

/* A booking made for nobody at the door is ended or extended by that same panel with its
 * device token alone; another panel of the room, a panel of another room, a kiosk and a
 * person who does not own it cannot. A person's booking stays theirs: the panel's token
 * alone changes nothing of it. */
static void
test_door_booking_changed_by_its_panel (Fixture *f, gconstpointer data)
{
  g_autofree char *second = rb_test_server_add_panel (f->server, "Panel Tür 2", ROOM, NULL);
  g_autofree char *other = rb_test_server_add_panel (f->server, "Panel Eifel", OTHER_ROOM, NULL);
  g_autofree char *jonas = rb_test_login_person (f->session, f->server,
                                                 rb_test_demo_person ("14475"));
  g_autofree char *his = g_uuid_string_random ();
  g_autoptr (RbTestResponse) booked = NULL;
  g_autoptr (RbTestResponse) his_booking = NULL;
  g_autoptr (RbTestResponse) extended = NULL;
  g_autoptr (RbTestResponse) cancelled = NULL;
  g_autofree char *url = NULL;
  const char *refused[] = { "PATCH", "DELETE" };
  const char *id;

  allow_anonymous (f, TRUE);
  booked = book_with_device (f, f->panel, ROOM, AT (8, 0), AT (8, 30));
  rb_test_assert_status (booked, 201);
  g_assert_true (json_object_get_boolean_member (rb_test_response_get_object (booked),
                                                 "at_door"));
  id = rb_test_response_get_string (booked, "id");

  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (RbTestResponse) by_second = change_with_device (f, second, refused[i], id,
                                                                 AT (9, 0));
      g_autoptr (RbTestResponse) by_other = change_with_device (f, other, refused[i], id,
                                                                AT (9, 0));
      g_autoptr (RbTestResponse) by_kiosk = change_with_device (f, f->kiosk, refused[i], id,
                                                                AT (9, 0));
      g_autoptr (RbTestResponse) by_jonas = NULL;

      url = rb_test_server_url (f->server, "/api/v1/bookings/%s", id);
      by_jonas = rb_test_request (f->session, refused[i], url, jonas,
                                  g_str_equal (refused[i], "PATCH") ? "{\"title\": \"Mine\"}"
                                                                    : NULL,
                                  "If-Match", "\"1\"", NULL);
      g_clear_pointer (&url, g_free);
      rb_test_assert_problem (by_second, 403, "forbidden");
      rb_test_assert_problem (by_other, 403, "forbidden");
      rb_test_assert_problem (by_kiosk, 401, "unauthenticated");
      rb_test_assert_problem (by_jonas, 403, "forbidden");
    }

  extended = change_with_device (f, f->panel, "PATCH", id, AT (8, 45));
  rb_test_assert_status (extended, 200);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT \"end\" FROM bookings WHERE person_id IS NULL"),
                   ==, AT (8, 45));
  cancelled = change_with_device (f, f->panel, "DELETE", id, 0);
  rb_test_assert_status (cancelled, 200);
  g_assert_cmpstr (rb_test_response_get_string (cancelled, "state"), ==, "cancelled");

  /* Jonas's own booking of the room: the panel's token alone ends nothing of it. */
  his_booking = rb_test_create_booking (f->session, f->server, jonas, his, ROOM, AT (9, 0),
                                        AT (9, 30), NULL, 0);
  rb_test_assert_status (his_booking, 201);
  g_assert_false (json_object_get_boolean_member (rb_test_response_get_object (his_booking),
                                                  "at_door"));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr (RbTestResponse) by_panel = change_with_device (f, f->panel, refused[i], his,
                                                                AT (10, 0));

      rb_test_assert_problem (by_panel, 403, "forbidden");
    }
  url = g_strdup_printf ("SELECT \"end\" FROM bookings WHERE id = '%s' AND state = 'booked'", his);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), url), ==, AT (9, 30));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/panel/bound-to-its-room", Fixture, NULL, fixture_set_up,
              test_bound_to_its_room, fixture_tear_down);
  g_test_add ("/server/panel/anonymous-only-where-allowed", Fixture, NULL, fixture_set_up,
              test_anonymous_only_where_allowed, fixture_tear_down);
  g_test_add ("/server/panel/door-booking-changed-by-its-panel", Fixture, NULL, fixture_set_up,
              test_door_booking_changed_by_its_panel, fixture_tear_down);
  return g_test_run ();
}
