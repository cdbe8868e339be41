/* rb-badges.c: badges that identify a person alone (rb-badges.h).
 *
 * Why a plain SHA-256 and not a salted, slow hash like the PINs': a badge is looked up by
 * what the reader typed, so the stored form must be the same for the same card, which rules
 * out a salt per row; and a UID of 7 or 10 bytes (ISO 14443) cannot be guessed by trying
 * hashes, unlike a 4-digit PIN. The hash keeps a copy of the database from being a list of
 * card IDs to clone; the UID itself is never stored, logged or sent back. A 4-byte UID
 * (older MIFARE Classic cards) is weaker against a stolen database, and the README says so. */
#include "config.h"

#include <string.h>

#include "rb-badges.h"
#include "rb-people-store.h"
#include "rb-store-private.h"

/* Readers differ in how they type the same card: upper or lower case, with or without
 * separators. The normal form is the hexadecimal digits alone, in upper case. Readers that
 * type the UID in decimal type digits only, which are kept as they are. */
char *
rb_badge_hash_uid (const char *uid, GError **error)
{
  g_autoptr (GString) normal = g_string_new ("raumbuch-badge:");
  gsize digits = 0;
  char *hash;

  if (uid == NULL || strlen (uid) > RB_BADGE_MAX_UID)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(uid)");
      return NULL;
    }
  for (const char *c = uid; *c != '\0'; c++)
    {
      if (g_ascii_isxdigit (*c))
        {
          g_string_append_c (normal, g_ascii_toupper (*c));
          digits++;
        }
      else if (*c != ':' && *c != '-' && *c != ' ')
        {
          rb_set_error (error, RB_ERROR_INVALID_FIELD, "(uid)");
          return NULL;
        }
    }
  if (digits < 4 || digits > 64)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, "(uid)");
      return NULL;
    }
  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, normal->str, normal->len);
  memset (normal->str, 0, normal->len);
  return hash;
}

static char *
owner_of (RbStore *store, const char *uid_hash, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "SELECT person_id FROM badges WHERE uid_hash = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, uid_hash);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (rb_statement_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_BADGE_UNKNOWN, NULL);
  else
    rb_db_set_error (error, rb_store_get_db (store), rc, "query");
  return NULL;
}

static JsonNode *
register_badge (RbStore *store, const char *actor_id, const char *person_id,
                const char *uid_hash, GError **error)
{
  g_autoptr (JsonNode) before = rb_people_store_person_to_json_sync (store, person_id, error);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (RbStatement) insert = NULL;
  g_autofree char *owner = NULL;
  JsonNode *after;

  if (before == NULL)
    return NULL;
  owner = owner_of (store, uid_hash, &local_error);
  if (owner == NULL && !g_error_matches (local_error, RB_ERROR, RB_ERROR_BADGE_UNKNOWN))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  /* The same badge again for the same person changes nothing. */
  if (g_strcmp0 (owner, person_id) == 0)
    return g_steal_pointer (&before);
  if (owner != NULL)
    {
      rb_set_error (error, RB_ERROR_BADGE_TAKEN, NULL);
      return NULL;
    }
  insert = rb_store_prepare (
      store, "INSERT INTO badges (uid_hash, person_id, registered_at) VALUES (?, ?, ?)", error);
  if (insert == NULL)
    return NULL;
  rb_statement_bind_text (insert, 1, uid_hash);
  rb_statement_bind_text (insert, 2, person_id);
  rb_statement_bind_int64 (insert, 3, rb_store_now (store));
  if (!rb_db_step_done (rb_store_get_db (store), insert, error)
      || !(after = rb_people_store_person_to_json_sync (store, person_id, error)))
    return NULL;
  if (!rb_store_append_audit (store, actor_id, "person.badge.register", person_id, before, after,
                              error))
    {
      json_node_unref (after);
      return NULL;
    }
  return after;
}

/* Registers a badge (uid_hash from rb_badge_hash_uid) for a person and answers the person as
 * JSON; RB_ERROR_BADGE_TAKEN when it is someone else's, RB_ERROR_NOT_FOUND without the
 * person. */
JsonNode *
rb_badges_register_sync (RbStore *store, const char *actor_id, const char *person_id,
                         const char *uid_hash, GError **error)
{
  JsonNode *person;

  if (!rb_store_begin_write (store, error))
    return NULL;
  person = register_badge (store, actor_id, person_id, uid_hash, error);
  if (person == NULL)
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

static JsonNode *
remove_badges (RbStore *store, const char *actor_id, const char *person_id, GError **error)
{
  g_autoptr (JsonNode) before = rb_people_store_person_to_json_sync (store, person_id, error);
  g_autoptr (RbStatement) delete = NULL;
  JsonNode *after;

  if (before == NULL)
    return NULL;
  if (!json_object_get_boolean_member (json_node_get_object (before), "has_badge"))
    return g_steal_pointer (&before);
  delete = rb_store_prepare (store, "DELETE FROM badges WHERE person_id = ?", error);
  if (delete == NULL)
    return NULL;
  rb_statement_bind_text (delete, 1, person_id);
  if (!rb_db_step_done (rb_store_get_db (store), delete, error)
      || !(after = rb_people_store_person_to_json_sync (store, person_id, error)))
    return NULL;
  if (!rb_store_append_audit (store, actor_id, "person.badge.remove", person_id, before, after,
                              error))
    {
      json_node_unref (after);
      return NULL;
    }
  return after;
}

/* Removes every badge of a person (a lost badge is replaced by registering the new one) and
 * answers the person as JSON; nothing to remove is no error. */
JsonNode *
rb_badges_remove_sync (RbStore *store, const char *actor_id, const char *person_id,
                       GError **error)
{
  JsonNode *person;

  if (!rb_store_begin_write (store, error))
    return NULL;
  person = remove_badges (store, actor_id, person_id, error);
  if (person == NULL)
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

/* How many badges a person has, or -1. */
int
rb_badges_count_sync (RbStore *store, const char *person_id, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "SELECT count (*) FROM badges WHERE person_id = ?", error);
  int rc;

  if (stmt == NULL)
    return -1;
  rb_statement_bind_text (stmt, 1, person_id);
  rc = rb_statement_step (stmt);
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, rb_store_get_db (store), rc, "query");
      return -1;
    }
  return rb_statement_column_int (stmt, 0);
}

/* The person a badge belongs to, or RB_ERROR_BADGE_UNKNOWN. Whether they may act is for
 * rb_badges_check_may_identify_sync. */
RbPerson *
rb_badges_find_person_sync (RbStore *store, const char *uid_hash, GError **error)
{
  g_autofree char *person_id = owner_of (store, uid_hash, error);

  return person_id != NULL ? rb_store_get_person_sync (store, person_id, error) : NULL;
}

/* RB_ERROR_PERSON_INACTIVE for a deactivated person. A one-time PIN that still waits to be
 * changed does not stop a badge: the badge needs no PIN. */
gboolean
rb_badges_check_may_identify_sync (RbStore *store, RbPerson *person, GError **error)
{
  g_autoptr (JsonNode) json
      = rb_people_store_person_to_json_sync (store, rb_person_get_id (person), error);

  if (json == NULL)
    return FALSE;
  if (!json_object_get_boolean_member (json_node_get_object (json), "active"))
    {
      rb_set_error (error, RB_ERROR_PERSON_INACTIVE, NULL);
      return FALSE;
    }
  return TRUE;
}
