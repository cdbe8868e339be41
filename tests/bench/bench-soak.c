/* bench-soak.c: ten minutes of mixed traffic against one real raumbuch-server on loopback
 * (RAUMBUCH_SERVER, else the built one), as a ministry's network would send it (issue 10):
 *   bookers   4 people book a room and cancel it again, over and over (keep-alive)
 *   feeds     2 kiosks pull GET /changes from their cursor every 200 ms
 *   sign-ins  a new client every 300 ms signs in with the right PIN and out again, then
 *             goes away (its connection closed by the client)
 *   guesses   a wrong PIN every second, each time from another address
 *   slow      5 connections every 5 s that send half a request and then nothing
 *   vanishing every second a request whose sender closes before the answer, and a
 *             keep-alive connection closed by the client after its answer
 * Every minute it prints the server's resident memory (lowest and highest of the minute), its
 * open descriptors, and the p50 and p99 of the requests answered that minute (bookings,
 * cancellations, feed pulls, sign-ins).
 * The targets: descriptors and memory flat from the first minute to the last, the last p99
 * within twice the first. Asserts nothing about time; exits 1 only if the server stopped
 * answering or died.
 *   bench-soak [SECONDS]    (default 600) */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW "2026-11-30T07:00:00+01:00"
#define N_BOOKERS 4
#define N_FEEDS 2
#define SLOTS_PER_DAY 56

typedef struct
{
  RbTestServer *server;
  gint64 deadline;
  GPtrArray *rooms;
  GMutex lock;
  GArray *latencies; /* gint64 µs, this minute */
  guint errors;      /* this minute */
  char *first_error;
  int stop;          /* atomic */
} Soak;

static void
record (Soak *soak, gint64 started, RbTestResponse *resp, guint expected)
{
  gint64 latency = g_get_monotonic_time () - started;

  g_mutex_lock (&soak->lock);
  if (resp->status == expected)
    g_array_append_val (soak->latencies, latency);
  else
    {
      soak->errors++;
      if (soak->first_error == NULL)
        soak->first_error = rb_test_response_describe (resp);
    }
  g_mutex_unlock (&soak->lock);
}

static gboolean
running (Soak *soak)
{
  return !g_atomic_int_get (&soak->stop) && g_get_monotonic_time () < soak->deadline;
}

/* ---- bookers --------------------------------------------------------------------------------- */

typedef struct
{
  Soak *soak;
  const RbTestPerson *person;
  guint index;
} Booker;

static gpointer
booker_thread (gpointer data)
{
  Booker *booker = data;
  Soak *soak = booker->soak;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *token = rb_test_login_person (session, soak->server, booker->person);
  const char *room = g_ptr_array_index (soak->rooms, booker->index % soak->rooms->len);

  for (guint slot = 0; running (soak); slot = (slot + 1) % (SLOTS_PER_DAY * 7))
    {
      int minute = 6 * 60 + (slot % SLOTS_PER_DAY) * 15;
      gint64 start = rb_test_berlin_time (2026, 12, 1 + slot / SLOTS_PER_DAY, minute / 60,
                                          minute % 60);
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *url = rb_test_server_url (soak->server, "/api/v1/bookings/%s", id);
      g_autoptr (RbTestResponse) created = NULL;
      g_autoptr (RbTestResponse) cancelled = NULL;
      gint64 started = g_get_monotonic_time ();

      created = rb_test_create_booking (session, soak->server, token, id, room, start,
                                        start + 15 * 60, "Soak", 2);
      record (soak, started, created, 201);
      started = g_get_monotonic_time ();
      cancelled = rb_test_request (session, "DELETE", url, token, NULL, NULL);
      record (soak, started, cancelled, 200);
      g_usleep (5 * 1000);
    }
  return NULL;
}

/* ---- feeds ----------------------------------------------------------------------------------- */

