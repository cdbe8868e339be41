/* rb-space-row.c: a row of the find list. State is told in words and by icon shape; the
 * timeline only adds the picture of the day. */
#include "config.h"

#include <glib/gi18n.h>

#include "rb-space-row.h"

#include "rb-accessible.h"
#include "rb-timeline.h"

struct _RbSpaceRow
{
  AdwActionRow parent_instance;

  /* template widgets */
  GtkImage *state_icon;
  GtkLabel *state_label;
  RbTimeline *timeline;
  GtkButton *book_button;

  /* owned */
  RbContext *context;
  RbSpace *space;
  gboolean free;
};

G_DEFINE_FINAL_TYPE (RbSpaceRow, rb_space_row, ADW_TYPE_ACTION_ROW)

enum
{
  PROP_0,
  PROP_CONTEXT,
  PROP_SPACE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Desks are numbered in the data ("1.01"); rooms have names. */
char *
rb_space_format_name (RbSpaceKind kind, const char *name)
{
  if (kind == RB_SPACE_KIND_DESK)
    /* TRANSLATORS: a desk's display name, %s is its number such as "1.01". */
    return g_strdup_printf (_("Desk %s"), name);
  return g_strdup (name);
}

char *
rb_space_dup_display_name (RbSpace *space)
{
  return rb_space_format_name (rb_space_get_kind (space), rb_space_get_name (space));
}

static char *
describe_now (RbSpaceRow *self, GPtrArray *bookings, RbInterval hours)
{
  gint64 now = rb_context_now (self->context);
  RbAvailability availability;
  g_autofree char *until = NULL;

  if (!rb_interval_contains (hours, now))
    return NULL;
  availability = rb_availability_at (bookings, now, hours.end);
  if (availability.until != 0)
    until = rb_context_format_time (self->context, availability.until);
  if (availability.busy)
    return until ? g_strdup_printf (_("Busy now until %s"), until)
                 : g_strdup (_("Busy for the rest of the day"));
  return until ? g_strdup_printf (_("Free now until %s"), until)
               : g_strdup (_("Free for the rest of the day"));
}

static void
update_subtitle (RbSpaceRow *self, const char *now_text)
{
  g_autofree char *amenities = rb_space_dup_amenities_label (self->space);
  g_autoptr (GString) subtitle = g_string_new (NULL);
  int capacity = rb_space_get_capacity (self->space);

  if (now_text != NULL)
    g_string_append_printf (subtitle, "%s · ", now_text);
  /* A desk's title already says it is a desk; a room's seats matter for choosing it. */
  if (rb_space_get_kind (self->space) == RB_SPACE_KIND_ROOM)
    {
      g_string_append_printf (subtitle,
                              g_dngettext (GETTEXT_PACKAGE, "%d seat", "%d seats", capacity),
                              capacity);
      if (*amenities != '\0')
        g_string_append (subtitle, " · ");
    }
  g_string_append (subtitle, amenities);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), subtitle->str);
}

/* When a block ends, as it reads after "Closed for maintenance": "until 18:00" today,
 * "until tomorrow, 12:00", "until Wed 2 Dec, 12:00"; a block that ends at midnight ends
 * with the day before ("for the rest of today", "until the end of Wed 2 Dec"). */
