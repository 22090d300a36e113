import { describe, test, expect } from 'vitest'
import { decodeKey, encodeKey, pageSorted, keysetChunks, toPage, type Key } from '../../../src/lib/keyset.js'
import { pager } from '../../../src/http/paging.js'

const rows = Array.from({ length: 7 }, (_, i) => ({ name: ['b', 'a', 'c', 'a', 'b', 'c', 'a'][i]!, id: i + 1 }))
const keyOf = (r: { name: string, id: number }): Key => [r.name, r.id]
const compare = (a: Key, b: Key) => String(a[0]).localeCompare(String(b[0])) || Number(a[1]) - Number(b[1])
const sorted = [...rows].sort((x, y) => compare(keyOf(x), keyOf(y)))

describe('keys in URLs', () => {
  test('round trip, and anything else is no key', () => {
    expect(decodeKey(encodeKey(['王伟', 12]), ['s', 'n'])).toEqual(['王伟', 12])
    expect(decodeKey(encodeKey(['王伟', 12]), ['n', 'n'])).toBeUndefined()
    expect(decodeKey(encodeKey(['x', 1.5]), ['s', 'n'])).toBeUndefined()
    expect(decodeKey('not json!', ['s', 'n'])).toBeUndefined()
    expect(decodeKey('', ['s', 'n'])).toBeUndefined()
  })
})

describe('pages of sorted rows', () => {
  test('forward then back over every row, none twice, the ends marked', () => {
    const forward: number[][] = []
    let page = pageSorted(sorted, { size: 3 }, keyOf, compare)
    expect(page.prev).toBeNull()
    forward.push(page.rows.map((r) => r.id))
    while (page.next) {
      page = pageSorted(sorted, { size: 3, after: page.next }, keyOf, compare)
      forward.push(page.rows.map((r) => r.id))
    }
    expect(forward.flat()).toEqual(sorted.map((r) => r.id))
    expect(forward.map((p) => p.length)).toEqual([3, 3, 1])
    const back: number[][] = [page.rows.map((r) => r.id)]
    while (page.prev) {
      page = pageSorted(sorted, { size: 3, before: page.prev }, keyOf, compare)
      back.unshift(page.rows.map((r) => r.id))
    }
    expect(back).toEqual(forward)
    expect(page.total).toBe(7)
  })

  test('a page read in reverse (before a key) comes back in list order', () => {
    const page = toPage([{ name: 'c', id: 3 }, { name: 'b', id: 5 }, { name: 'b', id: 1 }], { size: 2, before: ['c', 6] }, 7, keyOf)
    expect(page.rows.map((r) => r.id)).toEqual([5, 3])
    expect(page.prev).toEqual(['b', 5])
    expect(page.next).toEqual(['c', 3])
  })
})

describe('chunks for exports', () => {
  test('every row once, in bounded chunks', async () => {
    const seen: number[][] = []
    const fetch = (after: Key | undefined, size: number) => sorted.filter((r) => !after || compare(keyOf(r), after) > 0).slice(0, size)
    for await (const chunk of keysetChunks(fetch, keyOf, 3)) seen.push(chunk.map((r) => r.id))
    expect(seen.map((c) => c.length)).toEqual([3, 3, 1])
    expect(seen.flat()).toEqual(sorted.map((r) => r.id))
  })
})

describe('the pager', () => {
  test('links keep the filters and size, and a prefixed list keeps to its own parameters', () => {
    const page = toPage(sorted.slice(0, 4), { size: 3, after: ['a', 0] }, 7, keyOf)
    const p = pager('/sittings', { enterprise: '4' }, { ...page, size: 100 }, { hash: '#pending', prefix: 'pending-' })
    expect(p.next).toMatch(/^\/sittings\?enterprise=4&pending-size=100&pending-after=[\w-]+#pending$/)
    expect(p.prev).toMatch(/^\/sittings\?enterprise=4&pending-size=100&pending-before=[\w-]+#pending$/)
    expect(p.sizes.map((s) => s.href)).toEqual(['/sittings?enterprise=4#pending', '/sittings?enterprise=4&pending-size=100#pending'])
  })
})
