/* test-contrast.c: WCAG 1.4.3 and 1.4.11 on what the app really draws (issue 15). Every colour
 * rule of ui/style.css, and the Adwaita classes the app leans on, is put on a real widget in a
 * real window, loaded as the application loads its CSS (AdwApplication's resource-base-path),
 * and rendered through GSK's cairo renderer. The text is a full block (U+2588), so that the
 * middle of its glyph is the text's colour after every opacity; the same window rendered with
 * that label hidden gives what lies under it, pixel by pixel, stripes and tints included.
 * Text needs 4.5:1 (3:1 when large: 18 pt, or 14 pt bold); icons and borders need 3:1.
 *
 * Each style runs: light, dark, Adwaita's high contrast (light and dark, set as a session
 * sets it: org.gnome.desktop.a11y.interface high-contrast) and the kiosk's own high-contrast
 * button (.rb-high-contrast and dark, as rb-kiosk-window.c sets them). */
#include "config.h"

#include <adwaita.h>
#include <math.h>

#include "rb-application.h"
#include "rb-floor-plan.h"
#include "rb-ui-test-util.h"

/* One glyph: two would leave a seam of part-covered pixels between them at small sizes. */
#define BLOCK "\u2588"

typedef enum
{
  STYLE_LIGHT,
  STYLE_DARK,
  STYLE_HC,
  STYLE_HC_DARK,
  STYLE_KIOSK_HC,
} Style;

static const char *const style_names[] = { "light", "dark", "hc", "hc-dark", "kiosk-hc" };

typedef enum
{
  PLACE_DESKTOP,
  PLACE_KIOSK,
  PLACE_PANEL,
} Place;

typedef enum
{
  CHECK_TEXT,   /* a label of full blocks: 4.5:1, or 3:1 when large */
  CHECK_ICON,   /* an image: its strokes against what is under them, 3:1 */
  CHECK_BORDER, /* a widget's left border against what is just outside it, 3:1 */
} CheckKind;

typedef struct
{
  CheckKind kind;
  char *what;
  GtkWidget *widget;
} Check;

typedef struct
{
  GtkWidget *window;
  GPtrArray *checks;
} Scene;

typedef struct
{
  const char *name;
  Place place;
  void (*build) (Scene *scene, GtkBox *box);
} Case;

typedef struct
{
  const Case *test_case;
  Style style;
} Run;

static GSettings *a11y_settings;

/* ---- colour ---------------------------------------------------------------------------------- */

static double
channel_luminance (guint8 value)
{
  double c = value / 255.0;

  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
luminance (guint32 pixel)
{
  return 0.2126 * channel_luminance ((pixel >> 16) & 0xff)
         + 0.7152 * channel_luminance ((pixel >> 8) & 0xff)
         + 0.0722 * channel_luminance (pixel & 0xff);
}

static double
contrast_ratio (guint32 a, guint32 b)
{
  double la = luminance (a), lb = luminance (b);

  return (MAX (la, lb) + 0.05) / (MIN (la, lb) + 0.05);
}

/* ---- rendering ------------------------------------------------------------------------------- */

typedef struct
{
  cairo_surface_t *surface;
  int width, height;
} Picture;

static void
picture_clear (Picture *picture)
{
  g_clear_pointer (&picture->surface, cairo_surface_destroy);
}

static void
count_frame_cb (GdkFrameClock *clock, guint *frames)
{
  (*frames)++;
}

static gboolean
drawn (gpointer frames)
{
  return *(guint *) frames > 0;
}

static void
wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  guint frames = 0;
  gulong id;

  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (count_frame_cb), &frames);
  gtk_widget_queue_draw (window);
  g_assert_true (rb_ui_wait_for (drawn, &frames, 10));
  g_signal_handler_disconnect (clock, id);
}

