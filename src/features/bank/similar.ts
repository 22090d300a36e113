/**
 * Near-duplicate questions, pure: the same fact asked twice in similar words
 * pads a bank without teaching more. Two questions are compared by the
 * character trigrams of their stems in the bank's primary language (Chinese
 * puts no spaces between words, so characters, not words): the Jaccard similarity
 * |A ∩ B| / |A ∪ B| of the two trigram sets. A pair at or above the threshold
 * is reported.
 *
 * An inverted index keeps this near-linear: only questions that share a
 * trigram are ever compared, and trigrams found in very many questions (the
 * stock phrases of every exam item, such as 下列…的是) are left out of the
 * index: two questions that share nothing but stock phrases are not compared
 * (they cannot reach the threshold unless both are almost all stock phrase).
 */

/**
 * The similarity at which two stems are reported. Chosen on the 2026.2 bank (656 questions):
 * at 0.5 it reports 11 pairs, among them the 2006 occupational standard asked twice and the
 * no-stopping distances of the road traffic rules; between 0.45 and 0.5 the pairs were stems
 * built on the same statute phrase that ask different facts.
 */
export const SIMILAR_THRESHOLD = 0.5

const STRIP = /[\s\p{P}\p{S}\u3000]+/gu

export function trigrams (text: string): Set<string> {
  const s = text.normalize('NFKC').toLowerCase().replace(STRIP, '')
  const out = new Set<string>()
  for (let i = 0; i + 3 <= s.length; i++) out.add(s.slice(i, i + 3))
  if (s.length > 0 && s.length < 3) out.add(s)
  return out
}

export function jaccard (a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 0
  const [small, large] = a.size <= b.size ? [a, b] : [b, a]
  let shared = 0
  for (const t of small) if (large.has(t)) shared++
  return shared / (a.size + b.size - shared)
}

export interface SimilarPair { a: string, b: string, score: number }

/** Every pair of items at or above `threshold`, highest first. */
export function similarPairs (items: Array<{ id: string, text: string }>, threshold = SIMILAR_THRESHOLD): SimilarPair[] {
  const sets = items.map((i) => trigrams(i.text))
  const postings = new Map<string, number[]>()
  sets.forEach((set, n) => { for (const t of set) { let p = postings.get(t); if (!p) postings.set(t, (p = [])); p.push(n) } })
  // A trigram in more than 2% of the bank (at least 20 questions) is a stock phrase.
  const common = Math.max(20, Math.ceil(items.length * 0.02))
  const pairs: SimilarPair[] = []
  const shared = new Map<number, number>()
  for (let n = 0; n < sets.length; n++) {
    shared.clear()
    for (const t of sets[n]!) {
      const p = postings.get(t)!
      if (p.length > common) continue
      for (const m of p) if (m > n) shared.set(m, (shared.get(m) ?? 0) + 1)
    }
    for (const m of shared.keys()) {
      const score = jaccard(sets[n]!, sets[m]!)
      if (score >= threshold) pairs.push({ a: items[n]!.id, b: items[m]!.id, score })
    }
  }
  return pairs.sort((x, y) => y.score - x.score || x.a.localeCompare(y.a))
}
