/* rb-kiosk-window.c: the kiosk's screens and their flow.
 *
 *   start → (badge or Sign In) identify → start, greeted → space → Book → receipt → start
 *   (a registered badge identifies alone; any other is taken as the staff number, issue 12)
 *   start → space → Book → identify → space, the choice kept → Book → receipt → start
 *   start → Check In → identify → check-in → start
 *
 * A space's screen offers its times as chips with the likeliest one chosen (a desk for the
 * rest of the day, a room for an hour), and one Book button: no separate duration and
 * confirm screens. Who identified is told at once what they cannot do (a desk already held
 * today), not after all the taps. A busy space offers its next free time instead.
 *
 * Any screen returns to start after the idle timeout and forgets the person, and the kiosk
 * returns to how it was set up: its language, the first floor, the list at the top, normal
 * contrast. The last ten seconds are counted down on screen. The window cannot be closed
 * except by an administrator identifying on the keypad. Taps in the first 300 ms after a
 * screen changes do not act on the new screen (a double tap is one tap); keys do.
 *
 * For screen readers and switches (issue 15): every list row says its state in its name and
 * can be activated as an action; choices are heard as checked; a message exists only while
 * it says something; a new screen puts the focus on its first thing to do; a click or an
 * activation that comes through an assistive technology counts as somebody there, like a
 * tap; and the reset empties every screen of the person who was there.
 *
 * Everything goes through the client service. Identifying gives an RbIdentity for this
 * person's flow only; with a server it carries their short session, or — when the server
 * cannot be reached — their credential sealed to the server's key, so that a booking can
 * still be made (and shown as pending) and the server checks the PIN when it arrives. A
 * wrong one rejects the booking, and the start screen says so (the service's notices).
 * Checking in needs the connection. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-floor-plan.h"
#include "rb-keypad.h"
#include "rb-kiosk-window.h"

#include "rb-accessible.h"
#include "rb-space-row.h"
#include "rb-timeline.h"
#include "rb-widget-util.h"

#define RECEIPT_SECONDS 10
#define IDLE_WARNING_SECONDS 10
#define REFRESH_SECONDS 30
#define MAX_STAFF_NUMBER 12
#define MAX_PIN 8
/* a badge's secret ID as a reader types it (rb-badges.h allows 64 hexadecimal digits) */
#define MAX_BADGE_TYPED 64
/* Taps this soon after a screen change belong to the screen before. */
#define TAP_GUARD_MS 300
/* How long the start screen names offline bookings that the server refused. */
#define OFFLINE_NOTICE_SECONDS (10 * 60)

typedef enum
{
  PURPOSE_BOOK,
  PURPOSE_CHECK_IN,
  PURPOSE_ADMIN,
} Purpose;

typedef enum
{
  STEP_STAFF_NUMBER,
  STEP_PIN,
  /* after a one-time PIN: the person's own PIN, twice */
  STEP_NEW_PIN,
  STEP_REPEAT_PIN,
} IdentifyStep;

struct _RbKioskWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  GtkRevealer *idle_revealer;
  GtkLabel *idle_label;
  GtkLabel *building_label;
  GtkBox *top_bar;
  GtkBox *floor_bar;
  GtkBox *floor_box;
  GtkLabel *clock_label;
  GtkButton *language_button;
  GtkToggleButton *contrast_button;
  GtkStack *stack;
  GtkBox *start_box;
  GtkBox *side_box;
  GtkLabel *offline_notice;
  GtkBox *person_box;
  GtkLabel *person_label;
  GtkLabel *person_message;
  GtkButton *sign_in_button;
  RbFloorPlan *floor_plan;
  GtkScrolledWindow *space_scroller;
  GtkListBox *space_list;
  GtkLabel *space_title;
  GtkLabel *space_details;
  GtkLabel *space_state;
  RbTimeline *space_timeline;
  GtkLabel *space_message;
  GtkFlowBox *duration_box;
  GtkButton *space_back_button;
  GtkButton *space_book_button;
  GtkLabel *identify_title;
  GtkLabel *identify_number;
  GtkLabel *identify_value;
  RbKeypad *keypad;
  GtkLabel *identify_error;
  GtkLabel *receipt_title;
  GtkLabel *receipt_details;
  GtkButton *receipt_done_button;
  GtkLabel *receipt_countdown;
  GtkLabel *check_in_title;
  GtkListBox *check_in_list;
  GtkLabel *check_in_error;
  GtkButton *check_in_done_button;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  RbActivityWatch *activity_watch;
  GPtrArray *floors;
  guint floor_index;
  GPtrArray *spaces;
  GHashTable *bookings_by_space;
  GHashTable *space_rows;
  guint tick_source;
  gint64 last_activity;
  gint64 receipt_deadline;
  gint64 last_refresh;
  gboolean unlocked;
  gint64 notice_until;
  GString *notice;
  GPtrArray *blocks;
  /* the language the kiosk was set up in, which the idle reset returns to */
  char *default_language;
  /* the tap guard: presses before this event time (ms) go to the screen before */
  guint32 guard_until;
  guint32 last_event_time;
  gint64 last_event_monotonic;

  /* the flow: what is being done, for whom */
  Purpose purpose;
  IdentifyStep step;
  GString *staff_number;
  /* what is in staff_number came from keys (a badge reader), not the keypad: it may be a
   * badge's secret ID, so it is not shown (issue 12) */
  gboolean keys_typed;
  GString *pin;
  GString *one_time_pin;
  GString *new_pin;
  RbSpace *space;
  /* who was identified for this flow (never the PIN itself), and their bookings today */
  RbIdentity *identity;
  GPtrArray *my_bookings;
  /* the time chosen on the space screen; empty when nothing can be booked */
  RbInterval chosen;
  /* what the receipt shows, kept for a language switch */
  RbBooking *receipt_booking;
  gboolean receipt_verified;
  /* counts the people: an answer that comes after the flow reset is for nobody */
  guint flow_serial;
};

G_DEFINE_FINAL_TYPE (RbKioskWindow, rb_kiosk_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload_bookings (RbKioskWindow *self);
static gint64 update_receipt_countdown (RbKioskWindow *self);
static void show_start (RbKioskWindow *self);
static void update_person_box (RbKioskWindow *self);

/* ---- helpers ---------------------------------------------------------------------------- */

static gint64
now (RbKioskWindow *self)
{
  return rb_context_now (self->context);
}

static RbPolicy
policy (RbKioskWindow *self)
{
  return rb_context_get_policy (self->context);
}

static RbPerson *
person (RbKioskWindow *self)
{
  return self->identity != NULL ? rb_identity_get_person (self->identity) : NULL;
}

static GPtrArray *
bookings_of (RbKioskWindow *self, RbSpace *space)
{
  static GPtrArray *none = NULL;
  GPtrArray *list = g_hash_table_lookup (self->bookings_by_space, rb_space_get_id (space));

  if (list != NULL)
    return list;
  if (none == NULL)
    none = g_ptr_array_new ();
  return none;
}

/* Rule violations are shown in the kiosk's current language. */
static char *
error_text (RbKioskWindow *self, const GError *error)
{
  if (error->domain == RB_ERROR || error->domain == G_IO_ERROR)
    return rb_context_describe_error (self->context, error);
  return g_strdup (_("Something went wrong. Please try again or ask the service desk."));
}

typedef enum
{
  MESSAGE_PLAIN,
  MESSAGE_PROGRESS,
  MESSAGE_SUCCESS,
  MESSAGE_ERROR,
} MessageKind;

/* A screen's line of news, in the style of what it says: an error red and bold, progress
 * ("Checking…") and plain news neutral, success green. "Checking…" is no failure, and a
 * person who has just checked in must not read it as one. Every message goes through here. */
static void
say (GtkLabel *label, const char *text, MessageKind kind)
{
  static const char *classes[] = {
    [MESSAGE_PLAIN] = "rb-plain-text",
    [MESSAGE_PROGRESS] = "rb-progress-text",
    [MESSAGE_SUCCESS] = "rb-success-text",
    [MESSAGE_ERROR] = "rb-error-text",
  };
  GtkWidget *widget = GTK_WIDGET (label);

  gtk_label_set_label (label, text);
  /* An alert without words would be heard as nothing, or as "label": there only with text. */
  gtk_widget_set_visible (widget, text != NULL && *text != '\0');
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (i == kind)
        gtk_widget_add_css_class (widget, classes[i]);
      else
        gtk_widget_remove_css_class (widget, classes[i]);
    }
}

/* A screen's heading, there only with words: an empty heading is heard as "label". */
static void
set_heading (GtkLabel *label, const char *text)
{
  gtk_label_set_label (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/* The event clock (ms, as input events are stamped) now: the last event's time and what
 * has passed since on the monotonic clock. */
static guint32
event_clock_now (RbKioskWindow *self)
{
  return self->last_event_time
         + (guint32) ((g_get_monotonic_time () - self->last_event_monotonic) / 1000);
}

/* The active choice among the toggle buttons of box (each in a cell of a flow box or
 * straight in a box), or NULL. */
static GtkWidget *
active_toggle (GtkWidget *box)
{
  for (GtkWidget *child = gtk_widget_get_first_child (box); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = GTK_IS_FLOW_BOX_CHILD (child)
                              ? gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child))
                              : child;

      if (GTK_IS_TOGGLE_BUTTON (button)
          && gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (button)))
        return button;
    }
  return NULL;
}

static void
grab_focus_if_shown (GtkWidget *widget)
{
  if (widget != NULL && gtk_widget_get_visible (widget) && gtk_widget_is_sensitive (widget))
    gtk_widget_grab_focus (widget);
}

/* The focus on a new screen goes to its first thing to do, not to wherever GTK leaves it
 * (a Cancel button, a cell of the chips): the chosen time on a space, the keypad's first
 * key, the receipt's Done, a booking to check in to, or on the start screen Sign In (or,
 * for whoever is greeted, the first space of the list). Each screen's box is labelled by its
 * heading, which a screen reader says as the focus enters. */
static void
focus_screen (RbKioskWindow *self, const char *screen)
{
  GtkWidget *target = NULL;

  if (g_str_equal (screen, "start"))
    target = self->identity == NULL
                 ? GTK_WIDGET (self->sign_in_button)
                 : GTK_WIDGET (gtk_list_box_get_row_at_index (self->space_list, 0));
  else if (g_str_equal (screen, "space"))
    {
      target = active_toggle (GTK_WIDGET (self->duration_box));
      if (target == NULL)
        target = gtk_widget_is_sensitive (GTK_WIDGET (self->space_book_button))
                     ? GTK_WIDGET (self->space_book_button)
                     : GTK_WIDGET (self->space_back_button);
    }
  else if (g_str_equal (screen, "identify"))
    target = GTK_WIDGET (self->keypad);
  else if (g_str_equal (screen, "receipt"))
    target = GTK_WIDGET (self->receipt_done_button);
  else if (g_str_equal (screen, "check-in"))
    target = GTK_WIDGET (self->check_in_done_button);
  grab_focus_if_shown (target);
}

