/**
 * Readiness statements, pure: verification codes, the frozen snapshot, and
 * whether a statement is valid, expired or revoked at a moment.
 */
import type { EligibilitySettings, Evaluation, RuleId } from './rules.js'

/** 32 symbols without 0/O, 1/I (easy to confuse when read aloud or typed from paper). */
export const CODE_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ'
/** 12 symbols of 5 bits each: 60 bits of randomness. */
export const CODE_LENGTH = 12

/** A new code from random bytes (one byte per symbol, low 5 bits: 256 is a multiple of 32, so no bias). */
export function makeCode (random: (n: number) => Uint8Array): string {
  const bytes = random(CODE_LENGTH)
  if (bytes.length < CODE_LENGTH) throw new Error('not enough random bytes')
  let code = ''
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[bytes[i]! & 31]
  return code
}

/** "7KQ4-M2XD-9HPA": groups of four for reading aloud. */
export function formatCode (code: string): string {
  return code.match(/.{1,4}/g)?.join('-') ?? code
}

/** What a person typed, as a stored code, or null when it cannot be one (spaces, dashes and case do not matter). */
export function normaliseCode (input: string): string | null {
  const c = input.toUpperCase().replace(/[\s-]/g, '')
  if (c.length !== CODE_LENGTH) return null
  for (const ch of c) if (!CODE_ALPHABET.includes(ch)) return null
  return c
}

export interface SnapshotAttempt { attemptId: number, finishedOn: string, score: number, maxScore: number, passed: boolean, release: string }

/** Everything a statement freezes at issue. */
export interface StatementSnapshot {
  fullName: string
  idNumberMasked: string
  enterpriseName: string
  evaluatedOn: string
  rules: Array<{ rule: RuleId, met: boolean }>
  qualifying: SnapshotAttempt[]
  latest: SnapshotAttempt | null
  releases: string[]
  settings: EligibilitySettings
}

export function buildSnapshot (p: { fullName: string, idNumberMasked: string, enterpriseName: string }, ev: Evaluation, latest: SnapshotAttempt | null, settings: EligibilitySettings, today: string): StatementSnapshot {
  const qualifying = ev.qualifying.map((m) => ({ attemptId: m.attemptId, finishedOn: m.finishedOn, score: m.score, maxScore: m.maxScore, passed: m.passed, release: m.release }))
  return {
    ...p,
    evaluatedOn: today,
    rules: ev.rules.map((r) => ({ rule: r.rule, met: r.met })),
    qualifying,
    latest,
    releases: [...new Set([...qualifying.map((q) => q.release), ...(latest ? [latest.release] : [])])].sort(),
    settings: { ...settings }
  }
}

export type StatementState = 'valid' | 'expired' | 'revoked'

export function statementState (s: { expiresAt: Date, revokedAt: Date | null }, now: Date): StatementState {
  if (s.revokedAt && s.revokedAt.getTime() <= now.getTime()) return 'revoked'
  return now.getTime() >= s.expiresAt.getTime() ? 'expired' : 'valid'
}

/** A statement issued now runs for `days` days: it expires at the start of that local day's successor in time, i.e. issue + days × 24 h. */
export function expiryFrom (issuedAt: Date, days: number): Date {
  return new Date(issuedAt.getTime() + days * 86_400_000)
}

/** "王*明" style: the first and (for three or more) last character, the rest hidden. */
export function maskName (name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return chars.join('')
  if (chars.length === 2) return `${chars[0]}*`
  return chars[0] + '*'.repeat(chars.length - 2) + chars[chars.length - 1]
}
