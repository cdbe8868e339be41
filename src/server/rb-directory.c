/* rb-directory.c: sign-in and the people of the ministry's directory (rb-directory.h). */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <ldap.h>
#include <sodium.h>
#include <string.h>

#include "rb-directory.h"

/* What one page of a search may hold: below Active Directory's MaxPageSize (1000) and
 * slapd's default size limit (500), so that a directory of any size is read whole. */
#define PAGE_SIZE 250
#define MAX_USERNAME 256

struct _RbDirectory
{
  GObject parent_instance;

  char *url;
  gboolean starttls;
  char *ca_file;
  int timeout;
  char *base_dn;
  char *bind_dn;
  char *bind_password;
  char *user_filter;
  char *username_attribute;
  char *staff_number_attribute;
  char *display_name_attribute;
  char *team_attribute;
  char *disabled_filter;
  char *group_base_dn;
  char *group_filter;
  char *member_attribute;
  /* normalised DNs, or NULL */
  char *users_group;
  char *role_groups[RB_ROLE_ADMIN + 1];
  guint sync_interval;
};

G_DEFINE_FINAL_TYPE (RbDirectory, rb_directory, G_TYPE_OBJECT)

/* ---- the configuration ------------------------------------------------------------------- */

typedef struct
{
  const char *key;
  gsize offset; /* of a char * in RbDirectory, or 0 for the keys handled by hand */
  const char *fallback;
} StringKey;

#define FIELD(name) G_STRUCT_OFFSET (RbDirectory, name)

static const StringKey string_keys[] = {
  { "url", FIELD (url), NULL },
  { "ca-file", FIELD (ca_file), "" },
  { "base-dn", FIELD (base_dn), NULL },
  { "bind-dn", FIELD (bind_dn), NULL },
  { "user-filter", FIELD (user_filter), "(objectClass=person)" },
  { "username-attribute", FIELD (username_attribute), "uid" },
  { "staff-number-attribute", FIELD (staff_number_attribute), "employeeNumber" },
  { "display-name-attribute", FIELD (display_name_attribute), "displayName" },
  { "team-attribute", FIELD (team_attribute), "departmentNumber" },
  { "disabled-filter", FIELD (disabled_filter), "" },
  { "group-base-dn", FIELD (group_base_dn), "" },
  { "group-filter", FIELD (group_filter),
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group))" },
  { "member-attribute", FIELD (member_attribute), "member" },
  { "bind-password-file", 0, NULL },
  { "users-group", 0, "" },
  { "admin-group", 0, "" },
  { "facility-manager-group", 0, "" },
  { "team-lead-group", 0, "" },
  { "starttls", 0, "" },
  { "timeout", 0, "" },
  { "sync-interval", 0, "" },
};

static void
set_error (GError **error, const char *key, const char *message)
{
  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: %s", key, message);
}

/* A DN in the one form that comparisons use: RFC 4514 without spaces, lower case (DNs
 * compare case-insensitively in every directory this is for). NULL when it is no DN. */
static char *
normalise_dn (const char *dn)
{
  char *out = NULL;
  char *lower;

  if (ldap_dn_normalize (dn, LDAP_DN_FORMAT_LDAPV3, &out, LDAP_DN_FORMAT_LDAPV3) != LDAP_SUCCESS
      || out == NULL)
    return NULL;
  lower = g_utf8_strdown (out, -1);
  ldap_memfree (out);
  return lower;
}

