/* rb-client-service.h: the one way the app's pages, dialogs and windows reach data.
 *
 * Two implementations sit below the app: RbLocalService (src/store/) on the app's own SQLite
 * store, for a standalone app, and RbServerService (src/sync/) on a local mirror kept in step
 * with raumbuch-server by the sync engine. The application makes one at start; no widget knows
 * which it has. The model is Evolution Data Server's ECalBackend: one class whose virtual
 * methods each backend fills.
 *
 * An abstract class rather than a GInterface, because most of what a client sees is state
 * that both backends keep the same way — who is signed in, whether the server can be
 * reached, how many bookings wait to be sent, the signals that tell views to reload — and a
 * base class holds it once, with its properties and signals, instead of each backend
 * repeating them. Likewise what can be said once in terms of other methods (the iCalendar
 * export) is written once here.
 *
 * Every *_async method completes on the caller's main context through a GTask whose source
 * object is the service; the *_finish functions here take the result, whichever backend made
 * it. Failures are RB_ERROR (a rule, with the translated message), G_IO_ERROR (the server
 * cannot be reached, cancelled), or the API client's errors. */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "rb-block.h"
#include "rb-booking.h"
#include "rb-floor.h"
#include "rb-identity.h"
#include "rb-occupancy-report.h"
#include "rb-person.h"
#include "rb-policy.h"
#include "rb-series.h"
#include "rb-space.h"

G_BEGIN_DECLS

#define RB_TYPE_CLIENT_SERVICE (rb_client_service_get_type ())
G_DECLARE_DERIVABLE_TYPE (RbClientService, rb_client_service, RB, CLIENT_SERVICE, GObject)

/* "My bookings" look this far ahead: the longest booking horizon (team leads' rooms). */
#define RB_CLIENT_SERVICE_LOOKAHEAD_DAYS 190

struct _RbClientServiceClass
{
  GObjectClass parent_class;

  /* the site */
  GTimeZone *(*get_time_zone) (RbClientService *self);
  void (*get_policy) (RbClientService *self, RbPolicy *out_policy);
  gint64 (*now) (RbClientService *self);

