import { inject } from 'vitest';

/** Whether CI or TESSERA_REQUIRE_BROWSER=1 requires each backend to start in the page. */
export function browserRequired(): boolean {
  return inject('requireBrowser');
}

/** The first line of an error's message, for a skip reason. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0];
}
