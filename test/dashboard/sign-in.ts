/** Signs a staff member in on the /dashboard page and waits for the first snapshot. */
import type { Page } from 'playwright-core';
import type { TestBranch } from '../support/branch.js';

export async function signIn(page: Page, b: TestBranch, staffId: string): Promise<void> {
  const cred = b.credentials.find((c) => c.staffId === staffId)!;
  await page.goto(`${b.url}/dashboard`);
  await page.getByLabel(/Staff id/).fill(staffId);
  await page.getByLabel(/PIN/).fill(cred.pin);
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.locator('main[data-ready="1"]').waitFor();
}
