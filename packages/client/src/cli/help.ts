// Shared help text: every command ends its --help with examples.
import type { Command } from 'commander';

export function withExamples(command: Command, examples: ReadonlyArray<readonly [string, string]>): Command {
  const lines = examples.map(([cmd, what]) => `  # ${what}\n  $ ${cmd}`);
  return command.addHelpText('after', `\nExamples:\n${lines.join('\n\n')}\n`);
}

/** Reads all of stdin (for --token-stdin and `-f -`). */
export async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
