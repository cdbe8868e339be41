/* rb-heat-map-cell.h: one cell of an RbHeatMap for screen readers and the keyboard. It draws
 * nothing of its own (the map draws the grid); it only carries the cell's accessible label
 * and, while focused, the focus ring. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RB_TYPE_HEAT_MAP_CELL (rb_heat_map_cell_get_type ())
G_DECLARE_FINAL_TYPE (RbHeatMapCell, rb_heat_map_cell, RB, HEAT_MAP_CELL, GtkWidget)

GtkWidget *rb_heat_map_cell_new (guint row, guint column);
guint rb_heat_map_cell_get_row (RbHeatMapCell *self);
guint rb_heat_map_cell_get_column (RbHeatMapCell *self);

G_END_DECLS
