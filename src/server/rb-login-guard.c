/* rb-login-guard.c: the counts behind the sign-in limits (rb-login-guard.h) and the pool of
 * threads that checks PINs.
 *
 * Three tables of the same record: per client, per staff number at a client ("pair") and
 * per staff number anywhere ("staff"). Unknown staff numbers are counted like real ones, so
 * that the answers never tell which exist. */
#include "config.h"

#include <sodium.h>
#include <string.h>

#include "rb-login-guard.h"

typedef struct
{
  /* checks let in and not yet recorded */
  guint checking;
  /* wrong PINs: in the budget window (client) or in a row (pair, staff) */
  guint failures;
  gint64 window_start;
  gint64 last_failure;
  /* a client's backoff, or a lock */
  gint64 blocked_until;
  /* backoffs (client) or locks (staff) so far, for the doubling */
  guint strikes;
  /* a client's last right PIN: it is known (rb_login_guard_begin) */
  gint64 last_success;
} Record;

struct _RbLoginAttempt
{
  char *client_key;
  char *pair_key;
  char *staff_number;
  gboolean is_device;
  char *pin_hash;
  char *pin;
  gboolean verified;
  /* the client's checks before this one still pending, and the order of arrival: the
   * threads take the lowest round first, a known client's before others' (fair_order) */
  guint round;
  gboolean known;
  guint64 arrival;
};

struct _RbLoginGuard
{
  GObject parent_instance;

  RbStore *store;
  GThreadPool *pool;
  GThreadPool *directory_pool;
  GHashTable *clients;
  GHashTable *pairs;
  GHashTable *staff;
  /* unknown badges per client (issue 12) */
  GHashTable *badges;
  /* checks let in and not yet recorded, over all clients */
  guint pending;
  guint max_waiting;
  guint64 arrivals;
};

G_DEFINE_FINAL_TYPE (RbLoginGuard, rb_login_guard, G_TYPE_OBJECT)

static void
attempt_free (RbLoginAttempt *attempt)
{
  g_free (attempt->client_key);
  g_free (attempt->pair_key);
  g_free (attempt->staff_number);
  g_free (attempt->pin_hash);
  if (attempt->pin != NULL)
    sodium_memzero (attempt->pin, strlen (attempt->pin));
  g_free (attempt->pin);
  g_free (attempt);
}

static Record *
get_record (GHashTable *table, const char *key, gboolean create)
{
  Record *record = g_hash_table_lookup (table, key);

  if (record == NULL && create)
    {
      record = g_new0 (Record, 1);
      g_hash_table_insert (table, g_strdup (key), record);
    }
  return record;
}

/* A lock that ran out ends the run of wrong PINs that caused it. */
static void
expire_lock (Record *record, gint64 now)
{
  if (record != NULL && record->blocked_until != 0 && record->blocked_until <= now)
    {
      record->blocked_until = 0;
      record->failures = 0;
    }
}

/* A client's wrong PINs count for RB_LOGIN_BUDGET_SECONDS; its backoffs are forgotten after
 * an hour without a wrong PIN. */
static void
refresh_client (Record *client, gint64 now)
{
  if (client == NULL)
    return;
  if (client->blocked_until != 0 && client->blocked_until <= now)
    client->blocked_until = 0;
  if (now - client->window_start >= RB_LOGIN_BUDGET_SECONDS)
    {
      client->failures = 0;
      client->window_start = now;
    }
  if (client->last_failure != 0 && now - client->last_failure >= RB_LOGIN_MAX_BACKOFF_SECONDS)
    client->strikes = 0;
}

static gint64
doubled (gint64 first, guint strikes, gint64 max)
{
  gint64 seconds = first;

  for (guint i = 1; i < strikes && seconds < max; i++)
    seconds *= 2;
  return MIN (seconds, max);
}

static gboolean
refuse (GError **error, RbErrorCode code, gint64 retry_after, gint64 *out_retry_after)
{
  rb_set_error (error, code, NULL);
  *out_retry_after = MAX (retry_after, 1);
  return FALSE;
}

/* A kiosk, or an address where someone signed in with a right PIN in the last twelve
 * hours: a colleague's PC, not a stranger's. */
