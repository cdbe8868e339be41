/* test-server-input.c: what the real raumbuch-server refuses although it is well-formed HTTP
 * (issue 10, items 9 and 11), each refusal with a problem document that names what was wrong,
 * and nothing written:
 *  - members a request does not know, and a member given twice, on POST /bookings, /series
 *    and /sessions (and PATCH /bookings/{id});
 *  - a string holding U+0000, and numbers that are no 64-bit integer where one is expected;
 *  - times outside 1970–2999 (years 1 and 9999 reached uninitialised memory and wrote GLib
 *    criticals), and fractions of a second that are not zero;
 *  - bodies that are not declared as JSON (415);
 *  - any of that from a caller without a valid session or device token: 401 first;
 *  - an Idempotency-Key used again with another body (422).
 * The server's clock starts at Monday 30 November 2026, 07:00 in Bonn (--now). */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW "2026-11-30T07:00:00+01:00"
#define JONAS "14475" /* staff */
#define ANNA "13663"  /* team lead */

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->dir = rb_test_make_tmpdir ();
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, NOW);
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
  rb_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* ---- helpers ------------------------------------------------------------------------------- */

static char *
login (Fixture *f, const char *staff_number)
{
  return rb_test_login_person (f->session, f->server, rb_test_demo_person (staff_number));
}

static gint64
count_rows (Fixture *f, const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);

  return rb_test_db_int (rb_test_server_get_db_path (f->server), sql);
}

/* Sends body (JSON text, may contain anything) and asserts the problem; its detail must
 * contain needle when needle is not NULL. */
static void
expect_problem (Fixture *f, const char *method, const char *path, const char *token,
                const char *body, guint status, const char *code, const char *needle)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);
  g_autoptr (RbTestResponse) resp = NULL;
  const char *detail;

  g_test_message ("%s %s %s", method, path, body);
  if (g_str_has_prefix (path, "/api/v1/bookings/"))
    resp = rb_test_request (f->session, method, url, token, body, "If-Match", "\"1\"", NULL);
  else
    resp = rb_test_request (f->session, method, url, token, body, NULL);
  rb_test_assert_problem (resp, status, code);
  detail = rb_test_response_get_string (resp, "detail");
  if (needle != NULL && strstr (detail, needle) == NULL)
    g_error ("the detail “%s” does not name %s", detail, needle);
}

/* A booking request for Tuesday 09:00–10:00 in Bonn in room a0-r03 with one member's raw
 * JSON text replaced (value NULL leaves it out) and extra raw members appended. */
static char *
booking_body (const char *id, const char *member, const char *value, const char *extra)
{
  const char *names[] = { "id", "space_id", "start", "end", "title", "attendees" };
  g_autofree char *quoted_id = g_strdup_printf ("\"%s\"", id);
  const char *values[] = { quoted_id, "\"a0-r03\"", "\"2026-12-01T08:00:00Z\"",
                           "\"2026-12-01T09:00:00Z\"", "\"Review\"", "2" };
  GString *out = g_string_new ("{");

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *v = g_strcmp0 (names[i], member) == 0 ? value : values[i];

      if (v != NULL)
        g_string_append_printf (out, "%s\"%s\": %s", out->len > 1 ? ", " : "", names[i], v);
    }
  if (extra != NULL)
    g_string_append_printf (out, ", %s", extra);
  g_string_append_c (out, '}');
  return g_string_free (out, FALSE);
}

static char *
series_body (const char *id, const char *extra)
{
  return g_strdup_printf ("{\"id\": \"%s\", \"space_id\": \"a0-r03\", "
                          "\"start\": \"2026-12-01T08:00:00Z\", \"end\": \"2026-12-01T09:00:00Z\", "
                          "\"rrule\": \"FREQ=WEEKLY;COUNT=2\", \"title\": \"Sprint\", "
                          "\"attendees\": 2, \"mode\": \"all_or_nothing\"%s%s}",
                          id, extra != NULL ? ", " : "", extra != NULL ? extra : "");
}

/* ---- unknown members ---------------------------------------------------------------------- */

/* A member the server does not know is refused, not dropped: its sender would believe it
 * applied. */
