/* rb-bookings-page.c: lists the acting person's bookings and offers what can be done with
 * each: check in inside the check-in window, cancel while it has not ended. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-bookings-page.h"
#include "rb-space-row.h"

/* How far ahead "My bookings" looks: the longest booking horizon (team leads' rooms). */
#define LOOKAHEAD_DAYS 190

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
  /* server mode: outbox entries not yet done, by booking id */
  GHashTable *outbox;
};

G_DEFINE_FINAL_TYPE (RbBookingsPage, rb_bookings_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_error (RbBookingsPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static GtkWidget *
action_button (const char *label, const char *action, const char *booking_id,
               const char *accessible_label)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", booking_id);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  return button;
}

/* What the server made of a booking made here: pending until it answers, or rejected with
 * the reason. NULL for a booking the server has (or standalone). */
static RbOutboxEntry *
sync_entry (RbBookingsPage *self, RbBooking *booking)
{
  RbOutboxEntry *entry = self->outbox ? g_hash_table_lookup (self->outbox, rb_booking_get_id (booking)) : NULL;

  return entry != NULL && entry->operation == RB_OUTBOX_CREATE ? entry : NULL;
}

/* The state in words (and an icon), never by colour alone. */
static char *
describe_state (RbBookingsPage *self, RbBooking *booking, const char **out_icon)
{
  RbBookingState state = rb_booking_get_state (booking);
  RbOutboxEntry *entry = sync_entry (self, booking);

  if (entry != NULL && entry->state == RB_OUTBOX_PENDING)
    {
      *out_icon = "emblem-synchronizing-symbolic";
      return g_strdup (_("Pending — confirmed when the connection returns"));
    }
  if (entry != NULL && entry->state == RB_OUTBOX_REJECTED)
    {
      *out_icon = "dialog-error-symbolic";
      /* TRANSLATORS: a booking the server refused, with the reason. */
      return g_strdup_printf (_("Rejected: %s"), entry->last_error ? entry->last_error : "");
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

static GtkWidget *
make_row (RbBookingsPage *self, RbBooking *booking)
{
  RbBookingState state = rb_booking_get_state (booking);
  const char *icon = NULL;
  g_autofree char *state_text = describe_state (self, booking, &icon);
  RbInterval interval = rb_booking_get_interval (booking);
  gint64 now = rb_context_now (self->context);
  RbPolicy policy;
  GtkWidget *row = adw_action_row_new ();
  g_autofree char *when = rb_context_format_interval (self->context, interval);
  g_autofree char *subtitle = NULL;
  g_autofree char *title = rb_space_format_name (rb_booking_get_space_kind (booking),
                                                 rb_booking_get_space_name (booking));

  rb_store_get_policy (rb_context_get_store (self->context), &policy);

  if (rb_booking_get_title (booking) != NULL)
    subtitle = g_strdup_printf ("%s · %s · %s", when, state_text, rb_booking_get_title (booking));
  else
    subtitle = g_strdup_printf ("%s · %s", when, state_text);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));

  if (state == RB_BOOKING_STATE_BOOKED
      && rb_interval_contains (rb_policy_check_in_window (&policy, interval), now))
    {
      g_autofree char *label = g_strdup_printf (_("Check in to %s"), title);
      GtkWidget *button = action_button (_("Check _In"), "bookings.check-in",
                                         rb_booking_get_id (booking), label);
      gtk_widget_add_css_class (button, "suggested-action");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  if (rb_booking_state_is_active (state) && interval.end > now)
    {
      g_autofree char *label = g_strdup_printf (_("Cancel the booking of %s, %s"), title, when);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 action_button (_("_Cancel Booking"), "bookings.cancel",
                                                rb_booking_get_id (booking), label));
    }
  if (!rb_booking_state_is_active (state))
    gtk_widget_add_css_class (row, "dim-label");
  return row;
}

static void
on_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = rb_store_list_finish (RB_STORE (source), result, &error);
  GtkWidget *child;

  if (bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->booking_list))) != NULL)
    gtk_list_box_remove (self->booking_list, child);
  for (guint i = 0; i < bookings->len; i++)
    gtk_list_box_append (self->booking_list, make_row (self, g_ptr_array_index (bookings, i)));
  gtk_stack_set_visible_child_name (self->stack, bookings->len > 0 ? "list" : "empty");
}

