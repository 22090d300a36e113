/**
 * Reading and writing the CSV files trainers exchange with Excel and WPS.
 * Pure functions: bytes or text in, a result out, no I/O.
 *
 * decodeSpreadsheetBytes turns an uploaded file into text or refuses it with
 * a reason; it never guesses its way into mojibake. parseCsv splits that text
 * into rows; toCsv writes rows that Excel/WPS open correctly and that cannot
 * run as formulas.
 */
import { Buffer } from 'node:buffer'
import { TextDecoder } from 'node:util'
import iconv from 'iconv-lite'

export type DecodeResult =
  | { ok: true, text: string, encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030' }
  | { ok: false, reason: 'empty' | 'xlsx' | 'xls' | 'binary' | 'undecodable' }

export type ParseResult =
  | { ok: true, rows: string[][], delimiter: ',' | '\t' | ';' }
  | { ok: false, reason: 'unterminated-quote' | 'too-many-rows' | 'cell-too-long', line: number }

/** A cell starting with one of these could run as a formula in a spreadsheet. */
export const FORMULA_PREFIXES = ['=', '+', '-', '@', '\t', '\r'] as const

const ZIP = [0x50, 0x4b, 0x03, 0x04]
const OLE2 = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]
const UTF8_BOM = [0xef, 0xbb, 0xbf]

function startsWith (bytes: Uint8Array, sig: readonly number[]): boolean {
  if (bytes.length < sig.length) return false
  return sig.every((b, i) => bytes[i] === b)
}

/** Control characters that do not belong in text: C0 except \t \n \r, and DEL. */
function isControl (c: number): boolean {
  return (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0x7f
}

/** A NUL, or more than 1 in 50 units being control characters, means not text. */
function looksBinary (length: number, at: (i: number) => number): boolean {
  let controls = 0
  for (let i = 0; i < length; i++) {
    const c = at(i)
    if (c === 0) return true
    if (isControl(c)) controls++
  }
  return controls * 50 > length
}

/**
 * Guessed GB18030 is kept only if it looks like real text: no replacement
 * characters, no control characters (C0 other than \t \r \n, DEL, C1), and
 * no lone surrogates (iconv-lite yields those for out-of-range 4-byte codes).
 */
function plausibleGbText (text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0xfffd || isControl(c) || (c >= 0x80 && c <= 0x9f)) return false
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (!(next >= 0xdc00 && next <= 0xdfff)) return false
      i++
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false
    }
  }
  return true
}

function decodeStrict (label: 'utf-8' | 'utf-16le', bytes: Uint8Array): string | null {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes)
  } catch {
    return null
  }
}

function finish (text: string, encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030'): DecodeResult {
  const stripped = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  if (stripped.trim() === '') return { ok: false, reason: 'empty' }
  return { ok: true, text: stripped, encoding }
}

export function decodeSpreadsheetBytes (bytes: Uint8Array): DecodeResult {
  if (bytes.length === 0) return { ok: false, reason: 'empty' }
  if (startsWith(bytes, ZIP)) return { ok: false, reason: 'xlsx' }
  if (startsWith(bytes, OLE2)) return { ok: false, reason: 'xls' }

  const utf16le = bytes[0] === 0xff && bytes[1] === 0xfe
  const utf16be = bytes[0] === 0xfe && bytes[1] === 0xff
  if (utf16le || utf16be) {
    let body = bytes.subarray(2)
    if (utf16be) {
      // Swap to little-endian so one strict decoder serves both byte orders.
      const swapped = new Uint8Array(body.length)
      for (let i = 0; i + 1 < body.length; i += 2) {
        swapped[i] = body[i + 1] ?? 0
        swapped[i + 1] = body[i] ?? 0
      }
      if (body.length % 2 === 1) swapped[body.length - 1] = body[body.length - 1] ?? 0
      body = swapped
    }
    const text = decodeStrict('utf-16le', body)
    if (text === null) return { ok: false, reason: 'undecodable' }
    if (looksBinary(text.length, i => text.charCodeAt(i))) return { ok: false, reason: 'binary' }
    return finish(text, utf16le ? 'utf-16le' : 'utf-16be')
  }

  const hasUtf8Bom = startsWith(bytes, UTF8_BOM)
  const body = hasUtf8Bom ? bytes.subarray(3) : bytes
  if (looksBinary(body.length, i => body[i] ?? 0)) return { ok: false, reason: 'binary' }

  const utf8 = decodeStrict('utf-8', body)
  if (utf8 !== null) return finish(utf8, 'utf-8')
  if (hasUtf8Bom) return { ok: false, reason: 'undecodable' }

  // Excel and WPS on Chinese Windows save "CSV (comma delimited)" as GBK;
  // GB18030 is a superset of GBK and GB2312.
  const gb = iconv.decode(Buffer.from(body.buffer, body.byteOffset, body.byteLength), 'gb18030')
  if (!plausibleGbText(gb)) return { ok: false, reason: 'undecodable' }
  return finish(gb, 'gb18030')
}

