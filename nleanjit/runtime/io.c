/*
 * io.c -- the IO primitives, IO results and errors, Float helpers, and the
 * `main` wrapper of a compiled program.
 *
 * An IO action returns Lean's EStateM.Result: `ok value world` (tag 0) or
 * `error err world` (tag 1).  stdout is fully buffered (64 KiB) and flushed
 * at exit, before reading stdin and before a panic aborts; stderr is
 * unbuffered, as in C.
 */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sys/random.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "nl_internal.h"

int nl_g_argc;
char **nl_g_argv;

/* ---------------------------------------------------------------- results */

nl_object *nl_io_result_mk_ok(nl_object *v) {
    nl_object *r = nl_alloc_ctor(0, 2, 0);
    nl_ctor_set(r, 0, v);
    nl_ctor_set(r, 1, nl_box(0));
    return r;
}

nl_object *nl_io_result_mk_error(nl_object *e) {
    nl_object *r = nl_alloc_ctor(1, 2, 0);
    nl_ctor_set(r, 0, e);
    nl_ctor_set(r, 1, nl_box(0));
    return r;
}

static nl_object *io_unit(void) { return nl_io_result_mk_ok(nl_box(0)); }

/* ---------------------------------------------------------------- errors */

nl_object *nl_mk_io_user_error(nl_object *msg) {
    nl_object *e = nl_alloc_ctor(NL_IO_ERROR_USER, 1, 0);
    nl_ctor_set(e, 0, msg);
    return e;
}

/* Lean's `downCaseFirst`: lower-cases an ASCII first letter. */
static nl_object *down_case_first(const char *c) {
    nl_object *r = nl_mk_string(c);
    if (c[0] >= 'A' && c[0] <= 'Z') {
        nl_object *rest = nl_mk_string(c + 1);
        nl_dec(r);
        r = nl_string_push(nl_mk_string(""), (uint32_t)(c[0] - 'A' + 'a'));
        r = nl_string_append(r, rest);
        nl_dec(rest);
    }
    return r;
}

/* An OS error as the prelude's `IO.Error.otherError (osCode : UInt32)
   (details : String)`, laid out as compiled code reads it: the code boxed in
   field 0, the details in field 1.  The details are Lean's text for the
   error (`no such file or directory`, `inappropriate type`, else the C
   library's message, first letter lower-cased); the file name is not kept. */
nl_object *nl_io_error_of_errno(int err, const char *filename) {
    const char *gist = strerror(err);
    if (filename && err == ENOENT) gist = "no such file or directory";
    else if (filename && (err == EISDIR || err == ENOTDIR)) gist = "inappropriate type";
    nl_object *e = nl_alloc_ctor(NL_IO_ERROR_OTHER, 2, 0);
    nl_ctor_set(e, 0, nl_box((size_t)(uint32_t)err));
    nl_ctor_set(e, 1, down_case_first(gist));
    return e;
}

/* The prelude's IO.Error.toString: `msg`, or `details (error code: N)`. */
nl_object *nl_io_error_to_string(nl_object *e) {
    nl_object *first = nl_ctor_get(e, 0);
    if (nl_obj_tag(e) == NL_IO_ERROR_USER) {
        nl_inc(first);
        return first;
    }
    nl_object *r = nl_ctor_get(e, 1);
    nl_inc(r);
    char buf[64];
    snprintf(buf, sizeof buf, " (error code: %u)", (unsigned)nl_unbox(first));
    nl_object *t = nl_mk_string(buf);
    r = nl_string_append(r, t);
    nl_dec(t);
    return r;
}

void nl_io_result_show_error(nl_object *r) {
    nl_object *msg = nl_io_error_to_string(nl_io_result_get_error(r));
    nl_flush_stdout();
    fputs("uncaught exception: ", stderr);
    fwrite(nl_string_cstr(msg), 1, nl_string_byte_size(msg), stderr);
    fputc('\n', stderr);
    fflush(stderr);
    nl_dec(msg);
}

