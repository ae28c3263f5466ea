import { backward, getBackendName, nn, optim, tensor, tidy } from 'tessera';
import { describe, expect, it } from 'vitest';

describe('umbrella package', () => {
  it('runs ops on the CPU backend with no set-up', async () => {
    expect(await tensor([1, 2]).add(1).array()).toEqual([2, 3]);
    expect(getBackendName()).toBe('cpu');
  });

  it('trains a tiny model to fit XOR', async () => {
    const x = tensor([
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]);
    const y = tensor([[0], [1], [1], [0]]);
    const model = new nn.Sequential(
      new nn.Linear(2, 8, { seed: 3 }),
      new nn.Tanh(),
      new nn.Linear(8, 1, { seed: 4 }),
    );
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
    for (let step = 0; step < 300; step++) {
      tidy(() => {
        optimizer.zeroGrad();
        backward(nn.bceWithLogits(model.forward(x), y));
        optimizer.step();
      });
    }
    const predictions = await model.forward(x).sigmoid().data();
    expect(Array.from(predictions, (p) => Math.round(p))).toEqual([0, 1, 1, 0]);
  });
});
