/* test-ui-building.c: the desktop window's Import Building… and Export Building… under Xvfb,
 * standalone and against a real server (rb-ui-backend.h), in English and in German: only an
 * administrator has them; the export writes the building file; the import's dialog shows the
 * dry run (a desk taken out of service, a booking that would be cancelled) and imports when
 * confirmed, or shows a bad file's fault with its place and cannot import it. What was written
 * is read from the authority's database file. */
#include "config.h"

#include <adwaita.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-context.h"
#include "rb-import-dialog.h"
#include "rb-test-util.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

#define JONAS "14475"     /* staff */
#define CHRISTIAN "95113" /* admin */

static gint64 frozen_now;

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  RbWindow *window;
  char *authority_db;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->mode = GPOINTER_TO_INT (data);
  f->backend = rb_ui_backend_new (f->mode, frozen_now);
  f->service = rb_ui_backend_get_service (f->backend);
  f->settings = g_settings_new (APP_ID);
  g_settings_reset (f->settings, "acting-person");
  f->context = rb_context_new (f->service, f->settings);
  f->authority_db
      = f->mode == RB_UI_BACKEND_SERVER
            ? g_strdup (rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend)))
            : g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db", NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->backend, rb_ui_backend_free);
  g_free (f->authority_db);
}

static gboolean
file_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

static gboolean
no_dialog (gpointer data)
{
  return rb_ui_find_toplevel (RB_TYPE_IMPORT_DIALOG) == NULL;
}

static gboolean
dialog_loaded (gpointer data)
{
  RbImportDialog *dialog = RB_IMPORT_DIALOG (rb_ui_find_toplevel (RB_TYPE_IMPORT_DIALOG));

  return dialog != NULL && !rb_import_dialog_is_loading (dialog);
}

static RbBooking *
book (RbClientService *service, const char *space_id, gint64 start, gint64 end)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, NULL, rb_interval_make (start, end));
  RbBooking *booking;

  rb_client_service_create_booking_async (service, NULL, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  booking = rb_client_service_booking_finish (service, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  return booking;
}

/* The exported file with one change, written beside it. */
static char *
changed_copy (Fixture *f, const char *exported, const char *name,
              void (*change) (JsonObject *root))
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *changed = NULL;
  char *path = g_build_filename (rb_ui_backend_get_dir (f->backend), name, NULL);

  g_assert_true (g_file_get_contents (exported, &text, NULL, &error));
  root = json_from_string (text, &error);
  g_assert_no_error (error);
  change (json_node_get_object (root));
  changed = json_to_string (root, TRUE);
  g_assert_true (g_file_set_contents (path, changed, -1, &error));
  return path;
}

static void
without_first_desk (JsonObject *root)
{
  JsonArray *spaces = json_object_get_array_member (root, "spaces");

  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (spaces, 0), "id"),
                   ==, "a0-d001");
  json_array_remove_element (spaces, 0);
}

static void
with_zero_capacity (JsonObject *root)
{
  json_object_set_int_member (
      json_array_get_object_element (json_object_get_array_member (root, "spaces"), 12),
      "capacity", 0);
}

