/* rb-people-page.c: the administrators' People page (see rb-people-page.h). Everything goes
 * through the client service, so it works standalone and against a server alike; the page
 * holds the people as the service's JSON (GET /people), which carries what a list of
 * RbPerson does not: whether a person is active, whether their PIN is a one-time PIN, and
 * whether they have a badge (issue 12: an administrator registers one with the desktop's
 * badge reader, which types the card's secret ID into the dialog's entry). A deactivated
 * person can be erased (issue 13). */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "rb-people-page.h"

#include "rb-accessible.h"

struct _RbPeoplePage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkSearchEntry *search_entry;
  GtkCheckButton *inactive_check;
  GtkCheckButton *deactivate_missing_check;
  GtkLabel *status_label;
  GtkButton *sync_button;
  GtkListBox *people_list;

  /* owned */
  RbContext *context;
  GCancellable *cancellable;
  JsonNode *people;
  GBytes *pending_csv;
  guint loading;
};

G_DEFINE_FINAL_TYPE (RbPeoplePage, rb_people_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ------------------------------------------------------------------------------- */

static void
say (RbPeoplePage *self, const char *text)
{
  gtk_label_set_label (self->status_label, text != NULL ? text : "");
}

static void
say_error (RbPeoplePage *self, const GError *error)
{
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  text = rb_context_describe_error (self->context, error);
  say (self, text);
}

/* A message dialog of this page, as wide as the app's others (AdwMessageDialog guesses a width
 * from its texts that long German responses do not fit). */
static AdwMessageDialog *
message_dialog_new (RbPeoplePage *self, const char *heading, const char *body);

static GtkWindow *
parent_window (RbPeoplePage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL;
}

static AdwMessageDialog *
message_dialog_new (RbPeoplePage *self, const char *heading, const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (parent_window (self), heading, body);

  gtk_window_set_default_size (GTK_WINDOW (dialog), 480, -1);
  return ADW_MESSAGE_DIALOG (dialog);
}

static JsonObject *
find_person (RbPeoplePage *self, const char *id)
{
  JsonArray *items;

  if (self->people == NULL)
    return NULL;
  items = json_object_get_array_member (json_node_get_object (self->people), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *o = json_array_get_object_element (items, i);

      if (g_str_equal (json_object_get_string_member (o, "id"), id))
        return o;
    }
  return NULL;
}

static gboolean
matches (JsonObject *person, const char *needle)
{
  static const char *const fields[] = { "display_name", "staff_number", "team" };

  if (*needle == '\0')
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *folded
          = g_utf8_casefold (json_object_get_string_member (person, fields[i]), -1);

      if (strstr (folded, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

static void on_row_button_clicked_cb (GtkButton *button, RbPeoplePage *self);

/* An icon button of a person's row, named by its tooltip and for screen readers: three
 * labelled buttons do not fit beside a long name in German. */
static GtkWidget *
row_button (RbPeoplePage *self, const char *icon, const char *label, const char *what,
            const char *id)
{
  GtkWidget *button = gtk_button_new_from_icon_name (icon);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, label);
  rb_accessible_set_label (button, label);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "rb-person-id", g_strdup (id), g_free);
  g_object_set_data (G_OBJECT (button), "rb-what", (gpointer) what);
  g_signal_connect_object (button, "clicked", G_CALLBACK (on_row_button_clicked_cb), self, 0);
  return button;
}

static GtkWidget *
person_row (RbPeoplePage *self, JsonObject *person)
{
  const char *id = json_object_get_string_member (person, "id");
  gboolean active = json_object_get_boolean_member (person, "active");
  gboolean has_badge = json_object_get_boolean_member_with_default (person, "has_badge", FALSE);
  RbRole role = RB_ROLE_STAFF;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr (GString) subtitle = g_string_new (NULL);
  const char *team = json_object_get_string_member (person, "team");

  rb_role_from_string (json_object_get_string_member (person, "role"), &role);
  g_string_append (subtitle, json_object_get_string_member (person, "staff_number"));
  if (*team != '\0')
    g_string_append_printf (subtitle, " · %s", team);
  g_string_append_printf (subtitle, " · %s", rb_role_label (role));
  if (!active)
    g_string_append_printf (subtitle, " · %s", _("deactivated"));
  else if (json_object_get_boolean_member (person, "must_change_pin"))
    g_string_append_printf (subtitle, " · %s", _("one-time PIN not used yet"));
  if (has_badge)
    g_string_append_printf (subtitle, " · %s", _("has a badge"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 json_object_get_string_member (person, "display_name"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  if (!active)
    gtk_widget_add_css_class (row, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                             row_button (self, "document-edit-symbolic", _("Edit…"), "edit", id));
  if (active)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "dialog-password-symbolic",
                                           _("Issue a One-Time PIN…"), "pin", id));
  if (active)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "auth-smartcard-symbolic", _("Register Badge…"),
                                           "badge", id));
  if (has_badge)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "edit-clear-symbolic", _("Remove Badges…"),
                                           "remove-badges", id));
  if (active)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "system-log-out-symbolic", _("Deactivate…"),
                                           "deactivate", id));
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "object-rotate-left-symbolic", _("Reactivate"),
                                           "reactivate", id));
  /* Erasure (issue 13) is offered for deactivated people: deactivating, which can be undone,
   * is what an administrator does at once when someone leaves or objects; erasing, which
   * cannot, comes second, and its button stays away from the everyday ones. */
  if (!active)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                               row_button (self, "user-trash-symbolic", _("Erase…"), "erase",
                                           id));
  return row;
}

