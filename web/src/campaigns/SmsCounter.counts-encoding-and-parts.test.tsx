// @vitest-environment happy-dom
import { Textarea } from '@mantine/core';
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { renderInApp } from '../test/render';
import { SmsCounter } from './SmsCounter';

function Editor({ publicUrl }: { publicUrl?: string }) {
  const [text, setText] = useState('');
  return (
    <>
      <Textarea label="Message" value={text} onChange={(e) => setText(e.currentTarget.value)} />
      <SmsCounter text={text} publicUrl={publicUrl} />
    </>
  );
}

const counter = () => screen.getByRole('status', { name: 'SMS length' }).textContent;

describe('the SMS counter', () => {
  it('counts as the user types: GSM characters, then a second part past 160', async () => {
    renderInApp(<Editor />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Message'), 'Hello');
    expect(counter()).toContain('5 characters');
    expect(counter()).toContain('GSM 7-bit');
    expect(counter()).toContain('1 part');
    expect(counter()).toContain('160 per part');

    await user.type(screen.getByLabelText('Message'), 'x'.repeat(156));
    expect(counter()).toContain('161 characters');
    expect(counter()).toContain('2 parts');
    expect(counter()).toContain('153 per part');
  });

  it('counts GSM extension characters twice and switches to Unicode for an emoji', async () => {
    renderInApp(<Editor />);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Message'), 'Price: 5€');
    expect(counter()).toContain('10 characters');
    expect(counter()).toContain('GSM 7-bit');
    await user.type(screen.getByLabelText('Message'), ' 🎉');
    expect(counter()).toContain('Unicode (UCS-2)');
    expect(counter()).toContain('70 per part');
  });

  it('counts a link at the length of the short link that replaces it', () => {
    const long = `Sale: https://shop.example.com/spring/collection?utm_source=sms&utm_campaign=${'x'.repeat(100)}`;
    renderInApp(<SmsCounter text={long} publicUrl="https://r.example" />);
    const short = `Sale: https://r.example/s/${'x'.repeat(8)}`;
    expect(counter()).toContain(`${short.length} characters`);
    expect(counter()).toContain('1 part');
  });

  it('counts the STOP mention the sender appends, once', () => {
    renderInApp(<SmsCounter text="Hello" stopText="STOP au 36111" />);
    expect(counter()).toContain(`${'Hello\nSTOP au 36111'.length} characters`);
    cleanup();
    renderInApp(<SmsCounter text="Hello, stop au 36111" stopText="STOP au 36111" />);
    expect(counter()).toContain('20 characters');
  });
});
