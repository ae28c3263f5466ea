import type { CpuBackend } from '@tessera/kernels-cpu';
import { Adam, AdamW, CosineAnnealingLR, clipGradNorm, SGD, StepLR } from '@tessera/optim';
import { getBackend, memory, scalar, type Tensor, tensor, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

function param(value: number | number[]): Tensor {
  const t =
    typeof value === 'number' ? scalar(value, 'float64') : tensor(value, [value.length], 'float64');
  t.requiresGrad = true;
  return t;
}

function setGrad(p: Tensor, value: number | number[]): void {
  p.grad?.dispose();
  p.grad =
    typeof value === 'number' ? scalar(value, 'float64') : tensor(value, [value.length], 'float64');
}

describe('AdamW and Adam', () => {
  it('AdamW decouples weight decay', async () => {
    const p = param(1);
    const optimizer = new AdamW([p], { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
    setGrad(p, 0.5);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.89, 6);
    setGrad(p, 0.25);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.787882, 6);
  });

  it('Adam adds L2 decay to the gradient', async () => {
    const p = param(1);
    const optimizer = new Adam([p], { lr: 0.1, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
    setGrad(p, 0.5);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.9, 6);
    setGrad(p, 0.25);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.80501, 5);
  });

  it('rejects invalid hyper-parameters', () => {
    expect(() => new Adam([param(1)], { lr: -1 })).toThrow(
      /Adam: lr must be a finite number >= 0, got -1/,
    );
    expect(() => new Adam([param(1)], { betas: [1, 0.9] })).toThrow(
      /betas\[0\] must be in \[0, 1\), got 1/,
    );
    expect(() => new Adam([tensor([1])])).toThrow(/does not require gradients/);
  });
});

describe('SGD', () => {
  it('plain step', async () => {
    const p = param([1, 2]);
    const optimizer = new SGD([p], { lr: 0.5 });
    setGrad(p, [2, -2]);
    optimizer.step();
    expect(Array.from(await p.data())).toEqual([0, 3]);
  });

  it('momentum, dampening-free, over two steps', async () => {
    // Step 1: b = g = 1, p = 1 - 0.1 = 0.9. Step 2: b = 0.9 * 1 + 1 = 1.9, p = 0.9 - 0.19 = 0.71.
    const p = param(1);
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
    setGrad(p, 1);
    optimizer.step();
    setGrad(p, 1);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.71, 12);
  });

  it('Nesterov with weight decay', async () => {
    // g = 1 + 0.1 * 1 = 1.1; b = 1.1; g' = 1.1 + 0.9 * 1.1 = 2.09; p = 1 - 0.1 * 2.09 = 0.791.
    const p = param(1);
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.1 });
    setGrad(p, 1);
    optimizer.step();
    expect(await p.item()).toBeCloseTo(0.791, 12);
  });

  it('skips parameters without a gradient and supports groups', async () => {
    const a = param(1);
    const b = param(1);
    const optimizer = new SGD([{ params: [a] }, { params: [b], lr: 1 }], { lr: 0.1 });
    setGrad(b, 1);
    optimizer.step();
    expect(await a.item()).toBe(1);
    expect(await b.item()).toBe(0);
  });

  it('does not grow memory over steps', () => {
    const p = param([1, 2, 3]);
    const optimizer = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const step = () =>
      tidy(() => {
        setGrad(p, [1, 1, 1]);
        optimizer.step();
      });
    step();
    const before = memory();
    for (let i = 0; i < 20; i++) step();
    expect(memory()).toEqual(before);
  });
});

describe('schedules and clipping', () => {
  it('StepLR and CosineAnnealingLR', () => {
    const optimizer = new SGD([param(1)], { lr: 1 });
    const schedule = new StepLR(optimizer, { stepSize: 2, gamma: 0.5 });
    const seen = [];
    for (let i = 0; i < 4; i++) {
      schedule.step();
      seen.push(schedule.getLastLr()[0]);
    }
    expect(seen).toEqual([1, 0.5, 0.5, 0.25]);
    const cosine = new CosineAnnealingLR(new SGD([param(1)], { lr: 1 }), { tMax: 2 });
    cosine.step();
    expect(cosine.getLastLr()[0]).toBeCloseTo(0.5, 12);
    cosine.step();
    expect(cosine.getLastLr()[0]).toBeCloseTo(0, 12);
  });

  it('clipGradNorm scales to the maximum norm', async () => {
    const a = param([3, 0]);
    const b = param([4]);
    setGrad(a, [3, 0]);
    setGrad(b, [4]);
    expect(await clipGradNorm([a, b], 1)).toBeCloseTo(5, 12);
    expect((await a.grad!.data())[0]).toBeCloseTo(0.6, 5);
    expect((await b.grad!.data())[0]).toBeCloseTo(0.8, 5);
  });
});

