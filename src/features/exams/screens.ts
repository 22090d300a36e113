/**
 * How an exam is laid out, pure. On a computer the paper is shown in pages of
 * ten questions. On a phone it is shown a screen at a time: a screen ends with
 * a single-choice or true/false question, whose answer moves the trainee on,
 * so a multiple-choice question (which needs a decision of when it is done)
 * shares the screen of the question after it and needs no tap of its own to
 * move on. A screen holds at most MAX_PER_SCREEN questions, to stay short.
 */
export const PAGE_SIZE = 10
export const MAX_PER_SCREEN = 3

export type ExamLayout = 'pages' | 'screens'

/** A question as the screen layout needs it: its type and, for its height, its text in the reader's language. */
export interface ScreenItem { slot: number, type: string, stem?: string, options?: readonly string[] }

/*
 * How tall a question stands on a phone (390 px wide, the compact layout of
 * static/app.css), from its text: a Chinese character counts 1, any other
 * character about half; so many fit on a line of the stem and of an option.
 * Measured in Chromium on the bank's questions, the estimate is never more
 * than 20 px short; SCREEN_BUDGET keeps a screen within two screen heights
 * (844 px each) with the header, the answer sheet's line and the pager.
 */
const STEM_UNITS_PER_LINE = 17
const OPTION_UNITS_PER_LINE = 15
const SCREEN_BUDGET = 2 * 844 - 320

const units = (s: string) => { let n = 0; for (const c of s) n += c.codePointAt(0)! >= 0x2e80 ? 1 : 0.52; return n }

export function estimatedHeight (q: { stem?: string, options?: readonly string[] }): number {
  if (q.stem === undefined) return 0
  const stemLines = Math.ceil(units(q.stem) / STEM_UNITS_PER_LINE)
  const optionLines = (q.options ?? []).reduce((n, o) => n + Math.max(1, Math.ceil(units(o) / OPTION_UNITS_PER_LINE)), 0)
  return 70 + 23.2 * stemLines + 22.4 * optionLines + 13 * (q.options ?? []).length + 25
}

/**
 * The screens of a paper: a screen closes after a single-choice or true/false
 * question, or when it holds `max` questions; a multiple-choice question that
 * would make it taller than the budget starts a new one instead.
 */
export function groupScreens (items: readonly ScreenItem[], max = MAX_PER_SCREEN, budget = SCREEN_BUDGET): number[][] {
  const screens: number[][] = []
  let current: number[] = []
  let height = 0
  for (const it of [...items].sort((a, b) => a.slot - b.slot)) {
    const h = estimatedHeight(it)
    if (current.length > 0 && height + h > budget) { screens.push(current); current = []; height = 0 }
    current.push(it.slot)
    height += h
    if (it.type !== 'multi' || current.length >= max) { screens.push(current); current = []; height = 0 }
  }
  if (current.length) screens.push(current)
  return screens
}

/** The page (1-based) of a slot in the layout of pages of ten. */
export const pageOfSlot = (slot: number) => Math.ceil(slot / PAGE_SIZE)

/** The screen (1-based) holding a slot, or 1. */
export function screenOfSlot (screens: readonly number[][], slot: number): number {
  const i = screens.findIndex((s) => s.includes(slot))
  return i < 0 ? 1 : i + 1
}

/**
 * A phone by what its browser says: the Sec-CH-UA-Mobile client hint where it
 * is sent (Chromium), else "Mobi" in the user agent (the usual test). Either
 * layout can be chosen on the page; this only picks the first one shown.
 */
export function prefersScreens (headers: { 'sec-ch-ua-mobile'?: string | string[], 'user-agent'?: string }): boolean {
  const hint = headers['sec-ch-ua-mobile']
  if (hint === '?1') return true
  if (hint === '?0') return false
  return /Mobi/.test(headers['user-agent'] ?? '')
}

/** Where in the paper a request is: the slots shown, and the first slot of the view before and after (none at the ends). */
export interface ExamPosition {
  layout: ExamLayout
  /** The page (pages) or screen (screens) shown, 1-based, of `count`. */
  index: number
  count: number
  slots: number[]
  prevSlot: number | null
  nextSlot: number | null
}

export function examPosition (grid: readonly ScreenItem[], layout: ExamLayout, at: { slot?: number, page?: number }): ExamPosition {
  const last = grid.reduce((m, g) => Math.max(m, g.slot), 0)
  const views = layout === 'screens'
    ? groupScreens(grid)
    : Array.from({ length: Math.max(1, Math.ceil(last / PAGE_SIZE)) }, (_, p) => grid.map((g) => g.slot).filter((s) => pageOfSlot(s) === p + 1).sort((x, y) => x - y))
  const wanted = at.slot !== undefined
    ? views.findIndex((v) => v.includes(at.slot!)) + 1
    : layout === 'pages' ? at.page ?? 1 : 1
  const index = Math.min(Math.max(1, wanted || 1), Math.max(1, views.length))
  return {
    layout,
    index,
    count: Math.max(1, views.length),
    slots: views[index - 1] ?? [],
    prevSlot: views[index - 2]?.[0] ?? null,
    nextSlot: views[index]?.[0] ?? null
  }
}
