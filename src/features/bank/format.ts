import { parseDocument, LineCounter, isMap, isScalar, type Document, type Node as YamlNode } from 'yaml'

/**
 * The question-bank format (question-bank/README.md), pure: files in, a parsed
 * bank and every problem out, each with its file and line and a sentence a
 * content author understands. No file system, no database.
 */

export const DOMAIN_IDS = ['law', 'knowledge', 'skills', 'ethics'] as const
export const QUESTION_TYPES = ['single', 'multi', 'judge'] as const
export type QuestionType = typeof QUESTION_TYPES[number]

export interface Text { en: string, zh?: string }
export interface Option { key: string, text: Text }

export interface Question {
  id: string
  domain: string
  topic: string
  type: QuestionType
  difficulty: 1 | 2 | 3
  stem: Text
  /** Empty for true/false questions. */
  options: Option[]
  /** The correct option keys; for true/false, ['true'] or ['false']. */
  answer: string[]
  explanation: Text
  source: string
  tags: string[]
}

export interface Topic { id: string, title: Text, weight: number }
export interface Domain { id: string, title: Text, weight: number, topics: Topic[] }
export interface Lesson { domain: string, topic: string, title: string, body: Text }
export interface Cell { domain: string, type: QuestionType, count: number, points: number, topic?: string }
export interface Blueprint { id: string, title: Text, timeLimitMinutes: number, passMark: number, shuffleOptions: boolean, cells: Cell[] }

export interface Bank {
  release: string
  title: string
  language: string
  syllabus: Domain[]
  questions: Question[]
  lessons: Lesson[]
  blueprints: Blueprint[]
  changelog: string
}

export interface Problem { file: string, line: number, message: string }

export const SOURCE_TAGS = ['Reg.', 'Measures', 'PSAPL', 'CL', 'CPL', 'FPL', 'PMR', 'ISR', 'Outline', 'common practice', 'GB/T', 'GB', 'National Occupational Standard'] as const
const SOURCE_RE = new RegExp(`^(${SOURCE_TAGS.map((t) => t.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')})(?=[\\s:;,(]|$)\\s*[:;,]?\\s*(\\S.*)$`)
const MIN_EXPLANATION = 60
const ID_RE = /^[a-z][a-z0-9-]*$/
const KEYS = 'ABCDE'

/** A YAML file with line look-up by path. */
class YamlFile {
  readonly doc: Document
  private readonly lc = new LineCounter()
  constructor (readonly file: string, text: string, readonly problems: Problem[]) {
    this.doc = parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true })
    for (const e of this.doc.errors) problems.push({ file, line: this.lc.linePos(e.pos[0]).line, message: `YAML syntax: ${e.message.split('\n')[0]}` })
  }

  get ok () { return this.doc.errors.length === 0 }
  value (): unknown { return this.ok ? this.doc.toJS() : undefined }

  /** The line of the node at a path, or of the nearest ancestor that exists. */
  line (path: Array<string | number>): number {
    for (let n = path.length; n >= 0; n--) {
      const node = this.doc.getIn(path.slice(0, n), true) as YamlNode | undefined
      if (node && typeof node === 'object' && 'range' in node && node.range) return this.lc.linePos(node.range[0]).line
      if (n > 0) {
        // A key whose value is missing: find the pair in the parent map.
        const parent = this.doc.getIn(path.slice(0, n - 1), true)
        if (isMap(parent)) {
          const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path[n - 1])
          if (pair && isScalar(pair.key) && pair.key.range) return this.lc.linePos(pair.key.range[0]).line
        }
      }
    }
    return 1
  }

  problem (path: Array<string | number>, message: string) {
    this.problems.push({ file: this.file, line: this.line(path), message })
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function readText (y: YamlFile, path: Array<string | number>, v: unknown, what: string, opts: { min?: number } = {}): Text | undefined {
  let t: Text | undefined
  if (typeof v === 'string' || typeof v === 'number') t = { en: String(v).trim() }
  else if (isObj(v)) {
    const extra = Object.keys(v).filter((k) => k !== 'en' && k !== 'zh')
    if (extra.length) y.problem(path, `${what}: unknown language ${extra.map((k) => `"${k}"`).join(', ')} (use en and zh)`)
    if (typeof v.en !== 'string' || !v.en.trim()) { y.problem(path, `${what}: the English text (en) is missing`); return undefined }
    if (v.zh !== undefined && (typeof v.zh !== 'string' || !v.zh.trim())) y.problem([...path, 'zh'], `${what}: zh must be text`)
    t = { en: v.en.trim(), ...(typeof v.zh === 'string' && v.zh.trim() ? { zh: v.zh.trim() } : {}) }
  } else {
    y.problem(path, v === undefined || v === null ? `${what} is missing` : `${what} must be text`)
    return undefined
  }
  if (!t.en) { y.problem(path, `${what} is empty`); return undefined }
  if (opts.min && t.en.length < opts.min) y.problem(path, `${what} is too short (${t.en.length} characters; at least ${opts.min}): say why the answer is right and why the tempting wrong options are wrong`)
  return t
}

function unknownKeys (y: YamlFile, path: Array<string | number>, v: Record<string, unknown>, allowed: string[], what: string) {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) y.problem([...path, k], `${what}: unknown field "${k}" (allowed: ${allowed.join(', ')})`)
}

