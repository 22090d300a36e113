import type { Domain, Text } from './format.js'
import type { ItemDiff, TopicChanges } from './queries.js'

/**
 * What a release page shows of its changes, by title rather than by key (pure):
 * question changes counted per topic in syllabus order (each topic's questions
 * are listed folded), lessons by their topic's title, blueprints by their own.
 * Titles come from this release, else the one before (for what was retired),
 * else the key itself.
 */
export interface TitledChange { key: string, title: Text | null }

export function releaseChangesView (input: {
  syllabus: Domain[]
  previousSyllabus: Domain[]
  questions: TopicChanges[]
  lessons: ItemDiff
  blueprints: ItemDiff
  blueprintTitles: ReadonlyMap<string, Text>
}) {
  const topicTitle = (domain: string, topic: string): Text | null => {
    for (const s of [input.syllabus, input.previousSyllabus]) {
      const t = s.find((d) => d.id === domain)?.topics.find((x) => x.id === topic)
      if (t) return t.title
    }
    return null
  }
  const order = (domain: string, topic: string) => {
    const di = input.syllabus.findIndex((d) => d.id === domain)
    const ti = di >= 0 ? input.syllabus[di]!.topics.findIndex((x) => x.id === topic) : -1
    return [di < 0 ? Infinity : di, ti < 0 ? Infinity : ti] as const
  }
  const topics = [...input.questions]
    .sort((a, b) => { const [x1, y1] = order(a.domain, a.topic); const [x2, y2] = order(b.domain, b.topic); return x1 - x2 || y1 - y2 || `${a.domain}/${a.topic}`.localeCompare(`${b.domain}/${b.topic}`) })
    .map((g) => ({ ...g, title: topicTitle(g.domain, g.topic) }))
  const titled = (keys: string[], title: (k: string) => Text | null): TitledChange[] => keys.map((key) => ({ key, title: title(key) }))
  const lessonTitle = (key: string) => { const [domain = '', topic = ''] = key.split('/'); return topicTitle(domain, topic) }
  const blueprintTitle = (key: string) => input.blueprintTitles.get(key) ?? null
  const list = (d: ItemDiff, title: (k: string) => Text | null) => ({ added: titled(d.added, title), changed: titled(d.changed, title), retired: titled(d.retired, title), unchanged: d.unchanged })
  return { topics, lessons: list(input.lessons, lessonTitle), blueprints: list(input.blueprints, blueprintTitle) }
}
