/* rb-people-store.c: administering people (rb-people-store.h).
 *
 * Deactivating a person is not deleting them: their past bookings keep their owner (until the
 * retention period ends, DESIGN.md), and an administrator can reactivate them. What ends at
 * once is what lets them act: their sessions are deleted, and their future bookings that are
 * still live are cancelled with a reason they see, through the store's state change, so that
 * every cancellation is in the change feed. A deactivated person cannot sign in or identify at
 * a kiosk (rb_people_store_check_may_sign_in_sync) and is left out of the people lists for
 * booking (rb_store_list_people_sync). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-people-csv.h"
#include "rb-people-store.h"
#include "rb-store-private.h"

#define PEOPLE_COLUMNS                                                                      \
  "id, display_name, staff_number, team, role, active, must_change_pin,"                    \
  " EXISTS (SELECT 1 FROM badges WHERE badges.person_id = people.id)"

static JsonNode *
person_from_row (RbStatement *stmt)
{
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "id", rb_statement_column_text (stmt, 0));
  json_object_set_string_member (o, "display_name", rb_statement_column_text (stmt, 1));
  json_object_set_string_member (o, "staff_number", rb_statement_column_text (stmt, 2));
  json_object_set_string_member (o, "team", rb_statement_column_text (stmt, 3));
  json_object_set_string_member (o, "role", rb_statement_column_text (stmt, 4));
  json_object_set_boolean_member (o, "active", rb_statement_column_int (stmt, 5) != 0);
  json_object_set_boolean_member (o, "must_change_pin", rb_statement_column_int (stmt, 6) != 0);
  json_object_set_boolean_member (o, "has_badge", rb_statement_column_int (stmt, 7) != 0);
  json_node_take_object (node, o);
  return node;
}

static JsonNode *
get_person (RbStore *store, const char *where, const char *value, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT " PEOPLE_COLUMNS " FROM people WHERE %s = ?",
                                          where);
  g_autoptr (RbStatement) stmt = rb_store_prepare (store, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, value);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return person_from_row (stmt);
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
  else
    rb_db_set_error (error, rb_store_get_db (store), rc, "query");
  return NULL;
}

/* The fields of a request body (POST /people, PATCH /people/{id}), borrowed from object; on a
 * create, display_name and staff_number are required and "active" is refused. */
gboolean
rb_person_fields_from_json (JsonObject *object, gboolean create, RbPersonFields *out,
                            gboolean *out_has_active, gboolean *out_active, GError **error)
{
  static const char *const members[]
      = { "display_name", "staff_number", "team", "role", "active", NULL };
  GError *local_error = NULL;
  const char *role;

  memset (out, 0, sizeof *out);
  *out_has_active = *out_active = FALSE;
  if (!rb_json_check_members (object, members, error))
    return FALSE;
  out->display_name = rb_json_get_string (object, "display_name", create, &local_error);
  if (local_error == NULL)
    out->staff_number = rb_json_get_string (object, "staff_number", create, &local_error);
  if (local_error == NULL)
    out->team = rb_json_get_string (object, "team", FALSE, &local_error);
  role = local_error == NULL ? rb_json_get_string (object, "role", FALSE, &local_error) : NULL;
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (role != NULL && !rb_role_from_string (role, &out->role))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(role)");
      return FALSE;
    }
  out->has_role = role != NULL;
  if (json_object_has_member (object, "active"))
    {
      JsonNode *node = json_object_get_member (object, "active");

      if (create || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, "(active)");
          return FALSE;
        }
      *out_has_active = TRUE;
      *out_active = json_node_get_boolean (node);
    }
  return TRUE;
}

JsonNode *
rb_people_store_person_to_json_sync (RbStore *store, const char *person_id, GError **error)
{
  return get_person (store, "id", person_id, error);
}

