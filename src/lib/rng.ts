import { createHash } from 'node:crypto'

/**
 * A seeded pseudo-random generator (xoshiro128**): the same seed always gives
 * the same sequence, on every machine. For assembling papers, not for secrets.
 */
export interface Rng {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [0, n). */
  int(n: number): number
}

export function seededRng (seed: string): Rng {
  const h = createHash('sha256').update(seed).digest()
  let a = h.readUInt32LE(0); let b = h.readUInt32LE(4); let c = h.readUInt32LE(8); let d = h.readUInt32LE(12)
  if ((a | b | c | d) === 0) a = 1
  const next32 = () => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0
    const t = (b << 9) >>> 0
    c ^= a; d ^= b; b ^= c; a ^= d
    c = (c ^ t) >>> 0
    d = rotl(d, 11)
    return result
  }
  return {
    next: () => next32() / 4294967296,
    int: (n: number) => Math.floor((next32() / 4294967296) * n)
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** Fisher–Yates, in place, driven by the seeded generator. */
export function shuffle<T> (items: T[], rng: Rng): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const tmp = items[i]!
    items[i] = items[j]!
    items[j] = tmp
  }
  return items
}
