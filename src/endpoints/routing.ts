import type { LoadedModel } from '../runtime/index.js';
import { bucketOf } from './sticky.js';

export interface LiveVariant {
  name: string;
  modelName: string;
  model: LoadedModel;
  weight: number;
  instances: number;
}

/**
 * What the router reads on every request: an immutable snapshot. A weight or config change builds a new table
 * and swaps the reference, so a request sees either the old table or the new one, never a mix.
 */
export class RoutingTable {
  readonly byName = new Map<string, LiveVariant>();
  private readonly cumulative: Float64Array;
  readonly totalWeight: number;
  /** Requests currently using this table (for draining before its models are unloaded). */
  inFlight = 0;

  constructor(
    readonly variants: readonly LiveVariant[],
    readonly shadows: readonly LiveVariant[],
    /** Variant index per sticky bucket. */
    readonly sticky: Uint8Array,
    /** Share of requests copied to each shadow (0..1). */
    readonly shadowShare: readonly number[],
  ) {
    this.cumulative = new Float64Array(variants.length);
    let sum = 0;
    variants.forEach((v, i) => {
      sum += v.weight;
      this.cumulative[i] = sum;
      this.byName.set(v.name, v);
    });
    this.totalWeight = sum;
  }

  /** Weighted random choice; `u` is uniform in [0, 1). */
  pick(u: number): LiveVariant {
    const r = u * this.totalWeight;
    const c = this.cumulative;
    for (let i = 0; i < c.length; i++) if (r < c[i]) return this.variants[i];
    for (let i = c.length - 1; i >= 0; i--) if (this.variants[i].weight > 0) return this.variants[i];
    return this.variants[0];
  }

  pickSticky(key: string): LiveVariant {
    return this.variants[this.sticky[bucketOf(key)]];
  }
}
