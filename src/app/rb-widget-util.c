/* rb-widget-util.c: small helpers for widgets (see rb-widget-util.h). */
#include "config.h"

#include "rb-widget-util.h"

/* The first widget of type below widget, depth first; NULL if there is none. A GtkDropDown's
 * popover and its list are such internal children, reachable no other way in GTK 4.8. */
GtkWidget *
rb_find_descendant (GtkWidget *widget, GType type)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        return child;
      if ((found = rb_find_descendant (child, type)) != NULL)
        return found;
    }
  return NULL;
}