/* The window as GTK draws it, through the cairo renderer (the tests' GSK_RENDERER), opaque. */
static Picture
render (GtkWidget *window)
{
  Picture picture = { NULL, gtk_widget_get_width (window), gtk_widget_get_height (window) };
  g_autoptr (GdkPaintable) paintable = gtk_widget_paintable_new (window);
  g_autoptr (GskRenderNode) node = NULL;
  cairo_t *cr;

  /* What the paintable gives is what the last frame drew: wait for a frame after any change. */
  for (int attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      g_autoptr (GtkSnapshot) snapshot = gtk_snapshot_new ();

      wait_for_frame (window);
      gdk_paintable_snapshot (paintable, snapshot, picture.width, picture.height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  g_assert_nonnull (node);
  picture.surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, picture.width, picture.height);
  cr = cairo_create (picture.surface);
  cairo_set_source_rgb (cr, 1, 0, 1); /* what no window draws: a hole would show */
  cairo_paint (cr);
  gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
  cairo_surface_flush (picture.surface);
  return picture;
}

static guint32
pixel_at (const Picture *picture, int x, int y)
{
  const guchar *data = cairo_image_surface_get_data (picture->surface);
  int stride = cairo_image_surface_get_stride (picture->surface);

  g_assert_true (x >= 0 && y >= 0 && x < picture->width && y < picture->height);
  return *(const guint32 *) (data + y * stride + x * 4) & 0xffffff;
}

static void
point_in_window (GtkWidget *widget, GtkWidget *window, double x, double y, int *wx, int *wy)
{
  graphene_point_t out;

  g_assert_true (gtk_widget_compute_point (widget, window, &GRAPHENE_POINT_INIT (x, y), &out));
  *wx = (int) round (out.x);
  *wy = (int) round (out.y);
}

/* WCAG's large text: 18 pt, or 14 pt bold, from the font the label really has. */
static gboolean
is_large_text (GtkWidget *label, double *points, int *weight)
{
  PangoContext *context = gtk_widget_get_pango_context (label);
  const PangoFontDescription *font = pango_context_get_font_description (context);
  double size = pango_font_description_get_size (font) / (double) PANGO_SCALE;

  /* CSS sizes reach Pango as pixels at 96 dpi where the size is absolute. */
  if (pango_font_description_get_size_is_absolute (font))
    size = size * 72.0 / 96.0;
  *points = size;
  *weight = pango_font_description_get_weight (font);
  return size >= 18.0 - 0.05 || (size >= 14.0 - 0.05 && *weight >= PANGO_WEIGHT_BOLD);
}

static char *
hex (guint32 pixel)
{
  return g_strdup_printf ("#%06x", pixel);
}

/* The area of widget in window coordinates that the check reads, shrunk so that only fully
 * covered pixels of a glyph remain. */
static void
check_area (const Check *check, GtkWidget *window, int *x0, int *y0, int *x1, int *y1)
{
  if (check->kind == CHECK_TEXT)
    {
      PangoRectangle ink;
      int ox, oy, inset;

      gtk_label_get_layout_offsets (GTK_LABEL (check->widget), &ox, &oy);
      pango_layout_get_pixel_extents (gtk_label_get_layout (GTK_LABEL (check->widget)), &ink, NULL);
      g_assert_cmpint (ink.width, >, 6);
      g_assert_cmpint (ink.height, >, 6);
      inset = MAX (2, MIN (ink.width, ink.height) / 5);
      point_in_window (check->widget, window, ox + ink.x + inset, oy + ink.y + inset, x0, y0);
      point_in_window (check->widget, window, ox + ink.x + ink.width - inset,
                       oy + ink.y + ink.height - inset, x1, y1);
    }
  else
    {
      point_in_window (check->widget, window, 0, 0, x0, y0);
      point_in_window (check->widget, window, gtk_widget_get_width (check->widget),
                       gtk_widget_get_height (check->widget), x1, y1);
    }
}

/* The check's ratio (the worst pixel of a text, the best of an icon's strokes, the border's
 * middle), its need, and what it saw. */
static double
measure (const Check *check, GtkWidget *window, int border, double *need, char **seen)
{
  int x0, y0, x1, y1;
  double ratio = check->kind == CHECK_TEXT ? G_MAXDOUBLE : 0;
  guint32 fg = 0, bg = 0;
  Picture with, without = { NULL, 0, 0 };
  g_autofree char *fg_hex = NULL;
  g_autofree char *bg_hex = NULL;
  g_autofree char *font = NULL;

  check_area (check, window, &x0, &y0, &x1, &y1);
  with = render (window);
  if (check->kind == CHECK_BORDER)
    {
      graphene_rect_t bounds;
      int x, y;

      /* The middle of the left border, against 3 px outside the widget's border box. */
      g_assert_true (gtk_widget_compute_bounds (check->widget, window, &bounds));
      x = (int) round (bounds.origin.x);
      y = (int) round (bounds.origin.y + bounds.size.height / 2);
      fg = pixel_at (&with, x + border / 2, y);
      bg = pixel_at (&with, x - 3, y);
      ratio = contrast_ratio (fg, bg);
      *need = 3.0;
    }
  else
    {
      gtk_widget_set_opacity (check->widget, 0);
      without = render (window);
      gtk_widget_set_opacity (check->widget, 1);
      for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
          {
            guint32 a = pixel_at (&with, x, y), b = pixel_at (&without, x, y);
            double r = contrast_ratio (a, b);

            if (check->kind == CHECK_TEXT ? r < ratio : r > ratio)
              {
                ratio = r;
                fg = a;
                bg = b;
              }
          }
      if (check->kind == CHECK_ICON)
        *need = 3.0;
      else
        {
          double points;
          int weight;
          gboolean large = is_large_text (check->widget, &points, &weight);

          *need = large ? 3.0 : 4.5;
          font = g_strdup_printf (", %.1f pt, weight %d", points, weight);
        }
    }
  fg_hex = hex (fg);
  bg_hex = hex (bg);
  *seen = g_strdup_printf ("%s on %s%s", fg_hex, bg_hex, font ? font : "");
  picture_clear (&with);
  picture_clear (&without);
  return ratio;
}

/* ---- scenes ---------------------------------------------------------------------------------- */

static GtkWidget *
add_check (Scene *scene, CheckKind kind, const char *what, GtkWidget *widget)
{
  Check *check = g_new0 (Check, 1);

  check->kind = kind;
  check->what = g_strdup (what);
  check->widget = widget;
  g_ptr_array_add (scene->checks, check);
  return widget;
}

static void
check_free (gpointer data)
{
  Check *check = data;

  g_free (check->what);
  g_free (check);
}

static GtkWidget *
block_label (const char *css_class)
{
  GtkWidget *label = gtk_label_new (BLOCK);

  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static GtkWidget *
text (Scene *scene, GtkBox *box, const char *what, const char *css_class)
{
  GtkWidget *label = block_label (css_class);

  gtk_box_append (box, label);
  return add_check (scene, CHECK_TEXT, what, label);
}

static GtkWidget *
boxed_list (GtkBox *box)
{
  GtkWidget *list = gtk_list_box_new ();

  gtk_widget_add_css_class (list, "boxed-list");
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_box_append (box, list);
  return list;
}

/* An AdwActionRow of blocks; its title and subtitle are checked. */
static GtkWidget *
action_row (Scene *scene, GtkWidget *list, const char *what, const char *row_class)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *title = NULL, *subtitle = NULL;
  g_autofree char *title_what = g_strdup_printf ("%s title", what);
  g_autofree char *subtitle_what = g_strdup_printf ("%s subtitle", what);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), BLOCK);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), BLOCK);
  if (row_class != NULL)
    gtk_widget_add_css_class (row, row_class);
  gtk_list_box_append (GTK_LIST_BOX (list), row);
  title = rb_ui_find (row, rb_ui_is_label_containing, (gpointer) BLOCK);
  for (GtkWidget *w = gtk_widget_get_next_sibling (title); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_LABEL (w) && gtk_widget_has_css_class (w, "subtitle"))
      subtitle = w;
  g_assert_nonnull (title);
  g_assert_nonnull (subtitle);
  add_check (scene, CHECK_TEXT, title_what, title);
  add_check (scene, CHECK_TEXT, subtitle_what, subtitle);
  return row;
}

