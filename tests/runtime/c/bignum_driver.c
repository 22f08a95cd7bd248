/* Reads "op a b" lines from stdin and prints one result line each, so that
   one process checks many Nat/Int cases against Python's integers.
   Nat ops parse a and b as Nat, Int ops (prefix i) as Int. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nl_runtime.h"

static void print_obj(nl_object *s) {
    fwrite(nl_string_cstr(s), 1, nl_string_byte_size(s), stdout);
    nl_dec(s);
}

static void print_nat(nl_object *n) { print_obj(nl_nat_to_string(n)); nl_dec(n); }
static void print_int(nl_object *n) { print_obj(nl_int_to_string(n)); nl_dec(n); }

typedef nl_object *(*binop)(nl_object *, nl_object *);

static const struct { const char *name; binop fn; bool is_int; } OPS[] = {
    {"add", nl_nat_add, false}, {"sub", nl_nat_sub, false}, {"mul", nl_nat_mul, false},
    {"div", nl_nat_div, false}, {"mod", nl_nat_mod, false}, {"pow", nl_nat_pow, false},
    {"gcd", nl_nat_gcd, false}, {"land", nl_nat_land, false}, {"lor", nl_nat_lor, false},
    {"xor", nl_nat_xor, false}, {"shl", nl_nat_shiftl, false}, {"shr", nl_nat_shiftr, false},
    {"iadd", nl_int_add, true}, {"isub", nl_int_sub, true}, {"imul", nl_int_mul, true},
    {"itdiv", nl_int_tdiv, true}, {"itmod", nl_int_tmod, true}, {"iediv", nl_int_ediv, true},
    {"iemod", nl_int_emod, true}, {"ifdiv", nl_int_fdiv, true}, {"ifmod", nl_int_fmod, true},
    {"iland", nl_int_land, true}, {"ilor", nl_int_lor, true}, {"ixor", nl_int_xor, true},
    {"ipow", nl_int_pow, true}, {"ishr", nl_int_shiftr, true}, {"ishl", nl_int_shiftl, true},
};

int main(void) {
    static char line[1 << 16];
    while (fgets(line, sizeof line, stdin)) {
        char op[16], sa[30000], sb[30000];
        if (sscanf(line, "%15s %29999s %29999s", op, sa, sb) != 3) { puts("bad line"); continue; }
        bool second_is_nat = !strcmp(op, "ipow") || !strcmp(op, "ishr") || !strcmp(op, "ishl");
        if (!strcmp(op, "cmp") || !strcmp(op, "icmp")) {
            bool i = op[0] == 'i';
            nl_object *a = i ? nl_int_of_cstr(sa) : nl_nat_of_cstr(sa);
            nl_object *b = i ? nl_int_of_cstr(sb) : nl_nat_of_cstr(sb);
            if (i) printf("%d %d %d\n", nl_int_eq(a, b), nl_int_lt(a, b), nl_int_le(a, b));
            else printf("%d %d %d\n", nl_nat_eq(a, b), nl_nat_lt(a, b), nl_nat_le(a, b));
            nl_dec(a); nl_dec(b);
            continue;
        }
        if (!strcmp(op, "misc")) { /* unary ops on a (Int); b unused */
            nl_object *a = nl_int_of_cstr(sa);
            nl_object *abs = nl_int_nat_abs(a), *tn = nl_int_to_nat(a), *neg = nl_int_neg(a);
            print_nat(abs); putchar(' ');
            print_nat(tn); putchar(' ');
            print_int(neg); putchar(' ');
            nl_object *l2 = nl_nat_log2(abs = nl_int_nat_abs(a));
            print_nat(l2); nl_dec(abs);
            nl_object *n = nl_int_nat_abs(a);
            printf(" %.17g %d", nl_float_of_nat(n), nl_int_sign(a));
            nl_object *back = nl_int_of_nat(n);
            nl_object *ns = nl_int_neg_succ_of_nat(n);
            putchar(' '); print_int(back);
            putchar(' '); print_int(ns);
            printf(" %llu %lld\n", (unsigned long long)nl_nat_to_u64_wrap(n), (long long)nl_int_to_i64_wrap(a));
            nl_dec(n); nl_dec(a);
            continue;
        }
        size_t k;
        for (k = 0; k < sizeof OPS / sizeof OPS[0]; k++)
            if (!strcmp(op, OPS[k].name)) break;
        if (k == sizeof OPS / sizeof OPS[0]) { puts("unknown op"); continue; }
        nl_object *a = OPS[k].is_int ? nl_int_of_cstr(sa) : nl_nat_of_cstr(sa);
        nl_object *b = OPS[k].is_int && !second_is_nat ? nl_int_of_cstr(sb) : nl_nat_of_cstr(sb);
        if (!a || !b) { puts("parse error"); continue; }
        nl_object *r = OPS[k].fn(a, b);
        if (OPS[k].is_int) print_int(r); else print_nat(r);
        putchar('\n');
        nl_dec(a); nl_dec(b);
    }
    long long live = (long long)nl_debug_live_objects();
    printf("live %lld\n", live);
    return 0;
}
