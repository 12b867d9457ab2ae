import { z } from 'zod';

/**
 * A rollout policy: how traffic moves from the control to the challenger and what stops it.
 * Maps to SageMaker's deployment guardrails (TrafficRoutingConfiguration CANARY / LINEAR / ALL_AT_ONCE with
 * WaitIntervalInSeconds, AutoRollbackConfiguration alarms) and to Argo Rollouts / Flagger analysis steps.
 */
export const rolloutPolicySchema = z
  .object({
    control: z.string().min(1),
    challenger: z.string().min(1),
    strategy: z.enum(['canary', 'linear', 'steps', 'all_at_once']).default('steps'),
    /** steps: challenger percentages in order, ending at 100 (the seed's 20 → 50 → 80 → 100). */
    steps: z.array(z.number().min(0).max(100)).min(1).optional(),
    /** canary: the first step's percentage (then 100). */
    canaryPercent: z.number().gt(0).lt(100).optional(),
    /** linear: added per step. */
    linearStepPercent: z.number().gt(0).max(100).optional(),
    /** Time each step must run healthy before the next (seconds). */
    bakeSeconds: z.number().min(0).default(60),
    /** Challenger requests in a step before it may be judged healthy. */
    minSamples: z.number().int().min(0).default(100),
    guardrails: z
      .object({
        /** Highest share of challenger requests answered 4xx/5xx in a step. */
        maxErrorRate: z.number().min(0).max(1).optional(),
        /** Highest challenger p99 latency (model + overhead, microseconds) in a step. */
        maxLatencyP99Us: z.number().positive().optional(),
        /** Largest tolerated drop in accuracy versus control; rolls back once the always-valid CI is entirely below −this. */
        maxAccuracyDrop: z.number().min(0).max(1).optional(),
        /** CloudWatch alarm names; any in ALARM rolls back. */
        alarms: z.array(z.string()).default([]),
      })
      .default({ alarms: [] }),
    /** Promote at once when the challenger's accuracy beats the control's by at least this (judged sequentially). */
    promoteOnAccuracyGain: z.number().min(0).max(1).optional(),
    alpha: z.number().gt(0).lt(1).default(0.05),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.control === p.challenger) ctx.addIssue({ code: 'custom', message: 'control and challenger must be different variants' });
    const s = p.steps;
    if (s && (s[s.length - 1] !== 100 || s.some((v, i) => i > 0 && v < s[i - 1]))) {
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'steps must not decrease and must end at 100' });
    }
  });

export type RolloutPolicy = z.infer<typeof rolloutPolicySchema>;

/** The challenger's percentage at each step. */
export function stepsOf(p: RolloutPolicy): number[] {
  switch (p.strategy) {
    case 'canary':
      return [p.canaryPercent ?? 10, 100];
    case 'linear': {
      const step = p.linearStepPercent ?? 25;
      const out: number[] = [];
      for (let v = step; v < 100; v += step) out.push(Math.round(v * 100) / 100);
      return [...out, 100];
    }
    case 'all_at_once':
      return [100];
    default:
      return p.steps ?? [20, 50, 80, 100];
  }
}
