/*
 * carp_ref.c - a minimal C reference of Squid 5's CARP owner selection, for bench/carp_bench.py.
 *
 * Usage: carp_ref KEYFILE OWNERFILE NAME:WEIGHT...
 *   KEYFILE    keys to route, one per line, already in Squid's normalised form (no URL parsing
 *              happens here: the bench feeds canonical http URLs, which Squid hashes as they are)
 *   OWNERFILE  receives one line per key: the config index of the owner, or -1 ("-" to skip)
 *   NAME:WEIGHT the CARP members in config order
 * Prints "keys N seconds S" (CPU time of the routing loop, file I/O excluded) and one
 * "count NAME N" per member.
 *
 * The algorithm (see squidcarp/carp/array.py and the reference notes, section 4):
 * member hash over the name bytes, load factors weight/W (0 when below 1/1000), members sorted by
 * weight (stable), the load-multiplier recurrence in doubles with pow(), then per key one running
 * 32-bit hash over the key, once per member, never reset; combined hash, score = combined * mult,
 * strict > from 0.0. Key bytes are added as (signed) char, as on x86.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROTL32(x, n) (((x) << (n)) | ((x) >> (32 - (n))))
#define CARP_MULT 0x62531965u /* src/carp.cc */

struct member {
    const char *name;
    int weight;
    int config_index;
    uint32_t hash;
    double factor;
    double mult;
};

static uint32_t step_bytes(uint32_t u, const char *p, size_t len)
{
    for (size_t i = 0; i < len; ++i)
        u += ROTL32(u, 19) + (uint32_t)(int32_t)(signed char)p[i];
    return u;
}

static uint32_t mix(uint32_t h)
{
    h += h * CARP_MULT;
    return ROTL32(h, 21);
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s KEYFILE OWNERFILE NAME:WEIGHT...\n", argv[0]);
        return 2;
    }
    int k_total = argc - 3;
    struct member *m = calloc((size_t)k_total, sizeof *m);
    int w_total = 0;
    for (int i = 0; i < k_total; ++i) {
        char *arg = argv[i + 3];
        char *colon = strrchr(arg, ':');
        if (!colon)
            return 2;
        *colon = '\0';
        m[i].name = arg;
        m[i].weight = atoi(colon + 1);
        m[i].config_index = i;
        m[i].hash = mix(step_bytes(0, arg, strlen(arg)));
        w_total += m[i].weight;
    }
    for (int i = 0; i < k_total; ++i) {
        m[i].factor = (double)m[i].weight / (double)w_total;
        if (floor(m[i].factor * 1000.0) == 0.0)
            m[i].factor = 0.0;
    }
    /* stable insertion sort by weight */
    for (int i = 1; i < k_total; ++i) {
        struct member cur = m[i];
        int j = i - 1;
        while (j >= 0 && m[j].weight > cur.weight) {
            m[j + 1] = m[j];
            --j;
        }
        m[j + 1] = cur;
    }
    double p_last = 0.0, x_last = 0.0, x_prod = 1.0;
    for (int k = 1; k <= k_total; ++k) {
        double kk1 = (double)(k_total - k + 1);
        double x = (kk1 * (m[k - 1].factor - p_last)) / x_prod;
        x += pow(x_last, kk1);
        x = pow(x, 1.0 / kk1);
        x_prod *= x;
        x_last = x;
        p_last = m[k - 1].factor;
        m[k - 1].mult = x;
    }

    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 3;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    if (fread(buf, 1, (size_t)size, f) != (size_t)size)
        return 3;
    fclose(f);
    buf[size] = '\n';
    size_t n = 0;
    for (long i = 0; i < size; ++i)
        n += buf[i] == '\n';
    if (size > 0 && buf[size - 1] != '\n')
        ++n;
    size_t *start = malloc(n * sizeof *start), *len = malloc(n * sizeof *len);
    size_t line = 0, s = 0;
    for (long i = 0; i <= size && line < n; ++i) {
        if (buf[i] == '\n') {
            start[line] = s;
            len[line] = (size_t)i - s;
            ++line;
            s = (size_t)i + 1;
        }
    }
    int *owner = malloc(n * sizeof *owner);

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (size_t i = 0; i < n; ++i) {
        const char *key = buf + start[i];
        size_t klen = len[i];
        uint32_t u = 0;
        double high = 0.0;
        int best = -1;
        for (int k = 0; k < k_total; ++k) {
            u = step_bytes(u, key, klen);
            double score = (double)mix(u ^ m[k].hash) * m[k].mult;
            if (score > high) {
                high = score;
                best = m[k].config_index;
            }
        }
        owner[i] = best;
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;

    long *count = calloc((size_t)k_total, sizeof *count);
    for (size_t i = 0; i < n; ++i)
        if (owner[i] >= 0)
            ++count[owner[i]];
    printf("keys %zu seconds %.9f\n", n, seconds);
    for (int i = 0; i < k_total; ++i)
        for (int k = 0; k < k_total; ++k)
            if (m[k].config_index == i)
                printf("count %s %ld\n", m[k].name, count[i]);
    if (strcmp(argv[2], "-") != 0) {
        FILE *o = fopen(argv[2], "w");
        if (!o)
            return 3;
        for (size_t i = 0; i < n; ++i)
            fprintf(o, "%d\n", owner[i]);
        fclose(o);
    }
    return 0;
}
