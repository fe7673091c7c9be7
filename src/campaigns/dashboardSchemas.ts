import { Type, type Static } from '@sinclair/typebox';
import { IsoDate, Nullable } from '../http/schemas.js';
import { CampaignStatus, ChannelName, Progress } from './schemas.js';

/** The home page's summary: recent sends with their human rates (SPEC §2), new subscribers per day, sends in flight. */
export const Dashboard = Type.Object(
  {
    recent: Type.Array(
      Type.Object({
        id: Type.Integer(),
        name: Type.String(),
        channel: ChannelName,
        status: CampaignStatus,
        sentAt: Nullable(IsoDate),
        received: Type.Integer(),
        /** Human openers ÷ received, as the campaign's stats' humanRates; null for SMS. */
        humanOpenRate: Nullable(Type.Number()),
        humanClickRate: Type.Number(),
      }),
    ),
    growth: Type.Object({
      /** Midnight UTC, 29 days before today: 30 days with today. */
      since: IsoDate,
      /** Contacts added since then and subscribed now (by email or SMS), erased ones left out. */
      added: Type.Integer(),
      /** Contacts subscribed now, by email or SMS. */
      subscribed: Type.Integer(),
      days: Type.Array(Type.Object({ day: Type.String(), added: Type.Integer() })),
    }),
    sendingNow: Type.Array(
      Type.Object({ id: Type.Integer(), name: Type.String(), channel: ChannelName, status: CampaignStatus, progress: Progress }),
    ),
  },
  { $id: 'Dashboard' },
);
export type Dashboard = Static<typeof Dashboard>;
