/**
 * An in-page modal dialog (the native <dialog> opened with showModal: focus is kept inside,
 * Esc cancels), for confirmations and small forms — never the browser's confirm()/prompt().
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n.js';

export function Dialog(props: {
  title: string;
  /** The confirming button's text; omitted: the dialog only informs (one 关闭 button). */
  confirm?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm?: () => void;
  onClose: () => void;
  children?: ComponentChildren;
  name?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.open && dialog.close();
  }, []);
  const submit = (event: Event) => {
    event.preventDefault();
    props.onConfirm?.();
  };
  return (
    <dialog ref={ref} class="dialog card" aria-labelledby="dialog-title" data-dialog={props.name} onCancel={(e) => { e.preventDefault(); props.onClose(); }}>
      <form method="dialog" onSubmit={submit} noValidate>
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        <div class="actions">
          {props.confirm && <button type="submit" class={props.danger ? 'primary danger' : 'primary'} disabled={props.busy}>{props.confirm}</button>}
          <button type="button" onClick={props.onClose}>{props.confirm ? t('cancel') : t('close')}</button>
        </div>
      </form>
    </dialog>
  );
}
