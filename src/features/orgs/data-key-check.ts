import { eq } from 'drizzle-orm'
import type { Db, DbOrTx } from '../../db/connection.js'
import { trainees, photos, messageAttachments } from '../../db/schema.js'
import { keyFingerprint } from '../../lib/data-key.js'
import { createPii } from '../../lib/pii.js'
import { recordAudit } from '../audit/index.js'
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

/**
 * Start-up check that the data key is the one the database's personal data was
 * encrypted with. Returns an error sentence for the operator, or null when the
 * key fits (recording its fingerprint on first use).
 */
export function createPiiCheck (db: DbOrTx) {
  return {
    /** Whether encrypted personal data exists at all (a missing key file is then fatal). */
    holdsEncryptedData: () => countTrainees(db) > 0 || db.select({ id: photos.id }).from(photos).limit(1).get() !== undefined,
    check (key: Buffer): string | null {
      const stored = readSetting(db, FINGERPRINT)
      const problem = dataKeyProblem(stored, !stored && countTrainees(db) > 0, key)
      if (problem) return problem
      if (!stored) writeSetting(db, FINGERPRINT, keyFingerprint(key))
      return null
    }
  }
}

/**
 * A data key rotation: every ID number decrypted with the old key and encrypted
 * with the new one, its look-up hash recomputed with the new key, each photo
 * file's own key re-encrypted (the files themselves stay as they are), and the
 * new key's fingerprint recorded, in one transaction (all or nothing). Returns
 * how many people were re-encrypted.
 */
export function rotateDataKey (db: Db, from: Buffer, to: Buffer, now: Date): number {
  const before = createPii(from)
  const after = createPii(to)
  return db.transaction((tx) => {
    const rows = tx.select({ id: trainees.id, enc: trainees.idNumberEnc }).from(trainees).all()
    for (const row of rows) {
      const idNumber = before.decrypt(row.enc)
      tx.update(trainees).set({ idNumberEnc: after.encrypt(idNumber), idNumberHmac: after.hash(idNumber) }).where(eq(trainees.id, row.id)).run()
    }
    const files = tx.select({ id: photos.id, keyEnc: photos.keyEnc }).from(photos).all()
    for (const f of files) tx.update(photos).set({ keyEnc: after.encrypt(before.decrypt(f.keyEnc)) }).where(eq(photos.id, f.id)).run()
    const attached = tx.select({ id: messageAttachments.id, keyEnc: messageAttachments.keyEnc }).from(messageAttachments).all()
    for (const f of attached) tx.update(messageAttachments).set({ keyEnc: after.encrypt(before.decrypt(f.keyEnc)) }).where(eq(messageAttachments.id, f.id)).run()
    writeSetting(tx, FINGERPRINT, keyFingerprint(to))
    recordAudit(tx, { actorId: null, action: 'data-key.rotated', details: { people: rows.length, photos: files.length + attached.length, via: 'cli' } }, now)
    return rows.length
  }, { behavior: 'immediate' })
}

/** The fingerprint of the key a database's personal data is encrypted with, if recorded. */
export function storedKeyFingerprint (db: DbOrTx): string | undefined {
  return readSetting(db, FINGERPRINT)
}
