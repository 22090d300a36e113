import { describe, test, expect } from 'vitest'
import { checkBank, normalisedQuestion } from '../../../src/features/bank/format.js'
import { smallBank, edit } from '../../helpers/bank.js'

const LAW = 'questions/law/guard-eligibility.yaml'
const ETHICS = 'questions/ethics/confidentiality.yaml'
const SKILLS = 'questions/skills/cpr-aed.yaml'
// The line of a question appended after a blank line at the end of the skills file.
const SKILLS_COPY_LINE = smallBank().get(SKILLS)!.split('\n').length + 1

/** Runs the validator on a changed copy of the fixture bank and returns its problems. */
const problemsAfter = (change: (f: Map<string, string>) => void) => {
  const files = smallBank()
  change(files)
  return checkBank(files).problems
}

describe('the fixture bank', () => {
  test('is valid, and parses into what the files say', () => {
    const r = checkBank(smallBank())
    expect(r.problems).toEqual([])
    expect(r.bank.release).toBe('2026.0')
    expect(r.bank.questions).toHaveLength(28)
    expect(r.bank.lessons).toHaveLength(4)
    const q1 = r.bank.questions.find((q) => q.id === 'law.guard-eligibility.001')!
    expect(q1).toMatchObject({ domain: 'law', topic: 'guard-eligibility', type: 'single', difficulty: 1, answer: ['B'], source: 'Reg. art. 16' })
    expect(q1.options.map((o) => o.key)).toEqual(['A', 'B', 'C', 'D'])
    expect(r.bank.questions.find((q) => q.id === 'law.guard-eligibility.020')!.answer).toEqual(['false'])
    expect(r.bank.blueprints[0]!.cells).toHaveLength(12)
  })
})

