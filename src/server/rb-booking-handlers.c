/* rb-booking-handlers.c: GET/POST /bookings, PATCH/DELETE /bookings/{id} and
 * POST /bookings/{id}/check-in. All rules and the overlap check run in the store's
 * BEGIN IMMEDIATE transactions; this file maps HTTP onto them: Idempotency-Key (a retry
 * with the same booking id and body returns the first booking with 200, never a second one;
 * another body with that id is 422 idempotency_key_reused), pages of GET /bookings, ETag and
 * If-Match for optimistic concurrency, and the clashing interval of a 409 "overlap". A create
 * may ask for "state": "checked_in" (a kiosk's booking that begins now); the store decides
 * whether it can be (rb_store_create_booking_sync), always for the caller's own booking. */
#include "config.h"

#include <string.h>

#include <sodium.h>

#include "rb-auth.h"
#include "rb-badges.h"
#include "rb-credential.h"
#include "rb-handlers.h"
#include "rb-people-store.h"
#include "rb-problem.h"

/* Without from/to a list covers today and the next three months. */
#define DEFAULT_LIST_DAYS 92
#define MAX_LIST_DAYS 400
/* GET /bookings answers in pages of this many bookings unless limit= asks for fewer or more
 * (up to MAX_LIST_LIMIT), with "next" to ask for the rest. */
#define DEFAULT_LIST_LIMIT 500
#define MAX_LIST_LIMIT 1000

typedef struct
{
  RbBooking *request;
  char *space_id;
  RbInterval range;
  gboolean mine;
  gint64 expected_version;
  gboolean has_start, has_end, has_title;
  gint64 start, end;
  char *title;
  /* a page of GET /bookings */
  gint64 limit;
  gint64 after_start;
  char *after_id;
  /* a create: the SHA-256 of its body, kept with the booking (the Idempotency-Key) */
  char *body_hash;
  /* a create with a sealed credential */
  GBytes *sealed;
  char *staff_number;
  char *pin;
  char *pin_hash;
  RbPerson *person;
  /* a badge's credential (issue 12): its UID, and whether no one has it */
  char *badge;
  gboolean badge_unknown;
} BookingArgs;

static void
booking_args_free (BookingArgs *args)
{
  g_clear_pointer (&args->sealed, g_bytes_unref);
  g_free (args->staff_number);
  if (args->pin != NULL)
    sodium_memzero (args->pin, strlen (args->pin));
  g_free (args->pin);
  g_free (args->pin_hash);
  if (args->badge != NULL)
    sodium_memzero (args->badge, strlen (args->badge));
  g_free (args->badge);
  g_clear_object (&args->person);
  g_clear_object (&args->request);
  g_free (args->space_id);
  g_free (args->title);
  g_free (args->after_id);
  g_free (args->body_hash);
  g_free (args);
}

static BookingArgs *
booking_args_new (RbRequest *req)
{
  BookingArgs *args = g_new0 (BookingArgs, 1);

  rb_request_set_data (req, args, (GDestroyNotify) booking_args_free);
  return args;
}

static void
answer_booking (RbRequest *req, RbBooking *booking)
{
  g_autofree char *location = g_strdup_printf ("/api/v1/bookings/%s", rb_booking_get_id (booking));

  rb_request_take_body (req, rb_request_booking_to_json (req, booking));
  rb_request_set_etag (req, rb_booking_get_version (booking));
  rb_request_set_location (req, location);
}

/* On an overlap, names the interval it clashed with in the problem document (as
 * "conflict": {"start", "end"}). Runs right after the failed write on the same thread, so
 * it sees the same bookings the check saw. */
