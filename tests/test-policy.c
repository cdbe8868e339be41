/* test-policy.c: every booking rule on both sides of its boundary, and the error codes.
 * "Now" is Monday 30 November 2026, 07:00 in Bonn, unless a test says otherwise. */
#include "config.h"

#include "rb-core.h"
#include "rb-test-util.h"

#include <string.h>

#define B(y, mo, d, h, mi) rb_test_berlin_time ((y), (mo), (d), (h), (mi))

typedef struct
{
  RbPolicy policy;
  RbSpace *desk;
  RbSpace *room;
  gint64 now;
} PolicyFixture;

static void
policy_fixture_set_up (PolicyFixture *f, gconstpointer data)
{
  RbRect rect = { 0, 0, 2, 1 };

  rb_policy_init_defaults (&f->policy);
  f->desk = rb_space_new ("a1-d001", "flr-a-1og", RB_SPACE_KIND_DESK, "1.01", 1,
                          RB_AMENITY_MONITOR, &rect);
  f->room = rb_space_new ("a1-r01", "flr-a-1og", RB_SPACE_KIND_ROOM, "Projektraum", 6,
                          RB_AMENITY_WHITEBOARD | RB_AMENITY_VIDEO, &rect);
  f->now = B (2026, 11, 30, 7, 0);
}

static void
policy_fixture_tear_down (PolicyFixture *f, gconstpointer data)
{
  g_assert_finalize_object (f->desk);
  g_assert_finalize_object (f->room);
}

/* Checks a booking as `role` and returns the error, or NULL when it was allowed. */
static GError *
check (PolicyFixture *f, RbRole role, RbSpace *space, gint64 start, gint64 end, int attendees)
{
  GError *error = NULL;
  gboolean ok = rb_policy_check_booking (&f->policy, rb_test_berlin (), role, space,
                                         rb_interval_make (start, end), attendees, f->now, &error);

  g_assert_true (ok == (error == NULL));
  return error;
}

#define assert_allowed(f, role, space, start, end, attendees)                               \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr (GError) _e = check ((f), (role), (space), (start), (end), (attendees));    \
    g_assert_no_error (_e);                                                               \
  }                                                                                       \
  G_STMT_END

#define assert_refused(f, role, space, start, end, attendees, code, name)                   \
  G_STMT_START                                                                            \
  {                                                                                       \
    g_autoptr (GError) _e = check ((f), (role), (space), (start), (end), (attendees));    \
    rb_assert_rb_error (_e, (code), (name));                                              \
  }                                                                                       \
  G_STMT_END

static void
test_policy_defaults (void)
{
  RbPolicy p;

  rb_policy_init_defaults (&p);
  g_assert_cmpint (p.desk_horizon_days, ==, 14);
  g_assert_cmpint (p.room_horizon_days, ==, 90);
  g_assert_cmpint (p.team_lead_room_horizon_days, ==, 180);
  g_assert_cmpint (p.opening_minute, ==, 6 * 60);
  g_assert_cmpint (p.closing_minute, ==, 20 * 60);
  g_assert_cmpint (p.max_desk_minutes, ==, 10 * 60);
  g_assert_true (p.one_desk_per_day);
  g_assert_cmpint (p.check_in_before_minutes, ==, 15);
  g_assert_cmpint (p.check_in_after_minutes, ==, 15);
}

static void
test_policy_opening_hours (PolicyFixture *f, gconstpointer data)
{
  /* Tuesday 1 December. */
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 6, 0), B (2026, 12, 1, 8, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 5, 45), B (2026, 12, 1, 8, 0), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 18, 0), B (2026, 12, 1, 20, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 18, 0), B (2026, 12, 1, 20, 15), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  /* Rooms keep the same hours. */
  assert_allowed (f, RB_ROLE_STAFF, f->room, B (2026, 12, 1, 6, 0), B (2026, 12, 1, 20, 0), 2);
  assert_refused (f, RB_ROLE_STAFF, f->room, B (2026, 12, 1, 19, 45), B (2026, 12, 2, 6, 15), 2,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");

  {
    g_autoptr (GError) error = check (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 5, 0),
                                      B (2026, 12, 1, 6, 0), 1);
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, "06:00"));
    g_assert_nonnull (strstr (error->message, "20:00"));
  }

  {
    RbInterval open = rb_policy_opening_hours (&f->policy, rb_test_berlin (), B (2026, 12, 1, 12, 0));
    g_assert_cmpint (open.start, ==, rb_test_utc_time (2026, 12, 1, 5, 0, 0));
    g_assert_cmpint (open.end, ==, rb_test_utc_time (2026, 12, 1, 19, 0, 0));
  }
}

