import type { Translate } from '../../i18n/index.js'
import type { DomainId } from '../bank/index.js'
import type { BlueprintBody } from '../../db/schema.js'
import { localText, hasLocale } from '../../lib/text.js'
import { sourceText } from '../bank/index.js'
import type { Attempt, ItemView } from './queries.js'
import { isCorrect } from './grading.js'
import { secondsLeft } from './answering.js'
import { optionCodes } from './option-codes.js'
import { pageOfSlot, type ExamPosition } from './screens.js'

/**
 * View models of the exam pages. What a page gets while the attempt is open is
 * built here from stem and options only: no key, explanation or correctness can
 * reach the browser before the attempt is finalised.
 */
const LETTERS = 'ABCDE'

export interface ItemPageView {
  slot: number
  type: 'single' | 'multi' | 'judge'
  stem: string
  /** `value` is the option's per-attempt code (option-codes.ts), never the bank's key; a true/false option has no text, only `truth`. */
  options: Array<{ value: string, letter: string, text: string | null, truth: boolean, chosen: boolean }>
  seq: number
  flagged: boolean
  savedAt: number | null
}

/** The letter an option is shown with: its position on the page (true/false options have none). */
const shownLetter = (type: string, position: number) => (type === 'judge' ? '' : LETTERS[position]!)

export function itemView (item: ItemView, attempt: { id: number, seed: string }, locale: string): ItemPageView {
  const texts = new Map(item.body.options.map((o) => [o.key, localText(o.text, locale)]))
  const codes = optionCodes(attempt.seed, attempt.id, item.slot, item.optionOrder)
  return {
    slot: item.slot,
    type: item.type,
    stem: localText(item.body.stem, locale),
    // True/false options carry no text of their own: the template names them.
    options: item.optionOrder.map((key, i) => ({ value: codes[i]!, letter: shownLetter(item.type, i), text: item.type === 'judge' ? null : texts.get(key) ?? '', truth: key === 'true', chosen: item.response.includes(key) })),
    seq: item.seq,
    flagged: item.flagged,
    savedAt: item.savedAt ? item.savedAt.getTime() : null
  }
}

/**
 * What an open attempt shows at one position (a page of ten, or a phone's screen; screens.ts):
 * its items (stem and options only), the links before and after, and the answer sheet of all
 * slots. On a screen that ends with a single-choice or true/false question, answering it moves
 * on (`advance`, done by exam.js once every question of the screen is answered).
 */
export function examView (a: Attempt, blueprint: BlueprintBody, shownItems: ItemView[], grid: Array<{ slot: number, flagged: boolean, answered: boolean, type: string }>, at: ExamPosition, now: Date, locale: string) {
  const base = `/exams/attempts/${a.id}`
  const shown = new Set(at.slots)
  const screens = at.layout === 'screens'
  // Links keep the layout: by page for pages, by the slot to show for screens.
  const hrefTo = (slot: number) => (screens ? `?view=screens&q=${slot}` : `?page=${pageOfSlot(slot)}`)
  const last = grid.find((g) => g.slot === at.slots[at.slots.length - 1])
  return {
    attemptId: a.id,
    examTitle: localText(blueprint.title, locale),
    layout: at.layout,
    index: at.index,
    count: at.count,
    items: shownItems.map((i) => itemView(i, a, locale)),
    // Questions of a release written before this language (2026.1 was English only) show as written.
    untranslated: shownItems.some((i) => !hasLocale(i.body.stem, locale)),
    prevHref: at.prevSlot === null ? null : `${base}${hrefTo(at.prevSlot)}`,
    nextHref: at.nextSlot === null ? null : `${base}${hrefTo(at.nextSlot)}`,
    submitHref: `${base}/submit`,
    // Where answering the screen's last question leads: the next screen, or the review before submitting.
    advance: screens && last !== undefined && last.type !== 'multi' ? (at.nextSlot === null ? `${base}/submit` : `${base}${hrefTo(at.nextSlot)}`) : null,
    otherLayoutHref: `${base}?view=${screens ? 'pages' : 'screens'}&q=${at.slots[0] ?? 1}`,
    // Each cell links to its question (a fragment link when it is shown here) and carries its state as classes.
    grid: grid.map((g) => ({
      slot: g.slot,
      // Relative to the page's own address: a hundred cells, so short.
      href: shown.has(g.slot) ? `#q-${g.slot}` : `${hrefTo(g.slot)}#q-${g.slot}`,
      cls: `${g.answered ? ' answered' : ''}${g.flagged ? ' flagged' : ''}${shown.has(g.slot) ? ' here' : ''}`
    })),
    answered: grid.filter((g) => g.answered).length,
    total: grid.length,
    deadlineAt: a.deadlineAt.getTime(),
    serverNow: now.getTime(),
    secondsLeft: secondsLeft(a.deadlineAt, now)
  }
}

