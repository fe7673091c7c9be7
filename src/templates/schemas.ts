import { Type, type Static } from '@sinclair/typebox';
import { Design } from '../designs/schema.js';
import { IsoDate, Nullable } from '../http/schemas.js';

/** A saved template's id (an integer) or a built-in starter's (`starter-newsletter`). */
export const TemplateId = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^starter-[a-z0-9-]{1,40}$' })], {
  description: 'A saved template (its integer id) or a built-in starter (`starter-<key>`)',
});
export type TemplateId = Static<typeof TemplateId>;

export const Template = Type.Object(
  {
    id: TemplateId,
    /** `starter`: built into Ricochet, the same in every workspace, read-only; `saved`: the workspace's own. */
    kind: Type.Union([Type.Literal('starter'), Type.Literal('saved')]),
    name: Type.String(),
    description: Nullable(Type.String()),
    /** Exactly one of design and html is set. */
    design: Nullable(Design),
    html: Nullable(Type.String()),
    /** Null for starters. */
    createdAt: Nullable(IsoDate),
    updatedAt: Nullable(IsoDate),
  },
  { $id: 'Template' },
);
export type Template = Static<typeof Template>;

export const TemplateList = Type.Object({ items: Type.Array(Template) }, { $id: 'TemplateList' });

const name = Type.String({ minLength: 1, maxLength: 200 });
const html = Type.String({ minLength: 1, maxLength: 2_000_000 });

export const TemplateCreate = Type.Object(
  {
    name,
    design: Type.Optional(Design),
    html: Type.Optional(html),
    /** Saves the content (design or HTML) of this email campaign of the workspace. */
    campaignId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false, description: 'A name and exactly one of design, html or campaignId' },
);
export type TemplateCreate = Static<typeof TemplateCreate>;

export const TemplatePatch = Type.Object(
  {
    name: Type.Optional(name),
    /** Replaces the content: a design clears the HTML, HTML clears the design. */
    design: Type.Optional(Design),
    html: Type.Optional(html),
  },
  { additionalProperties: false },
);
export type TemplatePatch = Static<typeof TemplatePatch>;

export const TemplateParams = Type.Object({ id: Type.String({ pattern: '^([1-9][0-9]{0,15}|starter-[a-z0-9-]{1,40})$' }) });
export type TemplateParams = Static<typeof TemplateParams>;
