/* rb-preferences-window.c: see rb-preferences-window.h. The kiosk switch and the spin button
 * are bound to their keys; the text rows are written only on "apply", after a check, so a
 * half-typed URL never reaches the settings. The name switch is the signed-in person's consent
 * (issue 13), kept by the client service: it moves only once the service has saved it. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-credential.h"
#include "rb-preferences-window.h"

struct _RbPreferencesWindow
{
  AdwPreferencesWindow parent_instance;

  /* template widgets */
  AdwComboRow *language_row;
  AdwEntryRow *server_url_row;
  AdwEntryRow *device_token_row;
  AdwEntryRow *public_key_row;
  GtkSwitch *kiosk_switch;
  GtkSpinButton *idle_spin;
  GtkLabel *server_status;
  AdwActionRow *show_name_row;
  GtkSwitch *show_name_switch;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  guint language_source;
  /* set while the name switch is moved to the saved consent, not by the person */
  gboolean showing_consent;
};

G_DEFINE_FINAL_TYPE (RbPreferencesWindow, rb_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The rows of language_row, in order: the system's language, German, English. */
static const char *const languages[] = { "", "de", "en" };

/* ---- checks ------------------------------------------------------------------------------- */

/* Empty (no server), or an http or https URL with a host. */
static gboolean
server_url_is_valid (const char *url)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    return TRUE;
  uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);
  return (g_ascii_strcasecmp (scheme, "http") == 0 || g_ascii_strcasecmp (scheme, "https") == 0)
         && g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0';
}

/* As raumbuch-server --add-device prints it: 64 hexadecimal digits. */
static gboolean
device_token_is_valid (const char *token)
{
  if (*token == '\0')
    return TRUE;
  if (strlen (token) != 64)
    return FALSE;
  for (const char *c = token; *c != '\0'; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return TRUE;
}

static gboolean
public_key_is_valid (const char *key)
{
  guint8 decoded[RB_CREDENTIAL_KEY_BYTES];

  return *key == '\0' || rb_credential_decode_key (key, decoded, NULL);
}

/* ---- applying ----------------------------------------------------------------------------- */

/* The answer to the latest "apply", under the rows: it stays until the next one. */
static void
show_status (RbPreferencesWindow *self, const char *text, gboolean refused)
{
  gtk_label_set_label (self->server_status, text);
  gtk_widget_set_visible (GTK_WIDGET (self->server_status), TRUE);
  if (refused)
    gtk_widget_add_css_class (GTK_WIDGET (self->server_status), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->server_status), "error");
}

/* Writes the row's text to key if valid; otherwise marks the row and says why. */
static void
apply_text (RbPreferencesWindow *self, AdwEntryRow *row, const char *key,
            gboolean (*is_valid) (const char *), const char *refusal)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  if (!is_valid (text))
    {
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
      show_status (self, refusal, TRUE);
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
  g_settings_set_string (rb_context_get_settings (self->context), key, text);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  show_status (self, _ ("Saved. Raumbuch uses it from its next start."), FALSE);
}

static void
on_server_url_apply_cb (AdwEntryRow *row, gpointer user_data)
{
  apply_text (user_data, row, "server-url", server_url_is_valid,
              _ ("Not a server URL: https://server or http://server"));
}

static void
on_device_token_apply_cb (AdwEntryRow *row, gpointer user_data)
{
  apply_text (user_data, row, "device-token", device_token_is_valid,
              _ ("Not a device token: the 64 characters after “token=”"));
}

static void
on_public_key_apply_cb (AdwEntryRow *row, gpointer user_data)
{
  apply_text (user_data, row, "server-public-key", public_key_is_valid,
              _ ("Not a server key: the text after “public_key=”"));
}

/* This window is destroyed during the action, so nothing of it is touched afterwards. */
static gboolean
switch_language_cb (gpointer user_data)
{
  RbPreferencesWindow *self = user_data;
  guint selected = adw_combo_row_get_selected (self->language_row);

  self->language_source = 0;
  if (selected < G_N_ELEMENTS (languages))
    gtk_widget_activate_action (GTK_WIDGET (self), "app.language", "s", languages[selected]);
  return G_SOURCE_REMOVE;
}

/* The application switches at once and builds its windows anew in the new language, this
 * one among them (rb_application_switch_language): from an idle callback, not while this
 * window is still emitting the row's notification. */
static void
on_language_selected_cb (AdwComboRow *row, GParamSpec *pspec, gpointer user_data)
{
  RbPreferencesWindow *self = user_data;
  guint selected = adw_combo_row_get_selected (row);
  g_autofree char *current = NULL;

  if (self->context == NULL || selected >= G_N_ELEMENTS (languages))
    return;
  current = g_settings_get_string (rb_context_get_settings (self->context), "language");
  if (!g_str_equal (current, languages[selected]) && self->language_source == 0)
    self->language_source = g_idle_add (switch_language_cb, self);
}

/* ---- the consent to show one's name ------------------------------------------------------ */

static void
show_consent_error (RbPreferencesWindow *self, const GError *error)
{
  adw_action_row_set_subtitle (self->show_name_row, error->message);
  gtk_widget_add_css_class (GTK_WIDGET (self->show_name_row), "error");
}

