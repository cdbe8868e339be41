/* bench-server.c: how fast raumbuch-server books over HTTP, next to two ceilings measured in
 * the same run on the same machine, at 1, 8 and 32 concurrent clients:
 *   1. the real server (RAUMBUCH_SERVER, else the built one): the clients over loopback, each
 *      with its own libsoup session and keep-alive connection, POST /api/v1/bookings for
 *      distinct valid room slots;
 *   2. a bare SoupServer in this process (on its own thread and main context) that answers the
 *      same requests from the same clients with a constant JSON body: the HTTP ceiling;
 *   3. raw SQLite, BEGIN IMMEDIATE; INSERT; COMMIT one booking at a time on a file with the
 *      server's durability settings (WAL, synchronous=FULL): the storage ceiling.
 * A booking counts for the server only if it was answered 201 and is in the database file
 * afterwards (looked up by id from a connection of its own); any other answer, or a 201 whose
 * booking is not there, fails the run. Prints creates per second and p50/p99 latency of each,
 * and the server's share of the lower ceiling (the target is at least 50%). Asserts nothing
 * about time. The three take turns for ROUNDS rounds at each number of clients, and each is
 * reported by the median of its rounds.
 *
 * At 32 clients the server is also measured on PostgreSQL (issue 16), in a private cluster
 * (tests/rb-test-postgres.h) started in the same temporary folder: one server on a database
 * of its own, and two servers sharing another database with 16 of the clients each. Their
 * rounds take turns with the three above, they count the same way (201 and in the database,
 * counted through libpq), and the table puts them next to the SQLite server and the ceilings
 * with the ratio of two PostgreSQL servers to one SQLite server (the target is at least 70%),
 * each database analysed after each round as autovacuum keeps a database in service,
 * and a ceiling of their own: raw PostgreSQL, BEGIN; INSERT; COMMIT one booking at a time over
 * one connection (libpq, prepared), as a server's store talks to PostgreSQL: what one
 * connection's round trips allow.
 * What limits them shows in the CPU time that PostgreSQL's processes, the servers and this
 * process (the clients) spent during the timed runs, read from /proc.
 *   bench-server [--engines=sqlite|sqlite,postgresql] [N [ROUNDS]]
 *   N creates per phase and round (default 3000), ROUNDS (3); --engines defaults to both when
 *   PostgreSQL is installed, to SQLite alone otherwise. */
#include "config.h"

#include <glib/gstdio.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rb-test-postgres.h"
#include "rb-test-server.h"
#include "rb-test-util.h"

#define MAX_CLIENTS 32
#define MAX_SERVERS 2
#define SLOTS_PER_DAY 56
/* What rb-test-postgres.c runs; without it the PostgreSQL rows are left out. */
#define POSTGRES_BINARY "/usr/lib/postgresql/15/bin/postgres"
/* Bookings looked up per query when counting them in PostgreSQL. */
#define IDS_PER_QUERY 500

typedef struct
{
  double per_second;
  double p50_ms;
  double p99_ms;
  gint64 elapsed_us;
  int failures;
  /* the server: answered 201, and of those found in the database */
  int created;
  int found;
} Figures;

/* ---- shared by the two HTTP phases --------------------------------------------------------- */

typedef struct
{
  const char *base_urls[MAX_CLIENTS]; /* each client's server, http://127.0.0.1:PORT */
  GPtrArray *rooms;              /* space ids */
  const char *tokens[MAX_CLIENTS]; /* NULL for the bare server */
  int n_clients;
  int n_requests;
  int offset;                    /* request k books slot offset + k: rounds never clash */
  int next;                      /* atomic: the next request's number */
  int ready;                      /* atomic: clients connected and waiting */
  int go;                        /* atomic: start */
  gint64 *latencies;             /* one per request */
  char **created_ids;            /* one per request: its id when answered 201 */
  int failures;                  /* atomic */
  char *first_failure;
  GMutex lock;
} Load;

typedef struct
{
  Load *load;
  int index;
} Client;

/* Request k books room k % rooms in the (k / rooms)-th 15-minute slot of the opening hours
 * from Tuesday 1 December 2026 on: every request is a valid, distinct booking. */
static char *
request_body (Load *load, int k, char **out_id)
{
  const char *room;
  int slot;

  k += load->offset;
  room = g_ptr_array_index (load->rooms, k % load->rooms->len);
  slot = k / load->rooms->len;
  g_autoptr (GDateTime) first = g_date_time_new (rb_test_berlin (), 2026, 12, 1, 12, 0, 0);
  g_autoptr (GDateTime) day = g_date_time_add_days (first, slot / SLOTS_PER_DAY);
  int minute = 6 * 60 + (slot % SLOTS_PER_DAY) * 15;
  int y, m, d;
  gint64 start;

  g_date_time_get_ymd (day, &y, &m, &d);
  start = rb_test_berlin_time (y, m, d, minute / 60, minute % 60);
  *out_id = g_uuid_string_random ();
  return rb_test_booking_json (*out_id, room, start, start + 15 * 60, "Benchmark", 2);
}

