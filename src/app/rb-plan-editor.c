/* rb-plan-editor.c: one floor's spaces as buttons on a metre grid (and the floor's drawing),
 * laid out as RbFloorPlan lays them out. A drag on a space moves it, a drag on its lower right
 * corner resizes it; both snap to a quarter metre and stay on the floor. The keyboard does
 * the same: Tab goes from space to space, arrows move the focused one by a quarter metre,
 * Shift+arrows resize it, Delete retires, Insert adds a desk, F2 asks for its name (the
 * "rename-requested" signal: the page's name field), Ctrl+Z undoes.
 *
 * Every change is one command on the undo stack: the space before and after (either NULL for
 * an added or never-there space). Undo puts the before back. A drag is one command, however
 * many steps it took. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-plan-editor.h"

#include "rb-accessible.h"
#include "rb-space-row.h"

/* The grab handle of a space's lower right corner, in pixels. */
#define HANDLE 10
#define MIN_UNIT 8

typedef struct
{
  RbPlanSpace *before;
  RbPlanSpace *after;
} Command;

struct _RbPlanEditor
{
  GtkWidget parent_instance;

  RbFloor *floor;
  GdkTexture *texture;
  /* RbPlanSpace, live and retired, in the order they came and were added */
  GPtrArray *spaces;
  /* space id → its button */
  GHashTable *buttons;
  char *selected_id;
  GPtrArray *undo;
  guint added;

  /* the drag in progress */
  RbPlanSpace *drag_before;
  gboolean drag_resize;
  double drag_x;
  double drag_y;
};

G_DEFINE_FINAL_TYPE (RbPlanEditor, rb_plan_editor, GTK_TYPE_WIDGET)

enum
{
  SELECTION_CHANGED,
  RENAME_REQUESTED,
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
command_free (Command *command)
{
  g_clear_pointer (&command->before, rb_plan_space_free);
  g_clear_pointer (&command->after, rb_plan_space_free);
  g_free (command);
}

/* ---- geometry ------------------------------------------------------------------------------- */

static double
unit (RbPlanEditor *self)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));

  if (self->floor == NULL)
    return MIN_UNIT;
  return MAX ((double) MIN_UNIT, MIN ((double) width / rb_floor_get_width (self->floor),
                                      (double) height / rb_floor_get_height (self->floor)));
}

static void
origin (RbPlanEditor *self, double u, double *x0, double *y0)
{
  *x0 = (gtk_widget_get_width (GTK_WIDGET (self)) - u * rb_floor_get_width (self->floor)) / 2;
  *y0 = (gtk_widget_get_height (GTK_WIDGET (self)) - u * rb_floor_get_height (self->floor)) / 2;
}

static RbPlanSpace *
find (RbPlanEditor *self, const char *id)
{
  for (guint i = 0; id != NULL && i < self->spaces->len; i++)
    {
      RbPlanSpace *space = g_ptr_array_index (self->spaces, i);
      if (g_str_equal (space->id, id))
        return space;
    }
  return NULL;
}

/* Keeps a rectangle on the floor and at least a quarter metre in each direction. */
static void
clamp_rect (RbPlanEditor *self, RbRect *r)
{
  double fw = rb_floor_get_width (self->floor), fh = rb_floor_get_height (self->floor);

  r->w = CLAMP (rb_plan_snap (r->w), RB_PLAN_SNAP, fw);
  r->h = CLAMP (rb_plan_snap (r->h), RB_PLAN_SNAP, fh);
  r->x = CLAMP (rb_plan_snap (r->x), 0, fw - r->w);
  r->y = CLAMP (rb_plan_snap (r->y), 0, fh - r->h);
}

/* ---- the buttons ---------------------------------------------------------------------------- */

