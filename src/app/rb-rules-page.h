/* rb-rules-page.h: "Rules" for administrators: the site's policy — opening hours, how far
 * ahead desks and rooms can be booked, the longest desk booking, check-in and release, one
 * desk per day, showing names — checked as it is typed and saved through the client service,
 * in force at once. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_RULES_PAGE (rb_rules_page_get_type ())
G_DECLARE_FINAL_TYPE (RbRulesPage, rb_rules_page, RB, RULES_PAGE, AdwBin)

GtkWidget *rb_rules_page_new (RbContext *context);
gboolean rb_rules_page_is_saving (RbRulesPage *self);

G_END_DECLS
