import type { App } from '../app.js';
import { TrainingJobError, TrainingJobs, type TrainingJobInput, type TrainingJobRecord } from '../training/index.js';
import { HyperparameterError } from '../training/index.js';
import { AwsError } from './aws-errors.js';

export interface TrainingJobsApi {
  create(input: Record<string, unknown>): Promise<unknown>;
  describe(input: Record<string, unknown>): Promise<unknown>;
  list(input: Record<string, unknown>): Promise<unknown>;
}

function out(r: TrainingJobRecord) {
  const s = (v?: number) => (v === undefined ? undefined : v / 1000);
  return { ...r, CreationTime: s(r.CreationTime), TrainingStartTime: s(r.TrainingStartTime), TrainingEndTime: s(r.TrainingEndTime), LastModifiedTime: s(r.LastModifiedTime) };
}

function wrap<T>(p: Promise<T>): Promise<T> {
  return p.catch((err) => {
    if (err instanceof TrainingJobError || err instanceof HyperparameterError) throw new AwsError(/not found/.test(err.message) ? 'ResourceNotFound' : 'ValidationException', err.message);
    throw err;
  });
}

/** CreateTrainingJob / DescribeTrainingJob / ListTrainingJobs on the SageMaker surface. */
export function createTrainingJobs(app: App): TrainingJobsApi & { jobs: Promise<TrainingJobs> } {
  const jobs = TrainingJobs.open(app.db, app.registry, app.options.now);
  return {
    jobs,
    create: async (i) => wrap(jobs.then((j) => j.create(i as unknown as TrainingJobInput))).then((r) => ({ TrainingJobArn: r.TrainingJobArn })),
    describe: async (i) => wrap(jobs.then((j) => j.describe(String(i.TrainingJobName)))).then(out),
    list: async () =>
      wrap(jobs.then((j) => j.list())).then((list) => ({
        TrainingJobSummaries: list.map((r) => ({ TrainingJobName: r.TrainingJobName, TrainingJobArn: r.TrainingJobArn, CreationTime: r.CreationTime / 1000, TrainingEndTime: r.TrainingEndTime ? r.TrainingEndTime / 1000 : undefined, TrainingJobStatus: r.TrainingJobStatus })),
      })),
  };
}