function positiveInt (y: YamlFile, path: Array<string | number>, v: unknown, what: string, max = 1_000_000): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) { y.problem(path, `${what} must be a whole number from 1 to ${max}`); return undefined }
  return v
}

/** For spotting the same question twice: case, spacing and punctuation do not count; option order does not either. */
export function normalisedQuestion (q: Pick<Question, 'stem' | 'options'>): string {
  const n = (s: string) => s.toLowerCase().normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '')
  return `${n(q.stem.en)}|${q.options.map((o) => n(o.text.en)).sort().join('|')}`
}

function parseBankYaml (files: Map<string, string>, problems: Problem[]) {
  const text = files.get('bank.yaml')
  if (text === undefined) { problems.push({ file: 'bank.yaml', line: 1, message: 'bank.yaml is missing' }); return { release: '', title: '', language: 'en' } }
  const y = new YamlFile('bank.yaml', text, problems)
  const v = y.value()
  if (!isObj(v)) { if (y.ok) y.problem([], 'bank.yaml must be a map with release, title and language'); return { release: '', title: '', language: 'en' } }
  unknownKeys(y, [], v, ['release', 'title', 'language'], 'bank.yaml')
  const release = typeof v.release === 'string' || typeof v.release === 'number' ? String(v.release) : ''
  if (!/^\d{4}\.\d{1,3}$/.test(release)) y.problem(['release'], 'release must be a year and a number such as "2026.1" (quote it)')
  if (typeof v.title !== 'string' || !v.title.trim()) y.problem(['title'], 'title is missing')
  if (v.language !== 'en') y.problem(['language'], 'language must be en (English with Chinese key terms)')
  return { release, title: typeof v.title === 'string' ? v.title.trim() : '', language: 'en' }
}

function parseSyllabus (files: Map<string, string>, problems: Problem[]): { domains: Domain[], y?: YamlFile } {
  const text = files.get('syllabus.yaml')
  if (text === undefined) { problems.push({ file: 'syllabus.yaml', line: 1, message: 'syllabus.yaml is missing' }); return { domains: [] } }
  const y = new YamlFile('syllabus.yaml', text, problems)
  const v = y.value()
  if (!isObj(v) || !Array.isArray(v.domains)) { if (y.ok) y.problem([], 'syllabus.yaml needs a list "domains"'); return { domains: [], y } }
  const domains: Domain[] = []
  const seenDomains = new Set<string>()
  v.domains.forEach((d: unknown, i: number) => {
    const p = ['domains', i]
    if (!isObj(d)) { y.problem(p, 'each domain must be a map with id, title, weight and topics'); return }
    unknownKeys(y, p, d, ['id', 'title', 'weight', 'topics'], 'domain')
    const id = typeof d.id === 'string' ? d.id : ''
    if (!(DOMAIN_IDS as readonly string[]).includes(id)) { y.problem([...p, 'id'], `domain id must be one of ${DOMAIN_IDS.join(', ')}`); return }
    if (seenDomains.has(id)) y.problem([...p, 'id'], `domain "${id}" is listed twice`)
    seenDomains.add(id)
    const title = readText(y, [...p, 'title'], d.title, `domain ${id}: title`)
    const weight = positiveInt(y, [...p, 'weight'], d.weight, `domain ${id}: weight`, 100)
    const topics: Topic[] = []
    if (!Array.isArray(d.topics) || d.topics.length === 0) y.problem([...p, 'topics'], `domain ${id} has no topics`)
    const seenTopics = new Set<string>();
    (Array.isArray(d.topics) ? d.topics : []).forEach((t: unknown, j: number) => {
      const tp = [...p, 'topics', j]
      if (!isObj(t)) { y.problem(tp, 'each topic must be a map with id, title and weight'); return }
      unknownKeys(y, tp, t, ['id', 'title', 'weight'], 'topic')
      const tid = typeof t.id === 'string' ? t.id : ''
      if (!ID_RE.test(tid)) { y.problem([...tp, 'id'], 'topic id must be lower-case letters, digits and hyphens'); return }
      if (seenTopics.has(tid)) y.problem([...tp, 'id'], `topic "${tid}" is listed twice in ${id}`)
      seenTopics.add(tid)
      const ttitle = readText(y, [...tp, 'title'], t.title, `topic ${id}/${tid}: title`)
      const tw = positiveInt(y, [...tp, 'weight'], t.weight, `topic ${id}/${tid}: weight`, 1000)
      if (ttitle && tw) topics.push({ id: tid, title: ttitle, weight: tw })
    })
    if (title && weight) domains.push({ id, title, weight, topics })
  })
  return { domains, y }
}

