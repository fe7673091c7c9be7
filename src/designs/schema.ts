import { Type, type Static } from '@sinclair/typebox';

/*
 * The designer's block document (SPEC §10), declared once: the API validates it, the server
 * compiles it (compile.ts) and the web app edits it with these types. Colours, sizes and fonts
 * are constrained here so that nothing a client writes can break out of the markup it lands in.
 */

const Colour = Type.String({ pattern: '^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$', description: 'A hex colour, #rgb or #rrggbb.' });
const Align = Type.Union([Type.Literal('left'), Type.Literal('center'), Type.Literal('right')]);
/** Merge tags are allowed in an address (`{{ contact.fields.shop }}`); which schemes are sent is the link rewriter's rule. */
const Href = Type.String({ minLength: 1, maxLength: 2000 });
/** Blocks, columns and rows carry an id so that the editor can drag them; the API does not require one. */
const Id = Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[\\w-]+$' }));

export const HeadingBlock = Type.Object(
  {
    type: Type.Literal('heading'),
    id: Id,
    /** Plain text with merge tags; the compiler escapes it. */
    text: Type.String({ maxLength: 500 }),
    level: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2), Type.Literal(3)])),
    align: Type.Optional(Align),
    color: Type.Optional(Colour),
  },
  { additionalProperties: false },
);

export const TextBlock = Type.Object(
  {
    type: Type.Literal('text'),
    id: Id,
    /** Rich text (p, strong, em, a, ul, ol, li, br) with merge tags. */
    html: Type.String({ maxLength: 100_000 }),
    align: Type.Optional(Align),
  },
  { additionalProperties: false },
);

export const ImageBlock = Type.Object(
  {
    type: Type.Literal('image'),
    id: Id,
    src: Type.String({ minLength: 1, maxLength: 2000, pattern: '^https?://' }),
    alt: Type.String({ maxLength: 500 }),
    href: Type.Optional(Href),
    /** Pixels; by default the column's width. */
    width: Type.Optional(Type.Integer({ minimum: 16, maximum: 1200 })),
    align: Type.Optional(Align),
  },
  { additionalProperties: false },
);

export const ButtonBlock = Type.Object(
  {
    type: Type.Literal('button'),
    id: Id,
    label: Type.String({ minLength: 1, maxLength: 200 }),
    href: Href,
    align: Type.Optional(Align),
    backgroundColor: Type.Optional(Colour),
    color: Type.Optional(Colour),
  },
  { additionalProperties: false },
);

export const DividerBlock = Type.Object(
  { type: Type.Literal('divider'), id: Id, color: Type.Optional(Colour) },
  { additionalProperties: false },
);

export const SpacerBlock = Type.Object(
  { type: Type.Literal('spacer'), id: Id, height: Type.Integer({ minimum: 4, maximum: 200 }) },
  { additionalProperties: false },
);

export const SocialNetwork = Type.Union([
  Type.Literal('facebook'),
  Type.Literal('instagram'),
  Type.Literal('x'),
  Type.Literal('linkedin'),
  Type.Literal('youtube'),
  Type.Literal('tiktok'),
  Type.Literal('website'),
]);
export type SocialNetwork = Static<typeof SocialNetwork>;

export const SocialBlock = Type.Object(
  {
    type: Type.Literal('social'),
    id: Id,
    links: Type.Array(Type.Object({ network: SocialNetwork, href: Href }, { additionalProperties: false }), { maxItems: 10 }),
    align: Type.Optional(Align),
  },
  { additionalProperties: false },
);

export const HtmlBlock = Type.Object(
  { type: Type.Literal('html'), id: Id, html: Type.String({ maxLength: 200_000 }) },
  { additionalProperties: false },
);

/** The unsubscribe and view-online links, with an optional line above them (the sender's postal address). */
export const FooterBlock = Type.Object(
  { type: Type.Literal('footer'), id: Id, text: Type.Optional(Type.String({ maxLength: 1000 })) },
  { additionalProperties: false },
);

export const Block = Type.Union([HeadingBlock, TextBlock, ImageBlock, ButtonBlock, DividerBlock, SpacerBlock, SocialBlock, HtmlBlock, FooterBlock]);
export type Block = Static<typeof Block>;
export type BlockType = Block['type'];

export const Column = Type.Object(
  { id: Id, blocks: Type.Array(Block, { maxItems: 50 }) },
  { additionalProperties: false },
);
export type Column = Static<typeof Column>;

export const Row = Type.Object(
  {
    id: Id,
    columns: Type.Array(Column, { minItems: 1, maxItems: 4 }),
    backgroundColor: Type.Optional(Colour),
  },
  { additionalProperties: false },
);
export type Row = Static<typeof Row>;

export const DesignStyle = Type.Object(
  {
    /** The email's width on a wide screen, in pixels. */
    width: Type.Optional(Type.Integer({ minimum: 480, maximum: 900 })),
    backgroundColor: Type.Optional(Colour),
    contentBackgroundColor: Type.Optional(Colour),
    fontFamily: Type.Optional(Type.String({ maxLength: 200, pattern: "^[\\w ,'\"-]+$" })),
    textColor: Type.Optional(Colour),
    linkColor: Type.Optional(Colour),
  },
  { additionalProperties: false },
);
export type DesignStyle = Static<typeof DesignStyle>;

export const Design = Type.Object(
  {
    version: Type.Literal(1),
    style: Type.Optional(DesignStyle),
    rows: Type.Array(Row, { maxItems: 200 }),
  },
  { additionalProperties: false, description: 'A block document edited in the designer (SPEC §10)' },
);
export type Design = Static<typeof Design>;
