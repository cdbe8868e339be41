/* rb-keypad.h: the kiosk's on-screen number pad. There is no on-screen keyboard under a
 * kiosk compositor, and no text entry but this. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RB_TYPE_KEYPAD (rb_keypad_get_type ())
G_DECLARE_FINAL_TYPE (RbKeypad, rb_keypad, RB, KEYPAD, GtkWidget)

GtkWidget *rb_keypad_new (void);

G_END_DECLS