static void
describe_button (GtkWidget *button, RbPlanSpace *space)
{
  g_autofree char *name = rb_space_format_name (space->kind, space->name);
  g_autofree char *place = NULL;

  gtk_label_set_label (GTK_LABEL (gtk_button_get_child (GTK_BUTTON (button))), space->name);
  /* TRANSLATORS: accessible name of a space in the plan editor: its name, where it is and
   * how large, in metres. */
  place = g_strdup_printf (_("%s, at %.2f m, %.2f m, %.2f by %.2f m"), name, space->rect.x,
                           space->rect.y, space->rect.w, space->rect.h);
  rb_accessible_set_label (button, place);
  if (space->bookable)
    gtk_widget_remove_css_class (button, "rb-not-bookable");
  else
    gtk_widget_add_css_class (button, "rb-not-bookable");
}

static void select_id (RbPlanEditor *self, const char *id);

static void
on_button_clicked_cb (GtkButton *button, RbPlanEditor *self)
{
  select_id (self, g_object_get_data (G_OBJECT (button), "rb-space-id"));
}

static void
on_button_focus_enter_cb (GtkEventControllerFocus *controller, RbPlanEditor *self)
{
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (controller));

  select_id (self, g_object_get_data (G_OBJECT (button), "rb-space-id"));
}

