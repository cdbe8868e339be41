/* rb-read-trace.h: reading personal data leaves a trace (issue 13). Whoever is shown who
 * booked something that is not their own (where the site shows names and the person agreed)
 * is recorded in the audit log: one "personal_data.read" entry per answer and person seen,
 * with the viewer as actor, the person as subject (so that it is among what the person may
 * ask to see of themselves) and the bookings seen. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

typedef struct _RbReadTrace RbReadTrace;

RbReadTrace *rb_read_trace_new (const char *viewer_id, const char *via);
void rb_read_trace_free (RbReadTrace *self);
void rb_read_trace_add (RbReadTrace *self, RbBooking *booking);
gboolean rb_read_trace_write_sync (RbReadTrace *self, RbStore *store, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbReadTrace, rb_read_trace_free)

G_END_DECLS
