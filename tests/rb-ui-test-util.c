/* rb-ui-test-util.c: see rb-ui-test-util.h. Everything waits on the real main loop with a
 * deadline, so a hang fails instead of stalling CI. */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "rb-auth.h"
#include "rb-keypad.h"
#include "rb-ui-test-util.h"

gboolean
rb_ui_wait_for (gboolean (*cond) (gpointer), gpointer data, int seconds)
{
  gint64 deadline = g_get_monotonic_time () + seconds * G_USEC_PER_SEC;

  while (!cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  return TRUE;
}

void
rb_ui_settle (int ms)
{
  gint64 until = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static gboolean
is_laid_out (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0
         && gtk_widget_get_height (widget) > 0;
}

/* A fixed settle time is not enough under the sanitizers: wait for the first layout. */
void
rb_ui_wait_laid_out (GtkWidget *widget)
{
  g_assert_nonnull (widget);
  g_assert_true (rb_ui_wait_for (is_laid_out, widget, 20));
}

/* ---- the store, from a test that drives a window ----------------------------------------- */

void
rb_ui_keep_result_cb (GObject *source, GAsyncResult *result, gpointer slot)
{
  *(GAsyncResult **)slot = g_object_ref (result);
}

static gboolean
has_result (gpointer slot)
{
  return *(GAsyncResult **)slot != NULL;
}

/* Waits for rb_ui_keep_result_cb to fill slot; the slot keeps its reference. */
GAsyncResult *
rb_ui_wait_result (GAsyncResult **slot)
{
  g_assert_true (rb_ui_wait_for (has_result, slot, 30));
  return *slot;
}

RbBooking *
rb_ui_store_create_booking (RbStore *store, RbBooking *request, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_store_create_booking_async (store, request, NULL, rb_ui_keep_result_cb, &result);
  return rb_store_booking_finish (store, rb_ui_wait_result (&result), error);
}

RbBooking *
rb_ui_store_check_in (RbStore *store, const char *booking_id, const char *actor_id, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_store_check_in_async (store, booking_id, actor_id, NULL, rb_ui_keep_result_cb, &result);
  return rb_store_booking_finish (store, rb_ui_wait_result (&result), error);
}

int
rb_ui_store_release_no_shows (RbStore *store, GError **error)
{
  g_autoptr (GAsyncResult) result = NULL;

  rb_store_release_no_shows_async (store, NULL, rb_ui_keep_result_cb, &result);
  return rb_store_release_no_shows_finish (store, rb_ui_wait_result (&result), error);
}

static GtkWidget *
find (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data,
      gboolean on_screen)
{
  if (match (root, data) && (!on_screen || gtk_widget_get_mapped (root)))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find (child, match, data, on_screen);
      if (found != NULL)
        return found;
    }
  return NULL;
}

/* Depth-first search for a widget that matches, shown or not. */
GtkWidget *
rb_ui_find (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data)
{
  return find (root, match, data, FALSE);
}

/* The same, among the widgets on screen only: what a person could tap. */
GtkWidget *
rb_ui_find_visible (GtkWidget *root, gboolean (*match) (GtkWidget *, gpointer), gpointer data)
{
  return find (root, match, data, TRUE);
}

gboolean
rb_ui_is_type (GtkWidget *widget, gpointer type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

gboolean
rb_ui_is_button_labelled (GtkWidget *widget, gpointer label_prefix)
{
  return GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL
         && g_str_has_prefix (gtk_button_get_label (GTK_BUTTON (widget)), label_prefix);
}

gboolean
rb_ui_is_label_containing (GtkWidget *widget, gpointer text)
{
  return GTK_IS_LABEL (widget) && strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

gboolean
rb_ui_is_row_titled (GtkWidget *widget, gpointer title)
{
  return ADW_IS_PREFERENCES_ROW (widget)
         && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

gboolean
rb_ui_has_builder_id (GtkWidget *widget, gpointer id)
{
  return g_strcmp0 (gtk_buildable_get_buildable_id (GTK_BUILDABLE (widget)), id) == 0;
}

GtkWidget *
rb_ui_child_by_id (GtkWidget *root, const char *id)
{
  GtkWidget *widget = rb_ui_find (root, rb_ui_has_builder_id, (gpointer) id);

  if (widget == NULL)
    g_error ("no widget “%s”", id);
  return widget;
}

typedef struct
{
  const char *action_name;
  const char *target;
} ActionQuery;

static gboolean
fires_action (GtkWidget *widget, gpointer data)
{
  ActionQuery *query = data;
  GVariant *target;

  if (!GTK_IS_ACTIONABLE (widget)
      || g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), query->action_name)
             != 0)
    return FALSE;
  if (query->target == NULL)
    return TRUE;
  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));
  return target != NULL && g_variant_is_of_type (target, G_VARIANT_TYPE_STRING)
         && g_str_equal (g_variant_get_string (target, NULL), query->target);
}

