import type { Dialect } from '../db/dialect.js';
import type { CampaignRow } from '../db/schema.js';
import type { AppContext } from '../context.js';
import { signingKeyFor } from '../domains/domains.js';
import { signer, type Signer, type TokenPurpose } from '../tracking/tokens.js';
import type { CompiledCampaign, Recipient } from './channel.js';
import { compileEmailTemplate, renderEmail, trackedUrls, type EmailTemplate } from './render/email.js';

export interface CompiledEmail extends CompiledCampaign {
  /** The template of variant A (or of the campaign without a test): what test sends and previews show. */
  template: EmailTemplate;
  /** Renders one recipient (the sender's batches, and the view-online page). */
  render(recipient: Recipient): ReturnType<typeof renderEmail>;
}

/** What an A/B variant sets (campaigns/schemas.ts AbVariant; a design is kept compiled in `html`); the rest is the campaign's. */
interface StoredVariant {
  key: string;
  subject?: string | null;
  fromName?: string | null;
  html?: string | null;
  body?: string | null;
}

export interface CampaignVariant {
  /** Null for a campaign without an A/B test. */
  key: string | null;
  /** The campaign as this variant reads: its subject, sender name, HTML or SMS body where the variant sets them. */
  campaign: CampaignRow;
}

/** The campaign's variants in key order, or the campaign alone when it has no A/B test. */
export function campaignVariants(dialect: Dialect, campaign: CampaignRow): CampaignVariant[] {
  const test = dialect.readJson(campaign.ab_test) as { variants?: StoredVariant[] } | null;
  if (!test?.variants?.length) return [{ key: null, campaign }];
  return test.variants.map((v) => ({
    key: v.key,
    campaign: {
      ...campaign,
      subject: v.subject ?? campaign.subject,
      from_name: v.fromName ?? campaign.from_name,
      html: v.html ?? campaign.html,
      // A variant's own content has its text part made from it: the campaign's text is another message's.
      text: v.html == null ? campaign.text : null,
      body: v.body ?? campaign.body,
    },
  }));
}

/** The variant a recipient gets: theirs, or the first (A) when they have none or it is no longer in the test. */
export function variantFor<T extends { key: string | null }>(variants: T[], key: string | null | undefined): T {
  return (key != null && variants.find((v) => v.key === key)) || variants[0]!;
}

/** Every contact without tracking consent shares the campaign's anonymous tokens: sign each once. */
function memoized(inner: Signer): Signer {
  const tokens = new Map<string, string>();
  return {
    token(purpose: TokenPurpose, link = 0) {
      const key = `${purpose}:${link}`;
      let token = tokens.get(key);
      if (token === undefined) tokens.set(key, (token = inner.token(purpose, link)));
      return token;
    },
  };
}

/**
 * Compiles an email campaign once and stores its links (positions 1..n and the
 * honeypot). Storing is idempotent: every worker compiles the same template to
 * the same positions. An A/B campaign is compiled once per variant, each
 * variant's links (and honeypot) numbered after the previous variant's, so a
 * position names one link of one variant and tracking needs nothing more. The
 * DKIM key of the From address's sending domain (in the campaign's workspace) is looked up here, once, and signs every message; a key
 * that cannot be read fails the compile, so the campaign pauses saying why rather
 * than going out unsigned. `dkim: false` for a rendering that is never sent.
 */
export async function compileEmailCampaign(ctx: AppContext, campaign: CampaignRow, options: { dkim?: boolean } = {}): Promise<CompiledEmail> {
  let next = 1;
  const variants = campaignVariants(ctx.store.dialect, campaign).map((variant) => {
    const template = compileEmailTemplate(variant.campaign, { track: true, firstPosition: next });
    next += template.links.length;
    return { ...variant, template, honeypot: template.links.find((l) => l.kind === 'honeypot')!.position };
  });
  const { publicUrl } = ctx.config;
  await ctx.store.db
    .insertInto('links')
    .values(
      variants.flatMap(({ key, template }) =>
        template.links.map((link) => ({
          campaign_id: campaign.id,
          position: link.position,
          // The honeypot leads nowhere interesting: the home page of the tracking host.
          url: link.kind === 'honeypot' ? `${publicUrl}/` : link.url,
          kind: link.kind,
          variant: key,
        })),
      ),
    )
    .onConflict((oc) => oc.columns(['campaign_id', 'position']).doNothing())
    .execute();
  const anonymous = memoized(signer(ctx.secret, campaign.id, true));
  const dkim = options.dkim !== false && campaign.from_email ? await signingKeyFor(ctx, campaign.workspace_id, campaign.from_email) : undefined;
  const render = (recipient: Recipient) => {
    const variant = variantFor(variants, recipient.variant);
    const rendered = renderEmail(variant.template, variant.campaign, {
      recipient,
      to: recipient.email!,
      urls: trackedUrls(publicUrl, signer(ctx.secret, recipient.messageId), recipient.trackingConsent ? undefined : anonymous, variant.honeypot),
    });
    if (dkim) rendered.dkim = dkim;
    return rendered;
  };
  return {
    campaign,
    template: variants[0]!.template,
    render,
    async renderBatch(recipients) {
      return recipients.map((recipient) => {
        if (!recipient.email) return { skip: 'no_address' };
        try {
          return render(recipient);
        } catch (error) {
          return { skip: `render_failed: ${(error as Error).message}`.slice(0, 500) };
        }
      });
    },
  };
}

/** Compiled campaigns kept per process, so each is compiled once; a finished one is dropped. */
export class CompiledCache<T extends CompiledCampaign> {
  private readonly entries = new Map<number, Promise<T>>();
  constructor(
    private readonly compile: (campaign: CampaignRow) => Promise<T>,
    private readonly capacity = 100,
  ) {}

  get(campaign: CampaignRow): Promise<T> {
    let entry = this.entries.get(campaign.id);
    if (!entry) {
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
      entry = this.compile(campaign);
      entry.catch(() => this.entries.delete(campaign.id));
      this.entries.set(campaign.id, entry);
    }
    return entry;
  }

  drop(campaignId: number): void {
    this.entries.delete(campaignId);
  }
}
