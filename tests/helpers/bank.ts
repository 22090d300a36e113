import path from 'node:path'
import { readBankDir } from '../../src/features/bank/files.js'

export const SMALL_BANK = path.resolve(import.meta.dirname, '../fixtures/bank-small')

/** The small fixture bank's files, to change in memory for one test. */
export function smallBank (): Map<string, string> {
  return readBankDir(SMALL_BANK)
}

/** Replaces the first occurrence of `from` in one file; fails loudly if it is not there. */
export function edit (files: Map<string, string>, file: string, from: string | RegExp, to: string): Map<string, string> {
  const text = files.get(file)
  if (text === undefined) throw new Error(`no file ${file}`)
  const next = text.replace(from, to)
  if (next === text) throw new Error(`${String(from)} not found in ${file}`)
  files.set(file, next)
  return files
}