static void
fill_list (RbPeoplePage *self)
{
  g_autofree char *needle = g_utf8_casefold (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)), -1);
  GtkWidget *child;
  JsonArray *items;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->people_list))) != NULL)
    gtk_list_box_remove (self->people_list, child);
  if (self->people == NULL)
    return;
  items = json_object_get_array_member (json_node_get_object (self->people), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *person = json_array_get_object_element (items, i);

      if (matches (person, needle))
        gtk_list_box_append (self->people_list, person_row (self, person));
    }
}

/* ---- loading ------------------------------------------------------------------------------- */

static void
on_people_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  JsonNode *people = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result, &error);

  self->loading--;
  if (people == NULL)
    {
      say_error (self, error);
      return;
    }
  g_clear_pointer (&self->people, json_node_unref);
  self->people = people;
  fill_list (self);
}

void
rb_people_page_reload (RbPeoplePage *self)
{
  RbPerson *person;

  g_return_if_fail (RB_IS_PEOPLE_PAGE (self));

  person = rb_context_get_person (self->context);
  if (person == NULL || rb_person_get_role (person) != RB_ROLE_ADMIN)
    return;
  self->loading++;
  rb_client_service_list_people_admin_async (
      rb_context_get_service (self->context),
      gtk_check_button_get_active (self->inactive_check), self->cancellable,
      on_people_loaded_cb, g_object_ref (self));
}

gboolean
rb_people_page_is_loading (RbPeoplePage *self)
{
  g_return_val_if_fail (RB_IS_PEOPLE_PAGE (self), FALSE);
  return self->loading > 0;
}

/* ---- a person: add, edit, deactivate, one-time PIN ---------------------------------------- */

static void
on_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) person = rb_client_service_json_finish (RB_CLIENT_SERVICE (source),
                                                               result, &error);
  g_autofree char *text = NULL;

  self->loading--;
  if (person == NULL)
    {
      say_error (self, error);
      return;
    }
  /* TRANSLATORS: after a person was added, changed, deactivated or reactivated. */
  text = g_strdup_printf (_("Saved: %s."),
                          json_object_get_string_member (json_node_get_object (person),
                                                         "display_name"));
  say (self, text);
  rb_people_page_reload (self);
}

