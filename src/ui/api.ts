/** The dashboard talks to splitserve's native REST API only. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, data?.error?.message ?? data?.message ?? `HTTP ${res.status}`);
  return data as T;
}

export interface VariantSummary {
  VariantName: string;
  CurrentWeight: number;
  CurrentInstanceCount: number;
}
export interface Endpoint {
  EndpointName: string;
  EndpointStatus: string;
  FailureReason?: string;
  EndpointConfigName: string;
  ProductionVariants: VariantSummary[];
  ShadowProductionVariants?: VariantSummary[];
  LastModifiedTime: string;
  traffic?: { variant: string; requestsLast5m: number; total: number }[];
  config?: { ProductionVariants: { VariantName: string; ModelName: string }[]; ShadowProductionVariants?: { VariantName: string; ModelName: string }[] };
  rollout?: { policy: { control: string; challenger: string }; state: RolloutState } | null;
  bandit?: { algorithm: string; enabled: boolean } | null;
}
export interface RolloutState {
  status: string;
  steps: number[];
  stepIndex: number;
  reason?: string;
  lastCheck?: { challengerRequests: number; errorRate: number; p99Us: number };
}
export interface SeriesPoint {
  t: number;
  invocations: number;
  err4xx?: number;
  err5xx?: number;
  p50: number;
  p99: number;
}
export interface LiveMetrics {
  variants: { variant: string; shadow: boolean; totals: { invocations: number; err4xx: number; err5xx: number; modelLatencyUs: { p50: number; p99: number; mean: number } | null }; series: SeriesPoint[] }[];
}
export interface Quality {
  variants: { variant: string; shadow: boolean; predictions: number; withFeedback: number; classification?: { accuracy: number; auc: number; logloss: number }; reward?: { mean: number; n: number } }[];
}
export interface Report {
  control: string;
  traffic: { variant: string; weight: number; requests: number; share: number }[];
  srm: { pValue: number; mismatch: boolean };
  metrics: { metric: string; higherIsBetter: boolean; comparisons: { variant: string; control: string; n: [number, number]; frequentist: { control: number; treatment: number; difference: number; differenceCi: [number, number]; pValue: number }; adjustedPValue: number; bayes: { chanceToBeatControl: number; expectedLoss: number }; sequential: { ci: [number, number]; significant: boolean } }[] }[];
  verdict: { kind: string; winner?: string; metric?: string; reason: string };
}
export interface ModelVersion {
  name: string;
  version: number;
  framework: string;
  sha256: string;
  sizeBytes: number;
  hyperparameters: Record<string, unknown>;
  metrics?: Record<string, unknown>;
  parentVersion?: number;
  source?: string;
  createdAt: number;
}
export interface ExperimentEvent {
  at: number;
  kind: string;
  message: string;
}

export const api = {
  endpoints: () => call<{ endpoints: Endpoint[] }>('GET', '/v1/endpoints'),
  endpoint: (name: string) => call<Endpoint>('GET', `/v1/endpoints/${encodeURIComponent(name)}`),
  live: (name: string, seconds: number) => call<LiveMetrics>('GET', `/v1/endpoints/${encodeURIComponent(name)}/metrics?resolution=1s&since=${seconds}s`),
  quality: (name: string) => call<Quality>('GET', `/v1/endpoints/${encodeURIComponent(name)}/quality`),
  report: (name: string) => call<Report>('GET', `/v1/endpoints/${encodeURIComponent(name)}/report`),
  events: (name: string) => call<{ events: ExperimentEvent[] }>('GET', `/v1/endpoints/${encodeURIComponent(name)}/events`),
  setWeights: (name: string, weights: Record<string, number>) => call<Endpoint>('PUT', `/v1/endpoints/${encodeURIComponent(name)}/weights`, { weights }),
  rollback: (name: string, to?: string) => call<Endpoint>('POST', `/v1/endpoints/${encodeURIComponent(name)}/rollback`, to ? { to } : {}),
  models: () => call<{ models: ModelVersion[] }>('GET', '/v1/registry/models'),
};
