import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { describe, test, expect } from 'vitest'
import semver from 'semver'

// What `npm install` says to a newcomer on a supported Node version: no engine warning, no
// install script left unreviewed. Read from package.json and the lockfile npm installs from.
const ROOT = path.resolve(import.meta.dirname, '../../..')
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }, overrides: Record<string, string>, allowScripts: Record<string, boolean> }
const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string, engines?: { node?: string } | string[], hasInstallScript?: boolean }> }
const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length)

// The lowest release of each Node line package.json admits, and the one running the tests.
const SUPPORTED = ['20.19.0', '22.13.0', '24.0.0', process.versions.node]

describe('npm install on a supported Node version', () => {
  test('package.json admits exactly the Node versions it is tested against', () => {
    for (const v of SUPPORTED) expect(semver.satisfies(v, pkg.engines.node), v).toBe(true)
    for (const v of ['18.20.0', '20.18.1', '21.7.0', '22.12.0']) expect(semver.satisfies(v, pkg.engines.node), v).toBe(false)
  })

  test('every installed package accepts them all (npm would warn EBADENGINE otherwise)', () => {
    const refusing: string[] = []
    for (const [key, p] of Object.entries(lock.packages)) {
      const range = !Array.isArray(p.engines) ? p.engines?.node : undefined
      if (!key || !range) continue
      for (const v of SUPPORTED) if (!semver.satisfies(v, range)) refusing.push(`${nameOf(key)}@${p.version} wants node ${range}, not ${v}`)
    }
    expect(refusing).toEqual([])
  })

  test('cookie is pinned to 1.1.1 (2.x wants Node 22) and offers what @fastify/cookie and light-my-request call', async () => {
    expect(pkg.overrides.cookie).toBe('1.1.1')
    const locked = Object.entries(lock.packages).filter(([key]) => nameOf(key) === 'cookie').map(([, p]) => p.version)
    expect(new Set(locked)).toEqual(new Set(['1.1.1']))
    const require = createRequire(path.join(ROOT, 'node_modules/@fastify/cookie/index.js'))
    const cookie = require('cookie') as { parseCookie: (s: string) => Record<string, string>, stringifySetCookie: (c: { name: string, value: string, httpOnly?: boolean }) => string }
    expect(cookie.parseCookie('gp_session=abc.def; gp_lang=zh')).toEqual({ gp_session: 'abc.def', gp_lang: 'zh' })
    expect(cookie.stringifySetCookie({ name: 'gp_flash', value: 'k=flash.saved&n=李', httpOnly: true })).toBe('gp_flash=k%3Dflash.saved%26n%3D%E6%9D%8E; HttpOnly')
  })

  test('every package with an install script is reviewed in allowScripts (npm warns about the others)', () => {
    const withScripts = [...new Set(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript).map(([key]) => nameOf(key)))]
    expect(withScripts.length).toBeGreaterThan(0)
    expect(withScripts.filter((n) => pkg.allowScripts[n] === undefined)).toEqual([])
  })
})
