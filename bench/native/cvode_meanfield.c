/* SUNDIALS CVODE on the d→∞ neuron flow (MODEL.md §4), for bench/cvode.bench.ts: the same equations
 * as our kernel form (assembly/meanfield.ts) with the closed-form ReLU kernel (gain 1),
 *   ε ȧ_i = V(s_i) − (1/m) Σ_j a_j U(s_i s_j) = P(s_i),   ṡ_i = (1 − s_i²) a_i P'(s_i),
 * evaluated the same way: P from the residuals r_k = φ_k − σ_k M_k (no cancellation as ε → 0), the
 * Taylor series of U up to the degree d our seriesDegreeAt picks (both neglected tails ≤ 1e-17 per
 * pair), plus the closed form's remainder on the pairs with |s_i s_j| > ½. A state with |s_i| > 1 + 1e-12
 * or a non-finite entry makes the right-hand side fail recoverably (CVODE then cuts the step), as our
 * validity check rejects the step.
 * CVODE: BDF, Newton, dense direct solver (SUNDenseMatrix + SUNLinSol_Dense), its own
 * difference-quotient Jacobian, scalar rtol/atol, stop time T. Written against the SUNDIALS 6 API that
 * Debian ships (6.4, SUNContext); the two calls that changed in 7 are guarded by SUNDIALS_VERSION_MAJOR.
 * Input (stdin, whitespace-separated): m K epsilon T rtol atol reps budget limit expanded (0: our
 * evaluation, 1: rhs_expanded, for comparison), then σ_0..σ_K,
 * φ_0..φ_K, a(0) (m values), s(0) (m values). Up to `reps` solves, each building CVODE afresh (warm
 * process, cold solver, as our solveMeanfield call does), another one only while it fits in `budget`
 * seconds; a solve still running `limit` seconds after the start is stopped (an error when none finished).
 * Output: one JSON line with the median seconds per solve, the counters of the last finished solve
 * and its R_mf(T). */
#include <cvode/cvode.h>
#include <math.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sundials/sundials_types.h>
#include <sundials/sundials_version.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <time.h>

#define TAIL_DEGREE 64
#define TAIL_SERIES_MAX 0.5
#define TAIL_TOL 1e-17
#define S_TOL 1e-12
#define INV_2PI 0.15915494309189535

typedef struct {
  int m, K, D, dlast;
  double inv_eps;
  double *sigma, *phi, *uD, *M, *c, *thr;
  double deadline; /* CLOCK_MONOTONIC seconds; the right-hand side fails unrecoverably past it */
  long calls;
  int timed_out;
  int expanded; /* evaluate the expanded kernel sums instead (see rhs_expanded) */
} Flow;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static double clamp_unit(double x) { return x > 1.0 ? 1.0 : x < -1.0 ? -1.0 : x; }
static double relu_u(double rho) {
  const double r = clamp_unit(rho);
  return (sqrt(1.0 - r * r) + (M_PI - acos(r)) * r) * INV_2PI;
}
static double relu_ud(double rho) { return (M_PI - acos(clamp_unit(rho))) * INV_2PI; }
static double series(const double *c, int d, double x) {
  double r = c[d];
  for (int k = d - 1; k >= 0; k--) r = r * x + c[k];
  return r;
}
static double series_deriv(const double *c, int d, double x) {
  if (d < 1) return 0.0;
  double r = d * c[d];
  for (int k = d - 1; k >= 1; k--) r = r * x + k * c[k];
  return r;
}

/* U_k: σ_k² up to K, then ReLU's Taylor coefficients U_0 = 1/(2π), U_1 = ¼, U_2 = 1/(4π),
   U_{k+2} = U_k (k−1)²/((k+1)(k+2)) for even k ≥ 2, odd k ≥ 3 zero (as taylorCoefficients). */
static void taylor(Flow *F) {
  double *t = F->uD;
  for (int k = 0; k <= F->D; k++) t[k] = 0.0;
  t[0] = 0.5 / M_PI;
  t[1] = 0.25;
  double c = 0.25 / M_PI;
  for (int k = 2; k <= F->D; k += 2) {
    t[k] = c;
    c *= (double)((k - 1) * (k - 1)) / (double)((k + 1) * (k + 2));
  }
  for (int k = 0; k <= F->K; k++) t[k] = F->sigma[k] * F->sigma[k];
}

