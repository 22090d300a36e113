import { and, asc, eq, isNull } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, one, type Q } from '../../db/engine.js'
import { users, enterprises, jurisdictions, employments, trainees, sites } from '../../db/schema.js'
import { insertSite, setPostedSite } from '../orgs/index.js'
import { addDays, complianceScore } from './rules.js'
import { listChecklist, insertInspection, inspectionItemsOf, type InspectionItem } from './queries.js'
import { issueNotice, respondToItem, reviewItem } from './notices.js'
import { sendMessage, recordBriefing, enterprisesInReach } from './messages.js'
import { reportBravery, reviewBravery } from './bravery.js'

/** The demo's managed sites: each enterprise's, by its name; the last of each lies in another station's area. */
export const DEMO_SITES: Record<string, Array<{ name: string, address: string, station: string }>> = {
  安居物业服务有限公司: [{ name: '东湖花园', address: '东湖路 20 号', station: 'SF-DC-01' }, { name: '湖畔雅苑', address: '湖滨路 3 号', station: 'SF-DC-01' }, { name: '港湾新城', address: '港湾大道 101 号', station: 'SF-DC-02' }],
  华庭物业管理有限公司: [{ name: '华庭苑', address: '港湾大道 70 号', station: 'SF-DC-02' }, { name: '海景大厦', address: '海景路 8 号', station: 'SF-DC-02' }, { name: '西山小区', address: '西山北路 12 号', station: 'SF-XC-01' }],
  锦绣物业服务有限公司: [{ name: '锦绣家园', address: '西山南路 11 号', station: 'SF-XC-01' }, { name: '东湖商务楼', address: '东湖路 88 号', station: 'SF-DC-01' }]
}

/**
 * Supervision in the demo, through the same queries as the routes (so the audit log has the trail),
 * in the caller's transaction (the demo seeds a city in one):
 * sites for every enterprise (one in another station's area) with the on-duty guards posted at
 * the first; three inspections with failed items; one notice closed, one with a response waiting
 * for the police, one overdue; a notice to the East district's enterprises with two briefings; one
 * act of bravery forwarded for recognition.
 */
