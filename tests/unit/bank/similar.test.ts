import { describe, test, expect } from 'vitest'
import { jaccard, trigrams, similarPairs, SIMILAR_THRESHOLD } from '../../../src/features/bank/similar.js'
import { checkBank } from '../../../src/features/bank/format.js'
import { readBankDir } from '../../../src/features/bank/files.js'
import { DEFAULT_BANK_DIR } from '../../../src/features/bank/cli.js'

describe('near-duplicate stems', () => {
  test('the same rule asked twice in other words is caught', () => {
    const a = '依据《中华人民共和国道路交通安全法实施条例》，机动车在交叉路口以及距离交叉路口（　）以内的路段，不得停车。'
    const b = '依据《中华人民共和国道路交通安全法实施条例》，机动车在交叉路口及距交叉路口（　）以内的路段不得停车。'
    expect(jaccard(trigrams(a), trigrams(b))).toBeGreaterThanOrEqual(SIMILAR_THRESHOLD)
    expect(similarPairs([{ id: 'x.1', text: a }, { id: 'x.2', text: b }])).toEqual([{ a: 'x.1', b: 'x.2', score: expect.any(Number) }])
  })

  test('two different facts in the same frame are not', () => {
    const a = '保安员发现火灾，应当立即拨打（　）报警。'
    const b = '保安员发现有人受伤昏迷，应当立即拨打（　）求助。'
    expect(jaccard(trigrams(a), trigrams(b))).toBeLessThan(SIMILAR_THRESHOLD)
    expect(similarPairs([{ id: 'x.1', text: a }, { id: 'x.2', text: b }])).toEqual([])
  })

  test('punctuation, spacing and the blank do not count; identical text is 1', () => {
    expect(jaccard(trigrams('担任保安员应当年满（　）。'), trigrams('担任保安员 应当年满______'))).toBe(1)
  })

  test('the index finds the same pairs as comparing every pair, on the shipped bank', () => {
    const { bank } = checkBank(readBankDir(DEFAULT_BANK_DIR))
    const items = bank.questions.map((q) => ({ id: q.id, text: q.stem.zh ?? '' }))
    const sets = items.map((i) => trigrams(i.text))
    const brute: string[] = []
    for (let i = 0; i < items.length; i++) for (let j = i + 1; j < items.length; j++) if (jaccard(sets[i]!, sets[j]!) >= SIMILAR_THRESHOLD) brute.push(`${items[i]!.id} ${items[j]!.id}`)
    expect(similarPairs(items).map((p) => `${p.a} ${p.b}`).sort()).toEqual(brute.sort())
  })
})

const bank = (extra: string) => new Map([
  ['bank.yaml', 'release: "2026.9"\ntitle: { zh: 测试, en: Test }\nlanguages: [zh, en]\n'],
  ['syllabus.yaml', 'domains:\n  - id: skills\n    title: { zh: 岗位技能, en: Skills }\n    weight: 100\n    topics:\n      - id: traffic-guidance\n        title: { zh: 交通疏导, en: Traffic }\n        weight: 1\n'],
  ['lessons/skills/traffic-guidance.md', '# Traffic\n\n' + 'Guards guide traffic inside the compound. '.repeat(70)],
  ['lessons/skills/traffic-guidance.zh.md', '# 交通疏导\n\n' + '保安员负责小区内部的交通疏导。'.repeat(80)],
  ['questions/skills/traffic-guidance.yaml', `questions:
  - id: skills.traffic-guidance.001
    type: judge
    difficulty: 1
    stem:
      zh: 机动车在交叉路口以及距离交叉路口50米以内的路段，不得停车。
      en: No stopping at a junction or within 50 m of it.
    answer: true
    explanation:
      zh: 依据《中华人民共和国道路交通安全法实施条例》第六十三条，交叉路口及其50米以内的路段不得停车。
      en: RTSLIR art. 63 forbids stopping at a junction or within 50 m of it, which is what the statement says.
    source: RTSLIR art. 63
  - id: skills.traffic-guidance.002
    type: judge
    difficulty: 1
    stem:
      zh: 机动车在交叉路口及距离交叉路口50米以内的路段不能停车。
      en: Vehicles may not stop at junctions or within 50 m of one.
    answer: true
    explanation:
      zh: 依据《中华人民共和国道路交通安全法实施条例》第六十三条，交叉路口及其50米以内的路段不得停车。
      en: RTSLIR art. 63 forbids stopping at a junction or within 50 m of it, so the statement is true.
    source: RTSLIR art. 63
${extra}`]
])

describe('the validator', () => {
  test('warns of a pair with very similar Chinese stems, at the later one, naming both', () => {
    const r = checkBank(bank(''))
    expect(r.problems).toEqual([])
    expect(r.warnings).toEqual([expect.objectContaining({ file: 'questions/skills/traffic-guidance.yaml', line: 13, message: expect.stringMatching(/^skills\.traffic-guidance\.002 and skills\.traffic-guidance\.001 \(questions\/skills\/traffic-guidance\.yaml line 2\) have very similar stems \(\d+% of character trigrams shared, the limit is 50%\)/) })])
  })

  test('distinct_from with a reason explains a pair; a reason is required and the id must exist', () => {
    const explained = bank('').get('questions/skills/traffic-guidance.yaml')!.replace('    source: RTSLIR art. 63\n', '    source: RTSLIR art. 63\n    distinct_from: { skills.traffic-guidance.002: "asks the junction rule as a statement; 002 asks it again" }\n')
    const files = bank('')
    files.set('questions/skills/traffic-guidance.yaml', explained)
    expect(checkBank(files).warnings).toEqual([])
    files.set('questions/skills/traffic-guidance.yaml', explained.replace('skills.traffic-guidance.002: "asks the junction rule as a statement; 002 asks it again"', 'skills.traffic-guidance.099: "x"'))
    expect(checkBank(files).problems.map((p) => p.message)).toContain('skills.traffic-guidance.001: distinct_from names skills.traffic-guidance.099, which is not a question of this bank')
    files.set('questions/skills/traffic-guidance.yaml', explained.replace('"asks the junction rule as a statement; 002 asks it again"', '""'))
    expect(checkBank(files).problems.map((p) => p.message)).toContain('skills.traffic-guidance.001: distinct_from skills.traffic-guidance.002: say what the other question asks that this one does not')
  })
})
