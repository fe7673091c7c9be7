// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../test/render';
import { FilterBuilder, type BuilderContext } from './FilterBuilder';
import { MAX_DEPTH, fieldCatalog, type Group } from './model';

const context: BuilderContext = {
  fields: fieldCatalog([{ name: 'city', type: 'string' }, { name: 'age', type: 'number' }]),
  links: [
    { id: 11, url: 'https://shop.example/spring' },
    { id: 12, url: 'https://shop.example/summer' },
  ],
  lists: [
    { id: 3, name: 'VIP' },
    { id: 4, name: 'Newsletter' },
  ],
};

/** The builder as the Behavioral tracking tab holds it; `latest()` is the JSON it would send. */
function setup(initial: Group) {
  let latest = initial;
  function Harness() {
    const [value, setValue] = useState(initial);
    return (
      <FilterBuilder
        value={value}
        onChange={(next) => {
          latest = next;
          setValue(next);
        }}
        context={context}
      />
    );
  }
  renderInApp(<Harness />);
  return { user: userEvent.setup(), latest: () => latest };
}

const conditions = () => screen.getAllByRole('group', { name: 'Condition' });

describe('the advanced filter builder', () => {
  it('turns a condition into "clicks ≥ 2, human only" field by field', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'clicked', op: 'is', value: true }] });
    const row = conditions()[0]!;
    await user.selectOptions(within(row).getByLabelText('Field'), 'clicks');
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Operator'), 'gte');
    const value = within(conditions()[0]!).getByLabelText('Value');
    await user.clear(value);
    await user.type(value, '2');
    await user.click(within(conditions()[0]!).getByLabelText('Human only'));
    expect(latest()).toEqual({ match: 'all', conditions: [{ field: 'clicks', op: 'gte', value: 2, human: true }] });
  });

  it('asks for a link with "Clicks on link" and for a list with "In list"', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'opened', op: 'is', value: true }] });
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Field'), 'clickedLink');
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Link'), '12');
    expect(latest().conditions[0]).toEqual({ field: 'clickedLink', op: 'gte', value: 1, linkId: 12 });

    await user.selectOptions(within(conditions()[0]!).getByLabelText('Field'), 'contact.inList');
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Value'), '4');
    expect(latest().conditions[0]).toEqual({ field: 'contact.inList', op: 'eq', value: 4 });

    await user.selectOptions(within(conditions()[0]!).getByLabelText('Field'), 'clickedLink');
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Operator'), 'is');
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Value'), 'false');
    expect(latest().conditions[0]).toEqual({ field: 'clickedLink', op: 'is', value: false, linkId: 11 });
  });

  it('offers the string, date and custom field operators of SPEC §3', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'contact.fields.city', op: 'eq', value: '' }] });
    const ops = (row: HTMLElement) => within(row).getAllByRole('option').filter((o) => o.closest('select')?.getAttribute('aria-label') === 'Operator').map((o) => (o as HTMLOptionElement).value);
    expect(ops(conditions()[0]!)).toEqual(['eq', 'neq', 'contains', 'startsWith', 'in', 'isEmpty']);
    await user.type(within(conditions()[0]!).getByLabelText('Value'), 'Paris');
    expect(latest().conditions[0]).toEqual({ field: 'contact.fields.city', op: 'eq', value: 'Paris' });

    await user.selectOptions(within(conditions()[0]!).getByLabelText('Operator'), 'in');
    const tags = within(conditions()[0]!).getByLabelText('Values');
    await user.type(tags, 'Lyon{Enter}Nice{Enter}');
    expect(latest().conditions[0]).toEqual({ field: 'contact.fields.city', op: 'in', value: ['Lyon', 'Nice'] });

    await user.selectOptions(within(conditions()[0]!).getByLabelText('Field'), 'contact.fields.age');
    expect(ops(conditions()[0]!)).toEqual(['eq', 'neq', 'gt', 'gte', 'lt', 'lte']);

    await user.selectOptions(within(conditions()[0]!).getByLabelText('Field'), 'lastOpenAt');
    expect(ops(conditions()[0]!)).toEqual(['before', 'after', 'between', 'withinLastDays']);
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Operator'), 'between');
    const from = within(conditions()[0]!).getByLabelText('From');
    const to = within(conditions()[0]!).getByLabelText('To');
    await user.clear(from);
    await user.type(from, '2025-03-01');
    await user.clear(to);
    await user.type(to, '2025-03-31');
    expect(latest().conditions[0]).toEqual({ field: 'lastOpenAt', op: 'between', value: ['2025-03-01', '2025-03-31'] });
    await user.selectOptions(within(conditions()[0]!).getByLabelText('Operator'), 'withinLastDays');
    expect(latest().conditions[0]).toEqual({ field: 'lastOpenAt', op: 'withinLastDays', value: 7 });
  });

  it('nests an OR group, negates it with NOT, and combines it with AND', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'opened', op: 'is', value: true }] });
    await user.click(screen.getByRole('button', { name: 'Add group' }));
    const group = screen.getByRole('group', { name: 'Group of conditions, level 2' });
    expect(within(group).getByLabelText('Match')).toHaveProperty('value', 'any');
    await user.click(within(group).getByRole('button', { name: 'Add condition' }));
    const inGroup = within(group).getAllByRole('group', { name: 'Condition' });
    await user.selectOptions(within(inGroup[1]!).getByLabelText('Field'), 'unsubscribed');
    const groupNot = screen.getAllByLabelText('Not').find((box) => !box.closest('[aria-label="Condition"]'))!;
    await user.click(groupNot);
    await user.click(within(conditions()[0]!).getByLabelText('Not'));

    expect(latest()).toEqual({
      match: 'all',
      conditions: [
        { not: { field: 'opened', op: 'is', value: true } },
        { not: { match: 'any', conditions: [{ field: 'received', op: 'is', value: true }, { field: 'unsubscribed', op: 'is', value: true }] } },
      ],
    });

    await user.selectOptions(screen.getAllByLabelText('Match')[0]!, 'any');
    expect(latest().match).toBe('any');
    await user.click(within(conditions()[0]!).getByLabelText('Not'));
    expect(latest().conditions[0]).toEqual({ field: 'opened', op: 'is', value: true });
  });

  it(`stops offering groups at depth ${MAX_DEPTH} and removes conditions`, async () => {
    let deep: Group = { match: 'all', conditions: [{ field: 'opened', op: 'is', value: true }] };
    for (let level = 1; level < MAX_DEPTH; level++) deep = { match: 'all', conditions: [deep] };
    const { user, latest } = setup(deep);
    const addGroup = screen.getAllByRole('button', { name: 'Add group' });
    // In document order the innermost group comes first: only it may not nest deeper.
    expect(addGroup.map((b) => (b as HTMLButtonElement).disabled)).toEqual([true, false, false, false, false]);
    await user.click(screen.getByRole('button', { name: 'Remove condition' }));
    let inner: Group = latest();
    for (let level = 1; level < MAX_DEPTH; level++) inner = inner.conditions[0] as Group;
    expect(inner.conditions).toEqual([]);
  });
});
