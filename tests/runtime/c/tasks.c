/* Task.spawn / Task.get on the thread pool with shared (multi-threaded)
   objects; prints `key value` lines. */
#include <stdio.h>

#include "nl_runtime.h"

#define SAY(key, fmt, ...) printf(key " " fmt "\n", __VA_ARGS__)

/* sum_range arr lo hi _ : sum of arr[lo, hi), allocating as it goes */
static nl_object *sum_range(nl_object *arr, nl_object *lo, nl_object *hi, nl_object *unit) {
    (void)unit;
    nl_object *acc = nl_box(0);
    for (size_t i = nl_unbox(lo); i < nl_unbox(hi); i++) {
        nl_object *x = nl_array_uget(arr, i);
        nl_object *next = nl_nat_add(acc, x);
        nl_dec(acc); nl_dec(x);
        acc = next;
    }
    nl_dec(arr);
    return acc;
}

/* fib via nested tasks: spawns its two halves and joins them */
static nl_object *fib_task(nl_object *n, nl_object *unit);
static nl_object *spawn_fib(size_t n) {
    nl_object *c = nl_alloc_closure((void *)fib_task, 2, 1);
    nl_closure_set(c, 0, nl_box(n));
    return nl_task_spawn(c, 0);
}
static nl_object *fib_task(nl_object *n, nl_object *unit) {
    (void)unit;
    size_t k = nl_unbox(n);
    if (k < 2) return nl_box(k);
    nl_object *a = spawn_fib(k - 1), *b = spawn_fib(k - 2);
    nl_object *r = nl_nat_add(nl_task_get(a), nl_task_get(b));
    nl_dec(a); nl_dec(b);
    return r;
}

static nl_object *times_ten(nl_object *x) {
    nl_object *r = nl_nat_mul(x, nl_box(10));
    nl_dec(x);
    return r;
}

static nl_object *label(nl_object *x, nl_object *unit) {
    (void)unit;
    nl_object *s = nl_mk_string("value=");
    nl_object *d = nl_nat_to_string(x);
    s = nl_string_append(s, d);
    nl_dec(d); nl_dec(x);
    return s;
}

static nl_object *to_task(nl_object *x) {
    nl_object *c = nl_alloc_closure((void *)label, 2, 1);
    nl_closure_set(c, 0, x);
    return nl_task_spawn(c, 0);
}

int main(void) {
    nl_initialize_runtime(0, NULL);
    size_t n = 200000;
    nl_object *arr = nl_mk_empty_array_with_capacity(n);
    for (size_t i = 0; i < n; i++) arr = nl_array_push(arr, nl_usize_to_nat(i));
    enum { K = 32 };
    nl_object *tasks[K];
    for (int k = 0; k < K; k++) {
        nl_object *c = nl_alloc_closure((void *)sum_range, 4, 3);
        nl_inc(arr);
        nl_closure_set(c, 0, arr);
        nl_closure_set(c, 1, nl_box(n * k / K));
        nl_closure_set(c, 2, nl_box(n * (k + 1) / K));
        tasks[k] = nl_task_spawn(c, 0);
    }
    SAY("array_is_mt", "%d", arr->rc < 0);
    nl_object *total = nl_box(0);
    for (int k = 0; k < K; k++) {
        nl_object *next = nl_nat_add(total, nl_task_get(tasks[k]));
        nl_dec(total);
        total = next;
        nl_dec(tasks[k]);
    }
    SAY("parallel_sum", "%zu", nl_unbox(total));
    nl_dec(arr);
    nl_object *f = spawn_fib(15);
    nl_object *fv = nl_task_get_own(f);
    SAY("nested_fib", "%zu", nl_unbox(fv));
    nl_object *p = nl_task_pure(nl_box(4));
    nl_object *m = nl_task_map(nl_alloc_closure((void *)times_ten, 1, 0), p, 0);
    nl_object *b = nl_task_bind(m, nl_alloc_closure((void *)to_task, 1, 0), 0);
    nl_object *bv = nl_task_get_own(b);
    SAY("map_bind", "%s", nl_string_cstr(bv));
    nl_dec(bv);
    nl_finalize_runtime();
    SAY("live", "%lld", (long long)nl_debug_live_objects());
    return 0;
}