static gboolean
is_known (Record *client, gboolean is_device, gint64 now)
{
  return is_device
         || (client != NULL && client->last_success != 0
             && now - client->last_success < RB_LOGIN_KNOWN_CLIENT_SECONDS);
}

static gboolean
may_begin (RbLoginGuard *self, Record *client, Record *pair, Record *staff, guint budget,
           gboolean known, gint64 now, gint64 *out_retry_after, GError **error)
{
  guint max_pending = RB_LOGIN_KDF_THREADS + self->max_waiting
                      + (known ? MAX (self->max_waiting / 4, 1) : 0);

  if (client != NULL)
    {
      if (client->blocked_until > now)
        return refuse (error, RB_ERROR_TOO_MANY_ATTEMPTS, client->blocked_until - now,
                       out_retry_after);
      if (client->failures == 0 && client->strikes == 0
              ? client->checking >= RB_LOGIN_MAX_BURST
              : client->failures + client->checking >= budget)
        return refuse (error, RB_ERROR_TOO_MANY_ATTEMPTS, 1, out_retry_after);
    }
  if (staff != NULL)
    {
      if (staff->blocked_until > now)
        return refuse (error, RB_ERROR_LOCKED, staff->blocked_until - now, out_retry_after);
      if (staff->failures + staff->checking >= RB_LOGIN_MAX_FAILURES_ANYWHERE)
        return refuse (error, RB_ERROR_LOCKED, 1, out_retry_after);
    }
  if (pair != NULL)
    {
      if (pair->blocked_until > now)
        return refuse (error, RB_ERROR_LOCKED, pair->blocked_until - now, out_retry_after);
      if (pair->failures + pair->checking >= RB_LOGIN_MAX_FAILURES_AT_CLIENT)
        return refuse (error, RB_ERROR_LOCKED, 1, out_retry_after);
    }
  if (self->pending >= max_pending
      || (client == NULL && g_hash_table_size (self->clients) >= RB_LOGIN_MAX_RECORDS)
      || (staff == NULL && g_hash_table_size (self->staff) >= RB_LOGIN_MAX_RECORDS)
      || (pair == NULL && g_hash_table_size (self->pairs) >= RB_LOGIN_MAX_RECORDS))
    return refuse (error, RB_ERROR_BUSY, 1, out_retry_after);
  return TRUE;
}

/* Lets a PIN check in, or refuses it at once: RB_ERROR_TOO_MANY_ATTEMPTS when the client has
 * used its budget or has enough checks running, RB_ERROR_LOCKED when the staff number is
 * locked here or everywhere (or would be by the checks still running), RB_ERROR_BUSY when
 * too many checks wait for a thread. A refusal says after how many seconds to try again. */
RbLoginAttempt *
rb_login_guard_begin (RbLoginGuard *self, const char *client_key, gboolean is_device,
                      const char *staff_number, gint64 *out_retry_after, GError **error)
{
  g_autofree char *pair_key = g_strconcat (client_key, "\n", staff_number, NULL);
  gint64 now = rb_store_now (self->store);
  Record *client = get_record (self->clients, client_key, FALSE);
  Record *pair = get_record (self->pairs, pair_key, FALSE);
  Record *staff = get_record (self->staff, staff_number, FALSE);
  gboolean known = is_known (client, is_device, now);
  RbLoginAttempt *attempt;

  g_return_val_if_fail (RB_IS_LOGIN_GUARD (self), NULL);

  *out_retry_after = 0;
  refresh_client (client, now);
  expire_lock (pair, now);
  expire_lock (staff, now);
  if (!may_begin (self, client, pair, staff,
                  is_device ? RB_LOGIN_DEVICE_BUDGET : RB_LOGIN_CLIENT_BUDGET, known, now,
                  out_retry_after, error))
    return NULL;

  if (client == NULL)
    {
      client = get_record (self->clients, client_key, TRUE);
      client->window_start = now;
    }
  get_record (self->pairs, pair_key, TRUE)->checking++;
  get_record (self->staff, staff_number, TRUE)->checking++;
  client->checking++;
  self->pending++;

  attempt = g_new0 (RbLoginAttempt, 1);
  attempt->client_key = g_strdup (client_key);
  attempt->pair_key = g_steal_pointer (&pair_key);
  attempt->staff_number = g_strdup (staff_number);
  attempt->is_device = is_device;
  attempt->round = client->checking - 1;
  attempt->known = known;
  attempt->arrival = self->arrivals++;
  return attempt;
}

