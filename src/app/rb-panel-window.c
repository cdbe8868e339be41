/* rb-panel-window.c: the door panel (`raumbuch --panel SPACE_ID`).
 *
 * One room, read from across the corridor: its name, a big state word with an icon and a
 * colour (never the colour alone), now and next in words, and what can be done at the door:
 * book now for 15, 30 or 60 minutes (only what fits before the next booking or block and
 * the closing time), check in to the booking that is on, end it early, extend it.
 *
 * Acting needs a person: staff number (typed, or by a badge reader that types digits and
 * Enter) and PIN on the keypad sign that person in on the panel's service for this one
 * action, and out again at once. Where the site allows it (policy panel_anonymous_booking),
 * *Book now* needs nobody; the booking then belongs to nobody and shows as booked at the
 * door.
 *
 * The schedule comes from the service (with a server, its mirror), reloaded on every
 * "changed" of the change feed; offline the panel keeps showing what it last knew and says
 * since when. Outside the opening hours it dims and says when the building opens.
 *
 * As on the kiosk, an administrator leaves the panel with their PIN (the lock button), and
 * a passer-by may switch the language for themselves: the idle reset returns to the panel's
 * own.
 *
 * For screen readers and switches (issue 15): every button is named by what it does, the
 * message line exists only while it says something, each screen puts the focus on its first
 * thing to do, and a click through an assistive technology counts as somebody at the door. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-keypad.h"
#include "rb-kiosk-lockdown.h"
#include "rb-panel-window.h"

#include "rb-accessible.h"
#include "rb-space-row.h"
#include "rb-widget-util.h"

#define IDLE_SECONDS 30
#define MAX_STAFF_NUMBER 12
#define MAX_PIN 8
#define MAX_BADGE_TYPED 64

typedef enum
{
  ACTION_NONE,
  ACTION_BOOK,
  ACTION_CHECK_IN,
  ACTION_END,
  ACTION_EXTEND,
  ACTION_LEAVE,
} PanelAction;

struct _RbPanelWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  GtkBox *top_bar;
  GtkBox *tools_box;
  GtkBox *tools_bar;
  GtkLabel *room_label;
  GtkLabel *clock_label;
  GtkButton *language_button;
  GtkLabel *offline_label;
  GtkBox *content_box;
  GtkBox *state_box;
  GtkImage *state_icon;
  GtkLabel *state_word;
  GtkLabel *now_label;
  GtkLabel *next_label;
  GtkLabel *message_label;
  GtkStack *stack;
  GtkLabel *book_title;
  GtkFlowBox *book_box;
  GtkFlowBox *action_box;
  GtkLabel *identify_title;
  GtkLabel *identify_value;
  RbKeypad *keypad;

  /* owned */
  RbContext *context;
  char *space_id;
  GCancellable *cancellable;
  RbActivityWatch *activity_watch;
  RbSpace *space;
  GPtrArray *bookings;
  GPtrArray *blocks;
  guint tick_source;
  gint64 last_minute;
  gint64 last_activity;
  gint64 offline_since;
  gboolean dimmed;
  /* the language the panel was set up in, which the idle reset returns to */
  char *default_language;
  /* set by an administrator's PIN (or a language switch): the window may go */
  gboolean unlocked;

  /* the action waiting for a person, and who is typing */
  PanelAction action;
  /* the action under way, whose answer is awaited */
  PanelAction acting;
  int minutes;
  RbBooking *target;
  gboolean entering_pin;
  GString *staff_number;
  GString *pin;
};

G_DEFINE_FINAL_TYPE (RbPanelWindow, rb_panel_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_SPACE_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (RbPanelWindow *self);
static void update (RbPanelWindow *self);
static void update_identify (RbPanelWindow *self);
static void focus_home (RbPanelWindow *self);

/* ---- helpers ---------------------------------------------------------------------------- */

static gint64
now (RbPanelWindow *self)
{
  return rb_context_now (self->context);
}

static RbClientService *
service (RbPanelWindow *self)
{
  return rb_context_get_service (self->context);
}

static void
say (RbPanelWindow *self, const char *text, gboolean is_error)
{
  gtk_label_set_label (self->message_label, text);
  /* An alert without words would be heard as nothing, or as "label": there only with text. */
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), text != NULL && *text != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "rb-error-text");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "rb-error-text");
}

static void
say_error (RbPanelWindow *self, const GError *error)
{
  g_autofree char *text = NULL;

  if (error->domain == RB_ERROR || error->domain == G_IO_ERROR)
    text = rb_context_describe_error (self->context, error);
  else
    text = g_strdup (_("Something went wrong. Please try again or ask the service desk."));
  say (self, text, TRUE);
}

/* Overwrite before truncating: a PIN should not linger in memory. */
static void
forget_person (RbPanelWindow *self)
{
  memset (self->pin->str, 0, self->pin->len);
  g_string_truncate (self->pin, 0);
  g_string_truncate (self->staff_number, 0);
  self->entering_pin = FALSE;
  self->action = ACTION_NONE;
  g_clear_object (&self->target);
}

/* Home, with nobody's staff number left on the keypad's screen. */
static void
go_home (RbPanelWindow *self)
{
  gboolean changed = !g_str_equal (gtk_stack_get_visible_child_name (self->stack), "home");

  forget_person (self);
  update_identify (self);
  rb_stack_show_page (self->stack, "home");
  if (changed)
    focus_home (self);
}

/* Whether a booking's title may be shown on a panel anyone can read: only where the site
 * lets its kiosks name who booked what (the title often does). */
