export { Booster, DMatrix, xgboostVersion, type PredictOptions } from './libxgboost.js';
