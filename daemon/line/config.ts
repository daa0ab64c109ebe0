import { Type, type Static } from '@sinclair/typebox';

export const LineConfigSchema = Type.Object(
  {
    driver: Type.Union([Type.Literal('sim'), Type.Literal('https')], {
      default: 'sim',
      description: "'https' for the eligibility service over mutual TLS; 'sim' answers in-process from the test register",
    }),
    url: Type.String({ default: '', description: 'https: base URL of the eligibility service' }),
    ca: Type.String({ default: '', description: 'https: PEM file of the pinned service CA' }),
    cert: Type.String({ default: '', description: "https: PEM file of the clinic's client certificate" }),
    key: Type.String({ default: '', description: "https: PEM file of the client key (must be mode 0600)" }),
    timeoutMs: Type.Integer({ minimum: 500, maximum: 120000, default: 10000, description: 'Timeout of one request' }),
  },
  { additionalProperties: false, default: {} },
);
export type LineConfig = Static<typeof LineConfigSchema>;
