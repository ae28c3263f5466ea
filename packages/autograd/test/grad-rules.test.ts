import { checkGradients, customGrad } from '@tessera/autograd';
import {
  concat,
  gather,
  logSoftmax,
  logSoftmaxComposite,
  logsumexp,
  matmul,
  maximum,
  minimum,
  pad,
  pow,
  randomUniform,
  scatterAdd,
  slice,
  softmax,
  softmaxComposite,
  stack,
  type Tensor,
  tensor,
  transpose,
  type UnaryOp,
  unary,
  where,
} from '@tessera/tensor';
import { describe, it } from 'vitest';

/** A float64 tensor of `shape` with values in [low, high), from a fixed seed. */
function input(shape: number[], seed: number, low = -2, high = 2): Tensor {
  return randomUniform(shape, { low, high, seed, dtype: 'float64' });
}

describe('unary gradient rules against finite differences', () => {
  const smooth: UnaryOp[] = ['neg', 'exp', 'expm1', 'sin', 'cos', 'tanh', 'sigmoid', 'square'];
  for (const op of smooth) {
    it(op, async () => {
      await checkGradients((x) => unary(op, x), [input([3, 4], 1)]);
    });
  }

  const positive: UnaryOp[] = ['log', 'log1p', 'sqrt', 'rsqrt', 'reciprocal'];
  for (const op of positive) {
    it(`${op} on positive inputs`, async () => {
      await checkGradients((x) => unary(op, x), [input([3, 4], 2, 0.5, 3)]);
    });
  }

  // Kinks at 0 are avoided: the inputs stay at least 0.1 away from it.
  for (const op of ['abs', 'relu'] as UnaryOp[]) {
    it(`${op} away from zero`, async () => {
      const x = tensor([-1.5, -0.3, 0.2, 1.7, -0.1, 2.5], [2, 3], 'float64');
      await checkGradients((t) => unary(op, t), [x]);
    });
  }

  for (const op of ['floor', 'ceil', 'round', 'sign'] as UnaryOp[]) {
    it(`${op} has zero gradient`, async () => {
      const x = tensor([-1.3, -0.4, 0.2, 1.7], [4], 'float64');
      await checkGradients((t) => unary(op, t), [x]);
    });
  }
});

describe('binary gradient rules against finite differences', () => {
  it('add, sub, mul with broadcasting', async () => {
    const a = input([2, 3], 3);
    const b = input([3], 4);
    await checkGradients((x, y) => x.add(y), [a, b]);
    await checkGradients((x, y) => x.sub(y), [a, b]);
    await checkGradients((x, y) => x.mul(y), [input([2, 1, 3], 5), input([4, 1], 6)]);
  });

  it('div', async () => {
    await checkGradients((x, y) => x.div(y), [input([2, 3], 7), input([2, 1], 8, 0.5, 2)]);
  });

  it('pow with positive base', async () => {
    await checkGradients((x, y) => pow(x, y), [input([2, 3], 9, 0.5, 2), input([3], 10, -1, 2)]);
  });

  it('maximum and minimum without ties', async () => {
    const a = tensor([1, -2, 3, 0.5], [4], 'float64');
    const b = tensor([0, -1, 4, 0.25], [4], 'float64');
    await checkGradients((x, y) => maximum(x, y), [a, b]);
    await checkGradients((x, y) => minimum(x, y), [a, b]);
  });

  it('where', async () => {
    const condition = tensor([true, false, true, false, false, true], [2, 3], 'bool');
    await checkGradients((x, y) => where(condition, x, y), [input([2, 3], 11), input([3], 12)]);
  });
});

describe('reduction gradient rules against finite differences', () => {
  it('sum over several axes', async () => {
    await checkGradients((x) => x.sum([0, 2]), [input([2, 3, 4], 13)]);
  });

  it('mean with keepDims', async () => {
    await checkGradients((x) => x.mean(1, true), [input([3, 5], 14)]);
  });

  it('max and min without ties', async () => {
    await checkGradients((x) => x.max(1), [input([3, 5], 15)]);
    await checkGradients((x) => x.min(0), [input([3, 5], 16)]);
  });

  it('prod, with and without zeros', async () => {
    await checkGradients((x) => x.prod(1), [input([2, 4], 17, 0.5, 1.5)]);
    const withZero = tensor(
      [
        [0, 2, 3],
        [1, 0, 0],
        [2, 3, 4],
      ],
      [3, 3],
      'float64',
    );
    await checkGradients((x) => x.prod(1), [withZero]);
  });

  it('logsumexp', async () => {
    await checkGradients((x) => logsumexp(x, 1), [input([3, 4], 18)]);
  });
});

describe('structural gradient rules against finite differences', () => {
  it('matmul with every transpose combination and batch broadcast', async () => {
    for (const transposeA of [false, true]) {
      for (const transposeB of [false, true]) {
        const a = input(transposeA ? [2, 4, 3] : [2, 3, 4], 19);
        const b = input(transposeB ? [5, 4] : [4, 5], 20);
        await checkGradients((x, y) => matmul(x, y, { transposeA, transposeB }), [a, b]);
      }
    }
  });

  it('matmul of vectors', async () => {
    await checkGradients((x, y) => matmul(x, y), [input([3], 21), input([3, 2], 22)]);
  });

  it('reshape, transpose, slice, pad, concat, stack', async () => {
    await checkGradients((x) => x.reshape([4, 3]), [input([2, 6], 23)]);
    await checkGradients((x) => transpose(x, [2, 0, 1]), [input([2, 3, 4], 24)]);
    await checkGradients((x) => slice(x, [1, 0], [2, 2]), [input([3, 4], 25)]);
    await checkGradients(
      (x) =>
        pad(
          x,
          [
            [1, 0],
            [2, 1],
          ],
          5,
        ),
      [input([2, 2], 26)],
    );
    await checkGradients((x, y) => concat([x, y], 1), [input([2, 2], 27), input([2, 3], 28)]);
    await checkGradients((x, y) => stack([x, y], 0), [input([2, 2], 29), input([2, 2], 30)]);
  });

  it('broadcastTo and cast', async () => {
    await checkGradients((x) => x.broadcastTo([3, 2, 4]), [input([2, 1], 31)]);
    await checkGradients((x) => x.cast('float32').cast('float64'), [input([3], 32)], {
      atol: 1e-4,
      rtol: 1e-4,
      eps: 1e-3,
    });
  });

  it('gather and scatterAdd with repeated indices', async () => {
    const indices = tensor([2, 0, 2], [3], 'int32');
    await checkGradients((x) => gather(x, indices, 1), [input([2, 4], 33)]);
    await checkGradients((u) => scatterAdd(u, indices, 0, [4, 2]), [input([3, 2], 34)]);
  });

  it('softmax and logSoftmax, fused and composite', async () => {
    const x = input([3, 4], 35);
    await checkGradients((t) => softmax(t, 1), [x]);
    await checkGradients((t) => logSoftmax(t, 0), [x]);
    await checkGradients((t) => softmaxComposite(t, 1), [x]);
    await checkGradients((t) => logSoftmaxComposite(t, 1), [x]);
  });
});

describe('customGrad', () => {
  it('uses the given gradient', async () => {
    const cube = customGrad('cube', (x) => ({
      value: x.mul(x).mul(x),
      gradient: (dy) => [dy.mul(x.square()).mul(3)],
    }));
    await checkGradients((x) => cube(x), [input([4], 36)]);
  });
});