static gpointer
client_thread (gpointer data)
{
  Client *client = data;
  Load *load = client->load;
  const char *token = load->tokens[client->index];
  const char *base_url = load->base_urls[client->index];
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autofree char *url = g_strconcat (base_url, "/api/v1/bookings", NULL);
  g_autofree char *health = g_strconcat (base_url, "/api/v1/health", NULL);
  int k;

  /* Connect before the clock starts: the figures are about requests, not TCP handshakes. */
  {
    g_autoptr (RbTestResponse) warm = rb_test_request (session, "GET", health, NULL, NULL, NULL);
    if (warm->status == 0)
      g_error ("client %d cannot reach %s: %s", client->index, health, warm->error->message);
  }
  g_atomic_int_inc (&load->ready);
  while (!g_atomic_int_get (&load->go))
    g_usleep (100);

  while ((k = g_atomic_int_add (&load->next, 1)) < load->n_requests)
    {
      g_autofree char *id = NULL;
      g_autofree char *body = request_body (load, k, &id);
      gsize length = strlen (body);
      g_autoptr (GBytes) bytes = g_bytes_new_take (g_steal_pointer (&body), length);
      g_autoptr (SoupMessage) msg = rb_test_message_new ("POST", url, token);
      g_autoptr (RbTestResponse) resp = NULL;
      gint64 sent;

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key",
                                    id);
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
      /* As the tests do: a create with its Idempotency-Key may be repeated, so libsoup keeps
       * using the connection instead of opening one per POST. */
      soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
      sent = g_get_monotonic_time ();
      resp = rb_test_send (session, msg);
      load->latencies[k] = g_get_monotonic_time () - sent;
      if (resp->status == 201)
        {
          /* The bare SoupServer keeps no bookings to look up afterwards. */
          if (load->created_ids != NULL)
            load->created_ids[k] = g_steal_pointer (&id);
        }
      else
        {
          g_atomic_int_inc (&load->failures);
          g_mutex_lock (&load->lock);
          if (load->first_failure == NULL)
            load->first_failure = rb_test_response_describe (resp);
          g_mutex_unlock (&load->lock);
        }
    }
  return NULL;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

static Figures
figures_from (gint64 *latencies, int n, gint64 elapsed_us, int failures)
{
  Figures figures;

  qsort (latencies, n, sizeof (gint64), compare_gint64);
  figures.per_second = n / (elapsed_us / 1e6);
  figures.elapsed_us = elapsed_us;
  figures.p50_ms = latencies[n / 2] / 1e3;
  figures.p99_ms = latencies[(gsize) n * 99 / 100] / 1e3;
  figures.failures = failures;
  return figures;
}

static Figures
run_load (Load *load)
{
  Client clients[MAX_CLIENTS];
  GThread *threads[MAX_CLIENTS];
  gint64 started, elapsed;
  Figures figures;

  load->latencies = g_new0 (gint64, load->n_requests);
  g_mutex_init (&load->lock);
  for (int c = 0; c < load->n_clients; c++)
    {
      clients[c].load = load;
      clients[c].index = c;
      threads[c] = g_thread_new ("client", client_thread, &clients[c]);
    }
  while (g_atomic_int_get (&load->ready) < load->n_clients)
    g_usleep (1000);
  started = g_get_monotonic_time ();
  g_atomic_int_set (&load->go, 1);
  for (int c = 0; c < load->n_clients; c++)
    g_thread_join (threads[c]);
  elapsed = g_get_monotonic_time () - started;

  figures = figures_from (load->latencies, load->n_requests, elapsed, load->failures);
  figures.created = load->n_requests - load->failures;
  if (load->first_failure != NULL)
    g_printerr ("%d requests failed, the first: %s\n", load->failures, load->first_failure);
  g_free (load->first_failure);
  g_free (load->latencies);
  g_mutex_clear (&load->lock);
  return figures;
}

/* ---- 1. the real server --------------------------------------------------------------------- */

/* One raumbuch-server process, and the sessions of everyone on it who may book rooms. */
typedef struct
{
  RbTestServer *server;
  GPtrArray *tokens;
} Real;

/* Clock ticks of CPU time, and what the whole machine did, over the timed runs. */
typedef struct
{
  guint64 postgres;       /* the postmaster, its children, and those it reaped */
  guint64 servers;        /* the raumbuch-server processes under load */
  guint64 clients;        /* this process, that is the client threads */
  guint64 machine_busy;   /* /proc/stat, all CPUs */
  guint64 machine_idle;   /* iowait included */
  guint64 machine_iowait;
} CpuSample;

typedef struct
{
  CpuSample ticks;
  gint64 elapsed_us;
  int found;
} Cpu;

/* The servers that share one database, and that database. */
typedef struct
{
  const char *label;
  char *db;                    /* the SQLite file, or a postgresql:// URL */
  GPid postmaster;             /* 0 on SQLite */
  Real *reals[MAX_SERVERS];
  guint n_reals;
  GPtrArray *rooms;            /* space ids */
  Cpu cpu;                     /* summed over the rounds at MAX_CLIENTS clients */
} Site;

/* db_url NULL: the SQLite file that rb-test-server gives the server in dir. */
static Real *
real_start (const char *dir, const char *db_url)
{
  Real *real = g_new0 (Real, 1);
  g_autoptr (SoupSession) session = NULL;
  guint n_people;
  const RbTestPerson *people = rb_test_demo_people (&n_people);

  real->server = db_url != NULL ? rb_test_server_new_on (dir, db_url) : rb_test_server_new (dir);
  real->tokens = g_ptr_array_new_with_free_func (g_free);
  rb_test_server_set_now (real->server, "2026-11-30T07:00:00+01:00");
  rb_test_server_start (real->server);
  session = rb_test_client_new ();

  /* Everyone who may book rooms logs in once; the clients share their sessions. */
  for (guint i = 0; i < n_people; i++)
    if (g_str_equal (people[i].role, "staff") || g_str_equal (people[i].role, "team_lead"))
      g_ptr_array_add (real->tokens, rb_test_login_person (session, real->server, &people[i]));
  return real;
}

static void
real_stop (Real *real)
{
  rb_test_server_stop (real->server);
  rb_test_server_free (real->server);
  g_ptr_array_unref (real->tokens);
  g_free (real);
}

/* n_servers servers, each in a folder parent/name-I of its own, on db_url, or on SQLite when
 * that is NULL. They start one after the other: the first seeds the demo building, the
 * others find it there. */
