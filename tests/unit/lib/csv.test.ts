import { describe, test, expect } from 'vitest'
import iconv from 'iconv-lite'
import { decodeSpreadsheetBytes, parseCsv, toCsv, FORMULA_PREFIXES } from '../../../src/lib/csv.js'

const ROSTER = '姓名,身份证号\r\n张三,110101199003074514\r\n'
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s)
const bytes = (...parts: Array<number[] | Uint8Array>): Uint8Array =>
  Uint8Array.from(parts.flatMap(p => [...p]))

/** Deterministic pseudo-random bytes (a small LCG), so failures reproduce. */
function noise (length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length)
  let x = seed
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}

function decodeOk (b: Uint8Array): { text: string, encoding: string } {
  const r = decodeSpreadsheetBytes(b)
  if (!r.ok) throw new Error(`expected to decode, got ${r.reason}`)
  return { text: r.text, encoding: r.encoding }
}

function parseOk (text: string, opts?: { maxRows?: number, maxCellLength?: number }): { rows: string[][], delimiter: string } {
  const r = parseCsv(text, opts)
  if (!r.ok) throw new Error(`expected to parse, got ${r.reason} at line ${r.line}`)
  return { rows: r.rows, delimiter: r.delimiter }
}

describe('decodeSpreadsheetBytes: accepted encodings', () => {
  const utf16le = (s: string): Uint8Array => bytes([0xff, 0xfe], iconv.encode(s, 'utf-16le'))
  const utf16be = (s: string): Uint8Array => bytes([0xfe, 0xff], iconv.encode(s, 'utf-16be'))
  const cases: Array<[string, Uint8Array, string, string]> = [
    ['GBK (Excel/WPS "CSV (comma delimited)" on Chinese Windows)', iconv.encode(ROSTER, 'gbk'), ROSTER, 'gb18030'],
    ['GB18030 four-byte characters', iconv.encode('姓名\r\n𠀀䶮\r\n', 'gb18030'), '姓名\r\n𠀀䶮\r\n', 'gb18030'],
    ['UTF-8 without BOM', utf8(ROSTER), ROSTER, 'utf-8'],
    ['UTF-8 with BOM (Excel "CSV UTF-8")', bytes([0xef, 0xbb, 0xbf], utf8(ROSTER)), ROSTER, 'utf-8'],
    ['UTF-16LE with BOM (Excel "Unicode text")', utf16le('姓名\t身份证号\r\n'), '姓名\t身份证号\r\n', 'utf-16le'],
    ['UTF-16BE with BOM', utf16be(ROSTER), ROSTER, 'utf-16be'],
    ['plain ASCII', utf8('a,b\n1,2\n'), 'a,b\n1,2\n', 'utf-8'],
    ['UTF-8 with one stray control character below the binary threshold is kept', utf8(ROSTER + '李四,11010119900307451X\u001a\r\n'), ROSTER + '李四,11010119900307451X\u001a\r\n', 'utf-8'],
    ['a second U+FEFF after the BOM is stripped too', bytes([0xef, 0xbb, 0xbf], utf8('\uFEFFa,b')), 'a,b', 'utf-8']
  ]
  test.each(cases)('%s', (_name, input, text, encoding) => {
    expect(decodeSpreadsheetBytes(input)).toEqual({ ok: true, text, encoding })
  })

  test('GBK bytes really are not UTF-8 (the test above exercises the fallback)', () => {
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(iconv.encode(ROSTER, 'gbk'))).toThrow()
  })

  test('Excel "Unicode text" (UTF-16LE, BOM, tabs) decodes and parses into the right cells', () => {
    const file = utf16le('姓名\t身份证号\t备注\r\n张三\t110101199003074514\t"夜班\t早班"\r\n李四\t11010119900307451X\t\r\n')
    const { text, encoding } = decodeOk(file)
    expect(encoding).toBe('utf-16le')
    expect(parseOk(text)).toEqual({
      delimiter: '\t',
      rows: [
        ['姓名', '身份证号', '备注'],
        ['张三', '110101199003074514', '夜班\t早班'],
        ['李四', '11010119900307451X', '']
      ]
    })
  })
})

