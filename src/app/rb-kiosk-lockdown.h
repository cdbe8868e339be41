/* rb-kiosk-lockdown.h: kiosk mode leaves no way out but the administrator's PIN: no
 * application or window accelerator, no GTK Inspector, no shortcuts window, no window but
 * the kiosk, and the window manager cannot close it (issue 12). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void rb_kiosk_lockdown_prepare_environment (void);
void rb_kiosk_lockdown_attach (GtkApplication *application, GtkWindow *kiosk);
gboolean rb_kiosk_lockdown_is_attached (GtkWindow *kiosk);

G_END_DECLS