/* On the short spring day and the long autumn day the hours are the same on the wall,
 * so they are other UTC instants. */
static void
test_policy_opening_hours_dst (PolicyFixture *f, gconstpointer data)
{
  RbInterval open;

  f->now = B (2026, 3, 27, 12, 0);
  open = rb_policy_opening_hours (&f->policy, rb_test_berlin (), B (2026, 3, 29, 12, 0));
  g_assert_cmpint (open.start, ==, rb_test_utc_time (2026, 3, 29, 4, 0, 0));
  g_assert_cmpint (open.end, ==, rb_test_utc_time (2026, 3, 29, 18, 0, 0));
  g_assert_cmpint (rb_interval_duration (open), ==, 14 * 3600);

  assert_allowed (f, RB_ROLE_STAFF, f->desk, rb_test_utc_time (2026, 3, 29, 4, 0, 0),
                  rb_test_utc_time (2026, 3, 29, 6, 0, 0), 1);
  /* 03:45Z is 05:45 CEST; under last winter's offset it would have been 04:45. */
  assert_refused (f, RB_ROLE_STAFF, f->desk, rb_test_utc_time (2026, 3, 29, 3, 45, 0),
                  rb_test_utc_time (2026, 3, 29, 6, 0, 0), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 3, 29, 18, 0), B (2026, 3, 29, 20, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 3, 29, 18, 0), B (2026, 3, 29, 20, 15), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  /* 18:30Z is 20:30 CEST: after closing although 19:30 in winter. */
  assert_refused (f, RB_ROLE_STAFF, f->room, rb_test_utc_time (2026, 3, 29, 17, 0, 0),
                  rb_test_utc_time (2026, 3, 29, 18, 30, 0), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");

  f->now = B (2026, 10, 23, 12, 0);
  open = rb_policy_opening_hours (&f->policy, rb_test_berlin (), B (2026, 10, 25, 12, 0));
  g_assert_cmpint (open.start, ==, rb_test_utc_time (2026, 10, 25, 5, 0, 0));
  g_assert_cmpint (open.end, ==, rb_test_utc_time (2026, 10, 25, 19, 0, 0));
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 10, 25, 6, 0), B (2026, 10, 25, 7, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 10, 25, 5, 45), B (2026, 10, 25, 7, 0), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 10, 25, 19, 0), B (2026, 10, 25, 20, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 10, 25, 19, 0), B (2026, 10, 25, 20, 15), 1,
                  RB_ERROR_OUTSIDE_OPENING_HOURS, "outside_opening_hours");
}