static gboolean
read_group (GKeyFile *file, const char *key, char **out, GError **error)
{
  g_autofree char *value = g_key_file_get_string (file, RB_DIRECTORY_GROUP, key, NULL);

  if (value == NULL || *value == '\0')
    return TRUE;
  if (!(*out = normalise_dn (value)))
    {
      set_error (error, key, "not a distinguished name");
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_int (GKeyFile *file, const char *key, int fallback, int min, int *out, GError **error)
{
  g_autoptr (GError) local_error = NULL;

  if (!g_key_file_has_key (file, RB_DIRECTORY_GROUP, key, NULL))
    {
      *out = fallback;
      return TRUE;
    }
  *out = g_key_file_get_integer (file, RB_DIRECTORY_GROUP, key, &local_error);
  if (local_error != NULL || *out < min)
    {
      set_error (error, key, local_error != NULL ? local_error->message : "too small");
      return FALSE;
    }
  return TRUE;
}

/* The service account's password comes from a file of its own (mode 0600, owned by the
 * server's user), so that the configuration file can be read by whoever administers it. */
static char *
read_password_file (const char *path, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  /* The line end that editors add is not part of the password; spaces may be. */
  length = strlen (contents);
  while (length > 0 && (contents[length - 1] == '\n' || contents[length - 1] == '\r'))
    contents[--length] = '\0';
  if (length == 0)
    {
      set_error (error, "bind-password-file", "the file is empty");
      return NULL;
    }
  return g_steal_pointer (&contents);
}

static gboolean
configure (RbDirectory *self, GKeyFile *file, GError **error)
{
  g_auto (GStrv) keys = g_key_file_get_keys (file, RB_DIRECTORY_GROUP, NULL, error);
  g_autofree char *password_file = NULL;
  int sync_interval = 0;
  GError *local_error = NULL;

  if (keys == NULL)
    return FALSE;
  /* A misspelt key would silently fall back to a default: refuse it, naming it. */
  for (guint i = 0; keys[i] != NULL; i++)
    {
      gboolean known = FALSE;

      for (guint k = 0; k < G_N_ELEMENTS (string_keys) && !known; k++)
        known = g_str_equal (keys[i], string_keys[k].key);
      if (!known)
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
                       "unknown setting “%s” in [" RB_DIRECTORY_GROUP "]", keys[i]);
          return FALSE;
        }
    }
  for (guint k = 0; k < G_N_ELEMENTS (string_keys); k++)
    {
      char **field;
      char *value;

      if (string_keys[k].offset == 0)
        continue;
      field = G_STRUCT_MEMBER_P (self, string_keys[k].offset);
      value = g_key_file_get_string (file, RB_DIRECTORY_GROUP, string_keys[k].key, NULL);
      if (value == NULL && string_keys[k].fallback == NULL)
        {
          set_error (error, string_keys[k].key, "missing");
          return FALSE;
        }
      *field = value != NULL ? value : g_strdup (string_keys[k].fallback);
    }

  if (!g_str_has_prefix (self->url, "ldap://") && !g_str_has_prefix (self->url, "ldaps://"))
    {
      set_error (error, "url", "must start with ldap:// or ldaps://");
      return FALSE;
    }
  self->starttls = g_str_has_prefix (self->url, "ldap://");
  if (g_key_file_has_key (file, RB_DIRECTORY_GROUP, "starttls", NULL))
    {
      self->starttls = g_key_file_get_boolean (file, RB_DIRECTORY_GROUP, "starttls", &local_error);
      if (local_error != NULL)
        {
          set_error (error, "starttls", local_error->message);
          g_error_free (local_error);
          return FALSE;
        }
      if (self->starttls && g_str_has_prefix (self->url, "ldaps://"))
        {
          set_error (error, "starttls", "ldaps:// is TLS already");
          return FALSE;
        }
    }
  if (*self->group_base_dn == '\0')
    {
      g_free (self->group_base_dn);
      self->group_base_dn = g_strdup (self->base_dn);
    }

  password_file = g_key_file_get_string (file, RB_DIRECTORY_GROUP, "bind-password-file", NULL);
  if (password_file == NULL)
    {
      set_error (error, "bind-password-file", "missing");
      return FALSE;
    }
  if (!(self->bind_password = read_password_file (password_file, error)))
    return FALSE;

  if (!read_int (file, "timeout", 5, 1, &self->timeout, error)
      || !read_int (file, "sync-interval", 3600, 0, &sync_interval, error)
      || !read_group (file, "users-group", &self->users_group, error)
      || !read_group (file, "admin-group", &self->role_groups[RB_ROLE_ADMIN], error)
      || !read_group (file, "facility-manager-group", &self->role_groups[RB_ROLE_FACILITY_MANAGER],
                      error)
      || !read_group (file, "team-lead-group", &self->role_groups[RB_ROLE_TEAM_LEAD], error))
    return FALSE;
  self->sync_interval = (guint)sync_interval;
  return TRUE;
}

/* ---- talking to the directory --------------------------------------------------------------- */

/* A failed call: the directory is down or unreachable, or refused the service account. The
 * detail for the log; the person sees the translated message of the code. */