/* Counts a wrong PIN against the client, the pair and the staff number. Returns the error
 * this wrong PIN answers: locked when it locked the staff number, too many attempts when it
 * used up the client's budget, else unauthenticated. */
static RbErrorCode
record_failure (RbLoginGuard *self, RbLoginAttempt *attempt, Record *client, Record *pair,
                Record *staff, gint64 now, gint64 *out_retry_after)
{
  guint budget = attempt->is_device ? RB_LOGIN_DEVICE_BUDGET : RB_LOGIN_CLIENT_BUDGET;
  RbErrorCode code = RB_ERROR_UNAUTHENTICATED;

  refresh_client (client, now);
  client->failures++;
  client->last_failure = now;
  if (client->failures >= budget)
    {
      client->strikes++;
      client->blocked_until = now + doubled (RB_LOGIN_FIRST_BACKOFF_SECONDS, client->strikes,
                                             RB_LOGIN_MAX_BACKOFF_SECONDS);
      client->failures = 0;
      client->window_start = client->blocked_until;
      code = RB_ERROR_TOO_MANY_ATTEMPTS;
      *out_retry_after = client->blocked_until - now;
    }

  expire_lock (pair, now);
  pair->failures++;
  pair->last_failure = now;
  if (pair->failures >= RB_LOGIN_MAX_FAILURES_AT_CLIENT && pair->blocked_until <= now)
    {
      pair->blocked_until = now + RB_LOGIN_CLIENT_LOCK_SECONDS;
      code = RB_ERROR_LOCKED;
      *out_retry_after = MAX (*out_retry_after, pair->blocked_until - now);
    }

  expire_lock (staff, now);
  staff->failures++;
  staff->last_failure = now;
  if (staff->failures >= RB_LOGIN_MAX_FAILURES_ANYWHERE && staff->blocked_until <= now)
    {
      staff->strikes++;
      staff->blocked_until
          = now + doubled (RB_LOGIN_LOCK_SECONDS, staff->strikes, RB_LOGIN_MAX_LOCK_SECONDS);
      code = RB_ERROR_LOCKED;
      *out_retry_after = MAX (*out_retry_after, staff->blocked_until - now);
      g_printerr ("login: staff number locked everywhere for %" G_GINT64_FORMAT " s after %u "
                  "wrong PINs\n",
                  staff->blocked_until - now, staff->failures);
    }
  return code;
}

typedef struct
{
  RbLoginAttempt *attempt;
  gint64 retry_after;
  /* a directory check (issue 14): the function, its data, and its error */
  RbLoginCheckFunc check;
  gpointer check_data;
  GError *check_error;
} CheckData;

static void
check_data_free (CheckData *data)
{
  g_clear_pointer (&data->attempt, attempt_free);
  g_clear_error (&data->check_error);
  g_free (data);
}

/* Back on the main context: the outcome is counted before anyone hears it, in the same
 * step that ends the check's place in the counts. */