/* ---------------------------------------------------------------- output */

static char g_stdout_buffer[1 << 16];

void nl_write_stdout(const char *data, size_t n) { fwrite(data, 1, n, stdout); }

void nl_write_stderr(const char *data, size_t n) {
    fwrite(data, 1, n, stderr);
    fflush(stderr);
}

void nl_flush_stdout(void) { fflush(stdout); }

nl_object *nl_io_put_str(nl_object *s, nl_object *w) {
    (void)w;
    nl_write_stdout(nl_string_cstr(s), nl_string_byte_size(s));
    return io_unit();
}

nl_object *nl_io_put_str_ln(nl_object *s, nl_object *w) {
    (void)w;
    nl_write_stdout(nl_string_cstr(s), nl_string_byte_size(s));
    nl_write_stdout("\n", 1);
    return io_unit();
}

nl_object *nl_io_eput_str(nl_object *s, nl_object *w) {
    (void)w;
    nl_write_stderr(nl_string_cstr(s), nl_string_byte_size(s));
    return io_unit();
}

nl_object *nl_io_eput_str_ln(nl_object *s, nl_object *w) {
    (void)w;
    nl_write_stderr(nl_string_cstr(s), nl_string_byte_size(s));
    nl_write_stderr("\n", 1);
    return io_unit();
}

nl_object *nl_io_flush_stdout(nl_object *w) {
    (void)w;
    nl_flush_stdout();
    return io_unit();
}

nl_object *nl_io_get_line(nl_object *w) {
    (void)w;
    nl_flush_stdout(); /* a prompt printed before reading must be visible */
    char *line = NULL;
    size_t cap = 0;
    errno = 0;
    ssize_t n = getline(&line, &cap, stdin);
    nl_object *r;
    if (n < 0) {
        r = errno ? nl_io_result_mk_error(nl_io_error_of_errno(errno, NULL))
                  : nl_io_result_mk_ok(nl_mk_string(""));
    } else {
        r = nl_io_result_mk_ok(nl_mk_string_from_bytes(line, (size_t)n));
    }
    free(line);
    return r;
}

/* ---------------------------------------------------------------- streams */

/* `IO.FS.Stream` is a structure of four closures (`flush : IO Unit`,
   `getLine : IO String`, `putStr : String → IO Unit`, `isTty : BaseIO Bool`);
   the standard streams are built once and made persistent.  Closure entries
   take every argument boxed and owned. */

static nl_object *stream_flush_stdout(nl_object *w) { return nl_io_flush_stdout(w); }
static nl_object *stream_flush_stderr(nl_object *w) { (void)w; fflush(stderr); return io_unit(); }
static nl_object *stream_flush_none(nl_object *w) { (void)w; return io_unit(); }
static nl_object *stream_get_line_stdin(nl_object *w) { return nl_io_get_line(w); }
static nl_object *stream_get_line_none(nl_object *w) { (void)w; return nl_io_result_mk_ok(nl_mk_string("")); }
static nl_object *stream_put_stdout(nl_object *s, nl_object *w) {
    nl_object *r = nl_io_put_str(s, w);
    nl_dec(s);
    return r;
}
static nl_object *stream_put_stderr(nl_object *s, nl_object *w) {
    nl_object *r = nl_io_eput_str(s, w);
    nl_dec(s);
    return r;
}
static nl_object *stream_put_none(nl_object *s, nl_object *w) { (void)w; nl_dec(s); return io_unit(); }
static nl_object *stream_tty_stdin(nl_object *w) { (void)w; return nl_io_result_mk_ok(nl_box(isatty(0) == 1)); }
static nl_object *stream_tty_stdout(nl_object *w) { (void)w; return nl_io_result_mk_ok(nl_box(isatty(1) == 1)); }
static nl_object *stream_tty_stderr(nl_object *w) { (void)w; return nl_io_result_mk_ok(nl_box(isatty(2) == 1)); }

