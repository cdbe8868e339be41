/* rb-kiosk-lockdown.c: the kiosk's lockdown (rb-kiosk-lockdown.h). A keyboard at a kiosk is
 * anyone's, and a keyboard-wedge badge reader is a keyboard: only what the kiosk itself reads
 * (digits, Backspace, Enter, plain keys) reaches it; everything that GTK or the application
 * would turn into a command is swallowed or never registered.
 *
 *  - Accelerators: every action of the application loses its accels (app.quit's Ctrl+Q,
 *    win.show-help-overlay's Ctrl+?, whatever is added later); the help overlay is dropped.
 *  - A capture-phase key controller on the kiosk, ahead of GTK's own key handling, swallows
 *    every key with Ctrl, Alt, Super, Meta or Hyper and the function keys: the Inspector's
 *    Ctrl+Shift+I and Ctrl+Shift+D bindings, mnemonics, F1 and F10 never act.
 *  - The Inspector: GTK_DEBUG=interactive opens it when GTK starts, so "interactive" is
 *    taken out of GTK_DEBUG before that (rb_kiosk_lockdown_prepare_environment), and out of
 *    GTK's debug flags once it runs; should it be open, it is hidden.
 *  - Other windows: every toplevel that appears (a dialog, the Inspector, a shortcuts
 *    window) is closed as soon as it is shown, and the kiosk is presented again.
 *  - The window manager's close request (Alt+F4, a close button) is refused by the kiosk
 *    itself until an administrator has identified (rb-kiosk-window.c).
 *
 * The lockdown lives as long as its kiosk window: destroyed, it watches nothing more, so an
 * administrator who leaves the kiosk leaves the application. */
#include "config.h"

#include "rb-kiosk-lockdown.h"
#include "rb-kiosk-window.h"

#define LOCKDOWN_KEY "rb-kiosk-lockdown"

typedef struct
{
  GtkWindow *kiosk; /* unowned: the lockdown is the kiosk's data */
  guint sweep_id;
} Lockdown;

static void
lockdown_free (Lockdown *lockdown)
{
  g_clear_handle_id (&lockdown->sweep_id, g_source_remove);
  g_free (lockdown);
}

/* Takes "interactive" (and "all", which includes it) out of GTK_DEBUG before GTK starts. */
void
rb_kiosk_lockdown_prepare_environment (void)
{
  const char *debug = g_getenv ("GTK_DEBUG");
  g_auto (GStrv) flags = NULL;
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  g_auto (GStrv) kept_flags = NULL;
  g_autofree char *joined = NULL;

  if (debug == NULL)
    return;
  flags = g_strsplit_set (debug, ":;, \t", -1);
  for (guint i = 0; flags[i] != NULL; i++)
    if (*flags[i] != '\0' && g_ascii_strcasecmp (flags[i], "interactive") != 0
        && g_ascii_strcasecmp (flags[i], "all") != 0)
      g_strv_builder_add (kept, flags[i]);
  kept_flags = g_strv_builder_end (kept);
  joined = g_strjoinv (",", kept_flags);
  if (*joined == '\0')
    g_unsetenv ("GTK_DEBUG");
  else
    g_setenv ("GTK_DEBUG", joined, TRUE);
}

