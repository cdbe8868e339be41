/* rb-ui-test-util.h: driving real GTK widgets in tests and benchmarks: wait on the main loop
 * with a deadline, find widgets by what a person sees (or by the action a button fires), tap
 * the kiosk, open the desktop window, take screenshots. */
#pragma once

#include <adwaita.h>

#include "rb-kiosk-window.h"
#include "rb-store.h"
#include "rb-window.h"

G_BEGIN_DECLS

gboolean rb_ui_wait_for (gboolean (*cond) (gpointer), gpointer data, int seconds);
void rb_ui_settle (int ms);
void rb_ui_wait_laid_out (GtkWidget *widget);

GtkWidget *rb_ui_find (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data);
GtkWidget *rb_ui_find_visible (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer),
                               gpointer data);
gboolean rb_ui_is_type (GtkWidget *widget, gpointer type);
gboolean rb_ui_is_button_labelled (GtkWidget *widget, gpointer label_prefix);
gboolean rb_ui_is_label_containing (GtkWidget *widget, gpointer text);
gboolean rb_ui_is_row_titled (GtkWidget *widget, gpointer title);
gboolean rb_ui_has_builder_id (GtkWidget *widget, gpointer id);

/* The widget of a template with this id (from its .ui file); asserts that there is one. */
GtkWidget *rb_ui_child_by_id (GtkWidget *root, const char *id);
/* A button that fires action_name (with this string target, unless target is NULL). */
GtkWidget *rb_ui_find_action (GtkWidget *root, const char *action_name, const char *target);
/* A shown toplevel window of this type (a dialog), or NULL. */
GtkWindow *rb_ui_find_toplevel (GType type);
/* Waits (a little) for the button to become sensitive, as a person would, then clicks it. */
void rb_ui_click (GtkWidget *button);
/* Destroys every toplevel window: what a test leaves open does not reach the next one. */
void rb_ui_destroy_toplevels (void);

/* The desktop window on context, presented at a size that shows every page whole. */
RbWindow *rb_ui_open_window (RbContext *context);
/* Shows the page of the window's view stack with this name and returns it. */
GtkWidget *rb_ui_show_page (RbWindow *window, const char *name);
gboolean rb_ui_page_offered (RbWindow *window, const char *name);

void rb_ui_save_screenshot (GtkWidget *widget, const char *name);
void rb_ui_load_app_css (void);

void rb_ui_kiosk_click (RbKioskWindow *window, const char *label_prefix);
void rb_ui_kiosk_assert_screen (RbKioskWindow *window, const char *screen);
void rb_ui_kiosk_type (RbKioskWindow *window, const char *digits);

/* A test that drives a window calls the store as the window does: on the store's thread,
 * which owns the connection (a second thread on it is a data race). These run the call there
 * and wait for it, iterating the main context, with a deadline. */
void rb_ui_keep_result_cb (GObject *source, GAsyncResult *result, gpointer slot);
GAsyncResult *rb_ui_wait_result (GAsyncResult **slot);
RbBooking *rb_ui_store_create_booking (RbStore *store, RbBooking *request, GError **error);
RbBooking *rb_ui_store_check_in (RbStore *store, const char *booking_id, const char *actor_id,
                                 GError **error);
int rb_ui_store_release_no_shows (RbStore *store, GError **error);

char *rb_ui_make_demo_db_with_pins (void);
void rb_ui_copy_file (const char *from, const char *to);
void rb_ui_remove_db (const char *path);

G_END_DECLS
