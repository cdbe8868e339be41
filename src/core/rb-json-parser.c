/* rb-json-parser.c: the one JSON parser of Raumbuch, for request bodies from anyone on the
 * network as much as for the server's answers, sealed credentials and the demo building.
 *
 * json-glib 1.6 parses with GScanner, which is lenient where a server must not be: it takes
 * single-quoted strings and other things that are not JSON, keeps only the last of two members
 * with the same name, cuts a string at an escaped NUL (\u0000), and wraps integers beyond 64 bits
 * around (-18446744073709551614 becomes 2). This parser follows RFC 8259's grammar exactly and
 * builds json-glib nodes, so the rest of the code keeps json-glib's types:
 *   - a member name twice in one object is refused (invalid_json, naming it): RFC 8259 leaves
 *     open which one counts, and a second value must not slip past a check of the first;
 *   - a string holding U+0000 is refused (invalid_field, naming the member): a C string ends
 *     there, so the value could only be cut short;
 *   - an integer beyond 64 bits becomes a double, as in JavaScript, which every integer field
 *     refuses as not an integer; a number too large even for a double is refused;
 *   - nesting is limited to RB_JSON_MAX_DEPTH levels, so a deep body cannot exhaust the stack;
 *   - the text must be UTF-8, and \u escapes must not leave half of a UTF-16 surrogate pair.
 * The root is sealed, as json-glib's immutable parser leaves it. */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-json.h"

/* How many characters of a member name an error message quotes. */
#define MAX_QUOTED_NAME 40

typedef struct
{
  const char *start;
  const char *p;
  const char *end;
  int depth;
} Parser;

static gboolean parse_value (Parser *self, const char *member, JsonNode **out_node,
                             GError **error);

/* A member name as an error message quotes it: never longer than MAX_QUOTED_NAME characters. */
static char *
quote_name (const char *name)
{
  return g_utf8_substring (name, 0, MIN (g_utf8_strlen (name, -1), MAX_QUOTED_NAME));
}

static gboolean
syntax_error (Parser *self, GError **error)
{
  /* TRANSLATORS: follows "The request is not valid JSON."; %lu counts bytes from the start. */
  rb_set_error (error, RB_ERROR_INVALID_JSON, _("The error is at byte %lu."),
                (unsigned long) (self->p - self->start));
  return FALSE;
}

/* A value that is valid JSON but cannot be used; the member it belongs to is named. Outside
 * any member (a root that is not an object) it is a syntax error. */
static gboolean
value_error (Parser *self, const char *member, GError **error)
{
  g_autofree char *name = NULL;

  if (member == NULL)
    return syntax_error (self, error);
  name = quote_name (member);
  rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is missing or invalid."), name);
  return FALSE;
}

static void
skip_space (Parser *self)
{
  while (self->p < self->end
         && (*self->p == ' ' || *self->p == '\t' || *self->p == '\n' || *self->p == '\r'))
    self->p++;
}

static gboolean
at (Parser *self, char c)
{
  return self->p < self->end && *self->p == c;
}

static gboolean
at_digit (Parser *self)
{
  return self->p < self->end && g_ascii_isdigit (*self->p);
}

static gboolean
read_hex4 (Parser *self, gunichar *out_value)
{
  gunichar value = 0;

  if (self->end - self->p < 4)
    return FALSE;
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (self->p[i]);

      if (digit < 0)
        return FALSE;
      value = value * 16 + digit;
    }
  self->p += 4;
  *out_value = value;
  return TRUE;
}

/* The \u escape after its backslash: one code point, or a surrogate pair taken together. */
static gboolean
read_unicode_escape (Parser *self, gunichar *out_char)
{
  gunichar high, low;

  if (!read_hex4 (self, &high))
    return FALSE;
  if (high >= 0xdc00 && high <= 0xdfff)
    return FALSE;
  if (high < 0xd800 || high > 0xdbff)
    {
      *out_char = high;
      return TRUE;
    }
  if (self->end - self->p < 2 || self->p[0] != '\\' || self->p[1] != 'u')
    return FALSE;
  self->p += 2;
  if (!read_hex4 (self, &low) || low < 0xdc00 || low > 0xdfff)
    return FALSE;
  *out_char = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
  return TRUE;
}