static void list_bookings (RbBookingsPage *self);

static void
on_outbox_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = rb_sync_engine_list_outbox_finish (RB_SYNC_ENGINE (source),
                                                                      result, &error);

  if (entries == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  g_hash_table_remove_all (self->outbox);
  for (guint i = 0; i < entries->len; i++)
    {
      RbOutboxEntry *entry = g_ptr_array_index (entries, i);

      /* Only creates: a queued cancel or check-in shows in the booking's own state. */
      if (entry->operation == RB_OUTBOX_CREATE)
        g_hash_table_replace (self->outbox, entry->booking_id,
                              g_ptr_array_steal_index (entries, i--));
    }
  list_bookings (self);
}

static void
reload (RbBookingsPage *self)
{
  RbSyncEngine *engine = rb_context_get_sync_engine (self->context);

  if (engine != NULL && rb_context_get_person (self->context) != NULL)
    rb_sync_engine_list_outbox_async (engine, self->cancellable, on_outbox_loaded_cb,
                                      g_object_ref (self));
  else
    list_bookings (self);
}

static void
list_bookings (RbBookingsPage *self)
{
  RbPerson *person = rb_context_get_person (self->context);
  RbBookingQuery query = { 0 };
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  RbInterval today = rb_local_day (tz, rb_context_now (self->context));

  if (person == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }
  query.person_id = rb_person_get_id (person);
  query.range = rb_interval_make (today.start, today.start + LOOKAHEAD_DAYS * 86400);
  rb_store_list_bookings_async (rb_context_get_store (self->context), &query, self->cancellable,
                                on_loaded_cb, g_object_ref (self));
}

static void
finish_change (RbBookingsPage *self, RbBooking *booking, const GError *error)
{
  if (booking == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s",
                              rb_booking_get_state (booking) == RB_BOOKING_STATE_CANCELLED
                                  ? _("Booking cancelled")
                                  : _("Checked in"));
  rb_context_bookings_changed (self->context);
}

static void
on_changed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_store_booking_finish (RB_STORE (source), result, &error);

  finish_change (self, booking, error);
}

static void
on_changed_through_server_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBookingsPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_sync_engine_operation_finish (RB_SYNC_ENGINE (source), result,
                                                                   NULL, &error);

  finish_change (self, booking, error);
}

static void
cancel_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);
  RbPerson *person = rb_context_get_person (self->context);

  if (rb_context_get_sync_engine (self->context) != NULL)
    {
      rb_sync_engine_cancel_async (rb_context_get_sync_engine (self->context),
                                   g_variant_get_string (parameter, NULL), self->cancellable,
                                   on_changed_through_server_cb, g_object_ref (self));
      return;
    }
  rb_store_cancel_booking_async (rb_context_get_store (self->context),
                                 g_variant_get_string (parameter, NULL),
                                 person ? rb_person_get_id (person) : NULL, self->cancellable,
                                 on_changed_cb, g_object_ref (self));
}

static void
check_in_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (widget);
  RbPerson *person = rb_context_get_person (self->context);

  if (rb_context_get_sync_engine (self->context) != NULL)
    {
      rb_sync_engine_check_in_async (rb_context_get_sync_engine (self->context),
                                     g_variant_get_string (parameter, NULL), self->cancellable,
                                     on_changed_through_server_cb, g_object_ref (self));
      return;
    }
  rb_store_check_in_async (rb_context_get_store (self->context),
                           g_variant_get_string (parameter, NULL),
                           person ? rb_person_get_id (person) : NULL, self->cancellable,
                           on_changed_cb, g_object_ref (self));
}

static void
rb_bookings_page_constructed (GObject *object)
{
  RbBookingsPage *self = RB_BOOKINGS_PAGE (object);

  G_OBJECT_CLASS (rb_bookings_page_parent_class)->constructed (object);

  g_signal_connect_object (self->context, "bookings-changed", G_CALLBACK (reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::person", G_CALLBACK (reload), self,
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
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_BOOKINGS_PAGE);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->outbox, g_hash_table_unref);

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
}

static void
rb_bookings_page_init (RbBookingsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->outbox = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) rb_outbox_entry_free);
}

GtkWidget *
rb_bookings_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_BOOKINGS_PAGE, "context", context, NULL);
}
