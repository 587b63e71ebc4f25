/**
 * 重新开启 a closed case for a new round: the reason (required; the server's field error shown
 * beside it) and, from the SMS inbox, the repeat message that is linked to the case with it.
 */
import { useState } from 'preact/hooks';
import { ApiError, post, type CaseDetail } from '../api.js';
import { t } from '../i18n.js';
import { Dialog } from './dialog.js';
import { fieldErrors } from './field-errors.js';

/** The longest reason the server takes (cases/schema.ts reopenReasonMaxLength). */
const reasonMaxLength = 500;

export function ReopenDialog(props: { caseId: string; caseNumber: string; messageId?: number; onClose(): void; onReopened(detail: CaseDetail): void }) {
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = fieldErrors(error);

  async function reopen() {
    setBusy(true);
    try {
      const detail = await post<CaseDetail>(`/cases/${encodeURIComponent(props.caseId)}/reopen`, { reason: reason.trim(), ...(props.messageId !== undefined ? { messageId: props.messageId } : {}) });
      props.onReopened(detail);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  }

  const unplaced = error && !errors.reason ? (error instanceof ApiError ? error.message : String(error)) : '';
  return (
    <Dialog name="reopen-case" title={t('reopenTitle', { number: props.caseNumber })} confirm={t('reopenConfirm')} busy={busy} onConfirm={() => void reopen()} onClose={props.onClose}>
      <p class="hint">{t('reopenHint')}</p>
      {props.messageId !== undefined && <p class="hint" data-reopen-sms>{t('reopenWithSms')}</p>}
      <div class="field">
        <label for="f-reopen-reason">{t('reopenReason')}</label>
        <textarea id="f-reopen-reason" name="reason" rows={3} required maxLength={reasonMaxLength} value={reason} onInput={(e) => { setReason(e.currentTarget.value); if (error) setError(null); }}
          aria-invalid={errors.reason ? true : undefined} aria-describedby={errors.reason ? 'f-reopen-reason-error' : undefined} />
        {errors.reason && <span class="field-error" id="f-reopen-reason-error" data-error-for="reason">{errors.reason}</span>}
      </div>
      {unplaced && <p class="error" role="alert">{unplaced}</p>}
    </Dialog>
  );
}
