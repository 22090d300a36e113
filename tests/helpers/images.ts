import zlib from 'node:zlib'

// Small image files for upload tests, with the metadata a phone writes (a GPS position, XMP, text).

const u16be = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16BE(n); return b }
const seg = (marker: number, body: Buffer) => Buffer.concat([Buffer.from([0xff, marker]), u16be(body.length + 2), body])

/** An EXIF block (little-endian) with an orientation and a GPS IFD holding a latitude tag, the text "GPSLatitude" beside it. */
function exifWithGps (orientation: number): Buffer {
  const tiff = Buffer.alloc(64)
  tiff.write('II', 0, 'latin1'); tiff.writeUInt16LE(42, 2); tiff.writeUInt32LE(8, 4)
  tiff.writeUInt16LE(2, 8)
  tiff.writeUInt16LE(0x0112, 10); tiff.writeUInt16LE(3, 12); tiff.writeUInt32LE(1, 14); tiff.writeUInt16LE(orientation, 18)
  tiff.writeUInt16LE(0x8825, 22); tiff.writeUInt16LE(4, 24); tiff.writeUInt32LE(1, 26); tiff.writeUInt32LE(38, 30) // GPS IFD pointer
  tiff.writeUInt32LE(0, 34)
  tiff.writeUInt16LE(1, 38); tiff.writeUInt16LE(0x0002, 40); tiff.writeUInt16LE(5, 42); tiff.writeUInt32LE(3, 44); tiff.writeUInt32LE(0, 48)
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff, Buffer.from('GPSLatitude 39.9042N 116.4074E', 'latin1')])
}

/** A structurally whole JPEG: EXIF with a position, XMP, a comment, tables, a frame, a scan. */
export function jpegWithLocation (orientation = 6): Buffer {
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    seg(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
    seg(0xe1, exifWithGps(orientation)),
    seg(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><exif:GPSLatitude>39,54.25N</exif:GPSLatitude></x:xmpmeta>', 'latin1')),
    seg(0xfe, Buffer.from('Taken at 39.9042N', 'latin1')),
    seg(0xdb, Buffer.alloc(65, 1)),
    seg(0xc0, Buffer.from([8, 0, 1, 0, 1, 1, 1, 0x11, 0])),
    seg(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])),
    Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56]),
    Buffer.from([0xff, 0xd9])
  ])
}

function chunk (type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4); crc.writeUInt32BE(zlib.crc32(body))
  return Buffer.concat([len, body, crc])
}

/** A real, decodable PNG (a small red-and-blue square) with a text chunk and an EXIF chunk naming a position. */
export function pngWithLocation (size = 8): Buffer {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0); ihdr.writeUInt32BE(size, 4); ihdr[8] = 8; ihdr[9] = 2
  const rows = Buffer.concat(Array.from({ length: size }, (_, y) => Buffer.concat([Buffer.from([0]), ...Array.from({ length: size }, (_, x) => Buffer.from(x < size / 2 ? [200, 30, 30] : [30, 30, 200 - y]))])))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from('Comment\0GPS 39.9042N 116.4074E', 'latin1')),
    chunk('eXIf', exifWithGps(1).subarray(6)),
    chunk('IDAT', zlib.deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0))
  ])
}

/** A WebP container with an extended header flagging EXIF and XMP, a picture chunk, and both metadata chunks. */
export function webpWithLocation (): Buffer {
  const c = (type: string, data: Buffer) => {
    const h = Buffer.alloc(8); h.write(type, 0, 'latin1'); h.writeUInt32LE(data.length, 4)
    return Buffer.concat([h, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)])
  }
  const vp8x = Buffer.alloc(10); vp8x[0] = 0x08 | 0x04
  const body = Buffer.concat([c('VP8X', vp8x), c('VP8L', Buffer.from([0x2f, 0, 0, 0, 0])), c('EXIF', exifWithGps(1).subarray(6)), c('XMP ', Buffer.from('<x:xmpmeta>GPSLatitude 39N</x:xmpmeta>', 'latin1'))])
  const head = Buffer.alloc(12); head.write('RIFF', 0, 'latin1'); head.writeUInt32LE(body.length + 4, 4); head.write('WEBP', 8, 'latin1')
  return Buffer.concat([head, body])
}

/** The start of an iPhone HEIC photo. */
export function heicStart (): Buffer {
  const b = Buffer.alloc(32); b.writeUInt32BE(24, 0); b.write('ftypheic', 4, 'latin1'); return b
}
