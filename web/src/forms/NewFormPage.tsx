import { Alert } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { api, get } from '../api';
import { Loading, PageHeader } from '../components/common';
import { useCan, useSession } from '../session';
import { FormEditor } from './FormEditor';
import { createBody, draftOf, type Draft } from './model';
import type { CustomField, Form } from './types';

export const fieldsQuery = { queryKey: ['fields'], queryFn: () => get<CustomField[]>('/api/fields') };

export function NewFormPage() {
  const client = useQueryClient();
  const navigate = useNavigate();
  const session = useSession();
  const mayEdit = useCan()('edit');
  const fields = useQuery(fieldsQuery);
  const create = useMutation({
    mutationFn: (draft: Draft) => api<Form>('POST', '/api/forms', createBody(draft)),
    onSuccess: (form) => {
      client.setQueryData(['form', form.id], form);
      void client.invalidateQueries({ queryKey: ['forms'] });
      navigate(`/forms/${form.id}`);
    },
  });
  return (
    <>
      <PageHeader title="New form" subtitle="People who fill it join the lists you pick" />
      {!mayEdit ? (
        <Alert color="gray">Your role reads forms; an editor or an admin creates them.</Alert>
      ) : fields.isLoading ? (
        <Loading />
      ) : (
        <FormEditor
          initial={draftOf(undefined, fields.data ?? [], session?.workspace?.name ?? 'us')}
          isNew
          readOnly={false}
          saving={create.isPending}
          error={create.error}
          submitLabel="Create form"
          onSubmit={(draft) => create.mutate(draft)}
        />
      )}
    </>
  );
}
