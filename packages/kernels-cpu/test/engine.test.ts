import { arange, eye, memory, ones, tensor, tidy, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './helpers';

beforeAll(useCpu);

describe('tidy', () => {
  it('frees its tensors when the function throws', () => {
    const before = memory();
    for (let i = 0; i < 10; i++) {
      expect(() =>
        tidy(() => {
          ones([100]).add(1);
          throw new Error('step failed');
        }),
      ).toThrow('step failed');
    }
    expect(memory()).toEqual(before);
  });

  it('frees its tensors when the function returns a promise', () => {
    const before = memory();
    expect(() => tidy(async () => ones([3]).add(1))).toThrow(/returned a Promise/);
    expect(memory()).toEqual(before);
  });

  it('rejects a value that is not a function', () => {
    expect(() => tidy(5 as unknown as () => void)).toThrow('tidy: expected a function, got number');
  });
});

describe('argument checks', () => {
  it('rejects unknown dtypes by name', () => {
    expect(() => zeros([2], 'float16' as 'float32')).toThrow(
      "full: unknown dtype 'float16'; expected one of float32, int32, bool, float64",
    );
    expect(() => tensor([1, 2], undefined, 'int8' as 'int32')).toThrow(
      /tensor: unknown dtype 'int8'/,
    );
    expect(() => tensor([1]).cast('int8' as 'int32')).toThrow(/cast: unknown dtype 'int8'/);
  });

  it('rejects invalid and oversized shapes', () => {
    expect(() => eye(-1)).toThrow(/eye: invalid shape \[-1,-1\]/);
    expect(() => eye(2.5)).toThrow(/eye: invalid shape \[2.5,2.5\]/);
    expect(() => zeros([1e6, 1e6])).toThrow(
      /full: shape \[1000000,1000000\] has 1000000000000 elements, over the limit/,
    );
    expect(() => arange(0, Number.POSITIVE_INFINITY)).toThrow(
      /arange: start and stop must be finite/,
    );
    expect(() => arange(0, 1e10)).toThrow(/arange: shape \[10000000000\] has/);
  });

  it('rejects operands that are not tensors or numbers', () => {
    const x = tensor([1]);
    expect(() => x.add('x' as unknown as number)).toThrow(
      "add: expected a Tensor or a number, got the string 'x'",
    );
    expect(() => x.mul(null as unknown as number)).toThrow(
      'mul: expected a Tensor or a number, got null',
    );
    expect(() => x.sub([1, 2] as unknown as number)).toThrow(
      /sub: .*an array \(wrap it with tensor\(\)\)/,
    );
  });

  it('casts NaN to true in tensor() as in cast', () => {
    expect(Array.from(tensor([Number.NaN, 0], [2], 'bool').dataSync())).toEqual([1, 0]);
    expect(Array.from(tensor([Number.NaN, 0]).cast('bool').dataSync())).toEqual([1, 0]);
  });
});