static nl_object *g_streams[3];
static pthread_once_t g_streams_once = PTHREAD_ONCE_INIT;

static nl_object *mk_stream(void *flush, void *get_line, void *put_str, void *is_tty) {
    nl_object *s = nl_alloc_ctor(0, 4, 0);
    nl_ctor_set(s, 0, nl_alloc_closure(flush, 1, 0));
    nl_ctor_set(s, 1, nl_alloc_closure(get_line, 1, 0));
    nl_ctor_set(s, 2, nl_alloc_closure(put_str, 2, 0));
    nl_ctor_set(s, 3, nl_alloc_closure(is_tty, 1, 0));
    nl_mark_persistent(s);
    return s;
}

static void init_streams(void) {
    g_streams[0] = mk_stream(stream_flush_none, stream_get_line_stdin, stream_put_none, stream_tty_stdin);
    g_streams[1] = mk_stream(stream_flush_stdout, stream_get_line_none, stream_put_stdout, stream_tty_stdout);
    g_streams[2] = mk_stream(stream_flush_stderr, stream_get_line_none, stream_put_stderr, stream_tty_stderr);
}

static nl_object *get_stream(int fd) {
    pthread_once(&g_streams_once, init_streams);
    return nl_io_result_mk_ok(g_streams[fd]);
}

nl_object *nl_io_get_stdin(nl_object *w) { (void)w; return get_stream(0); }
nl_object *nl_io_get_stdout(nl_object *w) { (void)w; return get_stream(1); }
nl_object *nl_io_get_stderr(nl_object *w) { (void)w; return get_stream(2); }

/* ---------------------------------------------------------------- files */

/* Reads a whole file; returns NULL and sets errno on failure. */
static char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    if (!buf) nl_internal_panic_out_of_memory();
    size_t got;
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) nl_internal_panic_out_of_memory();
        }
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        free(buf);
        errno = saved;
        return NULL;
    }
    *len = n;
    return buf;
}

static bool valid_utf8(const char *data, size_t n) {
    nl_object *s = nl_mk_string_from_bytes(data, n);
    bool ok = nl_string_byte_size(s) == n && memcmp(nl_string_cstr(s), data, n) == 0;
    nl_dec(s);
    return ok;
}

nl_object *nl_io_read_file(nl_object *path, nl_object *w) {
    (void)w;
    size_t n;
    char *data = read_all(nl_string_cstr(path), &n);
    if (!data) return nl_io_result_mk_error(nl_io_error_of_errno(errno, nl_string_cstr(path)));
    nl_object *r;
    if (valid_utf8(data, n)) {
        r = nl_io_result_mk_ok(nl_mk_string_from_bytes(data, n));
    } else {
        nl_object *msg = nl_mk_string("Tried to read from file '");
        msg = nl_string_append(msg, path);
        nl_object *tail = nl_mk_string("' containing invalid UTF-8 data.");
        msg = nl_string_append(msg, tail);
        nl_dec(tail);
        r = nl_io_result_mk_error(nl_mk_io_user_error(msg));
    }
    free(data);
    return r;
}

nl_object *nl_io_read_bin_file(nl_object *path, nl_object *w) {
    (void)w;
    size_t n;
    char *data = read_all(nl_string_cstr(path), &n);
    if (!data) return nl_io_result_mk_error(nl_io_error_of_errno(errno, nl_string_cstr(path)));
    nl_object *a = nl_alloc_sarray(1, n, n);
    memcpy(nl_sarray_cptr(a), data, n);
    free(data);
    return nl_io_result_mk_ok(a);
}

