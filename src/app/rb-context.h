/* rb-context.h: what the app's widgets share — the store and the settings. Made once by the
 * application and handed to every window and page as a construct-only property. */
#pragma once

#include <gio/gio.h>

#include "rb-store.h"
#include "rb-sync-engine.h"

G_BEGIN_DECLS

#define RB_TYPE_CONTEXT (rb_context_get_type ())
G_DECLARE_FINAL_TYPE (RbContext, rb_context, RB, CONTEXT, GObject)

RbContext *rb_context_new (RbStore *store, GSettings *settings);
RbContext *rb_context_new_with_sync_engine (RbStore *store, GSettings *settings,
                                           RbSyncEngine *engine);

RbStore *rb_context_get_store (RbContext *self);
GSettings *rb_context_get_settings (RbContext *self);
RbSyncEngine *rb_context_get_sync_engine (RbContext *self);
GTimeZone *rb_context_get_time_zone (RbContext *self);
gint64 rb_context_now (RbContext *self);

RbPerson *rb_context_get_person (RbContext *self);
void rb_context_set_person (RbContext *self, RbPerson *person);

void rb_context_bookings_changed (RbContext *self);

void rb_context_identify_async (RbContext *self, const char *staff_number, const char *pin,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
RbPerson *rb_context_identify_finish (RbContext *self, GAsyncResult *result, GError **error);
RbPerson *rb_context_identify_finish_full (RbContext *self, GAsyncResult *result,
                                          gboolean *out_verified, char **out_session_token,
                                          GBytes **out_sealed_credential, GError **error);

char *rb_context_format_time (RbContext *self, gint64 instant);
char *rb_context_format_date (RbContext *self, gint64 instant);
char *rb_context_format_interval (RbContext *self, RbInterval interval);

G_END_DECLS
