/* rb-store.h: the SQLite store. One worker thread owns the connection: the *_async calls
 * queue work to it and complete on the caller's main context. The *_sync twins run on the
 * calling thread and are for tests, tools and the server's own worker; never mix the two
 * on one store. */
#pragma once

#include <gio/gio.h>

#include "rb-core.h"
#include "rb-db.h"

G_BEGIN_DECLS

#define RB_TYPE_STORE (rb_store_get_type ())
G_DECLARE_FINAL_TYPE (RbStore, rb_store, RB, STORE, GObject)

/* What a booking list asks for; NULL fields and an empty range do not filter. With a limit,
 * the list is one page: ordered by start and id (not by start and space name), at most limit
 * bookings, and with after_id only those after (after_start, after_id) in that order. */
typedef struct
{
  const char *space_id;
  const char *floor_id;
  const char *person_id;
  RbInterval range;
  gboolean active_only;
  guint limit;
  gint64 after_start;
  const char *after_id;
} RbBookingQuery;

/* Work for the store's thread: runs there with the connection to itself, and returns a
 * result (freed with result_free if nobody takes it) or NULL with an error. */
typedef gpointer (*RbStoreFunc) (RbStore *self, gpointer data, GCancellable *cancellable,
                                 GError **error);

/* Hears of committed change-feed rows: next is the feed's new head (rb_store_set_feed_func). */
typedef void (*RbStoreFeedFunc) (RbStore *self, gint64 next, gpointer user_data);

RbStore *rb_store_open_sync (const char *path, GError **error);
void rb_store_open_async (const char *path, gboolean seed_demo, GCancellable *cancellable,
                          GAsyncReadyCallback callback, gpointer user_data);
RbStore *rb_store_open_finish (GAsyncResult *result, GError **error);

/* Opens a connection of another engine than SQLite (the server's PostgreSQL, rb-pg-db.h)
 * to the database at location, migrated to the latest schema. */
typedef RbDb *(*RbStoreConnectFunc) (const char *location, GError **error);

/* The same as rb_store_open_*, on a connection that connect makes; the store's thread makes
 * it. rb_store_open_finish gives the store. */
RbStore *rb_store_open_with_sync (RbStoreConnectFunc connect, const char *location,
                                  GError **error);
void rb_store_open_with_async (RbStoreConnectFunc connect, const char *location,
                               gboolean seed_demo, GCancellable *cancellable,
                               GAsyncReadyCallback callback, gpointer user_data);

const char *rb_store_get_path (RbStore *self);
void rb_store_set_clock (RbStore *self, gint64 (*now_func) (gpointer), gpointer data);
gint64 rb_store_now (RbStore *self);

gboolean rb_store_is_empty_sync (RbStore *self, gboolean *out_empty, GError **error);
gboolean rb_store_import_building_sync (RbStore *self, JsonNode *building, GError **error);
gboolean rb_store_seed_demo_sync (RbStore *self, GError **error);
gboolean rb_store_seed_demo_plans_sync (RbStore *self, GError **error);
JsonNode *rb_store_load_demo_building (GError **error);

RbSite *rb_store_get_site_sync (RbStore *self, GError **error);
void rb_store_get_policy (RbStore *self, RbPolicy *out_policy);
GTimeZone *rb_store_get_time_zone (RbStore *self);
GPtrArray *rb_store_list_buildings_sync (RbStore *self, GError **error);
GPtrArray *rb_store_list_floors_sync (RbStore *self, GError **error);
GPtrArray *rb_store_list_spaces_sync (RbStore *self, const char *floor_id, GError **error);
RbSpace *rb_store_get_space_sync (RbStore *self, const char *space_id, GError **error);
GPtrArray *rb_store_list_people_sync (RbStore *self, GError **error);
RbPerson *rb_store_get_person_sync (RbStore *self, const char *person_id, GError **error);
RbPerson *rb_store_find_person_by_staff_number_sync (RbStore *self, const char *staff_number,
                                                     GError **error);

