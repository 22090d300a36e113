// npm run bench [-- --json FILE] [-- --only SECTION] [-- --size S|M|L (the scale section)]
// One benchmark runner for the whole project, a section per area. Every figure
// is reported next to a floor measured in the same run on the same machine, so
// the ratios mean something on a shared, noisy computer.
import fs from 'node:fs'
import { parseArgs } from 'node:util'
import { bankSection } from './bank.js'
import { examsSection } from './exams.js'
import { examsPgSection } from './exams-pg.js'
import { importSection } from './import.js'
import { scaleSection } from './scale.js'
import { practiceSection } from './practice.js'

export interface Figure { name: string, value: number, unit: string, note?: string }
export interface SectionResult { section: string, figures: Figure[], json: Record<string, unknown>, ok: boolean, summary: string }

const SECTIONS: Record<string, () => Promise<SectionResult>> = {
  bank: bankSection,
  exams: examsSection,
  'exams-pg': examsPgSection,
  import: importSection,
  practice: practiceSection,
  scale: scaleSection
}

const { values } = parseArgs({ options: { json: { type: 'string' }, only: { type: 'string' }, size: { type: 'string' } } })
const names = values.only ? [values.only] : Object.keys(SECTIONS)
const results: SectionResult[] = []
for (const name of names) {
  const run = SECTIONS[name]
  if (!run) { console.error(`unknown section ${name}; sections: ${Object.keys(SECTIONS).join(', ')}`); process.exit(2) }
  console.log(`\n== ${name} ==`)
  const r = await run()
  const width = Math.max(...r.figures.map((f) => f.name.length))
  for (const f of r.figures) console.log(`  ${f.name.padEnd(width)}  ${String(f.value).padStart(10)} ${f.unit}${f.note ? `  ${f.note}` : ''}`)
  console.log(`  ${r.ok ? 'PASS' : 'FAIL'}: ${r.summary}`)
  results.push(r)
}
if (values.json) fs.writeFileSync(values.json, JSON.stringify(Object.fromEntries(results.map((r) => [r.section, r.json])), null, 2) + '\n')
process.exit(results.every((r) => r.ok) ? 0 : 1)
