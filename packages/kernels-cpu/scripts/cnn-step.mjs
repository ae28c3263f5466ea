// Prints CNN training steps per second on the CPU backend.
// Usage: pnpm build && node packages/kernels-cpu/scripts/cnn-step.mjs [seconds]
// The model is conv3x3x16 (padding 'same') - ReLU - maxpool2 - conv3x3x32 - ReLU - maxpool2 -
// dense 10, on a fixed batch of 64 random 1x28x28 images. One step is zeroGrad, forward,
// crossEntropy, backward and an SGD update (lr 0.01) inside tidy, then reading the loss.
// THREADS=n sets the backend's thread count (default: every core); WASM=0 turns off the
// WebAssembly GEMM.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../../tessera/dist/index.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('packages/tessera/dist/index.js is missing: run `pnpm build` first\n');
  process.exit(1);
}
const tessera = await import(entry.href);
const { backward, createCpuBackend, nn, optim, registerBackend, setBackend, tensor, tidy } =
  tessera;

const seconds = Number(process.argv[2] ?? 5);
const options = {};
if (process.env.THREADS !== undefined) options.threads = Number(process.env.THREADS);
if (process.env.WASM === '0') options.wasm = false;
registerBackend('cpu-measured', () => createCpuBackend(options));
await setBackend('cpu-measured');

const batch = 64;
let state = 12345;
function random() {
  state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
  return state / 2 ** 32;
}
const x = tensor(Array.from({ length: batch * 28 * 28 }, random), [batch, 1, 28, 28]);
const y = tensor(
  Array.from({ length: batch }, () => Math.floor(random() * 10)),
  [batch],
  'int32',
);
const model = new nn.Sequential(
  new nn.Conv2d(1, 16, 3, { padding: 'same' }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Conv2d(16, 32, 3, { padding: 'same' }),
  new nn.ReLU(),
  new nn.MaxPool2d(2),
  new nn.Flatten(),
  new nn.Linear(32 * 7 * 7, 10),
);
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01 });

function step() {
  const loss = tidy(() => {
    optimizer.zeroGrad();
    const batchLoss = nn.crossEntropy(model.forward(x), y);
    backward(batchLoss);
    optimizer.step();
    return batchLoss;
  });
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

for (let i = 0; i < 3; i++) step(); // warm-up: compiles kernels and sizes buffers
let steps = 0;
let loss = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  loss = step();
  steps++;
}
const elapsed = (performance.now() - start) / 1000;
const threads = options.threads ?? 'default';
process.stdout.write(
  `cnn step, batch ${batch}, threads ${threads}, wasm ${options.wasm !== false}: ` +
    `${(steps / elapsed).toFixed(2)} steps/s (${steps} steps, last loss ${loss.toFixed(4)})\n`,
);
