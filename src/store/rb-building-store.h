/* rb-building-store.h: the building file against the database: export, and an import that
 * reports what it changes (new, changed, retired) and applies it in one transaction. */
#pragma once

#include "rb-store.h"

G_BEGIN_DECLS

typedef enum
{
  RB_BUILDING_IMPORT_DEFAULT = 0,
  /* Report only; the database is left as it was. */
  RB_BUILDING_IMPORT_DRY_RUN = 1 << 0,
  /* A client's mirror taking the server's building as it is: bookings, the audit log and the
   * change feed are the server's business, so none of them is written. */
  RB_BUILDING_IMPORT_MIRROR = 1 << 1,
} RbBuildingImportFlags;

RbBuildingDocument *rb_building_store_export_sync (RbStore *store, GError **error);
JsonNode *rb_building_store_import_sync (RbStore *store, RbBuildingDocument *document,
                                         const char *actor_id, RbBuildingImportFlags flags,
                                         GError **error);

G_END_DECLS