static char *
describe_block_end (RbContext *context, gint64 end)
{
  GTimeZone *tz = rb_context_get_time_zone (context);
  gint64 now = rb_context_now (context);
  gboolean midnight = rb_local_day (tz, end).start == end;
  gint64 day = midnight ? end - 1 : end;
  gint64 today = rb_local_date_key (tz, now);
  gint64 tomorrow = rb_local_date_key (tz, rb_local_day (tz, now).end);
  g_autofree char *time = rb_context_format_time (context, end);
  g_autofree char *date = NULL;

  if (rb_local_date_key (tz, day) == today)
    /* TRANSLATORS: how long a space is closed, after "Closed for maintenance". */
    return midnight ? g_strdup (_("for the rest of today"))
                    /* TRANSLATORS: … closed until a time today, e.g. "until 18:00". */
                    : g_strdup_printf (_("until %s"), time);
  if (rb_local_date_key (tz, day) == tomorrow)
    /* TRANSLATORS: … closed until the end of tomorrow. */
    return midnight ? g_strdup (_("until the end of tomorrow"))
                    /* TRANSLATORS: … closed until a time tomorrow, e.g. "until tomorrow, 12:00". */
                    : g_strdup_printf (_("until tomorrow, %s"), time);
  date = rb_context_format_date (context, day);
  /* TRANSLATORS: … closed until the end of a day, e.g. "until the end of Wed 2 Dec". */
  return midnight ? g_strdup_printf (_("until the end of %s"), date)
                  /* TRANSLATORS: … closed until a day and time, "until Wed 2 Dec, 12:00". */
                  : g_strdup_printf (_("until %s, %s"), date, time);
}

/* "Closed for maintenance until tomorrow, 12:00: Wasserschaden". */
char *
rb_space_describe_block (RbContext *context, const RbSpaceBlock *block)
{
  g_autofree char *until = describe_block_end (context, block->interval.end);

  if (block->reason != NULL && *block->reason != '\0')
    /* TRANSLATORS: a blocked space: how long (e.g. "until tomorrow, 12:00"), then the
     * reason. */
    return g_strdup_printf (_("Closed for maintenance %s: %s"), until, block->reason);
  /* TRANSLATORS: a blocked space: how long, e.g. "until tomorrow, 12:00". */
  return g_strdup_printf (_("Closed for maintenance %s"), until);
}

/* The block of the space that overlaps interval, if any. */
static const RbSpaceBlock *
find_block (GPtrArray *blocks, RbSpace *space, RbInterval interval)
{
  for (guint i = 0; blocks != NULL && i < blocks->len; i++)
    {
      const RbSpaceBlock *block = g_ptr_array_index (blocks, i);

      if (g_str_equal (block->space_id, rb_space_get_id (space))
          && rb_interval_overlaps (block->interval, interval))
        return block;
    }
  return NULL;
}

/* Shows the space's state for the chosen time and, on today's list, right now: closed by a
 * block, past, booked, or free — only then can it be booked. */
void
rb_space_row_update (RbSpaceRow *self, GPtrArray *bookings, GPtrArray *blocks, RbInterval hours,
                     RbInterval chosen)
{
  g_autoptr (GArray) busy = g_array_new (FALSE, FALSE, sizeof (RbInterval));
  g_autofree char *now_text = NULL;
  g_autofree char *state = NULL;
  gint64 now = rb_context_now (self->context);
  const RbSpaceBlock *block = find_block (blocks, self->space, chosen);
  const RbSpaceBlock *block_now = find_block (blocks, self->space, rb_interval_make (now, now + 1));
  RbInterval clash;
  const char *icon = "action-unavailable-symbolic";

  for (guint i = 0; i < bookings->len; i++)
    {
      RbBooking *b = g_ptr_array_index (bookings, i);
      if (rb_booking_state_is_active (rb_booking_get_state (b)))
        {
          RbInterval iv = rb_booking_get_interval (b);
          g_array_append_val (busy, iv);
        }
    }
  for (guint i = 0; blocks != NULL && i < blocks->len; i++)
    {
      const RbSpaceBlock *b = g_ptr_array_index (blocks, i);

      if (g_str_equal (b->space_id, rb_space_get_id (self->space)))
        g_array_append_val (busy, b->interval);
    }

  self->free = FALSE;
  if (block != NULL)
    {
      state = rb_space_describe_block (self->context, block);
      icon = "system-lock-screen-symbolic";
    }
  else if (chosen.end <= now)
    state = g_strdup (_("This time has passed"));
  else if (rb_availability_find_clash (bookings, chosen, &clash))
    {
      g_autofree char *from = rb_context_format_time (self->context, clash.start);
      g_autofree char *to = rb_context_format_time (self->context, clash.end);
      state = g_strdup_printf (_("Booked %s–%s"), from, to);
    }
  else
    {
      self->free = TRUE;
      state = g_strdup (_("Free at this time"));
      icon = "emblem-ok-symbolic";
    }
  now_text = block_now != NULL && rb_interval_contains (hours, now)
                 ? g_strdup (_("Closed now"))
                 : describe_now (self, bookings, hours);

  gtk_image_set_from_icon_name (self->state_icon, icon);
  gtk_label_set_label (self->state_label, state);
  gtk_widget_set_sensitive (GTK_WIDGET (self->book_button), self->free);
  if (self->free)
    gtk_widget_remove_css_class (GTK_WIDGET (self), "rb-busy");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self), "rb-busy");
  update_subtitle (self, now_text);

  rb_timeline_set_day (self->timeline, hours, now);
  rb_timeline_set_busy (self->timeline, busy);
  rb_timeline_set_selection (self->timeline, chosen);
}

