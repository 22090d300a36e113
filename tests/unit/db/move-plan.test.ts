import { describe, test, expect } from 'vitest'
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core'
import * as schema from '../../../src/db/schema.js'
import { copyPlan, foreignKeyOrder } from '../../../src/db/move-to-postgres.js'

describe('the data move plan', () => {
  const plan = copyPlan()

  test('copies every table of the schema once, each after the tables its foreign keys name', () => {
    const tables = Object.values(schema as Record<string, unknown>).filter((t): t is SQLiteTable => t instanceof SQLiteTable).map((t) => getTableConfig(t).name).sort()
    expect(plan.map((t) => t.name).sort()).toEqual(tables)
    const position = new Map(plan.map((t, i) => [t.name, i]))
    for (const t of plan) {
      for (const fk of getTableConfig(t.sqlite).foreignKeys) {
        const target = getTableConfig(fk.reference().foreignTable).name
        if (target !== t.name) expect(position.get(target), `${t.name} -> ${target}`).toBeLessThan(position.get(t.name)!)
      }
    }
  })

  test('pages every table by a key: its primary key, or the unique pair of a link table', () => {
    const key = (name: string) => plan.find((t) => t.name === name)!.key
    expect(key('users')).toEqual(['id'])
    expect(key('attempt_steps')).toEqual(['attemptItemId', 'seq'])
    expect(key('message_targets')).toEqual(['messageId', 'enterpriseId'])
    expect(key('inspection_guards')).toEqual(['inspectionId', 'traineeId'])
    expect(key('app_settings')).toEqual(['key'])
  })

  test('the order keeps ties as given, ignores a table naming itself, and refuses a cycle', () => {
    const refs: Record<string, string[]> = { a: ['c'], b: [], c: ['c'], d: ['a', 'b'] }
    expect(foreignKeyOrder(['d', 'a', 'b', 'c'], (t) => refs[t]!)).toEqual(['c', 'a', 'b', 'd'])
    expect(() => foreignKeyOrder(['x', 'y'], (t) => t === 'x' ? ['y'] : ['x'])).toThrow(/cycle: x -> y -> x/)
  })
})
