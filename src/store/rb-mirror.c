/* rb-mirror.c: the local side of sync (see rb-mirror.h). The server is the authority for
 * bookings: what arrives from it replaces what this client believed, and a local booking
 * that the server has not confirmed yet gives way to a server booking it overlaps (it
 * becomes rejected, with the reason, never silently dropped: DESIGN.md invariant 4). */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-mirror.h"
#include "rb-store-private.h"

/* The longest a booking can last (the autumn DST day); see rb-schema.c. */
#define MAX_BOOKING_SECONDS 90000

#define CURSOR_KEY "changes_cursor"

static const char *const operation_names[] = { "create", "cancel", "check_in" };
static const char *const state_names[] = { "pending", "rejected", "done" };

void
rb_outbox_entry_free (RbOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->booking_id);
  g_free (entry->payload);
  g_free (entry->last_error_code);
  g_free (entry->last_error);
  g_clear_pointer (&entry->sealed_credential, g_bytes_unref);
  g_free (entry);
}

const char *
rb_outbox_operation_to_string (RbOutboxOperation operation)
{
  g_return_val_if_fail ((guint) operation < G_N_ELEMENTS (operation_names), NULL);
  return operation_names[operation];
}

static int
index_of (const char *const *names, guint n, const char *name)
{
  for (guint i = 0; name != NULL && i < n; i++)
    if (g_str_equal (names[i], name))
      return i;
  return 0;
}

/* ---- the outbox ------------------------------------------------------------------------ */

static gint64
insert_outbox (RbStore *store, const char *booking_id, RbOutboxOperation operation,
               const char *payload, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "INSERT INTO outbox (booking_id, operation, payload, created_at) VALUES (?, ?, ?, ?)",
      error);

  if (stmt == NULL)
    return 0;
  rb_statement_bind_text (stmt, 1, booking_id);
  rb_statement_bind_text (stmt, 2, operation_names[operation]);
  rb_statement_bind_text (stmt, 3, payload);
  rb_statement_bind_int64 (stmt, 4, rb_store_now (store));
  if (!rb_db_step_done (db, stmt, error))
    return 0;
  return rb_db_last_insert_id (db);
}

static gboolean
delete_outbox (RbStore *store, gint64 entry_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, "DELETE FROM outbox WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_int64 (stmt, 1, entry_id);
  return rb_db_step_done (db, stmt, error);
}

static char *
create_payload (RbBooking *request)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *o = json_object_new ();
  g_autofree char *start = rb_time_to_rfc3339 (rb_booking_get_start (request));
  g_autofree char *end = rb_time_to_rfc3339 (rb_booking_get_end (request));

  json_object_set_string_member (o, "id", rb_booking_get_id (request));
  json_object_set_string_member (o, "space_id", rb_booking_get_space_id (request));
  json_object_set_string_member (o, "start", start);
  json_object_set_string_member (o, "end", end);
  if (rb_booking_get_title (request) != NULL)
    json_object_set_string_member (o, "title", rb_booking_get_title (request));
  json_object_set_int_member (o, "attendees", rb_booking_get_attendees (request));
  if (rb_booking_get_state (request) == RB_BOOKING_STATE_CHECKED_IN)
    json_object_set_string_member (o, "state", "checked_in");
  json_node_take_object (node, o);
  return rb_json_to_string (node, FALSE);
}

/* Queues a create and makes the booking locally, checked by the same rules as standalone.
 * The outbox row is written first: if the process dies in between, the server still hears
 * of the booking; the other order could lose it. A local rule violation removes the row
 * again and is returned as the error. */
