/*
 * task.c -- Task.spawn / Task.get on a pool of pthreads.
 *
 * A task object is multi-threaded from birth (negative rc): one reference
 * for the caller, one for the queue.  Workers (one per online CPU, started on
 * the first spawn) pop queued tasks and run their closure.  Task.get on a
 * task that no worker has started runs it on the calling thread instead of
 * waiting, so a worker blocked in Task.get never starves the pool (tasks
 * form a DAG, so this cannot deadlock).  Closures and results are marked
 * multi-threaded before another thread can see them.
 */
#include <unistd.h>

#include "nl_internal.h"

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t work_available;
    pthread_cond_t task_done;
    nl_task_object *head, *tail;
    pthread_t *workers;
    int num_workers;
    bool shutting_down;
} task_manager;

static task_manager g_tm = {
    PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, NULL, NULL, 0, false};

static nl_task_object *alloc_task(void) {
    nl_task_object *t = (nl_task_object *)nl_alloc_object(sizeof(nl_task_object));
    t->hdr.tag = NL_TAG_TASK;
    t->value = NULL;
    t->closure = NULL;
    t->next_queued = NULL;
    t->state = NL_TASK_DONE;
    return t;
}

/* Runs the closure of t, which the caller has claimed (state RUNNING). */
static void run_task(nl_task_object *t, nl_object *closure) {
    nl_object *v = nl_apply_1(closure, nl_box(0));
    nl_mark_mt(v);
    pthread_mutex_lock(&g_tm.lock);
    atomic_store(&t->value, v);
    t->state = NL_TASK_DONE;
    pthread_cond_broadcast(&g_tm.task_done);
    pthread_mutex_unlock(&g_tm.lock);
}

static void *worker_main(void *arg) {
    (void)arg;
    pthread_mutex_lock(&g_tm.lock);
    for (;;) {
        while (!g_tm.head && !g_tm.shutting_down) pthread_cond_wait(&g_tm.work_available, &g_tm.lock);
        nl_task_object *t = g_tm.head;
        if (!t) break; /* shutting down with an empty queue */
        g_tm.head = t->next_queued;
        if (!g_tm.head) g_tm.tail = NULL;
        t->next_queued = NULL;
        if (t->state == NL_TASK_QUEUED) {
            nl_object *c = t->closure;
            t->closure = NULL;
            t->state = NL_TASK_RUNNING;
            pthread_mutex_unlock(&g_tm.lock);
            run_task(t, c);
        } else {
            pthread_mutex_unlock(&g_tm.lock); /* stolen by a Task.get */
        }
        nl_dec_ref((nl_object *)t); /* the queue's reference */
        pthread_mutex_lock(&g_tm.lock);
    }
    pthread_mutex_unlock(&g_tm.lock);
    return NULL;
}

/* Called with the lock held. */
static void start_workers(void) {
    if (g_tm.workers) return;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    g_tm.workers = calloc((size_t)n, sizeof(pthread_t));
    if (!g_tm.workers) nl_internal_panic_out_of_memory();
    for (int i = 0; i < n; i++) {
        if (pthread_create(&g_tm.workers[i], NULL, worker_main, NULL) != 0)
            nl_internal_panic("failed to start a task worker thread");
    }
    g_tm.num_workers = n;
}

nl_object *nl_task_spawn(nl_object *closure, unsigned prio) {
    (void)prio;
    nl_mark_mt(closure);
    nl_task_object *t = alloc_task();
    t->hdr.rc = -2; /* the caller and the queue */
    t->closure = closure;
    t->state = NL_TASK_QUEUED;
    pthread_mutex_lock(&g_tm.lock);
    if (g_tm.shutting_down) nl_internal_panic("Task.spawn after the runtime was finalised");
    start_workers();
    if (g_tm.tail) g_tm.tail->next_queued = t;
    else g_tm.head = t;
    g_tm.tail = t;
    pthread_cond_signal(&g_tm.work_available);
    pthread_mutex_unlock(&g_tm.lock);
    return (nl_object *)t;
}

nl_object *nl_task_pure(nl_object *v) {
    nl_task_object *t = alloc_task();
    t->value = v;
    t->state = NL_TASK_DONE;
    return (nl_object *)t;
}

nl_object *nl_task_get(nl_object *o) {
    nl_task_object *t = (nl_task_object *)o;
    nl_object *v = atomic_load(&t->value);
    if (v) return v;
    pthread_mutex_lock(&g_tm.lock);
    if (t->state == NL_TASK_QUEUED) {
        /* Nobody started it: run it here rather than wait. */
        nl_object *c = t->closure;
        t->closure = NULL;
        t->state = NL_TASK_RUNNING;
        pthread_mutex_unlock(&g_tm.lock);
        run_task(t, c);
        return atomic_load(&t->value);
    }
    while (t->state != NL_TASK_DONE) pthread_cond_wait(&g_tm.task_done, &g_tm.lock);
    pthread_mutex_unlock(&g_tm.lock);
    return atomic_load(&t->value);
}

nl_object *nl_task_get_own(nl_object *t) {
    nl_object *v = nl_task_get(t);
    nl_inc(v);
    nl_dec(t);
    return v;
}

/* map: fun f t _ => f (t.get) */
static nl_object *task_map_fn(nl_object *f, nl_object *t, nl_object *unit) {
    (void)unit;
    return nl_apply_1(f, nl_task_get_own(t));
}

nl_object *nl_task_map(nl_object *f, nl_object *t, unsigned prio) {
    nl_object *c = nl_alloc_closure((void *)task_map_fn, 3, 2);
    nl_closure_set(c, 0, f);
    nl_closure_set(c, 1, t);
    return nl_task_spawn(c, prio);
}

/* bind: fun t f _ => (f t.get).get */
static nl_object *task_bind_fn(nl_object *t, nl_object *f, nl_object *unit) {
    (void)unit;
    nl_object *inner = nl_apply_1(f, nl_task_get_own(t));
    return nl_task_get_own(inner);
}

nl_object *nl_task_bind(nl_object *t, nl_object *f, unsigned prio) {
    nl_object *c = nl_alloc_closure((void *)task_bind_fn, 3, 2);
    nl_closure_set(c, 0, t);
    nl_closure_set(c, 1, f);
    return nl_task_spawn(c, prio);
}

void nl_task_manager_finalize(void) {
    pthread_mutex_lock(&g_tm.lock);
    if (!g_tm.workers) {
        pthread_mutex_unlock(&g_tm.lock);
        return;
    }
    g_tm.shutting_down = true;
    pthread_cond_broadcast(&g_tm.work_available);
    pthread_mutex_unlock(&g_tm.lock);
    for (int i = 0; i < g_tm.num_workers; i++) pthread_join(g_tm.workers[i], NULL);
    free(g_tm.workers);
    g_tm.workers = NULL;
    g_tm.num_workers = 0;
}
