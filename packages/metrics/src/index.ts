export {
  type AccumulatorReportOptions,
  ClassificationMetrics,
  type ClassificationMetricsOptions,
} from './accumulator';
export {
  accuracy,
  classificationReport,
  confusionMatrix,
  f1Score,
  precision,
  precisionRecallFscoreSupport,
  recall,
  type SingleScoreOptions,
} from './classification';
export type { LabelInput, PredictionInput } from './inputs';
export { meanAbsoluteError, meanSquaredError, type R2Options, r2Score } from './regression';
export type { ClassificationReportDict, ReportOptions, ReportRow } from './report';
export type {
  Average,
  AveragedScoreOptions,
  AveragedScores,
  PerLabelScoreOptions,
  PerLabelScores,
  ScoreOptions,
} from './scores';
export type { ZeroDivision } from './validate';
