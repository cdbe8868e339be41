/* rb-retention.c: bookings forget their people, then go.
 *
 * anonymise_after_days after its end a booking loses everything that says who made it or
 * why: person, title, cancellation reason, series and the fingerprint of the request that
 * made it. Its space, times, attendees and state stay, so the occupancy figures of the past
 * do not change. delete_after_days after its end it is deleted, and so are its old change
 * rows.
 *
 * Both are changes like any other: an anonymised booking gets a new sequence number, and a
 * deleted one leaves a tombstone (its id at a new sequence number, no data), so that clients'
 * mirrors forget exactly what the server forgot, through the change feed (rb-feed.c). */
#include "config.h"

#include "rb-db.h"
#include "rb-retention.h"
#include "rb-store-private.h"

#define SECONDS_PER_DAY 86400

static GPtrArray *
select_ids (RbStore *store, const char *sql, gint64 before, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, sql, error);

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_int64 (stmt, 1, before);
  return rb_store_collect_texts (store, stmt, error);
}

/* Runs `sql` with the booking id as ?1 and `seq` (if not 0) as ?2. */
static gboolean
run_for_booking (RbStore *store, const char *sql, const char *booking_id, gint64 seq,
                 GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, booking_id);
  if (seq != 0)
    rb_statement_bind_int64 (stmt, 2, seq);
  return rb_db_step_done (rb_store_get_db (store), stmt, error);
}

static gboolean
delete_booking (RbStore *store, const char *booking_id, GError **error)
{
  gint64 seq = rb_store_append_change (store, booking_id, error);

  return seq != 0
         && run_for_booking (store, "DELETE FROM changes WHERE booking_id = ?1 AND seq != ?2",
                             booking_id, seq, error)
         && run_for_booking (store,
                             "INSERT INTO booking_tombstones (id, seq) VALUES (?1, ?2)"
                             " ON CONFLICT (id) DO UPDATE SET seq = excluded.seq",
                             booking_id, seq, error)
         && run_for_booking (store, "DELETE FROM booking_requests WHERE booking_id = ?1",
                             booking_id, 0, error)
         && run_for_booking (store, "DELETE FROM bookings WHERE id = ?1", booking_id, 0, error);
}

/* Takes from a booking everything that says who made it or why, and gives it a new sequence
 * number so that the change feed carries it to every mirror. Inside a write transaction; the
 * erasure of a person (rb-rights.c) anonymises their bookings with it too. */
gboolean
rb_retention_anonymise_booking (RbStore *store, const char *booking_id, GError **error)
{
  gint64 now = rb_store_now (store);
  gint64 seq = rb_store_append_change (store, booking_id, error);
  g_autoptr (RbStatement) update = NULL;

  if (seq == 0)
    return FALSE;
  update = rb_store_prepare (store,
                             "UPDATE bookings SET person_id = NULL, title = NULL,"
                             " cancel_reason = NULL, series_id = NULL, anonymised = 1, version = version + 1,"
                             " seq = ?2, updated_at = ?3 WHERE id = ?1",
                             error);
  if (update == NULL)
    return FALSE;
  rb_statement_bind_text (update, 1, booking_id);
  rb_statement_bind_int64 (update, 2, seq);
  rb_statement_bind_int64 (update, 3, now);
  return rb_db_step_done (rb_store_get_db (store), update, error)
         && run_for_booking (store, "DELETE FROM booking_requests WHERE booking_id = ?1",
                             booking_id, 0, error);
}

/* Applies the site's retention as of the store's clock, in one write transaction. */
/* The audit log refuses every DELETE (schema 14) but of entries older than the one row of
 * audit_log_expiry, which is there only for this statement: so nothing but retention, inside
 * its own transaction, can delete an entry, and only an old one. */
static gboolean
delete_old_audit_entries (RbStore *store, gint64 before, int *out_deleted, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) allow = rb_store_prepare (
      store, "INSERT INTO audit_log_expiry (before) VALUES (?1)", error);
  g_autoptr (RbStatement) purge = NULL;
  g_autoptr (RbStatement) close = NULL;

  if (allow == NULL)
    return FALSE;
  rb_statement_bind_int64 (allow, 1, before);
  if (!rb_db_step_done (db, allow, error)
      || !(purge = rb_store_prepare (store, "DELETE FROM audit_log WHERE at < ?1", error)))
    return FALSE;
  rb_statement_bind_int64 (purge, 1, before);
  if (!rb_db_step_done (db, purge, error))
    return FALSE;
  *out_deleted = rb_db_changes (db);
  close = rb_store_prepare (store, "DELETE FROM audit_log_expiry", error);
  return close != NULL && rb_db_step_done (db, close, error);
}

gboolean
rb_retention_apply_sync (RbStore *store, RbRetentionCounts *out_counts, GError **error)
{
  RbPolicy policy;
  gint64 now = rb_store_now (store);
  gint64 anonymise_before, delete_before;
  g_autoptr (GPtrArray) expired = NULL;
  g_autoptr (GPtrArray) named = NULL;
  g_autoptr (RbStatement) series = NULL;

  rb_store_get_policy (store, &policy);
  anonymise_before = now - (gint64) policy.anonymise_after_days * SECONDS_PER_DAY;
  delete_before = now - (gint64) policy.delete_after_days * SECONDS_PER_DAY;
  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!(expired = select_ids (store, "SELECT id FROM bookings WHERE \"end\" < ?1", delete_before,
                              error)))
    goto fail;
  for (guint i = 0; i < expired->len; i++)
    if (!delete_booking (store, g_ptr_array_index (expired, i), error))
      goto fail;
  if (!(named = select_ids (store,
                            "SELECT id FROM bookings WHERE \"end\" < ?1 AND (person_id IS NOT NULL"
                            " OR title IS NOT NULL OR cancel_reason IS NOT NULL"
                            " OR series_id IS NOT NULL)",
                            anonymise_before, error)))
    goto fail;
  for (guint i = 0; i < named->len; i++)
    if (!rb_retention_anonymise_booking (store, g_ptr_array_index (named, i), error))
      goto fail;
  /* A series says who reserved what, how often: it goes when no booking of it is left. */
  if (!delete_old_audit_entries (store, now - (gint64) policy.audit_retention_days * SECONDS_PER_DAY,
                                 &out_counts->audit_deleted, error))
    goto fail;
  series = rb_store_prepare (store,
                             "DELETE FROM series WHERE created_at < ?1 AND NOT EXISTS"
                             " (SELECT 1 FROM bookings WHERE series_id = series.id)",
                             error);
  if (series == NULL)
    goto fail;
  rb_statement_bind_int64 (series, 1, anonymise_before);
  if (!rb_db_step_done (rb_store_get_db (store), series, error))
    goto fail;
  if (!rb_store_commit_write (store, error))
    return FALSE;
  out_counts->anonymised = named->len;
  out_counts->deleted = expired->len;
  return TRUE;

fail:
  rb_store_rollback_write (store);
  return FALSE;
}
