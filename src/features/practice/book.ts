/**
 * The wrong-answer book (错题本), pure. A miss from any source puts a question
 * in it; it leaves after `exitAfter` right answers in a row (a setting, 2 by
 * default) or when the trainee removes it. Leaving ends its review schedule.
 */
export const DEFAULT_BOOK_EXIT = 2

export interface BookState { inBook: boolean, streak: number, misses: number }

export function bookAfter (s: BookState, right: boolean, exitAfter: number): BookState & { left: boolean } {
  if (!right) return { inBook: true, streak: 0, misses: s.misses + 1, left: false }
  const streak = s.streak + 1
  const left = s.inBook && streak >= exitAfter
  return { inBook: s.inBook && !left, streak, misses: s.misses, left }
}