GtkWidget *
rb_ui_find_action (GtkWidget *root, const char *action_name, const char *target)
{
  ActionQuery query = { action_name, target };

  return rb_ui_find (root, fires_action, &query);
}

GtkWindow *
rb_ui_find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr (GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return GTK_WINDOW (window);
    }
  return NULL;
}

/* Sensitive itself and inside a sensitive container: a person could click it. */
static gboolean
is_clickable (gpointer widget)
{
  return gtk_widget_is_sensitive (widget);
}

void
rb_ui_click (GtkWidget *button)
{
  g_assert_nonnull (button);
  if (!rb_ui_wait_for (is_clickable, button, 5))
    g_error ("button “%s” stays insensitive", gtk_widget_get_name (button));
  g_signal_emit_by_name (button, "clicked");
}

void
rb_ui_destroy_toplevels (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  GtkWindow *window;

  /* A dialog goes with its parent, so the list is looked at again after each. */
  while ((window = g_list_model_get_item (toplevels, 0)) != NULL)
    {
      gtk_window_destroy (window);
      g_object_unref (window);
    }
  rb_ui_settle (50);
}

RbWindow *
rb_ui_open_window (RbContext *context)
{
  RbWindow *window = rb_window_new (NULL, context);

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 760);
  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static AdwViewStack *
view_stack (RbWindow *window)
{
  return ADW_VIEW_STACK (rb_ui_find (GTK_WIDGET (window), rb_ui_is_type,
                                     GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));
}

/* The administrators' pages sit in a GtkStack of the view stack's page "admin". */
static GtkWidget *
admin_page (AdwViewStack *stack, const char *name, GtkStack **out_inner)
{
  GtkWidget *admin = adw_view_stack_get_child_by_name (stack, "admin");
  GtkStack *inner;

  if (admin == NULL)
    return NULL;
  inner = GTK_STACK (rb_ui_find (admin, rb_ui_is_type, GSIZE_TO_POINTER (GTK_TYPE_STACK)));
  if (out_inner != NULL)
    *out_inner = inner;
  return inner != NULL ? gtk_stack_get_child_by_name (inner, name) : NULL;
}

GtkWidget *
rb_ui_show_page (RbWindow *window, const char *name)
{
  AdwViewStack *stack = view_stack (window);
  GtkWidget *page = adw_view_stack_get_child_by_name (stack, name);
  GtkStack *inner = NULL;

  if (page == NULL && (page = admin_page (stack, name, &inner)) != NULL)
    {
      adw_view_stack_set_visible_child_name (stack, "admin");
      gtk_stack_set_visible_child (inner, page);
      return page;
    }
  g_assert_nonnull (page);
  adw_view_stack_set_visible_child (stack, page);
  return page;
}

/* Whether the window offers the page to whoever is signed in. */
gboolean
rb_ui_page_offered (RbWindow *window, const char *name)
{
  AdwViewStack *stack = view_stack (window);
  GtkWidget *page = adw_view_stack_get_child_by_name (stack, name);

  if (page == NULL && admin_page (stack, name, NULL) != NULL)
    page = adw_view_stack_get_child_by_name (stack, "admin");
  return page != NULL && adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, page));
}

