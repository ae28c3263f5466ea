export { Adam, type AdamOptions, AdamW } from './adam';
export { clipGradNorm } from './clip';
export { Optimizer, type ParamGroup, type ParamsInput } from './optimizer';
export {
  CosineAnnealingLR,
  ExponentialLR,
  type HasParamGroups,
  LRScheduler,
  StepLR,
} from './schedules';
export { SGD, type SGDOptions } from './sgd';
