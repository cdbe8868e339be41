/* rb-pg-listener.c: see rb-pg-listener.h. */
#include "config.h"

#include <poll.h>

#include "rb-pg-db.h"
#include "rb-pg-listener.h"
#include "rb-pg.h"

/* How long the thread waits for news before it looks whether it should stop. */
#define POLL_MS 250
#define RECONNECT_MS 1000

struct _RbPgListener
{
  char *conninfo;
  RbDb *own_db;
  RbPgListenerFunc func;
  gpointer user_data;
  GMainContext *context;
  GThread *thread;
  gint stopping; /* atomic */
  /* the news not yet delivered on the main context, under lock */
  GMutex lock;
  gint64 head;
  RbPgListenerNews news;
  guint delivery; /* an idle source on context, or 0 */
  gboolean delivering_allowed;
};

static gboolean
deliver_cb (gpointer data)
{
  RbPgListener *self = data;
  gint64 head;
  RbPgListenerNews news;

  g_mutex_lock (&self->lock);
  head = self->head;
  news = self->news;
  self->news = 0;
  self->delivery = 0;
  g_mutex_unlock (&self->lock);
  self->func (head, news, self->user_data);
  return G_SOURCE_REMOVE;
}

static void
post (RbPgListener *self, gint64 head, RbPgListenerNews news)
{
  g_mutex_lock (&self->lock);
  self->head = MAX (self->head, head);
  self->news |= news;
  if (self->delivery == 0 && self->delivering_allowed)
    {
      GSource *source = g_idle_source_new ();

      g_source_set_callback (source, deliver_cb, self, NULL);
      self->delivery = g_source_attach (source, self->context);
      g_source_unref (source);
    }
  g_mutex_unlock (&self->lock);
}

/* The feed's head: the sequence number that the next change row will get. */
static gboolean
read_head (PGconn *conn, gint64 *out_head)
{
  g_autoptr (PGresult) result = PQexec (conn, "SELECT coalesce (max (seq), 0) + 1 FROM changes");

  if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
    return FALSE;
  *out_head = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
  return TRUE;
}

/* What the notifications that libpq has read say. */
typedef struct
{
  gint64 last_seq; /* the highest change row's number among them, 0: none */
  gboolean settings;
  gboolean blocks;
} Notified;

static void
take_notifications (RbPgListener *self, PGconn *conn, Notified *notified)
{
  PGnotify *notify;

  while ((notify = PQnotifies (conn)) != NULL)
    {
      if (g_str_equal (notify->relname, RB_PG_CHANGES_CHANNEL))
        notified->last_seq = MAX (notified->last_seq, g_ascii_strtoll (notify->extra, NULL, 10));
      notified->settings |= g_str_equal (notify->relname, RB_PG_SETTINGS_CHANNEL);
      notified->blocks |= g_str_equal (notify->relname, RB_PG_BLOCKS_CHANNEL)
                          && (self->own_db == NULL
                              || notify->be_pid != rb_pg_db_get_backend_pid (self->own_db));
      PQfreemem (notify);
    }
}

/* Connected and listening: reads notifications until the connection breaks or we stop. The
 * notifications themselves say what changed (schema 17), so news costs no query. */
static void
listen_loop (RbPgListener *self, PGconn *conn)
{
  gint64 head = 0;

  /* What was committed while nobody listened, the settings among it. */
  if (!read_head (conn, &head))
    return;
  post (self, head, RB_PG_LISTENER_SETTINGS);
  while (!g_atomic_int_get (&self->stopping))
    {
      Notified notified = { 0 };

      take_notifications (self, conn, &notified);
      if (notified.last_seq == 0 && !notified.settings && !notified.blocks)
        {
          struct pollfd fd = { PQsocket (conn), POLLIN, 0 };

          if (fd.fd < 0 || poll (&fd, 1, POLL_MS) < 0)
            return;
          if (fd.revents == 0)
            continue;
          if (!PQconsumeInput (conn))
            return;
          take_notifications (self, conn, &notified);
        }
      head = MAX (head, notified.last_seq + 1);
      if (notified.last_seq > 0 || notified.settings || notified.blocks)
        post (self, head, (notified.settings ? RB_PG_LISTENER_SETTINGS : 0)
                              | (notified.blocks ? RB_PG_LISTENER_BLOCKS : 0));
    }
}

static gpointer
listen_thread (gpointer data)
{
  RbPgListener *self = data;

  while (!g_atomic_int_get (&self->stopping))
    {
      g_autoptr (PGconn) conn = rb_pg_connect (self->conninfo, NULL);

      if (conn != NULL
          && rb_pg_exec (conn,
                         "LISTEN " RB_PG_CHANGES_CHANNEL "; LISTEN " RB_PG_SETTINGS_CHANNEL
                         "; LISTEN " RB_PG_BLOCKS_CHANNEL,
                         NULL))
        listen_loop (self, conn);
      for (guint waited = 0; waited < RECONNECT_MS && !g_atomic_int_get (&self->stopping);
           waited += POLL_MS)
        g_usleep (POLL_MS * 1000);
    }
  return NULL;
}

RbPgListener *
rb_pg_listener_new (const char *conninfo, RbDb *own_db, RbPgListenerFunc func,
                    gpointer user_data)
{
  RbPgListener *self = g_new0 (RbPgListener, 1);

  self->conninfo = g_strdup (conninfo);
  self->own_db = own_db;
  self->func = func;
  self->user_data = user_data;
  self->context = g_main_context_ref_thread_default ();
  self->delivering_allowed = TRUE;
  g_mutex_init (&self->lock);
  self->thread = g_thread_new ("rb-pg-listener", listen_thread, self);
  return self;
}

void
rb_pg_listener_free (RbPgListener *self)
{
  if (self == NULL)
    return;
  g_atomic_int_set (&self->stopping, 1);
  g_thread_join (self->thread);
  g_mutex_lock (&self->lock);
  self->delivering_allowed = FALSE;
  if (self->delivery != 0)
    {
      GSource *source = g_main_context_find_source_by_id (self->context, self->delivery);

      if (source != NULL)
        g_source_destroy (source);
    }
  g_mutex_unlock (&self->lock);
  g_mutex_clear (&self->lock);
  g_main_context_unref (self->context);
  g_free (self->conninfo);
  g_free (self);
}
