import { argmax, argmin, logSoftmax, max, min, prod, softmax, sum } from '@tessera/tensor';
import { test } from 'vitest';
import { describeEachMode, expectMatchesCpu, seededIntegers, seededValues } from './helpers';

describeEachMode('Reduce', (context) => {
  const x = { shape: [3, 4, 5], values: seededValues(60, 1) };

  test('every op over each axis set', async () => {
    const axisSets = [[0], [1], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]];
    for (const axes of axisSets) {
      await expectMatchesCpu(context, [x], (t) => sum(t, axes), 1e-5);
      await expectMatchesCpu(context, [x], (t) => prod(t, axes), 1e-5);
      await expectMatchesCpu(context, [x], (t) => max(t, axes), 0);
      await expectMatchesCpu(context, [x], (t) => min(t, axes, true), 0);
    }
  });

  test('NaN propagates through max and min', async () => {
    const withNaN = { shape: [2, 3], values: [1, Number.NaN, 3, -Infinity, 2, 1] };
    await expectMatchesCpu(context, [withNaN], (t) => max(t, 1), 0);
    await expectMatchesCpu(context, [withNaN], (t) => min(t, 0), 0);
    await expectMatchesCpu(context, [withNaN], (t) => sum(t), 0);
  });

  test('empty reductions give the identity', async () => {
    const empty = { shape: [2, 0], values: [] };
    await expectMatchesCpu(context, [empty], (t) => sum(t, 1), 0);
    await expectMatchesCpu(context, [empty], (t) => prod(t, 1), 0);
    await expectMatchesCpu(context, [empty], (t) => sum(t, 0), 0);
  });

  test('int32 and bool sums', async () => {
    const ints = {
      shape: [4, 6],
      dtype: 'int32' as const,
      values: seededIntegers(24, 2, -100, 100),
    };
    await expectMatchesCpu(context, [ints], (t) => sum(t, 1), 0);
    await expectMatchesCpu(context, [ints], (t) => max(t), 0);
    const bools = { shape: [5], dtype: 'bool' as const, values: [1, 0, 1, 1, 0] };
    await expectMatchesCpu(context, [bools], (t) => sum(t), 0);
    await expectMatchesCpu(context, [bools], (t) => max(t), 0);
  });

  test('long reductions run in passes', async () => {
    const long = { shape: [3, 10000], values: seededValues(30000, 3) };
    await expectMatchesCpu(context, [long], (t) => sum(t, 1), 1e-4);
    await expectMatchesCpu(context, [long], (t) => max(t, 1), 0);
    await expectMatchesCpu(context, [long], (t) => sum(t, 0), 1e-5);
    await expectMatchesCpu(context, [long], (t) => sum(t), 1e-3);
    const leading = { shape: [9000, 2], values: seededValues(18000, 4) };
    await expectMatchesCpu(context, [leading], (t) => min(t, 0), 0);
  });
});

describeEachMode('ArgReduce', (context) => {
  test('first extreme along each axis', async () => {
    const ties = { shape: [3, 4], values: [1, 3, 3, 2, 5, 5, 5, 5, -1, -2, -2, 0] };
    for (const axis of [0, 1]) {
      await expectMatchesCpu(context, [ties], (t) => argmax(t, axis), 0);
      await expectMatchesCpu(context, [ties], (t) => argmin(t, axis), 0);
    }
  });

  test('NaN counts as the extreme', async () => {
    const withNaN = { shape: [2, 4], values: [1, Number.NaN, 5, Number.NaN, Number.NaN, 2, 9, 1] };
    await expectMatchesCpu(context, [withNaN], (t) => argmax(t, 1), 0);
    await expectMatchesCpu(context, [withNaN], (t) => argmin(t, 1), 0);
  });

  test('axes longer than one pass, with ties and NaN across chunks', async () => {
    const values = seededValues(2 * 10000, 12).map((v) => Math.round(v * 100));
    await expectMatchesCpu(context, [{ shape: [2, 10000], values }], (t) => argmax(t, 1), 0);
    await expectMatchesCpu(context, [{ shape: [10000, 2], values }], (t) => argmin(t, 0), 0);
    const withNaN = [...values];
    withNaN[9000] = Number.NaN;
    withNaN[15000] = Number.NaN;
    await expectMatchesCpu(
      context,
      [{ shape: [2, 10000], values: withNaN }],
      (t) => argmax(t, 1),
      0,
    );
  });

  test('middle axis of a 3-D tensor', async () => {
    const x = { shape: [2, 5, 3], values: seededValues(30, 5) };
    await expectMatchesCpu(context, [x], (t) => argmax(t, 1), 0);
  });
});

describeEachMode('Softmax', (context) => {
  const logits = { shape: [3, 5], values: seededValues(15, 6, -20, 20) };

  test('softmax and log-softmax on each axis', async () => {
    for (const axis of [0, 1]) {
      await expectMatchesCpu(context, [logits], (t) => softmax(t, axis), 1e-5);
      await expectMatchesCpu(context, [logits], (t) => logSoftmax(t, axis), 1e-5);
    }
  });

  test('large logits and infinities', async () => {
    const extreme = {
      shape: [4, 3],
      values: [1000, 999, 998, -Infinity, -Infinity, -Infinity, Infinity, 0, 1, -Infinity, 0, 1],
    };
    await expectMatchesCpu(context, [extreme], (t) => softmax(t, 1), 1e-5);
    await expectMatchesCpu(context, [extreme], (t) => logSoftmax(t, 1), 1e-5);
  });

  test('rows longer than one pass', async () => {
    const long = { shape: [2, 9000], values: seededValues(18000, 13, -30, 30) };
    await expectMatchesCpu(context, [long], (t) => softmax(t, 1), 1e-5);
    await expectMatchesCpu(context, [long], (t) => logSoftmax(t, 1), 1e-5);
    await expectMatchesCpu(
      context,
      [{ shape: [9000, 2], values: long.values }],
      (t) => softmax(t, 0),
      1e-5,
    );
  });

  test('rank-0 and middle-axis inputs', async () => {
    await expectMatchesCpu(context, [{ shape: [], values: [3] }], (t) => softmax(t, 0), 0);
    const cube = { shape: [2, 3, 4], values: seededValues(24, 7) };
    await expectMatchesCpu(context, [cube], (t) => logSoftmax(t, 1), 1e-5);
  });
});
