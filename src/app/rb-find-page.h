/* rb-find-page.h: "Find a space": choose floor, day and time, filter by kind and amenities,
 * see what is free and book it. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_FIND_PAGE (rb_find_page_get_type ())
G_DECLARE_FINAL_TYPE (RbFindPage, rb_find_page, RB, FIND_PAGE, AdwBin)

GtkWidget *rb_find_page_new (RbContext *context);
RbInterval rb_find_page_get_chosen (RbFindPage *self);
void rb_find_page_focus_controls (RbFindPage *self);

G_END_DECLS
