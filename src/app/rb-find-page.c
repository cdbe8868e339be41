/* rb-find-page.c: the find-and-book page. All data comes from the client service
 * asynchronously; a newer request supersedes an older one, and the page's cancellable ends
 * them all when the page goes away. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-date-picker.h"
#include "rb-find-page.h"

#include "rb-accessible.h"
#include "rb-floor-plan.h"
#include "rb-space-row.h"
#include "rb-widget-util.h"

struct _RbFindPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkDropDown *floor_dropdown;
  GtkMenuButton *day_button;
  GtkPopover *day_popover;
  RbDatePicker *calendar;
  GtkDropDown *from_dropdown;
  GtkDropDown *to_dropdown;
  GtkToggleButton *kind_all_button;
  GtkToggleButton *kind_desk_button;
  GtkToggleButton *kind_room_button;
  GtkMenuButton *amenity_button;
  GtkBox *amenity_box;
  GtkLabel *summary_label;
  GtkListBox *space_list;
  GtkStack *view_stack;
  GtkToggleButton *list_view_button;
  GtkToggleButton *plan_view_button;
  RbFloorPlan *floor_plan;
  GtkCheckButton *amenity_buttons[RB_N_AMENITIES];

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *floors;
  GPtrArray *spaces;
  GHashTable *bookings_by_space;
  GPtrArray *blocks;
  GArray *slot_minutes;
  GDate day;
  guint bookings_generation;
};

G_DEFINE_FINAL_TYPE (RbFindPage, rb_find_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload_bookings (RbFindPage *self);

/* ---- helpers ---------------------------------------------------------------------------- */

static RbPolicy
current_policy (RbFindPage *self)
{
  return rb_context_get_policy (self->context);
}

static RbInterval
local_range (RbFindPage *self, int from_minute, int to_minute)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  int y = g_date_get_year (&self->day), m = g_date_get_month (&self->day);
  int d = g_date_get_day (&self->day);

  return rb_interval_make (rb_local_to_utc (tz, y, m, d, from_minute / 60, from_minute % 60),
                           rb_local_to_utc (tz, y, m, d, to_minute / 60, to_minute % 60));
}

static RbInterval
opening_hours (RbFindPage *self)
{
  RbPolicy policy = current_policy (self);

  return local_range (self, policy.opening_minute, policy.closing_minute);
}

/* The from list holds every slot start but the last; the to list every slot end. */
static int
from_minute (RbFindPage *self)
{
  return g_array_index (self->slot_minutes, int, gtk_drop_down_get_selected (self->from_dropdown));
}

static int
to_minute (RbFindPage *self)
{
  return g_array_index (self->slot_minutes, int, gtk_drop_down_get_selected (self->to_dropdown) + 1);
}

RbInterval
rb_find_page_get_chosen (RbFindPage *self)
{
  g_return_val_if_fail (RB_IS_FIND_PAGE (self), rb_interval_make (0, 0));
  return local_range (self, from_minute (self), to_minute (self));
}

static void
show_error (RbFindPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (RbFindPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static RbSpace *
find_space (RbFindPage *self, const char *space_id)
{
  for (guint i = 0; self->spaces != NULL && i < self->spaces->len; i++)
    if (g_str_equal (rb_space_get_id (g_ptr_array_index (self->spaces, i)), space_id))
      return g_ptr_array_index (self->spaces, i);
  return NULL;
}

/* ---- showing ---------------------------------------------------------------------------- */

static gboolean
row_matches (RbFindPage *self, GtkListBoxRow *row)
{
  RbSpace *space = rb_space_row_get_space (RB_SPACE_ROW (row));
  RbAmenities wanted = 0;

  if (gtk_toggle_button_get_active (self->kind_desk_button)
      && rb_space_get_kind (space) != RB_SPACE_KIND_DESK)
    return FALSE;
  if (gtk_toggle_button_get_active (self->kind_room_button)
      && rb_space_get_kind (space) != RB_SPACE_KIND_ROOM)
    return FALSE;
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    if (gtk_check_button_get_active (self->amenity_buttons[i]))
      wanted |= rb_amenity_nth (i);
  return rb_space_has_amenities (space, wanted);
}

/* A row filtered out is hidden from screen readers too: GTK 4.8 only stops drawing it. */
static gboolean
filter_row (GtkListBoxRow *row, gpointer user_data)
{
  gboolean matches = row_matches (user_data, row);

  gtk_accessible_update_state (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_STATE_HIDDEN, !matches, -1);
  return matches;
}

static void
update_summary (RbFindPage *self)
{
  int shown = 0, free = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->space_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (RB_IS_SPACE_ROW (row) && gtk_widget_get_child_visible (row))
      {
        shown++;
        free += rb_space_row_is_free (RB_SPACE_ROW (row));
      }

  if (shown == 0)
    gtk_label_set_label (self->summary_label, _("No space on this floor matches the filter."));
  else
    {
      g_autofree char *text = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "Free at this time: %d of %d space.",
                       "Free at this time: %d of %d spaces.", shown),
          free, shown);
      gtk_label_set_label (self->summary_label, text);
    }
}

