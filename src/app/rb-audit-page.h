/* rb-audit-page.h: "Audit Log" for administrators: every administrative change — who, what,
 * when, and what it was before and after — newest first, a page at a time. Read only. */
#pragma once

#include <adwaita.h>

#include "rb-context.h"

G_BEGIN_DECLS

#define RB_TYPE_AUDIT_PAGE (rb_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (RbAuditPage, rb_audit_page, RB, AUDIT_PAGE, AdwBin)

GtkWidget *rb_audit_page_new (RbContext *context);
void rb_audit_page_reload (RbAuditPage *self);
gboolean rb_audit_page_is_loading (RbAuditPage *self);

G_END_DECLS
