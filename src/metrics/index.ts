export type { InvocationEvent, InvocationObserver } from './types.js';
export { MetricsRecorder, VariantSlot, LIVE_SECONDS, PROM_BUCKETS_US, type SecondPoint } from './recorder.js';
export { MetricsQuery, SAGEMAKER_NAMESPACE, SAGEMAKER_METRICS, parsePercentile, dimsKey, type Datapoint, type Dimension, type Statistic, type StatisticsRequest } from './query.js';
export { Alarms, type AlarmDefinition, type AlarmRecord, type AlarmState, type ComparisonOperator } from './alarms.js';
export { DataCapture, type CaptureOptions } from './capture.js';
export { METRICS_MIGRATIONS } from './migrations.js';
export { newHistogram, decodeHistogram, encodeHistogram, recordLatency, type Histogram } from './histogram.js';