static GtkWidget *
button (Scene *scene, GtkBox *box, const char *what, const char *css_class, const char *more)
{
  GtkWidget *widget = gtk_button_new_with_label (BLOCK);

  if (css_class != NULL)
    gtk_widget_add_css_class (widget, css_class);
  if (more != NULL)
    gtk_widget_add_css_class (widget, more);
  gtk_widget_set_halign (widget, GTK_ALIGN_START);
  gtk_box_append (box, widget);
  add_check (scene, CHECK_TEXT, what, gtk_button_get_child (GTK_BUTTON (widget)));
  return widget;
}

static void
build_desktop_text (Scene *scene, GtkBox *box)
{
  text (scene, box, "label on window", NULL);
  text (scene, box, "dim-label on window", "dim-label");
  text (scene, box, "error label on window", "error");
  text (scene, box, "heading on window", "heading");
}

static void
build_desktop_rows (Scene *scene, GtkBox *box)
{
  GtkWidget *list = boxed_list (box);
  GtkWidget *dim = gtk_list_box_row_new ();

  action_row (scene, list, "row", NULL);
  action_row (scene, list, "row.rb-busy", "rb-busy");
  action_row (scene, list, "row.error", "error");
  action_row (scene, list, "row.rb-conflict", "rb-conflict");
  /* the bookings and people pages: a whole row dimmed, its words on the card */
  gtk_widget_add_css_class (dim, "dim-label");
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (dim), block_label (NULL));
  add_check (scene, CHECK_TEXT, "row.dim-label label",
             gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (dim)));
  gtk_list_box_append (GTK_LIST_BOX (list), dim);
}

