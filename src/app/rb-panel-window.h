/* rb-panel-window.h: the door panel: one room on a tablet beside its door — free or busy now,
 * what comes next, and booking, checking in, ending early and extending at the door. */
#pragma once

#include <adwaita.h>

#include "rb-application.h"
#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_PANEL_WINDOW (rb_panel_window_get_type ())
G_DECLARE_FINAL_TYPE (RbPanelWindow, rb_panel_window, RB, PANEL_WINDOW, AdwApplicationWindow)

RbPanelWindow *rb_panel_window_new (RbApplication *application, RbContext *context,
                                    const char *space_id);
const char *rb_panel_window_get_space_id (RbPanelWindow *self);
/* "home" or "identify" */
const char *rb_panel_window_get_screen (RbPanelWindow *self);
/* Whether the panel is dimmed because the building is closed. */
gboolean rb_panel_window_get_dimmed (RbPanelWindow *self);
/* The idle reset: home, nobody typing, the panel's own language (which may replace the
 * window with one built in it). */
void rb_panel_window_reset (RbPanelWindow *self);

G_END_DECLS
