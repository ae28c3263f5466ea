export type { Backend, BackendFactory, BackendMemory } from './backend';
export {
  allocArray,
  bytesPerElement,
  DTYPES,
  type DType,
  isFloatDType,
  promoteDTypes,
  type TypedArray,
  toTypedArray,
} from './dtype';
export {
  ENGINE,
  Engine,
  getBackend,
  getBackendName,
  type KernelRecord,
  type KernelRecorder,
  keep,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
  tidy,
} from './engine';
export {
  BackendError,
  DisposedError,
  DTypeError,
  formatShape,
  ShapeError,
  TesseraError,
  ValueError,
} from './errors';
export * from './kernels';
export { debugLog, getLogLevel, setLogLevel } from './log';
export * from './ops/conv';
export * from './ops/creation';
export * from './ops/elementwise';
export * from './ops/matmul';
export * from './ops/reduce';
export * from './ops/shape-ops';
export * from './ops/softmax';
export { manualSeed, Random } from './random';
export {
  broadcastShapes,
  broadcastStrides,
  type CollapsedAxes,
  checkShape,
  collapseAxes,
  MAX_TENSOR_ELEMENTS,
  normalizeAxes,
  normalizeAxis,
  type Shape,
  shapesEqual,
  sizeOf,
  stridesOf,
} from './shape';
export { type NestedArray, Tensor, type TensorLike } from './tensor';
