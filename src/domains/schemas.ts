import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable } from '../http/schemas.js';

export const RecordStatus = Type.Union(
  [Type.Literal('unchecked'), Type.Literal('valid'), Type.Literal('missing'), Type.Literal('mismatch'), Type.Literal('unreachable')],
  { description: 'unchecked until the first check; unreachable when DNS did not answer for this name' },
);

export const DomainRecord = Type.Object(
  {
    purpose: Type.Union([Type.Literal('dkim'), Type.Literal('spf'), Type.Literal('dmarc')]),
    type: Type.Literal('TXT'),
    name: Type.String({ description: 'The full name to publish the record at' }),
    value: Type.String({ description: 'The text to publish' }),
    status: RecordStatus,
    found: Type.Optional(Type.Array(Type.String(), { description: 'What the last check found there that bears on this record' })),
  },
  { $id: 'DomainRecord' },
);
export type DomainRecord = Static<typeof DomainRecord>;

export const SendingDomain = Type.Object(
  {
    id: Type.Integer(),
    domain: Type.String(),
    selector: Type.String({ description: 'The DKIM selector: the key is published at <selector>._domainkey.<domain>' }),
    createdAt: IsoDate,
    checkedAt: Nullable(IsoDate),
    verified: Type.Boolean({ description: 'The DKIM record was found with this key at the last check that reached DNS' }),
    records: Type.Array(DomainRecord),
    check: Nullable(Type.Object({ ok: Type.Boolean(), message: Type.String() }, { description: 'The last check: ok is false when DNS did not answer' })),
  },
  { $id: 'SendingDomain' },
);
export type SendingDomain = Static<typeof SendingDomain>;

export const DomainCreate = Type.Object(
  { domain: Type.String({ minLength: 1, maxLength: 300, description: 'e.g. mail.example.com; international names are stored in their xn-- form' }) },
  { additionalProperties: false },
);
export type DomainCreate = Static<typeof DomainCreate>;
