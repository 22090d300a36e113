import fs from 'node:fs'
import path from 'node:path'

const MAX_FILE = 2 * 1024 * 1024

/** Reads every file of a bank folder into memory, keyed by its path relative to the folder with "/" separators. */
export function readBankDir (dir: string): Map<string, string> {
  const files = new Map<string, string>()
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`${dir} is not a folder`)
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const full = path.join(entry.parentPath, entry.name)
    const rel = path.relative(dir, full).split(path.sep).join('/')
    if (rel.split('/').some((part) => part.startsWith('.'))) continue
    if (!/\.(ya?ml|md)$/.test(rel)) continue
    if (fs.statSync(full).size > MAX_FILE) throw new Error(`${rel} is larger than 2 MB`)
    files.set(rel, fs.readFileSync(full, 'utf8'))
  }
  return files
}
