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

static nl_object *some(nl_object *v) {
    nl_object *o = nl_alloc_ctor(1, 1, 0);
    nl_ctor_set(o, 0, v);
    return o;
}

/* The IO.Error constructors the runtime produces; the field order follows
   Lean's layout (boxed fields first, then the UInt32 osCode). */
nl_object *nl_io_error_of_errno(int err, const char *filename) {
    nl_object *details = nl_mk_string(strerror(err));
    nl_object *e;
    if (filename && err == ENOENT) {
        e = nl_alloc_ctor(NL_IO_ERROR_NO_FILE, 2, 4);
        nl_ctor_set(e, 0, nl_mk_string(filename));
        nl_ctor_set(e, 1, details);
        nl_ctor_set_uint32(e, 2 * 8, (uint32_t)err);
    } else if (filename && (err == EACCES || err == EPERM || err == EROFS)) {
        e = nl_alloc_ctor(NL_IO_ERROR_PERMISSION_DENIED, 2, 4);
        nl_ctor_set(e, 0, some(nl_mk_string(filename)));
        nl_ctor_set(e, 1, details);
        nl_ctor_set_uint32(e, 2 * 8, (uint32_t)err);
    } else if (filename && (err == EISDIR || err == ENOTDIR)) {
        e = nl_alloc_ctor(NL_IO_ERROR_INAPPROPRIATE_TYPE, 2, 4);
        nl_ctor_set(e, 0, some(nl_mk_string(filename)));
        nl_ctor_set(e, 1, details);
        nl_ctor_set_uint32(e, 2 * 8, (uint32_t)err);
    } else {
        e = nl_alloc_ctor(NL_IO_ERROR_OTHER, 1, 4);
        nl_ctor_set(e, 0, details);
        nl_ctor_set_uint32(e, 8, (uint32_t)err);
    }
    return e;
}

/* Lean's `downCaseFirst`: lower-cases an ASCII first letter. */
static void append_down_case_first(nl_object **out, nl_object *s) {
    const char *c = nl_string_cstr(s);
    if (c[0] >= 'A' && c[0] <= 'Z') {
        *out = nl_string_push(*out, (uint32_t)(c[0] - 'A' + 'a'));
        nl_object *rest = nl_string_utf8_extract(s, 1, nl_string_byte_size(s));
        *out = nl_string_append(*out, rest);
        nl_dec(rest);
    } else {
        *out = nl_string_append(*out, s);
    }
}

/* IO.Error.toString for the constructors above and userError. */
nl_object *nl_io_error_to_string(nl_object *e) {
    unsigned tag = nl_obj_tag(e);
    if (tag == NL_IO_ERROR_USER) {
        nl_object *m = nl_ctor_get(e, 0);
        nl_inc(m);
        return m;
    }
    if (tag == NL_IO_ERROR_EOF) return nl_mk_string("end of file");
    char buf[64];
    nl_object *r = nl_mk_string("");
    if (tag == NL_IO_ERROR_NO_FILE || tag == NL_IO_ERROR_PERMISSION_DENIED ||
        tag == NL_IO_ERROR_INAPPROPRIATE_TYPE) {
        nl_object *file = nl_ctor_get(e, 0);
        if (tag != NL_IO_ERROR_NO_FILE) file = nl_ctor_get(file, 0); /* Option String */
        nl_object *details = nl_ctor_get(e, 1);
        uint32_t code = nl_ctor_get_uint32(e, 16);
        nl_object *gist = tag == NL_IO_ERROR_NO_FILE ? nl_mk_string("no such file or directory")
                          : tag == NL_IO_ERROR_INAPPROPRIATE_TYPE ? nl_mk_string("inappropriate type")
                                                                   : (nl_inc(details), details);
        append_down_case_first(&r, gist);
        nl_dec(gist);
        snprintf(buf, sizeof buf, " (error code: %u", code);
        nl_object *code_text = nl_mk_string(buf);
        r = nl_string_append(r, code_text);
        nl_dec(code_text);
        if (tag == NL_IO_ERROR_INAPPROPRIATE_TYPE) {
            r = nl_string_push(r, ',');
            r = nl_string_push(r, ' ');
            append_down_case_first(&r, details);
        }
        r = nl_string_push(r, ')');
        nl_object *tail = nl_mk_string("\n  file: ");
        r = nl_string_append(r, tail);
        nl_dec(tail);
        r = nl_string_append(r, file);
        return r;
    }
    /* otherError code details: "<details> (error code: <code>)" */
    nl_object *details = nl_ctor_get(e, 0);
    append_down_case_first(&r, details);
    snprintf(buf, sizeof buf, " (error code: %u)", nl_ctor_get_uint32(e, 8));
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
    nl_flush_stdout();
}

int nl_main(int argc, char **argv, void *main_fn, bool takes_args, bool returns_uint32) {
    nl_initialize_runtime(argc, argv);
    nl_object *res;
    if (takes_args)
        res = ((nl_object * (*)(nl_object *, nl_object *)) main_fn)(args_list(argc, argv), nl_box(0));
    else
        res = ((nl_object * (*)(nl_object *)) main_fn)(nl_box(0));
    int code;
    if (nl_io_result_is_ok(res)) {
        code = returns_uint32 ? (int)nl_unbox_uint32(nl_io_result_get_value(res)) : 0;
    } else {
        nl_io_result_show_error(res);
        code = 1;
    }
    nl_dec(res);
    nl_finalize_runtime();
    return code;
}
