/* rb-window.c: the desktop window. It owns the pages, shows who is signed in (with sign out
 * and switching person), whether the app is offline and how many bookings wait to be sent,
 * and the toasts the pages ask for through the win.toast action. What happens to a person's
 * bookings without them (a booking the server refused later, a block that cancelled one)
 * becomes a toast here, and a desktop notification when the window is not in front. */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-audit-page.h"
#include "rb-bookings-page.h"
#include "rb-find-page.h"
#include "rb-import-dialog.h"
#include "rb-login-dialog.h"
#include "rb-building-page.h"
#include "rb-occupancy-page.h"
#include "rb-rules-page.h"
#include "rb-people-page.h"
#include "rb-pin-dialog.h"
#include "rb-series-page.h"
#include "rb-space-row.h"
#include "rb-widget-util.h"
#include "rb-window.h"
#include "rb-widget-util.h"

#include "rb-accessible.h"

struct _RbWindow
{
  AdwApplicationWindow parent_instance;

  /* template widgets */
  AdwViewStack *stack;
  AdwToastOverlay *toast_overlay;
  GtkButton *sign_in_button;
  GtkMenuButton *account_button;
  GtkLabel *account_label;
  GtkBox *sync_box;
  GtkImage *sync_icon;
  GtkLabel *sync_label;

  /* borrowed: pages shown only to some roles */
  AdwViewStackPage *series_page;
  AdwViewStackPage *occupancy_page;
  /* the administrators' pages (building, people, rules, audit log) in one, with a sidebar */
  AdwViewStackPage *admin_page;
  GtkStack *admin_stack;
  /* borrowed: the sign-in dialog while it is open */
  RbLoginDialog *login_dialog;
  /* owned while open: the file chooser of the building's import or export */
  GtkFileChooserNative *building_chooser;
  /* owned while open: the file chooser of "Download My Data" */
  GtkFileChooserNative *my_data_chooser;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  /* whether somebody was signed in: an end without signing out is explained */
  gboolean had_person;
  gboolean signing_out;
};

