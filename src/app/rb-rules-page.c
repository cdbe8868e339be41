/* rb-rules-page.c: see rb-rules-page.h. The form is filled from the policy in force
 * (rb_client_service_get_policy) and again whenever the service says "changed" while
 * nothing is edited; every edit is validated at once (rb_policy_validate), and the row of
 * the setting that is wrong says why in place of its description. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-rules-page.h"

struct _RbRulesPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  AdwActionRow *opening_row;
  GtkDropDown *opening_dropdown;
  AdwActionRow *closing_row;
  GtkDropDown *closing_dropdown;
  AdwActionRow *desk_horizon_row;
  GtkSpinButton *desk_horizon_spin;
  AdwActionRow *room_horizon_row;
  GtkSpinButton *room_horizon_spin;
  AdwActionRow *team_lead_horizon_row;
  GtkSpinButton *team_lead_horizon_spin;
  AdwActionRow *max_desk_row;
  GtkSpinButton *max_desk_spin;
  AdwActionRow *one_desk_row;
  GtkSwitch *one_desk_switch;
  AdwActionRow *check_in_before_row;
  GtkSpinButton *check_in_before_spin;
  AdwActionRow *check_in_after_row;
  GtkSpinButton *check_in_after_spin;
  AdwActionRow *anonymise_after_row;
  GtkSpinButton *anonymise_after_spin;
  AdwActionRow *delete_after_row;
  GtkSpinButton *delete_after_spin;
  AdwActionRow *audit_retention_row;
  GtkSpinButton *audit_retention_spin;
  AdwActionRow *min_group_row;
  GtkSpinButton *min_group_spin;
  AdwActionRow *show_names_row;
  GtkSwitch *show_names_switch;
  GtkSwitch *panel_anonymous_switch;
  GtkLabel *status_label;
  GtkButton *save_button;
  GtkButton *revert_button;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  RbPolicy shown; /* the policy in force that the form was filled from */
  AdwActionRow *error_row;
  gboolean filling;
  gboolean saving;
};

G_DEFINE_FINAL_TYPE (RbRulesPage, rb_rules_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DESCRIPTION_KEY "rb-description"
#define MINUTES_PER_CHOICE 15

/* ---- helpers ---------------------------------------------------------------------------- */

static void
show_error (RbRulesPage *self, const char *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
}

static void
hide_error (RbRulesPage *self)
{
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
}

static AdwActionRow *
row_for_field (RbRulesPage *self, const char *field)
{
  const struct
  {
    const char *field;
    AdwActionRow *row;
  } rows[] = {
    { "opening_time", self->opening_row },
    { "closing_time", self->closing_row },
    { "desk_horizon_days", self->desk_horizon_row },
    { "room_horizon_days", self->room_horizon_row },
    { "team_lead_room_horizon_days", self->team_lead_horizon_row },
    { "max_desk_minutes", self->max_desk_row },
    { "check_in_before_minutes", self->check_in_before_row },
    { "check_in_after_minutes", self->check_in_after_row },
    { "anonymise_after_days", self->anonymise_after_row },
    { "delete_after_days", self->delete_after_row },
    { "audit_retention_days", self->audit_retention_row },
    { "min_group_size", self->min_group_row },
  };

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    if (g_strcmp0 (rows[i].field, field) == 0)
      return rows[i].row;
  return NULL;
}

/* The row of a wrong setting says why, in red, in place of its description. */
static void
mark_row (RbRulesPage *self, AdwActionRow *row, const char *message)
{
  if (self->error_row != NULL && self->error_row != row)
    {
      adw_action_row_set_subtitle (self->error_row,
                                   g_object_get_data (G_OBJECT (self->error_row), DESCRIPTION_KEY));
      gtk_widget_remove_css_class (GTK_WIDGET (self->error_row), "error");
    }
  self->error_row = row;
  if (row != NULL)
    {
      adw_action_row_set_subtitle (row, message);
      gtk_widget_add_css_class (GTK_WIDGET (row), "error");
    }
}

static void
fill (RbRulesPage *self)
{
  RbPolicy policy = rb_context_get_policy (self->context);

  self->filling = TRUE;
  self->shown = policy;
  gtk_drop_down_set_selected (self->opening_dropdown, policy.opening_minute / MINUTES_PER_CHOICE);
  gtk_drop_down_set_selected (self->closing_dropdown, policy.closing_minute / MINUTES_PER_CHOICE);
  gtk_spin_button_set_value (self->desk_horizon_spin, policy.desk_horizon_days);
  gtk_spin_button_set_value (self->room_horizon_spin, policy.room_horizon_days);
  gtk_spin_button_set_value (self->team_lead_horizon_spin, policy.team_lead_room_horizon_days);
  gtk_spin_button_set_value (self->max_desk_spin, policy.max_desk_minutes / 60.0);
  gtk_switch_set_active (self->one_desk_switch, policy.one_desk_per_day);
  gtk_spin_button_set_value (self->check_in_before_spin, policy.check_in_before_minutes);
  gtk_spin_button_set_value (self->check_in_after_spin, policy.check_in_after_minutes);
  gtk_spin_button_set_value (self->anonymise_after_spin, policy.anonymise_after_days);
  gtk_spin_button_set_value (self->delete_after_spin, policy.delete_after_days);
  gtk_spin_button_set_value (self->audit_retention_spin, policy.audit_retention_days);
  gtk_spin_button_set_value (self->min_group_spin, policy.min_group_size);
  gtk_switch_set_active (self->show_names_switch, policy.show_names);
  gtk_switch_set_active (self->panel_anonymous_switch, policy.panel_anonymous_booking);
  self->filling = FALSE;
  mark_row (self, NULL, NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revert_button), FALSE);
}