/* {"items": [person…]} ordered by name; inactive people only when asked for. */
JsonNode *
rb_people_store_list_sync (RbStore *store, gboolean include_inactive, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "SELECT " PEOPLE_COLUMNS " FROM people WHERE active = 1 OR ?"
      " ORDER BY display_name, staff_number",
      error);
  JsonArray *items;
  JsonObject *o;
  JsonNode *root;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_int (stmt, 1, include_inactive);
  items = json_array_new ();
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    json_array_add_element (items, person_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      json_array_unref (items);
      return NULL;
    }
  o = json_object_new ();
  json_object_set_array_member (o, "items", items);
  root = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (root, o);
  return root;
}

static gboolean
is_staff_number (const char *text)
{
  if (text == NULL || *text == '\0' || strlen (text) > RB_PEOPLE_CSV_MAX_STAFF_NUMBER)
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isgraph (*text))
      return FALSE;
  return TRUE;
}

static gboolean
is_text (const char *text, gboolean may_be_empty)
{
  return text != NULL && g_utf8_validate (text, -1, NULL)
         && (may_be_empty || *text != '\0') && g_utf8_strlen (text, -1) <= RB_JSON_MAX_TEXT;
}

static gboolean
validate_fields (const RbPersonFields *fields, gboolean complete, GError **error)
{
  if ((complete || fields->display_name != NULL) && !is_text (fields->display_name, FALSE))
    rb_set_error (error, RB_ERROR_INVALID_FIELD, "(display_name)");
  else if ((complete || fields->staff_number != NULL) && !is_staff_number (fields->staff_number))
    rb_set_error (error, RB_ERROR_INVALID_FIELD, "(staff_number)");
  else if (fields->team != NULL && !is_text (fields->team, TRUE))
    rb_set_error (error, RB_ERROR_INVALID_FIELD, "(team)");
  else
    return TRUE;
  return FALSE;
}

/* RB_ERROR_INVALID_FIELD when someone other than person_id has the staff number. */
static gboolean
check_staff_number_free (RbStore *store, const char *staff_number, const char *person_id,
                         GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT 1 FROM people WHERE staff_number = ? AND id IS DISTINCT FROM ?", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, staff_number);
  rb_statement_bind_text (stmt, 2, person_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc == SQLITE_ROW)
    rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Staff number %s is already taken."),
                  staff_number);
  else
    rb_db_set_error (error, rb_store_get_db (store), rc, "query");
  return FALSE;
}

static gboolean
insert_person (RbStore *store, const char *actor_id, const char *id,
               const RbPersonFields *fields, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "INSERT INTO people (id, display_name, staff_number, team, role) VALUES (?, ?, ?, ?, ?)",
      error);
  g_autoptr (JsonNode) after = NULL;

  if (stmt == NULL || !check_staff_number_free (store, fields->staff_number, NULL, error))
    return FALSE;
  rb_statement_bind_text (stmt, 1, id);
  rb_statement_bind_text (stmt, 2, fields->display_name);
  rb_statement_bind_text (stmt, 3, fields->staff_number);
  rb_statement_bind_text (stmt, 4, fields->team != NULL ? fields->team : "");
  rb_statement_bind_text (stmt, 5, rb_role_to_string (fields->has_role ? fields->role : RB_ROLE_STAFF));
  if (!rb_db_step_done (rb_store_get_db (store), stmt, error)
      || !(after = get_person (store, "id", id, error)))
    return FALSE;
  return rb_store_append_audit (store, actor_id, "person.create", id, NULL, after, error);
}

/* The names of the fields an edit changes, in a fixed order; empty when none. */
static GPtrArray *
changed_fields (JsonObject *before, const RbPersonFields *fields)
{
  GPtrArray *changed = g_ptr_array_new ();

  if (fields->display_name != NULL
      && g_strcmp0 (fields->display_name, json_object_get_string_member (before, "display_name")))
    g_ptr_array_add (changed, "display_name");
  if (fields->staff_number != NULL
      && g_strcmp0 (fields->staff_number, json_object_get_string_member (before, "staff_number")))
    g_ptr_array_add (changed, "staff_number");
  if (fields->team != NULL
      && g_strcmp0 (fields->team, json_object_get_string_member (before, "team")))
    g_ptr_array_add (changed, "team");
  if (fields->has_role
      && g_strcmp0 (rb_role_to_string (fields->role),
                    json_object_get_string_member (before, "role")))
    g_ptr_array_add (changed, "role");
  return changed;
}

