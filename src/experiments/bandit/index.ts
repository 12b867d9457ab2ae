export { thompsonWeights, epsilonGreedyWeights, ucb1Weights, chooseArm, sampleBeta, withMinimumShare, type ArmState } from './thompson.js';