static void
test_policy_horizon (PolicyFixture *f, gconstpointer data)
{
  g_assert_cmpint (rb_policy_horizon_days (&f->policy, RB_ROLE_STAFF, RB_SPACE_KIND_DESK), ==, 14);
  g_assert_cmpint (rb_policy_horizon_days (&f->policy, RB_ROLE_TEAM_LEAD, RB_SPACE_KIND_DESK), ==, 14);
  g_assert_cmpint (rb_policy_horizon_days (&f->policy, RB_ROLE_STAFF, RB_SPACE_KIND_ROOM), ==, 90);
  g_assert_cmpint (rb_policy_horizon_days (&f->policy, RB_ROLE_TEAM_LEAD, RB_SPACE_KIND_ROOM), ==, 180);

  /* Desks: 14 days ahead, that is up to Monday 14 December inclusive. */
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 14, 19, 45), B (2026, 12, 14, 20, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 15, 6, 0), B (2026, 12, 15, 7, 0), 1,
                  RB_ERROR_HORIZON_EXCEEDED, "horizon_exceeded");
  /* A team lead gets no longer horizon for desks. */
  assert_refused (f, RB_ROLE_TEAM_LEAD, f->desk, B (2026, 12, 15, 6, 0), B (2026, 12, 15, 7, 0), 1,
                  RB_ERROR_HORIZON_EXCEEDED, "horizon_exceeded");

  /* Rooms: 90 days, up to 28 February 2027. */
  assert_allowed (f, RB_ROLE_STAFF, f->room, B (2027, 2, 28, 19, 0), B (2027, 2, 28, 20, 0), 4);
  assert_refused (f, RB_ROLE_STAFF, f->room, B (2027, 3, 1, 6, 0), B (2027, 3, 1, 7, 0), 4,
                  RB_ERROR_HORIZON_EXCEEDED, "horizon_exceeded");

  /* Team leads: 180 days, up to 29 May 2027 (across the spring DST change). */
  assert_allowed (f, RB_ROLE_TEAM_LEAD, f->room, B (2027, 3, 1, 6, 0), B (2027, 3, 1, 7, 0), 4);
  assert_allowed (f, RB_ROLE_TEAM_LEAD, f->room, B (2027, 5, 29, 19, 0), B (2027, 5, 29, 20, 0), 4);
  assert_refused (f, RB_ROLE_TEAM_LEAD, f->room, B (2027, 5, 30, 6, 0), B (2027, 5, 30, 7, 0), 4,
                  RB_ERROR_HORIZON_EXCEEDED, "horizon_exceeded");
  assert_allowed (f, RB_ROLE_ADMIN, f->room, B (2027, 5, 29, 6, 0), B (2027, 5, 29, 7, 0), 4);

  {
    g_autoptr (GError) error = check (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 15, 6, 0),
                                      B (2026, 12, 15, 7, 0), 1);
    g_assert_nonnull (strstr (error->message, "14"));
  }
}

static void
test_policy_capacity (PolicyFixture *f, gconstpointer data)
{
  gint64 start = B (2026, 12, 1, 9, 0), end = B (2026, 12, 1, 10, 0);

  assert_allowed (f, RB_ROLE_STAFF, f->room, start, end, 6);
  assert_refused (f, RB_ROLE_STAFF, f->room, start, end, 7,
                  RB_ERROR_CAPACITY_EXCEEDED, "capacity_exceeded");
  assert_refused (f, RB_ROLE_STAFF, f->room, start, end, 0, RB_ERROR_INVALID_FIELD, "invalid_field");
  assert_refused (f, RB_ROLE_STAFF, f->room, start, end, -3, RB_ERROR_INVALID_FIELD, "invalid_field");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, start, end, 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, start, end, 2,
                  RB_ERROR_CAPACITY_EXCEEDED, "capacity_exceeded");

  {
    g_autoptr (GError) error = check (f, RB_ROLE_STAFF, f->room, start, end, 7);
    g_assert_nonnull (strstr (error->message, "6"));
  }
}

static void
test_policy_max_desk_length (PolicyFixture *f, gconstpointer data)
{
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 7, 0), B (2026, 12, 1, 17, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 7, 0), B (2026, 12, 1, 17, 15), 1,
                  RB_ERROR_TOO_LONG, "too_long");
  /* Rooms are not limited: the whole opening time is fine. */
  assert_allowed (f, RB_ROLE_STAFF, f->room, B (2026, 12, 1, 6, 0), B (2026, 12, 1, 20, 0), 1);
}

static void
test_policy_slot_alignment (PolicyFixture *f, gconstpointer data)
{
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 9, 15), B (2026, 12, 1, 9, 45), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 9, 5), B (2026, 12, 1, 10, 0), 1,
                  RB_ERROR_NOT_SLOT_ALIGNED, "not_slot_aligned");
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 9, 0), B (2026, 12, 1, 10, 0) + 1, 1,
                  RB_ERROR_NOT_SLOT_ALIGNED, "not_slot_aligned");
  assert_refused (f, RB_ROLE_STAFF, f->room, B (2026, 12, 1, 9, 0) - 1, B (2026, 12, 1, 10, 0), 1,
                  RB_ERROR_NOT_SLOT_ALIGNED, "not_slot_aligned");
}

