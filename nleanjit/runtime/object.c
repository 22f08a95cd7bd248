/*
 * object.c -- allocation, reference counting and the generic object
 * operations: constructors, closures, thunks, refs, boxing, panics.
 *
 * Allocator: objects up to NL_SMALL_OBJECT_MAX bytes come from per-thread
 * free lists, one per 8-byte size class, refilled from chunks carved into
 * equal slots (Lean's small-object allocator in spirit).  An object freed on
 * another thread simply joins that thread's list.  Chunks are recorded in a
 * global list so that they stay reachable (valgrind reports no leak for
 * them).  The debug build (NLEANJIT_DEBUG) uses malloc for every object so
 * that valgrind sees each one, and counts live objects.
 *
 * Freeing is iterative (an explicit stack), so dropping a list of a million
 * cells does not overflow the C stack.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "nl_internal.h"

/* ---------------------------------------------------------------- counters */

#ifdef NLEANJIT_DEBUG
static _Atomic int64_t g_live_objects;
static _Atomic int64_t g_total_allocs;
#define COUNT_ALLOC() (atomic_fetch_add_explicit(&g_live_objects, 1, memory_order_relaxed), \
                       atomic_fetch_add_explicit(&g_total_allocs, 1, memory_order_relaxed))
#define COUNT_FREE() atomic_fetch_sub_explicit(&g_live_objects, 1, memory_order_relaxed)
#define COUNT_PERSISTENT() atomic_fetch_sub_explicit(&g_live_objects, 1, memory_order_relaxed)
int64_t nl_debug_live_objects(void) { return atomic_load(&g_live_objects); }
int64_t nl_debug_total_allocs(void) { return atomic_load(&g_total_allocs); }
#else
#define COUNT_ALLOC() ((void)0)
#define COUNT_FREE() ((void)0)
#define COUNT_PERSISTENT() ((void)0)
int64_t nl_debug_live_objects(void) { return -1; }
int64_t nl_debug_total_allocs(void) { return -1; }
#endif

/* ---------------------------------------------------------------- allocator */

#define NL_NUM_SIZE_CLASSES (NL_SMALL_OBJECT_MAX / 8)

typedef struct nl_free_slot { struct nl_free_slot *next; } nl_free_slot;
typedef struct nl_chunk { struct nl_chunk *next; } nl_chunk;

static __thread nl_free_slot *tl_free_lists[NL_NUM_SIZE_CLASSES + 1];
static nl_chunk *g_chunks;
static pthread_mutex_t g_chunks_lock = PTHREAD_MUTEX_INITIALIZER;

void nl_internal_panic_out_of_memory(void) { nl_internal_panic("out of memory"); }

static void *checked_malloc(size_t n) {
    void *p = malloc(n);
    if (!p) nl_internal_panic_out_of_memory();
    return p;
}

#ifndef NLEANJIT_DEBUG
/* Carves a fresh chunk into slots of `slot` bytes for this thread's list. */
static void refill_size_class(unsigned cls) {
    size_t slot = (size_t)cls * 8;
    size_t count = slot <= 256 ? 16384 / slot : 16;
    nl_chunk *chunk = checked_malloc(sizeof(nl_chunk) + slot * count);
    pthread_mutex_lock(&g_chunks_lock);
    chunk->next = g_chunks;
    g_chunks = chunk;
    pthread_mutex_unlock(&g_chunks_lock);
    char *base = (char *)(chunk + 1);
    nl_free_slot *head = tl_free_lists[cls];
    for (size_t i = count; i-- > 0;) {
        nl_free_slot *s = (nl_free_slot *)(base + i * slot);
        s->next = head;
        head = s;
    }
    tl_free_lists[cls] = head;
}
#endif

