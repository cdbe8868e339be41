/* test-server-roles.c: every operation that data/openapi.json restricts to some roles
 * (`x-raumbuch-roles`) is called by every kind of caller — no session, a kiosk's device
 * token, and a person of each role — against the real server. Callers outside the list get
 * 401 (no session; a kiosk's device token where only sessions count) or 403 `forbidden`,
 * before anything of the request is validated or looked
 * up; callers in the list get past the check (whatever their request then deserves: a
 * deliberately empty request may well be 404 or 422). The test walks the file, so an
 * endpoint added there with its roles is tested here without another line of code. */
#include "config.h"

#include <string.h>

#include "rb-test-server.h"
#include "rb-test-util.h"

#define NOW_RFC3339 "2026-11-30T06:00:00Z"

static const char *const roles[] = { "staff", "team_lead", "facility_manager", "admin" };

typedef struct
{
  RbTestServer *server;
  SoupSession *session;
  char *device_token;
  char *tokens[G_N_ELEMENTS (roles)];
  JsonNode *openapi;
} World;

static World world;

typedef struct
{
  char *method;
  char *path;
  char *content_type; /* of the request body, or NULL */
  GStrv allowed;
} Operation;

static void
operation_free (Operation *op)
{
  g_free (op->method);
  g_free (op->path);
  g_free (op->content_type);
  g_strfreev (op->allowed);
  g_free (op);
}

/* The path with every {parameter} replaced by an id that exists nowhere. */
static char *
concrete_path (const char *path)
{
  g_autoptr (GString) out = g_string_new ("/api/v1");

  for (const char *p = path; *p != '\0'; p++)
    {
      if (*p == '{')
        {
          const char *end = strchr (p, '}');

          g_assert_nonnull (end);
          g_string_append (out, "no-such-id");
          p = end;
          continue;
        }
      g_string_append_c (out, *p);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static RbTestResponse *
call (Operation *op, const char *token)
{
  g_autofree char *path = concrete_path (op->path);
  g_autofree char *url = rb_test_server_url (world.server, "%s", path);
  SoupMessage *msg = rb_test_message_new (op->method, url, token);

  if (op->content_type != NULL)
    {
      const char *body = g_str_equal (op->content_type, "application/json") ? "{}" : "x";
      g_autoptr (GBytes) bytes = g_bytes_new_static (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, op->content_type, bytes);
    }
  return rb_test_send (world.session, msg);
}

/* Fails the case (and goes on with the others) unless r is the problem expected. */
static void
assert_refused (Operation *op, const char *caller, RbTestResponse *r, guint status,
                const char *code)
{
  if (!rb_test_response_is_problem (r, status, code))
    {
      g_autofree char *described = rb_test_response_describe (r);

      g_test_message ("%s %s by %s: expected %u %s, got %s", op->method, op->path, caller,
                      status, code, described);
      g_test_fail ();
    }
}

static void
test_operation (gconstpointer data)
{
  Operation *op = (Operation *) data;

  {
    g_autoptr (RbTestResponse) r = call (op, NULL);
    assert_refused (op, "nobody", r, 401, "unauthenticated");
  }
  /* A kiosk is nobody's session: 401 where only a person's session counts, 403 where a
   * device token is accepted but not for this. */
  if (!g_strv_contains ((const char *const *) op->allowed, "kiosk"))
    {
      g_autoptr (RbTestResponse) r = call (op, world.device_token);

      if (!rb_test_response_is_problem (r, 401, "unauthenticated"))
        assert_refused (op, "a kiosk", r, 403, "forbidden");
    }
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    {
      g_autoptr (RbTestResponse) r = call (op, world.tokens[i]);

      if (g_strv_contains ((const char *const *) op->allowed, roles[i]))
        {
          g_autofree char *described = rb_test_response_describe (r);

          g_assert_cmpuint (r->status, !=, 0);
          if (r->status == 401 || r->status == 403)
            {
              g_test_message ("%s %s by %s: refused although allowed: %s", op->method, op->path,
                              roles[i], described);
              g_test_fail ();
            }
        }
      else
        assert_refused (op, roles[i], r, 403, "forbidden");
    }
}

/* Each restricted operation of the file, in its order. */
static GPtrArray *
restricted_operations (void)
{
  GPtrArray *ops = g_ptr_array_new_with_free_func ((GDestroyNotify) operation_free);
  JsonObject *paths = json_object_get_object_member (json_node_get_object (world.openapi),
                                                     "paths");
  g_autoptr (GList) path_names = json_object_get_members (paths);

  for (GList *p = path_names; p != NULL; p = p->next)
    {
      JsonObject *item = json_object_get_object_member (paths, p->data);
      g_autoptr (GList) methods = json_object_get_members (item);

      for (GList *m = methods; m != NULL; m = m->next)
        {
          JsonNode *node = json_object_get_member (item, m->data);
          JsonObject *operation;
          JsonArray *allowed;
          Operation *op;

          if (!JSON_NODE_HOLDS_OBJECT (node))
            continue;
          operation = json_node_get_object (node);
          if (!json_object_has_member (operation, "x-raumbuch-roles"))
            continue;
          allowed = json_object_get_array_member (operation, "x-raumbuch-roles");
          op = g_new0 (Operation, 1);
          op->method = g_ascii_strup (m->data, -1);
          op->path = g_strdup (p->data);
          op->allowed = g_new0 (char *, json_array_get_length (allowed) + 1);
          for (guint i = 0; i < json_array_get_length (allowed); i++)
            op->allowed[i] = g_strdup (json_array_get_string_element (allowed, i));
          if (json_object_has_member (operation, "requestBody"))
            {
              JsonObject *content = json_object_get_object_member (
                  json_object_get_object_member (operation, "requestBody"), "content");
              g_autoptr (GList) types = json_object_get_members (content);

              op->content_type = g_strdup (types->data);
            }
          g_ptr_array_add (ops, op);
        }
    }
  return ops;
}

int
main (int argc, char *argv[])
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ops = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *text = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);

  g_assert_true (g_file_get_contents (g_getenv ("RAUMBUCH_OPENAPI"), &text, NULL, &error));
  g_assert_no_error (error);
  world.openapi = json_from_string (text, &error);
  g_assert_no_error (error);

  dir = rb_test_make_tmpdir ();
  world.server = rb_test_server_new (dir);
  rb_test_server_set_now (world.server, NOW_RFC3339);
  world.device_token = rb_test_server_add_device (world.server, "Kiosk Foyer", NULL);
  rb_test_server_start (world.server);
  world.session = rb_test_client_new ();
  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    world.tokens[i]
        = rb_test_login_person (world.session, world.server,
                                rb_test_demo_person_with_role (roles[i], 0));

  ops = restricted_operations ();
  /* The file marks the operations of facility managers and administrators at least. */
  g_assert_cmpuint (ops->len, >=, 7);
  for (guint i = 0; i < ops->len; i++)
    {
      Operation *op = g_ptr_array_index (ops, i);
      g_autofree char *test_path = g_strdup_printf ("/roles/%s%s", op->method, op->path);

      g_strdelimit (test_path + strlen ("/roles/"), "{}", '_');
      g_test_add_data_func (test_path, op, test_operation);
    }
  status = g_test_run ();

  for (guint i = 0; i < G_N_ELEMENTS (roles); i++)
    g_free (world.tokens[i]);
  g_free (world.device_token);
  g_object_unref (world.session);
  rb_test_server_stop (world.server);
  rb_test_server_free (world.server);
  json_node_unref (world.openapi);
  rb_test_remove_tree (dir);
  return status;
}
