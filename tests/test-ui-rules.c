/* test-ui-rules.c: the administrators' Rules and Audit Log pages of the desktop window under
 * Xvfb, driven through their real widgets, and the rules in force everywhere at once:
 *   - an administrator makes the longest desk booking shorter and the day start later on the
 *     Rules page; a wrong value is refused in its row before anything is sent; once saved,
 *     a desk booking that was fine before is refused, Find a Space offers the new hours, and
 *     the Audit Log page shows the change with before and after;
 *   - a policy change made on a desktop refuses a booking at a kiosk of the same server a
 *     moment later: the kiosk's own copy of the rules learns the change through the change
 *     feed, and the kiosk says why with the rule's words.
 *
 * Every case runs twice with the same assertions (in English and in German, see
 * tests/meson.build): /local/… on the app's own store, /server/… against a real
 * raumbuch-server (rb-ui-backend.h) with a mirror per client. What was written is read from
 * the authority's database file. Every wait has a deadline; nothing asserts how long
 * something took. */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "rb-application.h"
#include "rb-audit-page.h"
#include "rb-context.h"
#include "rb-rules-page.h"
#include "rb-ui-backend.h"
#include "rb-ui-test-util.h"
#include "rb-window.h"

/* Monday 30 November 2026, 07:00 in Berlin: the frozen "now" of every test here. */
static gint64 frozen_now;
static GTimeZone *berlin;

/* The demo people the tests act as (README.md). */
#define JONAS "14475"     /* staff */
#define MEHMET "15350"    /* staff */
#define CHRISTIAN "95113" /* admin */

typedef struct
{
  RbUiBackendMode mode;
  RbUiBackend *backend;
  RbClientService *service;
  GSettings *settings;
  RbContext *context;
  RbWindow *window;
  char *authority_db;
} UiFixture;

static gint64
berlin_time (int month, int day, int hour, int minute)
{
  return rb_local_to_utc (berlin, 2026, month, day, hour, minute);
}

static const char *
tr (const char *msgid)
{
  return g_dgettext (GETTEXT_PACKAGE, msgid);
}

/* ---- the fixture --------------------------------------------------------------------------- */

static void
fixture_set_up (UiFixture *f, gconstpointer data)
{
  f->mode = GPOINTER_TO_INT (data);
  f->backend = rb_ui_backend_new (f->mode, frozen_now);
  f->settings = g_settings_new (APP_ID);
  f->authority_db
      = f->mode == RB_UI_BACKEND_SERVER
            ? g_strdup (rb_test_server_get_db_path (rb_ui_backend_get_server (f->backend)))
            : g_build_filename (rb_ui_backend_get_dir (f->backend), "raumbuch.db", NULL);
}

static void
fixture_tear_down (UiFixture *f, gconstpointer data)
{
  rb_ui_destroy_toplevels ();
  g_clear_object (&f->context);
  g_clear_object (&f->settings);
  g_clear_pointer (&f->backend, rb_ui_backend_free);
  g_free (f->authority_db);
}

static void
use_service (UiFixture *f, const char *staff_number)
{
  g_autoptr (RbPerson) person = NULL;

  f->service = rb_ui_backend_get_service (f->backend);
  f->context = rb_context_new (f->service, f->settings);
  person = rb_ui_backend_sign_in (f->backend, f->service, staff_number);
}

static void
screenshot (UiFixture *f, GtkWidget *widget, const char *name)
{
  g_autofree char *full = g_strdup_printf ("%s-%s", name, rb_ui_backend_mode_name (f->mode));

  rb_ui_settle (300);
  rb_ui_save_screenshot (widget, full);
}

/* Books desk space_id for [start, end) on service: as who at a kiosk, as the person signed in
 * on a desktop (who NULL). The booking, or NULL with the error. */
static RbBooking *
book_desk (RbClientService *service, RbIdentity *who, const char *space_id, gint64 start,
           gint64 end, GError **error)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, space_id, NULL,
                                                  rb_interval_make (start, end));
  g_autoptr (GAsyncResult) result = NULL;

  rb_client_service_create_booking_async (service, who, request, NULL, rb_ui_keep_result_cb,
                                          &result);
  return rb_client_service_booking_finish (service, rb_ui_wait_result (&result), error);
}

static RbIdentity *
kiosk_identify (RbClientService *kiosk, const char *staff_number)
{
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  RbIdentity *who;

  rb_client_service_identify_async (kiosk, staff_number, rb_ui_backend_demo_pin (staff_number),
                                    NULL, rb_ui_keep_result_cb, &result);
  who = rb_client_service_identify_finish (kiosk, rb_ui_wait_result (&result), &error);
  g_assert_no_error (error);
  return who;
}

typedef struct
{
  RbClientService *service;
  int max_desk_minutes;
  int opening_minute;
} PolicyWait;

static gboolean
policy_arrived (gpointer data)
{
  PolicyWait *wait = data;
  RbPolicy policy;

  rb_client_service_get_policy (wait->service, &policy);
  return policy.max_desk_minutes == wait->max_desk_minutes
         && policy.opening_minute == wait->opening_minute;
}

