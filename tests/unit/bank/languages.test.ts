import { describe, test, expect } from 'vitest'
import { checkBank, joinFoldedChinese } from '../../../src/features/bank/format.js'
import { chineseNumber, citedReferences, parseSource, sourceText, SOURCE_TAGS } from '../../../src/features/bank/sources.js'

// A bank in two languages, Chinese first: one topic, three questions, its lessons and a blueprint.
const ZH_LESSON = `# 保安员的条件\n\n## 是什么\n\n${'保安员应当年满十八周岁。'.repeat(90)}\n`
const EN_LESSON = `# Who may become a guard\n\n## What it is\n\n${'A guard must be at least eighteen years old. '.repeat(50)}\n`
const QUESTIONS = `questions:
  - id: law.guard-eligibility.001
    type: single
    difficulty: 1
    stem:
      zh: 担任保安员应当年满（\u3000）。
      en: What is the minimum age for a security guard?
    options:
      A:
        zh: 16周岁
        en: "16"
      B:
        zh: 18周岁
        en: "18"
      C:
        zh: 20周岁
        en: "20"
    answer: B
    explanation:
      zh: 依据《保安服务管理条例》第十六条，担任保安员应当年满18周岁；16周岁是一般的最低就业年龄，不是保安员的条件。
      en: Art. 16 of the Regulations requires a guard to be 18; sixteen is the general minimum working age, not the guard's.
    source: Reg. art. 16

  - id: law.guard-eligibility.002
    type: judge
    difficulty: 1
    stem:
      zh: 保安员应当具有初中以上学历。
      en: A guard must have at least junior-middle-school education.
    answer: true
    explanation:
      zh: 依据《保安服务管理条例》第十六条，初中以上学历是申领保安员证的条件之一，高中学历不是必需的。
      en: Art. 16 lists junior-middle-school education or above among the conditions; senior-middle school is not required.
    source: Reg. art. 16
`
function bilingual (): Map<string, string> {
  return new Map([
    ['bank.yaml', 'release: "2026.9"\ntitle:\n  zh: 测试题库\n  en: Test bank\nlanguages: [zh, en]\n'],
    ['syllabus.yaml', 'domains:\n  - id: law\n    title:\n      zh: 法律知识\n      en: Legal knowledge\n    weight: 100\n    topics:\n      - id: guard-eligibility\n        title:\n          zh: 保安员的条件\n          en: Who may become a guard\n        weight: 1\n'],
    ['questions/law/guard-eligibility.yaml', QUESTIONS],
    ['lessons/law/guard-eligibility.md', EN_LESSON],
    ['lessons/law/guard-eligibility.zh.md', ZH_LESSON],
    ['blueprints/mini.yaml', 'id: mini\ntitle:\n  zh: 小测\n  en: Mini\ntime_limit_minutes: 5\npass_mark: 1\nshuffle_options: false\ncells:\n  - { domain: law, type: single, count: 1, points: 1 }\n']
  ])
}
const Q = 'questions/law/guard-eligibility.yaml'
const change = (file: string, from: string | RegExp, to: string) => {
  const files = bilingual()
  const text = files.get(file)!
  const next = text.replace(from, to)
  if (next === text) throw new Error(`${String(from)} not in ${file}`)
  files.set(file, next)
  return checkBank(files).problems
}