RbBooking *
rb_mirror_enqueue_create_sync (RbStore *store, RbBooking *request, gint64 *out_entry_id,
                               GError **error)
{
  g_autofree char *payload = create_payload (request);
  g_autoptr (GError) local_error = NULL;
  RbBooking *booking;
  gint64 entry_id;

  entry_id = insert_outbox (store, rb_booking_get_id (request), RB_OUTBOX_CREATE, payload, error);
  if (entry_id == 0)
    return NULL;
  /* For nobody: a door panel's booking; which panel made it is the server's to know. */
  booking = rb_booking_get_person_id (request) == NULL
                ? rb_store_create_door_booking_sync (store, request, "", &local_error)
                : rb_store_create_booking_sync (store, request, &local_error);
  if (booking == NULL)
    {
      delete_outbox (store, entry_id, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_entry_id != NULL)
    *out_entry_id = entry_id;
  return booking;
}

/* The local stand-in for whoever books at a kiosk in server mode. A kiosk keeps no one's
 * person id or name (DESIGN.md: what a kiosk holds), yet its local rules need a person for
 * each booking: one of its own per booking, so that two people's offline desk bookings never
 * count as one person holding two desks. The server decides who it really is. */
static gboolean
insert_stand_in (RbStore *store, const char *person_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "INSERT OR IGNORE INTO people (id, display_name, staff_number, team, role)"
      " VALUES (?1, '', ?1, '', 'staff')",
      error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, person_id);
  return rb_db_step_done (db, stmt, error);
}

/* Queues a kiosk's create with the person's sealed credential (never a PIN or PIN hash)
 * and makes the booking locally under a stand-in person. The sync engine sends such an
 * entry with the kiosk's device token and the credential, never under a session, so it can
 * never be booked for the next person at the screen. */
