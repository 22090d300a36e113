import fs from 'node:fs'
import iconv from 'iconv-lite'
import { describe, test, expect } from 'vitest'
import { form, dom, multipart, FORM_HEADERS, type TestApp } from '../../helpers/app.js'
import { useWorld, type World } from '../../helpers/world.js'
import { onPostgres } from '../../helpers/db.js'
import { demoIdNumber } from '../../../src/features/demo/seed.js'
import { trainees, auditEvents } from '../../../src/db/schema.js'

let t: TestApp
let w: World
useWorld((app, world) => { t = app; w = world })

const IDS = [demoIdNumber('110101', '1988-01-02', 11), demoIdNumber('110101', '1992-05-06', 12), demoIdNumber('420106', '1979-09-30', 13)]
const goodCsv = ['姓名,身份证号,手机,学历', `陈一,${IDS[0]},13800000001,初中`, `陈二,${IDS[1]},,高中`, `陈三,${IDS[2]!.slice(0, 17)}${IDS[2]!.slice(17).toLowerCase()},13800000003,大专`].join('\r\n') + '\r\n'

const upload = (data: Buffer, filename = 'roster.csv', cookie = w.cookie('trainerA')) => {
  const m = multipart({}, { name: 'file', filename, type: 'text/csv', data })
  return t.app.inject({ method: 'POST', url: '/roster/import', headers: { ...m.headers, cookie }, payload: m.payload })
}
const peopleCount = async () => (await t.db.select().from(trainees)).length

describe('CSV import', () => {
  test('a file with one bad row imports nothing and names the row and the reason', async () => {
    const before = await peopleCount()
    const bad = goodCsv.replace(IDS[1]!, IDS[1]!.slice(0, 17) + (IDS[1]![17] === '0' ? '1' : '0'))
    const res = await upload(Buffer.from(bad))
    expect(res.statusCode).toBe(422)
    const page = dom(res.body)
    const badRow = page.querySelector('tr.bad')!
    expect(badRow.querySelector('td')!.text).toBe('3')
    expect(badRow.text).toContain('ID number: This ID number is not valid')
    expect(page.querySelector('form[action="/roster/import/confirm"]')).toBeNull()
    expect(await peopleCount()).toBe(before)
    // Confirming the bad content anyway (a forged form) imports nothing either: only a checked file has a token.
    const forced = await t.app.inject({ method: 'POST', url: '/roster/import/confirm', headers: { ...FORM_HEADERS, cookie: w.cookie('trainerA') }, payload: form({ csv: bad }) })
    expect(forced.statusCode).toBe(410)
    expect(await peopleCount()).toBe(before)
  })

  test.each([
    ['GBK, as Excel and WPS save CSV on Chinese Windows', iconv.encode(goodCsv, 'gbk')],
    ['UTF-8 with a byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(goodCsv)])],
    ['UTF-16 tab-separated ("Unicode text")', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(goodCsv.replaceAll(',', '\t'), 'utf16le')])]
  ])('%s is read correctly in the preview', async (_name, bytes) => {
    const res = await upload(bytes)
    expect(res.statusCode, res.body.slice(0, 500)).toBe(200)
    const names = dom(res.body).querySelectorAll('tbody tr td:nth-child(2)').map((td) => td.text)
    expect(names).toEqual(['陈一', '陈二', '陈三'])
  })

  test.each([
    ['an Excel workbook', Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100, 1)]), 'roster.xlsx', 'Excel workbook'],
    ['an old Excel workbook', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0]), 'roster.xls', 'old Excel workbook'],
    ['garbled bytes', Buffer.from([0x81, 0x20, 0xff, 0xfe, 0x00, 0x41, 0x81]), 'roster.csv', 'not a text file'],
    ['an empty file', Buffer.alloc(0), 'roster.csv', 'Choose a CSV file'],
    ['no needed columns', Buffer.from('foo,bar\r\n1,2\r\n'), 'roster.csv', 'lacks these columns'],
    ['an unclosed quote', Buffer.from('姓名,身份证号,学历\r\n"张三,1,初中\r\n'), 'roster.csv', 'line 2']
  ])('%s is refused with a clear message', async (_name, bytes, filename, message) => {
    const res = await upload(bytes, filename)
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector('[role=alert]')!.text).toContain(message)
  })

  test('a file over 1 MB is refused', async () => {
    const res = await upload(Buffer.alloc(1024 * 1024 + 10, 0x41))
    expect(res.statusCode).toBe(422)
    expect(dom(res.body).querySelector('[role=alert]')!.text).toContain('larger than 1 MB')
  })

  test('a good file imports every row in one go and shows a slip for each new login', async () => {
    const before = await peopleCount()
    const preview = dom((await upload(iconv.encode(goodCsv, 'gbk'))).body)
    const token = preview.querySelector('input[name=token]')!.getAttribute('value')!
    const res = await t.app.inject({ method: 'POST', url: '/roster/import/confirm', headers: { ...FORM_HEADERS, cookie: w.cookie('trainerA') }, payload: form({ token }) })
    expect(res.statusCode).toBe(200)
    expect(dom(res.body).querySelectorAll('.slip')).toHaveLength(3)
    expect(await peopleCount()).toBe(before + 3)
    expect((await t.db.select().from(auditEvents)).filter((a) => a.action === 'roster.imported')).toHaveLength(1)
    // Importing the same file again: every row is already on the roster.
    const again = dom((await upload(Buffer.from(goodCsv))).body)
    expect(again.querySelectorAll('tr.bad')).toHaveLength(3)
    expect(again.text).toContain('already on your roster')
  })
})