static GtkWidget *
labelled_entry (GtkBox *box, const char *label, const char *text)
{
  GtkWidget *title = gtk_label_new_with_mnemonic (label);
  GtkWidget *entry = gtk_entry_new ();

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (title), entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_box_append (box, title);
  gtk_box_append (box, entry);
  return entry;
}

typedef struct
{
  RbPeoplePage *page;
  char *person_id;
  GtkWidget *name;
  GtkWidget *staff_number;
  GtkWidget *team;
  GtkWidget *role;
} EditForm;

static void
edit_form_free (gpointer data, GClosure *closure)
{
  EditForm *form = data;

  g_object_unref (form->page);
  g_free (form->person_id);
  g_free (form);
}

static const RbRole roles[] = { RB_ROLE_STAFF, RB_ROLE_TEAM_LEAD, RB_ROLE_FACILITY_MANAGER,
                                RB_ROLE_ADMIN };

static void
on_edit_response_cb (AdwMessageDialog *dialog, const char *response, EditForm *form)
{
  RbPeoplePage *self = form->page;
  g_autoptr (JsonNode) fields = NULL;
  JsonObject *o;
  guint role = gtk_drop_down_get_selected (GTK_DROP_DOWN (form->role));

  if (!g_str_equal (response, "save"))
    return;
  o = json_object_new ();
  json_object_set_string_member (o, "display_name",
                                 gtk_editable_get_text (GTK_EDITABLE (form->name)));
  json_object_set_string_member (o, "staff_number",
                                 gtk_editable_get_text (GTK_EDITABLE (form->staff_number)));
  json_object_set_string_member (o, "team", gtk_editable_get_text (GTK_EDITABLE (form->team)));
  json_object_set_string_member (o, "role",
                                 rb_role_to_string (roles[MIN (role, G_N_ELEMENTS (roles) - 1)]));
  fields = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (fields, o);
  self->loading++;
  rb_client_service_save_person_async (rb_context_get_service (self->context), form->person_id,
                                       fields, self->cancellable, on_saved_cb,
                                       g_object_ref (self));
}

/* The add or edit form: an AdwMessageDialog with the fields as its extra child. */
static void
show_edit_dialog (RbPeoplePage *self, JsonObject *person)
{
  EditForm *form = g_new0 (EditForm, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autoptr (GtkStringList) role_names = gtk_string_list_new (NULL);
  GtkWidget *role_label = gtk_label_new_with_mnemonic (_("_Role"));
  AdwMessageDialog *dialog;
  RbRole role = RB_ROLE_STAFF;

  form->page = g_object_ref (self);
  form->person_id = person != NULL ? g_strdup (json_object_get_string_member (person, "id"))
                                   : NULL;
  form->name = labelled_entry (GTK_BOX (box), _("_Name"),
                               person ? json_object_get_string_member (person, "display_name")
                                      : NULL);
  form->staff_number = labelled_entry (
      GTK_BOX (box), _("_Staff number"),
      person ? json_object_get_string_member (person, "staff_number") : NULL);
  form->team = labelled_entry (GTK_BOX (box), _("_Team"),
                               person ? json_object_get_string_member (person, "team") : NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    gtk_string_list_append (role_names, rb_role_label (roles[i]));
  form->role = gtk_drop_down_new (G_LIST_MODEL (g_object_ref (role_names)), NULL);
  if (person != NULL)
    rb_role_from_string (json_object_get_string_member (person, "role"), &role);
  for (gsize i = 0; i < G_N_ELEMENTS (roles); i++)
    if (roles[i] == role)
      gtk_drop_down_set_selected (GTK_DROP_DOWN (form->role), i);
  gtk_label_set_xalign (GTK_LABEL (role_label), 0);
  gtk_label_set_mnemonic_widget (GTK_LABEL (role_label), form->role);
  gtk_box_append (GTK_BOX (box), role_label);
  gtk_box_append (GTK_BOX (box), form->role);

  dialog = message_dialog_new (self, person != NULL ? _("Edit Person") : _("Add Person"), NULL);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "save", _("_Save"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "save");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_edit_response_cb), form,
                         edit_form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

typedef struct
{
  RbPeoplePage *page;
  char *person_id;
} PersonAction;

static void
person_action_free (gpointer data, GClosure *closure)
{
  PersonAction *action = data;

  g_object_unref (action->page);
  g_free (action->person_id);
  g_free (action);
}

static void
on_deactivate_response_cb (AdwMessageDialog *dialog, const char *response,
                           PersonAction *action)
{
  RbPeoplePage *self = action->page;

  if (!g_str_equal (response, "deactivate"))
    return;
  self->loading++;
  rb_client_service_set_person_active_async (rb_context_get_service (self->context),
                                             action->person_id, FALSE, self->cancellable,
                                             on_saved_cb, g_object_ref (self));
}

static PersonAction *
person_action_new (RbPeoplePage *self, const char *id)
{
  PersonAction *action = g_new0 (PersonAction, 1);

  action->page = g_object_ref (self);
  action->person_id = g_strdup (id);
  return action;
}

static void
on_pin_dialog_response_cb (AdwMessageDialog *dialog, const char *response, char *pin)
{
  if (g_str_equal (response, "copy"))
    gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (dialog)), pin);
}