static Site *
site_new (const char *label, const char *parent, const char *name, const char *db_url,
          guint n_servers, GPid postmaster)
{
  Site *site = g_new0 (Site, 1);
  g_autoptr (SoupSession) session = rb_test_client_new ();
  g_autoptr (RbTestResponse) spaces = NULL;
  g_autofree char *url = NULL;
  JsonArray *items;

  g_assert_cmpuint (n_servers, <=, MAX_SERVERS);
  site->label = label;
  site->postmaster = postmaster;
  site->rooms = g_ptr_array_new_with_free_func (g_free);
  for (guint s = 0; s < n_servers; s++)
    {
      g_autofree char *base = g_strdup_printf ("%s-%u", name, s + 1);
      g_autofree char *dir = g_build_filename (parent, base, NULL);

      g_assert_cmpint (g_mkdir (dir, 0700), ==, 0);
      site->reals[site->n_reals++] = real_start (dir, db_url);
    }
  site->db = g_strdup (db_url != NULL ? db_url
                                      : rb_test_server_get_db_path (site->reals[0]->server));

  url = rb_test_server_url (site->reals[0]->server, "/api/v1/spaces?kind=room");
  spaces = rb_test_request (session, "GET", url, g_ptr_array_index (site->reals[0]->tokens, 0),
                            NULL, NULL);
  rb_test_assert_status (spaces, 200);
  items = json_object_get_array_member (rb_test_response_get_object (spaces), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (site->rooms, g_strdup (json_object_get_string_member (
                                      json_array_get_object_element (items, i), "id")));
  return site;
}

static void
site_free (Site *site)
{
  for (guint s = 0; s < site->n_reals; s++)
    real_stop (site->reals[s]);
  g_ptr_array_unref (site->rooms);
  g_free (site->db);
  g_free (site);
}

/* How many of the bookings answered 201 are in the server's file, looked up by id from a
 * read-only connection of our own while the server runs. */
static int
count_in_sqlite (const char *path, char **ids, int n)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int found = 0;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
      || sqlite3_prepare_v2 (db, "SELECT 1 FROM bookings WHERE id = ?", -1, &stmt, NULL)
             != SQLITE_OK)
    g_error ("cannot read the server's database: %s", sqlite3_errmsg (db));
  for (int k = 0; k < n; k++)
    {
      if (ids[k] == NULL)
        continue;
      sqlite3_bind_text (stmt, 1, ids[k], -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        found++;
      sqlite3_reset (stmt);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return found;
}

/* The same in PostgreSQL, a few hundred ids per query. The ids are UUIDs that we made, so
 * they go into the text of the query as they are. */
static int
count_in_postgres (const char *url, char **ids, int n)
{
  int found = 0;

  for (int first = 0; first < n; first += IDS_PER_QUERY)
    {
      g_autoptr (GString) sql = g_string_new ("SELECT count(*) FROM bookings WHERE id IN (");
      gboolean any = FALSE;

      for (int k = first; k < MIN (n, first + IDS_PER_QUERY); k++)
        if (ids[k] != NULL)
          {
            g_string_append_printf (sql, "%s'%s'", any ? "," : "", ids[k]);
            any = TRUE;
          }
      g_string_append_c (sql, ')');
      if (any)
        found += rb_test_db_int (url, sql->str);
    }
  return found;
}

/* utime + stime of /proc/PID (PID may be "self"), and cutime + cstime: what the children it
 * reaped spent. FALSE when the process is gone. */
static gboolean
proc_times (const char *pid, int *ppid, guint64 *own, guint64 *reaped)
{
  g_autofree char *path = g_build_filename ("/proc", pid, "stat", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  const char *name_end;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return FALSE;
  /* The command name in parentheses may hold spaces: count the fields after it, from the
   * state (field 3 in proc(5)) on. */
  name_end = strrchr (text, ')');
  if (name_end == NULL || name_end[1] == '\0')
    return FALSE;
  fields = g_strsplit (name_end + 2, " ", 0);
  if (g_strv_length (fields) < 15)
    return FALSE;
  *ppid = atoi (fields[4 - 3]);
  *own = g_ascii_strtoull (fields[14 - 3], NULL, 10) + g_ascii_strtoull (fields[15 - 3], NULL, 10);
  *reaped = g_ascii_strtoull (fields[16 - 3], NULL, 10)
            + g_ascii_strtoull (fields[17 - 3], NULL, 10);
  return TRUE;
}

/* PostgreSQL works in a process per connection (and a few of its own) below the postmaster:
 * all of them, and those that ended and were reaped. */
static guint64
postgres_ticks (GPid postmaster)
{
  g_autofree char *postmaster_pid = g_strdup_printf ("%d", (int) postmaster);
  g_autoptr (GDir) proc = g_dir_open ("/proc", 0, NULL);
  const char *name;
  guint64 own = 0, reaped = 0, total = 0;
  int ppid;

  if (proc_times (postmaster_pid, &ppid, &own, &reaped))
    total += own + reaped;
  while (proc != NULL && (name = g_dir_read_name (proc)) != NULL)
    if (g_ascii_isdigit (name[0]) && proc_times (name, &ppid, &own, &reaped)
        && ppid == (int) postmaster)
      total += own;
  return total;
}

static void
machine_ticks (CpuSample *sample)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;
  guint64 value[8] = { 0 };

  /* "cpu  user nice system idle iowait irq softirq steal …", all CPUs together */
  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL))
    return;
  fields = g_strsplit_set (text, " \n", 12);
  for (guint i = 0; i < G_N_ELEMENTS (value) && fields[0] != NULL && fields[2 + i] != NULL; i++)
    value[i] = g_ascii_strtoull (fields[2 + i], NULL, 10);
  sample->machine_busy = value[0] + value[1] + value[2] + value[5] + value[6] + value[7];
  sample->machine_idle = value[3] + value[4];
  sample->machine_iowait = value[4];
}

