import fs from 'node:fs'
import path from 'node:path'
import { eq } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { exec, one, transaction, type Q } from '../../db/engine.js'
import type { Pii } from '../../lib/pii.js'
import { idCheckChar, creditCheckChar } from '../../lib/id-checksums.js'
import { localDate } from '../../lib/time.js'
import { countUsers, insertUser, hashPassword, generateInitialPassword, type Role } from '../auth/index.js'
import { writeAudit } from '../audit/index.js'
import { seedOrganisations, findEnterpriseByCreditCode, trainees, enterprises, jurisdictions, type DemoPerson } from '../orgs/index.js'
import { seedLearningDemo } from '../learning/index.js'
import { seedDemoSupervision } from '../supervision/index.js'
import { users } from '../../db/schema.js'
import { seedDemoReadiness, type DemoReadinessPerson } from './readiness.js'

export interface DemoAccount { username: string, role: Role, displayName: string, password: string }

const JURISDICTIONS = [
  { code: 'SF', name: '示范市公安局', level: 'city', parent: null },
  { code: 'SF-DC', name: '东城分局', level: 'district', parent: 'SF' },
  { code: 'SF-XC', name: '西城分局', level: 'district', parent: 'SF' },
  { code: 'SF-DC-01', name: '东湖派出所', level: 'station', parent: 'SF-DC' },
  { code: 'SF-DC-02', name: '东港派出所', level: 'station', parent: 'SF-DC' },
  { code: 'SF-XC-01', name: '西山派出所', level: 'station', parent: 'SF-XC' },
  { code: 'SF-XC-02', name: '西岭派出所', level: 'station', parent: 'SF-XC' }
] as const

const ENTERPRISES = [
  { key: 'anju', name: '安居物业服务有限公司', station: 'SF-DC-01', address: '东湖路 18 号', base: '91110101MA01AJ0Q0' },
  { key: 'huating', name: '华庭物业管理有限公司', station: 'SF-DC-02', address: '港湾大道 66 号', base: '91110101MA02HT1W1' },
  { key: 'jinxiu', name: '锦绣物业服务有限公司', station: 'SF-XC-01', address: '西山南路 9 号', base: '91110102MA03JX2E2' }
] as const

const FAMILY = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '林', '罗', '高']
const GIVEN = ['伟', '芳', '娜', '敏', '静', '强', '磊', '军', '洋', '勇', '艳', '杰', '涛', '明', '超', '秀兰', '霞', '平', '刚', '建华', '志强', '海燕', '晓东', '春梅', '国庆', '丽', '斌', '鹏', '宇', '浩']
const REGIONS = ['110101', '110102', '310104', '440305', '420106', '510107']
const EDUCATION = ['junior-middle', 'senior-middle', 'junior-middle', 'college', 'senior-middle', 'primary'] as const

/** A valid resident ID number for a birth date, with the check character computed (fictional people). */
export function demoIdNumber (region: string, birth: string, seq: number): string {
  const first17 = `${region}${birth.replaceAll('-', '')}${String(seq % 1000).padStart(3, '0')}`
  return first17 + idCheckChar(first17)
}