static void
test_unknown_members (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *series_id = g_uuid_string_random ();
  /* "state" is a member of a booking request (issue 12: checked in at a kiosk), not of a
   * series; created_at is the server's to say. */
  const char *extras[] = { "\"person_id\": \"p-95113\"",
                           "\"created_at\": \"2026-12-01T08:00:00Z\"",
                           "\"Title\": \"x\"", "\"\": 1", "\"attendees \": 2" };
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *valid = booking_body (id, NULL, NULL, NULL);
  g_autoptr (RbTestResponse) created = NULL;
  g_autofree char *patch_path = g_strdup_printf ("/api/v1/bookings/%s", id);

  for (guint i = 0; i < G_N_ELEMENTS (extras); i++)
    {
      g_autofree char *body = booking_body (id, NULL, NULL, extras[i]);
      g_autofree char *series = series_body (series_id, extras[i]);
      g_autofree char *name = g_strndup (extras[i] + 1, strchr (extras[i] + 1, '"') - extras[i] - 1);
      g_autofree char *needle = g_strdup_printf ("“%s”", name);

      expect_problem (f, "POST", "/api/v1/bookings", jonas, body, 422, "invalid_field", needle);
      expect_problem (f, "POST", "/api/v1/series", anna, series, 422, "invalid_field", needle);
    }
  {
    g_autofree char *series = series_body (series_id, "\"state\": \"checked_in\"");

    expect_problem (f, "POST", "/api/v1/series", anna, series, 422, "invalid_field", "“state”");
  }
  expect_problem (f, "POST", "/api/v1/sessions", NULL,
                  "{\"staff_number\": \"" JONAS "\", \"pin\": \"8466\", \"device\": \"kiosk\"}",
                  422, "invalid_field", "“device”");
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
  g_assert_cmpint (count_rows (f, "series"), ==, 0);

  /* The valid request goes through, and a change of it knows its members too. */
  created = rb_test_request (f->session, "POST", url, jonas, valid, NULL);
  rb_test_assert_status (created, 201);
  expect_problem (f, "PATCH", patch_path, jonas, "{\"title\": \"x\", \"space_id\": \"a0-r04\"}",
                  422, "invalid_field", "“space_id”");
}

/* ---- a member twice ------------------------------------------------------------------------ */

/* Which of two values would count is not defined (RFC 8259), so neither does. */
static void
test_duplicate_members (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *series_id = g_uuid_string_random ();
  g_autofree char *twice_attendees = booking_body (id, NULL, NULL, "\"attendees\": 1000");
  g_autofree char *other_id = g_strdup_printf ("\"id\": \"%s\"", other);
  g_autofree char *twice_id = booking_body (id, NULL, NULL, other_id);
  g_autofree char *twice_space = booking_body (id, NULL, NULL, "\"space_\\u0069d\": \"a0-r04\"");
  g_autofree char *twice_rrule = series_body (series_id, "\"rrule\": \"FREQ=DAILY;COUNT=300\"");

  expect_problem (f, "POST", "/api/v1/bookings", jonas, twice_attendees, 400, "invalid_json",
                  "“attendees”");
  expect_problem (f, "POST", "/api/v1/bookings", jonas, twice_id, 400, "invalid_json", "“id”");
  /* An escape spells the same name. */
  expect_problem (f, "POST", "/api/v1/bookings", jonas, twice_space, 400, "invalid_json",
                  "“space_id”");
  expect_problem (f, "POST", "/api/v1/series", anna, twice_rrule, 400, "invalid_json",
                  "“rrule”");
  expect_problem (f, "POST", "/api/v1/sessions", NULL,
                  "{\"staff_number\": \"" JONAS "\", \"pin\": \"0000\", \"pin\": \"8466\"}", 400,
                  "invalid_json", "“pin”");
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
  g_assert_cmpint (count_rows (f, "series"), ==, 0);
}

/* ---- U+0000 and numbers ------------------------------------------------------------------- */

/* A C string ends at U+0000: the value could only be cut short, so it is refused. */
static void
test_nul_in_strings (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *id_with_nul = g_strdup_printf ("\"%s\\u0000x\"", id);
  struct
  {
    const char *member;
    const char *value;
  } cases[] = {
    { "title", "\"Review\\u0000 of the budget\"" },
    { "title", "\"\\u0000\"" },
    { "space_id", "\"a0-r03\\u0000\"" },
    { "id", id_with_nul },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = booking_body (id, cases[i].member, cases[i].value, NULL);
      g_autofree char *needle = g_strdup_printf ("“%s”", cases[i].member);

      expect_problem (f, "POST", "/api/v1/bookings", jonas, body, 422, "invalid_field", needle);
    }
  expect_problem (f, "POST", "/api/v1/sessions", NULL,
                  "{\"staff_number\": \"" JONAS "\\u0000\", \"pin\": \"8466\"}", 422,
                  "invalid_field", "“staff_number”");
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
}

