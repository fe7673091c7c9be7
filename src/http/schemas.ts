import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { badRequest } from './errors.js';

/** Shapes shared by every feature's routes. */
export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export type IdParams = Static<typeof IdParams>;

export const ErrorResponse = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String(),
        message: Type.String(),
        path: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    ),
  },
  { $id: 'Error' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const IsoDate = Type.String({ format: 'date-time' });
export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ total: Type.Integer(), items: Type.Array(item), nextCursor: Nullable(Type.String()) });

export const PageQuery = {
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
};

/** Milliseconds in the database → ISO 8601 in the API. */
export const iso = (ms: number | null | undefined): string | null => (ms == null ? null : new Date(ms).toISOString());

/** Opaque cursors: base64url of JSON, so clients never depend on what is inside. */
export const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
export function decodeCursor<T>(cursor: string | undefined, check: (v: unknown) => v is T): T | undefined {
  if (!cursor) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (check(value)) return value;
  } catch {
    // falls through to the error below
  }
  throw badRequest('cursor is not one this API returned', 'query.cursor');
}