describe('decodeSpreadsheetBytes: refusals', () => {
  const latin1Cafe = iconv.encode('Name,City\r\nCafé,naïve\r\n', 'latin1')
  const cases: Array<[string, Uint8Array, string]> = [
    ['zero bytes', new Uint8Array(0), 'empty'],
    ['only a UTF-8 BOM', bytes([0xef, 0xbb, 0xbf]), 'empty'],
    ['only a UTF-16LE BOM', bytes([0xff, 0xfe]), 'empty'],
    ['only whitespace', utf8(' \r\n\t\r\n'), 'empty'],
    ['BOM and whitespace in UTF-16LE', bytes([0xff, 0xfe], iconv.encode('  \r\n', 'utf-16le')), 'empty'],
    ['xlsx / .et (ZIP)', bytes([0x50, 0x4b, 0x03, 0x04], noise(200, 1)), 'xlsx'],
    ['xls (OLE2)', bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], noise(200, 2)), 'xls'],
    ['random bytes', noise(1024, 3), 'binary'],
    ['random bytes with no NUL', noise(1024, 4).map(b => b === 0 ? 1 : b), 'binary'],
    ['a NUL in otherwise plain text', utf8('a,b\r\n1,\u00002\r\n'), 'binary'],
    ['UTF-16LE without a BOM (NULs)', iconv.encode('a,b\r\n', 'utf-16le'), 'binary'],
    ['many control bytes', utf8('a\u0001b\u0002c\u0003d\u0004,e\r\n'), 'binary'],
    ['UTF-16LE BOM then binary', bytes([0xff, 0xfe], [0x00, 0x00, 0x01, 0x00]), 'binary'],
    ['UTF-8 BOM then invalid UTF-8', bytes([0xef, 0xbb, 0xbf], iconv.encode(ROSTER, 'gbk')), 'undecodable'],
    ['UTF-16LE BOM with an odd byte count', bytes([0xff, 0xfe, 0x41, 0x00, 0x42]), 'undecodable'],
    ['UTF-16LE BOM with a lone surrogate', bytes([0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00]), 'undecodable'],
    ['Latin-1 "Café,naïve" (é before "," is no GBK pair)', latin1Cafe, 'undecodable'],
    ['text ending in a lone GBK lead byte 0x81', bytes(utf8('a,b\r\n'), [0x81]), 'undecodable'],
    ['GBK with one stray control byte', bytes(iconv.encode('姓名,身份证号\r\n张三,110101199003074514\r\n王五,1101011990030', 'gbk'), [0x1b], utf8('7451X\r\n')), 'undecodable'],
    ['GB18030 four-byte code past U+10FFFF', bytes(iconv.encode('姓名,', 'gbk'), [0xe3, 0x32, 0x9a, 0x36]), 'undecodable']
  ]
  test.each(cases)('%s', (_name, input, reason) => {
    expect(decodeSpreadsheetBytes(input)).toEqual({ ok: false, reason })
  })

  test('what iconv-lite itself does with the Latin-1 file: garbles it silently', () => {
    // This is why the decoder must check iconv's output rather than trust it.
    const garbled = iconv.decode(Buffer.from(latin1Cafe), 'gb18030')
    expect(garbled).toContain('\uFFFD')
    expect(garbled).not.toContain('Café')
  })

  test('known limit: Latin-1 whose accented bytes all happen to form GBK pairs is indistinguishable', () => {
    // "ï" (0xEF) followed by "v" (0x76) is the valid GBK character 飗.
    expect(decodeSpreadsheetBytes(iconv.encode('naïve', 'latin1'))).toEqual({ ok: true, text: 'na飗e', encoding: 'gb18030' })
  })
})

