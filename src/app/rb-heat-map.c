/* rb-heat-map.c: see rb-heat-map.h. Row labels on the left, column labels on top, cells
 * shaded by value with the value written in them: "42 %" reads without telling colours
 * apart. For screen readers and the keyboard the map is a grid of RbHeatMapCell children,
 * one over each drawn cell, each labelled with its row, column and value. The map is one Tab
 * stop (only its current cell is focusable, a "roving" focus); the arrow keys, Home and End
 * move between the cells. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rb-heat-map.h"

#include "rb-heat-map-cell.h"

#define CELL_MIN_WIDTH 48
#define CELL_HEIGHT 36
#define HEADER_HEIGHT 28
#define LABEL_PADDING 12

struct _RbHeatMap
{
  GtkWidget parent_instance;

  GStrv row_labels;
  GStrv column_labels;
  GArray *values;  /* double, row-major */
  int withheld_below;
  GPtrArray *cells; /* RbHeatMapCell, row-major; the widget tree owns them */
  guint current;    /* index of the one focusable cell */
};

/* Where a key moves the focus, as the argument of the key bindings. */
typedef enum
{
  MOVE_LEFT,
  MOVE_RIGHT,
  MOVE_UP,
  MOVE_DOWN,
  MOVE_ROW_START,
  MOVE_ROW_END,
  MOVE_FIRST,
  MOVE_LAST,
} Move;

G_DEFINE_FINAL_TYPE (RbHeatMap, rb_heat_map, GTK_TYPE_WIDGET)

static double
value_at (RbHeatMap *self, guint row, guint column)
{
  guint n_columns = rb_heat_map_get_n_columns (self);

  return g_array_index (self->values, double, row * n_columns + column);
}

static int
label_column_width (RbHeatMap *self)
{
  int widest = 0;

  for (guint i = 0; self->row_labels != NULL && self->row_labels[i] != NULL; i++)
    {
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                                       self->row_labels[i]);
      int width;

      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest + 2 * LABEL_PADDING;
}

/* The rectangle of a cell, as the snapshot draws it (without the 1 px gap). */
static void
cell_rect (RbHeatMap *self, int width, guint row, guint column, GtkAllocation *rect)
{
  double label_width = label_column_width (self);
  double cell_width = (width - label_width) / rb_heat_map_get_n_columns (self);

  rect->x = (int) floor (label_width + column * cell_width);
  rect->width = (int) floor (label_width + (column + 1) * cell_width) - rect->x;
  rect->y = HEADER_HEIGHT + row * CELL_HEIGHT;
  rect->height = CELL_HEIGHT;
}

static void
rb_heat_map_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                     int *natural, int *minimum_baseline, int *natural_baseline)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = label_column_width (self) + rb_heat_map_get_n_columns (self) * CELL_MIN_WIDTH;
      *natural = label_column_width (self) + rb_heat_map_get_n_columns (self) * 64;
    }
  else
    *minimum = *natural = HEADER_HEIGHT + rb_heat_map_get_n_rows (self) * CELL_HEIGHT;
}

static void
append_centered_layout (GtkSnapshot *snapshot, PangoLayout *layout, const GdkRGBA *color,
                        double x, double y, double width, double height)
{
  int text_width, text_height;

  pango_layout_get_pixel_size (layout, &text_width, &text_height);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + (width - text_width) / 2.0,
                                                          y + (height - text_height) / 2.0));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static void
