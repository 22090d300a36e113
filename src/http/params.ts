import type { FastifyRequest } from 'fastify'
import { NotFound } from './errors.js'

/**
 * The largest id a row can have in most tables: PostgreSQL's `integer` (SQLite's integers are
 * 64-bit, but both engines must answer alike). Only `audit_events`, `attempt_items` and
 * `practice_answers` have `bigint` ids there, and no route names one of those rows.
 */
export const MAX_ID = 2_147_483_647

/**
 * A typed id (an address, a query string, a form field): a positive integer within the
 * `integer` range, or within JavaScript's exact integers for a `bigint` column; undefined for
 * anything else, which names no row on either engine and must not reach PostgreSQL (it refuses
 * an out-of-range value with an error, a 500, where SQLite would find nothing).
 */
export function parseId (raw: unknown, opts: { bigint?: boolean } = {}): number | undefined {
  if (typeof raw !== 'string' || !/^[1-9]\d{0,15}$/.test(raw)) return undefined
  const n = Number(raw)
  return n <= (opts.bigint ? Number.MAX_SAFE_INTEGER : MAX_ID) ? n : undefined
}

/** A positive integer path parameter (see parseId); anything else is a record that does not exist. */
export function idParam (req: FastifyRequest, name = 'id', opts: { bigint?: boolean } = {}): number {
  const id = parseId((req.params as Record<string, string | undefined>)[name], opts)
  if (id === undefined) throw new NotFound()
  return id
}

/** An id in the query string (a filter such as ?enterprise=), or undefined when it is not one. */
export function queryId (req: FastifyRequest, name: string): number | undefined {
  return parseId(queryText(req, name, 20))
}

/** The audit fields every change made through a request carries. */
export function auditFrom (req: FastifyRequest, action: string) {
  return { actorId: req.actor?.id ?? null, action, clientIp: req.ip }
}

/** A single-valued query string parameter, or '' (repeated or missing). */
export function queryText (req: FastifyRequest, name: string, max = 100): string {
  const v = (req.query as Record<string, unknown>)[name]
  return typeof v === 'string' ? v.trim().slice(0, max) : ''
}
