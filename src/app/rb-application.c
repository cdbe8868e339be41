/* rb-application.c: startup of the app: language, the store on its own thread, the one
 * client service — on the store itself (standalone, with the demo building on first start)
 * or on the sync engine of a server — the context, the kept session, and the main window.
 * This file and rb-context.c are the only ones in src/app that know there are two. */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "rb-app-resources.h"
#include "rb-application.h"

#include "rb-accessible.h"
#include "rb-context.h"
#include "rb-kiosk-lockdown.h"
#include "rb-kiosk-window.h"
#include "rb-local-service.h"
#include "rb-memory.h"
#include "rb-panel-window.h"
#include "rb-preferences-window.h"
#include "rb-server-service.h"
#include "rb-session-keeper.h"
#include "rb-window.h"

struct _RbApplication
{
  AdwApplication parent_instance;

  char *db_path;
  char *server_url;
  gboolean kiosk;
  /* the room of a door panel (--panel), or NULL */
  char *panel_space_id;
  locale_t locale;
  RbClientService *service;
  RbSessionKeeper *keeper;
  RbContext *context;
  GSettings *settings;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (RbApplication, rb_application, ADW_TYPE_APPLICATION)

static char *
default_db_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "raumbuch", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "raumbuch.db", NULL);
}

/* "de", "en", or "" for the session's locale (as newlocale() and setlocale() read it). */
static const char *
locale_for_language (const char *language)
{
  if (language == NULL || *language == '\0')
    return "";
  return g_str_equal (language, "de") ? "de_DE.UTF-8" : "en_US.UTF-8";
}

/* The first language of a LANGUAGE list ("de_DE:en") that Raumbuch has, or NULL. */
static char *
language_from_environment (void)
{
  g_auto (GStrv) entries = g_strsplit (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", ":", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    if (g_str_has_prefix (entries[i], "de") || g_str_has_prefix (entries[i], "en"))
      return g_strndup (entries[i], 2);
  return NULL;
}

/* Chooses the language before any thread starts: "de" or "en" from the settings overrides
 * the session's locale; "" follows the session (LANGUAGE, else the locale). The windows
 * switch language at run time with uselocale() (rb_application_switch_language), which
 * LANGUAGE would override, so LANGUAGE is taken into the locale and dropped here while
 * that is still safe. Uninstalled builds find their catalogues through RAUMBUCH_LOCALEDIR. */
void
rb_application_setup_i18n (const char *language)
{
  const char *localedir = g_getenv ("RAUMBUCH_LOCALEDIR");
  g_autofree char *from_environment = language_from_environment ();
  const char *chosen = language != NULL && *language != '\0' ? language : from_environment;

  g_unsetenv ("LANGUAGE");
  if (setlocale (LC_ALL, locale_for_language (chosen)) == NULL)
    setlocale (LC_ALL, "");
  /* gtk_init () would set the session's locale again, over the one chosen here. */
  gtk_disable_setlocale ();
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

static void
show_fatal_error (RbApplication *self, const GError *error)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (
      adw_message_dialog_new (NULL, _("Raumbuch Cannot Start"), error->message));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (self));
  g_signal_connect_swapped (dialog, "response", G_CALLBACK (g_application_quit), self);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_auto_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = rb_client_service_person_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (person == NULL && RB_IS_WINDOW (window))
    rb_window_ask_sign_in (RB_WINDOW (window));
}

/* Nobody signed in after the kept session was tried: on the demo building, whoever was
 * chosen last (no PIN there); anywhere else the window asks. */
static void
on_restored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = rb_session_keeper_restore_finish (RB_SESSION_KEEPER (source),
                                                                  result, &error);
  g_autofree char *acting = g_settings_get_string (self->settings, "acting-person");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("No kept session: %s", error->message);
  if (person != NULL || g_cancellable_is_cancelled (self->cancellable))
    return;
  if (rb_client_service_get_offers_person_picker (self->service) && *acting != '\0')
    rb_client_service_sign_in_async (self->service, acting, NULL, self->cancellable,
                                     on_auto_signed_in_cb, g_object_ref (self));
  else if (RB_IS_WINDOW (window))
    rb_window_ask_sign_in (RB_WINDOW (window));
}

/* A desktop takes up the session kept in the keyring; a kiosk has nobody signed in — each
 * person identifies for their own flow. */
static void
start_session (RbApplication *self)
{
  if (rb_application_is_locked_down (gtk_application_get_active_window (GTK_APPLICATION (self))))
    return;
  self->keeper = rb_session_keeper_new (self->service);
  rb_session_keeper_restore_async (self->keeper, self->cancellable, on_restored_cb,
                                   g_object_ref (self));
}

