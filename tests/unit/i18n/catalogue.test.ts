import fs from 'node:fs'
import path from 'node:path'
import { describe, test, expect } from 'vitest'
import { en } from '../../../src/i18n/en.js'
import { zh } from '../../../src/i18n/zh.js'
import { localeFromAcceptLanguage, pickLocale, translator, type MessageKey } from '../../../src/i18n/index.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')

function filesUnder (dir: string, ext: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(ext))
    .map((d) => path.join(d.parentPath, d.name))
}

describe('message catalogue', () => {
  test('English and Chinese have exactly the same keys, none empty', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
    for (const [k, v] of [...Object.entries(en), ...Object.entries(zh)]) expect(v.trim(), k).not.toBe('')
  })

  test('each translation keeps the parameters of the English text', () => {
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(params(zh[key]), key).toEqual(params(en[key]))
    }
  })

  test('the Chinese catalogue is really Chinese', () => {
    const withHan = Object.values(zh).filter((v) => /\p{Script=Han}/u.test(v)).length
    expect(withHan / Object.keys(zh).length).toBeGreaterThan(0.95)
  })

  test('every key a template or source file names exists in the catalogue', () => {
    const used = new Set<string>()
    for (const f of [...filesUnder('views', '.eta'), ...filesUnder('src', '.ts')]) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/(?<![A-Za-z0-9_])t\(\s*'([a-z0-9-]+\.[a-z0-9.-]*[a-z0-9])'\s*[,)]/g)) used.add(m[1]!)
    }
    expect([...used].filter((k) => !(k in en))).toEqual([])
  })
})

describe('the Chinese catalogue uses the words of WRITING-ZH.md', () => {
  // One word for each role and thing (../shared/domain/WRITING-ZH.md, "Interface words"), and 您 for the reader.
  const OTHERS: Array<[RegExp, string]> = [
    [/培训员|培训老师|教员/u, '培训师'],
    [/你/u, '您'],
    [/警察|警员|公安人员/u, '民警'],
    [/学生|学习者|受训人员/u, '学员'],
    [/小组|班级/u, '班组'],
    [/课程计划|培训方案|学习计划/u, '培训计划'],
    [/模拟测试|模拟测验|模考/u, '模拟考试'],
    [/(?<!报考)准备证明/u, '报考准备证明'],
    [/用人单位|物业公司|保安公司/u, '企业'],
    [/整改通知(?!书)/u, '整改通知书']
  ]
  test.each(OTHERS.map(([re, word]) => [word, re] as const))('%s, not its look-alikes', (_word, re) => {
    expect(Object.entries(zh).filter(([, v]) => re.test(v)).map(([k, v]) => `${k}: ${v}`)).toEqual([])
  })
})

describe('no interface sentence outside the catalogue', () => {
  // Words allowed as literal text: the product name and each language's own name.
  const ALLOWED = new Set(['GuardPass', 'EN', '中文'])

  test.each(filesUnder('views', '.eta').map((f) => [path.relative(ROOT, f), f]))('%s', (_rel, file) => {
    const src = fs.readFileSync(file, 'utf8')
    const withoutCode = src.replace(/<%[\s\S]*?%>/g, ' ')
    const problems: string[] = []
    // Text between tags.
    const text = withoutCode.replace(/<!--[\s\S]*?-->/g, ' ').replace(/<[^>]*>/g, '\n')
    for (const chunk of text.split('\n').map((s) => s.trim()).filter(Boolean)) {
      if (ALLOWED.has(chunk)) continue
      if (/[A-Za-z]{2,}|\p{Script=Han}/u.test(chunk)) problems.push(chunk)
    }
    // Human-readable attributes.
    for (const m of withoutCode.matchAll(/\s(?:placeholder|title|alt|aria-label|aria-description|value)="([^"]*)"/g)) {
      const v = m[1]!.trim()
      if (v && /[A-Za-z]{3,}\s+[A-Za-z]|\p{Script=Han}/u.test(v) && !ALLOWED.has(v)) problems.push(v)
    }
    expect(problems).toEqual([])
  })

  const sourceFiles = [...filesUnder('src/features', '.ts').filter((f) => path.basename(f).startsWith('routes')), ...filesUnder('src/http', '.ts')]
  test.each(sourceFiles.map((f) => [path.relative(ROOT, f), f]))('%s', (_rel, file) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n')
    const problems = lines.filter((line) => {
      const code = line.replace(/\/\/.*$/, '')
      if (/\blog\.(info|warn|error|debug)\(/.test(code) || /new Error\(/.test(code)) return false
      return /['"`][A-Z][a-z]+(?: [a-z’']+){2,}[.!?]?['"`]/.test(code) || /\p{Script=Han}/u.test(code)
    })
    expect(problems).toEqual([])
  })
})

describe('choosing the language', () => {
  test.each([
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'],
    ['en-US,en;q=0.9', 'en'],
    ['fr-FR,zh;q=0.5', 'zh'],
    ['zh-TW', 'zh'],
    ['en;q=0.1, zh;q=0.8', 'zh'],
    ['zh;q=0, en', 'en']
  ])('Accept-Language %s -> %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected)
    expect(localeFromAcceptLanguage(header, 'en')).toBe(expected)
  })

  test.each([['fr-FR'], [''], [undefined], ['de, ja;q=0.5']])('Accept-Language %s names none of ours: the deployment default, Chinese unless set', (header) => {
    expect(localeFromAcceptLanguage(header)).toBe('zh')
    expect(localeFromAcceptLanguage(header, 'en')).toBe('en')
  })

  test('the user setting wins over the cookie, the cookie over the browser, the browser over the default', () => {
    expect(pickLocale('zh', 'en', 'en')).toBe('zh')
    expect(pickLocale(null, 'zh', 'en')).toBe('zh')
    expect(pickLocale(null, 'xx', 'zh-CN')).toBe('zh')
    expect(pickLocale(null, undefined, 'en-US', 'zh')).toBe('en')
    expect(pickLocale(null, undefined, undefined, 'en')).toBe('en')
    expect(pickLocale(null, undefined, undefined)).toBe('zh')
  })

  test('parameters are filled in, unknown keys show themselves', () => {
    expect(translator('en')('login.locked-address', { minutes: 3 })).toContain('3 minutes')
    expect(translator('zh')('no.such-key' as MessageKey)).toBe('no.such-key') // a key the types would refuse
  })

  test('each placeholder is filled every time it occurs, a missing parameter keeps its placeholder, and a repeated call gives the same text', () => {
    const t = translator('en')
    // Keys outside the catalogues render as themselves, with their placeholders filled like any text.
    const text = (k: string) => k as MessageKey
    expect(t(text('{a} and {a}, not {b}'), { a: 'x' })).toBe('x and x, not {b}')
    expect(t(text('{a}{b}'), { a: 1, b: 2 })).toBe('12')
    expect(t(text('no placeholders'), { a: 1 })).toBe('no placeholders')
    expect(t(text('{a} and {a}, not {b}'), { a: 'y', b: '{a}' })).toBe('y and y, not {a}')
    for (let n = 1; n <= 3; n++) {
      expect(t('practice.cell-right', { n })).toBe(`Question ${n}: correct`)
      expect(translator('zh')('practice.cell-open', { n })).toBe(`第 ${n} 题：未作答`)
    }
  })
})
