/* rb-bookings-page.c: the signed-in person's bookings from today on, and what can be done
 * with each: check in inside the check-in window, change the times, cancel (with Undo), and
 * for the days of a series — grouped under the series — cancel one day, it and the
 * following days, or the whole series. Each booking says in words where it stands with the
 * server (pending, or rejected with the reason). Everyone can export their bookings as an
 * iCalendar file. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-bookings-page.h"

#include "rb-accessible.h"
#include "rb-change-dialog.h"
#include "rb-space-row.h"

struct _RbBookingsPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkStack *stack;
  GtkLabel *error_label;
  GtkListBox *booking_list;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *bookings;
  GtkFileChooserNative *chooser;
  guint busy;
  /* counts reloads: an answer to an earlier one is not shown */
  guint generation;
};

G_DEFINE_FINAL_TYPE (RbBookingsPage, rb_bookings_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void reload (RbBookingsPage *self);

static void
show_error (RbBookingsPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void
show_failure (RbBookingsPage *self, const GError *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = rb_context_describe_error (self->context, error);
  show_error (self, text);
}

static void
set_busy (RbBookingsPage *self, gboolean busy)
{
  self->busy += busy ? 1 : -1;
}

static RbBooking *
find_booking (RbBookingsPage *self, const char *booking_id)
{
  for (guint i = 0; self->bookings != NULL && i < self->bookings->len; i++)
    if (g_str_equal (rb_booking_get_id (g_ptr_array_index (self->bookings, i)), booking_id))
      return g_ptr_array_index (self->bookings, i);
  return NULL;
}

static GtkWidget *
action_button (const char *label, const char *action, const char *booking_id,
               const char *accessible_label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", booking_id);
  rb_accessible_set_label (button, accessible_label);
  return button;
}

/* The state in words (and an icon), never by colour alone. */
static char *
describe_state (RbBooking *booking, const char **out_icon)
{
  RbBookingState state = rb_booking_get_state (booking);

  switch (rb_booking_get_sync_state (booking))
    {
    case RB_SYNC_STATE_PENDING:
      *out_icon = "emblem-synchronizing-symbolic";
      return g_strdup (_("Pending — confirmed when the connection returns"));
    case RB_SYNC_STATE_REJECTED:
      *out_icon = "dialog-error-symbolic";
      /* TRANSLATORS: a booking the server refused, with the reason. */
      return g_strdup_printf (_("Rejected: %s"), rb_booking_get_sync_error (booking)
                                                    ? rb_booking_get_sync_error (booking)
                                                    : "");
    case RB_SYNC_STATE_SYNCED:
    default:
      break;
    }
  *out_icon = state == RB_BOOKING_STATE_CHECKED_IN ? "emblem-ok-symbolic"
              : rb_booking_state_is_active (state) ? "x-office-calendar-symbolic"
                                                   : "window-close-symbolic";
  /* A facility manager's block cancels with a reason, and the owner should read it. */
  if (state == RB_BOOKING_STATE_CANCELLED && rb_booking_get_cancel_reason (booking) != NULL)
    /* TRANSLATORS: a cancelled booking with the reason given when the space was blocked. */
    return g_strdup_printf (_("Cancelled: %s"), rb_booking_get_cancel_reason (booking));
  return g_strdup (rb_booking_state_label (state));
}

static gboolean
is_open (RbBookingsPage *self, RbBooking *booking)
{
  return rb_booking_state_is_active (rb_booking_get_state (booking))
         && rb_booking_get_sync_state (booking) != RB_SYNC_STATE_REJECTED
         && rb_booking_get_end (booking) > rb_context_now (self->context);
}

static GtkWidget *
make_row (RbBookingsPage *self, RbBooking *booking, gboolean in_series)
{
  RbBookingState state = rb_booking_get_state (booking);
  const char *icon = NULL;
  g_autofree char *state_text = describe_state (booking, &icon);
  RbInterval interval = rb_booking_get_interval (booking);
  RbPolicy policy = rb_context_get_policy (self->context);
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = rb_context_format_interval (self->context, interval);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = rb_space_format_name (rb_booking_get_space_kind (booking),
                                                 rb_booking_get_space_name (booking));
  const char *id = rb_booking_get_id (booking);

  if (rb_booking_get_title (booking) != NULL && !in_series)
    subtitle = g_strdup_printf ("%s · %s · %s", when, state_text, rb_booking_get_title (booking));
  else
    subtitle = g_strdup_printf ("%s · %s", when, state_text);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));

  if (state == RB_BOOKING_STATE_BOOKED
      && rb_booking_get_sync_state (booking) != RB_SYNC_STATE_REJECTED
      && rb_interval_contains (rb_policy_check_in_window (&policy, interval,
                                                          rb_booking_get_created_at (booking)),
                               rb_context_now (self->context)))
    {
      g_autofree char *label = g_strdup_printf (_("Check in to %s"), title);
      GtkWidget *button = action_button (_("Check _In"), "bookings.check-in", id, label);

      gtk_widget_add_css_class (button, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  if (is_open (self, booking) && in_series)
    {
      g_autofree char *one = g_strdup_printf (_("Cancel %s on %s"), title, when);
      g_autofree char *following = g_strdup_printf (_("Cancel %s on %s and every later day"),
                                                    title, when);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("Cancel _Day"), "bookings.cancel-day", id, one));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("Cancel _Following"),
                                                "bookings.cancel-following", id, following));
    }
  else if (is_open (self, booking))
    {
      g_autofree char *change = g_strdup_printf (_("Change the booking of %s, %s"), title, when);
      g_autofree char *cancel = g_strdup_printf (_("Cancel the booking of %s, %s"), title, when);

      if (state == RB_BOOKING_STATE_BOOKED
          && rb_booking_get_sync_state (booking) == RB_SYNC_STATE_SYNCED)
        adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                   action_button (_("C_hange…"), "bookings.change", id, change));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("_Cancel Booking"), "bookings.cancel", id,
                                                cancel));
    }
  if (!rb_booking_state_is_active (state))
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

