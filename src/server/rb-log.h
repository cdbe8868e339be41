/* rb-log.h: values from clients, made safe for raumbuch-server's log on stderr. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *rb_log_escape (const char *text);

G_END_DECLS
