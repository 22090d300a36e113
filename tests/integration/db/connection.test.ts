import { describe, test, expect } from 'vitest'
import { buildTestApp } from '../../helpers/app.js'

describe('the SQLite connection', () => {
  test('WAL with synchronous = FULL (2): an acknowledged commit is on disk, power cut or not', async () => {
    const t = await buildTestApp()
    try {
      expect(t.db.$client.pragma('journal_mode', { simple: true })).toBe('wal')
      expect(t.db.$client.pragma('synchronous', { simple: true })).toBe(2)
      expect(t.db.$client.pragma('foreign_keys', { simple: true })).toBe(1)
    } finally {
      await t.close()
    }
  })
})