static nl_object *write_with_mode(nl_object *path, nl_object *content, const char *mode) {
    FILE *f = fopen(nl_string_cstr(path), mode);
    if (!f) return nl_io_result_mk_error(nl_io_error_of_errno(errno, nl_string_cstr(path)));
    size_t n = nl_string_byte_size(content);
    bool ok = fwrite(nl_string_cstr(content), 1, n, f) == n;
    int saved = errno;
    if (fclose(f) != 0 && ok) { ok = false; saved = errno; }
    if (!ok) return nl_io_result_mk_error(nl_io_error_of_errno(saved, nl_string_cstr(path)));
    return io_unit();
}

nl_object *nl_io_write_file(nl_object *path, nl_object *content, nl_object *w) {
    (void)w;
    return write_with_mode(path, content, "wb");
}

nl_object *nl_io_append_file(nl_object *path, nl_object *content, nl_object *w) {
    (void)w;
    return write_with_mode(path, content, "ab");
}

nl_object *nl_io_file_exists(nl_object *path, nl_object *w) {
    (void)w;
    return nl_io_result_mk_ok(nl_box(access(nl_string_cstr(path), F_OK) == 0));
}

nl_object *nl_io_remove_file(nl_object *path, nl_object *w) {
    (void)w;
    if (unlink(nl_string_cstr(path)) != 0)
        return nl_io_result_mk_error(nl_io_error_of_errno(errno, nl_string_cstr(path)));
    return io_unit();
}

/* ---------------------------------------------------------------- time, args, exit */

uint64_t nl_mono_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

nl_object *nl_io_mono_nanos_now(nl_object *w) {
    (void)w;
    return nl_io_result_mk_ok(nl_nat_of_u64(nl_mono_nanos()));
}

nl_object *nl_io_mono_ms_now(nl_object *w) {
    (void)w;
    return nl_io_result_mk_ok(nl_nat_of_u64(nl_mono_nanos() / 1000000ULL));
}

/* IO.sleep: at least `ms` milliseconds, resumed after signals. */
nl_object *nl_io_sleep(uint32_t ms, nl_object *w) {
    (void)w;
    struct timespec left = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    return io_unit();
}

/* IO.getRandomBytes: `n` bytes from the kernel's generator (getrandom(2),
   which may return fewer bytes than asked, so loop). */
nl_object *nl_io_get_random_bytes(size_t n, nl_object *w) {
    (void)w;
    nl_object *a = nl_alloc_sarray(1, n, n);
    uint8_t *p = nl_sarray_cptr(a);
    for (size_t done = 0; done < n;) {
        ssize_t got = getrandom(p + done, n - done, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            nl_dec(a);
            return nl_io_result_mk_error(nl_io_error_of_errno(err, NULL));
        }
        done += (size_t)got;
    }
    return nl_io_result_mk_ok(a);
}

/* The program arguments after argv[0] as List String. */
static nl_object *args_list(int argc, char **argv) {
    nl_object *l = nl_box(0);
    for (int i = argc - 1; i >= 1; i--) {
        nl_object *cell = nl_alloc_ctor(1, 2, 0);
        nl_ctor_set(cell, 0, nl_mk_string(argv[i]));
        nl_ctor_set(cell, 1, l);
        l = cell;
    }
    return l;
}

nl_object *nl_io_get_args(nl_object *w) {
    (void)w;
    return nl_io_result_mk_ok(args_list(nl_g_argc, nl_g_argv));
}

nl_object *nl_io_exit(uint8_t code, nl_object *w) {
    (void)w;
    nl_flush_stdout();
    exit(code);
}

/* ---------------------------------------------------------------- Float */

nl_object *nl_float_to_string(double x) {
    if (isnan(x)) return nl_mk_string("NaN");
    char small[64];
    int n = snprintf(small, sizeof small, "%f", x); /* std::to_string, as Lean */
    if ((size_t)n < sizeof small) return nl_mk_string_from_bytes(small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big) nl_internal_panic_out_of_memory();
    snprintf(big, (size_t)n + 1, "%f", x);
    nl_object *r = nl_mk_string_from_bytes(big, (size_t)n);
    free(big);
    return r;
}