static gboolean
update_person (RbStore *store, const char *actor_id, JsonNode *before,
               const RbPersonFields *fields, GError **error)
{
  JsonObject *o = json_node_get_object (before);
  const char *id = json_object_get_string_member (o, "id");
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store,
      "UPDATE people SET display_name = coalesce (?, display_name), staff_number = coalesce (?,"
      " staff_number), team = coalesce (?, team), role = coalesce (?, role) WHERE id = ?",
      error);
  g_autoptr (JsonNode) after = NULL;

  if (stmt == NULL
      || (fields->staff_number != NULL
          && !check_staff_number_free (store, fields->staff_number, id, error)))
    return FALSE;
  rb_statement_bind_text (stmt, 1, fields->display_name);
  rb_statement_bind_text (stmt, 2, fields->staff_number);
  rb_statement_bind_text (stmt, 3, fields->team);
  rb_statement_bind_text (stmt, 4, fields->has_role ? rb_role_to_string (fields->role) : NULL);
  rb_statement_bind_text (stmt, 5, id);
  if (!rb_db_step_done (rb_store_get_db (store), stmt, error)
      || !(after = get_person (store, "id", id, error)))
    return FALSE;
  return rb_store_append_audit (store, actor_id, "person.update", id, before, after, error);
}

/* Ends what lets a person act: sessions, and their live bookings that have not ended, which
 * are cancelled with reason (or none: NULL). Inside a write transaction; deactivating and
 * erasing (rb-rights.c) a person both start with it. */
gboolean
rb_people_store_end_sessions_and_bookings (RbStore *store, const char *person_id,
                                           const char *reason, guint *out_cancelled,
                                           GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) sessions
      = rb_store_prepare (store, "DELETE FROM sessions WHERE person_id = ?", error);
  g_autoptr (RbStatement) set_reason = NULL;
  g_autoptr (GPtrArray) bookings = NULL;
  RbBookingQuery query = { 0 };

  if (sessions == NULL)
    return FALSE;
  rb_statement_bind_text (sessions, 1, person_id);
  if (!rb_db_step_done (db, sessions, error))
    return FALSE;

  query.person_id = person_id;
  query.range = rb_interval_make (rb_store_now (store), G_MAXINT64);
  query.active_only = TRUE;
  if (!(bookings = rb_store_list_bookings_sync (store, &query, error)))
    return FALSE;
  set_reason
      = rb_store_prepare (store, "UPDATE bookings SET cancel_reason = ? WHERE id = ?", error);
  if (set_reason == NULL)
    return FALSE;
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);

      if (!rb_store_set_booking_state (store, booking, RB_BOOKING_STATE_CANCELLED, error))
        return FALSE;
      if (reason == NULL)
        continue;
      rb_statement_reset (set_reason);
      rb_statement_bind_text (set_reason, 1, reason);
      rb_statement_bind_text (set_reason, 2, rb_booking_get_id (booking));
      if (!rb_db_step_done (db, set_reason, error))
        return FALSE;
    }
  if (out_cancelled != NULL)
    *out_cancelled = bookings->len;
  return TRUE;
}

static gboolean
set_active (RbStore *store, const char *actor_id, JsonNode *before, gboolean active,
            GError **error)
{
  const char *id = json_object_get_string_member (json_node_get_object (before), "id");
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "UPDATE people SET active = ? WHERE id = ?", error);
  g_autoptr (JsonNode) after = NULL;

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_int (stmt, 1, active);
  rb_statement_bind_text (stmt, 2, id);
  if (!rb_db_step_done (rb_store_get_db (store), stmt, error)
      || (!active
          && !rb_people_store_end_sessions_and_bookings (
              store, id, _("The person who booked was deactivated."), NULL, error))
      || !(after = get_person (store, "id", id, error)))
    return FALSE;
  return rb_store_append_audit (store, actor_id, active ? "person.reactivate" : "person.deactivate",
                                id, before, after, error);
}