G_DEFINE_FINAL_TYPE (RbWindow, rb_window, ADW_TYPE_APPLICATION_WINDOW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
show_toast (RbWindow *self, const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
toast_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_toast (RB_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
on_login_dialog_destroy_cb (RbWindow *self)
{
  self->login_dialog = NULL;
}

/* One sign-in dialog at a time: asked again (the header's button, My Bookings' button, Switch
 * Person…, an ended session), the window brings the open one to the front. */
static RbLoginDialog *
present_sign_in (RbWindow *self)
{
  if (self->login_dialog == NULL)
    {
      self->login_dialog = RB_LOGIN_DIALOG (rb_login_dialog_new (self->context,
                                                                 GTK_WINDOW (self)));
      g_signal_connect_object (self->login_dialog, "destroy",
                               G_CALLBACK (on_login_dialog_destroy_cb), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_window_present (GTK_WINDOW (self->login_dialog));
  return self->login_dialog;
}

static void
sign_in_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  present_sign_in (RB_WINDOW (widget));
}

static void
change_pin_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);

  if (rb_context_get_person (self->context) != NULL)
    gtk_window_present (GTK_WINDOW (rb_pin_dialog_new (self->context, GTK_WINDOW (self))));
}

static void
on_signed_out_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbWindow) self = user_data;
  g_autoptr (GError) error = NULL;

  self->signing_out = FALSE;
  if (!rb_client_service_boolean_finish (RB_CLIENT_SERVICE (source), result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_toast (self, error->message);
}

static void
sign_out (RbWindow *self)
{
  self->signing_out = TRUE;
  rb_client_service_sign_out_async (rb_context_get_service (self->context), self->cancellable,
                                    on_signed_out_cb, g_object_ref (self));
}

static void
on_sign_out_response_cb (AdwMessageDialog *dialog, const char *response, RbWindow *self)
{
  if (g_str_equal (response, "sign-out"))
    sign_out (self);
}

/* Signing out drops what the server has not confirmed yet (nobody else's session may send
 * it), so the person is asked first when something waits. */
static void
sign_out_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);
  guint pending = rb_client_service_get_pending (rb_context_get_service (self->context));
  AdwMessageDialog *dialog;
  g_autofree char *body = NULL;

  if (pending == 0)
    {
      sign_out (self);
      return;
    }
  body = g_strdup_printf (
      g_dngettext (GETTEXT_PACKAGE,
                   "%u booking has not reached the booking server yet. If you sign out now, "
                   "it is discarded.",
                   "%u bookings have not reached the booking server yet. If you sign out now, "
                   "they are discarded.",
                   pending),
      pending);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), body));
  adw_message_dialog_add_responses (dialog, "stay", _("_Stay Signed In"), "sign-out",
                                    _("_Sign Out"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "sign-out", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "stay");
  adw_message_dialog_set_close_response (dialog, "stay");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* An administrator's four pages share one place in the header, with a sidebar to choose
 * between them: eight pages side by side do not fit a header (and libadwaita 1.2's switcher
 * then fails to measure itself). The pages keep their names in the inner stack. */
static GtkWidget *
make_admin_page (RbWindow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *sidebar = gtk_stack_sidebar_new ();
  GtkWidget *stack = gtk_stack_new ();
  const struct
  {
    const char *name;
    const char *title;
    GtkWidget *(*page_new) (RbContext *context);
  } pages[] = {
    { "building", N_("Building"), rb_building_page_new },
    { "people", N_("People"), rb_people_page_new },
    { "rules", N_("Rules"), rb_rules_page_new },
    { "audit", N_("Audit Log"), rb_audit_page_new },
  };

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    gtk_stack_add_titled (GTK_STACK (stack), pages[i].page_new (self->context), pages[i].name,
                          _(pages[i].title));
  gtk_widget_set_hexpand (stack, TRUE);
  self->admin_stack = GTK_STACK (stack);
  gtk_stack_sidebar_set_stack (GTK_STACK_SIDEBAR (sidebar), GTK_STACK (stack));
  rb_accessible_set_label (rb_find_descendant (sidebar, GTK_TYPE_LIST_BOX), _ ("Administration"));
  gtk_widget_set_size_request (sidebar, 180, -1);
  gtk_box_append (GTK_BOX (box), sidebar);
  gtk_box_append (GTK_BOX (box), gtk_separator_new (GTK_ORIENTATION_VERTICAL));
  gtk_box_append (GTK_BOX (box), stack);
  return box;
}

/* ---- the keyboard (the accelerators are the application's, rb-application.c) ------------- */

/* win.show-find, win.show-bookings, …: Alt+1 … Alt+5 show the page of that name. */
static void
show_page_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);
  const char *name = action_name + strlen ("win.show-");
  GtkWidget *page = adw_view_stack_get_child_by_name (self->stack, name);

  if (page != NULL && adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, page)))
    adw_view_stack_set_visible_child (self->stack, page);
}

/* The page in front: the view stack's, or the administrators' page chosen in the sidebar. */
static GtkWidget *
front_page (RbWindow *self)
{
  const char *name = adw_view_stack_get_visible_child_name (self->stack);

  if (g_strcmp0 (name, "admin") == 0)
    return gtk_stack_get_visible_child (self->admin_stack);
  return adw_view_stack_get_visible_child (self->stack);
}

/* Ctrl+F: the search of the page in front (People has one), else the choices of Find a
 * Space. */
static void
find_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);
  GtkWidget *page = front_page (self);
  GtkWidget *search = page != NULL ? rb_find_descendant (page, GTK_TYPE_SEARCH_ENTRY) : NULL;
  GtkWidget *find;

  if (search != NULL && gtk_widget_is_drawable (search))
    {
      gtk_widget_grab_focus (search);
      return;
    }
  find = adw_view_stack_get_child_by_name (self->stack, "find");
  adw_view_stack_set_visible_child (self->stack, find);
  rb_find_page_focus_controls (RB_FIND_PAGE (find));
}

