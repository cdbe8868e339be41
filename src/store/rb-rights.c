/* rb-rights.c: a person's own data, and their erasure (rb-rights.h).
 *
 * The export is one JSON document: the profile (never the PIN hash, nor the hashes of badges
 * or session tokens), every booking of the person with its title, their series, their open
 * sessions, their sign-in failures and every audit entry about them or made by them.
 *
 * Erasing a person, in one write transaction:
 * - their live bookings that have not ended are cancelled, so that the desks and rooms free
 *   up, and then every booking of theirs is anonymised as retention does it
 *   (rb_retention_anonymise_booking): the space, times, attendees and state stay, so the
 *   occupancy figures of the past do not change, and the change feed carries each one to the
 *   mirrors, which forget the person;
 * - their series, sessions and sign-in failures are deleted, their badges go with them (the
 *   schema's ON DELETE CASCADE), and the blocks they made lose their author (created_by);
 * - the audit log is redacted (migration "issue 13: erasure"): entries about them lose their
 *   subject, before and after; entries that name them inside before or after lose those;
 *   entries they made lose their actor; the entries themselves, with what was done and when,
 *   stay;
 * - the person is deleted, and the erasure is in the audit log as "person.erase" with counts
 *   only. Its subject is a new random reference, which the administrator is told, not the
 *   person's id: the demo building's ids are made from staff numbers ("p-13663"), and ids
 *   are not to be trusted to say nothing about a person.
 *
 * Nobody can erase themselves, as nobody can deactivate themselves: it would end the session
 * that asks, and it is what keeps the last active administrator from being erased, since only
 * another active administrator can erase one. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-audit.h"
#include "rb-people-store.h"
#include "rb-retention.h"
#include "rb-rights.h"
#include "rb-store-private.h"

/* ---- export ------------------------------------------------------------------------------ */

static void
set_time_member (JsonObject *o, const char *name, gint64 instant)
{
  g_autofree char *text = rb_time_to_rfc3339 (instant);

  json_object_set_string_member (o, name, text);
}

static JsonArray *
list_bookings (RbStore *store, const char *person_id, GError **error)
{
  RbBookingQuery query = { 0 };
  g_autoptr (GPtrArray) bookings = NULL;
  JsonArray *items;

  query.person_id = person_id;
  if (!(bookings = rb_store_list_bookings_sync (store, &query, error)))
    return NULL;
  items = json_array_new ();
  for (guint i = 0; i < bookings->len; i++)
    json_array_add_element (items, rb_json_from_booking (g_ptr_array_index (bookings, i), TRUE));
  return items;
}

static JsonArray *
list_series (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT id, space_id, rrule, first_start, first_end, title, attendees, created_at"
      " FROM series WHERE person_id = ? ORDER BY created_at, id",
      error);
  JsonArray *items;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, person_id);
  items = json_array_new ();
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      json_object_set_string_member (o, "id", rb_statement_column_text (stmt, 0));
      json_object_set_string_member (o, "space_id", rb_statement_column_text (stmt, 1));
      json_object_set_string_member (o, "rrule", rb_statement_column_text (stmt, 2));
      set_time_member (o, "start", rb_statement_column_int64 (stmt, 3));
      set_time_member (o, "end", rb_statement_column_int64 (stmt, 4));
      if (rb_statement_column_text (stmt, 5) != NULL)
        json_object_set_string_member (o, "title", rb_statement_column_text (stmt, 5));
      else
        json_object_set_null_member (o, "title");
      json_object_set_int_member (o, "attendees", rb_statement_column_int (stmt, 6));
      set_time_member (o, "created_at", rb_statement_column_int64 (stmt, 7));
      json_array_add_object_element (items, o);
    }
  if (rc != SQLITE_DONE)
    {
      json_array_unref (items);
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return NULL;
    }
  return items;
}

