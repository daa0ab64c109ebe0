// A config value that names a file or folder. The loader resolves a relative one against the
// folder of the config file that holds it, so a config means the same from any working directory.
import { Type } from '@sinclair/typebox';

export const PATH_MARK = 'x-path';

export function PathOption(defaultValue: string, description: string) {
  return Type.String({ default: defaultValue, description: `${description} (relative: to the config file's folder)`, [PATH_MARK]: true });
}
