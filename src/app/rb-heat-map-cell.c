/* rb-heat-map-cell.c: see rb-heat-map-cell.h. */
#include "config.h"

#include "rb-heat-map-cell.h"

struct _RbHeatMapCell
{
  GtkWidget parent_instance;

  guint row;
  guint column;
};

G_DEFINE_FINAL_TYPE (RbHeatMapCell, rb_heat_map_cell, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_ROW,
  PROP_COLUMN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
rb_heat_map_cell_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbHeatMapCell *self = RB_HEAT_MAP_CELL (object);

  switch (prop_id)
    {
    case PROP_ROW:
      g_value_set_uint (value, self->row);
      break;
    case PROP_COLUMN:
      g_value_set_uint (value, self->column);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_heat_map_cell_set_property (GObject *object, guint prop_id, const GValue *value,
                               GParamSpec *pspec)
{
  RbHeatMapCell *self = RB_HEAT_MAP_CELL (object);

  switch (prop_id)
    {
    case PROP_ROW:
      self->row = g_value_get_uint (value);
      break;
    case PROP_COLUMN:
      self->column = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_heat_map_cell_constructed (GObject *object)
{
  RbHeatMapCell *self = RB_HEAT_MAP_CELL (object);

  G_OBJECT_CLASS (rb_heat_map_cell_parent_class)->constructed (object);
  /* ARIA counts rows and columns from 1. */
  gtk_accessible_update_relation (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_RELATION_ROW_INDEX,
                                  self->row + 1, GTK_ACCESSIBLE_RELATION_COL_INDEX,
                                  self->column + 1, -1);
}

static void
rb_heat_map_cell_class_init (RbHeatMapCellClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = rb_heat_map_cell_get_property;
  object_class->set_property = rb_heat_map_cell_set_property;
  object_class->constructed = rb_heat_map_cell_constructed;

  properties[PROP_ROW]
      = g_param_spec_uint ("row", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COLUMN]
      = g_param_spec_uint ("column", NULL, NULL, 0, G_MAXUINT, 0,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "rbheatmapcell");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GRID_CELL);
}

static void
rb_heat_map_cell_init (RbHeatMapCell *self)
{
  /* Not focusable until the map makes it its current cell: the map is one Tab stop. */
  gtk_widget_set_focusable (GTK_WIDGET (self), FALSE);
}

GtkWidget *
rb_heat_map_cell_new (guint row, guint column)
{
  return g_object_new (RB_TYPE_HEAT_MAP_CELL, "row", row, "column", column, NULL);
}

guint
rb_heat_map_cell_get_row (RbHeatMapCell *self)
{
  g_return_val_if_fail (RB_IS_HEAT_MAP_CELL (self), 0);
  return self->row;
}

guint
rb_heat_map_cell_get_column (RbHeatMapCell *self)
{
  g_return_val_if_fail (RB_IS_HEAT_MAP_CELL (self), 0);
  return self->column;
}
