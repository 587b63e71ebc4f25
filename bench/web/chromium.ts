/** bench:web's browser: the same Chromium launch as the browser tests. */
import fs from 'node:fs';
export { launch, phone, desktop } from '../../test/browser/browser.js';

export function requireChromiumOrExit(): void {
  if (!fs.existsSync('/usr/bin/chromium')) {
    console.error('bench:web needs Debian chromium at /usr/bin/chromium (apt-get install chromium fonts-noto-cjk)');
    process.exit(1);
  }
}
