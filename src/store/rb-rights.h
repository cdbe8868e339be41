/* rb-rights.h: the rights of the people Raumbuch knows (DSGVO, issue 13): the export of
 * everything it holds about a person (Art. 15) and the erasure of a person (Art. 17). Both
 * *_sync, on the store's thread. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

/* The "format" member of an export, and its version. */
#define RB_RIGHTS_EXPORT_FORMAT "raumbuch-personal-data"
#define RB_RIGHTS_EXPORT_VERSION 1

JsonNode *rb_rights_export_sync (RbStore *store, const char *person_id, GError **error);
JsonNode *rb_rights_erase_sync (RbStore *store, const char *actor_id, const char *person_id,
                                GError **error);

G_END_DECLS
