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
 * Blocks are not bookings and have no change rows; clients that show them (a kiosk shows a
 * blocked space as closed) read them with GET /blocks (rb_store_list_blocks_sync) when the
 * server says that blocks changed. */
#include "config.h"

#include "rb-feed.h"
#include "rb-store-private.h"

GPtrArray *
rb_feed_list_sync (RbStore *store, gint64 since, int limit, gint64 retention, gint64 *out_next,
                   GError **error)
{
  sqlite3 *db = rb_store_get_connection (store);
  g_autoptr (GPtrArray) bookings = g_ptr_array_new_with_free_func (g_object_unref);
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
      return g_steal_pointer (&bookings);
    }

  stmt = rb_store_prepare (
      store, "SELECT id, seq FROM bookings WHERE seq >= ? ORDER BY seq LIMIT ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, since);
  sqlite3_bind_int (stmt, 2, limit);
  next = MAX (since, last_seq + 1);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      RbBooking *booking = rb_store_get_booking_sync (store, rb_db_column_text (stmt, 0), error);

      if (booking == NULL)
        return NULL;
      g_ptr_array_add (bookings, booking);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  /* A full page may not be the end: continue right after its last entry. */
  if (bookings->len == (guint) limit)
    next = rb_booking_get_seq (g_ptr_array_index (bookings, bookings->len - 1)) + 1;
  *out_next = next;
  return g_steal_pointer (&bookings);
}

/* The feed's head: its highest sequence number + 1 (1 for an empty feed), or 0 with an
 * error. */
gint64
rb_feed_get_head_sync (RbStore *store, GError **error)
{
  gint64 last_seq = 0;

  if (!rb_db_get_int (rb_store_get_connection (store),
                      "SELECT coalesce (max (seq), 0) FROM changes", &last_seq, error))
    return 0;
  return last_seq + 1;
}