/* Adds a person (with no PIN yet: an administrator issues a one-time PIN next). */
JsonNode *
rb_people_store_create_sync (RbStore *store, const char *actor_id, const RbPersonFields *fields,
                             GError **error)
{
  g_autofree char *id = g_uuid_string_random ();
  JsonNode *person;

  if (!validate_fields (fields, TRUE, error) || !rb_store_begin_write (store, error))
    return NULL;
  if (!insert_person (store, actor_id, id, fields, error)
      || !(person = get_person (store, "id", id, error)))
    {
      rb_store_rollback_write (store);
      return NULL;
    }
  if (!rb_store_commit_write (store, error))
    {
      json_node_unref (person);
      return NULL;
    }
  return person;
}

JsonNode *
rb_people_store_update_sync (RbStore *store, const char *actor_id, const char *person_id,
                             const RbPersonFields *fields, GError **error)
{
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (GPtrArray) changed = NULL;
  JsonNode *person = NULL;

  if (!validate_fields (fields, FALSE, error) || !rb_store_begin_write (store, error))
    return NULL;
  if (!(before = get_person (store, "id", person_id, error)))
    goto fail;
  changed = changed_fields (json_node_get_object (before), fields);
  if ((changed->len > 0 && !update_person (store, actor_id, before, fields, error))
      || !(person = get_person (store, "id", person_id, error)))
    goto fail;
  if (!rb_store_commit_write (store, error))
    {
      json_node_unref (person);
      return NULL;
    }
  return person;

fail:
  rb_store_rollback_write (store);
  return NULL;
}

/* Deactivates (ending sessions and cancelling live bookings) or reactivates a person. An
 * administrator cannot deactivate themselves: nobody might be left to undo it. */
JsonNode *
rb_people_store_set_active_sync (RbStore *store, const char *actor_id, const char *person_id,
                                 gboolean active, GError **error)
{
  g_autoptr (JsonNode) before = NULL;
  JsonNode *person = NULL;

  if (!active && g_strcmp0 (actor_id, person_id) == 0)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, "%s", _("You cannot deactivate yourself."));
      return NULL;
    }
  if (!rb_store_begin_write (store, error))
    return NULL;
  if (!(before = get_person (store, "id", person_id, error)))
    goto fail;
  if (json_object_get_boolean_member (json_node_get_object (before), "active") != active
      && !set_active (store, actor_id, before, active, error))
    goto fail;
  if (!(person = get_person (store, "id", person_id, error)))
    goto fail;
  if (!rb_store_commit_write (store, error))
    {
      json_node_unref (person);
      return NULL;
    }
  return person;

fail:
  rb_store_rollback_write (store);
  return NULL;
}

static JsonNode *
summary (JsonNode *person)
{
  JsonObject *p = json_node_get_object (person);
  JsonObject *o = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (o, "staff_number",
                                 json_object_get_string_member (p, "staff_number"));
  json_object_set_string_member (o, "display_name",
                                 json_object_get_string_member (p, "display_name"));
  json_node_take_object (node, o);
  return node;
}