static void
set_unavailable (GError **error, LDAP *ld, const char *what, int rc)
{
  char *detail = NULL;

  /* The library's own words say why, e.g. which certificate check failed. */
  if (ld != NULL)
    ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &detail);
  g_printerr ("directory: %s: %s%s%s\n", what, ldap_err2string (rc),
              detail != NULL && *detail != '\0' ? ": " : "", detail != NULL ? detail : "");
  ldap_memfree (detail);
  rb_set_error (error, RB_ERROR_DIRECTORY_UNAVAILABLE, NULL);
}

static LDAP *
connect_to (RbDirectory *self, GError **error)
{
  LDAP *ld = NULL;
  int version = LDAP_VERSION3;
  struct timeval timeout = { self->timeout, 0 };
  int rc = ldap_initialize (&ld, self->url);

  if (rc != LDAP_SUCCESS)
    {
      set_unavailable (error, NULL, "ldap_initialize", rc);
      return NULL;
    }
  ldap_set_option (ld, LDAP_OPT_PROTOCOL_VERSION, &version);
  ldap_set_option (ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
  ldap_set_option (ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
  ldap_set_option (ld, LDAP_OPT_TIMEOUT, &timeout);
  if (*self->ca_file != '\0')
    {
      int zero = 0;

      ldap_set_option (ld, LDAP_OPT_X_TLS_CACERTFILE, self->ca_file);
      ldap_set_option (ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
    }
  if (self->starttls && (rc = ldap_start_tls_s (ld, NULL, NULL)) != LDAP_SUCCESS)
    {
      set_unavailable (error, ld, "StartTLS", rc);
      ldap_unbind_ext_s (ld, NULL, NULL);
      return NULL;
    }
  return ld;
}

static int
simple_bind (LDAP *ld, const char *dn, const char *password)
{
  struct berval cred = { strlen (password), (char *)password };

  return ldap_sasl_bind_s (ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

static LDAP *
connect_as_service (RbDirectory *self, GError **error)
{
  LDAP *ld = connect_to (self, error);
  int rc;

  if (ld == NULL)
    return NULL;
  if ((rc = simple_bind (ld, self->bind_dn, self->bind_password)) != LDAP_SUCCESS)
    {
      set_unavailable (error, ld, "the service account's bind", rc);
      ldap_unbind_ext_s (ld, NULL, NULL);
      return NULL;
    }
  return ld;
}

static char *
first_value (LDAP *ld, LDAPMessage *entry, const char *attribute)
{
  struct berval **values = ldap_get_values_len (ld, entry, attribute);
  char *value = NULL;

  if (values != NULL && values[0] != NULL
      && g_utf8_validate (values[0]->bv_val, values[0]->bv_len, NULL))
    value = g_strndup (values[0]->bv_val, values[0]->bv_len);
  ldap_value_free_len (values);
  return value;
}

typedef gboolean (*EntryFunc) (LDAP *ld, LDAPMessage *entry, gpointer data, GError **error);

/* A subtree search, read page by page (RFC 2696), calling func for each entry. */
static gboolean
paged_search (LDAP *ld, const char *base, int scope, const char *filter, char **attributes,
              EntryFunc func, gpointer data, GError **error)
{
  struct berval cookie = { 0, NULL };
  gboolean ok = TRUE;

  do
    {
      LDAPControl *page = NULL;
      LDAPControl *controls[2] = { NULL, NULL };
      LDAPControl **returned = NULL;
      LDAPMessage *result = NULL;
      int rc, code = LDAP_SUCCESS;

      rc = ldap_create_page_control (ld, PAGE_SIZE, &cookie, 0, &page);
      g_free (cookie.bv_val);
      cookie.bv_val = NULL;
      cookie.bv_len = 0;
      if (rc != LDAP_SUCCESS)
        {
          set_unavailable (error, ld, "the paged-results control", rc);
          return FALSE;
        }
      controls[0] = page;
      rc = ldap_search_ext_s (ld, base, scope, filter, attributes, 0, controls, NULL, NULL,
                              LDAP_NO_LIMIT, &result);
      ldap_control_free (page);
      /* Every failure fails the whole search, a base DN that does not exist too: a sync that
       * took it for an empty directory would deactivate everyone. */
      if (rc == LDAP_SUCCESS || rc == LDAP_SIZELIMIT_EXCEEDED)
        rc = ldap_parse_result (ld, result, &code, NULL, NULL, NULL, &returned, 0);
      if (rc != LDAP_SUCCESS || code != LDAP_SUCCESS)
        {
          set_unavailable (error, ld, filter, rc != LDAP_SUCCESS ? rc : code);
          ldap_msgfree (result);
          ldap_controls_free (returned);
          return FALSE;
        }
      for (LDAPMessage *entry = ldap_first_entry (ld, result); entry != NULL && ok;
           entry = ldap_next_entry (ld, entry))
        ok = func (ld, entry, data, error);
      if (ok && returned != NULL)
        {
          LDAPControl *response = ldap_control_find (LDAP_CONTROL_PAGEDRESULTS, returned, NULL);
          ber_int_t estimate = 0;
          struct berval next = { 0, NULL };

          if (response != NULL
              && ldap_parse_pageresponse_control (ld, response, &estimate, &next) == LDAP_SUCCESS
              && next.bv_len > 0)
            {
              cookie.bv_val = g_memdup2 (next.bv_val, next.bv_len);
              cookie.bv_len = next.bv_len;
            }
          ber_memfree (next.bv_val);
        }
      ldap_controls_free (returned);
      ldap_msgfree (result);
    }
  while (ok && cookie.bv_len > 0);
  g_free (cookie.bv_val);
  return ok;
}

/* ---- groups ---------------------------------------------------------------------------------- */

static gboolean
add_group_cb (LDAP *ld, LDAPMessage *entry, gpointer data, GError **error)
{
  GHashTable *groups = data;
  char *dn = ldap_get_dn (ld, entry);
  char *key = dn != NULL ? normalise_dn (dn) : NULL;
  BerElement *ber = NULL;
  GPtrArray *members;

  ldap_memfree (dn);
  if (key == NULL)
    return TRUE;
  members = g_ptr_array_new_with_free_func (g_free);
  for (char *attribute = ldap_first_attribute (ld, entry, &ber); attribute != NULL;
       attribute = ldap_next_attribute (ld, entry, ber))
    {
      struct berval **values = ldap_get_values_len (ld, entry, attribute);

      for (guint i = 0; values != NULL && values[i] != NULL; i++)
        {
          g_autofree char *value = g_strndup (values[i]->bv_val, values[i]->bv_len);
          char *member = normalise_dn (value);

          if (member != NULL)
            g_ptr_array_add (members, member);
        }
      ldap_value_free_len (values);
      ldap_memfree (attribute);
    }
  ber_free (ber, 0);
  g_hash_table_replace (groups, key, members);
  return TRUE;
}

/* Every group below group-base-dn: normalised DN → its members' normalised DNs. */
static GHashTable *
load_groups (RbDirectory *self, LDAP *ld, GError **error)
{
  g_autoptr (GHashTable) groups
      = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
  char *attributes[] = { self->member_attribute, NULL };

  if (!paged_search (ld, self->group_base_dn, LDAP_SCOPE_SUBTREE, self->group_filter, attributes,
                     add_group_cb, groups, error))
    return NULL;
  return g_steal_pointer (&groups);
}

/* Adds the members of group, and of the groups inside it at any depth, to out (a group that
 * contains itself through others is followed once). */
static void
collect_members (GHashTable *groups, const char *group, GHashTable *visited, GHashTable *out)
{
  GPtrArray *members = g_hash_table_lookup (groups, group);

  if (members == NULL || g_hash_table_contains (visited, group))
    return;
  g_hash_table_add (visited, (gpointer)group);
  for (guint i = 0; i < members->len; i++)
    {
      const char *member = g_ptr_array_index (members, i);

      if (g_hash_table_contains (groups, member))
        collect_members (groups, member, visited, out);
      else
        g_hash_table_add (out, (gpointer)member);
    }
}

static GHashTable *
members_of (GHashTable *groups, const char *group)
{
  GHashTable *out = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) visited = g_hash_table_new (g_str_hash, g_str_equal);

  if (group != NULL)
    collect_members (groups, group, visited, out);
  return out;
}

/* Who may use Raumbuch (everyone without users-group) and with which role: the highest
 * role whose group holds them, directly or through nested groups. */
typedef struct
{
  GHashTable *groups;
  GHashTable *users;
  GHashTable *roles[RB_ROLE_ADMIN + 1];
} Membership;

static void
membership_clear (Membership *m)
{
  g_clear_pointer (&m->users, g_hash_table_unref);
  for (guint r = 0; r <= RB_ROLE_ADMIN; r++)
    g_clear_pointer (&m->roles[r], g_hash_table_unref);
  g_clear_pointer (&m->groups, g_hash_table_unref);
}

static gboolean
membership_load (RbDirectory *self, LDAP *ld, Membership *m, GError **error)
{
  if (!(m->groups = load_groups (self, ld, error)))
    return FALSE;
  if (self->users_group != NULL)
    m->users = members_of (m->groups, self->users_group);
  for (guint r = RB_ROLE_TEAM_LEAD; r <= RB_ROLE_ADMIN; r++)
    m->roles[r] = members_of (m->groups, self->role_groups[r]);
  return TRUE;
}

static gboolean
membership_is_user (Membership *m, const char *dn)
{
  return m->users == NULL || g_hash_table_contains (m->users, dn);
}

static RbRole
membership_role (Membership *m, const char *dn)
{
  for (int r = RB_ROLE_ADMIN; r > RB_ROLE_STAFF; r--)
    if (m->roles[r] != NULL && g_hash_table_contains (m->roles[r], dn))
      return (RbRole)r;
  return RB_ROLE_STAFF;
}

/* ---- people -----------------------------------------------------------------------------------
 */

typedef struct
{
  RbDirectory *self;
  Membership *membership;
  GHashTable *disabled; /* normalised DNs, or NULL */
  GPtrArray *people;
  char *dn; /* of a single look-up */
} Collect;

static RbDirectoryPerson *
person_from_entry (RbDirectory *self, LDAP *ld, LDAPMessage *entry)
{
  RbDirectoryPerson *person = g_new0 (RbDirectoryPerson, 1);

  person->username = first_value (ld, entry, self->username_attribute);
  person->staff_number = first_value (ld, entry, self->staff_number_attribute);
  person->display_name = first_value (ld, entry, self->display_name_attribute);
  person->team = first_value (ld, entry, self->team_attribute);
  if (person->display_name == NULL)
    person->display_name = g_strdup (person->username);
  return person;
}

static gboolean
add_disabled_cb (LDAP *ld, LDAPMessage *entry, gpointer data, GError **error)
{
  char *dn = ldap_get_dn (ld, entry);

  if (dn != NULL)
    {
      char *key = normalise_dn (dn);

      if (key != NULL)
        g_hash_table_add (data, key);
      ldap_memfree (dn);
    }
  return TRUE;
}

static gboolean
add_person_cb (LDAP *ld, LDAPMessage *entry, gpointer data, GError **error)
{
  Collect *c = data;
  char *raw_dn = ldap_get_dn (ld, entry);
  g_autofree char *dn = raw_dn != NULL ? normalise_dn (raw_dn) : NULL;
  RbDirectoryPerson *person;

  ldap_memfree (raw_dn);
  if (dn == NULL || !membership_is_user (c->membership, dn))
    return TRUE;
  person = person_from_entry (c->self, ld, entry);
  /* Without a user name or staff number, nobody could sign in or be matched: left out, and
   * so deactivated if they were synced before. */
  if (person->username == NULL || person->staff_number == NULL)
    {
      rb_directory_person_free (person);
      return TRUE;
    }
  person->role = membership_role (c->membership, dn);
  person->disabled = c->disabled != NULL && g_hash_table_contains (c->disabled, dn);
  g_ptr_array_add (c->people, person);
  return TRUE;
}

static char *
and_filter (const char *first, const char *second)
{
  return g_strdup_printf ("(&%s%s)", first, second);
}

static char **
person_attributes (RbDirectory *self, char **attributes)
{
  attributes[0] = self->username_attribute;
  attributes[1] = self->staff_number_attribute;
  attributes[2] = self->display_name_attribute;
  attributes[3] = self->team_attribute;
  attributes[4] = NULL;
  return attributes;
}

/* Everyone whom the directory lets use Raumbuch (user-filter, and users-group when set),
 * with role and whether disabled-filter marks them; an array of RbDirectoryPerson. Blocks. */
GPtrArray *
rb_directory_list_people (RbDirectory *self, GError **error)
{
  LDAP *ld;
  Membership membership = { 0 };
  g_autoptr (GHashTable) disabled = NULL;
  g_autoptr (GPtrArray) people
      = g_ptr_array_new_with_free_func ((GDestroyNotify)rb_directory_person_free);
  char *attributes[5];
  Collect c = { self, &membership, NULL, people, NULL };
  gboolean ok;

  g_return_val_if_fail (RB_IS_DIRECTORY (self), NULL);

  if (!(ld = connect_as_service (self, error)))
    return NULL;
  ok = membership_load (self, ld, &membership, error);
  if (ok && *self->disabled_filter != '\0')
    {
      g_autofree char *filter = and_filter (self->user_filter, self->disabled_filter);
      char *dn_only[] = { LDAP_NO_ATTRS, NULL };

      disabled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      c.disabled = disabled;
      ok = paged_search (ld, self->base_dn, LDAP_SCOPE_SUBTREE, filter, dn_only, add_disabled_cb,
                         disabled, error);
    }
  if (ok)
    ok = paged_search (ld, self->base_dn, LDAP_SCOPE_SUBTREE, self->user_filter,
                       person_attributes (self, attributes), add_person_cb, &c, error);
  membership_clear (&membership);
  ldap_unbind_ext_s (ld, NULL, NULL);
  return ok ? g_steal_pointer (&people) : NULL;
}

static gboolean
find_user_cb (LDAP *ld, LDAPMessage *entry, gpointer data, GError **error)
{
  Collect *c = data;
  char *dn = ldap_get_dn (ld, entry);

  /* Two entries with one user name: nobody can tell whose password this is. */
  if (c->dn != NULL)
    {
      ldap_memfree (dn);
      rb_set_error (error, RB_ERROR_WRONG_PASSWORD, NULL);
      return FALSE;
    }
  c->dn = g_strdup (dn);
  g_ptr_array_add (c->people, person_from_entry (c->self, ld, entry));
  ldap_memfree (dn);
  return TRUE;
}

/* Active Directory says why a bind failed in the diagnostic message ("…, data 775, …"):
 * 533 disabled, 775 locked, 701 and 532 expired, 773 must change the password. */
static RbErrorCode
bind_failure_code (LDAP *ld)
{
  char *message = NULL;
  RbErrorCode code = RB_ERROR_WRONG_PASSWORD;

  ldap_get_option (ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &message);
  if (message != NULL)
    {
      if (strstr (message, "data 775") != NULL)
        code = RB_ERROR_ACCOUNT_LOCKED;
      else if (strstr (message, "data 533") != NULL || strstr (message, "data 701") != NULL
               || strstr (message, "data 532") != NULL || strstr (message, "data 773") != NULL)
        code = RB_ERROR_ACCOUNT_DISABLED;
      ldap_memfree (message);
    }
  return code;
}

/* Checks a person's directory password by binding as them, and returns who they are.
 * RB_ERROR_WRONG_PASSWORD for an unknown user name or a wrong password (the same answer
 * for both), RB_ERROR_ACCOUNT_DISABLED or RB_ERROR_ACCOUNT_LOCKED for an account the
 * directory refuses, RB_ERROR_FORBIDDEN for one outside users-group, and
 * RB_ERROR_DIRECTORY_UNAVAILABLE when the directory cannot be asked. Blocks. */
RbDirectoryPerson *
rb_directory_authenticate (RbDirectory *self, const char *username, const char *password,
                           GError **error)
{
  struct berval raw = { 0, NULL };
  struct berval escaped = { 0, NULL };
  g_autofree char *user_filter = NULL;
  g_autofree char *filter = NULL;
  g_autoptr (GPtrArray) found
      = g_ptr_array_new_with_free_func ((GDestroyNotify)rb_directory_person_free);
  Membership membership = { 0 };
  Collect c = { self, &membership, NULL, found, NULL };
  char *attributes[5];
  g_autofree char *dn = NULL;
  RbDirectoryPerson *person = NULL;
  LDAP *ld;
  LDAP *user_ld = NULL;
  int rc;

  g_return_val_if_fail (RB_IS_DIRECTORY (self), NULL);

  /* An empty password is an unauthenticated bind (RFC 4513, 5.1.2), which many directories
   * accept: it must never reach one. */
  if (*password == '\0' || *username == '\0' || strlen (username) > MAX_USERNAME)
    {
      rb_set_error (error, RB_ERROR_WRONG_PASSWORD, NULL);
      return NULL;
    }
  raw.bv_val = (char *)username;
  raw.bv_len = strlen (username);
  if (ldap_bv2escaped_filter_value (&raw, &escaped) != 0)
    {
      rb_set_error (error, RB_ERROR_WRONG_PASSWORD, NULL);
      return NULL;
    }
  user_filter = g_strdup_printf ("(%s=%s)", self->username_attribute, escaped.bv_val);
  ber_memfree (escaped.bv_val);
  filter = and_filter (self->user_filter, user_filter);

  if (!(ld = connect_as_service (self, error)))
    return NULL;
  if (!paged_search (ld, self->base_dn, LDAP_SCOPE_SUBTREE, filter,
                     person_attributes (self, attributes), find_user_cb, &c, error))
    goto out;
  if (c.dn == NULL)
    {
      rb_set_error (error, RB_ERROR_WRONG_PASSWORD, NULL);
      goto out;
    }

  /* The person's own bind, on a connection of its own: the service's stays as it is. */
  if (!(user_ld = connect_to (self, error)))
    goto out;
  rc = simple_bind (user_ld, c.dn, password);
  if (rc == LDAP_INVALID_CREDENTIALS)
    {
      rb_set_error (error, bind_failure_code (user_ld), NULL);
      goto out;
    }
  if (rc != LDAP_SUCCESS)
    {
      set_unavailable (error, user_ld, "a person's bind", rc);
      goto out;
    }

  dn = normalise_dn (c.dn);
  if (*self->disabled_filter != '\0')
    {
      g_autoptr (GHashTable) disabled
          = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      char *dn_only[] = { LDAP_NO_ATTRS, NULL };

      if (!paged_search (ld, c.dn, LDAP_SCOPE_BASE, self->disabled_filter, dn_only, add_disabled_cb,
                         disabled, error))
        goto out;
      if (g_hash_table_size (disabled) > 0)
        {
          rb_set_error (error, RB_ERROR_ACCOUNT_DISABLED, NULL);
          goto out;
        }
    }
  if (!membership_load (self, ld, &membership, error))
    goto out;
  if (dn == NULL || !membership_is_user (&membership, dn))
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, "%s",
                    _ ("Your directory account is not among the people who may use Raumbuch."));
      goto out;
    }
  person = g_ptr_array_steal_index (found, 0);
  if (person->staff_number == NULL)
    {
      rb_set_error (error, RB_ERROR_FORBIDDEN, "%s",
                    _ ("Your directory account has no staff number. Please ask the IT "
                       "service desk."));
      g_clear_pointer (&person, rb_directory_person_free);
      goto out;
    }
  person->role = membership_role (&membership, dn);

out:
  membership_clear (&membership);
  g_free (c.dn);
  if (user_ld != NULL)
    ldap_unbind_ext_s (user_ld, NULL, NULL);
  ldap_unbind_ext_s (ld, NULL, NULL);
  return person;
}

/* ---- the object ------------------------------------------------------------------------------ */

static void
rb_directory_finalize (GObject *object)
{
  RbDirectory *self = RB_DIRECTORY (object);

  for (guint k = 0; k < G_N_ELEMENTS (string_keys); k++)
    if (string_keys[k].offset != 0)
      g_free (G_STRUCT_MEMBER (char *, self, string_keys[k].offset));
  if (self->bind_password != NULL)
    {
      sodium_memzero (self->bind_password, strlen (self->bind_password));
      g_free (self->bind_password);
    }
  g_free (self->users_group);
  for (guint r = 0; r <= RB_ROLE_ADMIN; r++)
    g_free (self->role_groups[r]);
  G_OBJECT_CLASS (rb_directory_parent_class)->finalize (object);
}

static void
rb_directory_class_init (RbDirectoryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_directory_finalize;
}

static void
rb_directory_init (RbDirectory *self)
{
}

/* The directory of the configuration's [directory] section; an unknown or missing key, a
 * malformed DN or an unreadable password file is an error naming the key. Nothing is
 * contacted yet. */
RbDirectory *
rb_directory_new_from_key_file (GKeyFile *file, GError **error)
{
  g_autoptr (RbDirectory) self = g_object_new (RB_TYPE_DIRECTORY, NULL);

  if (!configure (self, file, error))
    return NULL;
  return g_steal_pointer (&self);
}

guint
rb_directory_get_sync_interval (RbDirectory *self)
{
  g_return_val_if_fail (RB_IS_DIRECTORY (self), 0);
  return self->sync_interval;
}

/* ---- a sync, without blocking the caller's main context -------------------------------------- */

typedef struct
{
  RbStore *store;
  char *actor_id;
  gboolean dry_run;
  GPtrArray *people;
} SyncData;

static void
sync_data_free (SyncData *data)
{
  g_clear_object (&data->store);
  g_free (data->actor_id);
  g_clear_pointer (&data->people, g_ptr_array_unref);
  g_free (data);
}

static gpointer
sync_job (RbStore *store, gpointer user_data, GCancellable *cancellable, GError **error)
{
  SyncData *data = user_data;

  return rb_people_store_sync_directory_sync (store, data->actor_id, data->people, TRUE,
                                              data->dry_run, error);
}

static void
synced_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GTask) task = user_data;
  GError *error = NULL;
  JsonNode *report = rb_store_run_finish (RB_STORE (source), result, &error);

  if (report == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, report, (GDestroyNotify)json_node_unref);
}

