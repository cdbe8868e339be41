/* rb-people-page.h: "People" for administrators: everyone with search, adding and editing a
 * person, deactivating and reactivating, a one-time PIN shown once, and the CSV import with
 * its dry-run report before anything is written. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_PEOPLE_PAGE (rb_people_page_get_type ())
G_DECLARE_FINAL_TYPE (RbPeoplePage, rb_people_page, RB, PEOPLE_PAGE, AdwBin)

GtkWidget *rb_people_page_new (RbContext *context);
void rb_people_page_reload (RbPeoplePage *self);
gboolean rb_people_page_is_loading (RbPeoplePage *self);
void rb_people_page_import_file (RbPeoplePage *self, GFile *file);

G_END_DECLS
