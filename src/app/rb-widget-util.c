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

static gboolean
scroll_to_selection_cb (gpointer user_data)
{
  GtkDropDown *dropdown = user_data;
  GtkWidget *popover = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_POPOVER);
  GtkWidget *list = popover != NULL ? rb_find_descendant (popover, GTK_TYPE_LIST_VIEW) : NULL;

  if (list != NULL && gtk_widget_get_mapped (list))
    gtk_widget_activate_action (list, "list.scroll-to-item", "u",
                                gtk_drop_down_get_selected (dropdown));
  return G_SOURCE_REMOVE;
}

static void
on_popover_shown_cb (GtkWidget *popover, GtkDropDown *dropdown)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, scroll_to_selection_cb, g_object_ref (dropdown),
                   g_object_unref);
}

/* A GtkDropDown of GTK 4.8 opens its list at the top, however far down the selected item
 * is (a time list at 06:00 when 17:00 is chosen). This opens it at the selected item: the
 * list has its size only once the popover is shown, so the scroll waits for the next turn of
 * the main loop. */
void
rb_drop_down_open_at_selection (GtkDropDown *dropdown)
{
  GtkWidget *popover = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_POPOVER);

  g_return_if_fail (popover != NULL);
  g_signal_connect_object (popover, "show", G_CALLBACK (on_popover_shown_cb), dropdown, 0);
}
