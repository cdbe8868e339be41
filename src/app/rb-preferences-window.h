/* rb-preferences-window.h: Preferences of the desktop app: the language (applied at once),
 * the booking server (URL, and a kiosk's device token and the server's public key, taken
 * at the next start) and the kiosk settings. Every value is a GSettings key; a value that
 * cannot work is refused with its reason and the key keeps what it had. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_PREFERENCES_WINDOW (rb_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (RbPreferencesWindow, rb_preferences_window, RB, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

RbPreferencesWindow *rb_preferences_window_new (RbContext *context, GtkWindow *parent);

G_END_DECLS
