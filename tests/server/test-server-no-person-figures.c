/* test-server-no-person-figures.c: no endpoint returns a figure per person (issue 13, item 2).
 *
 * A week with many people's bookings, a series, a block, consent to show names and the site
 * showing them, and a minimum group of 1 (so every figure is shown): the worst case. Then
 * every GET of data/openapi.json is asked, by an administrator, a facility manager and a
 * member of staff. Wherever an answer names a person (a person id, an actor, a staff number or
 * a name), the numbers beside it may only be attributes of one record (a booking's attendees,
 * its version), never a count, rate or duration; the reports name nobody at all; and
 * occupancy cannot be grouped by person. A GET added to the API without a line here fails
 * the test, so that nobody adds a report per person unnoticed. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"

#define MONDAY "2026-01-05T07:00:00Z"
/* Monday 5 January 2026, 00:00 UTC */
#define DAY G_GINT64_CONSTANT (1767571200)
#define AT(day, hour_utc) (DAY + (day) * 86400 + (hour_utc) * 3600)
#define ADMIN "95113"
#define FACILITY "87666"
#define STAFF "14475"
#define SERIES_ID "5b0c44a6-8d4e-4a53-9b7e-3c1f3c0f9a01"

/* Numbers that describe one record, which may stand beside a person. */
static const char *const record_attributes[] = {
  "attendees", /* a booking's */
  "version",   /* a booking's or a person's optimistic-concurrency version */
  "seq",       /* the change sequence number of a booking's last change */
  "id",        /* an audit entry's */
  "capacity", "level", "position", "x", "y", "w", "h", "width", "height", /* spaces, floors */
};

typedef enum
{
  ANSWER_JSON,
  ANSWER_CSV,
  ANSWER_ICALENDAR,
  /* not data about people: the API document, a floor's drawing, the WebSocket of heads */
  ANSWER_NOT_ASKED,
} AnswerKind;

typedef struct
{
  const char *pattern; /* as in data/openapi.json */
  const char *path;    /* a request for it; NULL for ANSWER_NOT_ASKED */
  AnswerKind kind;
  gboolean report;     /* an aggregate: names nobody at all */
} Endpoint;

#define RANGE "from=2026-01-05T00:00:00Z&to=2026-01-10T00:00:00Z"

static const Endpoint endpoints[] = {
  { "/health", "/api/v1/health", ANSWER_JSON, FALSE },
  { "/openapi.json", NULL, ANSWER_NOT_ASKED, FALSE },
  { "/login-locks", "/api/v1/login-locks", ANSWER_JSON, FALSE },
  { "/sites", "/api/v1/sites", ANSWER_JSON, FALSE },
  { "/buildings", "/api/v1/buildings", ANSWER_JSON, FALSE },
  { "/floors", "/api/v1/floors", ANSWER_JSON, FALSE },
  { "/spaces", "/api/v1/spaces?floor=flr-a-eg", ANSWER_JSON, FALSE },
  { "/bookings", "/api/v1/bookings?" RANGE "&limit=500", ANSWER_JSON, FALSE },
  { "/changes", "/api/v1/changes?since=0&limit=1000", ANSWER_JSON, FALSE },
  { "/changes/stream", NULL, ANSWER_NOT_ASKED, FALSE },
  { "/series/{id}", "/api/v1/series/" SERIES_ID, ANSWER_JSON, FALSE },
  { "/me/bookings.ics", "/api/v1/me/bookings.ics?" RANGE, ANSWER_ICALENDAR, FALSE },
  { "/occupancy", "/api/v1/occupancy?" RANGE "&bucket=hour&group=floor,kind", ANSWER_JSON, TRUE },
  { "/reports/utilisation.csv", "/api/v1/reports/utilisation.csv?" RANGE "&bucket=day",
    ANSWER_CSV, TRUE },
  { "/spaces/{id}/blocks", "/api/v1/spaces/a0-r01/blocks?" RANGE, ANSWER_JSON, FALSE },
  { "/blocks", "/api/v1/blocks?" RANGE, ANSWER_JSON, FALSE },
  { "/building/export", "/api/v1/building/export", ANSWER_JSON, FALSE },
  { "/policy", "/api/v1/policy", ANSWER_JSON, FALSE },
  { "/audit", "/api/v1/audit?limit=200", ANSWER_JSON, FALSE },
  { "/floors/{id}/plan", NULL, ANSWER_NOT_ASKED, FALSE },
  { "/people", "/api/v1/people?include_inactive=true", ANSWER_JSON, FALSE },
  { "/me/privacy", "/api/v1/me/privacy", ANSWER_JSON, FALSE },
  /* the caller's own data (DSGVO Art. 15) */
  { "/me/export", "/api/v1/me/export", ANSWER_JSON, FALSE },
};