static void
sync_buttons (RbPlanEditor *self)
{
  for (guint i = 0; i < self->spaces->len; i++)
    {
      RbPlanSpace *space = g_ptr_array_index (self->spaces, i);
      GtkWidget *button = g_hash_table_lookup (self->buttons, space->id);

      if (space->retired && button != NULL)
        {
          gtk_widget_unparent (button);
          g_hash_table_remove (self->buttons, space->id);
          continue;
        }
      if (space->retired)
        continue;
      if (button == NULL)
        {
          GtkEventController *focus = gtk_event_controller_focus_new ();
          GtkWidget *label = gtk_label_new (NULL);

          /* A desk is a few pixels wide: its name is cut short there, never drawn over its
           * neighbours, and said whole by its accessible name. */
          gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
          button = gtk_button_new ();
          gtk_button_set_child (GTK_BUTTON (button), label);
          gtk_widget_set_overflow (button, GTK_OVERFLOW_HIDDEN);
          gtk_widget_add_css_class (button, "rb-plan-space");
          gtk_widget_add_css_class (button, space->kind == RB_SPACE_KIND_DESK ? "rb-plan-desk"
                                                                              : "rb-plan-room");
          g_object_set_data_full (G_OBJECT (button), "rb-space-id", g_strdup (space->id),
                                  g_free);
          g_signal_connect (button, "clicked", G_CALLBACK (on_button_clicked_cb), self);
          g_signal_connect (focus, "enter", G_CALLBACK (on_button_focus_enter_cb), self);
          gtk_widget_add_controller (button, focus);
          gtk_widget_set_parent (button, GTK_WIDGET (self));
          g_hash_table_insert (self->buttons, g_strdup (space->id), button);
        }
      describe_button (button, space);
      if (g_strcmp0 (space->id, self->selected_id) == 0)
        gtk_widget_add_css_class (button, "rb-editor-selected");
      else
        gtk_widget_remove_css_class (button, "rb-editor-selected");
    }
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

static void
select_id (RbPlanEditor *self, const char *id)
{
  if (g_strcmp0 (id, self->selected_id) == 0)
    return;
  g_free (self->selected_id);
  self->selected_id = g_strdup (id);
  sync_buttons (self);
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

/* ---- commands ------------------------------------------------------------------------------- */

/* Puts state (a copy is taken; NULL: not there) in place of the space with this id. */
static void
put (RbPlanEditor *self, const char *id, const RbPlanSpace *state)
{
  RbPlanSpace *space = find (self, id);

  if (state == NULL)
    {
      GtkWidget *button = g_hash_table_lookup (self->buttons, id);

      if (button != NULL)
        {
          gtk_widget_unparent (button);
          g_hash_table_remove (self->buttons, id);
        }
      if (g_strcmp0 (id, self->selected_id) == 0)
        {
          g_clear_pointer (&self->selected_id, g_free);
          g_signal_emit (self, signals[SELECTION_CHANGED], 0);
        }
      if (space != NULL)
        g_ptr_array_remove (self->spaces, space);
    }
  else if (space != NULL)
    {
      char *old_id = space->id, *old_name = space->name;

      *space = *state;
      space->id = g_strdup (state->id);
      space->name = g_strdup (state->name);
      g_free (old_id);
      g_free (old_name);
    }
  else
    g_ptr_array_add (self->spaces, rb_plan_space_copy (state));
  sync_buttons (self);
}

/* Records a change of one space (before: NULL when it is new) that has already been made. */
static void
record (RbPlanEditor *self, const RbPlanSpace *before, const RbPlanSpace *after)
{
  Command *command = g_new0 (Command, 1);

  command->before = before ? rb_plan_space_copy (before) : NULL;
  command->after = after ? rb_plan_space_copy (after) : NULL;
  g_ptr_array_add (self->undo, command);
  g_signal_emit (self, signals[CHANGED], 0);
}

/* Changes the selected space with edit, as one command. */
static void
change_selected (RbPlanEditor *self, void (*edit) (RbPlanSpace *, gconstpointer),
                 gconstpointer data)
{
  RbPlanSpace *space = find (self, self->selected_id);
  g_autoptr (RbPlanSpace) before = NULL;
  g_autoptr (RbPlanSpace) after = NULL;

  if (space == NULL || space->retired)
    return;
  before = rb_plan_space_copy (space);
  after = rb_plan_space_copy (space);
  edit (after, data);
  if (after->kind == before->kind && g_strcmp0 (after->name, before->name) == 0
      && after->capacity == before->capacity && after->amenities == before->amenities
      && after->bookable == before->bookable && after->retired == before->retired
      && after->rect.x == before->rect.x && after->rect.y == before->rect.y
      && after->rect.w == before->rect.w && after->rect.h == before->rect.h)
    return;
  put (self, space->id, after);
  record (self, before, after);
}

/* ---- dragging ------------------------------------------------------------------------------- */

static void
on_drag_begin_cb (GtkGestureDrag *gesture, double x, double y, RbPlanEditor *self)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self), x, y, GTK_PICK_DEFAULT);
  RbPlanSpace *space;
  double u = unit (self), x0, y0;

  g_clear_pointer (&self->drag_before, rb_plan_space_free);
  while (picked != NULL && picked != GTK_WIDGET (self)
         && g_object_get_data (G_OBJECT (picked), "rb-space-id") == NULL)
    picked = gtk_widget_get_parent (picked);
  if (picked == NULL || picked == GTK_WIDGET (self))
    return;
  space = find (self, g_object_get_data (G_OBJECT (picked), "rb-space-id"));
  if (space == NULL)
    return;
  select_id (self, space->id);
  origin (self, u, &x0, &y0);
  self->drag_before = rb_plan_space_copy (space);
  self->drag_x = x;
  self->drag_y = y;
  /* Within the handle of the lower right corner: resize. */
  self->drag_resize = x >= x0 + (space->rect.x + space->rect.w) * u - HANDLE
                      && y >= y0 + (space->rect.y + space->rect.h) * u - HANDLE;
}

static void
on_drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, RbPlanEditor *self)
{
  RbPlanSpace *space;
  g_autoptr (RbPlanSpace) moved = NULL;
  double u = unit (self);

  if (self->drag_before == NULL || (space = find (self, self->drag_before->id)) == NULL)
    return;
  moved = rb_plan_space_copy (self->drag_before);
  if (self->drag_resize)
    {
      moved->rect.w += dx / u;
      moved->rect.h += dy / u;
    }
  else
    {
      moved->rect.x += dx / u;
      moved->rect.y += dy / u;
    }
  clamp_rect (self, &moved->rect);
  put (self, space->id, moved);
}

