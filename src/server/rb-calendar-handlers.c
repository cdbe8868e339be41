/* rb-calendar-handlers.c: GET /me/bookings.ics, the caller's own bookings as an iCalendar
 * file (rb-ical.c) for Evolution, Thunderbird and Outlook.
 *
 * Only a person's session opens it, sent as "Authorization: Bearer": a token in the URL
 * (?token=) would end up in proxy logs, browser histories and calendar subscriptions, so
 * there is no such parameter. Cancelled and released bookings are in the file with
 * STATUS:CANCELLED, so that a calendar that imported them earlier learns they are off. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "rb-handlers.h"
#include "rb-ical.h"

/* Without from/to: from a month back to a year ahead. */
#define DEFAULT_DAYS_BACK 31
#define DEFAULT_DAYS_AHEAD 366
#define MAX_DAYS 400

typedef struct
{
  RbInterval range;
  gboolean has_range;
} CalendarArgs;

static gboolean
my_calendar_job (RbRequest *req, RbStore *store, GError **error)
{
  CalendarArgs *args = rb_request_get_data (req);
  RbPerson *person = rb_request_get_person (req);
  GTimeZone *tz = rb_store_get_time_zone (store);
  gint64 now = rb_store_now (store);
  RbBookingQuery query = { 0 };
  g_autoptr (GPtrArray) bookings = NULL;
  char *text;

  if (!args->has_range)
    {
      gint64 today = rb_local_day (tz, now).start;

      args->range = rb_interval_make (today - DEFAULT_DAYS_BACK * 24 * 3600,
                                      today + DEFAULT_DAYS_AHEAD * 24 * 3600);
    }
  query.person_id = rb_person_get_id (person);
  query.range = args->range;
  if (!(bookings = rb_store_list_bookings_sync (store, &query, error)))
    return FALSE;
  /* TRANSLATORS: the name of the calendar that "My bookings" exports (X-WR-CALNAME). */
  if (!(text = rb_ical_export_bookings (bookings, tz, now, _("Raumbuch: my bookings"), error)))
    return FALSE;
  rb_request_take_raw_body (req, "text/calendar; charset=utf-8", text, strlen (text));
  return TRUE;
}

static void
my_calendar_next (RbRequest *req)
{
  soup_message_headers_replace (
      soup_server_message_get_response_headers (rb_request_get_message (req)),
      "Content-Disposition", "attachment; filename=\"raumbuch.ics\"");
  rb_request_respond (req);
}

void
rb_handle_my_calendar (RbRequest *req)
{
  g_autoptr (GError) error = NULL;
  CalendarArgs *args = g_new0 (CalendarArgs, 1);
  gboolean has_from = FALSE, has_to = FALSE;

  rb_request_set_data (req, args, g_free);
  if (rb_request_get_time_query (req, "from", &args->range.start, &has_from, &error)
      && rb_request_get_time_query (req, "to", &args->range.end, &has_to, &error))
    {
      if (has_from != has_to)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, has_from ? "(to)" : "(from)");
      else if (has_from && !rb_interval_is_valid (args->range))
        rb_set_error (&error, RB_ERROR_INVALID_INTERVAL, NULL);
      else if (has_from && rb_interval_duration (args->range) > MAX_DAYS * 24 * 3600)
        rb_set_error (&error, RB_ERROR_INVALID_FIELD, "(to)");
      args->has_range = has_from;
    }
  if (error != NULL)
    {
      rb_request_fail (req, error);
      return;
    }
  rb_request_run (req, my_calendar_job, my_calendar_next);
}
