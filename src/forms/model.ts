import type { FormField, FormMessages, FormMessagesInput } from './schemas.js';

/** A form as its logic uses it: JSON columns read, messages with their defaults, fields with their types. */
export interface FormDef {
  id: number;
  workspaceId: number;
  name: string;
  slug: string;
  url: string;
  listIds: number[];
  fields: FormField[];
  doubleOptIn: boolean;
  consentText: string;
  messages: FormMessages;
  /** Only the messages the form changed (what is stored). */
  customMessages: FormMessagesInput;
  views: number;
  createdAt: number;
  updatedAt: number;
}
