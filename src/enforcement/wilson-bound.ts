/**
 * Wilson score interval (Wilson 1927): enforcement compares its lower bound with the thresholds, so that a
 * handful of complaints in a small sample cannot by chance push a client over a line the true rate is under.
 */

/**
 * Coefficients of Peter J. Acklam's rational approximation of the inverse standard normal CDF
 * ("An algorithm for computing the inverse normal cumulative distribution function", 2003; relative error
 * below 1.15e-9 over the whole range), far more precision than a policy's confidence needs. A closed-form
 * approximation keeps the module free of a statistics dependency.
 */
const A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
] as const;
const B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
] as const;
const C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
] as const;
const D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416] as const;
/** Below this tail probability Acklam switches from the central rational function to the tail one. */
const P_LOW = 0.02425;

function tail(p: number): number {
  const q = Math.sqrt(-2 * Math.log(p));
  return (
    (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) /
    ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1)
  );
}

/** Inverse standard normal CDF (Acklam), for 0 < p < 1. */
function inverseNormalCdf(p: number): number {
  if (p < P_LOW) return tail(p);
  // Symmetry: the upper tail is the mirrored lower tail, which keeps precision for p close to 1.
  if (p > 1 - P_LOW) return -tail(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q) /
    (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1)
  );
}

/** The z of a two-sided interval at this confidence: 0.95 → 1.959964, 0.99 → 2.575829, 0.9 → 1.644854. */
export function zForConfidence(confidence: number): number {
  if (!(confidence > 0 && confidence < 1))
    throw new RangeError(`confidence must lie strictly between 0 and 1, got ${confidence}`);
  return inverseNormalCdf(0.5 + confidence / 2);
}

/**
 * Lower bound of the Wilson score interval for k successes in n trials at normal quantile z, in [0, k/n].
 * 0 when nothing was observed (n = 0) or nothing happened (k = 0).
 */
export function wilsonLowerBound(k: number, n: number, z: number): number {
  if (!Number.isFinite(k) || !Number.isFinite(n) || k < 0 || n < 0)
    throw new RangeError(`k and n must be finite and non-negative, got k=${k}, n=${n}`);
  if (k > n) throw new RangeError(`k (${k}) cannot exceed n (${n})`);
  if (!Number.isFinite(z) || z < 0) throw new RangeError(`z must be finite and non-negative, got ${z}`);
  if (n === 0 || k === 0) return 0;
  const p = k / n;
  const z2 = z * z;
  // The textbook (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n) subtracts two nearly equal numbers when
  // k is small and n large, exactly the complaint-rate case. Multiplying through by the conjugate gives the
  // same value as p² / (p + z²/2n + z·√…), which has no subtraction.
  const bound = (p * p) / (p + z2 / (2 * n) + z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n)));
  // Rounding can leave the quotient an ulp above p when z is 0.
  return Math.min(p, Math.max(0, bound));
}