double nl_float_of_nat(nl_object *n) {
    return nl_is_scalar(n) ? (double)nl_unbox(n) : nl_mpz_to_double(n);
}

double nl_float_of_int(nl_object *i) {
    return nl_is_scalar(i) ? (double)nl_int_unbox_small(i) : nl_mpz_to_double(i);
}

double nl_float_of_scientific(nl_object *m, bool esign, nl_object *e) {
    if (!nl_is_scalar(e)) {
        bool zero = nl_is_scalar(m) && nl_unbox(m) == 0;
        return esign || zero ? 0.0 : INFINITY;
    }
    /* strtod rounds a decimal correctly (glibc), so spell the number out. */
    nl_object *digits = nl_nat_to_string(m);
    size_t n = nl_string_byte_size(digits) + 32;
    char *buf = malloc(n);
    if (!buf) nl_internal_panic_out_of_memory();
    snprintf(buf, n, "%se%s%zu", nl_string_cstr(digits), esign ? "-" : "", nl_unbox(e));
    double r = strtod(buf, NULL);
    free(buf);
    nl_dec(digits);
    return r;
}

uint64_t nl_float_to_uint64(double x) {
    return 0.0 <= x ? (x < 18446744073709551616.0 ? (uint64_t)x : UINT64_MAX) : 0;
}

uint32_t nl_float_to_uint32(double x) {
    return 0.0 <= x ? (x < 4294967296.0 ? (uint32_t)x : UINT32_MAX) : 0;
}

uint8_t nl_float_to_uint8(double x) { return 0.0 <= x ? (x < 256.0 ? (uint8_t)x : UINT8_MAX) : 0; }

/* ---------------------------------------------------------------- main */

void nl_initialize_runtime(int argc, char **argv) {
    nl_g_argc = argc;
    nl_g_argv = argv;
    setvbuf(stdout, g_stdout_buffer, _IOFBF, sizeof g_stdout_buffer);
}

/* The value of an `initialize x : T ← act` action's result (r owned): an
   error ends the program as an uncaught exception in `main` would. */
nl_object *nl_io_init_value(nl_object *r) {
    if (!nl_io_result_is_ok(r)) {
        nl_io_result_show_error(r);
        nl_dec(r);
        nl_finalize_runtime();
        exit(1);
    }
    nl_object *v = nl_io_result_get_value(r);
    nl_inc(v);
    nl_dec(r);
    return v;
}

void nl_finalize_runtime(void) {
    nl_task_manager_finalize();
#ifdef NLEANJIT_DEBUG
    nl_release_persistent_refs(); /* so that the live count reaches zero */
#endif
    nl_flush_stdout();
}

/* What the thread running `main` needs, and the exit code it leaves. */
typedef struct {
    int argc;
    char **argv;
    void *main_fn;
    bool takes_args, returns_uint32;
    bool guard_stack; /* report a stack overflow as Lean does */
    int code;
} main_call;

/* Stack overflow on main's thread: Lean's message and abort, not a bare
   SIGSEGV.  The handler runs on an alternate stack and recognises a fault
   just below (in the guard page of) the thread's stack; any other fault
   gets the previous handler back and happens again. */
#define NL_ALT_STACK_BYTES (64 << 10)
static char *g_main_stack_lo, *g_main_stack_hi;
static struct sigaction g_old_segv;

static void on_segv(int sig, siginfo_t *info, void *ctx) {
    (void)sig;
    (void)ctx;
    char *addr = (char *)info->si_addr;
    /* Below the stack's low end (its guard page), or inside the stack when
       the stack itself could not grow (the calling thread's stack under a
       low `ulimit -v`). */
    if (g_main_stack_lo && addr < g_main_stack_hi && addr >= g_main_stack_lo - (1 << 20)) {
        static const char msg[] = "Stack overflow detected. Aborting.\n";
        ssize_t ignored = write(2, msg, sizeof msg - 1);
        (void)ignored;
        abort();
    }
    sigaction(SIGSEGV, &g_old_segv, NULL);
}