static void
on_drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, RbPlanEditor *self)
{
  g_autoptr (RbPlanSpace) before = g_steal_pointer (&self->drag_before);
  RbPlanSpace *space;

  if (before == NULL)
    return;
  self->drag_before = rb_plan_space_copy (before);
  on_drag_update_cb (gesture, dx, dy, self);
  g_clear_pointer (&self->drag_before, rb_plan_space_free);
  space = find (self, before->id);
  if (space != NULL
      && (space->rect.x != before->rect.x || space->rect.y != before->rect.y
          || space->rect.w != before->rect.w || space->rect.h != before->rect.h))
    record (self, before, space);
}

/* ---- GtkWidget ------------------------------------------------------------------------------ */

static void
rb_plan_editor_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                        int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  RbPlanEditor *self = RB_PLAN_EDITOR (widget);
  int units;

  if (self->floor == NULL)
    {
      *minimum = *natural = 0;
      return;
    }
  units = orientation == GTK_ORIENTATION_HORIZONTAL ? rb_floor_get_width (self->floor)
                                                    : rb_floor_get_height (self->floor);
  *minimum = units * MIN_UNIT;
  *natural = units * 24;
}

static void
rb_plan_editor_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RbPlanEditor *self = RB_PLAN_EDITOR (widget);
  double u = unit (self), x0, y0;

  if (self->floor == NULL)
    return;
  origin (self, u, &x0, &y0);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      RbPlanSpace *space = find (self, g_object_get_data (G_OBJECT (child), "rb-space-id"));
      GtkAllocation allocation;

      if (space == NULL)
        continue;
      allocation.x = x0 + space->rect.x * u + 1;
      allocation.y = y0 + space->rect.y * u + 1;
      allocation.width = MAX (1, space->rect.w * u - 2);
      allocation.height = MAX (1, space->rect.h * u - 2);
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      gtk_widget_size_allocate (child, &allocation, -1);
    }
}

/* The floor: white, with a line every metre (stronger every five) under the drawing. */
static void
rb_plan_editor_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RbPlanEditor *self = RB_PLAN_EDITOR (widget);
  double u = unit (self), x0, y0;
  int fw, fh;
  GdkRGBA paper = { 1, 1, 1, 1 }, line = { 0.5, 0.5, 0.55, 0.18 }, strong = { 0.5, 0.5, 0.55, 0.4 };

  if (self->floor != NULL)
    {
      fw = rb_floor_get_width (self->floor);
      fh = rb_floor_get_height (self->floor);
      origin (self, u, &x0, &y0);
      gtk_snapshot_append_color (snapshot, &paper, &GRAPHENE_RECT_INIT (x0, y0, fw * u, fh * u));
      if (self->texture != NULL)
        gtk_snapshot_append_texture (snapshot, self->texture,
                                     &GRAPHENE_RECT_INIT (x0, y0, fw * u, fh * u));
      for (int i = 0; i <= fw; i++)
        gtk_snapshot_append_color (snapshot, i % 5 == 0 ? &strong : &line,
                                   &GRAPHENE_RECT_INIT (x0 + i * u, y0, 1, fh * u));
      for (int j = 0; j <= fh; j++)
        gtk_snapshot_append_color (snapshot, j % 5 == 0 ? &strong : &line,
                                   &GRAPHENE_RECT_INIT (x0, y0 + j * u, fw * u, 1));
    }
  GTK_WIDGET_CLASS (rb_plan_editor_parent_class)->snapshot (widget, snapshot);
}

/* ---- actions -------------------------------------------------------------------------------- */

static void
move_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  double dx, dy;

  g_variant_get (parameter, "(dd)", &dx, &dy);
  if (g_str_equal (action_name, "editor.move"))
    rb_plan_editor_move_selected (RB_PLAN_EDITOR (widget), dx, dy);
  else
    rb_plan_editor_resize_selected (RB_PLAN_EDITOR (widget), dx, dy);
}

