import path from 'node:path'
import { spawn } from 'node:child_process'

const ROOT = path.resolve(import.meta.dirname, '../..')

export interface CliResult { code: number, stdout: string, stderr: string }

/** Runs `guardpass <args>` from the sources (tsx) on a database, with what it prints and its exit code. */
export function runCli (args: string[], opts: { dbPath: string, input?: string, env?: Record<string, string>, timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/main.ts'), ...args], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_PATH: opts.dbPath, LOG_LEVEL: 'silent', GUARDPASS_DEMO: 'off', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 20_000
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => { stdout += d })
    child.stderr.on('data', (d) => { stderr += d })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(opts.input ?? '')
  })
}
