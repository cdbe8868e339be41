/* rb-window.h: the desktop main window: find a space, my bookings, team reservations,
 * occupancy; who is signed in, and whether the app is offline. */
#pragma once

#include <adwaita.h>

#include "rb-application.h"
#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_WINDOW (rb_window_get_type ())
G_DECLARE_FINAL_TYPE (RbWindow, rb_window, RB, WINDOW, AdwApplicationWindow)

RbWindow *rb_window_new (RbApplication *application, RbContext *context);
void rb_window_ask_sign_in (RbWindow *self);
void rb_window_import_building (RbWindow *self, GFile *file);
void rb_window_export_building (RbWindow *self, GFile *file);
void rb_window_export_my_data (RbWindow *self, GFile *file);

G_END_DECLS
