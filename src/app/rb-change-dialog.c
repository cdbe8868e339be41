/* rb-change-dialog.c: the Change Booking dialog (see rb-change-dialog.h). The times are the
 * day's 15-minute slots inside the opening hours; the rules are checked where the booking
 * lives (the store, or the server with the version the person saw), and a refusal is shown
 * here in words, the booking left as it was. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-change-dialog.h"
#include "rb-space-row.h"
#include "rb-widget-util.h"

struct _RbChangeDialog
{
  AdwWindow parent_instance;

  /* template widgets */
  GtkLabel *summary_label;
  GtkDropDown *from_dropdown;
  GtkDropDown *to_dropdown;
  GtkBox *title_box;
  GtkEntry *title_entry;
  GtkLabel *error_label;

  /* owned */
  RbContext *context;
  RbBooking *booking;
  GCancellable *cancellable;
  GArray *slot_minutes;
  int year, month, day;
};

G_DEFINE_FINAL_TYPE (RbChangeDialog, rb_change_dialog, ADW_TYPE_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_BOOKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gint64
at_minute (RbChangeDialog *self, int minute)
{
  return rb_local_to_utc (rb_context_get_time_zone (self->context), self->year, self->month,
                          self->day, minute / 60, minute % 60);
}

static int
minute_of (RbChangeDialog *self, gint64 instant)
{
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, rb_context_get_time_zone (self->context));

  return g_date_time_get_hour (local) * 60 + g_date_time_get_minute (local);
}

static guint
slot_index (RbChangeDialog *self, int minute)
{
  for (guint i = 0; i < self->slot_minutes->len; i++)
    if (g_array_index (self->slot_minutes, int, i) >= minute)
      return i;
  return self->slot_minutes->len - 1;
}

/* Opens the lists at the booking's own times. */
void
rb_change_dialog_select (RbChangeDialog *self, int from_minute, int to_minute)
{
  g_return_if_fail (RB_IS_CHANGE_DIALOG (self));

  gtk_drop_down_set_selected (self->from_dropdown, MIN (slot_index (self, from_minute),
                                                        self->slot_minutes->len - 2));
  gtk_drop_down_set_selected (self->to_dropdown, MAX (slot_index (self, to_minute), 1) - 1);
}

