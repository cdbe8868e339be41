/* rb-auth.c: PIN hashes, session and device tokens, and the PIN lockout.
 *
 * PINs are hashed with Argon2id through libsodium's crypto_pwhash_str (Debian's libsodium23):
 * a memory-hard key-derivation function with a random salt per hash, maintained by a library
 * the distribution keeps patched. The parameters are libsodium's INTERACTIVE set (2 passes over
 * 64 MiB), about 110 ms per hash or check on the reference machine: slow enough that guessing
 * costs something, fast enough for a kiosk that waits for the answer. A 4-digit PIN has only
 * 10,000 values, so no hash alone protects it from someone who stole the database; its real
 * protection online is the lockout after RB_AUTH_MAX_FAILURES wrong PINs, and offline that the
 * hashes never leave the server (kiosks never store them, DESIGN.md).
 *
 * Session and device tokens are 32 bytes from the OS random source (randombytes_buf), shown
 * to the client once as 64 hex digits and stored only as their SHA-256, so a copy of the
 * database does not let anyone act as a logged-in person. A token has 256 random bits, so a
 * fast unsalted hash is enough here. */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-store-private.h"

#define TOKEN_BYTES 32

/* libsodium must be initialised once before use; sodium_init is itself thread-safe, the
 * GOnce only saves the repeated calls. */
gboolean
rb_auth_init (GError **error)
{
  static gsize result = 0;

  if (g_once_init_enter (&result))
    g_once_init_leave (&result, sodium_init () < 0 ? 2 : 1);
  if (result != 1)
    {
      g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                           "libsodium could not be initialised");
      return FALSE;
    }
  return TRUE;
}

char *
rb_auth_hash_pin (const char *pin, GError **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (!rb_auth_init (error))
    return NULL;
  if (crypto_pwhash_str (hash, pin, strlen (pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                         crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    {
      g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                           "Not enough memory to hash a PIN");
      return NULL;
    }
  return g_strdup (hash);
}

/* Constant work whatever the PIN: a wrong PIN costs as long as a right one. */
gboolean
rb_auth_verify_pin (const char *pin_hash, const char *pin)
{
  if (pin_hash == NULL || pin == NULL || !rb_auth_init (NULL))
    return FALSE;
  return crypto_pwhash_str_verify (pin_hash, pin, strlen (pin)) == 0;
}

char *
rb_auth_new_token (void)
{
  guint8 bytes[TOKEN_BYTES];
  char hex[TOKEN_BYTES * 2 + 1];

  if (!rb_auth_init (NULL))
    g_error ("libsodium could not be initialised");
  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2hex (hex, sizeof hex, bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);
  return g_strdup (hex);
}

static guint32
random_u32 (gpointer data)
{
  return randombytes_random ();
}

/* A one-time PIN for a person (rb-pin-rules.h), from the OS random source. */
char *
rb_auth_new_one_time_pin (const char *staff_number)
{
  if (!rb_auth_init (NULL))
    g_error ("libsodium could not be initialised");
  return rb_pin_rules_make_one_time (staff_number, random_u32, NULL);
}

char *
rb_auth_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/* ---- PIN hashes ---------------------------------------------------------------------------- */

gboolean
rb_auth_set_pin_hash_sync (RbStore *store, const char *person_id, const char *pin_hash,
                           GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "UPDATE people SET pin_hash = ? WHERE id = ?", error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, pin_hash);
  rb_statement_bind_text (stmt, 2, person_id);
  if (!rb_db_step_done (db, stmt, error))
    return FALSE;
  if (rb_db_changes (db) == 0)
    {
      rb_set_error (error, RB_ERROR_NOT_FOUND, NULL);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  GPtrArray *pins;
  GPtrArray *hashes;
  int next;
} HashWork;

static gpointer
hash_worker (gpointer data)
{
  HashWork *work = data;
  int i;

  while ((i = g_atomic_int_add (&work->next, 1)) < (int) work->pins->len)
    work->hashes->pdata[i] = rb_auth_hash_pin (g_ptr_array_index (work->pins, i), NULL);
  return NULL;
}

/* The people of a building description (data/demo-building.json) that have a "pin" and
 * still no PIN hash in the database: their ids and PINs, index by index. Cheap; on the
 * store's thread. */
gboolean
rb_auth_list_missing_pins_sync (RbStore *store, JsonNode *building, GPtrArray **out_ids,
                                GPtrArray **out_pins, GError **error)
{
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) pins = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (RbStatement) needs = NULL;
  JsonNode *people;
  JsonArray *array;

  people = JSON_NODE_HOLDS_OBJECT (building)
               ? json_object_get_member (json_node_get_object (building), "people")
               : NULL;
  if (people == NULL || !JSON_NODE_HOLDS_ARRAY (people))
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, NULL);
      return FALSE;
    }
  needs = rb_store_prepare (store, "SELECT 1 FROM people WHERE id = ? AND pin_hash IS NULL", error);
  if (needs == NULL)
    return FALSE;

  array = json_node_get_array (people);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *person;
      const char *id, *pin;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      person = json_node_get_object (node);
      id = rb_json_get_string (person, "id", TRUE, NULL);
      pin = rb_json_get_string (person, "pin", FALSE, NULL);
      if (id == NULL || pin == NULL || *pin == '\0')
        continue;
      rb_statement_reset (needs);
      rb_statement_bind_text (needs, 1, id);
      if (rb_statement_step (needs) != SQLITE_ROW)
        continue;
      g_ptr_array_add (ids, g_strdup (id));
      g_ptr_array_add (pins, g_strdup (pin));
    }
  *out_ids = g_steal_pointer (&ids);
  *out_pins = g_steal_pointer (&pins);
  return TRUE;
}

