/* A compiled `main (args : List String) : IO UInt32` written by hand, run
   through nl_main.  The first argument picks a scenario. */
#include <stdio.h>
#include <string.h>

#include "nl_runtime.h"

static nl_object *str(const char *s) { return nl_mk_string(s); }

/* println that releases its argument and the unit result */
static void println(nl_object *s) {
    nl_dec(nl_io_put_str_ln(s, nl_io_mk_world()));
    nl_dec(s);
}

static nl_object *user_main(nl_object *args, nl_object *w) {
    const char *mode = nl_is_scalar(args) ? "" : nl_string_cstr(nl_ctor_get(args, 0));
    nl_object *n = nl_box(0);
    for (nl_object *it = args; !nl_is_scalar(it); it = nl_ctor_get(it, 1)) {
        nl_object *line = str("arg: ");
        line = nl_string_append(line, nl_ctor_get(it, 0));
        println(line);
        n = nl_nat_add(n, nl_box(1));
    }
    if (!strcmp(mode, "fail")) {
        nl_dec(args);
        return nl_io_result_mk_error(nl_mk_io_user_error(str("boom: something went wrong")));
    }
    if (!strcmp(mode, "missing")) {
        nl_object *r = nl_io_read_file(nl_ctor_get(nl_ctor_get(args, 1), 0), w);
        nl_dec(args);
        return r; /* the error propagates out of main */
    }
    if (!strcmp(mode, "exit7")) {
        println(str("before exit"));
        nl_dec(args);
        nl_io_exit(7, w);
    }
    if (!strcmp(mode, "echo")) {
        for (int i = 1;; i++) {
            nl_object *r = nl_io_get_line(w);
            nl_object *line = nl_io_result_get_value(r);
            if (nl_string_byte_size(line) == 0) { nl_dec(r); break; }
            char buf[32];
            snprintf(buf, sizeof buf, "%d: ", i);
            nl_object *out = str(buf);
            out = nl_string_append(out, line);
            nl_dec(nl_io_put_str(out, w));
            nl_dec(out);
            nl_dec(r);
        }
    }
    if (!strcmp(mode, "files")) {
        nl_object *path = nl_ctor_get(nl_ctor_get(args, 1), 0);
        nl_object *content = str("line one\nzwei \xc3\xbc\n");
        nl_dec(nl_io_write_file(path, content, w));
        nl_dec(nl_io_append_file(path, content, w));
        nl_dec(content);
        nl_object *r = nl_io_read_file(path, w);
        nl_object *text = nl_io_result_get_value(r);
        nl_object *len = nl_nat_to_string(nl_usize_to_nat(nl_string_length(text)));
        println(len);
        nl_dec(nl_io_put_str(text, w));
        nl_dec(r);
        nl_object *ex = nl_io_file_exists(path, w);
        printf("exists %zu\n", nl_unbox(nl_io_result_get_value(ex)));
        nl_dec(ex);
        nl_object *bin = nl_io_read_bin_file(path, w);
        printf("bytes %zu\n", nl_sarray_size(nl_io_result_get_value(bin)));
        nl_dec(bin);
        nl_dec(nl_io_remove_file(path, w));
        nl_object *gone = str("/nonexistent-dir/nope.txt");
        nl_object *err = nl_io_read_file(gone, w);
        nl_object *msg = nl_io_error_to_string(nl_io_result_get_error(err));
        printf("error [%s] %d\n", nl_string_cstr(msg), nl_io_result_is_error(err));
        nl_dec(msg); nl_dec(err); nl_dec(gone);
        nl_object *dir = str("/");
        err = nl_io_read_file(dir, w);
        msg = nl_io_error_to_string(nl_io_result_get_error(err));
        printf("dir_error [%s]\n", nl_string_cstr(msg));
        nl_dec(msg); nl_dec(err); nl_dec(dir);
    }
    if (!strcmp(mode, "panic")) {
        nl_object *v = nl_panic_at(nl_box(5), "Main", "Main.pred", 3, 14, "No pred for 0");
        printf("after panic %zu\n", nl_unbox(v));
        nl_object *arr = nl_mk_empty_array();
        nl_object *d = nl_array_get(nl_box(9), arr, 3);
        printf("after oob %zu\n", nl_unbox(d));
        nl_dec(arr);
    }
    if (!strcmp(mode, "time")) {
        nl_object *a = nl_io_mono_nanos_now(w), *b = nl_io_mono_nanos_now(w);
        printf("time %d\n", nl_nat_le(nl_io_result_get_value(a), nl_io_result_get_value(b)) &&
                            nl_nat_lt(nl_box(0), nl_io_result_get_value(a)));
        nl_dec(a); nl_dec(b);
        nl_object *g = nl_io_get_args(w);
        nl_object *first = nl_ctor_get(nl_io_result_get_value(g), 0);
        printf("getArgs %s\n", nl_string_cstr(first));
        nl_dec(g);
    }
    if (!strcmp(mode, "sleep_random")) {
        uint64_t t0 = nl_mono_nanos();
        nl_dec(nl_io_sleep(30, w));
        printf("slept_ms_at_least_30 %d\n", nl_mono_nanos() - t0 >= 30000000ULL);
        nl_object *ms0 = nl_io_mono_ms_now(w);
        nl_dec(nl_io_sleep(0, w));
        nl_object *ms1 = nl_io_mono_ms_now(w);
        printf("ms_monotonic %d\n", nl_nat_le(nl_io_result_get_value(ms0), nl_io_result_get_value(ms1)));
        nl_dec(ms0); nl_dec(ms1);
        nl_object *r1 = nl_io_get_random_bytes(64, w), *r2 = nl_io_get_random_bytes(64, w);
        nl_object *b1 = nl_io_result_get_value(r1), *b2 = nl_io_result_get_value(r2);
        printf("random_sizes %zu %zu %d\n", nl_sarray_size(b1), nl_sarray_size(b2), b1->other);
        /* two 512-bit draws are equal or all zero only if the generator is broken */
        int zero = 1;
        for (size_t i = 0; i < 64; i++) zero &= nl_sarray_cptr(b1)[i] == 0;
        printf("random_differ %d %d\n", memcmp(nl_sarray_cptr(b1), nl_sarray_cptr(b2), 64) != 0, !zero);
        nl_dec(r1); nl_dec(r2);
        nl_object *r0 = nl_io_get_random_bytes(0, w);
        printf("random_empty %zu\n", nl_sarray_size(nl_io_result_get_value(r0)));
        nl_dec(r0);
    }
    nl_dec(args);
    fflush(stdout);
    return nl_io_result_mk_ok(n); /* exit code: the number of arguments */
}

int main(int argc, char **argv) {
    int code = nl_main(argc, argv, (void *)user_main, true, true);
    if (getenv("NL_REPORT_LIVE")) fprintf(stderr, "live %lld\n", (long long)nl_debug_live_objects());
    return code;
}