nl_object *nl_alloc_object(size_t sz) {
    if (NL_UNLIKELY(sz > SIZE_MAX - 7)) nl_internal_panic_out_of_memory(); /* rounding would wrap */
    sz = (sz + 7) & ~(size_t)7;
    nl_object *o;
    COUNT_ALLOC();
#ifdef NLEANJIT_DEBUG
    o = checked_malloc(sz);
    o->cs_sz = 0;
#else
    if (NL_LIKELY(sz <= NL_SMALL_OBJECT_MAX)) {
        unsigned cls = (unsigned)(sz / 8);
        nl_free_slot *s = tl_free_lists[cls];
        if (NL_UNLIKELY(!s)) {
            refill_size_class(cls);
            s = tl_free_lists[cls];
        }
        tl_free_lists[cls] = s->next;
        o = (nl_object *)s;
        o->cs_sz = (uint16_t)sz;
    } else {
        o = checked_malloc(sz);
        o->cs_sz = 0;
    }
#endif
    o->rc = 1;
    o->other = 0;
    o->tag = 0;
    return o;
}

void nl_free_object_memory(nl_object *o) {
    COUNT_FREE();
    if (o->cs_sz == 0) {
        free(o);
    } else {
        unsigned cls = o->cs_sz / 8;
        nl_free_slot *s = (nl_free_slot *)o;
        s->next = tl_free_lists[cls];
        tl_free_lists[cls] = s;
    }
}

/* ---------------------------------------------------------------- stacks */

void nl_obj_stack_push(nl_obj_stack *s, nl_object *o) {
    if (s->size == s->capacity) {
        size_t cap = s->capacity ? 2 * s->capacity : 64;
        nl_object **items = realloc(s->items, cap * sizeof(nl_object *));
        if (!items) nl_internal_panic_out_of_memory();
        s->items = items;
        s->capacity = cap;
    }
    s->items[s->size++] = o;
}

void nl_obj_stack_free(nl_obj_stack *s) {
    free(s->items);
    s->items = NULL;
    s->size = s->capacity = 0;
}

/* ---------------------------------------------------------------- rc */

void nl_inc_ref_cold(nl_object *o) {
    atomic_fetch_sub_explicit((_Atomic int32_t *)&o->rc, 1, memory_order_relaxed);
}

void nl_inc_ref_n_cold(nl_object *o, unsigned n) {
    atomic_fetch_sub_explicit((_Atomic int32_t *)&o->rc, (int32_t)n, memory_order_relaxed);
}

void nl_inc_fn(nl_object *o) { nl_inc(o); }
void nl_dec_fn(nl_object *o) { nl_dec(o); }

/* Drops one reference; returns true when it was the last one. */
static inline bool drop_ref(nl_object *o) {
    if (NL_LIKELY(o->rc > 1)) {
        o->rc--;
        return false;
    }
    if (o->rc == 1) return true;
    if (o->rc == 0) return false;
    return atomic_fetch_add_explicit((_Atomic int32_t *)&o->rc, 1, memory_order_acq_rel) == -1;
}

static inline void drop_child(nl_object *o, nl_obj_stack *todo) {
    if (!nl_is_scalar(o) && drop_ref(o)) nl_obj_stack_push(todo, o);
}

/* Releases the children of `o` (pushing the dead ones) and frees `o`. */
static void free_one(nl_object *o, nl_obj_stack *todo) {
    uint8_t tag = o->tag;
    if (tag <= NL_MAX_CTOR_TAG) {
        nl_object **it = nl_ctor_obj_cptr(o);
        for (unsigned i = 0, n = o->other; i < n; i++) drop_child(it[i], todo);
        nl_free_object_memory(o);
        return;
    }
    switch (tag) {
    case NL_TAG_CLOSURE: {
        nl_closure_object *c = (nl_closure_object *)o;
        for (unsigned i = 0; i < c->num_fixed; i++) drop_child(c->objs[i], todo);
        break;
    }
    case NL_TAG_ARRAY: {
        nl_array_object *a = (nl_array_object *)o;
        for (size_t i = 0; i < a->size; i++) drop_child(a->data[i], todo);
        break;
    }
    case NL_TAG_SCALAR_ARRAY:
    case NL_TAG_STRING:
    case NL_TAG_MPZ:
        break;
    case NL_TAG_THUNK: {
        nl_thunk_object *t = (nl_thunk_object *)o;
        if (t->closure) drop_child(t->closure, todo);
        if (t->value) drop_child(t->value, todo);
        break;
    }
    case NL_TAG_REF: {
        nl_ref_object *r = (nl_ref_object *)o;
        if (r->value) drop_child(r->value, todo);
        break;
    }
    case NL_TAG_TASK: {
        nl_task_object *t = (nl_task_object *)o;
        if (t->value) drop_child(t->value, todo);
        if (t->closure) drop_child(t->closure, todo);
        break;
    }
    case NL_TAG_EXTERNAL: {
        nl_external_object *e = (nl_external_object *)o;
        if (e->cls && e->cls->finalize) e->cls->finalize(e->data);
        break;
    }
    default:
        nl_internal_panic_unreachable();
    }
    nl_free_object_memory(o);
}

