// Lint: neostandard's style, and the architecture's boundaries (STYLE.md 1 and 3).
// `npm run lint` runs it from the project root; the boundary rules read the areas
// under ./src/features of the folder eslint runs in, so the lint test can run this
// same file on its fixture project.
import fs from 'node:fs'
import path from 'node:path'
import neostandard from 'neostandard'
import globals from 'globals'
import importX from 'eslint-plugin-import-x'
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript'

const root = process.cwd()
const featuresDir = path.join(root, 'src', 'features')
const areas = fs.existsSync(featuresDir)
  ? fs.readdirSync(featuresDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  : []

const PAST_INDEX = 'An area imports another area only through its index.ts.'

// One zone per area: from inside ./src/features/<area>, any other area is off limits but its index.ts.
const areaZones = areas.map((area) => ({
  target: `./src/features/${area}`,
  from: './src/features',
  except: [`./${area}`, ...areas.filter((other) => other !== area).map((other) => `./${other}/index.ts`)],
  message: PAST_INDEX
}))

// The cross-cutting layers stay below the areas; the entry points (app.ts, main.ts) reach an
// area through its index.ts too, so every file of an area that runs is reachable from its
// index.ts and no-cycle, which follows files, sees every cycle between areas.
const layerZones = [
  { target: './src/*.ts', from: './src/features', except: areas.map((area) => `./${area}/index.ts`), message: PAST_INDEX },
  { target: ['./src/http', './src/lib', './src/i18n'], from: './src/features', message: 'http, lib and i18n sit below the areas: pass what they need in (see the session plugin).' },
  { target: './src/lib', from: './src/http', message: 'lib holds small pure helpers; it does not depend on the HTTP layer.' },
  // Routes are HTTP only (STYLE.md 3): they call the area's queries, never the database.
  { target: './src/features/*/routes*.ts', from: './src/db', message: 'Routes never import the database: call the area\'s queries.' }
]

export default [
  ...neostandard({
    ts: true,
    ignores: ['dist/**', 'node_modules/**', 'test-artifacts/**', 'static/vendor/**', 'tests/fixtures/lint/**']
  }),
  {
    rules: {
      // The code lists a row's columns several to a line (`{ id, name,\n  code }`); one property
      // per line would double the length of every query and seed without making it clearer.
      '@stylistic/object-property-newline': 'off'
    }
  },
  {
    // The browser scripts: plain scripts loaded by the layout, no build step.
    files: ['static/**/*.js'],
    languageOptions: { globals: { ...globals.browser, htmx: 'readonly' }, sourceType: 'script' },
    rules: { 'no-var': 'off' }
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    ignores: ['static/**'],
    plugins: { 'import-x': importX },
    settings: {
      // import-x parses imported .ts files (to follow cycles) with the TypeScript parser.
      'import-x/extensions': ['.ts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      // Imports are written `../x.js` for `../x.ts` (ESM as Node runs it); this resolver maps them.
      'import-x/resolver-next': [createTypeScriptImportResolver({ alwaysTryTypes: true, project: path.join(root, 'tsconfig.json') })]
    },
    rules: {
      'import-x/no-unresolved': 'error',
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...areaZones, ...layerZones] }]
    }
  },
  {
    files: ['src/features/*/routes.ts', 'src/features/*/routes-*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'Routes never import drizzle or the database: call the area\'s queries.' }]
      }]
    }
  }
]
