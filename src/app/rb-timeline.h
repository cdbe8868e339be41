/* rb-timeline.h: a day bar for one space: opening hours, booked stretches, the chosen time
 * and the current time. Supplementary to the row's text, never the only carrier of state. */
#pragma once

#include <gtk/gtk.h>

#include "rb-core.h"

G_BEGIN_DECLS

#define RB_TYPE_TIMELINE (rb_timeline_get_type ())
G_DECLARE_FINAL_TYPE (RbTimeline, rb_timeline, RB, TIMELINE, GtkWidget)

GtkWidget *rb_timeline_new (void);
void rb_timeline_set_day (RbTimeline *self, RbInterval hours, gint64 now);
void rb_timeline_set_busy (RbTimeline *self, GArray *busy);
void rb_timeline_set_selection (RbTimeline *self, RbInterval selection);
void rb_timeline_set_time_zone (RbTimeline *self, GTimeZone *tz);

G_END_DECLS