static gpointer
feed_thread (gpointer data)
{
  Soak *soak = data;
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *token = rb_test_server_add_device (soak->server, "Kiosk Soak", NULL);
  gint64 cursor = 0;

  while (running (soak))
    {
      g_autofree char *url = rb_test_server_url (soak->server, "/api/v1/changes?since=%" G_GINT64_FORMAT
                                                 "&limit=500", cursor);
      g_autoptr (SoupMessage) msg = rb_test_message_new ("GET", url, NULL);
      g_autoptr (RbTestResponse) resp = NULL;
      gint64 started = g_get_monotonic_time ();

      soup_message_headers_replace (soup_message_get_request_headers (msg), "X-Device-Token",
                                    token);
      resp = rb_test_send (session, msg);
      record (soak, started, resp, 200);
      if (resp->status == 200)
        cursor = rb_test_response_get_int (resp, "next");
      g_usleep (200 * 1000);
    }
  return NULL;
}

/* ---- sign-ins and guesses -------------------------------------------------------------------- */

static gpointer
sign_in_thread (gpointer data)
{
  Soak *soak = data;
  guint n_people;
  const RbTestPerson *people = rb_test_demo_people (&n_people);

  for (guint i = 0; running (soak); i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.5.%u", i % 250 + 1);
      g_autoptr (SoupSession) session = rb_test_client_new_from (address);
      g_autofree char *url = rb_test_server_url (soak->server, "/api/v1/sessions");
      g_autofree char *current = rb_test_server_url (soak->server, "/api/v1/sessions/current");
      const RbTestPerson *person = &people[i % n_people];
      g_autofree char *body = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"%s\"}",
                                               person->staff_number, person->pin);
      g_autoptr (RbTestResponse) resp = NULL;
      gint64 started = g_get_monotonic_time ();

      resp = rb_test_request (session, "POST", url, NULL, body, NULL);
      record (soak, started, resp, 201);
      if (resp->status == 201)
        {
          g_autoptr (RbTestResponse) out = rb_test_request (
              session, "DELETE", current, rb_test_response_get_string (resp, "token"), NULL, NULL);
        }
      g_usleep (300 * 1000);
    }
  return NULL;
}

static gpointer
guess_thread (gpointer data)
{
  Soak *soak = data;

  for (guint i = 0; running (soak); i++)
    {
      g_autofree char *address = g_strdup_printf ("127.0.6.%u", i % 250 + 1);
      g_autoptr (SoupSession) session = rb_test_client_new_from (address);
      g_autofree char *url = rb_test_server_url (soak->server, "/api/v1/sessions");
      g_autofree char *body = g_strdup_printf ("{\"staff_number\":\"9%05u\",\"pin\":\"0000\"}", i);
      g_autoptr (RbTestResponse) resp = rb_test_request (session, "POST", url, NULL, body, NULL);

      /* Counted only when answered otherwise: a wrong PIN's time is the hash's, by design. */
      if (resp->status != 401 && resp->status != 429)
        record (soak, g_get_monotonic_time (), resp, 401);
      g_usleep (1000 * 1000);
    }
  return NULL;
}

/* ---- slow and vanishing clients ---------------------------------------------------------------- */

static GSocketConnection *
connect_raw (Soak *soak)
{
  g_autoptr (GSocketClient) client = g_socket_client_new ();

  g_socket_client_set_timeout (client, 10);
  return g_socket_client_connect_to_host (client, "127.0.0.1",
                                          rb_test_server_get_port (soak->server), NULL, NULL);
}

static void
send_text (GSocketConnection *connection, const char *text)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (connection));

  g_output_stream_write_all (out, text, strlen (text), NULL, NULL, NULL);
}

