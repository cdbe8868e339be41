/* rb-import-dialog.c: see rb-import-dialog.h. The dry run starts when the dialog is made and
 * ends with it: the dialog's cancellable is cancelled when it closes. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-import-dialog.h"

struct _RbImportDialog
{
  AdwMessageDialog parent_instance;

  /* template widgets */
  GtkScrolledWindow *details_scroller;
  GtkLabel *details_label;

  /* owned */
  RbContext *context;
  JsonNode *document;
  JsonNode *report;
  GCancellable *cancellable;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RbImportDialog, rb_import_dialog, ADW_TYPE_MESSAGE_DIALOG)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_DOCUMENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the dry run -------------------------------------------------------------------------- */

static guint
count (JsonNode *report, const char *list)
{
  return json_array_get_length (json_object_get_array_member (json_node_get_object (report), list));
}

/* "3 new, 2 changed, 1 taken out of service" and the bookings that would be cancelled. */
static char *
summarise (JsonNode *report)
{
  gint64 cancelled = json_object_get_int_member (json_node_get_object (report),
                                                 "cancelled_bookings");
  g_autofree char *added = NULL;
  g_autofree char *changed = NULL;
  g_autofree char *retired = NULL;
  g_autofree char *changes = NULL;

  if (rb_building_report_is_empty (report))
    return g_strdup (_("The file describes the building as it is: importing it changes nothing."));
  added = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u new", "%u new", count (report, "new")),
                           count (report, "new"));
  changed = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u changed", "%u changed",
                                          count (report, "changed")),
                             count (report, "changed"));
  retired = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u taken out of service",
                                          "%u taken out of service", count (report, "retired")),
                             count (report, "retired"));
  /* TRANSLATORS: the import's summary: "3 new, 2 changed, 1 taken out of service." */
  changes = g_strdup_printf (_("%s, %s, %s."), added, changed, retired);
  if (cancelled == 0)
    return g_steal_pointer (&changes);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%s %d booking will be cancelled; its owner sees why.",
                                       "%s %d bookings will be cancelled; their owners see why.",
                                       cancelled),
                          changes, (int) cancelled);
}

static void
on_dry_run_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbImportDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result,
                                                               &error);
  g_autofree char *summary = NULL;
  g_autofree char *details = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (report == NULL)
    {
      g_autofree char *text = rb_context_describe_error (self->context, error);

      adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), _("The File Cannot Be Imported"));
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), text);
      return;
    }
  self->report = g_steal_pointer (&report);
  summary = summarise (self->report);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), summary);
  if (rb_building_report_is_empty (self->report))
    return;
  details = rb_building_report_to_text (self->report);
  gtk_label_set_label (self->details_label, g_strchomp (details));
  gtk_widget_set_visible (GTK_WIDGET (self->details_scroller), TRUE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "import", TRUE);
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rb_import_dialog_constructed (GObject *object)
{
  RbImportDialog *self = RB_IMPORT_DIALOG (object);

  G_OBJECT_CLASS (rb_import_dialog_parent_class)->constructed (object);

  self->loading = TRUE;
  rb_client_service_import_building_async (rb_context_get_service (self->context),
                                           self->document, TRUE, self->cancellable,
                                           on_dry_run_cb, g_object_ref (self));
}

static void
rb_import_dialog_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbImportDialog *self = RB_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_DOCUMENT:
      g_value_set_boxed (value, self->document);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_import_dialog_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  RbImportDialog *self = RB_IMPORT_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_DOCUMENT:
      self->document = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_import_dialog_dispose (GObject *object)
{
  RbImportDialog *self = RB_IMPORT_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_IMPORT_DIALOG);
  g_clear_object (&self->context);
  g_clear_pointer (&self->document, json_node_unref);
  g_clear_pointer (&self->report, json_node_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_import_dialog_parent_class)->dispose (object);
}

static void
rb_import_dialog_class_init (RbImportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_import_dialog_constructed;
  object_class->dispose = rb_import_dialog_dispose;
  object_class->get_property = rb_import_dialog_get_property;
  object_class->set_property = rb_import_dialog_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DOCUMENT] =
      g_param_spec_boxed ("document", NULL, NULL, JSON_TYPE_NODE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-import-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, RbImportDialog, details_scroller);
  gtk_widget_class_bind_template_child (widget_class, RbImportDialog, details_label);
}

static void
rb_import_dialog_init (RbImportDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

/* A dialog over parent that checks document with a dry run at once. */
RbImportDialog *
rb_import_dialog_new (RbContext *context, GtkWindow *parent, JsonNode *document)
{
  g_return_val_if_fail (RB_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (document != NULL, NULL);

  return g_object_new (RB_TYPE_IMPORT_DIALOG, "context", context, "document", document,
                       "transient-for", parent, "modal", TRUE, NULL);
}

JsonNode *
rb_import_dialog_get_document (RbImportDialog *self)
{
  g_return_val_if_fail (RB_IS_IMPORT_DIALOG (self), NULL);
  return self->document;
}

/* The dry run's report, once it is in; NULL while loading or when the file was refused. */
JsonNode *
rb_import_dialog_get_report (RbImportDialog *self)
{
  g_return_val_if_fail (RB_IS_IMPORT_DIALOG (self), NULL);
  return self->report;
}

gboolean
rb_import_dialog_is_loading (RbImportDialog *self)
{
  g_return_val_if_fail (RB_IS_IMPORT_DIALOG (self), FALSE);
  return self->loading;
}
