/*
 * nat.c -- arbitrary-precision Nat and Int.
 *
 * Small values are tagged scalars (Nat: box(n) for n < 2^63; Int: the
 * two's-complement value shifted left by one for -2^62 <= i < 2^62), so the
 * common case never allocates; the inline fast paths live in nl_runtime.h.
 * Everything else goes through `big`, a sign-magnitude temporary of 64-bit
 * limbs, and comes back normalised: a value that fits a scalar is always a
 * scalar, so equality of representations is equality of numbers.
 *
 * The limb kernels are our own (schoolbook multiplication, Knuth's
 * algorithm D for division).  When built with NL_USE_GMP (build.py defines
 * it when gmp.h and libgmp are found) multiplication, division and decimal
 * conversion call GMP's mpn layer instead, on the same limb arrays.
 */
#include <math.h>
#include <stdio.h>

#include "nl_internal.h"

#ifdef NL_USE_GMP
#include <gmp.h>
_Static_assert(GMP_LIMB_BITS == 64, "nleanjit expects 64-bit GMP limbs");
#endif

typedef unsigned __int128 u128;
typedef __int128 i128;

/* ---------------------------------------------------------------- big */

typedef struct {
    uint64_t *d; /* limbs, least significant first; NULL when n == 0 */
    size_t n;    /* limbs in use; d[n-1] != 0 */
    int sign;    /* +1 or -1; zero is n == 0 with sign +1 */
} big;

static uint64_t *limbs_alloc(size_t n) {
    uint64_t *p = calloc(n ? n : 1, sizeof(uint64_t));
    if (!p) nl_internal_panic_out_of_memory();
    return p;
}

static void big_trim(big *a) {
    while (a->n > 0 && a->d[a->n - 1] == 0) a->n--;
    if (a->n == 0) a->sign = 1;
}

static big big_with_capacity(size_t n) {
    big r = {limbs_alloc(n), n, 1};
    return r;
}

static big big_from_u64(uint64_t v, int sign) {
    big r = big_with_capacity(1);
    r.d[0] = v;
    r.sign = sign;
    big_trim(&r);
    return r;
}

static void big_free(big *a) {
    free(a->d);
    a->d = NULL;
    a->n = 0;
}

static big big_copy_mpz(nl_object *o) {
    nl_mpz_object *m = (nl_mpz_object *)o;
    big r = big_with_capacity(m->size);
    memcpy(r.d, m->limbs, m->size * sizeof(uint64_t));
    r.sign = m->sign;
    return r;
}

static big big_of_nat(nl_object *o) {
    return nl_is_scalar(o) ? big_from_u64(nl_unbox(o), 1) : big_copy_mpz(o);
}

static big big_of_int(nl_object *o) {
    if (!nl_is_scalar(o)) return big_copy_mpz(o);
    int64_t v = nl_int_unbox_small(o);
    return v < 0 ? big_from_u64((uint64_t)(-v), -1) : big_from_u64((uint64_t)v, 1);
}

static nl_object *mpz_object_of(const big *a) {
    nl_mpz_object *m = (nl_mpz_object *)nl_alloc_object(sizeof(nl_mpz_object) + a->n * sizeof(uint64_t));
    m->hdr.tag = NL_TAG_MPZ;
    m->sign = a->sign;
    m->pad = 0;
    m->size = a->n;
    memcpy(m->limbs, a->d, a->n * sizeof(uint64_t));
    return (nl_object *)m;
}

/* Consumes a (must be >= 0) and returns the canonical Nat. */
static nl_object *big_to_nat(big *a) {
    big_trim(a);
    nl_object *r;
    if (a->n == 0) r = nl_box(0);
    else if (a->n == 1 && a->d[0] <= NL_MAX_SMALL_NAT) r = nl_box(a->d[0]);
    else r = mpz_object_of(a);
    big_free(a);
    return r;
}

/* Consumes a and returns the canonical Int. */
static nl_object *big_to_int(big *a) {
    big_trim(a);
    nl_object *r;
    if (a->n == 0) r = nl_int_box_small(0);
    else if (a->n == 1 && a->sign > 0 && a->d[0] <= (uint64_t)NL_MAX_SMALL_INT)
        r = nl_int_box_small((int64_t)a->d[0]);
    else if (a->n == 1 && a->sign < 0 && a->d[0] <= (uint64_t)1 << 62)
        r = nl_int_box_small(-(int64_t)a->d[0]);
    else r = mpz_object_of(a);
    big_free(a);
    return r;
}

/* ---------------------------------------------------------------- magnitudes */

static int mag_cmp(const uint64_t *a, size_t an, const uint64_t *b, size_t bn) {
    if (an != bn) return an < bn ? -1 : 1;
    for (size_t i = an; i-- > 0;)
        if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
    return 0;
}

