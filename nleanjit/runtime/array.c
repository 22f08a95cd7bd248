/*
 * array.c -- Array (boxed elements) and the scalar arrays ByteArray and
 * FloatArray.  Every update takes the array owned: an exclusive array
 * (rc == 1) is updated in place, a shared one is copied first, which is the
 * functional-but-in-place behaviour of Lean's arrays.
 */
#include "nl_internal.h"

static nl_object *g_out_of_bounds_msg(void) { return nl_mk_string("Error: index out of bounds"); }

/* Bytes for an array object of `elem_size`-byte elements.  A capacity whose
   size does not fit a size_t (a huge `mkArray`, doubling past 2^60) is out of
   memory, not a wrapped-around small block that later writes overrun. */
static size_t checked_array_bytes(size_t header, size_t elem_size, size_t capacity) {
    size_t bytes;
    if (__builtin_mul_overflow(elem_size, capacity, &bytes) || __builtin_add_overflow(bytes, header, &bytes))
        nl_internal_panic_out_of_memory();
    return bytes;
}

static size_t array_bytes(size_t capacity) {
    return checked_array_bytes(sizeof(nl_array_object), sizeof(nl_object *), capacity);
}

/* Capacity after growing a full array of `size` elements: doubled, saturating
   (the allocation then fails as out of memory). */
static size_t grown_capacity(size_t size) {
    return size > (SIZE_MAX - 1) / 2 ? SIZE_MAX : 2 * size + 1;
}

nl_object *nl_alloc_array(size_t size, size_t capacity) {
    nl_array_object *a = (nl_array_object *)nl_alloc_object(array_bytes(capacity));
    a->hdr.tag = NL_TAG_ARRAY;
    a->size = size;
    a->capacity = capacity;
    return (nl_object *)a;
}

nl_object *nl_mk_empty_array(void) { return nl_alloc_array(0, 0); }
nl_object *nl_mk_empty_array_with_capacity(size_t capacity) { return nl_alloc_array(0, capacity); }

nl_object *nl_mk_array(size_t n, nl_object *v) {
    nl_object *a = nl_alloc_array(n, n);
    nl_object **d = nl_array_cptr(a);
    for (size_t i = 0; i < n; i++) d[i] = v;
    if (n == 0) nl_dec(v);
    for (size_t i = 1; i < n; i++) nl_inc(v);
    return a;
}

nl_object *nl_array_get(nl_object *def, nl_object *a, size_t i) {
    if (NL_LIKELY(i < nl_array_size(a))) {
        nl_dec(def);
        return nl_array_uget(a, i);
    }
    return nl_panic_fn(def, g_out_of_bounds_msg());
}

nl_object *nl_array_copy_with_capacity(nl_object *a, size_t capacity) {
    size_t size = nl_array_size(a);
    if (capacity < size) capacity = size;
    nl_object *r = nl_alloc_array(size, capacity);
    memcpy(nl_array_cptr(r), nl_array_cptr(a), sizeof(nl_object *) * size);
    if (nl_is_exclusive(a)) {
        /* The elements move to r: free only the old block. */
        nl_free_object_memory(a);
    } else {
        for (size_t i = 0; i < size; i++) nl_inc(nl_array_cptr(r)[i]);
        nl_dec_ref(a);
    }
    return r;
}

nl_object *nl_array_ensure_exclusive(nl_object *a) {
    if (nl_is_exclusive(a)) return a;
    return nl_array_copy_with_capacity(a, nl_array_capacity(a));
}

nl_object *nl_array_push(nl_object *a, nl_object *v) {
    nl_array_object *arr = (nl_array_object *)a;
    if (!nl_is_exclusive(a) || arr->size == arr->capacity) {
        size_t cap = arr->size < arr->capacity ? arr->capacity : grown_capacity(arr->size);
        a = nl_array_copy_with_capacity(a, cap);
        arr = (nl_array_object *)a;
    }
    arr->data[arr->size++] = v;
    return a;
}

nl_object *nl_array_uset(nl_object *a, size_t i, nl_object *v) {
    a = nl_array_ensure_exclusive(a);
    nl_object **slot = nl_array_cptr(a) + i;
    nl_dec(*slot);
    *slot = v;
    return a;
}

nl_object *nl_array_set(nl_object *a, size_t i, nl_object *v) {
    if (NL_UNLIKELY(i >= nl_array_size(a))) {
        nl_dec(v);
        return nl_panic_fn(a, g_out_of_bounds_msg());
    }
    return nl_array_uset(a, i, v);
}

nl_object *nl_array_pop(nl_object *a) {
    if (nl_array_size(a) == 0) return a;
    a = nl_array_ensure_exclusive(a);
    nl_array_object *arr = (nl_array_object *)a;
    arr->size--;
    nl_dec(arr->data[arr->size]);
    return a;
}

nl_object *nl_array_uswap(nl_object *a, size_t i, size_t j) {
    a = nl_array_ensure_exclusive(a);
    nl_object **d = nl_array_cptr(a);
    nl_object *t = d[i];
    d[i] = d[j];
    d[j] = t;
    return a;
}

nl_object *nl_array_swap(nl_object *a, size_t i, size_t j) {
    size_t n = nl_array_size(a);
    if (NL_UNLIKELY(i >= n || j >= n)) return nl_panic_fn(a, g_out_of_bounds_msg());
    return nl_array_uswap(a, i, j);
}

