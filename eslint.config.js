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

// Query functions (db/engine.ts): generators declared to return Q<…>, found in the sources. Calling
// one only makes a generator: nothing runs until exec(), transaction(), runSync() or yield* drives
// it, so a call used any other way is a statement silently never run.
function queryFunctionNames (dir) {
  const names = new Set()
  if (!fs.existsSync(dir)) return names
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    // The engine's own steps (all, one, run, attempt) are always yield*-ed, and their names are common words.
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name === 'engine.ts') continue
    const text = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8')
    for (const m of text.matchAll(/function\s*\*\s*(\w+)\s*(?:<[^>(]*>)?\s*\(/g)) {
      let depth = 1
      let i = m.index + m[0].length
      while (depth > 0 && i < text.length) { if (text[i] === '(') depth++; else if (text[i] === ')') depth--; i++ }
      if (/^\s*:\s*Q</.test(text.slice(i, i + 20))) names.add(m[1])
    }
  }
  return names
}
const queryFunctions = queryFunctionNames(path.join(root, 'src'))
const unrunQuery = {
  meta: { type: 'problem', messages: { unrun: '{{name}} is a query function: its statements run only through exec() or transaction() (app.exec, app.transaction), runSync(), or yield* inside another.' } },
  create (context) {
    return {
      CallExpression (node) {
        if (node.callee.type !== 'Identifier' || !queryFunctions.has(node.callee.name)) return
        const parent = node.parent
        if (parent.type === 'YieldExpression' && parent.delegate) return
        if (parent.type === 'CallExpression' && parent.callee.type === 'Identifier' && parent.callee.name === 'runSync') return
        // A function that hands the generator on (a body factory) returns it: fine outside a generator.
        const enclosing = context.sourceCode.getAncestors(node).reverse().find((a) => a.type.includes('Function'))
        if ((parent.type === 'ReturnStatement' || parent.type === 'ArrowFunctionExpression') && enclosing && !enclosing.generator) return
        context.report({ node, messageId: 'unrun', data: { name: node.callee.name } })
      }
    }
  }
}

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
  },
  {
    files: ['**/*.ts'],
    plugins: { guardpass: { rules: { 'unrun-query': unrunQuery } } },
    rules: { 'guardpass/unrun-query': 'error' }
  }
]