static void
test_import_and_export (Fixture *f, gconstpointer data)
{
  g_autofree char *exported = g_build_filename (rb_ui_backend_get_dir (f->backend),
                                                "building.json", NULL);
  g_autoptr (GFile) export_file = g_file_new_for_path (exported);
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autoptr (RbPerson) admin = NULL;
  g_autoptr (RbPerson) staff = NULL;
  g_autoptr (RbBooking) booked = NULL;
  RbClientService *other = rb_ui_backend_add_client (f->backend);
  RbImportDialog *dialog;
  JsonObject *report;
  const char *retired_sql = "SELECT count(*) FROM spaces WHERE id = 'a0-d001'"
                            " AND retired_at IS NOT NULL";

  staff = rb_ui_backend_sign_in (f->backend, other, JONAS);
  booked = book (other, "a0-d001", rb_test_berlin_time (2026, 12, 1, 9, 0),
                 rb_test_berlin_time (2026, 12, 1, 12, 0));

  /* Staff have neither entry. */
  g_clear_object (&staff);
  staff = rb_ui_backend_sign_in (f->backend, f->service, JONAS);
  f->window = rb_ui_open_window (f->context);
  /* Disabled actions do nothing: no file chooser opens. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.import-building", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.export-building", NULL);
  rb_ui_settle (300);
  g_assert_null (rb_ui_find_toplevel (GTK_TYPE_FILE_CHOOSER_DIALOG));
  rb_ui_destroy_toplevels ();

  admin = rb_ui_backend_sign_in (f->backend, f->service, CHRISTIAN);
  f->window = rb_ui_open_window (f->context);
  rb_window_export_building (f->window, export_file);
  g_assert_true (rb_ui_wait_for (file_exists, exported, 20));
  rb_ui_settle (200);

  /* A bad file: the fault and its place, and no way to import it. */
  bad = changed_copy (f, exported, "bad.json", with_zero_capacity);
  {
    g_autoptr (GFile) file = g_file_new_for_path (bad);

    rb_window_import_building (f->window, file);
  }
  g_assert_true (rb_ui_wait_for (dialog_loaded, NULL, 20));
  dialog = RB_IMPORT_DIALOG (rb_ui_find_toplevel (RB_TYPE_IMPORT_DIALOG));
  g_assert_null (rb_import_dialog_get_report (dialog));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)),
                            "spaces[12].capacity"));
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "import"));
  rb_ui_save_screenshot (GTK_WIDGET (dialog), f->mode == RB_UI_BACKEND_LOCAL
                                                  ? "import-building-bad-local"
                                                  : "import-building-bad-server");
  /* As its button does: the response, then the dialog closes. */
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_true (rb_ui_wait_for (no_dialog, NULL, 20));

  /* The desk left out: the dry run says what would happen, and nothing happens yet. */
  good = changed_copy (f, exported, "good.json", without_first_desk);
  {
    g_autoptr (GFile) file = g_file_new_for_path (good);

    rb_window_import_building (f->window, file);
  }
  g_assert_true (rb_ui_wait_for (dialog_loaded, NULL, 20));
  dialog = RB_IMPORT_DIALOG (rb_ui_find_toplevel (RB_TYPE_IMPORT_DIALOG));
  g_assert_nonnull (rb_import_dialog_get_report (dialog));
  report = json_node_get_object (rb_import_dialog_get_report (dialog));
  g_assert_true (json_object_get_boolean_member (report, "dry_run"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (report, "retired")), ==, 1);
  g_assert_cmpint (json_object_get_int_member (report, "cancelled_bookings"), ==, 1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "import"));
  g_assert_cmpint (rb_test_db_int (f->authority_db, retired_sql), ==, 0);
  rb_ui_save_screenshot (GTK_WIDGET (dialog), f->mode == RB_UI_BACKEND_LOCAL
                                                  ? "import-building-local"
                                                  : "import-building-server");

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "import");
  gtk_window_close (GTK_WINDOW (dialog));
  rb_ui_wait_for_db_int (f->authority_db, 1, retired_sql);
  g_assert_cmpint (rb_test_db_int (f->authority_db,
                                   "SELECT count(*) FROM bookings WHERE space_id = 'a0-d001'"
                                   " AND state = 'cancelled' AND cancel_reason IS NOT NULL"),
                   ==, 1);
}

int
main (int argc, char *argv[])
{
  rb_application_setup_i18n (NULL);
  gtk_test_init (&argc, &argv, NULL);
  setlocale (LC_ALL, "");
  adw_init ();
  g_object_unref (rb_application_new ());
  rb_ui_load_app_css ();

  frozen_now = rb_test_berlin_time (2026, 11, 30, 7, 0);
  for (RbUiBackendMode mode = RB_UI_BACKEND_LOCAL; mode <= RB_UI_BACKEND_SERVER; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/building/import-and-export",
                                               rb_ui_backend_mode_name (mode));

      g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, test_import_and_export,
                  fixture_tear_down);
    }
  return g_test_run ();
}
