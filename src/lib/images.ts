/**
 * Photos as uploaded: the type told by the bytes themselves, and every piece of metadata (EXIF with
 * its GPS position, XMP, IPTC, comments, text chunks, times) removed by rewriting the file's own
 * segments (JPEG) or chunks (PNG, WebP). The picture data is copied untouched, so nothing is decoded
 * or re-encoded and no image library is needed. A JPEG's orientation is kept, alone, in a minimal
 * EXIF block of its own, so a phone photo still shows the right way up. Pure.
 */
export type ImageType = 'image/jpeg' | 'image/png' | 'image/webp'

export type ImageCheck =
  | { ok: true, type: ImageType, bytes: Buffer }
  | { ok: false, reason: 'heic' | 'unsupported' | 'damaged' }

const ascii = (b: Buffer, at: number, len: number) => b.subarray(at, at + len).toString('latin1')

/** What kind of file the bytes are (never the name or the browser's word for it). */
export function sniffImage (b: Buffer): ImageType | 'heic' | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg'
  if (b.length >= 8 && b.subarray(0, 8).equals(PNG_SIGNATURE)) return 'image/png'
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'image/webp'
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp' && /^(heic|heix|hevc|hevx|heim|heis|mif1|msf1|avif)$/.test(ascii(b, 8, 4))) return 'heic'
  return null
}

/** The photo without its metadata, or why it is refused. */
export function stripImage (bytes: Buffer): ImageCheck {
  const type = sniffImage(bytes)
  if (type === 'heic') return { ok: false, reason: 'heic' }
  if (type === null) return { ok: false, reason: 'unsupported' }
  try {
    const out = type === 'image/jpeg' ? stripJpeg(bytes) : type === 'image/png' ? stripPng(bytes) : stripWebp(bytes)
    return out ? { ok: true, type, bytes: out } : { ok: false, reason: 'damaged' }
  } catch {
    return { ok: false, reason: 'damaged' }
  }
}

// ---- JPEG: markers and segments up to the scan, then the entropy-coded data as it is ----

// Kept before the scan: tables and frame headers (DQT, DHT, DAC, SOFn, DRI, DNL), JFIF (APP0),
// the ICC colour profile (APP2 "ICC_PROFILE") and Adobe's colour transform (APP14). Every other
// APPn (EXIF and XMP in APP1, IPTC in APP13, makers' blocks) and comments (COM) go.
function keepJpegSegment (marker: number, body: Buffer): boolean {
  if (marker === 0xe0) return true
  if (marker === 0xe2) return ascii(body, 0, 12) === 'ICC_PROFILE\0'
  if (marker === 0xee) return ascii(body, 0, 5) === 'Adobe'
  if (marker >= 0xe1 && marker <= 0xef) return false
  if (marker === 0xfe) return false
  return true
}

function stripJpeg (b: Buffer): Buffer | null {
  const parts: Buffer[] = [b.subarray(0, 2)]
  let orientation: number | null = null
  let at = 2
  for (;;) {
    if (at + 4 > b.length || b[at] !== 0xff) return null
    let marker = b[at + 1]!
    while (marker === 0xff && at + 2 < b.length) { at++; marker = b[at + 1]! } // fill bytes
    if (marker === 0xd9) { parts.push(b.subarray(at, at + 2)); break } // EOI with no scan
    const len = b.readUInt16BE(at + 2)
    if (len < 2 || at + 2 + len > b.length) return null
    const body = b.subarray(at + 4, at + 2 + len)
    if (marker === 0xe1 && ascii(body, 0, 6) === 'Exif\0\0') orientation ??= exifOrientation(body.subarray(6))
    if (marker === 0xda) {
      // Start of scan: from here to the end is picture data (and any later tables and scans), copied as it is.
      if (orientation !== null && orientation !== 1) parts.splice(1, 0, orientationSegment(orientation))
      parts.push(b.subarray(at))
      return Buffer.concat(parts)
    }
    if (keepJpegSegment(marker, body)) parts.push(b.subarray(at, at + 2 + len))
    at += 2 + len
  }
  return Buffer.concat(parts)
}

/** The Orientation tag (0x0112) of an EXIF block's first IFD, if it holds one of the eight values. */
function exifOrientation (tiff: Buffer): number | null {
  if (tiff.length < 8) return null
  const le = ascii(tiff, 0, 2) === 'II'
  const u16 = (o: number) => le ? tiff.readUInt16LE(o) : tiff.readUInt16BE(o)
  const u32 = (o: number) => le ? tiff.readUInt32LE(o) : tiff.readUInt32BE(o)
  const ifd = u32(4)
  if (ifd + 2 > tiff.length) return null
  const n = u16(ifd)
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12
    if (e + 12 > tiff.length) return null
    if (u16(e) === 0x0112) {
      const v = u16(e + 8)
      return v >= 1 && v <= 8 ? v : null
    }
  }
  return null
}

/** An APP1 segment holding an EXIF block with the orientation and nothing else. */
function orientationSegment (orientation: number): Buffer {
  const tiff = Buffer.alloc(26)
  tiff.write('II', 0, 'latin1'); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(8, 4) // header, first IFD at 8
  tiff.writeUInt16LE(1, 8) // one entry
  tiff.writeUInt16LE(0x0112, 10); tiff.writeUInt16LE(3, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt16LE(orientation, 18) // SHORT, count 1
  tiff.writeUInt32LE(0, 22) // no next IFD
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff])
  const head = Buffer.from([0xff, 0xe1, 0, 0])
  head.writeUInt16BE(body.length + 2, 2)
  return Buffer.concat([head, body])
}

// ---- PNG: the chunks a picture needs, nothing else (text, EXIF, time and private chunks go) ----

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'bKGD', 'acTL', 'fcTL', 'fdAT'])

function stripPng (b: Buffer): Buffer | null {
  const parts: Buffer[] = [PNG_SIGNATURE]
  let at = 8
  while (at + 12 <= b.length) {
    const len = b.readUInt32BE(at)
    const type = ascii(b, at + 4, 4)
    const end = at + 12 + len
    if (end > b.length) return null
    if (PNG_KEEP.has(type)) parts.push(b.subarray(at, end))
    at = end
    if (type === 'IEND') return Buffer.concat(parts)
  }
  return null
}

// ---- WebP: a RIFF file; the EXIF and XMP chunks go, and the extended header's flags for them ----

function stripWebp (b: Buffer): Buffer | null {
  const parts: Buffer[] = []
  const riffEnd = Math.min(b.length, 8 + b.readUInt32LE(4))
  let at = 12
  while (at + 8 <= riffEnd) {
    const type = ascii(b, at, 4)
    const len = b.readUInt32LE(at + 4)
    const end = at + 8 + len + (len % 2)
    if (at + 8 + len > riffEnd) return null
    if (type === 'VP8X') {
      const chunk = Buffer.from(b.subarray(at, Math.min(end, b.length)))
      chunk[8] = chunk[8]! & ~(0x08 | 0x04) // the EXIF and XMP flags
      parts.push(chunk)
    } else if (type !== 'EXIF' && type !== 'XMP ') {
      parts.push(b.subarray(at, Math.min(end, b.length)))
    }
    at = end
  }
  if (parts.length === 0) return null
  const body = Buffer.concat(parts)
  const head = Buffer.alloc(12)
  head.write('RIFF', 0, 'latin1'); head.writeUInt32LE(body.length + 4, 4); head.write('WEBP', 8, 'latin1')
  return Buffer.concat([head, body])
}
