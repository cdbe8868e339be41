/* rb-schema.c: migrations, applied in order inside one transaction each.
 * A file whose user_version is newer than this build knows is refused, never touched. */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "rb-schema.h"

/* Bookings never last longer than one local day (they must lie inside the opening hours of
 * one day, at most 25 hours on the autumn DST day). The overlap checks use that bound so that
 * they scan only a day's worth of the (space, start) index instead of a space's whole history. */
static const char *const migrations[] = {
  /* 1: the building, people, bookings and the change log. */
  "CREATE TABLE sites ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  timezone TEXT NOT NULL,"
  "  show_names INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE buildings ("
  "  id TEXT PRIMARY KEY,"
  "  site_id TEXT NOT NULL REFERENCES sites (id),"
  "  name TEXT NOT NULL,"
  "  address TEXT NOT NULL DEFAULT '');"
  "CREATE TABLE floors ("
  "  id TEXT PRIMARY KEY,"
  "  building_id TEXT NOT NULL REFERENCES buildings (id),"
  "  name TEXT NOT NULL,"
  "  level INTEGER NOT NULL,"
  "  width INTEGER NOT NULL CHECK (width > 0),"
  "  height INTEGER NOT NULL CHECK (height > 0));"
  "CREATE TABLE spaces ("
  "  id TEXT PRIMARY KEY,"
  "  floor_id TEXT NOT NULL REFERENCES floors (id),"
  "  kind TEXT NOT NULL CHECK (kind IN ('desk', 'room')),"
  "  name TEXT NOT NULL,"
  "  capacity INTEGER NOT NULL CHECK (capacity >= 1),"
  "  amenities INTEGER NOT NULL DEFAULT 0,"
  "  x INTEGER NOT NULL, y INTEGER NOT NULL, w INTEGER NOT NULL, h INTEGER NOT NULL);"
  "CREATE INDEX spaces_by_floor ON spaces (floor_id, kind);"
  "CREATE TABLE space_blocks ("
  "  id INTEGER PRIMARY KEY,"
  "  space_id TEXT NOT NULL REFERENCES spaces (id),"
  "  start INTEGER NOT NULL,"
  "  end INTEGER NOT NULL,"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  CHECK (end > start));"
  "CREATE INDEX space_blocks_by_space ON space_blocks (space_id, start);"
  "CREATE TABLE people ("
  "  id TEXT PRIMARY KEY,"
  "  display_name TEXT NOT NULL,"
  "  staff_number TEXT NOT NULL UNIQUE,"
  "  team TEXT NOT NULL DEFAULT '',"
  "  role TEXT NOT NULL CHECK (role IN ('staff', 'team_lead', 'facility_manager', 'admin')),"
  "  pin_hash TEXT);"
  "CREATE TABLE policy ("
  "  site_id TEXT NOT NULL REFERENCES sites (id),"
  "  key TEXT NOT NULL,"
  "  value INTEGER NOT NULL,"
  "  PRIMARY KEY (site_id, key));"
  "CREATE TABLE bookings ("
  "  id TEXT PRIMARY KEY,"
  "  space_id TEXT NOT NULL REFERENCES spaces (id),"
  "  person_id TEXT REFERENCES people (id),"
  "  is_desk INTEGER NOT NULL,"
  "  start INTEGER NOT NULL,"
  "  end INTEGER NOT NULL,"
  "  title TEXT,"
  "  attendees INTEGER NOT NULL DEFAULT 1 CHECK (attendees >= 1),"
  "  series_id TEXT,"
  "  state TEXT NOT NULL CHECK (state IN ('booked', 'checked_in', 'released', 'cancelled')),"
  "  version INTEGER NOT NULL DEFAULT 1,"
  "  seq INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL,"
  "  CHECK (end > start AND end - start <= 90000));"
  "CREATE INDEX bookings_by_space ON bookings (space_id, start);"
  "CREATE INDEX bookings_by_person ON bookings (person_id, start);"
  "CREATE INDEX bookings_by_seq ON bookings (seq);"
  "CREATE INDEX bookings_awaiting_check_in ON bookings (start) WHERE state = 'booked';"
  "CREATE TABLE changes ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  booking_id TEXT NOT NULL,"
  "  changed_at INTEGER NOT NULL);"
  /* The last line of defence for invariants 1 and 2: whatever code path writes a booking,
   * the database itself refuses an overlap. The store checks first to report a useful
   * error; these triggers make a forgotten check fail loudly instead of double booking. */
  "CREATE TRIGGER bookings_no_overlap_insert BEFORE INSERT ON bookings"
  "  WHEN NEW.state IN ('booked', 'checked_in') BEGIN"
  "  SELECT RAISE (ABORT, 'overlap') WHERE EXISTS (SELECT 1 FROM bookings b"
  "    WHERE b.space_id = NEW.space_id AND b.state IN ('booked', 'checked_in')"
  "      AND b.start < NEW.end AND b.start > NEW.start - 90000 AND b.end > NEW.start);"
  "  SELECT RAISE (ABORT, 'desk_already_held') WHERE NEW.is_desk AND NEW.person_id IS NOT NULL"
  "    AND EXISTS (SELECT 1 FROM bookings b"
  "    WHERE b.person_id = NEW.person_id AND b.is_desk AND b.state IN ('booked', 'checked_in')"
  "      AND b.start < NEW.end AND b.start > NEW.start - 90000 AND b.end > NEW.start);"
  "END;"
  "CREATE TRIGGER bookings_no_overlap_update BEFORE UPDATE OF start, end, state ON bookings"
  "  WHEN NEW.state IN ('booked', 'checked_in') BEGIN"
  "  SELECT RAISE (ABORT, 'overlap') WHERE EXISTS (SELECT 1 FROM bookings b"
  "    WHERE b.space_id = NEW.space_id AND b.id != NEW.id AND b.state IN ('booked', 'checked_in')"
  "      AND b.start < NEW.end AND b.start > NEW.start - 90000 AND b.end > NEW.start);"
  "  SELECT RAISE (ABORT, 'desk_already_held') WHERE NEW.is_desk AND NEW.person_id IS NOT NULL"
  "    AND EXISTS (SELECT 1 FROM bookings b"
  "    WHERE b.person_id = NEW.person_id AND b.id != NEW.id AND b.is_desk"
  "      AND b.state IN ('booked', 'checked_in')"
  "      AND b.start < NEW.end AND b.start > NEW.start - 90000 AND b.end > NEW.start);"
  "END;",

  /* 2: authentication (server and standalone kiosks) and the client's sync queue. */
  "CREATE TABLE sessions ("
  "  token_hash TEXT PRIMARY KEY,"
  "  person_id TEXT NOT NULL REFERENCES people (id),"
  "  device_id TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL);"
  "CREATE INDEX sessions_by_expiry ON sessions (expires_at);"
  "CREATE TABLE devices ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  token_hash TEXT NOT NULL UNIQUE,"
  "  created_at INTEGER NOT NULL,"
  "  revoked INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE login_failures ("
  "  staff_number TEXT PRIMARY KEY,"
  "  failures INTEGER NOT NULL,"
  "  locked_until INTEGER NOT NULL DEFAULT 0,"
  "  last_failure INTEGER NOT NULL);"
  "CREATE TABLE outbox ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  booking_id TEXT NOT NULL,"
  "  operation TEXT NOT NULL CHECK (operation IN ('create', 'cancel', 'check_in')),"
  "  payload TEXT NOT NULL,"
  "  sealed_credential BLOB,"
  "  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'rejected', 'done')),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  last_error_code TEXT,"
  "  last_error TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  next_attempt_at INTEGER NOT NULL DEFAULT 0);"
  "CREATE INDEX outbox_by_state ON outbox (state, id);"
  "CREATE INDEX outbox_by_booking ON outbox (booking_id);"
  "CREATE TABLE sync_state ("
  "  key TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL);",

  /* 3: series, cancellation reasons, who blocked a space, and the occupancy index.
   * bookings_occupancy covers the occupancy query (rb-occupancy.c): a range of start times
   * read from the index alone, never the table, so a week of a building is a few thousand
   * index entries however many bookings the file holds. */
  "CREATE TABLE series ("
  "  id TEXT PRIMARY KEY,"
  "  space_id TEXT NOT NULL REFERENCES spaces (id),"
  "  person_id TEXT NOT NULL REFERENCES people (id),"
  "  rrule TEXT NOT NULL,"
  "  first_start INTEGER NOT NULL,"
  "  first_end INTEGER NOT NULL,"
  "  title TEXT,"
  "  attendees INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL);"
  "CREATE INDEX series_by_person ON series (person_id);"
  "ALTER TABLE bookings ADD COLUMN cancel_reason TEXT;"
  "CREATE INDEX bookings_by_series ON bookings (series_id, start) WHERE series_id IS NOT NULL;"
  "CREATE INDEX bookings_occupancy ON bookings (start, end, space_id, state);"
  "ALTER TABLE space_blocks ADD COLUMN created_by TEXT REFERENCES people (id);"
  "ALTER TABLE space_blocks ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;",

  /* 4: the server's keypair for credentials that kiosks seal offline (rb-credential.c).
   * One row; only a server's database ever fills it. */
  "CREATE TABLE server_keys ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  public_key BLOB NOT NULL,"
  "  secret_key BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL);",

  /* 5: the fingerprint (SHA-256 of the body) of the POST /bookings that created a booking;
   * the booking id is its Idempotency-Key, and a retry with another body is refused. */
  "CREATE TABLE booking_requests ("
  "  booking_id TEXT PRIMARY KEY REFERENCES bookings (id) ON DELETE CASCADE,"
  "  body_hash TEXT NOT NULL);",

  /* 6: the clash checks and the overlap triggers read only live bookings. With the whole
   * table in their index, every booking cancelled or released in a slot made each later
   * check of that slot slower (bench-soak: p99 tripled in five minutes). */
  "CREATE INDEX bookings_live_by_space ON bookings (space_id, start)"
  "  WHERE state IN ('booked', 'checked_in');"
  "CREATE INDEX bookings_live_desks_by_person ON bookings (person_id, start)"
  "  WHERE is_desk AND state IN ('booked', 'checked_in');",

  /* 7: a building kept by its administrators (issue 11). Spaces and floors are retired, never
   * deleted, since bookings and the occupancy figures keep pointing at them. A floor may carry
   * a plan drawing. People can be deactivated and made to choose a PIN of their own. The
   * change feed carries, beside bookings, topics that clients read again when they change
   * ('building', 'policy'): such rows have an empty booking_id. The audit log is append-only:
   * triggers refuse to change or delete what it holds. */
  "ALTER TABLE spaces ADD COLUMN bookable INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE spaces ADD COLUMN retired_at INTEGER;"
  "ALTER TABLE floors ADD COLUMN position INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE floors ADD COLUMN retired_at INTEGER;"
  "UPDATE floors SET position = level;"
  "CREATE TABLE floor_plans ("
  "  floor_id TEXT PRIMARY KEY REFERENCES floors (id),"
  "  content_type TEXT NOT NULL CHECK (content_type IN ('image/svg+xml', 'image/png')),"
  "  data BLOB NOT NULL,"
  "  updated_at INTEGER NOT NULL);"
  "ALTER TABLE people ADD COLUMN active INTEGER NOT NULL DEFAULT 1;"
  "ALTER TABLE people ADD COLUMN must_change_pin INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE changes ADD COLUMN topic TEXT NOT NULL DEFAULT 'booking';"
  "CREATE INDEX changes_by_topic ON changes (topic, seq) WHERE topic != 'booking';"
  "CREATE TABLE audit_log ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  at INTEGER NOT NULL,"
  "  actor_id TEXT,"
  "  action TEXT NOT NULL,"
  "  subject TEXT NOT NULL DEFAULT '',"
  "  before TEXT,"
  "  after TEXT);"
  "CREATE INDEX audit_log_by_subject ON audit_log (subject, id);"
  "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;"
  "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;",

  /* issue 12: a door panel's device acts for its one room only (NULL: a kiosk, any space). */
  "ALTER TABLE devices ADD COLUMN space_id TEXT;",

  /* issue 12: badges that identify a person alone at a kiosk or door panel, by the card's
   * secret ID (its UID), which is printed nowhere. Only a SHA-256 of the normalised UID is
   * kept (rb-badges.c says why), so the table cannot be used to copy a badge. A person may
   * have several badges, a badge belongs to one person; a person's badges go with them. */
  "CREATE TABLE badges ("
  "  uid_hash TEXT PRIMARY KEY,"
  "  person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,"
  "  registered_at INTEGER NOT NULL);"
  "CREATE INDEX badges_by_person ON badges (person_id);",

  /* issue 12: a booking made by nobody at a door panel keeps that panel's device id, so
   * that the same panel, and no other, may end or extend it without a PIN (standalone:
   * RB_STORE_STANDALONE_DOOR; a server's mirror: '', the server decides). */
  "ALTER TABLE bookings ADD COLUMN door_device_id TEXT;",

  /* issue 13: retention (rb-retention.c). A deleted booking leaves a tombstone, its id at the
   * sequence number of its deletion, so that the change feed tells mirrors to forget it. */
  "CREATE TABLE booking_tombstones ("
  "  id TEXT PRIMARY KEY,"
  "  seq INTEGER NOT NULL);"
  "CREATE INDEX booking_tombstones_by_seq ON booking_tombstones (seq);"
  "CREATE INDEX bookings_by_end ON bookings (end);"
  "ALTER TABLE bookings ADD COLUMN anonymised INTEGER NOT NULL DEFAULT 0;"
  /* The minimum group of the occupancy figures counts people: the covering index of
   * rb-occupancy.c carries the person too. */
  "DROP INDEX bookings_occupancy;"
  "CREATE INDEX bookings_occupancy ON bookings (start, end, space_id, state, person_id);",

  /* issue 13: where the site shows names, each person chooses whether colleagues see theirs
   * on their bookings (rb-name-consent.c); nobody's is shown until they agree. */
  "ALTER TABLE people ADD COLUMN show_name INTEGER NOT NULL DEFAULT 0;",
  /* issue 13: erasure (DSGVO Art. 17, rb-rights.c). The audit log stays append-only, except
   * that the entries about an erased person may be redacted: their before and after set to
   * NULL, their actor to NULL and their subject to ''. Every other UPDATE (a column changed to
   * anything else, or id, at and action changed at all) is refused, and so is every DELETE
   * (audit_log_no_delete of migration 7 stays). */
  "DROP TRIGGER audit_log_no_update;"
  "CREATE TRIGGER audit_log_only_redaction BEFORE UPDATE ON audit_log"
  "  WHEN NOT (NEW.id IS OLD.id AND NEW.at IS OLD.at AND NEW.action IS OLD.action"
  "    AND (NEW.actor_id IS OLD.actor_id OR NEW.actor_id IS NULL)"
  "    AND (NEW.subject IS OLD.subject OR NEW.subject = '')"
  "    AND (NEW.before IS OLD.before OR NEW.before IS NULL)"
  "    AND (NEW.after IS OLD.after OR NEW.after IS NULL)) BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;",

  /* issue 13: the audit log's own retention (policy audit_retention_days, rb-retention.c).
   * DELETE stays refused, except for entries older than the row of audit_log_expiry, which
   * retention writes, uses and empties within one transaction. */
  "CREATE TABLE audit_log_expiry (before INTEGER NOT NULL);"
  "DROP TRIGGER audit_log_no_delete;"
  "CREATE TRIGGER audit_log_only_expired BEFORE DELETE ON audit_log"
  "  WHEN OLD.at >= COALESCE ((SELECT max (before) FROM audit_log_expiry), 0) BEGIN"
  "  SELECT RAISE (ABORT, 'the audit log is append-only');"
  "END;",
  /* issue 14: a person from the directory keeps their directory user name, by which sign-in
   * finds them and by which the directory sync knows whom the directory owns: only those
   * are deactivated when they leave it, never the people an administrator added by hand. */
  ("ALTER TABLE people ADD COLUMN directory_user TEXT;"
   "CREATE UNIQUE INDEX people_by_directory_user ON people (directory_user);"),

  /* 16 (issue 16): the store's SQL is shared with PostgreSQL, where a flag is no truth value,
   * so the desk clash check says "is_desk <> 0"; a partial index serves a query only if the
   * query states the index's condition as it is written. */
  ("DROP INDEX bookings_live_desks_by_person;"
   "CREATE INDEX bookings_live_desks_by_person ON bookings (person_id, start)"
   "  WHERE is_desk <> 0 AND state IN ('booked', 'checked_in');"),

  /* 17: nothing for SQLite. PostgreSQL's notification of change rows says what they were
   * (rb-pg-schema.c); the engines number their migrations alike. */
  "",

  /* 18: the space's clash check reads start and end from the index alone. PostgreSQL needs
   * it (rb-pg-schema.c); SQLite keeps the same index. */
  ("DROP INDEX bookings_live_by_space;"
   "CREATE INDEX bookings_live_by_space ON bookings (space_id, start, \"end\")"
   "  WHERE state IN ('booked', 'checked_in');"),
};

