/* rb-bookings-page.h: "My bookings": the acting person's bookings from today on, with
 * check-in and cancel. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_BOOKINGS_PAGE (rb_bookings_page_get_type ())
G_DECLARE_FINAL_TYPE (RbBookingsPage, rb_bookings_page, RB, BOOKINGS_PAGE, AdwBin)

GtkWidget *rb_bookings_page_new (RbContext *context);

G_END_DECLS