static const char *
shown_title (RbPanelWindow *self, RbBooking *booking)
{
  RbPolicy p = rb_context_get_policy (self->context);
  const char *title = rb_booking_get_title (booking);

  return p.show_names && title != NULL && *title != '\0' ? title : NULL;
}

/* ---- the schedule now ------------------------------------------------------------------- */

typedef struct
{
  RbInterval hours;
  gboolean open;
  const RbSpaceBlock *block;
  RbBooking *current;
  RbBooking *next;
  /* when the free or busy run now ends (0: not before the closing time) */
  gint64 until;
  /* the latest end a booking from now may have: the next booking, block or the closing */
  gint64 limit;
} Schedule;

static Schedule
schedule_now (RbPanelWindow *self)
{
  RbPolicy p = rb_context_get_policy (self->context);
  gint64 t = now (self);
  Schedule s = { 0 };
  RbAvailability availability;
  gint64 block;

  s.hours = rb_policy_opening_hours (&p, rb_context_get_time_zone (self->context), t);
  s.open = rb_interval_contains (s.hours, t);
  s.block = rb_space_block_find (self->blocks, self->space_id, t);
  availability = rb_availability_at (self->bookings, t, s.hours.end);
  s.until = availability.until;
  s.limit = s.hours.end;
  for (guint i = 0; i < self->bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (self->bookings, i);

      if (rb_interval_contains (rb_booking_get_interval (b), t))
        s.current = b;
      else if (rb_booking_get_start (b) > t
               && (s.next == NULL || rb_booking_get_start (b) < rb_booking_get_start (s.next)))
        s.next = b;
    }
  if (s.next != NULL)
    s.limit = MIN (s.limit, rb_booking_get_start (s.next));
  block = rb_space_block_next_start (self->blocks, self->space_id, t);
  if (block != 0)
    {
      s.limit = MIN (s.limit, block);
      if (!availability.busy && (s.until == 0 || block < s.until))
        s.until = block;
    }
  return s;
}

/* The limit of an extension of the current booking: the next booking, block or closing. */
static gint64
extension_limit (RbPanelWindow *self, const Schedule *s)
{
  gint64 end = rb_booking_get_end (s->current);
  gint64 limit = s->hours.end;
  /* A block that begins right at the end counts too. */
  gint64 block = rb_space_block_next_start (self->blocks, self->space_id, end - 1);

  for (guint i = 0; i < self->bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (self->bookings, i);

      if (b != s->current && rb_booking_get_start (b) >= end)
        limit = MIN (limit, rb_booking_get_start (b));
    }
  if (block != 0)
    limit = MIN (limit, block);
  return limit;
}

/* When the building opens next: today's opening if it is still to come, else tomorrow's. */
static gint64
next_opening (RbPanelWindow *self, const Schedule *s)
{
  RbPolicy p = rb_context_get_policy (self->context);
  gint64 t = now (self);

  if (t < s->hours.start)
    return s->hours.start;
  return rb_policy_opening_hours (&p, rb_context_get_time_zone (self->context),
                                  t + 24 * 3600).start;
}

/* When the building opens, in words read in passing: which day, then the time. The
 * policy's opening hours hold every day (it has no closing days), so the next opening is
 * today's or tomorrow's (next_opening). */
static char *
closed_until (RbPanelWindow *self, gint64 opens)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  g_autofree char *time = rb_context_format_time (self->context, opens);

  if (rb_local_date_key (tz, opens) == rb_local_date_key (tz, now (self)))
    /* TRANSLATORS: the door panel before the building opens: "Closed until today, 06:00". */
    return g_strdup_printf (_("Closed until today, %s"), time);
  /* TRANSLATORS: the door panel after closing: "Closed until tomorrow, 06:00". */
  return g_strdup_printf (_("Closed until tomorrow, %s"), time);
}

/* ---- the screen ------------------------------------------------------------------------- */

/* Home's first thing to do: the first button to book or to act on the booking, else the
 * language button (closed, nothing can be done). */
static void
focus_home (RbPanelWindow *self)
{
  GtkWidget *target = NULL;

  for (GtkWidget *box = GTK_WIDGET (self->book_box); box != NULL && target == NULL;
       box = box == GTK_WIDGET (self->book_box) ? GTK_WIDGET (self->action_box) : NULL)
    {
      GtkWidget *cell = gtk_widget_get_first_child (box);

      if (cell != NULL && GTK_IS_FLOW_BOX_CHILD (cell))
        target = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (cell));
    }
  gtk_widget_grab_focus (target != NULL ? target : GTK_WIDGET (self->language_button));
}

static void on_action_clicked_cb (GtkButton *button, RbPanelWindow *self);

static void
clear_flow_box (GtkFlowBox *box)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (box))) != NULL)
    gtk_flow_box_remove (box, child);
}

static void
add_action (RbPanelWindow *self, GtkFlowBox *box, const char *label, const char *accessible,
            PanelAction action, int minutes, gboolean suggested)
{
  GtkWidget *button = gtk_button_new_with_label (label);
  gboolean online = rb_client_service_get_online (service (self));

  gtk_label_set_justify (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))),
                         GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (button, "rb-big");
  gtk_widget_add_css_class (button, "rb-panel-action");
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  rb_accessible_set_label (GTK_WIDGET (button), accessible);
  g_object_set_data (G_OBJECT (button), "rb-action", GINT_TO_POINTER (action));
  g_object_set_data (G_OBJECT (button), "rb-minutes", GINT_TO_POINTER (minutes));
  /* Offline the panel only shows what it knows: acting needs the server. */
  gtk_widget_set_sensitive (button, online);
  g_signal_connect (button, "clicked", G_CALLBACK (on_action_clicked_cb), self);
  gtk_flow_box_append (box, button);
  /* The flow box's cell around the button takes no focus of its own: the button does. */
  gtk_widget_set_focusable (gtk_widget_get_parent (button), FALSE);
  rb_accessible_set_label (GTK_WIDGET (gtk_widget_get_parent (button)), accessible);
}