static void
editor_action_cb (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  RbPlanEditor *self = RB_PLAN_EDITOR (widget);

  if (g_str_equal (action_name, "editor.add-desk"))
    rb_plan_editor_add_space (self, RB_SPACE_KIND_DESK);
  else if (g_str_equal (action_name, "editor.retire"))
    rb_plan_editor_retire_selected (self);
  else if (g_str_equal (action_name, "editor.undo"))
    rb_plan_editor_undo (self);
  else if (g_str_equal (action_name, "editor.rename") && self->selected_id != NULL)
    g_signal_emit (self, signals[RENAME_REQUESTED], 0);
}

static void
rb_plan_editor_dispose (GObject *object)
{
  RbPlanEditor *self = RB_PLAN_EDITOR (object);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->buttons, g_hash_table_unref);
  g_clear_pointer (&self->spaces, g_ptr_array_unref);
  g_clear_pointer (&self->undo, g_ptr_array_unref);
  g_clear_pointer (&self->drag_before, rb_plan_space_free);
  g_clear_pointer (&self->selected_id, g_free);
  g_clear_object (&self->floor);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (rb_plan_editor_parent_class)->dispose (object);
}

static void
add_arrow_bindings (GtkWidgetClass *widget_class, GdkModifierType modifiers, const char *action)
{
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, modifiers, action, "(dd)",
                                       -RB_PLAN_SNAP, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, modifiers, action, "(dd)",
                                       RB_PLAN_SNAP, 0.0);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Up, modifiers, action, "(dd)", 0.0,
                                       -RB_PLAN_SNAP);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Down, modifiers, action, "(dd)",
                                       0.0, RB_PLAN_SNAP);
}

static void
rb_plan_editor_class_init (RbPlanEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_plan_editor_dispose;
  widget_class->measure = rb_plan_editor_measure;
  widget_class->size_allocate = rb_plan_editor_size_allocate;
  widget_class->snapshot = rb_plan_editor_snapshot;
  gtk_widget_class_set_css_name (widget_class, "rbplaneditor");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  signals[SELECTION_CHANGED] = g_signal_new ("selection-changed", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 0);
  signals[RENAME_REQUESTED] = g_signal_new ("rename-requested", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                   NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_install_action (widget_class, "editor.move", "(dd)", move_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.resize", "(dd)", move_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.add-desk", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.retire", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.undo", NULL, editor_action_cb);
  gtk_widget_class_install_action (widget_class, "editor.rename", NULL, editor_action_cb);
  add_arrow_bindings (widget_class, 0, "editor.move");
  add_arrow_bindings (widget_class, GDK_SHIFT_MASK, "editor.resize");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Insert, 0, "editor.add-desk", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "editor.retire", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "editor.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_z, GDK_CONTROL_MASK, "editor.undo",
                                       NULL);
}

static void
rb_plan_editor_init (RbPlanEditor *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->spaces = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_plan_space_free);
  self->buttons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->undo = g_ptr_array_new_with_free_func ((GDestroyNotify) command_free);
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);

  /* In the capture phase: a press on a space starts its drag before its button sees it. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

/* ---- public API ----------------------------------------------------------------------------- */

GtkWidget *
rb_plan_editor_new (void)
{
  return g_object_new (RB_TYPE_PLAN_EDITOR, NULL);
}

