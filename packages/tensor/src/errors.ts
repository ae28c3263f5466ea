/** Base class of every error Tessera raises on purpose. */
export class TesseraError extends Error {
  override name = 'TesseraError';
}

/** Shapes that do not fit the op (broadcasting, matmul dimensions, axes out of range). */
export class ShapeError extends TesseraError {
  override name = 'ShapeError';
}

/** A dtype the op or backend does not accept. */
export class DTypeError extends TesseraError {
  override name = 'DTypeError';
}

/** No backend, a backend that failed to start, or tensors from two backends in one op. */
export class BackendError extends TesseraError {
  override name = 'BackendError';
}

/** A tensor used after `dispose()`. */
export class DisposedError extends TesseraError {
  override name = 'DisposedError';
}

/** Other invalid arguments: a bad option, a value out of range. */
export class ValueError extends TesseraError {
  override name = 'ValueError';
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
