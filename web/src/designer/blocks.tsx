import DOMPurify from 'dompurify';
import { memo, useMemo } from 'react';
import type { Block, BlockType, DesignStyle } from './model';

export const BLOCK_LABELS: Record<BlockType, string> = {
  heading: 'Heading',
  text: 'Text',
  image: 'Image',
  button: 'Button',
  divider: 'Divider',
  spacer: 'Spacer',
  social: 'Social',
  html: 'HTML',
  footer: 'Footer',
};

/** What the compiler uses when the design does not say (src/designs/compile.ts), so that the canvas looks like the email. */
export const STYLE_DEFAULTS: Required<DesignStyle> = {
  width: 600,
  backgroundColor: '#f4f4f5',
  contentBackgroundColor: '#ffffff',
  fontFamily: 'Helvetica, Arial, sans-serif',
  textColor: '#1f2937',
  linkColor: '#2563eb',
};

export const NETWORK_LABELS: Record<string, string> = {
  facebook: 'Facebook',
  instagram: 'Instagram',
  x: 'X',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  tiktok: 'TikTok',
  website: 'Website',
};

const HEADING_SIZES = { 1: 28, 2: 22, 3: 18 } as const;

/** Rich text as the text block allows it; anything else (scripts, handlers, styles) is dropped before it reaches the page. */
export function sanitizeText(html: string): string {
  // Without a DOM DOMPurify trusts (an old engine), the markup shows as text rather than unchecked.
  if (!DOMPurify.isSupported) return html.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return DOMPurify.sanitize(html, { ALLOWED_TAGS: ['p', 'strong', 'b', 'em', 'i', 'a', 'ul', 'ol', 'li', 'br'], ALLOWED_ATTR: ['href'] });
}

function RichText({ html, align }: { html: string; align?: string }) {
  const clean = useMemo(() => sanitizeText(html), [html]);
  return <div className="designer-text" style={{ textAlign: align as 'left' }} dangerouslySetInnerHTML={{ __html: clean }} />;
}

/**
 * A block drawn close to how the email shows it. Memoized on the block object: the document's
 * operations keep unchanged blocks identical, so only the edited block redraws.
 */
export const BlockContent = memo(function BlockContent({ block, linkColor }: { block: Block; linkColor: string }) {
  switch (block.type) {
    case 'heading': {
      // Not a heading of the app's page: the block around it says what it is ("Heading block").
      return (
        <div className="designer-heading" style={{ fontSize: HEADING_SIZES[block.level ?? 1], textAlign: block.align, color: block.color }}>
          {block.text || '\u00a0'}
        </div>
      );
    }
    case 'text':
      return <RichText html={block.html} align={block.align} />;
    case 'image':
      return (
        <div style={{ textAlign: block.align ?? 'center' }}>
          <img className="designer-image" src={block.src} alt={block.alt} style={{ width: block.width ? `${block.width}px` : '100%' }} draggable={false} />
        </div>
      );
    case 'button':
      return (
        <div style={{ textAlign: block.align ?? 'center' }}>
          <span className="designer-button" style={{ background: block.backgroundColor ?? linkColor, color: block.color ?? '#ffffff' }}>
            {block.label}
          </span>
        </div>
      );
    case 'divider':
      return <hr className="designer-divider" style={{ borderTopColor: block.color ?? '#e5e7eb' }} />;
    case 'spacer':
      return <div className="designer-spacer" style={{ height: block.height }} />;
    case 'social':
      return (
        <div className="designer-social" style={{ textAlign: block.align ?? 'center' }}>
          {block.links.length === 0 ? (
            <span className="designer-muted">No links yet</span>
          ) : (
            block.links.map((link, i) => (
              <span key={i} style={{ color: linkColor }}>
                {NETWORK_LABELS[link.network]}
              </span>
            ))
          )}
        </div>
      );
    case 'html':
      // An editor's HTML never runs in the app: an empty sandbox, and no pointer events so that it drags like any block.
      return <iframe className="designer-html" title="HTML block content" sandbox="" srcDoc={block.html} tabIndex={-1} />;
    case 'footer':
      return (
        <div className="designer-footer">
          {block.text?.trim() && <div style={{ whiteSpace: 'pre-line' }}>{block.text.trim()}</div>}
          <div>
            <span className="designer-link">View online</span> · <span className="designer-link">Unsubscribe</span>
          </div>
        </div>
      );
  }
});