/* The floor's drawing is read when the plan is shown, not for the list. */
static void
load_drawing (RbFindPage *self)
{
  if (gtk_toggle_button_get_active (self->plan_view_button))
    rb_floor_plan_load_drawing (self->floor_plan, rb_context_get_service (self->context));
}

/* The plan says of every space what its row says: free or taken at the chosen time. */
static void
update_plan_states (RbFindPage *self)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->space_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (RB_IS_SPACE_ROW (row))
      {
        RbSpace *space = rb_space_row_get_space (RB_SPACE_ROW (row));

        if (rb_space_row_is_free (RB_SPACE_ROW (row)))
          rb_floor_plan_set_state (self->floor_plan, space, _("Free at this time"),
                                   "emblem-ok-symbolic", "rb-free");
        else
          rb_floor_plan_set_state (self->floor_plan, space, _("Taken at this time"),
                                   "action-unavailable-symbolic", "rb-busy");
      }
}

static void
update_rows (RbFindPage *self)
{
  RbInterval hours = opening_hours (self);
  RbInterval chosen = rb_find_page_get_chosen (self);
  g_autoptr (GPtrArray) none = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->space_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (RB_IS_SPACE_ROW (row))
      {
        RbSpace *space = rb_space_row_get_space (RB_SPACE_ROW (row));
        GPtrArray *bookings = g_hash_table_lookup (self->bookings_by_space, rb_space_get_id (space));
        rb_space_row_update (RB_SPACE_ROW (row), bookings ? bookings : none, self->blocks, hours,
                             chosen);
      }
  gtk_list_box_invalidate_filter (self->space_list);
  update_summary (self);
  update_plan_states (self);
}

static void
rebuild_rows (RbFindPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->space_list))) != NULL)
    gtk_list_box_remove (self->space_list, child);
  for (guint i = 0; i < self->spaces->len; i++)
    gtk_list_box_append (self->space_list,
                         rb_space_row_new (self->context, g_ptr_array_index (self->spaces, i)));
  update_rows (self);
}

static void
update_day_label (RbFindPage *self)
{
  RbInterval hours = opening_hours (self);
  g_autofree char *label = rb_context_format_date (self->context, hours.start);
  g_autoptr (GDateTime) day
      = g_date_time_new_local (g_date_get_year (&self->day), g_date_get_month (&self->day),
                               g_date_get_day (&self->day), 12, 0, 0);
  g_autofree char *day_words = rb_date_picker_format_day (day);
  /* TRANSLATORS: what a screen reader says of the day button, e.g. "Day: Thursday,
   * 3 December 2026". */
  g_autofree char *spoken = g_strdup_printf (_("Day: %s"), day_words);

  gtk_menu_button_set_label (self->day_button, label);
  rb_date_picker_label_button (self->day_button, spoken);
}

/* ---- loading ---------------------------------------------------------------------------- */

typedef struct
{
  RbFindPage *page;
  guint generation;
  GPtrArray *bookings;
} LoadRequest;

