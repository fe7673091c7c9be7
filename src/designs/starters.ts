import type { Block, Design, Row } from './schema.js';

/**
 * The built-in templates a new campaign can start from (SPEC §10): real designs, edited like any
 * other. Images are served by the web app from web/public/starters/, so their addresses are
 * absolute under the instance's public URL.
 */
export interface Starter {
  key: 'newsletter' | 'promotion' | 'announcement' | 'letter';
  name: string;
  description: string;
  design(publicUrl: string): Design;
}

const FIRST_NAME = '{{ contact.firstName | default: "there" }}';
const ADDRESS = 'Northwind Goods · 12 Harbour Street · Bristol BS1 4RN · United Kingdom';

const row = (blocks: Block[], backgroundColor?: string): Row => ({ columns: [{ blocks }], ...(backgroundColor ? { backgroundColor } : {}) });
const columns = (...blocks: Block[][]): Row => ({ columns: blocks.map((b) => ({ blocks: b })) });

/** Every block carries an id, as the editor gives them, so that a starter drags like a design made in it. */
function withIds(design: Design): Design {
  let next = 0;
  const id = (kind: string) => `${kind}-${++next}`;
  return {
    ...design,
    rows: design.rows.map((r) => ({
      id: id('row'),
      ...r,
      columns: r.columns.map((c) => ({ id: id('col'), ...c, blocks: c.blocks.map((b) => ({ ...b, id: id(b.type) })) })),
    })),
  };
}

const footer = (extra = ''): Block => ({ type: 'footer', text: `${ADDRESS}${extra}` });

const newsletter = (publicUrl: string): Design =>
  withIds({
    version: 1,
    style: { width: 600, backgroundColor: '#eef2f7', contentBackgroundColor: '#ffffff', fontFamily: 'Helvetica, Arial, sans-serif', textColor: '#1f2937', linkColor: '#0f766e' },
    rows: [
      row([{ type: 'image', src: `${publicUrl}/starters/logo.png`, alt: 'Northwind Goods', href: 'https://www.example.com/', width: 160, align: 'left' }]),
      row([
        { type: 'image', src: `${publicUrl}/starters/newsletter-hero.png`, alt: 'This month at Northwind', href: 'https://www.example.com/journal' },
        { type: 'heading', text: `Hello ${FIRST_NAME}, here is what's new this month`, level: 1 },
        {
          type: 'text',
          html:
            '<p>Spring has arrived at the workshop, and with it a few things we have been looking forward to sharing with you: ' +
            'a new range, a behind-the-scenes visit and the dates of our summer open days.</p>',
        },
      ]),
      columns(
        [
          { type: 'heading', text: 'The linen collection is here', level: 3 },
          { type: 'text', html: '<p>Woven in Flanders and cut in Bristol: shirts, aprons and tea towels that get softer with every wash.</p>' },
          { type: 'button', label: 'See the collection', href: 'https://www.example.com/linen', align: 'left' },
        ],
        [
          { type: 'heading', text: 'Inside the workshop', level: 3 },
          { type: 'text', html: '<p>Meet Priya, who has been sewing our bags for eleven years, and see how one comes together in 40 steps.</p>' },
          { type: 'button', label: 'Read the story', href: 'https://www.example.com/journal/workshop', align: 'left' },
        ],
      ),
      row([
        { type: 'divider' },
        { type: 'heading', text: 'Dates for your diary', level: 2 },
        {
          type: 'text',
          html:
            '<ul><li><strong>14 June</strong>: summer open day at the workshop</li>' +
            '<li><strong>22 June</strong>: repair café, bring anything we made</li>' +
            '<li><strong>5 July</strong>: <a href="https://www.example.com/events/market">harbour market</a> stall</li></ul>' +
            '<p>As always, reply to this email if you have a question: a real person reads every one.</p>',
        },
      ]),
      row(
        [
          { type: 'social', links: [
            { network: 'instagram', href: 'https://www.instagram.com/' },
            { network: 'facebook', href: 'https://www.facebook.com/' },
            { network: 'website', href: 'https://www.example.com/' },
          ] },
          footer(),
        ],
        '#f8fafc',
      ),
    ],
  });

