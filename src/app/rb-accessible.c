/* rb-accessible.c: the accessible names and states that GTK 4.8 leaves out.
 *
 * GTK 4.8 joins a widget's label property and the names of its labelled-by relation, and
 * names a widget that has neither after its type. So a mnemonic button is "_Save Save", an
 * icon button "GtkImage", a drop-down's button "GtkToggleButton" and its items nothing; a
 * toggle button says "pressed" and never "checked". rb_accessible_complete() goes once over a
 * window's widgets and fills these in, and keeps them right as labels change; a screen
 * reader then hears what the eye sees. (GTK 4.10 and later do much of this themselves.) */
#include "config.h"

#include "rb-accessible.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "rb-widget-util.h"

#define COMPLETED_KEY "rb-accessible-completed"
#define OWN_LABEL_KEY "rb-accessible-own-label"

/* "_Save" → "Save", "__init" → "_init", as a GtkLabel shows a mnemonic label. */
static char *
strip_mnemonic (const char *label)
{
  GString *stripped = g_string_sized_new (strlen (label));

  for (const char *p = label; *p != '\0'; p++)
    {
      if (*p == '_' && p[1] == '_')
        g_string_append_c (stripped, *++p);
      else if (*p != '_')
        g_string_append_c (stripped, *p);
    }
  return g_string_free (stripped, FALSE);
}

/* Marks widget as completed; FALSE when it was already, so that no handler is connected
 * twice when a page is walked again. */
static gboolean
mark_completed (GtkWidget *widget)
{
  if (g_object_get_data (G_OBJECT (widget), COMPLETED_KEY) != NULL)
    return FALSE;
  g_object_set_data (G_OBJECT (widget), COMPLETED_KEY, GINT_TO_POINTER (TRUE));
  return TRUE;
}

static void
set_label (GtkWidget *widget, const char *label)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

/* What labels widget for a sighted user: a label given to rb_accessible_set_label(), the
 * labels whose mnemonic it is, or the title of the row it sits in. NULL if nothing. */
static char *
visible_label_of (GtkWidget *widget)
{
  const char *own = g_object_get_data (G_OBJECT (widget), OWN_LABEL_KEY);
  GList *mnemonic_labels;
  GtkWidget *row;

  if (own != NULL)
    return g_strdup (own);
  mnemonic_labels = gtk_widget_list_mnemonic_labels (widget);
  if (mnemonic_labels != NULL)
    {
      GString *text = g_string_new (NULL);

      for (GList *l = mnemonic_labels; l != NULL; l = l->next)
        {
          if (!GTK_IS_LABEL (l->data))
            continue;
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append (text, gtk_label_get_text (GTK_LABEL (l->data)));
        }
      g_list_free (mnemonic_labels);
      if (text->len > 0)
        return g_string_free (text, FALSE);
      g_string_free (text, TRUE);
    }
  row = gtk_widget_get_ancestor (widget, ADW_TYPE_ACTION_ROW);
  if (row != NULL)
    {
      const char *title = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));

      if (title != NULL && *title != '\0')
        return adw_preferences_row_get_use_underline (ADW_PREFERENCES_ROW (row))
                   ? strip_mnemonic (title)
                   : g_strdup (title);
    }
  return NULL;
}

/* ---- buttons ----------------------------------------------------------------------------- */

/* A button's name is its own label (set by rb_accessible_set_label), else the text it shows,
 * without the mnemonic's underscore and only once; an icon button's is its tooltip. */
static void
sync_button_name (GtkWidget *button, GParamSpec *pspec, gpointer user_data)
{
  const char *own = g_object_get_data (G_OBJECT (button), OWN_LABEL_KEY);
  const char *label;
  gboolean use_underline;

  if (own != NULL)
    {
      set_label (button, own);
      return;
    }
  if (GTK_IS_CHECK_BUTTON (button))
    {
      label = gtk_check_button_get_label (GTK_CHECK_BUTTON (button));
      use_underline = gtk_check_button_get_use_underline (GTK_CHECK_BUTTON (button));
    }
  else
    {
      label = gtk_button_get_label (GTK_BUTTON (button));
      use_underline = gtk_button_get_use_underline (GTK_BUTTON (button));
    }
  if (label != NULL && *label != '\0')
    {
      g_autofree char *stripped = use_underline ? strip_mnemonic (label) : g_strdup (label);

      set_label (button, stripped);
    }
  else if (GTK_IS_BUTTON (button) && GTK_IS_LABEL (gtk_button_get_child (GTK_BUTTON (button))))
    /* A label of its own as the child (libadwaita's message dialogs' responses). */
    set_label (button, gtk_label_get_text (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button)))));
  else if (GTK_IS_BUTTON (button) && gtk_button_get_icon_name (GTK_BUTTON (button)) != NULL)
    {
      const char *tooltip = gtk_widget_get_tooltip_text (button);
      const char *icon = gtk_button_get_icon_name (GTK_BUTTON (button));

      /* GTK's own search buttons (the shortcuts window's) have no tooltip. */
      if (tooltip == NULL && g_str_equal (icon, "edit-find-symbolic"))
        tooltip = _("Search");
      if (tooltip != NULL)
        gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                        tooltip, -1);
    }
  else if (GTK_IS_CHECK_BUTTON (button))
    {
      g_autofree char *row_label = visible_label_of (button);

      if (row_label != NULL)
        set_label (button, row_label);
    }
}

