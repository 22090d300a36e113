import { describe, test, expect } from 'vitest'
import { stripImage, sniffImage } from '../../../src/lib/images.js'
import { jpegWithLocation, pngWithLocation, webpWithLocation, heicStart } from '../../helpers/images.js'

const text = (b: Buffer) => b.toString('latin1')

describe('photo metadata stripping', () => {
  test('a JPEG loses EXIF (with its GPS position), XMP and comments; tables, frame and scan stay byte for byte; the orientation stays alone', () => {
    const input = jpegWithLocation(6)
    const r = stripImage(input)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(r.type).toBe('image/jpeg')
    expect(text(r.bytes)).not.toMatch(/GPS|xmpmeta|39\.9042|Taken at/)
    // The scan to the end is unchanged.
    const scan = input.indexOf(Buffer.from([0xff, 0xda]))
    expect(r.bytes.subarray(r.bytes.indexOf(Buffer.from([0xff, 0xda])))).toEqual(input.subarray(scan))
    // A minimal EXIF block with orientation 6 (0x0112 = 6), and no other entry.
    const exif = r.bytes.indexOf(Buffer.from('Exif\0\0', 'latin1'))
    expect(exif).toBeGreaterThan(0)
    expect(r.bytes.readUInt16LE(exif + 6 + 8)).toBe(1)
    expect(r.bytes.readUInt16LE(exif + 6 + 10)).toBe(0x0112)
    expect(r.bytes.readUInt16LE(exif + 6 + 18)).toBe(6)
    // Stripping again changes nothing.
    const again = stripImage(r.bytes)
    expect(again.ok && again.bytes).toEqual(r.bytes)
  })

  test('an upright JPEG keeps no EXIF at all', () => {
    const r = stripImage(jpegWithLocation(1))
    expect(r.ok && text(r.bytes).includes('Exif')).toBe(false)
  })

  test('a PNG keeps its picture chunks only', () => {
    const input = pngWithLocation()
    const r = stripImage(input)
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(text(r.bytes)).not.toMatch(/GPS|tEXt|eXIf/)
    expect(text(r.bytes)).toContain('IHDR')
    expect(text(r.bytes)).toContain('IDAT')
    expect(text(r.bytes).endsWith('IEND\xaeB`\x82')).toBe(true)
  })

  test('a WebP loses its EXIF and XMP chunks and their flags, and its RIFF size is right', () => {
    const r = stripImage(webpWithLocation())
    expect(r.ok).toBe(true)
    if (!r.ok) return
    expect(text(r.bytes)).not.toMatch(/GPS|EXIF|XMP /)
    expect(r.bytes.readUInt32LE(4)).toBe(r.bytes.length - 8)
    expect(r.bytes[20]! & 0x0c).toBe(0)
    expect(text(r.bytes)).toContain('VP8L')
  })

  test('HEIC is told apart from other files; text, PDFs and cut-off images are refused', () => {
    expect(sniffImage(heicStart())).toBe('heic')
    expect(stripImage(heicStart())).toEqual({ ok: false, reason: 'heic' })
    expect(stripImage(Buffer.from('%PDF-1.7 …'))).toEqual({ ok: false, reason: 'unsupported' })
    expect(stripImage(Buffer.from('hello'))).toEqual({ ok: false, reason: 'unsupported' })
    expect(stripImage(jpegWithLocation().subarray(0, 40))).toEqual({ ok: false, reason: 'damaged' })
    expect(stripImage(pngWithLocation().subarray(0, 60))).toEqual({ ok: false, reason: 'damaged' })
  })
})
