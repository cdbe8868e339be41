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

/* ---- accessibility ------------------------------------------------------------------------ */

struct _RbActivityWatch
{
  GtkWidget *root;
  GCallback noted;
  gpointer data;
  guint signal_ids[2];
  gulong hook_ids[2];
};

static gboolean
on_activation_hook (GSignalInvocationHint *hint, guint n_params, const GValue *params,
                    gpointer user_data)
{
  RbActivityWatch *watch = user_data;
  GObject *instance = g_value_get_object (&params[0]);

  if (GTK_IS_WIDGET (instance)
      && (GtkWidget *) gtk_widget_get_root (GTK_WIDGET (instance)) == watch->root)
    ((void (*) (gpointer)) watch->noted) (watch->data);
  return TRUE;
}

/* Calls noted (with data) whenever a button below root is clicked or a list row below it is
 * activated, however that came about: a tap or a key, which the window sees as input events,
 * but also an assistive technology's action (a screen reader's or a switch's "click"), which
 * reaches the widget as a signal and no input event at all. Windows that reset themselves
 * when idle count both as a person there. */
RbActivityWatch *
rb_activity_watch_new (GtkWidget *root, GCallback noted, gpointer data)
{
  RbActivityWatch *watch = g_new0 (RbActivityWatch, 1);
  const struct
  {
    GType type;
    const char *signal;
  } watched[] = {
    { GTK_TYPE_BUTTON, "clicked" },
    { GTK_TYPE_LIST_BOX_ROW, "activate" },
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (watched) == G_N_ELEMENTS (watch->hook_ids));
  watch->root = root;
  watch->noted = noted;
  watch->data = data;
  for (guint i = 0; i < G_N_ELEMENTS (watched); i++)
    {
      /* the class makes its signals: it must exist before they can be looked up */
      GTypeClass *klass = g_type_class_ref (watched[i].type);

      watch->signal_ids[i] = g_signal_lookup (watched[i].signal, watched[i].type);
      watch->hook_ids[i]
          = g_signal_add_emission_hook (watch->signal_ids[i], 0, on_activation_hook, watch, NULL);
      g_type_class_unref (klass);
    }
  return watch;
}

void
rb_activity_watch_free (RbActivityWatch *watch)
{
  for (guint i = 0; i < G_N_ELEMENTS (watch->hook_ids); i++)
    g_signal_remove_emission_hook (watch->signal_ids[i], watch->hook_ids[i]);
  g_free (watch);
}

/* A stack of GTK 4.8 keeps the pages it does not show in the accessibility tree, as if they
 * were there: a screen reader would read every screen at once. Only the page shown stays
 * visible, once the change to it has ended. */
static void
hide_other_pages (GtkStack *stack)
{
  GtkWidget *shown = gtk_stack_get_visible_child (stack);

  if (gtk_stack_get_transition_running (stack))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (stack)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_visible (child, child == shown);
}

/* Hides the pages of stack that are not shown, now and after every change; show them with
 * rb_stack_show_page. */
void
rb_stack_hide_other_pages (GtkStack *stack)
{
  g_return_if_fail (GTK_IS_STACK (stack));

  hide_other_pages (stack);
  g_signal_connect (stack, "notify::transition-running", G_CALLBACK (hide_other_pages), NULL);
}

void
rb_stack_show_page (GtkStack *stack, const char *name)
{
  g_return_if_fail (GTK_IS_STACK (stack));

  gtk_widget_set_visible (gtk_stack_get_child_by_name (stack, name), TRUE);
  gtk_stack_set_visible_child_name (stack, name);
  hide_other_pages (stack);
}