/* The hashes of pins, index by index. Each takes a tenth of a second, so they are computed
 * on up to max_threads threads at once (0: one per processor, at most four); never call this
 * on a main context or the store's thread. */
GPtrArray *
rb_auth_hash_pins (GPtrArray *pins, guint max_threads, GError **error)
{
  g_autoptr (GPtrArray) hashes = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) threads = g_ptr_array_new ();
  HashWork work = { 0 };
  guint n_threads;

  if (!rb_auth_init (error))
    return NULL;
  g_ptr_array_set_size (hashes, pins->len);
  work.pins = pins;
  work.hashes = hashes;
  n_threads = max_threads > 0 ? max_threads : CLAMP (g_get_num_processors (), 1, 4);
  for (guint i = 0; i < n_threads; i++)
    g_ptr_array_add (threads, g_thread_new ("rb-pin-hash", hash_worker, &work));
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  for (guint i = 0; i < hashes->len; i++)
    if (g_ptr_array_index (hashes, i) == NULL)
      {
        g_set_error_literal (error, RB_STORE_ERROR, RB_STORE_ERROR_FAILED,
                             "Not enough memory to hash a PIN");
        return NULL;
      }
  return g_steal_pointer (&hashes);
}

/* Stores the hashes of rb_auth_hash_pins for the people of ids, in one transaction. */
gboolean
rb_auth_set_pin_hashes_sync (RbStore *store, GPtrArray *ids, GPtrArray *hashes, GError **error)
{
  g_return_val_if_fail (ids->len == hashes->len, FALSE);

  if (!rb_store_begin_write (store, error))
    return FALSE;
  for (guint i = 0; i < ids->len; i++)
    if (!rb_auth_set_pin_hash_sync (store, g_ptr_array_index (ids, i),
                                    g_ptr_array_index (hashes, i), error))
      {
        rb_store_rollback_write (store);
        return FALSE;
      }
  return rb_store_commit_write (store, error);
}

/* Gives every person of a building description that has a "pin" and still no PIN hash the
 * hash of that PIN, all on the calling thread (for the server's --seed and tests; the app
 * hashes off the store's thread, rb-local-service.c). Returns how many were set, or -1 with
 * an error. */
int
rb_auth_set_missing_pins_sync (RbStore *store, JsonNode *building, GError **error)
{
  g_autoptr (GPtrArray) ids = NULL;
  g_autoptr (GPtrArray) pins = NULL;
  g_autoptr (GPtrArray) hashes = NULL;

  if (!rb_auth_list_missing_pins_sync (store, building, &ids, &pins, error))
    return -1;
  if (ids->len == 0)
    return 0;
  if ((hashes = rb_auth_hash_pins (pins, 0, error)) == NULL
      || !rb_auth_set_pin_hashes_sync (store, ids, hashes, error))
    return -1;
  return ids->len;
}

/* ---- the lockout ----------------------------------------------------------------------------- */