/* The days of one series under one expandable row, with Cancel Series. */
static GtkWidget *
make_series_row (RbBookingsPage *self, GPtrArray *days)
{
  RbBooking *first = g_ptr_array_index (days, 0);
  GtkWidget *expander = adw_expander_row_new ();
  g_autofree char *space = rb_space_format_name (rb_booking_get_space_kind (first),
                                                 rb_booking_get_space_name (first));
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  guint open = 0;

  for (guint i = 0; i < days->len; i++)
    open += is_open (self, g_ptr_array_index (days, i));
  title = rb_booking_get_title (first) != NULL
              /* TRANSLATORS: a series in My Bookings: its title, then the room. */
              ? g_strdup_printf (_("%s — %s"), rb_booking_get_title (first), space)
              : g_strdup (space);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Series, %u day ahead",
                                           "Series, %u days ahead", open),
                              open);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (expander), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (expander), subtitle);
  adw_expander_row_add_prefix (ADW_EXPANDER_ROW (expander),
                               gtk_image_new_from_icon_name ("view-list-symbolic"));
  if (open > 0)
    {
      g_autofree char *label = g_strdup_printf (_("Cancel every day of %s"), title);
      GtkWidget *button = action_button (_("Cancel _Series"), "bookings.cancel-series",
                                         rb_booking_get_id (first), label);

      gtk_widget_add_css_class (button, "destructive-action");
      adw_expander_row_add_action (ADW_EXPANDER_ROW (expander), button);
    }
  for (guint i = 0; i < days->len; i++)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (expander),
                              make_row (self, g_ptr_array_index (days, i), TRUE));
  return expander;
}

static void
clear_list (RbBookingsPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->booking_list))) != NULL)
    gtk_list_box_remove (self->booking_list, child);
}

static void
fill_list (RbBookingsPage *self)
{
  g_autoptr (GHashTable) series = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) g_ptr_array_unref);
  g_autoptr (GHashTable) shown = g_hash_table_new (g_str_hash, g_str_equal);

  clear_list (self);
  for (guint i = 0; i < self->bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (self->bookings, i);
      const char *series_id = rb_booking_get_series_id (booking);
      GPtrArray *days;

      if (series_id == NULL)
        continue;
      if ((days = g_hash_table_lookup (series, series_id)) == NULL)
        g_hash_table_insert (series, (gpointer) series_id, days = g_ptr_array_new ());
      g_ptr_array_add (days, booking);
    }
  /* In order of time; a series where its first day is. */
  for (guint i = 0; i < self->bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (self->bookings, i);
      const char *series_id = rb_booking_get_series_id (booking);

      if (series_id == NULL)
        gtk_list_box_append (self->booking_list, make_row (self, booking, FALSE));
      else if (g_hash_table_add (shown, (gpointer) series_id))
        gtk_list_box_append (self->booking_list,
                             make_series_row (self, g_hash_table_lookup (series, series_id)));
    }
  gtk_stack_set_visible_child_name (self->stack, self->bookings->len > 0 ? "list" : "empty");
}

typedef struct
{
  RbBookingsPage *page;
  guint generation;
} Load;

static void
load_free (Load *load)
{
  g_object_unref (load->page);
  g_free (load);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Load, load_free)

/* Only the answer to the latest reload is shown: an earlier one may be another person's
 * (signed out, or switched, while it was on its way). */
