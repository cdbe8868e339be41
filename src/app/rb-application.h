/* rb-application.h: the Raumbuch application: opens the store, makes the context, shows the
 * window. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_APPLICATION (rb_application_get_type ())
G_DECLARE_FINAL_TYPE (RbApplication, rb_application, RB, APPLICATION, AdwApplication)

RbApplication *rb_application_new (void);
void rb_application_setup_i18n (const char *language);
GtkWindow *rb_application_present_window (RbApplication *self, RbContext *context,
                                          gboolean kiosk);
gboolean rb_application_use_language (RbApplication *self, const char *language);
gboolean rb_application_is_locked_down (GtkWindow *window);
gboolean rb_application_switch_language (RbApplication *self, const char *language);

G_END_DECLS
