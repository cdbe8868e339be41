/* rb-series.h: recurring reservations. An RRULE subset (RFC 5545: FREQ=DAILY or WEEKLY,
 * INTERVAL, BYDAY with plain weekdays, WKST, COUNT or UNTIL) is parsed and expanded with
 * libical, in the site's time zone, so every occurrence keeps the first one's wall-clock
 * times across DST changes. Occurrences come back as UTC intervals. */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-error.h"
#include "rb-interval.h"
#include "rb-types.h"

G_BEGIN_DECLS

/* No series may have more occurrences than this: a year of working days with room to spare. */
#define RB_SERIES_MAX_OCCURRENCES 370

/* Longest accepted RRULE text. */
#define RB_SERIES_MAX_RRULE 200

typedef enum
{
  RB_SERIES_MODE_ALL_OR_NOTHING,
  RB_SERIES_MODE_SKIP_CONFLICTS,
} RbSeriesMode;

/* Weekdays for rb_series_build_rrule; Monday is bit 0, as in ISO 8601. */
typedef enum
{
  RB_WEEKDAY_MONDAY = 1 << 0,
  RB_WEEKDAY_TUESDAY = 1 << 1,
  RB_WEEKDAY_WEDNESDAY = 1 << 2,
  RB_WEEKDAY_THURSDAY = 1 << 3,
  RB_WEEKDAY_FRIDAY = 1 << 4,
  RB_WEEKDAY_SATURDAY = 1 << 5,
  RB_WEEKDAY_SUNDAY = 1 << 6,
} RbWeekdays;

#define RB_WEEKDAYS_WORKING_DAYS 0x1f

/* A series request (the JSON "series request" of DESIGN.md). first is the first occurrence:
 * its date is where the rule starts and its wall-clock times are every occurrence's. */
typedef struct
{
  char *id;
  char *space_id;
  char *person_id;
  RbInterval first;
  char *rrule;
  char *title;
  int attendees;
  RbSeriesMode mode;
} RbSeriesRequest;

/* Why one occurrence cannot be booked. */
typedef struct
{
  RbInterval occurrence;
  RbErrorCode code;
  char *message;     /* translated, for people */
  gboolean has_clash;
  RbInterval clash;  /* the booking or block in the way, when has_clash */
} RbSeriesConflict;

/* What checking or reserving a series found: the occurrences booked (or, for a check, that
 * would be) and the ones that cannot be. */
typedef struct
{
  char *series_id;
  /* TRUE when bookings were written by this call or by an earlier one with the same id. */
  gboolean created;
  gboolean replayed;
  guint n_occurrences;
  GPtrArray *bookings;   /* RbBooking, in order */
  GPtrArray *conflicts;  /* RbSeriesConflict, in order */
} RbSeriesResult;

typedef enum
{
  RB_SERIES_CANCEL_ONE,
  RB_SERIES_CANCEL_FOLLOWING,
  RB_SERIES_CANCEL_ALL,
} RbSeriesCancelScope;

RbSeriesResult *rb_series_result_new (const char *series_id);
void rb_series_conflict_free (RbSeriesConflict *conflict);
void rb_series_result_free (RbSeriesResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbSeriesResult, rb_series_result_free)

gboolean rb_series_may_create (RbRole role);

JsonNode *rb_series_result_to_json (RbSeriesResult *result, GTimeZone *tz,
                                    gboolean with_person);
JsonNode *rb_series_conflict_to_json (RbSeriesConflict *conflict, GTimeZone *tz);
RbSeriesResult *rb_series_result_from_json (JsonNode *node, GTimeZone *tz, GError **error);
GPtrArray *rb_series_conflicts_from_json (JsonNode *node, GTimeZone *tz, GError **error);

const char *rb_series_mode_to_string (RbSeriesMode mode);
gboolean rb_series_mode_from_string (const char *str, RbSeriesMode *out_mode);

gboolean rb_series_validate_rrule (const char *rrule, GError **error);
GArray *rb_series_expand (const char *rrule, GTimeZone *tz, RbInterval first, int max_occurrences,
                          GError **error);
char *rb_series_build_rrule (RbWeekdays weekdays, GTimeZone *tz, gint64 last_day);

/* The members of a series request body; rb_json_check_members refuses any other. */
extern const char *const rb_series_request_members[];

RbSeriesRequest *rb_series_request_new (void);
void rb_series_request_free (RbSeriesRequest *request);
RbSeriesRequest *rb_series_request_from_json (JsonNode *node, GError **error);
JsonNode *rb_series_request_to_json (const RbSeriesRequest *request);
RbSeriesRequest *rb_series_request_copy (const RbSeriesRequest *request);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbSeriesRequest, rb_series_request_free)

G_END_DECLS
