/* rb-feed.c: the change feed. Every write to a booking appends a row to `changes` and stamps
 * the booking with that sequence number, in the same transaction (rb-store.c), so the
 * numbers are in commit order. The feed answers "what changed from sequence number `since`
 * on" with each changed booking once, in its latest state, ordered by the sequence number of
 * its latest change: a client that applies the answer in order and asks again with `next`
 * ends up with exactly the server's bookings.
 *
 * `since` is the first sequence number the client has not seen (0: from the beginning, a full
 * snapshot), and `next` is what to send as `since` the next time. A server may keep only the
 * last `retention` sequence numbers' worth of history for cursors (0: all of it); an older
 * cursor, or one the database never issued, fails with RB_ERROR_CURSOR_EXPIRED and the
 * client starts over from 0.
 *
 * A client that only listens for changes (the server's push channel, RbChangeListener's
 * long-poll) needs the feed's head instead, its highest sequence number + 1: limit 0 lists
 * nothing and answers the head as `next`.
 *
 * A booking deleted by retention (rb-retention.c) is an entry with its id and nothing else,
 * so that mirrors delete it too.
 *
 * Changes of what is not a booking but rarely changes (the building, the policy) are topic
 * rows: the feed names the topic once, at its latest change, and clients read it again
 * (GET /building…, GET /policy).
 *
 * Blocks are not bookings and have no change rows; clients that show them (a kiosk shows a
 * blocked space as closed) read them with GET /blocks (rb_store_list_blocks_sync) when the
 * server says that blocks changed. */
#include "config.h"

#include "rb-feed.h"
#include "rb-store-private.h"

void
rb_feed_entry_free (RbFeedEntry *entry)
{
  g_clear_object (&entry->booking);
  g_free (entry->deleted_id);
  g_free (entry->topic);
  g_free (entry);
}

static int
compare_entries (gconstpointer a, gconstpointer b)
{
  const RbFeedEntry *x = *(RbFeedEntry *const *) a;
  const RbFeedEntry *y = *(RbFeedEntry *const *) b;

  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The topics changed at or after `since`, each once at its latest change. Topic changes are
 * rare (an administrator's edits), so they are read whole and merged with the page. */
static gboolean
add_topics (RbStore *store, gint64 since, GPtrArray *entries, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT topic, max (seq) FROM changes WHERE topic != 'booking' AND seq >= ?"
      " GROUP BY topic",
      error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_int64 (stmt, 1, since);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbFeedEntry *entry = g_new0 (RbFeedEntry, 1);

      entry->topic = g_strdup (rb_statement_column_text (stmt, 0));
      entry->seq = rb_statement_column_int64 (stmt, 1);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return FALSE;
    }
  return TRUE;
}

/* The first `limit` bookings deleted at or after `since`. */
static gboolean
add_tombstones (RbStore *store, gint64 since, int limit, GPtrArray *entries, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id, seq FROM booking_tombstones WHERE seq >= ? ORDER BY seq LIMIT ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_int64 (stmt, 1, since);
  rb_statement_bind_int (stmt, 2, limit);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbFeedEntry *entry = g_new0 (RbFeedEntry, 1);

      entry->deleted_id = g_strdup (rb_statement_column_text (stmt, 0));
      entry->seq = rb_statement_column_int64 (stmt, 1);
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return FALSE;
    }
  return TRUE;
}

/* The feed from `since` on (RbFeedEntry), at most `limit` entries in the order of their
 * sequence numbers. */
GPtrArray *
rb_feed_list_sync (RbStore *store, gint64 since, int limit, gint64 retention, gint64 *out_next,
                   GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_feed_entry_free);
  g_autoptr (RbStatement) stmt = NULL;
  gint64 last_seq = 0;
  gint64 next;
  int rc;

  g_return_val_if_fail (since >= 0 && limit >= 0, NULL);

  if (!rb_db_get_int (db, "SELECT coalesce (max (seq), 0) FROM changes", &last_seq, error))
    return NULL;
  if (since > last_seq + 1 || (since > 0 && retention > 0 && since < last_seq + 1 - retention))
    {
      rb_set_error (error, RB_ERROR_CURSOR_EXPIRED, NULL);
      return NULL;
    }
  if (limit == 0)
    {
      *out_next = last_seq + 1;
      return g_steal_pointer (&entries);
    }

  stmt = rb_store_prepare (
      store, "SELECT id, seq FROM bookings WHERE seq >= ? ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  rb_statement_bind_int64 (stmt, 1, since);
  rb_statement_bind_int (stmt, 2, limit);
  next = MAX (since, last_seq + 1);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbFeedEntry *entry = g_new0 (RbFeedEntry, 1);

      g_ptr_array_add (entries, entry);
      entry->seq = rb_statement_column_int64 (stmt, 1);
      entry->booking = rb_store_get_booking_sync (store, rb_statement_column_text (stmt, 0), error);
      if (entry->booking == NULL)
        return NULL;
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  /* The first `limit` of bookings, tombstones and topics together are among the first
   * `limit` bookings, the first `limit` tombstones and all the topics. */
  if (!add_tombstones (store, since, limit, entries, error)
      || !add_topics (store, since, entries, error))
    return NULL;
  g_ptr_array_sort (entries, compare_entries);
  /* Several servers on PostgreSQL: rows committed after the head was read may be in some of
   * the queries above and not in others. Every number up to the head is committed and seen
   * by all of them (the writer lock, rb-pg.c), so the page ends there; the rest comes with
   * the next page. One server never commits in between. */
  while (entries->len > 0
         && ((RbFeedEntry *) g_ptr_array_index (entries, entries->len - 1))->seq > last_seq)
    g_ptr_array_set_size (entries, entries->len - 1);
  if (entries->len > (guint) limit)
    g_ptr_array_set_size (entries, limit);
  /* A full page may not be the end: continue right after its last entry. */
  if (entries->len == (guint) limit)
    next = ((RbFeedEntry *) g_ptr_array_index (entries, entries->len - 1))->seq + 1;
  *out_next = next;
  return g_steal_pointer (&entries);
}

/* The feed's head: its highest sequence number + 1 (1 for an empty feed), or 0 with an
 * error. */
gint64
rb_feed_get_head_sync (RbStore *store, GError **error)
{
  gint64 last_seq = 0;

  if (!rb_db_get_int (rb_store_get_db (store),
                      "SELECT coalesce (max (seq), 0) FROM changes", &last_seq, error))
    return 0;
  return last_seq + 1;
}
