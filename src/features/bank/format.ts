import { parseDocument, LineCounter, isMap, isScalar, type Document, type Node as YamlNode } from 'yaml'
import { parseSource, SOURCE_TAGS } from './sources.js'
import { similarPairs, SIMILAR_THRESHOLD } from './similar.js'

/**
 * The question-bank format (question-bank/README.md), pure: files in, a parsed
 * bank and every problem out, each with its file and line and a sentence a
 * content author understands. No file system, no database.
 */

export const DOMAIN_IDS = ['law', 'knowledge', 'skills', 'ethics'] as const
export const QUESTION_TYPES = ['single', 'multi', 'judge'] as const
export type QuestionType = typeof QUESTION_TYPES[number]

/** The languages bank text may be written in; a bank lists its own in bank.yaml, primary first. */
export const LANGUAGES = ['zh', 'en'] as const
export type Language = typeof LANGUAGES[number]
const LANGUAGE_NAMES: Record<Language, string> = { zh: 'Chinese', en: 'English' }

/** Bank text in each of the bank's languages (releases before 2026.2 are English only). */
export type Text = { [L in Language]?: string }
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
  /** Questions whose stems are alike but ask another fact, each with the reason (so the near-duplicate check is satisfied). */
  distinctFrom: Record<string, string>
}

export interface Topic { id: string, title: Text, weight: number }
export interface Domain { id: string, title: Text, weight: number, topics: Topic[] }
export interface Lesson { domain: string, topic: string, title: Text, body: Text }
export interface Cell { domain: string, type: QuestionType, count: number, points: number, topic?: string }
export interface Blueprint { id: string, title: Text, timeLimitMinutes: number, passMark: number, shuffleOptions: boolean, cells: Cell[] }

export interface Bank {
  release: string
  title: Text
  languages: Language[]
  syllabus: Domain[]
  questions: Question[]
  lessons: Lesson[]
  blueprints: Blueprint[]
  changelog: string
}

export interface Problem { file: string, line: number, message: string }

export { SOURCE_TAGS }
/** The shortest explanation, per language (Chinese says as much in fewer characters). */
const MIN_EXPLANATION: Record<Language, number> = { en: 60, zh: 30 }
/** Three or more Latin words in a row: English left in Chinese text. */
export const LATIN_RUN = /[A-Za-z][A-Za-z'’-]*(?:[\s,.;:!?()/]+[A-Za-z][A-Za-z'’-]*){2,}/
/** A Chinese lesson's length in 汉字. */
export const ZH_LESSON_CHARS = { min: 1000, max: 2500 }
export const hanCount = (s: string) => (s.match(/\p{Script=Han}/gu) ?? []).length
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

  /** A problem at the line of the field's key (`stem:`), where a map value starts one line lower. */
  fieldProblem (path: Array<string | number>, message: string) {
    const parent = this.doc.getIn(path.slice(0, -1), true)
    const pair = isMap(parent) ? parent.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]) : undefined
    const line = pair && isScalar(pair.key) && pair.key.range ? this.lc.linePos(pair.key.range[0]).line : this.line(path)
    this.problems.push({ file: this.file, line, message })
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

const CJK = '\\p{Script=Han}\\u3000-\\u303f\\uff00-\\uffef'
// ASCII spaces and line breaks only: the ideographic space of the blank （\u3000） is text.
const FOLDED = new RegExp(`(?<=[${CJK}])[ \\t\\r\\n]+|[ \\t\\r\\n]+(?=[${CJK}])`, 'gu')
/**
 * YAML folds a wrapped line into a space; Chinese puts no space between words, so a space
 * next to a Chinese character or full-width mark is a line break, not text ("18周岁 的" → "18周岁的").
 */
export const joinFoldedChinese = (s: string) => s.replace(FOLDED, '')

/**
 * A text field in every language of the bank: a map with one entry per
 * language (`zh:` then `en:`), or a plain string in a one-language bank.
 * A missing or empty translation is a problem at the field's line.
 */
