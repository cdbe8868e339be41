/* rb-accessible.h: the accessible names and states that GTK 4.8 leaves out. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void rb_accessible_set_label (GtkWidget *widget, const char *label);
void rb_accessible_complete (GtkWidget *root);
void rb_accessible_watch (void);

G_END_DECLS
