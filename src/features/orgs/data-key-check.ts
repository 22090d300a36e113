import { eq } from 'drizzle-orm'
import type { Db } from '../../db/connection.js'
import { all, exec, one, run, transaction, type Q } from '../../db/engine.js'
import { trainees, photos, messageAttachments } from '../../db/schema.js'
import { keyFingerprint } from '../../lib/data-key.js'
import { createPii } from '../../lib/pii.js'
import { writeAudit } from '../audit/index.js'
import { countTrainees, readSetting, writeSetting } from './queries.js'

const FINGERPRINT = 'data_key_fingerprint'
/** The setting that holds the data key's fingerprint (what a data move reads on the other engine). */
export const DATA_KEY_SETTING = FINGERPRINT

const WRONG_KEY = 'The data key does not match the one this database was encrypted with (fingerprints differ). Restore the key file that belongs to this database.'
const NO_FINGERPRINT = 'The database holds encrypted personal data but no key fingerprint. Restore the key file that belongs to this database.'

/**
 * Whether `key` fits a database whose stored fingerprint is `stored`: an error sentence, or null.
 * A database without a fingerprint fits any key unless it holds encrypted personal data.
 */
export function dataKeyProblem (stored: string | undefined, holdsEncryptedData: boolean, key: Buffer): string | null {
  if (stored) return stored === keyFingerprint(key) ? null : WRONG_KEY
  return holdsEncryptedData ? NO_FINGERPRINT : null
}

/** Whether encrypted personal data exists at all (a missing key file is then fatal). */
export function * holdsEncryptedData (db: Db): Q<boolean> {
  return (yield * countTrainees(db)) > 0 || (yield * one(db.select({ id: photos.id }).from(photos).limit(1))) !== undefined
}

/**
 * Start-up check that the data key is the one the database's personal data was encrypted with,
 * a transaction body (it records the key's fingerprint on first use): an error sentence for the
 * operator, or null when the key fits. The fingerprint is worked out before (pure CPU).
 */
export function * checkDataKey (db: Db, key: Buffer): Q<string | null> {
  const stored = yield * readSetting(db, FINGERPRINT)
  const problem = dataKeyProblem(stored, !stored && (yield * countTrainees(db)) > 0, key)
  if (problem) return problem
  if (!stored) yield * writeSetting(db, FINGERPRINT, keyFingerprint(key))
  return null
}

/**
 * The two start-up questions on one database, awaited (server start, the CLI, benches and tests):
 * `holdsEncryptedData` read with exec, `check` run as one transaction.
 */
export function createPiiCheck (db: Db) {
  return {
    holdsEncryptedData: (): Promise<boolean> => exec(db, holdsEncryptedData),
    check: (key: Buffer): Promise<string | null> => transaction(db, checkDataKey, key)
  }
}

/**
 * A data key rotation: every ID number decrypted with the old key and encrypted
 * with the new one, its look-up hash recomputed with the new key, each photo
 * file's own key re-encrypted (the files themselves stay as they are), and the
 * new key's fingerprint recorded: a transaction body (all or nothing). Returns
 * how many people were re-encrypted. The decryption and encryption inside are
 * pure CPU on rows the same transaction read (no I/O), so a rerun repeats them.
 */
export function * rotateDataKey (db: Db, from: Buffer, to: Buffer, now: Date): Q<number> {
  const before = createPii(from)
  const after = createPii(to)
  const rows = yield * all(db.select({ id: trainees.id, enc: trainees.idNumberEnc }).from(trainees))
  for (const row of rows) {
    const idNumber = before.decrypt(row.enc)
    yield * run(db.update(trainees).set({ idNumberEnc: after.encrypt(idNumber), idNumberHmac: after.hash(idNumber) }).where(eq(trainees.id, row.id)))
  }
  const files = yield * all(db.select({ id: photos.id, keyEnc: photos.keyEnc }).from(photos))
  for (const f of files) yield * run(db.update(photos).set({ keyEnc: after.encrypt(before.decrypt(f.keyEnc)) }).where(eq(photos.id, f.id)))
  const attached = yield * all(db.select({ id: messageAttachments.id, keyEnc: messageAttachments.keyEnc }).from(messageAttachments))
  for (const f of attached) yield * run(db.update(messageAttachments).set({ keyEnc: after.encrypt(before.decrypt(f.keyEnc)) }).where(eq(messageAttachments.id, f.id)))
  yield * writeSetting(db, FINGERPRINT, keyFingerprint(to))
  yield * writeAudit(db, { actorId: null, action: 'data-key.rotated', details: { people: rows.length, photos: files.length + attached.length, via: 'cli' } }, now)
  return rows.length
}

/** The fingerprint of the key a database's personal data is encrypted with, if recorded. */
export function * storedKeyFingerprint (db: Db): Q<string | undefined> {
  return yield * readSetting(db, FINGERPRINT)
}
