import { Type, type Static } from '@sinclair/typebox';

export const SignIn = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** owner, admin, editor or viewer (SPEC §9). */
export const RoleName = Type.Union([Type.Literal('owner'), Type.Literal('admin'), Type.Literal('editor'), Type.Literal('viewer')]);
/** What a role may do (src/http/access.ts RIGHTS). */
export const RightName = Type.Union([Type.Literal('read'), Type.Literal('edit'), Type.Literal('send'), Type.Literal('export'), Type.Literal('manage')]);

/**
 * The signed-in user and the CSRF token the web app sends back in X-CSRF-Token on unsafe methods,
 * with the workspace the request resolved (X-Workspace, by default the first) and what the role may do there.
 */
export const Session = Type.Object(
  {
    user: Type.Object({ id: Type.Integer(), email: Type.String() }),
    csrfToken: Type.String(),
    /** Base of tracked links (PUBLIC_URL), for previews of short links. */
    publicUrl: Type.String(),
    /** The STOP mention appended to marketing SMS (SMS_STOP_TEXT), for the SMS counter. */
    smsStopText: Type.String(),
    /** Null for a user who belongs to no workspace. `rights` lets the web app offer only what the role may use. */
    workspace: Type.Union([
      Type.Object({ id: Type.Integer(), name: Type.String(), role: RoleName, rights: Type.Array(RightName) }),
      Type.Null(),
    ]),
    /** Every workspace of the user, for the switcher. */
    workspaces: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), role: RoleName })),
  },
  { $id: 'Session' },
);
export type Session = Static<typeof Session>;
