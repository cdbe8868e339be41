/* rb-login-dialog.c: the sign-in dialog (see rb-login-dialog.h). The PIN (or the directory
 * password) goes to the client service only; what it keeps to resume the session is the service's business. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-login-dialog.h"

struct _RbLoginDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkLabel *server_label;
  GtkBox *picker_box;
  GtkDropDown *person_dropdown;
  GtkBox *pin_box;
  GtkEntry *staff_entry;
  GtkPasswordEntry *pin_entry;
  GtkBox *directory_box;
  GtkEntry *username_entry;
  GtkPasswordEntry *password_entry;
  GtkButton *switch_button;
  GtkBox *new_pin_box;
  GtkPasswordEntry *new_pin_entry;
  GtkPasswordEntry *repeat_pin_entry;
  GtkLabel *error_label;
  GtkButton *login_button;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *people;
  /* after a one-time PIN: who signs in, and with which PIN, until the new one is set */
  char *staff_number;
  char *one_time_pin;
  /* Where the server has a directory (issue 14), desktops sign in with it; staff number and
   * PIN stay one click away for those the directory does not know. */
  gboolean use_pin;
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
  gtk_editable_set_editable (GTK_EDITABLE (self->username_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->new_pin_entry), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->repeat_pin_entry), !busy);
}

static void
forget_one_time_pin (RbLoginDialog *self)
{
  if (self->one_time_pin != NULL)
    memset (self->one_time_pin, 0, strlen (self->one_time_pin));
  g_clear_pointer (&self->one_time_pin, g_free);
  g_clear_pointer (&self->staff_number, g_free);
}

/* A message above the fields, e.g. why the person has to sign in again. */
void
rb_login_dialog_show_message (RbLoginDialog *self, const char *message)
{
  g_return_if_fail (RB_IS_LOGIN_DIALOG (self));

  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_failure (RbLoginDialog *self, const GError *error)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
    message = g_strdup (_("The staff number or the PIN is not correct."));
  else if (g_error_matches (error, RB_ERROR, RB_ERROR_LOCKED)
           && gtk_widget_get_visible (GTK_WIDGET (self->directory_box)))
    {
      /* The service words a lock for PINs, with when it ends; here it was passwords. */
      const char *pins = _("Too many wrong PINs. This staff number is locked.");
      const char *when = g_str_has_prefix (error->message, pins) ? error->message + strlen (pins)
                                                                 : "";

      message = g_strconcat (_("Too many wrong passwords. This user name is locked here."), when,
                             NULL);
    }
  else
    message = rb_context_describe_error (self->context, error);
  rb_login_dialog_show_message (self, message);
  set_busy (self, FALSE);
  if (self->one_time_pin != NULL)
    {
      gtk_editable_set_text (GTK_EDITABLE (self->new_pin_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_pin_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->new_pin_entry));
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->password_entry), "");
  if (gtk_widget_get_visible (GTK_WIDGET (self->pin_box)))
    gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
  else if (gtk_widget_get_visible (GTK_WIDGET (self->directory_box)))
    gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
}

/* The PIN was right but given out for one use: the person chooses their own before the
 * session opens. */
static void
ask_for_new_pin (RbLoginDialog *self, const char *staff_number, const char *pin)
{
  forget_one_time_pin (self);
  self->staff_number = g_strdup (staff_number);
  self->one_time_pin = g_strdup (pin);
  gtk_editable_set_text (GTK_EDITABLE (self->pin_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->pin_box), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->new_pin_box), TRUE);
  rb_login_dialog_show_message (self, NULL);
  set_busy (self, FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->new_pin_entry));
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = rb_client_service_person_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);

  if (person == NULL)
    {
      if (g_error_matches (error, RB_ERROR, RB_ERROR_PIN_CHANGE_REQUIRED)
          && self->one_time_pin == NULL)
        ask_for_new_pin (self, gtk_editable_get_text (GTK_EDITABLE (self->staff_entry)),
                         gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));
      else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error);
      return;
    }
  forget_one_time_pin (self);
  /* The demo's choice is remembered for a start without a keyring. */
  if (gtk_widget_get_visible (GTK_WIDGET (self->picker_box)))
    g_settings_set_string (rb_context_get_settings (self->context), "acting-person",
                           rb_person_get_staff_number (person));
  /* Hidden first, so that the focused entry gets its focus-out before it is destroyed
   * (GTK 4.8 warns otherwise). */
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
on_pin_changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error);
      return;
    }
  /* Signed in with the new PIN, as if it had been typed. */
  rb_client_service_sign_in_async (RB_CLIENT_SERVICE (source), self->staff_number,
                                   gtk_editable_get_text (GTK_EDITABLE (self->new_pin_entry)),
                                   self->cancellable, on_signed_in_cb, g_object_ref (self));
}

