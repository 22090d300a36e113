#!/usr/bin/env node
// The command line: the only place that reads process.env, listens, and handles signals.
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError, type Config } from './config.js'
import { openDatabase, migrateDatabase, type Db } from './db/connection.js'
import { buildApp } from './app.js'
import { startCheckpointer } from './db/checkpointer.js'
import { systemClock } from './lib/clock.js'
import { loadDataKey, keyFilePath } from './lib/data-key.js'
import { ROLES, type Role, insertUser, findUserByUsername, hashPassword, checkNewPassword, setStatus } from './features/auth/index.js'
import { recordAudit } from './features/audit/index.js'
import { seedDemo, writeDemoAccounts, formatDemoAccounts } from './features/demo/index.js'
import { createPiiCheck, findEnterpriseByCreditCode, findJurisdictionByCode } from './features/orgs/index.js'
import { createPii } from './lib/pii.js'
import { DEFAULT_BANK_DIR, validateCommand, publishCommand, publishOnStart, diffCommand, statsCommand } from './features/bank/cli.js'

const HELP = `GuardPass: training and mock examinations for property security guards.

Usage: npm run guardpass -- <command> [options]

Commands:
  serve                         start the web server (npm start does this)
  migrate                       create or update the database schema and stop
  user create --role <role> --username <name> --password-stdin [--name <display name>]
                                [--enterprise <credit code>] [--jurisdiction <code>]
                                create an account; the password is read from standard input
  user disable --username <name>
  user enable --username <name>
  backup <dir>                  online backup of the database, plus the data key file
  bank validate [dir]           check the question bank (default: question-bank/), every problem with file and line
  bank publish [dir]            import the bank as a new release (new versions for changed content)
  bank diff <from> <to>         what changed between two published releases
  bank stats [dir] [--json]     counts by domain, topic, type and difficulty
  help                          this text

Roles: ${ROLES.join(', ')}.
Configuration comes from the environment; see README.md and .env.example.`

class UsageError extends Error {}
class StartError extends Error {}

function openMigrated (config: Config): Db {
  const db = openDatabase(config.databasePath)
  migrateDatabase(db)
  return db
}

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

/**
 * The data key for personal data: from configuration or the key file. A new key
 * file is made only for a database without encrypted data; otherwise a missing or
 * different key stops the start, so data is never written under the wrong key.
 */
function openDataKey (config: Config, db: Db): Buffer {
  const check = createPiiCheck(db)
  if (!config.dataKey && !fs.existsSync(keyFilePath(config.databasePath)) && check.holdsEncryptedData()) {
    throw new StartError(`The database holds encrypted personal data but the key file ${keyFilePath(config.databasePath)} is missing. Restore it from the backup made with this database (or set GUARDPASS_DATA_KEY).`)
  }
  const key = loadDataKey(config.databasePath, config.dataKey)
  if (key.created) console.log(`Created the data key ${key.file}. Back it up together with the database: without it, personal data cannot be read.`)
  const problem = check.check(key.key)
  if (problem) throw new StartError(problem)
  return key.key
}

async function serve (config: Config): Promise<void> {
  const db = openMigrated(config)
  const dataKey = openDataKey(config, db)
  // The bank first: the demo's mock attempts are assembled from it.
  publishOnStart(db, DEFAULT_BANK_DIR, systemClock.now(), (line) => console.log(line))
  if (config.demo) {
    const accounts = await seedDemo(db, createPii(dataKey), systemClock.now(), config.timeZone)
    if (accounts) {
      const file = writeDemoAccounts(config.databasePath, accounts)
      console.log(`\n${formatDemoAccounts(accounts)}(also written to ${file}; set GUARDPASS_DEMO=off for real use)\n`)
    }
  }
  const app = await buildApp(config, db, systemClock, { dataKey })
  await app.warmStaticFiles()
  const checkpointer = startCheckpointer(db, config.databasePath)
  const stop = async (signal: string) => {
    app.log.info({ signal }, 'shutting down')
    await checkpointer.stop()
    await app.close()
    process.exit(0)
  }
  process.once('SIGINT', () => { void stop('SIGINT') })
  process.once('SIGTERM', () => { void stop('SIGTERM') })
  await app.listen({ port: config.port, host: config.host })
  console.log(`GuardPass is serving ${config.publicUrl.href} (listening on ${config.host}:${config.port})`)
}