static void
on_toggle_active_cb (GtkToggleButton *toggle, GParamSpec *pspec, gpointer user_data)
{
  gtk_accessible_update_state (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_STATE_CHECKED,
                               gtk_toggle_button_get_active (toggle)
                                   ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                   : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
}

/* The button inside a drop-down or a menu button is named by its owner. */
static gboolean
is_inner_button (GtkWidget *button)
{
  return GTK_IS_MENU_BUTTON (gtk_widget_get_parent (button))
         || gtk_widget_get_ancestor (button, GTK_TYPE_DROP_DOWN) != NULL;
}

static void
complete_button (GtkWidget *button)
{
  if (is_inner_button (button) || !mark_completed (button))
    return;
  sync_button_name (button, NULL, NULL);
  /* After GTK's own handler, which sets the raw label again. */
  g_signal_connect (button, "notify::label", G_CALLBACK (sync_button_name), NULL);
  g_signal_connect (button, "notify::tooltip-text", G_CALLBACK (sync_button_name), NULL);
  if (GTK_IS_BUTTON (button))
    g_signal_connect (button, "notify::icon-name", G_CALLBACK (sync_button_name), NULL);
  if (GTK_IS_TOGGLE_BUTTON (button))
    {
      on_toggle_active_cb (GTK_TOGGLE_BUTTON (button), NULL, NULL);
      g_signal_connect (button, "notify::active", G_CALLBACK (on_toggle_active_cb), NULL);
    }
}

/* ---- menu buttons ------------------------------------------------------------------------ */

/* GTK names a menu button's inner button after the menu button, which has no name of its
 * own when it shows only an icon: its tooltip is then its name. */
static void
sync_menu_button_name (GtkMenuButton *menu_button, GParamSpec *pspec, gpointer user_data)
{
  g_autofree char *label = visible_label_of (GTK_WIDGET (menu_button));
  const char *shown_label = gtk_menu_button_get_label (menu_button);

  if (label == NULL && shown_label != NULL)
    label = gtk_menu_button_get_use_underline (menu_button) ? strip_mnemonic (shown_label)
                                                            : g_strdup (shown_label);
  if (label == NULL)
    label = g_strdup (gtk_widget_get_tooltip_text (GTK_WIDGET (menu_button)));
  if (label == NULL)
    {
      /* A menu button with a child of its own (GTK's shortcuts window's) says what it shows. */
      GtkWidget *shown = rb_find_descendant (GTK_WIDGET (menu_button), GTK_TYPE_LABEL);

      if (shown != NULL && *gtk_label_get_text (GTK_LABEL (shown)) != '\0')
        label = g_strdup (gtk_label_get_text (GTK_LABEL (shown)));
    }
  if (label != NULL)
    set_label (GTK_WIDGET (menu_button), label);
}

static void
complete_menu_button (GtkMenuButton *menu_button)
{
  if (!mark_completed (GTK_WIDGET (menu_button)))
    return;
  sync_menu_button_name (menu_button, NULL, NULL);
  g_signal_connect (menu_button, "notify::tooltip-text", G_CALLBACK (sync_menu_button_name), NULL);
  g_signal_connect (menu_button, "notify::label", G_CALLBACK (sync_menu_button_name), NULL);
}

/* ---- drop-downs -------------------------------------------------------------------------- */

static char *
selected_text (GtkDropDown *dropdown)
{
  gpointer item = gtk_drop_down_get_selected_item (dropdown);
  GtkExpression *expression = gtk_drop_down_get_expression (dropdown);

  if (item == NULL)
    return NULL;
  if (GTK_IS_STRING_OBJECT (item))
    return g_strdup (gtk_string_object_get_string (item));
  if (expression != NULL)
    {
      g_auto (GValue) value = G_VALUE_INIT;

      if (gtk_expression_evaluate (expression, item, &value) && G_VALUE_HOLDS_STRING (&value))
        return g_value_dup_string (&value);
    }
  return NULL;
}

/* The drop-down's button, the one focusable part of it, says what the drop-down is for and
 * what is chosen: "From: 17:00". */
static void
sync_drop_down_name (GtkDropDown *dropdown, GParamSpec *pspec, gpointer user_data)
{
  GtkWidget *button = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_TOGGLE_BUTTON);
  g_autofree char *label = visible_label_of (GTK_WIDGET (dropdown));
  g_autofree char *selected = selected_text (dropdown);
  g_autofree char *name = NULL;

  if (button == NULL)
    return;
  if (label != NULL && selected != NULL)
    name = g_strdup_printf ("%s: %s", label, selected);
  else
    name = g_strdup (label != NULL ? label : selected);
  if (name != NULL)
    set_label (button, name);
  if (label != NULL)
    {
      GtkWidget *popover = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_POPOVER);
      GtkWidget *list = popover != NULL ? rb_find_descendant (popover, GTK_TYPE_LIST_VIEW) : NULL;

      set_label (GTK_WIDGET (dropdown), label);
      if (list != NULL)
        set_label (list, label);
    }
}

