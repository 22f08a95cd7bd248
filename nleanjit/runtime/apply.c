/*
 * apply.c -- applying closures to arguments (Lean's apply.cpp, written
 * anew): partial application builds a bigger closure, exact application
 * calls the code pointer, over-application calls it and applies the result
 * to the remaining arguments.  A closure that is exclusive hands its fixed
 * arguments over without touching their counts; a shared one increments
 * them.  Every argument and the closure itself are owned.
 */
#include "nl_internal.h"

#define P1 nl_object *
#define P2 P1, nl_object *
#define P3 P2, nl_object *
#define P4 P3, nl_object *
#define P5 P4, nl_object *
#define P6 P5, nl_object *
#define P7 P6, nl_object *
#define P8 P7, nl_object *
#define P9 P8, nl_object *
#define P10 P9, nl_object *
#define P11 P10, nl_object *
#define P12 P11, nl_object *
#define P13 P12, nl_object *
#define P14 P13, nl_object *
#define P15 P14, nl_object *
#define P16 P15, nl_object *
#define A1 a[0]
#define A2 A1, a[1]
#define A3 A2, a[2]
#define A4 A3, a[3]
#define A5 A4, a[4]
#define A6 A5, a[5]
#define A7 A6, a[6]
#define A8 A7, a[7]
#define A9 A8, a[8]
#define A10 A9, a[9]
#define A11 A10, a[10]
#define A12 A11, a[11]
#define A13 A12, a[12]
#define A14 A13, a[13]
#define A15 A14, a[14]
#define A16 A15, a[15]
#define CALL(n) case n: return ((nl_object * (*)(P##n))fun)(A##n)

nl_object *nl_call_fun(void *fun, unsigned arity, nl_object **a) {
    switch (arity) {
    CALL(1); CALL(2); CALL(3); CALL(4); CALL(5); CALL(6); CALL(7); CALL(8);
    CALL(9); CALL(10); CALL(11); CALL(12); CALL(13); CALL(14); CALL(15); CALL(16);
    default:
        if (arity == 0) nl_internal_panic("closure of arity 0");
        return ((nl_object * (*)(nl_object **))fun)(a);
    }
}

/* Moves (exclusive closure) or copies (shared closure) the fixed arguments
   of c into dst and releases c. */
static void take_fixed_args(nl_object *c, nl_object **dst) {
    nl_closure_object *cl = (nl_closure_object *)c;
    unsigned fixed = cl->num_fixed;
    if (nl_is_exclusive(c)) {
        memcpy(dst, cl->objs, sizeof(nl_object *) * fixed);
        nl_free_object_memory(c);
    } else {
        for (unsigned i = 0; i < fixed; i++) {
            dst[i] = cl->objs[i];
            nl_inc(dst[i]);
        }
        nl_dec_ref(c);
    }
}

nl_object *nl_apply_n(nl_object *f, unsigned n, nl_object **args) {
    while (n > 0) {
        nl_closure_object *cl = (nl_closure_object *)f;
        unsigned arity = cl->arity, fixed = cl->num_fixed;
        void *fun = cl->fun;
        if (fixed + n < arity) {
            nl_object *r = nl_alloc_closure(fun, arity, fixed + n);
            nl_closure_object *rc = (nl_closure_object *)r;
            take_fixed_args(f, rc->objs);
            memcpy(rc->objs + fixed, args, sizeof(nl_object *) * n);
            return r;
        }
        unsigned used = arity - fixed;
        nl_object *small[NL_CLOSURE_MAX_ARGS];
        nl_object **all = arity <= NL_CLOSURE_MAX_ARGS ? small : malloc(sizeof(nl_object *) * arity);
        if (!all) nl_internal_panic_out_of_memory();
        take_fixed_args(f, all);
        memcpy(all + fixed, args, sizeof(nl_object *) * used);
        nl_object *r = nl_call_fun(fun, arity, all);
        if (all != small) free(all);
        /* Over-application: the result is a closure taking the rest. */
        f = r;
        args += used;
        n -= used;
    }
    return f;
}

nl_object *nl_apply_1(nl_object *f, nl_object *a1) {
    nl_closure_object *cl = (nl_closure_object *)f;
    /* Fast path: the last missing argument of an exclusive closure. */
    if (cl->arity == cl->num_fixed + 1 && cl->arity <= NL_CLOSURE_MAX_ARGS && nl_is_exclusive(f)) {
        nl_object *a[NL_CLOSURE_MAX_ARGS];
        unsigned fixed = cl->num_fixed;
        void *fun = cl->fun;
        memcpy(a, cl->objs, sizeof(nl_object *) * fixed);
        a[fixed] = a1;
        nl_free_object_memory(f);
        return nl_call_fun(fun, fixed + 1, a);
    }
    nl_object *a[1] = {a1};
    return nl_apply_n(f, 1, a);
}

nl_object *nl_apply_2(nl_object *f, nl_object *a1, nl_object *a2) {
    nl_object *a[2] = {a1, a2};
    return nl_apply_n(f, 2, a);
}

nl_object *nl_apply_3(nl_object *f, nl_object *a1, nl_object *a2, nl_object *a3) {
    nl_object *a[3] = {a1, a2, a3};
    return nl_apply_n(f, 3, a);
}

nl_object *nl_apply_4(nl_object *f, nl_object *a1, nl_object *a2, nl_object *a3, nl_object *a4) {
    nl_object *a[4] = {a1, a2, a3, a4};
    return nl_apply_n(f, 4, a);
}

nl_object *nl_apply_5(nl_object *f, nl_object *a1, nl_object *a2, nl_object *a3, nl_object *a4,
                      nl_object *a5) {
    nl_object *a[5] = {a1, a2, a3, a4, a5};
    return nl_apply_n(f, 5, a);
}

nl_object *nl_apply_6(nl_object *f, nl_object *a1, nl_object *a2, nl_object *a3, nl_object *a4,
                      nl_object *a5, nl_object *a6) {
    nl_object *a[6] = {a1, a2, a3, a4, a5, a6};
    return nl_apply_n(f, 6, a);
}
