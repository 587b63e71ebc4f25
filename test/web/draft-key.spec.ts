import { expect } from 'chai';
import { draftKey } from '../../web/src/ui/draft-key.js';

describe('web: task draft key', () => {
  it('is the same for the same answers in another key order, nested too', () => {
    expect(draftKey({ a: 1, b: { x: 'x', y: [1, 2] } }, { p: ['1'] })).to.equal(draftKey({ b: { y: [1, 2], x: 'x' }, a: 1 }, { p: ['1'] }));
  });
  it('differs when an answer, the order of a list or a photo differs', () => {
    const base = draftKey({ a: 1, list: [1, 2] }, { p: ['1'] });
    expect(draftKey({ a: 2, list: [1, 2] }, { p: ['1'] })).to.not.equal(base);
    expect(draftKey({ a: 1, list: [2, 1] }, { p: ['1'] })).to.not.equal(base);
    expect(draftKey({ a: 1, list: [1, 2] }, { p: ['1', '2'] })).to.not.equal(base);
    expect(draftKey({ a: 1, list: [1, 2] }, {})).to.not.equal(base);
  });
});