const promotion = (publicUrl: string): Design =>
  withIds({
    version: 1,
    style: { width: 600, backgroundColor: '#fff1f2', contentBackgroundColor: '#ffffff', fontFamily: 'Helvetica, Arial, sans-serif', textColor: '#111827', linkColor: '#be123c' },
    rows: [
      row([{ type: 'image', src: `${publicUrl}/starters/logo.png`, alt: 'Northwind Goods', href: 'https://www.example.com/', width: 160, align: 'center' }]),
      row([
        { type: 'image', src: `${publicUrl}/starters/promotion-hero.png`, alt: 'The spring sale: up to 40% off', href: 'https://www.example.com/sale' },
        { type: 'heading', text: `${FIRST_NAME}, the spring sale starts now`, level: 1, align: 'center' },
        { type: 'text', align: 'center', html: '<p>Up to <strong>40% off</strong> our best sellers until Sunday midnight. Free delivery on every order over £40.</p>' },
        { type: 'button', label: 'Shop the sale', href: 'https://www.example.com/sale', align: 'center', backgroundColor: '#be123c', color: '#ffffff' },
      ]),
      columns(
        [
          { type: 'image', src: `${publicUrl}/starters/product-1.png`, alt: 'Canvas tote bag', href: 'https://www.example.com/sale/tote' },
          { type: 'heading', text: 'Canvas tote', level: 3, align: 'center' },
          { type: 'text', align: 'center', html: '<p><s>£38</s> <strong>£26</strong></p>' },
          { type: 'button', label: 'Buy now', href: 'https://www.example.com/sale/tote', align: 'center', backgroundColor: '#111827' },
        ],
        [
          { type: 'image', src: `${publicUrl}/starters/product-2.png`, alt: 'Linen apron', href: 'https://www.example.com/sale/apron' },
          { type: 'heading', text: 'Linen apron', level: 3, align: 'center' },
          { type: 'text', align: 'center', html: '<p><s>£45</s> <strong>£29</strong></p>' },
          { type: 'button', label: 'Buy now', href: 'https://www.example.com/sale/apron', align: 'center', backgroundColor: '#111827' },
        ],
      ),
      row(
        [
          { type: 'heading', text: 'Use code SPRING at checkout', level: 2, align: 'center' },
          { type: 'text', align: 'center', html: '<p>Offer ends Sunday at midnight. <a href="https://www.example.com/sale/terms">Terms apply</a>.</p>' },
        ],
        '#ffe4e6',
      ),
      row([footer(' · You can unsubscribe from offers at any time.')], '#f9fafb'),
    ],
  });

const announcement = (publicUrl: string): Design =>
  withIds({
    version: 1,
    style: { width: 600, backgroundColor: '#eef2ff', contentBackgroundColor: '#ffffff', fontFamily: 'Helvetica, Arial, sans-serif', textColor: '#1e1b4b', linkColor: '#4f46e5' },
    rows: [
      row([
        { type: 'image', src: `${publicUrl}/starters/logo.png`, alt: 'Northwind Goods', href: 'https://www.example.com/', width: 160, align: 'left' },
      ]),
      row([
        { type: 'image', src: `${publicUrl}/starters/announcement-hero.png`, alt: 'Our new shop opens on 1 June', href: 'https://www.example.com/new-shop' },
        { type: 'heading', text: 'Our new shop opens on 1 June', level: 1 },
        {
          type: 'text',
          html:
            `<p>Dear ${FIRST_NAME},</p><p>After two years of planning, we are opening our first shop in the old harbour master's office. ` +
            'Come and see the full range, try everything on and meet the people who make it.</p>',
        },
        { type: 'button', label: 'Plan your visit', href: 'https://www.example.com/new-shop', align: 'left', backgroundColor: '#4f46e5' },
      ]),
      columns(
        [
          { type: 'heading', text: 'Opening hours', level: 3 },
          { type: 'text', html: '<p>Tuesday to Saturday<br>10:00 to 18:00</p>' },
        ],
        [
          { type: 'heading', text: 'Where', level: 3 },
          { type: 'text', html: '<p>12 Harbour Street, Bristol.<br><a href="https://www.example.com/new-shop/map">Open the map</a></p>' },
        ],
        [
          { type: 'heading', text: 'Opening day', level: 3 },
          { type: 'text', html: '<p>Coffee, music and 10% off everything on 1 June.</p>' },
        ],
      ),
      row([{ type: 'divider' }, footer()]),
    ],
  });

const letter = (): Design =>
  withIds({
    version: 1,
    style: { width: 600, backgroundColor: '#ffffff', contentBackgroundColor: '#ffffff', fontFamily: 'Georgia, serif', textColor: '#222222', linkColor: '#1d4ed8' },
    rows: [
      row([
        {
          type: 'text',
          html:
            `<p>Hi ${FIRST_NAME},</p>` +
            '<p>I wanted to write to you myself, rather than send another announcement. This year we made fewer things, and made them better: ' +
            'every bag is now repaired for free for as long as you own it.</p>' +
            '<p>If something you bought from us needs a little care, <a href="https://www.example.com/repairs">tell us about it here</a> ' +
            'and we will send you a prepaid label. You can also read <a href="https://www.example.com/journal/why-repair">why we decided to do this</a>.</p>' +
            '<p>Thank you for being with us,</p><p>Anna Berg<br>Founder, Northwind Goods</p>',
        },
        { type: 'spacer', height: 16 },
        footer(),
      ]),
    ],
  });

export const STARTERS: Starter[] = [
  { key: 'newsletter', name: 'Newsletter', description: 'A header image, news in two columns, dates and social links.', design: newsletter },
  { key: 'promotion', name: 'Promotion', description: 'A sale: a bold headline, a call to action and two products.', design: promotion },
  { key: 'announcement', name: 'Announcement', description: 'One piece of news, a button and the practical details in three columns.', design: announcement },
  { key: 'letter', name: 'Plain letter', description: 'A personal note in plain text, like an email from a person.', design: () => letter() },
];
