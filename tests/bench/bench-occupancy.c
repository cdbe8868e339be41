/* bench-occupancy.c: how fast the occupancy query (rb-occupancy.c) answers for a week of a
 * 2,000-space building as the booking history grows to 10,000, 100,000 and 1,000,000
 * bookings. Prints its figures; asserts nothing about time.
 *   bench-occupancy [RUNS]   RUNS timed runs per figure, the median is printed (default 7)
 *
 * The building: 10 floors of 180 desks and 20 rooms each, 2,000 people. The history: every
 * space has two bookings per working day (08:00–12:00 and 13:00–17:00), going back day by day
 * from Friday 11 December 2026, so the queried week (Monday 7 to Monday 14 December) holds up
 * to 20,000 bookings whatever the total; states are 70 % checked in, 15 % released, 10 %
 * booked and 5 % cancelled, from a fixed seed.
 *
 * Generation bypasses the store's booking API on purpose: a million bookings through
 * rb_store_create_booking_sync (one synchronous transaction each, with every rule checked)
 * would take about ten minutes. Instead one prepared INSERT runs in transactions of 100,000
 * rows on the store's own connection, with the schema's overlap triggers and every index in
 * place, so the file looks exactly like one the store wrote (only the change feed, which the
 * occupancy query never reads, stays empty). */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "rb-occupancy.h"

#define FLOORS 10
#define DESKS_PER_FLOOR 180
#define ROOMS_PER_FLOOR 20
#define SPACES (FLOORS * (DESKS_PER_FLOOR + ROOMS_PER_FLOOR))
#define BATCH 100000

static GTimeZone *tz;

static JsonNode *
make_building (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "site");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "site-bench");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Bench");
  json_builder_set_member_name (b, "timezone");
  json_builder_add_string_value (b, "Europe/Berlin");
  json_builder_set_member_name (b, "show_names");
  json_builder_add_boolean_value (b, FALSE);
  json_builder_end_object (b);

  json_builder_set_member_name (b, "buildings");
  json_builder_begin_array (b);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, "bld");
  json_builder_set_member_name (b, "site_id");
  json_builder_add_string_value (b, "site-bench");
  json_builder_set_member_name (b, "name");
  json_builder_add_string_value (b, "Haus B");
  json_builder_set_member_name (b, "address");
  json_builder_add_string_value (b, "");
  json_builder_end_object (b);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "floors");
  json_builder_begin_array (b);
  for (int f = 0; f < FLOORS; f++)
    {
      g_autofree char *id = g_strdup_printf ("f%02d", f);
      g_autofree char *name = g_strdup_printf ("Ebene %d", f);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "building_id");
      json_builder_add_string_value (b, "bld");
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, name);
      json_builder_set_member_name (b, "level");
      json_builder_add_int_value (b, f);
      json_builder_set_member_name (b, "width");
      json_builder_add_int_value (b, 100);
      json_builder_set_member_name (b, "height");
      json_builder_add_int_value (b, 100);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "spaces");
  json_builder_begin_array (b);
  for (int s = 0; s < SPACES; s++)
    {
      int floor = s / (DESKS_PER_FLOOR + ROOMS_PER_FLOOR);
      gboolean room = s % (DESKS_PER_FLOOR + ROOMS_PER_FLOOR) >= DESKS_PER_FLOOR;
      g_autofree char *id = g_strdup_printf ("s%04d", s);
      g_autofree char *floor_id = g_strdup_printf ("f%02d", floor);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "floor_id");
      json_builder_add_string_value (b, floor_id);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, room ? "room" : "desk");
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "capacity");
      json_builder_add_int_value (b, room ? 8 : 1);
      json_builder_set_member_name (b, "amenities");
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_set_member_name (b, "rect");
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "x");
      json_builder_add_int_value (b, s % 50);
      json_builder_set_member_name (b, "y");
      json_builder_add_int_value (b, (s / 50) % 50);
      json_builder_set_member_name (b, "w");
      json_builder_add_int_value (b, 1);
      json_builder_set_member_name (b, "h");
      json_builder_add_int_value (b, 1);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "people");
  json_builder_begin_array (b);
  for (int p = 0; p < SPACES; p++)
    {
      g_autofree char *id = g_strdup_printf ("p%04d", p);
      g_autofree char *number = g_strdup_printf ("%05d", p);

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "id");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "display_name");
      json_builder_add_string_value (b, id);
      json_builder_set_member_name (b, "staff_number");
      json_builder_add_string_value (b, number);
      json_builder_set_member_name (b, "team");
      json_builder_add_string_value (b, "Bench");
      json_builder_set_member_name (b, "role");
      json_builder_add_string_value (b, "staff");
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