function readText (y: YamlFile, path: Array<string | number>, v: unknown, what: string, langs: readonly Language[], opts: { min?: Record<Language, number> } = {}): Text | undefined {
  const t: Text = {}
  if (typeof v === 'string' || typeof v === 'number') {
    if (langs.length !== 1) { y.problem(path, `${what}: give the text in every language of the bank (${langs.join(', ')}) as a map, ${langs.map((l) => `${l}: …`).join(' then ')}`); return undefined }
    const text = String(v).trim()
    if (!text) { y.problem(path, `${what} is empty`); return undefined }
    t[langs[0]!] = text
  } else if (isObj(v)) {
    // A known language the bank does not list (a partial translation) is kept; anything else is a typo.
    const unknown = Object.keys(v).filter((k) => !(LANGUAGES as readonly string[]).includes(k))
    if (unknown.length) y.problem(path, `${what}: unknown language ${unknown.map((k) => `"${k}"`).join(', ')} (use ${LANGUAGES.join(', ')})`)
    for (const lang of LANGUAGES) if (!langs.includes(lang) && typeof v[lang] === 'string' && v[lang].trim()) t[lang] = v[lang].trim()
    for (const lang of langs) {
      const s = v[lang]
      if (s === undefined || s === null) { y.fieldProblem(path, `${what}: the ${LANGUAGE_NAMES[lang]} text (${lang}) is missing`); continue }
      if (typeof s !== 'string' && typeof s !== 'number') { y.problem([...path, lang], `${what}: the ${LANGUAGE_NAMES[lang]} text (${lang}) must be text`); continue }
      const text = lang === 'zh' ? joinFoldedChinese(String(s).trim()) : String(s).trim()
      if (!text) { y.problem([...path, lang], `${what}: the ${LANGUAGE_NAMES[lang]} text (${lang}) is empty`); continue }
      t[lang] = text
    }
  } else {
    y.problem(path, v === undefined || v === null ? `${what} is missing` : `${what} must be text`)
    return undefined
  }
  if (langs.some((l) => t[l] === undefined)) return undefined
  for (const lang of langs) {
    const text = t[lang]!
    const where = isObj(v) ? [...path, lang] : path
    const min = opts.min?.[lang]
    if (min && [...text].length < min) y.problem(where, `${what}${langs.length > 1 ? ` (${lang})` : ''} is too short (${[...text].length} characters; at least ${min}): say why the answer is right and why the tempting wrong options are wrong`)
    const latin = lang === 'zh' ? LATIN_RUN.exec(text) : null
    if (latin) y.problem(where, `${what}: the Chinese text holds English words ("${latin[0]}"); write it in Chinese`)
  }
  return t
}

function unknownKeys (y: YamlFile, path: Array<string | number>, v: Record<string, unknown>, allowed: string[], what: string) {
  for (const k of Object.keys(v)) if (!allowed.includes(k)) y.problem([...path, k], `${what}: unknown field "${k}" (allowed: ${allowed.join(', ')})`)
}

function positiveInt (y: YamlFile, path: Array<string | number>, v: unknown, what: string, max = 1_000_000): number | undefined {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) { y.problem(path, `${what} must be a whole number from 1 to ${max}`); return undefined }
  return v
}

/**
 * For spotting the same question twice, in one language: case, spacing and
 * punctuation do not count; option order does not either.
 */
export function normalisedQuestion (q: Pick<Question, 'stem' | 'options'>, lang: Language = 'en'): string {
  const n = (s: string | undefined) => (s ?? '').toLowerCase().normalize('NFKC').replace(/[\s\p{P}\p{S}]+/gu, '')
  return `${n(q.stem[lang])}|${q.options.map((o) => n(o.text[lang])).sort().join('|')}`
}

interface BankMeta { release: string, title: Text, languages: Language[] }

/** The release a bank.yaml names, without checking the rest of the bank (undefined if it names none). */
export function releaseLabel (bankYaml: string): string | undefined {
  const v = parseDocument(bankYaml).toJS() as unknown
  return isObj(v) && (typeof v.release === 'string' || typeof v.release === 'number') ? String(v.release) : undefined
}

function parseBankYaml (files: Map<string, string>, problems: Problem[]): BankMeta {
  const text = files.get('bank.yaml')
  const fallback: BankMeta = { release: '', title: {}, languages: ['en'] }
  if (text === undefined) { problems.push({ file: 'bank.yaml', line: 1, message: 'bank.yaml is missing' }); return fallback }
  const y = new YamlFile('bank.yaml', text, problems)
  const v = y.value()
  if (!isObj(v)) { if (y.ok) y.problem([], 'bank.yaml must be a map with release, title and languages'); return fallback }
  if ('language' in v) y.problem(['language'], 'language is replaced by languages, a list with the primary language first: languages: [zh, en]')
  unknownKeys(y, [], v, ['release', 'title', 'languages', 'language'], 'bank.yaml')
  const release = typeof v.release === 'string' || typeof v.release === 'number' ? String(v.release) : ''
  if (!/^\d{4}\.\d{1,3}$/.test(release)) y.problem(['release'], 'release must be a year and a number such as "2026.1" (quote it)')
  let languages: Language[] = fallback.languages
  const l = v.languages
  if (!Array.isArray(l) || l.length === 0 || l.some((x) => !(LANGUAGES as readonly unknown[]).includes(x))) {
    if (!('language' in v)) y.problem(['languages'], `languages must list the bank's languages, primary first, from ${LANGUAGES.join(', ')} (for example languages: [zh, en])`)
  } else if (new Set(l).size !== l.length) {
    y.problem(['languages'], 'a language is listed twice in languages')
  } else {
    languages = l as Language[]
  }
  const title = readText(y, ['title'], v.title, 'title', languages) ?? {}
  return { release, title, languages }
}

