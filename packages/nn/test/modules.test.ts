import { backward } from '@tessera/autograd';
import { crossEntropy, Dropout, Linear, Module, ReLU, Sequential, Tanh } from '@tessera/nn';
import { memory, type Tensor, tensor, tidy } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

class TwoLayer extends Module {
  fc1 = new Linear(4, 3, { seed: 1 });
  act = new Tanh();
  fc2 = new Linear(3, 2, { seed: 2 });

  forward(x: Tensor): Tensor {
    return this.fc2.forward(this.act.forward(this.fc1.forward(x)));
  }
}

describe('Module', () => {
  it('names parameters as PyTorch does', () => {
    expect(new TwoLayer().namedParameters().map(([name]) => name)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
    ]);
    const sequential = new Sequential(new Linear(2, 2), new ReLU(), new Linear(2, 1));
    expect([...sequential.stateDict().keys()]).toEqual([
      '0.weight',
      '0.bias',
      '2.weight',
      '2.bias',
    ]);
    expect(sequential.numParameters()).toBe(6 + 3);
  });

  it('switches train and eval recursively', () => {
    const model = new Sequential(new Linear(2, 2), new Dropout(0.5));
    model.eval();
    expect(model.modules().every((m) => !m.training)).toBe(true);
    model.train();
    expect(model.modules().every((m) => m.training)).toBe(true);
  });

  it('loads a state dict and rejects a wrong shape', async () => {
    const a = new TwoLayer();
    const b = new TwoLayer();
    b.fc1.weight.assign(tensor(new Float32Array(12).fill(0.25), [3, 4]));
    a.loadStateDict(b.stateDict());
    expect(Array.from(await a.fc1.weight.data())).toEqual(new Array(12).fill(0.25));
    const wrong = new Map(b.stateDict());
    wrong.set('fc2.bias', tensor([1, 2, 3]));
    expect(() => a.loadStateDict(wrong)).toThrow(/'fc2.bias' has shape \[3\].*\[2\]/);
    const missing = new Map(b.stateDict());
    missing.delete('fc1.bias');
    expect(() => a.loadStateDict(missing)).toThrow(/missing keys \[fc1.bias\]/);
  });
});

describe('shared layers', () => {
  class Tied extends Module {
    first = new Linear(3, 3);
    middle = new ReLU();
    second = this.first;

    forward(x: Tensor): Tensor {
      return this.second.forward(this.middle.forward(this.first.forward(x)));
    }
  }

  it('list each parameter once', () => {
    const model = new Tied();
    expect(model.parameters()).toHaveLength(2);
    expect(model.namedParameters().map(([name]) => name)).toEqual(['first.weight', 'first.bias']);
    expect(model.numParameters()).toBe(12);
    expect([...model.stateDict().keys()]).toEqual([
      'first.weight',
      'first.bias',
      'second.weight',
      'second.bias',
    ]);
    model.dispose();
  });
});

describe('Linear', () => {
  it('computes x Wᵀ + b', async () => {
    const fc = new Linear(2, 3);
    fc.weight.assign(
      tensor([
        [1, 2],
        [3, 4],
        [5, 6],
      ]),
    );
    fc.bias!.assign(tensor([0.5, 0, -1]));
    expect(
      await fc
        .forward(
          tensor([
            [1, 1],
            [2, 0],
          ]),
        )
        .array(),
    ).toEqual([
      [3.5, 7, 10],
      [2.5, 6, 9],
    ]);
  });

  it('initialises within ±1/sqrt(inFeatures)', async () => {
    const fc = new Linear(16, 8, { seed: 3 });
    for (const v of await fc.weight.data()) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
    for (const v of await fc.bias!.data()) expect(Math.abs(v)).toBeLessThanOrEqual(0.25);
  });

  it('rejects a wrong input width', () => {
    expect(() => new Linear(3, 2).forward(tensor([[1, 2]]))).toThrow(
      /Linear: input of shape \[1,2\].*inFeatures = 3/,
    );
  });
});

describe('Dropout', () => {
  it('keeps values scaled by 1/(1-p) in training', async () => {
    const drop = new Dropout(0.3, { seed: 5 });
    const out = await drop.forward(tensor(new Float32Array(10_000).fill(1))).data();
    let kept = 0;
    for (const v of out) {
      if (v !== 0) {
        expect(v).toBeCloseTo(1 / 0.7, 6);
        kept++;
      }
    }
    expect(kept / out.length).toBeGreaterThan(0.67);
    expect(kept / out.length).toBeLessThan(0.73);
  });

  it('is the identity in eval', async () => {
    const drop = new Dropout(0.3).eval();
    const x = tensor([1, 2, 3]);
    expect(drop.forward(x)).toBe(x);
  });

  it('rejects p outside [0, 1]', () => {
    expect(() => new Dropout(1.5)).toThrow(/p must be in \[0, 1\], got 1.5/);
  });
});

describe('training memory', () => {
  it('does not grow over steps', () => {
    const model = new TwoLayer();
    const x = tensor([
      [1, 2, 3, 4],
      [0, 1, 0, 1],
    ]);
    const y = tensor([0, 1], [2], 'int32');
    const step = () =>
      tidy(() => {
        model.zeroGrad();
        backward(crossEntropy(model.forward(x), y));
      });
    step();
    const before = memory();
    for (let i = 0; i < 20; i++) step();
    expect(memory()).toEqual(before);
  });
});
