/* rb-building-page.c: an administrator keeps the building here. The floor list and the plan
 * editor work on copies, read when the page is shown; Save takes the building file from the service, puts the edits in
 * (rb_building_page_apply_edits, the pure part) and imports it, which retires the spaces
 * left out. While the plan has unsaved edits the floor list waits, so no edit is lost by
 * choosing another floor. A floor's drawing is set and removed at once, not with Save. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-building-page.h"
#include "rb-plan-editor.h"

/* Drawings are shown in the editor at this width; the editor scales them. */
#define DRAWING_PIXELS 1800

struct _RbBuildingPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkListBox *floor_list;
  AdwEntryRow *floor_name_row;
  RbPlanEditor *editor;
  GtkLabel *status_label;
  AdwPreferencesGroup *space_group;
  AdwEntryRow *name_row;
  GtkSpinButton *capacity_spin;
  GtkSwitch *bookable_switch;
  GtkBox *amenity_box;
  GtkCheckButton *amenity_buttons[RB_N_AMENITIES];

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  GCancellable *floor_cancellable;
  /* RbPlanFloor, in the order the list shows */
  GPtrArray *floors;
  gboolean floors_modified;
  gboolean updating;
  /* the edited building file between Save's dry run and its confirmation */
  JsonNode *pending_document;
};

G_DEFINE_FINAL_TYPE (RbBuildingPage, rb_building_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_floor (RbBuildingPage *self);

/* ---- helpers -------------------------------------------------------------------------------- */

static RbPlanFloor *
current_floor (RbBuildingPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->floor_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;

  return index >= 0 && (guint) index < self->floors->len ? g_ptr_array_index (self->floors, index)
                                                         : NULL;
}

static void
toast (RbBuildingPage *self, const char *message)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.toast", "s", message);
}

static void
update_status (RbBuildingPage *self)
{
  gboolean modified = rb_plan_editor_get_modified (self->editor) || self->floors_modified;

  gtk_label_set_label (self->status_label, modified ? _("Unsaved changes") : "");
  /* Another floor only once this one's edits are saved or undone. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->floor_list),
                            !rb_plan_editor_get_modified (self->editor));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "building.undo",
                                 rb_plan_editor_get_undo_depth (self->editor) > 0);
}

static void
fill_floor_list (RbBuildingPage *self, guint select)
{
  GtkWidget *child;

  self->updating = TRUE;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->floor_list))) != NULL)
    gtk_list_box_remove (self->floor_list, child);
  for (guint i = 0; i < self->floors->len; i++)
    {
      RbPlanFloor *floor = g_ptr_array_index (self->floors, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), floor->name);
      gtk_list_box_append (self->floor_list, row);
    }
  self->updating = FALSE;
  if (select < self->floors->len)
    gtk_list_box_select_row (self->floor_list,
                             gtk_list_box_get_row_at_index (self->floor_list, select));
}

/* ---- the selected space's fields ------------------------------------------------------------ */

static void
on_selection_changed_cb (RbBuildingPage *self)
{
  RbPlanSpace *space = rb_plan_editor_get_selected (self->editor);

  self->updating = TRUE;
  gtk_widget_set_sensitive (GTK_WIDGET (self->space_group), space != NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->name_row), space != NULL ? space->name : "");
  gtk_spin_button_set_value (self->capacity_spin, space != NULL ? space->capacity : 1);
  gtk_switch_set_active (self->bookable_switch, space != NULL ? space->bookable : FALSE);
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    gtk_check_button_set_active (self->amenity_buttons[i],
                                 space != NULL && (space->amenities & rb_amenity_nth (i)));
  self->updating = FALSE;
}

static void
on_rename_requested_cb (RbBuildingPage *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self->name_row));
}

static void
on_editor_changed_cb (RbBuildingPage *self)
{
  on_selection_changed_cb (self);
  update_status (self);
}

static void
on_name_apply_cb (RbBuildingPage *self)
{
  rb_plan_editor_set_selected_name (self->editor,
                                    gtk_editable_get_text (GTK_EDITABLE (self->name_row)));
}