static void
test_policy_in_past (PolicyFixture *f, gconstpointer data)
{
  /* 07:05: the 07:00 slot is running and may still be booked; 06:45 is over. */
  f->now = B (2026, 11, 30, 7, 5);
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 11, 30, 7, 0), B (2026, 11, 30, 8, 0), 1);
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 11, 30, 7, 15), B (2026, 11, 30, 8, 0), 1);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 11, 30, 6, 45), B (2026, 11, 30, 8, 0), 1,
                  RB_ERROR_IN_PAST, "in_past");
  assert_refused (f, RB_ROLE_STAFF, f->room, B (2026, 11, 29, 9, 0), B (2026, 11, 29, 10, 0), 1,
                  RB_ERROR_IN_PAST, "in_past");
  /* On the very first second of a slot, that slot is the running one. */
  f->now = B (2026, 11, 30, 7, 15);
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 11, 30, 7, 0), B (2026, 11, 30, 8, 0), 1,
                  RB_ERROR_IN_PAST, "in_past");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 11, 30, 7, 15), B (2026, 11, 30, 8, 0), 1);
}

static void
test_policy_invalid_interval (PolicyFixture *f, gconstpointer data)
{
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 9, 0), B (2026, 12, 1, 9, 0), 1,
                  RB_ERROR_INVALID_INTERVAL, "invalid_interval");
  assert_refused (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 10, 0), B (2026, 12, 1, 9, 0), 1,
                  RB_ERROR_INVALID_INTERVAL, "invalid_interval");
  assert_allowed (f, RB_ROLE_STAFF, f->desk, B (2026, 12, 1, 9, 0), B (2026, 12, 1, 9, 15), 1);
}

static void
test_policy_check_in_window (PolicyFixture *f, gconstpointer data)
{
  RbInterval booking = rb_interval_make (B (2026, 12, 1, 9, 0), B (2026, 12, 1, 10, 0));
  RbInterval window = rb_policy_check_in_window (&f->policy, booking, 0);
  struct
  {
    gint64 now;
    gboolean ok;
  } cases[] = {
    { booking.start - 15 * 60, TRUE },
    { booking.start - 16 * 60, FALSE },
    { booking.start - 15 * 60 - 1, FALSE },
    { booking.start, TRUE },
    { booking.start + 14 * 60 + 59, TRUE },
    { booking.start + 15 * 60, FALSE },
    { booking.end - 1, FALSE },
  };

  g_assert_cmpint (window.start, ==, booking.start - 15 * 60);
  g_assert_cmpint (window.end, ==, booking.start + 15 * 60);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = rb_policy_check_check_in (&f->policy, booking, 0, cases[i].now, &error);

      g_test_message ("check-in at start%+" G_GINT64_FORMAT " s", cases[i].now - booking.start);
      g_assert_true (ok == cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
    }
}

static void
test_policy_release_deadline (PolicyFixture *f, gconstpointer data)
{
  RbInterval booking = rb_interval_make (B (2026, 12, 1, 9, 0), B (2026, 12, 1, 10, 0));
  gint64 deadline = rb_policy_release_deadline (&f->policy, booking, 0);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (deadline, ==, B (2026, 12, 1, 9, 15));
  /* The deadline is where check-in stops being possible: no gap and no overlap. */
  g_assert_false (rb_policy_check_check_in (&f->policy, booking, 0, deadline, &error));
  rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
  g_clear_error (&error);
  g_assert_true (rb_policy_check_check_in (&f->policy, booking, 0, deadline - 1, &error));
  g_assert_no_error (error);

  f->policy.check_in_after_minutes = 30;
  g_assert_cmpint (rb_policy_release_deadline (&f->policy, booking, 0), ==, B (2026, 12, 1, 9, 30));
}

