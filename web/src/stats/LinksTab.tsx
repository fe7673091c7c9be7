import { Anchor, Card, Stack, Table, Text } from '@mantine/core';
import { useMemo } from 'react';
import { useMerged } from '../campaigns/EmailPreview';
import { formatNumber } from '../format';
import type { Campaign, CampaignStats } from '../types';

/**
 * The email with each link's clicks drawn over it: anchors are matched to the
 * campaign's links by URL, in order, and get a badge. Shown in a sandboxed iframe.
 */
function ClickMap({ html, links }: { html: string; links: CampaignStats['links'] }) {
  const { output } = useMerged(html);
  const annotated = useMemo(() => {
    const doc = new DOMParser().parseFromString(output, 'text/html');
    const byUrl = new Map<string, CampaignStats['links']>();
    for (const link of links) byUrl.set(link.url, [...(byUrl.get(link.url) ?? []), link]);
    const style = doc.createElement('style');
    style.textContent =
      '.ricochet-badge{display:inline-block;margin-left:4px;padding:1px 6px;border-radius:10px;background:#f76707;color:#fff;font:bold 11px system-ui,sans-serif;vertical-align:middle}a{outline:2px dashed rgba(247,103,7,.5)}';
    doc.head.append(style);
    for (const anchor of Array.from(doc.querySelectorAll('a[href]'))) {
      const candidates = byUrl.get(anchor.getAttribute('href')!);
      const link = candidates?.shift();
      if (!link) continue;
      const badge = doc.createElement('span');
      badge.className = 'ricochet-badge';
      badge.textContent = `${link.clicks} ${link.clicks === 1 ? 'click' : 'clicks'} · ${link.uniqueClickers} ${link.uniqueClickers === 1 ? 'person' : 'people'}`;
      anchor.after(badge);
    }
    return '<!doctype html>' + doc.documentElement.outerHTML;
  }, [output, links]);
  return <iframe title="Click map" sandbox="" srcDoc={annotated} className="preview-frame" style={{ height: 600 }} />;
}

export function LinksTab({ campaign, stats }: { campaign: Campaign; stats: CampaignStats }) {
  const links = [...stats.links].sort((a, b) => b.clicks - a.clicks);
  return (
    <Stack>
      <Table withTableBorder striped>
        <caption className="sr-only">Clicks per link</caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Link</Table.Th>
            <Table.Th>Clicks</Table.Th>
            <Table.Th>Unique clickers</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {links.map((link) => (
            <Table.Tr key={link.id}>
              <Table.Td maw={520} style={{ overflowWrap: 'anywhere' }}>
                <Anchor href={link.url} target="_blank" rel="noreferrer noopener" size="sm">
                  {link.url}
                </Anchor>
              </Table.Td>
              <Table.Td className="tabular">{formatNumber(link.clicks)}</Table.Td>
              <Table.Td className="tabular">{formatNumber(link.uniqueClickers)}</Table.Td>
            </Table.Tr>
          ))}
          {links.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text c="dimmed">This campaign has no tracked link.</Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
      {campaign.channel === 'email' && campaign.html && (
        <Card withBorder>
          <Text fw={600} mb="xs">
            Click map
          </Text>
          <ClickMap html={campaign.html} links={stats.links} />
        </Card>
      )}
    </Stack>
  );
}
