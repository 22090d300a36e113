import { describe, test, expect } from 'vitest'
import { validatePerson, validateCertificate, dutyChangeProblem, mustNotBeOnDuty, readDeclarations, isMinor } from '../../../src/features/orgs/people.js'
import { mapRosterRows, mapHeader, educationFromWord } from '../../../src/features/orgs/roster-import.js'
import { createPii } from '../../../src/lib/pii.js'
import { randomBytes } from 'node:crypto'

const TODAY = '2026-11-26'
const ID = '11010519491231002X'

describe('validatePerson', () => {
  test('normalises a valid person', () => {
    const r = validatePerson({ fullName: ' 张三 ', idNumber: '110105 19491231 002x', phone: '138-0000-0000', education: 'college' }, TODAY)
    expect(r).toMatchObject({ ok: true, value: { fullName: '张三', idNumber: ID, phone: '13800000000', education: 'college', birthDate: '1949-12-31' } })
  })

  test('reports each field with a message key and keeps what was typed', () => {
    const r = validatePerson({ fullName: 'Robert<script>', idNumber: '110105194912310021', phone: 'abc', education: 'phd' }, TODAY)
    expect(r.ok).toBe(false)
    if (!r.ok) {
      expect(r.errors).toEqual({ fullName: 'person.name-chars', idNumber: 'person.id-checksum', phone: 'person.phone-format', education: 'person.education-unknown' })
      expect(r.values.idNumber).toBe('110105194912310021')
    }
  })

  test('minors are people too, flagged as such', () => {
    expect(isMinor('2008-11-27', TODAY)).toBe(true)
    expect(isMinor('2008-11-26', TODAY)).toBe(false)
  })
})

describe('certificates and duty', () => {
  test('a certificate needs a number, a past date and a status', () => {
    expect(validateCertificate({ certificateNo: 'sf-2024-001', issuedOn: '2024-05-01', status: 'valid' }, TODAY)).toEqual({ ok: true, value: { certificateNo: 'SF-2024-001', issuedOn: '2024-05-01', status: 'valid' } })
    const bad = validateCertificate({ certificateNo: '#', issuedOn: '2027-01-01', status: 'maybe' }, TODAY)
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(Object.keys(bad.errors).sort()).toEqual(['certificateNo', 'issuedOn', 'status'])
    // A day that does not exist is refused (Date.parse would roll it over to 1 October).
    const noSuchDay = validateCertificate({ certificateNo: 'SF-2024-001', issuedOn: '2024-09-31', status: 'valid' }, TODAY)
    expect(noSuchDay.ok).toBe(false)
  })

  test.each([
    ['on-duty', 'valid', null],
    ['on-duty', 'revoked', 'person.on-duty-needs-certificate'],
    ['on-duty', null, 'person.on-duty-needs-certificate'],
    ['in-training', null, null],
    ['released', 'valid', 'person.release-separately']
  ] as const)('to %s with certificate %s: %s', (to, cert, problem) => {
    expect(dutyChangeProblem(to, cert)).toBe(problem)
  })

  test('the must-not-be-on-duty flag', () => {
    expect(mustNotBeOnDuty('on-duty', null)).toBe(true)
    expect(mustNotBeOnDuty('on-duty', 'revoked')).toBe(true)
    expect(mustNotBeOnDuty('on-duty', 'valid')).toBe(false)
    expect(mustNotBeOnDuty('in-training', null)).toBe(false)
  })

  test('declarations are yes or no per kind', () => {
    expect(readDeclarations({ healthy: 'yes', 'intentional-crime': 'no', bogus: 'yes' })).toEqual({ ok: true, value: { healthy: true, 'intentional-crime': false } })
    expect(readDeclarations({ healthy: 'maybe' })).toEqual({ ok: false, errors: { healthy: 'form.invalid' } })
    expect(readDeclarations({})).toEqual({ ok: false, errors: { _: 'person.declarations-empty' } })
  })
})

