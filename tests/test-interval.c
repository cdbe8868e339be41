/* test-interval.c: half-open intervals and 15-minute slots. */
#include "config.h"

#include "rb-core.h"

static void
test_interval_validity (void)
{
  g_assert_true (rb_interval_is_valid (rb_interval_make (0, 1)));
  g_assert_true (rb_interval_is_valid (rb_interval_make (-900, 0)));
  g_assert_false (rb_interval_is_valid (rb_interval_make (100, 100)));
  g_assert_false (rb_interval_is_valid (rb_interval_make (100, 99)));
  g_assert_cmpint (rb_interval_duration (rb_interval_make (3600, 7200)), ==, 3600);
  g_assert_cmpint (rb_interval_duration (rb_interval_make (-1800, 1800)), ==, 3600);
}

static void
test_interval_overlap_touching (void)
{
  RbInterval nine = rb_interval_make (9 * 3600, 10 * 3600);
  RbInterval ten = rb_interval_make (10 * 3600, 11 * 3600);

  /* Back-to-back bookings must never clash, in either order. */
  g_assert_false (rb_interval_overlaps (nine, ten));
  g_assert_false (rb_interval_overlaps (ten, nine));
  /* One second more and they do. */
  g_assert_true (rb_interval_overlaps (rb_interval_make (9 * 3600, 10 * 3600 + 1), ten));
  g_assert_true (rb_interval_overlaps (ten, rb_interval_make (9 * 3600, 10 * 3600 + 1)));
}

static void
test_interval_overlap_contained (void)
{
  RbInterval outer = rb_interval_make (1000, 5000);
  RbInterval inner = rb_interval_make (2000, 3000);

  g_assert_true (rb_interval_overlaps (outer, inner));
  g_assert_true (rb_interval_overlaps (inner, outer));
  g_assert_true (rb_interval_contains_interval (outer, inner));
  g_assert_false (rb_interval_contains_interval (inner, outer));
  /* Sharing an edge is still containment. */
  g_assert_true (rb_interval_contains_interval (outer, rb_interval_make (1000, 5000)));
  g_assert_true (rb_interval_contains_interval (outer, rb_interval_make (4000, 5000)));
  g_assert_false (rb_interval_contains_interval (outer, rb_interval_make (4000, 5001)));
  g_assert_false (rb_interval_contains_interval (outer, rb_interval_make (999, 2000)));
}

static void
test_interval_overlap_identical (void)
{
  RbInterval a = rb_interval_make (100, 200);
  RbInterval b = rb_interval_make (100, 200);

  g_assert_true (rb_interval_overlaps (a, b));
  g_assert_true (rb_interval_overlaps (a, a));
}

static void
test_interval_overlap_partial_and_disjoint (void)
{
  RbInterval a = rb_interval_make (100, 200);

  g_assert_true (rb_interval_overlaps (a, rb_interval_make (150, 250)));
  g_assert_true (rb_interval_overlaps (a, rb_interval_make (50, 101)));
  g_assert_false (rb_interval_overlaps (a, rb_interval_make (300, 400)));
  g_assert_false (rb_interval_overlaps (rb_interval_make (300, 400), a));
  g_assert_false (rb_interval_overlaps (a, rb_interval_make (-400, -300)));
}

static void
test_interval_contains_instant (void)
{
  RbInterval a = rb_interval_make (100, 200);

  g_assert_true (rb_interval_contains (a, 100));
  g_assert_true (rb_interval_contains (a, 199));
  g_assert_false (rb_interval_contains (a, 200));
  g_assert_false (rb_interval_contains (a, 99));
}