static void
on_capacity_changed_cb (RbBuildingPage *self)
{
  if (!self->updating)
    rb_plan_editor_set_selected_capacity (self->editor,
                                          gtk_spin_button_get_value_as_int (self->capacity_spin));
}

static void
on_bookable_changed_cb (RbBuildingPage *self)
{
  if (!self->updating)
    rb_plan_editor_set_selected_bookable (self->editor,
                                          gtk_switch_get_active (self->bookable_switch));
}

static void
on_amenity_toggled_cb (RbBuildingPage *self)
{
  RbAmenities amenities = 0;

  if (self->updating)
    return;
  for (guint i = 0; i < RB_N_AMENITIES; i++)
    if (gtk_check_button_get_active (self->amenity_buttons[i]))
      amenities |= rb_amenity_nth (i);
  rb_plan_editor_set_selected_amenities (self->editor, amenities);
}

/* ---- loading a floor ------------------------------------------------------------------------ */

static RbFloor *
floor_object (RbPlanFloor *floor)
{
  return rb_floor_new (floor->id, floor->building_id, floor->name, floor->level, floor->width,
                       floor->height);
}

static void
on_drawing_decoded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);
  g_autoptr (GdkTexture) texture = NULL;

  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, _("The floor's plan drawing cannot be shown."));
      return;
    }
  texture = gdk_texture_new_for_pixbuf (pixbuf);
  rb_plan_editor_set_drawing (self->editor, texture);
}

static void
on_drawing_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = rb_client_service_get_floor_plan_finish (RB_CLIENT_SERVICE (source),
                                                                     result, NULL, &error);
  g_autoptr (GInputStream) stream = NULL;

  if (error != NULL || data == NULL)
    {
      rb_plan_editor_set_drawing (self->editor, NULL);
      return;
    }
  stream = g_memory_input_stream_new_from_bytes (data);
  gdk_pixbuf_new_from_stream_at_scale_async (stream, DRAWING_PIXELS, -1, TRUE,
                                             self->floor_cancellable, on_drawing_decoded_cb,
                                             g_object_ref (self));
}

static void
on_spaces_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) spaces = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                result, &error);
  RbPlanFloor *floor = current_floor (self);
  g_autoptr (RbFloor) object = NULL;

  if (spaces == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (floor == NULL)
    return;
  object = floor_object (floor);
  rb_plan_editor_set_floor (self->editor, object, spaces);
  update_status (self);
}

static void
load_floor (RbBuildingPage *self)
{
  RbPlanFloor *floor = current_floor (self);
  RbClientService *service = rb_context_get_service (self->context);

  g_cancellable_cancel (self->floor_cancellable);
  g_clear_object (&self->floor_cancellable);
  if (floor == NULL)
    return;
  self->floor_cancellable = g_cancellable_new ();
  gtk_editable_set_text (GTK_EDITABLE (self->floor_name_row), floor->name);
  rb_plan_editor_set_drawing (self->editor, NULL);
  rb_client_service_list_spaces_async (service, floor->id, self->floor_cancellable,
                                       on_spaces_loaded_cb, g_object_ref (self));
  rb_client_service_get_floor_plan_async (service, floor->id, self->floor_cancellable,
                                          on_drawing_loaded_cb, g_object_ref (self));
}

static void
on_floor_row_selected_cb (RbBuildingPage *self)
{
  if (!self->updating)
    load_floor (self);
}

static void
on_floors_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) floors = rb_client_service_list_finish (RB_CLIENT_SERVICE (source),
                                                                result, &error);

  if (floors == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  g_ptr_array_set_size (self->floors, 0);
  for (guint i = 0; i < floors->len; i++)
    g_ptr_array_add (self->floors, rb_plan_floor_new_from_floor (g_ptr_array_index (floors, i)));
  self->floors_modified = FALSE;
  fill_floor_list (self, 0);
  load_floor (self);
}

static void
reload (RbBuildingPage *self)
{
  rb_client_service_list_floors_async (rb_context_get_service (self->context), self->cancellable,
                                       on_floors_loaded_cb, g_object_ref (self));
}

/* The page reads the building when it is shown (only administrators see it), and again on
 * a change while it is shown, unless that would throw away edits not saved yet. */