static void
add_actions (RbPanelWindow *self, const Schedule *s)
{
  static const int durations[] = { 15, 30, 60 };
  RbPolicy p = rb_context_get_policy (self->context);
  gint64 t = now (self);
  int offered = 0;

  if (self->space == NULL || !s->open || s->block != NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->book_title), FALSE);
      return;
    }

  for (guint i = 0; s->current == NULL && i < G_N_ELEMENTS (durations); i++)
    {
      gint64 end = rb_slot_ceil (t + durations[i] * 60);
      g_autofree char *until = NULL;
      g_autofree char *label = NULL;
      g_autofree char *accessible = NULL;

      if (end > s->limit)
        continue;
      until = rb_context_format_time (self->context, end);
      /* TRANSLATORS: a button of the door panel: book the room now for this long. */
      label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute\n(until %s)",
                                            "%d minutes\n(until %s)", durations[i]),
                               durations[i], until);
      accessible = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "Book now for %d minute, until %s",
                                                 "Book now for %d minutes, until %s",
                                                 durations[i]),
                                    durations[i], until);
      add_action (self, self->book_box, label, accessible, ACTION_BOOK, durations[i], TRUE);
      offered++;
    }
  gtk_label_set_label (self->book_title, p.panel_anonymous_booking
                                             ? _("Book now")
                                             : _("Book now with your staff number and PIN"));
  gtk_widget_set_visible (GTK_WIDGET (self->book_title), offered > 0);

  if (s->current == NULL)
    return;
  if (rb_booking_get_state (s->current) == RB_BOOKING_STATE_BOOKED
      && rb_policy_check_check_in (&p, rb_booking_get_interval (s->current),
                                   rb_booking_get_created_at (s->current), t, NULL))
    add_action (self, self->action_box, _("Check in"), _("Check in to the booking now"),
                ACTION_CHECK_IN, 0, TRUE);
  add_action (self, self->action_box, _("End early"),
              _("End the booking now and free the room"), ACTION_END, 0, FALSE);
  for (int minutes = 15; minutes <= 30; minutes += 15)
    if (rb_booking_get_end (s->current) + minutes * 60 <= extension_limit (self, s))
      {
        g_autofree char *label = g_strdup_printf (_("Extend by %d minutes"), minutes);

        add_action (self, self->action_box, label, label, ACTION_EXTEND, minutes, FALSE);
      }
}

/* The buttons are made anew every minute: whoever had the focus on one keeps it on the
 * buttons, not on nothing. */
static void
fill_actions (RbPanelWindow *self, const Schedule *s)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));
  gboolean had_focus = focus != NULL
                       && (gtk_widget_is_ancestor (focus, GTK_WIDGET (self->book_box))
                           || gtk_widget_is_ancestor (focus, GTK_WIDGET (self->action_box)));

  clear_flow_box (self->book_box);
  clear_flow_box (self->action_box);
  add_actions (self, s);
  if (had_focus)
    focus_home (self);
}

static void
set_state_class (RbPanelWindow *self, const char *css)
{
  static const char *all[] = { "rb-panel-free", "rb-panel-busy", "rb-panel-closed" };

  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->state_box), all[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->state_box), css);
}

static char *
format_next (RbPanelWindow *self, RbBooking *next)
{
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  g_autofree char *when = NULL;
  const char *title;

  if (next == NULL)
    return g_strdup (_("Nothing else booked today"));
  /* Today's, always: the panel shows one day. */
  from = rb_context_format_time (self->context, rb_booking_get_start (next));
  to = rb_context_format_time (self->context, rb_booking_get_end (next));
  /* TRANSLATORS: a time range on the door panel, "14:00–15:00". */
  when = g_strdup_printf (_("%s–%s"), from, to);
  title = shown_title (self, next);
  /* TRANSLATORS: the door panel's next booking: "Next: 14:00–15:00", with its title if the
   * site allows titles on panels. */
  return title != NULL ? g_strdup_printf (_("Next: %s — %s"), when, title)
                       : g_strdup_printf (_("Next: %s"), when);
}