/* Shows a screen; presses in the next TAP_GUARD_MS still belong to the screen before. */
static void
go (RbKioskWindow *self, const char *screen)
{
  const char *shown = gtk_stack_get_visible_child_name (self->stack);
  gboolean changed = g_strcmp0 (shown, screen) != 0;

  if (changed && self->last_event_monotonic != 0)
    self->guard_until = event_clock_now (self) + TAP_GUARD_MS;
  /* only the screen shown is in the accessibility tree */
  rb_stack_show_page (self->stack, screen);
  if (changed)
    focus_screen (self, screen);
}

/* Overwrite before truncating: a PIN should not linger in memory. */
static void
wipe (GString *secret)
{
  memset (secret->str, 0, secret->len);
  g_string_truncate (secret, 0);
}

static void
forget_person (RbKioskWindow *self)
{
  g_clear_object (&self->identity);
  g_clear_pointer (&self->my_bookings, g_ptr_array_unref);
  self->flow_serial++;
  wipe (self->staff_number);
  self->keys_typed = FALSE;
  wipe (self->pin);
  wipe (self->one_time_pin);
  wipe (self->new_pin);
}

/* What the keypad types into at this step. */
static GString *
typed_field (RbKioskWindow *self)
{
  switch (self->step)
    {
    case STEP_STAFF_NUMBER:
      return self->staff_number;
    case STEP_NEW_PIN:
      return self->new_pin;
    case STEP_PIN:
    case STEP_REPEAT_PIN:
    default:
      return self->pin;
    }
}

/* ---- state of a space now ------------------------------------------------------------- */

typedef struct
{
  const char *icon;
  const char *css;
  char *text;
  gboolean free_now;
} SpaceState;

/* Free or busy now, and until when: by the space's bookings, and — when it is free — only
 * until a block of the space begins, which closes it however free it is. */
static RbAvailability
availability_of (RbKioskWindow *self, RbSpace *space, gint64 instant, gint64 horizon)
{
  RbAvailability availability = rb_availability_at (bookings_of (self, space), instant, horizon);
  gint64 block = rb_space_block_next_start (self->blocks, rb_space_get_id (space), instant);

  if (!availability.busy && block != 0 && block < horizon
      && (availability.until == 0 || block < availability.until))
    availability.until = block;
  return availability;
}

static SpaceState
space_state (RbKioskWindow *self, RbSpace *space)
{
  GPtrArray *bookings = bookings_of (self, space);
  RbPolicy p = policy (self);
  RbInterval hours;
  gint64 t = now (self);
  RbAvailability availability;
  SpaceState state = { 0 };
  g_autofree char *until = NULL;
  gboolean checked_in = FALSE;
  const RbSpaceBlock *block;

  hours = rb_policy_opening_hours (&p, rb_context_get_time_zone (self->context), t);
  /* A blocked space is closed, whatever its bookings say. */
  block = rb_space_block_find (self->blocks, rb_space_get_id (space), t);
  if (block != NULL)
    {
      state.icon = "system-lock-screen-symbolic";
      state.css = "rb-busy";
      state.text = rb_space_describe_block (self->context, block);
      return state;
    }
  availability = availability_of (self, space, t, hours.end);
  if (availability.until != 0)
    until = rb_context_format_time (self->context, availability.until);

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (bookings, i);
      if (rb_booking_get_state (b) == RB_BOOKING_STATE_CHECKED_IN
          && rb_interval_contains (rb_booking_get_interval (b), t))
        checked_in = TRUE;
    }

  if (availability.busy)
    {
      state.icon = checked_in ? "avatar-default-symbolic" : "action-unavailable-symbolic";
      state.css = checked_in ? "rb-checked-in" : "rb-busy";
      if (checked_in)
        state.text = until ? g_strdup_printf (_("Checked in until %s"), until)
                           : g_strdup (_("Checked in"));
      else
        state.text = until ? g_strdup_printf (_("Busy until %s"), until)
                           : g_strdup (_("Busy today"));
    }
  else
    {
      state.icon = "emblem-ok-symbolic";
      state.css = "rb-free";
      state.free_now = rb_interval_contains (hours, t);
      if (!state.free_now)
        state.text = g_strdup (_("Closed now"));
      else
        state.text = until ? g_strdup_printf (_("Free until %s"), until) : g_strdup (_("Free"));
    }
  return state;
}

/* A row's accessible name, instead of its title: an AdwActionRow is labelled by its title
 * label, which a name of its own would follow ("Desk 0.01, Free Desk 0.01"). */
static void
name_row (GtkWidget *row, const char *name)
{
  gtk_accessible_reset_relation (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
  rb_accessible_set_label (GTK_WIDGET (row), name);
}

static void
update_states (RbKioskWindow *self)
{
  for (guint i = 0; self->spaces != NULL && i < self->spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (self->spaces, i);
      SpaceState state = space_state (self, space);
      AdwActionRow *row = g_hash_table_lookup (self->space_rows, rb_space_get_id (space));

      rb_floor_plan_set_state (self->floor_plan, space, state.text, state.icon, state.css);
      if (row != NULL)
        {
          g_autofree char *name = rb_space_dup_display_name (space);
          /* TRANSLATORS: a space in the kiosk's list as a screen reader says it: its name and
           * its state now, "Desk 0.01, Free until 14:00". */
          g_autofree char *spoken = g_strdup_printf (_("%s, %s"), name, state.text);

          adw_action_row_set_subtitle (row, state.text);
          gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (row), "rb-icon"), state.icon);
          name_row (GTK_WIDGET (row), spoken);
        }
      g_free (state.text);
    }
}

/* ---- loading ---------------------------------------------------------------------------- */

static void
on_blocks_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *blocks = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (blocks == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading blocks failed: %s", error->message);
      return;
    }
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  self->blocks = blocks;
  update_states (self);
}

static void
on_bookings_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);

  if (bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading bookings failed: %s", error->message);
      return;
    }
  g_hash_table_remove_all (self->bookings_by_space);
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
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
  update_states (self);
}

static RbFloor *
current_floor (RbKioskWindow *self)
{
  if (self->floors == NULL || self->floor_index >= self->floors->len)
    return NULL;
  return g_ptr_array_index (self->floors, self->floor_index);
}

/* Today's bookings and blocks of the floor shown. */
static void
reload_bookings (RbKioskWindow *self)
{
  RbFloor *floor = current_floor (self);
  RbClientService *service = rb_context_get_service (self->context);
  RbInterval today = rb_local_day (rb_context_get_time_zone (self->context), now (self));

  if (floor == NULL)
    return;
  self->last_refresh = g_get_monotonic_time ();
  rb_client_service_list_bookings_async (service, rb_floor_get_id (floor), NULL, today,
                                         self->cancellable, on_bookings_loaded_cb,
                                         g_object_ref (self));
  rb_client_service_list_blocks_async (service, rb_floor_get_id (floor), today, self->cancellable,
                                       on_blocks_loaded_cb, g_object_ref (self));
}

/* Rooms, then desks; each by name as people count: "0.2" before "0.10". */
static int
compare_spaces (gconstpointer a, gconstpointer b)
{
  RbSpace *x = *(RbSpace **) a;
  RbSpace *y = *(RbSpace **) b;
  gboolean x_room = rb_space_get_kind (x) == RB_SPACE_KIND_ROOM;
  gboolean y_room = rb_space_get_kind (y) == RB_SPACE_KIND_ROOM;
  g_autofree char *x_key = NULL;
  g_autofree char *y_key = NULL;

  if (x_room != y_room)
    return x_room ? -1 : 1;
  x_key = g_utf8_collate_key_for_filename (rb_space_get_name (x), -1);
  y_key = g_utf8_collate_key_for_filename (rb_space_get_name (y), -1);
  return strcmp (x_key, y_key);
}

/* A heading over the first room and over the first desk of the list. */
static void
space_list_header (GtkListBoxRow *row, GtkListBoxRow *before, gpointer user_data)
{
  RbSpace *space = g_object_get_data (G_OBJECT (row), "rb-space");
  RbSpace *previous = before != NULL ? g_object_get_data (G_OBJECT (before), "rb-space") : NULL;
  GtkWidget *header;

  if (previous != NULL && rb_space_get_kind (previous) == rb_space_get_kind (space))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM ? _("Rooms")
                                                                           : _("Desks"));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "rb-list-header");
  gtk_accessible_update_property (GTK_ACCESSIBLE (header), GTK_ACCESSIBLE_PROPERTY_LEVEL, 2, -1);
  gtk_list_box_row_set_header (row, header);
}

/* The row's action, which an assistive technology lists and can do (a list row offers none
 * of its own in GTK 4.8): as a tap on the row. */
static void
on_row_action_cb (GtkListBoxRow *row)
{
  g_signal_emit_by_name (row, "activate");
}

static void
fill_space_list (RbKioskWindow *self)
{
  /* the copy unrefs what it holds, as the spaces do */
  g_autoptr (GPtrArray) sorted = NULL;
  GtkWidget *child;

  sorted = g_ptr_array_copy (self->spaces, (GCopyFunc) (void (*) (void)) g_object_ref, NULL);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->space_list))) != NULL)
    gtk_list_box_remove (self->space_list, child);
  g_hash_table_remove_all (self->space_rows);

  g_ptr_array_sort (sorted, compare_spaces);
  for (guint i = 0; i < sorted->len; i++)
    {
      RbSpace *space = g_ptr_array_index (sorted, i);
      GtkWidget *row = adw_action_row_new ();
      /* the state's icon says nothing the row's name does not */
      GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE, "accessible-role",
                                      GTK_ACCESSIBLE_ROLE_PRESENTATION, NULL);
      g_autoptr (GSimpleActionGroup) actions = g_simple_action_group_new ();
      g_autoptr (GSimpleAction) activate = g_simple_action_new ("activate", NULL);
      g_autofree char *name = rb_space_dup_display_name (space);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      g_object_set_data (G_OBJECT (row), "rb-icon", icon);
      name_row (row, name);
      g_signal_connect_object (activate, "activate", G_CALLBACK (on_row_action_cb), row,
                               G_CONNECT_SWAPPED);
      g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (activate));
      gtk_widget_insert_action_group (row, "row", G_ACTION_GROUP (actions));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "rb-space", g_object_ref (space), g_object_unref);
      gtk_list_box_append (self->space_list, row);
      g_hash_table_insert (self->space_rows, g_strdup (rb_space_get_id (space)), row);
    }
}

