/* rb-widget-util.h: small helpers for widgets that GTK 4.8 does not offer. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *rb_find_descendant (GtkWidget *widget, GType type);

G_END_DECLS
