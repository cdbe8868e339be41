/* rb-keypad.c: digits 0–9, delete and OK as big buttons of one fixed size; emits "digit",
 * "delete" and "submit". Physical keys (a USB badge reader types digits and Enter) are handled by the
 * screen that owns the keypad, so they work wherever the focus is. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-keypad.h"

#include "rb-accessible.h"

struct _RbKeypad
{
  GtkWidget parent_instance;

  GtkWidget *grid;
  /* the key a screen's focus goes to: 1, top left */
  GtkWidget *first_key;
};

G_DEFINE_FINAL_TYPE (RbKeypad, rb_keypad, GTK_TYPE_WIDGET)

enum
{
  DIGIT,
  DELETE,
  SUBMIT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
on_digit_clicked_cb (GtkButton *button, RbKeypad *self)
{
  g_signal_emit (self, signals[DIGIT], 0,
                 GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "rb-digit")));
}

static void
on_delete_clicked_cb (GtkButton *button, RbKeypad *self)
{
  g_signal_emit (self, signals[DELETE], 0);
}

static void
on_submit_clicked_cb (GtkButton *button, RbKeypad *self)
{
  g_signal_emit (self, signals[SUBMIT], 0);
}

static GtkWidget *
key (const char *label, const char *css_class)
{
  GtkWidget *button = gtk_button_new_with_label (label);

  gtk_widget_add_css_class (button, "rb-key");
  if (css_class != NULL)
    gtk_widget_add_css_class (button, css_class);
  gtk_widget_set_focus_on_click (button, FALSE);
  return button;
}

/* Focusing the keypad focuses its first key: the keypad itself takes no focus. */
static gboolean
rb_keypad_grab_focus (GtkWidget *widget)
{
  return gtk_widget_grab_focus (RB_KEYPAD (widget)->first_key);
}

static void
rb_keypad_dispose (GObject *object)
{
  RbKeypad *self = RB_KEYPAD (object);

  g_clear_pointer (&self->grid, gtk_widget_unparent);

  G_OBJECT_CLASS (rb_keypad_parent_class)->dispose (object);
}

static void
rb_keypad_class_init (RbKeypadClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rb_keypad_dispose;
  widget_class->grab_focus = rb_keypad_grab_focus;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rbkeypad");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  signals[DIGIT] = g_signal_new ("digit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                 NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  signals[DELETE] = g_signal_new ("delete", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[SUBMIT] = g_signal_new ("submit", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
rb_keypad_init (RbKeypad *self)
{
  GtkWidget *button;

  self->grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 12);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 12);
  gtk_grid_set_row_homogeneous (GTK_GRID (self->grid), TRUE);
  gtk_grid_set_column_homogeneous (GTK_GRID (self->grid), TRUE);
  /* Its natural size only (the keys' minimum, in the CSS): a message beside it that wants
   * more room must not widen the keys under a finger. */
  gtk_widget_set_halign (self->grid, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (self->grid, GTK_ALIGN_CENTER);
  gtk_widget_set_parent (self->grid, GTK_WIDGET (self));
  rb_accessible_set_label (GTK_WIDGET (self), _ ("Keypad"));

  for (int digit = 0; digit <= 9; digit++)
    {
      char label[2] = { '0' + digit, '\0' };
      int row = digit == 0 ? 3 : (digit - 1) / 3;
      int column = digit == 0 ? 1 : (digit - 1) % 3;

      button = key (label, NULL);
      g_object_set_data (G_OBJECT (button), "rb-digit", GINT_TO_POINTER (digit));
      g_signal_connect (button, "clicked", G_CALLBACK (on_digit_clicked_cb), self);
      gtk_grid_attach (GTK_GRID (self->grid), button, column, row, 1, 1);
      if (digit == 1)
        self->first_key = button;
    }

  button = key ("⌫", "rb-key-delete");
  rb_accessible_set_label (GTK_WIDGET (button), _ ("Delete the last digit"));
  g_signal_connect (button, "clicked", G_CALLBACK (on_delete_clicked_cb), self);
  gtk_grid_attach (GTK_GRID (self->grid), button, 0, 3, 1, 1);

  button = key (_("OK"), "suggested-action");
  g_signal_connect (button, "clicked", G_CALLBACK (on_submit_clicked_cb), self);
  gtk_grid_attach (GTK_GRID (self->grid), button, 2, 3, 1, 1);
}

GtkWidget *
rb_keypad_new (void)
{
  return g_object_new (RB_TYPE_KEYPAD, NULL);
}
