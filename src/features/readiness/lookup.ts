/**
 * The reason a police officer gives for looking a person up by ID number
 * (pure). It is written to the audit log, so it must say something: at least
 * two Chinese characters ("现场检查", "核查") or four letters of another script,
 * and not only digits, punctuation or symbols.
 */
export const PURPOSE_MIN_HAN = 2
export const PURPOSE_MIN_LETTERS = 4

export function purposeProblem (purpose: string): 'lookup.purpose-short' | null {
  const han = purpose.match(/\p{Script=Han}/gu)?.length ?? 0
  const letters = purpose.match(/(?!\p{Script=Han})\p{L}/gu)?.length ?? 0
  return han >= PURPOSE_MIN_HAN || letters >= PURPOSE_MIN_LETTERS ? null : 'lookup.purpose-short'
}