static void
rb_building_page_map (GtkWidget *widget)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);

  GTK_WIDGET_CLASS (rb_building_page_parent_class)->map (widget);
  if (!rb_plan_editor_get_modified (self->editor) && !self->floors_modified)
    reload (self);
}

static void
on_service_changed_cb (RbBuildingPage *self)
{
  if (gtk_widget_get_mapped (GTK_WIDGET (self)) && !rb_plan_editor_get_modified (self->editor)
      && !self->floors_modified)
    reload (self);
}

/* ---- floors --------------------------------------------------------------------------------- */

static void
on_floor_name_apply_cb (RbBuildingPage *self)
{
  RbPlanFloor *floor = current_floor (self);
  g_autofree char *name = g_strstrip (
      g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->floor_name_row))));
  int index;

  if (floor == NULL || *name == '\0' || g_str_equal (name, floor->name))
    return;
  g_free (floor->name);
  floor->name = g_steal_pointer (&name);
  self->floors_modified = TRUE;
  index = gtk_list_box_row_get_index (gtk_list_box_get_selected_row (self->floor_list));
  fill_floor_list (self, index);
  update_status (self);
}

static void
add_floor_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);
  RbPlanFloor *model = self->floors->len > 0 ? g_ptr_array_index (self->floors, 0) : NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = g_strdup_printf ("flr-%.8s", uuid);
  int level = 0;

  if (model == NULL)
    return;
  for (guint i = 0; i < self->floors->len; i++)
    level = MAX (level, ((RbPlanFloor *) g_ptr_array_index (self->floors, i))->level + 1);
  g_ptr_array_add (self->floors, rb_plan_floor_new (id, model->building_id, _("New floor"), level,
                                                    model->width, model->height));
  self->floors_modified = TRUE;
  fill_floor_list (self, self->floors->len - 1);
  load_floor (self);
  update_status (self);
}

static void
move_floor_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->floor_list);
  int index = row != NULL ? gtk_list_box_row_get_index (row) : -1;
  int other = index + (g_str_equal (action_name, "building.floor-up") ? -1 : 1);
  gpointer *slots = self->floors->pdata;
  gpointer swap;

  if (index < 0 || other < 0 || (guint) other >= self->floors->len)
    return;
  swap = slots[index];
  slots[index] = slots[other];
  slots[other] = swap;
  self->floors_modified = TRUE;
  fill_floor_list (self, other);
  update_status (self);
}

/* ---- the drawing ---------------------------------------------------------------------------- */

typedef struct
{
  RbBuildingPage *page;
  char *floor_id;
  char *content_type;
} DrawingUpload;

static void
drawing_upload_free (DrawingUpload *upload)
{
  g_object_unref (upload->page);
  g_free (upload->floor_id);
  g_free (upload->content_type);
  g_free (upload);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (DrawingUpload, drawing_upload_free)

static void
on_drawing_set_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _("The floor's plan drawing was changed."));
  load_floor (self);
}

static void
on_drawing_file_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (DrawingUpload) upload = user_data;
  RbBuildingPage *self = upload->page;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) data = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);

  if (data == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  if (!rb_plan_drawing_check (upload->content_type, data, &error))
    {
      toast (self, error->message);
      return;
    }
  rb_client_service_set_floor_plan_async (rb_context_get_service (self->context), upload->floor_id,
                                          upload->content_type, data, self->cancellable,
                                          on_drawing_set_cb, g_object_ref (self));
}

static void
on_file_chosen_cb (GtkNativeDialog *dialog, int response, RbBuildingPage *self)
{
  g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_autofree char *basename = NULL;
  g_autofree char *lower = NULL;
  RbPlanFloor *floor = current_floor (self);
  DrawingUpload *upload;

  if (response == GTK_RESPONSE_ACCEPT && file != NULL && floor != NULL)
    {
      basename = g_file_get_basename (file);
      lower = g_ascii_strdown (basename, -1);
      upload = g_new0 (DrawingUpload, 1);
      upload->page = g_object_ref (self);
      upload->floor_id = g_strdup (floor->id);
      upload->content_type = g_strdup (g_str_has_suffix (lower, ".png")
                                           ? "image/png"
                                           : "image/svg+xml");
      g_file_load_bytes_async (file, self->cancellable, on_drawing_file_read_cb, upload);
    }
  g_object_unref (dialog);
}