rb_heat_map_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);
  guint n_rows = rb_heat_map_get_n_rows (self), n_columns = rb_heat_map_get_n_columns (self);
  double width = gtk_widget_get_width (widget);
  double label_width = label_column_width (self);
  double cell_width;
  GdkRGBA fg, grid, accent = { 0.11, 0.42, 0.82, 1.0 }, white = { 1, 1, 1, 1 };

  if (n_rows == 0 || n_columns == 0)
    return;
  cell_width = (width - label_width) / n_columns;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  grid = fg;
  grid.alpha = 0.15;

  for (guint c = 0; c < n_columns; c++)
    {
      g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget,
                                                                       self->column_labels[c]);
      GdkRGBA dim = fg;

      dim.alpha = 0.7;
      append_centered_layout (snapshot, layout, &dim, label_width + c * cell_width, 0,
                              cell_width, HEADER_HEIGHT);
    }

  for (guint r = 0; r < n_rows; r++)
    {
      double y = HEADER_HEIGHT + r * CELL_HEIGHT;
      g_autoptr (PangoLayout) row_layout = gtk_widget_create_pango_layout (widget,
                                                                           self->row_labels[r]);
      int text_height;

      pango_layout_get_pixel_size (row_layout, NULL, &text_height);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (0, y + (CELL_HEIGHT - text_height) / 2.0));
      gtk_snapshot_append_layout (snapshot, row_layout, &fg);
      gtk_snapshot_restore (snapshot);

      for (guint c = 0; c < n_columns; c++)
        {
          double x = label_width + c * cell_width;
          double value = value_at (self, r, c);
          g_autofree char *text = rb_heat_map_dup_cell_text (self, r, c);
          g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
          graphene_rect_t cell = GRAPHENE_RECT_INIT (x + 1, y + 1, cell_width - 2,
                                                     CELL_HEIGHT - 2);
          GdkRGBA shade = accent;
          const GdkRGBA *text_color = &fg;

          if (value >= 0)
            {
              /* Even 0 % gets a faint shade, so an open empty hour differs from a closed one. */
              shade.alpha = 0.08 + 0.92 * CLAMP (value, 0.0, 1.0);
              if (shade.alpha > 0.5)
                text_color = &white;
              gtk_snapshot_append_color (snapshot, &shade, &cell);
            }
          else
            gtk_snapshot_append_color (snapshot, &grid, &cell);
          append_centered_layout (snapshot, layout, text_color, x, y, cell_width, CELL_HEIGHT);
        }
    }

  /* The cells draw nothing but the focus ring, over the drawing. */
  for (guint i = 0; i < self->cells->len; i++)
    gtk_widget_snapshot_child (widget, g_ptr_array_index (self->cells, i), snapshot);
}

static void
rb_heat_map_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);

  for (guint i = 0; i < self->cells->len; i++)
    {
      GtkWidget *cell = g_ptr_array_index (self->cells, i);
      GtkAllocation rect;

      /* GTK wants every child measured before it is allocated; a cell has no size of its
       * own, it gets the drawn cell's. */
      gtk_widget_measure (cell, GTK_ORIENTATION_HORIZONTAL, -1, NULL, NULL, NULL, NULL);
      cell_rect (self, width, rb_heat_map_cell_get_row (RB_HEAT_MAP_CELL (cell)),
                 rb_heat_map_cell_get_column (RB_HEAT_MAP_CELL (cell)), &rect);
      gtk_widget_size_allocate (cell, &rect, -1);
    }
}

/* Whether the keyboard focus is on one of the cells. */
static gboolean
focus_in_cells (RbHeatMap *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  return focus != NULL && gtk_widget_get_parent (focus) == GTK_WIDGET (self);
}

/* Makes the cell at index the one focusable cell, and focuses it if grab. */
static void
set_current (RbHeatMap *self, guint index, gboolean grab)
{
  GtkWidget *cell;

  if (index >= self->cells->len)
    return;
  if (self->current < self->cells->len && self->current != index)
    gtk_widget_set_focusable (g_ptr_array_index (self->cells, self->current), FALSE);
  self->current = index;
  cell = g_ptr_array_index (self->cells, index);
  gtk_widget_set_focusable (cell, TRUE);
  if (grab)
    gtk_widget_grab_focus (cell);
}

/* Moves the focus within the grid; at an edge it stays where it is, as in a table. */
static void
move_focus (RbHeatMap *self, Move move)
{
  guint n_rows = rb_heat_map_get_n_rows (self), n_columns = rb_heat_map_get_n_columns (self);
  guint row, column;

  if (self->cells->len == 0)
    return;
  row = self->current / n_columns;
  column = self->current % n_columns;
  switch (move)
    {
    case MOVE_LEFT:
      column = column > 0 ? column - 1 : 0;
      break;
    case MOVE_RIGHT:
      column = MIN (column + 1, n_columns - 1);
      break;
    case MOVE_UP:
      row = row > 0 ? row - 1 : 0;
      break;
    case MOVE_DOWN:
      row = MIN (row + 1, n_rows - 1);
      break;
    case MOVE_ROW_START:
      column = 0;
      break;
    case MOVE_ROW_END:
      column = n_columns - 1;
      break;
    case MOVE_FIRST:
      row = column = 0;
      break;
    case MOVE_LAST:
      row = n_rows - 1;
      column = n_columns - 1;
      break;
    default:
      g_assert_not_reached ();
    }
  set_current (self, row * n_columns + column, TRUE);
}

static gboolean
move_focus_cb (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);

  if (!focus_in_cells (self))
    return FALSE;
  move_focus (self, g_variant_get_int32 (args));
  return TRUE;
}