/* Anything with a modifier that makes a command, and the function keys. Shift alone is a
 * badge reader's capital letter, not a command. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                   GdkModifierType state, gpointer user_data)
{
  const GdkModifierType commands = GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK
                                   | GDK_META_MASK | GDK_HYPER_MASK;

  if ((state & commands) != 0 || (keyval >= GDK_KEY_F1 && keyval <= GDK_KEY_F35)
      || keyval == GDK_KEY_Menu)
    return GDK_EVENT_STOP;
  return GDK_EVENT_PROPAGATE;
}

static void
clear_accels (GtkApplication *application)
{
  static const char *const none[] = { NULL };
  g_auto (GStrv) actions = gtk_application_list_action_descriptions (application);

  for (guint i = 0; actions[i] != NULL; i++)
    gtk_application_set_accels_for_action (application, actions[i], none);
}

/* Closes every shown toplevel but the kiosk windows, then shows the kiosk again. */
static gboolean
sweep_cb (gpointer user_data)
{
  Lockdown *lockdown = user_data;
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_autoptr (GPtrArray) strangers = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean kiosk_alive = FALSE;

  lockdown->sweep_id = 0;
  gtk_set_debug_flags (gtk_get_debug_flags () & ~GTK_DEBUG_INTERACTIVE);
  gtk_window_set_interactive_debugging (FALSE);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window == lockdown->kiosk)
        kiosk_alive = TRUE;
      else if (!RB_IS_KIOSK_WINDOW (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        g_ptr_array_add (strangers, g_steal_pointer (&window));
    }
  if (!kiosk_alive)
    return G_SOURCE_REMOVE;
  for (guint i = 0; i < strangers->len; i++)
    gtk_window_destroy (g_ptr_array_index (strangers, i));
  gtk_window_present (lockdown->kiosk);
  return G_SOURCE_REMOVE;
}

static void
schedule_sweep (Lockdown *lockdown)
{
  if (lockdown->sweep_id == 0)
    lockdown->sweep_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, sweep_cb, lockdown, NULL);
}

static void
on_stranger_visible_cb (GtkWindow *window, GParamSpec *pspec, GtkWindow *kiosk)
{
  Lockdown *lockdown = g_object_get_data (G_OBJECT (kiosk), LOCKDOWN_KEY);

  if (lockdown != NULL && gtk_widget_get_visible (GTK_WIDGET (window)))
    schedule_sweep (lockdown);
}

/* A new toplevel is still being built (gtk_window_init adds it): it is watched, and closed
 * once it shows. */
static void
on_toplevels_changed_cb (GListModel *toplevels, guint position, guint removed, guint added,
                         GtkWindow *kiosk)
{
  Lockdown *lockdown = g_object_get_data (G_OBJECT (kiosk), LOCKDOWN_KEY);

  if (lockdown == NULL)
    return;
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != kiosk)
        g_signal_connect_object (window, "notify::visible", G_CALLBACK (on_stranger_visible_cb),
                                 kiosk, 0);
    }
  if (added > 0)
    schedule_sweep (lockdown);
}

/* Locks the application down around kiosk, for as long as kiosk lives. */
void
rb_kiosk_lockdown_attach (GtkApplication *application, GtkWindow *kiosk)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkEventController *keys;
  Lockdown *lockdown;

  g_return_if_fail (GTK_IS_WINDOW (kiosk));

  if (rb_kiosk_lockdown_is_attached (kiosk))
    return;
  lockdown = g_new0 (Lockdown, 1);
  lockdown->kiosk = kiosk;
  g_object_set_data_full (G_OBJECT (kiosk), LOCKDOWN_KEY, lockdown,
                          (GDestroyNotify) lockdown_free);

  if (application != NULL)
    clear_accels (application);
  if (GTK_IS_APPLICATION_WINDOW (kiosk))
    {
      gtk_application_window_set_help_overlay (GTK_APPLICATION_WINDOW (kiosk), NULL);
      gtk_application_window_set_show_menubar (GTK_APPLICATION_WINDOW (kiosk), FALSE);
    }

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_name (keys, "rb-kiosk-lockdown");
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), NULL);
  gtk_widget_add_controller (GTK_WIDGET (kiosk), keys);

  /* Disconnected when the kiosk is destroyed (its weak references go at dispose). */
  g_signal_connect_object (toplevels, "items-changed", G_CALLBACK (on_toplevels_changed_cb),
                           kiosk, 0);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != kiosk)
        g_signal_connect_object (window, "notify::visible", G_CALLBACK (on_stranger_visible_cb),
                                 kiosk, 0);
    }
  schedule_sweep (lockdown);
}

gboolean
rb_kiosk_lockdown_is_attached (GtkWindow *kiosk)
{
  g_return_val_if_fail (GTK_IS_WINDOW (kiosk), FALSE);
  return g_object_get_data (G_OBJECT (kiosk), LOCKDOWN_KEY) != NULL;
}
