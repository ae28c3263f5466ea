import { backward, checkGradients } from '@tessera/autograd';
import { bce, bceWithLogits, crossEntropy, mse } from '@tessera/nn';
import { tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<number[]> {
  return Array.from(await t.data());
}

describe('bce', () => {
  it('clamps each log term at -100', async () => {
    const p = tensor([1, 0, 1, 0, 0.5]);
    const target = tensor([1, 0, 0, 1, 1]);
    const perElement = await values(bce(p, target, { reduction: 'none' }));
    // -log(0.5) = ln 2 = 0.693147 for the last element.
    const expected = [0, 0, 100, 100, Math.LN2];
    perElement.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 5);
    });
    expect(await bce(p, target).item()).toBeCloseTo(40.138629, 4);
  });

  it('has a finite gradient at p = 0 and p = 1', async () => {
    const p = tensor([1, 0, 1, 0, 0.5]);
    p.requiresGrad = true;
    backward(bce(p, tensor([1, 0, 0, 1, 1])));
    const g = await values(p.grad!);
    for (const v of g) expect(Number.isFinite(v)).toBe(true);
    // (p - t) / max(p (1 - p), 1e-12) / 5 for the mean.
    expect(g[4]).toBeCloseTo(-0.5 / 0.25 / 5, 6);
    expect(g[2]).toBeCloseTo(1 / 1e-12 / 5, -6);
  });

  it('matches finite differences inside (0, 1)', async () => {
    const p = tensor([0.2, 0.7, 0.9], [3], 'float64');
    const t = tensor([0, 1, 0.3], [3], 'float64');
    await checkGradients((x) => bce(x, t, { reduction: 'none' }), [p]);
  });

  it('rejects probabilities outside [0, 1]', () => {
    expect(() => bce(tensor([1.5]), tensor([1]))).toThrow(/bce: .*\[0, 1\], got 1.5/);
  });
});

describe('bceWithLogits', () => {
  it('stays finite for large logits', async () => {
    const logits = tensor([100, -100, 0, 3]);
    const targets = tensor([0, 1, 1, 0]);
    const loss = await values(bceWithLogits(logits, targets, { reduction: 'none' }));
    // max(x, 0) - x t + log(1 + exp(-|x|)), by hand.
    const expected = [100, 100, Math.log(2), 3 + Math.log(1 + Math.exp(-3))];
    loss.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i], 4);
    });
  });

  it('gradient is sigmoid(x) - t, also at 0', async () => {
    const logits = tensor([0, 2, -1], [3], 'float64');
    logits.requiresGrad = true;
    const targets = tensor([1, 0, 1], [3], 'float64');
    backward(bceWithLogits(logits, targets, { reduction: 'sum' }));
    const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
    const g = await values(logits.grad!);
    expect(g[0]).toBeCloseTo(sigmoid(0) - 1, 12);
    expect(g[1]).toBeCloseTo(sigmoid(2), 12);
    expect(g[2]).toBeCloseTo(sigmoid(-1) - 1, 12);
  });
});

describe('crossEntropy', () => {
  it('equals logsumexp minus the true logit', async () => {
    const logits = tensor([
      [1, 2, 3],
      [1000, 0, -1000],
    ]);
    const labels = tensor([2, 1], [2], 'int32');
    const loss = await values(crossEntropy(logits, labels, { reduction: 'none' }));
    expect(loss[0]).toBeCloseTo(Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3, 5);
    expect(loss[1]).toBeCloseTo(1000, 3);
  });

  it('matches finite differences', async () => {
    const logits = tensor(
      [
        [0.1, -0.4, 1.2],
        [2, 0.5, -1],
        [0, 0, 0],
      ],
      [3, 3],
      'float64',
    );
    const labels = tensor([2, 0, 1], [3], 'int32');
    await checkGradients((x) => crossEntropy(x, labels), [logits]);
  });

  it('rejects labels out of range and wrong shapes', () => {
    const logits = tensor([[1, 2, 3]]);
    expect(() => crossEntropy(logits, tensor([3], [1], 'int32'))).toThrow(
      /label 3 is out of range for 3 classes/,
    );
    expect(() => crossEntropy(logits, tensor([0, 1], [2], 'int32'))).toThrow(
      /labels of shape \[2\].*\[1,3\]/,
    );
    expect(() => crossEntropy(logits, tensor([0]))).toThrow(/int32/);
  });
});

describe('mse', () => {
  it('averages squared errors', async () => {
    expect(await mse(tensor([1, 2, 3]), tensor([1, 0, 6])).item()).toBeCloseTo(13 / 3, 6);
    expect(await mse(tensor([1, 2]), tensor([0, 0]), { reduction: 'sum' }).item()).toBe(5);
  });

  it('rejects shapes that differ', () => {
    expect(() => mse(tensor([1, 2]), tensor([1, 2, 3]))).toThrow(/mse: .*\[2\].*\[3\]/);
  });
});
