import type { Db } from '../../db/connection.js'
import { one, run, type Q } from '../../db/engine.js'
import { writeAudit } from '../audit/index.js'
import { readinessChanged } from '../../db/readiness-hook.js'
import { cohorts, cohortMembers, curricula, curriculumItems, assignments } from '../../db/schema.js'
import { employedTrainees } from './queries.js'
import type { CurriculumItem } from './curriculum.js'
import { addDays } from '../../lib/time.js'

/**
 * The demo's learning data for one enterprise: a cohort of its first trainees
 * and an induction curriculum (ethics, two safety topics, one national mock
 * passed) assigned to that cohort, mandatory, due in four weeks. Items name
 * the bank's stable keys, so the demo works before and after the bank is published.
 * Run it inside the demo's transaction.
 */
export function * seedLearningDemo (tx: Db, enterpriseId: number, trainerUserId: number | null, today: string, now: Date): Q<void> {
  const cohort = (yield * one(tx.insert(cohorts).values({ enterpriseId, name: '2026年春季入职', createdBy: trainerUserId, createdAt: now }).returning()))!
  const members = (yield * employedTrainees(tx, enterpriseId)).slice(0, 6).map((p) => p.id)
  for (const traineeId of members) yield * run(tx.insert(cohortMembers).values({ cohortId: cohort.id, traineeId, addedAt: now }))
  const items: CurriculumItem[] = [
    { kind: 'course', domain: 'ethics', topic: null, blueprintKey: null, requiredPasses: null },
    { kind: 'topic', domain: 'law', topic: 'guard-eligibility', blueprintKey: null, requiredPasses: null },
    { kind: 'topic', domain: 'skills', topic: 'cpr-aed', blueprintKey: null, requiredPasses: null },
    { kind: 'mock', domain: null, topic: null, blueprintKey: 'national-mock', requiredPasses: 1 }
  ]
  const curriculum = (yield * one(tx.insert(curricula).values({ enterpriseId, title: '新员工入职培训', createdBy: trainerUserId, createdAt: now }).returning()))!
  for (const [i, item] of items.entries()) yield * run(tx.insert(curriculumItems).values({ curriculumId: curriculum.id, position: i + 1, ...item }))
  const due = addDays(today, 28)
  yield * run(tx.insert(assignments).values({ curriculumId: curriculum.id, enterpriseId, cohortId: cohort.id, dueOn: due, mandatory: true, assignedBy: trainerUserId, assignedAt: now }))
  yield * writeAudit(tx, { actorId: null, action: 'curriculum.created', subjectType: 'curriculum', subjectId: curriculum.id, details: { via: 'demo' } }, now)
  yield * readinessChanged(tx, members, now)
}