static void
update (RbPanelWindow *self)
{
  Schedule s;
  const char *word, *icon, *css;
  g_autofree char *now_text = NULL;
  g_autofree char *next_text = NULL;
  g_autofree char *accessible = NULL;
  g_autofree char *name = NULL;

  if (self->space == NULL)
    return;
  s = schedule_now (self);
  name = rb_space_dup_display_name (self->space);
  gtk_label_set_label (self->room_label, name);

  self->dimmed = !s.open;
  if (!s.open)
    {
      word = _("Closed");
      icon = "weather-clear-night-symbolic";
      css = "rb-panel-closed";
      now_text = closed_until (self, next_opening (self, &s));
    }
  else if (s.block != NULL)
    {
      word = _("Closed");
      icon = "system-lock-screen-symbolic";
      css = "rb-panel-closed";
      now_text = rb_space_describe_block (self->context, s.block);
    }
  else if (s.current != NULL)
    {
      g_autofree char *until = rb_context_format_time (
          self->context, s.until != 0 ? s.until : rb_booking_get_end (s.current));
      const char *title = shown_title (self, s.current);

      word = _("Busy");
      icon = "action-unavailable-symbolic";
      css = "rb-panel-busy";
      /* TRANSLATORS: the door panel: "Busy until 11:30 — Sprint review". */
      now_text = title != NULL ? g_strdup_printf (_("Busy until %s — %s"), until, title)
                               : g_strdup_printf (_("Busy until %s"), until);
      if (rb_booking_get_at_door (s.current))
        {
          g_autofree char *plain = g_steal_pointer (&now_text);
          now_text = g_strdup_printf ("%s\n%s", plain, _("Booked at the door"));
        }
    }
  else
    {
      g_autofree char *until = rb_context_format_time (self->context,
                                                       s.until != 0 ? s.until : s.hours.end);

      word = _("Free");
      icon = "emblem-ok-symbolic";
      css = "rb-panel-free";
      now_text = g_strdup_printf (_("Free until %s"), until);
    }
  next_text = s.open ? format_next (self, s.next) : g_strdup ("");

  gtk_label_set_label (self->state_word, word);
  gtk_image_set_from_icon_name (self->state_icon, icon);
  set_state_class (self, css);
  gtk_label_set_label (self->now_label, now_text);
  gtk_label_set_label (self->next_label, next_text);
  gtk_widget_set_visible (GTK_WIDGET (self->next_label), *next_text != '\0');
  /* A screen reader hears the state as one sentence, not a picture and a colour. */
  accessible = g_strdup_printf ("%s: %s. %s. %s", name, word, now_text, next_text);
  rb_accessible_set_label (GTK_WIDGET (self->state_box), accessible);
  if (self->dimmed)
    gtk_widget_add_css_class (GTK_WIDGET (self), "rb-panel-dimmed");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rb-panel-dimmed");

  if (self->offline_since != 0)
    {
      g_autofree char *since = rb_context_format_time (self->context, self->offline_since);
      g_autofree char *line = g_strdup_printf (
          _("Offline since %s — showing the last known schedule"), since);

      gtk_label_set_label (self->offline_label, line);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->offline_label), self->offline_since != 0);
  fill_actions (self, &s);
}

/* ---- loading ---------------------------------------------------------------------------- */

static int
compare_start (gconstpointer a, gconstpointer b)
{
  gint64 x = rb_booking_get_start (*(RbBooking **) a);
  gint64 y = rb_booking_get_start (*(RbBooking **) b);

  return x < y ? -1 : x > y;
}

static void
on_bookings_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) all = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result,
                                                              &error);

  if (all == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The panel's bookings: %s", error->message);
      return;
    }
  g_ptr_array_set_size (self->bookings, 0);
  for (guint i = 0; i < all->len; i++)
    {
      RbBooking *b = g_ptr_array_index (all, i);

      if (g_strcmp0 (rb_booking_get_space_id (b), self->space_id) == 0
          && rb_booking_state_is_active (rb_booking_get_state (b)))
        g_ptr_array_add (self->bookings, g_object_ref (b));
    }
  g_ptr_array_sort (self->bookings, compare_start);
  update (self);
}

static void
on_blocks_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *blocks = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (blocks == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The panel's blocks: %s", error->message);
      return;
    }
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  self->blocks = blocks;
  update (self);
}

static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);

  for (guint i = 0; spaces != NULL && self->space == NULL && i < spaces->len; i++)
    if (g_str_equal (rb_space_get_id (g_ptr_array_index (spaces, i)), self->space_id))
      {
        self->space = g_object_ref (g_ptr_array_index (spaces, i));
        reload (self);
      }
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                result, &error);

  for (guint i = 0; floors != NULL && i < floors->len; i++)
    rb_client_service_list_spaces_async (service (self),
                                         rb_floor_get_id (g_ptr_array_index (floors, i)),
                                         self->cancellable, on_spaces_loaded_cb,
                                         g_object_ref (self));
}

/* Finds the room first (a new panel's mirror may not have the building yet), then its day. */
static void
reload (RbPanelWindow *self)
{
  RbInterval day;

  if (self->space == NULL)
    {
      rb_client_service_list_floors_async (service (self), self->cancellable,
                                           on_floors_loaded_cb, g_object_ref (self));
      return;
    }
  day = rb_local_day (rb_context_get_time_zone (self->context), now (self));
  rb_client_service_list_bookings_async (service (self), rb_space_get_floor_id (self->space),
                                         self->space_id, day, self->cancellable,
                                         on_bookings_loaded_cb, g_object_ref (self));
  rb_client_service_list_blocks_async (service (self), rb_space_get_floor_id (self->space), day,
                                       self->cancellable, on_blocks_loaded_cb,
                                       g_object_ref (self));
}

/* ---- acting ------------------------------------------------------------------------------ */

static void
on_signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The panel could not sign out: %s", error->message);
  g_object_unref (user_data);
}

/* Whoever acted is signed out at once: the next person at the door starts from nobody. */
static void
sign_out (RbPanelWindow *self)
{
  if (rb_client_service_get_person (service (self)) != NULL)
    rb_client_service_sign_out_async (service (self), NULL, on_signed_out_cb,
                                      g_object_ref (self));
}