static void
list_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *people = rb_directory_list_people (RB_DIRECTORY (source), &error);

  if (people == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, people, (GDestroyNotify)g_ptr_array_unref);
}

static void
listed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GTask *task = user_data;
  SyncData *data = g_task_get_task_data (task);
  GError *error = NULL;

  data->people = g_task_propagate_pointer (G_TASK (result), &error);
  if (data->people == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  rb_store_run_async (data->store, sync_job, data, NULL, NULL, g_task_get_cancellable (task),
                      synced_cb, task);
}

/* Reads the whole directory on a thread, then makes the store's people what it says
 * (rb_people_store_sync_directory_sync, complete) on the store's thread; actor_id is the
 * administrator who asked, or NULL for the server's own periodic sync. */
void
rb_directory_sync_async (RbDirectory *self, RbStore *store, const char *actor_id, gboolean dry_run,
                         GCancellable *cancellable, GAsyncReadyCallback callback,
                         gpointer user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  GTask *list = g_task_new (self, cancellable, listed_cb, task);
  SyncData *data = g_new0 (SyncData, 1);

  g_return_if_fail (RB_IS_DIRECTORY (self));

  data->store = g_object_ref (store);
  data->actor_id = g_strdup (actor_id);
  data->dry_run = dry_run;
  g_task_set_source_tag (task, rb_directory_sync_async);
  g_task_set_task_data (task, data, (GDestroyNotify)sync_data_free);
  g_task_run_in_thread (list, list_thread);
  g_object_unref (list);
}

