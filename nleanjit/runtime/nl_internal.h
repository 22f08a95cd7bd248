/*
 * nl_internal.h -- declarations shared between the runtime's C files and not
 * part of the ABI that generated code uses.
 */
#ifndef NLEANJIT_RUNTIME_INTERNAL_H
#define NLEANJIT_RUNTIME_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "nl_runtime.h"

typedef struct nl_task_object {
    nl_object hdr;
    nl_object *_Atomic value; /* set once when the task finishes */
    nl_object *closure;       /* Unit -> a; NULL once taken by a runner */
    struct nl_task_object *next_queued;
    int state;                /* NL_TASK_*; guarded by the task manager lock */
} nl_task_object;

enum { NL_TASK_QUEUED = 0, NL_TASK_RUNNING = 1, NL_TASK_DONE = 2 };

void nl_task_manager_finalize(void);

/* Growable stack of objects used by the iterative traversals (free, mark). */
typedef struct {
    nl_object **items;
    size_t size;
    size_t capacity;
} nl_obj_stack;

void nl_obj_stack_push(nl_obj_stack *s, nl_object *o);
void nl_obj_stack_free(nl_obj_stack *s);

/* Bignum helpers (nat.c) used by string/float code. */
nl_object *nl_mpz_normalize_nat(nl_object *o); /* o owned MPZ, may become a box */
double nl_mpz_to_double(nl_object *o);          /* o borrowed MPZ */

/* stdout / stderr writers used by panic and IO (io.c). */
void nl_write_stdout(const char *data, size_t n);
void nl_write_stderr(const char *data, size_t n);
void nl_flush_stdout(void);

extern int nl_g_argc;
extern char **nl_g_argv;

#endif
