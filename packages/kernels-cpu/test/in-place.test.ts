import {
  DisposedError,
  DTypeError,
  ENGINE,
  memory,
  ShapeError,
  tensor,
  ValueError,
} from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectValues, useCpu } from './helpers';

beforeAll(useCpu);

describe('in-place binary ops', () => {
  it('add_ writes into the same storage', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([10, 20, 30]);
    const storage = x.storage;
    const before = memory();
    const returned = x.add_(y);
    expect(returned).toBe(x);
    expect(x.storage).toBe(storage);
    expectValues(x, [11, 22, 33]);
    expect(x.version).toBe(1);
    expect(memory()).toEqual(before);
    x.dispose();
    y.dispose();
  });

  it('each op matches its out-of-place form', () => {
    const a = [1.5, -2, 0.25, 4];
    const b = [0.5, 3, -0.75, 2];
    for (const op of ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const) {
      const x = tensor(a);
      const y = tensor(b);
      const expected = Array.from(x[op](y).dataSync());
      x[`${op}_`](y);
      expectValues(x, expected);
      x.dispose();
      y.dispose();
    }
  });

  it('broadcasts the other operand', () => {
    const x = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    x.mul_(tensor([1, 10, 100])).sub_(1);
    expectValues(x, [0, 19, 299, 3, 49, 599]);
    x.dispose();
  });

  it('accepts the target as the other operand', () => {
    const x = tensor([1, -2, 3]);
    x.mul_(x);
    expectValues(x, [1, 4, 9]);
    x.dispose();
  });

  it('rejects a result larger than the target', () => {
    const x = tensor([1, 2, 3]);
    expect(() => x.add_(tensor([[1], [2]]))).toThrow(ShapeError);
    expect(() => x.add_(tensor([[1], [2]]))).toThrow(
      'add_: the result has shape [2,3], but the target has shape [3]; ' +
        'an in-place op broadcasts only its other operand',
    );
    expectValues(x, [1, 2, 3]);
    expect(x.version).toBe(0);
    x.dispose();
  });

  it('rejects a result of another dtype', () => {
    const x = tensor([1, 2], [2], 'int32');
    expect(() => x.div_(2)).toThrow(DTypeError);
    expect(() => x.div_(2)).toThrow(
      'div_: the result has dtype float32, which cannot be stored in the target of dtype int32; ' +
        'use div() for a new tensor',
    );
    expect(() => x.add_(0.5)).toThrow(/add_: the result has dtype float32/);
    x.add_(3);
    expectValues(x, [4, 5]);
    expect(x.dtype).toBe('int32');
    x.dispose();
  });

  it('rejects a non-tensor operand by type', () => {
    const x = tensor([1]);
    expect(() => x.add_('2' as unknown as number)).toThrow(
      "add_: expected a Tensor or a number, got the string '2'",
    );
    x.dispose();
  });

  it('rejects a disposed target', () => {
    const x = tensor([1]);
    x.dispose();
    expect(() => x.add_(1)).toThrow(DisposedError);
  });

  it('frees the scalar it makes for a number', () => {
    const x = tensor([1, 2]);
    const before = memory();
    for (let i = 0; i < 5; i++) x.add_(1).mul_(0.5);
    expect(memory()).toEqual(before);
    x.dispose();
  });
});

describe('in-place unary ops', () => {
  it('exp_ and relu_ match their out-of-place forms', () => {
    const values = [-3, -0.5, 0, 0.5, 3];
    const x = tensor(values);
    const storage = x.storage;
    x.exp_();
    expectValues(
      x,
      values.map((v) => Math.fround(Math.exp(v))),
    );
    x.sub_(1.5).relu_();
    expectValues(
      x,
      values.map((v) => Math.max(0, Math.fround(Math.fround(Math.exp(v)) - 1.5))),
    );
    expect(x.storage).toBe(storage);
    expect(x.version).toBe(3);
    x.dispose();
  });

  it('large tensors match their out-of-place forms', () => {
    // 1000 elements take the WebAssembly path of the float32 kernels.
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 4);
    const x = tensor(values);
    const bias = tensor(values.slice(0, 100).reverse(), [100]);
    const expected = Array.from(x.exp().add(1).reshape([10, 100]).mul(bias).dataSync());
    const storage = x.storage;
    x.exp_().add_(1);
    const rows = x.reshape([10, 100]);
    x.dispose();
    rows.mul_(bias);
    expectValues(rows, expected);
    expect(rows.storage).toBe(storage);
    rows.dispose();
    bias.dispose();
  });

  it('clamp_ limits both sides and keeps NaN', () => {
    const x = tensor([-5, 0.5, 5, Number.NaN]);
    x.clamp_(-1, 1);
    expectValues(x, [-1, 0.5, 1, Number.NaN]);
    const counts = tensor([1, 5], [2], 'int32');
    expect(() => counts.clamp_(1.5, 3)).toThrow(/^clamp_: the result has dtype float32/);
    counts.dispose();
    x.dispose();
  });

  it('rejects float math on an integer tensor', () => {
    const x = tensor([1, 2], [2], 'int32');
    expect(() => x.exp_()).toThrow(
      'exp_: the result of exp on dtype int32 cannot be stored in the target; use exp() for a new tensor',
    );
    x.neg_();
    expectValues(x, [-1, -2]);
    const flags = tensor([1, 0], [2], 'bool');
    expect(() => flags.neg_()).toThrow(DTypeError);
    x.dispose();
    flags.dispose();
  });
});

describe('in-place ops on shared storage', () => {
  it('move the target to a new buffer and leave the view unchanged', () => {
    const x = tensor([1, 2, 3, 4]);
    const view = x.reshape([2, 2]);
    const shared = x.storage;
    expect(view.storage).toBe(shared);
    x.add_(1);
    expect(x.storage).not.toBe(shared);
    expectValues(x, [2, 3, 4, 5]);
    expectValues(view, [1, 2, 3, 4]);
    const before = memory();
    view.dispose();
    expect(memory().buffers).toBe(before.buffers - 1);
    x.dispose();
  });
});

describe('in-place ops and gradients', () => {
  it('reject an input that requires grad while recording', () => {
    const previous = ENGINE.setRecorder(() => undefined);
    try {
      const p = tensor([1, 2]);
      p.requiresGrad = true;
      expect(() => p.sub_(1)).toThrow(ValueError);
      expect(() => p.sub_(1)).toThrow(
        /sub_: cannot update tensor #\d+ in place while gradients are recorded/,
      );
      const q = tensor([1, 2]);
      expect(() => q.add_(p)).toThrow(/add_: cannot update tensor/);
      ENGINE.setRecorder(null);
      p.sub_(1);
      expectValues(p, [0, 1]);
      p.dispose();
      q.dispose();
    } finally {
      ENGINE.setRecorder(previous);
    }
  });
});
