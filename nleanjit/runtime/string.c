/*
 * string.c -- Lean's String: UTF-8 bytes with a terminating NUL, the byte
 * size and the code-point length cached in the object.  Positions are byte
 * offsets (String.Pos); the `get_char`/`codepoint_to_pos` helpers index by
 * code point.  Strings are valid UTF-8 by construction: the only entry point
 * from raw bytes (nl_mk_string_from_bytes) replaces invalid bytes by U+FFFD.
 * Updates (push, append, set) happen in place when the string is exclusive.
 */
#include "nl_internal.h"

#define LEAN_DEFAULT_CHAR 'A' /* (default : Char) in Lean */

static nl_object *alloc_string(size_t size, size_t capacity, size_t length) {
    nl_string_object *s = (nl_string_object *)nl_alloc_object(sizeof(nl_string_object) + capacity);
    s->hdr.tag = NL_TAG_STRING;
    s->size = size;
    s->capacity = capacity;
    s->length = length;
    return (nl_object *)s;
}

size_t nl_utf8_char_size(uint32_t c) {
    return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
}

size_t nl_utf8_encode(uint32_t c, char *out) {
    unsigned char *o = (unsigned char *)out;
    if (c < 0x80) {
        o[0] = (unsigned char)c;
        return 1;
    }
    if (c < 0x800) {
        o[0] = (unsigned char)(0xC0 | (c >> 6));
        o[1] = (unsigned char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (c >> 12));
        o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (c & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (c >> 18));
    o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (c & 0x3F));
    return 4;
}

static inline bool is_continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