static void
cpu_sample (Site *site, CpuSample *sample)
{
  int ppid;
  guint64 own, reaped;

  memset (sample, 0, sizeof *sample);
  if (site->postmaster != 0)
    sample->postgres = postgres_ticks (site->postmaster);
  for (guint s = 0; s < site->n_reals; s++)
    {
      g_autofree char *pid = g_strdup_printf ("%d", rb_test_server_get_pid (site->reals[s]->server));

      if (proc_times (pid, &ppid, &own, &reaped))
        sample->servers += own;
    }
  if (proc_times ("self", &ppid, &own, &reaped))
    sample->clients = own;
  machine_ticks (sample);
}

static void
cpu_add (Cpu *cpu, const CpuSample *before, const CpuSample *after)
{
  cpu->ticks.postgres += after->postgres - before->postgres;
  cpu->ticks.servers += after->servers - before->servers;
  cpu->ticks.clients += after->clients - before->clients;
  cpu->ticks.machine_busy += after->machine_busy - before->machine_busy;
  cpu->ticks.machine_idle += after->machine_idle - before->machine_idle;
  cpu->ticks.machine_iowait += after->machine_iowait - before->machine_iowait;
}

/* n_clients clients split evenly over the site's servers; with measure_cpu, the CPU time of
 * the timed run is added to the site's. */
static Figures
real_round (Site *site, int n_clients, int n, int offset, gboolean measure_cpu)
{
  Load load = { 0 };
  Figures figures;
  CpuSample before, after;

  load.rooms = site->rooms;
  load.n_clients = n_clients;
  load.n_requests = n;
  load.offset = offset;
  load.created_ids = g_new0 (char *, n);
  for (int c = 0; c < n_clients; c++)
    {
      Real *real = site->reals[c % site->n_reals];
      int on_server = c / site->n_reals;

      load.base_urls[c] = rb_test_server_get_base_url (real->server);
      load.tokens[c] = g_ptr_array_index (real->tokens, on_server % real->tokens->len);
    }
  if (measure_cpu)
    cpu_sample (site, &before);
  figures = run_load (&load);
  if (measure_cpu)
    cpu_sample (site, &after);
  figures.found = site->postmaster != 0 ? count_in_postgres (site->db, load.created_ids, n)
                                        : count_in_sqlite (site->db, load.created_ids, n);
  /* What autovacuum does within a minute of a table growing by a tenth, done at once: the
   * rounds last seconds, and a database in service has its statistics (without them
   * PostgreSQL checks a space's clashes through the exclusion constraint's index, by space
   * alone, and every round gets slower; rb-pg-schema.c, migration 18). */
  if (site->postmaster != 0)
    rb_test_db_exec (site->db, "ANALYZE");
  /* Only what is really there counts. */
  figures.per_second = figures.found / (figures.elapsed_us / 1e6);
  if (measure_cpu)
    {
      cpu_add (&site->cpu, &before, &after);
      site->cpu.elapsed_us += figures.elapsed_us;
      site->cpu.found += figures.found;
    }
  for (int k = 0; k < n; k++)
    g_free (load.created_ids[k]);
  g_free (load.created_ids);
  return figures;
}

/* ---- 2. a bare SoupServer -------------------------------------------------------------------- */

static const char constant_booking[] =
  "{\"id\":\"3f1c8a52-5d0e-4c4b-9a57-0f6a1e2b3c4d\",\"space_id\":\"a0-r01\","
  "\"person_id\":\"p-14475\",\"start\":\"2026-12-01T05:00:00Z\",\"end\":\"2026-12-01T05:15:00Z\","
  "\"title\":\"Benchmark\",\"attendees\":2,\"series_id\":null,\"state\":\"booked\",\"version\":1,"
  "\"seq\":1}";

typedef struct
{
  GMainContext *context;
  GMainLoop *loop;
  SoupServer *server;
  char *base_url;
  GMutex lock;
  GCond cond;
  gboolean listening;
  GThread *thread;
} Bare;

static void
bare_handler (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  soup_server_message_set_status (msg, SOUP_STATUS_CREATED, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "ETag", "\"1\"");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, constant_booking,
                                    strlen (constant_booking));
}

