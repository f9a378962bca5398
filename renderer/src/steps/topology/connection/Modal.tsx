import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react'

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])'

/**
 * A modal dialog on the native `<dialog>` (showModal makes the rest of the page inert). Escape calls
 * `onEscape`, Tab stays inside, the element marked `data-autofocus` gets the focus, and focus goes
 * back to where it was when the dialog closes.
 */
export function Modal(props: {
  labelledBy: string
  describedBy?: string
  /** `alertdialog` for warnings that interrupt the user. */
  role?: 'dialog' | 'alertdialog'
  className?: string
  onEscape: () => void
  children: ReactNode
}) {
  const ref = useRef<HTMLDialogElement>(null)
  const onEscape = useRef(props.onEscape)
  useEffect(() => {
    onEscape.current = props.onEscape
  })

  useEffect(() => {
    const dialog = ref.current
    if (!dialog) return
    const before = document.activeElement instanceof HTMLElement ? document.activeElement : undefined
    if (!dialog.open) dialog.showModal()
    // React's autoFocus runs before showModal; focus the marked element once the dialog is modal.
    dialog.querySelector<HTMLElement>('[data-autofocus]')?.focus()
    const onCancel = (event: Event): void => {
      // The dialog closes through our state, so the user's choice (refuse / cancel) is recorded.
      event.preventDefault()
      onEscape.current()
    }
    dialog.addEventListener('cancel', onCancel)
    return () => {
      dialog.removeEventListener('cancel', onCancel)
      if (dialog.open) dialog.close()
      if (before?.isConnected) before.focus()
    }
  }, [])

  function onKeyDown(event: KeyboardEvent<HTMLDialogElement>): void {
    if (event.key !== 'Tab' || !ref.current) return
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)]
    const first = items[0]
    const last = items[items.length - 1]
    if (!first || !last) return
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault()
      first.focus()
    }
  }

  return (
    <dialog
      ref={ref}
      role={props.role === 'alertdialog' ? 'alertdialog' : undefined}
      aria-modal="true"
      aria-labelledby={props.labelledBy}
      aria-describedby={props.describedBy}
      className={`modal ${props.className ?? ''}`}
      onKeyDown={onKeyDown}
    >
      {props.children}
    </dialog>
  )
}