static void
on_prepared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbApplication) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_local_service_prepare_finish (RB_LOCAL_SERVICE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_fatal_error (self, error);
      return;
    }
  start_session (self);
}

/* The one place that chooses the backend: a server's, when a server URL is set, with the
 * local file as its offline mirror; otherwise the local store itself. */
static RbClientService *
make_service (RbApplication *self, RbStore *store)
{
  g_autoptr (RbApiClient) client = NULL;
  g_autoptr (RbSyncEngine) engine = NULL;
  g_autofree char *device_token = NULL;
  g_autofree char *public_key = NULL;
  RbLocalService *local;

  if (self->server_url == NULL)
    {
      local = rb_local_service_new (store);
      rb_local_service_prepare_async (local, TRUE, self->cancellable, on_prepared_cb,
                                      g_object_ref (self));
      return RB_CLIENT_SERVICE (local);
    }
  client = rb_api_client_new (self->server_url);
  device_token = g_settings_get_string (self->settings, "device-token");
  public_key = g_settings_get_string (self->settings, "server-public-key");
  /* A registered kiosk reads the building and the anonymous feed with its device token. */
  rb_api_client_set_device_token (client, device_token);
  engine = rb_sync_engine_new (store, client);
  return RB_CLIENT_SERVICE (rb_server_service_new (engine, public_key));
}

static void
on_store_opened_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbApplication) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbStore) store = rb_store_open_finish (result, &error);
  gboolean kiosk;

  g_application_release (G_APPLICATION (self));
  if (store == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_fatal_error (self, error);
      return;
    }
  self->service = make_service (self, store);
  self->context = rb_context_new (self->service, self->settings);
  kiosk = self->kiosk || g_settings_get_boolean (self->settings, "kiosk-mode");
  /* The window comes at once; it shows what the service has as it arrives. */
  rb_application_present_window (self, self->context, kiosk);
  /* Standalone, the session is taken up once the building is ready (on_prepared_cb). */
  if (RB_IS_SERVER_SERVICE (self->service))
    start_session (self);
}

static void
rb_application_activate (GApplication *app)
{
  RbApplication *self = RB_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window != NULL)
    {
      gtk_window_present (window);
      return;
    }
  if (self->context != NULL)
    {
      rb_application_present_window (self, self->context, self->kiosk);
      return;
    }

  /* Held until the store is open, so the application does not quit with no window. */
  g_application_hold (app);
  if (self->server_url == NULL)
    {
      g_autofree char *url = g_settings_get_string (self->settings, "server-url");
      if (*url != '\0')
        self->server_url = g_steal_pointer (&url);
    }
  /* A mirror of a server never shares its file with a standalone database. */
  if (self->db_path == NULL && self->server_url != NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "raumbuch", NULL);

      g_mkdir_with_parents (dir, 0700);
      self->db_path = g_build_filename (dir, "mirror.db", NULL);
    }
  if (self->db_path == NULL)
    self->db_path = default_db_path ();
  rb_store_open_async (self->db_path, FALSE, self->cancellable, on_store_opened_cb,
                       g_object_ref (self));
}

static int
rb_application_handle_local_options (GApplication *app, GVariantDict *options)
{
  RbApplication *self = RB_APPLICATION (app);
  const char *db_path = NULL;
  const char *server_url = NULL;

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("raumbuch %s\n", PACKAGE_VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "kiosk", "b", NULL))
    self->kiosk = TRUE;
  if (g_variant_dict_lookup (options, "panel", "s", &self->panel_space_id))
    self->kiosk = TRUE;
  /* Before GTK starts (at startup): GTK_DEBUG=interactive would open the Inspector. */
  if (self->kiosk || g_settings_get_boolean (self->settings, "kiosk-mode"))
    rb_kiosk_lockdown_prepare_environment ();
  if (g_variant_dict_lookup (options, "server", "&s", &server_url))
    {
      g_free (self->server_url);
      self->server_url = *server_url != '\0' ? g_strdup (server_url) : NULL;
    }
  if (g_variant_dict_lookup (options, "db", "^&ay", &db_path))
    {
      g_free (self->db_path);
      self->db_path = g_strdup (db_path);
    }
  return -1;
}