/* |a| + |b| */
static big mag_add(const big *a, const big *b) {
    if (a->n < b->n) { const big *t = a; a = b; b = t; }
    big r = big_with_capacity(a->n + 1);
    uint64_t carry = 0;
    for (size_t i = 0; i < a->n; i++) {
        u128 s = (u128)a->d[i] + (i < b->n ? b->d[i] : 0) + carry;
        r.d[i] = (uint64_t)s;
        carry = (uint64_t)(s >> 64);
    }
    r.d[a->n] = carry;
    big_trim(&r);
    return r;
}

/* |a| - |b|, requires |a| >= |b| */
static big mag_sub(const big *a, const big *b) {
    big r = big_with_capacity(a->n);
    uint64_t borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t y = i < b->n ? b->d[i] : 0;
        uint64_t x = a->d[i];
        uint64_t t = x - y - borrow;
        borrow = (x < y) || (x - y < borrow);
        r.d[i] = t;
    }
    big_trim(&r);
    return r;
}

static big mag_mul(const big *a, const big *b) {
    if (a->n == 0 || b->n == 0) return big_from_u64(0, 1);
    big r = big_with_capacity(a->n + b->n);
#ifdef NL_USE_GMP
    if (a->n >= b->n) mpn_mul((mp_ptr)r.d, (mp_srcptr)a->d, a->n, (mp_srcptr)b->d, b->n);
    else mpn_mul((mp_ptr)r.d, (mp_srcptr)b->d, b->n, (mp_srcptr)a->d, a->n);
#else
    for (size_t i = 0; i < a->n; i++) {
        uint64_t carry = 0;
        uint64_t x = a->d[i];
        if (x == 0) continue;
        for (size_t j = 0; j < b->n; j++) {
            u128 p = (u128)x * b->d[j] + r.d[i + j] + carry;
            r.d[i + j] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
        r.d[i + b->n] = carry;
    }
#endif
    big_trim(&r);
    return r;
}

/* |a| divided by the single limb v: quotient returned, remainder in *rem. */
static big mag_divmod_limb(const big *a, uint64_t v, uint64_t *rem) {
    big q = big_with_capacity(a->n);
    u128 r = 0;
    for (size_t i = a->n; i-- > 0;) {
        u128 cur = (r << 64) | a->d[i];
        q.d[i] = (uint64_t)(cur / v);
        r = cur % v;
    }
    *rem = (uint64_t)r;
    big_trim(&q);
    return q;
}

/* Truncating division of magnitudes: q = |a| / |b|, r = |a| % |b|, b != 0. */
static void mag_divmod(const big *a, const big *b, big *q, big *r) {
    if (mag_cmp(a->d, a->n, b->d, b->n) < 0) {
        *q = big_from_u64(0, 1);
        *r = big_with_capacity(a->n);
        memcpy(r->d, a->d, a->n * sizeof(uint64_t));
        r->n = a->n;
        return;
    }
    if (b->n == 1) {
        uint64_t rem;
        *q = mag_divmod_limb(a, b->d[0], &rem);
        *r = big_from_u64(rem, 1);
        return;
    }
    size_t n = b->n, m = a->n - b->n;
    *q = big_with_capacity(m + 1);
    *r = big_with_capacity(n);
#ifdef NL_USE_GMP
    mpn_tdiv_qr((mp_ptr)q->d, (mp_ptr)r->d, 0, (mp_srcptr)a->d, a->n, (mp_srcptr)b->d, n);
#else
    /* Knuth, TAOCP vol. 2, 4.3.1, algorithm D, with 64-bit digits. */
    int s = __builtin_clzll(b->d[n - 1]);
    uint64_t *vn = limbs_alloc(n), *un = limbs_alloc(a->n + 1);
    for (size_t i = n - 1; i > 0; i--)
        vn[i] = (b->d[i] << s) | (s ? b->d[i - 1] >> (64 - s) : 0);
    vn[0] = b->d[0] << s;
    un[a->n] = s ? a->d[a->n - 1] >> (64 - s) : 0;
    for (size_t i = a->n - 1; i > 0; i--)
        un[i] = (a->d[i] << s) | (s ? a->d[i - 1] >> (64 - s) : 0);
    un[0] = a->d[0] << s;
    for (size_t j = m + 1; j-- > 0;) {
        u128 num = ((u128)un[j + n] << 64) | un[j + n - 1];
        u128 qhat = num / vn[n - 1];
        u128 rhat = num % vn[n - 1];
        while (qhat >> 64 || qhat * vn[n - 2] > ((rhat << 64) | un[j + n - 2])) {
            qhat--;
            rhat += vn[n - 1];
            if (rhat >> 64) break;
        }
        /* un[j .. j+n] -= qhat * vn */
        i128 k = 0, t;
        for (size_t i = 0; i < n; i++) {
            u128 p = qhat * vn[i];
            t = (i128)un[i + j] - k - (i128)(uint64_t)p;
            un[i + j] = (uint64_t)t;
            k = (i128)(uint64_t)(p >> 64) - (t >> 64);
        }
        t = (i128)un[j + n] - k;
        un[j + n] = (uint64_t)t;
        q->d[j] = (uint64_t)qhat;
        if (t < 0) { /* qhat was one too large: add back */
            q->d[j]--;
            uint64_t carry = 0;
            for (size_t i = 0; i < n; i++) {
                u128 sum = (u128)un[i + j] + vn[i] + carry;
                un[i + j] = (uint64_t)sum;
                carry = (uint64_t)(sum >> 64);
            }
            un[j + n] += carry;
        }
    }
    for (size_t i = 0; i < n; i++)
        r->d[i] = (un[i] >> s) | (s ? un[i + 1] << (64 - s) : 0);
    free(vn);
    free(un);
#endif
    big_trim(q);
    big_trim(r);
}

static big mag_shl(const big *a, uint64_t s) {
    if (a->n == 0) return big_from_u64(0, 1);
    size_t limbs = s / 64;
    unsigned bits = s % 64;
    big r = big_with_capacity(a->n + limbs + 1);
    for (size_t i = 0; i < a->n; i++) {
        r.d[i + limbs] |= a->d[i] << bits;
        if (bits) r.d[i + limbs + 1] = a->d[i] >> (64 - bits);
    }
    r.sign = a->sign;
    big_trim(&r);
    return r;
}

static big mag_shr(const big *a, uint64_t s) {
    size_t limbs = s / 64;
    unsigned bits = s % 64;
    if (limbs >= a->n) return big_from_u64(0, 1);
    big r = big_with_capacity(a->n - limbs);
    for (size_t i = 0; i < r.n; i++) {
        uint64_t lo = a->d[i + limbs] >> bits;
        uint64_t hi = (bits && i + limbs + 1 < a->n) ? a->d[i + limbs + 1] << (64 - bits) : 0;
        r.d[i] = lo | hi;
    }
    big_trim(&r);
    return r;
}

/* ---------------------------------------------------------------- signed */

static big big_add(const big *a, const big *b) {
    if (a->sign == b->sign) {
        big r = mag_add(a, b);
        r.sign = r.n ? a->sign : 1;
        return r;
    }
    int c = mag_cmp(a->d, a->n, b->d, b->n);
    if (c == 0) return big_from_u64(0, 1);
    big r = c > 0 ? mag_sub(a, b) : mag_sub(b, a);
    r.sign = c > 0 ? a->sign : b->sign;
    return r;
}

static big big_neg_view(const big *a) {
    big r = *a;
    if (r.n) r.sign = -r.sign;
    return r;
}

static big big_mul(const big *a, const big *b) {
    big r = mag_mul(a, b);
    if (r.n) r.sign = a->sign * b->sign;
    return r;
}

/* Truncated division: q rounds toward zero, r has the sign of a. */
static void big_tdivmod(const big *a, const big *b, big *q, big *r) {
    mag_divmod(a, b, q, r);
    if (q->n) q->sign = a->sign * b->sign;
    if (r->n) r->sign = a->sign;
}

static int big_cmp(const big *a, const big *b) {
    if (a->sign != b->sign) return a->sign < b->sign ? -1 : 1;
    int c = mag_cmp(a->d, a->n, b->d, b->n);
    return a->sign > 0 ? c : -c;
}

/* ---------------------------------------------------------------- Nat */

nl_object *nl_nat_big_of_u64(uint64_t n) {
    big a = big_from_u64(n, 1);
    return big_to_nat(&a);
}

nl_object *nl_nat_of_u64(uint64_t n) { return n <= NL_MAX_SMALL_NAT ? nl_box(n) : nl_nat_big_of_u64(n); }

uint64_t nl_nat_to_u64_wrap(nl_object *n) {
    if (nl_is_scalar(n)) return nl_unbox(n);
    return ((nl_mpz_object *)n)->limbs[0];
}

nl_object *nl_mpz_normalize_nat(nl_object *o) {
    big a = big_copy_mpz(o);
    nl_dec(o);
    return big_to_nat(&a);
}

double nl_mpz_to_double(nl_object *o) {
    /* Correctly rounded: the top 64 bits with a sticky bit for the rest are
       converted by the hardware (round to nearest even), then scaled. */
    nl_mpz_object *m = (nl_mpz_object *)o;
    size_t n = m->size;
    uint64_t top = m->limbs[n - 1];
    int lz = __builtin_clzll(top);
    uint64_t next = n >= 2 ? m->limbs[n - 2] : 0;
    uint64_t bits = lz ? (top << lz) | (next >> (64 - lz)) : top;
    bool sticky = lz ? (next << lz) != 0 : next != 0;
    for (size_t i = 0; !sticky && i + 2 < n; i++) sticky = m->limbs[i] != 0;
    if (sticky) bits |= 1;
    long exponent = (long)(64 * (n - 1)) - lz; /* value = bits * 2^exponent */
    double r = ldexp((double)bits, (int)(exponent > 4096 ? 4096 : exponent));
    return m->sign < 0 ? -r : r;
}

#define NAT_BINOP(name, body)                           \
    nl_object *name(nl_object *x, nl_object *y) {       \
        big a = big_of_nat(x), b = big_of_nat(y);       \
        big r = body;                                   \
        big_free(&a);                                   \
        big_free(&b);                                   \
        return big_to_nat(&r);                          \
    }

NAT_BINOP(nl_nat_big_add, mag_add(&a, &b))
NAT_BINOP(nl_nat_big_mul, mag_mul(&a, &b))

nl_object *nl_nat_big_sub(nl_object *x, nl_object *y) {
    big a = big_of_nat(x), b = big_of_nat(y);
    nl_object *r;
    if (mag_cmp(a.d, a.n, b.d, b.n) <= 0) {
        r = nl_box(0);
    } else {
        big d = mag_sub(&a, &b);
        r = big_to_nat(&d);
    }
    big_free(&a);
    big_free(&b);
    return r;
}

nl_object *nl_nat_div(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        size_t b = nl_unbox(y);
        return nl_box(b == 0 ? 0 : nl_unbox(x) / b);
    }
    big a = big_of_nat(x), b = big_of_nat(y);
    nl_object *res;
    if (b.n == 0) {
        res = nl_box(0);
    } else {
        big q, r;
        mag_divmod(&a, &b, &q, &r);
        big_free(&r);
        res = big_to_nat(&q);
    }
    big_free(&a);
    big_free(&b);
    return res;
}