/* attendees is a 64-bit integer: json-glib wrapped -18446744073709551614 around to 2. */
static void
test_numbers (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  const char *numbers[] = { "-18446744073709551614", "18446744073709551618",
                            "-9223372036854775809", "1e400", "2.0", "2e0", "2.5" };

  for (guint i = 0; i < G_N_ELEMENTS (numbers); i++)
    {
      g_autofree char *body = booking_body (id, "attendees", numbers[i], NULL);

      expect_problem (f, "POST", "/api/v1/bookings", jonas, body, 422, "invalid_field",
                      "“attendees”");
    }
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
}

/* ---- times ---------------------------------------------------------------------------------- */

static void
assert_log_clean (Fixture *f)
{
  g_autofree char *log = NULL;
  g_autoptr (GError) error = NULL;

  g_file_get_contents (rb_test_server_get_log_path (f->server), &log, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (log, "CRITICAL"));
  g_assert_null (strstr (log, "WARNING"));
}

static void
test_times (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *series_id = g_uuid_string_random ();
  const char *out_of_range[] = {
    "\"0001-01-01T08:00:00Z\"", "\"9999-12-31T08:00:00Z\"", "\"9999-12-31T23:59:59-23:59\"",
    "\"1969-12-31T23:45:00Z\"", "\"3000-01-01T00:00:00Z\"",
  };
  const char *queries[] = {
    "/api/v1/bookings?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z",
    "/api/v1/bookings?from=9999-12-31T00:00:00Z",
    "/api/v1/spaces?free_from=9999-12-31T08:00:00Z&free_to=9999-12-31T09:00:00Z",
    "/api/v1/blocks?from=0001-01-01T00:00:00Z&to=0001-01-02T00:00:00Z",
    "/api/v1/bookings?from=2026-12-01T00:00:00.5Z&to=2026-12-02T00:00:00Z",
  };
  g_autofree char *series = g_strdup_printf (
      "{\"id\": \"%s\", \"space_id\": \"a0-r03\", \"start\": \"9999-12-01T08:00:00Z\", "
      "\"end\": \"9999-12-01T09:00:00Z\", \"rrule\": \"FREQ=DAILY;COUNT=3\"}", series_id);
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");
  g_autofree char *zero_fraction = booking_body (id, "start", "\"2026-12-01T08:00:00.000Z\"",
                                                 NULL);
  g_autoptr (RbTestResponse) created = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (out_of_range); i++)
    {
      g_autofree char *start = booking_body (id, "start", out_of_range[i], NULL);
      g_autofree char *end = booking_body (id, "end", out_of_range[i], NULL);

      expect_problem (f, "POST", "/api/v1/bookings", jonas, start, 422, "invalid_field",
                      "“start”");
      expect_problem (f, "POST", "/api/v1/bookings", jonas, end, 422, "invalid_field", "“end”");
    }
  expect_problem (f, "POST", "/api/v1/series", anna, series, 422, "invalid_field", "1970");
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    expect_problem (f, "GET", queries[i], jonas, NULL, 422, "invalid_field", NULL);

  /* 08:00:00.5 is not 08:00:00: refused, not rounded. */
  {
    g_autofree char *half = booking_body (id, "start", "\"2026-12-01T08:00:00.5Z\"", NULL);

    expect_problem (f, "POST", "/api/v1/bookings", jonas, half, 422, "invalid_field",
                    "fraction");
  }
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
  g_assert_cmpint (count_rows (f, "series"), ==, 0);

  /* A fraction of zero is the whole second (JavaScript's toISOString writes ".000Z"). */
  created = rb_test_request (f->session, "POST", url, jonas, zero_fraction, NULL);
  rb_test_assert_status (created, 201);
  g_assert_cmpstr (rb_test_response_get_string (created, "start"), ==, "2026-12-01T08:00:00Z");

  assert_log_clean (f);
}

/* ---- Content-Type -------------------------------------------------------------------------- */

