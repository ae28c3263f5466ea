export {
  type Dataset,
  type FeatureDataset,
  FeatureSubset,
  randomSplit,
  Subset,
  subset,
  TensorDataset,
  type TensorDatasetItem,
} from './dataset';
export { type Batch, DataLoader, type DataLoaderOptions } from './loader';