static void
on_acted_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);
  PanelAction action = self->acting;
  g_autofree char *until = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  sign_out (self);
  go_home (self);
  if (booking == NULL)
    {
      say_error (self, error);
      reload (self);
      return;
    }
  until = rb_context_format_time (self->context, rb_booking_get_end (booking));
  switch (action)
    {
    case ACTION_BOOK:
      text = g_strdup_printf (_("Booked until %s"), until);
      break;
    case ACTION_CHECK_IN:
      text = g_strdup (_("You are checked in."));
      break;
    case ACTION_END:
      /* Bookings end on the quarter hour: the rest after the slot running now is free. */
      text = rb_booking_get_state (booking) == RB_BOOKING_STATE_CANCELLED
                 ? g_strdup (_("The booking has ended. The room is free."))
                 : g_strdup_printf (_("The booking now ends at %s."), until);
      break;
    case ACTION_EXTEND:
      text = g_strdup_printf (_("Extended until %s"), until);
      break;
    case ACTION_LEAVE:
    case ACTION_NONE:
    default:
      break;
    }
  say (self, text, FALSE);
  reload (self);
}

/* An administrator's PIN closes the panel, as it closes the kiosk; anybody else's does
 * nothing but say so. */
static void
leave_if_admin (RbPanelWindow *self, RbIdentity *who)
{
  RbPerson *person = who != NULL ? rb_identity_get_person (who)
                                 : rb_client_service_get_person (service (self));
  gboolean admin = person != NULL && rb_person_get_role (person) == RB_ROLE_ADMIN;

  sign_out (self);
  go_home (self);
  if (!admin)
    {
      say (self, _("Only an administrator can leave the panel."), TRUE);
      return;
    }
  self->unlocked = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

/* Does the chosen action for whoever is signed in (or, booking anonymously, for nobody), or
 * checks in as who identified. */
static void
act (RbPanelWindow *self, RbIdentity *who)
{
  gint64 t = now (self);
  RbClientService *s = service (self);

  if (self->action == ACTION_LEAVE)
    {
      leave_if_admin (self, who);
      return;
    }
  self->acting = self->action;
  say (self, _("One moment…"), FALSE);
  switch (self->action)
    {
    case ACTION_BOOK:
      {
        g_autofree char *id = rb_booking_new_id ();
        g_autoptr (RbBooking) request = rb_booking_new (
            id, self->space_id, NULL,
            rb_interval_make (rb_slot_floor (t), rb_slot_ceil (t + self->minutes * 60)));

        /* Whoever books at the door is standing there: the booking starts checked in. */
        rb_booking_set_state (request, RB_BOOKING_STATE_CHECKED_IN);
        rb_client_service_create_booking_async (s, NULL, request, self->cancellable, on_acted_cb,
                                                g_object_ref (self));
      }
      break;
    case ACTION_CHECK_IN:
      rb_client_service_check_in_async (s, who, rb_booking_get_id (self->target),
                                        self->cancellable, on_acted_cb, g_object_ref (self));
      break;
    case ACTION_END:
      /* The rest is given back: the booking ends with the slot that is running. One that
       * has only just begun is cancelled. */
      if (rb_slot_ceil (t) <= rb_booking_get_start (self->target))
        rb_client_service_cancel_booking_async (s, rb_booking_get_id (self->target),
                                                self->cancellable, on_acted_cb,
                                                g_object_ref (self));
      else
        rb_client_service_update_booking_async (
            s, self->target,
            rb_interval_make (rb_booking_get_start (self->target), rb_slot_ceil (t)), NULL,
            self->cancellable, on_acted_cb, g_object_ref (self));
      break;
    case ACTION_EXTEND:
      rb_client_service_update_booking_async (
          s, self->target,
          rb_interval_make (rb_booking_get_start (self->target),
                            rb_booking_get_end (self->target) + self->minutes * 60),
          NULL, self->cancellable, on_acted_cb, g_object_ref (self));
      break;
    case ACTION_LEAVE:
    case ACTION_NONE:
    default:
      break;
    }
}

static void
update_identify (RbPanelWindow *self)
{
  g_autofree char *dots = NULL;

  if (!self->entering_pin)
    {
      gtk_label_set_label (self->identify_title,
                           _("Show your badge or type your staff number, then OK"));
      gtk_label_set_label (self->identify_value, self->staff_number->str);
      return;
    }
  gtk_label_set_label (self->identify_title, _("Type your PIN, then OK"));
  dots = g_strnfill (self->pin->len, '*');
  gtk_label_set_label (self->identify_value, dots);
}

/* A mistyped staff number can never succeed: both are asked again. */
static void
identify_failed (RbPanelWindow *self, const GError *error)
{
  say_error (self, error);
  memset (self->pin->str, 0, self->pin->len);
  g_string_truncate (self->pin, 0);
  g_string_truncate (self->staff_number, 0);
  self->entering_pin = FALSE;
  update_identify (self);
}

static void
on_signed_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbPerson) person = rb_client_service_person_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);

  if (person != NULL)
    act (self, NULL);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    identify_failed (self, error);
}

static void
on_identified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbIdentity) who = rb_client_service_identify_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);

  if (who != NULL)
    act (self, who);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    identify_failed (self, error);
}

/* A badge (issue 12) checks in alone when it is registered; else what the reader typed is
 * the staff number, and the PIN is asked as before. */
static void
on_badge_identified_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPanelWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbIdentity) who = rb_client_service_identify_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);

  if (who != NULL)
    act (self, who);
  else if (g_error_matches (error, RB_ERROR, RB_ERROR_PERSON_INACTIVE)
           || g_error_matches (error, RB_ERROR, RB_ERROR_LOCKED))
    identify_failed (self, error);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      say (self, "", FALSE);
      self->entering_pin = TRUE;
      update_identify (self);
    }
}

