/* rb-window.c: the desktop window. It owns the pages, the "book as" person chooser and the
 * toasts the pages ask for through the win.toast action. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-bookings-page.h"
#include "rb-find-page.h"
#include "rb-login-dialog.h"
#include "rb-occupancy-page.h"
#include "rb-occupancy.h"
#include "rb-series-page.h"
#include "rb-series-store.h"
#include "rb-window.h"

struct _RbWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwViewStack *stack;
  AdwToastOverlay *toast_overlay;
  GtkDropDown *person_dropdown;

  /* borrowed: pages shown only to some roles; NULL when not added */
  AdwViewStackPage *series_page;
  AdwViewStackPage *occupancy_page;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *people;
};

G_DEFINE_FINAL_TYPE (RbWindow, rb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
on_person_selected_cb (RbWindow *self)
{
  guint selected = gtk_drop_down_get_selected (self->person_dropdown);

  if (self->people != NULL && selected < self->people->len)
    rb_context_set_person (self->context, g_ptr_array_index (self->people, selected));
}

static void
on_people_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *people = rb_store_list_finish (RB_STORE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *acting = NULL;
  guint selected = 0;

  if (people == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
      return;
    }
  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->people = people;

  acting = g_settings_get_string (rb_context_get_settings (self->context), "acting-person");
  for (guint i = 0; i < people->len; i++)
    {
      RbPerson *person = g_ptr_array_index (people, i);
      /* TRANSLATORS: a person in the "book as" chooser: name and role. */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), rb_person_get_display_name (person),
                                                rb_role_label (rb_person_get_role (person)));
      gtk_string_list_append (names, label);
      if (g_str_equal (rb_person_get_staff_number (person), acting))
        selected = i;
    }
  gtk_drop_down_set_model (self->person_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->person_dropdown, selected);
  on_person_selected_cb (self);
}

static gboolean
present_login_cb (gpointer user_data)
{
  RbWindow *self = user_data;

  if (self->context != NULL && rb_context_get_person (self->context) == NULL)
    gtk_window_present (GTK_WINDOW (rb_login_dialog_new (self->context, GTK_WINDOW (self))));
  return G_SOURCE_REMOVE;
}

static void
toast_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);
  AdwToast *toast = adw_toast_new (g_variant_get_string (parameter, NULL));

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Team reservations are for team leads (and admins), occupancy for facility managers (and
 * admins): the pages follow whoever acts. */
static void
on_person_changed_cb (RbWindow *self)
{
  RbPerson *person = rb_context_get_person (self->context);
  RbRole role = person ? rb_person_get_role (person) : RB_ROLE_STAFF;
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  if (self->series_page != NULL)
    adw_view_stack_page_set_visible (self->series_page, rb_series_may_create (role));
  if (self->occupancy_page != NULL)
    adw_view_stack_page_set_visible (self->occupancy_page, rb_occupancy_may_read_reports (role));
  if (visible != NULL && !adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, visible)))
    adw_view_stack_set_visible_child_name (self->stack, "find");
}

static void
rb_window_constructed (GObject *object)
{
  RbWindow *self = RB_WINDOW (object);
  GSettings *settings;
  AdwViewStackPage *page;

  G_OBJECT_CLASS (rb_window_parent_class)->constructed (object);

  settings = rb_context_get_settings (self->context);
  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  page = adw_view_stack_add_titled (self->stack, rb_find_page_new (self->context), "find",
                                    _("Find a Space"));
  adw_view_stack_page_set_icon_name (page, "find-location-symbolic");
  page = adw_view_stack_add_titled (self->stack, rb_bookings_page_new (self->context), "bookings",
                                    _("My Bookings"));
  adw_view_stack_page_set_icon_name (page, "x-office-calendar-symbolic");
  if (rb_series_page_is_available (self->context))
    {
      self->series_page = adw_view_stack_add_titled (self->stack,
                                                     rb_series_page_new (self->context),
                                                     "series", _("Team Reservations"));
      adw_view_stack_page_set_icon_name (self->series_page, "system-users-symbolic");
    }
  if (rb_occupancy_page_is_available (self->context))
    {
      self->occupancy_page = adw_view_stack_add_titled (self->stack,
                                                        rb_occupancy_page_new (self->context),
                                                        "occupancy", _("Occupancy"));
      adw_view_stack_page_set_icon_name (self->occupancy_page, "x-office-spreadsheet-symbolic");
    }
  g_signal_connect_object (self->context, "notify::person", G_CALLBACK (on_person_changed_cb),
                           self, G_CONNECT_SWAPPED);
  on_person_changed_cb (self);

  /* With a server the person is whoever logged in, not someone chosen from a list. */
  if (rb_context_get_sync_engine (self->context) != NULL)
    {
      gtk_widget_set_visible (gtk_widget_get_parent (GTK_WIDGET (self->person_dropdown)), FALSE);
      g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, present_login_cb, g_object_ref (self),
                       g_object_unref);
      return;
    }
  g_signal_connect_swapped (self->person_dropdown, "notify::selected",
                            G_CALLBACK (on_person_selected_cb), self);
  rb_store_list_people_async (rb_context_get_store (self->context), self->cancellable,
                              on_people_loaded_cb, g_object_ref (self));
}

static void
rb_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbWindow *self = RB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RbWindow *self = RB_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_window_dispose (GObject *object)
{
  RbWindow *self = RB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_WINDOW);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_window_parent_class)->dispose (object);
}

static void
rb_window_class_init (RbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_window_constructed;
  object_class->dispose = rb_window_dispose;
  object_class->get_property = rb_window_get_property;
  object_class->set_property = rb_window_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, person_dropdown);

  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action_cb);
}

static void
rb_window_init (RbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

RbWindow *
rb_window_new (RbApplication *application, RbContext *context)
{
  return g_object_new (RB_TYPE_WINDOW, "application", application, "context", context, NULL);
}