function parseQuestionFile (file: string, text: string, domain: string, topic: string, problems: Problem[], lineIndex: Map<Question, number>): Question[] {
  const y = new YamlFile(file, text, problems)
  const v = y.value()
  if (!isObj(v) || !Array.isArray(v.questions)) { if (y.ok) y.problem([], 'a questions file needs a list "questions"'); return [] }
  const list: unknown[] = v.questions
  const out: Question[] = []
  list.forEach((q: unknown, i: number) => {
    const p = ['questions', i]
    if (!isObj(q)) { y.problem(p, 'each question must be a map'); return }
    unknownKeys(y, p, q, ['id', 'type', 'difficulty', 'stem', 'options', 'answer', 'explanation', 'source', 'tags'], 'question')
    const id = typeof q.id === 'string' ? q.id : ''
    const label = id || `question ${i + 1}`
    const expectedPrefix = `${domain}.${topic}.`
    if (!id) y.problem(p, `${label}: id is missing`)
    else if (!id.startsWith(expectedPrefix) || !/^\d{3,4}$/.test(id.slice(expectedPrefix.length))) y.problem([...p, 'id'], `${id}: id must be ${expectedPrefix}<3 digits> to match its file`)
    const type = q.type as QuestionType
    if (!(QUESTION_TYPES as readonly string[]).includes(type)) { y.problem([...p, 'type'], `${label}: type must be single, multi or judge`); return }
    const difficulty = q.difficulty
    if (difficulty !== 1 && difficulty !== 2 && difficulty !== 3) y.problem([...p, 'difficulty'], `${label}: difficulty must be 1, 2 or 3`)
    const stem = readText(y, [...p, 'stem'], q.stem, `${label}: stem`)
    const explanation = readText(y, [...p, 'explanation'], q.explanation, `${label}: explanation`, { min: MIN_EXPLANATION })
    let source = ''
    if (typeof q.source !== 'string' || !q.source.trim()) y.problem([...p, 'source'], `${label}: source is missing`)
    else if (!SOURCE_RE.test(q.source.trim())) y.problem([...p, 'source'], `${label}: source "${q.source}" must start with one of ${SOURCE_TAGS.join(', ')} followed by the article or section`)
    else source = q.source.trim()
    let tags: string[] = []
    if (q.tags !== undefined) {
      if (!Array.isArray(q.tags) || q.tags.some((t) => typeof t !== 'string')) y.problem([...p, 'tags'], `${label}: tags must be a list of words`)
      else tags = q.tags as string[]
    }

    const options: Option[] = []
    if (type === 'judge') {
      if (q.options !== undefined) y.problem([...p, 'options'], `${label}: a true/false question has no options`)
    } else if (!isObj(q.options)) {
      y.problem([...p, 'options'], `${label}: options must be a map A:, B:, …`)
    } else {
      const keys = Object.keys(q.options)
      const [min, max] = type === 'single' ? [2, 5] : [3, 5]
      if (keys.length < min || keys.length > max) y.problem([...p, 'options'], `${label}: a ${type === 'single' ? 'single-choice' : 'multiple-choice'} question has ${min} to ${max} options (it has ${keys.length})`)
      keys.forEach((k, n) => {
        if (k !== KEYS[n]) y.problem([...p, 'options', k], `${label}: option keys must be A, B, C… in order (found "${k}" in place ${n + 1})`)
        const text = readText(y, [...p, 'options', k], (q.options as Record<string, unknown>)[k], `${label}: option ${k}`)
        if (text) options.push({ key: k, text })
      })
      const texts = options.map((o) => o.text.en.toLowerCase())
      if (new Set(texts).size !== texts.length) y.problem([...p, 'options'], `${label}: two options have the same text`)
      if (texts.some((t) => /^(all|none) of the above\.?$/.test(t))) y.problem([...p, 'options'], `${label}: no "all of the above" or "none of the above" options`)
    }

    let answer: string[] = []
    if (type === 'judge') {
      if (typeof q.answer !== 'boolean') y.problem([...p, 'answer'], `${label}: the answer of a true/false question is true or false`)
      else answer = [String(q.answer)]
    } else if (type === 'single') {
      if (typeof q.answer !== 'string' || Array.isArray(q.answer)) y.problem([...p, 'answer'], `${label}: the answer of a single-choice question is one option key, such as B`)
      else if (!options.some((o) => o.key === q.answer)) y.problem([...p, 'answer'], `${label}: the answer "${q.answer}" names no option`)
      else answer = [q.answer]
    } else {
      const a = q.answer
      if (!Array.isArray(a) || a.some((x) => typeof x !== 'string')) y.problem([...p, 'answer'], `${label}: the answer of a multiple-choice question is a list of option keys, such as [A, C]`)
      else if (a.length < 2) y.problem([...p, 'answer'], `${label}: a multiple-choice question needs at least two correct options (use single for one)`)
      else if (new Set(a).size !== a.length) y.problem([...p, 'answer'], `${label}: an answer key is repeated`)
      else if (a.some((x) => !options.some((o) => o.key === x))) y.problem([...p, 'answer'], `${label}: the answer names ${a.filter((x) => !options.some((o) => o.key === x)).join(', ')}, which ${a.length > 1 ? 'are' : 'is'} not an option`)
      else if (a.length === options.length && options.length > 0) y.problem([...p, 'answer'], `${label}: every option is correct; a multiple-choice question must have a wrong option`)
      else answer = [...a].sort()
    }

    if (id && stem && explanation && source && (difficulty === 1 || difficulty === 2 || difficulty === 3) && answer.length > 0) {
      const question: Question = { id, domain, topic, type, difficulty, stem, options, answer, explanation, source, tags }
      lineIndex.set(question, y.line([...p, 'id']))
      out.push(question)
    }
  })
  return out
}

