import { Button, Card, Group, NumberInput, Radio, Select, SegmentedControl, Slider, Stack, Switch, Tabs, Text, TextInput, Textarea } from '@mantine/core';
import { Suspense, lazy, useState } from 'react';
import { Loading } from '../components/common';
import { formatNumber } from '../format';
import type { AbCriterion, AbTest, AbVariant, Channel, VariantKey } from '../types';
import type { MergeContact } from './EmailPreview';
import { SmsCounter } from './SmsCounter';
import { BLANK_DESIGN } from './TemplatePicker';

const Designer = lazy(() => import('../designer/Designer').then((m) => ({ default: m.Designer })));

const KEYS: VariantKey[] = ['A', 'B', 'C', 'D'];

export const DEFAULT_AB_TEST = (channel: Channel): AbTest => ({
  variants: [{ key: 'A' }, { key: 'B' }],
  testPercent: 20,
  criterion: 'humanClickRate',
  waitMinutes: 240,
});

const CRITERIA: Array<{ value: AbCriterion; label: string }> = [
  { value: 'humanClickRate', label: 'Click rate, by people' },
  { value: 'humanOpenRate', label: 'Open rate, by people' },
  { value: 'clickToOpen', label: 'Click-to-open, by people' },
];

/**
 * How many get a variant and how many the winner, from the reachable audience: the test
 * group is testPercent of it, split evenly between the variants.
 */
export function testSplit(audience: number, testPercent: number, variants: number) {
  const tested = Math.round((audience * testPercent) / 100);
  return { tested, each: Math.floor(tested / variants), rest: audience - tested };
}

type Content = 'campaign' | 'html' | 'design';

/** What a variant falls back on, and for SMS what its counter needs to count as the sender will. */
export interface VariantBase {
  html: string | null;
  sms?: { body: string; publicUrl: string; stopText: string | undefined; contact: MergeContact };
}
const contentOf = (v: AbVariant): Content => (v.design ? 'design' : v.html != null ? 'html' : 'campaign');

/** One variant: what it changes; what it leaves empty stays the campaign's own. */
function VariantFields({ channel, variant, onChange, readOnly, base }: { channel: Channel; variant: AbVariant; onChange: (v: AbVariant) => void; readOnly: boolean; base: VariantBase }) {
  const set = (patch: Partial<AbVariant>) => onChange({ ...variant, ...patch });
  if (channel === 'sms') {
    return (
      <Stack gap={4}>
        <Textarea
          label={`Message of variant ${variant.key}`}
          description="Empty: the campaign's message"
          value={variant.body ?? ''}
          onChange={(e) => set({ body: e.currentTarget.value || null })}
          autosize
          minRows={4}
          readOnly={readOnly}
        />
        {base.sms && <SmsCounter text={variant.body ?? base.sms.body} publicUrl={base.sms.publicUrl} stopText={base.sms.stopText} contact={base.sms.contact} />}
      </Stack>
    );
  }
  const content = contentOf(variant);
  return (
    <Stack gap="sm">
      <Group grow align="flex-start">
        <TextInput label={`Subject of variant ${variant.key}`} description="Empty: the campaign's subject" value={variant.subject ?? ''} onChange={(e) => set({ subject: e.currentTarget.value || null })} readOnly={readOnly} />
        <TextInput label={`Sender name of variant ${variant.key}`} description="Empty: the campaign's sender name" value={variant.fromName ?? ''} onChange={(e) => set({ fromName: e.currentTarget.value || null })} readOnly={readOnly} />
      </Group>
      <div>
        <Text size="sm" fw={500} id={`variant-${variant.key}-content`}>
          Content of variant {variant.key}
        </Text>
        <SegmentedControl
          aria-labelledby={`variant-${variant.key}-content`}
          disabled={readOnly}
          value={content}
          onChange={(mode) => {
            if (mode === 'campaign') set({ html: null, design: null });
            else if (mode === 'html') set({ design: null, html: variant.html ?? base.html ?? '' });
            else set({ html: null, design: structuredClone(BLANK_DESIGN) });
          }}
          data={[
            { value: 'campaign', label: "The campaign's" },
            { value: 'html', label: 'Own HTML' },
            { value: 'design', label: 'Own design' },
          ]}
        />
      </div>
      {content === 'html' && (
        <Textarea
          label={`HTML of variant ${variant.key}`}
          value={variant.html ?? ''}
          onChange={(e) => set({ html: e.currentTarget.value })}
          autosize
          minRows={8}
          maxRows={20}
          styles={{ input: { fontFamily: 'ui-monospace, monospace', fontSize: 12 } }}
          readOnly={readOnly}
          spellCheck={false}
        />
      )}
      {content === 'design' && variant.design && (
        <Suspense fallback={<Loading label="Loading the designer" />}>
          <Designer value={variant.design} onChange={(design) => set({ design })} readOnly={readOnly} />
        </Suspense>
      )}
    </Stack>
  );
}

/**
 * The A/B test of a campaign (SPEC §11): off by default; on, 2–4 variants as tabs, the test
 * group's size, the criterion and the wait. Read-only once the campaign is sending.
 */