nl_object *nl_array_of_list(nl_object *l) {
    size_t n = 0;
    for (nl_object *it = l; !nl_is_scalar(it); it = nl_ctor_get(it, 1)) n++;
    nl_object *a = nl_alloc_array(n, n);
    size_t i = 0;
    for (nl_object *it = l; !nl_is_scalar(it); it = nl_ctor_get(it, 1)) {
        nl_object *x = nl_ctor_get(it, 0);
        nl_inc(x);
        nl_array_cptr(a)[i++] = x;
    }
    nl_dec(l);
    return a;
}

nl_object *nl_array_to_list(nl_object *a) {
    nl_object *l = nl_box(0);
    size_t n = nl_array_size(a);
    for (size_t i = n; i-- > 0;) {
        nl_object *cell = nl_alloc_ctor(1, 2, 0);
        nl_object *x = nl_array_cptr(a)[i];
        nl_inc(x);
        nl_ctor_set(cell, 0, x);
        nl_ctor_set(cell, 1, l);
        l = cell;
    }
    nl_dec(a);
    return l;
}

nl_object *nl_array_extract(nl_object *a, size_t start, size_t stop) {
    size_t n = nl_array_size(a);
    if (stop > n) stop = n;
    if (start > stop) start = stop;
    nl_object *r = nl_alloc_array(stop - start, stop - start);
    for (size_t i = start; i < stop; i++) {
        nl_object *x = nl_array_cptr(a)[i];
        nl_inc(x);
        nl_array_cptr(r)[i - start] = x;
    }
    return r;
}

nl_object *nl_array_append(nl_object *a, nl_object *b) {
    size_t nb = nl_array_size(b);
    size_t na = nl_array_size(a);
    if (!nl_is_exclusive(a) || na + nb > nl_array_capacity(a))
        a = nl_array_copy_with_capacity(a, na + nb);
    for (size_t i = 0; i < nb; i++) {
        nl_object *x = nl_array_cptr(b)[i];
        nl_inc(x);
        nl_array_cptr(a)[na + i] = x;
    }
    ((nl_array_object *)a)->size = na + nb;
    return a;
}

/* ---------------------------------------------------------------- scalar arrays */

nl_object *nl_alloc_sarray(unsigned elem_size, size_t size, size_t capacity) {
    nl_sarray_object *a = (nl_sarray_object *)nl_alloc_object(
        checked_array_bytes(sizeof(nl_sarray_object), elem_size, capacity));
    a->hdr.tag = NL_TAG_SCALAR_ARRAY;
    a->hdr.other = (uint8_t)elem_size;
    a->size = size;
    a->capacity = capacity;
    return (nl_object *)a;
}

/* An exclusive scalar array with room for `capacity` elements; a owned. */
static nl_object *sarray_reserve(nl_object *a, size_t capacity) {
    nl_sarray_object *arr = (nl_sarray_object *)a;
    if (nl_is_exclusive(a) && capacity <= arr->capacity) return a;
    if (capacity < arr->capacity) capacity = arr->capacity;
    unsigned es = a->other;
    nl_object *r = nl_alloc_sarray(es, arr->size, capacity);
    memcpy(nl_sarray_cptr(r), arr->data, (size_t)es * arr->size);
    nl_dec_ref(a);
    return r;
}

static nl_object *sarray_push(nl_object *a, const void *v) {
    nl_sarray_object *arr = (nl_sarray_object *)a;
    size_t need = arr->size + 1;
    if (!nl_is_exclusive(a) || need > arr->capacity)
        a = sarray_reserve(a, need > arr->capacity ? grown_capacity(arr->size) : arr->capacity);
    arr = (nl_sarray_object *)a;
    memcpy(arr->data + (size_t)a->other * arr->size, v, a->other);
    arr->size++;
    return a;
}

static nl_object *sarray_set(nl_object *a, size_t i, const void *v) {
    if (NL_UNLIKELY(i >= nl_sarray_size(a))) return nl_panic_fn(a, g_out_of_bounds_msg());
    a = sarray_reserve(a, ((nl_sarray_object *)a)->capacity);
    memcpy(nl_sarray_cptr(a) + (size_t)a->other * i, v, a->other);
    return a;
}

nl_object *nl_byte_array_mk_empty(size_t capacity) { return nl_alloc_sarray(1, 0, capacity); }

uint8_t nl_byte_array_get(nl_object *a, size_t i) {
    if (NL_LIKELY(i < nl_sarray_size(a))) return nl_sarray_cptr(a)[i];
    nl_panic_fn(nl_box(0), g_out_of_bounds_msg());
    return 0;
}

nl_object *nl_byte_array_push(nl_object *a, uint8_t v) { return sarray_push(a, &v); }
nl_object *nl_byte_array_set(nl_object *a, size_t i, uint8_t v) { return sarray_set(a, i, &v); }

nl_object *nl_byte_array_copy(nl_object *a) {
    size_t n = nl_sarray_size(a);
    nl_object *r = nl_alloc_sarray(1, n, n);
    memcpy(nl_sarray_cptr(r), nl_sarray_cptr(a), n);
    return r;
}

nl_object *nl_float_array_mk_empty(size_t capacity) { return nl_alloc_sarray(8, 0, capacity); }

double nl_float_array_get(nl_object *a, size_t i) {
    if (NL_LIKELY(i < nl_sarray_size(a))) {
        double v;
        memcpy(&v, nl_sarray_cptr(a) + 8 * i, 8);
        return v;
    }
    nl_panic_fn(nl_box(0), g_out_of_bounds_msg());
    return 0.0;
}

nl_object *nl_float_array_push(nl_object *a, double v) { return sarray_push(a, &v); }
nl_object *nl_float_array_set(nl_object *a, size_t i, double v) { return sarray_set(a, i, &v); }