/* What Alt+Left and Alt+Right do on the page in front: the day of Find a Space, the week
 * of Occupancy; NULL where a page has no such steps. */
static const char *
step_action (RbWindow *self, gboolean next)
{
  GtkWidget *page = front_page (self);

  if (RB_IS_FIND_PAGE (page))
    return next ? "find.next-day" : "find.previous-day";
  if (RB_IS_OCCUPANCY_PAGE (page))
    return next ? "occupancy.next-week" : "occupancy.previous-week";
  return NULL;
}

static void
step_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);
  const char *action = step_action (self, g_str_equal (action_name, "win.next"));

  if (action != NULL)
    gtk_widget_activate_action (front_page (self), action, NULL);
}

static void
update_step_actions (RbWindow *self)
{
  gboolean steps = step_action (self, TRUE) != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.previous", steps);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.next", steps);
}

static void
hide_unavailable_shortcuts (GtkWidget *widget, RbWindow *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      g_autofree char *action = NULL;

      if (!GTK_IS_SHORTCUTS_SHORTCUT (child))
        {
          hide_unavailable_shortcuts (child, self);
          continue;
        }
      g_object_get (child, "action-name", &action, NULL);
      if (g_strcmp0 (action, "win.show-series") == 0)
        gtk_widget_set_visible (child, adw_view_stack_page_get_visible (self->series_page));
      else if (g_strcmp0 (action, "win.show-occupancy") == 0)
        gtk_widget_set_visible (child, adw_view_stack_page_get_visible (self->occupancy_page));
      else if (g_strcmp0 (action, "win.show-admin") == 0)
        gtk_widget_set_visible (child, adw_view_stack_page_get_visible (self->admin_page));
    }
}

/* The shortcuts window (Ctrl+?) lists the pages the person signed in can see. */
static void
update_help_overlay (RbWindow *self)
{
  GtkShortcutsWindow *overlay
      = gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (self));

  if (overlay != NULL)
    {
      hide_unavailable_shortcuts (GTK_WIDGET (overlay), self);
      rb_accessible_complete (GTK_WIDGET (overlay));
    }
}

/* Each page's action is there while its page is. */
static void
update_page_actions (RbWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-series",
                                 adw_view_stack_page_get_visible (self->series_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-occupancy",
                                 adw_view_stack_page_get_visible (self->occupancy_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.show-admin",
                                 adw_view_stack_page_get_visible (self->admin_page));
  update_help_overlay (self);
}

/* Team reservations are for team leads (and admins), occupancy for facility managers (and
 * admins), the building, the rules and the audit log for admins: the pages follow whoever is
 * signed in. The header says who that is. */
static void
on_person_changed_cb (RbWindow *self)
{
  RbPerson *person = rb_context_get_person (self->context);
  RbRole role = person ? rb_person_get_role (person) : RB_ROLE_STAFF;
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  adw_view_stack_page_set_visible (self->series_page, rb_series_may_create (role));
  adw_view_stack_page_set_visible (self->occupancy_page, rb_occupancy_may_read_reports (role));
  adw_view_stack_page_set_visible (self->admin_page, person != NULL && rb_role_is_admin (role));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-building",
                                 person != NULL && rb_role_is_admin (role));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-building",
                                 person != NULL && rb_role_is_admin (role));
  if (visible != NULL
      && !adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, visible)))
    adw_view_stack_set_visible_child_name (self->stack, "find");
  update_page_actions (self);

  gtk_widget_set_visible (GTK_WIDGET (self->sign_in_button), person == NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->account_button), person != NULL);
  if (person != NULL)
    {
      /* TRANSLATORS: who is signed in, in the window's header: name and role. */
      g_autofree char *who = g_strdup_printf (_("%s (%s)"), rb_person_get_display_name (person),
                                              rb_role_label (rb_person_get_role (person)));
      /* TRANSLATORS: the accessible name of the header's account menu. */
      g_autofree char *accessible = g_strdup_printf (_("Signed in as %s"), who);

      gtk_label_set_label (self->account_label, who);
      rb_accessible_set_label (GTK_WIDGET (self->account_button), accessible);
    }
  /* The session ended without the person signing out (it expired): say so, and ask again. */
  if (person == NULL && self->had_person && !self->signing_out)
    rb_login_dialog_show_message (present_sign_in (self),
                                  _("Your session has ended. Please sign in again."));
  self->had_person = person != NULL;
}