nl_object *nl_nat_mod(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        size_t b = nl_unbox(y);
        return nl_box(b == 0 ? nl_unbox(x) : nl_unbox(x) % b);
    }
    big a = big_of_nat(x), b = big_of_nat(y);
    nl_object *res;
    if (b.n == 0) {
        nl_inc(x);
        res = x;
    } else {
        big q, r;
        mag_divmod(&a, &b, &q, &r);
        big_free(&q);
        res = big_to_nat(&r);
    }
    big_free(&a);
    big_free(&b);
    return res;
}

static uint64_t exponent_of(nl_object *e) {
    if (!nl_is_scalar(e)) nl_internal_panic("Nat.pow exponent is too big");
    return nl_unbox(e);
}

static big big_pow(const big *base, uint64_t e) {
    big result = big_from_u64(1, 1);
    big b = big_with_capacity(base->n);
    memcpy(b.d, base->d, base->n * sizeof(uint64_t));
    b.n = base->n;
    b.sign = base->sign;
    while (e > 0) {
        if (e & 1) {
            big t = big_mul(&result, &b);
            big_free(&result);
            result = t;
        }
        e >>= 1;
        if (e) {
            big t = big_mul(&b, &b);
            big_free(&b);
            b = t;
        }
    }
    big_free(&b);
    return result;
}

