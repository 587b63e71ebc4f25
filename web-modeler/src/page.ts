/**
 * The administrators' modeler: the deployed enforcement-case diagram in camunda-bpmn-js's
 * Camunda 8 modeler (Zeebe properties panel), bpmnlint problems inline on the elements and in
 * a list, deploy as a new version, the versions with their open and ended cases (any version
 * shown with badges where its open cases stand), and a read-only preview of a user task's form.
 */
import Modeler from 'camunda-bpmn-js/lib/camunda-cloud/Modeler';
import 'camunda-bpmn-js/dist/assets/camunda-cloud-modeler.css';
import './modeler.css';
import { lint, type Problem } from './lint.js';
import { translateModule } from './translate.js';
import { lintMessageZh } from '../../processes/lint-messages.js';
import { renderVersions, showCaseCounts, type VersionRow } from './features/case-counts.js';
import { attachFormPreview } from './features/form-preview.js';

interface Definition { bpmnProcessId: string; name: string | null; latestVersion: number; versions: VersionRow[] }

function csrf(): string {
  return decodeURIComponent(document.cookie.match(/(?:^|;\s*)paidan_csrf=([^;]+)/)?.[1] ?? '');
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text = ''): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text) node.textContent = text;
  return node;
}

export async function mountModelerPage(root: HTMLElement): Promise<() => void> {
  root.replaceChildren();
  const head = el('div', { class: 'modeler-head' });
  const title = el('h1', {}, '流程建模 · enforcement-case');
  const deploy = el('button', { type: 'button', class: 'primary', 'data-action': 'deploy' }, '部署新版本');
  const status = el('p', { role: 'status', class: 'modeler-status' });
  head.append(title, deploy, status);
  const body = el('div', { class: 'modeler-body' });
  const canvas = el('div', { class: 'modeler-canvas', 'aria-label': 'BPMN diagram' });
  const panel = el('div', { class: 'modeler-panel', 'aria-label': 'properties' });
  const preview = el('section', { class: 'form-preview', 'aria-live': 'polite' });
  body.append(canvas, panel);
  const problemsBox = el('section', { class: 'modeler-problems', 'aria-labelledby': 'problems-h' });
  const problemsTitle = el('h2', { id: 'problems-h' }, '检查结果');
  const problemList = el('ul', { 'data-problems': '' });
  problemsBox.append(problemsTitle, problemList);
  const versionsBox = el('section', { 'aria-labelledby': 'versions-h' });
  versionsBox.append(el('h2', { id: 'versions-h' }, '已部署版本'));
  const versionTable = el('table', { class: 'list', 'data-versions': '' });
  versionsBox.append(versionTable);
  root.append(head, body, preview, problemsBox, versionsBox);

  const modeler = new Modeler({ container: canvas, propertiesPanel: { parent: panel }, additionalModules: [translateModule] });
  const overlays = modeler.get('overlays') as { add(id: string, type: string, o: unknown): void; remove(filter: { type: string }): void };
  const registry = modeler.get('elementRegistry') as { get(id: string): unknown };
  const selection = modeler.get('selection') as { select(e: unknown): void };
  let problems: Problem[] = [];

  async function relint() {
    const definitions = (modeler as unknown as { getDefinitions(): unknown }).getDefinitions();
    problems = await lint(definitions);
    overlays.remove({ type: 'lint' });
    problemList.replaceChildren();
    const errors = problems.filter((p) => p.category === 'error');
    problemsTitle.textContent = `检查结果：${errors.length} 个错误，${problems.length - errors.length} 个警告`;
    for (const p of problems) {
      const item = el('li', { class: p.category === 'error' ? 'error' : 'warn', 'data-rule': p.rule });
      const link = el('button', { type: 'button', class: 'link' }, `${p.id || '—'}`);
      link.onclick = () => registry.get(p.id) && selection.select(registry.get(p.id));
      item.title = p.message; // the rule's own (English) words
      item.append(link, document.createTextNode(` ${lintMessageZh(p.rule)}（${p.rule}）`));
      problemList.append(item);
      if (p.id && registry.get(p.id)) {
        const badge = el('span', { class: `lint-badge ${p.category}`, title: lintMessageZh(p.rule) }, p.category === 'error' ? '!' : '?');
        overlays.add(p.id, 'lint', { position: { top: -8, left: -8 }, html: badge });
      }
    }
    deploy.toggleAttribute('disabled', errors.length > 0);
  }

  let versions: VersionRow[] = [];
  let shownVersion: number | null = null;

  async function loadVersions() {
    const response = await fetch('/api/processes', { credentials: 'same-origin' });
    if (!response.ok) return;
    const list = (await response.json()) as Definition[];
    versions = list.find((d) => d.bpmnProcessId === 'enforcement-case')?.versions ?? [];
    shownVersion ??= versions[0]?.version ?? null;
    renderVersions(versionTable, versions, shownVersion, (v) => void showVersion(v));
  }

  /** Opens a deployed version in the modeler, with badges where its open cases stand. */
  async function showVersion(version: number) {
    const stack = modeler.get('commandStack') as { canUndo(): boolean };
    if (version !== shownVersion && stack.canUndo() && !confirm('放弃尚未部署的修改，打开 v' + version + '？')) return;
    if (version !== shownVersion) {
      const xml = await fetch(`/api/processes/enforcement-case/xml?version=${version}`, { credentials: 'same-origin' });
      if (!xml.ok) return;
      await modeler.importXML(await xml.text());
      (modeler.get('canvas') as { zoom(v: string): void }).zoom('fit-viewport');
      deployed = snapshot(); // what a deploy changes is measured against the version shown
      shownVersion = version;
      title.textContent = `流程建模 · enforcement-case · v${version}`;
      await relint();
    }
    renderVersions(versionTable, versions, shownVersion, (v) => void showVersion(v));
    await showCaseCounts(overlays, (id) => !!registry.get(id), version);
  }

  const xmlResponse = await fetch('/api/processes/enforcement-case/xml', { credentials: 'same-origin' });
  if (!xmlResponse.ok) throw new Error(`cannot load the diagram (${xmlResponse.status})`);
  await modeler.importXML(await xmlResponse.text());
  (modeler.get('canvas') as { zoom(v: string): void }).zoom('fit-viewport');
  let timer: ReturnType<typeof setTimeout> | undefined;
  (modeler.get('eventBus') as { on(e: string, fn: () => void): void }).on('commandStack.changed', () => {
    clearTimeout(timer);
    timer = setTimeout(() => void relint(), 300);
  });
  await Promise.all([relint(), loadVersions()]);
  title.textContent = `流程建模 · enforcement-case${shownVersion ? ` · v${shownVersion}` : ''}`;
  if (shownVersion) await showCaseCounts(overlays, (id) => !!registry.get(id), shownVersion);
  const detachPreview = attachFormPreview(modeler.get('eventBus') as Parameters<typeof attachFormPreview>[0], preview);

  /** The diagram's elements (id → kind and name), to say what a deploy changes. */
  type Shape = { id: string; type: string; businessObject?: { name?: string } };
  const snapshot = () => new Map((registry as unknown as { getAll(): Shape[] }).getAll()
    .filter((e) => e.type.startsWith('bpmn:') && !['bpmn:Process', 'bpmn:Collaboration', 'label'].includes(e.type) && !e.id.endsWith('_label'))
    .map((e) => [e.id, { type: e.type, name: e.businessObject?.name ?? '' }]));
  let deployed = snapshot();
  const confirmBox = el('section', { class: 'card deploy-confirm', 'data-deploy-confirm': '', hidden: '' });
  head.after(confirmBox);

  /** What the edited diagram changes against the loaded version, in words. */
  function changes(): string[] {
    const now = snapshot();
    const out: string[] = [];
    for (const [id, e] of now) {
      const before = deployed.get(id);
      if (!before) out.push(`新增：${e.name || id}（${id}）`);
      else if (before.name !== e.name) out.push(`改名：${before.name || id} → ${e.name || '（无名称）'}（${id}）`);
    }
    for (const [id, e] of deployed) if (!now.has(id)) out.push(`删除：${e.name || id}（${id}）`);
    return out;
  }

  // 部署 first shows what changes and asks; 确认部署 deploys
  deploy.onclick = () => {
    const list = changes();
    confirmBox.replaceChildren(
      el('h2', {}, '确认部署新版本'),
      el('p', {}, list.length ? `与 v${shownVersion ?? '?'} 相比有 ${list.length} 处改动（位置和样式的改动不列出）；正在办理的案件仍按原版本办理。` : `与 v${shownVersion ?? '?'} 相比没有元素的增删或改名；正在办理的案件仍按原版本办理。`),
    );
    const ul = el('ul', { 'data-changes': '' });
    for (const line of list) ul.append(el('li', {}, line));
    const go = el('button', { type: 'button', class: 'primary', 'data-action': 'confirm-deploy' }, '确认部署');
    const cancel = el('button', { type: 'button' }, '取消');
    cancel.onclick = () => confirmBox.setAttribute('hidden', '');
    go.onclick = () => {
      confirmBox.setAttribute('hidden', '');
      void deployNow();
    };
    const actions = el('div', { class: 'actions' });
    actions.append(go, cancel);
    confirmBox.append(ul, actions);
    confirmBox.removeAttribute('hidden');
  };

  async function deployNow() {
    deploy.setAttribute('disabled', '');
    status.textContent = '正在部署…';
    try {
      const { xml } = await modeler.saveXML({ format: true });
      const response = await fetch('/api/processes', {
        method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', 'x-csrf-token': csrf() },
        body: JSON.stringify({ xml, name: 'enforcement-case.bpmn' }),
      });
      const answer = await response.json();
      if (!response.ok) {
        status.textContent = `部署失败：${answer.detail ?? answer.title ?? response.status}`;
        // the server's checks (the platform's contract, bpmnlint) listed with the editor's own
        for (const e of (answer.errors ?? []) as { field: string; message: string }[]) {
          const item = el('li', { class: 'error', 'data-deploy-error': e.field });
          const link = el('button', { type: 'button', class: 'link' }, e.field);
          link.onclick = () => registry.get(e.field) && selection.select(registry.get(e.field));
          item.append(link, document.createTextNode(` ${e.message}`));
          problemList.append(item);
        }
      }
      else if (answer.duplicate) status.textContent = '与当前版本相同，未部署新版本';
      else {
        status.textContent = `已部署版本 v${answer.processes[0]?.version}`;
        deployed = snapshot();
        shownVersion = answer.processes[0]?.version ?? shownVersion;
        title.textContent = `流程建模 · enforcement-case · v${shownVersion}`;
      }
      await loadVersions();
      if (shownVersion) await showCaseCounts(overlays, (id) => !!registry.get(id), shownVersion);
    } finally {
      deploy.toggleAttribute('disabled', problems.some((p) => p.category === 'error'));
    }
  }
  return () => {
    detachPreview();
    modeler.destroy();
  };
}