static void
build_desktop_buttons (Scene *scene, GtkBox *box)
{
  button (scene, box, "button", NULL, NULL);
  button (scene, box, "suggested-action", "suggested-action", NULL);
  button (scene, box, "destructive-action", "destructive-action", NULL);
  button (scene, box, "pill suggested-action", "suggested-action", "pill");
  button (scene, box, "flat button", "flat", NULL);
}

static void
build_error_bar (Scene *scene, GtkBox *box)
{
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *image = gtk_image_new_from_icon_name ("dialog-error-symbolic");

  gtk_widget_add_css_class (bar, "rb-error-bar");
  gtk_box_append (GTK_BOX (bar), image);
  add_check (scene, CHECK_ICON, "rb-error-bar icon", image);
  text (scene, GTK_BOX (bar), "rb-error-bar label", NULL);
  button (scene, GTK_BOX (bar), "rb-error-bar button", NULL, NULL);
  gtk_box_append (box, bar);
}

static void
build_kiosk_messages (Scene *scene, GtkBox *box)
{
  GtkWidget *person = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  text (scene, box, "rb-error-text on window", "rb-error-text");
  text (scene, box, "rb-success-text on window", "rb-success-text");
  text (scene, box, "rb-progress-text on window", "rb-progress-text");
  text (scene, box, "dim-label on window", "dim-label");
  gtk_widget_add_css_class (person, "rb-person-box");
  text (scene, GTK_BOX (person), "rb-person-box title-3", "title-3");
  text (scene, GTK_BOX (person), "rb-person-box rb-error-text", "rb-error-text");
  text (scene, GTK_BOX (person), "rb-person-box rb-success-text", "rb-success-text");
  text (scene, GTK_BOX (person), "rb-person-box rb-plain-text", "rb-plain-text");
  button (scene, GTK_BOX (person), "rb-person-box rb-big button", "rb-big", NULL);
  gtk_box_append (box, person);
}

static void
build_kiosk_buttons (Scene *scene, GtkBox *box)
{
  GtkWidget *idle = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  button (scene, box, "suggested-action rb-big", "suggested-action", "rb-big");
  button (scene, box, "rb-key", "rb-key", NULL);
  button (scene, box, "rb-chip", "rb-chip", NULL);
  button (scene, box, "destructive-action rb-big", "destructive-action", "rb-big");
  gtk_widget_add_css_class (idle, "rb-idle-bar");
  text (scene, GTK_BOX (idle), "rb-idle-bar label", NULL);
  button (scene, GTK_BOX (idle), "rb-idle-bar suggested-action", "suggested-action", NULL);
  gtk_box_append (box, idle);
}

static gboolean
has_class (GtkWidget *widget, gpointer css_class)
{
  return gtk_widget_has_css_class (widget, css_class);
}

static void
add_plan_checks (Scene *scene, GtkWidget *space, const char *kind, const char *state,
                 GtkWidget *name, GtkWidget *state_label, GtkWidget *icon)
{
  g_autofree char *name_what = g_strdup_printf ("plan %s.%s name", kind, state);
  g_autofree char *state_what = g_strdup_printf ("plan %s.%s state", kind, state);
  g_autofree char *icon_what = g_strdup_printf ("plan %s.%s icon", kind, state);
  g_autofree char *border_what = g_strdup_printf ("plan %s.%s border", kind, state);

  add_check (scene, CHECK_TEXT, name_what, name);
  add_check (scene, CHECK_TEXT, state_what, state_label);
  add_check (scene, CHECK_ICON, icon_what, icon);
  /* where a border is drawn (checked in; every space in the kiosk's high contrast) it must
   * stand out from the floor around it */
  add_check (scene, CHECK_BORDER, border_what, space);
}