void nl_dec_ref_cold(nl_object *o) {
    if (!drop_ref(o)) return;
    /* Most frees are of objects whose children stay alive: try without a
       stack first and only allocate one when a child dies too. */
    nl_obj_stack todo = {0};
    free_one(o, &todo);
    while (todo.size > 0) free_one(todo.items[--todo.size], &todo);
    nl_obj_stack_free(&todo);
}

/* Pushes the heap children of `o` for a traversal. */
static void push_children(nl_object *o, nl_obj_stack *todo) {
    uint8_t tag = o->tag;
    if (tag <= NL_MAX_CTOR_TAG) {
        for (unsigned i = 0; i < o->other; i++) nl_obj_stack_push(todo, nl_ctor_obj_cptr(o)[i]);
        return;
    }
    switch (tag) {
    case NL_TAG_CLOSURE: {
        nl_closure_object *c = (nl_closure_object *)o;
        for (unsigned i = 0; i < c->num_fixed; i++) nl_obj_stack_push(todo, c->objs[i]);
        break;
    }
    case NL_TAG_ARRAY: {
        nl_array_object *a = (nl_array_object *)o;
        for (size_t i = 0; i < a->size; i++) nl_obj_stack_push(todo, a->data[i]);
        break;
    }
    case NL_TAG_THUNK: {
        nl_thunk_object *t = (nl_thunk_object *)o;
        if (t->closure) nl_obj_stack_push(todo, t->closure);
        if (t->value) nl_obj_stack_push(todo, t->value);
        break;
    }
    case NL_TAG_REF:
        if (((nl_ref_object *)o)->value) nl_obj_stack_push(todo, ((nl_ref_object *)o)->value);
        break;
    case NL_TAG_TASK: {
        nl_task_object *t = (nl_task_object *)o;
        if (t->value) nl_obj_stack_push(todo, t->value);
        if (t->closure) nl_obj_stack_push(todo, t->closure);
        break;
    }
    default:
        break;
    }
}

void nl_mark_mt(nl_object *o) {
    if (nl_is_scalar(o) || o->rc <= 0) return;
    nl_obj_stack todo = {0};
    nl_obj_stack_push(&todo, o);
    while (todo.size > 0) {
        nl_object *x = todo.items[--todo.size];
        if (nl_is_scalar(x) || x->rc <= 0) continue;
        x->rc = -x->rc;
        push_children(x, &todo);
    }
    nl_obj_stack_free(&todo);
}

/* Persistent references (an `initialize x : IO.Ref T ← …`): the ref is never
   freed, but what it holds changes and keeps its own count, so `set` frees the
   old value.  They are recorded so that the debug runtime can release what
   they hold at exit (`nl_release_persistent_refs`): a program that frees
   everything then ends with zero live objects. */
static nl_obj_stack g_persistent_refs;
static pthread_mutex_t g_persistent_refs_lock = PTHREAD_MUTEX_INITIALIZER;