/* Booked at 16:14 for the 16:00 slot: the grace runs from 16:14, not from 16:00. */
static void
test_policy_release_deadline_made_late (PolicyFixture *f, gconstpointer data)
{
  RbInterval booking = rb_interval_make (B (2026, 12, 1, 16, 0), B (2026, 12, 1, 18, 0));
  gint64 made = B (2026, 12, 1, 16, 14) + 22;
  RbInterval window = rb_policy_check_in_window (&f->policy, booking, made);
  g_autoptr (GError) error = NULL;

  g_assert_cmpint (rb_policy_release_deadline (&f->policy, booking, made), ==, made + 15 * 60);
  g_assert_cmpint (window.start, ==, B (2026, 12, 1, 15, 45));
  g_assert_cmpint (window.end, ==, made + 15 * 60);
  g_assert_true (rb_policy_check_check_in (&f->policy, booking, made, made + 15 * 60 - 1, &error));
  g_assert_no_error (error);
  g_assert_false (rb_policy_check_check_in (&f->policy, booking, made, made + 15 * 60, &error));
  rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");

  /* Made before its start: the window is the usual one. */
  made = B (2026, 12, 1, 9, 0);
  g_assert_cmpint (rb_policy_release_deadline (&f->policy, booking, made), ==,
                   B (2026, 12, 1, 16, 15));
}

