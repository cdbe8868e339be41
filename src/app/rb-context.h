/* rb-context.h: what the app's widgets share — the client service and the settings — and how
 * times are shown. Made once by the application and handed to every window and page as a
 * construct-only property. */
#pragma once

#include <gio/gio.h>

#include "rb-core.h"

G_BEGIN_DECLS

#define RB_TYPE_CONTEXT (rb_context_get_type ())
G_DECLARE_FINAL_TYPE (RbContext, rb_context, RB, CONTEXT, GObject)

RbContext *rb_context_new (RbClientService *service, GSettings *settings);

RbClientService *rb_context_get_service (RbContext *self);
GSettings *rb_context_get_settings (RbContext *self);
GTimeZone *rb_context_get_time_zone (RbContext *self);
gint64 rb_context_now (RbContext *self);
RbPerson *rb_context_get_person (RbContext *self);
RbPolicy rb_context_get_policy (RbContext *self);

char *rb_context_format_time (RbContext *self, gint64 instant);
char *rb_context_format_date (RbContext *self, gint64 instant);
char *rb_context_format_interval (RbContext *self, RbInterval interval);
char *rb_context_describe_error (RbContext *self, const GError *error);

G_END_DECLS