static void
submit (RbPanelWindow *self)
{
  if (!self->entering_pin)
    {
      if (self->staff_number->len == 0)
        return;
      self->entering_pin = TRUE;
      update_identify (self);
      return;
    }
  if (self->pin->len == 0)
    return;
  say (self, _("Checking…"), FALSE);
  /* Checking in goes as the kiosk's does, for the person identified; a change of the
   * booking needs them signed in on the panel for the moment it takes. */
  if (self->action == ACTION_CHECK_IN)
    rb_client_service_identify_async (service (self), self->staff_number->str, self->pin->str,
                                      self->cancellable, on_identified_cb, g_object_ref (self));
  else
    rb_client_service_sign_in_async (service (self), self->staff_number->str, self->pin->str,
                                     self->cancellable, on_signed_in_cb, g_object_ref (self));
  memset (self->pin->str, 0, self->pin->len);
  g_string_truncate (self->pin, 0);
}

static void
type_digit (RbPanelWindow *self, int digit)
{
  GString *field = self->entering_pin ? self->pin : self->staff_number;

  self->last_activity = g_get_monotonic_time ();
  if (field->len < (self->entering_pin ? MAX_PIN : MAX_STAFF_NUMBER))
    g_string_append_c (field, '0' + digit);
  update_identify (self);
}

static void
on_keypad_digit_cb (RbPanelWindow *self, int digit)
{
  type_digit (self, digit);
}

static void
on_keypad_delete_cb (RbPanelWindow *self)
{
  GString *field = self->entering_pin ? self->pin : self->staff_number;

  self->last_activity = g_get_monotonic_time ();
  if (field->len > 0)
    g_string_truncate (field, field->len - 1);
  update_identify (self);
}

static void
on_keypad_submit_cb (RbPanelWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
  submit (self);
}

static void
on_cancel_clicked_cb (RbPanelWindow *self)
{
  say (self, "", FALSE);
  go_home (self);
}

/* The keypad, for the action chosen, with the focus on its first key. */
static void
start_identify (RbPanelWindow *self)
{
  say (self, "", FALSE);
  self->last_activity = g_get_monotonic_time ();
  update_identify (self);
  rb_stack_show_page (self->stack, "identify");
  gtk_widget_grab_focus (GTK_WIDGET (self->keypad));
}

static void
on_action_clicked_cb (GtkButton *button, RbPanelWindow *self)
{
  Schedule s = schedule_now (self);
  RbPolicy p = rb_context_get_policy (self->context);

  forget_person (self);
  self->action = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "rb-action"));
  self->minutes = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "rb-minutes"));
  if (s.current != NULL)
    self->target = g_object_ref (s.current);
  if (self->action != ACTION_BOOK && self->target == NULL)
    return;
  /* Booked for nobody at this door, it is ended or extended here without anybody's PIN, as
   * it was made: whoever stands at the door has the room. What authorises it is this
   * panel's own device, which the server recorded with the booking (another panel, a kiosk
   * or a person's session without the right to it are refused), so nobody can end someone
   * else's booking from here without their PIN. */
  if ((self->action == ACTION_BOOK && p.panel_anonymous_booking)
      || ((self->action == ACTION_END || self->action == ACTION_EXTEND)
          && rb_booking_get_at_door (self->target)))
    {
      act (self, NULL);
      return;
    }
  start_identify (self);
}

/* The lock button: an administrator's staff number and PIN leave the panel. */
static void
on_admin_clicked_cb (RbPanelWindow *self)
{
  forget_person (self);
  self->action = ACTION_LEAVE;
  start_identify (self);
}

/* A badge reader types the staff number and Enter, wherever the focus is. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller, guint keyval, guint keycode,
                   GdkModifierType state, RbPanelWindow *self)
{
  guint32 c = gdk_keyval_to_unicode (keyval);

  if (!g_str_equal (gtk_stack_get_visible_child_name (self->stack), "identify"))
    return GDK_EVENT_PROPAGATE;
  if (c >= '0' && c <= '9')
    type_digit (self, c - '0');
  else if (c < 128 && g_ascii_isxdigit (c) && !self->entering_pin
           && self->staff_number->len < MAX_BADGE_TYPED)
    g_string_append_c (self->staff_number, (char) c);
  else if (keyval == GDK_KEY_BackSpace)
    on_keypad_delete_cb (self);
  else if ((keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter) && !self->entering_pin
           && self->action == ACTION_CHECK_IN && self->staff_number->len > 0)
    {
      say (self, _("Checking…"), FALSE);
      rb_client_service_identify_badge_async (service (self), self->staff_number->str,
                                              self->cancellable, on_badge_identified_cb,
                                              g_object_ref (self));
    }
  else if (keyval == GDK_KEY_Return || keyval == GDK_KEY_KP_Enter)
    on_keypad_submit_cb (self);
  else
    return GDK_EVENT_PROPAGATE;
  return GDK_EVENT_STOP;
}

/* ---- the language ---------------------------------------------------------------------- */

static const char *
current_language (void)
{
  /* TRANSLATORS: the two-letter code of your language. */
  return g_str_has_prefix (C_ ("language code of this translation", "en"), "de") ? "de" : "en";
}

