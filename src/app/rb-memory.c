/* rb-memory.c: a kiosk runs for months, and what it frees should go back to the system
 * (issue 12: RSS rose from 239 to 338 MB over 30 flows and stayed there when idle).
 *
 * glibc's malloc raises its mmap threshold each time a large block is freed, up to 32 MiB: after
 * the first frames, the renderer's buffers (a full-screen offscreen texture of llvmpipe is 8 MiB)
 * and decoded images come from the heap instead of their own mappings, and what is freed there
 * stays resident, in pieces between live blocks. A fixed threshold keeps every large block in
 * a mapping of its own, returned when it is freed. What small blocks leave behind is given
 * back with malloc_trim() when the kiosk is quiet: back on its start screen, nobody identified.
 *
 * A kiosk draws with cairo unless GSK_RENDERER says otherwise: GTK's GL renderer keeps its
 * driver, shader programs, glyph and texture caches resident, and with Mesa's software
 * rasterizer (llvmpipe: kiosks without a GPU, virtual machines) all of that is process memory
 * — about 75 MB more than cairo for a screen that changes a few times a minute.
 * tests/bench/bench-kiosk-flows measures all three. */
#include "config.h"

#include <malloc.h>

#include "rb-memory.h"

/* glibc's initial threshold, kept from being raised */
#define MMAP_THRESHOLD (128 * 1024)
#define QUIET_CHECK_SECONDS 5
/* Less than this kept free is not worth walking the heap for. */
#define TRIM_FROM_BYTES (1024 * 1024)

typedef struct
{
  RbKioskWindow *kiosk;
  /* trimmed since the kiosk last left its start screen */
  gboolean trimmed;
} Watch;

/* Before GTK starts (and any thread): GTK reads GSK_RENDERER once, for its first window. */
void
rb_memory_choose_kiosk_renderer (void)
{
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
}

/* Before the kiosk's window exists, so that its buffers are made with it. */
void
rb_memory_tune_for_kiosk (void)
{
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

static gboolean
on_quiet_check_cb (gpointer user_data)
{
  Watch *watch = user_data;
  gboolean quiet = g_strcmp0 (rb_kiosk_window_get_screen (watch->kiosk), "start") == 0
                   && rb_kiosk_window_get_person (watch->kiosk) == NULL;

  if (!quiet)
    watch->trimmed = FALSE;
  else if (!watch->trimmed)
    {
      struct mallinfo2 heap = mallinfo2 ();

      if (heap.fordblks >= TRIM_FROM_BYTES)
        malloc_trim (0);
      watch->trimmed = TRUE;
    }
  return G_SOURCE_CONTINUE;
}

static void
on_kiosk_destroy_cb (GtkWidget *kiosk, gpointer source)
{
  g_source_remove (GPOINTER_TO_UINT (source));
}

/* Every few seconds: once the kiosk is quiet after a flow, what malloc keeps free goes back. */
void
rb_memory_watch_kiosk (RbKioskWindow *kiosk)
{
  Watch *watch;
  guint source;

  g_return_if_fail (RB_IS_KIOSK_WINDOW (kiosk));

  watch = g_new0 (Watch, 1);
  watch->kiosk = kiosk;
  source = g_timeout_add_seconds_full (G_PRIORITY_LOW, QUIET_CHECK_SECONDS, on_quiet_check_cb,
                                       watch, g_free);
  /* The check goes when the window does (destroyed, it has no screens to look at). */
  g_signal_connect (kiosk, "destroy", G_CALLBACK (on_kiosk_destroy_cb), GUINT_TO_POINTER (source));
}