function parseBlueprint (file: string, text: string, problems: Problem[]): Blueprint | undefined {
  const y = new YamlFile(file, text, problems)
  const v = y.value()
  if (!isObj(v)) { if (y.ok) y.problem([], 'a blueprint must be a map'); return undefined }
  unknownKeys(y, [], v, ['id', 'title', 'time_limit_minutes', 'pass_mark', 'shuffle_options', 'cells'], 'blueprint')
  const fileId = file.replace(/^blueprints\//, '').replace(/\.yaml$/, '')
  if (v.id !== fileId) y.problem(['id'], `id must be "${fileId}", the file's name`)
  const title = readText(y, ['title'], v.title, 'title')
  const timeLimitMinutes = positiveInt(y, ['time_limit_minutes'], v.time_limit_minutes, 'time_limit_minutes', 600)
  const passMark = positiveInt(y, ['pass_mark'], v.pass_mark, 'pass_mark', 10_000)
  if (typeof v.shuffle_options !== 'boolean') y.problem(['shuffle_options'], 'shuffle_options must be true or false')
  const cells: Cell[] = []
  if (!Array.isArray(v.cells) || v.cells.length === 0) y.problem(['cells'], 'a blueprint needs at least one cell')
  ;(Array.isArray(v.cells) ? v.cells : []).forEach((c: unknown, i: number) => {
    const p = ['cells', i]
    if (!isObj(c)) { y.problem(p, 'each cell is a map of domain, type, count and points'); return }
    unknownKeys(y, p, c, ['domain', 'type', 'count', 'points', 'topic'], 'cell')
    const count = positiveInt(y, [...p, 'count'], c.count, `cell ${i + 1}: count`, 1000)
    const points = typeof c.points === 'number' && c.points > 0 && c.points <= 100 ? c.points : undefined
    if (points === undefined) y.problem([...p, 'points'], `cell ${i + 1}: points must be a number above 0`)
    if (!(QUESTION_TYPES as readonly string[]).includes(c.type as string)) y.problem([...p, 'type'], `cell ${i + 1}: type must be single, multi or judge`)
    if (typeof c.domain !== 'string') y.problem([...p, 'domain'], `cell ${i + 1}: domain is missing`)
    if (c.topic !== undefined && typeof c.topic !== 'string') y.problem([...p, 'topic'], `cell ${i + 1}: topic must be a topic id`)
    if (count && points && typeof c.domain === 'string' && (QUESTION_TYPES as readonly string[]).includes(c.type as string)) {
      cells.push({ domain: c.domain, type: c.type as QuestionType, count, points, ...(typeof c.topic === 'string' ? { topic: c.topic } : {}) })
    }
  })
  const total = cells.reduce((s, c) => s + c.count * c.points, 0)
  if (passMark && total && passMark > total) y.problem(['pass_mark'], `pass_mark ${passMark} is more than the ${total} points the cells give`)
  if (!title || !timeLimitMinutes || !passMark || typeof v.shuffle_options !== 'boolean' || cells.length === 0) return undefined
  return { id: fileId, title, timeLimitMinutes, passMark, shuffleOptions: v.shuffle_options, cells }
}

function parseLesson (file: string, text: string, domain: string, topic: string, problems: Problem[], warnings: Problem[]): Lesson | undefined {
  const en = text.replace(/^\uFEFF/, '')
  const first = en.split(/\r?\n/, 1)[0] ?? ''
  if (!/^# \S/.test(first)) { problems.push({ file, line: 1, message: 'a lesson starts with its title as a level-1 heading ("# Title")' }); return undefined }
  const words = en.replace(/[#*_`>-]/g, ' ').split(/\s+/).filter(Boolean).length
  if (words < 400 || words > 1200) warnings.push({ file, line: 1, message: `the lesson has ${words} words (aim for 400 to 1,200)` })
  if (/<[a-z][^>]*>/i.test(en)) warnings.push({ file, line: 1, message: 'raw HTML in a lesson is not rendered' })
  return { domain, topic, title: first.slice(2).trim(), body: { en } }
}

export interface CheckResult { bank: Bank, problems: Problem[], warnings: Problem[] }

/** Parses and checks a whole bank given its files (paths relative to the bank folder, "/" separators). */
export function checkBank (files: Map<string, string>): CheckResult {
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const lineIndex = new Map<Question, number>()
  const meta = parseBankYaml(files, problems)
  const { domains, y: syllabusFile } = parseSyllabus(files, problems)
  const topicOf = new Map<string, Set<string>>(domains.map((d) => [d.id, new Set(d.topics.map((t) => t.id))]))

  const questions: Question[] = []
  const lessons: Lesson[] = []
  const blueprints: Blueprint[] = []
  const zhLessons = new Map<string, string>()
  const paths = [...files.keys()].sort()
  for (const path of paths) {
    const text = files.get(path)!
    let m: RegExpExecArray | null
    if ((m = /^questions\/([^/]+)\/([^/]+)\.yaml$/.exec(path))) {
      const [, domain, topic] = m as unknown as [string, string, string]
      if (!topicOf.get(domain)?.has(topic)) { problems.push({ file: path, line: 1, message: `unknown ${topicOf.has(domain) ? 'topic' : 'domain'}: ${domain}/${topic} is not in syllabus.yaml` }); continue }
      questions.push(...parseQuestionFile(path, text, domain, topic, problems, lineIndex))
    } else if ((m = /^lessons\/([^/]+)\/([^/]+?)(\.zh)?\.md$/.exec(path))) {
      const [, domain, topic, zh] = m as unknown as [string, string, string, string | undefined]
      if (!topicOf.get(domain)?.has(topic)) { problems.push({ file: path, line: 1, message: `a lesson for an unknown topic: ${domain}/${topic} is not in syllabus.yaml` }); continue }
      if (zh) zhLessons.set(`${domain}/${topic}`, text)
      else { const l = parseLesson(path, text, domain, topic, problems, warnings); if (l) lessons.push(l) }
    } else if (/^blueprints\/[^/]+\.yaml$/.test(path)) {
      const b = parseBlueprint(path, text, problems)
      if (b) blueprints.push(b)
    } else if (!['bank.yaml', 'syllabus.yaml', 'CHANGELOG.md', 'README.md'].includes(path) && !path.startsWith('.')) {
      warnings.push({ file: path, line: 1, message: 'this file is not part of the bank format and is ignored' })
    }
  }
  for (const l of lessons) { const zh = zhLessons.get(`${l.domain}/${l.topic}`); if (zh) l.body.zh = zh }

  // Ids and duplicates across files.
  const byId = new Map<string, Question>()
  const byContent = new Map<string, Question>()
  const where = (q: Question) => `questions/${q.domain}/${q.topic}.yaml`
  for (const q of questions) {
    const line = lineIndex.get(q) ?? 1
    const first = byId.get(q.id)
    if (first) { problems.push({ file: where(q), line, message: `${q.id}: the id is used twice (also in ${where(first)} line ${lineIndex.get(first)})` }); continue }
    byId.set(q.id, q)
    const key = normalisedQuestion(q)
    const same = byContent.get(key)
    if (same) problems.push({ file: where(q), line, message: `${q.id}: the same question as ${same.id} (${where(same)} line ${lineIndex.get(same)})` })
    else byContent.set(key, q)
  }

  // Every topic has a lesson.
  const lessonKeys = new Set(lessons.map((l) => `${l.domain}/${l.topic}`))
  domains.forEach((d, i) => d.topics.forEach((t, j) => {
    if (!lessonKeys.has(`${d.id}/${t.id}`) && !problems.some((p) => p.file === `lessons/${d.id}/${t.id}.md`)) {
      problems.push({ file: 'syllabus.yaml', line: syllabusFile?.line(['domains', i, 'topics', j, 'id']) ?? 1, message: `topic ${d.id}/${t.id} has no lesson (lessons/${d.id}/${t.id}.md)` })
    }
  }))

  // Every blueprint can be filled from the bank.
  const pool = (domain: string, type: QuestionType, topic?: string) => questions.filter((q) => q.domain === domain && q.type === type && (!topic || q.topic === topic)).length
  for (const b of blueprints) {
    const file = `blueprints/${b.id}.yaml`
    const y = new YamlFile(file, files.get(file)!, [])
    b.cells.forEach((c, i) => {
      if (!topicOf.has(c.domain)) { problems.push({ file, line: y.line(['cells', i, 'domain']), message: `cell ${i + 1}: unknown domain "${c.domain}"` }); return }
      if (c.topic && !topicOf.get(c.domain)!.has(c.topic)) { problems.push({ file, line: y.line(['cells', i, 'topic']), message: `cell ${i + 1}: unknown topic "${c.topic}" in ${c.domain}` }); return }
      const have = pool(c.domain, c.type, c.topic)
      if (have < c.count) problems.push({ file, line: y.line(['cells', i]), message: `cell ${i + 1} (${c.domain}${c.topic ? `/${c.topic}` : ''} × ${c.type}) needs ${c.count} questions; the bank has ${have} (${c.count - have} short)` })
    })
    // Cells drawing from the same domain and type share their questions.
    const shared = new Map<string, number>()
    for (const c of b.cells) shared.set(`${c.domain}|${c.type}`, (shared.get(`${c.domain}|${c.type}`) ?? 0) + c.count)
    for (const [k, need] of shared) {
      const [domain, type] = k.split('|') as [string, QuestionType]
      const have = pool(domain, type)
      if (b.cells.filter((c) => `${c.domain}|${c.type}` === k).length > 1 && have < need) {
        problems.push({ file, line: y.line(['cells']), message: `the cells for ${domain} × ${type} need ${need} questions together; the bank has ${have} (${need - have} short)` })
      }
    }
  }

  problems.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line)
  return {
    bank: { ...meta, syllabus: domains, questions, lessons, blueprints, changelog: files.get('CHANGELOG.md') ?? '' },
    problems,
    warnings
  }
}

/** Counts by domain and by type, for the validator's summary line and the admin pages. */
export function countBank (questions: Array<Pick<Question, 'domain' | 'type'>>): { total: number, byDomain: Record<string, number>, byType: Record<string, number> } {
  const byDomain: Record<string, number> = {}
  const byType: Record<string, number> = {}
  for (const q of questions) {
    byDomain[q.domain] = (byDomain[q.domain] ?? 0) + 1
    byType[q.type] = (byType[q.type] ?? 0) + 1
  }
  return { total: questions.length, byDomain, byType }
}
