import { ActionIcon, Button, Checkbox, Group as Row, MultiSelect, NativeSelect, NumberInput, Paper, Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import {
  MAX_CONDITIONS,
  MAX_DEPTH,
  OPERATORS,
  changeOperator,
  countConditions,
  VARIANT_KEYS,
  fieldInfo,
  fieldKey,
  isGroup,
  isNot,
  isVariant,
  newCondition,
  type Condition,
  type FieldInfo,
  type FilterNode,
  type Group,
  type Variant,
} from './model';

export interface BuilderContext {
  fields: FieldInfo[];
  links: { id: number; url: string }[];
  lists: { id: number; name: string }[];
  /** Other campaigns, for "opened/clicked another campaign". */
  campaigns?: { id: number; name: string }[];
  /** Labels that tell links apart (path, position), by link id; the URL otherwise. */
  linkLabels?: Map<number, string>;
}

const startingPoints = (context: BuilderContext) => ({ linkId: context.links[0]?.id, listId: context.lists[0]?.id, campaignId: context.campaigns?.[0]?.id });

interface Props {
  value: Group;
  onChange: (value: Group) => void;
  context: BuilderContext;
}

/** Every field and operator of SPEC §3, nested groups (AND/OR) up to the depth limit, and NOT on any condition or group. */
export function FilterBuilder({ value, onChange, context }: Props) {
  const full = countConditions(value) >= MAX_CONDITIONS;
  return <GroupEditor group={value} onChange={onChange} level={1} context={context} full={full} />;
}

function GroupEditor({ group, onChange, onRemove, level, context, full }: { group: Group; onChange: (g: Group) => void; onRemove?: () => void; level: number; context: BuilderContext; full: boolean }) {
  const replace = (index: number, node: FilterNode) => onChange({ ...group, conditions: group.conditions.map((c, i) => (i === index ? node : c)) });
  // A removed condition took the focus with it: it goes to the one that took its place, the one before, or Add condition.
  const stack = useRef<HTMLDivElement>(null);
  const [removed, setRemoved] = useState<number>();
  useEffect(() => {
    if (removed === undefined) return;
    setRemoved(undefined);
    const nodes = [...(stack.current?.children ?? [])].slice(1, -1);
    const next = nodes[removed] ?? nodes[removed - 1];
    const target = next ? (next.querySelector<HTMLElement>('[aria-label="Field"]') ?? next.querySelector<HTMLElement>('select, input, button')) : stack.current?.lastElementChild?.querySelector<HTMLElement>('button:not(:disabled)');
    target?.focus();
  }, [removed]);
  const remove = (index: number) => {
    onChange({ ...group, conditions: group.conditions.filter((_, i) => i !== index) });
    setRemoved(index);
  };
  const first = context.fields[0]!;
  const add = (node: FilterNode) => onChange({ ...group, conditions: [...group.conditions, node] });
  const fresh = () => newCondition(first, startingPoints(context));
  return (
    <Stack ref={stack} gap="xs" role="group" aria-label={level === 1 ? 'Advanced filter' : `Group of conditions, level ${level}`}>
      <Row gap="xs">
        <NativeSelect
          aria-label="Match"
          size="xs"
          w={210}
          value={group.match}
          onChange={(e) => onChange({ ...group, match: e.currentTarget.value as Group['match'] })}
          data={[
            { value: 'all', label: 'All of these (AND)' },
            { value: 'any', label: 'Any of these (OR)' },
          ]}
        />
        {onRemove && (
          <Button size="xs" variant="subtle" color="red" onClick={onRemove}>
            Remove group
          </Button>
        )}
      </Row>
      {group.conditions.map((node, index) => (
        <NodeEditor key={index} node={node} onChange={(n) => replace(index, n)} onRemove={() => remove(index)} level={level} context={context} full={full} />
      ))}
      <Row gap="xs">
        <Button size="xs" variant="light" onClick={() => add(fresh())} disabled={full}>
          Add condition
        </Button>
        <Button size="xs" variant="subtle" onClick={() => add({ match: group.match === 'all' ? 'any' : 'all', conditions: [fresh()] })} disabled={full || level >= MAX_DEPTH}>
          Add group
        </Button>
      </Row>
    </Stack>
  );
}

function NodeEditor({ node, onChange, onRemove, level, context, full }: { node: FilterNode; onChange: (n: FilterNode) => void; onRemove: () => void; level: number; context: BuilderContext; full: boolean }) {
  const negated = isNot(node);
  const inner = negated ? node.not : node;
  const setInner = (n: FilterNode) => onChange(negated ? { not: n } : n);
  const not = <Checkbox size="xs" radius="sm" label="Not" checked={negated} onChange={() => onChange(negated ? inner : { not: inner })} />;
  if (isGroup(inner)) {
    return (
      <Paper withBorder p="xs" ml="md" bg={negated ? 'red.0' : 'gray.0'}>
        <Stack gap={6}>
          {not}
          <GroupEditor group={inner} onChange={setInner} onRemove={onRemove} level={level + 1} context={context} full={full} />
        </Stack>
      </Paper>
    );
  }
  return <ConditionEditor condition={inner as Condition | Variant} onChange={setInner} onRemove={onRemove} context={context} not={not} />;
}

const yesNo = [
  { value: 'true', label: 'yes' },
  { value: 'false', label: 'no' },
];

function ConditionEditor({ condition: node, onChange, onRemove, context, not }: { condition: Condition | Variant; onChange: (c: Condition | Variant) => void; onRemove: () => void; context: BuilderContext; not: ReactNode }) {
  const info = fieldInfo(fieldKey(node), context.fields);
  const fieldOptions = (['Behaviour', 'Other campaigns', 'Contact'] as const)
    .map((group) => ({
      group,
      items: context.fields.filter((f) => f.group === group).map((f) => ({ value: f.field, label: f.label })),
    }))
    .filter((g) => g.items.length > 0);
  const changeField = (field: string) => {
    if (field === 'variant') return onChange({ variant: 'A' });
    const next = newCondition(fieldInfo(field, context.fields), startingPoints(context));
    if (!isVariant(node) && node.human && fieldInfo(field, context.fields).human) next.human = true;
    onChange(next);
  };
  const fieldSelect = <NativeSelect aria-label="Field" size="xs" w={190} value={fieldKey(node)} onChange={(e) => changeField(e.currentTarget.value)} data={fieldOptions} />;
  const remove = (
    <ActionIcon variant="subtle" color="red" aria-label="Remove condition" onClick={onRemove}>
      ×
    </ActionIcon>
  );
  if (isVariant(node)) {
    return (
      <Row gap="xs" wrap="wrap" align="center" aria-label="Condition" role="group">
        {not}
        {fieldSelect}
        <Text size="xs">is</Text>
        <NativeSelect aria-label="Value" size="xs" w={80} value={node.variant} onChange={(e) => onChange({ variant: e.currentTarget.value })} data={[...VARIANT_KEYS]} />
        {remove}
      </Row>
    );
  }
  const condition = node;
  return (
    <Row gap="xs" wrap="wrap" align="center" aria-label="Condition" role="group">
      {not}
      {fieldSelect}
      {info.campaign && (
        <NativeSelect
          aria-label="Campaign"
          size="xs"
          w={220}
          value={String(condition.campaignId ?? '')}
          onChange={(e) => onChange({ ...condition, campaignId: Number(e.currentTarget.value) })}
          data={[{ value: '', label: 'Pick a campaign', disabled: true }, ...(context.campaigns ?? []).map((c) => ({ value: String(c.id), label: c.name }))]}
        />
      )}
      {info.link && (
        <NativeSelect
          aria-label="Link"
          size="xs"
          w={220}
          value={String(condition.linkId ?? '')}
          onChange={(e) => onChange({ ...condition, linkId: Number(e.currentTarget.value) })}
          data={[{ value: '', label: 'Pick a link', disabled: true }, ...context.links.map((l) => ({ value: String(l.id), label: context.linkLabels?.get(l.id) ?? l.url }))]}
        />
      )}
      <NativeSelect
        aria-label="Operator"
        size="xs"
        w={info.kind === 'date' ? 170 : 110}
        value={condition.op}
        onChange={(e) => onChange(changeOperator(condition, info.kind, e.currentTarget.value))}
        data={OPERATORS[info.kind].map((o) => ({ value: o.op, label: o.label }))}
      />
      <ValueEditor condition={condition} info={info} onChange={(value) => onChange({ ...condition, value })} lists={context.lists} />
      {info.human && <Checkbox size="xs" radius="sm" label="Human only" checked={condition.human === true} onChange={(e) => onChange({ ...condition, human: e.currentTarget.checked || undefined })} />}
      {remove}
    </Row>
  );
}

function ValueEditor({ condition, info, onChange, lists }: { condition: Condition; info: FieldInfo; onChange: (v: unknown) => void; lists: BuilderContext['lists'] }) {
  const { op, value } = condition;
  const day = (v: unknown) => (typeof v === 'string' ? v.slice(0, 10) : '');
  if (info.kind === 'boolean' || (info.kind === 'link' && op === 'is') || (info.kind === 'string' && op === 'isEmpty')) {
    return <NativeSelect aria-label="Value" size="xs" w={80} value={String(value !== false)} onChange={(e) => onChange(e.currentTarget.value === 'true')} data={yesNo} />;
  }
  if (info.kind === 'bounce') {
    return (
      <NativeSelect
        aria-label="Value"
        size="xs"
        w={120}
        value={String(value)}
        onChange={(e) => onChange(['hard', 'soft'].includes(e.currentTarget.value) ? e.currentTarget.value : e.currentTarget.value === 'true')}
        data={[
          { value: 'true', label: 'yes (any)' },
          { value: 'hard', label: 'hard' },
          { value: 'soft', label: 'soft' },
          { value: 'false', label: 'no' },
        ]}
      />
    );
  }
  if (info.kind === 'list' && op === 'in') {
    return (
      <MultiSelect
        aria-label="Values"
        size="xs"
        w={260}
        placeholder="Pick lists"
        data={lists.map((l) => ({ value: String(l.id), label: l.name }))}
        value={Array.isArray(value) ? value.map(String) : []}
        onChange={(ids) => onChange(ids.map(Number))}
      />
    );
  }
  if (info.kind === 'list') {
    return (
      <NativeSelect
        aria-label="Value"
        size="xs"
        w={200}
        value={String(value ?? '')}
        onChange={(e) => onChange(Number(e.currentTarget.value))}
        data={[{ value: '', label: 'Pick a list', disabled: true }, ...lists.map((l) => ({ value: String(l.id), label: l.name }))]}
      />
    );
  }
  if (info.kind === 'number' || info.kind === 'link' || op === 'withinLastDays') {
    return (
      <Row gap={4}>
        <NumberInput aria-label="Value" size="xs" w={90} min={0} value={typeof value === 'number' ? value : ''} onChange={(v) => onChange(typeof v === 'number' ? v : Number(v))} />
        {op === 'withinLastDays' && <Text size="xs">days</Text>}
      </Row>
    );
  }
  if (info.kind === 'date') {
    if (op === 'between') {
      const [from, to] = Array.isArray(value) ? value : ['', ''];
      return (
        <Row gap={4}>
          <TextInput aria-label="From" type="date" size="xs" value={day(from)} onChange={(e) => onChange([e.currentTarget.value, to])} />
          <Text size="xs">and</Text>
          <TextInput aria-label="To" type="date" size="xs" value={day(to)} onChange={(e) => onChange([from, e.currentTarget.value])} />
        </Row>
      );
    }
    return <TextInput aria-label="Value" type="date" size="xs" value={day(value)} onChange={(e) => onChange(e.currentTarget.value)} />;
  }
  if (op === 'in') {
    return <TagsInput aria-label="Values" size="xs" w={260} placeholder="Type a value, press Enter" value={Array.isArray(value) ? value.map(String) : []} onChange={onChange} />;
  }
  return <TextInput aria-label="Value" size="xs" w={180} value={typeof value === 'string' ? value : String(value ?? '')} onChange={(e) => onChange(e.currentTarget.value)} />;
}