export function * seedDemoSupervision (db: Db, today: string, now: Date): Q<void> {
  const audit = (actorId: number, action: string) => ({ actorId, action })
  const user = function * (username: string): Q<{ id: number, jurisdictionId: number | null }> {
    return (yield * one(db.select({ id: users.id, jurisdictionId: users.jurisdictionId }).from(users).where(eq(users.username, username))))!
  }
  const unit = function * (code: string): Q<number> {
    return (yield * one(db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.code, code))))!.id
  }
  const trainerOf = function * (enterpriseId: number): Q<number> {
    return (yield * one(db.select({ id: users.id }).from(users).where(and(eq(users.enterpriseId, enterpriseId), eq(users.role, 'trainer'))).limit(1)))!.id
  }
  const checklist = yield * listChecklist(db, { activeOnly: true })
  const firstSites = new Map<string, { siteId: number, enterpriseId: number }>()
  for (const [name, list] of Object.entries(DEMO_SITES)) {
    const e = yield * one(db.select({ id: enterprises.id }).from(enterprises).where(eq(enterprises.name, name)).limit(1))
    if (!e) continue
    const trainer = yield * trainerOf(e.id)
    for (const [i, s] of list.entries()) {
      const siteId = yield * insertSite(db, e.id, { name: s.name, address: s.address, jurisdictionId: yield * unit(s.station) }, audit(trainer, 'site.created'), now)
      if (i === 0) firstSites.set(name, { siteId, enterpriseId: e.id })
    }
    const first = firstSites.get(name)!
    const onDuty = yield * all(db.select({ id: employments.id, traineeId: employments.traineeId }).from(employments)
      .where(and(eq(employments.enterpriseId, e.id), isNull(employments.endedOn), eq(employments.dutyStatus, 'on-duty'))).orderBy(asc(employments.id)))
    for (const m of onDuty) yield * setPostedSite(db, m.id, m.traineeId, first.siteId, audit(trainer, 'employment.site'), now)
  }

  /** An inspection of an enterprise's first site by a station's officer, the given items failed. */
  const inspect = function * (enterprise: string, officer: string, daysAgo: number, failed: number[]) {
    const site = firstSites.get(enterprise)!
    const police = yield * user(officer)
    const results = checklist.map((item, i) => ({ item, result: failed.includes(i) ? 'not-compliant' as const : 'compliant' as const, note: failed.includes(i) ? FINDINGS[i] ?? '现场发现不符合要求。' : '', photos: [] }))
    const score = complianceScore(results.map((r) => r.result))
    const guards = yield * all(db.select({ traineeId: employments.traineeId, fullName: trainees.fullName, status: trainees.certificateStatus }).from(employments).innerJoin(trainees, eq(trainees.id, employments.traineeId))
      .where(and(eq(employments.siteId, site.siteId), isNull(employments.endedOn))))
    const id = yield * insertInspection(db, {
      siteId: site.siteId, enterpriseId: site.enterpriseId, jurisdictionId: police.jurisdictionId!, inspectedOn: addDays(today, -daysAgo), officers: `${officer.replace('police-', '').toUpperCase()} 民警二人`,
      recordedBy: police.id, items: results, guards: guards.map((g) => ({ traineeId: g.traineeId, fullName: g.fullName, withoutCertificate: g.status !== 'valid' })), compliant: score.compliant, applicable: score.applicable
    }, audit(police.id, 'inspection.recorded'), now)
    return { id, site, police, items: (yield * inspectionItemsOf(db, id)).filter((i) => i.result === 'not-compliant') }
  }
  type Inspected = { id: number, site: { siteId: number, enterpriseId: number }, police: { id: number, jurisdictionId: number | null }, items: InspectionItem[] }
  const issue = (x: Inspected, deadline: string) => issueNotice(db, {
    unitId: x.police.jurisdictionId!, year: Number(today.slice(0, 4)), inspectionId: x.id, siteId: x.site.siteId, enterpriseId: x.site.enterpriseId, deadline, issuedBy: x.police.id,
    items: x.items.map((i) => ({ inspectionItemId: i.id, requirement: `${i.note}请立即整改。` }))
  }, audit(x.police.id, 'notice.issued'), now)

  // Anju: closed (both items answered and accepted).
  const a = yield * inspect('安居物业服务有限公司', 'police-dc-01', 40, [1, 7])
  const na = yield * issue(a, addDays(today, 5))
  const ta = yield * trainerOf(a.site.enterpriseId)
  for (const i of a.items.keys()) yield * respondToItem(db, na.id, i, '已按要求整改，并组织全体保安员学习相关规定。', [], ta, today, audit(ta, 'notice.responded'), now)
  for (const i of a.items.keys()) yield * reviewItem(db, na.id, i, 'accept', '', a.police.id, today, audit(a.police.id, 'notice.accepted'), now)
  // Huating: open, a response waiting for the police's review.
  const h = yield * inspect('华庭物业管理有限公司', 'police-dc-02', 10, [0, 6])
  const nh = yield * issue(h, addDays(today, 12))
  const th = yield * trainerOf(h.site.enterpriseId)
  yield * respondToItem(db, nh.id, 0, '无证人员已调离岗位，正在组织报名参加保安员资格考试。', [], th, today, audit(th, 'notice.responded'), now)
  // Jinxiu: overdue (the deadline passed three days ago, nothing answered).
  const j = yield * inspect('锦绣物业服务有限公司', 'police-xc-01', 30, [2])
  yield * issue(j, addDays(today, -3))

  // A notice to the East district's enterprises, with two briefings on its thread.
  const dc = yield * user('police-dc')
  const district = yield * unit('SF-DC')
  const eastUnits = [district, ...(yield * all(db.select({ id: jurisdictions.id }).from(jurisdictions).where(eq(jurisdictions.parentId, district)))).map((j) => j.id)]
  const east = (yield * enterprisesInReach(db, eastUnits)).map((e) => e.id)
  const m = yield * sendMessage(db, { unitId: dc.jurisdictionId!, title: '关于做好岁末年初物业小区安全防范工作的通知', body: '各物业服务企业：\n\n岁末年初是盗窃、火灾等案事件的高发期。请各企业：\n\n- 加强小区出入口查验登记和夜间巡逻；\n- 检查消防设施，保持消防通道畅通；\n- 监控影像资料留存不少于 **30 日**。\n\n请于期限前回复落实情况。', replyBy: addDays(today, 10), sentBy: dc.id, enterpriseIds: east, attachments: [] }, audit(dc.id, 'message.sent'), now)
  yield * recordBriefing(db, m, { heldOn: addDays(today, -20), attendees: '东城分局治安大队民警，辖区各物业服务企业保安负责人', minutes: '通报了近期辖区治安形势，部署岁末年初安全防范工作。' }, dc.id, audit(dc.id, 'briefing.recorded'), now)
  yield * recordBriefing(db, m, { heldOn: addDays(today, -2), attendees: '东湖派出所民警，安居物业、华庭物业保安负责人', minutes: '检查上次通报会部署事项的落实情况，讲评检查中发现的问题。' }, dc.id, audit(dc.id, 'briefing.recorded'), now)

  // Huating: one act of bravery, forwarded for recognition.
  const guard = yield * one(db.select({ traineeId: employments.traineeId }).from(employments).where(and(eq(employments.siteId, h.site.siteId), isNull(employments.endedOn))).limit(1))
  if (guard) {
    const station = (yield * one(db.select({ id: sites.jurisdictionId }).from(sites).where(eq(sites.id, h.site.siteId))))!.id
    const r = yield * reportBravery(db, guard.traineeId, h.site.enterpriseId, station, { occurredOn: addDays(today, -15), place: '华庭苑北门', account: '夜间巡逻时发现一名男子撬盗电动车，上前制止并将其控制，随即报警，协助民警将其带走。', witnesses: '业主两人', outcome: '嫌疑人被抓获，财物无损失。' }, th, audit(th, 'bravery.reported'), now)
    yield * reviewBravery(db, r, 'forwarded', '示范市见义勇为基金会', h.police.id, audit(h.police.id, 'bravery.forwarded'), now)
  }
}

const FINDINGS: Record<number, string> = {
  0: '一名在岗保安员未取得保安员证。',
  1: '两名保安员未佩戴全国统一的保安服务标志。',
  2: '保安员所戴帽徽与警用标志相似。',
  6: '监控录像仅保存 15 日。',
  7: '近一周值勤记录缺失。'
}
