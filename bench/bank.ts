import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parse } from 'yaml'
import { openDatabase, migrateDatabase } from '../src/db/connection.js'
import { checkBank } from '../src/features/bank/format.js'
import { readBankDir } from '../src/features/bank/files.js'
import { publishBank } from '../src/features/bank/publish.js'
import type { SectionResult } from './run.js'
import { transaction } from '../src/db/engine.js'

const QUESTIONS = 5000
const TARGET_SECONDS = 10
const DOMAINS = ['law', 'knowledge', 'skills', 'ethics']
const TOPICS_PER_DOMAIN = 10

/**
 * Writes a valid bank of generated questions in Chinese and English, as the shipped bank is:
 * 4 domains x 10 topics x 125 questions, a lesson per topic and language, and a blueprint.
 */
export function generateBank (dir: string, total = QUESTIONS): void {
  const perTopic = Math.ceil(total / (DOMAINS.length * TOPICS_PER_DOMAIN))
  fs.mkdirSync(dir, { recursive: true })
  fs.writeFileSync(path.join(dir, 'bank.yaml'), 'release: "9999.1"\ntitle:\n  zh: 生成的基准题库\n  en: Generated benchmark bank\nlanguages: [zh, en]\n')
  const syllabus = ['domains:']
  let n = 0
  for (const d of DOMAINS) {
    syllabus.push(`  - id: ${d}`, `    title: { zh: 科目${DOMAINS.indexOf(d) + 1}, en: Domain ${d} }`, '    weight: 25', '    topics:')
    fs.mkdirSync(path.join(dir, 'questions', d), { recursive: true })
    fs.mkdirSync(path.join(dir, 'lessons', d), { recursive: true })
    for (let t = 1; t <= TOPICS_PER_DOMAIN; t++) {
      const topic = `topic-${t}`
      syllabus.push(`      - id: ${topic}`, `        title: { zh: 第${t}节, en: Topic ${t} of ${d} }`, '        weight: 1')
      const lines = ['questions:']
      for (let i = 1; i <= perTopic && n < total; i++, n++) {
        const type = i % 5 === 0 ? 'judge' : i % 4 === 0 ? 'multi' : 'single'
        lines.push(
          `  - id: ${d}.${topic}.${String(i).padStart(3, '0')}`,
          `    type: ${type}`,
          `    difficulty: ${1 + (i % 3)}`,
          '    stem:',
          `      zh: ${words(n)}的情形下，${words(n * 7 + 3)}应当适用下列哪一项规定（\u3000）。`,
          `      en: Generated question number ${n} about ${d} and ${topic}, asking which rule applies in case ${i}?`
        )
        if (type !== 'judge') {
          lines.push('    options:')
          for (const k of ['A', 'B', 'C', 'D', ...(type === 'multi' ? ['E'] : [])]) lines.push(`      ${k}:`, `        zh: 第${n}题的${k}项`, `        en: Option ${k} for generated question ${n}`)
          lines.push(`    answer: ${type === 'multi' ? '[A, C]' : 'B'}`)
        } else {
          lines.push(`    answer: ${i % 2 === 0}`)
        }
        lines.push(
          '    explanation:',
          `      zh: 依据《保安服务管理条例》，情形${i}适用B项所说的规定；其他各项与本情形不符，这正是解析要教给保安员的内容。`,
          '      en: >-',
          `        This generated explanation is long enough to pass the check: option B fits case ${i} and the`,
          '        others do not, which is what a real explanation would teach a guard.',
          `    source: Reg. art. ${1 + (i % 52)}`
        )
      }
      fs.writeFileSync(path.join(dir, 'questions', d, `${topic}.yaml`), lines.join('\n') + '\n')
      fs.writeFileSync(path.join(dir, 'lessons', d, `${topic}.md`), `# Topic ${t} of ${d}\n\n${'This lesson explains the topic in plain words. '.repeat(60)}\n`)
      fs.writeFileSync(path.join(dir, 'lessons', d, `${topic}.zh.md`), `# 第${t}节\n\n${'本课用通俗的话讲解本节的内容和规定。'.repeat(80)}\n`)
    }
  }
  fs.writeFileSync(path.join(dir, 'syllabus.yaml'), syllabus.join('\n') + '\n')
  fs.mkdirSync(path.join(dir, 'blueprints'), { recursive: true })
  fs.writeFileSync(path.join(dir, 'blueprints', 'mock.yaml'), ['id: mock', 'title: { zh: 生成的模拟考试, en: Generated mock }', 'time_limit_minutes: 90', 'pass_mark: 60', 'shuffle_options: true', 'cells:',
    ...DOMAINS.map((d) => `  - { domain: ${d}, type: single, count: 25, points: 1 }`)].join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'CHANGELOG.md'), '# Changelog\n\n## 9999.1\n\nGenerated.\n')
}