/* An item of a list view is named by the text it shows. A list view makes its items when it
 * is laid out and while it scrolls; each is completed when it is shown (rb_accessible_watch),
 * or by name_list_items. An item not set up yet has no label: it is tried again. */
static void
complete_list_item (GtkWidget *item)
{
  GtkWidget *label = rb_find_descendant (item, GTK_TYPE_LABEL);

  if (label == NULL || !mark_completed (item))
    return;
  gtk_accessible_update_relation (GTK_ACCESSIBLE (item), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                  label, NULL, -1);
}

static gboolean
is_list_item (GtkWidget *widget)
{
  return GTK_IS_LIST_VIEW (gtk_widget_get_parent (widget))
         && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (widget))
                == GTK_ACCESSIBLE_ROLE_LIST_ITEM;
}

static void
name_list_items (GtkWidget *list)
{
  for (GtkWidget *item = gtk_widget_get_first_child (list); item != NULL;
       item = gtk_widget_get_next_sibling (item))
    if (is_list_item (item))
      complete_list_item (item);
}

/* A list out of sight (on a page not shown) makes new items when its model changes; they
 * are in the accessibility tree all the same. */
static gboolean
name_list_items_idle_cb (gpointer data)
{
  g_autoptr (GtkWidget) list = data;

  name_list_items (list);
  return G_SOURCE_REMOVE;
}

static void
on_list_items_changed_cb (GListModel *model, guint position, guint removed, guint added,
                          GtkWidget *list)
{
  g_idle_add (name_list_items_idle_cb, g_object_ref (list));
}

static void
on_list_model_cb (GtkListView *list, GParamSpec *pspec, gpointer user_data)
{
  GtkSelectionModel *model = gtk_list_view_get_model (list);

  if (model != NULL)
    g_signal_connect_object (model, "items-changed", G_CALLBACK (on_list_items_changed_cb),
                             list, 0);
  on_list_items_changed_cb (NULL, 0, 0, 0, GTK_WIDGET (list));
}

/* A list view is named by its label or row (a drop-down names its own list), its items by
 * their texts. */
static void
complete_list_view (GtkWidget *list)
{
  g_autofree char *label = NULL;

  if (!mark_completed (list))
    return;
  label = visible_label_of (list);
  if (label != NULL)
    set_label (list, label);
  g_signal_connect (list, "notify::model", G_CALLBACK (on_list_model_cb), NULL);
  on_list_model_cb (GTK_LIST_VIEW (list), NULL, NULL);
}

/* The widget that shows the choice inside the button can take focus in GTK 4.8, unnamed;
 * the button is the one place focus belongs. */
static void
make_unfocusable_below (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      gtk_widget_set_focusable (child, FALSE);
      make_unfocusable_below (child);
    }
}

static void
complete_drop_down (GtkDropDown *dropdown)
{
  GtkWidget *button = rb_find_descendant (GTK_WIDGET (dropdown), GTK_TYPE_TOGGLE_BUTTON);

  if (!mark_completed (GTK_WIDGET (dropdown)))
    return;
  if (button != NULL)
    make_unfocusable_below (button);
  sync_drop_down_name (dropdown, NULL, NULL);
  g_signal_connect (dropdown, "notify::selected", G_CALLBACK (sync_drop_down_name), NULL);
  g_signal_connect (dropdown, "notify::model", G_CALLBACK (sync_drop_down_name), NULL);
}