/* Both tails beyond degree d at overlap s (tailBound of assembly/meanfield.ts). */
static double tail_bound(const Flow *F, int d, double s) {
  const double r = fmin(s * s, TAIL_SERIES_MAX), t = fmin(s, 1.0);
  int e = d + 1;
  while (e <= F->D && F->uD[e] == 0.0) e++;
  if (e > F->D) return INFINITY;
  double pe = 1.0;
  for (int k = 1; k < e; k++) pe *= r;
  const double ue = fabs(F->uD[e]) * pe / ((1.0 - r) * (1.0 + r));
  return fmax(ue * r, (double)e * ue * t);
}

static double tail_threshold(const Flow *F, int d) {
  if (tail_bound(F, d, 1.0) <= TAIL_TOL) return INFINITY;
  double lo = 0.0, hi = 1.0;
  for (int it = 0; it < 40; it++) {
    const double mid = 0.5 * (lo + hi);
    if (tail_bound(F, d, mid) <= TAIL_TOL) lo = mid;
    else hi = mid;
  }
  return lo;
}

static int first_degree(const Flow *F) { return F->K > 1 ? F->K : 1; }

/* The smallest series degree keeping the neglected tails ≤ TAIL_TOL (seriesDegreeAt). */
static int degree_at(Flow *F, const double *s) {
  double smax = 0.0;
  for (int i = 0; i < F->m; i++) smax = fmax(smax, fabs(s[i]));
  if (smax == 0.0) return F->K;
  const int d0 = first_degree(F);
  int d = F->dlast;
  while (d > d0 && smax <= F->thr[d - 1]) d--;
  for (; d < F->D; d++) {
    if (isnan(F->thr[d])) F->thr[d] = tail_threshold(F, d);
    if (smax <= F->thr[d]) break;
  }
  F->dlast = d;
  return d;
}

static void moments(const double *a, const double *s, int m, int d, double *M) {
  for (int k = 0; k <= d; k++) M[k] = 0.0;
  for (int i = 0; i < m; i++) {
    double p = a[i];
    for (int k = 0; k <= d; k++) {
      M[k] += p;
      p *= s[i];
    }
  }
  for (int k = 0; k <= d; k++) M[k] /= m;
}

/* The first expressions of the flow summed as written, V(s_i) − (1/m) Σ_j a_j U(s_i s_j), as the scipy
   peer (bench/peers/meanfield_scipy.py) does: once ε is small and the a_j large, the sum cancels
   against V(s_i) and leaves rounding noise of size |a|·ulp/ε in ȧ. For comparison only. */
static void rhs_expanded(const Flow *F, const double *a, const double *s, double *da, double *ds) {
  const int m = F->m, K = F->K;
  for (int i = 0; i < m; i++) {
    double su = 0.0, sd = 0.0, v = 0.0, vd = 0.0;
    for (int j = 0; j < m; j++) {
      su += a[j] * relu_u(s[i] * s[j]);
      sd += a[j] * s[j] * relu_ud(s[i] * s[j]);
    }
    for (int k = K; k >= 0; k--) v = v * s[i] + F->phi[k] * F->sigma[k];
    for (int k = K; k >= 1; k--) vd = vd * s[i] + k * F->phi[k] * F->sigma[k];
    da[i] = (v - su / m) * F->inv_eps;
    ds[i] = (1.0 - s[i]) * (1.0 + s[i]) * a[i] * (vd - sd / m);
  }
}