/* Fails with RB_ERROR_LOCKED, saying until when, while the staff number is locked; otherwise tells how many wrong
 * PINs in a row it has had (a lock that ran out counts as none). */
gboolean
rb_auth_check_lock_sync (RbStore *store, const char *staff_number, int *out_failures,
                         GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT failures, locked_until FROM login_failures WHERE staff_number = ?", error);
  gint64 now = rb_store_now (store);
  int rc;

  *out_failures = 0;
  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, staff_number);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return TRUE;
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return FALSE;
    }
  if (rb_statement_column_int64 (stmt, 1) > now)
    {
      rb_set_lock_error (error, RB_ERROR_LOCKED, rb_store_get_time_zone (store),
                         rb_statement_column_int64 (stmt, 1), rb_statement_column_int64 (stmt, 1) - now);
      return FALSE;
    }
  if (rb_statement_column_int64 (stmt, 1) == 0)
    *out_failures = rb_statement_column_int (stmt, 0);
  return TRUE;
}

/* The person with this staff number and their PIN hash; NULL without an error when there is
 * no such person or they have no PIN. */
char *
rb_auth_get_pin_hash_sync (RbStore *store, const char *staff_number, RbPerson **out_person,
                           GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store,
                          "SELECT id, display_name, staff_number, team, role, pin_hash FROM people"
                          " WHERE staff_number = ?",
                          error);
  RbRole role = RB_ROLE_STAFF;
  int rc;

  *out_person = NULL;
  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, staff_number);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    return NULL;
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  rb_role_from_string (rb_statement_column_text (stmt, 4), &role);
  *out_person = rb_person_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                               rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3), role);
  return g_strdup (rb_statement_column_text (stmt, 5));
}

/* Counts one more wrong PIN in a row; the RB_AUTH_MAX_FAILURES-th locks the staff number
 * (*out_locked_until: when the lock ends, 0 when there is none).
 * Unknown staff numbers are counted too, so that the answers do not tell which exist; so
 * that they do not pile up, runs without a wrong PIN for an hour and locks that ran out are
 * forgotten first. (A standalone kiosk's lock; the server counts in rb-login-guard.c.) */
gboolean
rb_auth_record_failure_sync (RbStore *store, const char *staff_number, gint64 *out_locked_until,
                             GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) forget = NULL;
  g_autoptr (RbStatement) select = NULL;
  g_autoptr (RbStatement) upsert = NULL;
  gint64 now = rb_store_now (store);
  gint64 failures = 0;
  gint64 locked_until = 0;
  int rc;

  *out_locked_until = 0;
  if (!rb_store_begin_write (store, error))
    return FALSE;
  forget = rb_store_prepare (store,
                             "DELETE FROM login_failures WHERE (locked_until = 0 AND last_failure"
                             " <= CAST (?1 AS BIGINT) - 3600) OR (locked_until != 0 AND locked_until <= ?1)",
                             error);
  if (forget == NULL)
    goto fail;
  rb_statement_bind_int64 (forget, 1, now);
  if (!rb_db_step_done (db, forget, error))
    goto fail;
  select = rb_store_prepare (
      store, "SELECT failures, locked_until FROM login_failures WHERE staff_number = ?", error);
  if (select == NULL)
    goto fail;
  rb_statement_bind_text (select, 1, staff_number);
  rc = rb_statement_step (select);
  if (rc == SQLITE_ROW)
    {
      failures = rb_statement_column_int64 (select, 0);
      locked_until = rb_statement_column_int64 (select, 1);
      if (locked_until != 0 && locked_until <= now)
        failures = locked_until = 0;
    }
  else if (rc != SQLITE_DONE)
    {
      rb_db_set_error (error, db, rc, "query");
      goto fail;
    }

  failures++;
  if (failures >= RB_AUTH_MAX_FAILURES && locked_until <= now)
    locked_until = now + RB_AUTH_LOCK_SECONDS;
  *out_locked_until = locked_until > now ? locked_until : 0;

  upsert = rb_store_prepare (
      store,
      "INSERT INTO login_failures (staff_number, failures, locked_until, last_failure)"
      " VALUES (?1, ?2, ?3, ?4) ON CONFLICT (staff_number) DO UPDATE SET"
      " failures = ?2, locked_until = ?3, last_failure = ?4",
      error);
  if (upsert == NULL)
    goto fail;
  rb_statement_bind_text (upsert, 1, staff_number);
  rb_statement_bind_int64 (upsert, 2, failures);
  rb_statement_bind_int64 (upsert, 3, locked_until);
  rb_statement_bind_int64 (upsert, 4, now);
  if (!rb_db_step_done (db, upsert, error))
    goto fail;
  return rb_store_commit_write (store, error);

