// ApiRegistry refuses, at registration, a route whose request schemas carry an integer or a
// number without both bounds (issue 13 F3): a new route cannot forget them.
import { expect } from 'chai';
import { ApiRegistry, type RouteSpec } from './route.js';

const route = (extra: Partial<RouteSpec>): RouteSpec => ({
  method: 'get', path: '/things', summary: 'things', tags: ['test'], responses: { 200: { description: 'ok', schema: { type: 'object', properties: { n: { type: 'integer' } } } } },
  async handler() {},
  ...extra,
});

describe('ApiRegistry: bounded numbers', () => {
  it('refuses an unbounded integer or number in params, query or body, nested too', () => {
    const cases: Partial<RouteSpec>[] = [
      { query: { type: 'object', properties: { offset: { type: 'integer', minimum: 0 } } } },
      { params: { type: 'object', properties: { id: { type: 'integer', maximum: 10 } } } },
      { method: 'post', body: { type: 'object', properties: { list: { type: 'array', items: { type: 'number', minimum: 0 } } } } },
      { method: 'post', body: { type: 'object', properties: { v: { anyOf: [{ type: 'string' }, { type: ['integer', 'null'], minimum: 1 }] } } } },
      { method: 'post', body: { oneOf: [{ type: 'object', properties: { deep: { type: 'object', additionalProperties: { type: 'number' } } } }] } },
    ];
    for (const extra of cases) {
      expect(() => new ApiRegistry().add(route(extra)), JSON.stringify(extra)).to.throw(/GET \/things|POST \/things/);
    }
  });

  it('accepts bounded ones (exclusive bounds count) and leaves response schemas alone', () => {
    const registry = new ApiRegistry();
    registry.add(route({ query: { type: 'object', properties: { offset: { type: 'integer', minimum: 0, maximum: 100 }, f: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 } } } }));
    registry.add(route({ method: 'post', body: { type: 'object', properties: { id: { type: ['string', 'integer'], minimum: 1, maximum: 5 }, name: { type: 'string' } } } }));
    expect(registry.routes).to.have.length(2);
  });
});