/* Working day `n` counted back from Friday 11 December 2026 (n = 0). */
static void
working_day (int n, int *out_year, int *out_month, int *out_day)
{
  static int cached_n = -1, cached_ymd[3];

  if (n != cached_n)
    {
      g_autoptr (GDateTime) day = g_date_time_new (tz, 2026, 12, 11, 12, 0, 0);
      int weeks = n / 5, rest = n % 5;
      g_autoptr (GDateTime) back = g_date_time_add_days (day, -(weeks * 7 + rest));

      g_date_time_get_ymd (back, &cached_ymd[0], &cached_ymd[1], &cached_ymd[2]);
      cached_n = n;
    }
  *out_year = cached_ymd[0];
  *out_month = cached_ymd[1];
  *out_day = cached_ymd[2];
}

/* Appends bookings `from` .. `to` - 1 of the history (see above for its layout). */
static void
generate (RbStore *store, GRand *rand, gint64 from, gint64 to)
{
  static const char *const states[] = { "checked_in", "released", "booked", "cancelled" };
  RbDb *db = rb_store_get_db (store);
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStatement) insert = rb_db_prepare (
      db,
      "INSERT INTO bookings (id, space_id, person_id, is_desk, start, end, title, attendees,"
      " series_id, state, version, seq, created_at, updated_at)"
      " VALUES (?, ?, ?, ?, ?, ?, NULL, 1, NULL, ?, 1, 0, ?, ?)",
      &error);

  g_assert_no_error (error);
  for (gint64 i = from; i < to; i++)
    {
      /* i → (working day, space, morning or afternoon) */
      int slot = i % 2;
      int space = (i / 2) % SPACES;
      int n = (int) (i / (2 * SPACES));
      gboolean room = space % (DESKS_PER_FLOOR + ROOMS_PER_FLOOR) >= DESKS_PER_FLOOR;
      int year, month, day, roll;
      char id[40], space_id[8], person_id[8];
      gint64 start, end;

      if ((i - from) % BATCH == 0)
        {
          if (i > from && !rb_db_commit (db, &error))
            g_error ("%s", error->message);
          if (!rb_db_begin_write (db, &error))
            g_error ("%s", error->message);
        }
      working_day (n, &year, &month, &day);
      start = rb_local_to_utc (tz, year, month, day, slot == 0 ? 8 : 13, 0);
      end = start + 4 * 3600;
      roll = g_rand_int_range (rand, 0, 100);
      g_snprintf (id, sizeof id, "b%012" G_GINT64_FORMAT, i);
      g_snprintf (space_id, sizeof space_id, "s%04d", space);
      /* A desk's bookings go to one person, so nobody holds two desks at once. */
      g_snprintf (person_id, sizeof person_id, "p%04d",
                  room ? g_rand_int_range (rand, 0, SPACES) : space);

      rb_statement_reset (insert);
      rb_statement_bind_text (insert, 1, id);
      rb_statement_bind_text (insert, 2, space_id);
      rb_statement_bind_text (insert, 3, person_id);
      rb_statement_bind_int (insert, 4, !room);
      rb_statement_bind_int64 (insert, 5, start);
      rb_statement_bind_int64 (insert, 6, end);
      rb_statement_bind_text (insert, 7, states[roll < 70 ? 0 : roll < 85 ? 1 : roll < 95 ? 2 : 3]);
      rb_statement_bind_int64 (insert, 8, start - 86400);
      rb_statement_bind_int64 (insert, 9, start);
      if (!rb_db_step_done (db, insert, &error))
        g_error ("booking %" G_GINT64_FORMAT ": %s", i, error->message);
    }
  if (!rb_db_commit (db, &error))
    g_error ("%s", error->message);
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

