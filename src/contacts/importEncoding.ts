import { createReadStream } from 'node:fs';
import { pipeline, Transform, type Readable } from 'node:stream';
import { decodeWindows1252, ENCODINGS, type Encoding } from './importRules.js';

export { ENCODINGS, type Encoding };

/**
 * The character sets CSV files arrive in: UTF-8 from most tools, Windows-1252
 * from Excel's "CSV" in Western European languages, UTF-16 from Excel's
 * "Unicode Text". `auto` decides from the file (detectEncoding).
 */

export function isEncoding(value: unknown): value is Encoding {
  return typeof value === 'string' && (ENCODINGS as readonly string[]).includes(value);
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

const startsWith = (bytes: Buffer, prefix: number[]) => prefix.every((b, i) => bytes[i] === b);

/**
 * A byte-order mark decides; otherwise the file is UTF-8 when every byte of it
 * reads as UTF-8, and Windows-1252 when any does not: a Windows-1252 file with
 * accents is almost never valid UTF-8, and a UTF-8 file always is.
 */
export async function detectEncoding(path: string): Promise<Encoding> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let first = true;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      if (first) {
        first = false;
        if (startsWith(chunk, UTF8_BOM)) return 'utf-8';
        if (startsWith(chunk, [0xff, 0xfe])) return 'utf-16le';
        if (startsWith(chunk, [0xfe, 0xff])) return 'utf-16be';
      }
      decoder.decode(chunk, { stream: true });
    }
    decoder.decode();
    return 'utf-8';
  } catch (error) {
    if (error instanceof TypeError) return 'windows-1252';
    throw error;
  }
}

/** A decoder for one file: chunks in, text out, a byte-order mark dropped. */
function decoderFor(encoding: Encoding): (chunk: Buffer | undefined) => string {
  if (encoding === 'windows-1252') {
    let first = true;
    return (chunk) => {
      if (!chunk) return '';
      // A UTF-8 BOM on a file read as Windows-1252 (the user's choice) would show as "ï»¿".
      const bytes = first && startsWith(chunk, UTF8_BOM) ? chunk.subarray(3) : chunk;
      first = false;
      return decodeWindows1252(bytes);
    };
  }
  // Not fatal: a stray invalid byte in a file the user said is UTF-8 becomes U+FFFD in its cell, the rest imports.
  const decoder = new TextDecoder(encoding);
  return (chunk) => (chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode());
}

/**
 * The file as UTF-8 bytes: as it is when it is UTF-8 (its BOM, if any, is left
 * to the reader: csv-parse's `bom`), re-encoded from its encoding otherwise,
 * without a byte-order mark. Closing it closes the file.
 */
export function decodedFile(path: string, encoding: Encoding, options: { end?: number } = {}): Readable {
  const file = createReadStream(path, { end: options.end });
  if (encoding === 'utf-8') return file;
  const decode = decoderFor(encoding);
  const toUtf8 = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, Buffer.from(decode(chunk), 'utf8'));
    },
    flush(done) {
      const rest = decode(undefined);
      done(null, rest ? Buffer.from(rest, 'utf8') : undefined);
    },
  });
  return pipeline(file, toUtf8, () => {});
}

export const describeEncoding = (encoding: Encoding) =>
  ({ 'utf-8': 'UTF-8', 'windows-1252': 'Windows-1252', 'utf-16le': 'UTF-16', 'utf-16be': 'UTF-16 (big-endian)' })[encoding];
