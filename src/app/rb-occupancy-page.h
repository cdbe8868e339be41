/* rb-occupancy-page.h: "Occupancy" for facility managers: a floor × hour heat map of one
 * week's utilisation, the week's figures and the CSV export. Aggregates only. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_OCCUPANCY_PAGE (rb_occupancy_page_get_type ())
G_DECLARE_FINAL_TYPE (RbOccupancyPage, rb_occupancy_page, RB, OCCUPANCY_PAGE, AdwBin)

GtkWidget *rb_occupancy_page_new (RbContext *context);
void rb_occupancy_page_set_week (RbOccupancyPage *self, int year, int month, int day);
gboolean rb_occupancy_page_is_loading (RbOccupancyPage *self);
void rb_occupancy_page_save_csv (RbOccupancyPage *self, GFile *file);

G_END_DECLS
