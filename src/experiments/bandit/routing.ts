import { z } from 'zod';
import type { Db } from '../../store/index.js';
import type { EndpointServiceImpl } from '../../endpoints/index.js';
import type { PredictionLog } from '../feedback/index.js';
import type { EventLog } from '../events.js';
import { epsilonGreedyWeights, thompsonWeights, ucb1Weights, type ArmState } from './thompson.js';

export const banditConfigSchema = z
  .object({
    algorithm: z.enum(['thompson', 'epsilon_greedy', 'ucb1']).default('thompson'),
    /** Each arm keeps at least this share of traffic. */
    minShare: z.number().min(0).max(0.5).default(0.05),
    epsilon: z.number().min(0).max(1).default(0.1),
    /** What counts as a success: the prediction matched the ground truth, or a posted reward > 0. */
    outcome: z.enum(['correct', 'reward']).default('correct'),
    enabled: z.boolean().default(true),
  })
  .strict();

export type BanditConfig = z.infer<typeof banditConfigSchema>;

/**
 * A live bandit: on every tick, reads each production variant's successes from ground truth and sets the
 * endpoint's weights from the chosen algorithm (Thompson sampling as probability matching by default).
 * The config lives in the store, so every replica runs the same policy.
 */
export class BanditRouter {
  private readonly configs = new Map<string, BanditConfig>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly endpoints: EndpointServiceImpl,
    private readonly feedback: PredictionLog,
    private readonly events: EventLog,
    private readonly random: () => number = Math.random,
    private readonly now: () => number = Date.now,
  ) {}

  async start(intervalMs = 2000): Promise<void> {
    for (const r of await this.db.all<{ endpoint: string; config: string }>('SELECT endpoint, config FROM exp_bandits')) this.configs.set(r.endpoint, JSON.parse(r.config));
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.tick().catch(() => {}), intervalMs);
      this.timer.unref();
    }
  }

  async configure(endpoint: string, raw: unknown): Promise<BanditConfig> {
    const config = banditConfigSchema.parse(raw);
    await this.endpoints.describeEndpoint(endpoint);
    this.configs.set(endpoint, config);
    await this.db.run('INSERT INTO exp_bandits (endpoint, config, updated_at) VALUES (?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at', [endpoint, JSON.stringify(config), this.now()]);
    await this.events.add(endpoint, 'bandit', `bandit ${config.enabled ? `on (${config.algorithm}, min share ${config.minShare})` : 'off'}`);
    return config;
  }

  config(endpoint: string): BanditConfig | undefined {
    return this.configs.get(endpoint);
  }

  async tick(): Promise<void> {
    for (const [endpoint, config] of this.configs) {
      if (!config.enabled) continue;
      let record;
      try {
        record = await this.endpoints.describeEndpoint(endpoint);
      } catch {
        continue;
      }
      if (record.EndpointStatus !== 'InService') continue;
      const outcomes = await this.feedback.binaryOutcomes(endpoint, config.outcome);
      const arms: ArmState[] = record.ProductionVariants.map((v) => {
        const o = outcomes.get(v.VariantName);
        return { arm: v.VariantName, successes: o?.successes ?? 0, trials: o?.n ?? 0 };
      });
      const shares =
        config.algorithm === 'thompson' ? thompsonWeights(arms, this.random, config.minShare) : config.algorithm === 'ucb1' ? ucb1Weights(arms, config.minShare) : epsilonGreedyWeights(arms, config.epsilon, config.minShare);
      const weights = shares.map((s) => Math.round(s * 1000) / 10);
      const changed = record.ProductionVariants.some((v, i) => Math.abs(v.CurrentWeight - weights[i]) >= 0.5);
      if (!changed) continue;
      await this.endpoints.updateEndpointWeightsAndCapacities({ EndpointName: endpoint, DesiredWeightsAndCapacities: arms.map((a, i) => ({ VariantName: a.arm, DesiredWeight: weights[i] })) });
      await this.events.add(endpoint, 'bandit_weights', `bandit (${config.algorithm}) set weights ${arms.map((a, i) => `${a.arm} ${weights[i]}`).join(', ')}`, { arms, weights });
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