/* ---- the building as a file (administrators) ---------------------------------------------- */

static void
show_error (RbWindow *self, const char *heading, const GError *error)
{
  g_autofree char *text = rb_context_describe_error (self->context, error);
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self),
                                                                         heading, text));

  adw_message_dialog_add_response (dialog, "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result,
                                                               &error);

  if (report == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The Building Was Not Imported"), error);
      return;
    }
  show_toast (self, _("The building was imported."));
}

static void
on_import_response_cb (RbWindow *self, const char *response, RbImportDialog *dialog)
{
  if (!g_str_equal (response, "import"))
    return;
  rb_client_service_import_building_async (rb_context_get_service (self->context),
                                           rb_import_dialog_get_document (dialog), FALSE,
                                           self->cancellable, on_imported_cb,
                                           g_object_ref (self));
}

static void
on_building_file_read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbWindow) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autoptr (JsonNode) document = NULL;
  RbImportDialog *dialog;
  gsize size;
  const char *data;

  if (bytes == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("The File Cannot Be Read"), error);
      return;
    }
  data = g_bytes_get_data (bytes, &size);
  if (!(document = rb_json_parse (data, size, &error)))
    {
      show_error (self, _("The File Cannot Be Imported"), error);
      return;
    }
  dialog = rb_import_dialog_new (self->context, GTK_WINDOW (self), document);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_import_response_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Reads a building file and shows what importing it would do; imports when confirmed. */
void
rb_window_import_building (RbWindow *self, GFile *file)
{
  g_return_if_fail (RB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  g_file_load_bytes_async (file, self->cancellable, on_building_file_read_cb,
                           g_object_ref (self));
}

/* ---- a JSON document from the service, saved to a file ----------------------------------- */

typedef struct
{
  RbWindow *window;
  GFile *file;
  GFileCreateFlags flags;
  char *failure_title;
} JsonSave;

static JsonSave *
json_save_new (RbWindow *window, GFile *file, GFileCreateFlags flags, const char *failure_title)
{
  JsonSave *save = g_new0 (JsonSave, 1);

  save->window = g_object_ref (window);
  save->file = g_object_ref (file);
  save->flags = flags | G_FILE_CREATE_REPLACE_DESTINATION;
  save->failure_title = g_strdup (failure_title);
  return save;
}

static void
json_save_free (JsonSave *save)
{
  g_object_unref (save->window);
  g_object_unref (save->file);
  g_free (save->failure_title);
  g_free (save);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (JsonSave, json_save_free)

static void
json_save_fail (JsonSave *save, const GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (save->window, save->failure_title, error);
}

static void
on_json_written_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (JsonSave) save = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!g_file_replace_contents_finish (G_FILE (source), result, NULL, &error))
    {
      json_save_fail (save, error);
      return;
    }
  name = g_file_get_basename (G_FILE (source));
  /* TRANSLATORS: after a file was saved (the building's export, one's own data), with the
   * file's name. */
  message = g_strdup_printf (_("Saved %s"), name);
  show_toast (save->window, message);
}

/* The document a client service answered (rb_client_service_json_finish), written to the
 * file with a line end after it. */