static RbPolicy
form_policy (RbRulesPage *self)
{
  RbPolicy policy = self->shown;

  policy.opening_minute = gtk_drop_down_get_selected (self->opening_dropdown) * MINUTES_PER_CHOICE;
  policy.closing_minute = gtk_drop_down_get_selected (self->closing_dropdown) * MINUTES_PER_CHOICE;
  policy.desk_horizon_days = gtk_spin_button_get_value_as_int (self->desk_horizon_spin);
  policy.room_horizon_days = gtk_spin_button_get_value_as_int (self->room_horizon_spin);
  policy.team_lead_room_horizon_days
      = gtk_spin_button_get_value_as_int (self->team_lead_horizon_spin);
  policy.max_desk_minutes = gtk_spin_button_get_value_as_int (self->max_desk_spin) * 60;
  policy.one_desk_per_day = gtk_switch_get_active (self->one_desk_switch);
  policy.check_in_before_minutes = gtk_spin_button_get_value_as_int (self->check_in_before_spin);
  policy.check_in_after_minutes = gtk_spin_button_get_value_as_int (self->check_in_after_spin);
  policy.anonymise_after_days = gtk_spin_button_get_value_as_int (self->anonymise_after_spin);
  policy.delete_after_days = gtk_spin_button_get_value_as_int (self->delete_after_spin);
  policy.audit_retention_days = gtk_spin_button_get_value_as_int (self->audit_retention_spin);
  policy.min_group_size = gtk_spin_button_get_value_as_int (self->min_group_spin);
  policy.show_names = gtk_switch_get_active (self->show_names_switch);
  policy.panel_anonymous_booking = gtk_switch_get_active (self->panel_anonymous_switch);
  return policy;
}

static gboolean
edited (RbRulesPage *self)
{
  RbPolicy policy = form_policy (self);

  return !rb_policy_equal (&policy, &self->shown);
}

/* Checks the form as it stands: the wrong row says why, and Save waits until it is right. */
static void
check_form (RbRulesPage *self)
{
  RbPolicy policy = form_policy (self);
  g_autoptr (GError) error = NULL;
  const char *field = NULL;
  gboolean valid = rb_policy_validate (&policy, &field, &error);
  gboolean dirty = !rb_policy_equal (&policy, &self->shown);

  if (valid)
    mark_row (self, NULL, NULL);
  else
    mark_row (self, row_for_field (self, field), error->message);
  gtk_widget_set_sensitive (GTK_WIDGET (self->save_button), valid && dirty && !self->saving);
  gtk_widget_set_sensitive (GTK_WIDGET (self->revert_button), dirty && !self->saving);
  if (dirty)
    gtk_label_set_label (self->status_label, "");
}

static void
build_time_choices (RbRulesPage *self)
{
  g_autoptr (GtkStringList) opening = gtk_string_list_new (NULL);
  g_autoptr (GtkStringList) closing = gtk_string_list_new (NULL);

  for (int minute = 0; minute < 24 * 60; minute += MINUTES_PER_CHOICE)
    {
      g_autoptr (GDateTime) time = g_date_time_new_utc (2000, 1, 1, minute / 60, minute % 60, 0);
      g_autofree char *label = g_date_time_format (time, C_ ("time of day", "%H:%M"));

      gtk_string_list_append (opening, label);
      gtk_string_list_append (closing, label);
    }
  gtk_drop_down_set_model (self->opening_dropdown, G_LIST_MODEL (opening));
  gtk_drop_down_set_model (self->closing_dropdown, G_LIST_MODEL (closing));
}

