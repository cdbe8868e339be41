/* rb-widget-util.h: small helpers for widgets that GTK 4.8 does not offer. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

GtkWidget *rb_find_descendant (GtkWidget *widget, GType type);
void rb_drop_down_open_at_selection (GtkDropDown *dropdown);

typedef struct _RbActivityWatch RbActivityWatch;
RbActivityWatch *rb_activity_watch_new (GtkWidget *root, GCallback noted, gpointer data);
void rb_activity_watch_free (RbActivityWatch *watch);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbActivityWatch, rb_activity_watch_free)

void rb_stack_hide_other_pages (GtkStack *stack);
void rb_stack_show_page (GtkStack *stack, const char *name);

G_END_DECLS
