import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { ButtonBlock, Design, DividerBlock, FooterBlock, HeadingBlock, HtmlBlock, ImageBlock, SocialBlock, SpacerBlock, TextBlock } from './schema.js';
import { AppError } from '../http/errors.js';

/*
 * A design is a union of block types, and a union that fails says only "matches none of them"
 * about the whole block (the schema validator would even name a property of the first type it
 * tried). A block names its type, so it is checked as that type: the error says which property
 * of which block is wrong, `$.design.rows[0].columns[1].blocks[2].href`, like every other error.
 */

const whole = TypeCompiler.Compile(Design);
const BLOCKS: Record<string, ReturnType<typeof TypeCompiler.Compile<TSchema>>> = Object.fromEntries(
  [HeadingBlock, TextBlock, ImageBlock, ButtonBlock, DividerBlock, SpacerBlock, SocialBlock, HtmlBlock, FooterBlock].map((schema) => [
    schema.properties.type.const,
    TypeCompiler.Compile(schema),
  ]),
);
const BLOCK_AT = /^\/rows\/(\d+)\/columns\/(\d+)\/blocks\/(\d+)/;

/** Answered as the body's schema check answers, since it is the same check said more precisely. */
const invalid = (message: string, path: string) => new AppError(400, 'invalid_request', message, path);

const jsonPath = (at: string, pointer: string) =>
  at + pointer.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')).map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');

/** The first thing wrong with `value` as a design, as a 400 naming its path under `at` (`$.design`); null when it is a valid design. */
export function designError(value: unknown, at = '$.design'): AppError | null {
  if (whole.Check(value)) return null;
  let error = whole.Errors(value).First()!;
  let pointer = error.path;
  const block = BLOCK_AT.exec(pointer);
  if (block) {
    const [prefix, row, column, index] = block;
    const found = (value as Design).rows[Number(row)]!.columns[Number(column)]!.blocks[Number(index)] as unknown;
    const type = typeof found === 'object' && found !== null ? (found as { type?: unknown }).type : undefined;
    const check = typeof type === 'string' ? BLOCKS[type] : undefined;
    if (!check) {
      const types = Object.keys(BLOCKS).join(', ');
      if (typeof found !== 'object' || found === null) return invalid(`${jsonPath(at, prefix)} must be a block: an object whose type is one of ${types}`, jsonPath(at, prefix));
      const path = jsonPath(at, `${prefix}/type`);
      return invalid(`${path} must be one of ${types}`, path);
    }
    error = check.Errors(found).First()!;
    pointer = prefix + error.path;
  }
  const path = jsonPath(at, pointer);
  if (error.type === ValueErrorType.ObjectRequiredProperty) return invalid(`${path} is required`, path);
  if (error.type === ValueErrorType.ObjectAdditionalProperties) return invalid(`${path} is not a known property`, path);
  return invalid(`${path}: ${error.message.charAt(0).toLowerCase()}${error.message.slice(1)}`, path);
}

/**
 * For a route's preValidation: checks `body[field]` when it is present and not null, so that a
 * wrong design answers with the path of what is wrong before the body's schema is checked.
 */
export function checkDesignIn(body: unknown, field = 'design'): void {
  if (typeof body !== 'object' || body === null) return;
  const design = (body as Record<string, unknown>)[field];
  if (design === undefined || design === null) return;
  const error = designError(design, `$.${field}`);
  if (error) throw error;
}

/** A route option: a wrong design is named by the path of what is wrong in it, before the body's schema is checked. */
export const designFirst = { preValidation: async (req: { body: unknown }) => checkDesignIn(req.body) };
