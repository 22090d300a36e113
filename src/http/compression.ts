import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import zlib from 'node:zlib'
import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

/**
 * Fewer bytes to a phone. Static files (Pico, htmx, our CSS and scripts) are
 * compressed once per process, with brotli at its best and gzip, and served
 * from memory by what the browser accepts; pages, fragments, JSON and CSV of
 * more than MIN_BYTES are compressed as they go out, quickly.
 */
export type Encoding = 'br' | 'gzip'

const MIN_BYTES = 1024
const COMPRESSIBLE = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/
const brotli = promisify(zlib.brotliCompress)
const gzip = promisify(zlib.gzip)

/** The encoding to answer with: brotli when accepted, else gzip, else none (q=0 refuses one). */
export function preferredEncoding (acceptEncoding: string | string[] | undefined): Encoding | null {
  const header = Array.isArray(acceptEncoding) ? acceptEncoding.join(',') : acceptEncoding ?? ''
  const accepted = new Map<string, number>()
  for (const part of header.toLowerCase().split(',')) {
    const [name = '', ...params] = part.trim().split(';')
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    if (name) accepted.set(name.trim(), q ? Number(q.slice(2)) || 0 : 1)
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null
}

const addVary = (reply: FastifyReply, field: string) => {
  const vary = String(reply.getHeader('Vary') ?? '')
  if (!vary.split(',').map((v) => v.trim().toLowerCase()).includes(field.toLowerCase())) reply.header('Vary', vary ? `${vary}, ${field}` : field)
}

/** Compressed answers of the app's own responses (a callback hook: it runs on every response). */
export const compressionPlugin = fp(async (app) => {
  app.addHook('onSend', (req, reply, payload, done) => {
    if (req.method === 'HEAD' || reply.getHeader('Content-Encoding') || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) { done(null, payload); return }
    const type = String(reply.getHeader('Content-Type') ?? '')
    if (!COMPRESSIBLE.test(type) || reply.statusCode === 204 || reply.statusCode === 304) { done(null, payload); return }
    addVary(reply, 'Accept-Encoding')
    // The encoding first: a client that takes none gets the payload as it is, without encoding it
    // to bytes here only for Fastify to do it again (a page's worth of UTF-8 per response).
    const encoding = preferredEncoding(req.headers['accept-encoding'])
    if (!encoding) { done(null, payload); return }
    const body = typeof payload === 'string' ? Buffer.from(payload) : payload
    if (body.length < MIN_BYTES) { done(null, body); return }
    reply.header('Content-Encoding', encoding).removeHeader('Content-Length')
    // Quick settings: a page is compressed on every request. Large ones (a slip per person of an import) off the event loop.
    if (body.length < 64 * 1024) {
      done(null, encoding === 'br' ? zlib.brotliCompressSync(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }) : zlib.gzipSync(body, { level: 6 }))
      return
    }
    const out = encoding === 'br' ? brotli(body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } }) : gzip(body, { level: 6 })
    out.then((b) => done(null, b), (err: Error) => done(err))
  })
}, { name: 'compression' })

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8'
}

interface StaticFile { file: string, body: Buffer, type: string, etag: string, compressed: Map<Encoding, Promise<Buffer>> }

/**
 * The files under a folder, served from memory: each read once (again on every
 * request when `reload`, for development), its brotli and gzip forms made on
 * first use, or all at once by `warm()` before the server listens. Only files
 * that exist under the folder can be named: the request path is a key of the
 * list made at start, never joined onto the folder.
 */
export function staticFolder (root: string, opts: { reload: boolean, exclude?: (rel: string) => boolean }) {
  const files = new Map<string, StaticFile>()
  const load = (file: string): StaticFile => {
    const body = fs.readFileSync(file)
    return { file, body, type: TYPES[path.extname(file)] ?? 'application/octet-stream', etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`, compressed: new Map() }
  }
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const rel = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/')
    if (opts.exclude?.(rel)) continue
    files.set(rel, load(path.join(root, rel)))
  }
  const compressed = (f: StaticFile, encoding: Encoding): Promise<Buffer> => {
    let p = f.compressed.get(encoding)
    if (!p) {
      p = encoding === 'br'
        ? brotli(f.body, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: f.body.length } })
        : gzip(f.body, { level: zlib.constants.Z_BEST_COMPRESSION })
      f.compressed.set(encoding, p)
    }
    return p
  }
  const compressible = (f: StaticFile) => COMPRESSIBLE.test(f.type) && f.body.length >= MIN_BYTES

  return {
    /** Compresses every file now (before listening), so no first visitor waits for it. */
    async warm (): Promise<void> {
      await Promise.all([...files.values()].filter(compressible).flatMap((f) => [compressed(f, 'br'), compressed(f, 'gzip')]))
    },
    async serve (req: FastifyRequest, reply: FastifyReply, rel: string, cacheControl: string) {
      let f = files.get(rel)
      if (!f) return reply.callNotFound()
      if (opts.reload) { f = load(f.file); files.set(rel, f) }
      const encoding = compressible(f) ? preferredEncoding(req.headers['accept-encoding']) : null
      if (compressible(f)) addVary(reply, 'Accept-Encoding')
      const etag = encoding ? `${f.etag.slice(0, -1)}-${encoding}"` : f.etag
      reply.header('Cache-Control', cacheControl).header('ETag', etag).type(f.type)
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      if (!encoding) return reply.send(f.body)
      return reply.header('Content-Encoding', encoding).send(await compressed(f, encoding))
    }
  }
}

/** /static/… from the static folder: versioned vendor files for a year (immutable), the rest for an hour. */
export async function staticRoutes (app: FastifyInstance, opts: { root: string }) {
  const reload = !app.config.viewCache
  const vendor = staticFolder(path.join(opts.root, 'vendor'), { reload })
  const own = staticFolder(opts.root, { reload, exclude: (rel) => rel.startsWith('vendor/') })
  app.decorate('warmStaticFiles', async () => { await Promise.all([vendor.warm(), own.warm()]) })
  const rest = (req: FastifyRequest) => (req.params as { '*': string })['*']
  app.get('/static/vendor/*', { config: { access: 'public' } }, async (req, reply) => vendor.serve(req, reply, rest(req), 'public, max-age=31536000, immutable'))
  app.get('/static/*', { config: { access: 'public' } }, async (req, reply) => own.serve(req, reply, rest(req), 'public, max-age=3600'))
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Compresses the static files ahead of the first request (main.ts, before listening). */
    warmStaticFiles(): Promise<void>
  }
}
