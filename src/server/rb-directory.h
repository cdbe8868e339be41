/* rb-directory.h: the ministry's directory (LDAP or Active Directory, issue 14), read with
 * OpenLDAP's libldap. Made once from the [directory] section of the server's configuration
 * file and never changed afterwards, so that any thread may use it: every call opens its own
 * connection. Every call blocks (network round trips, up to the configured timeout), so the
 * server makes them on the login guard's directory threads or on a GTask thread, never on
 * its main context.
 *
 * Sign-in binds as the person with their password, which is never kept; the directory sync
 * reads everyone with the service account. Both resolve nested groups the same way: every
 * group below group-base-dn is read once and its members followed, so that the same
 * configuration works on Active Directory and on OpenLDAP (which lacks AD's in-chain rule). */
#pragma once

#include "rb-people-store.h"

G_BEGIN_DECLS

#define RB_DIRECTORY_GROUP "directory"

#define RB_TYPE_DIRECTORY (rb_directory_get_type ())
G_DECLARE_FINAL_TYPE (RbDirectory, rb_directory, RB, DIRECTORY, GObject)

RbDirectory *rb_directory_new_from_key_file (GKeyFile *file, GError **error);
/* How often the server syncs, in seconds (0: only on demand). */
guint rb_directory_get_sync_interval (RbDirectory *self);

RbDirectoryPerson *rb_directory_authenticate (RbDirectory *self, const char *username,
                                              const char *password, GError **error);
GPtrArray *rb_directory_list_people (RbDirectory *self, GError **error);

void rb_directory_sync_async (RbDirectory *self, RbStore *store, const char *actor_id,
                              gboolean dry_run, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
JsonNode *rb_directory_sync_finish (RbDirectory *self, GAsyncResult *result, GError **error);
char *rb_directory_report_to_text (JsonNode *report);

G_END_DECLS
