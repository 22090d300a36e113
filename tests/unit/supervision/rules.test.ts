import { describe, test, expect } from 'vitest'
import { complianceScore, deadlineProblem, inspectionDateProblem, isOverdue, transition, caseTransition, noticeNumber, unitPrefix, mayEscalate, type NoticeState, type NoticeEvent } from '../../../src/features/supervision/rules.js'
import { NOTICE_STATUSES, NOTICE_ITEM_STATUSES, JURISDICTION_LEVELS, CASE_STATUSES } from '../../../src/db/schema.js'

describe('compliance score', () => {
  test('the share of applicable items found compliant; not-applicable items do not count', () => {
    expect(complianceScore(['compliant', 'compliant', 'not-compliant', 'not-applicable'])).toEqual({ compliant: 2, applicable: 3, percent: 66 })
    expect(complianceScore(['compliant'])).toEqual({ compliant: 1, applicable: 1, percent: 100 })
    expect(complianceScore(['not-applicable'])).toEqual({ compliant: 0, applicable: 0, percent: null })
    expect(complianceScore([])).toEqual({ compliant: 0, applicable: 0, percent: null })
  })
})

describe('deadlines and overdue on local dates', () => {
  test('a deadline is a real date after today and at most 90 days ahead', () => {
    expect(deadlineProblem('2026-03-01', '2026-02-28')).toBeNull()
    expect(deadlineProblem('2026-02-28', '2026-02-28')).toBe('notice.deadline-past')
    expect(deadlineProblem('2026-02-29', '2026-02-01')).toBe('notice.deadline-invalid')
    expect(deadlineProblem('2026-5-1', '2026-02-01')).toBe('notice.deadline-invalid')
    expect(deadlineProblem('2026-05-29', '2026-02-28')).toBeNull()
    expect(deadlineProblem('2026-05-30', '2026-02-28')).toBe('notice.deadline-too-far')
  })

  test('an inspection date is not in the future nor more than a year back', () => {
    expect(inspectionDateProblem('2026-02-28', '2026-02-28')).toBeNull()
    expect(inspectionDateProblem('2026-03-01', '2026-02-28')).toBe('inspection.date-future')
    expect(inspectionDateProblem('2025-01-01', '2026-02-28')).toBe('inspection.date-too-old')
    expect(inspectionDateProblem('yesterday', '2026-02-28')).toBe('inspection.date-invalid')
  })

  test('overdue from the local day after the deadline, unless closed', () => {
    expect(isOverdue({ status: 'open', deadline: '2026-03-10' }, '2026-03-10')).toBe(false)
    expect(isOverdue({ status: 'open', deadline: '2026-03-10' }, '2026-03-11')).toBe(true)
    expect(isOverdue({ status: 'escalated', deadline: '2026-03-10' }, '2026-04-01')).toBe(true)
    expect(isOverdue({ status: 'closed', deadline: '2026-03-10' }, '2026-04-01')).toBe(false)
  })
})

describe('notice state transitions', () => {
  const TODAY = '2026-03-20'
  const LEGAL: Record<string, { from: readonly string[], to: string }> = {
    respond: { from: ['pending', 'returned'], to: 'submitted' },
    accept: { from: ['submitted'], to: 'accepted' },
    return: { from: ['submitted'], to: 'returned' }
  }

  test('every item event from every item status and notice status: allowed exactly where the rules say, refused otherwise', () => {
    for (const status of NOTICE_STATUSES) {
      for (const item of NOTICE_ITEM_STATUSES) {
        for (const kind of ['respond', 'accept', 'return'] as const) {
          const s: NoticeState = { status, deadline: '2026-03-31', items: [item, 'pending'] }
          const r = transition(s, { kind, item: 0 }, { today: TODAY })
          const legal = status !== 'closed' && LEGAL[kind]!.from.includes(item)
          expect(r.ok, `${kind} on a ${item} item of a ${status} notice`).toBe(legal)
          if (r.ok) {
            expect(r.next.items).toEqual([LEGAL[kind]!.to, 'pending'])
            expect(r.next.status).toBe(status)
          }
        }
      }
    }
  })

  test('the notice closes when the last item is accepted, and then nothing changes it', () => {
    const r = transition({ status: 'open', deadline: '2026-03-31', items: ['accepted', 'submitted'] }, { kind: 'accept', item: 1 }, { today: TODAY })
    expect(r.ok && r.next.status).toBe('closed')
    const closed: NoticeState = { status: 'closed', deadline: '2026-03-31', items: ['accepted', 'accepted'] }
    const events: NoticeEvent[] = [{ kind: 'respond', item: 0 }, { kind: 'accept', item: 0 }, { kind: 'return', item: 0 }, { kind: 'escalate' }]
    for (const e of events) expect(transition(closed, e, { today: '2026-05-01', level: 'city' })).toEqual({ ok: false, reason: 'notice.closed' })
    // An escalated notice closes too when every item is accepted.
    const esc = transition({ status: 'escalated', deadline: '2026-03-01', items: ['submitted'] }, { kind: 'accept', item: 0 }, { today: TODAY })
    expect(esc.ok && esc.next.status).toBe('closed')
  })

  test('an unknown item is refused', () => {
    expect(transition({ status: 'open', deadline: '2026-03-31', items: ['pending'] }, { kind: 'respond', item: 3 }, { today: TODAY })).toEqual({ ok: false, reason: 'notice.item-unknown' })
  })

  test('escalation: only overdue, only once, only district level and above', () => {
    const overdue: NoticeState = { status: 'open', deadline: '2026-03-19', items: ['pending'] }
    for (const level of JURISDICTION_LEVELS) {
      const r = transition(overdue, { kind: 'escalate' }, { today: TODAY, level })
      expect(r.ok, level).toBe(mayEscalate(level))
      expect(mayEscalate(level)).toBe(level !== 'station')
    }
    expect(transition(overdue, { kind: 'escalate' }, { today: TODAY })).toEqual({ ok: false, reason: 'notice.escalate-level' })
    expect(transition({ ...overdue, deadline: TODAY }, { kind: 'escalate' }, { today: TODAY, level: 'district' })).toEqual({ ok: false, reason: 'notice.escalate-not-overdue' })
    expect(transition({ ...overdue, status: 'escalated' }, { kind: 'escalate' }, { today: TODAY, level: 'district' })).toEqual({ ok: false, reason: 'notice.already-escalated' })
  })
})

describe('notice numbers', () => {
  test('the unit\'s short name, the year and a four-digit number', () => {
    expect(noticeNumber(unitPrefix('东城分局'), 2026, 12)).toBe('东城公（保）限改字〔2026〕第0012号')
    expect(unitPrefix('东华门派出所')).toBe('东华公')
    expect(unitPrefix('北京市公安局')).toBe('北京公')
    expect(unitPrefix('朝阳区')).toBe('朝阳公')
  })
})

describe('the case an escalation opens', () => {
  test('an open case closes by district level and above; every other change is refused', () => {
    const table = CASE_STATUSES.flatMap((status) => JURISDICTION_LEVELS.map((level) => ({ status, level, r: caseTransition(status, { kind: 'close' }, { level }) })))
    for (const { status, level, r } of table) {
      if (level === 'station') expect(r, `${status} ${level}`).toEqual({ ok: false, reason: 'case.level' })
      else if (status === 'closed') expect(r, `${status} ${level}`).toEqual({ ok: false, reason: 'case.already-closed' })
      else expect(r, `${status} ${level}`).toEqual({ ok: true, next: 'closed' })
    }
    expect(caseTransition('open', { kind: 'close' }, {})).toEqual({ ok: false, reason: 'case.level' })
  })
})
