// Driving the ceremony runner the way the administrator does, for the browser tests of
// whole ceremonies: wait until a step is the current one, start it, type the
// confirmation of an irreversible step, perform, acknowledge by role and complete. Every
// helper clicks and types in the page; none calls main directly.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ROOT } from './harness';

export const SCREENSHOTS = join(ROOT, 'test-results');

export async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).trim();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SCREENSHOTS, name), fullPage: true });
}

export interface TranscriptLine {
  seq: number;
  type: string;
  data: Record<string, unknown>;
}

export function transcriptLines(dir: string): TranscriptLine[] {
  return readFileSync(join(dir, 'transcript.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as TranscriptLine);
}

export interface StepDriver {
  card(): Locator;
  waitForCurrent(step: string): Promise<void>;
  startStep(step: string): Promise<void>;
  confirmIrreversible(step: string): Promise<void>;
  /** Clicks every acknowledgement button the card still shows; returns their test ids. */
  acknowledgeAll(): Promise<string[]>;
  completeStep(step: string): Promise<void>;
  /** A step that takes no inputs: start, confirm when irreversible, perform, acknowledge, complete. */
  plainStep(step: string): Promise<void>;
}

export function stepDriver(page: Page): StepDriver {
  const card = () => page.getByTestId('step-card');

  async function waitForCurrent(step: string): Promise<void> {
    await page.locator(`[data-testid="step-card"][data-step="${step}"]`).waitFor();
    assert.equal(await page.getByTestId(`step-item-${step}`).getByRole('button').getAttribute('aria-current'), 'step');
  }

  async function startStep(step: string): Promise<void> {
    await waitForCurrent(step);
    await card().getByTestId('start-step').click();
    await page.locator(`[data-testid="step-item-${step}"][data-status="started"]`).waitFor();
  }

  async function confirmIrreversible(step: string): Promise<void> {
    const form = card().getByTestId('confirm-form');
    await form.waitFor();
    assert.equal(await text(form.locator('.confirm-phrase__phrase')), step);
    await form.getByTestId('confirm-phrase').fill(step);
    await form.getByTestId('confirm-submit').click();
    await form.waitFor({ state: 'detached' });
  }

  async function acknowledgeAll(): Promise<string[]> {
    const names: string[] = [];
    for (;;) {
      const button = card().locator('[data-testid^="ack-"]').first();
      if ((await button.count()) === 0) return names;
      const id = (await button.getAttribute('data-testid'))!;
      names.push(id);
      await button.click();
      await page.getByTestId(id.replace(/^ack-/, 'acked-')).waitFor();
    }
  }

  async function completeStep(step: string): Promise<void> {
    await acknowledgeAll();
    await card().getByTestId('complete-step').click();
    await page.locator(`[data-testid="step-item-${step}"][data-status="done"]`).waitFor();
  }

  async function plainStep(step: string): Promise<void> {
    await startStep(step);
    if (await card().getByTestId('confirm-form').count()) await confirmIrreversible(step);
    await card().getByTestId('perform-step').click();
    await card().getByTestId('step-result').waitFor({ timeout: 120_000 });
    await completeStep(step);
  }

  return { card, waitForCurrent, startStep, confirmIrreversible, acknowledgeAll, completeStep, plainStep };
}