static void
load_request_free (LoadRequest *request)
{
  g_object_unref (request->page);
  g_clear_pointer (&request->bookings, g_ptr_array_unref);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (LoadRequest, load_request_free)

static void
on_blocks_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (LoadRequest) request = user_data;
  RbFindPage *self = request->page;
  g_autoptr (GError) error = NULL;
  GPtrArray *blocks = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (blocks == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  if (request->generation != self->bookings_generation)
    {
      g_ptr_array_unref (blocks);
      return;
    }
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  self->blocks = blocks;
  g_hash_table_remove_all (self->bookings_by_space);
  for (guint i = 0; i < request->bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (request->bookings, i);
      GPtrArray *list = g_hash_table_lookup (self->bookings_by_space,
                                             rb_booking_get_space_id (booking));
      if (list == NULL)
        {
          list = g_ptr_array_new_with_free_func (g_object_unref);
          g_hash_table_insert (self->bookings_by_space, g_strdup (rb_booking_get_space_id (booking)),
                               list);
        }
      g_ptr_array_add (list, g_object_ref (booking));
    }
  update_rows (self);
}

static const char *selected_floor_id (RbFindPage *self);

/* The floor's bookings of the day, then its blocks: a blocked space is closed, never free. */
static void
on_bookings_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (LoadRequest) request = user_data;
  RbFindPage *self = request->page;
  g_autoptr (GError) error = NULL;

  request->bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  if (request->bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  if (request->generation != self->bookings_generation || selected_floor_id (self) == NULL)
    return;
  rb_client_service_list_blocks_async (rb_context_get_service (self->context),
                                       selected_floor_id (self), opening_hours (self),
                                       self->cancellable, on_blocks_loaded_cb,
                                       g_steal_pointer (&request));
}

static RbFloor *
selected_floor (RbFindPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->floor_dropdown);

  if (self->floors == NULL || selected >= self->floors->len)
    return NULL;
  return g_ptr_array_index (self->floors, selected);
}

static const char *
selected_floor_id (RbFindPage *self)
{
  RbFloor *floor = selected_floor (self);

  return floor != NULL ? rb_floor_get_id (floor) : NULL;
}

static void
reload_bookings (RbFindPage *self)
{
  LoadRequest *request;

  if (selected_floor_id (self) == NULL || self->spaces == NULL)
    return;
  request = g_new0 (LoadRequest, 1);
  request->page = g_object_ref (self);
  request->generation = ++self->bookings_generation;
  rb_client_service_list_bookings_async (rb_context_get_service (self->context),
                                         selected_floor_id (self), NULL, opening_hours (self),
                                         self->cancellable, on_bookings_loaded_cb, request);
}

static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbFindPage) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (spaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  self->spaces = spaces;
  g_hash_table_remove_all (self->bookings_by_space);
  rb_floor_plan_set_spaces (self->floor_plan, selected_floor (self), spaces);
  load_drawing (self);
  rebuild_rows (self);
  reload_bookings (self);
}

static void
on_floor_selected_cb (RbFindPage *self)
{
  const char *floor_id = selected_floor_id (self);

  if (floor_id != NULL)
    rb_client_service_list_spaces_async (rb_context_get_service (self->context), floor_id,
                                         self->cancellable, on_spaces_loaded_cb,
                                         g_object_ref (self));
}

/* A client of a server gets its building with the first sign-in, or once the server can be
 * reached: until then the page says what it waits for instead of showing nothing. */
static void
show_no_building (RbFindPage *self)
{
  if (rb_context_get_person (self->context) == NULL)
    gtk_label_set_label (self->summary_label, _("Sign in (top left) before booking."));
  else if (!rb_client_service_get_online (rb_context_get_service (self->context)))
    gtk_label_set_label (self->summary_label,
                         _("The booking server cannot be reached right now. Please try again "
                           "later."));
  else
    gtk_label_set_label (self->summary_label, "");
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbFindPage) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  if (floors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  self->floors = floors;
  if (floors->len == 0)
    show_no_building (self);
  for (guint i = 0; i < floors->len; i++)
    gtk_string_list_append (names, rb_floor_get_name (g_ptr_array_index (floors, i)));
  gtk_drop_down_set_model (self->floor_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->floor_dropdown, 0);
  on_floor_selected_cb (self);
}

