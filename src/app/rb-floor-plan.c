/* rb-floor-plan.c: lays out one button per space at its rectangle, scaled to fit the space
 * it gets and centred. A whole floor has to be seen at once to be a plan; desks are then
 * smaller than a 48 px touch target on a 1280 px screen, so the list beside the plan offers
 * every space as a full-size row as well.
 *
 * Under the buttons lies the floor's plan drawing, when it has one, stretched over the
 * floor's width and height in metres with the same unit and origin as the buttons, so walls
 * and rooms of the drawing meet the spaces. A PNG is decoded once and scaled; an SVG is
 * rendered (by gdk-pixbuf's SVG loader, librsvg) at the size in pixels it is drawn at, on a
 * worker thread, again whenever that size changes, so its lines stay sharp. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-floor-plan.h"
#include "rb-space-row.h"

#define GAP 3

struct _RbFloorPlan
{
  GtkWidget parent_instance;

  RbFloor *floor;
  /* RbSpace id → its button; the button keeps the RbSpace as "rb-space" data. */
  GHashTable *buttons;

  /* the plan drawing: its bytes and type, and the texture drawn (an SVG's at texture_width x
   * texture_height pixels) */
  GBytes *drawing;
  char *drawing_type;
  GdkTexture *texture;
  int texture_width;
  int texture_height;
  GCancellable *render_cancellable;
  GCancellable *load_cancellable;
};

G_DEFINE_FINAL_TYPE (RbFloorPlan, rb_floor_plan, GTK_TYPE_WIDGET)

enum
{
  SPACE_ACTIVATED,
  DRAWING_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void render_svg (RbFloorPlan *self, int width, int height);

static double
unit_for_size (RbFloorPlan *self, int width, int height)
{
  if (self->floor == NULL)
    return RB_FLOOR_PLAN_MIN_UNIT;
  return MAX ((double) RB_FLOOR_PLAN_MIN_UNIT,
              MIN ((double) width / rb_floor_get_width (self->floor),
                   (double) height / rb_floor_get_height (self->floor)));
}

static void
rb_floor_plan_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                       int *natural, int *minimum_baseline, int *natural_baseline)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);
  int units;

  if (self->floor == NULL)
    {
      *minimum = *natural = 0;
      return;
    }
  units = orientation == GTK_ORIENTATION_HORIZONTAL ? rb_floor_get_width (self->floor)
                                                    : rb_floor_get_height (self->floor);
  *minimum = units * RB_FLOOR_PLAN_MIN_UNIT;
  *natural = units * 32;
}

static void
rb_floor_plan_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);
  double unit = unit_for_size (self, width, height);
  int x0, y0;

  if (self->floor == NULL)
    return;
  x0 = (width - unit * rb_floor_get_width (self->floor)) / 2;
  y0 = (height - unit * rb_floor_get_height (self->floor)) / 2;
  if (self->drawing != NULL && g_str_equal (self->drawing_type, "image/svg+xml"))
    {
      int scale = gtk_widget_get_scale_factor (widget);

      render_svg (self, (int) (unit * rb_floor_get_width (self->floor)) * scale,
                  (int) (unit * rb_floor_get_height (self->floor)) * scale);
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RbSpace *space = g_object_get_data (G_OBJECT (child), "rb-space");
      const RbRect *r = rb_space_get_rect (space);
      GtkAllocation allocation = { x0 + (int) (r->x * unit) + GAP / 2,
                                   y0 + (int) (r->y * unit) + GAP / 2,
                                   (int) (r->w * unit) - GAP, (int) (r->h * unit) - GAP };
      int min_w, min_h;

      /* Children must be measured before they are allocated. */
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, &min_w, NULL, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, allocation.width, &min_h, NULL, NULL,
                          NULL);
      gtk_widget_size_allocate (child, &allocation, -1);
    }
}

/* The drawing under the buttons, over the floor's rectangle in the buttons' unit. */
static void
rb_floor_plan_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (widget);

  if (self->texture != NULL && self->floor != NULL)
    {
      int width = gtk_widget_get_width (widget);
      int height = gtk_widget_get_height (widget);
      double unit = unit_for_size (self, width, height);
      int x0 = (width - unit * rb_floor_get_width (self->floor)) / 2;
      int y0 = (height - unit * rb_floor_get_height (self->floor)) / 2;

      gtk_snapshot_append_texture (
          snapshot, self->texture,
          &GRAPHENE_RECT_INIT (x0, y0, (int) (unit * rb_floor_get_width (self->floor)),
                               (int) (unit * rb_floor_get_height (self->floor))));
    }
  GTK_WIDGET_CLASS (rb_floor_plan_parent_class)->snapshot (widget, snapshot);
}

