import { maskIdNumber, ageOn } from '../../lib/id-checksums.js'
import { mustNotBeOnDuty } from './people.js'
import type { PersonRow } from './queries.js'

export interface PersonView extends Omit<PersonRow, 'idNumberEnc'> {
  /** Masked, or in full where DESIGN.md allows (the trainee, the trainer editing). */
  idNumber: string
  age: number
  minor: boolean
  flagged: boolean
}

/** What templates get for a person: the ID number decrypted only to mask it (or in full when allowed). */
export function personView (row: PersonRow, decrypt: (s: string) => string, today: string, opts: { fullId?: boolean } = {}): PersonView {
  const { idNumberEnc, ...rest } = row
  const id = decrypt(idNumberEnc)
  const age = ageOn(row.birthDate, today)
  return { ...rest, idNumber: opts.fullId ? id : maskIdNumber(id), age, minor: age < 18, flagged: mustNotBeOnDuty(row.dutyStatus, row.certificateStatus) }
}
