// The EHR side of the MQTT contract (docs/mqtt.md): requests the EHR sends to the gateway and the
// re-check queue behind them. The top-level `ehr` section of the config.
import { Type, type Static } from '@sinclair/typebox';

export const EhrConfigSchema = Type.Object(
  {
    requests: Type.Boolean({
      default: true,
      description: 'Serve EHR requests on <base>/inquiries, <base>/batches and <base>/patients/link (false: the gateway only publishes)',
    }),
    maxBatchPatients: Type.Integer({ minimum: 1, maximum: 5000, default: 1000, description: 'Most patients accepted in one batch request (一括照会); a larger batch is refused naming /patients' }),
    recheckIntervalSeconds: Type.Integer({
      minimum: 1, maximum: 3600, default: 30,
      description: 'How often inquiries that met a line that was down (LINE_DOWN, LINE_TIMEOUT) are tried again; results go to <base>/inquiries/rechecks',
    }),
    asyncBatches: Type.Boolean({
      default: false,
      description: 'Run batches as the asynchronous 一括照会 (upload, reception number, fetch results as they are made; a restart goes on fetching the same reception) when the line supports it',
    }),
    recheckMaxAgeHours: Type.Integer({
      minimum: 1, maximum: 72, default: 24,
      description: 'A queued re-check older than this is given up and published as expired (it holds patient data: keep it short)',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type EhrConfig = Static<typeof EhrConfigSchema>;
