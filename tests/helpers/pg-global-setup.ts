// The integration project's global setup: one throw-away PostgreSQL cluster for the whole run
// (starting one takes a second or two); each test that needs PostgreSQL makes its own database
// in it (tests/helpers/pg.ts), so tests stay independent.
import type { TestProject } from 'vitest/node'
import { startCluster } from './pg-cluster.js'

declare module 'vitest' {
  export interface ProvidedContext { pgSocketDir: string }
}

export default function setup (project: TestProject): () => void {
  const cluster = startCluster()
  project.provide('pgSocketDir', cluster.dir)
  return () => cluster.stop()
}