static void
wipe_pin (gpointer pin, GClosure *closure)
{
  memset (pin, 0, strlen (pin));
  g_free (pin);
}

static void
on_pin_issued_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  char *pin = rb_client_service_pin_finish (RB_CLIENT_SERVICE (source), result, &error);
  AdwMessageDialog *dialog;
  GtkWidget *label;

  self->loading--;
  if (pin == NULL)
    {
      say_error (self, error);
      return;
    }
  /* Shown this once: the service keeps only its hash, and the dialog forgets it. */
  dialog = message_dialog_new (
      self, _("One-Time PIN"),
      _("Give this PIN to the person. It works once: at first use they choose their own. It "
        "is not shown again."));
  label = gtk_label_new (pin);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-1");
  gtk_widget_set_name (label, "one_time_pin_label");
  adw_message_dialog_set_extra_child (dialog, label);
  adw_message_dialog_add_responses (dialog, "copy", _("_Copy"), "close", _("_Close"), NULL);
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_pin_dialog_response_cb), pin,
                         wipe_pin, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  rb_people_page_reload (self);
}

/* ---- badges (issue 12) ---------------------------------------------------------------------- */

static void
on_badge_saved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) person = rb_client_service_json_finish (RB_CLIENT_SERVICE (source),
                                                               result, &error);
  JsonObject *o;
  g_autofree char *text = NULL;

  self->loading--;
  if (person == NULL)
    {
      say_error (self, error);
      return;
    }
  o = json_node_get_object (person);
  text = g_strdup_printf (json_object_get_boolean_member (o, "has_badge")
                              /* TRANSLATORS: %s is a person's name */
                              ? _("%s has a badge now.")
                              /* TRANSLATORS: %s is a person's name */
                              : _("%s has no badge now."),
                          json_object_get_string_member (o, "display_name"));
  say (self, text);
  rb_people_page_reload (self);
}

typedef struct
{
  RbPeoplePage *page;
  char *person_id;
  GtkWidget *entry;
} BadgeForm;

static void
badge_form_free (gpointer data, GClosure *closure)
{
  BadgeForm *form = data;

  g_object_unref (form->page);
  g_free (form->person_id);
  g_free (form);
}

static void
on_badge_response_cb (AdwMessageDialog *dialog, const char *response, BadgeForm *form)
{
  RbPeoplePage *self = form->page;
  const char *uid = gtk_editable_get_text (GTK_EDITABLE (form->entry));

  if (!g_str_equal (response, "register") || *uid == '\0')
    return;
  self->loading++;
  rb_client_service_register_badge_async (rb_context_get_service (self->context),
                                          form->person_id, uid, self->cancellable,
                                          on_badge_saved_cb, g_object_ref (self));
  /* The card's ID is a secret: it leaves the entry once it is sent. */
  gtk_editable_set_text (GTK_EDITABLE (form->entry), "");
}

