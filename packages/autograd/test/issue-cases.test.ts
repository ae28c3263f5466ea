import { backward, grad } from '@tessera/autograd';
import { max, scalar, tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

describe('broadcast gradients', () => {
  const upstreamAll7 = () => tensor([7, 7, 7, 7, 7, 7], [2, 3]);
  const a = () =>
    tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);

  it('sums to 42 for a scalar operand', async () => {
    const b = scalar(1);
    b.requiresGrad = true;
    backward(a().add(b), { gradient: upstreamAll7() });
    expect(b.grad!.shape).toEqual([]);
    expect(await b.grad!.item()).toBe(42);
  });

  it('sums rows for a [3] operand', async () => {
    const b = tensor([10, 20, 30]);
    b.requiresGrad = true;
    backward(a().add(b), { gradient: a() });
    expect(b.grad!.shape).toEqual([3]);
    expect(Array.from(await b.grad!.data())).toEqual([5, 7, 9]);
  });

  it('sums columns for a [2,1] operand', async () => {
    const b = tensor([[1], [2]]);
    b.requiresGrad = true;
    backward(a().add(b), { gradient: a() });
    expect(b.grad!.shape).toEqual([2, 1]);
    expect(await b.grad!.array()).toEqual([[6], [15]]);
  });
});

describe('max gradient', () => {
  it('splits a tie evenly', async () => {
    const g = grad((x) => max(x))(tensor([0.6, 0.6, 0.3]));
    expect(Array.from(await g.data())).toEqual([0.5, 0.5, 0]);
  });

  it('splits ties per row along an axis', async () => {
    const g = grad((x) => x.max(1).sum())(
      tensor([
        [1, 3, 3],
        [2, 0, 1],
      ]),
    );
    expect(await g.array()).toEqual([
      [0, 0.5, 0.5],
      [1, 0, 0],
    ]);
  });
});

describe('repeated backward', () => {
  it('gives the same leaf gradient after zeroing', async () => {
    const a = scalar(2);
    a.requiresGrad = true;
    const b = a.mul(a);
    const c = b.mul(3);
    backward(c);
    expect(await a.grad!.item()).toBe(12);
    a.grad!.dispose();
    a.grad = null;
    backward(c);
    expect(await a.grad!.item()).toBe(12);
  });

  it('accumulates without zeroing', async () => {
    const a = scalar(2);
    a.requiresGrad = true;
    const c = a.mul(a).mul(3);
    backward(c);
    backward(c);
    expect(await a.grad!.item()).toBe(24);
  });
});
