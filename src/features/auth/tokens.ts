import { createHash, timingSafeEqual } from 'node:crypto'

// Lowercase letters and digits without the look-alikes l, o, 0 and 1: 32 symbols, 5 bits each.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'

/** Maps each random byte onto the 32-letter alphabet (its top five bits). */
export function randomString (bytes: number): string {
  const buf = new Uint8Array(bytes)
  crypto.getRandomValues(buf)
  let out = ''
  for (const b of buf) out += ALPHABET[b >> 3]
  return out
}

export const SESSION_ID_BYTES = 16 // 80 bits
export const SESSION_SECRET_BYTES = 32 // 160 bits
export const INACTIVITY_TIMEOUT_MS = 10 * 24 * 60 * 60 * 1000
export const ACTIVITY_CHECK_INTERVAL_MS = 60 * 60 * 1000

export interface NewSessionToken {
  id: string
  secret: string
  token: string
  secretHash: Uint8Array
}

export function generateSessionToken (): NewSessionToken {
  const id = randomString(SESSION_ID_BYTES)
  const secret = randomString(SESSION_SECRET_BYTES)
  return { id, secret, token: `${id}.${secret}`, secretHash: hashSecret(secret) }
}

/** SHA-256 of the secret (node's native hash: this runs on every request). */
export function hashSecret (secret: string): Uint8Array {
  return new Uint8Array(createHash('sha256').update(secret, 'utf8').digest())
}

const TOKEN_RE = new RegExp(`^([${ALPHABET}]{${SESSION_ID_BYTES}})\\.([${ALPHABET}]{${SESSION_SECRET_BYTES}})$`)

export function parseSessionToken (token: string | undefined): { id: string, secret: string } | null {
  if (!token) return null
  const m = TOKEN_RE.exec(token)
  return m ? { id: m[1]!, secret: m[2]! } : null
}

export function secretMatches (secret: string, storedHash: Uint8Array): boolean {
  const stored = new Uint8Array(storedHash)
  const hash = hashSecret(secret)
  return stored.length === hash.length && timingSafeEqual(hash, stored)
}

export type SessionFreshness = 'expired' | 'touch' | 'valid'

/** Whether a session has timed out, needs its activity time moved (at most hourly), or is fine. */
export function sessionFreshness (lastVerifiedAt: Date, now: Date): SessionFreshness {
  const idle = now.getTime() - lastVerifiedAt.getTime()
  if (idle >= INACTIVITY_TIMEOUT_MS) return 'expired'
  if (idle >= ACTIVITY_CHECK_INTERVAL_MS) return 'touch'
  return 'valid'
}

export function sessionExpiresAt (lastVerifiedAt: Date): Date {
  return new Date(lastVerifiedAt.getTime() + INACTIVITY_TIMEOUT_MS)
}

/** A readable one-time password: 12 symbols in groups of four (60 bits), e.g. "k7mq-3xtp-9fwa". */
export function generateInitialPassword (): string {
  const s = randomString(12)
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8, 12)}`
}