/* A new client gets its building after a moment (the demo being made, or the first sign-in
 * with a server): until then there is no floor. */
static void update_time_choices (RbFindPage *self);

static void
on_service_changed_cb (RbFindPage *self)
{
  update_time_choices (self);
  if (self->floors == NULL || self->floors->len == 0)
    rb_client_service_list_floors_async (rb_context_get_service (self->context),
                                         self->cancellable, on_floors_loaded_cb,
                                         g_object_ref (self));
  else
    {
      /* The floor's drawing may be new: an administrator may have changed it. */
      load_drawing (self);
      reload_bookings (self);
    }
}

/* Another person's error is not this one's. */
static void
on_person_changed_cb (RbFindPage *self)
{
  hide_error (self);
  if (self->floors != NULL && self->floors->len == 0)
    show_no_building (self);
}

static void
on_online_changed_cb (RbFindPage *self)
{
  if (self->floors != NULL && self->floors->len == 0)
    show_no_building (self);
}

/* ---- booking ---------------------------------------------------------------------------- */

static gboolean
is_row_of (GtkWidget *row, const char *space_id)
{
  return RB_IS_SPACE_ROW (row)
         && g_str_equal (rb_space_get_id (rb_space_row_get_space (RB_SPACE_ROW (row))), space_id);
}

/* Keyboard focus on the space's row: its Book button, which had the focus, turns insensitive
 * once the space is taken (booked, or someone else's), and GTK would drop the focus with it. */
static void
focus_row_of (RbFindPage *self, const char *space_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->space_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (is_row_of (row, space_id))
      gtk_widget_grab_focus (row);
}

typedef struct
{
  RbFindPage *page;
  char *space_id;
} BookRequest;

static void
book_request_free (BookRequest *request)
{
  g_object_unref (request->page);
  g_free (request->space_id);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BookRequest, book_request_free)

/* The answer to a booking: booked, pending (queued until the server can be reached), or
 * refused with the reason. Either way the focus is on the space's row. */
static void
on_booked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (BookRequest) request = user_data;
  RbFindPage *self = request->page;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);
  g_autofree char *when = NULL;
  g_autofree char *message = NULL;
  g_autofree char *name = NULL;
  RbSpace *space;

  if (booking == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = rb_context_describe_error (self->context, error);
      show_error (self, text);
      focus_row_of (self, request->space_id);
      reload_bookings (self);
      return;
    }

  hide_error (self);
  when = rb_context_format_interval (self->context, rb_booking_get_interval (booking));
  space = find_space (self, rb_booking_get_space_id (booking));
  name = space ? rb_space_dup_display_name (space) : g_strdup (rb_booking_get_space_name (booking));
  if (rb_booking_get_sync_state (booking) == RB_SYNC_STATE_PENDING)
    /* TRANSLATORS: after booking while the server cannot be reached, e.g. "Desk 1.01,
     * Today, 09:00–17:00: pending — confirmed when the connection returns". */
    message = g_strdup_printf (_("%s, %s: pending — confirmed when the connection returns"),
                               name, when);
  else
    /* TRANSLATORS: confirmation after booking, e.g. "Booked Desk 1.01, Today, 09:00–17:00". */
    message = g_strdup_printf (_("Booked %s, %s"), name, when);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
  focus_row_of (self, request->space_id);
}

static void
create_booking (RbFindPage *self, RbSpace *space, const char *title, int attendees)
{
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = NULL;
  BookRequest *book;

  if (rb_context_get_person (self->context) == NULL)
    {
      show_error (self, _("Sign in (top left) before booking."));
      return;
    }
  request = rb_booking_new (id, rb_space_get_id (space), NULL, rb_find_page_get_chosen (self));
  if (title != NULL && *title != '\0')
    rb_booking_set_title (request, title);
  rb_booking_set_attendees (request, attendees);
  book = g_new0 (BookRequest, 1);
  book->page = g_object_ref (self);
  book->space_id = g_strdup (rb_space_get_id (space));
  /* At once: with a server the list may show the space taken before the answer comes. */
  focus_row_of (self, book->space_id);
  rb_client_service_create_booking_async (rb_context_get_service (self->context), NULL, request,
                                          self->cancellable, on_booked_cb, book);
}