/* When each session began and ends, and whether a kiosk opened it; never the token's hash. */
static JsonArray *
list_sessions (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store,
                          "SELECT created_at, expires_at, device_id IS NOT NULL FROM sessions"
                          " WHERE person_id = ? ORDER BY created_at",
                          error);
  JsonArray *items;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, person_id);
  items = json_array_new ();
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    {
      JsonObject *o = json_object_new ();

      set_time_member (o, "created_at", rb_statement_column_int64 (stmt, 0));
      set_time_member (o, "expires_at", rb_statement_column_int64 (stmt, 1));
      json_object_set_boolean_member (o, "at_kiosk", rb_statement_column_int (stmt, 2) != 0);
      json_array_add_object_element (items, o);
    }
  if (rc != SQLITE_DONE)
    {
      json_array_unref (items);
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return NULL;
    }
  return items;
}

/* The wrong PINs counted against the staff number, or a null node when there are none. */
static JsonNode *
get_login_failures (RbStore *store, const char *staff_number, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT failures, last_failure, locked_until FROM login_failures WHERE staff_number = ?",
      error);
  JsonObject *o;
  JsonNode *node;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, staff_number);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return json_node_new (JSON_NODE_NULL);
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return NULL;
    }
  o = json_object_new ();
  json_object_set_int_member (o, "failures", rb_statement_column_int (stmt, 0));
  set_time_member (o, "last_failure", rb_statement_column_int64 (stmt, 1));
  if (rb_statement_column_int64 (stmt, 2) > 0)
    set_time_member (o, "locked_until", rb_statement_column_int64 (stmt, 2));
  else
    json_object_set_null_member (o, "locked_until");
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* Everything the store holds about a person, as GET /me/export answers it (data/openapi.json,
 * PersonalDataExport); RB_ERROR_NOT_FOUND without the person. Read in one snapshot: the
 * store's thread runs nothing else meanwhile. */
JsonNode *
rb_rights_export_sync (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (JsonNode) profile = rb_people_store_person_to_json_sync (store, person_id, error);
  g_autoptr (JsonObject) o = json_object_new ();
  JsonNode *failures, *audit, *root;
  JsonArray *array;

  if (profile == NULL)
    return NULL;
  json_object_set_string_member (o, "format", RB_RIGHTS_EXPORT_FORMAT);
  json_object_set_int_member (o, "version", RB_RIGHTS_EXPORT_VERSION);
  set_time_member (o, "generated_at", rb_store_now (store));
  json_object_set_member (o, "profile", json_node_ref (profile));
  if (!(array = list_bookings (store, person_id, error)))
    return NULL;
  json_object_set_array_member (o, "bookings", array);
  if (!(array = list_series (store, person_id, error)))
    return NULL;
  json_object_set_array_member (o, "series", array);
  if (!(array = list_sessions (store, person_id, error)))
    return NULL;
  json_object_set_array_member (o, "sessions", array);
  failures = get_login_failures (
      store, json_object_get_string_member (json_node_get_object (profile), "staff_number"), error);
  if (failures == NULL)
    return NULL;
  json_object_set_member (o, "login_failures", failures);
  if (!(audit = rb_audit_list_about_person_sync (store, person_id, error)))
    return NULL;
  json_object_set_member (o, "audit", audit);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (root, o);
  return root;
}

/* ---- erasure ----------------------------------------------------------------------------- */

/* Runs sql with ?1 bound to value; how many rows it changed, or -1. */
static int
run (RbStore *store, const char *sql, const char *value, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, sql, error);

  if (stmt == NULL)
    return -1;
  rb_statement_bind_text (stmt, 1, value);
  if (!rb_db_step_done (db, stmt, error))
    return -1;
  return rb_db_changes (db);
}

static gboolean
anonymise_bookings (RbStore *store, const char *person_id, guint *out_count, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "SELECT id FROM bookings WHERE person_id = ?", error);
  g_autoptr (GPtrArray) ids = NULL;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, person_id);
  if (!(ids = rb_store_collect_texts (store, stmt, error)))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!rb_retention_anonymise_booking (store, g_ptr_array_index (ids, i), error))
      return FALSE;
  *out_count = ids->len;
  return TRUE;
}

/* Takes the person out of the audit log's entries, and answers how many entries changed, or
 * -1. The person's id and staff number are looked for as whole JSON strings ("p-13663",
 * "staff_number":"13663"), so that a number that merely contains them is left alone. */
