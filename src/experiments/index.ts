export * from './stats/index.js';
export * from './bandit/index.js';
export * from './feedback/index.js';
export { RolloutScheduler, RolloutError, type RolloutState, type RolloutStatus, type StepCheck } from './rollout/scheduler.js';
export { rolloutPolicySchema, stepsOf, type RolloutPolicy } from './rollout/policy.js';
export { buildReport, type ExperimentReport, type Comparison, type MetricReport, type ShadowReport, type ReportOptions } from './report/report.js';
export { EventLog, type ExperimentEvent } from './events.js';
export { EXPERIMENT_MIGRATIONS } from './migrations.js';
