/* test-kiosk-lockdown.c: the kiosk leaves no way out but the admin PIN (issue 12). The real
 * application in kiosk mode under Xvfb, standalone and as a registered kiosk of a real
 * raumbuch-server (rb-ui-backend.h): every accelerator the application registers, the
 * Inspector's keys, Ctrl+?, Ctrl+Q, Ctrl+W, F1, F10 and Alt+F4 are pressed as real X key
 * events (xdotool through XTEST), the window manager's close request is sent, a window of the
 * application's own and the Inspector are opened — and the kiosk is still there, visible and
 * the only window, no action ran, and its own keys (digits, Backspace) still work. */
#include "config.h"

#include <adwaita.h>
#include <gdk/x11/gdkx.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-kiosk-lockdown.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"

/* Monday 30 November 2026, 09:00 in Berlin. */
static gint64 frozen_now;

typedef struct
{
  RbUiBackend *backend;
  RbClientService *kiosk;
  GSettings *settings;
  RbContext *context;
  RbApplication *app;
  GtkWindow *window;
  /* what reached the test's own key controller on the kiosk, after the lockdown's */
  GString *typed;
  int activations;
} LockdownFixture;

static void
fixture_set_up (LockdownFixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;

  f->backend = rb_ui_backend_new (GPOINTER_TO_INT (data), frozen_now);
  f->kiosk = rb_ui_backend_add_kiosk (f->backend);
  rb_ui_backend_wait_ready (f->kiosk);
  f->settings = g_settings_new (APP_ID);
  g_settings_set_uint (f->settings, "idle-timeout", 600);
  f->context = rb_context_new (f->kiosk, f->settings);
  f->app = rb_application_new ();
  /* Registering runs startup, which registers the application's accelerators. */
  g_assert_true (g_application_register (G_APPLICATION (f->app), NULL, &error));
  g_assert_no_error (error);
  f->typed = g_string_new (NULL);
}

static void
fixture_tear_down (LockdownFixture *f, gconstpointer data)
{
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (f->app)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_destroy (l->data);
  rb_ui_settle (100);
  g_clear_object (&f->app);
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_string_free (f->typed, TRUE);
  rb_ui_backend_free (f->backend);
}

/* ---- helpers ------------------------------------------------------------------------------ */

static void
on_action_activated_cb (GSimpleAction *action, GVariant *parameter, LockdownFixture *f)
{
  g_test_message ("action %s ran", g_action_get_name (G_ACTION (action)));
  f->activations++;
}

/* Counts every activation of the application's and the window's actions. */
static void
watch_actions (LockdownFixture *f, GActionMap *map, GActionGroup *group)
{
  g_auto (GStrv) names = g_action_group_list_actions (group);

  for (guint i = 0; names[i] != NULL; i++)
    {
      GAction *action = g_action_map_lookup_action (map, names[i]);

      if (G_IS_SIMPLE_ACTION (action))
        g_signal_connect (action, "activate", G_CALLBACK (on_action_activated_cb), f);
    }
}

static gboolean
on_test_key_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                GdkModifierType state, LockdownFixture *f)
{
  g_autofree char *name = gtk_accelerator_name (keyval, state & GDK_MODIFIER_MASK);

  g_string_append_printf (f->typed, "%s ", name);
  return GDK_EVENT_PROPAGATE;
}

/* The key as xdotool names it: "ctrl+shift+i". */
static char *
xdotool_key (guint keyval, GdkModifierType mods)
{
  GString *key = g_string_new (NULL);

  if (mods & GDK_CONTROL_MASK)
    g_string_append (key, "ctrl+");
  if (mods & GDK_SHIFT_MASK)
    g_string_append (key, "shift+");
  if (mods & GDK_ALT_MASK)
    g_string_append (key, "alt+");
  if (mods & GDK_SUPER_MASK)
    g_string_append (key, "super+");
  if (mods & GDK_META_MASK)
    g_string_append (key, "meta+");
  g_string_append (key, gdk_keyval_name (keyval));
  return g_string_free (key, FALSE);
}

