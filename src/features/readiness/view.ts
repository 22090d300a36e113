import QRCode from 'qrcode'
import type { Translate } from '../../i18n/index.js'
import type { Education, DeclarationKind } from '../../db/schema.js'
import { formatCode, maskName, statementState, type StatementSnapshot, type StatementState } from './statements.js'
import type { Evaluation, RuleResult } from './rules.js'
import type { Statement } from './queries.js'

export interface ChecklistItem { rule: string, met: boolean, reason: string | null }

/** One line per rule, with its reason in the reader's language when unmet. */
export function checklist (rules: readonly RuleResult[], t: Translate): ChecklistItem[] {
  return rules.map((r) => ({ rule: r.rule, met: r.met, reason: r.reason ? reasonText(r.reason, t) : null }))
}

function reasonText (reason: NonNullable<RuleResult['reason']>, t: Translate): string {
  const p = { ...(reason.params ?? {}) }
  if (typeof p.level === 'string') p.level = t(`education.${p.level as Education}`)
  if (typeof p.record === 'string') p.record = t(`declaration.${p.record as DeclarationKind}`)
  return t(reason.key, p)
}

export function reasonsOf (ev: Pick<Evaluation, 'rules'>, t: Translate): string[] {
  return ev.rules.filter((r) => r.reason).map((r) => reasonText(r.reason!, t))
}

export interface StatementView {
  id: number
  code: string
  state: StatementState
  snapshot: StatementSnapshot
  issuedAt: Date
  expiresAt: Date
  revokedAt: Date | null
  revokeReason: string | null
  url: string
}

export function statementView (s: Statement, now: Date, publicUrl: string | URL): StatementView {
  return {
    id: s.id, code: formatCode(s.code), state: statementState(s, now), snapshot: s.snapshot, issuedAt: s.issuedAt, expiresAt: s.expiresAt,
    revokedAt: s.revokedAt, revokeReason: s.revokeReason, url: verifyUrl(publicUrl, s.code)
  }
}

function verifyUrl (publicUrl: string | URL, code: string): string {
  return new URL(`/verify/${formatCode(code)}`, publicUrl).href
}

/** The QR code of an address, as an SVG element drawn on the server (no script, prints sharply). */
export async function qrSvg (text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } })
  return svg.replace('<svg ', '<svg role="img" aria-hidden="true" focusable="false" class="qr" ')
}

/** What the public page and API may show: the minimum, nothing more. */
export function publicVerification (s: Statement, now: Date, day: (d: Date) => string) {
  const snap = s.snapshot
  return {
    code: formatCode(s.code),
    status: statementState(s, now),
    name: maskName(snap.fullName),
    idNumber: snap.idNumberMasked,
    enterprise: snap.enterpriseName,
    issuedOn: day(s.issuedAt),
    expiresOn: day(s.expiresAt),
    qualifyingResults: snap.qualifying.map((q) => ({ date: q.finishedOn, score: q.score, maxScore: q.maxScore, passed: q.passed }))
  }
}