RbBooking *
rb_mirror_enqueue_sealed_create_sync (RbStore *store, RbBooking *request,
                                      GBytes *sealed_credential, gint64 *out_entry_id,
                                      GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *stand_in = g_strconcat ("kiosk-", rb_booking_get_id (request), NULL);
  g_autoptr (RbBooking) local = NULL;
  g_autoptr (RbStatement) stmt = NULL;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *payload = create_payload (request);
  RbBooking *booking;
  gsize length;
  const void *data;
  gint64 entry_id;

  g_return_val_if_fail (sealed_credential != NULL, NULL);
  if (!insert_stand_in (store, stand_in, error))
    return NULL;
  stmt = rb_store_prepare (store,
                           "INSERT INTO outbox (booking_id, operation, payload, sealed_credential,"
                           " created_at) VALUES (?, 'create', ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return NULL;
  data = g_bytes_get_data (sealed_credential, &length);
  rb_statement_bind_text (stmt, 1, rb_booking_get_id (request));
  rb_statement_bind_text (stmt, 2, payload);
  rb_statement_bind_blob (stmt, 3, data, length);
  rb_statement_bind_int64 (stmt, 4, rb_store_now (store));
  if (!rb_db_step_done (db, stmt, error))
    return NULL;
  entry_id = rb_db_last_insert_id (db);

  local = rb_booking_new (rb_booking_get_id (request), rb_booking_get_space_id (request),
                          stand_in, rb_booking_get_interval (request));
  rb_booking_set_title (local, rb_booking_get_title (request));
  rb_booking_set_attendees (local, rb_booking_get_attendees (request));
  rb_booking_set_state (local, rb_booking_get_state (request));
  booking = rb_store_create_booking_sync (store, local, &local_error);
  if (booking == NULL)
    {
      delete_outbox (store, entry_id, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_entry_id != NULL)
    *out_entry_id = entry_id;
  return booking;
}

/* Queues a cancel or check-in and applies it locally first, with the same checks. */
RbBooking *
rb_mirror_enqueue_transition_sync (RbStore *store, RbOutboxOperation operation,
                                   const char *booking_id, const char *actor_id,
                                   gint64 *out_entry_id, GError **error)
{
  g_autoptr (GError) local_error = NULL;
  RbBooking *booking;
  gint64 entry_id;

  g_return_val_if_fail (operation == RB_OUTBOX_CANCEL || operation == RB_OUTBOX_CHECK_IN, NULL);
  entry_id = insert_outbox (store, booking_id, operation, "{}", error);
  if (entry_id == 0)
    return NULL;
  if (operation == RB_OUTBOX_CANCEL)
    booking = rb_store_cancel_booking_sync (store, booking_id, actor_id, &local_error);
  else
    booking = rb_store_check_in_sync (store, booking_id, actor_id, &local_error);
  if (booking == NULL)
    {
      delete_outbox (store, entry_id, NULL);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (out_entry_id != NULL)
    *out_entry_id = entry_id;
  return booking;
}

/* For a create the server refused while the person was still waiting for the answer: the
 * refusal was shown at once, so nothing of it stays behind. */
gboolean
rb_mirror_forget_create_sync (RbStore *store, gint64 entry_id, const char *booking_id,
                              GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = NULL;

  if (!rb_store_begin_write (store, error))
    return FALSE;
  stmt = rb_store_prepare (store, "DELETE FROM bookings WHERE id = ?", error);
  if (stmt == NULL)
    goto fail;
  rb_statement_bind_text (stmt, 1, booking_id);
  if (!rb_db_step_done (db, stmt, error) || !delete_outbox (store, entry_id, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

/* The entries in the order they were made; pending ones only, or all not yet done. */
GPtrArray *
rb_mirror_list_outbox_sync (RbStore *store, gboolean pending_only, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_outbox_entry_free);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT id, booking_id, operation, payload, state, attempts, last_error_code, last_error,"
      " created_at, next_attempt_at, sealed_credential FROM outbox"
      " WHERE state = 'pending' OR (?1 = 0 AND state = 'rejected') ORDER BY id",
      error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_int (stmt, 1, pending_only);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      RbOutboxEntry *entry = g_new0 (RbOutboxEntry, 1);

      entry->id = rb_statement_column_int64 (stmt, 0);
      entry->booking_id = g_strdup (rb_statement_column_text (stmt, 1));
      entry->operation = index_of (operation_names, G_N_ELEMENTS (operation_names),
                                   rb_statement_column_text (stmt, 2));
      entry->payload = g_strdup (rb_statement_column_text (stmt, 3));
      entry->state = index_of (state_names, G_N_ELEMENTS (state_names), rb_statement_column_text (stmt, 4));
      entry->attempts = rb_statement_column_int (stmt, 5);
      entry->last_error_code = g_strdup (rb_statement_column_text (stmt, 6));
      entry->last_error = g_strdup (rb_statement_column_text (stmt, 7));
      entry->created_at = rb_statement_column_int64 (stmt, 8);
      entry->next_attempt_at = rb_statement_column_int64 (stmt, 9);
      if (rb_statement_column_type (stmt, 10) == SQLITE_BLOB)
        entry->sealed_credential = g_bytes_new (rb_statement_column_blob (stmt, 10),
                                                rb_statement_column_bytes (stmt, 10));
      g_ptr_array_add (entries, entry);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "outbox");
      return NULL;
    }
  return g_steal_pointer (&entries);
}

static gboolean
update_outbox (RbStore *store, gint64 entry_id, const char *state, gboolean count_attempt,
               const GError *failure, gint64 next_attempt_at, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "UPDATE outbox SET state = ?, attempts = attempts + ?, last_error_code = ?,"
      " last_error = ?, next_attempt_at = ? WHERE id = ?",
      error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, state);
  rb_statement_bind_int (stmt, 2, count_attempt);
  rb_statement_bind_text (stmt, 3, failure ? rb_error_get_code_name (failure) : NULL);
  rb_statement_bind_text (stmt, 4, failure ? failure->message : NULL);
  rb_statement_bind_int64 (stmt, 5, next_attempt_at);
  rb_statement_bind_int64 (stmt, 6, entry_id);
  return rb_db_step_done (db, stmt, error);
}

/* A try that did not reach a decision (network, server down): counted, the entry stays. */
gboolean
rb_mirror_outbox_attempt_failed_sync (RbStore *store, gint64 entry_id, const GError *failure,
                                      gint64 next_attempt_at, GError **error)
{
  return update_outbox (store, entry_id, "pending", TRUE, failure, next_attempt_at, error);
}

/* ---- applying the server's bookings ------------------------------------------------------- */

static gboolean
has_pending_create (RbStore *store, const char *booking_id, gint64 *out_entry_id,
                    GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT id FROM outbox WHERE booking_id = ? AND operation = 'create' AND state = 'pending'"
      " ORDER BY id LIMIT 1",
      error);
  int rc;

  *out_entry_id = 0;
  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, booking_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    *out_entry_id = rb_statement_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "outbox");
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_local_state (RbStore *store, const char *booking_id, const char *state, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "UPDATE bookings SET state = ?, updated_at = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, state);
  rb_statement_bind_int64 (stmt, 2, rb_store_now (store));
  rb_statement_bind_text (stmt, 3, booking_id);
  return rb_db_step_done (db, stmt, error);
}

/* The reason a pending booking lost against the server's, in this client's language. */
/* Makes room for an active booking the server has: local rows it overlaps cannot be active
 * on the server (it never double books), so a confirmed one is stale and a pending one is
 * rejected with the reason. */
/* What applying the server's bookings did: how many local rows changed, and what the
 * people of this client should hear of (rb_mirror_apply_remote_sync). */
typedef struct
{
  int changed;
  GPtrArray *notices;
} Applied;

/* The booking as this client now has it (with its space's name), for a notice. */
static gboolean
add_notice (RbStore *store, Applied *applied, const char *booking_id, const GError *refusal,
            GError **error)
{
  RbBooking *booking;

  if (applied->notices == NULL)
    return TRUE;
  if ((booking = rb_store_get_booking_sync (store, booking_id, error)) == NULL)
    return FALSE;
  if (refusal != NULL)
    {
      rb_booking_set_sync_state (booking, RB_SYNC_STATE_REJECTED);
      rb_booking_set_sync_error (booking, refusal->message);
    }
  g_ptr_array_add (applied->notices, booking);
  return TRUE;
}

static gboolean
clear_conflicts (RbStore *store, RbBooking *remote, gboolean is_desk, const char *person_id,
                 Applied *applied, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  RbInterval iv = rb_booking_get_interval (remote);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT id, space_id = ?2 FROM bookings WHERE id != ?1"
      " AND state IN ('booked', 'checked_in')"
      " AND start < ?4 AND start > ?3 - ?5 AND end > ?3"
      " AND (space_id = ?2 OR (?6 AND is_desk AND ?7 IS NOT NULL AND person_id = ?7))",
      error);
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GArray) same_space = g_array_new (FALSE, FALSE, sizeof (gboolean));
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, rb_booking_get_id (remote));
  rb_statement_bind_text (stmt, 2, rb_booking_get_space_id (remote));
  rb_statement_bind_int64 (stmt, 3, iv.start);
  rb_statement_bind_int64 (stmt, 4, iv.end);
  rb_statement_bind_int64 (stmt, 5, MAX_BOOKING_SECONDS);
  rb_statement_bind_int (stmt, 6, is_desk);
  rb_statement_bind_text (stmt, 7, person_id);
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      gboolean same = rb_statement_column_int (stmt, 1);
      g_ptr_array_add (ids, g_strdup (rb_statement_column_text (stmt, 0)));
      g_array_append_val (same_space, same);
    }
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      gint64 entry_id = 0;

      if (!has_pending_create (store, id, &entry_id, error)
          || !set_local_state (store, id, "cancelled", error))
        return FALSE;
      if (entry_id != 0)
        {
          g_autoptr (GError) reason = NULL;

          rb_set_clash_error (&reason,
                              g_array_index (same_space, gboolean, i) ? RB_ERROR_OVERLAP
                                                                      : RB_ERROR_DESK_ALREADY_HELD,
                              rb_store_get_time_zone (store), iv);
          if (!update_outbox (store, entry_id, "rejected", FALSE, reason, 0, error)
              || !add_notice (store, applied, id, reason, error))
            return FALSE;
        }
      applied->changed++;
    }
  return TRUE;
}

