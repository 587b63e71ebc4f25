import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ajv } from '../api/src/validation/ajv.js';
import { createFormCatalog, fieldErrors, fieldLabels, formToJsonSchema, formValidator, listFormIds, loadForm, type FormComponent } from './index.js';

const fields = (formId: string, data: unknown) => formValidator(formId).errors(data).map((e) => e.field);
const photoIds = (n: number) => Array.from({ length: n }, (_, i) => `ph-${i}`);

/** A valid submission of each form, with every field the form has. */
const valid: Record<string, Record<string, unknown>> = {
  'assign-inspector': { inspector: 'wang.inspector', assignNotes: '请核实是否占道' },
  'verify-report': { verification: 'substantiated', verifyNotes: '现场确有摊贩占道经营', verifyPhotos: ['ph-1', 'ph-2'] },
  'dispatch-to-unit': { unitId: 'U-JD-01', dispatchNotes: '' },
  'assign-officer': { officer: 'li.officer', assignOfficerNotes: null },
  'enforce': { enforceResult: '已劝离摊贩，恢复通行', enforcePhotos: ['ph-3'] },
  'review-result': { review: 'returned', reviewNotes: '照片看不清，请补拍' },
  'assign-recheck': { recheckInspector: 'wang.inspector', recheckNotes: '请复查' },
  'recheck': { recheckResult: 'not_fixed', recheckFindings: '仍有摊贩占道', recheckPhotos: ['ph-9'] },
  'confirm-dismissal': { dismissalDecision: 'reverify', dismissalNotes: '照片没有定位，请重新到现场核实' },
};

