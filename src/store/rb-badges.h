/* rb-badges.h: badges that identify a person alone (issue 12). A badge is known by its card's
 * secret ID (its UID, which a keyboard-wedge reader types and which is printed nowhere); the
 * store keeps only a hash of it (rb_badge_hash_uid). A person may have several badges, a badge
 * belongs to one person. Registering and removing write an audit entry, without the UID. All
 * *_sync, on the store's thread. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

/* What a reader may type: 4 to 64 hexadecimal digits, with ':', '-' or spaces between them. */
#define RB_BADGE_MAX_UID 128

char *rb_badge_hash_uid (const char *uid, GError **error);

JsonNode *rb_badges_register_sync (RbStore *store, const char *actor_id, const char *person_id,
                                   const char *uid_hash, GError **error);
JsonNode *rb_badges_remove_sync (RbStore *store, const char *actor_id, const char *person_id,
                                 GError **error);
int rb_badges_count_sync (RbStore *store, const char *person_id, GError **error);
RbPerson *rb_badges_find_person_sync (RbStore *store, const char *uid_hash, GError **error);
gboolean rb_badges_check_may_identify_sync (RbStore *store, RbPerson *person, GError **error);

G_END_DECLS
