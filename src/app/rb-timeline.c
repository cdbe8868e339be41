/* rb-timeline.c: draws a space's day with GtkSnapshot. Busy stretches are drawn solid with
 * a dark edge, the chosen time as an outline, so they differ in shape as well as colour.
 * What it draws it also says, as its accessible name ("Free until 14:00, booked
 * 14:00–15:00, free 15:00–20:00") and description (the time chosen): a picture of the day
 * is no use to a screen reader's user. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-timeline.h"

#include "rb-accessible.h"

struct _RbTimeline
{
  GtkWidget parent_instance;

  RbInterval hours;
  RbInterval selection;
  gint64 now;
  GArray *busy;
  GTimeZone *tz;
};

G_DEFINE_FINAL_TYPE (RbTimeline, rb_timeline, GTK_TYPE_WIDGET)

static double
x_of (RbTimeline *self, gint64 instant, double width)
{
  double span = rb_interval_duration (self->hours);

  if (span <= 0)
    return 0;
  return CLAMP ((instant - self->hours.start) / span, 0.0, 1.0) * width;
}

static void
append_rect (GtkSnapshot *snapshot, const GdkRGBA *color, double x, double y, double w, double h)
{
  graphene_rect_t rect = GRAPHENE_RECT_INIT (x, y, w, h);

  gtk_snapshot_append_color (snapshot, color, &rect);
}

static void
rb_timeline_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  RbTimeline *self = RB_TIMELINE (widget);
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  GdkRGBA fg, track, busy, edge, accent = { 0.21, 0.52, 0.89, 1.0 };
  GskRoundedRect outline;
  float border_width[4] = { 2, 2, 2, 2 };
  GdkRGBA border_color[4];

  if (!rb_interval_is_valid (self->hours))
    return;

  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  track = fg;
  track.alpha = 0.10;
  busy = fg;
  busy.alpha = 0.45;
  edge = fg;
  edge.alpha = 0.85;

  append_rect (snapshot, &track, 0, 0, width, height);

  /* Hour ticks, so a glance tells morning from afternoon. */
  for (gint64 t = self->hours.start + 3600; t < self->hours.end; t += 3600)
    append_rect (snapshot, &track, x_of (self, t, width), 0, 1, height);

  for (guint i = 0; self->busy != NULL && i < self->busy->len; i++)
    {
      RbInterval iv = g_array_index (self->busy, RbInterval, i);
      double x0 = x_of (self, iv.start, width), x1 = x_of (self, iv.end, width);

      append_rect (snapshot, &busy, x0, 0, x1 - x0, height);
      append_rect (snapshot, &edge, x0, height - 3, x1 - x0, 3);
    }

  if (rb_interval_is_valid (self->selection))
    {
      double x0 = x_of (self, self->selection.start, width);
      double x1 = x_of (self, self->selection.end, width);

      for (int i = 0; i < 4; i++)
        border_color[i] = accent;
      gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x0, 0, x1 - x0, height), 0);
      gtk_snapshot_append_border (snapshot, &outline, border_width, border_color);
    }

  if (rb_interval_contains (self->hours, self->now))
    append_rect (snapshot, &fg, x_of (self, self->now, width) - 1, 0, 2, height);
}

static char *
format_time (RbTimeline *self, gint64 instant)
{
  /* TRANSLATORS: a time of day, as strftime format; 24-hour clock in both languages. */
  return rb_time_format_local (self->tz, instant, C_ ("time of day", "%H:%M"));
}

static int
compare_starts (gconstpointer a, gconstpointer b)
{
  const RbInterval *x = a, *y = b;

  return x->start < y->start ? -1 : x->start > y->start;
}

/* One stretch of the day in words: the first from now ("Free until 14:00"), the others with
 * both ends ("booked 14:00–15:00"). */
static void
append_stretch (RbTimeline *self, GString *text, gboolean busy, gint64 from, gint64 to)
{
  g_autofree char *start = format_time (self, from);
  g_autofree char *end = format_time (self, to);

  if (text->len == 0)
    /* TRANSLATORS: the first stretch of a space's day on its timeline, for screen readers. */
    g_string_append_printf (text, busy ? _("Booked until %s") : _("Free until %s"), end);
  else
    /* TRANSLATORS: a later stretch of a space's day on its timeline, after a comma. */
    g_string_append_printf (text, busy ? _(", booked %s–%s") : _(", free %s–%s"), start, end);
}