static int
redact_audit (RbStore *store, const char *person_id, const char *staff_number, GError **error)
{
#define NAMES_PERSON                                                                               \
  "(subject = ?1 OR instr (before, ?2) > 0 OR instr (after, ?2) > 0"                               \
  " OR instr (before, ?3) > 0 OR instr (after, ?3) > 0)"
  g_autofree char *quoted_id = g_strdup_printf ("\"%s\"", person_id);
  g_autofree char *staff_member = g_strdup_printf ("\"staff_number\":\"%s\"", staff_number);
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store,
                          "UPDATE audit_log SET"
                          " subject = CASE WHEN subject = ?1 THEN '' ELSE subject END,"
                          " actor_id = CASE WHEN actor_id = ?1 THEN NULL ELSE actor_id END,"
                          " before = CASE WHEN " NAMES_PERSON " THEN NULL ELSE before END,"
                          " after = CASE WHEN " NAMES_PERSON " THEN NULL ELSE after END"
                          " WHERE actor_id = ?1 OR " NAMES_PERSON,
                          error);
#undef NAMES_PERSON

  if (stmt == NULL)
    return -1;
  rb_statement_bind_text (stmt, 1, person_id);
  rb_statement_bind_text (stmt, 2, quoted_id);
  rb_statement_bind_text (stmt, 3, staff_member);
  if (!rb_db_step_done (db, stmt, error))
    return -1;
  return rb_db_changes (db);
}

static JsonNode *
erase (RbStore *store, const char *actor_id, const char *person_id, GError **error)
{
  g_autoptr (JsonNode) person = rb_people_store_person_to_json_sync (store, person_id, error);
  g_autofree char *reference = g_uuid_string_random ();
  g_autofree char *staff_number = NULL;
  g_autoptr (JsonObject) counts = json_object_new ();
  g_autoptr (JsonNode) after = NULL;
  guint cancelled = 0, anonymised = 0;
  int series, redacted;

  if (person == NULL)
    return NULL;
  staff_number
      = g_strdup (json_object_get_string_member (json_node_get_object (person), "staff_number"));
  if (!rb_people_store_end_sessions_and_bookings (store, person_id, NULL, &cancelled, error)
      || !anonymise_bookings (store, person_id, &anonymised, error)
      || (series = run (store, "DELETE FROM series WHERE person_id = ?1", person_id, error)) < 0
      || run (store, "UPDATE space_blocks SET created_by = NULL WHERE created_by = ?1", person_id,
              error)
             < 0
      || run (store, "DELETE FROM login_failures WHERE staff_number = ?1", staff_number, error) < 0
      || (redacted = redact_audit (store, person_id, staff_number, error)) < 0
      || run (store, "DELETE FROM people WHERE id = ?1", person_id, error) < 0)
    return NULL;

  /* Counts only: nothing in the entry tells who was erased. */
  json_object_set_int_member (counts, "bookings_cancelled", cancelled);
  json_object_set_int_member (counts, "bookings_anonymised", anonymised);
  json_object_set_int_member (counts, "series_deleted", series);
  json_object_set_int_member (counts, "audit_entries_redacted", redacted);
  after = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (after, counts);
  if (!rb_store_append_audit (store, actor_id, "person.erase", reference, NULL, after, error))
    return NULL;
  json_object_set_string_member (counts, "erasure_id", reference);
  return g_steal_pointer (&after);
}

/* Erases a person (see the top of this file) and answers {"erasure_id", "bookings_cancelled",
 * "bookings_anonymised", "series_deleted", "audit_entries_redacted"}; RB_ERROR_NOT_FOUND
 * without the person, RB_ERROR_FORBIDDEN for oneself. Whether the actor may erase is for the
 * caller. */
JsonNode *
rb_rights_erase_sync (RbStore *store, const char *actor_id, const char *person_id, GError **error)
{
  JsonNode *result;

  if (g_strcmp0 (actor_id, person_id) == 0)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, "%s", _ ("You cannot erase yourself."));
      return NULL;
    }
  if (!rb_store_begin_write (store, error))
    return NULL;
  if (!(result = erase (store, actor_id, person_id, error)))
    {
      rb_store_rollback_write (store);
      return NULL;
    }
  if (!rb_store_commit_write (store, error))
    {
      json_node_unref (result);
      return NULL;
    }
  return result;
}