static int rhs(sunrealtype t, N_Vector yv, N_Vector dyv, void *user) {
  (void)t;
  Flow *F = user;
  if ((++F->calls & 63) == 0 && now() > F->deadline) {
    F->timed_out = 1;
    return -1;
  }
  const int m = F->m, K = F->K;
  const double *a = N_VGetArrayPointer(yv), *s = a + m;
  double *da = N_VGetArrayPointer(dyv), *ds = da + m;
  for (int i = 0; i < 2 * m; i++) {
    if (!isfinite(a[i])) return 1;
  }
  for (int i = 0; i < m; i++) {
    if (fabs(s[i]) > 1.0 + S_TOL) return 1;
  }
  if (F->expanded) {
    rhs_expanded(F, a, s, da, ds);
    return 0;
  }
  const int d = degree_at(F, s);
  double *c = F->c;
  moments(a, s, m, d, F->M);
  for (int k = 0; k <= K; k++) c[k] = F->sigma[k] * (F->phi[k] - F->sigma[k] * F->M[k]);
  for (int k = K + 1; k <= d; k++) c[k] = -F->uD[k] * F->M[k];
  for (int i = 0; i < m; i++) {
    const double x = s[i];
    double p = c[d], dp = 0.0;
    for (int k = d - 1; k >= 0; k--) {
      dp = dp * x + p;
      p = p * x + c[k];
    }
    da[i] = p * F->inv_eps;
    ds[i] = (1.0 - x) * (1.0 + x) * a[i] * dp;
  }
  const double inv_m = 1.0 / m;
  for (int i = 0; i < m; i++) {
    const double si = s[i];
    if (fabs(si) <= TAIL_SERIES_MAX) continue;
    double su = 0.0, sd = 0.0;
    for (int j = 0; j < m; j++) {
      const double rho = si * s[j];
      if (fabs(rho) <= TAIL_SERIES_MAX) continue;
      su += a[j] * (relu_u(rho) - series(F->uD, d, rho));
      sd += a[j] * s[j] * (relu_ud(rho) - series_deriv(F->uD, d, rho));
    }
    da[i] -= su * inv_m * F->inv_eps;
    ds[i] -= (1.0 - si) * (1.0 + si) * a[i] * sd * inv_m;
  }
  return 0;
}

/* R_mf from the residuals, plus the part of U beyond degree K (meanfieldRisk). */
static double risk(Flow *F, const double *y) {
  const int m = F->m;
  const double *a = y, *s = y + m;
  const int d = degree_at(F, s);
  moments(a, s, m, d, F->M);
  double total = 0.0;
  for (int k = 0; k <= F->K; k++) {
    const double r = F->phi[k] - F->sigma[k] * F->M[k];
    total += 0.5 * r * r;
  }
  for (int k = F->K + 1; k <= d; k++) total += 0.5 * F->uD[k] * F->M[k] * F->M[k];
  double tail = 0.0;
  for (int i = 0; i < m; i++) {
    double row = 0.0;
    for (int j = 0; j < m; j++) {
      const double rho = s[i] * s[j];
      if (fabs(rho) > TAIL_SERIES_MAX) row += a[j] * (relu_u(rho) - series(F->uD, d, rho));
    }
    tail += a[i] * row;
  }
  return total + 0.5 * tail / ((double)m * m);
}

static void quiet(int code, const char *module, const char *function, char *msg, void *data) {
  (void)code, (void)module, (void)function, (void)msg, (void)data;
}

typedef struct {
  long nst, nfe, nje, nfeLS, nsetups, netf, nni, ncfn;
  int flag;
  double seconds, risk;
} Solve;

