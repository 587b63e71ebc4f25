/** Types for `saxen` (bpmn-io's SAX parser; the package ships none) — the parts laws/office.ts uses. */
declare module 'saxen' {
  type Decode = (text: string) => string;
  type Attrs = () => Record<string, string>;
  export class Parser {
    constructor(options?: { proxy?: boolean });
    on(event: 'openTag', handler: (name: string, attrs: Attrs, decode: Decode, selfClosing: boolean) => void): this;
    on(event: 'closeTag', handler: (name: string, decode: Decode, selfClosing: boolean) => void): this;
    on(event: 'text', handler: (text: string, decode: Decode) => void): this;
    on(event: 'cdata', handler: (text: string) => void): this;
    on(event: 'error' | 'warn', handler: (error: Error) => void): this;
    parse(xml: string): this;
  }
}