nl_object *nl_nat_pow(nl_object *x, nl_object *e) {
    if (nl_is_scalar(x) && nl_unbox(x) <= 1) return nl_is_scalar(e) && nl_unbox(e) == 0 ? nl_box(1) : x;
    big a = big_of_nat(x);
    big r = big_pow(&a, exponent_of(e));
    big_free(&a);
    return big_to_nat(&r);
}

nl_object *nl_nat_gcd(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        size_t a = nl_unbox(x), b = nl_unbox(y);
        while (b) { size_t t = a % b; a = b; b = t; }
        return nl_box(a);
    }
    big a = big_of_nat(x), b = big_of_nat(y);
    while (b.n) {
        big q, r;
        mag_divmod(&a, &b, &q, &r);
        big_free(&q);
        big_free(&a);
        a = b;
        b = r;
    }
    big_free(&b);
    return big_to_nat(&a);
}

nl_object *nl_nat_log2(nl_object *x) {
    if (nl_is_scalar(x)) {
        size_t v = nl_unbox(x);
        return nl_box(v == 0 ? 0 : 63 - (size_t)__builtin_clzll(v));
    }
    nl_mpz_object *m = (nl_mpz_object *)x;
    return nl_box(64 * (m->size - 1) + 63 - (size_t)__builtin_clzll(m->limbs[m->size - 1]));
}

static big mag_bitwise(const big *a, const big *b, char op) {
    size_t n = a->n > b->n ? a->n : b->n;
    big r = big_with_capacity(n);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = i < a->n ? a->d[i] : 0, y = i < b->n ? b->d[i] : 0;
        r.d[i] = op == '&' ? (x & y) : op == '|' ? (x | y) : (x ^ y);
    }
    big_trim(&r);
    return r;
}

nl_object *nl_nat_land(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) return nl_box(nl_unbox(x) & nl_unbox(y));
    big a = big_of_nat(x), b = big_of_nat(y);
    big r = mag_bitwise(&a, &b, '&');
    big_free(&a); big_free(&b);
    return big_to_nat(&r);
}

