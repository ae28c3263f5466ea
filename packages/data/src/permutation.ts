import { Random } from '@tessera/tensor';

/** Returns the integers 0..n-1 in an order that depends only on `seed` (Fisher-Yates). */
export function seededPermutation(n: number, seed: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  return new Random(seed).shuffle(order);
}

/**
 * Combines a base seed and an epoch number into one 32-bit seed.
 *
 * `Random` seeds its state with splitmix32, which adds a constant per step, so the seeds
 * `s` and `s + 0x9e3779b9` would give overlapping streams. Hashing through the murmur3
 * finalizer, a bijection on 32-bit integers, avoids that: for a fixed seed, every epoch
 * below 2^32 gets a distinct derived seed.
 */
export function epochSeed(seed: number, epoch: number): number {
  return finalizeHash(finalizeHash(seed >>> 0) ^ (epoch >>> 0));
}

function finalizeHash(value: number): number {
  let h = value;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