static gboolean
record_outcome_cb (gpointer user_data)
{
  GTask *task = user_data;
  RbLoginGuard *self = g_task_get_source_object (task);
  CheckData *data = g_task_get_task_data (task);
  RbLoginAttempt *attempt = data->attempt;
  Record *client = get_record (self->clients, attempt->client_key, TRUE);
  Record *pair = get_record (self->pairs, attempt->pair_key, TRUE);
  Record *staff = get_record (self->staff, attempt->staff_number, TRUE);
  gint64 now = rb_store_now (self->store);
  RbErrorCode code;

  self->pending--;
  client->checking--;
  pair->checking--;
  staff->checking--;

  if (attempt->verified)
    {
      client->last_success = now;
      /* A right PIN ends the runs of wrong ones for this person; the client's budget stays
       * spent, or a guesser could refill it with a PIN of their own. */
      if (pair->checking == 0)
        g_hash_table_remove (self->pairs, attempt->pair_key);
      else
        pair->failures = 0;
      if (staff->checking == 0)
        g_hash_table_remove (self->staff, attempt->staff_number);
      else
        staff->failures = staff->strikes = 0;
      g_task_return_boolean (task, TRUE);
      return G_SOURCE_REMOVE;
    }

  /* Only a wrong password counts; an unreachable directory or a disabled account is no
   * guess. */
  if (data->check_error != NULL
      && !g_error_matches (data->check_error, RB_ERROR, RB_ERROR_WRONG_PASSWORD))
    {
      g_task_return_error (task, g_steal_pointer (&data->check_error));
      return G_SOURCE_REMOVE;
    }
  code = record_failure (self, attempt, client, pair, staff, now, &data->retry_after);
  if (code == RB_ERROR_UNAUTHENTICATED && data->check_error != NULL)
    g_task_return_error (task, g_steal_pointer (&data->check_error));
  else
    g_task_return_new_error (task, RB_ERROR, code, "%s", rb_error_code_message (code));
  return G_SOURCE_REMOVE;
}

/* A hash to check against when the staff number does not exist or has no PIN, so that the
 * answer takes as long as for a real person. */
static const char *
dummy_pin_hash (void)
{
  static char *hash = NULL;

  if (g_once_init_enter (&hash))
    {
      char *computed = rb_auth_hash_pin ("no such person", NULL);
      g_once_init_leave (&hash, computed != NULL ? computed : g_strdup ("-"));
    }
  return hash;
}