/* Applies one row of the file; adds it to the report's added or changed. */
static gboolean
import_row (RbStore *store, const char *actor_id, RbPeopleCsvRow *row, JsonArray *added,
            JsonArray *changed, GError **error)
{
  RbPersonFields fields = { row->display_name, row->staff_number, row->team, row->has_role,
                            row->role };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) before = get_person (store, "staff_number", row->staff_number,
                                            &local_error);
  g_autoptr (GPtrArray) names = NULL;
  gboolean reactivate;
  JsonArray *field_names;
  JsonObject *o;

  if (before == NULL && !g_error_matches (local_error, RB_ERROR, RB_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (before == NULL)
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autoptr (JsonNode) person = NULL;

      if (!insert_person (store, actor_id, id, &fields, error)
          || !(person = get_person (store, "id", id, error)))
        return FALSE;
      json_array_add_element (added, summary (person));
      return TRUE;
    }

  fields.staff_number = NULL;
  names = changed_fields (json_node_get_object (before), &fields);
  reactivate = !json_object_get_boolean_member (json_node_get_object (before), "active");
  if (names->len == 0 && !reactivate)
    return TRUE;
  if ((names->len > 0 && !update_person (store, actor_id, before, &fields, error)))
    return FALSE;
  if (reactivate)
    {
      g_autoptr (JsonNode) now = get_person (store, "staff_number", row->staff_number, error);

      if (now == NULL || !set_active (store, actor_id, now, TRUE, error))
        return FALSE;
      g_ptr_array_add (names, "active");
    }
  field_names = json_array_new ();
  for (guint i = 0; i < names->len; i++)
    json_array_add_string_element (field_names, g_ptr_array_index (names, i));
  o = json_object_new ();
  json_object_set_string_member (o, "staff_number", row->staff_number);
  json_object_set_array_member (o, "fields", field_names);
  json_array_add_object_element (changed, o);
  return TRUE;
}

/* Deactivates the active people whose staff numbers the file does not have (never the one
 * who imports). */
static gboolean
deactivate_missing_people (RbStore *store, const char *actor_id, GHashTable *in_file,
                           JsonArray *deactivated, GError **error)
{
  g_autoptr (JsonNode) list = rb_people_store_list_sync (store, FALSE, error);
  JsonArray *items;

  if (list == NULL)
    return FALSE;
  items = json_object_get_array_member (json_node_get_object (list), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *person = json_array_get_element (items, i);
      JsonObject *o = json_node_get_object (person);

      if (g_hash_table_contains (in_file, json_object_get_string_member (o, "staff_number"))
          || g_strcmp0 (json_object_get_string_member (o, "id"), actor_id) == 0)
        continue;
      if (!set_active (store, actor_id, person, FALSE, error))
        return FALSE;
      json_array_add_element (deactivated, summary (person));
    }
  return TRUE;
}

/* Imports the rows of a CSV file (rb_people_csv_read) in one transaction, and answers
 * {"added", "changed", "deactivated", "errors", "dry_run"}. With errors from the reading, or a
 * dry run, the transaction is rolled back: the report says what would be done, and nothing
 * is. People missing from the file are deactivated only with deactivate_missing. */
JsonNode *
rb_people_store_import_sync (RbStore *store, const char *actor_id, GPtrArray *rows,
                             GPtrArray *errors, gboolean deactivate_missing, gboolean dry_run,
                             GError **error)
{
  g_autoptr (GHashTable) in_file = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *added = json_array_new ();
  JsonArray *changed = json_array_new ();
  JsonArray *deactivated = json_array_new ();
  JsonArray *error_array = json_array_new ();
  gboolean keep = !dry_run && errors->len == 0;
  JsonObject *o = json_object_new ();
  JsonNode *report = json_node_new (JSON_NODE_OBJECT);

  json_object_set_array_member (o, "added", added);
  json_object_set_array_member (o, "changed", changed);
  json_object_set_array_member (o, "deactivated", deactivated);
  json_object_set_array_member (o, "errors", error_array);
  json_object_set_boolean_member (o, "dry_run", !keep);
  json_node_take_object (report, o);
  for (guint i = 0; i < errors->len; i++)
    json_array_add_string_element (error_array, g_ptr_array_index (errors, i));

  if (!rb_store_begin_write (store, error))
    goto fail;
  for (guint i = 0; i < rows->len; i++)
    {
      RbPeopleCsvRow *row = g_ptr_array_index (rows, i);

      g_hash_table_add (in_file, row->staff_number);
      if (!import_row (store, actor_id, row, added, changed, error))
        goto rollback;
    }
  /* A file with errors may lack rows that are only broken, not gone: nobody is deactivated
   * for it, not even in the preview. */
  if (deactivate_missing && errors->len == 0
      && !deactivate_missing_people (store, actor_id, in_file, deactivated, error))
    goto rollback;
  if (keep)
    {
      if (!rb_store_commit_write (store, error))
        goto fail;
    }
  else
    rb_store_rollback_write (store);
  return report;

rollback:
  rb_store_rollback_write (store);
fail:
  json_node_unref (report);
  return NULL;
}