/* The real RbFloorPlan with one space in each state, each apart from the others. */
static void
build_plan (Scene *scene, GtkBox *box, gboolean drawing)
{
  static const struct
  {
    const char *css, *icon;
  } states[] = {
    { "rb-free", "emblem-ok-symbolic" },
    { "rb-busy", "action-unavailable-symbolic" },
    { "rb-checked-in", "avatar-default-symbolic" },
  };
  GtkWidget *plan = rb_floor_plan_new ();
  g_autoptr (RbFloor) floor = rb_floor_new ("f", "b", "Floor", 0, 30, 10);
  g_autoptr (GPtrArray) spaces = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < G_N_ELEMENTS (states) * 2; i++)
    {
      g_autofree char *id = g_strdup_printf ("s%u", i);
      RbRect rect = { 1 + (i % 3) * 10, 0.5 + (i / 3) * 5, 7, 4 };

      g_ptr_array_add (spaces,
                       rb_space_new (id, "f", i < 3 ? RB_SPACE_KIND_DESK : RB_SPACE_KIND_ROOM,
                                     BLOCK, 1, 0, &rect));
    }
  rb_floor_plan_set_spaces (RB_FLOOR_PLAN (plan), floor, spaces);
  for (guint i = 0; i < spaces->len; i++)
    rb_floor_plan_set_state (RB_FLOOR_PLAN (plan), g_ptr_array_index (spaces, i), BLOCK,
                             states[i % 3].icon, states[i % 3].css);
  if (drawing)
    {
      static const char svg[] = "<svg xmlns='http://www.w3.org/2000/svg' width='90' "
                                "height='30'><rect width='90' height='30' fill='#fbfaf8'/></svg>";
      g_autoptr (GBytes) bytes = g_bytes_new_static (svg, sizeof svg - 1);

      rb_floor_plan_set_drawing (RB_FLOOR_PLAN (plan), bytes, "image/svg+xml");
      gtk_widget_add_css_class (plan, "rb-has-drawing");
    }
  gtk_widget_set_size_request (plan, 1200, 420);
  gtk_box_append (box, plan);

  for (GtkWidget *b = gtk_widget_get_first_child (plan); b != NULL;
       b = gtk_widget_get_next_sibling (b))
    {
      const char *kind = gtk_widget_has_css_class (b, "rb-plan-desk") ? "desk" : "room";
      const char *state = NULL;
      GtkWidget *name, *state_label, *icon;

      if (!gtk_widget_has_css_class (b, "rb-plan-space"))
        continue;
      for (guint i = 0; i < G_N_ELEMENTS (states); i++)
        if (gtk_widget_has_css_class (b, states[i].css))
          state = states[i].css;
      name = rb_ui_find (b, has_class, (gpointer) "rb-plan-name");
      state_label = rb_ui_find (b, has_class, (gpointer) "rb-plan-state");
      icon = rb_ui_find (b, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_IMAGE));
      g_assert_true (GTK_IS_LABEL (name) && GTK_IS_LABEL (state_label) && GTK_IS_IMAGE (icon));
      add_plan_checks (scene, b, kind, state, name, state_label, icon);
    }
}

static void
build_plan_plain (Scene *scene, GtkBox *box)
{
  build_plan (scene, box, FALSE);
}

static void
build_plan_drawing (Scene *scene, GtkBox *box)
{
  build_plan (scene, box, TRUE);
}

