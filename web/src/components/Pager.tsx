import { Button, Group, Text } from '@mantine/core';
import { formatNumber } from '../format';

export function Pager({ page, total, previous, next }: { page: number; total?: number; previous?: () => void; next?: () => void }) {
  return (
    <Group justify="space-between" mt="sm">
      <Text size="sm" c="dimmed">
        Page {page}
        {total !== undefined && ` · ${formatNumber(total)} in all`}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" onClick={previous} disabled={!previous}>
          Previous
        </Button>
        <Button variant="default" size="xs" onClick={next} disabled={!next}>
          Next
        </Button>
      </Group>
    </Group>
  );
}
