import type { FastifyRequest } from 'fastify'
import { queryText } from './params.js'
import { decodeKey, encodeKey, PAGE_SIZES, type KeysetPage, type KeysetRequest } from '../lib/keyset.js'

/** One page of a list whose true total is known: the page asked for (?page=), kept within the pages there are. */
export interface Paging { page: number, pages: number, size: number, total: number, offset: number }

export function paging (req: FastifyRequest, total: number, size: number): Paging {
  const pages = Math.max(1, Math.ceil(total / size))
  const page = Math.min(pages, Math.max(1, Number(queryText(req, 'page', 6)) || 1))
  return { page, pages, size, total, offset: (page - 1) * size }
}

/** The list's address for another page, keeping its other query parameters. */
export function pageHref (base: string, query: Record<string, string>, page: number): string {
  const q = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== ''))
  if (page > 1) q.set('page', String(page))
  const s = q.toString()
  return s ? `${base}?${s}` : base
}

/**
 * The keyset page a request asks for: ?after= or ?before= (a key of the list's shape;
 * anything else starts at the beginning) and ?size= (50 or 100, else 50).
 */
export function keysetRequest (req: FastifyRequest, shape: ReadonlyArray<'s' | 'n'>): KeysetRequest {
  const size = Number(queryText(req, 'size', 4))
  const out: KeysetRequest = { size: (PAGE_SIZES as readonly number[]).includes(size) ? size : PAGE_SIZES[0] }
  const before = decodeKey(queryText(req, 'before', 600), shape)
  const after = before ? undefined : decodeKey(queryText(req, 'after', 600), shape)
  if (before) out.before = before
  if (after) out.after = after
  return out
}

/** What the pager partial shows: the total, the page size, and the neighbours' addresses keeping the list's sort and filters. */
export interface Pager { total: number, size: number, shown: number, next: string | null, prev: string | null, sizes: Array<{ size: number, href: string }> }

export function pager (base: string, query: Record<string, string>, page: KeysetPage<unknown>, hash = ''): Pager {
  const href = (extra: Record<string, string>) => {
    const q = new URLSearchParams(Object.entries({ ...query, ...extra }).filter(([, v]) => v !== ''))
    const s = q.toString()
    return `${s ? `${base}?${s}` : base}${hash}`
  }
  const size = page.size === PAGE_SIZES[0] ? '' : String(page.size)
  return {
    total: page.total,
    size: page.size,
    shown: page.rows.length,
    next: page.next ? href({ size, after: encodeKey(page.next) }) : null,
    prev: page.prev ? href({ size, before: encodeKey(page.prev) }) : null,
    sizes: PAGE_SIZES.map((s) => ({ size: s, href: href({ size: s === PAGE_SIZES[0] ? '' : String(s) }) }))
  }
}
