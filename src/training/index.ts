export { Booster, DMatrix, xgboostVersion, type PredictOptions } from './libxgboost.js';
export { parseHyperparameters, hyperparameterSchema, HyperparameterError, boosterParams, defaultEvalMetric, type Hyperparameters } from './hyperparameters.js';
export { binaryMetrics, multiclassMetrics, regressionMetrics, rocAuc, type ClassificationMetrics, type RegressionMetrics } from './metrics.js';
export { trainXgboost, type TrainInput, type TrainOutput } from './xgboost-trainer.js';
export { runCommandTrainer, TrainingCommandError, type CommandTrainingInput, type CommandTrainingResult } from './command-trainer.js';
export { readLabelFirstCsv } from './numeric-csv.js';
export { TrainingJobs, TrainingJobError, TRAINING_COMMAND_ENV, type TrainingJobInput, type TrainingJobRecord } from './jobs.js';
export { SEED_VARIANTS, prepareData, prepareTitanic, trainAndRegister, type PreparedData, type TrainedModel } from './pipeline.js';
export { toXgboostJson as toJsonModel } from '../registry/index.js';