/* Sends body with the given Content-Type header (NULL: none at all). */
static RbTestResponse *
send_typed (Fixture *f, const char *method, const char *path, const char *token,
            const char *body, const char *content_type)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);
  g_autoptr (SoupMessage) msg = rb_test_message_new (method, url, token);
  g_autoptr (GBytes) bytes = g_bytes_new (body, strlen (body));

  if (g_str_has_prefix (path, "/api/v1/bookings/"))
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-Match", "\"1\"");
  soup_message_set_request_body_from_bytes (msg, NULL, bytes);
  if (content_type != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "Content-Type",
                                  content_type);
  return rb_test_send (f->session, msg);
}

static void
test_content_type (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *anna = login (f, ANNA);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *series_id = g_uuid_string_random ();
  g_autofree char *booking = booking_body (id, NULL, NULL, NULL);
  g_autofree char *series = series_body (series_id, NULL);
  g_autofree char *patch_path = g_strdup_printf ("/api/v1/bookings/%s", id);
  const char *login_body = "{\"staff_number\": \"" JONAS "\", \"pin\": \"8466\"}";
  /* curl -d sends the form type; NULL sends no Content-Type at all. */
  const char *wrong[] = { "application/x-www-form-urlencoded", "text/plain", "text/json",
                          "application/json; charset=iso-8859-1", "application/jsonx",
                          "multipart/form-data; boundary=x", NULL };
  g_autoptr (RbTestResponse) created = NULL;

  for (guint i = 0; i <= G_N_ELEMENTS (wrong); i++)
    {
      const char *type = i < G_N_ELEMENTS (wrong) ? wrong[i] : NULL;
      g_autoptr (RbTestResponse) create = NULL;
      g_autoptr (RbTestResponse) reserve = NULL;
      g_autoptr (RbTestResponse) session = NULL;

      g_test_message ("Content-Type: %s", type != NULL ? type : "(none)");
      create = send_typed (f, "POST", "/api/v1/bookings", jonas, booking, type);
      rb_test_assert_problem (create, 415, "unsupported_media_type");
      reserve = send_typed (f, "POST", "/api/v1/series", anna, series, type);
      rb_test_assert_problem (reserve, 415, "unsupported_media_type");
      session = send_typed (f, "POST", "/api/v1/sessions", NULL, login_body, type);
      rb_test_assert_problem (session, 415, "unsupported_media_type");
    }
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
  g_assert_cmpint (count_rows (f, "series"), ==, 0);

  /* The media type is case-insensitive, and UTF-8 may be named. */
  created = send_typed (f, "POST", "/api/v1/bookings", jonas, booking,
                        "Application/JSON; charset=\"UTF-8\"");
  rb_test_assert_status (created, 201);
  {
    g_autoptr (RbTestResponse) patch = send_typed (f, "PATCH", patch_path, jonas,
                                                   "{\"title\": \"x\"}", "text/plain");

    rb_test_assert_problem (patch, 415, "unsupported_media_type");
  }
}

/* ---- Idempotency-Key ------------------------------------------------------------------------ */

static RbTestResponse *
post_booking (Fixture *f, const char *token, const char *id, const char *body)
{
  g_autofree char *url = rb_test_server_url (f->server, "/api/v1/bookings");

  return rb_test_request (f->session, "POST", url, token, body, "Idempotency-Key", id, NULL);
}

/* A retry with the same Idempotency-Key and the same body gets the first booking (200); the
 * same key with another body is another request and gets 422 idempotency_key_reused, and the
 * booking stays as it was. Before, any body with a known key got the first booking with 200. */
static void
test_idempotency_key_reused (Fixture *f, gconstpointer data)
{
  g_autofree char *jonas = login (f, JONAS);
  g_autofree char *id = g_uuid_string_random ();
  g_autofree char *body = booking_body (id, NULL, NULL, NULL);
  g_autofree char *later = booking_body (id, "end", "\"2026-12-01T10:00:00Z\"", NULL);
  g_autofree char *other_room = booking_body (id, "space_id", "\"a0-r01\"", NULL);
  g_autofree char *other_title = booking_body (id, "title", "\"Retro\"", NULL);
  g_autoptr (RbTestResponse) created = post_booking (f, jonas, id, body);
  g_autoptr (RbTestResponse) retried = post_booking (f, jonas, id, body);
  g_autoptr (RbTestResponse) changed_end = post_booking (f, jonas, id, later);
  g_autoptr (RbTestResponse) changed_room = post_booking (f, jonas, id, other_room);
  g_autoptr (RbTestResponse) changed_title = post_booking (f, jonas, id, other_title);
  g_autoptr (RbTestResponse) again = post_booking (f, jonas, id, body);
  g_autofree char *sql = g_strdup_printf ("SELECT \"end\" FROM bookings WHERE id = '%s'", id);

  rb_test_assert_status (created, 201);
  rb_test_assert_status (retried, 200);
  rb_test_assert_problem (changed_end, 422, "idempotency_key_reused");
  rb_test_assert_problem (changed_room, 422, "idempotency_key_reused");
  rb_test_assert_problem (changed_title, 422, "idempotency_key_reused");
  rb_test_assert_status (again, 200);
  g_assert_cmpint (count_rows (f, "bookings"), ==, 1);
  g_assert_cmpint (rb_test_db_int (rb_test_server_get_db_path (f->server), sql), ==,
                   rb_test_utc_time (2026, 12, 1, 9, 0, 0));
}

