/* bench-push.c: how soon client B knows of client A's booking, with the change feed pushed
 * (RbChangeListener on GET /changes/stream) and with B polling GET /changes every second and
 * every 30 s (the sync engine's default). One real raumbuch-server (RAUMBUCH_SERVER, else the
 * built one) on loopback; A books rooms one after another with its own libsoup session, each
 * booking only once B has seen the one before. The time counted runs from A's 201 until B's
 * pull of GET /changes has returned the booking:
 *   push    "changed" arrives, B pulls from its cursor;
 *   poll    a timer pulls from B's cursor every 1 s or 30 s. B's timer runs out of step with
 *           A's bookings: after each booking its next tick comes after a random part of the
 *           interval (uniform), as it would for bookings made at any moment, instead of right
 *           after the tick that saw the booking before.
 *   client  B is a whole client: the sync engine with its own mirror, as the app runs it (the
 *           push starts a round: outbox, GET /changes, GET /blocks, applied to the mirror);
 *           counted until the booking is in B's mirror.
 * Prints p50, p95 and max per mode. Asserts nothing about time.
 *   bench-push [N_PUSH [N_POLL_1S [N_POLL_30S]]]    (default 200 200 20; 30 s polling makes
 *                                                    each booking wait 15 s on average) */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rb-change-listener.h"
#include "rb-mirror.h"
#include "rb-sync-engine.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW "2026-11-30T06:00:00Z"
#define JONAS "14475"  /* A, staff */
#define LEONIE "14835" /* B, staff */
#define SLOTS_PER_DAY 56

typedef struct
{
  RbTestServer *server;
  SoupSession *a_session;
  char *a_token;
  GPtrArray *rooms; /* space ids */
  int booked;       /* bookings made so far, in every mode: each gets its own slot */

  RbApiClient *b_client;
  gint64 cursor; /* B's `since` */
  gboolean pulling;
  gboolean pull_again;

  guint poll_interval_ms; /* 0: push */
  guint poll_timer;

  RbSyncEngine *b_engine; /* the whole client, in its mode */
  gboolean checking;

  char *awaited_id; /* A's booking that B has not seen yet */
  gint64 created_at;
  gboolean seen;
  GArray *latencies; /* gint64 µs */
} Bench;

/* ---- B --------------------------------------------------------------------------------------- */

static void pull (Bench *bench);

static void
on_pulled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root
      = rb_api_client_request_finish (RB_API_CLIENT (source), result, NULL, &error);
  gint64 now = g_get_monotonic_time ();
  JsonObject *o;
  JsonArray *changes;

  if (root == NULL)
    g_error ("B's pull failed: %s", error != NULL ? error->message : "empty answer");
  o = json_node_get_object (root);
  changes = json_object_get_array_member (o, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonObject *booking
          = json_object_get_object_member (json_array_get_object_element (changes, i), "booking");

      if (bench->awaited_id != NULL && !bench->seen
          && g_str_equal (json_object_get_string_member (booking, "id"), bench->awaited_id))
        {
          gint64 latency = now - bench->created_at;

          bench->seen = TRUE;
          g_array_append_val (bench->latencies, latency);
        }
    }
  bench->cursor = json_object_get_int_member (o, "next");
  bench->pulling = FALSE;
  if (bench->pull_again)
    pull (bench);
}

/* GET /changes from B's cursor, as the sync engine pulls; one at a time. */
static void
pull (Bench *bench)
{
  g_autofree char *path = NULL;

  if (bench->pulling)
    {
      bench->pull_again = TRUE;
      return;
    }
  bench->pulling = TRUE;
  bench->pull_again = FALSE;
  path = g_strdup_printf ("/api/v1/changes?since=%" G_GINT64_FORMAT "&limit=1000", bench->cursor);
  rb_api_client_request_async (bench->b_client, "GET", path, NULL, NULL, NULL, on_pulled_cb, bench);
}

static void
on_changed_cb (RbChangeListener *listener, gint64 next, gpointer user_data)
{
  Bench *bench = user_data;

  if (next > bench->cursor)
    pull (bench);
}

