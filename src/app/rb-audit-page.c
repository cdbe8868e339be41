/* rb-audit-page.c: see rb-audit-page.h. A page of entries (GET /api/v1/audit's shape, from
 * rb_client_service_list_audit_async) becomes one row each: when and who in the title, the
 * action and its subject, and what changed — the members of "before" and "after" that differ,
 * as "name: old → new" — below. "Older Entries" reads the next page. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-audit-page.h"

#define PAGE_SIZE 50
/* A long value (a block's reason, a building file) is cut to this many characters. */
#define MAX_VALUE_CHARS 60

struct _RbAuditPage
{
  AdwBin parent_instance;

  /* template widgets */
  GtkRevealer *error_revealer;
  GtkLabel *error_label;
  GtkListBox *entry_list;
  GtkLabel *empty_label;
  GtkButton *older_button;

  /* owned */
  RbContext *context;
  GCancellable *cancellable; /* the request under way, replaced by a newer one */
  char *next_before;
  gboolean loading;
};

G_DEFINE_FINAL_TYPE (RbAuditPage, rb_audit_page, ADW_TYPE_BIN)

enum
{
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- helpers ---------------------------------------------------------------------------- */

static gboolean
allowed (RbAuditPage *self)
{
  RbPerson *person = rb_context_get_person (self->context);

  return person != NULL && rb_person_get_role (person) == RB_ROLE_ADMIN;
}

static const char *
describe_action (const char *action)
{
  if (g_strcmp0 (action, "policy.update") == 0)
    return _("Rules changed");
  if (g_strcmp0 (action, "block.create") == 0)
    return _("Space blocked");
  if (g_strcmp0 (action, "block.lift") == 0)
    return _("Block lifted");
  if (g_strcmp0 (action, "building.import") == 0)
    return _("Building imported");
  if (g_strcmp0 (action, "person.show_name") == 0)
    return _("Consent to show name changed");
  if (g_strcmp0 (action, "personal_data.read") == 0)
    return _("Bookings seen with a name");
  /* Entries of changes this version does not name yet keep their machine name. */
  return action;
}

static char *
value_text (JsonNode *node)
{
  g_autofree char *text = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    /* TRANSLATORS: an empty value in the audit log's "before → after". */
    return g_strdup (C_ ("audit value", "none"));
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    text = g_strdup (json_node_get_string (node));
  else if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    text = g_strdup (json_node_get_boolean (node) ? C_ ("audit value", "yes")
                                                  : C_ ("audit value", "no"));
  else
    text = rb_json_to_string (node, FALSE);
  if (g_utf8_strlen (text, -1) > MAX_VALUE_CHARS)
    {
      g_autofree char *cut = g_utf8_substring (text, 0, MAX_VALUE_CHARS);
      return g_strconcat (cut, "…", NULL);
    }
  return g_steal_pointer (&text);
}

/* "name: old → new" for every member that differs; a whole object when one side is empty. */
static char *
describe_change (JsonNode *before, JsonNode *after)
{
  g_autoptr (GString) text = g_string_new (NULL);
  JsonObject *old_object = before && JSON_NODE_HOLDS_OBJECT (before)
                               ? json_node_get_object (before) : NULL;
  JsonObject *new_object = after && JSON_NODE_HOLDS_OBJECT (after)
                               ? json_node_get_object (after) : NULL;
  JsonObject *names = new_object ? new_object : old_object;
  g_autoptr (GList) members = NULL;

  if (names == NULL)
    {
      g_autofree char *old_text = value_text (before);
      g_autofree char *new_text = value_text (after);

      return g_strdup_printf ("%s → %s", old_text, new_text);
    }
  members = json_object_get_members (names);
  if (old_object != NULL && new_object != NULL)
    for (GList *l = json_object_get_members (old_object); l != NULL; l = g_list_delete_link (l, l))
      if (!json_object_has_member (new_object, l->data))
        members = g_list_append (members, l->data);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *old_value = old_object ? json_object_get_member (old_object, l->data) : NULL;
      JsonNode *new_value = new_object ? json_object_get_member (new_object, l->data) : NULL;
      g_autofree char *old_text = NULL;
      g_autofree char *new_text = NULL;

      if (old_value != NULL && new_value != NULL && json_node_equal (old_value, new_value))
        continue;
      old_text = value_text (old_value);
      new_text = value_text (new_value);
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append_printf (text, "%s: %s → %s", (const char *) l->data, old_text, new_text);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
entry_row (RbAuditPage *self, JsonObject *entry)
{
  GtkWidget *row = adw_action_row_new ();
  JsonNode *actor = json_object_get_member (entry, "actor");
  const char *at_text = json_object_get_string_member_with_default (entry, "at", "");
  const char *subject = json_object_get_string_member_with_default (entry, "subject", "");
  const char *who;
  g_autofree char *when = NULL;
  g_autofree char *title = NULL;
  g_autofree char *change = NULL;
  g_autofree char *subtitle = NULL;
  gint64 at = 0;

  if (actor != NULL && JSON_NODE_HOLDS_OBJECT (actor))
    who = json_object_get_string_member_with_default (json_node_get_object (actor),
                                                      "display_name", "");
  else
    /* TRANSLATORS: who made a change in the audit log when it was the server's own command
     * line (an import by the operator). */
    who = _("Server administration");
  if (rb_time_parse_rfc3339 (at_text, &at) == NULL)
    {
      g_autofree char *date = rb_context_format_date (self->context, at);
      g_autofree char *time = rb_context_format_time (self->context, at);

      /* TRANSLATORS: when an audit entry was written: a date, then a time of day. */
      when = g_strdup_printf (_("%s, %s"), date, time);
    }
  else
    when = g_strdup (at_text);
  /* TRANSLATORS: an audit log entry's title: when, who, what, e.g. "Today, 09:15 · Rainer
   * Vogt · Rules changed". */
  title = g_strdup_printf (_("%s · %s · %s"), when, who,
                           describe_action (json_object_get_string_member_with_default (
                               entry, "action", "")));
  change = describe_change (json_object_get_member (entry, "before"),
                            json_object_get_member (entry, "after"));
  subtitle = *subject != '\0' ? g_strdup_printf ("%s\n%s", subject, change)
                              : g_steal_pointer (&change);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  return row;
}

static void
clear_list (RbAuditPage *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->entry_list))) != NULL)
    gtk_list_box_remove (self->entry_list, child);
}

