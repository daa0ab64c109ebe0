// The operations config section (`ops:` in the YAML): systemd watchdog and early warnings.
import { Type, type Static } from '@sinclair/typebox';

export const OpsConfigSchema = Type.Object(
  {
    maxEventLoopLagMs: Type.Integer({
      minimum: 50, maximum: 60000, default: 2000,
      description: 'systemd watchdog: withhold the ping when the event loop was blocked longer than this since the last ping',
    }),
    deviceUnhealthySeconds: Type.Integer({
      minimum: 0, maximum: 86400, default: 600,
      description: 'systemd watchdog: withhold the ping (so systemd restarts the service) once the card reader, camera or panel has been unhealthy this long (0: never for devices)',
    }),
    certWarnDays: Type.Integer({
      minimum: 1, maximum: 365, default: 30,
      description: 'Warn when the line client certificate or CA expires within this many days',
    }),
    diskWarnPercent: Type.Integer({
      minimum: 1, maximum: 99, default: 10,
      description: 'Warn when the disk holding dataDir has less than this percentage free',
    }),
    diskWarnMiB: Type.Integer({
      minimum: 1, maximum: 1048576, default: 500,
      description: 'Warn when the disk holding dataDir has less than this many MiB free',
    }),
    clockSkewWarnSeconds: Type.Integer({
      minimum: 1, maximum: 3600, default: 60,
      description: "Warn when the clock differs from the eligibility service's clock by more than this (measured over the line by the running gateway and by `oqsgw doctor`)",
    }),
    checkEverySeconds: Type.Integer({
      minimum: 5, maximum: 86400, default: 300,
      description: 'Re-check certificates, disk and clock this often while running',
    }),
  },
  { additionalProperties: false, default: {} },
);
export type OpsConfig = Static<typeof OpsConfigSchema>;