static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (spaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading spaces failed: %s", error->message);
      return;
    }
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  self->spaces = spaces;
  rb_floor_plan_set_spaces (self->floor_plan, current_floor (self), spaces);
  rb_floor_plan_load_drawing (self->floor_plan, rb_context_get_service (self->context));
  fill_space_list (self);
  update_states (self);
  reload_bookings (self);
}

static void
select_floor (RbKioskWindow *self, guint index)
{
  RbFloor *floor;
  guint i = 0;

  self->floor_index = index;
  floor = current_floor (self);
  if (floor == NULL)
    return;
  for (GtkWidget *b = gtk_widget_get_first_child (GTK_WIDGET (self->floor_box)); b != NULL;
       b = gtk_widget_get_next_sibling (b), i++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (b), i == index);
  rb_client_service_list_spaces_async (rb_context_get_service (self->context),
                                       rb_floor_get_id (floor), self->cancellable,
                                       on_spaces_loaded_cb, g_object_ref (self));
}

static void
on_floor_toggled_cb (GtkToggleButton *button, RbKioskWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "rb-index"));

  if (gtk_toggle_button_get_active (button) && index != self->floor_index)
    select_floor (self, index);
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  GtkToggleButton *group = NULL;
  GtkWidget *child;

  if (floors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Loading floors failed: %s", error->message);
      return;
    }
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  self->floors = floors;
  /* The floors may come twice at the start (the first read, and the one the service's first
   * change asks for while it is on its way): one button per floor all the same. */
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->floor_box))) != NULL)
    gtk_box_remove (self->floor_box, child);
  for (guint i = 0; i < floors->len; i++)
    {
      /* one floor of several: heard as a radio button, checked or not */
      GtkWidget *button = g_object_new (GTK_TYPE_TOGGLE_BUTTON, "label",
                                        rb_floor_get_name (g_ptr_array_index (floors, i)),
                                        "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO, NULL);

      rb_accessible_complete (button);
      gtk_widget_add_css_class (button, "rb-big");
      g_object_set_data (G_OBJECT (button), "rb-index", GUINT_TO_POINTER (i));
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      g_signal_connect (button, "toggled", G_CALLBACK (on_floor_toggled_cb), self);
      gtk_box_append (self->floor_box, button);
    }
  select_floor (self, self->floor_index < floors->len ? self->floor_index : 0);
}

/* ---- the space screen ------------------------------------------------------------------ */

/* When a booking of the space can begin today: the current slot if it is free now, else
 * the end of whatever keeps it busy or closed, within the opening hours; 0 when nothing is
 * left today. */
static gint64
next_start (RbKioskWindow *self, RbSpace *space, RbInterval hours, gint64 t)
{
  gint64 instant = MAX (t, hours.start);

  for (int guard = 0; guard < 200 && instant < hours.end; guard++)
    {
      const RbSpaceBlock *block = rb_space_block_find (self->blocks, rb_space_get_id (space),
                                                       instant);
      RbAvailability availability;

      if (block != NULL)
        {
          instant = block->interval.end;
          continue;
        }
      availability = availability_of (self, space, instant, hours.end);
      if (!availability.busy)
        return instant == t ? rb_slot_floor (t) : instant;
      if (availability.until == 0)
        return 0;
      instant = availability.until;
    }
  return 0;
}

/* The person's desk today, which keeps them from booking another (NULL if none). */
static RbBooking *
held_desk (RbKioskWindow *self)
{
  RbPolicy p = policy (self);

  for (guint i = 0; p.one_desk_per_day && self->my_bookings != NULL && i < self->my_bookings->len;
       i++)
    {
      RbBooking *booking = g_ptr_array_index (self->my_bookings, i);

      if (rb_booking_get_space_kind (booking) == RB_SPACE_KIND_DESK
          && rb_booking_state_is_active (rb_booking_get_state (booking))
          && rb_booking_get_end (booking) > now (self))
        return booking;
    }
  return NULL;
}

/* "You already have Desk 0.01 today, 09:00–17:00." */
static char *
describe_held_desk (RbKioskWindow *self, RbBooking *desk)
{
  g_autofree char *name = rb_space_format_name (rb_booking_get_space_kind (desk),
                                                rb_booking_get_space_name (desk));
  g_autofree char *when = rb_context_format_interval (self->context,
                                                      rb_booking_get_interval (desk));

  /* TRANSLATORS: said right after identifying at the kiosk: the desk and its time. */
  return g_strdup_printf (_("You already have %s (%s). One desk a day: you can still book a "
                            "room."),
                          name, when);
}

typedef struct
{
  gint64 end;
  /* which label says it best when two choices end alike: the rest of the day, then a
   * duration, then a fixed time, then "while it is free" */
  int rank;
  char *label;
} Choice;

static void
clear_choice (gpointer data)
{
  g_free (((Choice *) data)->label);
}

static int
compare_choices (gconstpointer a, gconstpointer b)
{
  const Choice *x = a, *y = b;

  if (x->end != y->end)
    return x->end < y->end ? -1 : 1;
  return y->rank - x->rank;
}

/* What can really be booked from start: inside the opening hours, within the longest desk
 * booking, ending before the next booking or block. "1 hour" from now is 60 minutes, up to
 * the end of the slot it ends in; no two choices end at the same time. */
static GArray *
choices_from (RbKioskWindow *self, RbSpace *space, gint64 start, gint64 *out_limit)
{
  RbPolicy p = policy (self);
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  gint64 t = now (self);
  gint64 from = MAX (start, t);
  RbInterval hours = rb_policy_opening_hours (&p, tz, t);
  RbAvailability availability = availability_of (self, space, start, hours.end);
  gint64 limit = availability.until != 0 ? availability.until : hours.end;
  g_autoptr (GDateTime) local = rb_utc_to_local (tz, t);
  int y = g_date_time_get_year (local), m = g_date_time_get_month (local);
  int d = g_date_time_get_day_of_month (local);
  g_autoptr (GArray) all = g_array_new (FALSE, FALSE, sizeof (Choice));
  GArray *offered = g_array_new (FALSE, FALSE, sizeof (Choice));
  struct
  {
    gint64 end;
    int rank;
    const char *label;
  } candidates[] = {
    { rb_slot_ceil (from + 3600), 2, _("1 hour") },
    { rb_slot_ceil (from + 7200), 2, _("2 hours") },
    { rb_local_to_utc (tz, y, m, d, 12, 0), 1, _("Until 12:00") },
    { rb_local_to_utc (tz, y, m, d, 17, 0), 1, _("Until 17:00") },
    { 0, 3, _("Rest of the day") },
  };

  g_array_set_clear_func (offered, clear_choice);
  if (rb_space_get_kind (space) == RB_SPACE_KIND_DESK)
    limit = MIN (limit, start + (gint64) p.max_desk_minutes * 60);
  candidates[G_N_ELEMENTS (candidates) - 1].end = limit;
  /* Free only until somebody else's booking or a block: "the rest of the day" it is not. */
  if (availability.until != 0 && availability.until == limit)
    {
      candidates[G_N_ELEMENTS (candidates) - 1].rank = 0;
      candidates[G_N_ELEMENTS (candidates) - 1].label = _("While it is free");
    }
  *out_limit = limit;

  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      Choice choice = { candidates[i].end, candidates[i].rank, (char *) candidates[i].label };

      if (choice.end > start && choice.end > t && choice.end <= limit)
        g_array_append_val (all, choice);
    }
  g_array_sort (all, compare_choices);
  for (guint i = 0; i < all->len; i++)
    {
      Choice *choice = &g_array_index (all, Choice, i);
      g_autofree char *until = NULL;
      Choice made = { choice->end, choice->rank, NULL };

      /* sorted by end, the clearest label first: the others of the same end go */
      if (offered->len > 0 && g_array_index (offered, Choice, offered->len - 1).end == choice->end)
        continue;
      until = rb_context_format_time (self->context, choice->end);
      /* TRANSLATORS: a duration chip on the kiosk: "2 hours" and its end, "until 11:15". */
      made.label = choice->rank == 1 ? g_strdup (choice->label)
                                     : g_strdup_printf (_("%s\n(until %s)"), choice->label, until);
      g_array_append_val (offered, made);
    }
  return offered;
}

static void
on_chip_toggled_cb (GtkToggleButton *button, RbKioskWindow *self)
{
  if (!gtk_toggle_button_get_active (button))
    return;
  self->chosen.end = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (button), "rb-end"));
  rb_timeline_set_selection (self->space_timeline, self->chosen);
}

/* The chips of the times offered, the likeliest one chosen: a desk for the rest of the day,
 * a room for an hour — or the end chosen before identifying, when it is still offered. */
static guint
fill_chips (RbKioskWindow *self, RbSpace *space, gint64 start, gint64 keep_end)
{
  gint64 limit = 0;
  g_autoptr (GArray) choices = choices_from (self, space, start, &limit);
  GtkToggleButton *group = NULL;
  GtkWidget *child;
  gint64 chosen = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->duration_box))) != NULL)
    gtk_flow_box_remove (self->duration_box, child);
  for (guint i = 0; i < choices->len; i++)
    {
      Choice *choice = &g_array_index (choices, Choice, i);

      if (choice->end == keep_end)
        chosen = keep_end;
    }
  if (chosen == 0 && choices->len > 0)
    {
      chosen = g_array_index (choices, Choice, 0).end;
      for (guint i = 0; i < choices->len; i++)
        {
          Choice *choice = &g_array_index (choices, Choice, i);

          if (rb_space_get_kind (space) == RB_SPACE_KIND_DESK ? choice->end == limit
                                                               : choice->rank == 2)
            {
              chosen = choice->end;
              break;
            }
        }
    }

  self->chosen = rb_interval_make (start, chosen != 0 ? chosen : start);
  for (guint i = 0; i < choices->len; i++)
    {
      Choice *choice = &g_array_index (choices, Choice, i);
      /* one time of several: heard as a radio button, checked or not, on one line */
      GtkWidget *button = g_object_new (GTK_TYPE_TOGGLE_BUTTON, "label", choice->label,
                                        "accessible-role", GTK_ACCESSIBLE_ROLE_RADIO, NULL);
      g_autofree char *spoken = g_strdelimit (g_strdup (choice->label), "\n", ' ');
      GtkWidget *cell;

      rb_accessible_set_label (GTK_WIDGET (button), spoken);
      rb_accessible_complete (button);
      gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))),
                             GTK_JUSTIFY_CENTER);
      gtk_widget_add_css_class (button, "rb-big");
      gtk_widget_add_css_class (button, "rb-chip");
      g_object_set_data (G_OBJECT (button), "rb-end", GSIZE_TO_POINTER ((gsize) choice->end));
      if (group != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      else
        group = GTK_TOGGLE_BUTTON (button);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), choice->end == chosen);
      g_signal_connect (button, "toggled", G_CALLBACK (on_chip_toggled_cb), self);
      gtk_flow_box_append (self->duration_box, button);
      /* The flow box's cell around the chip takes no focus of its own: the chip does. */
      cell = gtk_widget_get_parent (button);
      gtk_widget_set_focusable (cell, FALSE);
      rb_accessible_set_label (GTK_WIDGET (cell), spoken);
    }
  return choices->len;
}

