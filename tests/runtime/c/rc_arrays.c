/* Reference counting, in-place update vs copy, arrays and scalar arrays.
   Prints `key value` lines; the Python test asserts each one. */
#include <stdio.h>

#include "nl_runtime.h"

#define SAY(key, fmt, ...) printf(key " " fmt "\n", __VA_ARGS__)

static nl_object *list_range(size_t n) { /* [0, 1, ..., n-1] as List Nat */
    nl_object *l = nl_box(0);
    for (size_t i = n; i-- > 0;) {
        nl_object *c = nl_alloc_ctor(1, 2, 0);
        nl_ctor_set(c, 0, nl_box(i));
        nl_ctor_set(c, 1, l);
        l = c;
    }
    return l;
}

/* Persistent objects live as long as the program: keep them reachable. */
nl_object *g_persistent;

int main(void) {
    nl_initialize_runtime(0, NULL);
    /* push on an exclusive array with spare capacity happens in place */
    nl_object *a = nl_mk_empty_array_with_capacity(4);
    nl_object *before = a;
    a = nl_array_push(a, nl_box(1));
    a = nl_array_push(a, nl_box(2));
    SAY("push_unique_in_place", "%d", a == before);
    /* shared: push copies, the original keeps its contents */
    nl_inc(a);
    nl_object *b = nl_array_push(a, nl_box(3));
    SAY("push_shared_copies", "%d", b != a);
    SAY("shared_sizes", "%zu %zu", nl_array_size(a), nl_array_size(b));
    SAY("rc_after_copy", "%d %d", a->rc, b->rc);
    /* set on exclusive: same object; on shared: copy */
    nl_object *b2 = nl_array_set(b, 0, nl_box(10));
    SAY("set_unique_in_place", "%d", b2 == b);
    nl_inc(b2);
    nl_object *b3 = nl_array_set(b2, 1, nl_box(20));
    SAY("set_shared_copies", "%d", b3 != b2);
    SAY("contents", "%zu %zu %zu | %zu %zu %zu", nl_unbox(nl_array_get_core(b2, 0)), nl_unbox(nl_array_get_core(b2, 1)),
        nl_unbox(nl_array_get_core(b2, 2)), nl_unbox(nl_array_get_core(b3, 0)), nl_unbox(nl_array_get_core(b3, 1)),
        nl_unbox(nl_array_get_core(b3, 2)));
    /* growth past capacity keeps the elements */
    nl_object *g = nl_mk_empty_array();
    for (size_t i = 0; i < 1000; i++) g = nl_array_push(g, nl_usize_to_nat(i * i));
    size_t sum = 0;
    for (size_t i = 0; i < nl_array_size(g); i++) sum += nl_unbox(nl_array_get_core(g, i));
    SAY("grow_sum", "%zu %zu", nl_array_size(g), sum);
    g = nl_array_pop(g);
    g = nl_array_swap(g, 0, 998);
    SAY("pop_swap", "%zu %zu %zu", nl_array_size(g), nl_unbox(nl_array_get_core(g, 0)), nl_unbox(nl_array_get_core(g, 998)));
    /* get! / set! out of bounds: Lean's panic message, default value */
    nl_object *d = nl_array_get(nl_box(77), g, 5000);
    SAY("get_oob_default", "%zu", nl_unbox(d));
    g = nl_array_set(g, 5000, nl_box(1));
    SAY("set_oob_size", "%zu", nl_array_size(g));
    /* boxed elements are released with the array */
    nl_object *strs = nl_mk_empty_array();
    nl_object *s = nl_mk_string("shared");
    for (int i = 0; i < 3; i++) { nl_inc(s); strs = nl_array_push(strs, s); }
    SAY("element_rc", "%d", s->rc);
    nl_dec(strs);
    SAY("element_rc_after_free", "%d", s->rc);
    nl_dec(s);
    /* list <-> array */
    nl_object *arr = nl_array_of_list(list_range(5));
    nl_object *back = nl_array_to_list(arr);
    size_t n = 0, total = 0;
    for (nl_object *it = back; !nl_is_scalar(it); it = nl_ctor_get(it, 1)) { n++; total += nl_unbox(nl_ctor_get(it, 0)); }
    SAY("list_round_trip", "%zu %zu", n, total);
    nl_dec(back);
    /* mkArray, extract, append */
    nl_object *m = nl_mk_array(4, nl_mk_string("x"));
    SAY("mk_array_rc", "%d", nl_array_get_core(m, 0)->rc);
    nl_object *ex = nl_array_extract(g, 10, 13);
    SAY("extract", "%zu %zu", nl_array_size(ex), nl_unbox(nl_array_get_core(ex, 0)));
    m = nl_array_append(m, ex);
    SAY("append", "%zu %s", nl_array_size(m), nl_string_cstr(nl_array_get_core(m, 0)));
    nl_dec(m); nl_dec(ex);
    /* ByteArray and FloatArray */
    nl_object *ba = nl_byte_array_mk_empty(0);
    for (int i = 0; i < 300; i++) ba = nl_byte_array_push(ba, (uint8_t)i);
    nl_object *before_set = ba;
    ba = nl_byte_array_set(ba, 3, 200);
    SAY("bytes", "%zu %u %u %d", nl_sarray_size(ba), nl_byte_array_get(ba, 3), nl_byte_array_get(ba, 299), ba == before_set);
    nl_inc(ba);
    nl_object *ba2 = nl_byte_array_set(ba, 0, 9);
    SAY("bytes_shared", "%u %u %d", nl_byte_array_get(ba, 0), nl_byte_array_get(ba2, 0), ba2 != ba);
    nl_dec(ba); nl_dec(ba2);
    nl_object *fa = nl_float_array_mk_empty(1);
    for (int i = 0; i < 10; i++) fa = nl_float_array_push(fa, i * 0.5);
    fa = nl_float_array_set(fa, 2, 3.25);
    SAY("floats", "%zu %.2f %.2f", nl_sarray_size(fa), nl_float_array_get(fa, 2), nl_float_array_get(fa, 9));
    nl_dec(fa);
    /* constructor scalar area and boxing */
    nl_object *c = nl_alloc_ctor(3, 1, 8 + 4 + 1);
    nl_ctor_set(c, 0, nl_mk_string("field"));
    nl_ctor_set_float(c, 8, 2.5);
    nl_ctor_set_uint32(c, 16, 123456);
    nl_ctor_set_uint8(c, 20, 7);
    SAY("ctor", "%u %u %.1f %u %u %s", nl_obj_tag(c), nl_ctor_num_objs(c), nl_ctor_get_float(c, 8),
        nl_ctor_get_uint32(c, 16), nl_ctor_get_uint8(c, 20), nl_string_cstr(nl_ctor_get(c, 0)));
    nl_dec(c);
    nl_object *bu = nl_box_uint64(UINT64_MAX), *bf = nl_box_float(-0.125);
    SAY("boxing", "%llu %.3f %u", (unsigned long long)nl_unbox_uint64(bu), nl_unbox_float(bf), nl_obj_tag(nl_box(5)));
    nl_dec(bu); nl_dec(bf);
    /* a million-cell list frees without exhausting the C stack */
    nl_object *big = list_range(1000000);
    nl_dec(big);
    SAY("long_list_freed", "%d", 1);
    /* multi-threaded marking: negative counts, still counted correctly */
    nl_object *shared = list_range(3);
    nl_mark_mt(shared);
    SAY("mt_rc", "%d %d", shared->rc, nl_ctor_get(shared, 1)->rc);
    nl_inc(shared);
    SAY("mt_inc", "%d %d", shared->rc, nl_is_exclusive(shared));
    nl_dec(shared);
    nl_dec(shared);
    /* persistent objects are never counted nor freed, and leave the count */
    nl_object *p = list_range(2);
    nl_mark_persistent(p);
    g_persistent = p;
    nl_inc(p); nl_dec(p); nl_dec(p);
    SAY("persistent_rc", "%d", p->rc);
    nl_dec(g); nl_dec(b2); nl_dec(b3); nl_dec(a);
    nl_finalize_runtime();
    SAY("live", "%lld", (long long)nl_debug_live_objects());
    return 0;
}