/* RB_ERROR_PERSON_INACTIVE or RB_ERROR_PIN_CHANGE_REQUIRED when a person whose PIN was right
 * may not have a session (yet). */
gboolean
rb_people_store_check_may_sign_in_sync (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (JsonNode) person = get_person (store, "id", person_id, error);
  JsonObject *o;

  if (person == NULL)
    return FALSE;
  o = json_node_get_object (person);
  if (!json_object_get_boolean_member (o, "active"))
    rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
  else if (json_object_get_boolean_member (o, "must_change_pin"))
    rb_set_error (error, RB_ERROR_PIN_CHANGE_REQUIRED, NULL);
  else
    return TRUE;
  return FALSE;
}

/* Stores a new PIN hash: a one-time PIN issued by actor_id ("pin.issue", the person must
 * choose their own at first use), or the person's own choice ("pin.change", which ends the
 * one-time state). The audit entry names the person, never the PIN. */
gboolean
rb_people_store_set_pin_sync (RbStore *store, const char *actor_id, const char *person_id,
                              const char *pin_hash, gboolean one_time, GError **error)
{
  g_autoptr (RbStatement) stmt = NULL;
  g_autoptr (JsonNode) before = NULL;
  g_autoptr (JsonNode) after = NULL;

  if (!rb_store_begin_write (store, error))
    return FALSE;
  stmt = rb_store_prepare (store,
                           "UPDATE people SET pin_hash = ?, must_change_pin = ? WHERE id = ?",
                           error);
  if (stmt == NULL || !(before = get_person (store, "id", person_id, error)))
    goto fail;
  rb_statement_bind_text (stmt, 1, pin_hash);
  rb_statement_bind_int (stmt, 2, one_time);
  rb_statement_bind_text (stmt, 3, person_id);
  if (!rb_db_step_done (rb_store_get_db (store), stmt, error)
      || !(after = get_person (store, "id", person_id, error))
      || !rb_store_append_audit (store, actor_id, one_time ? "pin.issue" : "pin.change",
                                 person_id, before, after, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

/* ---- the directory (issue 14) ------------------------------------------------------------ */

void
rb_directory_person_free (RbDirectoryPerson *person)
{
  if (person == NULL)
    return;
  g_free (person->username);
  g_free (person->staff_number);
  g_free (person->display_name);
  g_free (person->team);
  g_free (person);
}

static gboolean
set_directory_user (RbStore *store, const char *person_id, const char *username, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "UPDATE people SET directory_user = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, username);
  rb_statement_bind_text (stmt, 2, person_id);
  return rb_db_step_done (rb_store_get_db (store), stmt, error);
}

/* The person the directory user name belongs to: the one synced with it before, else the
 * one with the directory's staff number (whom an administrator or a CSV import added before
 * the directory came), unless that one belongs to another directory user. NULL with no
 * error when there is none. */
static JsonNode *
find_synced_person (RbStore *store, RbDirectoryPerson *person, GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id, directory_user FROM people WHERE directory_user = ? OR staff_number = ?"
      " ORDER BY directory_user IS NOT DISTINCT FROM ? DESC",
      error);
  g_autofree char *id = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, person->username);
  rb_statement_bind_text (stmt, 2, person->staff_number);
  rb_statement_bind_text (stmt, 3, person->username);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return NULL;
    }
  if (rb_statement_column_type (stmt, 1) != SQLITE_NULL
      && g_strcmp0 (rb_statement_column_text (stmt, 1), person->username) != 0)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Staff number %s is already taken."),
                    person->staff_number);
      return NULL;
    }
  id = g_strdup (rb_statement_column_text (stmt, 0));
  g_clear_pointer (&stmt, rb_statement_release);
  return get_person (store, "id", id, error);
}