/* Median milliseconds of `runs` queries; *out_booked gets the sum of the rows' booked. */
static double
time_query (RbStore *store, const RbOccupancyQuery *query, int runs, int *out_booked)
{
  g_autoptr (GArray) times = g_array_new (FALSE, FALSE, sizeof (double));

  for (int r = 0; r < runs; r++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) rows = NULL;
      gint64 before = g_get_monotonic_time ();
      double ms;

      rows = rb_occupancy_query_sync (store, query, &error);
      ms = (g_get_monotonic_time () - before) / 1000.0;
      if (rows == NULL)
        g_error ("%s", error->message);
      g_array_append_val (times, ms);
      if (r == 0)
        {
          int booked = 0;

          for (guint i = 0; i < rows->len; i++)
            booked += ((RbOccupancyRow *) g_ptr_array_index (rows, i))->booked;
          *out_booked = booked;
        }
    }
  g_array_sort (times, compare_double);
  return g_array_index (times, double, times->len / 2);
}

int
main (int argc, char *argv[])
{
  static const gint64 sizes[] = { 10000, 100000, 1000000 };
  int runs = argc > 1 ? atoi (argv[1]) : 7;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-bench-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autoptr (JsonNode) building = NULL;
  g_autoptr (GRand) rand = g_rand_new_with_seed (20261207);
  gint64 generated = 0;
  RbOccupancyQuery week = { 0 };

  g_assert_no_error (error);
  tz = g_time_zone_new_identifier ("Europe/Berlin");
  path = g_build_filename (dir, "bench.db", NULL);
  store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  building = make_building ();
  if (!rb_store_import_building_sync (store, building, &error))
    g_error ("%s", error->message);

  week.range = rb_interval_make (rb_local_to_utc (tz, 2026, 12, 7, 0, 0),
                                 rb_local_to_utc (tz, 2026, 12, 14, 0, 0));
  week.bucket = RB_OCCUPANCY_BUCKET_HOUR;

  g_print ("occupancy of a %d-space building (%d floors) over one week, hour buckets;\n"
           "median of %d runs, SQLite %s\n\n",
           SPACES, FLOORS, runs, sqlite3_libversion ());
  g_print ("%10s  %12s  %10s  %14s  %14s  %14s\n", "bookings", "generated in", "in week",
           "building (ms)", "one floor (ms)", "by floor (ms)");

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      RbOccupancyQuery floor = week, by_floor = week;
      gint64 before = g_get_monotonic_time ();
      double building_ms, floor_ms, by_floor_ms;
      int booked = 0, ignored = 0;

      generate (store, rand, generated, sizes[i]);
      generated = sizes[i];
      floor.floor_id = "f03";
      by_floor.by_floor = TRUE;
      {
        double generation_s = (g_get_monotonic_time () - before) / 1e6;
        RbOccupancyQuery days = week;

        days.bucket = RB_OCCUPANCY_BUCKET_DAY;
        time_query (store, &days, 1, &booked);
        building_ms = time_query (store, &week, runs, &ignored);
        floor_ms = time_query (store, &floor, runs, &ignored);
        by_floor_ms = time_query (store, &by_floor, runs, &ignored);
        g_print ("%10" G_GINT64_FORMAT "  %10.1f s  %10d  %14.2f  %14.2f  %14.2f\n", generated,
                 generation_s, booked, building_ms, floor_ms, by_floor_ms);
      }
    }

  {
    sqlite3_stmt *stmt = NULL;
    g_autofree char *explain = g_strconcat ("EXPLAIN QUERY PLAN ", rb_occupancy_bookings_sql (),
                                            NULL);

    sqlite3_prepare_v2 (rb_store_get_connection (store), explain, -1, &stmt, NULL);
    g_print ("\nplan:");
    while (stmt != NULL && sqlite3_step (stmt) == SQLITE_ROW)
      g_print (" %s", sqlite3_column_text (stmt, 3));
    g_print ("\n");
    sqlite3_finalize (stmt);
  }
  {
    GStatBuf st;

    if (g_stat (path, &st) == 0)
      g_print ("database file: %.0f MB (plus WAL)\n", st.st_size / 1e6);
  }

  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (path);
    g_rmdir (dir);
  }
  g_time_zone_unref (tz);
  return 0;
}