static void *alt_stack_for_this_thread(void) {
    stack_t ss = {0};
    ss.ss_sp = malloc(NL_ALT_STACK_BYTES);
    ss.ss_size = NL_ALT_STACK_BYTES;
    if (ss.ss_sp && sigaltstack(&ss, NULL) != 0) {
        free(ss.ss_sp);
        return NULL;
    }
    return ss.ss_sp;
}

static void *run_main(void *arg) {
    main_call *c = (main_call *)arg;
    void *alt = NULL;
    pthread_attr_t self;
    if (c->guard_stack && pthread_getattr_np(pthread_self(), &self) == 0) {
        void *lo;
        size_t size;
        if (pthread_attr_getstack(&self, &lo, &size) == 0 && (alt = alt_stack_for_this_thread()) != NULL) {
            g_main_stack_lo = (char *)lo;
            g_main_stack_hi = (char *)lo + size;
        }
        pthread_attr_destroy(&self);
    }
    nl_object *res;
    if (c->takes_args)
        res = ((nl_object * (*)(nl_object *, nl_object *)) c->main_fn)(args_list(c->argc, c->argv), nl_box(0));
    else
        res = ((nl_object * (*)(nl_object *)) c->main_fn)(nl_box(0));
    if (nl_io_result_is_ok(res)) {
        c->code = c->returns_uint32 ? (int)nl_unbox_uint32(nl_io_result_get_value(res)) : 0;
    } else {
        nl_io_result_show_error(res);
        c->code = 1;
    }
    nl_dec(res);
    if (alt) {
        g_main_stack_lo = g_main_stack_hi = NULL;
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
        free(alt);
    }
    return NULL;
}

/* `main` runs on a thread with a big stack (reserved, committed only as used),
   as Lean's executables do: non-tail recursion over a long list or a deep
   tree must not overflow the process's default 8 MB stack.  NL_MAIN_STACK_MB
   overrides the size; 0 runs main on the calling thread. */
#define NL_MAIN_STACK_MB_DEFAULT 1024
#define NL_MAIN_STACK_MIN_BYTES ((size_t)16 << 20)

static size_t main_stack_bytes(void) {
    const char *env = getenv("NL_MAIN_STACK_MB");
    long mb = env && *env ? strtol(env, NULL, 10) : NL_MAIN_STACK_MB_DEFAULT;
    return mb > 0 ? (size_t)mb << 20 : 0;
}

int nl_main(int argc, char **argv, void *main_fn, bool takes_args, bool returns_uint32) {
    nl_initialize_runtime(argc, argv);
    main_call c = {argc, argv, main_fn, takes_args, returns_uint32, true, 1};
    size_t stack = main_stack_bytes();
    pthread_attr_t attr;
    pthread_t th;
    bool threaded = false;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    bool handler = stack && sigaction(SIGSEGV, &sa, &g_old_segv) == 0;
    c.guard_stack = handler;
    /* Under a low `ulimit -v` a 1 GiB stack cannot be reserved: halve it
       until it can, rather than fall back to the 8 MB process stack. */
    for (; stack && !threaded; stack = stack / 2 >= NL_MAIN_STACK_MIN_BYTES ? stack / 2 : 0) {
        if (pthread_attr_init(&attr) != 0) break;
        threaded = pthread_attr_setstacksize(&attr, stack) == 0 && pthread_create(&th, &attr, run_main, &c) == 0;
        pthread_attr_destroy(&attr);
    }
    if (threaded) {
        pthread_join(th, NULL);
    } else {  /* no thread: run where we are, still reporting an overflow */
        run_main(&c);
    }
    if (handler) sigaction(SIGSEGV, &g_old_segv, NULL);
    nl_finalize_runtime();
    return c.code;
}
