/* rb-pin-dialog.c: changing one's own PIN (see rb-pin-dialog.h). The rules are checked here
 * first, so the reason comes at once; the service checks the current PIN and the rules again. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-pin-dialog.h"

struct _RbPinDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkPasswordEntry *current_pin_entry;
  GtkPasswordEntry *new_pin_entry;
  GtkPasswordEntry *repeat_pin_entry;
  GtkLabel *error_label;
  GtkLabel *done_label;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (RbPinDialog, rb_pin_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (RbPinDialog *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
on_changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPinDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *message = NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "pin.submit", TRUE);
  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      message = g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED)
                    ? g_strdup (_("The current PIN is not correct."))
                    : rb_context_describe_error (self->context, error);
      show_error (self, message);
      return;
    }
  show_error (self, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->done_label), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->current_pin_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->new_pin_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->repeat_pin_entry), "");
}

static void
submit_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbPinDialog *self = RB_PIN_DIALOG (widget);
  RbPerson *person = rb_context_get_person (self->context);
  const char *current = gtk_editable_get_text (GTK_EDITABLE (self->current_pin_entry));
  const char *new_pin = gtk_editable_get_text (GTK_EDITABLE (self->new_pin_entry));
  const char *repeated = gtk_editable_get_text (GTK_EDITABLE (self->repeat_pin_entry));
  g_autoptr (GError) error = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->done_label), FALSE);
  if (person == NULL || *current == '\0' || *new_pin == '\0')
    return;
  if (!g_str_equal (new_pin, repeated))
    {
      show_error (self, _("The two new PINs are not the same."));
      return;
    }
  if (!rb_pin_rules_validate (new_pin, rb_person_get_staff_number (person), &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_widget_action_set_enabled (widget, "pin.submit", FALSE);
  rb_client_service_change_pin_async (rb_context_get_service (self->context), NULL, current,
                                      new_pin, self->cancellable, on_changed_cb,
                                      g_object_ref (self));
}

static void
rb_pin_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbPinDialog *self = RB_PIN_DIALOG (object);

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
rb_pin_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  RbPinDialog *self = RB_PIN_DIALOG (object);

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
rb_pin_dialog_dispose (GObject *object)
{
  RbPinDialog *self = RB_PIN_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_PIN_DIALOG);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_pin_dialog_parent_class)->dispose (object);
}

static void
rb_pin_dialog_class_init (RbPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_pin_dialog_dispose;
  object_class->get_property = rb_pin_dialog_get_property;
  object_class->set_property = rb_pin_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbPinDialog, current_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbPinDialog, new_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbPinDialog, repeat_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbPinDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbPinDialog, done_label);

  gtk_widget_class_install_action (widget_class, "pin.submit", NULL, submit_action_cb);
  /* Escape closes, as it does every dialog. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rb_pin_dialog_init (RbPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_pin_dialog_new (RbContext *context, GtkWindow *parent)
{
  return g_object_new (RB_TYPE_PIN_DIALOG, "context", context, "transient-for", parent, NULL);
}
