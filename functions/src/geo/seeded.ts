/**
 * Deterministic "random" values for generated data (the demo city, its buildings, the bench's
 * synthetic city): a value in [0, 1) from a seed and integer keys, by murmur3's finaliser mixing.
 * No Math.random, so the same seed always draws the same city.
 */
export function seededUnit(seed: number): (...keys: number[]) => number {
  return (...keys: number[]): number => {
    let h = seed | 0;
    for (const k of keys) {
      h = Math.imul(h ^ k, 0x9e3779b1);
      h ^= h >>> 16;
      h = Math.imul(h, 0x85ebca6b);
      h ^= h >>> 13;
      h = Math.imul(h, 0xc2b2ae35);
      h ^= h >>> 16;
    }
    return (h >>> 0) / 2 ** 32;
  };
}