static gboolean
on_poll_cb (gpointer user_data)
{
  pull (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_first_poll_cb (gpointer user_data)
{
  Bench *bench = user_data;

  pull (bench);
  bench->poll_timer = g_timeout_add (bench->poll_interval_ms, on_poll_cb, bench);
  return G_SOURCE_REMOVE;
}

/* B's next tick after a random part of the interval, then every interval. */
static void
rephase_poll (Bench *bench)
{
  g_clear_handle_id (&bench->poll_timer, g_source_remove);
  bench->poll_timer
      = g_timeout_add (g_random_int_range (0, bench->poll_interval_ms), on_first_poll_cb, bench);
}

/* B as a whole client: after each round that changed its mirror, is the booking there? */
static gpointer
has_booking_job (RbStore *store, gpointer data, GCancellable *cancellable, GError **error)
{
  g_autoptr (RbBooking) booking = rb_store_get_booking_sync (store, data, NULL);

  return GINT_TO_POINTER (booking != NULL ? 2 : 1);
}

static void
on_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Bench *bench = user_data;
  int found = GPOINTER_TO_INT (rb_store_run_finish (RB_STORE (source), result, NULL));

  bench->checking = FALSE;
  if (found == 2 && !bench->seen)
    {
      gint64 latency = g_get_monotonic_time () - bench->created_at;

      bench->seen = TRUE;
      g_array_append_val (bench->latencies, latency);
    }
}

static void
on_engine_changed_cb (RbSyncEngine *engine, Bench *bench)
{
  if (bench->awaited_id == NULL || bench->seen || bench->checking)
    return;
  bench->checking = TRUE;
  rb_store_run_async (rb_sync_engine_get_store (engine), has_booking_job,
                      g_strdup (bench->awaited_id), g_free, NULL, NULL, on_checked_cb, bench);
}

/* ---- A --------------------------------------------------------------------------------------- */

/* The k-th booking: room k % rooms in the (k / rooms)-th 15-minute slot of the opening hours
 * from Tuesday 1 December 2026 on, so that no two clash. */
static void
book_next (Bench *bench)
{
  int k = bench->booked++;
  const char *room = g_ptr_array_index (bench->rooms, k % bench->rooms->len);
  int slot = k / bench->rooms->len;
  int minute = 6 * 60 + (slot % SLOTS_PER_DAY) * 15;
  g_autoptr (GDateTime) first = g_date_time_new (rb_test_berlin (), 2026, 12, 1, 12, 0, 0);
  g_autoptr (GDateTime) day = g_date_time_add_days (first, slot / SLOTS_PER_DAY);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbTestResponse) resp = NULL;
  gint64 start;
  int y, m, d;

  g_date_time_get_ymd (day, &y, &m, &d);
  start = rb_test_berlin_time (y, m, d, minute / 60, minute % 60);
  resp = rb_test_create_booking (bench->a_session, bench->server, bench->a_token, id, room, start,
                                 start + 15 * 60, "Benchmark", 1);
  /* The clock starts at A's 201: A's own request is not B's delay. */
  bench->created_at = g_get_monotonic_time ();
  rb_test_assert_status (resp, 201);
  g_free (bench->awaited_id);
  bench->awaited_id = g_steal_pointer (&id);
  bench->seen = FALSE;
}

static gboolean
on_bound_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* A books n times; after each, the main loop runs until B has seen the booking. */
static void
run_bookings (Bench *bench, int n, guint bound_seconds)
{
  for (int i = 0; i < n; i++)
    {
      gboolean timed_out = FALSE;
      guint bound;

      book_next (bench);
      if (bench->poll_interval_ms > 0)
        rephase_poll (bench);
      bound = g_timeout_add_seconds (bound_seconds, on_bound_cb, &timed_out);
      while (!bench->seen && !timed_out)
        g_main_context_iteration (NULL, TRUE);
      if (!bench->seen)
        g_error ("B did not see booking %d within %u s", i, bound_seconds);
      g_source_remove (bound);
    }
}