/* The space, its day, and what can be booked: now, or — when it is busy — from its next
 * free time, saying why it is busy and until when. */
static void
show_space_keeping (RbKioskWindow *self, RbSpace *space, gint64 keep_end)
{
  g_autofree char *name = rb_space_dup_display_name (space);
  g_autofree char *amenities = rb_space_dup_amenities_label (space);
  g_autofree char *details = NULL;
  g_autofree char *message = NULL;
  g_autofree char *book_label = NULL;
  g_autoptr (GArray) busy = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  GPtrArray *bookings = bookings_of (self, space);
  RbPolicy p = policy (self);
  gint64 t = now (self);
  RbInterval hours = rb_policy_opening_hours (&p, rb_context_get_time_zone (self->context), t);
  SpaceState state = space_state (self, space);
  int capacity = rb_space_get_capacity (space);
  gint64 start = next_start (self, space, hours, t);
  const RbSpaceBlock *block = rb_space_block_find (self->blocks, rb_space_get_id (space), t);
  RbBooking *desk = self->identity != NULL && rb_space_get_kind (space) == RB_SPACE_KIND_DESK
                        ? held_desk (self)
                        : NULL;
  MessageKind kind = MESSAGE_PLAIN;
  guint offered = 0;

  g_set_object (&self->space, space);
  for (guint i = 0; i < bookings->len; i++)
    {
      RbInterval iv = rb_booking_get_interval (g_ptr_array_index (bookings, i));
      g_array_append_val (busy, iv);
    }
  /* Closed is not free either: the day's blocks show on the timeline too. */
  for (guint i = 0; self->blocks != NULL && i < self->blocks->len; i++)
    {
      const RbSpaceBlock *b = g_ptr_array_index (self->blocks, i);

      if (g_str_equal (b->space_id, rb_space_get_id (space)))
        g_array_append_val (busy, b->interval);
    }

  if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
    {
      g_autofree char *seats = g_strdup_printf (
          g_dngettext (GETTEXT_PACKAGE, "%d seat", "%d seats", capacity), capacity);
      details = *amenities ? g_strdup_printf ("%s · %s", seats, amenities) : g_strdup (seats);
    }
  else
    details = g_strdup (amenities);

  if (start != 0 && desk == NULL)
    offered = fill_chips (self, space, start, keep_end);
  else
    fill_chips (self, space, hours.end, 0);

  if (desk != NULL)
    {
      message = describe_held_desk (self, desk);
      kind = MESSAGE_ERROR;
    }
  else if (offered == 0)
    {
      message = g_strdup (_("This space cannot be booked any more today."));
      kind = MESSAGE_ERROR;
    }
  else if (start > t)
    {
      g_autofree char *from = rb_context_format_time (self->context, start);

      if (block != NULL)
        /* TRANSLATORS: a closed space on the kiosk: why (the block), and when it is free. */
        message = g_strdup_printf (_("%s. It is free again from %s."), state.text, from);
      else if (t < hours.start)
        /* TRANSLATORS: the kiosk before opening time: when booking begins. */
        message = g_strdup_printf (_("The building opens at %s."), from);
      else
        /* TRANSLATORS: a busy space on the kiosk: when its booking ends and it is free again. */
        message = g_strdup_printf (_("Someone has booked it until %s. You can book it from then."),
                                   from);
      /* TRANSLATORS: the kiosk's button for a busy space's next free time. */
      book_label = g_strdup_printf (_("Book from %s"), from);
    }
  else if (self->identity == NULL)
    message = g_strdup (_("Choose how long, then tap Book and identify yourself."));
  else
    message = g_strdup (_("Choose how long, then tap Book."));

  set_heading (self->space_title, name);
  gtk_label_set_label (self->space_details, details);
  gtk_label_set_label (self->space_state, state.text);
  say (self->space_message, message, kind);
  gtk_button_set_label (self->space_book_button, book_label != NULL ? book_label : _("Book"));
  rb_timeline_set_day (self->space_timeline, hours, t);
  rb_timeline_set_busy (self->space_timeline, busy);
  rb_timeline_set_selection (self->space_timeline, self->chosen);
  gtk_widget_set_sensitive (GTK_WIDGET (self->space_book_button), offered > 0);
  g_free (state.text);
  go (self, "space");
}

static void
show_space (RbKioskWindow *self, RbSpace *space)
{
  show_space_keeping (self, space, 0);
}

/* ---- identifying ---------------------------------------------------------------------- */

static void
update_identify_display (RbKioskWindow *self)
{
  if (self->step == STEP_STAFF_NUMBER)
    {
      g_autoptr (GString) hidden = g_string_new (NULL);

      set_heading (self->identify_title, _("Your staff number"));
      /* an empty line, so that the keypad stays where it is */
      gtk_label_set_label (self->identify_number, " ");
      for (gsize i = 0; self->keys_typed && i < self->staff_number->len; i++)
        g_string_append (hidden, "●");
      gtk_label_set_label (self->identify_value, self->staff_number->len == 0 ? "–"
                                                 : self->keys_typed   ? hidden->str
                                                                      : self->staff_number->str);
    }
  else
    {
      g_autoptr (GString) dots = g_string_new (NULL);
      GString *field = typed_field (self);
      /* TRANSLATORS: the kiosk shows whose PIN is asked for. */
      g_autofree char *number = g_strdup_printf (_("Staff number %s"), self->staff_number->str);

      for (gsize i = 0; i < field->len; i++)
        g_string_append (dots, "●");
      set_heading (self->identify_title, self->step == STEP_NEW_PIN      ? _("Choose your own PIN")
                                         : self->step == STEP_REPEAT_PIN ? _("Repeat your new PIN")
                                                                         : _("Your PIN"));
      gtk_label_set_label (self->identify_number, number);
      gtk_label_set_label (self->identify_value, field->len ? dots->str : "–");
    }
}

/* Asks who it is; a space and the time chosen for it stay for after. */
static void
start_identify (RbKioskWindow *self, Purpose purpose)
{
  self->purpose = purpose;
  self->step = STEP_STAFF_NUMBER;
  forget_person (self);
  update_person_box (self);
  say (self->identify_error, "", MESSAGE_PLAIN);
  update_identify_display (self);
  go (self, "identify");
}

static void show_check_in (RbKioskWindow *self);

/* An answer for the flow it was asked in, not for whoever came after. */
typedef struct
{
  RbKioskWindow *self;
  guint serial;
} FlowCall;

/* Identified to book: the person's bookings today first, so that what they cannot do is
 * said now — then the space they chose, or the plan to choose one. */
static void
on_my_bookings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree FlowCall *call = user_data;
  g_autoptr (RbKioskWindow) self = call->self;
  g_autoptr (GError) error = NULL;
  GPtrArray *bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  /* The flow reset meanwhile: nobody to tell. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->identity == NULL
      || call->serial != self->flow_serial
      || !g_str_equal (rb_kiosk_window_get_screen (self), "identify"))
    {
      g_clear_pointer (&bookings, g_ptr_array_unref);
      return;
    }
  g_clear_pointer (&self->my_bookings, g_ptr_array_unref);
  self->my_bookings = bookings;
  say (self->identify_error, "", MESSAGE_PLAIN);
  if (self->space != NULL)
    show_space_keeping (self, self->space, self->chosen.end);
  else
    show_start (self);
}

static void
fetch_my_bookings (RbKioskWindow *self)
{
  FlowCall *call = g_new (FlowCall, 1);

  call->self = g_object_ref (self);
  call->serial = self->flow_serial;
  rb_client_service_list_my_bookings_async (
      rb_context_get_service (self->context), self->identity,
      rb_local_day (rb_context_get_time_zone (self->context), now (self)), self->cancellable,
      on_my_bookings_cb, call);
}

static void identified (RbKioskWindow *self, RbIdentity *identity);

static void
on_identified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbIdentity) identity = rb_client_service_identify_finish (RB_CLIENT_SERVICE (source),
                                                                       result, &error);

  if (!g_str_equal (rb_kiosk_window_get_screen (self), "identify"))
    return;
  if (identity == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* A right one-time PIN: the person chooses their own on the keypad, then the flow goes
       * on with it. */
      if (g_error_matches (error, RB_ERROR, RB_ERROR_PIN_CHANGE_REQUIRED))
        {
          wipe (self->one_time_pin);
          g_string_append_len (self->one_time_pin, self->pin->str, self->pin->len);
          wipe (self->pin);
          wipe (self->new_pin);
          self->step = STEP_NEW_PIN;
          say (self->identify_error, rb_error_code_message (RB_ERROR_PIN_CHANGE_REQUIRED),
               MESSAGE_PLAIN);
          update_identify_display (self);
          return;
        }
      /* Either may be mistyped: back to the staff number, kept but open to correction, so
       * that a wrong number can be put right instead of locking somebody else. */
      if (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
        text = g_strdup (_("Wrong staff number or PIN. Check your staff number (⌫ corrects "
                           "it), tap OK, then enter your PIN again."));
      else
        text = error_text (self, error);
      say (self->identify_error, text, MESSAGE_ERROR);
      wipe (self->pin);
      self->step = STEP_STAFF_NUMBER;
      update_identify_display (self);
      return;
    }
  identified (self, identity);
}