static void
wait_for_policy (RbClientService *service, int max_desk_minutes, int opening_minute)
{
  PolicyWait wait = { service, max_desk_minutes, opening_minute };

  if (!rb_ui_wait_for (policy_arrived, &wait, 30))
    g_error ("the client's rules did not become max %d min, opening %d", max_desk_minutes,
             opening_minute);
}

static gboolean
not_saving (gpointer page)
{
  return !rb_rules_page_is_saving (page);
}

static gboolean
audit_loaded (gpointer page)
{
  return !rb_audit_page_is_loading (page);
}

/* ---- the Rules page ------------------------------------------------------------------------ */

static void
test_rules_page (UiFixture *f, gconstpointer data)
{
  RbClientService *staff = rb_ui_backend_add_client (f->backend);
  g_clear_object (&(RbPerson *){ rb_ui_backend_sign_in (f->backend, staff, JONAS) });
  g_autoptr (RbBooking) before = NULL;
  g_autoptr (RbBooking) after = NULL;
  g_autoptr (GError) error = NULL;
  GtkWidget *page, *find, *audit, *row, *save, *saved_row;
  GtkSpinButton *max_desk, *room_horizon, *team_lead_horizon, *anonymise_after, *delete_after;
  GtkDropDown *opening, *from;
  g_autofree char *nine = NULL;

  use_service (f, CHRISTIAN);
  f->window = rb_ui_open_window (f->context);
  g_assert_true (rb_ui_page_offered (f->window, "rules"));
  g_assert_true (rb_ui_page_offered (f->window, "audit"));
  page = rb_ui_show_page (f->window, "rules");
  save = rb_ui_child_by_id (page, "save_button");
  max_desk = GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "max_desk_spin"));
  room_horizon = GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "room_horizon_spin"));
  team_lead_horizon = GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "team_lead_horizon_spin"));
  opening = GTK_DROP_DOWN (rb_ui_child_by_id (page, "opening_dropdown"));
  anonymise_after = GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "anonymise_after_spin"));
  delete_after = GTK_SPIN_BUTTON (rb_ui_child_by_id (page, "delete_after_spin"));

  /* The form shows the rules in force. */
  g_assert_cmpint (gtk_spin_button_get_value_as_int (max_desk), ==, 10);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (anonymise_after), ==, 90);
  g_assert_cmpint (gtk_spin_button_get_value_as_int (delete_after), ==, 365);
  g_assert_cmpuint (gtk_drop_down_get_selected (opening), ==, 6 * 4);
  g_assert_false (gtk_widget_get_sensitive (save));

  /* Nine hours at a desk are fine by the defaults. */
  before = book_desk (staff, NULL, "a0-d001", berlin_time (12, 1, 8, 0),
                      berlin_time (12, 1, 17, 0), &error);
  g_assert_no_error (error);

  /* A team lead's horizon shorter than everyone's is refused in its row, and nothing can be
   * saved until it is right. */
  gtk_spin_button_set_value (team_lead_horizon, 30);
  row = rb_ui_child_by_id (page, "team_lead_horizon_row");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            tr ("Team leads must be able to book rooms at least as far ahead "
                                "as everyone else.")));
  g_assert_false (gtk_widget_get_sensitive (save));
  screenshot (f, GTK_WIDGET (f->window), "rules-refused-row");
  gtk_spin_button_set_value (room_horizon, 30);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  gtk_spin_button_set_value (team_lead_horizon, 180);
  gtk_spin_button_set_value (room_horizon, 90);

  /* Retention: a booking cannot be deleted before it stops naming its person. */
  gtk_spin_button_set_value (delete_after, 30);
  row = rb_ui_child_by_id (page, "delete_after_row");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)),
                            tr ("Bookings cannot be deleted before they stop naming their "
                                "person.")));
  g_assert_false (gtk_widget_get_sensitive (save));
  gtk_spin_button_set_value (delete_after, 180);
  gtk_spin_button_set_value (anonymise_after, 30);
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* Eight hours at most, and the day starts at 08:00. */
  gtk_spin_button_set_value (max_desk, 8);
  gtk_drop_down_set_selected (opening, 8 * 4);
  g_assert_true (gtk_widget_get_sensitive (save));
  rb_ui_click (save);
  g_assert_true (rb_ui_wait_for (not_saving, page, 30));
  g_assert_false (gtk_widget_get_sensitive (save));
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT value FROM policy"
                                                    " WHERE key = 'max_desk_minutes'"), ==, 480);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT value FROM policy"
                                                    " WHERE key = 'opening_minute'"), ==, 480);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT value FROM policy"
                                                    " WHERE key = 'anonymise_after_days'"), ==, 30);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT value FROM policy"
                                                    " WHERE key = 'delete_after_days'"), ==, 180);
  screenshot (f, GTK_WIDGET (f->window), "rules-saved");

  /* In force at once: the same nine hours are refused now, with the rule's reason. */
  wait_for_policy (staff, 480, 480);
  after = book_desk (staff, NULL, "a0-d002", berlin_time (12, 2, 8, 0),
                     berlin_time (12, 2, 17, 0), &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_TOO_LONG);
  g_assert_null (after);

  /* Find a Space offers the new hours without a restart. */
  find = rb_ui_show_page (f->window, "find");
  from = GTK_DROP_DOWN (rb_ui_child_by_id (find, "from_dropdown"));
  nine = g_strdup (gtk_string_list_get_string (GTK_STRING_LIST (gtk_drop_down_get_model (from)),
                                               0));
  g_assert_cmpstr (nine, ==, "08:00");

  /* The Audit Log shows who changed what, before and after. */
  audit = rb_ui_show_page (f->window, "audit");
  rb_audit_page_reload (RB_AUDIT_PAGE (audit));
  g_assert_true (rb_ui_wait_for (audit_loaded, audit, 30));
  saved_row = GTK_WIDGET (gtk_list_box_get_row_at_index (
      GTK_LIST_BOX (rb_ui_child_by_id (audit, "entry_list")), 0));
  g_assert_true (ADW_IS_ACTION_ROW (saved_row));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (saved_row)),
                            tr ("Rules changed")));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (saved_row)),
                            "Christian"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (saved_row)),
                            "max_desk_minutes: 600 → 480"));
  screenshot (f, GTK_WIDGET (f->window), "audit-log");
}

