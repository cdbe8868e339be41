/* rb-floor.c: a floor of a building, with the size of its plan in plan units. Immutable once
 * made, but for what is said of its plan drawing, which its maker sets before handing it on. */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "rb-error.h"
#include "rb-floor.h"

struct _RbFloor
{
  GObject parent_instance;

  char *id;
  char *building_id;
  char *name;
  int level;
  int width;
  int height;
  int position;
  char *plan_content_type;
  gint64 plan_updated_at;
};

G_DEFINE_FINAL_TYPE (RbFloor, rb_floor, G_TYPE_OBJECT)

static void
rb_floor_finalize (GObject *object)
{
  RbFloor *self = RB_FLOOR (object);

  g_free (self->id);
  g_free (self->building_id);
  g_free (self->name);
  g_free (self->plan_content_type);

  G_OBJECT_CLASS (rb_floor_parent_class)->finalize (object);
}

static void
rb_floor_class_init (RbFloorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_floor_finalize;
}

static void
rb_floor_init (RbFloor *self)
{
}

RbFloor *
rb_floor_new (const char *id, const char *building_id, const char *name, int level, int width, int height)
{
  RbFloor *self = g_object_new (RB_TYPE_FLOOR, NULL);

  self->id = g_strdup (id);
  self->building_id = g_strdup (building_id);
  self->name = g_strdup (name);
  self->level = level;
  self->width = width;
  self->height = height;
  self->position = level;
  return self;
}

const char *
rb_floor_get_id (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->id;
}

const char *
rb_floor_get_building_id (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->building_id;
}

const char *
rb_floor_get_name (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->name;
}

int
rb_floor_get_level (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->level;
}

int
rb_floor_get_width (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->width;
}

int
rb_floor_get_height (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->height;
}

/* Where the floor comes in the building's list of floors (lowest first); its level unless
 * set otherwise before the floor is shared. */
void
rb_floor_set_position (RbFloor *self, int position)
{
  g_return_if_fail (RB_IS_FLOOR (self));
  self->position = position;
}

int
rb_floor_get_position (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->position;
}

void
rb_floor_set_plan (RbFloor *self, const char *content_type, gint64 updated_at)
{
  g_return_if_fail (RB_IS_FLOOR (self));

  g_free (self->plan_content_type);
  self->plan_content_type = g_strdup (content_type);
  self->plan_updated_at = content_type != NULL ? updated_at : 0;
}

const char *
rb_floor_get_plan_content_type (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), NULL);
  return self->plan_content_type;
}

gint64
rb_floor_get_plan_updated_at (RbFloor *self)
{
  g_return_val_if_fail (RB_IS_FLOOR (self), 0);
  return self->plan_updated_at;
}

/* ---- plan drawings ------------------------------------------------------------------------- */

RbPlanDrawing *
rb_plan_drawing_new (const char *content_type, GBytes *data, gint64 updated_at)
{
  RbPlanDrawing *drawing = g_new0 (RbPlanDrawing, 1);

  drawing->content_type = g_strdup (content_type);
  drawing->data = g_bytes_ref (data);
  drawing->updated_at = updated_at;
  return drawing;
}

void
rb_plan_drawing_free (RbPlanDrawing *drawing)
{
  if (drawing == NULL)
    return;
  g_free (drawing->content_type);
  g_clear_pointer (&drawing->data, g_bytes_unref);
  g_free (drawing);
}

static const guint8 png_signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };

typedef struct
{
  int depth;
  gboolean saw_svg;
} SvgCheck;

static void
svg_start_element_cb (GMarkupParseContext *context, const char *element_name,
                      const char **attribute_names, const char **attribute_values,
                      gpointer user_data, GError **error)
{
  SvgCheck *check = user_data;
  const char *colon = strrchr (element_name, ':');
  const char *local = colon != NULL ? colon + 1 : element_name;

  if (check->depth++ == 0)
    {
      if (!g_str_equal (local, "svg"))
        g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT, "not svg");
      check->saw_svg = TRUE;
    }
}

static void
svg_end_element_cb (GMarkupParseContext *context, const char *element_name, gpointer user_data,
                    GError **error)
{
  ((SvgCheck *) user_data)->depth--;
}

/* Checks that data is what content_type says, by its first bytes (PNG) or by parsing it (an
 * SVG must be well-formed XML whose root is <svg>), and that it is small enough. Neither
 * needs a graphics library: the server checks with this alone. */
gboolean
rb_plan_drawing_check (const char *content_type, GBytes *data, GError **error)
{
  gsize length = 0;
  const char *bytes = data != NULL ? g_bytes_get_data (data, &length) : NULL;

  if (length > RB_PLAN_DRAWING_MAX_BYTES)
    {
      rb_set_error (error, RB_ERROR_PAYLOAD_TOO_LARGE, NULL);
      return FALSE;
    }
  if (g_strcmp0 (content_type, "image/png") == 0)
    {
      if (length > sizeof png_signature && memcmp (bytes, png_signature, sizeof png_signature) == 0)
        return TRUE;
    }
  else if (g_strcmp0 (content_type, "image/svg+xml") == 0 && length > 0
           && g_utf8_validate_len (bytes, length, NULL))
    {
      static const GMarkupParser parser = { svg_start_element_cb, svg_end_element_cb, NULL, NULL,
                                            NULL };
      SvgCheck check = { 0, FALSE };
      g_autoptr (GMarkupParseContext) context
          = g_markup_parse_context_new (&parser, 0, &check, NULL);

      if (g_markup_parse_context_parse (context, bytes, length, NULL)
          && g_markup_parse_context_end_parse (context, NULL) && check.saw_svg)
        return TRUE;
    }
  rb_set_error (error, RB_ERROR_UNSUPPORTED_MEDIA_TYPE,
                _("A plan drawing must be an SVG or PNG image."));
  return FALSE;
}