describe('CSV export', () => {
  test('UTF-8 with a byte-order mark, full ID numbers, audited, this enterprise only', async () => {
    const res = await t.app.inject({ url: '/roster/export.csv', headers: { cookie: w.cookie('trainerA') } })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toMatch(/attachment; filename="roster-\d{4}-\d{2}-\d{2}\.csv"/)
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const text = res.rawPayload.subarray(3).toString('utf8')
    expect(text.split('\r\n')[0]).toBe('Full name,ID number,Mobile phone,Education,Duty status,Certificate number,Issued on,Certificate status,Username')
    expect(text).toContain(IDS[0])
    expect(text).not.toContain('wBeta')
    const audit = (await t.db.select().from(auditEvents)).find((a) => a.action === 'roster.exported')!
    expect(audit.details).toMatchObject({ rows: expect.any(Number) })
  })

  test('a cell that a spreadsheet would run as a formula is escaped', async () => {
    // Names cannot hold formulas; an old record's phone field can.
    const p = await w.addPerson(w.ids.entA, 'Formula')
    const { trainees: tbl } = await import('../../../src/db/schema.js')
    const { eq } = await import('drizzle-orm')
    await t.db.update(tbl).set({ phone: '=HYPERLINK("http://evil.example")' }).where(eq(tbl.id, p.traineeId))
    const text = (await t.app.inject({ url: '/roster/export.csv', headers: { cookie: w.cookie('trainerA') } })).body
    expect(text).toContain('"\'=HYPERLINK(""http://evil.example"")"')
  })
})

describe('personal data never leaks', () => {
  test('no raw ID number in the log output or in the SQLite file bytes', async () => {
    // Search by ID number (a query string), look up, export: all the paths that touch it.
    await t.app.inject({ url: `/roster?q=${IDS[0]}`, headers: { cookie: w.cookie('trainerA') } })
    await t.app.inject({ url: '/nope?id=' + IDS[0] })
    // (On PostgreSQL there is no database file here: the log is checked.)
    if (!onPostgres) t.db.$client.pragma('wal_checkpoint(TRUNCATE)')
    const logs = t.logs.join('')
    expect(logs.length).toBeGreaterThan(1000)
    const files = [t.config.databasePath, `${t.config.databasePath}-wal`].filter((f) => fs.existsSync(f))
    for (const id of IDS) {
      expect(logs).not.toContain(id)
      for (const f of files) expect(fs.readFileSync(f).includes(Buffer.from(id)), `${id} in ${f}`).toBe(false)
    }
    expect(logs).not.toContain('gp_session=')
  })
})
