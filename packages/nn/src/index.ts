export {
  calculateGain,
  computeFans,
  type InitOptions,
  type KaimingOptions,
  kaimingNormal,
  kaimingUniform,
  type Nonlinearity,
  xavierNormal,
  xavierUniform,
} from './init';
export { Flatten, Identity, ReLU, Sigmoid, Tanh } from './layers/activations';
export {
  AvgPool2d,
  Conv2d,
  type Conv2dOptions,
  MaxPool2d,
  type Pool2dOptions,
} from './layers/conv';
export { Dropout } from './layers/dropout';
export { Linear, type LinearOptions } from './layers/linear';
export { Sequential } from './layers/sequential';
export { bce, bceWithLogits, crossEntropy, type LossOptions, mse, type Reduction } from './losses';
export { type LoadStateDictOptions, Module, type StateDict } from './module';
export { buffer, isBuffer, isParameter, parameter } from './parameter';
export {
  loadSafetensors,
  parseSafetensors,
  readSafetensors,
  saveSafetensors,
  serializeSafetensors,
} from './safetensors';
