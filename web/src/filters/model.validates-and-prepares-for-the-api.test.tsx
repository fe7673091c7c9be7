import { describe, expect, it } from 'vitest';
import { MAX_CONDITIONS, problems, prune, toApi, type Group } from './model';

describe('the filter model', () => {
  it('names the JSON path of an incomplete condition, as the server would', () => {
    const filter: Group = {
      match: 'all',
      conditions: [
        { field: 'opened', op: 'is', value: true },
        { not: { match: 'any', conditions: [{ field: 'clickedLink', op: 'gte', value: 1 }] } },
        { field: 'contact.fields.city', op: 'in', value: [] },
      ],
    };
    expect(problems(filter)).toEqual([
      ['$.conditions[1].not.conditions[0]', 'pick a link'],
      ['$.conditions[2]', 'give at least one value'],
    ]);
  });

  it(`refuses more than ${MAX_CONDITIONS} conditions`, () => {
    const filter: Group = { match: 'any', conditions: Array.from({ length: MAX_CONDITIONS + 1 }, () => ({ field: 'opened', op: 'is', value: true })) };
    expect(problems(filter)).toEqual([['$', `at most ${MAX_CONDITIONS} conditions`]]);
  });

  it('drops empty groups and sends days as whole-day instants', () => {
    const filter: Group = {
      match: 'all',
      conditions: [{ match: 'any', conditions: [] }, { not: { match: 'all', conditions: [] } }, { field: 'lastClickAt', op: 'between', value: ['2025-03-01', '2025-03-31'] }],
    };
    const sent = toApi(prune(filter)) as Group;
    expect(sent.conditions).toHaveLength(1);
    const [from, to] = (sent.conditions[0] as { value: string[] }).value;
    expect(new Date(from!).getDate()).toBe(1);
    expect(new Date(from!).getHours()).toBe(0);
    expect(new Date(to!).getDate()).toBe(31);
    expect(new Date(to!).getHours()).toBe(23);
    expect(prune({ match: 'all', conditions: [] })).toBeUndefined();
  });
});
