import fs from 'node:fs'
import path from 'node:path'
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { Pii } from '../../lib/pii.js'
import { defaultFilesDir } from '../../config.js'

/**
 * Photo files in the configured files directory (FILES_DIR; by default beside the SQLite file,
 * <database name>-photos/, the rule `photoDir` gives for a database file and its backups):
 * <32 random hex digits>, each encrypted (AES-256-GCM) with a key of its own, which the photos
 * table keeps encrypted with the data key. A name says nothing of what, whom or where; without the
 * database and its key a file is noise. With several app nodes the directory is one they share.
 */
export const photoDir = defaultFilesDir

export interface StoredPhoto { fileName: string, keyEnc: string, size: number }

/** Writes one photo (already stripped) and returns what the database keeps of it. */
export async function writePhotoFile (dir: string, bytes: Buffer, pii: Pii): Promise<StoredPhoto> {
  await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 })
  const fileName = randomBytes(16).toString('hex')
  const key = randomBytes(32)
  const iv = randomBytes(12)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(bytes), cipher.final()])
  const handle = await fs.promises.open(path.join(dir, fileName), 'wx', 0o600)
  try {
    await handle.writeFile(Buffer.concat([iv, cipher.getAuthTag(), body]))
    await handle.sync()
  } finally {
    await handle.close()
  }
  return { fileName, keyEnc: pii.encrypt(key.toString('hex')), size: bytes.length }
}

export async function readPhotoFile (dir: string, photo: { fileName: string, keyEnc: string }, pii: Pii): Promise<Buffer> {
  if (!/^[0-9a-f]{32}$/.test(photo.fileName)) throw new Error('not a photo file name')
  const raw = await fs.promises.readFile(path.join(dir, photo.fileName))
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(pii.decrypt(photo.keyEnc), 'hex'), raw.subarray(0, 12))
  decipher.setAuthTag(raw.subarray(12, 28))
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()])
}

/** Removes files written for a change that did not go through (nothing is kept of a refused upload). */
export async function removePhotoFiles (dir: string, fileNames: readonly string[]): Promise<void> {
  await Promise.all(fileNames.map((f) => fs.promises.rm(path.join(dir, f), { force: true })))
}
