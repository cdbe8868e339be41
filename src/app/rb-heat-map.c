/* rb-heat-map.c: see rb-heat-map.h. Row labels on the left, column labels on top, cells
 * shaded by value with the value written in them: "42 %" reads without telling colours
 * apart, and the accessible description carries the same numbers for screen readers. */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "rb-heat-map.h"

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
};

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
}

static void
rb_heat_map_finalize (GObject *object)
{
  RbHeatMap *self = RB_HEAT_MAP (object);

  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->column_labels, g_strfreev);
  g_clear_pointer (&self->values, g_array_unref);

  G_OBJECT_CLASS (rb_heat_map_parent_class)->finalize (object);
}

static void
rb_heat_map_class_init (RbHeatMapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rb_heat_map_finalize;
  widget_class->measure = rb_heat_map_measure;
  widget_class->snapshot = rb_heat_map_snapshot;
  gtk_widget_class_set_css_name (widget_class, "rbheatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rb_heat_map_init (RbHeatMap *self)
{
  self->values = g_array_new (FALSE, TRUE, sizeof (double));
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
  g_autoptr (GString) description = g_string_new (NULL);

  g_return_if_fail (RB_IS_HEAT_MAP (self));

  g_clear_pointer (&self->row_labels, g_strfreev);
  g_clear_pointer (&self->column_labels, g_strfreev);
  self->row_labels = g_strdupv ((char **) row_labels);
  self->column_labels = g_strdupv ((char **) column_labels);
  self->withheld_below = withheld_below;
  g_array_set_size (self->values, 0);
  g_array_append_vals (self->values, values,
                       rb_heat_map_get_n_rows (self) * rb_heat_map_get_n_columns (self));

  /* What the picture shows, in words: one sentence per row. */
  for (guint r = 0; r < rb_heat_map_get_n_rows (self); r++)
    {
      g_string_append_printf (description, "%s:", self->row_labels[r]);
      for (guint c = 0; c < rb_heat_map_get_n_columns (self); c++)
        {
          g_autofree char *text = rb_heat_map_dup_cell_text (self, r, c);

          g_string_append_printf (description, " %s %s%s", self->column_labels[c], text,
                                  c + 1 < rb_heat_map_get_n_columns (self) ? "," : ".");
        }
      g_string_append_c (description, '\n');
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description->str, -1);
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
