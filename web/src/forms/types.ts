/** The forms API's shapes (SPEC §12), as the server declares them; type imports only. */
import type { Form, FormCreate, FormField, FormFieldInput, FormMessages, FormPatch } from '../../../src/forms/schemas.js';

export type { Form, FormCreate, FormField, FormFieldInput, FormMessages, FormPatch };

/** A custom field of the workspace (GET /api/fields). */
export interface CustomField {
  name: string;
  type: string;
}