/* Writes one booking as the server has it. Returns FALSE only on a database error; a
 * booking of a space this client does not know yet is skipped. */
static gboolean
upsert_remote (RbStore *store, RbBooking *remote, Applied *applied, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) lookup = NULL;
  g_autoptr (RbStatement) write = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *person_id = NULL;
  RbBookingState state = rb_booking_get_state (remote);
  gboolean exists = FALSE, told, is_desk;
  gint64 local_version = 0, entry_id = 0;
  int rc;

  /* The space's kind, whether the person is known here, and the local row if any. */
  lookup = rb_store_prepare (store,
                             "SELECT (SELECT kind FROM spaces WHERE id = ?1),"
                             " (SELECT id FROM people WHERE id = ?2),"
                             " (SELECT version FROM bookings WHERE id = ?3),"
                             " (SELECT state FROM bookings WHERE id = ?3)",
                             error);
  if (lookup == NULL)
    return FALSE;
  rb_statement_bind_text (lookup, 1, rb_booking_get_space_id (remote));
  rb_statement_bind_text (lookup, 2, rb_booking_get_person_id (remote));
  rb_statement_bind_text (lookup, 3, rb_booking_get_id (remote));
  if ((rc = rb_statement_step (lookup)) != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  kind = g_strdup (rb_statement_column_text (lookup, 0));
  person_id = g_strdup (rb_statement_column_text (lookup, 1));
  exists = rb_statement_column_type (lookup, 2) != SQLITE_NULL;
  local_version = rb_statement_column_int64 (lookup, 2);
  /* Someone else cancelled a booking of a person of this client, with a reason (a block):
   * they should hear of it, not only find it in their list. */
  told = exists && person_id != NULL && state == RB_BOOKING_STATE_CANCELLED
         && rb_booking_get_cancel_reason (remote) != NULL
         && g_strcmp0 (rb_statement_column_text (lookup, 3), "cancelled") != 0;
  if (kind == NULL)
    {
      g_debug ("Skipping booking %s of unknown space %s", rb_booking_get_id (remote),
               rb_booking_get_space_id (remote));
      return TRUE;
    }
  is_desk = g_str_equal (kind, "desk");

  /* Our own booking came back through the feed: the server has it, so it is confirmed. */
  if (!has_pending_create (store, rb_booking_get_id (remote), &entry_id, error))
    return FALSE;
  if (entry_id != 0 && !update_outbox (store, entry_id, "done", FALSE, NULL, 0, error))
    return FALSE;

  if (exists && rb_booking_get_version (remote) < local_version)
    return TRUE;
  if (rb_booking_state_is_active (state)
      && !clear_conflicts (store, remote, is_desk, person_id, applied, error))
    return FALSE;

  /* Not an upsert: SQLite runs the insert trigger of an upsert before it sees the conflict,
   * and the row would overlap itself. */
  if (exists)
    write = rb_store_prepare (
        store,
        "UPDATE bookings SET space_id = ?2,"
        " person_id = CASE WHEN ?17 THEN NULL ELSE COALESCE (?3, person_id) END, is_desk = ?4,"
        " start = ?5, end = ?6, title = ?7, attendees = ?8, series_id = ?9, state = ?10,"
        " version = ?11, seq = ?12, updated_at = ?13, cancel_reason = ?14,"
        " created_at = CASE WHEN ?15 > 0 THEN ?15 ELSE created_at END, door_device_id = ?16,"
        " anonymised = ?17"
        " WHERE id = ?1",
        error);
  else
    write = rb_store_prepare (
        store,
        "INSERT INTO bookings (id, space_id, person_id, is_desk, start, end, title, attendees,"
        " series_id, state, version, seq, created_at, updated_at, cancel_reason, door_device_id,"
        " anonymised)"
        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?15, ?13, ?14, ?16, ?17)",
        error);
  if (write == NULL)
    return FALSE;
  rb_statement_bind_text (write, 1, rb_booking_get_id (remote));
  rb_statement_bind_text (write, 2, rb_booking_get_space_id (remote));
  rb_statement_bind_text (write, 3, person_id);
  rb_statement_bind_int (write, 4, is_desk);
  rb_statement_bind_int64 (write, 5, rb_booking_get_start (remote));
  rb_statement_bind_int64 (write, 6, rb_booking_get_end (remote));
  rb_statement_bind_text (write, 7, rb_booking_get_title (remote));
  rb_statement_bind_int (write, 8, MAX (1, rb_booking_get_attendees (remote)));
  rb_statement_bind_text (write, 9, rb_booking_get_series_id (remote));
  rb_statement_bind_text (write, 10, rb_booking_state_to_string (state));
  rb_statement_bind_int64 (write, 11, rb_booking_get_version (remote));
  rb_statement_bind_int64 (write, 12, rb_booking_get_seq (remote));
  rb_statement_bind_int64 (write, 13, rb_store_now (store));
  /* The reason a block gave, which the owner reads in My Bookings (schema 3). */
  rb_statement_bind_text (write, 14, rb_booking_get_cancel_reason (remote));
  /* When the server made it (0 from a server that does not say): the check-in window of a
   * booking made after its start runs from then (rb_policy_check_in_window). */
  rb_statement_bind_int64 (write, 15, rb_booking_get_created_at (remote));
  /* Booked at a door: the server knows by which panel, the mirror only that it was. */
  rb_statement_bind_text (write, 16, rb_booking_get_at_door (remote) ? "" : NULL);
  /* Retention took the person on the server: forgotten here too, not kept from before. */
  rb_statement_bind_int (write, 17, rb_booking_get_anonymised (remote));
  if (!rb_db_step_done (db, write, error))
    return FALSE;
  applied->changed++;
  return !told || add_notice (store, applied, rb_booking_get_id (remote), NULL, error);
}