static void
on_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (Load) load = user_data;
  RbBookingsPage *self = load->page;
  g_autoptr (GError) error = NULL;
  GPtrArray *bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);

  if (load->generation != self->generation)
    {
      g_clear_pointer (&bookings, g_ptr_array_unref);
      return;
    }
  if (bookings == NULL)
    {
      show_failure (self, error);
      return;
    }
  g_clear_pointer (&self->bookings, g_ptr_array_unref);
  self->bookings = bookings;
  fill_list (self);
}

static void
reload (RbBookingsPage *self)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  RbInterval today = rb_local_day (tz, rb_context_now (self->context));
  Load *load;

  self->generation++;
  if (rb_context_get_person (self->context) == NULL)
    {
      /* Nothing of the person who left stays behind, shown or not. */
      g_clear_pointer (&self->bookings, g_ptr_array_unref);
      clear_list (self);
      show_error (self, NULL);
      gtk_stack_set_visible_child_name (self->stack, "signed-out");
      return;
    }
  load = g_new0 (Load, 1);
  load->page = g_object_ref (self);
  load->generation = self->generation;
  rb_client_service_list_my_bookings_async (
      rb_context_get_service (self->context), NULL,
      rb_interval_make (today.start,
                        today.start + RB_CLIENT_SERVICE_LOOKAHEAD_DAYS * (gint64) 86400),
      self->cancellable, on_loaded_cb, load);
}

/* Another person's bookings and errors are not this one's. */
static void
on_person_changed_cb (RbBookingsPage *self)
{
  show_error (self, NULL);
  reload (self);
}

/* ---- changing ----------------------------------------------------------------------------- */

static void
on_undone_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);

  set_busy (self, FALSE);
  if (booking == NULL)
    {
      show_failure (self, error);
      return;
    }
  show_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Booking restored"));
}

/* Undo books the same space and time again (a new booking: in the meantime someone else may
 * have taken it, and then the error says so). */
static void
on_undo_clicked_cb (AdwToast *toast, RbBookingsPage *self)
{
  RbBooking *cancelled = g_object_get_data (G_OBJECT (toast), "rb-booking");
  g_autofree char *id = rb_booking_new_id ();
  g_autoptr (RbBooking) request = rb_booking_new (id, rb_booking_get_space_id (cancelled), NULL,
                                                  rb_booking_get_interval (cancelled));

  rb_booking_set_title (request, rb_booking_get_title (cancelled));
  rb_booking_set_attendees (request, rb_booking_get_attendees (cancelled));
  set_busy (self, TRUE);
  rb_client_service_create_booking_async (rb_context_get_service (self->context), NULL, request,
                                          self->cancellable, on_undone_cb, g_object_ref (self));
}

static void
on_cancelled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);
  GtkWidget *overlay;
  AdwToast *toast;

  set_busy (self, FALSE);
  if (booking == NULL)
    {
      show_failure (self, error);
      return;
    }
  show_error (self, NULL);
  toast = adw_toast_new (_("Booking cancelled"));
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 8);
  g_object_set_data_full (G_OBJECT (toast), "rb-booking", g_object_ref (booking), g_object_unref);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_clicked_cb), self, 0);
  overlay = gtk_widget_get_ancestor (GTK_WIDGET (self), ADW_TYPE_TOAST_OVERLAY);
  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}

static void
on_checked_in_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);

  set_busy (self, FALSE);
  if (booking == NULL)
    {
      show_failure (self, error);
      return;
    }
  show_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", _("Checked in"));
}

static void
cancel_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);

  set_busy (self, TRUE);
  rb_client_service_cancel_booking_async (rb_context_get_service (self->context),
                                          g_variant_get_string (parameter, NULL),
                                          self->cancellable, on_cancelled_cb, g_object_ref (self));
}

static void
check_in_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);

  set_busy (self, TRUE);
  rb_client_service_check_in_async (rb_context_get_service (self->context), NULL,
                                    g_variant_get_string (parameter, NULL), self->cancellable,
                                    on_checked_in_cb, g_object_ref (self));
}

static void
change_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);
  RbBooking *booking = find_booking (self, g_variant_get_string (parameter, NULL));
  GtkRoot *root = gtk_widget_get_root (widget);

  if (booking != NULL)
    gtk_window_present (GTK_WINDOW (rb_change_dialog_new (self->context, booking,
                                                          GTK_WINDOW (root))));
}

static void
on_series_cancelled_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) cancelled = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                   result, &error);
  g_autofree char *message = NULL;

  set_busy (self, FALSE);
  if (cancelled == NULL)
    {
      show_failure (self, error);
      return;
    }
  show_error (self, NULL);
  message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cancelled %u day.",
                                          "Cancelled %u days.", cancelled->len),
                             cancelled->len);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