static void
kdf_worker (gpointer item, gpointer pool_data)
{
  GTask *task = item;
  CheckData *data = g_task_get_task_data (task);
  RbLoginAttempt *attempt = data->attempt;
  GSource *source;

  if (attempt->pin_hash != NULL)
    attempt->verified = rb_auth_verify_pin (attempt->pin_hash, attempt->pin);
  else
    /* The same work as for a real person; the answer is no in any case. */
    rb_auth_verify_pin (dummy_pin_hash (), attempt->pin);

  source = g_idle_source_new ();
  g_source_set_callback (source, record_outcome_cb, task, g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

static void
directory_worker (gpointer item, gpointer pool_data)
{
  GTask *task = item;
  CheckData *data = g_task_get_task_data (task);
  GSource *source;

  data->attempt->verified = data->check (data->check_data, &data->check_error);
  if (!data->attempt->verified && data->check_error == NULL)
    rb_set_error (&data->check_error, RB_ERROR_WRONG_PASSWORD, NULL);

  source = g_idle_source_new ();
  g_source_set_callback (source, record_outcome_cb, task, g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* Checks a directory password for an attempt that rb_login_guard_begin let in (and takes
 * it): check runs on the directory threads with check_data, which the caller keeps alive
 * until the callback. Counted like a PIN (rb_login_guard_check_pin_async), except that only
 * RB_ERROR_WRONG_PASSWORD counts as a wrong guess. */
void
rb_login_guard_check_directory_async (RbLoginGuard *self, RbLoginAttempt *attempt,
                                      RbLoginCheckFunc check, gpointer check_data,
                                      GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  g_return_if_fail (RB_IS_LOGIN_GUARD (self));
  g_return_if_fail (attempt != NULL);

  data->attempt = attempt;
  data->check = check;
  data->check_data = check_data;
  g_task_set_source_tag (task, rb_login_guard_check_directory_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_thread_pool_push (self->directory_pool, task, NULL);
}

/* TRUE for a right password; otherwise the check's error, or RB_ERROR_LOCKED /
 * RB_ERROR_TOO_MANY_ATTEMPTS when this wrong password reached a limit. */
gboolean
rb_login_guard_check_directory_finish (RbLoginGuard *self, GAsyncResult *result,
                                       gint64 *out_retry_after, GError **error)
{
  return rb_login_guard_check_pin_finish (self, result, out_retry_after, error);
}

/* Checks the PIN of an attempt that rb_login_guard_begin let in (and takes it) against its
 * hash on the guard's threads; a NULL hash never matches. Argon2id takes a tenth of a second
 * and 64 MiB, so it runs neither on the main context nor on the store's thread. */
void
rb_login_guard_check_pin_async (RbLoginGuard *self, RbLoginAttempt *attempt,
                                const char *pin_hash, const char *pin,
                                GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, NULL, callback, user_data);
  CheckData *data = g_new0 (CheckData, 1);

  g_return_if_fail (RB_IS_LOGIN_GUARD (self));
  g_return_if_fail (attempt != NULL);

  attempt->pin_hash = g_strdup (pin_hash);
  attempt->pin = g_strdup (pin);
  data->attempt = attempt;
  g_task_set_source_tag (task, rb_login_guard_check_pin_async);
  g_task_set_task_data (task, data, (GDestroyNotify) check_data_free);
  g_thread_pool_push (self->pool, task, NULL);
}

/* TRUE for a right PIN; otherwise RB_ERROR_UNAUTHENTICATED, or RB_ERROR_LOCKED /
 * RB_ERROR_TOO_MANY_ATTEMPTS when this wrong PIN reached a limit (with the seconds until
 * the next try). */
gboolean
rb_login_guard_check_pin_finish (RbLoginGuard *self, GAsyncResult *result,
                                 gint64 *out_retry_after, GError **error)
{
  CheckData *data;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  data = g_task_get_task_data (G_TASK (result));
  *out_retry_after = data->retry_after;
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
add_lock (JsonArray *items, const char *staff_number, const char *client_key, gint64 until,
          guint failures)
{
  JsonObject *item = json_object_new ();
  g_autofree char *until_text = rb_time_to_rfc3339 (until);

  if (staff_number != NULL)
    json_object_set_string_member (item, "staff_number", staff_number);
  if (client_key != NULL)
    json_object_set_string_member (item, "client", client_key);
  json_object_set_string_member (item, "locked_until", until_text);
  json_object_set_int_member (item, "failures", failures);
  json_array_add_object_element (items, item);
}

/* Everything locked now, for an administrator: staff numbers locked everywhere, staff
 * numbers locked at one client, and clients waiting out a backoff (for wrong PINs or for
 * unknown badges); {"items": [...]}. */
JsonNode *
rb_login_guard_list_locks (RbLoginGuard *self)
{
  gint64 now = rb_store_now (self->store);
  JsonArray *items = json_array_new ();
  JsonObject *root = json_object_new ();
  GHashTableIter iter;
  const char *key;
  Record *record;

  g_hash_table_iter_init (&iter, self->staff);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &record))
    if (record->blocked_until > now)
      add_lock (items, key, NULL, record->blocked_until, record->failures);
  g_hash_table_iter_init (&iter, self->pairs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &record))
    if (record->blocked_until > now)
      {
        g_auto (GStrv) parts = g_strsplit (key, "\n", 2);
        add_lock (items, parts[1], parts[0], record->blocked_until, record->failures);
      }
  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &record))
    if (record->blocked_until > now)
      add_lock (items, NULL, key, record->blocked_until, record->strikes);
  /* Devices waiting out a backoff for unknown badges (issue 12). */
  g_hash_table_iter_init (&iter, self->badges);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &record))
    if (record->blocked_until > now)
      add_lock (items, NULL, key, record->blocked_until, record->strikes);

  json_object_set_array_member (root, "items", items);
  return json_node_init_object (json_node_alloc (), root);
}

/* ---- badges (issue 12) --------------------------------------------------------------------- */

/* Lets a badge look-up in, or refuses it with RB_ERROR_TOO_MANY_ATTEMPTS while the client
 * waits out a backoff for unknown badges, or has as many look-ups running as its budget has
 * left. Every look-up let in ends with rb_login_guard_end_badge. */
