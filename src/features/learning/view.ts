/**
 * View models of the learning pages, pure: what the templates show, no
 * database, no requests.
 */
import { localText } from '../../lib/text.js'
import { sourceText } from '../bank/index.js'
import type { Domain, Text } from '../bank/index.js'
import type { QuestionBody, CheckAnswer } from '../../db/schema.js'
import type { CurriculumItem } from './curriculum.js'
import type { TraineeLearning } from './summary.js'
import type { TopicProgress } from './progress.js'
import type { LatestScore } from './queries.js'
import type { Key } from '../../lib/keyset.js'

const LETTERS = 'ABCDE'

export interface CheckQuestionView {
  id: number
  type: 'single' | 'multi' | 'judge'
  stem: string
  options: Array<{ value: string, letter: string, text: string | null }>
  /** The last answer and its feedback; null until answered. */
  answered: { response: string[], right: boolean, answer: string[], explanation: string, source: string } | null
}

/** A check question with its feedback once answered; nothing of the key before that. */
export function checkQuestionView (q: { id: number, type: 'single' | 'multi' | 'judge', body: QuestionBody }, answer: CheckAnswer | undefined, locale: string): CheckQuestionView {
  const options = q.type === 'judge'
    ? [{ value: 'true', letter: '', text: null }, { value: 'false', letter: '', text: null }]
    : q.body.options.map((o, i) => ({ value: o.key, letter: LETTERS[i] ?? o.key, text: localText(o.text, locale) }))
  const letterOf = (key: string) => options.find((o) => o.value === key)?.letter || key
  return {
    id: q.id,
    type: q.type,
    stem: localText(q.body.stem, locale),
    options,
    answered: answer
      ? { response: answer.response, right: answer.right, answer: q.type === 'judge' ? q.body.answer : q.body.answer.map(letterOf), explanation: localText(q.body.explanation, locale), source: sourceText(q.body.source, locale) }
      : null
  }
}

export type NextStep =
  | { kind: 'topic', domain: string, topic: string, title: Text, curriculum: string | null }
  | { kind: 'mock', blueprintKey: string, curriculum: string | null }
  | { kind: 'practice', domain: string, topic: string, title: Text, curriculum: string | null }
  | null

/**
 * What to do next: the first unfinished item of the assignment due first, else
 * the first unfinished topic in syllabus order; null when everything is done.
 */
export function nextStep (l: TraineeLearning): NextStep {
  const firstTopic = (pred: (t: TopicProgress) => boolean) => l.topics.find((t) => t.hasLesson && !t.complete && pred(t))
  for (const a of l.assignments) {
    if (a.progress.complete) continue
    for (const ip of a.progress.items) {
      if (ip.complete) continue
      const i = ip.item
      if (i.kind === 'mock') return { kind: 'mock', blueprintKey: i.blueprintKey!, curriculum: a.assignment.curriculumTitle }
      if (i.kind === 'practice') {
        const t = l.topics.find((x) => x.domain === i.domain && x.topic === i.topic)
        if (t) return { kind: 'practice', domain: t.domain, topic: t.topic, title: t.title, curriculum: a.assignment.curriculumTitle }
        continue
      }
      const t = firstTopic((t) => t.domain === i.domain && (i.kind === 'course' || t.topic === i.topic))
      if (t) return { kind: 'topic', domain: t.domain, topic: t.topic, title: t.title, curriculum: a.assignment.curriculumTitle }
    }
  }
  const t = firstTopic(() => true)
  return t ? { kind: 'topic', domain: t.domain, topic: t.topic, title: t.title, curriculum: null } : null
}

/** A curriculum item named for people: the course or topic title, or the mock and passes. */
export function itemLabel (item: CurriculumItem, syllabus: readonly Domain[], blueprintTitles: ReadonlyMap<string, Text>, locale: string): { kind: string, name: string, passes: number | null } {
  const domain = syllabus.find((d) => d.id === item.domain)
  if (item.kind === 'course') return { kind: 'course', name: domain ? localText(domain.title, locale) : item.domain ?? '', passes: null }
  if (item.kind === 'topic' || item.kind === 'practice') {
    const topic = domain?.topics.find((t) => t.id === item.topic)
    return { kind: item.kind, name: topic ? localText(topic.title, locale) : `${item.domain ?? ''}/${item.topic ?? ''}`, passes: null }
  }
  const title = blueprintTitles.get(item.blueprintKey ?? '')
  return { kind: 'mock', name: title ? localText(title, locale) : item.blueprintKey ?? '', passes: item.requiredPasses }
}

