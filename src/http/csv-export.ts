import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import { CSV_BOM, csvLine, type CsvRow } from '../lib/csv.js'

/**
 * Sends a CSV download as a stream: the BOM and header first, then each chunk of rows
 * as the source yields it (a keyset chunk: see lib/keyset keysetChunks), so the file is
 * never whole in memory and the event loop gets a turn between chunks. The one place
 * every CSV export goes through.
 */
export function sendCsvStream<T> (reply: FastifyReply, filename: string, header: CsvRow, chunks: AsyncIterable<T[]>, toRow: (row: T) => CsvRow): FastifyReply {
  async function * lines (): AsyncGenerator<string> {
    yield CSV_BOM + csvLine(header)
    for await (const chunk of chunks) {
      let text = ''
      for (const row of chunk) text += csvLine(toRow(row))
      yield text
    }
  }
  return reply.header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${filename}"`)
    .send(Readable.from(lines(), { objectMode: false }))
}