typedef struct
{
  RbFindPage *page;
  RbSpace *space;
  GtkEditable *title_entry;
  GtkSpinButton *attendees_spin;
} RoomDialog;

static void
room_dialog_free (gpointer data, GClosure *closure)
{
  RoomDialog *dialog = data;

  g_object_unref (dialog->page);
  g_object_unref (dialog->space);
  g_free (dialog);
}

static void
on_room_dialog_response_cb (AdwMessageDialog *dialog, const char *response, RoomDialog *room)
{
  if (g_str_equal (response, "book"))
    create_booking (room->page, room->space, gtk_editable_get_text (room->title_entry),
                    gtk_spin_button_get_value_as_int (room->attendees_spin));
}

/* Rooms ask for a title and the number of attendees; desks are booked at once. */
static void
ask_room_details (RbFindPage *self, RbSpace *space)
{
  g_autofree char *name = rb_space_dup_display_name (space);
  g_autofree char *when = rb_context_format_interval (self->context, rb_find_page_get_chosen (self));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *attendees_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *attendees_label = gtk_label_new_with_mnemonic (_("_Attendees"));
  GtkWidget *title_entry = gtk_entry_new ();
  GtkWidget *spin = gtk_spin_button_new_with_range (1, rb_space_get_capacity (space), 1);
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (self)));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (root), name, when));
  RoomDialog *room = g_new0 (RoomDialog, 1);

  gtk_entry_set_placeholder_text (GTK_ENTRY (title_entry), _("Title, e.g. sprint planning"));
  rb_accessible_set_label (title_entry, _ ("Title"));
  gtk_entry_set_max_length (GTK_ENTRY (title_entry), RB_JSON_MAX_TEXT);
  /* Enter in the title or the number books, as the Book button does. */
  gtk_entry_set_activates_default (GTK_ENTRY (title_entry), TRUE);
  gtk_text_set_activates_default (GTK_TEXT (rb_find_descendant (spin, GTK_TYPE_TEXT)), TRUE);
  gtk_label_set_mnemonic_widget (GTK_LABEL (attendees_label), spin);
  gtk_widget_set_hexpand (attendees_label, TRUE);
  gtk_label_set_xalign (GTK_LABEL (attendees_label), 0);
  gtk_box_append (GTK_BOX (attendees_box), attendees_label);
  gtk_box_append (GTK_BOX (attendees_box), spin);
  gtk_box_append (GTK_BOX (box), title_entry);
  gtk_box_append (GTK_BOX (box), attendees_box);
  adw_message_dialog_set_extra_child (dialog, box);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "book", _("_Book"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "book", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "book");
  adw_message_dialog_set_close_response (dialog, "cancel");

  room->page = g_object_ref (self);
  room->space = g_object_ref (space);
  room->title_entry = GTK_EDITABLE (title_entry);
  room->attendees_spin = GTK_SPIN_BUTTON (spin);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_room_dialog_response_cb), room,
                         room_dialog_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* A space on the plan does what the Book button of its row does; a taken one says so. */
static void
on_plan_space_activated_cb (RbFindPage *self, RbSpace *space)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->space_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (RB_IS_SPACE_ROW (row) && rb_space_row_get_space (RB_SPACE_ROW (row)) == space)
      {
        if (rb_space_row_is_free (RB_SPACE_ROW (row)))
          gtk_widget_activate_action (GTK_WIDGET (self), "find.book", "s",
                                      rb_space_get_id (space));
        else
          show_error (self, _("This space is taken at the chosen time. Choose another time or "
                              "another space."));
        return;
      }
}

static void
on_view_toggled_cb (RbFindPage *self)
{
  gtk_stack_set_visible_child_name (
      self->view_stack, gtk_toggle_button_get_active (self->plan_view_button) ? "plan" : "list");
  load_drawing (self);
}

static void
book_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbFindPage *self = RB_FIND_PAGE (widget);
  RbSpace *space = find_space (self, g_variant_get_string (parameter, NULL));

  if (space == NULL)
    return;
  if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
    ask_room_details (self, space);
  else
    create_booking (self, space, NULL, 1);
}

