import type { Page } from "playwright-core";

/** Signs in through the form, as a user would, and waits for the datasets page. */
export async function signInAs(page: Page, baseUrl: string, email: string, password = "scrollintel"): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/datasets$/);
}

/**
 * Uploads one file from the upload page straight to its ingest (the preview
 * before it has its own test, upload-preview.e2e.test.ts) and opens the
 * dataset it became.
 */
export async function uploadAndOpen(page: Page, baseUrl: string, file: string, dataset: string): Promise<void> {
  await page.goto(`${baseUrl}/upload`);
  await page.getByLabel("Preview before ingest").uncheck();
  await page.getByTestId("file-input").setInputFiles(file);
  await page.locator('[data-testid="upload-row"][data-state="done"]').waitFor({ timeout: 60_000 });
  await page.goto(`${baseUrl}/datasets`);
  await page.getByRole("link", { name: dataset }).click();
}
