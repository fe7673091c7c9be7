// @vitest-environment happy-dom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../test/render';
import { FilterBuilder, type BuilderContext } from './FilterBuilder';
import { fieldCatalog, type Group } from './model';

const context: BuilderContext = {
  fields: fieldCatalog([], 'email', { ab: true }),
  links: [
    { id: 11, url: 'https://shop.example.com/spring?utm=mail' },
    { id: 12, url: 'https://shop.example.com/spring?utm=mail' },
  ],
  lists: [],
  campaigns: [
    { id: 3, name: 'Winter sale' },
    { id: 4, name: 'Autumn letter' },
  ],
  linkLabels: new Map([
    [11, '/spring?utm=mail (link 1)'],
    [12, '/spring?utm=mail (link 2)'],
  ]),
};

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

const row = () => screen.getAllByRole('group', { name: 'Condition' })[0]!;

describe('conditions beyond this campaign’s own behaviour', () => {
  it('filters an A/B campaign by variant', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'clicked', op: 'is', value: true }] });
    await user.selectOptions(within(row()).getByLabelText('Field'), 'variant');
    await user.selectOptions(within(row()).getByLabelText('Value'), 'B');
    expect(latest()).toEqual({ match: 'all', conditions: [{ variant: 'B' }] });
  });

  it('offers "clicked another campaign", by people only, as the API takes it', async () => {
    const { user, latest } = setup({ match: 'all', conditions: [{ field: 'clicked', op: 'is', value: true }] });
    await user.selectOptions(within(row()).getByLabelText('Field'), 'clicked:campaign');
    await user.selectOptions(within(row()).getByLabelText('Campaign'), '4');
    await user.click(within(row()).getByLabelText('Human only'));
    expect(latest()).toEqual({ match: 'all', conditions: [{ field: 'clicked', campaignId: 4, op: 'is', value: true, human: true }] });
  });

  it('tells two links to the same address apart by position', async () => {
    setup({ match: 'all', conditions: [{ field: 'clickedLink', linkId: 11, op: 'gte', value: 1 }] });
    const options = within(within(row()).getByLabelText('Link')).getAllByRole('option').map((o) => o.textContent);
    expect(options).toEqual(['Pick a link', '/spring?utm=mail (link 1)', '/spring?utm=mail (link 2)']);
  });
});