nl_object *nl_nat_lor(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) return nl_box(nl_unbox(x) | nl_unbox(y));
    big a = big_of_nat(x), b = big_of_nat(y);
    big r = mag_bitwise(&a, &b, '|');
    big_free(&a); big_free(&b);
    return big_to_nat(&r);
}

nl_object *nl_nat_xor(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) return nl_box(nl_unbox(x) ^ nl_unbox(y));
    big a = big_of_nat(x), b = big_of_nat(y);
    big r = mag_bitwise(&a, &b, '^');
    big_free(&a); big_free(&b);
    return big_to_nat(&r);
}

nl_object *nl_nat_shiftl(nl_object *x, nl_object *s) {
    if (nl_is_scalar(x) && nl_unbox(x) == 0) return nl_box(0);
    if (!nl_is_scalar(s)) nl_internal_panic("Nat.shiftLeft amount is too big");
    big a = big_of_nat(x);
    big r = mag_shl(&a, nl_unbox(s));
    big_free(&a);
    return big_to_nat(&r);
}

nl_object *nl_nat_shiftr(nl_object *x, nl_object *s) {
    if (!nl_is_scalar(s)) return nl_box(0);
    size_t k = nl_unbox(s);
    if (nl_is_scalar(x)) return nl_box(k >= 64 ? 0 : nl_unbox(x) >> k);
    big a = big_of_nat(x);
    big r = mag_shr(&a, k);
    big_free(&a);
    return big_to_nat(&r);
}

static int nat_cmp(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        size_t a = nl_unbox(x), b = nl_unbox(y);
        return a < b ? -1 : a > b;
    }
    if (nl_is_scalar(x)) return -1; /* canonical: a big Nat exceeds every scalar */
    if (nl_is_scalar(y)) return 1;
    nl_mpz_object *a = (nl_mpz_object *)x, *b = (nl_mpz_object *)y;
    return mag_cmp(a->limbs, a->size, b->limbs, b->size);
}

bool nl_nat_eq(nl_object *x, nl_object *y) { return nat_cmp(x, y) == 0; }
bool nl_nat_lt(nl_object *x, nl_object *y) { return nat_cmp(x, y) < 0; }
bool nl_nat_le(nl_object *x, nl_object *y) { return nat_cmp(x, y) <= 0; }

nl_object *nl_nat_succ(nl_object *x) { return nl_nat_add(x, nl_box(1)); }
nl_object *nl_nat_pred(nl_object *x) { return nl_nat_sub(x, nl_box(1)); }

/* ---------------------------------------------------------------- decimal */

#define TEN19 10000000000000000000ULL

/* Decimal digits of |a| (no sign), malloc'd and NUL-terminated. */
static char *big_to_decimal(const big *a, size_t *out_len) {
    if (a->n == 0) {
        char *s = malloc(2);
        if (!s) nl_internal_panic_out_of_memory();
        s[0] = '0'; s[1] = 0;
        *out_len = 1;
        return s;
    }
#ifdef NL_USE_GMP
    size_t cap = mpn_sizeinbase((mp_srcptr)a->d, a->n, 10) + 2;
    unsigned char *digits = malloc(cap);
    if (!digits) nl_internal_panic_out_of_memory();
    uint64_t *tmp = limbs_alloc(a->n + 1); /* mpn_get_str clobbers its input */
    memcpy(tmp, a->d, a->n * sizeof(uint64_t));
    size_t len = mpn_get_str(digits, 10, (mp_ptr)tmp, a->n);
    free(tmp);
    size_t skip = 0;
    while (skip + 1 < len && digits[skip] == 0) skip++;
    char *s = malloc(len - skip + 1);
    if (!s) nl_internal_panic_out_of_memory();
    for (size_t i = skip; i < len; i++) s[i - skip] = (char)('0' + digits[i]);
    s[len - skip] = 0;
    free(digits);
    *out_len = len - skip;
    return s;
#else
    /* Peel 19 digits at a time with single-limb divisions. */
    size_t max_chunks = a->n * 20 / 19 + 2;
    uint64_t *chunks = limbs_alloc(max_chunks);
    size_t nchunks = 0;
    big cur = big_with_capacity(a->n);
    memcpy(cur.d, a->d, a->n * sizeof(uint64_t));
    cur.n = a->n;
    while (cur.n) {
        uint64_t rem;
        big q = mag_divmod_limb(&cur, TEN19, &rem);
        big_free(&cur);
        cur = q;
        chunks[nchunks++] = rem;
    }
    big_free(&cur);
    char *s = malloc(nchunks * 19 + 2);
    if (!s) nl_internal_panic_out_of_memory();
    int len = sprintf(s, "%llu", (unsigned long long)chunks[nchunks - 1]);
    for (size_t i = nchunks - 1; i-- > 0;) len += sprintf(s + len, "%019llu", (unsigned long long)chunks[i]);
    free(chunks);
    *out_len = (size_t)len;
    return s;
#endif
}