static gpointer
bare_thread (gpointer data)
{
  Bare *bare = data;
  g_autoptr (GError) error = NULL;
  GSList *uris;

  g_main_context_push_thread_default (bare->context);
  bare->server = soup_server_new ("server-header", "bench", NULL);
  soup_server_add_handler (bare->server, NULL, bare_handler, NULL, NULL);
  if (!soup_server_listen_local (bare->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("bare SoupServer: %s", error->message);
  uris = soup_server_get_uris (bare->server);
  g_mutex_lock (&bare->lock);
  bare->base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  bare->listening = TRUE;
  g_cond_signal (&bare->cond);
  g_mutex_unlock (&bare->lock);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  g_main_loop_run (bare->loop);
  soup_server_disconnect (bare->server);
  g_clear_object (&bare->server);
  g_main_context_pop_thread_default (bare->context);
  return NULL;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static Bare *
bare_start (void)
{
  Bare *bare = g_new0 (Bare, 1);

  bare->context = g_main_context_new ();
  bare->loop = g_main_loop_new (bare->context, FALSE);
  g_mutex_init (&bare->lock);
  g_cond_init (&bare->cond);
  bare->thread = g_thread_new ("bare-server", bare_thread, bare);
  g_mutex_lock (&bare->lock);
  while (!bare->listening)
    g_cond_wait (&bare->cond, &bare->lock);
  g_mutex_unlock (&bare->lock);
  return bare;
}

static Figures
bare_round (Bare *bare, GPtrArray *rooms, int n_clients, int n, int offset)
{
  Load load = { 0 };

  for (int c = 0; c < n_clients; c++)
    load.base_urls[c] = bare->base_url;
  load.rooms = rooms;
  load.n_clients = n_clients;
  load.n_requests = n;
  load.offset = offset;
  return run_load (&load);
}

static void
bare_stop (Bare *bare)
{
  GSource *quit = g_idle_source_new ();

  g_source_set_callback (quit, quit_cb, bare->loop, NULL);
  g_source_attach (quit, bare->context);
  g_source_unref (quit);
  g_thread_join (bare->thread);
  g_main_loop_unref (bare->loop);
  g_main_context_unref (bare->context);
  g_mutex_clear (&bare->lock);
  g_cond_clear (&bare->cond);
  g_free (bare->base_url);
  g_free (bare);
}

/* ---- 3. raw SQLite ---------------------------------------------------------------------------- */

static void
exec_or_die (sqlite3 *db, const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

typedef struct
{
  sqlite3 *db;
  sqlite3_stmt *insert;
} Raw;

static Raw *
raw_open (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "raw.db", NULL);
  Raw *raw = g_new0 (Raw, 1);

  if (sqlite3_open (path, &raw->db) != SQLITE_OK)
    g_error ("cannot open %s", path);
  exec_or_die (raw->db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;");
  /* The shape of the store's bookings table, with its indexes. */
  exec_or_die (raw->db, "CREATE TABLE bookings (id TEXT PRIMARY KEY, space_id TEXT NOT NULL,"
                        " person_id TEXT, is_desk INTEGER NOT NULL, start INTEGER NOT NULL,"
                        " end INTEGER NOT NULL, title TEXT, attendees INTEGER NOT NULL DEFAULT 1,"
                        " series_id TEXT, state TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
                        " seq INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL,"
                        " updated_at INTEGER NOT NULL);"
                        "CREATE INDEX bookings_by_space ON bookings (space_id, start);"
                        "CREATE INDEX bookings_by_person ON bookings (person_id, start);"
                        "CREATE INDEX bookings_by_seq ON bookings (seq);");
  if (sqlite3_prepare_v2 (raw->db,
                          "INSERT INTO bookings (id, space_id, person_id, is_desk, start, end,"
                          " title, attendees, state, seq, created_at, updated_at)"
                          " VALUES (?, ?, 'p-14475', 0, ?, ?, 'Benchmark', 2, 'booked', ?, ?, ?)",
                          -1, &raw->insert, NULL) != SQLITE_OK)
    g_error ("prepare: %s", sqlite3_errmsg (raw->db));
  return raw;
}

/* One booking a raw ceiling inserts, in a transaction of its own. */
typedef void (*RawInsertFunc) (gpointer raw, const char *id, gint64 start, int seq);

/* n bookings of 15 minutes one after the other, each timed on its own. */
static Figures
raw_timed_round (RawInsertFunc insert, gpointer raw, int n, int offset)
{
  g_autofree gint64 *latencies = g_new0 (gint64, n);
  gint64 started, elapsed;

  started = g_get_monotonic_time ();
  for (int i = 0; i < n; i++)
    {
      int k = offset + i;
      g_autofree char *id = g_uuid_string_random ();
      gint64 sent = g_get_monotonic_time ();

      insert (raw, id, 1796104800 + (gint64) k * 900, k + 1);
      latencies[i] = g_get_monotonic_time () - sent;
    }
  elapsed = g_get_monotonic_time () - started;
  return figures_from (latencies, n, elapsed, 0);
}

static void
raw_insert (gpointer data, const char *id, gint64 start, int seq)
{
  Raw *raw = data;

  exec_or_die (raw->db, "BEGIN IMMEDIATE");
  sqlite3_bind_text (raw->insert, 1, id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (raw->insert, 2, "a0-r01", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (raw->insert, 3, start);
  sqlite3_bind_int64 (raw->insert, 4, start + 900);
  sqlite3_bind_int64 (raw->insert, 5, seq);
  sqlite3_bind_int64 (raw->insert, 6, start);
  sqlite3_bind_int64 (raw->insert, 7, start);
  if (sqlite3_step (raw->insert) != SQLITE_DONE)
    g_error ("insert: %s", sqlite3_errmsg (raw->db));
  sqlite3_reset (raw->insert);
  exec_or_die (raw->db, "COMMIT");
}

static void
raw_close (Raw *raw)
{
  sqlite3_finalize (raw->insert);
  sqlite3_close (raw->db);
  g_free (raw);
}

/* ---- 4. raw PostgreSQL ------------------------------------------------------------------------ */

/* One connection, as a server's store has: what its round trips allow at most. */
typedef struct
{
  PGconn *conn;
} RawPg;

static void
pg_exec_or_die (PGconn *conn, const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK && PQresultStatus (result) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (result);
}

static RawPg *
raw_pg_open (const char *url)
{
  RawPg *raw = g_new0 (RawPg, 1);
  PGresult *prepared;

  raw->conn = PQconnectdb (url);
  if (PQstatus (raw->conn) != CONNECTION_OK)
    g_error ("cannot connect to %s: %s", url, PQerrorMessage (raw->conn));
  /* The shape of the store's bookings table, with its indexes; the server's durability. */
  pg_exec_or_die (raw->conn,
                  "CREATE TABLE bookings (id TEXT PRIMARY KEY, space_id TEXT NOT NULL,"
                  " person_id TEXT, is_desk INTEGER NOT NULL, start BIGINT NOT NULL,"
                  " \"end\" BIGINT NOT NULL, title TEXT, attendees INTEGER NOT NULL DEFAULT 1,"
                  " series_id TEXT, state TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
                  " seq BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL,"
                  " updated_at BIGINT NOT NULL);"
                  "CREATE INDEX bookings_by_space ON bookings (space_id, start);"
                  "CREATE INDEX bookings_by_person ON bookings (person_id, start);"
                  "CREATE INDEX bookings_by_seq ON bookings (seq);");
  prepared = PQprepare (raw->conn, "insert",
                        "INSERT INTO bookings (id, space_id, person_id, is_desk, start, \"end\","
                        " title, attendees, state, seq, created_at, updated_at)"
                        " VALUES ($1, $2, 'p-14475', 0, $3, $4, 'Benchmark', 2, 'booked', $5, $6,"
                        " $7)",
                        7, NULL);
  if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
    g_error ("prepare: %s", PQerrorMessage (raw->conn));
  PQclear (prepared);
  return raw;
}

static void
raw_pg_insert (gpointer data, const char *id, gint64 start, int seq)
{
  RawPg *raw = data;
  g_autofree char *start_text = g_strdup_printf ("%" G_GINT64_FORMAT, start);
  g_autofree char *end_text = g_strdup_printf ("%" G_GINT64_FORMAT, start + 900);
  g_autofree char *seq_text = g_strdup_printf ("%d", seq);
  const char *values[] = { id, "a0-r01", start_text, end_text, seq_text, start_text,
                           start_text };
  PGresult *result;

  pg_exec_or_die (raw->conn, "BEGIN");
  result = PQexecPrepared (raw->conn, "insert", G_N_ELEMENTS (values), values, NULL, NULL, 0);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("insert: %s", PQerrorMessage (raw->conn));
  PQclear (result);
  pg_exec_or_die (raw->conn, "COMMIT");
}

static void
raw_pg_close (RawPg *raw)
{
  PQfinish (raw->conn);
  g_free (raw);
}

/* The figures mean little on a busy machine: say how busy it was. */
static char *
load_average (void)
{
  g_autofree char *text = NULL;
  g_auto (GStrv) fields = NULL;

  if (!g_file_get_contents ("/proc/loadavg", &text, NULL, NULL))
    return g_strdup ("unknown");
  fields = g_strsplit (text, " ", 4);
  return g_strv_length (fields) >= 3 ? g_strjoin (" ", fields[0], fields[1], fields[2], NULL)
                                     : g_strdup ("unknown");
}

static void
print_row (const char *what, const Figures *figures)
{
  g_print ("%-64s %8.0f/s  p50 %6.2f ms  p99 %6.2f ms%s\n", what, figures->per_second,
           figures->p50_ms, figures->p99_ms, figures->failures > 0 ? "  (with failures)" : "");
}

static int
compare_rate (gconstpointer a, gconstpointer b)
{
  const Figures *x = a, *y = b;

  return x->per_second < y->per_second ? -1 : x->per_second > y->per_second;
}

/* The median round by rate (the lower of the two middle ones for an even count). */
static Figures
median_of (GArray *rounds)
{
  g_array_sort (rounds, compare_rate);
  return g_array_index (rounds, Figures, (rounds->len - 1) / 2);
}

/* Seconds of CPU per second of the timed runs, and per booking found, for one site. */
static void
print_cpu_row (const Site *site)
{
  const Cpu *cpu = &site->cpu;
  double tick = 1.0 / sysconf (_SC_CLK_TCK);
  double seconds = cpu->elapsed_us / 1e6;
  double machine = cpu->ticks.machine_busy + cpu->ticks.machine_idle;
  g_autofree char *postgres = NULL;
  g_autofree char *postgres_ms = NULL;

  if (seconds <= 0 || cpu->found == 0)
    return;
  postgres = site->postmaster != 0
                 ? g_strdup_printf ("%5.2f", cpu->ticks.postgres * tick / seconds)
                 : g_strdup ("    -");
  postgres_ms = site->postmaster != 0
                    ? g_strdup_printf ("%5.3f", cpu->ticks.postgres * tick * 1e3 / cpu->found)
                    : g_strdup ("    -");
  g_print ("  %-46s %s     %5.2f     %5.2f    %5.1f%%  %5.1f%%    %s / %5.3f / %5.3f\n",
           site->label, postgres, cpu->ticks.servers * tick / seconds,
           cpu->ticks.clients * tick / seconds,
           machine > 0 ? 100.0 * cpu->ticks.machine_idle / machine : 0.0,
           machine > 0 ? 100.0 * cpu->ticks.machine_iowait / machine : 0.0, postgres_ms,
           cpu->ticks.servers * tick * 1e3 / cpu->found,
           cpu->ticks.clients * tick * 1e3 / cpu->found);
}

/* Which of the three spent the most CPU, whether the machine had any to spare, and how many
 * bookings a second its CPUs could give at all at this much CPU per booking, were nothing
 * ever waited for: next to SQLite's rate, what no shorter wait can beat. */
static void
print_cpu_verdict (const Site *site, double sqlite_per_second)
{
  const Cpu *cpu = &site->cpu;
  double machine = cpu->ticks.machine_busy + cpu->ticks.machine_idle;
  double idle = machine > 0 ? cpu->ticks.machine_idle / machine : 0.0;
  guint64 most = MAX (cpu->ticks.postgres, MAX (cpu->ticks.servers, cpu->ticks.clients));
  const char *busiest = most == cpu->ticks.postgres  ? "PostgreSQL"
                        : most == cpu->ticks.servers ? "the raumbuch-server processes"
                                                     : "the clients";

  if (cpu->found == 0)
    return;
  double tick = 1.0 / sysconf (_SC_CLK_TCK);
  double cpu_seconds = (cpu->ticks.postgres + cpu->ticks.servers + cpu->ticks.clients) * tick;
  double bound = cpu_seconds > 0 ? g_get_num_processors () * cpu->found / cpu_seconds : 0.0;

  g_print ("  %s: %s spent the most CPU; the machine was %.0f%% idle (%s)\n", site->label,
           busiest, 100.0 * idle,
           idle < 0.10 ? "the CPUs are the limit"
                       : "CPU to spare: waits (round trips, locks, fsync) limit it");
  g_print ("     at %.3f ms of CPU per booking in all, %u CPUs give at most %.0f/s without any "
           "wait: %.0f%% of SQLite with one server\n", 1e3 * cpu_seconds / cpu->found,
           g_get_num_processors (), bound,
           sqlite_per_second > 0 ? 100.0 * bound / sqlite_per_second : 0.0);
}

static gboolean
postgres_installed (void)
{
  return g_file_test (POSTGRES_BINARY, G_FILE_TEST_IS_EXECUTABLE);
}

int
main (int argc, char *argv[])
{
  static const int client_counts[] = { 1, 8, MAX_CLIENTS };
  g_autofree char *engines = NULL;
  const GOptionEntry entries[] = {
    { "engines", 0, 0, G_OPTION_ARG_STRING, &engines,
      "sqlite, or sqlite,postgresql (default: both when PostgreSQL is installed)", "LIST" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("[N [ROUNDS]]");
  g_autoptr (GError) error = NULL;
  int n, rounds;
  gboolean with_postgres;
  g_autofree char *dir = NULL;
  g_autofree char *load_before = load_average ();
  g_autofree char *load_after = NULL;
  Figures server[G_N_ELEMENTS (client_counts)], bare[G_N_ELEMENTS (client_counts)],
      raw[G_N_ELEMENTS (client_counts)], pg_one = { 0 }, pg_two = { 0 }, pg_raw = { 0 };
  RbTestPostgres *cluster = NULL;
  Site *sqlite_site, *pg_one_site = NULL, *pg_two_site = NULL;
  Bare *bare_server;
  Raw *raw_db;
  RawPg *raw_pg = NULL;
  int offset = 0, failures = 0, missing = 0;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    g_error ("bench-server: %s", error->message);
  n = argc > 1 ? atoi (argv[1]) : 3000;
  rounds = argc > 2 ? atoi (argv[2]) : 3;
  if (n < 100 || rounds < 1)
    g_error ("usage: bench-server [--engines=sqlite|sqlite,postgresql] [N >= 100 [ROUNDS >= 1]]");
  if (engines == NULL)
    with_postgres = postgres_installed ();
  else if (g_str_equal (engines, "sqlite"))
    with_postgres = FALSE;
  else if (g_str_equal (engines, "sqlite,postgresql") || g_str_equal (engines, "postgresql,sqlite"))
    with_postgres = TRUE;
  else
    g_error ("--engines: sqlite or sqlite,postgresql, not '%s'", engines);
  if (with_postgres && !postgres_installed ())
    g_error ("--engines=%s: PostgreSQL is not installed (%s)", engines, POSTGRES_BINARY);
  if (g_getenv ("RAUMBUCH_SERVER") == NULL)
    g_setenv ("RAUMBUCH_SERVER", RAUMBUCH_SERVER_PATH, TRUE);
  /* The first row is the SQLite server's, whatever the test suites' variable says; the
   * PostgreSQL servers are given their databases here. */
  g_unsetenv ("RB_TEST_DB_ENGINE");
  dir = rb_test_make_tmpdir ();

  g_print ("bench-server: %d booking creates per phase and round, %d rounds, at 1, 8 and %d "
           "concurrent clients over loopback\n", n, rounds, MAX_CLIENTS);
  if (!with_postgres)
    g_print ("bench-server: without PostgreSQL (%s)\n",
             engines != NULL ? "--engines=sqlite" : POSTGRES_BINARY " is not installed");
  sqlite_site = site_new ("1. SQLite, one server", dir, "server", NULL, 1, 0);
  if (with_postgres)
    {
      g_autofree char *url_one = NULL;
      g_autofree char *url_two = NULL;
      g_autofree char *url_raw = NULL;
      GPid postmaster;

      cluster = rb_test_postgres_new (dir);
      postmaster = rb_test_postgres_get_pid (cluster);
      /* A database each, so that the one server's commits wake no listener of the other
       * two, and both start from the same empty building. */
      url_one = rb_test_postgres_create_database (cluster, "bench_one");
      url_two = rb_test_postgres_create_database (cluster, "bench_two");
      url_raw = rb_test_postgres_create_database (cluster, "bench_raw");
      pg_one_site = site_new ("2. PostgreSQL, one server", dir, "pg-one", url_one, 1,
                              postmaster);
      pg_two_site = site_new ("3. PostgreSQL, two servers on one database", dir, "pg-two",
                              url_two, 2, postmaster);
      raw_pg = raw_pg_open (url_raw);
    }
  bare_server = bare_start ();
  raw_db = raw_open (dir);

  for (guint c = 0; c < G_N_ELEMENTS (client_counts); c++)
    {
      gboolean widest = client_counts[c] == MAX_CLIENTS;
      g_autoptr (GArray) server_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));
      g_autoptr (GArray) bare_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));
      g_autoptr (GArray) raw_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));
      g_autoptr (GArray) pg_one_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));
      g_autoptr (GArray) pg_two_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));
      g_autoptr (GArray) pg_raw_rounds = g_array_new (FALSE, FALSE, sizeof (Figures));

      /* The phases take turns, so that a busy moment of the machine does not fall on one of
       * them only. Each site has a database of its own: they use the same slots. */
      for (int r = 0; r < rounds; r++, offset += n)
        {
          Figures a = real_round (sqlite_site, client_counts[c], n, offset, widest);
          Figures b = bare_round (bare_server, sqlite_site->rooms, client_counts[c], n, offset);
          Figures d = raw_timed_round (raw_insert, raw_db, n, offset);

          g_print ("%2d clients, round %d: server %.0f/s (%d answered 201, %d of them in the "
                   "database), bare SoupServer %.0f/s, raw SQLite %.0f/s\n",
                   client_counts[c], r + 1, a.per_second, a.created, a.found, b.per_second,
                   d.per_second);
          failures += a.failures;
          missing += a.created - a.found;
          g_array_append_val (server_rounds, a);
          g_array_append_val (bare_rounds, b);
          g_array_append_val (raw_rounds, d);

          if (widest && with_postgres)
            {
              Figures e = real_round (pg_one_site, client_counts[c], n, offset, TRUE);
              Figures f = real_round (pg_two_site, client_counts[c], n, offset, TRUE);
              Figures g = raw_timed_round (raw_pg_insert, raw_pg, n, offset);

              g_print ("%2d clients, round %d: PostgreSQL one server %.0f/s (%d answered 201, "
                       "%d of them in the database), two servers %.0f/s (%d answered 201, %d "
                       "of them in the database), raw PostgreSQL %.0f/s\n",
                       client_counts[c], r + 1, e.per_second, e.created, e.found, f.per_second,
                       f.created, f.found, g.per_second);
              failures += e.failures + f.failures;
              missing += e.created - e.found + f.created - f.found;
              g_array_append_val (pg_one_rounds, e);
              g_array_append_val (pg_two_rounds, f);
              g_array_append_val (pg_raw_rounds, g);
            }
        }
      server[c] = median_of (server_rounds);
      bare[c] = median_of (bare_rounds);
      raw[c] = median_of (raw_rounds);
      if (widest && with_postgres)
        {
          pg_one = median_of (pg_one_rounds);
          pg_two = median_of (pg_two_rounds);
          pg_raw = median_of (pg_raw_rounds);
        }
    }
  load_after = load_average ();

  for (guint c = 0; c < G_N_ELEMENTS (client_counts); c++)
    {
      g_autofree char *title = g_strdup_printf ("raumbuch-server, POST /api/v1/bookings, %d clients",
                                                client_counts[c]);
      double ceiling = MIN (bare[c].per_second, raw[c].per_second);

      if (client_counts[c] == MAX_CLIENTS)
        {
          /* The engines side by side, next to the same ceilings. */
          g_print ("%s, by engine:\n", title);
          print_row ("  1. SQLite, one server", &server[c]);
          if (with_postgres)
            {
              g_autofree char *two = g_strdup_printf ("  3. PostgreSQL, two servers on one "
                                                      "database, %d clients each",
                                                      MAX_CLIENTS / MAX_SERVERS);

              print_row ("  2. PostgreSQL, one server", &pg_one);
              print_row (two, &pg_two);
            }
          print_row ("  ceiling 1: bare SoupServer, constant JSON", &bare[c]);
          print_row ("  ceiling 2: SQLite BEGIN IMMEDIATE; INSERT; COMMIT (WAL, FULL)", &raw[c]);
          if (with_postgres)
            print_row ("  ceiling 3: PostgreSQL BEGIN; INSERT; COMMIT, one connection", &pg_raw);
          g_print ("  SQLite server / lower ceiling: %.0f%% (target at least 50%%)\n",
                   100.0 * server[c].per_second / ceiling);
          if (with_postgres)
            {
              g_print ("  PostgreSQL with one server / SQLite with one server: %.0f%%\n",
                       100.0 * pg_one.per_second / server[c].per_second);
              g_print ("  PostgreSQL with two servers / SQLite with one server: %.0f%% (target "
                       "at least 70%%)\n", 100.0 * pg_two.per_second / server[c].per_second);
            }
          continue;
        }
      print_row (title, &server[c]);
      print_row ("  ceiling 1: bare SoupServer, constant JSON", &bare[c]);
      print_row ("  ceiling 2: SQLite BEGIN IMMEDIATE; INSERT; COMMIT (WAL, FULL)", &raw[c]);
      g_print ("  server / lower ceiling: %.0f%% (target at least 50%%)\n",
               100.0 * server[c].per_second / ceiling);
    }
  g_print ("CPU during the timed runs at %d clients, all rounds: seconds of CPU per second of "
           "run (%u CPUs), the machine's idle and iowait share, and CPU ms per booking:\n",
           MAX_CLIENTS, g_get_num_processors ());
  g_print ("  %-46s postgres  servers  clients     idle  iowait    ms: postgres / servers / "
           "clients\n", "");
  print_cpu_row (sqlite_site);
  if (with_postgres)
    {
      print_cpu_row (pg_one_site);
      print_cpu_row (pg_two_site);
      print_cpu_verdict (sqlite_site, server[G_N_ELEMENTS (client_counts) - 1].per_second);
      print_cpu_verdict (pg_one_site, server[G_N_ELEMENTS (client_counts) - 1].per_second);
      print_cpu_verdict (pg_two_site, server[G_N_ELEMENTS (client_counts) - 1].per_second);
    }
  g_print ("median of %d rounds each; a booking counts when answered 201 and found in the "
           "database\n", rounds);
  g_print ("load average before %s, after %s (on %u CPUs)\n", load_before, load_after,
           g_get_num_processors ());

  site_free (sqlite_site);
  g_clear_pointer (&raw_pg, raw_pg_close);
  g_clear_pointer (&pg_one_site, site_free);
  g_clear_pointer (&pg_two_site, site_free);
  /* after the servers, which would otherwise log the lost connections */
  g_clear_pointer (&cluster, rb_test_postgres_free);
  bare_stop (bare_server);
  raw_close (raw_db);
  rb_test_remove_tree (dir);
  if (failures > 0 || missing > 0)
    {
      g_printerr ("FAILED: %d creates not answered 201, %d answered 201 but not in the database\n",
                  failures, missing);
      return 1;
    }
  return 0;
}