/* Tab enters the grid at its current cell and leaves it at once; arrows move inside. */
static gboolean
rb_heat_map_focus (GtkWidget *widget, GtkDirectionType direction)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);

  if (self->cells->len == 0)
    return FALSE;
  if (!focus_in_cells (self))
    return gtk_widget_grab_focus (g_ptr_array_index (self->cells, self->current));
  switch (direction)
    {
    case GTK_DIR_LEFT:
      move_focus (self, MOVE_LEFT);
      return TRUE;
    case GTK_DIR_RIGHT:
      move_focus (self, MOVE_RIGHT);
      return TRUE;
    case GTK_DIR_UP:
      move_focus (self, MOVE_UP);
      return TRUE;
    case GTK_DIR_DOWN:
      move_focus (self, MOVE_DOWN);
      return TRUE;
    case GTK_DIR_TAB_FORWARD:
    case GTK_DIR_TAB_BACKWARD:
    default:
      return FALSE;
    }
}

/* A cell focused some other way (an assistive technology, say) becomes the current one. */
static void
rb_heat_map_set_focus_child (GtkWidget *widget, GtkWidget *child)
{
  RbHeatMap *self = RB_HEAT_MAP (widget);
  guint index;

  GTK_WIDGET_CLASS (rb_heat_map_parent_class)->set_focus_child (widget, child);
  if (child != NULL && g_ptr_array_find (self->cells, child, &index))
    set_current (self, index, FALSE);
}

static void
rb_heat_map_dispose (GObject *object)
{
  RbHeatMap *self = RB_HEAT_MAP (object);

  if (self->cells != NULL)
    {
      for (guint i = 0; i < self->cells->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->cells, i));
      g_ptr_array_set_size (self->cells, 0);
    }

  G_OBJECT_CLASS (rb_heat_map_parent_class)->dispose (object);
}

static void
rb_heat_map_finalize (GObject *object)
{
  RbHeatMap *self = RB_HEAT_MAP (object);

  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->column_labels, g_strfreev);
  g_clear_pointer (&self->values, g_array_unref);
  g_clear_pointer (&self->cells, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_heat_map_parent_class)->finalize (object);
}

static void
rb_heat_map_class_init (RbHeatMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  static const struct
  {
    guint keyval;
    GdkModifierType modifiers;
    Move move;
  } bindings[] = {
    { GDK_KEY_Left, 0, MOVE_LEFT },
    { GDK_KEY_KP_Left, 0, MOVE_LEFT },
    { GDK_KEY_Right, 0, MOVE_RIGHT },
    { GDK_KEY_KP_Right, 0, MOVE_RIGHT },
    { GDK_KEY_Up, 0, MOVE_UP },
    { GDK_KEY_KP_Up, 0, MOVE_UP },
    { GDK_KEY_Down, 0, MOVE_DOWN },
    { GDK_KEY_KP_Down, 0, MOVE_DOWN },
    { GDK_KEY_Home, 0, MOVE_ROW_START },
    { GDK_KEY_KP_Home, 0, MOVE_ROW_START },
    { GDK_KEY_End, 0, MOVE_ROW_END },
    { GDK_KEY_KP_End, 0, MOVE_ROW_END },
    { GDK_KEY_Home, GDK_CONTROL_MASK, MOVE_FIRST },
    { GDK_KEY_KP_Home, GDK_CONTROL_MASK, MOVE_FIRST },
    { GDK_KEY_End, GDK_CONTROL_MASK, MOVE_LAST },
    { GDK_KEY_KP_End, GDK_CONTROL_MASK, MOVE_LAST },
  };

  object_class->dispose = rb_heat_map_dispose;
  object_class->finalize = rb_heat_map_finalize;
  widget_class->measure = rb_heat_map_measure;
  widget_class->size_allocate = rb_heat_map_size_allocate;
  widget_class->snapshot = rb_heat_map_snapshot;
  widget_class->focus = rb_heat_map_focus;
  widget_class->set_focus_child = rb_heat_map_set_focus_child;

  /* The bindings act only while a cell has the focus (see move_focus_cb), so the page's own
   * keys keep working elsewhere. */
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_widget_class_add_binding (widget_class, bindings[i].keyval, bindings[i].modifiers,
                                  move_focus_cb, "i", bindings[i].move);

  gtk_widget_class_set_css_name (widget_class, "rbheatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID);
}

static void
rb_heat_map_init (RbHeatMap *self)
{
  self->values = g_array_new (FALSE, TRUE, sizeof (double));
  self->cells = g_ptr_array_new ();
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  /* TRANSLATORS: the heat map's description for screen readers;
                                   * each cell's own label reads out its value. */
                                  _("Darker cells hold higher values."), -1);
}

/* A cell's value in words: the drawn text, except where a symbol would be read out oddly. */
static char *
dup_spoken_cell_text (RbHeatMap *self, guint row, guint column)
{
  double value = value_at (self, row, column);

  if (value == RB_HEAT_MAP_WITHHELD)
    /* TRANSLATORS: a heat map cell whose figure is withheld, read out by a screen reader;
     * the screen shows "<5". */
    return g_strdup_printf (ngettext ("withheld, fewer than %d person",
                                      "withheld, fewer than %d people", self->withheld_below),
                            self->withheld_below);
  if (value < 0)
    /* TRANSLATORS: a heat map cell without a value (drawn as a dash), read out by a screen
     * reader. */
    return g_strdup (C_ ("heat map cell", "closed"));
  return rb_heat_map_dup_cell_text (self, row, column);
}