/* Length of the valid UTF-8 sequence at s[i..n), or 0 if it is invalid. */
static size_t valid_sequence_length(const unsigned char *s, size_t i, size_t n) {
    unsigned char b = s[i];
    if (b < 0x80) return 1;
    size_t len;
    uint32_t min, c;
    if ((b & 0xE0) == 0xC0) { len = 2; min = 0x80; c = b & 0x1F; }
    else if ((b & 0xF0) == 0xE0) { len = 3; min = 0x800; c = b & 0x0F; }
    else if ((b & 0xF8) == 0xF0) { len = 4; min = 0x10000; c = b & 0x07; }
    else return 0;
    if (i + len > n) return 0;
    for (size_t k = 1; k < len; k++) {
        if (!is_continuation(s[i + k])) return 0;
        c = (c << 6) | (s[i + k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
    return len;
}

/* Decodes the (valid) character starting at s[i]. */
static uint32_t decode_at(const unsigned char *s, size_t i, size_t *len) {
    unsigned char b = s[i];
    if (b < 0x80) { *len = 1; return b; }
    if ((b & 0xE0) == 0xC0) { *len = 2; return ((uint32_t)(b & 0x1F) << 6) | (s[i + 1] & 0x3F); }
    if ((b & 0xF0) == 0xE0) {
        *len = 3;
        return ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    }
    *len = 4;
    return ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[i + 1] & 0x3F) << 12) |
           ((uint32_t)(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
}

nl_object *nl_mk_string_from_bytes(const char *data, size_t n) {
    const unsigned char *s = (const unsigned char *)data;
    size_t length = 0, out_size = 0;
    bool valid = true;
    for (size_t i = 0; i < n;) {
        size_t len = valid_sequence_length(s, i, n);
        if (len == 0) { valid = false; out_size += 3; i += 1; }
        else { out_size += len; i += len; }
        length++;
    }
    nl_object *r = alloc_string(out_size + 1, out_size + 1, length);
    char *out = ((nl_string_object *)r)->data;
    if (valid) {
        memcpy(out, data, n);
    } else {
        size_t o = 0;
        for (size_t i = 0; i < n;) {
            size_t len = valid_sequence_length(s, i, n);
            if (len == 0) { o += nl_utf8_encode(0xFFFD, out + o); i += 1; }
            else { memcpy(out + o, s + i, len); o += len; i += len; }
        }
    }
    out[out_size] = 0;
    return r;
}

nl_object *nl_mk_string(const char *s) { return nl_mk_string_from_bytes(s, strlen(s)); }

nl_object *nl_string_singleton(uint32_t c) {
    char buf[4];
    size_t n = nl_utf8_encode(c, buf);
    nl_object *r = alloc_string(n + 1, n + 1, 1);
    memcpy(((nl_string_object *)r)->data, buf, n);
    ((nl_string_object *)r)->data[n] = 0;
    return r;
}

/* An exclusive string with room for `extra` more bytes; s owned. */
static nl_object *string_reserve(nl_object *s, size_t extra) {
    nl_string_object *so = (nl_string_object *)s;
    size_t need = so->size + extra;
    if (nl_is_exclusive(s) && need <= so->capacity) return s;
    size_t cap = need <= so->capacity ? so->capacity : need + need / 2 + 8;
    nl_object *r = alloc_string(so->size, cap, so->length);
    memcpy(((nl_string_object *)r)->data, so->data, so->size);
    nl_dec_ref(s);
    return r;
}

nl_object *nl_string_push(nl_object *s, uint32_t c) {
    char buf[4];
    size_t n = nl_utf8_encode(c, buf);
    s = string_reserve(s, n);
    nl_string_object *so = (nl_string_object *)s;
    memcpy(so->data + so->size - 1, buf, n);
    so->size += n;
    so->data[so->size - 1] = 0;
    so->length++;
    return s;
}

nl_object *nl_string_append(nl_object *s, nl_object *t) {
    size_t n = nl_string_byte_size(t);
    size_t tlen = nl_string_length(t);
    if (n == 0) return s;
    /* s and t may be the same object: copy t's bytes after any reallocation
       only if they are distinct, else through the new buffer. */
    if (s == t) {
        nl_inc_ref(t);
        s = string_reserve(s, n);
        nl_string_object *so = (nl_string_object *)s;
        memcpy(so->data + so->size - 1, nl_string_cstr(t), n);
        so->size += n;
        so->data[so->size - 1] = 0;
        so->length += tlen;
        nl_dec_ref(t);
        return s;
    }
    s = string_reserve(s, n);
    nl_string_object *so = (nl_string_object *)s;
    memcpy(so->data + so->size - 1, nl_string_cstr(t), n);
    so->size += n;
    so->data[so->size - 1] = 0;
    so->length += tlen;
    return s;
}

bool nl_string_eq(nl_object *s, nl_object *t) {
    if (s == t) return true;
    size_t n = ((nl_string_object *)s)->size;
    return n == ((nl_string_object *)t)->size && memcmp(nl_string_cstr(s), nl_string_cstr(t), n) == 0;
}

/* Byte order of UTF-8 equals code-point order, so memcmp is Lean's `<`. */
int nl_string_cmp(nl_object *s, nl_object *t) {
    size_t n1 = nl_string_byte_size(s), n2 = nl_string_byte_size(t);
    int c = memcmp(nl_string_cstr(s), nl_string_cstr(t), n1 < n2 ? n1 : n2);
    if (c != 0) return c < 0 ? -1 : 1;
    return n1 < n2 ? -1 : n1 > n2 ? 1 : 0;
}

bool nl_string_lt(nl_object *s, nl_object *t) { return nl_string_cmp(s, t) < 0; }

/* MurmurHash64A with seed 11, the string hash of Lean 4's runtime (before
   its 2025 switch to rapidhash). */
uint64_t nl_string_hash(nl_object *str) {
    const unsigned char *data = (const unsigned char *)nl_string_cstr(str);
    size_t len = nl_string_byte_size(str);
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    const int r = 47;
    uint64_t h = 11 ^ (len * m);
    size_t blocks = len / 8;
    for (size_t i = 0; i < blocks; i++) {
        uint64_t k;
        memcpy(&k, data + 8 * i, 8);
        k *= m;
        k ^= k >> r;
        k *= m;
        h ^= k;
        h *= m;
    }
    const unsigned char *tail = data + 8 * blocks;
    switch (len & 7) {
    case 7: h ^= (uint64_t)tail[6] << 48; /* fall through */
    case 6: h ^= (uint64_t)tail[5] << 40; /* fall through */
    case 5: h ^= (uint64_t)tail[4] << 32; /* fall through */
    case 4: h ^= (uint64_t)tail[3] << 24; /* fall through */
    case 3: h ^= (uint64_t)tail[2] << 16; /* fall through */
    case 2: h ^= (uint64_t)tail[1] << 8;  /* fall through */
    case 1: h ^= (uint64_t)tail[0]; h *= m;
    }
    h ^= h >> r;
    h *= m;
    h ^= h >> r;
    return h;
}

/* Lean's mixHash (lean_uint64_mix_hash), a MurmurHash2-style step. */
uint64_t nl_uint64_mix_hash(uint64_t h, uint64_t k) {
    const uint64_t m = 0xc6a4a7935bd1e995ULL;
    k *= m;
    k ^= k >> 47;
    k ^= m;
    h ^= k;
    h *= m;
    return h;
}

uint32_t nl_string_utf8_get(nl_object *s, size_t pos) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (pos >= size || is_continuation(d[pos])) return LEAN_DEFAULT_CHAR;
    size_t len;
    return decode_at(d, pos, &len);
}

size_t nl_string_utf8_next(nl_object *s, size_t pos) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (pos >= size || is_continuation(d[pos])) return pos + 1; /* size of 'A' */
    size_t len;
    decode_at(d, pos, &len);
    return pos + len;
}

size_t nl_string_utf8_prev(nl_object *s, size_t pos) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (pos == 0) return 0;
    if (pos > size) return pos - 1;
    size_t i = pos - 1;
    while (i > 0 && is_continuation(d[i])) i--;
    return i;
}

