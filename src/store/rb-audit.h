/* rb-audit.h: reading the audit log (schema 7), newest first, a page at a time. Entries are
 * written by rb_store_append_audit (rb-store-private.h) inside the transaction of the change
 * they record; nothing changes or deletes them (the schema's triggers refuse it), except the
 * redaction of what they say about a person who was erased (rb-rights.c). */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

#define RB_AUDIT_DEFAULT_LIMIT 50
#define RB_AUDIT_MAX_LIMIT 200

typedef struct
{
  guint limit;               /* 1 to RB_AUDIT_MAX_LIMIT */
  gint64 before;             /* entries with a smaller id only; 0: from the newest */
  const char *action_prefix; /* "policy." or "block.", or NULL for every action */
  const char *subject;       /* or NULL for every subject */
} RbAuditQuery;

JsonNode *rb_audit_list_sync (RbStore *store, const RbAuditQuery *query, GError **error);
JsonNode *rb_audit_list_about_person_sync (RbStore *store, const char *person_id,
                                           GError **error);
void rb_audit_list_async (RbStore *store, const RbAuditQuery *query, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
JsonNode *rb_audit_list_finish (RbStore *store, GAsyncResult *result, GError **error);

G_END_DECLS
