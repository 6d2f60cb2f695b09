// The statistics of A/B results, pure and dependency-free: the normal and chi-square tails (from
// the regularised incomplete gamma function, accurate to ~1e-14, far inside the 1e-7 a p-value
// needs), the two-proportion z-test with a confidence interval, and the sample-ratio check.
// Formulas: Numerical Recipes 3rd ed. §6.1-6.2 (lnΓ, P/Q), Agresti "Categorical Data Analysis".

/** Lanczos approximation (g = 7, n = 9) of ln Γ(x) for x > 0; relative error < 1e-14. */
export function lnGamma(x: number): number {
  if (x < 0.5) {
    // Reflection: Γ(x)Γ(1−x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  const z = x - 1;
  let sum = c[0];
  for (let i = 1; i < c.length; i++) sum += c[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

const EPSILON = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** P(a, x) by its series; converges quickly for x < a + 1. */
function gammaPSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

/** Q(a, x) by its continued fraction (modified Lentz); converges quickly for x ≥ a + 1. */
function gammaQFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

/** The regularised upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a), a > 0, x ≥ 0. */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaPSeries(a, x) : gammaQFraction(a, x);
}

/** The complementary error function: erfc(x) = Q(½, x²) for x ≥ 0, and 2 − erfc(−x) below. */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const upper = gammaQ(0.5, x * x);
  return x >= 0 ? upper : 2 - upper;
}

/** Φ(x), the standard normal cumulative distribution function. */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

/** P(χ² ≥ x) with `df` degrees of freedom. */
export function chiSquareSurvival(x: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  if (x <= 0) return 1;
  return gammaQ(df / 2, x / 2);
}

/** Φ⁻¹(0.975): the two-sided 95 % critical value. */
export const Z_95 = 1.959963984540054;

export interface Proportion {
  /** Exposed units (sessions). */
  n: number;
  /** Converted units among them. */
  conversions: number;
}

export interface ProportionTest {
  /** variant rate − control rate. */
  difference: number;
  /** Pooled z statistic; null when a group is empty or the pooled rate is 0 or 1. */
  z: number | null;
  /** Two-sided p-value of the pooled z-test; null with z. */
  pValue: number | null;
  /** 95 % interval of the difference (unpooled, Wald); null when a group is empty. */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * Two-proportion z-test of `variant` against `control`: z = (p₂ − p₁) / √(p̄(1−p̄)(1/n₁ + 1/n₂)),
 * p = 2(1 − Φ(|z|)); the interval is (p₂ − p₁) ± z₀.₉₇₅ √(p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂).
 */
export function twoProportionTest(control: Proportion, variant: Proportion): ProportionTest {
  if (control.n <= 0 || variant.n <= 0) {
    return { difference: 0, z: null, pValue: null, ciLow: null, ciHigh: null };
  }
  const p1 = control.conversions / control.n;
  const p2 = variant.conversions / variant.n;
  const difference = p2 - p1;
  const pooled = (control.conversions + variant.conversions) / (control.n + variant.n);
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / variant.n));
  const unpooledSe = Math.sqrt(p1 * (1 - p1) / control.n + p2 * (1 - p2) / variant.n);
  const z = pooledSe > 0 ? difference / pooledSe : null;
  return {
    difference,
    z,
    // erfc(|z|/√2) = 2(1 − Φ(|z|)) without the cancellation of 1 − Φ for large |z|.
    pValue: z === null ? null : erfc(Math.abs(z) / Math.SQRT2),
    ciLow: difference - Z_95 * unpooledSe,
    ciHigh: difference + Z_95 * unpooledSe,
  };
}

export interface SampleRatioCheck {
  chiSquare: number;
  df: number;
  pValue: number;
  /** Expected exposures per group from the weights. */
  expected: number[];
  /** p < SRM_P_THRESHOLD: the split does not match the weights (broken assignment or logging). */
  mismatch: boolean;
}

/** Below this p-value the observed split is reported as a sample-ratio mismatch. */
export const SRM_P_THRESHOLD = 0.001;

/**
 * Chi-square goodness of fit of the observed exposures against the configured weights; null
 * with fewer than two groups, no exposures or an invalid weight.
 */
export function sampleRatioCheck(
  observed: readonly number[],
  weights: readonly number[],
): SampleRatioCheck | null {
  if (observed.length < 2 || observed.length !== weights.length) return null;
  const total = observed.reduce((a, b) => a + b, 0);
  const weightSum = weights.reduce((a, b) => a + b, 0);
  if (total <= 0 || !(weightSum > 0) || weights.some((w) => !(w > 0))) return null;
  const expected = weights.map((w) => (total * w) / weightSum);
  const chiSquare = observed.reduce((sum, o, i) => sum + (o - expected[i]) ** 2 / expected[i], 0);
  const df = observed.length - 1;
  const pValue = chiSquareSurvival(chiSquare, df);
  return { chiSquare, df, pValue, expected, mismatch: pValue < SRM_P_THRESHOLD };
}

/** Fewer exposures than this in a group: the test is shown but not trusted. */
export const MIN_SAMPLE = 100;

export type SignificanceLevel =
  | "control"
  | "insufficient_data"
  | "no_variance"
  | "significant_99"
  | "significant_95"
  | "marginal_90"
  | "not_significant";

export const SIGNIFICANCE_LABELS: Record<SignificanceLevel, string> = {
  control: "Control",
  insufficient_data: "Not yet — need more data",
  no_variance: "No variance",
  significant_99: "Statistically significant at 99%",
  significant_95: "Statistically significant at 95%",
  marginal_90: "Marginally significant at 90%",
  not_significant: "Not statistically significant",
};

/** The verdict of a variant's test: sample size first, then the p-value. */
export function significanceLevel(
  test: ProportionTest,
  control: Proportion,
  variant: Proportion,
): SignificanceLevel {
  if (Math.min(control.n, variant.n) < MIN_SAMPLE) return "insufficient_data";
  if (test.pValue === null) return "no_variance";
  if (test.pValue < 0.01) return "significant_99";
  if (test.pValue < 0.05) return "significant_95";
  if (test.pValue < 0.1) return "marginal_90";
  return "not_significant";
}
