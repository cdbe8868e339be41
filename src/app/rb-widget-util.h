/* rb-widget-util.h: small helpers for widgets that GTK 4.8 does not offer. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *rb_find_descendant (GtkWidget *widget, GType type);
void rb_drop_down_open_at_selection (GtkDropDown *dropdown);

G_END_DECLS