/* Inactive states first: a cancellation in the same batch frees the slot that a later
 * booking takes, whatever order the batch lists them in. */
static gboolean
apply_all (RbStore *store, GPtrArray *bookings, Applied *applied, GError **error)
{
  for (int pass = 0; pass < 2; pass++)
    for (guint i = 0; i < bookings->len; i++)
      {
        RbBooking *remote = g_ptr_array_index (bookings, i);
        gboolean active = rb_booking_state_is_active (rb_booking_get_state (remote));

        if (active == (pass == 1) && !upsert_remote (store, remote, applied, error))
          return FALSE;
      }
  return TRUE;
}

static gboolean
write_cursor (RbStore *store, gint64 cursor, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = NULL;
  g_autofree char *value = NULL;

  if (cursor < 0)
    return TRUE;
  stmt = rb_store_prepare (store, "INSERT OR REPLACE INTO sync_state (key, value) VALUES (?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;
  value = g_strdup_printf ("%" G_GINT64_FORMAT, cursor);
  rb_statement_bind_text (stmt, 1, CURSOR_KEY);
  rb_statement_bind_text (stmt, 2, value);
  return rb_db_step_done (db, stmt, error);
}

/* Bookings the server deleted (retention, rb-retention.c): gone here too, with whatever the
 * outbox still held of them. */
static gboolean
forget_deleted (RbStore *store, GPtrArray *deleted_ids, Applied *applied, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  static const char *const statements[] = {
    "DELETE FROM outbox WHERE booking_id = ?",
    "DELETE FROM bookings WHERE id = ?",
  };

  for (guint i = 0; deleted_ids != NULL && i < deleted_ids->len; i++)
    for (guint j = 0; j < G_N_ELEMENTS (statements); j++)
      {
        g_autoptr (RbStatement) stmt = rb_store_prepare (store, statements[j], error);

        if (stmt == NULL)
          return FALSE;
        rb_statement_bind_text (stmt, 1, g_ptr_array_index (deleted_ids, i));
        if (!rb_db_step_done (db, stmt, error))
          return FALSE;
        applied->changed += j == 1 ? rb_db_changes (db) : 0;
      }
  return TRUE;
}

/* Applies a page of the change feed (its bookings, and the ids of bookings deleted, or NULL)
 * and moves the cursor in the same transaction, so a crash replays the page (harmless:
 * applying is idempotent) instead of skipping it. Returns how many local rows changed, or
 * -1. With notices, adds to it what this client's people should be told (see
 * rb-client-service.h, "notice"). */
int
rb_mirror_apply_remote_sync (RbStore *store, GPtrArray *bookings, GPtrArray *deleted_ids,
                             gint64 cursor, GPtrArray *notices, GError **error)
{
  Applied applied = { 0, notices };

  if (!rb_store_begin_write (store, error))
    return -1;
  if (!apply_all (store, bookings, &applied, error)
      || !forget_deleted (store, deleted_ids, &applied, error)
      || !write_cursor (store, cursor, error))
    {
      rb_store_rollback_write (store);
      return -1;
    }
  return rb_store_commit_write (store, error) ? applied.changed : -1;
}

/* A full resync: within range the server's list is the whole truth, so mirrored rows it no
 * longer has go; rows this client still waits for (or shows as rejected) stay. */
int
rb_mirror_replace_range_sync (RbStore *store, GPtrArray *bookings, RbInterval range,
                              gint64 cursor, GPtrArray *notices, GError **error)
{
  Applied applied = { 0, notices };
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RbStatement) select = NULL;
  g_autoptr (RbStatement) delete = NULL;
  int rc;

  for (guint i = 0; i < bookings->len; i++)
    g_hash_table_add (listed, (gpointer) rb_booking_get_id (g_ptr_array_index (bookings, i)));

  if (!rb_store_begin_write (store, error))
    return -1;
  select = rb_store_prepare (store,
                             "SELECT b.id FROM bookings b WHERE b.start < ?2 AND b.end > ?1"
                             " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.booking_id = b.id"
                             "                 AND o.state IN ('pending', 'rejected'))",
                             error);
  if (select == NULL)
    goto fail;
  rb_statement_bind_int64 (select, 1, range.start);
  rb_statement_bind_int64 (select, 2, range.end);
  while ((rc = rb_statement_step (select)) == SQLITE_ROW)
    if (!g_hash_table_contains (listed, rb_statement_column_text (select, 0)))
      g_ptr_array_add (stale, g_strdup (rb_statement_column_text (select, 0)));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      goto fail;
    }
  delete = rb_store_prepare (store, "DELETE FROM bookings WHERE id = ?", error);
  if (delete == NULL)
    goto fail;
  for (guint i = 0; i < stale->len; i++)
    {
      rb_statement_reset (delete);
      rb_statement_bind_text (delete, 1, g_ptr_array_index (stale, i));
      if (!rb_db_step_done (db, delete, error))
        goto fail;
      applied.changed++;
    }
  if (!apply_all (store, bookings, &applied, error) || !write_cursor (store, cursor, error))
    goto fail;
  return rb_store_commit_write (store, error) ? applied.changed : -1;

