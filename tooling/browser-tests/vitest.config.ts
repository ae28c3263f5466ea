import { existsSync } from 'node:fs';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const chromiumPath = process.env.TESSERA_CHROMIUM ?? '/usr/bin/chromium';

/** CI, or TESSERA_REQUIRE_BROWSER=1, turns a missing browser or GPU adapter into a failure. */
function browserRequired(): boolean {
  const ci = process.env.CI;
  return (
    (ci !== undefined && ci !== '' && ci !== 'false') || process.env.TESSERA_REQUIRE_BROWSER === '1'
  );
}

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether a test must fail, not skip, when the page has no WebGPU adapter or WebGL2. */
    requireBrowser: boolean;
  }
}

function skipAllConfig() {
  const reason =
    `browser tests skipped: no Chromium at ${chromiumPath} ` +
    "(install Debian's chromium package or set TESSERA_CHROMIUM to its path)";
  console.log(reason);
  return defineConfig({ test: { include: [], passWithNoTests: true } });
}

function browserConfig() {
  return defineConfig({
    test: {
      include: ['test/**/*.test.ts'],
      provide: { requireBrowser: browserRequired() },
      // SwiftShader runs WebGPU and WebGL on the CPU, so a conformance case can take seconds.
      testTimeout: 120_000,
      hookTimeout: 60_000,
      browser: {
        enabled: true,
        headless: true,
        provider: playwright({
          launchOptions: {
            executablePath: chromiumPath,
            args: [
              '--no-sandbox',
              '--enable-unsafe-webgpu',
              '--disable-background-networking',
              '--disable-component-update',
              '--disable-sync',
              '--no-first-run',
            ],
          },
        }),
        instances: [{ browser: 'chromium' }],
      },
    },
  });
}

if (!existsSync(chromiumPath) && browserRequired()) {
  throw new Error(
    `browser tests: no Chromium at ${chromiumPath}, and CI or TESSERA_REQUIRE_BROWSER=1 ` +
      'requires it. Install it (apt-get install chromium on Debian) or set TESSERA_CHROMIUM',
  );
}

export default existsSync(chromiumPath) ? browserConfig() : skipAllConfig();
