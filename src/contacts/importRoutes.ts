import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { Type } from '@sinclair/typebox';
import { EDIT, READ } from '../http/access.js';
import type { Api } from '../http/api.js';
import { badRequest } from '../http/errors.js';
import { IdParams } from '../http/schemas.js';
import { listFields } from './fields.js';
import { getImport, importReport, queueImport, spoolUpload } from './importJobs.js';
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
          'multipart/form-data with `file` (CSV: comma, semicolon, tab or pipe), `listId`, and optionally `mapping` (JSON `{ "<csv header>": "email" | "phone" | "firstName" | "lastName" | "fields.<name>" | "ignore" }`), `encoding` (`auto`, the default: a byte-order mark decides, else UTF-8 when the whole file is valid UTF-8 and Windows-1252 when not; or `utf-8`, `windows-1252`, `utf-16le`, `utf-16be`) and `defaultCountry` (two letters, such as FR: the country of phone numbers written without +; DEFAULT_COUNTRY when absent). Answers 202 `{ id }`; follow progress with GET /api/imports/:id. A file over MAX_UPLOAD_MB answers 413 `file_too_large`.',
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
      const { listId, mapping, encoding, defaultCountry } = fields;
      return reply.status(202).send(await queueImport(req.ctx, { path, filename, listId, mapping, encoding, defaultCountry }));
    },
  );
  app.get('/api/imports/:id', { config: READ, schema: { tags: ['contacts'], params: IdParams, response: { 200: ImportStatus } } }, (req) =>
    getImport(req.ctx, req.params.id),
  );
  app.get(
    '/api/imports/:id/report',
    {
      config: READ,
      schema: {
        tags: ['contacts'],
        summary: "The import's problems as CSV: row, column, value, problem, outcome (row skipped, or imported without this value)",
        params: IdParams,
      },
    },
    async (req, reply) => {
      const { filename, lines } = await importReport(req.ctx, req.params.id);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(Readable.from(lines));
    },
  );
  app.get(
    '/api/fields',
    { config: READ, schema: { tags: ['contacts'], summary: 'Custom fields in use, with their types', response: { 200: Type.Array(Type.Object({ name: Type.String(), type: Type.String() })) } } },
    (req) => listFields(req.ctx),
  );
}
