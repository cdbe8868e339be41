/* rb-people-store.h: administering people: add, edit, deactivate and reactivate, the CSV
 * import, one-time PINs and PIN changes. Every change writes its audit entry in the same
 * transaction; PIN hashes are made by the caller off the store's thread (rb-auth.h) and never
 * appear in the audit log. All *_sync, on the store's thread. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

/* What an add or edit sets; NULL (and has_role FALSE) leaves a field as it is on an edit. */
typedef struct
{
  const char *display_name;
  const char *staff_number;
  const char *team;
  gboolean has_role;
  RbRole role;
} RbPersonFields;

gboolean rb_person_fields_from_json (JsonObject *object, gboolean create, RbPersonFields *out,
                                     gboolean *out_has_active, gboolean *out_active,
                                     GError **error);
JsonNode *rb_people_store_person_to_json_sync (RbStore *store, const char *person_id,
                                               GError **error);
JsonNode *rb_people_store_list_sync (RbStore *store, gboolean include_inactive, GError **error);
JsonNode *rb_people_store_create_sync (RbStore *store, const char *actor_id,
                                       const RbPersonFields *fields, GError **error);
JsonNode *rb_people_store_update_sync (RbStore *store, const char *actor_id,
                                       const char *person_id, const RbPersonFields *fields,
                                       GError **error);
JsonNode *rb_people_store_set_active_sync (RbStore *store, const char *actor_id,
                                           const char *person_id, gboolean active,
                                           GError **error);
JsonNode *rb_people_store_import_sync (RbStore *store, const char *actor_id, GPtrArray *rows,
                                       GPtrArray *errors, gboolean deactivate_missing,
                                       gboolean dry_run, GError **error);

gboolean rb_people_store_end_sessions_and_bookings (RbStore *store, const char *person_id,
                                                    const char *reason, guint *out_cancelled,
                                                    GError **error);

/* A person as the directory describes them (issue 14; rb-directory.c in the server reads
 * them). */
typedef struct
{
  char *username;
  char *staff_number;
  char *display_name;
  char *team;
  RbRole role;
  /* the directory's disabled-filter matches them */
  gboolean disabled;
} RbDirectoryPerson;

void rb_directory_person_free (RbDirectoryPerson *person);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbDirectoryPerson, rb_directory_person_free)

JsonNode *rb_people_store_sync_directory_sync (RbStore *store, const char *actor_id,
                                               GPtrArray *people, gboolean complete,
                                               gboolean dry_run, GError **error);
RbPerson *rb_people_store_find_directory_person_sync (RbStore *store, const char *username,
                                                      GError **error);

gboolean rb_people_store_check_may_sign_in_sync (RbStore *store, const char *person_id,
                                                 GError **error);
gboolean rb_people_store_set_pin_sync (RbStore *store, const char *actor_id,
                                       const char *person_id, const char *pin_hash,
                                       gboolean one_time, GError **error);

G_END_DECLS