typedef struct
{
  char *dir;
  RbTestServer *server;
  SoupSession *session;
} Fixture;

static RbTestResponse *
request (Fixture *f, const char *method, const char *token, const char *body, const char *path)
{
  g_autofree char *url = rb_test_server_url (f->server, "%s", path);

  return rb_test_request (f->session, method, url, token, body, NULL);
}

static void
expect (RbTestResponse *resp, guint status)
{
  rb_test_assert_status (resp, status);
  rb_test_response_free (resp);
}

/* Six people's desks and a room on Monday to Wednesday, a team lead's weekly room, a block
 * that cancels a booking, two people who agreed to show their names, a sign-in that failed. */
static void
fill_the_week (Fixture *f)
{
  guint n_people;
  const RbTestPerson *people = rb_test_demo_people (&n_people);
  g_autofree char *team_lead = rb_test_login_person (
      f->session, f->server, rb_test_demo_person_with_role ("team_lead", 0));
  g_autofree char *facility =
      rb_test_login_person (f->session, f->server, rb_test_demo_person (FACILITY));
  g_autofree char *series = NULL;
  g_autofree char *from = rb_test_rfc3339 (AT (1, 8));
  g_autofree char *to = rb_test_rfc3339 (AT (1, 9));
  g_autofree char *block_from = rb_test_rfc3339 (AT (2, 6));
  g_autofree char *block_to = rb_test_rfc3339 (AT (2, 16));
  g_autofree char *block = NULL;
  guint booked = 0;

  for (guint i = 0; i < n_people && booked < 6; i++)
    {
      g_autofree char *token = NULL;
      g_autofree char *desk = NULL;

      if (!g_str_equal (people[i].role, "staff"))
        continue;
      token = rb_test_login_person (f->session, f->server, &people[i]);
      desk = g_strdup_printf ("a0-d%03u", booked + 1);
      for (int day = 0; day < 3; day++)
        {
          g_autofree char *id = g_uuid_string_random ();

          expect (rb_test_create_booking (f->session, f->server, token, id, desk, AT (day, 8),
                                          AT (day, 15), NULL, 0),
                  201);
        }
      if (booked < 2)
        expect (request (f, "PUT", token, "{\"show_name\": true}", "/api/v1/me/privacy"), 200);
      booked++;
    }
  g_assert_cmpuint (booked, ==, 6);

  series = g_strdup_printf ("{\"id\": \"%s\", \"space_id\": \"a0-r01\", \"start\": \"%s\", "
                            "\"end\": \"%s\", \"rrule\": \"FREQ=WEEKLY;COUNT=2\", "
                            "\"title\": \"Sprint-Review\", \"attendees\": 4, \"mode\": \"all_or_nothing\"}",
                            SERIES_ID, from, to);
  expect (request (f, "POST", team_lead, series, "/api/v1/series"), 201);
  block = g_strdup_printf ("{\"start\": \"%s\", \"end\": \"%s\", \"reason\": \"Painting\"}",
                           block_from, block_to);
  expect (request (f, "POST", facility, block, "/api/v1/spaces/a0-d001/blocks"), 201);

  /* A failed sign-in, for the list of locks. */
  expect (request (f, "POST", NULL, "{\"staff_number\": \"17157\", \"pin\": \"0000\"}",
                   "/api/v1/sessions"),
          401);
  rb_test_set_policy_member (f->session, f->server, "show_names",
                             json_node_init_boolean (json_node_alloc (), TRUE));
  rb_test_set_policy_member (f->session, f->server, "min_group_size",
                             json_node_init_int (json_node_alloc (), 1));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("raumbuch-no-person-figures-XXXXXX", &error);
  g_assert_no_error (error);
  f->server = rb_test_server_new (f->dir);
  rb_test_server_set_now (f->server, MONDAY);
  rb_test_server_start (f->server);
  f->session = rb_test_client_new ();
  fill_the_week (f);
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

static gboolean
names_person (JsonObject *o)
{
  static const char *const person_members[] = { "person_id", "actor", "staff_number",
                                                "display_name", "person_name" };

  for (guint i = 0; i < G_N_ELEMENTS (person_members); i++)
    {
      JsonNode *node = json_object_get_member (o, person_members[i]);

      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        return TRUE;
    }
  return FALSE;
}

static gboolean
is_record_attribute (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (record_attributes); i++)
    if (g_str_equal (name, record_attributes[i]))
      return TRUE;
  return FALSE;
}