/* Starts editing a copy of floor's spaces (RbSpace); the undo stack starts empty. */
void
rb_plan_editor_set_floor (RbPlanEditor *self, RbFloor *floor, GPtrArray *spaces)
{
  GtkWidget *child;

  g_return_if_fail (RB_IS_PLAN_EDITOR (self));

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_hash_table_remove_all (self->buttons);
  g_ptr_array_set_size (self->spaces, 0);
  g_ptr_array_set_size (self->undo, 0);
  g_clear_pointer (&self->selected_id, g_free);
  g_set_object (&self->floor, floor);
  for (guint i = 0; spaces != NULL && i < spaces->len; i++)
    g_ptr_array_add (self->spaces, rb_plan_space_new_from_space (g_ptr_array_index (spaces, i)));
  sync_buttons (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_signal_emit (self, signals[SELECTION_CHANGED], 0);
}

void
rb_plan_editor_set_drawing (RbPlanEditor *self, GdkTexture *texture)
{
  g_return_if_fail (RB_IS_PLAN_EDITOR (self));

  g_set_object (&self->texture, texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Every space of the floor as edited (RbPlanSpace), retired ones too, owned by the editor. */
GPtrArray *
rb_plan_editor_get_spaces (RbPlanEditor *self)
{
  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), NULL);
  return self->spaces;
}

RbPlanSpace *
rb_plan_editor_get_selected (RbPlanEditor *self)
{
  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), NULL);
  return find (self, self->selected_id);
}

/* Selects the space and gives its button the keyboard focus. */
gboolean
rb_plan_editor_select (RbPlanEditor *self, const char *space_id)
{
  GtkWidget *button;

  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), FALSE);

  button = g_hash_table_lookup (self->buttons, space_id);
  if (button == NULL)
    return FALSE;
  select_id (self, space_id);
  gtk_widget_grab_focus (button);
  return TRUE;
}

GtkWidget *
rb_plan_editor_get_space_widget (RbPlanEditor *self, const char *space_id)
{
  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), NULL);
  return g_hash_table_lookup (self->buttons, space_id);
}

gboolean
rb_plan_editor_get_modified (RbPlanEditor *self)
{
  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), FALSE);
  return self->undo->len > 0;
}

guint
rb_plan_editor_get_undo_depth (RbPlanEditor *self)
{
  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), 0);
  return self->undo->len;
}

/* A new desk (2 x 1 m) or room (4 x 3 m) at the middle of the floor, selected. */
RbPlanSpace *
rb_plan_editor_add_space (RbPlanEditor *self, RbSpaceKind kind)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autoptr (RbPlanSpace) space = NULL;
  RbRect rect = { 0, 0, kind == RB_SPACE_KIND_DESK ? 2 : 4, kind == RB_SPACE_KIND_DESK ? 1 : 3 };

  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), NULL);
  g_return_val_if_fail (self->floor != NULL, NULL);

  id = g_strdup_printf ("%s-%.8s", rb_floor_get_id (self->floor), uuid);
  self->added++;
  name = kind == RB_SPACE_KIND_DESK ? g_strdup_printf (_("New desk %u"), self->added)
                                    : g_strdup_printf (_("New room %u"), self->added);
  rect.x = (rb_floor_get_width (self->floor) - rect.w) / 2;
  rect.y = (rb_floor_get_height (self->floor) - rect.h) / 2;
  clamp_rect (self, &rect);
  space = rb_plan_space_new (id, kind, name, kind == RB_SPACE_KIND_DESK ? 1 : 6, &rect);
  space->bookable_set = TRUE;
  put (self, id, space);
  record (self, NULL, space);
  rb_plan_editor_select (self, id);
  return find (self, id);
}

static void
edit_move (RbPlanSpace *space, gconstpointer data)
{
  const double *delta = data;

  space->rect.x += delta[0];
  space->rect.y += delta[1];
}

static void
edit_resize (RbPlanSpace *space, gconstpointer data)
{
  const double *delta = data;

  space->rect.w += delta[0];
  space->rect.h += delta[1];
}