function parseSyllabus (files: Map<string, string>, langs: readonly Language[], problems: Problem[]): { domains: Domain[], y?: YamlFile } {
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
    const title = readText(y, [...p, 'title'], d.title, `domain ${id}: title`, langs)
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
      const ttitle = readText(y, [...tp, 'title'], t.title, `topic ${id}/${tid}: title`, langs)
      const tw = positiveInt(y, [...tp, 'weight'], t.weight, `topic ${id}/${tid}: weight`, 1000)
      if (ttitle && tw) topics.push({ id: tid, title: ttitle, weight: tw })
    })
    if (title && weight) domains.push({ id, title, weight, topics })
  })
  return { domains, y }
}

function parseQuestionFile (file: string, text: string, domain: string, topic: string, langs: readonly Language[], problems: Problem[], lineIndex: Map<Question, number>): Question[] {
  const y = new YamlFile(file, text, problems)
  const v = y.value()
  if (!isObj(v) || !Array.isArray(v.questions)) { if (y.ok) y.problem([], 'a questions file needs a list "questions"'); return [] }
  const list: unknown[] = v.questions
  const out: Question[] = []
  list.forEach((q: unknown, i: number) => {
    const p = ['questions', i]
    if (!isObj(q)) { y.problem(p, 'each question must be a map'); return }
    unknownKeys(y, p, q, ['id', 'type', 'difficulty', 'stem', 'options', 'answer', 'explanation', 'source', 'tags', 'distinct_from'], 'question')
    const id = typeof q.id === 'string' ? q.id : ''
    const label = id || `question ${i + 1}`
    const expectedPrefix = `${domain}.${topic}.`
    if (!id) y.problem(p, `${label}: id is missing`)
    else if (!id.startsWith(expectedPrefix) || !/^\d{3,4}$/.test(id.slice(expectedPrefix.length))) y.problem([...p, 'id'], `${id}: id must be ${expectedPrefix}<3 digits> to match its file`)
    const type = q.type as QuestionType
    if (!(QUESTION_TYPES as readonly string[]).includes(type)) { y.problem([...p, 'type'], `${label}: type must be single, multi or judge`); return }
    const difficulty = q.difficulty
    if (difficulty !== 1 && difficulty !== 2 && difficulty !== 3) y.problem([...p, 'difficulty'], `${label}: difficulty must be 1, 2 or 3`)
    const stem = readText(y, [...p, 'stem'], q.stem, `${label}: stem`, langs)
    const explanation = readText(y, [...p, 'explanation'], q.explanation, `${label}: explanation`, langs, { min: MIN_EXPLANATION })
    let source = ''
    if (typeof q.source !== 'string' || !q.source.trim()) y.problem([...p, 'source'], `${label}: source is missing`)
    else {
      const parsed = parseSource(q.source.trim())
      if ('error' in parsed) y.problem([...p, 'source'], `${label}: source ${parsed.error}`)
      else source = q.source.trim()
    }
    const distinctFrom: Record<string, string> = {}
    if (q.distinct_from !== undefined) {
      if (!isObj(q.distinct_from)) y.problem([...p, 'distinct_from'], `${label}: distinct_from is a map of question ids to the reason each asks another fact`)
      else {
        for (const [other, why] of Object.entries(q.distinct_from)) {
          if (typeof why !== 'string' || !why.trim()) y.problem([...p, 'distinct_from', other], `${label}: distinct_from ${other}: say what the other question asks that this one does not`)
          else distinctFrom[other] = why.trim()
        }
      }
    }
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
        const text = readText(y, [...p, 'options', k], (q.options as Record<string, unknown>)[k], `${label}: option ${k}`, langs)
        if (text) options.push({ key: k, text })
      })
      for (const lang of langs) {
        const texts = options.map((o) => (o.text[lang] ?? '').toLowerCase())
        if (new Set(texts).size !== texts.length) y.problem([...p, 'options'], `${label}: two options have the same text${langs.length > 1 ? ` (${lang})` : ''}`)
        if (texts.some((t) => /^(all|none) of the above\.?$|^以上(都|均|全)/.test(t))) y.problem([...p, 'options'], `${label}: no "all of the above" or "none of the above" options`)
      }
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
      const question: Question = { id, domain, topic, type, difficulty, stem, options, answer, explanation, source, tags, distinctFrom }
      lineIndex.set(question, y.line([...p, 'id']))
      out.push(question)
    }
  })
  return out
}

