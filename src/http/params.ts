import type { FastifyRequest } from 'fastify'
import { NotFound } from './errors.js'

/** A positive integer path parameter; anything else is a record that does not exist. */
export function idParam (req: FastifyRequest, name = 'id'): number {
  const raw = (req.params as Record<string, string | undefined>)[name]
  if (!raw || !/^[1-9]\d{0,15}$/.test(raw)) throw new NotFound()
  return Number(raw)
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
