import fs from 'node:fs'
import path from 'node:path'
import type { Db } from '../../db/connection.js'
import { countUsers, insertUser, hashPassword, generateInitialPassword, type Role } from '../auth/index.js'
import { recordAudit } from '../audit/index.js'

export interface DemoAccount { username: string, role: Role, displayName: string, password: string }

const DEMO_USERS: ReadonlyArray<Omit<DemoAccount, 'password'>> = [
  { username: 'admin', role: 'admin', displayName: 'Demo Administrator' },
  { username: 'trainer', role: 'trainer', displayName: 'Demo Trainer' },
  { username: 'police', role: 'police', displayName: 'Demo Officer' },
  { username: 'trainee', role: 'trainee', displayName: 'Demo Trainee' }
]

/**
 * On an empty database, creates the demo accounts with random passwords and
 * returns them (the caller prints them and writes them beside the database).
 * Returns null when the database already has users.
 */
export async function seedDemo (db: Db, now: Date): Promise<DemoAccount[] | null> {
  if (countUsers(db) > 0) return null
  const accounts = DEMO_USERS.map((u) => ({ ...u, password: generateInitialPassword() }))
  const hashes = await Promise.all(accounts.map((a) => hashPassword(a.password)))
  db.transaction((tx) => {
    if (countUsers(tx) > 0) return
    accounts.forEach((a, i) => {
      const user = insertUser(tx, { username: a.username, displayName: a.displayName, passwordHash: hashes[i]!, role: a.role }, now)
      recordAudit(tx, { actorId: null, action: 'account.created', subjectType: 'user', subjectId: user.id, details: { username: a.username, role: a.role, via: 'demo' } }, now)
    })
  }, { behavior: 'immediate' })
  return accounts
}

export function demoAccountsFile (databasePath: string): string {
  return path.join(path.dirname(databasePath), 'demo-accounts.txt')
}

export function formatDemoAccounts (accounts: DemoAccount[]): string {
  const lines = accounts.map((a) => `  ${a.role.padEnd(8)} username: ${a.username.padEnd(10)} password: ${a.password}`)
  return ['GuardPass demo accounts (random passwords, made on first start):', ...lines, ''].join('\n')
}

export function writeDemoAccounts (databasePath: string, accounts: DemoAccount[]): string {
  const file = demoAccountsFile(databasePath)
  fs.writeFileSync(file, formatDemoAccounts(accounts), { mode: 0o600 })
  return file
}