static void
on_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbChangeDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (RbBooking) booking = rb_client_service_booking_finish (RB_CLIENT_SERVICE (source),
                                                                    result, &error);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "change.save", TRUE);
  if (booking == NULL)
    {
      g_autofree char *text = NULL;

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      text = g_error_matches (error, RB_ERROR, RB_ERROR_STALE_VERSION)
                 ? g_strdup (_("Someone changed this booking meanwhile. Close this window and "
                               "look at it again."))
                 : rb_context_describe_error (self->context, error);
      gtk_label_set_label (self->error_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_activate_action (GTK_WIDGET (gtk_window_get_transient_for (GTK_WINDOW (self))),
                              "win.toast", "s", _("Booking changed"));
  gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbChangeDialog *self = RB_CHANGE_DIALOG (widget);
  int from = g_array_index (self->slot_minutes, int, gtk_drop_down_get_selected (self->from_dropdown));
  int to = g_array_index (self->slot_minutes, int, gtk_drop_down_get_selected (self->to_dropdown) + 1);
  const char *title = gtk_widget_get_visible (GTK_WIDGET (self->title_box))
                          ? gtk_editable_get_text (GTK_EDITABLE (self->title_entry))
                          : NULL;

  if (to <= from)
    {
      gtk_label_set_label (self->error_label, rb_error_code_message (RB_ERROR_INVALID_INTERVAL));
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_action_set_enabled (widget, "change.save", FALSE);
  rb_client_service_update_booking_async (rb_context_get_service (self->context), self->booking,
                                          rb_interval_make (at_minute (self, from),
                                                            at_minute (self, to)),
                                          title, self->cancellable, on_saved_cb,
                                          g_object_ref (self));
}

static GtkStringList *
slot_labels (RbChangeDialog *self, guint first, guint last)
{
  GtkStringList *labels = gtk_string_list_new (NULL);

  for (guint i = first; i <= last; i++)
    {
      g_autofree char *label = rb_context_format_time (
          self->context, at_minute (self, g_array_index (self->slot_minutes, int, i)));
      gtk_string_list_append (labels, label);
    }
  return labels;
}

static void
rb_change_dialog_constructed (GObject *object)
{
  RbChangeDialog *self = RB_CHANGE_DIALOG (object);
  RbPolicy policy = rb_context_get_policy (self->context);
  RbInterval interval = rb_booking_get_interval (self->booking);
  g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (interval.start);
  g_autoptr (GDateTime) local = g_date_time_to_timezone (utc, rb_context_get_time_zone (self->context));
  g_autoptr (GtkStringList) from_labels = NULL;
  g_autoptr (GtkStringList) to_labels = NULL;
  g_autofree char *name = rb_space_format_name (rb_booking_get_space_kind (self->booking),
                                                rb_booking_get_space_name (self->booking));
  g_autofree char *when = rb_context_format_interval (self->context, interval);
  g_autofree char *summary = NULL;

  G_OBJECT_CLASS (rb_change_dialog_parent_class)->constructed (object);

  self->year = g_date_time_get_year (local);
  self->month = g_date_time_get_month (local);
  self->day = g_date_time_get_day_of_month (local);
  for (int minute = policy.opening_minute; minute <= policy.closing_minute; minute += 15)
    g_array_append_val (self->slot_minutes, minute);
  from_labels = slot_labels (self, 0, self->slot_minutes->len - 2);
  to_labels = slot_labels (self, 1, self->slot_minutes->len - 1);
  gtk_drop_down_set_model (self->from_dropdown, G_LIST_MODEL (from_labels));
  gtk_drop_down_set_model (self->to_dropdown, G_LIST_MODEL (to_labels));
  rb_drop_down_open_at_selection (self->from_dropdown);
  rb_drop_down_open_at_selection (self->to_dropdown);
  rb_change_dialog_select (self, minute_of (self, interval.start), minute_of (self, interval.end));

  /* TRANSLATORS: the booking being changed: space, then its date and times now. */
  summary = g_strdup_printf (_("%s, now %s."), name, when);
  gtk_label_set_label (self->summary_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->title_box),
                          rb_booking_get_space_kind (self->booking) == RB_SPACE_KIND_ROOM);
  gtk_editable_set_text (GTK_EDITABLE (self->title_entry),
                         rb_booking_get_title (self->booking) ? rb_booking_get_title (self->booking)
                                                              : "");
}

static void
rb_change_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbChangeDialog *self = RB_CHANGE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_BOOKING:
      g_value_set_object (value, self->booking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_change_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  RbChangeDialog *self = RB_CHANGE_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_BOOKING:
      self->booking = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_change_dialog_dispose (GObject *object)
{
  RbChangeDialog *self = RB_CHANGE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_CHANGE_DIALOG);
  g_clear_object (&self->context);
  g_clear_object (&self->booking);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->slot_minutes, g_array_unref);

  G_OBJECT_CLASS (rb_change_dialog_parent_class)->dispose (object);
}

static void
rb_change_dialog_class_init (RbChangeDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_change_dialog_constructed;
  object_class->dispose = rb_change_dialog_dispose;
  object_class->get_property = rb_change_dialog_get_property;
  object_class->set_property = rb_change_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BOOKING] =
      g_param_spec_object ("booking", NULL, NULL, RB_TYPE_BOOKING,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-change-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, summary_label);
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, from_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, to_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, title_box);
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, title_entry);
  gtk_widget_class_bind_template_child (widget_class, RbChangeDialog, error_label);

  gtk_widget_class_install_action (widget_class, "change.save", NULL, save_action_cb);
  /* Escape closes, as it does every dialog. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
rb_change_dialog_init (RbChangeDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  self->slot_minutes = g_array_new (FALSE, FALSE, sizeof (int));
}

GtkWidget *
rb_change_dialog_new (RbContext *context, RbBooking *booking, GtkWindow *parent)
{
  return g_object_new (RB_TYPE_CHANGE_DIALOG, "context", context, "booking", booking,
                       "transient-for", parent, NULL);
}
