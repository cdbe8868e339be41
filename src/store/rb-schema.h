/* rb-schema.h: the database schema and its migrations, versioned by PRAGMA user_version. */
#pragma once

#include "rb-db.h"

G_BEGIN_DECLS

int rb_schema_latest_version (void);
gboolean rb_schema_migrate (RbDb *db, GError **error);

G_END_DECLS
