/* bench-store.c: how fast the SQLite store books, with the durability settings it ships
 * with (WAL, synchronous=FULL). Prints its figures; asserts nothing about time.
 *   bench-store [N]   N bookings, one transaction each (default 2000) */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "rb-store.h"

static gint64 frozen_now;

static gint64
frozen_clock (gpointer data)
{
  return frozen_now;
}

static int
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char *argv[])
{
  int n = argc > 1 ? atoi (argv[1]) : 2000;
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-bench-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "bench.db", NULL);
  g_autoptr (RbStore) store = NULL;
  g_autoptr (GPtrArray) rooms = NULL;
  g_autoptr (GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Berlin");
  RbBookingQuery query = { 0 };
  gint64 started, elapsed, list_started;
  int booked = 0;

  g_assert_no_error (error);
  store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  frozen_now = rb_local_to_utc (tz, 2026, 11, 30, 5, 0);
  rb_store_set_clock (store, frozen_clock, NULL);
  if (!rb_store_seed_demo_sync (store, &error))
    g_error ("%s", error->message);

  /* Rooms, one-hour slots over the room horizon: every booking is valid and distinct. */
  rooms = rb_store_list_spaces_sync (store, NULL, &error);
  g_assert_no_error (error);
  for (guint i = rooms->len; i > 0; i--)
    if (rb_space_get_kind (g_ptr_array_index (rooms, i - 1)) != RB_SPACE_KIND_ROOM)
      g_ptr_array_remove_index (rooms, i - 1);
  started = g_get_monotonic_time ();
  for (int i = 0; booked < n; i++)
    {
      RbSpace *space = g_ptr_array_index (rooms, i % rooms->len);
      int slot = i / rooms->len;
      int day = slot / 14, hour = 6 + slot % 14;
      g_autofree char *id = rb_booking_new_id ();
      g_autoptr (GDateTime) base = g_date_time_new (tz, 2026, 12, 1, hour, 0, 0);
      g_autoptr (GDateTime) start = g_date_time_add_days (base, day);
      gint64 t = g_date_time_to_unix (start);
      g_autoptr (RbBooking) request = NULL;
      g_autoptr (RbBooking) result = NULL;
      gint64 before;

      request = rb_booking_new (id, rb_space_get_id (space), "p-13663", rb_interval_make (t, t + 3600));
      before = g_get_monotonic_time ();
      result = rb_store_create_booking_sync (store, request, &error);
      if (result == NULL)
        g_error ("booking %d: %s", i, error->message);
      before = g_get_monotonic_time () - before;
      g_array_append_val (latencies, before);
      booked++;
    }
  elapsed = g_get_monotonic_time () - started;
  g_array_sort (latencies, compare_gint64);

  g_print ("store bookings:     %d in %.2f s = %.0f bookings/s (synchronous=FULL, WAL)\n", booked,
           elapsed / 1e6, booked / (elapsed / 1e6));
  g_print ("create latency:     p50 %.2f ms, p99 %.2f ms\n",
           g_array_index (latencies, gint64, booked / 2) / 1e3,
           g_array_index (latencies, gint64, booked * 99 / 100) / 1e3);

  query.floor_id = "flr-a-1og";
  query.range = rb_interval_make (frozen_now, frozen_now + 86400 * 30);
  list_started = g_get_monotonic_time ();
  for (int i = 0; i < 100; i++)
    {
      g_autoptr (GPtrArray) list = rb_store_list_bookings_sync (store, &query, &error);
      g_assert_no_error (error);
    }
  g_print ("floor bookings, 30 days: %.2f ms per query\n",
           (g_get_monotonic_time () - list_started) / 100 / 1e3);

  g_clear_object (&store);
  {
    const char *suffixes[] = { "", "-wal", "-shm" };
    for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
      {
        g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
        g_remove (file);
      }
  }
  g_rmdir (dir);
  return 0;
}