export function resultView (a: Attempt, blueprint: BlueprintBody, items: ItemView[], wrongOnly: boolean, locale: string, t: Translate) {
  const review = items.map((i) => {
    const correct = isCorrect(i.type, i.body.answer, i.response)
    return {
      slot: i.slot,
      type: i.type,
      domain: i.domain,
      stem: localText(i.body.stem, locale),
      correct,
      answered: i.response.length > 0,
      // In the order and with the letters the trainee saw during the exam.
      // The explanation names options by the bank's letter: where that differs, the option carries it too.
      options: i.optionOrder.map((key, position) => ({
        letter: shownLetter(i.type, position),
        bankLetter: i.type !== 'judge' && key !== shownLetter(i.type, position) ? key : '',
        text: i.type === 'judge' ? t(key === 'true' ? 'exam.true' : 'exam.false') : localText(i.body.options.find((o) => o.key === key)?.text, locale),
        chosen: i.response.includes(key),
        right: i.body.answer.includes(key)
      })),
      explanation: localText(i.body.explanation, locale),
      source: sourceText(i.body.source, locale),
      untranslated: !hasLocale(i.body.stem, locale)
    }
  })
  const used = Math.max(0, Math.round(((a.finishedAt ?? a.deadlineAt).getTime() - a.startedAt.getTime()) / 1000))
  const breakdown = (a.breakdown ?? []).map((d) => ({ ...d, label: t(`bank.domain-${d.domain as DomainId}`) }))
  return {
    attemptId: a.id,
    examTitle: localText(blueprint.title, locale),
    score: a.score ?? 0,
    maxScore: a.maxScore,
    passMark: a.passMark,
    passed: Boolean(a.passed),
    finishReason: a.finishReason,
    timeUsed: `${Math.floor(used / 60)}:${String(used % 60).padStart(2, '0')}`,
    breakdown,
    bars: domainBars(breakdown, t),
    review: wrongOnly ? review.filter((r) => !r.correct) : review,
    wrongOnly,
    untranslated: review.some((r) => r.untranslated),
    wrongCount: review.filter((r) => !r.correct).length
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!))

/** Horizontal bars per domain, as an accessible SVG (no chart script). */
export function domainBars (rows: Array<{ label: string, score: number, max: number }>, t: Translate): string {
  const barH = 28
  const gap = 14
  const labelW = 190
  const width = 600
  const h = rows.length * (barH + gap) + gap
  const bars = rows.map((r, i) => {
    const y = gap + i * (barH + gap)
    const frac = r.max > 0 ? r.score / r.max : 0
    const w = Math.round((width - labelW - 80) * frac)
    return `<text x="0" y="${y + barH * 0.68}" class="bar-label">${esc(r.label)}</text>` +
      `<rect x="${labelW}" y="${y}" width="${width - labelW - 80}" height="${barH}" rx="4" class="bar-bg"/>` +
      `<rect x="${labelW}" y="${y}" width="${w}" height="${barH}" rx="4" class="${frac >= 0.6 ? 'bar-ok' : 'bar-low'}"/>` +
      `<text x="${width - 70}" y="${y + barH * 0.68}" class="bar-value">${r.score} / ${r.max}</text>`
  }).join('')
  const summary = rows.map((r) => `${r.label} ${r.score}/${r.max}`).join(', ')
  return `<svg class="bars" viewBox="0 0 ${width} ${h}" role="img" aria-label="${esc(t('exam.bars-label', { summary }))}">${bars}</svg>`
}

/** Percentage scores over time with the 60% pass line, as an SVG line chart. */
export function historyChart (attempts: Array<{ score: number | null, maxScore: number, startedAt: Date }>, t: Translate): string | null {
  const points = attempts.filter((a) => a.score !== null && a.maxScore > 0).map((a) => Math.round(((a.score ?? 0) / a.maxScore) * 100))
  if (points.length < 2) return null
  const W = 600; const H = 200; const pad = 30
  const x = (i: number) => pad + (i * (W - 2 * pad)) / (points.length - 1)
  const y = (p: number) => H - pad - (p * (H - 2 * pad)) / 100
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p).toFixed(1)}`).join(' ')
  const dots = points.map((p, i) => `<circle cx="${x(i).toFixed(1)}" cy="${y(p).toFixed(1)}" r="4" class="${p >= 60 ? 'dot-ok' : 'dot-low'}"/>`).join('')
  return `<svg class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(t('exam.trend-label', { scores: points.join('%, ') + '%' }))}">` +
    `<line x1="${pad}" x2="${W - pad}" y1="${y(60)}" y2="${y(60)}" class="pass-line"/><text x="${W - pad}" y="${y(60) - 6}" class="axis" text-anchor="end">60%</text>` +
    `<line x1="${pad}" x2="${W - pad}" y1="${y(0)}" y2="${y(0)}" class="axis-line"/><line x1="${pad}" x2="${W - pad}" y1="${y(100)}" y2="${y(100)}" class="axis-line"/>` +
    `<path d="${line}" class="trend-line"/>${dots}</svg>`
}