static nl_object *big_to_string(const big *a) {
    size_t len;
    char *digits = big_to_decimal(a, &len);
    nl_object *r;
    if (a->sign < 0 && a->n) {
        char *s = malloc(len + 2);
        if (!s) nl_internal_panic_out_of_memory();
        s[0] = '-';
        memcpy(s + 1, digits, len + 1);
        r = nl_mk_string_from_bytes(s, len + 1);
        free(s);
    } else {
        r = nl_mk_string_from_bytes(digits, len);
    }
    free(digits);
    return r;
}

nl_object *nl_nat_to_string(nl_object *x) {
    if (nl_is_scalar(x)) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%zu", nl_unbox(x));
        return nl_mk_string_from_bytes(buf, (size_t)n);
    }
    big a = big_copy_mpz(x);
    nl_object *r = big_to_string(&a);
    big_free(&a);
    return r;
}

nl_object *nl_int_to_string(nl_object *x) {
    if (nl_is_scalar(x)) {
        char buf[24];
        int n = snprintf(buf, sizeof buf, "%lld", (long long)nl_int_unbox_small(x));
        return nl_mk_string_from_bytes(buf, (size_t)n);
    }
    big a = big_copy_mpz(x);
    nl_object *r = big_to_string(&a);
    big_free(&a);
    return r;
}

/* Parses decimal digits into a magnitude; false if empty or a non-digit. */
static bool big_of_decimal(const char *s, big *out) {
    size_t len = strlen(s);
    if (len == 0) return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    big r = big_with_capacity(len / 19 + 2);
    r.n = 0;
    size_t i = 0;
    while (i < len) {
        size_t take = (len - i) % 19 ? (len - i) % 19 : 19;
        if (i > 0) take = 19;
        uint64_t chunk = 0, scale = 1;
        for (size_t k = 0; k < take; k++) {
            chunk = chunk * 10 + (uint64_t)(s[i + k] - '0');
            scale *= 10;
        }
        /* r = r * scale + chunk */
        uint64_t carry = chunk;
        for (size_t k = 0; k < r.n; k++) {
            u128 p = (u128)r.d[k] * scale + carry;
            r.d[k] = (uint64_t)p;
            carry = (uint64_t)(p >> 64);
        }
        if (carry) r.d[r.n++] = carry;
        i += take;
    }
    big_trim(&r);
    *out = r;
    return true;
}

nl_object *nl_nat_of_cstr(const char *s) {
    big r;
    if (!big_of_decimal(s, &r)) return NULL;
    return big_to_nat(&r);
}

nl_object *nl_int_of_cstr(const char *s) {
    int sign = 1;
    if (*s == '-') { sign = -1; s++; }
    big r;
    if (!big_of_decimal(s, &r)) return NULL;
    if (r.n) r.sign = sign;
    return big_to_int(&r);
}

/* ---------------------------------------------------------------- Int */

nl_object *nl_int_of_i64(int64_t v) {
    if (v >= NL_MIN_SMALL_INT && v <= NL_MAX_SMALL_INT) return nl_int_box_small(v);
    big a = v < 0 ? big_from_u64((uint64_t)0 - (uint64_t)v, -1) : big_from_u64((uint64_t)v, 1);
    return big_to_int(&a);
}

int64_t nl_int_to_i64_wrap(nl_object *x) {
    if (nl_is_scalar(x)) return nl_int_unbox_small(x);
    nl_mpz_object *m = (nl_mpz_object *)x;
    uint64_t lo = m->limbs[0];
    return (int64_t)(m->sign < 0 ? (uint64_t)0 - lo : lo);
}

nl_object *nl_int_of_nat(nl_object *n) {
    if (nl_is_scalar(n) && nl_unbox(n) <= (size_t)NL_MAX_SMALL_INT)
        return nl_int_box_small((int64_t)nl_unbox(n));
    big a = big_of_nat(n);
    return big_to_int(&a);
}

nl_object *nl_int_neg_succ_of_nat(nl_object *n) {
    big a = big_of_nat(n);
    big one = big_from_u64(1, 1);
    big s = mag_add(&a, &one);
    big_free(&a);
    big_free(&one);
    if (s.n) s.sign = -1;
    return big_to_int(&s);
}

#define INT_BINOP(name, small_expr, body)                                   \
    nl_object *name(nl_object *x, nl_object *y) {                           \
        if (nl_is_scalar(x) && nl_is_scalar(y)) {                           \
            int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);   \
            small_expr;                                                     \
        }                                                                   \
        big a = big_of_int(x), b = big_of_int(y);                           \
        big r = body;                                                       \
        big_free(&a);                                                       \
        big_free(&b);                                                       \
        return big_to_int(&r);                                              \
    }

INT_BINOP(nl_int_add, return nl_int_of_i64(a + b), big_add(&a, &b))
INT_BINOP(nl_int_mul,
          { int64_t r; if (!__builtin_mul_overflow(a, b, &r)) return nl_int_of_i64(r); },
          big_mul(&a, &b))

