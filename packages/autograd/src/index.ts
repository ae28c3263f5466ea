import { enableRecording } from './tape';

// Recording starts when this package is loaded, so `x.requiresGrad = true` is all a user sets.
enableRecording();

export { type CustomGradResult, customGrad } from './custom-grad';
export { checkGradients, GradCheckError, type GradCheckOptions } from './gradcheck';
export {
  type BackwardOptions,
  backward,
  GradientError,
  grad,
  grads,
  valueAndGrad,
  valueAndGrads,
} from './gradients';
export { sumToShape } from './reduce-to';
export { GRAD_RULES, type GradContext, type GradRule, type GradRuleTable } from './rules';
export { type CustomGradFunction, isRecording, noGrad, type TapeNode, withGrad } from './tape';
