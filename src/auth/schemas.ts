import { Type, type Static } from '@sinclair/typebox';

export const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** The signed-in user and the CSRF token the web app sends back in X-CSRF-Token on unsafe methods. */
export const Session = Type.Object(
  {
    user: Type.Object({ id: Type.Integer(), email: Type.String() }),
    csrfToken: Type.String(),
    /** Base of tracked links (PUBLIC_URL), for previews of short links. */
    publicUrl: Type.String(),
    /** The STOP mention appended to marketing SMS (SMS_STOP_TEXT), for the SMS counter. */
    smsStopText: Type.String(),
  },
  { $id: 'Session' },
);
export type Session = Static<typeof Session>;
