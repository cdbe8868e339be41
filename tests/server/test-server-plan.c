/* test-server-plan.c: a floor's plan drawing over HTTP (GET, PUT, DELETE /floors/{id}/plan):
 * who may read and change it, what is refused (other media types, content that is not what
 * its type says, too large), the ETag and 304, GET /floors saying whether a floor has one,
 * the audit entry and the "building" topic row of every change. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define FLOOR "flr-a-1og"
#define PLAN_PATH "/api/v1/floors/" FLOOR "/plan"

static const char small_svg[]
    = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 60 24\">"
      "<rect x=\"0\" y=\"0\" width=\"60\" height=\"24\" fill=\"none\" stroke=\"black\"/></svg>";

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-plan-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  if (rb_test_server_is_running (f->server))
    rb_test_server_stop (f->server);
  g_clear_pointer (&f->server, rb_test_server_free);
  g_free (f->dir);
}

static char *
login_role (Fixture *f, const char *role)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person_with_role (role, 0));
}

/* A request with a body of the given type; token and device token may be NULL. */
static RbTestResponse *
send_body (Fixture *f, const char *method, const char *token, const char *device,
           const char *content_type, GBytes *body, const char *if_none_match)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", PLAN_PATH);
  g_autoptr (SoupMessage) msg = rb_test_message_new (method, url, token);

  if (device != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Device-Token",
                                  device);
  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match",
                                  if_none_match);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  return rb_test_send (f->session, msg);
}

static GBytes *
svg_bytes (void)
{
  return g_bytes_new_static (small_svg, strlen (small_svg));
}

/* A tiny PNG: the signature and an IHDR chunk are all the server looks at. */
static GBytes *
png_bytes (void)
{
  static const guint8 png[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                'I', 'H', 'D', 'R', 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0 };

  return g_bytes_new_static (png, sizeof png);
}

static JsonObject *
floor_object (Fixture *f, const char *token)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/floors");
  g_autoptr (RbTestResponse) resp = rb_test_request (f->session, "GET", url, token, NULL, NULL);
  JsonArray *items;

  rb_test_assert_status (resp, 200);
  items = json_object_get_array_member (rb_test_response_get_object (resp), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (o, "id"), FLOOR))
        return json_object_ref (o);
    }
  g_assert_not_reached ();
}

/* Each role: only administrators change the drawing, everyone reads it. */
static void
test_plan_roles (Fixture *f, gconstpointer data)
{
  static const char *const others[] = { "staff", "team_lead", "facility_manager" };
  g_autofree char *admin = login_role (f, "admin");
  g_autofree char *device = rb_test_server_add_device (f->server, "Kiosk 1. OG", NULL);
  g_autoptr (GBytes) svg = svg_bytes ();
  gint64 audits_before = rb_test_db_int (
      rb_test_server_get_db_path (f->server),
      "SELECT count(*) FROM audit_log WHERE action = 'floor.plan'");
  gint64 topics_before = rb_test_db_int (rb_test_server_get_db_path (f->server),
                                         "SELECT count(*) FROM changes WHERE topic = 'building'");

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    {
      g_autofree char *token = login_role (f, others[i]);
      g_autoptr (RbTestResponse) put
          = send_body (f, "PUT", token, NULL, "image/svg+xml", svg, NULL);
      g_autoptr (RbTestResponse) del = send_body (f, "DELETE", token, NULL, NULL, NULL, NULL);

      rb_test_assert_problem (put, 403, "forbidden");
      rb_test_assert_problem (del, 403, "forbidden");
    }
  {
    g_autoptr (RbTestResponse) put = send_body (f, "PUT", NULL, NULL, "image/svg+xml", svg, NULL);
    g_autoptr (RbTestResponse) del = send_body (f, "DELETE", NULL, NULL, NULL, NULL, NULL);
    g_autoptr (RbTestResponse) kiosk_put
        = send_body (f, "PUT", NULL, device, "image/svg+xml", svg, NULL);
    g_autoptr (RbTestResponse) get = send_body (f, "GET", NULL, NULL, NULL, NULL, NULL);

    rb_test_assert_problem (put, 401, "unauthenticated");
    rb_test_assert_problem (del, 401, "unauthenticated");
    rb_test_assert_problem (kiosk_put, 401, "unauthenticated");
    rb_test_assert_problem (get, 401, "unauthenticated");
  }
  /* Nothing refused left a trace. */
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE action = 'floor.plan'"),
                   ==, audits_before);

  {
    g_autoptr (RbTestResponse) put = send_body (f, "PUT", admin, NULL, "image/svg+xml", svg, NULL);

    rb_test_assert_status (put, 200);
    g_assert_cmpstr (rb_test_response_get_string (put, "content_type"), ==, "image/svg+xml");
  }
  /* Every role reads it, a kiosk too, byte for byte. */
  for (guint i = 0; i < G_N_ELEMENTS (others) + 2; i++)
    {
      g_autofree char *token = i < G_N_ELEMENTS (others) ? login_role (f, others[i])
                               : i == G_N_ELEMENTS (others) ? g_strdup (admin)
                                                            : NULL;
      g_autoptr (RbTestResponse) get
          = send_body (f, "GET", token, token == NULL ? device : NULL, NULL, NULL, NULL);

      rb_test_assert_status (get, 200);
      g_assert_cmpstr (get->content_type, ==, "image/svg+xml");
      g_assert_true (g_bytes_equal (get->body, svg));
    }
  {
    g_autoptr (JsonObject) floor = floor_object (f, admin);
    JsonObject *plan = json_object_get_object_member (floor, "plan");

    g_assert_nonnull (plan);
    g_assert_cmpstr (json_object_get_string_member (plan, "content_type"), ==, "image/svg+xml");
    g_assert_true (json_object_has_member (plan, "updated_at"));
  }
  {
    g_autoptr (RbTestResponse) del = send_body (f, "DELETE", admin, NULL, NULL, NULL, NULL);
    g_autoptr (RbTestResponse) get = send_body (f, "GET", admin, NULL, NULL, NULL, NULL);
    g_autoptr (RbTestResponse) again = send_body (f, "DELETE", admin, NULL, NULL, NULL, NULL);
    g_autoptr (JsonObject) floor = NULL;

    rb_test_assert_status (del, 204);
    rb_test_assert_problem (get, 404, "not_found");
    rb_test_assert_problem (again, 404, "not_found");
    floor = floor_object (f, admin);
    g_assert_true (json_object_get_null_member (floor, "plan"));
  }
  /* Two changes, each with its audit entry and topic row. */
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE action = 'floor.plan'"),
                   ==, audits_before + 2);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM changes WHERE topic = 'building'"),
                   ==, topics_before + 2);
}

