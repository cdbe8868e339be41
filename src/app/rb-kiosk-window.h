/* rb-kiosk-window.h: the unattended touch kiosk: floor plan, book or check in with taps,
 * identify on a keypad, back to the start screen when idle. */
#pragma once

#include <adwaita.h>

#include "rb-application.h"
#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_KIOSK_WINDOW (rb_kiosk_window_get_type ())
G_DECLARE_FINAL_TYPE (RbKioskWindow, rb_kiosk_window, RB, KIOSK_WINDOW, AdwApplicationWindow)

RbKioskWindow *rb_kiosk_window_new (RbApplication *application, RbContext *context);
const char *rb_kiosk_window_get_screen (RbKioskWindow *self);
RbPerson *rb_kiosk_window_get_person (RbKioskWindow *self);
void rb_kiosk_window_reset (RbKioskWindow *self);
void rb_kiosk_window_note_activity (RbKioskWindow *self);

G_END_DECLS
