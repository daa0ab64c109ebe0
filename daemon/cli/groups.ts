// Command groups shared by several features (`oqsgw sim card`, `oqsgw sim panel` ...): each
// feature asks for the group and adds its own subcommand, whoever registers first creates it.
import type { Command } from 'commander';

const descriptions: Record<string, string> = {
  sim: 'Simulators for demos, tests and integration labs (virtual card, panel, eligibility service)',
};

export function group(program: Command, name: string): Command {
  return program.commands.find((c) => c.name() === name) ?? program.command(name).description(descriptions[name] ?? name);
}