static void
on_svg_rendered_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GdkPixbuf) pixbuf = gdk_pixbuf_new_from_stream_finish (result, &error);
  RbFloorPlan *self;

  if (pixbuf == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("The floor's plan drawing cannot be shown: %s", error->message);
      return;
    }
  self = RB_FLOOR_PLAN (user_data);
  g_clear_object (&self->texture);
  self->texture = gdk_texture_new_for_pixbuf (pixbuf);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Renders the SVG at width x height pixels, unless it is (being) rendered at that size. */
static void
render_svg (RbFloorPlan *self, int width, int height)
{
  g_autoptr (GInputStream) stream = NULL;

  if (width <= 0 || height <= 0 || (width == self->texture_width && height == self->texture_height))
    return;
  self->texture_width = width;
  self->texture_height = height;
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  self->render_cancellable = g_cancellable_new ();
  stream = g_memory_input_stream_new_from_bytes (self->drawing);
  /* The callback's widget is alive: dispose cancels, and a cancelled result never touches it. */
  gdk_pixbuf_new_from_stream_at_scale_async (stream, width, height, FALSE,
                                             self->render_cancellable, on_svg_rendered_cb, self);
}

static void
on_space_clicked_cb (GtkButton *button, RbFloorPlan *self)
{
  g_signal_emit (self, signals[SPACE_ACTIVATED], 0,
                 g_object_get_data (G_OBJECT (button), "rb-space"));
}

static GtkWidget *
make_space_button (RbFloorPlan *self, RbSpace *space)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *name = gtk_label_new (rb_space_get_name (space));
  GtkWidget *state = gtk_label_new (NULL);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_set_halign (top, GTK_ALIGN_CENTER);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_label_set_ellipsize (GTK_LABEL (state), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (name, "rb-plan-name");
  gtk_widget_add_css_class (state, "rb-plan-state");
  gtk_box_append (GTK_BOX (top), icon);
  gtk_box_append (GTK_BOX (box), top);
  /* A desk is a few pixels deep on the plan: it shows its state by icon (and pattern), its
   * name and state in words in its accessible name and in the list beside the plan. */
  if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
    {
      gtk_box_append (GTK_BOX (top), name);
      gtk_box_append (GTK_BOX (box), state);
    }
  else
    {
      g_object_ref_sink (name);
      g_object_unref (name);
      g_object_ref_sink (state);
    }
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "rb-plan-space");
  gtk_widget_add_css_class (button, rb_space_get_kind (space) == RB_SPACE_KIND_DESK ? "rb-plan-desk"
                                                                                   : "rb-plan-room");
  g_object_set_data_full (G_OBJECT (button), "rb-space", g_object_ref (space), g_object_unref);
  g_object_set_data (G_OBJECT (button), "rb-icon", icon);
  if (rb_space_get_kind (space) == RB_SPACE_KIND_ROOM)
    g_object_set_data (G_OBJECT (button), "rb-state", state);
  else
    g_object_set_data_full (G_OBJECT (button), "rb-state", state, g_object_unref);
  g_signal_connect (button, "clicked", G_CALLBACK (on_space_clicked_cb), self);
  return button;
}

void
rb_floor_plan_set_spaces (RbFloorPlan *self, RbFloor *floor, GPtrArray *spaces)
{
  GtkWidget *child;

  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_hash_table_remove_all (self->buttons);
  /* Another floor's drawing must not lie under this one's spaces while its own loads. */
  if (self->floor == NULL || floor == NULL
      || g_strcmp0 (rb_floor_get_id (self->floor), rb_floor_get_id (floor)) != 0)
    rb_floor_plan_set_drawing (self, NULL, NULL);
  g_set_object (&self->floor, floor);

  for (guint i = 0; spaces != NULL && i < spaces->len; i++)
    {
      RbSpace *space = g_ptr_array_index (spaces, i);
      GtkWidget *button = make_space_button (self, space);

      gtk_widget_set_parent (button, GTK_WIDGET (self));
      g_hash_table_insert (self->buttons, g_strdup (rb_space_get_id (space)), button);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

/* Updates one space in place, so live updates never rebuild (and never flicker). */
void
rb_floor_plan_set_state (RbFloorPlan *self, RbSpace *space, const char *state_text,
                         const char *icon_name, const char *css_class)
{
  static const char *const state_classes[] = { "rb-free", "rb-busy", "rb-checked-in" };
  GtkWidget *button;
  g_autofree char *name = NULL;
  g_autofree char *accessible = NULL;

  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  button = g_hash_table_lookup (self->buttons, rb_space_get_id (space));
  if (button == NULL)
    return;
  gtk_label_set_label (g_object_get_data (G_OBJECT (button), "rb-state"), state_text);
  gtk_image_set_from_icon_name (g_object_get_data (G_OBJECT (button), "rb-icon"), icon_name);
  for (guint i = 0; i < G_N_ELEMENTS (state_classes); i++)
    gtk_widget_remove_css_class (button, state_classes[i]);
  gtk_widget_add_css_class (button, css_class);

  name = rb_space_dup_display_name (space);
  /* TRANSLATORS: accessible name of a space on the floor plan: name and state. */
  accessible = g_strdup_printf (_("%s: %s"), name, state_text);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible, -1);
}

static void
rb_floor_plan_dispose (GObject *object)
{
  RbFloorPlan *self = RB_FLOOR_PLAN (object);
  GtkWidget *child;

  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->drawing, g_bytes_unref);
  g_clear_pointer (&self->drawing_type, g_free);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  g_clear_object (&self->floor);

  G_OBJECT_CLASS (rb_floor_plan_parent_class)->dispose (object);
}

