/* rb-ui-test-util.h: driving real GTK widgets in tests and benchmarks: wait on the main loop
 * with a deadline, find widgets by what a person sees, tap the kiosk, take screenshots. */
#pragma once

#include <adwaita.h>

#include "rb-kiosk-window.h"
#include "rb-store.h"

G_BEGIN_DECLS

gboolean rb_ui_wait_for (gboolean (*cond) (gpointer), gpointer data, int seconds);
void rb_ui_settle (int ms);

GtkWidget *rb_ui_find (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data);
GtkWidget *rb_ui_find_visible (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer),
                               gpointer data);
gboolean rb_ui_is_type (GtkWidget *widget, gpointer type);
gboolean rb_ui_is_button_labelled (GtkWidget *widget, gpointer label_prefix);
gboolean rb_ui_is_label_containing (GtkWidget *widget, gpointer text);
gboolean rb_ui_is_row_titled (GtkWidget *widget, gpointer title);

void rb_ui_save_screenshot (GtkWidget *widget, const char *name);
void rb_ui_load_app_css (void);

void rb_ui_kiosk_click (RbKioskWindow *window, const char *label_prefix);
void rb_ui_kiosk_assert_screen (RbKioskWindow *window, const char *screen);
void rb_ui_kiosk_type (RbKioskWindow *window, const char *digits);

char *rb_ui_make_demo_db_with_pins (void);
void rb_ui_copy_file (const char *from, const char *to);
void rb_ui_remove_db (const char *path);

G_END_DECLS