describe('parseCsv', () => {
  const cases: Array<[string, string, string[][]]> = [
    ['simple', 'a,b\r\n1,2\r\n', [['a', 'b'], ['1', '2']]],
    ['LF endings', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['lone CR endings (old Mac Excel)', 'a,b\r1,2\r', [['a', 'b'], ['1', '2']]],
    ['mixed endings, no final newline', 'a,b\r\n1,2\n3,4\r5,6', [['a', 'b'], ['1', '2'], ['3', '4'], ['5', '6']]],
    ['quoted field with commas', 'a,b\r\n"北京市,朝阳区",2\r\n', [['a', 'b'], ['北京市,朝阳区', '2']]],
    ['doubled quotes', 'a\r\n"他说""你好"""\r\n', [['a'], ['他说"你好"']]],
    ['embedded CRLF, LF and CR in quotes', 'a,b\r\n"x\r\ny\nz\rw",2\r\n', [['a', 'b'], ['x\r\ny\nz\rw', '2']]],
    ['empty quoted field and empty cells', 'a,b,c\r\n"",,x\r\n', [['a', 'b', 'c'], ['', '', 'x']]],
    ['cell content is not trimmed', ' a , b \r\n', [[' a ', ' b ']]],
    ['blank lines dropped, including trailing ones', '\r\na,b\r\n\r\n,,\r\n  ,\t\r\n1,2\r\n\r\n\r\n', [['a', 'b'], ['1', '2']]],
    ['whitespace-only text', ' \r\n\r\n', []],
    ['empty text', '', []],
    ['a quote inside an unquoted field is literal', 'a,b\r\n5" pipe,2\r\n', [['a', 'b'], ['5" pipe', '2']]],
    ['text after a closing quote is kept', 'a,b\r\n"x"y,2\r\n', [['a', 'b'], ['xy', '2']]],
    ['ragged rows returned as they are', 'a,b,c\r\n1\r\n1,2,3,4\r\n', [['a', 'b', 'c'], ['1'], ['1', '2', '3', '4']]]
  ]
  test.each(cases)('%s', (_name, text, rows) => {
    expect(parseOk(text).rows).toEqual(rows)
  })

  const delimiters: Array<[string, string, string, string[][]]> = [
    ['comma', '姓名,电话\r\n张三,138\r\n', ',', [['姓名', '电话'], ['张三', '138']]],
    ['tab', '姓名\t电话\r\n张三\t138\r\n', '\t', [['姓名', '电话'], ['张三', '138']]],
    ['semicolon', '姓名;电话\r\n张三;138\r\n', ';', [['姓名', '电话'], ['张三', '138']]],
    ['commas beat tabs', 'a\tb,c\r\n', ',', [['a\tb', 'c']]],
    ['tabs beat semicolons', 'a;b\tc\r\n', '\t', [['a;b', 'c']]],
    ['delimiters inside quotes do not count', '"a,b"\tc\r\n', '\t', [['a,b', 'c']]],
    ['quoted line break in the header', '"a\r\nb";c\r\n1;2\r\n', ';', [['a\r\nb', 'c'], ['1', '2']]],
    ['leading blank lines skipped', '\r\n\r\na;b\r\n', ';', [['a', 'b']]],
    ['single column', '姓名\r\n张三\r\n', ',', [['姓名'], ['张三']]]
  ]
  test.each(delimiters)('delimiter: %s', (_name, text, delimiter, rows) => {
    expect(parseOk(text)).toEqual({ delimiter, rows })
  })

  const failures: Array<[string, string, { maxRows?: number, maxCellLength?: number } | undefined, string, number]> = [
    ['unterminated quote on line 3', 'a,b\r\n1,2\r\n3,"oops\r\n4,5\r\n', undefined, 'unterminated-quote', 3],
    ['unterminated quote after a multi-line field', 'a,b\n"x\ny\nz",1\n2,"never closed', undefined, 'unterminated-quote', 5],
    ['lines counted for CR endings too', 'a\r"b\rc"\r"d', undefined, 'unterminated-quote', 4],
    ['unterminated quote at the very end', 'a,"', undefined, 'unterminated-quote', 1],
    ['too many rows', 'h\r\n1\r\n2\r\n3\r\n', { maxRows: 3 }, 'too-many-rows', 4],
    ['too many rows, blank lines not counted but lines are', 'h\r\n\r\n1\r\n\r\n2\r\n3\r\n', { maxRows: 3 }, 'too-many-rows', 6],
    ['cell too long', 'a,b\r\n1,"12\r\n3456"\r\n', { maxCellLength: 5 }, 'cell-too-long', 2],
    ['cell too long, default limit 1000', `a\r\n${'x'.repeat(1001)}\r\n`, undefined, 'cell-too-long', 2]
  ]
  test.each(failures)('%s', (_name, text, opts, reason, line) => {
    expect(parseCsv(text, opts)).toEqual({ ok: false, reason, line })
  })

  test('limits are inclusive and count characters, not UTF-16 units', () => {
    expect(parseOk('h\r\n1\r\n2\r\n', { maxRows: 3 }).rows).toHaveLength(3)
    expect(parseOk(`${'x'.repeat(1000)}\r\n`).rows[0]?.[0]).toHaveLength(1000)
    expect(parseOk('𠀀𠀀𠀀', { maxCellLength: 3 }).rows).toEqual([['𠀀𠀀𠀀']])
    expect(parseCsv('𠀀𠀀𠀀𠀀', { maxCellLength: 3 })).toEqual({ ok: false, reason: 'cell-too-long', line: 1 })
  })

  test('default row limit is 5000 including the header', () => {
    const lines = (n: number): string => Array.from({ length: n }, (_, i) => `r${i}`).join('\n')
    expect(parseOk(lines(5000)).rows).toHaveLength(5000)
    expect(parseCsv(lines(5001))).toEqual({ ok: false, reason: 'too-many-rows', line: 5001 })
  })

  test('a 1 MiB file parses quickly (linear, no recursion)', () => {
    const quoted = `"${'引号""与,逗号\n'.repeat(120_000)}"`
    expect(quoted.length).toBeGreaterThan(1_000_000)
    const start = performance.now()
    const r = parseCsv(`a\r\n${quoted}\r\n`, { maxCellLength: 1_000_000 })
    expect(r.ok).toBe(true)
    const wide = `${Array.from({ length: 4000 }, (_, i) => `张三${i},110101199003074514,"北京,朝阳",138${i}`).join('\r\n')}\r\n`
    expect(parseOk(wide).rows).toHaveLength(4000)
    expect(performance.now() - start).toBeLessThan(2000)
  })
})

describe('toCsv', () => {
  test('BOM, CRLF records, null and undefined as empty cells, numbers plain', () => {
    expect(toCsv([['姓名', '年龄'], ['张三', 42], [null, undefined]])).toBe('\uFEFF姓名,年龄\r\n张三,42\r\n,\r\n')
    expect(toCsv([])).toBe('\uFEFF')
  })

  const cells: Array<[string, string | number, string]> = [
    ['comma', '北京,朝阳', '"北京,朝阳"'],
    ['quote', '他说"好"', '"他说""好"""'],
    ['LF', 'a\nb', '"a\nb"'],
    ['CR', 'a\rb', '"a\rb"'],
    ['leading space', ' a', '" a"'],
    ['trailing space', 'a ', '"a "'],
    ['tab inside (kept out of delimiter detection)', 'a\tb', '"a\tb"'],
    ['semicolon (kept out of delimiter detection)', 'a;b', '"a;b"'],
    ['plain text', '张三', '张三'],
    ['apostrophe not at risk', "O'Brien", "O'Brien"],
    ['= formula', '=1+1', "'=1+1"],
    ['+ formula', '+1', "'+1"],
    ['- formula', '-5', "'-5"],
    ['@ formula', '@SUM(A1)', "'@SUM(A1)"],
    ['tab prefix (quoted too)', '\t=1', '"\'\t=1"'],
    ['CR prefix (quoted too)', '\r=1', '"\'\r=1"'],
    ['formula with quotes and comma', '=HYPERLINK("http://x","点")', '"\'=HYPERLINK(""http://x"",""点"")"'],
    ['number', 42, '42'],
    ['decimal', 3.5, '3.5'],
    ['negative number', -3, "'-3"],
    ['zero', 0, '0']
  ]
  test.each(cells)('cell: %s', (_name, cell, written) => {
    expect(toCsv([[cell]])).toBe(`\uFEFF${written}\r\n`)
  })

  test('every formula prefix is escaped', () => {
    for (const p of FORMULA_PREFIXES) {
      const r = parseOk(decodeOk(utf8(toCsv([['h'], [`${p}cmd|' /C calc'!A0`]]))).text)
      expect(r.rows[1]?.[0]).toBe(`'${p}cmd|' /C calc'!A0`)
    }
    expect(FORMULA_PREFIXES).toEqual(['=', '+', '-', '@', '\t', '\r'])
  })

  test('round trip: parseCsv(decode(toCsv(rows))) gives the rows back', () => {
    const rows: Array<Array<string | number | null>> = [
      ['姓名', '身份证号', '备注', '分数'],
      ['张三', '110101199003074514', '夜班,早班', 95],
      ['李四', '11010119900307451X', '他说"好"\r\n第二行', null],
      ['王五', '=1+1', ' 前后空格 ', -3],
      ['赵六', 'a\tb', 'a;b', '@x'],
      ['𠀀', '', '\r\n', '+86 138']
    ]
    const expected = rows.map(row => row.map(cell => {
      const s = cell === null ? '' : String(cell)
      return (FORMULA_PREFIXES as readonly string[]).includes(s.charAt(0)) ? `'${s}` : s
    }))
    const decoded = decodeOk(utf8(toCsv(rows)))
    expect(decoded.encoding).toBe('utf-8')
    expect(parseOk(decoded.text)).toEqual({ delimiter: ',', rows: expected })
  })

  test('round trip keeps a single-column export whose header has a tab or semicolon', () => {
    for (const header of ['a\tb', 'a;b']) {
      const text = decodeOk(utf8(toCsv([[header], ['1']]))).text
      expect(parseOk(text)).toEqual({ delimiter: ',', rows: [[header], ['1']] })
    }
  })
})