/* A string; member is the member whose value it is (NULL for a member name). */
static gboolean
parse_string (Parser *self, const char *member, char **out_text, GError **error)
{
  g_autoptr (GString) text = g_string_new (NULL);

  if (!at (self, '"'))
    return syntax_error (self, error);
  self->p++;
  while (self->p < self->end)
    {
      guchar c = *self->p;
      gunichar escaped;

      if (c == '"')
        {
          self->p++;
          *out_text = g_string_free (g_steal_pointer (&text), FALSE);
          return TRUE;
        }
      if (c < 0x20)
        return syntax_error (self, error);
      if (c != '\\')
        {
          const char *run = self->p;

          while (self->p < self->end && *self->p != '"' && *self->p != '\\'
                 && (guchar) *self->p >= 0x20)
            self->p++;
          g_string_append_len (text, run, self->p - run);
          continue;
        }
      if (++self->p >= self->end)
        break;
      switch (*self->p++)
        {
        case '"':
          escaped = '"';
          break;
        case '\\':
          escaped = '\\';
          break;
        case '/':
          escaped = '/';
          break;
        case 'b':
          escaped = '\b';
          break;
        case 'f':
          escaped = '\f';
          break;
        case 'n':
          escaped = '\n';
          break;
        case 'r':
          escaped = '\r';
          break;
        case 't':
          escaped = '\t';
          break;
        case 'u':
          if (!read_unicode_escape (self, &escaped))
            return syntax_error (self, error);
          break;
        default:
          self->p--;
          return syntax_error (self, error);
        }
      if (escaped == 0)
        return value_error (self, member, error);
      g_string_append_unichar (text, escaped);
    }
  return syntax_error (self, error);
}

static gboolean
parse_number (Parser *self, const char *member, JsonNode **out_node, GError **error)
{
  const char *begin = self->p;
  g_autofree char *text = NULL;
  gboolean integer = TRUE;
  gint64 value;
  double real;

  if (at (self, '-'))
    self->p++;
  if (at (self, '0'))
    self->p++;
  else if (at_digit (self))
    while (at_digit (self))
      self->p++;
  else
    return syntax_error (self, error);
  if (at (self, '.'))
    {
      integer = FALSE;
      self->p++;
      if (!at_digit (self))
        return syntax_error (self, error);
      while (at_digit (self))
        self->p++;
    }
  if (at (self, 'e') || at (self, 'E'))
    {
      integer = FALSE;
      self->p++;
      if (at (self, '+') || at (self, '-'))
        self->p++;
      if (!at_digit (self))
        return syntax_error (self, error);
      while (at_digit (self))
        self->p++;
    }

  text = g_strndup (begin, self->p - begin);
  if (integer && g_ascii_string_to_signed (text, 10, G_MININT64, G_MAXINT64, &value, NULL))
    {
      *out_node = json_node_init_int (json_node_alloc (), value);
      return TRUE;
    }
  real = g_ascii_strtod (text, NULL);
  if (!isfinite (real))
    return value_error (self, member, error);
  *out_node = json_node_init_double (json_node_alloc (), real);
  return TRUE;
}

static gboolean
parse_literal (Parser *self, const char *word, JsonNode **out_node, GError **error)
{
  gsize length = strlen (word);

  if ((gsize) (self->end - self->p) < length || memcmp (self->p, word, length) != 0)
    return syntax_error (self, error);
  self->p += length;
  if (word[0] == 'n')
    *out_node = json_node_init_null (json_node_alloc ());
  else
    *out_node = json_node_init_boolean (json_node_alloc (), word[0] == 't');
  return TRUE;
}

static gboolean
enter (Parser *self, GError **error)
{
  if (++self->depth > RB_JSON_MAX_DEPTH)
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, _("It is nested more than %d levels deep."),
                    RB_JSON_MAX_DEPTH);
      return FALSE;
    }
  self->p++;
  skip_space (self);
  return TRUE;
}

/* After a member or an element: the closing character (TRUE, *out_closed) or a comma. */
static gboolean
next_item (Parser *self, char close, gboolean *out_closed, GError **error)
{
  skip_space (self);
  *out_closed = at (self, close);
  if (*out_closed || at (self, ','))
    {
      self->p++;
      skip_space (self);
      return TRUE;
    }
  return syntax_error (self, error);
}