/* The rest of the day in words, from now (or the opening) to the closing time: the busy
 * stretches sorted and joined, the gaps between them free. */
static void
update_accessible (RbTimeline *self)
{
  g_autoptr (GString) text = g_string_new (NULL);
  g_autoptr (GArray) busy = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  gint64 from = MAX (self->hours.start, self->now);
  gint64 at = from;

  if (self->busy != NULL)
    g_array_append_vals (busy, self->busy->data, self->busy->len);
  g_array_sort (busy, compare_starts);
  for (guint i = 0; rb_interval_is_valid (self->hours) && i < busy->len; i++)
    {
      RbInterval iv = g_array_index (busy, RbInterval, i);
      gint64 start = MAX (iv.start, at), end = MIN (iv.end, self->hours.end);

      if (end <= start)
        continue;
      /* a stretch that joins the one before makes it longer */
      if (start > at)
        append_stretch (self, text, FALSE, at, start);
      while (i + 1 < busy->len && g_array_index (busy, RbInterval, i + 1).start <= end)
        end = MAX (end, MIN (g_array_index (busy, RbInterval, ++i).end, self->hours.end));
      append_stretch (self, text, TRUE, start, end);
      at = end;
    }
  if (rb_interval_is_valid (self->hours) && at < self->hours.end)
    append_stretch (self, text, FALSE, at, self->hours.end);
  if (text->len == 0)
    g_string_assign (text, _("Nothing can be booked any more today"));
  rb_accessible_set_label (GTK_WIDGET (self), text->str);

  if (rb_interval_duration (self->selection) > 0)
    {
      g_autofree char *start = format_time (self, self->selection.start);
      g_autofree char *end = format_time (self, self->selection.end);
      /* TRANSLATORS: the time chosen on a space's timeline, for screen readers. */
      g_autofree char *chosen = g_strdup_printf (_("Chosen: %s–%s"), start, end);

      gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                      chosen, -1);
    }
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
}

static void
rb_timeline_finalize (GObject *object)
{
  RbTimeline *self = RB_TIMELINE (object);

  g_clear_pointer (&self->busy, g_array_unref);
  g_clear_pointer (&self->tz, g_time_zone_unref);

  G_OBJECT_CLASS (rb_timeline_parent_class)->finalize (object);
}

static void
rb_timeline_class_init (RbTimelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = rb_timeline_finalize;
  widget_class->snapshot = rb_timeline_snapshot;
  gtk_widget_class_set_css_name (widget_class, "rbtimeline");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
rb_timeline_init (RbTimeline *self)
{
  self->tz = g_time_zone_new_local ();
  update_accessible (self);
}

GtkWidget *
rb_timeline_new (void)
{
  return g_object_new (RB_TYPE_TIMELINE, NULL);
}

void
rb_timeline_set_day (RbTimeline *self, RbInterval hours, gint64 now)
{
  g_return_if_fail (RB_IS_TIMELINE (self));

  self->hours = hours;
  self->now = now;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Takes a reference to an array of RbInterval. */
void
rb_timeline_set_busy (RbTimeline *self, GArray *busy)
{
  g_return_if_fail (RB_IS_TIMELINE (self));

  g_clear_pointer (&self->busy, g_array_unref);
  self->busy = busy ? g_array_ref (busy) : NULL;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
rb_timeline_set_selection (RbTimeline *self, RbInterval selection)
{
  g_return_if_fail (RB_IS_TIMELINE (self));

  self->selection = selection;
  update_accessible (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* The time zone the day is told in (the site's); the local one until this is called. */
void
rb_timeline_set_time_zone (RbTimeline *self, GTimeZone *tz)
{
  g_return_if_fail (RB_IS_TIMELINE (self));
  g_return_if_fail (tz != NULL);

  g_time_zone_unref (self->tz);
  self->tz = g_time_zone_ref (tz);
  update_accessible (self);
}
