import { randomBytes } from 'node:crypto';
import { createReadStream, mkdirSync, rmSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { sql, type Selectable } from 'kysely';
import type { AppContext, WorkspaceContext } from '../context.js';
import type { MediaTable } from '../db/schema.js';
import { AppError, badRequest } from '../http/errors.js';
import { decodeCursor, encodeCursor, iso } from '../http/schemas.js';
import { describeContent, sniffImage } from './images.js';
import { FILE_NAME, type Media, type MediaQuery } from './schemas.js';

/** Images in an email are downloaded by every recipient: 5 MB is already far more than one should weigh. */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export const mediaDir = (ctx: AppContext) => join(ctx.config.dataDir, 'media');

export const imageTooLarge = () =>
  new AppError(413, 'file_too_large', `the image is larger than ${MAX_IMAGE_BYTES / 1024 / 1024} MB: make it smaller (an email image rarely needs more than 200 KB)`, 'file');

export function toMedia(row: Selectable<MediaTable>, ctx: AppContext): Media {
  return {
    id: row.id,
    url: `${ctx.config.publicUrl}/media/${row.file_name}`,
    contentType: row.content_type,
    bytes: Number(row.bytes),
    width: row.width,
    height: row.height,
    originalName: row.original_name,
    createdAt: iso(row.created_at)!,
  };
}

/**
 * Keeps an uploaded image: its type is read from its bytes (PNG, JPEG, GIF or WebP, whatever its
 * name says), it is written under a random name in DATA_DIR/media (a temporary name first, so that
 * a half-written file is never served) and recorded in the workspace's library.
 */
export async function storeImage(ctx: WorkspaceContext, bytes: Buffer, originalName: string | undefined): Promise<Media> {
  if (bytes.length > MAX_IMAGE_BYTES) throw imageTooLarge();
  const image = sniffImage(bytes);
  if (!image) {
    throw badRequest(`the file is ${describeContent(bytes)}, not an image Ricochet can use: upload a PNG, JPEG, GIF or WebP image`, 'file');
  }
  const dir = mediaDir(ctx);
  mkdirSync(dir, { recursive: true });
  const fileName = `${randomBytes(16).toString('hex')}.${image.kind}`;
  const temporary = join(dir, `.${fileName}.part`);
  const path = join(dir, fileName);
  try {
    await writeFile(temporary, bytes, { flag: 'wx' });
    await rename(temporary, path);
    const row = await ctx.store.db
      .insertInto('media')
      .values({
        workspace_id: ctx.workspaceId,
        file_name: fileName,
        content_type: image.contentType,
        bytes: bytes.length,
        original_name: cleanName(originalName, image.kind),
        width: image.width,
        height: image.height,
        created_at: ctx.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toMedia(row, ctx);
  } catch (error) {
    rmSync(temporary, { force: true });
    rmSync(path, { force: true });
    throw error;
  }
}

/** The uploader's file name as the library shows it: no folders, no control characters, not endless. */
function cleanName(name: string | undefined, kind: string): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return base || `image.${kind}`;
}

const isIdCursor = (v: unknown): v is { before: number } => typeof v === 'object' && v !== null && typeof (v as { before: unknown }).before === 'number';

/** The workspace's images, newest first (the designer's image library). */
export async function listMedia(ctx: WorkspaceContext, query: MediaQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, isIdCursor)?.before;
  const base = ctx.store.db.selectFrom('media').where('workspace_id', '=', ctx.workspaceId);
  let page = base.selectAll().orderBy('id', 'desc').limit(limit + 1);
  if (before !== undefined) page = page.where('id', '<', before);
  const [rows, count] = await Promise.all([page.execute(), base.select(sql<number>`count(*)`.as('total')).executeTakeFirstOrThrow()]);
  const items = rows.slice(0, limit).map((row) => toMedia(row, ctx));
  const nextCursor = rows.length > limit ? encodeCursor({ before: items[items.length - 1]!.id }) : null;
  return { total: Number(count.total), items, nextCursor };
}

/**
 * The stored image named `fileName`, for the public route: only names Ricochet gives (so nothing
 * like `../` ever reaches the file system) and only files it recorded. Null otherwise.
 */
export async function openImage(ctx: AppContext, fileName: string): Promise<{ contentType: string; bytes: number; stream: Readable } | null> {
  if (!FILE_NAME.test(fileName)) return null;
  const row = await ctx.store.db.selectFrom('media').select(['content_type', 'bytes']).where('file_name', '=', fileName).executeTakeFirst();
  if (!row) return null;
  const stream = createReadStream(join(mediaDir(ctx), fileName));
  // A file removed by hand answers 404 rather than a broken 200.
  const opened = await new Promise<boolean>((resolve) => {
    stream.once('open', () => resolve(true));
    stream.once('error', () => resolve(false));
  });
  if (!opened) return null;
  return { contentType: row.content_type, bytes: Number(row.bytes), stream };
}