/* Moves (or resizes) the selected space by whole quarter metres, on the floor. */
void
rb_plan_editor_move_selected (RbPlanEditor *self, double dx, double dy)
{
  double delta[2] = { dx, dy };
  RbPlanSpace *space;
  RbPlanSpace moved;

  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  if ((space = find (self, self->selected_id)) == NULL)
    return;
  moved = *space;
  edit_move (&moved, delta);
  clamp_rect (self, &moved.rect);
  delta[0] = moved.rect.x - space->rect.x;
  delta[1] = moved.rect.y - space->rect.y;
  change_selected (self, edit_move, delta);
}

void
rb_plan_editor_resize_selected (RbPlanEditor *self, double dw, double dh)
{
  double delta[2] = { dw, dh };
  RbPlanSpace *space;
  RbPlanSpace resized;

  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  if ((space = find (self, self->selected_id)) == NULL)
    return;
  resized = *space;
  edit_resize (&resized, delta);
  clamp_rect (self, &resized.rect);
  delta[0] = resized.rect.w - space->rect.w;
  delta[1] = resized.rect.h - space->rect.h;
  change_selected (self, edit_resize, delta);
}

static void
edit_retire (RbPlanSpace *space, gconstpointer data)
{
  space->retired = TRUE;
}

/* Takes the selected space off the floor; saving retires it (its future bookings cancelled). */
void
rb_plan_editor_retire_selected (RbPlanEditor *self)
{
  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  change_selected (self, edit_retire, NULL);
  if (find (self, self->selected_id) != NULL && find (self, self->selected_id)->retired)
    {
      g_clear_pointer (&self->selected_id, g_free);
      g_signal_emit (self, signals[SELECTION_CHANGED], 0);
      gtk_widget_grab_focus (GTK_WIDGET (self));
    }
}

static void
edit_name (RbPlanSpace *space, gconstpointer data)
{
  g_free (space->name);
  space->name = g_strdup (data);
}

void
rb_plan_editor_set_selected_name (RbPlanEditor *self, const char *name)
{
  g_autofree char *stripped = g_strstrip (g_strdup (name));

  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  if (*stripped != '\0')
    change_selected (self, edit_name, stripped);
}

static void
edit_capacity (RbPlanSpace *space, gconstpointer data)
{
  space->capacity = GPOINTER_TO_INT (data);
}

void
rb_plan_editor_set_selected_capacity (RbPlanEditor *self, int capacity)
{
  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  change_selected (self, edit_capacity, GINT_TO_POINTER (MAX (capacity, 1)));
}

static void
edit_amenities (RbPlanSpace *space, gconstpointer data)
{
  space->amenities = GPOINTER_TO_UINT (data);
}

void
rb_plan_editor_set_selected_amenities (RbPlanEditor *self, RbAmenities amenities)
{
  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  change_selected (self, edit_amenities, GUINT_TO_POINTER (amenities));
}

static void
edit_bookable (RbPlanSpace *space, gconstpointer data)
{
  space->bookable = GPOINTER_TO_INT (data);
  space->bookable_set = TRUE;
}

void
rb_plan_editor_set_selected_bookable (RbPlanEditor *self, gboolean bookable)
{
  g_return_if_fail (RB_IS_PLAN_EDITOR (self));
  change_selected (self, edit_bookable, GINT_TO_POINTER (bookable));
}

/* Takes back the last change; FALSE when there is none. */
gboolean
rb_plan_editor_undo (RbPlanEditor *self)
{
  Command *command;
  const char *id;

  g_return_val_if_fail (RB_IS_PLAN_EDITOR (self), FALSE);

  if (self->undo->len == 0)
    return FALSE;
  command = g_ptr_array_index (self->undo, self->undo->len - 1);
  id = command->after != NULL ? command->after->id : command->before->id;
  put (self, id, command->before);
  if (command->before != NULL && !command->before->retired)
    rb_plan_editor_select (self, command->before->id);
  g_ptr_array_remove_index (self->undo, self->undo->len - 1);
  g_signal_emit (self, signals[CHANGED], 0);
  return TRUE;
}
