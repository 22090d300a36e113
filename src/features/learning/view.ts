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
import type { LearningSummary } from './kept.js'
import { weekAccuracy } from '../practice/index.js'

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
  latest: { score: number, maxScore: number, passed: boolean, finishedAt: Date } | undefined
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

/** One row of the trainer's table from the trainee's stored learning summary and the cohorts they are in. */
export function traineeRow (r: LearningSummary, cohortNames: Array<{ id: number, name: string }>): TraineeRow {
  return {
    id: r.traineeId,
    fullName: r.fullName,
    cohorts: cohortNames,
    assignedPercent: r.assignedPercent,
    assignedCount: r.assignedCount,
    completeCount: r.completeCount,
    overdue: r.overdue,
    coursesPercent: r.coursesPercent,
    latest: r.latestScore >= 0 && r.latestFinishedAt !== null
      ? { score: r.latestScore, maxScore: r.latestMaxScore ?? 0, passed: r.latestPassed === true, finishedAt: r.latestFinishedAt }
      : undefined,
    passes: r.passes,
    masteryPct: r.masteryPct,
    weekAnswered: r.weekAnswered,
    weekAccuracy: weekAccuracy(r.weekAnswered, r.weekRight)
  }
}

/** A lesson's Markdown without its leading "# Title" line: the page shows the topic's title itself. */
export function withoutTitle (markdown: string): string {
  return markdown.replace(/^\s*# [^\n]*\n+/, '')
}