static gpointer
slow_thread (gpointer data)
{
  Soak *soak = data;
  g_autoptr (GQueue) open = g_queue_new ();

  while (running (soak))
    {
      for (int i = 0; i < 5; i++)
        {
          GSocketConnection *connection = connect_raw (soak);

          if (connection == NULL)
            continue;
          send_text (connection, "POST /api/v1/bookings HTTP/1.1\r\nHost: soak\r\n"
                                 "Content-Length: 100\r\n");
          g_queue_push_tail (open, connection);
        }
      /* A slow client gives up after a minute, if the server has not closed on it first. */
      while (g_queue_get_length (open) > 60)
        g_object_unref (g_queue_pop_head (open));
      g_usleep (5 * 1000 * 1000);
    }
  g_queue_free_full (g_steal_pointer (&open), g_object_unref);
  return NULL;
}

static gpointer
vanish_thread (gpointer data)
{
  Soak *soak = data;

  while (running (soak))
    {
      g_autoptr (GSocketConnection) gone = connect_raw (soak);
      g_autoptr (SoupSession) session = rb_test_client_new ();
      g_autofree char *health = rb_test_server_url (soak->server, "/api/v1/health");

      /* Asks, and is gone before the answer. */
      if (gone != NULL)
        {
          send_text (gone, "GET /api/v1/health HTTP/1.1\r\nHost: soak\r\n\r\n");
          g_io_stream_close (G_IO_STREAM (gone), NULL, NULL);
        }
      /* An ordinary keep-alive client that closes its end after the answer (curl, requests). */
      {
        gint64 started = g_get_monotonic_time ();
        g_autoptr (RbTestResponse) resp = rb_test_request (session, "GET", health, NULL, NULL,
                                                           NULL);
        record (soak, started, resp, 200);
      }
      g_usleep (1000 * 1000);
    }
  return NULL;
}

/* ---- the server's figures ----------------------------------------------------------------------- */

static double
rss_mb (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *text = NULL;
  const char *line;

  if (!g_file_get_contents (path, &text, NULL, NULL) || !(line = strstr (text, "VmRSS:")))
    return -1;
  return g_ascii_strtod (line + strlen ("VmRSS:"), NULL) / 1024.0;
}

