import fs from 'node:fs'
import path from 'node:path'
import { randomBytes, createHash } from 'node:crypto'

export const KEY_FILE_NAME = 'guardpass.key'

export function keyFilePath (databasePath: string): string {
  return path.join(path.dirname(databasePath), KEY_FILE_NAME)
}

/**
 * The 32-byte key that encrypts and hashes personal data. From configuration if
 * given; otherwise from the key file beside the database, created on first start.
 */
export function loadDataKey (databasePath: string, configured: string | undefined): { key: Buffer, source: 'config' | 'file', file?: string, created: boolean } {
  if (configured) return { key: Buffer.from(configured, 'hex'), source: 'config', created: false }
  const file = keyFilePath(databasePath)
  if (fs.existsSync(file)) {
    const hex = fs.readFileSync(file, 'utf8').trim()
    if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`The key file ${file} is damaged: it must hold 64 hexadecimal characters.`)
    return { key: Buffer.from(hex, 'hex'), source: 'file', file, created: false }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const key = randomBytes(32)
  fs.writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' })
  return { key, source: 'file', file, created: true }
}

/** A short public fingerprint of the key, stored with the data to detect a wrong key. */
export function keyFingerprint (key: Buffer): string {
  return createHash('sha256').update('guardpass-key-fingerprint').update(key).digest('hex').slice(0, 16)
}