/* Whoever the PIN or the badge identified: on with the flow. */
static void
identified (RbKioskWindow *self, RbIdentity *identity)
{
  wipe (self->pin);
  /* Only a booking can wait for the server to check the PIN. */
  if (!rb_identity_get_verified (identity) && self->purpose != PURPOSE_BOOK)
    {
      forget_person (self);
      say (self->identify_error,
           self->purpose == PURPOSE_CHECK_IN
               ? _("Checking in needs the connection to the booking server, which cannot be "
                   "reached right now. Please try again later.")
               : _("Leaving the kiosk needs the connection to the booking server, which cannot "
                   "be reached right now."),
           MESSAGE_ERROR);
      self->step = STEP_STAFF_NUMBER;
      update_identify_display (self);
      return;
    }
  g_set_object (&self->identity, identity);
  switch (self->purpose)
    {
    case PURPOSE_BOOK:
      if (rb_identity_get_verified (identity))
        fetch_my_bookings (self);
      else if (self->space != NULL)
        show_space_keeping (self, self->space, self->chosen.end);
      else
        show_start (self);
      break;
    case PURPOSE_CHECK_IN:
      show_check_in (self);
      break;
    case PURPOSE_ADMIN:
      if (rb_person_get_role (rb_identity_get_person (identity)) == RB_ROLE_ADMIN)
        {
          self->unlocked = TRUE;
          gtk_window_destroy (GTK_WINDOW (self));
        }
      else
        {
          forget_person (self);
          say (self->identify_error, _("Only an administrator can leave the kiosk."),
               MESSAGE_ERROR);
          self->step = STEP_STAFF_NUMBER;
          update_identify_display (self);
        }
      break;
    }
}

static void submit_identify (RbKioskWindow *self);

/* A badge (issue 12): what a reader typed identifies alone when it is a registered badge's
 * secret ID. When it is not — a site whose badges carry the staff number, a badge not yet
 * registered, too many unknown badges here, or a server that cannot be reached (only it
 * knows the badges) — it is taken as the staff number and the PIN is asked, as before. A
 * deactivated or locked person hears why. */
static void
on_badge_identified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree FlowCall *call = user_data;
  g_autoptr (RbKioskWindow) self = call->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbIdentity) identity = rb_client_service_identify_finish (RB_CLIENT_SERVICE (source),
                                                                       result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      || call->serial != self->flow_serial
      || !g_str_equal (rb_kiosk_window_get_screen (self), "identify"))
    return;
  if (identity != NULL)
    {
      identified (self, identity);
      return;
    }
  if (g_error_matches (error, RB_ERROR, RB_ERROR_PERSON_INACTIVE)
      || g_error_matches (error, RB_ERROR, RB_ERROR_LOCKED))
    {
      text = error_text (self, error);
      say (self->identify_error, text, MESSAGE_ERROR);
      wipe (self->staff_number);
      self->keys_typed = FALSE;
      update_identify_display (self);
      return;
    }
  g_debug ("Not identified by the badge, asking for the PIN: %s", error->message);
  self->keys_typed = FALSE;
  self->step = STEP_PIN;
  say (self->identify_error, "", MESSAGE_PLAIN);
  update_identify_display (self);
}

/* Enter from a badge reader (a keyboard wedge) while the staff number is asked for: a badge
 * first. Leaving the kiosk takes an administrator's PIN, never a badge that may be lost. */
static void
submit_from_reader (RbKioskWindow *self)
{
  FlowCall *call;

  if (self->step != STEP_STAFF_NUMBER || self->staff_number->len == 0
      || self->purpose == PURPOSE_ADMIN)
    {
      submit_identify (self);
      return;
    }
  call = g_new (FlowCall, 1);
  call->self = g_object_ref (self);
  call->serial = self->flow_serial;
  say (self->identify_error, _("Checking…"), MESSAGE_PROGRESS);
  rb_client_service_identify_badge_async (rb_context_get_service (self->context),
                                          self->staff_number->str, self->cancellable,
                                          on_badge_identified_cb, call);
}

static void
on_pin_changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
          || !g_str_equal (rb_kiosk_window_get_screen (self), "identify"))
        return;
      text = error_text (self, error);
      say (self->identify_error, text, MESSAGE_ERROR);
      wipe (self->pin);
      wipe (self->new_pin);
      self->step = STEP_NEW_PIN;
      update_identify_display (self);
      return;
    }
  if (!g_str_equal (rb_kiosk_window_get_screen (self), "identify"))
    return;
  /* Identified with the new PIN, as if it had been typed. */
  wipe (self->one_time_pin);
  wipe (self->new_pin);
  self->step = STEP_PIN;
  submit_identify (self);
}

/* The new PIN typed twice: checked here first, so the reason comes at once and in the
 * kiosk's language, then set with the one-time PIN. */
static void
submit_new_pin (RbKioskWindow *self)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  if (self->step == STEP_NEW_PIN)
    {
      if (self->new_pin->len == 0)
        return;
      if (!rb_pin_rules_validate (self->new_pin->str, self->staff_number->str, &error))
        {
          text = error_text (self, error);
          say (self->identify_error, text, MESSAGE_ERROR);
          wipe (self->new_pin);
          update_identify_display (self);
          return;
        }
      self->step = STEP_REPEAT_PIN;
      say (self->identify_error, "", MESSAGE_PLAIN);
      update_identify_display (self);
      return;
    }
  if (self->pin->len == 0)
    return;
  if (!g_str_equal (self->pin->str, self->new_pin->str))
    {
      say (self->identify_error, _("The two new PINs are not the same. Please choose again."),
           MESSAGE_ERROR);
      wipe (self->pin);
      wipe (self->new_pin);
      self->step = STEP_NEW_PIN;
      update_identify_display (self);
      return;
    }
  say (self->identify_error, _("Checking…"), MESSAGE_PROGRESS);
  rb_client_service_change_pin_async (rb_context_get_service (self->context),
                                      self->staff_number->str, self->one_time_pin->str,
                                      self->new_pin->str, self->cancellable, on_pin_changed_cb,
                                      g_object_ref (self));
}

static void
submit_identify (RbKioskWindow *self)
{
  if (self->step == STEP_NEW_PIN || self->step == STEP_REPEAT_PIN)
    {
      submit_new_pin (self);
      return;
    }
  if (self->step == STEP_STAFF_NUMBER)
    {
      if (self->staff_number->len == 0)
        return;
      self->step = STEP_PIN;
      say (self->identify_error, "", MESSAGE_PLAIN);
      update_identify_display (self);
      return;
    }
  if (self->pin->len == 0)
    return;
  say (self->identify_error, _("Checking…"), MESSAGE_PROGRESS);
  rb_client_service_identify_async (rb_context_get_service (self->context),
                                    self->staff_number->str, self->pin->str, self->cancellable,
                                    on_identified_cb, g_object_ref (self));
}

static void
type_digit (RbKioskWindow *self, int digit)
{
  GString *field = typed_field (self);
  gsize max = self->step == STEP_STAFF_NUMBER ? MAX_STAFF_NUMBER : MAX_PIN;

  if (field->len < max)
    g_string_append_c (field, '0' + digit);
  update_identify_display (self);
}

static void
on_keypad_digit_cb (RbKioskWindow *self, int digit)
{
  /* The keypad after a reader: the staff number starts over, and shows. */
  if (self->step == STEP_STAFF_NUMBER && self->keys_typed)
    {
      wipe (self->staff_number);
      self->keys_typed = FALSE;
    }
  type_digit (self, digit);
}

static void
on_keypad_delete_cb (RbKioskWindow *self)
{
  GString *field = typed_field (self);

  if (field->len > 0)
    g_string_truncate (field, field->len - 1);
  else if (self->step == STEP_PIN)
    self->step = STEP_STAFF_NUMBER;
  else if (self->step == STEP_REPEAT_PIN)
    self->step = STEP_NEW_PIN;
  update_identify_display (self);
}

static void
on_keypad_submit_cb (RbKioskWindow *self)
{
  submit_identify (self);
}

/* ---- booking and the receipt ------------------------------------------------------------ */

/* The receipt of what was booked: checked in when it starts now (the person is standing in
 * the building), else until when to check in; pending when a server will confirm it later. */
static void
show_receipt (RbKioskWindow *self, RbBooking *booking, gboolean verified)
{
  g_autofree char *name = NULL;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *details = NULL;
  g_autofree char *deadline = NULL;
  RbPolicy p = policy (self);
  gboolean pending = rb_booking_get_sync_state (booking) == RB_SYNC_STATE_PENDING;
  gboolean checked_in = rb_booking_get_state (booking) == RB_BOOKING_STATE_CHECKED_IN;

  /* A booking from the server carries no space name; the kiosk knows which space it was. */
  if (rb_booking_get_space_name (booking) != NULL)
    name = rb_space_format_name (rb_booking_get_space_kind (booking),
                                 rb_booking_get_space_name (booking));
  else if (self->space != NULL)
    name = rb_space_dup_display_name (self->space);
  else
    return;
  g_set_object (&self->receipt_booking, booking);
  self->receipt_verified = verified;
  when = rb_context_format_interval (self->context, rb_booking_get_interval (booking));
  deadline = rb_context_format_time (self->context,
                                     rb_policy_release_deadline (&p, rb_booking_get_interval (booking),
                                                                 rb_booking_get_created_at (booking)));
  if (!pending)
    {
      title = g_strdup_printf (_("%s is booked"), name);
      if (checked_in)
        /* TRANSLATORS: kiosk receipt of a booking that starts now: the time. */
        details = g_strdup_printf (_("%s\nYou are checked in."), when);
      else
        /* TRANSLATORS: kiosk receipt: the time, then when the booking is released without check-in. */
        details = g_strdup_printf (_("%s\nPlease check in by %s, otherwise the space is released."),
                                   when, deadline);
    }
  else
    {
      /* TRANSLATORS: kiosk receipt title of a booking queued while the server is away. */
      title = g_strdup_printf (_("%s is reserved — pending"), name);
      if (checked_in)
        /* TRANSLATORS: kiosk receipt of a pending booking that starts now: the time. */
        details = g_strdup_printf (
            verified ? _("%s\nPending — confirmed when the connection returns.\nYou are checked "
                         "in.")
                     : _("%s\nPending — confirmed when the connection returns, once the server "
                         "has checked your PIN.\nYou are checked in."),
            when);
      else
        /* TRANSLATORS: kiosk receipt of a pending booking: the time, the check-in deadline. */
        details = g_strdup_printf (
            verified ? _("%s\nPending — confirmed when the connection returns.\nPlease check in "
                         "by %s, otherwise the space is released.")
                     : _("%s\nPending — confirmed when the connection returns, once the server "
                         "has checked your PIN.\nPlease check in by %s, otherwise the space is "
                         "released."),
            when, deadline);
    }
  set_heading (self->receipt_title, title);
  gtk_label_set_label (self->receipt_details, details);
  update_receipt_countdown (self);
  go (self, "receipt");
}

/* What became of the booking: the refusal on the space screen, or the receipt. */
static void
on_booked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree FlowCall *call = user_data;
  g_autoptr (RbKioskWindow) self = call->self;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  /* Booked or not, the kiosk went back to start meanwhile: no news for nobody. */
  if (call->serial != self->flow_serial
      || !g_str_equal (rb_kiosk_window_get_screen (self), "space"))
    return;
  if (booking == NULL)
    {
      g_autofree char *text = error_text (self, error);

      say (self->space_message, text, MESSAGE_ERROR);
      reload_bookings (self);
      return;
    }
  self->receipt_deadline = g_get_monotonic_time () + RECEIPT_SECONDS * G_USEC_PER_SEC;
  show_receipt (self, booking, rb_identity_get_verified (self->identity));
  forget_person (self);
  update_person_box (self);
}

