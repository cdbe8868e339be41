/* rb-bookings-page.h: "My bookings": the signed-in person's bookings from today on, series
 * grouped, with check-in, change, cancel (and undo), and the iCalendar export. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_BOOKINGS_PAGE (rb_bookings_page_get_type ())
G_DECLARE_FINAL_TYPE (RbBookingsPage, rb_bookings_page, RB, BOOKINGS_PAGE, AdwBin)

GtkWidget *rb_bookings_page_new (RbContext *context);
void rb_bookings_page_export_ics (RbBookingsPage *self, GFile *file);
gboolean rb_bookings_page_is_busy (RbBookingsPage *self);

G_END_DECLS