static void
on_json_document_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (JsonSave) save = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) document = rb_client_service_json_finish (RB_CLIENT_SERVICE (source),
                                                                 result, &error);
  g_autofree char *text = NULL;
  g_autoptr (GBytes) bytes = NULL;
  JsonSave *owned;

  if (document == NULL)
    {
      json_save_fail (save, error);
      return;
    }
  text = rb_json_to_string (document, TRUE);
  bytes = g_bytes_new_take (g_strconcat (text, "\n", NULL), strlen (text) + 1);
  /* Not g_steal_pointer () among the arguments: they may be read in any order. */
  owned = g_steal_pointer (&save);
  g_file_replace_contents_bytes_async (owned->file, bytes, NULL, FALSE, owned->flags,
                                       owned->window->cancellable, on_json_written_cb, owned);
}

/* Writes the building to file (data/building.schema.json). */
void
rb_window_export_building (RbWindow *self, GFile *file)
{
  g_return_if_fail (RB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  rb_client_service_export_building_async (
      rb_context_get_service (self->context), self->cancellable, on_json_document_cb,
      json_save_new (self, file, G_FILE_CREATE_NONE, _ ("The Building Was Not Exported")));
}

static void
on_building_chooser_response_cb (RbWindow *self, int response, GtkNativeDialog *chooser)
{
  gboolean save = gtk_file_chooser_get_action (GTK_FILE_CHOOSER (chooser))
                  == GTK_FILE_CHOOSER_ACTION_SAVE;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL && save)
        rb_window_export_building (self, file);
      else if (file != NULL)
        rb_window_import_building (self, file);
    }
  g_clear_object (&self->building_chooser);
}

static void
choose_building_file (RbWindow *self, gboolean save)
{
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  if (self->building_chooser != NULL)
    return;
  self->building_chooser = gtk_file_chooser_native_new (
      save ? _("Export Building") : _("Import Building"), GTK_WINDOW (self),
      save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
      save ? _("_Save") : _("_Open"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->building_chooser), TRUE);
  gtk_file_filter_set_name (filter, _("Building Files"));
  gtk_file_filter_add_mime_type (filter, "application/json");
  gtk_file_filter_add_suffix (filter, "json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (self->building_chooser), filter);
  if (save)
    /* TRANSLATORS: the suggested file name of the building's export; keep ".json". */
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->building_chooser),
                                       _("building.json"));
  g_signal_connect_object (self->building_chooser, "response",
                           G_CALLBACK (on_building_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->building_chooser));
}

static void
import_building_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_building_file (RB_WINDOW (widget), FALSE);
}

static void
export_building_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  choose_building_file (RB_WINDOW (widget), TRUE);
}

/* ---- the signed-in person's own data (issue 13, DSGVO Art. 15) ------------------------------- */

/* Writes everything held about the signed-in person to file, as JSON. Private: the file
 * says where and when the person was, and nobody else need read it. */
void
rb_window_export_my_data (RbWindow *self, GFile *file)
{
  g_return_if_fail (RB_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  rb_client_service_export_my_data_async (
      rb_context_get_service (self->context), self->cancellable, on_json_document_cb,
      json_save_new (self, file, G_FILE_CREATE_PRIVATE, _ ("Your Data Was Not Saved")));
}

static void
on_my_data_chooser_response_cb (RbWindow *self, int response, GtkNativeDialog *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      if (file != NULL)
        rb_window_export_my_data (self, file);
    }
  g_clear_object (&self->my_data_chooser);
}

static void
export_my_data_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbWindow *self = RB_WINDOW (widget);

  if (self->my_data_chooser != NULL || rb_context_get_person (self->context) == NULL)
    return;
  self->my_data_chooser = gtk_file_chooser_native_new (
      _("Download My Data"), GTK_WINDOW (self), GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"),
      _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (self->my_data_chooser), TRUE);
  /* TRANSLATORS: the suggested file name of a person's own data; keep ".json". */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->my_data_chooser),
                                     _("raumbuch-my-data.json"));
  g_signal_connect_object (self->my_data_chooser, "response",
                           G_CALLBACK (on_my_data_chooser_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->my_data_chooser));
}