fail:
  rb_store_rollback_write (store);
  return -1;
}

/* The server took the operation: the entry is done and the booking is what it answered. */
gboolean
rb_mirror_outbox_confirm_sync (RbStore *store, gint64 entry_id, RbBooking *confirmed,
                               GError **error)
{
  Applied applied = { 0, NULL };

  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!update_outbox (store, entry_id, "done", TRUE, NULL, 0, error)
      || (confirmed != NULL && !upsert_remote (store, confirmed, &applied, error)))
    {
      rb_store_rollback_write (store);
      return FALSE;
    }
  return rb_store_commit_write (store, error);
}

/* The server refused the operation for a reason that a retry will not change. A refused
 * create no longer holds its space here; the entry keeps the reason for "My bookings". */
gboolean
rb_mirror_outbox_reject_sync (RbStore *store, gint64 entry_id, const GError *reason,
                              GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = NULL;

  if (!rb_store_begin_write (store, error))
    return FALSE;
  if (!update_outbox (store, entry_id, "rejected", TRUE, reason, 0, error))
    goto fail;
  stmt = rb_store_prepare (store,
                           "UPDATE bookings SET state = 'cancelled', updated_at = ?2 WHERE id ="
                           " (SELECT booking_id FROM outbox WHERE id = ?1 AND operation = 'create')"
                           " AND state IN ('booked', 'checked_in')",
                           error);
  if (stmt == NULL)
    goto fail;
  rb_statement_bind_int64 (stmt, 1, entry_id);
  rb_statement_bind_int64 (stmt, 2, rb_store_now (store));
  if (!rb_db_step_done (db, stmt, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

/* ---- sync state and people ---------------------------------------------------------------- */

gboolean
rb_mirror_get_cursor_sync (RbStore *store, gint64 *out_cursor, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT CAST (value AS INTEGER) FROM sync_state WHERE key = ?", error);
  int rc;

  *out_cursor = 0;
  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, CURSOR_KEY);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    *out_cursor = rb_statement_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "sync state");
      return FALSE;
    }
  return TRUE;
}

