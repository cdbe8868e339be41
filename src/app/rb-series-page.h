/* rb-series-page.h: "Team Reservations" for team leads: reserve a project room for a sprint
 * (a date range, weekdays, a daily time window), see every day checked before anything is
 * written, reserve, cancel series. (The .ics export is in My Bookings.) */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_SERIES_PAGE (rb_series_page_get_type ())
G_DECLARE_FINAL_TYPE (RbSeriesPage, rb_series_page, RB, SERIES_PAGE, AdwBin)

GtkWidget *rb_series_page_new (RbContext *context);
gboolean rb_series_page_is_busy (RbSeriesPage *self);

G_END_DECLS
