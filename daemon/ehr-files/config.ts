// The official file exchange (docs/ehr-files.md): the folders a receipt computer already reads the
// terminal's results from. The top-level `ehrFiles` section of the config.
import { Type, type Static } from '@sinclair/typebox';
import { PathOption } from '../../vocabulary/path-option.js';

export const EhrFilesConfigSchema = Type.Object(
  {
    enabled: Type.Boolean({ default: false, description: 'Exchange the official XML files with a receipt computer through a folder (face results, requests and their results)' }),
    folder: PathOption('/var/lib/oqs-gateway/oqs', 'The exchange folder (a local folder or a mounted share); the gateway uses its face/, req/, res/ and req-rejected/ subfolders'),
    faceResults: Type.Boolean({ default: true, description: 'Write every answered check-in as OQSsiquc01res_face_*.xml into face/' }),
    requests: Type.Boolean({ default: true, description: 'Answer request files dropped into req/ with result files in res/' }),
    pollMilliseconds: Type.Integer({ minimum: 100, maximum: 60000, default: 1000, description: 'How often req/ is looked at (a share may not report changes)' }),
    settleMilliseconds: Type.Integer({
      minimum: 0, maximum: 60000, default: 500,
      description: 'A request file is read only once its size and time have not changed for this long (a file still being copied is left alone)',
    }),
    retrySeconds: Type.Integer({ minimum: 1, maximum: 3600, default: 10, description: 'While the folder is unavailable, try again this often (nothing is lost meanwhile: results wait in the store)' }),
    retentionDays: Type.Integer({ minimum: 1, maximum: 365, default: 7, description: 'Files the gateway wrote (face/, res/, req-rejected/) are deleted after this many days' }),
    concurrency: Type.Integer({ minimum: 1, maximum: 16, default: 4, description: 'Request files answered at once' }),
  },
  { additionalProperties: false, default: {} },
);
export type EhrFilesConfig = Static<typeof EhrFilesConfigSchema>;
