/* Closures (partial, exact and over-application, shared closures, more
   than 16 parameters), thunks and refs; prints `key value` lines. */
#include <stdio.h>

#include "nl_runtime.h"

#define SAY(key, fmt, ...) printf(key " " fmt "\n", __VA_ARGS__)

/* add3 a b c = a + b + c (Nat, owned args) */
static nl_object *add3(nl_object *a, nl_object *b, nl_object *c) {
    nl_object *ab = nl_nat_add(a, b);
    nl_object *r = nl_nat_add(ab, c);
    nl_dec(a); nl_dec(b); nl_dec(c); nl_dec(ab);
    return r;
}

/* concat s t = s ++ t (String, owned args) */
static nl_object *concat(nl_object *s, nl_object *t) {
    nl_object *r = nl_string_append(s, t);
    nl_dec(t);
    return r;
}

/* make_adder n = fun m => n + m : returns a closure (used for over-application) */
static nl_object *plus(nl_object *n, nl_object *m) {
    nl_object *r = nl_nat_add(n, m);
    nl_dec(n); nl_dec(m);
    return r;
}
static nl_object *make_adder(nl_object *n) {
    nl_object *c = nl_alloc_closure((void *)plus, 2, 1);
    nl_closure_set(c, 0, n);
    return c;
}

/* 20 parameters: called through the array convention */
static nl_object *sum20(nl_object **args) {
    size_t s = 0;
    for (int i = 0; i < 20; i++) s += nl_unbox(args[i]);
    return nl_box(s);
}

static int g_thunk_runs;
static nl_object *expensive(nl_object *x, nl_object *unit) {
    (void)unit;
    g_thunk_runs++;
    nl_object *r = nl_nat_mul(x, x);
    nl_dec(x);
    return r;
}

int main(void) {
    nl_initialize_runtime(0, NULL);
    nl_object *f = nl_alloc_closure((void *)add3, 3, 0);
    nl_object *f1 = nl_apply_1(f, nl_box(1));               /* partial */
    SAY("partial", "%u %u", nl_closure_arity(f1), nl_closure_num_fixed(f1));
    nl_inc(f1); /* shared: both applications below consume one reference each */
    nl_object *f12 = nl_apply_1(f1, nl_box(2));
    nl_object *r1 = nl_apply_1(f12, nl_box(3));               /* exact */
    nl_object *r2 = nl_apply_2(f1, nl_box(10), nl_box(20));  /* f1 still usable */
    SAY("apply", "%zu %zu", nl_unbox(r1), nl_unbox(r2));
    /* boxed fixed args of a shared closure are shared, not moved */
    nl_object *cat = nl_alloc_closure((void *)concat, 2, 1);
    nl_closure_set(cat, 0, nl_mk_string("pre-"));
    nl_inc(cat); /* two applications, each consuming a reference */
    nl_object *s1 = nl_apply_1(cat, nl_mk_string("one"));
    nl_object *s2 = nl_apply_1(cat, nl_mk_string("two"));
    SAY("shared_closure", "%s %s", nl_string_cstr(s1), nl_string_cstr(s2));
    nl_dec(s1); nl_dec(s2);
    /* over-application: make_adder 5 7 = 12 */
    nl_object *ma = nl_alloc_closure((void *)make_adder, 1, 0);
    nl_object *r3 = nl_apply_2(ma, nl_box(5), nl_box(7));
    SAY("over_application", "%zu", nl_unbox(r3));
    /* 20 parameters, applied in three steps */
    nl_object *big = nl_alloc_closure((void *)sum20, 20, 0);
    nl_object *args[20];
    for (int i = 0; i < 20; i++) args[i] = nl_box((size_t)i + 1);
    big = nl_apply_n(big, 7, args);
    big = nl_apply_n(big, 6, args + 7);
    nl_object *r4 = nl_apply_n(big, 7, args + 13);
    SAY("arity20", "%zu", nl_unbox(r4));
    /* bignum arguments survive partial application */
    nl_object *huge = nl_nat_of_cstr("100000000000000000000000");
    nl_object *g = nl_apply_2(nl_alloc_closure((void *)add3, 3, 0), huge, nl_box(1));
    nl_object *r5 = nl_apply_1(g, nl_box(2));
    nl_object *r5s = nl_nat_to_string(r5);
    SAY("bignum_args", "%s", nl_string_cstr(r5s));
    nl_dec(r5); nl_dec(r5s);
    /* thunks run once */
    nl_object *tc = nl_alloc_closure((void *)expensive, 2, 1);
    nl_closure_set(tc, 0, nl_box(12));
    nl_object *t = nl_mk_thunk(tc);
    nl_object *v1 = nl_thunk_get(t), *v2 = nl_thunk_get(t);
    SAY("thunk", "%zu %zu %d", nl_unbox(v1), nl_unbox(v2), g_thunk_runs);
    nl_object *tp = nl_thunk_pure(nl_mk_string("ready"));
    nl_object *own = nl_thunk_get_own(tp);
    SAY("thunk_pure", "%s %d", nl_string_cstr(own), own->rc);
    nl_dec(own); nl_dec(tp); nl_dec(t);
    /* refs */
    nl_object *ref = nl_st_ref_mk(nl_box(1));
    nl_st_ref_set(ref, nl_mk_string("hello"));
    nl_object *got = nl_st_ref_get(ref);
    nl_object *old = nl_st_ref_swap(ref, nl_box(3));
    SAY("ref", "%s %d %zu", nl_string_cstr(got), got == old, nl_unbox(nl_st_ref_take(ref)));
    nl_dec(got); nl_dec(old); nl_dec(ref);
    nl_finalize_runtime();
    SAY("live", "%lld", (long long)nl_debug_live_objects());
    return 0;
}
