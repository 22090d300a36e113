#!/usr/bin/env node
// The command line: the only place that reads process.env. `serve` is in server.ts,
// backup, restore and rekey in operations.ts.
import { parseArgs } from 'node:util'
import { loadConfig, ConfigError, type Config } from './config.js'
import { systemClock } from './lib/clock.js'
import { exec, transaction } from './db/engine.js'
import { closeDatabase } from './db/connection.js'
import { ROLES, type Role, insertUser, findUserByUsername, hashPassword, checkNewPassword, setStatus } from './features/auth/index.js'
import { writeAudit } from './features/audit/index.js'
import { findEnterpriseByCreditCode, findJurisdictionByCode } from './features/orgs/index.js'
import { DEFAULT_BANK_DIR, validateCommand, publishCommand, diffCommand, statsCommand } from './features/bank/index.js'
import { createLogger } from './http/logging.js'
import { startServer, stopOnSignals, openMigrated, StartError } from './server.js'
import { backup, restore, rekey, migrateToPostgres, Refusal } from './operations.js'
import { rebuildReadiness, sweepDueReadiness, countStale } from './features/readiness/index.js'

const HELP = `GuardPass: training and mock examinations for property security guards.

Usage: guardpass <command> [options]   (in a checkout: npm run guardpass -- <command> [options])

Commands:
  serve                         start the web server (npm start does this)
  migrate                       create or update the database schema and stop
  user create --role <role> --username <name> --password-stdin [--name <display name>]
                                [--enterprise <credit code>] [--jurisdiction <code>]
                                create an account; the password is read from standard input
  user disable --username <name>
  user enable --username <name>
  backup <dir>                  online backup (safe while serving) into <dir>/guardpass-<time>/:
                                the database, its data key file and the demo accounts file
  restore <dir> [--force]       put a backup folder in place of the database (the server stopped;
                                --force to replace an existing database)
  rekey                         rotate the data key: re-encrypt every ID number (the server stopped)
  migrate-to-postgres --to <postgres://…> [--from <file>]
                                copy a SQLite deployment (default: DATABASE_PATH) into a new, empty
                                PostgreSQL database in one transaction, checking every table's row count
                                and the data key (the server stopped); exit code 2: refused, nothing changed
  bank validate [dir]           check the question bank (default: question-bank/), every problem with file and line
  bank publish [dir]            import the bank as a new release (new versions for changed content)
  bank diff <from> <to>         what changed between two published releases
  bank stats [dir] [--json]     counts by domain, topic, type and difficulty
  readiness rebuild             work out everyone's stored readiness again from the rules, 200 people
                                a transaction (safe while serving; the server also does it after a rule change)
  readiness sweep               work out the readiness of the people whose next change by date has come
                                (the server does this on its own every minute)
  help                          this text

Roles: ${ROLES.join(', ')}.
Configuration comes from the environment; see README.md and .env.example.`

class UsageError extends Error {}

/** Command output: plain lines for the operator (the server's logs are JSON, see server.ts). */
const out = (line: string) => console.log(line)

