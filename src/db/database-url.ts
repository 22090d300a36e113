/** Whether a DATABASE_URL selects PostgreSQL (postgres:// or postgresql://); anything else is SQLite's. */
export function isPostgresUrl (url: string | undefined): boolean {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url.trim())
}
