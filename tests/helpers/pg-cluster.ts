// A throw-away PostgreSQL cluster for the tests and the bench: initdb into a temporary directory,
// started with pg_ctl on a Unix socket in that directory (no TCP port, so nothing clashes with
// another run), stopped and deleted at the end. Debian's `postgresql` package provides the
// binaries (scripts/test-deps.sh installs it in CI). initdb refuses to run as root: as root the
// cluster belongs to the `postgres` user the package creates.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface PgCluster {
  /** The socket directory: also the cluster's home (data/ inside it). */
  dir: string
  /** A connection URL for `database` on this cluster (default: the `postgres` database). */
  url(database?: string): string
  stop(): void
}

export interface ClusterOptions {
  /**
   * Tests run with fsync off (a crash loses a throw-away cluster anyway); the bench keeps the
   * defaults (every commit synced, as SQLite's synchronous = FULL is), so its figures mean something.
   */
  durable?: boolean
  /** Extra server settings, name to value. */
  settings?: Record<string, string>
}

/** The newest installed server's bin directory (PG_BIN overrides). */
export function pgBinDir (): string {
  if (process.env.PG_BIN) return process.env.PG_BIN
  const root = '/usr/lib/postgresql'
  const versions = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : []
  for (const v of versions) {
    const bin = path.join(root, v, 'bin')
    if (fs.existsSync(path.join(bin, 'pg_ctl'))) return bin
  }
  throw new Error('PostgreSQL is not installed: the PostgreSQL tests need Debian\'s postgresql package (apt-get install -y postgresql), or PG_BIN set to its bin directory')
}

const asRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Runs a server binary as the cluster's owner: `postgres` when we are root, else ourselves. */
function runPg (bin: string, args: string[]): string {
  const [cmd, argv] = asRoot() ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args]
  return execFileSync(cmd, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
}

export function startCluster (options: ClusterOptions = {}): PgCluster {
  const bin = pgBinDir()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guardpass-pg-'))
  if (asRoot()) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim())
    fs.chownSync(dir, uid, gid)
  }
  const data = path.join(dir, 'data')
  const settings: Record<string, string> = {
    listen_addresses: "''",
    unix_socket_directories: `'${dir}'`,
    max_connections: '200',
    shared_buffers: '128MB',
    ...(options.durable ? {} : { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }),
    ...options.settings
  }
  try {
    runPg(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'])
    const opts = Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`).join(' ')
    runPg(path.join(bin, 'pg_ctl'), ['-D', data, '-o', opts, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start'])
  } catch (err) {
    const log = fs.existsSync(path.join(dir, 'server.log')) ? fs.readFileSync(path.join(dir, 'server.log'), 'utf8') : ''
    fs.rmSync(dir, { recursive: true, force: true })
    const e = err as { stderr?: string, message: string }
    throw new Error(`could not start a PostgreSQL cluster: ${e.stderr ?? e.message}\n${log}`)
  }
  let stopped = false
  return {
    dir,
    url: (database = 'postgres') => `postgres://postgres@/${encodeURIComponent(database)}?host=${encodeURIComponent(dir)}`,
    stop () {
      if (stopped) return
      stopped = true
      try { runPg(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']) } catch { /* already down */ }
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }
}