static void
add_conflict (RbRequest *req, RbStore *store, const char *space_id, RbInterval interval,
              const char *exclude_id, const GError *error)
{
  RbBookingQuery query = { 0 };
  g_autoptr (GPtrArray) bookings = NULL;
  JsonObject *conflict;
  JsonNode *node;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;

  if (!g_error_matches (error, RB_ERROR, RB_ERROR_OVERLAP))
    return;
  query.space_id = space_id;
  query.range = interval;
  query.active_only = TRUE;
  if (!(bookings = rb_store_list_bookings_sync (store, &query, NULL)))
    return;
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *other = g_ptr_array_index (bookings, i);

      if (g_strcmp0 (rb_booking_get_id (other), exclude_id) == 0
          || !rb_interval_overlaps (rb_booking_get_interval (other), interval))
        continue;
      start = rb_time_to_rfc3339 (rb_booking_get_start (other));
      end = rb_time_to_rfc3339 (rb_booking_get_end (other));
      conflict = json_object_new ();
      json_object_set_string_member (conflict, "start", start);
      json_object_set_string_member (conflict, "end", end);
      node = json_node_new (JSON_NODE_OBJECT);
      json_node_take_object (node, conflict);
      rb_request_take_problem_member (req, "conflict", node);
      return;
    }
}

/* ---- GET /bookings ------------------------------------------------------------------------ */

/* A page's cursor ("next", given back as "after"): where the last booking of the page stands
 * in the order of start and id, as base64url of "START/ID". Opaque to clients: the order may
 * take more keys one day. */
static char *
cursor_encode (RbBooking *last)
{
  g_autofree char *plain = g_strdup_printf ("%" G_GINT64_FORMAT "/%s", rb_booking_get_start (last),
                                            rb_booking_get_id (last));
  char *cursor = g_base64_encode ((const guchar *) plain, strlen (plain));

  /* base64url without padding: nothing in it needs escaping in a query. */
  g_strdelimit (cursor, "+", '-');
  g_strdelimit (cursor, "/", '_');
  if (strchr (cursor, '=') != NULL)
    *strchr (cursor, '=') = '\0';
  return cursor;
}

