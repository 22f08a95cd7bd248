/* String functions on multi-byte UTF-8; prints `key value` lines. */
#include <stdio.h>

#include "nl_runtime.h"

#define SAY(key, fmt, ...) printf(key " " fmt "\n", __VA_ARGS__)

static void say_str(const char *key, nl_object *s) {
    printf("%s [%s]\n", key, nl_string_cstr(s));
    nl_dec(s);
}

int main(void) {
    nl_initialize_runtime(0, NULL);
    nl_object *s = nl_mk_string("h\xc3\xa9llo w\xc3\xb6rld \xf0\x9f\x8e\x89!"); /* héllo wörld 🎉! */
    SAY("sizes", "%zu %zu", nl_string_byte_size(s), nl_string_length(s));
    /* walk by String.Pos: get / next */
    printf("walk");
    for (size_t p = 0; !nl_string_utf8_at_end(s, p); p = nl_string_utf8_next(s, p))
        printf(" %zu:%u", p, nl_string_utf8_get(s, p));
    printf("\n");
    SAY("get_mid_char", "%u %zu", nl_string_utf8_get(s, 2), nl_string_utf8_next(s, 2));
    SAY("get_past_end", "%u %zu", nl_string_utf8_get(s, 100), nl_string_utf8_next(s, 100));
    SAY("prev", "%zu %zu %zu %zu", nl_string_utf8_prev(s, 0), nl_string_utf8_prev(s, 3),
        nl_string_utf8_prev(s, 19), nl_string_utf8_prev(s, 18));
    SAY("get_char_by_index", "%u %u %u", nl_string_get_char(s, 1), nl_string_get_char(s, 12),
        nl_string_get_char(s, 99));
    SAY("codepoint_to_pos", "%zu %zu", nl_string_codepoint_to_pos(s, 12), nl_string_codepoint_to_pos(s, 14));
    say_str("extract", nl_string_utf8_extract(s, 1, 6));
    say_str("extract_mid_end", nl_string_utf8_extract(s, 0, 2));
    say_str("extract_bad_start", nl_string_utf8_extract(s, 2, 6));
    /* push/append in place when unique, copy when shared */
    nl_object *t = nl_mk_string("");
    for (int i = 0; i < 50; i++) t = nl_string_push(t, 0x3bb); /* λ */
    SAY("push", "%zu %zu", nl_string_length(t), nl_string_byte_size(t));
    nl_object *before = t;
    t = nl_string_push(t, 'x');
    nl_object *t2 = nl_string_append(t, s);
    SAY("append_unique", "%d %zu", t2 == before || t2 == t, nl_string_length(t2));
    nl_inc(t2);
    nl_object *t3 = nl_string_push(t2, 0x1F600);
    SAY("push_shared_copies", "%d %zu %zu", t3 != t2, nl_string_length(t2), nl_string_length(t3));
    nl_dec(t2); nl_dec(t3);
    nl_object *self = nl_mk_string("ab\xc3\xa9");
    nl_inc(self);
    say_str("append_self", nl_string_append(self, self));
    nl_dec(self);
    /* set */
    nl_object *u = nl_mk_string("abc");
    u = nl_string_utf8_set(u, 1, 0x20AC); /* € */
    SAY("set", "[%s] %zu %zu", nl_string_cstr(u), nl_string_length(u), nl_string_byte_size(u));
    nl_dec(u);
    /* comparisons and hashing */
    nl_object *x = nl_mk_string("abc"), *y = nl_mk_string("abd"), *z = nl_mk_string("ab"), *w = nl_mk_string("\xc3\xa9");
    nl_object *x2 = nl_mk_string("abc");
    SAY("cmp", "%d %d %d %d %d %d", nl_string_lt(x, y), nl_string_lt(z, x), nl_string_lt(x, z), nl_string_eq(x, x2),
        nl_string_lt(y, w), nl_string_eq(x, y));
    SAY("hash", "%llu %llu %llu", (unsigned long long)nl_string_hash(x), (unsigned long long)nl_string_hash(s),
        (unsigned long long)nl_string_hash(z));
    nl_dec(x); nl_dec(y); nl_dec(z); nl_dec(w); nl_dec(x2);
    /* list conversions, singletons, invalid bytes */
    nl_object *l = nl_string_to_list(s);
    say_str("list_round_trip", nl_string_of_list(l));
    say_str("invalid_bytes", nl_mk_string_from_bytes("a\xff" "b\xc3", 4));
    say_str("singleton", nl_string_singleton(0x10348));
    /* Nat/Int/Float to string */
    nl_object *n = nl_nat_of_cstr("123456789012345678901234567890");
    say_str("nat_repr", nl_nat_to_string(n));
    nl_dec(n);
    say_str("nat_small", nl_nat_to_string(nl_box(0)));
    nl_object *i = nl_int_of_i64(-42);
    say_str("int_repr", nl_int_to_string(i));
    say_str("float", nl_float_to_string(3.14));
    say_str("float_big", nl_float_to_string(1e20));
    say_str("float_special", nl_float_to_string(0.0 / 0.0));
    say_str("float_inf", nl_float_to_string(-1.0 / 0.0));
    nl_object *m = nl_nat_of_cstr("15"), *e = nl_box(1);
    SAY("of_scientific", "%.17g %.17g", nl_float_of_scientific(m, true, e), nl_float_of_scientific(m, false, nl_box(300)));
    nl_dec(m);
    nl_dec(s);
    nl_finalize_runtime();
    SAY("live", "%lld", (long long)nl_debug_live_objects());
    return 0;
}