async function readStdin (): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
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
  const db = await openMigrated(config)
  const now = systemClock.now()
  try {
    if (sub === 'create') {
      const role = values.role as Role
      if (!ROLES.includes(role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`)
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: pipe the password in, so it stays out of the shell history')
      const enterprise = values.enterprise ? await exec(db, findEnterpriseByCreditCode, values.enterprise.trim().toUpperCase()) : undefined
      const jurisdiction = values.jurisdiction ? await exec(db, findJurisdictionByCode, values.jurisdiction.trim().toUpperCase()) : undefined
      if (values.enterprise && !enterprise) throw new UsageError(`no enterprise has the credit code ${values.enterprise}`)
      if (values.jurisdiction && !jurisdiction) throw new UsageError(`no jurisdiction has the code ${values.jurisdiction}`)
      if (role === 'trainer' && !enterprise) throw new UsageError('a trainer needs --enterprise <credit code>')
      if (role === 'police' && !jurisdiction) throw new UsageError('a police officer needs --jurisdiction <code>')
      if (role === 'trainee') throw new UsageError('trainees are added by their trainer (roster), not from the command line')
      if (await exec(db, findUserByUsername, values.username)) throw new UsageError(`the username ${values.username} is taken`)
      if (!/^[a-z0-9._-]{2,64}$/i.test(values.username)) throw new UsageError('a username has 2 to 64 letters, digits, dots, hyphens or underscores')
      const password = await readStdin()
      const problem = checkNewPassword(password, values.username)
      if (problem) throw new UsageError(`the password is not acceptable (${problem}): use at least 8 characters, not the username, not a common password`)
      const hash = await hashPassword(password)
      await transaction(db, function * (tx) {
        const user = yield * insertUser(tx, {
          username: values.username!, displayName: values.name ?? values.username!, passwordHash: hash, role,
          enterpriseId: role === 'trainer' ? enterprise?.id : null, jurisdictionId: role === 'police' ? jurisdiction?.id : null
        }, now)
        yield * writeAudit(tx, { actorId: null, action: 'account.created', subjectType: 'user', subjectId: user.id, details: { username: user.username, role, via: 'cli' } }, now)
      })
      console.log(`Created ${role} account ${values.username}.`)
    } else if (sub === 'disable' || sub === 'enable') {
      const user = await exec(db, findUserByUsername, values.username)
      if (!user) throw new UsageError(`no account is called ${values.username}`)
      const status = sub === 'disable' ? 'disabled' : 'active'
      await transaction(db, setStatus, user.id, status, { actorId: null, action: `account.${sub}d`, subjectType: 'user', subjectId: user.id, details: { via: 'cli' } }, now)
      console.log(`Account ${user.username} is now ${status}.`)
    } else {
      throw new UsageError('user takes create, disable or enable')
    }
  } finally {
    await closeDatabase(db)
  }
}

async function bankCommand (config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  const positional = rest.filter((a) => !a.startsWith('--'))
  const dir = positional[0] ?? DEFAULT_BANK_DIR
  switch (sub) {
    case 'validate': return validateCommand(dir, out)
    case 'stats': return statsCommand(dir, rest.includes('--json'), out)
    case 'publish': {
      const db = await openMigrated(config)
      try { return await publishCommand(db, dir, systemClock.now(), out) } finally { await closeDatabase(db) }
    }
    case 'diff': {
      const db = await openMigrated(config)
      try { return await diffCommand(db, positional[0], positional[1], out) } finally { await closeDatabase(db) }
    }
    default: throw new UsageError('bank takes validate, publish, diff or stats')
  }
}

async function readinessCommand (config: Config, args: string[]): Promise<number> {
  const [sub, ...rest] = args
  if (rest.length > 0 || (sub !== 'rebuild' && sub !== 'sweep')) throw new UsageError('readiness takes rebuild or sweep')
  const db = await openMigrated(config)
  try {
    const started = Date.now()
    const n = sub === 'rebuild' ? await rebuildReadiness(db, systemClock, config.timeZone) : await sweepDueReadiness(db, systemClock, config.timeZone)
    out(`Readiness worked out for ${n} ${n === 1 ? 'person' : 'people'} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${await exec(db, countStale)} still of older rules.`)
    return 0
  } finally {
    await closeDatabase(db)
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
      case 'serve': {
        const log = createLogger(config.logLevel)
        try {
          stopOnSignals(await startServer(config, log))
        } catch (err) {
          if (!(err instanceof StartError)) throw err
          log.fatal({ reason: err.message }, `cannot start: ${err.message}`)
          return 1
        }
        return -1
      }
      case 'migrate': await closeDatabase(await openMigrated(config)); console.log('Database is up to date.'); return 0
      case 'user': await userCommand(config, args); return 0
      case 'backup':
        if (!args[0]) throw new UsageError('backup needs a folder: guardpass backup <dir>')
        await backup(config, args[0], out)
        return 0
      case 'restore': {
        const { values, positionals } = parseArgs({ args, options: { force: { type: 'boolean' } }, allowPositionals: true, strict: true })
        if (positionals.length !== 1) throw new UsageError('restore needs one backup folder: guardpass restore <dir> [--force]')
        await restore(config, positionals[0]!, values.force === true, out)
        return 0
      }
      case 'rekey':
        if (args.length > 0) throw new UsageError('rekey takes no arguments')
        await rekey(config, out)
        return 0
      case 'migrate-to-postgres': {
        const { values, positionals } = parseArgs({ args, options: { from: { type: 'string' }, to: { type: 'string' } }, allowPositionals: true, strict: true })
        if (positionals.length > 0 || !values.to) throw new UsageError('migrate-to-postgres needs --to: guardpass migrate-to-postgres --from ./data/guardpass.db --to postgres://user:password@host/database')
        await migrateToPostgres(config, values.from ?? config.databasePath, values.to, out)
        return 0
      }
      case 'bank': return await bankCommand(config, args)
      case 'readiness': return await readinessCommand(config, args)
      default: throw new UsageError(`unknown command "${command}"; see --help`)
    }
  } catch (err) {
    if (err instanceof Refusal) {
      console.error(`guardpass: refused: ${err.message}`)
      return err.exitCode
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