/* One cell child per drawn cell, labelled for screen readers. The cells are made anew only
 * when the grid changes shape, so that a refresh keeps the focus where it was. */
static void
update_cells (RbHeatMap *self)
{
  guint n_rows = rb_heat_map_get_n_rows (self), n_columns = rb_heat_map_get_n_columns (self);

  if (self->cells->len != n_rows * n_columns)
    {
      gboolean had_focus = focus_in_cells (self);

      for (guint i = 0; i < self->cells->len; i++)
        gtk_widget_unparent (g_ptr_array_index (self->cells, i));
      g_ptr_array_set_size (self->cells, 0);
      for (guint r = 0; r < n_rows; r++)
        for (guint c = 0; c < n_columns; c++)
          {
            GtkWidget *cell = rb_heat_map_cell_new (r, c);

            gtk_widget_set_parent (cell, GTK_WIDGET (self));
            g_ptr_array_add (self->cells, cell);
          }
      self->current = G_MAXUINT;
      set_current (self, 0, had_focus);
    }

  for (guint r = 0; r < n_rows; r++)
    for (guint c = 0; c < n_columns; c++)
      {
        g_autofree char *text = dup_spoken_cell_text (self, r, c);
        /* TRANSLATORS: a heat map cell for screen readers: the row (a floor), the column (an
         * hour, as drawn: "09") and the value, e.g. "Ground floor, 09: 45%". */
        g_autofree char *label
            = g_strdup_printf (C_ ("heat map cell", "%s, %s: %s"), self->row_labels[r],
                               self->column_labels[c], text);

        gtk_accessible_update_property (g_ptr_array_index (self->cells, r * n_columns + c),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      }
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_ROW_COUNT,
                                  (int) n_rows, GTK_ACCESSIBLE_RELATION_COL_COUNT, (int) n_columns,
                                  -1);
}

GtkWidget *
rb_heat_map_new (void)
{
  return g_object_new (RB_TYPE_HEAT_MAP, NULL);
}

/* values holds rows × columns doubles in row order: a fraction 0…1, RB_HEAT_MAP_NO_VALUE, or
 * RB_HEAT_MAP_WITHHELD for a cell whose bookings were made by fewer than withheld_below
 * people. */
void
rb_heat_map_set_data (RbHeatMap *self, const char *const *row_labels,
                      const char *const *column_labels, const double *values, int withheld_below)
{
  g_return_if_fail (RB_IS_HEAT_MAP (self));

  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->column_labels, g_strfreev);
  self->row_labels = g_strdupv ((char **) row_labels);
  self->column_labels = g_strdupv ((char **) column_labels);
  self->withheld_below = withheld_below;
  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, values,
                       rb_heat_map_get_n_rows (self) * rb_heat_map_get_n_columns (self));

  update_cells (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
rb_heat_map_get_n_rows (RbHeatMap *self)
{
  g_return_val_if_fail (RB_IS_HEAT_MAP (self), 0);
  return self->row_labels ? g_strv_length (self->row_labels) : 0;
}

guint
rb_heat_map_get_n_columns (RbHeatMap *self)
{
  g_return_val_if_fail (RB_IS_HEAT_MAP (self), 0);
  return self->column_labels ? g_strv_length (self->column_labels) : 0;
}

/* The text drawn in a cell: the utilisation in whole percent, a dash, or "<5" where it was
 * withheld. */
char *
rb_heat_map_dup_cell_text (RbHeatMap *self, guint row, guint column)
{
  double value;

  g_return_val_if_fail (RB_IS_HEAT_MAP (self), NULL);
  g_return_val_if_fail (row < rb_heat_map_get_n_rows (self), NULL);
  g_return_val_if_fail (column < rb_heat_map_get_n_columns (self), NULL);

  value = value_at (self, row, column);
  if (value == RB_HEAT_MAP_WITHHELD)
    /* TRANSLATORS: a heat map cell whose figure is withheld because fewer than %d people
     * booked in it; keep it short, like "<5". */
    return g_strdup_printf (C_ ("heat map cell", "<%d"), self->withheld_below);
  if (value < 0)
    return g_strdup ("–");
  /* TRANSLATORS: utilisation in a heat map cell, in whole percent; German "%d %%". */
  return g_strdup_printf (_("%d%%"), (int) floor (value * 100.0 + 0.5));
}