static void
rb_floor_plan_class_init (RbFloorPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_floor_plan_dispose;
  widget_class->measure = rb_floor_plan_measure;
  widget_class->size_allocate = rb_floor_plan_size_allocate;
  widget_class->snapshot = rb_floor_plan_snapshot;
  gtk_widget_class_set_css_name (widget_class, "rbfloorplan");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  signals[SPACE_ACTIVATED] = g_signal_new ("space-activated", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE,
                                           1, RB_TYPE_SPACE);
  signals[DRAWING_LOADED] = g_signal_new ("drawing-loaded", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rb_floor_plan_init (RbFloorPlan *self)
{
  self->buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

GtkWidget *
rb_floor_plan_new (void)
{
  return g_object_new (RB_TYPE_FLOOR_PLAN, NULL);
}

/* Lays data (image/png or image/svg+xml) under the spaces; NULL takes the drawing away. */
void
rb_floor_plan_set_drawing (RbFloorPlan *self, GBytes *data, const char *content_type)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (RB_IS_FLOOR_PLAN (self));

  if (data != NULL && self->drawing != NULL && g_bytes_equal (data, self->drawing)
      && g_strcmp0 (content_type, self->drawing_type) == 0)
    return;
  g_cancellable_cancel (self->render_cancellable);
  g_clear_object (&self->render_cancellable);
  g_clear_object (&self->texture);
  g_clear_pointer (&self->drawing, g_bytes_unref);
  g_clear_pointer (&self->drawing_type, g_free);
  self->texture_width = self->texture_height = 0;

  if (data != NULL && g_strcmp0 (content_type, "image/png") == 0)
    {
      self->texture = gdk_texture_new_from_bytes (data, &error);
      if (self->texture == NULL)
        g_warning ("The floor's plan drawing cannot be shown: %s", error->message);
    }
  if (data != NULL && (self->texture != NULL || g_strcmp0 (content_type, "image/svg+xml") == 0))
    {
      self->drawing = g_bytes_ref (data);
      self->drawing_type = g_strdup (content_type);
    }
  if (self->drawing != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self), "rb-has-drawing");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rb-has-drawing");
  /* An SVG is rendered at its size in the next allocation. */
  gtk_widget_queue_allocate (GTK_WIDGET (self));
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The texture drawn under the spaces, or NULL (for tests). */
GdkTexture *
rb_floor_plan_get_texture (RbFloorPlan *self)
{
  g_return_val_if_fail (RB_IS_FLOOR_PLAN (self), NULL);
  return self->texture;
}

static void
on_drawing_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *content_type = NULL;
  g_autoptr (GBytes) data = rb_client_service_get_floor_plan_finish (
      RB_CLIENT_SERVICE (source), result, &content_type, &error);
  RbFloorPlan *self;

  if (error != NULL)
    {
      /* Without the drawing the plan is still a plan: its spaces stay usable. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No plan drawing: %s", error->message);
      return;
    }
  self = RB_FLOOR_PLAN (user_data);
  rb_floor_plan_set_drawing (self, data, content_type);
  g_signal_emit (self, signals[DRAWING_LOADED], 0);
}

/* Fetches the drawing of the floor set last (rb_floor_plan_set_spaces) through service and lays
 * it under the spaces; emits "drawing-loaded" when it is there (or the floor has none). */
void
rb_floor_plan_load_drawing (RbFloorPlan *self, RbClientService *service)
{
  g_return_if_fail (RB_IS_FLOOR_PLAN (self));
  g_return_if_fail (RB_IS_CLIENT_SERVICE (service));

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  if (self->floor == NULL)
    return;
  self->load_cancellable = g_cancellable_new ();
  rb_client_service_get_floor_plan_async (service, rb_floor_get_id (self->floor),
                                          self->load_cancellable, on_drawing_loaded_cb, self);
}