/* The panel in another language: a panel window built in it takes this one's place, at
 * home, keeping the language the panel was set up in for the idle reset. The choice is not
 * saved. FALSE when this window stays (no application, or no such locale). */
static gboolean
switch_language (RbPanelWindow *self, const char *language)
{
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));
  RbPanelWindow *fresh;
  int width, height;

  if (app == NULL || !rb_application_use_language (RB_APPLICATION (app), language))
    return FALSE;
  fresh = rb_panel_window_new (RB_APPLICATION (app), self->context, self->space_id);
  g_free (fresh->default_language);
  fresh->default_language = g_strdup (self->default_language);
  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  gtk_window_set_default_size (GTK_WINDOW (fresh), width, height);
  if (gtk_window_is_fullscreen (GTK_WINDOW (self)))
    gtk_window_fullscreen (GTK_WINDOW (fresh));
  if (rb_kiosk_lockdown_is_attached (GTK_WINDOW (self)))
    rb_kiosk_lockdown_attach (app, GTK_WINDOW (fresh));
  gtk_window_present (GTK_WINDOW (fresh));
  /* This may run in the tick itself, which must not come again for a window gone. */
  g_clear_handle_id (&self->tick_source, g_source_remove);
  self->unlocked = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
  return TRUE;
}

static void
on_language_clicked_cb (RbPanelWindow *self)
{
  switch_language (self, g_object_get_data (G_OBJECT (self->language_button), "rb-language"));
}

/* ---- time, the feed, the connection ----------------------------------------------------- */

static void
update_clock (RbPanelWindow *self)
{
  g_autofree char *time = rb_context_format_time (self->context, now (self));

  gtk_label_set_label (self->clock_label, time);
}

static gboolean
on_tick_cb (gpointer user_data)
{
  RbPanelWindow *self = user_data;
  gint64 minute = now (self) / 60;

  update_clock (self);
  /* The states change with the minute; the buttons are not rebuilt under a finger. */
  if (minute != self->last_minute && g_str_equal (gtk_stack_get_visible_child_name (self->stack),
                                                  "home"))
    {
      self->last_minute = minute;
      update (self);
    }
  /* Nobody there any more: back home, in the panel's own language. The window may be
   * replaced by then, so nothing of it is touched after. */
  if ((g_str_equal (gtk_stack_get_visible_child_name (self->stack), "identify")
       || g_strcmp0 (self->default_language, current_language ()) != 0)
      && g_get_monotonic_time () - self->last_activity > IDLE_SECONDS * G_USEC_PER_SEC)
    rb_panel_window_reset (self);
  return G_SOURCE_CONTINUE;
}

static void
on_service_changed_cb (RbPanelWindow *self)
{
  reload (self);
}

static void
on_online_changed_cb (RbPanelWindow *self)
{
  gboolean online = rb_client_service_get_online (service (self));

  if (online)
    self->offline_since = 0;
  else if (self->offline_since == 0)
    self->offline_since = now (self);
  update (self);
}

/* A click, however it came (a tap, or an assistive technology's action): somebody is at
 * the door. */
static void
note_activity (RbPanelWindow *self)
{
  self->last_activity = g_get_monotonic_time ();
}

static gboolean
on_close_request_cb (RbPanelWindow *self)
{
  /* Like the kiosk, a panel is not closed by a passer-by: only an administrator's PIN
   * (which sets unlocked) closes it. */
  return !self->unlocked;
}

/* ---- GObject ---------------------------------------------------------------------------- */

/* Landscape: the state beside what can be done (and the keypad); portrait: under it, one
 * big button a line, and the clock and the buttons under the room's name, which needs the
 * whole width of a narrow screen. */
static void
lay_out (RbPanelWindow *self, int width, int height)
{
  gboolean portrait = height > width;
  GtkOrientation wanted = portrait ? GTK_ORIENTATION_VERTICAL : GTK_ORIENTATION_HORIZONTAL;
  GtkBox *tools_in = portrait ? self->tools_bar : self->top_bar;

  if (gtk_widget_get_parent (GTK_WIDGET (self->tools_box)) != GTK_WIDGET (tools_in))
    {
      g_object_ref (self->tools_box);
      gtk_box_remove (portrait ? self->top_bar : self->tools_bar, GTK_WIDGET (self->tools_box));
      gtk_box_append (tools_in, GTK_WIDGET (self->tools_box));
      g_object_unref (self->tools_box);
      gtk_widget_set_visible (GTK_WIDGET (self->tools_bar), portrait);
    }

  if (gtk_orientable_get_orientation (GTK_ORIENTABLE (self->content_box)) == wanted)
    return;
  gtk_orientable_set_orientation (GTK_ORIENTABLE (self->content_box), wanted);
  gtk_box_set_homogeneous (self->content_box, !portrait);
  gtk_flow_box_set_max_children_per_line (self->book_box, portrait ? 1 : 2);
  gtk_flow_box_set_max_children_per_line (self->action_box, portrait ? 1 : 2);
}

/* Laid out for the size the window is given before it is first measured: a portrait panel
 * measured as a landscape one would ask to be wider than its screen. */
static void
on_default_size_cb (RbPanelWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  if (width > 0 && height > 0)
    lay_out (self, width, height);
}

static void
rb_panel_window_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  lay_out (RB_PANEL_WINDOW (widget), width, height);
  GTK_WIDGET_CLASS (rb_panel_window_parent_class)->size_allocate (widget, width, height, baseline);
}

