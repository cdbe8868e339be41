/* rb-import-dialog.h: "Import Building…" for administrators: what importing a building file
 * would do (a dry run through the client service: new, changed and retired spaces, bookings
 * that would be cancelled), or why the file cannot be imported, with the place of the fault.
 * The dialog only asks; its owner imports on "import". */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_IMPORT_DIALOG (rb_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (RbImportDialog, rb_import_dialog, RB, IMPORT_DIALOG, AdwMessageDialog)

RbImportDialog *rb_import_dialog_new (RbContext *context, GtkWindow *parent, JsonNode *document);
JsonNode *rb_import_dialog_get_document (RbImportDialog *self);
JsonNode *rb_import_dialog_get_report (RbImportDialog *self);
gboolean rb_import_dialog_is_loading (RbImportDialog *self);

G_END_DECLS
