/* fuzz-json.c: request bodies as the server reads them, and answers as a client reads them.
 *
 * Every input goes to rb_json_parse, the strict parser that sees every request body. A body it
 * takes then goes through what the handlers do with one — the member check and the mapper of a
 * booking, a series (its rule expanded as a dry run would), a session, a change of a booking and
 * a block — and through the mappers a client runs on the server's answers. Whatever parses must
 * also survive being written out and read back, since answers echo what bodies held. */
#include "config.h"

#include "rb-block.h"
#include "rb-error.h"
#include "rb-fuzz.h"
#include "rb-json.h"
#include "rb-occupancy-report.h"
#include "rb-series.h"
#include "rb-time.h"

/* The members of the bodies whose lists live in the server's handlers. */
static const char *const update_booking_members[] = { "start", "end", "title", NULL };
static const char *const create_block_members[] = { "start", "end", "reason", NULL };

static GTimeZone *site_tz;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  rb_fuzz_init ();
  site_tz = rb_time_zone_new (RB_DEFAULT_TIMEZONE, NULL);
  g_assert_nonnull (site_tz);
  return 0;
}

/* A failure is an RB_ERROR with a message, nothing else. */
static void
check_failure (GError *error)
{
  g_assert_nonnull (error);
  g_assert_true (error->domain == RB_ERROR);
  g_assert_nonnull (error->message);
}

static void
check_members (JsonObject *body, const char *const *members)
{
  g_autoptr (GError) error = NULL;

  if (!rb_json_check_members (body, members, &error))
    check_failure (error);
  else
    g_assert_null (error);
}

static void
fuzz_booking_request (JsonNode *root, JsonObject *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = NULL;

  check_members (body, rb_json_booking_request_members);
  booking = rb_json_to_booking_request (root, &error);
  if (booking == NULL)
    {
      check_failure (error);
      return;
    }
  g_assert_true (g_uuid_string_is_valid (rb_booking_get_id (booking)));
  g_assert_true (rb_time_is_supported (rb_booking_get_start (booking)));
  g_assert_true (rb_time_is_supported (rb_booking_get_end (booking)));
}

static void
fuzz_series_request (JsonNode *root, JsonObject *body)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbSeriesRequest) request = NULL;
  g_autoptr (GArray) occurrences = NULL;

  check_members (body, rb_series_request_members);
  request = rb_series_request_from_json (root, &error);
  if (request == NULL)
    {
      check_failure (error);
      return;
    }
  occurrences = rb_series_expand (request->rrule, site_tz, request->first,
                                  RB_SERIES_MAX_OCCURRENCES, &error);
  if (occurrences == NULL)
    check_failure (error);
  else
    g_assert_cmpuint (occurrences->len, <=, RB_SERIES_MAX_OCCURRENCES);
}

static void
fuzz_session_request (JsonObject *body)
{
  g_autoptr (GError) error = NULL;

  check_members (body, rb_json_session_request_members);
  if (rb_json_get_string (body, "staff_number", TRUE, &error) == NULL
      || rb_json_get_string (body, "pin", TRUE, &error) == NULL)
    check_failure (error);
}

/* PATCH /bookings/{id} and POST /spaces/{id}/blocks read their members one by one. */
static void
fuzz_times_and_text (JsonObject *body, const char *const *members, const char *text_member)
{
  g_autoptr (GError) error = NULL;
  gint64 start = 0, end = 0;

  check_members (body, members);
  if (!rb_json_get_time (body, "start", &start, &error)
      || !rb_json_get_time (body, "end", &end, &error)
      || rb_json_get_string (body, text_member, TRUE, &error) == NULL)
    check_failure (error);
}

/* What a client reads from the server: the same parser, other mappers. */
static void
fuzz_answers (JsonNode *root)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (RbSpace) space = NULL;
  g_autoptr (RbFloor) floor = NULL;
  g_autoptr (RbBuilding) building = NULL;
  g_autoptr (RbSite) site = NULL;
  g_autoptr (RbPerson) person = NULL;
  g_autoptr (RbSeriesResult) result = NULL;
  g_autoptr (GPtrArray) rows = NULL;
  RbSpaceBlock *block;

#define EXPECT(call)                 \
  G_STMT_START                       \
  {                                  \
    if ((call) == NULL)              \
      check_failure (error);         \
    g_clear_error (&error);          \
  }                                  \
  G_STMT_END

  EXPECT (booking = rb_json_to_booking (root, &error));
  EXPECT (space = rb_json_to_space (root, &error));
  EXPECT (floor = rb_json_to_floor (root, &error));
  EXPECT (building = rb_json_to_building (root, &error));
  EXPECT (site = rb_json_to_site (root, &error));
  EXPECT (person = rb_json_to_person (root, &error));
  EXPECT (result = rb_series_result_from_json (root, site_tz, &error));
  EXPECT (rows = rb_occupancy_from_json (root, &error));
  EXPECT (block = rb_space_block_from_json (root, &error));
  g_clear_pointer (&block, rb_space_block_free);

#undef EXPECT
}

static gboolean
holds_double (JsonNode *node)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      g_autoptr (GList) members = json_object_get_values (json_node_get_object (node));

      for (GList *l = members; l != NULL; l = l->next)
        if (holds_double (l->data))
          return TRUE;
      return FALSE;
    }
  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        if (holds_double (json_array_get_element (array, i)))
          return TRUE;
      return FALSE;
    }
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE;
}

/* What rb_json_parse took, rb_json_to_string writes as text that rb_json_parse takes again.
 * Trees with a double are left out: json-glib 1.6 writes 1e308 as "1e+308.0", which is not
 * JSON. Raumbuch writes no double but the occupancy ratios, rounded numbers near [0, 1]
 * that never take an exponent, and no answer echoes a number of a request body. */
static void
check_round_trip (JsonNode *root)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) again = NULL;

  if (holds_double (root))
    return;
  text = rb_json_to_string (root, FALSE);
  again = rb_json_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = rb_json_parse ((const char *) data, size, &error);
  JsonObject *body;

  if (root == NULL)
    {
      check_failure (error);
      g_assert_true (error->code == RB_ERROR_INVALID_JSON
                     || error->code == RB_ERROR_INVALID_FIELD);
      return 0;
    }
  g_assert_null (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));
  body = json_node_get_object (root);

  check_round_trip (root);
  fuzz_booking_request (root, body);
  fuzz_series_request (root, body);
  fuzz_session_request (body);
  fuzz_times_and_text (body, update_booking_members, "title");
  fuzz_times_and_text (body, create_block_members, "reason");
  fuzz_answers (root);
  return 0;
}