/* The report of rb_people_store_sync_directory_sync. */
JsonNode *
rb_directory_sync_finish (RbDirectory *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* The report in words, for --sync-directory and the log. */
char *
rb_directory_report_to_text (JsonNode *report)
{
  JsonObject *o = json_node_get_object (report);
  GString *text = g_string_new (NULL);
  const char *lists[] = { "added", "changed", "deactivated" };
  JsonArray *errors = json_object_get_array_member (o, "errors");

  g_string_append_printf (text, "%s%" G_GINT64_FORMAT " people in the directory\n",
                          json_object_get_boolean_member (o, "dry_run") ? "dry run: " : "",
                          json_object_get_int_member (o, "people"));
  for (guint l = 0; l < G_N_ELEMENTS (lists); l++)
    {
      JsonArray *items = json_object_get_array_member (o, lists[l]);

      g_string_append_printf (text, "%s: %u\n", lists[l], json_array_get_length (items));
      for (guint i = 0; i < json_array_get_length (items); i++)
        {
          JsonObject *item = json_array_get_object_element (items, i);

          g_string_append_printf (text, "  %s",
                                  json_object_get_string_member (item, "staff_number"));
          if (json_object_has_member (item, "display_name"))
            g_string_append_printf (text, " %s",
                                    json_object_get_string_member (item, "display_name"));
          if (json_object_has_member (item, "fields"))
            {
              JsonArray *fields = json_object_get_array_member (item, "fields");

              for (guint f = 0; f < json_array_get_length (fields); f++)
                g_string_append_printf (text, "%s%s", f == 0 ? " (" : ", ",
                                        json_array_get_string_element (fields, f));
              g_string_append (text, ")");
            }
          g_string_append (text, "\n");
        }
    }
  g_string_append_printf (text, "errors: %u\n", json_array_get_length (errors));
  for (guint i = 0; i < json_array_get_length (errors); i++)
    g_string_append_printf (text, "  %s\n", json_array_get_string_element (errors, i));
  return g_string_free (text, FALSE);
}