export interface TraineeRow {
  id: number
  fullName: string
  cohorts: Array<{ id: number, name: string }>
  assignedPercent: number
  assignedCount: number
  completeCount: number
  overdue: number
  coursesPercent: number
  latest: LatestScore | undefined
  passes: number
  /** Practice: mastery over the whole bank, answers this week and the share right (null: none). */
  masteryPct: number
  weekAnswered: number
  weekAccuracy: number | null
}

export const SORTS = ['name', 'progress', 'overdue', 'score', 'passes', 'mastery', 'practised'] as const
export type Sort = typeof SORTS[number]
export const STATES = ['all', 'overdue', 'open', 'complete', 'none'] as const
export type StateFilter = typeof STATES[number]

/** One row per trainee for the trainer's table. */
export function traineeRow (p: { id: number, fullName: string }, l: TraineeLearning, cohortNames: Array<{ id: number, name: string }>, latest: LatestScore | undefined): TraineeRow {
  return {
    id: p.id,
    fullName: p.fullName,
    cohorts: cohortNames,
    assignedPercent: l.assigned.percent,
    assignedCount: l.assignments.length,
    completeCount: l.assignments.filter((a) => a.progress.complete).length,
    overdue: l.overdue,
    coursesPercent: l.overall.percent,
    latest,
    passes: [...l.passes.values()].reduce((s, n) => s + n, 0),
    masteryPct: l.practice.masteryPct,
    weekAnswered: l.practice.week.answered,
    weekAccuracy: l.practice.week.accuracyPct
  }
}

/** The trainer's filters: a name part, a cohort, a state; then the chosen order (names break ties). */
export function filterAndSort (rows: readonly TraineeRow[], f: { q: string, cohort: number | null, state: StateFilter, sort: Sort, desc: boolean }): TraineeRow[] {
  const q = f.q.trim().toLowerCase()
  const kept = rows.filter((r) =>
    (q === '' || r.fullName.toLowerCase().includes(q)) &&
    (f.cohort === null || r.cohorts.some((c) => c.id === f.cohort)) &&
    (f.state === 'all' ||
      (f.state === 'overdue' && r.overdue > 0) ||
      (f.state === 'none' && r.assignedCount === 0) ||
      (f.state === 'complete' && r.assignedCount > 0 && r.completeCount === r.assignedCount) ||
      (f.state === 'open' && r.completeCount < r.assignedCount && r.overdue === 0)))
  const order = traineeOrder(f)
  return [...kept].sort((a, b) => order.compare(order.keyOf(a), order.keyOf(b)))
}

/**
 * The order of the trainer's table as keys (the sorted value, then the name, then the id) and how
 * two keys compare: the table sorts and pages by them (a page is the rows after a key).
 */
export function traineeOrder (f: { sort: Sort, desc: boolean }): { shape: Array<'s' | 'n'>, keyOf: (r: TraineeRow) => Key, compare: (a: Key, b: Key) => number } {
  const value = (r: TraineeRow): number => {
    switch (f.sort) {
      case 'name': return 0
      case 'progress': return r.assignedPercent
      case 'overdue': return r.overdue
      case 'score': return r.latest ? r.latest.score : -1
      case 'passes': return r.passes
      case 'mastery': return r.masteryPct
      case 'practised': return r.weekAnswered
    }
  }
  const sign = f.desc ? -1 : 1
  const byName = (a: Key, b: Key, i: number) => String(a[i]).localeCompare(String(b[i]), 'zh-CN') || Number(a[i + 1]) - Number(b[i + 1])
  if (f.sort === 'name') return { shape: ['s', 'n'], keyOf: (r) => [r.fullName, r.id], compare: (a, b) => sign * String(a[0]).localeCompare(String(b[0]), 'zh-CN') || byName(a, b, 0) }
  return { shape: ['n', 's', 'n'], keyOf: (r) => [value(r), r.fullName, r.id], compare: (a, b) => sign * (Number(a[0]) - Number(b[0])) || byName(a, b, 1) }
}

/** A lesson's Markdown without its leading "# Title" line: the page shows the topic's title itself. */
export function withoutTitle (markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n+/, '')
}
