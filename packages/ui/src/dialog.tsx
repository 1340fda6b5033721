"use client";
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select, textarea, a[href], [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog on the native <dialog> (showModal makes the page behind it
 * inert). Escape closes it; Tab and Shift+Tab cycle within it; focus goes to
 * the first field (or button) on open and back to what had it on close.
 */
export function Dialog({
  open,
  title,
  children,
  footer,
  onClose,
  className,
}: {
  open: boolean;
  title: ReactNode;
  children?: ReactNode;
  footer?: ReactNode;
  onClose: () => void;
  className?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d || !open) return;
    const before = document.activeElement as HTMLElement | null;
    d.showModal();
    (d.querySelector<HTMLElement>("input, textarea, select") ?? d.querySelector<HTMLElement>(FOCUSABLE))?.focus();
    return () => {
      d.close();
      before?.focus();
    };
  }, [open]);

  // Tab never leaves the dialog: from the last control it wraps to the first, and back.
  const trapTab = (e: KeyboardEvent<HTMLDialogElement>) => {
    if (e.key !== "Tab") return;
    const items = [...e.currentTarget.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (!items.length) return;
    const [first, last] = [items[0]!, items.at(-1)!];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  if (!open) return null;
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-modal="true"
      onKeyDown={trapTab}
      // Escape fires "cancel": the parent closes it, so its state stays the truth.
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-md rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40",
        className,
      )}
    >
      <div className="px-5 pt-4 pb-2">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
      </div>
      <div className="space-y-3 px-5 pb-4 text-sm text-slate-600">{children}</div>
      {footer ? (
        <div className="flex flex-wrap justify-end gap-2 border-t border-slate-100 px-5 py-3">{footer}</div>
      ) : null}
    </dialog>
  );
}
