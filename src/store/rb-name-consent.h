/* rb-name-consent.h: names only by consent (issue 13). Where the site shows names at all,
 * each person chooses whether colleagues see their name (and titles) on their bookings; nobody's
 * is shown until they agree. Both calls answer the person's choice as JSON,
 * {"show_name": bool, "site_shows_names": bool}, as GET and PUT /me/privacy do. All *_sync, on
 * the store's thread. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

JsonNode *rb_name_consent_get_sync (RbStore *store, const char *person_id, GError **error);
JsonNode *rb_name_consent_set_sync (RbStore *store, const char *person_id, gboolean show_name,
                                    GError **error);

G_END_DECLS