describe('forms: form-js JSON → JSON Schema (server-side validation of task data)', () => {
  it('has one form per user task, each a Camunda 8.8 form-js document whose id is its file name', () => {
    expect(listFormIds()).to.deep.equal(Object.keys(valid).sort());
    for (const id of listFormIds()) {
      const form = loadForm(id);
      expect(form, id).to.include({ id, type: 'default', executionPlatform: 'Camunda Cloud', executionPlatformVersion: '8.8.0', schemaVersion: 18 });
      const ids = form.components.map((c) => c.id);
      expect(new Set(ids).size, `${id}: component ids are unique`).to.equal(ids.length);
      for (const c of form.components) if (c.label) expect(c.label, `${id}.${c.key}`).to.match(/[\u4e00-\u9fff]/);
    }
  });

  it('converts each form to a schema ajv compiles, with additionalProperties false', () => {
    for (const id of listFormIds()) {
      const schema = formToJsonSchema(loadForm(id));
      expect(schema.additionalProperties, id).to.equal(false);
      expect(Object.keys(schema.properties as object).sort(), id).to.deep.equal(Object.keys(valid[id]).sort());
      expect(() => ajv.compile(schema), id).not.to.throw();
    }
  });

  it('uses the contract: decisions are radios with the enumerated values, people and units come from the API, photos are multi-image pickers', () => {
    const byKey = new Map(listFormIds().flatMap((id) => loadForm(id).components.filter((c) => c.key).map((c) => [c.key as string, c] as const)));
    const radios: Record<string, string[]> = { verification: ['substantiated', 'unsubstantiated'], review: ['approved', 'returned'], recheckResult: ['fixed', 'not_fixed'] };
    for (const [key, values] of Object.entries(radios)) {
      const c = byKey.get(key) as FormComponent;
      expect(c.type, key).to.equal('radio');
      expect(c.values?.map((v) => v.value), key).to.deep.equal(values);
      expect(c.validate?.required, key).to.equal(true);
    }
    expect(byKey.get('verification')?.values?.map((v) => v.label)).to.deep.equal(['属实', '不属实']);
    const selects: Record<string, string> = { inspector: 'inspectorOptions', unitId: 'unitOptions', officer: 'officerOptions', recheckInspector: 'inspectorOptions' };
    for (const [key, valuesKey] of Object.entries(selects)) expect(byKey.get(key), key).to.include({ type: 'select', valuesKey });
    for (const key of ['verifyPhotos', 'enforcePhotos', 'recheckPhotos']) {
      expect(byKey.get(key), key).to.include({ type: 'filepicker', accept: 'image/*', multiple: true });
      expect(byKey.get(key)?.validate?.required, key).to.equal(true);
    }
    const suggestion = loadForm('dispatch-to-unit').components.find((c) => c.type === 'text' && String(c.text).includes('{{unitSuggestionReason}}'));
    expect(suggestion, 'the unit suggestion is shown').to.not.equal(undefined);
  });

  it('accepts a valid submission of every form', () => {
    for (const [id, data] of Object.entries(valid)) expect(fields(id, data), id).to.deep.equal([]);
    // optional fields may be left out or empty
    expect(fields('assign-inspector', { inspector: 'wang.inspector' })).to.deep.equal([]);
    expect(fields('review-result', { review: 'approved', reviewNotes: '' })).to.deep.equal([]);
  });

  it('refuses each kind of bad data and names the field', () => {
    const verify = valid['verify-report'];
    const cases: [string, Record<string, unknown>, string][] = [
      ['missing required decision', { ...verify, verification: undefined }, 'verification'],
      ['missing required photos', { ...verify, verifyPhotos: undefined }, 'verifyPhotos'],
      ['null for a required decision', { ...verify, verification: null }, 'verification'],
      ['wrong type (boolean for a radio)', { ...verify, verification: true }, 'verification'],
      ['wrong type (string for photos)', { ...verify, verifyPhotos: 'ph-1' }, 'verifyPhotos'],
      ['wrong type (number for notes)', { ...verify, verifyNotes: 42 }, 'verifyNotes'],
      ['too long', { ...verify, verifyNotes: '长'.repeat(2001) }, 'verifyNotes'],
      ['blank required text', { ...verify, verifyNotes: '   ' }, 'verifyNotes'],
      ['value outside the radio enum', { ...verify, verification: 'maybe' }, 'verification'],
      ['unknown extra field', { ...verify, isAdmin: true }, 'isAdmin'],
      ['empty photo list', { ...verify, verifyPhotos: [] }, 'verifyPhotos'],
      ['too many photos', { ...verify, verifyPhotos: photoIds(21) }, 'verifyPhotos'],
      ['the same photo twice', { ...verify, verifyPhotos: ['ph-1', 'ph-1'] }, 'verifyPhotos'],
      ['a photo id that is not a string', { ...verify, verifyPhotos: [7] }, 'verifyPhotos'],
    ];
    for (const [what, data, field] of cases) {
      const errors = formValidator('verify-report').errors(JSON.parse(JSON.stringify(data)));
      expect(errors.map((e) => e.field), what).to.deep.equal([field]);
      expect(errors[0].message, what).to.be.a('string').and.not.equal('');
    }
    expect(fields('verify-report', { ...verify, verifyPhotos: photoIds(20) })).to.deep.equal([]);
    expect(fields('recheck', { ...valid.recheck, recheckResult: 'fixed!' })).to.deep.equal(['recheckResult']);
    expect(fields('review-result', { review: 'approved', reviewNotes: 'x'.repeat(2001) })).to.deep.equal(['reviewNotes']);
    expect(fields('enforce', { enforceResult: '已处置', enforcePhotos: [] })).to.deep.equal(['enforcePhotos']);
    expect(fields('dispatch-to-unit', { unitId: '' })).to.deep.equal(['unitId']);
    expect(fields('assign-inspector', {})).to.deep.equal(['inspector']);
    expect(fields('assign-inspector', 'not an object')).to.deep.equal(['variables']);
    expect(fields('assign-inspector', null)).to.deep.equal(['variables']);
  });

  it('needs the reason of a 退回 (requiredWhen), and not of an approval', () => {
    const errors = (data: unknown) => formValidator('review-result').errors(data);
    for (const notes of [undefined, null, '', '   ']) {
      const data = { review: 'returned', ...(notes === undefined ? {} : { reviewNotes: notes }) };
      expect(errors(data), JSON.stringify(data)).to.deep.equal([{ field: 'reviewNotes', message: 'required', messageZh: '必填' }]);
    }
    expect(errors({ review: 'returned', reviewNotes: '照片看不清，请补拍' })).to.deep.equal([]);
    expect(errors({ review: 'approved', reviewNotes: null })).to.deep.equal([]);
    expect(errors({ review: 'approved' })).to.deep.equal([]);
    expect(errors({ review: 'returned', reviewNotes: 'x'.repeat(2001) }).map((e) => e.field)).to.deep.equal(['reviewNotes']);
  });

  it('reports every failing field once, in Chinese and English', () => {
    const errors = formValidator('verify-report').errors({ verification: 'x', verifyNotes: 'y'.repeat(2001), verifyPhotos: [], extra: 1 });
    expect(errors.map((e) => e.field).sort()).to.deep.equal(['extra', 'verification', 'verifyNotes', 'verifyPhotos']);
    expect(errors.find((e) => e.field === 'verifyNotes')).to.deep.include({ message: 'at most 2000 characters', messageZh: '不能超过 2000 个字' });
    for (const e of errors) expect(e.messageZh, e.field).to.match(/[\u4e00-\u9fff]/);
    expect(formValidator('verify-report').errors({})[0]).to.deep.include({ message: 'required', messageZh: '必填' });
  });

  it('loads by id only: unknown, malformed and path-like ids are refused; results are cached', () => {
    for (const bad of ['../package', 'no-such-form', 'Verify-Report', 'verify-report.form', '', '/etc/passwd', 'a/b']) {
      expect(() => loadForm(bad), bad).to.throw(/no form/);
    }
    expect(loadForm('enforce')).to.equal(loadForm('enforce'));
    expect(formValidator('enforce')).to.equal(formValidator('enforce'));
  });

  it('keeps the catalog the task routes use (get, schema, validate)', () => {
    const catalog = createFormCatalog();
    expect(catalog.get('recheck').id).to.equal('recheck');
    expect(catalog.validate('recheck', valid.recheck)).to.deep.equal([]);
    expect(catalog.validate('recheck', {}).map((e) => e.field).sort()).to.deep.equal(['recheckFindings', 'recheckPhotos', 'recheckResult']);
  });

  it('refuses a form file whose id does not match its name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forms-'));
    try {
      fs.writeFileSync(path.join(dir, 'alpha.form'), JSON.stringify({ id: 'beta', type: 'default', components: [] }));
      expect(listFormIds(dir)).to.deep.equal(['alpha']);
      expect(() => loadForm('alpha', dir)).to.throw(/does not match/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('converts the other form-js value components', () => {
    const schema = formToJsonSchema({
      id: 'x', components: [
        { type: 'number', key: 'n', validate: { min: 1, max: 5, required: true } },
        { type: 'number', key: 'count', decimalDigits: 0 },
        { type: 'number', key: 'dynamicMax', validate: { max: '=limit' } },
        { type: 'checkbox', key: 'ok' },
        { type: 'checkbox', key: 'agree', validate: { required: true } },
        { type: 'checklist', key: 'tags', values: [{ value: 'a' }, { value: 'b' }] },
        { type: 'taglist', key: 'people', valuesKey: 'peopleOptions', validate: { required: true } },
        { type: 'select', key: 'size', values: [{ value: 's' }, { value: 'l' }] },
        { type: 'textfield', key: 'email', validate: { validationType: 'email' } },
        { type: 'datetime', key: 'day', subtype: 'date' },
        { type: 'datetime', key: 'at', subtype: 'datetime', validate: { required: true } },
        { type: 'filepicker', key: 'one' },
        { type: 'textfield', key: 'locked', disabled: true },
        { type: 'textfield', key: 'maybe', conditional: { hide: '=ok' }, validate: { required: true } },
        { type: 'group', components: [{ type: 'textfield', key: 'inner', validate: { pattern: '^[0-9]+$', required: true } }] },
        { type: 'group', path: 'address', components: [{ type: 'textfield', key: 'street', validate: { required: true } }] },
        { type: 'dynamiclist', path: 'rows', components: [{ type: 'textfield', key: 'cell' }] },
        { type: 'spacer' }, { type: 'text', text: '# hi' }, { type: 'separator' },
      ],
    });
    expect(schema.required).to.deep.equal(['n', 'agree', 'people', 'at', 'inner', 'address']);
    const props = schema.properties as Record<string, Record<string, unknown>>;
    expect(props).to.not.have.any.keys('locked');
    expect(props.n).to.deep.equal({ type: 'number', minimum: 1, maximum: 5 });
    expect(props.count.type).to.deep.equal(['integer', 'null']);
    expect(props.dynamicMax).to.deep.equal({ type: ['number', 'null'] });
    const validate = ajv.compile(schema);
    const check = (data: unknown) => (validate(data) ? [] : fieldErrors(validate.errors).map((e) => e.field));
    const ok = { n: 3, agree: true, people: ['p1'], at: '2026-11-24T09:30+08:00', inner: '42', address: { street: '人民路 1 号' } };
    expect(check(ok)).to.deep.equal([]);
    expect(check({ ...ok, n: 6 })).to.deep.equal(['n']);
    expect(check({ ...ok, count: 1.5 })).to.deep.equal(['count']);
    expect(check({ ...ok, agree: false })).to.deep.equal(['agree']);
    expect(check({ ...ok, tags: ['c'] })).to.deep.equal(['tags']);
    expect(check({ ...ok, tags: ['a', 'b'], size: null, email: 'a@b.cn', day: '2026-02-28', one: ['f1'] })).to.deep.equal([]);
    expect(check({ ...ok, size: 'm' })).to.deep.equal(['size']);
    expect(check({ ...ok, email: 'not-an-email' })).to.deep.equal(['email']);
    expect(check({ ...ok, day: '2026-02-30' })).to.deep.equal(['day']);
    expect(check({ ...ok, at: '2026-11-24' })).to.deep.equal(['at']);
    expect(check({ ...ok, one: ['f1', 'f2'] })).to.deep.equal(['one']);
    expect(check({ ...ok, locked: 'x' })).to.deep.equal(['locked']);
    expect(check({ ...ok, inner: 'abc' })).to.deep.equal(['inner']);
    expect(check({ ...ok, address: {} })).to.deep.equal(['address.street']);
    expect(check({ ...ok, address: undefined })).to.deep.equal(['address']);
    expect(check({ ...ok, rows: [{ cell: 'a' }, { cell: null }] })).to.deep.equal([]);
    expect(check({ ...ok, rows: [{ cell: 'a' }, { cell: 'a', other: 1 }] })).to.deep.equal(['rows.1.other']);
    expect(() => formToJsonSchema({ id: 'y', components: [{ type: 'signature-pad', key: 'sig' }] })).to.throw(/not supported/);
    expect(() => formToJsonSchema({ id: 'y', components: [{ type: 'textfield', key: 'a.b' }] })).to.throw(/dotted/);
    expect(() => formToJsonSchema({ id: 'y', components: [{ type: 'textfield', key: 'a' }, { type: 'textarea', key: 'a' }] })).to.throw(/twice/);
  });
});

describe('form field labels (for the case history)', () => {
  it('gives every field of every form its label, and choice fields their options\' labels', () => {
    const labels = fieldLabels();
    expect(labels.verification).to.deep.equal({ label: '核实结论', options: { substantiated: '属实', unsubstantiated: '不属实' } });
    expect(labels.recheckResult.options).to.deep.equal({ fixed: '已整改到位', not_fixed: '未整改到位' });
    expect(labels.dispatchNotes).to.deep.equal({ label: '派遣意见' });
    expect(labels.unitId).to.deep.equal({ label: '责任单位', names: 'unit' });
    for (const key of ['inspector', 'officer', 'recheckInspector']) expect(labels[key].names, key).to.equal('person');
    // every key of every form is there
    for (const key of ['inspector', 'assignNotes', 'officer', 'assignOfficerNotes', 'recheckInspector', 'recheckNotes', 'enforceResult', 'enforcePhotos', 'recheckFindings', 'recheckPhotos', 'review', 'reviewNotes', 'verifyNotes', 'verifyPhotos']) {
      expect(labels[key], key).to.have.property('label').that.is.a('string').and.not.equal('');
    }
  });
});

