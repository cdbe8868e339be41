/* rb-fuzz.h: what every libFuzzer harness of tests/fuzz/ shares. */
#pragma once

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

G_BEGIN_DECLS

/* The entry points libFuzzer calls; declared here for -Wmissing-prototypes. */
int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

void rb_fuzz_init (void);
char *rb_fuzz_dup_text (const uint8_t *data, size_t size);

G_END_DECLS
