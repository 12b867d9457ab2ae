export { PredictionLog, FeedbackError, FEEDBACK_MIGRATIONS, type FeedbackItem, type FeedbackResult, type VariantQuality } from './prediction-log.js';