/* ---- who asks, before what is asked -------------------------------------------------------- */

/* A route that needs a session or a device token answers 401 to a caller without a valid one
 * before it looks at the request: no invalid_field, invalid_json or unsupported_media_type
 * tells an anonymous caller how a valid request would look. Before, the body and the query
 * were validated first (422, 400, 415) and only a valid request met the 401. */
static void
test_anonymous_first (Fixture *f, gconstpointer data)
{
  static const struct
  {
    const char *method;
    const char *path;
    const char *body; /* JSON, or NULL */
    const char *content_type;
  } cases[] = {
    { "POST", "/api/v1/bookings", "{\"id\": \"x\"}", "application/json" },
    { "POST", "/api/v1/bookings", "{", "application/json" },
    { "POST", "/api/v1/bookings", "{}", "text/plain" },
    { "PATCH", "/api/v1/bookings/b-1", "{\"colour\": 1}", "application/json" },
    { "POST", "/api/v1/series", "{}", "application/json" },
    { "POST", "/api/v1/spaces/a0-r03/blocks", "{\"start\": 1}", "application/json" },
    { "GET", "/api/v1/bookings?from=yesterday", NULL, NULL },
    { "GET", "/api/v1/occupancy?bucket=year", NULL, NULL },
    { "GET", "/api/v1/changes?since=-1", NULL, NULL },
    { "GET", "/api/v1/blocks?from=never", NULL, NULL },
  };
  /* Well-formed, but no session or device has it. */
  const char *forged = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (int with_token = 0; with_token <= 1; with_token++)
      {
        g_autofree char *url = rb_test_server_url (f->server, "%s", cases[i].path);
        g_autoptr (SoupMessage) msg = rb_test_message_new (cases[i].method, url,
                                                           with_token ? forged : NULL);
        g_autoptr (RbTestResponse) resp = NULL;

        g_test_message ("%s %s %s", cases[i].method, cases[i].path,
                        with_token ? "(forged token)" : "(anonymous)");
        if (cases[i].body != NULL)
          {
            g_autoptr (GBytes) bytes = g_bytes_new (cases[i].body, strlen (cases[i].body));

            soup_message_set_request_body_from_bytes (msg, cases[i].content_type, bytes);
          }
        resp = rb_test_send (f->session, msg);
        rb_test_assert_problem (resp, 401, "unauthenticated");
      }
  g_assert_cmpint (count_rows (f, "bookings"), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/server/input/unknown-members", Fixture, NULL, fixture_set_up,
              test_unknown_members, fixture_tear_down);
  g_test_add ("/server/input/duplicate-members", Fixture, NULL, fixture_set_up,
              test_duplicate_members, fixture_tear_down);
  g_test_add ("/server/input/nul-in-strings", Fixture, NULL, fixture_set_up,
              test_nul_in_strings, fixture_tear_down);
  g_test_add ("/server/input/numbers", Fixture, NULL, fixture_set_up, test_numbers,
              fixture_tear_down);
  g_test_add ("/server/input/times", Fixture, NULL, fixture_set_up, test_times,
              fixture_tear_down);
  g_test_add ("/server/input/content-type", Fixture, NULL, fixture_set_up, test_content_type,
              fixture_tear_down);
  g_test_add ("/server/input/anonymous-first", Fixture, NULL, fixture_set_up,
              test_anonymous_first, fixture_tear_down);
  g_test_add ("/server/input/idempotency-key-reused", Fixture, NULL, fixture_set_up,
              test_idempotency_key_reused, fixture_tear_down);

  return g_test_run ();
}
