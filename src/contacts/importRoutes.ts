import { rmSync } from 'node:fs';
import { Type } from '@sinclair/typebox';
import { EDIT, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { badRequest } from '../http/errors.js';
import { IdParams } from '../http/schemas.js';
import { listFields } from './fields.js';
import { getImport, queueImport, spoolUpload } from './importJobs.js';
import { ImportStatus } from './schemas.js';

export function importRoutes(app: Api): void {
  app.post(
    '/api/imports',
    {
      config: EDIT,
      schema: {
        tags: ['contacts'],
        summary: 'Import a CSV file into a list',
        description:
          'multipart/form-data with `file` (CSV: comma, semicolon or tab; UTF-8 with or without BOM), `listId` and optional `mapping` (JSON `{ "<csv header>": "email" | "phone" | "firstName" | "lastName" | "fields.<name>" | "ignore" }`). Answers 202 `{ id }`; follow progress with GET /api/imports/:id. A file over MAX_UPLOAD_MB answers 413 `file_too_large`.',
        response: { 202: Type.Object({ id: Type.Integer() }) },
      },
    },
    async (req, reply) => {
      if (!req.isMultipart()) throw badRequest('send multipart/form-data with a file field', 'file');
      // Fields may come before or after the file: spool the file to disk and read them all.
      const fields: Record<string, string> = {};
      let path: string | undefined;
      let filename: string | undefined;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'file') {
            if (path || part.fieldname !== 'file') {
              part.file.resume();
              continue;
            }
            filename = part.filename;
            path = await spoolUpload(req.ctx, part.file);
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
      } catch (error) {
        // Cut off after the file: the file alone is no import.
        if (path) rmSync(path, { force: true });
        throw error;
      }
      if (!path) throw badRequest('the CSV file is missing (multipart field "file")', 'file');
      return reply.status(202).send(await queueImport(req.ctx, { path, filename, listId: fields.listId, mapping: fields.mapping }));
    },
  );
  app.get('/api/imports/:id', { config: READ, schema: { tags: ['contacts'], params: IdParams, response: { 200: ImportStatus } } }, (req) =>
    getImport(req.ctx, req.params.id),
  );
  app.get(
    '/api/fields',
    { config: READ, schema: { tags: ['contacts'], summary: 'Custom fields in use, with their types', response: { 200: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })) } } },
    (req) => listFields(req.ctx),
  );
}
