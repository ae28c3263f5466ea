import {
  backward,
  customGrad,
  GradientError,
  grad,
  grads,
  noGrad,
  valueAndGrad,
} from '@tessera/autograd';
import { memory, tensor, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

describe('grad and valueAndGrad', () => {
  it('gradient of x^3 is 3x^2', async () => {
    const g = grad((x) => x.mul(x).mul(x).sum())(tensor([1, 2, -3]));
    expect(Array.from(await g.data())).toEqual([3, 12, 27]);
  });

  it('second derivative through nested grad', async () => {
    const secondDerivative = grad((x) => grad((y) => y.mul(y).mul(y).sum())(x).sum());
    expect(Array.from(await secondDerivative(tensor([2, -1])).data())).toEqual([12, -6]);
  });

  it('valueAndGrad returns both', async () => {
    const { value, grad: g } = valueAndGrad((x) => x.square().sum())(tensor([3, 4]));
    expect(await value.item()).toBe(25);
    expect(Array.from(await g.data())).toEqual([6, 8]);
  });

  it('grads gives one gradient per argument', async () => {
    const [ga, gb] = grads((a, b) => a.mul(b).sum())([tensor([1, 2]), tensor([3, 4])]);
    expect(Array.from(await ga.data())).toEqual([3, 4]);
    expect(Array.from(await gb.data())).toEqual([1, 2]);
  });

  it('unused input gets zeros', async () => {
    const [, gb] = grads((a) => a.sum())([tensor([1, 2]), tensor([3, 4])]);
    expect(Array.from(await gb.data())).toEqual([0, 0]);
  });

  it('leaves requiresGrad of the argument as it was', () => {
    const x = tensor([1, 2]);
    grad((t) => t.sum())(x);
    expect(x.requiresGrad).toBe(false);
  });

  it('frees its intermediates', () => {
    const x = tensor([1, 2, 3]);
    const before = memory().buffers;
    const g = grad((t) => t.exp().mul(t).sum())(x);
    expect(memory().buffers).toBe(before + 1);
    g.dispose();
  });
});

describe('backward', () => {
  it('rejects a non-scalar output without a gradient', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    expect(() => backward(x.mul(2))).toThrow(/shape \[2\].*pass a gradient/);
  });

  it('rejects an output with no trainable input', () => {
    expect(() => backward(tensor([1]).sum())).toThrow(/requiresGrad/);
  });

  it('records nothing inside noGrad', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    const y = noGrad(() => x.mul(2).sum());
    expect(y.requiresGrad).toBe(false);
    expect(() => backward(y)).toThrow(/requiresGrad/);
  });

  it('does not grow memory over many steps', () => {
    const w = tensor([0.5, -0.5]);
    w.requiresGrad = true;
    const step = () =>
      tidy(() => {
        w.grad?.dispose();
        w.grad = null;
        backward(w.mul(w).exp().sum());
      });
    step();
    const before = memory();
    for (let i = 0; i < 50; i++) step();
    expect(memory()).toEqual(before);
  });

  it('names the op whose rule returns a wrong shape', () => {
    const broken = customGrad('broken', (x) => ({
      value: x.mul(2),
      gradient: (dy) => [dy.sum()],
    }));
    const x = tensor([1, 2, 3]);
    x.requiresGrad = true;
    const run = () => backward(broken(x).sum());
    expect(run).toThrow(GradientError);
    expect(run).toThrow(/custom op 'broken'.*shape \[\].*input 0, which has shape \[3\]/);
  });
});

describe('in-place updates', () => {
  it('backward rejects an input modified after the forward pass', () => {
    const p = tensor([1, 2, 3]);
    p.requiresGrad = true;
    const loss = p.mul(p).sum();
    noGrad(() => p.sub_(1));
    expect(() => backward(loss)).toThrow(
      /backward: tensor #\d+ \(shape \[3\]\), input 0 of Binary \(mul\), was modified in place after the forward pass used it/,
    );
  });

  it('backward rejects a saved output modified in place', () => {
    const p = tensor([0.5, 1]);
    p.requiresGrad = true;
    const e = p.exp();
    noGrad(() => e.mul_(2));
    expect(() => backward(e, { gradient: tensor([1, 1]) })).toThrow(
      /the output of Unary \(exp\), was modified in place/,
    );
    const loss = p.exp().sum();
    const saved = p.exp();
    const other = saved.sum();
    noGrad(() => saved.mul_(2));
    expect(() => backward(other)).toThrow(/input 0 of Reduce \(sum\), was modified in place/);
    backward(loss);
    expect(p.grad).not.toBeNull();
  });

  it('an update after backward leaves the gradient intact', async () => {
    const p = tensor([1, 2, 3]);
    p.requiresGrad = true;
    backward(p.mul(p).sum());
    noGrad(() => p.sub_(p.grad!.mul(0.5)));
    expect(Array.from(await p.data())).toEqual([0, 0, 0]);
    expect(Array.from(await p.grad!.data())).toEqual([2, 4, 6]);
  });

  it('leaves sharing a gradient get separate tensors', async () => {
    const a = tensor([1, 2]);
    a.requiresGrad = true;
    const b = tensor([3, 4]);
    b.requiresGrad = true;
    backward(a.add(b).sum());
    expect(a.grad).not.toBe(b.grad);
    backward(a.add(b).sum());
    noGrad(() => a.grad!.mul_(10));
    expect(Array.from(await a.grad!.data())).toEqual([20, 20]);
    expect(Array.from(await b.grad!.data())).toEqual([2, 2]);
  });

  it('seed gradient stays with the caller', async () => {
    const p = tensor([1, 2]);
    p.requiresGrad = true;
    const seed = tensor([5, 6]);
    backward(p, { gradient: seed });
    expect(p.grad).not.toBe(seed);
    p.grad!.dispose();
    expect(Array.from(await seed.data())).toEqual([5, 6]);
  });

  it('gradients flow through clone', async () => {
    const g = grad((x) => x.clone().mul(x).sum())(tensor([1, -2]));
    expect(Array.from(await g.data())).toEqual([2, -4]);
  });
});