nl_object *nl_int_sub(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y))
        return nl_int_of_i64(nl_int_unbox_small(x) - nl_int_unbox_small(y));
    big a = big_of_int(x), b = big_of_int(y);
    big nb = big_neg_view(&b);
    big r = big_add(&a, &nb);
    big_free(&a);
    big_free(&b);
    return big_to_int(&r);
}

nl_object *nl_int_neg(nl_object *x) {
    if (nl_is_scalar(x)) return nl_int_of_i64(-nl_int_unbox_small(x));
    big a = big_of_int(x);
    if (a.n) a.sign = -a.sign;
    return big_to_int(&a);
}

enum rounding { ROUND_T, ROUND_E, ROUND_F };

/* Division of Ints with the given rounding; want_q selects quotient or
   remainder.  Division by zero gives quotient 0 and remainder x. */
static nl_object *int_divmod(nl_object *x, nl_object *y, enum rounding mode, bool want_q) {
    big a = big_of_int(x), b = big_of_int(y);
    nl_object *res;
    if (b.n == 0) {
        big_free(&a);
        big_free(&b);
        if (want_q) return nl_int_box_small(0);
        nl_inc(x);
        return x;
    }
    big q, r;
    big_tdivmod(&a, &b, &q, &r);
    bool adjust = false;
    if (r.n) {
        if (mode == ROUND_E) adjust = r.sign < 0;
        else if (mode == ROUND_F) adjust = r.sign != b.sign;
    }
    if (adjust) {
        /* E: r < 0 -> r += |b|, q -= sign(b).  F: r += b, q -= 1. */
        big one = big_from_u64(1, 1);
        int step = mode == ROUND_E ? b.sign : 1;
        big qs = step > 0 ? big_neg_view(&one) : one;
        big nq = big_add(&q, &qs);
        big bb = b;
        if (mode == ROUND_E) bb.sign = 1;
        big nr = big_add(&r, &bb);
        big_free(&one);
        big_free(&q);
        big_free(&r);
        q = nq;
        r = nr;
    }
    if (want_q) { big_free(&r); res = big_to_int(&q); }
    else { big_free(&q); res = big_to_int(&r); }
    big_free(&a);
    big_free(&b);
    return res;
}

nl_object *nl_int_tdiv(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        return nl_int_of_i64(b == 0 ? 0 : a / b);
    }
    return int_divmod(x, y, ROUND_T, true);
}

nl_object *nl_int_tmod(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        return nl_int_of_i64(b == 0 ? a : a % b);
    }
    return int_divmod(x, y, ROUND_T, false);
}

nl_object *nl_int_ediv(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        if (b == 0) return nl_int_box_small(0);
        int64_t q = a / b, r = a % b;
        if (r < 0) q = b > 0 ? q - 1 : q + 1;
        return nl_int_of_i64(q);
    }
    return int_divmod(x, y, ROUND_E, true);
}

nl_object *nl_int_emod(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        if (b == 0) return nl_int_box_small(a);
        int64_t r = a % b;
        if (r < 0) r = b > 0 ? r + b : r - b;
        return nl_int_of_i64(r);
    }
    return int_divmod(x, y, ROUND_E, false);
}

nl_object *nl_int_fdiv(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        if (b == 0) return nl_int_box_small(0);
        int64_t q = a / b, r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) q--;
        return nl_int_of_i64(q);
    }
    return int_divmod(x, y, ROUND_F, true);
}

nl_object *nl_int_fmod(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        if (b == 0) return nl_int_box_small(a);
        int64_t r = a % b;
        if (r != 0 && ((r < 0) != (b < 0))) r += b;
        return nl_int_of_i64(r);
    }
    return int_divmod(x, y, ROUND_F, false);
}

nl_object *nl_int_pow(nl_object *x, nl_object *e) {
    big a = big_of_int(x);
    uint64_t k;
    if (a.n == 1 && a.d[0] == 1) {
        /* (+-1)^e needs only the parity of e, which may be huge. */
        k = nl_is_scalar(e) ? nl_unbox(e) : ((nl_mpz_object *)e)->limbs[0];
        k = (k & 1) ? 1 : 0;
    } else if (a.n == 0) {
        big_free(&a);
        return nl_int_box_small(nl_is_scalar(e) && nl_unbox(e) == 0 ? 1 : 0);
    } else {
        k = exponent_of(e);
    }
    big r = big_pow(&a, k);
    big_free(&a);
    return big_to_int(&r);
}

nl_object *nl_int_nat_abs(nl_object *x) {
    if (nl_is_scalar(x)) {
        int64_t v = nl_int_unbox_small(x);
        return nl_box((size_t)(v < 0 ? -v : v));
    }
    big a = big_of_int(x);
    a.sign = 1;
    return big_to_nat(&a);
}