fail:
  rb_store_rollback_write (store);
  return FALSE;
}

/* ---- sessions -------------------------------------------------------------------------------- */

/* Opens a session for a person whose PIN was right, which also ends their run of wrong PINs.
 * Returns the token (only this once in plain text) and when it expires. */
char *
rb_auth_create_session_sync (RbStore *store, RbPerson *person, const char *device_id,
                             gint64 lifetime, gint64 *out_expires_at, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *token = rb_auth_new_token ();
  g_autofree char *token_hash = rb_auth_hash_token (token);
  g_autoptr (RbStatement) insert = NULL;
  g_autoptr (RbStatement) reset = NULL;
  gint64 now = rb_store_now (store);

  if (!rb_store_begin_write (store, error))
    return NULL;
  insert = rb_store_prepare (store,
                             "INSERT INTO sessions (token_hash, person_id, device_id, created_at,"
                             " expires_at) VALUES (?, ?, ?, ?, ?)",
                             error);
  reset = rb_store_prepare (store, "DELETE FROM login_failures WHERE staff_number = ?", error);
  if (insert == NULL || reset == NULL)
    goto fail;
  rb_statement_bind_text (insert, 1, token_hash);
  rb_statement_bind_text (insert, 2, rb_person_get_id (person));
  rb_statement_bind_text (insert, 3, device_id);
  rb_statement_bind_int64 (insert, 4, now);
  rb_statement_bind_int64 (insert, 5, now + lifetime);
  rb_statement_bind_text (reset, 1, rb_person_get_staff_number (person));
  if (!rb_db_step_done (db, insert, error) || !rb_db_step_done (db, reset, error)
      || !rb_store_commit_write (store, error))
    goto fail;
  *out_expires_at = now + lifetime;
  return g_steal_pointer (&token);

fail:
  rb_store_rollback_write (store);
  return NULL;
}

/* The person of a live session; RB_ERROR_UNAUTHENTICATED for unknown and expired tokens. */
RbPerson *
rb_auth_lookup_session_sync (RbStore *store, const char *token, char **out_device_id,
                             GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *token_hash = rb_auth_hash_token (token);
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store,
                          "SELECT p.id, p.display_name, p.staff_number, p.team, p.role, s.device_id"
                          " FROM sessions s JOIN people p ON p.id = s.person_id"
                          " WHERE s.token_hash = ? AND s.expires_at > ? AND p.active = 1",
                          error);
  RbRole role = RB_ROLE_STAFF;
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, token_hash);
  rb_statement_bind_int64 (stmt, 2, rb_store_now (store));
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_DONE)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      rb_db_set_error (error, db, rc, "query");
      return NULL;
    }
  rb_role_from_string (rb_statement_column_text (stmt, 4), &role);
  if (out_device_id != NULL)
    *out_device_id = g_strdup (rb_statement_column_text (stmt, 5));
  return rb_person_new (rb_statement_column_text (stmt, 0), rb_statement_column_text (stmt, 1),
                        rb_statement_column_text (stmt, 2), rb_statement_column_text (stmt, 3), role);
}

gboolean
rb_auth_delete_session_sync (RbStore *store, const char *token, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *token_hash = rb_auth_hash_token (token);
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "DELETE FROM sessions WHERE token_hash = ?", error);

  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, token_hash);
  if (!rb_db_step_done (db, stmt, error))
    return FALSE;
  if (rb_db_changes (db) == 0)
    {
      rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
      return FALSE;
    }
  return TRUE;
}

/* Forgets expired sessions and locks that ran out. Returns how many sessions, or -1. */
int
rb_auth_purge_sessions_sync (RbStore *store, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) sessions
      = rb_store_prepare (store, "DELETE FROM sessions WHERE expires_at <= ?", error);
  g_autoptr (RbStatement) locks = NULL;
  gint64 now = rb_store_now (store);
  int purged;

  if (sessions == NULL)
    return -1;
  rb_statement_bind_int64 (sessions, 1, now);
  if (!rb_db_step_done (db, sessions, error))
    return -1;
  purged = rb_db_changes (db);
  locks = rb_store_prepare (
      store, "DELETE FROM login_failures WHERE locked_until != 0 AND locked_until <= ?", error);
  if (locks == NULL)
    return -1;
  rb_statement_bind_int64 (locks, 1, now);
  if (!rb_db_step_done (db, locks, error))
    return -1;
  return purged;
}