/* Writes NAME-WxH-LANG.png to RB_SCREENSHOT_DIR when it is set. */
void
rb_ui_save_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("RB_SCREENSHOT_DIR");
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_autoptr (GdkPaintable) paintable = NULL;
  g_autoptr (GtkSnapshot) snapshot = NULL;
  g_autoptr (GskRenderNode) node = NULL;
  g_autoptr (GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  const char *language = g_str_has_prefix (setlocale (LC_MESSAGES, NULL), "de")
                                 || g_str_has_prefix (g_getenv ("LANGUAGE") ? g_getenv ("LANGUAGE") : "", "de")
                             ? "de"
                             : "en";

  if (dir == NULL || width <= 0 || height <= 0)
    return;
  paintable = gtk_widget_paintable_new (widget);
  /* A slow machine (sanitizers, valgrind) may not have drawn the widget yet: give it time,
   * and leave out the picture rather than fail the test over an artifact. */
  for (int attempt = 0; node == NULL && attempt < 20; attempt++)
    {
      rb_ui_settle (150);
      snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
    }
  if (node == NULL)
    {
      g_test_message ("screenshot %s left out: nothing drawn yet", name);
      return;
    }
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/%s-%dx%d-%s.png", dir, name, width, height, language);
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

/* AdwApplication loads style.css from its resource path; windows made without one need it
 * added by hand to look like the app. */
void
rb_ui_load_app_css (void)
{
  g_autoptr (GtkCssProvider) css = gtk_css_provider_new ();

  gtk_css_provider_load_from_resource (css, "/de/raumbuch/Raumbuch/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static gboolean
is_sensitive (gpointer widget)
{
  return gtk_widget_get_sensitive (widget);
}

/* Taps a visible button, waiting (a little) for it to become tappable as a person would. */
void
rb_ui_kiosk_click (RbKioskWindow *window, const char *label_prefix)
{
  GtkWidget *button = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_button_labelled,
                                          (gpointer) label_prefix);

  if (button == NULL)
    g_error ("no visible button “%s” on screen %s", label_prefix,
             rb_kiosk_window_get_screen (window));
  if (!rb_ui_wait_for (is_sensitive, button, 5))
    g_error ("button “%s” stays insensitive on screen %s", label_prefix,
             rb_kiosk_window_get_screen (window));
  g_signal_emit_by_name (button, "clicked");
}

typedef struct
{
  RbKioskWindow *window;
  const char *screen;
} ScreenWait;

static gboolean
on_screen (gpointer data)
{
  ScreenWait *wait = data;
  return g_strcmp0 (rb_kiosk_window_get_screen (wait->window), wait->screen) == 0;
}

void
rb_ui_kiosk_assert_screen (RbKioskWindow *window, const char *screen)
{
  ScreenWait wait = { window, screen };

  /* A deadline against hangs, not a speed target: a PIN is hashed off the main thread, which
   * takes seconds on a CI machine under the sanitizers or a bench at a load of 14. */
  if (!rb_ui_wait_for (on_screen, &wait, 60))
    g_error ("expected screen %s, still on %s", screen, rb_kiosk_window_get_screen (window));
  rb_ui_settle (20);
}

/* Taps the digits on the on-screen keypad, then OK. */
void
rb_ui_kiosk_type (RbKioskWindow *window, const char *digits)
{
  GtkWidget *keypad = rb_ui_find_visible (GTK_WIDGET (window), rb_ui_is_type,
                                          GSIZE_TO_POINTER (RB_TYPE_KEYPAD));

  g_assert_nonnull (keypad);
  for (const char *c = digits; *c; c++)
    {
      char label[2] = { *c, '\0' };
      GtkWidget *key = rb_ui_find (keypad, rb_ui_is_button_labelled, label);
      g_assert_nonnull (key);
      g_signal_emit_by_name (key, "clicked");
    }
  g_signal_emit_by_name (rb_ui_find (keypad, rb_ui_is_button_labelled, "OK"), "clicked");
}

void
rb_ui_copy_file (const char *from, const char *to)
{
  g_autofree char *data = NULL;
  gsize length;

  g_assert_true (g_file_get_contents (from, &data, &length, NULL));
  g_assert_true (g_file_set_contents (to, data, length, NULL));
}

void
rb_ui_remove_db (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      g_remove (file);
    }
}

/* A demo database whose people have their demo PINs, made once (hashing takes a while) and
 * copied for each test. The caller removes it with rb_ui_remove_db and its folder. */
char *
rb_ui_make_demo_db_with_pins (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("raumbuch-template-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr (RbStore) store = NULL;
  g_autoptr (JsonNode) building = NULL;

  g_assert_no_error (error);
  path = g_build_filename (dir, "template.db", NULL);
  store = rb_store_open_sync (path, &error);
  g_assert_no_error (error);
  g_assert_true (rb_store_seed_demo_sync (store, &error));
  building = rb_store_load_demo_building (&error);
  g_assert_no_error (error);
  g_assert_cmpint (rb_auth_set_missing_pins_sync (store, building, &error), >, 0);
  g_assert_no_error (error);
  /* Fold the WAL into the main file so a plain copy has everything. */
  g_assert_cmpint (sqlite3_exec (rb_store_get_connection (store),
                                 "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                   ==, SQLITE_OK);
  return g_steal_pointer (&path);
}