static gboolean
parse_object (Parser *self, JsonNode **out_node, GError **error)
{
  g_autoptr (JsonObject) object = json_object_new ();
  gboolean closed = FALSE;

  if (!enter (self, error))
    return FALSE;
  if (at (self, '}'))
    {
      self->p++;
      closed = TRUE;
    }
  while (!closed)
    {
      g_autofree char *name = NULL;
      JsonNode *value = NULL;

      if (!parse_string (self, NULL, &name, error))
        return FALSE;
      skip_space (self);
      if (!at (self, ':'))
        return syntax_error (self, error);
      self->p++;
      skip_space (self);
      if (json_object_has_member (object, name))
        {
          g_autofree char *quoted = quote_name (name);

          rb_set_error (error, RB_ERROR_INVALID_JSON,
                        _("The member “%s” appears more than once."), quoted);
          return FALSE;
        }
      if (!parse_value (self, name, &value, error))
        return FALSE;
      json_object_set_member (object, name, value);
      if (!next_item (self, '}', &closed, error))
        return FALSE;
    }
  self->depth--;
  *out_node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (*out_node, g_steal_pointer (&object));
  return TRUE;
}

/* Elements of an array belong to the member that holds the array. */
static gboolean
parse_array (Parser *self, const char *member, JsonNode **out_node, GError **error)
{
  g_autoptr (JsonArray) array = json_array_new ();
  gboolean closed = FALSE;

  if (!enter (self, error))
    return FALSE;
  if (at (self, ']'))
    {
      self->p++;
      closed = TRUE;
    }
  while (!closed)
    {
      JsonNode *element = NULL;

      if (!parse_value (self, member, &element, error))
        return FALSE;
      json_array_add_element (array, element);
      if (!next_item (self, ']', &closed, error))
        return FALSE;
    }
  self->depth--;
  *out_node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (*out_node, g_steal_pointer (&array));
  return TRUE;
}

static gboolean
parse_value (Parser *self, const char *member, JsonNode **out_node, GError **error)
{
  char *text = NULL;

  if (self->p >= self->end)
    return syntax_error (self, error);
  switch (*self->p)
    {
    case '{':
      return parse_object (self, out_node, error);
    case '[':
      return parse_array (self, member, out_node, error);
    case '"':
      if (!parse_string (self, member, &text, error))
        return FALSE;
      *out_node = json_node_init_string (json_node_alloc (), text);
      g_free (text);
      return TRUE;
    case 't':
      return parse_literal (self, "true", out_node, error);
    case 'f':
      return parse_literal (self, "false", out_node, error);
    case 'n':
      return parse_literal (self, "null", out_node, error);
    default:
      return parse_number (self, member, out_node, error);
    }
}

/* Parses a JSON text whose root is an object; length -1 means up to a NUL byte, and data may be
 * NULL when length is 0 (an empty body). Failures are RB_ERROR_INVALID_JSON, or
 * RB_ERROR_INVALID_FIELD naming the member whose value is valid JSON but cannot be held (see
 * above). */
JsonNode *
rb_json_parse (const char *data, gssize length, GError **error)
{
  const char *text = data != NULL ? data : "";
  gsize size = length < 0 ? strlen (text) : (gsize) length;
  Parser self = { text, text, text + size, 0 };
  g_autoptr (JsonNode) root = NULL;

  if (!g_utf8_validate_len (text, size, NULL))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, _("The text is not valid UTF-8."));
      return NULL;
    }
  skip_space (&self);
  if (!at (&self, '{'))
    {
      rb_set_error (error, RB_ERROR_INVALID_JSON, _("A JSON object was expected."));
      return NULL;
    }
  if (!parse_value (&self, NULL, &root, error))
    return NULL;
  skip_space (&self);
  if (self.p != self.end)
    {
      syntax_error (&self, error);
      return NULL;
    }
  json_node_seal (root);
  return g_steal_pointer (&root);
}

/* Refuses any member that allowed (NULL-terminated) does not name. A field the server does not
 * know would otherwise be dropped without a word, and its sender would believe it applied. */
gboolean
rb_json_check_members (JsonObject *object, const char *const *allowed, GError **error)
{
  g_autoptr (GList) names = json_object_get_members (object);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *quoted = quote_name (l->data);

        rb_set_error (error, RB_ERROR_INVALID_FIELD, _("Field “%s” is not known here."),
                      quoted);
        return FALSE;
      }
  return TRUE;
}