/* ---- kiosk devices --------------------------------------------------------------------------- */

/* Registers a kiosk; returns its token, which is shown only this once. */
char *
rb_auth_add_device_sync (RbStore *store, const char *name, char **out_device_id, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *token = rb_auth_new_token ();
  g_autofree char *token_hash = rb_auth_hash_token (token);
  g_autofree char *id = g_uuid_string_random ();
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "INSERT INTO devices (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)", error);

  if (stmt == NULL)
    return NULL;
  if (name == NULL || *name == '\0' || !g_utf8_validate (name, -1, NULL)
      || g_utf8_strlen (name, -1) > RB_JSON_MAX_TEXT)
    {
      rb_set_error (error, RB_ERROR_INVALID_FIELD, NULL);
      return NULL;
    }
  rb_statement_bind_text (stmt, 1, id);
  rb_statement_bind_text (stmt, 2, name);
  rb_statement_bind_text (stmt, 3, token_hash);
  rb_statement_bind_int64 (stmt, 4, rb_store_now (store));
  if (!rb_db_step_done (db, stmt, error))
    return NULL;
  if (out_device_id != NULL)
    *out_device_id = g_steal_pointer (&id);
  return g_steal_pointer (&token);
}

/* Binds a device to one space: a door panel's token acts for its room and no other. */
gboolean
rb_auth_set_device_space_sync (RbStore *store, const char *device_id, const char *space_id,
                               GError **error)
{
  g_autoptr (RbSpace) space = rb_store_get_space_sync (store, space_id, error);
  g_autoptr (RbStatement) stmt = NULL;

  if (space == NULL)
    return FALSE;
  stmt = rb_store_prepare (store, "UPDATE devices SET space_id = ? WHERE id = ?", error);
  if (stmt == NULL)
    return FALSE;
  rb_statement_bind_text (stmt, 1, space_id);
  rb_statement_bind_text (stmt, 2, device_id);
  return rb_db_step_done (rb_store_get_db (store), stmt, error);
}

/* The space a device is bound to (a door panel's room), or NULL for a kiosk. */
char *
rb_auth_get_device_space_sync (RbStore *store, const char *device_id, GError **error)
{
  g_autoptr (RbStatement) stmt
      = rb_store_prepare (store, "SELECT space_id FROM devices WHERE id = ?", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, device_id);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (rb_statement_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    rb_db_set_error (error, rb_store_get_db (store), rc, "query");
  return NULL;
}

/* The id of the (not revoked) device with this token; RB_ERROR_UNAUTHENTICATED otherwise. */
char *
rb_auth_lookup_device_sync (RbStore *store, const char *token, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autofree char *token_hash = rb_auth_hash_token (token);
  g_autoptr (RbStatement) stmt = rb_store_prepare (
      store, "SELECT id FROM devices WHERE token_hash = ? AND revoked = 0", error);
  int rc;

  if (stmt == NULL)
    return NULL;
  rb_statement_bind_text (stmt, 1, token_hash);
  rc = rb_statement_step (stmt);
  if (rc == SQLITE_ROW)
    return g_strdup (rb_statement_column_text (stmt, 0));
  if (rc == SQLITE_DONE)
    rb_set_error (error, RB_ERROR_UNAUTHENTICATED, NULL);
  else
    rb_db_set_error (error, db, rc, "query");
  return NULL;
}

/* A right PIN that opened no session (a kiosk's sealed credential, rb-credential.h) ends the
 * run of wrong PINs just as a login does. */
gboolean
rb_auth_reset_failures_sync (RbStore *store, const char *staff_number, GError **error)
{
  RbDb *db = rb_store_get_db (store);
  g_autoptr (RbStatement) reset
      = rb_store_prepare (store, "DELETE FROM login_failures WHERE staff_number = ?", error);

  if (reset == NULL)
    return FALSE;
  rb_statement_bind_text (reset, 1, staff_number);
  return rb_db_step_done (db, reset, error);
}
