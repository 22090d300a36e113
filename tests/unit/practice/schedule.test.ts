import { describe, test, expect } from 'vitest'
import { scheduleAfter, isDue, dayNumber, UNSCHEDULED, INTERVALS } from '../../../src/features/practice/schedule.js'

const TZ = 'Asia/Shanghai'

describe('local day numbers', () => {
  test('a day starts at midnight in Shanghai, not in UTC', () => {
    // 2026-03-01 23:59 in Shanghai is 15:59 UTC; a minute later it is the 2nd there.
    const before = dayNumber(new Date('2026-03-01T15:59:00Z'), TZ)
    const after = dayNumber(new Date('2026-03-01T16:00:00Z'), TZ)
    expect(after - before).toBe(1)
    expect(before).toBe(Date.UTC(2026, 2, 1) / 86_400_000)
    // The same instants are one UTC day.
    expect(dayNumber(new Date('2026-03-01T15:59:00Z'), 'UTC')).toBe(dayNumber(new Date('2026-03-01T16:00:00Z'), 'UTC'))
  })
})

describe('the Leitner schedule', () => {
  const today = 20_000
  test('a miss puts an unscheduled question in box 1, due the next day', () => {
    expect(scheduleAfter(UNSCHEDULED, false, today)).toEqual({ box: 1, dueDay: today + 1 })
  })

  test('right answers on the due day climb the boxes: 1, 2, 4, 8, 16 days, then the schedule ends', () => {
    let s = scheduleAfter(UNSCHEDULED, false, today)
    const gaps: number[] = []
    let day = today
    for (let i = 0; i < 4; i++) {
      day = s.dueDay!
      const next = scheduleAfter(s, true, day)
      gaps.push(next.dueDay! - day)
      expect(next.box).toBe(s.box + 1)
      s = next
    }
    expect([1, ...gaps]).toEqual([...INTERVALS])
    expect(s.box).toBe(5)
    // Right in the last box: the schedule ends.
    expect(scheduleAfter(s, true, s.dueDay!)).toEqual(UNSCHEDULED)
  })

  test('a miss in any box sends it back to box 1', () => {
    for (const box of [1, 2, 3, 4, 5]) expect(scheduleAfter({ box, dueDay: today }, false, today)).toEqual({ box: 1, dueDay: today + 1 })
  })

  test('a right answer before the due day leaves the box; an overdue one moves it on from today', () => {
    expect(scheduleAfter({ box: 2, dueDay: today + 1 }, true, today)).toEqual({ box: 2, dueDay: today + 1 })
    expect(scheduleAfter({ box: 2, dueDay: today - 3 }, true, today)).toEqual({ box: 3, dueDay: today + 4 })
  })

  test('a right answer to an unscheduled question schedules nothing', () => {
    expect(scheduleAfter(UNSCHEDULED, true, today)).toEqual(UNSCHEDULED)
  })

  test('due on the day and overdue after it, not before; never when unscheduled', () => {
    expect(isDue({ box: 1, dueDay: today }, today)).toBe(true)
    expect(isDue({ box: 1, dueDay: today - 2 }, today)).toBe(true)
    expect(isDue({ box: 1, dueDay: today + 1 }, today)).toBe(false)
    expect(isDue(UNSCHEDULED, today)).toBe(false)
  })
})
