import { validatePerson, type ValidPerson } from './people.js'
import type { Education } from '../../db/schema.js'

/**
 * Turns the rows of a roster spreadsheet into people, row by row, pure.
 * Headers may be English or Chinese; education may be our keys or the usual
 * Chinese words. Every problem names its spreadsheet row (header = row 1).
 */
export type ImportField = 'fullName' | 'idNumber' | 'phone' | 'education' | 'site'

const HEADERS: Record<ImportField, string[]> = {
  fullName: ['full name', 'fullname', 'name', '姓名'],
  idNumber: ['id number', 'idnumber', 'id', 'id no', 'id no.', '身份证号', '身份证号码', '公民身份号码', '身份证'],
  phone: ['phone', 'mobile', 'telephone', '手机', '手机号', '手机号码', '电话', '联系电话'],
  education: ['education', '学历', '文化程度'],
  // Optional: the site the guard is posted at, by its name as the enterprise's site list has it.
  site: ['site', '服务项目', '项目', '驻勤项目', '小区']
}

const EDUCATION_WORDS: Record<string, Education> = {
  none: 'none', 无: 'none', 文盲: 'none',
  primary: 'primary', 小学: 'primary',
  'junior-middle': 'junior-middle', 'junior middle': 'junior-middle', 初中: 'junior-middle',
  'senior-middle': 'senior-middle', 'senior middle': 'senior-middle', 高中: 'senior-middle', 中专: 'senior-middle', 职高: 'senior-middle', 技校: 'senior-middle', 职业高中: 'senior-middle',
  college: 'college', 大专: 'college', 专科: 'college', 本科: 'college', 大学: 'college', 研究生: 'college', 硕士: 'college', 博士: 'college'
}

export interface RowProblem { field: ImportField | null, key: string, params?: Record<string, number> }

export type ImportRow =
  | { row: number, ok: true, person: ValidPerson, siteId: number | null }
  | { row: number, ok: false, problems: RowProblem[], fullName: string }

export type MapResult =
  | { ok: true, rows: ImportRow[] }
  | { ok: false, key: string, params?: Record<string, string> }

const norm = (s: string) => s.trim().toLowerCase().replace(/[\s_]+/g, ' ').replace(/[:：*]$/, '')

export function mapHeader (header: string[]): { ok: true, columns: Record<ImportField, number> } | { ok: false, missing: ImportField[] } {
  const columns: Partial<Record<ImportField, number>> = {}
  header.forEach((h, i) => {
    const n = norm(h)
    for (const [field, names] of Object.entries(HEADERS) as Array<[ImportField, string[]]>) {
      if (columns[field] === undefined && names.includes(n)) columns[field] = i
    }
  })
  const missing = (['fullName', 'idNumber', 'education'] as const).filter((f) => columns[f] === undefined)
  if (missing.length > 0) return { ok: false, missing }
  return { ok: true, columns: { phone: -1, site: -1, ...columns } as Record<ImportField, number> }
}

export function educationFromWord (word: string): Education | undefined {
  return EDUCATION_WORDS[norm(word)] ?? EDUCATION_WORDS[word.trim()]
}

/**
 * Validates every data row; duplicate ID numbers inside the file are problems too. A site named
 * in the optional site column must be one of the enterprise's (`siteIds`: name to id).
 */
export function mapRosterRows (rows: string[][], today: string, siteIds: ReadonlyMap<string, number> = new Map()): MapResult {
  const [header, ...data] = rows
  if (!header) return { ok: false, key: 'import.empty' }
  const mapped = mapHeader(header)
  if (!mapped.ok) return { ok: false, key: 'import.missing-columns', params: { columns: mapped.missing.join(', ') } }
  if (data.length === 0) return { ok: false, key: 'import.no-rows' }
  const { columns } = mapped
  const seen = new Map<string, number>()
  const out: ImportRow[] = data.map((cells, i) => {
    const row = i + 2
    const cell = (f: ImportField) => (columns[f] >= 0 ? (cells[columns[f]] ?? '') : '').trim()
    let idNumber = cell('idNumber').replace(/^'/, '')
    const problems: RowProblem[] = []
    if (/^\d(\.\d+)?e\+?\d+$/i.test(idNumber)) {
      problems.push({ field: 'idNumber', key: 'import.id-as-number' })
      idNumber = ''
    }
    const educationWord = cell('education')
    const education = educationFromWord(educationWord)
    const result = validatePerson({ fullName: cell('fullName'), idNumber, phone: cell('phone'), education: education ?? (educationWord || '') }, today)
    if (!result.ok) {
      for (const [field, key] of Object.entries(result.errors)) {
        if (field === 'idNumber' && problems.length > 0) continue
        problems.push({ field: field as ImportField, key: field === 'education' && educationWord ? 'import.education-unknown' : key })
      }
    } else {
      const first = seen.get(result.value.idNumber)
      if (first) problems.push({ field: 'idNumber', key: 'import.duplicate-in-file', params: { row: first } })
      else seen.set(result.value.idNumber, row)
    }
    const siteName = cell('site').normalize('NFC')
    const siteId = siteName ? siteIds.get(siteName) : null
    if (siteId === undefined) problems.push({ field: 'site', key: 'import.site-unknown' })
    if (problems.length > 0 || !result.ok) return { row, ok: false, problems, fullName: cell('fullName') }
    return { row, ok: true, person: result.value, siteId: siteId ?? null }
  })
  return { ok: true, rows: out }
}
