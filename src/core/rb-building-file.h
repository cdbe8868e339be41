/* rb-building-file.h: the building as a file (data/building.schema.json): a site, its
 * buildings, floors and spaces. The reader here is the authority on what a valid file is; the
 * schema says the same for editors and other tools. */
#pragma once

#include <json-glib/json-glib.h>

#include "rb-building.h"
#include "rb-floor.h"
#include "rb-site.h"
#include "rb-space.h"

G_BEGIN_DECLS

/* Most buildings, floors and spaces a file may hold. */
#define RB_BUILDING_FILE_MAX_ITEMS 20000
/* Longest id: letters, digits, '.', '_' and '-'. */
#define RB_BUILDING_FILE_MAX_ID 64

typedef struct
{
  RbSite *site;
  GPtrArray *buildings; /* RbBuilding, in the file's order */
  GPtrArray *floors;    /* RbFloor */
  GPtrArray *spaces;    /* RbSpace */
} RbBuildingDocument;

RbBuildingDocument *rb_building_document_new (RbSite *site);
void rb_building_document_free (RbBuildingDocument *document);

RbBuildingDocument *rb_building_file_read (JsonNode *root, GError **error);
RbBuildingDocument *rb_building_file_parse (const char *data, gssize length, GError **error);
JsonNode *rb_building_file_write (RbBuildingDocument *document);

gboolean rb_building_report_is_empty (JsonNode *report);
char *rb_building_report_to_text (JsonNode *report);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbBuildingDocument, rb_building_document_free)

G_END_DECLS