static void
rb_panel_window_constructed (GObject *object)
{
  RbPanelWindow *self = RB_PANEL_WINDOW (object);
  gboolean german;

  G_OBJECT_CLASS (rb_panel_window_parent_class)->constructed (object);

  /* The button names the language it switches to, in that language. */
  german = g_str_equal (current_language (), "de");
  gtk_button_set_label (self->language_button, german ? "English" : "Deutsch");
  g_object_set_data (G_OBJECT (self->language_button), "rb-language", german ? "en" : "de");
  rb_accessible_set_label (GTK_WIDGET (self->language_button),
                           german ? "Switch to English" : "Auf Deutsch umschalten");
  self->default_language = g_strdup (current_language ());
  self->last_activity = g_get_monotonic_time ();
  self->activity_watch
      = rb_activity_watch_new (GTK_WIDGET (self), G_CALLBACK (note_activity), self);

  gtk_label_set_label (self->room_label, self->space_id);
  update_clock (self);
  self->last_minute = now (self) / 60;
  if (!rb_client_service_get_online (service (self)))
    self->offline_since = now (self);
  self->tick_source = g_timeout_add_seconds (1, on_tick_cb, self);
  g_signal_connect_object (service (self), "changed", G_CALLBACK (on_service_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (service (self), "notify::online", G_CALLBACK (on_online_changed_cb),
                           self, G_CONNECT_SWAPPED);
  reload (self);
}

static void
rb_panel_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbPanelWindow *self = RB_PANEL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_SPACE_ID:
      g_value_set_string (value, self->space_id);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_panel_window_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  RbPanelWindow *self = RB_PANEL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_SPACE_ID:
      self->space_id = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_panel_window_dispose (GObject *object)
{
  RbPanelWindow *self = RB_PANEL_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_source, g_source_remove);
  g_clear_pointer (&self->activity_watch, rb_activity_watch_free);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_PANEL_WINDOW);
  forget_person (self);
  g_clear_object (&self->space);
  g_clear_pointer (&self->blocks, g_ptr_array_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (rb_panel_window_parent_class)->dispose (object);
}

static void
rb_panel_window_finalize (GObject *object)
{
  RbPanelWindow *self = RB_PANEL_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->bookings);
  g_string_free (self->staff_number, TRUE);
  g_string_free (self->pin, TRUE);
  g_free (self->space_id);
  g_free (self->default_language);

  G_OBJECT_CLASS (rb_panel_window_parent_class)->finalize (object);
}

static void
rb_panel_window_class_init (RbPanelWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_panel_window_constructed;
  object_class->dispose = rb_panel_window_dispose;
  object_class->finalize = rb_panel_window_finalize;
  object_class->get_property = rb_panel_window_get_property;
  object_class->set_property = rb_panel_window_set_property;
  widget_class->size_allocate = rb_panel_window_size_allocate;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPACE_ID] =
      g_param_spec_string ("space-id", NULL, NULL, NULL,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_KEYPAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-panel-window.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, RbPanelWindow, name)
  BIND (top_bar);
  BIND (tools_box);
  BIND (tools_bar);
  BIND (room_label);
  BIND (clock_label);
  BIND (language_button);
  BIND (offline_label);
  BIND (content_box);
  BIND (state_box);
  BIND (state_icon);
  BIND (state_word);
  BIND (now_label);
  BIND (next_label);
  BIND (message_label);
  BIND (stack);
  BIND (book_title);
  BIND (book_box);
  BIND (action_box);
  BIND (identify_title);
  BIND (identify_value);
  BIND (keypad);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, on_keypad_digit_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_keypad_delete_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_keypad_submit_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_language_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_admin_clicked_cb);
}

static void
rb_panel_window_init (RbPanelWindow *self)
{
  GtkEventController *keys = gtk_event_controller_key_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->bookings = g_ptr_array_new_with_free_func (g_object_unref);
  self->staff_number = g_string_new (NULL);
  self->pin = g_string_new (NULL);
  rb_stack_hide_other_pages (self->stack);

  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  g_signal_connect (self, "close-request", G_CALLBACK (on_close_request_cb), NULL);
  g_signal_connect (self, "notify::default-width", G_CALLBACK (on_default_size_cb), NULL);
  g_signal_connect (self, "notify::default-height", G_CALLBACK (on_default_size_cb), NULL);
}

RbPanelWindow *
rb_panel_window_new (RbApplication *application, RbContext *context, const char *space_id)
{
  return g_object_new (RB_TYPE_PANEL_WINDOW, "application", application, "context", context,
                       "space-id", space_id, NULL);
}

const char *
rb_panel_window_get_space_id (RbPanelWindow *self)
{
  g_return_val_if_fail (RB_IS_PANEL_WINDOW (self), NULL);
  return self->space_id;
}

const char *
rb_panel_window_get_screen (RbPanelWindow *self)
{
  g_return_val_if_fail (RB_IS_PANEL_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
rb_panel_window_get_dimmed (RbPanelWindow *self)
{
  g_return_val_if_fail (RB_IS_PANEL_WINDOW (self), FALSE);
  return self->dimmed;
}

/* Back to how the panel was set up: home, nobody typing, its own language (a new window
 * then takes this one's place, which must not be touched after). */
void
rb_panel_window_reset (RbPanelWindow *self)
{
  g_return_if_fail (RB_IS_PANEL_WINDOW (self));

  say (self, "", FALSE);
  go_home (self);
  self->last_activity = g_get_monotonic_time ();
  if (g_strcmp0 (self->default_language, current_language ()) != 0)
    switch_language (self, self->default_language);
}