describe('a bank in two languages', () => {
  test('is valid, with its languages in order and every text in both', () => {
    const r = checkBank(bilingual())
    expect(r.problems).toEqual([])
    expect(r.bank.languages).toEqual(['zh', 'en'])
    expect(r.bank.title).toEqual({ zh: '测试题库', en: 'Test bank' })
    const q = r.bank.questions[0]!
    expect(q.stem.zh).toBe('担任保安员应当年满（\u3000）。')
    expect(q.options.map((o) => o.text)).toEqual([{ zh: '16周岁', en: '16' }, { zh: '18周岁', en: '18' }, { zh: '20周岁', en: '20' }])
    expect(r.bank.lessons[0]!.title).toEqual({ zh: '保安员的条件', en: 'Who may become a guard' })
  })

  // Each change, and the line of the field's key it must be reported at.
  test.each([
    ['a missing Chinese stem', Q, '      zh: 担任保安员应当年满（\u3000）。\n', '', 5, /law\.guard-eligibility\.001: stem: the Chinese text \(zh\) is missing/],
    ['a missing Chinese option', Q, '        zh: 18周岁\n', '', 12, /law\.guard-eligibility\.001: option B: the Chinese text \(zh\) is missing/],
    ['an empty Chinese option', Q, '        zh: 18周岁\n', '        zh: ""\n', 13, /option B: the Chinese text \(zh\) is empty/],
    ['a missing Chinese explanation', Q, / {6}zh: 依据《保安服务管理条例》第十六条，担任.*\n/, '', 19, /law\.guard-eligibility\.001: explanation: the Chinese text \(zh\) is missing/],
    ['a missing English explanation', Q, / {6}en: Art\. 16 lists.*\n/, '', 31, /law\.guard-eligibility\.002: explanation: the English text \(en\) is missing/],
    ['English left in the Chinese text', Q, '      zh: 保安员应当具有初中以上学历。', '      zh: 保安员应当具有 junior middle school 学历。', 28, /the Chinese text holds English words \("junior middle school"\)/],
    ['a plain string in a two-language bank', Q, '    stem:\n      zh: 保安员应当具有初中以上学历。\n      en: A guard must have at least junior-middle-school education.', '    stem: A guard must have junior-middle-school education.', 27, /give the text in every language of the bank \(zh, en\) as a map/],
    ['a missing Chinese topic title', 'syllabus.yaml', '          zh: 保安员的条件\n', '', 9, /topic law\/guard-eligibility: title: the Chinese text \(zh\) is missing/]
  ])('%s is an error at the field\'s file and line', (_name, file, from, to, line, message) => {
    const problems = change(file, from, to)
    const hit = problems.find((p) => message.test(p.message))
    expect(hit, JSON.stringify(problems, null, 1)).toBeDefined()
    expect([hit!.file, hit!.line]).toEqual([file, line])
  })

  test('Chinese wrapped over several lines in YAML reads without the spaces the folding adds; the blank keeps its ideographic space', () => {
    const files = bilingual()
    files.set(Q, QUESTIONS.replace('      zh: 担任保安员应当年满（\u3000）。', '      zh: >-\n        担任保安员\n        应当年满（\u3000）。'))
    expect(checkBank(files).bank.questions[0]!.stem.zh).toBe('担任保安员应当年满（\u3000）。')
    expect(joinFoldedChinese('依据 GB 50140-2005 规定，\n使用 ABC 干粉')).toBe('依据GB 50140-2005规定，使用ABC干粉')
  })

  test('a missing Chinese lesson is an error at the topic in syllabus.yaml, naming the file', () => {
    const files = bilingual()
    files.delete('lessons/law/guard-eligibility.zh.md')
    const hit = checkBank(files).problems.find((p) => /no Chinese lesson/.test(p.message))
    expect(hit).toEqual({ file: 'syllabus.yaml', line: 8, message: 'topic law/guard-eligibility has no Chinese lesson (lessons/law/guard-eligibility.zh.md)' })
  })

  test('an empty Chinese lesson, and a Chinese lesson with English in it, are errors in the lesson file', () => {
    const files = bilingual()
    files.set('lessons/law/guard-eligibility.zh.md', '  \n')
    expect(checkBank(files).problems).toContainEqual({ file: 'lessons/law/guard-eligibility.zh.md', line: 1, message: 'the Chinese lesson is empty' })
    files.set('lessons/law/guard-eligibility.zh.md', ZH_LESSON.replace('## 是什么', '## 是什么\n\nsee the English lesson'))
    expect(checkBank(files).problems).toContainEqual(expect.objectContaining({ file: 'lessons/law/guard-eligibility.zh.md', line: 5, message: expect.stringMatching(/holds English words/) }))
  })

  test('a Chinese lesson outside 1,000 to 2,500 汉字 is reported', () => {
    const files = bilingual()
    files.set('lessons/law/guard-eligibility.zh.md', '# 保安员的条件\n\n很短。\n')
    expect(checkBank(files).warnings).toContainEqual({ file: 'lessons/law/guard-eligibility.zh.md', line: 1, message: 'the Chinese lesson has 8 characters (aim for 1000 to 2500 汉字)' })
  })

  test('the same question twice in Chinese only is still a duplicate', () => {
    const files = bilingual()
    const copy = QUESTIONS.split('\n').slice(1, 22).join('\n').replace('law.guard-eligibility.001', 'law.guard-eligibility.003').replace('What is the minimum age for a security guard?', 'How old must a guard be at least?')
    files.set(Q, `${QUESTIONS}\n${copy}\n`)
    expect(checkBank(files).problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/law\.guard-eligibility\.003: the same question as law\.guard-eligibility\.001/))
  })

  test('bank.yaml: languages replaces language, and must list known languages once', () => {
    const withOld = bilingual()
    withOld.set('bank.yaml', 'release: "2026.9"\ntitle: Test\nlanguage: en\n')
    expect(checkBank(withOld).problems).toContainEqual({ file: 'bank.yaml', line: 3, message: 'language is replaced by languages, a list with the primary language first: languages: [zh, en]' })
    const twice = bilingual()
    twice.set('bank.yaml', 'release: "2026.9"\ntitle: { zh: 测试, en: Test }\nlanguages: [zh, zh]\n')
    expect(checkBank(twice).problems).toContainEqual({ file: 'bank.yaml', line: 3, message: 'a language is listed twice in languages' })
    const unknown = bilingual()
    unknown.set('bank.yaml', 'release: "2026.9"\ntitle: { zh: 测试, en: Test }\nlanguages: [zh, fr]\n')
    expect(checkBank(unknown).problems.map((p) => p.message)).toContainEqual(expect.stringMatching(/languages must list the bank's languages/))
  })
})

describe('source citations read in the reader\'s language, from one table', () => {
  test.each([
    ['Reg. art. 16', '《保安服务管理条例》第十六条'],
    ['Reg. art. 17(2)', '《保安服务管理条例》第十七条第（二）项'],
    ['Reg. arts. 29-30', '《保安服务管理条例》第二十九条至第三十条'],
    ['Reg. art. 17(3)–(4)', '《保安服务管理条例》第十七条第（三）项至第（四）项'],
    ['PMR art. 45; Reg. arts. 2, 30(1); FPL art. 28', '《物业管理条例》第四十五条；《保安服务管理条例》第二条、第三十条第（一）项；《中华人民共和国消防法》第二十八条'],
    ['Civil Code art. 942', '《中华人民共和国民法典》第九百四十二条'],
    ['Reg. header', '《保安服务管理条例》题注'],
    ['RTSLIR art. 63', '《中华人民共和国道路交通安全法实施条例》第六十三条'],
    ['CPL art. 84', '《中华人民共和国刑事诉讼法》第八十四条'],
    ['PSAPL', '《中华人民共和国治安管理处罚法》'],
    ['PSAPL: 2025 revision', '《中华人民共和国治安管理处罚法》（2025年修订）'],
    ['common practice: gatekeeping', '行业通行做法：门卫'],
    ['common practice: civil service; duty discipline', '行业通行做法：文明服务；行业通行做法：值勤纪律'],
    ['Outline: exam format', '保安员资格考试大纲：考试形式'],
    ['GB 50140-2005 cl. 4.2.2', '《建筑灭火器配置设计规范》（GB 50140-2005）第4.2.2条'],
    ['GB/T 4968-2008', '《火灾分类》（GB/T 4968-2008）'],
    ['National Occupational Standard for security guards (2019 edition)', '《保安员国家职业标准》（2019年版）']
  ])('%s reads %s', (source, zh) => {
    expect(parseSource(source)).not.toHaveProperty('error')
    expect(sourceText(source, 'zh')).toBe(zh)
    expect(sourceText(source, 'en')).toBe(source)
  })

  test('every tag the validator accepts has its Chinese', () => {
    for (const tag of SOURCE_TAGS) {
      const sample = tag === 'common practice' ? 'common practice: patrol' : tag === 'Outline' ? 'Outline: exam format' : tag === 'GB' ? 'GB 50140-2005' : tag === 'GB/T' ? 'GB/T 4968-2008' : tag === 'National Occupational Standard' ? 'National Occupational Standard for security guards (2019 edition)' : `${tag} art. 3`
      const zh = sourceText(sample, 'zh')
      expect(zh, sample).not.toBe(sample)
      expect(zh, sample).toMatch(/\p{Script=Han}/u)
    }
  })

  test.each([
    ['Wikipedia', /must start with one of Reg\., Measures/],
    ['Reg.', /must be followed by the article or section/],
    ['Reg. article sixteen', /write the article as "art\. 16"/],
    ['PSAPL (2012 text) art. 40', /the 2012 text of the PSAPL is no longer in force/],
    ['common practice: folk wisdom', /the subject "folk wisdom" is not in the table of subjects/],
    ['GB 12345-2020', /is not in the table of standards/]
  ])('%s is refused', (source, message) => {
    const r = parseSource(source)
    expect('error' in r && r.error).toMatch(message)
  })

  test('a source opens up into the single references a sources file lists', () => {
    expect(citedReferences('Reg. arts. 29-30, 31(2); common practice: patrol; GB 50140-2005 cl. 4.2; PSAPL')).toEqual(['Reg. art. 29', 'Reg. art. 30', 'Reg. art. 31', 'common practice: patrol', 'GB 50140-2005 cl. 4.2', 'PSAPL'])
    expect(citedReferences('ATL art. 31')).toEqual(['ATL art. 31'])
  })

  test('article numbers are written as statutes write them', () => {
    expect([1, 10, 16, 20, 30, 45, 100, 105, 110, 119, 144, 942].map(chineseNumber)).toEqual(['一', '十', '十六', '二十', '三十', '四十五', '一百', '一百零五', '一百一十', '一百一十九', '一百四十四', '九百四十二'])
  })
})
