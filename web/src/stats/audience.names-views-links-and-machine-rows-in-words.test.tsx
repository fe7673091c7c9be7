import { describe, expect, it } from 'vitest';
import { describeFilter, problems, toApi, type Group } from '../filters/model';
import { describeAudience, linkLabels, listNameFor, machineEvents } from './audience';

describe('links told apart', () => {
  it('shows the path, query and anchor of links on one host, and the position of a URL that comes twice', () => {
    const labels = linkLabels([
      { id: 11, url: 'https://shop.example.com/spring-collection?utm=mail', position: 1 },
      { id: 12, url: 'https://shop.example.com/summer#shoes', position: 2 },
      { id: 13, url: 'https://shop.example.com/spring-collection?utm=mail', position: 3 },
      { id: 14, url: 'https://shop.example.com/', position: 4 },
    ]);
    expect([...labels.values()]).toEqual(['/spring-collection?utm=mail (link 1)', '/summer#shoes', '/spring-collection?utm=mail (link 3)', 'shop.example.com']);
  });

  it('keeps the host when links lead to several sites', () => {
    const labels = linkLabels([
      { id: 1, url: 'https://www.shop.example.com/sale' },
      { id: 2, url: 'https://blog.example.com/sale' },
    ]);
    expect([...labels.values()]).toEqual(['shop.example.com/sale', 'blog.example.com/sale']);
  });
});

describe('the view in words', () => {
  const filter: Group = {
    match: 'all',
    conditions: [
      { field: 'clicks', op: 'gte', value: 2, human: true },
      { match: 'any', conditions: [{ field: 'contact.fields.city', op: 'eq', value: 'Paris' }, { variant: 'B' }] },
      { not: { field: 'opened', campaignId: 7, op: 'is', value: true } },
    ],
  };

  it('names a list after the segment, every filter and human only, and "all" for everyone', () => {
    const words = { campaigns: [{ id: 7, name: 'Winter sale' }] };
    expect(listNameFor('Spring sale', { segment: 'openers', filter, human: true }, words)).toBe(
      'Spring sale - openers, number of clicks ≥ 2 (human) and (city is Paris or variant B) and not opened “Winter sale”, human only',
    );
    expect(listNameFor('Spring sale', {})).toBe('Spring sale - all');
    expect(describeAudience({ segment: 'clickers' })).toBe('clickers');
  });

  it('says what a click on a link, a bounce and a list are', () => {
    const words = { linkLabels: new Map([[3, '/spring']]), lists: [{ id: 5, name: 'VIP' }] };
    expect(describeFilter({ field: 'clickedLink', linkId: 3, op: 'gte', value: 1 }, words)).toBe('clicks on /spring ≥ 1');
    expect(describeFilter({ field: 'bounced', op: 'is', value: 'hard' }, words)).toBe('hard bounce');
    expect(describeFilter({ field: 'contact.inList', op: 'eq', value: 5 }, words)).toBe('in VIP');
  });
});

describe('variant and other-campaign conditions', () => {
  it('sends them as the API takes them and asks for a campaign when none is picked', () => {
    const group: Group = { match: 'all', conditions: [{ variant: 'A' }, { field: 'clicked', campaignId: 4, op: 'is', value: true, human: true }] };
    expect(toApi(group)).toEqual(group);
    expect(problems(group)).toEqual([]);
    expect(problems({ match: 'all', conditions: [{ field: 'opened', campaignId: undefined, op: 'is', value: true }] })).toEqual([['$.conditions[0]', 'pick a campaign']]);
  });
});

describe('machine events of a row', () => {
  it('counts the opens and clicks no person made, and says nothing when the server gives no human counts', () => {
    expect(machineEvents({ opens: 0, clicks: 5, humanOpens: 0, humanClicks: 0 })).toBe(5);
    expect(machineEvents({ opens: 3, clicks: 1, humanOpens: 1, humanClicks: 1 })).toBe(2);
    expect(machineEvents({ opens: 1, clicks: 1 })).toBeUndefined();
  });
});
