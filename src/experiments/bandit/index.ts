export { BanditRouter, banditConfigSchema, type BanditConfig } from './routing.js';
export { thompsonWeights, epsilonGreedyWeights, ucb1Weights, chooseArm, sampleBeta, withMinimumShare, type ArmState } from './thompson.js';
