/**
 * Sticky assignment: a key hashes (64-bit FNV-1a folded to 32 bits) into one of BUCKETS buckets, and each bucket
 * belongs to a variant. When weights change, only as many buckets move as the change requires: variants above
 * their new share give up buckets, variants below it take exactly those. So 80/20 → 70/30 moves 10% of keys.
 */
export const BUCKETS = 10_000;

/** FNV-1a over the UTF-16 code units of the key; no allocation. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // final avalanche (murmur3 fmix32) so nearby keys spread over buckets
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function bucketOf(key: string): number {
  return hashKey(key) % BUCKETS;
}

/** Bucket counts per variant by largest remainder, summing to BUCKETS. All-zero weights give all zeros. */
export function targetCounts(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / total) * BUCKETS);
  const counts = exact.map(Math.floor);
  let left = BUCKETS - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]++;
  }
  return counts;
}

/**
 * A new bucket table for new weights, moving the fewest buckets from `previous` (variant index per bucket,
 * or undefined for a fresh layout). Variants are identified by index in `weights`.
 */
export function rebalance(weights: readonly number[], previous?: Uint8Array): Uint8Array {
  const target = targetCounts(weights);
  const table = new Uint8Array(BUCKETS);
  if (!previous || previous.length !== BUCKETS) {
    let b = 0;
    target.forEach((count, v) => {
      for (let i = 0; i < count; i++) table[b++] = v;
    });
    return interleave(table);
  }
  table.set(previous);
  const have = new Array<number>(weights.length).fill(0);
  const free: number[] = [];
  for (let b = 0; b < BUCKETS; b++) {
    const v = table[b];
    if (v >= weights.length || have[v] >= target[v]) free.push(b);
    else have[v]++;
  }
  let f = 0;
  target.forEach((count, v) => {
    while (have[v] < count) {
      table[free[f++]] = v;
      have[v]++;
    }
  });
  return table;
}

/** Spreads a contiguous fresh layout over the bucket space (a fixed permutation), so hash ranges don't align with variants. */
function interleave(table: Uint8Array): Uint8Array {
  const out = new Uint8Array(BUCKETS);
  // 7919 is prime and coprime with 10,000: b → b·7919 mod 10,000 is a permutation.
  for (let b = 0; b < BUCKETS; b++) out[(b * 7919) % BUCKETS] = table[b];
  return out;
}