static void
set_drawing_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Plan Drawing of the Floor"), GTK_WINDOW (gtk_widget_get_root (widget)),
      GTK_FILE_CHOOSER_ACTION_OPEN, _("_Open"), _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("SVG and PNG images"));
  gtk_file_filter_add_mime_type (filter, "image/svg+xml");
  gtk_file_filter_add_mime_type (filter, "image/png");
  gtk_file_filter_add_suffix (filter, "svg");
  gtk_file_filter_add_suffix (filter, "png");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_signal_connect (chooser, "response", G_CALLBACK (on_file_chosen_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
remove_drawing_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);
  RbPlanFloor *floor = current_floor (self);

  if (floor != NULL)
    rb_client_service_set_floor_plan_async (rb_context_get_service (self->context), floor->id,
                                            NULL, NULL, self->cancellable, on_drawing_set_cb,
                                            g_object_ref (self));
}

/* ---- the plan ------------------------------------------------------------------------------- */

static void
editor_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);

  if (g_str_equal (action_name, "building.add-desk"))
    rb_plan_editor_add_space (self->editor, RB_SPACE_KIND_DESK);
  else if (g_str_equal (action_name, "building.add-room"))
    rb_plan_editor_add_space (self->editor, RB_SPACE_KIND_ROOM);
  else if (g_str_equal (action_name, "building.retire"))
    rb_plan_editor_retire_selected (self->editor);
  else
    rb_plan_editor_undo (self->editor);
}

/* The building document with this page's edits put in: the floor list, and the spaces of the
 * floor in the editor. document is changed in place and returned (a new reference). */
JsonNode *
rb_building_page_apply_edits (RbBuildingPage *self, JsonNode *document, GError **error)
{
  RbPlanFloor *floor;

  g_return_val_if_fail (RB_IS_BUILDING_PAGE (self), NULL);

  floor = current_floor (self);
  if (!rb_building_document_set_floors (document, self->floors, error)
      || (floor != NULL
          && !rb_building_document_set_floor_spaces (
              document, floor->id, rb_plan_editor_get_spaces (self->editor), error)))
    return NULL;
  return json_node_ref (document);
}

static void
on_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result,
                                                               &error);

  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  toast (self, _("The building was saved."));
  reload (self);
}

static void
import_edited (RbBuildingPage *self, RbClientService *service, JsonNode *document)
{
  rb_client_service_import_building_async (service, document, FALSE, self->cancellable,
                                           on_imported_cb, g_object_ref (self));
}

static void
on_confirm_response_cb (AdwMessageDialog *dialog, const char *response, RbBuildingPage *self)
{
  g_autoptr (JsonNode) document = g_steal_pointer (&self->pending_document);

  if (document != NULL && g_str_equal (response, "save"))
    import_edited (self, rb_context_get_service (self->context), document);
}

/* Saving what would cancel bookings (a desk retired that people booked) asks first, as the
 * import of a building file does: their owners are told, with the reason. */
static void
on_checked_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result,
                                                               &error);
  gint64 cancelled;
  AdwMessageDialog *dialog;

  if (report == NULL)
    {
      g_clear_pointer (&self->pending_document, json_node_unref);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  cancelled = json_object_get_int_member_with_default (json_node_get_object (report),
                                                       "cancelled_bookings", 0);
  if (cancelled == 0)
    {
      g_autoptr (JsonNode) document = g_steal_pointer (&self->pending_document);

      import_edited (self, RB_CLIENT_SERVICE (source), document);
      return;
    }
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (
      GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), _("Cancel Bookings?"), NULL));
  adw_message_dialog_format_body (
      dialog,
      g_dngettext (GETTEXT_PACKAGE,
                   "Spaces taken out of service have %d future booking. It will be cancelled "
                   "and its owner told why.",
                   "Spaces taken out of service have %d future bookings. They will be "
                   "cancelled and their owners told why.",
                   cancelled),
      (int) cancelled);
  adw_message_dialog_add_responses (dialog, "keep", _("_Keep Editing"), "save",
                                    _("_Save and Cancel Bookings"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "keep");
  adw_message_dialog_set_close_response (dialog, "keep");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_confirm_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_exported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbBuildingPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) document = rb_client_service_json_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);
  g_autoptr (JsonNode) edited = NULL;

  if (document != NULL)
    edited = rb_building_page_apply_edits (self, document, &error);
  if (edited == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        toast (self, error->message);
      return;
    }
  g_clear_pointer (&self->pending_document, json_node_unref);
  self->pending_document = json_node_ref (edited);
  rb_client_service_import_building_async (RB_CLIENT_SERVICE (source), edited, TRUE,
                                           self->cancellable, on_checked_cb,
                                           g_object_ref (self));
}