/* ---- signal callbacks ------------------------------------------------------------------- */

static void
on_edited_cb (RbRulesPage *self)
{
  if (!self->filling)
    check_form (self);
}

static void
on_service_changed_cb (RbRulesPage *self)
{
  RbPolicy policy = rb_context_get_policy (self->context);

  /* A change made elsewhere shows at once, unless an edit here is under way. */
  if (!self->saving && !edited (self) && !rb_policy_equal (&policy, &self->shown))
    fill (self);
}

static void
on_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbRulesPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self->saving = FALSE;
      if (g_error_matches (error, RB_ERROR, RB_ERROR_INVALID_FIELD))
        show_error (self, error->message);
      else
        {
          g_autofree char *message = rb_context_describe_error (self->context, error);
          show_error (self, message);
        }
      check_form (self);
      return;
    }
  self->saving = FALSE;
  fill (self);
  gtk_label_set_label (self->status_label, _("The rules are saved and in force."));
}

static void
on_save_clicked_cb (RbRulesPage *self)
{
  RbPolicy policy = form_policy (self);

  hide_error (self);
  self->saving = TRUE;
  check_form (self);
  rb_client_service_set_policy_async (rb_context_get_service (self->context), &policy,
                                      self->cancellable, on_saved_cb, g_object_ref (self));
}

static void
on_revert_clicked_cb (RbRulesPage *self)
{
  hide_error (self);
  fill (self);
}

static void
on_dismiss_error_clicked_cb (RbRulesPage *self)
{
  hide_error (self);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
keep_description (AdwActionRow *row)
{
  g_object_set_data_full (G_OBJECT (row), DESCRIPTION_KEY,
                          g_strdup (adw_action_row_get_subtitle (row)), g_free);
}

static void
rb_rules_page_constructed (GObject *object)
{
  RbRulesPage *self = RB_RULES_PAGE (object);
  AdwActionRow *rows[] = {
    self->opening_row, self->closing_row, self->desk_horizon_row, self->room_horizon_row,
    self->team_lead_horizon_row, self->max_desk_row, self->check_in_before_row,
    self->check_in_after_row, self->anonymise_after_row, self->delete_after_row,
    self->audit_retention_row, self->min_group_row,
  };

  G_OBJECT_CLASS (rb_rules_page_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    keep_description (rows[i]);
  build_time_choices (self);
  fill (self);
  g_signal_connect_swapped (self->opening_dropdown, "notify::selected", G_CALLBACK (on_edited_cb),
                            self);
  g_signal_connect_swapped (self->closing_dropdown, "notify::selected", G_CALLBACK (on_edited_cb),
                            self);
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (on_service_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
rb_rules_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbRulesPage *self = RB_RULES_PAGE (object);

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
rb_rules_page_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  RbRulesPage *self = RB_RULES_PAGE (object);

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
rb_rules_page_dispose (GObject *object)
{
  RbRulesPage *self = RB_RULES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_RULES_PAGE);
  self->error_row = NULL;
  g_clear_object (&self->context);

  G_OBJECT_CLASS (rb_rules_page_parent_class)->dispose (object);
}

static void
rb_rules_page_finalize (GObject *object)
{
  RbRulesPage *self = RB_RULES_PAGE (object);

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_rules_page_parent_class)->finalize (object);
}

static void
rb_rules_page_class_init (RbRulesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_rules_page_constructed;
  object_class->dispose = rb_rules_page_dispose;
  object_class->finalize = rb_rules_page_finalize;
  object_class->get_property = rb_rules_page_get_property;
  object_class->set_property = rb_rules_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-rules-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, opening_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, opening_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, closing_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, closing_dropdown);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, desk_horizon_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, desk_horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, room_horizon_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, room_horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, team_lead_horizon_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, team_lead_horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, max_desk_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, max_desk_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, one_desk_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, one_desk_switch);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, check_in_before_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, check_in_before_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, check_in_after_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, check_in_after_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, anonymise_after_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, anonymise_after_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, delete_after_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, delete_after_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, audit_retention_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, audit_retention_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, min_group_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, min_group_spin);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, show_names_row);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, show_names_switch);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, panel_anonymous_switch);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, RbRulesPage, revert_button);
  gtk_widget_class_bind_template_callback (widget_class, on_edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_save_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_revert_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_dismiss_error_clicked_cb);
}

static void
rb_rules_page_init (RbRulesPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_rules_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_RULES_PAGE, "context", context, NULL);
}

gboolean
rb_rules_page_is_saving (RbRulesPage *self)
{
  g_return_val_if_fail (RB_IS_RULES_PAGE (self), FALSE);
  return self->saving;
}