/* ---- choosing the time ------------------------------------------------------------------ */

static GtkStringList *
slot_labels (RbFindPage *self, guint first, guint last)
{
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = first; i <= last; i++)
    {
      int minute = g_array_index (self->slot_minutes, int, i);
      g_autoptr (GDateTime) time = g_date_time_new_utc (2000, 1, 1, minute / 60, minute % 60, 0);
      g_autofree char *label = g_date_time_format (time, C_ ("time of day", "%H:%M"));
      gtk_string_list_append (labels, label);
    }
  return labels;
}

static guint
slot_index (RbFindPage *self, int minute)
{
  for (guint i = 0; i < self->slot_minutes->len; i++)
    if (g_array_index (self->slot_minutes, int, i) >= minute)
      return i;
  return self->slot_minutes->len - 1;
}

static void
on_from_changed_cb (RbFindPage *self)
{
  /* Keep the end after the start: move it to an hour later when it no longer is. */
  if (to_minute (self) <= from_minute (self))
    {
      guint to = slot_index (self, from_minute (self) + 60);
      gtk_drop_down_set_selected (self->to_dropdown, MAX (to, 1) - 1);
    }
  update_rows (self);
}

static void
on_to_changed_cb (RbFindPage *self)
{
  if (to_minute (self) <= from_minute (self))
    gtk_drop_down_set_selected (self->from_dropdown, gtk_drop_down_get_selected (self->to_dropdown));
  update_rows (self);
}

static void
set_day (RbFindPage *self, int year, int month, int day)
{
  g_date_set_dmy (&self->day, day, month, year);
  update_day_label (self);
  reload_bookings (self);
}

static void on_calendar_day_selected_cb (RbFindPage *self);

/* The calendar shows the page's day; choosing it there is not a new choice. Days before
 * today are not offered at all. */
static void
show_day_in_calendar (RbFindPage *self)
{
  g_autoptr (GDateTime) selected = g_date_time_new_local (g_date_get_year (&self->day),
                                                           g_date_get_month (&self->day),
                                                           g_date_get_day (&self->day), 12, 0, 0);
  g_autoptr (GDateTime) today
      = rb_utc_to_local (rb_context_get_time_zone (self->context), rb_context_now (self->context));

  rb_date_picker_set_today (self->calendar, today);
  rb_date_picker_set_min_date (self->calendar, today);
  g_signal_handlers_block_by_func (self->calendar, on_calendar_day_selected_cb, self);
  rb_date_picker_select_day (self->calendar, selected);
  g_signal_handlers_unblock_by_func (self->calendar, on_calendar_day_selected_cb, self);
}

/* Bookings start today at the earliest: a past day is not offered as if it were free. The
 * calendar offers none, but a day may pass while it is open; then it goes back to the day the
 * page shows, so that it does not pretend otherwise. */
static void
on_calendar_day_selected_cb (RbFindPage *self)
{
  g_autoptr (GDateTime) date = rb_date_picker_get_date (self->calendar);
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  g_autoptr (GDateTime) today = rb_utc_to_local (tz, rb_context_now (self->context));
  int y = g_date_time_get_year (date), m = g_date_time_get_month (date);
  int d = g_date_time_get_day_of_month (date);

  if (y * 10000 + m * 100 + d
      < g_date_time_get_year (today) * 10000 + g_date_time_get_month (today) * 100
            + g_date_time_get_day_of_month (today))
    {
      show_error (self, _("That day has passed. Choose today or a later day."));
      show_day_in_calendar (self);
      return;
    }
  hide_error (self);
  gtk_popover_popdown (self->day_popover);
  set_day (self, y, m, d);
}

/* find.previous-day and find.next-day: the window's Alt+Left and Alt+Right. The calendar
 * takes the day as a person choosing it there would: a past day is refused the same way. */
static void
move_day_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbFindPage *self = RB_FIND_PAGE (widget);
  g_autoptr (GDateTime) noon
      = g_date_time_new_local (g_date_get_year (&self->day), g_date_get_month (&self->day),
                               g_date_get_day (&self->day), 12, 0, 0);
  g_autoptr (GDateTime) moved
      = g_date_time_add_days (noon, g_str_equal (action_name, "find.next-day") ? 1 : -1);

  rb_date_picker_select_day (self->calendar, moved);
}