static void
submit_new_pin (RbLoginDialog *self)
{
  const char *new_pin = gtk_editable_get_text (GTK_EDITABLE (self->new_pin_entry));
  const char *repeated = gtk_editable_get_text (GTK_EDITABLE (self->repeat_pin_entry));
  g_autoptr (GError) error = NULL;

  if (*new_pin == '\0')
    return;
  if (!g_str_equal (new_pin, repeated))
    {
      rb_login_dialog_show_message (self, _("The two new PINs are not the same."));
      gtk_editable_set_text (GTK_EDITABLE (self->repeat_pin_entry), "");
      gtk_widget_grab_focus (GTK_WIDGET (self->repeat_pin_entry));
      return;
    }
  if (!rb_pin_rules_validate (new_pin, self->staff_number, &error))
    {
      show_failure (self, error);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  rb_client_service_change_pin_async (rb_context_get_service (self->context), self->staff_number,
                                      self->one_time_pin, new_pin, self->cancellable,
                                      on_pin_changed_cb, g_object_ref (self));
}

static void
submit_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (widget);
  RbClientService *service = rb_context_get_service (self->context);
  const char *staff_number = gtk_editable_get_text (GTK_EDITABLE (self->staff_entry));
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  if (self->one_time_pin != NULL)
    {
      submit_new_pin (self);
      return;
    }

  if (gtk_widget_get_visible (GTK_WIDGET (self->directory_box)))
    {
      const char *username = gtk_editable_get_text (GTK_EDITABLE (self->username_entry));
      const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_entry));

      if (*username == '\0' || *password == '\0')
        return;
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
      set_busy (self, TRUE);
      rb_client_service_sign_in_directory_async (service, username, password, self->cancellable,
                                                 on_signed_in_cb, g_object_ref (self));
      return;
    }
  if (gtk_widget_get_visible (GTK_WIDGET (self->picker_box)))
    {
      guint selected = gtk_drop_down_get_selected (self->person_dropdown);

      if (self->people == NULL || selected >= self->people->len)
        return;
      staff_number = rb_person_get_staff_number (g_ptr_array_index (self->people, selected));
      pin = NULL;
    }
  else if (*staff_number == '\0' || *pin == '\0')
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_busy (self, TRUE);
  rb_client_service_sign_in_async (service, staff_number, pin, self->cancellable, on_signed_in_cb,
                                   g_object_ref (self));
}

static void
on_people_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbLoginDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *people = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *acting = NULL;
  guint selected = 0;

  if (people == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_failure (self, error);
      return;
    }
  g_clear_pointer (&self->people, g_ptr_array_unref);
  self->people = people;
  acting = g_settings_get_string (rb_context_get_settings (self->context), "acting-person");
  for (guint i = 0; i < people->len; i++)
    {
      RbPerson *person = g_ptr_array_index (people, i);
      /* TRANSLATORS: a person in the demo building's chooser: name and role. */
      g_autofree char *label = g_strdup_printf (_("%s (%s)"), rb_person_get_display_name (person),
                                                rb_role_label (rb_person_get_role (person)));

      gtk_string_list_append (names, label);
      if (g_str_equal (rb_person_get_staff_number (person), acting))
        selected = i;
    }
  gtk_drop_down_set_model (self->person_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->person_dropdown, selected);
}

/* The demo building offers its people; a server with a directory asks for the directory's
 * user name and password; anything else for staff number and PIN. */
static void
update_mode (RbLoginDialog *self)
{
  RbClientService *service = rb_context_get_service (self->context);
  gboolean picker = rb_client_service_get_offers_person_picker (service);
  gboolean directory = !picker && rb_client_service_get_offers_directory_sign_in (service);
  gboolean with_directory = directory && !self->use_pin;

  gtk_widget_set_visible (GTK_WIDGET (self->picker_box), picker);
  gtk_widget_set_visible (GTK_WIDGET (self->directory_box), with_directory);
  gtk_widget_set_visible (GTK_WIDGET (self->pin_box), !picker && !with_directory);
  gtk_widget_set_visible (GTK_WIDGET (self->switch_button), directory);
  gtk_button_set_label (self->switch_button,
                        with_directory ? _("Sign in with staff number and _PIN instead")
                                       : _("Sign in with your _computer account instead"));
  if (with_directory)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->username_entry));
      return;
    }
  if (picker && self->people == NULL)
    rb_client_service_list_people_async (service, self->cancellable, on_people_loaded_cb,
                                         g_object_ref (self));
  if (!picker)
    gtk_widget_grab_focus (GTK_WIDGET (self->staff_entry));
}

static void
switch_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (widget);

  self->use_pin = !self->use_pin;
  rb_login_dialog_show_message (self, NULL);
  update_mode (self);
}

static void
rb_login_dialog_constructed (GObject *object)
{
  RbLoginDialog *self = RB_LOGIN_DIALOG (object);
  RbClientService *service;
  g_autofree char *text = NULL;

  G_OBJECT_CLASS (rb_login_dialog_parent_class)->constructed (object);

  service = rb_context_get_service (self->context);
  /* TRANSLATORS: %s is where the bookings are kept: the booking server's address, or the
   * database file of a computer without a server. */
  text = g_strdup_printf (_("Sign in to book. Bookings are kept at %s."),
                          rb_client_service_get_location (service));
  gtk_label_set_label (self->server_label, text);
  g_signal_connect_object (service, "notify::offers-person-picker", G_CALLBACK (update_mode),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::offers-directory-sign-in",
                           G_CALLBACK (update_mode), self, G_CONNECT_SWAPPED);
  update_mode (self);
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
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->people, g_ptr_array_unref);
  forget_one_time_pin (self);

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
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, picker_box);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, person_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, pin_box);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, staff_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, directory_box);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, username_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, password_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, switch_button);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, new_pin_box);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, new_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, repeat_pin_entry);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbLoginDialog, login_button);

  gtk_widget_class_install_action (widget_class, "login.submit", NULL, submit_action_cb);
  gtk_widget_class_install_action (widget_class, "login.switch", NULL, switch_action_cb);
  /* Escape closes, as it does every dialog. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
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