static void
build_panel_state (Scene *scene, GtkBox *box, const char *state)
{
  GtkWidget *state_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *icon = gtk_image_new_from_icon_name ("action-unavailable-symbolic");
  g_autofree char *word = g_strdup_printf ("%s rb-panel-word", state);
  g_autofree char *title1 = g_strdup_printf ("%s title-1", state);
  g_autofree char *title3 = g_strdup_printf ("%s title-3", state);
  g_autofree char *icon_what = g_strdup_printf ("%s icon", state);

  gtk_widget_add_css_class (state_box, "rb-panel-state");
  gtk_widget_add_css_class (state_box, state);
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 64);
  gtk_box_append (GTK_BOX (top), icon);
  add_check (scene, CHECK_ICON, icon_what, icon);
  text (scene, GTK_BOX (top), word, "rb-panel-word");
  gtk_box_append (GTK_BOX (state_box), top);
  text (scene, GTK_BOX (state_box), title1, "title-1");
  text (scene, GTK_BOX (state_box), title3, "title-3");
  gtk_box_append (box, state_box);
}

static void
build_panel_states (Scene *scene, GtkBox *box)
{
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box), GTK_ORIENTATION_HORIZONTAL);
  build_panel_state (scene, box, "rb-panel-free");
  build_panel_state (scene, box, "rb-panel-busy");
  build_panel_state (scene, box, "rb-panel-closed");
}

static void
build_panel_messages (Scene *scene, GtkBox *box)
{
  text (scene, box, "rb-panel-offline", "rb-panel-offline");
  text (scene, box, "rb-panel-message", "rb-panel-message");
  add_check (scene, CHECK_TEXT, "rb-panel-message rb-error-text",
             gtk_widget_get_last_child (GTK_WIDGET (box)));
  gtk_widget_add_css_class (gtk_widget_get_last_child (GTK_WIDGET (box)), "rb-error-text");
  text (scene, box, "dim-label", "dim-label");
  button (scene, box, "rb-panel-action suggested-action", "rb-panel-action", "suggested-action");
}

/* Outside the opening hours: the whole panel dimmed on a dark ground. */
static void
build_panel_dimmed (Scene *scene, GtkBox *box)
{
  GtkWidget *top = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *body = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  gtk_widget_add_css_class (scene->window, "rb-panel-dimmed");
  gtk_widget_add_css_class (top, "rb-panel-top");
  gtk_widget_add_css_class (body, "rb-panel-body");
  button (scene, GTK_BOX (top), "rb-panel-top flat button", "flat", NULL);
  gtk_box_append (GTK_BOX (body), top);
  text (scene, GTK_BOX (body), "rb-panel-body label", NULL);
  text (scene, GTK_BOX (body), "rb-panel-body title-1", "title-1");
  text (scene, GTK_BOX (body), "rb-panel-body dim-label", "dim-label");
  gtk_box_append (box, body);
}

/* ---- the runs -------------------------------------------------------------------------------- */

static const Case cases[] = {
  { "desktop/text", PLACE_DESKTOP, build_desktop_text },
  { "desktop/rows", PLACE_DESKTOP, build_desktop_rows },
  { "desktop/buttons", PLACE_DESKTOP, build_desktop_buttons },
  { "desktop/error-bar", PLACE_DESKTOP, build_error_bar },
  { "desktop/plan", PLACE_DESKTOP, build_plan_plain },
  { "desktop/plan-drawing", PLACE_DESKTOP, build_plan_drawing },
  { "kiosk/messages", PLACE_KIOSK, build_kiosk_messages },
  { "kiosk/buttons", PLACE_KIOSK, build_kiosk_buttons },
  { "kiosk/plan", PLACE_KIOSK, build_plan_plain },
  { "kiosk/plan-drawing", PLACE_KIOSK, build_plan_drawing },
  { "panel/states", PLACE_PANEL, build_panel_states },
  { "panel/messages", PLACE_PANEL, build_panel_messages },
  { "panel/dimmed", PLACE_PANEL, build_panel_dimmed },
};

static void
apply_style (Style style, Place place, GtkWidget *window)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  gboolean dark = style == STYLE_DARK || style == STYLE_HC_DARK || style == STYLE_KIOSK_HC;
  gboolean high = style == STYLE_HC || style == STYLE_HC_DARK;

  adw_style_manager_set_color_scheme (manager, dark ? ADW_COLOR_SCHEME_FORCE_DARK
                                                    : ADW_COLOR_SCHEME_FORCE_LIGHT);
  g_settings_set_boolean (a11y_settings, "high-contrast", high);
  if (style == STYLE_KIOSK_HC)
    gtk_widget_add_css_class (window, "rb-high-contrast");
  g_assert_cmpint (adw_style_manager_get_dark (manager), ==, dark);
  g_assert_cmpint (adw_style_manager_get_high_contrast (manager), ==, high);
  if (place == PLACE_KIOSK)
    gtk_widget_add_css_class (window, "rb-kiosk");
  else if (place == PLACE_PANEL)
    gtk_widget_add_css_class (window, "rb-panel");
}

