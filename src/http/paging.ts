import type { FastifyRequest } from 'fastify'
import { queryText } from './params.js'
import { decodeKey, encodeKey, PAGE_SIZES, type KeysetPage, type KeysetRequest } from '../lib/keyset.js'

/** An address with query parameters, the empty ones left out. */
export function hrefWith (base: string, query: Record<string, string>): string {
  const s = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString()
  return s ? `${base}?${s}` : base
}

/**
 * The keyset page a request asks for: ?after= or ?before= (a key of the list's shape;
 * anything else starts at the beginning) and ?size= (50 or 100, else 50). A page with
 * more than one list names each list's parameters with a prefix ("pending-after").
 */
export function keysetRequest (req: FastifyRequest, shape: ReadonlyArray<'s' | 'n'>, prefix = ''): KeysetRequest {
  const size = Number(queryText(req, `${prefix}size`, 4))
  const out: KeysetRequest = { size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0] }
  const before = decodeKey(queryText(req, `${prefix}before`, 600), shape)
  const after = before ? undefined : decodeKey(queryText(req, `${prefix}after`, 600), shape)
  if (before) out.before = before
  if (after) out.after = after
  return out
}

/** What the pager partial shows: the total, the page size, and the neighbours' addresses keeping the list's sort and filters. */
export interface Pager { total: number, size: number, shown: number, next: string | null, prev: string | null, sizes: Array<{ size: number, href: string }> }

export function pager (base: string, query: Record<string, string>, page: KeysetPage<unknown>, opts: { hash?: string, prefix?: string } = {}): Pager {
  const { hash = '', prefix = '' } = opts
  const href = (extra: Record<string, string>) => hrefWith(base, { ...query, ...extra }) + hash
  const size = page.size === PAGE_SIZES[0] ? '' : String(page.size)
  return {
    total: page.total,
    size: page.size,
    shown: page.rows.length,
    next: page.next ? href({ [`${prefix}size`]: size, [`${prefix}after`]: encodeKey(page.next) }) : null,
    prev: page.prev ? href({ [`${prefix}size`]: size, [`${prefix}before`]: encodeKey(page.prev) }) : null,
    sizes: PAGE_SIZES.map((s) => ({ size: s, href: href({ [`${prefix}size`]: s === PAGE_SIZES[0] ? '' : String(s) }) }))
  }
}