/** The 30 demo people: a mix of duty statuses, certificates, one minor and one legacy record on duty without a certificate. */
export function demoPeople (today: string): DemoPerson[] {
  const year = Number(today.slice(0, 4))
  return Array.from({ length: 30 }, (_, i) => {
    const enterprise = ENTERPRISES[Math.floor(i / 10)]!.key
    // Person 0 is 17; the rest are 19 to 56.
    const age = i === 0 ? 17 : 19 + ((i * 7) % 38)
    const birth = `${year - age}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + ((i * 5) % 28)).padStart(2, '0')}`
    // In each enterprise of ten: six certified (four of them on duty), four in training without one.
    const k = i % 10
    const certified = k >= 4 && i !== 24
    const onDuty = certified && k >= 6
    return {
      username: `trainee${i + 1}`,
      fullName: FAMILY[i % FAMILY.length]! + GIVEN[(i * 7) % GIVEN.length]!,
      idNumber: demoIdNumber(REGIONS[i % REGIONS.length]!, birth, 100 + i * 3),
      birthDate: birth,
      phone: `13${String(800000000 + i * 1234567).slice(0, 9)}`,
      education: i === 1 ? 'primary' : EDUCATION[i % EDUCATION.length]!,
      enterprise,
      certificate: certified ? { certificateNo: `SF2024${String(1000 + i)}`, issuedOn: `${year - 1 - (i % 3)}-0${1 + (i % 9)}-15`, status: 'valid' as const } : null,
      // 9 and 19 have left their employer; 24 is a legacy record on duty without a certificate.
      duty: i === 9 || i === 19 ? 'released' : i === 24 ? 'on-duty' : onDuty ? 'on-duty' : 'in-training',
      declared: i % 4 !== 3
    }
  })
}

/**
 * On an empty database, creates the demo city: a bureau with two districts and
 * four stations, three enterprises, their trainers, police per station and
 * district, an admin and 30 trainees. Every account gets a random password;
 * the caller prints them and writes them beside the database. Returns null when
 * the database already has users.
 */
export async function seedDemo (db: Db, pii: Pii, now: Date, timeZone = 'Asia/Shanghai'): Promise<DemoAccount[] | null> {
  if (await exec(db, countUsers) > 0) return null
  const today = localDate(now, timeZone)
  const people = demoPeople(today)
  const staff: DemoStaff[] = [
    { username: 'admin', role: 'admin', displayName: '系统管理员' },
    ...ENTERPRISES.map((e, i) => ({ username: `trainer${i + 1}`, role: 'trainer' as const, displayName: `${e.name.slice(0, 2)}培训师`, enterprise: e.key })),
    ...JURISDICTIONS.filter((j) => j.level !== 'city').map((j) => ({ username: `police-${j.code.slice(3).toLowerCase()}`, role: 'police' as const, displayName: `${j.name}民警`, jurisdiction: j.code }))
  ]
  const accounts: DemoAccount[] = [
    ...staff.map((s) => ({ username: s.username, role: s.role, displayName: s.displayName, password: generateInitialPassword() })),
    ...people.map((p) => ({ username: p.username, role: 'trainee' as const, displayName: p.fullName, password: generateInitialPassword() }))
  ]
  // Hashed before the transaction: a body does the database's work and nothing else.
  const hashes = new Map<string, string>()
  for (const a of accounts) hashes.set(a.username, await hashPassword(a.password))
  // One transaction: a failure leaves no half-seeded city whose accounts were never printed.
  const seeded = await transaction(db, seedCity, { pii, people, staff, hashes, today, now, timeZone })
  return seeded ? accounts : null
}

type DemoStaff = Omit<DemoAccount, 'password'> & { enterprise?: string, jurisdiction?: string }

/** The demo city's rows, a transaction body: false (and nothing written) when the database has users by now. */
function * seedCity (tx: Db, c: { pii: Pii, people: DemoPerson[], staff: DemoStaff[], hashes: Map<string, string>, today: string, now: Date, timeZone: string }): Q<boolean> {
  const { pii, people, staff, hashes, today, now, timeZone } = c
  if ((yield * countUsers(tx)) > 0) return false
  const org = yield * seedOrganisations(tx, pii, {
    jurisdictions: JURISDICTIONS.map((j) => ({ ...j })),
    enterprises: ENTERPRISES.map((e) => ({ key: e.key, name: e.name, address: e.address, station: e.station, creditCode: e.base + creditCheckChar(e.base) })),
    people,
    passwordHash: (username) => hashes.get(username)!,
    trainers: staff.filter((s) => s.enterprise).map((s) => ({ username: s.username, enterprise: s.enterprise! }))
  }, today, now)
  for (const s of staff) {
    if (s.role === 'trainer') continue // made with the organisations, above
    const user = yield * insertUser(tx, {
      username: s.username, displayName: s.displayName, passwordHash: hashes.get(s.username)!, role: s.role,
      jurisdictionId: s.jurisdiction ? org.jurisdictionIds.get(s.jurisdiction) : null
    }, now)
    yield * writeAudit(tx, { actorId: null, action: 'account.created', subjectType: 'user', subjectId: user.id, details: { username: s.username, role: s.role, via: 'demo' } }, now)
  }
  // The first enterprise gets a cohort and an induction curriculum, so the learning pages have something to show.
  const first = ENTERPRISES[0]
  const enterprise = yield * findEnterpriseByCreditCode(tx, first.base + creditCheckChar(first.base))
  if (enterprise) yield * seedLearningDemo(tx, enterprise.id, null, today, now)
  yield * seedReadiness(tx, people, now, timeZone)
  yield * seedDemoSupervision(tx, today, now)
  return true
}

