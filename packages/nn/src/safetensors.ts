import { type DType, type Tensor, tensor, ValueError } from '@tessera/tensor';
import type { StateDict } from './module';

const TO_FORMAT: Record<DType, string> = {
  float32: 'F32',
  float64: 'F64',
  int32: 'I32',
  bool: 'BOOL',
};
const FROM_FORMAT: Record<string, DType> = {
  F32: 'float32',
  F64: 'float64',
  I32: 'int32',
  BOOL: 'bool',
};
const BYTES: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };

/** Safetensors' own limit on the JSON header, which guards against a corrupt length. */
const MAX_HEADER_BYTES = 100_000_000;

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * Encodes tensors in the safetensors format: an 8-byte little-endian header length, a JSON
 * header (name to dtype, shape and byte range; padded with spaces to 8 bytes), then the raw
 * little-endian data. PyTorch's `safetensors.torch.load_file` reads the result.
 *
 * @example
 * const bytes = await serializeSafetensors(model.stateDict());
 */
export async function serializeSafetensors(
  tensors: StateDict,
  metadata: Record<string, string> = {},
): Promise<Uint8Array> {
  const header: Record<string, HeaderEntry | Record<string, string>> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    const values = await t.data();
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
    header[name] = {
      dtype: TO_FORMAT[t.dtype],
      shape: [...t.shape],
      data_offsets: [offset, offset + bytes.length],
    };
    chunks.push(bytes);
    offset += bytes.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - ((8 + new TextEncoder().encode(json).length) % 8)) % 8);
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let position = 8 + headerBytes.length;
  for (const chunk of chunks) {
    out.set(chunk, position);
    position += chunk.length;
  }
  return out;
}

function parseHeader(bytes: Uint8Array): { header: Record<string, unknown>; dataStart: number } {
  if (bytes.length < 8)
    throw new ValueError(`safetensors: file of ${bytes.length} bytes is too short for a header`);
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (length > MAX_HEADER_BYTES || 8 + length > bytes.length) {
    throw new ValueError(
      `safetensors: header length ${length} is invalid for a file of ${bytes.length} bytes`,
    );
  }
  const text = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw new ValueError(`safetensors: the header is not valid JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new ValueError('safetensors: the header is not a JSON object');
  }
  return { header: header as Record<string, unknown>, dataStart: 8 + length };
}

function decodeEntry(name: string, entry: HeaderEntry, data: Uint8Array): Tensor {
  const dtype = FROM_FORMAT[entry.dtype];
  if (dtype === undefined) {
    throw new ValueError(
      `safetensors: tensor '${name}' has dtype ${entry.dtype}; supported: F32, F64, I32, BOOL`,
    );
  }
  const [begin, end] = entry.data_offsets ?? [];
  const count = (entry.shape ?? []).reduce((a, b) => a * b, 1);
  if (
    !(
      Number.isInteger(begin) &&
      Number.isInteger(end) &&
      begin >= 0 &&
      end <= data.length &&
      end - begin === count * BYTES[dtype]
    )
  ) {
    throw new ValueError(
      `safetensors: tensor '${name}' has byte range [${begin}, ${end}) that does not fit its shape [${entry.shape}] ` +
        `and dtype ${entry.dtype} within ${data.length} data bytes`,
    );
  }
  const copy = data.slice(begin, end);
  const view =
    dtype === 'float32'
      ? new Float32Array(copy.buffer)
      : dtype === 'float64'
        ? new Float64Array(copy.buffer)
        : dtype === 'int32'
          ? new Int32Array(copy.buffer)
          : copy;
  return tensor(view, entry.shape, dtype);
}

/** Decodes safetensors bytes into tensors on the active backend, in header order. */
export function parseSafetensors(bytes: Uint8Array): {
  tensors: StateDict;
  metadata: Record<string, string>;
} {
  const { header, dataStart } = parseHeader(bytes);
  const data = bytes.subarray(dataStart);
  const tensors: StateDict = new Map();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    tensors.set(name, decodeEntry(name, entry as HeaderEntry, data));
  }
  return { tensors, metadata };
}

/**
 * Writes a state dict to `path` as safetensors (Node only). The bytes go to a temporary file
 * in the same folder that is then renamed over `path`, so a crash never leaves a half-written
 * file and an existing file is replaced only by a complete one.
 *
 * @example
 * await saveSafetensors('model.safetensors', model.stateDict());
 */
export async function saveSafetensors(
  path: string,
  tensors: StateDict,
  metadata: Record<string, string> = {},
): Promise<void> {
  const bytes = await serializeSafetensors(tensors, metadata);
  const fs = await import('node:fs/promises');
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.rm(temporary, { force: true });
    throw error;
  }
}

/** Reads a safetensors file (Node only) into tensors on the active backend, with its metadata. */
export async function readSafetensors(
  path: string,
): Promise<{ tensors: StateDict; metadata: Record<string, string> }> {
  const fs = await import('node:fs/promises');
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(path);
  } catch (error) {
    throw new ValueError(`loadSafetensors: cannot read '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parseSafetensors(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (error) {
    throw new ValueError(`loadSafetensors: '${path}': ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Reads a safetensors file (Node only) into tensors on the active backend. */
export async function loadSafetensors(path: string): Promise<StateDict> {
  return (await readSafetensors(path)).tensors;
}