nl_object *nl_int_to_nat(nl_object *x) {
    if (nl_is_scalar(x)) {
        int64_t v = nl_int_unbox_small(x);
        return nl_box(v < 0 ? 0 : (size_t)v);
    }
    if (((nl_mpz_object *)x)->sign < 0) return nl_box(0);
    big a = big_of_int(x);
    return big_to_nat(&a);
}

int nl_int_sign(nl_object *x) {
    if (nl_is_scalar(x)) {
        int64_t v = nl_int_unbox_small(x);
        return (v > 0) - (v < 0);
    }
    return ((nl_mpz_object *)x)->sign;
}

static int int_cmp(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y)) {
        int64_t a = nl_int_unbox_small(x), b = nl_int_unbox_small(y);
        return (a > b) - (a < b);
    }
    big a = big_of_int(x), b = big_of_int(y);
    int c = big_cmp(&a, &b);
    big_free(&a);
    big_free(&b);
    return c;
}

bool nl_int_eq(nl_object *x, nl_object *y) { return int_cmp(x, y) == 0; }
bool nl_int_lt(nl_object *x, nl_object *y) { return int_cmp(x, y) < 0; }
bool nl_int_le(nl_object *x, nl_object *y) { return int_cmp(x, y) <= 0; }

/* Two's-complement limbs of a (n limbs, sign-extended). */
static uint64_t *twos_complement(const big *a, size_t n) {
    uint64_t *t = limbs_alloc(n);
    memcpy(t, a->d, a->n * sizeof(uint64_t));
    if (a->sign < 0) {
        /* -m = ~(m - 1) */
        for (size_t i = 0; i < n; i++) {
            if (t[i]-- != 0) break;
        }
        for (size_t i = 0; i < n; i++) t[i] = ~t[i];
    }
    return t;
}

static nl_object *int_bitwise(nl_object *x, nl_object *y, char op) {
    big a = big_of_int(x), b = big_of_int(y);
    size_t n = (a.n > b.n ? a.n : b.n) + 1;
    uint64_t *ta = twos_complement(&a, n), *tb = twos_complement(&b, n);
    big r = big_with_capacity(n);
    for (size_t i = 0; i < n; i++)
        r.d[i] = op == '&' ? (ta[i] & tb[i]) : op == '|' ? (ta[i] | tb[i]) : (ta[i] ^ tb[i]);
    if (r.d[n - 1] >> 63) {
        /* negative: magnitude = ~r + 1 */
        for (size_t i = 0; i < n; i++) r.d[i] = ~r.d[i];
        for (size_t i = 0; i < n; i++)
            if (++r.d[i] != 0) break;
        r.sign = -1;
    }
    big_trim(&r);
    free(ta);
    free(tb);
    big_free(&a);
    big_free(&b);
    return big_to_int(&r);
}

nl_object *nl_int_land(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y))
        return nl_int_of_i64(nl_int_unbox_small(x) & nl_int_unbox_small(y));
    return int_bitwise(x, y, '&');
}
nl_object *nl_int_lor(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y))
        return nl_int_of_i64(nl_int_unbox_small(x) | nl_int_unbox_small(y));
    return int_bitwise(x, y, '|');
}
nl_object *nl_int_xor(nl_object *x, nl_object *y) {
    if (nl_is_scalar(x) && nl_is_scalar(y))
        return nl_int_of_i64(nl_int_unbox_small(x) ^ nl_int_unbox_small(y));
    return int_bitwise(x, y, '^');
}

nl_object *nl_int_shiftr(nl_object *x, nl_object *s) {
    int sign = nl_int_sign(x);
    if (!nl_is_scalar(s)) return nl_int_box_small(sign < 0 ? -1 : 0);
    size_t k = nl_unbox(s);
    if (nl_is_scalar(x)) {
        int64_t v = nl_int_unbox_small(x);
        return nl_int_box_small(k >= 63 ? (v < 0 ? -1 : 0) : v >> k);
    }
    big a = big_of_int(x);
    big r;
    if (sign >= 0) {
        r = mag_shr(&a, k);
    } else {
        /* floor(-m / 2^k) = -((m - 1) >> k) - 1 */
        big one = big_from_u64(1, 1);
        big m1 = mag_sub(&a, &one);
        big sh = mag_shr(&m1, k);
        r = mag_add(&sh, &one);
        if (r.n) r.sign = -1;
        big_free(&one);
        big_free(&m1);
        big_free(&sh);
    }
    big_free(&a);
    return big_to_int(&r);
}

nl_object *nl_int_shiftl(nl_object *x, nl_object *s) {
    if (nl_int_sign(x) == 0) return nl_int_box_small(0);
    if (!nl_is_scalar(s)) nl_internal_panic("Int.shiftLeft amount is too big");
    big a = big_of_int(x);
    big r = mag_shl(&a, nl_unbox(s));
    big_free(&a);
    return big_to_int(&r);
}
