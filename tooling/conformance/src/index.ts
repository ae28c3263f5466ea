export { ALL_CASES } from './cases';
export {
  accumulationTolerance,
  type Bound,
  compareValues,
  DEFAULT_GRADIENT_TOLERANCES,
  DEFAULT_TOLERANCES,
  valuesMatch,
} from './compare';
export { generateValues, SeededRandom, SPECIAL_VALUES, seedFromText } from './generate';
export { finiteDifferenceGradients } from './gradient';
export { type CaseInstance, generateInputs, gradientStatus, instantiate } from './instances';
export { evaluate, type RefTensor, roundOutput } from './reference';
export { type ConformanceOptions, describeConformance } from './runner';
export type {
  CaseDType,
  ConformanceCase,
  FloatDType,
  Generator,
  InputSpec,
  OpCall,
  OpName,
  Tag,
  Tolerance,
  Tolerances,
} from './types';