/* ---- a desktop's change refuses a kiosk's booking ------------------------------------------ */

static void
test_kiosk_refused (UiFixture *f, gconstpointer data)
{
  RbClientService *kiosk = rb_ui_backend_add_kiosk (f->backend);
  g_autoptr (RbIdentity) jonas = NULL;
  g_autoptr (RbIdentity) mehmet = NULL;
  g_autoptr (RbBooking) fine = NULL;
  g_autoptr (RbBooking) refused = NULL;
  g_autoptr (GAsyncResult) result = NULL;
  g_autoptr (GError) error = NULL;
  RbPolicy policy;

  use_service (f, CHRISTIAN);
  rb_ui_backend_wait_ready (kiosk);
  wait_for_policy (kiosk, 600, 6 * 60);

  /* At the kiosk, 08:00 to 09:00 this morning is fine. */
  jonas = kiosk_identify (kiosk, JONAS);
  fine = book_desk (kiosk, jonas, "a0-d002", berlin_time (11, 30, 8, 0),
                    berlin_time (11, 30, 9, 0), &error);
  g_assert_no_error (error);
  g_assert_nonnull (fine);

  /* On the desktop the administrator opens the building at 09:00 from now on. */
  rb_client_service_get_policy (f->service, &policy);
  policy.opening_minute = 9 * 60;
  rb_client_service_set_policy_async (f->service, &policy, NULL, rb_ui_keep_result_cb, &result);
  g_assert_true (rb_client_service_boolean_finish (f->service, rb_ui_wait_result (&result),
                                                   &error));
  g_assert_no_error (error);

  /* The kiosk learns it through the change feed, without anyone asking ... */
  wait_for_policy (kiosk, 600, 9 * 60);

  /* ... and the same hour at the next desk is refused, with the rule's words. */
  mehmet = kiosk_identify (kiosk, MEHMET);
  refused = book_desk (kiosk, mehmet, "a0-d003", berlin_time (11, 30, 8, 0),
                       berlin_time (11, 30, 9, 0), &error);
  g_assert_error (error, RB_ERROR, RB_ERROR_OUTSIDE_OPENING_HOURS);
  g_assert_nonnull (strstr (error->message, "09:00"));
  g_assert_null (refused);
  g_assert_cmpint (rb_test_db_int (f->authority_db, "SELECT count(*) FROM bookings"
                                                    " WHERE space_id = 'a0-d003'"), ==, 0);
}

/* Registers a test under /local/… and /server/…: the same assertions on both backends. */
static void
add_dual (const char *name, void (*test) (UiFixture *, gconstpointer))
{
  for (RbUiBackendMode mode = RB_UI_BACKEND_LOCAL; mode <= RB_UI_BACKEND_SERVER; mode++)
    {
      g_autofree char *path = g_strdup_printf ("/%s/%s", rb_ui_backend_mode_name (mode), name);

      g_test_add_vtable (path, sizeof (UiFixture), GINT_TO_POINTER (mode),
                         (GTestFixtureFunc) fixture_set_up, (GTestFixtureFunc) test,
                         (GTestFixtureFunc) fixture_tear_down);
    }
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

  berlin = g_time_zone_new_identifier ("Europe/Berlin");
  frozen_now = berlin_time (11, 30, 7, 0);

  add_dual ("rules/page-changes-and-takes-effect", test_rules_page);
  add_dual ("rules/desktop-change-refuses-kiosk-booking", test_kiosk_refused);
  return g_test_run ();
}
