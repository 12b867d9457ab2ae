/**
 * The feature schema saved with every model: how raw named records become the numeric row the model
 * was trained on. Categorical codes are the index in `categories`; a missing value is NaN (XGBoost's missing).
 */
export type FeatureSpec =
  | { name: string; kind: 'numeric' }
  | { name: string; kind: 'categorical'; categories: string[] };

export type Task = 'binary' | 'multiclass' | 'regression';

export interface FeatureSchema {
  /** Features in model column order. */
  features: FeatureSpec[];
  target: string;
  task: Task;
  /** Class labels by class index for classifiers (binary: [negative, positive]). */
  classes?: string[];
}
