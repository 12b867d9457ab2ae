import type { Db } from '../../store/index.js';
import type { EndpointServiceImpl } from '../../endpoints/index.js';
import { DomainError } from '../../endpoints/index.js';
import { newHistogram, recordLatency, type Alarms, type Histogram, type InvocationEvent, type InvocationObserver } from '../../metrics/index.js';
import type { PredictionLog } from '../feedback/index.js';
import { msprtProportions } from '../stats/index.js';
import type { EventLog } from '../events.js';
import { rolloutPolicySchema, stepsOf, type RolloutPolicy } from './policy.js';

export type RolloutStatus = 'running' | 'succeeded' | 'rolled_back' | 'aborted';

export interface RolloutState {
  endpoint: string;
  status: RolloutStatus;
  steps: number[];
  stepIndex: number;
  startedAt: number;
  stepStartedAt: number;
  reason?: string;
  lastCheck?: StepCheck;
}

export interface StepCheck {
  at: number;
  challengerRequests: number;
  errorRate: number;
  p99Us: number;
  accuracy?: { control: number; challenger: number; difference: number; ci: [number, number]; n: [number, number] };
  alarmsInAlarm: string[];
}

/** What the challenger did in the current step, recorded from live invocations. */
interface StepWindow {
  challenger: string;
  requests: number;
  errors: number;
  latency: Histogram;
}

export class RolloutError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 404 | 409,
  ) {
    super(message);
    this.name = 'RolloutError';
  }
}

/**
 * Runs guarded rollouts: applies each step's weights, watches the challenger (errors, p99 latency, accuracy from
 * ground truth, alarms), rolls back at once when a guardrail trips, promotes step by step after the bake time,
 * and persists its state after every decision so a restart resumes where it was.
 */
