import { backward } from '@tessera/autograd';
import { crossEntropy, Dropout, Linear, ReLU, Sequential } from '@tessera/nn';
import { Adam } from '@tessera/optim';
import { memory, randomUniform, tensor, tidy } from '@tessera/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES, releaseBackend, useBackend } from '../src/backends';

/**
 * 1,000 training steps must leave every backend holding exactly what it held after the
 * first step: parameters, gradients and optimizer state, nothing more.
 */
/** Whether a backend that cannot start must fail the run (CI) instead of skipping. */
function deviceRequired(name: string): boolean {
  if (process.env.CI) return true;
  return name === 'webgpu' && process.env.TESSERA_REQUIRE_WEBGPU === '1';
}

describe.each(BACKEND_NAMES)('training memory on %s', (name) => {
  afterAll(async () => {
    await releaseBackend(name);
  });

  it('stays flat over 1,000 steps', async (context) => {
    try {
      await useBackend(name);
    } catch (error) {
      if (deviceRequired(name)) throw error;
      context.skip(`backend ${name} cannot start here: ${(error as Error).message}`);
    }
    const model = new Sequential(
      new Linear(64, 16, { seed: 1 }),
      new ReLU(),
      new Dropout(0.1, { seed: 2 }),
      new Linear(16, 10, { seed: 3 }),
    );
    const optimizer = new Adam(model.parameters(), { lr: 1e-3 });
    const x = randomUniform([8, 64], { seed: 4 });
    const y = tensor([0, 1, 2, 3, 4, 5, 6, 7], [8], 'int32');
    const step = () =>
      tidy(() => {
        optimizer.zeroGrad();
        backward(crossEntropy(model.forward(x), y));
        optimizer.step();
      });
    step();
    const after = memory();
    let losses = 0;
    for (let i = 0; i < 1000; i++) {
      step();
      if (i % 250 === 0) {
        const loss = tidy(() => crossEntropy(model.forward(x), y));
        losses += await loss.item();
        loss.dispose();
      }
    }
    expect(Number.isFinite(losses)).toBe(true);
    expect(memory()).toEqual(after);
  }, 300_000);
});
