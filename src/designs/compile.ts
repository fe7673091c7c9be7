import mjml2html from 'mjml';
import { designError } from './check.js';
import { attribute, html, quoted, rawHtml, richText, text } from './markup.js';
import type { Block, Design, DesignStyle, Row, SocialNetwork } from './schema.js';

/**
 * A design compiled to email HTML (SPEC §10), once per campaign, never per recipient.
 *
 * MJML lays out the rows and columns (responsive, Outlook-safe, stacked below 480 px); what
 * blocks hold never goes through MJML: each piece of user content is a slot in the MJML source,
 * filled after MJML ran with markup written by markup.ts. So no text, link or HTML can close
 * or open an MJML tag, and merge tags come out exactly as written for the sending pipeline.
 */
export interface CompiledDesign {
  html: string;
  /** True when the design had no unsubscribe link and a footer row was added to the output (the design itself is unchanged). */
  footerAdded: boolean;
}

export const DEFAULT_STYLE: Required<DesignStyle> = {
  width: 600,
  backgroundColor: '#f4f4f5',
  contentBackgroundColor: '#ffffff',
  fontFamily: 'Helvetica, Arial, sans-serif',
  textColor: '#1f2937',
  linkColor: '#2563eb',
};

const HAS_UNSUBSCRIBE = /\{\{-?\s*unsubscribe_url\b/;
const ADDED_FOOTER: Block = { type: 'footer', text: 'You receive this email because you subscribed to our messages.' };
const FOOTER_COLOR = '#6b7280';
const HEADING_SIZES = { 1: 28, 2: 22, 3: 18 } as const;
const NETWORKS: Record<SocialNetwork, string> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  website: 'Website',
};

/** Slots: what MJML sees where user content goes. Content slots stand alone in a tag's body; attribute slots are a whole attribute value. */
class Slots {
  private readonly fills: string[] = [];
  content(markup: string): string {
    return `@@rc-c${this.fills.push(markup) - 1}@@`;
  }
  attribute(name: string, value: string): string {
    return ` ${name}="@@rc-a${this.fills.push(quoted(value)) - 1}@@"`;
  }
  some(test: (markup: string) => boolean): boolean {
    return this.fills.some(test);
  }
  fill(output: string): string {
    return output.replace(/"@@rc-a(\d+)@@"|@@rc-c(\d+)@@/g, (_, a?: string, c?: string) => this.fills[Number(a ?? c)]!);
  }
}

export async function compileDesign(design: Design): Promise<CompiledDesign> {
  const { mjml, footerAdded, fill } = designMjml(design);
  const result = await mjml2html(mjml, { validationLevel: 'strict', fonts: {}, keepComments: false }).catch((error: Error) => {
    // A valid design never gets here: this is a bug in the compiler, not in the design.
    throw new Error(`The design compiled to invalid MJML: ${error.message}`);
  });
  // MJML's indentation is ours to drop (user content is not in the output yet).
  return { html: fill(result.html.replace(/\n\s+/g, '\n')), footerAdded };
}

/** The MJML source of a design, and how to fill its output's slots with the blocks' content. */
export function designMjml(design: Design): { mjml: string; footerAdded: boolean; fill(html: string): string } {
  const error = designError(design);
  if (error) throw error;
  const style = { ...DEFAULT_STYLE, ...design.style };
  const slots = new Slots();
  let sections = design.rows.map((row) => section(row, style, slots)).join('');
  // Judged on what the blocks compiled to: a link the text policy dropped is no unsubscribe link.
  const footerAdded = !slots.some((markup) => HAS_UNSUBSCRIBE.test(markup));
  if (footerAdded) sections += section({ columns: [{ blocks: [ADDED_FOOTER] }] }, style, slots);

  const mjml =
    '<mjml><mj-head><mj-attributes>' +
    `<mj-all font-family="${fontStack(style.fontFamily)}" />` +
    `<mj-text color="${style.textColor}" font-size="16px" line-height="1.5" padding="8px 24px" />` +
    `<mj-section background-color="${style.contentBackgroundColor}" padding="12px 0px" />` +
    '<mj-image padding="8px 24px" />' +
    '<mj-button font-size="16px" font-weight="bold" border-radius="6px" inner-padding="12px 24px" padding="12px 24px" />' +
    '<mj-divider border-width="1px" padding="12px 24px" />' +
    `</mj-attributes><mj-style>a { color: ${style.linkColor}; }</mj-style></mj-head>` +
    `<mj-body width="${style.width}px" background-color="${style.backgroundColor}">` +
    sections +
    '</mj-body></mjml>';
  return { mjml, footerAdded, fill: (html) => slots.fill(html) };
}

/** `"Helvetica Neue", Arial` → `'Helvetica Neue', Arial`: names unquoted then quoted again when they hold a space, so no quote is left open. */
function fontStack(fonts: string): string {
  const names = fonts.split(',').map((name) => name.replace(/["']/g, '').trim()).filter(Boolean);
  return names.map((name) => (/\s/.test(name) ? `'${name}'` : name)).join(', ') || DEFAULT_STYLE.fontFamily;
}

function section(row: Row, style: Required<DesignStyle>, slots: Slots): string {
  const background = row.backgroundColor ? ` background-color="${row.backgroundColor}"` : '';
  const columns = row.columns.map((column) => `<mj-column>${column.blocks.map((block) => blockMjml(block, style, slots)).join('')}</mj-column>`);
  return `<mj-section${background}>${columns.join('')}</mj-section>`;
}

function blockMjml(block: Block, style: Required<DesignStyle>, slots: Slots): string {
  const align = 'align' in block && block.align ? ` align="${block.align}"` : '';
  switch (block.type) {
    case 'heading': {
      const level = block.level ?? 1;
      const css = `margin:0;font-size:${HEADING_SIZES[level]}px;line-height:1.25;font-weight:bold;color:${block.color ?? style.textColor}`;
      return `<mj-text${align}>${slots.content(`<h${level} style="${css}">${text(block.text)}</h${level}>`)}</mj-text>`;
    }
    case 'text':
      return `<mj-text${align}>${slots.content(html(block.html, richText(style.linkColor)))}</mj-text>`;
    case 'image': {
      const width = block.width ? ` width="${block.width}px"` : '';
      const href = block.href ? slots.attribute('href', block.href) : '';
      return `<mj-image${slots.attribute('src', block.src)}${slots.attribute('alt', block.alt)}${href}${width}${align} />`;
    }
    case 'button': {
      const colours = ` background-color="${block.backgroundColor ?? style.linkColor}" color="${block.color ?? '#ffffff'}"`;
      return `<mj-button${slots.attribute('href', block.href)}${colours}${align}>${slots.content(text(block.label))}</mj-button>`;
    }
    case 'divider':
      return `<mj-divider border-color="${block.color ?? '#e5e7eb'}" />`;
    case 'spacer':
      return `<mj-spacer height="${block.height}px" />`;
    case 'social': {
      // Text links, not MJML's icons: those are images on a third party's servers, fetched at every open.
      if (!block.links.length) return '';
      const links = block.links.map(
        (link) => `<a${attribute('href', link.href)} style="color:${style.linkColor};text-decoration:none;font-weight:bold">${NETWORKS[link.network]}</a>`,
      );
      return `<mj-text${align || ' align="center"'}>${slots.content(links.join(' &nbsp;·&nbsp; '))}</mj-text>`;
    }
    case 'html':
      return `<mj-text padding="0px">${slots.content(html(block.html, rawHtml))}</mj-text>`;
    case 'footer': {
      const line = block.text?.trim() ? `${text(block.text.trim()).replace(/\r?\n/g, '<br>')}<br>` : '';
      const link = (href: string, label: string) => `<a href="${href}" style="color:${FOOTER_COLOR};text-decoration:underline">${label}</a>`;
      const markup = `${line}${link('{{ view_online_url }}', 'View online')} &nbsp;·&nbsp; ${link('{{ unsubscribe_url }}', 'Unsubscribe')}`;
      return `<mj-text align="center" font-size="12px" color="${FOOTER_COLOR}">${slots.content(markup)}</mj-text>`;
    }
  }
}
