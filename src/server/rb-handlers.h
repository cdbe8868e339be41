/* rb-handlers.h: the handlers of the REST API v1, one per route, grouped by resource in
 * rb-*-handlers.c. Each gets a fresh RbRequest and must answer it exactly once. */
#pragma once

#include "rb-request.h"

G_BEGIN_DECLS

/* The feed's head read when a WebSocket of GET /changes/stream was authenticated: a gint64
 * on its SoupServerMessage, for the first message on the new connection. */
#define RB_STREAM_HEAD_KEY "rb-stream-head"

void rb_handle_health (RbRequest *req);
void rb_handle_openapi (RbRequest *req);

void rb_handle_create_session (RbRequest *req);
void rb_handle_delete_session (RbRequest *req);
void rb_handle_list_login_locks (RbRequest *req);
void rb_handle_unlock_login (RbRequest *req);

void rb_handle_list_sites (RbRequest *req);
void rb_handle_list_buildings (RbRequest *req);
void rb_handle_list_floors (RbRequest *req);
void rb_handle_list_spaces (RbRequest *req);
void rb_handle_get_floor_plan (RbRequest *req);
void rb_handle_set_floor_plan (RbRequest *req);
void rb_handle_remove_floor_plan (RbRequest *req);

void rb_handle_list_bookings (RbRequest *req);
void rb_handle_create_booking (RbRequest *req);
void rb_handle_update_booking (RbRequest *req);
void rb_handle_cancel_booking (RbRequest *req);
void rb_handle_check_in (RbRequest *req);

void rb_handle_changes (RbRequest *req);
void rb_handle_changes_stream (RbRequest *req);

void rb_handle_create_series (RbRequest *req);
void rb_handle_get_series (RbRequest *req);
void rb_handle_cancel_series (RbRequest *req);
void rb_handle_my_calendar (RbRequest *req);
void rb_handle_occupancy (RbRequest *req);
void rb_handle_utilisation_csv (RbRequest *req);
void rb_handle_list_blocks (RbRequest *req);
void rb_handle_create_block (RbRequest *req);
void rb_handle_preview_block (RbRequest *req);
void rb_handle_remove_block (RbRequest *req);

void rb_handle_get_policy (RbRequest *req);
void rb_handle_set_policy (RbRequest *req);
void rb_handle_list_audit (RbRequest *req);
void rb_handle_export_building (RbRequest *req);
void rb_handle_import_building (RbRequest *req);
void rb_handle_list_people (RbRequest *req);
void rb_handle_create_person (RbRequest *req);
void rb_handle_update_person (RbRequest *req);
void rb_handle_import_people (RbRequest *req);
void rb_handle_issue_one_time_pin (RbRequest *req);
void rb_handle_change_my_pin (RbRequest *req);
void rb_handle_change_pin (RbRequest *req);
void rb_handle_register_badge (RbRequest *req);
void rb_handle_remove_badge (RbRequest *req);
void rb_handle_get_privacy (RbRequest *req);
void rb_handle_set_privacy (RbRequest *req);
void rb_handle_export_my_data (RbRequest *req);
void rb_handle_erase_person (RbRequest *req);
void rb_handle_sync_directory (RbRequest *req);

G_END_DECLS
