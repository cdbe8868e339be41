/* rb-login-dialog.c: the login of the desktop app in server mode. The PIN goes to the server
 * only; the session token stays in the API client's memory and is never written anywhere. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-login-dialog.h"

struct _RbLoginDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkLabel *server_label;
  GtkEntry *staff_entry;
  GtkPasswordEntry *pin_entry;
  GtkLabel *error_label;
  GtkButton *login_button;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  RbPerson *person;
};

G_DEFINE_FINAL_TYPE (RbLoginDialog, rb_login_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_busy (RbLoginDialog *self, gboolean busy)
{
  /* Not insensitive: the focused entry would lose focus without a focus-out. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "login.submit", !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->staff_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->pin_entry), !busy);
}

static void
show_failure (RbLoginDialog *self, const GError *error)
{
  const char *message = error->message;

  if (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
    message = _("The staff number or the PIN is not correct.");
  else if (error->domain == G_IO_ERROR)
    message = _("The booking server cannot be reached. Check the connection and try again.");
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  set_busy (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
}

static void
on_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_sync_engine_import_building_finish (RB_SYNC_ENGINE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error);
      return;
    }
  rb_context_set_person (self->context, self->person);
  rb_context_bookings_changed (self->context);
  /* Hidden first, so that the focused entry gets its focus-out before it is destroyed
   * (GTK 4.8 warns otherwise). */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_logged_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  RbPerson *person = rb_sync_engine_login_finish (RB_SYNC_ENGINE (source), result, &error);

  if (person == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error);
      return;
    }
  g_clear_object (&self->person);
  self->person = person;
  /* On the first start the local store is empty: the building comes from the server. */
  rb_sync_engine_import_building_async (RB_SYNC_ENGINE (source), self->cancellable,
                                        on_imported_cb, g_object_ref (self));
}

static void
submit_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (widget);
  RbSyncEngine *engine = rb_context_get_sync_engine (self->context);
  const char *staff_number = gtk_editable_get_text (GTK_EDITABLE (self->staff_entry));
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  if (engine == NULL || *staff_number == '\0' || *pin == '\0')
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  rb_sync_engine_login_async (engine, staff_number, pin, self->cancellable, on_logged_in_cb,
                              g_object_ref (self));
}

static void
rb_login_dialog_constructed (GObject *object)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (object);
  RbSyncEngine *engine;

  G_OBJECT_CLASS (rb_login_dialog_parent_class)->constructed (object);

  engine = rb_context_get_sync_engine (self->context);
  if (engine != NULL)
    {
      /* TRANSLATORS: %s is the address of the booking server. */
      g_autofree char *text = g_strdup_printf (
          _("Log in to the booking server %s with your staff number and PIN."),
          rb_api_client_get_base_url (rb_sync_engine_get_client (engine)));
      gtk_label_set_label (self->server_label, text);
    }
}

static void
rb_login_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (object);

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
rb_login_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (object);

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
rb_login_dialog_dispose (GObject *object)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_LOGIN_DIALOG);
  g_clear_object (&self->context);
  g_clear_object (&self->person);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_login_dialog_parent_class)->dispose (object);
}

static void
rb_login_dialog_class_init (RbLoginDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_login_dialog_constructed;
  object_class->dispose = rb_login_dialog_dispose;
  object_class->get_property = rb_login_dialog_get_property;
  object_class->set_property = rb_login_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-login-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, server_label);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, staff_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, login_button);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action_cb);
}

static void
rb_login_dialog_init (RbLoginDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_login_dialog_new (RbContext *context, GtkWindow *parent)
{
  return g_object_new (RB_TYPE_LOGIN_DIALOG, "context", context, "transient-for", parent, NULL);
}