static void
test_slot_floor_ceil (void)
{
  g_assert_cmpint (RB_SLOT_SECONDS, ==, 900);

  g_assert_cmpint (rb_slot_floor (0), ==, 0);
  g_assert_cmpint (rb_slot_floor (899), ==, 0);
  g_assert_cmpint (rb_slot_floor (900), ==, 900);
  g_assert_cmpint (rb_slot_floor (901), ==, 900);
  g_assert_cmpint (rb_slot_ceil (0), ==, 0);
  g_assert_cmpint (rb_slot_ceil (1), ==, 900);
  g_assert_cmpint (rb_slot_ceil (900), ==, 900);
  g_assert_cmpint (rb_slot_ceil (901), ==, 1800);

  /* Before the epoch the floor still rounds down, not towards zero. */
  g_assert_cmpint (rb_slot_floor (-1), ==, -900);
  g_assert_cmpint (rb_slot_floor (-899), ==, -900);
  g_assert_cmpint (rb_slot_floor (-900), ==, -900);
  g_assert_cmpint (rb_slot_floor (-901), ==, -1800);
  g_assert_cmpint (rb_slot_ceil (-1), ==, 0);
  g_assert_cmpint (rb_slot_ceil (-900), ==, -900);
  g_assert_cmpint (rb_slot_ceil (-901), ==, -900);

  /* A real instant: 2026-11-30T08:07:30Z. */
  g_assert_cmpint (rb_slot_floor (1796026050), ==, 1796025600);
  g_assert_cmpint (rb_slot_ceil (1796026050), ==, 1796026500);
}

static void
test_slot_aligned (void)
{
  g_assert_true (rb_slot_is_aligned (0));
  g_assert_true (rb_slot_is_aligned (900));
  g_assert_true (rb_slot_is_aligned (-900));
  g_assert_true (rb_slot_is_aligned (1796025600));
  g_assert_false (rb_slot_is_aligned (1));
  g_assert_false (rb_slot_is_aligned (-1));
  g_assert_false (rb_slot_is_aligned (450));
  g_assert_false (rb_slot_is_aligned (-450));
  g_assert_false (rb_slot_is_aligned (1796025600 + 60));

  for (gint64 t = -3600; t <= 3600; t += 37)
    {
      g_assert_true (rb_slot_is_aligned (rb_slot_floor (t)));
      g_assert_true (rb_slot_is_aligned (rb_slot_ceil (t)));
      g_assert_cmpint (rb_slot_floor (t), <=, t);
      g_assert_cmpint (rb_slot_ceil (t), >=, t);
      g_assert_cmpint (rb_slot_ceil (t) - rb_slot_floor (t), ==, rb_slot_is_aligned (t) ? 0 : 900);
    }
}

static RbSpaceBlock *
block_of (const char *space_id, gint64 start, gint64 end)
{
  RbSpaceBlock *block = g_new0 (RbSpaceBlock, 1);

  block->space_id = g_strdup (space_id);
  block->interval = rb_interval_make (start, end);
  return block;
}

/* The next block of a space: its own, beginning strictly after the instant, the earliest. */
static void
test_space_block_next_start (void)
{
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_space_block_free);

  g_assert_cmpint (rb_space_block_next_start (NULL, "d1", 0), ==, 0);
  g_ptr_array_add (blocks, block_of ("d1", 7200, 9000));
  g_ptr_array_add (blocks, block_of ("d2", 1800, 3600));
  g_ptr_array_add (blocks, block_of ("d1", 3600, 5400));
  g_assert_cmpint (rb_space_block_next_start (blocks, "d1", 0), ==, 3600);
  g_assert_cmpint (rb_space_block_next_start (blocks, "d1", 3599), ==, 3600);
  g_assert_cmpint (rb_space_block_next_start (blocks, "d1", 3600), ==, 7200);
  g_assert_cmpint (rb_space_block_next_start (blocks, "d1", 7200), ==, 0);
  g_assert_cmpint (rb_space_block_next_start (blocks, "d2", 0), ==, 1800);
  g_assert_cmpint (rb_space_block_next_start (blocks, "d3", 0), ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/interval/validity", test_interval_validity);
  g_test_add_func ("/block/next-start", test_space_block_next_start);
  g_test_add_func ("/interval/overlap/touching", test_interval_overlap_touching);
  g_test_add_func ("/interval/overlap/contained", test_interval_overlap_contained);
  g_test_add_func ("/interval/overlap/identical", test_interval_overlap_identical);
  g_test_add_func ("/interval/overlap/partial-and-disjoint", test_interval_overlap_partial_and_disjoint);
  g_test_add_func ("/interval/contains-instant", test_interval_contains_instant);
  g_test_add_func ("/slot/floor-ceil", test_slot_floor_ceil);
  g_test_add_func ("/slot/aligned", test_slot_aligned);

  return g_test_run ();
}