static void
on_filter_changed_cb (RbFindPage *self)
{
  int wanted = 0;

  for (guint i = 0; i < RB_N_AMENITIES; i++)
    wanted += gtk_check_button_get_active (self->amenity_buttons[i]);
  if (wanted == 0)
    gtk_menu_button_set_label (self->amenity_button, _("Amenities"));
  else
    {
      /* TRANSLATORS: the amenities filter button with the number of amenities chosen. */
      g_autofree char *label = g_strdup_printf (_("Amenities (%d)"), wanted);
      gtk_menu_button_set_label (self->amenity_button, label);
    }
  gtk_list_box_invalidate_filter (self->space_list);
  update_summary (self);
}

static void
on_dismiss_error_clicked_cb (RbFindPage *self)
{
  hide_error (self);
}

/* Starts on the next slot of today, or on tomorrow morning once today is over. */
static void
choose_initial_time (RbFindPage *self)
{
  RbPolicy policy = current_policy (self);
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  gint64 now = rb_context_now (self->context);
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, now);
  int minute = g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
  int start = rb_slot_ceil (minute * 60) / 60;
  int end;

  if (start > policy.closing_minute - 60)
    {
      g_autoptr (GDateTime) tomorrow = g_date_time_add_days (local, 1);
      g_date_set_dmy (&self->day, g_date_time_get_day_of_month (tomorrow),
                      g_date_time_get_month (tomorrow), g_date_time_get_year (tomorrow));
      start = 8 * 60;
    }
  else
    {
      g_date_set_dmy (&self->day, g_date_time_get_day_of_month (local),
                      g_date_time_get_month (local), g_date_time_get_year (local));
      start = MAX (start, policy.opening_minute);
    }
  end = start < 17 * 60 ? 17 * 60 : start + 60;

  gtk_drop_down_set_selected (self->from_dropdown, slot_index (self, start));
  gtk_drop_down_set_selected (self->to_dropdown, slot_index (self, end) - 1);
  show_day_in_calendar (self);
  update_day_label (self);
}

static void
build_time_choices (RbFindPage *self)
{
  RbPolicy policy = current_policy (self);
  g_autoptr (GtkStringList) from_labels = NULL;
  g_autoptr (GtkStringList) to_labels = NULL;

  for (int minute = policy.opening_minute; minute <= policy.closing_minute; minute += 15)
    g_array_append_val (self->slot_minutes, minute);
  from_labels = slot_labels (self, 0, self->slot_minutes->len - 2);
  to_labels = slot_labels (self, 1, self->slot_minutes->len - 1);
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (from_labels));
  gtk_drop_down_set_model (self->to_dropdown, G_LIST_MODEL (to_labels));
}

/* The opening hours may have changed (an administrator's Rules): the time choices follow,
 * keeping the chosen times where they still fit. The lists change with their handlers
 * blocked, which would read the old choices against the new slots. */
static void
update_time_choices (RbFindPage *self)
{
  RbPolicy policy = current_policy (self);
  guint n = self->slot_minutes->len;
  int from, to;

  if (n > 0 && g_array_index (self->slot_minutes, int, 0) == policy.opening_minute
      && g_array_index (self->slot_minutes, int, n - 1) == policy.closing_minute)
    return;
  from = from_minute (self);
  to = to_minute (self);
  g_signal_handlers_block_by_func (self->from_dropdown, on_from_changed_cb, self);
  g_signal_handlers_block_by_func (self->to_dropdown, on_to_changed_cb, self);
  g_array_set_size (self->slot_minutes, 0);
  build_time_choices (self);
  from = CLAMP (from, policy.opening_minute, policy.closing_minute - 15);
  to = CLAMP (to, from + 15, policy.closing_minute);
  gtk_drop_down_set_selected (self->from_dropdown, slot_index (self, from));
  gtk_drop_down_set_selected (self->to_dropdown, slot_index (self, to) - 1);
  g_signal_handlers_unblock_by_func (self->from_dropdown, on_from_changed_cb, self);
  g_signal_handlers_unblock_by_func (self->to_dropdown, on_to_changed_cb, self);
  update_rows (self);
}

