/* `main` through nl_main with deep non-tail recursion: `deep N` recurses N
   frames and prints N (fits in main's big-stack thread, not in 8 MB);
   `overflow` never stops (Lean's "Stack overflow detected" message). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_runtime.h"

static size_t down(size_t n);
static size_t (*volatile down_ptr)(size_t) = down;  /* no tail calls, no loop */

__attribute__((noinline)) static size_t down(size_t n) {
    volatile char frame[64];
    frame[0] = 1;
    return n == 0 ? 0 : down_ptr(n - 1) + frame[0];
}

static int g_argc;
static char **g_argv;

static nl_object *main_fn(nl_object *w) {
    (void)w;
    size_t n = g_argc > 2 ? strtoull(g_argv[2], NULL, 10) : 0;
    if (g_argc > 1 && !strcmp(g_argv[1], "overflow")) n = SIZE_MAX;
    printf("%zu\n", down(n));
    return nl_io_result_mk_ok(nl_box(0));
}

int main(int argc, char **argv) {
    g_argc = argc;
    g_argv = argv;
    return nl_main(argc, argv, (void *)main_fn, false, false);
}
