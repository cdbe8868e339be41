/* bench-logins.c: how long a colleague's sign-in takes while someone floods the server with
 * made-up staff numbers (issue 10, item 6), against one real raumbuch-server on loopback
 * (RAUMBUCH_SERVER, else the built one). Each round fires N logins at once with made-up
 * staff numbers, then signs in a real person from 127.0.0.1 and times that sign-in:
 *   quiet        no flood: the cost of one Argon2id check
 *   one address  the flood comes from one address (a fresh one each round)
 *   N addresses  the flood comes from N addresses, one login each (127.0.1.x)
 * Prints p50 and max of the real sign-ins, how many of them were refused (503 busy), and how
 * the flood was answered (checked: 401; refused: 429; busy: 503). Asserts nothing about time.
 *   bench-logins [N [ROUNDS]]     (default 100 10) */
#include "config.h"

#include <stdlib.h>

#include "rb-test-server.h"

#define JONAS "14475"

typedef struct
{
  RbTestServer *server;
  char *address;
  guint index;
  guint status;
} Guess;

static gpointer
guess_thread (gpointer data)
{
  Guess *guess = data;
  g_autoptr (SoupSession) session = rb_test_client_new_from (guess->address);
  g_autofree char *url = rb_test_server_url (guess->server, "/api/v1/sessions");
  g_autofree char *body = g_strdup_printf ("{\"staff_number\":\"9%05u\",\"pin\":\"1234\"}",
                                           guess->index);
  g_autoptr (RbTestResponse) resp = rb_test_request (session, "POST", url, NULL, body, NULL);

  guess->status = resp->status;
  return NULL;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

typedef enum
{
  FLOOD_NONE,
  FLOOD_ONE_ADDRESS,
  FLOOD_MANY_ADDRESSES,
} Flood;

static void
run (RbTestServer *server, SoupSession *colleague, Flood flood, guint n, guint rounds,
     const char *label)
{
  g_autoptr (GArray) latencies = g_array_new (FALSE, FALSE, sizeof (gint64));
  guint checked = 0, refused = 0, busy = 0, other = 0, refused_colleague = 0;
  const RbTestPerson *jonas = rb_test_demo_person (JONAS);

  for (guint r = 0; r < rounds; r++)
    {
      g_autofree Guess *guesses = g_new0 (Guess, n);
      g_autofree GThread **threads = g_new0 (GThread *, n);
      guint n_threads = flood == FLOOD_NONE ? 0 : n;
      g_autofree char *url = rb_test_server_url (server, "/api/v1/sessions");
      g_autofree char *body = g_strdup_printf ("{\"staff_number\":\"%s\",\"pin\":\"%s\"}",
                                               jonas->staff_number, jonas->pin);
      g_autoptr (RbTestResponse) resp = NULL;
      gint64 start;

      for (guint i = 0; i < n_threads; i++)
        {
          guesses[i].server = server;
          guesses[i].index = r * n + i;
          guesses[i].address = flood == FLOOD_ONE_ADDRESS
                                   ? g_strdup_printf ("127.0.2.%u", r + 1)
                                   : g_strdup_printf ("127.%u.%u.%u", 10 + r, i / 250 + 1,
                                                      i % 250 + 1);
          threads[i] = g_thread_new ("guess", guess_thread, &guesses[i]);
        }
      /* The flood is on its way before the colleague signs in. */
      g_usleep (20 * 1000);
      start = g_get_monotonic_time ();
      resp = rb_test_request (colleague, "POST", url, NULL, body, NULL);
      g_array_append_val (latencies, (gint64){ g_get_monotonic_time () - start });
      if (resp->status != 201)
        refused_colleague++;
      for (guint i = 0; i < n_threads; i++)
        {
          g_thread_join (threads[i]);
          if (guesses[i].status == 401)
            checked++;
          else if (guesses[i].status == 429)
            refused++;
          else if (guesses[i].status == 503)
            busy++;
          else
            other++;
          g_free (guesses[i].address);
        }
    }
  g_array_sort (latencies, compare_gint64);
  g_print ("%-13s colleague's sign-in p50 %6.0f ms, max %6.0f ms, %u of %u refused;"
           "  flood: %u checked, %u refused, %u busy, %u other\n",
           label, g_array_index (latencies, gint64, latencies->len / 2) / 1000.0,
           g_array_index (latencies, gint64, latencies->len - 1) / 1000.0, refused_colleague,
           rounds, checked, refused, busy, other);
}

int
main (int argc, char *argv[])
{
  guint n = argc > 1 ? (guint) atoi (argv[1]) : 100;
  guint rounds = argc > 2 ? (guint) atoi (argv[2]) : 10;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-bench-logins-XXXXXX", &error);
  g_autoptr (RbTestServer) server = NULL;
  g_autoptr (SoupSession) colleague = rb_test_client_new_from ("127.0.0.1");
  g_autofree char *many = g_strdup_printf ("%u addresses", n);

  g_assert_no_error (error);
  if (g_getenv ("RAUMBUCH_SERVER") == NULL)
    g_setenv ("RAUMBUCH_SERVER", RAUMBUCH_SERVER_PATH, TRUE);
  server = rb_test_server_new (dir);
  rb_test_server_start (server);

  g_print ("%u made-up logins at once, %u rounds, then one real sign-in from elsewhere\n", n,
           rounds);
  run (server, colleague, FLOOD_NONE, n, rounds, "quiet");
  run (server, colleague, FLOOD_ONE_ADDRESS, n, rounds, "one address");
  run (server, colleague, FLOOD_MANY_ADDRESSES, n, rounds, many);

  rb_test_server_stop (server);
  return 0;
}