static void
xdotool (LockdownFixture *f, const char *const *keys)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (f->window));
  g_autofree char *xid = g_strdup_printf ("%lu", (gulong) gdk_x11_surface_get_xid (surface));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) argv = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  int status = 0;

  /* Focus by the X server's own means, then XTEST key events: what a keyboard sends. */
  g_strv_builder_add_many (builder, "xdotool", "windowfocus", "--sync", xid, "key",
                           "--clearmodifiers", NULL);
  g_strv_builder_addv (builder, (const char **) keys);
  argv = g_strv_builder_end (builder);
  g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
}

typedef struct
{
  LockdownFixture *f;
  const char *until;
} TypedWait;

static gboolean
typed_until (gpointer data)
{
  TypedWait *wait = data;

  return strstr (wait->f->typed->str, wait->until) != NULL;
}

/* Presses keys, then a plain "x" that the kiosk ignores: once it has reached the kiosk, so
 * has everything before it (X delivers in order). */
static void
press (LockdownFixture *f, const char *const *keys)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) all = NULL;
  TypedWait wait = { f, "x " };

  g_string_truncate (f->typed, 0);
  g_strv_builder_addv (builder, (const char **) keys);
  g_strv_builder_add (builder, "x");
  all = g_strv_builder_end (builder);
  xdotool (f, (const char *const *) all);
  if (!rb_ui_wait_for (typed_until, &wait, 30))
    g_error ("the keys never reached the kiosk (seen: %s)", f->typed->str);
  rb_ui_settle (200);
}

/* The kiosk is there, shown, and the only window shown; the application runs on. */
static void
assert_alone (LockdownFixture *f)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint shown = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_widget_get_visible (GTK_WIDGET (window)))
        {
          g_test_message ("shown: %s", G_OBJECT_TYPE_NAME (window));
          g_assert_true (window == f->window);
          shown++;
        }
    }
  g_assert_cmpuint (shown, ==, 1);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (f->window)));
  g_assert_true (gtk_application_get_windows (GTK_APPLICATION (f->app))->data == f->window);
  g_assert_cmpuint (g_list_length (gtk_application_get_windows (GTK_APPLICATION (f->app))), ==, 1);
  g_assert_cmpint (f->activations, ==, 0);
}

static gboolean
sole_window (gpointer data)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  guint shown = 0;

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);
      shown += gtk_widget_get_visible (window);
    }
  return shown == 1;
}

/* ---- the tests ---------------------------------------------------------------------------- */