static void
build_amenity_filters (RbFindPage *self)
{
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    {
      GtkWidget *button = gtk_check_button_new_with_label (rb_amenity_label (rb_amenity_nth (i)));

      g_signal_connect_swapped (button, "toggled", G_CALLBACK (on_filter_changed_cb), self);
      gtk_box_append (self->amenity_box, button);
      self->amenity_buttons[i] = GTK_CHECK_BUTTON (button);
    }
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_find_page_constructed (GObject *object)
{
  RbFindPage *self = RB_FIND_PAGE (object);

  G_OBJECT_CLASS (rb_find_page_parent_class)->constructed (object);

  build_time_choices (self);
  build_amenity_filters (self);
  choose_initial_time (self);
  gtk_list_box_set_filter_func (self->space_list, filter_row, self, NULL);

  g_signal_connect_swapped (self->floor_dropdown, "notify::selected",
                            G_CALLBACK (on_floor_selected_cb), self);
  g_signal_connect_swapped (self->from_dropdown, "notify::selected",
                            G_CALLBACK (on_from_changed_cb), self);
  g_signal_connect_swapped (self->to_dropdown, "notify::selected",
                            G_CALLBACK (on_to_changed_cb), self);
  rb_drop_down_open_at_selection (self->from_dropdown);
  rb_drop_down_open_at_selection (self->to_dropdown);
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (on_service_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::person",
                           G_CALLBACK (on_person_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::online",
                           G_CALLBACK (on_online_changed_cb), self, G_CONNECT_SWAPPED);

  rb_client_service_list_floors_async (rb_context_get_service (self->context), self->cancellable,
                                       on_floors_loaded_cb, g_object_ref (self));
}

static void
rb_find_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbFindPage *self = RB_FIND_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_find_page_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  RbFindPage *self = RB_FIND_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_find_page_dispose (GObject *object)
{
  RbFindPage *self = RB_FIND_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_FIND_PAGE);
  g_clear_object (&self->context);
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_find_page_parent_class)->dispose (object);
}

static void
rb_find_page_finalize (GObject *object)
{
  RbFindPage *self = RB_FIND_PAGE (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->bookings_by_space);
  g_array_unref (self->slot_minutes);

  G_OBJECT_CLASS (rb_find_page_parent_class)->finalize (object);
}

static void
rb_find_page_class_init (RbFindPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_find_page_constructed;
  object_class->dispose = rb_find_page_dispose;
  object_class->finalize = rb_find_page_finalize;
  object_class->get_property = rb_find_page_get_property;
  object_class->set_property = rb_find_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_DATE_PICKER);
  g_type_ensure (RB_TYPE_FLOOR_PLAN);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-find-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, floor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, day_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, day_popover);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, to_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, kind_all_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, kind_desk_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, kind_room_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, amenity_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, amenity_box);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, space_list);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, view_stack);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, list_view_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, plan_view_button);
  gtk_widget_class_bind_template_child (widget_class, RbFindPage, floor_plan);
  gtk_widget_class_bind_template_callback (widget_class, on_plan_space_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_view_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_error_clicked_cb);

  gtk_widget_class_install_action (widget_class, "find.book", "s", book_action_cb);
  gtk_widget_class_install_action (widget_class, "find.previous-day", NULL, move_day_action_cb);
  gtk_widget_class_install_action (widget_class, "find.next-day", NULL, move_day_action_cb);
}

static void
rb_find_page_init (RbFindPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->bookings_by_space = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) g_ptr_array_unref);
  self->slot_minutes = g_array_new (FALSE, FALSE, sizeof (int));
  g_date_clear (&self->day, 1);
}

GtkWidget *
rb_find_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_FIND_PAGE, "context", context, NULL);
}

/* Ctrl+F: the keyboard starts at the first of the choices (floor, day, time, kind). */
void
rb_find_page_focus_controls (RbFindPage *self)
{
  g_return_if_fail (RB_IS_FIND_PAGE (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->floor_dropdown));
}