RbBooking *rb_store_create_booking_sync (RbStore *self, RbBooking *request, GError **error);
/* What a standalone door panel records as its device: it is the only one its file has. */
#define RB_STORE_STANDALONE_DOOR "standalone"
RbBooking *rb_store_create_door_booking_sync (RbStore *self, RbBooking *request,
                                              const char *door_device_id, GError **error);
RbBooking *rb_store_create_requested_booking_sync (RbStore *self, RbBooking *request,
                                                   RbPerson *person, const char *door_device_id,
                                                   const char *body_hash, gboolean *out_existed,
                                                   GError **error);
RbBooking *rb_store_cancel_door_booking_sync (RbStore *self, const char *booking_id,
                                              const char *door_device_id, GError **error);
RbBooking *rb_store_update_door_booking_sync (RbStore *self, const char *booking_id,
                                              const char *door_device_id,
                                              gint64 expected_version, RbInterval interval,
                                              GError **error);
RbBooking *rb_store_cancel_booking_sync (RbStore *self, const char *booking_id,
                                         const char *actor_id, GError **error);
RbBooking *rb_store_check_in_sync (RbStore *self, const char *booking_id, const char *actor_id,
                                   GError **error);
RbBooking *rb_store_get_booking_sync (RbStore *self, const char *booking_id, GError **error);
GPtrArray *rb_store_list_bookings_sync (RbStore *self, const RbBookingQuery *query,
                                        GError **error);
int rb_store_release_no_shows_sync (RbStore *self, GError **error);
RbBooking *rb_store_update_booking_sync (RbStore *self, const char *booking_id,
                                         const char *actor_id, gint64 expected_version,
                                         RbInterval interval, const char *title,
                                         gboolean change_title, GError **error);

GPtrArray *rb_store_list_blocks_sync (RbStore *self, const char *floor_id, const char *space_id,
                                      RbInterval range, GError **error);

void rb_store_list_floors_async (RbStore *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
void rb_store_list_spaces_async (RbStore *self, const char *floor_id, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
void rb_store_list_people_async (RbStore *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data);
void rb_store_list_bookings_async (RbStore *self, const RbBookingQuery *query,
                                   GCancellable *cancellable, GAsyncReadyCallback callback,
                                   gpointer user_data);
GPtrArray *rb_store_list_finish (RbStore *self, GAsyncResult *result, GError **error);

void rb_store_create_booking_async (RbStore *self, RbBooking *request, GCancellable *cancellable,
                                    GAsyncReadyCallback callback, gpointer user_data);
void rb_store_cancel_booking_async (RbStore *self, const char *booking_id, const char *actor_id,
                                    GCancellable *cancellable, GAsyncReadyCallback callback,
                                    gpointer user_data);
void rb_store_check_in_async (RbStore *self, const char *booking_id, const char *actor_id,
                              GCancellable *cancellable, GAsyncReadyCallback callback,
                              gpointer user_data);
void rb_store_release_no_shows_async (RbStore *self, GCancellable *cancellable,
                                      GAsyncReadyCallback callback, gpointer user_data);
int rb_store_release_no_shows_finish (RbStore *self, GAsyncResult *result, GError **error);

RbBooking *rb_store_booking_finish (RbStore *self, GAsyncResult *result, GError **error);

void rb_store_run_async (RbStore *self, RbStoreFunc func, gpointer data, GDestroyNotify data_free,
                         GDestroyNotify result_free, GCancellable *cancellable,
                         GAsyncReadyCallback callback, gpointer user_data);
gpointer rb_store_run_finish (RbStore *self, GAsyncResult *result, GError **error);

void rb_store_set_feed_func (RbStore *self, RbStoreFeedFunc func, gpointer user_data);

RbDb *rb_store_get_db (RbStore *self);
sqlite3 *rb_store_get_connection (RbStore *self);
gboolean rb_store_get_schema_version_sync (RbStore *self, gint64 *out_version, GError **error);
/* Reads the site's settings and policy again, after another server on the same database
 * changed them; a failure is only logged, the old ones stay. */
void rb_store_reload_settings (RbStore *self);
const char *const *rb_store_clash_queries (void);

G_END_DECLS
