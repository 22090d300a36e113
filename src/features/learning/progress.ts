/**
 * Lesson progress, pure: the syllabus and lessons of the current release plus
 * what a trainee has done, in; per-topic, per-course and overall progress out.
 *
 * A topic is complete when its lesson is marked studied (in any version) and
 * its end-of-lesson check is passed; a topic whose release has no check
 * questions needs only the studying. A lesson studied in an older version than
 * the current release carries still counts, and is flagged `updated` so the
 * trainee can read what changed.
 */
import type { Domain, Text } from '../bank/index.js'

export interface ProgressRow {
  lessonKey: string
  /** The lesson version last marked studied. */
  lessonVersionId: number | null
  studiedAt: Date | null
  checkPassedAt: Date | null
}

export interface TopicProgress {
  domain: string
  topic: string
  lessonKey: string
  title: Text
  /** The current release has a lesson for this topic. */
  hasLesson: boolean
  /** The current release has questions for this topic's check. */
  hasCheck: boolean
  studied: boolean
  /** Studied in an older version than the current one. */
  updated: boolean
  checkPassed: boolean
  complete: boolean
}

export interface CourseProgress {
  domain: string
  title: Text
  topics: TopicProgress[]
  done: number
  total: number
  percent: number
}

export interface Tally { done: number, total: number, percent: number }

export const lessonKeyOf = (domain: string, topic: string) => `${domain}/${topic}`

export function percent (done: number, total: number): number {
  return total === 0 ? 0 : Math.floor((done / total) * 100)
}

/**
 * Every topic of the syllabus in syllabus order with the trainee's progress.
 * `lessons` maps a lesson key to its version id in the current release;
 * `checkable` holds the keys of topics that have check questions.
 */
export function topicProgress (syllabus: readonly Domain[], lessons: ReadonlyMap<string, number>, checkable: ReadonlySet<string>, rows: ReadonlyMap<string, ProgressRow>): TopicProgress[] {
  const out: TopicProgress[] = []
  for (const d of syllabus) {
    for (const t of d.topics) {
      const key = lessonKeyOf(d.id, t.id)
      const current = lessons.get(key)
      const row = rows.get(key)
      const studied = Boolean(row?.studiedAt)
      const hasCheck = checkable.has(key)
      const checkPassed = Boolean(row?.checkPassedAt)
      out.push({
        domain: d.id,
        topic: t.id,
        lessonKey: key,
        title: t.title,
        hasLesson: current !== undefined,
        hasCheck,
        studied,
        updated: studied && current !== undefined && row?.lessonVersionId !== current,
        checkPassed,
        complete: current !== undefined && studied && (checkPassed || !hasCheck)
      })
    }
  }
  return out
}

/** Topics without a lesson in the current release cannot be studied: they are left out of the counts. */
export function tally (topics: readonly TopicProgress[]): Tally {
  const counted = topics.filter((t) => t.hasLesson)
  const done = counted.filter((t) => t.complete).length
  return { done, total: counted.length, percent: percent(done, counted.length) }
}

/** One course per syllabus domain, its topics in syllabus order. */
export function courseProgress (syllabus: readonly Domain[], topics: readonly TopicProgress[]): CourseProgress[] {
  return syllabus.map((d) => {
    const own = topics.filter((t) => t.domain === d.id)
    return { domain: d.id, title: d.title, topics: own, ...tally(own) }
  })
}

/** The first topic, in syllabus order, that still needs something; undefined when all are complete. */
export function nextTopic (topics: readonly TopicProgress[]): TopicProgress | undefined {
  return topics.find((t) => t.hasLesson && !t.complete)
}

/**
 * The blocks (paragraphs, lists, headings: text between blank lines) of the
 * current lesson that the version studied did not have, for "what changed".
 * Whitespace inside a block does not count as a change.
 */
export function changedBlocks (before: string, after: string): string[] {
  const blocks = (s: string) => s.replace(/\r\n/g, '\n').split(/\n\s*\n/).map((b) => b.trim()).filter(Boolean)
  const norm = (b: string) => b.replace(/\s+/g, ' ')
  const old = new Set(blocks(before).map(norm))
  return blocks(after).filter((b) => !old.has(norm(b)))
}
