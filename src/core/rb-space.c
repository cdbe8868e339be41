/* rb-space.c: a bookable desk or room. Immutable once made. */
#include "config.h"

#include "rb-space.h"

struct _RbSpace
{
  GObject parent_instance;

  char *id;
  char *floor_id;
  RbSpaceKind kind;
  char *name;
  int capacity;
  RbAmenities amenities;
  RbRect rect;
  gboolean bookable;
};

G_DEFINE_FINAL_TYPE (RbSpace, rb_space, G_TYPE_OBJECT)

static void
rb_space_finalize (GObject *object)
{
  RbSpace *self = RB_SPACE (object);

  g_free (self->id);
  g_free (self->floor_id);
  g_free (self->name);

  G_OBJECT_CLASS (rb_space_parent_class)->finalize (object);
}

static void
rb_space_class_init (RbSpaceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rb_space_finalize;
}

static void
rb_space_init (RbSpace *self)
{
  self->bookable = TRUE;
}

RbSpace *
rb_space_new (const char *id, const char *floor_id, RbSpaceKind kind, const char *name,
              int capacity, RbAmenities amenities, const RbRect *rect)
{
  RbSpace *self = g_object_new (RB_TYPE_SPACE, NULL);

  self->id = g_strdup (id);
  self->floor_id = g_strdup (floor_id);
  self->kind = kind;
  self->name = g_strdup (name);
  self->capacity = capacity;
  self->amenities = amenities;
  if (rect != NULL)
    self->rect = *rect;
  return self;
}

const char *
rb_space_get_id (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), NULL);
  return self->id;
}

const char *
rb_space_get_floor_id (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), NULL);
  return self->floor_id;
}

RbSpaceKind
rb_space_get_kind (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), RB_SPACE_KIND_DESK);
  return self->kind;
}

const char *
rb_space_get_name (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), NULL);
  return self->name;
}

int
rb_space_get_capacity (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), 0);
  return self->capacity;
}

RbAmenities
rb_space_get_amenities (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), 0);
  return self->amenities;
}

gboolean
rb_space_has_amenities (RbSpace *self, RbAmenities wanted)
{
  g_return_val_if_fail (RB_IS_SPACE (self), FALSE);
  return (self->amenities & wanted) == wanted;
}

const RbRect *
rb_space_get_rect (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), NULL);
  return &self->rect;
}

/* The translated amenities joined for display, e.g. "Monitor, Docking station". */
char *
rb_space_dup_amenities_label (RbSpace *self)
{
  g_autoptr (GPtrArray) labels = g_ptr_array_new ();

  g_return_val_if_fail (RB_IS_SPACE (self), NULL);

  for (guint i = 0; i < RB_N_AMENITIES; i++)
    if (self->amenities & rb_amenity_nth (i))
      g_ptr_array_add (labels, (gpointer) rb_amenity_label (rb_amenity_nth (i)));
  g_ptr_array_add (labels, NULL);
  return g_strjoinv (", ", (char **) labels->pdata);
}

/* Whether people may book the space; a space that is not stays on the plan (a desk kept for
 * a visitor, a room under renovation). Set before the space is shared. */
void
rb_space_set_bookable (RbSpace *self, gboolean bookable)
{
  g_return_if_fail (RB_IS_SPACE (self));
  self->bookable = bookable != FALSE;
}

gboolean
rb_space_get_bookable (RbSpace *self)
{
  g_return_val_if_fail (RB_IS_SPACE (self), FALSE);
  return self->bookable;
}