gboolean
rb_mirror_set_cursor_sync (RbStore *store, gint64 cursor, GError **error)
{
  return write_cursor (store, cursor, error);
}

/* The person who logged in, so that their bookings can be made and listed locally. */
gboolean
rb_mirror_upsert_person_sync (RbStore *store, RbPerson *person, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "INSERT INTO people (id, display_name, staff_number, team, role) VALUES (?, ?, ?, ?, ?)"
      " ON CONFLICT (id) DO UPDATE SET display_name = excluded.display_name,"
      " staff_number = excluded.staff_number, role = excluded.role,"
      " team = CASE WHEN excluded.team = '' THEN people.team ELSE excluded.team END",
      error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, rb_person_get_id (person));
  rb_statement_bind_text (stmt, 2, rb_person_get_display_name (person));
  rb_statement_bind_text (stmt, 3, rb_person_get_staff_number (person));
  rb_statement_bind_text (stmt, 4, rb_person_get_team (person) ? rb_person_get_team (person) : "");
  rb_statement_bind_text (stmt, 5, rb_role_to_string (rb_person_get_role (person)));
  return rb_db_step_done (db, stmt, error);
}

/* ---- blocks -------------------------------------------------------------------------------- */

/* Within range the server's blocks are the whole truth: the mirror's blocks that overlap it
 * go, and the server's come in with their ids, so that Find, the kiosk and the local rules
 * see a blocked space as closed even offline. Blocks of spaces this client does not know are
 * skipped. Returns whether anything changed, or -1. */