static void
on_quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
on_about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "Raumbuch developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Raumbuch"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "comments", _("Book shared desks and project rooms"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         /* TRANSLATORS: your names, one per line, for the about window. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

/* The main window of the application: the desktop window or the kiosk, not a dialog. */
static GtkWindow *
main_window (RbApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (RB_IS_WINDOW (l->data) || rb_application_is_locked_down (l->data))
      return l->data;
  return NULL;
}

static RbContext *
main_window_context (GtkWindow *window)
{
  RbContext *context = NULL;

  g_object_get (window, "context", &context, NULL);
  return context;
}

static void
present_preferences (RbApplication *self, RbContext *context, GtkWindow *parent)
{
  GtkWindow *preferences = GTK_WINDOW (rb_preferences_window_new (context, parent));

  gtk_window_set_application (preferences, GTK_APPLICATION (self));
  gtk_window_present (preferences);
}

static void
on_preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  RbApplication *self = user_data;
  GtkWindow *window = main_window (self);
  g_autoptr (RbContext) context = NULL;

  /* The kiosk is left only with the admin PIN; its settings are not for passers-by. */
  if (window == NULL || rb_application_is_locked_down (window))
    return;
  context = main_window_context (window);
  present_preferences (self, context, window);
}

static void
on_language_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  rb_application_switch_language (RB_APPLICATION (user_data),
                                  g_variant_get_string (parameter, NULL));
}

static const GActionEntry app_actions[] = {
  { .name = "quit", .activate = on_quit_activated },
  { .name = "about", .activate = on_about_activated },
  { .name = "preferences", .activate = on_preferences_activated },
  { .name = "language", .activate = on_language_activated, .parameter_type = "s" },
};

/* Every accelerator of the desktop window; ui/help-overlay.ui lists each (a UI test compares
 * the two). GTK adds Ctrl+? for win.show-help-overlay. The kiosk's lockdown removes them all. */
static const struct
{
  const char *action;
  const char *accels[3];
} app_accels[] = {
  { "app.quit", { "<Control>q", NULL } },    { "app.preferences", { "<Control>comma", NULL } },
  { "win.show-find", { "<Alt>1", NULL } },   { "win.show-bookings", { "<Alt>2", NULL } },
  { "win.show-series", { "<Alt>3", NULL } }, { "win.show-occupancy", { "<Alt>4", NULL } },
  { "win.show-admin", { "<Alt>5", NULL } },  { "win.find", { "<Control>f", NULL } },
  { "win.previous", { "<Alt>Left", NULL } }, { "win.next", { "<Alt>Right", NULL } },
};

static void
rb_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (rb_application_parent_class)->startup (app);
  rb_accessible_watch ();

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  for (guint i = 0; i < G_N_ELEMENTS (app_accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (app), app_accels[i].action,
                                           app_accels[i].accels);
}

static void
rb_application_shutdown (GApplication *app)
{
  RbApplication *self = RB_APPLICATION (app);

  g_cancellable_cancel (self->cancellable);
  if (self->service != NULL)
    rb_client_service_shutdown (self->service);

  G_APPLICATION_CLASS (rb_application_parent_class)->shutdown (app);
}

static void
rb_application_finalize (GObject *object)
{
  RbApplication *self = RB_APPLICATION (object);

  g_clear_object (&self->context);
  g_clear_object (&self->keeper);
  g_clear_object (&self->service);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->server_url);
  g_free (self->db_path);
  g_free (self->panel_space_id);
  if (self->locale != (locale_t) 0)
    {
      uselocale (LC_GLOBAL_LOCALE);
      freelocale (self->locale);
    }

  G_OBJECT_CLASS (rb_application_parent_class)->finalize (object);
}

static void
rb_application_class_init (RbApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = rb_application_finalize;
  app_class->activate = rb_application_activate;
  app_class->startup = rb_application_startup;
  app_class->shutdown = rb_application_shutdown;
  app_class->handle_local_options = rb_application_handle_local_options;
}