/* B's cursor at the feed's head, as when B has just synced. */
static void
catch_up (Bench *bench)
{
  g_autofree char *url = rb_test_server_url (bench->server, "/api/v1/changes?since=0&limit=0");
  g_autoptr (RbTestResponse) resp
      = rb_test_request (bench->a_session, "GET", url, bench->a_token, NULL, NULL);

  rb_test_assert_status (resp, 200);
  bench->cursor = rb_test_response_get_int (resp, "next");
  g_array_set_size (bench->latencies, 0);
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static void
print_figures (const char *what, GArray *latencies)
{
  guint n = latencies->len;
  gint64 *v = (gint64 *) latencies->data;

  qsort (v, n, sizeof (gint64), compare_gint64);
  g_print ("%-44s n=%-4u p50 %9.1f ms  p95 %9.1f ms  max %9.1f ms\n", what, n, v[n / 2] / 1e3,
           v[(n * 95 + 99) / 100 - 1] / 1e3, v[n - 1] / 1e3);
}

/* ---- the three modes ---------------------------------------------------------------------- */

static gboolean
is_connected (RbChangeListener *listener)
{
  return rb_change_listener_get_connected (listener);
}

static void
bench_push (Bench *bench, int n)
{
  g_autoptr (RbChangeListener) listener = rb_change_listener_new (bench->b_client);
  gboolean timed_out = FALSE;
  guint bound = g_timeout_add_seconds (30, on_bound_cb, &timed_out);

  catch_up (bench);
  g_signal_connect (listener, "changed", G_CALLBACK (on_changed_cb), bench);
  rb_change_listener_start (listener);
  while (!is_connected (listener) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!is_connected (listener))
    g_error ("the listener did not connect");
  g_source_remove (bound);
  if (rb_change_listener_get_long_polling (listener))
    g_error ("the listener fell back to long-polling");

  run_bookings (bench, n, 30);
  print_figures ("push (WebSocket, then pull)", bench->latencies);
  rb_change_listener_stop (listener);
}

static void
bench_poll (Bench *bench, int n, guint interval_ms, const char *what)
{
  catch_up (bench);
  bench->poll_interval_ms = interval_ms;
  run_bookings (bench, n, interval_ms / 1000 * 2 + 30);
  g_clear_handle_id (&bench->poll_timer, g_source_remove);
  bench->poll_interval_ms = 0;
  /* The last pull may still be under way. */
  while (bench->pulling)
    g_main_context_iteration (NULL, TRUE);
  print_figures (what, bench->latencies);
}

static void
keep_result_cb (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
bench_client (Bench *bench, const char *dir, int n)
{
  g_autofree char *path = g_build_filename (dir, "mirror.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = rb_store_open_sync (path, &error);
  g_autoptr (RbApiClient) client = NULL;
  g_autoptr (GAsyncResult) logged_in = NULL;
  g_autoptr (GAsyncResult) imported = NULL;
  g_autoptr (GAsyncResult) synced = NULL;
  g_autoptr (RbPerson) person = NULL;
  gint64 settle_until;

  g_assert_no_error (error);
  client = rb_api_client_new (rb_test_server_get_base_url (bench->server));
  bench->b_engine = rb_sync_engine_new (store, client);
  /* No poll at all: whatever B learns comes through the push. */
  rb_sync_engine_set_poll_interval (bench->b_engine, 0);
  rb_sync_engine_login_async (bench->b_engine, LEONIE, rb_test_demo_person (LEONIE)->pin, NULL,
                              keep_result_cb, &logged_in);
  person = rb_sync_engine_login_finish (bench->b_engine, wait_result (&logged_in), &error);
  g_assert_no_error (error);
  rb_sync_engine_import_building_async (bench->b_engine, NULL, keep_result_cb, &imported);
  g_assert_true (rb_sync_engine_import_building_finish (bench->b_engine, wait_result (&imported),
                                                        NULL, &error));
  rb_sync_engine_sync_async (bench->b_engine, NULL, keep_result_cb, &synced);
  g_assert_true (rb_sync_engine_sync_finish (bench->b_engine, wait_result (&synced), &error));
  /* The listener connects after the first round that reached the server. */
  settle_until = g_get_monotonic_time () + G_USEC_PER_SEC;
  while (g_get_monotonic_time () < settle_until)
    g_main_context_iteration (NULL, FALSE);

  g_array_set_size (bench->latencies, 0);
  g_signal_connect (bench->b_engine, "changed", G_CALLBACK (on_engine_changed_cb), bench);
  run_bookings (bench, n, 30);
  print_figures ("client (sync engine, into its mirror)", bench->latencies);
  rb_sync_engine_stop (bench->b_engine);
  while (bench->checking)
    g_main_context_iteration (NULL, TRUE);
  g_clear_object (&bench->b_engine);
}

/* The rooms of the demo building, which a staff member may book 90 days ahead. */
static GPtrArray *
list_rooms (Bench *bench)
{
  g_autofree char *url = rb_test_server_url (bench->server, "/api/v1/spaces");
  g_autoptr (RbTestResponse) resp
      = rb_test_request (bench->a_session, "GET", url, bench->a_token, NULL, NULL);
  GPtrArray *rooms = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;

  rb_test_assert_status (resp, 200);
  items = json_object_get_array_member (rb_test_response_get_object (resp), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *space = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (space, "kind"), "room"))
        g_ptr_array_add (rooms, g_strdup (json_object_get_string_member (space, "id")));
    }
  g_assert_cmpuint (rooms->len, >, 0);
  return rooms;
}

int
main (int argc, char *argv[])
{
  int n_push = argc > 1 ? atoi (argv[1]) : 200;
  int n_poll = argc > 2 ? atoi (argv[2]) : 200;
  int n_slow = argc > 3 ? atoi (argv[3]) : 20;
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autofree char *b_token = NULL;
  Bench bench = { 0 };

  if (n_push < 1 || n_poll < 0 || n_slow < 0)
    g_error ("usage: bench-push [N_PUSH >= 1 [N_POLL_1S >= 0 [N_POLL_30S >= 0]]]");
  if (g_getenv ("RAUMBUCH_SERVER") == NULL)
    g_setenv ("RAUMBUCH_SERVER", RAUMBUCH_SERVER_PATH, TRUE);

  bench.server = rb_test_server_new (dir);
  rb_test_server_set_now (bench.server, NOW);
  rb_test_server_start (bench.server);
  bench.a_session = rb_test_client_new ();
  bench.a_token = rb_test_login_person (bench.a_session, bench.server, rb_test_demo_person (JONAS));
  b_token = rb_test_login_person (bench.a_session, bench.server, rb_test_demo_person (LEONIE));
  bench.b_client = rb_api_client_new (rb_test_server_get_base_url (bench.server));
  rb_api_client_set_token (bench.b_client, b_token);
  bench.rooms = list_rooms (&bench);
  bench.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_print ("bench-push: from A's 201 until B's GET /changes returned the booking, one real "
           "server on loopback, %u rooms, on %u CPUs\n",
           bench.rooms->len, g_get_num_processors ());
  bench_push (&bench, n_push);
  bench_client (&bench, dir, n_push);
  if (n_poll > 0)
    bench_poll (&bench, n_poll, 1000, "poll every 1 s");
  if (n_slow > 0)
    bench_poll (&bench, n_slow, RB_SYNC_POLL_SECONDS * 1000, "poll every 30 s (the default)");

  g_array_unref (bench.latencies);
  g_ptr_array_unref (bench.rooms);
  g_clear_object (&bench.b_client);
  g_free (bench.awaited_id);
  g_free (bench.a_token);
  g_clear_object (&bench.a_session);
  rb_test_server_stop (bench.server);
  rb_test_server_free (bench.server);
  rb_test_remove_tree (dir);
  return 0;
}