void nl_mark_persistent(nl_object *o) {
    if (nl_is_scalar(o) || o->rc == 0) return;
    nl_obj_stack todo = {0};
    nl_obj_stack_push(&todo, o);
    while (todo.size > 0) {
        nl_object *x = todo.items[--todo.size];
        if (nl_is_scalar(x) || x->rc == 0) continue;
        x->rc = 0;
        COUNT_PERSISTENT();
        if (x->tag == NL_TAG_REF) { /* any thread may use it: its value gets atomic counts */
            nl_mark_mt(((nl_ref_object *)x)->value);
            pthread_mutex_lock(&g_persistent_refs_lock);
            nl_obj_stack_push(&g_persistent_refs, x);
            pthread_mutex_unlock(&g_persistent_refs_lock);
            continue;
        }
        push_children(x, &todo);
    }
    nl_obj_stack_free(&todo);
}

void nl_release_persistent_refs(void) {
    pthread_mutex_lock(&g_persistent_refs_lock);
    for (size_t i = 0; i < g_persistent_refs.size; i++)
        nl_dec(nl_st_ref_swap(g_persistent_refs.items[i], nl_box(0)));
    nl_obj_stack_free(&g_persistent_refs);
    g_persistent_refs = (nl_obj_stack){0};
    pthread_mutex_unlock(&g_persistent_refs_lock);
}

/* ---------------------------------------------------------------- ctors */

nl_object *nl_alloc_ctor(unsigned tag, unsigned num_objs, unsigned scalar_sz) {
    nl_object *o = nl_alloc_object(sizeof(nl_object) + sizeof(nl_object *) * num_objs + scalar_sz);
    o->tag = (uint8_t)tag;
    o->other = (uint8_t)num_objs;
    return o;
}

void nl_ctor_release(nl_object *o, unsigned num_objs) {
    nl_object **objs = nl_ctor_obj_cptr(o);
    for (unsigned i = 0; i < num_objs; i++) {
        nl_dec(objs[i]);
        objs[i] = nl_box(0);
    }
}

nl_object *nl_box_uint64(uint64_t v) {
    nl_object *o = nl_alloc_ctor(0, 0, sizeof(uint64_t));
    nl_ctor_set_uint64(o, 0, v);
    return o;
}
uint64_t nl_unbox_uint64(nl_object *o) { return nl_ctor_get_uint64(o, 0); }
nl_object *nl_box_usize(size_t v) {
    nl_object *o = nl_alloc_ctor(0, 0, sizeof(size_t));
    nl_ctor_set_usize(o, 0, v);
    return o;
}
size_t nl_unbox_usize(nl_object *o) { return nl_ctor_get_usize(o, 0); }
nl_object *nl_box_float(double v) {
    nl_object *o = nl_alloc_ctor(0, 0, sizeof(double));
    nl_ctor_set_float(o, 0, v);
    return o;
}
double nl_unbox_float(nl_object *o) { return nl_ctor_get_float(o, 0); }

/* ---------------------------------------------------------------- closures */

nl_object *nl_alloc_closure(void *fun, unsigned arity, unsigned num_fixed) {
    nl_closure_object *c = (nl_closure_object *)nl_alloc_object(
        sizeof(nl_closure_object) + sizeof(nl_object *) * num_fixed);
    c->hdr.tag = NL_TAG_CLOSURE;
    c->fun = fun;
    c->arity = (uint16_t)arity;
    c->num_fixed = (uint16_t)num_fixed;
    c->pad = 0;
    return (nl_object *)c;
}

/* ---------------------------------------------------------------- thunks */

nl_object *nl_mk_thunk(nl_object *closure) {
    nl_thunk_object *t = (nl_thunk_object *)nl_alloc_object(sizeof(nl_thunk_object));
    t->hdr.tag = NL_TAG_THUNK;
    t->value = NULL;
    t->closure = closure;
    return (nl_object *)t;
}

nl_object *nl_thunk_pure(nl_object *v) {
    nl_thunk_object *t = (nl_thunk_object *)nl_alloc_object(sizeof(nl_thunk_object));
    t->hdr.tag = NL_TAG_THUNK;
    t->value = v;
    t->closure = NULL;
    return (nl_object *)t;
}

