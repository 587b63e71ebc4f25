// bpmn-moddle 10 ships no types for its ESM entry; this is the part the platform uses.
declare module 'bpmn-moddle' {
  export interface BpmnModdleInstance {
    fromXML(xml: string, typeName?: string): Promise<{ rootElement: unknown; warnings: { message: string; element?: { id?: string } }[]; elementsById: Record<string, unknown>; references: unknown[] }>;
    toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
  export function BpmnModdle(packages?: Record<string, object>, options?: Record<string, unknown>): BpmnModdleInstance;
}