/* The entry has the focus, so a badge reader on this PC (a keyboard wedge) types the card's
 * ID into it and its Enter registers; the ID can also be typed by hand. The entry hides
 * what it holds, as a password entry does: the ID is what identifies the person. */
static void
show_badge_dialog (RbPeoplePage *self, JsonObject *person)
{
  BadgeForm *form = g_new0 (BadgeForm, 1);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  g_autofree char *heading = g_strdup_printf (_("Register a Badge for %s"),
                                              json_object_get_string_member (person,
                                                                             "display_name"));
  AdwMessageDialog *dialog = message_dialog_new (
      self, heading,
      _("Hold the badge to this computer’s badge reader, or type the card ID as the badge "
        "office gave it. The ID is kept only as a fingerprint and is never shown again. A "
        "person may have several badges."));

  form->page = g_object_ref (self);
  form->person_id = g_strdup (json_object_get_string_member (person, "id"));
  form->entry = labelled_entry (GTK_BOX (box), _("Card _ID"), NULL);
  gtk_widget_set_name (form->entry, "badge_uid_entry");
  gtk_entry_set_visibility (GTK_ENTRY (form->entry), FALSE);
  gtk_entry_set_input_purpose (GTK_ENTRY (form->entry), GTK_INPUT_PURPOSE_PASSWORD);
  adw_message_dialog_set_extra_child (dialog, box);
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "register", _("_Register"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "register", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "register");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_badge_response_cb), form,
                         badge_form_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (form->entry);
}

static void
on_remove_badges_response_cb (AdwMessageDialog *dialog, const char *response,
                              PersonAction *action)
{
  RbPeoplePage *self = action->page;

  if (!g_str_equal (response, "remove"))
    return;
  self->loading++;
  rb_client_service_remove_badges_async (rb_context_get_service (self->context),
                                         action->person_id, self->cancellable, on_badge_saved_cb,
                                         g_object_ref (self));
}

static void
show_remove_badges_dialog (RbPeoplePage *self, JsonObject *person)
{
  g_autofree char *heading = g_strdup_printf (_("Remove the Badges of %s?"),
                                              json_object_get_string_member (person,
                                                                             "display_name"));
  AdwMessageDialog *dialog = message_dialog_new (
      self, heading,
      _("None of their badges identifies them at a kiosk any more. To replace a lost badge, "
        "remove the badges, then register the new one."));

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "remove", _("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_remove_badges_response_cb),
                         person_action_new (self, json_object_get_string_member (person, "id")),
                         person_action_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- erasure (issue 13, DSGVO Art. 17) ------------------------------------------------------ */

static void
on_erased_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source),
                                                               result, &error);
  g_autofree char *text = NULL;

  self->loading--;
  if (report == NULL)
    {
      say_error (self, error);
      return;
    }
  /* TRANSLATORS: after an erasure; %s is its reference in the audit log, which the
   * administrator notes with the person's request (the entry says nothing else of who). */
  text = g_strdup_printf (_("Erased. Reference in the audit log: %s."),
                          json_object_get_string_member (json_node_get_object (report),
                                                         "erasure_id"));
  say (self, text);
  rb_people_page_reload (self);
}

static void
on_erase_response_cb (AdwMessageDialog *dialog, const char *response, PersonAction *action)
{
  RbPeoplePage *self = action->page;

  if (!g_str_equal (response, "erase"))
    return;
  self->loading++;
  rb_client_service_erase_person_async (rb_context_get_service (self->context),
                                        action->person_id, self->cancellable, on_erased_cb,
                                        g_object_ref (self));
}