/* Book: who has not identified does so first and comes back here, the choice kept. */
static void
on_space_book_clicked_cb (RbKioskWindow *self)
{
  g_autofree char *id = NULL;
  g_autoptr (RbBooking) request = NULL;
  FlowCall *call;

  if (self->space == NULL || self->chosen.end <= self->chosen.start)
    return;
  if (self->identity == NULL)
    {
      start_identify (self, PURPOSE_BOOK);
      return;
    }
  id = rb_booking_new_id ();
  request = rb_booking_new (id, rb_space_get_id (self->space), NULL, self->chosen);
  /* Starting now, at a kiosk: the person is here, checked in at once. */
  if (self->chosen.start <= now (self))
    rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
  gtk_widget_set_sensitive (GTK_WIDGET (self->space_book_button), FALSE);
  say (self->space_message, _("Booking…"), MESSAGE_PROGRESS);
  call = g_new (FlowCall, 1);
  call->self = g_object_ref (self);
  call->serial = self->flow_serial;
  rb_client_service_create_booking_async (rb_context_get_service (self->context), self->identity,
                                          request, self->cancellable, on_booked_cb, call);
}

/* ---- check-in ------------------------------------------------------------------------- */

static void fill_check_in (RbKioskWindow *self);

static void
on_checked_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);

  if (booking == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = error_text (self, error);
      say (self->check_in_error, text, MESSAGE_ERROR);
      return;
    }
  say (self->check_in_error, _("You are checked in. Have a good day!"), MESSAGE_SUCCESS);
  if (self->identity != NULL)
    fill_check_in (self);
}

static void
on_check_in_clicked_cb (GtkButton *button, RbKioskWindow *self)
{
  if (self->identity == NULL)
    return;
  gtk_widget_set_sensitive (GTK_WIDGET (button), FALSE);
  rb_client_service_check_in_async (rb_context_get_service (self->context), self->identity,
                                    g_object_get_data (G_OBJECT (button), "rb-booking-id"),
                                    self->cancellable, on_checked_in_cb, g_object_ref (self));
}

static void
on_todays_bookings_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbKioskWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);
  RbPolicy p = policy (self);
  GtkWidget *child;
  GtkWidget *first_check_in = NULL;
  guint shown = 0;

  if (bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = error_text (self, error);
          say (self->check_in_error, text, MESSAGE_ERROR);
        }
      return;
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->check_in_list))) != NULL)
    gtk_list_box_remove (self->check_in_list, child);

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      RbInterval interval = rb_booking_get_interval (booking);
      RbBookingState state = rb_booking_get_state (booking);
      GtkWidget *row;
      g_autofree char *name = NULL;
      g_autofree char *when = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *spoken = NULL;

      if (!rb_booking_state_is_active (state))
        continue;
      shown++;
      row = adw_action_row_new ();
      name = rb_space_format_name (rb_booking_get_space_kind (booking),
                                   rb_booking_get_space_name (booking));
      when = rb_context_format_interval (self->context, interval);
      subtitle = g_strdup_printf ("%s · %s", when, rb_booking_state_label (state));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      /* The row's name says all of it: the space, when, and its state. */
      spoken = g_strdup_printf (_("%s, %s"), name, subtitle);
      name_row (row, spoken);
      if (state == RB_BOOKING_STATE_BOOKED
          && rb_interval_contains (rb_policy_check_in_window (&p, interval,
                                                              rb_booking_get_created_at (booking)),
                                   now (self)))
        {
          GtkWidget *button = gtk_button_new_with_label (_("Check In"));
          g_autofree char *accessible = g_strdup_printf (_("Check in to %s"), name);

          gtk_widget_add_css_class (button, "suggested-action");
          gtk_widget_add_css_class (button, "rb-big");
          gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
          rb_accessible_set_label (GTK_WIDGET (button), accessible);
          g_object_set_data_full (G_OBJECT (button), "rb-booking-id",
                                  g_strdup (rb_booking_get_id (booking)), g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (on_check_in_clicked_cb), self);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      gtk_list_box_append (self->check_in_list, row);
      if (first_check_in == NULL)
        first_check_in = rb_find_descendant (row, GTK_TYPE_BUTTON);
    }
  if (shown == 0)
    say (self->check_in_error, _("You have no bookings today."), MESSAGE_PLAIN);
  /* The focus went to Done while the bookings came: the first to check in to, now. */
  if (first_check_in != NULL && g_str_equal (rb_kiosk_window_get_screen (self), "check-in")
      && gtk_widget_has_focus (GTK_WIDGET (self->check_in_done_button)))
    gtk_widget_grab_focus (first_check_in);
}

/* Today's active bookings of the person identified. */
static void
fill_check_in (RbKioskWindow *self)
{
  rb_client_service_list_my_bookings_async (
      rb_context_get_service (self->context), self->identity,
      rb_local_day (rb_context_get_time_zone (self->context), now (self)), self->cancellable,
      on_todays_bookings_cb, g_object_ref (self));
}

static void
show_check_in (RbKioskWindow *self)
{
  g_autofree char *title = g_strdup_printf (_("Hello %s"), rb_person_get_display_name (person (self)));

  set_heading (self->check_in_title, title);
  say (self->check_in_error, "", MESSAGE_PLAIN);
  fill_check_in (self);
  go (self, "check-in");
}

/* ---- start, idle, clock --------------------------------------------------------------- */

/* Counts as a person at the screen: restarts the idle countdown. Input events count by
 * themselves; this is for activity the window cannot see (and for drivers of the UI). */
void
rb_kiosk_window_note_activity (RbKioskWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
  gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
}

/* The idle bar slid away: its words and button go from the accessibility tree too. */
static void
on_idle_revealed_cb (RbKioskWindow *self)
{
  if (gtk_revealer_get_child_revealed (self->idle_revealer)
      || gtk_revealer_get_reveal_child (self->idle_revealer))
    return;
  say (self->idle_label, "", MESSAGE_PLAIN);
  gtk_widget_set_visible (GTK_WIDGET (self->idle_revealer), FALSE);
}

/* The start screen greets whoever identified, and says what they cannot do. */
static void
update_person_box (RbKioskWindow *self)
{
  RbPerson *who = person (self);
  g_autofree char *hello = NULL;
  RbBooking *desk;

  gtk_widget_set_visible (GTK_WIDGET (self->person_box), who != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), who == NULL);
  if (who == NULL)
    return;
  hello = g_strdup_printf (_("Hello %s"), rb_person_get_display_name (who));
  set_heading (self->person_label, hello);
  desk = held_desk (self);
  if (desk != NULL)
    {
      g_autofree char *held = describe_held_desk (self, desk);
      say (self->person_message, held, MESSAGE_ERROR);
    }
  else
    say (self->person_message, _("Tap a space on the plan or in the list to book it."),
         MESSAGE_PLAIN);
}

/* The plan, still greeting whoever identified. */
static void
show_start (RbKioskWindow *self)
{
  g_clear_object (&self->space);
  g_clear_object (&self->receipt_booking);
  update_person_box (self);
  gtk_revealer_set_reveal_child (self->idle_revealer, FALSE);
  go (self, "start");
}

/* The screens not shown keep their words in the accessibility tree: whoever comes next
 * must not find the last person's name, staff number or bookings there. */
static void
clear_screens (RbKioskWindow *self)
{
  GtkLabel *headings[] = {
    self->person_label,  self->space_title,    self->identify_title,
    self->receipt_title, self->check_in_title,
  };
  GtkLabel *labels[] = {
    self->space_details,  self->space_state,     self->identify_number,
    self->identify_value, self->receipt_details,
  };
  GtkLabel *messages[] = {
    self->person_message,
    self->space_message,
    self->identify_error,
    self->check_in_error,
  };
  GtkWidget *child;

  for (guint i = 0; i < G_N_ELEMENTS (headings); i++)
    set_heading (headings[i], "");
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    gtk_label_set_label (labels[i], "");
  for (guint i = 0; i < G_N_ELEMENTS (messages); i++)
    say (messages[i], "", MESSAGE_PLAIN);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->check_in_list))) != NULL)
    gtk_list_box_remove (self->check_in_list, child);
}

/* Forgets the person and starts over. */
static void
start_over (RbKioskWindow *self)
{
  forget_person (self);
  clear_screens (self);
  show_start (self);
}

static const char *
current_language (void)
{
  /* TRANSLATORS: the two-letter code of your language. */
  return g_str_has_prefix (C_ ("language code of this translation", "en"), "de") ? "de" : "en";
}

static void take_over (RbKioskWindow *self, RbKioskWindow *old, gboolean keep);

/* The kiosk in another language: a window built in it takes this one's place — with the
 * person and the step when keep is set, else as the kiosk was set up. The choice is the
 * person's, for now: it is not saved, and the idle reset returns to the kiosk's own. Returns
 * FALSE when this window stays (no application, or no such locale). */
static gboolean
switch_language (RbKioskWindow *self, const char *language, gboolean keep)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  RbKioskWindow *fresh;

  if (app == NULL || !rb_application_use_language (RB_APPLICATION (app), language))
    return FALSE;
  fresh = RB_KIOSK_WINDOW (rb_application_present_window (RB_APPLICATION (app), self->context,
                                                          TRUE));
  take_over (fresh, self, keep);
  /* This may run in the tick itself, which must not come again for a window gone. */
  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->unlocked = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

/* Back to how the kiosk was set up: nobody identified, its own language, the first floor,
 * the list at the top, normal contrast. Returns FALSE when another window took this one's
 * place (the language), which must not be touched after. */
static gboolean
reset_kiosk (RbKioskWindow *self)
{
  start_over (self);
  if (self->floor_index != 0)
    select_floor (self, 0);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->space_scroller), 0);
  rb_floor_plan_reset_view (self->floor_plan);
  gtk_toggle_button_set_active (self->contrast_button, FALSE);
  if (g_strcmp0 (self->default_language, current_language ()) != 0)
    return !switch_language (self, self->default_language, FALSE);
  return TRUE;
}

void
rb_kiosk_window_reset (RbKioskWindow *self)
{
  g_return_if_fail (RB_IS_KIOSK_WINDOW (self));
  reset_kiosk (self);
}