/* Walks an answer: every object that names a person carries no figure, and a report names
 * nobody. Counts the objects that name a person. */
static guint
check_node (JsonNode *node, const char *where, gboolean report)
{
  guint named = 0;

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *a = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (a); i++)
        named += check_node (json_array_get_element (a, i), where, report);
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *o = json_node_get_object (node);
      g_autoptr (GList) members = json_object_get_members (o);
      gboolean person = names_person (o);

      if (person)
        {
          named++;
          if (report)
            g_error ("%s: a report names a person", where);
        }
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (o, l->data);

          if (person && JSON_NODE_HOLDS_VALUE (value)
              && (json_node_get_value_type (value) == G_TYPE_INT64
                  || json_node_get_value_type (value) == G_TYPE_DOUBLE)
              && !is_record_attribute (l->data))
            g_error ("%s: the figure \"%s\" stands beside a person", where,
                     (const char *) l->data);
          named += check_node (value, where, report);
        }
    }
  return named;
}

static const Endpoint *
find_endpoint (const char *pattern)
{
  for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
    if (g_str_equal (endpoints[i].pattern, pattern))
      return &endpoints[i];
  return NULL;
}

/* The GETs of the API document, each of which must have its line above. */
static GPtrArray *
documented_gets (void)
{
  const char *path = g_getenv ("RAUMBUCH_OPENAPI");
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  GPtrArray *patterns = g_ptr_array_new_with_free_func (g_free);
  JsonObject *paths;
  g_autoptr (GList) names = NULL;

  g_assert_nonnull (path);
  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  paths = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                         "paths");
  names = json_object_get_members (paths);
  for (GList *l = names; l != NULL; l = l->next)
    if (json_object_has_member (json_object_get_object_member (paths, l->data), "get"))
      g_ptr_array_add (patterns, g_strdup (l->data));
  return patterns;
}