/* ---- the rest ---------------------------------------------------------------------------- */

/* An alert without text is no alert: GTK would name it "GtkLabel", and a screen reader
 * would find it on its way. */
static void
sync_alert_visible (GtkLabel *label, GParamSpec *pspec, gpointer user_data)
{
  const char *text = gtk_label_get_text (label);

  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
complete_alert (GtkLabel *label)
{
  if (!mark_completed (GTK_WIDGET (label)))
    return;
  sync_alert_visible (label, NULL, NULL);
  g_signal_connect (label, "notify::label", G_CALLBACK (sync_alert_visible), NULL);
}

/* A spin button or switch at the end of a row is named by the row's title. */
static void
complete_row_control (GtkWidget *control)
{
  g_autofree char *label = NULL;

  if (!mark_completed (control))
    return;
  label = visible_label_of (control);
  if (label != NULL)
    set_label (control, label);
}

/* A row's subtitle (a space's state, a booking's time) is its description: libadwaita 1.2
 * names a row by its title alone. */
static void
sync_row_description (AdwActionRow *row, GParamSpec *pspec, gpointer user_data)
{
  const char *subtitle = adw_action_row_get_subtitle (row);

  if (subtitle != NULL && *subtitle != '\0')
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                    subtitle, -1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
complete_action_row (AdwActionRow *row)
{
  if (!mark_completed (GTK_WIDGET (row)))
    return;
  sync_row_description (row, NULL, NULL);
  g_signal_connect (row, "notify::subtitle", G_CALLBACK (sync_row_description), NULL);
}

/* A search entry is named by its label, else by the hint it shows while empty. */
static void
complete_search_entry (GtkWidget *entry)
{
  g_autofree char *label = NULL;

  if (!mark_completed (entry))
    return;
  label = visible_label_of (entry);
  if (label == NULL)
    g_object_get (entry, "placeholder-text", &label, NULL);
  if (label != NULL)
    set_label (entry, label);
}

/* A row of a list is named by the texts it shows (a GtkStackSidebar's, a list of bookings);
 * libadwaita's rows name themselves. */
static void
collect_texts (GtkWidget *widget, GList **labels)
{
  for (GtkWidget *child = gtk_widget_get_last_child (widget); child != NULL;
       child = gtk_widget_get_prev_sibling (child))
    {
      if (!gtk_widget_get_visible (child) || GTK_IS_BUTTON (child) || GTK_IS_MENU_BUTTON (child))
        continue;
      if (GTK_IS_LABEL (child))
        *labels = g_list_prepend (*labels, child);
      else
        collect_texts (child, labels);
    }
}

static void
complete_list_box_row (GtkListBoxRow *row)
{
  GtkAccessibleRelation relation = GTK_ACCESSIBLE_RELATION_LABELLED_BY;
  g_auto (GValue) value = G_VALUE_INIT;
  GList *labels = NULL;

  if (ADW_IS_PREFERENCES_ROW (row) || !mark_completed (GTK_WIDGET (row)))
    return;
  collect_texts (GTK_WIDGET (row), &labels);
  if (labels == NULL)
    return;
  /* The relation takes the list, not a copy. */
  g_value_init (&value, G_TYPE_POINTER);
  g_value_set_pointer (&value, labels);
  gtk_accessible_update_relation_value (GTK_ACCESSIBLE (row), 1, &relation, &value);
}

/* A list is named by its label, or by the group it is the list of. */
static void
complete_list_box (GtkWidget *list)
{
  g_autofree char *label = NULL;
  GtkWidget *group;

  if (!mark_completed (list))
    return;
  label = visible_label_of (list);
  group = gtk_widget_get_ancestor (list, ADW_TYPE_PREFERENCES_GROUP);
  if (label == NULL && group != NULL)
    label = g_strdup (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)));
  if (label != NULL && *label != '\0')
    set_label (list, label);
  else
    /* Its rows take the focus; an unnamed list around them need not. */
    gtk_widget_set_focusable (list, FALSE);
}

/* GTK 4.8 makes every scrolled window a stop of the Tab key, unnamed; what it holds takes
 * the focus instead and is scrolled to. One that must keep it (text with nothing to focus)
 * is named with rb_accessible_set_label(). */
static void
complete_scrolled_window (GtkWidget *scroller)
{
  if (!mark_completed (scroller))
    return;
  if (g_object_get_data (G_OBJECT (scroller), OWN_LABEL_KEY) == NULL)
    gtk_widget_set_focusable (scroller, FALSE);
}

