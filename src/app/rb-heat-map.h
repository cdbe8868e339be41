/* rb-heat-map.h: a grid of utilisation values (rows × columns) drawn with GtkSnapshot; every
 * cell shows its value as a number, the shade only repeats it. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define RB_TYPE_HEAT_MAP (rb_heat_map_get_type ())
G_DECLARE_FINAL_TYPE (RbHeatMap, rb_heat_map, RB, HEAT_MAP, GtkWidget)

/* A cell without a value (no open space-time in it) is drawn empty, with a dash. */
#define RB_HEAT_MAP_NO_VALUE (-1.0)
/* A cell whose figures rest on fewer people than the site's minimum group: "<5". */
#define RB_HEAT_MAP_WITHHELD (-2.0)

GtkWidget *rb_heat_map_new (void);
void rb_heat_map_set_data (RbHeatMap *self, const char *const *row_labels,
                           const char *const *column_labels, const double *values,
                           int withheld_below);
guint rb_heat_map_get_n_rows (RbHeatMap *self);
guint rb_heat_map_get_n_columns (RbHeatMap *self);
char *rb_heat_map_dup_cell_text (RbHeatMap *self, guint row, guint column);

G_END_DECLS