static void
check_text_answer (RbTestResponse *resp, const Endpoint *endpoint, const char *where)
{
  g_autofree char *text =
      g_strndup (g_bytes_get_data (resp->body, NULL), g_bytes_get_size (resp->body));
  guint n_people;
  const RbTestPerson *people = rb_test_demo_people (&n_people);

  if (endpoint->kind == ANSWER_CSV)
    {
      g_autofree char *header = g_strndup (text, strcspn (text, "\r\n"));
      g_auto (GStrv) columns = g_strsplit (header, ",", -1);

      g_assert_cmpuint (g_strv_length (columns), >, 1);
      for (guint i = 0; columns[i] != NULL; i++)
        if (strstr (columns[i], "person") || strstr (columns[i], "staff")
            || strstr (columns[i], "name"))
          g_error ("%s: the column \"%s\" names a person", where, columns[i]);
    }
  /* The CSV names nobody, the iCalendar file only its caller. */
  for (guint i = 0; i < n_people; i++)
    if (strstr (text, people[i].display_name) != NULL
        && (endpoint->kind == ANSWER_CSV || !g_str_equal (people[i].staff_number, STAFF)))
      g_error ("%s: names %s", where, people[i].display_name);
}

static void
test_no_figure_per_person (Fixture *f, gconstpointer data)
{
  const char *askers[] = { ADMIN, FACILITY, STAFF };
  g_autoptr (GPtrArray) documented = documented_gets ();
  guint named = 0, asked = 0;

  /* Every GET of the API is on the list, and every line is a GET of the API. */
  for (guint i = 0; i < documented->len; i++)
    if (find_endpoint (g_ptr_array_index (documented, i)) == NULL)
      g_error ("GET %s is not checked here: add it to endpoints[]",
               (const char *) g_ptr_array_index (documented, i));
  g_assert_cmpuint (documented->len, ==, G_N_ELEMENTS (endpoints));

  for (guint a = 0; a < G_N_ELEMENTS (askers); a++)
    {
      g_autofree char *token =
          rb_test_login_person (f->session, f->server, rb_test_demo_person (askers[a]));

      for (guint i = 0; i < G_N_ELEMENTS (endpoints); i++)
        {
          const Endpoint *endpoint = &endpoints[i];
          g_autoptr (RbTestResponse) resp = NULL;
          g_autofree char *where = NULL;

          if (endpoint->kind == ANSWER_NOT_ASKED)
            continue;
          resp = request (f, "GET", token, NULL, endpoint->path);
          where = g_strdup_printf ("GET %s as %s", endpoint->path, askers[a]);
          /* What a role may not read, it does not get. */
          if (resp->status == 403)
            continue;
          rb_test_assert_status (resp, 200);
          asked++;
          if (endpoint->kind == ANSWER_JSON)
            named += check_node (resp->json, where, endpoint->report);
          else
            check_text_answer (resp, endpoint, where);
        }
    }
  /* The answers did name people (bookings with consent, the people list, the audit log):
   * the check above looked at something. */
  g_assert_cmpuint (named, >, 20);
  g_assert_cmpuint (asked, >=, 3 * 12);
}

/* Occupancy is grouped by floor and kind, never by person. */
static void
test_no_group_by_person (Fixture *f, gconstpointer data)
{
  static const char *const groups[] = { "person", "person_id", "team", "floor,person" };
  g_autofree char *token =
      rb_test_login_person (f->session, f->server, rb_test_demo_person (FACILITY));

  for (guint i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *path =
          g_strdup_printf ("/api/v1/occupancy?" RANGE "&bucket=day&group=%s", groups[i]);
      g_autofree char *csv =
          g_strdup_printf ("/api/v1/reports/utilisation.csv?" RANGE "&bucket=day&group=%s",
                           groups[i]);
      g_autoptr (RbTestResponse) refused = request (f, "GET", token, NULL, path);
      g_autoptr (RbTestResponse) refused_csv = request (f, "GET", token, NULL, csv);

      rb_test_assert_problem (refused, 422, "invalid_field");
      rb_test_assert_problem (refused_csv, 422, "invalid_field");
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/privacy/no-figure-per-person", Fixture, NULL, fixture_set_up,
              test_no_figure_per_person, fixture_tear_down);
  g_test_add ("/privacy/no-group-by-person", Fixture, NULL, fixture_set_up,
              test_no_group_by_person, fixture_tear_down);
  return g_test_run ();
}
