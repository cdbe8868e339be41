/* rb-block-dialog.c: see rb-block-dialog.h. The affected bookings are looked up on the
 * store's thread whenever the space or the days change; a newer lookup supersedes an older
 * one, and the dialog's cancellable ends them when it closes. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-block-dialog.h"
#include "rb-date-picker.h"
#include "rb-space-row.h"

struct _RbBlockDialog
{
  AdwMessageDialog parent_instance;

  /* template widgets */
  GtkDropDown *floor_dropdown;
  GtkDropDown *space_dropdown;
  GtkMenuButton *start_button;
  GtkPopover *start_popover;
  RbDatePicker *start_calendar;
  GtkMenuButton *end_button;
  GtkPopover *end_popover;
  RbDatePicker *end_calendar;
  GtkEntry *reason_entry;
  GtkLabel *affected_label;
  GtkListBox *affected_list;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GPtrArray *floors;
  GPtrArray *spaces;
  GDate start_day;
  GDate end_day;
  guint generation;
  guint pending;
  guint n_affected;
};

G_DEFINE_FINAL_TYPE (RbBlockDialog, rb_block_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ---------------------------------------------------------------------------- */

static void
update_block_enabled (RbBlockDialog *self)
{
  gboolean ready = rb_block_dialog_get_space_id (self) != NULL
                   && *rb_block_dialog_get_reason (self) != '\0'
                   && g_date_compare (&self->end_day, &self->start_day) >= 0
                   && self->pending == 0;

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "block", ready);
}

static void
set_button_date (RbBlockDialog *self, GtkMenuButton *button, const GDate *date)
{
  GTimeZone *tz = rb_context_get_time_zone (self->context);
  RbInterval day = rb_local_day_of_date (tz, g_date_get_year (date), g_date_get_month (date),
                                         g_date_get_day (date));
  g_autofree char *label = rb_time_format_local (tz, day.start,
                                                 C_ ("date with year", "%a %-e %b %Y"));
  g_autoptr (GDateTime) noon = g_date_time_new_local (
      g_date_get_year (date), g_date_get_month (date), g_date_get_day (date), 12, 0, 0);
  g_autofree char *day_words = rb_date_picker_format_day (noon);
  g_autofree char *spoken = g_strdup_printf (
      button == self->start_button ? _("First day: %s") : _("Last day: %s"), day_words);

  gtk_menu_button_set_label (button, label);
  rb_date_picker_label_button (button, spoken);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* ---- the affected bookings -------------------------------------------------------------- */

typedef struct
{
  RbBlockDialog *dialog;
  guint generation;
} Lookup;

static void
on_affected_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autofree Lookup *lookup = user_data;
  g_autoptr (RbBlockDialog) self = lookup->dialog;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) bookings = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                  result, &error);
  g_autofree char *summary = NULL;

  self->pending--;
  if (lookup->generation != self->generation)
    return;
  update_block_enabled (self);
  clear_list (self->affected_list);
  if (bookings == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *text = rb_context_describe_error (self->context, error);
          gtk_label_set_label (self->affected_label, text);
        }
      return;
    }

  self->n_affected = bookings->len;
  if (bookings->len == 0)
    summary = g_strdup (_("No booking is in the way."));
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                            "%u booking will be cancelled:",
                                            "%u bookings will be cancelled:", bookings->len),
                               bookings->len);
  gtk_label_set_label (self->affected_label, summary);
  gtk_widget_set_visible (GTK_WIDGET (self->affected_list), bookings->len > 0);
  /* When and where only: facility managers do not see who booked. */
  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *booking = g_ptr_array_index (bookings, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = rb_context_format_interval (self->context,
                                                          rb_booking_get_interval (booking));

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), when);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   rb_booking_state_label (rb_booking_get_state (booking)));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                                 gtk_image_new_from_icon_name ("x-office-calendar-symbolic"));
      gtk_list_box_append (self->affected_list, row);
    }
}