/* A PNG is kept as one; the ETag answers 304 until the drawing changes. */
static void
test_plan_png_etag (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = login_role (f, "admin");
  g_autoptr (GBytes) png = png_bytes ();
  g_autoptr (RbTestResponse) put = send_body (f, "PUT", admin, NULL, "image/png", png, NULL);
  g_autoptr (RbTestResponse) get = send_body (f, "GET", admin, NULL, NULL, NULL, NULL);
  g_autoptr (RbTestResponse) cached = NULL;
  g_autoptr (RbTestResponse) other = NULL;
  const char *etag;

  rb_test_assert_status (put, 200);
  rb_test_assert_status (get, 200);
  g_assert_cmpstr (get->content_type, ==, "image/png");
  g_assert_true (g_bytes_equal (get->body, png));
  etag = soup_message_headers_get_one (get->headers, "ETag");
  g_assert_nonnull (etag);
  cached = send_body (f, "GET", admin, NULL, NULL, NULL, etag);
  rb_test_assert_status (cached, 304);
  other = send_body (f, "GET", admin, NULL, NULL, NULL, "\"1\"");
  rb_test_assert_status (other, 200);
}

/* Other types, content that is not what it claims, too large, an unknown floor. */
static void
test_plan_refused (Fixture *f, gconstpointer data)
{
  g_autofree char *admin = login_role (f, "admin");
  g_autoptr (GBytes) svg = svg_bytes ();
  g_autoptr (GBytes) jpeg = g_bytes_new_static ("\xff\xd8\xff\xe0", 4);
  g_autoptr (GBytes) not_svg = g_bytes_new_static ("<html><svg/></html>", 19);
  g_autoptr (GBytes) broken = g_bytes_new_static ("<svg><g></svg>", 14);
  gsize big_size = 5 * 1024 * 1024 + 1;
  g_autoptr (GBytes) big = g_bytes_new_take (g_malloc0 (big_size), big_size);
  g_autoptr (RbTestResponse) as_jpeg = send_body (f, "PUT", admin, NULL, "image/jpeg", jpeg, NULL);
  g_autoptr (RbTestResponse) as_json
      = send_body (f, "PUT", admin, NULL, "application/json", svg, NULL);
  g_autoptr (RbTestResponse) svg_as_png = send_body (f, "PUT", admin, NULL, "image/png", svg, NULL);
  g_autoptr (RbTestResponse) html = send_body (f, "PUT", admin, NULL, "image/svg+xml", not_svg, NULL);
  g_autoptr (RbTestResponse) unclosed
      = send_body (f, "PUT", admin, NULL, "image/svg+xml", broken, NULL);
  g_autoptr (RbTestResponse) too_big = send_body (f, "PUT", admin, NULL, "image/svg+xml", big, NULL);
  g_autofree char *unknown_url = rb_test_server_url (f->server, "/api/v1/floors/nowhere/plan");
  g_autoptr (SoupMessage) unknown_msg = rb_test_message_new ("PUT", unknown_url, admin);
  g_autoptr (RbTestResponse) unknown = NULL;

  rb_test_assert_problem (as_jpeg, 415, "unsupported_media_type");
  rb_test_assert_problem (as_json, 415, "unsupported_media_type");
  rb_test_assert_problem (svg_as_png, 415, "unsupported_media_type");
  rb_test_assert_problem (html, 415, "unsupported_media_type");
  rb_test_assert_problem (unclosed, 415, "unsupported_media_type");
  rb_test_assert_problem (too_big, 413, "payload_too_large");
  soup_message_set_request_body_from_bytes (unknown_msg, "image/svg+xml", svg);
  unknown = rb_test_send (f->session, unknown_msg);
  rb_test_assert_problem (unknown, 404, "not_found");
  /* Whatever the demo seed put there is still there. */
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server),
                                   "SELECT count(*) FROM audit_log WHERE action = 'floor.plan'"),
                   ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/plan/roles", Fixture, NULL, fixture_set_up, test_plan_roles,
              fixture_tear_down);
  g_test_add ("/server/plan/png-etag", Fixture, NULL, fixture_set_up, test_plan_png_etag,
              fixture_tear_down);
  g_test_add ("/server/plan/refused", Fixture, NULL, fixture_set_up, test_plan_refused,
              fixture_tear_down);
  return g_test_run ();
}