static void
show_erase_dialog (RbPeoplePage *self, JsonObject *person)
{
  g_autofree char *heading = g_strdup_printf (_("Erase %s?"),
                                              json_object_get_string_member (person,
                                                                             "display_name"));
  g_autofree char *body = g_strdup_printf (
      "%s\n\n%s",
      _("Raumbuch forgets this person: their name, staff number, badges and sessions are "
        "deleted, their coming bookings are cancelled so that the spaces are free again, and "
        "all their bookings lose who made them and their titles. The audit log keeps what "
        "was done and when, but no longer says it was them. The erasure itself is in the audit "
        "log, without their name or staff number."),
      _("This cannot be undone."));
  AdwMessageDialog *dialog = message_dialog_new (self, heading, body);

  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "erase", _("_Erase"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "erase", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_erase_response_cb),
                         person_action_new (self, json_object_get_string_member (person, "id")),
                         person_action_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_row_button_clicked_cb (GtkButton *button, RbPeoplePage *self)
{
  const char *id = g_object_get_data (G_OBJECT (button), "rb-person-id");
  const char *what = g_object_get_data (G_OBJECT (button), "rb-what");
  JsonObject *person = find_person (self, id);
  RbClientService *service = rb_context_get_service (self->context);

  if (person == NULL)
    return;
  if (g_str_equal (what, "edit"))
    show_edit_dialog (self, person);
  else if (g_str_equal (what, "badge"))
    show_badge_dialog (self, person);
  else if (g_str_equal (what, "remove-badges"))
    show_remove_badges_dialog (self, person);
  else if (g_str_equal (what, "erase"))
    show_erase_dialog (self, person);
  else if (g_str_equal (what, "pin"))
    {
      self->loading++;
      rb_client_service_issue_one_time_pin_async (service, id, self->cancellable,
                                                  on_pin_issued_cb, g_object_ref (self));
    }
  else if (g_str_equal (what, "reactivate"))
    {
      self->loading++;
      rb_client_service_set_person_active_async (service, id, TRUE, self->cancellable,
                                                 on_saved_cb, g_object_ref (self));
    }
  else
    {
      g_autofree char *heading = g_strdup_printf (_("Deactivate %s?"),
                                                  json_object_get_string_member (person,
                                                                                 "display_name"));
      AdwMessageDialog *dialog = message_dialog_new (
          self, heading,
          _("They are signed out everywhere, their coming bookings are cancelled with a "
            "reason they see, and they can no longer sign in or book at a kiosk until they "
            "are reactivated."));

      adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "deactivate",
                                        _("_Deactivate"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "deactivate",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      g_signal_connect_data (dialog, "response", G_CALLBACK (on_deactivate_response_cb),
                             person_action_new (self, id), person_action_free, 0);
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static void
add_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  show_edit_dialog (RB_PEOPLE_PAGE (widget), NULL);
}

/* ---- the CSV import ------------------------------------------------------------------------ */

/* How many people a people import or a directory sync adds, changes and deactivates. */
static void
append_counts (GString *text, JsonObject *report)
{
  /* TRANSLATORS: the summary of a people import or a directory sync: how many people are
   * added, changed and deactivated. */
  g_string_append_printf (
      text, _ ("%u to add, %u to change, %u to deactivate."),
      json_array_get_length (json_object_get_array_member (report, "added")),
      json_array_get_length (json_object_get_array_member (report, "changed")),
      json_array_get_length (json_object_get_array_member (report, "deactivated")));
}

/* The report of an import or a sync (or of its dry run), or NULL after saying why not. */
static JsonNode *
finish_report (RbPeoplePage *self, GObject *source, GAsyncResult *result)
{
  g_autoptr (GError) error = NULL;
  JsonNode *report = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result, &error);

  self->loading--;
  if (report == NULL)
    say_error (self, error);
  return report;
}

static char *
describe_report (JsonObject *report)
{
  JsonArray *errors = json_object_get_array_member (report, "errors");
  GString *text = g_string_new (NULL);

  if (json_array_get_length (errors) > 0)
    {
      g_string_append (text, _("The file has mistakes; nothing was imported. Please correct "
                               "them and try again:"));
      for (guint i = 0; i < json_array_get_length (errors); i++)
        g_string_append_printf (text, "\n• %s", json_array_get_string_element (errors, i));
      return g_string_free (text, FALSE);
    }
  append_counts (text, report);
  return g_string_free (text, FALSE);
}

static void
on_imported_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (JsonNode) report = finish_report (self, source, result);
  g_autofree char *summary = NULL;
  g_autofree char *text = NULL;

  if (report == NULL)
    return;
  summary = describe_report (json_node_get_object (report));
  /* TRANSLATORS: after a people import; %s is its summary. */
  text = g_strdup_printf (_("Imported. %s"), summary);
  say (self, text);
  rb_people_page_reload (self);
}

static void
on_report_response_cb (AdwMessageDialog *dialog, const char *response, RbPeoplePage *self)
{
  g_autoptr (GBytes) csv = g_steal_pointer (&self->pending_csv);

  if (!g_str_equal (response, "import") || csv == NULL)
    return;
  self->loading++;
  rb_client_service_import_people_async (
      rb_context_get_service (self->context), csv, FALSE,
      gtk_check_button_get_active (self->deactivate_missing_check), self->cancellable,
      on_imported_cb, g_object_ref (self));
}

static void
on_dry_run_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (JsonNode) report = finish_report (self, source, result);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  gboolean clean;

  if (report == NULL)
    {
      g_clear_pointer (&self->pending_csv, g_bytes_unref);
      return;
    }
  clean = json_array_get_length (
              json_object_get_array_member (json_node_get_object (report), "errors"))
          == 0;
  body = describe_report (json_node_get_object (report));
  dialog = message_dialog_new (self, _("Import People"), body);
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  if (clean)
    {
      adw_message_dialog_add_response (dialog, "import", _("_Import"));
      adw_message_dialog_set_response_appearance (dialog, "import", ADW_RESPONSE_SUGGESTED);
    }
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_report_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
on_file_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  if (!g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    {
      self->loading--;
      say (self, error->message);
      return;
    }
  g_clear_pointer (&self->pending_csv, g_bytes_unref);
  self->pending_csv = g_bytes_new_take (contents, length);
  /* What the import would do, first; nothing is written before it is confirmed. */
  rb_client_service_import_people_async (
      rb_context_get_service (self->context), self->pending_csv, TRUE,
      gtk_check_button_get_active (self->deactivate_missing_check), self->cancellable,
      on_dry_run_cb, g_object_ref (self));
}

/* Reads a CSV file and shows what importing it would do, to be confirmed. */
void
rb_people_page_import_file (RbPeoplePage *self, GFile *file)
{
  g_return_if_fail (RB_IS_PEOPLE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  self->loading++;
  g_file_load_contents_async (file, self->cancellable, on_file_loaded_cb, g_object_ref (self));
}

static void
on_chooser_response_cb (GtkNativeDialog *chooser, int response, RbPeoplePage *self)
{
  g_autoptr (GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
  if (file != NULL)
    rb_people_page_import_file (self, file);
  g_object_unref (chooser);
}

static void
import_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      _("Import People from CSV"), parent_window (self), GTK_FILE_CHOOSER_ACTION_OPEN,
      _("_Open"), _("_Cancel"));
  g_autoptr (GtkFileFilter) filter = gtk_file_filter_new ();

  gtk_file_filter_set_name (filter, _("CSV files"));
  gtk_file_filter_add_pattern (filter, "*.csv");
  gtk_file_filter_add_mime_type (filter, "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (on_chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the directory (issue 14) ------------------------------------------------------------ */

/* Unlike a file's, a directory's entries that cannot be taken stop nothing: they are named,
 * and the rest is synced. */
static char *
describe_sync_report (JsonObject *report)
{
  JsonArray *errors = json_object_get_array_member (report, "errors");
  GString *text = g_string_new (NULL);

  append_counts (text, report);
  if (json_array_get_length (errors) > 0)
    g_string_append (text, _(" These directory entries are left as they are:"));
  for (guint i = 0; i < json_array_get_length (errors); i++)
    g_string_append_printf (text, "\n• %s", json_array_get_string_element (errors, i));
  return g_string_free (text, FALSE);
}

static void
on_directory_synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (JsonNode) report = finish_report (self, source, result);
  g_autofree char *summary = NULL;
  g_autofree char *text = NULL;

  if (report == NULL)
    return;
  summary = describe_sync_report (json_node_get_object (report));
  /* TRANSLATORS: after a sync with the directory; %s is its summary. */
  text = g_strdup_printf (_("Synced with the directory. %s"), summary);
  say (self, text);
  rb_people_page_reload (self);
}

static void
on_sync_response_cb (AdwMessageDialog *dialog, const char *response, RbPeoplePage *self)
{
  if (!g_str_equal (response, "sync"))
    return;
  self->loading++;
  rb_client_service_sync_directory_async (rb_context_get_service (self->context), FALSE,
                                          self->cancellable, on_directory_synced_cb,
                                          g_object_ref (self));
}

static void
on_sync_preview_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbPeoplePage) self = user_data;
  g_autoptr (JsonNode) report = finish_report (self, source, result);
  g_autofree char *summary = NULL;
  AdwMessageDialog *dialog;

  if (report == NULL)
    return;
  summary = describe_sync_report (json_node_get_object (report));
  dialog = message_dialog_new (self, _("Sync with the Directory"), summary);
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_add_response (dialog, "sync", _("_Sync"));
  adw_message_dialog_set_response_appearance (dialog, "sync", ADW_RESPONSE_SUGGESTED);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_sync_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* What a sync would change, first (the server's dry run); nothing changes before it is
 * confirmed. The server syncs by itself too; this is for a change that cannot wait. */
static void
sync_directory_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (widget);

  self->loading++;
  rb_client_service_sync_directory_async (rb_context_get_service (self->context), TRUE,
                                          self->cancellable, on_sync_preview_cb,
                                          g_object_ref (self));
}

/* The button is there only where the server has a directory. */
static void
update_sync_button (RbPeoplePage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->sync_button),
                          rb_client_service_get_offers_directory_sign_in (
                              rb_context_get_service (self->context)));
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
rb_people_page_constructed (GObject *object)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (object);

  G_OBJECT_CLASS (rb_people_page_parent_class)->constructed (object);

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (fill_list), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->inactive_check, "toggled", G_CALLBACK (rb_people_page_reload),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context), "notify::person",
                           G_CALLBACK (rb_people_page_reload), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self, "map", G_CALLBACK (rb_people_page_reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (rb_context_get_service (self->context),
                           "notify::offers-directory-sign-in", G_CALLBACK (update_sync_button),
                           self, G_CONNECT_SWAPPED);
  update_sync_button (self);
}