static void
look_up_affected (RbBlockDialog *self)
{
  const char *space_id = rb_block_dialog_get_space_id (self);
  Lookup *lookup;

  self->generation++;
  self->n_affected = 0;
  clear_list (self->affected_list);
  gtk_widget_set_visible (GTK_WIDGET (self->affected_list), FALSE);
  if (space_id == NULL || g_date_compare (&self->end_day, &self->start_day) < 0)
    {
      gtk_label_set_label (self->affected_label,
                           space_id ? _("The last day is before the first day.") : "");
      update_block_enabled (self);
      return;
    }
  lookup = g_new0 (Lookup, 1);
  lookup->dialog = g_object_ref (self);
  lookup->generation = self->generation;
  self->pending++;
  update_block_enabled (self);
  rb_client_service_preview_block_async (rb_context_get_service (self->context), space_id,
                                         rb_block_dialog_get_interval (self), self->cancellable,
                                         on_affected_loaded_cb, lookup);
}

/* ---- choosing --------------------------------------------------------------------------- */

static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBlockDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  if (spaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->affected_label, error->message);
      return;
    }
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  self->spaces = spaces;
  for (guint i = 0; i < spaces->len; i++)
    {
      g_autofree char *name = rb_space_dup_display_name (g_ptr_array_index (spaces, i));
      gtk_string_list_append (names, name);
    }
  gtk_drop_down_set_model (self->space_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->space_dropdown, 0);
  look_up_affected (self);
}

static void
on_floor_selected_cb (RbBlockDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->floor_dropdown);

  if (self->floors == NULL || selected >= self->floors->len)
    return;
  rb_client_service_list_spaces_async (rb_context_get_service (self->context),
                                       rb_floor_get_id (g_ptr_array_index (self->floors, selected)),
                                       self->cancellable, on_spaces_loaded_cb,
                                       g_object_ref (self));
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBlockDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  GPtrArray *floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source), result, &error);
  g_autoptr (GtkStringList) names = gtk_string_list_new (NULL);

  if (floors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_label (self->affected_label, error->message);
      return;
    }
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  self->floors = floors;
  for (guint i = 0; i < floors->len; i++)
    gtk_string_list_append (names, rb_floor_get_name (g_ptr_array_index (floors, i)));
  gtk_drop_down_set_model (self->floor_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->floor_dropdown, 0);
  on_floor_selected_cb (self);
}

static void
day_chosen (RbBlockDialog *self, RbDatePicker *calendar, GtkPopover *popover, GDate *day,
            GtkMenuButton *button)
{
  g_autoptr (GDateTime) date = rb_date_picker_get_date (calendar);

  gtk_popover_popdown (popover);
  g_date_set_dmy (day, g_date_time_get_day_of_month (date), g_date_time_get_month (date),
                  g_date_time_get_year (date));
  set_button_date (self, button, day);
}

static void
on_start_day_selected_cb (RbBlockDialog *self)
{
  g_autoptr (GDateTime) first = NULL;

  day_chosen (self, self->start_calendar, self->start_popover, &self->start_day,
              self->start_button);
  /* The last day is not offered before the first. */
  first = rb_date_picker_get_date (self->start_calendar);
  rb_date_picker_set_min_date (self->end_calendar, first);
  if (g_date_compare (&self->end_day, &self->start_day) < 0)
    rb_date_picker_select_day (self->end_calendar, first);
  look_up_affected (self);
}

static void
on_end_day_selected_cb (RbBlockDialog *self)
{
  day_chosen (self, self->end_calendar, self->end_popover, &self->end_day, self->end_button);
  look_up_affected (self);
}

static void
on_reason_changed_cb (RbBlockDialog *self)
{
  update_block_enabled (self);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_block_dialog_constructed (GObject *object)
{
  RbBlockDialog *self = RB_BLOCK_DIALOG (object);
  g_autoptr (GDateTime) today = NULL;

  G_OBJECT_CLASS (rb_block_dialog_parent_class)->constructed (object);

  today = rb_utc_to_local (rb_context_get_time_zone (self->context),
                           rb_context_now (self->context));
  g_date_set_dmy (&self->start_day, g_date_time_get_day_of_month (today),
                  g_date_time_get_month (today), g_date_time_get_year (today));
  self->end_day = self->start_day;
  /* Blocks cancel bookings from now on: a day that has passed is not offered. */
  rb_date_picker_set_today (self->start_calendar, today);
  rb_date_picker_set_today (self->end_calendar, today);
  rb_date_picker_set_min_date (self->start_calendar, today);
  rb_date_picker_set_min_date (self->end_calendar, today);
  rb_date_picker_select_day (self->start_calendar, today);
  rb_date_picker_select_day (self->end_calendar, today);
  set_button_date (self, self->start_button, &self->start_day);
  set_button_date (self, self->end_button, &self->end_day);
  gtk_entry_set_max_length (self->reason_entry, RB_BLOCK_MAX_REASON);

  g_signal_connect_swapped (self->floor_dropdown, "notify::selected",
                            G_CALLBACK (on_floor_selected_cb), self);
  g_signal_connect_swapped (self->space_dropdown, "notify::selected",
                            G_CALLBACK (look_up_affected), self);
  rb_client_service_list_floors_async (rb_context_get_service (self->context), self->cancellable,
                                       on_floors_loaded_cb, g_object_ref (self));
}

static void
rb_block_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbBlockDialog *self = RB_BLOCK_DIALOG (object);

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
rb_block_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  RbBlockDialog *self = RB_BLOCK_DIALOG (object);

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
rb_block_dialog_dispose (GObject *object)
{
  RbBlockDialog *self = RB_BLOCK_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_BLOCK_DIALOG);
  g_clear_object (&self->context);
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  g_clear_pointer (&self->spaces, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_block_dialog_parent_class)->dispose (object);
}

