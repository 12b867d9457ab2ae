import binomialCdf from '@stdlib/stats-base-dists-binomial-cdf';

/** Two-sided exact binomial test p-value (the smaller tail doubled, capped at 1). */
export function binomialTwoSided(k: number, n: number, p: number): number {
  const lower = binomialCdf(k, n, p);
  const upper = 1 - binomialCdf(k - 1, n, p);
  return Math.min(1, 2 * Math.min(lower, upper));
}