const QUOTE = 0x22
const CR = 0x0d
const LF = 0x0a
const TAB = 0x09
const COMMA = 0x2c
const SEMICOLON = 0x3b
const SPACE = 0x20

/**
 * Picks the delimiter from the first record outside quotes, skipping leading
 * lines that hold nothing but spaces: tab if it has tabs and no commas, ';' if
 * it has semicolons and no commas or tabs, else ','. As in parseCsv, a quote
 * opens a quoted field only at the start of a field.
 */
function detectDelimiter (text: string): ',' | '\t' | ';' {
  let tabs = 0
  let commas = 0
  let semicolons = 0
  let content = false
  let fieldStart = true
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === QUOTE && fieldStart) {
      // Skip to the closing quote; "" inside is an escaped quote.
      content = true
      i++
      while (i < text.length) {
        if (text.charCodeAt(i) === QUOTE) {
          if (text.charCodeAt(i + 1) !== QUOTE) break
          i++
        }
        i++
      }
      fieldStart = false
      continue
    }
    fieldStart = false
    if (c === CR || c === LF) {
      if (content) break
      fieldStart = true
    } else if (c === TAB || c === COMMA || c === SEMICOLON) {
      if (c === TAB) tabs++
      else if (c === COMMA) commas++
      else semicolons++
      content = true
      fieldStart = true
    } else if (c !== SPACE) {
      content = true
    }
  }
  if (tabs > 0 && commas === 0) return '\t'
  if (semicolons > 0 && commas === 0 && tabs === 0) return ';'
  return ','
}

/** Length in characters (code points), as readForm counts. */
function charLength (s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) { n--; i++ }
    }
  }
  return n
}

export function parseCsv (text: string, opts?: { maxRows?: number, maxCellLength?: number }): ParseResult {
  const maxRows = opts?.maxRows ?? 5000
  const maxCellLength = opts?.maxCellLength ?? 1000
  const delimiter = detectDelimiter(text)
  const d = delimiter.charCodeAt(0)
  const n = text.length
  const rows: string[][] = []
  let row: string[] = []
  let line = 1
  let recordLine = 1
  let i = 0

  // One field per iteration; a single forward pass, so linear in the input.
  for (;;) {
    const cellLine = line
    let value = ''
    if (i < n && text.charCodeAt(i) === QUOTE) {
      let j = i + 1
      let runStart = j
      for (;;) {
        if (j >= n) return { ok: false, reason: 'unterminated-quote', line: cellLine }
        const c = text.charCodeAt(j)
        if (c === QUOTE) {
          value += text.slice(runStart, j)
          if (j + 1 < n && text.charCodeAt(j + 1) === QUOTE) {
            value += '"'
            j += 2
            runStart = j
            continue
          }
          j++
          break
        }
        if (c === LF || (c === CR && text.charCodeAt(j + 1) !== LF)) line++
        j++
      }
      i = j
    }
    // Unquoted field, or stray text after a closing quote (kept, as Excel does).
    let j = i
    while (j < n) {
      const c = text.charCodeAt(j)
      if (c === d || c === CR || c === LF) break
      j++
    }
    value += text.slice(i, j)
    i = j
    if (value.length > maxCellLength && charLength(value) > maxCellLength) {
      return { ok: false, reason: 'cell-too-long', line: cellLine }
    }
    row.push(value)
    if (i < n && text.charCodeAt(i) === d) {
      i++
      continue
    }

    // End of record.
    if (row.some(cell => cell.trim() !== '')) {
      if (rows.length >= maxRows) return { ok: false, reason: 'too-many-rows', line: recordLine }
      rows.push(row)
    }
    row = []
    if (i >= n) break
    i += text.charCodeAt(i) === CR && text.charCodeAt(i + 1) === LF ? 2 : 1
    line++
    recordLine = line
    if (i >= n) break
  }
  return { ok: true, rows, delimiter }
}

const NEEDS_QUOTES = /[",\r\n\t;]|^ | $/

function csvCell (cell: string | number | null | undefined): string {
  if (cell === null || cell === undefined) return ''
  let s = String(cell)
  if ((FORMULA_PREFIXES as readonly string[]).includes(s.charAt(0))) s = `'${s}`
  return NEEDS_QUOTES.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/**
 * UTF-8 with a BOM (so Excel and WPS pick the right encoding), CRLF records.
 * Cells that could run as formulas get a leading apostrophe; cells with a
 * delimiter, quote, line break, tab or edge space are quoted.
 */
export function toCsv (rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  let out = CSV_BOM
  for (const row of rows) out += csvLine(row)
  return out
}

export type CsvRow = ReadonlyArray<string | number | null | undefined>

/** The byte order mark a CSV file starts with (toCsv, and a streamed export's first chunk). */
export const CSV_BOM = '\uFEFF'

/** One CSV record as toCsv writes it, CRLF included: the unit a streamed export writes. */
export function csvLine (row: CsvRow): string {
  return row.map(csvCell).join(',') + '\r\n'
}