/* ---- loading ------------------------------------------------------------------------------ */

static void
on_page_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbAuditPage) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) page = rb_client_service_json_finish (RB_CLIENT_SERVICE (source), result,
                                                             &error);
  JsonArray *items;
  const char *next;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->loading = FALSE;
  if (page == NULL)
    {
      g_autofree char *message = rb_context_describe_error (self->context, error);

      gtk_label_set_label (self->error_label, message);
      gtk_revealer_set_reveal_child (self->error_revealer, TRUE);
      return;
    }
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);
  items = json_object_get_array_member (json_node_get_object (page), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item = json_array_get_element (items, i);

      if (JSON_NODE_HOLDS_OBJECT (item))
        gtk_list_box_append (self->entry_list, entry_row (self, json_node_get_object (item)));
    }
  next = json_object_get_string_member_with_default (json_node_get_object (page),
                                                     "next_before", NULL);
  g_free (self->next_before);
  self->next_before = g_strdup (next);
  gtk_widget_set_visible (GTK_WIDGET (self->older_button), self->next_before != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label),
                          gtk_widget_get_first_child (GTK_WIDGET (self->entry_list)) == NULL);
}

static void
load (RbAuditPage *self, const char *before)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->loading = TRUE;
  rb_client_service_list_audit_async (rb_context_get_service (self->context), PAGE_SIZE, before,
                                      self->cancellable, on_page_loaded_cb, g_object_ref (self));
}

/* ---- signal callbacks ------------------------------------------------------------------- */

static void
on_older_clicked_cb (RbAuditPage *self)
{
  g_autofree char *before = g_strdup (self->next_before);

  if (before != NULL)
    load (self, before);
}

/* ---- GObject ---------------------------------------------------------------------------- */

static void
rb_audit_page_constructed (GObject *object)
{
  RbAuditPage *self = RB_AUDIT_PAGE (object);
  RbClientService *service;

  G_OBJECT_CLASS (rb_audit_page_parent_class)->constructed (object);

  service = rb_context_get_service (self->context);
  g_signal_connect_object (service, "changed", G_CALLBACK (rb_audit_page_reload), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (service, "notify::person", G_CALLBACK (rb_audit_page_reload), self,
                           G_CONNECT_SWAPPED);
  rb_audit_page_reload (self);
}

static void
rb_audit_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbAuditPage *self = RB_AUDIT_PAGE (object);

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
rb_audit_page_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  RbAuditPage *self = RB_AUDIT_PAGE (object);

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
rb_audit_page_dispose (GObject *object)
{
  RbAuditPage *self = RB_AUDIT_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_AUDIT_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (rb_audit_page_parent_class)->dispose (object);
}

static void
rb_audit_page_finalize (GObject *object)
{
  RbAuditPage *self = RB_AUDIT_PAGE (object);

  g_clear_object (&self->cancellable);
  g_free (self->next_before);

  G_OBJECT_CLASS (rb_audit_page_parent_class)->finalize (object);
}

static void
rb_audit_page_class_init (RbAuditPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_audit_page_constructed;
  object_class->dispose = rb_audit_page_dispose;
  object_class->finalize = rb_audit_page_finalize;
  object_class->get_property = rb_audit_page_get_property;
  object_class->set_property = rb_audit_page_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-audit-page.ui");
  gtk_widget_class_bind_template_child (widget_class, RbAuditPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, RbAuditPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, RbAuditPage, entry_list);
  gtk_widget_class_bind_template_child (widget_class, RbAuditPage, empty_label);
  gtk_widget_class_bind_template_child (widget_class, RbAuditPage, older_button);
  gtk_widget_class_bind_template_callback (widget_class, on_older_clicked_cb);
}

static void
rb_audit_page_init (RbAuditPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
}

GtkWidget *
rb_audit_page_new (RbContext *context)
{
  return g_object_new (RB_TYPE_AUDIT_PAGE, "context", context, NULL);
}

/* Reads the newest entries again (after any change, or another person signing in). */
void
rb_audit_page_reload (RbAuditPage *self)
{
  g_return_if_fail (RB_IS_AUDIT_PAGE (self));

  clear_list (self);
  g_clear_pointer (&self->next_before, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->older_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), FALSE);
  if (!allowed (self))
    {
      g_cancellable_cancel (self->cancellable);
      self->loading = FALSE;
      return;
    }
  load (self, NULL);
}

gboolean
rb_audit_page_is_loading (RbAuditPage *self)
{
  g_return_val_if_fail (RB_IS_AUDIT_PAGE (self), FALSE);
  return self->loading;
}