export function AbSection({
  channel,
  value,
  onChange,
  readOnly,
  audience,
  base,
}: {
  channel: Channel;
  value: AbTest | null;
  onChange: (value: AbTest | null) => void;
  readOnly: boolean;
  /** Contacts the campaign reaches, when known. */
  audience: number | undefined;
  base: VariantBase;
}) {
  const on = value !== null;
  const set = (patch: Partial<AbTest>) => value && onChange({ ...value, ...patch });
  const setVariant = (index: number, variant: AbVariant) => value && set({ variants: value.variants.map((v, i) => (i === index ? variant : v)) });
  // Keys stay A, B, C… in order: removing B makes C the new B.
  const remove = (index: number) => value && set({ variants: value.variants.filter((_, i) => i !== index).map((v, i) => ({ ...v, key: KEYS[i]! })) });
  const add = () => value && value.variants.length < 4 && set({ variants: [...value.variants, { key: KEYS[value.variants.length]! }] });
  // The unit is how the wait is shown; waitMinutes is what is saved.
  const [unit, setUnit] = useState<'minutes' | 'hours'>(value && value.waitMinutes % 60 === 0 ? 'hours' : 'minutes');
  const hours = unit === 'hours';
  const split = value && audience !== undefined ? testSplit(audience, value.testPercent, value.variants.length) : undefined;

  return (
    <Card withBorder component="section" aria-label="A/B test">
      <Stack gap="sm">
        <Switch
          label="A/B test"
          description="Send variants to a test group first; the one people engage with most goes to everyone else."
          checked={on}
          disabled={readOnly}
          onChange={(e) => onChange(e.currentTarget.checked ? DEFAULT_AB_TEST(channel) : null)}
        />
        {value && (
          <>
            <Tabs defaultValue="A" keepMounted={false}>
              <Group justify="space-between" wrap="wrap" gap="xs">
                <Tabs.List aria-label="Variants">
                  {value.variants.map((v) => (
                    <Tabs.Tab key={v.key} value={v.key}>
                      Variant {v.key}
                    </Tabs.Tab>
                  ))}
                </Tabs.List>
                {!readOnly && value.variants.length < 4 && (
                  <Button size="xs" variant="light" onClick={add}>
                    Add variant {KEYS[value.variants.length]}
                  </Button>
                )}
              </Group>
              {value.variants.map((v, index) => (
                <Tabs.Panel key={v.key} value={v.key} pt="sm">
                  <Stack gap="sm">
                    <VariantFields channel={channel} variant={v} onChange={(next) => setVariant(index, next)} readOnly={readOnly} base={base} />
                    {!readOnly && value.variants.length > 2 && (
                      <Group>
                        <Button size="xs" variant="subtle" color="red" onClick={() => remove(index)}>
                          Remove variant {v.key}
                        </Button>
                      </Group>
                    )}
                  </Stack>
                </Tabs.Panel>
              ))}
            </Tabs>
            <div>
              <Text size="sm" fw={500} id="ab-test-size">
                Test group: {value.testPercent} % of the audience
              </Text>
              <Slider
                aria-labelledby="ab-test-size"
                thumbLabel="Test group size in percent"
                min={10}
                max={50}
                step={5}
                value={value.testPercent}
                onChange={(testPercent) => set({ testPercent })}
                disabled={readOnly}
                marks={[{ value: 10, label: '10 %' }, { value: 30, label: '30 %' }, { value: 50, label: '50 %' }]}
                mb="lg"
              />
              <Text size="sm" c="dimmed" role="status" aria-label="Test split">
                {split
                  ? `${formatNumber(split.tested)} people get a variant (${formatNumber(split.each)} each), ${formatNumber(split.rest)} get the winner.`
                  : `${value.testPercent} % get a variant, split evenly; the rest get the winner.`}
              </Text>
            </div>
            <Radio.Group label="The winner is the variant with the best" value={value.criterion ?? 'humanClickRate'} onChange={(criterion) => set({ criterion: criterion as AbCriterion })} description="Only opens and clicks by people count: privacy proxies load every image and security scanners follow every link, so their events would pick a winner at random.">
              <Stack gap={6} mt={6}>
                {CRITERIA.map((c) => (
                  <Radio key={c.value} value={c.value} label={c.label} disabled={readOnly} />
                ))}
              </Stack>
            </Radio.Group>
            <Group align="flex-end" gap="xs">
              <NumberInput
                label="Wait before choosing"
                min={1}
                max={hours ? 24 * 30 : 60 * 24 * 30}
                value={hours ? value.waitMinutes / 60 : value.waitMinutes}
                onChange={(n) => typeof n === 'number' && n >= 1 && set({ waitMinutes: Math.round(hours ? n * 60 : n) })}
                allowDecimal={false}
                readOnly={readOnly}
                w={160}
              />
              <Select
                aria-label="Unit of the wait"
                data={[
                  { value: 'minutes', label: 'minutes' },
                  { value: 'hours', label: 'hours' },
                ]}
                value={hours ? 'hours' : 'minutes'}
                onChange={(next) => {
                  if (next !== 'hours' && next !== 'minutes') return;
                  setUnit(next);
                  // Switching to hours rounds the wait to whole hours, so that what is shown is what is saved.
                  if (next === 'hours') set({ waitMinutes: Math.max(1, Math.round(value.waitMinutes / 60)) * 60 });
                }}
                disabled={readOnly}
                allowDeselect={false}
                w={120}
              />
            </Group>
          </>
        )}
      </Stack>
    </Card>
  );
}