/* Makes one person what the directory says; adds them to the report's lists. */
static gboolean
sync_person (RbStore *store, const char *actor_id, RbDirectoryPerson *person, JsonObject *report,
             GError **error)
{
  RbPersonFields fields = { person->display_name, person->staff_number,
                            person->team != NULL ? person->team : "", TRUE, person->role };
  g_autoptr (GError) local_error = NULL;
  g_autoptr (JsonNode) before = find_synced_person (store, person, &local_error);
  g_autoptr (GPtrArray) names = NULL;
  g_autofree char *id = NULL;
  JsonObject *o;
  gboolean active;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!validate_fields (&fields, TRUE, error))
    return FALSE;
  if (before == NULL)
    {
      g_autoptr (JsonNode) created = NULL;

      /* A disabled account that Raumbuch never knew stays unknown. */
      if (person->disabled)
        return TRUE;
      id = g_uuid_string_random ();
      if (!insert_person (store, actor_id, id, &fields, error)
          || !set_directory_user (store, id, person->username, error)
          || !(created = get_person (store, "id", id, error)))
        return FALSE;
      json_array_add_element (json_object_get_array_member (report, "added"), summary (created));
      return TRUE;
    }

  o = json_node_get_object (before);
  id = g_strdup (json_object_get_string_member (o, "id"));
  if (!set_directory_user (store, id, person->username, error))
    return FALSE;
  names = changed_fields (o, &fields);
  active = json_object_get_boolean_member (o, "active");
  if (names->len > 0)
    {

      if (!update_person (store, actor_id, before, &fields, error))
        return FALSE;
      g_clear_pointer (&before, json_node_unref);
      if (!(before = get_person (store, "id", id, error)))
        return FALSE;
    }
  /* The directory decides for the people it owns: disabled there, inactive here, and back
   * again when the directory enables the account. */
  if (active == person->disabled)
    {
      if (!set_active (store, actor_id, before, !person->disabled, error))
        return FALSE;
      if (person->disabled)
        {
          json_array_add_element (json_object_get_array_member (report, "deactivated"),
                                  summary (before));
          if (names->len == 0)
            return TRUE;
        }
      else
        g_ptr_array_add (names, "active");
    }
  if (names->len > 0)
    {
      JsonArray *field_names = json_array_new ();
      JsonObject *item = json_object_new ();

      for (guint i = 0; i < names->len; i++)
        json_array_add_string_element (field_names, g_ptr_array_index (names, i));
      json_object_set_string_member (item, "staff_number", person->staff_number);
      json_object_set_array_member (item, "fields", field_names);
      json_array_add_object_element (json_object_get_array_member (report, "changed"), item);
    }
  return TRUE;
}

/* Deactivates the active people of the directory whom it no longer lists (never actor). */
static gboolean
deactivate_gone (RbStore *store, const char *actor_id, GHashTable *listed, JsonObject *report,
                 GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id, directory_user FROM people WHERE directory_user IS NOT NULL"
      " AND active = 1",
      error);
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_free);
  int rc;

  if (stmt == NULL)
    return FALSE;
  while ((rc = rb_statement_step (stmt)) == SQLITE_ROW)
    if (!g_hash_table_contains (listed, rb_statement_column_text (stmt, 1))
        && g_strcmp0 (rb_statement_column_text (stmt, 0), actor_id) != 0)
      g_ptr_array_add (gone, g_strdup (rb_statement_column_text (stmt, 0)));
  if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return FALSE;
    }
  g_clear_pointer (&stmt, rb_statement_release);
  for (guint i = 0; i < gone->len; i++)
    {
      g_autoptr (JsonNode) person = get_person (store, "id", g_ptr_array_index (gone, i), error);

      if (person == NULL || !set_active (store, actor_id, person, FALSE, error))
        return FALSE;
      json_array_add_element (json_object_get_array_member (report, "deactivated"),
                              summary (person));
    }
  return TRUE;
}

/* Makes the people of the directory what it says, in one transaction: adds the new ones,
 * updates names, staff numbers, teams and roles, deactivates the disabled ones and (when
 * complete, i.e. people is the whole directory) those it no longer lists. A person the
 * directory describes in a way Raumbuch cannot take (a staff number of somebody else's) is
 * left as it is and named in "errors". Answers {"people", "added", "changed", "deactivated",
 * "errors", "dry_run"}; a dry run is rolled back. A complete sync that is kept writes a
 * "directory.sync" audit entry with the counts, besides the entries of each change. */