nl_object *nl_thunk_get_core(nl_object *o) {
    nl_thunk_object *t = (nl_thunk_object *)o;
    nl_object *c = atomic_exchange(&t->closure, NULL);
    if (c) {
        nl_object *v = nl_apply_1(c, nl_box(0));
        /* A thunk shared between threads hands its value to all of them. */
        if (o->rc < 0) nl_mark_mt(v);
        atomic_store(&t->value, v);
        return v;
    }
    /* Another thread is evaluating it. */
    nl_object *v;
    while (!(v = atomic_load(&t->value))) sched_yield();
    return v;
}

/* ---------------------------------------------------------------- refs */

nl_object *nl_st_ref_mk(nl_object *v) {
    nl_ref_object *r = (nl_ref_object *)nl_alloc_object(sizeof(nl_ref_object));
    r->hdr.tag = NL_TAG_REF;
    r->value = v;
    return (nl_object *)r;
}

/* Refs shared across threads are guarded by a lock: Lean uses an atomic
   exchange loop; a single global mutex keeps this simple and correct. */
static pthread_mutex_t g_ref_lock = PTHREAD_MUTEX_INITIALIZER;
#define REF_LOCK(r) do { if ((r)->rc <= 0) pthread_mutex_lock(&g_ref_lock); } while (0)
#define REF_UNLOCK(r) do { if ((r)->rc <= 0) pthread_mutex_unlock(&g_ref_lock); } while (0)

nl_object *nl_st_ref_get(nl_object *o) {
    nl_ref_object *r = (nl_ref_object *)o;
    REF_LOCK(o);
    nl_object *v = r->value;
    nl_inc(v);
    REF_UNLOCK(o);
    return v;
}

void nl_st_ref_set(nl_object *o, nl_object *v) {
    nl_dec(nl_st_ref_swap(o, v));
}

/* A multi-threaded or persistent ref is shared between threads: so is what it holds. */
nl_object *nl_st_ref_swap(nl_object *o, nl_object *v) {
    nl_ref_object *r = (nl_ref_object *)o;
    if (o->rc <= 0) nl_mark_mt(v);
    REF_LOCK(o);
    nl_object *old = r->value;
    r->value = v;
    REF_UNLOCK(o);
    return old;
}

nl_object *nl_st_ref_take(nl_object *o) { return nl_st_ref_swap(o, nl_box(0)); }

/* ---------------------------------------------------------------- panics */

static int g_abort_on_panic = -1;

void nl_internal_panic(const char *msg) {
    nl_flush_stdout();
    fprintf(stderr, "INTERNAL PANIC: %s\n", msg);
    fflush(stderr);
    exit(1);
}

void nl_internal_panic_unreachable(void) { nl_internal_panic("unreachable code has been reached"); }

nl_object *nl_panic_fn(nl_object *def, nl_object *msg) {
    if (g_abort_on_panic < 0) g_abort_on_panic = getenv("LEAN_ABORT_ON_PANIC") != NULL;
    nl_write_stderr(nl_string_cstr(msg), nl_string_byte_size(msg));
    nl_write_stderr("\n", 1);
    nl_dec(msg);
    if (g_abort_on_panic) {
        nl_flush_stdout();
        abort();
    }
    return def;
}

nl_object *nl_mk_panic_message(const char *module, const char *decl, unsigned line, unsigned col,
                               nl_object *msg) {
    /* Lean's mkPanicMessageWithDecl: "PANIC at <decl> <module>:<line>:<col>: <msg>" */
    size_t n = strlen(module) + strlen(decl) + nl_string_byte_size(msg) + 64;
    char *buf = checked_malloc(n);
    int len = snprintf(buf, n, "PANIC at %s %s:%u:%u: ", decl, module, line, col);
    nl_object *s = nl_mk_string_from_bytes(buf, (size_t)len);
    free(buf);
    return nl_string_append(s, msg);
}

nl_object *nl_panic_at(nl_object *def, const char *module, const char *decl, unsigned line,
                       unsigned col, const char *msg) {
    nl_object *m = nl_mk_string(msg);
    nl_object *full = nl_mk_panic_message(module, decl, line, col, m);
    nl_dec(m);
    return nl_panic_fn(def, full);
}