/** Adam or AdamW on plain numbers, written from the update rules, as an independent reference. */
function referenceAdam(
  start: number[],
  gradients: number[][],
  options: { lr: number; betas: [number, number]; eps: number; weightDecay: number },
  variant: { decoupled: boolean; amsgrad: boolean },
): number[] {
  const { lr, eps, weightDecay } = options;
  const [beta1, beta2] = options.betas;
  return start.map((initial, i) => {
    let p = initial;
    let m = 0;
    let v = 0;
    let vMax = 0;
    gradients.forEach((row, t) => {
      const step = t + 1;
      let g = row[i];
      if (variant.decoupled) p *= 1 - lr * weightDecay;
      else g += weightDecay * p;
      m = beta1 * m + (1 - beta1) * g;
      v = beta2 * v + (1 - beta2) * g * g;
      vMax = Math.max(vMax, v);
      const second = variant.amsgrad ? vMax : v;
      const denominator = Math.sqrt(second / (1 - beta2 ** step)) + eps;
      p -= ((lr / (1 - beta1 ** step)) * m) / denominator;
    });
    return p;
  });
}

describe('in-place updates', () => {
  const gradients = [
    [0.5, -1, 2],
    [0.25, 3, -2],
    [-0.75, 0.5, 0.1],
    [1, -0.2, 0],
    [0.3, 0.3, -4],
  ];
  const options = { lr: 0.05, betas: [0.8, 0.95] as [number, number], eps: 1e-6, weightDecay: 0.1 };

  for (const decoupled of [false, true]) {
    for (const amsgrad of [false, true]) {
      const name = `${decoupled ? 'AdamW' : 'Adam'}${amsgrad ? ' with AMSGrad' : ''}`;
      it(`${name} matches the reference over five steps`, async () => {
        const p = param([1, -2, 0.5]);
        const Optimizer = decoupled ? AdamW : Adam;
        const optimizer = new Optimizer([p], { ...options, amsgrad });
        for (const row of gradients) {
          setGrad(p, row);
          optimizer.step();
        }
        const expected = referenceAdam([1, -2, 0.5], gradients, options, { decoupled, amsgrad });
        const actual = Array.from(await p.data());
        for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 12);
        optimizer.dispose();
        p.dispose();
      });
    }
  }

  it('steps reuse the parameter and state buffers and allocate none', () => {
    const backend = getBackend() as CpuBackend;
    const p = tensor(new Float32Array(1000).fill(1), [10, 100]);
    p.requiresGrad = true;
    const q = tensor(new Float32Array(100).fill(1), [100]);
    q.requiresGrad = true;
    const optimizers = [
      new Adam([p], { lr: 0.01, weightDecay: 0.1, amsgrad: true }),
      new SGD([q], { lr: 0.01, momentum: 0.9, weightDecay: 0.1, nesterov: true }),
    ];
    const step = (): void =>
      tidy(() => {
        p.grad?.dispose();
        p.grad = tensor(new Float32Array(1000).fill(0.5), [10, 100]);
        q.grad?.dispose();
        q.grad = tensor(new Float32Array(100).fill(-0.5), [100]);
        for (const optimizer of optimizers) optimizer.step();
      });
    step();
    step();
    const storages = [p.storage, q.storage];
    const before = memory();
    const { misses } = backend.pooled();
    for (let i = 0; i < 10; i++) step();
    expect([p.storage, q.storage]).toEqual(storages);
    expect(p.version).toBe(12);
    expect(memory()).toEqual(before);
    expect(backend.pooled().misses).toBe(misses);
    for (const optimizer of optimizers) optimizer.dispose();
    p.dispose();
    q.dispose();
  });
});