/* A booking may be made checked in from when check-in opens until its end, never for later. */
static void
test_policy_checked_in_booking (PolicyFixture *f, gconstpointer data)
{
  RbInterval booking = rb_interval_make (B (2026, 12, 1, 16, 0), B (2026, 12, 1, 17, 0));
  struct
  {
    gint64 now;
    gboolean ok;
  } cases[] = {
    { B (2026, 12, 1, 16, 14), TRUE },
    { B (2026, 12, 1, 16, 0), TRUE },
    { B (2026, 12, 1, 15, 45), TRUE },
    { B (2026, 12, 1, 15, 45) - 1, FALSE },
    { B (2026, 12, 1, 16, 59), TRUE },
    { B (2026, 12, 1, 17, 0), FALSE },
    { B (2026, 11, 30, 16, 14), FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean ok = rb_policy_check_checked_in_booking (&f->policy, booking, cases[i].now, &error);

      g_test_message ("made checked in at start%+" G_GINT64_FORMAT " s", cases[i].now - booking.start);
      g_assert_true (ok == cases[i].ok);
      if (cases[i].ok)
        g_assert_no_error (error);
      else
        rb_assert_rb_error (error, RB_ERROR_CHECK_IN_WINDOW, "check_in_window");
    }
}

static void
test_error_codes (void)
{
  g_autoptr (GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GError) other = g_error_new_literal (G_FILE_ERROR, G_FILE_ERROR_FAILED, "x");
  RbErrorCode parsed;

  for (int code = 0; code < RB_N_ERROR_CODES; code++)
    {
      const char *name = rb_error_code_to_string (code);
      const char *message = rb_error_code_message (code);
      g_autoptr (GError) error = NULL;

      g_assert_nonnull (name);
      g_assert_cmpuint (strlen (name), >, 0);
      g_assert_false (g_hash_table_contains (names, name));
      g_hash_table_add (names, (gpointer) name);
      g_assert_nonnull (message);
      g_assert_cmpuint (strlen (message), >, 0);

      g_assert_true (rb_error_code_from_string (name, &parsed));
      g_assert_cmpint (parsed, ==, code);

      rb_set_error (&error, code, NULL);
      g_assert_error (error, RB_ERROR, code);
      g_assert_cmpstr (rb_error_get_code_name (error), ==, name);
      g_assert_cmpstr (error->message, ==, message);
    }
  g_assert_cmpuint (g_hash_table_size (names), ==, RB_N_ERROR_CODES);

  /* The names are wire API: spot-check the ones DESIGN.md lists. */
  g_assert_cmpstr (rb_error_code_to_string (RB_ERROR_OVERLAP), ==, "overlap");
  g_assert_cmpstr (rb_error_code_to_string (RB_ERROR_ONE_DESK_PER_DAY), ==, "one_desk_per_day");
  g_assert_cmpstr (rb_error_code_to_string (RB_ERROR_STALE_VERSION), ==, "stale_version");
  g_assert_cmpstr (rb_error_code_to_string (RB_ERROR_PAYLOAD_TOO_LARGE), ==, "payload_too_large");

  parsed = RB_ERROR_STORAGE;
  g_assert_false (rb_error_code_from_string ("no_such_code", &parsed));
  g_assert_false (rb_error_code_from_string ("", &parsed));
  g_assert_false (rb_error_code_from_string (NULL, &parsed));
  g_assert_cmpint (parsed, ==, RB_ERROR_STORAGE);

  g_assert_cmpstr (rb_error_get_code_name (other), ==, "internal");
  g_assert_cmpstr (rb_error_get_code_name (NULL), ==, "internal");
}

static void
test_error_detail (void)
{
  g_autoptr (GError) error = NULL;

  rb_set_error (&error, RB_ERROR_OVERLAP, "Already booked from %s to %s.", "09:00", "10:00");
  g_assert_error (error, RB_ERROR, RB_ERROR_OVERLAP);
  g_assert_true (g_str_has_prefix (error->message, rb_error_code_message (RB_ERROR_OVERLAP)));
  g_assert_true (g_str_has_suffix (error->message, "Already booked from 09:00 to 10:00."));
  /* A NULL GError ** is allowed, as everywhere in GLib; an empty detail adds nothing. */
  rb_set_error (NULL, RB_ERROR_OVERLAP, "%s", "ignored");
  g_clear_error (&error);
  rb_set_error (&error, RB_ERROR_FORBIDDEN, "%s", "");
  g_assert_cmpstr (error->message, ==, rb_error_code_message (RB_ERROR_FORBIDDEN));
}

/* ---- validating an administrator's policy ------------------------------------------------ */

/* Validates the defaults with one change; returns the field that was refused, or NULL. */
static const char *
refused_field (void (*change) (RbPolicy *policy))
{
  RbPolicy policy;
  const char *field = NULL;
  g_autoptr (GError) error = NULL;
  gboolean ok;

  rb_policy_init_defaults (&policy);
  change (&policy);
  ok = rb_policy_validate (&policy, &field, &error);
  g_assert_true (ok == (error == NULL));
  if (ok)
    return NULL;
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  g_assert_nonnull (field);
  return field;
}

static void change_nothing (RbPolicy *p) { }
static void close_at_opening (RbPolicy *p) { p->closing_minute = p->opening_minute; }
static void open_off_quarter (RbPolicy *p) { p->opening_minute = 6 * 60 + 10; }
static void close_at_midnight (RbPolicy *p) { p->closing_minute = 24 * 60; }
static void close_late (RbPolicy *p) { p->opening_minute = 0; p->closing_minute = 23 * 60 + 45; }
static void desk_horizon_negative (RbPolicy *p) { p->desk_horizon_days = -1; }
static void desk_horizon_today (RbPolicy *p) { p->desk_horizon_days = 0; }
static void room_horizon_too_far (RbPolicy *p)
{
  p->room_horizon_days = p->team_lead_room_horizon_days = RB_POLICY_MAX_HORIZON_DAYS + 1;
}
static void team_lead_shorter (RbPolicy *p) { p->team_lead_room_horizon_days = 30; }
static void desk_half_hour (RbPolicy *p) { p->max_desk_minutes = 90; }
static void desk_zero (RbPolicy *p) { p->max_desk_minutes = 0; }
static void desk_one_hour (RbPolicy *p) { p->max_desk_minutes = 60; }
static void check_in_before_long (RbPolicy *p)
{
  p->check_in_before_minutes = RB_POLICY_MAX_CHECK_IN_MINUTES + 1;
}
static void release_at_start (RbPolicy *p) { p->check_in_after_minutes = 0; }
static void release_late (RbPolicy *p) { p->check_in_after_minutes = RB_POLICY_MAX_CHECK_IN_MINUTES; }

static void
test_policy_validate (void)
{
  g_assert_null (refused_field (change_nothing));
  g_assert_null (refused_field (close_late));
  g_assert_null (refused_field (desk_horizon_today));
  g_assert_null (refused_field (desk_one_hour));
  g_assert_null (refused_field (release_late));
  g_assert_cmpstr (refused_field (close_at_opening), ==, "closing_time");
  g_assert_cmpstr (refused_field (open_off_quarter), ==, "opening_time");
  g_assert_cmpstr (refused_field (close_at_midnight), ==, "closing_time");
  g_assert_cmpstr (refused_field (desk_horizon_negative), ==, "desk_horizon_days");
  g_assert_cmpstr (refused_field (room_horizon_too_far), ==, "room_horizon_days");
  g_assert_cmpstr (refused_field (team_lead_shorter), ==, "team_lead_room_horizon_days");
  g_assert_cmpstr (refused_field (desk_half_hour), ==, "max_desk_minutes");
  g_assert_cmpstr (refused_field (desk_zero), ==, "max_desk_minutes");
  g_assert_cmpstr (refused_field (check_in_before_long), ==, "check_in_before_minutes");
  g_assert_cmpstr (refused_field (release_at_start), ==, "check_in_after_minutes");
}

/* The message names the setting as the Rules page does, with the limits. */
static void
test_policy_validate_message (void)
{
  RbPolicy policy;
  g_autoptr (GError) error = NULL;

  rb_policy_init_defaults (&policy);
  policy.desk_horizon_days = 400;
  g_assert_false (rb_policy_validate (&policy, NULL, &error));
  g_assert_nonnull (strstr (error->message, "Desks bookable ahead (days)"));
  g_assert_nonnull (strstr (error->message, "between 0 and 180"));
}

static void
test_policy_json (void)
{
  RbPolicy policy, back;
  const char *field = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = NULL;
  g_autoptr (JsonNode) bad = NULL;
  g_autofree char *text = NULL;

  rb_policy_init_defaults (&policy);
  policy.opening_minute = 7 * 60 + 30;
  policy.show_names = TRUE;
  node = rb_policy_to_json (&policy);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (node), "opening_time"),
                   ==, "07:30");
  g_assert_true (rb_policy_from_json (node, &back, &field, &error));
  g_assert_no_error (error);
  g_assert_true (rb_policy_equal (&policy, &back));

  /* A wrong type, a bad time, a missing and an unknown member: each named. */
  json_object_set_string_member (json_node_get_object (node), "desk_horizon_days", "14");
  g_assert_false (rb_policy_from_json (node, &back, &field, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  g_assert_cmpstr (field, ==, "desk_horizon_days");
  g_clear_error (&error);

  bad = rb_policy_to_json (&policy);
  json_object_set_string_member (json_node_get_object (bad), "closing_time", "25:00");
  g_assert_false (rb_policy_from_json (bad, &back, &field, &error));
  g_assert_cmpstr (field, ==, "closing_time");
  g_clear_error (&error);

  json_object_remove_member (json_node_get_object (bad), "closing_time");
  g_assert_false (rb_policy_from_json (bad, &back, &field, &error));
  g_assert_cmpstr (field, ==, "closing_time");
  g_clear_error (&error);

  json_object_set_string_member (json_node_get_object (bad), "closing_time", "18:00");
  json_object_set_int_member (json_node_get_object (bad), "desk_hours", 3);
  g_assert_false (rb_policy_from_json (bad, &back, NULL, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_FIELD);
  text = g_strdup (error->message);
  g_assert_nonnull (strstr (text, "desk_hours"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, PolicyFixture, NULL, policy_fixture_set_up, func, policy_fixture_tear_down)

  g_test_add_func ("/policy/defaults", test_policy_defaults);
  ADD ("/policy/opening-hours", test_policy_opening_hours);
  ADD ("/policy/opening-hours-dst", test_policy_opening_hours_dst);
  ADD ("/policy/horizon", test_policy_horizon);
  ADD ("/policy/capacity", test_policy_capacity);
  ADD ("/policy/max-desk-length", test_policy_max_desk_length);
  ADD ("/policy/slot-alignment", test_policy_slot_alignment);
  ADD ("/policy/in-past", test_policy_in_past);
  ADD ("/policy/invalid-interval", test_policy_invalid_interval);
  ADD ("/policy/check-in-window", test_policy_check_in_window);
  ADD ("/policy/release-deadline", test_policy_release_deadline);
  ADD ("/policy/release-deadline-made-late", test_policy_release_deadline_made_late);
  ADD ("/policy/checked-in-booking", test_policy_checked_in_booking);
  g_test_add_func ("/policy/validate", test_policy_validate);
  g_test_add_func ("/policy/validate-message", test_policy_validate_message);
  g_test_add_func ("/policy/json", test_policy_json);
  g_test_add_func ("/error/codes", test_error_codes);
  g_test_add_func ("/error/detail", test_error_detail);

#undef ADD

  return g_test_run ();
}
