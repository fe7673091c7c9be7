/**
 * What an uploaded file is, from its first bytes: never from its name or the type the client
 * declared, which a browser or an attacker sets at will. Only raster images that every mail client
 * shows are kept; SVG is refused because it can carry script and most mail clients drop it anyway.
 */

export type ImageKind = 'png' | 'jpg' | 'gif' | 'webp';

export interface SniffedImage {
  kind: ImageKind;
  contentType: string;
  width: number | null;
  height: number | null;
}

export const CONTENT_TYPES: Record<ImageKind, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
};

const startsWith = (bytes: Buffer, signature: number[] | string, at = 0) => {
  const expected = typeof signature === 'string' ? Buffer.from(signature, 'latin1') : Buffer.from(signature);
  return bytes.length >= at + expected.length && bytes.subarray(at, at + expected.length).equals(expected);
};

/** A sane size or null: a header that claims 0 × 0 or a million pixels wide is not believed. */
const size = (width: number, height: number) =>
  width > 0 && height > 0 && width <= 100_000 && height <= 100_000 ? { width, height } : { width: null, height: null };

function pngSize(bytes: Buffer) {
  // The first chunk is IHDR: width and height, big-endian.
  if (bytes.length < 24 || !startsWith(bytes, 'IHDR', 12)) return size(0, 0);
  return size(bytes.readUInt32BE(16), bytes.readUInt32BE(20));
}

function gifSize(bytes: Buffer) {
  return bytes.length < 10 ? size(0, 0) : size(bytes.readUInt16LE(6), bytes.readUInt16LE(8));
}

/** Walks the JPEG segments to the first start-of-frame marker, which holds the dimensions. */
function jpegSize(bytes: Buffer) {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return size(0, 0);
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    // Markers without a length: TEM and RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return size(bytes.readUInt16BE(at + 7), bytes.readUInt16BE(at + 5));
    }
    if (length < 2) return size(0, 0);
    at += 2 + length;
  }
  return size(0, 0);
}

function webpSize(bytes: Buffer) {
  if (bytes.length < 30) return size(0, 0);
  const chunk = bytes.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return size(bytes.readUIntLE(24, 3) + 1, bytes.readUIntLE(27, 3) + 1);
  if (chunk === 'VP8 ' && startsWith(bytes, [0x9d, 0x01, 0x2a], 23)) {
    return size(bytes.readUInt16LE(26) & 0x3fff, bytes.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L' && bytes[20] === 0x2f) {
    const bits = bytes.readUInt32LE(21);
    return size((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
  }
  return size(0, 0);
}

/** The image in `bytes`, or null when it is not a PNG, JPEG, GIF or WebP. */
export function sniffImage(bytes: Buffer): SniffedImage | null {
  const image = (kind: ImageKind, dimensions: { width: number | null; height: number | null }) => ({ kind, contentType: CONTENT_TYPES[kind], ...dimensions });
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('png', pngSize(bytes));
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return image('jpg', jpegSize(bytes));
  if (startsWith(bytes, 'GIF87a') || startsWith(bytes, 'GIF89a')) return image('gif', gifSize(bytes));
  if (startsWith(bytes, 'RIFF') && startsWith(bytes, 'WEBP', 8)) return image('webp', webpSize(bytes));
  return null;
}

/** What a refused file looks like, in words for the error message. */
export function describeContent(bytes: Buffer): string {
  if (bytes.length === 0) return 'an empty file';
  const head = bytes.subarray(0, 1024).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart().toLowerCase();
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!doctype svg|<svg)/.test(head) || (head.startsWith('<?xml') && head.includes('<svg'))) return 'an SVG image';
  if (/^(<!--[\s\S]*?-->\s*)*(<!doctype html|<html|<head|<body|<script|<iframe|<div|<p\b)/.test(head)) return 'an HTML document';
  if (head.startsWith('<?xml')) return 'an XML document';
  if (startsWith(bytes, '%PDF')) return 'a PDF document';
  if (startsWith(bytes, 'BM')) return 'a BMP image';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'a TIFF image';
  if (startsWith(bytes, [0x00, 0x00, 0x01, 0x00])) return 'an icon file';
  if (startsWith(bytes, 'ftyp', 4)) {
    const brand = bytes.toString('latin1', 8, 12);
    if (brand.startsWith('avi')) return 'an AVIF image';
    if (brand.startsWith('hei') || brand.startsWith('mif1')) return 'a HEIC image';
    return 'a video or other media file';
  }
  if (startsWith(bytes, 'PK')) return 'a ZIP archive or office document';
  if (startsWith(bytes, [0x1f, 0x8b])) return 'a gzip archive';
  const sample = bytes.subarray(0, 4096);
  const isText = !sample.includes(0) && Buffer.from(sample.toString('utf8'), 'utf8').length === sample.length;
  return isText ? 'text' : 'unrecognised binary data';
}