gboolean
rb_login_guard_begin_badge (RbLoginGuard *self, const char *client_key, gint64 *out_retry_after,
                            GError **error)
{
  gint64 now = rb_store_now (self->store);
  Record *client = get_record (self->badges, client_key, FALSE);

  g_return_val_if_fail (RB_IS_LOGIN_GUARD (self), FALSE);

  *out_retry_after = 0;
  refresh_client (client, now);
  if (client != NULL && client->blocked_until > now)
    return refuse (error, RB_ERROR_TOO_MANY_ATTEMPTS, client->blocked_until - now,
                   out_retry_after);
  if (client != NULL && client->failures + client->checking >= RB_LOGIN_BADGE_BUDGET)
    return refuse (error, RB_ERROR_TOO_MANY_ATTEMPTS, 1, out_retry_after);
  if (client == NULL && g_hash_table_size (self->badges) >= RB_LOGIN_MAX_RECORDS)
    return refuse (error, RB_ERROR_BUSY, 1, out_retry_after);
  if (client == NULL)
    {
      client = get_record (self->badges, client_key, TRUE);
      client->window_start = now;
    }
  client->checking++;
  return TRUE;
}

/* Ends a badge look-up. An unknown badge counts against the client's budget and answers
 * RB_ERROR_BADGE_UNKNOWN, or RB_ERROR_TOO_MANY_ATTEMPTS with the backoff when it used the
 * budget up; a known one (or a look-up that failed) counts nothing. */
gboolean
rb_login_guard_end_badge (RbLoginGuard *self, const char *client_key, gboolean unknown,
                          gint64 *out_retry_after, GError **error)
{
  gint64 now = rb_store_now (self->store);
  Record *client = get_record (self->badges, client_key, TRUE);

  g_return_val_if_fail (RB_IS_LOGIN_GUARD (self), FALSE);

  *out_retry_after = 0;
  if (client->checking > 0)
    client->checking--;
  if (!unknown)
    return TRUE;
  refresh_client (client, now);
  client->failures++;
  client->last_failure = now;
  if (client->failures < RB_LOGIN_BADGE_BUDGET)
    {
      rb_set_error (error, RB_ERROR_BADGE_UNKNOWN, NULL);
      return FALSE;
    }
  client->strikes++;
  client->blocked_until = now + doubled (RB_LOGIN_FIRST_BACKOFF_SECONDS, client->strikes,
                                         RB_LOGIN_MAX_BACKOFF_SECONDS);
  client->failures = 0;
  client->window_start = client->blocked_until;
  return refuse (error, RB_ERROR_TOO_MANY_ATTEMPTS, client->blocked_until - now, out_retry_after);
}

/* RB_ERROR_LOCKED while wrong PINs keep a staff number locked at this client or everywhere:
 * a badge of that person gets the same answer as their PIN would. Counts nothing. */
gboolean
rb_login_guard_check_lock (RbLoginGuard *self, const char *client_key, const char *staff_number,
                           gint64 *out_retry_after, GError **error)
{
  g_autofree char *pair_key = g_strconcat (client_key, "\n", staff_number, NULL);
  gint64 now = rb_store_now (self->store);
  Record *pair = get_record (self->pairs, pair_key, FALSE);
  Record *staff = get_record (self->staff, staff_number, FALSE);

  g_return_val_if_fail (RB_IS_LOGIN_GUARD (self), FALSE);

  *out_retry_after = 0;
  expire_lock (pair, now);
  expire_lock (staff, now);
  if (staff != NULL && staff->blocked_until > now)
    return refuse (error, RB_ERROR_LOCKED, staff->blocked_until - now, out_retry_after);
  if (pair != NULL && pair->blocked_until > now)
    return refuse (error, RB_ERROR_LOCKED, pair->blocked_until - now, out_retry_after);
  return TRUE;
}

/* An administrator's unlock: forgets the wrong PINs of a staff number, here and at every
 * client. FALSE when there were none. */
gboolean
rb_login_guard_unlock (RbLoginGuard *self, const char *staff_number)
{
  GHashTableIter iter;
  const char *key;
  Record *record;
  gboolean found = FALSE;

  record = g_hash_table_lookup (self->staff, staff_number);
  if (record != NULL)
    {
      found = record->failures > 0 || record->blocked_until != 0;
      record->failures = record->strikes = 0;
      record->blocked_until = 0;
    }
  g_hash_table_iter_init (&iter, self->pairs);
  while (g_hash_table_iter_next (&iter, (gpointer *) &key, (gpointer *) &record))
    {
      const char *newline = strchr (key, '\n');

      if (newline == NULL || !g_str_equal (newline + 1, staff_number))
        continue;
      found = found || record->failures > 0 || record->blocked_until != 0;
      record->failures = 0;
      record->blocked_until = 0;
    }
  return found;
}