export class RolloutScheduler implements InvocationObserver {
  private readonly windows = new Map<string, StepWindow>();
  private readonly policies = new Map<string, RolloutPolicy>();
  private readonly states = new Map<string, RolloutState>();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly endpoints: EndpointServiceImpl,
    private readonly feedback: PredictionLog,
    private readonly alarms: Alarms,
    private readonly events: EventLog,
    private readonly now: () => number = Date.now,
  ) {}

  async start(intervalMs = 5000): Promise<void> {
    const rows = await this.db.all<{ endpoint: string; policy: string; state: string }>('SELECT endpoint, policy, state FROM exp_rollouts');
    for (const r of rows) {
      const state = JSON.parse(r.state) as RolloutState;
      this.policies.set(r.endpoint, rolloutPolicySchema.parse(JSON.parse(r.policy)));
      this.states.set(r.endpoint, state);
      if (state.status === 'running') this.windows.set(r.endpoint, { challenger: this.policies.get(r.endpoint)!.challenger, requests: 0, errors: 0, latency: newHistogram() });
    }
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.tick().catch(() => {}), intervalMs);
      this.timer.unref();
    }
  }

  invocationStarted(): void {}

  invocationFinished(e: InvocationEvent): void {
    const w = this.windows.get(e.endpoint);
    if (!w || e.shadow || e.variant !== w.challenger) return;
    w.requests++;
    if (e.status >= 400) w.errors++;
    recordLatency(w.latency, e.modelLatencyUs + e.overheadLatencyUs);
  }

  async begin(endpoint: string, rawPolicy: unknown): Promise<RolloutState> {
    const parsed = rolloutPolicySchema.safeParse(rawPolicy);
    if (!parsed.success) throw new RolloutError(`invalid rollout policy: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(policy)'}: ${i.message}`).join('; ')}`, 400);
    const policy = parsed.data;
    let record;
    try {
      record = await this.endpoints.describeEndpoint(endpoint);
    } catch {
      throw new RolloutError(`endpoint "${endpoint}" does not exist`, 404);
    }
    const names = record.ProductionVariants.map((v) => v.VariantName);
    for (const v of [policy.control, policy.challenger]) if (!names.includes(v)) throw new RolloutError(`variant "${v}" is not on endpoint "${endpoint}" (it has ${names.join(', ')})`, 400);
    if (this.states.get(endpoint)?.status === 'running') throw new RolloutError(`a rollout is already running on "${endpoint}"; abort it first`, 409);
    const now = this.now();
    const state: RolloutState = { endpoint, status: 'running', steps: stepsOf(policy), stepIndex: 0, startedAt: now, stepStartedAt: now };
    this.policies.set(endpoint, policy);
    this.states.set(endpoint, state);
    await this.applyStep(endpoint, policy, state);
    await this.events.add(endpoint, 'started', `rollout of ${policy.challenger} started: steps ${state.steps.join(' → ')}% with ${policy.bakeSeconds}s bake`, { policy });
    await this.save(endpoint);
    return structuredClone(state);
  }

  async abort(endpoint: string): Promise<RolloutState> {
    const state = this.states.get(endpoint);
    if (!state || state.status !== 'running') throw new RolloutError(`no rollout is running on "${endpoint}"`, 404);
    await this.rollback(endpoint, 'aborted by request', 'aborted');
    return structuredClone(state);
  }

  status(endpoint: string): { policy: RolloutPolicy; state: RolloutState } | undefined {
    const state = this.states.get(endpoint);
    const policy = this.policies.get(endpoint);
    return state && policy ? { policy, state: structuredClone(state) } : undefined;
  }

  /** One evaluation of every running rollout. */
  async tick(): Promise<void> {
    const run = async () => {
      for (const [endpoint, state] of this.states) {
        if (state.status !== 'running') continue;
        try {
          await this.evaluate(endpoint, this.policies.get(endpoint)!, state);
        } catch (err) {
          if (err instanceof DomainError && /Could not find endpoint/.test(err.message)) {
            state.status = 'aborted';
            state.reason = 'the endpoint was deleted';
            this.windows.delete(endpoint);
            await this.save(endpoint);
          }
        }
      }
    };
    this.ticking = this.ticking.then(run, run);
    return this.ticking;
  }

  private async evaluate(endpoint: string, policy: RolloutPolicy, state: RolloutState): Promise<void> {
    const now = this.now();
    const w = this.windows.get(endpoint) ?? { challenger: policy.challenger, requests: 0, errors: 0, latency: newHistogram() };
    this.windows.set(endpoint, w);
    const check: StepCheck = {
      at: now,
      challengerRequests: w.requests,
      errorRate: w.requests ? w.errors / w.requests : 0,
      p99Us: w.latency.totalCount ? w.latency.getValueAtPercentile(99) : 0,
      alarmsInAlarm: [],
    };
    for (const name of policy.guardrails.alarms) if ((await this.alarms.evaluate(name)) === 'ALARM') check.alarmsInAlarm.push(name);
    const g = policy.guardrails;
    if (g.maxAccuracyDrop !== undefined || policy.promoteOnAccuracyGain !== undefined) {
      const outcomes = await this.feedback.binaryOutcomes(endpoint, 'correct', state.startedAt);
      const c = outcomes.get(policy.control);
      const t = outcomes.get(policy.challenger);
      if (c && t && c.n > 1 && t.n > 1) {
        const seq = msprtProportions(c, t, policy.alpha);
        check.accuracy = { control: c.successes / c.n, challenger: t.successes / t.n, difference: seq.estimate, ci: seq.ci, n: [c.n, t.n] };
      }
    }
    state.lastCheck = check;
    const judged = w.requests >= policy.minSamples;
    // Guardrails: alarms trip at once; rates and latency once the step has enough samples.
    if (check.alarmsInAlarm.length) return this.rollback(endpoint, `alarm ${check.alarmsInAlarm.join(', ')} is in ALARM`, 'rolled_back', check);
    if (judged && g.maxErrorRate !== undefined && check.errorRate > g.maxErrorRate) {
      return this.rollback(endpoint, `challenger error rate ${(100 * check.errorRate).toFixed(2)}% over ${w.requests} requests exceeds ${(100 * g.maxErrorRate).toFixed(2)}%`, 'rolled_back', check);
    }
    if (judged && g.maxLatencyP99Us !== undefined && check.p99Us > g.maxLatencyP99Us) {
      return this.rollback(endpoint, `challenger p99 latency ${check.p99Us} µs over ${w.requests} requests exceeds ${g.maxLatencyP99Us} µs`, 'rolled_back', check);
    }
    if (g.maxAccuracyDrop !== undefined && check.accuracy && check.accuracy.ci[1] < -g.maxAccuracyDrop) {
      return this.rollback(endpoint, `challenger accuracy ${check.accuracy.challenger.toFixed(4)} is worse than control ${check.accuracy.control.toFixed(4)} by more than ${g.maxAccuracyDrop} (always-valid CI ${check.accuracy.ci.map((v) => v.toFixed(4)).join(' … ')})`, 'rolled_back', check);
    }
    if (policy.promoteOnAccuracyGain !== undefined && check.accuracy && check.accuracy.ci[0] > 0 && check.accuracy.difference >= policy.promoteOnAccuracyGain) {
      state.stepIndex = state.steps.length - 1;
      await this.events.add(endpoint, 'promoted', `challenger accuracy beats control by ${check.accuracy.difference.toFixed(4)} ≥ ${policy.promoteOnAccuracyGain} (always-valid CI ${check.accuracy.ci.map((v) => v.toFixed(4)).join(' … ')}): promoting to 100%`, { check });
      await this.applyStep(endpoint, policy, state);
      return this.finish(endpoint, state, check);
    }
    const baked = now - state.stepStartedAt >= policy.bakeSeconds * 1000;
    if (!baked || !judged) {
      await this.save(endpoint);
      return;
    }
    if (state.stepIndex === state.steps.length - 1) return this.finish(endpoint, state, check);
    state.stepIndex++;
    await this.applyStep(endpoint, policy, state);
    await this.events.add(endpoint, 'step', `step ${state.stepIndex} healthy (${w.requests} requests, errors ${(100 * check.errorRate).toFixed(2)}%, p99 ${check.p99Us} µs): ${policy.challenger} → ${state.steps[state.stepIndex]}%`, { check });
    await this.save(endpoint);
  }

  private async finish(endpoint: string, state: RolloutState, check: StepCheck): Promise<void> {
    state.status = 'succeeded';
    state.reason = 'every step passed';
    this.windows.delete(endpoint);
    await this.events.add(endpoint, 'succeeded', `rollout complete: ${this.policies.get(endpoint)!.challenger} serves 100%`, { check });
    await this.save(endpoint);
  }

  private async applyStep(endpoint: string, policy: RolloutPolicy, state: RolloutState): Promise<void> {
    const pct = state.steps[state.stepIndex];
    const record = await this.endpoints.describeEndpoint(endpoint);
    const others = record.ProductionVariants.filter((v) => v.VariantName !== policy.control && v.VariantName !== policy.challenger);
    await this.endpoints.updateEndpointWeightsAndCapacities({
      EndpointName: endpoint,
      DesiredWeightsAndCapacities: [
        { VariantName: policy.challenger, DesiredWeight: pct },
        { VariantName: policy.control, DesiredWeight: 100 - pct },
        ...others.map((o) => ({ VariantName: o.VariantName, DesiredWeight: 0 })),
      ],
    });
    state.stepStartedAt = this.now();
    this.windows.set(endpoint, { challenger: policy.challenger, requests: 0, errors: 0, latency: newHistogram() });
  }

  private async rollback(endpoint: string, reason: string, status: 'rolled_back' | 'aborted', check?: StepCheck): Promise<void> {
    const policy = this.policies.get(endpoint)!;
    const state = this.states.get(endpoint)!;
    await this.endpoints.updateEndpointWeightsAndCapacities({
      EndpointName: endpoint,
      DesiredWeightsAndCapacities: [
        { VariantName: policy.challenger, DesiredWeight: 0 },
        { VariantName: policy.control, DesiredWeight: 100 },
      ],
    });
    state.status = status;
    state.reason = reason;
    this.windows.delete(endpoint);
    await this.events.add(endpoint, status, `${status === 'aborted' ? 'aborted' : 'rolled back'}: ${reason}; ${policy.control} serves 100%`, check ? { check } : undefined);
    await this.save(endpoint);
  }

  private async save(endpoint: string): Promise<void> {
    const state = this.states.get(endpoint)!;
    await this.db.run(
      'INSERT INTO exp_rollouts (endpoint, policy, state, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET policy = excluded.policy, state = excluded.state, updated_at = excluded.updated_at',
      [endpoint, JSON.stringify(this.policies.get(endpoint)), JSON.stringify(state), this.now()],
    );
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.ticking;
  }
}