describe('every problem is reported with its file, line and a clear message', () => {
  test.each([
    ['YAML syntax', (f: Map<string, string>) => edit(f, LAW, '    type: single\n    difficulty: 1\n    stem: What is the minimum age', '    type: single\n    difficulty: [1\n    stem: What is the minimum age'),
      LAW, 5, /YAML syntax/],
    ['an unknown field (a typo)', (f: Map<string, string>) => edit(f, LAW, '    source: Reg. art. 16\n    tags: [eligibility, age]', '    source: Reg. art. 16\n    sauce: Reg. art. 16'),
      LAW, 18, /unknown field "sauce"/],
    ['an unknown source', (f: Map<string, string>) => edit(f, LAW, '    source: Reg. art. 16\n    tags: [eligibility, age]', '    source: Wikipedia\n    tags: [eligibility, age]'),
      LAW, 17, /source "Wikipedia" must start with one of Reg\., Measures/],
    ['a source tag with no article', (f: Map<string, string>) => edit(f, LAW, '    source: Reg. art. 16\n    tags: [eligibility, age]', '    source: Reg.\n    tags: [eligibility, age]'),
      LAW, 17, /followed by the article or section/],
    ['a too-short explanation', (f: Map<string, string>) => edit(f, LAW, / {4}explanation: >-\n( {6}.*\n)+/, '    explanation: Because the law says so.\n'),
      LAW, 12, /explanation is too short \(24 characters; at least 60\)/],
    ['an answer that names no option', (f: Map<string, string>) => edit(f, LAW, '    answer: B\n', '    answer: F\n'),
      LAW, 11, /the answer "F" names no option/],
    ['a multiple-choice question with one correct option', (f: Map<string, string>) => edit(f, LAW, 'answer: [A, C, E]', 'answer: [C]'),
      LAW, 68, /needs at least two correct options/],
    ['option keys out of order', (f: Map<string, string>) => edit(f, LAW, '      C: "20"\n      D: "21"', '      C: "20"\n      E: "21"'),
      LAW, 10, /option keys must be A, B, C… in order \(found "E" in place 4\)/],
    ['a true/false question with options', (f: Map<string, string>) => edit(f, LAW, /(law\.guard-eligibility\.019\n {4}type: judge\n)/, '$1    options: { A: yes, B: no }\n'),
      LAW, 98, /a true\/false question has no options/],
    ['a wrong difficulty', (f: Map<string, string>) => edit(f, LAW, '    difficulty: 1\n', '    difficulty: 5\n'),
      LAW, 4, /difficulty must be 1, 2 or 3/],
    ['an id that does not match its file', (f: Map<string, string>) => edit(f, LAW, 'id: law.guard-eligibility.002', 'id: law.eligibility.002'),
      LAW, 20, /id must be law\.guard-eligibility\.<3 digits> to match its file/],
    ['an unknown topic', (f: Map<string, string>) => { f.set('questions/law/nope.yaml', f.get(LAW)!.replaceAll('guard-eligibility', 'nope')) },
      'questions/law/nope.yaml', 1, /unknown topic: law\/nope is not in syllabus\.yaml/],
    ['an unknown domain', (f: Map<string, string>) => { f.set('questions/history/dynasties.yaml', 'questions: []\n') },
      'questions/history/dynasties.yaml', 1, /unknown domain: history\/dynasties/],
    ['a duplicate id', (f: Map<string, string>) => edit(f, LAW, 'id: law.guard-eligibility.003', 'id: law.guard-eligibility.002'),
      LAW, 37, /law\.guard-eligibility\.002: the id is used twice \(also in questions\/law\/guard-eligibility\.yaml line 20\)/],
    ['the same question twice, differing only in spacing, case and option order', (f: Map<string, string>) => {
      const copy = '  - id: skills.cpr-aed.099\n    type: single\n    difficulty: 1\n    stem: what is the MINIMUM age at which a person may apply for a security guard certificate (保安员证) ?\n    options:\n      A: "18"\n      B: "16"\n      C: "20"\n      D: "21"\n    answer: A\n    explanation: The same as the other one, written again with different spacing and case.\n    source: Reg. art. 16\n'
      f.set(SKILLS, f.get(SKILLS)! + '\n' + copy)
    }, SKILLS, SKILLS_COPY_LINE, /skills\.cpr-aed\.099: the same question as law\.guard-eligibility\.001 \(questions\/law\/guard-eligibility\.yaml line 2\)/],
    ['a topic with no lesson', (f: Map<string, string>) => { f.delete('lessons/skills/cpr-aed.md') },
      'syllabus.yaml', 31, /topic skills\/cpr-aed has no English lesson \(lessons\/skills\/cpr-aed\.md\)/],
    ['a lesson without its title heading', (f: Map<string, string>) => edit(f, 'lessons/law/guard-eligibility.md', /^# /, ''),
      'lessons/law/guard-eligibility.md', 1, /starts with its title as a level-1 heading/],
    ['a blueprint the bank cannot fill', (f: Map<string, string>) => edit(f, 'blueprints/starter-mock.yaml', '{ domain: law, type: multi, count: 1, points: 2 }', '{ domain: law, type: multi, count: 5, points: 2 }'),
      'blueprints/starter-mock.yaml', 8, /cell 2 \(law × multi\) needs 5 questions; the bank has 2 \(3 short\)/],
    ['a blueprint cell with an unknown domain', (f: Map<string, string>) => edit(f, 'blueprints/starter-mock.yaml', '{ domain: ethics, type: judge', '{ domain: etiquette, type: judge'),
      'blueprints/starter-mock.yaml', 18, /cell 12: unknown domain "etiquette"/],
    ['a pass mark above the total', (f: Map<string, string>) => edit(f, 'blueprints/starter-mock.yaml', 'pass_mark: 12', 'pass_mark: 30'),
      'blueprints/starter-mock.yaml', 4, /pass_mark 30 is more than the 20 points the cells give/],
    ['a release id that is not a release id', (f: Map<string, string>) => edit(f, 'bank.yaml', 'release: "2026.0"', 'release: latest'),
      'bank.yaml', 1, /release must be a year and a number/],
    ['a syllabus topic listed twice', (f: Map<string, string>) => edit(f, 'syllabus.yaml', '  - id: cpr-aed', '  - id: cpr-aed\n    title: x\n    weight: 1\n  - id: cpr-aed'),
      'syllabus.yaml', 34, /topic "cpr-aed" is listed twice in skills/]
  ])('%s', (_name, change, file, line, message) => {
    const problems = problemsAfter(change)
    const hit = problems.find((p) => message.test(p.message))
    expect(hit, `no problem matching ${message} in ${JSON.stringify(problems, null, 1)}`).toBeDefined()
    expect(hit!.file).toBe(file)
    expect(hit!.line).toBe(line)
  })

  test('every problem of a file is reported at once', () => {
    const problems = problemsAfter((f) => {
      edit(f, LAW, '    answer: B\n', '    answer: F\n')
      edit(f, LAW, '    difficulty: 1\n', '    difficulty: 9\n')
      edit(f, ETHICS, /source: Reg\. arts\. 26, 30\(6\)/, 'source: my uncle')
    })
    expect(problems.length).toBeGreaterThanOrEqual(3)
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set([LAW, ETHICS]))
  })

  test('normalising ignores case, spacing, punctuation and option order', () => {
    const a = { stem: { en: 'Who issues the certificate?' }, options: [{ key: 'A', text: { en: 'Police' } }, { key: 'B', text: { en: 'Court' } }] }
    const b = { stem: { en: 'who  issues the Certificate' }, options: [{ key: 'A', text: { en: 'court.' } }, { key: 'B', text: { en: 'POLICE' } }] }
    expect(normalisedQuestion(a)).toBe(normalisedQuestion(b))
  })
})