static void
rb_application_init (RbApplication *self)
{
  static const GOptionEntry options[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("The booking database to use"), N_("FILE") },
    { "server", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The booking server to use"), N_("URL") },
    { "kiosk", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Run fullscreen as a touch kiosk"), NULL },
    { "panel", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Run fullscreen as the door panel of one room"), N_("SPACE_ID") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL },
  };

  self->cancellable = g_cancellable_new ();
  self->settings = g_settings_new (APP_ID);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

RbApplication *
rb_application_new (void)
{
  static gsize registered = 0;

  /* Before the application exists: its resource-base-path loads CSS and help from here. */
  if (g_once_init_enter (&registered))
    {
      rb_app_register_resource ();
      g_once_init_leave (&registered, 1);
    }
  return g_object_new (RB_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_NON_UNIQUE,
                       "resource-base-path", "/de/raumbuch/Raumbuch",
                       NULL);
}

/* The windows that stand unattended in the building — the kiosk and a door panel — get the
 * kiosk's lockdown: no way out but an administrator. */
gboolean
rb_application_is_locked_down (GtkWindow *window)
{
  return RB_IS_KIOSK_WINDOW (window) || RB_IS_PANEL_WINDOW (window);
}

/* Shows the desktop window or, for a kiosk, the fullscreen kiosk window (a door panel's with
 * --panel). */
GtkWindow *
rb_application_present_window (RbApplication *self, RbContext *context, gboolean kiosk)
{
  GtkWindow *window;

  g_return_val_if_fail (RB_IS_APPLICATION (self), NULL);

  self->kiosk = kiosk;
  if (kiosk)
    {
      GdkDisplay *display = gdk_display_get_default ();
      GListModel *monitors = gdk_display_get_monitors (display);
      g_autoptr (GdkMonitor) monitor = g_list_model_get_item (monitors, 0);

      rb_memory_tune_for_kiosk ();
      if (self->panel_space_id != NULL)
        window = GTK_WINDOW (rb_panel_window_new (self, context, self->panel_space_id));
      else
        {
          window = GTK_WINDOW (rb_kiosk_window_new (self, context));
          rb_memory_watch_kiosk (RB_KIOSK_WINDOW (window));
        }
      /* Without a compositor that honours fullscreen (Xvfb, some kiosk setups) the window
       * still covers the screen. */
      if (monitor != NULL)
        {
          GdkRectangle geometry;
          gdk_monitor_get_geometry (monitor, &geometry);
          gtk_window_set_default_size (window, geometry.width, geometry.height);
        }
      gtk_window_fullscreen (window);
      /* No accelerator, Inspector or other window: only the admin PIN leaves the kiosk. */
      rb_kiosk_lockdown_attach (GTK_APPLICATION (self), window);
    }
  else
    window = GTK_WINDOW (rb_window_new (self, context));
  gtk_window_present (window);
  return window;
}

/* The GTK thread's locale only: nothing saved, no window built anew (the kiosk switches
 * for one person's flow, and builds its own window). FALSE when it is not installed. */
gboolean
rb_application_use_language (RbApplication *self, const char *language)
{
  locale_t locale = newlocale (LC_ALL_MASK, locale_for_language (language), (locale_t) 0);

  g_return_val_if_fail (RB_IS_APPLICATION (self), FALSE);

  if (locale == (locale_t) 0)
    {
      g_warning ("Locale %s is not installed", locale_for_language (language));
      return FALSE;
    }
  uselocale (locale);
  if (self->locale != (locale_t) 0)
    freelocale (self->locale);
  self->locale = locale;
  return TRUE;
}

/* Switches the UI language while running: the GTK thread gets the new locale (messages,
 * GTK's own strings, date formats) and the windows are built anew in it. Returns FALSE
 * when the locale is not installed. */
gboolean
rb_application_switch_language (RbApplication *self, const char *language)
{
  g_autoptr (GList) windows = NULL;
  g_autoptr (RbContext) context = NULL;
  GtkWindow *old_main, *new_main;
  gboolean had_preferences = FALSE;

  g_return_val_if_fail (RB_IS_APPLICATION (self), FALSE);

  if (!rb_application_use_language (self, language))
    return FALSE;
  g_settings_set_string (self->settings, "language", language);

  old_main = main_window (self);
  if (old_main == NULL)
    return TRUE;
  /* A copy: destroying a window removes it from the application's own list. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));
  for (GList *l = windows; l != NULL; l = l->next)
    had_preferences |= RB_IS_PREFERENCES_WINDOW (l->data);
  context = self->context != NULL ? g_object_ref (self->context) : main_window_context (old_main);

  new_main = rb_application_present_window (self, context,
                                            rb_application_is_locked_down (old_main));
  /* Whoever chose the language in Preferences stays there, now in that language. */
  if (had_preferences)
    present_preferences (self, context, new_main);
  /* The old windows go after the new one is up, so the screen never shows nothing. A
   * dialog goes with its parent, so each is looked for among the living first. */
  for (GList *l = windows; l != NULL; l = l->next)
    if (g_list_find (gtk_application_get_windows (GTK_APPLICATION (self)), l->data) != NULL)
      gtk_window_destroy (l->data);
  return TRUE;
}