static gboolean
cursor_decode (const char *cursor, gint64 *out_start, char **out_id)
{
  g_autoptr (GString) text = NULL;
  g_autofree guchar *plain = NULL;
  g_autofree char *id_part = NULL;
  gsize length = 0;
  const char *slash;

  if (*cursor == '\0' || strlen (cursor) > 256
      || strspn (cursor, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
             != strlen (cursor))
    return FALSE;
  text = g_string_new (cursor);
  g_strdelimit (text->str, "-", '+');
  g_strdelimit (text->str, "_", '/');
  while (text->len % 4 != 0)
    g_string_append_c (text, '=');
  plain = g_base64_decode (text->str, &length);
  if (plain == NULL || length == 0 || memchr (plain, '\0', length) != NULL)
    return FALSE;
  plain = g_realloc (plain, length + 1);
  plain[length] = '\0';
  slash = strchr ((const char *) plain, '/');
  if (slash == NULL || slash[1] == '\0' || !g_utf8_validate (slash + 1, -1, NULL))
    return FALSE;
  id_part = g_strndup ((const char *) plain, slash - (const char *) plain);
  if (!g_ascii_string_to_signed (id_part, 10, G_MININT64, G_MAXINT64, out_start, NULL))
    return FALSE;
  *out_id = g_strdup (slash + 1);
  return TRUE;
}

static gboolean
list_bookings_job (RbRequest *req, RbStore *store, GError **error)
{
  BookingArgs *args = rb_request_get_data (req);
  RbPerson *person = rb_request_get_person (req);
  RbBookingQuery query = { 0 };
  g_autoptr (GPtrArray) bookings = NULL;
  g_autoptr (GPtrArray) nodes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *next = NULL;
  JsonNode *root;

  if (args->mine && person == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  if (args->space_id != NULL)
    {
      g_autoptr (RbSpace) space = rb_store_get_space_sync (store, args->space_id, error);
      if (space == NULL)
        return FALSE;
    }
  if (args->range.start == 0 && args->range.end == 0)
    {
      gint64 today = rb_local_day (rb_store_get_time_zone (store), rb_store_now (store)).start;
      args->range = rb_interval_make (today, today + DEFAULT_LIST_DAYS * 24 * 3600);
    }

  query.space_id = args->space_id;
  query.person_id = args->mine ? rb_person_get_id (person) : NULL;
  query.range = args->range;
  /* One more than the page holds tells whether another page follows. */
  query.limit = args->limit + 1;
  query.after_start = args->after_start;
  query.after_id = args->after_id;
  if (!(bookings = rb_store_list_bookings_sync (store, &query, error)))
    return FALSE;
  if (bookings->len > args->limit)
    {
      g_ptr_array_set_size (bookings, args->limit);
      next = cursor_encode (g_ptr_array_index (bookings, bookings->len - 1));
    }
  for (guint i = 0; i < bookings->len; i++)
    g_ptr_array_add (nodes, rb_request_booking_to_json (req, g_ptr_array_index (bookings, i)));
  root = rb_request_items (nodes);
  if (next != NULL)
    json_object_set_string_member (json_node_get_object (root), "next", next);
  rb_request_take_body (req, root);
  return TRUE;
}

void
rb_handle_list_bookings (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  BookingArgs *args = booking_args_new (req);
  const char *mine = rb_request_get_query (req, "mine");
  const char *after = rb_request_get_query (req, "after");
  gboolean has_from = FALSE, has_to = FALSE;
  RbInterval range = { 0, 0 };

  args->space_id = g_strdup (rb_request_get_query (req, "space"));
  if (mine != NULL && !g_str_equal (mine, "true") && !g_str_equal (mine, "false"))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(mine)");
  args->mine = g_strcmp0 (mine, "true") == 0;
  args->limit = DEFAULT_LIST_LIMIT;
  if (error == NULL)
    rb_request_get_int_query (req, "limit", 1, MAX_LIST_LIMIT, &args->limit, &error);
  if (error == NULL && after != NULL
      && !cursor_decode (after, &args->after_start, &args->after_id))
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(after)");

  if (error == NULL
      && rb_request_get_time_query (req, "from", &range.start, &has_from, &error)
      && rb_request_get_time_query (req, "to", &range.end, &has_to, &error))
    {
      if (has_from && !has_to)
        range.end = range.start + DEFAULT_LIST_DAYS * 24 * 3600;
      else if (has_to && !has_from)
        range.start = range.end - DEFAULT_LIST_DAYS * 24 * 3600;
      if ((has_from || has_to) && !rb_interval_is_valid (range))
        rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
      else if (rb_interval_duration (range) > MAX_LIST_DAYS * 24 * 3600)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(to)");
      args->range = range;
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, list_bookings_job, NULL);
}

/* ---- POST /bookings ----------------------------------------------------------------------- */

/* A door panel's device, and every session opened through it, acts for its room only: a
 * stolen panel token books, changes or cancels nothing anywhere else. */
static gboolean
check_device_space (RbRequest *req, const char *space_id, GError **error)
{
  const char *bound = rb_request_get_device_space_id (req);

  if (bound != NULL && g_strcmp0 (bound, space_id) != 0)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_device_space_of (RbRequest *req, RbStore *store, const char *booking_id, GError **error)
{
  g_autoptr (RbBooking) booking = NULL;

  if (rb_request_get_device_space_id (req) == NULL)
    return TRUE;
  booking = rb_store_get_booking_sync (store, booking_id, error);
  return booking != NULL && check_device_space (req, rb_booking_get_space_id (booking), error);
}

/* A change without a session: only a door panel's device, for what it booked for nobody
 * (the store checks which device booked it). A kiosk's device changes nothing by itself. */
static gboolean
check_door_device (RbRequest *req, GError **error)
{
  if (rb_request_get_person (req) == NULL && rb_request_get_device_space_id (req) == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
create_booking_job (RbRequest *req, RbStore *store, GError **error)
{
  BookingArgs *args = rb_request_get_data (req);
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GError) local_error = NULL;
  gboolean existed;
  /* The person of a sealed credential books, but the device that sent it hears the answer
   * as a device: without their id and name. */
  RbPerson *person = args->person != NULL ? args->person : rb_request_get_person (req);

  if (!check_device_space (req, rb_booking_get_space_id (args->request), error))
    return FALSE;
  /* The route lets a kiosk's device token through for the sealed path only, and a door
   * panel's for its room with nobody, which the store allows where the site does. */
  if (person == NULL && rb_request_get_device_space_id (req) == NULL)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  rb_booking_set_person_id (args->request, person != NULL ? rb_person_get_id (person) : NULL);
  /* For nobody: booked at the door, recorded with the panel's device, the one that may end
   * or extend it again. The body's fingerprint is kept with the booking, in its
   * transaction: a retry with the same body is answered with what the first try made. */
  booking = rb_store_create_requested_booking_sync (
      store, args->request, person, person == NULL ? rb_request_get_device_id (req) : NULL,
      args->body_hash, &existed, &local_error);
  if (booking == NULL)
    {
      add_conflict (req, store, rb_booking_get_space_id (args->request),
                    rb_booking_get_interval (args->request), NULL, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  rb_request_set_status (req, existed ? SOUP_STATUS_OK : SOUP_STATUS_CREATED);
  answer_booking (req, booking);
  return TRUE;
}

/* -- with a sealed credential: open, look up, verify the PIN, then create as that person -- */

static void
sealed_pin_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRequest) req = user_data;
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_check_pin_finish (RB_LOGIN_GUARD (source), result, &retry_after, &error))
    {
      if (retry_after > 0)
        rb_request_set_retry_after (req, retry_after);
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, create_booking_job, NULL);
}

/* A badge's credential: counted as a badge identification at the device would be (an
 * unknown badge against its budget), and refused like it for a locked staff number. */
static void
after_sealed_badge_lookup (RbRequest *req, RbLoginGuard *guard, const char *client_key)
{
  BookingArgs *args = rb_request_get_data (req);
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;

  if (!rb_login_guard_begin_badge (guard, client_key, &retry_after, &error)
      || !rb_login_guard_end_badge (guard, client_key, args->badge_unknown, &retry_after, &error)
      || !rb_login_guard_check_lock (guard, client_key,
                                     rb_person_get_staff_number (args->person), &retry_after,
                                     &error))
    {
      if (retry_after > 0)
        rb_request_set_retry_after (req, retry_after);
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, create_booking_job, NULL);
}

static void
after_sealed_lookup (RbRequest *req)
{
  RbLoginGuard *guard = rb_server_get_login_guard (rb_request_get_server (req));
  BookingArgs *args = rb_request_get_data (req);
  g_autofree char *client_key = rb_request_dup_client_key (req, rb_request_get_device_id (req));
  g_autoptr (GError) error = NULL;
  gint64 retry_after = 0;
  RbLoginAttempt *attempt;

  if (args->badge != NULL)
    {
      after_sealed_badge_lookup (req, guard, client_key);
      return;
    }
  attempt = rb_login_guard_begin (guard, client_key, TRUE, args->staff_number, &retry_after,
                                  &error);

  if (attempt == NULL)
    {
      rb_request_set_retry_after (req, retry_after);
      rb_request_fail (req, error);
      return;
    }
  rb_login_guard_check_pin_async (guard, attempt, args->pin_hash, args->pin,
                                  sealed_pin_checked_cb, g_object_ref (req));
}

/* Whose badge it is; a deactivated person cannot book from a queue. An unknown badge (removed
 * meanwhile) fails, after it was counted (after_sealed_badge_lookup). */
static gboolean
sealed_badge_lookup (RbStore *store, BookingArgs *args, GError **error)
{
  g_autofree char *hash = rb_badge_hash_uid (args->badge, error);
  g_autoptr (GError) local_error = NULL;

  if (hash == NULL)
    return FALSE;
  args->person = rb_badges_find_person_sync (store, hash, &local_error);
  if (args->person == NULL)
    {
      if (!g_error_matches (local_error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      args->badge_unknown = TRUE;
      return TRUE;
    }
  return rb_badges_check_may_identify_sync (store, args->person, error);
}

static gboolean
sealed_lookup_job (RbRequest *req, RbStore *store, GError **error)
{
  BookingArgs *args = rb_request_get_data (req);
  guint8 public_key[RB_CREDENTIAL_KEY_BYTES], secret_key[RB_CREDENTIAL_KEY_BYTES];
  g_autoptr (GError) local_error = NULL;
  gsize length;
  const guint8 *sealed = g_bytes_get_data (args->sealed, &length);
  gboolean opened;

  /* Whoever has a session books as that person; a credential beside it would make it
   * ambiguous who books, so the two together are refused. */
  if (rb_request_get_person (req) != NULL || rb_request_get_device_id (req) == NULL)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(X-Sealed-Credential)");
      return FALSE;
    }
  if (!rb_credential_get_server_keys_sync (store, public_key, secret_key, error))
    return FALSE;
  opened = rb_credential_open_any (public_key, secret_key, sealed, length, args->request,
                                   rb_store_now (store), &args->staff_number, &args->pin,
                                   &args->badge, error);
  sodium_memzero (secret_key, sizeof secret_key);
  if (!opened)
    return FALSE;
  if (args->badge != NULL)
    return sealed_badge_lookup (store, args, error);
  args->pin_hash = rb_auth_get_pin_hash_sync (store, args->staff_number, &args->person,
                                              &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* A deactivated person, or one whose PIN was a one-time PIN, cannot book from a queue: the
   * credential is refused as a wrong PIN would be (the kiosk said so when it was online). */
  if (args->person != NULL
      && !rb_people_store_check_may_sign_in_sync (store, rb_person_get_id (args->person), NULL))
    g_clear_pointer (&args->pin_hash, g_free);
  return TRUE;
}

/* The fingerprint of a create (the IETF draft on Idempotency-Key, 2.4): the SHA-256 of its
 * body as sent. A client retries with the body it sent the first time. */
static char *
hash_body (RbRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (rb_request_get_message (req));
  g_autoptr (GBytes) bytes = soup_message_body_flatten (body);

  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

void
rb_handle_create_booking (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  JsonObject *body = rb_request_parse_body (req, rb_json_booking_request_members, &error);
  const char *key = rb_request_get_header (req, "Idempotency-Key");
  const char *sealed = rb_request_get_header (req, "X-Sealed-Credential");
  BookingArgs *args;
  JsonNode *node;

  if (body == NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  /* The core takes a null "attendees" as absent; here it is a wrong type like any other. */
  if (json_object_has_member (body, "attendees")
      && JSON_NODE_HOLDS_NULL (json_object_get_member (body, "attendees")))
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(attendees)");
      rb_request_fail (req, error);
      return;
    }
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, body);
  args = booking_args_new (req);
  args->body_hash = hash_body (req);
  args->request = rb_json_to_booking_request (node, &error);
  json_node_unref (node);
  if (args->request == NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  if (key != NULL && g_ascii_strcasecmp (key, rb_booking_get_id (args->request)) != 0)
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(Idempotency-Key)");
      rb_request_fail (req, error);
      return;
    }
  if (sealed != NULL)
    {
      g_autofree guint8 *decoded = NULL;
      gsize length = 0;

      /* Bounded before decoding: base64 of the largest credential, and a little slack. */
      if (strlen (sealed) <= RB_CREDENTIAL_MAX_BYTES * 4 / 3 + 4)
        decoded = g_base64_decode (sealed, &length);
      if (decoded == NULL || length == 0)
        {
          rb_request_fail_with (req, SOUP_STATUS_UNAUTHORIZED, RB_ERROR_UNAUTHENTICATED, NULL);
          return;
        }
      args->sealed = g_bytes_new_take (g_steal_pointer (&decoded), length);
      rb_request_run (req, sealed_lookup_job, after_sealed_lookup);
      return;
    }
  rb_request_run (req, create_booking_job, NULL);
}

/* ---- PATCH /bookings/{id} ----------------------------------------------------------------- */

/* "3", "\"3\"" or W/"3" → 3. */
static gboolean
parse_if_match (const char *value, gint64 *out_version)
{
  g_autofree char *text = g_strstrip (g_strdup (value));
  char *digits = text;
  gsize length;

  if (g_str_has_prefix (digits, "W/"))
    digits += 2;
  length = strlen (digits);
  if (length >= 2 && digits[0] == '"' && digits[length - 1] == '"')
    {
      digits[length - 1] = '\0';
      digits++;
    }
  return g_ascii_string_to_signed (digits, 10, 1, G_MAXINT64, out_version, NULL);
}

static gboolean
update_booking_job (RbRequest *req, RbStore *store, GError **error)
{
  BookingArgs *args = rb_request_get_data (req);
  const char *id = rb_request_get_path_id (req);
  g_autoptr (RbBooking) current = rb_store_get_booking_sync (store, id, error);
  g_autoptr (RbBooking) booking = NULL;
  g_autoptr (GError) local_error = NULL;
  RbInterval interval;

  if (current == NULL || !check_door_device (req, error)
      || !check_device_space (req, rb_booking_get_space_id (current), error))
    return FALSE;
  interval = rb_interval_make (args->has_start ? args->start : rb_booking_get_start (current),
                               args->has_end ? args->end : rb_booking_get_end (current));
  /* The door's booking keeps its title (it has none): only its times change. */
  if (rb_request_get_person (req) == NULL)
    booking = args->has_title ? NULL
                              : rb_store_update_door_booking_sync (store, id,
                                                                   rb_request_get_device_id (req),
                                                                   args->expected_version,
                                                                   interval, &local_error);
  else
    booking = rb_store_update_booking_sync (store, id,
                                            rb_person_get_id (rb_request_get_person (req)),
                                            args->expected_version, interval, args->title,
                                            args->has_title, &local_error);
  if (booking == NULL && local_error == NULL)
    rb_set_error (&local_error, RB_ERROR_FORBIDDEN, NULL);
  if (booking == NULL)
    {
      add_conflict (req, store, rb_booking_get_space_id (current), interval, id, local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  answer_booking (req, booking);
  return TRUE;
}

void
rb_handle_update_booking (RbRequest *req)
{
  /* Only the times and the title can change; anything else is refused, not ignored. */
  static const char *const members[] = { "start", "end", "title", NULL };
  g_autoptr (GError) error = NULL;
  const char *if_match = rb_request_get_header (req, "If-Match");
  BookingArgs *args = booking_args_new (req);
  JsonObject *body;

  if (if_match == NULL)
    {
      rb_request_fail_with (req, 428, RB_ERROR_INVALID_FIELD, "If-Match is required.");
      return;
    }
  if (!parse_if_match (if_match, &args->expected_version))
    {
      rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(If-Match)");
      rb_request_fail (req, error);
      return;
    }
  if (!(body = rb_request_parse_body (req, members, &error)))
    {
      rb_request_fail (req, error);
      return;
    }

  args->has_start = json_object_has_member (body, "start");
  args->has_end = json_object_has_member (body, "end");
  args->has_title = json_object_has_member (body, "title");
  if (args->has_start)
    rb_json_get_time (body, "start", &args->start, &error);
  if (error == NULL && args->has_end)
    rb_json_get_time (body, "end", &args->end, &error);
  if (error == NULL && args->has_title)
    args->title = g_strdup (rb_json_get_string (body, "title", FALSE, &error));
  if (error == NULL && !args->has_start && !args->has_end && !args->has_title)
    rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(start)");
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, update_booking_job, NULL);
}

/* ---- DELETE /bookings/{id} and POST /bookings/{id}/check-in ------------------------------- */

static gboolean
cancel_booking_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (RbBooking) booking = NULL;

  if (!check_door_device (req, error)
      || !check_device_space_of (req, store, rb_request_get_path_id (req), error))
    return FALSE;
  booking = rb_request_get_person (req) == NULL
                ? rb_store_cancel_door_booking_sync (store, rb_request_get_path_id (req),
                                                     rb_request_get_device_id (req), error)
                : rb_store_cancel_booking_sync (store, rb_request_get_path_id (req),
                                                rb_person_get_id (rb_request_get_person (req)),
                                                error);
  if (booking == NULL)
    return FALSE;
  answer_booking (req, booking);
  return TRUE;
}

void
rb_handle_cancel_booking (RbRequest *req)
{
  rb_request_run (req, cancel_booking_job, NULL);
}

static gboolean
check_in_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (RbBooking) booking = NULL;

  if (!check_device_space_of (req, store, rb_request_get_path_id (req), error))
    return FALSE;
  booking = rb_store_check_in_sync (store, rb_request_get_path_id (req),
                                    rb_person_get_id (rb_request_get_person (req)), error);
  if (booking == NULL)
    return FALSE;
  answer_booking (req, booking);
  return TRUE;
}

void
rb_handle_check_in (RbRequest *req)
{
  rb_request_run (req, check_in_job, NULL);
}