static guint
open_fds (int pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", pid);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* RSS is sampled every second: its lowest value in a minute is what the server keeps, its
 * highest adds the Argon2id checks running at that moment (64 MiB each, two threads). */
typedef struct
{
  double rss_min, rss_max;
  guint fds;
  double p50_ms, p99_ms;
  guint requests, errors;
} Minute;

static Minute
take_minute (Soak *soak, int pid, double rss_min, double rss_max)
{
  g_autoptr (GArray) latencies = NULL;
  Minute minute = { rss_min, rss_max, 0 };

  g_mutex_lock (&soak->lock);
  latencies = soak->latencies;
  soak->latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  minute.errors = soak->errors;
  soak->errors = 0;
  g_mutex_unlock (&soak->lock);

  g_array_sort (latencies, compare_gint64);
  minute.requests = latencies->len;
  if (latencies->len > 0)
    {
      minute.p50_ms = g_array_index (latencies, gint64, latencies->len / 2) / 1e3;
      minute.p99_ms = g_array_index (latencies, gint64, latencies->len * 99 / 100) / 1e3;
    }
  minute.fds = open_fds (pid);
  return minute;
}

static void
print_minute (const char *label, const Minute *m)
{
  g_print ("%-10s RSS %6.1f to %6.1f MB  fds %4u  requests %6u  errors %4u  p50 %7.2f ms  "
           "p99 %7.2f ms\n",
           label, m->rss_min, m->rss_max, m->fds, m->requests, m->errors, m->p50_ms, m->p99_ms);
}

int
main (int argc, char *argv[])
{
  int seconds = argc > 1 ? atoi (argv[1]) : 600;
  g_autofree char *dir = rb_test_make_tmpdir ();
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  g_autoptr (GPtrArray) rooms = g_ptr_array_new_with_free_func (g_free);
  Booker bookers[N_BOOKERS];
  Soak soak = { 0 };
  Minute start, first = { 0 }, last = { 0 };
  int pid, minutes;
  guint errors = 0;

  if (seconds < 120)
    g_error ("usage: bench-soak [SECONDS >= 120]");
  if (g_getenv ("RAUMBUCH_SERVER") == NULL)
    g_setenv ("RAUMBUCH_SERVER", RAUMBUCH_SERVER_PATH, TRUE);

  soak.server = rb_test_server_new (dir);
  rb_test_server_set_now (soak.server, NOW);
  rb_test_server_start (soak.server);
  pid = rb_test_server_get_pid (soak.server);
  g_mutex_init (&soak.lock);
  soak.latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  soak.rooms = rooms;
  for (guint i = 0; i < N_BOOKERS; i++)
    g_ptr_array_add (rooms, g_strdup_printf ("a0-r%02u", i + 1));
  soak.deadline = g_get_monotonic_time () + (gint64) seconds * G_USEC_PER_SEC;

  start = take_minute (&soak, pid, rss_mb (pid), rss_mb (pid));
  g_print ("bench-soak: %d s of mixed traffic against raumbuch-server (pid %d)\n", seconds, pid);
  print_minute ("start", &start);

  for (guint i = 0; i < N_BOOKERS; i++)
    {
      bookers[i] = (Booker){ &soak, rb_test_demo_person_with_role ("team_lead", i % 2), i };
      if (i >= 2)
        bookers[i].person = rb_test_demo_person_with_role ("staff", i);
      g_ptr_array_add (threads, g_thread_new ("booker", booker_thread, &bookers[i]));
    }
  for (guint i = 0; i < N_FEEDS; i++)
    g_ptr_array_add (threads, g_thread_new ("feed", feed_thread, &soak));
  g_ptr_array_add (threads, g_thread_new ("sign-in", sign_in_thread, &soak));
  g_ptr_array_add (threads, g_thread_new ("guess", guess_thread, &soak));
  g_ptr_array_add (threads, g_thread_new ("slow", slow_thread, &soak));
  g_ptr_array_add (threads, g_thread_new ("vanish", vanish_thread, &soak));

  minutes = seconds / 60;
  for (int m = 1; m <= minutes; m++)
    {
      g_autofree char *label = g_strdup_printf ("minute %d", m);
      double rss_min = G_MAXDOUBLE, rss_max = 0;
      Minute minute;

      for (int second = 0; second < 60; second++)
        {
          double rss;

          g_usleep (G_USEC_PER_SEC);
          rss = rss_mb (pid);
          rss_min = MIN (rss_min, rss);
          rss_max = MAX (rss_max, rss);
        }
      minute = take_minute (&soak, pid, rss_min, rss_max);
      print_minute (label, &minute);
      errors += minute.errors;
      if (m == 1)
        first = minute;
      last = minute;
      if (minute.requests == 0)
        {
          g_printerr ("the server answered nothing for a minute\n");
          g_atomic_int_set (&soak.stop, 1);
          break;
        }
    }
  g_atomic_int_set (&soak.stop, 1);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));

  g_print ("descriptors: %u after the first minute, %u after the last (target: flat)\n",
           first.fds, last.fds);
  g_print ("memory (lowest RSS of the minute): %.1f MB in the first minute, %.1f MB in the "
           "last (target: flat)\n",
           first.rss_min, last.rss_min);
  g_print ("p99: %.2f ms in the first minute, %.2f ms in the last: %.2fx (target at most 2x)\n",
           first.p99_ms, last.p99_ms, first.p99_ms > 0 ? last.p99_ms / first.p99_ms : 0.0);
  if (errors > 0)
    g_print ("%u requests were not answered as expected; the first: %s\n", errors,
             soak.first_error);

  rb_test_server_stop (soak.server);
  rb_test_server_free (soak.server);
  g_array_unref (soak.latencies);
  g_free (soak.first_error);
  g_mutex_clear (&soak.lock);
  rb_test_remove_tree (dir);
  return last.requests > 0 ? 0 : 1;
}