static void
save_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (widget);

  rb_client_service_export_building_async (rb_context_get_service (self->context),
                                           self->cancellable, on_exported_cb,
                                           g_object_ref (self));
}

/* ---- GObject -------------------------------------------------------------------------------- */

static void
rb_building_page_constructed (GObject *object)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (object);

  G_OBJECT_CLASS (rb_building_page_parent_class)->constructed (object);

  for (guint i = 0; i < RB_N_AMENITIES; i++)
    {
      GtkWidget *check = gtk_check_button_new_with_label (
          rb_amenity_label (rb_amenity_nth (i)));

      g_signal_connect_swapped (check, "toggled", G_CALLBACK (on_amenity_toggled_cb), self);
      gtk_box_append (self->amenity_box, check);
      self->amenity_buttons[i] = GTK_CHECK_BUTTON (check);
    }
  g_signal_connect_object (rb_context_get_service (self->context), "changed",
                           G_CALLBACK (on_service_changed_cb), self, G_CONNECT_SWAPPED);
  update_status (self);
}

static void
rb_building_page_dispose (GObject *object)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->floor_cancellable);
  /* The list's rows go with it; that is no choice of floor. */
  self->updating = TRUE;
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_BUILDING_PAGE);

  G_OBJECT_CLASS (rb_building_page_parent_class)->dispose (object);
}

static void
rb_building_page_finalize (GObject *object)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->floor_cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->floors, g_ptr_array_unref);
  g_clear_pointer (&self->pending_document, json_node_unref);

  G_OBJECT_CLASS (rb_building_page_parent_class)->finalize (object);
}

static void
rb_building_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (object);

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
rb_building_page_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  RbBuildingPage *self = RB_BUILDING_PAGE (object);

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
rb_building_page_class_init (RbBuildingPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_building_page_constructed;
  object_class->dispose = rb_building_page_dispose;
  object_class->finalize = rb_building_page_finalize;
  object_class->get_property = rb_building_page_get_property;
  object_class->set_property = rb_building_page_set_property;
  widget_class->map = rb_building_page_map;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_PLAN_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-building-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, floor_list);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, floor_name_row);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, editor);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, space_group);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, capacity_spin);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, bookable_switch);
  gtk_widget_class_bind_template_child (widget_class, RbBuildingPage, amenity_box);
  gtk_widget_class_bind_template_callback (widget_class, on_floor_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_floor_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_selection_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rename_requested_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_editor_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_capacity_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_bookable_changed_cb);

  gtk_widget_class_install_action (widget_class, "building.add-floor", NULL, add_floor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.floor-up", NULL, move_floor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.floor-down", NULL,
                                   move_floor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.set-drawing", NULL,
                                   set_drawing_action_cb);
  gtk_widget_class_install_action (widget_class, "building.remove-drawing", NULL,
                                   remove_drawing_action_cb);
  gtk_widget_class_install_action (widget_class, "building.add-desk", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.add-room", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.retire", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.undo", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "building.save", NULL, save_action_cb);
}

static void
rb_building_page_init (RbBuildingPage *self)
{
  self->floors = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_plan_floor_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rb_building_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_BUILDING_PAGE, "context", context, NULL);
}

RbPlanEditor *
rb_building_page_get_editor (RbBuildingPage *self)
{
  g_return_val_if_fail (RB_IS_BUILDING_PAGE (self), NULL);
  return self->editor;
}