int
rb_mirror_replace_blocks_sync (RbStore *store, GPtrArray *blocks, RbInterval range,
                               GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) delete = NULL;
  g_autoptr (RbStatement) insert = NULL;
  g_autoptr (GPtrArray) before = rb_store_list_blocks_sync (store, NULL, NULL, range, error);
  gboolean same;

  if (before == NULL)
    return -1;
  /* Most rounds find the same blocks: no write, no reload of every view. */
  same = before->len == blocks->len;
  for (guint i = 0; same && i < blocks->len; i++)
    {
      RbSpaceBlock *a = g_ptr_array_index (before, i);
      gboolean found = FALSE;

      for (guint j = 0; !found && j < blocks->len; j++)
        {
          RbSpaceBlock *b = g_ptr_array_index (blocks, j);

          found = a->id == b->id && g_str_equal (a->space_id, b->space_id)
                  && a->interval.start == b->interval.start && a->interval.end == b->interval.end
                  && g_strcmp0 (a->reason, b->reason) == 0;
        }
      same = found;
    }
  if (same)
    return 0;

  if (!rb_store_begin_write (store, error))
    return -1;
  delete = rb_store_prepare (store, "DELETE FROM space_blocks WHERE start < ?2 AND end > ?1",
                             error);
  if (delete == NULL)
    goto fail;
  rb_statement_bind_int64 (delete, 1, range.start);
  rb_statement_bind_int64 (delete, 2, range.end);
  if (!rb_db_step_done (db, delete, error))
    goto fail;
  insert = rb_store_prepare (store,
                             "INSERT OR REPLACE INTO space_blocks (id, space_id, start, end, reason)"
                             " SELECT ?1, ?2, ?3, ?4, ?5 WHERE EXISTS (SELECT 1 FROM spaces"
                             " WHERE id = ?2)",
                             error);
  if (insert == NULL)
    goto fail;
  for (guint i = 0; i < blocks->len; i++)
    {
      RbSpaceBlock *block = g_ptr_array_index (blocks, i);

      rb_statement_reset (insert);
      rb_statement_bind_int64 (insert, 1, block->id);
      rb_statement_bind_text (insert, 2, block->space_id);
      rb_statement_bind_int64 (insert, 3, block->interval.start);
      rb_statement_bind_int64 (insert, 4, block->interval.end);
      rb_statement_bind_text (insert, 5, block->reason);
      if (!rb_db_step_done (db, insert, error))
        goto fail;
    }
  return rb_store_commit_write (store, error) ? 1 : -1;

fail:
  rb_store_rollback_write (store);
  return -1;
}

/* ---- signing out ---------------------------------------------------------------------------- */

/* Forgets what the person who signs out made here and the server has not confirmed: their
 * queued operations (which another person's session must never send) and the bookings
 * only this client had. The cursor goes back to 0, so the next sign-in reads the server's
 * whole feed and the mirror is exactly the server's again. Returns how many operations were
 * dropped, or -1. */
int
rb_mirror_discard_outbox_sync (RbStore *store, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) local = NULL;
  g_autoptr (RbStatement) entries = NULL;
  int dropped;

  if (!rb_store_begin_write (store, error))
    return -1;
  local = rb_store_prepare (store,
                            "DELETE FROM bookings WHERE id IN (SELECT booking_id FROM outbox"
                            " WHERE operation = 'create' AND state IN ('pending', 'rejected'))",
                            error);
  if (local == NULL || !rb_db_step_done (db, local, error))
    goto fail;
  entries = rb_store_prepare (store, "DELETE FROM outbox WHERE state IN ('pending', 'rejected')",
                              error);
  if (entries == NULL || !rb_db_step_done (db, entries, error))
    goto fail;
  dropped = rb_db_changes (db);
  if (!write_cursor (store, 0, error))
    goto fail;
  return rb_store_commit_write (store, error) ? dropped : -1;

fail:
  rb_store_rollback_write (store);
  return -1;
}