async function userCommand (config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args
  const { values } = parseArgs({
    args: rest,
    options: {
      role: { type: 'string' },
      username: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      enterprise: { type: 'string' },
      jurisdiction: { type: 'string' }
    },
    strict: true
  })
  if (!values.username) throw new UsageError('--username is required')
  const db = openMigrated(config)
  const now = systemClock.now()
  try {
    if (sub === 'create') {
      const role = values.role as Role
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: pipe the password in, so it stays out of the shell history')
      const enterprise = values.enterprise ? findEnterpriseByCreditCode(db, values.enterprise.trim().toUpperCase()) : undefined
      const jurisdiction = values.jurisdiction ? findJurisdictionByCode(db, values.jurisdiction.trim().toUpperCase()) : undefined
      if (values.enterprise && !enterprise) throw new UsageError(`no enterprise has the credit code ${values.enterprise}`)
      if (values.jurisdiction && !jurisdiction) throw new UsageError(`no jurisdiction has the code ${values.jurisdiction}`)
      if (role === 'trainer' && !enterprise) throw new UsageError('a trainer needs --enterprise <credit code>')
      if (role === 'police' && !jurisdiction) throw new UsageError('a police officer needs --jurisdiction <code>')
      if (role === 'trainee') throw new UsageError('trainees are added by their trainer (roster), not from the command line')
      if (findUserByUsername(db, values.username)) throw new UsageError(`the username ${values.username} is taken`)
      if (!/^[a-z0-9._-]{2,64}$/i.test(values.username)) throw new UsageError('a username has 2 to 64 letters, digits, dots, hyphens or underscores')
      const password = await readStdin()
      const problem = checkNewPassword(password, values.username)
      if (problem) throw new UsageError(`the password is not acceptable (${problem}): use at least 8 characters, not the username, not a common password`)
      const hash = await hashPassword(password)
      db.transaction((tx) => {
        const user = insertUser(tx, {
          username: values.username!, displayName: values.name ?? values.username!, passwordHash: hash, role,
          enterpriseId: role === 'trainer' ? enterprise?.id : null, jurisdictionId: role === 'police' ? jurisdiction?.id : null
        }, now)
        recordAudit(tx, { actorId: null, action: 'account.created', subjectType: 'user', subjectId: user.id, details: { username: user.username, role, via: 'cli' } }, now)
      }, { behavior: 'immediate' })
      console.log(`Created ${role} account ${values.username}.`)
    } else if (sub === 'disable' || sub === 'enable') {
      const user = findUserByUsername(db, values.username)
      if (!user) throw new UsageError(`no account is called ${values.username}`)
      const status = sub === 'disable' ? 'disabled' : 'active'
      setStatus(db, user.id, status, { actorId: null, action: `account.${sub}d`, subjectType: 'user', subjectId: user.id, details: { via: 'cli' } }, now)
      console.log(`Account ${user.username} is now ${status}.`)
    } else {
      throw new UsageError('user takes create, disable or enable')
    }
  } finally {
    db.$client.close()
  }
}

async function backup (config: Config, dir: string | undefined): Promise<void> {
  if (!dir) throw new UsageError('backup needs a folder: npm run guardpass -- backup <dir>')
  if (!fs.existsSync(config.databasePath)) throw new UsageError(`there is no database at ${config.databasePath}`)
  fs.mkdirSync(dir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const dest = path.resolve(dir, `guardpass-${stamp}.db`)
  const db = openDatabase(config.databasePath)
  try {
    await db.$client.backup(dest)
  } finally {
    db.$client.close()
  }
  console.log(`Database backed up to ${dest}`)
  const keyFile = keyFilePath(config.databasePath)
  if (config.dataKey) {
    console.log('The data key comes from GUARDPASS_DATA_KEY: keep a copy of it with this backup.')
  } else if (fs.existsSync(keyFile)) {
    const keyDest = path.resolve(dir, path.basename(keyFile))
    fs.copyFileSync(keyFile, keyDest)
    fs.chmodSync(keyDest, 0o600)
    console.log(`Data key copied to ${keyDest}: store it as carefully as the database.`)
  }
}

function bankCommand (config: Config, args: string[]): number {
  const [sub, ...rest] = args
  const out = (s: string) => console.log(s)
  const positional = rest.filter((a) => !a.startsWith('--'))
  const dir = positional[0] ?? DEFAULT_BANK_DIR
  switch (sub) {
    case 'validate': return validateCommand(dir, out)
    case 'stats': return statsCommand(dir, rest.includes('--json'), out)
    case 'publish': {
      const db = openMigrated(config)
      try { return publishCommand(db, dir, systemClock.now(), out) } finally { db.$client.close() }
    }
    case 'diff': {
      const db = openMigrated(config)
      try { return diffCommand(db, positional[0], positional[1], out) } finally { db.$client.close() }
    }
    default: throw new UsageError('bank takes validate, publish, diff or stats')
  }
}

export async function main (argv: string[]): Promise<number> {
  const [command, ...args] = argv
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    console.log(HELP)
    return 0
  }
  let config: Config
  try {
    config = loadConfig(process.env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      return 1
    }
    throw err
  }
  try {
    switch (command) {
      case 'serve': await serve(config); return -1
      case 'migrate': openMigrated(config).$client.close(); console.log('Database is up to date.'); return 0
      case 'user': await userCommand(config, args); return 0
      case 'backup': await backup(config, args[0]); return 0
      case 'bank': return bankCommand(config, args)
      default: throw new UsageError(`unknown command "${command}"; see --help`)
    }
  } catch (err) {
    if (err instanceof StartError) {
      console.error(`guardpass: cannot start: ${err.message}`)
      return 1
    }
    if (err instanceof UsageError || (err instanceof TypeError && (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) {
      console.error(`guardpass: ${err.message}`)
      return 2
    }
    throw err
  }
}

const code = await main(process.argv.slice(2))
if (code >= 0) process.exit(code)
