import { createRow, type Block, type Design } from '../model.js';

const KINDS: ((i: number) => Block)[] = [
  (i) => ({ type: 'heading', id: `h${i}`, text: `Heading ${i + 1} for {{ contact.firstName | default: "there" }}`, level: 2 }),
  (i) => ({ type: 'text', id: `t${i}`, html: `<p>Paragraph ${i + 1}: our <strong>spring</strong> collection is here, with <a href="https://shop.example/${i}">new arrivals</a>.</p><ul><li>Bags</li><li>Shoes</li></ul>` }),
  (i) => ({ type: 'button', id: `b${i}`, label: `Shop now ${i + 1}`, href: `https://shop.example/b${i}`, align: 'center' }),
  (i) => ({ type: 'divider', id: `d${i}` }),
  (i) => ({ type: 'spacer', id: `s${i}`, height: 16 }),
  (i) => ({ type: 'social', id: `so${i}`, links: [{ network: 'instagram', href: 'https://instagram.com/shop' }, { network: 'website', href: 'https://shop.example' }] }),
];

/** A newsletter of `count` blocks: one-column rows with a two-column row every fourth, and a footer last. */
export function sampleDesign(count: number): Design {
  const rows: Design['rows'] = [];
  let made = 0;
  while (made < count - 1) {
    if (rows.length % 4 === 3 && count - 1 - made >= 2) {
      const row = createRow(2);
      row.columns[0]!.blocks.push(KINDS[made % KINDS.length]!(made));
      made++;
      row.columns[1]!.blocks.push(KINDS[made % KINDS.length]!(made));
      made++;
      rows.push(row);
    } else {
      rows.push(createRow(1, [KINDS[made % KINDS.length]!(made)]));
      made++;
    }
  }
  rows.push(createRow(1, [{ type: 'footer', id: 'footer', text: 'Ricochet Shop, 1 rue de la Paix, Paris' }]));
  return { version: 1, style: { width: 600 }, rows };
}