/* Completes root alone, whatever kind of widget it is. */
static void
complete_one (GtkWidget *root)
{
  if (GTK_IS_DROP_DOWN (root))
    complete_drop_down (GTK_DROP_DOWN (root));
  else if (GTK_IS_MENU_BUTTON (root))
    complete_menu_button (GTK_MENU_BUTTON (root));
  else if (GTK_IS_BUTTON (root) || GTK_IS_CHECK_BUTTON (root))
    complete_button (root);
  else if (GTK_IS_SEARCH_ENTRY (root))
    complete_search_entry (root);
  else if (GTK_IS_SPIN_BUTTON (root) || GTK_IS_SWITCH (root))
    complete_row_control (root);
  else if (GTK_IS_LIST_VIEW (root))
    complete_list_view (root);
  else if (is_list_item (root))
    complete_list_item (root);
  else if (GTK_IS_LIST_BOX (root))
    complete_list_box (root);
  else if (ADW_IS_ACTION_ROW (root))
    complete_action_row (ADW_ACTION_ROW (root));
  else if (GTK_IS_LIST_BOX_ROW (root))
    complete_list_box_row (GTK_LIST_BOX_ROW (root));
  else if (GTK_IS_SCROLLED_WINDOW (root))
    complete_scrolled_window (root);
  else if (GTK_IS_LABEL (root)
           && gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (root))
                  == GTK_ACCESSIBLE_ROLE_ALERT)
    complete_alert (GTK_LABEL (root));
}

/**
 * rb_accessible_complete:
 * @root: a window, page or row
 *
 * Fills in the names and states GTK 4.8 leaves out, for @root and every widget below it:
 * buttons named once and without the mnemonic's underscore, icon buttons and menu buttons by
 * their tooltip, drop-downs' buttons by their label and choice and their items by their
 * text, spin buttons and switches by their row, rows of lists by their texts (a row's
 * subtitle its description), toggle buttons
 * checked or not, empty alerts hidden, scrolled windows no stop of the Tab key. Safe to call
 * again on the same widgets.
 */
void
rb_accessible_complete (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  complete_one (root);
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    rb_accessible_complete (child);
}

/* Each widget is completed when it is first shown (its children are shown after it), a
 * window as a whole. */
static gboolean
on_widget_mapped_cb (GSignalInvocationHint *hint, guint n_values, const GValue *values,
                     gpointer user_data)
{
  GtkWidget *widget = g_value_get_object (&values[0]);

  /* A window's parts not shown (a dialog's other layout) are in the tree all the same. */
  if (GTK_IS_WINDOW (widget))
    rb_accessible_complete (widget);
  else if (g_object_get_data (G_OBJECT (widget), COMPLETED_KEY) == NULL)
    complete_one (widget);
  return TRUE;
}

/**
 * rb_accessible_watch:
 *
 * Completes every widget of the application when it is first shown: rows a page adds
 * later, dialogs, popovers. (rb_accessible_complete() on a window at its start completes
 * also what is not shown yet, such as the other pages of a stack, which a screen reader
 * reaches too.) Call once, after GTK is initialised.
 */
void
rb_accessible_watch (void)
{
  static gsize watching = 0;

  if (g_once_init_enter (&watching))
    {
      guint map_signal;

      /* The signal exists once the class does; the hook keeps the class for good. */
      g_type_class_ref (GTK_TYPE_WIDGET);
      map_signal = g_signal_lookup ("map", GTK_TYPE_WIDGET);

      g_signal_add_emission_hook (map_signal, 0, on_widget_mapped_cb, NULL, NULL);
      g_once_init_leave (&watching, 1);
    }
}

/**
 * rb_accessible_set_label:
 * @widget: any widget
 * @label: its whole accessible name
 *
 * Names @widget @label, instead of the text it shows (which GTK 4.8 would add to it): a
 * plan's desk button "Desk 0.01, free", a "Book" button "Book Desk 0.01". Holds when a
 * button's label changes later.
 */
void
rb_accessible_set_label (GtkWidget *widget, const char *label)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (label != NULL);

  g_object_set_data_full (G_OBJECT (widget), OWN_LABEL_KEY, g_strdup (label), g_free);
  if (GTK_IS_DROP_DOWN (widget))
    sync_drop_down_name (GTK_DROP_DOWN (widget), NULL, NULL);
  else if (GTK_IS_MENU_BUTTON (widget))
    sync_menu_button_name (GTK_MENU_BUTTON (widget), NULL, NULL);
  else
    set_label (widget, label);
  if (GTK_IS_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    complete_button (widget);
}
