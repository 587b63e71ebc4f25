/**
 * bpmnlint in the browser with the project's .bpmnlintrc (recommended + Camunda 8.8
 * compatibility): the rules are bundled by Vite's glob import instead of Node's require.
 */
import { Linter } from 'bpmnlint';
import camundaCompat from 'bpmnlint-plugin-camunda-compat';
import recommended from 'bpmnlint/config/recommended';

type RuleFactory = (config?: unknown) => unknown;
const coreRules = import.meta.glob<RuleFactory>('../../node_modules/bpmnlint/rules/*.js', { eager: true, import: 'default' });
const compatRules = import.meta.glob<RuleFactory>(
  ['../../node_modules/bpmnlint-plugin-camunda-compat/rules/camunda-cloud/*.js', '../../node_modules/bpmnlint-plugin-camunda-compat/rules/camunda-cloud/*/index.js'],
  { eager: true, import: 'default' },
);

// a rule is `<name>.js` or `<name>/index.js`
const byName = (rules: Record<string, RuleFactory>) => new Map(Object.entries(rules).map(([path, rule]) => [path.replace(/\/index\.js$/, '.js').replace(/^.*\/([^/]+)\.js$/, '$1'), rule]));
const core = byName(coreRules);
const compat = byName(compatRules);

const resolver = {
  resolveRule(pkg: string, name: string) {
    return pkg === 'bpmnlint' ? core.get(name) : pkg === 'bpmnlint-plugin-camunda-compat' ? compat.get(name) : undefined;
  },
  resolveConfig(pkg: string, name: string) {
    if (pkg === 'bpmnlint' && name === 'recommended') return recommended;
    if (pkg === 'bpmnlint-plugin-camunda-compat') return (camundaCompat as { configs: Record<string, unknown> }).configs[name];
    return undefined;
  },
};

export interface Problem { rule: string; id: string; message: string; category: 'error' | 'warn' | 'info' }

const config = { extends: ['bpmnlint:recommended', 'plugin:camunda-compat/camunda-cloud-8-8'] };

export async function lint(definitions: unknown): Promise<Problem[]> {
  // a Linter per run: it caches rule instances, and some rules keep state in them
  // (no-duplicate-sequence-flows remembers every flow it saw), so a reused Linter reported
  // every flow as a duplicate from the second run on, i.e. after the first edit
  const linter = new Linter({ config, resolver });
  const reports = (await linter.lint(definitions)) as Record<string, { id?: string; message: string; category: Problem['category'] }[]>;
  return Object.entries(reports).flatMap(([rule, list]) => list.map((r) => ({ rule, id: r.id ?? '', message: r.message, category: r.category })));
}
