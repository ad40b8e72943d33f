/* The SGD step of assembly/sgd.ts in C, for the benchmark: batch 1, online, σ = φ = ReLU,
 * u_* = e_1, no label noise; same generator (xoshiro256** seeded by splitmix64,
 * Marsaglia–Bray polar normals) and the same update with the one-pass normalization.
 * Usage: sgd D M STEPS SEED ETA EPSILON; prints {"seconds": per step, "a": [...]} as JSON.
 * Built by bench/sgd.bench.ts with gcc -O3 -march=native -ffast-math. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t s[4];

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static inline uint64_t next(void) {
  const uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
  return result;
}

static void seed(uint64_t x) {
  for (int k = 0; k < 4; k++) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    s[k] = z ^ (z >> 31);
  }
}

static inline double uniform(void) { return (double)(next() >> 11) * 0x1.0p-53; }

static void normals(double *out, int n) {
  for (int i = 0; i < n; i += 2) {
    double u, v, q;
    do {
      u = 2.0 * uniform() - 1.0;
      v = 2.0 * uniform() - 1.0;
      q = u * u + v * v;
    } while (q >= 1.0 || q == 0.0);
    const double f = sqrt(-2.0 * log(q) / q);
    out[i] = u * f;
    if (i + 1 < n) out[i + 1] = v * f;
  }
}

static inline double dot(const double *restrict x, const double *restrict y, int n) {
  double acc = 0.0;
  for (int i = 0; i < n; i++) acc += x[i] * y[i];
  return acc;
}

static inline double axpby_norm2(double alpha, double beta, const double *restrict x, double *restrict y, int n) {
  double acc = 0.0;
  for (int i = 0; i < n; i++) {
    const double r = alpha * y[i] + beta * x[i];
    y[i] = r;
    acc += r * r;
  }
  return acc;
}

/* axpby_norm2 that also returns <y_new, next> in *dot_next: one sweep over the row, as in assembly/sgd.ts. */
static inline double axpby_norm2_dot(double alpha, double beta, const double *restrict x, double *restrict y,
                                     const double *restrict next, int n, double *dot_next) {
  double acc = 0.0, dn = 0.0;
  for (int i = 0; i < n; i++) {
    const double r = alpha * y[i] + beta * x[i];
    y[i] = r;
    acc += r * r;
    dn += r * next[i];
  }
  *dot_next = dn;
  return acc;
}

/* Same step and random stream as assembly/sgd.ts, with the same fusion: the next sample is drawn
   before the update, whose pass over each row also computes the next forward product z_i. */
static void steps(long n, int d, int m, double eta, double eps, double *a, double *W, double *wn2,
                  const double *u, double *x, double *xn, double *z) {
  const double invM = 1.0 / m, etaA = eta / eps;
  normals(x, d);
  double y = fmax(dot(u, x, d), 0.0), xx = dot(x, x, d);
  for (int i = 0; i < m; i++) z[i] = dot(W + (size_t)i * d, x, d);
  for (long step = 0; step < n; step++) {
    double f = 0.0;
    for (int i = 0; i < m; i++) f += a[i] * fmax(z[i], 0.0);
    const double r = y - f * invM;
    const int more = step + 1 < n;
    if (more) normals(xn, d);
    for (int i = 0; i < m; i++) {
      const double be = eta * r * a[i] * (z[i] > 0 ? 1.0 : 0.0), bz = be * z[i], alpha = 1.0 - bz;
      a[i] += etaA * (r * fmax(z[i], 0.0));
      const double inv = 1.0 / sqrt(alpha * alpha * wn2[i] + 2.0 * alpha * bz + be * (xx * be));
      double *w = W + (size_t)i * d;
      wn2[i] = more ? axpby_norm2_dot(alpha * inv, be * inv, x, w, xn, d, &z[i]) : axpby_norm2(alpha * inv, be * inv, x, w, d);
    }
    if (more) {
      double *t = x; x = xn; xn = t;
      y = fmax(dot(u, x, d), 0.0);
      xx = dot(x, x, d);
    }
  }
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: sgd D M STEPS SEED ETA EPSILON (a_i(0) = 1/(i+1))\n");
    return 2;
  }
  const int d = atoi(argv[1]), m = atoi(argv[2]);
  const long n = atol(argv[3]);
  const double eta = atof(argv[5]), eps = atof(argv[6]);
  seed(strtoull(argv[4], NULL, 10));
  double *W = aligned_alloc(64, sizeof(double) * ((size_t)m * d + 8)), *a = malloc(sizeof(double) * m),
         *wn2 = malloc(sizeof(double) * m), *u = calloc(d, sizeof(double)), *x = aligned_alloc(64, sizeof(double) * (d + 8)), *xn = aligned_alloc(64, sizeof(double) * (d + 8)),
         *z = malloc(sizeof(double) * m);
  u[0] = 1.0;
  normals(W, m * d);
  for (int i = 0; i < m; i++) {
    double *w = W + (size_t)i * d;
    wn2[i] = axpby_norm2(1.0 / sqrt(dot(w, w, d)), 0.0, w, w, d);
    a[i] = 1.0 / (i + 1);
  }
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  steps(n, d, m, eta, eps, a, W, wn2, u, x, xn, z);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  const double sec = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  printf("{\"seconds\": %.6e, \"a\": [", sec / n);
  for (int i = 0; i < m; i++) printf("%s%.17g", i ? ", " : "", a[i]);
  printf("]}\n");
  return 0;
}
