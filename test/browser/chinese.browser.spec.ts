/**
 * Chinese everywhere (issue 12, point 5): every page a role can reach in the zh-CN UI, walked in
 * real Chromium, shows no English word — except the English switch, proper names (product and
 * format names, people's usernames, codes that are data) and the bpmn.io watermark its licence
 * requires.
 */
import { expect } from 'chai';
import { eventually } from '../support/server.js';
import { browserSuite, desktop } from './browser.js';

/** Words that may stay: the language switch, product and format names, and data codes. */
const allowed = new Set([
  'English', 'BPMN', 'bpmn', 'io', 'Camunda', 'Zeebe', 'FEEL', 'GeoJSON', 'JSON', 'PDF', 'Word', 'docx', 'ODT', 'odt', 'Markdown', 'JPEG', 'PNG', 'HEIC', 'WebP',
  'SMS', 'SMPP', 'EXIF', 'GPS', 'LED', 'enforcement', 'case', 'Powered', 'by',
]);
/** A data code shown as such: a category code (street-vending), a username, a process id, a file name. */
const dataCode = /^(?:[a-z]+(?:-[a-z]+)+|[a-z]+\d+|[a-z]+\.[a-z]+|[A-Z0-9]+(?:-[A-Z0-9]+)+)$/;

function englishWords(text: string, usernames: Set<string>): string[] {
  const words = text.match(/[A-Za-z][A-Za-z0-9._-]*[A-Za-z0-9]/g) ?? [];
  return [...new Set(words.filter((w) => /[A-Za-z]{3,}/.test(w) && !allowed.has(w) && !usernames.has(w) && !dataCode.test(w)))];
}

describe('browser: the zh-CN pages speak Chinese', function () {
  this.timeout(300_000);
  const suite = browserSuite();

  const pagesByRole: Record<string, string[]> = {
    dispatcher1: ['/', '/?view=done', '/?view=closed', '/?view=search', '/cases/new', '/sms', '/laws'],
    inspector1: ['/', '/?view=done', '/laws'],
    wangqiang: ['/', '/?view=done', '/laws'],
    zhangwei: ['/', '/laws', '/password'],
    admin: ['/', '/admin/users', '/admin/units', '/admin/areas', '/admin/categories', '/admin/audit', '/admin/modeler', '/sms', '/laws'],
  };

  it('shows no English word on any page a role reaches (cases and tasks included)', async () => {
    const admin = await suite.server.signIn('admin');
    const usernames = new Set<string>(((await admin.get('/api/users?limit=200')).body.users as { username: string }[]).map((u) => u.username));
    const dispatcher = await suite.server.signIn('dispatcher1');
    const created = await dispatcher.post('/api/cases', { source: 'hotline', category: 'street-vending', description: '中文检查：菜场门口摊贩', address: '城东区解放路 12 号', location: { lng: 120.2075, lat: 30.2625 } });
    const caseId = created.body.case.id as string;
    const task = await eventually(async () => (await dispatcher.get('/api/tasks?view=todo&limit=100')).body.items.find((t: { caseId: string }) => t.caseId === caseId), 'the first task');
    pagesByRole.dispatcher1.push(`/cases/${caseId}`, `/tasks/${task.id}`);
    pagesByRole.admin.push(`/cases/${caseId}`);

    const found: string[] = [];
    for (const [username, paths] of Object.entries(pagesByRole)) {
      const { page, context } = await suite.signIn(username, desktop);
      for (const path of paths) {
        await page.goto(path);
        await page.locator('main').waitFor();
        // the page has loaded what it shows (no 加载中…), and lazy parts (diagram, forms) are drawn
        await page.waitForFunction(() => !(globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText.includes('加载中'));
        if (path.startsWith('/tasks/')) await page.locator('.fjs-form').waitFor();
        if (path === '/admin/modeler') await page.locator('.bio-properties-panel').first().waitFor();
        // text marked as English (an English name field, the language switch) or as no language
        // (a technical record) is what it says it is
        const text = await page.evaluate(() => {
          type El = { style: { display: string }; innerText: string };
          const doc = (globalThis as unknown as { document: { body: El; querySelectorAll(s: string): ArrayLike<El> } }).document;
          const hidden = Array.from(doc.querySelectorAll('[lang="en"], [lang="zxx"]'));
          const before = hidden.map((node) => node.style.display);
          for (const node of hidden) node.style.display = 'none';
          const shown = doc.body.innerText;
          hidden.forEach((node, i) => { node.style.display = before[i]; });
          return shown;
        });
        const words = englishWords(text, usernames);
        if (words.length) found.push(`${username} ${path}: ${words.join(', ')}`);
      }
      await context.close();
    }
    expect(found, found.join('\n')).to.deep.equal([]);
  });
});
