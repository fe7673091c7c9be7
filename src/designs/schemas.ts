import { Type, type Static } from '@sinclair/typebox';
import { Design } from './schema.js';

export const CompileRequest = Type.Object({ design: Design }, { additionalProperties: false });
export type CompileRequest = Static<typeof CompileRequest>;

export const CompiledDesign = Type.Object(
  {
    html: Type.String({ description: 'Responsive email HTML, merge tags as written: what a campaign with this design sends' }),
    footerAdded: Type.Boolean({ description: 'The design has no unsubscribe link: a footer with one was added to the HTML' }),
  },
  { $id: 'CompiledDesign' },
);