#define CHECK(call)                                                                   \
  do {                                                                                \
    if ((call) < 0) {                                                                 \
      fprintf(stderr, "cvode_meanfield: %s failed\n", #call);                         \
      exit(3);                                                                        \
    }                                                                                 \
  } while (0)

static Solve solve(Flow *F, const double *y0, double T, double rtol, double atol) {
  const int n = 2 * F->m;
  Solve out = {0};
  const double t0 = now();
  for (int k = 0; k <= F->D; k++) F->thr[k] = NAN;
  F->dlast = first_degree(F);
  SUNContext ctx;
#if SUNDIALS_VERSION_MAJOR >= 7
  CHECK(SUNContext_Create(SUN_COMM_NULL, &ctx));
#else
  CHECK(SUNContext_Create(NULL, &ctx));
#endif
  N_Vector y = N_VNew_Serial(n, ctx);
  memcpy(N_VGetArrayPointer(y), y0, n * sizeof(double));
  void *mem = CVodeCreate(CV_BDF, ctx);
  CHECK(CVodeInit(mem, rhs, 0.0, y));
  CHECK(CVodeSetUserData(mem, F));
  CHECK(CVodeSStolerances(mem, rtol, atol));
  SUNMatrix A = SUNDenseMatrix(n, n, ctx);
  SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
  CHECK(CVodeSetLinearSolver(mem, LS, A));
  CHECK(CVodeSetMaxNumSteps(mem, 100000000L));
  CHECK(CVodeSetStopTime(mem, T));
#if SUNDIALS_VERSION_MAJOR < 7
  CHECK(CVodeSetErrHandlerFn(mem, quiet, NULL));
#endif
  sunrealtype t = 0.0;
  out.flag = CVode(mem, T, y, &t, CV_NORMAL);
  out.seconds = now() - t0;
  CVodeGetNumSteps(mem, &out.nst);
  CVodeGetNumRhsEvals(mem, &out.nfe);
  CVodeGetNumJacEvals(mem, &out.nje);
  CVodeGetNumLinRhsEvals(mem, &out.nfeLS);
  CVodeGetNumLinSolvSetups(mem, &out.nsetups);
  CVodeGetNumErrTestFails(mem, &out.netf);
  CVodeGetNumNonlinSolvIters(mem, &out.nni);
  CVodeGetNumNonlinSolvConvFails(mem, &out.ncfn);
  out.risk = out.flag >= 0 ? risk(F, N_VGetArrayPointer(y)) : NAN;
  CVodeFree(&mem);
  SUNLinSolFree(LS);
  SUNMatDestroy(A);
  N_VDestroy(y);
  SUNContext_Free(&ctx);
  return out;
}

static int by_value(const void *x, const void *y) {
  const double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double *read_doubles(int n) {
  double *v = malloc((n > 0 ? n : 1) * sizeof(double));
  for (int i = 0; i < n; i++) {
    if (scanf("%lf", &v[i]) != 1) {
      fprintf(stderr, "cvode_meanfield: expected %d numbers on stdin\n", n);
      exit(2);
    }
  }
  return v;
}

int main(void) {
  int m, K, reps, expanded;
  double eps, T, rtol, atol, budget, limit;
  if (scanf("%d %d %lf %lf %lf %lf %d %lf %lf %d", &m, &K, &eps, &T, &rtol, &atol, &reps, &budget, &limit, &expanded) != 10 ||
      m < 1 || K < 0 || reps < 1) {
    fprintf(stderr, "cvode_meanfield: stdin: m K epsilon T rtol atol reps budget limit expanded, then sigma, phi, a0, s0\n");
    return 2;
  }
  Flow F = {.m = m, .K = K, .inv_eps = 1.0 / eps, .expanded = expanded};
  F.D = K > TAIL_DEGREE ? K : TAIL_DEGREE;
  F.sigma = read_doubles(K + 1);
  F.phi = read_doubles(K + 1);
  double *y0 = read_doubles(2 * m);
  F.uD = calloc(F.D + 1, sizeof(double));
  F.M = calloc(F.D + 1, sizeof(double));
  F.c = calloc(F.D + 1, sizeof(double));
  F.thr = calloc(F.D + 1, sizeof(double));
  taylor(&F);

  double *seconds = calloc(reps, sizeof(double));
  const double start = now();
  F.deadline = start + limit;
  Solve last = {0}, good = {0};
  int done = 0;
  /* Another solve only while the budget has room for one more of the same length. */
  while (done < reps && (done == 0 || now() - start + good.seconds <= budget)) {
    last = solve(&F, y0, T, rtol, atol);
    if (last.flag < 0) break;
    good = last;
    seconds[done++] = last.seconds;
  }
  char version[32] = "?";
  SUNDIALSGetVersion(version, sizeof version);
  printf("{\"version\":\"%s\",\"solves\":%d,", version, done);
  if (done == 0) {
    printf("\"error\":\"%s\",", F.timed_out ? "time limit" : "CVode failed");
    printf("\"flag\":%d,\"seconds\":%.9g,", last.flag, last.seconds);
    good = last;
  } else {
    qsort(seconds, done, sizeof(double), by_value);
    printf("\"seconds\":%.9g,\"risk\":%.17g,", seconds[done / 2], good.risk);
  }
  printf("\"nst\":%ld,\"nfe\":%ld,\"nje\":%ld,\"nfeLS\":%ld,\"nsetups\":%ld,\"netf\":%ld,\"nni\":%ld,\"ncfn\":%ld}\n",
         good.nst, good.nfe, good.nje, good.nfeLS, good.nsetups, good.netf, good.nni, good.ncfn);
  return 0;
}
