/* rb-problem.h: RFC 9457 problem+json answers, and which HTTP status each error code gets. */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define RB_PROBLEM_CONTENT_TYPE "application/problem+json"

guint rb_problem_status_for_error (const GError *error);
const char *rb_problem_code_for_error (const GError *error);
void rb_problem_respond (SoupServerMessage *msg, guint status, const char *code,
                         const char *detail, JsonObject *extra);
void rb_problem_respond_error (SoupServerMessage *msg, const GError *error, JsonObject *extra);

G_END_DECLS
