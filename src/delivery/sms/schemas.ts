import { Type, type Static } from '@sinclair/typebox';
import { Nullable } from '../../http/schemas.js';

const Size = {
  contactId: Nullable(Type.Integer()),
  characters: Type.Integer({ description: 'Septets (GSM, extension characters count 2) or UTF-16 code units (UCS-2)' }),
  encoding: Type.Union([Type.Literal('gsm7'), Type.Literal('ucs2')]),
  parts: Type.Integer(),
  perPart: Type.Integer({ description: '160/153 (GSM) or 70/67 (UCS-2)' }),
};

export const SmsPreview = Type.Object({
  maxParts: Type.Integer(),
  audience: Type.Integer({ description: 'Contacts that would receive it: subscribed to SMS, with a valid number' }),
  sample: Type.Object({ ...Size, text: Type.String({ description: 'The SMS as sent; short links shown as PUBLIC_URL/s/xxxxxxxx' }) }),
  longest: Type.Object(Size, { description: 'The longest SMS over the audience: personalisation changes the length' }),
  overMaxParts: Type.Integer({ description: 'Recipients whose SMS would exceed maxParts and be skipped' }),
});
export type SmsPreview = Static<typeof SmsPreview>;