/** Distinct Chinese words for each number, so generated stems differ as real ones do (the validator reports near-duplicate stems). */
const HAN = '保安员小区门岗巡逻车辆访客登记消防通道监控值班报告物业业主快递钥匙电梯停车证件财物纠纷求助夜间楼道'
function words (n: number): string {
  let s = ''
  for (let k = 0, x = n * 2654435761 % 4294967296; k < 6; k++, x = Math.floor(x / HAN.length) + k * 7919) s += HAN[x % HAN.length]
  return s
}

const seconds = (ms: number) => Math.round(ms) / 1000

export async function bankSection (): Promise<SectionResult> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-bench-bank-'))
  try {
    generateBank(path.join(dir, 'bank'))
    const bankDir = path.join(dir, 'bank')
    const yamlFiles = [...readBankDir(bankDir).entries()].filter(([f]) => f.endsWith('.yaml'))

    // Floor: read and parse the same YAML files, nothing else (best of three).
    let floorMs = Infinity
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now()
      for (const [f] of yamlFiles) parse(fs.readFileSync(path.join(bankDir, f), 'utf8'))
      floorMs = Math.min(floorMs, performance.now() - t0)
    }

    const t1 = performance.now()
    const checked = checkBank(readBankDir(bankDir))
    const validateMs = performance.now() - t1
    if (checked.problems.length > 0) throw new Error(`generated bank is invalid: ${checked.problems[0]!.message}`)

    const db = openDatabase(path.join(dir, 'bench.db'))
    migrateDatabase(db)
    const t2 = performance.now()
    const result = await transaction(db, publishBank, checked.bank, null, new Date())
    const publishMs = performance.now() - t2
    db.$client.close()
    if (result.questions.added !== QUESTIONS) throw new Error(`published ${result.questions.added} questions, expected ${QUESTIONS}`)

    const totalMs = validateMs + publishMs
    const ratio = Math.round((totalMs / floorMs) * 10) / 10
    const ok = totalMs < TARGET_SECONDS * 1000
    return {
      section: 'bank',
      ok,
      summary: `validating and publishing ${QUESTIONS} questions took ${seconds(totalMs)} s (target under ${TARGET_SECONDS} s), ${ratio}x the floor of only parsing the YAML (${seconds(floorMs)} s)`,
      figures: [
        { name: 'questions', value: QUESTIONS, unit: '' },
        { name: 'floor: parse YAML only', value: seconds(floorMs), unit: 's' },
        { name: 'validate', value: seconds(validateMs), unit: 's', note: `${Math.round((validateMs / floorMs) * 10) / 10}x floor` },
        { name: 'publish (one transaction)', value: seconds(publishMs), unit: 's' },
        { name: 'validate + publish', value: seconds(totalMs), unit: 's', note: `${ratio}x floor` }
      ],
      json: { questions: QUESTIONS, floor_s: seconds(floorMs), validate_s: seconds(validateMs), publish_s: seconds(publishMs), total_s: seconds(totalMs), ratio_to_floor: ratio, target_s: TARGET_SECONDS, ok }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}
