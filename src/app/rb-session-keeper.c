/* rb-session-keeper.c: the session in the keyring (see rb-session-keeper.h).
 *
 * One item per place the bookings live (the service's location: a server's address or a
 * database file), holding the session-secret of the service, with the person's id as an
 * attribute. Whenever the service's secret changes the item follows: a sign-in stores it, a
 * sign-out or an ended session clears it. Without a keyring (no Secret Service on the
 * session bus) the app still works; it only asks again at the next start. */
#include "config.h"

#include <glib/gi18n.h>
#include <libsecret/secret.h>

#include "rb-session-keeper.h"

struct _RbSessionKeeper
{
  GObject parent_instance;

  RbClientService *service;
  GCancellable *cancellable;
  /* set while a kept session is being taken up, which must not store it again */
  gboolean restoring;
};

G_DEFINE_FINAL_TYPE (RbSessionKeeper, rb_session_keeper, G_TYPE_OBJECT)

static const SecretSchema *
session_schema (void)
{
  static const SecretSchema schema = {
    APP_ID ".Session",
    SECRET_SCHEMA_NONE,
    {
      { "location", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "person", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
  };

  return &schema;
}

static void
on_stored_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;

  if (!secret_password_store_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_message ("The session could not be kept in the keyring: %s", error->message);
}

/* Once the kept item is gone, the service's session (if it has one by now) is kept. */
static void
on_cleared_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (RbSessionKeeper) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *label = NULL;
  const char *secret;
  const char *location;
  RbPerson *person;

  if (!secret_password_clear_finish (result, &error) && error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_message ("The session could not be removed from the keyring: %s", error->message);
      return;
    }
  if (self->service == NULL)
    return;
  secret = rb_client_service_get_session_secret (self->service);
  location = rb_client_service_get_location (self->service);
  person = rb_client_service_get_person (self->service);
  if (secret == NULL || person == NULL)
    return;
  /* TRANSLATORS: the keyring item's name; %s is the booking server or database. */
  label = g_strdup_printf (_("Raumbuch session for %s"), location);
  secret_password_store (session_schema (), SECRET_COLLECTION_DEFAULT, label, secret,
                         self->cancellable, on_stored_cb, NULL, "location", location, "person",
                         rb_person_get_id (person), NULL);
}

/* One item per location. Storing alone would add a second item when someone else signs in
 * (the person is an attribute), and the next start could take up either; so whatever is
 * kept there goes first, and the session the service has once that is done is kept. The
 * keyring answers in order, so the last change always wins. */
static void
on_secret_changed_cb (RbSessionKeeper *self)
{
  if (self->restoring)
    return;
  secret_password_clear (session_schema (), self->cancellable, on_cleared_cb, g_object_ref (self),
                         "location", rb_client_service_get_location (self->service), NULL);
}

static void
rb_session_keeper_dispose (GObject *object)
{
  RbSessionKeeper *self = RB_SESSION_KEEPER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->service);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (rb_session_keeper_parent_class)->dispose (object);
}

static void
rb_session_keeper_class_init (RbSessionKeeperClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = rb_session_keeper_dispose;
}

static void
rb_session_keeper_init (RbSessionKeeper *self)
{
  self->cancellable = g_cancellable_new ();
}

RbSessionKeeper *
rb_session_keeper_new (RbClientService *service)
{
  RbSessionKeeper *self = g_object_new (RB_TYPE_SESSION_KEEPER, NULL);

  self->service = g_object_ref (service);
  g_signal_connect_object (service, "notify::session-secret", G_CALLBACK (on_secret_changed_cb),
                           self, G_CONNECT_SWAPPED);
  return self;
}

/* ---- restoring ---------------------------------------------------------------------------- */

static void
on_resumed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSessionKeeper *self = g_task_get_source_object (task);
  GError *error = NULL;
  RbPerson *person = rb_client_service_person_finish (RB_CLIENT_SERVICE (source), result, &error);

  self->restoring = FALSE;
  if (person == NULL)
    {
      /* The kept session is no good (it expired, or the database is another one): forget it. */
      if (g_error_matches (error, RB_ERROR, RB_ERROR_UNAUTHENTICATED))
        on_secret_changed_cb (self);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, person, g_object_unref);
}

static void
on_secret_retrieved_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  RbSessionKeeper *self = g_task_get_source_object (task);
  GError *error = NULL;
  g_autoptr (SecretValue) value = secret_retrievable_retrieve_secret_finish (
      SECRET_RETRIEVABLE (source), result, &error);
  g_autoptr (GHashTable) attributes = NULL;

  if (value == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, error);
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }
  attributes = secret_retrievable_get_attributes (SECRET_RETRIEVABLE (source));
  self->restoring = TRUE;
  rb_client_service_resume_async (self->service, g_hash_table_lookup (attributes, "person"),
                                  secret_value_get_text (value), g_task_get_cancellable (task),
                                  on_resumed_cb, g_object_ref (task));
}

static void
on_items_found_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  g_autolist (SecretRetrievable) items = secret_password_search_finish (result, &error);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (items == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  secret_retrievable_retrieve_secret (items->data, g_task_get_cancellable (task),
                                      on_secret_retrieved_cb, g_object_ref (task));
}

/* Takes up the session kept for the service's location, if there is one: finishes with the
 * person signed in again, NULL when nothing was kept, or an error (no keyring, or a kept
 * session the service refused — which is then forgotten). */
void
rb_session_keeper_restore_async (RbSessionKeeper *self, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, rb_session_keeper_restore_async);
  secret_password_search (session_schema (), SECRET_SEARCH_LOAD_SECRETS | SECRET_SEARCH_UNLOCK,
                          cancellable, on_items_found_cb, task, "location",
                          rb_client_service_get_location (self->service), NULL);
}

RbPerson *
rb_session_keeper_restore_finish (RbSessionKeeper *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