static gboolean
has_border (GtkWidget *widget, int *left)
{
  GtkBorder border;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_border (gtk_widget_get_style_context (widget), &border);
  G_GNUC_END_IGNORE_DEPRECATIONS
  *left = border.left;
  return border.left > 0;
}

static void
test_contrast (gconstpointer data)
{
  const Run *run = data;
  Scene scene = { NULL, g_ptr_array_new_with_free_func (check_free) };
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 18);
  g_autoptr (GString) failures = g_string_new (NULL);

  scene.window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (scene.window), 1300, 900);
  gtk_widget_set_margin_start (box, 24);
  gtk_widget_set_margin_end (box, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_window_set_child (GTK_WINDOW (scene.window), box);
  apply_style (run->style, run->test_case->place, scene.window);
  run->test_case->build (&scene, GTK_BOX (box));
  gtk_window_present (GTK_WINDOW (scene.window));
  rb_ui_wait_laid_out (scene.window);
  rb_ui_settle (200);
  {
    g_autofree char *shot
        = g_strdup_printf ("contrast-%s-%s", run->test_case->name, style_names[run->style]);

    g_strdelimit (shot, "/", '-');
    rb_ui_save_screenshot (scene.window, shot);
  }

  for (guint i = 0; i < scene.checks->len; i++)
    {
      const Check *check = g_ptr_array_index (scene.checks, i);
      g_autofree char *seen = NULL;
      double need, ratio;
      int border = 0;

      if (!gtk_widget_get_mapped (check->widget))
        g_error ("%s is not shown", check->what);
      if (check->kind == CHECK_BORDER && !has_border (check->widget, &border))
        {
          g_test_message ("%-40s no border", check->what);
          continue;
        }
      ratio = measure (check, scene.window, border, &need, &seen);
      g_test_message ("%-40s %5.2f:1 (needs %.1f) %s", check->what, ratio, need, seen);
      if (ratio < need)
        g_string_append_printf (failures, "%s%s %.2f:1 < %.1f:1 (%s)", failures->len ? "; " : "",
                                check->what, ratio, need, seen);
    }
  gtk_window_destroy (GTK_WINDOW (scene.window));
  g_ptr_array_unref (scene.checks);
  if (failures->len > 0)
    g_test_fail_printf ("%s: %s", style_names[run->style], failures->str);
}

int
main (int argc, char *argv[])
{
  g_autoptr (AdwApplication) app = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) runs = g_ptr_array_new_with_free_func (g_free);

  /* The suite's GTK_THEME=Adwaita puts GTK's own Adwaita over libadwaita's stylesheet; the
   * app runs without it, and its colours are what a person reads. */
  g_unsetenv ("GTK_THEME");
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  /* The application's resources, and the CSS an AdwApplication loads from them at startup. */
  g_object_unref (rb_application_new ());
  app = adw_application_new ("de.raumbuch.Raumbuch.ContrastTest", G_APPLICATION_NON_UNIQUE);
  g_application_set_resource_base_path (G_APPLICATION (app), "/de/raumbuch/Raumbuch");
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  a11y_settings = g_settings_new ("org.gnome.desktop.a11y.interface");

  for (Style style = STYLE_LIGHT; style <= STYLE_KIOSK_HC; style++)
    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        Run *run;
        g_autofree char *path = NULL;

        /* The kiosk's button is the kiosk's alone. */
        if (style == STYLE_KIOSK_HC && cases[i].place != PLACE_KIOSK)
          continue;
        run = g_new0 (Run, 1);
        run->test_case = &cases[i];
        run->style = style;
        g_ptr_array_add (runs, run);
        path = g_strdup_printf ("/contrast/%s/%s", style_names[style], cases[i].name);
        g_test_add_data_func (path, run, test_contrast);
      }
  {
    int status = g_test_run ();

    g_clear_object (&a11y_settings);
    return status;
  }
}
