import type { FastifyRequest } from 'fastify'
import { queryText } from './params.js'

/**
 * Numbered pages (?page=) of a list whose true total is known: kept for the supervision lists
 * (inspections, notices, messages, sites, bravery reports), which are bounded by one unit's
 * work; the lists that grow with a province's guards and history page by keyset (paging.ts).
 */
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