int
rb_schema_latest_version (void)
{
  return G_N_ELEMENTS (migrations);
}

static gboolean
check_not_newer (gint64 version, GError **error)
{
  if (version > rb_schema_latest_version ())
    {
      g_set_error (error, RB_STORE_ERROR, RB_STORE_ERROR_NEWER_SCHEMA,
                   _("The database was written by a newer version of Raumbuch (schema %d, this "
                     "version knows up to %d). It was left unchanged."),
                   (int) version, rb_schema_latest_version ());
      return FALSE;
    }
  return TRUE;
}

/* Brings the file to the latest schema. The version is read again inside each write
 * transaction, so two processes opening a new file at once do not both migrate it. */
gboolean
rb_schema_migrate (RbDb *db, GError **error)
{
  gint64 version = 0;

  if (!rb_db_get_int (db, "PRAGMA user_version", &version, error)
      || !check_not_newer (version, error))
    return FALSE;

  while (version < rb_schema_latest_version ())
    {
      g_autofree char *set_version = NULL;

      if (!rb_db_begin_write (db, error))
        return FALSE;
      if (!rb_db_get_int (db, "PRAGMA user_version", &version, error)
          || !check_not_newer (version, error))
        {
          rb_db_rollback (db);
          return FALSE;
        }
      if (version == rb_schema_latest_version ())
        {
          rb_db_rollback (db);
          break;
        }
      set_version = g_strdup_printf ("PRAGMA user_version = %d", (int) version + 1);
      if (!rb_db_exec (db, migrations[version], error) || !rb_db_exec (db, set_version, error))
        {
          rb_db_rollback (db);
          return FALSE;
        }
      if (!rb_db_commit (db, error))
        return FALSE;
      version++;
    }
  return TRUE;
}
