import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Linear,
  loadSafetensors,
  parseSafetensors,
  Sequential,
  saveSafetensors,
  serializeSafetensors,
} from '@tessera/nn';
import { tensor } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';

describe('safetensors', () => {
  it('writes the documented byte layout', async () => {
    const bytes = await serializeSafetensors(new Map([['a', tensor([1, 2])]]));
    const json = '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}';
    // 8 + 54 header bytes, padded with two spaces to a multiple of 8.
    const padded = `${json}  `;
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(Number(view.getBigUint64(0, true))).toBe(padded.length);
    expect(new TextDecoder().decode(bytes.subarray(8, 8 + padded.length))).toBe(padded);
    expect(view.getFloat32(8 + padded.length, true)).toBe(1);
    expect(view.getFloat32(8 + padded.length + 4, true)).toBe(2);
    expect(bytes.length).toBe(8 + padded.length + 8);
  });

  it('round-trips every dtype and metadata', async () => {
    const state = new Map([
      [
        'w',
        tensor([
          [1.5, -2],
          [3, 4],
        ]),
      ],
      ['d', tensor([0.1], [1], 'float64')],
      ['i', tensor([7, -8], [2], 'int32')],
      ['b', tensor([true, false], [2], 'bool')],
      ['empty', tensor([], [0, 3])],
    ]);
    const { tensors, metadata } = parseSafetensors(
      await serializeSafetensors(state, { format: 'pt' }),
    );
    expect(metadata).toEqual({ format: 'pt' });
    for (const [name, original] of state) {
      const loaded = tensors.get(name)!;
      expect(loaded.dtype).toBe(original.dtype);
      expect(loaded.shape).toEqual(original.shape);
      expect(Array.from(await loaded.data())).toEqual(Array.from(await original.data()));
    }
  });

  it('saves and loads a model through a file, leaving no temporary file', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-st-'));
    const path = join(folder, 'model.safetensors');
    const model = new Sequential(new Linear(3, 2, { seed: 1 }));
    await saveSafetensors(path, model.stateDict());
    expect(readdirSync(folder)).toEqual(['model.safetensors']);
    const other = new Sequential(new Linear(3, 2, { seed: 2 }));
    other.loadStateDict(await loadSafetensors(path));
    expect(Array.from(await other.parameters()[0].data())).toEqual(
      Array.from(await model.parameters()[0].data()),
    );
  });

  it('rejects truncated and corrupt files', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-st-'));
    const path = join(folder, 'bad.safetensors');
    const good = await serializeSafetensors(new Map([['a', tensor([1, 2, 3])]]));
    writeFileSync(path, good.subarray(0, good.length - 4));
    await expect(loadSafetensors(path)).rejects.toThrow(/tensor 'a' has byte range \[0, 12\)/);
    expect(() => parseSafetensors(new Uint8Array(4))).toThrow(/too short/);
    const hugeHeader = new Uint8Array(16);
    new DataView(hugeHeader.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => parseSafetensors(hugeHeader)).toThrow(/header length/);
    expect(readFileSync(path).length).toBe(good.length - 4);
  });
});