/* "Offline", "2 bookings waiting", or both; nothing when all is sent. */
static void
on_sync_state_changed_cb (RbWindow *self)
{
  RbClientService *service = rb_context_get_service (self->context);
  gboolean online = rb_client_service_get_online (service);
  guint pending = rb_client_service_get_pending (service);
  g_autofree char *waiting = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->sync_box), !online || pending > 0);
  if (online && pending == 0)
    return;
  waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u booking waiting",
                                          "%u bookings waiting", pending),
                             pending);
  if (!online && pending > 0)
    /* TRANSLATORS: the header's sync state: "Offline" and how many bookings wait. */
    text = g_strdup_printf (_("Offline · %s"), waiting);
  else if (!online)
    text = g_strdup (_("Offline"));
  else
    text = g_steal_pointer (&waiting);
  gtk_label_set_label (self->sync_label, text);
  gtk_image_set_from_icon_name (self->sync_icon, online ? "emblem-synchronizing-symbolic"
                                                        : "network-offline-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_box),
                               online ? _("Bookings made here are being sent to the booking "
                                          "server.")
                                      : _("The booking server cannot be reached. Bookings are "
                                          "kept here and sent when it is back."));
}

/* Something happened to one of the person's bookings that they did not do. */
static void
on_notice_cb (RbWindow *self, RbBooking *booking)
{
  g_autofree char *name = rb_space_format_name (rb_booking_get_space_kind (booking),
                                                rb_booking_get_space_name (booking));
  g_autofree char *when = rb_context_format_interval (self->context,
                                                      rb_booking_get_interval (booking));
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  GApplication *app = G_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (rb_booking_get_sync_state (booking) == RB_SYNC_STATE_REJECTED)
    {
      title = g_strdup (_("Booking Not Confirmed"));
      /* TRANSLATORS: a booking the server refused after it was queued: space, time, reason. */
      text = g_strdup_printf (_("%s, %s was not booked: %s"), name, when,
                              rb_booking_get_sync_error (booking) ? rb_booking_get_sync_error (booking)
                                                                  : "");
    }
  else
    {
      title = g_strdup (_("Booking Cancelled"));
      /* TRANSLATORS: someone else cancelled the person's booking: space, time, reason. */
      text = g_strdup_printf (_("Your booking of %s, %s was cancelled: %s"), name, when,
                              rb_booking_get_cancel_reason (booking)
                                  ? rb_booking_get_cancel_reason (booking)
                                  : "");
    }
  show_toast (self, text);
  if (app != NULL && !gtk_window_is_active (GTK_WINDOW (self)))
    {
      g_autoptr (GNotification) notification = g_notification_new (title);

      g_notification_set_body (notification, text);
      g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
      g_application_send_notification (app, rb_booking_get_id (booking), notification);
    }
}

