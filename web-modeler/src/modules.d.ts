// bpmnlint and its Camunda plugin ship no types; the modeler uses only these entry points.
declare module 'bpmnlint' {
  export class Linter {
    constructor(options: { config: unknown; resolver: unknown });
    lint(definitions: unknown): Promise<Record<string, unknown[]>>;
  }
}
declare module 'bpmnlint-plugin-camunda-compat' {
  const plugin: { configs: Record<string, unknown> };
  export default plugin;
}
declare module 'bpmnlint/config/recommended' {
  const config: unknown;
  export default config;
}
declare module 'bpmn-js-i18n-zh/lib/*' { const dictionary: Record<string, string>; export default dictionary; }