JsonNode *
rb_people_store_sync_directory_sync (RbStore *store, const char *actor_id, GPtrArray *people,
                                     gboolean complete, gboolean dry_run, GError **error)
{
  g_autoptr (GHashTable) listed = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *o = json_object_new ();
  g_autoptr (JsonNode) report = json_node_init_object (json_node_alloc (), o);
  JsonArray *errors = json_array_new ();

  json_object_set_int_member (o, "people", people->len);
  json_object_set_array_member (o, "added", json_array_new ());
  json_object_set_array_member (o, "changed", json_array_new ());
  json_object_set_array_member (o, "deactivated", json_array_new ());
  json_object_set_array_member (o, "errors", errors);
  json_object_set_boolean_member (o, "dry_run", dry_run);

  if (!rb_store_begin_write (store, error))
    return NULL;
  /* A directory that lists nobody is far likelier a wrong filter or group than everyone
   * gone: nothing is changed. */
  if (complete && people->len == 0)
    {
      gint64 synced = 0;

      if (!rb_db_get_int (rb_store_get_db (store),
                          "SELECT count(*) FROM people WHERE directory_user IS NOT NULL"
                          " AND active = 1",
                          &synced, error))
        goto rollback;
      if (synced > 0)
        {
          rb_set_error (error, RB_ERROR_DIRECTORY_UNAVAILABLE, "%s",
                        _("The directory lists nobody for Raumbuch, so nobody was deactivated. "
                          "Please check the filter and the groups of [directory]."));
          goto rollback;
        }
    }
  for (guint i = 0; i < people->len; i++)
    {
      RbDirectoryPerson *person = g_ptr_array_index (people, i);
      g_autoptr (GError) local_error = NULL;

      g_hash_table_add (listed, person->username);
      if (!sync_person (store, actor_id, person, o, &local_error))
        {
          if (!g_error_matches (local_error, RB_ERROR, RB_ERROR_INVALID_FIELD))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              goto rollback;
            }
          json_array_add_string_element (
              errors, g_strdup_printf ("%s: %s", person->username, local_error->message));
        }
    }
  if (complete && !deactivate_gone (store, actor_id, listed, o, error))
    goto rollback;
  if (dry_run)
    {
      rb_store_rollback_write (store);
      return g_steal_pointer (&report);
    }
  if (complete)
    {
      g_autoptr (JsonNode) counts = json_node_init_object (json_node_alloc (), json_object_new ());
      JsonObject *c = json_node_get_object (counts);

      json_object_set_int_member (c, "people", people->len);
      json_object_set_int_member (
          c, "added", json_array_get_length (json_object_get_array_member (o, "added")));
      json_object_set_int_member (
          c, "changed", json_array_get_length (json_object_get_array_member (o, "changed")));
      json_object_set_int_member (
          c, "deactivated",
          json_array_get_length (json_object_get_array_member (o, "deactivated")));
      json_object_set_int_member (c, "errors", json_array_get_length (errors));
      if (!rb_store_append_audit (store, actor_id, "directory.sync", "", NULL, counts, error))
        goto rollback;
    }
  if (!rb_store_commit_write (store, error))
    return NULL;
  return g_steal_pointer (&report);

rollback:
  rb_store_rollback_write (store);
  return NULL;
}

/* The active or inactive person synced with this directory user name; RB_ERROR_NOT_FOUND
 * when there is none. */
RbPerson *
rb_people_store_find_directory_person_sync (RbStore *store, const char *username,
                                            GError **error)
{
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id, display_name, staff_number, team, role FROM people"
      " WHERE directory_user = ?",
      error);
  RbRole role = RB_ROLE_STAFF;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, username);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return NULL;
    }
  rb_role_from_string (rb_statement_column_text (stmt, 4), &role);
  return rb_person_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                        rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3), role);
}