static void
test_no_way_out (LockdownFixture *f, gconstpointer data)
{
  g_auto (GStrv) actions = gtk_application_list_action_descriptions (GTK_APPLICATION (f->app));
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) accels = NULL;
  static const char *const fixed[] = {
    "ctrl+shift+i", "ctrl+shift+d", "ctrl+shift+I", "ctrl+shift+D", "ctrl+question",
    "ctrl+shift+question", "ctrl+q", "ctrl+w", "ctrl+comma", "F1", "F10", "alt+F4", "super+q",
    "alt+Tab", "Menu", NULL,
  };
  GtkEventController *keys = gtk_event_controller_key_new ();
  GtkWindow *window;

  /* Every accelerator the application registers, before the lockdown. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) for_action = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app),
                                                                         actions[i]);

      for (guint j = 0; for_action[j] != NULL; j++)
        {
          guint keyval;
          GdkModifierType mods;
          g_autofree char *key = NULL;

          g_assert_true (gtk_accelerator_parse (for_action[j], &keyval, &mods));
          g_test_message ("%s: %s", actions[i], for_action[j]);
          key = xdotool_key (keyval, mods);
          g_strv_builder_add (builder, key);
        }
    }
  g_strv_builder_addv (builder, (const char **) fixed);
  accels = g_strv_builder_end (builder);
  /* Ctrl+Q (app.quit) at least: the loop above found what it should press. */
  g_assert_true (g_strv_contains ((const char *const *) accels, "ctrl+q"));

  window = rb_application_present_window (f->app, f->context, TRUE);
  f->window = window;
  g_assert_true (rb_kiosk_lockdown_is_attached (window));
  gtk_window_unfullscreen (window);
  g_assert_true (rb_ui_wait_for (sole_window, NULL, 30));
  rb_ui_kiosk_assert_screen (RB_KIOSK_WINDOW (window), "start");

  watch_actions (f, G_ACTION_MAP (f->app), G_ACTION_GROUP (f->app));
  watch_actions (f, G_ACTION_MAP (window), G_ACTION_GROUP (window));
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_test_key_cb), f);
  gtk_widget_add_controller (GTK_WIDGET (window), keys);

  /* No accelerator is left: none can be pressed by accident of GTK's event order. */
  for (guint i = 0; actions[i] != NULL; i++)
    {
      g_auto (GStrv) left = gtk_application_get_accels_for_action (GTK_APPLICATION (f->app),
                                                                   actions[i]);
      g_assert_cmpstr (left[0], ==, NULL);
    }

  for (guint i = 0; accels[i] != NULL; i++)
    {
      const char *one[] = { accels[i], NULL };

      g_test_message ("pressing %s", accels[i]);
      press (f, one);
      assert_alone (f);
      rb_ui_kiosk_assert_screen (RB_KIOSK_WINDOW (window), "start");
    }

  /* The window manager's close request (what Alt+F4 asks a window manager for). */
  gtk_window_close (window);
  rb_ui_settle (200);
  assert_alone (f);

  /* A window of the application's own (About) and the Inspector are closed as they show. */
  g_action_group_activate_action (G_ACTION_GROUP (f->app), "about", NULL);
  f->activations--;
  g_assert_true (rb_ui_wait_for (sole_window, NULL, 30));
  gtk_window_set_interactive_debugging (TRUE);
  g_assert_true (rb_ui_wait_for (sole_window, NULL, 30));
  assert_alone (f);

  /* The kiosk's own keys still work: a digit on the start screen begins identifying. */
  {
    const char *digits[] = { "1", "4", "BackSpace", NULL };

    press (f, digits);
    rb_ui_kiosk_assert_screen (RB_KIOSK_WINDOW (window), "identify");
    assert_alone (f);
  }
}

static void
test_gtk_debug_environment (void)
{
  static const struct
  {
    const char *before;
    const char *after;
  } cases[] = {
    { "interactive", NULL },
    { "actions,interactive", "actions" },
    { "interactive:layout:actions", "layout,actions" },
    { "all", NULL },
    { "actions", "actions" },
    { NULL, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      if (cases[i].before != NULL)
        g_setenv ("GTK_DEBUG", cases[i].before, TRUE);
      else
        g_unsetenv ("GTK_DEBUG");
      rb_kiosk_lockdown_prepare_environment ();
      g_assert_cmpstr (g_getenv ("GTK_DEBUG"), ==, cases[i].after);
    }
}

int
main (int argc, char *argv[])
{
  const RbUiBackendMode modes[] = { RB_UI_BACKEND_LOCAL, RB_UI_BACKEND_SERVER };
  g_autoptr (GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");

  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  /* rb_application_new registers the app's resources (templates, CSS). */
  g_object_unref (rb_application_new ());
  g_object_set (gtk_settings_get_default (), "gtk-enable-animations", FALSE, NULL);
  rb_ui_load_app_css ();
  frozen_now = rb_local_to_utc (berlin, 2026, 11, 30, 9, 0);

  g_test_add_func ("/kiosk-lockdown/gtk-debug-environment", test_gtk_debug_environment);
  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *path = g_strdup_printf ("/kiosk-lockdown/%s/no-way-out",
                                               rb_ui_backend_mode_name (modes[i]));

      g_test_add (path, LockdownFixture, GINT_TO_POINTER (modes[i]), fixture_set_up,
                  test_no_way_out, fixture_tear_down);
    }
  return g_test_run ();
}
