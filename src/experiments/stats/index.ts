export { chiSquareGoodnessOfFit, sampleRatioMismatch, twoProportionTest, welchTest, holmAdjust, type ChiSquareResult, type EffectEstimate, type Moments, type Proportion, type SrmPeriod, type SrmResult } from './tests.js';
export { bayesBinary, bayesContinuous, type BayesResult } from './bayes.js';
export { msprt, msprtProportions, msprtMeans, type SequentialResult } from './sequential.js';
export { sampleSizeProportions, sampleSizeMeans, durationDays, type SampleSizeInput } from './power.js';
export { bootstrapPercentileDifference } from './bootstrap.js';
export { decide, type Verdict, type VerdictKind, type ChallengerEvidence } from './verdict.js';