static void
rb_people_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (object);

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
rb_people_page_set_property (GObject *object, guint prop_id, const GValue *value,
                             GParamSpec *pspec)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (object);

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
rb_people_page_dispose (GObject *object)
{
  RbPeoplePage *self = RB_PEOPLE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_PEOPLE_PAGE);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->people, json_node_unref);
  g_clear_pointer (&self->pending_csv, g_bytes_unref);

  G_OBJECT_CLASS (rb_people_page_parent_class)->dispose (object);
}

static void
rb_people_page_class_init (RbPeoplePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_people_page_constructed;
  object_class->dispose = rb_people_page_dispose;
  object_class->get_property = rb_people_page_get_property;
  object_class->set_property = rb_people_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-people-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, inactive_check);
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, deactivate_missing_check);
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, status_label);
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, people_list);
  gtk_widget_class_bind_template_child (widget_class, RbPeoplePage, sync_button);

  gtk_widget_class_install_action (widget_class, "people.add", NULL, add_action_cb);
  gtk_widget_class_install_action (widget_class, "people.import", NULL, import_action_cb);
  gtk_widget_class_install_action (widget_class, "people.sync-directory", NULL,
                                   sync_directory_action_cb);
}

static void
rb_people_page_init (RbPeoplePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_people_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_PEOPLE_PAGE, "context", context, NULL);
}
