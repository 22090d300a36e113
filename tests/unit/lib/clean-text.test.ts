import { describe, test, expect } from 'vitest'
import { cleanText, readForm, titleKey } from '../../../src/lib/form.js'

const ZWSP = '\u200B'
const RLO = '\u202E'

describe('cleanText: the one rule for text people type', () => {
  test('normalises to NFC: a decomposed é is stored as the composed one', () => {
    expect(cleanText('Cafe\u0301')).toEqual({ ok: true, value: 'Café' })
  })

  test.each([
    ['a zero-width space', `班组A${ZWSP}`, 'form.invisible-chars', '班组A'],
    ['a zero-width joiner', 'a\u200Db', 'form.invisible-chars', 'ab'],
    ['a left-to-right mark', 'a\u200Eb', 'form.invisible-chars', 'ab'],
    ['a byte-order mark', '\uFEFF班组', 'form.invisible-chars', '班组'],
    ['a right-to-left override', `abc${RLO}fed`, 'form.direction-chars', 'abcfed'],
    ['a left-to-right embedding', '\u202Aabc', 'form.direction-chars', 'abc'],
    ['a first-strong isolate', 'a\u2068b\u2069', 'form.direction-chars', 'ab'],
    ['a NUL', 'a\u0000b', 'form.control-chars', 'ab'],
    ['an escape', 'a\u001B[31mb', 'form.control-chars', 'a[31mb'],
    ['a C1 control', 'a\u0085b', 'form.control-chars', 'ab'],
    ['a line break in a single line', 'first\nsecond', 'form.control-chars', 'first second'],
    ['a tab in a single line', 'a\tb', 'form.control-chars', 'a b']
  ])('refuses %s, and offers the text without it', (_name, input, problem, without) => {
    expect(cleanText(input)).toEqual({ ok: false, problem, without })
  })

  test('multi-line text keeps line breaks (as \\n) and tabs, and is held to the same rule otherwise', () => {
    expect(cleanText('one\r\ntwo\r\n\tthree', { multiline: true })).toEqual({ ok: true, value: 'one\ntwo\n\tthree' })
    expect(cleanText(`one\n${ZWSP}two`, { multiline: true })).toMatchObject({ ok: false, problem: 'form.invisible-chars', without: 'one\ntwo' })
    expect(cleanText('one\u0007two', { multiline: true })).toMatchObject({ ok: false, problem: 'form.control-chars' })
  })

  test('an ID number typed into free text is masked; a field that is an identifier keeps it', () => {
    expect(cleanText('培训 11010519491231002X 班')).toEqual({ ok: true, value: '培训 1101**********002X 班' })
    expect(cleanText('11010519491231002X', { identifier: true })).toEqual({ ok: true, value: '11010519491231002X' })
  })

  test('ordinary Chinese, English and punctuation pass unchanged', () => {
    for (const s of ['二〇二六年春季班', 'Night shift · B', '《保安服务管理条例》第十六条', 'O’Brien-Li']) expect(cleanText(s)).toEqual({ ok: true, value: s })
  })
})

describe('readForm applies it to every field but raw ones', () => {
  const spec = { title: { required: true, max: 20 }, pw: { max: 20, raw: true } }
  test('a refused title comes back without the refused characters, with the reason', () => {
    const r = readForm({ title: `班组A${ZWSP}`, pw: `x${ZWSP}` }, spec)
    expect(r.errors).toEqual({ title: 'form.invisible-chars' })
    expect(r.values).toEqual({ title: '班组A', pw: `x${ZWSP}` })
  })
})

describe('titleKey: what uniqueness compares', () => {
  test('equal-looking titles have one key', () => {
    expect(titleKey(`班组A${ZWSP}`)).toBe(titleKey('班组A'))
    expect(titleKey('班组Ａ')).toBe(titleKey('班组a'))
    expect(titleKey('Night  Shift')).toBe(titleKey('night shift'))
    expect(titleKey('Cafe\u0301')).toBe(titleKey('Café'))
    expect(titleKey('班组A')).not.toBe(titleKey('班组B'))
  })
})