RbSpace *
rb_space_row_get_space (RbSpaceRow *self)
{
  g_return_val_if_fail (RB_IS_SPACE_ROW (self), NULL);
  return self->space;
}

gboolean
rb_space_row_is_free (RbSpaceRow *self)
{
  g_return_val_if_fail (RB_IS_SPACE_ROW (self), FALSE);
  return self->free;
}

static void
rb_space_row_constructed (GObject *object)
{
  RbSpaceRow *self = RB_SPACE_ROW (object);
  g_autofree char *name = rb_space_dup_display_name (self->space);
  g_autofree char *book_label = g_strdup_printf (_("Book %s"), name);

  G_OBJECT_CLASS (rb_space_row_parent_class)->constructed (object);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), name);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->book_button), "s",
                                    rb_space_get_id (self->space));
  rb_accessible_set_label (GTK_WIDGET (self->book_button), book_label);
}

static void
rb_space_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  RbSpaceRow *self = RB_SPACE_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_SPACE:
      g_value_set_object (value, self->space);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_space_row_set_property (GObject *object, guint prop_id, const GValue *value,
                           GParamSpec *pspec)
{
  RbSpaceRow *self = RB_SPACE_ROW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_SPACE:
      self->space = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_space_row_dispose (GObject *object)
{
  RbSpaceRow *self = RB_SPACE_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), RB_TYPE_SPACE_ROW);
  g_clear_object (&self->context);
  g_clear_object (&self->space);

  G_OBJECT_CLASS (rb_space_row_parent_class)->dispose (object);
}

static void
rb_space_row_class_init (RbSpaceRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = rb_space_row_constructed;
  object_class->dispose = rb_space_row_dispose;
  object_class->get_property = rb_space_row_get_property;
  object_class->set_property = rb_space_row_set_property;

  properties[PROP_CONTEXT] =
      g_param_spec_object ("context", NULL, NULL, RB_TYPE_CONTEXT,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SPACE] =
      g_param_spec_object ("space", NULL, NULL, RB_TYPE_SPACE,
                           G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (RB_TYPE_TIMELINE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/de/raumbuch/Raumbuch/ui/rb-space-row.ui");
  gtk_widget_class_bind_template_child (widget_class, RbSpaceRow, state_icon);
  gtk_widget_class_bind_template_child (widget_class, RbSpaceRow, state_label);
  gtk_widget_class_bind_template_child (widget_class, RbSpaceRow, timeline);
  gtk_widget_class_bind_template_child (widget_class, RbSpaceRow, book_button);
}

static void
rb_space_row_init (RbSpaceRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
rb_space_row_new (RbContext *context, RbSpace *space)
{
  return g_object_new (RB_TYPE_SPACE_ROW, "context", context, "space", space, NULL);
}