bool nl_string_utf8_at_end(nl_object *s, size_t pos) { return pos >= nl_string_byte_size(s); }

nl_object *nl_string_utf8_set(nl_object *s, size_t pos, uint32_t c) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (pos >= size || is_continuation(d[pos])) return s;
    size_t old_len;
    decode_at(d, pos, &old_len);
    char buf[4];
    size_t new_len = nl_utf8_encode(c, buf);
    if (new_len == old_len && nl_is_exclusive(s)) {
        memcpy(((nl_string_object *)s)->data + pos, buf, new_len);
        return s;
    }
    size_t new_size = size - old_len + new_len;
    nl_object *r = alloc_string(new_size + 1, new_size + 1, nl_string_length(s));
    char *o = ((nl_string_object *)r)->data;
    memcpy(o, d, pos);
    memcpy(o + pos, buf, new_len);
    memcpy(o + pos + new_len, d + pos + old_len, size - pos - old_len);
    o[new_size] = 0;
    nl_dec_ref(s);
    return r;
}

static size_t count_code_points(const unsigned char *d, size_t n) {
    size_t k = 0;
    for (size_t i = 0; i < n; i++) k += !is_continuation(d[i]);
    return k;
}

nl_object *nl_string_utf8_extract(nl_object *s, size_t b, size_t e) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (b >= e || b >= size || is_continuation(d[b])) return nl_mk_string("");
    if (e > size) e = size;
    while (e < size && is_continuation(d[e])) e++; /* extend to a boundary */
    size_t n = e - b;
    nl_object *r = alloc_string(n + 1, n + 1, count_code_points(d + b, n));
    memcpy(((nl_string_object *)r)->data, d + b, n);
    ((nl_string_object *)r)->data[n] = 0;
    return r;
}

size_t nl_string_codepoint_to_pos(nl_object *s, size_t idx) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    if (nl_string_length(s) == size) return idx < size ? idx : size; /* ASCII */
    size_t pos = 0;
    while (idx > 0 && pos < size) {
        pos++;
        while (pos < size && is_continuation(d[pos])) pos++;
        idx--;
    }
    return pos;
}

uint32_t nl_string_get_char(nl_object *s, size_t idx) {
    if (idx >= nl_string_length(s)) return LEAN_DEFAULT_CHAR;
    return nl_string_utf8_get(s, nl_string_codepoint_to_pos(s, idx));
}

nl_object *nl_string_of_list(nl_object *chars) {
    size_t bytes = 0, length = 0;
    for (nl_object *it = chars; !nl_is_scalar(it); it = nl_ctor_get(it, 1)) {
        bytes += nl_utf8_char_size((uint32_t)nl_unbox(nl_ctor_get(it, 0)));
        length++;
    }
    nl_object *r = alloc_string(bytes + 1, bytes + 1, length);
    char *o = ((nl_string_object *)r)->data;
    for (nl_object *it = chars; !nl_is_scalar(it); it = nl_ctor_get(it, 1))
        o += nl_utf8_encode((uint32_t)nl_unbox(nl_ctor_get(it, 0)), o);
    *o = 0;
    nl_dec(chars);
    return r;
}

nl_object *nl_string_to_list(nl_object *s) {
    size_t size = nl_string_byte_size(s);
    const unsigned char *d = (const unsigned char *)nl_string_cstr(s);
    /* Build back to front so that each cell points at the rest. */
    nl_object *l = nl_box(0);
    size_t pos = size;
    while (pos > 0) {
        size_t start = pos - 1;
        while (start > 0 && is_continuation(d[start])) start--;
        size_t len;
        uint32_t c = decode_at(d, start, &len);
        nl_object *cell = nl_alloc_ctor(1, 2, 0);
        nl_ctor_set(cell, 0, nl_box(c));
        nl_ctor_set(cell, 1, l);
        l = cell;
        pos = start;
    }
    return l;
}
