// The status endpoint's config section (`status:` in the YAML).
import { Type, type Static } from '@sinclair/typebox';

export const StatusConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'Serve /healthz, /readyz, /status and /metrics over HTTP' }),
    host: Type.String({
      minLength: 1, default: '127.0.0.1',
      description: 'Address to listen on. Loopback by default; any other address needs status.token',
    }),
    port: Type.Integer({ minimum: 0, maximum: 65535, default: 9464, description: 'TCP port of the status endpoint (0: any free port)' }),
    token: Type.String({
      default: '',
      description: 'Bearer token required on every request (Authorization: Bearer TOKEN). Required when host is not loopback; at least 16 characters',
    }),
    hostFiguresSeconds: Type.Integer({
      minimum: 1, maximum: 3600, default: 30,
      description: 'Refresh CPU, temperature, memory, disk and clock figures this often (they are cached between refreshes)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type StatusConfig = Static<typeof StatusConfigSchema>;
