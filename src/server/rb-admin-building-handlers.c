/* rb-admin-building-handlers.c: GET /building/export and POST /building/import?dry_run=, the
 * building as a file (data/building.schema.json), for administrators only. The import's
 * answer is the report of rb-building-store.c; a bad file is 422 invalid_building with the
 * place of the fault in the detail and in "path", and changes nothing. */
#include "config.h"

#include <string.h>

#include "rb-building-store.h"
#include "rb-handlers.h"

typedef struct
{
  gboolean dry_run;
} ImportArgs;

static gboolean
check_admin (RbRequest *req, GError **error)
{
  if (rb_person_get_role (rb_request_get_person (req)) != RB_ROLE_ADMIN)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, NULL);
      return FALSE;
    }
  return TRUE;
}

static gboolean
export_job (RbRequest *req, RbStore *store, GError **error)
{
  g_autoptr (RbBuildingDocument) document = NULL;

  if (!check_admin (req, error) || !(document = rb_building_store_export_sync (store, error)))
    return FALSE;
  rb_request_take_body (req, rb_building_file_write (document));
  return TRUE;
}

void
rb_handle_export_building (RbRequest *req)
{
  rb_request_run (req, export_job, NULL);
}

/* The "spaces[12].rect.w" of an invalid_building message, for clients that point at it. */
static void
add_path_member (RbRequest *req, const GError *error)
{
  const char *message = error->message;
  const char *start = strstr (message, ". ");
  const char *end;

  start = start != NULL ? start + 2 : message;
  end = strstr (start, ": ");
  if (end != NULL)
    {
      g_autofree char *path = g_strndup (start, end - start);

      rb_request_take_problem_member (req, "path",
                                      json_node_init_string (json_node_alloc (), path));
    }
}

static gboolean
import_job (RbRequest *req, RbStore *store, GError **error)
{
  ImportArgs *args = rb_request_get_data (req);
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (RbBuildingDocument) document = NULL;
  g_autoptr (JsonNode) report = NULL;
  GError *local_error = NULL;

  /* Read here, on the store's thread, not on the main context: a building can be large. */
  if (!check_admin (req, error) || !(root = rb_request_parse_json (req, error)))
    return FALSE;
  if (!(document = rb_building_file_read (root, &local_error))
      || !(report = rb_building_store_import_sync (
               store, document, rb_person_get_id (rb_request_get_person (req)),
               args->dry_run ? RB_BUILDING_IMPORT_DRY_RUN : RB_BUILDING_IMPORT_DEFAULT,
               &local_error)))
    {
      if (g_error_matches (local_error, RB_ERROR, RB_ERROR_INVALID_BUILDING))
        add_path_member (req, local_error);
      g_propagate_error (error, local_error);
      return FALSE;
    }
  g_printerr ("building import dry_run=%d new=%u changed=%u retired=%u cancelled=%" G_GINT64_FORMAT "\n",
              args->dry_run,
              json_array_get_length (json_object_get_array_member (json_node_get_object (report), "new")),
              json_array_get_length (json_object_get_array_member (json_node_get_object (report), "changed")),
              json_array_get_length (json_object_get_array_member (json_node_get_object (report), "retired")),
              json_object_get_int_member (json_node_get_object (report), "cancelled_bookings"));
  rb_request_take_body (req, g_steal_pointer (&report));
  return TRUE;
}

void
rb_handle_import_building (RbRequest *req)
{
  ImportArgs *args = g_new0 (ImportArgs, 1);
  const char *dry_run = rb_request_get_query (req, "dry_run");

  if (dry_run != NULL && !g_str_equal (dry_run, "true") && !g_str_equal (dry_run, "false"))
    {
      g_free (args);
      rb_request_fail_with (req, SOUP_STATUS_UNPROCESSABLE_ENTITY, RB_ERROR_INVALID_FIELD,
                            NULL);
      return;
    }
  args->dry_run = g_strcmp0 (dry_run, "true") == 0;
  rb_request_set_data (req, args, g_free);
  rb_request_run (req, import_job, NULL);
}
