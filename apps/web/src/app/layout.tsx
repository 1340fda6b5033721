import type { Metadata } from "next";
import { GeistSans } from "geist/font/sans";
import type { ReactNode } from "react";
import { Providers } from "@/trpc/client";
import "./globals.css";

// Every page is rendered per request, so it carries that request's CSP nonce (src/proxy.ts).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: "ScrollIntel",
  description: "Bring a dataset of any size; query and chart it in under a second.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en" className={GeistSans.className}>
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