static void
rb_block_dialog_finalize (GObject *object)
{
  RbBlockDialog *self = RB_BLOCK_DIALOG (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_block_dialog_parent_class)->finalize (object);
}

static void
rb_block_dialog_class_init (RbBlockDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_block_dialog_constructed;
  object_class->dispose = rb_block_dialog_dispose;
  object_class->finalize = rb_block_dialog_finalize;
  object_class->get_property = rb_block_dialog_get_property;
  object_class->set_property = rb_block_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_DATE_PICKER);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-block-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, floor_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, space_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, start_button);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, start_popover);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, start_calendar);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, end_button);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, end_popover);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, end_calendar);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, reason_entry);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, affected_label);
  gtk_widget_class_bind_template_child (widget_class, RbBlockDialog, affected_list);
  gtk_widget_class_bind_template_callback (widget_class, on_start_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_end_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_reason_changed_cb);
}

static void
rb_block_dialog_init (RbBlockDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  g_date_clear (&self->start_day, 1);
  g_date_clear (&self->end_day, 1);
}

RbBlockDialog *
rb_block_dialog_new (RbContext *context, GtkWindow *parent)
{
  return g_object_new (RB_TYPE_BLOCK_DIALOG, "context", context, "transient-for", parent,
                       "modal", TRUE, NULL);
}

/* The chosen space, or NULL before the spaces are loaded. */
const char *
rb_block_dialog_get_space_id (RbBlockDialog *self)
{
  guint selected;

  g_return_val_if_fail (RB_IS_BLOCK_DIALOG (self), NULL);

  selected = gtk_drop_down_get_selected (self->space_dropdown);
  if (self->spaces == NULL || selected >= self->spaces->len)
    return NULL;
  return rb_space_get_id (g_ptr_array_index (self->spaces, selected));
}

/* From the start of the first chosen day to the end of the last, in the site's time zone. */
RbInterval
rb_block_dialog_get_interval (RbBlockDialog *self)
{
  GTimeZone *tz;

  g_return_val_if_fail (RB_IS_BLOCK_DIALOG (self), rb_interval_make (0, 0));

  tz = rb_context_get_time_zone (self->context);
  return rb_interval_make (
      rb_local_day_of_date (tz, g_date_get_year (&self->start_day),
                            g_date_get_month (&self->start_day),
                            g_date_get_day (&self->start_day)).start,
      rb_local_day_of_date (tz, g_date_get_year (&self->end_day), g_date_get_month (&self->end_day),
                            g_date_get_day (&self->end_day)).end);
}

const char *
rb_block_dialog_get_reason (RbBlockDialog *self)
{
  g_return_val_if_fail (RB_IS_BLOCK_DIALOG (self), NULL);
  return gtk_editable_get_text (GTK_EDITABLE (self->reason_entry));
}

/* How many bookings the block would cancel, as last looked up. */
guint
rb_block_dialog_get_n_affected (RbBlockDialog *self)
{
  g_return_val_if_fail (RB_IS_BLOCK_DIALOG (self), 0);
  return self->n_affected;
}

/* TRUE while the affected bookings of the current choice are being looked up. */
gboolean
rb_block_dialog_is_loading (RbBlockDialog *self)
{
  g_return_val_if_fail (RB_IS_BLOCK_DIALOG (self), FALSE);
  return self->pending > 0 || self->spaces == NULL;
}