/**
 * Readiness in the demo (when the published bank has the national mock): at Huating, trainee11
 * and trainee13 have two recent passes and are eligible, trainee14 passed once and then failed;
 * trainer2 has issued trainee13's statement and applied for the East district's sitting, which
 * waits for police-dc's review. trainee11 is left for issuing a statement by hand.
 */
function * seedReadiness (db: Db, people: DemoPerson[], now: Date, timeZone: string): Q<void> {
  const userId = function * (username: string): Q<number> {
    return (yield * one(db.select({ id: users.id }).from(users).where(eq(users.username, username)).limit(1)))!.id
  }
  const person = function * (username: string): Q<DemoReadinessPerson> {
    const p = people.find((x) => x.username === username)!
    const row = (yield * one(db.select({ id: trainees.id, userId: trainees.userId }).from(trainees).innerJoin(users, eq(users.id, trainees.userId)).where(eq(users.username, username)).limit(1)))!
    const e = (yield * one(db.select({ id: enterprises.id, name: enterprises.name }).from(enterprises).where(eq(enterprises.name, ENTERPRISES.find((x) => x.key === p.enterprise)!.name)).limit(1)))!
    return { traineeId: row.id, userId: row.userId!, fullName: p.fullName, idNumber: p.idNumber, birthDate: p.birthDate, education: p.education, enterpriseId: e.id, enterpriseName: e.name }
  }
  const t11 = yield * person('trainee11')
  const t13 = yield * person('trainee13')
  const t14 = yield * person('trainee14')
  const district = (yield * one(db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, 'SF-DC')).limit(1)))!
  yield * seedDemoReadiness(db, {
    mocks: [
      { person: t11, results: [{ daysAgo: 24, correct: 0.78 }, { daysAgo: 9, correct: 0.84 }] },
      { person: t13, results: [{ daysAgo: 40, correct: 0.42 }, { daysAgo: 18, correct: 0.8 }, { daysAgo: 5, correct: 0.88 }] },
      { person: t14, results: [{ daysAgo: 12, correct: 0.76 }, { daysAgo: 3, correct: 0.42 }] }
    ],
    statementFor: t13,
    trainerId: yield * userId('trainer2'),
    police: { userId: yield * userId('police-dc'), jurisdictionId: district.id }
  }, now, timeZone)
}

export function demoAccountsFile (databasePath: string): string {
  return path.join(path.dirname(databasePath), 'demo-accounts.txt')
}

export function formatDemoAccounts (accounts: DemoAccount[]): string {
  const lines = accounts.map((a) => `  ${a.role.padEnd(8)} ${a.username.padEnd(12)} ${a.password}   ${a.displayName}`)
  return ['GuardPass demo accounts (random passwords, made on first start):', '  role     username     password         name', ...lines, ''].join('\n')
}

export function writeDemoAccounts (databasePath: string, accounts: DemoAccount[]): string {
  const file = demoAccountsFile(databasePath)
  // With PostgreSQL nothing else makes the folder (SQLite's file is created there first).
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, formatDemoAccounts(accounts), { mode: 0o600 })
  return file
}