static gboolean
is_stale (Record *record, gint64 now, gint64 keep_seconds)
{
  return record->checking == 0 && record->blocked_until <= now
         && now - record->last_failure >= keep_seconds;
}

/* Drops what no longer limits anyone (run from the server's housekeeping): clients and
 * pairs after an hour without a wrong PIN (a known client after 12 hours without a right
 * one), staff numbers after a day, so that the memory of made-up staff numbers stays
 * bounded. */
void
rb_login_guard_forget_stale (RbLoginGuard *self)
{
  gint64 now = rb_store_now (self->store);
  GHashTableIter iter;
  Record *record;

  g_hash_table_iter_init (&iter, self->clients);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (is_stale (record, now, RB_LOGIN_MAX_BACKOFF_SECONDS)
        && now - record->last_success >= RB_LOGIN_KNOWN_CLIENT_SECONDS)
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, self->pairs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (is_stale (record, now, RB_LOGIN_MAX_BACKOFF_SECONDS))
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, self->staff);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (is_stale (record, now, RB_LOGIN_MAX_LOCK_SECONDS))
      g_hash_table_iter_remove (&iter);
  g_hash_table_iter_init (&iter, self->badges);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &record))
    if (is_stale (record, now, RB_LOGIN_MAX_BACKOFF_SECONDS))
      g_hash_table_iter_remove (&iter);
}

static gint
fair_order (gconstpointer a, gconstpointer b, gpointer user_data)
{
  const RbLoginAttempt *first = ((CheckData *) g_task_get_task_data ((GTask *) a))->attempt;
  const RbLoginAttempt *second = ((CheckData *) g_task_get_task_data ((GTask *) b))->attempt;

  if (first->round != second->round)
    return first->round < second->round ? -1 : 1;
  if (first->known != second->known)
    return first->known ? -1 : 1;
  return first->arrival < second->arrival ? -1 : first->arrival > second->arrival;
}

static void
rb_login_guard_finalize (GObject *object)
{
  RbLoginGuard *self = RB_LOGIN_GUARD (object);

  /* Every check holds a reference, so none is queued or running any more. */
  g_thread_pool_free (self->pool, FALSE, TRUE);
  g_thread_pool_free (self->directory_pool, FALSE, TRUE);
  g_hash_table_unref (self->clients);
  g_hash_table_unref (self->pairs);
  g_hash_table_unref (self->staff);
  g_hash_table_unref (self->badges);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (rb_login_guard_parent_class)->finalize (object);
}

static void
rb_login_guard_class_init (RbLoginGuardClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_login_guard_finalize;
}

static void
rb_login_guard_init (RbLoginGuard *self)
{
  self->pool = g_thread_pool_new (kdf_worker, self, RB_LOGIN_KDF_THREADS, FALSE, NULL);
  g_thread_pool_set_sort_function (self->pool, fair_order, NULL);
  self->directory_pool = g_thread_pool_new (directory_worker, self, RB_LOGIN_DIRECTORY_THREADS,
                                            FALSE, NULL);
  g_thread_pool_set_sort_function (self->directory_pool, fair_order, NULL);
  self->clients = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->staff = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->badges = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/* The store gives the clock, so that a server started with --now counts in its time. */
RbLoginGuard *
rb_login_guard_new (RbStore *store)
{
  RbLoginGuard *self = g_object_new (RB_TYPE_LOGIN_GUARD, NULL);

  self->store = g_object_ref (store);
  self->max_waiting = RB_LOGIN_MAX_WAITING;
  return self;
}

/* How many checks may wait for a thread (a known client's places come on top). */
void
rb_login_guard_set_max_waiting (RbLoginGuard *self, guint max_waiting)
{
  g_return_if_fail (RB_IS_LOGIN_GUARD (self));
  self->max_waiting = MAX (max_waiting, 1);
}