static void
update_clock (RbKioskWindow *self)
{
  g_autofree char *time = rb_context_format_time (self->context, now (self));
  g_autofree char *date = rb_time_format_local (rb_context_get_time_zone (self->context), now (self),
                                                C_ ("short date", "%a %-e %b"));
  g_autofree char *text = g_strdup_printf ("%s  %s", date, time);

  gtk_label_set_label (self->clock_label, text);
}

/* Under the receipt's button, the seconds until the kiosk returns to start. */
static gint64
update_receipt_countdown (RbKioskWindow *self)
{
  gint64 left = (self->receipt_deadline - g_get_monotonic_time () + G_USEC_PER_SEC - 1)
                / G_USEC_PER_SEC;
  int shown = (int) MAX (left, 0);
  g_autofree char *label
      = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Back to the start screen in %d second.",
                                      "Back to the start screen in %d seconds.", shown),
                         shown);

  gtk_label_set_label (self->receipt_countdown, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->receipt_done_button),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, label, -1);
  return left;
}

/* The start screen as the kiosk was set up, nobody identified: nothing to count down. */
static gboolean
at_rest (RbKioskWindow *self, const char *screen)
{
  return g_str_equal (screen, "start") && self->identity == NULL && self->floor_index == 0
         && !gtk_toggle_button_get_active (self->contrast_button)
         && g_strcmp0 (self->default_language, current_language ()) == 0;
}

static gboolean
on_tick_cb (gpointer user_data)
{
  RbKioskWindow *self = user_data;
  gint64 t = g_get_monotonic_time ();
  guint timeout = g_settings_get_uint (rb_context_get_settings (self->context), "idle-timeout");
  const char *screen = gtk_stack_get_visible_child_name (self->stack);
  gint64 idle = (t - self->last_activity) / G_USEC_PER_SEC;

  update_clock (self);

  if (g_str_equal (screen, "receipt"))
    {
      if (update_receipt_countdown (self) <= 0 && !reset_kiosk (self))
        return G_SOURCE_REMOVE;
    }
  else if (!at_rest (self, screen))
    {
      if (idle >= timeout)
        {
          if (!reset_kiosk (self))
            return G_SOURCE_REMOVE;
        }
      else if (idle >= timeout - IDLE_WARNING_SECONDS)
        {
          int left = timeout - idle;
          g_autofree char *label = g_strdup_printf (
              g_dngettext (GETTEXT_PACKAGE, "Back to the start screen in %d second.",
                           "Back to the start screen in %d seconds.", left),
              left);
          say (self->idle_label, label, MESSAGE_PLAIN);
          gtk_widget_set_visible (GTK_WIDGET (self->idle_revealer), TRUE);
          gtk_revealer_set_reveal_child (self->idle_revealer, TRUE);
        }
    }
  else if (idle >= timeout)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->space_scroller), 0);

  if (self->notice_until != 0 && t > self->notice_until)
    {
      self->notice_until = 0;
      gtk_widget_set_visible (GTK_WIDGET (self->offline_notice), FALSE);
    }
  if (t - self->last_refresh > REFRESH_SECONDS * G_USEC_PER_SEC)
    reload_bookings (self);
  else if (g_str_equal (screen, "start"))
    update_states (self);
  return G_SOURCE_CONTINUE;
}


/* Any input is a person at the screen. A press or touch within TAP_GUARD_MS of a screen
 * change is swallowed: it was meant for the screen before (a double tap is one tap). Keys
 * are never swallowed: a badge reader types at once. */
static gboolean
on_any_event_cb (GtkEventControllerLegacy *controller, GdkEvent *event, RbKioskWindow *self)
{
  GdkEventType type = gdk_event_get_event_type (event);
  guint32 time = gdk_event_get_time (event);
  gboolean press = type == GDK_BUTTON_PRESS || type == GDK_TOUCH_BEGIN;

  if (press || type == GDK_KEY_PRESS || type == GDK_SCROLL)
    rb_kiosk_window_note_activity (self);
  if (time != GDK_CURRENT_TIME)
    {
      self->last_event_time = time;
      self->last_event_monotonic = g_get_monotonic_time ();
    }
  if (press && self->guard_until != 0 && (gint32) (time - self->guard_until) < 0)
    return GDK_EVENT_STOP;
  return GDK_EVENT_PROPAGATE;
}

/* A badge reader types and then Enter: its card's secret ID (digits, or hexadecimal digits
 * with letters) or the staff number printed on it. Typed on the start screen, or on a
 * space's screen before anybody identified, it begins identifying to book, so a badge is all
 * it takes to start; its Enter tries it as a badge first (submit_from_reader). */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                   GdkModifierType state, RbKioskWindow *self)
{
  const char *screen = gtk_stack_get_visible_child_name (self->stack);
  guint32 c = gdk_keyval_to_unicode (keyval);
  gboolean digit = c >= '0' && c <= '9';
  gboolean hex_letter = c < 128 && g_ascii_isxdigit (c) && !digit;

  if ((digit || hex_letter)
      && (g_str_equal (screen, "start")
          || (g_str_equal (screen, "space") && self->identity == NULL)))
    {
      start_identify (self, PURPOSE_BOOK);
      self->keys_typed = TRUE;
    }
  else if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "identify"))
    return GDK_EVENT_PROPAGATE;

  if (self->step == STEP_STAFF_NUMBER && (digit || hex_letter)
      && (self->staff_number->len == 0 || self->keys_typed))
    {
      self->keys_typed = TRUE;
      if (self->staff_number->len < MAX_BADGE_TYPED)
        g_string_append_c (self->staff_number, (char) c);
      update_identify_display (self);
    }
  else if (digit)
    type_digit (self, c - '0');
  else if (keyval == GDK_KEY_BackSpace)
    on_keypad_delete_cb (self);
  else if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
    submit_from_reader (self);
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

/* ---- template callbacks ----------------------------------------------------------------- */

static void
on_space_activated_cb (RbKioskWindow *self, RbSpace *space)
{
  show_space (self, space);
}

static void
on_space_row_activated_cb (RbKioskWindow *self, GtkListBoxRow *row)
{
  show_space (self, g_object_get_data (G_OBJECT (row), "rb-space"));
}

static void
on_sign_in_clicked_cb (RbKioskWindow *self)
{
  g_clear_object (&self->space);
  start_identify (self, PURPOSE_BOOK);
}

static void
on_sign_out_clicked_cb (RbKioskWindow *self)
{
  start_over (self);
}

/* Who is identified already (and verified) goes straight to their bookings. */
static void
on_check_in_start_clicked_cb (RbKioskWindow *self)
{
  if (self->identity != NULL && rb_identity_get_verified (self->identity))
    {
      self->purpose = PURPOSE_CHECK_IN;
      show_check_in (self);
    }
  else
    {
      g_clear_object (&self->space);
      start_identify (self, PURPOSE_CHECK_IN);
    }
}

static void
on_admin_clicked_cb (RbKioskWindow *self)
{
  g_clear_object (&self->space);
  start_identify (self, PURPOSE_ADMIN);
}

/* From a space back to the plan, still identified. */
static void
on_back_clicked_cb (RbKioskWindow *self)
{
  show_start (self);
}

static void
on_cancel_clicked_cb (RbKioskWindow *self)
{
  start_over (self);
}

static void
on_done_clicked_cb (RbKioskWindow *self)
{
  reset_kiosk (self);
}

static void
on_still_here_clicked_cb (RbKioskWindow *self)
{
  rb_kiosk_window_note_activity (self);
}

/* The person's language, for their flow: they stay, and so does the step. */
static void
on_language_clicked_cb (RbKioskWindow *self)
{
  const char *language = g_object_get_data (G_OBJECT (self->language_button), "rb-language");

  switch_language (self, language, TRUE);
}

static void
on_contrast_toggled_cb (RbKioskWindow *self)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  if (gtk_toggle_button_get_active (self->contrast_button))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self), "rb-high-contrast");
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self), "rb-high-contrast");
      adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
    }
}

static gboolean
on_close_request_cb (RbKioskWindow *self)
{
  /* Only an administrator's identification (which sets unlocked) may close the kiosk. */
  return !self->unlocked;
}

/* The window built in another language takes over: the language the kiosk was set up in
 * always, and with keep the person, what they typed and chose, and the screen they are on. */
static void
take_over (RbKioskWindow *self, RbKioskWindow *old, gboolean keep)
{
  const char *screen = rb_kiosk_window_get_screen (old);

  g_free (self->default_language);
  self->default_language = g_strdup (old->default_language);
  if (!keep)
    return;
  self->purpose = old->purpose;
  self->step = old->step;
  g_string_assign (self->staff_number, old->staff_number->str);
  g_string_assign (self->pin, old->pin->str);
  g_string_assign (self->one_time_pin, old->one_time_pin->str);
  g_string_assign (self->new_pin, old->new_pin->str);
  g_set_object (&self->identity, old->identity);
  self->my_bookings = old->my_bookings != NULL ? g_ptr_array_ref (old->my_bookings) : NULL;
  g_set_object (&self->space, old->space);
  self->chosen = old->chosen;
  self->floor_index = old->floor_index;
  g_hash_table_unref (self->bookings_by_space);
  self->bookings_by_space = g_hash_table_ref (old->bookings_by_space);
  self->blocks = old->blocks != NULL ? g_ptr_array_ref (old->blocks) : NULL;
  self->receipt_deadline = old->receipt_deadline;
  gtk_toggle_button_set_active (self->contrast_button,
                                gtk_toggle_button_get_active (old->contrast_button));

  if (g_str_equal (screen, "space") && self->space != NULL)
    show_space_keeping (self, self->space, self->chosen.end);
  else if (g_str_equal (screen, "identify"))
    {
      update_identify_display (self);
      go (self, "identify");
    }
  else if (g_str_equal (screen, "receipt") && old->receipt_booking != NULL)
    show_receipt (self, old->receipt_booking, old->receipt_verified);
  else if (g_str_equal (screen, "check-in") && self->identity != NULL)
    show_check_in (self);
  else
    show_start (self);
}

/* ---- GObject ---------------------------------------------------------------------------- */

/* Portrait screens put the list under the plan instead of beside it. Their top bar has no
 * room for the app's name beside the floors, the clock and the buttons (it would shrink to
 * "Ra…"), and a kiosk standing in the building need not say it; the floors go to a row of
 * their own under it, or the bar alone would be about 1,000 px wide on an 800 px screen. */