describe('roster import rows', () => {
  test('Chinese and English headers, in any order', () => {
    expect(mapHeader(['学历', '身份证号', '姓名', '手机'])).toEqual({ ok: true, columns: { education: 0, idNumber: 1, fullName: 2, phone: 3, site: -1 } })
    expect(mapHeader(['Full name', 'ID number', 'Education'])).toEqual({ ok: true, columns: { fullName: 0, idNumber: 1, education: 2, phone: -1, site: -1 } })
    expect(mapHeader(['name', 'phone'])).toEqual({ ok: false, missing: ['idNumber', 'education'] })
  })

  test('education words', () => {
    expect(educationFromWord('初中')).toBe('junior-middle')
    expect(educationFromWord('中专')).toBe('senior-middle')
    expect(educationFromWord('本科')).toBe('college')
    expect(educationFromWord('Junior Middle')).toBe('junior-middle')
    expect(educationFromWord('幼儿园')).toBeUndefined()
  })

  test('each bad row is reported with its spreadsheet row number and reason', () => {
    const r = mapRosterRows([
      ['姓名', '身份证号', '学历'],
      ['张三', ID, '初中'],
      ['李四', '1.10105E+17', '高中'],
      ['王五', '110105194912310021', '大专'],
      ['赵六', ID, '初中'],
      ['钱七', '11010519491231002X', '幼儿园']
    ], TODAY)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.rows.map((x) => [x.row, x.ok])).toEqual([[2, true], [3, false], [4, false], [5, false], [6, false]])
    const problems = Object.fromEntries(r.rows.filter((x) => !x.ok).map((x) => [x.row, !x.ok && x.problems.map((p) => p.key)]))
    expect(problems).toEqual({
      3: ['import.id-as-number'],
      4: ['person.id-checksum'],
      5: ['import.duplicate-in-file'],
      6: ['import.education-unknown']
    })
  })

  test('a file without the needed columns or rows says so', () => {
    expect(mapRosterRows([['name']], TODAY)).toEqual({ ok: false, key: 'import.missing-columns', params: { columns: 'idNumber, education' } })
    expect(mapRosterRows([['姓名', '身份证号', '学历']], TODAY)).toEqual({ ok: false, key: 'import.no-rows' })
  })
})

describe('personal data encryption', () => {
  test('round trip, a fresh IV each time, a stable keyed hash, and a wrong key fails', () => {
    const key = randomBytes(32)
    const pii = createPii(key)
    const a = pii.encrypt(ID)
    const b = pii.encrypt(ID)
    expect(a).not.toBe(b)
    expect(a).not.toContain(ID)
    expect(pii.decrypt(a)).toBe(ID)
    expect(pii.hash(ID)).toBe(createPii(key).hash(ID))
    expect(pii.hash(ID)).not.toBe(createPii(randomBytes(32)).hash(ID))
    expect(() => createPii(randomBytes(32)).decrypt(a)).toThrow()
    // A character in the middle (the last one may carry only padding bits that decoding ignores).
    const mid = Math.floor(a.length / 2)
    const tampered = a.slice(0, mid) + (a[mid] === 'A' ? 'B' : 'A') + a.slice(mid + 1)
    expect(() => pii.decrypt(tampered)).toThrow()
  })
})

describe('roster import: the optional site column', () => {
  const TODAY_ = '2026-06-01'
  const ID_ = '11010519491231002X'
  test('a named site becomes its id; an empty cell none; an unknown name is a problem of that row', () => {
    const sites = new Map([['阳光小区', 5]])
    const r = mapRosterRows([
      ['姓名', '身份证号', '学历', '服务项目'],
      ['张三', ID_, '初中', '阳光小区'],
      ['李四', '110105194912310021'.slice(0, 17) + '3', '初中', ''],
      ['王五', '11010519491231004X', '初中', '月亮小区']
    ], TODAY_, sites)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    const [a, , c] = r.rows
    expect(a).toMatchObject({ ok: true, siteId: 5 })
    expect(c).toMatchObject({ ok: false })
    expect(c!.ok === false && c!.problems.map((p) => [p.field, p.key])).toContainEqual(['site', 'import.site-unknown'])
  })
})