function parseBlueprint (file: string, text: string, langs: readonly Language[], problems: Problem[]): Blueprint | undefined {
  const y = new YamlFile(file, text, problems)
  const v = y.value()
  if (!isObj(v)) { if (y.ok) y.problem([], 'a blueprint must be a map'); return undefined }
  unknownKeys(y, [], v, ['id', 'title', 'time_limit_minutes', 'pass_mark', 'shuffle_options', 'cells'], 'blueprint')
  const fileId = file.replace(/^blueprints\//, '').replace(/\.yaml$/, '')
  if (v.id !== fileId) y.problem(['id'], `id must be "${fileId}", the file's name`)
  const title = readText(y, ['title'], v.title, 'title', langs)
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

/** One language's lesson file: its title (the level-1 heading on the first line) and its text. */
function parseLesson (file: string, text: string, lang: Language, problems: Problem[], warnings: Problem[]): { title: string, body: string } | undefined {
  const body = text.replace(/^\uFEFF/, '')
  if (!body.trim()) { problems.push({ file, line: 1, message: `the ${LANGUAGE_NAMES[lang]} lesson is empty` }); return undefined }
  const first = body.split(/\r?\n/, 1)[0] ?? ''
  if (!/^# \S/.test(first)) { problems.push({ file, line: 1, message: lang === 'zh' ? 'a lesson starts with its title as a level-1 heading ("# 标题")' : 'a lesson starts with its title as a level-1 heading ("# Title")' }); return undefined }
  if (lang === 'zh') {
    const n = hanCount(body)
    if (n < ZH_LESSON_CHARS.min || n > ZH_LESSON_CHARS.max) warnings.push({ file, line: 1, message: `the Chinese lesson has ${n} characters (aim for ${ZH_LESSON_CHARS.min} to ${ZH_LESSON_CHARS.max} 汉字)` })
    const lines = body.split(/\r?\n/)
    const at = lines.findIndex((l) => LATIN_RUN.test(l))
    if (at >= 0) problems.push({ file, line: at + 1, message: `the Chinese lesson holds English words ("${LATIN_RUN.exec(lines[at]!)![0]}"); write it in Chinese` })
  } else {
    const words = body.replace(/[#*_`>-]/g, ' ').split(/\s+/).filter(Boolean).length
    if (words < 400 || words > 1200) warnings.push({ file, line: 1, message: `the lesson has ${words} words (aim for 400 to 1,200)` })
  }
  if (/<[a-z][^>]*>/i.test(body)) warnings.push({ file, line: 1, message: 'raw HTML in a lesson is not rendered' })
  return { title: first.slice(2).trim(), body }
}

/** A lesson's file name in each language: English is `<topic>.md`, every other language `<topic>.<lang>.md`. */
export const lessonFile = (domain: string, topic: string, lang: Language) => `lessons/${domain}/${topic}${lang === 'en' ? '' : `.${lang}`}.md`

export interface CheckResult { bank: Bank, problems: Problem[], warnings: Problem[] }

/** Parses and checks a whole bank given its files (paths relative to the bank folder, "/" separators). */
export function checkBank (files: Map<string, string>): CheckResult {
  const problems: Problem[] = []
  const warnings: Problem[] = []
  const lineIndex = new Map<Question, number>()
  const meta = parseBankYaml(files, problems)
  const langs = meta.languages
  const { domains, y: syllabusFile } = parseSyllabus(files, langs, problems)
  const topicOf = new Map<string, Set<string>>(domains.map((d) => [d.id, new Set(d.topics.map((t) => t.id))]))

  const questions: Question[] = []
  const lessons: Lesson[] = []
  const blueprints: Blueprint[] = []
  const lessonFiles = new Map<string, string>()
  const paths = [...files.keys()].sort()
  for (const path of paths) {
    const text = files.get(path)!
    let m: RegExpExecArray | null
    if ((m = /^questions\/([^/]+)\/([^/]+)\.yaml$/.exec(path))) {
      const [, domain, topic] = m as unknown as [string, string, string]
      if (!topicOf.get(domain)?.has(topic)) { problems.push({ file: path, line: 1, message: `unknown ${topicOf.has(domain) ? 'topic' : 'domain'}: ${domain}/${topic} is not in syllabus.yaml` }); continue }
      questions.push(...parseQuestionFile(path, text, domain, topic, langs, problems, lineIndex))
    } else if ((m = /^lessons\/([^/]+)\/([^/.]+)(?:\.([a-z]{2}))?\.md$/.exec(path))) {
      const [, domain, topic, lang = 'en'] = m as unknown as [string, string, string, string | undefined]
      if (!topicOf.get(domain)?.has(topic)) { problems.push({ file: path, line: 1, message: `a lesson for an unknown topic: ${domain}/${topic} is not in syllabus.yaml` }); continue }
      if (!(langs as readonly string[]).includes(lang)) { warnings.push({ file: path, line: 1, message: `"${lang}" is not a language of this bank (bank.yaml lists ${langs.join(', ')}); the file is ignored` }); continue }
      lessonFiles.set(path, text)
    } else if (/^blueprints\/[^/]+\.yaml$/.test(path)) {
      const b = parseBlueprint(path, text, langs, problems)
      if (b) blueprints.push(b)
    } else if (!['bank.yaml', 'syllabus.yaml', 'CHANGELOG.md', 'README.md'].includes(path) && !/^(\.|reviews\/|sources\/)/.test(path)) {
      warnings.push({ file: path, line: 1, message: 'this file is not part of the bank format and is ignored' })
    }
  }

  // Ids and duplicates across files.
  const byId = new Map<string, Question>()
  const byContent = new Map<string, Question>()
  const where = (q: Question) => `questions/${q.domain}/${q.topic}.yaml`
  for (const q of questions) {
    const line = lineIndex.get(q) ?? 1
    const first = byId.get(q.id)
    if (first) { problems.push({ file: where(q), line, message: `${q.id}: the id is used twice (also in ${where(first)} line ${lineIndex.get(first)})` }); continue }
    byId.set(q.id, q)
    for (const lang of langs) {
      const key = `${lang}|${normalisedQuestion(q, lang)}`
      const same = byContent.get(key)
      if (same) { problems.push({ file: where(q), line, message: `${q.id}: the same question as ${same.id} (${where(same)} line ${lineIndex.get(same)})` }); break }
      byContent.set(key, q)
    }
  }

  // Near-duplicates: stems so alike in the primary language that they likely ask the same fact twice.
  for (const q of questions) {
    for (const other of Object.keys(q.distinctFrom)) {
      if (!byId.has(other)) problems.push({ file: where(q), line: lineIndex.get(q) ?? 1, message: `${q.id}: distinct_from names ${other}, which is not a question of this bank` })
    }
  }
  const primary = langs[0]!
  for (const pair of similarPairs(questions.map((q) => ({ id: q.id, text: q.stem[primary] ?? '' })))) {
    const a = byId.get(pair.a)!
    const b = byId.get(pair.b)!
    if (a.distinctFrom[b.id] || b.distinctFrom[a.id]) continue
    warnings.push({ file: where(b), line: lineIndex.get(b) ?? 1, message: `${b.id} and ${a.id} (${where(a)} line ${lineIndex.get(a)}) have very similar stems (${Math.round(pair.score * 100)}% of character trigrams shared, the limit is ${Math.round(SIMILAR_THRESHOLD * 100)}%): remove one if they ask the same fact, or say in distinct_from what each asks` })
  }

  // Every topic has a lesson in every language of the bank.
  domains.forEach((d, i) => d.topics.forEach((t, j) => {
    const title: Text = {}
    const body: Text = {}
    for (const lang of langs) {
      const file = lessonFile(d.id, t.id, lang)
      const text = lessonFiles.get(file)
      if (text === undefined) {
        problems.push({ file: 'syllabus.yaml', line: syllabusFile?.line(['domains', i, 'topics', j, 'id']) ?? 1, message: `topic ${d.id}/${t.id} has no ${LANGUAGE_NAMES[lang]} lesson (${file})` })
        continue
      }
      const l = parseLesson(file, text, lang, problems, warnings)
      if (l) { title[lang] = l.title; body[lang] = l.body }
    }
    if (langs.every((l) => body[l] !== undefined)) lessons.push({ domain: d.id, topic: t.id, title, body })
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