  /* the building: floors (RbFloor), a floor's spaces (RbSpace), blocks (RbSpaceBlock) */
  void (*list_floors_async) (RbClientService *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);
  void (*list_spaces_async) (RbClientService *self, const char *floor_id,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
  void (*list_blocks_async) (RbClientService *self, const char *floor_id, RbInterval range,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
  /* a floor's plan drawing (an RbPlanDrawing, or RB_ERROR_NOT_FOUND when it has none), and
   * an administrator's change of it (data NULL removes it; finishes with boolean_finish) */
  void (*get_floor_plan_async) (RbClientService *self, const char *floor_id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*set_floor_plan_async) (RbClientService *self, const char *floor_id,
                                const char *content_type, GBytes *data,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);

  /* bookings (RbBooking) */
  void (*list_bookings_async) (RbClientService *self, const char *floor_id,
                               const char *space_id, RbInterval range,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
  void (*list_my_bookings_async) (RbClientService *self, RbIdentity *who, RbInterval range,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
  void (*create_booking_async) (RbClientService *self, RbIdentity *who, RbBooking *request,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*update_booking_async) (RbClientService *self, RbBooking *booking, RbInterval interval,
                                const char *title, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  void (*cancel_booking_async) (RbClientService *self, const char *booking_id,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*check_in_async) (RbClientService *self, RbIdentity *who, const char *booking_id,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);

  /* people */
  void (*identify_async) (RbClientService *self, const char *staff_number, const char *pin,
                          GCancellable *cancellable, GAsyncReadyCallback callback,
                          gpointer user_data);
  void (*sign_in_async) (RbClientService *self, const char *staff_number, const char *pin,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data);
  void (*resume_async) (RbClientService *self, const char *person_id, const char *secret,
                        GCancellable *cancellable, GAsyncReadyCallback callback,
                        gpointer user_data);
  void (*sign_out_async) (RbClientService *self, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
  void (*list_people_async) (RbClientService *self, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data);

  /* series */
  void (*check_series_async) (RbClientService *self, const RbSeriesRequest *request,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
  void (*create_series_async) (RbClientService *self, const RbSeriesRequest *request,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
  void (*cancel_series_async) (RbClientService *self, const char *series_id,
                               const char *booking_id, RbSeriesCancelScope scope,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);

  /* reports and blocks */
  void (*occupancy_async) (RbClientService *self, const RbOccupancyQuery *query,
                           GCancellable *cancellable, GAsyncReadyCallback callback,
                           gpointer user_data);
  void (*preview_block_async) (RbClientService *self, const char *space_id, RbInterval interval,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
  void (*create_block_async) (RbClientService *self, const char *space_id, RbInterval interval,
                              const char *reason, GCancellable *cancellable,
                              GAsyncReadyCallback callback, gpointer user_data);
  void (*lift_block_async) (RbClientService *self, gint64 block_id, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);

  /* the building as a file, for administrators: the document of data/building.schema.json
   * (export), and an import that answers what it did, or with dry_run would do, as the
   * report of POST /api/v1/building/import (both finish with rb_client_service_json_finish) */
  void (*export_building_async) (RbClientService *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
  void (*import_building_async) (RbClientService *self, JsonNode *document, gboolean dry_run,
                                 GCancellable *cancellable, GAsyncReadyCallback callback,
                                 gpointer user_data);
  /* the site's policy (administrators; in force at once, and rb_client_service_get_policy
   * answers it from then on; finishes with rb_client_service_boolean_finish), and a page of
   * the audit log as GET /api/v1/audit answers it (rb_client_service_json_finish) */
  void (*set_policy_async) (RbClientService *self, const RbPolicy *policy,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
  void (*list_audit_async) (RbClientService *self, guint limit, const char *before,
                            GCancellable *cancellable, GAsyncReadyCallback callback,
                            gpointer user_data);
  /* people and PINs (issue 11). For administrators: list_people_admin ({"items": [person…]}
   * as GET /people, with "active" and "must_change_pin"), save_person (person_id NULL adds;
   * fields as the body of PATCH /people/{id}, without "active"; the person as JSON),
   * set_person_active (the person as JSON) and import_people (a CSV file; the report of POST
   * /people/import), all finishing with rb_client_service_json_finish; issue_one_time_pin,
   * finishing with rb_client_service_pin_finish. For everyone: change_pin, with staff_number
   * NULL for the signed-in person, or after a sign-in or identify failed with
   * RB_ERROR_PIN_CHANGE_REQUIRED for that staff number (rb_client_service_boolean_finish;
   * then sign in or identify again with the new PIN). */
  void (*list_people_admin_async) (RbClientService *self, gboolean include_inactive,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
  void (*save_person_async) (RbClientService *self, const char *person_id, JsonNode *fields,
                             GCancellable *cancellable, GAsyncReadyCallback callback,
                             gpointer user_data);
  void (*set_person_active_async) (RbClientService *self, const char *person_id,
                                   gboolean active, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
  void (*import_people_async) (RbClientService *self, GBytes *csv, gboolean dry_run,
                               gboolean deactivate_missing, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);
  /* the ministry's directory (issue 14), where the server has one (the property
   * offers-directory-sign-in; RB_ERROR_NO_DIRECTORY otherwise, always without a server).
   * sign_in_directory: a desktop's sign-in with the directory user name and password, like
   * sign_in_async (rb_client_service_person_finish). For administrators: sync_directory makes
   * the people what the directory says, or with dry_run answers what it would change (the
   * report of POST /directory/sync, rb_client_service_json_finish). */
  void (*sign_in_directory_async) (RbClientService *self, const char *username,
                                   const char *password, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
  void (*sync_directory_async) (RbClientService *self, gboolean dry_run,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*issue_one_time_pin_async) (RbClientService *self, const char *person_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
  void (*change_pin_async) (RbClientService *self, const char *staff_number, const char *pin,
                            const char *new_pin, GCancellable *cancellable,
                            GAsyncReadyCallback callback, gpointer user_data);
  /* badges (issue 12). identify_badge: a kiosk or door panel identifies the person whose badge
   * has this UID (as the reader typed it), like identify_async with staff number and PIN and
   * finishing with rb_client_service_identify_finish; RB_ERROR_BADGE_UNKNOWN when no one has
   * it. For administrators: register_badge (RB_ERROR_BADGE_TAKEN when it is someone else's)
   * and remove_badges (all of a person's), both answering the person as JSON with
   * "has_badge" (rb_client_service_json_finish). */
  void (*identify_badge_async) (RbClientService *self, const char *uid,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*register_badge_async) (RbClientService *self, const char *person_id, const char *uid,
                                GCancellable *cancellable, GAsyncReadyCallback callback,
                                gpointer user_data);
  void (*remove_badges_async) (RbClientService *self, const char *person_id,
                               GCancellable *cancellable, GAsyncReadyCallback callback,
                               gpointer user_data);
  /* names only by consent (issue 13): the signed-in person's choice whether colleagues see
   * their name on their bookings, as JSON {"show_name", "site_shows_names"}
   * (rb_client_service_json_finish); set_name_consent answers the same after the change. */
  void (*get_name_consent_async) (RbClientService *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data);
  void (*set_name_consent_async) (RbClientService *self, gboolean show_name,
                                  GCancellable *cancellable, GAsyncReadyCallback callback,
                                  gpointer user_data);
  /* people's rights (issue 13). export_my_data: everything held about the signed-in person,
   * the document of GET /me/export (RB_ERROR_UNAUTHENTICATED for nobody). For administrators:
   * erase_person (RB_ERROR_FORBIDDEN for oneself; the report of POST /people/{id}/erasure).
   * Both finish with rb_client_service_json_finish. */
  void (*export_my_data_async) (RbClientService *self, GCancellable *cancellable,
                                GAsyncReadyCallback callback, gpointer user_data);
  void (*erase_person_async) (RbClientService *self, const char *person_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
  /* optional: bring everything up to date now (default: nothing to do) */
  void (*sync_async) (RbClientService *self, GCancellable *cancellable,
                      GAsyncReadyCallback callback, gpointer user_data);
  /* optional: stop timers and connections before the application quits */
  void (*shutdown) (RbClientService *self);

  gpointer padding[5];
};

GTimeZone *rb_client_service_get_time_zone (RbClientService *self);
void rb_client_service_get_policy (RbClientService *self, RbPolicy *out_policy);
gint64 rb_client_service_now (RbClientService *self);

RbPerson *rb_client_service_get_person (RbClientService *self);
gboolean rb_client_service_get_online (RbClientService *self);
guint rb_client_service_get_pending (RbClientService *self);
gboolean rb_client_service_get_ready (RbClientService *self);
gboolean rb_client_service_get_offers_person_picker (RbClientService *self);
gboolean rb_client_service_get_offers_directory_sign_in (RbClientService *self);
const char *rb_client_service_get_location (RbClientService *self);
const char *rb_client_service_get_session_secret (RbClientService *self);

void rb_client_service_list_floors_async (RbClientService *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_list_spaces_async (RbClientService *self, const char *floor_id,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_list_blocks_async (RbClientService *self, const char *floor_id,
                                          RbInterval range, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_list_bookings_async (RbClientService *self, const char *floor_id,
                                            const char *space_id, RbInterval range,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_list_my_bookings_async (RbClientService *self, RbIdentity *who,
                                               RbInterval range, GCancellable *cancellable,
                                               GAsyncReadyCallback callback,
                                               gpointer user_data);
void rb_client_service_list_people_async (RbClientService *self, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_occupancy_async (RbClientService *self, const RbOccupancyQuery *query,
                                        GCancellable *cancellable,
                                        GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_preview_block_async (RbClientService *self, const char *space_id,
                                            RbInterval interval, GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_cancel_series_async (RbClientService *self, const char *series_id,
                                            const char *booking_id, RbSeriesCancelScope scope,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
GPtrArray *rb_client_service_list_finish (RbClientService *self, GAsyncResult *result,
                                          GError **error);

void rb_client_service_get_floor_plan_async (RbClientService *self, const char *floor_id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
GBytes *rb_client_service_get_floor_plan_finish (RbClientService *self, GAsyncResult *result,
                                                 char **out_content_type, GError **error);
void rb_client_service_set_floor_plan_async (RbClientService *self, const char *floor_id,
                                             const char *content_type, GBytes *data,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);

void rb_client_service_create_booking_async (RbClientService *self, RbIdentity *who,
                                             RbBooking *request, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_update_booking_async (RbClientService *self, RbBooking *booking,
                                             RbInterval interval, const char *title,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_cancel_booking_async (RbClientService *self, const char *booking_id,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_check_in_async (RbClientService *self, RbIdentity *who,
                                       const char *booking_id, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
RbBooking *rb_client_service_booking_finish (RbClientService *self, GAsyncResult *result,
                                             GError **error);

void rb_client_service_identify_async (RbClientService *self, const char *staff_number,
                                       const char *pin, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_identify_badge_async (RbClientService *self, const char *uid,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_register_badge_async (RbClientService *self, const char *person_id,
                                             const char *uid, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_remove_badges_async (RbClientService *self, const char *person_id,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_get_name_consent_async (RbClientService *self,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_set_name_consent_async (RbClientService *self, gboolean show_name,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
RbIdentity *rb_client_service_identify_finish (RbClientService *self, GAsyncResult *result,
                                               GError **error);

void rb_client_service_sign_in_async (RbClientService *self, const char *staff_number,
                                      const char *pin, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_resume_async (RbClientService *self, const char *person_id,
                                     const char *secret, GCancellable *cancellable,
                                     GAsyncReadyCallback callback, gpointer user_data);
RbPerson *rb_client_service_person_finish (RbClientService *self, GAsyncResult *result,
                                           GError **error);

void rb_client_service_check_series_async (RbClientService *self,
                                           const RbSeriesRequest *request,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_create_series_async (RbClientService *self,
                                            const RbSeriesRequest *request,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
RbSeriesResult *rb_client_service_series_finish (RbClientService *self, GAsyncResult *result,
                                                 GError **error);

void rb_client_service_create_block_async (RbClientService *self, const char *space_id,
                                           RbInterval interval, const char *reason,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
RbBlockResult *rb_client_service_block_finish (RbClientService *self, GAsyncResult *result,
                                               GError **error);

void rb_client_service_sign_out_async (RbClientService *self, GCancellable *cancellable,
                                       GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_lift_block_async (RbClientService *self, gint64 block_id,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_sync_async (RbClientService *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data);
gboolean rb_client_service_boolean_finish (RbClientService *self, GAsyncResult *result,
                                           GError **error);

void rb_client_service_export_ical_async (RbClientService *self, const char *calendar_name,
                                          GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
char *rb_client_service_export_ical_finish (RbClientService *self, GAsyncResult *result,
                                            GError **error);

void rb_client_service_export_building_async (RbClientService *self, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_import_building_async (RbClientService *self, JsonNode *document,
                                              gboolean dry_run, GCancellable *cancellable,
                                              GAsyncReadyCallback callback, gpointer user_data);
JsonNode *rb_client_service_json_finish (RbClientService *self, GAsyncResult *result,
                                         GError **error);

void rb_client_service_set_policy_async (RbClientService *self, const RbPolicy *policy,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
void rb_client_service_list_audit_async (RbClientService *self, guint limit, const char *before,
                                         GCancellable *cancellable, GAsyncReadyCallback callback,
                                         gpointer user_data);
void rb_client_service_list_people_admin_async (RbClientService *self,
                                                gboolean include_inactive,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
void rb_client_service_save_person_async (RbClientService *self, const char *person_id,
                                          JsonNode *fields, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_set_person_active_async (RbClientService *self, const char *person_id,
                                                gboolean active, GCancellable *cancellable,
                                                GAsyncReadyCallback callback,
                                                gpointer user_data);
void rb_client_service_sign_in_directory_async (RbClientService *self, const char *username,
                                                const char *password, GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_sync_directory_async (RbClientService *self, gboolean dry_run,
                                             GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_import_people_async (RbClientService *self, GBytes *csv,
                                            gboolean dry_run, gboolean deactivate_missing,
                                            GCancellable *cancellable,
                                            GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_issue_one_time_pin_async (RbClientService *self, const char *person_id,
                                                 GCancellable *cancellable,
                                                 GAsyncReadyCallback callback,
                                                 gpointer user_data);
char *rb_client_service_pin_finish (RbClientService *self, GAsyncResult *result,
                                    GError **error);
void rb_client_service_change_pin_async (RbClientService *self, const char *staff_number,
                                         const char *pin, const char *new_pin,
                                         GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_export_my_data_async (RbClientService *self, GCancellable *cancellable,
                                             GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_erase_person_async (RbClientService *self, const char *person_id,
                                           GCancellable *cancellable,
                                           GAsyncReadyCallback callback, gpointer user_data);
void rb_client_service_shutdown (RbClientService *self);

/* For the backends: their state, which the base class keeps and announces. */
void rb_client_service_set_person (RbClientService *self, RbPerson *person,
                                   const char *session_secret);
void rb_client_service_set_online (RbClientService *self, gboolean online);
void rb_client_service_set_pending (RbClientService *self, guint pending);
void rb_client_service_set_ready (RbClientService *self, gboolean ready);
void rb_client_service_set_offers_person_picker (RbClientService *self, gboolean offers);
void rb_client_service_set_offers_directory_sign_in (RbClientService *self, gboolean offers);
void rb_client_service_emit_changed (RbClientService *self);
void rb_client_service_emit_notice (RbClientService *self, RbBooking *booking);

G_END_DECLS
