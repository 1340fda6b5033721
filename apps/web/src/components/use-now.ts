"use client";
import { useEffect, useState } from "react";

/** The current time, re-rendering every `ms` while `active`: for elapsed-time labels. */
export function useNow(ms: number, active = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms, active]);
  return now;
}