static void
lay_out (RbKioskWindow *self, int width, int height)
{
  gboolean portrait = height > width;
  GtkOrientation wanted = portrait ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL;
  GtkBox *floors_in = portrait ? self->floor_bar : self->top_bar;

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->start_box)) != wanted)
    {
      gtk_orientable_set_orientation (GTK_ORIENTABLE (self->start_box), wanted);
      gtk_widget_set_size_request (GTK_WIDGET (self->side_box), portrait ? -1 : 320,
                                   portrait ? 360 : -1);
      gtk_widget_set_visible (GTK_WIDGET (self->building_label), !portrait);
    }
  if (gtk_widget_get_parent (GTK_WIDGET (self->floor_box)) != GTK_WIDGET (floors_in))
    {
      g_object_ref (self->floor_box);
      gtk_box_remove (portrait ? self->top_bar : self->floor_bar, GTK_WIDGET (self->floor_box));
      if (portrait)
        gtk_box_append (self->floor_bar, GTK_WIDGET (self->floor_box));
      else
        gtk_box_insert_child_after (self->top_bar, GTK_WIDGET (self->floor_box),
                                    GTK_WIDGET (self->building_label));
      g_object_unref (self->floor_box);
      gtk_widget_set_visible (GTK_WIDGET (self->floor_bar), portrait);
    }
}

/* Laid out for the size the window is given before it is first measured: a portrait kiosk
 * measured as a landscape one would ask to be wider than its screen. */
static void
on_default_size_cb (RbKioskWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    lay_out (self, width, height);
}

static void
rb_kiosk_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  lay_out (RB_KIOSK_WINDOW (widget), width, height);
  GTK_WIDGET_CLASS (rb_kiosk_window_parent_class)->size_allocate (widget, width, height, baseline);
}

/* ---- what happened to bookings made here ------------------------------------------------ */

/* The person who booked offline has long walked away when the server refuses the booking
 * (a wrong PIN, a clash): the start screen says which space and time were not booked, and
 * why, for a while. Never who: the kiosk does not know, and would not show it. */
static void
on_notice_cb (RbKioskWindow *self, RbBooking *booking)
{
  g_autofree char *space_name = NULL;
  g_autofree char *when = NULL;
  g_autofree char *line = NULL;
  const char *reason = rb_booking_get_sync_error (booking);

  if (rb_booking_get_sync_state (booking) != RB_SYNC_STATE_REJECTED)
    return;
  space_name = rb_space_format_name (rb_booking_get_space_kind (booking),
                                     rb_booking_get_space_name (booking));
  when = rb_context_format_interval (self->context, rb_booking_get_interval (booking));
  if (self->notice == NULL || self->notice_until == 0)
    {
      if (self->notice != NULL)
        g_string_free (self->notice, TRUE);
      self->notice = g_string_new (_("Not booked after the connection returned:"));
    }
  /* TRANSLATORS: a line of the kiosk's notice: space, time, and why it was refused. */
  line = g_strdup_printf (_("%s, %s: %s"), space_name, when, reason != NULL ? reason : "");
  g_string_append_printf (self->notice, "\n%s", line);
  gtk_label_set_label (self->offline_notice, self->notice->str);
  gtk_widget_set_visible (GTK_WIDGET (self->offline_notice), TRUE);
  self->notice_until = g_get_monotonic_time () + OFFLINE_NOTICE_SECONDS * G_USEC_PER_SEC;
}

/* The building arrives after a moment on a new kiosk; after that, bookings changed. */
static void
on_service_changed_cb (RbKioskWindow *self)
{
  if (self->floors == NULL || self->floors->len == 0)
    rb_client_service_list_floors_async (rb_context_get_service (self->context),
                                         self->cancellable, on_floors_loaded_cb,
                                         g_object_ref (self));
  else
    {
      /* An administrator may have changed the floor's drawing. */
      rb_floor_plan_load_drawing (self->floor_plan, rb_context_get_service (self->context));
      reload_bookings (self);
    }
}

static void
rb_kiosk_window_constructed (GObject *object)
{
  RbKioskWindow *self = RB_KIOSK_WINDOW (object);
  gboolean german;

  G_OBJECT_CLASS (rb_kiosk_window_parent_class)->constructed (object);

  /* The button names the language it switches to, in that language. TRANSLATORS: the
   * two-letter code of your language. */
  german = g_str_has_prefix (C_ ("language code of this translation", "en"), "de");
  gtk_button_set_label (self->language_button, german ? "English" : "Deutsch");
  g_object_set_data (G_OBJECT (self->language_button), "rb-language", german ? "en" : "de");
  rb_accessible_set_label (GTK_WIDGET (self->language_button),
                           german ? "Switch to English" : "Auf Deutsch umschalten");

  gtk_label_set_label (self->building_label, _("Raumbuch"));
  self->default_language = g_strdup (current_language ());
  self->last_activity = g_get_monotonic_time ();
  self->activity_watch
      = rb_activity_watch_new (GTK_WIDGET (self), G_CALLBACK (rb_kiosk_window_note_activity), self);
  rb_timeline_set_time_zone (self->space_timeline, rb_context_get_time_zone (self->context));
  update_clock (self);
  self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
  /* Where a person starts, not the language button that comes first. */
  gtk_window_set_focus (GTK_WINDOW (self), GTK_WIDGET (self->sign_in_button));
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (on_service_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notice",
                           G_CALLBACK (on_notice_cb), self, G_CONNECT_SWAPPED);
  rb_client_service_list_floors_async (rb_context_get_service (self->context), self->cancellable,
                                       on_floors_loaded_cb, g_object_ref (self));
}

static void
rb_kiosk_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbKioskWindow *self = RB_KIOSK_WINDOW (object);

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
rb_kiosk_window_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  RbKioskWindow *self = RB_KIOSK_WINDOW (object);

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
rb_kiosk_window_dispose (GObject *object)
{
  RbKioskWindow *self = RB_KIOSK_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_pointer (&self->activity_watch, rb_activity_watch_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_KIOSK_WINDOW);
  forget_person (self);
  g_clear_object (&self->space);
  g_clear_object (&self->receipt_booking);
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (rb_kiosk_window_parent_class)->dispose (object);
}

static void
rb_kiosk_window_finalize (GObject *object)
{
  RbKioskWindow *self = RB_KIOSK_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->bookings_by_space);
  g_hash_table_unref (self->space_rows);
  g_string_free (self->staff_number, TRUE);
  g_string_free (self->pin, TRUE);
  g_string_free (self->one_time_pin, TRUE);
  g_string_free (self->new_pin, TRUE);
  if (self->notice != NULL)
    g_string_free (self->notice, TRUE);
  g_free (self->default_language);

  G_OBJECT_CLASS (rb_kiosk_window_parent_class)->finalize (object);
}

static void
rb_kiosk_window_class_init (RbKioskWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_kiosk_window_constructed;
  object_class->dispose = rb_kiosk_window_dispose;
  object_class->finalize = rb_kiosk_window_finalize;
  object_class->get_property = rb_kiosk_window_get_property;
  object_class->set_property = rb_kiosk_window_set_property;
  widget_class->size_allocate = rb_kiosk_window_size_allocate;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_FLOOR_PLAN);
  g_type_ensure (RB_TYPE_KEYPAD);
  g_type_ensure (RB_TYPE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-kiosk-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, RbKioskWindow, name)
  BIND (idle_revealer);
  BIND (idle_label);
  BIND (building_label);
  BIND (top_bar);
  BIND (floor_bar);
  BIND (floor_box);
  BIND (clock_label);
  BIND (language_button);
  BIND (contrast_button);
  BIND (stack);
  BIND (start_box);
  BIND (side_box);
  BIND (offline_notice);
  BIND (person_box);
  BIND (person_label);
  BIND (person_message);
  BIND (sign_in_button);
  BIND (floor_plan);
  BIND (space_scroller);
  BIND (space_list);
  BIND (space_title);
  BIND (space_details);
  BIND (space_state);
  BIND (space_timeline);
  BIND (space_message);
  BIND (duration_box);
  BIND (space_back_button);
  BIND (space_book_button);
  BIND (identify_title);
  BIND (identify_number);
  BIND (identify_value);
  BIND (keypad);
  BIND (identify_error);
  BIND (receipt_title);
  BIND (receipt_details);
  BIND (receipt_done_button);
  BIND (receipt_countdown);
  BIND (check_in_title);
  BIND (check_in_list);
  BIND (check_in_error);
  BIND (check_in_done_button);
#undef BIND
#define CALLBACK(name) gtk_widget_class_bind_template_callback (widget_class, name)
  CALLBACK (on_still_here_clicked_cb);
  CALLBACK (on_language_clicked_cb);
  CALLBACK (on_contrast_toggled_cb);
  CALLBACK (on_admin_clicked_cb);
  CALLBACK (on_space_activated_cb);
  CALLBACK (on_check_in_start_clicked_cb);
  CALLBACK (on_sign_in_clicked_cb);
  CALLBACK (on_sign_out_clicked_cb);
  CALLBACK (on_space_row_activated_cb);
  CALLBACK (on_back_clicked_cb);
  CALLBACK (on_space_book_clicked_cb);
  CALLBACK (on_keypad_digit_cb);
  CALLBACK (on_keypad_delete_cb);
  CALLBACK (on_keypad_submit_cb);
  CALLBACK (on_cancel_clicked_cb);
  CALLBACK (on_done_clicked_cb);
#undef CALLBACK
}

static void
rb_kiosk_window_init (RbKioskWindow *self)
{
  GtkEventController *legacy = gtk_event_controller_legacy_new ();
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->bookings_by_space = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                   (GDestroyNotify) g_ptr_array_unref);
  self->space_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->staff_number = g_string_new (NULL);
  self->pin = g_string_new (NULL);
  self->one_time_pin = g_string_new (NULL);
  self->new_pin = g_string_new (NULL);
  gtk_list_box_set_header_func (self->space_list, space_list_header, NULL, NULL);
  rb_accessible_complete (GTK_WIDGET (self->contrast_button));
  rb_stack_hide_other_pages (self->stack);
  g_signal_connect_swapped (self->idle_revealer, "notify::child-revealed",
                            G_CALLBACK (on_idle_revealed_cb), self);

  gtk_event_controller_set_propagation_phase (legacy, GTK_PHASE_CAPTURE);
  g_signal_connect (legacy, "event", G_CALLBACK (on_any_event_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), legacy);
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request_cb), NULL);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_default_size_cb), NULL);
  g_signal_connect (self, "notify::default-height", G_CALLBACK (on_default_size_cb), NULL);
}

RbKioskWindow *
rb_kiosk_window_new (RbApplication *application, RbContext *context)
{
  return g_object_new (RB_TYPE_KIOSK_WINDOW, "application", application, "context", context, NULL);
}

const char *
rb_kiosk_window_get_screen (RbKioskWindow *self)
{
  g_return_val_if_fail (RB_IS_KIOSK_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

RbPerson *
rb_kiosk_window_get_person (RbKioskWindow *self)
{
  g_return_val_if_fail (RB_IS_KIOSK_WINDOW (self), NULL);
  return person (self);
}
