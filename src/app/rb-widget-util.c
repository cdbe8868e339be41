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

/* Runs before each frame until the list has been given its height: a scroll before that
 * does nothing. */
static gboolean
scroll_once_laid_out_cb (GtkWidget *list, GdkFrameClock *clock, gpointer user_data)
{
  GtkWidget *dropdown = gtk_widget_get_ancestor (list, GTK_TYPE_DROP_DOWN);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list));

  if (dropdown == NULL)
    return G_SOURCE_REMOVE;
  if (adjustment == NULL || gtk_adjustment_get_page_size (adjustment) <= 0.0)
    return G_SOURCE_CONTINUE;
  gtk_widget_activate_action (list, "list.scroll-to-item", "u",
                              gtk_drop_down_get_selected (GTK_DROP_DOWN (dropdown)));
  return G_SOURCE_REMOVE;
}

static void
on_popover_shown_cb (GtkWidget *popover, gpointer user_data)
{
  GtkWidget *list = rb_find_descendant (popover, GTK_TYPE_LIST_VIEW);

  if (list != NULL)
    gtk_widget_add_tick_callback (list, scroll_once_laid_out_cb, NULL, NULL);
}

/* A GtkDropDown of GTK 4.8 opens its list at the top, however far down the selected item
 * is (a time list at 06:00 when 17:00 is chosen). This opens it at the selected item: the
 * list has its height only once the popover's window is mapped and laid out, which on a busy
 * machine can take several turns of the main loop, so the scroll waits for it frame by
 * frame. */
void
rb_drop_down_open_at_selection (GtkDropDown *dropdown)
{
  GtkWidget *popover = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_POPOVER);

  g_return_if_fail (popover != NULL);
  g_signal_connect_object (popover, "show", G_CALLBACK (on_popover_shown_cb), dropdown, 0);
}