cancel_in_series (RbBookingsPage *self, GVariant *parameter, RbSeriesCancelScope scope)
{
  RbBooking *booking = find_booking (self, g_variant_get_string (parameter, NULL));

  if (booking == NULL || rb_booking_get_series_id (booking) == NULL)
    return;
  set_busy (self, TRUE);
  rb_client_service_cancel_series_async (rb_context_get_service (self->context),
                                         rb_booking_get_series_id (booking),
                                         scope == RB_SERIES_CANCEL_ALL ? NULL
                                                                       : rb_booking_get_id (booking),
                                         scope, self->cancellable, on_series_cancelled_cb,
                                         g_object_ref (self));
}

static void
cancel_day_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cancel_in_series (RB_BOOKINGS_PAGE (widget), parameter, RB_SERIES_CANCEL_ONE);
}

static void
cancel_following_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cancel_in_series (RB_BOOKINGS_PAGE (widget), parameter, RB_SERIES_CANCEL_FOLLOWING);
}

static void
cancel_series_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  cancel_in_series (RB_BOOKINGS_PAGE (widget), parameter, RB_SERIES_CANCEL_ALL);
}

/* ---- .ics export ------------------------------------------------------------------------ */

static void
on_ics_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  set_busy (self, FALSE);
  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      show_failure (self, error);
      return;
    }
  name = g_file_get_basename (G_FILE (source));
  /* TRANSLATORS: after the calendar export, with the file's name. */
  message = g_strdup_printf (_("Saved %s"), name);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
on_ics_made_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbBookingsPage *self = g_task_get_source_object (task);
  GFile *file = g_task_get_task_data (task);
  g_autoptr (GError) error = NULL;
  char *text = rb_client_service_export_ical_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GBytes) bytes = NULL;

  if (text == NULL)
    {
      set_busy (self, FALSE);
      show_failure (self, error);
      return;
    }
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       self->cancellable, on_ics_written_cb, g_object_ref (self));
}

/* Writes the person's bookings from today on to file as iCalendar. */
void
rb_bookings_page_export_ics (RbBookingsPage *self, GFile *file)
{
  GTask *task;

  g_return_if_fail (RB_IS_BOOKINGS_PAGE (self));
  task = g_task_new (self, self->cancellable, NULL, NULL);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  set_busy (self, TRUE);
  rb_client_service_export_ical_async (rb_context_get_service (self->context), _("Raumbuch"),
                                       self->cancellable, on_ics_made_cb, task);
}

static void
on_chooser_response_cb (RbBookingsPage *self, int response, GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        rb_bookings_page_export_ics (self, file);
    }
  g_clear_object (&self->chooser);
}

static void
export_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();
  GtkRoot *root = gtk_widget_get_root (widget);

  if (self->chooser != NULL)
    return;
  self->chooser = gtk_file_chooser_native_new (_("Export Bookings"), GTK_WINDOW (root),
                                               GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
                                               _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Calendar Files"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_filter_add_suffix (filter, "ics");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->chooser), filter);
  /* TRANSLATORS: the suggested file name of the calendar export; keep ".ics". */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), _("bookings.ics"));
  g_signal_connect_object (self->chooser, "response", G_CALLBACK (on_chooser_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_bookings_page_constructed (GObject *object)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (object);
  RbClientService *service;

  G_OBJECT_CLASS (rb_bookings_page_parent_class)->constructed (object);

  service = rb_context_get_service (self->context);
  g_signal_connect_object (service, "changed", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::person", G_CALLBACK (on_person_changed_cb), self,
                           G_CONNECT_SWAPPED);
  reload (self);
}

static void
rb_bookings_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (object);

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
rb_bookings_page_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (object);

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
rb_bookings_page_dispose (GObject *object)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_BOOKINGS_PAGE);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->bookings, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_bookings_page_parent_class)->dispose (object);
}

static void
rb_bookings_page_class_init (RbBookingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_bookings_page_constructed;
  object_class->dispose = rb_bookings_page_dispose;
  object_class->get_property = rb_bookings_page_get_property;
  object_class->set_property = rb_bookings_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-bookings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbBookingsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, RbBookingsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbBookingsPage, booking_list);

  gtk_widget_class_install_action (widget_class, "bookings.cancel", "s", cancel_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.check-in", "s", check_in_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.change", "s", change_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.cancel-day", "s",
                                   cancel_day_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.cancel-following", "s",
                                   cancel_following_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.cancel-series", "s",
                                   cancel_series_action_cb);
  gtk_widget_class_install_action (widget_class, "bookings.export", NULL, export_action_cb);
}

static void
rb_bookings_page_init (RbBookingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_bookings_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_BOOKINGS_PAGE, "context", context, NULL);
}

/* TRUE while a change or an export is under way. */
gboolean
rb_bookings_page_is_busy (RbBookingsPage *self)
{
  g_return_val_if_fail (RB_IS_BOOKINGS_PAGE (self), FALSE);
  return self->busy > 0;
}
