declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route. Absent means private: an API key or a signed-in session (src/auth/guard.ts). */
    access?: 'public';
  }
}

/** A route's own declaration that it answers without credentials: `app.get(url, { config: PUBLIC, … })`. */
export const PUBLIC = { access: 'public' } as const;