static void
rb_window_constructed (GObject *object)
{
  RbWindow *self = RB_WINDOW (object);
  RbClientService *service;
  GSettings *settings;
  AdwViewStackPage *page;

  G_OBJECT_CLASS (rb_window_parent_class)->constructed (object);

  settings = rb_context_get_settings (self->context);
  service = rb_context_get_service (self->context);
  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);

  page = adw_view_stack_add_titled (self->stack, rb_find_page_new (self->context), "find",
                                    _("Find a Space"));
  adw_view_stack_page_set_icon_name (page, "find-location-symbolic");
  page = adw_view_stack_add_titled (self->stack, rb_bookings_page_new (self->context), "bookings",
                                    _("My Bookings"));
  adw_view_stack_page_set_icon_name (page, "x-office-calendar-symbolic");
  self->series_page = adw_view_stack_add_titled (self->stack, rb_series_page_new (self->context),
                                                 "series", _("Team Reservations"));
  adw_view_stack_page_set_icon_name (self->series_page, "system-users-symbolic");
  self->occupancy_page = adw_view_stack_add_titled (self->stack,
                                                    rb_occupancy_page_new (self->context),
                                                    "occupancy", _("Occupancy"));
  adw_view_stack_page_set_icon_name (self->occupancy_page, "x-office-spreadsheet-symbolic");
  self->admin_page = adw_view_stack_add_titled (self->stack, make_admin_page (self), "admin",
                                                _("Administration"));
  adw_view_stack_page_set_icon_name (self->admin_page, "emblem-system-symbolic");

  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (update_step_actions),
                            self);
  g_signal_connect_swapped (self->admin_stack, "notify::visible-child",
                            G_CALLBACK (update_step_actions), self);
  /* The application gives the window its shortcuts window when it takes the window. */
  g_signal_connect (self, "notify::application", G_CALLBACK (update_help_overlay), NULL);
  g_signal_connect_object (service, "notify::person", G_CALLBACK (on_person_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::online", G_CALLBACK (on_sync_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::pending", G_CALLBACK (on_sync_state_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notice", G_CALLBACK (on_notice_cb), self,
                           G_CONNECT_SWAPPED);
  on_person_changed_cb (self);
  on_sync_state_changed_cb (self);
  rb_accessible_complete (GTK_WIDGET (self));
  update_step_actions (self);
}

static void
rb_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbWindow *self = RB_WINDOW (object);

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
rb_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  RbWindow *self = RB_WINDOW (object);

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
rb_window_dispose (GObject *object)
{
  RbWindow *self = RB_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_WINDOW);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->building_chooser);
  g_clear_object (&self->my_data_chooser);

  G_OBJECT_CLASS (rb_window_parent_class)->dispose (object);
}

static void
rb_window_class_init (RbWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  /* the view stack's pages, in the order of the switcher and of Alt+1 … Alt+5 */
  static const char *const show_pages[] = { "win.show-find", "win.show-bookings", "win.show-series",
                                            "win.show-occupancy", "win.show-admin" };

  object_class->constructed = rb_window_constructed;
  object_class->dispose = rb_window_dispose;
  object_class->get_property = rb_window_get_property;
  object_class->set_property = rb_window_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-window.ui");
  gtk_widget_class_bind_template_child (widget_class, RbWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, sign_in_button);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, account_button);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, account_label);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, sync_box);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, sync_icon);
  gtk_widget_class_bind_template_child (widget_class, RbWindow, sync_label);

  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action_cb);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_action_cb);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_action_cb);
  gtk_widget_class_install_action (widget_class, "win.import-building", NULL,
                                   import_building_action_cb);
  gtk_widget_class_install_action (widget_class, "win.export-building", NULL,
                                   export_building_action_cb);
  gtk_widget_class_install_action (widget_class, "win.change-pin", NULL, change_pin_action_cb);
  gtk_widget_class_install_action (widget_class, "win.export-my-data", NULL,
                                   export_my_data_action_cb);
  for (guint i = 0; i < G_N_ELEMENTS (show_pages); i++)
    gtk_widget_class_install_action (widget_class, show_pages[i], NULL, show_page_action_cb);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action_cb);
  gtk_widget_class_install_action (widget_class, "win.previous", NULL, step_action_cb);
  gtk_widget_class_install_action (widget_class, "win.next", NULL, step_action_cb);
}

static void
rb_window_init (RbWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.import-building", FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.export-building", FALSE);
}

RbWindow *
rb_window_new (RbApplication *application, RbContext *context)
{
  return g_object_new (RB_TYPE_WINDOW, "application", application, "context", context, NULL);
}

/* Opens the sign-in dialog, unless somebody is signed in already. */
void
rb_window_ask_sign_in (RbWindow *self)
{
  g_return_if_fail (RB_IS_WINDOW (self));

  if (rb_context_get_person (self->context) == NULL)
    present_sign_in (self);
}
