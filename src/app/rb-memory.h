/* rb-memory.h: a kiosk runs for months; what it frees goes back to the system. */
#pragma once

#include "rb-kiosk-window.h"

G_BEGIN_DECLS

void rb_memory_choose_kiosk_renderer (void);
void rb_memory_tune_for_kiosk (void);
void rb_memory_watch_kiosk (RbKioskWindow *kiosk);

G_END_DECLS