/* Moves the switch to the saved choice ({"show_name", "site_shows_names"}) and says what it
 * means where this site is. */
static void
show_consent (RbPreferencesWindow *self, JsonNode *consent)
{
  JsonObject *o = json_node_get_object (consent);
  gboolean show_name = json_object_get_boolean_member_with_default (o, "show_name", FALSE);
  gboolean site_shows = json_object_get_boolean_member_with_default (o, "site_shows_names", FALSE);
  const char *meaning;

  self->showing_consent = TRUE;
  gtk_switch_set_active (self->show_name_switch, show_name);
  gtk_switch_set_state (self->show_name_switch, show_name);
  self->showing_consent = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_name_switch), TRUE);
  gtk_widget_remove_css_class (GTK_WIDGET (self->show_name_row), "error");
  if (!site_shows)
    meaning = _ ("This site shows nobody’s name on bookings; your choice counts only if an "
                 "administrator allows names.");
  else if (show_name)
    meaning = _ ("Colleagues see your name and your bookings’ titles.");
  else
    meaning = _ ("Colleagues see only that a desk or room is taken, not by whom.");
  adw_action_row_set_subtitle (self->show_name_row, meaning);
}

static void
on_consent_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) consent =
      rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result, &error);
  RbPreferencesWindow *self = user_data;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (consent != NULL)
    {
      show_consent (self, consent);
      return;
    }
  /* Not saved: the switch goes back to where it was. */
  self->showing_consent = TRUE;
  gtk_switch_set_active (self->show_name_switch, gtk_switch_get_state (self->show_name_switch));
  self->showing_consent = FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->show_name_switch), TRUE);
  show_consent_error (self, error);
}

static gboolean
on_show_name_state_set_cb (GtkSwitch *sw, gboolean state, gpointer user_data)
{
  RbPreferencesWindow *self = user_data;

  if (self->showing_consent)
    return FALSE;
  gtk_widget_set_sensitive (GTK_WIDGET (sw), FALSE);
  rb_client_service_set_name_consent_async (rb_context_get_service (self->context), state,
                                            self->cancellable, on_consent_cb, self);
  return TRUE;
}

static void
load_consent (RbPreferencesWindow *self)
{
  RbClientService *service = rb_context_get_service (self->context);

  if (rb_client_service_get_person (service) == NULL)
    {
      adw_action_row_set_subtitle (self->show_name_row,
                                   _ ("Sign in to choose whether colleagues see your name."));
      return;
    }
  rb_client_service_get_name_consent_async (service, self->cancellable, on_consent_cb, self);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
set_row_text (AdwEntryRow *row, GSettings *settings, const char *key)
{
  g_autofree char *value = g_settings_get_string (settings, key);

  gtk_editable_set_text (GTK_EDITABLE (row), value);
}

static void
rb_preferences_window_constructed (GObject *object)
{
  RbPreferencesWindow *self = RB_PREFERENCES_WINDOW (object);
  GSettings *settings = rb_context_get_settings (self->context);
  g_autofree char *language = g_settings_get_string (settings, "language");

  G_OBJECT_CLASS (rb_preferences_window_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_str_equal (language, languages[i]))
      adw_combo_row_set_selected (self->language_row, i);
  set_row_text (self->server_url_row, settings, "server-url");
  set_row_text (self->device_token_row, settings, "device-token");
  set_row_text (self->public_key_row, settings, "server-public-key");
  g_settings_bind (settings, "kiosk-mode", self->kiosk_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "idle-timeout", self->idle_spin, "value", G_SETTINGS_BIND_DEFAULT);
  load_consent (self);
}

static void
rb_preferences_window_get_property (GObject *object, guint prop_id, GValue *value,
                                    GParamSpec *pspec)
{
  RbPreferencesWindow *self = RB_PREFERENCES_WINDOW (object);

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
rb_preferences_window_set_property (GObject *object, guint prop_id, const GValue *value,
                                    GParamSpec *pspec)
{
  RbPreferencesWindow *self = RB_PREFERENCES_WINDOW (object);

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
rb_preferences_window_dispose (GObject *object)
{
  RbPreferencesWindow *self = RB_PREFERENCES_WINDOW (object);

  g_clear_handle_id (&self->language_source, g_source_remove);
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (rb_preferences_window_parent_class)->dispose (object);
}

static void
rb_preferences_window_class_init (RbPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_preferences_window_constructed;
  object_class->dispose = rb_preferences_window_dispose;
  object_class->get_property = rb_preferences_window_get_property;
  object_class->set_property = rb_preferences_window_set_property;

  properties[PROP_CONTEXT]
      = g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                             G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, language_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, server_url_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, device_token_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, public_key_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, kiosk_switch);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, idle_spin);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, server_status);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, show_name_row);
  gtk_widget_class_bind_template_child (widget_class, RbPreferencesWindow, show_name_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_language_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_server_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_device_token_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_public_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_show_name_state_set_cb);
}

static void
rb_preferences_window_init (RbPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

RbPreferencesWindow *
rb_preferences_window_new (RbContext *context, GtkWindow *parent)
{
  return g_object_new (RB_TYPE_PREFERENCES_WINDOW, "context", context, "transient-for", parent,
                       "modal", TRUE, NULL);
}
